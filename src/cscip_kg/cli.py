"""The ``cscip-kg`` command: validate, build, query (and serve, from the server package).

Each command imports what it needs when it runs: `serve` (and its query workers) must not
pay for rdflib and pyshacl, which only parsing, building and validating use.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cscip_kg.cli_options import flag_values, option_for, setting_options
from cscip_kg.engine import Engine, Prepared, QueryError, QueryRefused
from cscip_kg.namespaces import BASE
from cscip_kg.queries import NamedQuery, ParameterError, QueryFileError, load_catalogue, parse_query_file
from cscip_kg.remote import NotPublished
from cscip_kg.results import GRAPH_FORMATS, serialize, table
from cscip_kg.settings import BUILD, BY_NAME, QUERY, SERVE, SettingError, build_folder, resolve
from cscip_kg.store import StoreUnavailable
from cscip_kg.store_cli import publish_command, remote_backend, store_config

if TYPE_CHECKING:
    from cscip_kg.backend import Backend
    from cscip_kg.build import CompiledGraph, ValidationFailed
    from cscip_kg.loader import Project


def _project(ctx: click.Context) -> Project:
    from cscip_kg.loader import Project

    return Project(Path(ctx.obj["root"]).resolve())


def _compiled(ctx: click.Context) -> CompiledGraph:
    """The validated graph, or exit 1 with every problem named (no traceback for bad data)."""
    from cscip_kg.build import ValidationFailed, compile_graph
    from cscip_kg.loader import DataError

    try:
        return compile_graph(_project(ctx))
    except DataError as error:
        click.echo(f"error: {error}", err=True)
    except ValidationFailed as failure:
        _refuse(failure)
    sys.exit(1)


def _refuse(failure: ValidationFailed) -> None:
    for problem in failure.problems:
        click.echo(str(problem), err=True)
    click.echo(f"validation failed: {len(failure.problems)} problem(s)", err=True)
    sys.exit(1)


@click.group()
@option_for(BY_NAME["root"])
@click.option("--config", type=click.Path(dir_okay=False), default=None,
              help="TOML file of settings, between defaults and the environment (env CSCIP_KG_CONFIG).")
@click.version_option(package_name="cscip-kg")
@click.pass_context
def main(ctx: click.Context, root: str | None, config: str | None) -> None:
    """cscip-kg: the Children's Social Care Innovation Programme knowledge graph."""
    try:
        ctx.obj = resolve(config=config)
    except SettingError as error:
        raise click.ClickException(str(error)) from error
    flag_values(ctx, {"root": root})


