"""Export the graph's grants as a 360Giving Data Standard 1.4 package (JSON) and CSV.

The standard requires every grant's ``awardDate`` as a full day. A grant is dated
by one documented rule: the earliest day-precision ``cscip:AwardDate`` with basis
``stated`` (for the round 2 grants, the day DfE announced the tranche; the award
decision was on or before it). A grant with no such date is left out of the
package, never given a made-up day, and listed with the reason in
``grants-left-out.csv`` beside it (docs/data-conventions.md, "360Giving export").

Identifiers: grants are ``<publisher prefix>-<grant slug>``; an organisation uses
its org-id.guide identifier where a source gives one (``adms:identifier`` with
scheme agency "org-id.guide"), otherwise ``<publisher prefix>-org-<slug>``; a local
authority carries its GSS code as a location of the organisation record.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from cscip_kg.build import CompiledGraph
from cscip_kg.engine import Prepared

FUNDER = "https://w3id.org/cscip-kg/id/organisation/department-for-education"
STANDARD_VERSION = "1.4"

# The 360Giving CSV column titles for the fields exported, in order.
COLUMNS = (
    "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
    "Recipient Org:Identifier", "Recipient Org:Name", "Recipient Org:Location:0:Geographic Code",
    "Recipient Org:Location:0:Geographic Code Type", "Funding Org:Identifier", "Funding Org:Name",
    "Grant Programme:Title", "Amount Is Ceiling",
)
LEFT_OUT_COLUMNS = ("Identifier", "Title", "Reason", "Award dates the sources give")

# 360Giving's geoCodeType codelist names the ONS entity of a GSS code by its prefix
# (codelists/geoCodeType.csv of the standard); these are the kinds of authority the graph has.
GEO_CODE_TYPES = {"E06": "UA", "E08": "MD", "E09": "LONB", "E10": "CTY"}

_PROLOGUE = """
PREFIX cscip: <https://w3id.org/cscip-kg/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX adms: <http://www.w3.org/ns/adms#>
"""

GRANTS_QUERY = _PROLOGUE + """
SELECT ?grant ?title ?description ?amount ?upTo ?roundLabel
       (SAMPLE(?lead) AS ?recipient) (GROUP_CONCAT(DISTINCT ?leadLabel; separator="; ") AS ?leads)
