from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec

from roomsvc.types import Identity

MAX_RECIPIENTS = 100
# LiveKit's advice for one reliable data packet (larger ones are split, and SDKs may drop them).
MAX_MESSAGE_BYTES = 15 * 1024

Topic = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[A-Za-z0-9._:/-]{1,128}$",
        description="1-128 characters from A-Z a-z 0-9 . _ : / -; topics starting with `roomsvc.` are "
        "roomsvc's own (400 topic-reserved)",
        examples=["chat"],
    ),
]


class MessageIn(msgspec.Struct, forbid_unknown_fields=True):
    topic: Topic
    json: Annotated[
        Any,
        msgspec.Meta(
            description=f"the payload as any JSON value (sent JSON-encoded); give this or `text`. At most "
            f"{MAX_MESSAGE_BYTES} bytes once encoded, which the server counts (413 naming the field)",
            extra_json_schema={"x-max-bytes": MAX_MESSAGE_BYTES},
        ),
    ] = msgspec.UNSET
    text: (
        Annotated[
            str,
            msgspec.Meta(
                description="the payload as text (sent UTF-8); give this or `json`. At most "
                f"{MAX_MESSAGE_BYTES} bytes of UTF-8, which the server counts (413 naming the field)",
                extra_json_schema={"x-max-bytes": MAX_MESSAGE_BYTES},
            ),
        ]
        | msgspec.UnsetType
    ) = msgspec.UNSET
    reliable: Annotated[
        bool, msgspec.Meta(description="true: reliable, ordered (default); false: lossy, may be dropped")
    ] = True
    identities: (
        Annotated[
            list[Identity],
            msgspec.Meta(
                min_length=1,
                max_length=MAX_RECIPIENTS,
                description="only these identities receive it; leave out to send to everyone",
            ),
        ]
        | None
    ) = None


class MessageOut(msgspec.Struct):
    topic: str
    format: Literal["json", "text"]
    bytes: int
    reliable: bool
    everyone: bool
    recipients: list[str]
    sent_at: dt.datetime
