"""Pages that gather many records: programmes (with their rounds and strands) and organisations.

An organisation's page reads the ``authority-profile`` named query (or, for an
organisation it finds nothing about, such as a publisher, ``organisation-profile``),
so it shows exactly what that question answers (and its CSV) about the organisation:
projects, adoptions, programme waves, partnerships, claims, publications. ``page_for`` picks
the builder for an entity's kind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import pyoxigraph as ox
from flask import url_for

from cscip_kg.queries import ParameterError
from cscip_kg.server.content.entity_kinds import SPREAD_MAPS, description, grant, model, project, report, theme
from cscip_kg.server.content.entity_pages import (
    CSCIP,
    DCTERMS,
    NO_REPORTS,
    SCHEMA,
    Facts,
    Page,
    Paragraph,
    Section,
    basis_cell,
    evaluations_section,
    funding_section,
    joined,
    lineage_section,
    listed,
    partners_section,
    records_table,
    seq,
    sources_section,
    total,
)
from cscip_kg.server.content.entity_queries import ProjectFacts, RecordFacts, disputed, projects, records
from cscip_kg.server.content.entity_sources import entity_kind, source
from cscip_kg.server.content.named import run, table
from cscip_kg.server.rendering.basis import INFERRED, basis_short, kind_of
from cscip_kg.server.rendering.humanize import article, basis_words, count_words, date_words
from cscip_kg.server.rendering.links import Cell, Link, Table
from cscip_kg.server.rendering.source_links import source_links
from cscip_kg.server.rendering.tables import people_table
from cscip_kg.server.rendering.views import EntityView

KINDS = {CSCIP + "FundingRound": "Funding round", CSCIP + "Strand": "Strand", CSCIP + "Programme": "Programme"}


def named_organisations(found: Sequence[ProjectFacts], members: Sequence[RecordFacts]) -> set[str]:
    """Who the graph names in a programme: its projects' leads and those who took part or took up a model through it."""
    return {iri for p in found for iri in p.leads} | {r.organisation[0] for r in members}


def programme(facts: Facts) -> Page:
    types = {t.value for t in facts.d.types()}
    badge = next((label for iri, label in KINDS.items() if iri in types), "Programme")
    parents = facts.links(DCTERMS + "isPartOf")
    found = projects(facts.build, "programme", facts.iri)
    members = records(facts.build, "programme", facts.iri)
    funding = facts.amount(CSCIP + "funding")
    what = {"Funding round": "a funding round", "Strand": "a strand"}.get(badge, "a programme")
    summary: list[Paragraph] = [[facts.view.title, f" is {what}", *([" of ", *joined(parents)] if parents else []), "."]]
    if description(facts):
        summary.append(description(facts))
    summary.append(money_and_dates(facts, funding))
    models = facts.links(CSCIP + "spreadsModel")
    if models:
        summary.append(["It spreads the practice models ", *joined(models), "."])
    if members:
        organisations = {r.organisation[0] for r in members}
        summary.append([f"{count_words(len(organisations), 'organisation')} took part in it or took up a model "
                        "through it (listed under “Where it came from and where it spread”)."])
    # SFPC spreads the round 1 projects: their grants were CSCIP's, made years before, never SFPC's money.
    spread_projects = [p for p in found if p.how == CSCIP + "spreadsProject"]
    funded_here = [p for p in found if p.how != CSCIP + "spreadsProject"]
    if funded_here:
        summary.append([count_words(len(funded_here), "project"), " was" if len(funded_here) == 1 else " were", " funded in it."])
    if spread_projects:
        summary.append(spread_words(spread_projects, funded=False, facts=facts))
    granted = total(m for p in funded_here for _l, m in p.grants.values())
    facts_list: list[tuple[str, Cell]] = [("Funding", [funding] if funding else [Link("not stated")]),
                                          ("Grants recorded to projects funded in it", [granted] if granted else []),
                                          ("Part of", parents), ("Parts", facts.links(DCTERMS + "isPartOf", incoming=True)),
                                          ("Organisations named", [Link(str(len(named_organisations(found, members))))])]
    # A round's projects are under Funding; listing each again as "is the round of" says nothing new.
    spread = lineage_section(facts, skip=(CSCIP + "round",), partials=SPREAD_MAPS)
    if members:
        spread.table, spread.caption = records_table(members, facts, ("programme", "model")), "Who took part, and how"
    intro = [spread_words(spread_projects, funded=True, facts=facts)] if spread_projects else None
    if intro and funded_here:
        intro.insert(0, [count_words(len(funded_here), "project"), " funded in it: ", granted or "no grant recorded", "."])
    sections = [s for s in (fed_section(facts), funding_section(found, facts, intro), evaluations_section(found, facts), spread,
                            partners_section(facts, {CSCIP + "supportedBy": "support", CSCIP + "evaluator": "evaluator",
                                                     CSCIP + "evaluationCoordinator": "evaluation coordinator",
                                                     SCHEMA + "funder": "funder", CSCIP + "participant": "participant"}),
                            sources_section(facts)) if s is not None]
    return Page("programme", badge, summary, facts_list, sections)


