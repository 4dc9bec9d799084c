"""What each kind of entity says first: model, project, grant, evaluation report, theme.

Programmes and organisations, whose pages gather many records, are in
``entity_groups``. Each builder reads the entity's description (``Facts``) and
the anchored queries, and returns a ``Page``: a summary in words (what it is,
who, how much, when, what became of it), key facts, and the sections.
"""

from __future__ import annotations

from collections import Counter

from flask import url_for

from cscip_kg.server.content.entity_findings import adoption_evidence_section, findings_section
from cscip_kg.server.content.entity_pages import (
    CSCIP,
    DCTERMS,
    SCHEMA,
    SKOS,
    Facts,
    Page,
    Paragraph,
    Section,
    evaluations_section,
    funding_section,
    joined,
    lineage_section,
    listed,
    money_link,
    partners_section,
    records_table,
    seq,
    sources_section,
    total,
)
from cscip_kg.server.content.entity_queries import ProjectFacts, RecordFacts, projects, records, report_documents
from cscip_kg.server.rendering.humanize import count_words, yes_no
from cscip_kg.server.rendering.links import Cell, Link, Table
from cscip_kg.server.rendering.source_links import source_links

ROUND_1 = "/id/programme/cscip-round-1"
HOW = {CSCIP + "implementsModel": "implements it", CSCIP + "adaptsModel": "adapts it", CSCIP + "combinesModel": "combines it"}
SPREAD_MAPS = ["_spread_map.html", "_spread_timeline.html"]


def description(facts: Facts) -> Paragraph:
    text = facts.text(DCTERMS + "description", SKOS + "definition")
    return [text] if text else []


def project_phrase(facts: Facts, project: ProjectFacts) -> Paragraph:
    """"Family Safeguarding (CSCIP round 1), led by Hertfordshire County Council, with £4.8m"."""
    out: Paragraph = [facts.link(project.iri, project.label)]
    if project.round:
        out += [" in ", facts.link(*project.round)]
    if project.leads:
        out += [", led by ", *joined([facts.link(i, label) for i, label in project.leads.items()])]
    if project.grants:
        out += [", with a grant of ", *joined([money_link(m) for _label, m in project.grants.values()])]
    return out


def short_phrase(facts: Facts, project: ProjectFacts) -> Paragraph:
    """"Family Safeguarding (round 2) (CSCIP round 2, £11.6m)"."""
    details: list[str] = [project.round[1]] if project.round else []
    details += [m.text for _label, m in project.grants.values()]
    return [facts.link(project.iri, project.label), f" ({', '.join(details)})" if details else ""]


def model(facts: Facts) -> Page:
    found = projects(facts.build, "model", facts.iri)
    adoptions = records(facts.build, "model", facts.iri)
    first = next((p for p in found if p.round and p.round[0].endswith(ROUND_1)), found[0] if found else None)
    developers = facts.links(CSCIP + "developedBy")
    innovators = developers or ([facts.link(i, label) for i, label in first.leads.items()] if first else [])
    summary: list[Paragraph] = [[facts.view.title, " is a practice model",
                                 *([", developed by ", *joined(innovators)] if innovators else []), "."]]
    if description(facts):
        summary.append(description(facts))
    if first is not None:
        summary.append(["It began as the project ", *project_phrase(facts, first), "."])
    later = [p for p in found if p is not first]
    if later:
        summary.append(["Later projects using it: ", *listed(short_phrase(facts, p) for p in later), "."])
    summary.append(spread_sentence(facts, adoptions))
    reports = sum(len(p.reports) for p in found)
    summary.append(["The sources list ", count_words(reports, "evaluation report"), " on the projects that used it."])
    facts_list: list[tuple[str, Cell]] = [("Innovator", innovators)] if innovators else []
    if first is not None and first.grants:
        facts_list.append((f"Grant in {first.round[1] if first.round else 'its first round'}",
                           [money_link(m) for _l, m in first.grants.values()]))
    facts_list += [("Taken up by", [Link(count_words(len({r.organisation[0] for r in adoptions}), "organisation"))]),
                   ("Evaluation reports", [Link(str(reports))])]
    # The projects using it are under Funding, and who took it up is the section's own table.
    spread = lineage_section(facts, skip=(*HOW, *((CSCIP + "adoptsModel",) if adoptions else ())), partials=SPREAD_MAPS)
    if adoptions:
        spread.table, spread.caption = records_table(adoptions, facts), "Who took it up, and through what"
        spread.links += [Link("Download who took it up (CSV)", url_for("api.answer", name="adopters-of-model.csv", model=facts.short)),
                         Link("Ask “Adopters of a practice model” for another model",
                              url_for("query_pages.query_page", name="adopters-of-model", model=facts.short))]
    how = lambda p: HOW.get(p.how, "")  # noqa: E731
    evidence = adoption_evidence_section(facts)
    sections = [funding_section(found, facts, how=how), evaluations_section(found, facts), findings_section(facts, "model"),
                *([evidence] if evidence else []), spread,
                partners_section(facts, {}, {}) if not found else lead_partners(found, facts), sources_section(facts)]
    return Page("model", "Practice model", summary, facts_list, sections)


