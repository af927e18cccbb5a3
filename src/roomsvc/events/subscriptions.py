"""Subscriptions (create, list, rotate, enable, delete), their deliveries, listing and redelivering events."""

from __future__ import annotations

import secrets

import structlog
from sqlalchemy import select, update
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc.credentials.service import seal_secret
from roomsvc.db import newest_first, oldest_first, utcnow
from roomsvc.errors import BadRequest, Conflict, NotFound
from roomsvc.events.destinations import DestinationPolicy, RefusedDestination, UnresolvableDestination
from roomsvc.events.mappers import event_out, subscription_out
from roomsvc.events.models import DeliveryAttempt, Event, EventDelivery, EventSubscription
from roomsvc.events.schemas import (
    AttemptOut,
    DeliveryOut,
    DeliveryPage,
    EventPage,
    RedeliverResult,
    SubscriptionCreate,
    SubscriptionOut,
)
from roomsvc.events.types import EventType, prefixes, unknown_filters, wants
from roomsvc.types import Page, decode_cursor, encode_cursor

log = structlog.get_logger("roomsvc.events")


def check_filters(event_types: list[str]) -> None:
    """Refuse a filter entry that can match no event type (a typo would subscribe to nothing)."""
    unknown = unknown_filters(event_types)
    if unknown:
        raise BadRequest(
            f"`event_types` has entries that match no event type: {', '.join(map(repr, unknown))}. "
            "Use `*`, an event type listed in docs/events.md (e.g. `participant.joined`), or a prefix "
            f"of one followed by `.*` ({', '.join(sorted(p + '.*' for p in prefixes()))}).",
            field="event_types",
        )


async def check_destination(url: str, policy: DestinationPolicy) -> None:
    """Refuse a URL whose host resolves to an address deliveries may not reach (events/destinations.py)."""
    try:
        await policy.resolve(url)
    except UnresolvableDestination:
        return  # nothing to refuse yet: every attempt resolves and checks again (and fails with `dns`)
    except RefusedDestination as exc:
        raise BadRequest(f"`url` is refused: {exc.reason}.", field="url") from None


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


async def create(
    session: AsyncSession,
    data: SubscriptionCreate,
    *,
    master_key: str,
    caller_id: str,
    project_id: int,
    policy: DestinationPolicy,
) -> SubscriptionOut:
    check_filters(data.event_types)
    await check_destination(data.url, policy)
    public_id = "sub_" + secrets.token_hex(8)
    secret = _new_secret()
    sub = EventSubscription(
        public_id=public_id,
        project_id=project_id,
        url=data.url,
        description=data.description,
        event_types=" ".join(dict.fromkeys(data.event_types)),
        secret_sealed=seal_secret(master_key, secret, public_id),
        created_by=caller_id,
    )
    session.add(sub)
    await session.flush()
    log.info("subscription.created", subscription=public_id, url=data.url)
    return subscription_out(sub, secret)


async def get(
    session: AsyncSession, project_id: int, public_id: str, *, for_update: bool = False
) -> EventSubscription:
    """The project's subscription; another project's is a 404 like a missing one."""
    query = select(EventSubscription).where(
        EventSubscription.public_id == public_id,
        EventSubscription.project_id == project_id,
        EventSubscription.status != "deleted",
    )
    if for_update:
        query = query.with_for_update()
    sub = (await session.execute(query)).scalar_one_or_none()
    if sub is None:
        raise NotFound(f"No event subscription {public_id!r}.", code="subscription-not-found")
    return sub


async def list_all(
    session: AsyncSession, project_id: int, page: Page
) -> tuple[list[SubscriptionOut], str | None]:
    """A page of the project's subscriptions that are not deleted, oldest first."""
    query = select(EventSubscription).where(
        EventSubscription.project_id == project_id, EventSubscription.status != "deleted"
    )
    rows, next_cursor = await oldest_first(session, query, EventSubscription.id, page)
    return [subscription_out(s) for s in rows], next_cursor


async def delete(session: AsyncSession, project_id: int, public_id: str) -> SubscriptionOut:
    sub = await get(session, project_id, public_id, for_update=True)
    sub.status, sub.deleted_at = "deleted", utcnow()
    await session.execute(
        update(EventDelivery)
        .where(EventDelivery.subscription_id == sub.id, EventDelivery.status == "pending")
        .values(status="cancelled")
    )
    log.info("subscription.deleted", subscription=public_id)
    return subscription_out(sub)


async def rotate_secret(
    session: AsyncSession, project_id: int, public_id: str, *, master_key: str, policy: DestinationPolicy
) -> SubscriptionOut:
    sub = await get(session, project_id, public_id, for_update=True)
    await check_destination(sub.url, policy)  # a new secret for a URL that may no longer be reached: no
    secret = _new_secret()
    sub.secret_sealed = seal_secret(master_key, secret, sub.public_id)
    log.info("subscription.secret_rotated", subscription=public_id)
    return subscription_out(sub, secret)


