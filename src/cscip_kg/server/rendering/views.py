"""Display models for templates: terms turned into text and links, nothing else.

Templates receive only plain strings (Jinja escapes them); links are made here
and only for IRIs answered on this server or for http(s) IRIs elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import request

from cscip_kg.anchored import each_iri
from cscip_kg.describe import RDF_TYPE, Description, Term
from cscip_kg.engine import Prepared
from cscip_kg.namespaces import CSCIP_NS, PROV_NS, compact
from cscip_kg.opened import Build
from cscip_kg.server.rendering import formats
from cscip_kg.server.rendering.basis import CLAIMED, INFERRED, STATED, Basis, basis_in_words, disagreement_in_words, kind_of
from cscip_kg.server.rendering.humanize import article, literal_words, money
from cscip_kg.server.rendering.jsonld import jsonld
from cscip_kg.server.rendering.links import Link, href
from cscip_kg.server.rendering.record_sources import key_of, record_sources
from cscip_kg.server.rendering.source_links import catalogue, source_links
from cscip_kg.server.rendering.vocabulary import LABELS

XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
CSCIP = CSCIP_NS
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DCTERMS_SOURCE = "http://purl.org/dc/terms/source"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
EDITORIAL_NOTE = "http://www.w3.org/2004/02/skos/core#editorialNote"
SHARED_KINDS = ("organisation", "model", "programme", "theme")
DCTERMS = "http://purl.org/dc/terms/"
# What a source document's description takes from the page itself (its description and notes are this project's).
READ_ON_THE_PAGE = frozenset((DCTERMS + "title", DCTERMS + "publisher", DCTERMS + "issued", DCTERMS + "modified",
                              DCTERMS + "date", CSCIP + "originalURL", "http://www.w3.org/2000/01/rdf-schema#label"))
INCOMING_CAP = 20  # values of one property pointing at it shown in the folded table before "show all" (a source page caps its groups alike)
_PRECISE = "SELECT ?s ?g ?source ?from ?to ?link ?basis ?note ?kind WHERE {{ {branches} }}"
PROV = PROV_NS
STRENGTH = (STATED, CLAIMED, INFERRED)  # a source's word outweighs a claim, a claim the graph's own reading
PROV_INFLUENCE = PROV + "qualifiedInfluence"
# The lineage links into and out of the entity, with the sources each carries: the lineage graph is derived at build
# time from the sources' facts, so a statement in it is shown as derived from those sources, never as stated by it.
# The entity's own end is left unbound (the parser knows it).
_LINKS = """{{ GRAPH <{graph}> {{ {iri} <{influence}> ?link . ?link <{influencer}> ?to {details} }} }}
  UNION {{ GRAPH <{graph}> {{ ?from <{influence}> ?link . ?link <{influencer}> {iri} {details} }} }}"""
_LINK_DETAILS = """; <http://purl.org/dc/terms/source> ?source
  OPTIONAL {{ ?link <{basis}> ?basis }} OPTIONAL {{ ?link <{note}> ?note }} OPTIONAL {{ ?link <{kind}> ?kind }}"""


@dataclass
class Value:
    link: Link
    note: str = ""
    sources: list[Link] = field(default_factory=list)
    nested: list[Row] = field(default_factory=list)
    basis: str = ""  # on what the fact rests, in words, where a statement record says more than its graph
    derived: bool = False  # stated only in the lineage graph: derived by the build from ``sources``' facts


@dataclass
class Row:
    predicate: Link
    values: list[Value]
    rest: Link | None = None  # the values past the cap, behind a link


@dataclass(frozen=True)
class Dispute:
    """A property on which the sources disagree, in words."""

    predicate: Link
    words: str


def short(iri: str, prefixes: dict[str, str]) -> str:
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return compact(iri)


class EntityView:
    def __init__(self, description: Description, build: Build, path: str) -> None:
        self.d, self.build = description, build
        self._links: dict[Term, Link] = {}
        self.iri = description.iri.value
        self.title = description.label(description.iri) or short(self.iri, build.prefixes)
        self.types = [self.link(t) for t in description.types()]
        self.all_incoming = request.args.get("all") == "points"
        pointing = [(p, self._shown(values)) for p, values in
                    sorted(description.incoming().items(), key=lambda kv: self._sort_key(kv[0]))]
        self.article = article(self.types[0].text) if self.types else "A"
        self.precise = PreciseSources(build, description, {_key(s) for _p, (shown, _n) in pointing for s, _g in shown})
        self._lineage = build.base + "graph/lineage"
        self._sources: dict[tuple[str, str, str, str], list[str]] = {}
        self._shared = tuple(f"{build.base}id/{kind}/" for kind in SHARED_KINDS)
        self.records = record_sources(build, description, self._shared, compiled_graphs(build, description))
        self.bases = self._bases()
        self.rows = self._rows(description.iri, skip_types=True)
        self.kinds = self._kinds()
        self.incoming = [self._incoming_row(p, shown, count) for p, (shown, count) in pointing]
        self.disputes = self._disputes()
        prefix = request.script_root + "/" + path
        self.alternates = [Link(fmt.names[0], f"{prefix}.{fmt.names[0]}", fmt.media_type) for fmt in formats.GRAPHS]
        self.related = related_pages(build, self.iri)
        self.jsonld = jsonld(description, self.title, request.host_url.rstrip("/") + prefix, build.base + "def/")

    def link(self, term: Term) -> Link:
        # A source's page shows each of its hundreds of citers twice (its groups, the folded table): made once.
        if term not in self._links:
            self._links[term] = self._make_link(term)
        return self._links[term]

    def _make_link(self, term: Term) -> Link:
        if isinstance(term, ox.NamedNode):
            label = self.d.label(term) or LABELS.get(term.value) or graph_label(self.build, term.value)
            shortened = short(term.value, self.build.prefixes)
            return Link(label or shortened, href(self.build, term.value), term.value)
        if isinstance(term, ox.Literal):
            if term.datatype.value == XSD + "anyURI" and term.value.startswith(("http://", "https://")):
                return Link(term.value, term.value)
            return Link(literal_words(term.value, term.datatype.value))
        return Link("")

    def value(self, term: Term, graphs: list[str], subject: Term | None = None, predicate: str = "") -> Value:
        """A value with the sources of its statement (``sources_of``); ``subject`` is the statement's subject
        where that is not this entity (a row of what points at it), ``predicate`` its property."""
        note = term.language if isinstance(term, ox.Literal) and term.language not in (None, "en") else ""
        keys: list[str] = []
        owner, other = (_key(subject), self.d.iri) if subject is not None else (self.iri, term)
        for graph in graphs:
            keys.extend(self.sources_of(owner, graph, predicate, other))
        sources = source_links(self.build, keys)
        if isinstance(term, ox.BlankNode):
            amount = self._money(term)
            if amount is not None:
                return Value(amount, note, sources)
            return Value(self.link(term), note, sources, self._rows(term))
        if graphs and all(graph == self._lineage for graph in graphs):
            derived = self.precise.derived(owner, predicate, _key(other))
            inferred = derived is not None and kind_of(derived.basis or None) == INFERRED
            basis = basis_in_words(Basis(INFERRED, derived.note)) if inferred and derived else ""
            return Value(self.link(term), note, sources, basis=basis, derived=True)
        return Value(self.link(term), note, sources)

    def sources_of(self, subject: str, graph: str, predicate: str = "", other: Term | None = None) -> list[str]:
        """The pages a statement in ``graph`` about ``subject`` (linking it to ``other``) comes from: the pages the
        subject names with ``dcterms:source`` in that graph, else the graph's own source.

        A shared thing (an organisation, model, programme or theme) names in a source folder the pages about
        *it*, not about every edge from it: an adoption shortcut in secondary-facts is stated by the adoption
        record's page, an evaluator by its claim's. So a statement of a shared thing outside the registry is
        sourced by the records of that graph that link its two ends (``record_sources``: claims and statement
        records of that very property first), else by the subject's own pages there (a GSS code's list).
        A source document's title, publisher and dates are read on the page itself.
        """
        key = (subject, graph, predicate, _key(other) if other is not None else "")
        if key not in self._sources and graph == self._lineage:
            derived = self.precise.derived(subject, predicate, key[3])
            if derived is not None:  # the lineage graph is no source: its link names the sources it was derived from
                self._sources[key] = derived.sources
        if key not in self._sources:
            own = self.precise.get((subject, graph))
            registry = graph == self.build.base + "graph/registry"
            shared = subject.startswith(self._shared) and not registry
            found = self.records.sources(graph, subject, predicate, other) if (shared or not own) and other is not None \
                and not registry else []
            if shared and not found and other is not None and not _key(other).startswith(self._shared):
                found = self.precise.get((_key(other), graph))  # the record it points at (an adoption)
            document = catalogue().source(subject)
            if document is not None and document.url and predicate in READ_ON_THE_PAGE:
                found = [subject]
            self._sources[key] = found or own or ([] if graph == self._lineage else [graph])
        return self._sources[key]

    def _money(self, node: ox.BlankNode) -> Link | None:
        """A schema:MonetaryAmount node as "£4.8m", the exact figure on hover."""
        first = {p: next(iter(values)).value for p, values in self.d.grouped(node).items() if values}
        found = money(first.get(SCHEMA + "value"), first.get(CSCIP + "upTo"), first.get(CSCIP + "moreThan"),
                      first.get(CSCIP + "statedAs"))
        return Link(found.text, None, found.title, str(found.value)) if found is not None else None

    def _bases(self) -> dict[tuple[str, Term], str]:
        """(predicate, value) of this entity's facts → their basis in words, from the statement records."""
        found = {}
        for values in self.d.annotation_values().values():
            if RDF + "predicate" not in values or RDF + "object" not in values or CSCIP + "basis" not in values:
                continue
            note = values.get(CSCIP + "inferenceNote", [])
            caveat = values.get(EDITORIAL_NOTE, [])
            basis = Basis(kind_of(values[CSCIP + "basis"][0].value), note[0].value if note else "",
                          tuple(self.link(s).text for s in values.get(DCTERMS_SOURCE, [])),
                          caveat[0].value if caveat else "")
            found[(values[RDF + "predicate"][0].value, values[RDF + "object"][0])] = basis_in_words(basis)
        return found

    def _kinds(self) -> list[str]:
        """The basis of each rdf:type, e.g. that no source states a charity is one."""
        return [f"{self.link(t).text} ({self.bases[(RDF_TYPE, t)].rstrip('.')})" for t in self.d.types() if (RDF_TYPE, t) in self.bases]

    def _disputes(self) -> list[Dispute]:
        """Claims about this entity that disagree (a conflicting or uncertain one, or different values)."""
        by_property: dict[str, list[tuple[str, list[str], str, str]]] = {}
        for values in self.d.annotation_values().values():
            if CSCIP + "claimProperty" not in values or CSCIP + "claimValue" not in values:
                continue
            status = values.get(CSCIP + "claimStatus", [])
            # A claim about one of its findings' figures says in its label what was measured and by whom.
            about = values[CSCIP + "claimOfFinding"][0] if CSCIP + "claimOfFinding" in values else None
            label = values.get(RDFS_LABEL, [None])[0] if about is not None else None
            by_property.setdefault(values[CSCIP + "claimProperty"][0].value, []).append((
                self.link(values[CSCIP + "claimValue"][0]).text,
                [self.link(s).text for s in values.get(DCTERMS_SOURCE, [])],
                kind_of(status[0].value if status else None),
                label.value if isinstance(label, ox.Literal) else ""))
        disputes = []
        for predicate, claims in sorted(by_property.items(), key=lambda kv: self._sort_key(kv[0])):
            if any(kind == "claimed" for _v, _s, kind, _l in claims) and len({value for value, *_rest in claims}) > 1:
                words = disagreement_in_words((said or value, sources) for value, sources, _kind, said in claims)
                name = self.link(ox.NamedNode(predicate))
                if all(said for *_rest, said in claims):
                    name = Link("figures its evaluations gave", name.href, name.text)
                disputes.append(Dispute(name, words))
        return disputes

    def _shown(self, values: dict[Term, list[str]]) -> tuple[list[tuple[Term, list[str]]], int]:
        """What points at it by one property, sorted by what a reader sees, and capped at ``INCOMING_CAP`` unless
        ``?all=points`` (a source is named by hundreds of things); with how many there are in all."""
        ordered = sorted(values.items(), key=lambda kv: (self.link(kv[0]).text.lower(), _key(kv[0])))
        return (ordered if self.all_incoming else ordered[:INCOMING_CAP]), len(ordered)

    def _incoming_row(self, predicate: str, shown: list[tuple[Term, list[str]]], count: int) -> Row:
        rest = None
        if len(shown) < count:
            rest = Link(f"… and {count - len(shown):,} more: show all {count:,}",
                        f"{request.script_root}{request.path}?all=points#points")
        return Row(self.link(ox.NamedNode(predicate)), [self.value(s, g, s, predicate) for s, g in shown], rest)

    def _sort_key(self, predicate: str) -> tuple[int, str]:
        # Labels and types first, then alphabetical by what a reader sees.
        return (0 if predicate in (RDF_TYPE,) else 1, self.link(ox.NamedNode(predicate)).text.lower())

    def _rows(self, subject: Term, skip_types: bool = False) -> list[Row]:
        rows = []
        for predicate, values in sorted(self.d.grouped(subject).items(), key=lambda kv: self._sort_key(kv[0])):
            if skip_types and predicate == RDF_TYPE:
                continue
            row = Row(self.link(ox.NamedNode(predicate)),
                      [self.value(o, g, None, predicate) for o, g in values.items()])
            if subject == self.d.iri:
                for value, term in zip(row.values, values, strict=True):
                    value.basis = self.bases.get((predicate, term), value.basis)
            rows.append(row)
        return rows


