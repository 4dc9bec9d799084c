"""Dereferencing: every IRI minted under the build's base answers on this server.

``/id/<kind>/<slug>``, ``/def/<Term>`` and ``/graph/<name>`` give HTML to
browsers and Turtle, JSON-LD, N-Triples or RDF/XML by Accept; a suffix
(``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``, ``.html``) names the format outright.
Every answer lists its alternates in ``Link`` headers and varies on Accept.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from cscip_kg.describe import Description, add_labels, describe
from cscip_kg.engine import Prepared
from cscip_kg.server.content.entity_groups import page_for
from cscip_kg.server.content.ontology_page import ontology_page
from cscip_kg.server.context import current_build, negotiated
from cscip_kg.server.rendering import formats
from cscip_kg.server.rendering.views import EntityView

bp = Blueprint("linked_data", __name__)

PAGE_FORMATS = (formats.HTML, *formats.GRAPHS)
SUFFIXES = {fmt.names[0]: fmt for fmt in PAGE_FORMATS}


def split_suffix(path: str) -> tuple[str, formats.Format | None]:
    stem, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix and suffix in SUFFIXES:
        return stem, SUFFIXES[suffix]
    return path, None


def alternates(path: str) -> str:
    links = [f'<{path}.{fmt.names[0]}>; rel="alternate"; type="{fmt.media_type}"' for fmt in PAGE_FORMATS]
    return ", ".join(links)


# /id/model/ names no entity; people who trim an IRI to its kind want the list of that kind.
LISTS = {"model": "models", "project": "projects", "grant": "grants", "organisation": "organisations",
         "report": "reports", "programme": "programmes", "theme": "themes"}


@bp.route("/id/<any(model, project, grant, organisation, report, programme, theme):kind>/")
def kind_list(kind: str) -> BaseResponse:
    return redirect(url_for(f"browse.{LISTS[kind]}"))


@bp.route("/id/<path:rest>")
def entity(rest: str) -> Response:
    return dereference(f"id/{rest}")


@bp.route("/def/", defaults={"rest": ""})
@bp.route("/def/<path:rest>")
def term(rest: str) -> Response:
    return dereference(f"def/{rest}")


@bp.route("/graph/<path:rest>")
def graph(rest: str) -> Response:
    return dereference(f"graph/{rest}")


def dereference(path: str) -> Response:
    build = current_build()
    path, fmt = split_suffix(path)
    try:
        iri = ox.NamedNode(build.base + path)
    except ValueError:
        raise NotFound(f"{path!r} is not a valid IRI path") from None
    if fmt is None:
        fmt = negotiated(PAGE_FORMATS)
    description = describe(build, iri)
    if not description and iri.value in build.graph_sizes:
        return _named_graph(iri, fmt, path)
    if not description:
        raise NotFound(f"nothing is known about <{iri.value}> in this graph")
    if fmt is formats.HTML and path == "def/":
        response = Response(_ontology_page(description, path))
    elif fmt is formats.HTML:
        add_labels(build, description)
        view = EntityView(description, build, path)
        response = Response(render_template("entity.html", view=view, page=page_for(view)))
    else:
        response = Response(formats.serialize_triples(description.triples(), fmt, build.prefixes), content_type=fmt.content_type)
    return _linked(response, path)


def _ontology_page(description: Description, path: str) -> str:
    """The ontology's page lists its terms: its own description is only its metadata."""
    build = current_build()
    links = _alternate_links(path)
    page = ontology_page(build, description)
    return render_template("ontology.html", build=build, iri=description.iri.value, alternates=links,
                           title=page.title, page=page)


def _alternate_links(path: str) -> list[tuple[str, str, str]]:
    """(suffix, href, media type) of each RDF twin of a page, for its "also as" links."""
    return [(f.names[0], f"{request.script_root}/{path}.{f.names[0]}", f.media_type) for f in formats.GRAPHS]


def _linked(response: Response, path: str) -> Response:
    response.headers["Link"] = alternates(request.script_root + "/" + path)
    response.vary.add("Accept")
    return response


def _named_graph(iri: ox.NamedNode, fmt: formats.Format, path: str) -> Response:
    """A named graph's IRI that nothing describes answers with the graph itself."""
    build = current_build()
    if fmt is formats.HTML:
        links = _alternate_links(path)
        page = render_template("graph.html", build=build, iri=iri.value, size=build.graph_sizes[iri.value], alternates=links,
                               derived=iri.value == build.base + "graph/lineage")
        return _linked(Response(page), path)
    result = build.engine.query(Prepared(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }}"))
    assert isinstance(result, ox.QueryTriples)
    body = formats.serialize_triples(list(result), fmt, build.prefixes)
    return _linked(Response(body, content_type=fmt.content_type), path)
