#!/usr/bin/env bash
# The whole test suite: installs the FastAPI + DynamoDB testbed (idempotent), runs the testbed's
# own self-test, then every Rust test of the workspace (unit, integration, testbed scans), then
# `apiward serve`'s pages in headless Chromium.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash testbed/fastapi-dynamodb/setup.sh
python3 testbed/fastapi-dynamodb/selftest.py
cargo test --workspace --locked
# `apiward serve`'s pages in headless Chromium (installs chromium with apt-get when missing).
bash scripts/check-serve-pages.sh
