"""Real SPARQL clients against the live server: SPARQLWrapper in every format, rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, URLENCODED, XML, SPARQLWrapper

from cscip_kg.queries import load_catalogue
from tests.test_headline import EXPECTED

SELECT_MODELS = """PREFIX cscip: <https://w3id.org/cscip-kg/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?model ?label WHERE { ?model a cscip:PracticeModel ; rdfs:label ?label } ORDER BY ?label"""
CONSTRUCT_MODELS = """PREFIX cscip: <https://w3id.org/cscip-kg/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?model rdfs:label ?label } WHERE { ?model a cscip:PracticeModel ; rdfs:label ?label }"""
NO_WRONG_DOOR = "https://w3id.org/cscip-kg/id/model/no-wrong-door"


def wrapper(endpoint: str, query: str, fmt: str, method: str = "GET", request_method: str = URLENCODED) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    client.setRequestMethod(request_method)
    return client


@pytest.fixture(scope="module")
def model_labels(endpoint: str) -> set[str]:
    result = wrapper(endpoint, SELECT_MODELS, JSON).queryAndConvert()
    labels = {row["label"]["value"] for row in result["results"]["bindings"]}  # type: ignore[index]
    assert "No Wrong Door" in labels and "Family Safeguarding" in labels
    return labels


@pytest.mark.parametrize(("method", "request_method"), [("GET", URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)])
def test_select_json_by_each_request_method(endpoint, model_labels, method, request_method):
    result = wrapper(endpoint, SELECT_MODELS, JSON, method, request_method).queryAndConvert()
    assert {row["label"]["value"] for row in result["results"]["bindings"]} == model_labels  # type: ignore[index]


def test_select_xml(endpoint, model_labels):
    document = wrapper(endpoint, SELECT_MODELS, XML).queryAndConvert()
    literals = document.getElementsByTagName("literal")  # type: ignore[union-attr]
    assert {node.firstChild.data for node in literals} == model_labels


@pytest.mark.parametrize("fmt", [CSV, TSV])
def test_select_csv_and_tsv(endpoint, model_labels, fmt):
    text = wrapper(endpoint, SELECT_MODELS, fmt).queryAndConvert().decode("utf-8")  # type: ignore[union-attr]
    if fmt == CSV:
        labels = {row["label"] for row in csv.DictReader(io.StringIO(text))}
    else:  # TSV writes RDF terms in Turtle syntax, quotes included: "No Wrong Door"@en
        rows = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
        labels = {row["?label"].removeprefix('"').rsplit('"@', 1)[0] for row in rows}
    assert labels == model_labels


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask(endpoint, fmt):
    client = wrapper(endpoint, f"ASK {{ <{NO_WRONG_DOOR}> ?p ?o }}", fmt)
    result = client.queryAndConvert()
    answer = result["boolean"] if fmt == JSON else result.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[index,union-attr]
    assert answer is True


@pytest.mark.parametrize(("fmt", "rdf_format"), [
    (TURTLE, ox.RdfFormat.TURTLE), (N3, ox.RdfFormat.TURTLE), (RDFXML, ox.RdfFormat.RDF_XML),
    (XML, ox.RdfFormat.RDF_XML), (JSONLD, ox.RdfFormat.JSON_LD),
])
def test_construct_in_each_graph_format(endpoint, model_labels, fmt, rdf_format):
    # The raw body is parsed by pyoxigraph: rdflib's JSON-LD parser raises deprecation warnings.
    body = wrapper(endpoint, CONSTRUCT_MODELS, fmt).query().response.read()
    labels = {t.object.value for t in ox.parse(body, format=rdf_format)}
    assert labels == model_labels


# SPARQLWrapper converts RDF/XML through rdflib's ConjunctiveGraph, which rdflib 7 deprecates.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_construct_converted_by_sparqlwrapper_to_an_rdflib_graph(endpoint, model_labels):
    graph = wrapper(endpoint, CONSTRUCT_MODELS, RDFXML).queryAndConvert()
    assert isinstance(graph, Graph)
    assert {str(o) for o in graph.objects()} == model_labels


def test_describe(endpoint):
    body = wrapper(endpoint, f"DESCRIBE <{NO_WRONG_DOOR}>", TURTLE).query().response.read()
    triples = [quad.triple for quad in ox.parse(body, format=ox.RdfFormat.TURTLE)]
    assert ox.Triple(ox.NamedNode(NO_WRONG_DOOR), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                     ox.Literal("No Wrong Door", language="en")) in triples


def test_rdflib_sparqlstore(endpoint, model_labels):
    graph = Graph(store=SPARQLStore(endpoint, returnFormat="xml"))
    rows = list(graph.query(SELECT_MODELS))
    assert {str(row[1]) for row in rows} == model_labels  # type: ignore[index]
    assert bool(graph.query(f"ASK {{ <{NO_WRONG_DOOR}> ?p ?o }}").askAnswer)
    assert (URIRef(NO_WRONG_DOOR), None, Literal("No Wrong Door", lang="en")) in graph


def test_rdflib_sparqlstore_construct(endpoint, model_labels):
    graph = Graph(store=SPARQLStore(endpoint))
    result = graph.query(CONSTRUCT_MODELS)
    assert {str(o) for o in result.graph.objects()} == model_labels  # type: ignore[union-attr]


def test_headline_question_through_the_endpoint(endpoint, project):
    headline = load_catalogue(project.queries_dir)["round1-models-fed-sfpc"]
    result = wrapper(endpoint, headline.bind({}), JSON).queryAndConvert()
    rows = result["results"]["bindings"]  # type: ignore[index]
    answer = {(r["modelLabel"]["value"], r["innovatorLabel"]["value"], r["amount"]["value"], r["statedAs"]["value"]) for r in rows}
    assert answer == EXPECTED


def test_results_xml_is_the_w3c_format(endpoint):
    body = wrapper(endpoint, SELECT_MODELS, XML).query().response.read()
    root = ET.fromstring(body)
    assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"
