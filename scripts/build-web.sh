#!/usr/bin/env bash
# Builds the web page into web/dist, which the next `cargo build` embeds in the binary.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
build_web
