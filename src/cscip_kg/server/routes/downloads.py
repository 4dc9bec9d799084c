"""/download/: every dump the build wrote; /.well-known/void and /dataset: the VoID/DCAT description."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request, send_file
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from cscip_kg.layout import DUMPS, GZIP_SUFFIX, VOID_FILE
from cscip_kg.opened import Build
from cscip_kg.server.compression import GZIP, gzip_etag, wants_gzip
from cscip_kg.server.context import current_build, negotiated
from cscip_kg.server.rendering import formats

bp = Blueprint("downloads", __name__)

FILES = {name: media for name, _fmt, media in DUMPS} | {VOID_FILE: "text/turtle"}


@bp.route("/download/")
def index() -> str:
    build = current_build()
    files = [(name, media, (build.folder / name).stat().st_size) for name, media in FILES.items()]
    return render_template("downloads.html", files=files, build=build)


@bp.route("/download/<name>")
def download(name: str) -> BaseResponse:
    if name not in FILES:
        raise NotFound(f"no download named {name!r}; see /download/")
    media = FILES[name]
    if media.startswith("text/"):
        media += "; charset=utf-8"
    build = current_build()
    # The build's gzip copy when accepted (never for a Range: its offsets count the identity bytes); older builds have none.
    packed = build.folder / (name + GZIP_SUFFIX)
    if not packed.is_file():
        return send_file(build.folder / name, mimetype=media, as_attachment=False, etag=build.version)
    if wants_gzip(request.environ):
        response = send_file(packed, mimetype=media, as_attachment=False, etag=gzip_etag(build.version))
        response.content_encoding = GZIP
    else:
        response = send_file(build.folder / name, mimetype=media, as_attachment=False, etag=build.version)
    response.vary.add("Accept-Encoding")
    return response


@bp.route("/.well-known/void")
def void() -> BaseResponse:
    return _void()


@bp.route("/dataset")
def dataset() -> BaseResponse:
    return _void()


def _void() -> BaseResponse:
    # RDF first, so a client accepting anything gets the description; a browser, which names text/html, gets a page.
    fmt = negotiated((*formats.GRAPHS, formats.HTML))
    build = current_build()
    if fmt is formats.HTML:
        response = Response(render_template("dataset.html", build=build, facts=dataset_facts(build),
                                            files=[(name, media) for name, media in FILES.items()]))
        response.vary.add("Accept")
        return response
    response = Response(formats.serialize_triples(build.void, fmt, build.prefixes), content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


VOID_NS = "http://rdfs.org/ns/void#"
SHOWN = {"http://purl.org/dc/terms/title": "title", "http://purl.org/dc/terms/description": "description",
         "http://purl.org/dc/terms/license": "licence", "http://www.w3.org/2002/07/owl#versionInfo": "software version",
         VOID_NS + "triples": "triples", VOID_NS + "entities": "entities", VOID_NS + "sparqlEndpoint": "SPARQL endpoint"}


def dataset_facts(build: Build) -> dict[str, str]:
    """The dataset's own statements from the VoID file, keyed by what a reader calls them."""
    subject = f"{build.base}dataset"
    return {SHOWN[t.predicate.value]: t.object.value for t in build.void
            if isinstance(t.subject, ox.NamedNode) and t.subject.value == subject and t.predicate.value in SHOWN
            and isinstance(t.object, ox.NamedNode | ox.Literal)}
