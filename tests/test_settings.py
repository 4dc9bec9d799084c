"""Typed settings: any value of any setting, from any source, is a clear one-line error or a bounded server.

The property tests feed every setting arbitrary text (and the edge cases that
used to slip through: empty, zero, negative, nan, inf) through the environment,
the config file and its generated flag. A value that is accepted must leave
every bound in place; one that is not must say which setting, from where.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import threading
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cscip_kg.cli import main
from cscip_kg.cli_options import setting_options
from cscip_kg.settings import EMBEDDED, SETTINGS, Setting, SettingError, Settings, resolve
from tests.server.live import running_server
from tests.server.test_bounds import RUNAWAY, ask

EDGES = ["", " ", "0", "-5", "-0.0", "nan", "inf", "-inf", "1e309", "1e-9", "99999999999", "embedded", "http://", "x"]
VALUES = st.one_of(st.sampled_from(EDGES), st.text(max_size=30), st.integers().map(str), st.floats().map(str))
COMMANDS = sorted({command for s in SETTINGS for command in s.flags})


def assert_bounded(values: Settings) -> None:
    """What must hold for every accepted set of values: nothing unbounded, nothing that cannot start."""
    for setting in SETTINGS:
        value = values[setting.name]
        if setting.parse in (int, float):
            assert isinstance(value, int | float) and math.isfinite(value)
            assert setting.minimum is not None and setting.maximum is not None
            assert setting.minimum <= value <= setting.maximum
    assert values.workers >= 1 and 0 < values.query_timeout <= 3600 and 0 < values.store_timeout <= 3600
    assert values.embedded or values.store.startswith(("http://", "https://"))
    assert values.max_rows >= 1 and values.max_body >= 1 and values.max_query_length >= 1


def assert_clear(error: str, setting: Setting, source: str) -> None:
    assert "\n" not in error.strip() and "Traceback" not in error
    assert f"setting {setting.name} = " in error and source in error


@settings(max_examples=150, deadline=None)
@given(setting=st.sampled_from(SETTINGS), text=VALUES)
def test_any_environment_value_is_a_clear_error_or_bounded(setting: Setting, text: str) -> None:
    if "\x00" in text:
        return  # an environment variable cannot hold NUL
    try:
        values = resolve(environ={setting.env: text})
    except SettingError as error:
        assert_clear(str(error), setting, f"environment variable {setting.env}")
        return
    assert_bounded(values)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(setting=st.sampled_from(SETTINGS), value=st.one_of(VALUES, st.integers(), st.floats()))
def test_any_config_file_value_is_a_clear_error_or_bounded(tmp_path: Path, setting: Setting, value: object) -> None:
    path = tmp_path / "cscip-kg.toml"
    # TOML spells strings as JSON does, and nan, inf and -inf as Python's repr does.
    written = json.dumps(value) if isinstance(value, str) else "nan" if value != value else repr(value)
    path.write_text(f"{setting.name} = {written}\n", encoding="utf-8")
    try:
        values = resolve(environ={}, config=path)
    except SettingError as error:
        assert "\n" not in str(error).strip() and str(path) in str(error)
        return
    assert_bounded(values)


def _probe(command: str) -> click.Command:
    """A command with exactly the generated flags of ``command``: it prints the settings it ends up with."""
    @click.command()
    @setting_options(command)
    @click.pass_context
    def probe(ctx: click.Context) -> None:
        assert_bounded(ctx.obj)
        click.echo("bounded")

    return probe


@settings(max_examples=120, deadline=None)
@given(command=st.sampled_from(COMMANDS), data=st.data())
def test_any_flag_value_is_a_clear_error_or_bounded(command: str, data: st.DataObject) -> None:
    setting = data.draw(st.sampled_from([s for s in SETTINGS if command in s.flags]))
    text = data.draw(VALUES.filter(lambda t: "\x00" not in t))  # a command line cannot hold NUL
    result = CliRunner().invoke(_probe(command), [f"{setting.flag}={text}"], obj=resolve(environ={}))
    if result.exit_code == 0:
        assert result.output == "bounded\n"
        return
    assert result.exit_code == 2 and not isinstance(result.exception, AssertionError), result.output
    assert_clear(result.output.splitlines()[-1], setting, f"flag {setting.flag}")


@pytest.mark.parametrize("flags", [["--threads", "0"], ["--port", "-5"], ["--workers", "0"], ["--query-timeout", "nan"],
                                   ["--query-timeout", "inf"], ["--max-rows", "0"], ["--store", ""], ["--cache-mb", "-1"]])
def test_serve_refuses_a_value_that_would_break_or_unbound_it(flags: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--build", str(tmp_path), *flags])
    assert result.exit_code == 2, result.output
    assert f"(from flag {flags[0]})" in result.output and "Traceback" not in result.output


def test_an_empty_store_is_an_error_not_a_server_without_a_time_budget(tmp_path: Path) -> None:
    # It used to start with no worker pool, running /sparql queries with no time limit.
    command = [sys.executable, "-m", "cscip_kg", "serve", "--build", str(tmp_path), "--port", "0"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, env={"CSCIP_KG_STORE": "", "PATH": ""}, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "setting store = '' (from environment variable CSCIP_KG_STORE) must be 'embedded'" in done.stderr


def test_settings_are_frozen() -> None:
    values = resolve(environ={})
    with pytest.raises(AttributeError):
        values.port = 1  # type: ignore[misc]
    assert values.store == EMBEDDED and values.source("port") == "the default"
    assert resolve(environ={"CSCIP_KG_PORT": "9001"}).source("port") == "environment variable CSCIP_KG_PORT"


@pytest.mark.slow
def test_a_runaway_query_is_cut_at_query_timeout_with_every_other_limit_at_its_loosest(build_dir: Path) -> None:
    loosest = {s.name: str(s.maximum) for s in SETTINGS if s.maximum is not None and s.name not in ("port", "workers", "threads")}
    env = {f"CSCIP_KG_{name.upper()}": value for name, value in loosest.items()}
    env.update(CSCIP_KG_QUERY_TIMEOUT="1", CSCIP_KG_STORE=EMBEDDED)
    with running_server(build_dir, "--workers", "1", "--threads", "1", env=env) as url:
        outcome: dict[str, object] = {}

        def runaway() -> None:
            started = time.monotonic()
            outcome["status"] = ask(url, RUNAWAY).status
            outcome["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=runaway)
        thread.start()
        thread.join(30)
    assert outcome["status"] == 503 and outcome["seconds"] < 5  # type: ignore[operator]
