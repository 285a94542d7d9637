#!/usr/bin/env bash
# Installs what the tests need (idempotently) and runs every test: formatting, lints, unit and
# integration tests (real SurrealDB, real pytest), and the OpenAPI spec's freshness.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
ensure_base
rustup component add rustfmt clippy >/dev/null 2>&1 || true
say "checking formatting"
cargo fmt --all --check
say "linting"
cargo clippy --workspace --all-targets --locked -- -D warnings
say "running the tests"
TESTBAY_TEST_PYTHON="$REPO_ROOT/.venv/bin/python" cargo test --workspace --locked
