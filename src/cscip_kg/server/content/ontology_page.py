"""The ontology's own page (/def/): its metadata in words, then its terms grouped, each with its label and definition.

The ontology IRI's description is a handful of metadata triples (title, version, vann prefix), which say nothing of
what the vocabulary holds; a reader wants the terms. They are read from the served ontology graph once per build,
grouped as classes, lineage properties (the build's rule, ``lineage_words``), object, datatype and other
properties, and the standard vocabularies' terms the data may use (declared in ontology/external-terms.ttl).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from cscip_kg.describe import Description
from cscip_kg.engine import Prepared
from cscip_kg.namespaces import compact
from cscip_kg.opened import Build
from cscip_kg.server.cache import per_build
from cscip_kg.server.content.lineage_words import lineage_words
from cscip_kg.server.rendering.links import Link, href

OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCTERMS = "http://purl.org/dc/terms/"
CLASSES = (OWL + "Class", RDFS + "Class")
KINDS = {OWL + "ObjectProperty": "object", OWL + "DatatypeProperty": "datatype",
         OWL + "AnnotationProperty": "other", RDF + "Property": "other"}
GROUPS = (("classes", "Classes", "The kinds of thing the graph describes."),
          ("lineage", "Lineage properties", "Where a thing came from and where it spread: the build derives the "
           "lineage graph from these (each link of it names the sources it was derived from)."),
          ("object", "Object properties", "Properties whose value is another thing."),
          ("datatype", "Datatype properties", "Properties whose value is text, a number or a date."),
          ("other", "Other properties", "Annotation properties and properties whose value may be either."),
          ("external", "Terms of other vocabularies used here",
           "Standard terms the data may use, each defined by its own vocabulary."))
ORDER = [key for key, _title, _intro in GROUPS]
_TERMS = """SELECT ?term ?type ?label ?definition WHERE {{ GRAPH <{graph}> {{
  ?term a ?type FILTER(isIRI(?term) && ?type IN ({types}))
  OPTIONAL {{ ?term <{label}> ?label }} OPTIONAL {{ ?term <http://www.w3.org/2004/02/skos/core#definition> ?definition }}
}} }}"""


@dataclass
class Term:
    link: Link
    definition: str = ""


@dataclass
class Group:
    id: str
    title: str
    intro: str
    terms: list[Term] = field(default_factory=list)


@dataclass
class OntologyPage:
    title: str
    about: list[str]  # the ontology's metadata, a sentence each
    groups: list[Group]


def ontology_page(build: Build, description: Description) -> OntologyPage:
    """The page of the ontology IRI: its metadata in words and every term of the served ontology, grouped."""
    first = _first(description)
    title = first(DCTERMS + "title") or first(RDFS + "label") or "The ontology"
    return OntologyPage(title[:1].upper() + title[1:], _about(build, first),
                        [g for g in per_build("ontology-terms", _groups) if g.terms])


def _first(description: Description) -> Callable[[str], str]:
    """The first English (or untagged) value of a property of the ontology, as text."""
    values = {p: [o for o in objects if isinstance(o, ox.Literal | ox.NamedNode)]
              for p, objects in description.grouped(description.iri).items()}

    def first(predicate: str) -> str:
        found = values.get(predicate, [])
        english = [o for o in found if not isinstance(o, ox.Literal) or o.language in (None, "en")]
        return (english or found)[0].value if found else ""

    return first


def _about(build: Build, first: Callable[[str], str]) -> list[str]:
    about = [first(DCTERMS + "description")]
    if first(OWL + "versionInfo"):
        about.append(f"Version {first(OWL + 'versionInfo')}.")
    if first(DCTERMS + "license"):
        about.append(f"Published under the licence {first(DCTERMS + 'license')}.")
    prefix = first("http://purl.org/vocab/vann/preferredNamespacePrefix")
    if prefix:
        about.append(f"Its terms are written {prefix}:Term, short for {build.base}def/Term; "
                     "each term's link opens its own description.")
    return [sentence for sentence in about if sentence]


def _groups(build: Build) -> list[Group]:
    own = build.base + "def/"
    types = ", ".join(f"<{t}>" for t in (*CLASSES, *KINDS))
    result = build.engine.query(Prepared(_TERMS.format(graph=build.base + "graph/ontology", types=types,
                                                       label=RDFS + "label")))
    assert isinstance(result, ox.QuerySolutions)
    lineage = lineage_words()
    groups = {key: Group(key, title, intro) for key, title, intro in GROUPS}
    found: dict[str, tuple[str, str, str]] = {}  # term → (group, label, definition)
    for row in result:
        iri, kind = row["term"].value, row["type"].value
        group = "external" if not iri.startswith(own) else "classes" if kind in CLASSES \
            else "lineage" if iri in lineage else KINDS[kind]
        was, label, definition = found.get(iri, (group, "", ""))
        group = min(was, group, key=ORDER.index)  # a term of two types (owl:Class and rdfs:Class) is listed once
        found[iri] = (group, label or _text(row["label"]), definition or _text(row["definition"]))
    for iri, (key, label, definition) in found.items():
        text = label or compact(iri)
        groups[key].terms.append(Term(Link(text, href(build, iri), compact(iri)), definition))
    for each in groups.values():
        each.terms.sort(key=lambda term: term.link.text.lower())
    return list(groups.values())


def _text(term: object) -> str:
    return term.value if isinstance(term, ox.Literal) and term.language in (None, "en") else ""
