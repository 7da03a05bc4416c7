"""reports/ is laid out by report: one folder per report beside the shared modules. A folder's
``__init__`` must not define a name that is also one of its submodules: importing the
submodule rebinds that name on the package to the module, so a notebook calling the function
would get "'module' object is not callable" (the discount report's ``text`` once did)."""

import ast
import importlib
import pkgutil
from pathlib import Path

import analysis.reports as reports

REPORT_FOLDERS = ("overview", "growth", "discount", "compare", "scorecard", "history", "policy", "national")


def _shadowed(init: Path, submodules: set[str]) -> set[str]:
    tree = ast.parse(init.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names & submodules


def test_each_report_has_its_folder():
    here = Path(reports.__file__).parent
    assert all((here / name / "__init__.py").is_file() for name in REPORT_FOLDERS)


def test_no_report_folder_defines_a_name_its_submodule_would_rebind():
    here = Path(reports.__file__).parent
    clashes = {}
    for name in REPORT_FOLDERS:
        subs = {m.name for m in pkgutil.iter_modules([str(here / name)])}
        clash = _shadowed(here / name / "__init__.py", subs)
        if clash:
            clashes[name] = sorted(clash)
    assert not clashes, f"names defined in a report folder's __init__ and also its submodules: {clashes}"


def test_the_check_finds_a_planted_clash(tmp_path):
    init = tmp_path / "__init__.py"
    init.write_text("def text(key):\n    return key\n", encoding="utf-8")
    assert _shadowed(init, {"text", "figures"}) == {"text"}


def test_every_report_function_a_notebook_calls_is_callable_after_all_imports():
    # Import every submodule first (as a pack's kernel may), then check the packages' callables.
    for name in REPORT_FOLDERS:
        pkg = importlib.import_module(f"analysis.reports.{name}")
        for m in pkgutil.iter_modules(pkg.__path__):
            importlib.import_module(f"analysis.reports.{name}.{m.name}")
    from analysis.reports import discount, growth, scorecard
    assert callable(discount.text) and callable(growth.text) and callable(scorecard.text)
