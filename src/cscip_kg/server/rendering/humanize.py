"""Values as people read them: money, yes/no, dates, column names, the basis of a fact.

Every table and page formats through here, so "4800000" is "£4.8m" everywhere
(the exact figure stays in the CSV and JSON, and in the cell's hover text and
``<data value>``), ``false`` is "no", ``2019-09`` is "September 2019" and a
query variable ``startDate`` is headed "Start date". Nothing here queries the
graph or knows about Flask: it turns terms and plain values into text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from cscip_kg.figures import Funding
from cscip_kg.namespaces import CSCIP_NS

XSD = "http://www.w3.org/2001/XMLSchema#"
CSCIP = CSCIP_NS
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass(frozen=True)
class Money:
    """An amount in pounds: ``text`` for reading ("up to £1.7m"), ``exact`` for hover and checking."""

    value: Decimal
    text: str
    exact: str
    stated_as: str = ""
    bound: str = ""  # "up to" (a ceiling, cscip:upTo) or "over" (cscip:moreThan), as the source qualifies it

    @property
    def title(self) -> str:
        stated = f"; the source says “{self.stated_as}”" if self.stated_as and self.stated_as not in self.text else ""
        return f"{self.exact} exactly{stated}"


def pounds(value: Decimal) -> str:
    """£4.8m, £4.85m, £84m, £728k, £950: two decimals at most of the largest unit (every page writes money so)."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    units = ((Decimal(1_000_000_000), "bn"), (Decimal(1_000_000), "m"), (Decimal(1000), "k"))
    for number, (size, suffix) in enumerate(units):
        if value >= size:
            scaled = (value / size).quantize(Decimal("0.01"))
            if scaled >= 1000 and number:  # £999,999 rounds up to the next unit, never "£1000k"
                size, suffix = units[number - 1]
                scaled = (value / size).quantize(Decimal("0.01"))
            text = f"{scaled:f}".rstrip("0").rstrip(".")
            return f"{sign}£{text}{suffix}"
    return f"{sign}£{value:,.0f}"


def funding_words(funding: Funding) -> str:
    """"£37.36m + up to £6.72m": what was awarded, and the ceilings apart, since a ceiling is no sum paid."""
    if not funding.awarded and funding.ceilings:
        return f"up to {pounds(funding.ceilings)}"
    return pounds(funding.awarded) + (f" + up to {pounds(funding.ceilings)}" if funding.ceilings else "")


def exact_pounds(value: Decimal) -> str:
    whole = value == value.to_integral_value()
    return f"£{value:,.0f}" if whole else f"£{value:,.2f}"


def money(value: object, up_to: object = None, more_than: object = None, stated_as: object = None) -> Money | None:
    """A schema:MonetaryAmount's value and qualifiers as Money; None when ``value`` is not a number."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite():
        return None
    bound = "up to" if truth(up_to) else "over" if truth(more_than) else ""
    text = f"{bound} {pounds(amount)}".lstrip()
    return Money(amount, text, exact_pounds(amount), str(stated_as or ""), bound)


def truth(value: object) -> bool:
    """An xsd:boolean lexical form (or a Python bool) as a bool; anything else is False."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1") if value is not None else False


def yes_no(value: object) -> str:
    return "yes" if truth(value) else "no"


def date_words(lexical: str, datatype: str = "") -> str:
    """2020-11-02 → 2 November 2020; 2019-09 → September 2019; 2016 → 2016; anything else unchanged."""
    text = lexical.strip()
    found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if found and datatype in ("", XSD + "date", XSD + "dateTime"):
        try:
            day = date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            return text
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    found = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if found and 1 <= int(found[2]) <= 12:
        return f"{MONTHS[int(found[2]) - 1]} {found[1]}"
    return text


