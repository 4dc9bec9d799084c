"""A store's answer is shown whole or not at all."""

from __future__ import annotations

import dataclasses

import pytest

from cscip_kg.remote import run
from cscip_kg.store import StoreUnavailable

pytestmark = pytest.mark.slow

# Long enough to outlast any store's patience: every triple against every triple against every triple.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.mark.parametrize("store", ["virtuoso"], indirect=True)
def test_a_partial_answer_from_the_store_is_refused_not_shown(store):
    # Virtuoso's "anytime" queries (a timeout= on the endpoint URL, or its server default) answer 200 with what
    # they found in time, here no rows at all, and say so only in X-SQL-State: S1TAT.
    config = dataclasses.replace(store.config(), query_url=store.query_url + "?timeout=300")
    with pytest.raises(StoreUnavailable, match=r"cut its answer short.*S1TAT"):
        run(config, ENDLESS, (), ())
