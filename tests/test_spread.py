"""The scale-and-spread picture from secondary-facts.md: adopters, lineage, GSS codes, sources, doubts."""

from __future__ import annotations

import csv
import io
import re

import pytest
from click.testing import CliRunner

from cscip_kg.cli import main
from cscip_kg.server.rendering.hexmap import layout
from tests.helpers import ask, select
from tests.secondary_facts import FILE_NAME, rows, sources_dir

FS_ROUND_2 = {"luton", "peterborough", "bracknell-forest", "west-berkshire"}
FS_SFPC = {"cambridgeshire", "walsall", "lancashire", "telford-and-wrekin", "wandsworth", "swindon"}
NWD_SFPC = {"middlesbrough", "rochdale", "redcar-and-cleveland", "warrington", "norfolk", "leicester"}
STATGEO = "http://statistics.data.gov.uk/id/statistical-geography/"


def _query(query_cmd: list[str], *args: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(main, [*query_cmd, *args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def test_where_did_family_safeguarding_spread(query_cmd):
    found = [r for r in _query(query_cmd, "lineage", "--param", "entity=model:family-safeguarding")
             if r["direction"] == "descendant" and r["kind"].endswith("/adoptsModel")]
    by_org: dict[str, list[dict[str, str]]] = {}
    for row in found:
        by_org.setdefault(_slug(row["node"]), []).append(row)
    assert set(by_org) >= FS_ROUND_2 | FS_SFPC
    for la in FS_ROUND_2:
        assert any(r["projectLabel"] == "Family Safeguarding (round 2)" for r in by_org[la]), la
        assert any(r["programmeLabel"] == "CSCIP round 2" for r in by_org[la]), la
    for la in FS_SFPC:
        assert any(r["programmeLabel"] == "Strengthening Families, Protecting Children" for r in by_org[la]), la
    for rows_ in by_org.values():
        assert all(r["sources"].startswith("http") and r["basis"] == "stated" for r in rows_)


def test_lineage_from_the_round_1_project_reaches_every_adopter_with_its_path(query_cmd):
    found = _query(query_cmd, "lineage", "--param", "entity=project:family-safeguarding")
    # Each row is a hop from ?via (the entity or a node reached before) to ?node.
    hops = {(_slug(r["node"]), _slug(r["via"])) for r in found if r["direction"] == "descendant"}
    reached = {node for node, _ in hops}
    assert reached >= FS_ROUND_2 | FS_SFPC | {"family-safeguarding-round-2", "sfpc"}
    # An authority that adopted another SFPC model did not adopt Family Safeguarding.
    assert not reached & NWD_SFPC
    # Walsall adopted the model, which grew out of the project (the old answer went through the programme hub).
    assert ("walsall", "family-safeguarding") in hops and ("family-safeguarding", "family-safeguarding") in hops
    ancestors = {_slug(r["node"]) for r in found if r["direction"] == "ancestor"}
    assert {"family-safeguarding", "cscip-round-1"} <= ancestors  # the model, the round


def test_the_six_no_wrong_door_sfpc_adopters(query_cmd):
    found = _query(query_cmd, "adopters-of-model", "--param", "model=model:no-wrong-door")
    sfpc = {_slug(r["organisation"]): r for r in found if r["programme"].endswith("/sfpc")}
    assert {k for k, r in sfpc.items() if r["role"] != "innovator"} == NWD_SFPC
    assert sfpc["north-yorkshire"]["role"] == "innovator"
    assert sfpc["middlesbrough"]["role"] == "trailblazer"
    assert all(r["sources"].startswith("http") for r in sfpc.values())


def test_spread_by_programme_counts(query_cmd):
    counts = {(_slug(r["model"]), _slug(r["programme"])): int(r["authorities"])
              for r in _query(query_cmd, "spread-by-programme")}
    # 6 adopters and the innovator per SFPC model; 4 round 2 Family Safeguarding authorities.
    assert counts[("family-safeguarding", "sfpc")] == 7
    assert counts[("family-valued", "sfpc")] == 7
    assert counts[("no-wrong-door", "sfpc")] == 7
    assert counts[("family-safeguarding", "cscip-round-2")] == 4
    assert counts[("mockingbird", "sfip-mockingbird")] == 10


def test_every_authority_has_a_gss_code_or_says_why_not(compiled):
    rows_ = select(compiled, """
        SELECT ?la WHERE { ?la a cscip:LocalAuthority .
          FILTER NOT EXISTS { ?la adms:identifier/adms:schemeAgency "Office for National Statistics" }
          FILTER NOT EXISTS { ?la cscip:missingIdentifierNote ?why } }""")
    assert rows_ == []


def test_kind_and_area_agree_with_the_gss_code(compiled):
    rows_ = select(compiled, """
        SELECT ?la ?code ?prefix ?area WHERE {
          ?la adms:identifier ?id . ?id adms:schemeAgency "Office for National Statistics" ; skos:notation ?code .
          ?la cscip:localAuthorityKind/skos:notation ?prefix ; schema:areaServed ?area }""")
    assert len(rows_) == 113  # 106 from secondary-facts.md's code list, 7 from the hexmap layout
    for row in rows_:
        assert row["code"].startswith(row["prefix"]), row
        assert row["area"] == STATGEO + row["code"], row
    schemes = select(compiled, "SELECT ?k ?n WHERE { ?k skos:inScheme cscip:LocalAuthorityKindScheme ; skos:notation ?n }")
    kinds = {r["k"].rsplit("/", 1)[1]: r["n"] for r in schemes}
    assert kinds == {"ShireCounty": "E10", "MetropolitanDistrict": "E08", "UnitaryAuthority": "E06", "LondonBorough": "E09"}


def test_codes_from_before_a_reorganisation_say_so(compiled):
    rows_ = select(compiled, """
        SELECT ?code WHERE { ?id a adms:Identifier ; skos:notation ?code ; skos:editorialNote ?note .
          FILTER(CONTAINS(?note, "predates 2019")) } ORDER BY ?code""")
    assert [r["code"] for r in rows_] == ["E10000009", "E10000021", "E10000023", "E10000027"]


def test_an_organisation_that_says_it_has_no_gss_code_has_none(compiled):
    rows_ = select(compiled, """
        SELECT ?org ?code WHERE { ?org cscip:missingIdentifierNote ?why ;
          adms:identifier [ adms:schemeAgency "Office for National Statistics" ; skos:notation ?code ] }""")
    assert rows_ == []


def _place(name: str) -> str:
    """An authority's place, from the hexmap's name ("Kingston upon Hull, City of") or the graph's ("Wigan Council")."""
    name = re.sub(r", City of$|^(London Borough of|Royal Borough of|City of) | (City|County|Borough)? ?Council$", "",
                  name).strip()
    return PLACE_ALIASES.get(name, name)


# Places the hexmap and the sources name differently: Hull is the common name of Kingston upon Hull.
PLACE_ALIASES = {"Kingston upon Hull": "Hull"}
FROM_HEXMAP = {"harrow": "E09000015", "wigan": "E08000010", "buckinghamshire": "E10000002", "hull": "E06000010",
               "cornwall": "E06000052", "york": "E06000014", "portsmouth": "E06000044"}


def test_every_authority_the_hexmap_names_by_a_place_of_the_graph_has_its_code_or_says_why_not(compiled):
    """The layout is a stored source (source:hexmap-upper-tier-2020): its code for a place the graph names is the
    authority's, unless the graph's code is an older one that says so (Dorset: the county council's E10000009,
    where the 2020 layout has the unitary Dorset Council of 2019)."""
    names = select(compiled, """SELECT ?la ?name WHERE { ?la a cscip:LocalAuthority ; rdfs:label|skos:altLabel ?name }""")
    by_place: dict[str, set[str]] = {}
    for row in names:
        by_place.setdefault(_place(row["name"]), set()).add(_slug(row["la"]))
    codes = select(compiled, """SELECT ?la ?code ?note ?source ?match WHERE { ?la adms:identifier ?id .
        ?id adms:schemeAgency "Office for National Statistics" ; skos:notation ?code ; dcterms:source ?source .
        OPTIONAL { ?id skos:editorialNote ?note } OPTIONAL { ?la cscip:identificationNote ?match } }""")
    held = {(_slug(r["la"]), r["code"]) for r in codes}
    historical = {_slug(r["la"]) for r in codes if "historical" in r["note"]}
    matched = {}
    for code, place in layout().items():
        for la in by_place.get(_place(place.name), set()):
            matched[la] = code
            assert (la, code) in held or la in historical, (la, code, place.name)
    assert {la: matched[la] for la in FROM_HEXMAP} == FROM_HEXMAP
    from_hexmap = {_slug(r["la"]): r for r in codes if r["source"].endswith("/source/hexmap-upper-tier-2020")}
    assert {la: r["code"] for la, r in from_hexmap.items()} == FROM_HEXMAP
    assert all(r["match"].startswith("Matched by place name") for r in from_hexmap.values())
    assert "historical" in from_hexmap["buckinghamshire"]["note"]


def test_partnerships_have_their_members(compiled):
    for partnership, members in {
        "triborough": {"westminster", "kensington-and-chelsea", "hammersmith-and-fulham"},
        "tyneside-alliance": {"north-tyneside", "south-tyneside"},
        "achieving-for-children": {"kingston-upon-thames", "richmond-upon-thames"},
        "together4children": {"telford-and-wrekin", "shropshire", "stoke-on-trent", "staffordshire"},
    }.items():
        rows_ = select(compiled, f"""SELECT ?m WHERE {{ ?x a org:Membership ; org:organization organisation:{partnership} ;
            org:member ?m ; dcterms:source ?s . FILTER NOT EXISTS {{ ?x cscip:claimStatus ?st . FILTER(?st != cscip:Stated) }} }}""")
        assert {_slug(r["m"]) for r in rows_} == members, partnership


@pytest.fixture(scope="module")
def fact_rows():
    folder = sources_dir()
    if folder is None:
        pytest.skip(f"{FILE_NAME} not found (set CSCIP_KG_SOURCES to the shared sources folder)")
    return rows(folder / FILE_NAME)


def _bare(url: str) -> str:
    # The file cites one page both as http:// and https://; one source stands for both.
    return re.sub(r"^https?://", "", url)


def test_every_row_of_secondary_facts_carries_its_url(compiled, fact_rows):
    attached = select(compiled, """
        SELECT DISTINCT ?url WHERE { ?doc cscip:originalURL ?url .
          ?fact dcterms:source ?doc . FILTER(?fact != ?doc) }""")
    urls = {_bare(r["url"]) for r in attached}
    missing = [(row.line, url) for row in fact_rows for url in row.urls if _bare(url) not in urls]
    assert missing == []
    # Only the derived count of section 2a cites no page; it is the compiled file's own inference.
    assert [row.line for row in fact_rows if not row.urls] == [90]
    assert ask(compiled, """ASK { ?c cscip:claimStatus cscip:Inferred ; cscip:claimValue 42 ;
                                   dcterms:source source:secondary-facts }""")


def test_adopter_rows_attach_their_own_url_to_their_adoption(compiled, fact_rows):
    adoptions = select(compiled, """
        SELECT ?org ?url WHERE { ?org cscip:qualifiedAdoption ?a . ?a dcterms:source/cscip:originalURL ?url }""")
    by_org: dict[str, set[str]] = {}
    for row in adoptions:
        by_org.setdefault(_slug(row["org"]), set()).add(row["url"])
    place = {"Newcastle upon Tyne": "newcastle", "Newcastle (upon Tyne)": "newcastle", "Leicester (city)": "leicester",
             "Nottingham (city)": "nottingham"}
    for row in fact_rows:
        if row.section not in ("1", "2") or len(row.cells) < 4 or row.cells[1] in ("", "value"):
            continue
        name = re.sub(r' \("East Cheshire"\)$', "", row.cells[0])
        if name.startswith('"') or row.cells[0] in ("fact",) or row.line < 50:
            continue
        slug = place.get(name, re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"))
        if slug not in by_org:
            continue  # programme-level rows of 2a
        assert row.urls[0] in by_org[slug], (row.line, slug)


def test_uncertain_and_inferred_rows_are_never_plain_facts(compiled):
    # SFPC adopter count: 18 or 17 (uncertain), never a plain number from this source.
    assert not ask(compiled, "ASK { GRAPH source:secondary-facts { programme:sfpc cscip:numberOfLocalAuthorities ?n } }")
    rows_ = select(compiled, """SELECT ?v WHERE { ?c cscip:claimSubject programme:sfpc ;
        cscip:claimProperty cscip:numberOfLocalAuthorities ; cscip:claimValue ?v ; cscip:claimStatus cscip:Uncertain }""")
    assert sorted(r["v"] for r in rows_) == ["17", "18", "18"]
    # The "London" and "Bedfordshire" FDAC sites are uncertain claims, not organisations.
    rows_ = select(compiled, """SELECT ?v WHERE { ?c cscip:claimSubject programme:sfip-fdac ;
        cscip:claimProperty cscip:participant ; cscip:claimStatus cscip:Uncertain ; cscip:claimValue ?v }""")
    assert sorted(r["v"].split(" ")[0] for r in rows_) == ["Bedfordshire", "London"]
    # Cheshire West and Chester in wave 2: an uncertain participation, and this graph adds no plain edge for it.
    assert ask(compiled, """ASK { organisation:cheshire-west-and-chester cscip:qualifiedParticipation ?p .
                                   ?p cscip:claimStatus cscip:Uncertain }""")
    assert not ask(compiled, """ASK { GRAPH source:secondary-facts {
        programme:partners-in-practice-round-2 cscip:participant organisation:cheshire-west-and-chester } }""")
    # Inferred: York Consulting, the Spring Consortium's members, B Positive Pathways adapting No Wrong Door.
    for subject, prop in (("project:family-safeguarding-round-2", "cscip:evaluator"),
                          ("organisation:spring-consortium", "org:hasMember"),
                          ("project:b-positive-pathways", "cscip:adaptsModel")):
        assert ask(compiled, f"ASK {{ ?c cscip:claimSubject {subject} ; cscip:claimProperty {prop} ; cscip:claimStatus cscip:Inferred }}")
    assert not ask(compiled, "ASK { project:b-positive-pathways cscip:adaptsModel model:no-wrong-door }")
    assert not ask(compiled, "ASK { organisation:spring-consortium org:hasMember ?m }")
    assert not ask(compiled, "ASK { organisation:achieving-for-children org:hasMember organisation:windsor-and-maidenhead }")
    assert not ask(compiled, """ASK { GRAPH source:secondary-facts {
        project:local-area-coordination-for-care-leavers schema:startDate ?d } }""")
    assert not ask(compiled, "ASK { ?s cscip:participant organisation:portsmouth . ?s dcterms:isPartOf programme:cscip-round-3 }")


def test_qualified_records_agree_with_their_plain_edges(compiled):
    # A certain adoption or participation is also a plain edge (so paths find it); a doubtful one is not.
    assert select(compiled, """
        SELECT ?a WHERE { ?org cscip:qualifiedAdoption ?a . ?a cscip:adoptedModel ?m .
          OPTIONAL { ?a cscip:claimStatus ?s }
          BIND(!BOUND(?s) || ?s = cscip:Stated AS ?certain)
          BIND(EXISTS { ?org cscip:adoptsModel ?m } AS ?edge) FILTER(?certain != ?edge) }""") == []
    assert select(compiled, """
        SELECT ?p WHERE { ?org cscip:qualifiedParticipation ?p . ?p cscip:participatedIn ?prog .
          FILTER NOT EXISTS { ?p cscip:claimStatus ?s . FILTER(?s != cscip:Stated) }
          FILTER NOT EXISTS { ?prog cscip:participant ?org } }""") == []


def test_conflicting_claims_lists_each_source(query_cmd):
    found = _query(query_cmd, "conflicting-claims")
    fgc = {(r["value"], r["url"]) for r in found if r["subject"].endswith("/sfip-family-group-conferencing")}
    assert {v for v, _ in fgc} == {"21", "22"}
    assert all(u.startswith("http") for _, u in fgc)
    counts = {r["value"] for r in found if r["subject"].endswith("/programme/cscip") and r["property"].endswith("/numberOfProjects")}
    assert counts == {"94", "95", "98"}
    coordinators = {r["value"].rsplit("/", 1)[1] for r in found if r["property"].endswith("/evaluationCoordinator")}
    assert coordinators == {"rees-centre", "opcit-research"}
    pip = {r["value"] for r in found if r["subject"].endswith("/partners-in-practice-round-2")}
    assert pip == {"6", "8"}
    amounts = {r["value"] for r in found if r["subject"].endswith("/b-positive-pathways")}
    assert amounts == {"£3.2m over 2 years", "£1.6m for 2 years"}


def test_authority_profile_names_its_sources(query_cmd):
    found = _query(query_cmd, "authority-profile", "--param", "organisation=organisation:walsall")
    roles = {r["role"] for r in found}
    assert {"adopted Family Safeguarding", "adopted Family Drug and Alcohol Court", "GSS code"} <= roles
    assert all(r["source"] for r in found)
    assert any(r["url"].startswith("https://whatworks-csc.org.uk/") for r in found)


def test_an_evaluator_is_listed_once_per_evaluation_not_again_for_its_lineage_link(query_cmd):
    # A lineage link carries its adoption record's evaluator; the profile listed both (every SFPC evaluation twice).
    found = _query(query_cmd, "authority-profile", "--param", "organisation=organisation:what-works-for-childrens-social-care")
    evaluated = [r["thing"] for r in found if r["role"] == "evaluator"]
    assert evaluated and not [t for t in evaluated if "/id/link/" in t]
    assert any("/id/adoption/" in t for t in evaluated)
