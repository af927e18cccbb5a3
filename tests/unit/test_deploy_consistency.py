"""docker/, .dockerignore and .env.example agree with the code: settings, CLI commands, paths, LiveKit config.

Nothing here needs Docker or a running service: the Dockerfile and compose file are parsed and checked
against ``roomsvc.config.SETTINGS``, ``roomsvc.cli.build_parser()`` and the files in the repository, and
the environment compose would give the roomsvc containers is fed through ``load_settings``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import posixpath
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from roomsvc.cli import build_parser
from roomsvc.config import SETTINGS, load_settings

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "docker" / "Dockerfile"
COMPOSE = ROOT / "docker" / "compose.yaml"
DOCKER_LIVEKIT = ROOT / "docker" / "livekit.yaml"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / ".env.example"
DEPLOYMENT_DOC = ROOT / "docs" / "deployment.md"

SETTING_NAMES = [setting.env for setting in SETTINGS]
DEFAULTS = {setting.env: setting.default for setting in SETTINGS}

# `roomsvc worker` arrives with the agent worker later in this project; the images and compose already
# run it. Any other command the deploy files or docs name must exist in build_parser() today.
PLANNED_COMMANDS = frozenset({"worker"})

# Variables of the third-party containers. They are read by those images, not by roomsvc, so they are
# neither in SETTINGS nor in .env.example. LIVEKIT_KEYS and LIVEKIT_WEBHOOK_API_KEY are livekit-server's
# (the --keys flag and the generated flag for webhook.api_key); compose derives them from the roomsvc
# settings LIVEKIT_API_KEY/LIVEKIT_API_SECRET.
THIRD_PARTY_ENVIRONMENT = {
    "mysql": frozenset({"MYSQL_DATABASE", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD"}),
    "redis": frozenset(),
    "livekit": frozenset({"LIVEKIT_KEYS", "LIVEKIT_WEBHOOK_API_KEY"}),
}

# Compose-only interpolations (read by compose, not by roomsvc): the database credentials shared by the
# mysql service and roomsvc's DATABASE_URL, and the host address ports are published on. Their defaults
# are the dev defaults; docs/deployment.md documents each.
_DEV_DATABASE = urlsplit(DEFAULTS["DATABASE_URL"])
COMPOSE_VARIABLES = {
    "MYSQL_USER": _DEV_DATABASE.username,
    "MYSQL_PASSWORD": _DEV_DATABASE.password,
    "MYSQL_DATABASE": _DEV_DATABASE.path.lstrip("/"),
    "PUBLISH_ADDRESS": "127.0.0.1",
}

# Must never enter the build context (secrets, local state, bulky data).
NEVER_IN_CONTEXT = (
    ".env",
    ".venv/bin/python",
    ".git/config",
    ".run/stack.lock",
    "artifacts/x.log",
    "training/detection/x.wav",
)


def _load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


ENV_ENTRIES = _load_script("gen_config_docs").read_env_example(ENV_EXAMPLE)


# --- Dockerfile ---------------------------------------------------------------------------------------


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = (pending + stripped).strip()
        pending = ""
        keyword, _, arguments = full.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    assert not pending, "Dockerfile ends with a continuation line"
    return instructions


class Stage:
    def __init__(self, name: str, base: str) -> None:
        self.name = name
        self.base = base
        self.instructions: list[tuple[str, str]] = []


def _stages() -> tuple[dict[str, str], dict[str, Stage]]:
    global_args: dict[str, str] = {}
    stages: dict[str, Stage] = {}
    current: Stage | None = None
    for keyword, arguments in _dockerfile_instructions():
        if keyword == "FROM":
            words = arguments.split()
            assert len(words) == 3 and words[1].upper() == "AS", f"unnamed stage: FROM {arguments}"
            base = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: global_args[m.group(1) or m.group(2)], words[0])
            current = stages[words[2]] = Stage(words[2], base)
        elif current is None:
            assert keyword == "ARG", f"{keyword} before the first FROM"
            name, _, default = arguments.partition("=")
            global_args[name] = default
        else:
            current.instructions.append((keyword, arguments))
    return global_args, stages


def _chain(stages: Mapping[str, Stage], name: str) -> list[Stage]:
    """The stage and the stages it is built FROM, base first."""
    chain = [stages[name]]
    while chain[0].base in stages:
        chain.insert(0, stages[chain[0].base])
    return chain


def _exec_form(arguments: str) -> list[str]:
    if arguments.startswith("["):
        value = json.loads(arguments)
        assert isinstance(value, list)
        return [str(item) for item in value]
    return shlex.split(arguments)


def _copy_sources(arguments: str) -> tuple[list[str], str, bool]:
    words = shlex.split(arguments)
    from_stage = any(word.startswith("--from=") for word in words)
    paths = [word for word in words if not word.startswith("--")]
    return paths[:-1], paths[-1], from_stage


def test_dockerfile_targets_base_image_and_python_version() -> None:
    _, stages = _stages()
    assert {"builder", "runtime", "api", "worker"} <= set(stages)
    assert _chain(stages, "api")[0].name == "runtime" and _chain(stages, "worker")[0].name == "runtime"
    requires = SpecifierSet(_pyproject()["project"]["requires-python"])
    for stage in stages.values():
        if stage.name == "web":  # the browser assets are built with node; only their dist/ reaches the image
            assert re.fullmatch(r"node:\d+-slim", stage.base), stage.base
            continue
        if stage.base not in stages:
            match = re.fullmatch(r"python:(\d+\.\d+)-slim", stage.base)
            assert match, f"stage {stage.name} is built from {stage.base}, expected python:3.X-slim"
            assert match.group(1) + ".0" in requires, f"{stage.base} does not satisfy {requires}"


def test_dockerfile_copy_sources_exist_and_pass_dockerignore() -> None:
    _, stages = _stages()
    patterns = _dockerignore_patterns()
    sources: list[str] = []
    for stage in stages.values():
        for keyword, arguments in stage.instructions:
            if keyword in ("COPY", "ADD"):
                paths, _, from_stage = _copy_sources(arguments)
                if not from_stage:
                    sources += paths
    assert sources, "the Dockerfile copies nothing from the build context"
    for source in sources:
        path = ROOT / source
        assert path.exists(), f"COPY {source}: no such file in the repository (the build context is its root)"
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for file in files:
            relative = file.relative_to(ROOT).as_posix()
            if "__pycache__" in relative or relative.endswith(".pyc") or ".egg-info" in relative:
                continue
            if relative.startswith(("web/node_modules/", "web/dist/")):  # built inside the image, not copied
                continue
            assert not _dockerignored(relative, patterns), f"{relative} is copied but .dockerignore drops it"


def test_dockerignore_keeps_secrets_and_local_state_out() -> None:
    patterns = _dockerignore_patterns()
    for path in NEVER_IN_CONTEXT:
        assert _dockerignored(path, patterns), f"{path} would be sent to the Docker build context"


def test_runtime_images_run_as_non_root_in_app_with_the_migrations() -> None:
    _, stages = _stages()
    for target in ("api", "worker"):
        instructions = [item for stage in _chain(stages, target) for item in stage.instructions]
        users = [arguments for keyword, arguments in instructions if keyword == "USER"]
        assert users, f"target {target} runs as root (no USER)"
        assert users[-1].split(":")[0] not in ("root", "0"), f"target {target} runs as {users[-1]}"
        workdirs = [arguments for keyword, arguments in instructions if keyword == "WORKDIR"]
        assert workdirs[-1] == "/app"
        copied = {}
        for keyword, arguments in instructions:
            if keyword == "COPY":
                paths, destination, from_stage = _copy_sources(arguments)
                if not from_stage:
                    for path in paths:
                        target_path = destination if not destination.endswith("/") else destination + path
                        copied[path] = posixpath.normpath(posixpath.join("/app", target_path))
        # `roomsvc migrate` finds alembic/ (and alembic.ini) in its working directory.
        assert copied.get("alembic") == "/app/alembic", copied
        assert copied.get("alembic.ini") == "/app/alembic.ini", copied


def test_api_image_healthcheck_probes_healthz() -> None:
    from roomsvc.health.controller import healthz

    _, stages = _stages()
    checks = [arguments for keyword, arguments in stages["api"].instructions if keyword == "HEALTHCHECK"]
    assert len(checks) == 1, "the api target needs one HEALTHCHECK"
    assert "/healthz" in healthz.paths
    assert "/healthz" in checks[0] and "curl" not in checks[0], (
        "probe /healthz with python (slim has no curl)"
    )
    _assert_python_probe(_exec_form(checks[0].split(" CMD ", 1)[1]))


def test_runtime_dependencies_are_pinned_by_the_lock() -> None:
    # The image installs [project].dependencies constrained by requirements.lock; a dependency missing
    # from the lock would be installed at whatever version is newest on the day of the build.
    locked = {
        canonicalize_name(line.split("==")[0])
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if re.match(r"^[A-Za-z0-9_.-]+==", line)
    }
    for dependency in _pyproject()["project"]["dependencies"]:
        name = canonicalize_name(Requirement(dependency).name)
        assert name in locked, f"{name} is a dependency but not pinned in requirements.lock; re-lock"


# The image installs the wheel built from src/, which carries only .py files and what
# [tool.setuptools.package-data] names. Today that is py.typed alone, so the detector's model files
# (src/roomsvc/detection/models/) would be missing from the images. Fix in pyproject.toml, e.g.
# `roomsvc = ["py.typed", "detection/models/*"]`, then delete this marker (strict: it fails once fixed).
def test_wheel_ships_every_data_file_of_the_package() -> None:
    package = ROOT / "src" / "roomsvc"
    patterns = _pyproject()["tool"]["setuptools"].get("package-data", {}).get("roomsvc", [])
    shipped = {path for pattern in patterns for path in package.glob(pattern) if path.is_file()}
    data = {
        path
        for path in package.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }
    missing = sorted(path.relative_to(package).as_posix() for path in data - shipped)
    assert not missing, f"not in the wheel (add to package-data in pyproject.toml): {missing}"


# --- compose ------------------------------------------------------------------------------------------

_INTERPOLATION = re.compile(
    r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)


def _compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(document, dict)
    return document


def _services() -> dict[str, dict[str, Any]]:
    services = _compose()["services"]
    assert isinstance(services, dict)
    return services


def _roomsvc_services() -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in _services().items()
        if isinstance(service.get("build"), dict)
        and service["build"].get("dockerfile") == "docker/Dockerfile"
    }


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _interpolate(text: str) -> str:
    """What compose makes of ``text`` with none of the variables set in the shell (defaults apply)."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        return match.group(3) if match.group(2) else ""

    return _INTERPOLATION.sub(replace, text)


