"""The nation on the Decision 766 index: a league table of the 34 provinces (total, rank,
the six groups as points and as a share of each group's maximum, the move in rank since
the previous retrieval of the same period), the national figure, how much the portal
revised its year-to-date figures between retrievals, and the national counts.

Points are index points, not rates. Ranks are the portal's own (``rank`` in the
response). A year-to-date period is retrieved on several days and the portal revises it
in between: :func:`revisions` says by how much, retrieval by retrieval.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import Dataset
from analysis.data.portal import query, tables
from analysis.data.portal.groups import GROUPS, TOTAL

#: The measures of national_counts.csv, in the order they are shown.
COUNT_MEASURES = ("dossiers_online", "dossiers_other", "services_full_process", "services_partial",
                  "services_not_online")


@dataclass(frozen=True)
class NationalOverview:
    """Everything the national overview shows for one retrieval.

    ``league``: one row per province, best first: ``rank``, ``province``, ``code``
    (official 2025 code), ``total``, then per group code its points and ``<code>_ratio``
    (points / maximum, 0-1), ``previous_rank``, ``rank_change`` (positive: moved up) and
    ``total_change`` since ``previous`` (NaN without one). ``national``: the portal's
    national points by group code (TOTAL; the radar codes). ``retrievals``: every
    retrieval of the same period, oldest first. ``revisions``: one row per consecutive
    pair of them (see :func:`revisions`). ``counts``: national counts, one row per
    retrieval of the period and measure."""

    snapshot: pd.Series
    previous: pd.Series | None
    league: pd.DataFrame
    national: dict
    retrievals: pd.DataFrame
    revisions: pd.DataFrame
    counts: pd.DataFrame

    @property
    def national_total(self) -> float:
        return float(self.national.get(TOTAL, float("nan")))


def _wide(t: tables.PortalTables, sid: str) -> pd.DataFrame:
    """Return one row per province of snapshot ``sid`` from the query's records."""
    rows = []
    for rec in query.score_records(t):
        if rec["snapshot_id"] != sid:
            continue
        row = {"province": rec["province"], "rank": rec["rank"], "total": rec["total_score"]}
        for g in GROUPS:
            cell = rec["groups"].get(g)
            row[g] = cell["score"] if cell else float("nan")
            row[f"{g}_ratio"] = cell["score"] / cell["max_score"] if cell else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def _same_period(t: tables.PortalTables, snap: pd.Series) -> pd.DataFrame:
    s = query.service_snapshots(t)
    same = (s["time_type"] == snap["time_type"]) & (s["year"] == snap["year"])
    if pd.notna(snap["period"]):
        same &= s["period"] == snap["period"]
    else:
        same &= s["period"].isna()
    return s[same].reset_index(drop=True)


def revisions(t: tables.PortalTables, retrievals: pd.DataFrame) -> pd.DataFrame:
    """Return one row per consecutive pair of retrievals of one period: ``retrieved_from``,
    ``retrieved_to``, ``provinces`` (in both), ``median_abs_change`` and
    ``max_abs_change`` of the provinces' totals (points), ``max_province`` (the one that
    moved most), ``rank_moves`` (provinces whose rank changed) and ``national_change``."""
    rows = []
    nat = t["national"]
    for (_i, a), (_j, b) in zip(retrievals.iloc[:-1].iterrows(), retrievals.iloc[1:].iterrows()):
        wa, wb = _wide(t, a["snapshot_id"]), _wide(t, b["snapshot_id"])
        both = wa.merge(wb, on="province", suffixes=("_a", "_b"))
        change = both["total_b"] - both["total_a"]
        big = change.abs().idxmax() if len(both) else None
        nat_a = nat[(nat["snapshot_id"] == a["snapshot_id"]) & (nat["group"] == TOTAL)]["score"]
        nat_b = nat[(nat["snapshot_id"] == b["snapshot_id"]) & (nat["group"] == TOTAL)]["score"]
        rows.append({
            "retrieved_from": a["retrieved"], "retrieved_to": b["retrieved"], "provinces": len(both),
            "median_abs_change": float(change.abs().median()) if len(both) else float("nan"),
            "max_abs_change": float(change.abs().max()) if len(both) else float("nan"),
            "max_province": both.loc[big, "province"] if big is not None else None,
            "max_change": float(change.loc[big]) if big is not None else float("nan"),
            "rank_moves": int((both["rank_a"] != both["rank_b"]).sum()),
            "national_change": float(nat_b.iloc[0] - nat_a.iloc[0]) if len(nat_a) and len(nat_b) else float("nan"),
        })
    return pd.DataFrame(rows, columns=["retrieved_from", "retrieved_to", "provinces", "median_abs_change",
                                       "max_abs_change", "max_province", "max_change", "rank_moves",
                                       "national_change"])


def _league(t: tables.PortalTables, ds: Dataset, snap: pd.Series, previous: pd.Series | None) -> pd.DataFrame:
    league = _wide(t, snap["snapshot_id"])
    codes = ds.admin_units.set_index("province")["official_code"]
    league.insert(2, "code", [codes.get(p, "") for p in league["province"]])
    if previous is not None:
        prev = _wide(t, previous["snapshot_id"])[["province", "rank", "total"]]
        prev = prev.rename(columns={"rank": "previous_rank", "total": "previous_total"})
        league = league.merge(prev, on="province", how="left")
        league["rank_change"] = league["previous_rank"] - league["rank"]
        league["total_change"] = league["total"] - league["previous_total"]
        league = league.drop(columns="previous_total")
    else:
        league["previous_rank"] = league["rank_change"] = league["total_change"] = float("nan")
    return league.sort_values(["rank", "province"]).reset_index(drop=True)


def build(ds: Dataset, retrieved=None) -> NationalOverview:
    """Return the national overview of the latest year-to-date retrieval (or the one
    retrieved on ``retrieved``, YYYY-MM-DD or a date).

    Raises Refused when no snapshot is imported or none was retrieved that day."""
    if retrieved is not None and not isinstance(retrieved, str):
        retrieved = retrieved.isoformat()
    t = tables.read(ds.data_dir)
    snap = query.pick_snapshot(t, retrieved)
    retrievals = _same_period(t, snap)
    before = retrievals[retrievals["retrieved"] < snap["retrieved"]]
    previous = before.iloc[-1] if len(before) else None
    nat = t["national"][t["national"]["snapshot_id"] == snap["snapshot_id"]]
    counts = t["national_counts"]
    counts = counts[counts["snapshot_id"].isin(retrievals["snapshot_id"]) & counts["measure"].isin(COUNT_MEASURES)]
    counts = counts.sort_values(["retrieved", "measure"]).reset_index(drop=True)
    upto = retrievals[retrievals["retrieved"] <= snap["retrieved"]]
    return NationalOverview(snapshot=snap, previous=previous, league=_league(t, ds, snap, previous),
                            national=dict(zip(nat["group"], nat["score"].astype(float))),
                            retrievals=retrievals, revisions=revisions(t, upto), counts=counts)
