"""The sets of groups a query's tiers match (search_groups.py), read from the index's sets per word and per pair.

For each tier, the groups with a name in it and those whose label is: ``score_name``'s tiers (search_text.py)
said of groups instead of names. A name holds a text either inside one word (the words holding it: the
vocabulary is small) or across words: from inside a word a into the next word b (a pair), or on past the
whole of b into further words, which the pair alone cannot tell, so those groups' names are checked in SQL
(only where the next pair agrees too). A group with one name holds "all the query's words" when the sets of
the words starting with each hold it; one with several names is checked in SQL unless its label holds them all.
A name is checked only for groups no higher tier has found: those score at least 5 more (a label adds 3).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from cscip_kg import search_sql
from cscip_kg.search_groups import Layout, members
from cscip_kg.search_text import closest, county, trigrams

END = "\x7f"  # keys and words are [0-9a-z]: every one starting with t sorts below t + END

# Exact (100) and acronym (80) matches: few, scored per name in SQL.
_EXACT = """SELECT gf.grp, MAX(CASE WHEN f.key = :q THEN 100 ELSE 80 END + 3 * gf.is_label) FROM form f
JOIN grp_form gf ON gf.form = f.id WHERE f.id IN (SELECT id FROM form WHERE key = :q UNION ALL SELECT form FROM acronym WHERE acronym = :q)
GROUP BY gf.grp"""

# Of the groups given, those with a name meeting the condition, and whether the label does.
_CHECK = """SELECT gf.grp, MAX(gf.is_label) FROM grp_form gf JOIN form f ON f.id = gf.form
WHERE gf.grp IN ({groups}) AND {condition} GROUP BY gf.grp"""

# The sets of the words starting with :w (the words' table is in word order).
_STARTING = "SELECT word, groups, labels, first_groups, first_labels FROM word_groups WHERE word >= :w AND word < :w_end"

Pair = tuple[int, int]  # (groups with a name in the tier, those whose label is)


class Sets:
    """Reads a query's sets from an open index."""

    def __init__(self, db: sqlite3.Connection, layout: Layout) -> None:
        self._db = db
        self._layout = layout
        self._longest_word = db.execute("SELECT max(length(word)) FROM vocabulary").fetchone()[0] or 0

    def tiers(self, query: str, query_words: list[str]) -> list[tuple[float, int]]:
        """(value, groups) for every tier of a query, as ``Layout.ranked`` takes them."""
        valued = self._by_value(self._db.execute(_EXACT, {"q": query}).fetchall())
        # A group found by a tier scores at least 5 more than by any lower one, more than a label's 3: a lower tier
        # need not check its names.
        valued += valued_pair(70, self.prefixed(query, known=_any(valued)))
        if len(query) < 3:  # one or two letters: only a name's start or its acronym
            return valued
        if county(query):  # a word starting with the query less its s and ending in "shire"
            shires = [row for row in self._starting(query[:-1]) if row[0].endswith("shire")]
            valued += valued_pair(65, (self._layout.union(r[1] for r in shires), self._layout.union(r[2] for r in shires)))
        if len(query_words) > 1 and max(map(len, query_words)) >= 3:
            valued += valued_pair(60, self.all_words(query_words, known=_any(valued)))
        elif len(query_words) > 1:  # words all shorter than three letters: only a name holding the query (or its stem)
            valued += valued_pair(60, self._all_words_holding(query_words, query[:-1] if county(query) else query,
                                                              known=_any(valued)))
        return valued + valued_pair(50, self.holding(query, known=_any(valued)))

    def misspelt(self, query: str, query_words: list[str]) -> list[tuple[float, int]]:
        """(value, groups) for what a query of four letters or more that nothing holds may be a misspelling of: the
        groups with a word, or a name's start (its first len(query) + 1 letters), close enough (difflib's ratio r:
        20 + 25 r). When the word or start alone shares enough trigrams with the query (score_name's test), so does
        every name holding it, and the groups are a stored set; else the names are scored in SQL (search_sql.misspelt).
        A multi-word query's names whose words all start with a query word score 60."""
        # :n1 a start's length; :need the trigrams a misspelling shares with the query.
        params: dict[str, Any] = {"lo": len(query) - len(query) // 3, "hi": len(query) + len(query) // 3, "n1": len(query) + 1,
                                  "need": len(query) - 2}
        grams = trigrams(query)
        close = [closest(query, self._db.execute(sql, params).fetchone()[0])
                 for sql in (search_sql.VOCABULARY, search_sql.starts(params["n1"]))]
        strong = [{text: r for text, r in found.items() if len(set(grams) & set(trigrams(text))) * 2 >= params["need"]}
                  for found in close]
        strong[1] = {text: r for text, r in strong[1].items() if len(text) == params["n1"]}  # a shorter start is a whole key
        valued = []
        for word, r in strong[0].items():
            blobs = self._db.execute("SELECT groups, labels FROM word_groups WHERE word = ?", (word,)).fetchone()
            valued += valued_pair(20 + 25 * r, (self._layout.union(blobs[:1]), self._layout.union(blobs[1:])))
        for start, r in strong[1].items():
            valued += valued_pair(20 + 25 * r, self.prefixed(start))
        weak = [{text: r for text, r in found.items() if text not in kept} for found, kept in zip(close, strong, strict=True)]
        if len(query_words) > 1 and max(map(len, query_words)) < 3:  # else ``tiers`` found none of these (60)
            valued += valued_pair(60, self.all_words(query_words))
        if weak[0] or weak[1]:
            params |= {"words": json.dumps(weak[0]), "starts": json.dumps(weak[1])}
            scored = search_sql.misspelt(query, query_words, grams, params)
            rows = self._db.execute(f"SELECT gf.grp, MAX(s.score + 3 * gf.is_label) FROM ({scored}) s JOIN grp_form gf "
                                    "ON gf.form = s.form WHERE s.score > 0 GROUP BY gf.grp", params).fetchall()
            valued += self._by_value(rows)
        return valued

    def _by_value(self, rows: list[tuple[int, float]]) -> list[tuple[float, int]]:
        """(group, score) rows as one set of groups per score."""
        return [(value, self._layout.of(g for g, v in rows if v == value)) for value in {v for _g, v in rows}]

    def _tail_starts(self, k: int, tail: str, params: dict[str, Any]) -> str:
        """Placeholders for the starts of ``tail`` a stored second word can be (added to ``params``), or ""."""
        lengths = range(1, min(len(tail), self._longest_word + 1))
        params |= {f"t{k}_{j}": tail[:j] for j in lengths}
        return ", ".join(f":t{k}_{j}" for j in lengths)

    def _starting(self, text: str) -> list[tuple[str, bytes | None, bytes | None, bytes | None, bytes | None]]:
        return self._db.execute(_STARTING, {"w": text, "w_end": text + END}).fetchall()

    def prefixed(self, text: str, known: int = 0) -> Pair:
        """Groups with a name starting with ``text``: in its first word, or across its first words (less, when a name
        must be checked, the ``known`` groups)."""
        rows = self._starting(text)
        sure = [(r[3], r[4]) for r in rows]
        parts, params = list[str](), dict[str, Any]()
        for k in range(1, len(text)):
            head, tail = text[:k], text[k:]
            params |= {f"h{k}": head[::-1], f"t{k}": tail, f"te{k}": tail + END}
            parts.append(f"SELECT 0, first_groups, first_labels, 0, '' FROM pair_groups WHERE ra = :h{k} AND b >= :t{k} AND b < :te{k}")
            starts = self._tail_starts(k, tail, params)
            if starts:  # the first word is the head, the second the start of the tail: the name goes on past it
                parts.append(f"SELECT 1, first_groups, first_labels, {k}, b FROM pair_groups WHERE ra = :h{k} AND b IN ({starts})")
        pairs = self._db.execute(" UNION ALL ".join(parts), params).fetchall() if parts else []
        sure += [(groups, labels) for unsure, groups, labels, *_ in pairs if not unsure]
        found = self._layout.union(g for g, _l in sure), self._layout.union(label for _g, label in sure)
        return self._checked(found, self._past(text, pairs) & ~known, "substr(f.key, 1, :n) = :t", {"n": len(text), "t": text})

    def holding(self, query: str, known: int = 0) -> Pair:
        """Groups with a name holding the query: inside a word, or across words (less, as ``prefixed``, ``known``)."""
        found = self._db.execute("SELECT groups, labels FROM word_groups WHERE word IN (SELECT word FROM vocabulary "
                                 "WHERE instr(word, :q))", {"q": query}).fetchall()
        parts, params = list[str](), dict[str, Any]()
        for k in range(1, len(query)):
            head, tail = query[:k], query[k:]
            params |= {f"h{k}": head[::-1], f"he{k}": head[::-1] + END, f"hn{k}": k, f"t{k}": tail, f"te{k}": tail + END,
                       f"tn{k}": len(tail)}
            if k >= len(tail):  # a ends with the head, b starts with the tail: looked up by the longer side
                parts.append(f"SELECT 0, groups, labels, 0, '' FROM pair_groups WHERE ra >= :h{k} AND ra < :he{k} "
                             f"AND substr(b, 1, :tn{k}) = :t{k}")
            else:
                parts.append(f"SELECT 0, groups, labels, 0, '' FROM pair_groups INDEXED BY pair_b WHERE b >= :t{k} AND b < :te{k} "
                             f"AND substr(ra, 1, :hn{k}) = :h{k}")
            starts = self._tail_starts(k, tail, params)
            if starts:  # b is the tail's start, so the query goes on past it
                parts.append(f"SELECT 1, groups, labels, {k}, b FROM pair_groups INDEXED BY pair_b WHERE b IN ({starts}) "
                             f"AND ra >= :h{k} AND ra < :he{k}")
        pairs = self._db.execute(" UNION ALL ".join(parts), params).fetchall()
        found += [(groups, labels) for unsure, groups, labels, *_ in pairs if not unsure]
        sure = self._layout.union(g for g, _l in found), self._layout.union(label for _g, label in found)
        return self._checked(sure, self._past(query, pairs) & ~known, "instr(f.key, :q)", {"q": query})

    def all_words(self, query_words: list[str], known: int = 0) -> Pair:
        """Groups with a name in which every query word starts a word (less, as ``prefixed``, ``known``)."""
        anywhere, in_label = -1, -1
        for word in query_words:
            rows = self._starting(word)
            anywhere &= self._layout.union(r[1] for r in rows)
            in_label &= self._layout.union(r[2] for r in rows)
        # A group's names together may hold every word though no one name does: one name's group, or its label, cannot.
        unsure = anywhere & self._layout.multi & ~in_label & ~known
        found = (anywhere & ~self._layout.multi) | in_label, in_label
        condition, params = _every_word(query_words)
        return self._checked(found, unsure, condition, params)

    def _all_words_holding(self, query_words: list[str], text: str, known: int) -> Pair:
        """Groups with a name in which every query word starts a word and that holds ``text``."""
        every, holding = self.all_words(query_words, known), self.holding(text, known)
        in_label = every[1] & holding[1]  # one name each: the label
        condition, params = _every_word(query_words)
        return self._checked((in_label, in_label), every[0] & holding[0] & ~known, f"instr(f.key, :text) AND {condition}",
                             params | {"text": text})

    def _past(self, text: str, pairs: list[tuple[int, bytes | None, bytes | None, int, str]]) -> int:
        """Groups that may hold ``text`` running past the whole of b, of the pairs (a, b) found so (``unsure`` 1, the
        split k, b): those also holding b before a word the rest of the text starts, or that the rest starts with."""
        found = 0
        for unsure, groups, _labels, k, b in pairs:
            if unsure:
                rest = text[k + len(b):]
                params = {"ra": b[::-1], "r": rest, "r_end": rest + END} | {f"r{j}": rest[:j] for j in range(1, len(rest))}
                onward = self._db.execute("SELECT groups FROM pair_groups WHERE ra = :ra AND b >= :r AND b < :r_end UNION ALL "
                                          "SELECT groups FROM pair_groups WHERE ra = :ra AND b IN ("
                                          + ", ".join(f":r{j}" for j in range(1, len(rest))) + ")", params).fetchall()
                found |= self._layout.union([groups]) & self._layout.union(g for (g,) in onward)
        return found

    def _checked(self, found: Pair, unsure: int, condition: str, params: dict[str, Any]) -> Pair:
        """``found`` with those of the ``unsure`` groups that a name of meets ``condition``."""
        anywhere, in_label = found
        unsure &= ~in_label
        if not unsure:
            return found
        sql = _CHECK.format(groups=",".join(map(str, members(unsure))), condition=condition)
        rows = self._db.execute(sql, params).fetchall()
        return anywhere | self._layout.of(g for g, _l in rows), in_label | self._layout.of(g for g, is_label in rows if is_label)


def _every_word(query_words: list[str]) -> tuple[str, dict[str, Any]]:
    """The SQL test that a name's words (f.words, each after a space) have each query word starting one of them."""
    params = {f"w{i}": " " + word for i, word in enumerate(query_words)}
    return " AND ".join(f"instr(f.words, :w{i})" for i in range(len(query_words))), params


def _any(valued: list[tuple[float, int]]) -> int:
    found = 0
    for _value, groups in valued:
        found |= groups
    return found


def valued_pair(value: float, found: Pair) -> list[tuple[float, int]]:
    """A tier's two sets as ``Layout.ranked`` takes them: the label's scores 3 more."""
    anywhere, in_label = found
    return [(value + 3, in_label), (value, anywhere)]
