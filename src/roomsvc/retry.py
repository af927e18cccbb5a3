"""The request edge re-runs a request whose transaction lost a lock conflict.

InnoDB breaks a lock cycle by rolling one of its transactions back (deadlock, 1213), and gives up on a
lock held too long (lock wait timeout, 1205). The request that lost did nothing wrong: run again, it
succeeds. :func:`run_with_retry` runs every route innermost — the last step of
``roomsvc.middleware.EdgeMiddleware``'s pass, after caller auth, so a re-run costs no second rate-limit
token — and makes each run a :class:`roomsvc.db.UnitOfWork`:

1. The route runs. Its transaction commits before the response starts (``db.provide_session`` is a
   dependency; Litestar closes dependencies before it sends), so a conflict, at any statement or at the
   commit, reaches the app's database error handler before anything is sent. That handler answers
   ``409 transaction-conflict`` and marks the run.
2. This middleware sees that response start. If the run made no side effect outside the database (no
   LiveKit call but those in ``livekit.REPEATABLE_CALLS``; they are noted through the gateway's observer)
   and has runs left (``db.conflict_attempts``), it swallows the response, waits a jittered backoff
   (``db.retry_delay``) and runs the route again on the same scope, replaying the request body. The
   rollback undid everything else: rows, events in the outbox, an idempotency key's claim.
3. Otherwise the 409 goes out: a problem+json that says nothing was changed in roomsvc and to retry.

Every outcome is counted in ``roomsvc_transaction_conflicts_total`` (``where="request"``) and logged.
"""

from __future__ import annotations

import asyncio

import structlog
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send

from roomsvc import db, metrics

log = structlog.get_logger("roomsvc.retry")


class TransactionRetryMiddleware:
    """ASGI middleware: run the route again when its transaction lost a lock conflict (module doc).

    The API does not mount it: ``roomsvc.middleware.EdgeMiddleware`` calls :func:`run_with_retry` as the
    last step of its single pass. It stays for apps that want the retry alone (the retry tests).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await self.app(scope, receive, send)
            return
        await run_with_retry(self.app, scope, receive, send)


async def run_with_retry(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run ``app`` on an HTTP ``scope`` as a :class:`roomsvc.db.UnitOfWork`, again while its transaction
    lost a lock conflict, made no side effect and has runs left (module doc)."""
    received: list[ReceiveMessage] = []  # the request's messages, for a re-run to read again

    async def recording_receive() -> ReceiveMessage:
        message = await receive()
        received.append(message)
        return message

    run_receive: Receive = recording_receive
    attempt = 1
    while True:
        unit, token = db.begin_unit()
        held: list[bool] = []

        async def guarded_send(
            message: Message, unit: db.UnitOfWork = unit, held: list[bool] = held, attempt: int = attempt
        ) -> None:
            if message["type"] == "http.response.start" and _may_rerun(unit, attempt):
                held.append(True)
            if not held:
                await send(message)

        try:
            await app(scope, run_receive, guarded_send)
        finally:
            db.end_unit(token)
        if unit.conflict is None:
            return
        if not held:
            outcome = "side_effects" if unit.side_effects else "exhausted"
            metrics.observe_conflict("request", outcome)
            log.warning(
                "transaction.conflict",
                outcome=outcome,
                attempts=attempt,
                mysql_code=db.mysql_code(unit.conflict),
                side_effects=unit.side_effects or None,
            )
            return
        delay = db.retry_delay(attempt)
        metrics.observe_conflict("request", "retried")
        log.info(
            "transaction.retried",
            attempt=attempt,
            mysql_code=db.mysql_code(unit.conflict),
            retry_in=round(delay, 4),
        )
        await asyncio.sleep(delay)
        attempt += 1
        run_receive = _replay(received, recording_receive)


def _may_rerun(unit: db.UnitOfWork, attempt: int) -> bool:
    return (
        unit.conflict is not None and not unit.side_effects and attempt < db.conflict_attempts(unit.conflict)
    )


def _replay(received: list[ReceiveMessage], then: Receive) -> Receive:
    """A ``receive`` that gives the messages read so far again, then reads on (a disconnect, or what an
    earlier run left unread)."""
    pending = list(received)

    async def replay() -> ReceiveMessage:
        if pending:
            return pending.pop(0)
        return await then()

    return replay
