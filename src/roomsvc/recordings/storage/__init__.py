"""Recording storage behind one interface (:class:`RecordingStorage`): a local directory or an
S3-compatible bucket, chosen by ``ROOMSVC_RECORDING_STORAGE``. See docs/recording.md#storage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roomsvc.config import RecordingStorageSettings
from roomsvc.recordings.storage.interface import (
    InvalidKey,
    InvalidRange,
    ObjectInfo,
    ObjectNotFound,
    RecordingStorage,
    StorageError,
    StorageUnavailable,
    StorageWriter,
    StoredObject,
    validate_key,
)
from roomsvc.recordings.storage.local import LocalStorage

if TYPE_CHECKING:
    from roomsvc.recordings.storage.s3 import S3Storage

__all__ = [
    "InvalidKey",
    "InvalidRange",
    "LocalStorage",
    "ObjectInfo",
    "ObjectNotFound",
    "RecordingStorage",
    "S3Storage",
    "StorageError",
    "StorageUnavailable",
    "StorageWriter",
    "StoredObject",
    "create_storage",
    "validate_key",
]


def create_storage(settings: RecordingStorageSettings) -> RecordingStorage:
    """The storage ``settings`` name. Cheap (no network): call :meth:`RecordingStorage.check` to probe it,
    and :meth:`RecordingStorage.aclose` when done."""
    if settings.backend == "s3":
        from roomsvc.recordings.storage.s3 import S3Storage  # boto3 costs ≈ 1 s of import: only when chosen

        return S3Storage(
            endpoint=settings.s3_endpoint,
            region=settings.s3_region,
            bucket=settings.s3_bucket,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            part_size=settings.s3_part_size,
        )
    return LocalStorage(settings.directory)


def __getattr__(name: str) -> Any:
    """``S3Storage`` on first use: every process imports this package, few use S3 (boto3 is slow)."""
    if name == "S3Storage":
        from roomsvc.recordings.storage.s3 import S3Storage

        return S3Storage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
