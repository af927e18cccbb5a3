"""The OpenAPI document is the contract: request schemas carry every constraint of the msgspec types the
server decodes with, settings that lower a limit lower it in the document too, and creating operations
link to the operations that take what they return.

The document is built as `make run` builds the app (no connection opened); the expected constraints are
read from the msgspec types with :mod:`msgspec.inspect`, a different path from the one that writes them.
"""

from __future__ import annotations

from typing import Any

import msgspec
import msgspec.inspect as mi
import pytest

from roomsvc.openapi import LINKS, request_structs
from roomsvc.types import MAX_METADATA_BYTES

# What a creating operation returns, and the operations the issue names as taking it.
EXPECTED_LINKS = {
    ("POST", "/v1/rooms"): [
        ("GET", "/v1/rooms/{room}/participants"),
        ("POST", "/v1/rooms/{room}/participants"),
        ("GET", "/v1/rooms/{room}/seats"),
        ("POST", "/v1/rooms/{room}/seats/{index}/take"),
        ("GET", "/v1/rooms/{room}/participants/{identity}/moderation"),
        ("GET", "/v1/rooms/{room}/bans"),
        ("GET", "/v1/rooms/{room}/detection"),
        ("POST", "/v1/rooms/{room}/detection"),
        ("GET", "/v1/rooms/{room}/calls"),
    ],
    ("POST", "/v1/rooms/{room}/participants"): [
        ("POST", "/v1/rooms/{room}/participants/{identity}/kick"),
        ("POST", "/v1/rooms/{room}/participants/{identity}/mute"),
        ("POST", "/v1/rooms/{room}/participants/{identity}/unmute"),
        ("POST", "/v1/rooms/{room}/participants/{identity}/role"),
        ("POST", "/v1/rooms/{room}/owner"),
    ],
    ("POST", "/v1/rooms/{room}/invitations"): [
        ("POST", "/v1/invitations/{invitation_id}/accept"),
        ("POST", "/v1/invitations/{invitation_id}/decline"),
        ("DELETE", "/v1/invitations/{invitation_id}"),
    ],
    ("POST", "/v1/rooms/{room}/seat-requests"): [
        ("POST", "/v1/rooms/{room}/seat-requests/{request_id}/approve"),
        ("POST", "/v1/rooms/{room}/seat-requests/{request_id}/reject"),
        ("POST", "/v1/rooms/{room}/seat-requests/{request_id}/cancel"),
    ],
    ("POST", "/v1/event-subscriptions"): [
        ("GET", "/v1/event-subscriptions/{subscription_id}/deliveries"),
        ("POST", "/v1/event-subscriptions/{subscription_id}/rotate-secret"),
        ("POST", "/v1/event-subscriptions/{subscription_id}/enable"),
        ("DELETE", "/v1/event-subscriptions/{subscription_id}"),
    ],
    ("GET", "/v1/rooms/{room}/calls"): [("GET", "/v1/calls/{call_id}")],
    ("POST", "/v1/detection/models"): [("GET", "/v1/detection/models/{model_id}")],
}


def build(env: dict[str, str] | None = None) -> tuple[Any, dict[str, Any]]:
    from roomsvc.app import create_app
    from roomsvc.config import load_settings

    app = create_app(load_settings(env or {}))
    return app, app.openapi_schema.to_schema()


@pytest.fixture(scope="module")
def built() -> tuple[Any, dict[str, Any]]:
    return build()


@pytest.fixture(scope="module")
def document(built: tuple[Any, dict[str, Any]]) -> dict[str, Any]:
    return built[1]


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    if "allOf" in schema and len(schema["allOf"]) == 1:
        schema = schema["allOf"][0]
    ref = schema.get("$ref")
    if ref is None:
        return None, schema
    name = ref.rsplit("/", 1)[1]
    return name, document["components"]["schemas"][name]


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in {"get", "put", "post", "delete", "patch"}
    }


