"""The destination policy: subscriptions cannot aim deliveries at the internal network, checked when the
subscription is created and again before every send, and attempts store an error class, never what
answered (no banner grabbing through the deliveries listing)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any

import pytest

from roomsvc.events.destinations import DestinationPolicy, RefusedDestination
from tests.receiver import Receiver
from tests.support import delivering, eventually, problem

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("10.1.2.3", "private"),
    ("192.168.0.10", "private"),
    ("172.16.5.4", "private"),
    ("100.64.0.1", "not globally routable"),
    ("169.254.169.254", "cloud metadata"),
    ("168.63.129.16", "cloud metadata"),
    ("0.0.0.0", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("192.0.0.100", "reserved"),  # IETF protocol assignments, "global" to Python 3.11
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fd12:3456::1", "private"),
    ("fd00:ec2::254", "cloud metadata"),
    ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
    ("::ffff:169.254.169.254", "cloud metadata"),
    ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
    ("2002:c0a8:1::1", "private"),  # 6to4 of 192.168.0.1
]


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_policy_refuses_non_public_addresses(address: str, reason: str) -> None:
    refusal = DestinationPolicy().refusal(ipaddress.ip_address(address))
    assert refusal is not None and reason in refusal


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_policy_lets_public_addresses_through(address: str) -> None:
    assert DestinationPolicy().refusal(ipaddress.ip_address(address)) is None


def test_the_allow_list_opens_networks_but_metadata_only_by_its_own_address() -> None:
    policy = DestinationPolicy(["127.0.0.0/8", "10.0.0.0/8", "169.254.0.0/16"])
    assert policy.refusal(ipaddress.ip_address("127.0.0.1")) is None
    assert policy.refusal(ipaddress.ip_address("::ffff:127.0.0.1")) is None
    assert policy.refusal(ipaddress.ip_address("10.9.9.9")) is None
    assert policy.refusal(ipaddress.ip_address("::1")) is not None  # not in the list
    assert "cloud metadata" in (policy.refusal(ipaddress.ip_address("169.254.169.254")) or "")
    assert DestinationPolicy(["169.254.169.254/32"]).refusal(ipaddress.ip_address("169.254.169.254")) is None


async def test_a_resolved_destination_is_pinned_to_the_checked_address() -> None:
    destination = await DestinationPolicy(["127.0.0.0/8"]).resolve("https://localhost:8443/hook?x=1")
    assert destination.address == "127.0.0.1"
    assert str(destination.pinned_url) == "https://127.0.0.1:8443/hook?x=1"
    assert destination.host_header == "localhost:8443"
    assert destination.extensions == {"sni_hostname": "localhost"}  # TLS checks the name, not the IP
    with pytest.raises(RefusedDestination, match="loopback"):
        await DestinationPolicy().resolve("http://localhost/hook")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:3306/", "loopback"),  # MariaDB's port: the SSRF the issue showed
        ("http://localhost:6379/", "loopback"),  # a name, resolved when the subscription is created
        ("http://[::ffff:127.0.0.1]:9101/metrics", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://10.0.0.5/hook", "private"),
    ],
)
async def test_subscribing_a_forbidden_url_is_a_400_naming_url(
    make_client: Any, url: str, reason: str
) -> None:
    async with make_client(ROOMSVC_EVENT_ALLOWED_NETWORKS="none") as client:
        response = await client.post("/v1/event-subscriptions", json={"url": url, "event_types": ["*"]})
    body = problem(response, 400, "bad-request")
    assert body["field"] == "url" and reason in body["detail"], body


async def _relay(env: dict[str, str], database_url: str, **overrides: str) -> tuple[Any, Any, Any]:
    from roomsvc.config import load_settings
    from roomsvc.db import create_engine, create_session_factory

    settings = load_settings(env | {"DATABASE_URL": database_url} | overrides)
    engine = create_engine(settings.database)
    return settings, engine, create_session_factory(engine)


async def test_a_destination_refused_at_send_time_fails_the_attempt_unsent(
    isolated_db: str, stack_env: dict[str, str], make_client: Any, room_name: str
) -> None:
    """Subscribed while loopback was allowed; the relay's policy no longer allows it: nothing is sent,
    and the attempt says `refused-destination` (as when a DNS answer turns to a forbidden address)."""
    settings, engine, factory = await _relay(
        stack_env, isolated_db, ROOMSVC_EVENT_ALLOWED_NETWORKS="none", ROOMSVC_DELIVERY_BACKOFF_BASE="5"
    )
    with Receiver() as receiver:
        async with make_client(DATABASE_URL=isolated_db) as client:
            sub = (
                await client.post(
                    "/v1/event-subscriptions", json={"url": receiver.url, "event_types": ["room.*"]}
                )
            ).json()
            assert (
                await client.post("/v1/rooms", json={"name": room_name, "creator": "o"})
            ).status_code == 201
            async with delivering(factory, settings, interval=0.05):

                async def attempts() -> list[dict[str, Any]]:
                    page = (await client.get(f"/v1/event-subscriptions/{sub['id']}/deliveries")).json()
                    return [a for d in page["items"] for a in d["history"]]

                history = await eventually(attempts, what="an attempt recorded")
    await engine.dispose()
    assert history[0]["error"] == "refused-destination" and history[0]["status_code"] is None
    assert receiver.received == []  # nothing reached the address


async def test_attempts_store_an_error_class_never_what_answered(
    isolated_db: str, stack_env: dict[str, str], make_client: Any, room_name: str
) -> None:
    """A 500 with a banner in its body, a port where nothing listens and a host that does not resolve (a
    subscription the policy accepts: nothing to refuse): the deliveries listing shows a status code and
    `http-error` / `connect` / `dns`, never the body or the exception's text."""
    banner = b"5.5.5-10.11.6-MariaDB-SECRET-BANNER"

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 500 Oops\r\nContent-Length: %d\r\n\r\n%s" % (len(banner), banner))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    talking = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hook"
    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"
    settings, engine, factory = await _relay(stack_env, isolated_db, ROOMSVC_DELIVERY_BACKOFF_BASE="5")
    async with make_client(DATABASE_URL=isolated_db) as client:
        subs = [
            (
                await client.post("/v1/event-subscriptions", json={"url": url, "event_types": ["room.*"]})
            ).json()["id"]
            for url in (talking, closed, "http://nothing-here.invalid/hook")
        ]
        assert (await client.post("/v1/rooms", json={"name": room_name, "creator": "o"})).status_code == 201
        async with delivering(factory, settings, interval=0.05):

            async def listings() -> list[dict[str, Any]]:
                return [
                    (await client.get(f"/v1/event-subscriptions/{sid}/deliveries")).json() for sid in subs
                ]

            pages = await eventually(
                listings,
                check=lambda pages: all(p["items"] and p["items"][-1]["history"] for p in pages),
                what="an attempt per subscription",
            )
    server.close()
    await engine.dispose()
    first = {sid: page["items"][-1] for sid, page in zip(subs, pages, strict=True)}
    talked, refused, unresolved = (first[sid] for sid in subs)
    assert (talked["last_status_code"], talked["last_error"]) == (500, "http-error")
    assert talked["history"][0]["error"] == "http-error"
    assert (refused["last_status_code"], refused["last_error"]) == (None, "connect")
    assert (unresolved["last_status_code"], unresolved["last_error"]) == (None, "dns")
    listing = str(pages)
    assert "BANNER" not in listing and "Errno" not in listing and "Error:" not in listing


