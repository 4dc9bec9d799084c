"""Suggestions for a named query's IRI parameters, from the search index (computed once per build).

A parameter named after a kind of entity (theme, organisation, programme,
model, project) is offered every entity of that kind; ``round`` the funding
rounds; ``entity`` anything with a lineage. Options are grouped by kind, and a
label two entities share says which is which (kind, then round, then the name
in the IRI), so no two options read the same.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pyoxigraph as ox

from cscip_kg.engine import Prepared
from cscip_kg.opened import Build
from cscip_kg.search_index import SearchIndex, build_index
from cscip_kg.server.cache import per_build
from cscip_kg.server.rendering.views import short

# parameter name → the kinds of entity (the <kind> of /id/<kind>/<slug>) it takes, and a class they must have
KINDS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "theme": (("theme",), None), "organisation": (("organisation",), None), "programme": (("programme",), None),
    "model": (("model",), None), "project": (("project",), None), "round": (("programme",), "FundingRound"),
    "entity": (("model", "programme", "project", "organisation"), None),
}
GROUPS = {"model": "Practice models", "programme": "Programmes", "project": "Projects", "organisation": "Organisations",
          "theme": "Themes"}
KIND_NAMES = {"model": "practice model"}
_ROUNDS = "SELECT ?s ?label WHERE { ?s cscip:round/rdfs:label ?label }"


@dataclass(frozen=True)
class Option:
    value: str  # prefixed name, e.g. model:mockingbird
    label: str  # unique among the options of one parameter
    group: str  # heading of the <optgroup>


def search_index() -> SearchIndex:
    return per_build("search-index", build_index)


def options_for(parameter: str) -> list[Option]:
    """Every entity a parameter of this name may take, labels made unique; empty if unknown."""
    if parameter not in KINDS:
        return []
    kinds, cls = KINDS[parameter]
    return per_build(f"options:{parameter}", lambda build: _options(build, kinds, cls))


def _rounds(build: Build) -> dict[str, list[str]]:
    result = build.engine.query(Prepared(_ROUNDS))
    assert isinstance(result, ox.QuerySolutions)
    found: dict[str, list[str]] = {}
    for row in result:
        subject, label = row["s"], row["label"]
        if isinstance(subject, ox.NamedNode) and isinstance(label, ox.Literal):
            found.setdefault(subject.value, []).append(label.value)
    return found


def _options(build: Build, kinds: tuple[str, ...], cls: str | None) -> list[Option]:
    wanted = f"{build.base}def/{cls}" if cls else None
    found = []  # (iri, kind, label)
    for entry in search_index().entries:
        for kind in kinds:
            if entry.iri.startswith(f"{build.base}id/{kind}/") and (wanted is None or wanted in entry.types):
                found.append((entry.iri, kind, entry.label))
    rounds = per_build("options:rounds", _rounds)
    return sorted(_unique(build, found, rounds, len(kinds) > 1), key=lambda o: (o.group, o.label.lower()))


def _unique(build: Build, found: list[tuple[str, str, str]], rounds: dict[str, list[str]], grouped: bool) -> list[Option]:
    """Labels that two options share get the kind, then the round, then the IRI's last part added."""
    def label(iri: str, kind: str, text: str, depth: int) -> str:
        extra = [KIND_NAMES.get(kind, kind)] if depth >= 1 else []
        if depth >= 2 and rounds.get(iri):
            extra.append(", ".join(sorted(set(rounds[iri]))))
        if depth >= 3:
            extra.append(iri.rsplit("/", 1)[-1])
        return f"{text} ({'; '.join(extra)})" if extra else text

    depth = dict.fromkeys((iri for iri, _k, _t in found), 0)
    for level in (1, 2, 3):
        counts = Counter(label(iri, kind, text, depth[iri]) for iri, kind, text in found)
        clashing = [iri for iri, kind, text in found if counts[label(iri, kind, text, depth[iri])] > 1]
        if not clashing:
            break
        for iri in clashing:
            depth[iri] = level
    group = (lambda kind: GROUPS.get(kind, kind)) if grouped else (lambda kind: "")
    return [Option(short(iri, build.prefixes), label(iri, kind, text, depth[iri]), group(kind)) for iri, kind, text in found]
