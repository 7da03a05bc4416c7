"""Periods and administrative lineage of one figure: its reference date, its label, and
the flags ``admin_units.csv`` raises (a province that ceased to exist, a successor that
includes merged provinces, local-unit counts across the 2025 reform)."""

from __future__ import annotations

import pandas as pd

from analysis.data import Dataset
from analysis.data.observations import format_period
from analysis.models.compare.rules import LOCAL_UNIT_UNITS, REFORM_DATE, Flag

# ----------------------------------------------------------------------------- periods


def reference_date(row) -> pd.Timestamp:
    """Return the date a figure describes: the midpoint of a stated interval, else the
    'as of' date (period_end). An 'as of' figure has no stated start, so no midpoint."""
    start, end = row["period_start"], row["period_end"]
    if row["period_type"] == "interval" and pd.notna(start):
        return start + (end - start) / 2
    return end


def period_distance_days(a, b) -> float:
    """Return the distance in days between the reference dates of two figures."""
    return abs((reference_date(a) - reference_date(b)).total_seconds()) / 86400.0


def _length_days(row) -> float | None:
    if row["period_type"] != "interval" or pd.isna(row["period_start"]):
        return None
    return (row["period_end"] - row["period_start"]).days + 1


def _period_label(row) -> str:
    return format_period(row)




def _admin(ds: Dataset) -> pd.DataFrame:
    return ds.admin_units.set_index("province")


def predecessors(ds: Dataset, province: str) -> list[tuple[str, pd.Timestamp]]:
    """Return [(predecessor, last valid day), ...] of provinces merged into ``province``."""
    au = ds.admin_units
    rows = au[(au["successor"] == province) & au["valid_to"].notna()]
    return [(r["province"], r["valid_to"]) for _, r in rows.iterrows()]


def _d(ts: pd.Timestamp) -> str:
    return ts.strftime("%d/%m/%Y")


def lineage_flags(ds: Dataset, row) -> list[Flag]:
    """Return the administrative-lineage flags of one figure (empty when none).

    ``province_ceased``: the figure's period ends after its province's ``valid_to``.
    ``successor_includes_merged``: the province absorbed others (their ``successor``) and
    the figure's period ends after the day they ceased. ``locality_reform``: the figure
    counts local-government units (unit or scope ``localities``/``communes``); the text
    says on which side of 1 Jul 2025 it lies.
    """
    flags: list[Flag] = []
    admin = _admin(ds)
    prov, end = row["province"], row["period_end"]
    if prov in admin.index:
        a = admin.loc[prov]
        if pd.notna(a["valid_to"]) and end > a["valid_to"]:
            succ = f" (merged into {a['successor']})" if a["successor"] else ""
            flags.append(Flag("province_ceased",
                              f"{prov} ceased to exist after {_d(a['valid_to'])}{succ}; this figure is "
                              f"dated {_period_label(row)}."))
    merged = [(p, last) for p, last in predecessors(ds, prov) if end > last]
    if merged:
        names = ", ".join(p for p, _ in merged)
        last = max(t for _, t in merged)
        flags.append(Flag("successor_includes_merged",
                          f"{prov} after {_d(last)} includes former {names}; this figure "
                          f"({_period_label(row)}) is not the same territory as {prov} before."))
    if row["unit"] in LOCAL_UNIT_UNITS or row["scope"] in LOCAL_UNIT_UNITS:
        side = "after" if end >= REFORM_DATE else "before"
        what = ("commune-level units" if row["unit"] == "communes" or row["scope"] == "communes"
                else "district-level localities")
        flags.append(Flag("locality_reform",
                          f"Counts {what}, {side} the 1 Jul 2025 reform (districts abolished)."))
    return flags

