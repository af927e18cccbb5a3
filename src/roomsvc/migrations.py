"""Where the Alembic migrations live: the one ``alembic.config.Config`` that ``roomsvc migrate`` and
``roomsvc doctor`` share. A leaf: it imports nothing from roomsvc."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config


def alembic_config(database_url: str | None = None) -> Config:
    """The Alembic config for this checkout or image: ``alembic/`` next to ``src/`` (the repository, or
    the image's /app), else under the working directory. ``database_url`` overrides the settings' URL
    (``alembic/env.py`` reads it from ``config.attributes``). Exits when no ``alembic/`` is found."""
    candidates = [Path(__file__).resolve().parents[2], Path.cwd()]
    root = next((c for c in candidates if (c / "alembic" / "env.py").exists()), None)
    if root is None:
        raise SystemExit("cannot find the alembic/ directory (run from the repository or the image's /app)")
    config = Config(str(root / "alembic.ini")) if (root / "alembic.ini").exists() else Config()
    config.set_main_option("script_location", str(root / "alembic"))
    if database_url:
        config.attributes["database_url"] = database_url
    return config
