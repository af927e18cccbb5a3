"""Agents: the agent names a project registers, and their dispatches into rooms (docs/api.md#agents)."""
