"""The web apps depend on each other in one direction only: core, bodies, surveys, estate,
assessments, reports, each importing only the apps before it (imports inside functions included)."""

from __future__ import annotations

import ast
from pathlib import Path

import custodes.web

WEB = Path(custodes.web.__file__).parent
LAYERS = ("core", "jobs", "bodies", "surveys", "estate", "assessments", "reports", "foi")
"""The apps, lowest first; an app may import only apps listed before it."""


def _imported_modules(path: Path, package: str) -> set[str]:
    """Absolute names of the modules ``path`` imports anywhere in its code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] != ["custodes", "web"] or len(parts) < 3:
        return None
    return parts[2] if (WEB / parts[2]).is_dir() else None


def app_imports() -> dict[str, set[str]]:
    """Each web app (a package under ``custodes.web``) → the other web apps it imports."""
    edges: dict[str, set[str]] = {}
    for app_dir in sorted(p for p in WEB.iterdir() if (p / "__init__.py").is_file()):
        targets = edges.setdefault(app_dir.name, set())
        for path in app_dir.rglob("*.py"):
            relative = path.relative_to(WEB.parent.parent).with_suffix("")
            package = ".".join(relative.parts[:-1])
            for module in _imported_modules(path, package):
                app = _app_of(module)
                if app is not None and app != app_dir.name:
                    targets.add(app)
    return edges


def test_every_app_has_a_layer():
    assert sorted(app_imports()) == sorted(LAYERS)


def test_apps_import_only_lower_layers():
    wrong = sorted(
        f"{app} imports {target}"
        for app, targets in app_imports().items()
        for target in targets
        if LAYERS.index(target) >= LAYERS.index(app)
    )
    assert wrong == []


def test_the_check_sees_lazy_and_relative_imports(tmp_path: Path):
    module = tmp_path / "mod.py"
    module.write_text(
        "def f():\n    from custodes.web.reports import build\n"
        "from ..surveys.models import Round\nimport custodes.web.core.svg\n"
    )
    found = _imported_modules(module, "custodes.web.estate")
    assert {"custodes.web.reports.build", "custodes.web.surveys.models.Round"} <= found
    assert {_app_of(m) for m in found} >= {"reports", "surveys", "core"}
