"""What a process builds at startup, kept out of the cyclic garbage collector's way.

By the time the API (or ``roomsvc jobs``) has started, it holds about 180,000 objects that live as long
as the process: SQLAlchemy's metadata and compiled statements, the routes and their signature models,
the OpenAPI schema, imported modules. CPython's full (generation 2) collection walks every tracked
object; under load it runs every few seconds, and over that heap it took 63 ms on the development VM,
a pause every request in flight waits out: the join's p99 at half load went from ≈ 7 ms to 68 ms in a
run where one fell inside the window (bench/analysis.md). :func:`freeze_startup_heap` moves every
object alive to the permanent generation (``gc.freeze``: no collection walks it), so a full collection
costs what the objects made since cost. It does not collect first (that pass would cost the same 63 ms,
and far more in the test suite, which starts an in-process app for many of its tests): garbage in
cycles made before it waits for :func:`thaw`, which gives everything back to the collector at
shutdown, so a process that starts apps again can still collect an old app's cycles.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> int:
    """Freeze every object alive now; returns how many objects are frozen."""
    gc.freeze()
    return gc.get_freeze_count()


def thaw() -> None:
    """Give the frozen objects back to the collector (they are collected again from the next full pass)."""
    gc.unfreeze()
