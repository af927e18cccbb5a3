"""roomsvc.config.SETTINGS is the one declaration of every setting: each entry fills exactly one field of
the settings objects, every field is filled by exactly one entry, secrets never show in a repr, and each
entry's parser turns its own default into a value of its field's type."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, get_type_hints

import pytest

from roomsvc import config
from roomsvc.config import GROUPS, SETTINGS, ConfigError, Setting, Settings, load_settings


def _field(setting: Setting) -> tuple[type[Any], dataclasses.Field[Any]]:
    """The dataclass and field ``setting.target`` names; fails the test when it names none."""
    group, _, name = setting.target.rpartition(".")
    owner: type[Any] = GROUPS[group] if group else Settings
    by_name = {f.name: f for f in dataclasses.fields(owner)}
    assert name in by_name, f"{setting.env}: target {setting.target!r} is not a field of {owner.__name__}"
    assert group or name not in GROUPS, f"{setting.env}: {name!r} is a whole group, not one field"
    return owner, by_name[name]


def _leaf_fields() -> list[str]:
    """Every field a setting must fill: Settings' own (minus the group objects) and each group's."""
    targets = [f.name for f in dataclasses.fields(Settings) if f.name not in GROUPS]
    for group, cls in GROUPS.items():
        targets += [f"{group}.{f.name}" for f in dataclasses.fields(cls)]
    return targets


def test_groups_are_the_settings_objects() -> None:
    assert set(GROUPS) == {
        "database",
        "redis",
        "livekit",
        "tokens",
        "lobby",
        "caller_auth",
        "jobs",
        "detection",
        "observability",
        "edge",
        "retention",
        "recording_storage",
        "recording",
    }


def test_every_setting_targets_an_existing_field() -> None:
    for setting in SETTINGS:
        _field(setting)


def test_every_field_is_filled_by_exactly_one_setting() -> None:
    targets = [setting.target for setting in SETTINGS]
    leaves = _leaf_fields()
    missing = sorted(set(leaves) - set(targets))
    assert not missing, f"fields no setting fills: {missing}"
    duplicated = sorted({t for t in targets if targets.count(t) > 1})
    assert not duplicated, f"fields filled twice: {duplicated}"
    assert sorted(targets) == sorted(leaves)


def test_variable_names_are_unique() -> None:
    names = [setting.env for setting in SETTINGS]
    assert len(names) == len(set(names))


def test_settings_objects_have_no_second_set_of_defaults() -> None:
    """Defaults live in the table only: a field default would be a second spelling that can drift."""
    classes: list[type[Any]] = [Settings, *GROUPS.values()]
    for cls in classes:
        for f in dataclasses.fields(cls):
            assert f.default is dataclasses.MISSING, f"{cls.__name__}.{f.name} has a default"
            assert f.default_factory is dataclasses.MISSING, f"{cls.__name__}.{f.name} has a default"


def test_secrets_are_hidden_from_repr() -> None:
    settings_fields = {f.name: f for f in dataclasses.fields(Settings)}
    for setting in filter(lambda s: s.secret, SETTINGS):
        _, f = _field(setting)
        group = setting.target.rpartition(".")[0]
        hidden = not f.repr or (bool(group) and not settings_fields[group].repr)
        assert hidden, f"{setting.env} is a secret but {setting.target} shows in repr(settings)"


def _matches(value: object, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is float:
        return type(value) is float
    if origin is not None:
        return isinstance(value, origin if origin is not Mapping else dict)
    return type(value) is hint


def test_each_parser_gives_its_field_type() -> None:
    """Parsed from the defaults (dev and prod), every value has the annotated type of its field."""
    prod = {s.env: "x" * 40 for s in SETTINGS if s.secret}
    prod |= {"ROOMSVC_ENV": "prod", "DATABASE_URL": "mysql+aiomysql://u:p@db/r", "REDIS_URL": "redis://r"}
    for loaded in (load_settings({}), load_settings(prod)):
        for setting in SETTINGS:
            owner, f = _field(setting)
            group = setting.target.rpartition(".")[0]
            holder = getattr(loaded, group) if group else loaded
            value = getattr(holder, f.name)
            hint = get_type_hints(owner)[f.name]
            assert _matches(value, hint), f"{setting.env}: {value!r} is not a {hint}"


def test_a_setting_on_a_missing_field_fails_to_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """The generic builder passes every entry to its dataclass, so a wrong target cannot go unnoticed."""
    wrong = tuple(
        dataclasses.replace(s, target="jobs.poll_intervall") if s.env == "ROOMSVC_JOBS_POLL_INTERVAL" else s
        for s in SETTINGS
    )
    monkeypatch.setattr(config, "SETTINGS", wrong)
    with pytest.raises(TypeError, match="poll_interval"):
        load_settings({})


@pytest.mark.parametrize(
    ("env", "match"),
    [
        ({"ROOMSVC_DETECTION_MIN_SPEECH": "1.5"}, "ROOMSVC_DETECTION_MIN_SPEECH must be between 0 and 1"),
        ({"ROOMSVC_DETECTION_SMOOTHING": "0"}, "ROOMSVC_DETECTION_SMOOTHING must be >= 1"),
        ({"ROOMSVC_DB_TIMEOUT": "0"}, "ROOMSVC_DB_TIMEOUT must be > 0"),
        ({"ROOMSVC_RECONCILE_INTERVAL": "-1"}, "ROOMSVC_RECONCILE_INTERVAL must be >= 0"),
        ({"ROOMSVC_METRICS_ENABLED": "auto"}, "ROOMSVC_METRICS_ENABLED must be true or false"),
        ({"ROOMSVC_DETECTION_AGENT_NAME": "a b"}, "ROOMSVC_DETECTION_AGENT_NAME may hold letters"),
        ({"ROOMSVC_WEBHOOK_PATH": "hooks"}, "ROOMSVC_WEBHOOK_PATH must start with '/'"),
        (
            {"ROOMSVC_WORKER_CREDENTIAL_SECRET": "short"},
            "ROOMSVC_WORKER_CREDENTIAL_SECRET must be at least 32",
        ),
    ],
)
def test_parsers_validate_naming_the_variable(env: dict[str, str], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        load_settings(env)


def test_dependent_values() -> None:
    """``auto`` and fallbacks read earlier entries: demo follows the mode, the worker URL the public one."""
    dev = load_settings({"ROOMSVC_PUBLIC_URL": "http://api.example:8000/"})
    assert dev.demo_enabled is True
    assert dev.detection.worker_api_url == "http://api.example:8000"
    assert (
        load_settings({"ROOMSVC_WORKER_API_URL": "http://api:9/"}).detection.worker_api_url == "http://api:9"
    )
    prod = {s.env: "x" * 40 for s in SETTINGS if s.secret}
    prod |= {"ROOMSVC_ENV": "prod", "DATABASE_URL": "mysql+aiomysql://u:p@db/r", "REDIS_URL": "redis://r"}
    assert load_settings(prod).demo_enabled is False
    assert load_settings({"ROOMSVC_DEMO_ENABLED": "false"}).demo_enabled is False
    assert load_settings({"ROOMSVC_LOG_JSON": "TRUE"}).log_json is True
