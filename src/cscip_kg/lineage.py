"""Derive the lineage named graph from data/, once, at build time.

Which properties are lineage links is read from the ontology (see
``lineage_properties``), never listed here. Each link becomes one
``cscip:LineageLink`` (a ``prov:Influence``): the influencee has it as
``prov:qualifiedInfluence``, the influencer is ``prov:influencer``, and it
carries its kind, programme or project, role, dates, basis and the sources of
the facts it came from, and what a row of queries/lineage.rq shows of it in one
value each (``cscip:basisLabel``, ``cscip:sourceURLs``, ``cscip:dateText``), so the
query reads one node per row instead of joining across the graph. A direct
``cscip:lineageLink`` per linked pair keeps
transitive walks fast; a link into an organisation (a property whose range is
org:Organization, i.e. cscip:developedBy) gets none, so no walk passes through
an organisation (what Hertfordshire adopted is not where Family Safeguarding
came from). A link comes from, in this order of precedence:

1. a qualified record (``cscip:Adoption``, ``cscip:Development``: any record
   reached by a property whose ``prov:unqualifiedForm`` is a lineage property),
   which gives programme, project, role, dates, status and sources — so an
   adoption through a programme links the organisation to the model, never to
   the programme;
2. a ``cscip:Claim`` about a lineage property (its status gives the basis);
3. a plain triple, sourced by the named graph it lives in, or by the page a
   statement record about it there names, or its subject's own page there
   (the registry, which is no source, by the subject's ``dcterms:source``);
4. an inference: a programme spreading both a model and a project that
   implements it means the model, as spread, grew out of that project.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from cscip_kg.lineage_rule import lineage_closure
from cscip_kg.namespaces import GRAPH_BASE, ID_BASE
from cscip_kg.rdf_namespaces import CSCIP, ORG, PROV, SCHEMA

LINEAGE_GRAPH = URIRef(f"{GRAPH_BASE}lineage")
REGISTRY_GRAPH = URIRef(f"{GRAPH_BASE}registry")
LINK_BASE = f"{ID_BASE}link/"
UNQUALIFIED_FORM = PROV.unqualifiedForm
# What a qualified record says that a link carries over unchanged.
CARRIED = (CSCIP.throughProgramme, CSCIP.throughProject, CSCIP.role, CSCIP.datesStatedAs,
           SCHEMA.startDate, SCHEMA.endDate, CSCIP.evaluator, CSCIP.inferenceNote)
# A record's or claim's status, in the terms of cscip:basis (until every record carries cscip:basis).
STATUS_BASIS = {CSCIP.Stated: CSCIP.stated, CSCIP.Inferred: CSCIP.inferred,
                CSCIP.Uncertain: CSCIP.claimed, CSCIP.Conflicting: CSCIP.claimed}


@dataclass
class Link:
    source: Node
    kind: URIRef
    target: Node
    record: Node | None = None
    basis: URIRef = CSCIP.stated
    sources: set[Node] = field(default_factory=set)
    details: list[tuple[URIRef, Node]] = field(default_factory=list)

    def iri(self) -> URIRef:
        key = "|".join(str(t) for t in (self.source, self.kind, self.target, self.record or ""))
        return URIRef(LINK_BASE + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16])


def _super_properties(ontology: Graph) -> dict[Node, set[Node]]:
    supers: dict[Node, set[Node]] = {}
    for sub, sup in ontology.subject_objects(RDFS.subPropertyOf):
        supers.setdefault(sub, set()).add(sup)
    return supers


def lineage_properties(ontology: Graph) -> set[URIRef]:
    """prov:wasInfluencedBy and every own property whose chain of own super-properties reaches it."""
    pairs = ((str(sub), str(sup)) for sub, sup in ontology.subject_objects(RDFS.subPropertyOf) if isinstance(sub, URIRef))
    return {URIRef(p) for p in lineage_closure(pairs, str(CSCIP))}


def _influencer_properties(ontology: Graph) -> set[Node]:
    supers = _super_properties(ontology)
    found: set[Node] = {PROV.influencer}
    changed = True
    while changed:
        changed = False
        for prop, ups in supers.items():
            if prop not in found and ups & found:
                found.add(prop)
                changed = True
    return found


def derive(dataset: Dataset, ontology: Graph) -> Graph:
    """The lineage graph of ``dataset``: read-only on the dataset, a new graph out."""
    kinds = lineage_properties(ontology)
    facts = _facts(dataset, ontology, kinds)
    links = list(_qualified(facts, ontology, kinds))
    covered = {(link.source, link.kind, link.target) for link in links}
    for link in [*_claimed(facts, kinds), *_plain(dataset, kinds), *_inferred(facts)]:
        if (link.source, link.kind, link.target) not in covered:
            covered.add((link.source, link.kind, link.target))
            links.append(link)
    return _write(facts, ontology, links)


def _facts(dataset: Dataset, ontology: Graph, kinds: set[URIRef]) -> Graph:
    """The triples of every source graph that the derivation reads, in one graph (a small union)."""
    wanted = {*kinds, *ontology.subjects(UNQUALIFIED_FORM), *_influencer_properties(ontology), *CARRIED,
              DCTERMS.source, RDFS.label, CSCIP.originalURL, CSCIP.localFile, CSCIP.basis, CSCIP.claimStatus,
              CSCIP.claimSubject, CSCIP.claimProperty, CSCIP.claimValue, CSCIP.implementsModel, CSCIP.usesModel,
              CSCIP.spreadsModel, CSCIP.spreadsProject}
    facts = Graph()
    for graph in dataset.graphs():
        for prop in wanted:
            for triple in graph.triples((None, prop, None)):
                facts.add(triple)
        for claim in graph.subjects(RDF.type, CSCIP.Claim):
            facts.add((claim, RDF.type, CSCIP.Claim))
    return facts


def _basis(dataset: Graph, node: Node) -> URIRef:
    stated = dataset.value(node, CSCIP.basis)
    if isinstance(stated, URIRef):
        return stated
    status = dataset.value(node, CSCIP.claimStatus)
    if not isinstance(status, URIRef):
        return CSCIP.stated
    return STATUS_BASIS.get(status, CSCIP.claimed)


def _qualified(dataset: Graph, ontology: Graph, kinds: set[URIRef]) -> Iterator[Link]:
    influencers = _influencer_properties(ontology)
    for qualifier, kind in ontology.subject_objects(UNQUALIFIED_FORM):
        if kind not in kinds:
            continue
        for subject, record in dataset.subject_objects(qualifier):
            targets = [o for p, o in dataset.predicate_objects(record) if p in influencers]
            for target in targets:
                yield Link(subject, kind, target, record, _basis(dataset, record),  # type: ignore[arg-type]
                           set(dataset.objects(record, DCTERMS.source)),
                           [(p, o) for p in CARRIED for o in dataset.objects(record, p)])


def _claimed(dataset: Graph, kinds: set[URIRef]) -> Iterator[Link]:
    for claim in dataset.subjects(RDF.type, CSCIP.Claim):
        kind = dataset.value(claim, CSCIP.claimProperty)
        subject, target = dataset.value(claim, CSCIP.claimSubject), dataset.value(claim, CSCIP.claimValue)
        if kind in kinds and isinstance(target, URIRef) and subject is not None:
            yield Link(subject, kind, target, claim, _basis(dataset, claim),  # type: ignore[arg-type]
                       set(dataset.objects(claim, DCTERMS.source)))


def _plain(dataset: Dataset, kinds: set[URIRef]) -> Iterator[Link]:
    """One link per plain triple, whichever graphs state it; stated if any graph states it without an inferred or
    claimed record about that very triple, else the records' basis and notes (the graph's deduction is never
    shown as a source's fact)."""
    found: dict[tuple[Node, Node, Node], tuple[Link, set[URIRef]]] = {}
    for graph in dataset.graphs():
        for kind in sorted(kinds):
            for subject, _p, target in graph.triples((None, kind, None)):
                if not isinstance(target, URIRef):
                    continue
                link, bases = found.setdefault((subject, kind, target), (Link(subject, kind, target), set()))
                records = _records(graph, subject, kind, target)
                bases |= {_basis(graph, record) for record in records} or {CSCIP.stated}
                link.details += [(CSCIP.inferenceNote, note) for record in records
                                 for note in graph.objects(record, CSCIP.inferenceNote)]
                if graph.identifier == REGISTRY_GRAPH:  # the registry is no source: its entities name theirs
                    link.sources |= set(graph.objects(subject, DCTERMS.source))
                else:  # a statement record there, or the subject's own record, names the page (secondary-facts.md cites one)
                    link.sources |= _recorded_sources(graph, records, subject)
    for link, bases in found.values():
        link.basis = next((b for b in STRONGEST_FIRST if b in bases), CSCIP.claimed)
        if link.basis == CSCIP.stated:
            link.details = []  # a note says why the graph deduced a link; a source states this one
        yield link


