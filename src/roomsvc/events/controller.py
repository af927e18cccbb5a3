from __future__ import annotations

import time
from collections.abc import AsyncGenerator
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from litestar.params import Parameter
from litestar.response import ServerSentEvent, ServerSentEventMessage
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc import examples
from roomsvc.auth import Caller, CredentialStore
from roomsvc.config import Settings
from roomsvc.errors import BadRequest
from roomsvc.events import subscriptions as service
from roomsvc.events.destinations import policy_for
from roomsvc.events.feed import EventFeed
from roomsvc.events.mappers import event_out, subscription_out
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
from roomsvc.events.types import EventType
from roomsvc.routes import EVENTS, IDEMPOTENT, PAGE, PROJECT
from roomsvc.types import Page

STREAM_KEEPALIVE_SECONDS = 15.0
# How often an open stream re-checks its caller: token expiry, and the credential (revoked or deleted)
# read through the credential cache with at most this age.
STREAM_AUTH_CHECK_SECONDS = 2.0


class SubscriptionController(Controller):
    path = "/v1/event-subscriptions"
    tags = ["events"]
    dependencies = PAGE | PROJECT

    @post(
        "/",
        opt=EVENTS | IDEMPOTENT,
        summary="Subscribe a URL to events; the signing secret is shown once",
        status_code=201,
    )
    async def create_subscription(
        self,
        request: Request[Caller, Any, Any],
        data: Annotated[SubscriptionCreate, examples.SUBSCRIBE],
        db_session: AsyncSession,
        settings: Settings,
        project_id: int,
    ) -> SubscriptionOut:
        return await service.create(
            db_session,
            data,
            master_key=settings.secret_key,
            caller_id=request.user.credential_id,
            project_id=project_id,
            policy=policy_for(settings.jobs),
        )

    @get("/", opt=EVENTS, summary="List subscriptions, oldest first")
    async def list_subscriptions(
        self, db_session: AsyncSession, project_id: int, page: Page
    ) -> SubscriptionList:
        items, next_cursor = await service.list_all(db_session, project_id, page)
        return SubscriptionList(items=items, next_cursor=next_cursor)

    @get("/{subscription_id:str}", opt=EVENTS, summary="One subscription")
    async def get_subscription(
        self, subscription_id: str, db_session: AsyncSession, project_id: int
    ) -> SubscriptionOut:
        return subscription_out(await service.get(db_session, project_id, subscription_id))

    @delete(
        "/{subscription_id:str}",
        opt=EVENTS,
        summary="Delete; pending deliveries are cancelled",
        status_code=200,
    )
    async def delete_subscription(
        self, subscription_id: str, db_session: AsyncSession, project_id: int
    ) -> SubscriptionOut:
        return await service.delete(db_session, project_id, subscription_id)

    @post(
        "/{subscription_id:str}/rotate-secret",
        opt=EVENTS,
        summary="New signing secret, shown once",
        status_code=200,
    )
    async def rotate_subscription_secret(
        self, subscription_id: str, db_session: AsyncSession, settings: Settings, project_id: int
    ) -> SubscriptionOut:
        return await service.rotate_secret(
            db_session,
            project_id,
            subscription_id,
            master_key=settings.secret_key,
            policy=policy_for(settings.jobs),
        )

    @post(
        "/{subscription_id:str}/enable",
        opt=EVENTS,
        summary="Re-enable a disabled subscription",
        status_code=200,
    )
    async def enable_subscription(
        self, subscription_id: str, db_session: AsyncSession, project_id: int
    ) -> SubscriptionOut:
        return await service.enable(db_session, project_id, subscription_id)

    @get("/{subscription_id:str}/deliveries", opt=EVENTS, summary="Deliveries with every attempt")
    async def list_deliveries(
        self, subscription_id: str, db_session: AsyncSession, project_id: int, page: Page
    ) -> DeliveryPage:
        return await service.deliveries(db_session, project_id, subscription_id, page)


