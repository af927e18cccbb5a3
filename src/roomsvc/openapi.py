"""The OpenAPI document says what the API really answers: errors as problem+json, and who needs a token.

Litestar documents each operation's success and a generic 400. Every route can also answer with the
problems of errors.py's table, so :func:`document_operations` adds them to each operation (by what the
route can meet: a caller token, named resources, a body, LiveKit), with the problem+json media type and
schema, and states the caller-JWT security requirement on the /v1 operations only — health checks are
public and LiveKit signs its webhooks itself. tests/integration/test_fuzz_openapi.py holds the API to
this document with schemathesis.

The events roomsvc sends are in it too (:func:`add_event_webhooks`): each type's ``data`` as a component
schema (``SeatRequestCreatedData`` for ``seat_request.created``), and one entry per type in the OpenAPI
3.1 ``webhooks`` section: the signed POST of the envelope, with its headers. This module sits below the
domains, so the app hands it the catalogue (:class:`EventWebhooks`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec
from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin
from litestar.enums import ParamType
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    Link,
    OpenAPI,
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    PathItem,
    RequestBody,
    Schema,
)
from litestar.response import ServerSentEvent

from roomsvc import idempotency
from roomsvc.config import Settings
from roomsvc.credentials.models import PROJECT_HEADER, PROJECT_ID_PATTERN
from roomsvc.errors import PROBLEM_MEDIA_TYPE

CALLER_SECURITY: list[dict[str, list[str]]] = [{"callerJWT": []}]


class Problem(msgspec.Struct):
    """RFC 9457 problem details; some problems add fields (``errors``, ``fields``, ``field``, ...)."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    request_id: str | None = None


DESCRIPTIONS = {
    400: "Invalid input; `detail` names the field.",
    401: "Missing, invalid or expired credentials.",
    403: "The caller lacks a scope, or a rule forbids it.",
    404: "No such resource.",
    409: "Conflicts with the current state.",
    410: "Gone (expired or used).",
    413: "Body larger than ROOMSVC_MAX_BODY_BYTES.",
    415: "Unsupported content type.",
    422: "The `Idempotency-Key` was first used for another request.",
    429: "Rate limited; see Retry-After.",
    502: "LiveKit answered with an unexpected error.",
    503: "A dependency (MySQL, Redis, LiveKit) is unavailable; see Retry-After.",
}


def _problem(status: int) -> ResponseSpec:
    return ResponseSpec(
        data_container=Problem,
        media_type=PROBLEM_MEDIA_TYPE,
        description=DESCRIPTIONS[status],
        generate_examples=False,
    )


def _statuses(path: str, handler: HTTPRouteHandler, webhook_path: str) -> set[int]:
    methods = set(handler.http_methods)
    writes = bool(methods - {"GET", "HEAD", "OPTIONS"})
    if path == webhook_path:
        return {400, 401, 413, 415, 503}
    if path == "/readyz":
        return {503}
    if not path.startswith("/v1/"):
        return set()
    statuses = {400, 401, 403, 404, 429, 502, 503}  # 404: a path or query parameter names nothing
    if writes:
        statuses |= {409, 410, 413}
    if handler.opt.get(idempotency.OPT):
        statuses.add(422)  # an Idempotency-Key reused for another request
    return statuses


@dataclass(frozen=True)
class EventWebhooks:
    """What the ``webhooks`` section documents: each event type's ``data`` struct (named by
    ``component_name``), and the delivery headers (name → (pattern, description))."""

    payloads: Mapping[str, type[msgspec.Struct]]
    component_name: Callable[[str], str]
    headers: Mapping[str, tuple[str, str]]


EVENT_WEBHOOKS_STATE = "event_webhooks"


def operation_id(handler: HTTPRouteHandler, method: Any, path_components: list[Any]) -> str:
    """``<tag>_<handler name>`` (``moderation_kick``, ``seats_kick``): stable names the generated clients use
    for their functions. Litestar's default glues the path together (``V1RoomsParticipantsIdentityKickKick``).
    Unique across the document (tests/unit/test_openapi_contract.py checks it)."""
    tags = handler.resolve_tags()
    prefix = f"{tags[0]}_" if tags else ""
    suffix = f"_{str(method).lower()}" if len(handler.http_methods) > 1 else ""
    return (prefix + handler.handler_name + suffix).replace("-", "_")


