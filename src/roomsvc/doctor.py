"""``roomsvc doctor``: check the configuration and every dependency, and say in plain words what to fix.

Checks, in order (later ones are skipped when the configuration does not load):

- configuration: the settings load (``load_settings``); placeholder secrets are reported (an error
  outside dev, where they refuse to start anyway; a reminder in dev);
- MySQL: a connection with ``DATABASE_URL``; the schema at every Alembic head (else ``roomsvc migrate``);
- Redis: ``PING`` on ``REDIS_URL``;
- LiveKit: an authenticated ``ListRooms`` on ``LIVEKIT_URL`` — it succeeds only if the server is up *and*
  holds our ``LIVEKIT_API_KEY``/``LIVEKIT_API_SECRET`` pair;
- LiveKit's webhook config: LiveKit does not expose its config over its API, so this reads the
  ``livekit.yaml`` the server runs with (``--livekit-config``, ``ROOMSVC_LIVEKIT_CONFIG`` or ./livekit.yaml)
  and compares its ``webhook.urls`` (and ``webhook.api_key``/``keys`` when present) with ours;
- our webhook endpoint: an unsigned POST to ``ROOMSVC_PUBLIC_URL`` + ``ROOMSVC_WEBHOOK_PATH`` must be
  refused by roomsvc's signature check (401 ``webhook-unsigned``), which proves the API is listening
  there — where LiveKit will post.

Exit status 0 when nothing is wrong (warnings allowed), 1 otherwise.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from roomsvc.config import SETTINGS, ConfigError, Settings, _is_placeholder, load_settings

CHECK_TIMEOUT = 6.0
LIVEKIT_CONFIG_ENV = "ROOMSVC_LIVEKIT_CONFIG"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Finding:
    check: str
    status: str  # "ok" | "warn" | "fail"
    message: str
    fix: str = ""


def _where(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "?"
    return f"{host}:{parts.port}" if parts.port else host


def _error(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def check_configuration(env: Mapping[str, str]) -> tuple[Settings | None, list[Finding]]:
    try:
        settings = load_settings(env)
    except ConfigError as exc:
        return None, [
            Finding(
                "configuration",
                "fail",
                str(exc),
                "set it in .env or the environment; docs/configuration.md describes every setting",
            )
        ]
    findings = [Finding("configuration", "ok", f"settings load (ROOMSVC_ENV={settings.env})")]
    placeholders = [s.env for s in SETTINGS if s.secret and _is_placeholder(env.get(s.env) or s.default)]
    if placeholders and settings.is_dev:
        findings.append(
            Finding(
                "secrets",
                "warn",
                f"placeholder secrets from .env.example: {', '.join(placeholders)} (fine in dev only)",
                "before production, set real values (python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))')",
            )
        )
    elif placeholders:  # load_settings refuses these outside dev; kept as a guard
        findings.append(
            Finding("secrets", "fail", f"placeholder secrets: {', '.join(placeholders)}", "set real secrets")
        )
    if not settings.is_dev:
        for name, url in (
            ("LIVEKIT_PUBLIC_URL", settings.livekit.public_url),
            ("ROOMSVC_PUBLIC_URL", settings.public_url),
        ):
            if urlsplit(url).hostname in LOOPBACK:
                findings.append(
                    Finding(
                        "configuration",
                        "warn",
                        f"{name}={url} is a loopback address in production",
                        f"set {name} to the address clients (or LiveKit) really reach",
                    )
                )
    return settings, findings


async def check_mysql(settings: Settings) -> list[Finding]:
    from sqlalchemy import text

    from roomsvc.db import create_engine

    where = _where(settings.database.url)
    database = urlsplit(settings.database.url).path.lstrip("/")
    engine = create_engine(settings.database)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            try:
                rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
                current = {str(r[0]) for r in rows}
            except Exception:
                current = set()
    except Exception as exc:
        message = _error(exc)
        fix = f"start MySQL/MariaDB at {where} (`make up` does locally) or correct DATABASE_URL"
        if "1045" in message or "Access denied" in message:
            fix = "the user or password in DATABASE_URL is wrong (or lacks access to the database)"
        elif "1049" in message or "Unknown database" in message:
            fix = f"create the database `{database}` (scripts/stack.sh provisions it locally)"
        return [Finding("mysql", "fail", f"cannot use {where}/{database}: {message}", fix)]
    finally:
        await engine.dispose()
    found = [Finding("mysql", "ok", f"connected to {where}/{database}")]
    heads = _alembic_heads()
    if heads is None:
        found.append(Finding("migrations", "warn", "cannot find alembic/ to compare with", ""))
    elif current == heads:
        found.append(Finding("migrations", "ok", f"schema at head ({', '.join(sorted(heads))})"))
    else:
        have = ", ".join(sorted(current)) or "no migrations applied"
        found.append(
            Finding(
                "migrations",
                "fail",
                f"schema at {have}; the code expects {', '.join(sorted(heads))}",
                "run `roomsvc migrate`",
            )
        )
    return found


def _alembic_heads() -> set[str] | None:
    from alembic.script import ScriptDirectory

    from roomsvc.migrations import alembic_config

    try:
        config = alembic_config()
    except SystemExit:
        return None
    return set(ScriptDirectory.from_config(config).get_heads())


async def check_redis(settings: Settings) -> list[Finding]:
    from redis.asyncio import Redis

    where = _where(settings.redis.url)
    client = Redis.from_url(settings.redis.url, socket_connect_timeout=3, socket_timeout=3)
    try:
        await client.ping()
    except Exception as exc:
        return [
            Finding(
                "redis",
                "fail",
                f"cannot reach {where}: {_error(exc)}",
                f"start Redis at {where} (`make up` does locally) or correct REDIS_URL",
            )
        ]
    finally:
        await client.aclose()
    return [Finding("redis", "ok", f"PING answered at {where}")]


async def check_livekit(settings: Settings) -> list[Finding]:
    from roomsvc.errors import LiveKitError, LiveKitUnavailable
    from roomsvc.livekit import LiveKitGateway

    gateway = LiveKitGateway(settings.livekit)
    key = settings.livekit.api_key
    try:
        await gateway.list_rooms(["__roomsvc_doctor__"])
    except LiveKitUnavailable:
        return [
            Finding(
                "livekit",
                "fail",
                f"nothing answers at LIVEKIT_URL={settings.livekit.url}",
                "start livekit-server (`make up` does locally) or correct LIVEKIT_URL",
            )
        ]
    except LiveKitError as exc:
        code = str(exc.extra.get("livekit_code", ""))
        if code in ("unauthenticated", "permission_denied"):
            return [
                Finding(
                    "livekit",
                    "fail",
                    f"LiveKit at {settings.livekit.url} refused our API key {key!r} ({code or exc.detail})",
                    "LIVEKIT_API_KEY/LIVEKIT_API_SECRET must be a pair livekit-server was started with "
                    "(its `keys:` or LIVEKIT_KEYS); restart one side with the same pair",
                )
            ]
        return [Finding("livekit", "fail", f"LiveKit answered with an error: {exc.detail}", "see its log")]
    finally:
        await gateway.aclose()
    return [Finding("livekit", "ok", f"ListRooms at {settings.livekit.url} accepted our API key {key!r}")]


def _same_url(a: str, b: str) -> bool:
    def norm(url: str) -> tuple[str, str, int | None, str]:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        host = "127.0.0.1" if host in LOOPBACK else host
        return parts.scheme, host, parts.port, parts.path.rstrip("/")

    return norm(a) == norm(b)


def check_livekit_config(settings: Settings, path: str | None) -> list[Finding]:
    candidates = [path] if path else [os.environ.get(LIVEKIT_CONFIG_ENV) or "", "livekit.yaml"]
    config_path = next((Path(c) for c in candidates if c and Path(c).is_file()), None)
    if config_path is None:
        return [
            Finding(
                "livekit webhooks",
                "warn",
                "cannot check where LiveKit posts webhooks: no livekit.yaml found "
                f"(looked at {', '.join(c for c in candidates if c)})",
                f"pass --livekit-config PATH or set {LIVEKIT_CONFIG_ENV} to the file livekit-server uses",
            )
        ]
    import yaml

    try:
        config = yaml.safe_load(config_path.read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        return [
            Finding("livekit webhooks", "fail", f"cannot read {config_path}: {_error(exc)}", "fix the file")
        ]
    webhook = config.get("webhook") or {}
    urls = [str(u) for u in webhook.get("urls") or []]
    ours = settings.webhook_url
    findings: list[Finding] = []
    if not urls:
        findings.append(
            Finding(
                "livekit webhooks",
                "fail",
                f"{config_path} has no webhook.urls: LiveKit sends roomsvc no webhooks",
                f"add `webhook: {{urls: [{ours}]}}` to {config_path} and restart livekit-server",
            )
        )
    elif not any(_same_url(u, ours) for u in urls):
        findings.append(
            Finding(
                "livekit webhooks",
                "fail",
                f"{config_path} posts webhooks to {', '.join(urls)}, but roomsvc receives them at {ours}",
                "make them agree: edit webhook.urls, or ROOMSVC_PUBLIC_URL/ROOMSVC_WEBHOOK_PATH",
            )
        )
    else:
        findings.append(Finding("livekit webhooks", "ok", f"{config_path} posts webhooks to {ours}"))
    webhook_key = webhook.get("api_key")
    if webhook_key and webhook_key != settings.livekit.api_key:
        findings.append(
            Finding(
                "livekit webhooks",
                "fail",
                f"LiveKit signs webhooks with key {webhook_key!r}; "
                f"roomsvc verifies them with {settings.livekit.api_key!r}",
                "set webhook.api_key to LIVEKIT_API_KEY (roomsvc rejects every webhook until then)",
            )
        )
    keys = config.get("keys")
    if isinstance(keys, dict) and keys:
        secret = keys.get(settings.livekit.api_key)
        if secret is None:
            findings.append(
                Finding(
                    "livekit keys",
                    "fail",
                    f"{config_path} `keys:` lacks our LIVEKIT_API_KEY {settings.livekit.api_key!r}",
                    "add the pair to `keys:` or change LIVEKIT_API_KEY",
                )
            )
        elif str(secret) != settings.livekit.api_secret:
            findings.append(
                Finding(
                    "livekit keys",
                    "fail",
                    f"{config_path} holds another secret for {settings.livekit.api_key!r} "
                    "than LIVEKIT_API_SECRET",
                    "use the same secret on both sides",
                )
            )
    return findings


async def check_webhook_endpoint(settings: Settings) -> list[Finding]:
    import httpx

    url = settings.webhook_url
    try:
        async with httpx.AsyncClient(timeout=3) as client:
            response = await client.post(
                url, content=b"{}", headers={"content-type": "application/webhook+json"}
            )
    except httpx.HTTPError as exc:
        return [
            Finding(
                "webhook endpoint",
                "fail",
                f"nothing answers at {url} ({type(exc).__name__}): LiveKit's webhooks would be lost",
                "start the API (`roomsvc serve`; `make run` does) or correct ROOMSVC_PUBLIC_URL",
            )
        ]
    code = ""
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        code = str(response.json().get("code", ""))
    if response.status_code == 401 and code.startswith("webhook-"):
        return [Finding("webhook endpoint", "ok", f"roomsvc answers at {url} (and refuses unsigned posts)")]
    return [
        Finding(
            "webhook endpoint",
            "fail",
            f"{url} answered {response.status_code} {code}, not roomsvc's webhook receiver",
            "ROOMSVC_PUBLIC_URL/ROOMSVC_WEBHOOK_PATH point at something else; correct them",
        )
    ]


async def _guarded(name: str, probe: Callable[[], Awaitable[list[Finding]]]) -> list[Finding]:
    try:
        return await asyncio.wait_for(probe(), CHECK_TIMEOUT)
    except TimeoutError:
        return [
            Finding(name, "fail", f"no answer within {CHECK_TIMEOUT:.0f}s", "check the address and firewall")
        ]
    except Exception as exc:  # a check must report, never crash the doctor
        return [Finding(name, "fail", f"check crashed: {_error(exc)}", "")]


async def diagnose(env: Mapping[str, str], livekit_config: str | None = None) -> list[Finding]:
    settings, findings = check_configuration(env)
    if settings is None:
        return findings
    s = settings
    results = await asyncio.gather(
        _guarded("mysql", lambda: check_mysql(s)),
        _guarded("redis", lambda: check_redis(s)),
        _guarded("livekit", lambda: check_livekit(s)),
        _guarded("webhook endpoint", lambda: check_webhook_endpoint(s)),
    )
    for result in results:
        findings.extend(result)
    findings.extend(check_livekit_config(s, livekit_config))
    return findings


def report(findings: list[Finding], out: TextIO = sys.stdout) -> int:
    labels = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}
    width = max(len(f.check) for f in findings)
    for finding in findings:
        print(f"{labels[finding.status]}  {finding.check.ljust(width)}  {finding.message}", file=out)
        if finding.fix and finding.status != "ok":
            print(f"{'':6}{'':{width}}  -> {finding.fix}", file=out)
    failures = sum(f.status == "fail" for f in findings)
    warnings = sum(f.status == "warn" for f in findings)
    if failures:
        print(f"\n{failures} problem(s) found; fix them and run `roomsvc doctor` again.", file=out)
    else:
        print(f"\nAll good{f' ({warnings} warning(s))' if warnings else ''}.", file=out)
    return 1 if failures else 0


def main(livekit_config: str | None = None, env: Mapping[str, Any] | None = None) -> int:
    findings = asyncio.run(diagnose(os.environ if env is None else env, livekit_config))
    return report(findings)
