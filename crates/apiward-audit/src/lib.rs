//! The spec audit: every static rule, run over a normalized [`Spec`].
//!
//! Each check lives in its own file under `checks/` and reports findings for the rules declared in
//! `apiward-rules`. Checks only read the model; they share the property classifier in [`sensitive`]
//! with the live scan so both speak one taxonomy.

use apiward_core::{Category, Finding, FindingSource, Location};
use apiward_spec::{Loc, Operation, PropertyPath, SchemaId, Spec};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

mod checks;
pub mod sensitive;
pub mod shape;
#[cfg(test)]
mod tests;

/// Run every static rule over the spec. Findings come back unsorted; `Report::build` orders them.
pub fn audit(spec: &Spec) -> Vec<Finding> {
    let ctx = Ctx::new(spec);
    let mut out = Vec::new();
    for check in checks::ALL {
        check(&ctx, &mut out);
    }
    out
}

/// Categories the audit can speak to: all of them (each has a spec-level rule).
pub fn applicable_categories() -> Vec<Category> {
    Category::ALL.to_vec()
}

/// A schema's flattened properties, shared between checks.
type Flattened = Rc<Vec<PropertyPath>>;

/// What checks need besides the spec: derived facts computed once.
pub struct Ctx<'a> {
    pub spec: &'a Spec,
    /// Some operation of the API requires authentication.
    pub any_secured: bool,
    // Memo tables: big specs share a few hundred schemas across thousands of operations, and
    // several checks walk the same ones.
    flat: RefCell<HashMap<(SchemaId, usize), Flattened>>,
    classes: RefCell<HashMap<(String, SchemaId), Option<sensitive::SensitiveProperty>>>,
    keys: RefCell<HashMap<String, Option<apiward_detect::KeyClass>>>,
}

impl<'a> Ctx<'a> {
    pub fn new(spec: &'a Spec) -> Self {
        let any_secured = spec.operations.iter().any(|op| !op.is_unauthenticated());
        Ctx {
            spec,
            any_secured,
            flat: RefCell::default(),
            classes: RefCell::default(),
            keys: RefCell::default(),
        }
    }

    /// `Spec::flatten_properties`, computed once per schema and depth.
    pub fn flatten(&self, root: SchemaId, depth: usize) -> Rc<Vec<PropertyPath>> {
        if let Some(v) = self.flat.borrow().get(&(root, depth)) {
            return v.clone();
        }
        let v = Rc::new(self.spec.flatten_properties(root, depth));
        self.flat.borrow_mut().insert((root, depth), v.clone());
        v
    }

    /// `sensitive::classify_property`, computed once per property name and schema.
    pub fn classify(&self, name: &str, id: SchemaId) -> Option<sensitive::SensitiveProperty> {
        let key = (name.to_string(), id);
        if let Some(v) = self.classes.borrow().get(&key) {
            return v.clone();
        }
        let v = sensitive::classify_property(self.spec, name, id);
        self.classes.borrow_mut().insert(key, v.clone());
        v
    }

    /// `apiward_detect::classify_key`, computed once per name.
    pub fn key_class(&self, name: &str) -> Option<apiward_detect::KeyClass> {
        if let Some(v) = self.keys.borrow().get(name) {
            return *v;
        }
        let v = apiward_detect::classify_key(name);
        self.keys.borrow_mut().insert(name.to_string(), v);
        v
    }

    /// Callable operations (webhooks excluded).
    pub fn operations(&self) -> impl Iterator<Item = &'a Operation> {
        self.spec.operations.iter().filter(|o| !o.is_webhook)
    }

    /// A location at an operation, pointing into the spec at `loc`.
    pub fn at(&self, op: &Operation, loc: &Loc) -> Location {
        Location::operation(op.method.as_str(), &op.path).with_spec(
            self.spec.file_of(loc),
            &loc.pointer,
            (loc.line > 0).then_some(loc.line),
        )
    }

    /// A location in the spec not tied to one operation.
    pub fn at_spec(&self, loc: &Loc) -> Location {
        Location::default().with_spec(
            self.spec.file_of(loc),
            &loc.pointer,
            (loc.line > 0).then_some(loc.line),
        )
    }

    /// Callable operations that accept the security scheme `name`.
    pub fn scheme_users(&self, name: &str) -> Vec<&'a Operation> {
        self.operations()
            .filter(|op| {
                op.security
                    .iter()
                    .any(|r| r.schemes.iter().any(|(n, _)| n == name))
            })
            .collect()
    }

    /// Where a finding about a security scheme belongs: the first operation that uses it (so the
    /// finding sits with an operation a user can act on), pointing into the spec at the scheme;
    /// the spec location alone when no operation uses it.
    pub fn at_scheme(&self, users: &[&Operation], loc: &Loc) -> Location {
        match users.first() {
            Some(op) => self.at(op, loc),
            None => self.at_spec(loc),
        }
    }

    pub fn finding(
        &self,
        rule: &apiward_core::RuleMeta,
        location: Location,
        discriminator: &str,
        title: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding::new(
            rule,
            FindingSource::Spec,
            location,
            discriminator,
            title,
            message,
        )
    }
}
