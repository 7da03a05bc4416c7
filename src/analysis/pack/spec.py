"""Read a pack parameter file: which notebooks, over which grid, with which checks.

The YAML format (``packs/default.yaml``)::

    name: default                  # the pack's folder name under figures/packs/
    notebooks_dir: ../notebooks    # optional; relative to this file; default: notebooks/
    timeout: 600                   # optional; seconds any one cell may run (papermill's
                                   # execution_timeout); a run entry may override it
    runs:
      - notebook: 01_data_overview.ipynb
        grid:                      # cross product of the lists; a scalar is one value
          province: ["Nghệ An", "Hòa Bình"]
        timeout: 300               # optional, per run entry
        spec: module:ATTR          # optional: the typed parameter specification, instead of
                                   # analysis.reports.params.NOTEBOOK_SPECS; or an inline mapping
                                   # name -> {kind, help, nullable, choices, min, max}

A parameter whose kind is itself a list (``provinces``, ``floats``, ``strs``) takes a list
of lists in a grid (one run per inner list); a flat list is one value. ``data_dir`` and
``output_dir`` are set by the runner and may not appear in a grid.

Everything here is checked before any kernel starts: :func:`load` raises
:class:`analysis.reports.params.ParameterError` (exit status 2) naming the notebook, the
parameter and the problem.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import importlib
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis import config
from analysis.reports import params
from analysis.data import vn
from analysis.errors import ParameterError
from analysis.reports.params import COMMON, Param

#: Parameters the runner sets itself; a grid may not name them.
RUNNER_PARAMS = ("data_dir", "output_dir")
#: Parameter kinds whose values are lists (a grid gives them as a list of lists).
LIST_KINDS = ("provinces", "floats", "strs")
#: Default per-cell timeout in seconds when neither the file nor the command gives one.
DEFAULT_TIMEOUT = 900.0


@dataclass(frozen=True)
class Run:
    """One notebook with one parameter set, validated.

    ``parameters`` holds the grid's values in canonical form (e.g. the province name as
    in the data) and JSON types; they are what papermill injects and what names the run.
    """

    notebook: Path
    parameters: dict
    timeout: float
    spec_names: tuple[str, ...] = field(default=())

    @property
    def stem(self) -> str:
        return self.notebook.stem

    @property
    def name(self) -> str:
        """Stable, ASCII run name: notebook stem and each grid parameter (key-value)."""
        return run_name(self.stem, self.parameters)

    @property
    def params_json(self) -> str:
        return json.dumps(self.parameters, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class PackSpec:
    """A parsed parameter file: the pack name, the file it came from and its runs."""

    name: str
    source: Path
    runs: tuple[Run, ...]


def run_name(stem: str, parameters: dict) -> str:
    """Return the run name: the same rule as :func:`analysis.reports.plotting.figure_name`
    (repeated here so that reading a parameter file does not import matplotlib)."""
    parts = [vn.ascii_slug(stem).replace("-", "_")]
    for k, v in sorted(parameters.items()):
        parts.append(f"{vn.ascii_slug(str(k))}-{vn.ascii_slug(str(v)) or 'none'}")
    return "__".join(parts)


def _jsonable(v):
    """Return ``v`` as JSON types: dates as ISO text, paths as text, tuples as lists."""
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Path):
        return str(v)
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return v


def _inline_spec(where: str, raw: dict) -> dict[str, Param]:
    spec = {}
    for name, d in raw.items():
        if not isinstance(d, dict) or "kind" not in d:
            raise ParameterError(where, str(name), "an inline spec entry needs at least 'kind'")
        unknown = set(d) - {"kind", "help", "nullable", "choices", "min", "max"}
        if unknown:
            raise ParameterError(where, str(name), f"unknown spec field(s) {sorted(unknown)}")
        d = {**d, "help": d.get("help", "")}
        if d.get("choices") is not None:
            d["choices"] = tuple(d["choices"])
        spec[str(name)] = Param(**d)
    # Only the runner's own parameters are added: the common `lang` belongs to report
    # notebooks, and an inline spec names it when its notebook has one.
    return {**spec, **{k: v for k, v in COMMON.items() if k in RUNNER_PARAMS}}


def resolve_spec(stem: str, spec_field) -> dict[str, Param]:
    """Return the parameter specification of notebook ``stem``.

    ``spec_field`` is the run entry's ``spec:``: None (use the registry
    :data:`analysis.reports.params.NOTEBOOK_SPECS`), ``"module:ATTR"``, or an inline mapping
    (to which the runner's ``data_dir``/``output_dir`` are added). Raises ParameterError
    when none can be found.
    """
    if spec_field is None:
        return params.spec_for(stem)
    if isinstance(spec_field, dict):
        return _inline_spec(stem, spec_field)
    if isinstance(spec_field, str) and ":" in spec_field:
        mod, attr = spec_field.split(":", 1)
        try:
            return getattr(importlib.import_module(mod), attr)
        except (ImportError, AttributeError) as exc:
            raise ParameterError(stem, "*", f"cannot load spec '{spec_field}': {exc}") from None
    raise ParameterError(stem, "*", f"'spec' must be 'module:ATTR' or a mapping, got {spec_field!r}")


def validate(stem: str, spec: dict[str, Param], values: dict, data_dir, cache: dict | None = None) -> dict:
    """Return ``values`` checked against ``spec`` (canonical, JSON types).

    Same rules as :func:`analysis.reports.params.check`, for a registered spec or one given in
    the parameter file; ``cache`` (a dict) keeps the loaded data between calls. Raises ParameterError
    for an unknown name, a wrong type, a value out of range or an unknown province.
    """
    unknown = sorted(set(values) - set(spec))
    if unknown:
        raise ParameterError(stem, unknown[0], f"unknown parameter; this notebook takes: {', '.join(spec)}")
    cache = {} if cache is None else cache  # shared across calls: the data are loaded once

    def dataset_loader():
        if "ds" not in cache:
            from analysis.data import load
            cache["ds"] = load(data_dir)
        return cache["ds"]

    # params.check_value is the single implementation of the type rules; the registry
    # lookup in params.check cannot take a spec from a file, so the loop is repeated here.
    return {k: _jsonable(params.check_value(stem, k, spec[k], v, dataset_loader)) for k, v in values.items()}


def notebook_defaults(path: Path) -> dict:
    """Return the literal values of the notebook's ``parameters`` cell (name -> value).

    Parsed with ``ast`` so nothing runs; a value that is not a literal is left out.
    Raises ParameterError when the notebook cannot be read or has no such cell.
    """
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ParameterError(path.name, "*", f"cannot read notebook: {exc}") from None
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            out = {}
            for node in ast.parse(src).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    try:
                        out[node.targets[0].id] = ast.literal_eval(node.value)
                    except ValueError:
                        pass
            return out
    raise ParameterError(path.stem, "*", "the notebook has no cell tagged 'parameters'")


def _expand(stem: str, grid, spec: dict[str, Param]) -> list[dict]:
    if grid is None:
        return [{}]
    if not isinstance(grid, dict):
        raise ParameterError(stem, "grid", f"expected a mapping of parameter -> values, got {grid!r}")
    keys, choices = [], []
    for k, v in grid.items():
        k = str(k)
        if k in RUNNER_PARAMS:
            raise ParameterError(stem, k, "is set by the pack runner (--data, the pack folder); remove it from the grid")
        kind = spec[k].kind if k in spec else None
        if kind in LIST_KINDS:
            alts = v if isinstance(v, list) and v and all(isinstance(x, list) for x in v) else [v]
        else:
            alts = v if isinstance(v, list) else [v]
        if not alts:
            raise ParameterError(stem, k, "empty list in the grid: no run would be made")
        keys.append(k)
        choices.append(alts)
    return [dict(zip(keys, combo)) for combo in itertools.product(*choices)]


def _as_timeout(where: str, v) -> float:
    if not (isinstance(v, (int, float)) and not isinstance(v, bool)) or v <= 0:
        raise ParameterError(where, "timeout", f"expected a positive number of seconds, got {v!r}")
    return float(v)


def pack_name(path: Path, doc: dict) -> str:
    """Return the pack's folder name: the file's ``name:`` (or its stem) as an ASCII slug."""
    return vn.ascii_slug(str(doc.get("name") or Path(path).stem))


def notebooks_dir(path: Path, doc: dict) -> Path:
    """Return the folder the file's notebook names are relative to."""
    return (Path(path).parent / doc["notebooks_dir"]).resolve() if doc.get("notebooks_dir") else config.NOTEBOOKS_DIR


def _read_doc(path: Path) -> dict:
    """Return the parameter file's YAML mapping; raises ParameterError when it cannot be read,
    is not UTF-8, has no non-empty ``runs`` list or has an unknown top-level key."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ParameterError(path.name, "*", f"cannot read parameter file: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ParameterError(path.name, "*", f"cannot read parameter file: not UTF-8 (byte 0x{exc.object[exc.start]:02x} "
                                             f"at offset {exc.start}); save it as UTF-8") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("runs"), list) or not doc["runs"]:
        raise ParameterError(path.name, "runs", "the file must have a non-empty 'runs' list")
    unknown = set(doc) - {"name", "runs", "notebooks_dir", "timeout"}
    if unknown:
        raise ParameterError(path.name, sorted(unknown)[0], "unknown top-level key; allowed: name, runs, notebooks_dir, timeout")
    return doc


def _entry_runs(path: Path, i: int, entry, nb_dir: Path, data_dir, timeout: float | None,
                dataset_cache: dict) -> list[Run]:
    """Return the checked runs of run entry ``i`` (1-based) of the file ``path``: one per
    point of its grid. Raises ParameterError as :func:`load` documents."""
    where = f"{path.name} runs[{i}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("notebook"), str):
        raise ParameterError(where, "notebook", "each run needs 'notebook: FILE.ipynb'")
    extra = set(entry) - {"notebook", "grid", "timeout", "spec"}
    if extra:
        raise ParameterError(where, sorted(extra)[0], "unknown key; allowed: notebook, grid, timeout, spec")
    nb = (nb_dir / entry["notebook"]).resolve()
    stem = nb.stem
    if not nb.is_file():
        raise ParameterError(stem, "*", f"notebook not found: {nb}")
    spec = resolve_spec(stem, entry.get("spec"))
    defaults = notebook_defaults(nb)
    unchecked = sorted(set(defaults) - set(spec))
    if unchecked:
        raise ParameterError(stem, unchecked[0], "in the notebook's parameters cell but not in its "
                             "specification, so it could not be checked")
    run_timeout = (_as_timeout(stem, entry["timeout"]) if entry.get("timeout") is not None
                   else timeout or DEFAULT_TIMEOUT)
    runs = []
    for values in _expand(stem, entry.get("grid"), spec):
        # Check the whole set the notebook will see: its own defaults, then the grid.
        full = {k: v for k, v in defaults.items() if k in spec and k not in RUNNER_PARAMS}
        full.update(values)
        missing = [k for k in spec if k not in full and k not in RUNNER_PARAMS]
        if missing:
            raise ParameterError(stem, missing[0], "missing: not in the grid and no literal default in the notebook")
        checked = validate(stem, spec, full, data_dir, dataset_cache)
        runs.append(Run(nb, {k: checked[k] for k in values}, run_timeout, tuple(spec)))
    return runs


def load(path: str | Path, data_dir=None, timeout: float | None = None) -> PackSpec:
    """Return the validated :class:`PackSpec` of the parameter file ``path``.

    ``data_dir`` is the folder provinces are checked against (None: the shipped data);
    ``timeout`` (seconds per cell) applies to run entries that give none. Raises
    ParameterError (naming notebook, parameter and problem) for a malformed file, a
    missing notebook, an unknown parameter, a wrong type, an out-of-range value, two
    runs with the same name, or an empty pack.
    """
    path = Path(path)
    doc = _read_doc(path)
    name = pack_name(path, doc)
    if not name:
        raise ParameterError(path.name, "name", "the pack name must contain letters or digits")
    nb_dir = notebooks_dir(path, doc)
    file_timeout = _as_timeout(path.name, doc["timeout"]) if doc.get("timeout") is not None else None
    runs: list[Run] = []
    seen: dict[str, int] = {}
    dataset_cache: dict = {}
    for i, entry in enumerate(doc["runs"], 1):
        for run in _entry_runs(path, i, entry, nb_dir, data_dir, timeout or file_timeout, dataset_cache):
            if run.name in seen:
                raise ParameterError(run.notebook.stem, "grid", f"two runs would both be named '{run.name}' "
                                     f"(run entries {seen[run.name]} and {i}); their outputs would collide")
            seen[run.name] = i
            runs.append(run)
    return PackSpec(name, path, tuple(runs))


def cross_check(runs) -> None:
    """Check with ``papermill.inspect_notebook`` that every spec name is a parameter of
    its notebook's ``parameters`` cell. Raises ParameterError naming the first missing one.
    """
    import papermill as pm

    done = set()
    for run in runs:
        if run.notebook in done:
            continue
        done.add(run.notebook)
        declared = set(pm.inspect_notebook(str(run.notebook)))
        for name in run.spec_names:
            if name not in declared:
                raise ParameterError(run.stem, name, "in the specification but not in the notebook's "
                                     f"parameters cell (which declares: {', '.join(sorted(declared)) or 'nothing'})")


def file_sha256(path: Path) -> str:
    """Return the hex sha256 of the file at ``path``."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
