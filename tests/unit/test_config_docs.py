"""docs/configuration.md is exactly what scripts/gen_config_docs.py generates from roomsvc.config.SETTINGS."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from roomsvc.config import SETTINGS

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_config_docs", ROOT / "scripts" / "gen_config_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_config_docs"] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


def test_committed_configuration_doc_is_up_to_date() -> None:
    generated = _generator().render()
    committed = (ROOT / "docs" / "configuration.md").read_text()
    assert committed == generated, (
        "docs/configuration.md is out of date with roomsvc.config.SETTINGS or .env.example; "
        "run `.venv/bin/python scripts/gen_config_docs.py`"
    )


def test_doc_lists_every_setting_once_and_never_a_secret_default() -> None:
    generator = _generator()
    text = generator.render()
    for setting in SETTINGS:
        assert text.count(f"| `{setting.env}` |") == 1, setting.env
        if setting.secret:
            assert setting.default not in text, f"{setting.env}'s dev default is printed in the docs"
            assert f"| `{setting.env}` | {generator.HIDDEN_DEFAULT_TEXT} | yes |" in text
    for entry in generator.read_env_example():
        if entry.script_only:
            assert f"| `{entry.name}` |" in text.split("## Read by scripts/stack.sh only", 1)[1]


def test_check_mode_fails_on_a_stale_file_and_passes_after_regenerating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    generator = _generator()
    doc = tmp_path / "docs" / "configuration.md"
    monkeypatch.setattr(generator, "ROOT", tmp_path)
    monkeypatch.setattr(generator, "DOC_PATH", doc)

    assert generator.main(["--check"]) == 1  # missing
    doc.parent.mkdir()
    doc.write_text(generator.render().replace("ROOMSVC_PORT", "ROOMSVC_PROT"))
    assert generator.main(["--check"]) == 1  # stale
    assert "out of date" in capsys.readouterr().err
    assert generator.main([]) == 0
    assert doc.read_text() == generator.render()
    assert generator.main(["--check"]) == 0
