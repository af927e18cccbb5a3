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
``model_id`` that names none of that kind onto one of the window's kind (a window of a kind with no
model registered yet becomes a window of a kind that has one), and scope each valid track sid to the
room it is sent to. ``window_end`` must be after ``window_start``, a rule between two fields that JSON
Schema cannot state, so a generator cannot follow it: a pair generated in reverse order is sent in
order, an equal pair a second apart. Valid data refused for such state would read as the document
promising less than the server checks ("schema validation mismatch"); those 400s are tested in
tests/integration/test_detection_api.py.

An ``Idempotency-Key`` is per request: the same key with another body is a 422 by design (state the
schema cannot express, like a taken room name), and generated keys repeat (``0``). A key of a valid
length gets a unique suffix; replays are tested in tests/integration/test_idempotency.py.

Prepared targets. A stateful walk reaches a seat kick only when it happens to create a room with a
stage, seat someone and kick from that seat; whether a run does is chance (and timing: webhooks, jobs),
so some operations reached a 2xx in one run and not in the next. The first ``FIXTURE_CASES`` positive
cases of the fuzzing phase of each operation in ``_PREPARED`` are aimed at state prepared for them by plain API calls (a
fresh room holding what the operation consumes: a seated identity, a pending seat request or
invitation, a joined or banned participant, detection on, a call, a recording whose recorder opened a
file, a ready recording with a real file in storage): their path parameters name it, and the body
fields and query parameters that name other state (``actor``: the caller then acts itself; the seated
identity; a seat; the opened file's ``key``; the stored file's id) are set to match it. The stored file
is written through ``roomsvc.recordings.storage`` with the fuzzed API's storage settings (the test
passes ``ROOMSVC_RECORDING_DIR`` as an absolute path), then reported opened, finished (its size and
sha256) and the recording finished, as the recorder does. Everything else in those cases stays as
generated, and every later case is untouched. The preparing requests carry an ``X-Request-Id``
starting ``fuzz-fixture-``, and the test leaves them out of its table of what the fuzzer reached.
``ROOMSVC_FUZZ_URL`` and ``ROOMSVC_FUZZ_TOKEN`` (set by the test) say where and as whom.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
import re
import sys
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import httpx
import schemathesis

from roomsvc.config import load_settings
from roomsvc.errors import AppError
from roomsvc.recordings.storage import StorageError, StoredObject, create_storage

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
# The recorder's file reports name a key under the recording's own prefix (`<project>/<recording id>/`),
# which the document cannot state per recording: the hook puts the generated key under it.
_FILE_REPORTS = {
    ("POST", "/v1/recordings/{recording_id}/worker/file-opened"),
    ("POST", "/v1/recordings/{recording_id}/worker/file-finished"),
}
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._=-]*(/[A-Za-z0-9][A-Za-z0-9._=-]*)*")
_PROJECT = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")
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
        if kind in ("audio", "video") and not _models.get(kind):
            # No model of this kind registered (yet): score the window as a kind that has one.
            kind = window["kind"] = next((k for k in ("audio", "video") if _models.get(k)), kind)
        known = _models.get(kind, []) if isinstance(kind, str) else []
        if isinstance(model_id, int) and model_id >= 1 and model_id not in known and known:
            window["model_id"] = known[model_id % len(known)]
        start, end = _instant(window.get("window_start")), _instant(window.get("window_end"))
        if start is not None and end is not None and end < start:
            window["window_start"], window["window_end"] = window["window_end"], window["window_start"]
        elif start is not None and start == end:
            try:
                window["window_end"] = (start + dt.timedelta(seconds=1)).isoformat()
            except OverflowError:  # 9999-12-31T23:59:59
                window["window_start"] = (start - dt.timedelta(seconds=1)).isoformat()
        sid = window.get("track_sid")
        if isinstance(sid, str) and _SID.fullmatch(sid):
            window["track_sid"] = sid[: 64 - len(scope)] + scope