def _environment(service: Mapping[str, Any]) -> dict[str, str]:
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) if "=" in item else (item, "") for item in raw)
    return {str(key): _interpolate(str(value)) for key, value in raw.items()}


def _effective_environment(service: Mapping[str, Any]) -> dict[str, str]:
    """env_file entries in order (optional ones skipped: a developer's .env must not matter), then
    ``environment:``, which wins — as compose does."""
    env: dict[str, str] = {}
    for item in service.get("env_file") or []:
        entry = {"path": item} if isinstance(item, str) else item
        path = (COMPOSE.parent / entry["path"]).resolve()
        if entry.get("required", True) is False:
            continue
        assert path == ENV_EXAMPLE, f"unexpected required env_file {entry['path']}"
        env.update({e.name: e.value for e in ENV_ENTRIES})
    env.update(_environment(service))
    return env


def test_compose_services() -> None:
    assert _compose().get("name") == "roomsvc"
    assert set(_services()) == {"mysql", "redis", "livekit", "migrate", "api", "jobs", "worker"}
    roomsvc = _roomsvc_services()
    assert set(roomsvc) == {"migrate", "api", "jobs", "worker"}
    assert roomsvc["api"]["build"]["target"] == "api" and roomsvc["migrate"]["build"]["target"] == "api"
    assert roomsvc["worker"]["build"]["target"] == "worker"
    for name, service in roomsvc.items():
        assert (COMPOSE.parent / service["build"]["context"]).resolve() == ROOT, name


