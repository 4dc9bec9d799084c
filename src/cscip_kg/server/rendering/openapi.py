"""The OpenAPI 3 description of /api, generated from the named-query files themselves.

Each ``queries/*.rq`` becomes one GET operation whose parameters are the
file's ``#+ param:`` lines, so adding a query file adds an operation: there
is no hand-kept list to forget.
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


def openapi(catalogue: dict[str, NamedQuery], server: str, version: str) -> dict[str, Any]:
    paths: dict[str, Any] = {f"/api/queries/{name}": {"get": _operation(q)} for name, q in sorted(catalogue.items())}
    paths["/api/queries"] = {"get": {
        "operationId": "listQueries", "summary": "Every named query with its parameters", "tags": ["catalogue"],
        "responses": {"200": {"description": "The catalogue", "content": {"application/json": {}}}},
    }}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "cscip-kg named queries",
            "description": "Named SPARQL queries over the Children's Social Care Innovation Programme knowledge graph. "
                           "Each answers as SPARQL JSON results or CSV; the full SPARQL 1.1 endpoint is at /sparql.",
            "version": version,
        },
        **({"servers": [{"url": server}]} if server else {}),
        "paths": paths,
        "components": {"schemas": {"Error": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "string"}, "parameter": {"type": "string"}},
        }}},
    }
