#!/usr/bin/env bash
# Open an apiward HTML report in headless Chromium, save a full-page screenshot, and check that the
# page logs no console error, throws no exception, violates no CSP rule and makes no network request
# (only the report file itself may load). The filters are exercised too.
#
#   scripts/html-screenshot.sh REPORT.html OUT.png
#
# Needs: chromium (apt-get install -y chromium) and Node >= 20 (uses Node's built-in WebSocket to speak
# the Chrome DevTools Protocol; no npm package). Exit status 0: clean; 1: problems found; 2: could not run.
# Set CHROMIUM=/path/to/chrome to use another browser binary.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 REPORT.html OUT.png" >&2
  exit 2
fi
report=$(realpath "$1")
out=$(realpath -m "$2")
[ -f "$report" ] || { echo "no such file: $1" >&2; exit 2; }

chrome=${CHROMIUM:-}
if [ -z "$chrome" ]; then
  for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then chrome=$(command -v "$c"); break; fi
  done
fi
if [ -z "$chrome" ]; then
  echo "chromium not found: install it with 'apt-get update && apt-get install -y chromium'" >&2
  exit 2
fi
command -v node >/dev/null 2>&1 || { echo "node not found" >&2; exit 2; }

work=$(mktemp -d)
chrome_pid=
cleanup() {
  if [ -n "$chrome_pid" ]; then kill "$chrome_pid" 2>/dev/null || true; wait "$chrome_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

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
if [ -z "$ws" ]; then
  echo "chromium did not start:" >&2
  cat "$work/chrome.log" >&2
  exit 2
fi

cat >"$work/check.mjs" <<'JS'
// A minimal Chrome DevTools Protocol client: load the page, record console errors, exceptions, log
// entries (CSP violations) and requests, exercise the filters, take a full-page screenshot.
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [ws, report, out] = process.argv.slice(2);
const pageUrl = pathToFileURL(report).href;
const sock = new WebSocket(ws);
sock.addEventListener("close", () => { if (!globalThis.__done) { console.error("chromium closed the DevTools connection"); process.exit(2); } });
let nextId = 1;
const pending = new Map();
const listeners = [];
const problems = [];
const requests = [];

function send(method, params = {}, sessionId) {
  const id = nextId++;
  const msg = { id, method, params };
  if (sessionId) msg.sessionId = sessionId;
  sock.send(JSON.stringify(msg));
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
}
function waitFor(method, timeoutMs = 15000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timeout waiting for ${method}`)), timeoutMs);
    listeners.push({ method, resolve: (p) => { clearTimeout(t); resolve(p); } });
  });
}
sock.addEventListener("message", (ev) => {
  const msg = JSON.parse(ev.data);
  if (msg.id && pending.has(msg.id)) {
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
    else p.resolve(msg.result);
    return;
  }
  const { method, params } = msg;
  if (method === "Runtime.consoleAPICalled" && (params.type === "error" || params.type === "assert")) {
    problems.push(`console.${params.type}: ${params.args.map((a) => a.value ?? a.description).join(" ")}`);
  } else if (method === "Runtime.exceptionThrown") {
    const d = params.exceptionDetails;
    problems.push(`exception: ${d.exception?.description ?? d.text}`);
  } else if (method === "Log.entryAdded" && (params.entry.level === "error" || params.entry.level === "warning")) {
    problems.push(`log ${params.entry.level} (${params.entry.source}): ${params.entry.text}`);
  } else if (method === "Network.requestWillBeSent") {
    requests.push(params.request.url);
  }
  for (let i = listeners.length - 1; i >= 0; i--) {
    if (listeners[i].method === method) listeners.splice(i, 1)[0].resolve(params);
  }
});
await new Promise((resolve, reject) => {
  sock.addEventListener("open", resolve);
  sock.addEventListener("error", () => reject(new Error("cannot connect to chromium")));
});

const { targetId } = await send("Target.createTarget", { url: "about:blank" });
const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
const s = (m, p) => send(m, p, sessionId);
await s("Page.enable");
await s("Runtime.enable");
await s("Log.enable");
await s("Network.enable");
await s("Emulation.setDeviceMetricsOverride", { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });
const loaded = waitFor("Page.loadEventFired");
await s("Page.navigate", { url: pageUrl });
await loaded;
await new Promise((r) => setTimeout(r, 300));

const evaluate = async (expression) => {
  const r = await s("Runtime.evaluate", { expression, returnByValue: true });
  if (r.exceptionDetails) throw new Error(`evaluate failed: ${r.exceptionDetails.text}`);
  return r.result.value;
};

// Exercise the filters: unticking every severity hides every finding; ticking them back shows all.
const total = await evaluate(`document.querySelectorAll("article.finding").length`);
if (total > 0) {
  const none = await evaluate(`(() => {
    document.querySelectorAll("input[data-sev-filter]").forEach((b) => { b.checked = false; b.dispatchEvent(new Event("change")); });
    return document.querySelectorAll("article.finding:not([hidden])").length; })()`);
  const all = await evaluate(`(() => {
    document.querySelectorAll("input[data-sev-filter]").forEach((b) => { b.checked = true; b.dispatchEvent(new Event("change")); });
    return document.querySelectorAll("article.finding:not([hidden])").length; })()`);
  const oneCat = await evaluate(`(() => {
    const sel = document.getElementById("cat-filter");
    if (!sel || sel.options.length < 2) return -1;
    sel.value = sel.options[1].value; sel.dispatchEvent(new Event("change"));
    const n = document.querySelectorAll("article.finding:not([hidden])").length;
    sel.value = "all"; sel.dispatchEvent(new Event("change"));
    return n; })()`);
  if (none !== 0 || all !== total || !(oneCat > 0 && oneCat <= total)) {
    problems.push(`filters do not work: none=${none} all=${all}/${total} one category=${oneCat}`);
  }
}
const injected = await evaluate(`window.__apiwardInjected === true`);
if (injected) problems.push("a script from the report data executed");

const height = await evaluate(`Math.ceil(document.documentElement.scrollHeight)`);
await s("Emulation.setDeviceMetricsOverride", { width: 1280, height: Math.min(Math.max(height, 600), 8000), deviceScaleFactor: 1, mobile: false });
await new Promise((r) => setTimeout(r, 200));
const shot = await s("Page.captureScreenshot", { format: "png", captureBeyondViewport: false });
writeFileSync(out, Buffer.from(shot.data, "base64"));

const external = requests.filter((u) => u !== pageUrl && !u.startsWith("data:"));
for (const u of external) problems.push(`network request: ${u}`);
console.log(`${total} findings, ${requests.length} request(s) (the report itself), screenshot ${out}`);
for (const p of problems) console.error(`PROBLEM ${p}`);
globalThis.__done = true;
sock.close();
process.exit(problems.length ? 1 : 0);
JS

node --experimental-websocket --no-warnings "$work/check.mjs" "$ws" "$report" "$out"