WHERE {
  ?grant a cscip:Grant ; rdfs:label ?title ; dcterms:description ?description ;
         cscip:round ?round ; cscip:leadOrganisation ?lead ; schema:amount ?money .
  ?lead rdfs:label ?leadLabel .
  ?money schema:value ?amount .
  OPTIONAL { ?money cscip:upTo ?flag }
  BIND(COALESCE(?flag, false) AS ?upTo)
  ?round rdfs:label ?roundLabel .
}
GROUP BY ?grant ?title ?description ?amount ?upTo ?roundLabel
ORDER BY ?roundLabel ?grant
"""

# Every award date of every grant, with what the rule and the left-out report need.
DATES_QUERY = _PROLOGUE + """
SELECT ?grant ?precision ?value ?basis ?label ?wording WHERE {
  ?grant a cscip:Grant ; cscip:awardDate ?date .
  ?date cscip:datePrecision ?precision ; cscip:basis ?basis ; rdfs:label ?label ; cscip:datesStatedAs ?wording .
  OPTIONAL { ?date cscip:dateValue ?value }
}
ORDER BY ?grant ?label
"""

# Name, org-id.guide identifier and GSS code of every organisation that leads a grant, and of the funder.
ORGANISATIONS_QUERY = _PROLOGUE + """
SELECT ?organisation ?name ?orgId ?gss WHERE {
  { ?grant a cscip:Grant ; cscip:leadOrganisation ?organisation }
  UNION { VALUES ?organisation { <""" + FUNDER + """> } }
  ?organisation rdfs:label ?name .
  OPTIONAL { ?organisation adms:identifier ?i . ?i adms:schemeAgency "org-id.guide" ; skos:notation ?orgId }
  OPTIONAL { ?organisation adms:identifier ?g . ?g adms:schemeAgency "Office for National Statistics" ;
                           skos:notation ?gss }
}
"""


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    gss: str = ""

    def as_json(self) -> dict[str, object]:
        record: dict[str, object] = {"id": self.id, "name": self.name}
        if self.gss:
            record["location"] = [{"geoCode": self.gss, "geoCodeType": GEO_CODE_TYPES.get(self.gss[:3]), "name": self.name}]
        return record


@dataclass(frozen=True)
class AwardDate:
    precision: str  # day, month, year or span
    value: str
    basis: str  # stated, inferred or claimed
    label: str
    wording: str

    def described(self) -> str:
        return f"{self.label} ({self.basis}; sources' words: {self.wording})"


@dataclass
class GrantRecord:
    """One grant as 360Giving fields (CSV column title -> value), and the dates the graph holds for it."""

    fields: dict[str, str]
    recipient: Organisation
    funder: Organisation
    dates: list[AwardDate] = field(default_factory=list)

    @property
    def award_date(self) -> str:
        """The rule: the earliest stated day; empty where the sources give no day."""
        days = sorted(d.value for d in self.dates if d.precision == "day" and d.basis == "stated")
        return days[0] if days else ""

    def left_out_reason(self) -> str:
        words = {"span": "between bounds", "year": "to the year", "month": "to the month", "day": "by an inferred day"}
        known = " or ".join(words[p] for p in sorted({d.precision for d in self.dates})) or "not at all"
        return ("No source gives the day of the award, which the 360Giving standard requires (awardDate); "
                f"the graph dates it only {known}.")

    def as_json(self) -> dict[str, object]:
        f = self.fields
        return {
            "id": f["Identifier"],
            "title": f["Title"],
            "description": f["Description"],
            "currency": f["Currency"],
            "amountAwarded": float(f["Amount Awarded"]),
            "awardDate": self.award_date,
            "recipientOrganization": [self.recipient.as_json()],
            "fundingOrganization": [self.funder.as_json()],
            "grantProgramme": [{"title": f["Grant Programme:Title"]}],
        }


def _text(term: object) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _local(term: object) -> str:
    """The local name of an ontology term: cscip:dayPrecision -> day, cscip:stated -> stated."""
    return _slug(_text(term)).removesuffix("Precision")


def _solutions(compiled: CompiledGraph, query: str) -> ox.QuerySolutions:
    result = compiled.engine.query(Prepared(query))
    assert isinstance(result, ox.QuerySolutions)
    return result


def _organisations(compiled: CompiledGraph, prefix: str) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    for row in _solutions(compiled, ORGANISATIONS_QUERY):
        iri = _text(row["organisation"])
        org_id = _text(row["orgId"]) or f"{prefix}-org-{_slug(iri)}"
        found[iri] = Organisation(org_id, _text(row["name"]), _text(row["gss"]))
    return found


def _dates(compiled: CompiledGraph) -> dict[str, list[AwardDate]]:
    dates: dict[str, list[AwardDate]] = defaultdict(list)
    for row in _solutions(compiled, DATES_QUERY):
        dates[_text(row["grant"])].append(AwardDate(
            _local(row["precision"]), _text(row["value"]), _local(row["basis"]), _text(row["label"]), _text(row["wording"])))
    return dates


def grant_records(compiled: CompiledGraph, prefix: str) -> list[GrantRecord]:
    """Every grant with an amount, as 360Giving fields; ``prefix`` is the publisher prefix (e.g. 360G-cscipkg)."""
    organisations, dates = _organisations(compiled, prefix), _dates(compiled)
    funder = organisations[FUNDER]
    records = []
    for row in _solutions(compiled, GRANTS_QUERY):
        grant, leads, description = _text(row["grant"]), _text(row["leads"]), _text(row["description"])
        if ";" in leads:
            # 360Giving has one recipient per grant; joint leads are named in the description.
            description = f"{description} Joint leads: {leads}."
        recipient = organisations[_text(row["recipient"])]
        record = GrantRecord({
            "Identifier": f"{prefix}-{_slug(grant)}",
            "Title": _text(row["title"]),
            "Description": description,
            "Currency": "GBP",
            "Amount Awarded": _text(row["amount"]),
            "Recipient Org:Identifier": recipient.id,
            "Recipient Org:Name": recipient.name,
            "Recipient Org:Location:0:Geographic Code": recipient.gss,
            "Recipient Org:Location:0:Geographic Code Type": GEO_CODE_TYPES.get(recipient.gss[:3], ""),
            "Funding Org:Identifier": funder.id,
            "Funding Org:Name": funder.name,
            "Grant Programme:Title": _text(row["roundLabel"]),
            "Amount Is Ceiling": "true" if _text(row["upTo"]) == "true" else "false",
        }, recipient, funder, dates.get(grant, []))
        record.fields["Award Date"] = record.award_date
        records.append(record)
    return records


def write_360giving(compiled: CompiledGraph, out: Path, prefix: str) -> list[Path]:
    """Write grants.json (a 360Giving package), grants.csv and grants-left-out.csv into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    records = grant_records(compiled, prefix)
    dated = [r for r in records if r.award_date]
    left_out = [r for r in records if not r.award_date]
    json_path, csv_path, left_out_path = out / "grants.json", out / "grants.csv", out / "grants-left-out.csv"
    package = {"version": STANDARD_VERSION, "grants": [r.as_json() for r in dated]}
    json_path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(r.fields for r in dated)
    with left_out_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(LEFT_OUT_COLUMNS))
        writer.writeheader()
        writer.writerows({
            "Identifier": r.fields["Identifier"], "Title": r.fields["Title"], "Reason": r.left_out_reason(),
            "Award dates the sources give": "; ".join(d.described() for d in r.dates),
        } for r in left_out)
    return [json_path, csv_path, left_out_path]
