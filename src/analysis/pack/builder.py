"""Build a figure pack: run report notebooks over a parameter grid, in parallel, and publish.

A pack folder (``figures/packs/NAME``, with ``figures/latest`` pointing at the newest
complete one) holds::

    index.html        the reviewers' page: runs with status and links, every figure + caption
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

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from analysis import config
from analysis.pack import assemble, cache, html as pack_html, manifest as pack_manifest, pool, spec as pack_spec
from analysis.pack.publish import PackBusy, lock, publish, signals_as_interrupt
from analysis.pack.spec import PackSpec, Run

#: The source tree whose code and catalogs enter every run's cache key: the analysis package.
PACKAGE_DIR = Path(__file__).resolve().parents[1]

__all__ = ["PackBusy", "PackResult", "build", "lock"]


@dataclass
class PackResult:
    """What :func:`build` did: the published folder and each run's manifest record."""

    path: Path
    records: list[dict]
    timings: dict = field(default_factory=dict)

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.records if r["status"] != "ok"]


def build(params_file: str | Path, out_root: str | Path | None = None, data_dir: str | Path | None = None, *,
          jobs: int | None = None, timeout: float | None = None, use_cache: bool = True,
          wait: bool = False, code_dir: str | Path | None = None, progress: bool = True,
          scheduler: str | None = None) -> PackResult:
    """Build and publish the pack described by ``params_file``; return a :class:`PackResult`.

    ``out_root`` (default figures/) receives ``packs/NAME`` and ``latest``; ``data_dir``
    (default: the shipped data) is passed to every notebook; ``jobs`` parallel runs
    (default: the number of cores); ``timeout`` seconds per cell for runs whose entry
    gives none; ``use_cache`` reuses unchanged runs of the previous pack; ``wait`` waits
    for another build instead of refusing; ``code_dir`` is the source tree whose *.py
    and .po files enter the cache key (default: the analysis package); ``scheduler`` sends the
    runs to a ``dask.distributed`` cluster (an address, or ``"local"`` for a LocalCluster
    of ``jobs`` workers started here) instead of the local process pool.

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
    # The whole analysis package (this module sits in analysis/pack/): report code and the
    # catalogs decide what a run draws, so a change to any of them must miss the cache.
    code_dir = Path(code_dir or PACKAGE_DIR)
    jobs = max(1, jobs or os.cpu_count() or 1)
    inputs = _Inputs.read(Path(params_file), data_path, code_dir, timeout)
    spec = _load_spec(inputs, Path(params_file), out_root, data_path, timeout, use_cache)
    phases = {"prepare": round(time.monotonic() - started, 3)}
    keys = {r.name: pack_manifest.run_key(r, inputs.data_digest, inputs.code_digest, inputs.versions)
            for r in spec.runs}

    with lock(out_root, wait), signals_as_interrupt():
        # Fixed name (we hold the lock): paths printed inside notebooks stay the same
        # from build to build, so the code-hidden HTML is repeatable too.
        tmp = out_root / f".building-{spec.name}"
        _remove_dead_builds(out_root)
        try:
            for sub in ("notebooks", "html", "logs", "figures", "work"):
                (tmp / sub).mkdir(parents=True)
            results, cached, todo = _split_cached(spec, keys, out_root, tmp, use_cache)
            t = time.monotonic()
            if scheduler:
                from analysis.pack import dask_backend

                dask_backend.run_dask(todo, tmp, data_path, scheduler, jobs, results, progress, len(spec.runs))
            else:
                pool.run_local(todo, tmp, data_path, jobs, results, progress, len(spec.runs))
            phases["execute"] = round(time.monotonic() - t, 3)
            records, timings = assemble.assemble(spec, tmp, results, cached, keys)
            manifest = inputs.manifest(spec, data_path, code_dir, records)
            cache.write_json(tmp / "manifest.json", manifest)
            timings["phases"] = phases
            timings["seconds_total"] = round(time.monotonic() - started, 3)
            cache.write_json(tmp / "timings.json", timings)
            pack_html.write_pages(tmp, manifest)  # index.html (English), index.vi.html
            shutil.rmtree(tmp / "work", ignore_errors=True)
            dest = publish(tmp, out_root, spec.name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return PackResult(dest, records, timings)


def _remove_dead_builds(out_root: Path) -> None:
    """Remove the temporary folders of builds that died (SIGKILL, power cut) on
    ``out_root``: the caller holds the lock, so no build is running there."""
    for p in out_root.glob(".building-*"):
        shutil.rmtree(p, ignore_errors=True)


@dataclass
class _Inputs:
    """Hashes of the data and code, package versions and the plan digest of one build."""

    data_hashes: dict
    code_hashes: dict
    versions: dict
    data_digest: str
    code_digest: str
    plan: tuple | None

    @classmethod
    def read(cls, params_file: Path, data_path: Path, code_dir: Path, timeout: float | None) -> "_Inputs":
        """Return the inputs of a build (hashing the data folder and the code tree)."""
        data_hashes = pack_manifest.tree_hashes(data_path)
        code_hashes = {**pack_manifest.tree_hashes(code_dir, "**/*.py"),
                       **pack_manifest.tree_hashes(code_dir, "**/*.po")}
        versions = pack_manifest.package_versions()
        data_digest, code_digest = pack_manifest.digest(data_hashes), pack_manifest.digest(code_hashes)
        plan = pack_manifest.plan_digest(params_file, data_digest, code_digest, versions, timeout)
        return cls(data_hashes, code_hashes, versions, data_digest, code_digest, plan)

    def manifest(self, spec: PackSpec, data_path: Path, code_dir: Path, records: list[dict]) -> dict:
        """Return the pack's manifest.json content for the run ``records``."""
        return {
            "pack": spec.name,
            "params_file": pack_manifest.display_path(spec.source),
            "data_dir": pack_manifest.display_path(data_path),
            "inputs": {"data": self.data_hashes, "data_sha256": self.data_digest,
                       "code_dir": pack_manifest.display_path(code_dir), "code_sha256": self.code_digest},
            "versions": self.versions,
            "git": pack_manifest.git_state(),
            "plan_sha256": self.plan[1] if self.plan else None,
            "runs": records,
        }


