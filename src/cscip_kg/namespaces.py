"""The project's namespaces and the prefixes every serialisation uses.

Prefixes are bound per graph (never on rdflib's global namespace manager).
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Graph, Namespace, URIRef

BASE = "https://w3id.org/cscip-kg/"
ID_BASE = f"{BASE}id/"
GRAPH_BASE = f"{BASE}graph/"
CSCIP = Namespace(f"{BASE}def/")
SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

ONTOLOGY_GRAPH = URIRef(f"{GRAPH_BASE}ontology")
SOURCE_GRAPH = URIRef(f"{GRAPH_BASE}sources")

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
    "prov": str(PROV),
    "org": str(ORG),
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": str(SCHEMA),
    "adms": "http://www.w3.org/ns/adms#",
    "void": str(VOID),
    "dcat": str(DCAT),
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


def bind_prefixes(graph: Graph, base: str = BASE) -> None:
    for prefix, namespace in prefixes_for(base).items():
        graph.bind(prefix, namespace, override=True, replace=True)


def sparql_prologue() -> str:
    return "".join(f"PREFIX {p}: <{n}>\n" for p, n in PREFIXES.items())


def compact(term: object) -> str:
    """A term as a reader writes it: prefixed name if a project prefix fits, else <iri> (literals as they are)."""
    text = str(term)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace):]}"
    return f"<{text}>" if isinstance(term, URIRef) else text
