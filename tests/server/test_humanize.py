"""Value formatting for people: the one module every table formats through."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cscip_kg.server.rendering.humanize import (
    XSD,
    basis_words,
    column_label,
    count_words,
    date_words,
    host,
    join_words,
    literal_words,
    money,
    pounds,
)


@pytest.mark.parametrize(("value", "text"), [
    ("4800000", "£4.8m"), ("4850000", "£4.85m"), ("84000000", "£84m"), ("728000", "£728k"), ("950", "£950"),
    ("100810000", "£100.81m"), ("1500", "£1.5k"), ("2000000000", "£2bn"), ("0", "£0"), ("4850000", "£4.85m"),
    ("850000", "£850k"), ("600", "£600"), ("999999", "£1m"), ("999999999", "£1bn"),  # once browse's own writer's cases
])
def test_pounds_are_short(value, text):
    assert pounds(Decimal(value)) == text


def test_money_keeps_the_exact_figure_and_the_source_wording():
    found = money("4800000", None, None, "£4.8m")
    assert found is not None and found.text == "£4.8m" and found.exact == "£4,800,000" and found.value == Decimal(4800000)
    assert "£4,800,000 exactly" in found.title and "the source says" not in found.title
    up_to = money("1700000", "true", None, "up to £1.7m")
    assert up_to is not None and up_to.text == "up to £1.7m"
    over = money("17000000", "false", "true", "over 17 million")
    assert over is not None and over.text == "over £17m" and "“over 17 million”" in over.title
    assert money("not a number") is None and money("NaN") is None


def test_booleans_dates_and_numbers_are_words():
    assert literal_words("false", XSD + "boolean") == "no" and literal_words("true", XSD + "boolean") == "yes"
    assert date_words("2020-11-02") == "2 November 2020" and date_words("2019-09") == "September 2019"
    assert date_words("2016") == "2016" and date_words("2020-02-30") == "2020-02-30"
    assert literal_words("2019-09", XSD + "gYearMonth") == "September 2019"
    assert literal_words("51000", XSD + "integer") == "51,000"


def test_column_names_become_headings():
    assert column_label("statedAs") == "As the source puts it"
    assert column_label("startDate") == "Start date" and column_label("innovatorLabel") == "Innovator"
    assert column_label("endedWithoutEvaluation") == "Ended without evaluation"
    assert column_label("longitudinal", {"longitudinal": "longitudinal study"}) == "Longitudinal study"


def test_basis_and_small_words():
    assert basis_words(None) == "stated by the source"
    assert basis_words("https://w3id.org/cscip-kg/def/Conflicting") == "sources disagree"
    assert basis_words("https://w3id.org/cscip-kg/def/inferred").startswith("inferred")
    assert basis_words("uncertain") == "uncertain"
    assert count_words(1, "project") == "1 project" and count_words(0, "project") == "no projects"
    assert join_words(["a", "b", "c"]) == "a, b and c" and host("https://www.basw.co.uk/x") == "basw.co.uk"
