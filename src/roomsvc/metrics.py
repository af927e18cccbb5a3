"""Every Prometheus metric roomsvc exports: names, labels and help in one place.

Modules import the metric objects from here and update them; nothing else creates metrics, so the set
is reviewable at a glance and two modules can never register the same name twice.

Which process exposes what (docs/observability.md has the full table):

- the API (``roomsvc serve``) at ``GET /metrics``: HTTP, webhooks, LiveKit calls made by the API, and
  the rooms/participants gauges (computed from MySQL at scrape time: ``health/metrics.py``);
- ``roomsvc jobs`` on ``ROOMSVC_JOBS_METRICS_PORT``: deliveries, reconciliation repairs, the LiveKit
  calls the reconciler makes, and ``roomsvc_job_*`` for each periodic job (the API reports its webhook
  applier's ``roomsvc_job_*`` too);
- the agent worker (``roomsvc worker``): the ``roomsvc_detection_*`` metrics.

Labels only ever take values from small fixed sets (route *templates*, LiveKit method names, outcome
words, detector names), never raw paths, room names or identities: every distinct label value is a
time series that lives forever in Prometheus.

Multi-process: when ``PROMETHEUS_MULTIPROC_DIR`` is set before this module is imported, prometheus_client
writes values to per-process files in that directory and :func:`render` merges them (``roomsvc serve``
sets it up itself when ``ROOMSVC_WORKERS`` > 1).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# No `*_created` series: they double the series count and nobody here graphs them.
disable_created_metrics()  # type: ignore[no-untyped-call]

# Latency buckets in seconds: a LiveKit call or an API request is ~1-50 ms on a LAN; timeouts are 5-10 s.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# --- HTTP (API process) ------------------------------------------------------------------------------
HTTP_REQUESTS = Counter(
    "roomsvc_http_requests",
    "HTTP requests answered by the API, by method, route template and status code.",
    ("method", "route", "status"),
)
HTTP_LATENCY = Histogram(
    "roomsvc_http_request_duration_seconds",
    "Time from receiving a request to finishing its response, by method and route template.",
    ("method", "route"),
    buckets=LATENCY_BUCKETS,
)
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# --- LiveKit webhooks (API process) ------------------------------------------------------------------
WEBHOOK_EVENTS = Counter(
    "roomsvc_webhook_events",
    "LiveKit webhooks received, by event type and outcome: accepted (new, stored), duplicate (an id "
    "already stored: LiveKit retried) or rejected (bad signature, malformed, wrong media type).",
    ("event_type", "outcome"),
)
LIVEKIT_WEBHOOK_TYPES = frozenset(
    {
        "room_started",
        "room_finished",
        "participant_joined",
        "participant_left",
        "participant_connection_aborted",
        "track_published",
        "track_unpublished",
        "egress_started",
        "egress_updated",
        "egress_ended",
        "ingress_started",
        "ingress_ended",
    }
)

# --- LiveKit server API (every process that holds a LiveKitGateway) ----------------------------------
LIVEKIT_CALLS = Counter(
    "roomsvc_livekit_calls",
    "LiveKit server API calls, by Twirp method and outcome (ok, not_found, error, unavailable, "
    "room_unreachable: the cluster node hosting the room is gone).",
    ("method", "outcome"),
)
LIVEKIT_LATENCY = Histogram(
    "roomsvc_livekit_call_duration_seconds",
    "LiveKit server API call latency, by Twirp method.",
    ("method",),
    buckets=LATENCY_BUCKETS,
)

# --- Event payloads (any process that emits: the API, roomsvc jobs) ------------------------------------
EVENT_PAYLOAD_MISMATCHES = Counter(
    "roomsvc_event_payload_mismatches",
    "Events whose data did not match their type's published schema (production only: dev raises), "
    "by event type. Each is a roomsvc bug; the event is still recorded.",
    ("event_type",),
)

# --- Outbound event deliveries (roomsvc jobs) --------------------------------------------------------
DELIVERIES = Counter(
    "roomsvc_event_deliveries",
    "Signed event deliveries attempted, by outcome: delivered (2xx), rejected (the subscriber answered "
    "non-2xx) or unreachable (no answer: connection error or timeout).",
    ("outcome",),
)
DELIVERY_LATENCY = Histogram(
    "roomsvc_event_delivery_duration_seconds",
    "Time a subscriber took to answer one delivery, by outcome.",
    ("outcome",),
    buckets=LATENCY_BUCKETS,
)

# --- Reconciliation (roomsvc jobs, or `roomsvc reconcile`) -------------------------------------------
RECONCILE_RUNS = Counter("roomsvc_reconcile_runs", "Reconciliation passes completed.")
RECONCILE_REPAIRS = Counter(
    "roomsvc_reconcile_repairs",
    "Records reconciliation repaired because a webhook was lost, by kind (calls/reconcile.py Report).",
    ("kind",),
)

# --- Periodic jobs (roomsvc.scheduler: every task of `roomsvc jobs`, and the API's webhook applier) ---
JOB_RUNS = Counter(
    "roomsvc_job_runs",
    "Runs of a periodic job body, by job name (the job table: roomsvc/scheduler.py).",
    ("job",),
)
JOB_FAILURES = Counter(
    "roomsvc_job_failures",
    "Runs of a periodic job body that raised (the scheduler backs off and retries), by job name.",
    ("job",),
)
JOB_DURATION = Histogram(
    "roomsvc_job_duration_seconds",
    "Time one run of a periodic job body took, failed runs included, by job name.",
    ("job",),
    buckets=LATENCY_BUCKETS,
)
JOB_ITEMS = Counter(
    "roomsvc_job_items",
    "Items a periodic job handled (webhooks applied, deliveries sent, mutes lifted, rooms re-dispatched, "
    "records repaired), by job name.",
    ("job",),
)

# --- Lock conflicts (every process with a database session: API requests and jobs) -------------------
TRANSACTION_CONFLICTS = Counter(
    "roomsvc_transaction_conflicts",
    "Transactions that lost a lock conflict (MariaDB deadlock 1213 or lock wait timeout 1205), by where "
    "(request, or the job's name) and outcome: retried (run again), exhausted (out of retries) or "
    "side_effects (not re-run: it had called LiveKit).",
    ("where", "outcome"),
)

# --- Detection (the agent worker; updated by roomsvc.detection) --------------------------------------
DETECTION_WINDOWS = Counter(
    "roomsvc_detection_windows_scored",
    "Media windows scored by a detector, by detector name and media kind (audio, video).",
    ("detector", "kind"),
)
DETECTION_INFERENCE = Histogram(
    "roomsvc_detection_inference_duration_seconds",
    "Time one detector took to score one window, by detector name.",
    ("detector",),
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
DETECTION_QUEUE_DROPS = Counter(
    "roomsvc_detection_queue_drops",
    "Frames or windows dropped because the detector fell behind (bounded queue full), by media kind.",
    ("kind",),
)
DETECTION_ALERTS = Counter(
    "roomsvc_detection_alerts",
    "Detection alerts raised (score over threshold), by detector name.",
    ("detector",),
)


# --- helpers -------------------------------------------------------------------------------------------
def route_label(path_template: str | None) -> str:
    """The ``route`` label: the route template (``/v1/rooms/{room}``), never the raw path."""
    return path_template or "unmatched"


def method_label(method: str | None) -> str:
    return method if method in HTTP_METHODS else "other"


# (method, route, status) → the labelled counter and histogram: ``labels()`` validates and locks on every
# call; a route's children are looked up once. Bounded: methods and route templates are finite sets.
_HTTP_CHILDREN: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}


def observe_http(method: str | None, path_template: str | None, status: int, seconds: float) -> None:
    route, verb = route_label(path_template), method_label(method)
    key = (verb, route, status)
    children = _HTTP_CHILDREN.get(key)
    if children is None:
        children = HTTP_REQUESTS.labels(verb, route, str(status)), HTTP_LATENCY.labels(verb, route)
        _HTTP_CHILDREN[key] = children
    children[0].inc()
    children[1].observe(seconds)


def observe_webhook(event_type: str | None, outcome: str) -> None:
    kind = event_type if event_type in LIVEKIT_WEBHOOK_TYPES else ("unknown" if not event_type else "other")
    WEBHOOK_EVENTS.labels(kind, outcome).inc()


def observe_livekit_call(method: str, seconds: float, outcome: str) -> None:
    """The :class:`roomsvc.livekit.LiveKitGateway` ``observer`` hook."""
    LIVEKIT_CALLS.labels(method, outcome).inc()
    LIVEKIT_LATENCY.labels(method).observe(seconds)


def observe_conflict(where: str, outcome: str) -> None:
    """A transaction lost a lock conflict: ``where`` is ``request`` or a job's name."""
    TRANSACTION_CONFLICTS.labels(where, outcome).inc()


