"""A source document's page: what the document is, then what the graph cites it for, grouped by kind.

A source such as DfE's insights page is named (``dcterms:source``) by hundreds of
things: projects, reports, award dates, lineage links. Listed as they come, they
read as noise (issue 16: 537 values in no order, 53 identical "round 1, 2014-2016"
links). So they are grouped by the kind of thing (the ``/id/<kind>/`` of each IRI),
each group sorted by what a reader sees and capped, with a link to the whole group
(``?all=<kind>``); a label shared within a group says whose it is (an award date
names its grant). Everything is read from the description already fetched, plus one
query anchored on the source for the owners of its award dates, so the page costs
what the source has, not what the graph has.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
from flask import request

from cscip_kg.engine import Prepared
from cscip_kg.server.content.entity_pages import CSCIP, DCTERMS, Facts, Group, Page, Paragraph, Section, joined
from cscip_kg.server.rendering.humanize import count_words, date_words, host
from cscip_kg.server.rendering.links import Cell, Link
from cscip_kg.server.rendering.views import INCOMING_CAP

CAP = INCOMING_CAP  # items per group before "all N": a screen or two on a phone, as in the folded table

# Kinds in the order a reader looks for them (the programme's things first, the data's bookkeeping last):
# /id/<kind>/ → (heading, one of them, many of them).
KINDS: dict[str, tuple[str, str, str]] = {
    "project": ("Projects", "project", "projects"),
    "grant": ("Grants", "grant", "grants"),
    "organisation": ("Organisations", "organisation", "organisations"),
    "programme": ("Programmes, rounds and strands", "programme, round or strand", "programmes, rounds and strands"),
    "report": ("Evaluation reports", "evaluation report", "evaluation reports"),
    "model": ("Practice models", "practice model", "practice models"),
    "adoption": ("Adoptions of a model", "adoption", "adoptions"),
    "participation": ("Participations in a programme", "participation", "participations"),
    "development": ("Who developed a model", "development", "developments"),
    "finding": ("Findings", "finding", "findings"),
    "findings-coverage": ("What the findings cover", "findings coverage note", "findings coverage notes"),
    "theme": ("Themes", "theme", "themes"),
    "membership": ("Memberships of a partnership", "membership", "memberships"),
    "award-date": ("Award dates", "award date", "award dates"),
    "claim": ("Claims", "claim", "claims"),
    "link": ("Lineage links", "lineage link", "lineage links"),
    "identifier": ("Identifiers", "identifier", "identifiers"),
    "measure": ("Measures", "measure", "measures"),
}

# The owner of each award date the source gives (a grant or project): anchored on the source, then one
# lookup per award date, so it reads only this source's award dates.
_AWARD_OWNERS = """SELECT ?date ?owner ?ownerLabel WHERE {{
  ?date dcterms:source {iri} .
  ?owner cscip:awardDate ?date .
  OPTIONAL {{ ?owner rdfs:label ?ownerLabel }}
}}"""



def entity_kind(facts: Facts, iri: str) -> str:
    prefix = facts.build.base + "id/"
    return iri[len(prefix):].split("/", 1)[0] if iri.startswith(prefix) else "other"


def words_for(kind: str) -> tuple[str, str, str]:
    if kind in KINDS:
        return KINDS[kind]
    name = kind.replace("-", " ")
    return (f"{name[:1].upper()}{name[1:]}s" if kind != "other" else "Other things", name, f"{name}s")


def award_owners(facts: Facts) -> dict[str, str]:
    """Award date → the label of the grant or project it is the award date of."""
    result = facts.build.engine.query(Prepared(_AWARD_OWNERS.format(iri=facts.iri)))
    assert isinstance(result, ox.QuerySolutions)
    found: dict[str, str] = {}
    for row in result:
        label = row["ownerLabel"]
        found.setdefault(row["date"].value, label.value if label is not None else row["owner"].value)
    return found


def citing(facts: Facts) -> dict[str, list[Link]]:
    """kind → the things naming the source, each once, sorted by the text shown, shared texts told apart."""
    citers = [(term, entity_kind(facts, term.value)) for term in facts.pointing(DCTERMS + "source")
              if isinstance(term, ox.NamedNode)]
    # Only an award date needs its owner's name; the query is skipped for the many sources none cites.
    owners = award_owners(facts) if any(kind == "award-date" for _term, kind in citers) else {}
    by_kind: dict[str, list[Link]] = {}
    for term, kind in citers:
        link = facts.view.link(term)
        if term.value in owners:  # "round 1, 2014-2016" alone says not whose: lead with the grant
            link = Link(f"{owners[term.value]}: {link.text}", link.href, link.title)
        by_kind.setdefault(kind, []).append(link)
    for kind, links in by_kind.items():
        shared = Counter(link.text for link in links)
        told = [Link(f"{link.text} ({link.title.rsplit('/', 1)[-1]})", link.href, link.title) if shared[link.text] > 1 else link
                for link in links]
        by_kind[kind] = sorted(told, key=lambda link: (link.text.lower(), link.title))
    return by_kind


def groups(by_kind: dict[str, list[Link]]) -> list[Group]:
    """The groups in reading order, each capped at ``CAP`` unless ``?all=<kind>`` asks for the whole of it."""
    wanted, here = request.args.get("all", ""), request.script_root + request.path
    order = {kind: number for number, kind in enumerate(KINDS)}
    out = []
    for kind in sorted(by_kind, key=lambda k: (order.get(k, len(order)), k)):
        links = by_kind[kind]
        title, _one, many = words_for(kind)
        group = Group(f"cited-{kind}", title, len(links), links)
        if len(links) > CAP and wanted != kind:
            group.links = links[:CAP]
            group.rest = Link(f"All {len(links)} {many}", f"{here}?all={kind}#cited-{kind}")
        elif len(links) > CAP:
            group.rest = Link(f"Show the first {CAP} only", f"{here}#cited-{kind}")
        out.append(group)
    return out


def cited_section(found: list[Group]) -> Section:
    section = Section("cited", "What it is cited for")
    if not found:
        section.paragraphs.append(["Nothing in the graph names it as its source."])
        return section
    section.paragraphs.append([f"Grouped by kind of thing, each sorted by name; the first {CAP} of a larger group are "
                               "shown, with a link to all of them."])
    section.groups = found
    return section


def published(facts: Facts) -> Paragraph:
    """"published by the Department for Education on 2 November 2020 (updated 20 May 2021)"."""
    publishers = facts.links(DCTERMS + "publisher")
    issued, modified = facts.text(DCTERMS + "issued"), facts.text(DCTERMS + "modified")
    out: Paragraph = []
    if publishers:
        out += [" published by ", *joined(publishers)]
    if issued:
        out += [" on " if date_words(issued)[:1].isdigit() else " in ", date_words(issued)]
    if modified and modified != issued:
        out += [f" (updated {date_words(modified)})"]
    return out


def source(facts: Facts) -> Page:
    url = facts.text(CSCIP + "originalURL")
    address = Link(host(url), url, url) if url else None
    by_kind = citing(facts)
    found = groups(by_kind)
    things = sum(g.count for g in found)
    summary: list[Paragraph] = [[facts.view.title, " is a source document", *published(facts), "."]]
    described = facts.text(DCTERMS + "description")
    if described:
        summary.append([described])
    summary.append(["Read it at ", address, "."] if address else ["The sources give no web address for it."])
    statements = facts.build.graph_sizes.get(facts.view.iri, 0)
    counts = [f"{g.count} {words_for(g.id[len('cited-'):])[1 if g.count == 1 else 2]}" for g in found]
    summary.append([f"{count_words(things, 'thing')} in the graph name it as their source",
                    *([": ", *joined(counts)] if counts else []), "."])
    if statements:
        summary.append([f"The graph holds {count_words(statements, 'statement')} read from it."])
    issued = facts.text(DCTERMS + "issued")
    facts_list: list[tuple[str, Cell]] = [("Publisher", facts.links(DCTERMS + "publisher")),
                                          ("Published", [Link(date_words(issued))] if issued else []),
                                          ("Address", [address] if address else [Link("none given")]),
                                          ("Cited by", [Link(count_words(things, "thing"))])]
    return Page("source", "Source document", summary, facts_list, [cited_section(found)])
