"""Shared fixtures: the shipped dataset, a writable copy of data/, and a notebook runner."""

from __future__ import annotations

import shutil
import sys

import nbformat
import papermill as pm
import pytest

from analysis import config, data


@pytest.fixture(scope="session")
def shipped():
    """The validated shipped dataset (loaded once per test session)."""
    return data.load()


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of the shipped data/ folder; returns its path."""
    dest = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, dest)
    return dest


@pytest.fixture
def run_notebook(tmp_path):
    """Execute a notebook of notebooks/ with papermill; return (executed notebook, output dir).

    Parameters are passed as keyword arguments; output_dir defaults to a temporary folder.
    Raises papermill.PapermillExecutionError when a cell fails.
    """

    def _run(name: str, **parameters):
        out_dir = tmp_path / "out"
        parameters.setdefault("output_dir", str(out_dir))
        executed = tmp_path / name
        pm.execute_notebook(str(config.NOTEBOOKS_DIR / name), str(executed), parameters=parameters,
                            kernel_name=config.KERNEL_NAME, cwd=str(config.NOTEBOOKS_DIR),
                            progress_bar=False)
        return nbformat.read(executed, as_version=4), out_dir

    return _run


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise():
    """Each test starts and ends in English: the language is process-wide (a notebook or
    command sets it once), so a test that switches to Vietnamese must not leak it. Every
    figure a test drew is closed after it (pyplot keeps them open, and memory grows)."""
    from analysis import i18n

    i18n.set_language("en")
    yield
    i18n.set_language("en")
    pyplot = sys.modules.get("matplotlib.pyplot")  # only when a test has loaded it
    if pyplot is not None:
        pyplot.close("all")
