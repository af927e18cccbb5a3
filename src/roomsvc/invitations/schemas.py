from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from roomsvc.types import Attributes, Identity, Metadata, ShortText

InviteRole = Literal["admin", "member", "audience"]
InvitationStatus = Literal["pending", "accepted", "declined", "revoked", "expired"]


class InvitationCreate(msgspec.Struct, forbid_unknown_fields=True):
    identities: Annotated[list[Identity], msgspec.Meta(min_length=1, max_length=100)]
    role: Annotated[
        InviteRole,
        msgspec.Meta(
            description="`admin` needs the moderation scope and `actor` (the room's owner); with rooms:write"
            " an invitation carries at most `member`"
        ),
    ] = "member"
    actor: Annotated[
        Identity | None,
        msgspec.Meta(description="the identity inviting; required (the room's owner) for `role: admin`"),
    ] = None
    expires_in: Annotated[int, msgspec.Meta(ge=60, le=30 * 86_400, description="seconds")] = 86_400


class InvitationOut(msgspec.Struct):
    id: str
    room: str
    identity: str
    role: InviteRole
    status: InvitationStatus
    expires_at: dt.datetime
    created_at: dt.datetime
    responded_at: dt.datetime | None


class InvitationList(msgspec.Struct):
    items: list[InvitationOut]
    # The listing's next page (null on the last page, and in the response of a create).
    next_cursor: str | None = None


class InvitationAccept(msgspec.Struct, forbid_unknown_fields=True):
    name: ShortText = ""
    metadata: Metadata = None
    attributes: Attributes | None = None
    ttl: Annotated[int, msgspec.Meta(ge=30, le=86_400)] | None = None
