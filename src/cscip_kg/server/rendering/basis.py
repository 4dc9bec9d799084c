"""The basis of a fact in words, for pages: stated by whom, inferred why, or where the sources disagree.

One small set of functions that every page calls (entity pages, lineage words), so the wording is the
same everywhere. The data side is docs/data-conventions.md, "The basis of every statement".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cscip_kg.namespaces import CSCIP_NS

CSCIP = CSCIP_NS
STATED, INFERRED, CLAIMED = "stated", "inferred", "claimed"
# A qualified record's cscip:claimStatus gives its basis (the ontology's skos:broadMatch).
_STATUS_BASIS = {"Stated": STATED, "Conflicting": CLAIMED, "Uncertain": CLAIMED, "Inferred": INFERRED}


@dataclass(frozen=True)
class Basis:
    """On what one fact rests. ``sources`` are display names of documents."""

    kind: str  # STATED, INFERRED or CLAIMED
    note: str = ""  # why it was inferred (cscip:inferenceNote)
    sources: tuple[str, ...] = ()
    caveat: str = ""  # a doubt about a stated fact (skos:editorialNote on its record)


def kind_of(iri: str | None) -> str:
    """The basis named by a cscip:basis IRI or a cscip:claimStatus IRI; none means stated."""
    if not iri:
        return STATED
    local = iri[len(CSCIP):] if iri.startswith(CSCIP) else iri
    if local in (STATED, INFERRED, CLAIMED):
        return local
    if local in _STATUS_BASIS:
        return _STATUS_BASIS[local]
    raise ValueError(f"not a basis or claim status: {iri}")


def kind_named(text: str | None) -> str | None:
    """The basis an IRI or a query's label names ("stated", "Conflicting", cscip:Uncertain); None if none."""
    for candidate in (text, (text or "").strip().capitalize()):
        try:
            return kind_of(candidate)
        except ValueError:
            continue
    return None


def _names(sources: Sequence[str]) -> str:
    if len(sources) <= 2:
        return " and ".join(sources)
    return ", ".join(sources[:-1]) + " and " + sources[-1]


def basis_in_words(basis: Basis) -> str:
    """E.g. "stated by GOV.UK", "inferred from the project's name, …", "stated by X; caveat: …"."""
    if basis.kind == INFERRED:
        note = basis.note.strip()
        if not note:
            return "inferred by this graph (no reason recorded)"
        return note[0].lower() + note[1:] if note.lower().startswith("inferred") else f"inferred by this graph: {note}"
    if basis.kind == CLAIMED:
        by = f" by {_names(basis.sources)}" if basis.sources else ""
        return f"claimed{by}; other sources disagree or doubt it"
    words = f"stated by {_names(basis.sources)}" if basis.sources else "stated by its source"
    return f"{words}; caveat: {basis.caveat}" if basis.caveat else words


def basis_short(kind: str) -> str:
    """A short caveat for a fact that is not a source's word, said where the fact is shown ("" for a stated one):
    the lineage page, its diagram, the maps and the tables that count such links."""
    return {INFERRED: "inferred by this graph, not stated by a source", CLAIMED: "claimed; sources disagree or doubt it"}.get(kind, "")


def disagreement_in_words(claims: Iterable[tuple[str, Sequence[str]]]) -> str:
    """"sources disagree: 6 (GOV.UK) / 8 (GOV.UK announcement; Community Care)" — one entry per value."""
    by_value: dict[str, list[str]] = {}
    for value, sources in claims:
        names = by_value.setdefault(value, [])
        names.extend(s for s in sources if s not in names)
    parts = [f"{value} ({'; '.join(names)})" if names else value for value, names in by_value.items()]
    if len(parts) < 2:
        return f"claimed: {parts[0]}" if parts else ""
    return "sources disagree: " + " / ".join(parts)
