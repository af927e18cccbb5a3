"""The streaming writer of :mod:`.s3`: parts, checkpoints of the buffered tail, completion and abort.
See :mod:`.s3`'s docstring for the design."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from roomsvc.recordings.storage.interface import StorageError, StoredObject

PARTIAL_PREFIX = ".partial/"  # checkpoint objects: .partial/<key>/<offset in the object, 16 digits>
T = TypeVar("T")


class Bucket(Protocol):
    """What a writer uses of :class:`.s3.S3Storage` (a protocol, so that this module does not import it)."""

    bucket: str
    part_size: int
    client: Any

    async def call(self, key: str, fn: Callable[..., T], **kwargs: Any) -> T: ...

    async def delete_keys(self, key: str, names: list[str]) -> None: ...

    async def write_meta(self, stored: StoredObject) -> None: ...

    def location(self, key: str) -> str: ...

    def meta_key(self, key: str) -> str: ...


class S3Writer:
    def __init__(self, storage: Bucket, key: str, content_type: str, *, checkpoint_interval: float) -> None:
        self.key = key
        self._storage = storage
        self._content_type = content_type
        self._checkpoint_interval = checkpoint_interval
        self._hash = hashlib.sha256()
        self._size = 0
        self._buffer = bytearray()
        self._base = 0  # bytes of the object already in uploaded parts
        self._checkpointed = 0  # bytes of the buffer already in checkpoint objects
        self._checkpoints: list[tuple[int, int, str]] = []  # (offset, length, object key)
        self._last_checkpoint = time.monotonic()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self._done = False

    @property
    def size(self) -> int:
        return self._size

    def _check_open(self) -> None:
        if self._done:
            raise StorageError(f"writer for {self.key!r} is already closed")

    async def _upload_part(self, data: bytes) -> None:
        s3 = self._storage
        if self._upload_id is None:
            created = await s3.call(
                self.key,
                s3.client.create_multipart_upload,
                Bucket=s3.bucket,
                Key=self.key,
                ContentType=self._content_type,
            )
            self._upload_id = str(created["UploadId"])
        number = len(self._parts) + 1
        answer = await s3.call(
            self.key,
            s3.client.upload_part,
            Bucket=s3.bucket,
            Key=self.key,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=data,
        )
        self._parts.append({"PartNumber": number, "ETag": answer["ETag"]})

    async def _drop_checkpoints(self, upto: int | None = None) -> None:
        """Delete the checkpoints that parts now cover (all of them when ``upto`` is None)."""
        covered = [c for c in self._checkpoints if upto is None or c[0] + c[1] <= upto]
        if not covered:
            return
        self._checkpoints = [c for c in self._checkpoints if c not in covered]
        await self._storage.delete_keys(self.key, [c[2] for c in covered])

    async def write(self, chunk: bytes) -> None:
        self._check_open()
        if not chunk:
            return
        self._hash.update(chunk)
        self._size += len(chunk)
        self._buffer += chunk
        part_size = self._storage.part_size
        while len(self._buffer) >= part_size:
            await self._upload_part(bytes(self._buffer[:part_size]))
            del self._buffer[:part_size]
            self._base += part_size
            self._checkpointed = max(0, self._checkpointed - part_size)
            await self._drop_checkpoints(self._base)
        if time.monotonic() - self._last_checkpoint >= self._checkpoint_interval:
            await self.flush()

    async def flush(self) -> None:
        self._check_open()
        self._last_checkpoint = time.monotonic()
        fresh = bytes(self._buffer[self._checkpointed :])
        if not fresh:
            return
        offset = self._base + self._checkpointed
        name = f"{PARTIAL_PREFIX}{self.key}/{offset:016d}"
        s3 = self._storage
        await s3.call(self.key, s3.client.put_object, Bucket=s3.bucket, Key=name, Body=fresh)
        self._checkpoints.append((offset, len(fresh), name))
        self._checkpointed = len(self._buffer)

    async def close(self) -> StoredObject:
        self._check_open()
        s3 = self._storage
        sha256 = self._hash.hexdigest()
        if self._upload_id is None:
            await s3.call(
                self.key,
                s3.client.put_object,
                Bucket=s3.bucket,
                Key=self.key,
                Body=bytes(self._buffer),
                ContentType=self._content_type,
                Metadata={"sha256": sha256},
            )
        else:
            if self._buffer:
                await self._upload_part(bytes(self._buffer))
            await s3.call(
                self.key,
                s3.client.complete_multipart_upload,
                Bucket=s3.bucket,
                Key=self.key,
                UploadId=self._upload_id,
                MultipartUpload={"Parts": self._parts},
            )
        self._done = True
        self._buffer.clear()
        stored = StoredObject(self.key, self._size, sha256, s3.location(self.key), self._content_type)
        await s3.write_meta(stored)
        await self._drop_checkpoints()
        return stored

    async def abort(self) -> None:
        self._done = True
        self._buffer.clear()
        s3 = self._storage
        if self._upload_id is not None:
            await s3.call(
                self.key,
                s3.client.abort_multipart_upload,
                Bucket=s3.bucket,
                Key=self.key,
                UploadId=self._upload_id,
            )
            self._upload_id = None
        await self._drop_checkpoints()
        await s3.delete_keys(self.key, [s3.meta_key(self.key)])
