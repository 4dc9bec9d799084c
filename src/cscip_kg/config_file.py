"""The optional config file: TOML whose top-level keys are setting names.

It sits between the defaults and the environment (see settings.resolve), so a
deployment can keep its store URLs and credentials in one file that is not on
any command line; ``--config FILE`` or CSCIP_KG_CONFIG names it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection
from pathlib import Path

CONFIG_ENV = "CSCIP_KG_CONFIG"


class ConfigFileError(ValueError):
    """The config file is missing, not TOML, or names a setting that does not exist."""


def read_config(path: Path, known: Collection[str]) -> dict[str, str | int | float]:
    """The file's settings as written (strings or numbers); parsing is the registry's job."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigFileError(f"config file {path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigFileError(f"config file {path}: not valid TOML ({error})") from None
    values: dict[str, str | int | float] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigFileError(f"config file {path}: unknown setting '{key}' (known: {', '.join(sorted(known))})")
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ConfigFileError(f"config file {path}: {key} must be a string or a number, not {type(value).__name__}")
        values[key] = value
    return values
