"""What a statement of a shared thing rests on: the records that link its two ends, and their pages.

A shared thing (an organisation, model, programme or theme) is described in several source folders,
and its own ``dcterms:source`` in one of them names the pages about *it* (an authority's GSS code list),
not the page of every edge from it. A compiled source (secondary-facts.md) and the derived lineage graph
state each edge of a shared thing beside a record standing for it: a qualified record (adoption,
participation, membership, development, lineage link), an identifier, a claim or a statement record,
each naming the page it was read on. So the page of ``walsall adoptsModel family-safeguarding`` is the
page of the adoption record that links Walsall and Family Safeguarding.

Two lookups, both anchored: the records this entity's description already links (its outgoing records,
and the claims, statement records and memberships pointing at it), with what they link; and the records
the other ends point at (``walsall qualifiedAdoption adoption:…`` seen from the model's page). A web
page's own graph needs neither: all it holds is stated by that page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from cscip_kg.anchored import each_iri
from cscip_kg.describe import Description, Term
from cscip_kg.engine import Prepared
from cscip_kg.namespaces import CSCIP_NS
from cscip_kg.opened import Build

CSCIP = CSCIP_NS
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SOURCE = "http://purl.org/dc/terms/source"
RECORD_KINDS = ("adoption", "participation", "membership", "development", "identifier", "link", "claim", "statement")
POINTING_KINDS = ("claim", "statement", "membership")  # records that point at both ends rather than from one
STATES = (RDF + "predicate", CSCIP + "claimProperty")  # a statement record or claim names the property it is about
CONTEXT = (CSCIP + "throughProgramme",)  # a record naming a programme as its context links no edge of it


def key_of(term: Term | None) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


@dataclass
class Records:
    entity: str = ""
    pages: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (graph, record) → its sources
    ends: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (graph, record) → what it links
    about: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (graph, claim) → the property it is about

    def sources(self, graph: str, subject: str, predicate: str, other: Term) -> list[str]:
        """The pages of the records linking ``subject`` and ``other`` in ``graph``: those about ``predicate``
        itself where there are any (a claim, a statement record), else those about no one property."""
        end = key_of(other) if subject == self.entity else subject
        linking = [key for key, ends in self.ends.items() if key[0] == graph and end in ends and key in self.pages]
        exact = [key for key in linking if predicate in self.about.get(key, ())]
        chosen = exact or [key for key in linking if key not in self.about]
        return list(dict.fromkeys(page for key in chosen for page in self.pages[key]))


@dataclass
class _Needed:
    ends: set[str] = field(default_factory=set)  # the other ends, as SPARQL terms
    predicates: set[str] = field(default_factory=set)
    ask: dict[str, set[str]] = field(default_factory=dict)  # graph → other ends to ask for the records they point at
    records: set[tuple[str, str]] = field(default_factory=set)  # (graph, record) linked to the entity
    own: set[str] = field(default_factory=set)  # records to ask what they link


def record_sources(build: Build, description: Description, shared: tuple[str, ...], compiled: set[str]) -> Records:
    """The records standing for a shared entity's statements in the ``compiled`` graphs whose subject is a shared
    thing, in one query. Other entities
    need none: their own source is precise. (A project's or grant's lineage link into a round is still
    sourced by the lineage graph: asking for its records cost a round's page 10 times its queries.)"""
    records = Records(description.iri.value)
    if not records.entity.startswith(shared):
        return records
    needed = _needed(build, description, shared, compiled)
    if not needed.ends or not needed.records:
        return records
    wanted = ", ".join(sorted(needed.ends | needed.predicates))
    states = ", ".join(f"<{p}>" for p in STATES)
    branches = []
    for graph in sorted({g for g, _r in needed.records}):  # a named graph each: ``GRAPH ?g`` costs ten times as much
        own = {r for g, r in needed.records if g == graph and r in needed.own}
        branches += [f"{{ {branch} BIND(<{graph}> AS ?g) }}" for branch in (
            each_iri("r", own, f"GRAPH <{graph}> {{ ?r ?via ?n FILTER(?n IN ({wanted}) || ?via IN ({states})) }}"),
            each_iri("r", own, f"GRAPH <{graph}> {{ ?r <{SOURCE}> ?source }}"),
            each_iri("n", needed.ask.get(graph, ()), f"GRAPH <{graph}> {{ ?n ?via ?r OPTIONAL {{ ?r <{SOURCE}> ?source }} }}"))]
    result = build.engine.query(Prepared(f"SELECT ?r ?g ?via ?n ?source WHERE {{ {' UNION '.join(branches)} }}"))
    assert isinstance(result, ox.QuerySolutions)
    for row in result:
        key = (row["g"].value, row["r"].value)
        if key not in needed.records:
            continue
        if row["source"] is not None and row["source"].value not in records.pages.setdefault(key, []):
            records.pages[key].append(row["source"].value)
        if row["via"] is None:
            records.ends.setdefault(key, set()).add(key[1])  # a record is itself the other end of an edge to it
        elif row["via"].value in STATES:
            records.about.setdefault(key, set()).add(key_of(row["n"]))
        elif row["via"].value != SOURCE:
            records.ends.setdefault(key, set()).add(key_of(row["n"]))
    return records


def _needed(build: Build, description: Description, shared: tuple[str, ...], compiled: set[str]) -> _Needed:
    """The other ends of the shared subjects' statements, and the records linked to the entity."""
    entity = description.iri
    at = tuple(f"{build.base}id/{kind}/" for kind in RECORD_KINDS)
    pointing = tuple(f"{build.base}id/{kind}/" for kind in POINTING_KINDS)
    needed = _Needed()
    for s, p, o, g in description.quads + description.annotations:
        if g.value not in compiled:
            continue
        other = o if s == entity else s
        if isinstance(other, ox.NamedNode) and other.value.startswith(at) and p.value not in CONTEXT:
            needed.records.add((g.value, other.value))
            if s == entity or other.value.startswith(pointing):
                needed.own.add(other.value)
        if (entity in (s, o) and isinstance(s, ox.NamedNode) and not isinstance(other, ox.BlankNode)
                and s.value.startswith(shared)):
            needed.ends.add(str(other))
            needed.predicates.add(f"<{p.value}>")
            if isinstance(other, ox.NamedNode) and other.value.startswith(build.base + "id/"):
                needed.ask.setdefault(g.value, set()).add(other.value)
    return needed
