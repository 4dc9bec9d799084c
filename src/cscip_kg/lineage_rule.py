"""Which properties are lineage links: the rule the build (lineage.py) and the pages (lineage_words.py) share.

Plain strings only, no rdflib: the server imports this, and serving never loads rdflib
(tests/test_worker_imports.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from cscip_kg.namespaces import PROV_NS

WAS_INFLUENCED_BY = f"{PROV_NS}wasInfluencedBy"


def lineage_closure(pairs: Iterable[tuple[str, str]], own: str, root: str = WAS_INFLUENCED_BY) -> set[str]:
    """``root`` and every property named under ``own`` whose chain of own super-properties reaches it.

    ``pairs`` are (sub-property, super-property) IRIs. Only own links count: PROV-O makes
    prov:wasAssociatedWith a prov:wasInfluencedBy, and an evaluator is no ancestor.
    """
    supers: dict[str, set[str]] = {}
    for sub, sup in pairs:
        supers.setdefault(sub, set()).add(sup)
    found = {root}
    changed = True
    while changed:
        changed = False
        for prop, ups in supers.items():
            if prop.startswith(own) and prop not in found and ups & found:
                found.add(prop)
                changed = True
    return found