def _alternatives(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [schema, *schema.get("anyOf", ()), *schema.get("oneOf", ())]


def check(document: dict[str, Any], where: str, info: Any, schema: dict[str, Any]) -> list[str]:
    """Where ``schema`` lacks a constraint of the msgspec type ``info``: one line per gap."""
    problems: list[str] = []
    if isinstance(info, mi.Metadata):
        extra = info.extra_json_schema or {}
        for key, value in extra.items():
            if key in {"description", "examples"}:
                continue
            if not any(alt.get(key) == value for alt in _alternatives(schema)):
                problems.append(f"{where}: lacks {key}={value!r}")
        return problems + check(document, where, info.type, schema)
    if isinstance(info, mi.UnionType):
        for member in info.types:
            if isinstance(member, mi.NoneType):
                continue
            matches = [alt for alt in _alternatives(schema) if not check(document, where, member, alt)]
            if not matches:
                problems.append(f"{where}: no alternative carries {member!r}")
        return problems
    candidates = _alternatives(schema)

    def has(**expected: Any) -> bool:
        return any(all(alt.get(k) == v for k, v in expected.items()) for alt in candidates)

    if isinstance(info, mi.StrType):
        for key, value in (
            ("pattern", info.pattern),
            ("minLength", info.min_length),
            ("maxLength", info.max_length),
        ):
            if value is not None and not has(type="string", **{key: value}):
                problems.append(f"{where}: string lacks {key}={value!r}")
    elif isinstance(info, (mi.IntType, mi.FloatType)):
        kind = "integer" if isinstance(info, mi.IntType) else "number"
        for key, value in (("minimum", info.ge), ("exclusiveMinimum", info.gt)):
            if value is not None and not has(type=kind, **{key: value}):
                problems.append(f"{where}: {kind} lacks {key}={value!r}")
        for key, value in (("maximum", info.le), ("exclusiveMaximum", info.lt)):
            # a setting may lower a maximum (apply_setting_limits), never raise or drop it
            if value is not None and not any(
                alt.get("type") == kind and alt.get(key) is not None and alt[key] <= value
                for alt in candidates
            ):
                problems.append(f"{where}: {kind} lacks {key}<={value!r}")
    elif isinstance(info, mi.LiteralType):
        if not any(set(alt.get("enum", ())) == set(info.values) for alt in candidates):
            problems.append(f"{where}: lacks enum {sorted(info.values)!r}")
    elif isinstance(info, mi.ListType):
        arrays = [alt for alt in candidates if alt.get("type") == "array"]
        if not arrays:
            return [f"{where}: not an array"]
        array = arrays[0]
        for key, value in (("minItems", info.min_length), ("maxItems", info.max_length)):
            if value is not None and array.get(key) != value:
                problems.append(f"{where}: array lacks {key}={value!r}")
        problems += check(document, f"{where}[]", info.item_type, array.get("items", {}))
    elif isinstance(info, mi.DictType):
        objects = [alt for alt in candidates if alt.get("type") == "object"]
        if not objects:
            return [f"{where}: not an object"]
        mapping = objects[0]
        for key, value in (("minProperties", info.min_length), ("maxProperties", info.max_length)):
            if value is not None and mapping.get(key) != value:
                problems.append(f"{where}: object lacks {key}={value!r}")
        key_schema = {"type": "string"} | mapping.get("propertyNames", {})
        problems += check(document, f"{where}{{key}}", info.key_type, key_schema)
        problems += check(
            document, f"{where}{{value}}", info.value_type, mapping.get("additionalProperties", {})
        )
    elif isinstance(info, mi.StructType):
        refs = [alt for alt in candidates if "$ref" in alt]
        if not refs:
            return [f"{where}: no $ref to {info.cls.__name__}"]
        name, component = resolve(document, refs[0])
        if name != info.cls.__name__:
            return [f"{where}: refers to {name}, not {info.cls.__name__}"]
        problems += check_struct(document, info, component)
    return problems


def check_struct(document: dict[str, Any], info: mi.StructType, component: dict[str, Any]) -> list[str]:
    name = info.cls.__name__
    properties = component.get("properties", {})
    problems = []
    required = {f.encode_name for f in info.fields if f.required}
    if set(component.get("required", ())) != required:
        problems.append(f"{name}: required {sorted(component.get('required', ()))} != {sorted(required)}")
    if info.forbid_unknown_fields and component.get("additionalProperties") is not False:
        problems.append(f"{name}: refuses unknown fields, but the schema allows them")
    for field in info.fields:
        if field.encode_name not in properties:
            problems.append(f"{name}.{field.encode_name}: missing")
            continue
        problems += check(document, f"{name}.{field.encode_name}", field.type, properties[field.encode_name])
    return problems


def test_every_request_body_is_documented_with_its_struct(built: tuple[Any, dict[str, Any]]) -> None:
    app, document = built
    structs = {cls.__name__: cls for cls in request_structs(app)}
    assert {"RoomCreate", "JoinRequest", "MuteRequest", "InvitationCreate", "ModelCreate"} <= set(structs)
    bodies = {}
    for key, operation in operations(document).items():
        content = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if content is None:
            continue
        schema = content["schema"]
        # an optional body is `oneOf: [struct, null]`
        schema = next((alt for alt in schema.get("oneOf", ()) if alt.get("type") != "null"), schema)
        bodies[key] = resolve(document, schema)[0]
    assert len(bodies) >= 25 and all(name in structs for name in bodies.values()), bodies


@pytest.mark.parametrize("struct", [pytest.param(s, id=s.__name__) for s in request_structs(build()[0])])
def test_request_schema_carries_the_constraints_of_its_msgspec_type(
    document: dict[str, Any], struct: type[msgspec.Struct]
) -> None:
    info = mi.type_info(struct)
    assert isinstance(info, mi.StructType)
    component = document["components"]["schemas"][struct.__name__]
    assert check_struct(document, info, component) == []


def test_the_checker_sees_a_dropped_constraint(document: dict[str, Any]) -> None:
    """The walk above can fail: Litestar's own rendering of InvitationCreate loses the identity pattern."""
    from roomsvc.invitations.schemas import InvitationCreate

    info = mi.type_info(InvitationCreate)
    assert isinstance(info, mi.StructType)
    component = document["components"]["schemas"]["InvitationCreate"]
    litestar_like = component | {
        "properties": component["properties"]
        | {"identities": {"type": "array", "items": {"type": "string"}}},
        "additionalProperties": True,
    }
    problems = check_struct(document, info, litestar_like)
    assert any("pattern" in p for p in problems) and any("unknown fields" in p for p in problems), problems


def test_server_side_rules_are_stated(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for name in ("RoomCreate", "RoomUpdate", "JoinRequest", "ParticipantUpdate", "InvitationAccept"):
        metadata = schemas[name]["properties"]["metadata"]
        assert metadata["x-max-bytes"] == MAX_METADATA_BYTES and "bytes" in metadata["description"], name
    duration = schemas["MuteRequest"]["properties"]["duration"]["anyOf"]
    assert {"type": "integer", "minimum": 1, "maximum": 365 * 86_400}.items() <= duration[1].items()
    assert schemas["ModelCreate"]["properties"]["uri"]["pattern"] == r"^(builtin:[^/.][^/]*|/.*)$"
    kinds = schemas["ModelCreate"]["oneOf"]  # window_samples is for audio models, input_size for video
    assert [k["properties"]["kind"]["const"] for k in kinds] == ["audio", "video"]
    assert "suspicious" in schemas["Thresholds"]["description"]
    cuts = schemas["Thresholds"]["allOf"]  # suspicious <= alert, as JSON Schema can say it: at cut points
    for cut in cuts:
        low, high = cut["anyOf"]
        assert low["properties"]["suspicious"]["maximum"] == high["properties"]["alert"]["minimum"]
    assert "seats" in schemas["SeatRequestCreate"]["properties"]["seat"]["anyOf"][0]["description"]


def test_a_setting_that_lowers_a_limit_lowers_it_in_the_document() -> None:
    _, document = build({"ROOMSVC_TOKEN_MAX_TTL": "600"})
    for name in ("JoinRequest", "InvitationAccept"):
        ttl = document["components"]["schemas"][name]["properties"]["ttl"]
        assert ttl["anyOf"][0]["maximum"] == 600 and "ROOMSVC_TOKEN_MAX_TTL" in ttl["description"], name


def test_creating_operations_link_to_what_takes_their_result(document: dict[str, Any]) -> None:
    ops = operations(document)
    by_id = {operation["operationId"]: key for key, operation in ops.items()}
    for source, targets in EXPECTED_LINKS.items():
        linked = set()
        for status, response in ops[source]["responses"].items():
            if status.startswith("2"):
                linked |= {by_id[link["operationId"]] for link in response.get("links", {}).values()}
        assert linked, f"{source} has no links"
        missing = [t for t in targets if t not in linked]
        assert not missing, f"{source} does not link to {missing}"


def test_every_link_names_real_parameters(document: dict[str, Any]) -> None:
    ops = operations(document)
    by_id = {operation["operationId"]: operation for operation in ops.values()}
    links = 0
    for key, operation in ops.items():
        for status, response in operation["responses"].items():
            for name, link in response.get("links", {}).items():
                links += 1
                target = by_id[link["operationId"]]
                names = {p["name"] for p in target.get("parameters", ()) if p["in"] == "path"}
                assert set(link["parameters"]) == names, (key, status, name)
                for expression in link["parameters"].values():
                    assert not isinstance(expression, str) or expression.startswith("$"), (key, name)
                if "requestBody" in link:
                    assert "requestBody" in target, (key, name)
    assert links >= len(LINKS)


# --- what the deep fuzzing found ----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://\x11", "http://\u00e8\U000769e3\x11"])
async def test_a_subscription_url_httpx_cannot_parse_is_refused_not_a_server_error(url: str) -> None:
    """`make fuzz` got 500s from POST /v1/event-subscriptions: httpx.InvalidURL escaped the policy."""
    from roomsvc.events.destinations import DestinationPolicy, RefusedDestination

    with pytest.raises(RefusedDestination, match="valid absolute"):
        await DestinationPolicy().resolve(url)


def test_the_idempotency_key_header_is_documented_on_exactly_the_routes_that_honour_it(
    built: tuple[Any, dict[str, Any]], document: dict[str, Any]
) -> None:
    import re

    from litestar.handlers import HTTPRouteHandler

    from roomsvc import idempotency

    app, _ = built
    honouring = {
        (method, re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path))
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
        if isinstance(handler, HTTPRouteHandler) and handler.opt.get(idempotency.OPT)
        for method in handler.http_methods
    }
    documented = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if any(p["name"] == idempotency.HEADER for p in operation.get("parameters", []))
    }
    assert honouring and documented == honouring


