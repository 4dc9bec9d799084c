"""The remote backend: the same queries, answered by a SPARQL 1.1 store over HTTP.

``RemoteEngine.query`` refuses what the embedded engine refuses (the same engine.guard),
parses the query locally so a malformed one gets the same 400 and position as
embedded, then sends it with SPARQLWrapper (POST, the project prefixes as a
prologue) and parses the answer back into pyoxigraph objects.

Identical answers need an identical dataset. Embedded, the default graph holds
each triple of the build's graphs once, and every source graph is a named graph.
A store may hold other data, and its default graph means different things per
product (Fuseki's unionDefaultGraph, Oxigraph's --union-default-graph, GraphDB's
merged default; and a union of several graphs may repeat a triple once per graph),
so every request states its dataset: the default graph is the publication's
``<base>graph/default`` (the build's default graph, published as one graph) and
the named graphs are exactly the source graphs the manifest names, unless the
caller gave its own (the SPARQL protocol's own override, as embedded).
"""

from __future__ import annotations

import json
import urllib.error
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from cscip_kg.engine import Prepared, QueryError, QueryResult, guard
from cscip_kg.store import StoreConfig, StoreError, StoreUnavailable, http_error, unavailable

if TYPE_CHECKING:
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

# SPARQLWrapper's names for the query forms; SPARQLWrapper itself is imported only when a query goes
# out, since every `cscip-kg serve` imports this module and most serve an embedded store.
ASK, CONSTRUCT, SELECT = "ASK", "CONSTRUCT", "SELECT"

# One Accept per query form: offered both, Virtuoso answers a CONSTRUCT in SPARQL JSON results (s, p, o rows).
ACCEPT = "application/sparql-results+json"
ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.8"
DCTERMS = "http://purl.org/dc/terms/"
VOID_TRIPLES = "http://rdfs.org/ns/void#triples"
NO_GRAPH = "urn:x-cscip-kg:no-graph"


def manifest_graph(base: str) -> str:
    """The named graph where `publish` records which build is live (never part of the answers)."""
    return f"{base}graph/manifest"


def default_graph(base: str) -> str:
    """The graph `publish` puts the build's default graph in: each triple once (not a named graph of the answers)."""
    return f"{base}graph/default"


class NotPublished(Exception):
    """The store holds no (or another) cscip-kg publication; the message says what to run."""


@dataclass(frozen=True)
class Publication:
    version: str
    graphs: dict[str, int]  # live graph IRI → triples, as published (the default graph's stand-in included)
    default: str | None = None  # the stand-in for the default graph, if this publication has one

    @property
    def sources(self) -> tuple[str, ...]:
        """The named graphs of the answers: every published graph but the default graph's stand-in."""
        return tuple(g for g in self.graphs if g != self.default)


class RemoteEngine:
    """Answers queries from one publication of the graph in a remote store."""

    def __init__(self, config: StoreConfig, publication: Publication, prefixes: dict[str, str]) -> None:
        self.config = config
        self.publication = publication
        self.version = publication.version
        self.prefixes = prefixes
        self._prologue = "".join(f"PREFIX {p}: <{n}>\n" for p, n in prefixes.items())
        self._parser = ox.Store()  # stays empty: only used to check syntax

    def query(self, prepared: Prepared) -> QueryResult:
        graphs = tuple(self.publication.graphs)
        prepared, own_dataset = guard(prepared, frozenset(graphs), self.prefixes)
        try:
            # Results are lazy, so on an empty store this parses and evaluates nothing.
            form = self._parser.query(prepared.text, prefixes=self.prefixes)
        except SyntaxError as error:
            raise QueryError(str(error)) from error
        kind = CONSTRUCT if isinstance(form, ox.QueryTriples) else ASK if isinstance(form, ox.QueryBoolean) else SELECT
        if own_dataset is not None:
            # The query's FROM clauses (published graphs only: guarded), stated as parameters. The protocol
            # has no way to say "no graphs", so an IRI naming none stands for an empty default or named set.
            return run(self.config, self._prologue + own_dataset.text,
                       own_dataset.default_graphs or (NO_GRAPH,), own_dataset.named_graphs or (NO_GRAPH,), form=kind)
        sources = self.publication.sources
        default = (self.publication.default,) if self.publication.default else sources
        return run(self.config, self._prologue + prepared.text, prepared.default_graphs or default,
                   prepared.named_graphs or sources, form=kind)


