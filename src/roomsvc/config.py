"""Settings, read once from the environment and validated at start.

Every variable is declared exactly once, in ``SETTINGS`` below: its name, its default (as the text an
operator would write), its parser, a one-line description, whether it is a secret, and its target, the
field it fills: ``"port"`` on :class:`Settings`, or ``"database.pool_size"`` on the per-concern object
:class:`Settings` holds under ``database``. :func:`load_settings` parses the table in order and builds
the frozen objects from it alone; nothing else spells a variable name or a default.
``.env.example`` and ``docs/configuration.md`` are generated from the table (scripts/sync_settings.py)
and checked against it by tests, and tests/unit/test_config_table.py checks that every field of every
settings object is filled by exactly one entry, so neither side can drift.

Outside dev mode (``ROOMSVC_ENV`` other than ``dev``) a missing or placeholder secret (the dev database
password included) refuses to start, naming the variable, and so does ``ROOMSVC_DEMO_ENABLED=true``.
Every other invalid value also stops the start with a message naming it.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from functools import lru_cache
from typing import Any, Literal, Protocol, get_type_hints


class ConfigError(ValueError):
    """A setting is missing or invalid; the message names the variable and how to fix it."""


# --- the settings objects, one per concern (filled by the table below) ---------------------------------


@dataclass(frozen=True)
class DatabaseSettings:
    url: str
    pool_size: int
    max_overflow: int
    pool_recycle: int
    timeout: float


@dataclass(frozen=True)
class RedisSettings:
    url: str
    timeout: float


@dataclass(frozen=True)
class LiveKitSettings:
    url: str
    public_url: str
    api_key: str
    api_secret: str = field(repr=False)
    timeout: float


@dataclass(frozen=True)
class TokenSettings:
    default_ttl: int
    max_ttl: int


@dataclass(frozen=True)
class LobbySettings:
    """The waiting room (docs/api.md, "Waiting room"): how long a join request waits, and how long a
    denial holds."""

    request_ttl: int
    deny_cooldown: int


@dataclass(frozen=True)
class CallerAuthSettings:
    audience: str
    max_ttl: int
    leeway: int
    dev_credential_id: str
    dev_credential_secret: str = field(repr=False)


@dataclass(frozen=True)
class JobSettings:
    reconcile_interval: float
    reconcile_grace: float
    delivery_timeout: float
    delivery_concurrency: int
    subscription_concurrency: int
    allowed_networks: tuple[str, ...]  # normalised CIDRs (strings: Litestar hands settings around)
    backoff_base: float
    backoff_cap: float
    max_age: float
    disable_after: int
    lease: float
    poll_interval: float
    room_closing_notice: float
    webhook_appliers: int
    webhook_poll_interval: float


@dataclass(frozen=True)
class ObservabilitySettings:
    metrics_enabled: bool
    jobs_metrics_port: int


@dataclass(frozen=True)
class DetectionSettings:
    agent_name: str
    worker_credential_id: str
    worker_credential_secret: str = field(repr=False)
    worker_api_url: str
    max_jobs: int
    idle_processes: int
    worker_http_port: int
    hop_seconds: float
    min_speech: float
    smoothing: int
    hysteresis: float
    queue_size: int
    threads: int
    video_fps: float
    heartbeat: float
    redispatch_grace: float
    max_action_false_alarm: float


@dataclass(frozen=True)
class RateLimit:
    rate: float
    burst: int


@dataclass(frozen=True)
class EdgeSettings:
    """Bounds at the API's edge: SSE streams per replica and per caller, the pre-authentication limiter."""

    sse_max_streams: int
    sse_max_streams_per_caller: int
    preauth_limit: RateLimit


@dataclass(frozen=True)
class RetentionSettings:
    """How long finished records are kept (days; 0 keeps them forever), and idempotency keys (seconds)."""

    events_days: int
    webhooks_days: int
    detections_days: int
    audit_days: int
    interval: float
    batch: int
    idempotency_ttl: float


@dataclass(frozen=True)
class RecordingStorageSettings:
    """Where recordings are stored: a local directory or an S3-compatible bucket (docs/recording.md)."""

    backend: Literal["local", "s3"]
    directory: str
    s3_endpoint: str  # empty: AWS S3's own endpoint for the region
    s3_region: str
    s3_bucket: str
    s3_access_key: str
    s3_secret_key: str = field(repr=False)
    s3_part_size: int


@dataclass(frozen=True)
class RecordingSettings:
    """How recordings are made and kept (docs/recording.md); where they are stored is
    :class:`RecordingStorageSettings`."""

    backend: Literal["agent", "egress"]
    agent_name: str
    stale_seconds: float
    retention_days: int
    url_ttl: int
    recorder_max_jobs: int  # `roomsvc recorder` (the agent): recordings one process runs at once
    recorder_idle_processes: int
    recorder_http_port: int
    recorder_heartbeat: float