_KEY_PREFIXES: dict[str, str] = {}


def _key_prefix_of(recording_id: str) -> str:
    """The recording's own `key_prefix` (a created recording may carry a generated `storage.prefix`, so it
    is read, not guessed); `default/<id>` for an id that names no recording (the answer is then a 404)."""
    if not re.fullmatch(r"rec_[0-9a-f]{1,64}", recording_id):
        return f"default/{recording_id}"
    if recording_id not in _KEY_PREFIXES:
        try:
            _KEY_PREFIXES[recording_id] = _call("GET", f"/v1/recordings/{recording_id}")["key_prefix"]
        except (httpx.HTTPError, KeyError, TypeError):  # no such recording (404): its answer is a 404 too
            return f"default/{recording_id}"
    return _KEY_PREFIXES[recording_id]


def _recording_key(case: Any) -> None:
    key = case.body.get("key")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        return
    prefix = _key_prefix_of((case.path_parameters or {}).get("recording_id", "")) + "/"
    if key.startswith(prefix):
        return  # aimed at a prepared file (`_opened_file`): already the recording's own key
    key = re.sub(r"\.{2,}", ".", key).removesuffix(".part")
    case.body["key"] = (prefix + key)[:512] if key else prefix + "f"


_OTHER_SEAT = {
    ("POST", "/v1/rooms/{room}/seats/{index}/move"): "to",
    ("POST", "/v1/rooms/{room}/seats/{index}/swap"): "with",
}


def _another_seat(case: Any, field: str) -> None:
    """A move's ``to`` (a swap's ``with``) must name another seat than the path's ``index``: a rule between
    a body field and a path parameter that JSON Schema cannot state (equal ones are a 400 tested in
    tests/integration/test_seat_controls_api.py). An equal valid pair gets the neighbouring seat."""
    index, other = (case.path_parameters or {}).get("index"), case.body.get(field)
    if isinstance(index, int) and isinstance(other, int) and not isinstance(other, bool) and index == other:
        case.body[field] = index + 1 if index < 63 else index - 1


_CONTROLS = ("PATCH", "/v1/rooms/{room}/controls")


def _controls_until(case: Any) -> None:
    """Room controls' ``until`` must lie in the coming year, a bound relative to now that JSON Schema cannot
    state (past and far-future times are 400s tested in tests/integration/test_room_controls_api.py): a
    valid generated time becomes an hour from now."""
    until = case.body.get("until")
    if isinstance(until, str) and _instant(until) is not None:
        case.body["until"] = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()


def _unique_idempotency_key(case: Any) -> None:
    headers = case.headers or {}
    for name, value in list(headers.items()):
        if name.lower() == "idempotency-key" and isinstance(value, str) and 1 <= len(value) <= 255:
            suffix = f"-k{next(_counter)}"
            headers[name] = value[: 255 - len(suffix)] + suffix
        elif name.lower() == "roomsvc-project" and isinstance(value, str) and _PROJECT.fullmatch(value):
            # A well-formed project id other than the fuzzer's own names a project that does not exist
            # (404, documented): the only project the fuzzer's state lives in is `default`.
            headers[name] = "default"


FIXTURE_CASES = 2
# Operations whose other positive cases mostly meet a state the document cannot describe (a recording
# that is not ready, or has several files and no `file` named: 404/400 by design) get more aimed cases, so
# that schemathesis does not read those answers as the document promising less validation than the server.
FIXTURE_CASES_FOR = {
    ("GET", "/v1/recordings/{recording_id}/file"): 8,
    ("POST", "/v1/recordings/{recording_id}/worker/file-opened"): 8,
    ("POST", "/v1/recordings/{recording_id}/worker/file-finished"): 8,
}
FIXTURE_REQUEST_ID = "fuzz-fixture-"
OWNER, SEATED, MEMBER, ASKER, GUEST = "fz-owner", "fz-seated", "fz-member", "fz-asker", "fz-guest"
_RUN = uuid.uuid4().hex[:8]
_aimed: Counter[tuple[str, str]] = Counter()
_client: httpx.Client | None = None
# Path parameters, body fields, and optionally query parameters (set only where the case has them).
Target = tuple[dict[str, Any], dict[str, Any]] | tuple[dict[str, Any], dict[str, Any], dict[str, Any]]
_OGG = "audio/ogg"


