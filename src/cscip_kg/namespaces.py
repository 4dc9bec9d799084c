"""The project's namespaces and the prefixes every serialisation uses, as plain strings.

Nothing here imports rdflib: the server and its query workers read these and never
parse RDF (rdflib costs about a third of a cold start). The rdflib terms built from
them, for the build side, are in cscip_kg.rdf_namespaces.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

BASE = "https://w3id.org/cscip-kg/"
ID_BASE = f"{BASE}id/"
GRAPH_BASE = f"{BASE}graph/"
CSCIP_NS = f"{BASE}def/"
SCHEMA_NS = "https://schema.org/"
PROV_NS = "http://www.w3.org/ns/prov#"
ORG_NS = "http://www.w3.org/ns/org#"
VOID_NS = "http://rdfs.org/ns/void#"
DCAT_NS = "http://www.w3.org/ns/dcat#"

ONTOLOGY_GRAPH_IRI = f"{GRAPH_BASE}ontology"
SOURCE_GRAPH_IRI = f"{GRAPH_BASE}sources"

ENTITY_KINDS = (
    "programme", "project", "grant", "organisation", "model", "theme", "report", "source", "claim",
    "adoption", "participation", "membership", "identifier", "development", "award-date", "practice-area",
    "finding", "measure", "findings-coverage",
)

_STANDARD_PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": PROV_NS,
    "org": ORG_NS,
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": SCHEMA_NS,
    "adms": "http://www.w3.org/ns/adms#",
    "void": VOID_NS,
    "dcat": DCAT_NS,
}


def prefixes_for(base: str) -> dict[str, str]:
    """The project prefixes with everything minted under ``base`` (see build.rebase)."""
    return {
        "cscip": f"{base}def/",
        **{kind: f"{base}id/{kind}/" for kind in ENTITY_KINDS},
        **_STANDARD_PREFIXES,
    }


PREFIXES: dict[str, str] = prefixes_for(BASE)


def base_of(prefixes: Mapping[str, str]) -> str:
    """The base IRI that ``prefixes`` (from prefixes_for) were made for."""
    return prefixes.get("cscip", PREFIXES["cscip"]).removesuffix("def/")


def sparql_prologue() -> str:
    return "".join(f"PREFIX {p}: <{n}>\n" for p, n in PREFIXES.items())


def compact(term: object) -> str:
    """A term as a reader writes it: prefixed name if a project prefix fits, else <iri> for an rdflib IRI (anything else as it is)."""
    text = str(term)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace):]}"
    # Only the build side holds rdflib terms, and it has imported rdflib; serving never does.
    rdflib = sys.modules.get("rdflib")
    return f"<{text}>" if rdflib is not None and isinstance(term, rdflib.URIRef) else text


# The rdflib terms moved to rdf_namespaces; code written before the move still finds them here, and
# only asking for one imports rdflib.
_RDFLIB_TERMS = frozenset({"CSCIP", "SCHEMA", "PROV", "ORG", "VOID", "DCAT", "ONTOLOGY_GRAPH", "SOURCE_GRAPH", "bind_prefixes"})


def __getattr__(name: str) -> Any:
    if name in _RDFLIB_TERMS:
        from cscip_kg import rdf_namespaces

        return getattr(rdf_namespaces, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
