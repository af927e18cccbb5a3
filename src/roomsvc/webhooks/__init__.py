"""LiveKit webhooks in: verified, de-duplicated by event id, persisted before the 200, then applied."""
