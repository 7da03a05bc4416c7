"""Build a figure pack: run report notebooks over a parameter grid, in parallel, and publish.

A pack folder (``figures/packs/NAME``, with ``figures/latest`` pointing at the newest
complete one) holds::

    index.html        the reviewers' page (English; index.vi.html Vietnamese): findings, runs, figures
    manifest.json     per run: parameters, status, cache key, files; input hashes, versions, git
    timings.json      per run: seconds, attempts, cached (kept apart: it differs between builds)
    notebooks/RUN.ipynb   executed copies (a failed one keeps its error)
    html/RUN.html         the same with all code hidden
    logs/RUN.log          everything papermill, nbclient and the kernel printed
    figures/              PNG, SVG, plotted data (CSV) and caption (.txt) of every figure

The steps (:func:`build`): read and check the parameter file (nothing runs if anything
is wrong), take the lock on the output root, reuse unchanged runs from the previous pack,
execute the others in a process pool, gather each run's figures from its own folder (two
runs writing the same figure name fail loudly), write manifest, timings and index into a
temporary folder, then switch the symlinks ``packs/NAME`` and ``latest`` to it. An
interruption (Ctrl-C, SIGTERM) stops the workers, removes the temporary folder and
leaves the published pack as it was.
"""

from __future__ import annotations

import concurrent.futures as cf
import fcntl
import json
import multiprocessing
import os
import re
import shutil
import signal
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from analysis import config
from analysis.pack import html as pack_html, manifest as pack_manifest, run_findings, spec as pack_spec
from analysis.pack.spec import PackSpec, Run

LOCK_NAME = ".pack.lock"
#: Figure file kinds written by plotting.save, gathered per figure name.
FIGURE_KINDS = ("png", "svg", "csv", "txt")


class PackBusy(RuntimeError):
    """Raised when another pack build holds the lock on the same output root."""


@dataclass
class PackResult:
    """What :func:`build` did: the published folder and each run's manifest record."""

    path: Path
    records: list[dict]
    timings: dict = field(default_factory=dict)

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.records if r["status"] != "ok"]


@contextmanager
def lock(out_root: Path, wait: bool = False):
    """Hold an exclusive ``flock`` on ``out_root/.pack.lock`` for the block.

    Raises PackBusy (naming the holder's pid) when another build holds it and ``wait``
    is false; with ``wait`` blocks until it is free. The lock dies with its process, so
    a killed build never leaves a stale lock.
    """
    out_root.mkdir(parents=True, exist_ok=True)
    path = out_root / LOCK_NAME
    f = open(path, "a+")
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "unknown"
            raise PackBusy(f"another pack build is running on {out_root} (pid {holder}); "
                           "try again when it ends, or pass --wait") from None
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        yield
    finally:
        f.close()  # closing releases the lock


