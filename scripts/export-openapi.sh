#!/usr/bin/env bash
# Writes the spec the code generates to openapi/openapi.json (a test fails when they differ).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --bin testbay -- openapi > openapi/openapi.json
echo "wrote openapi/openapi.json"
