"""Paths and fixed names, in one place (no absolute paths elsewhere, no os.chdir)."""

from __future__ import annotations

import os
from pathlib import Path

#: The repository root (the package is installed in editable mode from src/).
REPO_ROOT = Path(__file__).resolve().parents[2]

#: The shipped, curated data. ``ANALYSIS_DATA_DIR`` overrides it, as does ``--data`` on
#: every command and ``data_dir`` in every notebook.
DATA_DIR = Path(os.environ.get("ANALYSIS_DATA_DIR", REPO_ROOT / "data"))

#: Copies of the source articles; quotes of seed sources are checked against them.
SEEDS_SUBDIR = "seeds"

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
FIGURES_DIR = REPO_ROOT / "figures"
#: Where a notebook run interactively writes figures when no output_dir is given.
SCRATCH_DIR = FIGURES_DIR / "scratch"
PACKS_PARAMS_DIR = REPO_ROOT / "packs"

#: The Jupyter kernel every notebook names in its metadata. ``make setup`` installs it
#: into .venv/ with ``ipykernel install --sys-prefix`` so papermill, CI and JupyterLab
#: all resolve the same interpreter.
KERNEL_NAME = "p06-analysis"


def resolve_data_dir(data_dir: str | os.PathLike | None) -> Path:
    """Return the data folder to read: ``data_dir`` if given, else the shipped one."""
    return Path(data_dir).expanduser().resolve() if data_dir else DATA_DIR