def test_compose_interpolations_are_settings_with_their_defaults() -> None:
    seen = set()
    for text in _strings(_compose()):
        for match in _INTERPOLATION.finditer(text):
            if match.group(0) == "$$":
                continue
            name = match.group(1) or match.group(4)
            assert match.group(1), f"write ${{{name}}} with braces and a default"
            if name in COMPOSE_VARIABLES:
                assert match.group(2) == ":-" and match.group(3) == COMPOSE_VARIABLES[name], (
                    f"${{{name}}} must default to {COMPOSE_VARIABLES[name]!r}"
                )
                assert f"`{name}`" in DEPLOYMENT_DOC.read_text(), f"docs/deployment.md must explain {name}"
                seen.add(name)
                continue
            assert name in DEFAULTS, f"${{{name}}} is not a roomsvc setting (roomsvc.config.SETTINGS)"
            assert name in {e.name for e in ENV_ENTRIES}, f"${{{name}}} is not in .env.example"
            assert match.group(2) == ":-", f"${{{name}}} needs a default: ${{{name}:-{DEFAULTS[name]}}}"
            assert match.group(3) == DEFAULTS[name], f"${{{name}:-…}} must default to {DEFAULTS[name]!r}"
            seen.add(name)
    assert {"LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"} | set(COMPOSE_VARIABLES) <= seen


