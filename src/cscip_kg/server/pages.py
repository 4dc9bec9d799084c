"""Pages for people: the home page (with the dataset's DCAT description linked)."""

from __future__ import annotations

from flask import Blueprint, render_template

from cscip_kg.server.context import current_build

bp = Blueprint("pages", __name__)


@bp.route("/")
def home() -> str:
    build = current_build()
    return render_template("home.html", build=build, catalogue=sorted(build.catalogue.values(), key=lambda q: q.name))
