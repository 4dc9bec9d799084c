"""The browse pages' tables: one query each, one row per entity (see listing.py for the packing).

Prefixes come from the served build's engine (the ``cscip:`` namespace moves
with ``build --base-iri``). The basis of an adoption is ``cscip:basis`` where
the data gives one; until then a record with a ``cscip:claimStatus`` counts as
claimed and any other as stated, as agreed between the branches.
"""

from __future__ import annotations

from cscip_kg.server.content.listing import Column, Listing, entities

LABEL = Column("item", "Name", "entities")
_MODEL_LINK = "cscip:implementsModel|cscip:adaptsModel|cscip:combinesModel"
_BASIS = """BIND(IF(BOUND(?basisLabel), ?basisLabel, IF(BOUND(?status), "claimed", "stated")) AS ?basis_l)
      BIND(?basis_l AS ?basis_)"""


def _query(columns: str, where: str) -> str:
    return f"SELECT {entities('item')} {columns}\nWHERE {{\n{where}\n}}\nGROUP BY ?item_"


GRANTS = Listing(
    "grants", "Grants", "Every grant the sources name: who led it, what it funded and how much.",
    _query(f"""{entities('round')} {entities('strand')} {entities('lead')} (MAX(?amount_) AS ?amount)
  (MAX(?upTo_) AS ?upTo) {entities('project')} {entities('theme')}""", """
  ?item_ a cscip:Grant ; rdfs:label ?item_l .
  OPTIONAL { ?item_ cscip:round ?round_ . ?round_ rdfs:label ?round_l }
  OPTIONAL { ?item_ cscip:strand ?strand_ . ?strand_ rdfs:label ?strand_l }
  OPTIONAL { ?item_ cscip:leadOrganisation ?lead_ . ?lead_ rdfs:label ?lead_l }
  OPTIONAL { ?item_ schema:amount ?money . ?money schema:value ?amount_ . OPTIONAL { ?money cscip:upTo ?upTo_ } }
  OPTIONAL { ?item_ schema:fundedItem ?project_ . ?project_ rdfs:label ?project_l .
             OPTIONAL { ?project_ cscip:theme ?theme_ . ?theme_ rdfs:label ?theme_l } }"""),
    (Column("item", "Grant", "entities"), Column("round", "Round", "entities", "Round"),
     Column("strand", "Strand", "entities", "Strand"), Column("lead", "Led by", "entities"),
     Column("amount", "Amount", "money"), Column("upTo", "Up to", "bool", "Amount is a ceiling",
                                                 "yes: the source gives the amount as a ceiling (“up to”)"),
     Column("project", "Project funded", "entities"), Column("theme", "Themes", "entities", "Theme")),
    "amount", desc=True)

PROJECTS = Listing(
    "projects", "Projects", "Every project funded by the programme and its successors, with its round, themes, models and evaluations.",
    _query(f"""{entities('round')} {entities('lead')} {entities('theme')} {entities('model')}
  (COUNT(DISTINCT ?report) AS ?reports) (IF(COUNT(DISTINCT ?report) > 0, true, false) AS ?evaluated)""", f"""
  ?item_ a cscip:Project ; rdfs:label ?item_l .
  OPTIONAL {{ ?item_ cscip:round ?round_ . ?round_ rdfs:label ?round_l }}
  OPTIONAL {{ ?item_ cscip:leadOrganisation ?lead_ . ?lead_ rdfs:label ?lead_l }}
  OPTIONAL {{ ?item_ cscip:theme ?theme_ . ?theme_ rdfs:label ?theme_l }}
  OPTIONAL {{ ?item_ {_MODEL_LINK} ?model_ . ?model_ rdfs:label ?model_l }}
  OPTIONAL {{ ?report cscip:evaluates ?item_ }}"""),
    (Column("item", "Project", "entities"), Column("round", "Round", "entities", "Round"),
     Column("lead", "Led by", "entities"), Column("theme", "Themes", "entities", "Theme"),
     Column("model", "Practice models", "entities", "Model"), Column("reports", "Evaluation reports", "count"),
     Column("evaluated", "Evaluated", "bool", "Evaluated")),
    "item")

MODELS = Listing(
    "models", "Practice models", "The ways of working the programme funded and spread, with who adopted them and through what.",
    _query(f"""{entities('programme')} {entities('round')} (COUNT(DISTINCT ?project) AS ?projects)
  (COUNT(DISTINCT ?adopter) AS ?adopters) (IF(COUNT(DISTINCT ?report) > 0, true, false) AS ?evaluated) {entities('basis')}""", f"""
  ?item_ a cscip:PracticeModel ; rdfs:label ?item_l .
  OPTIONAL {{ ?project {_MODEL_LINK} ?item_ . OPTIONAL {{ ?project cscip:round ?round_ . ?round_ rdfs:label ?round_l }}
             OPTIONAL {{ ?report cscip:evaluates ?project }} }}
  OPTIONAL {{ ?adoption cscip:adoptedModel ?item_ . ?adopter cscip:qualifiedAdoption ?adoption .
             OPTIONAL {{ ?adoption cscip:throughProgramme ?programme_ . ?programme_ rdfs:label ?programme_l }}
             OPTIONAL {{ ?adoption cscip:basis/rdfs:label ?basisLabel }} OPTIONAL {{ ?adoption cscip:claimStatus ?status }}
             {_BASIS} }}"""),
    (Column("item", "Model", "entities"), Column("round", "Rounds of its projects", "entities", "Round"),
     Column("projects", "Projects", "count"), Column("adopters", "Adopting organisations", "count"),
     Column("programme", "Adopted through", "entities", "Programme"), Column("evaluated", "Evaluated", "bool", "Evaluated"),
     Column("basis", "Basis of adoptions", "entities", "Basis",
            "stated: a source says so; claimed: a source claims it but it is uncertain or disputed; inferred: the graph infers it")),
    "adopters", desc=True)

