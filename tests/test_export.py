"""`cscip-kg export --format 360giving`: CSV and JSON with the 360Giving standard's required fields."""

from __future__ import annotations

import csv
import json
import re

from click.testing import CliRunner

from cscip_kg.cli import main
from cscip_kg.export import PREFIX, REQUIRED

# The 360Giving JSON schema's required properties of a grant.
JSON_REQUIRED = ("id", "title", "description", "currency", "amountAwarded", "awardDate",
                 "recipientOrganization", "fundingOrganization")


def _export(project, tmp_path):
    out = tmp_path / "360"
    result = CliRunner().invoke(main, ["--root", str(project.root), "export", "--format", "360giving", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with (out / "grants.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return rows, json.loads((out / "grants.json").read_text(encoding="utf-8"))["grants"]


def test_every_grant_has_the_required_fields_except_unknown_award_dates(project, tmp_path):
    rows, grants = _export(project, tmp_path)
    assert len(rows) == len(grants) == 69  # 53 round 1 grants and 16 round 2 and 3 grants with an amount
    for row in rows:
        for field in REQUIRED:
            if field != "Award Date":
                assert row[field], (row["Identifier"], field)
        assert row["Currency"] == "GBP"
        assert float(row["Amount Awarded"]) > 0
        assert row["Identifier"].startswith(PREFIX)
        assert row["Recipient Org:Identifier"].startswith(f"{PREFIX}org-")
        assert row["Award Date"] == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["Award Date"])
    assert len({r["Identifier"] for r in rows}) == len(rows)
    for grant in grants:
        missing = [f for f in JSON_REQUIRED if f not in grant]
        # Award date is required by the standard but left out where no source dates the award.
        assert missing in ([], ["awardDate"]), (grant["id"], missing)
        assert grant["recipientOrganization"][0]["id"] and grant["recipientOrganization"][0]["name"]
        assert grant["fundingOrganization"][0]["name"] == "Department for Education"


def test_award_dates_are_only_the_dated_announcements(project, tmp_path):
    rows, _grants = _export(project, tmp_path)
    dated = {r["Identifier"]: r["Award Date"] for r in rows if r["Award Date"]}
    assert dated[f"{PREFIX}round-2-family-safeguarding"] == "2017-03-20"
    assert dated[f"{PREFIX}round-2-signs-of-safety"] == "2017-07-06"
    assert not any(i.startswith(f"{PREFIX}round-1-") for i in dated)  # no source dates the round 1 awards
    ceilings = {r["Identifier"] for r in rows if r["Amount Is Ceiling"] == "true"}
    assert f"{PREFIX}round-2-national-fgm-centre" in ceilings