def test_compose_publishes_ports_on_loopback_by_default() -> None:
    published = {name: service.get("ports", []) for name, service in _services().items()}
    assert set(published["api"]) and set(published["livekit"])
    for name, ports in published.items():
        for port in ports:
            assert _interpolate(str(port)).startswith("127.0.0.1:"), (
                f"{name}: {port} must publish on ${{PUBLISH_ADDRESS:-127.0.0.1}}, not on every interface"
            )


def test_compose_database_credentials_come_from_the_environment() -> None:
    # Nothing hard-wires a password: both sides interpolate the same variables, so a `.env` passed
    # with --env-file changes them together (and prod refuses the dev default, see test_config.py).
    mysql = _services()["mysql"]["environment"]
    for key in ("MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE"):
        assert mysql[key] == f"${{{key}:-{COMPOSE_VARIABLES[key]}}}"
    for name, service in _roomsvc_services().items():
        url = service["environment"]["DATABASE_URL"]
        assert "${MYSQL_PASSWORD:-" in url and "${MYSQL_USER:-" in url, name


def test_compose_environment_keys_are_known() -> None:
    example = {entry.name for entry in ENV_ENTRIES if not entry.script_only}
    for name, service in _services().items():
        keys = set(_environment(service))
        if name in _roomsvc_services():
            assert keys <= set(SETTING_NAMES), (
                f"{name}: not roomsvc settings: {sorted(keys - set(SETTING_NAMES))}"
            )
            assert keys <= example, f"{name}: not in .env.example: {sorted(keys - example)}"
        else:
            allowed = THIRD_PARTY_ENVIRONMENT[name]
            assert keys <= allowed, (
                f"{name}: unexpected variables {sorted(keys - allowed)}; allow-list them here"
            )


def test_compose_roomsvc_containers_get_valid_settings_pointing_at_the_other_containers() -> None:
    services = _services()
    livekit_config = yaml.safe_load(DOCKER_LIVEKIT.read_text())
    mysql = _environment(services["mysql"])
    for name, service in _roomsvc_services().items():
        files = [item if isinstance(item, str) else item["path"] for item in service["env_file"]]
        assert files == ["../.env.example", "../.env"], f"{name}: env_file must be .env.example, then .env"
        settings = load_settings(_effective_environment(service))
        database = urlsplit(settings.database.url)
        assert database.hostname == "mysql" and database.port in (None, 3306)
        assert (database.username, database.password, database.path.lstrip("/")) == (
            mysql["MYSQL_USER"],
            mysql["MYSQL_PASSWORD"],
            mysql["MYSQL_DATABASE"],
        ), f"{name}: DATABASE_URL does not match the mysql service's user, password and database"
        assert urlsplit(settings.redis.url).hostname == "redis"
        livekit_url = urlsplit(settings.livekit.url)
        assert (livekit_url.hostname, livekit_url.port) == ("livekit", livekit_config["port"])
        # LiveKit posts its webhooks where the API listens.
        assert livekit_config["webhook"]["urls"] == [settings.webhook_url]
        webhook = urlsplit(settings.webhook_url)
        assert (webhook.hostname, webhook.port) == ("api", settings.port)
        if name == "api":
            ports = [_interpolate(port) for port in services["api"]["ports"]]
            assert f"127.0.0.1:{settings.port}:{settings.port}" in ports
            assert settings.host == "0.0.0.0"


