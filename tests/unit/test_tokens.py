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


def test_no_role_gets_room_admin_unless_the_room_opts_in_and_then_only_the_owner() -> None:
    # roomAdmin makes a join token a LiveKit RoomService credential for the room (docs/api.md).
    for role in ("owner", "admin", "member", "audience"):
        for stage, seated in ((False, False), (True, False), (True, True)):
            grants = grants_for_role(role, "video", stage=stage, seated=seated)
            assert grants.room_admin is False and "roomAdmin" not in grants.to_claim("r"), role
    opted_in = {
        role: grants_for_role(role, "video", client_admin=True) for role in ("owner", "admin", "member")
    }
    assert opted_in["owner"].to_claim("r")["roomAdmin"] is True
    assert not opted_in["admin"].room_admin and not opted_in["member"].room_admin


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
