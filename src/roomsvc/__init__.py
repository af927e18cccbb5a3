"""roomsvc: room orchestration for LiveKit behind one REST API."""

__version__ = "0.1.0"
