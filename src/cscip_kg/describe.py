"""What the server says about one IRI: two queries, whatever the entity.

Query 1 fetches the IRI's description with the named graph (= source) of each
triple: its own statements, the blank nodes they lead to (amounts, two levels
deep) and the statements pointing at it; and, kept apart as annotations, the
statement records about its triples and the claims about it (their basis, for
pages). Query 2 fetches labels for every IRI that description mentions. RDF
answers need only the first; pages use both.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from cscip_kg.anchored import each_iri
from cscip_kg.engine import Prepared
from cscip_kg.opened import Build

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
          "http://purl.org/dc/terms/title")

_DESCRIBE = """SELECT ?s ?p ?o ?g ?note WHERE {{
  {{ GRAPH ?g {{ {iri} ?p ?o }} BIND({iri} AS ?s) }}
  UNION {{ GRAPH ?g {{ {iri} ?p0 ?s . FILTER(isBlank(?s)) ?s ?p ?o }} }}
  UNION {{ GRAPH ?g {{ {iri} ?p0 ?b . FILTER(isBlank(?b)) ?b ?p1 ?s . FILTER(isBlank(?s)) ?s ?p ?o }} }}
  UNION {{ GRAPH ?g {{ ?s ?p {iri} FILTER(!isBlank(?s) && NOT EXISTS {{ ?s a <http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement> }}) }}
           BIND({iri} AS ?o) }}
  UNION {{ GRAPH ?g {{ ?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> {iri} ; ?p ?o }} BIND(true AS ?note) }}
  UNION {{ GRAPH ?g {{ ?s <https://w3id.org/cscip-kg/def/claimSubject> {iri} ; ?p ?o }} BIND(true AS ?note) }}
}}"""
_LABELS = "SELECT ?x ?p ?label WHERE {{ {branches} }}"

Term = ox.NamedNode | ox.BlankNode | ox.Literal


Quad = tuple[Term, ox.NamedNode, Term, ox.NamedNode]


@dataclass
class Description:
    iri: ox.NamedNode
    quads: list[Quad]
    labels: dict[str, str] = field(default_factory=dict)
    _grouped: dict[str, dict[str, dict[Term, list[str]]]] = field(default_factory=dict, repr=False)
    # Statement records (rdf:subject this IRI) and claims (cscip:claimSubject this IRI): what pages
    # need to say on what each fact rests. Not part of the RDF description (a source document
    # would otherwise list every record citing it), nor are blank nodes pointing at the IRI.
    annotations: list[Quad] = field(default_factory=list)

    def annotation_values(self) -> dict[Term, dict[str, list[Term]]]:
        """annotating node → predicate IRI → values."""
        table: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o, _g in self.annotations:
            if o not in table[s][p.value]:
                table[s][p.value].append(o)
        return {node: dict(values) for node, values in table.items()}

    def __bool__(self) -> bool:
        return bool(self.quads)

    def triples(self) -> list[ox.Triple]:
        """The description as RDF: each triple once, however many sources state it."""
        seen = dict.fromkeys(ox.Triple(s, p, o) for s, p, o, _g in self.quads)  # type: ignore[arg-type]
        return list(seen)

    def grouped(self, subject: Term) -> dict[str, dict[Term, list[str]]]:
        """predicate IRI → value → the graphs (sources) that state it, for one subject (worked out once)."""
        key = str(subject)
        if key in self._grouped:
            return self._grouped[key]
        table: dict[str, dict[Term, list[str]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o, g in self.quads:
            if s == subject and g.value not in table[p.value][o]:
                table[p.value][o].append(g.value)
        self._grouped[key] = {p: dict(values) for p, values in table.items()}
        return self._grouped[key]

    def incoming(self) -> dict[str, dict[Term, list[str]]]:
        """predicate IRI → subject pointing at this IRI → the graphs that state it."""
        table: dict[str, dict[Term, list[str]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o, g in self.quads:
            if o == self.iri and s != self.iri and g.value not in table[p.value][s]:
                table[p.value][s].append(g.value)
        return {p: dict(values) for p, values in table.items()}

    def types(self) -> list[ox.NamedNode]:
        return [o for s, p, o, _g in self.quads if s == self.iri and p.value == RDF_TYPE and isinstance(o, ox.NamedNode)]

    def label(self, term: object) -> str | None:
        return self.labels.get(term.value) if isinstance(term, ox.NamedNode) else None


def describe(build: Build, iri: ox.NamedNode) -> Description:
    """Query 1: the quads about ``iri`` (IRIs are validated by ox.NamedNode, so embedding is safe)."""
    result = build.engine.query(Prepared(_DESCRIBE.format(iri=str(iri))))
    assert isinstance(result, ox.QuerySolutions)
    quads: list[Quad] = []
    annotations: list[Quad] = []
    for row in result:
        (annotations if row["note"] is not None else quads).append((row["s"], row["p"], row["o"], row["g"]))
    return Description(iri, quads, annotations=annotations)


def add_labels(build: Build, description: Description) -> None:
    """Query 2: a display label for every IRI the description mentions (English or plain first)."""
    iris = {description.iri.value}
    for s, p, o, g in description.quads + description.annotations:
        iris.update(t.value for t in (s, p, o, g) if isinstance(t, ox.NamedNode))
    predicates = ", ".join(f"<{p}>" for p in LABELS)
    branches = each_iri("x", iris, f"?x ?p ?label FILTER(?p IN ({predicates}))")
    result = build.engine.query(Prepared(_LABELS.format(branches=branches)))
    assert isinstance(result, ox.QuerySolutions)
    best: dict[str, tuple[int, str]] = {}
    for row in result:
        x, p, label = row["x"], row["p"], row["label"]
        if not isinstance(label, ox.Literal) or not isinstance(x, ox.NamedNode) or not isinstance(p, ox.NamedNode):
            continue
        rank = LABELS.index(p.value) * 2 + (0 if label.language in (None, "en") else 1)
        if x.value not in best or rank < best[x.value][0]:
            best[x.value] = (rank, label.value)
    description.labels = {iri: label for iri, (_rank, label) in best.items()}
