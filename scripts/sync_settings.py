"""Regenerate everything derived from roomsvc.config.SETTINGS: .env.example's settings part and
docs/configuration.md. Run after adding or changing a setting; tests fail until you do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from roomsvc.config import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
ENV_EXAMPLE = ROOT / ".env.example"
FIRST = "# `dev` or `prod`"  # the comment of the first setting: everything before it is the file's header
SCRIPT_SECTION = "# ----"  # the banner of the section read by scripts/stack.sh only


def render_env_example(current: str) -> str:
    head = current[: current.index(FIRST)]
    tail = current[current.index(SCRIPT_SECTION) :]
    lines = []
    for setting in SETTINGS:
        value = setting.default
        if any(c in value for c in " ,;") and "://" not in value:
            value = f'"{value}"'
        lines.append(f"# {setting.description}\n{setting.env}={value}\n")
    return head + "".join(lines) + "\n" + tail


def main() -> int:
    ENV_EXAMPLE.write_text(render_env_example(ENV_EXAMPLE.read_text()))
    print(f"wrote {ENV_EXAMPLE.relative_to(ROOT)}")
    return subprocess.call([sys.executable, str(ROOT / "scripts" / "gen_config_docs.py")])  # noqa: S603


if __name__ == "__main__":
    raise SystemExit(main())
