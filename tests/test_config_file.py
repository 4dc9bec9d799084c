"""The config file: between the defaults and the environment, with clear errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cscip_kg.cli import main
from cscip_kg.settings import SettingError, resolve
from tests.conftest import ROOT


def _config(tmp_path, text: str):
    path = tmp_path / "cscip-kg.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_file_sits_between_defaults_and_environment(tmp_path):
    path = _config(tmp_path, 'port = 9100\nstore = "http://store.example/query"\nstore_timeout = 3\n')
    values = resolve(environ={}, config=path)
    assert (values["port"], values["store"], values["store_timeout"]) == (9100, "http://store.example/query", 3.0)
    assert values["host"] == "127.0.0.1"
    assert resolve(environ={"CSCIP_KG_PORT": "9200"}, config=path)["port"] == 9200
    assert resolve({"port": 9300}, environ={"CSCIP_KG_PORT": "9200"}, config=path)["port"] == 9300


def test_config_file_named_by_the_environment(tmp_path):
    path = _config(tmp_path, 'store_token = "secret"\n')
    assert resolve(environ={"CSCIP_KG_CONFIG": str(path)})["store_token"] == "secret"


@pytest.mark.parametrize(("text", "message"), [
    ("prot = 1\n", "unknown setting 'prot'"),
    ('port = "eighty"\n', "setting port = 'eighty'"),
    ("port = [1]\n", "port must be a string or a number, not list"),
    ("port = \n", "not valid TOML"),
])
def test_a_bad_config_file_is_a_clear_error(tmp_path, text, message):
    path = _config(tmp_path, text)
    with pytest.raises(SettingError, match=message):
        resolve(environ={}, config=path)
    result = CliRunner().invoke(main, ["--config", str(path), "validate"])
    assert result.exit_code == 1 and str(path) in result.output and message in result.output


def test_a_missing_config_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "absent.toml"), "validate"])
    assert result.exit_code == 1
    assert "absent.toml" in result.output and "No such file" in result.output


def test_cli_reads_the_store_from_the_config_file(tmp_path):
    # A store nobody listens on: the error proves the file's URL was used.
    path = _config(tmp_path, 'store = "http://127.0.0.1:9/query"\nstore_timeout = 2\n')
    result = CliRunner().invoke(main, ["--root", str(ROOT), "--config", str(path), "query", "lineage"])
    assert result.exit_code == 1
    assert "the triple store at http://127.0.0.1:9/query is unavailable" in result.output
