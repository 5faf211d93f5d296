//! APIW-DATA-002: sensitive values carried in query or path parameters. Personal data: one
//! finding per parameter declaration (a component parameter used by 40 operations is one
//! finding); credentials: one finding for the API, naming the parameters.
//!
//! Tests: `fires_sensitive_data_in_url`, `near_miss_sensitive_data_in_url` (src/tests/rules.rs).

use crate::Ctx;
use crate::sensitive::{personal_type, secret_type};
use crate::shape::url_params;
use apiward_core::{Confidence, Finding, Severity};
use apiward_detect::{DataType, Sensitivity};
use apiward_rules::data_exposure::SENSITIVE_DATA_IN_URL as RULE;
use apiward_spec::{Loc, Operation, ParamLocation};
use apiward_taxonomy::{Meaning, Personal, Strength};
use std::collections::BTreeMap;

type Group<'a> = (String, ParamLocation, Loc, DataType, Vec<&'a Operation>);

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut groups: BTreeMap<(usize, String), Group> = BTreeMap::new();
    for op in ctx.operations() {
        for p in url_params(op) {
            let Some(c) = apiward_taxonomy::classify(&p.name) else {
                continue;
            };
            if c.strength != Strength::Strong {
                continue;
            }
            let t = match c.meaning {
                // Names and locations are how objects are looked up, not secrets of their own.
                Meaning::Personal(
                    Personal::PersonName | Personal::GeoLocation | Personal::IpAddress,
                ) => {
                    continue;
                }
                Meaning::Personal(x) => personal_type(x),
                Meaning::Secret(x) => secret_type(x),
                Meaning::Masked(_) | Meaning::Reference => continue,
            };
            groups
                .entry((p.loc.doc, p.loc.pointer.to_string()))
                .or_insert_with(|| (p.name.clone(), p.location, p.loc.clone(), t, Vec::new()))
                .4
                .push(op);
        }
    }
    // Credentials in URLs repeat on every operation (Google's `access_token`, `oauth_token`):
    // API-wide boilerplate, one finding naming the parameters.
    let (secrets, personal): (Vec<Group>, Vec<Group>) = groups
        .into_values()
        .partition(|g| g.3.class() == apiward_detect::DataClass::Secret);
    if !secrets.is_empty() {
        let mut names: Vec<String> = secrets.iter().map(|g| format!("`{}`", g.0)).collect();
        names.dedup();
        let mut ops: Vec<&Operation> = Vec::new();
        for g in &secrets {
            for o in &g.4 {
                if !ops.iter().any(|x| std::ptr::eq(*x, *o)) {
                    ops.push(o);
                }
            }
        }
        let title = match ops.as_slice() {
            [one] => format!("{} takes credentials in the URL", one.label()),
            _ => format!("{} operations take credentials in the URL", ops.len()),
        };
        let location = match ops.as_slice() {
            [one] => ctx.at(one, &secrets[0].2),
            _ => ctx.at_spec(&secrets[0].2),
        }
        .with_operations(ops.iter().map(|o| o.label()).collect());
        out.push(
            ctx.finding(
                &RULE,
                location,
                "credentials",
                title,
                format!(
                    "{} carry credentials in query or path parameters; URLs end up in access logs, proxies and Referer headers.",
                    names.join(", ")
                ),
            )
            .severity(Severity::Medium)
            .confidence(Confidence::Tentative),
        );
    }
    for (name, location, loc, t, ops) in personal {
        // By name only: a credential or a critical identifier in URLs is medium, contact data low.
        let severity = if t.sensitivity() >= Sensitivity::Critical {
            Severity::Medium
        } else {
            Severity::Low
        };
        let title = match ops.as_slice() {
            [one] => format!("{} carries {} in the URL", one.label(), t.label()),
            _ => format!(
                "`{name}` carries {} in the URL on {} operations",
                t.label(),
                ops.len()
            ),
        };
        out.push(
            ctx.declared(
                &RULE,
                &loc,
                &ops,
                &name,
                title,
                format!(
                    "The {} parameter `{name}` holds {}; URLs end up in access logs, proxies and Referer headers.",
                    location.as_str(),
                    t.label()
                ),
            )
            .severity(severity)
            .confidence(Confidence::Tentative),
        );
    }
}
