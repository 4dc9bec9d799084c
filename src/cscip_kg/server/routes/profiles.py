"""The old overview addresses of themes, programmes and organisations: each now moves to the entity's page.

An overview page (a summary and one named query's table) once stood beside the
designed entity page at /id/<kind>/<slug>, so one organisation had two pages that
said different amounts. The designed page took in everything the overview said
(the headline question, what it took part in, the CSV links), so the overview
addresses answer 301 to it: links and bookmarks made to them keep working, and
the site has one page per thing.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, redirect, request
from werkzeug.exceptions import NotFound
from werkzeug.wrappers.response import Response as BaseResponse

from cscip_kg.engine import Prepared
from cscip_kg.server.context import current_build

bp = Blueprint("profiles", __name__)


@bp.route("/<any(themes, organisations, programmes):kinds>/<slug>")
def moved(kinds: str, slug: str) -> BaseResponse:
    build = current_build()
    kind = kinds[:-1]
    try:
        iri = ox.NamedNode(f"{build.base}id/{kind}/{slug}")
    except ValueError:
        raise NotFound(f"{slug!r} is not a valid name") from None
    known = build.engine.query(Prepared(f"ASK {{ {iri} ?p ?o }}"))
    if not known:
        raise NotFound(f"no {kind} {slug!r} in this graph")
    return redirect(f"{request.script_root}/id/{kind}/{slug}", code=301)
