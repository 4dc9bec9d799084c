"""gzip content coding and versioned static files, against the live server: one rule per test."""

from __future__ import annotations

import gzip
import re
import urllib.parse
from email.message import Message
from pathlib import Path

import pytest

from tests.server.live import BROWSER, fetch, local_fetch, open_app

pytestmark = pytest.mark.slow

PAGE = "id/source/dfe-insights-2021"
YASQE = "static/vendor/yasqe/yasqe.min.js"
GZ = {"Accept": BROWSER, "Accept-Encoding": "gzip, deflate, br"}


def query(text: str) -> str:
    return "sparql?" + urllib.parse.urlencode({"query": text})


def vary(headers: Message) -> set[str]:
    value = headers.get("Vary") or ""
    return {part.strip().lower() for part in value.split(",") if part.strip()}


@pytest.mark.parametrize("accept_encoding", ["gzip", "gzip, deflate, br", "br;q=1, gzip;q=0.5", "*", "x-gzip",
                                             "identity;q=0.5, gzip"])
def test_gzip_when_asked(server: str, accept_encoding: str):
    plain = fetch(server + PAGE, headers={"Accept": BROWSER})
    packed = fetch(server + PAGE, headers={"Accept": BROWSER, "Accept-Encoding": accept_encoding})
    assert packed.status == 200 and packed.headers["Content-Encoding"] == "gzip"
    assert int(packed.headers["Content-Length"]) == len(packed.body) < len(plain.body) / 4
    assert gzip.decompress(packed.body) == plain.body  # encoded exactly once


@pytest.mark.parametrize("accept_encoding", [None, "identity", "gzip;q=0", "deflate, br", "*;q=0, identity",
                                             "gzip;q=0.5, identity", "gzip;q=nonsense"])
def test_identity_when_not_asked_or_refused(server: str, accept_encoding: str | None):
    headers = {"Accept": BROWSER} if accept_encoding is None else {"Accept": BROWSER, "Accept-Encoding": accept_encoding}
    answer = fetch(server + PAGE, headers=headers)
    assert answer.status == 200 and "Content-Encoding" not in answer.headers
    assert int(answer.headers["Content-Length"]) == len(answer.body) and answer.body.lstrip().startswith(b"<!doctype")


@pytest.mark.parametrize(("path", "accept"), [(PAGE, "text/turtle"), (PAGE, "application/ld+json"),
                                              (PAGE, "application/n-triples"), (PAGE, "application/rdf+xml"),
                                              (query("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 200"), "application/sparql-results+json"),
                                              (query("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 200"), "text/csv")])
def test_every_text_format_is_compressed_and_varies_on_both(server: str, path: str, accept: str):
    packed = fetch(server + path, headers={"Accept": accept, "Accept-Encoding": "gzip"})
    plain = fetch(server + path, headers={"Accept": accept})
    assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.body) == plain.body
    assert packed.headers["Content-Type"] == plain.headers["Content-Type"]
    assert {"accept", "accept-encoding"} <= vary(packed.headers) == vary(plain.headers)


def test_small_answers_are_not_compressed(server: str):
    answer = fetch(server + query("ASK { ?s ?p ?o }"), headers={"Accept": "application/sparql-results+json", "Accept-Encoding": "gzip"})
    assert answer.status == 200 and len(answer.body) < 1024
    assert "Content-Encoding" not in answer.headers and "accept-encoding" not in vary(answer.headers)


def test_gzip_answer_has_its_own_etag_and_304(server: str):
    packed = fetch(server + PAGE, headers=GZ)
    plain = fetch(server + PAGE, headers={"Accept": BROWSER})
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = fetch(server + PAGE, headers={**GZ, "If-None-Match": packed.headers["ETag"]})
    assert again.status == 304 and again.body == b"" and again.headers["ETag"] == packed.headers["ETag"]
    assert "accept-encoding" in vary(again.headers)
    # The gzip tag does not validate the identity answer, nor the identity tag the gzip one.
    assert fetch(server + PAGE, headers={"Accept": BROWSER, "If-None-Match": packed.headers["ETag"]}).status == 200
    assert fetch(server + PAGE, headers={**GZ, "If-None-Match": plain.headers["ETag"]}).headers["Content-Encoding"] == "gzip"


