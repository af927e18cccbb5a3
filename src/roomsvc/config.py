"""Settings, read once from the environment and validated at start.

Every variable is declared in ``SETTINGS`` below with its default and a one-line description;
``.env.example`` and ``docs/configuration.md`` are checked against this table by a test, so they cannot
drift. Outside dev mode (``ROOMSVC_ENV`` other than ``dev``) a missing or placeholder secret refuses to
start, naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal


class ConfigError(ValueError):
    """A setting is missing or invalid; the message names the variable and how to fix it."""


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    description: str
    secret: bool = False


# The single table of settings. Order here is the order of .env.example and docs/configuration.md.
SETTINGS: tuple[Setting, ...] = (
    Setting("ROOMSVC_ENV", "dev", "`dev` or `prod`. Outside dev, placeholder secrets refuse to start."),
    Setting("ROOMSVC_HOST", "127.0.0.1", "Address the API binds to."),
    Setting("ROOMSVC_PORT", "8000", "Port the API binds to."),
    Setting("ROOMSVC_WORKERS", "1", "Uvicorn worker processes for `roomsvc serve`."),
    Setting("ROOMSVC_LOG_LEVEL", "info", "Log level: debug, info, warning, error."),
    Setting("ROOMSVC_LOG_JSON", "auto", "`auto` (JSON when stdout is not a TTY), `true` or `false`."),
    Setting(
        "ROOMSVC_SECRET_KEY",
        "dev-only-secret-key-change-me-0123456789",
        "Master key (>= 32 chars) that encrypts caller-credential secrets at rest.",
        secret=True,
    ),
    Setting(
        "DATABASE_URL",
        "mysql+aiomysql://roomsvc:roomsvc-dev-password@127.0.0.1:3306/roomsvc",
        "SQLAlchemy URL of the MySQL/MariaDB database (driver aiomysql).",
        secret=True,
    ),
    Setting("ROOMSVC_DB_POOL_SIZE", "10", "Connections kept in the SQLAlchemy pool per process."),
    Setting("ROOMSVC_DB_MAX_OVERFLOW", "10", "Extra connections allowed above the pool size under bursts."),
    Setting("ROOMSVC_DB_POOL_RECYCLE", "1800", "Seconds after which a pooled connection is replaced."),
    Setting("ROOMSVC_DB_TIMEOUT", "5", "Seconds to wait for a database connection before failing with 503."),
    Setting(
        "REDIS_URL", "redis://127.0.0.1:6379/0", "Redis URL for shared state (rate-limit buckets).", True
    ),
    Setting("ROOMSVC_REDIS_TIMEOUT", "0.5", "Seconds for any Redis call before it is treated as down."),
    Setting("LIVEKIT_URL", "http://127.0.0.1:7880", "LiveKit server API URL used by roomsvc (server side)."),
    Setting(
        "LIVEKIT_PUBLIC_URL",
        "ws://127.0.0.1:7880",
        "LiveKit URL handed to clients in join responses (what browsers and SDKs connect to).",
    ),
    Setting("LIVEKIT_API_KEY", "devkey", "LiveKit API key; also the issuer LiveKit puts on webhooks."),
    Setting(
        "LIVEKIT_API_SECRET",
        "dev-livekit-secret-change-me-0123456789",
        "LiveKit API secret (>= 32 chars): signs join tokens and verifies webhooks.",
        secret=True,
    ),
    Setting("LIVEKIT_TIMEOUT", "5", "Seconds for a LiveKit server API call before it fails with 503."),
    Setting(
        "ROOMSVC_TOKEN_TTL",
        "600",
        "Default lifetime in seconds of join tokens (LiveKit refreshes tokens of connected clients).",
    ),
    Setting("ROOMSVC_TOKEN_MAX_TTL", "3600", "Largest `ttl` a join request may ask for, in seconds."),
    Setting("ROOMSVC_CALLER_AUDIENCE", "roomsvc", "Required `aud` claim of caller JWTs."),
    Setting(
        "ROOMSVC_CALLER_MAX_TTL", "3600", "Longest lifetime (exp - iat) accepted for a caller JWT, seconds."
    ),
    Setting("ROOMSVC_CALLER_LEEWAY", "30", "Clock leeway in seconds when checking caller JWT times."),
    Setting(
        "ROOMSVC_DEV_CREDENTIAL_ID", "cred_dev", "Id of the dev caller credential `make run` provisions."
    ),
    Setting(
        "ROOMSVC_DEV_CREDENTIAL_SECRET",
        "dev-caller-secret-change-me-0123456789",
        "Secret of the dev caller credential; `roomsvc caller-token` signs with it.",
        secret=True,
    ),
    Setting(
        "ROOMSVC_RATE_LIMITS",
        "default=50/100,rooms:write=20/40",
        "Token buckets per caller credential: `scope=rate/burst` pairs, rate in requests per second.",
    ),
    Setting("ROOMSVC_MAX_BODY_BYTES", "65536", "Largest request body accepted; larger gets 413."),
    Setting(
        "ROOMSVC_WEBHOOK_PATH", "/webhooks/livekit", "Path LiveKit posts webhooks to (see livekit.yaml)."
    ),
    Setting(
        "ROOMSVC_PUBLIC_URL",
        "http://127.0.0.1:8000",
        "Base URL at which LiveKit and operators reach the API.",
    ),
    Setting(
        "ROOMSVC_RECONCILE_INTERVAL",
        "15",
        "Seconds between reconciliations against LiveKit (ListRooms/ListParticipants); 0 disables.",
    ),
    Setting("ROOMSVC_RECONCILE_GRACE", "10", "Records younger than this many seconds are never repaired."),
    Setting("ROOMSVC_DELIVERY_TIMEOUT", "10", "Seconds an event subscriber has to answer one delivery."),
    Setting("ROOMSVC_DELIVERY_CONCURRENCY", "16", "Deliveries sent at once by one jobs process."),
    Setting(
        "ROOMSVC_DELIVERY_BACKOFF_BASE",
        "2",
        "First retry delay in seconds; doubles per attempt, with jitter.",
    ),
    Setting("ROOMSVC_DELIVERY_BACKOFF_CAP", "600", "Longest delay between two attempts, in seconds."),
    Setting(
        "ROOMSVC_DELIVERY_MAX_AGE", "86400", "A delivery still failing after this many seconds is given up."
    ),
    Setting(
        "ROOMSVC_DELIVERY_DISABLE_AFTER", "50", "Consecutive failures after which a subscription is disabled."
    ),
    Setting(
        "ROOMSVC_DELIVERY_LEASE",
        "60",
        "Seconds a claimed delivery is reserved before another process retries it.",
    ),
    Setting(
        "ROOMSVC_JOBS_POLL_INTERVAL", "0.5", "Seconds the jobs process sleeps when it finds nothing to do."
    ),
    Setting(
        "ROOMSVC_DETECTION_AGENT_NAME",
        "roomsvc-detector",
        "Agent name `roomsvc worker` registers under; rooms with detection are dispatched to it explicitly.",
    ),
    Setting(
        "ROOMSVC_WORKER_CREDENTIAL_ID",
        "cred_worker",
        "Caller credential the detection worker signs its API calls with; only it may write detections.",
    ),
    Setting(
        "ROOMSVC_WORKER_CREDENTIAL_SECRET",
        "dev-worker-secret-change-me-0123456789",
        "Secret of the worker credential (`roomsvc credentials bootstrap-dev` provisions it in dev).",
        secret=True,
    ),
    Setting(
        "ROOMSVC_WORKER_API_URL",
        "",
        "Base URL at which the worker reaches the API; empty means ROOMSVC_PUBLIC_URL.",
    ),
    Setting(
        "ROOMSVC_WORKER_MAX_JOBS",
        "4",
        "Rooms one `roomsvc worker` analyses at once; beyond that LiveKit dispatches to another worker.",
    ),
    Setting(
        "ROOMSVC_WORKER_IDLE_PROCESSES", "1", "Job processes the worker keeps prewarmed (models loaded)."
    ),
    Setting("ROOMSVC_WORKER_HTTP_PORT", "8081", "Port of the worker's health endpoint; 0 picks a free one."),
    Setting(
        "ROOMSVC_DETECTION_HOP_SECONDS",
        "2",
        "Seconds between the starts of two scored audio windows (the window length is the model's).",
    ),
    Setting(
        "ROOMSVC_DETECTION_MIN_SPEECH",
        "0.3",
        "Fraction of a window the voice activity detector must call speech for the window to be scored.",
    ),
    Setting(
        "ROOMSVC_DETECTION_SMOOTHING",
        "2",
        "Scores averaged (the latest N windows) before the hysteresis thresholds are applied.",
    ),
    Setting(
        "ROOMSVC_DETECTION_HYSTERESIS",
        "0.05",
        "A state is left only when the smoothed score falls this far below the threshold that entered it.",
    ),
    Setting(
        "ROOMSVC_DETECTION_QUEUE",
        "8",
        "Audio hops (or video frames) queued per track for inference; beyond it the oldest is dropped.",
    ),
    Setting(
        "ROOMSVC_DETECTION_THREADS", "1", "Inference threads per job process (ONNX Runtime runs in them)."
    ),
    Setting("ROOMSVC_DETECTION_VIDEO_FPS", "1", "Camera frames sampled per second for face-forgery scoring."),
    Setting("ROOMSVC_DETECTION_HEARTBEAT", "5", "Seconds between the worker's status reports for a room."),
    Setting(
        "ROOMSVC_DETECTION_REDISPATCH_GRACE",
        "10",
        "Seconds a dispatch is given to bring its agent into the room before `roomsvc jobs` replaces it.",
    ),
    Setting(
        "ROOMSVC_METRICS_ENABLED",
        "true",
        "Serve Prometheus `GET /metrics` on the API (no caller token); `false` removes the route.",
    ),
    Setting(
        "ROOMSVC_JOBS_METRICS_PORT",
        "9101",
        "Port on ROOMSVC_HOST where `roomsvc jobs` serves Prometheus /metrics; 0 disables it.",
    ),
    Setting(
        "ROOMSVC_DEMO_ENABLED",
        "auto",
        "Serve the browser demo at /demo: `auto` (on when ROOMSVC_ENV=dev), `true` or `false`.",
    ),
)

_BY_ENV = {s.env: s for s in SETTINGS}
PLACEHOLDER_MARKERS = ("change-me", "changeme", "dev-only", "placeholder")


def _is_placeholder(value: str) -> bool:
    lowered = value.lower()
    return any(marker in lowered for marker in PLACEHOLDER_MARKERS)


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
    timeout: float = 5.0


@dataclass(frozen=True)
class TokenSettings:
    default_ttl: int
    max_ttl: int


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
    backoff_base: float
    backoff_cap: float
    max_age: float
    disable_after: int
    lease: float
    poll_interval: float


@dataclass(frozen=True)
class ObservabilitySettings:
    metrics_enabled: bool = True
    jobs_metrics_port: int = 9101


@dataclass(frozen=True)
class DetectionSettings:
    agent_name: str = "roomsvc-detector"
    worker_credential_id: str = "cred_worker"
    worker_credential_secret: str = field(default="", repr=False)
    worker_api_url: str = ""
    max_jobs: int = 4
    idle_processes: int = 1
    worker_http_port: int = 8081
    hop_seconds: float = 2.0
    min_speech: float = 0.3
    smoothing: int = 2
    hysteresis: float = 0.05
    queue_size: int = 8
    threads: int = 1
    video_fps: float = 1.0
    heartbeat: float = 5.0
    redispatch_grace: float = 10.0


@dataclass(frozen=True)
class RateLimit:
    rate: float
    burst: int


@dataclass(frozen=True)
class Settings:
    env: Literal["dev", "prod"]
    host: str
    port: int
    workers: int
    log_level: str
    log_json: bool | None
    secret_key: str = field(repr=False)
    public_url: str = ""
    webhook_path: str = "/webhooks/livekit"
    max_body_bytes: int = 65536
    database: DatabaseSettings = field(default=None, repr=False)  # type: ignore[assignment]
    redis: RedisSettings = field(default=None, repr=False)  # type: ignore[assignment]
    livekit: LiveKitSettings = field(default=None)  # type: ignore[assignment]
    tokens: TokenSettings = field(default=None)  # type: ignore[assignment]
    caller_auth: CallerAuthSettings = field(default=None)  # type: ignore[assignment]
    rate_limits: Mapping[str, RateLimit] = field(default_factory=dict)
    jobs: JobSettings = field(default=None)  # type: ignore[assignment]
    detection: DetectionSettings = field(default_factory=DetectionSettings)
    observability: ObservabilitySettings = field(default_factory=ObservabilitySettings)
    demo_enabled: bool = False

    @property
    def is_dev(self) -> bool:
        return self.env == "dev"

    @property
    def webhook_url(self) -> str:
        return self.public_url.rstrip("/") + self.webhook_path


def _int(env: Mapping[str, str], name: str, *, minimum: int = 0) -> int:
    raw = _raw(env, name)
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be >= {minimum}, got {value}")
    return value


def _bool(env: Mapping[str, str], name: str, *, auto: bool | None = None) -> bool:
    raw = _raw(env, name).lower()
    if raw == "auto" and auto is not None:
        return auto
    if raw in ("true", "1", "yes", "on"):
        return True
    if raw in ("false", "0", "no", "off"):
        return False
    allowed = "auto, true or false" if auto is not None else "true or false"
    raise ConfigError(f"{name} must be {allowed}, got {raw!r}")


def _float(env: Mapping[str, str], name: str, *, allow_zero: bool = False) -> float:
    raw = _raw(env, name)
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value < 0 or (value == 0 and not allow_zero):
        raise ConfigError(f"{name} must be > 0, got {value}")
    return value


def _raw(env: Mapping[str, str], name: str) -> str:
    value = env.get(name)
    if value is None or value == "":
        return _BY_ENV[name].default
    return value.strip()


def parse_rate_limits(raw: str) -> dict[str, RateLimit]:
    """Parse ``scope=rate/burst,…`` into buckets; ``default`` must be present."""
    limits: dict[str, RateLimit] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        try:
            scope, spec = part.split("=", 1)
            rate_text, burst_text = spec.split("/", 1)
            limit = RateLimit(rate=float(rate_text), burst=int(burst_text))
        except ValueError:
            raise ConfigError(
                f"ROOMSVC_RATE_LIMITS: cannot parse {part!r}; expected scope=rate/burst, e.g. default=50/100"
            ) from None
        if limit.rate <= 0 or limit.burst < 1:
            raise ConfigError(f"ROOMSVC_RATE_LIMITS: {part!r} needs rate > 0 and burst >= 1")
        limits[scope.strip()] = limit
    if "default" not in limits:
        raise ConfigError("ROOMSVC_RATE_LIMITS must define a `default=rate/burst` bucket")
    return limits


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build and validate settings from ``env`` (``os.environ`` by default)."""
    env = os.environ if env is None else env
    mode = _raw(env, "ROOMSVC_ENV")
    if mode not in ("dev", "prod"):
        raise ConfigError(f"ROOMSVC_ENV must be 'dev' or 'prod', got {mode!r}")

    if mode != "dev":
        for setting in SETTINGS:
            if not setting.secret:
                continue
            value = env.get(setting.env, "")
            if not value:
                raise ConfigError(f"{setting.env} is not set; it is required when ROOMSVC_ENV={mode}")
            if _is_placeholder(value):
                raise ConfigError(
                    f"{setting.env} still holds the placeholder from .env.example; set a real secret "
                    f"(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
                )
    for name in (
        "ROOMSVC_SECRET_KEY",
        "LIVEKIT_API_SECRET",
        "ROOMSVC_DEV_CREDENTIAL_SECRET",
        "ROOMSVC_WORKER_CREDENTIAL_SECRET",
    ):
        if len(_raw(env, name)) < 32:
            raise ConfigError(f"{name} must be at least 32 characters long")

    log_json_raw = _raw(env, "ROOMSVC_LOG_JSON").lower()
    if log_json_raw not in ("auto", "true", "false"):
        raise ConfigError(f"ROOMSVC_LOG_JSON must be auto, true or false, got {log_json_raw!r}")
    database_url = _raw(env, "DATABASE_URL")
    if not database_url.startswith("mysql+aiomysql://"):
        raise ConfigError("DATABASE_URL must use the mysql+aiomysql:// driver")
    webhook_path = _raw(env, "ROOMSVC_WEBHOOK_PATH")
    if not webhook_path.startswith("/"):
        raise ConfigError("ROOMSVC_WEBHOOK_PATH must start with '/'")

    return Settings(
        env=mode,  # type: ignore[arg-type]
        host=_raw(env, "ROOMSVC_HOST"),
        port=_int(env, "ROOMSVC_PORT", minimum=1),
        workers=_int(env, "ROOMSVC_WORKERS", minimum=1),
        log_level=_raw(env, "ROOMSVC_LOG_LEVEL").lower(),
        log_json=None if log_json_raw == "auto" else log_json_raw == "true",
        secret_key=_raw(env, "ROOMSVC_SECRET_KEY"),
        public_url=_raw(env, "ROOMSVC_PUBLIC_URL"),
        webhook_path=webhook_path,
        max_body_bytes=_int(env, "ROOMSVC_MAX_BODY_BYTES", minimum=1024),
        database=DatabaseSettings(
            url=database_url,
            pool_size=_int(env, "ROOMSVC_DB_POOL_SIZE", minimum=1),
            max_overflow=_int(env, "ROOMSVC_DB_MAX_OVERFLOW"),
            pool_recycle=_int(env, "ROOMSVC_DB_POOL_RECYCLE", minimum=1),
            timeout=_float(env, "ROOMSVC_DB_TIMEOUT"),
        ),
        redis=RedisSettings(url=_raw(env, "REDIS_URL"), timeout=_float(env, "ROOMSVC_REDIS_TIMEOUT")),
        livekit=LiveKitSettings(
            url=_raw(env, "LIVEKIT_URL"),
            public_url=_raw(env, "LIVEKIT_PUBLIC_URL"),
            api_key=_raw(env, "LIVEKIT_API_KEY"),
            api_secret=_raw(env, "LIVEKIT_API_SECRET"),
            timeout=_float(env, "LIVEKIT_TIMEOUT"),
        ),
        tokens=TokenSettings(
            default_ttl=_int(env, "ROOMSVC_TOKEN_TTL", minimum=30),
            max_ttl=_int(env, "ROOMSVC_TOKEN_MAX_TTL", minimum=30),
        ),
        caller_auth=CallerAuthSettings(
            audience=_raw(env, "ROOMSVC_CALLER_AUDIENCE"),
            max_ttl=_int(env, "ROOMSVC_CALLER_MAX_TTL", minimum=60),
            leeway=_int(env, "ROOMSVC_CALLER_LEEWAY"),
            dev_credential_id=_raw(env, "ROOMSVC_DEV_CREDENTIAL_ID"),
            dev_credential_secret=_raw(env, "ROOMSVC_DEV_CREDENTIAL_SECRET"),
        ),
        rate_limits=parse_rate_limits(_raw(env, "ROOMSVC_RATE_LIMITS")),
        jobs=JobSettings(
            reconcile_interval=_float(env, "ROOMSVC_RECONCILE_INTERVAL", allow_zero=True),
            reconcile_grace=_float(env, "ROOMSVC_RECONCILE_GRACE", allow_zero=True),
            delivery_timeout=_float(env, "ROOMSVC_DELIVERY_TIMEOUT"),
            delivery_concurrency=_int(env, "ROOMSVC_DELIVERY_CONCURRENCY", minimum=1),
            backoff_base=_float(env, "ROOMSVC_DELIVERY_BACKOFF_BASE"),
            backoff_cap=_float(env, "ROOMSVC_DELIVERY_BACKOFF_CAP"),
            max_age=_float(env, "ROOMSVC_DELIVERY_MAX_AGE"),
            disable_after=_int(env, "ROOMSVC_DELIVERY_DISABLE_AFTER", minimum=1),
            lease=_float(env, "ROOMSVC_DELIVERY_LEASE"),
            poll_interval=_float(env, "ROOMSVC_JOBS_POLL_INTERVAL"),
        ),
        detection=_detection_settings(env),
        observability=ObservabilitySettings(
            metrics_enabled=_bool(env, "ROOMSVC_METRICS_ENABLED"),
            jobs_metrics_port=_int(env, "ROOMSVC_JOBS_METRICS_PORT"),
        ),
        demo_enabled=_bool(env, "ROOMSVC_DEMO_ENABLED", auto=mode == "dev"),
    )


