"""The waiting room: join requests (knocks) for rooms with ``lobby: true``."""
