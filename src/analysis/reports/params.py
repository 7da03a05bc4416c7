"""Typed notebook parameters, checked before any analysis (or any kernel) starts.

Each report notebook has one cell tagged ``parameters`` holding plain values, and a
specification here: a mapping of names to :class:`Param`. The notebook's next cell calls
:func:`check`, and the pack runner calls the same function on every parameter set of a
grid before it starts a kernel, so a misspelt name, a wrong type or an out-of-range value
stops the run with the notebook, the parameter and the problem named.

The specifications live beside the code each notebook calls (``PARAMETERS`` in that
module); :data:`NOTEBOOK_SPECS` says where.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from analysis import config, i18n
from analysis.errors import ParameterError  # noqa: F401  (re-exported)
from analysis.data import vn

#: notebook file stem -> "module:attribute" of its parameter specification.
NOTEBOOK_SPECS: dict[str, str] = {
    "01_data_overview": "analysis.reports.overview:PARAMETERS",
    "02_online_rate_growth": "analysis.reports.growth:PARAMETERS",
    "03_fee_discount": "analysis.reports.discount:PARAMETERS",
    "04_province_comparison": "analysis.reports.compare:PARAMETERS",
    "05_province_scorecard": "analysis.reports.scorecard:PARAMETERS",
    "06_index_history": "analysis.reports.history.text:PARAMETERS",
    "07_fee_policies_across_provinces": "analysis.reports.policy.report:PARAMETERS",
    "08_national_overview": "analysis.reports.national:PARAMETERS",
}



@dataclass(frozen=True)
class Param:
    """One notebook parameter.

    ``kind`` is one of: ``str``, ``int``, ``float``, ``bool``, ``date`` (ISO or day-first
    text, returned as ``datetime.date``), ``path`` (text or None, returned as Path or
    None), ``province`` (a name in the data, returned canonical), ``provinces`` (a list of
    them), ``floats`` (a list of numbers), ``strs`` (a list of text).
    """

    kind: str
    help: str
    nullable: bool = False
    choices: tuple | None = None
    min: float | None = None
    max: float | None = None
    #: Value used when a caller (a test, a script) leaves the parameter out; ``MISSING``: required.
    default: object = ...  # Ellipsis: required


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _as_str(nb, name, p, v, _loader):
    if not isinstance(v, str):
        raise ParameterError(nb, name, f"expected text, got {type(v).__name__} {v!r}")
    return vn.nfc(v)


def _as_int(nb, name, p, v, _loader):
    if not (isinstance(v, int) and not isinstance(v, bool)):
        raise ParameterError(nb, name, f"expected a whole number, got {type(v).__name__} {v!r}")
    return v


def _as_float(nb, name, p, v, _loader):
    if not _is_number(v):
        raise ParameterError(nb, name, f"expected a number, got {type(v).__name__} {v!r}")
    return float(v)


def _as_bool(nb, name, p, v, _loader):
    if not isinstance(v, bool):
        raise ParameterError(nb, name, f"expected True or False, got {type(v).__name__} {v!r}")
    return v


def _as_date(nb, name, p, v, _loader):
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return vn.parse_date(v)
        except ValueError as exc:
            raise ParameterError(nb, name, str(exc)) from None
    raise ParameterError(nb, name, f"expected a date as text (YYYY-MM-DD), got {v!r}")


def _as_path(nb, name, p, v, _loader):
    if not isinstance(v, (str, Path)):
        raise ParameterError(nb, name, f"expected a folder path as text, got {v!r}")
    return Path(v).expanduser()


def _as_provinces(nb, name, p, v, dataset_loader):
    names = [v] if p.kind == "province" else v
    if p.kind == "provinces" and (not isinstance(v, (list, tuple)) or not v):
        raise ParameterError(nb, name, f"expected a non-empty list of province names, got {v!r}")
    out = []
    for n in names:
        if not isinstance(n, str):
            raise ParameterError(nb, name, f"expected a province name as text, got {n!r}")
        try:
            out.append(dataset_loader().canonical_province(n))
        except ValueError as exc:  # UnknownProvinceError
            raise ParameterError(nb, name, str(exc)) from None
    return out[0] if p.kind == "province" else out


def _as_list(nb, name, p, v, _loader):
    if not isinstance(v, (list, tuple)):
        raise ParameterError(nb, name, f"expected a list, got {type(v).__name__} {v!r}")
    ok = _is_number if p.kind == "floats" else (lambda x: isinstance(x, str))
    bad = [x for x in v if not ok(x)]
    if bad:
        raise ParameterError(nb, name, f"list items must be {'numbers' if p.kind == 'floats' else 'text'}; got {bad!r}")
    return [float(x) for x in v] if p.kind == "floats" else [vn.nfc(x) for x in v]


#: Parameter kind -> converter(notebook, name, Param, value, dataset_loader) returning the
#: canonical value or raising ParameterError.
_CONVERTERS = {"str": _as_str, "int": _as_int, "float": _as_float, "bool": _as_bool, "date": _as_date,
               "path": _as_path, "province": _as_provinces, "provinces": _as_provinces,
               "floats": _as_list, "strs": _as_list}


def check_value(nb: str, name: str, p: Param, v, dataset_loader):
    """Return value ``v`` of parameter ``name`` of notebook ``nb`` checked against ``p``,
    in canonical form (dates as ``datetime.date``, provinces in their canonical spelling).

    ``dataset_loader()`` returns the Dataset, called only for province parameters.
    Raises ParameterError naming the notebook, the parameter and the problem.
    """
    if v is None:
        if p.nullable or p.kind == "path":
            return None
        raise ParameterError(nb, name, "must not be None")
    if p.kind not in _CONVERTERS:  # pragma: no cover - a programming error in a spec
        raise ParameterError(nb, name, f"unknown parameter kind '{p.kind}' in the specification")
    v = _CONVERTERS[p.kind](nb, name, p, v, dataset_loader)
    if p.choices is not None:
        items = v if isinstance(v, list) else [v]
        bad = [x for x in items if x not in p.choices]
        if bad:
            raise ParameterError(nb, name, f"{bad[0]!r} is not one of {list(p.choices)}")
    for x in (v if isinstance(v, list) else [v]):
        if _is_number(x) and p.min is not None and x < p.min:
            raise ParameterError(nb, name, f"{x} is below the minimum {p.min}")
        if _is_number(x) and p.max is not None and x > p.max:
            raise ParameterError(nb, name, f"{x} is above the maximum {p.max}")
    return v


def spec_for(notebook: str) -> dict[str, Param]:
    """Return the parameter specification of ``notebook`` (file stem or path).

    Raises ParameterError when no specification is registered for it.
    """
    stem = Path(notebook).stem
    if stem not in NOTEBOOK_SPECS:
        raise ParameterError(stem, "*", f"no parameter specification; known notebooks: {', '.join(NOTEBOOK_SPECS)}")
    mod, attr = NOTEBOOK_SPECS[stem].split(":")
    return getattr(importlib.import_module(mod), attr)


class Parameters(SimpleNamespace):
    """Validated notebook parameters; shown one per line, paths relative to the repository."""

    def __repr__(self) -> str:
        def show(v):
            if isinstance(v, Path):
                try:
                    return str(v.relative_to(config.REPO_ROOT))
                except ValueError:
                    return str(v)
            return repr(v)
        return "\n".join(f"{k} = {show(v)}" for k, v in vars(self).items())


def check(notebook: str, values: dict | None = None, **kwargs) -> Parameters:
    """Return the validated parameters of ``notebook`` as a namespace.

    Values not given take no default here (papermill or the notebook supplies them);
    ``data_dir`` is resolved to the folder actually read and ``output_dir`` to the
    folder figures are written to (the scratch folder when None). Raises
    ParameterError naming the notebook, the parameter and the problem for an unknown
    name, a wrong type, a value out of range or a province not in the data.
    """
    values = {**(values or {}), **kwargs}
    stem = Path(notebook).stem
    spec = spec_for(stem)
    unknown = sorted(set(values) - set(spec))
    if unknown:
        raise ParameterError(stem, unknown[0], f"unknown parameter; this notebook takes: {', '.join(spec)}")
    cache: dict = {}

    def dataset_loader():
        if "ds" not in cache:
            from analysis.data import load
            cache["ds"] = load(values.get("data_dir"))
        return cache["ds"]

    out = {}
    for name, p in spec.items():
        if name not in values and p.default is not ...:
            values[name] = p.default
        if name not in values:
            raise ParameterError(stem, name, "missing")
        out[name] = check_value(stem, name, p, values[name], dataset_loader)
    if "data_dir" in spec:
        out["data_dir"] = config.resolve_data_dir(out["data_dir"])
    if "output_dir" in spec:
        out["output_dir"] = Path(out["output_dir"] or config.SCRATCH_DIR).resolve()
    if "lang" in spec:  # every later message and number of this process is in that language
        i18n.set_language(out["lang"])
    return Parameters(**out)


#: Parameters every report notebook takes.
COMMON = {
    "lang": Param("str", "Language of everything the reader sees: 'vi' (Vietnamese) or 'en' (English).",
                  choices=i18n.LANGS, default=i18n.DEFAULT_LANG),
    "data_dir": Param("path", "Folder with observations.csv etc.; None reads the shipped data/."),
    "output_dir": Param("path", "Folder the figures are written to; None writes to figures/scratch/."),
}