def literal_words(lexical: str, datatype: str) -> str:
    """A typed literal as text: booleans as yes/no, dates in words, numbers with thousands separators."""
    if datatype == XSD + "boolean":
        return yes_no(lexical)
    if datatype in (XSD + "date", XSD + "gYearMonth", XSD + "dateTime"):
        return date_words(lexical[:10] if datatype == XSD + "dateTime" else lexical, datatype)
    if datatype in (XSD + "integer", XSD + "nonNegativeInteger", XSD + "positiveInteger"):
        try:
            return f"{int(lexical):,}"
        except ValueError:
            return lexical
    return lexical


# The basis of a statement in words. ``honest`` brings cscip:basis (stated / inferred /
# claimed); the claim statuses already in the data (cscip:Stated, Conflicting, Uncertain,
# Inferred) say the same for claims, so both are read here.
BASIS_WORDS = {
    CSCIP + "stated": "stated by the source",
    CSCIP + "inferred": "inferred (not stated outright)",
    CSCIP + "claimed": "claimed; sources disagree",
    CSCIP + "Stated": "stated by the source",
    CSCIP + "Conflicting": "sources disagree",
    CSCIP + "Uncertain": "uncertain",
    CSCIP + "Inferred": "inferred (not stated outright)",
}
_STATUS_LABELS = {"stated": "stated by the source", "conflicting": "sources disagree", "uncertain": "uncertain",
                  "inferred": "inferred (not stated outright)", "claimed": "claimed; sources disagree"}


def basis_words(value: str | None) -> str:
    """A basis or claim-status IRI, or its label, as words; no value means the source states it."""
    if not value:
        return "stated by the source"
    return BASIS_WORDS.get(value) or _STATUS_LABELS.get(value.strip().lower(), value)


# Column names of the named queries that camelCase splitting alone would not make readable.
COLUMN_WORDS = {
    "statedAs": "As the source puts it", "upTo": "Up to", "moreThan": "More than", "sources": "Stated by",
    "source": "Stated by", "url": "Original page", "thing": "What", "detail": "Details", "kind": "Kind",
    "related": "Related", "relatedType": "Kind", "typeLabel": "Kind", "depth": "Steps away",
    "path": "How it connects", "adoption": "Through", "dates": "Dates as stated", "notCertain": "Not certain",
    "evaluations": "Evaluation reports", "endedWithoutEvaluation": "Ended without evaluation",
    "innovator": "Innovator", "leads": "Led by", "status": "Basis", "statusLabel": "Basis",
    "subject": "About", "property": "What is claimed", "value": "Value", "claim": "Claim",
}


def column_label(name: str, ontology: dict[str, str] | None = None) -> str:
    """A query variable as a column heading: a known word, the ontology term's label, or the name split."""
    if name in COLUMN_WORDS:
        return COLUMN_WORDS[name]
    stem = name[: -len("Label")] if name.endswith("Label") and len(name) > len("Label") else name
    if stem in COLUMN_WORDS:
        return COLUMN_WORDS[stem]
    label = (ontology or {}).get(stem)
    if label:
        return label[:1].upper() + label[1:]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", stem).replace("_", " ").lower()
    return words[:1].upper() + words[1:]


def article(words: str) -> str:
    """"A" or "An" before ``words`` as they are said: an ontology, an evaluation report, a unit, an hour."""
    word = words.strip().split(" ", 1)[0].lower()
    if word.startswith(("uni", "use", "one", "eu")):
        return "A"
    if word.startswith(("hour", "honest", "heir")) or word[:1] in "aeiou":
        return "An"
    return "A"


def count_words(number: int, singular: str, plural: str | None = None) -> str:
    """3 projects, 1 project, no projects."""
    if number == 0:
        return f"no {plural or singular + 's'}"
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"


def join_words(items: list[str], last: str = "and") -> str:
    """a, b and c."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def host(url: str) -> str:
    """The site of a URL, for naming a link whose page has no title (www. dropped)."""
    found = re.match(r"https?://([^/:?#]+)", url)
    name = found[1] if found else url
    return name[4:] if name.startswith("www.") else name