def _fraction(env: Mapping[str, str], name: str) -> float:
    value = _float(env, name, allow_zero=True)
    if value > 1:
        raise ConfigError(f"{name} must be between 0 and 1, got {value}")
    return value


def _detection_settings(env: Mapping[str, str]) -> DetectionSettings:
    agent_name = _raw(env, "ROOMSVC_DETECTION_AGENT_NAME")
    if not agent_name.replace("-", "").replace("_", "").isalnum():
        raise ConfigError(
            f"ROOMSVC_DETECTION_AGENT_NAME may hold letters, digits, - and _, got {agent_name!r}"
        )
    return DetectionSettings(
        agent_name=agent_name,
        worker_credential_id=_raw(env, "ROOMSVC_WORKER_CREDENTIAL_ID"),
        worker_credential_secret=_raw(env, "ROOMSVC_WORKER_CREDENTIAL_SECRET"),
        worker_api_url=(_raw(env, "ROOMSVC_WORKER_API_URL") or _raw(env, "ROOMSVC_PUBLIC_URL")).rstrip("/"),
        max_jobs=_int(env, "ROOMSVC_WORKER_MAX_JOBS", minimum=1),
        idle_processes=_int(env, "ROOMSVC_WORKER_IDLE_PROCESSES"),
        worker_http_port=_int(env, "ROOMSVC_WORKER_HTTP_PORT"),
        hop_seconds=_float(env, "ROOMSVC_DETECTION_HOP_SECONDS"),
        min_speech=_fraction(env, "ROOMSVC_DETECTION_MIN_SPEECH"),
        smoothing=_int(env, "ROOMSVC_DETECTION_SMOOTHING", minimum=1),
        hysteresis=_fraction(env, "ROOMSVC_DETECTION_HYSTERESIS"),
        queue_size=_int(env, "ROOMSVC_DETECTION_QUEUE", minimum=1),
        threads=_int(env, "ROOMSVC_DETECTION_THREADS", minimum=1),
        video_fps=_float(env, "ROOMSVC_DETECTION_VIDEO_FPS"),
        heartbeat=_float(env, "ROOMSVC_DETECTION_HEARTBEAT"),
        redispatch_grace=_float(env, "ROOMSVC_DETECTION_REDISPATCH_GRACE", allow_zero=True),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
