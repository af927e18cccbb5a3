"""The agent process loads no SQLAlchemy, no Litestar and none of the API's services.

Each check runs in a fresh interpreter, so what the test suite itself imported does not count: it imports
every module of ``roomsvc.agent`` and what the worker loads when a job process starts (livekit-agents,
``roomsvc.logging``), then lists the loaded modules that the agent must not need.
"""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN_PACKAGES = ("sqlalchemy", "litestar", "alembic", "aiomysql", "redis")
FORBIDDEN_MODULES = ("roomsvc.db", "roomsvc.app", "roomsvc.auth", "roomsvc.models", "roomsvc.livekit")
API_LAYERS = ("service", "controller", "records", "models", "jobs", "flows", "results", "alerts")

_PROBE = """
import importlib, json, pkgutil, sys
import roomsvc.agent
for module in pkgutil.walk_packages(roomsvc.agent.__path__, "roomsvc.agent."):
    importlib.import_module(module.name)
for extra in EXTRA:
    importlib.import_module(extra)
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by(*extra: str) -> list[str]:
    """Modules loaded by importing all of roomsvc.agent, then ``extra``, in a fresh interpreter."""
    probe = f"EXTRA = {list(extra)!r}\n{_PROBE}"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    modules: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return modules


def offending(modules: list[str]) -> list[str]:
    bad = []
    for name in modules:
        top = name.split(".", 1)[0]
        parts = name.split(".")
        if (
            top in FORBIDDEN_PACKAGES
            or name in FORBIDDEN_MODULES
            or (top == "roomsvc" and len(parts) >= 3 and parts[-1] in API_LAYERS and parts[1] != "agent")
        ):
            bad.append(name)
    return bad


def test_the_agent_process_loads_no_database_web_framework_or_api_service() -> None:
    modules = loaded_by("roomsvc.logging", "livekit.agents", "livekit.rtc")
    assert "roomsvc.agent.worker" in modules and "roomsvc.agent.session" in modules
    assert "roomsvc.agent.recorder" in modules and "roomsvc.agent.recording" in modules
    assert "livekit.agents" in modules
    assert offending(modules) == []


def test_the_check_sees_an_api_module_when_one_is_loaded() -> None:
    # The same probe catches a breach: importing the API's detection service drags SQLAlchemy in.
    modules = loaded_by("roomsvc.detection.service")
    assert {"sqlalchemy", "roomsvc.db", "roomsvc.detection.service"} <= set(offending(modules))