def document_operations(app: Litestar, webhook_path: str, events: EventWebhooks | None = None) -> None:
    """Add the problem responses and the security requirement of every operation (before /schema is read),
    and keep ``events`` for the ``webhooks`` section."""
    if events is not None:
        app.state[EVENT_WEBHOOKS_STATE] = events
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if not isinstance(handler, HTTPRouteHandler):
                continue
            responses: dict[int, Any] = {s: _problem(s) for s in _statuses(route.path, handler, webhook_path)}
            if handler.parsed_fn_signature.return_type.annotation is ServerSentEvent:
                responses[200] = ResponseSpec(
                    data_container=str, media_type="text/event-stream", description="Server-Sent Events."
                )
            responses.update(handler.responses or {})
            handler.responses = responses
            if route.path.startswith("/v1/") and not handler.security:
                handler.security = CALLER_SECURITY
    # The document is built lazily, on first read; this class completes it then (see complete_document).
    app.plugins.get(OpenAPIPlugin).__class__ = ContractOpenAPIPlugin


# --- request schemas: msgspec's own JSON Schema, the one the server validates with ----------------------


@dataclass
class _RawSchema(Schema):
    """A component schema written by msgspec, served as is."""

    raw: dict[str, Any] = field(default_factory=dict)

    def to_schema(self) -> dict[str, Any]:
        return self.raw


# Rules between fields that msgspec types cannot state; each is also in the struct's description.
# JSON Schema cannot compare two fields, so `suspicious <= alert` is stated as what it implies at a few
# cut points (never both `suspicious > c` and `alert < c`): no valid pair is refused, and generators stop
# producing the inverted extremes the server refuses.
_THRESHOLD_CUTS = (0.25, 0.5, 0.75)
CONDITIONS: dict[str, dict[str, Any]] = {
    "Thresholds": {
        "allOf": [
            {
                "anyOf": [
                    {"properties": {"suspicious": {"maximum": cut}}},
                    {"properties": {"alert": {"minimum": cut}}},
                ]
            }
            for cut in _THRESHOLD_CUTS
        ]
    },
    "ModelCreate": {
        "oneOf": [
            {"properties": {"kind": {"const": "audio"}, "input_size": {"type": "null"}}},
            {"properties": {"kind": {"const": "video"}, "window_samples": {"type": "null"}}},
        ]
    },
    # Room controls: `duration` or `until`, not both, and either one only with a control switched on.
    "ControlsUpdate": {
        "allOf": [
            {
                "not": {
                    "properties": {"duration": {"type": "integer"}, "until": {"type": "string"}},
                    "required": ["duration", "until"],
                }
            },
            {
                "anyOf": [
                    {"properties": {"duration": {"type": "null"}, "until": {"type": "null"}}},
                    *(
                        {"properties": {f"{c}_disabled": {"const": True}}, "required": [f"{c}_disabled"]}
                        for c in ("audio", "video", "screen_share", "data")
                    ),
                ]
            },
        ]
    },
    # A message's payload is `json` or `text`, exactly one of them.
    "MessageIn": {
        "oneOf": [
            {"required": ["json"], "not": {"required": ["text"]}},
            {"required": ["text"], "not": {"required": ["json"]}},
        ]
    },
}


def request_structs(app: Litestar) -> list[type[msgspec.Struct]]:
    """The msgspec structs that route handlers take as their body (``data``), in route order."""
    found: dict[type[msgspec.Struct], None] = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if not isinstance(handler, HTTPRouteHandler):
                continue
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is None:
                continue
            for candidate in [data, *data.inner_types]:  # a body may be optional: `Struct | None`
                annotation = candidate.annotation
                if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
                    found[annotation] = None
    return list(found)


