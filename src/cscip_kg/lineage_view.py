"""Where a model, project, organisation or programme came from and where it spread, as nodes and edges.

The links are exactly the rows of the named query ``lineage`` (which walks the
lineage graph derived at build time, src/cscip_kg/lineage.py), so the diagram,
its JSON and the query always agree. One more query fetches what the layout
needs of each node (types, rounds) and the ontology's label of each kind of
link: no lineage property or label is listed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from cscip_kg.engine import Prepared
from cscip_kg.opened import Build

LINEAGE_QUERY = "lineage"

_NODES = """SELECT ?n ?label ?type ?round WHERE {{
  VALUES ?n {{ {nodes} }}
  OPTIONAL {{ ?n rdfs:label ?label }}
  OPTIONAL {{ ?n a ?type . FILTER(STRSTARTS(STR(?type), STR(cscip:))) }}
  OPTIONAL {{ ?n cscip:round ?round }}
}}"""

# The words of each kind of link, both ways, from the ontology (a lineage property added there shows with its words).
_KINDS = """SELECT ?kind ?label ?inverse WHERE {{
  VALUES ?kind {{ {kinds} }}
  OPTIONAL {{ ?kind rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en") || LANG(?label) = "") }}
  OPTIONAL {{ ?kind cscip:inverseLabel ?inverse FILTER(LANGMATCHES(LANG(?inverse), "en") || LANG(?inverse) = "") }}
}}"""

# Columns, left to right: the way things flowed from round 1 to the programmes that spread them.
COLUMNS = ("Where it started", "Original projects", "Practice models", "Continuations and combinations", "Programmes", "Adopters")
# A project that continues or scales up another is a later phase by definition, whatever its round.
LATER = ("continues", "scalesUp")


@dataclass
class Node:
    iri: str
    label: str
    types: set[str]
    rounds: set[str]
    column: int = 0


@dataclass(frozen=True)
class Edge:
    """One lineage link, from the influenced (``source``) to what influenced it (``target``).

    Equal edges are the same pair and kind; the details (programme, role, …)
    of a second link between them do not make a second arrow.
    """

    source: str
    relation: str  # local name of the ontology property (e.g. "adoptsModel", "wasInfluencedBy")
    target: str
    label: str = field(default="", compare=False)  # the ontology's label of the property
    programme: str | None = field(default=None, compare=False)
    project: str | None = field(default=None, compare=False)
    role: str | None = field(default=None, compare=False)
    dates: str | None = field(default=None, compare=False)
    basis: str = field(default="stated", compare=False)
    sources: tuple[str, ...] = field(default=(), compare=False)
    kind_iri: str = field(default="", compare=False)  # the ontology property
    inverse: str = field(default="", compare=False)  # its cscip:inverseLabel (read from target to source), if any
    programme_label: str | None = field(default=None, compare=False)

    def details(self) -> str:
        """Through which programme, in which role, when: "through SFPC (trial cohort; 2020-09)", or ""."""
        extra = "; ".join(d for d in (self.role, self.dates) if d)
        through = f"through {self.programme_label}" if self.programme_label else ""
        return f"{through} ({extra})" if through and extra else through or extra


@dataclass
class Lineage:
    focus: str
    nodes: dict[str, Node]
    edges: list[Edge]

    def columns(self) -> list[tuple[str, list[Node]]]:
        """The non-empty columns in order, each with its nodes."""
        found = [(title, [n for n in self.nodes.values() if n.column == i]) for i, title in enumerate(COLUMNS)]
        return [(title, nodes) for title, nodes in found if nodes]


def local_name(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def lineage(build: Build, iri: ox.NamedNode) -> Lineage:
    edges = _worded(build, _edges(build, iri))
    nodes = _nodes(build, {iri.value} | {e.source for e in edges} | {e.target for e in edges})
    _assign_columns(build, nodes, edges)
    return Lineage(iri.value, nodes, edges)


def _value(row: ox.QuerySolution, name: str) -> str | None:
    term = row[name]
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else None


def _edges(build: Build, iri: ox.NamedNode) -> list[Edge]:
    query = build.catalogue.get(LINEAGE_QUERY)
    if query is None:
        raise LookupError(f"the build in {build.folder} has no named query {LINEAGE_QUERY!r}")
    result = build.engine.query(Prepared(query.bind({"entity": iri.value}, build.prefixes)))
    assert isinstance(result, ox.QuerySolutions)
    edges: dict[Edge, Edge] = {}
    for row in result:
        via, node, kind = _value(row, "via"), _value(row, "node"), _value(row, "kind")
        if via is None or node is None or kind is None:
            continue
        # Descendant rows walk a link backwards: the link goes from ?node to ?via.
        source, target = (node, via) if _value(row, "direction") == "descendant" else (via, node)
        edge = Edge(source, local_name(kind), target, _value(row, "kindLabel") or local_name(kind),
                    _value(row, "programme"), _value(row, "project"), _value(row, "role"), _value(row, "dates"),
                    _value(row, "basis") or "stated", tuple((_value(row, "sources") or "").split()), kind,
                    programme_label=_value(row, "programmeLabel"))
        edges.setdefault(edge, edge)
    return sorted(edges, key=lambda e: (e.source, e.relation, e.target))


def _worded(build: Build, edges: list[Edge]) -> list[Edge]:
    """The edges with each kind's inverse label from the ontology (its label comes with the query's rows)."""
    kinds = {e.kind_iri for e in edges if e.kind_iri}
    if not kinds:
        return edges
    result = build.engine.query(Prepared(_KINDS.format(kinds=" ".join(f"<{k}>" for k in sorted(kinds)))))
    assert isinstance(result, ox.QuerySolutions)
    words = {row["kind"].value: (_value(row, "label"), _value(row, "inverse")) for row in result}
    return [replace(e, label=e.label if e.label != e.relation else words.get(e.kind_iri, (None, None))[0] or e.relation,
                    inverse=words.get(e.kind_iri, (None, None))[1] or "") for e in edges]


def _nodes(build: Build, iris: set[str]) -> dict[str, Node]:
    values = " ".join(f"<{iri}>" for iri in sorted(iris))
    result = build.engine.query(Prepared(_NODES.format(nodes=values)))
    assert isinstance(result, ox.QuerySolutions)
    nodes: dict[str, Node] = {}
    for row in result:
        n, label, kind, round_ = row["n"], row["label"], row["type"], row["round"]
        if not isinstance(n, ox.NamedNode) or (label is None and kind is None and round_ is None):
            continue  # nothing known about it (an unknown focus is a 404, not a lone box)
        node = nodes.setdefault(n.value, Node(n.value, local_name(n.value), set(), set()))
        if isinstance(label, ox.Literal) and (label.language in (None, "en") or node.label == local_name(n.value)):
            node.label = label.value
        if isinstance(kind, ox.NamedNode):
            node.types.add(local_name(kind.value))
        if isinstance(round_, ox.NamedNode):
            node.rounds.add(local_name(round_.value))
    return nodes


def _assign_columns(build: Build, nodes: dict[str, Node], edges: list[Edge]) -> None:
    outgoing: dict[str, set[str]] = {}
    influences = {e.target for e in edges if e.relation in ("wasInfluencedBy", "round")}
    for edge in edges:
        outgoing.setdefault(edge.source, set()).add(edge.relation)
    for node in nodes.values():
        node.column = _column(node, outgoing.get(node.iri, set()), build.base)
        # A programme or round that others grew out of (CSCIP, round 1) is where the story starts.
        if node.column == 4 and node.iri in influences and not outgoing.get(node.iri, set()) - {"wasInfluencedBy"}:
            node.column = 0


def _column(node: Node, relations: set[str], base: str) -> int:
    if "PracticeModel" in node.types:
        return 2
    if "Project" in node.types:
        # Its round says when it came; combining models says what it did, so a round 1 project that combined
        # models (Family Valued) is an original project. Only a project with no round known is placed by that.
        if relations & set(LATER):
            return 3
        if node.rounds:
            return 1 if "cscip-round-1" in node.rounds else 3
        return 3 if "combinesModel" in relations else 1
    if node.types & {"Programme", "FundingRound", "Strand"} or node.iri.startswith(base + "id/programme/"):
        return 4
    return 5 if relations & {"adoptsModel"} else 0
