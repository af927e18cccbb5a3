"""schemathesis against /schema/openapi.json with a valid caller token: no 5xx, answers match the document.

An API process of its own (port 8102, the test database, rate limits lifted so that fuzzing is not all
429s) serves the fuzzer; every documented operation gets a bounded number of generated requests (a fixed seed, so
CI is repeatable), and each
answer is checked: never a server error, a documented status code, content type, headers and body.
/v1/events/stream is left out: it is an endless Server-Sent Events stream.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ARTIFACTS

PORT = 8102
MAX_EXAMPLES = 6
SEED = 20261123
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]


@pytest.fixture(scope="module")
def fuzz_server(migrated_db: str, stack_env: dict[str, str]) -> Iterator[str]:
    env = stack_env | {
        "ROOMSVC_PORT": str(PORT),
        "ROOMSVC_RATE_LIMITS": "default=100000/100000,rooms:write=100000/100000",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / "fuzz-api.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "roomsvc", "serve"], env=env, stdout=log, stderr=log
        )
        url = f"http://127.0.0.1:{PORT}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("the fuzzing API did not start; see artifacts/fuzz-api.log")
            time.sleep(0.2)
        yield url
        process.terminate()
        process.wait(10)


def test_api_conforms_to_its_openapi_document(fuzz_server: str, caller_token: Any) -> None:
    """The schemathesis CLI (its pytest plugin does not load under pytest 9) with a fixed seed."""
    report = ARTIFACTS / "schemathesis.txt"
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{fuzz_server}/schema/openapi.json",
        "--header",
        f"Authorization: Bearer {caller_token(ttl=3600)}",
        "--checks",
        ",".join(CHECKS),
        "--exclude-path",
        "/v1/events/stream",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--request-timeout",
        "30",
        "--workers",
        "1",  # two threads hit CPython 3.11's "AST constructor recursion depth mismatch" in hypothesis
        "--generation-database",
        ":memory:",  # leave no example database in the work tree
        "--no-color",
    ]
    # In artifacts/: schemathesis keeps a crash cache (.schemathesis/) in its working directory.
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, cwd=ARTIFACTS)
    report.write_text(result.stdout + result.stderr)
    summary = result.stdout[-6000:]
    assert "Tested:" in result.stdout, summary  # it ran against the document
    assert result.returncode == 0, f"schemathesis found failures (full output: {report}):\n{summary}"
