"""The query mix: the named queries, a DESCRIBE, an entity page and the full dump, for each server.

Every request has a *cached* form (the same request again and again) and an *uncached* one:
distinct parameter values taken in turn from the data (models, organisations, rounds, ...)
plus a unique comment (or, for pages, a query-string nonce), so that no two uncached
requests are equal and no cache of any server can answer them.
"""

from __future__ import annotations

import itertools
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from cscip_kg.namespaces import PREFIXES, sparql_prologue
from cscip_kg.queries import NamedQuery, load_catalogue

SPARQL_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"

# query name → (parameter, SPARQL selecting its values in the data)
NAMED = {
    "round1-models-fed-sfpc": ("programme", "SELECT DISTINCT ?v WHERE { ?v cscip:spreadsModel ?m }"),
    "lineage": ("entity", "SELECT DISTINCT ?v WHERE { ?v a cscip:PracticeModel }"),
    "grants-by-round": ("round", "SELECT DISTINCT ?v WHERE { ?g cscip:round ?v }"),
    "projects-by-theme": ("theme", "SELECT DISTINCT ?v WHERE { ?p cscip:theme ?v }"),
    "organisation-profile": ("organisation", "SELECT DISTINCT ?v WHERE { ?g cscip:leadOrganisation ?v }"),
}
PROJECTS = "SELECT DISTINCT ?v WHERE { ?v a cscip:Project }"
FIRST = {"programme": "programme:sfpc", "entity": "model:family-safeguarding", "round": "programme:cscip-round-1",
         "organisation": "organisation:leeds", "theme": "theme:residential-care"}
SPARQL_QUERIES = (*NAMED, "describe")  # what the throughput "mix" cycles through; every server answers these
# Longest URL a query is sent in; longer ones are POSTed as a form (the Oxigraph server refuses
# request headers over 8 KiB). Decided per query, not per server, so every server gets the same method.
MAX_GET = 6000


def compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def values(store: ox.Store, query: str, first: str | None, limit: int = 400) -> list[str]:
    """Up to ``limit`` values (prefixed names), ``first`` first, then spread over the whole list (all copies)."""
    result = store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    found = sorted(compact(row["v"].value) for row in result)  # type: ignore[union-attr]
    stride = max(1, len(found) // limit)
    picked = found[::stride][:limit]
    if first in found:
        picked = [first, *(v for v in picked if v != first)]
    return picked


@dataclass
class Mix:
    catalogue: dict[str, NamedQuery]
    values: dict[str, list[str]]  # query name (or "describe", "page") → parameter values
    salt: itertools.count  # type: ignore[type-arg]
    _posted: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def from_build(cls, build: Path) -> Mix:
        store = ox.Store()
        store.bulk_load(path=build / "cscip-kg.trig", format=ox.RdfFormat.TRIG)
        found = {name: values(store, query, FIRST[param]) for name, (param, query) in NAMED.items()}
        projects = values(store, PROJECTS, "project:family-safeguarding")
        return cls(load_catalogue(build / "queries"), {**found, "describe": projects, "page": projects}, itertools.count())

    def posted(self, name: str) -> bool:
        """Whether ``name`` goes as a POST: its longest form (with prologue and comment) overflows a GET."""
        if name == "page":
            return False
        if name not in self._posted:
            longest = max(len(urllib.parse.urlencode({"query": sparql_prologue() + self.text(name, v) + "\n# 0-0"}))
                          for v in self.values[name])
            self._posted[name] = longest > MAX_GET
        return self._posted[name]

    def text(self, name: str, value: str) -> str:
        if name == "describe":
            return f"DESCRIBE {value}"
        return self.catalogue[name].bind({NAMED[name][0]: value})

    def source(self, server_path: str, prologue: bool, name: str, cached: bool):  # type: ignore[no-untyped-def]
        """A request source for one query (see client.Source)."""
        salt = next(self.salt)  # a fresh salt per source: uncached requests never repeat across runs
        options = self.values[name]
        post = self.posted(name)

        def make(number: int) -> tuple[str, str, bytes | None]:
            value = options[0] if cached else options[abs(number) % len(options)]
            if name == "page":
                slug = value.split(":", 1)[1]
                return f"/id/project/{slug}" + ("" if cached else f"?nonce={salt}-{number}"), "text/html", None
            text = (sparql_prologue() if prologue else "") + self.text(name, value)
            if not cached:
                text += f"\n# {salt}-{number}"
            accept = NTRIPLES if name == "describe" else SPARQL_JSON
            form = urllib.parse.urlencode({"query": text})
            return (server_path, accept, form.encode()) if post else (f"{server_path}?{form}", accept, None)
        return make

    def mix_source(self, server_path: str, prologue: bool, cached: bool):  # type: ignore[no-untyped-def]
        """The SPARQL queries of the mix in turn (request n asks query n mod 6)."""
        sources = [self.source(server_path, prologue, name, cached) for name in SPARQL_QUERIES]

        def make(number: int) -> tuple[str, str, bytes | None]:
            return sources[abs(number) % len(sources)](number // len(sources))
        return make

    def dump(self, server_path: str, dump_path: str) -> tuple[str, str, None]:
        if dump_path == "/store":
            return dump_path, "application/n-quads", None
        if dump_path:
            return dump_path, NTRIPLES, None
        return f"{server_path}?{urllib.parse.urlencode({'query': 'CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }'})}", NTRIPLES, None
