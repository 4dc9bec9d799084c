"""What a search compares: names and queries normalised to words and keys, and how well one name matches.

Shared by the index's writer (search_write.py), its reader (search_db.py) and the option lists'
in-memory index (search_index.py). ``score_name`` is the definition of a match: the SQL and the
group postings that answer /search (search_sql.py, search_groups.py) must agree with it on every name.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable

STOPWORDS = frozenset({"a", "an", "and", "for", "in", "of", "on", "or", "the", "to", "with"})
# Words people add to a place's name ("Leeds council") that the graph's name may not carry.
def county(query: str) -> bool:
    """Whether the query may be a county's short form (Herts, Lancs), so its stem (query less the s) counts."""
    return len(query) >= 4 and query.endswith("s")


GENERIC = frozenset({"council", "county", "city", "borough", "metropolitan", "district", "london", "authority", "la"})
_APOSTROPHES = re.compile(r"['’‘`]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
# Things people look for come first when the match is equally good; records about them (adoptions, claims) last.
KIND_WEIGHT = {"model": 6, "programme": 5, "organisation": 5, "project": 4, "theme": 4, "grant": 2, "report": 2, "source": 1}
KIND_LABELS = {"model": "practice model", "report": "evaluation report", "source": "source document", "def": "ontology term"}
FUZZY_CUTOFF = 0.78


def words(text: str) -> list[str]:
    """Lower-case ASCII words: accents dropped, apostrophes joined, other punctuation a space."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return [w for w in _NON_WORD.split(_APOSTROPHES.sub("", ascii_text)) if w]


def squashed(text: str) -> str:
    """The words run together, so "mocking bird", "Mocking-Bird" and "mockingbird" are equal."""
    return "".join(words(text))


def initials(text: str) -> set[str]:
    """Acronyms a name may be known by: initials of all words, and of the words that are not small ones."""
    all_words = [w for w in words(text) if not w.isdigit()]
    if len(all_words) < 2:
        return set()
    found = {"".join(w[0] for w in all_words), "".join(w[0] for w in all_words if w not in STOPWORDS)}
    return {a for a in found if len(a) >= 2}


def kind_of(iri: str, base: str) -> str:
    if iri.startswith(base + "id/"):
        return iri[len(base) + 3:].split("/", 1)[0]
    return "def" if iri.startswith(base + "def/") else "other"


def padded(items: list[str]) -> str:
    """Space-separated with a space either side, so SQL's instr finds a whole item (" nw ") or a prefix (" north")."""
    return f" {' '.join(items)} "


def score_name(query: str, query_words: list[str], key: str, name_words: list[str], acronyms: set[str], fuzzy: bool = True,
               similar: Callable[[str, str], float] | None = None) -> float:
    """How well one name matches: exact, acronym, prefix, county short form, all words, substring, then misspelling."""
    if key == query:
        return 100
    if query in acronyms:
        return 80
    if key.startswith(query):
        return 70
    stem = query[:-1]
    if county(query) and any(w.startswith(stem) and w.endswith("shire") for w in name_words):
        return 65  # Herts, Lancs, Notts: a county's short form
    if len(query_words) > 1 and all(any(w.startswith(q) for w in name_words) for q in query_words):
        return 60
    if len(query) > 2 and query in key:
        return 50
    if fuzzy and len(query) >= 4 and len(query_trigrams(query) & {key[i:i + 3] for i in range(len(key) - 2)}) * 2 >= len(query) - 2:
        similar = similar or close_ratio
        ratio = max(similar(query, text) for text in (key[:len(query) + 1], *name_words))
        if ratio >= FUZZY_CUTOFF:
            return 20 + 25 * ratio
    return 0


def close_ratio(query: str, text: str) -> float:
    if abs(len(query) - len(text)) > len(query) // 3:
        return 0.0
    matcher = difflib.SequenceMatcher(None, query, text)
    return matcher.ratio() if matcher.quick_ratio() >= FUZZY_CUTOFF else 0.0


def closest(query: str, lines: str | None) -> dict[str, float]:
    """The texts (one a line) close enough to the query, with their ratios; most fail a cheap bound on quick_ratio first."""
    if not lines:
        return {}
    # What is left of a text once the query's letters are deleted cannot match: one translate for all the texts.
    texts, unmatched = lines.split("\n"), lines.translate(str.maketrans("", "", query)).split("\n")
    # The bound (as difflib works out a ratio) once per (length, length left): thousands of texts are then looked up in C.
    passes = {(size, left): 2.0 * (size - left) / (len(query) + size) >= FUZZY_CUTOFF
              for size in set(map(len, texts)) for left in range(size + 1)}
    letters = Counter(query).items()
    found = {}
    for text in itertools.compress(texts, map(passes.__getitem__, zip(map(len, texts), map(len, unmatched), strict=True))):
        # difflib's quick_ratio (letters in common, counted), without building a matcher: most long texts fail it.
        if 2.0 * sum(min(n, text.count(letter)) for letter, n in letters) / (len(query) + len(text)) >= FUZZY_CUTOFF:
            ratio = close_ratio(query, text)
            if ratio >= FUZZY_CUTOFF:
                found[text] = ratio
    return found


@functools.lru_cache(maxsize=64)
def query_trigrams(query: str) -> frozenset[str]:
    return frozenset(trigrams(query))


def trigrams(text: str) -> list[str]:
    return sorted({text[i:i + 3] for i in range(len(text) - 2)})
