"""`roomsvc doctor` and `roomsvc rooms …`, run as real subprocesses against the real stack."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import select

from roomsvc.rooms.models import Room
from tests.promtext import free_port

pytestmark = pytest.mark.e2e


def _roomsvc(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roomsvc", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.usefixtures("api_server")  # doctor checks that our webhook endpoint answers
async def test_doctor_passes_against_the_real_stack(stack_env: dict[str, str]) -> None:
    result = await asyncio.to_thread(_roomsvc, stack_env, "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    for check in ("configuration", "mysql", "migrations", "redis", "livekit", "webhook endpoint"):
        assert any(line.startswith("ok") and f" {check} " in line for line in result.stdout.splitlines()), (
            check,
            result.stdout,
        )
    assert "livekit webhooks" in result.stdout and "posts webhooks to" in result.stdout
    assert "FAIL" not in result.stdout


@pytest.mark.usefixtures("api_server")
async def test_doctor_names_a_stopped_dependency_and_how_to_fix_it(stack_env: dict[str, str]) -> None:
    dead = free_port()  # nothing listens there
    result = await asyncio.to_thread(
        _roomsvc, stack_env | {"REDIS_URL": f"redis://127.0.0.1:{dead}/0"}, "doctor"
    )
    assert result.returncode == 1, result.stdout
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1 and " redis " in failed[0] and f"127.0.0.1:{dead}" in failed[0], result.stdout
    assert "correct REDIS_URL" in result.stdout and "1 problem(s) found" in result.stdout

    dead_livekit = stack_env | {"LIVEKIT_URL": f"http://127.0.0.1:{dead}"}
    result = await asyncio.to_thread(_roomsvc, dead_livekit, "doctor")
    assert result.returncode == 1
    assert any(
        " livekit " in line and "LIVEKIT_URL" in line
        for line in result.stdout.splitlines()
        if line.startswith("FAIL")
    )

    wrong_key = stack_env | {"LIVEKIT_API_SECRET": "x" * 40}
    result = await asyncio.to_thread(_roomsvc, wrong_key, "doctor")
    assert result.returncode == 1
    assert "refused our API key" in result.stdout, result.stdout


async def test_doctor_reports_a_configuration_error_in_plain_words(stack_env: dict[str, str]) -> None:
    result = await asyncio.to_thread(_roomsvc, stack_env | {"ROOMSVC_DB_POOL_SIZE": "lots"}, "doctor")
    assert result.returncode == 1
    assert "FAIL  configuration  ROOMSVC_DB_POOL_SIZE must be an integer" in result.stdout, result.stdout


async def test_rooms_commands_go_through_the_api(
    stack_env: dict[str, str], api_server: str, livekit: Any, session_factory: Any, room_name: str
) -> None:
    env = stack_env | {"ROOMSVC_PUBLIC_URL": api_server}
    created = await asyncio.to_thread(_roomsvc, env, "rooms", "create", room_name, "--creator", "ops")
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == f"room {room_name} created: status created"
    assert [r.name for r in await livekit.list_rooms([room_name])] == [room_name]

    listed = await asyncio.to_thread(_roomsvc, env, "rooms", "list", "--status", "created", "--limit", "100")
    assert listed.returncode == 0, listed.stderr
    assert any(line.split("\t")[:2] == [room_name, "created"] for line in listed.stdout.splitlines())

    ended = await asyncio.to_thread(_roomsvc, env, "rooms", "end", room_name)
    assert ended.returncode == 0, ended.stderr
    assert ended.stdout.strip() == f"room {room_name} ended"
    assert await livekit.list_rooms([room_name]) == []
    async with session_factory() as session:
        row = (await session.execute(select(Room).where(Room.name == room_name))).scalar_one()
        assert row.status == "ended"

    missing = await asyncio.to_thread(_roomsvc, env, "rooms", "end", f"{room_name}-nope")
    assert missing.returncode == 1
    assert "HTTP 404 room-not-found" in missing.stderr

    unreachable = await asyncio.to_thread(
        _roomsvc, env, "rooms", "list", "--url", f"http://127.0.0.1:{free_port()}"
    )
    assert unreachable.returncode == 1 and "cannot reach the API" in unreachable.stderr
