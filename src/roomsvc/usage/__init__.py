"""Usage: participant-minutes, room-minutes and peak concurrency computed from the call records."""
