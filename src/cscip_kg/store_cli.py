"""The store settings as a StoreConfig or a remote backend, and the ``publish`` command."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from cscip_kg.backend import Backend
from cscip_kg.cli_options import setting_options
from cscip_kg.namespaces import prefixes_for
from cscip_kg.opened import NoBuild
from cscip_kg.publish import PublishFailed, publish
from cscip_kg.remote import NotPublished, connect
from cscip_kg.settings import PUBLISH, build_folder
from cscip_kg.store import StoreConfig, StoreUnavailable


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
@setting_options(PUBLISH)
@click.pass_context
def publish_command(ctx: click.Context) -> None:
    """Load a build into a triple store atomically: stage every graph, verify, then switch in one update."""
    config = store_config(ctx.obj)
    if config is None:
        raise click.UsageError("publish needs a triple store: --store URL (its SPARQL query endpoint)")
    folder = build_folder(ctx.obj)
    try:
        live = publish(folder, config, progress=click.echo)
    except (NoBuild, ValueError) as error:
        raise click.ClickException(str(error)) from error
    except PublishFailed as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"published version {live.version}: {len(live.graphs)} graphs, {sum(live.graphs.values())} triples, "
               f"live at {config.query_url}")