@dataclass(frozen=True)
class Settings:
    env: Literal["dev", "prod"]
    host: str
    port: int
    workers: int
    keepalive_seconds: int
    log_level: str
    log_json: bool | None
    secret_key: str = field(repr=False)
    public_url: str
    webhook_path: str
    max_body_bytes: int
    database: DatabaseSettings = field(repr=False)  # its URL holds the database password
    redis: RedisSettings = field(repr=False)  # its URL may hold a password
    livekit: LiveKitSettings
    tokens: TokenSettings
    lobby: LobbySettings
    caller_auth: CallerAuthSettings
    rate_limits: Mapping[str, RateLimit]
    jobs: JobSettings
    detection: DetectionSettings
    observability: ObservabilitySettings
    retention: RetentionSettings
    edge: EdgeSettings
    recording_storage: RecordingStorageSettings
    recording: RecordingSettings
    demo_enabled: bool

    @property
    def is_dev(self) -> bool:
        return self.env == "dev"

    @property
    def webhook_url(self) -> str:
        return self.public_url.rstrip("/") + self.webhook_path


# The per-concern objects, by the name of the Settings field that holds them ("database", "jobs", …).
_HINTS = get_type_hints(Settings)
GROUPS: Mapping[str, type[Any]] = {
    f.name: hint for f in fields(Settings) if isinstance(hint := _HINTS[f.name], type) and is_dataclass(hint)
}


# --- parsers: turn the raw text of one variable into the value of its field -----------------------------

Parsed = Mapping[str, object]
"""The values parsed so far, by variable name (the table is parsed in order)."""


class Parser(Protocol):
    def __call__(self, setting: Setting, raw: str, parsed: Parsed) -> object: ...


@dataclass(frozen=True)
class Text:
    """A string. ``check`` (with the ``requirement`` its error states) validates it; an empty value takes
    the value of the earlier variable ``fallback``; ``rstrip`` characters are cut from the end."""

    lower: bool = False
    min_length: int = 0
    check: Callable[[str], bool] | None = None
    requirement: str = ""
    fallback: str = ""
    rstrip: str = ""

    def __call__(self, setting: Setting, raw: str, parsed: Parsed) -> str:
        value = raw.lower() if self.lower else raw
        if not value and self.fallback:
            value = str(parsed[self.fallback])
        if self.rstrip:
            value = value.rstrip(self.rstrip)
        if len(value) < self.min_length:
            raise ConfigError(f"{setting.env} must be at least {self.min_length} characters long")
        if self.check is not None and not self.check(value):
            shown = "" if setting.secret else f", got {value!r}"  # never echo a secret
            raise ConfigError(f"{setting.env} {self.requirement}{shown}")
        return value


@dataclass(frozen=True)
class Int:
    minimum: int = 0

    def __call__(self, setting: Setting, raw: str, parsed: Parsed) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{setting.env} must be an integer, got {raw!r}") from None
        if value < self.minimum:
            raise ConfigError(f"{setting.env} must be >= {self.minimum}, got {value}")
        return value


@dataclass(frozen=True)
class Float:
    """A number > 0 (>= 0 with ``allow_zero``), at most ``maximum`` when one is given."""

    allow_zero: bool = False
    maximum: float | None = None

    def __call__(self, setting: Setting, raw: str, parsed: Parsed) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise ConfigError(f"{setting.env} must be a number, got {raw!r}") from None
        if self.maximum is not None and not 0 <= value <= self.maximum:
            raise ConfigError(f"{setting.env} must be between 0 and {self.maximum:g}, got {value}")
        if value < 0 or (value == 0 and not self.allow_zero):
            raise ConfigError(f"{setting.env} must be {'>=' if self.allow_zero else '>'} 0, got {value}")
        return value


FRACTION = Float(allow_zero=True, maximum=1.0)


@dataclass(frozen=True)
class Bool:
    """``true``/``false`` (also 1/0, yes/no, on/off); with ``auto``, ``auto`` is what it computes."""

    auto: Callable[[Parsed], bool] | None = None

    def __call__(self, setting: Setting, raw: str, parsed: Parsed) -> bool:
        value = raw.lower()
        if value == "auto" and self.auto is not None:
            return self.auto(parsed)
        if value in ("true", "1", "yes", "on"):
            return True
        if value in ("false", "0", "no", "off"):
            return False
        allowed = "auto, true or false" if self.auto is not None else "true or false"
        raise ConfigError(f"{setting.env} must be {allowed}, got {value!r}")


@dataclass(frozen=True)
class Choice:
    """One of ``choices``' keys, mapped to its value."""

    choices: Mapping[str, object]
    lower: bool = False

    def __call__(self, setting: Setting, raw: str, parsed: Parsed) -> object:
        value = raw.lower() if self.lower else raw
        if value not in self.choices:
            *others, last = self.choices
            raise ConfigError(f"{setting.env} must be {', '.join(others)} or {last}, got {value!r}")
        return self.choices[value]


@dataclass(frozen=True)
class RateLimits:
    """``scope=rate/burst,…`` token buckets, see :func:`parse_rate_limits`."""

    def __call__(self, setting: Setting, raw: str, parsed: Parsed) -> dict[str, RateLimit]:
        return parse_rate_limits(raw, setting.env)


def parse_rate_limits(raw: str, name: str = "ROOMSVC_RATE_LIMITS") -> dict[str, RateLimit]:
    """Parse ``scope=rate/burst,…`` into buckets; ``default`` must be present."""
    limits: dict[str, RateLimit] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        try:
            scope, spec = part.split("=", 1)
            rate_text, burst_text = spec.split("/", 1)
            limit = RateLimit(rate=float(rate_text), burst=int(burst_text))
        except ValueError:
            raise ConfigError(
                f"{name}: cannot parse {part!r}; expected scope=rate/burst, e.g. default=50/100"
            ) from None
        if limit.rate <= 0 or limit.burst < 1:
            raise ConfigError(f"{name}: {part!r} needs rate > 0 and burst >= 1")
        limits[scope.strip()] = limit
    if "default" not in limits:
        raise ConfigError(f"{name} must define a `default=rate/burst` bucket")
    return limits


