//! One self-contained HTML page: grade, per-category bar chart (inline SVG), filters by severity and
//! category (a few lines of inline JavaScript), every finding with evidence and remediation.
//!
//! Nothing is loaded from anywhere: no CDN, no web fonts, no images, no links to follow. A
//! Content-Security-Policy meta tag allows only the page's own style and script (by hash), so even a
//! string that escaped escaping could neither run nor fetch anything. Every value from the target or
//! the spec is HTML-escaped; the embedded report JSON has `<`, `>` and `&` written as `\u003c`,
//! `\u003e`, `\u0026`.

use crate::RenderOptions;
use crate::escape::{base64, html, json_for_script, sev_upper, spec_ref};
use apiward_core::score::Grade;
use apiward_core::{DiagnosticLevel, Finding, Report, Severity};
use sha2::{Digest, Sha256};
use std::fmt::Write;

/// The report's stylesheet (also served by `apiward serve`, whose scan page reuses this look).
pub const CSS: &str = r#"
:root{--bg:#f6f7f9;--card:#fff;--ink:#1d2330;--mute:#5b6475;--line:#dde1e8;
--critical:#7b1fa2;--high:#c62828;--medium:#e65100;--low:#1565c0;--info:#607d8b}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:13px}
code{background:#eef0f4;border-radius:4px;padding:1px 4px;overflow-wrap:anywhere}
pre{background:#eef0f4;border-radius:6px;padding:8px 10px;white-space:pre-wrap;overflow-wrap:anywhere;margin:6px 0}
.banner{background:#b71c1c;color:#fff;padding:10px 16px;border-radius:8px;font-weight:600;margin-bottom:16px}
header.top{display:flex;gap:24px;align-items:center;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:20px 24px}
.grade{width:96px;height:96px;border-radius:50%;display:flex;align-items:center;justify-content:center;font-size:52px;font-weight:800;color:#fff;flex:none}
.grade-A{background:#2e7d32}.grade-B{background:#558b2f}.grade-C{background:#f9a825}.grade-D{background:#ef6c00}.grade-F{background:#c62828}
header h1{margin:0 0 4px;font-size:22px;overflow-wrap:anywhere}
.meta{color:var(--mute);font-size:14px;overflow-wrap:anywhere}
.score{font-size:18px;font-weight:600}
.counts{display:flex;gap:8px;flex-wrap:wrap;margin-top:8px}
.chip{border-radius:999px;padding:2px 10px;font-size:13px;font-weight:600;color:#fff;background:var(--info)}
.chip.critical,.sev.critical{background:var(--critical)}.chip.high,.sev.high{background:var(--high)}
.chip.medium,.sev.medium{background:var(--medium)}.chip.low,.sev.low{background:var(--low)}.chip.info,.sev.info{background:var(--info)}
.chip.zero{background:#c9ced8;color:#39404d}
section{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:16px 24px;margin-top:20px}
h2{font-size:18px;margin:4px 0 12px}
svg text{font:13px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#1d2330}
svg .bar{cursor:pointer}
svg .bar:hover rect.bg{fill:#dfe3ea}
.filters{display:flex;gap:16px;flex-wrap:wrap;align-items:center;margin-bottom:12px;font-size:14px}
.filters label{display:inline-flex;gap:4px;align-items:center;cursor:pointer}
.filters select,.filters button{font:inherit;padding:3px 8px;border:1px solid var(--line);border-radius:6px;background:#fff}
article.finding{border:1px solid var(--line);border-left:6px solid var(--info);border-radius:8px;margin:10px 0;background:#fff}
article.finding[hidden]{display:none}
article.critical{border-left-color:var(--critical)}article.high{border-left-color:var(--high)}
article.medium{border-left-color:var(--medium)}article.low{border-left-color:var(--low)}
article summary{padding:10px 14px;cursor:pointer;display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
article summary .title{font-weight:600;overflow-wrap:anywhere}
.sev{color:#fff;border-radius:4px;padding:0 6px;font-size:12px;font-weight:700;letter-spacing:.03em}
.rule{color:var(--mute);font-size:13px}
.new{background:#fff3cd;color:#7a5600;border-radius:4px;padding:0 6px;font-size:12px;font-weight:700}
.body{padding:0 16px 12px;border-top:1px solid var(--line)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:10px 0}
dt{color:var(--mute)}dd{margin:0;overflow-wrap:anywhere}
h3{font-size:14px;margin:12px 0 4px}
ul{margin:4px 0;padding-left:22px}
.empty{color:var(--mute)}
footer{color:var(--mute);font-size:13px;text-align:center;margin:24px 0}
table{border-collapse:collapse;width:100%;font-size:14px}
td.nw,th{white-space:nowrap}
td,th{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
"#;

/// The report's filter script (also served by `apiward serve`).
pub const JS: &str = r#"
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-sev-filter]"));
  var cat = document.getElementById("cat-filter");
  var items = Array.prototype.slice.call(document.querySelectorAll("article.finding"));
  var shown = document.getElementById("shown-count");
  function apply() {
    var sevs = {};
    boxes.forEach(function (b) { sevs[b.value] = b.checked; });
    var c = cat ? cat.value : "all";
    var n = 0;
    items.forEach(function (it) {
      var ok = sevs[it.getAttribute("data-sev")] === true &&
        (c === "all" || it.getAttribute("data-cat") === c);
      it.hidden = !ok;
      if (ok) { n += 1; }
    });
    if (shown) { shown.textContent = String(n); }
  }
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  if (cat) { cat.addEventListener("change", apply); }
  Array.prototype.slice.call(document.querySelectorAll("svg .bar")).forEach(function (g) {
    g.addEventListener("click", function () {
      if (!cat) { return; }
      var id = g.getAttribute("data-cat");
      cat.value = cat.value === id ? "all" : id;
      apply();
      var list = document.getElementById("findings");
      if (list) { list.scrollIntoView({ behavior: "smooth" }); }
    });
  });
  function setOpen(open) {
    items.forEach(function (it) {
      var d = it.querySelector("details");
      if (d && !it.hidden) { d.open = open; }
    });
  }
  var ex = document.getElementById("expand-all");
  var co = document.getElementById("collapse-all");
  if (ex) { ex.addEventListener("click", function () { setOpen(true); }); }
  if (co) { co.addEventListener("click", function () { setOpen(false); }); }
  apply();
})();
"#;

fn csp_hash(s: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(s.as_bytes())))
}

fn grade_class(g: Grade) -> &'static str {
    match g {
        Grade::A => "grade-A",
        Grade::B => "grade-B",
        Grade::C => "grade-C",
        Grade::D => "grade-D",
        Grade::F => "grade-F",
    }
}

fn bar_color(score: u8) -> &'static str {
    match score {
        90..=100 => "#2e7d32",
        75..=89 => "#7cb342",
        60..=74 => "#f9a825",
        40..=59 => "#ef6c00",
        _ => "#c62828",
    }
}

fn chart(report: &Report) -> String {
    const LABEL_W: u32 = 330;
    const BAR_W: u32 = 380;
    const ROW: u32 = 28;
    let rows = report.categories.len() as u32;
    let height = rows * ROW + 8;
    let width = LABEL_W + BAR_W + 70;
    let mut s = format!(
        "<svg viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-labelledby=\"chart-title\"><title id=\"chart-title\">Score per category</title>"
    );
    for (i, c) in report.categories.iter().enumerate() {
        let y = i as u32 * ROW + 4;
        let total = c.findings.total();
        let _ = write!(
            s,
            "<g class=\"bar\" data-cat=\"{}\"><title>{}: {} ({} findings)</title>",
            html(c.id.id()),
            html(&c.title),
            c.score
                .map(|x| format!("{x}/100"))
                .unwrap_or_else(|| "not applicable".into()),
            total
        );
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{}\">{}</text>",
            y + 17,
            html(&c.title)
        );
        let _ = write!(
            s,
            "<rect class=\"bg\" x=\"{LABEL_W}\" y=\"{}\" width=\"{BAR_W}\" height=\"{}\" rx=\"4\" fill=\"#eceff3\"/>",
            y + 3,
            ROW - 10
        );
        match c.score {
            Some(score) => {
                let w = u32::from(score.min(100)) * BAR_W / 100;
                let _ = write!(
                    s,
                    "<rect x=\"{LABEL_W}\" y=\"{}\" width=\"{w}\" height=\"{}\" rx=\"4\" fill=\"{}\"/>",
                    y + 3,
                    ROW - 10,
                    bar_color(score)
                );
                let _ = write!(
                    s,
                    "<text x=\"{}\" y=\"{}\">{score}</text>",
                    LABEL_W + BAR_W + 10,
                    y + 17
                );
            }
            None => {
                let _ = write!(
                    s,
                    "<text x=\"{}\" y=\"{}\" fill=\"#8a93a3\">n/a</text>",
                    LABEL_W + BAR_W + 10,
                    y + 17
                );
            }
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

/// One finding as an `<article>` (collapsed unless `open`), as the report shows it.
pub fn finding_html(o: &mut String, f: &Finding, open: bool) {
    let sev = f.severity.id();
    let _ = write!(
        o,
        "<article class=\"finding {sev}\" data-sev=\"{sev}\" data-cat=\"{}\"><details{}><summary><span class=\"sev {sev}\">{}</span> <span class=\"title\">{}</span> <code>{}</code> <span class=\"rule\">{} {}</span>",
        html(f.category.id()),
        if open { " open" } else { "" },
        sev_upper(f.severity),
        html(&f.title),
        html(&f.location.label()),
        html(&f.rule_id),
        html(&f.rule_name)
    );
    if f.baseline_state.as_deref() == Some("new") {
        o.push_str(" <span class=\"new\">NEW</span>");
    }
    o.push_str("</summary><div class=\"body\"><dl>");
    let mut row = |k: &str, v: String| {
        let _ = write!(o, "<dt>{k}</dt><dd>{v}</dd>");
    };
    row(
        "Location",
        format!("<code>{}</code>", html(&f.location.label())),
    );
    if let Some(r) = spec_ref(f) {
        row("Spec", format!("<code>{}</code>", html(&r)));
    }
    if let Some(u) = &f.location.url {
        row("URL", format!("<code>{}</code>", html(u)));
    }
    row(
        "Category",
        format!("{} ({})", html(f.category.title()), html(f.category.id())),
    );
    let cwe: Vec<String> = f.cwe.iter().map(|c| format!("CWE-{c}")).collect();
    row(
        "OWASP / CWE",
        format!("{} · {}", html(&f.owasp), html(&cwe.join(", "))),
    );
    row(
        "Confidence",
        format!(
            "{} · source {}{}",
            f.confidence,
            match f.source {
                apiward_core::FindingSource::Spec => "spec",
                apiward_core::FindingSource::Runtime => "runtime",
                apiward_core::FindingSource::Both => "spec and runtime",
            },
            if f.undocumented {
                " · undocumented operation"
            } else {
                ""
            }
        ),
    );
    if let Some(b) = &f.baseline_state {
        row("Baseline", html(b));
    }
    row(
        "Fingerprint",
        format!("<code>{}</code>", html(&f.fingerprint)),
    );
    o.push_str("</dl>");
    if !f.message.is_empty() {
        let _ = write!(o, "<p>{}</p>", html(&f.message).replace('\n', "<br>"));
    }
    if !f.evidence.is_empty() {
        o.push_str("<h3>Evidence</h3><ul>");
        for e in &f.evidence {
            let _ = write!(o, "<li>{}", html(&e.summary));
            if let Some(st) = e.status {
                let _ = write!(o, " <span class=\"rule\">HTTP {st}</span>");
            }
            if let Some(r) = &e.request {
                let _ = write!(o, "<br><code>{}</code>", html(r));
            }
            if !e.values.is_empty() {
                o.push_str("<ul>");
                for v in &e.values {
                    let _ = write!(
                        o,
                        "<li>{} <code>{}</code>",
                        html(&v.data_type),
                        html(&v.masked)
                    );
                    if let Some(r) = &v.revealed {
                        let _ = write!(o, " revealed: <code>{}</code>", html(r));
                    }
                    if let Some(k) = &v.key_path {
                        let _ = write!(o, " at <code>{}</code>", html(k));
                    }
                    o.push_str("</li>");
                }
                o.push_str("</ul>");
            }
            if let Some(sn) = &e.snippet {
                let _ = write!(o, "<pre>{}</pre>", html(sn));
            }
            o.push_str("</li>");
        }
        o.push_str("</ul>");
    }
    if !f.remediation.is_empty() {
        let _ = write!(
            o,
            "<h3>Remediation</h3><p>{}</p>",
            html(&f.remediation).replace('\n', "<br>")
        );
    }
    if let Some(fx) = &f.fastapi_fix {
        let _ = write!(
            o,
            "<h3>FastAPI + DynamoDB</h3><p>{}</p>",
            html(fx).replace('\n', "<br>")
        );
    }
    o.push_str("</div></details></article>\n");
}

/// Render the HTML page.
pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let _ = opts;
    let mode = if report.target.mode.is_empty() {
        "report"
    } else {
        &report.target.mode
    };
    let title = report.target.api_title.as_deref().unwrap_or(
        report
            .target
            .spec
            .as_deref()
            .unwrap_or(report.target.base_url.as_deref().unwrap_or("API")),
    );
    let mut o = String::with_capacity(64 * 1024);
    let csp = format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(CSS),
        csp_hash(JS)
    );
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>apiward {} report — {}</title>\n<style>{CSS}</style></head>\n<body><main>\n",
        html(mode),
        html(title)
    );
    o.push_str(&render_body(report));
    o.push_str("</main>\n");
    let json = serde_json::to_string(report).unwrap_or_else(|_| "null".to_string());
    let _ = write!(
        o,
        "<script type=\"application/json\" id=\"apiward-report\">{}</script>\n<script>{JS}</script>\n</body></html>\n",
        json_for_script(&json)
    );
    o
}

/// The page's content without the document around it (no `<head>`, no script): what goes inside
/// `<main>`. [`JS`] works on it when the page loads that script.
pub fn render_body(report: &Report) -> String {
    let title = report.target.api_title.as_deref().unwrap_or(
        report
            .target
            .spec
            .as_deref()
            .unwrap_or(report.target.base_url.as_deref().unwrap_or("API")),
    );
    let mode = if report.target.mode.is_empty() {
        "report"
    } else {
        &report.target.mode
    };
    let mut o = String::with_capacity(64 * 1024);
    if report.contains_sensitive_data {
        o.push_str("<div class=\"banner\" role=\"alert\">⚠ This report contains unmasked sensitive values (--show-evidence). Do not share it.</div>\n");
    }

    // Header.
    let g = report.score.grade;
    let _ = write!(
        o,
        "<header class=\"top\"><div class=\"grade {}\" aria-label=\"grade {}\">{}</div><div><h1>{}",
        grade_class(g),
        g.letter(),
        g.letter(),
        html(title)
    );
    if let Some(v) = &report.target.api_version {
        let _ = write!(o, " <span class=\"meta\">{}</span>", html(v));
    }
    let _ = write!(
        o,
        "</h1><div class=\"score\">Score {}/100</div>",
        report.score.overall
    );
    if let Some(cap) = &report.score.cap {
        let _ = write!(o, "<div class=\"meta\">{}</div>", html(cap));
    }
    let mut meta = vec![format!("apiward {}", html(mode))];
    if let Some(s) = &report.target.spec {
        meta.push(format!("spec <code>{}</code>", html(s)));
    }
    if let Some(u) = &report.target.base_url {
        meta.push(format!("target <code>{}</code>", html(u)));
    }
    meta.push(format!("{} operations", report.target.operations));
    meta.push(format!("context {}", html(&report.score.context)));
    if !report.started_at.is_empty() {
        meta.push(html(&report.started_at));
    }
    let _ = write!(o, "<div class=\"meta\">{}</div>", meta.join(" · "));
    o.push_str("<div class=\"counts\">");
    for s in Severity::ALL {
        let n = report.summary.get(s);
        let _ = write!(
            o,
            "<span class=\"chip {}{}\">{n} {}</span>",
            s.id(),
            if n == 0 { " zero" } else { "" },
            s.id()
        );
    }
    if report.findings.iter().any(|f| f.baseline_state.is_some()) || !report.fixed.is_empty() {
        let new = report
            .findings
            .iter()
            .filter(|f| f.baseline_state.as_deref() == Some("new"))
            .count();
        let _ = write!(
            o,
            "<span class=\"chip zero\">baseline: {new} new, {} fixed</span>",
            report.fixed.len()
        );
    }
    o.push_str("</div></div></header>\n");

    // Chart.
    let _ = writeln!(
        o,
        "<section><h2>Score per category</h2>{}</section>",
        chart(report)
    );

    // Findings with filters.
    let _ = write!(
        o,
        "<section id=\"findings\"><h2>Findings (<span id=\"shown-count\">{}</span> of {})</h2>",
        report.findings.len(),
        report.findings.len()
    );
    if report.findings.is_empty() {
        o.push_str("<p class=\"empty\">No findings.</p>");
    } else {
        o.push_str(
            "<div class=\"filters\" role=\"group\" aria-label=\"Filters\"><span>Severity:</span>",
        );
        for s in Severity::ALL {
            let _ = write!(
                o,
                "<label><input type=\"checkbox\" data-sev-filter value=\"{}\" checked> {} ({})</label>",
                s.id(),
                s.id(),
                report.summary.get(s)
            );
        }
        o.push_str("<label>Category: <select id=\"cat-filter\"><option value=\"all\">all</option>");
        for c in &report.categories {
            let n = c.findings.total();
            if n > 0 {
                let _ = write!(
                    o,
                    "<option value=\"{}\">{} ({n})</option>",
                    html(c.id.id()),
                    html(&c.title)
                );
            }
        }
        o.push_str("</select></label><button type=\"button\" id=\"expand-all\">Expand all</button><button type=\"button\" id=\"collapse-all\">Collapse all</button></div>\n");
        let mut order: Vec<&Finding> = report.findings.iter().collect();
        order.sort_by_key(|f| std::cmp::Reverse(f.severity));
        for f in order {
            finding_html(&mut o, f, f.severity >= Severity::High);
        }
    }
    o.push_str("</section>\n");

    if !report.fixed.is_empty() {
        o.push_str("<section><h2>Fixed since the baseline</h2><table><tr><th>Severity</th><th>Rule</th><th>Location</th><th>Finding</th></tr>");
        for f in &report.fixed {
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                f.severity,
                html(&f.rule_id),
                html(&f.location.label()),
                html(&f.title)
            );
        }
        o.push_str("</table></section>\n");
    }

    if !report.diagnostics.is_empty() {
        o.push_str("<section><h2>Diagnostics</h2><table><tr><th>Level</th><th>Code</th><th>Message</th><th>Where</th></tr>");
        for d in &report.diagnostics {
            let level = match d.level {
                DiagnosticLevel::Error => "error",
                DiagnosticLevel::Warning => "warning",
                DiagnosticLevel::Note => "note",
            };
            let mut at = d.file.as_deref().map(html).unwrap_or_default();
            if let Some(l) = d.line {
                let _ = write!(at, ":{l}");
            }
            let _ = write!(
                o,
                "<tr><td class=\"nw\">{level}</td><td class=\"nw\"><code>{}</code></td><td>{}</td><td>{at}</td></tr>",
                html(&d.code),
                html(&d.message)
            );
        }
        o.push_str("</table></section>\n");
    }
    if let Some(safety) = &report.safety {
        safety_html(&mut o, safety);
    }
    if let Some(r) = &report.requests {
        let _ = writeln!(
            o,
            "<section><h2>Requests</h2><p>{} requests, {} bytes received, {} errors, {} ms.</p></section>",
            r.requests, r.bytes_received, r.errors, report.duration_ms
        );
    }
    let _ = writeln!(
        o,
        "<footer>Generated by {} {} · evidence is masked{}</footer>",
        html(&report.tool.name),
        html(&report.tool.version),
        if report.contains_sensitive_data {
            " except values revealed with --show-evidence"
        } else {
            ""
        }
    );
    o
}

/// Mode, the operations not called (with why) and the write journal.
fn safety_html(o: &mut String, safety: &apiward_core::ScanSafety) {
    let _ = write!(
        o,
        "<section id=\"safety\"><h2>What the scan did</h2><p>Mode: <strong>{}</strong>. {} writes sent ({} reverted or deleted, {} not reverted); {} requests refused by the scan's guard.</p>",
        html(&safety.mode),
        safety.writes.len(),
        safety.reverted(),
        safety.not_reverted(),
        safety.refused_requests
    );
    if !safety.skipped_operations.is_empty() {
        o.push_str("<h3>Operations not called</h3><table><tr><th>Operation</th><th>Risk</th><th>Why</th></tr>");
        for k in &safety.skipped_operations {
            let _ = write!(
                o,
                "<tr><td class=\"nw\"><code>{} {}</code></td><td class=\"nw\">{}</td><td>{}</td></tr>",
                html(&k.method),
                html(&k.path),
                html(&k.risk),
                html(&k.reason)
            );
        }
        o.push_str("</table>");
    }
    if !safety.writes.is_empty() {
        o.push_str("<h3>Write journal</h3><table><tr><th>Request</th><th>Identity</th><th>Status</th><th>Kind</th><th>Object</th><th>Reverted</th></tr>");
        for w in &safety.writes {
            let _ = write!(
                o,
                "<tr><td class=\"nw\"><code>{} {}</code></td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                html(&w.method),
                html(&w.path),
                html(w.identity.as_deref().unwrap_or("(none)")),
                w.status
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "–".into()),
                html(&w.kind),
                html(w.object.as_deref().unwrap_or("")),
                match w.reverted {
                    Some(true) => "yes",
                    Some(false) => "NO",
                    None => "nothing changed",
                }
            );
        }
        o.push_str("</table>");
    }
    o.push_str("</section>\n");
}
