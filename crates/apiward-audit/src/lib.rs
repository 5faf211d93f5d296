//! The spec audit: every static rule, run over a normalized [`Spec`].
//!
//! Each check lives in its own file under `checks/` and reports findings for the rules declared in
//! `apiward-rules`. Checks only read the model. What a name means (personal data, secret,
//! reference, privileged field, public-by-design endpoint) is asked of `apiward-taxonomy`; the
//! property judgement in [`sensitive`] (name, format, validated example, masking and lifecycle
//! markers) is shared with the live scan.

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

/// Categories a spec audit assesses: not object- or function-level authorization (OpenAPI has no
/// owners or roles), SSRF or prompt injection, which need a live scan; those are "not assessed"
/// unless they have findings (`apiward_core::score::assessed`).
pub fn applicable_categories() -> Vec<Category> {
    apiward_core::score::assessed_categories(apiward_core::score::Access {
        live: false,
        identities: 0,
        active: false,
    })
}

/// A schema's flattened properties, shared between checks.
type Flattened = Rc<Vec<PropertyPath>>;

/// What the spec says about an operation's authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// A security requirement applies, or the operation documents 401/403 (a documentation gap,
    /// not an open door).
    Required,
    /// Public by design (login, token, register, health, discovery, capability URL, webhook).
    Public(apiward_taxonomy::PublicReason),
    /// The API requires authentication elsewhere but this operation declares none: known open.
    Open,
    /// The spec models no authentication at all (or only in ordinary parameters): one API-level
    /// fact, not evidence that this operation is open.
    Unknown,
}

impl Auth {
    /// Known to accept anonymous callers (not merely undocumented, not public by design).
    pub fn is_open(self) -> bool {
        self == Auth::Open
    }
}

/// What checks need besides the spec: derived facts computed once.
pub struct Ctx<'a> {
    pub spec: &'a Spec,
    /// Some operation of the API requires authentication.
    pub any_secured: bool,
    /// The API's authentication is not modelled: no operation has a security requirement.
    pub auth_unknown: bool,
    // Memo tables: big specs share a few hundred schemas across thousands of operations, and
    // several checks walk the same ones.
    flat: RefCell<HashMap<(SchemaId, usize), Flattened>>,
    classes: RefCell<HashMap<(String, SchemaId), Option<sensitive::SensitiveProperty>>>,
}

impl<'a> Ctx<'a> {
    pub fn new(spec: &'a Spec) -> Self {
        let any_secured = spec.operations.iter().any(|op| !op.is_unauthenticated());
        Ctx {
            spec,
            any_secured,
            auth_unknown: !any_secured,
            flat: RefCell::default(),
            classes: RefCell::default(),
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

    /// The operation's authentication as the spec states it.
    pub fn auth(&self, op: &Operation) -> Auth {
        if !op.is_unauthenticated() {
            return Auth::Required;
        }
        if let Some(r) = public_reason(op) {
            return Auth::Public(r);
        }
        if op
            .responses
            .iter()
            .any(|r| r.status == "401" || r.status == "403")
            || carries_credentials(op)
        {
            return Auth::Required;
        }
        if !self.any_secured {
            return Auth::Unknown;
        }
        Auth::Open
    }

    /// A finding about a declaration (a component parameter, a schema) shared by `ops`.
    ///
    /// Component declarations (`#/components/…`, `#/definitions/…`, `#/parameters/…`) get a
    /// fingerprint from the rule, the declaration and `discriminator` only, so adding an operation
    /// that uses the declaration does not change it; inline declarations belong to their one
    /// operation. The location lists every affected operation.
    pub fn declared(
        &self,
        rule: &apiward_core::RuleMeta,
        decl: &Loc,
        ops: &[&Operation],
        discriminator: &str,
        title: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        let labels: Vec<String> = ops.iter().map(|o| o.label()).collect();
        let shared = is_component(&decl.pointer);
        let location = match ops {
            [one] => self.at(one, decl),
            _ => self.at_spec(decl),
        }
        .with_operations(labels);
        let mut f = self.finding(rule, location, discriminator, title, message);
        if shared {
            f.fingerprint = apiward_core::fingerprint(
                rule.id,
                None,
                None,
                &format!("{}#{discriminator}", decl.pointer),
            );
        }
        f
    }

    /// A finding about the whole API (boilerplate repeated on many operations): one finding,
    /// located at the spec's `info`, listing the operations.
    pub fn api_level(
        &self,
        rule: &apiward_core::RuleMeta,
        ops: &[&Operation],
        discriminator: &str,
        title: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        let labels: Vec<String> = ops.iter().map(|o| o.label()).collect();
        let location = self.at_spec(&self.spec.info.loc).with_operations(labels);
        self.finding(rule, location, discriminator, title, message)
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

/// A reusable declaration: its pointer names a component, not a place inside one operation.
pub fn is_component(pointer: &str) -> bool {
    [
        "/components/",
        "/definitions/",
        "/parameters/",
        "/responses/",
    ]
    .iter()
    .any(|p| pointer.starts_with(p))
}

/// Why the operation is public by design, from the taxonomy.
pub fn public_reason(op: &Operation) -> Option<apiward_taxonomy::PublicReason> {
    apiward_taxonomy::public_by_design(&apiward_taxonomy::Endpoint {
        method: op.method.as_str(),
        path: &op.path,
        operation_id: op.operation_id.as_deref(),
    })
}

/// The operation takes a credential in an ordinary parameter (a required `Authorization` header,
/// `X-Api-Token`, an `api_key` query parameter): authentication the spec did not model as such.
pub fn carries_credentials(op: &Operation) -> bool {
    op.parameters.iter().any(|p| {
        let place = match p.location {
            apiward_spec::ParamLocation::Header => apiward_taxonomy::ParamPlace::Header,
            apiward_spec::ParamLocation::Query => apiward_taxonomy::ParamPlace::Query,
            apiward_spec::ParamLocation::Cookie => apiward_taxonomy::ParamPlace::Cookie,
            apiward_spec::ParamLocation::Path => apiward_taxonomy::ParamPlace::Path,
        };
        apiward_taxonomy::credential_parameter(&p.name, place)
    })
}