def test_compose_livekit_gets_the_key_pair_roomsvc_uses() -> None:
    livekit = _environment(_services()["livekit"])
    for name, service in _roomsvc_services().items():
        settings = load_settings(_effective_environment(service))
        # livekit-server reads LIVEKIT_KEYS as YAML: "key: secret", the space included.
        assert yaml.safe_load(livekit["LIVEKIT_KEYS"]) == {
            settings.livekit.api_key: settings.livekit.api_secret
        }
        assert livekit["LIVEKIT_WEBHOOK_API_KEY"] == settings.livekit.api_key, name


def test_compose_livekit_runs_the_pinned_version_with_the_docker_config() -> None:
    service = _services()["livekit"]
    version = re.search(r'^LIVEKIT_VERSION="([^"]+)"', (ROOT / "scripts" / "stack.sh").read_text(), re.M)
    assert version is not None
    assert service["image"] == f"livekit/livekit-server:{version.group(1)}"
    command = service["command"]
    config_path = command[command.index("--config") + 1]
    assert f"./livekit.yaml:{config_path}:ro" in service["volumes"]
    config = yaml.safe_load(DOCKER_LIVEKIT.read_text())
    published = {
        f"127.0.0.1:{config['port']}:{config['port']}",
        f"127.0.0.1:{config['rtc']['tcp_port']}:{config['rtc']['tcp_port']}",
        f"127.0.0.1:{config['rtc']['udp_port']}:{config['rtc']['udp_port']}/udp",
    }
    assert published == {_interpolate(port) for port in service["ports"]}
    assert "127.0.0.1" not in config.get("bind_addresses", []), "other containers could not reach LiveKit"
    assert "interfaces" not in config.get("rtc", {}), "a container's media must not be pinned to lo"


def test_docker_livekit_config_matches_the_local_one() -> None:
    docker = yaml.safe_load(DOCKER_LIVEKIT.read_text())
    local = yaml.safe_load((ROOT / "livekit.yaml").read_text())
    assert docker["port"] == local["port"]
    for key in ("tcp_port", "udp_port", "use_external_ip"):
        assert docker["rtc"][key] == local["rtc"][key], f"rtc.{key}"
    assert docker["room"] == local["room"]
    assert docker["logging"] == local["logging"]
    # The local file posts webhooks to the API at its dev defaults.
    assert local["webhook"]["urls"] == [load_settings({}).webhook_url]


def test_compose_dependencies_are_ready_when_used() -> None:
    services = _services()
    for name, service in services.items():
        for dependency, spec in (service.get("depends_on") or {}).items():
            condition = spec["condition"]
            target = services[dependency]
            if condition == "service_healthy":
                check = target.get("healthcheck") or {}
                assert check.get("test") and not check.get("disable"), (
                    f"{name} waits for {dependency}'s health"
                )
            elif condition == "service_completed_successfully":
                assert target.get("restart", "no") == "no", f"{dependency} is a one-shot; it must not restart"
            else:
                pytest.fail(f"{name} depends on {dependency} with condition {condition}")
    _assert_python_probe(services["api"]["healthcheck"]["test"][1:])
    api_check = " ".join(map(str, services["api"]["healthcheck"]["test"]))
    settings = load_settings(_effective_environment(services["api"]))
    assert f"127.0.0.1:{settings.port}/healthz" in api_check and "curl" not in api_check


# --- roomsvc commands ---------------------------------------------------------------------------------


