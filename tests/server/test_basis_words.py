"""The basis of a fact in words: the one wording every page uses (server/rendering/basis.py)."""

from __future__ import annotations

import pytest

from cscip_kg.server.rendering.basis import CLAIMED, INFERRED, STATED, Basis, basis_in_words, disagreement_in_words, kind_named, kind_of

CSCIP = "https://w3id.org/cscip-kg/def/"


def test_stated_names_its_sources():
    assert basis_in_words(Basis(STATED, sources=("GOV.UK",))) == "stated by GOV.UK"
    assert basis_in_words(Basis(STATED, sources=("A", "B", "C"))) == "stated by A, B and C"
    assert basis_in_words(Basis(STATED, sources=("GOV.UK",), caveat="may be a slip")) == "stated by GOV.UK; caveat: may be a slip"


def test_inferred_says_why():
    assert basis_in_words(Basis(INFERRED, note="Inferred from the project's name.")) == "inferred from the project's name."
    assert basis_in_words(Basis(INFERRED, note="No source states it.")) == "inferred by this graph: No source states it."
    assert basis_in_words(Basis(INFERRED)) == "inferred by this graph (no reason recorded)"


def test_claimed_and_disagreements():
    assert basis_in_words(Basis(CLAIMED, sources=("X",))) == "claimed by X; other sources disagree or doubt it"
    words = disagreement_in_words([("6", ["DfE"]), ("8", ["2018 announcement"]), ("8", ["Community Care", "2018 announcement"])])
    assert words == "sources disagree: 6 (DfE) / 8 (2018 announcement; Community Care)"
    assert disagreement_in_words([("6", ["DfE"])]) == "claimed: 6 (DfE)"


def test_kind_of_reads_bases_and_claim_statuses():
    assert kind_of(None) == STATED
    assert kind_of(CSCIP + "inferred") == INFERRED
    assert kind_of(CSCIP + "Conflicting") == CLAIMED and kind_of(CSCIP + "Uncertain") == CLAIMED
    assert kind_of(CSCIP + "Stated") == STATED and kind_of(CSCIP + "Inferred") == INFERRED
    with pytest.raises(ValueError, match="not a basis"):
        kind_of(CSCIP + "Maybe")


def test_kind_named_reads_a_querys_labels_as_well_and_says_none_for_anything_else():
    assert kind_named("stated") == STATED and kind_named(" conflicting ") == CLAIMED and kind_named("Inferred") == INFERRED
    assert kind_named(CSCIP + "Uncertain") == CLAIMED and kind_named(None) == STATED
    assert kind_named("maybe") is None and kind_named(CSCIP + "Maybe") is None
