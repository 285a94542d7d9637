#!/usr/bin/env bash
# Tests the service's Debian package for real: builds it, inspects it, installs it on this
# machine, runs the installed binary as the package's user with the installed environment file,
# creates a run through the API and sees it pass, then purges the package and checks that
# nothing is left but what policy keeps. Needs root (it installs a package). Then builds the
# desktop app's package and inspects it.
#
# TESTBAY_DEB_PROFILE picks the cargo profile (default `dev`, which CI has built already; use
# `release` for a package to ship).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$REPO_ROOT"
[ "$(id -u)" -eq 0 ] || die "this test installs a package: run it as root"
command -v cargo-deb >/dev/null || { say "installing cargo-deb"; cargo install cargo-deb --locked --quiet; }

fail() { printf 'deb test: FAILED: %s\n' "$*" >&2; exit 1; }
checks=0
ok() { checks=$((checks + 1)); printf '  ok: %s\n' "$*"; }
check() { local what="$1"; shift; "$@" >/dev/null 2>&1 || fail "$what"; ok "$what"; }

say "building the Debian package (profile ${TESTBAY_DEB_PROFILE:-dev})"
deb="$(cargo deb -p testbay --locked --profile "${TESTBAY_DEB_PROFILE:-dev}" 2>/dev/null | tail -n 1)"
[ -f "$deb" ] || fail "cargo deb made no package"
say "inspecting $(basename "$deb") ($(du -h "$deb" | cut -f1))"
info="$(dpkg-deb -I "$deb")"
contents="$(dpkg-deb -c "$deb")"
unit="$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/lib/systemd/system/testbay.service)"
check "the package is named testbay" grep -q '^ Package: testbay$' <<<"$info"
check "it depends on python3-venv" grep -q 'Depends:.*python3-venv' <<<"$info"
check "it ships the binary" grep -q ' ./usr/bin/testbay$' <<<"$contents"
check "it ships the systemd unit" grep -q ' ./usr/lib/systemd/system/testbay.service$' <<<"$contents"
check "it ships the environment file" grep -q ' ./etc/default/testbay$' <<<"$contents"
check "it ships the sample tests" grep -q ' ./usr/share/testbay/sample_tests/math/test_arithmetic.py$' <<<"$contents"
check "the unit delegates its cgroup" grep -q '^Delegate=yes$' <<<"$unit"
check "the unit runs as the testbay user" grep -q '^User=testbay$' <<<"$unit"
check "the unit is hardened" grep -q '^NoNewPrivileges=yes$' <<<"$unit"

dpkg -s testbay >/dev/null 2>&1 && dpkg --purge testbay >/dev/null
service_pid=""
cleanup() {
    [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null || true
    dpkg --purge testbay >/dev/null 2>&1 || true
}
trap cleanup EXIT

say "installing it"
apt-get install -y -qq "$deb" >/dev/null
check "the testbay user exists" getent passwd testbay
check "its data dir belongs to it" test "$(stat -c %U /var/lib/testbay)" = testbay
check "its venv has pytest" /var/lib/testbay/venv/bin/python -c "import pytest, pytest_reportlog"
check "its tests folder holds the samples" test -f /var/lib/testbay/tests/math/test_arithmetic.py
check "the conffile is registered" grep -q '/etc/default/testbay' /var/lib/dpkg/info/testbay.conffiles

say "running the installed service as testbay, with /etc/default/testbay"
log="$(mktemp)"
# The unit's command, its user and environment file; only the port is made free for the test.
cd /var/lib/testbay
runuser -u testbay -- env $(grep -E '^[A-Z_]+=' /etc/default/testbay | xargs) \
    TESTBAY_LISTEN=127.0.0.1:0 /usr/bin/testbay serve 2>"$log" &
runuser_pid=$!
cd "$REPO_ROOT"
for _ in $(seq 1 100); do service_pid="$(pgrep -u testbay -x testbay || true)"; [ -n "$service_pid" ] && break; sleep 0.1; done
[ -n "$service_pid" ] || fail "the installed service did not start"
url="$(service_url "$log")" || { cat "$log" >&2; fail "the installed service did not start"; }
ok "$(printf 'the service listens on %s (%s)' "$url" \
    "$(curl -s "$url/api/system" | python3 -c 'import json,sys; print("limits by", json.load(sys.stdin)["enforcement"])')")"
run_id="$(curl -s -X POST "$url/api/runs" -H 'Content-Type: application/json' \
    -d '{"user": "packager", "environment": 1, "paths": ["math/test_arithmetic.py"]}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
status=""
for _ in $(seq 1 600); do
    status="$(curl -s "$url/api/runs/$run_id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
    case "$status" in queued|running) sleep 0.1 ;; *) break ;; esac
done
[ "$status" = passed ] || { cat "$log" >&2; fail "run $run_id ended as '$status', not passed"; }
ok "run $run_id passed"
kill -TERM "$service_pid"
# runuser ends with the service's own exit status.
wait "$runuser_pid" || fail "the service did not stop cleanly on SIGTERM (exit status $?)"
grep -q 'stopped' "$log" || fail "the service did not log its stop"
ok "the service stopped cleanly on SIGTERM"
service_pid=""

say "purging it"
dpkg --purge testbay >/dev/null
check "the binary is gone" test ! -e /usr/bin/testbay
check "the data dir is gone" test ! -e /var/lib/testbay
check "the environment file is gone" test ! -e /etc/default/testbay
check "the testbay user is gone" sh -c '! getent passwd testbay'
check "the unit is gone" test ! -e /usr/lib/systemd/system/testbay.service

say "building the desktop app's package (tauri build --bundles deb, debug)"
(cd "$REPO_ROOT" && web/node_modules/.bin/tauri build --debug --bundles deb >/dev/null 2>&1) || fail "tauri build failed"
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
desktop_deb="$(ls -t "$target_dir"/debug/bundle/deb/*.deb | head -n 1)"
desktop_contents="$(dpkg-deb -c "$desktop_deb")"
check "the desktop package is testbay-desktop" test "$(dpkg-deb -f "$desktop_deb" Package)" = testbay-desktop
check "it depends on webkit2gtk 4.1" grep -q 'libwebkit2gtk-4.1-0' <<<"$(dpkg-deb -f "$desktop_deb" Depends)"
check "it ships the app" grep -Eq ' (\./)?usr/bin/testbay-desktop$' <<<"$desktop_contents"
check "it ships a menu entry" grep -Eq ' (\./)?usr/share/applications/.*\.desktop$' <<<"$desktop_contents"
echo "packaging: $checks checks passed (the service's package and the desktop app's)"
