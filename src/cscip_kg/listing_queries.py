"""The browse pages' listing queries: one row per entity, answered once by ``build`` (derived.py).

Each column is a literal (text, money, a count, yes/no) or a list of linked
entities packed by ``entities()`` as ``iri<US>label<RS>iri<US>label``;
server/content/listings.py says how each column is shown. A listing is the size
of the graph, so each query may cost what the graph costs, but no more: no join
of every row with every row (ARCHITECTURE.md, "Query shapes whose cost follows
the entity"). Prefixes come from the engine that answers (the ``cscip:``
namespace moves with ``build --base-iri``). The basis of an adoption is
``cscip:basis`` where the data gives one; until then a record with a
``cscip:claimStatus`` counts as claimed and any other as stated.
"""

from __future__ import annotations

__all__ = ["LISTING_QUERIES", "RECORD", "UNIT", "entities"]

UNIT, RECORD = "\u001f", "\u001e"
_MODEL_LINK = "cscip:implementsModel|cscip:adaptsModel|cscip:combinesModel"
_BASIS = """BIND(IF(BOUND(?basisLabel), ?basisLabel, IF(BOUND(?status), "claimed", "stated")) AS ?basis_l)
      BIND(?basis_l AS ?basis_)"""


def entities(var: str) -> str:
    """The SELECT expression that packs ``?{var}_`` (IRI) and ``?{var}_l`` (label) into one column ``?{var}``.

    A solution that leaves them unbound (a model's project with no round) packs to "", never an error: one
    error in a group makes the engine's GROUP_CONCAT unbound for the whole group (every other project's round
    lost with it). The reader skips the empty entry."""
    return (f'(GROUP_CONCAT(DISTINCT COALESCE(CONCAT(STR(?{var}_), "\\u001F", STR(?{var}_l)), ""); separator="\\u001E") '
            f'AS ?{var})')


def _query(columns: str, where: str) -> str:
    return f"SELECT {entities('item')} {columns}\nWHERE {{\n{where}\n}}\nGROUP BY ?item_"


GRANTS = _query(f"""{entities('round')} {entities('strand')} {entities('lead')} (MAX(?amount_) AS ?amount)
  (MAX(?upTo_) AS ?upTo) {entities('project')} {entities('theme')}""", """
  ?item_ a cscip:Grant ; rdfs:label ?item_l .
  OPTIONAL { ?item_ cscip:round ?round_ . ?round_ rdfs:label ?round_l }
  OPTIONAL { ?item_ cscip:strand ?strand_ . ?strand_ rdfs:label ?strand_l }
  OPTIONAL { ?item_ cscip:leadOrganisation ?lead_ . ?lead_ rdfs:label ?lead_l }
  OPTIONAL { ?item_ schema:amount ?money . ?money schema:value ?amount_ . OPTIONAL { ?money cscip:upTo ?upTo_ } }
  OPTIONAL { ?item_ schema:fundedItem ?project_ . ?project_ rdfs:label ?project_l .
             OPTIONAL { ?project_ cscip:theme ?theme_ . ?theme_ rdfs:label ?theme_l } }""")

PROJECTS = _query(f"""{entities('round')} {entities('lead')} {entities('theme')} {entities('model')}
  (COUNT(DISTINCT ?report) AS ?reports) (IF(COUNT(DISTINCT ?report) > 0, true, false) AS ?evaluated)""", f"""
  ?item_ a cscip:Project ; rdfs:label ?item_l .
  OPTIONAL {{ ?item_ cscip:round ?round_ . ?round_ rdfs:label ?round_l }}
  OPTIONAL {{ ?item_ cscip:leadOrganisation ?lead_ . ?lead_ rdfs:label ?lead_l }}
  OPTIONAL {{ ?item_ cscip:theme ?theme_ . ?theme_ rdfs:label ?theme_l }}
  OPTIONAL {{ ?item_ {_MODEL_LINK} ?model_ . ?model_ rdfs:label ?model_l }}
  OPTIONAL {{ ?report cscip:evaluates ?item_ }}""")

MODELS = _query(f"""{entities('programme')} {entities('round')} (COUNT(DISTINCT ?project) AS ?projects)
  (COUNT(DISTINCT ?adopter) AS ?adopters) (IF(COUNT(DISTINCT ?report) > 0, true, false) AS ?evaluated) {entities('basis')}""", f"""
  ?item_ a cscip:PracticeModel ; rdfs:label ?item_l .
  OPTIONAL {{ ?project {_MODEL_LINK} ?item_ . OPTIONAL {{ ?project cscip:round ?round_ . ?round_ rdfs:label ?round_l }}
             OPTIONAL {{ ?report cscip:evaluates ?project }} }}
  OPTIONAL {{ ?adoption cscip:adoptedModel ?item_ . ?adopter cscip:qualifiedAdoption ?adoption .
             OPTIONAL {{ ?adoption cscip:throughProgramme ?programme_ . ?programme_ rdfs:label ?programme_l }}
             OPTIONAL {{ ?adoption cscip:basis/rdfs:label ?basisLabel }} OPTIONAL {{ ?adoption cscip:claimStatus ?status }}
             {_BASIS} }}""")

