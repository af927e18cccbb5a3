"""Rooms: created in MySQL and LiveKit together, listed, updated live and ended."""
