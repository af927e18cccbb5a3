"""LiveKitGateway: the only module that imports ``livekit.api``.

It is created once in the app lifespan (``LiveKitAPI`` owns an aiohttp session) and closed on shutdown.
It speaks our language in and out — :class:`Grants`, :class:`LiveKitRoom`, :class:`LiveKitParticipant` —
and translates every ``livekit.api`` failure into our errors: an unreachable or failing server becomes
:class:`LiveKitUnavailable` (503 with Retry-After), a missing room or participant :class:`LiveKitNotFound`,
anything else :class:`LiveKitError` (502).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
import structlog
from livekit import api as lkapi

from roomsvc.config import LiveKitSettings
from roomsvc.errors import LiveKitError, LiveKitUnavailable, NotFound

log = structlog.get_logger("roomsvc.livekit")
T = TypeVar("T")
# Consecutive calls (the monitor pings every 2 s) that must miss LiveKit before joins are refused.
MISSES_BEFORE_DOWN = 2
# Calls whose effect in LiveKit is the same however often they are made (reads, and writes of a whole
# state: CreateRoom returns the room that exists). A request or job that made only these may be run again
# after its transaction lost a lock conflict (roomsvc.retry); any other call (SendData, CreateDispatch,
# RemoveParticipant, DeleteRoom, egress) is a side effect that a second run would repeat or answer
# differently.
REPEATABLE_CALLS = frozenset(
    {"CreateRoom", "ListRooms", "UpdateRoomMetadata", "ListParticipants", "GetParticipant"}
    | {"UpdateParticipant", "ListDispatch", "ListEgress"}
)

SOURCE_TO_PROTO = {
    "camera": lkapi.TrackSource.CAMERA,
    "microphone": lkapi.TrackSource.MICROPHONE,
    "screen_share": lkapi.TrackSource.SCREEN_SHARE,
    "screen_share_audio": lkapi.TrackSource.SCREEN_SHARE_AUDIO,
}
PROTO_TO_SOURCE = {v: k for k, v in SOURCE_TO_PROTO.items()}
TRACK_TYPES = {0: "audio", 1: "video", 2: "data"}
PARTICIPANT_STATES = {0: "joining", 1: "joined", 2: "active", 3: "disconnected"}


class LiveKitNotFound(NotFound):
    code = "livekit-not-found"


class LiveKitRoomUnreachable(LiveKitUnavailable):
    """LiveKit answered, but no node took a call routed to the room's node (psrpc's "no response from
    servers"): in a cluster, the node that hosts the room has died. Still a 503 to callers, but not a
    sign that LiveKit is down (:meth:`LiveKitGateway._note` does not count it)."""


# psrpc's ErrNoResponse, as livekit-server passes it through Twirp (code unavailable, status 503).
NO_NODE_ANSWERED = "no response from servers"
# Pause before asking an unanswering room's node once more (:meth:`LiveKitGateway.room_hosted`).
ROOM_RECHECK_SECONDS = 2.0


@dataclass(frozen=True)
class Grants:
    """What a participant may do in a room, in LiveKit's terms (used for tokens and UpdateParticipant)."""

    can_subscribe: bool
    can_publish: bool
    can_publish_data: bool
    can_publish_sources: tuple[str, ...] = ()
    room_admin: bool = False
    hidden: bool = False
    can_update_own_metadata: bool = False

    def to_claim(self, room: str) -> dict[str, Any]:
        """The ``video`` claim of a LiveKit access token (camelCase, as the server parses it)."""
        claim: dict[str, Any] = {
            "roomJoin": True,
            "room": room,
            "canSubscribe": self.can_subscribe,
            "canPublish": self.can_publish,
            "canPublishData": self.can_publish_data,
        }
        if self.can_publish and self.can_publish_sources:
            claim["canPublishSources"] = list(self.can_publish_sources)
        if self.room_admin:
            claim["roomAdmin"] = True
        if self.hidden:
            claim["hidden"] = True
        if self.can_update_own_metadata:
            claim["canUpdateOwnMetadata"] = True
        return claim

    def to_dict(self) -> dict[str, Any]:
        return {
            "can_subscribe": self.can_subscribe,
            "can_publish": self.can_publish,
            "can_publish_data": self.can_publish_data,
            "can_publish_sources": list(self.can_publish_sources),
            "room_admin": self.room_admin,
        }


