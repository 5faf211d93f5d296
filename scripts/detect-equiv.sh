#!/usr/bin/env bash
# Output equivalence of two `apiward` builds' detector: runs `detect --format json -j 1` of both over
# fuzz files dense in digit clusters, quotes and backslashes (generated), malformed JSON, the e2e
# look-alike corpus, every spec of the shared corpus and the detector's fixtures, and reports every
# input whose output differs. For performance work: the detector must not change what it reports.
#
#   scripts/detect-equiv.sh /path/to/base/apiward [/path/to/new/apiward]
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:?usage: scripts/detect-equiv.sh BASE_BINARY [NEW_BINARY]}"
new="${2:-${CARGO_TARGET_DIR:-target}/release/apiward}"
[ -x "$base" ] && [ -x "$new" ] || { echo "both binaries must exist" >&2; exit 2; }
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
for seed in 1 2 3; do python3 scripts/detect-equiv/gen_fuzz.py "$seed" >"$dir/fuzz$seed.ndjson"; done
# malformed documents: truncation, bad tokens, deep nesting, escapes at block boundaries
{
  printf '{"a":1x}\n[1,,2]\n{"a":"b"\n{"a":[1,2}\n{"k":"v"}}\n{"a":tru}\n{"a":1,}\n'
  printf '%0.s[' $(seq 300); printf '1'; printf '%0.s]' $(seq 299); printf '}\n'
  for i in $(seq 0 39); do printf '{"s":"%*s\\"x","ssn":"123-45-6789"}\n' "$i" ""; done
} >"$dir/malformed.ndjson"
cargo build -q --release -p apiward-detect --example e2e_corpus
"${CARGO_TARGET_DIR:-target}/release/examples/e2e_corpus" 10 >"$dir/e2e.ndjson"
corpus=()
[ -d ../shared/corpus ] && while IFS= read -r f; do corpus+=("$f"); done < <(find ../shared/corpus -type f -size -8M | sort)
fixtures=()
while IFS= read -r f; do fixtures+=("$f"); done < <(find crates/apiward-detect/fixtures -type f | sort)
fail=0
count=0
for f in "$dir"/*.ndjson "${corpus[@]}" "${fixtures[@]}"; do
  count=$((count + 1))
  a=$("$base" detect --format json -j 1 "$f" 2>&1 | md5sum)
  b=$("$new" detect --format json -j 1 "$f" 2>&1 | md5sum)
  [ "$a" = "$b" ] || { echo "differs: $f"; fail=1; }
done
echo "$count inputs compared, $([ $fail = 0 ] && echo 'all identical' || echo 'DIFFERENCES above')"
exit $fail
