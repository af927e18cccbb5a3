"""The committed clients are what the current API generates: clients/openapi.json is the document the
app serves now, and clients/python/roomsvc_client/ is what openapi-python-client makes of it. When
either test fails, run `make clients` and commit the result.

No services needed: the app is built without opening a connection, the generator runs offline.
"""

from __future__ import annotations

import difflib
import subprocess
import sys
from collections.abc import Collection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "clients" / "openapi.json"
PYTHON_CLIENT = ROOT / "clients" / "python"
PYTHON_PACKAGE = PYTHON_CLIENT / "roomsvc_client"
# Hand-written files inside the generated package (generate.sh keeps them).
PYTHON_HAND_WRITTEN = {"helpers.py"}
FIX = "run `make clients` and commit the result"


def _tree(root: Path, *, skip: Collection[str] = ()) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, without bytecode caches and the files in ``skip``."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and "__pycache__" not in path.parts
        and ".ruff_cache" not in path.parts
        and path.relative_to(root).as_posix() not in skip
    }


def _diff(name: str, committed: bytes, generated: bytes, limit: int = 40) -> str:
    lines = list(
        difflib.unified_diff(
            committed.decode(errors="replace").splitlines(),
            generated.decode(errors="replace").splitlines(),
            f"committed/{name}",
            f"generated/{name}",
            lineterm="",
        )
    )
    return "\n".join(lines[:limit]) + ("\n…" if len(lines) > limit else "")


def test_committed_openapi_document_is_what_the_app_serves(tmp_path: Path) -> None:
    fresh = tmp_path / "openapi.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "dump_openapi.py"), "-o", str(fresh)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert OPENAPI.exists(), f"clients/openapi.json is missing: {FIX}"
    committed, generated = OPENAPI.read_bytes(), fresh.read_bytes()
    assert committed == generated, f"clients/openapi.json differs from the API's document: {FIX}\n" + _diff(
        "openapi.json", committed, generated
    )


def test_committed_python_client_is_what_the_committed_document_generates(tmp_path: Path) -> None:
    out = tmp_path / "roomsvc_client"
    result = subprocess.run(
        [str(PYTHON_CLIENT / "generate.sh"), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"clients/python/generate.sh failed:\n{result.stdout}\n{result.stderr}"
    committed = _tree(PYTHON_PACKAGE, skip=PYTHON_HAND_WRITTEN)
    generated = _tree(out)
    assert "client.py" in generated and any(name.startswith("models/") for name in generated)
    missing = sorted(generated.keys() - committed.keys())
    extra = sorted(committed.keys() - generated.keys())
    assert not missing and not extra, (
        f"clients/python/roomsvc_client/ is not what clients/openapi.json generates ({FIX}); "
        f"not committed: {missing[:10]}; committed but no longer generated: {extra[:10]}"
    )
    changed = [name for name in sorted(generated) if generated[name] != committed[name]]
    assert not changed, (
        f"{len(changed)} generated file(s) in clients/python/roomsvc_client/ are stale ({FIX}): "
        f"{changed[:10]}\n" + _diff(changed[0], committed[changed[0]], generated[changed[0]])
    )
