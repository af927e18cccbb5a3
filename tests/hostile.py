"""Event subscribers that misbehave on purpose: real HTTP endpoints on loopback (raw asyncio sockets).

- ``drip``: answers one byte of a status line every ``interval`` seconds, forever;
- ``continue``: answers ``100 Continue`` every ``interval`` seconds, forever, and never a final status;
- ``gzip-bomb``: answers ``500`` with ``Content-Encoding: gzip`` and an endless body that decompresses
  to zeros (about 1000:1), as fast as the client reads it;
- ``slow``: answers ``200`` only after ``interval`` seconds.

Each records the requests it got (headers) and the most connections it held at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from typing import Any

KINDS = ("drip", "continue", "gzip-bomb", "slow")


def _gzip_chunks() -> tuple[bytes, bytes]:
    """The gzip header plus a first compressed block, and a block to repeat (each ~1 MB of zeros)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_SYNC_FLUSH)
    again = compressor.compress(zeros) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return first, again


class Hostile:
    def __init__(self, kind: str, *, interval: float = 0.5, give_up_after: float = 120.0) -> None:
        assert kind in KINDS
        self.kind = kind
        self.interval = interval
        self.give_up_after = give_up_after  # bounds a client that never lets go (the old relay)
        self.requests: list[dict[str, str]] = []
        self.open = 0
        self.most_open = 0
        self._tasks: set[asyncio.Task[Any]] = set()
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/hook"

    async def __aenter__(self) -> Hostile:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")[1:]
            headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines if x)}
            await reader.readexactly(int(headers.get("content-length", "0")))
            self.requests.append(headers)
            behaviour = asyncio.create_task(getattr(self, "_" + self.kind.replace("-", "_"))(writer))
            hangup = asyncio.create_task(reader.read())  # b"" once the client closes its end
            try:
                await asyncio.wait(
                    {behaviour, hangup}, timeout=self.give_up_after, return_when="FIRST_COMPLETED"
                )
            finally:
                for part in (behaviour, hangup):
                    part.cancel()
                await asyncio.gather(behaviour, hangup, return_exceptions=True)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self.open -= 1
            self._tasks.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def _drip(self, writer: asyncio.StreamWriter) -> None:
        status = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        while True:  # the status line is never finished: one byte per interval, then start over
            for byte in status[:-4]:
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(self.interval)

    async def _continue(self, writer: asyncio.StreamWriter) -> None:
        while True:
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            await writer.drain()
            await asyncio.sleep(self.interval)

    async def _gzip_bomb(self, writer: asyncio.StreamWriter) -> None:
        first, again = _gzip_chunks()
        writer.write(
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
            b"Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        block = first
        while True:
            writer.write(b"%x\r\n%s\r\n" % (len(block), block))
            await writer.drain()
            block = again
            await asyncio.sleep(0)

    async def _slow(self, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(self.interval)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
