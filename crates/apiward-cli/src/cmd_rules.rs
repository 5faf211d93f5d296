//! `apiward rules` and `apiward explain RULE`

use crate::cli::{ExplainArgs, RulesArgs};
use apiward_core::{Category, RuleMeta};

pub fn list(args: RulesArgs) -> u8 {
    let category: Option<Category> = match args.category.as_deref().map(str::parse).transpose() {
        Ok(c) => c,
        Err(e) => return crate::fail(e),
    };
    let rules: Vec<&RuleMeta> = apiward_rules::all()
        .iter()
        .filter(|r| category.is_none_or(|c| r.category == c))
        .collect();
    match args.format.as_str() {
        "json" => {
            let items: Vec<serde_json::Value> = rules.iter().map(|r| rule_json(r)).collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&items).unwrap_or_default()
            );
        }
        "terminal" | "text" => {
            let mut last = None;
            for r in rules {
                if last != Some(r.category) {
                    println!("\n{} — {}", r.category.id(), r.category.title());
                    last = Some(r.category);
                }
                println!(
                    "  {:<15} {:<42} {:<8} {}",
                    r.id,
                    r.name,
                    r.default_severity.id(),
                    apiward_rules::checks_label(r)
                );
            }
            println!(
                "\n{} rules. `apiward explain RULE` shows one.",
                apiward_rules::all().len()
            );
        }
        other => return crate::fail(format!("unknown format `{other}` (terminal, json)")),
    }
    crate::exit::OK
}

pub fn rule_json(r: &RuleMeta) -> serde_json::Value {
    serde_json::json!({
        "id": r.id,
        "name": r.name,
        "category": r.category.id(),
        "default_severity": r.default_severity.id(),
        "cwe": r.cwe,
        "owasp": r.owasp,
        "level": r.level.id(),
        "spec_check": r.spec_check,
        "summary": r.summary,
        "why": r.why,
        "example": r.example,
        "fix": r.fix,
        "fastapi_fix": r.fastapi_fix,
    })
}

pub fn explain(args: ExplainArgs) -> u8 {
    match apiward_rules::get(&args.rule) {
        Some(r) => {
            print!("{}", apiward_rules::render_markdown(r));
            crate::exit::OK
        }
        None => crate::fail(format!(
            "no rule `{}`; `apiward rules` lists them",
            args.rule
        )),
    }
}
