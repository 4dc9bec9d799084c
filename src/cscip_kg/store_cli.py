"""The store flags shared by ``serve``, ``query`` and ``publish``, and the ``publish`` command."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import click

from cscip_kg.backend import Backend
from cscip_kg.namespaces import prefixes_for
from cscip_kg.opened import NoBuild
from cscip_kg.publish import PublishFailed, publish
from cscip_kg.remote import NotPublished, connect
from cscip_kg.settings import build_folder
from cscip_kg.store import StoreConfig, StoreUnavailable

F = TypeVar("F", bound=Callable[..., Any])

# Passwords and tokens have no flag: command lines are visible to every user of the machine.
_OPTIONS = (
    click.option("--store", default=None, metavar="URL|embedded",
                 help="SPARQL query endpoint of a triple store, or 'embedded' (default; env CSCIP_KG_STORE)."),
    click.option("--store-update", default=None, metavar="URL", help="The store's SPARQL Update endpoint (env CSCIP_KG_STORE_UPDATE)."),
    click.option("--store-gsp", default=None, metavar="URL", help="The store's Graph Store Protocol endpoint (env CSCIP_KG_STORE_GSP)."),
    click.option("--store-user", default=None, help="User for HTTP basic auth; password in CSCIP_KG_STORE_PASSWORD or the config file."),
    click.option("--store-timeout", type=float, default=None,
                 help="Seconds to wait for the store (env CSCIP_KG_STORE_TIMEOUT)."),
)
_NAMES = ("store", "store_update", "store_gsp", "store_user", "store_timeout")


def store_options(command: F) -> F:
    """Add the store flags; their values land in ctx.obj, so the command's signature is unchanged."""
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        flags = {name: kwargs.pop(name) for name in _NAMES}
        ctx.obj = {**ctx.obj, **{name: value for name, value in flags.items() if value is not None}}
        return command(*args, **kwargs)

    for option in reversed(_OPTIONS):
        wrapper = option(wrapper)
    return wrapper  # type: ignore[return-value]


def store_config(settings: Mapping[str, Any]) -> StoreConfig | None:
    try:
        return StoreConfig.from_settings(settings)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="store settings") from error


def remote_backend(settings: Mapping[str, Any]) -> Backend | None:
    """What `query` asks when a store is set: whatever version is live there, under base_iri."""
    config = store_config(settings)
    if config is None:
        return None
    base = settings["base_iri"]
    try:
        return connect(config, base, prefixes_for(base))
    except (StoreUnavailable, NotPublished) as error:
        raise click.ClickException(str(error)) from error


@click.command("publish")
@click.option("--build", "build_dir", type=click.Path(file_okay=False), default=None,
              help="Build folder to publish (default: <root>/build; env CSCIP_KG_BUILD).")
@store_options
@click.pass_context
def publish_command(ctx: click.Context, build_dir: str | None) -> None:
    """Load a build into a triple store atomically: stage every graph, verify, then switch in one update."""
    config = store_config(ctx.obj)
    if config is None:
        raise click.UsageError("publish needs a triple store: --store URL (its SPARQL query endpoint)")
    folder = Path(build_dir) if build_dir else build_folder(ctx.obj)
    try:
        live = publish(folder, config, progress=click.echo)
    except (NoBuild, ValueError) as error:
        raise click.ClickException(str(error)) from error
    except PublishFailed as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"published version {live.version}: {len(live.graphs)} graphs, {sum(live.graphs.values())} triples, "
               f"live at {config.query_url}")
