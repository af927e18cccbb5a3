"""The TypeScript client's hand-written helpers (clients/typescript/src/helpers.ts) agree with roomsvc's
own code: caller JWTs byte for byte as roomsvc.credentials.tokens mints them, delivery signatures as
roomsvc.events.delivery signs them. The helpers are compiled with the client's tsc and run under Node;
tests/e2e/test_client_typescript.py checks them against the running API and a real delivery.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from roomsvc.config import load_settings
from roomsvc.credentials import tokens
from roomsvc.events.delivery import sign

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "clients" / "typescript"
TSC = CLIENT / "node_modules" / ".bin" / "tsc"
SECRET = "whsec_unit-test-secret"
BODY = json.dumps(
    {
        "id": "evt_04734c5be3e73d899670f26c",
        "type": "room.created",
        "room": "standup-42",
        "occurred_at": "2026-11-23T04:49:22.823828Z",
        "data": {"room_sid": "RM_JL3Uacw474uj", "creator": "alice"},
    }
)

pytestmark = pytest.mark.skipif(
    not TSC.exists(),
    reason="clients/typescript/node_modules is not installed: run `make test` (scripts/stack.sh installs it)",
)

RUNNER = """
import { readFileSync } from "node:fs";
const helpers = await import(process.argv[2]);
const cases = JSON.parse(readFileSync(process.argv[3], "utf8"));
const bytes = (text) => new TextEncoder().encode(text);
const adapters = {
  verifyFetchHeaders: (secret, headers, body) => helpers.verifySignature(secret, new Headers(headers), body),
  verifyBytes: (secret, headers, body) => helpers.verifySignature(secret, headers, bytes(body)),
  parseBytes: (body) => helpers.parseEvent(bytes(body)),
};
const out = {};
for (const [name, fn, args] of cases) {
  try {
    out[name] = { value: (adapters[fn] ?? helpers[fn])(...args) };
  } catch (error) {
    out[name] = { error: error.name, message: error.message };
  }
}
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def helpers_js(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """src/helpers.ts (and the events.ts it imports) compiled with the client's tsc, strict."""
    out = tmp_path_factory.mktemp("ts-helpers")
    result = subprocess.run(
        [
            *(str(TSC), "--strict", "--target", "ES2022", "--module", "NodeNext"),
            *("--moduleResolution", "NodeNext", "--types", "node", "--outDir", str(out), "src/helpers.ts"),
        ],
        cwd=CLIENT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (out / "package.json").write_text('{"type": "module"}\n')
    return out / "helpers.js"


def _run(helpers_js: Path, tmp_path: Path, cases: list[tuple[str, str, list[Any]]]) -> dict[str, Any]:
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    (tmp_path / "run.mjs").write_text(RUNNER)
    result = subprocess.run(
        ["node", str(tmp_path / "run.mjs"), helpers_js.as_uri(), str(tmp_path / "cases.json")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_caller_token_is_byte_for_byte_what_roomsvc_mints(
    helpers_js: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = 1_790_000_000
    monkeypatch.setattr(tokens.time, "time", lambda: now + 0.75)
    audience = load_settings({}).caller_auth.audience
    assert audience == "roomsvc"  # the helper's default
    secret = "caller-secret-0123456789abcdef0123"
    scopes = ["rooms:read", "moderation"]
    plain = tokens.mint_caller_token(
        credential_id="cred_app", secret=secret, audience=audience, scopes=scopes
    )
    long = tokens.mint_caller_token(
        credential_id="cred_app", secret=secret, audience="other", scopes=[], ttl=3600, operator="ops.é"
    )
    options = {"credentialId": "cred_app", "secret": secret, "scopes": scopes, "now": now}
    got = _run(
        helpers_js,
        tmp_path,
        [
            ("plain", "callerToken", [options]),
            (
                "long",
                "callerToken",
                [options | {"audience": "other", "scopes": [], "ttl": 3600, "operator": "ops.é"}],
            ),
            ("no_secret", "callerToken", [options | {"secret": ""}]),
        ],
    )
    assert got["plain"]["value"] == plain
    assert got["long"]["value"] == long
    assert got["no_secret"]["error"] == "TypeError"


def test_verify_signature_accepts_what_roomsvc_signs_and_nothing_else(
    helpers_js: Path, tmp_path: Path
) -> None:
    now = int(time.time())
    signature = sign(SECRET, now, BODY.encode())
    signed = {"Roomsvc-Timestamp": str(now), "Roomsvc-Signature": signature}
    lower = {"roomsvc-timestamp": str(now), "roomsvc-signature": signature}
    stale, recent = now - 301, now - 250
    other = sign("whsec_old", now, BODY.encode())
    tampered = signature[:-1] + ("1" if signature.endswith("0") else "0")  # always a different last digit

    def case(
        name: str, secret: Any, headers: Any, body: str = BODY, options: Any = None
    ) -> tuple[str, str, list[Any]]:
        return (name, "verifySignature", [secret, headers, body] + ([options] if options else []))

    got = _run(
        helpers_js,
        tmp_path,
        [
            case("signed", SECRET, signed),
            ("fetch_headers", "verifyFetchHeaders", [SECRET, signed, BODY]),
            ("bytes_body", "verifyBytes", [SECRET, signed, BODY]),
            case("lower_case_names", SECRET, lower),
            case(
                "node_array_value",
                SECRET,
                {"roomsvc-timestamp": [str(now)], "roomsvc-signature": [signature]},
            ),
            case("wrong_secret", "whsec_other", signed),
            case("tampered_body", SECRET, signed, BODY.replace("alice", "mallory")),
            case("tampered_signature", SECRET, signed | {"Roomsvc-Signature": tampered}),
            case("truncated_signature", SECRET, signed | {"Roomsvc-Signature": "v1=00"}),
            case("other_timestamp", SECRET, signed | {"Roomsvc-Timestamp": str(now - 1)}),
            case(
                "stale",
                SECRET,
                {"Roomsvc-Timestamp": str(stale), "Roomsvc-Signature": sign(SECRET, stale, BODY.encode())},
            ),
            case(
                "recent",
                SECRET,
                {"Roomsvc-Timestamp": str(recent), "Roomsvc-Signature": sign(SECRET, recent, BODY.encode())},
            ),
            case("future", SECRET, signed, BODY, {"now": now - 301}),
            case(
                "tight_tolerance",
                SECRET,
                {"Roomsvc-Timestamp": str(recent), "Roomsvc-Signature": sign(SECRET, recent, BODY.encode())},
                BODY,
                {"toleranceSeconds": 60},
            ),
            case("no_headers", SECRET, {}),
            case("not_digits", SECRET, signed | {"Roomsvc-Timestamp": f"{now}.0"}),
            case("several_signatures", SECRET, signed | {"Roomsvc-Signature": f"{other}, {signature}"}),
            case("rotation_two_secrets", ["whsec_old", SECRET], signed),
            case("rotation_neither", ["whsec_old", "whsec_older"], signed),
            case("other_scheme_only", SECRET, signed | {"Roomsvc-Signature": "v2=" + signature[3:]}),
            ("no_secret", "verifySignature", [[], signed, BODY]),
        ],
    )
    accepted = {name for name, outcome in got.items() if outcome.get("value") is True}
    assert accepted == {
        "signed",
        "lower_case_names",
        "node_array_value",
        "recent",
        "several_signatures",
        "rotation_two_secrets",
        "fetch_headers",
        "bytes_body",
    }, got
    assert got["tampered_body"]["value"] is False and got["stale"]["value"] is False
    assert got["no_secret"]["error"] == "TypeError"


def test_parse_event_types_known_envelopes_and_refuses_the_rest(helpers_js: Path, tmp_path: Path) -> None:
    envelope = json.loads(BODY)
    got = _run(
        helpers_js,
        tmp_path,
        [
            ("text", "parseEvent", [BODY]),
            ("bytes", "parseBytes", [BODY]),
            ("object", "parseEvent", [envelope]),
            ("unknown_type", "parseEvent", [envelope | {"type": "room.exploded"}]),
            ("not_json", "parseEvent", ["{nope"]),
            ("array", "parseEvent", [[envelope]]),
            ("room_number", "parseEvent", [envelope | {"room": 7}]),
            ("data_string", "parseEvent", [envelope | {"data": "x"}]),
            ("no_id", "parseEvent", [{k: v for k, v in envelope.items() if k != "id"}]),
            ("null_room", "parseEvent", [envelope | {"room": None, "type": "egress.updated"}]),
        ],
    )
    assert got["text"]["value"] == envelope
    assert got["object"]["value"] == envelope
    assert got["bytes"]["value"] == envelope
    assert got["null_room"]["value"]["room"] is None
    for name in ("unknown_type", "not_json", "array", "room_number", "data_string", "no_id"):
        assert got[name].get("error") == "EventParseError", (name, got[name])
    assert "room.exploded" in got["unknown_type"]["message"]
