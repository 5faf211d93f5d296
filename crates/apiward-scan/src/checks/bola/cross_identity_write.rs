//! APIW-BOLA-004 (active, two identities): a no-op write-back by identity B to an object identity
//! A created in this scan was accepted. The evidence is the guard's write journal (who created
//! what, who wrote what) and B's answer in the store.
//!
//! Tests: `fires_cross_identity_write`, `near_miss_cross_identity_write` (tests/tripwire.rs).

use crate::Scanner;
use crate::evidence::{at, response};
use apiward_core::{Confidence, Finding, FindingSource};
use apiward_rules::bola::CROSS_IDENTITY_WRITE as RULE;

pub fn check(s: &Scanner, out: &mut Vec<Finding>) {
    let mut done = std::collections::BTreeSet::new();
    for w in s.guard.journal() {
        if w.kind != "no-op write-back" || !w.status.is_some_and(|c| (200..300).contains(&c)) {
            continue;
        }
        let (Some(writer), Some(object)) = (&w.identity, &w.object) else {
            continue;
        };
        let Some(Some(creator)) = s.guard.creator_of(object) else {
            continue;
        };
        if creator == *writer {
            continue;
        }
        let Some(o) = s.store.observations.iter().rev().find(|o| {
            o.identity.as_deref() == Some(writer.as_str())
                && o.exchange.method.as_str() == w.method
                && s.guard.object_path(&o.exchange.url) == w.path
        }) else {
            continue;
        };
        if !done.insert((o.exchange.method.to_string(), o.path.clone())) {
            continue;
        }
        out.push(
            Finding::new(
                &RULE,
                FindingSource::Runtime,
                at(o),
                "",
                format!("{} lets one user write another user's objects", o.label()),
                format!(
                    "`{writer}` sent {} to {object}, an object `{creator}` created in this scan, with `{creator}`'s own current values (a no-op), and the API accepted it with {}.",
                    w.method,
                    o.status()
                ),
            )
            .confidence(Confidence::Certain)
            .evidence(response(
                o,
                format!("{}'s write to {}'s object accepted", writer, creator),
                &[],
            )),
        );
    }
}
