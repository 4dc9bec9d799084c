"""A link as templates show it, and where an IRI answers: here, elsewhere, or nowhere."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from markupsafe import Markup, escape

from cscip_kg.opened import Build


@dataclass(frozen=True)
class Link:
    """Text, optionally a target; ``title`` is hover text, ``value`` a machine value (``<data value>``)."""

    text: str
    href: str | None = None
    title: str = ""
    value: str = ""

    def __html__(self) -> Markup:
        """The link as HTML, every part escaped: ``{{ link }}`` in a template, without a macro call per link
        (a page of tables holds thousands)."""
        title = f' title="{escape(self.title)}"' if self.title else ""
        if self.href:
            return Markup(f'<a href="{escape(self.href)}"{title}>{escape(self.text)}</a>')
        if self.value:
            return Markup(f'<data value="{escape(self.value)}"{title}>{escape(self.text)}</data>')
        if self.title:
            return Markup(f"<span{title}>{escape(self.text)}</span>")
        return escape(self.text)


def href(build: Build, iri: str) -> str | None:
    local = build.local_path(iri)
    if local is not None:
        return request.script_root + local
    return iri if iri.startswith(("http://", "https://")) else None


Cell = list[Link]


@dataclass
class Table:
    """A table for people: headings in words, each cell one or more links (a fact's sources, merged)."""

    columns: list[str]
    rows: list[list[Cell]]
    numeric: frozenset[int] = frozenset()  # column positions to right-align (money, counts)
