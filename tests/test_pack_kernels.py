"""Kernels forked from the pre-warmed factory (analysis.pack.kernels) against cold ones:
the same figures byte for byte, a fresh process per run, dead kernels and timeouts
still seen as such, and the factory's kernels gone when the factory goes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

from analysis import config
from analysis.pack import execute as pack_exec, kernels, lifeline

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kernel factory forks (Linux)")]

TEST_NOTEBOOKS = Path(__file__).parent / "notebooks"


def job(root: Path, notebook: Path, parameters: dict, warm: bool, timeout: float = 120) -> dict:
    return {"name": "run", "notebook": str(notebook), "executed": str(root / "run.ipynb"),
            "html": str(root / "run.html"), "log": str(root / "run.log"), "cwd": str(notebook.parent),
            "parameters": {**parameters, "output_dir": str(root / "out")}, "timeout": timeout,
            "kernel_name": config.KERNEL_NAME, "warm": warm}


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module", autouse=True)
def _factory():
    yield
    kernels.close_factory()


@pytest.mark.parametrize("notebook, parameters", [
    (TEST_NOTEBOOKS / "ok.ipynb", {"label": "Hòa Bình", "n": 40}),
    (config.NOTEBOOKS_DIR / "01_data_overview.ipynb", {"province": "Nghệ An", "lang": "vi"}),
])
def test_a_forked_kernel_gives_the_same_figures_and_page_as_a_cold_one(tmp_path, notebook, parameters):
    root = tmp_path / "run"
    outputs = {}
    for warm in (False, True):
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir()
        result = pack_exec.execute(job(root, notebook, parameters, warm))
        assert result["status"] == "ok", (result, (root / "run.log").read_text())
        assert result["timing"]["kernel"].startswith("forked" if warm else "cold")
        outputs[warm] = files(root / "out"), (root / "run.html").read_bytes()
    cold, warm = outputs[False], outputs[True]
    assert any(name.endswith(".png") for name in cold[0]), "the notebook saved figures"
    assert cold[0].keys() == warm[0].keys()
    for name in cold[0]:
        assert cold[0][name] == warm[0][name], f"{name} differs between a cold and a forked kernel"
    assert b"<img" in warm[1]
    assert cold[1] == warm[1]


def test_each_run_gets_a_new_kernel_process_and_its_own_state(tmp_path):
    """Two runs through the same factory: different processes, nothing carried over."""
    import nbformat

    nb = tmp_path / "pid.ipynb"
    cells = [nbformat.v4.new_code_cell("output_dir = None  # str or None", metadata={"tags": ["parameters"]}),
             nbformat.v4.new_code_cell("import os, sys\nprint('PID', os.getpid())\n"
                                       "print('CARRIED', 'leftover' in globals())\nleftover = 1\n"
                                       "import numpy as np\nprint('DRAW', np.random.random())")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": config.KERNEL_NAME,
                   "display_name": "k", "language": "python"}}), nb)
    seen = []
    for i in range(2):
        root = tmp_path / f"r{i}"
        root.mkdir()
        result = pack_exec.execute(job(root, nb, {}, True))
        assert result["status"] == "ok", (root / "run.log").read_text()
        import nbformat as nbf

        text = "".join(o.get("text", "") for c in nbf.read(root / "run.ipynb", as_version=4).cells
                       for o in c.get("outputs", []))
        seen.append(dict(line.split(" ", 1) for line in text.splitlines() if line[:4] in ("PID ", "CARR", "DRAW")))
    assert seen[0]["PID"] != seen[1]["PID"]
    assert seen[0]["CARRIED"] == seen[1]["CARRIED"] == "False"
    assert seen[0]["DRAW"] != seen[1]["DRAW"], "each forked kernel gets a fresh NumPy seed"
    assert not lifeline.alive(int(seen[0]["PID"])) and not lifeline.alive(int(seen[1]["PID"]))


def test_a_dead_forked_kernel_and_a_timeout_are_seen_and_retried(tmp_path):
    marker = tmp_path / "died-once"
    root = tmp_path / "dies"
    root.mkdir()
    result = pack_exec.execute(job(root, TEST_NOTEBOOKS / "dies.ipynb", {"marker": str(marker)}, True))
    assert result["status"] == "ok" and result["attempts"] == 2 and marker.exists()
    root = tmp_path / "sleeps"
    root.mkdir()
    result = pack_exec.execute(job(root, TEST_NOTEBOOKS / "sleeps.ipynb", {"seconds": 30}, True, timeout=1))
    assert result["status"] == "failed" and result["attempts"] == 2 and "timed out" in result["error"]


def test_kernels_go_when_their_factory_is_killed(tmp_path):
    """SIGKILL the factory while its kernel sleeps: the kernel follows (PR_SET_PDEATHSIG)."""
    f = kernels.Factory()
    try:
        conn = tmp_path / "kernel.json"
        from jupyter_client.connect import write_connection_file

        write_connection_file(str(conn), ip="127.0.0.1")
        pid, started = f.fork(str(conn), str(tmp_path), str(tmp_path / "k.log"), {})
        assert lifeline.alive(pid, started)
        os.kill(f.proc.pid, signal.SIGKILL)
        f.proc.wait(10)
        deadline = time.monotonic() + 15
        while lifeline.alive(pid, started) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not lifeline.alive(pid, started), "the kernel outlived its factory"
    finally:
        f.close()
