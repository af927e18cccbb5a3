"""How a parallel run (`make test`: pytest-xdist, ``--dist loadgroup``) hands out the suite.

Work goes out in units: one unit per test file, so a file's tests share one worker and its module
fixtures (a detection worker, a recorder, a browser) start once, except the files of ``HEAVY_FILES``,
which are ONE unit, run one after another on one worker (the heavy lane). They are the CPU hogs (model
evaluation, browsers, a hundred concurrent joins) and the tests that measure real-time media (recording
mixes, detection windows), which a hog on another worker would starve. The heavy lane
goes first; the other workers take the files one at a time.

The units are made here, in the controller's scheduler (:class:`LaneScheduling`, installed by
tests/conftest.py through xdist's ``pytest_xdist_make_scheduler`` hook), from each test's node id.
xdist's own ``xdist_group`` marks do not work with pytest 9.2: xdist 3.8 tags the group onto
``item._nodeid``, which pytest 9.2 no longer reads, so every test became a unit of its own and the
heavy lane ran spread over all workers (tests/unit/test_lanes.py runs a real xdist session to hold this).
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

HEAVY_LANE = "heavy-lane"
HEAVY_FILES = (
    "tests/e2e/test_detection.py",
    "tests/e2e/test_recording.py",
    "tests/e2e/test_console_browser.py",
    "tests/integration/test_detection_evaluate.py",
    "tests/e2e/test_room_caps.py",
    "tests/e2e/test_demo_browser.py",
)
# The longest of the other files (tens of seconds of waiting on real processes each) go first, so that
# the many short ones fill the gaps at the end instead of one long file finishing alone.
SLOW_FILES = (
    # The fuzzer: CPU-bound, but one request at a time (schemathesis and the API it fuzzes take turns:
    # about one core, as a worker running any e2e file does). In the heavy lane it was a third of the
    # lane, and the lane is the floor of a parallel run; here it starts at once on a worker of its own.
    "tests/integration/test_fuzz_openapi.py",
    "tests/e2e/test_enforcement.py",
    "tests/e2e/test_agents.py",
    "tests/e2e/test_cli_ops.py",
    "tests/e2e/test_room_schedule.py",
    "tests/integration/test_console_token.py",
    "tests/e2e/test_event_delivery.py",
    "tests/integration/test_delivery_deadlines.py",
    "tests/e2e/test_metrics.py",
    "tests/integration/test_retention.py",
)
LAYER_ORDER = ("tests/e2e/", "tests/integration/", "tests/")


def path_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def unit_of(nodeid: str, heavy: tuple[str, ...] = HEAVY_FILES) -> str:
    """The unit of work a test belongs to: the heavy lane, or its file."""
    path = path_of(nodeid)
    return HEAVY_LANE if path in heavy else path


def rank(nodeid: str) -> tuple[int, int]:
    """Where a test's unit goes in the queue: the heavy lane, the slow files, then e2e, integration, the
    rest (used as a stable sort key, so files keep their collection order within a rank)."""
    path = path_of(nodeid)
    if path in HEAVY_FILES:
        return 0, HEAVY_FILES.index(path)
    if path in SLOW_FILES:
        return 1, SLOW_FILES.index(path)
    return 2, next((i for i, prefix in enumerate(LAYER_ORDER) if path.startswith(prefix)), len(LAYER_ORDER))


class LaneScheduling(LoadScopeScheduling):
    """xdist's scope scheduling with :func:`unit_of` as the scope. Units are handed out in collection
    order (``--no-loadscope-reorder``), which every worker sorts by :func:`rank`; a worker gets its next
    unit when two or fewer of its tests are left (xdist's own rule)."""

    heavy: tuple[str, ...] = HEAVY_FILES

    def _split_scope(self, nodeid: str) -> str:
        return unit_of(nodeid, self.heavy)
