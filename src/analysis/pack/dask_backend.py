"""Running a pack's runs on a ``dask.distributed`` cluster (``analysis pack --scheduler``).

The runs are the same jobs the local pool executes (:func:`analysis.pack.pool.job_for`),
through the same :func:`analysis.pack.execute.execute` on the workers: the failure policy
is the same (a failing notebook fails its run only; a dead kernel or a timeout is retried
once), and a worker that dies mid-run has its run started again on another worker by the
scheduler. Everything else (cache, manifest, index, atomic publish) stays in the process
that runs ``analysis pack``.

Outputs come back to that process: a worker that sees the build's temporary folder (a
``LocalCluster``, or a shared file system) writes into it directly; a worker on another
machine runs in the same absolute paths on its own disk and sends the files back with
its result. Workers need the same environment (this package, the kernel) and the
notebooks and data folder at the same paths.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from analysis.pack.spec import Run

#: A file in the build's temporary folder; a worker that can read it shares that folder.
TOKEN_FILE = ".dask-token"


def _shared(tmp: str, token: str) -> bool:
    try:
        return (Path(tmp) / TOKEN_FILE).read_text() == token
    except OSError:
        return False


def run_job(job: dict, tmp: str, token: str) -> dict:
    """Worker side: execute ``job``; return its result, with ``files`` ({path relative to
    ``tmp``: bytes}) when this worker does not share ``tmp`` with the build."""
    from analysis.pack import execute as pack_exec

    shared = _shared(tmp, token)
    result = pack_exec.execute(job)
    result["host"] = os.uname().nodename
    if not shared:
        base, work = Path(tmp), Path(job["parameters"]["output_dir"])
        outs = [Path(job["executed"]), Path(job["html"]), Path(job["log"])]
        outs += [p for p in work.rglob("*") if p.is_file()]
        result["files"] = {p.relative_to(base).as_posix(): p.read_bytes() for p in outs if p.is_file()}
        for p in outs[:3]:  # this machine's copy of the run (other runs may still use the folder)
            p.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    return result


def _receive(result: dict, tmp: Path) -> dict:
    """Write the files a remote worker sent into ``tmp``; return the result without them."""
    for rel, data in (result.pop("files", None) or {}).items():
        dest = (tmp / rel).resolve()
        if tmp.resolve() not in dest.parents:
            raise ValueError(f"worker sent a file outside the build folder: {rel}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    return result


def connect(scheduler: str, jobs: int):
    """Return (client, cluster or None): a ``LocalCluster`` of ``jobs`` one-thread worker
    processes on 127.0.0.1 for ``"local"``, else a client of the scheduler at ``scheduler``.

    A run whose worker dies is started again once; a second death fails it
    (``allowed-failures``, set for the clusters this command starts).
    """
    import dask
    from distributed import Client, LocalCluster

    if scheduler != "local":
        from analysis.errors import ParameterError

        try:
            return Client(scheduler, timeout="20s"), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise ParameterError("pack", "--scheduler", f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, memory_limit=0, silence_logs=40)
    return Client(cluster), cluster


def run_dask(todo: list[Run], tmp: Path, data_path: Path, scheduler: str, jobs: int, results: dict,
             progress: bool, total: int) -> None:
    """Run ``todo`` on the Dask cluster ``scheduler`` ("local" or an address), filling
    ``results[name]`` as :func:`analysis.pack.pool.run_local` does.

    Raises ParameterError when a notebook lacks a parameter its spec names (before any
    run) or the scheduler cannot be reached, KeyboardInterrupt
    when interrupted (runs are cancelled and a local cluster is closed).
    """
    if not todo:
        return
    import json

    from tqdm import tqdm

    from analysis.errors import ParameterError
    from analysis.pack import pool

    token = secrets.token_hex(16)
    (tmp / TOKEN_FILE).write_text(token)
    client, cluster = connect(scheduler, jobs)
    futures: dict = {}
    try:
        from distributed import as_completed

        from analysis.pack import execute as pack_exec

        client.run(pack_exec.warm_up)  # every worker's kernel factory starts importing now

        items = sorted({(str(r.notebook), r.spec_names) for r in todo})
        problem = client.submit(pool.cross_check, items, pure=False).result()
        if problem:
            raise ParameterError(*json.loads(problem))
        for run in todo:
            fut = client.submit(run_job, pool.job_for(run, tmp, data_path), str(tmp), token,
                                key=f"pack-{run.name}-{token[:8]}", pure=False)
            futures[fut] = run.name
        with tqdm(total=total, initial=total - len(todo), desc="pack", unit="run", disable=not progress,
                  dynamic_ncols=True) as bar:
            for fut in as_completed(futures):
                name = futures[fut]
                try:
                    results[name] = _receive(fut.result(), tmp)
                except Exception as exc:  # the run's workers died (KilledWorker) or the cluster failed
                    results[name] = {"name": name, "status": "failed", "attempts": 1, "seconds": 0.0,
                                     "error": f"worker failed: {type(exc).__name__}: {exc}"}
                bar.set_postfix_str(f"{name}: {results[name]['status']}", refresh=False)
                bar.update(1)
    except BaseException:
        client.cancel(list(futures), force=True)
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
        (tmp / TOKEN_FILE).unlink(missing_ok=True)
