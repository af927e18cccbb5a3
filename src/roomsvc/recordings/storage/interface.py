"""The one storage interface recordings are written to and read from, its value types and errors.

Two implementations follow it: :mod:`.local` (a directory) and :mod:`.s3` (an S3-compatible bucket, with
multipart upload). docs/recording.md#storage describes the design, recovery of unfinished writers
included.

Keys are built by the caller (e.g. ``default/rec_01J…/room.ogg``); :func:`validate_key` refuses anything
that could escape the storage root or that a filesystem or S3 would treat specially. Names starting
with a dot are refused, so the storage's own ``.meta/`` (hash sidecars) and ``.partial/`` (S3 checkpoints)
prefixes never collide with a caller's key.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from roomsvc.errors import NotFound, StorageUnavailable

__all__ = [
    "InvalidKey",
    "InvalidRange",
    "ObjectInfo",
    "ObjectNotFound",
    "RecordingStorage",
    "StorageError",
    "StorageUnavailable",
    "StorageWriter",
    "StoredObject",
    "validate_key",
]

MAX_KEY_LENGTH = 512
PART_SUFFIX = ".part"  # the local in-progress file of a key, and so a suffix no key may have
META_PREFIX = ".meta/"  # sidecar JSON per object: size, sha256, content type, partial
_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9._=-]*"
_KEY = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")


class StorageError(Exception):
    """Storage refused an operation for a reason that is neither an outage nor a missing object."""


class InvalidKey(StorageError, ValueError):
    """The key is not one storage accepts (``..``, absolute, odd characters, too long)."""


class InvalidRange(StorageError, ValueError):
    """The requested byte range starts at or beyond the end of the object (HTTP 416)."""


class ObjectNotFound(NotFound):
    """No stored object under this key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no stored recording file under key {key!r}", code="recording-file-not-found")
        self.key = key


def validate_key(key: str) -> str:
    """Return ``key`` if storage accepts it, else raise :class:`InvalidKey`.

    A key is ``/``-separated segments of letters, digits and ``. _ = -``, each starting with a letter or
    digit; no ``..``, no leading ``/``, no empty segment, at most 512 characters, not ending in ``.part``.
    """
    if not isinstance(key, str) or not key:
        raise InvalidKey("storage key must be a non-empty string")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidKey(f"storage key is longer than {MAX_KEY_LENGTH} characters")
    if ".." in key or key.startswith("/") or not _KEY.fullmatch(key) or key.endswith(PART_SUFFIX):
        raise InvalidKey(
            f"storage key {key!r} is not allowed: use '/'-separated segments of letters, digits and "
            "'._=-' that start with a letter or digit, without '..' and not ending in '.part'"
        )
    return key


@dataclass(frozen=True)
class StoredObject:
    """A finished object: what a closed (or recovered) writer stored."""

    key: str
    size: int
    sha256: str  # hex digest of the whole object
    location: str  # file:///abs/path or s3://bucket/key: for operators and events, not for downloads
    content_type: str
    partial: bool = False  # finalized by recover() from what an unfinished writer left


@dataclass(frozen=True)
class ObjectInfo:
    """What :meth:`RecordingStorage.stat` knows about a stored object."""

    key: str
    size: int
    sha256: str | None  # None only for an object written by someone else (no sidecar, no metadata)
    content_type: str
    partial: bool = False


class StorageWriter(Protocol):
    """A streaming writer for one key. Chunks are hashed as they arrive; nothing is visible under the key
    until :meth:`close`. Data already written survives a crash of the writing process up to the last
    flush (automatic every few seconds, or :meth:`flush`); :meth:`RecordingStorage.recover` finalizes it.
    """

    key: str

    @property
    def size(self) -> int:
        """Bytes written so far."""
        ...

    async def write(self, chunk: bytes) -> None: ...

    async def flush(self) -> None:
        """Make everything written so far durable (recoverable after a crash) now."""
        ...

    async def close(self) -> StoredObject:
        """Finish the object: it appears under its key with its sha256; the writer is then done."""
        ...

    async def abort(self) -> None:
        """Throw everything away: no object, no pending upload, no recoverable rest."""
        ...


class RecordingStorage(Protocol):
    """Where recording files live. Every method raises :class:`StorageUnavailable` (503) quickly when
    the storage cannot be reached, :class:`ObjectNotFound` (404) for a missing key and
    :class:`InvalidKey` for a key :func:`validate_key` refuses."""

    kind: str  # "local" or "s3"

    async def open_writer(self, key: str, content_type: str) -> StorageWriter: ...

    async def recover(self, key: str) -> StoredObject | None:
        """Finalize what an unfinished writer of ``key`` left (marked ``partial``); the object itself when
        it is already complete; None when there is nothing under the key at all."""
        ...

    async def stat(self, key: str) -> ObjectInfo: ...

    async def open_range(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Bytes ``start`` (inclusive) to ``end`` (exclusive; None: to the end), like a slice. An ``end``
        past the object is cut to its size; a ``start`` at or past the end of a non-empty range raises
        :class:`InvalidRange`. The object is opened before this returns, so a missing key raises here,
        not in the middle of a response."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object, its sidecar and anything an unfinished writer left; a missing key is fine."""
        ...

    async def presigned_url(self, key: str, ttl: int) -> str | None:
        """A URL that downloads the object for ``ttl`` seconds without credentials, or None when this
        storage has none (local: the API streams the file instead)."""
        ...

    async def check(self) -> None:
        """Raise :class:`StorageUnavailable` unless the storage is reachable and usable (health check)."""
        ...

    async def aclose(self) -> None: ...


def check_range(start: int, end: int | None) -> None:
    if start < 0 or (end is not None and end < start):
        raise InvalidRange(f"invalid byte range start={start} end={end}")