def spread_words(spread_projects: list[ProjectFacts], funded: bool, facts: Facts) -> Paragraph:
    """"It spread 3 projects funded earlier, in CSCIP round 1", and with ``funded`` what their grants came to; where
    no source says so (every such link rests on an inferred record), the sentence says it is the graph's reading."""
    rounds = sorted({p.round for p in spread_projects if p.round}, key=lambda r: r[1])
    links = [facts.view.precise.link_of(facts.view.iri, CSCIP + "spreadsProject", p.iri) for p in spread_projects]
    inferred = all(link is not None and kind_of(link.basis or None) == INFERRED for link in links)
    out: Paragraph = [f"It spread {count_words(len(spread_projects), 'project')} funded before it",
                      *([", in ", *joined([Link(label) for _iri, label in rounds])] if rounds else []),
                      *([" (this graph's inference: no source says so)"] if inferred else [])]
    whole = total(m for p in spread_projects for _l, m in p.grants.values())
    if funded and whole is not None:
        out += ["; the grants they had then came to ", whole, ", which is no part of this programme's funding"]
    return [*out, "."]


def money_and_dates(facts: Facts, funding: Link | None) -> Paragraph:
    out: Paragraph = []
    if funding is not None:
        out += ["Its funding: ", funding]
        years = facts.text(CSCIP + "durationYears") or next((t.value for t in facts.values(CSCIP + "durationYears")), "")
        out += [f" over {years} years" if years else "", ". "]
    start = next((t for t in facts.values(SCHEMA + "startDate") + facts.values(CSCIP + "announcedOn")), None)
    end = next((t for t in facts.values(SCHEMA + "endDate")), None)
    if start is not None:
        out.append(f"It began {_when(start)}" + (f" and ended {_when(end)}. " if end is not None else ". "))
    elif end is not None:
        out.append(f"It ended {_when(end)}. ")
    authorities = next((t.value for t in facts.values(CSCIP + "numberOfLocalAuthorities")), None)
    if authorities:
        out.append(f"The sources say {authorities} local authorities took part.")
    return out


