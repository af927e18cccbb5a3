"""Facts about calls, recorded so that the order and repetition of webhooks do not matter.

LiveKit's webhooks arrive duplicated, out of order (ordering holds only per resource) and sometimes not
at all. Every function here therefore records a *fact* keyed by LiveKit's own ids — room sid, participant
sid, track sid — and sets each field only the first time it is learned, with one precedence rule: a time
LiveKit reported (``source="event"``) replaces one we inferred (room finished, reconciliation), never the
reverse. Any permutation of the same events therefore yields the same rows, and a ``participant_left``
for an older sid can never close the newer session of a quick reconnect.

Derived state — the membership row's ``state``, the room's ``status`` — is computed from the session
rows after each fact, never accumulated. The session's peak is kept incrementally while joins come in
order (a join at or after ``latest_joined_at`` raises it to the count of who is present then, an index
read of the sessions still present) and recomputed from every session when a fact lands before that
watermark (a late join, a leave that ends before it): the same number either way, in O(present) per
event in the common case instead of O(sessions) (issue 14). Each fact emits its event exactly once: when
the field is first set. Callers hold the room's row lock (``SELECT … FOR UPDATE``), so facts for one room
apply one at a time across all API and jobs instances.

Every function takes an optional :class:`roomsvc.calls.batch.Batch` (the webhook applier's): with it,
the reads are answered from the rows the batch loaded up front and the writes whose ids nothing needs
(new sessions and tracks, events and their deliveries, membership rows) wait for the batch's one flush;
without it (reconciliation, one event at a time), each read is a query. The rules are the same code.
A peak a fact makes stale is recomputed once per batch, at its end, for all such room sessions in one
query (``Batch.recompute``); the recomputation gives the same number the steps one by one would leave.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import distinct, func, or_, select, update
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.agents import service as agent_service
from roomsvc.calls.batch import Batch, flush, peaks
from roomsvc.calls.models import ParticipantSession, RoomSession, Track
from roomsvc.db import utcnow
from roomsvc.events import service as events
from roomsvc.events.service import Outbox
from roomsvc.events.types import EventType
from roomsvc.moderation import permissions
from roomsvc.participants.models import Participant
from roomsvc.recordings import service as recording_service
from roomsvc.rooms import service as room_service
from roomsvc.rooms.models import Room
from roomsvc.seats import service as seat_service
from roomsvc.types import iso

Source = Literal["event", "inferred"]
INFERRED_REASONS = frozenset({"room_finished", "reconciled"})


@dataclass(frozen=True)
class ParticipantFact:
    sid: str
    identity: str
    name: str = ""
    kind: str = "standard"
    joined_at: dt.datetime | None = None


def _outbox(batch: Batch | None) -> Outbox | None:
    return batch.outbox if batch is not None else None


async def room_session(
    session: AsyncSession, room: Room, sid: str, *, repaired: bool = False, batch: Batch | None = None
) -> RoomSession:
    """The room session for ``sid``, created on first sight (any event of the room may come first)."""
    if batch is not None and sid in batch.room_sessions:
        found = batch.room_sessions[sid]
    else:
        query = select(RoomSession).where(RoomSession.sid == sid)
        found = (await session.execute(query)).scalar_one_or_none()
    if found is not None:
        return found
    await session.execute(
        mysql_insert(RoomSession)
        .prefix_with("IGNORE")
        .values(
            room_id=room.id,
            room_name=room.name,
            sid=sid,
            repaired=repaired,
            created_at=utcnow(),
            updated_at=utcnow(),
            peak_participants=0,
        )
    )
    created = (await session.execute(select(RoomSession).where(RoomSession.sid == sid))).scalar_one()
    if batch is not None:
        batch.room_sessions[sid] = created
    return created


async def room_started(
    session: AsyncSession, room: Room, sid: str, at: dt.datetime, *, batch: Batch | None = None
) -> None:
    rs = await room_session(session, room, sid, batch=batch)
    if rs.started_at is None:
        rs.started_at = at
        await events.emit(
            session,
            EventType.ROOM_STARTED,
            room=room.name,
            project_id=room.project_id,
            occurred_at=at,
            data={"room_sid": sid, "started_at": iso(at)},
            outbox=_outbox(batch),
        )


async def room_finished(
    session: AsyncSession,
    room: Room,
    sid: str,
    at: dt.datetime,
    *,
    reason: str = "room_finished",
    batch: Batch | None = None,
) -> None:
    rs = await room_session(session, room, sid, batch=batch)
    if rs.ended_at is None:
        rs.ended_at = at
    # Whoever LiveKit did not report as gone is gone now; a later participant_left still refines it.
    await flush(session)  # sessions are read below by their columns (the session's autoflush is off)
    open_sessions = (
        await session.execute(
            select(ParticipantSession).where(
                ParticipantSession.room_session_id == rs.id, ParticipantSession.left_at.is_(None)
            )
        )
    ).scalars()
    closed = []
    stale = False
    for ps in open_sessions:
        stale = await _close(session, room, rs, ps, at, reason, source="inferred", batch=batch) or stale
        closed.append((ps.identity, ps.kind))
    for identity, kind in dict.fromkeys(closed):
        await _derive(session, room, rs, identity, kind, batch=batch)
    if stale:
        await _recompute_peak(session, rs, batch)
    if room.scheduled and (room.closes_at is None or room.closes_at > at):
        # A scheduled room outlives its LiveKit sessions until closes_at (the room-closer job ends it):
        # the next join opens another session, recorded as another call.
        if room.is_open and room.livekit_sid == sid:
            room_service.session_over(room)
            await recording_service.on_room_ended(session, room)  # the session's recordings stop with it
        return
    if room.status in ("created", "active") and room.livekit_sid in (None, sid):
        room.status = "ended"
        room.ended_at = at
        room.ends_at = None
        room.end_reason = (
            "closed by LiveKit" if reason == "room_finished" else f"{reason}: LiveKit has no such room"
        )
        room.updated_at = utcnow()
        await events.emit(
            session,
            EventType.ROOM_ENDED,
            room=room.name,
            project_id=room.project_id,
            occurred_at=at,
            data={"room_sid": sid, "reason": room.end_reason},
            outbox=_outbox(batch),
        )
        await recording_service.on_room_ended(session, room)  # running recordings stop with the room
    if room.status == "ended":  # however it ended (API, closes_at, LiveKit): its dispatches end with it
        await agent_service.on_room_ended(session, room)


async def participant_joined(
    session: AsyncSession,
    room: Room,
    room_sid: str,
    fact: ParticipantFact,
    at: dt.datetime,
    *,
    repaired: bool = False,
    batch: Batch | None = None,
) -> None:
    rs = await room_session(session, room, room_sid, batch=batch)
    ps = await _participant_session(session, room, rs, fact, repaired=repaired, batch=batch)
    newly_joined = ps.joined_at is None
    stale = False
    if newly_joined:
        ps.joined_at = fact.joined_at or at
        if ps.left_at is not None and ps.left_at < ps.joined_at:  # the left event came first
            ps.left_at = ps.joined_at
        await events.emit(
            session,
            EventType.PARTICIPANT_JOINED,
            room=room.name,
            project_id=room.project_id,
            occurred_at=ps.joined_at,
            data={
                "identity": ps.identity,
                "participant_sid": ps.sid,
                "room_sid": room_sid,
                "kind": ps.kind,
                "repaired": repaired,
            },
            outbox=_outbox(batch),
        )
    if rs.ended_at is not None and ps.left_at is None:
        # The room instance's end arrived first (webhooks are ordered per resource only): nobody stays
        # in an instance that is over, and reconciliation never revisits an ended room.
        stale = await _close(
            session, room, rs, ps, rs.ended_at, "room_finished", source="inferred", batch=batch
        )
    if newly_joined and ps.kind == "standard":
        await _count_join(session, rs, ps, batch)
    elif stale:
        await _recompute_peak(session, rs, batch)
    await _derive(session, room, rs, ps.identity, ps.kind, batch=batch)


async def participant_left(
    session: AsyncSession,
    room: Room,
    room_sid: str,
    fact: ParticipantFact,
    at: dt.datetime,
    reason: str,
    *,
    source: Source = "event",
    batch: Batch | None = None,
) -> None:
    rs = await room_session(session, room, room_sid, batch=batch)
    ps = await _participant_session(session, room, rs, fact, repaired=source == "inferred", batch=batch)
    if await _close(session, room, rs, ps, at, reason, source=source, batch=batch):
        await _recompute_peak(session, rs, batch)
    await _derive(session, room, rs, ps.identity, ps.kind, batch=batch)


async def _participant_session(
    session: AsyncSession,
    room: Room,
    rs: RoomSession,
    fact: ParticipantFact,
    *,
    repaired: bool,
    batch: Batch | None = None,
) -> ParticipantSession:
    if batch is not None and fact.sid in batch.participants:
        ps = batch.participants[fact.sid]
    else:
        query = select(ParticipantSession).where(ParticipantSession.sid == fact.sid)
        ps = (await session.execute(query)).scalar_one_or_none()
    if ps is None:
        ps = ParticipantSession(
            room_session_id=rs.id,
            room_id=room.id,
            sid=fact.sid,
            identity=fact.identity,
            name=fact.name,
            kind=fact.kind,
            repaired=repaired,
        )
        session.add(ps)
        if batch is not None:
            batch.add(ps)  # inserted by the batch's flush: nothing needs its id before then
        else:
            await flush(session)
    elif fact.name and not ps.name:
        ps.name = fact.name
    return ps


async def _close(
    session: AsyncSession,
    room: Room,
    rs: RoomSession,
    ps: ParticipantSession,
    at: dt.datetime,
    reason: str,
    *,
    source: Source,
    batch: Batch | None = None,
) -> bool:
    """Record the session's end; True when the peak kept so far may no longer hold (the end moved before
    a join already counted: recompute it)."""
    first_time = ps.left_at is None
    stale = False
    if first_time or (source == "event" and ps.disconnect_reason in INFERRED_REASONS):
        before = _gone_from(ps)
        # createdAt has whole seconds while joinedAtMs has milliseconds: never leave before joining.
        ps.left_at = at if ps.joined_at is None else max(at, ps.joined_at)
        ps.disconnect_reason = reason
        if source == "inferred":
            ps.repaired = ps.repaired or reason == "reconciled"
        after = _gone_from(ps)
        if ps.kind == "standard" and ps.joined_at is not None and before != after:
            moved = min(t for t in (before, after) if t is not None)
            stale = rs.latest_joined_at is None or moved < rs.latest_joined_at
    if first_time:
        await events.emit(
            session,
            EventType.PARTICIPANT_LEFT,
            room=room.name,
            project_id=room.project_id,
            occurred_at=at,
            data={"identity": ps.identity, "participant_sid": ps.sid, "reason": reason},
            outbox=_outbox(batch),
        )
    return stale


async def _derive(
    session: AsyncSession,
    room: Room,
    rs: RoomSession,
    identity: str,
    kind: str,
    *,
    batch: Batch | None = None,
) -> None:
    """Recompute the membership row and room status from the sessions (never accumulated)."""
    if kind != "standard":
        return
    if batch is not None and (room.id, identity) in batch.sessions:
        sessions: list[ParticipantSession] = batch.sessions[room.id, identity]
        order = batch.order
    else:
        query = select(ParticipantSession).where(
            ParticipantSession.room_id == room.id, ParticipantSession.identity == identity
        )
        await flush(session)  # read by their columns (autoflush is off)
        sessions = list((await session.execute(query)).scalars().all())
        order = _stored_order
    open_ = [s for s in sessions if _open(s)]
    latest = max(open_ or sessions, key=lambda s: (s.joined_at or s.left_at or utcnow(), order(s)))
    state = "joined" if open_ else "left"
    if not open_ and (batch is None or identity in batch.seated.get(room.id, (identity,))):
        # gone from the room (not a reconnect): its stage seat is free again
        await seat_service.vacate(
            session, room, identity, reason="left the room", caller=permissions.SYSTEM_CALLER
        )
        if batch is not None and room.id in batch.seated:
            batch.seated[room.id].discard(identity)
    left_at = None if open_ else max((s.left_at for s in sessions if s.left_at), default=None)
    now = utcnow()
    values = {
        "room_id": room.id,
        "identity": identity,
        "name": latest.name,
        "role": "member",
        "state": state,
        "livekit_sid": latest.sid,
        "joined_at": latest.joined_at,
        "left_at": left_at,
        "created_at": now,
        "updated_at": now,
        "metadata": "",
        "attributes": "{}",
    }
    if batch is not None:
        batch.membership((room.id, identity), values)  # one upsert for the batch, at its end
    else:
        statement = mysql_insert(Participant).values(values)
        await session.execute(
            statement.on_duplicate_key_update(
                state=state,
                livekit_sid=latest.sid,
                joined_at=latest.joined_at,
                left_at=left_at,
                updated_at=now,
            )
        )
    if room.status in ("created", "active"):
        if open_:
            anyone: object = True  # this identity is present
        elif batch is not None and room.id in batch.present:
            anyone = any(
                s.room_id == room.id and s.kind == "standard" and _open(s)
                for s in batch.present[room.id].values()
            )
        else:
            await flush(session)
            anyone = (
                await session.execute(
                    select(ParticipantSession.id)
                    .where(
                        ParticipantSession.room_id == room.id,
                        ParticipantSession.kind == "standard",
                        ParticipantSession.left_at.is_(None),
                        ParticipantSession.joined_at.is_not(None),
                    )
                    .limit(1)
                )
            ).first()
        status = "active" if anyone else "created"
        if status != room.status:
            room.status = status
            room.updated_at = now


def _open(ps: ParticipantSession) -> bool:
    return ps.left_at is None and ps.joined_at is not None


def _stored_order(ps: ParticipantSession) -> tuple[int, int]:
    return (0, ps.id)


def _gone_from(ps: ParticipantSession) -> dt.datetime | None:
    """When the session stops counting as present (the end of the second it left in); None while open."""
    if ps.left_at is None:
        return None
    joined = ps.joined_at or ps.left_at
    return max(ps.left_at, joined).replace(microsecond=0) + dt.timedelta(seconds=1)


async def _count_join(
    session: AsyncSession, rs: RoomSession, ps: ParticipantSession, batch: Batch | None = None
) -> None:
    """A standard session's join, counted into the peak: incrementally when no counted join is later
    (nothing after it can then have more people present than the instant it joined), else recomputed."""
    if batch is not None and rs.id in batch.recompute:
        return  # recomputed from every session at the batch's end
    joined = ps.joined_at
    assert joined is not None
    watermark = rs.latest_joined_at
    if (watermark is None and rs.peak_participants) or (watermark is not None and joined < watermark):
        await _recompute_peak(session, rs, batch)  # a late join (or a row from before the watermark existed)
        return
    rs.peak_participants = max(rs.peak_participants, await _present_at(session, rs, joined, batch))
    rs.latest_joined_at = joined


async def _present_at(
    session: AsyncSession, rs: RoomSession, at: dt.datetime, batch: Batch | None = None
) -> int:
    """Distinct identities present at ``at`` by :func:`_peak`'s rule: joined at or before it and not gone
    (gone from the end of the second of the leave, and a leave at the very instant of a join counts after
    it). Left times are never before join times, so the rule is a bound on ``left_at`` alone. In a batch
    that holds every session of the room that can match (``calls/batch.py``), counted in memory."""
    whole = at.replace(microsecond=0)
    since = whole - dt.timedelta(seconds=1) if at == whole else whole
    if (
        batch is not None
        and rs.room_id in batch.present
        and batch.present_since is not None
        and since >= batch.present_since
    ):
        return len(
            {
                s.identity
                for s in batch.present[rs.room_id].values()
                if s.room_session_id == rs.id
                and s.kind == "standard"
                and s.joined_at is not None
                and s.joined_at <= at
                and (s.left_at is None or s.left_at >= since)
            }
        )
    query = select(func.count(distinct(ParticipantSession.identity))).where(
        ParticipantSession.room_session_id == rs.id,
        or_(ParticipantSession.left_at.is_(None), ParticipantSession.left_at >= since),
        ParticipantSession.kind == "standard",
        ParticipantSession.joined_at <= at,
    )
    await flush(session)  # the batch's and this fact's changes, read by their columns (autoflush is off)
    return int((await session.execute(query)).scalar_one())


async def _recompute_peak(session: AsyncSession, rs: RoomSession, batch: Batch | None = None) -> None:
    """The peak and its watermark from every session; in a batch, once at its end (``Batch.finish``)."""
    if batch is not None:
        batch.recompute[rs.id] = rs
        return
    rs.peak_participants, rs.latest_joined_at = await _peak_and_latest(session, rs.id)


async def _peak(session: AsyncSession, room_session_id: int) -> int:
    """Most distinct identities connected at once, from the session intervals (order-independent).

    Leave times come from webhooks' whole-second ``createdAt``, so a session counts as present until the
    end of the second it left in; joins at the same instant count before leaves.
    """
    return (await _peak_and_latest(session, room_session_id))[0]


async def _peak_and_latest(session: AsyncSession, room_session_id: int) -> tuple[int, dt.datetime | None]:
    """:func:`_peak`, and the latest join it counted (the watermark of the incremental peak)."""
    await flush(session)  # the batch's and this fact's changes, read by their columns (autoflush is off)
    return (await peaks(session, [room_session_id]))[room_session_id]


async def track_changed(
    session: AsyncSession,
    room: Room,
    room_sid: str,
    fact: ParticipantFact,
    track_sid: str,
    kind: str,
    source: str,
    at: dt.datetime,
    *,
    published: bool,
    batch: Batch | None = None,
) -> None:
    """``track_published`` (``published=True``) or ``track_unpublished``: each time is set once."""
    rs = await room_session(session, room, room_sid, batch=batch)
    track = await _track(session, rs, fact, track_sid, kind, source, batch)
    field = "published_at" if published else "unpublished_at"
    if getattr(track, field) is None:
        setattr(track, field, at)
        await events.emit(
            session,
            EventType.TRACK_PUBLISHED if published else EventType.TRACK_UNPUBLISHED,
            room=room.name,
            project_id=room.project_id,
            occurred_at=at,
            data={
                "identity": fact.identity,
                "participant_sid": fact.sid,
                "track_sid": track_sid,
                "kind": kind,
                "source": source,
            },
            outbox=_outbox(batch),
        )


async def _track(
    session: AsyncSession,
    rs: RoomSession,
    fact: ParticipantFact,
    sid: str,
    kind: str,
    source: str,
    batch: Batch | None = None,
) -> Track:
    if batch is not None and sid in batch.tracks:
        track = batch.tracks[sid]
    else:
        track = (await session.execute(select(Track).where(Track.sid == sid))).scalar_one_or_none()
    if track is None:
        track = Track(
            room_session_id=rs.id,
            sid=sid,
            participant_sid=fact.sid,
            identity=fact.identity,
            kind=kind,
            source=source,
        )
        session.add(track)
        if batch is not None:
            batch.tracks[sid] = track  # inserted by the batch's flush
        else:
            await flush(session)
    return track


async def close_room_sessions_except(
    session: AsyncSession, room: Room, keep_sid: str | None, at: dt.datetime
) -> int:
    """Close open sessions of ``room`` other than ``keep_sid`` (reconciliation found them gone)."""
    stale = (
        (
            await session.execute(
                select(RoomSession).where(RoomSession.room_id == room.id, RoomSession.ended_at.is_(None))
            )
        )
        .scalars()
        .all()
    )
    count = 0
    for rs in stale:
        if rs.sid == keep_sid:
            continue
        await room_finished(session, room, rs.sid, at, reason="reconciled")
        rs.repaired = True
        count += 1
    return count


async def mark_repaired(session: AsyncSession, participant_sid: str) -> None:
    await session.execute(
        update(ParticipantSession).where(ParticipantSession.sid == participant_sid).values(repaired=True)
    )
