"""The suite's only fake: :class:`FakeLiveKitGateway`, at the one port to LiveKit (``roomsvc.livekit``).

Service tests (tests/integration/services) run the domain services on the real MariaDB session and
hand them this fake instead of :class:`roomsvc.livekit.LiveKitGateway`, for two reasons:

- **error paths the real server cannot produce on demand**: ``fake.down = True`` makes every call raise
  :class:`LiveKitUnavailable` (as the real gateway does when the server is unreachable), and
  ``fake.fail_next("update_participant", exc)`` makes only the next call of one method raise ``exc``;
- **fast, exact assertions** on what a service pushed: the grants every ``update_participant``
  received (:attr:`updates`), who was removed (:attr:`removed`), what data was sent (:attr:`sent`).

It keeps LiveKit's state in memory (rooms, connected participants with their permissions, agent
dispatches) and answers like the real gateway: a missing participant is ``None``/``False``, a missing
room for a room-scoped write is :class:`LiveKitNotFound`. Tests put participants in a room with
:meth:`connect`, as a client joining with a token would.

``tests/unit/test_fake_gateway.py`` checks that every public method and attribute of the real gateway
is here with the same signature, so the two cannot drift. Integration and e2e tests use the real one.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from roomsvc.config import LiveKitSettings
from roomsvc.errors import LiveKitError, LiveKitUnavailable
from roomsvc.livekit import (
    EgressInfo,
    Grants,
    LiveKitDispatch,
    LiveKitGateway,
    LiveKitNotFound,
    LiveKitParticipant,
    LiveKitRoom,
    S3Output,
)

# Our method name → the LiveKit API call the real gateway reports to its ``observer``.
TWIRP_METHODS = {
    "create_room": "CreateRoom",
    "list_rooms": "ListRooms",
    "get_room": "ListRooms",
    "delete_room": "DeleteRoom",
    "update_room_metadata": "UpdateRoomMetadata",
    "list_participants": "ListParticipants",
    "get_participant": "GetParticipant",
    "remove_participant": "RemoveParticipant",
    "update_participant": "UpdateParticipant",
    "send_data": "SendData",
    "create_dispatch": "CreateDispatch",
    "delete_dispatch": "DeleteDispatch",
    "list_dispatch_details": "ListDispatch",
    "list_dispatch_states": "ListDispatch",
    "room_hosted": "ListDispatch",
    "start_room_composite_egress": "StartRoomCompositeEgress",
    "start_track_egress": "StartTrackEgress",
    "stop_egress": "StopEgress",
    "list_egress": "ListEgress",
    "ping": "ListRooms",
}

DEFAULT_SETTINGS = LiveKitSettings(
    url="http://fake-livekit.invalid",
    public_url="ws://fake-livekit.invalid",
    api_key="fake-key",
    api_secret="fake-secret",
    timeout=1.0,
)


@dataclass(frozen=True)
class Update:
    """One ``update_participant`` call as the fake received it (``live``: whether the identity was there)."""

    room: str
    identity: str
    grants: Grants | None
    name: str | None
    metadata: str | None
    attributes: dict[str, str] | None
    live: bool


@dataclass(frozen=True)
class SentData:
    room: str
    payload: bytes
    topic: str
    destination_identities: tuple[str, ...]
    reliable: bool = True


@dataclass(frozen=True)
class EgressRequest:
    """One egress start as the fake received it: ``track_sid`` None for a room composite."""

    egress_id: str
    room: str
    filepath: str
    s3: S3Output
    audio_only: bool = False
    track_sid: str | None = None


@dataclass(frozen=True)
class Dispatch:
    id: str
    room: str
    agent_name: str
    metadata: str


class FakeLiveKitGateway:
    """In-memory stand-in for :class:`roomsvc.livekit.LiveKitGateway` (same public interface)."""

    def __init__(self, settings: LiveKitSettings = DEFAULT_SETTINGS) -> None:
        self.settings = settings
        self.observer: Callable[[str, float, str], None] | None = None
        self.available = True
        self.closed = False
        # LiveKit's state.
        self.rooms: dict[str, LiveKitRoom] = {}
        self.participants: dict[str, dict[str, LiveKitParticipant]] = {}
        self.dispatches: dict[str, Dispatch] = {}
        self.egresses: dict[str, EgressInfo] = {}
        # Rooms still listed whose node died (a cluster node killed): routed calls get no answer.
        self.orphaned: set[str] = set()
        # What services asked for, in order.
        self.egress_requests: list[EgressRequest] = []
        self.calls: list[str] = []
        self.updates: list[Update] = []
        self.removed: list[tuple[str, str]] = []
        self.sent: list[SentData] = []
        self._down = False
        self._misses = 0
        self._failures: dict[str, list[BaseException]] = {}
        self._ids = itertools.count(1)
        self._tag = uuid.uuid4().hex[:8]  # sids unique across fakes: tests share one database

    # Failure injection ----------------------------------------------------------------------------
    @property
    def down(self) -> bool:
        """While True every call raises :class:`LiveKitUnavailable`, as when the server is unreachable."""
        return self._down

    @down.setter
    def down(self, value: bool) -> None:
        self._down = value
        # As if the real gateway's monitor had just pinged a server that refuses connections (or
        # answers again): ensure_available() follows at once.
        self._misses = 0
        self.available = not value

    def fail_next(self, method: str, exc: BaseException, *, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` (our name, e.g. ``update_participant``) raise ``exc``."""
        if method not in TWIRP_METHODS:
            raise ValueError(
                f"{method!r} is not a LiveKit call of the gateway: one of {sorted(TWIRP_METHODS)}"
            )
        self._failures.setdefault(method, []).extend([exc] * times)

    # The real gateway's rule for `available`: ``down`` is a refused connection (down at once); a
    # queued LiveKitUnavailable is a timeout-like miss (down after two in a row).
    _note = LiveKitGateway._note

    def _enter(self, method: str) -> None:
        """Every call starts here: record it, then fail if told to (down, or a queued failure)."""
        self.calls.append(method)
        outcome = "ok"
        try:
            if self._down:
                outcome = "unavailable"
                raise LiveKitUnavailable("LiveKit is unreachable; retry shortly.")
            queued = self._failures.get(method)
            if queued:
                exc = queued.pop(0)
                outcome = "unavailable" if isinstance(exc, LiveKitUnavailable) else "error"
                raise exc
        finally:
            self._note(outcome, refused=self._down)
            if self.observer is not None:
                self.observer(TWIRP_METHODS[method], 0.0, outcome)

    # Test helpers ---------------------------------------------------------------------------------
    def connect(
        self,
        room: str,
        identity: str,
        *,
        grants: Grants | None = None,
        name: str = "",
        kind: str = "standard",
    ) -> LiveKitParticipant:
        """Put ``identity`` in ``room`` as a connected participant (creating the room if LiveKit has none)."""
        if room not in self.rooms:
            self.rooms[room] = self._new_room(room)
        grants = grants or Grants(can_subscribe=True, can_publish=True, can_publish_data=True)
        participant = LiveKitParticipant(
            identity=identity,
            sid=f"PA_fake{self._tag}{next(self._ids)}",
            name=name,
            state="active",
            metadata="",
            joined_at=dt.datetime.now(dt.UTC),
            kind=kind,
            can_publish=grants.can_publish,
            can_subscribe=grants.can_subscribe,
            can_publish_sources=grants.can_publish_sources,
            can_publish_data=grants.can_publish_data,
            hidden=grants.hidden,
            can_update_metadata=grants.can_update_own_metadata,
        )
        self.participants.setdefault(room, {})[identity] = participant
        self._count(room)
        return participant

    def grants_pushed(self, room: str, identity: str) -> list[Grants]:
        """Every permission set pushed to ``identity`` in ``room`` (connected or not), oldest first."""
        return [
            u.grants
            for u in self.updates
            if u.room == room and u.identity == identity and u.grants is not None
        ]

    def _new_room(
        self,
        name: str,
        *,
        metadata: str = "",
        max_participants: int = 0,
        empty_timeout: int = 0,
        departure_timeout: int = 0,
    ) -> LiveKitRoom:
        return LiveKitRoom(
            name=name,
            sid=f"RM_fake{self._tag}{next(self._ids)}",
            num_participants=0,
            metadata=metadata,
            created_at=dt.datetime.now(dt.UTC),
            max_participants=max_participants,
            empty_timeout=empty_timeout,
            departure_timeout=departure_timeout,
        )

    def _count(self, room: str) -> None:
        if room in self.rooms:
            self.rooms[room] = replace(
                self.rooms[room], num_participants=len(self.participants.get(room, {}))
            )

    def _require_room(self, room: str) -> LiveKitRoom:
        if room not in self.rooms:
            raise LiveKitNotFound(f"LiveKit has no such resource (room {room!r} does not exist)")
        return self.rooms[room]

    # The gateway's interface ----------------------------------------------------------------------
    @property
    def client(self) -> Any:
        raise AttributeError("FakeLiveKitGateway has no livekit.api client; call the gateway's methods")

    async def aclose(self) -> None:
        self.closed = True

    def ensure_available(self) -> None:
        if not self.available:
            raise LiveKitUnavailable("LiveKit is unreachable; retry shortly.")

    async def monitor(self, interval: float = 2.0) -> None:
        while True:
            with contextlib.suppress(LiveKitUnavailable, LiveKitError):
                await self.ping()
            await asyncio.sleep(interval)

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
        self._enter("create_room")
        if name not in self.rooms:  # CreateRoom returns the existing room unchanged
            self.rooms[name] = self._new_room(
                name,
                metadata=metadata,
                max_participants=max_participants,
                empty_timeout=empty_timeout,
                departure_timeout=departure_timeout,
            )
            for agent_name, agent_metadata in agents:
                self._dispatch(name, agent_name, agent_metadata)
        return self.rooms[name]

    async def list_rooms(self, names: Sequence[str] = ()) -> list[LiveKitRoom]:
        self._enter("list_rooms")
        return [r for n, r in self.rooms.items() if not names or n in names]

    async def get_room(self, name: str) -> LiveKitRoom | None:
        self._enter("get_room")
        return self.rooms.get(name)

    async def delete_room(self, name: str) -> bool:
        self._enter("delete_room")
        if self.rooms.pop(name, None) is None:
            return False
        for identity in self.participants.pop(name, {}):
            self.removed.append((name, identity))
        for dispatch_id in [d.id for d in self.dispatches.values() if d.room == name]:
            del self.dispatches[dispatch_id]
        return True

    async def update_room_metadata(self, name: str, metadata: str) -> LiveKitRoom:
        self._enter("update_room_metadata")
        self.rooms[name] = replace(self._require_room(name), metadata=metadata)
        return self.rooms[name]

    async def list_participants(self, room: str) -> list[LiveKitParticipant]:
        self._enter("list_participants")
        return list(self.participants.get(room, {}).values())  # an unknown room has nobody in it

    async def get_participant(self, room: str, identity: str) -> LiveKitParticipant | None:
        self._enter("get_participant")
        return self.participants.get(room, {}).get(identity)

    async def remove_participant(self, room: str, identity: str) -> bool:
        self._enter("remove_participant")
        if self.participants.get(room, {}).pop(identity, None) is None:
            return False
        self.removed.append((room, identity))
        self._count(room)
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
        self._enter("update_participant")
        current = self.participants.get(room, {}).get(identity)
        self.updates.append(
            Update(
                room,
                identity,
                grants,
                name,
                metadata,
                dict(attributes) if attributes else None,
                current is not None,
            )
        )
        if current is None:
            return None
        changed = current
        if grants is not None:  # the whole permission set is replaced, as LiveKit does
            changed = replace(
                changed,
                can_publish=grants.can_publish,
                can_subscribe=grants.can_subscribe,
                can_publish_sources=grants.can_publish_sources if grants.can_publish else (),
                can_publish_data=grants.can_publish_data,
                hidden=grants.hidden,
                can_update_metadata=grants.can_update_own_metadata,
            )
        if name is not None:
            changed = replace(changed, name=name)
        if metadata is not None:
            changed = replace(changed, metadata=metadata)
        if attributes:
            changed = replace(changed, attributes={**changed.attributes, **attributes})
        self.participants[room][identity] = changed
        return changed

    async def send_data(
        self,
        room: str,
        payload: bytes,
        *,
        topic: str,
        destination_identities: Sequence[str] = (),
        reliable: bool = True,
    ) -> None:
        self._enter("send_data")
        self._require_room(room)
        self.sent.append(SentData(room, payload, topic, tuple(destination_identities), reliable))

    async def create_dispatch(self, room: str, agent_name: str, metadata: str = "") -> str:
        self._enter("create_dispatch")
        return self._dispatch(room, agent_name, metadata)

    async def delete_dispatch(self, room: str, dispatch_id: str) -> None:
        self._enter("delete_dispatch")
        dispatch = self.dispatches.get(dispatch_id)
        if dispatch is None or dispatch.room != room:
            raise LiveKitNotFound(f"LiveKit has no such resource (dispatch {dispatch_id!r})")
        del self.dispatches[dispatch_id]

    async def room_hosted(self, name: str) -> bool:
        self._enter("room_hosted")
        return name in self.rooms and name not in self.orphaned

    async def list_dispatch_details(self, room: str) -> list[tuple[str, str, str]]:
        self._enter("list_dispatch_details")
        return [(d.id, d.agent_name, d.metadata) for d in self.dispatches.values() if d.room == room]

    async def list_dispatch_states(self, room: str) -> list[LiveKitDispatch]:
        """LiveKit's dispatches of ``room``; the fake runs no agent, so no dispatch has a job."""
        self._enter("list_dispatch_states")
        return [
            LiveKitDispatch(id=d.id, agent_name=d.agent_name, metadata=d.metadata, jobs=())
            for d in self.dispatches.values()
            if d.room == room
        ]

    async def start_room_composite_egress(
        self, room: str, *, filepath: str, s3: S3Output, audio_only: bool
    ) -> EgressInfo:
        self._enter("start_room_composite_egress")
        self._require_room(room)
        return self._egress(
            EgressRequest(f"EG_fake{self._tag}{next(self._ids)}", room, filepath, s3, audio_only)
        )

    async def start_track_egress(
        self, room: str, track_sid: str, *, filepath: str, s3: S3Output
    ) -> EgressInfo:
        self._enter("start_track_egress")
        self._require_room(room)
        request = EgressRequest(
            f"EG_fake{self._tag}{next(self._ids)}", room, filepath, s3, track_sid=track_sid
        )
        return self._egress(request)

    async def stop_egress(self, egress_id: str) -> EgressInfo | None:
        self._enter("stop_egress")
        info = self.egresses.get(egress_id)
        if info is None or info.status in ("complete", "failed", "aborted", "limit_reached"):
            return None
        self.egresses[egress_id] = replace(info, status="ending")
        return self.egresses[egress_id]

    async def list_egress(self, room: str = "", *, active: bool = False) -> list[EgressInfo]:
        self._enter("list_egress")
        ended = ("complete", "failed", "aborted", "limit_reached")
        return [
            e
            for e in self.egresses.values()
            if (not room or e.room_name == room) and not (active and e.status in ended)
        ]

    def _egress(self, request: EgressRequest) -> EgressInfo:
        self.egress_requests.append(request)
        info = EgressInfo(request.egress_id, request.room, "starting")
        self.egresses[info.egress_id] = info
        return info

    async def ping(self) -> None:
        self._enter("ping")

    def _dispatch(self, room: str, agent_name: str, metadata: str) -> str:
        dispatch = Dispatch(
            id=f"AD_fake{next(self._ids)}", room=room, agent_name=agent_name, metadata=metadata
        )
        self.dispatches[dispatch.id] = dispatch
        return dispatch.id
