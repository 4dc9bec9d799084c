"""The map and the timeline of spread as page pieces: template globals used by the partials.

``_spread_map.html`` and ``_spread_timeline.html`` call ``spread_map(iri)`` and
``spread_timeline(iri)``, so a page needs one include line and no view code:
a model, programme or organisation IRI gives that entity's map, ``None`` the
home page's map of CSCIP's reach. The involvements behind both were derived by
the build (``spread_db``); each map reads only its own entity's part of them.
"""

from __future__ import annotations

import dataclasses

from flask import Blueprint

from cscip_kg.derived import DERIVED_FOLDER
from cscip_kg.server.cache import per_build
from cscip_kg.server.context import current_build
from cscip_kg.server.rendering import hexmap
from cscip_kg.server.rendering.lineage_svg import Routes
from cscip_kg.server.rendering.spread_timeline import Timeline, timeline
from cscip_kg.server.rendering.tables import labels_of
from cscip_kg.server.rendering.views import href
from cscip_kg.spread import Spread
from cscip_kg.spread_db import SpreadDB, open_slices

bp = Blueprint("spread", __name__)


def slices() -> SpreadDB:
    return per_build("spread", lambda build: open_slices(build.folder / DERIVED_FOLDER))


def routes() -> Routes:
    """Which programme each adoption came through, for grouping adopters on lineage diagrams."""
    return per_build("spread-routes", lambda _build: slices().routes())


def _kind(iri: str) -> tuple[str, str] | None:
    prefix = current_build().base + "id/"
    if not iri.startswith(prefix) or iri.count("/", len(prefix)) != 1:
        return None
    kind, slug = iri[len(prefix):].split("/")
    return kind, slug


def link(iri: str) -> str | None:
    """An entity's own page."""
    return href(current_build(), iri)


@bp.app_template_global()
def spread_map(iri: str | None) -> hexmap.SpreadMap | None:
    """The hex map for a model, programme or organisation IRI; CSCIP's reach for None; None for anything else."""
    if iri is None:  # every involvement in a stage of spread: drawn once per served build
        return per_build("reach-map", lambda _build: hexmap.reach_map(slices().reach(), link))
    found = _kind(iri)
    if found is None or found[0] not in _MAPS:
        return None
    kind = found[0]
    part = getattr(slices(), kind)(iri)  # SpreadDB.model, .programme, .organisation: that entity's involvements
    return _MAPS[kind](_named(part, iri), iri, link)


_MAPS = {"model": hexmap.model_map, "programme": hexmap.programme_map, "organisation": hexmap.organisation_map}


def _named(spread: Spread, iri: str) -> Spread:
    """The slice, sure to hold the entity's own label: the build labels only what took part in something, and a
    model nobody took up or a charity on no map would otherwise be titled by its IRI's last segment."""
    if iri in spread.labels:
        return spread
    # A copy: the slice is cached and shared by every request; the
    # label is looked up once per build (a page draws both a map and a timeline).
    known = per_build("unlabelled-in-spread", lambda _build: dict[str, dict[str, str]]())
    if iri not in known:
        known[iri] = labels_of(current_build(), {iri})
    return dataclasses.replace(spread, labels={**spread.labels, **known[iri]})


@bp.app_template_global()
def spread_timeline(iri: str | None) -> Timeline | None:
    """A practice model's timeline of spread; None for anything else."""
    if iri is None or (found := _kind(iri)) is None or found[0] != "model":
        return None
    return timeline(_named(slices().model(iri), iri), iri, link)
