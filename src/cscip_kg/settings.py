"""One registry of settings feeding the CLI flags, the app and the docs.

Each setting has a name, a default, a help text, a type and the values it may
take. Its value comes from the default, a config file (TOML, keys = setting
names; ``--config`` or CSCIP_KG_CONFIG), the environment variable
CSCIP_KG_<NAME>, or an explicit mapping (CLI flags, a test's config), each
overriding the one before. ``resolve`` checks every value wherever it came
from, so no value can switch a bound off (an empty ``store`` is an error, not a
server without its time budget), and returns one frozen ``Settings``.

To add a setting: one ``Setting(...)`` line in SETTINGS (with ``flags`` naming
the commands that take it as a flag, which are then generated), and a row in
the README's settings table (tests/test_settings_docs.py checks it).
"""

from __future__ import annotations

import math
import os
import re
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cscip_kg.config_file import CONFIG_ENV, ConfigFileError, read_config

EMBEDDED = "embedded"


def _default_root() -> str:
    # The package lives in <root>/src/cscip_kg; an installed copy is pointed at
    # a checkout with CSCIP_KG_ROOT or --root.
    return str(Path(__file__).resolve().parents[2])


def _publisher_prefix(text: str) -> str | None:
    # 360Giving prefixes are "360G-" and the publisher's letters or digits (e.g. 360G-blf).
    ok = re.fullmatch(r"360G-[A-Za-z0-9]+(-[A-Za-z0-9]+)*", text)
    return None if ok else "must be '360G-' followed by the publisher's letters or digits (e.g. 360G-blf)"


class SettingError(ValueError):
    """A setting's value cannot be used; the one-line message names the setting and where the value came from."""


# --- checks: each returns what is wrong with an already typed value, or None -----------------------

def _http_url(value: str) -> str | None:
    parts = urllib.parse.urlsplit(value)
    return None if parts.scheme in ("http", "https") and parts.netloc else "must be an http(s) URL"


def _store(value: str) -> str | None:
    return None if value == EMBEDDED or _http_url(value) is None else \
        f"must be '{EMBEDDED}' or the http(s) URL of a SPARQL query endpoint"


def _optional_url(value: str) -> str | None:
    return None if value == "" else _http_url(value)


def _base_iri(value: str) -> str | None:
    if _http_url(value) is None and value.endswith(("/", "#")):
        return None
    return "must be an http(s) IRI ending in '/' or '#'"


def _folder(value: str) -> str | None:
    if not value.strip():
        return "must not be empty"
    return "must not contain a NUL character" if "\0" in value else None


def _host(value: str) -> str | None:
    if not value or any(c.isspace() or c in "/?#@" for c in value):
        return "must be a host name or IP address"
    return None


@dataclass(frozen=True)
class Setting:
    name: str
    default: Callable[[], Any] | Any
    help: str
    parse: Callable[[str], Any] = str
    minimum: float | None = None  # for numbers: the smallest value that makes sense
    maximum: float | None = None  # ... and the largest: none may switch a bound off
    check: Callable[[Any], str | None] | None = None  # for text: what is wrong with a value, or None
    flags: tuple[str, ...] = ()  # commands taking it as --<name-with-hyphens> (generated, see cli_options)

    @property
    def env(self) -> str:
        return f"CSCIP_KG_{self.name.upper()}"

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def default_value(self) -> Any:
        return self.default() if callable(self.default) else self.default

    def value_of(self, raw: Any) -> Any:
        """The typed, checked value of ``raw`` (text, or a typed value from TOML or code); ValueError says why not."""
        value = self._typed(raw)
        if isinstance(value, int | float):
            if not math.isfinite(value):
                raise ValueError("must be a finite number")
            low, high = self.minimum, self.maximum
            if (low is not None and value < low) or (high is not None and value > high):
                raise ValueError(f"must be between {low:g} and {high:g}" if high is not None else f"must be at least {low:g}")
        elif self.check is not None and (problem := self.check(value)) is not None:
            raise ValueError(problem)
        return value

    def _typed(self, raw: Any) -> Any:
        kind = self.parse
        if isinstance(raw, str):
            text = raw.strip() if kind in (int, float) else raw
            try:
                return kind(text)
            except ValueError:
                raise ValueError("is not a whole number" if kind is int else "is not a number") from None
        if kind is int and isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if kind is float and isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
        expected = {int: "a whole number", float: "a number"}.get(kind, "text")  # type: ignore[call-overload]
        raise ValueError(f"must be {expected}, not {type(raw).__name__}")


SERVE, QUERY, PUBLISH, BUILD, MAIN = "serve", "query", "publish", "build", "main"
STORE_COMMANDS = (SERVE, QUERY, PUBLISH)

