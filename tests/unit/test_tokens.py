from __future__ import annotations

import jwt

from roomsvc.moderation.permissions import grants_for_role
from roomsvc.participants.tokens import mint_join_token


def test_audience_sets_can_publish_false_explicitly() -> None:
    grants = grants_for_role("audience", "video")
    claim = grants.to_claim("r")
    assert claim["canPublish"] is False  # present, not omitted: VideoGrants would default it to True
    assert "canPublishSources" not in claim and "roomAdmin" not in claim


def test_sources_follow_call_type() -> None:
    assert grants_for_role("member", "audio").can_publish_sources == ("microphone",)
    assert "camera" in grants_for_role("member", "video").can_publish_sources
    assert grants_for_role("admin", "video").room_admin is True


def test_minted_token_has_livekit_claims() -> None:
    token, exp = mint_join_token(
        api_key="k",
        api_secret="s" * 40,
        room="r1",
        identity="alice",
        grants=grants_for_role("member", "audio"),
        ttl=60,
        name="Alice",
        metadata='{"a":1}',
        attributes={"team": "x"},
        now=1_000,
    )
    claims = jwt.decode(
        token, "s" * 40, algorithms=["HS256"], options={"verify_exp": False, "verify_nbf": False}
    )
    assert exp == 1_060
    assert claims == {
        "iss": "k",
        "sub": "alice",
        "nbf": 1_000,
        "exp": 1_060,
        "name": "Alice",
        "metadata": '{"a":1}',
        "attributes": {"team": "x"},
        "video": {
            "roomJoin": True,
            "room": "r1",
            "canSubscribe": True,
            "canPublish": True,
            "canPublishData": True,
            "canPublishSources": ["microphone"],
        },
    }
