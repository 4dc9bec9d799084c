"""Reading a page's structure (landmarks, headings, tables, scripts) with html.parser, for tests."""

from __future__ import annotations

import html.parser
import itertools
from dataclasses import dataclass


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


class Structure(html.parser.HTMLParser):
    """Every element with its attributes and the text inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if tag not in ("br", "img", "input", "link", "meta", "rect", "path", "line", "hr"):
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    def all(self, tag: str, **attrs: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def texts(self, tag: str) -> list[str]:
        return [" ".join(e.text.split()) for e in self.all(tag)]

    def links(self) -> dict[str, str]:
        """href → link text (the last link of a given href wins)."""
        return {e.attrs["href"]: " ".join(e.text.split()) for e in self.all("a") if "href" in e.attrs}

    def headings(self) -> list[int]:
        return [int(e.tag[1]) for e in self.elements if len(e.tag) == 2 and e.tag[0] == "h" and e.tag[1].isdigit()]


def parse(text: str) -> Structure:
    structure = Structure()
    structure.feed(text)
    structure.close()
    return structure


def assert_accessible_page(structure: Structure) -> None:
    """Landmarks, one h1, headings that never skip a level, a label for every form field."""
    for landmark in ("header", "nav", "main", "footer"):
        assert structure.all(landmark), f"no <{landmark}>"
    levels = structure.headings()
    assert levels.count(1) == 1 and levels[0] == 1, levels
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    labelled = {e.attrs.get("for") for e in structure.all("label")}
    for field_ in structure.all("input") + structure.all("select") + structure.all("textarea"):
        if field_.attrs.get("type") not in ("hidden", "submit"):
            assert field_.attrs.get("id") in labelled, field_.attrs