@dataclass(frozen=True)
class Permission:
    """A live participant's permission set, normalized so two equal sets compare equal.

    Only what ``ParticipantPermission`` holds (``room_admin`` is a token grant that UpdateParticipant
    cannot change). No publishing means no sources; publishing with an empty source list means every
    source (LiveKit's reading of an empty ``can_publish_sources``).
    """

    can_subscribe: bool
    can_publish: bool
    can_publish_data: bool
    can_publish_sources: frozenset[str]
    hidden: bool = False
    can_update_metadata: bool = False

    @classmethod
    def normalized(
        cls,
        *,
        can_subscribe: bool,
        can_publish: bool,
        can_publish_data: bool,
        can_publish_sources: Sequence[str] = (),
        hidden: bool = False,
        can_update_metadata: bool = False,
    ) -> Permission:
        if not can_publish:
            sources: frozenset[str] = frozenset()
        else:
            sources = frozenset(can_publish_sources) or frozenset(SOURCE_TO_PROTO)
        return cls(can_subscribe, can_publish, can_publish_data, sources, hidden, can_update_metadata)

    @classmethod
    def of(cls, grants: Grants) -> Permission:
        """What LiveKit holds after ``UpdateParticipant(grants)`` (or a join with a token of them)."""
        return cls.normalized(
            can_subscribe=grants.can_subscribe,
            can_publish=grants.can_publish,
            can_publish_data=grants.can_publish_data,
            can_publish_sources=grants.can_publish_sources,
            hidden=grants.hidden,
            can_update_metadata=grants.can_update_own_metadata,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "can_subscribe": self.can_subscribe,
            "can_publish": self.can_publish,
            "can_publish_data": self.can_publish_data,
            "can_publish_sources": sorted(self.can_publish_sources),
            "hidden": self.hidden,
            "can_update_metadata": self.can_update_metadata,
        }


@dataclass(frozen=True)
class LiveKitRoom:
    name: str
    sid: str
    num_participants: int
    metadata: str
    created_at: dt.datetime | None
    max_participants: int
    empty_timeout: int
    departure_timeout: int


@dataclass(frozen=True)
class LiveKitTrack:
    sid: str
    kind: str
    source: str
    muted: bool


@dataclass(frozen=True)
class LiveKitParticipant:
    identity: str
    sid: str
    name: str
    state: str
    metadata: str
    joined_at: dt.datetime | None
    kind: str
    can_publish: bool
    can_subscribe: bool
    can_publish_sources: tuple[str, ...]
    tracks: tuple[LiveKitTrack, ...] = field(default_factory=tuple)
    attributes: dict[str, str] = field(default_factory=dict)
    can_publish_data: bool = False
    hidden: bool = False
    can_update_metadata: bool = False

    @property
    def permission(self) -> Permission:
        return Permission.normalized(
            can_subscribe=self.can_subscribe,
            can_publish=self.can_publish,
            can_publish_data=self.can_publish_data,
            can_publish_sources=self.can_publish_sources,
            hidden=self.hidden,
            can_update_metadata=self.can_update_metadata,
        )


@dataclass(frozen=True)
class LiveKitAgentJob:
    """One job of an agent dispatch: ``status`` is LiveKit's without the prefix (``pending``,
    ``running``, ``success``, ``failed``, ``cancelled``); ``identity`` the agent's participant."""

    id: str
    status: str
    identity: str
    error: str


@dataclass(frozen=True)
class LiveKitDispatch:
    id: str
    agent_name: str
    metadata: str
    jobs: tuple[LiveKitAgentJob, ...]


@dataclass(frozen=True)
class S3Output:
    """Where LiveKit Egress writes a file: an S3-compatible bucket (the recordings' ROOMSVC_S3_*)."""

    endpoint: str
    region: str
    bucket: str
    access_key: str
    secret_key: str = field(repr=False)


@dataclass(frozen=True)
class EgressFile:
    filename: str
    location: str
    size: int
    duration_s: float | None


@dataclass(frozen=True)
class EgressInfo:
    """An egress as roomsvc sees it; ``status`` is LiveKit's without the prefix: ``starting``,
    ``active``, ``ending``, ``complete``, ``failed``, ``aborted`` or ``limit_reached``."""

    egress_id: str
    room_name: str
    status: str
    error: str = ""
    files: tuple[EgressFile, ...] = ()


