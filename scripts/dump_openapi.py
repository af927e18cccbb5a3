"""Write roomsvc's OpenAPI document, as the API serves it at /schema/openapi.json with default settings,
to clients/openapi.json (or the path given): the single input both typed clients are generated from.

    .venv/bin/python scripts/dump_openapi.py            # writes clients/openapi.json
    .venv/bin/python scripts/dump_openapi.py --check    # exit 1 if clients/openapi.json is stale
    .venv/bin/python scripts/dump_openapi.py -o FILE

The app is built without opening any connection. Settings come from defaults only (never .env or the
environment), so a limit lowered on one machine does not leak into the committed document.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "clients" / "openapi.json"


def document() -> dict[str, Any]:
    from roomsvc.app import create_app
    from roomsvc.config import load_settings

    app = create_app(load_settings({}))
    schema: dict[str, Any] = app.openapi_schema.to_schema()
    return schema


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file differs from the app's")
    args = parser.parse_args(argv)
    text = render(document())
    if args.check:
        current = args.output.read_text() if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale: run `make clients`", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
