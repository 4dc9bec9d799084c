"""Results that depend only on the served build, computed once and kept for its lifetime.

The build is immutable while served, so anything derived from it alone (the
search index, headline figures, option lists) is computed on first use and
reused by every later request. The cache lives in ``app.extensions``, so two
apps over two builds never share it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app

from cscip_kg.opened import Build
from cscip_kg.server.context import current_build

T = TypeVar("T")
CACHE = "cscip_kg.cache"
# Re-entrant: one cached value may be computed from another (options from the search index).
_LOCK = threading.RLock()


def per_build(key: str, compute: Callable[[Build], T]) -> T:
    """``compute(build)`` the first time ``key`` is asked for in this app, the stored value afterwards."""
    store: dict[str, Any] = current_app.extensions.setdefault(CACHE, {})
    if key not in store:
        with _LOCK:
            if key not in store:
                store[key] = compute(current_build())
                # Kept for the app's lifetime: frozen, it is no longer walked by every full collection
                # (at ×100 the listings alone made each one take 100-240 ms, in whichever request ran it).
                gc.freeze()
    value: T = store[key]
    return value
