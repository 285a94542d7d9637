#!/usr/bin/env bash
# Generates the Python client clients/python/ from openapi/openapi.json with openapi-python-client,
# pinned in python/client-requirements.txt and installed in the tools venv .venv-client.
#
#   scripts/generate-python-client.sh           regenerate clients/python (only rewritten when it differs)
#   scripts/generate-python-client.sh --check   fail when clients/python is not what the spec gives
#
# clients/python is generated code only: the folder is replaced as a whole. The generator's settings
# are in clients/openapi-python-client.yaml; clients/prepare_spec.py adapts the spec first.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

check=false
case "$*" in
    "") ;;
    --check) check=true ;;
    *) die "usage: scripts/generate-python-client.sh [--check]" ;;
esac

venv="$REPO_ROOT/.venv-client"
requirements="$REPO_ROOT/python/client-requirements.txt"
output="$REPO_ROOT/clients/python"

# The tools venv, rebuilt from scratch when the requirements file changed (a stamp holds its hash).
stamp="$venv/.testbay-requirements"
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    say "installing the Python client's generator into .venv-client"
    python3 -m venv --clear "$venv" || die "python3 -m venv failed: install python3-venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    echo "$wanted" > "$stamp"
fi

# Generate into a fresh folder, with the venv's ruff first on PATH for the generator's post hooks
# (without it in PATH the generator skips them with a warning, and the output would differ).
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" "$REPO_ROOT/clients/prepare_spec.py" < "$REPO_ROOT/openapi/openapi.json" > "$work/openapi.json"
if ! (cd "$work" && PATH="$venv/bin:$PATH" openapi-python-client generate --path openapi.json --meta pdm \
        --config "$REPO_ROOT/clients/openapi-python-client.yaml" --output-path "$work/python") > "$work/generator.log" 2>&1; then
    cat "$work/generator.log" >&2
    die "openapi-python-client failed"
fi
# Warnings (e.g. a response content type it does not parse) leave the rest of the client usable.
if grep -qv '^Generating \|^$' "$work/generator.log"; then
    say "openapi-python-client warned:"
    grep -v '^Generating ' "$work/generator.log" >&2
fi

# What may sit in clients/python without being generated: caches and build leftovers.
ignore=(--exclude=__pycache__ --exclude='*.egg-info' --exclude=.pdm-build --exclude=.ruff_cache
    --exclude=.pytest_cache --exclude=.mypy_cache)
if diff -rq "${ignore[@]}" "$output" "$work/python" >/dev/null 2>&1; then
    say "clients/python is up to date"
    exit 0
fi
if $check; then
    (cd "$REPO_ROOT" && diff -ru "${ignore[@]}" clients/python "$work/python" | head -n 60 >&2) || true
    die "clients/python is stale: run scripts/generate-python-client.sh"
fi
rm -rf "$output"
cp -R "$work/python" "$output"
say "generated clients/python from openapi/openapi.json"