def _longest_window(seconds: int) -> dict[str, Any]:
    """A scored window with every field at its longest, as a generator following the document sends it."""
    import datetime as dt

    start = dt.datetime(2026, 11, 30, 23, 59, 59, 999_999, dt.timezone(dt.timedelta(hours=-13, minutes=-59)))
    start += dt.timedelta(seconds=seconds)
    return {
        "identity": "i" * 128,
        "participant_sid": "P" * 64,
        "track_sid": "T" * 64,
        "kind": "video",
        "window_start": start.isoformat(),
        "window_end": (start + dt.timedelta(seconds=1)).isoformat(),
        "score": 0.12345678901234568,
        "smoothed_score": 2.2250738585072014e-308,
        "state": "suspicious",
        "model_id": 2**63 - 1,
    }


def test_the_largest_batch_of_scored_windows_fits_the_routes_body_limit(
    built: tuple[Any, dict[str, Any]], document: dict[str, Any]
) -> None:
    """`make fuzz` warned "schema validation mismatch" on POST …/detections: the document allowed 500
    windows, but ROOMSVC_MAX_BODY_BYTES (64 KiB) answered 413 to a batch of far fewer long ones."""
    import json

    from litestar.handlers import HTTPRouteHandler

    from roomsvc.detection.schemas import MAX_BATCH_BYTES, MAX_BATCH_WINDOWS, WindowBatch

    app, _ = built
    windows = document["components"]["schemas"]["WindowBatch"]["properties"]["windows"]
    assert windows["maxItems"] == MAX_BATCH_WINDOWS
    assert windows["x-max-body-bytes"] == MAX_BATCH_BYTES and str(MAX_BATCH_BYTES) in windows["description"]
    batch = {
        "job_id": "j" * 64,
        "room_sid": "R" * 64,
        "windows": [_longest_window(n) for n in range(MAX_BATCH_WINDOWS)],
    }
    msgspec.convert(batch, WindowBatch)  # valid by the document's own rules
    size = len(json.dumps(batch).encode())  # Python's separators: ", " and ": "
    assert size > app.request_max_body_size, "the limit this route must not inherit"
    limits = {
        handler.resolve_request_max_body_size()
        for route in app.routes
        if route.path == "/v1/rooms/{room:str}/detections"
        for handler in getattr(route, "route_handlers", ())
        if isinstance(handler, HTTPRouteHandler) and "POST" in handler.http_methods
    }
    assert limits == {MAX_BATCH_BYTES} and size < MAX_BATCH_BYTES


def test_operation_ids_are_unique_and_named_after_tag_and_handler(document: dict[str, Any]) -> None:
    """The generated clients name their functions after these: unique, stable, readable."""
    ids = [op["operationId"] for (_, _), op in operations(document).items()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    by_route = {(m, p): op["operationId"] for (m, p), op in operations(document).items()}
    assert by_route[("POST", "/v1/rooms/{room}/participants/{identity}/kick")] == "moderation_kick"
    assert by_route[("POST", "/v1/rooms/{room}/seats/{index}/kick")] == "seats_kick"
