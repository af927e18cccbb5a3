"""Liveness (/healthz) and readiness (/readyz: MySQL, Redis and LiveKit each checked)."""
