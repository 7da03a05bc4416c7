"""Assembling a pack's run records: each run's figures gathered into the pack (two runs
writing the same figure name fail loudly) and its manifest record and timings."""

from __future__ import annotations

import shutil
from pathlib import Path

from analysis.pack import manifest as pack_manifest, run_findings
from analysis.pack.spec import PackSpec, Run

#: Figure file kinds written by plotting.save, gathered per figure name.
FIGURE_KINDS = ("png", "svg", "csv", "txt")


def gather_figures(run_dir: Path, figures_dir: Path, owners: dict[str, str], run_name: str) -> tuple[list[dict], str | None]:
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


def assemble(spec: PackSpec, tmp: Path, results: dict, cached: dict, keys: dict) -> tuple[list[dict], dict]:
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
            found = run_findings.carried(cached[run.name])
        else:
            found = run_findings.take(tmp / "work" / run.name)  # before figures: not one of them
            figs, clash = gather_figures(tmp / "work" / run.name, tmp / "figures", owners, run.name)
            status, error = res["status"], res["error"]
            if clash:
                status, error = "failed", "; ".join(e for e in (error, clash) if e)
        records.append({**run_record(run, status, error, keys[run.name], figs), **found})
        timings["runs"][run.name] = {"seconds": res["seconds"], "attempts": res["attempts"],
                                     "cached": run.name in cached}
        if "timing" in res:
            timings["runs"][run.name]["timing"] = res["timing"]
    return records, timings


def run_record(run: Run, status: str, error: str | None, cache_key: str, figures: list[dict]) -> dict:
    """Return the manifest record of one run (the one place a run's record is put
    together: fields read from the run's own outputs belong here)."""
    return {
        "name": run.name,
        "notebook": run.notebook.name,
        "notebook_path": pack_manifest.display_path(run.notebook),
        "parameters": run.parameters,
        "timeout": run.timeout,
        "spec_names": list(run.spec_names),
        "status": status,
        "error": error,
        "cache_key": cache_key,
        "notebook_executed": f"notebooks/{run.name}.ipynb",
        "html": f"html/{run.name}.html",
        "log": f"logs/{run.name}.log",
        "figures": figures,
    }
