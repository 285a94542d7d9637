#!/usr/bin/env bash
# Installs what the tests need (idempotently) and runs every test: formatting and lints, the web
# page's unit tests and type checks, the service's unit and integration tests (real SurrealDB,
# embedded and as a server; real pytest; real cgroups), the desktop app in a real window under
# Xvfb, the Debian package installed and purged for real (as root), the OpenAPI spec's freshness, end-to-end tests of the page in
# Debian's Chromium against the real service, the command-line client against the real service, and the generated Python
# client's freshness and example.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
ensure_base
# Chromium for the page's end-to-end tests; webkit2gtk and Xvfb for the desktop app's.
apt_install chromium xvfb xauth imagemagick $DESKTOP_BUILD_PACKAGES
rustup component add rustfmt clippy >/dev/null 2>&1 || true

say "checking formatting"
cargo fmt --all --check
build_web
say "running the web page's unit tests"
(cd web && npm run --silent test)
say "linting"
cargo clippy --workspace --all-targets --locked -- -D warnings
say "building a SurrealDB server for the tests of a shared database"
cargo build --quiet --locked --manifest-path tools/surrealdb-server/Cargo.toml
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
server_target_dir="$(cargo metadata --format-version 1 --no-deps --manifest-path tools/surrealdb-server/Cargo.toml \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
say "running the service's tests"
TESTBAY_TEST_PYTHON="$REPO_ROOT/.venv/bin/python" TESTBAY_SURREALDB_SERVER="$server_target_dir/debug/surrealdb-test-server" \
    cargo test --workspace --locked
say "running the end-to-end tests in Chromium"
(cd web && TESTBAY_BIN="$target_dir/debug/testbay" TESTBAY_TEST_PYTHON="$REPO_ROOT/.venv/bin/python" npm run --silent e2e)
say "testing the generated Python client and its example"
TESTBAY_BIN="$target_dir/debug/testbay" scripts/test-python-client.sh
if [ "$(id -u)" -eq 0 ]; then
    say "testing the Debian package"
    packaging/test-deb.sh
else
    say "SKIPPED the Debian package test: it installs a package, so it needs root"
fi
