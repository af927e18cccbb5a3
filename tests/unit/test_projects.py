"""Projects: LiveKit room names carry the project; who may act in which project."""

from __future__ import annotations

import re

import pytest

from roomsvc.auth import Caller, ProjectRequired, act_in_project
from roomsvc.credentials.models import PROJECT_ID_PATTERN
from roomsvc.errors import Forbidden, NotFound
from roomsvc.types import ROOM_NAME_PATTERN, livekit_room_name, split_livekit_room_name


@pytest.mark.parametrize(
    ("project", "name", "livekit_name"),
    [
        ("default", "standup-42", "standup-42"),
        ("acme", "standup-42", "acme~standup-42"),
        ("a-1", "x.y_z", "a-1~x.y_z"),
    ],
)
def test_livekit_room_names_carry_the_project_and_split_back(
    project: str, name: str, livekit_name: str
) -> None:
    assert livekit_room_name(project, name) == livekit_name
    assert split_livekit_room_name(livekit_name) == (project, name)


def test_the_separator_is_in_neither_a_room_name_nor_a_project_id() -> None:
    # What keeps two projects' LiveKit names apart: no room name or project id can contain `~`.
    assert not re.fullmatch(ROOM_NAME_PATTERN, "acme~standup")
    assert not re.fullmatch(PROJECT_ID_PATTERN, "ac~me")


class _Store:
    def __init__(self, projects: dict[str, int]) -> None:
        self.projects = projects

    async def project_id(self, public_id: str) -> int | None:
        return self.projects.get(public_id)


PROJECT_CALLER = Caller("cred_a", frozenset({"admin"}), project_id=7, project="acme")
PLATFORM_CALLER = Caller("cred_ops", frozenset({"platform", "rooms:read"}), project_id=1, project="default")


async def test_a_project_caller_acts_in_its_own_project_only() -> None:
    store: object = _Store({"acme": 7, "other": 8})
    assert await act_in_project(PROJECT_CALLER, None, store) is PROJECT_CALLER  # type: ignore[arg-type]
    assert await act_in_project(PROJECT_CALLER, "acme", store) is PROJECT_CALLER  # type: ignore[arg-type]
    with pytest.raises(Forbidden) as refused:
        await act_in_project(PROJECT_CALLER, "other", store)  # type: ignore[arg-type]
    assert refused.value.code == "project-mismatch"


async def test_a_platform_caller_acts_in_the_project_it_names() -> None:
    store: object = _Store({"acme": 7})
    named = await act_in_project(PLATFORM_CALLER, "acme", store)  # type: ignore[arg-type]
    assert (named.project_id, named.project) == (7, "acme")
    unnamed = await act_in_project(PLATFORM_CALLER, None, store)  # type: ignore[arg-type]
    with pytest.raises(ProjectRequired):
        unnamed.require_project()
    with pytest.raises(NotFound):
        await act_in_project(PLATFORM_CALLER, "nope", store)  # type: ignore[arg-type]


def test_admin_is_every_scope_within_a_project_but_not_platform() -> None:
    assert PROJECT_CALLER.has("moderation") and PROJECT_CALLER.has("events")
    assert not PROJECT_CALLER.has("platform")
    assert PLATFORM_CALLER.has("platform") and not PLATFORM_CALLER.has("rooms:write")


async def test_a_malformed_project_header_is_a_400_naming_it() -> None:
    from roomsvc.errors import BadRequest

    for value in ("", "ACME", "a~b", "x" * 33):
        with pytest.raises(BadRequest) as bad:
            await act_in_project(PLATFORM_CALLER, value, _Store({}))  # type: ignore[arg-type]
        assert bad.value.extra["field"] == "Roomsvc-Project"


def test_the_document_offers_the_project_header_on_every_v1_operation() -> None:
    from roomsvc.app import create_app
    from roomsvc.config import load_settings

    doc = create_app(load_settings({"ROOMSVC_ENV": "dev"})).openapi_schema.to_schema()
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert ("Roomsvc-Project" in names) == path.startswith("/v1/"), (method, path)
