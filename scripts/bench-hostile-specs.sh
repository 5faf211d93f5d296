#!/usr/bin/env bash
# Hostile-spec benchmark (issue 11): generates, in a temporary folder,
#   - three 10,000-long `$ref` chains (bare, with properties along it, through allOf);
#   - a 56 MB spec with 20,000 paths (40,000 operations, 280,000 inline schemas);
# and prints `apiward audit` wall time and peak RSS for each (release build). Targets: each chain
# under 5 s, the large spec under 512 MB peak.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
cargo build --release -p apiward-cli
apiward="$target_dir/release/apiward"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

python3 - "$dir" <<'PY'
import json, sys
out = sys.argv[1]
N = 10_000
def doc(schemas):
    return {"openapi": "3.0.3", "info": {"title": "chain", "version": "1"},
            "paths": {"/x": {"get": {"responses": {"200": {"description": "ok", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}}}}}},
            "components": {"schemas": schemas}}
ref = lambda i: {"$ref": f"#/components/schemas/S{i}"}
bare = {f"S{i}": ref(i + 1) for i in range(N)}
bare[f"S{N}"] = {"type": "object"}
props = {f"S{i}": {"type": "object", "properties": {"next": ref(i + 1), "name": {"type": "string"}}} for i in range(N)}
props[f"S{N}"] = {"type": "object"}
allof = {f"S{i}": {"allOf": [ref(i + 1), {"type": "object", "properties": {f"p{i}": {"type": "string"}}}]} for i in range(N)}
allof[f"S{N}"] = {"type": "object"}
for name, s in (("chain", bare), ("chain_props", props), ("chain_allof", allof)):
    json.dump(doc(s), open(f"{out}/{name}.json", "w"))
paths = {}
for i in range(20_000):
    paths[f"/r{i}/items/{{id}}"] = {
        "get": {"operationId": f"get{i}", "summary": "Get an item " + "x" * 200, "description": "d" * 1200,
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                               {"name": "q", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {f"f{j}": {"type": "string", "description": "y" * 60} for j in range(8)}}}}}}},
        "patch": {"requestBody": {"content": {"application/json": {"schema": {
                    "type": "object", "properties": {"email": {"type": "string"}, "role": {"type": "string"}}}}}},
                  "responses": {"200": {"description": "ok"}}}}
json.dump({"openapi": "3.0.3", "info": {"title": "big", "version": "1"}, "paths": paths}, open(f"{out}/big.json", "w"))
PY

printf '\n== apiward audit (load: %s)\n' "$(uptime | sed 's/.*load average: //')"
for f in chain chain_props chain_allof big; do
  size=$(du -h "$dir/$f.json" | cut -f1)
  /usr/bin/time -f "$f ($size): %e s, %M KB peak RSS" "$apiward" audit "$dir/$f.json" --format json --quiet > /dev/null 2> "$dir/$f.time" || true
  tail -n 1 "$dir/$f.time"
done
