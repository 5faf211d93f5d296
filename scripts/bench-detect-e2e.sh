#!/usr/bin/env bash
# End-to-end benchmark of `apiward detect --format json` on realistic NDJSON API bodies dense with
# look-alike values (timestamps, order numbers, hashes, invalid SSNs, example keys, UUIDs, prices, plus
# a few real-looking positives), one thread and `-j 2`, against ripgrep searching the same bytes for
# the detector's trigger literals. Prints medians of RUNS runs, MB/s and the ratios; with RSS_MB=1000
# also scans a 1 GB input and reports peak RSS.
#
#   scripts/bench-detect-e2e.sh            # 200 MB, 5 runs
#   MB=100 RUNS=3 RSS_MB=1000 scripts/bench-detect-e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
MB="${MB:-200}"
RUNS="${RUNS:-5}"
RSS_MB="${RSS_MB:-0}"

if ! command -v rg >/dev/null 2>&1; then
  echo "installing ripgrep…" >&2
  (apt-get install -y -qq ripgrep >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq ripgrep >/dev/null; }) || true
fi
command -v rg >/dev/null 2>&1 || { echo "ripgrep is required" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is required (apt-get install time)" >&2; exit 2; }

cargo build -q --release -p apiward-cli
cargo build -q --release -p apiward-detect --example e2e_corpus
bin="$CARGO_TARGET_DIR/release/apiward"
gen="$CARGO_TARGET_DIR/release/examples/e2e_corpus"

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
"$gen" "$MB" >"$dir/bodies.ndjson"
"$gen" --literals >"$dir/literals.txt"
bytes=$(stat -c %s "$dir/bodies.ndjson")

# median of RUNS runs of a command: prints "wall cpu" seconds
median() {
  local out="$dir/times"
  : >"$out"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %U %S' -o "$dir/t" "$@" >/dev/null 2>"$dir/err" || { cat "$dir/err" >&2; exit 1; }
    awk '{ printf "%s %.3f\n", $1, $2 + $3 }' "$dir/t" >>"$out"
  done
  sort -n -k1 "$out" | awk -v n="$RUNS" 'NR == int((n + 1) / 2)'
}

mbs() { awk -v b="$bytes" -v t="$1" 'BEGIN { printf "%.0f", b / t / 1e6 }'; }

# the outputs first: -j 2 must print exactly what -j 1 prints
"$bin" detect --format json -j 1 "$dir/bodies.ndjson" >"$dir/one.out"
"$bin" detect --format json -j 2 "$dir/bodies.ndjson" >"$dir/two.out"
cmp -s "$dir/one.out" "$dir/two.out" || { echo "-j 2 output differs from -j 1" >&2; exit 1; }
matches=$(wc -l <"$dir/one.out")

read -r w1 c1 < <(median "$bin" detect --format json -j 1 "$dir/bodies.ndjson")
read -r w2 c2 < <(median "$bin" detect --format json -j 2 "$dir/bodies.ndjson")
read -r wr cr < <(median rg -j1 -c -F -f "$dir/literals.txt" "$dir/bodies.ndjson")

printf 'apiward detect --format json on %s MB of NDJSON bodies (%d lines, %d matches), median of %d runs\n' \
  "$(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }')" "$(wc -l <"$dir/bodies.ndjson")" "$matches" "$RUNS"
printf '  %-44s %6s MB/s wall  %6s MB/s per CPU-second\n' "apiward detect -j 1" "$(mbs "$w1")" "$(mbs "$c1")"
printf '  %-44s %6s MB/s wall  %6s MB/s per CPU-second\n' "apiward detect -j 2" "$(mbs "$w2")" "$(mbs "$c2")"
printf '  %-44s %6s MB/s wall  %6s MB/s per CPU-second\n' \
  "rg $(rg --version | awk 'NR == 1 { print $2 }') -j1 -F, $(wc -l <"$dir/literals.txt") literals" "$(mbs "$wr")" "$(mbs "$cr")"
printf '  ratio apiward -j 1 / rg: %.2f wall, %.2f per CPU-second; -j 2 / rg: %.2f wall\n' \
  "$(awk -v a="$wr" -v b="$w1" 'BEGIN { print a / b }')" "$(awk -v a="$cr" -v b="$c1" 'BEGIN { print a / b }')" \
  "$(awk -v a="$wr" -v b="$w2" 'BEGIN { print a / b }')"

if [ "$RSS_MB" -gt 0 ]; then
  rm -f "$dir/bodies.ndjson" "$dir/one.out" "$dir/two.out"
  "$gen" "$RSS_MB" 7 >"$dir/big.ndjson"
  for j in 1 2; do
    /usr/bin/time -v "$bin" detect --format json -j "$j" "$dir/big.ndjson" 2>"$dir/v" >/dev/null
    printf '  %s MB input, -j %s: peak RSS %s MB, %s s wall\n' "$RSS_MB" "$j" \
      "$(awk '/Maximum resident/ { printf "%.0f", $NF / 1024 }' "$dir/v")" \
      "$(awk '/Elapsed \(wall/ { print $NF }' "$dir/v")"
  done
fi
