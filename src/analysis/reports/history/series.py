"""The series the index-history report shows, taken from the monthly panel
(:func:`analysis.data.portal.history.panel`): the province's own, the national median and
spread of all units in each month, its merger partners before 1 Jul 2025, and Nghệ An
beside Hòa Bình on the months both were scored under the same index version."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

import pandas as pd

from analysis import data
from analysis.data.portal import history, tables
from analysis.data.portal.groups import TOTAL

#: The pair the seeds compare; Hòa Bình ceased to exist on 1 Jul 2025.
PAIR = ("Nghệ An", "Hòa Bình")
#: Spread shown around the median: the 10th to the 90th percentile of the units of a month.
SPREAD = (0.10, 0.90)


@dataclass
class History:
    """What the report needs: the province, the whole panel (latest vintage), what is
    held, the province's revisions, and its merger partners (pre-merger units of the
    same successor, itself excluded) with the successor's name."""

    province: str
    panel: pd.DataFrame
    held: dict
    revisions: pd.DataFrame
    partners: list[str]
    successor: str | None
    hosts: list[str]

    @property
    def has_history(self) -> bool:
        return not self.panel.empty


def _partners(admin_units: pd.DataFrame, province: str) -> tuple[list[str], str | None]:
    lin = history.lineage(admin_units)
    mine = lin[lin["predecessor"] == province]
    successor = mine["province"].iloc[0] if len(mine) else province
    group = lin.loc[lin["province"] == successor, "predecessor"]
    partners = sorted(p for p in group if p != province)
    return partners, (successor if successor != province else None)


def load(data_dir, province: str) -> History:
    """Return the :class:`History` of ``province`` (canonical name) from ``data_dir``."""
    ds = data.load(data_dir)
    partners, successor = _partners(ds.admin_units, province)
    rev = history.revisions(data_dir)
    snaps = tables.read(ds.data_dir)["snapshots"]
    hosts = sorted({urlparse(e).netloc for e in snaps.loc[snaps["time_type"] == "month", "endpoint"]})
    return History(province=province, panel=history.panel(data_dir), held=history.held_summary(data_dir),
                   revisions=rev[rev["province"] == province].reset_index(drop=True),
                   partners=partners, successor=successor, hosts=hosts)


def bands(h: History, group: str = TOTAL) -> pd.DataFrame:
    """Return per month of ``group``: ``median``, ``low``/``high`` (the :data:`SPREAD`
    percentiles) and ``n`` over every unit scored that month, and the province's
    ``score`` and ``rank`` (NaN where it was not scored)."""
    p = h.panel[h.panel["group"] == group]
    if p.empty:
        return pd.DataFrame(columns=["month", "median", "low", "high", "n", "score", "rank", "max_score"])
    g = p.groupby("month")["score"]
    out = pd.DataFrame({"median": g.median(), "low": g.quantile(SPREAD[0]), "high": g.quantile(SPREAD[1]),
                        "n": g.size()}).reset_index()
    mine = p.loc[p["province"] == h.province, ["month", "score", "rank", "max_score"]]
    return out.merge(mine, on="month", how="left").sort_values("month").reset_index(drop=True)


def partner_series(h: History) -> pd.DataFrame:
    """Return the total of the province and of its merger partners in the months before
    1 Jul 2025 (``province``, ``month``, ``score``, ``rank``); each unit its own series,
    nothing summed or averaged across them."""
    units = [h.province, *h.partners]
    p = h.panel[(h.panel["group"] == TOTAL) & (h.panel["month"] < history.MERGER_MONTH)]
    return p[p["province"].isin(units)][["province", "month", "score", "rank"]].reset_index(drop=True)


def pair_series(h: History, pair: tuple[str, str] = PAIR) -> pd.DataFrame:
    """Return the two provinces' totals on the months both were scored before 1 Jul 2025
    under the same index version (``month``, ``index_version``, one score column each)."""
    p = h.panel[(h.panel["group"] == TOTAL) & (h.panel["month"] < history.MERGER_MONTH)
                & h.panel["province"].isin(pair)]
    if p.empty:
        return pd.DataFrame(columns=["month", "index_version", *pair])
    wide = p.pivot_table(index=["month", "index_version"], columns="province", values="score").reset_index()
    for name in pair:
        if name not in wide.columns:
            wide[name] = float("nan")
    wide = wide.dropna(subset=list(pair))
    return wide[["month", "index_version", *pair]].reset_index(drop=True)
