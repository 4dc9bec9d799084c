"""Where a model, project, organisation or programme came from and where it spread, as nodes and edges.

Two queries, whatever the entity. Query 1 finds the nodes: the entity (and,
for an organisation, the projects it led or partnered), everything those
reach along the lineage links in either direction, and — for the practice
models reached upwards — the projects that first implemented them and the
programmes and authorities that spread or adopted them (so the SFPC page
shows the round 1 projects behind its models). Query 2 fetches the direct
edges among exactly those nodes. The diagram is drawn from the direct edges
only, so it stays right however lineage.rq is extended.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from cscip_kg.engine import Prepared
from cscip_kg.server.state import Build

CSCIP = "def/"  # relative to the build's base
LINKS = ("continues", "scalesUp", "implementsModel", "adaptsModel", "combinesModel", "spreadsModel", "spreadsProject", "adoptsModel")
PROV_INFLUENCED = "http://www.w3.org/ns/prov#wasInfluencedBy"
_PATH = "(" + "|".join(f"cscip:{p}" for p in LINKS) + "|cscip:qualifiedAdoption/cscip:adoptedModel|prov:wasInfluencedBy)"
_TAKEN_UP = "cscip:spreadsModel|cscip:adoptsModel|cscip:qualifiedAdoption/cscip:adoptedModel"

_NODES = f"""SELECT DISTINCT ?n ?label ?type ?round WHERE {{
  {{ BIND(?entity AS ?seed) }}
  UNION {{ ?grant cscip:leadOrganisation|cscip:partnerOrganisation ?entity ; schema:fundedItem ?seed }}
  UNION {{ ?seed a cscip:Project ; cscip:leadOrganisation|cscip:partnerOrganisation ?entity }}
  {{ ?seed {_PATH}* ?n }}
  UNION {{ ?n {_PATH}+ ?seed }}
  UNION {{ ?seed {_PATH}* ?model . ?model a cscip:PracticeModel . ?n cscip:implementsModel|cscip:adaptsModel|{_TAKEN_UP} ?model }}
  ?n rdfs:label ?label .
  OPTIONAL {{ ?n a ?type . FILTER(STRSTARTS(STR(?type), STR(cscip:))) }}
  OPTIONAL {{ ?n cscip:round ?round }}
}}"""

_EDGES = """SELECT DISTINCT ?s ?p ?o WHERE {{
  VALUES ?s {{ {nodes} }}
  VALUES ?o {{ {nodes} }}
  {{ ?s ?p ?o . FILTER(?p IN ({predicates})) }}
  UNION {{ ?s cscip:qualifiedAdoption/cscip:adoptedModel ?o . BIND(cscip:adoptsModel AS ?p) }}
  UNION {{ ?grant cscip:leadOrganisation ?s ; schema:fundedItem ?o . BIND(cscip:leadOrganisation AS ?p) }}
  UNION {{ ?o cscip:leadOrganisation|cscip:partnerOrganisation ?s . ?o a cscip:Project . BIND(cscip:partnerOrganisation AS ?p) }}
  FILTER(?s != ?o)
}}"""

# Columns, left to right: the way things flowed from round 1 to the programmes that spread them.
COLUMNS = ("Where it started", "Original projects", "Practice models", "Continuations and combinations", "Programmes", "Adopters")
LATER = ("continues", "scalesUp", "combinesModel")


@dataclass
class Node:
    iri: str
    label: str
    types: set[str]
    rounds: set[str]
    column: int = 0


@dataclass(frozen=True)
class Edge:
    source: str
    relation: str  # local name of the cscip: property, or "wasInfluencedBy"
    target: str


@dataclass
class Lineage:
    focus: str
    nodes: dict[str, Node]
    edges: list[Edge]

    def columns(self) -> list[tuple[str, list[Node]]]:
        """The non-empty columns in order, each with its nodes."""
        found = [(title, [n for n in self.nodes.values() if n.column == i]) for i, title in enumerate(COLUMNS)]
        return [(title, nodes) for title, nodes in found if nodes]


def lineage(build: Build, iri: ox.NamedNode) -> Lineage:
    nodes = _nodes(build, iri)
    edges = _edges(build, nodes) if len(nodes) > 1 else []
    _assign_columns(build, nodes, edges)
    return Lineage(iri.value, nodes, edges)


def _nodes(build: Build, iri: ox.NamedNode) -> dict[str, Node]:
    text = _NODES.replace("?entity", str(iri))  # an ox.NamedNode prints as a valid, escaped <IRI>
    result = build.engine.query(Prepared(text))
    assert isinstance(result, ox.QuerySolutions)
    nodes: dict[str, Node] = {}
    for row in result:
        n, label, kind, round_ = row["n"], row["label"], row["type"], row["round"]
        if not isinstance(n, ox.NamedNode) or not isinstance(label, ox.Literal):
            continue
        node = nodes.setdefault(n.value, Node(n.value, label.value, set(), set()))
        if label.language == "en":
            node.label = label.value
        if isinstance(kind, ox.NamedNode):
            node.types.add(kind.value.rsplit("/", 1)[-1])
        if isinstance(round_, ox.NamedNode):
            node.rounds.add(round_.value.rsplit("/", 1)[-1])
    return nodes


def _edges(build: Build, nodes: dict[str, Node]) -> list[Edge]:
    values = " ".join(f"<{iri}>" for iri in sorted(nodes))
    predicates = ", ".join([f"cscip:{p}" for p in LINKS] + ["prov:wasInfluencedBy"])
    result = build.engine.query(Prepared(_EDGES.format(nodes=values, predicates=predicates)))
    assert isinstance(result, ox.QuerySolutions)
    edges = {Edge(row["s"].value, row["p"].value.rsplit("/", 1)[-1].rsplit("#", 1)[-1], row["o"].value) for row in result}
    return sorted(edges, key=lambda e: (e.source, e.relation, e.target))


def _assign_columns(build: Build, nodes: dict[str, Node], edges: list[Edge]) -> None:
    outgoing: dict[str, set[str]] = {}
    influences = {e.target for e in edges if e.relation == "wasInfluencedBy"}
    for edge in edges:
        outgoing.setdefault(edge.source, set()).add(edge.relation)
    for node in nodes.values():
        node.column = _column(node, outgoing.get(node.iri, set()), build.base)
        # A programme that others grew out of (CSCIP itself) is where the story starts.
        if node.column == 4 and node.iri in influences and node.iri not in outgoing:
            node.column = 0


def _column(node: Node, relations: set[str], base: str) -> int:
    if "PracticeModel" in node.types:
        return 2
    if "Project" in node.types:
        later = relations & set(LATER) or (node.rounds and "cscip-round-1" not in node.rounds)
        return 3 if later else 1
    if node.types & {"Programme", "FundingRound", "Strand"} or node.iri.startswith(base + "id/programme/"):
        return 4
    return 5 if relations & {"adoptsModel"} else 0
