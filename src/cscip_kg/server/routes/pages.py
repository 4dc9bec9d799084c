"""Pages for people: the home page, with headline figures and charts computed from the graph."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from cscip_kg.figures import Figures, Group, compute
from cscip_kg.server.cache import per_build
from cscip_kg.server.context import current_build
from cscip_kg.server.rendering.charts import Chart, chart
from cscip_kg.server.rendering.humanize import count_words, funding_words, pounds
from cscip_kg.server.rendering.views import href

bp = Blueprint("pages", __name__)

HEADLINE_QUERY = "round1-models-fed-sfpc"
CHART_ROWS = 15  # the largest of a long list; the rest are one link away


def figures() -> Figures:
    return per_build("figures", compute)


def charts(found: Figures) -> list[Chart]:
    def theme_link(iri: str) -> str | None:
        return href(current_build(), iri)

    rounds = [g for g in found.by_round if g.projects or g.grants]
    by_projects = found.by_theme  # ordered by projects
    by_funding = sorted((g for g in found.by_theme if g.grants), key=lambda g: (-g.funding.awarded, -g.funding.ceilings))
    every_theme = url_for("browse.themes")
    return [
        chart("Projects by funding round", "Round", "Projects", [(g.label, None, Decimal(g.projects), str(g.projects)) for g in rounds]),
        chart("Grants and funding by funding round", "Round", "Funding",
              [(g.label, None, g.funding.awarded, money_label(g)) for g in rounds if g.grants]),
        # A bar chart of hundreds of themes reads as nothing: the largest few, and a link to all.
        chart("Projects by theme", "Theme", "Projects",
              [(g.label, theme_link(g.iri), Decimal(g.projects), str(g.projects)) for g in by_projects[:CHART_ROWS]],
              max(0, len(by_projects) - CHART_ROWS), every_theme),
        chart("Grant funding by theme", "Theme", "Funding",
              [(g.label, theme_link(g.iri), g.funding.awarded, money_label(g)) for g in by_funding[:CHART_ROWS]],
              max(0, len(by_funding) - CHART_ROWS), every_theme),
    ]


def money_label(group: Group) -> str:
    """A bar's words: its grants' sums as awarded, ceilings apart, and a combined award no source splits, said."""
    shared = f"; {pounds(group.funding.shared)} of it one award made under another programme too" if group.funding.shared else ""
    return f"{funding_words(group.funding)} ({count_words(group.grants, 'grant')}{shared})"


@bp.route("/")
def home() -> str:
    build = current_build()
    found = figures()
    # What the charts' bars add up to, said beside them: fewer than the projects, as not every project has a round or theme.
    counted = {"round": sum(g.projects for g in found.by_round), "theme": sum(g.projects for g in found.by_theme)}
    return render_template("home.html", build=build, figures=found, funding=pounds(found.funding.awarded), charts=charts(found),
                           counted=counted, ceilings=pounds(found.funding.ceilings), shared=pounds(found.funding.shared),
                           catalogue=sorted(build.catalogue.values(), key=lambda q: q.name),
                           headline=HEADLINE_QUERY if HEADLINE_QUERY in build.catalogue else None)


@bp.route("/favicon.ico")
def favicon() -> BaseResponse:
    # Browsers ask for this on every non-HTML answer (JSON, CSV) too; a 404 there is console noise.
    return redirect(url_for("static", filename="favicon.svg"), code=301)
