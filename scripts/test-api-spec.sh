#!/usr/bin/env bash
# Tests that the OpenAPI spec tells the truth: schemathesis (pinned, in .venv-schemathesis) runs
# against the real service, TESTBAY_BIN (default: the debug build of cargo's target dir), with
# every check: requests the spec allows are accepted, requests it forbids are refused with 4xx,
# every answer and status is documented, and no request gets a 5xx. Any failure fails this script.
# TESTBAY_SCHEMATHESIS_SEED picks another seed (the default is fixed, so a failure repeats).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
SCHEMATHESIS_VERSION="4.32.5"
ensure_venv  # the runs' pytest
venv="$REPO_ROOT/.venv-schemathesis"
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
    say "installing schemathesis $SCHEMATHESIS_VERSION into .venv-schemathesis"
    python3 -m venv "$venv" || die "python3 -m venv failed: install python3-venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
if [ -z "${TESTBAY_BIN:-}" ]; then
    target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
    TESTBAY_BIN="$target_dir/debug/testbay"
fi
[ -x "$TESTBAY_BIN" ] || die "no testbay binary at $TESTBAY_BIN: build it (cargo build -p testbay) or set TESTBAY_BIN"

data="$(mktemp -d)"
# schemathesis adds users (POST /users); the service's own token keeps its requests an admin's
# after that, so that every operation stays reachable.
token="schemathesis-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
"$TESTBAY_BIN" serve --listen 127.0.0.1:0 --data-dir "$data" --tests-root "$REPO_ROOT/sample_tests" \
    --python "$REPO_ROOT/.venv/bin/python" --max-concurrent-runs 2 --token "$token" 2>"$data/service.log" &
pid=$!
cleanup() {
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$data"
}
trap cleanup EXIT
url="$(service_url "$data/service.log")" || { cat "$data/service.log" >&2; die "the service did not start"; }

say "checking the spec against the service with schemathesis $SCHEMATHESIS_VERSION"
# Event streams never end: schemathesis reads each for the request timeout, then checks what came.
status=0
"$venv/bin/schemathesis" --config-file openapi/schemathesis.toml run "$url/openapi.json" \
    --header "Authorization: Bearer $token" --checks all --max-examples 25 --seed "${TESTBAY_SCHEMATHESIS_SEED:-20261130}" --request-timeout 2 \
    --no-color || status=$?
if [ "$status" -ne 0 ]; then
    echo "--- the service's log (last 40 lines) ---" >&2
    tail -n 40 "$data/service.log" >&2
    die "schemathesis found the spec and the service disagreeing (see above)"
fi
if grep -q 'panicked' "$data/service.log"; then
    grep -B2 -A10 'panicked' "$data/service.log" >&2
    die "the service panicked under schemathesis"
fi
