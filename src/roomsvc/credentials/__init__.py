"""Caller credentials: the app backends allowed to call /v1, their secrets (encrypted at rest) and scopes."""
