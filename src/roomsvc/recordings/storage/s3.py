"""Recording storage in an S3-compatible bucket (AWS S3, versitygw in the dev stack, …), with boto3.

Writing. A writer buffers chunks and hashes them as they arrive. Whenever the buffer reaches the part
size (``ROOMSVC_S3_PART_SIZE``, >= 5 MiB) it starts a multipart upload (once) and uploads one part;
``close`` uploads the rest as the last part and completes the upload, or sends one PutObject when the
whole object stayed under one part. ``abort`` aborts the multipart upload.

Crash safety. Parts already uploaded are durable in the bucket, but S3 keeps them invisible until the
upload is completed, and the buffer (up to one part) lives only in the writer's memory. So every
``checkpoint_interval`` seconds (and on ``flush``) the writer also stores the bytes buffered since its
last checkpoint as a small object ``.partial/<key>/<offset>`` (offset in the whole object, 16 digits),
and deletes those a finished part covers. :meth:`S3Storage.recover` then rebuilds the object on any
machine: the newest unfinished upload of the key (``ListMultipartUploads``), its parts (``ListParts``),
the checkpointed tail after them uploaded as the last part, ``CompleteMultipartUpload``; or one
PutObject of the checkpoints when no part was uploaded. A killed writer so loses at most the last
checkpoint interval. Buckets should still carry a lifecycle rule that aborts incomplete multipart
uploads after a few days, for writers nobody recovers.

Hashes. The sha256 of the whole object is stored as object metadata (``x-amz-meta-sha256``) when the
object is written with one PutObject, and always in the sidecar ``.meta/<key>.json`` (S3 cannot add
metadata to a completed multipart upload without copying it).

Failures. boto3 calls run in worker threads with a short connect timeout and a bounded number of
retries, so an unreachable endpoint fails with :class:`StorageUnavailable` within seconds, never hangs.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import boto3
import structlog
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from roomsvc.recordings.storage.interface import (
    META_PREFIX,
    InvalidRange,
    ObjectInfo,
    ObjectNotFound,
    StorageError,
    StorageUnavailable,
    StoredObject,
    check_range,
    validate_key,
)
from roomsvc.recordings.storage.s3_writer import PARTIAL_PREFIX, S3Writer

log = structlog.get_logger("roomsvc.recordings")

MIN_PART_SIZE = 5 * 1024 * 1024
CHUNK = 1024 * 1024
T = TypeVar("T")
_NOT_FOUND = {"NoSuchKey", "NotFound", "404", "NoSuchUpload"}


def _translate(exc: Exception, key: str) -> Exception:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in _NOT_FOUND:
            return ObjectNotFound(key)
        if code == "InvalidRange" or status == 416:
            return InvalidRange(f"the requested range is beyond the end of {key!r}")
        return StorageUnavailable(
            f"S3 refused the call for {key!r}: {code or status} {error.get('Message', '')}"
        )
    if isinstance(exc, BotoCoreError):
        return StorageUnavailable(f"S3 storage is unreachable ({type(exc).__name__}: {exc})")
    return exc


class S3Storage:
    kind = "s3"

    def __init__(
        self,
        *,
        endpoint: str,
        region: str,
        bucket: str,
        access_key: str,
        secret_key: str,
        part_size: int,
        connect_timeout: float = 3.0,
        read_timeout: float = 30.0,
        max_attempts: int = 3,
        checkpoint_interval: float = 5.0,
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part_size must be >= {MIN_PART_SIZE} bytes (S3's minimum part size)")
        self.bucket = bucket
        self.part_size = part_size
        self.checkpoint_interval = checkpoint_interval
        config = Config(
            region_name=region,
            signature_version="s3v4",
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"max_attempts": max_attempts, "mode": "standard"},
            s3={"addressing_style": "path"},
            # Checksums only where S3 requires them: S3-compatible servers differ in the newer ones.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        self.client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint or None,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=config,
        )

    # --- helpers ---

    def location(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"

    @staticmethod
    def meta_key(key: str) -> str:
        return f"{META_PREFIX}{key}.json"

    async def call(self, key: str, fn: Callable[..., T], **kwargs: Any) -> T:
        """One boto3 call in a worker thread, its errors translated (see :func:`_translate`)."""
        try:
            return await asyncio.to_thread(fn, **kwargs)
        except (ClientError, BotoCoreError) as exc:
            raise _translate(exc, key) from exc

    async def delete_keys(self, key: str, names: list[str]) -> None:
        # One DeleteObject per key: DeleteObjects needs Content-MD5, which not every S3 clone accepts.
        for name in names:
            await self.call(key, self.client.delete_object, Bucket=self.bucket, Key=name)

    async def write_meta(self, stored: StoredObject) -> None:
        body = {
            "size": stored.size,
            "sha256": stored.sha256,
            "content_type": stored.content_type,
            "partial": stored.partial,
        }
        await self.call(
            stored.key,
            self.client.put_object,
            Bucket=self.bucket,
            Key=self.meta_key(stored.key),
            Body=json.dumps(body).encode(),
            ContentType="application/json",
        )

    async def _read_meta(self, key: str) -> dict[str, Any]:
        try:
            answer = await self.call(key, self.client.get_object, Bucket=self.bucket, Key=self.meta_key(key))
        except ObjectNotFound:
            return {}
        body = await asyncio.to_thread(answer["Body"].read)
        try:
            data = json.loads(body)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    async def _list(self, key: str, method: str, result: str, **kwargs: Any) -> list[dict[str, Any]]:
        paginator = self.client.get_paginator(method)

        def collect() -> list[dict[str, Any]]:
            return [item for page in paginator.paginate(**kwargs) for item in page.get(result, [])]

        return await self.call(key, collect)

    async def _uploads(self, key: str) -> list[dict[str, Any]]:
        """Unfinished multipart uploads of exactly ``key``, oldest first."""
        uploads = await self._list(key, "list_multipart_uploads", "Uploads", Bucket=self.bucket, Prefix=key)
        return sorted((u for u in uploads if u.get("Key") == key), key=lambda u: u.get("Initiated") or 0)

    async def _checkpoints(self, key: str) -> list[tuple[int, str]]:
        prefix = f"{PARTIAL_PREFIX}{key}/"
        found = await self._list(key, "list_objects_v2", "Contents", Bucket=self.bucket, Prefix=prefix)
        offsets = []
        for item in found:
            rest = str(item["Key"])[len(prefix) :]
            if rest.isdigit():
                offsets.append((int(rest), str(item["Key"])))
        return sorted(offsets)

    async def _get_bytes(self, key: str, name: str) -> bytes:
        answer = await self.call(key, self.client.get_object, Bucket=self.bucket, Key=name)
        return bytes(await self.call(key, answer["Body"].read))

    async def _tail(self, key: str, checkpoints: list[tuple[int, str]], start: int) -> bytes:
        """The checkpointed bytes from ``start`` on, up to the first gap."""
        tail = bytearray()
        cursor = start
        for offset, name in checkpoints:
            if offset > cursor:
                break  # a gap: nothing after it can be placed
            data = await self._get_bytes(key, name)
            if offset + len(data) > cursor:
                tail += data[cursor - offset :]
                cursor = offset + len(data)
        return bytes(tail)

    async def _hash_object(self, key: str) -> tuple[int, str]:
        digest = hashlib.sha256()
        size = 0
        async for chunk in await self.open_range(key):
            digest.update(chunk)
            size += len(chunk)
        return size, digest.hexdigest()

    # --- the interface ---

    async def open_writer(self, key: str, content_type: str) -> S3Writer:
        validate_key(key)
        try:
            await self.call(key, self.client.head_object, Bucket=self.bucket, Key=key)
        except ObjectNotFound:
            pass
        else:
            raise StorageError(f"{key!r} is already stored; delete it before writing it again")
        # The sidecar names the content type now, so that recover() knows it after a crash.
        await self.call(
            key,
            self.client.put_object,
            Bucket=self.bucket,
            Key=self.meta_key(key),
            Body=json.dumps({"content_type": content_type, "state": "writing"}).encode(),
            ContentType="application/json",
        )
        return S3Writer(self, key, content_type, checkpoint_interval=self.checkpoint_interval)

    async def recover(self, key: str) -> StoredObject | None:
        validate_key(key)
        uploads = await self._uploads(key)
        checkpoints = await self._checkpoints(key)
        if not uploads and not checkpoints:
            try:
                info = await self.stat(key)
            except ObjectNotFound:
                return None
            sha256 = info.sha256 or (await self._hash_object(key))[1]
            return StoredObject(key, info.size, sha256, self.location(key), info.content_type, info.partial)
        meta = await self._read_meta(key)
        content_type = str(meta.get("content_type") or "application/octet-stream")
        newest = uploads[-1] if uploads else None
        for stale in uploads[:-1]:
            await self._abort(key, str(stale["UploadId"]))
        parts: list[dict[str, Any]] = []
        if newest is not None:
            listed = await self._list(
                key, "list_parts", "Parts", Bucket=self.bucket, Key=key, UploadId=newest["UploadId"]
            )
            for part in sorted(listed, key=lambda p: int(p["PartNumber"])):
                if int(part["PartNumber"]) != len(parts) + 1:
                    break  # a gap in the numbering: later parts cannot be placed
                parts.append(part)
        tail = await self._tail(key, checkpoints, sum(int(p["Size"]) for p in parts))
        if newest is not None and parts:
            upload_id = str(newest["UploadId"])
            chosen = [{"PartNumber": int(p["PartNumber"]), "ETag": p["ETag"]} for p in parts]
            if tail:
                answer = await self.call(
                    key,
                    self.client.upload_part,
                    Bucket=self.bucket,
                    Key=key,
                    UploadId=upload_id,
                    PartNumber=len(parts) + 1,
                    Body=tail,
                )
                chosen.append({"PartNumber": len(parts) + 1, "ETag": answer["ETag"]})
            await self.call(
                key,
                self.client.complete_multipart_upload,
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": chosen},
            )
        else:
            if newest is not None:
                await self._abort(key, str(newest["UploadId"]))
            if not tail:
                await self.delete_keys(key, [name for _, name in checkpoints] + [self.meta_key(key)])
                return None
            await self.call(
                key,
                self.client.put_object,
                Bucket=self.bucket,
                Key=key,
                Body=tail,
                ContentType=content_type,
                Metadata={"sha256": hashlib.sha256(tail).hexdigest()},
            )
        size, sha256 = await self._hash_object(key)
        stored = StoredObject(key, size, sha256, self.location(key), content_type, partial=True)
        await self.write_meta(stored)
        await self.delete_keys(key, [name for _, name in checkpoints])
        log.info("recording_storage.recovered", storage="s3", key=key, size=size, parts=len(parts))
        return stored

    async def _abort(self, key: str, upload_id: str) -> None:
        with contextlib.suppress(ObjectNotFound):  # already gone
            await self.call(
                key, self.client.abort_multipart_upload, Bucket=self.bucket, Key=key, UploadId=upload_id
            )

    async def stat(self, key: str) -> ObjectInfo:
        validate_key(key)
        head = await self.call(key, self.client.head_object, Bucket=self.bucket, Key=key)
        metadata = {k.lower(): v for k, v in (head.get("Metadata") or {}).items()}
        sidecar = await self._read_meta(key)
        return ObjectInfo(
            key=key,
            size=int(head["ContentLength"]),
            sha256=metadata.get("sha256") or sidecar.get("sha256"),
            content_type=str(head.get("ContentType") or "application/octet-stream"),
            partial=bool(sidecar.get("partial", False)),
        )

    async def open_range(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        validate_key(key)
        check_range(start, end)
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if end is not None and end == start:
            await self.call(key, self.client.head_object, **kwargs)  # still a 404 for a missing key
            return self._iterate(key, None)
        if start or end is not None:
            kwargs["Range"] = f"bytes={start}-{'' if end is None else end - 1}"
        answer = await self.call(key, self.client.get_object, **kwargs)
        return self._iterate(key, answer["Body"])

    async def _iterate(self, key: str, body: Any) -> AsyncIterator[bytes]:
        if body is None:
            return
        try:
            while chunk := await self.call(key, body.read, amt=CHUNK):
                yield bytes(chunk)
        finally:
            body.close()

    async def delete(self, key: str) -> None:
        validate_key(key)
        for upload in await self._uploads(key):
            await self._abort(key, str(upload["UploadId"]))
        checkpoints = await self._checkpoints(key)
        await self.delete_keys(key, [key, self.meta_key(key)] + [name for _, name in checkpoints])

    async def presigned_url(self, key: str, ttl: int) -> str | None:
        validate_key(key)
        url = await self.call(
            key,
            self.client.generate_presigned_url,
            ClientMethod="get_object",
            Params={"Bucket": self.bucket, "Key": key},
            ExpiresIn=ttl,
        )
        return str(url)

    async def check(self) -> None:
        try:
            await self.call(self.bucket, self.client.head_bucket, Bucket=self.bucket)
        except ObjectNotFound:
            raise StorageUnavailable(f"S3 bucket {self.bucket!r} does not exist") from None

    async def aclose(self) -> None:
        await asyncio.to_thread(self.client.close)
