"""A source document's page, read through Flask's test client over a real build (issue 16, site re-review).

DfE's insights page is the source most things cite (537 at ×1): its page once listed them all, unsorted,
in 351 KB of HTML, with 53 links reading "round 1, 2014-2016".
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from flask.testing import FlaskClient

from tests.server.live import open_app
from tests.server.test_entity_pages import page, summary, visible

DFE = "/id/source/dfe-insights-2021"

# Every group shows at most 20 links and the folded table at most 20 citers, whatever the source has: 52 KB
# at ×1 (and at ×100). Showing every citer of one kind again (the 112 reports) would pass 64 KB.
LARGEST_BYTES = 64 * 1024


def groups(html: str) -> dict[str, tuple[int, list[str]]]:
    """Group id → (the count its heading gives, the texts of its links)."""
    found = {}
    for match in re.finditer(r'<h3 id="(cited-[\w-]+)">[^<]*\(([\d,]+)\)</h3>\s*<ul class="columns cited"[^>]*>(.*?)</ul>', html, re.S):
        texts = [unescape(t) for t in re.findall(r"<a [^>]*>([^<]*)</a>", match[3])]
        found[match[1]] = (int(match[2].replace(",", "")), texts)
    return found


def test_a_source_page_says_what_the_document_is_and_how_much_cites_it(client: FlaskClient):
    html = page(client, DFE)
    words = summary(html)
    assert "is a source document published by Department for Education on 2 November 2020 (updated 20 May 2021)" in words
    assert "Read it at gov.uk" in words and 'href="https://www.gov.uk/guidance/childrens-social-care-innovation-programme' in html
    assert re.search(r"537 things in the graph name it as their source: 95 projects, .*112 evaluation reports", words)
    # The file it was read from is the project's bookkeeping: in the folded table only.
    assert ".txt" not in visible(html) and "001_2f0fe7dccaf97101.txt" in html


def test_its_citers_are_grouped_by_kind_sorted_capped_and_told_apart(client: FlaskClient):
    html = page(client, DFE)
    assert len(html.encode()) < LARGEST_BYTES
    found = groups(html)
    assert {"cited-project", "cited-report", "cited-award-date", "cited-link"} <= set(found)
    assert sum(count for count, _texts in found.values()) == 537
    for name, (count, texts) in found.items():
        assert texts == sorted(texts, key=str.lower), name
        assert len(texts) == len(set(texts)), (name, [t for t in texts if texts.count(t) > 1])
        assert len(texts) == min(count, 20), name
    # An award date says whose it is.
    assert all(": round " in t and not t.startswith("round ") for t in found["cited-award-date"][1])


def test_the_rest_of_each_group_and_of_the_folded_table_is_one_link_away(client: FlaskClient):
    html = page(client, DFE)
    for name, (count, _texts) in groups(html).items():
        if count <= 20:
            continue
        kind = name[len("cited-"):]
        assert f'href="{DFE}?all={kind}#{name}"' in html
        whole = groups(page(client, f"{DFE}?all={kind}"))
        assert len(whole[name][1]) == count and len(set(whole[name][1])) == count, name
    assert f'href="{DFE}?all=points#points"' in html and "… and 517 more: show all 537" in html
    everything = page(client, f"{DFE}?all=points")
    points = everything[everything.index('id="points"'):]
    body = points[points.index("<tbody>"):points.index("</tbody>")]
    assert body.count("<tr>") == 537 and "show all" not in body and "<details open>" in everything


def test_a_source_page_is_the_same_bytes_each_time(build_dir: Path):
    # Without the answer cache, so both answers are rendered.
    with open_app({"build": str(build_dir), "workers": 1, "cache_mb": 0}) as app:
        fresh = app.test_client()
        assert page(fresh, DFE) == page(fresh, DFE)
