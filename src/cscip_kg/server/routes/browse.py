"""/models/, /projects/, /grants/, /organisations/, /reports/, /programmes/, /themes/: sortable, faceted, paged tables.

The rows come from listings.py (once per build, made ready by listing_index.py); each request filters, sorts
and pages them (listing.py) and picks the format last: HTML for people, and the
``/NAME.csv`` / ``/NAME.json`` twins of the very same rows, query string included.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound

from cscip_kg.server.cache import per_build
from cscip_kg.server.content.listing import PAGE_SIZES, Item, Listing, Page, compute_columns, select, to_csv, to_json
from cscip_kg.server.content.listing_index import Prepared, prepare
from cscip_kg.server.content.listings import LISTINGS
from cscip_kg.server.context import current_build, negotiated
from cscip_kg.server.rendering import formats
from cscip_kg.server.rendering.views import href

bp = Blueprint("browse", __name__)

JSON = formats.Format("json", "application/json", ("json",))
CSV = formats.RESULTS[2]
def prepared(listing: Listing) -> Prepared:
    return per_build(f"listing:{listing.name}", lambda build: prepare(listing, compute_columns(build, listing)))


def _page(name: str) -> tuple[Listing, Page]:
    listing = LISTINGS.get(name)
    if listing is None:
        raise NotFound(f"no list named {name!r}")

    here = url_for(f"browse.{name}")  # once: a facet links each of its values (x100: thousands a page)
    return listing, select(prepared(listing), request.args, here)


def _twin(name: str, suffix: str) -> str:
    query = request.query_string.decode("utf-8")
    return url_for("browse.twin", name=name, suffix=suffix) + ("?" + query if query else "")


def _links(name: str, page: Page) -> dict[str, str | None]:
    def at(number: int) -> str | None:
        if not 1 <= number <= page.pages or number == page.number:
            return None
        args = MultiDict([(k, v) for k, v in request.args.items(multi=True) if k != "page"])
        args.add("page", str(number))
        return url_for(f"browse.{name}") + "?" + urlencode(list(args.items(multi=True)))

    return {"first": at(1), "previous": at(page.number - 1), "next": at(page.number + 1), "last": at(page.pages),
            "csv": _twin(name, "csv"), "json": _twin(name, "json")}


def sort_href(name: str, page: Page, key: str) -> str:
    """The header link: sort by this column, or flip the direction when it already sorts."""
    args = MultiDict([(k, v) for k, v in request.args.items(multi=True) if k not in ("sort", "desc", "page")])
    args.add("sort", key)
    args.add("desc", "0" if page.sort == key and page.desc else "1" if page.sort == key else "0")
    return url_for(f"browse.{name}") + "?" + urlencode(list(args.items(multi=True)))


def answer(name: str, fmt: formats.Format) -> Response:
    build = current_build()
    listing, page = _page(name)
    links = _links(name, page)
    if fmt is CSV:
        response = Response(to_csv(page), content_type=CSV.content_type)
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    elif fmt is JSON:
        response = Response(json.dumps(to_json(page, links), ensure_ascii=False), content_type=JSON.content_type)
    else:
        def item_href(item: Item) -> str | None:
            return None if item.iri is None else href(build, item.iri)

        html = render_template("browse.html", build=build, listing=listing, page=page, links=links, sizes=PAGE_SIZES,
                               sort_href=lambda key: sort_href(name, page, key), item_href=item_href,
                               listings=LISTINGS.values())
        response = Response(html)
    response.vary.add("Accept")
    return response


def _route(name: str) -> None:
    def view() -> Response:
        return answer(name, negotiated((formats.HTML, JSON, CSV)))

    view.__name__ = name
    bp.add_url_rule(f"/{name}/", name, view)


for _name in LISTINGS:
    _route(_name)


@bp.route("/<any(models, projects, grants, organisations, reports, programmes, themes):name>.<any(csv, json):suffix>")
def twin(name: str, suffix: str) -> Response:
    return answer(name, CSV if suffix == "csv" else JSON)