ORGANISATIONS = Listing(
    "organisations", "Organisations", "Local authorities, trusts, charities and others, with what each led, joined and adopted.",
    _query(f"""{entities('kind')} {entities('laKind')} (COUNT(DISTINCT ?led) AS ?leads) (COUNT(DISTINCT ?partnered) AS ?partners)
  {entities('model')} {entities('basis')}""", f"""
  ?item_ a ?kind_ ; rdfs:label ?item_l . ?kind_ rdfs:subClassOf+ ?top ; rdfs:label ?kind_l .
  VALUES ?top {{ org:FormalOrganization org:OrganizationalCollaboration }}
  OPTIONAL {{ ?item_ cscip:localAuthorityKind ?laKind_ . ?laKind_ rdfs:label ?laKind_l }}
  OPTIONAL {{ ?led cscip:leadOrganisation ?item_ }}
  OPTIONAL {{ ?partnered cscip:partnerOrganisation ?item_ }}
  OPTIONAL {{ ?item_ cscip:qualifiedAdoption ?adoption . ?adoption cscip:adoptedModel ?model_ . ?model_ rdfs:label ?model_l .
             OPTIONAL {{ ?adoption cscip:basis/rdfs:label ?basisLabel }} OPTIONAL {{ ?adoption cscip:claimStatus ?status }}
             {_BASIS} }}"""),
    (Column("item", "Organisation", "entities"), Column("kind", "Kind", "entities", "Kind of organisation"),
     Column("laKind", "Kind of authority", "entities", "Kind of authority"), Column("leads", "Projects and grants led", "count"),
     Column("partners", "As partner", "count"), Column("model", "Models adopted", "entities", "Model adopted"),
     Column("basis", "Basis of adoptions", "entities", "Basis")),
    "item")

REPORTS = Listing(
    "reports", "Evaluation reports", "Every evaluation report, with the projects it evaluates.",
    _query(f"""{entities('project')} {entities('round')} {entities('theme')} (MAX(?longitudinal_) AS ?longitudinal)
  (MAX(?pages_) AS ?pages)""", """
  ?item_ a cscip:EvaluationReport ; rdfs:label ?item_l .
  OPTIONAL { ?item_ cscip:evaluates ?project_ . ?project_ rdfs:label ?project_l .
             OPTIONAL { ?project_ cscip:theme ?theme_ . ?theme_ rdfs:label ?theme_l } }
  OPTIONAL { ?item_ cscip:round|cscip:evaluates/cscip:round ?round_ . ?round_ rdfs:label ?round_l }
  OPTIONAL { ?item_ cscip:longitudinal ?longitudinal_ }
  OPTIONAL { ?item_ schema:numberOfPages ?pages_ }"""),
    (Column("item", "Report", "entities"), Column("project", "Evaluates", "entities"), Column("round", "Round", "entities", "Round"),
     Column("theme", "Themes", "entities", "Theme"), Column("longitudinal", "Longitudinal", "bool", "Longitudinal"),
     Column("pages", "Pages", "count")),
    "item")

PROGRAMMES = Listing(
    "programmes", "Programmes", "Programmes, their funding rounds and strands, with dates and what each funded.",
    _query(f"""{entities('kind')} {entities('parent')} (MIN(STR(?start_)) AS ?start) (MAX(STR(?end_)) AS ?end)
  (COUNT(DISTINCT ?grant) AS ?grants) {entities('model')}""", """
  VALUES ?kind_ { cscip:Programme cscip:FundingRound cscip:Strand }
  ?item_ a ?kind_ ; rdfs:label ?item_l . ?kind_ rdfs:label ?kind_l .
  OPTIONAL { ?item_ dcterms:isPartOf ?parent_ . ?parent_ rdfs:label ?parent_l }
  OPTIONAL { ?item_ schema:startDate ?start_ }
  OPTIONAL { ?item_ schema:endDate ?end_ }
  OPTIONAL { ?grant cscip:round|cscip:strand ?item_ }
  OPTIONAL { ?item_ cscip:spreadsModel ?model_ . ?model_ rdfs:label ?model_l }"""),
    (Column("item", "Programme", "entities"), Column("kind", "Kind", "entities", "Kind"),
     Column("parent", "Part of", "entities", "Part of"), Column("start", "Started"), Column("end", "Ended"),
     Column("grants", "Grants", "count"), Column("model", "Models it spread", "entities", "Model spread")),
    "start")

THEMES = Listing(
    "themes", "Themes", "The 13 themes of DfE's insights page, with how many projects and grants each has.",
    _query(f"""(COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?report) AS ?reports) {entities('round')}""", """
  ?item_ a cscip:Theme ; rdfs:label ?item_l .
  OPTIONAL { ?project cscip:theme ?item_ . OPTIONAL { ?project cscip:round ?round_ . ?round_ rdfs:label ?round_l }
             OPTIONAL { ?report cscip:evaluates ?project } }"""),
    (Column("item", "Theme", "entities"), Column("projects", "Projects", "count"), Column("reports", "Evaluation reports", "count"),
     Column("round", "Rounds", "entities", "Round")),
    "projects", desc=True)

LISTINGS = {listing.name: listing for listing in (MODELS, PROJECTS, GRANTS, ORGANISATIONS, REPORTS, PROGRAMMES, THEMES)}
