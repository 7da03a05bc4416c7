"""The index as a province-by-month panel: one row per unit, month and group, from one
stated vintage (the retrievals known on a date, the latest by default), with the
revisions between vintages and the lineage across the 2025 merger.

The merger is a break: the 63 pre-merger units' series end in 2025-06 and the 34
provinces' start in 2025-07. A province that kept its name (Phú Thọ) has two series
under one name, told apart by the month; nothing here sums or averages across merged
units. Only monthly answers enter the panel; year-to-date answers (``time_type`` year)
are not months and are never differenced into months.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis import config
from analysis.data.portal import tables
from analysis.data.portal.groups import GROUPS, TOTAL
from analysis.errors import Refused

#: The panel's columns, in order (other code relies on these names).
COLUMNS = ["province", "month", "group", "score", "max_score", "ratio", "rank", "endpoint",
           "index_version", "retrieved"]
REVISION_COLUMNS = ["province", "month", "group", "endpoint", "retrieved_before", "score_before",
                    "retrieved_after", "score_after", "change"]
MERGER_MONTH = "2025-07"


def _check(group: str | None, vintage: str) -> None:
    if group is not None and group != TOTAL and group not in GROUPS:
        raise Refused(f"unknown group {group!r}; known: {TOTAL}, {', '.join(GROUPS)}")
    if vintage != "latest":
        try:
            dt.date.fromisoformat(vintage)
        except (TypeError, ValueError):
            raise Refused(f"vintage {vintage!r} is neither 'latest' nor a date YYYY-MM-DD") from None


def monthly_rows(data_dir=None) -> pd.DataFrame:
    """Return every monthly score row held, of every retrieval, with ``month`` (YYYY-MM),
    ``endpoint`` and ``snapshot_id`` beside the panel's columns."""
    t = tables.read(config.resolve_data_dir(data_dir))
    sc = t["scores"]
    sc = sc[sc["time_type"] == "month"].copy()
    if sc.empty:
        return pd.DataFrame(columns=COLUMNS + ["snapshot_id"])
    sc["month"] = [f"{int(y)}-{int(p):02d}" for y, p in zip(sc["year"], sc["period"])]
    sc["endpoint"] = sc["api"]
    return sc[COLUMNS + ["snapshot_id"]].reset_index(drop=True)


def panel(data_dir=None, group: str | None = None, vintage: str = "latest") -> pd.DataFrame:
    """Return the panel: one row per province, month and group (``TOTAL`` or a group code),
    columns :data:`COLUMNS`, from the latest retrieval of each month made on or before
    ``vintage`` ('latest', or a date YYYY-MM-DD). Where both endpoints answered a month,
    the one ``backfill --api auto`` asks (older before 2025-07) is used. Empty (with the
    columns) when no monthly answer is held.

    Raises Refused for an unknown group or a vintage that is not a date."""
    _check(group, vintage)
    rows = monthly_rows(data_dir)
    if vintage != "latest":
        rows = rows[rows["retrieved"] <= vintage]
    if group is not None:
        rows = rows[rows["group"] == group]
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    preferred = ((rows["month"] < MERGER_MONTH) == (rows["endpoint"] == "legacy")).astype(int)
    rows = rows.assign(_pref=preferred).sort_values(["_pref", "retrieved", "snapshot_id"],
                                                    ascending=[False, False, False])
    rows = rows.drop_duplicates(["province", "month", "group"], keep="first")
    out = rows[COLUMNS].sort_values(["province", "month", "group"]).reset_index(drop=True)
    out["rank"] = out["rank"].astype("Int64")
    return out


def revisions(data_dir=None, group: str | None = None) -> pd.DataFrame:
    """Return one row per change of a figure between two successive retrievals of the same
    province, month, group and endpoint (columns :data:`REVISION_COLUMNS`; ``change`` is
    after minus before, in index points). Empty when nothing was revised."""
    _check(group, "latest")
    rows = monthly_rows(data_dir)
    if group is not None:
        rows = rows[rows["group"] == group]
    out = []
    for key, g in rows.sort_values("retrieved").groupby(["province", "month", "group", "endpoint"]):
        g = g.drop_duplicates("retrieved", keep="last")
        for (_, a), (_, b) in zip(g.iloc[:-1].iterrows(), g.iloc[1:].iterrows()):
            if abs(float(b["score"]) - float(a["score"])) > 1e-9:
                out.append(dict(zip(REVISION_COLUMNS, [*key, a["retrieved"], a["score"], b["retrieved"],
                                                       b["score"], round(b["score"] - a["score"], 2)])))
    return pd.DataFrame(out, columns=REVISION_COLUMNS)


def lineage(admin_units: pd.DataFrame) -> pd.DataFrame:
    """Return (``province``, ``predecessor``) pairs: each province in force since 1 Jul 2025
    with the pre-merger units it holds (itself included when it kept its name)."""
    au = admin_units[admin_units["level"] == "province"]
    current = au.loc[au["valid_to"].isna(), "province"]
    merged = au[au["valid_to"].notna() & au["successor"].notna()]
    pairs = [(p, p) for p in current] + list(zip(merged["successor"], merged["province"]))
    return pd.DataFrame(pairs, columns=["province", "predecessor"]).sort_values(
        ["province", "predecessor"]).reset_index(drop=True)


def held_summary(data_dir=None) -> dict:
    """Return what history is held: ``months`` (distinct months), ``first``/``last`` month,
    ``by_endpoint`` {endpoint: months}, ``vintages`` (retrieval dates of monthly answers),
    ``year_to_date`` (retrieval dates of year-to-date answers)."""
    t = tables.read(config.resolve_data_dir(data_dir))
    rows = monthly_rows(data_dir)
    s = t["snapshots"]
    ytd = sorted(set(s.loc[(s["time_type"] == "year") & (s["kind"] != "crawler_details"), "retrieved"]))
    months = sorted(set(rows["month"]))
    return {"months": len(months), "first": months[0] if months else None,
            "last": months[-1] if months else None,
            "by_endpoint": {e: int(g["month"].nunique()) for e, g in rows.groupby("endpoint")},
            "vintages": sorted(set(rows["retrieved"])), "year_to_date": ytd}
