//! APIW-BOLA-004 (active, two identities): a no-op write-back by identity B to an object that is
//! identity A's as a fact (A created it in this scan, or only A's responses carried its key — A's
//! account record, A's orders) was accepted. The evidence is the guard's write journal (who created
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
        let Some(o) = s.store.observations.iter().rev().find(|o| {
            o.identity.as_deref() == Some(writer.as_str())
                && o.exchange.method.as_str() == w.method
                && s.guard.object_path(&o.exchange.url) == w.path
        }) else {
            continue;
        };
        let owner = match s.guard.creator_of(object) {
            Some(Some(creator)) => Some((creator, "created in this scan by")),
            Some(None) => None,
            None => crate::ownership::object_key(&o.path, &o.exchange.url)
                .and_then(|(param, value)| {
                    crate::ownership::owner_of(s, &o.exchange.url, &param, &value)
                })
                .map(|(owner, _)| (owner, "whose key appeared only in the responses of")),
        };
        let Some((creator, how)) = owner else {
            continue;
        };
        if creator == *writer {
            continue;
        }
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
                    "`{writer}` sent {} to {object}, an object {how} `{creator}`, with `{creator}`'s own current values (a no-op), and the API accepted it with {}.",
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
