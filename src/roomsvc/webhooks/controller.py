from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.handlers import HTTPRouteHandler
from litestar.response import Response

from roomsvc import metrics
from roomsvc.config import Settings
from roomsvc.errors import AppError
from roomsvc.webhooks.intake import IntakeWriter
from roomsvc.webhooks.verify import verify_webhook

ACCEPTED_TYPES = ("application/webhook+json", "application/json")


class UnsupportedMediaType(AppError):
    status = 415
    code = "unsupported-media-type"
    title = "Unsupported media type"


async def receive_livekit_webhook(
    request: Request[Any, Any, Any], settings: Settings
) -> Response[dict[str, str]]:
    """Verify, store (group commit, ``webhooks/intake.py``), ack. ``roomsvc jobs`` applies it."""
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
        intake: IntakeWriter = request.app.state.webhook_intake
        outcome, event = await intake.store(body)  # returns once its row is committed: then we ack
    except AppError as exc:
        if exc.status < 500:  # an unverified body's event type is not trusted, even as a label
            metrics.observe_webhook(None, "rejected")
        raise
    metrics.observe_webhook(event["event"], outcome)
    return Response({"status": outcome})


def webhook_handler(path: str) -> HTTPRouteHandler:
    """The receiver mounted at ``ROOMSVC_WEBHOOK_PATH`` (what livekit.yaml's webhook URL points at)."""
    return post(
        path, tags=["webhooks"], summary="LiveKit webhook receiver (signed by LiveKit)", status_code=200
    )(receive_livekit_webhook)
