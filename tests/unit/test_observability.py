"""Metrics labels stay bounded, switches for /metrics and /demo, the canonical line's status, doctor's
config-file comparison. No stack needed."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

import pytest

from roomsvc import metrics
from roomsvc.app import create_app
from roomsvc.config import SETTINGS, ConfigError, load_settings
from roomsvc.doctor import check_configuration, check_livekit_config
from roomsvc.errors import Unauthenticated
from roomsvc.middleware import _status_of
from tests.promtext import parse, value


def _prod_env(**overrides: str) -> dict[str, str]:
    env = {s.env: "x" * 40 for s in SETTINGS if s.secret}
    env |= {"DATABASE_URL": "mysql+aiomysql://u:p@db/r", "REDIS_URL": "redis://c/0", "ROOMSVC_ENV": "prod"}
    return env | overrides


def test_demo_is_on_in_dev_and_off_in_prod_unless_asked() -> None:
    assert load_settings({}).demo_enabled is True
    assert load_settings(_prod_env()).demo_enabled is False
    with pytest.raises(ConfigError, match="ROOMSVC_DEMO_ENABLED"):  # never outside dev
        load_settings(_prod_env(ROOMSVC_DEMO_ENABLED="true"))
    assert load_settings({"ROOMSVC_DEMO_ENABLED": "false"}).demo_enabled is False
    with pytest.raises(ConfigError, match="ROOMSVC_DEMO_ENABLED"):
        load_settings({"ROOMSVC_DEMO_ENABLED": "sometimes"})
    with pytest.raises(ConfigError, match="ROOMSVC_METRICS_ENABLED"):
        load_settings({"ROOMSVC_METRICS_ENABLED": "auto"})
    assert load_settings({"ROOMSVC_JOBS_METRICS_PORT": "0"}).observability.jobs_metrics_port == 0


def _paths(**changes: object) -> set[str]:
    settings = dataclasses.replace(load_settings({}), **changes)  # type: ignore[arg-type]
    return {route.path for route in create_app(settings).routes}


def test_metrics_and_demo_routes_follow_their_switches() -> None:
    observability = load_settings({}).observability
    on = _paths()
    assert {"/metrics", "/demo", "/demo/api/join"} <= on
    off = _paths(demo_enabled=False, observability=dataclasses.replace(observability, metrics_enabled=False))
    assert not {p for p in off if p == "/metrics" or p.startswith("/demo")}


def test_http_labels_use_route_templates_and_known_methods() -> None:
    metrics.observe_http("GET", "/v1/rooms/{room}", 200, 0.01)
    metrics.observe_http("BREW", None, 404, 0.01)
    samples = parse(metrics.render()[0].decode())
    assert value(samples, "roomsvc_http_requests_total", method="GET", route="/v1/rooms/{room}", status="200")
    assert value(samples, "roomsvc_http_requests_total", method="other", route="unmatched", status="404")


def test_webhook_event_types_outside_livekits_set_share_one_label() -> None:
    metrics.observe_webhook("room_started", "accepted")
    metrics.observe_webhook("x" * 40, "accepted")
    metrics.observe_webhook(None, "rejected")
    samples = parse(metrics.render()[0].decode())
    assert value(samples, "roomsvc_webhook_events_total", event_type="room_started", outcome="accepted") >= 1
    assert value(samples, "roomsvc_webhook_events_total", event_type="other", outcome="accepted") >= 1
    assert value(samples, "roomsvc_webhook_events_total", event_type="unknown", outcome="rejected") >= 1
    assert not any("x" * 40 in v for _, labels in samples for _, v in labels)


def test_render_adds_the_active_gauges_in_the_requested_format() -> None:
    body, content_type = metrics.render(metrics.ActiveCounts(rooms={"active": 3}, participants=7))
    samples = parse(body.decode())
    assert content_type.startswith("text/plain; version=0.0.4")
    assert value(samples, "roomsvc_rooms", status="active") == 3
    assert value(samples, "roomsvc_rooms", status="created") == 0
    assert value(samples, "roomsvc_participants_active") == 7
    body, content_type = metrics.render(None, "application/openmetrics-text; version=1.0.0")
    assert content_type.startswith("application/openmetrics-text") and body.endswith(b"# EOF\n")


def test_canonical_line_status_of_an_exception_raised_by_a_middleware() -> None:
    assert _status_of(Unauthenticated("no token")) == 401
    assert _status_of(RuntimeError("boom")) == 500


def test_doctor_compares_livekit_yaml_with_our_webhook_url(tmp_path: Path) -> None:
    settings = load_settings({})
    config = tmp_path / "livekit.yaml"
    config.write_text("webhook:\n  urls: [http://localhost:8000/webhooks/livekit]\n")
    assert [f.status for f in check_livekit_config(settings, str(config))] == ["ok"]
    config.write_text("webhook:\n  api_key: otherkey\n  urls: [http://10.0.0.9:8000/hooks]\n")
    findings = check_livekit_config(settings, str(config))
    assert [f.status for f in findings] == ["fail", "fail"]
    assert "http://10.0.0.9:8000/hooks" in findings[0].message and "otherkey" in findings[1].message
    config.write_text("port: 7880\n")
    assert "no webhook.urls" in check_livekit_config(settings, str(config))[0].message
    missing = check_livekit_config(settings, str(tmp_path / "nope.yaml"))
    assert [f.status for f in missing] == ["warn"]


def test_doctor_reports_configuration_errors_and_dev_placeholders() -> None:
    settings, findings = check_configuration({"ROOMSVC_PORT": "eighty"})
    assert settings is None and findings[0].status == "fail" and "ROOMSVC_PORT" in findings[0].message
    settings, findings = check_configuration({})
    assert settings is not None
    assert [f.status for f in findings if f.check == "secrets"] == ["warn"]


def test_json_log_lines_encode_every_value_and_redact_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    import datetime as dt

    import structlog

    from roomsvc.logging import configure_logging

    class Opaque:
        def __repr__(self) -> str:
            return "<opaque>"

    before, handlers = structlog.get_config(), logging.getLogger().handlers[:]
    configure_logging("info", json=True)
    try:
        structlog.get_logger("t").info(
            "probe",
            at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
            opaque=Opaque(),
            huge=2**70,
            nested={"ids": (1, 2)},
            token="never-logged",
        )
        structlog.get_logger("t").debug("hidden")
    finally:
        structlog.configure(**before)
        logging.getLogger().handlers[:] = handlers
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 1
    line = lines[0]
    assert line["event"] == "probe" and line["level"] == "info"
    assert line["at"] == "2026-01-02T03:04:05Z"
    assert (line["opaque"], line["huge"], line["nested"]) == ("<opaque>", 2**70, {"ids": [1, 2]})
    assert line["token"] == "[redacted]"