def _load_spec(inputs: _Inputs, params_file: Path, out_root: Path, data_path: Path, timeout: float | None,
               use_cache: bool) -> PackSpec:
    """Return the pack's run list: from the previous manifest when nothing that decides it
    changed (no validation needed), else from the parameter file (raises ParameterError)."""
    plan = inputs.plan
    if plan and use_cache:
        previous = cache.read_manifest(out_root / "packs" / plan[0])
        if previous.get("plan_sha256") == plan[1]:
            return pack_manifest.spec_from_manifest(previous, params_file)
    # Something changed, so something will probably run: let the worker server import
    # papermill while the parameters are checked here.
    pool.start_forkserver()
    return pack_spec.load(params_file, data_path, timeout)


def _split_cached(spec: PackSpec, keys: dict, out_root: Path, tmp: Path,
                  use_cache: bool) -> tuple[dict, dict, list[Run]]:
    """Copy unchanged runs of the previous pack into ``tmp``; return (results so far,
    cached records by name, runs to execute, longest first by the last build's durations)."""
    prev_dir, prev = cache.previous(out_root, spec.name) if use_cache else (None, {})
    results: dict[str, dict] = {}
    cached: dict[str, dict] = {}
    todo: list[Run] = []
    for run in spec.runs:
        rec = prev.get(keys[run.name])
        if rec is not None and rec["name"] == run.name and cache.reuse(prev_dir, rec, tmp):
            cached[run.name] = rec
            results[run.name] = {"name": run.name, "status": rec["status"], "error": rec["error"],
                                 "attempts": 0, "seconds": 0.0}
        else:
            todo.append(run)
    # Longest first (durations of the previous build): a shorter critical path.
    last = cache.read_json(out_root / "packs" / spec.name / "timings.json").get("runs", {})
    todo.sort(key=lambda r: -float(last.get(r.name, {}).get("seconds") or 1e9))
    return results, cached, todo
