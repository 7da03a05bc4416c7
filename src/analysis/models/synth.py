"""Synthetic control for one province on a month-by-province matrix of a ratio (0 to 100).

The synthetic province is a weighted average of donor provinces, the weights non-negative
and summing to one, chosen so that its pre-period path matches the treated province's
(least squares over the pre-period months, every month weighted equally). The gap after
the policy month is the estimate; :mod:`analysis.models.synth_inference` adds the placebo
p-value, the interval and leave-one-out robustness.

A fit is refused (``Synth.refusal`` set, no estimate) when the pre-period is shorter than
:data:`MIN_PRE_MONTHS` or its fit is poor: pre-period RMSPE above :data:`MAX_PRE_RMSPE`
points, a level at which a gap of a few points after the policy says nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from analysis import i18n
from analysis.i18n import _

#: Fewest pre-period months a synthetic control is fitted on.
MIN_PRE_MONTHS = 6
#: Largest pre-period root mean squared prediction error (points of the ratio) accepted.
MAX_PRE_RMSPE = 3.0
#: Fewest donors; with J donors the smallest placebo p-value is 1/(J+1).
MIN_DONORS = 4


def simplex_weights(y1: np.ndarray, Y0: np.ndarray) -> np.ndarray:
    """Return weights w >= 0 with sum(w) = 1 minimising ||y1 - Y0 @ w||.

    ``y1`` is the treated unit's pre-period path (T0,), ``Y0`` the donors' (T0, J). Solved as
    non-negative least squares with the sum-to-one row appended at a weight large against the
    data, which enforces it to machine precision on 0-100 data; then renormalised.
    """
    y1 = np.asarray(y1, float)
    Y0 = np.asarray(Y0, float)
    scale = max(1.0, float(np.abs(Y0).max()), float(np.abs(y1).max())) * 1e3
    A = np.vstack([Y0, np.full((1, Y0.shape[1]), scale)])
    b = np.concatenate([y1, [scale]])
    w, _residual = nnls(A, b, maxiter=50 * A.shape[1])
    s = w.sum()
    return w / s if s > 0 else np.full(Y0.shape[1], 1 / Y0.shape[1])


def rmspe(gaps: np.ndarray) -> float:
    """Return the root mean squared value of ``gaps`` (nan when empty)."""
    g = np.asarray(gaps, float)
    return float(np.sqrt(np.mean(g ** 2))) if g.size else float("nan")


@dataclass
class Synth:
    """One synthetic-control fit: the weights, the paths, the gaps and any refusal."""

    treated: str
    policy_month: str
    months: list[str]
    donors: list[str]
    weights: np.ndarray
    treated_path: np.ndarray
    synthetic_path: np.ndarray
    n_pre: int
    refusal: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def gap(self) -> np.ndarray:
        return self.treated_path - self.synthetic_path

    @property
    def pre_rmspe(self) -> float:
        return rmspe(self.gap[: self.n_pre])

    @property
    def post_rmspe(self) -> float:
        return rmspe(self.gap[self.n_pre:])

    @property
    def effect(self) -> float:
        """Average post-period gap, in points of the ratio."""
        return float(np.mean(self.gap[self.n_pre:]))

    def weight_table(self, min_weight: float = 0.0) -> pd.DataFrame:
        """Return donors and weights, largest first, weights above ``min_weight``."""
        t = pd.DataFrame({"province": self.donors, "weight": self.weights})
        return t[t["weight"] > min_weight].sort_values("weight", ascending=False).reset_index(drop=True)


def fit(wide: pd.DataFrame, treated: str, policy_month: str, donors: list[str]) -> Synth:
    """Return the synthetic control of ``treated`` from ``donors`` on ``wide`` (months by
    provinces), pre-period = months before ``policy_month``. A fit with too few pre-period
    months, too few donors or a poor pre-period fit carries ``refusal`` (weights may be
    empty then). Raises KeyError when ``treated`` or a donor is not a column of ``wide``."""
    months = list(wide.index)
    n_pre = sum(m < policy_month for m in months)
    y = wide[treated].to_numpy(float)
    Y0 = wide[donors].to_numpy(float)
    base = dict(treated=treated, policy_month=policy_month, months=months, donors=list(donors),
                treated_path=y, n_pre=n_pre)
    if len(donors) < MIN_DONORS:
        return Synth(**base, weights=np.zeros(len(donors)), synthetic_path=np.full_like(y, np.nan),
                     refusal=_("only {n} donor provinces without an online-fee policy (at least {min} "
                               "needed)").format(n=len(donors), min=MIN_DONORS))
    if n_pre < MIN_PRE_MONTHS or n_pre == len(months):
        reason = (_("only {n} pre-period months before {month} (at least {min} needed)").format(
            n=n_pre, month=policy_month, min=MIN_PRE_MONTHS) if n_pre < MIN_PRE_MONTHS else
            _("no month of the panel is on or after {month}").format(month=policy_month))
        return Synth(**base, weights=np.zeros(len(donors)), synthetic_path=np.full_like(y, np.nan),
                     refusal=reason)
    w = simplex_weights(y[:n_pre], Y0[:n_pre])
    s = Synth(**base, weights=w, synthetic_path=Y0 @ w)
    if s.pre_rmspe > MAX_PRE_RMSPE:
        s.refusal = _("poor pre-period fit: RMSPE {rmspe} points is above the limit of {limit}; no weighted "
                      "average of the donors follows {province} before the policy").format(
            rmspe=i18n.number(s.pre_rmspe, 2, trim=False), limit=i18n.number(MAX_PRE_RMSPE, 1), province=treated)
    return s
