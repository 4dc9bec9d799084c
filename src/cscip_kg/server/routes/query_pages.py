"""/queries/: the named-query catalogue for people — a form per query and its results as a table.

The page runs the query with the form's values (defaults filled in) and links
the same answer as CSV and JSON from /api, so what a person sees is what they
can download.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, render_template, url_for

from cscip_kg.queries import NamedQuery, Parameter, ParameterError
from cscip_kg.server.content.named import Table, named_query, run, table
from cscip_kg.server.content.options import Option, options_for
from cscip_kg.server.context import current_build
from cscip_kg.server.routes.api import query_params

bp = Blueprint("query_pages", __name__)


_EXAMPLES = re.compile(r"\s*\(e\.g\.[^)]*\b[a-z-]+:[a-z0-9-]+[^)]*\)")


@dataclass
class Field:
    parameter: Parameter
    value: str
    options: list[Option]  # suggestions, grouped by kind where there are several kinds

    @property
    def label(self) -> str:
        """The header's description without its examples in prefixed names ("(e.g. model:mockingbird)"): the API
        documentation shows those to programmers, the form offers the things themselves by name."""
        return _EXAMPLES.sub("", self.parameter.description).strip()

    @property
    def hint(self) -> str:
        """What to do with the field, in words: the default by its label, not a prefixed name."""
        default = self.parameter.default
        if self.parameter.required:
            return "Required: pick one." if self.options else "Required."
        if default:
            label = next((o.label for o in self.options if o.value == default), default)
            return f"If you leave it, the question is asked about {label}."
        return "Optional: leave it as “(any)” to ask about all of them." if self.options else "Optional."


def field(parameter: Parameter, value: str) -> Field:
    options = options_for(parameter.name) if parameter.type == "iri" else []
    if value and options and value not in {o.value for o in options}:
        options = [Option(value, value, ""), *options]  # a value typed in the URL stays selected
    return Field(parameter, value, options)


@bp.route("/queries/")
def index() -> str:
    build = current_build()
    return render_template("queries.html", build=build, catalogue=[q for _n, q in sorted(build.catalogue.items())])


@bp.route("/queries/<name>")
def query_page(name: str) -> tuple[str, int] | str:
    build = current_build()
    query = named_query(build, name)
    error: ParameterError | None = None
    results: Table | None = None
    given: dict[str, str] = {}
    try:
        given = query_params()
        results = table(build, run(build, query, given), query.headings)
    except ParameterError as failure:
        error = failure
    fields = [field(p, given.get(p.name) or p.default or "") for p in query.parameters]
    page = render_template("query.html", build=build, query=query, fields=fields, results=results, error=error,
                           downloads=downloads(query, given), sparql=sparql_link(query, given, bound=error is None))
    return (page, 400) if error else page


def downloads(query: NamedQuery, given: dict[str, str]) -> list[tuple[str, str]]:
    filled = {k: v for k, v in given.items() if v}
    suffix = f"?{urlencode(filled)}" if filled else ""
    return [(label, url_for("api.answer", name=f"{query.name}.{ext}") + suffix) for ext, label in (("csv", "CSV"), ("json", "JSON"))]


def sparql_link(query: NamedQuery, given: dict[str, str], bound: bool) -> str | None:
    """The editor with this question's tab open, by name: its text in the address could pass 8 KB. Only values the
    editor can bind are linked: ``bound`` when the page's own run bound them already, else they are tried here."""
    if not bound:
        try:
            query.bind(given, current_build().prefixes)
        except (ParameterError, ValueError):
            return None
    return url_for("editor.editor") + "?" + urlencode({"tab": query.name} | {k: v for k, v in given.items() if v})

