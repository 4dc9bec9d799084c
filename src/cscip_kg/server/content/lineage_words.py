"""The lineage properties of the served ontology and their words, both ways, for the entity pages.

Which properties are lineage links is the build's rule (``lineage_rule.lineage_closure``: prov:wasInfluencedBy and
every own property whose chain of own super-properties reaches it), applied here to the ontology graph the
build serves; the words are its rdfs:label (read from the entity to the other) and cscip:inverseLabel (read
back), as the diagram words them. So a lineage property added to the ontology (one line and its label) shows
on every page with its own words, and no property or phrase is listed in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from cscip_kg.engine import Prepared
from cscip_kg.lineage_rule import lineage_closure
from cscip_kg.opened import Build
from cscip_kg.server.cache import per_build
from cscip_kg.server.rendering.vocabulary import LABELS

# Every sub-property pair of the ontology graph (a few dozen), with the words of its sub-property; the
# root's words come from the second branch (prov:wasInfluencedBy is the super-property of the first links).
_TERMS = """SELECT ?p ?super ?label ?inverse WHERE {{
  GRAPH <{graph}> {{
    {{ ?p <http://www.w3.org/2000/01/rdf-schema#subPropertyOf> ?super }}
    UNION {{ BIND(<http://www.w3.org/ns/prov#wasInfluencedBy> AS ?p) }}
    OPTIONAL {{ ?p <http://www.w3.org/2000/01/rdf-schema#label> ?label }}
    OPTIONAL {{ ?p <{own}inverseLabel> ?inverse }}
  }}
}}"""


@dataclass(frozen=True)
class LinkWords:
    iri: str
    label: str  # read from the subject to the object: "scales up"
    inverse: str  # read from the object back to the subject: "scaled up by"; empty when the ontology gives none

    def backwards(self) -> str:
        """The words read from the object back to the subject; without an inverse label, the label marked so."""
        return self.inverse or f"{self.label} (read the other way round)"


def lineage_words() -> dict[str, LinkWords]:
    """Each lineage property of the served ontology → its words, once per build."""
    return per_build("lineage-words", _lineage_words)


def _lineage_words(build: Build) -> dict[str, LinkWords]:
    own = build.base + "def/"
    result = build.engine.query(Prepared(_TERMS.format(graph=build.base + "graph/ontology", own=own)))
    assert isinstance(result, ox.QuerySolutions)
    pairs: list[tuple[str, str]] = []
    labels: dict[str, str] = {}
    inverses: dict[str, str] = {}
    for row in result:
        prop = row["p"].value
        if isinstance(row["super"], ox.NamedNode):
            pairs.append((prop, row["super"].value))
        _english(labels, prop, row["label"])
        _english(inverses, prop, row["inverse"])
    return {p: LinkWords(p, labels.get(p) or LABELS.get(p) or _local(p), inverses.get(p, ""))
            for p in lineage_closure(pairs, own)}


def _english(into: dict[str, str], prop: str, term: object) -> None:
    """Keep an English (or untagged) literal, English first."""
    if isinstance(term, ox.Literal) and term.language in (None, "en") and (prop not in into or term.language == "en"):
        into[prop] = term.value


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
