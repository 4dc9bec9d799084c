"""The search index answers exactly what scoring every name of every entity one by one answers.

SearchDB finds candidates through indexes, scores each distinct spelling once and each group of
entities with the same kind, label and names once, and reads only the page's entities. The
reference here does none of that: it walks every entity and every name, as the first version of
search did, so any shortcut that changes a hit, its order, a total or a facet fails a test.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from cscip_kg.build import CompiledGraph
from cscip_kg.engine import Engine
from cscip_kg.namespaces import BASE
from cscip_kg.search_db import SEARCH_FILE, OutdatedIndex, SearchDB
from cscip_kg.search_text import GENERIC, KIND_WEIGHT, initials, kind_of, score_name, squashed, words
from cscip_kg.search_write import SEARCH_FORMAT, read_names, write_search_db
from tests.server.live import open_app

Entity = tuple[str, str, str, list[tuple[str, str, list[str], set[str], bool, bool]]]  # IRI, label, kind, names
Ranked = list[tuple[str, float, str]]  # (IRI, score, the name that matched when it is not the label)

# Typos, short names, acronyms, one and two letters, two words, generic words, mid-word substrings.
QUERIES = [
    "mokingbird", "council", "family safeguarding", "FDAC", "SFPC", "Herts", "Leeds council", "walsall", "pause",
    "Mockingbird", "mocking bird", "MOCKING-BIRD", "NWD", "no wrong-door", "  Strengthening   Families, Protecting Children ",
    "family safegarding", "SWSP", "Lancs", "Yorks", "North Yorks", "wigan", "a", "ab", "x", "la", "nw", "st", "a b",
    "Hertfordshire council", "round 2", "innovation programme", "ckingbi", "safeguard", "famly drug", "signs of safty",
    "partners in practice", "PiP", "trust", "the", "2019", "frontlin", "mockingbrd", "councl", "Café", "round 1, 2014",
]


def _candidate(query: str, key: str, acronyms: set[str], query_words: list[str]) -> bool:
    """Whether a name was looked at at all (the index's rule: acronym, key prefix for 1-2 letters, else substrings)."""
    if query in acronyms:
        return True
    if len(query) < 3:
        return key.startswith(query)
    stems = [query, *(w for w in query_words if len(w) >= 3), *([query[:-1]] if len(query) >= 4 and query.endswith("s") else [])]
    return any(stem in key for stem in stems)


def _best(entries: list[Entity], query: str, query_words: list[str], fuzzy: bool) -> dict[str, tuple[float, str, str, str]]:
    best: dict[str, tuple[float, str, str, str]] = {}  # IRI → (score, lower-case label, matched, kind)
    for iri, label, kind, forms in entries:
        for name, key, name_words, acronyms, is_label, hidden in forms:
            if not (fuzzy or _candidate(query, key, acronyms, query_words)):
                continue
            score = score_name(query, query_words, key, name_words, acronyms, fuzzy)
            if score:
                score += (3 if is_label else 0) + KIND_WEIGHT.get(kind, -5)
                if iri not in best or score > best[iri][0]:
                    best[iri] = (score, label.lower(), "" if is_label or hidden else name, kind)
    return best


def entities(names: dict[str, dict[str, Any]]) -> list[Entity]:
    """Each entity's names as search sees them, in IRI order and, within one, name order (the first best name wins)."""
    found: list[Entity] = []
    for iri, entry in sorted(names.items()):
        label = entry["label"] or min(entry["names"])
        hidden = {f"{label} council"} if entry["council"] and "council" not in words(label) else set()
        forms = [(name, squashed(name), words(name), set() if name in hidden else initials(name), name == label, name in hidden)
                 for name in sorted(entry["names"] | hidden) if squashed(name)]
        found.append((iri, label, kind_of(iri, BASE), forms))
    return found


def reference(entries: list[Entity], text: str, kind: str | None) -> tuple[Ranked, list[tuple[str, int]]]:
    """Every entity scored by its best name; ranked by score, then label, then IRI; facets counted over all kinds."""
    all_words = words(text)
    query_words = [w for w in all_words if w not in GENERIC] or all_words
    query = "".join(query_words)
    if not query:
        return [], []
    best = _best(entries, query, query_words, fuzzy=False)
    if not best and len(query) >= 4:
        best = _best(entries, query, query_words, fuzzy=True)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[1][1], item[0]))
    counts: dict[str, int] = {}
    for _iri, (_score, _label, _matched, found) in ranked:
        counts[found] = counts.get(found, 0) + 1
    kinds = sorted(counts.items(), key=lambda kv: (-KIND_WEIGHT.get(kv[0], -5), -kv[1], kv[0]))
    return [(iri, score, matched) for iri, (score, _label, matched, found) in ranked if kind in (None, found)], kinds