@dataclass(frozen=True)
class Rate:
    """One ``rate/burst`` token bucket, rate in tokens per second."""

    def __call__(self, setting: Setting, raw: str, parsed: Parsed) -> RateLimit:
        return parse_rate_limits(f"default={raw}", setting.env)["default"]


def usable_cores() -> int:
    """The CPU cores this process may run on (its affinity mask where the OS has one), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no sched_getaffinity (macOS)
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Cores:
    """An integer >= 1, or ``auto``: one per usable CPU core (:func:`usable_cores`)."""

    def __call__(self, setting: Setting, raw: str, parsed: Parsed) -> int:
        if raw.strip().lower() == "auto":
            return usable_cores()
        return Int(minimum=1)(setting, raw, parsed)


@dataclass(frozen=True)
class Share:
    """An integer >= 1, or ``auto``: the earlier integer setting ``of`` over ``divisor`` (at least 1)."""

    of: str
    divisor: int

    def __call__(self, setting: Setting, raw: str, parsed: Parsed) -> int:
        if raw.strip().lower() == "auto":
            return max(1, int(str(parsed[self.of])) // self.divisor)
        return Int(minimum=1)(setting, raw, parsed)


@dataclass(frozen=True)
class Networks:
    """Comma-separated CIDR networks; ``none`` is the empty list, and ``auto`` is ``dev`` in dev mode and
    ``none`` otherwise."""

    dev: str = ""

    def __call__(self, setting: Setting, raw: str, parsed: Parsed) -> tuple[str, ...]:
        value = raw.strip().lower()
        if value == "auto":
            value = self.dev if _is_dev(parsed) else "none"
        if value == "none":
            return ()
        networks = []
        for part in filter(None, (p.strip() for p in value.split(","))):
            try:
                networks.append(str(ipaddress.ip_network(part, strict=False)))
            except ValueError:
                raise ConfigError(
                    f"{setting.env}: {part!r} is not an IP network; expected CIDRs such as "
                    "10.0.0.0/8,fd00::/8, or `none`, or `auto`"
                ) from None
        return tuple(networks)


def _is_dev(parsed: Parsed) -> bool:
    return parsed["ROOMSVC_ENV"] == "dev"


def _uses_s3(env: Mapping[str, str]) -> bool:
    return _raw(env, _BY_ENV["ROOMSVC_RECORDING_STORAGE"]).lower() == "s3"


def _agent_name(value: str) -> bool:
    return value.replace("-", "").replace("_", "").isalnum()


# --- the table ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One environment variable: ``env`` holds ``default`` unless set; ``parse`` turns it into the value
    of the field named by ``target`` (``"field"`` on Settings, ``"group.field"`` on a group object)."""

    env: str
    default: str
    description: str
    secret: bool = False
    target: str = field(kw_only=True)
    parse: Parser = field(default=Text(), kw_only=True)
    # For a secret only some configurations use: outside dev it must be real only when this says so.
    needed: Callable[[Mapping[str, str]], bool] | None = field(default=None, kw_only=True)


SECRET = Text(min_length=32)  # the keys and credential secrets roomsvc signs or encrypts with