def _egress(info: Any) -> EgressInfo:
    status = lkapi.EgressStatus.Name(info.status).removeprefix("EGRESS_").lower()
    files = tuple(
        EgressFile(
            filename=f.filename,
            location=f.location,
            size=int(f.size),
            duration_s=int(f.duration) / 1e9 if f.duration else None,
        )
        for f in info.file_results
    )
    return EgressInfo(info.egress_id, info.room_name, status, info.error, files)


def _s3(output: S3Output) -> Any:
    return lkapi.S3Upload(
        access_key=output.access_key,
        secret=output.secret_key,
        region=output.region,
        endpoint=output.endpoint,
        bucket=output.bucket,
        force_path_style=bool(output.endpoint),
    )


def _ts(seconds: int, millis: int = 0) -> dt.datetime | None:
    if millis:
        return dt.datetime.fromtimestamp(millis / 1000, dt.UTC)
    return dt.datetime.fromtimestamp(seconds, dt.UTC) if seconds else None


def _room(room: Any) -> LiveKitRoom:
    return LiveKitRoom(
        name=room.name,
        sid=room.sid,
        num_participants=room.num_participants,
        metadata=room.metadata,
        created_at=_ts(room.creation_time, room.creation_time_ms),
        max_participants=room.max_participants,
        empty_timeout=room.empty_timeout,
        departure_timeout=room.departure_timeout,
    )


PARTICIPANT_KINDS = {0: "standard", 1: "ingress", 2: "egress", 3: "sip", 4: "agent"}


def _participant(p: Any) -> LiveKitParticipant:
    perm = p.permission
    return LiveKitParticipant(
        identity=p.identity,
        sid=p.sid,
        name=p.name,
        state=PARTICIPANT_STATES.get(p.state, str(p.state)),
        metadata=p.metadata,
        joined_at=_ts(p.joined_at, p.joined_at_ms),
        kind=PARTICIPANT_KINDS.get(p.kind, str(p.kind)),
        can_publish=perm.can_publish,
        can_subscribe=perm.can_subscribe,
        can_publish_sources=tuple(PROTO_TO_SOURCE.get(s, str(s)) for s in perm.can_publish_sources),
        tracks=tuple(
            LiveKitTrack(
                sid=t.sid,
                kind=TRACK_TYPES.get(t.type, str(t.type)),
                source=PROTO_TO_SOURCE.get(t.source, "unknown"),
                muted=t.muted,
            )
            for t in p.tracks
        ),
        attributes=dict(p.attributes),
        can_publish_data=perm.can_publish_data,
        hidden=perm.hidden,
        can_update_metadata=perm.can_update_metadata,
    )


def permission_of(grants: Grants) -> Any:
    return lkapi.ParticipantPermission(
        can_subscribe=grants.can_subscribe,
        can_publish=grants.can_publish,
        can_publish_data=grants.can_publish_data,
        can_publish_sources=[SOURCE_TO_PROTO[s] for s in grants.can_publish_sources]
        if grants.can_publish
        else [],
        hidden=grants.hidden,
        can_update_metadata=grants.can_update_own_metadata,
    )


