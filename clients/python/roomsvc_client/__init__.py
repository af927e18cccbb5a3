"""A client library for accessing roomsvc"""

from .client import AuthenticatedClient, Client
from .helpers import Event, caller_token, parse_event, verify_signature

__all__ = (
    "AuthenticatedClient",
    "Client",
    "Event",
    "caller_token",
    "parse_event",
    "verify_signature",
)