def request_components(app: Litestar) -> dict[str, dict[str, Any]]:
    """JSON Schema of every request body struct (and the structs inside them), from msgspec itself.

    Litestar's own rendering of msgspec types drops constraints inside containers and unions (the
    pattern of list items, dict keys and values, a ``minimum`` of 0 next to ``UNSET``); msgspec's is
    the schema it decodes with, so the document and the server's validation cannot drift apart.
    """
    _, components = msgspec.json.schema_components(request_structs(app), ref_template=REF_TEMPLATE)
    for name, extra in CONDITIONS.items():
        components[name] = components[name] | extra
    return components


REF_TEMPLATE = "#/components/schemas/{name}"


# --- links: what a creating operation returns, and the operations that take it ---------------------------


@dataclass(frozen=True)
class LinkSpec:
    """A link from the 2xx answers of ``source`` to ``target``, given by runtime expressions."""

    name: str
    source: tuple[str, str]
    target: tuple[str, str]
    parameters: dict[str, Any]
    request_body: Any = None
    description: str = ""


def _links() -> list[LinkSpec]:
    specs: list[LinkSpec] = []

    def link(
        source: tuple[str, str], name: str, target: tuple[str, str], body: Any = None, **parameters: Any
    ) -> None:
        specs.append(LinkSpec(name, source, target, parameters, body))

    room = {"room": "$response.body#/name"}
    created_room = ("POST", "/v1/rooms")
    for name, target in [
        ("GetRoom", ("GET", "/v1/rooms/{room}")),
        ("UpdateRoom", ("PATCH", "/v1/rooms/{room}")),
        ("EndRoom", ("POST", "/v1/rooms/{room}/end")),
        ("ListParticipants", ("GET", "/v1/rooms/{room}/participants")),
        ("Join", ("POST", "/v1/rooms/{room}/participants")),
        ("ListInvitations", ("GET", "/v1/rooms/{room}/invitations")),
        ("Invite", ("POST", "/v1/rooms/{room}/invitations")),
        ("ListRoomCalls", ("GET", "/v1/rooms/{room}/calls")),
        ("Audit", ("GET", "/v1/rooms/{room}/audit")),
        ("Bans", ("GET", "/v1/rooms/{room}/bans")),
        ("Seats", ("GET", "/v1/rooms/{room}/seats")),
        ("ListSeatRequests", ("GET", "/v1/rooms/{room}/seat-requests")),
        ("DetectionStatus", ("GET", "/v1/rooms/{room}/detection")),
        ("StartDetection", ("POST", "/v1/rooms/{room}/detection")),
        ("StopDetection", ("DELETE", "/v1/rooms/{room}/detection")),
        ("DetectionSummary", ("GET", "/v1/rooms/{room}/detection/summary")),
        ("ListRoomDetections", ("GET", "/v1/rooms/{room}/detections")),
    ]:
        link(created_room, name, target, **room)
    creator = {"room": "$response.body#/name", "identity": "$response.body#/creator"}
    link(created_room, "GetCreator", ("GET", "/v1/rooms/{room}/participants/{identity}"), **creator)
    link(
        created_room,
        "CreatorModeration",
        ("GET", "/v1/rooms/{room}/participants/{identity}/moderation"),
        **creator,
    )
    seat_zero = {"room": "$response.body#/name", "index": 0}
    link(
        created_room,
        "CreatorTakesSeat",
        ("POST", "/v1/rooms/{room}/seats/{index}/take"),
        {"identity": "$response.body#/creator"},
        **seat_zero,
    )
    # An empty body: no `actor`, so the caller acts itself (a generated actor is rarely the room's staff).
    for name, verb in [("LockSeat", "lock"), ("UnlockSeat", "unlock")]:
        link(created_room, name, ("POST", f"/v1/rooms/{{room}}/seats/{{index}}/{verb}"), {}, **seat_zero)

    joined = ("POST", "/v1/rooms/{room}/participants")
    member = {"room": "$response.body#/room", "identity": "$response.body#/identity"}
    for name, target in [
        ("GetParticipant", ("GET", "/v1/rooms/{room}/participants/{identity}")),
        ("UpdateParticipant", ("PATCH", "/v1/rooms/{room}/participants/{identity}")),
        ("RemoveParticipant", ("DELETE", "/v1/rooms/{room}/participants/{identity}")),
        ("Moderation", ("GET", "/v1/rooms/{room}/participants/{identity}/moderation")),
        ("Kick", ("POST", "/v1/rooms/{room}/participants/{identity}/kick")),
        ("Mute", ("POST", "/v1/rooms/{room}/participants/{identity}/mute")),
        ("Unmute", ("POST", "/v1/rooms/{room}/participants/{identity}/unmute")),
        ("ChangeRole", ("POST", "/v1/rooms/{room}/participants/{identity}/role")),
    ]:
        link(joined, name, target, **member)
    identity_body = {"identity": "$response.body#/identity"}
    in_room = {"room": "$response.body#/room"}
    link(
        joined, "TakeSeat", ("POST", "/v1/rooms/{room}/seats/{index}/take"), identity_body, index=0, **in_room
    )
    link(joined, "RequestSeat", ("POST", "/v1/rooms/{room}/seat-requests"), identity_body, **in_room)
    link(joined, "TransferOwner", ("POST", "/v1/rooms/{room}/owner"), identity_body, **in_room)

    kicked = ("POST", "/v1/rooms/{room}/participants/{identity}/kick")
    link(
        kicked,
        "LiftBan",
        ("DELETE", "/v1/rooms/{room}/bans/{identity}"),
        room="$request.path.room",
        identity="$request.path.identity",
    )

    taken = ("POST", "/v1/rooms/{room}/seats/{index}/take")
    seat = {"room": "$request.path.room", "index": "$response.body#/index"}
    link(
        taken,
        "LeaveSeat",
        ("POST", "/v1/rooms/{room}/seats/{index}/leave"),
        {"identity": "$response.body#/identity"},
        **seat,
    )
    link(taken, "KickFromSeat", ("POST", "/v1/rooms/{room}/seats/{index}/kick"), {}, **seat)

    invited = ("POST", "/v1/rooms/{room}/invitations")
    invitation = {"invitation_id": "$response.body#/items/0/id"}
    link(invited, "Accept", ("POST", "/v1/invitations/{invitation_id}/accept"), **invitation)
    link(invited, "Decline", ("POST", "/v1/invitations/{invitation_id}/decline"), **invitation)
    link(invited, "Revoke", ("DELETE", "/v1/invitations/{invitation_id}"), **invitation)

    requested = ("POST", "/v1/rooms/{room}/seat-requests")
    request = {"room": "$request.path.room", "request_id": "$response.body#/id"}
    for verb in ("approve", "reject", "cancel"):
        link(
            requested,
            verb.title(),
            ("POST", f"/v1/rooms/{{room}}/seat-requests/{{request_id}}/{verb}"),
            None if verb == "cancel" else {},
            **request,
        )

    subscribed = ("POST", "/v1/event-subscriptions")
    subscription = {"subscription_id": "$response.body#/id"}
    for name, target in [
        ("GetSubscription", ("GET", "/v1/event-subscriptions/{subscription_id}")),
        ("Deliveries", ("GET", "/v1/event-subscriptions/{subscription_id}/deliveries")),
        ("Enable", ("POST", "/v1/event-subscriptions/{subscription_id}/enable")),
        ("RotateSecret", ("POST", "/v1/event-subscriptions/{subscription_id}/rotate-secret")),
        ("DeleteSubscription", ("DELETE", "/v1/event-subscriptions/{subscription_id}")),
    ]:
        link(subscribed, name, target, **subscription)

    first_call = {"call_id": "$response.body#/items/0/id"}
    link(("GET", "/v1/rooms/{room}/calls"), "GetCall", ("GET", "/v1/calls/{call_id}"), **first_call)
    link(("GET", "/v1/calls"), "GetCall", ("GET", "/v1/calls/{call_id}"), **first_call)
    call = {"call_id": "$response.body#/id"}
    for name, part in [("CallParticipants", "participants"), ("CallTracks", "tracks")]:
        for source in [("GET", "/v1/rooms/{room}/calls"), ("GET", "/v1/calls")]:
            link(source, name, ("GET", f"/v1/calls/{{call_id}}/{part}"), **first_call)
        link(("GET", "/v1/calls/{call_id}"), name, ("GET", f"/v1/calls/{{call_id}}/{part}"), **call)

    first_event = {"event_id": "$response.body#/items/0/id"}
    link(("GET", "/v1/events"), "GetEvent", ("GET", "/v1/events/{event_id}"), **first_event)
    link(("GET", "/v1/events"), "Redeliver", ("POST", "/v1/events/{event_id}/redeliver"), **first_event)

    model = {"model_id": "$response.body#/id"}
    for source in [("POST", "/v1/detection/models")]:
        link(source, "GetModel", ("GET", "/v1/detection/models/{model_id}"), **model)
        link(source, "UpdateModel", ("PATCH", "/v1/detection/models/{model_id}"), **model)
    first_model = {"model_id": "$response.body#/items/0/id"}
    link(
        ("GET", "/v1/detection/models"), "GetModel", ("GET", "/v1/detection/models/{model_id}"), **first_model
    )

    # The detection worker's endpoints (its credential only): a room (created with `detection.enabled`,
    # or with detection started) → its config, heartbeats and scored windows; the config's active models
    # → windows scored by them. One link from a created room, to its config: each link from POST
    # /v1/rooms makes a stateful fuzzer's step to every other room operation less likely.
    worker_config = ("GET", "/v1/rooms/{room}/detection/config")
    report = ("POST", "/v1/rooms/{room}/detection/report")
    ingest = ("POST", "/v1/rooms/{room}/detections")
    link(created_room, "WorkerConfig", worker_config, **room)
    started = ("POST", "/v1/rooms/{room}/detection")
    in_detection = {"room": "$response.body#/room"}
    link(started, "WorkerConfig", worker_config, **in_detection)
    link(started, "WorkerReport", report, **in_detection)
    link(started, "WorkerWindows", ingest, **in_detection)
    link(worker_config, "WorkerReport", report, **in_detection)
    for kind in ("audio", "video"):
        scored = {"windows": [{"model_id": f"$response.body#/{kind}_model/id", "kind": kind}]}
        link(worker_config, f"{kind.title()}Windows", ingest, scored, **in_detection)
    return specs


