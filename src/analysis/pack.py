"""Build a figure pack: run report notebooks over a parameter grid with papermill.

A pack folder holds ``notebooks/`` (executed copies), ``figures/`` (PNG, SVG, CSV and
caption files, named by notebook and parameters) and ``manifest.json``. It is built in a
temporary folder next to its destination and moved into place only when complete, so
``figures/latest`` always points at a complete pack.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import papermill as pm
import yaml

from . import config, params, plotting


@dataclass(frozen=True)
class Run:
    """One notebook with one parameter set."""

    notebook: str
    parameters: dict

    @property
    def name(self) -> str:
        return plotting.figure_name(Path(self.notebook).stem, self.parameters)


def read_params_file(path: str | Path) -> tuple[str, list[Run]]:
    """Return (pack name, runs) from a YAML parameter file.

    Raises ParameterError for a malformed file, an unknown notebook or parameter, or a
    value of the wrong type (checked before any kernel starts).
    """
    path = Path(path)
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise params.ParameterError(path.name, "*", f"cannot read parameter file: {exc}") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("runs"), list):
        raise params.ParameterError(path.name, "runs", "the file must have a 'runs' list")
    runs = []
    for entry in spec["runs"]:
        nb = entry.get("notebook")
        grid = entry.get("grid") or {}
        keys = list(grid)
        values = [v if isinstance(v, list) else [v] for v in grid.values()]
        for combo in itertools.product(*values):
            runs.append(Run(nb, dict(zip(keys, combo))))
    return str(spec.get("name", path.stem)), runs


def build(params_file: str | Path, out_root: str | Path | None = None,
          data_dir: str | Path | None = None) -> tuple[Path, list[dict]]:
    """Run every notebook of ``params_file`` and publish the pack; return (pack path, records)."""
    name, runs = read_params_file(params_file)
    out_root = Path(out_root or config.FIGURES_DIR)
    for run in runs:  # validate everything before starting any kernel
        params.check(run.notebook, {**run.parameters, "data_dir": data_dir, "output_dir": None})
    out_root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".pack-{name}-", dir=out_root))
    records = []
    try:
        for run in runs:
            nb_out = tmp / "notebooks" / f"{run.name}.ipynb"
            nb_out.parent.mkdir(parents=True, exist_ok=True)
            values = {**run.parameters, "data_dir": str(data_dir) if data_dir else None,
                      "output_dir": str(tmp / "figures")}
            status = "ok"
            try:
                pm.execute_notebook(str(config.NOTEBOOKS_DIR / run.notebook), str(nb_out),
                                    parameters=values, kernel_name=config.KERNEL_NAME,
                                    cwd=str(config.NOTEBOOKS_DIR), progress_bar=False)
            except pm.PapermillExecutionError:
                status = "failed"
            records.append({"notebook": run.notebook, "parameters": run.parameters, "status": status,
                            "executed": f"notebooks/{run.name}.ipynb"})
        (tmp / "manifest.json").write_text(json.dumps({"pack": name, "runs": records}, indent=2,
                                                      ensure_ascii=False) + "\n", encoding="utf-8")
        dest = out_root / "packs" / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        old = None
        if dest.exists():
            old = dest.with_name(f".old-{name}")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(dest, old)
        os.replace(tmp, dest)
        if old:
            shutil.rmtree(old, ignore_errors=True)
        latest = out_root / "latest"
        link_tmp = out_root / ".latest-tmp"
        link_tmp.unlink(missing_ok=True)
        link_tmp.symlink_to(Path("packs") / name)
        os.replace(link_tmp, latest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest, records