# The single table of settings. Order here is the order of .env.example and docs/configuration.md.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "ROOMSVC_ENV",
        "dev",
        "`dev` or `prod`. Outside dev, placeholder secrets refuse to start.",
        target="env",
        parse=Choice({"dev": "dev", "prod": "prod"}),
    ),
    Setting("ROOMSVC_HOST", "127.0.0.1", "Address the API binds to.", target="host"),
    Setting("ROOMSVC_PORT", "8000", "Port the API binds to.", target="port", parse=Int(minimum=1)),
    Setting(
        "ROOMSVC_WORKERS",
        "auto",
        "Uvicorn worker processes for `roomsvc serve`; `auto` is one per CPU core this process may run on.",
        target="workers",
        parse=Cores(),
    ),
    Setting(
        "ROOMSVC_KEEPALIVE_SECONDS",
        "120",
        "Seconds the API keeps an idle HTTP/1.1 connection open. Keep it longer than the idle timeout of "
        "every client and load balancer in front (httpx 5 s, aiohttp 15 s, AWS ALB 60 s, Go 90 s): a "
        "connection the server closes just as a client reuses it fails that request.",
        target="keepalive_seconds",
        parse=Int(minimum=1),
    ),
    Setting(
        "ROOMSVC_LOG_LEVEL",
        "info",
        "Log level: debug, info, warning, error.",
        target="log_level",
        parse=Text(lower=True),
    ),
    Setting(
        "ROOMSVC_LOG_JSON",
        "auto",
        "`auto` (JSON when stdout is not a TTY), `true` or `false`.",
        target="log_json",
        parse=Choice({"auto": None, "true": True, "false": False}, lower=True),
    ),
    Setting(
        "ROOMSVC_SECRET_KEY",
        "dev-only-secret-key-change-me-0123456789",
        "Master key (>= 32 chars) that encrypts caller-credential secrets at rest.",
        secret=True,
        target="secret_key",
        parse=SECRET,
    ),
    Setting(
        "DATABASE_URL",
        "mysql+aiomysql://roomsvc:roomsvc-dev-password@127.0.0.1:3306/roomsvc",
        "SQLAlchemy URL of the MySQL/MariaDB database (driver aiomysql).",
        secret=True,
        target="database.url",
        parse=Text(
            check=lambda url: url.startswith("mysql+aiomysql://"),
            requirement="must use the mysql+aiomysql:// driver",
        ),
    ),
    Setting(
        "ROOMSVC_DB_POOL_SIZE",
        "10",
        "Connections kept in the SQLAlchemy pool per process; also the most the join route's driver "
        "pool opens.",
        target="database.pool_size",
        parse=Int(minimum=1),
    ),
    Setting(
        "ROOMSVC_DB_MAX_OVERFLOW",
        "10",
        "Extra connections allowed above the pool size under bursts.",
        target="database.max_overflow",
        parse=Int(),
    ),
    Setting(
        "ROOMSVC_DB_POOL_RECYCLE",
        "1800",
        "Seconds after which a pooled connection is replaced.",
        target="database.pool_recycle",
        parse=Int(minimum=1),
    ),
    Setting(
        "ROOMSVC_DB_TIMEOUT",
        "5",
        "Seconds to wait for a database connection before failing with 503.",
        target="database.timeout",
        parse=Float(),
    ),
    Setting(
        "REDIS_URL",
        "redis://127.0.0.1:6379/0",
        "Redis URL for shared state (rate-limit buckets).",
        secret=True,
        target="redis.url",
    ),
    Setting(
        "ROOMSVC_REDIS_TIMEOUT",
        "0.5",
        "Seconds for any Redis call before it is treated as down.",
        target="redis.timeout",
        parse=Float(),
    ),
    Setting(
        "LIVEKIT_URL",
        "http://127.0.0.1:7880",
        "LiveKit server API URL used by roomsvc (server side).",
        target="livekit.url",
    ),
    Setting(
        "LIVEKIT_PUBLIC_URL",
        "ws://127.0.0.1:7880",
        "LiveKit URL handed to clients in join responses (what browsers and SDKs connect to).",
        target="livekit.public_url",
    ),
    Setting(
        "LIVEKIT_API_KEY",
        "devkey",
        "LiveKit API key; also the issuer LiveKit puts on webhooks.",
        target="livekit.api_key",
    ),
    Setting(
        "LIVEKIT_API_SECRET",
        "dev-livekit-secret-change-me-0123456789",
        "LiveKit API secret (>= 32 chars): signs join tokens and verifies webhooks.",
        secret=True,
        target="livekit.api_secret",
        parse=SECRET,
    ),
    Setting(
        "LIVEKIT_TIMEOUT",
        "5",
        "Seconds for a LiveKit server API call before it fails with 503.",
        target="livekit.timeout",
        parse=Float(),
    ),
    Setting(
        "ROOMSVC_TOKEN_TTL",
        "600",
        "Default lifetime in seconds of join tokens (LiveKit refreshes tokens of connected clients).",
        target="tokens.default_ttl",
        parse=Int(minimum=30),
    ),
    Setting(
        "ROOMSVC_TOKEN_MAX_TTL",
        "3600",
        "Largest `ttl` a join request may ask for, in seconds.",
        target="tokens.max_ttl",
        parse=Int(minimum=30),
    ),
    Setting(
        "ROOMSVC_JOIN_REQUEST_TTL",
        "300",
        "Seconds a lobby room's join request waits for an owner or admin before it expires.",
        target="lobby.request_ttl",
        parse=Int(minimum=1),
    ),
    Setting(
        "ROOMSVC_JOIN_REQUEST_DENY_COOLDOWN",
        "300",
        "Seconds after a denied join request during which that identity's joins get 403 (0: none).",
        target="lobby.deny_cooldown",
        parse=Int(),
    ),
    Setting(
        "ROOMSVC_CALLER_AUDIENCE",
        "roomsvc",
        "Required `aud` claim of caller JWTs.",
        target="caller_auth.audience",
    ),
    Setting(
        "ROOMSVC_CALLER_MAX_TTL",
        "3600",
        "Longest lifetime (exp - iat) accepted for a caller JWT, seconds.",
        target="caller_auth.max_ttl",
        parse=Int(minimum=60),
    ),
    Setting(
        "ROOMSVC_CALLER_LEEWAY",
        "30",
        "Clock leeway in seconds when checking caller JWT times.",
        target="caller_auth.leeway",
        parse=Int(),
    ),
    Setting(
        "ROOMSVC_DEV_CREDENTIAL_ID",
        "cred_dev",
        "Id of the dev caller credential `make run` provisions.",
        target="caller_auth.dev_credential_id",
    ),
    Setting(
        "ROOMSVC_DEV_CREDENTIAL_SECRET",
        "dev-caller-secret-change-me-0123456789",
        "Secret of the dev caller credential; `roomsvc caller-token` signs with it.",
        secret=True,
        target="caller_auth.dev_credential_secret",
        parse=SECRET,
    ),
    Setting(
        "ROOMSVC_RATE_LIMITS",
        "default=50/100,rooms:write=20/40",
        "Token buckets per caller credential: `scope=rate/burst` pairs, rate in requests per second.",
        target="rate_limits",
        parse=RateLimits(),
    ),
    Setting(
        "ROOMSVC_PREAUTH_RATE_LIMIT",
        "20/40",
        "Token bucket per client IP (`rate/burst`, in process) charged, before any MySQL lookup, by every "
        "request that fails authentication or names a credential not in the cache; empty → 429.",
        target="edge.preauth_limit",
        parse=Rate(),
    ),
    Setting(
        "ROOMSVC_SSE_MAX_STREAMS",
        "1000",
        "Most open `GET /v1/events/stream` connections per API replica; more get 429.",
        target="edge.sse_max_streams",
        parse=Int(minimum=1),
    ),
    Setting(
        "ROOMSVC_SSE_MAX_STREAMS_PER_CALLER",
        "10",
        "Most open event streams per caller credential on one API replica; more get 429.",
        target="edge.sse_max_streams_per_caller",
        parse=Int(minimum=1),
    ),
    Setting(
        "ROOMSVC_MAX_BODY_BYTES",
        "65536",
        "Largest request body accepted; larger gets 413.",
        target="max_body_bytes",
        parse=Int(minimum=1024),
    ),
    Setting(
        "ROOMSVC_WEBHOOK_PATH",
        "/webhooks/livekit",
        "Path LiveKit posts webhooks to (see livekit.yaml).",
        target="webhook_path",
        parse=Text(check=lambda path: path.startswith("/"), requirement="must start with '/'"),
    ),
    Setting(
        "ROOMSVC_PUBLIC_URL",
        "http://127.0.0.1:8000",
        "Base URL at which LiveKit and operators reach the API.",
        target="public_url",
    ),
    Setting(
        "ROOMSVC_RECONCILE_INTERVAL",
        "15",
        "Seconds between reconciliations against LiveKit (ListRooms/ListParticipants); 0 disables.",
        target="jobs.reconcile_interval",
        parse=Float(allow_zero=True),
    ),
    Setting(
        "ROOMSVC_RECONCILE_GRACE",
        "10",
        "Records younger than this many seconds are never repaired; a participant LiveKit has listed for"
        " less than this is not opened, and one it stopped listing is closed only once a pass this many"
        " seconds earlier already missed it (its webhook may still be on its way).",
        target="jobs.reconcile_grace",
        parse=Float(allow_zero=True),
    ),
    Setting(
        "ROOMSVC_EVENT_TIMEOUT",
        "10",
        "Deadline in seconds of one delivery attempt, whole: DNS, connect, TLS, send and the answer.",
        target="jobs.delivery_timeout",
        parse=Float(),
    ),
    Setting(
        "ROOMSVC_DELIVERY_CONCURRENCY",
        "64",
        "Deliveries sent at once by one jobs process.",
        target="jobs.delivery_concurrency",
        parse=Int(minimum=1),
    ),
    Setting(
        "ROOMSVC_DELIVERY_SUBSCRIPTION_CONCURRENCY",
        "auto",
        "Deliveries of one subscription in flight at once, over all jobs processes; "
        "`auto`: a quarter of ROOMSVC_DELIVERY_CONCURRENCY.",
        target="jobs.subscription_concurrency",
        parse=Share(of="ROOMSVC_DELIVERY_CONCURRENCY", divisor=4),
    ),
    Setting(
        "ROOMSVC_EVENT_ALLOWED_NETWORKS",
        "auto",
        "CIDRs event subscriptions may reach although not public (e.g. `10.0.0.0/8`), or `none`; "
        "`auto`: loopback in dev, none in prod.",
        target="jobs.allowed_networks",
        parse=Networks(dev="127.0.0.0/8,::1/128"),
    ),
    Setting(
        "ROOMSVC_DELIVERY_BACKOFF_BASE",
        "2",
        "First retry delay in seconds; doubles per attempt, with jitter.",
        target="jobs.backoff_base",
        parse=Float(),
    ),
    Setting(
        "ROOMSVC_DELIVERY_BACKOFF_CAP",
        "600",
        "Longest delay between two attempts, in seconds.",
        target="jobs.backoff_cap",
        parse=Float(),
    ),
    Setting(
        "ROOMSVC_DELIVERY_MAX_AGE",
        "86400",
        "A delivery still failing after this many seconds is given up.",
        target="jobs.max_age",
        parse=Float(),
    ),
    Setting(
        "ROOMSVC_DELIVERY_DISABLE_AFTER",
        "50",
        "Consecutive failures after which a subscription is disabled.",
        target="jobs.disable_after",
        parse=Int(minimum=1),
    ),
    Setting(
        "ROOMSVC_DELIVERY_LEASE",
        "60",
        "Seconds a claimed delivery is reserved; keep it well above ROOMSVC_EVENT_TIMEOUT (docs/events.md).",
        target="jobs.lease",
        parse=Float(),
    ),
    Setting(
        "ROOMSVC_JOBS_POLL_INTERVAL",
        "0.5",
        "Seconds the jobs process sleeps when it finds nothing to do (a commit that made event deliveries "
        "due wakes the delivery relay at once through Redis; this is its fallback).",
        target="jobs.poll_interval",
        parse=Float(),
    ),
    Setting(
        "ROOMSVC_WEBHOOK_APPLIERS",
        "4",
        "Concurrent webhook appliers in each `roomsvc jobs` process; each applies the events of the rooms "
        "it holds (claimed with SKIP LOCKED), so a room's events apply in order, by one applier at a time.",
        target="jobs.webhook_appliers",
        parse=Int(minimum=1),
    ),
    Setting(
        "ROOMSVC_WEBHOOK_POLL_INTERVAL",
        "0.5",
        "Seconds between the webhook appliers' looks for stored events when no wake-up arrives (intake "
        "wakes them through Redis at once; this is the fallback while Redis is away).",
        target="jobs.webhook_poll_interval",
        parse=Float(),
    ),
    Setting(
        "ROOMSVC_ROOM_CLOSING_NOTICE_SECONDS",
        "60",
        "Seconds before a room's end (`closes_at`, or `max_duration` reached) that connected clients get the "
        "`room.closing` notice; 0 sends none.",
        target="jobs.room_closing_notice",
        parse=Float(allow_zero=True),
    ),
    Setting(
        "ROOMSVC_RETENTION_EVENTS_DAYS",
        "30",
        "Days events, their finished deliveries and delivery attempts are kept; 0 keeps them forever. An "
        "event with a pending delivery is kept until that delivery ends.",
        target="retention.events_days",
        parse=Int(),
    ),
    Setting(
        "ROOMSVC_RETENTION_WEBHOOKS_DAYS",
        "7",
        "Days a processed LiveKit webhook (its row and raw body, and so its id for de-duplication) is "
        "kept; 0 keeps them forever.",
        target="retention.webhooks_days",
        parse=Int(),
    ),
    Setting(
        "ROOMSVC_RETENTION_DETECTIONS_DAYS",
        "30",
        "Days scored detection windows are kept (the per-track summary stays); 0 keeps them forever.",
        target="retention.detections_days",
        parse=Int(),
    ),
    Setting(
        "ROOMSVC_RETENTION_AUDIT_DAYS",
        "365",
        "Days moderation and seat audit entries are kept; 0 keeps them forever.",
        target="retention.audit_days",
        parse=Int(),
    ),
    Setting(
        "ROOMSVC_RETENTION_INTERVAL",
        "3600",
        "Seconds between retention passes of `roomsvc jobs` (each pass deletes in batches until done).",
        target="retention.interval",
        parse=Float(),
    ),
    Setting(
        "ROOMSVC_RETENTION_BATCH",
        "500",
        "Rows one retention transaction deletes at most, so a backlog never holds locks for long.",
        target="retention.batch",
        parse=Int(minimum=1),
    ),
    Setting(
        "ROOMSVC_IDEMPOTENCY_TTL",
        "86400",
        "Seconds an `Idempotency-Key` is remembered (with the response it replays); then it may be reused.",
        target="retention.idempotency_ttl",
        parse=Float(),
    ),
    Setting(
        "ROOMSVC_DETECTION_AGENT_NAME",
        "roomsvc-detector",
        "Agent name `roomsvc worker` registers under; rooms with detection are dispatched to it explicitly.",
        target="detection.agent_name",
        parse=Text(check=_agent_name, requirement="may hold letters, digits, - and _"),
    ),
    Setting(
        "ROOMSVC_WORKER_CREDENTIAL_ID",
        "cred_worker",
        "Caller credential the detection worker signs its API calls with; only it may write detections.",
        target="detection.worker_credential_id",
    ),
    Setting(
        "ROOMSVC_WORKER_CREDENTIAL_SECRET",
        "dev-worker-secret-change-me-0123456789",
        "Secret of the worker credential (`roomsvc credentials bootstrap-dev` provisions it in dev).",
        secret=True,
        target="detection.worker_credential_secret",
        parse=SECRET,
    ),
    Setting(
        "ROOMSVC_WORKER_API_URL",
        "",
        "Base URL at which the worker reaches the API; empty means ROOMSVC_PUBLIC_URL.",
        target="detection.worker_api_url",
        parse=Text(fallback="ROOMSVC_PUBLIC_URL", rstrip="/"),
    ),
    Setting(
        "ROOMSVC_WORKER_MAX_JOBS",
        "4",
        "Rooms one `roomsvc worker` analyses at once; beyond that LiveKit dispatches to another worker.",
        target="detection.max_jobs",
        parse=Int(minimum=1),
    ),
    Setting(
        "ROOMSVC_WORKER_IDLE_PROCESSES",
        "1",
        "Job processes the worker keeps prewarmed (models loaded).",
        target="detection.idle_processes",
        parse=Int(),
    ),
    Setting(
        "ROOMSVC_WORKER_HTTP_PORT",
        "8081",
        "Port of the worker's health endpoint; 0 picks a free one.",
        target="detection.worker_http_port",
        parse=Int(),
    ),
    Setting(
        "ROOMSVC_DETECTION_HOP_SECONDS",
        "2",
        "Seconds between the starts of two scored audio windows (the window length is the model's).",
        target="detection.hop_seconds",
        parse=Float(),
    ),
    Setting(
        "ROOMSVC_DETECTION_MIN_SPEECH",
        "0.3",
        "Fraction of a window the voice activity detector must call speech for the window to be scored.",
        target="detection.min_speech",
        parse=FRACTION,
    ),
    Setting(
        "ROOMSVC_DETECTION_SMOOTHING",
        "2",
        "Scores averaged (the latest N windows) before the hysteresis thresholds are applied.",
        target="detection.smoothing",
        parse=Int(minimum=1),
    ),
    Setting(
        "ROOMSVC_DETECTION_HYSTERESIS",
        "0.05",
        "A state is left only when the smoothed score falls this far below the threshold that entered it.",
        target="detection.hysteresis",
        parse=FRACTION,
    ),
    Setting(
        "ROOMSVC_DETECTION_QUEUE",
        "8",
        "Audio hops (or video frames) queued per track for inference; beyond it the oldest is dropped.",
        target="detection.queue_size",
        parse=Int(minimum=1),
    ),
    Setting(
        "ROOMSVC_DETECTION_THREADS",
        "1",
        "Inference threads per job process (ONNX Runtime runs in them).",
        target="detection.threads",
        parse=Int(minimum=1),
    ),
    Setting(
        "ROOMSVC_DETECTION_VIDEO_FPS",
        "1",
        "Camera frames sampled per second for face-forgery scoring.",
        target="detection.video_fps",
        parse=Float(),
    ),
    Setting(
        "ROOMSVC_DETECTION_HEARTBEAT",
        "5",
        "Seconds between the worker's status reports for a room.",
        target="detection.heartbeat",
        parse=Float(),
    ),
    Setting(
        "ROOMSVC_DETECTION_MAX_ACTION_FALSE_ALARM",
        "0.005",
        "Safety gate: automatic `mute`/`kick` detection policies are refused (409) unless the active model's "
        "card declares a validated window false-alarm rate at its alert threshold (held-out genuine speakers "
        "after Opus) of at most this, and a track-level false-alert rate per hour (docs/detection.md).",
        target="detection.max_action_false_alarm",
        parse=FRACTION,
    ),
    Setting(
        "ROOMSVC_DETECTION_REDISPATCH_GRACE",
        "10",
        "Seconds a dispatch is given to bring its agent into the room before `roomsvc jobs` replaces it.",
        target="detection.redispatch_grace",
        parse=Float(allow_zero=True),
    ),
    Setting(
        "ROOMSVC_METRICS_ENABLED",
        "true",
        "Serve Prometheus `GET /metrics` on the API (no caller token); `false` removes the route.",
        target="observability.metrics_enabled",
        parse=Bool(),
    ),
    Setting(
        "ROOMSVC_JOBS_METRICS_PORT",
        "9101",
        "Port on ROOMSVC_HOST where `roomsvc jobs` serves Prometheus /metrics; 0 disables it.",
        target="observability.jobs_metrics_port",
        parse=Int(),
    ),
    Setting(
        "ROOMSVC_RECORDING_STORAGE",
        "local",
        "Where recordings are stored: `local` (ROOMSVC_RECORDING_DIR) or `s3` (the ROOMSVC_S3_* bucket).",
        target="recording_storage.backend",
        parse=Choice({"local": "local", "s3": "s3"}, lower=True),
    ),
    Setting(
        "ROOMSVC_RECORDING_DIR",
        ".run/recordings",
        "Directory of local recording storage (relative paths: to the working directory); API and recorder"
        " must share it.",
        target="recording_storage.directory",
        parse=Text(check=bool, requirement="must not be empty"),
    ),
    Setting(
        "ROOMSVC_S3_ENDPOINT",
        "http://127.0.0.1:7070",
        "URL of the S3-compatible endpoint (dev: the stack's versitygw); empty means AWS S3 in"
        " ROOMSVC_S3_REGION.",
        target="recording_storage.s3_endpoint",
        parse=Text(
            check=lambda url: url == "" or url.startswith(("http://", "https://")),
            requirement="must be an http:// or https:// URL, or empty for AWS S3",
            rstrip="/",
        ),
    ),
    Setting(
        "ROOMSVC_S3_REGION",
        "us-east-1",
        "Region of the S3 bucket (requests are signed for it).",
        target="recording_storage.s3_region",
        parse=Text(check=bool, requirement="must not be empty"),
    ),
    Setting(
        "ROOMSVC_S3_BUCKET",
        "roomsvc-recordings",
        "S3 bucket recordings are stored in (the dev stack creates it).",
        target="recording_storage.s3_bucket",
        parse=Text(check=bool, requirement="must not be empty"),
    ),
    Setting(
        "ROOMSVC_S3_ACCESS_KEY",
        "roomsvc-dev",
        "S3 access key id (dev: the root account of the stack's versitygw).",
        target="recording_storage.s3_access_key",
    ),
    Setting(
        "ROOMSVC_S3_SECRET_KEY",
        "dev-s3-secret-change-me-0123456789",
        "S3 secret access key; outside dev it must be real when ROOMSVC_RECORDING_STORAGE=s3.",
        secret=True,
        target="recording_storage.s3_secret_key",
        needed=_uses_s3,
    ),
    Setting(
        "ROOMSVC_S3_PART_SIZE",
        "8388608",
        "Bytes per part of a multipart upload (>= 5 MiB, S3's minimum); a recorder buffers up to this much.",
        target="recording_storage.s3_part_size",
        parse=Int(minimum=5 * 1024 * 1024),
    ),
    Setting(
        "ROOMSVC_RECORDING_BACKEND",
        "agent",
        "Who records: `agent` (the recorder agent, dispatched into the room) or `egress` (LiveKit Egress run"
        " elsewhere, writing to the ROOMSVC_S3_* bucket; docs/recording.md#egress-pass-through).",
        target="recording.backend",
        parse=Choice({"agent": "agent", "egress": "egress"}, lower=True),
    ),
    Setting(
        "ROOMSVC_RECORDER_AGENT_NAME",
        "roomsvc-recorder",
        "Agent name the recorder registers under; recordings are dispatched to it explicitly.",
        target="recording.agent_name",
        parse=Text(check=_agent_name, requirement="may hold letters, digits, - and _"),
    ),
    Setting(
        "ROOMSVC_RECORDING_STALE_SECONDS",
        "20",
        "Seconds without a heartbeat from its recorder after which `roomsvc jobs` finalizes a running"
        " recording from what storage holds (`partial`, or `failed` when nothing is recoverable).",
        target="recording.stale_seconds",
        parse=Float(),
    ),
    Setting(
        "ROOMSVC_RECORDING_RETENTION_DAYS",
        "0",
        "Days a finished recording (its files in storage and its rows) is kept; 0 keeps them forever.",
        target="recording.retention_days",
        parse=Int(),
    ),
    Setting(
        "ROOMSVC_RECORDING_URL_TTL",
        "300",
        "Seconds a presigned download URL (`GET /v1/recordings/{id}/file?redirect=true`, S3) stays valid.",
        target="recording.url_ttl",
        parse=Int(minimum=1),
    ),
    Setting(
        "ROOMSVC_RECORDER_MAX_JOBS",
        "8",
        "Recordings one `roomsvc recorder` runs at once; beyond that LiveKit dispatches to another recorder.",
        target="recording.recorder_max_jobs",
        parse=Int(minimum=1),
    ),
    Setting(
        "ROOMSVC_RECORDER_IDLE_PROCESSES",
        "1",
        "Job processes `roomsvc recorder` keeps started, so a recording starts without a process start-up.",
        target="recording.recorder_idle_processes",
        parse=Int(),
    ),
    Setting(
        "ROOMSVC_RECORDER_HTTP_PORT",
        "8082",
        "Port of the recorder's health endpoint; 0 picks a free one.",
        target="recording.recorder_http_port",
        parse=Int(),
    ),
    Setting(
        "ROOMSVC_RECORDER_HEARTBEAT",
        "1",
        "Seconds between the recorder's heartbeats (bytes written; the answer tells it to stop), well under"
        " ROOMSVC_RECORDING_STALE_SECONDS.",
        target="recording.recorder_heartbeat",
        parse=Float(),
    ),
    Setting(
        "ROOMSVC_DEMO_ENABLED",
        "auto",
        "Serve the browser demo (and its unauthenticated join) at /demo: `auto` (on when ROOMSVC_ENV=dev),"
        " `true` or `false`; outside dev, `true` refuses to start.",
        target="demo_enabled",
        parse=Bool(auto=_is_dev),
    ),
)

