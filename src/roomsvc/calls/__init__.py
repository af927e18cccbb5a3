"""Call records: room sessions, participant sessions and tracks, built from webhooks and reconciliation."""
