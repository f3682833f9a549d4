"""The apps form layers, and a module only imports from its own layer or the ones below.

A lower app importing a higher one is how a base grows loops (regions -> affiliates ->
regions); this test names the module and the import that would start one.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Bottom first. Apps in one layer may use each other; none may use a layer above its own.
LAYERS = [
    ("base: infrastructure", ["core"]),
    ("base: who signs in", ["accounts"]),
    ("base: regions and countries", ["regions"]),
    ("domain", ["affiliates"]),
    ("domain: dues and congresses", ["governance"]),
    ("tools", ["audit", "spreadsheets", "demo"]),
    ("screens", ["public", "applications", "workspace", "staff", "api"]),
    ("project", ["homenet"]),
]
LEVEL = {app: level for level, (_name, apps) in enumerate(LAYERS) for app in apps}


def _modules():
    for app in LEVEL:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def _imported_apps(path: Path):
    """(line, app) for every import of one of the project's apps, in functions too."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in LEVEL:
                yield node.lineno, name, top


def test_every_app_has_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"homenet"}
    assert apps == set(LEVEL), "add the new app to LAYERS"


@pytest.mark.parametrize("app", list(LEVEL))
def test_no_app_imports_a_higher_layer(app):
    upward = [
        f"{path.relative_to(ROOT)}:{line} imports {name} ({LAYERS[LEVEL[top]][0]})"
        for owner, path in _modules()
        if owner == app
        for line, name, top in _imported_apps(path)
        if LEVEL[top] > LEVEL[app]
    ]
    assert not upward, f"{app} ({LAYERS[LEVEL[app]][0]}) imports upward:\n" + "\n".join(upward)


def test_the_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    from public.views import directory\n")
    assert list(_imported_apps(module)) == [(2, "public.views", "public")]


# Writes that public pages show go through these modules; they alone make the public cache stale.
SERVICES = ("affiliates/services/", "regions/services.py")


def _names(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Attribute):
        return {node.attr}
    if isinstance(node, ast.alias):
        return {node.name.rsplit(".", 1)[-1]}
    return set()


def test_only_the_services_bump_the_public_cache():
    # By name, through the module, or by writing the generation key itself.
    bumps = {"public_cache_bump", "GENERATION_KEY"}
    callers = [
        f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
        for app, path in _modules()
        if app != "core" and not str(path.relative_to(ROOT)).startswith(SERVICES)
        for node in ast.walk(ast.parse(path.read_text()))
        if _names(node) & bumps
    ]
    assert not callers, "call a service instead:\n" + "\n".join(callers)