SETTINGS: tuple[Setting, ...] = (
    Setting("root", _default_root, "Checkout holding ontology/, data/, shapes/ and queries/.", check=_folder, flags=(MAIN,)),
    Setting("base_iri", "https://w3id.org/cscip-kg/",
            "IRI base `build` mints the graph's entities, terms and graphs under; the server answers for that base.",
            check=_base_iri, flags=(BUILD,)),
    Setting("build", "build", "Folder `build` writes and `serve` serves (relative to root unless absolute); `query` "
            "answers from it when it holds a build of the current inputs.", check=_folder, flags=(SERVE, PUBLISH, QUERY)),
    Setting("host", "127.0.0.1", "Interface `serve` listens on.", check=_host, flags=(SERVE,)),
    Setting("port", 8000, "Port `serve` listens on (0 picks a free one and prints it).", int, 0, 65535, flags=(SERVE,)),
    Setting("threads", 8, "Worker threads of the WSGI server.", int, 1, 256, flags=(SERVE,)),
    Setting("workers", 2, "Most processes evaluating /sparql queries at once (one at start, another when every one is busy).",
            int, 1, 64, flags=(SERVE,)),
    Setting("query_timeout", 10.0, "Seconds a /sparql query may run before it is stopped.", float, 0.001, 3600, flags=(SERVE,)),
    Setting("max_rows", 10000, "Most result rows (or triples) a /sparql answer carries; a cut answer says so.", int, 1, 10**7,
            flags=(SERVE,)),
    Setting("max_query_length", 100000, "Longest query accepted, in characters (413 beyond).", int, 1, 10**7),
    Setting("max_body", 1000000, "Largest request body accepted, in bytes (413 beyond).", int, 1, 10**8),
    # A triple store to run on instead of the embedded one (docs/deploy.md).
    Setting("store", EMBEDDED, "`embedded` (the build's own store, read-only) or the SPARQL 1.1 query endpoint URL of a triple store.",
            check=_store, flags=STORE_COMMANDS),
    Setting("store_update", "", "SPARQL 1.1 Update endpoint URL of the store (`publish` switches graphs through it).",
            check=_optional_url, flags=STORE_COMMANDS),
    Setting("store_gsp", "", "Graph Store HTTP Protocol URL of the store (`publish` loads through it; unset: SPARQL Update INSERT DATA).",
            check=_optional_url, flags=STORE_COMMANDS),
    Setting("store_user", "", "User name for HTTP basic authentication at the store.", flags=STORE_COMMANDS),
    Setting("store_password", "", "Password for HTTP basic authentication at the store (environment or config file, not a flag)."),
    Setting("store_token", "", "Bearer token for the store (environment or config file, not a flag)."),
    Setting("store_timeout", 10.0, "Seconds to wait for the store to answer one request before giving up (503).", float, 0.001, 3600,
            flags=STORE_COMMANDS),
    Setting("publisher_prefix", "360G-cscipkg",
            "360Giving publisher prefix of the grant and organisation identifiers `export --format 360giving` writes "
            "(register one with 360Giving; the default is an unregistered placeholder).", check=_publisher_prefix),
    Setting("cache_mb", 64, "Megabytes of GET answers kept in memory for the served graph version (0: keep none).", int, 0, 65536,
            flags=(SERVE,)),
)
BY_NAME = {s.name: s for s in SETTINGS}


class Settings(Mapping[str, Any]):
    """Every setting's checked value and where it came from; frozen (``with_values`` makes a new one)."""

    __slots__ = ("_sources", "_values")

    def __init__(self, values: Mapping[str, Any], sources: Mapping[str, str]) -> None:
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "_sources", dict(sources))

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Settings are frozen; use with_values")

    def source(self, name: str) -> str:
        return self._sources[name]

    @property
    def embedded(self) -> bool:
        """Queries run on the build in this process and its workers (not on a triple store)."""
        return bool(self._values["store"] == EMBEDDED)

    def with_values(self, given: Mapping[str, Any], source: Callable[[Setting], str]) -> Settings:
        """These settings with ``given`` (None values ignored) checked and put over them."""
        values, sources = dict(self._values), dict(self._sources)
        for name, raw in given.items():
            if name not in BY_NAME:
                raise KeyError(f"unknown setting '{name}'")
            if raw is not None:
                values[name], sources[name] = _checked(BY_NAME[name], raw, source(BY_NAME[name])), source(BY_NAME[name])
        return Settings(values, sources)


def _checked(setting: Setting, raw: Any, source: str) -> Any:
    try:
        return setting.value_of(raw)
    except ValueError as error:
        raise SettingError(f"setting {setting.name} = {raw!r} (from {source}) {error}") from None


def build_folder(values: Mapping[str, Any]) -> Path:
    return Path(values["root"]) / values["build"]


def resolve(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None,
            config: str | Path | None = None, *, source: str = "the app's config") -> Settings:
    """Defaults, then the config file, then environment, then explicit overrides (None values ignored).

    ``overrides`` may itself be a ``Settings`` (already checked, its sources kept).
    """
    if isinstance(overrides, Settings):
        return overrides
    environ = os.environ if environ is None else environ
    config = config or environ.get(CONFIG_ENV) or None
    settings = Settings({s.name: s.default_value() for s in SETTINGS}, {s.name: "the default" for s in SETTINGS})
    if config:
        settings = settings.with_values(_read(Path(config)), lambda _s: f"config file {config}")
    from_env = {s.name: environ[s.env] for s in SETTINGS if s.env in environ}
    settings = settings.with_values(from_env, lambda s: f"environment variable {s.env}")
    return settings.with_values(overrides or {}, lambda _s: source)


def _read(path: Path) -> dict[str, Any]:
    try:
        return dict(read_config(path, set(BY_NAME)))
    except ConfigFileError as error:
        raise SettingError(str(error)) from None
