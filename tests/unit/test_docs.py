"""The docs agree with the code: Quickstart, routes, problem codes, event types, signature verification.

No services needed: the app is built in process (building it must not open a connection), everything
else is read from src/ and docs/.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "roomsvc"
README = ROOT / "README.md"
API_DOC = ROOT / "docs" / "api.md"
ERRORS_DOC = ROOT / "docs" / "errors.md"
EVENTS_DOC = ROOT / "docs" / "events.md"

# Routes that are not part of the documented API surface: the OpenAPI UI and the static asset mounts.
UNDOCUMENTED_PREFIXES = ("/schema", "/static/", "/demo/assets", "/console/assets")
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _section(markdown: str, title: str) -> str:
    """The text of the ``## title`` section, up to the next heading of the same or a higher level."""
    match = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^#{{1,2}} |\Z)", markdown, re.M | re.S)
    assert match, f"no '## {title}' section"
    return match.group(1)


def _code_blocks(markdown: str, language: str | None = None) -> list[str]:
    blocks = []
    for lang, body in re.findall(r"^```([\w-]*)\n(.*?)^```", markdown, re.M | re.S):
        if language is None or lang == language:
            blocks.append(body)
    return blocks


# --- README ----------------------------------------------------------------------------------------


def test_quickstart_is_exactly_make_run_and_make_test() -> None:
    quickstart = _section(README.read_text(), "Quickstart")
    blocks = _code_blocks(quickstart)
    assert blocks, "the Quickstart has no code block"
    commands = [
        line.strip()
        for block in blocks
        for line in block.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert commands == ["make run", "make test"]


# --- routes ----------------------------------------------------------------------------------------


def _normalise(path: str) -> str:
    """``/v1/rooms/{room:str}`` and ``/v1/rooms/{room}`` → ``/v1/rooms/{}``; no trailing slash."""
    path = re.sub(r"\{[^}/]*\}", "{}", path)
    return path.rstrip("/") or "/"


@pytest.fixture(scope="module")
def app_routes() -> set[tuple[str, str]]:
    """(METHOD, normalised path) of every documented-surface route of the app as `make run` builds it."""
    from litestar.routes import HTTPRoute

    from roomsvc.app import create_app
    from roomsvc.config import load_settings

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"building the app opened a connection: {args!r}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        patch.setattr(socket, "create_connection", refuse)
        app = create_app(load_settings({}))

    routes = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(UNDOCUMENTED_PREFIXES):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                if method not in IGNORED_METHODS:
                    routes.add((method, _normalise(route.path)))
    assert ("POST", "/v1/rooms") in routes  # sanity: the table is the real one
    return routes


def _route_pattern(path: str) -> re.Pattern[str]:
    parts = [r"[^/]+" if part == "{}" else re.escape(part) for part in path.split("/")]
    return re.compile("/".join(parts) + "/?")


def _doc_paths(text: str) -> set[str]:
    """Every /v1/... path the text mentions, shell variables and {placeholders} made into one segment."""
    found = set()
    for raw in re.findall(r"/v1/[^\s`\"'()\[\]<>?#|\\,;]*", text):
        path = raw.rstrip(".:")
        path = re.sub(r"\$\{?\w+\}?", "{}", path)  # $ROOM, ${ROOM}
        found.add(_normalise(path))
    return found


def test_every_v1_path_in_the_api_doc_exists(app_routes: set[tuple[str, str]]) -> None:
    patterns = [_route_pattern(path) for _, path in app_routes]
    unknown = sorted(p for p in _doc_paths(API_DOC.read_text()) if not any(r.fullmatch(p) for r in patterns))
    assert not unknown, f"docs/api.md mentions paths the app does not have: {unknown}"


def test_every_route_is_documented_with_its_method(app_routes: set[tuple[str, str]]) -> None:
    documented = {
        (method, _normalise(path))
        for method, path in re.findall(
            r"\b(GET|POST|PUT|PATCH|DELETE) (/[A-Za-z0-9_{}/.:-]*)", API_DOC.read_text()
        )
    }
    missing = sorted(f"{m} {p}" for m, p in app_routes - documented)
    assert not missing, f"routes missing from docs/api.md (as `METHOD /path`): {missing}"


# --- problem codes ---------------------------------------------------------------------------------

CODE_PATTERNS = (
    r"\bcode(?:,\s*\w+)?\s*=\s*(f?)\"([^\"]+)\"",  # code="x", code = "x" (class), code, detail = "x", …
    r"(?:\d{3}:\s*|status_code,\s*)\(\s*()\"([a-z][a-z0-9-]*)\",",  # HTTP_STATUS_CODES and its fallback
    r"_problem\(\s*request,\s*\d{3},\s*()\"([a-z][a-z0-9-]*)\"",  # _problem(request, 400, "code", …)
)


def _source_codes() -> tuple[set[str], list[re.Pattern[str]]]:
    """Literal problem codes in src/, and f-string codes as patterns (``invitation-{status}``)."""
    literal: set[str] = set()
    templates: list[re.Pattern[str]] = []
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        for pattern in CODE_PATTERNS:
            for is_fstring, value in re.findall(pattern, text):
                if is_fstring:
                    parts = re.split(r"\{[^}]*\}", value)
                    templates.append(re.compile("[a-z]+".join(re.escape(p) for p in parts)))
                else:
                    literal.add(value)
    return literal, templates


def _documented_codes() -> set[str]:
    """The first column of the table rows under docs/errors.md's "## Codes" that name a code."""
    codes = ERRORS_DOC.read_text().split("\n## Codes\n", 1)[1]
    return set(re.findall(r"^\|\s*`([a-z][a-z0-9-]*)`\s*\|", codes, re.M))


def test_source_code_extraction_finds_the_known_ones() -> None:
    literal, templates = _source_codes()
    assert {"room-not-found", "validation-failed", "rate-limited", "not-ready", "http-error"} <= literal
    assert any(t.fullmatch("invitation-revoked") for t in templates)


def test_every_problem_code_in_the_source_is_documented() -> None:
    literal, templates = _source_codes()
    documented = _documented_codes()
    missing = sorted(literal - documented)
    assert not missing, f"problem codes missing from docs/errors.md: {missing}"
    for template in templates:
        assert any(template.fullmatch(code) for code in documented), (
            f"no code in docs/errors.md for the pattern {template.pattern}"
        )


def test_every_documented_problem_code_exists_in_the_source() -> None:
    literal, templates = _source_codes()
    unknown = sorted(
        code
        for code in _documented_codes()
        if code not in literal and not any(t.fullmatch(code) for t in templates)
    )
    assert not unknown, f"docs/errors.md lists codes the source never produces: {unknown}"


# --- event types -----------------------------------------------------------------------------------


def _emitted_event_types() -> set[str]:
    """The catalogue: ``emit()`` accepts only ``EventType`` members (mypy holds every call site to it)."""
    from roomsvc.events.types import EventType

    return {member.value for member in EventType}


def _documented_event_types() -> set[str]:
    return set(re.findall(r"^#{3,4} `([a-z_]+\.[a-z_]+)`", EVENTS_DOC.read_text(), re.M))


def test_every_emitted_event_type_is_documented() -> None:
    emitted = _emitted_event_types()
    assert {"room.created", "participant.kicked", "seat.taken"} <= emitted  # sanity
    missing = sorted(emitted - _documented_event_types())
    assert not missing, f"event types missing from docs/events.md (as `### \\`type\\`` headings): {missing}"


def test_every_documented_event_type_is_emitted() -> None:
    unknown = sorted(_documented_event_types() - _emitted_event_types())
    assert not unknown, f"docs/events.md documents event types that are not in EventType: {unknown}"


# --- signature verification snippets ----------------------------------------------------------------


def _snippet(language: str) -> str:
    blocks = [b for b in _code_blocks(EVENTS_DOC.read_text(), language) if "Roomsvc-Signature" in b]
    assert blocks, f"docs/events.md has no {language} block that verifies Roomsvc-Signature"
    return blocks[0]


def _signed_delivery(secret: str) -> tuple[bytes, int, str]:
    from roomsvc.events.delivery import sign

    body = json.dumps(
        {"id": "evt_0123", "type": "room.created", "room": "standup-42", "occurred_at": "x", "data": {}}
    ).encode()
    timestamp = int(time.time())
    return body, timestamp, sign(secret, timestamp, body)


def test_python_verification_snippet_accepts_what_delivery_signs() -> None:
    from roomsvc.events.delivery import sign

    namespace: dict[str, Any] = {}
    exec(compile(_snippet("python"), "docs/events.md", "exec"), namespace)  # noqa: S102
    verify = namespace["verify_signature"]
    secret = "whsec_test-secret"
    body, timestamp, signature = _signed_delivery(secret)

    def headers(at: int, value: str | None = None) -> dict[str, str]:
        return {"Roomsvc-Timestamp": str(at), "Roomsvc-Signature": value or sign(secret, at, body)}

    assert verify(secret, headers(timestamp, signature), body) is True
    assert verify("whsec_other", headers(timestamp, signature), body) is False
    assert verify(secret, headers(timestamp, signature), body + b" ") is False
    # The signature covers the timestamp: moving the timestamp invalidates it.
    assert verify(secret, headers(timestamp - 1, signature), body) is False
    # Correctly signed but outside the 5-minute window (either way): refused; inside it: accepted.
    assert verify(secret, headers(timestamp - 301), body) is False
    assert verify(secret, headers(timestamp + 301), body) is False
    assert verify(secret, headers(timestamp - 250), body) is True
    # Header names are case-insensitive (frameworks hand them over in any case).
    lower = {"roomsvc-timestamp": str(timestamp), "roomsvc-signature": signature}
    assert verify(secret, lower, body) is True
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert signature == f"v1={expected}"  # what the doc says the header holds


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_javascript_verification_snippet_accepts_what_delivery_signs(tmp_path: Path) -> None:
    from roomsvc.events.delivery import sign

    secret = "whsec_test-secret"
    body, timestamp, signature = _signed_delivery(secret)
    stale, recent = timestamp - 301, timestamp - 250
    cases = [
        (secret, str(timestamp), signature, body, True),
        ("whsec_other", str(timestamp), signature, body, False),
        (secret, str(timestamp), signature, body + b" ", False),
        (secret, str(timestamp - 1), signature, body, False),
        (secret, str(stale), sign(secret, stale, body), body, False),
        (secret, str(recent), sign(secret, recent, body), body, True),
        (secret, str(timestamp), "v1=00", body, False),
    ]
    script = tmp_path / "verify.cjs"
    script.write_text(
        _snippet("js")
        + "\nconst cases = "
        + json.dumps([[s, t, sig, b.decode(), ok] for s, t, sig, b, ok in cases])
        + ";\nfor (const [secret, ts, sig, body, ok] of cases) {\n"
        + "  const headers = { 'roomsvc-timestamp': ts, 'roomsvc-signature': sig };\n"
        + "  const got = verifySignature(secret, headers, Buffer.from(body));\n"
        + "  if (got !== ok) { console.error('case failed', ts, sig, ok, got); process.exit(1); }\n"
        + "}\nconsole.log('ok');\n"
    )
    result = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
