"""Recording storage against the real thing: a local directory, and the S3-compatible versitygw that
`make test` starts on loopback (ROOMSVC_S3_*). Every test runs on both backends, with the part size
lowered to S3's minimum (5 MiB) so that a few megabytes make a real multipart upload."""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from roomsvc.recordings.storage import (
    InvalidKey,
    InvalidRange,
    LocalStorage,
    ObjectNotFound,
    RecordingStorage,
    S3Storage,
    StorageUnavailable,
    create_storage,
)

PART = 5 * 1024 * 1024
CHUNK = 256 * 1024  # what a recorder hands over at a time: never a whole part


@pytest.fixture
def storage_settings(settings: Any, tmp_path: Path) -> Any:
    """The stack's recording-storage settings with the smallest part size and a private local dir."""
    return replace(settings.recording_storage, s3_part_size=PART, directory=str(tmp_path / "recordings"))


@pytest.fixture(params=["local", "s3"])
async def storage(request: pytest.FixtureRequest, storage_settings: Any) -> AsyncIterator[RecordingStorage]:
    store = create_storage(replace(storage_settings, backend=request.param))
    await store.check()
    yield store
    await store.aclose()


def _s3_client(store: RecordingStorage) -> Any:
    assert isinstance(store, S3Storage)
    return store.client


def _payload(size: int) -> bytes:
    # Random, so that a misplaced part or a dropped chunk cannot go unnoticed.
    return os.urandom(size)


async def _write(store: RecordingStorage, key: str, data: bytes, content_type: str = "audio/ogg") -> Any:
    writer = await store.open_writer(key, content_type)
    for start in range(0, len(data), CHUNK):
        await writer.write(data[start : start + CHUNK])
    return writer


async def _read(store: RecordingStorage, key: str, start: int = 0, end: int | None = None) -> bytes:
    return b"".join([chunk async for chunk in await store.open_range(key, start, end)])


def _key(name: str) -> str:
    return f"test/{uuid.uuid4().hex}/{name}"


async def test_stream_multipart_and_read_back(storage: RecordingStorage) -> None:
    key = _key("room.ogg")
    data = _payload(2 * PART + 1234567)  # two full parts and a short last one
    writer = await _write(storage, key, data)
    with pytest.raises(ObjectNotFound):
        await storage.stat(key)  # nothing visible before close
    stored = await writer.close()

    digest = hashlib.sha256(data).hexdigest()
    assert (stored.key, stored.size, stored.sha256, stored.partial) == (key, len(data), digest, False)
    assert stored.location.endswith(key)
    info = await storage.stat(key)
    assert (info.size, info.sha256, info.content_type, info.partial) == (
        len(data),
        digest,
        "audio/ogg",
        False,
    )
    assert await _read(storage, key) == data
    if storage.kind == "s3":
        head = _s3_client(storage).head_object(Bucket=storage_bucket(storage), Key=key)
        assert head["ContentLength"] == len(data)
        # A multipart upload: S3 marks its ETag with the number of parts.
        assert head["ETag"].strip('"').endswith("-3")
    await storage.delete(key)


async def test_small_object_is_one_put_with_its_hash(storage: RecordingStorage) -> None:
    key = _key("short.webm")
    data = _payload(1000)
    stored = await (await _write(storage, key, data, "video/webm")).close()
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    info = await storage.stat(key)
    assert (info.size, info.sha256, info.content_type) == (1000, stored.sha256, "video/webm")
    if storage.kind == "s3":
        head = _s3_client(storage).head_object(Bucket=storage_bucket(storage), Key=key)
        assert head["Metadata"]["sha256"] == stored.sha256
    await storage.delete(key)


