"""Selections of the imported index: one record per province and snapshot, the
snapshot to use for a date, and period labels."""

from __future__ import annotations

import pandas as pd

from analysis.data.portal.groups import GROUPS, TOTAL
from analysis.data.portal.tables import PortalTables
from analysis.errors import Refused


def period_label(time_type: str, year: int, period) -> str:
    """Return '2026' for a year, '2026-Q3' for a quarter, '2026-09' for a month."""
    if time_type == "year":
        return f"{int(year)}"
    if time_type == "quarter":
        return f"{int(year)}-Q{int(period)}"
    return f"{int(year)}-{int(period):02d}"


def service_snapshots(t: PortalTables) -> pd.DataFrame:
    """Return the snapshots of the portal's own responses, oldest retrieval first."""
    s = t["snapshots"]
    return s[s["kind"] == "service_results"].sort_values(["retrieved", "retrieved_at", "snapshot_id"])


def pick_snapshot(t: PortalTables, retrieved: str | None = None, time_type: str = "year",
                  year: int | None = None) -> pd.Series:
    """Return the snapshots.csv row to use: the latest retrieval of ``time_type`` (and
    ``year`` when given), or the one retrieved on ``retrieved`` (YYYY-MM-DD).

    Raises Refused naming the available retrieval dates when none matches."""
    s = service_snapshots(t)
    s = s[s["time_type"] == time_type]
    if year is not None:
        s = s[s["year"] == year]
    if retrieved is not None:
        hit = s[s["retrieved"] == retrieved]
        if hit.empty:
            known = ", ".join(sorted(set(s["retrieved"]))) or "none (run analysis portal import or fetch)"
            raise Refused(f"no snapshot retrieved on {retrieved}; snapshots: {known}")
        return hit.iloc[-1]
    if s.empty:
        raise Refused("no imported snapshot of the portal's index in this data folder; "
                      "run `analysis portal import FILE...` or `analysis portal fetch ...`")
    return s.iloc[-1]


def score_records(t: PortalTables, province: str | None = None, retrieved: str | None = None) -> list[dict]:
    """Return one JSON-ready record per province and snapshot: ``province``,
    ``department_code``, ``period``, ``retrieved``, ``total_score``, ``rank``,
    ``provinces_ranked`` and ``groups`` ({code: {score, max_score, rank}}).

    Raises Refused when ``retrieved`` matches no snapshot."""
    sc = t["scores"]
    if retrieved is not None:
        ids = set(t["snapshots"].loc[t["snapshots"]["retrieved"] == retrieved, "snapshot_id"])
        if not ids:
            known = ", ".join(sorted(set(t["snapshots"]["retrieved"]))) or "none"
            raise Refused(f"no snapshot retrieved on {retrieved}; snapshots: {known}")
        sc = sc[sc["snapshot_id"].isin(ids)]
    if province is not None:
        sc = sc[sc["province"] == province]
    out = []
    for (sid, prov), g in sc.groupby(["snapshot_id", "province"], sort=False):
        tot = g[g["group"] == TOTAL].iloc[0]
        groups = {r["group"]: {"score": float(r["score"]), "max_score": float(r["max_score"]),
                               "rank": int(r["rank"])}
                  for _, r in g.iterrows() if r["group"] in GROUPS}
        out.append({"province": prov, "department_code": tot["department_code"],
                    "period": period_label(tot["time_type"], tot["year"], tot["period"]),
                    "retrieved": tot["retrieved"], "total_score": float(tot["score"]),
                    "rank": int(tot["rank"]), "provinces_ranked": int(tot["provinces_ranked"]),
                    "groups": groups, "snapshot_id": sid})
    return sorted(out, key=lambda r: (r["retrieved"], r["rank"], r["province"]))
