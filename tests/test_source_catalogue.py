"""The source documents' catalogue the build derives (derived/sources.sqlite) answers as the graph does."""

from __future__ import annotations

from pathlib import Path

from cscip_kg.derived import DERIVED_FOLDER
from cscip_kg.opened import open_build
from cscip_kg.source_catalogue import SourcesDB, Whole, open_catalogue, read


def test_every_lookup_in_the_derived_catalogue_is_the_graphs(build_dir: Path) -> None:
    engine = open_build(build_dir).engine
    derived = open_catalogue(build_dir / DERIVED_FOLDER)
    assert isinstance(derived, SourcesDB)
    whole = Whole(read(engine))
    keys = set(whole.by_iri) | set(whole.by_url) | set(whole.by_file)
    assert len(whole.by_iri) > 100 and whole.by_url and whole.by_file
    for key in [*sorted(keys), "https://example.org/not-a-source", "no-such-file.pdf"]:
        assert derived.find(key) == whole.find(key), key
        assert derived.source(key) == whole.source(key), key
