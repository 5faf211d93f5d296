#!/usr/bin/env bash
# Starts dynalite (x2) + the vulnerable app + the hardened twin on free 127.0.0.1 ports, seeds the tables,
# waits until all answer and writes ${TESTBED_RUN_DIR:-.run}/env and env.json. See README.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -x "$here/.venv/bin/python" ]; then
  echo "testbed not installed: run $here/setup.sh first" >&2
  exit 1
fi
exec "$here/.venv/bin/python" "$here/testbed.py" start
