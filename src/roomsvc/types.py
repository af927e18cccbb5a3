"""Constrained input types shared by the request schemas: names, identities, metadata, pagination.

Charsets are documented in docs/api.md: room names ``[A-Za-z0-9._-]`` (1-128), identities
``[A-Za-z0-9._@:+-]`` (1-128). Anything else (spaces, slashes, non-ASCII letters, control characters)
is refused with 400 naming the field, because these strings travel in URLs, JWT claims and LiveKit APIs.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import msgspec

from roomsvc.errors import BadRequest

ROOM_NAME_PATTERN = r"^[A-Za-z0-9._-]{1,128}$"
IDENTITY_PATTERN = r"^[A-Za-z0-9._@:+-]{1,128}$"
DEFAULT_PROJECT = "default"
LIVEKIT_NAME_SEPARATOR = "~"  # never in a room name (ROOM_NAME_PATTERN) nor a project id


def livekit_room_name(project: str, name: str) -> str:
    """LiveKit's name for room ``name`` of project ``project``: ``<project>~<name>``, so two projects'
    rooms never collide in LiveKit. The default project's rooms keep their bare name (the rooms made before
    projects existed are in LiveKit under it; no other project's room name lacks the separator)."""
    return name if project == DEFAULT_PROJECT else f"{project}{LIVEKIT_NAME_SEPARATOR}{name}"


def split_livekit_room_name(livekit_name: str) -> tuple[str, str]:
    """The inverse of :func:`livekit_room_name`: ``(project, room name)``."""
    project, separator, name = livekit_name.partition(LIVEKIT_NAME_SEPARATOR)
    return (project, name) if separator else (DEFAULT_PROJECT, livekit_name)


MAX_METADATA_BYTES = 16 * 1024
MAX_ATTRIBUTES = 32

RoomName = Annotated[
    str,
    msgspec.Meta(
        pattern=ROOM_NAME_PATTERN,
        description="1-128 characters from A-Z a-z 0-9 . _ -",
        examples=["standup-42"],
    ),
]
Identity = Annotated[
    str,
    msgspec.Meta(
        pattern=IDENTITY_PATTERN,
        description="1-128 characters from A-Z a-z 0-9 . _ @ : + -",
        examples=["alice"],
    ),
]
ShortText = Annotated[str, msgspec.Meta(max_length=128)]
Reason = Annotated[str, msgspec.Meta(max_length=256)]
Actor = Annotated[Identity, msgspec.Meta(description="the identity acting (room owner or admin)")]
Limit = Annotated[int, msgspec.Meta(ge=1, le=100)]
AttributeKey = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
AttributeValue = Annotated[str, msgspec.Meta(max_length=1024)]
Attributes = Annotated[dict[AttributeKey, AttributeValue], msgspec.Meta(max_length=MAX_ATTRIBUTES)]
Metadata = Annotated[
    Any,
    msgspec.Meta(
        description=f"a string, or any JSON value (stored JSON-encoded); at most {MAX_METADATA_BYTES} bytes "
        "of UTF-8 once encoded, which the server counts (400 naming the field) and JSON Schema cannot",
        extra_json_schema={"x-max-bytes": MAX_METADATA_BYTES},
    ),
]

_json_encoder = msgspec.json.Encoder()


def metadata_text(value: Any, field: str = "metadata") -> str:
    """Metadata may be a string or any JSON value; LiveKit carries it as a string, size-limited."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else _json_encoder.encode(value).decode()
    if len(text.encode()) > MAX_METADATA_BYTES:
        raise BadRequest(f"`{field}` is larger than {MAX_METADATA_BYTES} bytes", field=field)
    return text


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _, value = raw.partition(":")
        if version != "v1":
            raise ValueError(version)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadRequest("`cursor` is not a cursor this API returned", field="cursor") from None


_MaybeTime = TypeVar("_MaybeTime", bound=dt.datetime | None)


def require_aware(value: _MaybeTime, field: str) -> _MaybeTime:
    """A query-string time must carry its offset (naive times are ambiguous) and exist in UTC (an offset
    can push ``0001-01-01`` before year 1): 400 naming the field otherwise."""
    if value is None:
        return value
    if value.tzinfo is None:
        raise BadRequest(f"`{field}` needs a time zone offset, e.g. 2026-01-01T00:00:00Z", field=field)
    try:
        value.astimezone(dt.UTC)
    except OverflowError:
        raise BadRequest(f"`{field}` is out of range once converted to UTC", field=field) from None
    return value


def iso(value: dt.datetime | None) -> str | None:
    """An aware datetime as ISO 8601 with ``Z`` (event payloads), None stays None."""
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


_S = TypeVar("_S", bound=msgspec.Struct)


def to_struct(cls: type[_S], source: object, /, **values: Any) -> _S:
    """A response struct from a row: each field is the row's attribute of the same name, unless given.

    The one way mappers shape rows for the outside; they pass only the fields that differ.
    """
    for name in cls.__struct_fields__:
        if name not in values:
            values[name] = getattr(source, name)
    return cls(**values)


@dataclass(frozen=True)
class Page:
    """Which page of a newest-first listing: the cursor of the previous page's last item, and its size."""

    cursor: str | None = None
    limit: int = 50
