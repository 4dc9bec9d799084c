"""Accessible bar charts: a real table of the numbers, each row with a decorative bar.

The bar is a one-rectangle SVG whose width is an attribute (no inline CSS, so
a strict CSP allows it); CSS stretches it to the cell, so charts stay
readable on a phone. Screen readers read the table and skip the bars.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    href: str | None
    value: Decimal
    text: str  # the value as a reader writes it
    width: str  # 0–100, share of the largest value


@dataclass(frozen=True)
class Chart:
    caption: str
    heading: str  # heading of the label column
    column: str  # heading of the value column
    bars: list[Bar]
    more: int = 0  # rows left out (the chart shows the largest few)
    more_href: str | None = None  # where every row is listed


def chart(caption: str, heading: str, column: str, items: list[tuple[str, str | None, Decimal, str]],
          more: int = 0, more_href: str | None = None) -> Chart:
    """items: (label, link, value, value as text); bars are scaled to the largest value.

    ``more`` rows were left out by the caller (listed in full at ``more_href``).
    """
    largest = max((value for _l, _h, value, _t in items), default=Decimal(0))
    bars = [Bar(label, href, value, text, f"{(value * 100 / largest) if largest else 0:.1f}") for label, href, value, text in items]
    return Chart(caption, heading, column, bars, more, more_href)
