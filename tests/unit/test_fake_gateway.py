"""The fake LiveKit gateway (tests/fakes.py) cannot drift from the real one (roomsvc.livekit).

Every public method, property and instance attribute of :class:`LiveKitGateway` must exist on
:class:`FakeLiveKitGateway` with the same parameters (names, kinds, defaults, annotations), the same
return annotation and the same sync/async nature; and the fake's failure injection must behave as the
real gateway's errors do. No services are needed.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from roomsvc.errors import LiveKitError, LiveKitUnavailable
from roomsvc.livekit import Grants, LiveKitGateway, LiveKitNotFound
from tests.fakes import DEFAULT_SETTINGS, TWIRP_METHODS, FakeLiveKitGateway


def _public_members(cls: type) -> dict[str, Any]:
    return {
        name: inspect.getattr_static(cls, name)
        for name in dir(cls)
        if not name.startswith("_") and name not in dir(object)
    }


REAL = _public_members(LiveKitGateway)
METHODS = sorted(name for name, member in REAL.items() if inspect.isfunction(member))
PROPERTIES = sorted(name for name, member in REAL.items() if isinstance(member, property))


def test_the_interface_is_not_empty() -> None:
    """Guards the comparisons below against an introspection that finds nothing."""
    assert {"update_participant", "remove_participant", "create_room", "ensure_available"} <= set(METHODS)
    assert "client" in PROPERTIES
    assert set(REAL) == set(METHODS) | set(PROPERTIES), "a public class attribute that is neither"


@pytest.mark.parametrize("name", METHODS)
def test_every_method_has_the_same_signature(name: str) -> None:
    real = inspect.getattr_static(LiveKitGateway, name)
    fake = inspect.getattr_static(FakeLiveKitGateway, name, None)
    assert fake is not None, f"FakeLiveKitGateway lacks {name}()"
    assert inspect.isfunction(fake), f"FakeLiveKitGateway.{name} is not a method"
    assert inspect.iscoroutinefunction(fake) == inspect.iscoroutinefunction(real), (
        f"{name}: sync/async differ"
    )
    real_sig, fake_sig = inspect.signature(real), inspect.signature(fake)
    # Both modules use `from __future__ import annotations`: annotations are the source text.
    assert [(p.name, p.kind, p.default, p.annotation) for p in fake_sig.parameters.values()] == [
        (p.name, p.kind, p.default, p.annotation) for p in real_sig.parameters.values()
    ], f"{name}: parameters differ"
    assert fake_sig.return_annotation == real_sig.return_annotation, f"{name}: return types differ"


@pytest.mark.parametrize("name", PROPERTIES)
def test_every_property_exists(name: str) -> None:
    assert isinstance(inspect.getattr_static(FakeLiveKitGateway, name, None), property), name


def test_every_instance_attribute_exists() -> None:
    real = {k for k in vars(LiveKitGateway(DEFAULT_SETTINGS)) if not k.startswith("_")}
    assert {"settings", "observer", "available"} <= real
    fake = vars(FakeLiveKitGateway())
    assert real <= set(fake), f"FakeLiveKitGateway lacks {sorted(real - set(fake))}"


def test_every_livekit_call_can_be_failed() -> None:
    """fail_next() knows each method that calls LiveKit (all but the local ones)."""
    local = {"aclose", "ensure_available", "monitor"}
    assert set(TWIRP_METHODS) == set(METHODS) - local


async def test_down_fails_every_call_and_ensure_available() -> None:
    fake = FakeLiveKitGateway()
    fake.connect("r", "ann")
    seen: list[tuple[str, str]] = []
    fake.observer = lambda method, _elapsed, outcome: seen.append((method, outcome))
    fake.down = True
    with pytest.raises(LiveKitUnavailable):
        fake.ensure_available()
    with pytest.raises(LiveKitUnavailable):
        await fake.update_participant("r", "ann", grants=Grants(True, False, True))
    assert fake.participants["r"]["ann"].can_publish is True, "a failed call changed state"
    assert seen == [("UpdateParticipant", "unavailable")]
    fake.down = False
    fake.ensure_available()
    assert await fake.get_participant("r", "ann") is not None


async def test_fail_next_fails_one_call_of_one_method() -> None:
    fake = FakeLiveKitGateway()
    fake.connect("r", "ann")
    fake.fail_next("remove_participant", LiveKitError("refused", livekit_code="permission_denied"))
    assert await fake.list_participants("r")  # other methods are untouched
    with pytest.raises(LiveKitError):
        await fake.remove_participant("r", "ann")
    assert fake.available, "a refusal is not an outage"
    assert await fake.remove_participant("r", "ann") is True
    assert fake.removed == [("r", "ann")]
    with pytest.raises(ValueError):
        fake.fail_next("no_such_call", LiveKitError("x"))


async def test_state_answers_like_livekit() -> None:
    fake = FakeLiveKitGateway()
    # Missing participants are None/False, as the real gateway turns LiveKit's NOT_FOUND into.
    assert await fake.get_participant("r", "ghost") is None
    assert await fake.update_participant("r", "ghost", grants=Grants(True, True, True)) is None
    assert await fake.remove_participant("r", "ghost") is False
    assert await fake.delete_room("r") is False
    with pytest.raises(LiveKitNotFound):
        await fake.update_room_metadata("r", "{}")

    room = await fake.create_room("r", metadata="m", agents=[("detector", "r")])
    assert (await fake.create_room("r", metadata="other")).sid == room.sid, "CreateRoom is idempotent"
    assert [d.agent_name for d in await fake.list_dispatch_states("r")] == ["detector"]
    fake.connect("r", "ann")
    grants = Grants(
        can_subscribe=True, can_publish=True, can_publish_data=True, can_publish_sources=("camera",)
    )
    updated = await fake.update_participant("r", "ann", grants=grants)
    assert updated is not None and updated.can_publish_sources == ("camera",)
    assert fake.grants_pushed("r", "ann") == [grants]
    assert (await fake.list_rooms(["r"]))[0].num_participants == 1
    assert await fake.delete_room("r") is True
    assert fake.removed == [("r", "ann")] and await fake.list_dispatch_states("r") == []
