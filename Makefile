# Entry points for working on roomsvc. The real work is in scripts/stack.sh; see its header.
#   make run                  the whole stack; the API (and worker) in the foreground, Ctrl-C stops it
#   make test                 the stack's services in the background, then pytest (fails if pytest fails;
#                             scripts/stack.sh test passes pytest's exact exit status through);
#                             in 3 parallel xdist workers, each with its own database, API and LiveKit;
#                             TEST_WORKERS=0: serially (docs/development.md)
#   make test PYTEST_ARGS='-x -k rooms'
#   make up                   the stack's services in the background (no API), then return
#   make faults               fault-injection tests (tests/faults: LiveKit, MariaDB, Redis down; webhook storm)
#   make fuzz                 schemathesis with the release budget (every phase, stateful included; ~5-10 min);
#                             the table of operations and their statuses is in artifacts/fuzz-operations.txt
#   make bench                benchmarks (bench/): writes docs/benchmarks.md; needs wrk (apt-installed if missing)
#   make clients              regenerate clients/openapi.json and the typed clients (clients/python, clients/typescript)
#   make lint                 ruff check, ruff format --check, mypy on src/, import contracts (lint-imports)
#   make stop                 stop what the scripts started (API, worker, LiveKit, Redis, MariaDB)

SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTEST_ARGS ?=
# TEST_WORKERS=N runs pytest in N xdist workers (each with its own database, API and LiveKit); 0: serially.
# 3 by default: most of a test's time is spent waiting on real processes, and on 2 cores 3 workers keep both
# busy (4:23-4:33 warm against 5:19 with 2); docs/development.md has the figures.
TEST_WORKERS ?= 3
VENV := .venv
# Recipes write Python bytecode caches even where the environment disables them (see scripts/stack.sh).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help run test up lint stop venv faults fuzz bench clients

help:
	@sed -n '2,15p' Makefile | sed 's/^# \{0,1\}//'

run:
	@scripts/stack.sh run

test:
	@scripts/stack.sh test $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder) $(PYTEST_ARGS)

up:
	@scripts/stack.sh up

faults:
	@ROOMSVC_JUNIT_FILE=pytest-faults.xml scripts/stack.sh test -m faults tests/faults $(PYTEST_ARGS)

fuzz:
	@ROOMSVC_FUZZ_PROFILE=release scripts/stack.sh test tests/integration/test_fuzz_openapi.py -s $(PYTEST_ARGS)

bench:
	@scripts/stack.sh up
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
	@$(VENV)/bin/python bench/run.py $(BENCH_ARGS)

venv:
	@scripts/stack.sh venv

# The typed clients are generated from the OpenAPI document (never edited by hand); a unit test fails when
# the committed ones differ from what the current document generates.
clients: venv
	@$(VENV)/bin/python scripts/dump_openapi.py
	@clients/python/generate.sh
	@clients/typescript/generate.sh

# Every step runs even when one fails, so one pass shows every problem.
lint: venv
	@status=0; \
	echo "==> ruff check"; $(VENV)/bin/ruff check . || status=1; \
	echo "==> ruff format --check"; $(VENV)/bin/ruff format --check . || status=1; \
	echo "==> mypy src/roomsvc"; $(VENV)/bin/mypy src/roomsvc || status=1; \
	echo "==> docs/configuration.md up to date"; $(VENV)/bin/python scripts/gen_config_docs.py --check || status=1; \
	echo "==> lint-imports (import contracts in pyproject.toml)"; $(VENV)/bin/lint-imports --no-logo --no-cache || status=1; \
	exit $$status

stop:
	@scripts/stack.sh stop