async def test_range_reads_equal_slices(storage: RecordingStorage) -> None:
    key = _key("ranges.ogg")
    data = _payload(PART + 777_777)
    await (await _write(storage, key, data)).close()
    size = len(data)
    assert await _read(storage, key, 0, 100) == data[:100]  # the first bytes
    middle = (PART - 1000, PART + 5000)  # across the part boundary
    assert await _read(storage, key, *middle) == data[middle[0] : middle[1]]
    assert await _read(storage, key, size - 500) == data[-500:]  # a suffix
    assert await _read(storage, key, size - 10, size + 1000) == data[-10:]  # an end past the object is cut
    assert await _read(storage, key, 42, 42) == b""
    with pytest.raises(InvalidRange):
        await _read(storage, key, size + 10)
    with pytest.raises(ObjectNotFound):
        await storage.open_range(_key("missing.ogg"), 0, 10)
    await storage.delete(key)


async def test_delete_then_stat_is_not_found(storage: RecordingStorage) -> None:
    key = _key("gone.ogg")
    await (await _write(storage, key, _payload(4096))).close()
    assert (await storage.stat(key)).size == 4096
    await storage.delete(key)
    with pytest.raises(ObjectNotFound):
        await storage.stat(key)
    with pytest.raises(ObjectNotFound):
        await storage.open_range(key)
    await storage.delete(key)  # deleting again is fine
    assert await storage.recover(key) is None


