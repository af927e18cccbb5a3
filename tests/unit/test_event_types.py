"""The event catalogue's filters: which subscription filter entries are valid, and what they match."""

from __future__ import annotations

import pytest

from roomsvc.events.types import EventType, prefixes, unknown_filters, wants


def test_prefixes_are_the_part_before_the_dot_of_some_member() -> None:
    assert {
        "room",
        "participant",
        "track",
        "seat",
        "seat_request",
        "join_request",
        "egress",
        "ingress",
        "detection",
        "recording",
        "agent",
    } == prefixes()


@pytest.mark.parametrize(
    "entry", ["*", "room.*", "seat_request.*", "participant.joined", *(member.value for member in EventType)]
)
def test_valid_entries_are_not_unknown(entry: str) -> None:
    assert unknown_filters([entry]) == []


@pytest.mark.parametrize(
    "entry",
    ["participant.joind", "rooms.*", "room", "room.", "seat_requests.*", "moderation.kick", ".*", "**"],
)
def test_entries_that_match_no_member_are_unknown(entry: str) -> None:
    assert unknown_filters(["room.created", entry, "*"]) == [entry]


def test_wants_matches_exact_types_prefixes_and_star() -> None:
    assert wants("*", "room.created")
    assert wants("room.* participant.joined", "room.ended")
    assert wants("room.* participant.joined", "participant.joined")
    assert not wants("room.* participant.joined", "participant.left")
    # `seat.*` is the prefix `seat.`: it does not take in `seat_request.*`.
    assert wants("seat.*", "seat.taken")
    assert not wants("seat.*", "seat_request.created")
    # `*` among other entries still means every type.
    assert wants("room.created *", "detection.alert")
