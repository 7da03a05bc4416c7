"""Placebo-in-space inference for the staggered DiD: the real cohort months given to
randomly drawn provinces, a p-value from the rank of the observed overall effect, and the
interval obtained by inverting that test for a constant additive effect.

With one or two provinces per cohort the analytic interval of :mod:`analysis.models.staggered`
undercovers (the design study, ``benchmarks/bench_policy_designs.py``); this test is exact
under the sharp null when provinces are exchangeable. For a hypothesised effect d, the
outcome without the policy is Y - d·D (D the real treatment indicator). The overall effect
is linear in the outcome, so each reassignment's statistic is ``a - d·b`` with ``a`` its
effect on Y and ``b`` its effect on D; the observed one is ``att - d``. The interval is every
d on a fine grid whose p-value exceeds 1 - level.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.models.staggered import group_time


def _overall(wide: pd.DataFrame, cohorts: dict, control: str) -> float:
    gt, _psi, _m = group_time(wide, cohorts, control)
    post = gt["e"] >= 0
    w = gt["n_treated"][post]
    return float((gt["att"][post] * w).sum() / w.sum()) if w.sum() else float("nan")


def _treatment(wide: pd.DataFrame, cohorts: dict) -> pd.DataFrame:
    D = pd.DataFrame(0.0, index=wide.index, columns=wide.columns)
    for p, c in cohorts.items():
        if c is not None and p in D.columns:
            D.loc[D.index >= c, p] = 1.0
    return D


def placebo_stats(wide: pd.DataFrame, cohorts: dict, control: str = "not_yet_treated",
                  reps: int = 199, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Return (a, b): for each of ``reps`` random reassignments of the cohort months to
    provinces, its overall effect on the outcome and on the real treatment indicator.
    Reassignments that leave no usable cell are skipped."""
    rng = np.random.default_rng(seed)
    provinces = list(wide.columns)
    dates = [c for p, c in cohorts.items() if c is not None and p in wide.columns]
    D = _treatment(wide, cohorts)
    a, b = [], []
    for _ in range(reps):
        chosen = rng.choice(len(provinces), size=len(dates), replace=False)
        fake = {provinces[j]: d for j, d in zip(chosen, dates)}
        x = _overall(wide, fake, control)
        if x == x:
            a.append(x)
            b.append(_overall(D, fake, control))
    return np.array(a), np.array(b)


def p_values(att: float, a: np.ndarray, b: np.ndarray, effects) -> np.ndarray:
    """Return the placebo p-value of each hypothesised constant effect in ``effects``."""
    d = np.atleast_1d(np.asarray(effects, float))[:, None]
    hits = np.abs(a[None, :] - d * b[None, :]) >= np.abs(att - d) - 1e-12
    return (1 + hits.sum(axis=1)) / (len(a) + 1)


def placebo_p(wide: pd.DataFrame, cohorts: dict, observed: float, control: str = "not_yet_treated",
              reps: int = 199, seed: int = 0) -> float:
    """Return the placebo-in-space p-value of no effect: the share of reassignments whose
    overall effect is at least as large in absolute value as ``observed``, counting it."""
    a, b = placebo_stats(wide, cohorts, control, reps, seed)
    return float(p_values(observed, a, b, [0.0])[0])


def interval(att: float, a: np.ndarray, b: np.ndarray, level: float = 0.95,
             points: int = 4001) -> tuple[float | None, float | None]:
    """Return the smallest and largest constant effect not rejected at ``1 - level``
    (None, None when the set reaches the edge of the search range: unbounded, which happens
    when the placebos are too few for the level)."""
    spread = float(np.max(np.abs(a))) + abs(att) + 1.0
    grid = np.linspace(att - 10 * spread, att + 10 * spread, points)
    keep = grid[p_values(att, a, b, grid) > 1 - level]
    if not len(keep) or keep[0] == grid[0] or keep[-1] == grid[-1]:
        return None, None
    # Refine each end between the last kept and first rejected grid point.
    step = grid[1] - grid[0]
    fine_lo = np.linspace(keep[0] - step, keep[0], 201)
    fine_hi = np.linspace(keep[-1], keep[-1] + step, 201)
    lo = fine_lo[p_values(att, a, b, fine_lo) > 1 - level][0]
    hi = fine_hi[p_values(att, a, b, fine_hi) > 1 - level][-1]
    return float(lo), float(hi)
