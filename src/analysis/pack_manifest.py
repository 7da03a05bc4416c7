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

from . import config
from .pack_spec import file_sha256

#: Distributions whose versions can change a figure or a rendered notebook.
PACKAGES = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "seaborn", "pandera",
            "papermill", "nbconvert", "nbclient", "nbformat", "ipykernel", "pyyaml")

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


def package_versions() -> dict[str, str]:
    """Return {distribution: version} for :data:`PACKAGES` and Python (no imports needed)."""
    out = {"python": platform.python_version()}
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
