"""schema.org JSON-LD for an entity page, so search engines and tools read the page as data.

Built from the same Description as the page (no extra query). The template
writes it with Jinja's ``tojson``, which escapes ``<``, ``>`` and ``&``, so a
label containing ``</script>`` or ``<!--`` cannot end the script element.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from cscip_kg.describe import Description
from cscip_kg.server.rendering.vocabulary import DCTERMS, SCHEMA, SCHEMA_TYPES, SKOS


def _values(description: Description, predicate: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
    return list(description.grouped(description.iri).get(predicate, {}))


def _texts(description: Description, predicate: str) -> list[str]:
    return [v.value for v in _values(description, predicate) if isinstance(v, ox.Literal)]


def schema_type(description: Description, cscip_base: str) -> str:
    for kind in description.types():
        local = kind.value[len(cscip_base):] if kind.value.startswith(cscip_base) else ""
        if local in SCHEMA_TYPES:
            return SCHEMA_TYPES[local]
    return "Thing"


def jsonld(description: Description, title: str, url: str, cscip_base: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": schema_type(description, cscip_base),
        "@id": description.iri.value,
        "name": title,
        "url": url,
    }
    other_names = sorted(set(_texts(description, SKOS + "altLabel")) - {title})
    if other_names:
        data["alternateName"] = other_names
    text = _texts(description, DCTERMS + "description") or _texts(description, SKOS + "definition")
    if text:
        data["description"] = text[0]
    sources = [v.value for v in _values(description, DCTERMS + "source") if isinstance(v, ox.NamedNode)]
    if sources:
        data["isBasedOn"] = sources
    amount = _amount(description)
    if amount:
        data["amount"] = amount
    return data


def _amount(description: Description) -> dict[str, Any] | None:
    for node in _values(description, SCHEMA + "amount"):
        inner = description.grouped(node)
        value = next((v.value for v in inner.get(SCHEMA + "value", {}) if isinstance(v, ox.Literal)), None)
        currency = next((v.value for v in inner.get(SCHEMA + "currency", {}) if isinstance(v, ox.Literal)), None)
        if value is not None:
            return {"@type": "MonetaryAmount", "value": value, **({"currency": currency} if currency else {})}
    return None
