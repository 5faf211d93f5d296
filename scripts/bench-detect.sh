#!/usr/bin/env bash
# Benchmark apiward-detect: full-pipeline MB/s on realistic API bodies, hostile inputs at full size,
# and ripgrep searching the same corpus for the candidate prefixes (single thread), with the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"

if ! command -v rg >/dev/null 2>&1; then
  echo "installing ripgrep…" >&2
  (apt-get install -y -qq ripgrep >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq ripgrep >/dev/null; }) || true
fi

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

DETECT_BENCH_DUMP="$dir/corpus" DETECT_BENCH_HOSTILE=1 DETECT_BENCH_SECS="${DETECT_BENCH_SECS:-3}" \
  cargo bench -q -p apiward-detect --bench throughput 2>/dev/null | tee "$dir/out.txt"

detect=$(sed -n 's/^RESULT mixed_mb_s=\([0-9.]*\).*/\1/p' "$dir/out.txt")
if ! command -v rg >/dev/null 2>&1; then
  echo "ripgrep not available: no comparison"
  exit 0
fi
bytes=$(stat -c %s "$dir/corpus/joined/all.json")

best_time() { # best of 5 runs, seconds
  local best=999999 t0 t1
  for _ in 1 2 3 4 5; do
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s.%N)
    best=$(awk -v a="$t0" -v b="$t1" -v c="$best" 'BEGIN { t = b - a; print (t < c ? t : c) }')
  done
  echo "$best"
}

t_files=$(best_time rg -j1 -c -F -f "$dir/corpus/patterns.txt" "$dir/corpus" --glob '*.json' --glob '!joined')
t_joined=$(best_time rg -j1 -c -F -f "$dir/corpus/patterns.txt" "$dir/corpus/joined/all.json")
rg_files=$(awk -v b="$bytes" -v t="$t_files" 'BEGIN { print b / t / 1e6 }')
rg_joined=$(awk -v b="$bytes" -v t="$t_joined" 'BEGIN { print b / t / 1e6 }')
printf 'ripgrep %s, %d candidate prefixes, one thread:\n' "$(rg --version | head -1 | awk '{print $2}')" "$(wc -l <"$dir/corpus/patterns.txt")"
printf '  rg over the body files:     %6.0f MB/s (wall clock, includes per-file open/read)\n' "$rg_files"
printf '  rg over one joined file:    %6.0f MB/s\n' "$rg_joined"
printf '  apiward-detect full pipeline: %6.0f MB/s (per CPU-second)\n' "$detect"
printf '  ratio detect / rg: %.2f (files), %.2f (joined)\n' "$(awk -v a="$detect" -v b="$rg_files" 'BEGIN { print a / b }')" "$(awk -v a="$detect" -v b="$rg_joined" 'BEGIN { print a / b }')"
