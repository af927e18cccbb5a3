"""Where event deliveries may go: the destination policy, checked at subscribe time and before every send.

A subscription URL names a host; the host is resolved (``getaddrinfo`` on the event loop) when the
subscription is created or its secret rotated, and again before every delivery attempt. Every address
it resolves to must be allowed, and the attempt then connects to the first of them — the checked
address — with the URL's host name in ``Host`` and, for https, as the TLS server name (SNI and
certificate check), so a DNS answer that changes between the check and the connect cannot redirect it.

Refused unless ``ROOMSVC_EVENT_ALLOWED_NETWORKS`` covers them: loopback, private, link-local
(cloud metadata at 169.254.169.254 included), multicast, unspecified, reserved and any other address
that is not globally routable, in IPv4 and IPv6, with IPv4 embedded in IPv6 (mapped, NAT64, 6to4)
judged as the IPv4 address it carries. The cloud metadata addresses (:data:`METADATA`) are refused
even inside an allowed network, unless an allowed entry names that single address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from roomsvc.config import JobSettings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Instance metadata services (AWS, GCP, Azure, OpenStack; AWS over IPv6; Alibaba; Azure's wire server;
# Oracle Cloud). Several are also link-local or private, but some are globally routable-looking.
METADATA: tuple[Network, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "169.254.169.254/32",
        "fd00:ec2::254/128",
        "100.100.100.200/32",
        "168.63.129.16/32",
        "192.0.0.192/32",
    )
)
# Special-purpose IPv4 blocks that this Python's ``is_global`` does not (yet) exclude everywhere.
_SPECIAL: tuple[Network, ...] = tuple(
    ipaddress.ip_network(n) for n in ("192.0.0.0/24", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class RefusedDestination(Exception):
    """The URL's host resolves to an address the policy refuses (or to nothing); ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnresolvableDestination(RefusedDestination):
    """The host name does not resolve (or not within the deadline): an attempt fails with ``dns``; a
    subscription to it is accepted, since no address is there to refuse."""


@dataclass(frozen=True)
class Destination:
    """A checked URL: where to connect (``pinned_url``: the address instead of the name) and as whom."""

    url: httpx.URL
    address: str

    @property
    def pinned_url(self) -> httpx.URL:
        return self.url.copy_with(host=self.address)

    @property
    def host_header(self) -> str:
        return self.url.netloc.decode("ascii")

    @property
    def extensions(self) -> dict[str, str]:
        """httpcore's ``sni_hostname``: TLS sends and verifies the URL's host name, not the address."""
        return {"sni_hostname": self.url.host} if self.url.scheme == "https" else {}


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _forbidden_because(address: IPAddress) -> str | None:
    """Why the policy refuses ``address`` when no allowed network covers it, or None."""
    if any(address in network for network in METADATA):
        return "a cloud metadata address"
    checks = (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    )
    for reason, hit in checks:
        if hit:
            return reason
    if any(address in network for network in _SPECIAL if network.version == address.version):
        return "reserved"
    if not address.is_global:
        return "not globally routable"
    return None


class DestinationPolicy:
    """Refuses non-public addresses unless ``allowed`` covers them; resolves and pins URLs."""

    def __init__(self, allowed: Sequence[str | Network] = (), *, resolve_timeout: float = 5.0) -> None:
        self.allowed = tuple(ipaddress.ip_network(n, strict=False) for n in allowed)
        self.resolve_timeout = resolve_timeout

    def _allowed(self, address: IPAddress, *, exact: bool = False) -> bool:
        return any(
            address.version == network.version
            and address in network
            and (not exact or network.num_addresses == 1)
            for network in self.allowed
        )

    def refusal(self, address: IPAddress) -> str | None:
        """Why ``address`` may not be a destination, or None when it may."""
        embedded = _embedded_ipv4(address)
        # An IPv4 address carried in IPv6 (mapped, NAT64, 6to4) reaches that IPv4 address: judge it.
        for candidate in [address] if embedded is None else [embedded]:
            metadata = any(candidate in network for network in METADATA)
            if self._allowed(candidate, exact=metadata):
                continue
            reason = _forbidden_because(candidate)
            if reason is not None:
                shown = f"{candidate} (in {address})" if candidate is not address else str(candidate)
                return f"{shown} is {reason}"
        return None

    async def resolve(self, url: str | httpx.URL) -> Destination:
        """Resolve the URL's host now and check every address; raises :class:`RefusedDestination`."""
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL:  # control characters, a bad IDNA host, ...: a 400, not a 500
            raise RefusedDestination("must be a valid absolute http:// or https:// URL") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise RefusedDestination("must be an absolute http:// or https:// URL")
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        addresses = await self._addresses(parsed.host, port)
        for address in addresses:
            reason = self.refusal(address)
            if reason is not None:
                raise RefusedDestination(
                    f"the host {parsed.host!r} resolves to {reason}; "
                    "only public addresses, or networks in ROOMSVC_EVENT_ALLOWED_NETWORKS, are allowed"
                )
        return Destination(url=parsed, address=str(addresses[0]))

    async def _addresses(self, host: str, port: int) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            pass
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.resolve_timeout):
                infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, TimeoutError, UnicodeError):
            raise UnresolvableDestination(f"the host {host!r} does not resolve") from None
        addresses = list(
            dict.fromkeys(
                ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
                for info in infos
                if info[0] in (socket.AF_INET, socket.AF_INET6)
            )
        )
        if not addresses:
            raise UnresolvableDestination(f"the host {host!r} does not resolve")
        return addresses


def policy_for(settings: JobSettings) -> DestinationPolicy:
    """The policy the settings configure: ``ROOMSVC_EVENT_ALLOWED_NETWORKS``, and resolution bounded by
    ``ROOMSVC_EVENT_TIMEOUT``."""
    return DestinationPolicy(settings.allowed_networks, resolve_timeout=settings.delivery_timeout)
