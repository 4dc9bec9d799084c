"""The SPARQL 1.1 Service Description of /sparql (sd: vocabulary).

Built from the served build: its named graphs with their sizes, the formats
the endpoint can answer in, and the features it has (a union default graph)
and refuses (no federation, no update). The default graph is the RDF merge of
the named graphs, a set: each triple once however many sources state it (the
build writes it so), while each source's named graph keeps who said what.
"""

from __future__ import annotations

import pyoxigraph as ox

from cscip_kg.opened import Build

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DEFAULT_GRAPH_NOTE = ("The RDF merge of the named graphs, as a set: each triple once, however many sources state it, "
                      "so COUNT and SUM count each fact once. Each source's named graph keeps which source states what.")
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML")


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def service_description(build: Build, endpoint: str) -> list[ox.Triple]:
    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, ox.NamedNode("http://purl.org/dc/terms/source"), ox.NamedNode(f"{build.base}dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
        ox.Triple(default_graph, ox.NamedNode(VOID + "triples"), ox.Literal(str(build.triples), datatype=_integer())),
        ox.Triple(default_graph, ox.NamedNode("http://purl.org/dc/terms/description"), ox.Literal(DEFAULT_GRAPH_NOTE, language="en")),
    ]
    triples += [ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMATS + name)) for name in RESULT_FORMATS]
    for index, (name, size) in enumerate(build.graph_sizes.items()):
        named, graph = ox.BlankNode(f"named{index}"), ox.BlankNode(f"graph{index}")
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(name)),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), ox.Literal(str(size), datatype=_integer())),
        ]
    return triples


def _integer() -> ox.NamedNode:
    return ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