class EventController(Controller):
    path = "/v1/events"
    tags = ["events"]
    dependencies = PAGE | PROJECT

    @get("/", opt=EVENTS, summary="Recent events, newest first")
    async def list_events(
        self,
        request: Request[Caller, Any, Any],
        db_session: AsyncSession,
        project_id: int,
        page: Page,
        room: str | None = None,
        type: EventType | None = None,
    ) -> EventPage:
        feed: EventFeed = request.app.state.event_feed
        await feed.sequence_now()  # the caller's own committed writes are listed at once
        return await service.list_events(
            db_session, project_id=project_id, room=room, event_type=type, page=page
        )

    @get("/stream", opt=EVENTS, summary="Server-Sent Events, resumable with Last-Event-ID")
    async def stream(
        self,
        request: Request[Caller, Any, Any],
        project_id: int,
        room: str | None = None,
        type: EventType | None = None,
        last_event_id: Annotated[str | None, Parameter(header="Last-Event-ID")] = None,
    ) -> ServerSentEvent:
        state = request.app.state
        feed: EventFeed = state.event_feed
        caller = request.user
        if last_event_id:
            found = await feed.position_of(last_event_id, project_id)
            if found is None:
                raise BadRequest("`Last-Event-ID` names no stored event.", field="Last-Event-ID")
            start = found
        else:
            start = await feed.current_end()
        lease = feed.acquire(caller.credential_id)  # 429 beyond the caps
        store: CredentialStore = state.credential_store
        event_type = str(type) if type else None

        async def still_allowed() -> str | None:
            """Why the caller may no longer read the stream, or None."""
            if caller.expires_at is not None and time.time() >= caller.expires_at:
                return "token-expired"
            try:
                credential = await store.get(caller.credential_id, max_age=STREAM_AUTH_CHECK_SECONDS)
            except SQLAlchemyError:
                return "credential-unverifiable"  # MySQL away: end cleanly; the reconnect is checked
            if credential is None or credential.revoked:
                return "credential-revoked"
            return None

        async def messages() -> AsyncGenerator[ServerSentEventMessage, None]:
            try:
                cursor, last_sent = start, time.monotonic()
                next_check = time.monotonic() + STREAM_AUTH_CHECK_SECONDS
                while True:
                    wait = max(0.0, min(next_check, last_sent + STREAM_KEEPALIVE_SECONDS) - time.monotonic())
                    events, cursor = await feed.after(
                        cursor, project_id=project_id, room=room, event_type=event_type, wait=wait
                    )
                    for event in events:
                        yield ServerSentEventMessage(data=event.data, event=event.type, id=event.public_id)
                        last_sent = time.monotonic()
                    now = time.monotonic()
                    if now >= next_check:
                        reason = await still_allowed()
                        if reason is not None:
                            # A comment (EventSource ignores it), then the end: a reconnect with the
                            # same token is refused with 401.
                            yield ServerSentEventMessage(data=None, comment=f"closed: {reason}")
                            return
                        next_check = now + STREAM_AUTH_CHECK_SECONDS
                    if now - last_sent >= STREAM_KEEPALIVE_SECONDS:
                        yield ServerSentEventMessage(data=None, comment="keep-alive")
                        last_sent = now
            finally:
                lease.release()

        try:
            return ServerSentEvent(
                messages(), headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
            )
        except BaseException:
            lease.release()
            raise

    @get("/{event_id:str}", opt=EVENTS, summary="One event")
    async def get_event(self, event_id: str, db_session: AsyncSession, project_id: int) -> EventOut:
        return event_out(await service.get_event(db_session, project_id, event_id))

    @post(
        "/{event_id:str}/redeliver",
        opt=EVENTS | IDEMPOTENT,
        summary="Deliver the event again",
        status_code=202,
    )
    async def redeliver(
        self, event_id: str, db_session: AsyncSession, project_id: int, data: Redeliver | None = None
    ) -> RedeliverResult:
        return await service.redeliver(
            db_session, project_id, event_id, data.subscription_id if data else None
        )
