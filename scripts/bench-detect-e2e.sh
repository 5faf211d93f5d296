#!/usr/bin/env bash
# End-to-end benchmark of `apiward detect --format json` on realistic NDJSON API bodies dense with
# look-alike values (timestamps, order numbers, hashes, invalid SSNs, example keys, UUIDs, prices, plus
# a few real-looking positives), one thread and `-j 2`, against ripgrep searching the same bytes for
# the detector's trigger literals. Prints the best and the median of RUNS runs, MB/s and the ratios;
# with RSS_MB=1000 also scans a 1 GB input and reports peak RSS.
#
# It measures two builds of the same code: `cargo build --release` (what `cargo install` and
# `cargo run --release` give) and the profile-guided release build of `scripts/build-pgo.sh` (skipped
# with PGO=0, or when `llvm-profdata` is missing), after checking that both print the same bytes.
#
#   scripts/bench-detect-e2e.sh            # 200 MB, 7 runs
#   MB=100 RUNS=3 RSS_MB=1000 PGO=0 scripts/bench-detect-e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
MB="${MB:-200}"
RUNS="${RUNS:-7}"
RSS_MB="${RSS_MB:-0}"
PGO="${PGO:-1}"

if ! command -v rg >/dev/null 2>&1; then
  echo "installing ripgrep…" >&2
  (apt-get install -y -qq ripgrep >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq ripgrep >/dev/null; }) || true
fi
command -v rg >/dev/null 2>&1 || { echo "ripgrep is required" >&2; exit 2; }
command -v python3 >/dev/null 2>&1 || { echo "python3 is required (timing)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is required (apt-get install time)" >&2; exit 2; }

cargo build -q --release -p apiward-cli
cargo build -q --release -p apiward-detect --example e2e_corpus
bin="$CARGO_TARGET_DIR/release/apiward"
gen="$CARGO_TARGET_DIR/release/examples/e2e_corpus"
pgo_bin=""
if [ "$PGO" = 1 ]; then
  if pgo_out="$(scripts/build-pgo.sh | tail -n 1)"; then
    pgo_bin="$pgo_out"
  else
    echo "(no PGO build: scripts/build-pgo.sh failed; the PGO rows are left out)" >&2
  fi
fi

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
"$gen" "$MB" >"$dir/bodies.ndjson"
"$gen" --literals >"$dir/literals.txt"
bytes=$(stat -c %s "$dir/bodies.ndjson")

# RUNS runs of a command, timed by the kernel's accounting of the child (microseconds, not the
# 10 ms steps of /usr/bin/time): prints "best_wall best_cpu median_wall median_cpu" in seconds. The
# best run is what the code costs when nothing else competes for the machine (other load only adds
# time); the median shows how much the host's load moved the figures.
timed() {
  python3 - "$RUNS" "$@" <<'PY'
import resource, statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
walls, cpus = [], []
for _ in range(runs):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t1 = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.stderr.write(done.stderr.decode(errors="replace"))
        sys.exit(1)
    walls.append(t1 - t0)
    cpus.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
med = statistics.median
print(f"{min(walls):.4f} {min(cpus):.4f} {med(walls):.4f} {med(cpus):.4f}")
PY
}

mbs() { awk -v b="$bytes" -v t="$1" 'BEGIN { printf "%.0f", b / t / 1e6 }'; }

# the outputs first: -j 2 must print exactly what -j 1 prints
"$bin" detect --format json -j 1 "$dir/bodies.ndjson" >"$dir/one.out"
"$bin" detect --format json -j 2 "$dir/bodies.ndjson" >"$dir/two.out"
cmp -s "$dir/one.out" "$dir/two.out" || { echo "-j 2 output differs from -j 1" >&2; exit 1; }
if [ -n "$pgo_bin" ]; then
  "$pgo_bin" detect --format json -j 1 "$dir/bodies.ndjson" >"$dir/pgo.out"
  cmp -s "$dir/one.out" "$dir/pgo.out" || { echo "the PGO build's output differs" >&2; exit 1; }
fi
matches=$(wc -l <"$dir/one.out")

read -r bw1 bc1 w1 c1 < <(timed "$bin" detect --format json -j 1 "$dir/bodies.ndjson")
read -r bw2 bc2 w2 c2 < <(timed "$bin" detect --format json -j 2 "$dir/bodies.ndjson")
if [ -n "$pgo_bin" ]; then
  read -r pbw1 pbc1 pw1 pc1 < <(timed "$pgo_bin" detect --format json -j 1 "$dir/bodies.ndjson")
  read -r pbw2 pbc2 pw2 pc2 < <(timed "$pgo_bin" detect --format json -j 2 "$dir/bodies.ndjson")
fi
read -r bwr bcr wr cr < <(timed rg -j1 -c -F -f "$dir/literals.txt" "$dir/bodies.ndjson")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf 'apiward detect --format json on %s MB of NDJSON bodies (%d lines, %d matches), %d runs each\n' \
  "$(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }')" "$(wc -l <"$dir/bodies.ndjson")" "$matches" "$RUNS"
printf '  %-40s %24s %36s\n' "" "MB/s wall, best / median" "MB/s per CPU-second, best / median"
row() { printf '  %-40s %15s / %-6s %27s / %-6s\n' "$1" "$(mbs "$2")" "$(mbs "$3")" "$(mbs "$4")" "$(mbs "$5")"; }
row "apiward detect -j 1" "$bw1" "$w1" "$bc1" "$c1"
row "apiward detect -j 2" "$bw2" "$w2" "$bc2" "$c2"
if [ -n "$pgo_bin" ]; then
  row "apiward detect -j 1, PGO build" "$pbw1" "$pw1" "$pbc1" "$pc1"
  row "apiward detect -j 2, PGO build" "$pbw2" "$pw2" "$pbc2" "$pc2"
fi
row "rg $(rg --version | awk 'NR == 1 { print $2 }') -j1 -F, $(wc -l <"$dir/literals.txt") literals" "$bwr" "$wr" "$bcr" "$cr"
printf '  ratio apiward -j 1 / rg per CPU-second: %s best, %s median; -j 2 / rg wall: %s best, %s median\n' \
  "$(ratio "$bcr" "$bc1")" "$(ratio "$cr" "$c1")" "$(ratio "$bwr" "$bw2")" "$(ratio "$wr" "$w2")"
if [ -n "$pgo_bin" ]; then
  printf '  ratio PGO build -j 1 / rg per CPU-second: %s best, %s median; -j 2 / rg wall: %s best, %s median\n' \
    "$(ratio "$bcr" "$pbc1")" "$(ratio "$cr" "$pc1")" "$(ratio "$bwr" "$pbw2")" "$(ratio "$wr" "$pw2")"
fi

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
