"""Staggered difference-in-differences (Callaway and Sant'Anna 2021) on a month-by-province
matrix of a ratio.

Provinces are grouped into cohorts by the month their online-fee policy starts. For cohort
g and month t, ATT(g, t) is the change of the cohort's mean from the base month g - 1 to t
minus the same change among control provinces: never-treated ones, or never- and
not-yet-treated ones (no policy by max(t, g - 1)). No covariates, so the outcome-regression,
IPW and doubly-robust versions coincide. Standard errors come from unit-level influence
functions (treating cohort sizes as fixed); ``tests/test_policy_models.py`` checks the
ATT(g, t) and their aggregation against the ``differences`` package.

With one or two provinces per cohort the analytic interval rests on the control provinces'
spread alone; the design study (``benchmarks/bench_policy_designs.py``) measures its
coverage; :mod:`analysis.models.staggered_placebo` gives the placebo-in-space alternative
(the real cohort dates given to randomly drawn provinces): a p-value and, by inverting it,
an interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from analysis.models.policy_panel import month_index

CONTROLS = ("not_yet_treated", "never_treated")


@dataclass
class Staggered:
    """Group-time effects, their aggregations and the intervals."""

    gt: pd.DataFrame  # cohort, month, e, att, se, n_treated, n_control
    event_study: pd.DataFrame  # e, att, se, ci_low, ci_high, n_cohorts
    att: float
    se: float
    level: float
    control: str
    cohorts: dict[str, list[str]]
    p_placebo: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ci(self) -> tuple[float, float]:
        z = stats.norm.ppf(0.5 + self.level / 2)
        return self.att - z * self.se, self.att + z * self.se

    @property
    def p_value(self) -> float:
        return float(2 * stats.norm.sf(abs(self.att / self.se))) if self.se > 0 else float("nan")


def _cells(Y: np.ndarray, cohort_idx: np.ndarray, control: str):
    """Yield (g, t, att, psi, n_g, n_c) for every usable cohort g and month t (indices into
    the month axis; ``cohort_idx`` is -1 for never-treated units)."""
    T, N = Y.shape
    for g in sorted(set(cohort_idx[cohort_idx >= 0].tolist())):
        b = g - 1
        if b < 0:
            continue
        treated = cohort_idx == g
        for t in range(T):
            if t == b:
                continue
            ctrl = cohort_idx == -1
            if control == "not_yet_treated":
                ctrl = ctrl | ((cohort_idx > max(t, b)) & (cohort_idx != g))
            if ctrl.sum() < 2:
                continue
            d = Y[t] - Y[b]
            mg, mc = d[treated].mean(), d[ctrl].mean()
            psi = np.zeros(N)
            psi[treated] = N * (d[treated] - mg) / treated.sum()
            psi[ctrl] = -N * (d[ctrl] - mc) / ctrl.sum()
            yield g, t, mg - mc, psi, treated, int(ctrl.sum())


def _cohort_index(months: list[str], provinces: list[str], cohorts: dict[str, str | None]) -> np.ndarray:
    pos = {m: i for i, m in enumerate(months)}
    first = month_index(months[0])
    out = np.full(len(provinces), -1)
    for j, p in enumerate(provinces):
        c = cohorts.get(p)
        if c is None:
            continue
        k = pos.get(c, month_index(c) - first)
        out[j] = k if k >= 0 else -2  # treated before the panel starts: neither treated nor control
    return out


def group_time(wide: pd.DataFrame, cohorts: dict[str, str | None], control: str = "not_yet_treated"):
    """Return (table of ATT(g, t), influence functions and cohort membership, both cells by
    units).

    ``wide`` is months (YYYY-MM, consecutive) by provinces; ``cohorts`` maps a province to
    its first treated month or None (never treated; provinces not in the map are never
    treated). Cohorts starting at the first month (no base month) or after the last are
    dropped. Raises ValueError for an unknown ``control``."""
    if control not in CONTROLS:
        raise ValueError(f"control must be one of {CONTROLS}, not {control!r}")
    months, provinces = list(wide.index), list(wide.columns)
    idx = _cohort_index(months, provinces, cohorts)
    idx = np.where(idx >= len(months), -1, idx)  # treated after the panel ends: never within it
    rows, psis, members = [], [], []
    for g, t, att, psi, treated, nc in _cells(wide.to_numpy(float), idx, control):
        se = math.sqrt(np.sum(psi ** 2)) / len(provinces)
        rows.append((months[g], months[t], t - g, att, se, int(treated.sum()), nc))
        psis.append(psi)
        members.append(treated.astype(float))
    gt = pd.DataFrame(rows, columns=["cohort", "month", "e", "att", "se", "n_treated", "n_control"])
    empty = np.zeros((0, len(provinces)))
    return gt, (np.vstack(psis) if psis else empty), (np.vstack(members) if members else empty)


def _aggregate(gt: pd.DataFrame, psi: np.ndarray, member: np.ndarray, mask: np.ndarray,
               n_units: int) -> tuple[float, float]:
    """Cohort-size weighted mean of the selected cells, and its influence-function se
    including the estimation of the cohort shares that weight the cells (as in the ``did``
    R package and ``differences``)."""
    pg = gt["n_treated"].to_numpy(float) / n_units * mask
    if pg.sum() == 0:
        return float("nan"), float("nan")
    w = pg / pg.sum()
    att = gt["att"].to_numpy(float)
    est = float(w @ att)
    dev = (member - pg[:, None]) * mask[:, None]  # cells by units: share's influence
    wif = dev / pg.sum() - np.outer(pg, dev.sum(axis=0)) / pg.sum() ** 2
    agg = w @ psi + att @ wif
    return est, float(math.sqrt(np.sum(agg ** 2)) / n_units)


def event_study(gt: pd.DataFrame, psi: np.ndarray, member: np.ndarray, n_units: int,
                level: float = 0.95) -> pd.DataFrame:
    """Return the effect by months since the policy ``e`` (leads e < 0 are the pre-trend
    check; e = -1 is the base month and is not a row), with intervals."""
    z = stats.norm.ppf(0.5 + level / 2)
    rows = []
    for e in sorted(gt["e"].unique()):
        mask = (gt["e"] == e).to_numpy()
        est, se = _aggregate(gt, psi, member, mask, n_units)
        rows.append((int(e), est, se, est - z * se, est + z * se, int(mask.sum())))
    return pd.DataFrame(rows, columns=["e", "att", "se", "ci_low", "ci_high", "n_cohorts"])


def estimate(wide: pd.DataFrame, cohorts: dict[str, str | None], control: str = "not_yet_treated",
             level: float = 0.95) -> Staggered:
    """Return the staggered estimate: ATT(g, t), the event study, and the overall effect
    (cohort-size weighted mean of the post-period cells, as ``simple`` aggregation in the
    ``did`` R package). Raises ValueError when no cohort has a usable post-period cell."""
    gt, psi, member = group_time(wide, cohorts, control)
    post = (gt["e"] >= 0).to_numpy() if len(gt) else np.zeros(0, bool)
    if not post.any():
        raise ValueError("no treated province has a month on or after its policy within the panel "
                         "and a base month before it")
    att, se = _aggregate(gt, psi, member, post, wide.shape[1])
    used = set(gt["cohort"])
    groups: dict[str, list[str]] = {}
    for p, c in cohorts.items():
        if c in used and p in wide.columns:
            groups.setdefault(c, []).append(p)
    notes = []
    if min(len(v) for v in groups.values()) < 5:
        notes.append("some cohorts have fewer than 5 provinces: the analytic interval rests on the "
                     "control provinces' spread; see the design study for its coverage")
    return Staggered(gt=gt, event_study=event_study(gt, psi, member, wide.shape[1], level), att=att, se=se,
                     level=level, control=control, cohorts={k: sorted(v) for k, v in sorted(groups.items())},
                     notes=notes)