def run(config: StoreConfig, text: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...],
        form: str = SELECT) -> QueryResult:
    """Send one query to the store and parse its answer; the one place remote queries go out.

    ``form`` is the query form as our own parse found it (SELECT, ASK, or CONSTRUCT for a CONSTRUCT or DESCRIBE).
    """
    from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import EndPointNotFound, QueryBadFormed, SPARQLWrapperException, Unauthorized, URITooLong

    wrapper = SPARQLWrapper(config.query_url)
    wrapper.setMethod(POST)
    wrapper.setRequestMethod(URLENCODED)
    # Content negotiation only: SPARQLWrapper would also send format=xml (and output=, results=), which
    # Virtuoso obeys over the Accept header, answering 406 (or XML) to a client that asked for JSON.
    wrapper.setOnlyConneg(True)
    wrapper.setQuery(text)
    # setQuery guesses the form with a regular expression that takes "address" for ADD and "moved" for MOVE
    # (in comments, IRIs, words), and would then send the query as an update. Our parse knows the form.
    wrapper.queryType = form
    for graph in default_graphs:
        wrapper.addDefaultGraph(graph)
    for graph in named_graphs:
        wrapper.addNamedGraph(graph)
    # Not setTimeout: it truncates to whole seconds, and 0 means wait forever.
    wrapper.timeout = config.timeout  # type: ignore[assignment]  # urllib takes float seconds
    for name, value in {"Accept": ACCEPT_GRAPH if form == CONSTRUCT else ACCEPT, **config.auth_headers()}.items():
        wrapper.addCustomHttpHeader(name, value)
    url = config.query_url
    try:
        response = wrapper.query().response
        with response:
            body = response.read()
            content_type = response.headers.get("Content-Type", "")
            cut = response.headers.get("X-SQL-State")
    except (QueryBadFormed, URITooLong) as error:
        raise QueryError(f"the triple store refused the query: {_reason(error)}") from None
    except Unauthorized:
        raise StoreUnavailable(f"the triple store at {url} refused our credentials (401); "
                               "check store_user/store_password or store_token") from None
    except EndPointNotFound:
        raise StoreUnavailable(f"the triple store at {url} is unavailable: no SPARQL endpoint there (404)") from None
    except SPARQLWrapperException as error:
        raise StoreUnavailable(f"the triple store at {url} is unavailable: {_reason(error)}") from None
    except urllib.error.HTTPError as error:
        with error:
            raise _as_unavailable(http_error(url, error, config.timeout)) from None
    except (urllib.error.URLError, OSError) as error:
        raise unavailable(url, error, config.timeout) from None
    if cut:  # Virtuoso's "anytime" answer: what it found before its own time limit, said only in a header
        raise StoreUnavailable(f"the triple store at {url} cut its answer short ({cut}: "
                               f"{response.headers.get('X-SQL-Message', 'no reason given')}); a partial answer is not shown")
    return parse_answer(body, content_type, url)


def _reason(error: SPARQLWrapperException) -> str:
    text = str(error)
    return text.split("Response:\n", 1)[-1][:500] if "Response:\n" in text else text


def _as_unavailable(error: Exception) -> Exception:
    # A query that passed our own parser and was refused with 4xx is the store's
    # limitation, not the user's mistake: the page cannot be answered.
    return StoreUnavailable(str(error)) if isinstance(error, StoreError) else error


