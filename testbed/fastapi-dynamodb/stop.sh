#!/usr/bin/env bash
# Stops exactly the process groups recorded by start.sh in ${TESTBED_RUN_DIR:-.run}/env.json.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py="$here/.venv/bin/python"
[ -x "$py" ] || py=python3
exec "$py" "$here/testbed.py" stop
