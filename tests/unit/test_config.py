from __future__ import annotations

import pytest

from roomsvc.config import SETTINGS, ConfigError, load_settings, parse_rate_limits

REAL = "x" * 40


def _prod_env(**overrides: str) -> dict[str, str]:
    env = {s.env: REAL for s in SETTINGS if s.secret}
    env["DATABASE_URL"] = "mysql+aiomysql://u:p@db:3306/roomsvc"
    env["REDIS_URL"] = "redis://cache:6379/0"
    env["ROOMSVC_ENV"] = "prod"
    env.update(overrides)
    return env


def test_dev_defaults_load() -> None:
    settings = load_settings({})
    assert settings.is_dev
    assert settings.livekit.api_key == "devkey"
    assert settings.webhook_url == "http://127.0.0.1:8000/webhooks/livekit"
    assert settings.rate_limits["rooms:write"].burst == 40


def test_prod_accepts_real_secrets() -> None:
    assert load_settings(_prod_env()).env == "prod"


@pytest.mark.parametrize(
    "name", ["LIVEKIT_API_SECRET", "ROOMSVC_SECRET_KEY", "ROOMSVC_DEV_CREDENTIAL_SECRET"]
)
def test_prod_refuses_placeholder_secret_naming_it(name: str) -> None:
    default = next(s.default for s in SETTINGS if s.env == name)
    with pytest.raises(ConfigError, match=name):
        load_settings(_prod_env(**{name: default}))


def test_prod_refuses_the_dev_database_password_naming_it() -> None:
    dev_url = next(s.default for s in SETTINGS if s.env == "DATABASE_URL")
    assert "roomsvc-dev-password" in dev_url
    for url in (dev_url, "mysql+aiomysql://roomsvc:roomsvc-dev-password@mysql:3306/roomsvc"):
        with pytest.raises(ConfigError, match="DATABASE_URL"):
            load_settings(_prod_env(DATABASE_URL=url))
    assert load_settings({"DATABASE_URL": dev_url}).is_dev  # dev keeps working


def test_prod_refuses_the_demo_naming_the_setting() -> None:
    with pytest.raises(ConfigError, match="ROOMSVC_DEMO_ENABLED"):
        load_settings(_prod_env(ROOMSVC_DEMO_ENABLED="true"))
    assert load_settings(_prod_env()).demo_enabled is False  # `auto` is off outside dev
    assert load_settings(_prod_env(ROOMSVC_DEMO_ENABLED="false")).demo_enabled is False
    assert load_settings({"ROOMSVC_DEMO_ENABLED": "true"}).demo_enabled is True


def test_prod_refuses_missing_secret_naming_it() -> None:
    env = _prod_env()
    del env["LIVEKIT_API_SECRET"]
    with pytest.raises(ConfigError, match="LIVEKIT_API_SECRET is not set"):
        load_settings(env)


@pytest.mark.parametrize(
    ("env", "match"),
    [
        ({"ROOMSVC_PORT": "eighty"}, "ROOMSVC_PORT"),
        ({"ROOMSVC_ENV": "staging"}, "ROOMSVC_ENV"),
        ({"DATABASE_URL": "postgresql://x"}, "DATABASE_URL"),
        ({"LIVEKIT_API_SECRET": "short"}, "LIVEKIT_API_SECRET"),
        ({"ROOMSVC_LOG_JSON": "maybe"}, "ROOMSVC_LOG_JSON"),
    ],
)
def test_invalid_values_name_the_variable(env: dict[str, str], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        load_settings(env)


def test_rate_limit_parsing() -> None:
    limits = parse_rate_limits("default=10/20, rooms:write=1.5/3")
    assert limits["rooms:write"].rate == 1.5 and limits["default"].burst == 20
    with pytest.raises(ConfigError, match="default"):
        parse_rate_limits("rooms:write=1/2")
    with pytest.raises(ConfigError, match="cannot parse"):
        parse_rate_limits("default=fast")


def test_settings_repr_hides_secrets() -> None:
    text = repr(load_settings({}))
    assert "dev-livekit-secret" not in text
    assert "dev-only-secret-key" not in text


def test_workers_default_to_one_per_usable_core() -> None:
    from roomsvc.config import usable_cores

    assert load_settings({}).workers == usable_cores() >= 1
    assert load_settings({"ROOMSVC_WORKERS": "auto"}).workers == usable_cores()
    assert load_settings({"ROOMSVC_WORKERS": "3"}).workers == 3
    with pytest.raises(ConfigError, match="ROOMSVC_WORKERS"):
        load_settings({"ROOMSVC_WORKERS": "0"})
