"""Every fact honest: each statement is stated (by a named source), inferred (with a reason) or claimed.

See docs/data-conventions.md, "The basis of every statement", and ../shared/reviews/data-audit.md
for the audit these tests keep fixed.
"""

from __future__ import annotations

from click.testing import CliRunner

from cscip_kg import basis
from cscip_kg.build import CompiledGraph
from cscip_kg.cli import main
from cscip_kg.loader import Project, load
from cscip_kg.parsed import parse_project, parse_shapes
from tests.helpers import ask, select

REGISTRY = "data/registry/organisations.ttl"


def test_every_registry_statement_has_a_source_or_an_inference_note(compiled: CompiledGraph):
    checked = list(basis.registry_statements(compiled.loaded))
    assert len(checked) > 500  # kinds, names, links and round numbers: the check has something to check
    assert basis.unsupported(compiled.loaded) == []


def test_statements_without_a_source_are_exactly_the_inferred_ones(compiled: CompiledGraph):
    # Enumerate the registry statements no stored document states; each must carry an inference note.
    records = basis.records(compiled.loaded.union())
    unsourced = [t for t in basis.registry_statements(compiled.loaded)
                 if not any(r.basis == basis.STATED and r.sources for r in records.get(t, []))]
    assert len(unsourced) > 30  # the audit found about 35 kinds alone that no source states
    for triple in unsourced:
        assert any(r.basis == basis.INFERRED and r.note.strip() for r in records.get(triple, [])), triple


def _break(project: Project, relative: str, old: str, new: str) -> None:
    path = project.root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_kind_no_source_supports_fails_validation_at_its_line(project_copy: Project):
    # A new organisation typed as a charity, with no statement record: validate names file and line.
    text = (project_copy.root / REGISTRY).read_text(encoding="utf-8")
    line = text.count("\n") + 2
    (project_copy.root / REGISTRY).write_text(text + '\norganisation:made-up a cscip:Charity ;\n'
                                              '    rdfs:label "Made Up"@en ;\n    dcterms:source source:rees-round1-grants .\n',
                                              encoding="utf-8")
    unsupported = basis.unsupported(load(project_copy))
    assert {t[1].rsplit("#", 1)[-1] for t in unsupported} == {"type", "label"}
    # validate's query on the pyoxigraph parse finds exactly what the rdflib reading finds
    assert basis.unsupported_in(parse_project(project_copy, parse_shapes(project_copy), set()).store) == unsupported
    result = CliRunner().invoke(main, ["--root", str(project_copy.root), "validate"])
    assert result.exit_code == 1
    problems = [m for m in result.stderr.splitlines() if "organisation:made-up" in m]
    assert any(f"{REGISTRY}:{line}:" in m and "rdf:type cscip:Charity" in m and "cscip:inferenceNote" in m
               for m in problems), result.stderr
    assert any(f"{REGISTRY}:{line + 1}:" in m and "rdfs:label 'Made Up'" in m for m in problems), result.stderr


def test_an_inference_record_without_its_note_fails_validation(project_copy: Project):
    note = '    cscip:inferenceNote "Inferred from the project\'s name, \\"Newham Delivery for Children\\"; '
    _break(project_copy, "data/dfe-insights-2021/bases.ttl", note + 'the page names no lead."@en ;\n', "")
    result = CliRunner().invoke(main, ["--root", str(project_copy.root), "validate"])
    assert result.exit_code == 1
    assert "an inferred statement must carry a cscip:inferenceNote" in result.stderr


