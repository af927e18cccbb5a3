"""Recording storage in a local directory (the dev default).

``<root>/<key>`` is a finished object and ``<root>/.meta/<key>.json`` its sidecar (size, sha256, content
type, partial). A writer streams into ``<root>/<key>.part``, flushing and fsyncing it at least every
``sync_interval`` seconds, so a killed process loses only the tail since the last sync; ``close`` renames
the file into place. ``recover`` finalizes a ``.part`` left by a writer that never closed.

Blocking file calls run in worker threads (``asyncio.to_thread``); every OSError becomes
:class:`StorageUnavailable` (a full disk, a missing mount, permissions), naming the key.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import structlog

from roomsvc.recordings.storage.interface import (
    META_PREFIX,
    PART_SUFFIX,
    InvalidRange,
    ObjectInfo,
    ObjectNotFound,
    StorageError,
    StorageUnavailable,
    StoredObject,
    check_range,
    validate_key,
)

log = structlog.get_logger("roomsvc.recordings")

CHUNK = 1024 * 1024
T = TypeVar("T")


async def _io(key: str, fn: Callable[..., T], *args: Any) -> T:
    try:
        return await asyncio.to_thread(fn, *args)
    except (ObjectNotFound, StorageError):
        raise
    except FileNotFoundError:
        raise ObjectNotFound(key) from None
    except OSError as exc:
        raise StorageUnavailable(
            f"local recording storage failed for {key!r}: {exc.strerror or exc}"
        ) from exc


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


class LocalWriter:
    def __init__(self, storage: LocalStorage, key: str, content_type: str, file: BinaryIO) -> None:
        self.key = key
        self._storage = storage
        self._content_type = content_type
        self._file: BinaryIO | None = file
        self._hash = hashlib.sha256()
        self._size = 0
        self._last_sync = time.monotonic()

    @property
    def size(self) -> int:
        return self._size

    def _open_file(self) -> BinaryIO:
        if self._file is None:
            raise StorageError(f"writer for {self.key!r} is already closed")
        return self._file

    def _sync(self, file: BinaryIO) -> None:
        file.flush()
        os.fsync(file.fileno())
        self._last_sync = time.monotonic()

    def _write(self, file: BinaryIO, chunk: bytes) -> None:
        file.write(chunk)
        if time.monotonic() - self._last_sync >= self._storage.sync_interval:
            self._sync(file)

    async def write(self, chunk: bytes) -> None:
        file = self._open_file()
        if not chunk:
            return
        self._hash.update(chunk)
        self._size += len(chunk)
        await _io(self.key, self._write, file, chunk)

    async def flush(self) -> None:
        await _io(self.key, self._sync, self._open_file())

    async def close(self) -> StoredObject:
        file = self._open_file()
        await _io(self.key, self._sync, file)
        file.close()
        self._file = None
        stored = StoredObject(
            key=self.key,
            size=self._size,
            sha256=self._hash.hexdigest(),
            location=self._storage.path(self.key).as_uri(),
            content_type=self._content_type,
        )
        await _io(self.key, self._storage.publish, stored)
        return stored

    async def abort(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        await _io(self.key, self._storage.discard, self.key)


class LocalStorage:
    kind = "local"

    def __init__(self, directory: str | os.PathLike[str], *, sync_interval: float = 2.0) -> None:
        self.root = Path(directory).absolute()
        self.sync_interval = sync_interval

    # --- paths ---

    def path(self, key: str) -> Path:
        return self.root / validate_key(key)

    def part_path(self, key: str) -> Path:
        return self.root / (validate_key(key) + PART_SUFFIX)

    def meta_path(self, key: str) -> Path:
        return self.root / (META_PREFIX + validate_key(key) + ".json")

    # --- blocking helpers (run in threads) ---

    def _open_part(self, key: str, content_type: str) -> BinaryIO:
        if self.path(key).exists():
            raise StorageError(f"{key!r} is already stored; delete it before writing it again")
        part = self.part_path(key)
        part.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Exclusive: a .part left by a writer that never closed is recoverable data, never overwritten.
            file = part.open("xb")
        except FileExistsError:
            raise StorageError(
                f"an unfinished writer left {key!r}.part; recover or delete the key before writing it again"
            ) from None
        self._write_meta(key, {"content_type": content_type, "state": "writing"})
        return file

    def _write_meta(self, key: str, data: dict[str, Any]) -> None:
        meta = self.meta_path(key)
        meta.parent.mkdir(parents=True, exist_ok=True)
        tmp = meta.with_name(meta.name + ".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, meta)

    def publish(self, stored: StoredObject) -> None:
        """Write the sidecar, then rename ``.part`` into place (the object appears complete or not at all)."""
        self._write_meta(
            stored.key,
            {
                "size": stored.size,
                "sha256": stored.sha256,
                "content_type": stored.content_type,
                "partial": stored.partial,
            },
        )
        target = self.path(stored.key)
        os.replace(self.part_path(stored.key), target)
        _fsync_dir(target.parent)

    def _read_meta(self, key: str) -> dict[str, Any]:
        try:
            data = json.loads(self.meta_path(key).read_text())
        except FileNotFoundError:
            return {}
        return data if isinstance(data, dict) else {}

    def _stat(self, key: str) -> ObjectInfo:
        size = self.path(key).stat().st_size
        meta = self._read_meta(key)
        return ObjectInfo(
            key=key,
            size=size,
            sha256=meta.get("sha256"),
            content_type=str(meta.get("content_type") or "application/octet-stream"),
            partial=bool(meta.get("partial", False)),
        )

    def _recover(self, key: str) -> StoredObject | None:
        self._check()  # "nothing to recover" must not be how an unusable directory answers
        part = self.part_path(key)
        if not part.exists():
            if not self.path(key).exists():
                return None
            info = self._stat(key)
            sha256 = info.sha256 or _hash_file(self.path(key))[1]
            return StoredObject(
                key, info.size, sha256, self.path(key).as_uri(), info.content_type, partial=info.partial
            )
        size, sha256 = _hash_file(part)
        stored = StoredObject(
            key=key,
            size=size,
            sha256=sha256,
            location=self.path(key).as_uri(),
            content_type=str(self._read_meta(key).get("content_type") or "application/octet-stream"),
            partial=True,
        )
        self.publish(stored)
        return stored

    def discard(self, key: str) -> None:
        """Remove what a writer left (its ``.part`` and the sidecar it started), never a finished object."""
        self.part_path(key).unlink(missing_ok=True)
        if not self.path(key).exists():
            self.meta_path(key).unlink(missing_ok=True)

    def _delete(self, key: str) -> None:
        for path in (self.path(key), self.part_path(key), self.meta_path(key)):
            path.unlink(missing_ok=True)

    def _open_read(self, key: str, start: int, end: int | None) -> tuple[BinaryIO, int]:
        file = self.path(key).open("rb")
        size = os.fstat(file.fileno()).st_size
        stop = size if end is None else min(end, size)
        whole = start == 0 and end is None  # an empty object reads as empty; any real range of it is not
        if not whole and start >= size and (end is None or end > start):
            file.close()
            raise InvalidRange(f"range start {start} is beyond the end of {key!r} ({size} bytes)")
        file.seek(start)
        return file, max(0, stop - start)

    def _check(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise PermissionError(13, f"{self.root} is not writable")

    # --- the interface ---

    async def open_writer(self, key: str, content_type: str) -> LocalWriter:
        validate_key(key)
        file = await _io(key, self._open_part, key, content_type)
        return LocalWriter(self, key, content_type, file)

    async def recover(self, key: str) -> StoredObject | None:
        validate_key(key)
        stored = await _io(key, self._recover, key)
        if stored is not None and stored.partial:
            log.info("recording_storage.recovered", storage="local", key=key, size=stored.size)
        return stored

    async def stat(self, key: str) -> ObjectInfo:
        validate_key(key)
        return await _io(key, self._stat, key)

    async def open_range(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        validate_key(key)
        check_range(start, end)
        file, length = await _io(key, self._open_read, key, start, end)
        return self._iterate(key, file, length)

    async def _iterate(self, key: str, file: BinaryIO, length: int) -> AsyncIterator[bytes]:
        try:
            while length > 0:
                chunk = await _io(key, file.read, min(CHUNK, length))
                if not chunk:
                    break
                length -= len(chunk)
                yield chunk
        finally:
            file.close()

    async def delete(self, key: str) -> None:
        validate_key(key)
        await _io(key, self._delete, key)

    async def presigned_url(self, key: str, ttl: int) -> str | None:
        validate_key(key)
        return None

    async def check(self) -> None:
        await _io(str(self.root), self._check)

    async def aclose(self) -> None:
        return None