async def enable(session: AsyncSession, project_id: int, public_id: str) -> SubscriptionOut:
    sub = await get(session, project_id, public_id, for_update=True)
    if sub.status == "active":
        raise Conflict(f"Subscription {public_id} is already active.", code="subscription-active")
    sub.status, sub.consecutive_failures, sub.disabled_reason = "active", 0, None
    # What queued while disabled is due now, still in per-room order.
    await session.execute(
        update(EventDelivery)
        .where(EventDelivery.subscription_id == sub.id, EventDelivery.status == "pending")
        .values(next_attempt_at=utcnow())
    )
    log.info("subscription.enabled", subscription=public_id)
    return subscription_out(sub)


async def deliveries(session: AsyncSession, project_id: int, public_id: str, page: Page) -> DeliveryPage:
    sub = await get(session, project_id, public_id)
    query = select(EventDelivery).where(EventDelivery.subscription_id == sub.id)
    rows, next_cursor = await newest_first(session, query, EventDelivery.id, page)
    events: dict[int, Event] = {}
    history: dict[int, list[AttemptOut]] = {}
    if rows:
        events = {
            e.id: e
            for e in (
                await session.execute(select(Event).where(Event.id.in_({d.event_id for d in rows})))
            ).scalars()
        }
        attempts = (
            await session.execute(
                select(DeliveryAttempt)
                .where(DeliveryAttempt.delivery_id.in_([d.id for d in rows]))
                .order_by(DeliveryAttempt.id)
            )
        ).scalars()
        for a in attempts:
            history.setdefault(a.delivery_id, []).append(
                AttemptOut(
                    attempt=a.attempt,
                    status_code=a.status_code,
                    latency_ms=a.latency_ms,
                    error=a.error,
                    attempted_at=a.attempted_at,
                )
            )
    items = [
        DeliveryOut(
            event_id=events[d.event_id].public_id,
            event_type=events[d.event_id].type,
            room=events[d.event_id].room_name,
            status=d.status,  # type: ignore[arg-type]
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at if d.status == "pending" else None,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            last_latency_ms=d.last_latency_ms,
            delivered_at=d.delivered_at,
            history=history.get(d.id, []),
        )
        for d in rows
    ]
    return DeliveryPage(items=items, next_cursor=next_cursor)


async def list_events(
    session: AsyncSession,
    *,
    project_id: int,
    room: str | None,
    event_type: EventType | None,
    page: Page,
) -> EventPage:
    """The feed newest first, paged on ``seq`` (commit order, docs/events.md#the-feed): an event that
    commits late is placed above the pages already read, never among them, so a walk from the top sees
    each event once. Events not sequenced yet (a fraction of a second after commit) are not listed."""
    query = select(Event).where(Event.project_id == project_id, Event.seq.is_not(None))
    if room:
        query = query.where(Event.room_name == room)
    if event_type:
        query = query.where(Event.type == event_type)
    after, limit = decode_cursor(page.cursor), page.limit
    if after is not None:
        query = query.where(Event.seq < after)
    rows = list((await session.execute(query.order_by(Event.seq.desc()).limit(limit + 1))).scalars())
    last = rows[limit - 1].seq if len(rows) > limit else None
    next_cursor = encode_cursor(last) if last is not None else None
    return EventPage(items=[event_out(e) for e in rows[:limit]], next_cursor=next_cursor)


async def get_event(session: AsyncSession, project_id: int, public_id: str) -> Event:
    event = (
        await session.execute(
            select(Event).where(Event.public_id == public_id, Event.project_id == project_id)
        )
    ).scalar_one_or_none()
    if event is None:
        raise NotFound(f"No event {public_id!r}.", code="event-not-found")
    return event


async def redeliver(
    session: AsyncSession, project_id: int, event_public_id: str, subscription_id: str | None
) -> RedeliverResult:
    """Schedule the event again for one of the project's subscriptions, or for every active one of them
    that wants its type."""
    event = await get_event(session, project_id, event_public_id)
    if subscription_id:
        targets = [await get(session, project_id, subscription_id)]
    else:
        targets = [
            s
            for s in (
                await session.execute(
                    select(EventSubscription).where(
                        EventSubscription.project_id == project_id, EventSubscription.status == "active"
                    )
                )
            ).scalars()
            if wants(s.event_types, event.type)
        ]
    # The subscriptions first, in id order, as the delivery relay's record() locks them before their
    # deliveries: the same lock order, so a redelivery never deadlocks with an attempt being recorded.
    targets.sort(key=lambda s: s.id)
    if targets:
        await session.execute(
            select(EventSubscription.id)
            .where(EventSubscription.id.in_([s.id for s in targets]))
            .order_by(EventSubscription.id)
            .with_for_update()
        )
    now = utcnow()
    for sub in targets:
        statement = mysql_insert(EventDelivery).values(
            subscription_id=sub.id,
            event_id=event.id,
            room_key=event.room_name or "",
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        await session.execute(
            statement.on_duplicate_key_update(
                status="pending", next_attempt_at=now, lease_until=None, created_at=now
            )
        )
    log.info("event.redeliver", event_id=event.public_id, subscriptions=[s.public_id for s in targets])
    return RedeliverResult(event_id=event.public_id, scheduled=[s.public_id for s in targets])
