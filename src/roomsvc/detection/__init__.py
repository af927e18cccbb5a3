"""Forgery detection: the agent worker, its models, results and alerts (see docs/detection.md)."""
