"""Running a pack's runs in a local process pool (forkserver workers)."""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import os
import time
from pathlib import Path

from analysis import config
from analysis.pack import spec as pack_spec
from analysis.pack.spec import Run


def stop_pool(executor: cf.ProcessPoolExecutor) -> None:
    """Cancel pending runs and stop the workers (SIGTERM lets them shut their kernels down)."""
    procs = list((getattr(executor, "_processes", None) or {}).values())  # no public handle on workers
    executor.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()
    deadline = time.monotonic() + 15
    for p in procs:
        p.join(max(0.1, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()


def start_forkserver():
    """Return the forkserver context, starting its server (which imports papermill and
    nbconvert, ~2-3 s) in the background if it is not running yet.

    forkserver: workers fork from a clean server that imported those once, instead of
    re-importing them per worker (spawn) or forking a parent that may hold threads.
    """
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["analysis.pack.execute", "papermill", "nbconvert", "nbformat"])
    from multiprocessing import forkserver as mp_forkserver

    mp_forkserver.ensure_running()
    return ctx


def make_pool(jobs: int, warm: bool = True) -> cf.ProcessPoolExecutor:
    """Return a pool of ``jobs`` workers that die with this process; with ``warm`` each
    starts its kernel factory (pre-imported kernels) as it starts."""
    from analysis.pack import execute as pack_exec, lifeline

    me = os.getpid()
    return cf.ProcessPoolExecutor(max_workers=jobs, mp_context=start_forkserver(), initializer=pack_exec.init_worker,
                                  initargs=(me, lifeline.start_time(me), warm))


def job_for(run: Run, tmp: Path, data_path: Path) -> dict:
    """Return the job dict :func:`analysis.pack.execute.execute` takes for ``run``, with
    every output path inside the temporary pack folder ``tmp``."""
    job = {
        "name": run.name,
        "notebook": str(run.notebook),
        "executed": str(tmp / "notebooks" / f"{run.name}.ipynb"),
        "html": str(tmp / "html" / f"{run.name}.html"),
        "log": str(tmp / "logs" / f"{run.name}.log"),
        "cwd": str(run.notebook.parent),
        "parameters": {**run.parameters, "data_dir": str(data_path),
                       "output_dir": str(tmp / "work" / run.name)},
        "timeout": run.timeout,
        "kernel_name": config.KERNEL_NAME,
        "submitted": time.time(),
    }
    if "data_dir" not in run.spec_names:
        job["parameters"].pop("data_dir")
    return job


def cross_check(items: list[tuple[str, tuple[str, ...]]]) -> str | None:
    """Worker-side papermill.inspect_notebook check (keeps papermill out of the main process)."""
    from analysis.errors import ParameterError

    runs = [Run(Path(nb), {}, 1.0, names) for nb, names in items]
    try:
        pack_spec.cross_check(runs)
    except ParameterError as exc:
        return json.dumps([exc.notebook, exc.name, exc.problem])
    return None


def run_local(todo: list[Run], tmp: Path, data_path: Path, jobs: int, results: dict, progress: bool,
             total: int) -> None:
    """Run ``todo`` in a process pool, filling ``results[name]`` with each worker's result."""
    if not todo:
        return
    from tqdm import tqdm

    from analysis.pack import execute as pack_exec
    from analysis.errors import ParameterError

    executor = make_pool(min(jobs, len(todo)))
    try:
        # The papermill cross-check runs in a worker: papermill is preloaded there.
        items = sorted({(str(r.notebook), r.spec_names) for r in todo})
        problem = executor.submit(cross_check, items).result()
        if problem:
            raise ParameterError(*json.loads(problem))
        futures = {}
        for run in todo:
            futures[executor.submit(pack_exec.execute, job_for(run, tmp, data_path))] = run.name
        with tqdm(total=total, initial=total - len(todo), desc="pack", unit="run", disable=not progress,
                  dynamic_ncols=True) as bar:
            for fut in cf.as_completed(futures):
                name = futures[fut]
                try:
                    results[name] = fut.result()
                except Exception as exc:  # the worker itself died (not the kernel)
                    results[name] = {"name": name, "status": "failed", "attempts": 1, "seconds": 0.0,
                                     "error": f"worker failed: {type(exc).__name__}: {exc}"}
                bar.set_postfix_str(f"{name}: {results[name]['status']}", refresh=False)
                bar.update(1)
    except BaseException:
        stop_pool(executor)
        raise
    executor.shutdown(wait=True)