def _subcommands(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def _command_lines() -> list[tuple[str, list[str]]]:
    """(where, argv) of every roomsvc command the Dockerfile and compose run."""
    found: list[tuple[str, list[str]]] = []
    _, stages = _stages()
    for stage in stages.values():
        for keyword, arguments in stage.instructions:
            if keyword in ("CMD", "ENTRYPOINT"):
                found.append((f"Dockerfile {stage.name} {keyword}", _exec_form(arguments)))
            elif keyword == "RUN":
                for match in re.finditer(r"\broomsvc[ \t]+([a-z][a-z-]*)", arguments):
                    found.append((f"Dockerfile {stage.name} RUN", ["roomsvc", match.group(1)]))
    for name, service in _services().items():
        command = service.get("command")
        if command is not None:
            argv = shlex.split(command) if isinstance(command, str) else [str(c) for c in command]
            found.append((f"compose {name}", argv))
    return [(where, argv) for where, argv in found if argv and argv[0] == "roomsvc"]


def test_deploy_files_run_existing_roomsvc_commands() -> None:
    parser = build_parser()
    known = _subcommands(parser)
    lines = _command_lines()
    assert {argv[1] for _, argv in lines} >= {"serve", "migrate", "jobs", "worker"}
    unknown = set()
    for where, argv in lines:
        if argv[1] not in known:
            unknown.add(argv[1])
            continue
        try:
            parser.parse_args(argv[1:])
        except SystemExit:
            pytest.fail(f"{where}: `{shlex.join(argv)}` is not accepted by roomsvc.cli.build_parser()")
    assert unknown <= PLANNED_COMMANDS, f"deploy files run commands roomsvc lacks: {sorted(unknown)}"


def test_deployment_doc_names_existing_roomsvc_commands() -> None:
    text = DEPLOYMENT_DOC.read_text()
    code = "\n".join(re.findall(r"```[a-z]*\n(.*?)```", text, re.S) + re.findall(r"`([^`\n]+)`", text))
    named = set(re.findall(r"\broomsvc[ \t]+([a-z][a-z-]*)", code))
    assert named, "docs/deployment.md names no roomsvc command"
    unknown = named - _subcommands(build_parser())
    assert unknown <= PLANNED_COMMANDS, f"docs/deployment.md names commands roomsvc lacks: {sorted(unknown)}"


# --- .env.example -------------------------------------------------------------------------------------


def test_env_example_lists_exactly_the_settings_in_order_with_their_descriptions() -> None:
    names = [entry.name for entry in ENV_ENTRIES]
    assert len(names) == len(set(names)), "a variable appears twice in .env.example"
    settings_part = [entry for entry in ENV_ENTRIES if not entry.script_only]
    assert [entry.name for entry in settings_part] == SETTING_NAMES, (
        ".env.example must list SETTINGS in their order, then the stack.sh-only section"
    )
    for setting, entry in zip(SETTINGS, settings_part, strict=True):
        assert entry.comment == setting.description, (
            f"{entry.name}: the comment above it must be its description"
        )
        assert entry.value == setting.default, f"{entry.name}: {entry.value!r} != default {setting.default!r}"


def test_env_example_script_only_section_is_documented_and_used() -> None:
    stack = (ROOT / "scripts" / "stack.sh").read_text()
    script_only = [entry for entry in ENV_ENTRIES if entry.script_only]
    assert script_only, "the `Read by scripts/stack.sh only` section is missing"
    for entry in script_only:
        assert entry.name not in DEFAULTS, (
            f"{entry.name} is a setting; move it above the stack.sh-only banner"
        )
        assert entry.comment, f"{entry.name} needs a comment line saying what it does"
        assert entry.name in stack, f"{entry.name} is documented as stack.sh-only but stack.sh never reads it"


def test_env_example_values_survive_shell_sourcing() -> None:
    # scripts/stack.sh `source`s the file: quoting must give exactly the defaults.
    program = 'set -a; . ./.env.example; exec "$0" -c "import json, os; print(json.dumps(dict(os.environ)))"'
    result = subprocess.run(
        ["/usr/bin/env", "-i", "/bin/bash", "-c", program, sys.executable],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    sourced = json.loads(result.stdout)
    for entry in ENV_ENTRIES:
        assert sourced.get(entry.name) == entry.value, f"{entry.name}: bash reads {sourced.get(entry.name)!r}"
    assert {name: sourced[name] for name in SETTING_NAMES} == DEFAULTS


# --- helpers ------------------------------------------------------------------------------------------


def _assert_python_probe(argv: list[str]) -> None:
    assert argv[:2] == ["python", "-c"], argv
    compile(argv[2], "<healthcheck>", "exec")  # a syntax error would read as "unhealthy" forever


def _pyproject() -> dict[str, Any]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _dockerignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    out = ""
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out += "(?:.*/)?"
            index += 3
        elif pattern.startswith("**", index):
            out += ".*"
            index += 2
        elif pattern[index] == "*":
            out += "[^/]*"
            index += 1
        elif pattern[index] == "?":
            out += "[^/]"
            index += 1
        else:
            out += re.escape(pattern[index])
            index += 1
    return re.compile(out + r"\Z")


def _dockerignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent directories decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[:count]) for count in range(1, len(parts) + 1)]
    excluded = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        cleaned = posixpath.normpath(pattern.lstrip("!").strip()).lstrip("/")
        regex = _pattern_regex(cleaned)
        if any(regex.match(candidate) for candidate in candidates):
            excluded = not negate
    return excluded