ORGANISATIONS = _query(f"""{entities('kind')} {entities('laKind')} (COUNT(DISTINCT ?led) AS ?leads)
  (COUNT(DISTINCT ?partnered) AS ?partners) {entities('model')} {entities('basis')}""", f"""
  ?item_ a ?kind_ ; rdfs:label ?item_l . ?kind_ rdfs:subClassOf+ ?top ; rdfs:label ?kind_l .
  VALUES ?top {{ org:FormalOrganization org:OrganizationalCollaboration }}
  OPTIONAL {{ ?item_ cscip:localAuthorityKind ?laKind_ . ?laKind_ rdfs:label ?laKind_l }}
  # Projects only, as the organisation's page counts them: a grant names its lead too, and counted twice.
  OPTIONAL {{ ?led cscip:leadOrganisation ?item_ . ?led a cscip:Project }}
  OPTIONAL {{ ?partnered cscip:partnerOrganisation ?item_ . ?partnered a cscip:Project
             FILTER NOT EXISTS {{ ?partnered cscip:leadOrganisation ?item_ }} }}
  OPTIONAL {{ ?item_ cscip:qualifiedAdoption ?adoption . ?adoption cscip:adoptedModel ?model_ . ?model_ rdfs:label ?model_l .
             OPTIONAL {{ ?adoption cscip:basis/rdfs:label ?basisLabel }} OPTIONAL {{ ?adoption cscip:claimStatus ?status }}
             {_BASIS} }}""")

REPORTS = _query(f"""{entities('project')} {entities('round')} {entities('theme')} (MAX(?longitudinal_) AS ?longitudinal)
  (MAX(?pages_) AS ?pages) {entities('document')}""", """
  ?item_ a cscip:EvaluationReport ; rdfs:label ?item_l .
  OPTIONAL { ?item_ cscip:evaluates ?project_ . ?project_ rdfs:label ?project_l .
             OPTIONAL { ?project_ cscip:theme ?theme_ . ?theme_ rdfs:label ?theme_l } }
  OPTIONAL { ?item_ cscip:round|cscip:evaluates/cscip:round ?round_ . ?round_ rdfs:label ?round_l }
  OPTIONAL { ?item_ cscip:longitudinal ?longitudinal_ }
  OPTIONAL { ?item_ schema:numberOfPages ?pages_ }
  OPTIONAL { ?item_ schema:url ?document_ }
  # The page a source document records at that address (an xsd:anyURI, shapes.ttl), matched as a term:
  # a FILTER comparing strings joined every report with every page (x1: 260 ms, x100: over 20 minutes).
  # A report with no address gets a value no page has, so that its lookup matches nothing.
  BIND(COALESCE(STRDT(STR(?document_), xsd:anyURI), "no address") AS ?pageUrl)
  OPTIONAL { ?page cscip:originalURL ?pageUrl OPTIONAL { ?page rdfs:label ?pageLabel } FILTER(BOUND(?pageLabel)) }
  BIND(COALESCE(?pageLabel, STR(?document_)) AS ?document_l)""")

PROGRAMMES = _query(f"""{entities('kind')} {entities('parent')} (MIN(STR(?start_)) AS ?start) (MAX(STR(?end_)) AS ?end)
  (COUNT(DISTINCT ?grant) AS ?grants) {entities('model')}""", """
  VALUES ?kind_ { cscip:Programme cscip:FundingRound cscip:Strand }
  ?item_ a ?kind_ ; rdfs:label ?item_l . ?kind_ rdfs:label ?kind_l .
  OPTIONAL { ?item_ dcterms:isPartOf ?parent_ . ?parent_ rdfs:label ?parent_l }
  OPTIONAL { ?item_ schema:startDate ?start_ }
  OPTIONAL { ?item_ schema:endDate ?end_ }
  # Grants only (projects carry cscip:round too), counted for the round or strand and every programme above it.
  OPTIONAL { ?grant a cscip:Grant ; (cscip:round|cscip:strand)/dcterms:isPartOf* ?item_ }
  OPTIONAL { ?item_ cscip:spreadsModel ?model_ . ?model_ rdfs:label ?model_l }""")

THEMES = _query(f"""(COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?report) AS ?reports) {entities('round')}""", """
  ?item_ a cscip:Theme ; rdfs:label ?item_l .
  OPTIONAL { ?project cscip:theme ?item_ . OPTIONAL { ?project cscip:round ?round_ . ?round_ rdfs:label ?round_l }
             OPTIONAL { ?report cscip:evaluates ?project } }""")

LISTING_QUERIES = {"models": MODELS, "projects": PROJECTS, "grants": GRANTS, "organisations": ORGANISATIONS,
                   "reports": REPORTS, "programmes": PROGRAMMES, "themes": THEMES}
