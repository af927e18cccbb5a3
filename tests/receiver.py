"""A real HTTP endpoint on loopback that receives roomsvc's signed event deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


def verify(secret: str, headers: dict[str, str], body: bytes, tolerance: int = 300) -> bool:
    """The verification docs/events.md documents, done the way a receiver would."""
    timestamp = int(headers["roomsvc-timestamp"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["roomsvc-signature"], f"v1={expected}")


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that keeps the test output free of access lines."""

    def log_message(self, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: a relay opening more connections at once than that
    # overflowed it (TcpExtListenOverflows), and each dropped SYN waited 1 s or more for its retransmit.
    request_queue_size = 128


class LoopbackEndpoint:
    """A threaded HTTP server on a free loopback port, run as a context manager; ``url`` is its /hook."""

    def _serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = _Server(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class Receiver(LoopbackEndpoint):
    """Records every delivery; answers 503 while ``failing`` is set, else 200."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.failing = False
        self.failures = 0
        self._lock = threading.Lock()
        outer = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with outer._lock:
                    if outer.failing:
                        outer.failures += 1
                        self.send_response(503)
                        self.end_headers()
                        return
                    outer.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
                self.end_headers()

        self._serve(Handler)

    def events(self) -> list[dict[str, Any]]:
        with self._lock:
            return [json.loads(body) for _, body in self.received]