def _call(method: str, path: str, body: Any = None) -> Any:
    global _client
    if _client is None:
        _client = httpx.Client(
            base_url=os.environ["ROOMSVC_FUZZ_URL"],
            headers={
                "Authorization": f"Bearer {os.environ['ROOMSVC_FUZZ_TOKEN']}",
                "Roomsvc-Project": "default",  # the token is an operator's: it names the project
            },
            timeout=30,
        )
    headers = {"X-Request-Id": f"{FIXTURE_REQUEST_ID}{next(_counter)}"}
    response = _client.request(method, path, json=body, headers=headers)
    response.raise_for_status()
    return response.json() if response.content else None


def _room(**options: Any) -> str:
    name = f"fuzz-fixture-{_RUN}-{next(_counter)}"  # the test database outlives a run
    _call("POST", "/v1/rooms", {"name": name, "creator": OWNER} | options)
    return name


def _stage(seated: str | None = None, mode: str = "free") -> str:
    room = _room(seats=2, seat_mode=mode)
    if seated:
        _call("POST", f"/v1/rooms/{room}/seats/0/take", {"identity": seated})
    return room


def _joined(identity: str = MEMBER, **options: Any) -> str:
    room = _room(**options)
    _call("POST", f"/v1/rooms/{room}/participants", {"identity": identity})
    return room


def _seat(seated: str | None, **body: Any) -> Callable[[], Target]:
    return lambda: ({"room": _stage(seated), "index": 0}, {"actor": None} | body)


def _member(**body: Any) -> Callable[[], Target]:
    return lambda: ({"room": _joined(), "identity": MEMBER}, {"actor": None} | body)


def _seat_request() -> Target:
    room = _stage(mode="apply")
    request = _call("POST", f"/v1/rooms/{room}/seat-requests", {"identity": ASKER})
    return {"room": room, "request_id": request["id"]}, {"actor": None, "seat": None}


def _stage_invitation() -> Target:
    room = _stage(mode="apply")
    body = {"identity": ASKER, "kind": "invitation"}
    request = _call("POST", f"/v1/rooms/{room}/seat-requests", body)
    return {"room": room, "request_id": request["id"]}, {}


def _two_seated() -> Target:
    room = _stage(SEATED)
    _call("POST", f"/v1/rooms/{room}/seats/1/take", {"identity": MEMBER})
    return {"room": room, "index": 0}, {"actor": None, "with": 1}


def _invitation() -> Target:
    room = _room()
    items = _call("POST", f"/v1/rooms/{room}/invitations", {"identities": [GUEST]})["items"]
    return {"invitation_id": items[0]["id"]}, {}


def _banned() -> Target:
    room = _joined()
    _call("POST", f"/v1/rooms/{room}/participants/{MEMBER}/kick", {})
    return {"room": room, "identity": MEMBER}, {"actor": None}


def _call_id() -> Target:
    items = _call("GET", "/v1/calls?limit=1")["items"]
    return ({"call_id": items[0]["id"]} if items else {}), {}


def _detecting() -> Target:
    return {"room": _room(detection={"enabled": True})}, {}


def _recording() -> Target:
    return {"recording_id": _call("POST", f"/v1/rooms/{_room()}/recordings", {"kind": "tracks"})["id"]}, {}