# The disagreements the issue lists, and the project count: each a claim per source, never a plain fact.
DISAGREEMENTS = {
    ("programme:partners-in-practice-round-2", "cscip:numberOfParticipants"): {
        ("6", "dfe-insights-2021"), ("8", "govuk-minister-announces-17-million-to-improve-childrens-services"),
        ("8", "community-care-eight-good-childrens-services-receive-15-million-help")},
    ("programme:sfpc", "cscip:numberOfLocalAuthorities"): {
        ("18", "dfe-insights-2021"), ("18", "govwire-insights-2020"), ("17", "scie-strengthening-families-about"),
        ("up to 20", "fenews-detailed-guide-strengthening-families-protecting-children-sfpc-programme")},
    ("programme:sfip", "cscip:numberOfLocalAuthorities"): {
        ("45", "dfe-insights-2021"), ("45", "govwire-insights-2020"),
        ("39", "cypnow-dfe-names-councils-to-receive-family-support-funds"),
        ("over 40", "wwcsc-sfip-fdac-and-fgc-partners")},
    ("programme:cscip", "cscip:evaluationCoordinator"): {
        ("https://w3id.org/cscip-kg/id/organisation/rees-centre", "rees-round1-grants"),
        ("https://w3id.org/cscip-kg/id/organisation/opcit-research", "dfe-insights-2021")},
    ("programme:cscip", "cscip:numberOfProjects"): {
        ("94", "govwire-insights-2020"), ("98", "dfe-insights-2021"), ("98", "innovationcsc-programme")},
}


def test_known_disagreements_are_claims_with_both_sources(compiled: CompiledGraph):
    for (subject, prop), expected in DISAGREEMENTS.items():
        rows = select(compiled, f"""SELECT ?value ?source ?status WHERE {{ ?c a cscip:Claim ; cscip:claimSubject {subject} ;
            cscip:claimProperty {prop} ; cscip:claimValue ?value ; cscip:claimStatus ?status ; dcterms:source ?source }}""")
        found = {(r["value"], r["source"].rsplit("/", 1)[1]) for r in rows}
        assert expected <= found, (subject, prop, found)
        assert len({v for v, _ in found}) > 1, (subject, prop)
        assert all(r["status"].rsplit("/", 1)[1] in ("Conflicting", "Uncertain") for r in rows
                   if (r["value"], r["source"].rsplit("/", 1)[1]) in expected), (subject, prop)
        # never plain where the sources disagree (001 states each round's coordinator plainly, on the round)
        assert not ask(compiled, f"ASK {{ {subject} {prop} ?v }}"), (subject, prop)
    assert not ask(compiled, """ASK { GRAPH source:rees-round1-grants {
        programme:cscip cscip:evaluationCoordinator organisation:rees-centre } }""")


def test_pip_wave_2_is_not_merged_into_round_2(compiled: CompiledGraph):
    rows = select(compiled, "SELECT ?org WHERE { programme:partners-in-practice-round-2 cscip:participant ?org }")
    assert {r["org"].rsplit("/", 1)[1] for r in rows} == {
        "doncaster-childrens-services-trust", "essex", "camden", "tyneside-alliance", "stockport", "cheshire-west-and-chester"}
    for place in ("ealing", "hackney", "east-riding-of-yorkshire"):
        assert ask(compiled, f"""ASK {{ organisation:{place} cscip:qualifiedParticipation ?p .
            ?p cscip:participatedIn programme:partners-in-practice-round-2 ; cscip:claimStatus cscip:Conflicting ;
               cscip:identificationNote ?why }}""")


def test_sfip_supporters_are_not_participants(compiled: CompiledGraph):
    for supporter in ("centre-for-justice-innovation", "daybreak", "the-fostering-network"):
        assert not ask(compiled, f"ASK {{ ?programme cscip:participant organisation:{supporter} }}")
        assert ask(compiled, f"ASK {{ ?strand dcterms:isPartOf programme:sfip ; cscip:supportedBy organisation:{supporter} }}")


def test_evaluators_stay_within_what_their_row_says(compiled: CompiledGraph):
    assert not ask(compiled, "ASK { programme:cscip-round-2 cscip:evaluator organisation:institute-of-public-care }")
    assert ask(compiled, """ASK { programme:cscip-round-3-staying-close cscip:evaluator organisation:mmu-peru ,
                                                                                      organisation:rees-centre }""")


