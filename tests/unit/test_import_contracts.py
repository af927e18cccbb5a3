"""The import contracts in pyproject.toml ([tool.importlinter], checked by ``make lint``).

The first test holds the real package to them. The others prove that each contract can break: they build
a small stand-in ``roomsvc`` in a temporary directory, shaped by the contracts themselves (every layer
of the top-level ``layers`` contract, domain packages with controller/jobs/flows/service/models, an
agent), wired only with imports the contracts allow, and run ``lint-imports`` on it with the very same
configuration: it passes; then one deliberately bad import is added and exactly the contracts it breaches
are reported broken. Running the real command keeps this test honest about what ``make lint`` does.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = REPO / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# The stand-in's domain packages that take part in the wiring below; every other domain named by the
# layers contract is an empty package of the same shape.
DOMAIN_MODULES = ("controller", "jobs", "flows", "service", "models")

# Imports the contracts allow: an edge → flow → services of two domains → infrastructure, a job run by
# the scheduler, the one LiveKit port. The stand-in must pass with all of them in place, so a passing
# run is not an empty one.
ALLOWED_IMPORTS: dict[str, list[str]] = {
    "__main__.py": ["from roomsvc import cli"],
    "cli.py": ["from roomsvc import app, doctor, jobs"],
    "app.py": ["from roomsvc.rooms import controller", "from roomsvc.seats import controller as seats"],
    "jobs.py": ["from roomsvc import scheduler"],
    "doctor.py": ["from roomsvc import db, livekit, migrations"],
    "scheduler.py": ["from roomsvc.rooms import jobs"],
    "models.py": ["from roomsvc.rooms import models", "from roomsvc.seats import models as seats"],
    "rooms/controller.py": ["from roomsvc.rooms import flows", "from roomsvc import auth"],
    "rooms/jobs.py": ["from roomsvc.rooms import service"],
    "rooms/flows.py": ["from roomsvc.rooms import service", "from roomsvc.seats import service as seats"],
    "rooms/service.py": ["from roomsvc.rooms import models", "from roomsvc import db, errors, livekit"],
    "rooms/models.py": ["from roomsvc import db"],
    "seats/controller.py": ["from roomsvc.seats import service"],
    "seats/service.py": [
        "from roomsvc.rooms import models",
        "from roomsvc.rooms import service as rooms_service",
        "from roomsvc import livekit",
    ],
    "seats/models.py": ["from roomsvc.rooms import models"],
    "webhooks/handlers.py": ["from roomsvc.rooms import flows"],
    "auth.py": ["from roomsvc import credentials"],
    "credentials/__init__.py": ["from roomsvc import db"],
    "livekit.py": ["from livekit import api", "from roomsvc import config, errors"],
    "db.py": ["import sqlalchemy", "from roomsvc import config, errors, types"],
    "agent/worker.py": ["import livekit.rtc", "from roomsvc import config"],
}

# One bad import each, and the ids of exactly the contracts it breaks.
BAD_IMPORTS: dict[str, tuple[str, str, set[str]]] = {
    "infrastructure imports a domain": (
        "livekit.py",
        "from roomsvc.rooms import service",
        {"layers", "no-cycles"},
    ),
    "doctor imports the cli (the old _alembic_config circle)": (
        "doctor.py",
        "from roomsvc import cli",
        {"layers", "no-cycles"},
    ),
    "two domains import each other": (
        "rooms/service.py",
        "from roomsvc.seats import service",
        {"no-cycles"},
    ),
    "a service imports its own flow": (
        "rooms/service.py",
        "from roomsvc.rooms import flows",
        {"domain-layers", "flows-from-edges"},
    ),
    "a flow imports another domain's controller": (
        "rooms/flows.py",
        "from roomsvc.seats import controller",
        {"controllers-from-app"},
    ),
    "a controller runs another domain's job": (
        "seats/controller.py",
        "from roomsvc.rooms import jobs",
        {"jobs-from-scheduler"},
    ),
    "the agent imports SQLAlchemy": (
        "agent/worker.py",
        "import sqlalchemy",
        {"agent-is-light"},
    ),
    "the agent imports a domain service": (
        "agent/worker.py",
        "from roomsvc.seats import service",
        {"agent-is-light"},
    ),
    "a second module imports livekit.api": (
        "seats/service.py",
        "from livekit import api",
        {"one-livekit-port"},
    ),
    "a top-level module in no layer": (
        "stray.py",
        "from roomsvc import config",
        {"layers"},
    ),
}


def importlinter_config() -> dict[str, Any]:
    config: dict[str, Any] = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    return config


def contract(contract_id: str) -> dict[str, Any]:
    return next(c for c in importlinter_config()["contracts"] if c["id"] == contract_id)


def lint_imports(config: Path, cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    # A wide terminal, so that no contract name is wrapped across lines.
    env = {**os.environ, "COLUMNS": "500", "NO_COLOR": "1", "TERM": "dumb"}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", str(config)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def contract_states(output: str) -> dict[str, str]:
    """Contract id → KEPT or BROKEN, read from the summary lines (``<name> KEPT``/``<name> BROKEN …``)."""
    states = {}
    for entry in importlinter_config()["contracts"]:
        found = re.search(rf"^{re.escape(entry['name'])} (KEPT|BROKEN)\b", output, re.MULTILINE)
        assert found, f"no summary line for contract {entry['id']!r} in:\n{output}"
        states[entry["id"]] = found.group(1)
    return states


def layer_names(layer: str) -> list[str]:
    return [name.strip().strip("()") for name in re.split(r"[|:]", layer)]


def build_stand_in(root: Path) -> None:
    """A ``roomsvc`` under ``root`` with every top-level layer the contracts name, then the allowed wiring."""
    layers = contract("layers")["layers"]
    domains = next(layer_names(layer) for layer in layers if ":" in layer)
    package = root / "roomsvc"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for layer in layers:
        for name in layer_names(layer):
            if name in domains or name in {"agent", "credentials"}:
                (package / name).mkdir()
                (package / name / "__init__.py").write_text("")
            else:
                (package / f"{name}.py").write_text("")
    for domain in domains:
        for module in DOMAIN_MODULES:
            (package / domain / f"{module}.py").write_text("")
    (package / "webhooks" / "handlers.py").write_text("")
    (package / "agent" / "worker.py").write_text("")
    for path, lines in ALLOWED_IMPORTS.items():
        add_lines(package / path, lines)


def add_lines(path: Path, lines: list[str]) -> None:
    existing = path.read_text() if path.exists() else ""
    path.write_text(existing + "".join(f"{line}\n" for line in lines))


def test_the_package_keeps_every_import_contract() -> None:
    done = lint_imports(PYPROJECT, cwd=REPO)
    assert done.returncode == 0, f"lint-imports found broken contracts:\n{done.stdout}{done.stderr}"
    assert set(contract_states(done.stdout).values()) == {"KEPT"}


def test_the_stand_in_keeps_every_contract(tmp_path: Path) -> None:
    build_stand_in(tmp_path)
    done = lint_imports(PYPROJECT, cwd=tmp_path, pythonpath=tmp_path)
    assert done.returncode == 0, f"{done.stdout}{done.stderr}"
    states = contract_states(done.stdout)
    assert states == {c["id"]: "KEPT" for c in importlinter_config()["contracts"]}


@pytest.mark.parametrize("case", sorted(BAD_IMPORTS))
def test_a_bad_import_breaks_exactly_its_contracts(tmp_path: Path, case: str) -> None:
    path, line, expected = BAD_IMPORTS[case]
    build_stand_in(tmp_path)
    add_lines(tmp_path / "roomsvc" / path, [line])

    done = lint_imports(PYPROJECT, cwd=tmp_path, pythonpath=tmp_path)

    assert done.returncode == 1, f"{done.stdout}{done.stderr}"
    broken = {cid for cid, state in contract_states(done.stdout).items() if state == "BROKEN"}
    assert broken == expected, done.stdout
