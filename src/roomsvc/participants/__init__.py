"""Participants: joining (grants and LiveKit tokens by role), who is in a room, live updates, removal."""
