"""Moderation rows and state → API responses (the one place moderation is shaped for the outside)."""

from __future__ import annotations

import msgspec

from roomsvc.moderation.models import AuditEntry, Ban
from roomsvc.moderation.schemas import AuditOut, BanOut, ModerationStatus, MuteOut
from roomsvc.moderation.status import ModerationState
from roomsvc.types import to_struct


def ban_out(ban: Ban) -> BanOut:
    return to_struct(BanOut, ban, permanent=ban.expires_at is None)


def status_out(state: ModerationState) -> ModerationStatus:
    return to_struct(
        ModerationStatus,
        state,
        is_muted=bool(state.mutes),
        muted_sources=sorted(state.mutes),
        mutes=[MuteOut(source=s, expires_at=e) for s, e in sorted(state.mutes.items())],
    )


def audit_out(entry: AuditEntry) -> AuditOut:
    return to_struct(AuditOut, entry, params=msgspec.json.decode(entry.params))
