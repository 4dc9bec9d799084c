"""The OpenAPI 3 description of the API, the named queries generated from the query files themselves.

Each ``queries/*.rq`` becomes one GET operation whose parameters are the
file's ``#+ param:`` lines, so adding a query file adds an operation: there
is no hand-kept list to forget. The few other operations (/sparql, search,
entities, lineage) are described once here.
"""

from __future__ import annotations

from typing import Any

from cscip_kg.queries import NamedQuery, Parameter

SCHEMA_TYPES = {
    "iri": {"type": "string", "format": "iri"},
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
}
RESULT_TYPES = ("application/sparql-results+json", "text/csv")


def _parameter(parameter: Parameter) -> dict[str, Any]:
    schema: dict[str, Any] = dict(SCHEMA_TYPES[parameter.type])
    if parameter.default is not None:
        schema["default"] = _typed(parameter.type, parameter.default)
    description = parameter.description
    if parameter.type == "iri":
        description += " — a full http(s) IRI or a prefixed name such as model:no-wrong-door"
    return {"name": parameter.name, "in": "query", "required": parameter.required, "description": description, "schema": schema}


def _typed(kind: str, value: str) -> object:
    if kind == "integer":
        return int(value)
    if kind == "decimal":
        return float(value)
    if kind == "boolean":
        return value == "true"
    return value


FORMAT_PARAMETER = {
    "name": "format", "in": "query", "required": False,
    "description": "Answer format, instead of the Accept header (the path may also end in .json or .csv)",
    "schema": {"type": "string", "enum": ["json", "csv"]},
}


def _operation(query: NamedQuery) -> dict[str, Any]:
    results = {"description": "SPARQL query results", "content": {media: {} for media in RESULT_TYPES}}
    error = {"description": "A parameter is unknown, missing or of the wrong type; the answer names it",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {
        "operationId": query.name,
        "summary": query.title,
        "description": query.description,
        "tags": ["named queries"],
        "parameters": [_parameter(p) for p in query.parameters] + [FORMAT_PARAMETER],
        "responses": {"200": results, "400": error, "406": {"description": "No acceptable format"}},
    }


def _query(name: str, description: str, kind: str = "string", required: bool = False, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": {"type": kind, **schema}}


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string"}}


def _answers(description: str, *media: str) -> dict[str, Any]:
    return {"200": {"description": description, "content": {m: {} for m in media}},
            "400": {"description": "A bad parameter; the answer says which"}, "404": {"description": "Nothing of that name"}}


GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
# The operations besides the named queries; their behaviour is tested with the routes that answer them.
OTHER_PATHS: dict[str, Any] = {
    "/sparql": {"get": {
        "operationId": "sparql", "summary": "SPARQL 1.1 Protocol endpoint (read-only)", "tags": ["SPARQL"],
        "description": "Any SPARQL 1.1 query, also by form POST or application/sparql-query POST; without a query, the Service "
                       "Description. Results as JSON, XML, CSV or TSV, graphs as Turtle, N-Triples, JSON-LD or RDF/XML, by Accept "
                       "or format=.",
        "parameters": [_query("query", "The SPARQL query"), _query("default-graph-uri", "A graph to use as the default graph"),
                       _query("named-graph-uri", "A named graph to use"), _query("format", "Answer format instead of Accept")],
        "responses": {**_answers("The results or graph", "application/sparql-results+json", "application/sparql-results+xml",
                                 "text/csv", "text/tab-separated-values", *GRAPH_TYPES),
                      "503": {"description": "The query ran past the time limit"}}}},
    "/search.json": {"get": {
        "operationId": "search", "summary": "Ranked search over names and other names, forgiving typos and abbreviations",
        "tags": ["search"],
        "parameters": [_query("q", "The words to look for", required=True), _query("kind", "Only this kind (model, project, …)"),
                       _query("page", "Page number", "integer", minimum=1), _query("size", "Results per page", "integer", minimum=1)],
        "responses": _answers("The total, counts by kind, and this page of results", "application/json")}},
    "/id/{kind}/{slug}": {"get": {
        "operationId": "entity", "summary": "One entity: everything the graph says about it", "tags": ["linked data"],
        "description": "HTML for browsers; RDF by Accept or by a suffix on the slug (.ttl, .jsonld, .nt, .rdf).",
        "parameters": [_path("kind", "model, project, programme, organisation, grant, report, theme, source, …"),
                       _path("slug", "The entity's name in its IRI, e.g. family-safeguarding")],
        "responses": _answers("The entity's description", "text/html", *GRAPH_TYPES)}},
    "/lineage/{kind}/{slug}.json": {"get": {
        "operationId": "lineage", "summary": "Where a model, project, organisation or programme came from and where it spread",
        "tags": ["lineage"], "description": "Its nodes and links as JSON; the same path ending .svg is the diagram.",
        "parameters": [_path("kind", "model, project, organisation or programme"), _path("slug", "e.g. family-safeguarding")],
        "responses": _answers("Nodes and edges", "application/json")}},
}


def openapi(catalogue: dict[str, NamedQuery], server: str, version: str) -> dict[str, Any]:
    paths: dict[str, Any] = {f"/api/queries/{name}": {"get": _operation(q)} for name, q in sorted(catalogue.items())}
    paths["/api/queries"] = {"get": {
        "operationId": "listQueries", "summary": "Every named query with its parameters", "tags": ["catalogue"],
        "responses": {"200": {"description": "The catalogue", "content": {"application/json": {}}}},
    }}
    paths.update(OTHER_PATHS)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "cscip-kg API",
            "description": "Named SPARQL queries over the Children's Social Care Innovation Programme knowledge graph, each "
                           "answering as SPARQL JSON results or CSV; the full SPARQL 1.1 endpoint, search, every entity as "
                           "linked data, and lineage as JSON.",
            "version": version,
        },
        "servers": [{"url": server or "/"}],
        "paths": paths,
        "components": {"schemas": {"Error": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "string"}, "parameter": {"type": "string"}},
        }}},
    }
