"""A province's scorecard on the national Decision 766 index: its total and six group
scores against every province of the same snapshot (rank, where it stands in each
group's distribution), the national figure, and the counts behind online payment,
on-time processing and satisfaction with binomial intervals.

Points are index points, not rates: a group's points are a weighted sum of several
ratios (see ``data/README.md``). Ranks are among the provinces of one snapshot: a
year-to-date snapshot moves from one retrieval to the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from analysis.data import Dataset
from analysis.data.portal import query, tables
from analysis.data.portal.details import KEY_MEASURES
from analysis.data.portal.groups import GROUPS, RADAR_GROUPS, TOTAL
from analysis.errors import Refused

#: Confidence level of the binomial (Wilson) intervals.
LEVEL = 0.95


@dataclass(frozen=True)
class Scorecard:
    """Everything the scorecard report shows for one province and snapshot.

    ``groups``: one row per group (TOTAL first) with ``score``, ``max_score``, ``ratio``,
    ``rank``, ``n``, ``below`` (share of the other provinces with fewer points),
    ``min``, ``q1``, ``median``, ``q3``, ``max`` of the snapshot's provinces and
    ``national`` (the portal's national figure where it publishes one for that group).
    ``distribution``: every province's points per group (long). ``counts``: the counts
    with Wilson intervals (empty when no crawler file of the same retrieval is imported).
    ``history``: the province's total and rank at each retrieval of the same period."""

    province: str
    department_code: str
    snapshot: pd.Series
    groups: pd.DataFrame
    distribution: pd.DataFrame
    counts: pd.DataFrame
    history: pd.DataFrame
    predecessors: list[str] = field(default_factory=list)
    counts_snapshot: pd.Series | None = None

    @property
    def total(self) -> pd.Series:
        return self.groups.set_index("group").loc[TOTAL]


def wilson(successes, trials, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Return (low, high) Wilson score intervals in percent for arrays of counts
    (statsmodels ``proportion_confint``). Raises ValueError for trials <= 0 or
    successes outside 0..trials."""
    k, n = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    if np.any(n <= 0) or np.any(k < 0) or np.any(k > n):
        raise ValueError("need 0 <= successes <= trials and trials > 0")
    lo, hi = proportion_confint(k, n, alpha=1 - level, method="wilson")
    return 100 * np.asarray(lo), 100 * np.asarray(hi)


def _national(t: tables.PortalTables, sid: str) -> dict[str, float]:
    """Return the national points per group code where the portal publishes them (the
    radar merges CLGQ and TTTT, so neither has a national figure of its own)."""
    nat = t["national"][t["national"]["snapshot_id"] == sid].set_index("group")["score"]
    out = {TOTAL: float(nat[TOTAL])} if TOTAL in nat.index else {}
    for code, (covers, _) in RADAR_GROUPS.items():
        if len(covers) == 1 and code in nat.index:
            out[covers[0]] = float(nat[code])
    return out


def _group_table(snap_scores: pd.DataFrame, province: str, national: dict) -> pd.DataFrame:
    rows = []
    for g in (TOTAL, *GROUPS):
        col = snap_scores[snap_scores["group"] == g]
        mine = col[col["province"] == province].iloc[0]
        others = col[col["province"] != province]["score"]
        q = col["score"].quantile([0, 0.25, 0.5, 0.75, 1.0]).to_numpy()
        rows.append({"group": g, "score": float(mine["score"]), "max_score": float(mine["max_score"]),
                     "ratio": float(mine["ratio"]), "rank": int(mine["rank"]), "n": len(col),
                     "below": float((others < mine["score"]).mean()) if len(others) else float("nan"),
                     "min": q[0], "q1": q[1], "median": q[2], "q3": q[3], "max": q[4],
                     "national": national.get(g, float("nan"))})
    return pd.DataFrame(rows)


def _counts(t: tables.PortalTables, snap: pd.Series, province: str) -> tuple[pd.DataFrame, pd.Series | None]:
    """Return the key counts with Wilson intervals from the crawler file of the same
    retrieval date and period as ``snap`` (empty frame and None when there is none)."""
    s = t["snapshots"]
    det = s[(s["kind"] == "crawler_details") & (s["retrieved"] == snap["retrieved"])
            & (s["time_type"] == snap["time_type"]) & (s["year"] == snap["year"])]
    cols = ["measure", "group", "name_vi", "numerator", "denominator", "percent", "low", "high"]
    if det.empty:
        return pd.DataFrame(columns=cols), None
    c = t["counts"]
    c = c[(c["snapshot_id"] == det.iloc[-1]["snapshot_id"]) & (c["province"] == province)
          & c["measure"].isin(list(KEY_MEASURES)) & (c["denominator"] > 0)].copy()
    c["measure"] = pd.Categorical(c["measure"], list(KEY_MEASURES), ordered=True)
    c = c.sort_values("measure")
    c["measure"] = c["measure"].astype(str)
    c["percent"] = 100 * c["numerator"] / c["denominator"]
    if len(c):
        c["low"], c["high"] = wilson(c["numerator"], c["denominator"])
    else:
        c["low"] = c["high"] = []
    return c[cols].reset_index(drop=True), det.iloc[-1]


def build(ds: Dataset, province: str, retrieved=None) -> Scorecard:
    """Return the scorecard of ``province`` on the latest year-to-date snapshot (or the
    one retrieved on ``retrieved``, YYYY-MM-DD).

    Raises UnknownProvinceError for a name not in admin_units.csv, and Refused when no
    snapshot is imported, none was retrieved that day, or the province has no score in it
    (a province that ceased before the 34-province map)."""
    province = ds.canonical_province(province)
    if retrieved is not None and not isinstance(retrieved, str):
        retrieved = retrieved.isoformat()  # a datetime.date from the notebook's parameters
    t = tables.read(ds.data_dir)
    snap = query.pick_snapshot(t, retrieved)
    sc = t["scores"][t["scores"]["snapshot_id"] == snap["snapshot_id"]]
    if province not in set(sc["province"]):
        au = ds.admin_units.set_index("province")
        succ = au.loc[province, "successor"]
        hint = f"; since 1 Jul 2025 it is part of {succ}" if succ else ""
        raise Refused(f"{province} has no score in the snapshot retrieved {snap['retrieved']}{hint}")
    mine = sc[sc["province"] == province]
    groups = _group_table(sc, province, _national(t, snap["snapshot_id"]))
    counts, det = _counts(t, snap, province)
    hist = t["scores"][(t["scores"]["province"] == province) & (t["scores"]["group"] == TOTAL)
                       & (t["scores"]["time_type"] == snap["time_type"]) & (t["scores"]["year"] == snap["year"])]
    history = hist.sort_values("retrieved")[["retrieved", "score", "rank", "provinces_ranked"]].reset_index(drop=True)
    au = ds.admin_units
    preds = list(au.loc[au["successor"] == province, "province"])
    return Scorecard(province=province, department_code=str(mine["department_code"].iloc[0]), snapshot=snap,
                     groups=groups, distribution=sc[["province", "group", "score", "max_score", "rank"]].copy(),
                     counts=counts, history=history, predecessors=preds, counts_snapshot=det)
