#!/usr/bin/env bash
# Installs what the tests need (idempotently) and runs every test: formatting and lints, the web
# page's unit tests and type checks, the service's unit and integration tests (real SurrealDB,
# real pytest, real cgroups), the OpenAPI spec's freshness, and end-to-end tests of the page in
# Debian's Chromium against the real service.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
ensure_base
[ -x /usr/bin/chromium ] || apt_install chromium
rustup component add rustfmt clippy >/dev/null 2>&1 || true

say "checking formatting"
cargo fmt --all --check
build_web
say "running the web page's unit tests"
(cd web && npm run --silent test)
say "linting"
cargo clippy --workspace --all-targets --locked -- -D warnings
say "running the service's tests"
TESTBAY_TEST_PYTHON="$REPO_ROOT/.venv/bin/python" cargo test --workspace --locked
say "running the end-to-end tests in Chromium"
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
(cd web && TESTBAY_BIN="$target_dir/debug/testbay" TESTBAY_TEST_PYTHON="$REPO_ROOT/.venv/bin/python" npm run --silent e2e)