# A plain link's basis from its occurrences': a source's word outweighs a claim, a claim the graph's deduction.
STRONGEST_FIRST = (CSCIP.stated, CSCIP.claimed, CSCIP.inferred)
SHARED_KINDS = ("organisation", "model", "programme", "theme")  # one record each, described by many sources


def _records(graph: Graph, subject: Node, kind: Node, target: Node) -> list[Node]:
    """The statement records a source folder keeps about one of its triples."""
    return [record for record in graph.subjects(RDF.subject, subject)
            if (record, RDF.predicate, kind) in graph and (record, RDF.object, target) in graph]


def _recorded_sources(graph: Graph, records: list[Node], subject: Node) -> set[Node]:
    """The pages a source folder names for one of its triples: its statement records', else the subject's own (a
    project's page). A shared thing's own pages there are about *it* (an authority's GSS code list), not about each
    of its edges, so they are not read that way; then the folder itself is named."""
    recorded = {source for record in records for source in graph.objects(record, DCTERMS.source)}
    if recorded or str(subject).startswith(tuple(f"{ID_BASE}{shared}/" for shared in SHARED_KINDS)):
        return recorded or {graph.identifier}
    return set(graph.objects(subject, DCTERMS.source)) or {graph.identifier}


def _inferred(dataset: Graph) -> Iterator[Link]:
    # One link per (model, project), however many programmes give the reason (SFIP and its strand both do):
    # its note names each of them and it cites all their sources, so no reason depends on which came first.
    reasons: dict[tuple[Node, Node], set[Node]] = {}
    for programme, model in dataset.subject_objects(CSCIP.spreadsModel):
        for project in dataset.objects(programme, CSCIP.spreadsProject):
            if (project, CSCIP.implementsModel, model) in dataset or (project, CSCIP.usesModel, model) in dataset:
                reasons.setdefault((model, project), set()).add(programme)
    for (model, project), programmes in sorted(reasons.items()):
        names = sorted(_label(dataset, programme) for programme in programmes)
        spread = f"{' and '.join(names)} spread" if len(names) > 1 else f"{names[0]} spreads"
        note = Literal(f"{spread} both the model and {_label(dataset, project)}, which implements it, so the model as "
                       "spread grew out of that project", lang="en")
        sources = {source for programme in programmes for source in dataset.objects(programme, DCTERMS.source)}
        yield Link(model, CSCIP.grewOutOf, project, None, CSCIP.inferred, sources, [(CSCIP.inferenceNote, note)])


