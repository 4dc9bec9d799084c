"""HTTP caching: validators and 304s against the live server; a new build version (an app in this process) gives new ETags."""

from __future__ import annotations

import json
import shutil
import urllib.parse
from pathlib import Path

import pytest

from tests.server.live import fetch, local_fetch, open_app

pytestmark = pytest.mark.slow

PAGE = "id/model/family-safeguarding"
QUERY = "sparql?" + urllib.parse.urlencode({"query": "SELECT ?m WHERE { ?m a cscip:PracticeModel } ORDER BY ?m"})


def test_get_answers_carry_validators(server: str):
    answer = fetch(server + PAGE, headers={"Accept": "text/turtle"})
    assert answer.status == 200
    assert answer.headers["ETag"].startswith('"') and answer.headers["ETag"].endswith('"')
    assert answer.headers["Last-Modified"].endswith("GMT")
    assert "max-age=" in answer.headers["Cache-Control"] and "must-revalidate" in answer.headers["Cache-Control"]


def test_repeated_answer_is_the_same_bytes_and_headers(server: str):
    first = fetch(server + QUERY, headers={"Accept": "text/csv"})
    second = fetch(server + QUERY, headers={"Accept": "text/csv"})
    assert first.status == second.status == 200
    assert first.body == second.body
    for header in ("ETag", "Content-Type", "Vary", "Access-Control-Allow-Origin", "Content-Security-Policy"):
        assert first.headers[header] == second.headers[header], header


@pytest.mark.parametrize("path", [PAGE, QUERY, "def/Project", ".well-known/void", ""])
def test_if_none_match_gives_304_without_a_body(server: str, path: str):
    etag = fetch(server + path, headers={"Accept": "text/turtle, text/html;q=0.5, text/csv;q=0.4"}).headers["ETag"]
    answer = fetch(server + path, headers={"Accept": "text/turtle, text/html;q=0.5, text/csv;q=0.4", "If-None-Match": etag})
    assert answer.status == 304
    assert answer.body == b""
    assert answer.headers["ETag"] == etag


def test_if_modified_since_gives_304(server: str):
    modified = fetch(server + PAGE, headers={"Accept": "text/html"}).headers["Last-Modified"]
    assert fetch(server + PAGE, headers={"Accept": "text/html", "If-Modified-Since": modified}).status == 304


def test_each_representation_has_its_own_etag(server: str):
    turtle = fetch(server + PAGE, headers={"Accept": "text/turtle"}).headers["ETag"]
    html = fetch(server + PAGE, headers={"Accept": "text/html"}).headers["ETag"]
    assert turtle != html
    stale = fetch(server + PAGE, headers={"Accept": "text/html", "If-None-Match": turtle})
    assert stale.status == 200 and stale.media_type == "text/html"


def test_errors_and_posts_are_not_cached(server: str):
    missing = fetch(server + "id/model/no-such-model")
    assert missing.status == 404 and "ETag" not in missing.headers
    query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    posted = fetch(server + "sparql", method="POST", data=query,
                   headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    assert posted.status == 200 and "ETag" not in posted.headers


def test_a_new_build_version_gives_new_etags(server: str, build_dir: Path, tmp_path: Path):
    old = fetch(server + PAGE, headers={"Accept": "text/turtle"}).headers["ETag"]
    other = tmp_path / "build"
    shutil.copytree(build_dir, other)
    manifest = json.loads((other / "manifest.json").read_text())
    (other / "manifest.json").write_text(json.dumps({**manifest, "version": "0123456789abcdef"}))
    with open_app({"build": str(other), "workers": 1}) as app:
        answer = local_fetch(app.test_client(), PAGE, headers={"Accept": "text/turtle", "If-None-Match": old})
    assert answer.status == 200
    assert answer.headers["ETag"] != old and "0123456789abcdef" in answer.headers["ETag"]
