"""The SQL that scores single names: ``score_name``'s tiers as a CASE over form ``f``.

A search's groups come from stored sets (search_sets.py); SQL scores names one by one only where a
set cannot tell: the page's names (which one matched), and names whose words or start difflib
finds close to a misspelling but that may not share enough of its trigrams. The tiers here must say
what ``search_text.score_name`` says for every form (the tests compare the two on every name); the
form table holds each name's words, acronyms and county words padded with spaces
(``search_text.padded``), so ``instr`` finds a whole acronym (" nw ") or a word prefix (" north")."""

from __future__ import annotations

from typing import Any

from cscip_kg.search_text import county

# The page's groups' names in name order with their scores, so the first best name is the one shown as matched.
NAMES = """SELECT gf.grp, f.name, f.hidden, gf.is_label, f.key, f.words, f.acronyms, {expression}
FROM grp_form gf JOIN form f ON f.id = gf.form WHERE gf.grp IN ({groups}) ORDER BY gf.grp, f.name"""


def score_expression(query: str, query_words: list[str]) -> tuple[str, dict[str, Any]]:
    """A CASE giving ``score_name(query, ..., fuzzy=False)`` for form ``f`` (0 when it is not a candidate at all:
    search_sets.py has the same rules), with its parameters."""
    params: dict[str, Any] = {}
    if len(query) < 3:  # one or two letters: only an acronym or the start of a name
        candidate = "substr(f.key, 1, :n) = :q OR instr(f.acronyms, :acronym)"
    else:  # the query, each word of three letters or more, or a county's stem somewhere in the name
        stems = [query, *(w for w in query_words if len(w) >= 3), *([query[:-1]] if county(query) else [])]
        params |= {f"stem{i}": stem for i, stem in enumerate(stems)}
        candidate = " OR ".join(["instr(f.acronyms, :acronym)", *(f"instr(f.key, :stem{i})" for i in range(len(stems)))])
    tiers = _tiers(query, query_words, params)
    return f"CASE WHEN NOT ({candidate}) THEN 0 {tiers} ELSE 0 END", params


def _tiers(query: str, query_words: list[str], params: dict[str, Any]) -> str:
    """score_name's tiers before misspellings, as WHEN clauses over form ``f`` (adds to ``params``)."""
    params |= {"q": query, "n": len(query), "acronym": f" {query} "}
    tiers = ["WHEN f.key = :q THEN 100", "WHEN instr(f.acronyms, :acronym) THEN 80", "WHEN substr(f.key, 1, :n) = :q THEN 70"]
    if county(query):
        params["shire"] = " " + query[:-1]
        tiers.append("WHEN instr(f.shires, :shire) THEN 65")
    if len(query_words) > 1:
        params |= {f"word{i}": " " + w for i, w in enumerate(query_words)}
        tiers.append("WHEN " + " AND ".join(f"instr(f.words, :word{i})" for i in range(len(query_words))) + " THEN 60")
    if len(query) > 2:
        tiers.append("WHEN instr(f.key, :q) THEN 50")
    return " ".join(tiers)


def misspelt(query: str, query_words: list[str], grams: list[str], params: dict[str, Any]) -> str:
    """SELECT form, score as ``score_name(query, ..., fuzzy=True)`` gives, over the forms that can score above 0.

    Those are the forms with a word, or a start (the key's first len(query) + 1 letters), close enough to the
    query: ``params`` holds them as JSON objects {text: difflib ratio} (``words`` and ``starts``), worked out
    in Python over the distinct words and starts (``VOCABULARY``, ``STARTS``), which are far fewer than forms.
    (A multi-word query's names whose words all start with a query word score 60 whether close or not: those are
    not looked for here, search_sets.py has their groups.)
    """
    params |= {f"gram{i}": gram for i, gram in enumerate(grams)}  # :n1 and :need were set with the starts
    shared = " + ".join(f"(instr(f.key, :gram{i}) > 0)" for i in range(len(grams)))  # the query's trigrams in the key
    sources = ["SELECT fw.form, w.value AS r FROM json_each(:words) w JOIN form_word fw ON fw.word = w.key",
               "SELECT f.id, s.value FROM json_each(:starts) s JOIN form f ON f.key >= s.key AND f.key < s.key || char(127) "
               "AND substr(f.key, 1, :n1) = s.key"]
    return (f"SELECT f.id AS form, CASE {_tiers(query, query_words, params)} "
            f"WHEN best.r > 0 AND ({shared}) * 2 >= :need THEN 20 + 25 * best.r ELSE 0 END AS score "
            f"FROM (SELECT form, MAX(r) AS r FROM ({' UNION ALL '.join(sources)}) GROUP BY form) best JOIN form f ON f.id = best.form")


# Texts a misspelling is compared with (score_name): the distinct words, and the distinct starts of names, of a length
# difflib may find close (:lo to :hi letters). Starts of up to START_MAX letters are listed by length at build time;
# a longer query's (rare: a misspelling of 24 letters or more) are read from every name, ~50 ms at ×100 distinct.
# Each gives the texts as one string, a line each: thousands of rows cost more to hand to Python one by one.
VOCABULARY = "SELECT group_concat(word, char(10)) FROM vocabulary WHERE length(word) BETWEEN :lo AND :hi"
START_MAX = 24
_STARTS = "SELECT group_concat(k, char(10)) FROM start WHERE length = :n1 AND length(k) BETWEEN :lo AND :hi"
_LONG_STARTS = """SELECT group_concat(k, char(10)) FROM (SELECT DISTINCT substr(key, 1, :n1) AS k FROM form WHERE length(key) >= :lo)
WHERE length(k) BETWEEN :lo AND :hi"""


def starts(length: int) -> str:
    """The statement listing the starts of names of ``length`` letters (the query's and one)."""
    return _STARTS if length <= START_MAX else _LONG_STARTS
