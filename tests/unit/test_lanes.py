"""tests.lanes: the units a parallel `make test` hands out, checked in a real pytest-xdist session."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from tests.lanes import HEAVY_FILES, HEAVY_LANE, rank, unit_of

ROOT = Path(__file__).resolve().parents[2]


def test_heavy_files_are_one_unit_and_the_others_one_unit_per_file() -> None:
    assert {unit_of(f"{path}::test_x") for path in HEAVY_FILES} == {HEAVY_LANE}
    assert unit_of("tests/e2e/test_calls.py::test_a[x::y]") == "tests/e2e/test_calls.py"
    assert unit_of("tests/unit/test_tokens.py::Test::test_b") == "tests/unit/test_tokens.py"


def test_the_heavy_lane_is_handed_out_first_then_the_slow_files_then_by_layer() -> None:
    nodeids = [
        "tests/unit/test_tokens.py::t",
        "tests/integration/test_health.py::t",
        "tests/e2e/test_calls.py::t",
        "tests/e2e/test_enforcement.py::t",
        "tests/e2e/test_detection.py::t",
        "tests/integration/test_fuzz_openapi.py::t",
    ]
    assert sorted(nodeids, key=rank) == [
        "tests/e2e/test_detection.py::t",
        "tests/integration/test_fuzz_openapi.py::t",
        "tests/e2e/test_enforcement.py::t",
        "tests/e2e/test_calls.py::t",
        "tests/integration/test_health.py::t",
        "tests/unit/test_tokens.py::t",
    ]


CONFTEST = """
from tests.lanes import LaneScheduling


class Lanes(LaneScheduling):
    heavy = ("test_a.py", "test_b.py")


def pytest_xdist_make_scheduler(config, log):
    return Lanes(config, log)
"""

TEST_FILE = """
import os

import pytest


@pytest.mark.parametrize("n", range(4))
def test_where(n):
    with open(os.environ["LANES_OUT"], "a") as out:
        out.write(f"{os.environ['PYTEST_XDIST_WORKER']} {__name__} {n}\\n")
"""


def test_a_parallel_run_keeps_each_unit_on_one_worker(tmp_path: Path) -> None:
    """Two workers, four files of four tests: test_a and test_b (the lane) on one worker, test_c's four
    tests on one worker, test_d's on one worker. Without the scheduler each test is a unit of its own
    and the files' tests spread over both workers."""
    (tmp_path / "conftest.py").write_text(CONFTEST)
    for name in ("a", "b", "c", "d"):
        (tmp_path / f"test_{name}.py").write_text(TEST_FILE)
    out = tmp_path / "where.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANES_OUT": str(out)}
    xdist = ["-n", "2", "--dist", "loadgroup", "--no-loadscope-reorder"]
    isolated = ["-p", "no:cacheprovider", "-p", "no:randomly", "--rootdir", str(tmp_path), "-c", os.devnull]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *xdist, *isolated, "-q", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    workers: dict[str, set[str]] = defaultdict(set)
    for line in out.read_text().splitlines():
        worker, module, _ = line.split()
        workers[module].add(worker)
    assert sorted(workers) == ["test_a", "test_b", "test_c", "test_d"]
    assert all(len(on) == 1 for on in workers.values()), dict(workers)
    assert workers["test_a"] == workers["test_b"]
