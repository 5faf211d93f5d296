//! APIW-UC-001: webhooks, callbacks and webhook-registration operations.
//! Tests: `fires_webhook_registration`, `near_miss_webhook_registration` (src/tests/rules.rs).

use crate::Ctx;
use apiward_core::{Finding, Location};
use apiward_rules::unsafe_consumption::WEBHOOK_REGISTRATION as RULE;
use apiward_spec::Operation;
use apiward_taxonomy::OperationFacts;
use apiward_taxonomy::callbacks::{Registration, registers_url};
use apiward_taxonomy::fields::is_url_format;

/// How deep request bodies are read for the URL (`config.url`, JSON:API `data.attributes.url`).
const BODY_DEPTH: usize = 3;

/// The taxonomy's one definition of a registration (`apiward_taxonomy::callbacks`), asked with
/// the operation's words and the names and formats of its request body.
fn registration(ctx: &Ctx, op: &Operation) -> Option<Registration> {
    let body = op.request_body.as_ref()?;
    let mut names: Vec<String> = Vec::new();
    let mut typed: Vec<String> = Vec::new();
    for root in body.content.iter().filter_map(|m| m.schema) {
        for p in ctx.flatten(root, BODY_DEPTH).iter() {
            if is_url_format(ctx.spec.schema(p.schema).format.as_deref()) {
                typed.push(p.name.clone());
            }
            names.push(p.name.clone());
        }
    }
    registers_url(&OperationFacts {
        method: op.method.as_str(),
        path: &op.path,
        operation_id: op.operation_id.as_deref(),
        summary: op.summary.as_deref(),
        body_fields: names.iter().map(String::as_str).collect(),
        url_fields: typed.iter().map(String::as_str).collect(),
        ..OperationFacts::default()
    })
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for op in ctx.operations() {
        if !op.callbacks.is_empty() {
            out.push(ctx.finding(
                &RULE,
                ctx.at(op, &op.loc),
                "callbacks",
                format!("{} registers callbacks", op.label()),
                format!(
                    "{} declares callbacks ({}): the API will call URLs its clients supply and consume the answers.",
                    op.label(),
                    op.callbacks.join(", ")
                ),
            ));
            continue;
        }
        if let Some(r) = registration(ctx, op) {
            out.push(ctx.finding(
                &RULE,
                ctx.at(op, &op.loc),
                "registration",
                format!("{} registers webhook URLs", op.label()),
                format!(
                    "{} stores caller-supplied URLs the API will call later (its {} says \"{}\"; `{}` carries the URL).",
                    op.label(),
                    r.named.from,
                    r.named.words,
                    r.field
                ),
            ));
        }
    }
    if let Some(first) = ctx.spec.webhooks.first() {
        let names: Vec<String> = ctx
            .spec
            .webhooks
            .iter()
            .map(|w| format!("`{}`", w.path))
            .collect();
        out.push(ctx.finding(
            &RULE,
            Location::default().with_spec(
                ctx.spec.file_of(&first.loc),
                &first.loc.pointer,
                (first.loc.line > 0).then_some(first.loc.line),
            ),
            "webhooks",
            "The API sends webhooks",
            format!("The spec declares webhooks {}.", names.join(", ")),
        ));
    }
}
