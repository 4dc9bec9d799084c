"""Every setting in the registry is documented in the README, with its environment variable and default."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cscip_kg.cli import main
from cscip_kg.settings import SETTINGS, resolve

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.parametrize("setting", [s for s in SETTINGS if s.name != "root"], ids=lambda s: s.name)
def test_setting_is_documented_with_env_and_default(setting):
    rows = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith(f"| `{setting.name}` |")]
    assert len(rows) == 1, f"README settings table has no row for {setting.name}"
    assert f"`{setting.env}`" in rows[0]
    default = setting.default_value()
    assert (f"`{default}`" if default != "" else "| unset |") in rows[0]


def test_root_setting_is_documented():
    assert "| `root` | `CSCIP_KG_ROOT` |" in README.read_text(encoding="utf-8")


def test_environment_beats_default_and_explicit_beats_environment():
    assert resolve(environ={})["port"] == 8000
    assert resolve(environ={"CSCIP_KG_PORT": "9001"})["port"] == 9001
    assert resolve({"port": 9002}, environ={"CSCIP_KG_PORT": "9001"})["port"] == 9002


def test_a_bad_environment_value_is_a_clear_cli_error():
    result = CliRunner().invoke(main, ["validate"], env={"CSCIP_KG_PORT": "eighty"})
    assert result.exit_code == 1
    assert "setting port = 'eighty' (from environment variable CSCIP_KG_PORT) is not a whole number" in result.output


def test_unknown_setting_is_refused():
    with pytest.raises(KeyError, match="unknown setting 'prot'"):
        resolve({"prot": 1}, environ={})
