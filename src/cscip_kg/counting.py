"""The one rule by which every count of projects is made (docs/data-conventions.md, "Counting projects").

The sources list a project's later phase (its round 2 continuation) under the project itself;
the graph keeps the phase as its own node, a ``cscip:ProjectPhase``, so that the phase's round,
report and funding attach to it. Counted, a phase is the project it continues or scales up,
never a project of its own. Every count in figures and named queries goes through these
patterns (tests/test_counts.py checks each counting query uses them).
"""

from __future__ import annotations

# SPARQL: ?project is a project in its own right.
NOT_A_PHASE = "FILTER NOT EXISTS { ?project a cscip:ProjectPhase }"


def as_project(item: str) -> str:
    """SPARQL binding ?project to what ``item`` counts as: itself, or the project a phase belongs to."""
    return (f"OPTIONAL {{ {item} a cscip:ProjectPhase ; cscip:continues|cscip:scalesUp ?phaseOf }} "
            f"BIND(COALESCE(?phaseOf, {item}) AS ?project)")
