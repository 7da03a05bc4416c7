"""`analysis pack --scheduler`: the runs on a dask.distributed LocalCluster (127.0.0.1)
give the same pack as the local pool (statuses, errors, retries, cache keys, figures byte
for byte), reuse the cache, and survive a worker killed mid-run."""

from __future__ import annotations

import json
import os
import signal
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from analysis import pack
from analysis.pack import lifeline

pytestmark = pytest.mark.slow

TEST_NOTEBOOKS = Path(__file__).parent / "notebooks"
OK_SPEC = "{label: {kind: str}, n: {kind: int, min: 1}, figure: {kind: str}}"


def tiny_data(root: Path) -> Path:
    d = root / "data"
    d.mkdir()
    (d / "observations.csv").write_text("a,b\n1,2\n")
    return d


def write_params(root: Path, body: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    p = root / "p.yaml"
    p.write_text(textwrap.dedent(body).replace("@NB@", str(TEST_NOTEBOOKS)), encoding="utf-8")
    return p


def comparable(records: list[dict]) -> list[dict]:
    return [{k: r[k] for k in ("name", "status", "error", "cache_key", "figures")} for r in records]


def test_dask_local_cluster_builds_the_same_pack_as_the_local_pool(tmp_path):
    data = tiny_data(tmp_path)
    results = {}
    for how, scheduler in (("pool", None), ("dask", "local")):
        params = write_params(tmp_path / how, f"""
            name: d
            notebooks_dir: @NB@
            runs:
              - notebook: ok.ipynb
                spec: {OK_SPEC}
                grid: {{label: [a, "Hòa Bình"]}}
              - notebook: fails.ipynb
                spec: {{message: {{kind: str}}}}
              - notebook: dies.ipynb
                spec: {{marker: {{kind: str, nullable: true}}}}
                grid: {{marker: "{tmp_path / how / 'died-once'}"}}
        """)
        results[how] = pack.build(params, tmp_path / how / "out", data, jobs=2, progress=False,
                                  scheduler=scheduler, code_dir=TEST_NOTEBOOKS)
    pool, dask_ = results["pool"], results["dask"]
    by_name = {r["name"]: r for r in dask_.records}
    assert by_name["fails"]["status"] == "failed" and "ValueError" in by_name["fails"]["error"]
    assert all(by_name[n]["status"] == "ok" for n in ("ok__label-a", "ok__label-hoa-binh"))
    assert dask_.timings["runs"][[n for n in by_name if n.startswith("dies")][0]]["attempts"] == 2
    # The marker path differs between the two builds, so does that run's key: compare the rest.
    same = [n for n in by_name if not n.startswith("dies")]
    assert [r for r in comparable(pool.records) if r["name"] in same] == \
           [r for r in comparable(dask_.records) if r["name"] in same]
    for r in dask_.records:
        for fig in r["figures"]:
            for f in fig["files"].values():
                assert (dask_.path / f).read_bytes() == (pool.path / f).read_bytes(), f
    assert not list((tmp_path / "dask" / "out").glob(".building-*"))
    # Nothing changed: the next Dask build reuses every good run.
    again = pack.build(params, tmp_path / "dask" / "out", data, jobs=2, progress=False, scheduler="local",
                       code_dir=TEST_NOTEBOOKS)
    cached = {n for n, t in again.timings["runs"].items() if t["cached"]}
    assert cached == {r["name"] for r in dask_.records if r["status"] == "ok"}


def test_a_worker_killed_mid_run_has_its_run_finished_on_another_worker(tmp_path):
    import dask
    from distributed import Client, LocalCluster

    data = tiny_data(tmp_path)
    params = write_params(tmp_path, f"""
        name: k
        notebooks_dir: @NB@
        runs:
          - notebook: sleeps.ipynb
            spec: {{seconds: {{kind: float, min: 0}}}}
            grid: {{seconds: 20}}
          - notebook: ok.ipynb
            spec: {OK_SPEC}
    """)
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), \
            LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                         memory_limit=0) as cluster, Client(cluster) as client:
        box: dict = {}
        t = threading.Thread(target=lambda: box.update(result=pack.build(
            params, tmp_path / "out", data, jobs=2, progress=False, scheduler=cluster.scheduler_address,
            code_dir=TEST_NOTEBOOKS)))
        t.start()
        deadline = time.monotonic() + 240
        victim = None
        while victim is None and time.monotonic() < deadline:
            logs = list((tmp_path / "out").glob(".building-*/logs/sleeps*.log"))
            if logs and "Executing Cell" in logs[0].read_text(errors="replace"):
                for addr, keys in client.processing().items():
                    if any("sleeps" in str(k) for k in keys):
                        victim = addr
            time.sleep(0.25)
        assert victim is not None, "the sleeping run never started"
        pid = client.run(os.getpid, workers=[victim])[victim]
        below = {p: s for p, s in _children(pid).items()}
        os.kill(pid, signal.SIGKILL)
        t.join(300)
        assert not t.is_alive()
    result = box["result"]
    sleeps = [r for r in result.records if r["name"].startswith("sleeps")][0]
    assert sleeps["status"] == "ok", sleeps["error"]
    nb = json.loads((result.path / sleeps["notebook_executed"]).read_text())
    assert "slept" in json.dumps(nb["cells"])
    deadline = time.monotonic() + 15
    while any(lifeline.alive(p, s) for p, s in below.items()) and time.monotonic() < deadline:
        time.sleep(0.25)
    assert not any(lifeline.alive(p, s) for p, s in below.items()), "the dead worker's kernel survived"


def _children(root: int) -> dict[int, str]:
    """{pid: start time} of the processes below ``root`` (the worker's factory and kernels)."""
    parents: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parents[int(d.name)] = int((d / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    out, frontier = {}, [root]
    while frontier:
        parent = frontier.pop()
        for child, p in parents.items():
            if p == parent and child not in out:
                out[child] = lifeline.start_time(child)
                frontier.append(child)
    return out


if not sys.platform.startswith("linux"):  # pragma: no cover
    pytestmark = [pytestmark, pytest.mark.skip(reason="reads /proc (Linux)")]
