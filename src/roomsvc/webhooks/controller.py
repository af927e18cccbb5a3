from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.handlers import HTTPRouteHandler
from litestar.response import Response
from sqlalchemy.ext.asyncio import AsyncSession

from roomsvc import metrics
from roomsvc.config import Settings
from roomsvc.errors import AppError
from roomsvc.webhooks import service
from roomsvc.webhooks.verify import verify_webhook

ACCEPTED_TYPES = ("application/webhook+json", "application/json")


class UnsupportedMediaType(AppError):
    status = 415
    code = "unsupported-media-type"
    title = "Unsupported media type"


async def receive_livekit_webhook(
    request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings
) -> Response[dict[str, str]]:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    try:
        verify_webhook(
            body,
            request.headers.get("authorization"),
            api_key=settings.livekit.api_key,
            api_secret=settings.livekit.api_secret,
        )
        if media_type not in ACCEPTED_TYPES:
            raise UnsupportedMediaType(
                f"Webhooks must be sent as {ACCEPTED_TYPES[0]}, got {media_type or 'none'}."
            )
        outcome, event = await service.store(db_session, body)
    except AppError as exc:
        if exc.status < 500:  # an unverified body's event type is not trusted, even as a label
            metrics.observe_webhook(None, "rejected")
        raise
    await db_session.commit()  # acknowledged only once it is on disk
    metrics.observe_webhook(event["event"], outcome)
    if outcome == "accepted":
        request.app.state.webhook_applier.notify()
    return Response({"status": outcome})


def webhook_handler(path: str) -> HTTPRouteHandler:
    """The receiver mounted at ``ROOMSVC_WEBHOOK_PATH`` (what livekit.yaml's webhook URL points at)."""
    return post(
        path, tags=["webhooks"], summary="LiveKit webhook receiver (signed by LiveKit)", status_code=200
    )(receive_livekit_webhook)