LINKS = _links()


def _operations(openapi: OpenAPI) -> dict[tuple[str, str], Operation]:
    operations = {}
    for path, item in (openapi.paths or {}).items():
        for method in ("get", "put", "post", "delete", "patch"):
            operation = getattr(item, method, None)
            if operation is not None:
                operations[(method.upper(), path)] = operation
    return operations


def add_links(openapi: OpenAPI) -> None:
    """Put :data:`LINKS` on the 2xx responses of their source operations (by operationId)."""
    operations = _operations(openapi)
    for spec in LINKS:
        source, target = operations[spec.source], operations[spec.target]
        for status, response in (source.responses or {}).items():
            if not status.startswith("2") or not isinstance(response, OpenAPIResponse):
                continue
            response.links = (response.links or {}) | {
                spec.name: Link(
                    operation_id=target.operation_id,
                    parameters=spec.parameters,
                    request_body=spec.request_body,
                    description=spec.description or None,
                )
            }


# Request fields whose limit is a setting: (component, field) -> the setting's value, its name.
def _setting_limits(settings: Settings) -> dict[tuple[str, str], tuple[int, str]]:
    max_ttl = (settings.tokens.max_ttl, "ROOMSVC_TOKEN_MAX_TTL")
    return {("JoinRequest", "ttl"): max_ttl, ("InvitationAccept", "ttl"): max_ttl}


