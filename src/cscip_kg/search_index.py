"""An in-memory index over every label and other name in the graph, built once per build.

Matching forgives what people get wrong: case, accents, punctuation and
spacing ("mocking bird" finds Mockingbird, "no-wrong door" finds No Wrong
Door), and acronyms: the graph's own short names (``skos:altLabel "FDAC"``)
and the initials of every name, derived here ("NWD" for No Wrong Door), so no
table of abbreviations has to be kept. The
/search page reads the build's SQLite index instead (search_db.py); this one serves the option lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from cscip_kg.engine import Prepared
from cscip_kg.opened import Build
from cscip_kg.search_text import initials, squashed, words

# rdfs:label and skos:prefLabel are names; skos:altLabel and dcterms:title are other names.
_NAMES = """SELECT ?s ?name ?main ?type ?typeLabel WHERE {
  VALUES (?p ?main) { (rdfs:label true) (skos:prefLabel true) (skos:altLabel false) (dcterms:title false) }
  ?s ?p ?name . FILTER(isIRI(?s) && isLiteral(?name))
  OPTIONAL { ?s a ?type . OPTIONAL { ?type rdfs:label ?typeLabel } }
}"""


@dataclass
class Entry:
    iri: str
    label: str
    names: set[str] = field(default_factory=set)
    types: dict[str, str] = field(default_factory=dict)  # type IRI → its label (or "")
    forms: list[Form] = field(default_factory=list)

    def prepare(self) -> None:
        self.forms = [Form(name, squashed(name), frozenset(initials(name)), tuple(words(name))) for name in sorted(self.names)]


@dataclass(frozen=True)
class Form:
    """One name, pre-normalised once so that a search only compares strings."""

    name: str
    key: str
    acronyms: frozenset[str]
    words: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: int
    matched: str  # the name that matched, when it is not the label


class SearchIndex:
    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries

    def search(self, text: str, limit: int = 50) -> list[Hit]:
        query, query_words = squashed(text), words(text)
        if not query:
            return []
        hits = [hit for entry in self.entries if (hit := _score(entry, query, query_words)) is not None]
        hits.sort(key=lambda h: (-h.score, h.entry.label.lower()))
        return hits[:limit]

    def of_type(self, type_iri: str) -> list[Entry]:
        return sorted((e for e in self.entries if type_iri in e.types), key=lambda e: e.label.lower())


def _score(entry: Entry, query: str, query_words: list[str]) -> Hit | None:
    best: tuple[int, str] | None = None
    for form in entry.forms:
        if form.key == query:
            score = 100
        elif query in form.acronyms:
            score = 80
        elif form.key.startswith(query):
            score = 70
        elif len(query) > 2 and query in form.key:
            score = 50
        elif len(query_words) > 1 and all(any(t.startswith(w) for t in form.words) for w in query_words):
            score = 40
        else:
            continue
        if form.name == entry.label:
            score += 5
        if best is None or score > best[0]:
            best = (score, form.name)
    if best is None:
        return None
    return Hit(entry, best[0], "" if best[1] == entry.label else best[1])


def build_index(build: Build) -> SearchIndex:
    result = build.engine.query(Prepared(_NAMES))
    assert isinstance(result, ox.QuerySolutions)
    entries: dict[str, Entry] = {}
    for row in result:
        subject, name, main, kind, kind_label = row["s"], row["name"], row["main"], row["type"], row["typeLabel"]
        assert isinstance(subject, ox.NamedNode) and isinstance(name, ox.Literal)
        entry = entries.setdefault(subject.value, Entry(subject.value, ""))
        entry.names.add(name.value)
        if isinstance(main, ox.Literal) and main.value == "true" and (not entry.label or name.language == "en"):
            entry.label = name.value
        if isinstance(kind, ox.NamedNode):
            entry.types.setdefault(kind.value, kind_label.value if isinstance(kind_label, ox.Literal) else "")
    for entry in entries.values():
        entry.label = entry.label or min(entry.names)
        entry.prepare()
    return SearchIndex(sorted(entries.values(), key=lambda e: e.label.lower()))
