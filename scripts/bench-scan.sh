#!/usr/bin/env bash
# Speed benchmark (issue 5, "Speed (benchmark)"): in one run
#   1. wrk vs the engine against the same loopback endpoint, same concurrency, interleaved rounds
#      (median requests/s of each and the median of the per-round ratios);
#   2. a full default scan of the testbed's vulnerable app, and the same with --rate 0 (wall time and
#      the request count from the JSON report);
#   3. `apiward audit` wall time and peak RSS on the large specs of the corpus, when present.
# Only loopback traffic. Respects CARGO_TARGET_DIR (default: target/).
#
# Environment: BENCH_ROUNDS (5), BENCH_SECONDS (5), BENCH_CONNECTIONS (16), BENCH_THREADS (engine
# runtime threads, 1 = current-thread runtime; default 1), BENCH_TARGET (demo | rps: the demo API's
# /health, default, or the rps example's built-in keep-alive server), SKIP_TESTBED=1, SKIP_AUDIT=1,
# APIWARD_CORPUS (../shared/corpus/openapi).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
rounds="${BENCH_ROUNDS:-5}"
secs="${BENCH_SECONDS:-5}"
conns="${BENCH_CONNECTIONS:-16}"
threads="${BENCH_THREADS:-1}"
which_target="${BENCH_TARGET:-demo}"
corpus="${APIWARD_CORPUS:-$root/../shared/corpus/openapi}"

note() { printf '\n== %s (load: %s)\n' "$*" "$(uptime | sed 's/.*load average: //')"; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) exit; if (NR%2) print a[(NR+1)/2]; else printf "%.4f\n", (a[NR/2]+a[NR/2+1])/2}'; }

note "build (release, target dir $target_dir)"
cargo build --release -p apiward-cli
cargo build --release -p apiward-http --example rps
cargo build --release -p apiward-demo --example demo_server
apiward="$target_dir/release/apiward"
rps="$target_dir/release/examples/rps"
demo="$target_dir/release/examples/demo_server"

if ! command -v wrk > /dev/null; then
  note "installing wrk"
  if [ "$(id -u)" = 0 ]; then apt-get update && apt-get install -y wrk; else sudo apt-get update && sudo apt-get install -y wrk; fi
fi

pids=()
run_dir=""
out=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  [ -n "$out" ] && rm -f "$out"
  if [ -n "$run_dir" ] && [ -f "$run_dir/env.json" ]; then
    TESTBED_RUN_DIR="$run_dir" bash testbed/fastapi-dynamodb/stop.sh > /dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

# --- 1. wrk vs engine -------------------------------------------------------------------------
out="$(mktemp)"
case "$which_target" in
  demo)
    "$demo" > "$out" 2> /dev/null &
    pids+=($!)
    path=/health ;;
  rps)
    "$rps" --serve 100000 > "$out" &
    pids+=($!)
    path="" ;;
  *) echo "BENCH_TARGET must be demo or rps" >&2; exit 2 ;;
esac
for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.1; done
url="$(head -1 "$out")$path"
[ "$which_target" = rps ] && url="$(head -1 "$out")"
note "throughput: $rounds rounds of wrk -t2 -c$conns -d${secs}s then the engine (rps example, concurrency $conns, runtime threads $threads) against $url ($which_target target)"
wrk_all=(); eng_all=(); ratio_all=()
for i in $(seq "$rounds"); do
  w="$(wrk -t2 -c"$conns" -d"${secs}s" "$url" | awk '/Requests\/sec/ {print $2}')"
  e_line="$("$rps" --url "$url" --duration "$secs" --concurrency "$conns" --threads "$threads")"
  e="$(sed -E 's/.* s: ([0-9]+) requests\/s.*/\1/' <<< "$e_line")"
  r="$(awk -v e="$e" -v w="$w" 'BEGIN {printf "%.3f", e / w}')"
  printf 'round %d: wrk %.0f rps, engine %s rps, ratio %s  (load %s)\n' "$i" "$w" "$e" "$r" "$(uptime | sed 's/.*load average: //')"
  wrk_all+=("$w"); eng_all+=("$e"); ratio_all+=("$r")
done
wrk_med="$(printf '%s\n' "${wrk_all[@]}" | median)"
eng_med="$(printf '%s\n' "${eng_all[@]}" | median)"
ratio_med="$(printf '%s\n' "${ratio_all[@]}" | median)"
printf 'MEDIAN: wrk %.0f rps, engine %.0f rps, ratio (median of rounds) %s — target >= 0.60\n' "$wrk_med" "$eng_med" "$ratio_med"
for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
pids=()

# --- 2. testbed scans ---------------------------------------------------------------------------
if [ "${SKIP_TESTBED:-0}" != 1 ]; then
  note "testbed: setup + start"
  bash testbed/fastapi-dynamodb/setup.sh
  run_dir="$(mktemp -d)"
  TESTBED_RUN_DIR="$run_dir" bash testbed/fastapi-dynamodb/start.sh
  vuln_url="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["VULN_URL"])' "$run_dir/env.json")"
  for rate_args in "" "--rate 0"; do
    report="$(mktemp)"
    note "scan $vuln_url ${rate_args:-(default: --rate 150)}"
    t0="$(date +%s.%N)"
    set +e
    "$apiward" scan "$vuln_url" $rate_args --quiet --format json > "$report"
    rc=$?
    set -e
    t1="$(date +%s.%N)"
    n="$(jq '.requests.requests' "$report" 2> /dev/null || echo '?')"
    wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')"
    printf 'SCAN %s: %s s wall, %s requests (%s req/s), exit %s — target < 10 s\n' "${rate_args:-default}" "$wall" "$n" \
      "$(awk -v n="$n" -v w="$wall" 'BEGIN {if (w > 0 && n + 0 == n) printf "%.0f", n / w; else print "?"}')" "$rc"
    rm -f "$report"
  done
  TESTBED_RUN_DIR="$run_dir" bash testbed/fastapi-dynamodb/stop.sh
  rm -rf "$run_dir"
  run_dir=""
fi

# --- 3. audit on the large specs ------------------------------------------------------------------
if [ "${SKIP_AUDIT:-0}" != 1 ]; then
  if [ -d "$corpus/large" ]; then
    for spec in "$corpus"/large/*; do
      [ -f "$spec" ] || continue
      note "audit $(basename "$spec") ($(du -h "$spec" | cut -f1))"
      tv="$(mktemp)"
      set +e
      /usr/bin/time -v "$apiward" audit "$spec" --quiet --format json > /dev/null 2> "$tv"
      rc=$?
      set -e
      wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tv")"
      rss="$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$tv")"
      printf 'AUDIT %s: %s wall, peak RSS %s MB, exit %s\n' "$(basename "$spec")" "$wall" "$rss" "$rc"
      rm -f "$tv"
    done
  else
    note "audit: $corpus/large not found, skipped"
  fi
fi
