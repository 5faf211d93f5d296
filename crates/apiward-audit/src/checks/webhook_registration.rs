//! APIW-UC-001: webhooks, callbacks and webhook-registration operations.
//! Tests: `fires_webhook_registration`, `near_miss_webhook_registration` (src/tests/rules.rs).

use crate::Ctx;
use crate::shape::{is_url_name, segments};
use apiward_core::{Finding, Location};
use apiward_rules::unsafe_consumption::WEBHOOK_REGISTRATION as RULE;

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
        // The registration is the collection itself (`/webhooks`, `/webhook_endpoints/{id}`), not
        // a resource under an Azure-style `/subscriptions/{subscriptionId}/…` scope.
        let registers = !op.method.is_safe()
            && segments(&op.path).last().is_some_and(|s| {
                s.contains("webhook") || s.contains("callback") || s.contains("subscription")
            })
            && op.request_body.as_ref().is_some_and(|b| {
                b.content.iter().any(|m| {
                    m.schema.is_some_and(|s| {
                        ctx.flatten(s, 2).iter().any(|p| {
                            is_url_name(&p.name)
                                || ctx.spec.schema(p.schema).format.as_deref() == Some("uri")
                        })
                    })
                })
            });
        if registers {
            out.push(ctx.finding(
                &RULE,
                ctx.at(op, &op.loc),
                "registration",
                format!("{} registers webhook URLs", op.label()),
                format!(
                    "{} stores caller-supplied URLs the API will call later.",
                    op.label()
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
