#!/usr/bin/env bash
# Regenerates the Python client `roomsvc-client` from clients/openapi.json with openapi-python-client.
# Run from anywhere (`make clients` runs it after scripts/dump_openapi.py); deterministic: the same
# clients/openapi.json and the same pinned generator and ruff give byte-identical files.
#
#   clients/python/generate.sh            regenerate clients/python/roomsvc_client/ in place
#   clients/python/generate.sh DIR        write the generated package to DIR instead (the freshness test)
#
# Layout of clients/python/ (what is generated, what is written by hand):
#   config.yaml                    generator settings (package name, isolated ruff post-hooks)    by hand
#   templates/                     overrides of generator templates (package __init__ exports the
#                                  helpers)                                                        by hand
#   pyproject.toml, README.md      packaging and the five-minute tour                              by hand
#   roomsvc_client/helpers.py      caller_token, verify_signature, parse_event                     by hand
#   roomsvc_client/*               everything else: __init__.py, client.py, errors.py, types.py,
#                                  py.typed, api/, models/                                         GENERATED
# The generator writes into a temporary directory; then every generated path in roomsvc_client/ is
# replaced and everything else there except helpers.py is removed, so a stale module cannot linger.
#
# Before generating, the document is adjusted in one way: each component schema loses its top-level
# `title`, so that models are named after their component keys. Litestar keys two different structs
# that share a name (`TrackOut` in calls and in participants) apart, but keeps both titles, and
# openapi-python-client names models by title and would drop both as duplicates.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/clients/python"
PACKAGE="roomsvc_client"
DEST="${1:-$HERE/$PACKAGE}"
HAND_WRITTEN=(helpers.py)
VENV_BIN="$ROOT/.venv/bin"

[[ -x "$VENV_BIN/openapi-python-client" ]] ||
	{ echo "ERROR: $VENV_BIN/openapi-python-client is missing; run scripts/stack.sh venv" >&2; exit 1; }
# The post-hooks call `ruff`: take the venv's pinned one, never whatever else is on PATH.
export PATH="$VENV_BIN:$PATH"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

"$VENV_BIN/python" - "$ROOT/clients/openapi.json" "$WORK/openapi.json" <<'PY'
import json
import sys

with open(sys.argv[1], encoding="utf-8") as source:
    document = json.load(source)
for schema in document.get("components", {}).get("schemas", {}).values():
    schema.pop("title", None)
with open(sys.argv[2], "w", encoding="utf-8") as target:
    json.dump(document, target, indent=2, sort_keys=True)
PY

# --fail-on-warning: an operation or schema the generator cannot express fails the run, rather than
# silently going missing from the client.
"$VENV_BIN/openapi-python-client" generate \
	--path "$WORK/openapi.json" \
	--config "$HERE/config.yaml" \
	--custom-template-path "$HERE/templates" \
	--meta none \
	--fail-on-warning \
	--output-path "$WORK/$PACKAGE" >"$WORK/generator.log" 2>&1 ||
	{ cat "$WORK/generator.log" >&2; echo "ERROR: openapi-python-client failed (see above)" >&2; exit 1; }

# With `--meta none` the generator writes no py.typed marker; the package is typed, so add one.
: >"$WORK/$PACKAGE/py.typed"

mkdir -p "$DEST"
# Remove what the previous generation left (keeping the hand-written files), then copy the new one in.
keep=()
for name in "${HAND_WRITTEN[@]}"; do keep+=(-not -name "$name"); done
find "$DEST" -mindepth 1 -maxdepth 1 "${keep[@]}" -exec rm -rf {} +
cp -R "$WORK/$PACKAGE/." "$DEST/"