def spread_sentence(facts: Facts, adoptions: list[RecordFacts]) -> Paragraph:
    spreaders = facts.links(CSCIP + "spreadsModel", incoming=True)
    out: Paragraph = []
    if adoptions:
        out += adoption_counts(adoptions)
    if spreaders:
        out += [" " if out else "", *joined(spreaders), " spread", "s" if len(spreaders) == 1 else "", " it."]
    return out or ["The sources record no one taking it up beyond its own projects."]


def adoption_counts(adoptions: list[RecordFacts]) -> Paragraph:
    """"11 organisations took it up: 4 through CSCIP round 2 and 7 through SFPC.\""""
    organisations = {r.organisation[0] for r in adoptions}
    by_programme = Counter((r.programme or ("", "no programme named"))[1] for r in adoptions)
    parts = [f"{n} through {label}" for label, n in sorted(by_programme.items(), key=lambda kv: (-kv[1], kv[0]))]
    return [f"{count_words(len(organisations), 'organisation')} took it up: ", *joined(parts), "."]


def lead_partners(found: list[ProjectFacts], facts: Facts) -> Section:
    section = partners_section(facts, {})
    leads = {i: label for p in found for i, label in p.leads.items()}
    if leads:
        section.paragraphs = [["Its projects were led by ", *joined([facts.link(i, label) for i, label in sorted(leads.items(),
                                                                                                     key=lambda kv: kv[1])]), "."]]
    return section


def project(facts: Facts) -> Page:
    found = projects(facts.build, "project", facts.iri)
    me = found[0] if found else ProjectFacts(facts.view.iri, facts.view.title)
    themes, models = facts.links(CSCIP + "theme"), facts.links(CSCIP + "implementsModel") + facts.links(CSCIP + "adaptsModel")
    summary: list[Paragraph] = [[facts.view.title, " is a project", *(seq(" in ", facts.link(*me.round)) if me.round else []),
                                 *([" under the theme ", *joined(themes)] if themes else []),
                                 *([", led by ", *joined([facts.link(i, label) for i, label in me.leads.items()])] if me.leads else []),
                                 "."]]
    if description(facts):
        summary.append(description(facts))
    if me.grants:
        summary.append(["It was funded with ", *joined([money_link(m) for _l, m in me.grants.values()]), "."])
    if models:
        summary.append(["It uses the practice model ", *joined(models), "."])
    became = became_of_project(facts, me)
    if became:
        summary.append(became)
    adoptions = records(facts.build, "project", facts.iri)
    spread = lineage_section(facts)
    if adoptions:
        spread.paragraphs.append(adoption_counts(adoptions))
        spread.table, spread.caption = records_table(adoptions, facts, ("programme", "model")), "Who took it up through this project"
    facts_list: list[tuple[str, Cell]] = [("Round", [facts.link(*me.round)] if me.round else [Link("not stated")]),
                                          ("Led by", [facts.link(i, label) for i, label in me.leads.items()] or [Link("not stated")]),
                                          ("Grant", [money_link(m) for _l, m in me.grants.values()] or [Link("none recorded")]),
                                          ("Evaluation reports", [Link(str(len(me.reports)))])]
    sections = [grants_section(me, facts), evaluations_section(found, facts), findings_section(facts, "project"), spread,
                partners_section(facts, {CSCIP + "leadOrganisation": "lead", CSCIP + "partnerOrganisation": "partner",
                                         CSCIP + "evaluator": "evaluator"}), sources_section(facts)]
    return Page("project", "Project", summary, facts_list, sections)


def grants_section(me: ProjectFacts, facts: Facts) -> Section:
    section = Section("funding", "Funding")
    if not me.grants:
        section.paragraphs.append(["The sources record no grant for it."])
        return section
    section.table = Table(["Grant", "Amount"], [[[facts.link(iri, label)], [money_link(m)]] for iri, (label, m) in me.grants.items()],
                          frozenset({1}))
    section.caption = "Its grants"
    return section


def became_of_project(facts: Facts, me: ProjectFacts) -> Paragraph:
    later = facts.links(CSCIP + "scalesUp", incoming=True) + facts.links(CSCIP + "continues", incoming=True)
    spreaders = facts.links(CSCIP + "spreadsProject", incoming=True)
    out: Paragraph = []
    if me.reports:
        out += ["It was evaluated (", count_words(len(me.reports), "report"), "). "]
    elif me.ended_without_evaluation:
        out += ["It ended without an evaluation. "]
    if later:
        out += ["It was carried on by ", *joined(later), ". "]
    if spreaders:
        out += ["It was spread by ", *joined(spreaders), "."]
    return out


