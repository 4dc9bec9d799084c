"""One registry of settings feeding the CLI, the app and the docs.

Each setting has a name, a default and a help text; the environment variable
CSCIP_KG_<NAME> overrides the default and a config file (TOML, keys = setting
names; ``--config`` or CSCIP_KG_CONFIG), and an explicit mapping (CLI flags, a
test's config) overrides all three.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cscip_kg.config_file import CONFIG_ENV, ConfigFileError, read_config


def _default_root() -> str:
    # The package lives in <root>/src/cscip_kg; an installed copy is pointed at
    # a checkout with CSCIP_KG_ROOT or --root.
    return str(Path(__file__).resolve().parents[2])


class SettingError(ValueError):
    """A setting's value from the environment cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: Callable[[], Any] | Any
    help: str
    parse: Callable[[str], Any] = str
    minimum: float | None = None  # for numbers: the smallest value that makes sense

    @property
    def env(self) -> str:
        return f"CSCIP_KG_{self.name.upper()}"

    def default_value(self) -> Any:
        return self.default() if callable(self.default) else self.default


SETTINGS: tuple[Setting, ...] = (
    Setting("root", _default_root, "Checkout holding ontology/, data/, shapes/ and queries/."),
    Setting("base_iri", "https://w3id.org/cscip-kg/",
            "IRI base `build` mints the graph's entities, terms and graphs under; the server answers for that base."),
    Setting("build", "build", "Folder `build` writes and `serve` serves (relative to root unless absolute)."),
    Setting("host", "127.0.0.1", "Interface `serve` listens on."),
    Setting("port", 8000, "Port `serve` listens on (0 picks a free one and prints it).", int),
    Setting("threads", 8, "Worker threads of the WSGI server.", int, 1),
    Setting("workers", 2, "Processes that evaluate /sparql queries (each holds a copy of the graph).", int, 1),
    Setting("query_timeout", 10.0, "Seconds a /sparql query may run before it is stopped.", float, 0.001),
    Setting("max_rows", 10000, "Most result rows (or triples) a /sparql answer carries; a cut answer says so.", int, 1),
    Setting("max_query_length", 100000, "Longest query accepted, in characters (413 beyond).", int, 1),
    Setting("max_body", 1000000, "Largest request body accepted, in bytes (413 beyond).", int, 1),
    # A triple store to run on instead of the embedded one (docs/deploy.md).
    Setting("store", "embedded", "`embedded` (the build's own store, read-only) or the SPARQL 1.1 query endpoint URL of a triple store."),
    Setting("store_update", "", "SPARQL 1.1 Update endpoint URL of the store (`publish` switches graphs through it)."),
    Setting("store_gsp", "", "Graph Store HTTP Protocol URL of the store (`publish` loads through it; unset: SPARQL Update INSERT DATA)."),
    Setting("store_user", "", "User name for HTTP basic authentication at the store."),
    Setting("store_password", "", "Password for HTTP basic authentication at the store (environment or config file, not a flag)."),
    Setting("store_token", "", "Bearer token for the store (environment or config file, not a flag)."),
    Setting("store_timeout", 10.0, "Seconds to wait for the store to answer one request before giving up (503).", float, 0.001),
    Setting("cache_mb", 64, "Megabytes of GET answers kept in memory for the served graph version (0: keep none).", int, 0),
)
BY_NAME = {s.name: s for s in SETTINGS}


def build_folder(values: Mapping[str, Any]) -> Path:
    return Path(values["root"]) / values["build"]


def resolve(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None,
            config: str | Path | None = None) -> dict[str, Any]:
    """Defaults, then the config file, then environment, then explicit overrides (None values ignored)."""
    environ = os.environ if environ is None else environ
    config = config or environ.get(CONFIG_ENV) or None
    from_file = _from_config(Path(config)) if config else {}
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        value = from_file.get(setting.name, setting.default_value())
        if setting.env in environ:
            try:
                value = setting.parse(environ[setting.env])
            except ValueError:
                raise SettingError(f"{setting.env}={environ[setting.env]!r} is not a valid {setting.name}: {setting.help}") from None
        values[setting.name] = value
    for name, value in (overrides or {}).items():
        if name not in BY_NAME:
            raise KeyError(f"unknown setting '{name}'")
        if value is not None:
            values[name] = value
    for setting in SETTINGS:
        value = values[setting.name]
        if setting.minimum is not None and not (isinstance(value, int | float) and value >= setting.minimum):
            raise SettingError(f"{setting.name} must be a number of at least {setting.minimum:g}, not {value!r}")
    return values


def _from_config(path: Path) -> dict[str, Any]:
    try:
        raw = read_config(path, set(BY_NAME))
    except ConfigFileError as error:
        raise SettingError(str(error)) from None
    values: dict[str, Any] = {}
    for name, value in raw.items():
        setting = BY_NAME[name]
        try:
            values[name] = setting.parse(str(value))
        except ValueError:
            raise SettingError(f"{path}: {name} = {value!r} is not a valid {name}: {setting.help}") from None
    return values
