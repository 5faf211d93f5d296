#!/usr/bin/env bash
# Load every OpenAPI document under a folder and print counts: loaded, loaded with diagnostics,
# rejected (with the reason). Usage: scripts/sweep-corpus.sh [DIR]   (default ../shared/corpus/openapi)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-../shared/corpus/openapi}"
export APIWARD_CORPUS="$(cd "$DIR" && pwd)"
exec cargo test --release -p apiward-spec --test corpus_sweep -- --nocapture
