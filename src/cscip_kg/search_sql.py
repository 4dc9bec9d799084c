"""The SQL of a search: ``score_name``'s tiers over the candidate forms, then groups, counts and a page.

Scoring in SQL rather than in Python keeps a search's Python work to the page:
with 34,000 names containing "council" (×100 with distinct names), scoring each
in Python cost 0.2–0.4 s CPU. The tiers here must say what ``search_db.score_name``
says for every form (the tests compare the two on every name); the form table
holds each name's words, acronyms and county words padded with spaces
(``search_db.padded``), so ``instr`` finds a whole acronym (" nw ") or a word
prefix (" north").
"""

from __future__ import annotations

from typing import Any

# One row per kind (0, kind, entities), then the page's groups (1, kind, size, id, score, label_rank) in rank order:
# one statement, so the scored forms and groups are computed once for the counts and the page. grp_form carries each
# group's kind, size and place in label order, so ranking reads no other table (a fifth less CPU at 34,000 names).
_RANK = """WITH scored AS MATERIALIZED ({scored}),
matched AS MATERIALIZED (
  SELECT gf.grp AS id, gf.kind, gf.label_rank, gf.size, MAX(s.score + 3 * gf.is_label) + {weight} AS score
  FROM scored s JOIN grp_form gf ON gf.form = s.form WHERE s.score > 0 GROUP BY gf.grp)
SELECT 0, kind, SUM(size), 0, 0, 0 FROM matched GROUP BY kind
UNION ALL
SELECT * FROM (SELECT 1, kind, size, id, score, label_rank FROM matched WHERE (:kind IS NULL OR kind = :kind) {tie}
  ORDER BY score DESC, label_rank, id LIMIT :limit)"""

# Groups tied with the page's last one (same score and label): their entities interleave by number, so all are needed.
TIED = "AND score = :tie_score AND label_rank = :tie_rank"

# The page's groups' names in name order with their scores, so the first best name is the one shown as matched.
NAMES = """SELECT gf.grp, f.name, f.hidden, gf.is_label, f.key, f.words, f.acronyms, {expression}
FROM grp_form gf JOIN form f ON f.id = gf.form WHERE gf.grp IN ({groups}) ORDER BY gf.grp, f.name"""


def phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def county(query: str) -> bool:
    """Whether the query may be a county's short form (Herts, Lancs), so its stem (query less the s) counts."""
    return len(query) >= 4 and query.endswith("s")


def score_expression(query: str, query_words: list[str]) -> tuple[str, str, dict[str, Any]]:
    """CASEs giving ``score_name(query, ..., fuzzy=False)`` for form ``f``: one for any form (0 when it is not a
    candidate at all), one for the forms ``candidate_forms`` gives, which all are (a fifth less CPU for "round 2")."""
    params: dict[str, Any] = {}
    if len(query) < 3:  # one or two letters: only an acronym or the start of a name
        candidate = "substr(f.key, 1, :n) = :q OR instr(f.acronyms, :acronym)"
    else:  # the query, each word of three letters or more, or a county's stem somewhere in the name
        stems = [query, *(w for w in query_words if len(w) >= 3), *([query[:-1]] if county(query) else [])]
        params |= {f"stem{i}": stem for i, stem in enumerate(stems)}
        candidate = " OR ".join(["instr(f.acronyms, :acronym)", *(f"instr(f.key, :stem{i})" for i in range(len(stems)))])
    tiers = _tiers(query, query_words, params)
    return f"CASE WHEN NOT ({candidate}) THEN 0 {tiers} ELSE 0 END", f"CASE {tiers} ELSE 0 END", params


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
# a longer query's are read from the forms that share at least half its trigrams (the misspelling tier's own test).
# Each gives the texts as one string, a line each: thousands of rows cost more to hand to Python one by one.
VOCABULARY = "SELECT group_concat(word, char(10)) FROM vocabulary WHERE length(word) BETWEEN :lo AND :hi"
START_MAX = 24
STARTS = "SELECT group_concat(k, char(10)) FROM start WHERE length = :n1 AND length(k) BETWEEN :lo AND :hi"
_SHARED_STARTS = """SELECT group_concat(k, char(10)) FROM (SELECT DISTINCT substr(key, 1, :n1) AS k FROM form WHERE id IN (
  SELECT form FROM ({each}) GROUP BY form HAVING COUNT(*) * 2 >= :need) AND length(k) BETWEEN :lo AND :hi)"""


def starts(grams: list[str], params: dict[str, Any]) -> str:
    """The statement listing the starts of names a query may be a misspelling of (adds to ``params``)."""
    if params["n1"] <= START_MAX:
        return STARTS
    params |= {f"phrase{i}": phrase(gram) for i, gram in enumerate(grams)}
    each = " UNION ALL ".join(f"SELECT rowid AS form FROM form_fts WHERE form_fts MATCH :phrase{i}" for i in range(len(grams)))
    return _SHARED_STARTS.format(each=each)


def candidate_forms(query: str, query_words: list[str], params: dict[str, Any]) -> str:
    """Forms that may score above 0, through indexes (adds to ``params``). Each is a candidate as ``score_expression``
    means it (the acronym; the start for one or two letters; else the query, a county's stem or a query word of three
    letters or more inside the name), so the shorter CASE scores them.

    UNION ALL, not UNION: the caller's ``IN (...)`` keeps each form once, and a UNION would sort them once more.
    """
    sources = ["SELECT form FROM acronym WHERE acronym = :q"]
    if len(query) < 3:
        params["end"] = query + "\x7f"  # keys are [0-9a-z]: every key starting with q sorts below q + DEL
        return " UNION ALL ".join([*sources, "SELECT id FROM form WHERE key >= :q AND key < :end"])
    # Exact, prefix and substring tiers hold the query; a county's stem holds query less its s.
    params["match"] = " OR ".join(phrase(t) for t in [query, *([query[:-1]] if county(query) else [])])
    sources.append("SELECT rowid FROM form_fts WHERE form_fts MATCH :match")
    longest = max(query_words, key=len)
    if len(query_words) > 1 and len(longest) >= 3:  # every query word starts a word of the name: so does the longest
        params |= {"longest": longest, "longest_end": longest + "\x7f"}
        sources.append("SELECT form FROM form_word WHERE word >= :longest AND word < :longest_end")
    return " UNION ALL ".join(sources)


def rank(scored: str, weights: dict[str, int], other: int, tied: bool) -> str:
    """The statement giving counts per kind and the ranked groups over the forms ``scored`` gives (form, score)."""
    assert all(kind.replace("-", "").isalnum() for kind in weights)  # written into the SQL: the code's own names only
    weight = "CASE gf.kind " + " ".join(f"WHEN '{kind}' THEN {w}" for kind, w in weights.items()) + f" ELSE {other} END"
    return _RANK.format(scored=scored, weight=weight, tie=TIED if tied else "")