def apply_setting_limits(components: dict[str, dict[str, Any]], settings: Settings) -> None:
    """Lower a field's ``maximum`` to the deployment's setting, which the server enforces (400)."""
    for (component, name), (limit, setting) in _setting_limits(settings).items():
        prop = components[component]["properties"][name]
        for schema in [prop, *prop.get("anyOf", ())]:
            if schema.get("type") == "integer":
                schema["maximum"] = min(schema.get("maximum", limit), limit)
        prop["description"] = f"at most {setting} seconds ({limit} here)"


def complete_document(openapi: OpenAPI, app: Litestar) -> None:
    """What Litestar leaves out: request schemas as msgspec validates them, and links."""
    schemas = openapi.components.schemas if openapi.components.schemas is not None else {}
    components = request_components(app)
    settings = app.state.get("settings")
    if isinstance(settings, Settings):
        apply_setting_limits(components, settings)
    for name, raw in components.items():
        current = schemas.get(name)
        examples = current.to_schema().get("examples") if current is not None else None
        if examples and "examples" not in raw:
            raw = raw | {"examples": examples}
        schemas[name] = _RawSchema(raw=raw)
    openapi.components.schemas = schemas
    events = app.state.get(EVENT_WEBHOOKS_STATE)
    if isinstance(events, EventWebhooks):
        add_event_webhooks(openapi, events)
    add_links(openapi)
    add_idempotency_headers(openapi, app)
    add_project_header(openapi)
    mark_binary_bodies(openapi)


