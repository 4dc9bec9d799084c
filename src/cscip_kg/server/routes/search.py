"""/search: find a project, model, organisation or programme by any of its names, forgiving typos.

The index is written by ``cscip-kg build`` (search_write.py, SQLite) and
opened once per served build. Results are ranked, paged, counted and faceted
by kind; the same page of hits comes as HTML for people and as JSON
(``/search.json`` or ``Accept: application/json``) for scripts.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from werkzeug.exceptions import BadRequest, NotFound, ServiceUnavailable

from cscip_kg.opened import Build
from cscip_kg.search_db import KIND_LABELS, SEARCH_FILE, Found, OutdatedIndex, SearchDB
from cscip_kg.server.cache import per_build
from cscip_kg.server.context import current_build, negotiated
from cscip_kg.server.rendering import formats
from cscip_kg.server.rendering.views import href

bp = Blueprint("search", __name__)

JSON = formats.Format("json", "application/json", ("json",))
MAX_QUERY = 200
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _open(build: Build) -> SearchDB:
    path = build.folder / SEARCH_FILE
    if not path.is_file():
        raise ServiceUnavailable(f"this build has no search index ({SEARCH_FILE}); rebuild it with `cscip-kg build`")
    try:
        return SearchDB(path)
    except OutdatedIndex as error:
        raise ServiceUnavailable(f"this build's search index is outdated: {error}") from error


def search_db() -> SearchDB:
    return per_build("search-db", _open)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


@bp.route("/search")
def search_page() -> Response:
    return _search(negotiated((formats.HTML, JSON)))


@bp.route("/search.json")
def search_json() -> Response:
    return _search(JSON)


def _number(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name, str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise BadRequest(f"{name}={raw!r}: give a whole number from 1 to {maximum}")
    return int(raw)


def _search(fmt: formats.Format) -> Response:
    build = current_build()
    text = request.args.get("q", "")[:MAX_QUERY]
    kind = request.args.get("kind") or None
    page, size = _number("page", 1, 10_000), _number("size", PAGE_SIZE, MAX_PAGE_SIZE)
    found = search_db().search(text, kind, page, size) if text.strip() else Found([], 0, [])
    rows = [{"iri": h.iri, "label": h.label, "kind": h.kind, "kindLabel": kind_label(h.kind), "matched": h.matched,
             "description": h.description, "href": href(build, h.iri)} for h in found.hits]
    pages = max(1, -(-found.total // size))
    if page > pages:  # an empty page past the end would read as "nothing found"
        raise NotFound(f"page={page}: {found.total} {'result fills' if found.total == 1 else 'results fill'} "
                       f"{pages} page{'' if pages == 1 else 's'} of {size}")
    links = _links(text, kind, page, pages, size)
    if fmt is JSON:
        response = jsonify({"query": text, "kind": kind, "total": found.total, "page": page, "size": size, "pages": pages,
                            "kinds": [{"kind": k, "label": kind_label(k), "count": n} for k, n in found.kinds],
                            "results": rows, "links": links})
    else:
        kinds = [(k, kind_label(k), n, url_for("search.search_page", q=text, kind=None if k == kind else k)) for k, n in found.kinds]
        response = Response(render_template("search.html", build=build, q=text, kind=kind, rows=rows, found=found, page=page,
                                            pages=pages, kinds=kinds, links=links, first=(page - 1) * size + 1))
    response.vary.add("Accept")
    return response


def _links(text: str, kind: str | None, page: int, pages: int, size: int) -> dict[str, Any]:
    def at(number: int) -> str | None:
        if not 1 <= number <= pages or number == page:
            return None
        return url_for("search.search_page", q=text, kind=kind, page=number, size=None if size == PAGE_SIZE else size)

    return {"previous": at(page - 1), "next": at(page + 1), "json": url_for("search.search_json", q=text, kind=kind, page=page)}
