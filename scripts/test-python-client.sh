#!/usr/bin/env bash
# Tests the generated Python client: clients/python must be what openapi/openapi.json gives
# (scripts/generate-python-client.sh --check), and the example clients/examples/run_and_report.py
# must work against the real service, TESTBAY_BIN (default: the debug build of cargo's target dir).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
ensure_venv  # the runs' pytest
scripts/generate-python-client.sh --check
if [ -z "${TESTBAY_BIN:-}" ]; then
    target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
    TESTBAY_BIN="$target_dir/debug/testbay"
fi
[ -x "$TESTBAY_BIN" ] || die "no testbay binary at $TESTBAY_BIN: build it (cargo build -p testbay) or set TESTBAY_BIN"
say "running the Python client's example against the service"
TESTBAY_BIN="$TESTBAY_BIN" .venv-client/bin/python -m pytest -q -p no:cacheprovider clients/tests
