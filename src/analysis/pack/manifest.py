"""What a pack records about its inputs: file hashes, package versions, git state, cache keys.

Everything here is deterministic for identical inputs: the manifest built from it holds
no times, host names or random ids, so two packs from the same inputs have byte-identical
``manifest.json`` (durations go to ``timings.json`` instead).
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from analysis import config
from analysis.pack.spec import file_sha256

#: Distributions whose versions can change a figure or a rendered notebook.
PACKAGES = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "seaborn", "pandera",
            "papermill", "nbconvert", "nbclient", "nbformat", "ipykernel", "pyyaml", "geopandas", "shapely",
            "pyogrio")

#: The lock file of exact versions the Makefile installs from (``make lock`` writes it).
LOCK_FILE = config.REPO_ROOT / "requirements.lock"

#: Bump when the pack layout or the runner's treatment of a run changes: old caches die.
RUNNER_VERSION = 1


def tree_hashes(root: Path, pattern: str = "**/*") -> dict[str, str]:
    """Return {relative posix path: sha256} of the files under ``root`` matching ``pattern``
    (sorted; caches and hidden files skipped). An absent root gives an empty mapping."""
    root = Path(root)
    out = {}
    for p in sorted(root.glob(pattern)):
        rel = p.relative_to(root)
        if not p.is_file() or "__pycache__" in rel.parts or any(s.startswith(".") for s in rel.parts):
            continue
        out[rel.as_posix()] = file_sha256(p)
    return out


def digest(obj) -> str:
    """Return the sha256 of ``obj`` serialised as canonical JSON."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def package_versions(lock_file: Path = LOCK_FILE) -> dict[str, str]:
    """Return {distribution: version} for :data:`PACKAGES` and Python (no imports needed),
    plus ``requirements.lock`` mapped to the sha256 of ``lock_file`` ("absent" without one),
    so a pack says which locked environment it was meant to be built in."""
    out = {"python": platform.python_version(),
           "requirements.lock": file_sha256(lock_file) if Path(lock_file).is_file() else "absent"}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_state(repo: Path = config.REPO_ROOT) -> dict:
    """Return {"commit": HEAD or None, "dirty": bool or None} of the repository.

    ``dirty`` is true when tracked or untracked (not ignored) files differ from HEAD;
    both are None when git or the repository is unavailable.
    """
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True,
                                text=True, timeout=20, check=True).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True,
                                text=True, timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


def display_path(p: Path) -> str:
    """Return ``p`` relative to the repository when inside it (so manifests do not depend
    on where the repository is checked out), else absolute."""
    p = Path(p).resolve()
    try:
        return p.relative_to(config.REPO_ROOT).as_posix()
    except ValueError:
        return p.as_posix()


def run_key(run, data_digest: str, code_digest: str, versions: dict) -> str:
    """Return the cache key of ``run``: it changes when the notebook file, the run's
    parameters, any data file, any package source file or a package version changes."""
    return digest({
        "runner": RUNNER_VERSION,
        "notebook": file_sha256(run.notebook),
        "notebook_name": run.notebook.name,
        "parameters": run.parameters,
        "data": data_digest,
        "code": code_digest,
        "versions": versions,
        "kernel": config.KERNEL_NAME,
    })


def plan_digest(params_file: Path, data_digest: str, code_digest: str, versions: dict,
                timeout: float | None) -> tuple[str, str] | None:
    """Return (pack name, digest of everything that decides the validated list of runs).

    Validation is a function of the parameter file, the notebooks it names (their
    parameters cells), the data (province names), the package code (the specs) and the
    command's timeout: when this digest equals the previous pack's, its run list can be
    reused without importing the specs or loading the data. Returns None when the file
    cannot be read or names a spec module (``spec: module:ATTR``) outside the hashed code.
    """
    import yaml

    from analysis.reports import params
    from analysis.pack import spec as pack_spec

    path = Path(params_file)
    try:
        raw = path.read_bytes()
        doc = yaml.safe_load(raw)
    except (OSError, ValueError, yaml.YAMLError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("runs"), list):
        return None
    nb_dir = pack_spec.notebooks_dir(path, doc)
    notebooks = {}
    for entry in doc["runs"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("notebook"), str) or isinstance(entry.get("spec"), str):
            return None
        nb = (nb_dir / entry["notebook"]).resolve()
        if not nb.is_file():
            return None
        notebooks[str(nb)] = file_sha256(nb)
    return pack_spec.pack_name(path, doc), digest({
        "runner": RUNNER_VERSION, "file": hashlib.sha256(raw).hexdigest(), "notebooks": notebooks,
        "data": data_digest, "code": code_digest, "versions": versions, "timeout": timeout,
        "registry": dict(params.NOTEBOOK_SPECS),
    })


def spec_from_manifest(manifest: dict, params_file: Path):
    """Return the PackSpec recorded in a previous pack's ``manifest`` (see plan_digest)."""
    from analysis.pack.spec import PackSpec, Run

    runs = tuple(Run((config.REPO_ROOT / r["notebook_path"]).resolve(), r["parameters"], r["timeout"],
                     tuple(r["spec_names"])) for r in manifest["runs"])
    return PackSpec(manifest["pack"], Path(params_file), runs)