def observe_delivery(status_code: int | None, latency_ms: int) -> None:
    if status_code is None:
        outcome = "unreachable"
    elif 200 <= status_code < 300:
        outcome = "delivered"
    else:
        outcome = "rejected"
    DELIVERIES.labels(outcome).inc()
    DELIVERY_LATENCY.labels(outcome).observe(latency_ms / 1000)


def observe_reconcile(repairs: dict[str, int]) -> None:
    RECONCILE_RUNS.inc()
    for kind, count in repairs.items():
        RECONCILE_REPAIRS.labels(kind).inc(count)


def observe_job(job: str, seconds: float, items: int | None) -> None:
    """One run of a periodic job: ``items`` is what it handled, None when it raised."""
    JOB_RUNS.labels(job).inc()
    JOB_DURATION.labels(job).observe(seconds)
    if items is None:
        JOB_FAILURES.labels(job).inc()
    elif items:
        JOB_ITEMS.labels(job).inc(items)


@dataclass(frozen=True)
class ActiveCounts:
    rooms: dict[str, int]
    participants: int


class _Snapshot(Collector):
    """Gauges whose values were computed just before the scrape (so the collector itself never blocks)."""

    def __init__(self, counts: ActiveCounts) -> None:
        self.counts = counts

    def collect(self) -> Iterable[GaugeMetricFamily]:
        rooms = GaugeMetricFamily(
            "roomsvc_rooms",
            "Rooms that are open (created, or active with a live session), by status.",
            labels=["status"],
        )
        for status in ("created", "active"):
            rooms.add_metric([status], self.counts.rooms.get(status, 0))
        yield rooms
        yield GaugeMetricFamily(
            "roomsvc_participants_active",
            "Participants connected to an active room, as our call records know them.",
            value=self.counts.participants,
        )


class _Process(Collector):
    """This process's metrics (the default registry) as one collector of a per-scrape registry."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def render(counts: ActiveCounts | None = None, accept: str | None = None) -> tuple[bytes, str]:
    """The exposition of this process (or of every process sharing ``PROMETHEUS_MULTIPROC_DIR``) plus
    the ``counts`` gauges, in the format the scraper's ``Accept`` asks for; returns (body, content type).
    """
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_Process())
    if counts is not None:
        registry.register(_Snapshot(counts))
    encoder, content_type = choose_encoder(accept or "")
    return encoder(registry), content_type


class TTLCache:
    """The last value and when it was computed; scrapes within ``ttl`` seconds reuse it."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self.value: ActiveCounts | None = None
        self.at = 0.0

    def fresh(self) -> ActiveCounts | None:
        return self.value if self.value is not None and time.monotonic() - self.at < self.ttl else None

    def store(self, value: ActiveCounts) -> None:
        self.value, self.at = value, time.monotonic()
