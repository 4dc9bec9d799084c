"""Designed entity pages: a summary in words, then funding, evaluations, lineage, partners, sources.

A page is built from the entity's description (its own statements and what
points at it, as ``describe`` fetched them) plus a few queries anchored on it
(``entity_queries``); ``entity_kinds`` says what each kind of entity (model,
project, programme, organisation, grant, report, theme) puts in its summary
and sections. The complete property table stays at the foot of every page,
folded, for linked-data users. Everything reaches the template as plain text
and ``Link``s, so Jinja escapes every value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox

from cscip_kg.figures import Funding
from cscip_kg.namespaces import CSCIP_NS
from cscip_kg.server.content.entity_queries import ProjectFacts, RecordFacts, report_documents
from cscip_kg.server.content.lineage_words import lineage_words
from cscip_kg.server.rendering.basis import INFERRED, Basis, basis_in_words, basis_short, kind_named
from cscip_kg.server.rendering.humanize import Money, basis_words, count_words, funding_words
from cscip_kg.server.rendering.links import Cell, Link, Table, href
from cscip_kg.server.rendering.source_links import site_name, source_links
from cscip_kg.server.rendering.views import EntityView, short

CSCIP = CSCIP_NS
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"

Fragment = str | Link
Paragraph = list[Fragment]


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    table: Table | None = None
    caption: str = ""
    links: list[Link] = field(default_factory=list)
    partials: list[str] = field(default_factory=list)  # other helpers' Jinja partials shown here, if present
    more: list[tuple[Table, str]] = field(default_factory=list)  # further tables after ``table``, each with its caption
    empty: str = ""  # said when the section ends up with no words and no table (a page may add its own table later)
    groups: list[Group] = field(default_factory=list)  # lists of links under headings of their own (a source's citers)


@dataclass
class Group:
    """A headed list of links (one kind of thing), capped, with a link to the rest (or back to the cap)."""

    id: str
    title: str
    count: int
    links: list[Link]
    rest: Link | None = None


@dataclass
class Page:
    kind: str  # the <kind> of /id/<kind>/<slug>
    badge: str  # what a reader calls it: "Practice model"
    summary: list[Paragraph]
    facts: list[tuple[str, Cell]]  # key facts beside the summary
    sections: list[Section]


def seq(*items: Fragment) -> Paragraph:
    """A typed run of fragments (a list literal of text and links reads as list[object] to mypy)."""
    return list(items)


def joined(items: Iterable[Fragment], last: str = "and") -> Paragraph:
    """Fragments as a list in words: a, b and c."""
    items = [i for i in items if i]
    out: Paragraph = []
    for number, item in enumerate(items):
        if number:
            out.append(f" {last} " if number == len(items) - 1 else ", ")
        out.append(item)
    return out


def listed(groups: Iterable[Paragraph], last: str = "and") -> Paragraph:
    """Runs of fragments as a list in words: "a (x), b (y) and c (z)"."""
    groups = [g for g in groups if g]
    out: Paragraph = []
    for number, group in enumerate(groups):
        if number:
            out.append(f" {last} " if number == len(groups) - 1 else ", ")
        out.extend(group)
    return out


def money_link(amount: Money) -> Link:
    return Link(amount.text, None, amount.title, str(amount.value))


def total(amounts: Iterable[Money]) -> Link | None:
    """What grants come to: the sums awarded, and the ceilings ("up to") apart, since a ceiling is no sum paid."""
    found = list(amounts)
    if not found:
        return None
    caps = [m.value for m in found if m.bound == "up to"]
    funding = Funding(sum((m.value for m in found if m.bound != "up to"), start=Decimal(0)), sum(caps, start=Decimal(0)))
    exact = len(found) - len(caps)
    lower = sum(1 for m in found if m.bound == "over")
    title = "; ".join(
        ([f"£{funding.awarded:,.0f} exactly, the sum of {count_words(exact, 'amount')}"
          + (f" ({lower} of them a lower bound: “over”)" if lower else "")] if exact else [])
        + ([f"up to £{funding.ceilings:,.0f} in {count_words(len(caps), 'ceiling')}"] if caps else []))
    return Link(funding_words(funding), None, title, str(funding.awarded))


class Facts:
    """The entity's description read for a page: values, subjects pointing at it, links, sources."""

    def __init__(self, view: EntityView) -> None:
        self.view, self.build, self.d = view, view.build, view.d
        self.iri = ox.NamedNode(view.iri)
        self.out = self.d.grouped(self.iri)
        self.into = self.d.incoming()
        self.short = short(view.iri, self.build.prefixes)

    def values(self, predicate: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        return list(self.out.get(predicate, {}))

    def pointing(self, predicate: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        return list(self.into.get(predicate, {}))

    def links(self, predicate: str, incoming: bool = False) -> list[Link]:
        terms = self.pointing(predicate) if incoming else self.values(predicate)
        return sorted((self.view.link(t) for t in terms), key=lambda link: link.text.lower())

    def text(self, *predicates: str) -> str:
        """The first English (or untagged) literal of the predicates, in the order given."""
        for predicate in predicates:
            for term in self.values(predicate):
                if isinstance(term, ox.Literal) and term.language in (None, "en"):
                    return term.value
        return ""

    def link(self, iri: str, label: str) -> Link:
        return Link(label, href(self.build, iri), iri)

    def amount(self, predicate: str) -> Link | None:
        for term in self.values(predicate):
            if isinstance(term, ox.BlankNode):
                found = self.view.value(term, []).link
                if found.value:
                    return found
        return None

    def known(self, predicate: str, other: ox.NamedNode, outgoing: bool) -> Cell:
        """How we know one of its lineage links, either way: the basis the build derived onto the link (one rule for
        every page, the lineage page and the queries), with the sources of the facts it was derived from."""
        ends = (self.view.iri, other.value) if outgoing else (other.value, self.view.iri)
        link = self.view.precise.link_of(ends[0], predicate, ends[1])
        if link is None:
            return []
        return basis_cell(link.basis, source_links(self.build, link.sources), link.note)

    def all_sources(self) -> list[Link]:
        """Every page that states something on this page, each once."""
        keys: list[str] = []
        for s, p, o, g in self.d.quads:
            subject = s if s == self.iri or isinstance(s, ox.BlankNode) else None
            if subject is None and o != self.iri:
                continue
            owner, other = (self.view.iri, o) if subject is not None else (s.value, self.iri)
            keys.extend(self.view.sources_of(owner, g.value, p.value, other))
        return sorted(source_links(self.build, keys), key=lambda link: (link.href is None or not link.href.startswith("http"),
                                                                         link.text.lower()))


def lineage_section(facts: Facts, skip: Iterable[str] = (), extra: list[Paragraph] | None = None,
                    partials: list[str] | None = None) -> Section:
    """Where it came from (its own lineage links) and where it spread (links pointing at it).

    The lineage properties and their words are the served ontology's (``lineage_words``), read along a link
    from the entity (its label) or back to it (its inverse label). The links go in ``more``, so a page that
    puts its own table in the section (who took a model up) keeps them beneath it.
    """
    skipped = set(skip)
    kinds = sorted((w for w in lineage_words().values() if w.iri not in skipped), key=lambda w: w.label)
    rows: list[list[Cell]] = []
    for direction in ("came from", "spread to"):
        for words in kinds:
            said, terms = (words.label, facts.values(words.iri)) if direction == "came from" else \
                (words.backwards(), facts.pointing(words.iri))
            others = sorted(((facts.view.link(t), t) for t in terms if isinstance(t, ox.NamedNode)), key=lambda pair: pair[0].text.lower())
            rows += [[[Link(direction)], [Link(said)], [other], facts.known(words.iri, term, direction == "came from")]
                     for other, term in others]
    _tell_apart(rows, facts)
    section = Section("lineage", "Where it came from and where it spread", list(extra or []), partials=list(partials or []))
    if rows:
        section.more.append((Table(["Direction", "Link", "With", "How we know"], rows), "Lineage links"))
    lineage = facts.view.related[-1] if facts.view.related and "/lineage/" in (facts.view.related[-1].href or "") else None
    if lineage is not None:
        section.links.append(Link("The lineage diagram, with every link in words", lineage.href))
    section.empty = "The sources record no lineage links for it."
    return section


LINEAGE_WITH = 2  # the lineage table's "With" column (before "How we know")


def _tell_apart(rows: list[list[Cell]], facts: Facts) -> None:
    """A name shared by two things on the page (the model and the project Family Safeguarding) gets its kind."""
    named: dict[str, set[str]] = {facts.view.title: {facts.view.iri}}
    for row in rows:
        named.setdefault(row[LINEAGE_WITH][0].text, set()).add(row[LINEAGE_WITH][0].title)
    for row in rows:
        other = row[LINEAGE_WITH][0]
        kind = other.title[len(facts.build.base) + len("id/"):].split("/", 1)[0] if other.title.startswith(facts.build.base) else ""
        if len(named[other.text]) > 1 and kind:
            row[LINEAGE_WITH] = [Link(f"{other.text} ({kind})", other.href, other.title, other.value)]


def projects_table(projects: list[ProjectFacts], facts: Facts, how: Callable[[ProjectFacts], str] | None = None) -> Table:
    columns = ["Project", "Round", "Led by", "Grant", "Evaluation reports"]
    rows: list[list[Cell]] = []
    for project in projects:
        row: list[Cell] = [[facts.link(project.iri, project.label)],
                           [facts.link(*project.round)] if project.round else [],
                           [facts.link(i, label + (f" ({basis_short(INFERRED)})" if i in project.inferred_leads else ""))
                            for i, label in sorted(project.leads.items(), key=lambda kv: kv[1])],
                           [money_link(m) for _label, m in project.grants.values()],
                           [facts.link(i, label) for i, label in project.reports.items()]
                           or ([Link("ended without evaluation")] if project.ended_without_evaluation else [Link("none listed")])]
        if how is not None:
            row.insert(1, [Link(how(project))])
        rows.append(row)
    if how is not None:
        columns.insert(1, "How")
    return Table(columns, rows, frozenset({columns.index("Grant")}))


def funding_section(projects: list[ProjectFacts], facts: Facts, intro: list[Paragraph] | None = None,
                    how: Callable[[ProjectFacts], str] | None = None) -> Section:
    """The projects with their grants; unless ``intro`` says otherwise, what the grants come to."""
    section = Section("funding", "Funding", list(intro or []))
    grants = {g: m for p in projects for g, (_label, m) in p.grants.items()}
    whole = total(grants.values())
    if whole is not None and intro is None:
        section.paragraphs.append([count_words(len(grants), "grant"), " to these projects, ", whole, " in all."])
    if projects:
        section.table = projects_table(projects, facts, how)
        section.caption = "Projects and their grants"
    elif not section.paragraphs:
        section.paragraphs.append(["The sources record no grants for it."])
    return section


NO_REPORTS = "The sources list no evaluation report for it."


def evaluations_section(projects: list[ProjectFacts], facts: Facts, intro: list[Paragraph] | None = None) -> Section:
    section = Section("evaluations", "Evaluations", list(intro or []))
    evaluators = facts.links(CSCIP + "evaluator")
    if evaluators:
        section.paragraphs.append(["Evaluated by ", *joined(evaluators), "."])
    documents = report_documents(facts.build, [r for p in projects for r in p.reports])
    rows: list[list[Cell]] = [[[facts.link(r, label)], [facts.link(p.iri, p.label)], [facts.link(*p.round)] if p.round else [],
                               source_links(facts.build, documents.get(r, [])) or [Link("no address in the sources")]]
                              for p in projects for r, label in p.reports.items()]
    if rows:
        section.table = Table(["Report", "Evaluates", "Round", "Where to read it"], rows)
        section.caption = "Evaluation reports"
    ended = [facts.link(p.iri, p.label) for p in projects if p.ended_without_evaluation]
    if ended:
        section.paragraphs.append([*joined(ended), " ended without an evaluation."])
    if not rows and not section.paragraphs:
        section.paragraphs.append([NO_REPORTS])
    return section


def records_table(records: list[RecordFacts], facts: Facts, show: tuple[str, ...] = ("programme",)) -> Table:
    """Adoptions or participations: who, through what, in which role, when, on what basis, stated by whom."""
    # A column that only ever names the page's own entity ("through SFPC" on SFPC's page) says nothing.
    show = tuple(c for c in show if {(getattr(r, c) or ("",))[0] for r in records} != {facts.view.iri})
    columns = ["Organisation"] + [{"programme": "Through", "model": "Model", "project": "Project"}[c] for c in show]
    columns += ["Role", "Dates as stated", "Basis", "Stated by"]
    rows: list[list[Cell]] = []
    for record in records:
        row: list[Cell] = [[facts.link(*record.organisation)]]
        for column in show:
            pair = getattr(record, column)
            row.append([facts.link(*pair)] if pair else [])
        sources = source_links(facts.build, record.sources)
        # Which source states it, why it was inferred, or who claims it: "stated by the source" on every row said nothing.
        row += [[Link(record.role)] if record.role else [], [Link(record.dates)] if record.dates else [],
                basis_cell(record.basis, sources, record.note, record.caveat), sources]
        rows.append(row)
    return Table(columns, rows)


def basis_cell(basis: str | None, sources: list[Link], note: str = "", caveat: str = "") -> Cell:
    """A row's basis in words: which sources state it (by site), why it was inferred, or who claims it.
    "stated by the source" on every row of a table said nothing a reader could not assume."""
    names = tuple(dict.fromkeys(site_name(link) for link in sources))
    kind = kind_named(basis)
    if kind is None:
        return [Link(basis_words(basis))]
    return [Link(basis_in_words(Basis(kind, note, names, caveat)))]


def partners_section(facts: Facts, roles: dict[str, str], incoming: dict[str, str] | None = None) -> Section:
    """Organisations tied to it, by role: {predicate: role in words}."""
    rows: list[list[Cell]] = []
    for predicate, role in roles.items():
        rows += [[[link], [Link(role)]] for link in facts.links(predicate)]
    for predicate, role in (incoming or {}).items():
        rows += [[[link], [Link(role)]] for link in facts.links(predicate, incoming=True)]
    section = Section("partners", "Partners")
    if rows:
        section.table = Table(["Organisation", "Role"], rows)
        section.caption = "Organisations and their roles"
    else:
        section.paragraphs.append(["The sources name no partner organisations."])
    return section


def sources_section(facts: Facts) -> Section:
    found = facts.all_sources()
    section = Section("sources", "Sources", [["Every fact on this page comes from ", count_words(len(found), "source"),
                                              "; each link opens the page it was found on."]])
    section.table = Table(["Source"], [[[link]] for link in found])
    section.caption = "Sources of this page"
    return section
