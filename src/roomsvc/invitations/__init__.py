"""Invitations: the way into invite-only rooms; accepting one returns the same join response."""
