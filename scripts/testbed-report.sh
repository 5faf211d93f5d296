#!/usr/bin/env bash
# Scan the testbed's vulnerable app (L2: two identities) into every report format under OUT_DIR
# (default: out/testbed-report), then open the HTML report in headless Chromium: no console error,
# no network request, a screenshot saved next to it (scripts/html-screenshot.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-out/testbed-report}
mkdir -p "$out"
cargo build --release -p apiward-cli
bash testbed/fastapi-dynamodb/setup.sh >/dev/null
export TESTBED_RUN_DIR
TESTBED_RUN_DIR=$(mktemp -d)
trap 'bash testbed/fastapi-dynamodb/stop.sh >/dev/null 2>&1 || true; rm -rf "$TESTBED_RUN_DIR"' EXIT
bash testbed/fastapi-dynamodb/start.sh >/dev/null
set -a
# shellcheck disable=SC1091
. "$TESTBED_RUN_DIR/env"
set +a
target=${CARGO_TARGET_DIR:-target}/release/apiward
"$target" scan "$VULN_URL" --quiet \
  --identity alice=bearer:env:ALICE_TOKEN --identity bob=bearer:env:BOB_TOKEN \
  -o "$out/report.json" -o "$out/report.sarif" -o "$out/report.xml" -o "$out/report.md" \
  -o "$out/report.html" || true
bash scripts/html-screenshot.sh "$out/report.html" "$out/report.png"
echo "reports and screenshot in $out"