_BY_ENV = {s.env: s for s in SETTINGS}
# Variables that were renamed: set under the old name, they stop the start instead of being ignored.
RENAMED = {"ROOMSVC_DELIVERY_TIMEOUT": "ROOMSVC_EVENT_TIMEOUT"}
# "roomsvc-dev-password" is the database password of docker/compose.yaml's dev default and DATABASE_URL's.
PLACEHOLDER_MARKERS = ("change-me", "changeme", "dev-only", "placeholder", "roomsvc-dev-password")


def _is_placeholder(value: str) -> bool:
    lowered = value.lower()
    return any(marker in lowered for marker in PLACEHOLDER_MARKERS)


def _raw(env: Mapping[str, str], setting: Setting) -> str:
    value = env.get(setting.env)
    if value is None or value == "":
        return setting.default
    return value.strip()


def _require_real_secrets(env: Mapping[str, str], mode: str) -> None:
    for setting in SETTINGS:
        if not setting.secret or (setting.needed is not None and not setting.needed(env)):
            continue
        value = env.get(setting.env, "")
        if not value:
            raise ConfigError(f"{setting.env} is not set; it is required when ROOMSVC_ENV={mode}")
        if _is_placeholder(value):
            raise ConfigError(
                f"{setting.env} still holds the placeholder from .env.example; set a real secret "
                f"(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
            )


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build and validate settings from ``env`` (``os.environ`` by default), all from ``SETTINGS``."""
    env = os.environ if env is None else env
    for old, new in RENAMED.items():
        if env.get(old):
            raise ConfigError(f"{old} was renamed to {new}; set {new} instead")
    mode_setting = _BY_ENV["ROOMSVC_ENV"]
    mode = mode_setting.parse(mode_setting, _raw(env, mode_setting), {})
    if mode != "dev":
        _require_real_secrets(env, str(mode))
    parsed: dict[str, object] = {}
    for setting in SETTINGS:
        parsed[setting.env] = setting.parse(setting, _raw(env, setting), parsed)
    if mode != "dev" and parsed["ROOMSVC_DEMO_ENABLED"]:
        # The demo page joins anyone to any room without a caller credential: dev only.
        raise ConfigError(
            f"ROOMSVC_DEMO_ENABLED is true with ROOMSVC_ENV={mode}: the demo page and its "
            "unauthenticated join (/demo) run in dev only; unset it or set it to false"
        )

    top: dict[str, Any] = {}
    groups: dict[str, dict[str, Any]] = {name: {} for name in GROUPS}
    for setting in SETTINGS:
        group, _, name = setting.target.rpartition(".")
        (groups[group] if group else top)[name] = parsed[setting.env]
    for group, values in groups.items():
        top[group] = GROUPS[group](**values)
    return Settings(**top)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, for entry points (CLI, ``create_app``) only: everything below them is
    handed its settings (a Litestar dependency, a constructor argument), never reads this global."""
    return load_settings()
