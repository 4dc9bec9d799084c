"""`cscip-kg export --format 360giving`: a package valid against the official 360Giving 1.4.3 schemas.

Every grant in grants.json validates (jsonschema, format checking on) against the vendored
schemas in tests/schemas/360giving/; the grants left out for want of a full award date are
listed with reasons in grants-left-out.csv, and the two together are all 69 grants.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from cscip_kg.cli import main
from cscip_kg.loader import Project
from cscip_kg.settings import resolve

SCHEMAS = Path(__file__).parent / "schemas" / "360giving"
PREFIX = "360G-cscipkg"  # the publisher_prefix setting's default


def _validator() -> Draft202012Validator:
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text(encoding="utf-8"))
    grant = DRAFT202012.create_resource(json.loads((SCHEMAS / "360-giving-schema.json").read_text(encoding="utf-8")))
    # The package schema refers to the grant schema by its published URL; both names map to the local copy.
    registry = Registry().with_resources([(package["properties"]["grants"]["items"]["$ref"], grant),
                                          (grant.contents["$id"], grant)])
    return Draft202012Validator(package, registry=registry, format_checker=FormatChecker())


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _export(project: Project, out: Path) -> dict[str, object]:
    result = CliRunner().invoke(main, ["--root", str(project.root), "export", "--format", "360giving", "--out", str(out)],
                                env={"CSCIP_KG_PUBLISHER_PREFIX": PREFIX})
    assert result.exit_code == 0, result.output
    return {"json": json.loads((out / "grants.json").read_text(encoding="utf-8")),
            "csv": _csv(out / "grants.csv"), "left_out": _csv(out / "grants-left-out.csv")}


@pytest.fixture(scope="module")
def exported(project: Project, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    return _export(project, tmp_path_factory.mktemp("360") / "out")


def test_the_package_and_every_grant_in_it_is_valid(exported):
    validator = _validator()
    package = exported["json"]
    assert [e.message for e in validator.iter_errors(package)] == []
    for grant in package["grants"]:
        assert [e.message for e in validator.iter_errors({"grants": [grant]})] == [], grant["id"]


def test_the_validator_catches_a_grant_without_a_full_award_date(exported):
    grant = dict(exported["json"]["grants"][0])
    validator = _validator()
    assert not validator.is_valid({"grants": [dict(grant, awardDate="2017-03")]})
    del grant["awardDate"]
    assert not validator.is_valid({"grants": [grant]})


def test_grants_in_the_file_and_grants_left_out_make_all_69(exported, compiled):
    from tests.helpers import select

    graph = {f"{PREFIX}-{r['g'].rsplit('/', 1)[1]}" for r in select(
        compiled, "PREFIX cscip: <https://w3id.org/cscip-kg/def/> SELECT ?g WHERE { ?g a cscip:Grant }")}
    in_file = {g["id"] for g in exported["json"]["grants"]}
    left_out = {r["Identifier"] for r in exported["left_out"]}
    assert len(graph) == 69
    assert in_file | left_out == graph and not in_file & left_out
    assert {r["Identifier"] for r in exported["csv"]} == in_file
    assert all(r["Reason"] and r["Award dates the sources give"] for r in exported["left_out"])
    # Round 1 has no dated award in any stored source: every round 1 grant is left out, none dated.
    assert not any(i.startswith(f"{PREFIX}-round-1-") for i in in_file)
    assert len(in_file) == 11


def test_award_dates_are_the_stated_announcement_days(exported):
    dates = {g["id"]: g["awardDate"] for g in exported["json"]["grants"]}
    assert dates[f"{PREFIX}-round-2-family-safeguarding"] == "2017-03-20"
    assert dates[f"{PREFIX}-round-2-signs-of-safety"] == "2017-07-06"
    # Announced in the tranche of 20 March and again on 21 March: the earlier day.
    assert dates[f"{PREFIX}-round-2-contextual-safeguarding"] == "2017-03-20"
    ceilings = {r["Identifier"] for r in exported["csv"] if r["Amount Is Ceiling"] == "true"}
    assert f"{PREFIX}-round-2-national-fgm-centre" in ceilings


def test_organisation_identifiers_and_gss_codes(exported):
    grants = exported["json"]["grants"]
    assert {g["fundingOrganization"][0]["id"] for g in grants} == {"GB-GOR-D6"}
    assert {g["fundingOrganization"][0]["name"] for g in grants} == {"Department for Education"}
    by_id = {g["id"]: g["recipientOrganization"][0] for g in grants}
    hertfordshire = by_id[f"{PREFIX}-round-2-family-safeguarding"]
    assert hertfordshire["id"] == f"{PREFIX}-org-hertfordshire"  # no source gives a register number
    assert hertfordshire["location"] == [{"geoCode": "E10000015", "geoCodeType": "CTY", "name": hertfordshire["name"]}]
    assert "location" not in by_id[f"{PREFIX}-round-2-national-fgm-centre"]  # a charity has no GSS code


def test_the_publisher_prefix_is_a_setting(project, compiled, tmp_path):
    from cscip_kg.export import write_360giving

    assert resolve(environ={"CSCIP_KG_PUBLISHER_PREFIX": "360G-example"})["publisher_prefix"] == "360G-example"
    write_360giving(compiled, tmp_path / "out", "360G-example")
    grants = json.loads((tmp_path / "out" / "grants.json").read_text(encoding="utf-8"))["grants"]
    assert grants and all(g["id"].startswith("360G-example-") for g in grants)
    result = CliRunner().invoke(main, ["--root", str(project.root), "export", "--out", str(tmp_path / "bad")],
                                env={"CSCIP_KG_PUBLISHER_PREFIX": "cscip kg"})
    assert result.exit_code != 0
    assert "setting publisher_prefix = 'cscip kg' (from environment variable CSCIP_KG_PUBLISHER_PREFIX) must be '360G-'" in result.output