def assert_same(db: SearchDB, entries: list[Entity], text: str, kind: str | None = None, size: int = 20) -> None:
    expected, kinds = reference(entries, text, kind)
    everything = db.search(text, kind, 1, 10**6)
    assert [(h.iri, h.score, h.matched) for h in everything.hits] == expected, text
    assert (everything.total, everything.kinds) == (len(expected), kinds), text
    for page in range(1, len(expected) // size + 2):
        hits = db.search(text, kind, page, size).hits
        assert [(h.iri, h.score, h.matched) for h in hits] == expected[(page - 1) * size:page * size], (text, kind, page)


@pytest.fixture(scope="module")
def names(compiled: CompiledGraph) -> list[Entity]:
    return entities(read_names(compiled.engine))


@pytest.fixture(scope="module")
def index(build_dir: Path) -> SearchDB:
    return SearchDB(build_dir / SEARCH_FILE)


@pytest.mark.parametrize("text", QUERIES)
def test_the_index_answers_what_scoring_every_name_answers(index, names, text):
    assert_same(index, names, text)


@pytest.mark.parametrize(("text", "kind"), [("council", "organisation"), ("mockingbird", "project"), ("family safeguarding", "adoption"),
                                            ("round 1", "award-date"), ("mokingbird", "finding"), ("council", "nothing")])
def test_kinds_filter_the_same_way(index, names, text, kind):
    assert_same(index, names, text, kind, size=7)


def test_misspellings_find_every_name_they_are_close_to(index):
    # The first index took the 200 names FTS5 ranked best and lost real matches (councl found 188 of 325 at x1).
    councils = {h.iri for h in index.search("council", "organisation", 1, 1000).hits}
    assert len(councils) > 100 and councils <= {h.iri for h in index.search("councl", "organisation", 1, 1000).hits}


COPIES = 7
LABEL, OTHER_NAME = "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#altLabel"


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> tuple[SearchDB, list[Entity]]:
    """Entities that share label and names (as ×100's copies do) beside look-alikes that differ in one name or their kind."""
    lines = []
    variants = {"a": ("model", ["Alpha Beta"]), "b": ("model", ["Alpha Beta", "AB Gamma"]), "c": ("project", ["Alpha Beta"]),
                "d": ("organisation", ["Alphaton"]),
                # For the sets of groups by word pair: names a query runs over three words of, or holds only one pair of;
                # a group whose names hold a query's words between them but no one name all of them.
                "e": ("model", ["Xal Be Gam"]), "f": ("project", ["Xal Be Tu Be Gam"]), "g": ("model", ["Zeta Omega", "Kappa Sigma"])}
    for number in range(COPIES):
        for variant, (kind, names) in variants.items():
            iri = f"<{BASE}id/{kind}/{number}-{variant}>"  # model/0-a, model/0-b, model/1-a...: two groups' copies interleave
            for position, name in enumerate(names):
                lines.append(f'{iri} <{OTHER_NAME if position else LABEL}> "{name}"@en <urn:source> .')
            if kind == "organisation":
                lines.append(f"{iri} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{BASE}def/LocalAuthority> <urn:source> .")
    engine = Engine.from_nquads("\n".join(lines).encode())
    path = tmp_path_factory.mktemp("copies") / SEARCH_FILE
    write_search_db(engine, path, BASE)
    return SearchDB(path), entities(read_names(engine))


# "al be": no name holds "albe", so only the misspelling pass finds it, where all its words start words of "Alpha Beta" (60).
@pytest.mark.parametrize("text", ["alpha", "alpha beta", "ab", "gamma", "alphaton", "council", "alpa", "al be", "albega", "xalbegam",
                                  "be gam", "xal be", "zeta kappa", "kappa omega", "omegaka"])
@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 100])
def test_copies_rank_and_page_as_distinct_entities_would(copies, text, size):
    db, entries = copies
    assert db.search("alpha").total == 4 * COPIES  # the fixture is what it says: every copy is found
    assert_same(db, entries, text, size=size)
    assert_same(db, entries, text, "model", size=size)


def test_an_index_of_another_layout_is_refused_with_a_clear_error(build_dir, tmp_path):
    folder = tmp_path / "build"
    shutil.copytree(build_dir, folder)
    db = sqlite3.connect(folder / SEARCH_FILE)
    db.execute("PRAGMA user_version = 1")  # as a build by an earlier version of cscip-kg
    db.commit()
    db.close()
    with pytest.raises(OutdatedIndex, match=f"format 1; this version of cscip-kg reads format {SEARCH_FORMAT}: rebuild it"):
        SearchDB(folder / SEARCH_FILE)
    with open_app({"build": str(folder), "workers": 1}) as app:
        response = app.test_client().get("/search.json?q=fdac")
    assert response.status_code == 503 and b"search index is outdated" in response.data and str(tmp_path).encode() not in response.data
