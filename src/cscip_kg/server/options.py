"""Suggestions for a named query's IRI parameters, from the search index (computed once per build).

A parameter named after a kind of entity (theme, organisation, programme,
model, project) is offered every entity of that kind; ``round`` the funding
rounds; ``entity`` anything with a lineage.
"""

from __future__ import annotations

from cscip_kg.server.cache import per_build
from cscip_kg.server.search_index import SearchIndex, build_index
from cscip_kg.server.state import Build
from cscip_kg.server.views import short

# parameter name → the kinds of entity (the <kind> of /id/<kind>/<slug>) it takes, and a class they must have
KINDS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "theme": (("theme",), None), "organisation": (("organisation",), None), "programme": (("programme",), None),
    "model": (("model",), None), "project": (("project",), None), "round": (("programme",), "FundingRound"),
    "entity": (("model", "programme", "project", "organisation"), None),
}


def search_index() -> SearchIndex:
    return per_build("search-index", build_index)


def options_for(parameter: str) -> list[tuple[str, str]]:
    """(prefixed name, label) of every entity a parameter of this name may take; empty if unknown."""
    if parameter not in KINDS:
        return []
    kinds, cls = KINDS[parameter]
    return per_build(f"options:{parameter}", lambda build: _options(build, kinds, cls))


def _options(build: Build, kinds: tuple[str, ...], cls: str | None) -> list[tuple[str, str]]:
    starts = tuple(f"{build.base}id/{kind}/" for kind in kinds)
    wanted = f"{build.base}def/{cls}" if cls else None
    found = [(short(e.iri, build.prefixes), e.label) for e in search_index().entries
             if e.iri.startswith(starts) and (wanted is None or wanted in e.types)]
    return sorted(found, key=lambda kv: kv[1].lower())