def _opening(name: str) -> tuple[str, str, str]:
    """A recording whose recorder started and opened one file: (recording id, its worker path, the key)."""
    recording = _call("POST", f"/v1/rooms/{_room()}/recordings", {"kind": "tracks"})
    worker, key = f"/v1/recordings/{recording['id']}/worker", f"{recording['key_prefix']}/{name}"
    _call("POST", f"{worker}/started", {"agent_identity": "fuzz-recorder"})
    _call("POST", f"{worker}/file-opened", {"key": key, "kind": "mix", "content_type": _OGG})
    return recording["id"], worker, key


def _opened_file() -> Target:
    """``file-finished``: the key reported is one the recorder opened (any size and hash finish it)."""
    recording_id, _, key = _opening("fuzz-finish.ogg")
    return {"recording_id": recording_id}, {"key": key}


def _store(key: str, data: bytes) -> StoredObject:
    """Write ``data`` under ``key`` through the storage the fuzzed API reads (the same settings:
    ROOMSVC_RECORDING_STORAGE, and ROOMSVC_RECORDING_DIR made absolute by the test, since this process
    runs in artifacts/)."""

    async def write() -> StoredObject:
        storage = create_storage(load_settings().recording_storage)
        try:
            writer = await storage.open_writer(key, _OGG)
            await writer.write(data)
            return await writer.close()
        finally:
            await storage.aclose()

    return asyncio.run(write())


def _ready_file() -> Target:
    """``GET …/file``: a ready recording with one real stored file, reported as the recorder does."""
    recording_id, worker, key = _opening("fuzz-download.ogg")
    stored = _store(key, b"OggS" + os.urandom(256))
    finished = {"key": key, "size": stored.size, "sha256": stored.sha256, "location": stored.location}
    file = _call("POST", f"{worker}/file-finished", finished)
    _call("POST", f"{worker}/finished", {})
    return {"recording_id": recording_id}, {}, {"file": file["id"]}


_MEMBER_OPS = ("kick", "mute", "unmute", "role", "moderation")
_PREPARED: dict[tuple[str, str], Callable[[], Target]] = {
    ("POST", "/v1/rooms/{room}/seats/{index}/take"): _seat(None),
    ("POST", "/v1/rooms/{room}/seats/{index}/leave"): _seat(SEATED, identity=SEATED),
    ("POST", "/v1/rooms/{room}/seats/{index}/kick"): _seat(SEATED),
    ("POST", "/v1/rooms/{room}/seats/{index}/lock"): _seat(None),
    ("POST", "/v1/rooms/{room}/seats/{index}/unlock"): _seat(None),
    **{
        ("POST", f"/v1/rooms/{{room}}/seats/{{index}}/{verb}"): _seat(SEATED)
        for verb in ("mic-lock", "mic-unlock", "camera-lock", "camera-unlock")
    },
    ("POST", "/v1/rooms/{room}/seats/{index}/move"): _seat(SEATED, to=1),
    ("POST", "/v1/rooms/{room}/seats/{index}/swap"): _two_seated,
    ("POST", "/v1/rooms/{room}/seat-requests/{request_id}/accept"): _stage_invitation,
    ("POST", "/v1/rooms/{room}/seat-requests/{request_id}/decline"): _stage_invitation,
    ("POST", "/v1/rooms/{room}/seat-requests"): lambda: ({"room": _stage(mode="apply")}, {}),
    **{
        ("POST", f"/v1/rooms/{{room}}/seat-requests/{{request_id}}/{verb}"): _seat_request
        for verb in ("approve", "reject", "cancel")
    },
    ("POST", "/v1/invitations/{invitation_id}/accept"): _invitation,
    ("POST", "/v1/invitations/{invitation_id}/decline"): _invitation,
    ("DELETE", "/v1/invitations/{invitation_id}"): _invitation,
    ("POST", "/v1/rooms/{room}/invitations"): lambda: ({"room": _room()}, {"actor": None, "role": "member"}),
    ("POST", "/v1/rooms/{room}/participants"): lambda: ({"room": _room()}, {}),
    ("GET", "/v1/rooms/{room}/participants/{identity}"): _member(),
    ("PATCH", "/v1/rooms/{room}/participants/{identity}"): _member(),
    ("DELETE", "/v1/rooms/{room}/participants/{identity}"): _member(),
    **{
        (
            "GET" if verb == "moderation" else "POST",
            f"/v1/rooms/{{room}}/participants/{{identity}}/{verb}",
        ): _member()
        for verb in _MEMBER_OPS
    },
    ("POST", "/v1/rooms/{room}/owner"): lambda: ({"room": _joined()}, {"identity": MEMBER, "actor": None}),
    ("DELETE", "/v1/rooms/{room}/bans/{identity}"): _banned,
    ("PATCH", "/v1/rooms/{room}"): lambda: ({"room": _room()}, {}),
    ("POST", "/v1/rooms/{room}/end"): lambda: ({"room": _room()}, {}),
    ("POST", "/v1/rooms/{room}/detection"): lambda: ({"room": _room()}, {}),
    ("DELETE", "/v1/rooms/{room}/detection"): _detecting,
    ("POST", "/v1/rooms/{room}/detection/report"): _detecting,
    ("POST", "/v1/rooms/{room}/detections"): _detecting,
    **{
        ("POST", f"/v1/recordings/{{recording_id}}/{report}"): _recording
        for report in (
            "stop",
            "worker/started",
            "worker/file-opened",
            "worker/heartbeat",
            "worker/finished",
            "worker/failed",
        )
    },
    ("GET", "/v1/recordings/{recording_id}"): _recording,
    ("POST", "/v1/recordings/{recording_id}/worker/file-finished"): _opened_file,
    ("GET", "/v1/recordings/{recording_id}/file"): _ready_file,
    _CONTROLS: lambda: ({"room": _room()}, {"actor": None}),
    ("GET", "/v1/calls/{call_id}"): _call_id,
    ("GET", "/v1/calls/{call_id}/participants"): _call_id,
    ("GET", "/v1/calls/{call_id}/tracks"): _call_id,
}