INFERRED = [
    ("project:newham-delivery-for-children", "cscip:leadOrganisation", "organisation:newham"),
    ("project:coventry-children-in-need", "cscip:partnerOrganisation", "organisation:coventry"),
    ("project:staying-close-portsmouth", "cscip:partnerOrganisation", "organisation:portsmouth"),
    ("programme:sfpc", "cscip:spreadsProject", "project:family-safeguarding"),
    ("programme:sfpc", "cscip:spreadsProject", "project:family-valued"),
    ("programme:sfpc", "cscip:spreadsProject", "project:no-wrong-door"),
    ("project:calderdale-housing-and-placement-options", "rdfs:label", '"Calderdale housing and placement options"@en'),
    ("project:firstline-round-2", "rdf:type", "cscip:ProjectPhase"),
    ("organisation:tri-borough-alternative-provision-trust", "rdf:type", "cscip:Charity"),
    ("organisation:local-government-association", "rdf:type", "cscip:PublicBody"),
    ("organisation:achieving-for-children", "rdf:type", "cscip:Partnership"),
    ("programme:covid-19-vulnerable-children-package", "schema:funder", "organisation:department-for-education"),
]


def test_facts_the_graph_inferred_are_marked_inferred_with_a_reason(compiled: CompiledGraph):
    for s, p, o in INFERRED:
        assert ask(compiled, f"""ASK {{ {s} {p} {o} . ?r a rdf:Statement ; rdf:subject {s} ; rdf:predicate {p} ;
            rdf:object {o} ; cscip:basis cscip:inferred ; cscip:inferenceNote ?why }}"""), (s, p, o)
    # The Portsmouth note keeps the compiled file's doubt in its own words.
    rows = select(compiled, """SELECT ?why WHERE { ?r rdf:subject project:staying-close-portsmouth ;
        rdf:predicate cscip:partnerOrganisation ; cscip:inferenceNote ?why }""")
    assert "likely but unconfirmed" in rows[0]["why"]
    assert not ask(compiled, "ASK { ?c cscip:claimSubject programme:sfpc ; cscip:claimProperty cscip:spreadsProject }")


def test_matches_of_grants_to_projects_say_why(compiled: CompiledGraph):
    for slug in ("family-insights", "doing-what-counts-measuring-what-matters", "learning-into-practice"):
        assert ask(compiled, f"ASK {{ project:{slug} cscip:identificationNote ?why }}"), slug


def test_sheffield_grant_names_its_co_recipient(compiled: CompiledGraph):
    assert ask(compiled, """ASK { grant:round-1-sheffield cscip:leadOrganisation organisation:sheffield ,
                                                                      organisation:south-yorkshire-councils .
                                  organisation:south-yorkshire-councils rdfs:label "South Yorkshire Councils"@en }""")


def test_cornerstone_fact22_carries_its_caveat(compiled: CompiledGraph):
    rows = select(compiled, """SELECT ?caveat WHERE { ?r rdf:subject project:cornerstone-adoption-support-programme ;
        rdf:predicate cscip:adaptsModel ; rdf:object model:fact22 ; cscip:basis cscip:stated ; skos:editorialNote ?caveat }""")
    assert rows and "Coventry Children in Need" in rows[0]["caveat"]


def test_rounds_have_numbers(compiled: CompiledGraph):
    rows = select(compiled, "SELECT ?round ?n WHERE { ?round a cscip:FundingRound ; cscip:roundNumber ?n }")
    assert {r["round"].rsplit("/", 1)[1]: r["n"] for r in rows} == {
        "cscip-round-1": "1", "cscip-round-2": "2", "cscip-round-3": "3",
        "partners-in-practice-round-1": "1", "partners-in-practice-round-2": "2"}


def test_report_sizes_in_bytes_agree_with_the_printed_size(compiled: CompiledGraph):
    rows = select(compiled, "SELECT ?r ?size ?bytes WHERE { ?r schema:contentSize ?size . OPTIONAL { ?r dcat:byteSize ?bytes } }")
    assert len(rows) == 57
    for row in rows:
        number, unit = row["size"][:-2], row["size"][-2:]
        assert int(row["bytes"]) == round(float(number) * {"KB": 1024, "MB": 1024 * 1024}[unit]), row
