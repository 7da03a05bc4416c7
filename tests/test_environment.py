"""The two dependency lists agree, and the Jupyter kernel the notebooks name resolves here."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import nbformat
import papermill as pm
import pytest
import yaml
from jupyter_client.kernelspec import KernelSpecManager

from analysis import config
from analysis.reports import params

ROOT = config.REPO_ROOT
NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"])
    for extra in meta.get("optional-dependencies", {}).values():
        reqs += extra
    return dict(_split(r) for r in reqs)


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    out = dict(_split(d) for d in deps)
    out.pop("python", None)
    out.pop("pip", None)
    return out


def test_environment_yml_and_pyproject_list_the_same_dependencies():
    py, env = _pyproject(), _environment()
    assert set(py) == set(env), f"only in pyproject: {set(py) - set(env)}; only in environment.yml: {set(env) - set(py)}"
    assert py == env, {k: (py[k], env[k]) for k in py if py[k] != env.get(k)}


def test_environment_yml_installs_the_package_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip


def test_kernel_resolves_to_this_environment():
    spec = KernelSpecManager().get_kernel_spec(config.KERNEL_NAME)
    exe = Path(spec.argv[0])
    assert exe.exists()
    # the venv's own interpreter (not resolved: a venv python is a link to the base one)
    assert exe.parent.parent == Path(sys.prefix), (exe, sys.prefix)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_clean_and_names_the_kernel(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == config.KERNEL_NAME
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "strip outputs"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_parameters_cell_matches_the_specification(path):
    declared = set(pm.inspect_notebook(str(path)))
    assert declared == set(params.spec_for(path.stem)), "parameters cell and PARAMETERS spec differ"


def _lock() -> dict[str, str]:
    """Return {distribution: exact version} from requirements.lock."""
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line)
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def _unpinned(declared: dict[str, str], pins: dict[str, str]) -> dict[str, str]:
    """Return {name: why} for each declared requirement the lock lacks or pins outside its range."""
    from packaging.specifiers import SpecifierSet

    bad = {}
    for name, spec in declared.items():
        if name not in pins:
            bad[name] = "not in requirements.lock"
        elif not SpecifierSet(spec).contains(pins[name], prereleases=True):
            bad[name] = f"locked {pins[name]} is outside {spec}"
    return bad


def test_lock_file_pins_every_dependency_of_environment_yml():
    assert _unpinned(_environment(), _lock()) == {}, "run `make lock` after changing the dependencies"


def test_lock_check_catches_a_missing_or_out_of_range_pin():
    pins = _lock()
    assert _unpinned({"pandas": ">=2.2", "not-a-package": ">=1"}, pins) == {"not-a-package": "not in requirements.lock"}
    assert "pandas" in _unpinned({"pandas": ">=99"}, pins)


def test_lock_file_pins_exact_versions_only():
    lines = [ln for ln in (ROOT / "requirements.lock").read_text().splitlines()
             if ln.strip() and not ln.lstrip().startswith(("#", "--hash"))]
    loose = [ln for ln in lines if "==" not in ln and not ln.startswith("--")]
    assert loose == []
    assert not any(ln.startswith(("--find-links", "--index-url", "-e ")) for ln in lines), "machine-specific lines"


def test_manifest_records_the_lock_files_hash(tmp_path):
    import hashlib

    from analysis.pack import manifest

    lock = tmp_path / "requirements.lock"
    lock.write_text("pandas==3.1.1\n")
    assert manifest.package_versions(lock)["requirements.lock"] == hashlib.sha256(lock.read_bytes()).hexdigest()
    assert manifest.package_versions(tmp_path / "none.lock")["requirements.lock"] == "absent"


def test_setup_installs_the_lock_then_the_package_without_dependencies():
    make = (ROOT / "Makefile").read_text()
    recipe = make.split("$(STAMP): pyproject.toml $(LOCK)", 1)[1].split("\n\n", 1)[0]
    lock_step = recipe.index("pip install --quiet -r $(LOCK)")
    assert lock_step < recipe.index("pip install --quiet --no-deps -e .")
    assert "'.[dev]'" not in recipe  # nothing resolved afresh at set-up
    assert re.search(r"^lock: .*\n\t\$\(BIN\)/pip-compile .*--extra dev", make, re.M)
