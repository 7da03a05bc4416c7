"""Compare provinces figure by figure, and say which figures cannot be compared and why.

The sources report different provinces in different years, on different scopes (the
national TTHC database, the provincial system, the provincial centre) and with different
definitions (services offered online vs dossiers submitted online; full-process vs partial
services). This module never puts two such figures side by side as if they measured the
same thing. It returns:

- :func:`indicator_matrix`: every observation of every requested province for each
  indicator, with period, scope, value and source; a province with no figure for an
  indicator gets an explicit ``no data`` row with ``value`` NaN (never zero);
- :func:`derive_shares`: shares computed from two or three reported figures of one
  province (e.g. full-process online services as a share of all online services), each
  with its ``formula``, its input ``obs_ids`` and the scope and period of the result;
- :func:`pair_verdict` / :func:`pair_verdicts`: for each pair of figures from different
  provinces on the same indicator (or on related definitions), ``comparable`` True or
  False with machine-readable reason codes (:data:`REASONS`) and human text;
- :func:`lineage_flags`: administrative-lineage flags from ``admin_units.csv`` (a figure
  dated after its province ceased to exist; a successor's figure that includes merged
  provinces; counts of localities that change with the 2025 reform).

The package is split along those seams: :mod:`.rules` (codes and constants),
:mod:`.lineage`, :mod:`.matrix`, :mod:`.derived`, :mod:`.verdicts`; this module re-exports
their public names and builds the JSON-ready :func:`comparison`.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.data import Dataset
from analysis.models.compare.derived import (DERIVED_COLUMNS, FORMULAS, Formula, _ratio_bound,
                                             derive_shares)
from analysis.models.compare.index import INDEX_PREFIX, SOURCE_PREFIX, index_figures, index_reasons, is_index
from analysis.models.compare.lineage import (lineage_flags, period_distance_days, predecessors,
                                             reference_date)
from analysis.models.compare.matrix import (MATRIX_COLUMNS, indicator_matrix, matrix_table,
                                            resolve_provinces)
from analysis.models.compare.rules import (CAVEATS, DEFAULT_TOLERANCE_DAYS, DERIVED, FLOW_UNITS,
                                           LOCAL_UNIT_UNITS, MAX_INPUT_GAP_DAYS, NO_DATA,
                                           REASONS, REFORM_DATE, RELATED_GROUPS, REPORTED, Flag)
from analysis.models.compare.verdicts import (PAIR_COLUMNS, format_figure, not_comparable_table,
                                              pair_verdict, pair_verdicts)

# ----------------------------------------------------------------------------- JSON


def _jsonable(v):
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if hasattr(v, "item"):  # numpy scalars
        return _jsonable(v.item())
    return v


def records(frame: pd.DataFrame) -> list[dict]:
    """Return ``frame`` as JSON-ready dicts: ISO dates, None for missing (NaN, NaT, NA)."""
    return [{k: _jsonable(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def comparison(ds: Dataset, provinces, tolerance_days: float = DEFAULT_TOLERANCE_DAYS,
               within_province: bool = False) -> dict:
    """Return the whole comparison as a JSON-ready dict: ``provinces``, ``tolerance_days``,
    ``matrix`` (observations and 'no data' rows), ``derived``, ``pairs`` (verdicts) and the
    ``reason_codes`` and ``caveat_codes`` vocabularies. Raises as :func:`pair_verdicts`."""
    names = resolve_provinces(ds, provinces)
    matrix = indicator_matrix(ds, names)
    derived = derive_shares(ds, names)
    index = index_figures(ds, names)
    pairs = pair_verdicts(ds, names, tolerance_days, matrix=matrix, derived=derived,
                          within_province=within_province, index=index)
    return {
        "provinces": names,
        "tolerance_days": tolerance_days,
        "within_province": within_province,
        "matrix": records(matrix),
        "derived": records(derived),
        "index": records(index),
        "pairs": records(pairs),
        "n_comparable": int(pairs["comparable"].sum()) if len(pairs) else 0,
        "reason_codes": REASONS,
        "caveat_codes": CAVEATS,
    }
