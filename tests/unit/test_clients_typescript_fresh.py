"""The committed TypeScript client (clients/typescript) is what the committed OpenAPI document generates,
it compiles under strict `tsc`, and its README's tour is the tour the e2e test runs.

clients/typescript/node_modules is installed by `make test` (scripts/stack.sh, `npm ci`, stamped); the
generators run offline. tests/unit/test_clients_fresh.py checks clients/openapi.json itself.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "clients" / "typescript"
GENERATED = ("schema.d.ts", "events.ts")
FIX = "run `make clients` and commit the result"

pytestmark = pytest.mark.skipif(
    not (CLIENT / "node_modules" / ".bin" / "tsc").exists(),
    reason="clients/typescript/node_modules is not installed: run `make test` (scripts/stack.sh installs it)",
)


def _diff(name: str, committed: str, generated: str, limit: int = 40) -> str:
    lines = list(
        difflib.unified_diff(
            committed.splitlines(),
            generated.splitlines(),
            f"committed/{name}",
            f"generated/{name}",
            lineterm="",
        )
    )
    return "\n".join(lines[:limit]) + ("\n…" if len(lines) > limit else "")


def test_committed_generated_sources_are_what_the_document_generates(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(CLIENT / "generate.sh"), str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | {"ROOMSVC_OPENAPI": str(ROOT / "clients" / "openapi.json")},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for name in GENERATED:
        committed_path = CLIENT / "src" / name
        assert committed_path.exists(), f"clients/typescript/src/{name} is missing: {FIX}"
        committed, generated = committed_path.read_text(), (tmp_path / name).read_text()
        assert committed == generated, f"clients/typescript/src/{name} is stale: {FIX}\n" + _diff(
            name, committed, generated
        )


def test_generation_is_deterministic(tmp_path: Path) -> None:
    """Two runs give the same bytes (no timestamps, paths or ordering from the machine)."""
    for run in ("a", "b"):
        subprocess.run(
            [str(CLIENT / "generate.sh"), str(tmp_path / run)], cwd=ROOT, check=True, capture_output=True
        )
    for name in GENERATED:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_event_payload_map_follows_the_document() -> None:
    """Every type of the document's EventType enum is in src/events.ts, mapped to `<Pascal>Data` when the
    document has that schema."""
    import json

    schemas = json.loads((ROOT / "clients" / "openapi.json").read_text())["components"]["schemas"]
    events = (CLIENT / "src" / "events.ts").read_text()
    types = schemas["EventType"]["enum"]
    assert types, "the document lists no event types"
    for event_type in types:
        name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[._]", event_type)) + "Data"
        expected = f'Schemas["{name}"]' if name in schemas else "Record<string, unknown>"
        assert f'  "{event_type}": {expected};' in events, (event_type, FIX)


def test_sources_and_examples_compile_under_strict_tsc() -> None:
    result = subprocess.run(
        [str(CLIENT / "node_modules" / ".bin" / "tsc"), "-p", "tsconfig.json", "--noEmit"],
        cwd=CLIENT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    config = (CLIENT / "tsconfig.json").read_text()
    assert '"strict": true' in config


def test_readme_tour_is_examples_tour_ts() -> None:
    """The README's five-minute tour is one TypeScript block, byte for byte examples/tour.ts (which the
    e2e test compiles and runs against the real stack)."""
    readme = (CLIENT / "README.md").read_text()
    section = readme.split("## Five-minute tour", 1)
    assert len(section) == 2, "clients/typescript/README.md has no '## Five-minute tour' section"
    blocks = re.findall(r"```ts\n(.*?)```", section[1].split("\n## ", 1)[0], flags=re.S)
    assert len(blocks) == 1, f"the tour is {len(blocks)} ts blocks, expected exactly one"
    assert blocks[0] == (CLIENT / "examples" / "tour.ts").read_text(), (
        "README tour and examples/tour.ts differ: edit examples/tour.ts and paste it into the README"
    )


def test_package_pins_exact_versions_and_has_one_runtime_dependency() -> None:
    import json

    package = json.loads((CLIENT / "package.json").read_text())
    assert package["name"] == "@roomsvc/client" and package["type"] == "module"
    assert list(package["dependencies"]) == ["openapi-fetch"]
    for group in ("dependencies", "devDependencies"):
        for name, version in package[group].items():
            assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name}@{version} is not pinned exactly"
    lock = json.loads((CLIENT / "package-lock.json").read_text())
    assert lock["packages"][""]["dependencies"] == package["dependencies"]
