"""The SQL of a search: ``score_name``'s tiers over the candidate forms, then groups, counts and a page.

Scoring in SQL rather than in Python keeps a search's Python work to the page:
with 34,000 names containing "council" (×100 with distinct names), scoring each
in Python cost 0.4–0.7 s. The tiers here must say what ``search_db.score_name``
says for every form (the tests compare the two on every name); the form table
holds each name's words, acronyms and county words padded with spaces
(``search_db.padded``), so ``instr`` finds a whole acronym (" nw ") or a word
prefix (" north").
"""

from __future__ import annotations

from typing import Any

# One row per kind (0, kind, entities), then the page's groups (1, kind, size, id, score, sort_label) in rank order:
# one statement, so the scored forms and groups are computed once for the counts and the page.
_RANK = """WITH scored AS MATERIALIZED ({scored}),
matched AS MATERIALIZED (
  SELECT g.id, g.kind, g.sort_label, g.size, MAX(s.score + 3 * gf.is_label) + {weight} AS score
  FROM scored s JOIN grp_form gf ON gf.form = s.form JOIN grp g ON g.id = gf.grp WHERE s.score > 0 GROUP BY g.id)
SELECT 0, kind, SUM(size), 0, 0, '' FROM matched GROUP BY kind
UNION ALL
SELECT * FROM (SELECT 1, kind, size, id, score, sort_label FROM matched WHERE (:kind IS NULL OR kind = :kind) {tie}
  ORDER BY score DESC, sort_label, id LIMIT :limit)"""

# Groups tied with the page's last one (same score and label): their entities interleave by number, so all are needed.
TIED = "AND score = :tie_score AND sort_label = :tie_label"

# Misspellings are scored in Python (difflib) and come in as a JSON object {form: score}.
FUZZY_SCORED = "SELECT CAST(key AS INTEGER) AS form, value AS score FROM json_each(:scores)"

# A form that shares at least half the query's trigrams, counted on the FTS5 index: one MATCH per trigram.
_SHARING = "SELECT form FROM ({each}) GROUP BY form HAVING COUNT(*) * 2 >= ?"
MISSPELT = "SELECT f.id, f.key, f.words, f.acronyms FROM form f WHERE f.id IN ({sharing})"

# The page's groups' names in name order with their scores, so the first best name is the one shown as matched.
NAMES = """SELECT gf.grp, f.id, f.name, f.hidden, gf.is_label, {expression} FROM grp_form gf JOIN form f ON f.id = gf.form
WHERE gf.grp IN ({groups}) ORDER BY gf.grp, f.name"""


def phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def county(query: str) -> bool:
    """Whether the query may be a county's short form (Herts, Lancs), so its stem (query less the s) counts."""
    return len(query) >= 4 and query.endswith("s")


def score_expression(query: str, query_words: list[str]) -> tuple[str, dict[str, Any]]:
    """A CASE giving ``score_name(query, ..., fuzzy=False)`` for form ``f``, 0 when the form is not a candidate at all."""
    params: dict[str, Any] = {"q": query, "n": len(query), "acronym": f" {query} "}
    if len(query) < 3:  # one or two letters: only an acronym or the start of a name
        candidate = "substr(f.key, 1, :n) = :q OR instr(f.acronyms, :acronym)"
    else:  # the query, each word of three letters or more, or a county's stem somewhere in the name
        stems = [query, *(w for w in query_words if len(w) >= 3), *([query[:-1]] if county(query) else [])]
        params |= {f"stem{i}": stem for i, stem in enumerate(stems)}
        candidate = " OR ".join(["instr(f.acronyms, :acronym)", *(f"instr(f.key, :stem{i})" for i in range(len(stems)))])
    tiers = ["WHEN f.key = :q THEN 100", "WHEN instr(f.acronyms, :acronym) THEN 80", "WHEN substr(f.key, 1, :n) = :q THEN 70"]
    if county(query):
        params["shire"] = " " + query[:-1]
        tiers.append("WHEN instr(f.shires, :shire) THEN 65")
    if len(query_words) > 1:
        params |= {f"word{i}": " " + w for i, w in enumerate(query_words)}
        tiers.append("WHEN " + " AND ".join(f"instr(f.words, :word{i})" for i in range(len(query_words))) + " THEN 60")
    if len(query) > 2:
        tiers.append("WHEN instr(f.key, :q) THEN 50")
    return f"CASE WHEN NOT ({candidate}) THEN 0 {' '.join(tiers)} ELSE 0 END", params


def candidate_forms(query: str, query_words: list[str], params: dict[str, Any]) -> str:
    """Forms that may score above 0, through indexes; a superset, as the CASE decides (adds to ``params``)."""
    sources = ["SELECT form FROM acronym WHERE acronym = :q"]
    if len(query) < 3:
        params["end"] = query + "\x7f"  # keys are [0-9a-z]: every key starting with q sorts below q + DEL
        return " UNION ".join([*sources, "SELECT id FROM form WHERE key >= :q AND key < :end"])
    # Exact, prefix and substring tiers hold the query; a county's stem holds query less its s.
    params["match"] = " OR ".join(phrase(t) for t in [query, *([query[:-1]] if county(query) else [])])
    sources.append("SELECT rowid FROM form_fts WHERE form_fts MATCH :match")
    longest = max(query_words, key=len)
    if len(query_words) > 1 and len(longest) >= 3:  # every query word starts a word of the name: so does the longest
        params |= {"longest": longest, "longest_end": longest + "\x7f"}
        sources.append("SELECT form FROM form_word WHERE word >= :longest AND word < :longest_end")
    return " UNION ".join(sources)


def rank(scored: str, weights: dict[str, int], other: int, tied: bool) -> str:
    """The statement giving counts per kind and the ranked groups over the forms ``scored`` gives (form, score)."""
    assert all(kind.replace("-", "").isalnum() for kind in weights)  # written into the SQL: the code's own names only
    weight = "CASE g.kind " + " ".join(f"WHEN '{kind}' THEN {w}" for kind, w in weights.items()) + f" ELSE {other} END"
    return _RANK.format(scored=scored, weight=weight, tie=TIED if tied else "")


def sharing(grams: int) -> str:
    return _SHARING.format(each=" UNION ALL ".join(["SELECT rowid AS form FROM form_fts WHERE form_fts MATCH ?"] * grams))
