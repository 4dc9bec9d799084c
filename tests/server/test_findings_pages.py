"""The "What the evaluations found" section of model and project pages, over a real build."""

from __future__ import annotations

import re

from tests.server.test_entity_pages import column, page, section


def test_family_safeguarding_model_page_shows_hertfordshires_round_1_findings_with_sources(client):
    html = page(client, "/id/model/family-safeguarding")
    found = section(html, "findings")
    changes = [c.split("sources disagree")[0].strip() for c in column(found, "Change as stated")]  # a disagreement is a 2nd item
    assert {"decrease: 49%", "decrease: 66%", "decrease: 53%"} <= set(changes)
    words = column(found, "In the source's words")
    assert any("a 49% reduction in children on protection plans" in w for w in words)
    page_read = "https://innovationcsc.co.uk/projects/implement-family-safeguarding-in-other-authorities-and-extend-within-hertfordshire/"
    assert page_read in html
    assert set(column(found, "Reported by")) >= {"independent evaluation", "reported by the project", "not attributed"}
    assert "increase: £107,000" in changes


def test_family_safeguarding_model_page_shows_the_round_2_evaluation_s_numbers_with_their_sources(client):
    html = page(client, "/id/model/family-safeguarding")
    found = section(html, "findings")
    words = column(found, "In the source's words")
    for stated in ("a reduction of up to 30% of children from becoming looked after",
                   "Up to 46% reduction of the number of Child Protection Plans",
                   "Repeat police call-outs for domestic abuse fall by up to 64%",
                   "a 25% reduction in child protection cases"):
        assert any(stated in w for w in words), stated
    changes = [c.split("sources disagree")[0].strip() for c in column(found, "Change as stated")]
    assert {"decrease: up to 30%", "decrease: up to 46%", "decrease: up to 64%", "decrease: 25%",
            "decrease: “Statistically significant cuts”"} <= set(changes)
    assert "https://childrensservicesnews.hertscc.gov.uk/november-2020/" in html
    assert "https://www.communitycare.co.uk/2020/11/11/" in html


def test_a_project_page_shows_its_own_findings_and_a_project_without_any_says_so(client):
    found = section(page(client, "/id/project/no-wrong-door"), "findings")
    assert "decrease: 38%" in column(found, "Change as stated")
    round_2 = section(page(client, "/id/project/family-safeguarding-round-2"), "findings")
    assert any("keeping more children safely in their own families" in c for c in column(round_2, "Change as stated"))
    reclaiming = section(page(client, "/id/model/reclaiming-social-work"), "findings")  # its first, from the evaluator's news page
    assert any("nearly 80% of them were able to stay at home" in w for w in column(reclaiming, "In the source's words"))
    html = page(client, "/id/project/adopt")
    found_empty = re.search(r'<section id="findings"(.*?)</section>', html, re.S)
    assert found_empty and "No findings are recorded yet for it." in found_empty[1]
    assert "<table" not in found_empty[1]


def test_the_model_page_says_whether_the_findings_were_public_when_each_adopter_took_it_up(client):
    # The round 2 adoptions are dated (the project started May 2017), and some pages stating findings are dated:
    # Community Care's page of 9 January 2017 came before, CYP Now's of 2 November 2018 after.
    html = page(client, "/id/model/family-safeguarding")
    found = section(html, "evidence-at-adoption")
    cells = zip(column(found, "Adopted"), column(found, "Public then"), column(found, "Published later"),
                column(found, "Cannot be placed"), strict=True)
    rows = dict(zip(column(found, "Adopter"), cells, strict=True))
    adopted, before, after, unknown = rows["Luton Borough Council"]
    assert adopted == "2017-05 Project started May 2017"
    assert int(before) >= 2 and int(after) >= 4 and int(unknown) > 0
    # an SFPC adoption with no typed date in the sources (Swindon's): nothing is placed, and it says so
    assert rows["Swindon"] == ("Trial estimated to finish Oct 2025", "0", "0", rows["Swindon"][3])
    assert int(rows["Swindon"][3]) == int(before) + int(after) + int(unknown)
    # Walsall's is dated by the council's page (September 2020): the 2017 pages came before, the round 2 report's after
    adopted, before, after, unknown = rows["Walsall"]
    assert adopted.startswith("2020-09") and int(before) >= 2 and int(after) >= 3
    assert "/queries/evidence-at-adoption?model=model:family-safeguarding" in html
    assert "evidence-at-adoption" not in page(client, "/id/model/keep")  # no findings: nothing to compare


def test_the_evidence_section_says_why_when_no_finding_can_be_placed(client):
    # Signs of Safety's adoptions carry no typed date, so nothing can be placed: the page says why, in words.
    html = page(client, "/id/model/signs-of-safety")
    found = re.search(r'<section id="evidence-at-adoption"(.*?)</section>', html, re.S)
    assert found, "no evidence-at-adoption section"
    words = " ".join(re.sub(r"<[^>]+>", " ", found[1]).split())
    assert "took the model up cannot be told from the graph" in words
    assert "none of the adoptions has a typed date" in words


