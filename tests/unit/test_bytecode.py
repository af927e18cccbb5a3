"""Python bytecode caches exist for what the stack's processes import, whatever the environment says.

This environment sets PYTHONDONTWRITEBYTECODE and uv installs packages without bytecode: each Python
process of a run then compiled everything it imported again (`roomsvc jobs`' imports took 2.4 s of CPU,
0.85 s from the caches). scripts/stack.sh and the Makefile clear the variable; ensure_venv compiles .venv.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.mark.parametrize("module", ["sqlalchemy.orm", "litestar", "livekit.api", "redis.asyncio"])
def test_venv_packages_carry_their_bytecode(module: str) -> None:
    source = importlib.import_module(module).__file__
    assert source is not None
    cached = Path(importlib.util.cache_from_source(source))
    assert cached.is_file(), f"{module} is compiled at every import: no {cached}"


def test_stack_script_clears_pythondontwritebytecode() -> None:
    # Sourced without a command, the script only prints its usage; what it exports stays in this shell.
    probe = 'source scripts/stack.sh >/dev/null; echo "${PYTHONDONTWRITEBYTECODE-unset}"'
    result = subprocess.run(
        ["bash", "-c", probe, "scripts/stack.sh"], cwd=ROOT, env=ENV, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "unset"


def test_make_recipes_run_without_pythondontwritebytecode() -> None:
    probe = 'probe: ; @echo "$${PYTHONDONTWRITEBYTECODE-unset}"'
    result = subprocess.run(
        ["make", "-s", "-f", "Makefile", "--eval", probe, "probe"],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "unset"
