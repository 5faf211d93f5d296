//! APIW-DATA-002: sensitive values carried in query or path parameters.

use crate::Ctx;
use crate::shape::url_params;
use apiward_core::{Finding, Severity};
use apiward_detect::{DataType, KeyStrength, Sensitivity};
use apiward_rules::data_exposure::SENSITIVE_DATA_IN_URL as RULE;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for op in ctx.operations() {
        for p in url_params(op) {
            let Some(k) = ctx.key_class(&p.name) else {
                continue;
            };
            if k.strength != KeyStrength::Strong
                || matches!(
                    k.data_type,
                    DataType::MaskedPaymentCard
                        | DataType::PersonName
                        | DataType::IpPublic
                        | DataType::IpInternal
                        | DataType::GeoCoordinates
                )
                || k.data_type.class() == apiward_detect::DataClass::Internal
            {
                continue;
            }
            let severity = if k.data_type.sensitivity() >= Sensitivity::Critical {
                Severity::High
            } else {
                Severity::Medium
            };
            out.push(
                ctx.finding(
                    &RULE,
                    ctx.at(op, &p.loc),
                    &p.name,
                    format!("{} carries {} in the URL", op.label(), k.data_type.label()),
                    format!(
                        "The {} parameter `{}` of {} holds {}; URLs end up in access logs, proxies and Referer headers.",
                        p.location.as_str(),
                        p.name,
                        op.label(),
                        k.data_type.label()
                    ),
                )
                .severity(severity),
            );
        }
    }
}
