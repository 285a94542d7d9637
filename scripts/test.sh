#!/usr/bin/env bash
# Installs what the tests need (idempotently) and runs every test: formatting and lints, the web
# page's unit tests and type checks, the service's unit and integration tests (real SurrealDB,
# embedded and as a server; real pytest; real cgroups), the desktop app in a real window under
# Xvfb, the Debian package installed and purged for real (as root), the OpenAPI spec's freshness and truth
# (schemathesis against the real service, every check), end-to-end tests of the page in
# Debian's Chromium against the real service, the command-line client against the real service, and the generated Python
# client's freshness and example.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
ensure_base
# Chromium for the page's end-to-end tests; webkit2gtk, Xvfb and a window manager (openbox, driven
# by wmctrl) for the desktop app's; WebKitGTK's WebDriver, tauri-driver and a D-Bus session bus to
# drive the desktop window's page and watch its notifications.
apt_install chromium xvfb xauth imagemagick openbox wmctrl webkit2gtk-driver dbus $DESKTOP_BUILD_PACKAGES
rustup component add rustfmt clippy >/dev/null 2>&1 || true
install_tauri_driver

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
# What was skipped on purpose (an opt-out variable set), for the summary at the end.
skips="$(mktemp)"
trap 'rm -f "$skips"' EXIT
say "checking that runs can be contained in cgroups here"
cargo build --quiet --locked -p testbay
read -r enforcement cgroup_problem <<<"$(sandbox_of "$target_dir/debug/testbay")"
if [ "$enforcement" = rlimit ]; then
    [ "${TESTBAY_TEST_WITHOUT_CGROUPS:-}" = 1 ] || die "cgroups cannot be used here ($cgroup_problem), and the \
sandbox tests need them: run the tests as root or in a delegated cgroup, or set TESTBAY_TEST_WITHOUT_CGROUPS=1 to \
skip those tests on purpose"
fi
say "running the service's tests"
TESTBAY_TEST_PYTHON="$REPO_ROOT/.venv/bin/python" TESTBAY_SURREALDB_SERVER="$server_target_dir/debug/surrealdb-test-server" \
    TESTBAY_TEST_SKIPS="$skips" cargo test --workspace --locked
say "running the end-to-end tests in Chromium"
(cd web && TESTBAY_BIN="$target_dir/debug/testbay" TESTBAY_TEST_PYTHON="$REPO_ROOT/.venv/bin/python" \
    TESTBAY_SURREALDB_SERVER="$server_target_dir/debug/surrealdb-test-server" npm run --silent e2e)
TESTBAY_BIN="$target_dir/debug/testbay" scripts/test-api-spec.sh
say "testing the generated Python client and its example"
TESTBAY_BIN="$target_dir/debug/testbay" scripts/test-python-client.sh
if [ "$(id -u)" -eq 0 ]; then
    say "testing the Debian package"
    packaging/test-deb.sh
elif [ "${TESTBAY_TEST_WITHOUT_PACKAGE:-}" = 1 ]; then
    echo "skipped on purpose (TESTBAY_TEST_WITHOUT_PACKAGE=1): the Debian package test, which needs root" >>"$skips"
else
    die "the Debian package test installs a package, so it needs root: run the tests as root, or set \
TESTBAY_TEST_WITHOUT_PACKAGE=1 to skip it on purpose"
fi
if [ -s "$skips" ]; then
    say "every test that ran passed; skipped on purpose:"
    sort -u "$skips" >&2
else
    say "every test ran and passed"
fi
