"""The XML results writer escapes exactly as xml.sax.saxutils does (written out so workers need not import it)."""

from __future__ import annotations

from xml.sax.saxutils import escape as sax_escape
from xml.sax.saxutils import quoteattr as sax_quoteattr

import pyoxigraph as ox
from hypothesis import given
from hypothesis import strategies as st

from cscip_kg.result_writers import escape, quoteattr, write_solutions

TRICKY = ["", "plain", "a & b", "<tag>", "&amp;", 'say "hi"', "it's", "both \" and '", "tab\there", "line\nbreak\r\n",
          "\"'<>&\t\n\r", "]]>"]


def test_tricky_texts_escape_as_saxutils_does() -> None:
    for text in TRICKY:
        assert escape(text) == sax_escape(text), text
        assert quoteattr(text) == sax_quoteattr(text), text


@given(st.text())
def test_any_text_escapes_as_saxutils_does(text: str) -> None:
    assert escape(text) == sax_escape(text)
    assert quoteattr(text) == sax_quoteattr(text)


def test_an_xml_answer_with_markup_in_values_stays_well_formed() -> None:
    rows = [[ox.Literal('a <b> & "c"', language="en"), ox.NamedNode("https://example.org/x?a=1&b=2")]]
    body = write_solutions(["label", "it"], rows, "xml", False, 10)
    parsed = list(ox.parse_query_results(body, format=ox.QueryResultsFormat.XML))
    assert parsed[0]["label"] == rows[0][0] and parsed[0]["it"] == rows[0][1]