BINARY_MEDIA_TYPES = ("*/*", "application/octet-stream")


def mark_binary_bodies(openapi: OpenAPI) -> None:
    """Responses of raw bytes (a recording's file) say ``format: binary``: Litestar writes them as plain
    strings, which client generators then decode as text."""
    for operation in _operations(openapi).values():
        for response in (operation.responses or {}).values():
            content = getattr(response, "content", None) or {}
            for media_type, body in content.items():
                schema = body.schema
                if (
                    media_type in BINARY_MEDIA_TYPES
                    and isinstance(schema, Schema)
                    and schema.type is not None
                ):
                    schema.format = OpenAPIFormat.BINARY


# --- events: the payload schemas and the `webhooks` section -----------------------------------------------


def event_components(events: EventWebhooks) -> dict[str, dict[str, Any]]:
    """Each type's ``data`` struct (and the structs inside it) as msgspec writes its JSON Schema.

    ``additionalProperties: false`` is dropped: emit refuses unknown fields (roomsvc.events.payloads), but a
    field added later must stay a compatible change for clients generated from an older document.
    """
    for event_type, struct in events.payloads.items():
        if struct.__name__ != events.component_name(event_type):
            raise ValueError(f"{event_type}: its struct must be named {events.component_name(event_type)}")
    _, components = msgspec.json.schema_components(list(events.payloads.values()), ref_template=REF_TEMPLATE)
    return {
        name: {key: value for key, value in schema.items() if key != "additionalProperties"}
        for name, schema in components.items()
    }


def _envelope(event_type: str, data_component: str) -> dict[str, Any]:
    return {
        "type": "object",
        "title": f"{data_component.removesuffix('Data')}Event",
        "required": ["id", "type", "room", "occurred_at", "data"],
        "properties": {
            "id": {"type": "string", "description": "Unique and stable: a redelivery has the same id."},
            "type": {"type": "string", "const": event_type, "enum": [event_type]},
            "room": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "The room's name."},
            "occurred_at": {"type": "string", "format": "date-time"},
            "data": {"$ref": REF_TEMPLATE.format(name=data_component)},
        },
    }


