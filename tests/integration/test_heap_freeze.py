"""The API's startup heap is frozen while it runs (roomsvc.heap): a full collection walks only what was
made since, and shutdown gives everything back to the collector."""

from __future__ import annotations

import gc
from typing import Any

from litestar.testing import AsyncTestClient

from roomsvc.app import create_app
from roomsvc.config import load_settings
from tests.conftest import _test_env


async def test_a_full_collection_skips_the_startup_heap_while_the_app_runs(
    migrated_db: str, caller_token: Any
) -> None:
    gc.unfreeze()  # whatever an earlier app in this process left frozen
    app = create_app(load_settings(_test_env()))
    async with AsyncTestClient(app=app) as client:
        frozen = gc.get_freeze_count()
        # SQLAlchemy's metadata, the routes, the OpenAPI schema, the modules: far more than a request makes.
        assert frozen > 50_000, frozen
        headers = {"Authorization": f"Bearer {caller_token(ttl=600)}"}
        response = await client.post(
            "/v1/rooms", json={"name": "heap-freeze", "creator": "o"}, headers=headers
        )
        assert response.status_code == 201, response.text
        gc.collect()
        # What a full collection walks now: the objects made since startup, not the frozen ones.
        walked = len(gc.get_objects(generation=2))
        assert walked < frozen // 4, (walked, frozen)
    assert gc.get_freeze_count() == 0  # shutdown thawed it: an old app's cycles can be collected again
