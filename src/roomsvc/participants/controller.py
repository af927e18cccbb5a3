from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc import examples
from roomsvc.auth import Caller
from roomsvc.config import Settings
from roomsvc.db import request_transaction
from roomsvc.livekit import LiveKitGateway
from roomsvc.lobby.mappers import location, request_out
from roomsvc.lobby.models import LobbyRequest
from roomsvc.lobby.schemas import JoinRequestOut
from roomsvc.participants import service
from roomsvc.participants.mappers import join_response, participant_out
from roomsvc.participants.schemas import (
    JoinRequest,
    JoinResponse,
    ParticipantList,
    ParticipantOut,
    ParticipantUpdate,
)
from roomsvc.rooms.dependencies import ROOM_DEPENDENCIES
from roomsvc.rooms.models import Room
from roomsvc.routes import PAGE, READ, WRITE
from roomsvc.types import Page


class ParticipantController(Controller):
    path = "/v1/rooms/{room:str}/participants"
    tags = ["participants"]
    dependencies = ROOM_DEPENDENCIES

    @post(
        "/",
        opt=WRITE,
        summary="Join: a LiveKit token whose grants follow the role (in a lobby room, maybe a join request)",
        status_code=201,
        responses={
            201: ResponseSpec(
                data_container=JoinResponse,
                description="Joined: the LiveKit URL and token.",
                generate_examples=False,
            ),
            202: ResponseSpec(
                data_container=JoinRequestOut,
                generate_examples=False,
                description="The room has a lobby and the identity is not admitted yet: no token, but its"
                " pending join request (the same one on a repeated join). The `Location` header names"
                " `GET /v1/rooms/{room}/join-requests/{request_id}` to poll; once an owner or admin admits"
                " it, join again for the token.",
            ),
        },
    )
    async def join(
        self,
        request: Request[Caller, Any, Any],
        room: str,
        data: Annotated[JoinRequest, examples.JOIN],
        state: State,
    ) -> Response[Any]:
        # The hot path: the join reads the room together with the identity's ban, role, seat and mutes in
        # one statement, so it takes the room's name rather than a loaded room, and runs in a transaction
        # of the app's driver pool (db.DriverPool: no SQLAlchemy connection, ORM session or dependency
        # per request; bench/analysis.md). The edge is the same as every route's: committed before the
        # response, rolled back when anything raises (roomsvc.retry re-runs a conflict). A join that
        # needs entities (a lobby knock, a scheduled room's first join) is run again on an ORM session.
        settings: Settings = state.settings
        livekit: LiveKitGateway = state.livekit
        result: service.Admission | LobbyRequest
        try:
            async with state.driver_pool.transaction() as transaction:
                result = await service.join(transaction, livekit, settings, room, data, request.user)
        except service.NeedsSession:
            async with request_transaction(state.session_factory()) as session:
                result = await service.join(session, livekit, settings, room, data, request.user)
        if isinstance(result, service.Admission):
            return Response(join_response(result, settings.livekit.public_url), status_code=201)
        return Response(
            request_out(result, room),
            status_code=202,
            headers={"Location": location(room, result.public_id)},
        )

    @get(
        "/",
        opt=READ,
        summary="Our participant records, oldest first, merged with who is in the room now (LiveKit)",
        dependencies=PAGE,
    )
    async def list_participants(
        self, room_row: Room, db_session: AsyncSession, livekit: LiveKitGateway, page: Page
    ) -> ParticipantList:
        presences, next_cursor = await service.list_participants(db_session, livekit, room_row, page)
        return ParticipantList(items=[participant_out(p) for p in presences], next_cursor=next_cursor)

    @get("/{identity:str}", opt=READ, summary="One participant")
    async def get_participant(
        self, identity: str, room_row: Room, db_session: AsyncSession, livekit: LiveKitGateway
    ) -> ParticipantOut:
        return participant_out(await service.get_participant(db_session, livekit, room_row, identity))

    @patch("/{identity:str}", opt=WRITE, summary="Update name, metadata, attributes or role (applied live)")
    async def update(
        self,
        identity: str,
        data: ParticipantUpdate,
        open_room: Room,
        db_session: AsyncSession,
        livekit: LiveKitGateway,
    ) -> ParticipantOut:
        return participant_out(
            await service.update_participant(db_session, livekit, open_room, identity, data)
        )

    @delete("/{identity:str}", opt=WRITE, summary="Remove from the room (disconnects it)", status_code=200)
    async def remove(
        self, identity: str, locked_room: Room, db_session: AsyncSession, livekit: LiveKitGateway
    ) -> ParticipantOut:
        return participant_out(await service.remove_participant(db_session, livekit, locked_room, identity))
