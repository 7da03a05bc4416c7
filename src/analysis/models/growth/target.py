"""Where the fitted curve meets a target (the date, with bootstrap and delta-method
intervals, or the reason there is none) and whether the bound figures agree with it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import logit

from analysis.data.observations import NATIONAL_TARGET_PCT
from analysis.models.growth.inputs import _date_of
from analysis.models.growth.result import GrowthFit, TimeToTarget


def bound_checks(fit: GrowthFit) -> pd.DataFrame:
    """Return one row per bound figure: obs_id, scope, bound, value_pct, date, fitted_pct,
    low_pct, high_pct (bootstrap band of that scope's curve at its date) and status:
    'consistent', 'inconsistent' (the whole band is on the wrong side of the bound) or
    'not checked: ...' (no offset relates its scope to the reference scope)."""
    rows = []
    for _, r in fit.bounds.iterrows():
        rec = {"obs_id": r["obs_id"], "scope": r["scope"], "bound": r["bound"],
               "value_pct": r["value_pct"], "date": r["date"], "fitted_pct": np.nan,
               "low_pct": np.nan, "high_pct": np.nan}
        if fit._row(r["t"], r["scope"]) is None:
            rec["status"] = (f"not checked: no offset relates {r['scope']} to {fit.reference_scope} "
                             f"(assume one with an offset for {r['scope']})")
        else:
            b = fit._band([r["t"]], r["scope"]).iloc[0]
            rec.update(fitted_pct=100 * b["mean"], low_pct=100 * b["low"], high_pct=100 * b["high"])
            bad = (rec["high_pct"] < r["value_pct"]) if r["bound"] == "lower" else (rec["low_pct"] > r["value_pct"])
            rec["status"] = "inconsistent" if bad else "consistent"
        rows.append(rec)
    return pd.DataFrame(rows, columns=["obs_id", "scope", "bound", "value_pct", "date", "fitted_pct",
                                       "low_pct", "high_pct", "status"])


def time_to_target(fit: GrowthFit, target_pct: float = NATIONAL_TARGET_PCT) -> TimeToTarget:
    """Return when the reference-scope curve reaches ``target_pct`` (see TimeToTarget).

    No date (with the reason) when the fitted slope is not positive, or when the curve
    reached the target on or before the latest fitted figure (already passed).
    """
    L = float(logit(target_pct / 100))
    b0, b1 = float(fit.params.iloc[0]), float(fit.params.iloc[1])
    if b1 <= 0:
        return TimeToTarget(target_pct, None, reason=(
            f"the fitted slope is not positive ({b1:+.3f} logit per year): the fitted share does "
            f"not rise, so the curve never reaches {target_pct:g}%"))
    t_star = (L - b0) / b1
    last = float(fit.points["t"].max())
    when = _date_of(t_star, fit.origin)
    if t_star <= last:
        return TimeToTarget(target_pct, None, reason=(
            f"target already passed: the fitted {fit.reference_scope} curve crosses {target_pct:g}% "
            f"on {when:%d/%m/%Y}, on or before the latest fitted figure "
            f"({_date_of(last, fit.origin):%d/%m/%Y})"))
    d0, d1 = fit.draws[:, 0], fit.draws[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        draws = np.where(d1 > 0, (L - d0) / d1, np.inf)
    lo_p, hi_p = 100 * (1 - fit.level) / 2, 100 * (1 + fit.level) / 2
    never = float(np.mean(~np.isfinite(draws)))
    # Draws that never reach the target are +inf; a percentile between two of them is
    # inf - inf = NaN, which means "unbounded" (high=None below): not worth a warning.
    with np.errstate(invalid="ignore"):
        lo = np.percentile(draws, lo_p)
        hi = np.percentile(draws, hi_p)
    g = np.zeros(len(fit.params))
    g[0], g[1] = -1 / b1, -(L - b0) / b1 ** 2
    se = float(np.sqrt(g @ fit.cov.values @ g))
    q = fit._q()
    return TimeToTarget(
        target_pct, when,
        low=_date_of(lo, fit.origin) if np.isfinite(lo) else None,
        high=_date_of(hi, fit.origin) if np.isfinite(hi) else None,
        delta_low=_date_of(t_star - q * se, fit.origin),
        delta_high=_date_of(t_star + q * se, fit.origin),
        share_never=never, draws=draws)


def already_past(tt: TimeToTarget, latest) -> bool:
    """Return True when ``tt`` gives a date on or before ``latest`` (the newest figure in the
    data about the province, of any indicator): a projected date the data has already
    overtaken, which a report must say is past rather than present as a forecast."""
    return tt.date is not None and latest is not None and pd.Timestamp(tt.date) <= pd.Timestamp(latest)