def parse_answer(body: bytes, content_type: str, url: str) -> QueryResult:
    """Bytes from the store → the pyoxigraph object the embedded engine would have returned."""
    media = content_type.split(";")[0].strip()
    results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
    if results_format is not None:
        if results_format == ox.QueryResultsFormat.JSON:
            body = _standard_json(body)
        try:
            return ox.parse_query_results(body, format=results_format)
        except SyntaxError as error:
            raise StoreUnavailable(f"the triple store at {url} answered results that do not parse: {error}") from None
    graph_format = ox.RdfFormat.from_media_type(media) if media else None
    if graph_format is None:
        raise StoreUnavailable(f"the triple store at {url} answered in {media or 'an unnamed format'}, "
                               "which is neither SPARQL results nor RDF")
    # QueryTriples cannot be built directly; a CONSTRUCT over a scratch store yields one.
    scratch = ox.Store()
    scratch.bulk_load(body, format=graph_format)
    result = scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    return result


BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
CANONICAL_BOOLEAN = {"0": "false", "1": "true"}


def _standard_json(body: bytes) -> bytes:
    """SPARQL JSON results as the standard writes them: Virtuoso labels blank nodes ``nodeID://b1``
    (not a valid blank node label) and writes booleans as "0"/"1"; both are rewritten, nothing else."""
    if b"nodeID://" not in body and BOOLEAN.encode() not in body:
        return body
    try:
        document = json.loads(body)
        for binding in document.get("results", {}).get("bindings", []):
            for term in binding.values():
                if term.get("type") == "bnode" and term.get("value", "").startswith("nodeID://"):
                    term["value"] = term["value"][len("nodeID://"):]
                elif term.get("datatype") == BOOLEAN and term.get("value") in CANONICAL_BOOLEAN:
                    term["value"] = CANONICAL_BOOLEAN[term["value"]]
    except (ValueError, AttributeError, TypeError):
        return body  # not what it claims: the parser says why
    return json.dumps(document).encode("utf-8")


def read_publication(config: StoreConfig, base: str) -> Publication | None:
    """What the manifest graph says is live, or None if nothing was ever published under ``base``."""
    manifest = manifest_graph(base)
    text = f"""SELECT ?version ?graph ?triples WHERE {{ GRAPH <{manifest}> {{
      <{manifest}> <{DCTERMS}hasVersion> ?version .
      OPTIONAL {{ <{manifest}> <{DCTERMS}hasPart> ?graph . ?graph <{VOID_TRIPLES}> ?triples }} }} }}"""
    result = run(config, text, (manifest,), (manifest,))
    assert isinstance(result, ox.QuerySolutions)
    versions: set[str] = set()
    graphs: dict[str, int] = {}
    for row in result:
        version, graph, triples = row["version"], row["graph"], row["triples"]
        if isinstance(version, ox.Literal):
            versions.add(version.value)
        if isinstance(graph, ox.NamedNode) and isinstance(triples, ox.Literal):
            graphs[graph.value] = int(triples.value)
    if len(versions) != 1:
        return None
    default = default_graph(base)
    return Publication(versions.pop(), dict(sorted(graphs.items())), default if default in graphs else None)


def connect(config: StoreConfig, base: str, prefixes: dict[str, str], version: str | None = None) -> RemoteEngine:
    """A RemoteEngine on what is live in the store; with ``version``, refuse any other publication."""
    publication = read_publication(config, base)
    hint = f"run `cscip-kg publish --store {config.query_url} --build <build folder>`"
    if publication is None:
        raise NotPublished(f"the triple store at {config.query_url} holds no cscip-kg graph under {base}: {hint}")
    if version is not None and publication.version != version:
        raise NotPublished(f"the triple store at {config.query_url} holds graph version {publication.version}, "
                           f"but the build is version {version}: {hint} (or serve the build that was published)")
    return RemoteEngine(config, publication, prefixes)