def test_etags_hold_when_no_answer_is_kept(build_dir: Path):
    # With no cache every request is decided afresh: the gzip tag before any work, the identity one after it.
    path = query("SELECT ?s WHERE { ?s a ?t } LIMIT 300")
    csv, packed = {"Accept": "text/csv"}, {"Accept": "text/csv", "Accept-Encoding": "gzip"}
    with open_app({"build": str(build_dir), "workers": 1, "cache_mb": 0}) as app:
        client = app.test_client()
        gz_tag = local_fetch(client, path, headers=packed).headers["ETag"]
        tag = local_fetch(client, path, headers=csv).headers["ETag"]
        assert local_fetch(client, path, headers={**packed, "If-None-Match": gz_tag}).status == 304
        assert local_fetch(client, path, headers={**csv, "If-None-Match": tag}).status == 304
        assert local_fetch(client, path, headers={**csv, "If-None-Match": gz_tag}).status == 200
        fresh = local_fetch(client, path, headers={**packed, "If-None-Match": tag})
        assert fresh.status == 200 and fresh.headers["Content-Encoding"] == "gzip" and fresh.headers["ETag"] == gz_tag


@pytest.mark.parametrize("path", [query("SELECT ?o WHERE { ?s ?p ?o } LIMIT 150"), YASQE])
def test_head_has_the_headers_of_get(server: str, path: str):
    head = fetch(server + path, method="HEAD", headers={"Accept": "text/csv", "Accept-Encoding": "gzip"})  # HEAD first
    get = fetch(server + path, headers={"Accept": "text/csv", "Accept-Encoding": "gzip"})
    assert head.status == get.status == 200 and head.body == b""
    for header in ("Content-Encoding", "Content-Length", "Content-Type", "ETag", "Vary", "Cache-Control"):
        assert head.headers[header] == get.headers[header], header


def test_a_download_is_sent_from_the_builds_gzip_copy(server: str):
    plain = fetch(server + "download/cscip-kg.nt")
    packed = fetch(server + "download/cscip-kg.nt", headers={"Accept-Encoding": "gzip"})
    assert packed.status == 200 and packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.body) == plain.body and int(packed.headers["Content-Length"]) == len(packed.body)
    assert packed.headers["Content-Type"] == plain.headers["Content-Type"] and packed.headers["ETag"] != plain.headers["ETag"]
    assert "accept-encoding" in vary(packed.headers) and "Content-Encoding" not in plain.headers
    again = fetch(server + "download/cscip-kg.nt", headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status == 304


def test_a_range_of_a_download_is_of_the_identity_bytes(server: str):
    whole = fetch(server + "download/cscip-kg.ttl")
    part = fetch(server + "download/cscip-kg.ttl", headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert part.status == 206 and "Content-Encoding" not in part.headers and part.body == whole.body[:100]


def test_a_range_of_a_static_file_is_of_the_identity_bytes(server: str):
    whole = fetch(server + YASQE)
    part = fetch(server + YASQE, headers={"Accept-Encoding": "gzip", "Range": "bytes=100-199"})
    assert part.status == 206 and "Content-Encoding" not in part.headers and part.body == whole.body[100:200]


def test_static_files_are_compressed_once_and_exactly(server: str):
    plain = fetch(server + YASQE)
    packed = fetch(server + YASQE, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.body) == plain.body
    assert packed.headers["ETag"] != plain.headers["ETag"] and "accept-encoding" in vary(packed.headers)
    assert fetch(server + YASQE, headers={"Accept-Encoding": "gzip"}).body == packed.body


def test_pages_reference_versioned_static_urls(server: str):
    html = fetch(server + "editor", headers={"Accept": BROWSER}).text
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert any("yasqe.min.js" in url for url in urls) and any("site.css" in url for url in urls)
    assert all(re.search(r"\?v=[0-9a-f]{16}$", url) for url in urls), urls


def test_a_versioned_static_url_is_immutable(server: str):
    html = fetch(server + "editor", headers={"Accept": BROWSER}).text
    url = re.search(r'src="/(static/vendor/yasqe/yasqe\.min\.js\?v=[0-9a-f]+)"', html)
    assert url is not None
    for headers in ({}, {"Accept-Encoding": "gzip"}):
        answer = fetch(server + url.group(1), headers=headers)
        assert answer.status == 200 and answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("suffix", ["", "?v=0000000000000000"])
def test_an_unversioned_or_stale_static_url_revalidates(server: str, suffix: str):
    answer = fetch(server + YASQE + suffix)
    assert answer.headers["Cache-Control"] == "no-cache"
    assert fetch(server + YASQE + suffix, headers={"If-None-Match": answer.headers["ETag"]}).status == 304


def test_no_answer_sets_a_cookie_and_authorised_requests_get_identity(server: str):
    for path in ("", PAGE, "editor", "sparql", YASQE, "search?q=family"):
        assert "Set-Cookie" not in fetch(server + path, headers=GZ).headers, path
    answer = fetch(server + PAGE, headers={**GZ, "Authorization": "Basic dXNlcjpwYXNz"})
    assert answer.status == 200 and "Content-Encoding" not in answer.headers
