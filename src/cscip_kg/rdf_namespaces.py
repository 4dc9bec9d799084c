"""The project's namespaces as rdflib terms, for the code that parses, builds and validates.

The serving path never imports this module (see cscip_kg.namespaces, whose strings these
are built from). Prefixes are bound per graph (never on rdflib's global namespace manager).
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef

from cscip_kg.namespaces import (
    BASE,
    CSCIP_NS,
    DCAT_NS,
    ONTOLOGY_GRAPH_IRI,
    ORG_NS,
    PROV_NS,
    SCHEMA_NS,
    SOURCE_GRAPH_IRI,
    VOID_NS,
    compact,
    prefixes_for,
)

CSCIP = Namespace(CSCIP_NS)
SCHEMA = Namespace(SCHEMA_NS)
PROV = Namespace(PROV_NS)
ORG = Namespace(ORG_NS)
VOID = Namespace(VOID_NS)
DCAT = Namespace(DCAT_NS)

ONTOLOGY_GRAPH = URIRef(ONTOLOGY_GRAPH_IRI)
SOURCE_GRAPH = URIRef(SOURCE_GRAPH_IRI)


def bind_prefixes(graph: Graph, base: str = BASE) -> None:
    for prefix, namespace in prefixes_for(base).items():
        graph.bind(prefix, namespace, override=True, replace=True)


__all__ = ["CSCIP", "DCAT", "ONTOLOGY_GRAPH", "ORG", "PROV", "SCHEMA", "SOURCE_GRAPH", "VOID", "bind_prefixes", "compact"]