async def test_accept_encoding_identity_is_asked_for(
    isolated_db: str, stack_env: dict[str, str], make_client: Any, room_name: str
) -> None:
    settings, engine, factory = await _relay(stack_env, isolated_db)
    with Receiver() as receiver:
        async with make_client(DATABASE_URL=isolated_db) as client:
            await client.post(
                "/v1/event-subscriptions", json={"url": receiver.url, "event_types": ["room.*"]}
            )
            assert (
                await client.post("/v1/rooms", json={"name": room_name, "creator": "o"})
            ).status_code == 201
        async with delivering(factory, settings, interval=0.05):
            await eventually(lambda: _value(len(receiver.received)), what="a delivery")
    await engine.dispose()
    headers = receiver.received[0][0]
    assert headers["accept-encoding"] == "identity"
    assert headers["host"] == receiver.url.split("/")[2]


async def _value(value: Any) -> Any:
    return value


async def test_the_url_is_checked_again_when_the_secret_is_rotated(
    make_client: Any, isolated_db: str, stack_env: dict[str, str]
) -> None:
    """A subscription made while loopback was allowed gets no new secret once it is not."""
    async with make_client(DATABASE_URL=isolated_db) as client:
        sub = (
            await client.post(
                "/v1/event-subscriptions", json={"url": "http://127.0.0.1:9/hook", "event_types": ["*"]}
            )
        ).json()
    async with make_client(DATABASE_URL=isolated_db, ROOMSVC_EVENT_ALLOWED_NETWORKS="none") as client:
        body = problem(
            await client.post(f"/v1/event-subscriptions/{sub['id']}/rotate-secret"), 400, "bad-request"
        )
    assert body["field"] == "url" and "loopback" in body["detail"]


def test_the_allow_list_and_the_caps_settings() -> None:
    from roomsvc.config import SETTINGS, ConfigError, load_settings

    prod = {s.env: "x" * 40 for s in SETTINGS if s.secret}
    prod |= {"ROOMSVC_ENV": "prod", "DATABASE_URL": "mysql+aiomysql://u:p@db/r", "REDIS_URL": "redis://r"}
    assert load_settings({}).jobs.allowed_networks == ("127.0.0.0/8", "::1/128")  # dev: loopback
    assert load_settings(prod).jobs.allowed_networks == ()  # prod: nothing
    assert load_settings({"ROOMSVC_EVENT_ALLOWED_NETWORKS": "none"}).jobs.allowed_networks == ()
    parsed = load_settings(prod | {"ROOMSVC_EVENT_ALLOWED_NETWORKS": "10.1.2.3/8, fd00::/8"})
    assert parsed.jobs.allowed_networks == ("10.0.0.0/8", "fd00::/8")
    with pytest.raises(ConfigError, match="ROOMSVC_EVENT_ALLOWED_NETWORKS: 'ten' is not an IP network"):
        load_settings({"ROOMSVC_EVENT_ALLOWED_NETWORKS": "ten"})
    assert load_settings({}).jobs.subscription_concurrency == 16  # auto: a quarter of 64
    assert load_settings({"ROOMSVC_DELIVERY_CONCURRENCY": "6"}).jobs.subscription_concurrency == 1
    with pytest.raises(ConfigError, match="ROOMSVC_DELIVERY_TIMEOUT was renamed to ROOMSVC_EVENT_TIMEOUT"):
        load_settings({"ROOMSVC_DELIVERY_TIMEOUT": "5"})
