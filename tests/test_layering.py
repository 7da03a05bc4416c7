"""The package's layers import downward only: base, then data, models, reports, then
pack and commands, then the command line (src/analysis/README.md draws the map).

An AST walk over every module, imports inside functions included, so that a lazy import
cannot hide an upward dependency."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "analysis"

#: Rank of each layer: a module may import its own layer and any lower one.
LAYERS = {
    "config": 0, "errors": 0, "files": 0, "i18n": 0, "locale": 0,
    "data": 1,
    "models": 2,
    "reports": 3,
    "pack": 4,
    "commands": 5,
    "cli": 6,
}


def layer_of(module: str) -> str:
    """Return the layer of a dotted module name inside ``analysis`` ('analysis.models.did' -> 'models')."""
    parts = module.split(".")
    assert parts[0] == "analysis", module
    return parts[1] if len(parts) > 1 else "__init__"


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Return (line, dotted module) for every import of an ``analysis`` module in ``path``."""
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    return imports_in(path.read_text(encoding="utf-8"), list(rel.parts[:-1]))


def imports_in(source: str, package: list[str]) -> list[tuple[int, str]]:
    """Return (line, dotted module) for every ``analysis`` import in ``source``, a module of
    the package ``package`` (e.g. ['analysis', 'models']); relative imports are resolved."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "analysis"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "analysis":
                continue
            if module == "analysis":  # from analysis import data, models ...
                out += [(node.lineno, f"analysis.{a.name}") for a in node.names]
            else:
                out.append((node.lineno, module))
    return out


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def test_every_top_level_name_has_a_layer():
    names = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in MODULES}
    assert names - {"__init__"} <= set(LAYERS), f"modules outside any layer: {names - set(LAYERS) - {'__init__'}}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_imports_a_higher_layer(path):
    own = layer_of("analysis." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
    if own == "__init__":
        assert imported_modules(path) == [], "the package's __init__ imports nothing"
        return
    upward = [f"line {line}: {mod} ({layer_of(mod)})" for line, mod in imported_modules(path)
              if LAYERS[layer_of(mod)] > LAYERS[own]]
    assert not upward, f"{path.name} is in layer '{own}' but imports upward: {upward}"


def test_the_checker_sees_an_upward_import():
    # The rule must be able to fail: a models module importing a report or the pack,
    # absolutely or relatively, inside a function, is caught.
    src = "def f():\n    from analysis.reports import plotting\n    from ..pack import builder\n"
    mods = [m for _, m in imports_in(src, ["analysis", "models"])]
    assert mods == ["analysis.reports", "analysis.pack"]
    assert all(LAYERS[layer_of(m)] > LAYERS["models"] for m in mods)
