from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.params import Parameter
from litestar.response import ServerSentEvent, ServerSentEventMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc import examples
from roomsvc.auth import Caller
from roomsvc.config import Settings
from roomsvc.errors import BadRequest
from roomsvc.events import subscriptions as service
from roomsvc.events.mappers import event_out, subscription_out
from roomsvc.events.models import Event
from roomsvc.events.schemas import (
    DeliveryPage,
    EventOut,
    EventPage,
    Redeliver,
    RedeliverResult,
    SubscriptionCreate,
    SubscriptionList,
    SubscriptionOut,
)
from roomsvc.events.service import envelope
from roomsvc.events.types import EventType
from roomsvc.routes import EVENTS, PAGE
from roomsvc.types import Page

STREAM_POLL_SECONDS = 0.5
STREAM_KEEPALIVE_SECONDS = 15.0
_encoder = msgspec.json.Encoder()


class SubscriptionController(Controller):
    path = "/v1/event-subscriptions"
    tags = ["events"]
    dependencies = PAGE

    @post(
        "/",
        opt=EVENTS,
        summary="Subscribe a URL to events; the signing secret is shown once",
        status_code=201,
    )
    async def create(
        self,
        request: Request[Caller, Any, Any],
        data: Annotated[SubscriptionCreate, examples.SUBSCRIBE],
        db_session: AsyncSession,
        settings: Settings,
    ) -> SubscriptionOut:
        return await service.create(
            db_session, data, master_key=settings.secret_key, caller_id=request.user.credential_id
        )

    @get("/", opt=EVENTS, summary="List subscriptions")
    async def list_subscriptions(self, db_session: AsyncSession) -> SubscriptionList:
        return SubscriptionList(items=await service.list_all(db_session))

    @get("/{subscription_id:str}", opt=EVENTS, summary="One subscription")
    async def get_subscription(self, subscription_id: str, db_session: AsyncSession) -> SubscriptionOut:
        return subscription_out(await service.get(db_session, subscription_id))

    @delete(
        "/{subscription_id:str}",
        opt=EVENTS,
        summary="Delete; pending deliveries are cancelled",
        status_code=200,
    )
    async def remove(self, subscription_id: str, db_session: AsyncSession) -> SubscriptionOut:
        return await service.delete(db_session, subscription_id)

    @post(
        "/{subscription_id:str}/rotate-secret",
        opt=EVENTS,
        summary="New signing secret, shown once",
        status_code=200,
    )
    async def rotate(
        self, subscription_id: str, db_session: AsyncSession, settings: Settings
    ) -> SubscriptionOut:
        return await service.rotate_secret(db_session, subscription_id, master_key=settings.secret_key)

    @post(
        "/{subscription_id:str}/enable",
        opt=EVENTS,
        summary="Re-enable a disabled subscription",
        status_code=200,
    )
    async def enable(self, subscription_id: str, db_session: AsyncSession) -> SubscriptionOut:
        return await service.enable(db_session, subscription_id)

    @get("/{subscription_id:str}/deliveries", opt=EVENTS, summary="Deliveries with every attempt")
    async def deliveries(self, subscription_id: str, db_session: AsyncSession, page: Page) -> DeliveryPage:
        return await service.deliveries(db_session, subscription_id, page)


class EventController(Controller):
    path = "/v1/events"
    tags = ["events"]
    dependencies = PAGE

    @get("/", opt=EVENTS, summary="Recent events, newest first")
    async def list_events(
        self,
        db_session: AsyncSession,
        page: Page,
        room: str | None = None,
        type: EventType | None = None,
    ) -> EventPage:
        return await service.list_events(db_session, room=room, event_type=type, page=page)

    @get("/stream", opt=EVENTS, summary="Server-Sent Events, resumable with Last-Event-ID")
    async def stream(
        self,
        request: Request[Caller, Any, Any],
        room: str | None = None,
        type: EventType | None = None,
        last_event_id: Annotated[str | None, Parameter(header="Last-Event-ID")] = None,
    ) -> ServerSentEvent:
        factory = request.app.state.session_factory
        async with factory() as session:
            start = 0
            if last_event_id:
                found = (
                    await session.execute(select(Event.id).where(Event.public_id == last_event_id))
                ).scalar()
                if found is None:
                    raise BadRequest("`Last-Event-ID` names no stored event.", field="Last-Event-ID")
                start = int(found)
            else:
                start = int(
                    (await session.execute(select(Event.id).order_by(Event.id.desc()).limit(1))).scalar() or 0
                )

        async def messages() -> AsyncGenerator[ServerSentEventMessage, None]:
            cursor, last_sent = start, time.monotonic()
            while True:
                async with factory() as session:
                    query = select(Event).where(Event.id > cursor).order_by(Event.id).limit(100)
                    if room:
                        query = query.where(Event.room_name == room)
                    if type:
                        query = query.where(Event.type == type)
                    rows = list((await session.execute(query)).scalars())
                for event in rows:
                    cursor = event.id
                    yield ServerSentEventMessage(
                        data=_encoder.encode(envelope(event)).decode(), event=event.type, id=event.public_id
                    )
                    last_sent = time.monotonic()
                if not rows:
                    if time.monotonic() - last_sent > STREAM_KEEPALIVE_SECONDS:
                        yield ServerSentEventMessage(data=None, comment="keep-alive")
                        last_sent = time.monotonic()
                    await asyncio.sleep(STREAM_POLL_SECONDS)

        return ServerSentEvent(messages(), headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    @get("/{event_id:str}", opt=EVENTS, summary="One event")
    async def get_event(self, event_id: str, db_session: AsyncSession) -> EventOut:
        return event_out(await service.get_event(db_session, event_id))

    @post("/{event_id:str}/redeliver", opt=EVENTS, summary="Deliver the event again", status_code=202)
    async def redeliver(
        self, event_id: str, db_session: AsyncSession, data: Redeliver | None = None
    ) -> RedeliverResult:
        return await service.redeliver(db_session, event_id, data.subscription_id if data else None)
