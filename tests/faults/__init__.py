"""Fault injection against the real stack, run by `make faults` (and CI), not by `make test`.

- test_livekit_stopped_under_load: LiveKit killed during a stream of creates and joins;
- test_mariadb_restart: the shared MariaDB restarted under load;
- test_redis_down: Redis frozen, then gone, then back (the documented fail-open degradation);
- test_webhook_storm: 10,000 events, 30% dropped, 10% duplicated, shuffled, then reconciliation.

The fifth fault of issue 8 — ``kill -9`` of the process delivering events mid-retry — is covered by
tests/e2e/test_event_delivery.py::test_kill_9_of_the_delivering_process_loses_nothing (in `make test`).
docs/reliability.md describes what each fault does to the service.
"""