@contextmanager
def _signals_as_interrupt():
    """Turn SIGTERM into KeyboardInterrupt for the block, so cleanup runs (main thread only)."""

    def _raise(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        old = signal.signal(signal.SIGTERM, _raise)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _read_json(path: Path) -> dict:
    """Return the JSON object in ``path``, or {} if it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _read_manifest(pack_dir: Path) -> dict:
    """Return the manifest of the pack in ``pack_dir``, or {} if there is none."""
    return _read_json(pack_dir / "manifest.json")


def _previous(out_root: Path, name: str) -> tuple[Path | None, dict]:
    """Return (folder, {cache key: run record}) of the last published pack ``name``."""
    prev = out_root / "packs" / name
    manifest = _read_manifest(prev)
    if not manifest:
        return None, {}
    return prev.resolve(), {r["cache_key"]: r for r in manifest.get("runs", []) if r.get("status") == "ok"}


def _record_files(record: dict) -> list[str]:
    files = [record["notebook_executed"], record["html"], record["log"]]
    for fig in record["figures"]:
        files += list(fig["files"].values())
    return files


def _reuse(prev_dir: Path, record: dict, tmp: Path) -> bool:
    """Copy a cached run's files from the previous pack into ``tmp``; False if any is missing."""
    files = _record_files(record)
    if not all((prev_dir / f).is_file() for f in files):
        return False
    for f in files:
        (tmp / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(prev_dir / f, tmp / f)
    return True


def _gather_figures(run_dir: Path, figures_dir: Path, owners: dict[str, str], run_name: str) -> tuple[list[dict], str | None]:
    """Move the files a run wrote in ``run_dir`` into the pack's figures folder.

    Returns (figure records, collision message or None). A file name another run already
    wrote is not moved over it: the collision is reported instead.
    """
    groups: dict[str, dict[str, str]] = {}
    clashes: dict[str, str] = {}
    for p in sorted(run_dir.rglob("*")) if run_dir.exists() else []:
        if not p.is_file() or p.name.startswith("."):
            continue
        rel = p.relative_to(run_dir).as_posix()
        if rel in owners:
            clashes.setdefault(rel.rpartition(".")[0] or rel, owners[rel])
            continue
        owners[rel] = run_name
        dest = figures_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(p, dest)
        stem, _, ext = rel.rpartition(".")
        kind = ext if ext in FIGURE_KINDS else rel
        groups.setdefault(stem or rel, {})[kind] = f"figures/{rel}"
    figs = [{"name": Path(stem).name, "files": files} for stem, files in sorted(groups.items())]
    message = "; ".join(f"figure '{stem}' also written by run '{owner}'" for stem, owner in clashes.items())
    return figs, (message or None)


def _publish(tmp: Path, out_root: Path, name: str) -> Path:
    """Move the complete pack ``tmp`` into ``packs/`` and switch ``packs/NAME`` and
    ``latest`` to it with atomic symlink replacements; return the ``packs/NAME`` path.

    The pack itself lives in ``packs/NAME@N``; the previous one is kept (a reader may be
    in it), older ones are removed.
    """
    packs = out_root / "packs"
    packs.mkdir(parents=True, exist_ok=True)
    link = packs / name
    if link.exists() and not link.is_symlink():  # a pack from the first, non-versioned runner
        os.replace(link, packs / f"{name}@0")
    pattern = re.compile(rf"^{re.escape(name)}@(\d+)$")
    numbers = sorted(int(m.group(1)) for p in packs.iterdir() if (m := pattern.match(p.name)))
    final = packs / f"{name}@{(numbers[-1] + 1) if numbers else 1}"
    os.replace(tmp, final)

    def _swap(link_path: Path, target: str) -> None:
        staging = link_path.with_name(f".{link_path.name}.new")
        staging.unlink(missing_ok=True)
        staging.symlink_to(target)
        os.replace(staging, link_path)

    previous = os.readlink(link) if link.is_symlink() else None
    _swap(link, final.name)
    _swap(out_root / "latest", f"packs/{name}")
    for n in numbers:
        old = packs / f"{name}@{n}"
        if old.name != previous:
            shutil.rmtree(old, ignore_errors=True)
    return link


def _stop_pool(executor: cf.ProcessPoolExecutor) -> None:
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


def _forkserver():
    """Return the forkserver context, starting its server (which imports papermill and
    nbconvert, ~2-3 s) in the background if it is not running yet.

    forkserver: workers fork from a clean server that imported those once, instead of
    re-importing them per worker (spawn) or forking a parent that may hold threads.
    """
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["analysis.pack.execute", "papermill", "nbconvert", "nbformat"])
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return ctx


def _pool(jobs: int) -> cf.ProcessPoolExecutor:
    from analysis.pack import execute as pack_exec

    return cf.ProcessPoolExecutor(max_workers=jobs, mp_context=_forkserver(), initializer=pack_exec.init_worker)


def _cross_check(items: list[tuple[str, tuple[str, ...]]]) -> str | None:
    """Worker-side papermill.inspect_notebook check (keeps papermill out of the main process)."""
    from analysis.errors import ParameterError

    runs = [Run(Path(nb), {}, 1.0, names) for nb, names in items]
    try:
        pack_spec.cross_check(runs)
    except ParameterError as exc:
        return json.dumps([exc.notebook, exc.name, exc.problem])
    return None


def build(params_file: str | Path, out_root: str | Path | None = None, data_dir: str | Path | None = None, *,
          jobs: int | None = None, timeout: float | None = None, use_cache: bool = True,
          wait: bool = False, code_dir: str | Path | None = None, progress: bool = True) -> PackResult:
    """Build and publish the pack described by ``params_file``; return a :class:`PackResult`.

    ``out_root`` (default figures/) receives ``packs/NAME`` and ``latest``; ``data_dir``
    (default: the shipped data) is passed to every notebook; ``jobs`` parallel runs
    (default: the number of cores); ``timeout`` seconds per cell for runs whose entry
    gives none; ``use_cache`` reuses unchanged runs of the previous pack; ``wait`` waits
    for another build instead of refusing; ``code_dir`` is the source tree whose *.py
    files enter the cache key (default: the analysis package).

    Raises ParameterError or DataError before anything runs (bad file, parameters or
    data), PackBusy when another build holds the lock, KeyboardInterrupt when
    interrupted (the published pack is left as it was). A failing notebook does not
    raise: its record says ``"failed"``.
    """
    from analysis.errors import ParameterError

    started = time.monotonic()
    data_path = config.resolve_data_dir(data_dir)
    if not data_path.is_dir():
        raise ParameterError("pack", "data_dir", f"data folder not found: {data_path}")
    out_root = Path(out_root or config.FIGURES_DIR).resolve()
    code_dir = Path(code_dir or Path(__file__).parent)
    jobs = max(1, jobs or os.cpu_count() or 1)

    data_hashes = pack_manifest.tree_hashes(data_path)
    code_hashes = pack_manifest.tree_hashes(code_dir, "**/*.py")
    versions = pack_manifest.package_versions()
    data_digest, code_digest = pack_manifest.digest(data_hashes), pack_manifest.digest(code_hashes)
    plan = pack_manifest.plan_digest(Path(params_file), data_digest, code_digest, versions, timeout)
    spec: PackSpec | None = None
    if plan and use_cache:  # nothing that decides the run list changed: skip validation
        previous = _read_manifest(out_root / "packs" / plan[0])
        if previous.get("plan_sha256") == plan[1]:
            spec = pack_manifest.spec_from_manifest(previous, Path(params_file))
    if spec is None:
        # Something changed, so something will probably run: let the worker server import
        # papermill while the parameters are checked here.
        _forkserver()
        spec = pack_spec.load(params_file, data_path, timeout)
    phases = {"prepare": round(time.monotonic() - started, 3)}
    keys = {r.name: pack_manifest.run_key(r, data_digest, code_digest, versions) for r in spec.runs}

    with lock(out_root, wait), _signals_as_interrupt():
        # Fixed name (we hold the lock): paths printed inside notebooks stay the same
        # from build to build, so the code-hidden HTML is repeatable too.
        tmp = out_root / f".building-{spec.name}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            for sub in ("notebooks", "html", "logs", "figures", "work"):
                (tmp / sub).mkdir(parents=True)
            prev_dir, prev = _previous(out_root, spec.name) if use_cache else (None, {})
            results: dict[str, dict] = {}
            cached: dict[str, dict] = {}
            todo: list[Run] = []
            for run in spec.runs:
                rec = prev.get(keys[run.name])
                if rec is not None and rec["name"] == run.name and _reuse(prev_dir, rec, tmp):
                    cached[run.name] = rec
                    results[run.name] = {"name": run.name, "status": rec["status"], "error": rec["error"],
                                         "attempts": 0, "seconds": 0.0}
                else:
                    todo.append(run)
            # Longest first (durations of the previous build): a shorter critical path.
            last = _read_json(out_root / "packs" / spec.name / "timings.json").get("runs", {})
            todo.sort(key=lambda r: -float(last.get(r.name, {}).get("seconds") or 1e9))
            t = time.monotonic()
            _execute(todo, tmp, data_path, jobs, results, progress, len(spec.runs))
            phases["execute"] = round(time.monotonic() - t, 3)
            records, timings = _assemble(spec, tmp, results, cached, keys)
            manifest = {
                "pack": spec.name,
                "params_file": pack_manifest.display_path(spec.source),
                "data_dir": pack_manifest.display_path(data_path),
                "inputs": {"data": data_hashes, "data_sha256": data_digest,
                           "code_dir": pack_manifest.display_path(code_dir), "code_sha256": code_digest},
                "versions": versions,
                "git": pack_manifest.git_state(),
                "plan_sha256": plan[1] if plan else None,
                "runs": records,
            }
            _write_json(tmp / "manifest.json", manifest)
            timings["phases"] = phases
            timings["seconds_total"] = round(time.monotonic() - started, 3)
            _write_json(tmp / "timings.json", timings)
            pack_html.write_pages(tmp, manifest)  # index.html (English), index.vi.html
            shutil.rmtree(tmp / "work", ignore_errors=True)
            dest = _publish(tmp, out_root, spec.name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return PackResult(dest, records, timings)


def _execute(todo: list[Run], tmp: Path, data_path: Path, jobs: int, results: dict, progress: bool,
             total: int) -> None:
    """Run ``todo`` in a process pool, filling ``results[name]`` with each worker's result."""
    if not todo:
        return
    from tqdm import tqdm

    from analysis.pack import execute as pack_exec
    from analysis.errors import ParameterError

    executor = _pool(min(jobs, len(todo)))
    try:
        # The papermill cross-check runs in a worker: papermill is preloaded there.
        items = sorted({(str(r.notebook), r.spec_names) for r in todo})
        problem = executor.submit(_cross_check, items).result()
        if problem:
            raise ParameterError(*json.loads(problem))
        futures = {}
        for run in todo:
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
            }
            if "data_dir" not in run.spec_names:
                job["parameters"].pop("data_dir")
            futures[executor.submit(pack_exec.execute, job)] = run.name
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
        _stop_pool(executor)
        raise
    executor.shutdown(wait=True)


def _assemble(spec: PackSpec, tmp: Path, results: dict, cached: dict, keys: dict) -> tuple[list[dict], dict]:
    """Return (manifest run records, timings) in parameter-file order, moving each
    executed run's figures into the pack (and failing runs whose figure names collide)."""
    owners: dict[str, str] = {}
    for name, rec in cached.items():
        for fig in rec["figures"]:
            for f in fig["files"].values():
                owners[Path(f).relative_to("figures").as_posix()] = name
    records, timings = [], {"runs": {}}
    for run in spec.runs:
        res = results[run.name]
        if run.name in cached:
            figs, error, status = cached[run.name]["figures"], res["error"], res["status"]
        else:
            found = run_findings.take(tmp / "work" / run.name)  # before figures: not one of them
            figs, clash = _gather_figures(tmp / "work" / run.name, tmp / "figures", owners, run.name)
            status, error = res["status"], res["error"]
            if clash:
                status, error = "failed", "; ".join(e for e in (error, clash) if e)
        records.append({
            "name": run.name,
            "notebook": run.notebook.name,
            "notebook_path": pack_manifest.display_path(run.notebook),
            "parameters": run.parameters,
            "timeout": run.timeout,
            "spec_names": list(run.spec_names),
            "status": status,
            "error": error,
            "cache_key": keys[run.name],
            "notebook_executed": f"notebooks/{run.name}.ipynb",
            "html": f"html/{run.name}.html",
            "log": f"logs/{run.name}.log",
            "figures": figs,
            **(run_findings.carried(cached[run.name]) if run.name in cached else found),
        })
        timings["runs"][run.name] = {"seconds": res["seconds"], "attempts": res["attempts"],
                                     "cached": run.name in cached}
    return records, timings


def _write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
