from __future__ import annotations

import pytest

from roomsvc.credentials.service import normalize_scopes, open_secret, seal_secret
from roomsvc.errors import BadRequest
from roomsvc.types import decode_cursor, encode_cursor


def test_secret_round_trip_and_binding() -> None:
    sealed = seal_secret("m" * 40, "top-secret", "cred_a")
    assert "top-secret" not in sealed
    assert open_secret("m" * 40, sealed, "cred_a") == "top-secret"
    with pytest.raises(ValueError, match="ROOMSVC_SECRET_KEY"):
        open_secret("n" * 40, sealed, "cred_a")
    with pytest.raises(ValueError):
        open_secret("m" * 40, sealed, "cred_b")  # sealed for another credential id


def test_scopes_are_validated() -> None:
    assert normalize_scopes(["rooms:write", "rooms:read", "rooms:read"]) == "rooms:read rooms:write"
    with pytest.raises(BadRequest, match="unknown scope"):
        normalize_scopes(["rooms:delete"])


def test_cursor_round_trip_and_garbage() -> None:
    assert decode_cursor(encode_cursor(42)) == 42
    assert decode_cursor(None) is None
    with pytest.raises(BadRequest):
        decode_cursor("bm90LWEtY3Vyc29y")