def add_event_webhooks(openapi: OpenAPI, events: EventWebhooks) -> None:
    """The payload components, one ``webhooks`` entry per event type, and ``EventOut.data`` pointing there."""
    schemas = openapi.components.schemas if openapi.components.schemas is not None else {}
    for name, raw in event_components(events).items():
        if name in schemas:
            raise ValueError(f"event payload component {name!r} clashes with another schema")
        schemas[name] = _RawSchema(raw=raw)
    openapi.components.schemas = schemas
    headers = [
        Parameter(
            name=name,
            param_in=ParamType.HEADER,
            required=True,
            schema=Schema(type=OpenAPIType.STRING, pattern=pattern),
            description=description,
        )
        for name, (pattern, description) in events.headers.items()
    ]
    webhooks: dict[str, Any] = dict(openapi.webhooks or {})
    for event_type in events.payloads:
        component = events.component_name(event_type)
        webhooks[event_type] = PathItem(
            post=Operation(
                operation_id=f"Event{component.removesuffix('Data')}",
                summary=f"`{event_type}` delivered to a subscription's URL",
                description=(
                    "roomsvc POSTs the event envelope, signed, to every subscription that wants this type "
                    "(docs/events.md). Any 2xx within ROOMSVC_EVENT_TIMEOUT acknowledges it; anything else "
                    "is retried with backoff. The same event can arrive more than once: de-duplicate by "
                    "`id`. The SSE stream and `GET /v1/events` carry the same envelope."
                ),
                tags=["Events"],
                parameters=list(headers),
                request_body=RequestBody(
                    required=True,
                    content={
                        "application/json": OpenAPIMediaType(
                            schema=_RawSchema(raw=_envelope(event_type, component))
                        )
                    },
                ),
                responses={
                    "2XX": OpenAPIResponse(description="Acknowledged: the delivery is done."),
                    "default": OpenAPIResponse(description="Not acknowledged: retried later."),
                },
            )
        )
    openapi.webhooks = webhooks
    event_out = schemas.get("EventOut")
    properties = event_out.properties if isinstance(event_out, Schema) else None
    data = (properties or {}).get("data")
    if isinstance(data, Schema):
        data.description = (
            "The type's payload: the component named after `type` (`seat_request.created` → "
            "`SeatRequestCreatedData`), also the `data` of each entry in `webhooks`."
        )


def add_project_header(openapi: OpenAPI) -> None:
    """Document the optional ``Roomsvc-Project`` header on every /v1 operation (auth.act_in_project)."""
    header = Parameter(
        name=PROJECT_HEADER,
        param_in=ParamType.HEADER,
        required=False,
        schema=Schema(type=OpenAPIType.STRING, min_length=1, max_length=32, pattern=PROJECT_ID_PATTERN),
        description=(
            "The project the request acts in. Required from `platform` credentials on project routes "
            "(400 `project-required` without it; 404 for an unknown project); a project credential may "
            "only name its own project (403 `project-mismatch`)."
        ),
    )
    for (_, path), operation in _operations(openapi).items():
        if path.startswith("/v1/"):
            operation.parameters = [*(operation.parameters or []), header]


def add_idempotency_headers(openapi: OpenAPI, app: Litestar) -> None:
    """Document the optional ``Idempotency-Key`` header on the routes that honour it (roomsvc.idempotency)."""
    operations = _operations(openapi)
    header = Parameter(
        name=idempotency.HEADER,
        param_in=ParamType.HEADER,
        required=False,
        schema=Schema(
            type=OpenAPIType.STRING,
            min_length=1,
            max_length=idempotency.MAX_KEY_LENGTH,
            pattern=r"^[!-~]+$",  # visible ASCII, as the server checks
        ),
        description=(
            "Repeat a request safely: the same key with the same body returns the first response "
            "(`Idempotent-Replayed: true`); with another body, 422 `idempotency-key-reused`. Keys last 24 h."
        ),
    )
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if not isinstance(handler, HTTPRouteHandler) or not handler.opt.get(idempotency.OPT):
                continue
            path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)  # /{room:str} in Litestar, /{room} here
            for method in handler.http_methods:
                operation = operations.get((method, path))
                if operation is not None:
                    operation.parameters = [*(operation.parameters or []), header]


class ContractOpenAPIPlugin(OpenAPIPlugin):
    """Litestar's OpenAPI plugin, plus :func:`complete_document` on the document it builds (once, lazily)."""

    __slots__ = ()

    def _build_openapi(self) -> OpenAPI:
        openapi = super()._build_openapi()
        complete_document(openapi, self.app)
        return openapi
