#!/usr/bin/env bash
# Regenerates the TypeScript client's generated sources from the OpenAPI document (clients/openapi.json,
# written by scripts/dump_openapi.py); `make clients` runs it after that script.
#
#   clients/typescript/generate.sh [OUT_DIR]     (default: clients/typescript/src)
#
# Writes, deterministically (same document in, same bytes out):
#   OUT_DIR/schema.d.ts   openapi-typescript: paths, operations and components of the API
#   OUT_DIR/events.ts     scripts/events.mjs: every event type and its payload type
# ROOMSVC_OPENAPI=FILE reads another document. node_modules is installed (npm ci, stamped) through
# scripts/stack.sh, like every other install.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$(realpath -m "${1:-$HERE/src}")"
DOC="$(realpath -m "${ROOMSVC_OPENAPI:-$ROOT/clients/openapi.json}")"

[[ -f "$DOC" ]] || {
	echo "ERROR: $DOC is missing: run .venv/bin/python scripts/dump_openapi.py (or make clients)" >&2
	exit 1
}
"$ROOT/scripts/stack.sh" client-deps
mkdir -p "$OUT"
cd "$HERE"
# --default-non-nullable false: a property with a default stays optional, so request bodies need only
# what the API requires (responses list their required properties explicitly).
node_modules/.bin/openapi-typescript "$DOC" --output "$OUT/schema.d.ts" --default-non-nullable false
node scripts/events.mjs "$DOC" "$OUT/events.ts"