def grant(facts: Facts) -> Page:
    found = projects(facts.build, "grant", facts.iri)
    amount = facts.amount(SCHEMA + "amount")
    funders, leads = facts.links(SCHEMA + "funder"), facts.links(CSCIP + "leadOrganisation")
    rounds, strands = facts.links(CSCIP + "round"), facts.links(CSCIP + "strand")
    summary: list[Paragraph] = [[facts.view.title, ": a grant", *(seq(" of ", amount) if amount else []),
                                 *([" from ", *joined(funders)] if funders else []), *([" in ", *joined(rounds)] if rounds else []),
                                 *([" (strand: ", *joined(strands), ")"] if strands else []),
                                 *([" to ", *joined(leads)] if leads else []),
                                 *([" for ", *joined([facts.link(p.iri, p.label) for p in found])] if found else []), "."]]
    if description(facts):
        summary.append(description(facts))
    reports = [facts.link(r, label) for p in found for r, label in p.reports.items()]
    summary.append(["What became of it: ", *(joined(reports) if reports else ["no evaluation report is listed"]),
                    *([" evaluated the project."] if reports else ["."])])
    facts_list: list[tuple[str, Cell]] = [("Amount", [amount] if amount else [Link("not stated")]), ("Round", rounds),
                                          ("Strand", strands),
                                          ("Lead", leads), ("Funder", funders)]
    sections = [evaluations_section(found, facts), lineage_section(facts),
                partners_section(facts, {CSCIP + "leadOrganisation": "lead", CSCIP + "partnerOrganisation": "partner",
                                         SCHEMA + "funder": "funder"}), sources_section(facts)]
    return Page("grant", "Grant", summary, facts_list, sections)


def report(facts: Facts) -> Page:
    found = projects(facts.build, "report", facts.iri)
    summary: list[Paragraph] = [[facts.view.title, " is an evaluation report",
                                 *(seq(" on ", *project_phrase(facts, found[0])) if found else []), "."]]
    pages, size, kind = (facts.text(SCHEMA + "numberOfPages") or _number(facts, SCHEMA + "numberOfPages"),
                         facts.text(SCHEMA + "contentSize"), facts.text(DCTERMS + "format"))
    if kind or pages:
        summary.append(["The document is ", "a PDF" if "pdf" in kind else kind or "a document",
                        *([f" of {pages} pages"] if pages else []), *([f" ({size})"] if size else []), "."])
    documents = source_links(facts.build, report_documents(facts.build, [facts.view.iri]).get(facts.view.iri, []))
    summary += _where_to_read(facts, documents)
    longitudinal = [t.value for t in facts.values(CSCIP + "longitudinal")]
    facts_list: list[tuple[str, Cell]] = [("Document", documents or [Link("no address given")]),
                                          ("Round", facts.links(CSCIP + "round")),
                                          ("Longitudinal", [Link(yes_no(longitudinal[0]))] if longitudinal else [])]
    evaluated = funding_section(found, facts)
    evaluated.id, evaluated.title = "evaluated", "The project it evaluates"
    return Page("report", "Evaluation report", summary, facts_list, [evaluated, sources_section(facts)])


def _where_to_read(facts: Facts, documents: list[Link]) -> list[Paragraph]:
    """A page that publishes the report (its ``schema:url``) apart from the pages the sources cite for its evaluation."""
    own = source_links(facts.build, [t.value for t in facts.values(SCHEMA + "url")])
    cited = [d for d in documents if d.href not in {o.href for o in own}]
    listed = facts.all_sources()
    found: list[Paragraph] = []
    if own:
        found.append(["Read it at ", *joined(own, "or"), " (a page that publishes the report)."])
    if cited:
        found.append(["Where to read it: " if not own else "The sources also cite ", *joined(cited, "or"),
                      " (pages the sources cite for this evaluation)."])
    if not documents:
        found.append(["The sources give no address for the document itself."])
    found.append(["It is listed on ", *joined(listed[:2]), "."])
    return found


def _number(facts: Facts, predicate: str) -> str:
    return next((t.value for t in facts.values(predicate)), "")


def theme(facts: Facts) -> Page:
    found = projects(facts.build, "theme", facts.iri)
    evaluated = [p for p in found if p.reports]
    whole = total(m for p in found for _l, m in p.grants.values())
    summary: list[Paragraph] = [[facts.view.title, " is a theme of DfE's insights page, with ", count_words(len(found), "project"),
                                 "."]]
    if description(facts):
        summary.append(description(facts))
    summary.append([f"{len(evaluated)} of them have an evaluation report", *(seq(", and grants to them come to ", whole)
                                                                             if whole else []), "."])
    facts_list: list[tuple[str, Cell]] = [("Projects", [Link(str(len(found)))]), ("Evaluated", [Link(str(len(evaluated)))]),
                                          ("Grants recorded", [whole] if whole else [Link("none")])]
    funding = funding_section(found, facts)
    funding.links += [Link("Download the theme's projects (CSV)", url_for("api.answer", name="projects-by-theme.csv", theme=facts.short)),
                      Link("Ask “Projects by theme” for another theme",
                           url_for("query_pages.query_page", name="projects-by-theme", theme=facts.short))]
    return Page("theme", "Theme", summary, facts_list, [funding, evaluations_section(found, facts), sources_section(facts)])
