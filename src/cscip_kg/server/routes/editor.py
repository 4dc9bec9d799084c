"""/editor: YASQE (vendored and served from here) editing queries run against this server's /sparql.

The configuration (endpoint, example tabs from the named queries, an optional
starting query) is a JSON data block read by static/editor.js, so the page has
no inline script and the editor reaches no other server: no prefix or
vocabulary look-ups. editor.js draws the tabs and the results table itself;
YASGUI's results half (YASR) was most of the page's load time.
"""

from __future__ import annotations

import re

from flask import Blueprint, render_template, request, url_for

from cscip_kg.opened import Build
from cscip_kg.queries import NamedQuery, ParameterError
from cscip_kg.server.cache import per_build
from cscip_kg.server.context import current_build

bp = Blueprint("editor", __name__)

MAX_QUERY = 20_000
START = """# Every practice model and the projects that implement it
SELECT ?model ?modelLabel (COUNT(?project) AS ?projects) WHERE {
  ?model a cscip:PracticeModel ; rdfs:label ?modelLabel .
  OPTIONAL { ?project cscip:implementsModel ?model }
}
GROUP BY ?model ?modelLabel
ORDER BY DESC(?projects) ?modelLabel"""


def with_prefixes(text: str, prefixes: dict[str, str]) -> str:
    """The query with PREFIX lines for the predefined prefixes it uses, so it stands alone if copied elsewhere.

    (The editor's checker knows the server's prefixes now, editor.js telling it; other endpoints do not.)
    """
    declared = set(re.findall(r"(?im)^\s*PREFIX\s+([A-Za-z][\w-]*)?:", text))
    used = [p for p in prefixes if p not in declared and re.search(rf"(?<![\w?$:/#-]){re.escape(p)}:", text)]
    lines = [f"PREFIX {p}: <{prefixes[p]}>" for p in used]
    return "\n".join([*lines, text]) if lines else text


def bound(query: NamedQuery, prefixes: dict[str, str]) -> str:
    """The query as its question page runs it by default: parameters bound to their default values.

    A comment says which values were bound, so a reader can change them; optional
    parameters without a default stay unbound, which is what the question page does too.
    """
    defaults = {p.name: p.default for p in query.parameters if p.default}
    if not defaults:
        return query.text
    note = ", ".join(f"{name} = {value}" for name, value in defaults.items())
    return f"# Bound to the question's default: {note} (the IRI written into the query below)\n{query.bind({}, prefixes)}"


def _examples(build: Build) -> list[dict[str, str]]:
    return [{"id": name, "name": q.title, "query": with_prefixes(bound(q.under(build.prefixes), build.prefixes), build.prefixes)}
            for name, q in sorted(build.catalogue.items())]


def _named(build: Build) -> tuple[str, str]:
    """The example tab to open (``?tab=NAME``), or the question's text bound to the other parameters given.

    A question page links here by name, not by text: its text would make an address
    too long for a default proxy (8 KB in nginx; authority-profile is 8,288 characters).
    """
    name = request.args.get("tab", "")
    query = build.catalogue.get(name)
    if query is None:
        return "", ""
    given = {k: v for k, v in request.args.items() if k not in ("tab", "query") and v}
    if not given:
        return name, ""
    try:
        return "", with_prefixes(query.bind(given, build.prefixes), build.prefixes)
    except (ParameterError, ValueError):  # as the question page does: a value it cannot bind opens the question as written
        return name, ""


@bp.route("/editor")
def editor() -> str:
    build = current_build()
    # The tabs depend only on the build; finding the prefixes each one uses was nearly all of the page's server time.
    examples = per_build("editor-examples", _examples)
    given = request.args.get("query", "")[:MAX_QUERY]
    tab, bound_query = _named(build)
    config = {
        "endpoint": url_for("sparql.endpoint", _external=True),
        "examples": examples,
        "query": with_prefixes(given, build.prefixes) if given else bound_query,
        "tab": tab,
        "prefixes": build.prefixes,
        "start": per_build("editor-start", lambda b: with_prefixes(START, b.prefixes)),
        # Result IRIs minted here open this server's page for them, as the site's own tables do: the canonical
        # base (w3id.org) would leave the instance, and does not answer offline or on another deployment.
        "base": build.base,
        "local": request.script_root + "/",
    }
    return render_template("editor.html", build=build, config=config)
