"""Click options generated from the settings registry, so a flag, its help and its checks never drift apart.

A command decorated with ``setting_options("serve")`` takes ``--<name>`` for
every setting whose ``flags`` name that command. The values are checked by the
registry (the same checks as the environment and the config file get) and land
in ``ctx.obj`` (a ``Settings``), so the command's signature stays unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from cscip_kg.settings import SETTINGS, Setting, SettingError

F = TypeVar("F", bound=Callable[..., Any])

# A folder given on the command line is relative to where the command runs, not to root.
_PATHS = ("root", "build")


def _help(setting: Setting) -> str:
    default = "the checkout" if callable(setting.default) else setting.default
    return f"{setting.help} (env {setting.env}; default {default!s})" if default != "" else f"{setting.help} (env {setting.env})"


def option_for(setting: Setting) -> Callable[[F], F]:
    # Text, not a click type: the registry parses and checks, with the same one-line errors everywhere.
    return click.option(setting.flag, setting.name, default=None, metavar="TEXT" if setting.parse is str else "NUMBER",
                        help=_help(setting))


def flag_values(ctx: click.Context, given: dict[str, Any]) -> None:
    """Put flag values over ``ctx.obj`` (a usage error naming the flag if one does not fit)."""
    given = {n: str(Path(v).resolve()) if n in _PATHS and v else v for n, v in given.items()}
    try:
        ctx.obj = ctx.obj.with_values(given, lambda s: f"flag {s.flag}")
    except SettingError as error:
        raise click.UsageError(str(error)) from None


def setting_options(command_name: str) -> Callable[[F], F]:
    """The flags of every setting that ``command_name`` takes; their values land in ctx.obj."""
    settings = [s for s in SETTINGS if command_name in s.flags]

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            flag_values(click.get_current_context(), {s.name: kwargs.pop(s.name) for s in settings})
            return command(*args, **kwargs)

        decorated: Any = wrapper
        for setting in reversed(settings):
            decorated = option_for(setting)(decorated)
        return decorated

    return decorate
