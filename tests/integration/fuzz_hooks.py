"""schemathesis hooks for tests/integration/test_fuzz_openapi.py (loaded through ``SCHEMATHESIS_HOOKS``).

Creating a room or registering a model is idempotent or unique by name: generated names repeat (``0``,
``A``, ...), so after the first success most creations would answer 200 "same options" or 409, and the
stateful phase would keep acting on the same few rooms, soon ended. A valid name gets a unique suffix
before it is sent; invalid names are sent as generated, so that their 400 is still tested. A valid
subscription URL gets a loopback host: a generated host does not resolve, and the server refuses a
destination it cannot resolve to an allowed address (400).

The detection worker's scored windows (``POST …/detections``) name state the fuzzer cannot invent: a
registered model of the window's kind, and a track of this room (a track sid belongs to the first room
that reported it; another room's windows for it answer 400). The hooks learn the registered models from
the answers that describe them (the registry, a created model, the worker's config), map a generated
``model_id`` that names none of that kind (below 2**31; larger ones stay, so "not a registered model"
is still tested) onto one of the window's kind, and scope each valid track sid to the room it is sent
to. ``window_end`` must be after ``window_start``, a rule between two fields that JSON Schema cannot
state, so a generator cannot follow it: a pair generated in reverse order is sent in order; an equal
pair is sent as generated, so the 400 stays tested.

An ``Idempotency-Key`` is per request: the same key with another body is a 422 by design (state the
schema cannot express, like a taken room name), and generated keys repeat (``0``). A key of a valid
length gets a unique suffix; replays are tested in tests/integration/test_idempotency.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from typing import Any

import schemathesis

_counter = itertools.count()
_UNIQUE = {
    ("POST", "/v1/rooms"): (("name", re.compile(r"[A-Za-z0-9._-]{1,128}")),),
    ("POST", "/v1/detection/models"): (("version", re.compile(r"[A-Za-z0-9._-]{1,32}")),),
}


_URL = re.compile(r"https?://[^\s/]+(/[^\s]*)?")
# Subscriptions must point at an address the destination policy allows (in dev: loopback). Port 9
# (discard) is closed, so deliveries fail at once and one failure disables the subscription.
_SUBSCRIBER = "http://127.0.0.1:9"


_INGEST = ("POST", "/v1/rooms/{room}/detections")
_SID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_models: dict[str, list[int]] = defaultdict(list)  # kind → ids of registered models, as learned
_known_models: set[int] = set()
_room_scopes: dict[str, str] = {}


def _learn_model(model: Any) -> None:
    if not isinstance(model, dict) or not isinstance(model.get("id"), int) or model["id"] in _known_models:
        return
    if model.get("kind") in ("audio", "video"):
        _known_models.add(model["id"])
        _models[model["kind"]].append(model["id"])


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    """Learn the registered models from the answers that describe them."""
    watched = case.path.startswith("/v1/detection/models") or case.path == "/v1/rooms/{room}/detection/config"
    if not watched or not 200 <= response.status_code < 300:
        return
    try:
        body = response.json()
    except ValueError:
        return
    if not isinstance(body, dict):
        return
    if case.path == "/v1/detection/models" and isinstance(body.get("items"), list):
        for model in body["items"]:
            _learn_model(model)
    elif case.path.startswith("/v1/detection/models"):
        _learn_model(body)
    elif case.path == "/v1/rooms/{room}/detection/config":
        _learn_model(body.get("audio_model"))
        _learn_model(body.get("video_model"))


def _instant(value: Any) -> dt.datetime | None:
    """An RFC 3339 time with its offset, or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _scored_windows(case: Any) -> None:
    """Each window: a registered model of its kind, and a track sid of this room."""
    room = str((case.path_parameters or {}).get("room", ""))
    scope = _room_scopes.setdefault(room, f"-r{len(_room_scopes)}")
    windows = case.body.get("windows")
    for window in windows if isinstance(windows, list) else ():
        if not isinstance(window, dict):
            continue
        model_id, kind = window.get("model_id"), window.get("kind")
        known = _models.get(kind, []) if isinstance(kind, str) else []
        if isinstance(model_id, int) and 1 <= model_id < 2**31 and model_id not in known and known:
            window["model_id"] = known[model_id % len(known)]
        start, end = _instant(window.get("window_start")), _instant(window.get("window_end"))
        if start is not None and end is not None and end < start:
            window["window_start"], window["window_end"] = window["window_end"], window["window_start"]
        sid = window.get("track_sid")
        if isinstance(sid, str) and _SID.fullmatch(sid):
            window["track_sid"] = sid[: 64 - len(scope)] + scope


def _unique_idempotency_key(case: Any) -> None:
    headers = case.headers or {}
    for name, value in list(headers.items()):
        if name.lower() == "idempotency-key" and isinstance(value, str) and 1 <= len(value) <= 255:
            suffix = f"-k{next(_counter)}"
            headers[name] = value[: 255 - len(suffix)] + suffix


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: Any) -> None:
    _unique_idempotency_key(case)
    key = (str(case.method).upper(), case.path)
    if key == _INGEST and isinstance(case.body, dict):
        _scored_windows(case)
        return
    if key == ("POST", "/v1/event-subscriptions") and isinstance(case.body, dict):
        url = case.body.get("url")
        match = _URL.fullmatch(url) if isinstance(url, str) and url.isascii() and url.isprintable() else None
        if match:
            case.body["url"] = (_SUBSCRIBER + (match.group(1) or "/"))[:2048]
        return
    fields = _UNIQUE.get(key)
    if not fields or not isinstance(case.body, dict):
        return
    for field, pattern in fields:
        value = case.body.get(field)
        if isinstance(value, str) and pattern.fullmatch(value):
            suffix = f"-f{next(_counter)}"
            limit = 128 if field == "name" else 32
            case.body[field] = value[: limit - len(suffix)] + suffix
