#!/usr/bin/env bash
# Sets up everything Testbay needs on Debian, builds it (web page included) and starts it on its
# defaults: http://127.0.0.1:8080/ (Swagger UI at /docs), data in ./testbay-data, tests from ./sample_tests.
# Extra arguments go to `testbay serve` (see `testbay serve --help`).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
ensure_base
# The desktop app's build dependencies, so that `cargo run -p testbay-desktop` works next.
apt_install $DESKTOP_BUILD_PACKAGES
build_web
say "building the service"
cargo build --bin testbay
binary="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/testbay"
say "starting Testbay on http://127.0.0.1:8080/ (Ctrl-C stops it)"
exec "$binary" serve --python "$REPO_ROOT/.venv/bin/python" "$@"
