"""The layout shows the layers: the library never imports the CLI, and the service models import
only themselves and the plain modules beside them.

awslab.cli, awslab.__main__ and awslab.commands are the command-line layer; everything else is the
library they call, and importing back up (even inside a function) would make a cycle through it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import awslab

PACKAGE = Path(awslab.__file__).parent
CLI_LAYER = ("awslab.cli", "awslab.commands")
# The service models: pure Python that decides what AWS would do, and knows nothing of how it is
# reached (gateway, backends), graded (grading, classroom) or driven (the CLI).
MODELS = PACKAGE / "models"
MODEL_PACKAGES = sorted(p.name for p in MODELS.iterdir() if (p / "__init__.py").exists())
NOT_FOR_MODELS = ("awslab.gateway", "awslab.grading", "awslab.classroom", "awslab.backends") + CLI_LAYER
# Pictures are drawn in awslab.pictures: a model computes what happened, and draws nothing.
DRAWING = ("rich", "awslab.pictures", "html")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in it, relative imports resolved to absolute names."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            found.add(origin)
            found.update(f"{origin}.{alias.name}" for alias in node.names)  # `from . import cli`
    return found


def _library_modules() -> list[Path]:
    return [path for path in sorted(PACKAGE.rglob("*.py"))
            if not _module_name(path).startswith(CLI_LAYER) and path.name != "__main__.py"]


def _imports_of(modules: list[Path], layers: tuple[str, ...]) -> list[str]:
    return [f"{_module_name(path)} imports {imported}"
            for path in modules for imported in sorted(_imported_modules(path))
            if any(imported == layer or imported.startswith(layer + ".") for layer in layers)]


def test_relative_imports_resolve_to_the_module_they_name():
    watch = PACKAGE / "watch.py"
    assert "awslab.grading" in _imported_modules(watch)


def test_no_library_module_imports_the_command_line_layer():
    assert _imports_of(_library_modules(), CLI_LAYER) == []


def test_the_pure_models_live_together_under_awslab_models():
    assert MODEL_PACKAGES == ["dynamodb_capacity", "iam", "s3_lifecycle", "sns_delivery", "vpc"]
    assert not any((PACKAGE / name).exists() for name in MODEL_PACKAGES)


@pytest.mark.parametrize("package", MODEL_PACKAGES)
def test_a_service_model_imports_no_transport_grader_or_command(package):
    modules = sorted((MODELS / package).rglob("*.py"))
    assert modules
    assert _imports_of(modules, NOT_FOR_MODELS) == []


@pytest.mark.parametrize("package", MODEL_PACKAGES)
def test_a_service_model_draws_nothing_its_pictures_are_in_awslab_pictures(package):
    modules = sorted((MODELS / package).rglob("*.py"))
    assert _imports_of(modules, DRAWING) == []
