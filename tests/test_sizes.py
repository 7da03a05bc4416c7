"""Rooms stay small: no module over 400 lines and no function over 60 lines of code (its
docstring not counted), unless its docstring says why ("Long because ..."). Keeps the
package readable as it grows (issue: a package whose folders show the architecture)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "analysis"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
EXCUSE = "Long because"

MODULES = sorted(PACKAGE.rglob("*.py"))


def long_functions(tree: ast.AST) -> list[tuple[str, int]]:
    """Return (name, lines) of every function longer than the limit whose docstring gives no reason."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            n = node.end_lineno - node.lineno + 1
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
                    and isinstance(first.value.value, str):  # the docstring does not count
                n -= first.end_lineno - first.lineno + 1
            if n > MAX_FUNCTION_LINES and EXCUSE not in (ast.get_docstring(node) or ""):
                out.append((node.name, n))
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_module_and_functions_are_small(path):
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    n = len(text.splitlines())
    assert n <= MAX_MODULE_LINES or EXCUSE in (ast.get_docstring(tree) or ""), (
        f"{path.name} has {n} lines (limit {MAX_MODULE_LINES}): split it, or say why in its docstring")
    assert not long_functions(tree), f"functions over {MAX_FUNCTION_LINES} lines: {long_functions(tree)}"


def test_the_rule_can_fail():
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES + 1))
    assert long_functions(ast.parse(f"def f():\n{body}\n")) == [("f", MAX_FUNCTION_LINES + 2)]
    excused = f'def f():\n    """{EXCUSE} it is one table."""\n{body}\n'
    assert long_functions(ast.parse(excused)) == []
    documented = f'def f():\n    """A docstring\n\n    of three lines."""\n{body}\n'
    assert long_functions(ast.parse(documented)) == [("f", MAX_FUNCTION_LINES + 2)]
