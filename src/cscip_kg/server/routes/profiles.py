"""Theme, programme and organisation pages: the answers people come for, with no query typed.

Each page is built from the named queries (so its table is exactly what
/api/queries/NAME gives as CSV or JSON, linked from the page) plus one small
query for the entity's name and description. A programme page draws its
lineage and, for programmes that spread practice models, answers "which
round 1 models fed it" — for SFPC, the project's headline question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, render_template, url_for
from werkzeug.exceptions import NotFound

from cscip_kg.engine import Prepared
from cscip_kg.lineage_view import lineage
from cscip_kg.opened import Build
from cscip_kg.queries import ParameterError
from cscip_kg.server.content.named import Table, run, table
from cscip_kg.server.context import current_build
from cscip_kg.server.rendering.views import href, lineage_path, short
from cscip_kg.server.routes.lineage import drawn

bp = Blueprint("profiles", __name__)

_SUMMARY = """SELECT ?label ?text ?typeLabel WHERE {{
  {iri} rdfs:label|skos:prefLabel ?label .
  OPTIONAL {{ {iri} dcterms:description|skos:definition ?text }}
  OPTIONAL {{ {iri} a ?type . ?type rdfs:label ?typeLabel . FILTER(STRSTARTS(STR(?type), STR(cscip:))) }}
}}"""


@dataclass
class Section:
    title: str
    query: str  # named query name
    params: dict[str, str]
    table: Table
    csv: str
    json: str
    page: str


@dataclass
class Summary:
    iri: str
    label: str
    text: str
    kinds: list[str]
    entity_href: str | None


def summary(build: Build, kind: str, slug: str) -> Summary:
    try:
        iri = ox.NamedNode(f"{build.base}id/{kind}/{slug}")
    except ValueError:
        raise NotFound(f"{slug!r} is not a valid name") from None
    result = build.engine.query(Prepared(_SUMMARY.format(iri=iri)))
    assert isinstance(result, ox.QuerySolutions)
    rows = list(result)
    if not rows:
        raise NotFound(f"no {kind} {slug!r} in this graph")
    label = next((r["label"].value for r in rows if r["label"].language in (None, "en")), rows[0]["label"].value)
    text = next((r["text"].value for r in rows if r["text"] is not None), "")
    kinds = sorted({r["typeLabel"].value for r in rows if r["typeLabel"] is not None})
    return Summary(iri.value, label, text, kinds, href(build, iri.value))


def section(build: Build, title: str, name: str, params: dict[str, str]) -> Section | None:
    """One named query's answer (a page query: create_app refuses a build without it) as a page section."""
    query = build.catalogue[name]
    try:
        found = table(build, run(build, query, params), query.headings)
    except ParameterError:
        return None
    query_string = urlencode(params)
    return Section(title, name, params, found, url_for("api.answer", name=f"{name}.csv") + "?" + query_string,
                   url_for("api.answer", name=f"{name}.json") + "?" + query_string,
                   url_for("query_pages.query_page", name=name) + "?" + query_string)


@bp.route("/themes/<slug>")
def theme(slug: str) -> str:
    build = current_build()
    about = summary(build, "theme", slug)
    sections = [section(build, "Projects of this theme", "projects-by-theme", {"theme": short(about.iri, build.prefixes)})]
    return _profile(build, about, sections, None)


@bp.route("/organisations/<slug>")
def organisation(slug: str) -> str:
    build = current_build()
    about = summary(build, "organisation", slug)
    sections = [section(build, "What it took part in", "organisation-profile", {"organisation": short(about.iri, build.prefixes)})]
    return _profile(build, about, sections, lineage_path(build.base, about.iri))


@bp.route("/programmes/<slug>")
def programme(slug: str) -> str:
    build = current_build()
    about = summary(build, "programme", slug)
    fed = section(build, f"Which round 1 models fed {about.label}?", "round1-models-fed-sfpc",
                  {"programme": short(about.iri, build.prefixes)})
    sections = [fed] if fed is not None and fed.table.rows else []
    return _profile(build, about, sections, lineage_path(build.base, about.iri), diagram=True)


def _profile(build: Build, about: Summary, sections: Sequence[Section | None], lineage_href: str | None, diagram: bool = False) -> str:
    found = lineage(build, ox.NamedNode(about.iri)) if diagram else None
    return render_template("profile.html", build=build, about=about, sections=[s for s in sections if s is not None],
                           lineage_href=lineage_href, diagram=drawn(found, f"Lineage of {about.label}") if found and found.edges else None)
