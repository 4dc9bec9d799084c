from __future__ import annotations

from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import OWL, SKOS

from cscip_kg.build import CompiledGraph
from cscip_kg.loader import parse_turtle
from cscip_kg.rdf_namespaces import CSCIP, PROV

OWN = str(CSCIP)
LINEAGE = ("usesModel", "implementsModel", "adaptsModel", "combinesModel", "continues", "scalesUp",
           "spreadsModel", "spreadsProject", "adoptsModel")


def test_ontology_parses_and_declares_itself(project):
    graph = parse_turtle(project.ontology_dir / "cscip.ttl")
    ontology = URIRef(OWN)
    assert (ontology, RDF.type, OWL.Ontology) in graph
    assert graph.value(ontology, OWL.versionInfo) is not None
    assert graph.value(ontology, OWL.versionIRI) is not None


def test_every_own_term_has_label_and_definition(compiled: CompiledGraph):
    ontology = compiled.loaded.ontology
    own = {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(OWN) and s != URIRef(OWN)}
    assert len(own) > 40
    missing = [s for s in own if ontology.value(s, RDFS.label) is None or ontology.value(s, SKOS.definition) is None]
    assert missing == []


def test_required_classes_exist(compiled: CompiledGraph):
    ontology = compiled.loaded.ontology
    for name in ("Programme", "FundingRound", "Strand", "Project", "Grant", "LocalAuthority", "ChildrensServicesTrust",
                 "Charity", "ResearchOrganisation", "NHSBody", "Company", "Partnership", "PracticeModel", "Theme",
                 "EvaluationReport", "SourceDocument"):
        assert (CSCIP[name], RDF.type, OWL.Class) in ontology, name


def test_lineage_properties_specialise_prov(compiled: CompiledGraph):
    ontology = compiled.loaded.ontology
    prov_roots = {PROV.wasInfluencedBy, PROV.wasDerivedFrom}
    for name in LINEAGE:
        ancestors = set(ontology.transitive_objects(CSCIP[name], RDFS.subPropertyOf))
        assert ancestors & prov_roots, f"cscip:{name} is not a PROV sub-property"


def test_every_term_used_in_data_is_defined(project):
    from cscip_kg.validate import validate

    problems = validate(project)
    assert [p for p in problems if p.kind == "undefined-term"] == []
