"""The indicator matrix: every figure of every requested province, with explicit
``no data`` rows, and its readable wide form."""

from __future__ import annotations

import math

import pandas as pd

from analysis.data import Dataset
from analysis.errors import Refused
from analysis.models.compare.lineage import _period_label, lineage_flags
from analysis.models.compare.rules import NO_DATA, REPORTED

# ----------------------------------------------------------------------------- matrix

MATRIX_COLUMNS = ["indicator", "title", "province", "status", "obs_id", "scope", "subunit",
                  "period_type", "period_start", "period_end", "period", "value", "unit",
                  "bound", "numerator", "denominator", "source_id", "lineage"]


def resolve_provinces(ds: Dataset, provinces) -> list[str]:
    """Return the canonical names of ``provinces`` (aliases, NFD, case), duplicates dropped.

    Raises UnknownProvinceError (listing the known ones) for a name not in the data, and
    Refused when fewer than two distinct provinces remain: a comparison needs two.
    """
    if isinstance(provinces, str):
        provinces = [provinces]
    names = list(dict.fromkeys(ds.canonical_province(p) for p in provinces))
    if len(names) < 2:
        raise Refused(f"a comparison needs at least two different provinces; got {names}. "
                      f"Known provinces: {', '.join(ds.provinces())}")
    return names


def indicator_matrix(ds: Dataset, provinces, indicators=None) -> pd.DataFrame:
    """Return the long indicator matrix: one row per observation of each province, and one
    ``status == 'no data'`` row (value NaN, no source) per province without a figure.

    Indicators default to every indicator reported for at least one of the provinces,
    in indicators.csv order. Columns: :data:`MATRIX_COLUMNS`; ``lineage`` is a list of
    :class:`Flag` dicts. Raises UnknownProvinceError / Refused as :func:`resolve_provinces`,
    KeyError for an unknown indicator.
    """
    names = resolve_provinces(ds, provinces)
    obs = ds.observations[ds.observations["province"].isin(names)]
    meta = ds.indicators.set_index("indicator")
    if indicators is None:
        present = set(obs["indicator"])
        indicators = [i for i in ds.indicators["indicator"] if i in present]
    for i in indicators:
        ds.indicator_meta(i)  # KeyError for an unknown indicator
    rows = []
    for ind in indicators:
        for prov in names:
            sel = obs[(obs["indicator"] == ind) & (obs["province"] == prov)].sort_values(
                ["period_end", "obs_id"])
            if sel.empty:
                rows.append({"indicator": ind, "title": meta.loc[ind, "title"], "province": prov,
                             "status": NO_DATA, "obs_id": None, "scope": None, "subunit": None,
                             "period_type": None, "period_start": pd.NaT, "period_end": pd.NaT,
                             "period": NO_DATA, "value": math.nan, "unit": meta.loc[ind, "unit"],
                             "bound": None, "numerator": pd.NA, "denominator": pd.NA,
                             "source_id": None, "lineage": []})
                continue
            for _, r in sel.iterrows():
                rows.append({"indicator": ind, "title": meta.loc[ind, "title"], "province": prov,
                             "status": REPORTED, "obs_id": r["obs_id"], "scope": r["scope"],
                             "subunit": r["subunit"] or None, "period_type": r["period_type"],
                             "period_start": r["period_start"], "period_end": r["period_end"],
                             "period": _period_label(r), "value": float(r["value"]),
                             "unit": r["unit"], "bound": r["bound"], "numerator": r["numerator"],
                             "denominator": r["denominator"], "source_id": r["source_id"],
                             "lineage": [f.as_dict() for f in lineage_flags(ds, r)]})
    return pd.DataFrame(rows, columns=MATRIX_COLUMNS)


def _cell_text(r) -> str:
    if r["status"] == NO_DATA:
        return "— (no data)"
    v = r["value"]
    num = f"{v:,.2f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"
    prefix = {"lower": "> ", "upper": "< ", "approximate": "≈ "}.get(r["bound"], "")
    unit = "%" if r["unit"] == "percent" else f" {r['unit']}"
    sub = f", {r['subunit']}" if r.get("subunit") else ""
    flags = " ⚑" if r["lineage"] else ""
    return f"{prefix}{num}{unit} ({r['scope']}{sub}; {r['period']}) [{r['source_id']}]{flags}"


def matrix_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """Return the matrix as a readable wide table: one row per indicator, one column per
    province, each cell listing that province's figures ('— (no data)' when none)."""
    provinces = list(dict.fromkeys(matrix["province"]))
    out = []
    for ind, grp in matrix.groupby("indicator", sort=False):
        row = {"indicator": grp["title"].iloc[0]}
        for p in provinces:
            cells = grp[grp["province"] == p]
            row[p] = "\n".join(_cell_text(r) for _, r in cells.iterrows())
        out.append(row)
    return pd.DataFrame(out, columns=["indicator", *provinces])

