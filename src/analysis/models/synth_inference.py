"""Inference for a synthetic control: placebos in space, an interval, leave-one-out.

Placebo in space (Abadie, Diamond and Hainmueller 2010): each donor in turn is treated as if
it had the policy, with the other donors (never the treated province) as its donors. The
statistic is the post/pre RMSPE ratio; the p-value is the rank of the treated province's
ratio among all J + 1 ratios divided by J + 1, so the smallest attainable p-value is
1 / (J + 1). The interval inverts that test for a constant effect (Firpo and Possebom 2018):
every effect d for which the treated province's ratio, with d taken off its post-period
gap, is not rejected. Because the placebos do not involve the treated province, that set is
``mean gap ± sqrt(c² pre² - var(gap))`` in closed form, ``c`` the critical placebo ratio.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.models.synth import Synth, fit


@dataclass
class SynthInference:
    """The placebo p-value, the interval and the leave-one-out effects of one fit."""

    p_value: float
    smallest_p: float
    ratio: float
    placebo_ratios: dict[str, float]
    placebo_gaps: dict[str, np.ndarray]
    ci_low: float | None
    ci_high: float | None
    level: float
    leave_one_out: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _ratio(s: Synth) -> float:
    return s.post_rmspe / s.pre_rmspe if s.pre_rmspe > 0 else math.inf


def placebos(wide: pd.DataFrame, s: Synth) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Return each donor's post/pre RMSPE ratio and gap path when treated in turn at the
    same month, its donors the other donors. Placebo fits are never refused: a poorly
    fitting placebo gets a small ratio, which is how the ratio statistic discounts it."""
    ratios, gaps = {}, {}
    for d in s.donors:
        others = [o for o in s.donors if o != d]
        p = fit(wide, d, s.policy_month, others) if len(others) else None
        if p is None or p.weights.sum() == 0:
            continue
        ratios[d], gaps[d] = _ratio(p), p.gap
    return ratios, gaps


def _critical_ratio(placebo: np.ndarray, level: float) -> float | None:
    """The largest ratio not rejected at ``1 - level``: the m-th largest placebo ratio with
    m the fewest placebos at or above the treated ratio for p > alpha (None if unbounded)."""
    alpha = 1 - level
    n = len(placebo) + 1
    m = math.floor(alpha * n - 1e-12)  # need (1 + m) / n > alpha  <=>  m >= floor(alpha n)
    while (1 + m) / n <= alpha:
        m += 1
    if m == 0:
        return None
    if m > len(placebo):
        return 0.0
    return float(np.sort(placebo)[::-1][m - 1])


def interval(s: Synth, placebo: np.ndarray, level: float = 0.95) -> tuple[float | None, float | None]:
    """Return the test-inversion interval for a constant effect at ``level`` (None, None when
    the placebos are too few for any effect to be rejected; nan, nan when every constant
    effect is rejected)."""
    c = _critical_ratio(np.asarray(placebo, float), level)
    if c is None:
        return None, None
    post = s.gap[s.n_pre:]
    half2 = (c * s.pre_rmspe) ** 2 - float(np.var(post))
    if half2 < 0:
        return float("nan"), float("nan")
    h = math.sqrt(half2)
    return float(post.mean() - h), float(post.mean() + h)


def leave_one_out(wide: pd.DataFrame, s: Synth, min_weight: float = 0.01) -> dict[str, float]:
    """Return the effect refitted without each donor whose weight exceeds ``min_weight``."""
    out = {}
    for d, w in zip(s.donors, s.weights):
        if w > min_weight:
            r = fit(wide, s.treated, s.policy_month, [o for o in s.donors if o != d])
            out[d] = r.effect if r.refusal is None else float("nan")
    return out


def infer(wide: pd.DataFrame, s: Synth, level: float = 0.95, loo: bool = True) -> SynthInference:
    """Return the placebo-in-space inference for a fitted (not refused) synthetic control.
    Raises ValueError when ``s`` was refused."""
    if s.refusal:
        raise ValueError(f"no inference for a refused fit: {s.refusal}")
    ratios, gaps = placebos(wide, s)
    r = _ratio(s)
    arr = np.array(list(ratios.values()), float)
    n = len(arr) + 1
    p = (1 + int(np.sum(arr >= r))) / n
    lo, hi = interval(s, arr, level)
    notes = []
    if lo is None:
        notes.append(f"with {len(arr)} placebos no effect can be rejected at level {level:g}; "
                     "no interval")
    return SynthInference(p_value=p, smallest_p=1 / n, ratio=r, placebo_ratios=ratios,
                          placebo_gaps=gaps, ci_low=lo, ci_high=hi, level=level,
                          leave_one_out=leave_one_out(wide, s) if loo else {}, notes=notes)
