# Shared by the set-up, start and test scripts: idempotent installs with clear messages.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MIN_RUST="1.88"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        die "need root to run: $* (install sudo or run as root)"
    fi
}

# Installs the Debian packages given that are not installed yet.
apt_install() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The toolchain installed when this machine has none new enough (Debian's own rustc is too old
# for this code's edition 2024): the version the code is built and tested with.
RUST_TOOLCHAIN="1.95.0"

rust_is_new_enough() {
    command -v cargo >/dev/null || return 1
    local version
    version="$(cargo --version 2>/dev/null | awk '{print $2}')"
    [ -n "$version" ] && [ "$(printf '%s\n%s\n' "$MIN_RUST" "$version" | sort -V | head -n1)" = "$MIN_RUST" ]
}

# Uses the machine's Rust if it is new enough; otherwise installs rustup (Debian's package where
# Debian has one, from Debian 13 on; else rustup's own installer, for this user) and through it
# Rust $RUST_TOOLCHAIN with rustfmt and clippy, as this user's default.
ensure_rust() {
    [ -d "$HOME/.cargo/bin" ] && PATH="$HOME/.cargo/bin:$PATH"
    rust_is_new_enough && return 0
    if command -v cargo >/dev/null; then
        say "cargo $(cargo --version | awk '{print $2}') is older than Rust $MIN_RUST, which Testbay needs"
    else
        say "no Rust toolchain found"
    fi
    if ! command -v rustup >/dev/null; then
        if apt-cache policy rustup 2>/dev/null | grep -q 'Candidate: [0-9]'; then
            apt_install rustup
        else
            say "installing rustup with its installer from https://sh.rustup.rs (for $(id -un), in ~/.cargo)"
            local installer
            installer="$(mktemp)"
            curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs -o "$installer" \
                && sh "$installer" -y --no-modify-path --profile minimal --default-toolchain none \
                || { rm -f "$installer"; die "rustup could not be installed; install Rust $MIN_RUST or newer \
(https://rustup.rs) and run this again"; }
            rm -f "$installer"
            PATH="$HOME/.cargo/bin:$PATH"
        fi
    fi
    say "installing Rust $RUST_TOOLCHAIN with rustup"
    rustup toolchain install "$RUST_TOOLCHAIN" --profile minimal --component rustfmt --component clippy \
        || die "rustup could not install Rust $RUST_TOOLCHAIN"
    rustup default "$RUST_TOOLCHAIN"
    rust_is_new_enough || die "Rust $RUST_TOOLCHAIN was installed, but cargo still is not Rust $MIN_RUST or newer"
}

# The Python venv that runs pytest for Testbay, at .venv.
ensure_venv() {
    local venv="$REPO_ROOT/.venv"
    if [ ! -x "$venv/bin/python" ]; then
        say "creating the Python venv at .venv"
        python3 -m venv "$venv" || die "python3 -m venv failed: install python3-venv"
    fi
    if ! "$venv/bin/python" -c "import pytest, pytest_reportlog, pytest_memray" 2>/dev/null; then
        say "installing pytest, pytest-reportlog and pytest-memray into .venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$REPO_ROOT/python/requirements.txt"
    fi
}

MIN_NODE="18.19"
TAURI_DRIVER_VERSION="2.1.0"

# tauri-driver (WebDriver for the desktop window), built from crates.io into .tools once.
install_tauri_driver() {
    local driver="$REPO_ROOT/.tools/bin/tauri-driver"
    if [ ! -x "$driver" ] || [ "$(cat "$REPO_ROOT/.tools/tauri-driver.version" 2>/dev/null)" != "$TAURI_DRIVER_VERSION" ]; then
        say "installing tauri-driver $TAURI_DRIVER_VERSION into .tools"
        cargo install --quiet --locked --force --root "$REPO_ROOT/.tools" tauri-driver --version "$TAURI_DRIVER_VERSION"
        echo "$TAURI_DRIVER_VERSION" >"$REPO_ROOT/.tools/tauri-driver.version"
    fi
}
# What the desktop app (Tauri v2) needs to build.
DESKTOP_BUILD_PACKAGES="libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev"

# Node.js for the web page: Debian's own (18.19 on Debian 12, 20 on 13) unless one is installed.
require_node() {
    command -v node >/dev/null || apt_install nodejs npm
    command -v npm >/dev/null || apt_install npm
    local version
    version="$(node --version | tr -d v)"
    if [ "$(printf '%s\n%s\n' "$MIN_NODE" "$version" | sort -V | head -n1)" != "$MIN_NODE" ]; then
        die "Node.js $version is too old: the web page needs Node.js $MIN_NODE or newer"
    fi
}

# The web page's npm packages, exactly as web/package-lock.json pins them; reinstalled only when
# the lock file changed.
ensure_web_packages() {
    require_node
    local stamp="$REPO_ROOT/web/node_modules/.testbay-lock"
    local lock
    lock="$(sha256sum "$REPO_ROOT/web/package-lock.json" | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock" ]; then
        say "installing the web page's npm packages"
        (cd "$REPO_ROOT/web" && npm ci --no-audit --no-fund --loglevel=error)
        echo "$lock" > "$stamp"
    fi
}

build_web() {
    ensure_web_packages
    say "building the web page"
    (cd "$REPO_ROOT/web" && npm run --silent build)
}

ensure_base() {
    apt_install build-essential pkg-config ca-certificates curl python3 python3-venv
    ensure_rust
    ensure_venv
}

# The address a starting service writes to its log $1 (`url=...`), without the trailing slash;
# fails when none is there within 30 s.
service_url() {
    for _ in $(seq 1 300); do grep -q 'url=' "$1" && break; sleep 0.1; done
    local url
    url="$(grep -o 'url=[^ ]*' "$1" | head -n 1 | cut -d= -f2 | sed 's#/$##')"
    [ -n "$url" ] && echo "$url"
}

# How the testbay binary $1 would contain runs on this machine, as its API says: the enforcement
# (cgroup_v2, cgroup_v1 or rlimit), then why cgroups cannot be used, if they cannot.
sandbox_of() {
    local data pid url
    data="$(mktemp -d)"
    "$1" serve --listen 127.0.0.1:0 --data-dir "$data" --database mem:// --tests-root "$REPO_ROOT/sample_tests" \
        2>"$data/log" &
    pid=$!
    url="$(service_url "$data/log")" || { cat "$data/log" >&2; die "$1 did not start"; }
    curl -s "$url/api/system" \
        | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["enforcement"], s.get("sandbox_warning") or "")'
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    rm -rf "$data"
}
