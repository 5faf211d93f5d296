#!/usr/bin/env bash
# Profile-guided release build of the `apiward` binary: an instrumented build runs a training
# workload (API bodies, the labelled detector fixtures, OpenAPI documents, a spec audit), LLVM merges
# the profiles, and a second build uses them to lay out hot paths and choose what to inline. The
# binary behaves exactly like `cargo build --release` (same code, same output); it is faster on the
# detector's hot paths (see crates/apiward-detect/README.md for the figures).
#
#   scripts/build-pgo.sh            # prints the path of the built binary on its last line
#
# Needs `llvm-profdata` matching the compiler's LLVM: `rustup component add llvm-tools`.
# The training corpus is generated with a seed the benchmarks do not use, so the profile is not
# the measured input.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
base="$(realpath -m "${CARGO_TARGET_DIR:-$root/target}")"

host="$(rustc -vV | awk '/^host:/ { print $2 }')"
profdata="$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
if [ ! -x "$profdata" ]; then
  echo "llvm-profdata not found at $profdata: run 'rustup component add llvm-tools'" >&2
  exit 2
fi

gen_dir="$base/pgo-gen"
use_dir="$base/pgo-use"
raw="$base/pgo-profiles"
merged="$base/pgo-merged.profdata"

echo "pgo: instrumented build…" >&2
RUSTFLAGS="${RUSTFLAGS:-} -Cprofile-generate=$raw" CARGO_TARGET_DIR="$gen_dir" \
  cargo build -q --release --locked -p apiward-cli
# the corpus generator is built normally: its own profile is not wanted
cargo build -q --release --locked -p apiward-detect --example e2e_corpus
bin="$gen_dir/release/apiward"
corpus_gen="$base/release/examples/e2e_corpus"

# Training again on an unchanged instrumented binary would only rebuild everything below (Cargo
# tracks the profile file): keep the profile while it is newer than the binary.
if [ ! -f "$merged" ] || [ "$bin" -nt "$merged" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  rm -rf "$raw"
  mkdir -p "$raw"
  echo "pgo: training…" >&2
  "$corpus_gen" 30 424242 >"$work/bodies.ndjson"
  # Exit codes are ignored: `audit` and `detect` report findings through them.
  "$bin" detect --format json -j 1 "$work/bodies.ndjson" >/dev/null || true
  "$bin" detect --format json -j 2 "$work/bodies.ndjson" >/dev/null || true
  "$bin" detect --format json crates/apiward-detect/fixtures/*.jsonl >/dev/null || true
  "$bin" detect --input text crates/apiward-detect/fixtures/handwritten.jsonl >/dev/null 2>&1 || true
  find crates -path '*/tests/fixtures/*' \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) \
    -print0 | sort -z >"$work/specs"
  xargs -0 "$bin" detect --format json <"$work/specs" >/dev/null 2>&1 || true
  while IFS= read -r -d '' spec; do
    "$bin" audit --format json "$spec" >/dev/null 2>&1 || true
  done <"$work/specs"

  shopt -s nullglob
  profiles=("$raw"/*.profraw)
  if [ "${#profiles[@]}" -eq 0 ]; then
    echo "pgo: the training runs wrote no profile" >&2
    exit 1
  fi
  "$profdata" merge -o "$merged" "${profiles[@]}"
fi

echo "pgo: optimized build…" >&2
RUSTFLAGS="${RUSTFLAGS:-} -Cprofile-use=$merged" \
  CARGO_TARGET_DIR="$use_dir" cargo build -q --release --locked -p apiward-cli
echo "$use_dir/release/apiward"
