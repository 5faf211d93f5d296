#!/usr/bin/env bash
# Installs the testbed: .venv (pinned requirements.txt) and node_modules (dynalite from package-lock.json).
# Idempotent: does nothing when both are already in sync with their pinned files.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
PY="${PYTHON:-python3}"

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
want_py="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ "$(cat .venv/.requirements.sha256 2>/dev/null || true)" != "$want_py" ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$want_py" > .venv/.requirements.sha256
fi

want_js="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f node_modules/dynalite/cli.js ] || [ "$(cat node_modules/.lock.sha256 2>/dev/null || true)" != "$want_js" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want_js" > node_modules/.lock.sha256
fi
echo "testbed/fastapi-dynamodb: installed"
