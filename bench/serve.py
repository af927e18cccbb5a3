"""Serve an ASGI app factory with exactly the uvicorn options of `roomsvc serve` (src/roomsvc/cli.py).

The join benchmark and its baseline are both started through this one command line, so that they
differ only in the app: ``python bench/serve.py roomsvc.app:create_app --port 8100 --workers 1`` and
``python bench/serve.py bench.bare_app:create_app --port 8101 --workers 1``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import uvicorn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("factory", help="module:function returning the ASGI app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # so that `bench.bare_app` imports
    uvicorn.run(
        args.factory,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        server_header=False,
    )


if __name__ == "__main__":
    main()
