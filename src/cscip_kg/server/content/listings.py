"""The browse pages' tables: what each column of a listing query is called and how it is shown.

The queries (one row per entity) are in cscip_kg/listing_queries.py: ``build``
answers them once (derived.py) and a browse page reads the answer; listing.py
filters, sorts and pages the rows.
"""

from __future__ import annotations

from cscip_kg.listing_queries import LISTING_QUERIES
from cscip_kg.server.content.listing import Column, Listing

LABEL = Column("item", "Name", "entities")


GRANTS = Listing(
    "grants", "Grants", "Every grant the sources name: who led it, what it funded and how much.",
    LISTING_QUERIES["grants"],
    (Column("item", "Grant", "entities"), Column("round", "Round", "entities", "Round"),
     Column("strand", "Strand", "entities", "Strand"), Column("lead", "Led by", "entities"),
     Column("amount", "Amount", "money"), Column("upTo", "Up to", "bool", "Amount is a ceiling",
                                                 "yes: the source gives the amount as a ceiling (“up to”)"),
     Column("project", "Project funded", "entities"), Column("theme", "Themes", "entities", "Theme")),
    "amount", desc=True)

PROJECTS = Listing(
    "projects", "Projects", "Every project funded by the programme and its successors, with its round, themes, models and evaluations. "
    "A project's round 2 phase has a row of its own, so there are more rows here than the home page's count of projects.",
    LISTING_QUERIES["projects"],
    (Column("item", "Project", "entities"), Column("round", "Round", "entities", "Round"),
     Column("lead", "Led by", "entities"), Column("theme", "Themes", "entities", "Theme"),
     Column("model", "Practice models", "entities", "Model"), Column("reports", "Evaluation reports", "count"),
     Column("evaluated", "Evaluated", "bool", "Evaluated")),
    "item")

MODELS = Listing(
    "models", "Practice models", "The ways of working the programme funded and spread, with who adopted them and through what.",
    LISTING_QUERIES["models"],
    (Column("item", "Model", "entities"), Column("round", "Rounds of its projects", "entities", "Round"),
     Column("projects", "Projects", "count"), Column("adopters", "Adopting organisations", "count"),
     Column("programme", "Adopted through", "entities", "Programme"), Column("evaluated", "Evaluated", "bool", "Evaluated"),
     Column("basis", "Basis of adoptions", "entities", "Basis",
            "stated: a source says so; claimed: a source claims it but it is uncertain or disputed; inferred: the graph infers it")),
    "adopters", desc=True)

ORGANISATIONS = Listing(
    "organisations", "Organisations", "Local authorities, trusts, charities and others, with what each led, joined and adopted.",
    LISTING_QUERIES["organisations"],
    (Column("item", "Organisation", "entities"), Column("kind", "Kind", "entities", "Kind of organisation"),
     Column("laKind", "Kind of authority", "entities", "Kind of authority"), Column("leads", "Projects led", "count"),
     Column("partners", "Projects as partner", "count", note="projects it was a partner in and did not lead"),
     Column("model", "Models adopted", "entities", "Model adopted"),
     Column("basis", "Basis of adoptions", "entities", "Basis")),
    "item")

REPORTS = Listing(
    "reports", "Evaluation reports", "Every evaluation report, with the projects it evaluates and, where a source gives it, "
    "a page that publishes it.",
    LISTING_QUERIES["reports"],
    (Column("item", "Report", "entities"), Column("project", "Evaluates", "entities"), Column("round", "Round", "entities", "Round"),
     Column("theme", "Themes", "entities", "Theme"), Column("longitudinal", "Longitudinal", "bool", "Longitudinal"),
     Column("pages", "Pages", "count"),
     Column("document", "Published at", "entities", "", "a page that publishes the report (docs/report-addresses.md)")),
    "item")

PROGRAMMES = Listing(
    "programmes", "Programmes", "Programmes, their funding rounds and strands, with dates and what each funded.",
    LISTING_QUERIES["programmes"],
    (Column("item", "Programme", "entities"), Column("kind", "Kind", "entities", "Kind"),
     Column("parent", "Part of", "entities", "Part of"), Column("start", "Started"), Column("end", "Ended"),
     Column("grants", "Grants", "count"), Column("model", "Models it spread", "entities", "Model spread")),
    "start")

THEMES = Listing(
    "themes", "Themes", "The 13 themes of DfE's insights page, with how many projects and grants each has.",
    LISTING_QUERIES["themes"],
    (Column("item", "Theme", "entities"), Column("projects", "Projects", "count"), Column("reports", "Evaluation reports", "count"),
     Column("round", "Rounds", "entities", "Round")),
    "projects", desc=True)

LISTINGS = {listing.name: listing for listing in (MODELS, PROJECTS, GRANTS, ORGANISATIONS, REPORTS, PROGRAMMES, THEMES)}
