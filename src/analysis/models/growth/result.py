"""The fitted growth curve and what it says: projections with intervals, fitted points,
coefficients; the time to a target and the bound checks are in ``target``."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit

from analysis.data.observations import NATIONAL_TARGET_PCT
from analysis.models.growth.inputs import LEVEL, GrowthData, _years

@dataclass
class TimeToTarget:
    """When the fitted reference-scope curve reaches ``target_pct``.

    ``date`` is None when there is no such date; ``reason`` then says why. ``low``/``high``
    are the bootstrap percentile interval (``high`` None when unbounded: some draws never
    reach the target), ``delta_low``/``delta_high`` the delta-method interval. ``draws`` holds
    the bootstrap draws in years since the origin (inf where the drawn slope is not positive).
    """

    target_pct: float
    date: pd.Timestamp | None
    low: pd.Timestamp | None = None
    high: pd.Timestamp | None = None
    delta_low: pd.Timestamp | None = None
    delta_high: pd.Timestamp | None = None
    reason: str | None = None
    share_never: float = 0.0
    draws: np.ndarray | None = field(default=None, repr=False)

    def to_dict(self) -> dict | None:
        """Return ``{date, low, high, delta_low, delta_high, share_of_draws_never}`` (ISO
        dates) or None when there is no date."""
        if self.date is None:
            return None
        iso = lambda d: None if d is None else d.date().isoformat()  # noqa: E731
        return {"date": iso(self.date), "low": iso(self.low), "high": iso(self.high),
                "delta_low": iso(self.delta_low), "delta_high": iso(self.delta_high),
                "share_of_draws_never": round(self.share_never, 4)}


@dataclass
class GrowthFit:
    """A fitted growth curve with everything needed to report it.

    Attributes: ``province``; ``family`` ("binomial" or "fractional_logit");
    ``reference_scope``; ``assumed_offsets`` (scope -> logit, assumed by the user);
    ``estimated_scopes`` (scopes with an estimated offset column); ``params`` and ``cov``
    (pandas, by column name: "intercept", "slope_per_year", "scope[...]"); ``df_resid``;
    ``scale`` and ``scale_method``; ``use_t``; ``points`` (the figures in the point fit),
    ``bounds`` (bound figures checked afterwards), ``excluded`` (figures not used, with the
    reason); ``draws`` (bootstrap parameter draws); ``result`` (the statsmodels result).
    """

    data: GrowthData
    family: str
    reference_scope: str
    scope_mode: str
    assumed_offsets: dict[str, float]
    estimated_scopes: list[str]
    params: pd.Series
    cov: pd.DataFrame
    df_resid: float
    scale: float
    scale_method: str
    use_t: bool
    points: pd.DataFrame
    bounds: pd.DataFrame
    excluded: pd.DataFrame
    draws: np.ndarray
    result: object
    warnings: list[str]
    assumptions: list[str]
    level: float = LEVEL

    @property
    def province(self) -> str:
        return self.data.province

    @property
    def origin(self) -> pd.Timestamp:
        return self.data.origin

    @property
    def label(self) -> str:
        """The assumption this curve rests on, in words (for legends and captions)."""
        if self.scope_mode == "single_scope":
            return f"{self.reference_scope} figures only"
        parts = [f"{s} {d:+.2g} logit" for s, d in self.assumed_offsets.items()]
        parts += [f"{s} offset estimated" for s in self.estimated_scopes]
        return f"vs {self.reference_scope}: " + ", ".join(parts) if parts else self.reference_scope

    def _q(self) -> float:
        a = (1 + self.level) / 2
        return float(stats.t.ppf(a, self.df_resid) if self.use_t else stats.norm.ppf(a))

    def _row(self, t: float, scope: str | None = None) -> tuple[np.ndarray, float] | None:
        """Return (design row, fixed offset) for ``scope`` at ``t``; None when the scope's
        offset is neither assumed nor estimated nor zero."""
        x = np.zeros(len(self.params))
        x[0], x[1] = 1.0, t
        scope = scope or self.reference_scope
        if scope == self.reference_scope:
            return x, 0.0
        if scope in self.assumed_offsets:
            return x, self.assumed_offsets[scope]
        col = f"scope[{scope}]"
        if col in self.params.index:
            x[self.params.index.get_loc(col)] = 1.0
            return x, 0.0
        return None

    def _band(self, ts, scope: str | None = None) -> pd.DataFrame:
        rows = []
        q = self._q()
        lo_p, hi_p = 100 * (1 - self.level) / 2, 100 * (1 + self.level) / 2
        for t in ts:
            x, off = self._row(t, scope)
            eta = float(x @ self.params.values) + off
            se = float(np.sqrt(x @ self.cov.values @ x))
            boot = expit(self.draws @ x + off) if len(self.draws) else np.array([expit(eta)])
            rows.append({"t": t, "mean": expit(eta), "low": np.percentile(boot, lo_p),
                         "high": np.percentile(boot, hi_p), "delta_low": expit(eta - q * se),
                         "delta_high": expit(eta + q * se), "eta": eta, "se_eta": se})
        return pd.DataFrame(rows)

    def prediction_n(self) -> float | None:
        """Return the dossier count assumed for a future figure (median of the fitted
        denominators) for a binomial fit, 1 for a fractional logit."""
        if self.family == "binomial":
            return float(np.median(self.points["denominator"].astype(float)))
        return 1.0

    def project(self, dates) -> pd.DataFrame:
        """Return the reference-scope curve at ``dates``: date, mean_pct, low_pct, high_pct
        (bootstrap CI for the mean), delta_low_pct, delta_high_pct (delta-method CI), and
        pred_low_pct, pred_high_pct (approximate prediction interval for one future figure
        with the typical denominator; NaN when the scale is not estimated). All in 0-100."""
        dates = [pd.Timestamp(d) for d in dates]
        ts = [_years(d, self.origin) for d in dates]
        band = self._band(ts)
        out = pd.DataFrame({"date": dates, "mean_pct": 100 * band["mean"], "low_pct": 100 * band["low"],
                            "high_pct": 100 * band["high"], "delta_low_pct": 100 * band["delta_low"],
                            "delta_high_pct": 100 * band["delta_high"]})
        if self.scale_method.startswith("pearson") and len(self.draws):
            out["pred_low_pct"], out["pred_high_pct"] = self._prediction_band(ts)
        else:
            out["pred_low_pct"], out["pred_high_pct"] = np.nan, np.nan
        return out

    def _prediction_band(self, ts) -> tuple[list[float], list[float]]:
        """Return (low, high) in percent of the approximate prediction interval for one future
        figure with the typical denominator at each ``t`` (needs an estimated scale)."""
        rng = np.random.default_rng(12345)
        n = self.prediction_n()
        lo_p, hi_p = 100 * (1 - self.level) / 2, 100 * (1 + self.level) / 2
        pl, ph = [], []
        for t in ts:
            x, off = self._row(t)
            eta = self.draws @ x + off
            p = np.clip(expit(eta), 1e-12, 1 - 1e-12)  # far out the curve is 0 or 1 in floating point
            # A new figure's logit varies around the mean by about sqrt(phi / (n p (1-p)))
            # (delta method on the quasi-binomial variance); t noise for the estimated phi.
            sd = np.sqrt(self.scale / (n * p * (1 - p)))
            new = expit(eta + sd * rng.standard_t(self.df_resid, size=len(eta)))
            pl.append(100 * np.percentile(new, lo_p))
            ph.append(100 * np.percentile(new, hi_p))
        return pl, ph

    def fitted_points(self) -> pd.DataFrame:
        """Return the fitted figures with the curve of their own scope at their date."""
        rows = []
        for _, r in self.points.iterrows():
            b = self._band([r["t"]], r["scope"]).iloc[0]
            rows.append({"obs_id": r["obs_id"], "scope": r["scope"], "date": r["date"],
                         "observed_pct": r["value_pct"], "fitted_pct": 100 * b["mean"]})
        return pd.DataFrame(rows)

    def bound_checks(self) -> pd.DataFrame:
        """Return one row per bound figure checked against its scope's curve
        (:func:`analysis.models.growth.target.bound_checks`)."""
        from analysis.models.growth.target import bound_checks
        return bound_checks(self)

    def time_to_target(self, target_pct: float = NATIONAL_TARGET_PCT) -> TimeToTarget:
        """Return when the reference-scope curve reaches ``target_pct``
        (:func:`analysis.models.growth.target.time_to_target`)."""
        from analysis.models.growth.target import time_to_target
        return time_to_target(self, target_pct)

    def coefficients(self) -> dict:
        """Return {name: {estimate, se}} (logit scale; slope per year)."""
        se = np.sqrt(np.diag(self.cov.values))
        return {k: {"estimate": float(v), "se": float(s)} for (k, v), s in zip(self.params.items(), se)}


# ----------------------------------------------------------------------------- fitting
