"""Readable labels for the standard terms the graph uses (own terms carry rdfs:label in the ontology).

Kept here on the server rather than as triples so the page wording can change
without touching the data; a label in the graph, where there is one, wins.
"""

from __future__ import annotations

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
OWL = "http://www.w3.org/2002/07/owl#"

LABELS: dict[str, str] = {
    RDF + "type": "is a",
    RDFS + "label": "name", RDFS + "comment": "comment", RDFS + "seeAlso": "see also", RDFS + "isDefinedBy": "defined by",
    RDFS + "subClassOf": "kind of", RDFS + "subPropertyOf": "special case of", RDFS + "domain": "applies to", RDFS + "range": "value is a",
    SKOS + "prefLabel": "name", SKOS + "altLabel": "also called", SKOS + "definition": "definition", SKOS + "note": "note",
    SKOS + "editorialNote": "editorial note", SKOS + "inScheme": "in scheme", SKOS + "broader": "broader", SKOS + "related": "related",
    SKOS + "notation": "code", SKOS + "hasTopConcept": "has top concept", SKOS + "topConceptOf": "top concept of",
    SKOS + "Concept": "concept", SKOS + "ConceptScheme": "concept scheme",
    DCTERMS + "title": "title", DCTERMS + "description": "description", DCTERMS + "source": "stated by",
    DCTERMS + "isPartOf": "part of", DCTERMS + "hasPart": "has part", DCTERMS + "publisher": "publisher",
    DCTERMS + "creator": "author", DCTERMS + "date": "date", DCTERMS + "issued": "published", DCTERMS + "modified": "updated",
    DCTERMS + "format": "file format", DCTERMS + "identifier": "identifier", DCTERMS + "spatial": "place",
    DCTERMS + "subject": "subject",
    SCHEMA + "amount": "amount", SCHEMA + "value": "value", SCHEMA + "currency": "currency", SCHEMA + "fundedItem": "funds",
    SCHEMA + "funder": "funder", SCHEMA + "startDate": "start date", SCHEMA + "endDate": "end date", SCHEMA + "url": "web address",
    SCHEMA + "contentSize": "file size", SCHEMA + "numberOfPages": "pages", SCHEMA + "MonetaryAmount": "amount of money",
    SCHEMA + "MonetaryGrant": "grant", SCHEMA + "Report": "report",
    ORG + "hasMember": "has member", ORG + "memberOf": "member of", ORG + "identifier": "identifier",
    ORG + "Organization": "organisation", ORG + "FormalOrganization": "formal organisation",
    ORG + "OrganizationalCollaboration": "collaboration",
    PROV + "wasInfluencedBy": "influenced by", PROV + "wasDerivedFrom": "derived from", PROV + "wasAttributedTo": "attributed to",
    PROV + "wasAssociatedWith": "associated with", PROV + "qualifiedInfluence": "influence", PROV + "influencer": "influencer",
    PROV + "Activity": "activity", PROV + "Entity": "entity", PROV + "Plan": "plan",
    FOAF + "homepage": "home page", FOAF + "Project": "project", FOAF + "Document": "document",
    OWL + "Class": "class", OWL + "ObjectProperty": "relation", OWL + "DatatypeProperty": "attribute", OWL + "Ontology": "ontology",
}

# schema.org types for the JSON-LD embedded in entity pages, by the local name of a cscip: class.
SCHEMA_TYPES: dict[str, str] = {
    "Project": "Project", "Programme": "Project", "FundingRound": "Project", "Strand": "Project",
    "Grant": "MonetaryGrant", "LocalAuthority": "GovernmentOrganization", "PublicBody": "GovernmentOrganization",
    "NHSBody": "GovernmentOrganization", "Charity": "NGO", "ResearchOrganisation": "ResearchOrganization",
    "Company": "Corporation", "ChildrensServicesTrust": "Organization", "Partnership": "Organization",
    "PracticeModel": "CreativeWork", "Theme": "DefinedTerm", "EvaluationReport": "Report", "SourceDocument": "CreativeWork",
    "Claim": "Claim",
}