async def test_abort_leaves_nothing(storage: RecordingStorage) -> None:
    key = _key("aborted.ogg")
    writer = await _write(storage, key, _payload(PART + PART // 2))  # one part uploaded, half buffered
    await writer.flush()
    await writer.abort()
    with pytest.raises(ObjectNotFound):
        await storage.stat(key)
    assert await storage.recover(key) is None
    if isinstance(storage, S3Storage):
        client = storage.client
        uploads = client.list_multipart_uploads(Bucket=storage.bucket, Prefix=key).get("Uploads", [])
        assert [u for u in uploads if u["Key"] == key] == []
        listed = client.list_objects_v2(Bucket=storage.bucket, Prefix=key.rsplit("/", 1)[0])
        assert listed.get("KeyCount", 0) == 0
        leftovers = client.list_objects_v2(Bucket=storage.bucket, Prefix=f".partial/{key}/")
        assert leftovers.get("KeyCount", 0) == 0
    else:
        assert isinstance(storage, LocalStorage)
        assert not storage.part_path(key).exists()
        assert not storage.path(key).exists()


@pytest.mark.parametrize("flush", ["explicit", "automatic"])
async def test_unfinished_writer_is_recovered(
    flush: str, request: pytest.FixtureRequest, storage_settings: Any, storage: RecordingStorage
) -> None:
    """A writer that is never closed (its process killed) leaves what it flushed; recover() finalizes it
    as a partial object holding exactly those bytes."""
    if flush == "automatic":
        # Every write is past the checkpoint/sync interval, so each one makes itself durable.
        if isinstance(storage, S3Storage):
            storage.checkpoint_interval = 0.0
        else:
            assert isinstance(storage, LocalStorage)
            storage.sync_interval = 0.0
    key = _key("killed.ogg")
    data = _payload(2 * PART + 333_333)  # two parts uploaded, the rest only in checkpoints
    writer = await _write(storage, key, data)
    if flush == "explicit":
        await writer.flush()
    del writer  # never closed, never aborted: as if the recorder were killed

    # Recovery runs elsewhere (the jobs process), with a storage object of its own.
    fresh = create_storage(replace(storage_settings, backend=storage.kind))
    try:
        recovered = await fresh.recover(key)
        assert recovered is not None
        assert recovered.partial
        assert (recovered.size, recovered.sha256) == (len(data), hashlib.sha256(data).hexdigest())
        assert recovered.content_type == "audio/ogg"
        assert await _read(fresh, key) == data
        info = await fresh.stat(key)
        assert (info.partial, info.sha256) == (True, recovered.sha256)
        again = await fresh.recover(key)  # idempotent: the finished object, unchanged
        assert again is not None and again.sha256 == recovered.sha256
        if isinstance(fresh, S3Storage):
            uploads = fresh.client.list_multipart_uploads(Bucket=fresh.bucket, Prefix=key).get("Uploads", [])
            assert [u for u in uploads if u["Key"] == key] == []
        await fresh.delete(key)
    finally:
        await fresh.aclose()


async def test_presigned_url(storage: RecordingStorage) -> None:
    key = _key("signed.ogg")
    data = _payload(3000)
    await (await _write(storage, key, data)).close()
    url = await storage.presigned_url(key, 60)
    if storage.kind == "local":
        assert url is None  # the API streams local files itself
    else:
        assert url is not None
        async with httpx.AsyncClient() as client:
            answer = await client.get(url, headers={"Range": "bytes=10-19"})
        assert answer.status_code == 206
        assert answer.content == data[10:20]
    await storage.delete(key)


@pytest.mark.parametrize(
    "key",
    [
        "../escape.ogg",
        "a/../../etc/passwd",
        "/abs/path.ogg",
        "a//b.ogg",
        "a/.hidden",
        ".meta/x.json",
        "a/b.ogg.part",
        "spaces in/key.ogg",
        "semi;colon.ogg",
        "new\nline.ogg",
        "ünïcode.ogg",
        "a\\b.ogg",
        "",
        "x" * 600,
    ],
)
async def test_bad_keys_are_refused(storage: RecordingStorage, key: str) -> None:
    with pytest.raises(InvalidKey):
        await storage.open_writer(key, "audio/ogg")
    with pytest.raises(InvalidKey):
        await storage.stat(key)
    with pytest.raises(InvalidKey):
        await storage.delete(key)
    with pytest.raises(InvalidKey):
        await storage.open_range(key)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("backend", ["local", "s3"])
async def test_storage_down_is_storage_unavailable(
    backend: str, storage_settings: Any, tmp_path: Path
) -> None:
    """An S3 endpoint nobody listens on, or a local directory that cannot exist: every call fails with
    StorageUnavailable (bounded timeouts and retries), none hangs."""
    if backend == "s3":
        store = create_storage(
            replace(storage_settings, backend="s3", s3_endpoint=f"http://127.0.0.1:{_closed_port()}")
        )
    else:
        blocker = tmp_path / "not-a-directory"
        blocker.write_text("a file where the storage directory should be")
        store = create_storage(replace(storage_settings, backend="local", directory=str(blocker / "rec")))
    key = _key("down.ogg")
    try:
        with pytest.raises(StorageUnavailable) as failed:
            await store.check()
        assert failed.value.status == 503
        with pytest.raises(StorageUnavailable):
            await store.open_writer(key, "audio/ogg")
        with pytest.raises(StorageUnavailable):
            await store.stat(key)
        with pytest.raises(StorageUnavailable):
            await store.recover(key)
    finally:
        await store.aclose()


async def test_s3_writer_fails_cleanly_when_storage_goes_away(storage_settings: Any) -> None:
    """The endpoint disappears in the middle of a recording: the next part upload raises
    StorageUnavailable instead of hanging."""
    store = create_storage(replace(storage_settings, backend="s3"))
    assert isinstance(store, S3Storage)
    key = _key("cut.ogg")
    writer = await store.open_writer(key, "audio/ogg")
    await writer.write(_payload(1000))
    dead = create_storage(
        replace(storage_settings, backend="s3", s3_endpoint=f"http://127.0.0.1:{_closed_port()}")
    )
    assert isinstance(dead, S3Storage)
    store.client, dead.client = dead.client, store.client  # the writer now talks to a closed port
    try:
        with pytest.raises(StorageUnavailable):
            await writer.write(_payload(PART))
    finally:
        store.client, dead.client = dead.client, store.client
        await store.delete(key)
        await store.aclose()
        await dead.aclose()


def storage_bucket(store: RecordingStorage) -> str:
    assert isinstance(store, S3Storage)
    return store.bucket