def _when(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """"on 1 April 2024", "in September 2019", "in 2014"."""
    words = date_words(term.value, term.datatype.value if isinstance(term, ox.Literal) else "")
    return f"on {words}" if words[:1].isdigit() and " " in words else f"in {words}"


def fed_section(facts: Facts) -> Section | None:
    """The headline question, "which round 1 models fed it", for programmes that spread models."""
    query = facts.build.catalogue["round1-models-fed-sfpc"]  # a page query: create_app refuses a build without it
    if not facts.values(CSCIP + "spreadsModel"):
        return None
    params = {"programme": facts.short}
    found = table(facts.build, run(facts.build, query, params), query.headings)
    if not found.rows:
        return None
    return Section("fed", f"Which round 1 models fed {facts.view.title}?", table=found, caption="Round 1 models it spreads",
                   links=[Link("Download CSV", url_for("api.answer", name=f"{query.name}.csv", programme=facts.short)),
                          Link("Ask this for another programme", url_for("query_pages.query_page", name=query.name,
                                                                         programme=facts.short))])


def organisation(facts: Facts) -> Page:
    found = projects(facts.build, "organisation", facts.iri)
    profile, took_part = authority_profile(facts)
    kinds = [t.text for t in facts.view.types if t.text not in ("organisation", "formal organisation")]
    kind = kinds[0] if kinds else "organisation"
    summary: list[Paragraph] = [[facts.view.title, " is ", f"{article(kind).lower()} {kind}",
                                 *gss(took_part), "."]]
    if description(facts):
        summary.append(description(facts))
    led = [p for p in found if p.how == CSCIP + "leadOrganisation"]
    partnered = [p for p in found if p.how == CSCIP + "partnerOrganisation"]
    if found:
        summary.append(["It led ", count_words(len(led), "project"), _guessed(led), " and was a partner in ",
                        count_words(len(partnered), "other"), _guessed(partnered), " in the programmes recorded here."])
    adopted = [row for row in took_part if row[0].startswith("adopted ")]
    models = _models_taken_up(facts)
    if adopted:
        summary.append(["It took up ", *listed([[models(row), " through ", row[1], _role(row[3])] for row in adopted]), "."])
    funded = [row for row in took_part if row[0] == "funder"]
    funded_para = [funded_words(facts, funded)] if funded else []
    summary += funded_para
    counts = Counter(row[0] for row in took_part if not row[0].startswith("adopted ") and row[0] not in ("GSS code", "identifier"))
    if counts:
        summary.append(["Its roles in the sources: ", *joined([f"{role} ({n})" for role, n in sorted(counts.items())]), "."])
    facts_list: list[tuple[str, Cell]] = [("Kind", [Link(k) for k in kinds]), ("Projects led", [Link(str(len(led)))]),
                                          ("Partner in", [Link(str(len(partnered)))]),
                                          ("Models taken up", [Link(str(len(adopted)))]),
                                          *([("Funder of", [Link(str(len(funded)))])] if funded else [])]
    spread = lineage_section(facts, skip=(CSCIP + "adoptsModel",) if adopted else (), partials=SPREAD_MAPS)
    if adopted:
        rows = [([models(r)], [r[1]], [Link(r[3])] if r[3] else [], r[4], source_links(facts.build, r[5])) for r in adopted]
        spread.table = Table(["Took up", "Through", "Details", "Basis", "Stated by"],
                             [[model, through, details, basis_cell(basis, links), links]
                              for model, through, details, basis, links in rows])
        spread.caption = "Models it took up"
    evaluated = [seq(row[1], f" ({row[0]})") for row in took_part if "evaluat" in row[0]]
    intro = [["It evaluated or coordinated the evaluation of ", *listed(evaluated), "."]] if evaluated else []
    funding = funding_section(found, facts, [*funding_words(found), *funded_para], _how)
    sections = [funding, _evaluations(found, facts, intro),
                spread, profile,
                sources_section(facts)]
    return Page("organisation", kinds[0][:1].upper() + kinds[0][1:] if kinds else "Organisation", summary, facts_list, sections)


def _models_taken_up(facts: Facts) -> Callable[[tuple[str, Link, str, str, str, list[str]]], Link]:
    """An "adopted <model>" row's model as a link to its page (the organisation's adoptsModel edges name it;
    an adoption no source states for certain has none, and stays words)."""
    pages = {link.text: link for link in facts.links(CSCIP + "adoptsModel") if link.href}

    def model(row: tuple[str, Link, str, str, str, list[str]]) -> Link:
        name = row[0][len("adopted "):]
        return pages.get(name, Link(name))
    return model


def _role(detail: str) -> str:
    role = detail.split(";", 1)[0].strip()
    return f" (as {role})" if role else ""


def funding_words(found: list[ProjectFacts]) -> list[Paragraph]:
    """What the grants to the projects it led, and to those it was a partner in, come to (kept apart)."""
    out: list[Paragraph] = []
    for words, chosen in (("it led", lead_only(found)), ("it was a partner in", [p for p in found if p not in lead_only(found)])):
        amounts = [m for p in chosen for _label, m in p.grants.values()]
        whole = total(amounts)
        if whole is not None:
            out.append([f"Grants to the {count_words(len(chosen), 'project')} {words}: ", whole, "."])
    return out


def funded_words(facts: Facts, funded: list[tuple[str, Link, str, str, str, list[str]]]) -> Paragraph:
    """What the sources name it as funder of, counted by kind: "It funded 5 programmes, 1 funding round and 53 grants"."""
    kinds = Counter(_KIND_WORDS.get(entity_kind(facts, row[1].title), ("other thing", "other things")) for row in funded)
    return ["The sources name it as funder of ", *joined([count_words(n, *words) for words, n in sorted(kinds.items())]),
            " (each listed under “Everything it took part in”)."]


_KIND_WORDS = {"programme": ("programme or round", "programmes and rounds"), "grant": ("grant", "grants"),
               "project": ("project", "projects")}


def _guessed(projects: list[ProjectFacts]) -> str:
    """" (1 of them inferred by this graph)": ties only the graph's reading gives (a lead read from a project's name)."""
    inferred = sum(1 for p in projects if p.tie_inferred)
    if not inferred:
        return ""
    return f" ({basis_short(INFERRED)})" if len(projects) == 1 else f" ({inferred} of them inferred by this graph)"


def _evaluations(found: list[ProjectFacts], facts: Facts, intro: list[Paragraph]) -> Section:
    """The reports of the projects it led; its partner projects' reports are in the Funding table, so "no evaluation
    report for it" beneath that table read as a contradiction."""
    section = evaluations_section(lead_only(found), facts, intro)
    if section.paragraphs == [[NO_REPORTS]]:
        partnered = any(p.reports for p in found if p.how != CSCIP + "leadOrganisation")
        section.paragraphs = [["The sources list no evaluation report of a project it led"
                               + ("; the reports of the projects it was a partner in are listed under Funding." if partnered else ".")]]
    return section


def _how(project: ProjectFacts) -> str:
    """Its tie to a project, in the Funding table's How column."""
    tie = "lead" if project.how == CSCIP + "leadOrganisation" else "partner"
    return f"{tie} ({basis_short(INFERRED)})" if project.tie_inferred else tie


def lead_only(found: list[ProjectFacts]) -> list[ProjectFacts]:
    return [p for p in found if p.how == CSCIP + "leadOrganisation"]


def gss(rows: list[tuple[str, Link, str, str, str, list[str]]]) -> Paragraph:
    code = next((row[3] for row in rows if row[0] == "GSS code" and row[3]), "")
    return [f" ({code.split(', ', 1)[1]})" if ", " in code else "", f", GSS code {code.split(',')[0]}"] if code else []


# The first question that finds something: authority-profile reads adoptions from the lineage graph, with
# each record's status; organisation-profile adds the roles a non-council has (publisher, funder, subject of).
TOOK_PART_QUERIES = ("authority-profile", "organisation-profile")


def authority_profile(facts: Facts) -> tuple[Section, list[tuple[str, Link, str, str, str, list[str]]]]:
    """The first of TOOK_PART_QUERIES with an answer, as the page's "Everything it took part in" section, and its
    rows as (role, thing, thing's label, detail, status, sources) for the summary."""
    section = Section("took-part", "Everything it took part in")
    for name in TOOK_PART_QUERIES:
        query = facts.build.catalogue[name]  # page queries: create_app refuses a build without them
        try:
            result = run(facts.build, query, {"organisation": facts.short})
        except ParameterError as error:
            section.paragraphs.append([str(error)])
            return section, []
        assert isinstance(result, ox.QuerySolutions)
        names, solutions = [v.value for v in result.variables], list(result)
        if solutions:
            break
    else:
        section.paragraphs.append(["No project, programme, adoption or publication of the sources names it; what they do "
                                   "say of it is under “All the facts, as data”."])
        return section, []
    section.table = people_table(facts.build, names, solutions, query.headings)
    section.caption = f"What the {query.name} question answers about it"
    section.links = [Link("Download CSV", url_for("api.answer", name=f"{query.name}.csv", organisation=facts.short)),
                     Link("Open as a question", url_for("query_pages.query_page", name=query.name, organisation=facts.short))]
    return section, _summary_rows(facts, solutions)


def _summary_rows(facts: Facts, solutions: list[ox.QuerySolution]) -> list[tuple[str, Link, str, str, str, list[str]]]:
    """One (role, thing, thing's label, detail, status, sources) per fact, its sources gathered."""
    rows: dict[tuple[str, str, str], tuple[str, Link, str, str, str, list[str]]] = {}
    for row in solutions:
        role, thing = _text(row, "role"), _text(row, "thing")
        label, detail = _text(row, "thingLabel") or thing, _text(row, "detail")
        found = rows.setdefault((role, thing, detail), (role, facts.link(thing, label) if thing else Link(""), label, detail,
                                                        _text(row, "status") or _text(row, "basis"), []))
        found[5].extend(s for s in (_text(row, "source"),) if s)
    return list(rows.values())


def _text(row: ox.QuerySolution, name: str) -> str:
    try:
        term = row[name]
    except KeyError:
        return ""
    return term.value if term is not None else ""


BUILDERS: dict[str, Callable[[Facts], Page]] = {
    "model": model, "project": project, "programme": programme, "organisation": organisation, "grant": grant,
    "report": report, "theme": theme, "source": source,
}


def page_for(view: EntityView) -> Page | None:
    """The designed page for an entity of a kind that has one, else None (the property table alone)."""
    prefix = view.build.base + "id/"
    if not view.iri.startswith(prefix):
        return None
    kind, _slash, slug = view.iri[len(prefix):].partition("/")
    if kind not in BUILDERS or not slug or "/" in slug:
        return None
    facts = Facts(view)
    built = BUILDERS[kind](facts)
    by_basis: dict[str, list[Link]] = {}
    for claim, label, status in disputed(facts.build, facts.iri):
        by_basis.setdefault(basis_words(status), []).append(facts.link(claim, label))
    for words, claims in by_basis.items():
        built.summary.append([f"{words[:1].upper()}{words[1:]}: ", *joined(claims, "and"), "."])
    return built