def _key(term: Term) -> str:
    return key_of(term)


@dataclass
class Derived:
    """A lineage link as its page shows it: the sources of the facts it was derived from, its basis and why."""

    sources: list[str] = field(default_factory=list)
    basis: str = ""  # a cscip:basis IRI
    note: str = ""  # cscip:inferenceNote, for an inferred link
    kind: str = ""  # the lineage property it stands for (cscip:linkKind)


class PreciseSources:
    """(subject, graph) → the sources that subject names in that graph, for the entity and the records pointing
    at it (an adoption names the page it was found on), and the lineage links into and out of the entity with
    the sources each was derived from. One query for the entity, its links and the subjects the page shows
    first; the rest of the subjects in one more, only if something asks about one (a page's "Sources" section
    does; the hundreds of things citing a source, behind "show all", are otherwise never looked up)."""

    def __init__(self, build: Build, description: Description, shown: set[str]) -> None:
        self.build = build
        self.entity = description.iri.value
        self.graphs: dict[tuple[str, str], list[str]] = {}
        self.links: dict[str, Derived] = {}  # lineage link → what it was derived from
        self.ends: dict[tuple[str, str], list[str]] = {}  # (influencee, influencer) → their links
        self.rest = {self.entity} | {s.value for s, _p, o, _g in description.quads
                                     if o == description.iri and isinstance(s, ox.NamedNode)}
        self._fetch((shown & self.rest) | {self.entity}, with_links=True)

    def _fetch(self, subjects: set[str], with_links: bool = False) -> None:
        self.rest -= subjects
        branches = each_iri("s", subjects, "GRAPH ?g { ?s <http://purl.org/dc/terms/source> ?source }")
        # A sub-select: Virtuoso 7 fails to compile a one-IRI VALUES block beside other branches ("equiv replaces filter").
        own = f"{{ SELECT ?s ?g ?source WHERE {{ {branches} }} }}"
        if with_links:
            details = _LINK_DETAILS.format(basis=CSCIP + "basis", note=CSCIP + "inferenceNote", kind=CSCIP + "linkKind")
            links = _LINKS.format(graph=self.build.base + "graph/lineage", iri=f"<{self.entity}>", influence=PROV_INFLUENCE,
                                  influencer=PROV + "influencer", details=details)
            own = f"{own} UNION {links}"
        result = self.build.engine.query(Prepared(_PRECISE.format(branches=own)))
        assert isinstance(result, ox.QuerySolutions)
        for row in result:
            if row["link"] is None:
                self.graphs.setdefault((row["s"].value, row["g"].value), []).append(row["source"].value)
            else:
                self._add_link(row)

    def _add_link(self, row: ox.QuerySolution) -> None:
        link = self.links.setdefault(row["link"].value, Derived())
        if row["source"].value not in link.sources:
            link.sources.append(row["source"].value)
        link.basis = row["basis"].value if row["basis"] is not None else link.basis
        link.note = row["note"].value if row["note"] is not None else link.note
        link.kind = row["kind"].value if row["kind"] is not None else link.kind
        ends = self.ends.setdefault((key_of(row["from"]) if row["from"] else self.entity,
                                     key_of(row["to"]) if row["to"] else self.entity), [])
        if row["link"].value not in ends:
            ends.append(row["link"].value)

    def get(self, key: tuple[str, str]) -> list[str]:
        if key[0] in self.rest:
            self._fetch(set(self.rest))
        return self.graphs.get(key, [])

    def link_of(self, influencee: str, kind: str, influencer: str) -> Derived | None:
        """The lineage links of one kind between two ends (the entity being one of them) as one: stated if any is
        (a record's link and a plain one may both stand for it), with all their sources."""
        found = [self.links[link] for link in self.ends.get((influencee, influencer), []) if self.links[link].kind == kind]
        if not found:
            return None
        first = min(found, key=lambda link: STRENGTH.index(kind_of(link.basis or None)))
        return Derived(list(dict.fromkeys(s for link in found for s in link.sources)), first.basis, first.note, kind)

    def derived(self, subject: str, predicate: str, other: str) -> Derived | None:
        """What a statement of the lineage graph was derived from: its own link's, or the links of its two ends."""
        if predicate == PROV_INFLUENCE:
            return self.links.get(other)
        links = [self.links[link] for link in self.ends.get((subject, other), [])]
        if not links:
            return None
        merged = Derived(list(dict.fromkeys(s for link in links for s in link.sources)))
        basis = {link.basis for link in links}
        if len(basis) == 1:
            merged.basis, merged.note = links[0].basis, links[0].note
        return merged


