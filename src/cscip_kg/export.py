"""Export the graph's grants in the shape of the 360Giving Data Standard (CSV and JSON).

Identifiers use the placeholder prefix ``360G-cscipkg-``: 360Giving identifiers
need a prefix registered with 360Giving, and this project has none. Organisation
identifiers are ``360G-cscipkg-org-<slug>`` for the same reason: no stored
source gives a charity, company or government-register number for any of them
(see docs/data-conventions.md). "Award Date" is the day a source says the grant
was announced where one does; it is left empty where no source dates the award,
never filled with a round's start year.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cscip_kg.build import CompiledGraph
from cscip_kg.engine import Prepared

PREFIX = "360G-cscipkg-"
FUNDER = "organisation/department-for-education"

# The 360Giving CSV column titles for the fields exported, in order.
COLUMNS = (
    "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
    "Recipient Org:Identifier", "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name",
    "Grant Programme:Title", "Amount Is Ceiling",
)
# The fields the 360Giving schema requires of every grant (CSV titles).
REQUIRED = (
    "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
    "Recipient Org:Identifier", "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name",
)

GRANTS_QUERY = """
SELECT ?grant ?title ?description ?amount ?upTo ?announced ?round ?roundLabel
       (SAMPLE(?lead) AS ?recipient) (SAMPLE(?leadLabel) AS ?recipientName)
       (GROUP_CONCAT(DISTINCT ?leadLabel; separator="; ") AS ?leads) ?funderName
WHERE {
  ?grant a cscip:Grant ; rdfs:label ?title ; dcterms:description ?description ;
         cscip:round ?round ; cscip:leadOrganisation ?lead ; schema:amount ?money .
  ?lead rdfs:label ?leadLabel .
  ?money schema:value ?amount .
  OPTIONAL { ?money cscip:upTo ?flag }
  BIND(COALESCE(?flag, false) AS ?upTo)
  OPTIONAL { ?grant cscip:announcedOn ?announced }
  ?round rdfs:label ?roundLabel .
  organisation:department-for-education rdfs:label ?funderName .
}
GROUP BY ?grant ?title ?description ?amount ?upTo ?announced ?round ?roundLabel ?funderName
ORDER BY ?roundLabel ?grant
"""


@dataclass(frozen=True)
class GrantRecord:
    """One grant as 360Giving fields (CSV column title -> value)."""

    fields: dict[str, str]

    def as_json(self) -> dict[str, object]:
        f = self.fields
        record: dict[str, object] = {
            "id": f["Identifier"],
            "title": f["Title"],
            "description": f["Description"],
            "currency": f["Currency"],
            "amountAwarded": float(f["Amount Awarded"]),
            "recipientOrganization": [{"id": f["Recipient Org:Identifier"], "name": f["Recipient Org:Name"]}],
            "fundingOrganization": [{"id": f["Funding Org:Identifier"], "name": f["Funding Org:Name"]}],
            "grantProgramme": [{"title": f["Grant Programme:Title"]}],
        }
        if f["Award Date"]:
            record["awardDate"] = f["Award Date"]
        return record


def local_id(iri: str, kind: str) -> str:
    """The project-local 360Giving identifier for a graph IRI of the given kind."""
    slug = iri.rstrip("/").rsplit("/", 1)[-1]
    return f"{PREFIX}{kind}-{slug}" if kind != "grant" else f"{PREFIX}{slug}"


def _text(term: object) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def grant_records(compiled: CompiledGraph) -> list[GrantRecord]:
    result = compiled.engine.query(Prepared(GRANTS_QUERY))
    assert isinstance(result, ox.QuerySolutions)
    records = []
    for row in result:
        leads = _text(row["leads"])
        description = _text(row["description"])
        if ";" in leads:
            # 360Giving has one recipient per grant; joint leads are named in the description.
            description = f"{description} Joint leads: {leads}."
        records.append(GrantRecord({
            "Identifier": local_id(_text(row["grant"]), "grant"),
            "Title": _text(row["title"]),
            "Description": description,
            "Currency": "GBP",
            "Amount Awarded": _text(row["amount"]),
            "Award Date": _text(row["announced"]),
            "Recipient Org:Identifier": local_id(_text(row["recipient"]), "org"),
            "Recipient Org:Name": _text(row["recipientName"]),
            "Funding Org:Identifier": local_id(FUNDER, "org"),
            "Funding Org:Name": _text(row["funderName"]),
            "Grant Programme:Title": _text(row["roundLabel"]),
            "Amount Is Ceiling": "true" if _text(row["upTo"]) == "true" else "false",
        }))
    return records


def write_360giving(compiled: CompiledGraph, out: Path) -> list[Path]:
    """Write grants.csv and grants.json (a 360Giving package) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    records = grant_records(compiled)
    csv_path, json_path = out / "grants.csv", out / "grants.json"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        for record in records:
            writer.writerow(record.fields)
    package = {"grants": [r.as_json() for r in records]}
    json_path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return [csv_path, json_path]