def test_the_model_map_rings_the_places_with_their_own_evaluated_findings_and_says_so(client):
    html = page(client, "/id/model/family-safeguarding")
    found = re.search(r'<section class="spread-map"(.*?)</section>', html, re.S)
    assert found
    words = " ".join(re.sub(r"<[^>]+>", " ", found[1]).split())
    # Hertfordshire's round 1 findings and Peterborough's and Bracknell Forest's round 2 findings are about places of
    # their own; the round 2 evaluation's "up to" figures name no single place, so Luton and West Berkshire are not ringed.
    assert "Ring: has its own evaluated findings on this model: 3 on the map" in words  # the key, in words
    ringed = re.findall(r'aria-label="([^"]*); has its own evaluated findings on this model"', found[1])
    assert sorted(label.split(":")[0] for label in ringed) == ["Bracknell Forest Council", "Hertfordshire County Council",
                                                               "Peterborough City Council"]
    assert found[1].count("<circle") == 3 + 1  # a ring on each of the three hexagons and the key's swatch
    rows = re.findall(r'<tr><td data-label="Organisation">(?:<a [^>]*>)?([^<]+).*?'
                      r'<td data-label="Has its own evaluated findings on this model">(yes|no)</td></tr>', found[1], re.S)
    assert dict(rows)["Hertfordshire County Council"] == "yes" and dict(rows)["Walsall"] == "no"


def test_the_timeline_marks_the_stage_whose_project_the_findings_are_about(client):
    html = page(client, "/id/model/family-safeguarding")
    found = re.search(r'<section class="spread-timeline"(.*?)</section>', html, re.S)
    assert found
    stages = {re.search(r"<h3>(.*?)</h3>", li)[1]: " ".join(re.sub(r"<[^>]+>", " ", li).split())  # type: ignore[index]
              for li in re.findall(r'<li class="stage.*?</li>', found[1], re.S)}
    assert "With their own evaluated findings: Hertfordshire County Council." in stages["Round 1: the innovation project"]
    # Hertfordshire took part in SFPC too, but its findings are about its round 1 project.
    assert "evaluated findings" not in stages["Strengthening Families, Protecting Children (SFPC)"]
    assert "With their own evaluated findings: Bracknell Forest Council, Peterborough City Council." in stages["Round 2: scale-up"]
    marked = {re.search(r'<td data-label="Who">(?:<a [^>]*>)?([^<]+)', row)[1]  # type: ignore[index]
              for row in re.findall(r"<tr>.*?</tr>", found[1], re.S)
              if '<td data-label="Own evaluated findings">yes</td>' in row}
    assert marked == {"Bracknell Forest Council", "Hertfordshire County Council", "Peterborough City Council"}


def test_findings_that_disagree_each_say_so_with_the_other_page_s_number(client):
    found = section(page(client, "/id/model/no-wrong-door"), "findings")
    changes = column(found, "Change as stated")
    assert any(c.startswith("decrease: 68%") and "sources disagree: another page gives 253 missing incidents" in c for c in changes)
    assert any(c.startswith("decrease: 253 missing incidents") and "sources disagree: another page gives 68% (hinterland" in c
               for c in changes)
    assert sum("sources disagree" in c for c in changes) == 4
    # 66% of all domestic abuse call-outs and 67% of repeat call-outs are two measures, not a disagreement
    safeguarding = column(section(page(client, "/id/model/family-safeguarding"), "findings"), "Change as stated")
    assert {"decrease: 66%", "decrease: 67%"} <= set(safeguarding)
    assert not any("sources disagree" in c for c in safeguarding)


def test_where_another_page_gives_another_number_for_a_finding_the_row_says_so(client):
    # The conflicting claims are asked for the page's own findings (entity_findings._DISAGREES).
    for path in ("/id/model/no-wrong-door", "/id/project/no-wrong-door"):
        changes = column(section(page(client, path), "findings"), "Change as stated")
        said = [c for c in changes if "sources disagree" in c]
        assert len(said) == 4, (path, said)
        assert any(c.startswith("decrease: 33%") and "another page gives 32 % of the NWD cohort (Sefton CVS" in c for c in said), said
        assert any(c.startswith("decrease: 68%") and "another page gives 253 missing incidents (from 503) (Sefton CVS" in c
                   for c in said), said


def test_no_wrong_doors_page_shows_where_two_pages_give_its_evaluation_different_numbers(client):
    found = section(page(client, "/id/project/no-wrong-door"), "findings")
    changes = column(found, "Change as stated")
    missing = next(c for c in changes if c.startswith("decrease: 68%"))
    assert "sources disagree" in missing and "253 missing incidents (from 503)" in missing
    assert any(c.startswith("decrease: 32 % of the NWD cohort") and "another page gives 33%" in c for c in changes)
    assert "going missing" in column(found, "Measure")


def test_a_number_the_source_qualifies_is_not_shown_as_exact(client):
    # "nearly 80%" (the evaluator's news page) and "almost 50 per cent" (Yorkshire Evening Post)
    rsw = column(section(page(client, "/id/model/reclaiming-social-work"), "findings"), "Change as stated")
    assert "increase: approximately 80 % of children referred" in rsw
    valued = column(section(page(client, "/id/project/family-valued"), "findings"), "Change as stated")
    # the first item of the cell: an area-wide trend's row says after it that it is the graph's reading
    assert any(c.startswith("decrease: approximately 50%") for c in valued) and not any(c.startswith("decrease: 50%") for c in valued)


def test_a_finding_read_as_the_projects_without_a_source_saying_so_is_marked_in_its_row(client):
    """Leeds' fall in child protection plans from 2011 is the city's, over years before the project: the row a reader
    meets on the model page says it is the graph's reading, and its measure links to the finding's own page."""
    html = page(client, "/id/model/family-valued")
    found = section(html, "findings")
    rows = [c for c in column(found, "Change as stated") if "approximately 50%" in c]
    links = found.links()
    assert rows and all("inferred by this graph: The page says Family Valued 'was launched in Leeds in 2011'" in c for c in rows)
    assert "/id/finding/family-valued-child-protection-plans-50" in links
    stated = [c for c in column(found, "Change as stated") if "approximately 50%" not in c]
    assert stated and not any("inferred by this graph" in c for c in stated)
