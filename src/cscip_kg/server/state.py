"""Kept for the server modules that import it: the build-opening lives in the core, cscip_kg.opened."""

from cscip_kg.opened import Build, Connect, NoBuild, embedded, open_build

__all__ = ["Build", "Connect", "NoBuild", "embedded", "open_build"]