class LiveKitGateway:
    """Async port to LiveKit's server API. One per process; call :meth:`aclose` on shutdown."""

    def __init__(self, settings: LiveKitSettings) -> None:
        self.settings = settings
        self._api: lkapi.LiveKitAPI | None = None
        self.observer: Callable[[str, float, str], None] | None = None
        # Last known reachability, from every call and from :meth:`monitor`'s periodic ping (see _note).
        self.available = True
        self._misses = 0  # consecutive calls that found LiveKit unreachable

    @property
    def client(self) -> lkapi.LiveKitAPI:
        if self._api is None:
            # Created lazily inside the running loop: aiohttp sessions bind to the loop that made them.
            self._api = lkapi.LiveKitAPI(
                self.settings.url,
                self.settings.api_key,
                self.settings.api_secret,
                timeout=aiohttp.ClientTimeout(total=self.settings.timeout),
                failover=False,
            )
        return self._api

    async def aclose(self) -> None:
        if self._api is not None:
            await self._api.aclose()
            self._api = None

    async def _call(self, method: str, factory: Callable[[], Awaitable[T]]) -> T:
        started = time.perf_counter()
        outcome = "ok"
        refused = False
        try:
            return await factory()
        except lkapi.TwirpError as exc:
            if exc.code == lkapi.TwirpErrorCode.NOT_FOUND:
                outcome = "not_found"
                raise LiveKitNotFound(f"LiveKit has no such resource ({exc.message})") from None
            if NO_NODE_ANSWERED in (exc.message or ""):
                outcome = "room_unreachable"
                raise LiveKitRoomUnreachable(
                    f"The LiveKit node hosting this room does not answer ({method}); retry shortly."
                ) from None
            if exc.status >= 500 or exc.code == lkapi.TwirpErrorCode.UNAVAILABLE:
                outcome = "unavailable"
                raise LiveKitUnavailable(f"LiveKit failed ({exc.code}); retry shortly.") from None
            outcome = "error"
            log.warning("livekit.error", method=method, code=exc.code, status=exc.status, message=exc.message)
            if exc.status == 401:  # livekit-server answers a wrong key or secret with a bare 401
                raise LiveKitError(
                    f"LiveKit refused {method}: our API key/secret are not a pair it knows (401)",
                    livekit_code="unauthenticated",
                ) from None
            raise LiveKitError(f"LiveKit refused {method}: {exc.message}", livekit_code=exc.code) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            outcome = "unavailable"
            refused = isinstance(exc, OSError) and exc.errno == errno.ECONNREFUSED
            log.warning("livekit.unavailable", method=method, error=type(exc).__name__)
            raise LiveKitUnavailable("LiveKit is unreachable; retry shortly.") from None
        finally:
            elapsed = time.perf_counter() - started
            self._note(outcome, refused=refused)
            # Inside a request the bound request_id lands on this line, tying the call to the request
            # (livekit-api sends its own random X-Livekit-Request-Id per call; it cannot carry ours).
            # Outside one (the monitor's pings, jobs) it is debug, to keep periodic calls quiet.
            emit = log.info if structlog.contextvars.get_contextvars().get("request_id") else log.debug
            emit("livekit.call", method=method, outcome=outcome, duration_ms=round(elapsed * 1000, 2))
            if self.observer is not None:
                self.observer(method, elapsed, outcome)

    def _note(self, outcome: str, *, refused: bool) -> None:
        """Update :attr:`available` from one call's outcome.

        A refused connection (nothing listens on LiveKit's port) marks LiveKit down at once. Any other
        failure to reach it (a timeout, a dropped connection, a 5xx) can also come from our own event
        loop or the host being saturated (a ping that waited for the CPU, not for LiveKit), so it takes
        ``MISSES_BEFORE_DOWN`` in a row. Any answer from LiveKit (even an error) marks it up at once.
        """
        if outcome != "unavailable":
            if not self.available:
                log.info("livekit.up", misses=self._misses)
            self._misses = 0
            self.available = True
            return
        self._misses += 1
        if refused or self._misses >= MISSES_BEFORE_DOWN:
            if self.available:
                log.warning("livekit.down", misses=self._misses, refused=refused)
            self.available = False

    def ensure_available(self) -> None:
        """Refuse work that needs LiveKit (a join token is useless without it) while it is known down."""
        if not self.available:
            raise LiveKitUnavailable("LiveKit is unreachable; retry shortly.")

    async def monitor(self, interval: float = 2.0) -> None:
        """Ping LiveKit forever so :attr:`available` notices an outage without waiting for a call to fail."""
        while True:
            try:
                await self.ping()
            except (LiveKitUnavailable, LiveKitError):
                pass
            except Exception:  # never let the monitor die
                log.exception("livekit.monitor_failed")
            await asyncio.sleep(interval)

    # Rooms -------------------------------------------------------------------------------------
    async def create_room(
        self,
        name: str,
        *,
        empty_timeout: int = 0,
        departure_timeout: int = 0,
        max_participants: int = 0,
        metadata: str = "",
        agents: Sequence[tuple[str, str]] = (),
    ) -> LiveKitRoom:
        request = lkapi.CreateRoomRequest(
            name=name,
            empty_timeout=empty_timeout,
            departure_timeout=departure_timeout,
            max_participants=max_participants,
            metadata=metadata,
            agents=[lkapi.RoomAgentDispatch(agent_name=a, metadata=m) for a, m in agents],
        )
        room = await self._call("CreateRoom", lambda: self.client.room.create_room(request))
        return _room(room)

    async def list_rooms(self, names: Sequence[str] = ()) -> list[LiveKitRoom]:
        request = lkapi.ListRoomsRequest(names=list(names))
        response = await self._call("ListRooms", lambda: self.client.room.list_rooms(request))
        return [_room(r) for r in response.rooms]

    async def get_room(self, name: str) -> LiveKitRoom | None:
        rooms = await self.list_rooms([name])
        return rooms[0] if rooms else None

    async def delete_room(self, name: str) -> bool:
        """Delete a room; False when LiveKit did not have it (already gone is success for us)."""
        try:
            await self._call(
                "DeleteRoom", lambda: self.client.room.delete_room(lkapi.DeleteRoomRequest(room=name))
            )
        except LiveKitNotFound:
            return False
        return True

    async def update_room_metadata(self, name: str, metadata: str) -> LiveKitRoom:
        request = lkapi.UpdateRoomMetadataRequest(room=name, metadata=metadata)
        return _room(
            await self._call("UpdateRoomMetadata", lambda: self.client.room.update_room_metadata(request))
        )

    # Participants ------------------------------------------------------------------------------
    async def list_participants(self, room: str) -> list[LiveKitParticipant]:
        request = lkapi.ListParticipantsRequest(room=room)
        response = await self._call("ListParticipants", lambda: self.client.room.list_participants(request))
        return [_participant(p) for p in response.participants]

    async def get_participant(self, room: str, identity: str) -> LiveKitParticipant | None:
        request = lkapi.RoomParticipantIdentity(room=room, identity=identity)
        try:
            p = await self._call("GetParticipant", lambda: self.client.room.get_participant(request))
        except LiveKitNotFound:
            return None
        return _participant(p)

    async def remove_participant(self, room: str, identity: str) -> bool:
        request = lkapi.RoomParticipantIdentity(room=room, identity=identity)
        try:
            await self._call("RemoveParticipant", lambda: self.client.room.remove_participant(request))
        except LiveKitNotFound:
            return False
        return True

    async def update_participant(
        self,
        room: str,
        identity: str,
        *,
        grants: Grants | None = None,
        name: str | None = None,
        metadata: str | None = None,
        attributes: dict[str, str] | None = None,
    ) -> LiveKitParticipant | None:
        """UpdateParticipant; ``grants`` is the *whole* new permission set (LiveKit replaces it)."""
        request = lkapi.UpdateParticipantRequest(room=room, identity=identity)
        if grants is not None:
            request.permission.CopyFrom(permission_of(grants))
        if name is not None:
            request.name = name
        if metadata is not None:
            request.metadata = metadata
        if attributes:
            request.attributes.update(attributes)
        try:
            p = await self._call("UpdateParticipant", lambda: self.client.room.update_participant(request))
        except LiveKitNotFound:
            return None
        return _participant(p)

    async def send_data(
        self,
        room: str,
        payload: bytes,
        *,
        topic: str,
        destination_identities: Sequence[str] = (),
        reliable: bool = True,
    ) -> None:
        """A data packet from the server (it has no sender participant) to ``destination_identities``, or
        to everyone when empty. Mind that LiveKit answers SendData for a room it does not have only after
        its 3 s routing timeout, with 503 (v1.13): callers that may hit an idle room list its participants
        first (``roomsvc.notices.service``)."""
        request = lkapi.SendDataRequest(
            room=room,
            data=payload,
            kind=lkapi.DataPacket.Kind.RELIABLE if reliable else lkapi.DataPacket.Kind.LOSSY,
            topic=topic,
            destination_identities=list(destination_identities),
        )
        await self._call("SendData", lambda: self.client.room.send_data(request))

    # Agent dispatch ----------------------------------------------------------------------------
    async def create_dispatch(self, room: str, agent_name: str, metadata: str = "") -> str:
        request = lkapi.CreateAgentDispatchRequest(room=room, agent_name=agent_name, metadata=metadata)
        dispatch = await self._call(
            "CreateDispatch", lambda: self.client.agent_dispatch.create_dispatch(request)
        )
        return str(dispatch.id)

    async def delete_dispatch(self, room: str, dispatch_id: str) -> None:
        await self._call(
            "DeleteDispatch", lambda: self.client.agent_dispatch.delete_dispatch(dispatch_id, room)
        )

    async def room_hosted(self, name: str) -> bool:
        """Whether a live LiveKit node hosts room ``name``: False when LiveKit lists it but its node is gone.

        With several nodes, LiveKit keeps its rooms and participants in Redis, and ListRooms,
        ListParticipants and GetParticipant read them from there. A node killed (``kill -9``, host lost)
        never removes its rooms, so they stay listed, with their participants, indefinitely. Only a call
        routed to the room's node tells: this one (ListDispatch, read-only) gets psrpc's "no response
        from servers" when no node hosts the room. One such answer can also be a node stalled past
        psrpc's 3 s, so an unanswered room is asked once more after ``ROOM_RECHECK_SECONDS``.
        LiveKit itself unreachable raises :class:`LiveKitUnavailable`, as every call does.
        """
        for attempt in range(2):
            if attempt:
                await asyncio.sleep(ROOM_RECHECK_SECONDS)
            try:
                await self._call("ListDispatch", lambda: self.client.agent_dispatch.list_dispatch(name))
            except LiveKitRoomUnreachable:
                continue
            except LiveKitNotFound:
                pass  # a node answered
            return True
        return False

    async def list_dispatch_details(self, room: str) -> list[tuple[str, str, str]]:
        """(dispatch id, agent name, metadata) of every dispatch LiveKit holds for ``room``."""
        items = await self._call("ListDispatch", lambda: self.client.agent_dispatch.list_dispatch(room))
        return [(d.id, d.agent_name, d.metadata) for d in items]

    async def list_dispatch_states(self, room: str) -> list[LiveKitDispatch]:
        """Every dispatch LiveKit holds for ``room``, with its jobs' state."""
        items = await self._call("ListDispatch", lambda: self.client.agent_dispatch.list_dispatch(room))
        return [
            LiveKitDispatch(
                id=d.id,
                agent_name=d.agent_name,
                metadata=d.metadata,
                jobs=tuple(
                    LiveKitAgentJob(
                        id=j.id,
                        status=lkapi.JobStatus.Name(j.state.status).removeprefix("JS_").lower(),
                        identity=j.state.participant_identity,
                        error=j.state.error,
                    )
                    for j in d.state.jobs
                ),
            )
            for d in items
        ]

    # Egress (LiveKit Egress run elsewhere; the recordings' pass-through backend) ------------------
    async def start_room_composite_egress(
        self, room: str, *, filepath: str, s3: S3Output, audio_only: bool
    ) -> EgressInfo:
        """One file of the whole room (``audio_only``: the mixed audio, Ogg/Opus) written to ``s3``."""
        output = lkapi.EncodedFileOutput(
            file_type=lkapi.EncodedFileType.OGG if audio_only else lkapi.EncodedFileType.MP4,
            filepath=filepath,
            s3=_s3(s3),
        )
        request = lkapi.RoomCompositeEgressRequest(
            room_name=room, audio_only=audio_only, file_outputs=[output]
        )
        info = await self._call(
            "StartRoomCompositeEgress", lambda: self.client.egress.start_room_composite_egress(request)
        )
        return _egress(info)

    async def start_track_egress(
        self, room: str, track_sid: str, *, filepath: str, s3: S3Output
    ) -> EgressInfo:
        """One track, as published (Opus in Ogg, VP8 in WebM), written to ``s3``."""
        request = lkapi.TrackEgressRequest(
            room_name=room, track_id=track_sid, file=lkapi.DirectFileOutput(filepath=filepath, s3=_s3(s3))
        )
        info = await self._call("StartTrackEgress", lambda: self.client.egress.start_track_egress(request))
        return _egress(info)

    async def stop_egress(self, egress_id: str) -> EgressInfo | None:
        """Stop an egress; None when LiveKit has no such egress (or it has already ended)."""
        request = lkapi.StopEgressRequest(egress_id=egress_id)
        try:
            info = await self._call("StopEgress", lambda: self.client.egress.stop_egress(request))
        except LiveKitNotFound:
            return None
        return _egress(info)

    async def list_egress(self, room: str = "", *, active: bool = False) -> list[EgressInfo]:
        request = lkapi.ListEgressRequest(room_name=room, active=active)
        response = await self._call("ListEgress", lambda: self.client.egress.list_egress(request))
        return [_egress(i) for i in response.items]

    async def ping(self) -> None:
        """Cheapest authenticated call: proves LiveKit is up and accepts our key."""
        await self.list_rooms(["__roomsvc_readyz__"])
