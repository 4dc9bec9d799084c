"""/download/: every dump the build wrote; /.well-known/void and /dataset: the VoID/DCAT description."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, send_file, url_for
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from cscip_kg.layout import DUMPS, VOID_FILE
from cscip_kg.server import formats
from cscip_kg.server.context import current_build, negotiated

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
    return send_file(current_build().folder / name, mimetype=media, as_attachment=False, etag=current_build().version)


@bp.route("/.well-known/void")
def void() -> BaseResponse:
    return _void(html_allowed=False)


@bp.route("/dataset")
def dataset() -> BaseResponse:
    return _void(html_allowed=True)


def _void(html_allowed: bool) -> BaseResponse:
    offered = (*formats.GRAPHS, formats.HTML) if html_allowed else formats.GRAPHS
    fmt = negotiated(offered)
    if fmt is formats.HTML:
        # People reading about the dataset want the home page, which describes it.
        return redirect(url_for("pages.home"), code=303)
    build = current_build()
    response = Response(formats.serialize_triples(build.void, fmt, build.prefixes), content_type=fmt.content_type)
    response.vary.add("Accept")
    return response
