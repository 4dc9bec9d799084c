"""Dependencies point one way: core ← server.content/rendering ← server.routes ← the app.

Read from the source with ``ast`` (no import side effects), so a wrong-way import fails
here with the file and line, before it becomes an import cycle at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "cscip_kg"
# the only core module that may start the web app: the CLI's `serve` (imports inside the command)
ENTRY_POINTS = {"cli.py"}
# a layer → the packages it must never import
FORBIDDEN = {
    "core": ("cscip_kg.server",),
    "rendering": ("cscip_kg.server.routes",),
    "content": ("cscip_kg.server.routes",),
}


def layer_of(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    if len(parts) == 1:
        return None if parts[0] in ENTRY_POINTS else "core"
    if parts[0] == "server" and len(parts) > 2:
        return parts[1] if parts[1] in FORBIDDEN else None
    return None


def imported(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def wrong_way_imports() -> list[str]:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = layer_of(path)
        for line, name in imported(path) if layer else []:
            if any(name == banned or name.startswith(banned + ".") for banned in FORBIDDEN[layer or ""]):
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({layer}) imports {name}")
    return wrong


def test_the_layers_exist() -> None:
    layers = {layer_of(path) for path in PACKAGE.rglob("*.py")}
    assert {"core", "rendering", "content"} <= layers


def test_dependencies_point_one_way() -> None:
    assert wrong_way_imports() == []


@pytest.mark.parametrize(("layer_path", "module"), [
    ("lineage.py", "cscip_kg.server.context"),
    ("server/rendering/views.py", "cscip_kg.server.routes.api"),
])
def test_a_wrong_way_import_is_caught(layer_path: str, module: str) -> None:
    layer = layer_of(PACKAGE / layer_path)
    assert layer is not None
    assert any(module.startswith(banned) for banned in FORBIDDEN[layer])
