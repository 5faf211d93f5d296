#!/usr/bin/env bash
# Check `apiward serve`'s pages in headless Chromium: a history is recorded (two audits of one
# spec file edited in between, and a scan of the demo API), the service is started on a loopback
# port, and every page is loaded: no console error, no exception, no CSP violation, no request
# outside the service's origin; the filters work; a schedule added through the page's form shows
# up with its identity reference and exclude pattern, and its Disable button works (CSRF token
# and same-origin checks pass in a real browser).
#
#   scripts/check-serve-pages.sh [PATH/TO/apiward]
#
# Installs chromium with apt-get when missing (idempotent). Needs Node >= 20 (its built-in
# WebSocket speaks the DevTools protocol; no npm package). Exit 0: clean; 1: problems; 2: could
# not run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

apiward=${1:-}
if [ -z "$apiward" ]; then
  cargo build --locked -q -p apiward-cli
  apiward=target/debug/apiward
fi
apiward=$(realpath "$apiward")

chrome=${CHROMIUM:-}
if [ -z "$chrome" ]; then
  for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then chrome=$(command -v "$c"); break; fi
  done
fi
if [ -z "$chrome" ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium >/dev/null
  chrome=$(command -v chromium)
fi
command -v node >/dev/null 2>&1 || { echo "node not found" >&2; exit 2; }

work=$(mktemp -d)
chrome_pid=
serve_pid=
cleanup() {
  if [ -n "$chrome_pid" ]; then kill "$chrome_pid" 2>/dev/null || true; wait "$chrome_pid" 2>/dev/null || true; fi
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A history: one spec audited twice (edited between), one live scan of the demo API.
db="$work/history.db"
cp crates/apiward-cli/tests/fixtures/baseline-v1.yaml "$work/api.yaml"
"$apiward" audit "$work/api.yaml" --record="$db" -q || [ $? -eq 1 ]
cp crates/apiward-cli/tests/fixtures/baseline-v2.yaml "$work/api.yaml"
"$apiward" audit "$work/api.yaml" --record="$db" -q || [ $? -eq 1 ]
"$apiward" demo --record="$db" -q --budget 60 || [ $? -eq 1 ]

"$apiward" serve --db "$db" --bind 127.0.0.1:0 2>"$work/serve.log" &
serve_pid=$!
base=
for _ in $(seq 1 100); do
  base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.log" | head -n1 || true)
  [ -n "$base" ] && break
  sleep 0.1
done
[ -n "$base" ] || { echo "apiward serve did not start:" >&2; cat "$work/serve.log" >&2; exit 2; }

"$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --disable-default-apps --disable-extensions --mute-audio --hide-scrollbars \
  --user-data-dir="$work/profile" --remote-debugging-port=0 about:blank \
  >"$work/chrome.log" 2>&1 &
chrome_pid=$!
ws=
for _ in $(seq 1 100); do
  ws=$(grep -o 'ws://[^ ]*' "$work/chrome.log" | head -n1 || true)
  [ -n "$ws" ] && break
  sleep 0.1
done
[ -n "$ws" ] || { echo "chromium did not start:" >&2; cat "$work/chrome.log" >&2; exit 2; }

cat >"$work/check.mjs" <<'JS'
// A minimal DevTools-protocol client: visit each page, collect problems, exercise the filters.
const [ws, base] = process.argv.slice(2);
const origin = new URL(base).origin;
const sock = new WebSocket(ws);
sock.addEventListener("close", () => { if (!globalThis.__done) { console.error("chromium closed the connection"); process.exit(2); } });
let nextId = 1;
const pending = new Map();
const listeners = [];
const problems = [];
let where = "";
function send(method, params = {}, sessionId) {
  const id = nextId++;
  const msg = { id, method, params };
  if (sessionId) msg.sessionId = sessionId;
  sock.send(JSON.stringify(msg));
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
}
function waitFor(method, timeoutMs = 15000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timeout waiting for ${method} on ${where}`)), timeoutMs);
    listeners.push({ method, resolve: (p) => { clearTimeout(t); resolve(p); } });
  });
}
sock.addEventListener("message", (ev) => {
  const msg = JSON.parse(ev.data);
  if (msg.id && pending.has(msg.id)) {
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`)); else p.resolve(msg.result);
    return;
  }
  const { method, params } = msg;
  if (method === "Runtime.consoleAPICalled" && (params.type === "error" || params.type === "assert")) {
    problems.push(`${where}: console.${params.type}: ${params.args.map((a) => a.value ?? a.description).join(" ")}`);
  } else if (method === "Runtime.exceptionThrown") {
    problems.push(`${where}: exception: ${params.exceptionDetails.exception?.description ?? params.exceptionDetails.text}`);
  } else if (method === "Log.entryAdded" && (params.entry.level === "error" || params.entry.level === "warning")) {
    problems.push(`${where}: log ${params.entry.level} (${params.entry.source}): ${params.entry.text}`);
  } else if (method === "Network.requestWillBeSent") {
    const u = params.request.url;
    if (!u.startsWith(origin + "/") && !u.startsWith("data:")) problems.push(`${where}: request outside the origin: ${u}`);
  } else if (method === "Network.responseReceived" && params.response.status >= 400 && params.type !== "Document") {
    problems.push(`${where}: ${params.response.status} for ${params.response.url}`);
  }
  for (let i = listeners.length - 1; i >= 0; i--) if (listeners[i].method === method) listeners.splice(i, 1)[0].resolve(params);
});
await new Promise((resolve, reject) => { sock.addEventListener("open", resolve); sock.addEventListener("error", () => reject(new Error("cannot connect to chromium"))); });
const { targetId } = await send("Target.createTarget", { url: "about:blank" });
const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
const s = (m, p) => send(m, p, sessionId);
for (const d of ["Page", "Runtime", "Log", "Network"]) await s(`${d}.enable`);
const evaluate = async (expression) => {
  const r = await s("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true });
  if (r.exceptionDetails) throw new Error(`evaluate failed on ${where}: ${r.exceptionDetails.text}`);
  return r.result.value;
};
async function visit(path) {
  where = path;
  const loaded = waitFor("Page.loadEventFired");
  await s("Page.navigate", { url: base + path });
  await loaded;
  await new Promise((r) => setTimeout(r, 150));
  const status = await evaluate(`document.title`);
  if (/^Error/.test(status)) problems.push(`${path}: error page`);
}
const visible = (sel) => evaluate(`document.querySelectorAll(${JSON.stringify(sel)} + ":not([hidden])").length`);
const setValue = (id, v, ev) => evaluate(`(() => { const e = document.getElementById(${JSON.stringify(id)}); e.value = ${JSON.stringify(v)}; e.dispatchEvent(new Event(${JSON.stringify(ev)})); })()`);
function expect(ok, what) { if (!ok) problems.push(`${where}: ${what}`); }

// APIs: the name filter narrows the list.
await visit("/");
const apis = await visible("tr[data-name]");
expect(apis >= 2, `expected 2 APIs, saw ${apis}`);
await setValue("api-filter", "api.yaml", "input");
expect(await visible("tr[data-name]") === 1, "name filter did not narrow to one API");
await setValue("api-filter", "no-such-api", "input");
expect(await visible("tr[data-name]") === 0, "name filter kept rows that do not match");
const apiLinks = await evaluate(`Array.from(document.querySelectorAll("tr[data-name] a[href^='/apis/']")).map((a) => a.getAttribute("href"))`);

// An API with two scans: status filter, then the diff.
const specApi = await evaluate(`(() => { const r = Array.from(document.querySelectorAll("tr[data-name]")).find((r) => r.getAttribute("data-name").endsWith("api.yaml")); return r && r.querySelector("a").getAttribute("href"); })()`);
await visit(specApi);
const open = await visible("tr[data-status]");
await setValue("status-filter", "all", "change");
const all = await visible("tr[data-status]");
await setValue("status-filter", "fixed", "change");
const fixed = await visible("tr[data-status]");
expect(all >= open && all === open + fixed && fixed > 0, `status filter: open ${open}, fixed ${fixed}, all ${all}`);
await visit(specApi + "/diff");
const rows = await visible("tr[data-sev]");
expect(rows > 0, "diff lists no change");
await setValue("severity-filter", "critical", "change");
const crit = await visible("tr[data-sev]");
expect(crit <= rows, "severity filter on the diff");
const findingHref = await evaluate(`(document.querySelector("a[href^='/findings/']") || {}).pathname`);
if (findingHref) await visit(findingHref); else problems.push("diff links to no finding");

// Every API's latest scan: the report's filters.
for (const href of apiLinks) {
  await visit(href);
  const scan = await evaluate(`(document.querySelector("a[href^='/scans/']") || {}).pathname`);
  if (!scan) { problems.push(`${href}: no scan link`); continue; }
  await visit(scan);
  const total = await evaluate(`document.querySelectorAll("article.finding").length`);
  if (total > 0) {
    await evaluate(`document.querySelectorAll("input[data-sev-filter]").forEach((b) => { b.checked = false; b.dispatchEvent(new Event("change")); })`);
    const none = await visible("article.finding");
    await evaluate(`document.querySelectorAll("input[data-sev-filter]").forEach((b) => { b.checked = true; b.dispatchEvent(new Event("change")); })`);
    const back = await visible("article.finding");
    expect(none === 0 && back === total, `severity filters: none ${none}, all ${back}/${total}`);
  }
}

// A schedule through the form (the scheduler will try it at once; port 9 refuses, so it ends in a
// clear error), and the webhook page.
await visit("/schedules");
where = "/schedules form";
const submitted = waitFor("Page.loadEventFired");
await evaluate(`(() => { document.getElementById("target").value = "http://127.0.0.1:9"; document.getElementById("every").value = "60"; document.getElementById("identities").value = "alice=bearer:env:APIWARD_PAGES_CHECK_TOKEN"; document.getElementById("exclude").value = "/admin/**"; document.querySelector("form[action='/schedules']").submit(); })()`);
await submitted;
await new Promise((r) => setTimeout(r, 150));
expect(await evaluate(`document.body.textContent.includes("http://127.0.0.1:9")`), "the new schedule is not listed");
expect(await evaluate(`document.body.textContent.includes("alice=bearer:env:APIWARD_PAGES_CHECK_TOKEN") && document.body.textContent.includes("/admin/**")`), "the schedule's identity and exclude pattern are not listed");
// Disable it through its button: the row then says so and offers Enable.
where = "/schedules disable";
const toggled = waitFor("Page.loadEventFired");
await evaluate(`document.querySelector("form[action$='/enabled'] button").click()`);
await toggled;
await new Promise((r) => setTimeout(r, 150));
expect(await evaluate(`(() => { const row = document.querySelector("tr[data-schedule]"); return !!row && row.textContent.includes("disabled") && row.textContent.includes("Enable"); })()`), "the schedule did not show as disabled");
await visit("/webhooks");
await visit("/login");

console.log(`checked ${base}: ${apis} APIs, ${problems.length} problem(s)`);
for (const p of problems) console.error(`PROBLEM ${p}`);
globalThis.__done = true;
sock.close();
process.exit(problems.length ? 1 : 0);
JS

node --experimental-websocket --no-warnings "$work/check.mjs" "$ws" "$base"
