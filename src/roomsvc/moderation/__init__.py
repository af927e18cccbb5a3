"""Moderation: re-entry bans (and, with the moderation issue, mutes, roles and audit)."""
