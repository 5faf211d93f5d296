//! Walking the schema graph: flattened property paths and list detection.

use crate::model::*;
use std::collections::VecDeque;

/// Cap on the number of paths [`Spec::flatten_properties`] returns (schema DAGs can fan out).
pub const MAX_FLATTENED_PATHS: usize = 20_000;

/// What a schema contributes once `allOf` is merged and one level of `anyOf`/`oneOf` is opened.
struct Members<'a> {
    properties: Vec<&'a Property>,
    items: Option<SchemaId>,
    additional: Option<SchemaId>,
}

impl Spec {
    /// Schemas making up `id`: itself and its `allOf` parts, transitively (cycle-safe).
    fn all_of_closure(&self, id: SchemaId, out: &mut Vec<SchemaId>) {
        let mut stack = vec![id];
        while let Some(s) = stack.pop() {
            if out.contains(&s) || out.len() >= 256 {
                continue;
            }
            out.push(s);
            let sc = self.schema(s);
            for &a in sc.all_of.iter().rev() {
                stack.push(a);
            }
        }
    }

    fn members(&self, id: SchemaId) -> Members<'_> {
        let mut parts = Vec::new();
        self.all_of_closure(id, &mut parts);
        // One level into anyOf / oneOf (each alternative with its own allOf parts).
        let mut alts = Vec::new();
        for &p in &parts {
            let sc = self.schema(p);
            for &a in sc.any_of.iter().chain(sc.one_of.iter()) {
                self.all_of_closure(a, &mut alts);
            }
        }
        for a in alts {
            if !parts.contains(&a) {
                parts.push(a);
            }
        }
        let mut m = Members {
            properties: Vec::new(),
            items: None,
            additional: None,
        };
        for p in parts {
            let sc = self.schema(p);
            for prop in &sc.properties {
                if !m.properties.iter().any(|q| q.name == prop.name) {
                    m.properties.push(prop);
                }
            }
            if m.items.is_none() {
                m.items = sc.items;
            }
            if m.additional.is_none()
                && let AdditionalProperties::Schema(a) = sc.additional_properties
            {
                m.additional = Some(a);
            }
        }
        m
    }

    /// Every property reachable from `root`: properties (with `allOf` merged), array items (`[]`),
    /// one level into `anyOf`/`oneOf`, and `additionalProperties` schemas (`*`). Paths look like
    /// `items[].user.email`; a root array gives `[].email`. A schema already on the current path
    /// is not entered again (cycles stop), nesting stops at `max_depth`, and at most
    /// [`MAX_FLATTENED_PATHS`] paths are returned (breadth-first, so shallow ones come first).
    pub fn flatten_properties(&self, root: SchemaId, max_depth: usize) -> Vec<PropertyPath> {
        let mut out = Vec::new();
        if root.0 as usize >= self.schemas.len() {
            return out;
        }
        // Ancestor chains as an arena of (schema, parent index).
        let mut arena: Vec<(SchemaId, usize)> = vec![(root, usize::MAX)];
        // (arena index, prefix, depth, in_array)
        let mut queue: VecDeque<(usize, String, usize, bool)> = VecDeque::new();
        queue.push_back((0, String::new(), 0, false));
        let on_path = |arena: &Vec<(SchemaId, usize)>, mut at: usize, id: SchemaId| {
            while at != usize::MAX {
                if arena[at].0 == id {
                    return true;
                }
                at = arena[at].1;
            }
            false
        };
        while let Some((at, prefix, depth, in_array)) = queue.pop_front() {
            let id = arena[at].0;
            let m = self.members(id);
            for prop in &m.properties {
                if out.len() >= MAX_FLATTENED_PATHS {
                    return out;
                }
                let path = join(&prefix, &prop.name);
                out.push(PropertyPath {
                    path: path.clone(),
                    name: prop.name.clone(),
                    schema: prop.schema,
                    in_array,
                    loc: prop.loc.clone(),
                });
                if depth + 1 < max_depth && !on_path(&arena, at, prop.schema) {
                    arena.push((prop.schema, at));
                    queue.push_back((arena.len() - 1, path, depth + 1, in_array));
                }
            }
            if let Some(items) = m.items
                && depth + 1 < max_depth
                && !on_path(&arena, at, items)
            {
                arena.push((items, at));
                queue.push_back((arena.len() - 1, format!("{prefix}[]"), depth + 1, true));
            }
            if let Some(a) = m.additional
                && depth + 1 < max_depth
                && !on_path(&arena, at, a)
            {
                arena.push((a, at));
                queue.push_back((arena.len() - 1, join(&prefix, "*"), depth + 1, in_array));
            }
        }
        out
    }

    /// Whether a response schema returns a list: an array, or an object whose `items`, `data`,
    /// `results` or `Items` property is an array (`allOf` merged, one level of `anyOf`/`oneOf`).
    pub fn is_list_response(&self, id: SchemaId) -> bool {
        if id.0 as usize >= self.schemas.len() {
            return false;
        }
        let is_array = |s: SchemaId| {
            let mut parts = Vec::new();
            self.all_of_closure(s, &mut parts);
            parts.iter().any(|&p| {
                let sc = self.schema(p);
                sc.has_type("array") || sc.items.is_some()
            })
        };
        if is_array(id) {
            return true;
        }
        let m = self.members(id);
        if m.items.is_some() {
            return true;
        }
        m.properties.iter().any(|p| {
            matches!(p.name.as_str(), "items" | "data" | "results" | "Items") && is_array(p.schema)
        })
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}
