"""The API process keeps idle keep-alive connections longer than its clients' pools do.

httpx (the suite's own client, and many app backends') reuses a pooled connection for up to 5 s of
idleness; uvicorn's own default closes one after 5 s. With equal timeouts, a request sent as the server
closes the connection fails without an answer (httpx.ReadError). `ROOMSVC_KEEPALIVE_SECONDS` (120 s)
keeps the server's side the longer one."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

IDLE = 6.5  # longer than httpx's pool expiry and uvicorn's default keep-alive (5 s each)


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> tuple[int, bytes]:
    writer.write(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
    status = int(head.split(b" ", 2)[1])
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return status, await asyncio.wait_for(reader.readexactly(length), timeout=10)


async def test_an_idle_connection_is_still_served_after_a_client_pools_idle_time(api_server: str) -> None:
    url = urlsplit(api_server)
    assert url.hostname and url.port
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    try:
        assert await _get(reader, writer, url.netloc) == (200, b'{"status":"ok"}')
        await asyncio.sleep(IDLE)
        assert not reader.at_eof(), "the API closed an idle connection within a client pool's idle time"
        assert await _get(reader, writer, url.netloc) == (200, b'{"status":"ok"}')
    finally:
        writer.close()