def _label(dataset: Graph, node: Node) -> str:
    labels = list(dataset.objects(node, RDFS.label))
    english = [str(label) for label in labels if isinstance(label, Literal) and label.language == "en"]
    return (english or [str(label) for label in labels] or [str(node).rsplit("/", 1)[-1]])[0]


def _write(dataset: Graph, ontology: Graph, links: list[Link]) -> Graph:
    graph = Graph(identifier=LINEAGE_GRAPH)
    # A link into an organisation (cscip:developedBy) ends the walk: passing through an
    # organisation would make all it adopted the ancestors of what it developed.
    ends = {kind for kind in {link.kind for link in links} if (kind, RDFS.range, ORG.Organization) in ontology}
    for link in links:
        iri = link.iri()
        kind_label = _label(ontology, link.kind)
        graph.add((iri, RDF.type, CSCIP.LineageLink))
        graph.add((iri, RDFS.label, Literal(f"{_label(dataset, link.source)} {kind_label} {_label(dataset, link.target)}", lang="en")))
        graph.add((link.source, PROV.qualifiedInfluence, iri))
        graph.add((iri, PROV.influencer, link.target))
        graph.add((iri, CSCIP.linkKind, link.kind))
        graph.add((iri, CSCIP.basis, link.basis))
        if link.kind not in ends:
            graph.add((link.source, CSCIP.lineageLink, link.target))
        if link.record is not None:
            graph.add((iri, PROV.wasDerivedFrom, link.record))
        for source in link.sources:
            graph.add((iri, DCTERMS.source, source))
        for prop, value in link.details:
            graph.add((iri, prop, value))
        for prop, value in _shown(dataset, ontology, link):
            graph.add((iri, prop, value))
    return graph


def _shown(dataset: Graph, ontology: Graph, link: Link) -> Iterator[tuple[URIRef, Literal]]:
    """What a row of queries/lineage.rq shows of the link, as the query once computed it from the graph.

    Each is one lookup on the link: read across the graph, the basis's words, each source's page
    and the dates' text cost the query two or three lookups a row, and the sources a GROUP BY.
    """
    words = {str(label) for prop in (SKOS.prefLabel, RDFS.label) for label in ontology.objects(link.basis, prop)}
    for word in sorted(words) or [str(link.basis).rsplit("/", 1)[-1]]:
        yield CSCIP.basisLabel, Literal(word)
    pages: set[str] = set()
    for source in link.sources:  # a source document's page, else the source itself (a web page's graph)
        pages |= {str(page) for prop in (CSCIP.originalURL, CSCIP.localFile) for page in dataset.objects(source, prop)} \
            or {str(source)}
    yield CSCIP.sourceURLs, Literal(" ".join(sorted(pages)))
    for prop, value in link.details:
        if prop in (CSCIP.datesStatedAs, SCHEMA.startDate):
            yield CSCIP.dateText, Literal(str(value))


def add_lineage(dataset: Dataset, ontology: Graph) -> int:
    """Derive the lineage graph and put it into ``dataset`` as <graph/lineage>; the number of links."""
    derived = derive(dataset, ontology)
    target = dataset.graph(LINEAGE_GRAPH)
    for triple in derived:
        target.add(triple)
    return len(set(derived.subjects(RDF.type, CSCIP.LineageLink)))