def _positive_fuzzing(case: Any) -> bool:
    """A positive case of the fuzzing phase: each is generated afresh. The examples and coverage phases
    derive cases from shared templates, so an edit to one case's path would leak into the next ones."""
    meta = getattr(case, "meta", None)
    return (
        meta is not None
        and str(meta.generation.mode) == "positive"
        and str(meta.phase.name).lower() == "fuzzing"
    )


def _aim_at_prepared_state(key: tuple[str, str], case: Any) -> None:
    prepare = _PREPARED.get(key)
    if (
        prepare is None
        or _aimed[key] >= FIXTURE_CASES_FOR.get(key, FIXTURE_CASES)
        or not _positive_fuzzing(case)
    ):
        return
    _aimed[key] += 1
    try:
        path, body, *query = prepare()
    except (httpx.HTTPError, KeyError, IndexError, TypeError, OSError, StorageError, AppError) as exc:
        print(f"fuzz_hooks: could not prepare {key}: {exc!r}", file=sys.stderr)
        return
    case.path_parameters = (case.path_parameters or {}) | path
    if query and isinstance(case.query, dict):
        for field, value in query[0].items():
            if field in case.query:
                case.query[field] = value
    if isinstance(case.body, dict):
        for field, value in body.items():
            if field in case.body or value is not None:
                case.body[field] = value
        if case.body.get("role") == "owner":  # the owner role is the room owner's alone (403)
            case.body["role"] = "member"


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: Any) -> None:
    key = (str(case.method).upper(), case.path)
    _aim_at_prepared_state(key, case)
    _unique_idempotency_key(case)
    if key == _INGEST and isinstance(case.body, dict):
        _scored_windows(case)
        return
    if key in _FILE_REPORTS and isinstance(case.body, dict):
        _recording_key(case)
        return
    if key == _CONTROLS and isinstance(case.body, dict):
        _controls_until(case)
        return
    if key in _OTHER_SEAT and isinstance(case.body, dict):
        _another_seat(case, _OTHER_SEAT[key])
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
