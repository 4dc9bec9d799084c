"""Which backend a server answers from, and what it says when a remote store is down."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Response

from cscip_kg.backend import Backend
from cscip_kg.namespaces import prefixes_for
from cscip_kg.opened import Connect, embedded
from cscip_kg.remote import connect
from cscip_kg.server.context import plain_error
from cscip_kg.store import StoreConfig, StoreUnavailable

RETRY_AFTER = "10"


def connect_for(settings: Mapping[str, Any]) -> Connect:
    """The embedded engine, or the store the settings name, checked to hold the build's version."""
    config = StoreConfig.from_settings(settings)
    if config is None:
        return embedded

    def remote(_folder: Path, version: str, base: str) -> Backend:
        return connect(config, base, prefixes_for(base), version)

    return remote


def store_unavailable(error: StoreUnavailable) -> Response:
    # 503, not 500: nothing is wrong with the request or this server, and a
    # client or load balancer may retry once the store is back.
    response = plain_error(503, f"503 Service Unavailable: {error}")
    response.headers["Retry-After"] = RETRY_AFTER
    return response
