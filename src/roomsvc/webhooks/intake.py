"""Webhook intake with group commit: concurrent requests share one ``INSERT IGNORE`` and one COMMIT.

The API only verifies a webhook (``verify.py``), stores it and acks; ``roomsvc jobs`` applies it
(``webhooks/jobs.py``). With ``innodb_flush_log_at_trx_commit = 1`` every COMMIT waits for the redo log
to reach the disk, so one transaction per event caps intake at the disk's sync rate and spends a pooled
connection, an ORM session and two round trips on each event. Here every API process has one
:class:`IntakeWriter`: a request parses its event and queues the row; :data:`WRITERS` writer tasks each
take everything queued (up to :data:`MAX_BATCH` rows) and write it as one multi-row ``INSERT IGNORE``
plus COMMIT on the raw driver, and only then resolve each request's future. So a request is acked only
once its row is committed, and the batches grow with the load by themselves (what arrives while one
batch syncs is the next batch).

``INSERT IGNORE`` keyed by LiveKit's event id makes a retry a no-op. A multi-row insert reports only how
many rows it inserted, so when that is fewer than the batch the rows are told apart by ``received_at``:
every batch of a writer carries its own timestamp (strictly increasing per process), and a row that
already existed carries an older one. After a batch with new rows the jobs processes' appliers are woken
(``notify``: a Redis publish, best effort; their poll is the fallback).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from roomsvc.webhooks import handlers
from roomsvc.webhooks.service import parse_event

log = structlog.get_logger("roomsvc.webhooks")

MAX_BATCH = 500  # rows per INSERT: bounded, so one statement stays far below max_allowed_packet
WRITERS = 2  # batches in flight: one syncs while the next fills
COLUMNS = (
    "event_id",
    "event_type",
    "room_name",
    "room_sid",
    "participant_identity",
    "participant_sid",
    "created_at_unix",
    "received_at",
    "attempts",
    "body",
)
_ROW = "(" + ",".join(["%s"] * len(COLUMNS)) + ")"
_INSERT = f"INSERT IGNORE INTO webhook_events ({','.join(COLUMNS)}) VALUES "  # noqa: S608 (constants)


@dataclass(slots=True)
class _Queued:
    event_id: str
    values: list[Any]
    future: asyncio.Future[str] = field(repr=False)


def row_of(event: dict[str, Any], body: bytes) -> list[Any]:
    """The stored columns of a parsed event, in :data:`COLUMNS` order (``received_at`` set per batch)."""
    room = event.get("room") or {}
    participant = event.get("participant") or {}
    try:
        created = int(event.get("createdAt") or 0)
    except (TypeError, ValueError):
        created = 0
    return [
        event["id"][:64],
        event["event"][:48],
        handlers.room_name_of(event),
        room.get("sid") or None,
        participant.get("identity") or None,
        participant.get("sid") or None,
        created,
        None,
        0,
        body.decode(),
    ]


class IntakeWriter:
    """The per-process group-commit writer. ``start()`` in the app's lifespan, ``aclose()`` at its end."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        notify: Callable[[], Awaitable[None]] | None = None,
        max_batch: int = MAX_BATCH,
        writers: int = WRITERS,
    ) -> None:
        self._engine = engine
        self._notify = notify
        self._max_batch = max_batch
        self._writers = writers
        self._queue: list[_Queued] = []
        self._ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._last_stamp = dt.datetime.min

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._run(), name=f"webhook-intake-{n}") for n in range(self._writers)
        ]

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        for queued in self._queue:  # nothing was written for these: their senders retry
            if not queued.future.done():
                queued.future.set_exception(ConnectionError("webhook intake is shutting down"))
        self._queue.clear()

    async def store(self, body: bytes) -> tuple[str, dict[str, Any]]:
        """Parse and persist the raw event once; ``("accepted" | "duplicate", event)`` after the commit.
        A database failure raises here (the request answers 503 and LiveKit retries)."""
        event = parse_event(body)
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._queue.append(_Queued(event["id"][:64], row_of(event, body), future))
        self._ready.set()
        outcome = await future
        log.info(
            "webhook." + outcome,
            event_id=event["id"],
            event_type=event["event"],
            room=(event.get("room") or {}).get("name"),
        )
        return outcome, event

    def _stamp(self) -> dt.datetime:
        """This batch's ``received_at`` (naive UTC, as stored): distinct from every earlier batch's."""
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        if now <= self._last_stamp:
            now = self._last_stamp + dt.timedelta(microseconds=1)
        self._last_stamp = now
        return now

    async def _run(self) -> None:
        while True:
            await self._ready.wait()
            batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
            if not self._queue:
                self._ready.clear()
            if batch:
                await self._write(batch)

    async def _write(self, batch: list[_Queued]) -> None:
        first: dict[str, _Queued] = {}
        for queued in batch:
            first.setdefault(queued.event_id, queued)  # a repeat inside the batch is a duplicate
        rows = list(first.values())
        stamp = self._stamp()
        params: list[Any] = []
        for queued in rows:
            queued.values[7] = stamp
            params += queued.values
        try:
            async with self._engine.connect() as connection:
                result = await connection.exec_driver_sql(
                    _INSERT + ",".join([_ROW] * len(rows)), tuple(params)
                )
                inserted = result.rowcount
                ours: set[str] | None = None
                if inserted < len(rows):
                    ids = [queued.event_id for queued in rows]
                    found = await connection.exec_driver_sql(
                        "SELECT event_id FROM webhook_events WHERE received_at = %s AND event_id IN ("  # noqa: S608
                        + ",".join(["%s"] * len(ids))
                        + ")",
                        (stamp, *ids),
                    )
                    ours = {row[0] for row in found}
                await connection.commit()
        except Exception as exc:  # every request of the batch answers the failure; LiveKit retries
            for queued in batch:
                if not queued.future.done():
                    queued.future.set_exception(exc)
            return
        for queued in batch:
            if queued.future.done():
                continue
            mine = first[queued.event_id] is queued and (ours is None or queued.event_id in ours)
            queued.future.set_result("accepted" if mine else "duplicate")
        if inserted and self._notify is not None:
            await self._notify()
