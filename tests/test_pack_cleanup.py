"""Nothing left behind: after `analysis pack` is killed with SIGKILL mid-build, no worker,
kernel factory or kernel of that build survives it (checked by process id, within 15 s),
and the next build removes the dead build's temporary folder. Local pool and Dask
LocalCluster."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from analysis.pack import lifeline

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux)")]

TEST_NOTEBOOKS = Path(__file__).parent / "notebooks"
PACK = [sys.executable, "-m", "analysis.commands.pack", "--quiet"]


def descendants(root: int) -> dict[int, str]:
    """Return {pid: start time} of every living process below ``root``."""
    parents: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            parents[int(d.name)] = int(fields[1])
    found, frontier = {}, [root]
    while frontier:
        p = frontier.pop()
        for child, parent in parents.items():
            if parent == p and child not in found:
                started = lifeline.start_time(child)
                if started is not None:
                    found[child] = started
                    frontier.append(child)
    return found


def sleeping_pack(tmp_path: Path) -> Path:
    p = tmp_path / "sleepy.yaml"
    p.write_text(textwrap.dedent(f"""
        name: sleepy
        notebooks_dir: {TEST_NOTEBOOKS}
        runs:
          - notebook: sleeps.ipynb
            spec: {{seconds: {{kind: float, min: 0}}}}
            grid: {{seconds: [300, 301, 302]}}
    """), encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "x.csv").write_text("a\n1\n")
    return p


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}")


def kernels_running(out: Path) -> bool:
    """True once two runs' kernels are in the sleeping cell (their logs say so)."""
    logs = list(out.glob(".building-*/logs/*.log"))
    return sum("Executing Cell" in p.read_text(errors="replace") for p in logs) >= 2


@pytest.mark.parametrize("extra", [[], ["--scheduler", "local"]], ids=["local-pool", "dask-localcluster"])
def test_sigkill_mid_build_leaves_no_process_and_next_build_cleans_up(tmp_path, extra):
    params, out = sleeping_pack(tmp_path), tmp_path / "out"
    cmd = PACK + ["--params", str(params), "--out", str(out), "--data", str(tmp_path / "data"), "--jobs", "2", *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    tree: dict[int, str] = {}
    try:
        wait_for(lambda: kernels_running(out), 240, "two kernels to start sleeping")
        tree = descendants(proc.pid)
        assert len(tree) >= 4, f"expected workers, factories and kernels below the build, found {tree}"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(lifeline.alive(p, s) for p, s in tree.items()):
            time.sleep(0.25)
        survivors = {p: Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ")[:120]
                     for p, s in tree.items() if lifeline.alive(p, s)}
        assert not survivors, f"processes of the killed build still alive after 15 s: {survivors}"
    finally:
        if proc.poll() is None:
            tree.update(descendants(proc.pid))
            proc.kill()
            proc.wait(10)
        for p, s in tree.items():  # never leave a survivor to the next test
            if lifeline.alive(p, s):
                os.kill(p, signal.SIGKILL)
    assert list(out.glob(".building-*")), "the killed build left its temporary folder (as expected)"
    # The next build on the same folder (another pack) removes it.
    other = tmp_path / "other.yaml"
    other.write_text(f"name: other\nnotebooks_dir: {TEST_NOTEBOOKS}\nruns:\n  - notebook: sleeps.ipynb\n"
                     "    spec: {seconds: {kind: float, min: 0}}\n", encoding="utf-8")
    rc = subprocess.run(PACK + ["--params", str(other), "--out", str(out), "--data", str(tmp_path / "data"),
                                "--jobs", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300).returncode
    assert rc == 0
    assert not list(out.glob(".building-*"))
    assert (out / "latest" / "manifest.json").is_file()