@main.command()
@click.pass_context
def validate(ctx: click.Context) -> None:
    """Parse ontology, data and shapes and check the graph; exit 0 only when it conforms."""
    # The checks alone: no rdflib load of the whole graph, no lineage, no engine (build does those).
    from cscip_kg.build import ValidationFailed
    from cscip_kg.loader import DataError
    from cscip_kg.validate import validate_parsed

    try:
        problems, parsed = validate_parsed(_project(ctx))
        if not problems:
            load_catalogue(_project(ctx).queries_dir)
    except (DataError, QueryFileError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    if problems:
        _refuse(ValidationFailed(problems))
    click.echo(f"ok: {parsed.triples()} triples conform")


@main.command()
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder to write the dumps into, replaced whole (default: <root>/build; env CSCIP_KG_BUILD).")
@setting_options(BUILD)
@click.pass_context
def build(ctx: click.Context, out: str | None) -> None:
    """Write Turtle, N-Triples, JSON-LD, RDF/XML, TriG, the store `serve` opens, a VoID/DCAT description and the named queries."""
    from cscip_kg.build import write_dumps

    compiled = _compiled(ctx)
    for path in write_dumps(compiled, Path(out) if out else build_folder(ctx.obj), ctx.obj.base_iri):
        click.echo(str(path))


@main.command()
@setting_options(SERVE)
@click.pass_context
def serve(ctx: click.Context) -> None:
    """Serve the SPARQL endpoint, linked data and pages over a build, with waitress."""
    from waitress import create_server

    from cscip_kg.bounded import Unavailable
    from cscip_kg.server import NoBuild, create_app
    from cscip_kg.server.context import POOL

    settings = ctx.obj
    store_config(settings)  # a bad store URL is a usage error, not a traceback
    try:
        app = create_app(settings)
    except (NoBuild, Unavailable, NotPublished, StoreUnavailable) as error:
        raise click.ClickException(str(error)) from error
    server = create_server(app, host=settings["host"], port=settings["port"], threads=settings["threads"], ident="cscip-kg")
    address = f"http://{settings['host']}:{server.effective_port}/"
    click.echo(f"cscip-kg serving graph {app.extensions['cscip_kg'].version} at {address}")
    pool = app.extensions.get(POOL)

    def stop(signum: int, _frame: object) -> None:
        # Workers first: one deep in a query would otherwise run on, orphaned, to the end of it, and
        # the request waiting on it (which waitress gives 5 s to finish) now gets its 503 at once.
        if pool is not None:
            pool.close()
        raise SystemExit(128 + signum)  # waitress's loop ends on it, as on Ctrl-C

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.run()
    finally:
        if pool is not None:
            pool.close()


@main.command()
@click.option("--format", "fmt", type=click.Choice(["360giving"]), default="360giving", show_default=True)
@click.option("--out", type=click.Path(file_okay=False), default="exports/360giving", show_default=True,
              help="Folder to write grants.json, grants.csv and grants-left-out.csv into (not the build folder, which builds replace).")
@click.pass_context
def export(ctx: click.Context, fmt: str, out: str) -> None:
    """Export the grants as a 360Giving 1.4 package (JSON, CSV); grants no source dates to the day are listed, not exported.

    Identifiers use the publisher_prefix setting (env CSCIP_KG_PUBLISHER_PREFIX or the config file).
    """
    from cscip_kg.export import write_360giving

    for path in write_360giving(_compiled(ctx), Path(out), ctx.obj["publisher_prefix"]):
        click.echo(str(path))


def _named_query(ctx: click.Context, name: str) -> NamedQuery:
    try:
        if name.endswith(".rq"):
            # Any SPARQL file runs; the #+ header, if there is one, still declares its parameters.
            return parse_query_file(Path(name), strict=False)
        catalogue = load_catalogue(_project(ctx).queries_dir)
    except (QueryFileError, OSError) as error:
        raise click.ClickException(str(error)) from error
    if name not in catalogue:
        raise click.ClickException(f"no named query '{name}' (known: {', '.join(sorted(catalogue))})")
    return catalogue[name]


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected name=value, got {item!r}", param_hint="--param")
        params[key] = value
    return params


@main.command()
@click.argument("name")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A query parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml", *GRAPH_FORMATS]),
              default="table", show_default=True)
@setting_options(QUERY)
@click.pass_context
def query(ctx: click.Context, name: str, params: tuple[str, ...], fmt: str) -> None:
    """Run a named query from queries/ (or any SPARQL file NAME.rq) and print its results."""
    from cscip_kg.loader import DataError

    named = _named_query(ctx, name)
    given = _parse_params(params)
    try:
        named.bindings(given)
    except ParameterError as error:
        raise click.BadParameter(str(error), param_hint="--param") from error
    try:
        # Querying needs a parsed graph (and its derived lineage), not a SHACL run: `validate` is the gate.
        engine = remote_backend(ctx.obj) or _current_build(ctx) or data_engine(_project(ctx))
    except DataError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    # Bound with the answering engine's prefixes: a store may hold a build made under another base.
    text = named.bind(given, engine.prefixes)
    try:
        result = engine.query(Prepared(text))
        output: Any = table(result) + "\n" if fmt == "table" else serialize(result, fmt)
    except (QueryError, QueryRefused, StoreUnavailable, ValueError) as error:
        raise click.ClickException(f"{named.path}: {error}") from error
    if isinstance(output, bytes):
        sys.stdout.buffer.write(output)
    else:
        click.echo(output, nl=False)


def _current_build(ctx: click.Context) -> Backend | None:
    """The build folder's store when it was built from exactly these inputs, so a query opens it in milliseconds
    instead of parsing data/ (a second or more). Any other build (older inputs, another base, none, broken) is
    passed over: data/ is the source of truth and answers the same, only slower."""
    from cscip_kg.build import content_version
    from cscip_kg.opened import NoBuild, embedded, read_manifest

    folder = build_folder(ctx.obj).resolve()
    try:
        version = read_manifest(folder)["version"]
        if version != content_version(_project(ctx), BASE):
            return None
        return embedded(folder, version, BASE)
    except (NoBuild, OSError):
        return None


def data_engine(project: Project) -> Engine:
    """data/ parsed now, with its derived lineage: what `query` answers from when no current build is at hand."""
    from cscip_kg.build import dataset_engine
    from cscip_kg.lineage import add_lineage
    from cscip_kg.loader import load

    loaded = load(project)
    add_lineage(loaded.dataset, loaded.ontology)
    return dataset_engine(loaded.dataset)


# Defined in store_cli.py with the other remote-store code; registered here so `cscip-kg publish` exists.
main.add_command(publish_command)