def compiled_graphs(build: Build, description: Description) -> set[str]:
    """The graphs of this description that are no web page of their own: a compilation (secondary-facts.md) or a
    derived graph (lineage), whose records name the pages. A web page's graph is stated by that page."""
    sources = catalogue()
    registry = build.base + "graph/registry"
    return {g.value for *_rest, g in description.quads if g.value != registry
            and not ((source := sources.source(g.value)) is not None and source.url)}


def graph_label(build: Build, iri: str) -> str | None:
    """Named graphs that are not sources (registry, ontology) have no label in the data."""
    prefix = f"{build.base}graph/"
    return f"{iri[len(prefix):]} (graph)" if iri.startswith(prefix) else None


def related_pages(build: Build, iri: str) -> list[Link]:
    """The lineage diagram of an entity, for the kinds that have one."""
    links = []
    lineage = lineage_path(build.base, iri)
    if lineage is not None:
        links.append(Link("Where it came from and where it spread (diagram)", lineage))
    return links


LINEAGE_KINDS = ("model", "project", "organisation", "programme")


def lineage_path(base: str, iri: str) -> str | None:
    """The /lineage/… path of an entity that can have a lineage, else None."""
    for kind in LINEAGE_KINDS:
        prefix = f"{base}id/{kind}/"
        if iri.startswith(prefix) and "/" not in iri[len(prefix):]:
            return f"{request.script_root}/lineage/{kind}/{iri[len(prefix):]}"
    return None
