"""Participants (our row merged with LiveKit's live view) and admissions → API responses."""

from __future__ import annotations

import json

from roomsvc.livekit import LiveKitParticipant
from roomsvc.participants.models import Participant
from roomsvc.participants.schemas import GrantsOut, JoinResponse, ParticipantOut, TrackOut
from roomsvc.participants.service import Admission, Presence


def join_response(admission: Admission, url: str) -> JoinResponse:
    return JoinResponse(
        token=admission.token,
        url=url,
        identity=admission.identity,
        room=admission.room,
        role=admission.role,  # type: ignore[arg-type]
        grants=GrantsOut(**admission.grants.to_dict()),
        expires_at=admission.expires_at,
    )


def participant_out(presence: Presence) -> ParticipantOut:
    return _merge(presence.row, presence.live)


def _merge(row: Participant | None, live: LiveKitParticipant | None) -> ParticipantOut:
    assert row is not None or live is not None
    tracks = (
        [TrackOut(sid=t.sid, kind=t.kind, source=t.source, muted=t.muted) for t in live.tracks]
        if live
        else []
    )
    if row is None:
        assert live is not None
        return ParticipantOut(
            identity=live.identity,
            name=live.name,
            role=None,
            state="joined",
            connected=True,
            metadata=live.metadata,
            attributes=live.attributes,
            livekit_sid=live.sid,
            joined_at=live.joined_at,
            left_at=None,
            tracks=tracks,
        )
    state = "joined" if live else ("left" if row.state == "joined" else row.state)
    return ParticipantOut(
        identity=row.identity,
        name=row.name,
        role=row.role,  # type: ignore[arg-type]
        state=state,  # type: ignore[arg-type]
        connected=live is not None,
        metadata=row.participant_metadata,
        attributes=json.loads(row.attributes or "{}"),
        livekit_sid=live.sid if live else row.livekit_sid,
        joined_at=(live.joined_at if live else None) or row.joined_at,
        left_at=None if live else row.left_at,
        tracks=tracks,
    )
