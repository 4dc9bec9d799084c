"""A link as templates show it, and where an IRI answers: here, elsewhere, or nowhere."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

from cscip_kg.server.state import Build


@dataclass(frozen=True)
class Link:
    """Text, optionally a target; ``title`` is hover text, ``value`` a machine value (``<data value>``)."""

    text: str
    href: str | None = None
    title: str = ""
    value: str = ""


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
