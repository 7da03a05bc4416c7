"""Figures of the national Decision 766 index as comparable rows.

Each imported score becomes a figure like an observation: indicator ``index766_<group>``
(``index766_total`` for the total), unit ``points``, scope ``national_portal``, period the
interval from the start of the requested period to the retrieval day. Two such figures
are comparable when they share the index (same year's groups and maxima), the group,
the period and the retrieval (same snapshot): :func:`index_reasons` adds the two reasons
the general rules cannot see, and the lineage rules apply unchanged (Phú Thọ after 1 Jul
2025 against Hòa Bình before is ``territory_changed``).
"""

from __future__ import annotations

import pandas as pd

from analysis.data import Dataset
from analysis.data.portal import query, tables
from analysis.data.portal.groups import TOTAL
from analysis.models.compare.lineage import _period_label, lineage_flags
from analysis.models.compare.rules import REPORTED, Flag

INDEX_PREFIX = "index766_"
#: Source ids of index figures are this prefix and the snapshot id (see data/portal/snapshots.csv).
SOURCE_PREFIX = "portal:"
INDEX_COLUMNS = ["indicator", "title", "province", "status", "obs_id", "scope", "subunit", "period_type",
                 "period_start", "period_end", "period", "value", "unit", "bound", "numerator",
                 "denominator", "source_id", "lineage", "snapshot_id", "retrieved", "index_version"]


def indicator_of(group: str) -> str:
    """Return the comparison indicator of an index group ('TOTAL' -> 'index766_total')."""
    return INDEX_PREFIX + ("total" if group == TOTAL else group)


def is_index(row) -> bool:
    """True for a figure of the national index."""
    return str(row["indicator"]).startswith(INDEX_PREFIX)


def _period_start(time_type: str, year: int, period) -> pd.Timestamp:
    if time_type == "quarter":
        return pd.Timestamp(year=int(year), month=3 * int(period) - 2, day=1)
    if time_type == "month":
        return pd.Timestamp(year=int(year), month=int(period), day=1)
    return pd.Timestamp(year=int(year), month=1, day=1)


def index_figures(ds: Dataset, provinces, latest_only: bool = True) -> pd.DataFrame:
    """Return the index figures of ``provinces`` (columns :data:`INDEX_COLUMNS`): by default
    the latest retrieval of each period only; with ``latest_only=False`` every retrieval.
    Empty when no snapshot is imported or the provinces have no score."""
    t = tables.read(ds.data_dir)
    sc = t["scores"][t["scores"]["province"].isin(list(provinces))]
    if sc.empty:
        return pd.DataFrame(columns=INDEX_COLUMNS)
    if latest_only:
        snaps = query.service_snapshots(t)
        latest = snaps.groupby(["time_type", "year", "period"], dropna=False)["snapshot_id"].last()
        sc = sc[sc["snapshot_id"].isin(set(latest))]
    rows = []
    for _, r in sc.iterrows():
        start = _period_start(r["time_type"], r["year"], r["period"])
        end = pd.Timestamp(r["retrieved"])
        fig = {"indicator": indicator_of(r["group"]), "province": r["province"], "status": REPORTED,
               "obs_id": f"{r['snapshot_id']}:{r['group']}", "scope": "national_portal", "subunit": None,
               "period_type": "interval", "period_start": start, "period_end": end, "value": float(r["score"]),
               "unit": "points", "bound": "exact", "numerator": pd.NA, "denominator": pd.NA,
               "source_id": SOURCE_PREFIX + r["snapshot_id"], "snapshot_id": r["snapshot_id"],
               "retrieved": r["retrieved"], "index_version": f"Decision 766, {int(r['year'])} groups and maxima",
               "title": f"Decision 766 index: {r['group']} (points of {r['max_score']:g})"}
        fig["period"] = _period_label(fig)
        fig["lineage"] = [f.as_dict() for f in lineage_flags(ds, fig)]
        rows.append(fig)
    out = pd.DataFrame(rows, columns=INDEX_COLUMNS)
    return out.sort_values(["indicator", "province", "retrieved"], kind="mergesort").reset_index(drop=True)


def index_reasons(a, b) -> list[Flag]:
    """Return the reasons two index figures are not comparable beyond the general rules:
    a different index version (another year's groups and maxima) or a different retrieval
    of a year-to-date figure. Empty when either is not an index figure."""
    if not (is_index(a) and is_index(b)):
        return []
    out = []
    if a["index_version"] != b["index_version"]:
        out.append(Flag("index_version_differs", f"{a['province']}: {a['index_version']}; "
                                                 f"{b['province']}: {b['index_version']}."))
    if a["snapshot_id"] != b["snapshot_id"]:
        out.append(Flag("retrieval_differs", f"{a['province']} retrieved {a['retrieved']}, {b['province']} "
                                             f"retrieved {b['retrieved']}: a figure to date moves with the day "
                                             "it is retrieved."))
    return out
