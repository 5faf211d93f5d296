#!/usr/bin/env bash
# The whole test suite: installs the FastAPI + DynamoDB testbed (idempotent), runs the testbed's
# own self-test, then every Rust test of the workspace (unit, integration, testbed scans).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash testbed/fastapi-dynamodb/setup.sh
python3 testbed/fastapi-dynamodb/selftest.py
cargo test --workspace --locked
