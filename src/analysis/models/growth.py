"""Growth of the online dossier rate: a logit-linear trend in time, with honest limits.

The model is ``logit(share) = b0 + b1 * t (+ scope offset)``, with ``t`` in years since
1 January of the year of the province's earliest online-rate figure, fitted as a GLM with
binomial family and logit link (statsmodels):

- **binomial, counts as var_weights** when every fitted figure states its numerator and
  denominator (proportion endog + ``var_weights=n``, never the two-column count endog with
  ``scale="X2"``, which statsmodels divides by n: see METHODS.md);
- **fractional logit** (Papke-Wooldridge: the share as endog, no weights) when any fitted
  figure is a rate without counts; the counts of the others are then not used, and the
  output says so.

Decisions (each is reported in the output's ``assumptions`` or ``warnings``):

- *Bounds.* A figure stated as "more than" / "less than" is excluded from the point fit and
  checked afterwards against the fitted curve of its scope (:meth:`GrowthFit.bound_checks`);
  it is never treated as a point. An ``approximate`` figure is treated as a point, with a
  warning.
- *Time placement.* An ``interval`` figure sits at the midpoint of its period (for a rising
  share the period's pooled share is close to the share at its midpoint). An ``as_of``
  figure, whose start is not stated, sits at its end date by default, with a warning;
  ``as_of_placement="year_to_date"`` assumes the count started on 1 January of that year and
  places it at the midpoint instead.
- *Scopes.* The curve is the curve of one *reference scope* (default: the scope of the latest
  fitted figure). Figures of another scope either get an *estimated* offset (a ``scope[...]``
  column, only when the data identify it: full column rank and at least one residual
  degree of freedom) or an *assumed* offset (a GLM offset: that scope's figures sit
  ``delta`` logits above the reference scope's at the same date). A design the data cannot
  identify raises :class:`~analysis.errors.Refused`, naming what would work instead.
- *Scale.* With residual degrees of freedom the scale is Pearson chi2 / df_resid
  (quasi-binomial; it absorbs extra-binomial variation) and intervals use Student t with
  df_resid. With none (a curve through exactly two figures) there is no scale estimate:
  for count data the scale is fixed at 1 (binomial sampling only) with a warning that this
  ignores extra-binomial variation; a fractional-logit fit with no residual degrees of
  freedom is refused (it has no variance at all).
- *Intervals.* Confidence intervals for the mean share by parametric bootstrap (draws from
  N(params, cov_params), or multivariate t with df_resid when the scale is estimated), with
  the delta method on the logit scale as a cross-check. A prediction interval for a future
  reported figure is given only when the scale is estimated.
"""

from __future__ import annotations

import datetime as dt
import itertools
import warnings as _warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from scipy.special import expit, logit
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from analysis.data import Dataset
from analysis.errors import Refused
from analysis.data.observations import NATIONAL_TARGET_PCT, ONLINE_RATE, format_value, online_rate_observations
from analysis.errors import ParameterError
from analysis.data.schema import SCOPES

DAYS_PER_YEAR = 365.25
#: Where an 'as of' figure (start not stated) is placed in time.
AS_OF_PLACEMENTS = {
    "end": "at its end date (the 'as of' date)",
    "year_to_date": "at the midpoint of 1 January of its year to its end date (assumes a year-to-date count)",
}
#: Ways to set the GLM scale; see the module docstring.
SCALE_MODES = ("auto", "pearson", "binomial")
#: Default grid of assumed scope offsets (logits) for the sensitivity analysis: +-1 logit is
#: about +-20 percentage points near 50%. A range set by judgement, not by data.
DEFAULT_OFFSET_GRID = (-1.0, -0.5, 0.0, 0.5, 1.0)
DEFAULT_HORIZON = dt.date(2027, 12, 31)
DEFAULT_N_BOOT = 4000
LEVEL = 0.95
_POINT_BOUNDS = ("exact", "approximate")


# ----------------------------------------------------------------------------- data


@dataclass
class GrowthData:
    """The online-rate figures of one province, placed in time.

    ``frame`` has one row per figure: obs_id, scope, bound, value_pct, share, numerator,
    denominator (nullable), period_type, period_start, period_end, date (where it is placed),
    placement (text), t (years since ``origin``), source_id.
    """

    province: str
    frame: pd.DataFrame
    origin: pd.Timestamp
    as_of_placement: str
    warnings: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)


def _years(date, origin: pd.Timestamp) -> float:
    return (pd.Timestamp(date) - origin).days / DAYS_PER_YEAR


def _date_of(t: float, origin: pd.Timestamp) -> pd.Timestamp:
    return (origin + pd.Timedelta(days=float(t) * DAYS_PER_YEAR)).normalize()


def prepare_frame(rows: pd.DataFrame, province: str, *, as_of_placement: str = "end") -> GrowthData:
    """Return :class:`GrowthData` built from online-rate observation rows (columns as in
    observations.csv).

    Raises Refused when there are no rows, ParameterError for an unknown placement.
    """
    if as_of_placement not in AS_OF_PLACEMENTS:
        raise ParameterError("growth", "as_of_placement",
                             f"{as_of_placement!r} is not one of {list(AS_OF_PLACEMENTS)}")
    if rows.empty:
        raise Refused(
            f"no online-dossier-rate figure for {province} in the data, so there is nothing to fit. "
            "A growth curve needs at least two exact figures on one scope at different dates "
            "(better: monthly counts of dossiers submitted online and in total, on one scope), "
            f"added to observations.csv with indicator '{ONLINE_RATE}'.")
    warns, assumptions = [], []
    out = []
    for _, r in rows.sort_values(["period_end", "obs_id"]).iterrows():
        end = pd.Timestamp(r["period_end"])
        if r["period_type"] == "interval" and pd.notna(r["period_start"]):
            start = pd.Timestamp(r["period_start"])
            date = (start + (end - start) / 2).normalize()
            placement = f"midpoint of {start:%d/%m/%Y}–{end:%d/%m/%Y}"
        elif as_of_placement == "year_to_date":
            start = pd.Timestamp(end.year, 1, 1)
            date = (start + (end - start) / 2).normalize()
            placement = f"midpoint of assumed 01/01/{end.year}–{end:%d/%m/%Y} (start not stated)"
            warns.append(f"{r['obs_id']} is an 'as of' figure whose start is not stated: assumed to "
                         f"count from 01/01/{end.year} (year to date) and placed at {date:%d/%m/%Y}, "
                         "the midpoint; with as_of_placement='end' it would sit at its end date.")
        else:
            date = end
            placement = f"end date {end:%d/%m/%Y} ('as of', start not stated)"
            warns.append(f"{r['obs_id']} is an 'as of' figure whose start is not stated: placed at "
                         f"its end date {end:%d/%m/%Y} (an assumption; if it is a year-to-date total its "
                         "effective date is months earlier: as_of_placement='year_to_date' shows the effect).")
        if r["bound"] == "approximate":
            warns.append(f"{r['obs_id']} is an approximate figure ({format_value(r)}): treated as a point.")
        num, den = r["numerator"], r["denominator"]
        has_counts = pd.notna(num) and pd.notna(den) and int(den) > 0
        out.append({
            "obs_id": r["obs_id"], "scope": r["scope"], "bound": r["bound"],
            "value": float(r["value"]), "unit": r["unit"],
            "value_pct": float(r["value"]), "share": float(r["value"]) / 100.0,
            "numerator": int(num) if has_counts else pd.NA,
            "denominator": int(den) if has_counts else pd.NA,
            "period_type": r["period_type"], "period_start": r["period_start"], "period_end": end,
            "date": date, "placement": placement, "source_id": r["source_id"],
        })
    frame = pd.DataFrame(out)
    frame["numerator"] = frame["numerator"].astype("Int64")
    frame["denominator"] = frame["denominator"].astype("Int64")
    origin = pd.Timestamp(frame["date"].min().year, 1, 1)
    frame["t"] = [_years(d, origin) for d in frame["date"]]
    assumptions.append("An interval figure is placed at the midpoint of its period.")
    if (frame["period_type"] == "as_of").any():
        assumptions.append(f"An 'as of' figure (start not stated) is placed {AS_OF_PLACEMENTS[as_of_placement]}.")
    return GrowthData(province, frame, origin, as_of_placement, warns, assumptions)


def prepare(ds: Dataset, province: str, *, as_of_placement: str = "end") -> GrowthData:
    """Return the placed online-rate figures of ``province`` (any spelling).

    Raises UnknownProvinceError for a province not in the data, Refused when it has no
    online-rate figure (the message says what data would be needed).
    """
    name = ds.canonical_province(province)
    return prepare_frame(online_rate_observations(ds, name), name, as_of_placement=as_of_placement)


# ----------------------------------------------------------------------------- results


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
            out["pred_low_pct"], out["pred_high_pct"] = pl, ph
        else:
            out["pred_low_pct"], out["pred_high_pct"] = np.nan, np.nan
        return out

    def fitted_points(self) -> pd.DataFrame:
        """Return the fitted figures with the curve of their own scope at their date."""
        rows = []
        for _, r in self.points.iterrows():
            b = self._band([r["t"]], r["scope"]).iloc[0]
            rows.append({"obs_id": r["obs_id"], "scope": r["scope"], "date": r["date"],
                         "observed_pct": r["value_pct"], "fitted_pct": 100 * b["mean"]})
        return pd.DataFrame(rows)

    def bound_checks(self) -> pd.DataFrame:
        """Return one row per bound figure: obs_id, scope, bound, value_pct, date, fitted_pct,
        low_pct, high_pct (bootstrap band of that scope's curve at its date) and status:
        'consistent', 'inconsistent' (the whole band is on the wrong side of the bound) or
        'not checked: ...' (no offset relates its scope to the reference scope)."""
        rows = []
        for _, r in self.bounds.iterrows():
            rec = {"obs_id": r["obs_id"], "scope": r["scope"], "bound": r["bound"],
                   "value_pct": r["value_pct"], "date": r["date"], "fitted_pct": np.nan,
                   "low_pct": np.nan, "high_pct": np.nan}
            if self._row(r["t"], r["scope"]) is None:
                rec["status"] = (f"not checked: no offset relates {r['scope']} to {self.reference_scope} "
                                 f"(assume one with an offset for {r['scope']})")
            else:
                b = self._band([r["t"]], r["scope"]).iloc[0]
                rec.update(fitted_pct=100 * b["mean"], low_pct=100 * b["low"], high_pct=100 * b["high"])
                bad = (rec["high_pct"] < r["value_pct"]) if r["bound"] == "lower" else (rec["low_pct"] > r["value_pct"])
                rec["status"] = "inconsistent" if bad else "consistent"
            rows.append(rec)
        return pd.DataFrame(rows, columns=["obs_id", "scope", "bound", "value_pct", "date", "fitted_pct",
                                           "low_pct", "high_pct", "status"])

    def time_to_target(self, target_pct: float = NATIONAL_TARGET_PCT) -> TimeToTarget:
        """Return when the reference-scope curve reaches ``target_pct`` (see TimeToTarget).

        No date (with the reason) when the fitted slope is not positive, or when the curve
        reached the target on or before the latest fitted figure (already passed).
        """
        L = float(logit(target_pct / 100))
        b0, b1 = float(self.params.iloc[0]), float(self.params.iloc[1])
        if b1 <= 0:
            return TimeToTarget(target_pct, None, reason=(
                f"the fitted slope is not positive ({b1:+.3f} logit per year): the fitted share does "
                f"not rise, so the curve never reaches {target_pct:g}%"))
        t_star = (L - b0) / b1
        last = float(self.points["t"].max())
        when = _date_of(t_star, self.origin)
        if t_star <= last:
            return TimeToTarget(target_pct, None, reason=(
                f"target already passed: the fitted {self.reference_scope} curve crosses {target_pct:g}% "
                f"on {when:%d/%m/%Y}, on or before the latest fitted figure "
                f"({_date_of(last, self.origin):%d/%m/%Y})"))
        d0, d1 = self.draws[:, 0], self.draws[:, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            draws = np.where(d1 > 0, (L - d0) / d1, np.inf)
        lo_p, hi_p = 100 * (1 - self.level) / 2, 100 * (1 + self.level) / 2
        never = float(np.mean(~np.isfinite(draws)))
        lo = np.percentile(draws, lo_p)
        hi = np.percentile(draws, hi_p)
        g = np.zeros(len(self.params))
        g[0], g[1] = -1 / b1, -(L - b0) / b1 ** 2
        se = float(np.sqrt(g @ self.cov.values @ g))
        q = self._q()
        return TimeToTarget(
            target_pct, when,
            low=_date_of(lo, self.origin) if np.isfinite(lo) else None,
            high=_date_of(hi, self.origin) if np.isfinite(hi) else None,
            delta_low=_date_of(t_star - q * se, self.origin),
            delta_high=_date_of(t_star + q * se, self.origin),
            share_never=never, draws=draws)

    def coefficients(self) -> dict:
        """Return {name: {estimate, se}} (logit scale; slope per year)."""
        se = np.sqrt(np.diag(self.cov.values))
        return {k: {"estimate": float(v), "se": float(s)} for (k, v), s in zip(self.params.items(), se)}


# ----------------------------------------------------------------------------- fitting


def _scope_table(frame: pd.DataFrame) -> str:
    parts = []
    for s, g in frame.groupby("scope", sort=False):
        n_pt = int(g["bound"].isin(_POINT_BOUNDS).sum())
        n_b = len(g) - n_pt
        txt = f"{s}: {n_pt} exact figure(s)" if n_pt else f"{s}: no exact figure"
        if n_b:
            txt += f", {n_b} bound(s) (not fitted as points)"
        parts.append(txt)
    return "; ".join(parts)


def _alternatives(data: GrowthData, reference: str | None = None) -> str:
    pts = data.frame[data.frame["bound"].isin(_POINT_BOUNDS)]
    reference = reference or str(pts.sort_values("t")["scope"].iloc[-1])
    fit_scopes = [s for s, g in pts.groupby("scope") if g["t"].nunique() >= 2]
    others = [s for s in pts["scope"].unique() if s != reference]
    a = ("(a) a fit restricted to one scope (--scope SCOPE / scope = ...), which needs at least two "
         "exact figures at different dates on that scope: "
         + (f"possible for {', '.join(fit_scopes)}" if fit_scopes else "no scope has them here"))
    b = ("(b) a sensitivity analysis under assumed scope offsets (--offset SCOPE=LOGIT / offsets = "
         f"[...], logits added to that scope's figures relative to {reference}), e.g. "
         + " ".join(f"--offset {s}=0" for s in others)
         + ", repeated over a range of values (the notebook's sensitivity fan)")
    c = ("(c) more data: several exact figures on each scope, or monthly counts of dossiers submitted "
         "online and in total on one scope")
    return f"What would work instead: {a}; {b}; {c}."


def fit_growth(data: GrowthData, *, scope: str | None = None, offsets: dict[str, float] | None = None,
               reference_scope: str | None = None, scale: str = "auto", n_boot: int = DEFAULT_N_BOOT,
               seed: int = 0, level: float = LEVEL) -> GrowthFit:
    """Return the fitted growth curve of ``data`` (see the module docstring).

    ``scope`` restricts the fit to one scope; otherwise every exact figure is used, scopes other
    than ``reference_scope`` (default: the scope of the latest exact figure) getting the
    ``offsets`` given (logits added to their figures' linear predictor) or an estimated offset.
    ``scale`` is "auto", "pearson" or "binomial" (fixed at 1, count data only).

    Raises ParameterError for an unknown scope or scale mode, or an offset for the reference
    scope; Refused when the data cannot identify the model: no exact figure, a rank-deficient
    design (e.g. one figure per scope with a scope term), an estimated scope offset or a
    Pearson scale with no residual degrees of freedom, a fractional logit with none, or a
    binomial scale without counts.
    """
    offsets = dict(offsets or {})
    if scale not in SCALE_MODES:
        raise ParameterError("growth", "scale", f"{scale!r} is not one of {list(SCALE_MODES)}")
    for s in [scope, reference_scope, *offsets]:
        if s is not None and s not in SCOPES:
            raise ParameterError("growth", "scope", f"{s!r} is not a scope; known scopes: {', '.join(SCOPES)}")
    if scope is not None and reference_scope not in (None, scope):
        raise ParameterError("growth", "reference_scope", f"'{reference_scope}' differs from the single scope "
                                                          f"'{scope}' asked for; give one or the other")
    if scope is not None and offsets:
        raise ParameterError("growth", "offsets", "give either a single scope or assumed offsets, not both")
    frame = data.frame.copy()
    warns = list(data.warnings)
    assumptions = list(data.assumptions)
    excluded = []
    prov = data.province
    if scope is not None:
        if scope not in set(frame["scope"]):
            raise Refused(f"{prov} has no online-rate figure on scope '{scope}'; scopes with figures: "
                          f"{_scope_table(frame)}.")
        for _, r in frame[frame["scope"] != scope].iterrows():
            excluded.append({"obs_id": r["obs_id"], "reason": f"scope {r['scope']} (fit restricted to {scope})"})
        frame = frame[frame["scope"] == scope]
        reference_scope = scope
    points = frame[frame["bound"].isin(_POINT_BOUNDS)].copy()
    bounds = frame[~frame["bound"].isin(_POINT_BOUNDS)].copy()
    for _, r in bounds.iterrows():
        warns.append(f"{r['obs_id']} ({format_value(r)}, {r['scope']}) is a {r['bound']} bound: excluded "
                     "from the point fit and checked afterwards for consistency with the fitted curve.")
    if points.empty:
        raise Refused(f"{prov}: no exact online-rate figure to fit ({_scope_table(frame)}); bounds alone "
                      "cannot place a curve. Exact figures on one scope at two or more dates are needed.")
    if reference_scope is None:
        reference_scope = str(points.sort_values("t")["scope"].iloc[-1])
    if reference_scope in offsets:
        raise ParameterError("growth", "offsets", f"'{reference_scope}' is the reference scope; its offset is 0 "
                                                  "by definition")
    if reference_scope not in set(points["scope"]):
        raise Refused(f"{prov}: no exact figure on the reference scope '{reference_scope}' "
                      f"({_scope_table(frame)}).")
    for s in offsets:
        if s not in set(frame["scope"]):
            warns.append(f"An offset was assumed for scope {s}, which has no online-rate figure for {prov}: ignored.")
    offsets = {s: float(v) for s, v in offsets.items() if s in set(frame["scope"])}
    mixed = points["scope"].nunique() > 1
    estimated = [s for s in dict.fromkeys(points["scope"]) if s != reference_scope and s not in offsets]
    scope_mode = ("single_scope" if not mixed else
                  "estimated_offsets" if estimated and not offsets else
                  "assumed_offsets" if not estimated else "mixed_offsets")
    columns = ["intercept", "slope_per_year"] + [f"scope[{s}]" for s in estimated]
    X = np.column_stack([np.ones(len(points)), points["t"].to_numpy(float)]
                        + [(points["scope"] == s).to_numpy(float) for s in estimated])
    off = points["scope"].map(lambda s: offsets.get(s, 0.0)).to_numpy(float)
    rank = int(np.linalg.matrix_rank(X))
    df_resid = len(points) - rank
    if rank < X.shape[1]:
        what = ("growth over time cannot be separated from the difference between scopes"
                if estimated else "the slope is not identified (the exact figures do not span two dates)")
        raise Refused(
            f"{prov}: cannot fit one growth curve to these figures ({_scope_table(frame)}): the design "
            f"[{', '.join(columns)}] has rank {rank} < {X.shape[1]} columns, so {what}. "
            + _alternatives(data, None if scope else reference_scope))
    if estimated and df_resid < 1:
        raise Refused(
            f"{prov}: the scope offsets ({', '.join(estimated)}) would be estimated with no residual "
            f"degrees of freedom ({len(points)} figures, {rank} parameters): each such offset would just "
            "absorb its figure, and nothing would check it. " + _alternatives(data, reference_scope))
    has_counts = points["denominator"].notna().all()
    family = "binomial" if has_counts else "fractional_logit"
    if not has_counts and points["denominator"].notna().any():
        warns.append("Some fitted figures give counts and some only a rate: all are fitted as rates "
                     "(fractional logit, unweighted); the counts are not used as weights.")
    w = points["denominator"].astype(float).to_numpy() if has_counts else None
    # Scale: see the module docstring for the decision.
    if scale == "binomial" and not has_counts:
        raise Refused(f"{prov}: a binomial scale (fixed at 1) needs counts for every fitted figure; "
                      "some give only a rate.")
    if scale == "pearson" and df_resid < 1:
        raise Refused(f"{prov}: no residual degrees of freedom ({len(points)} figures, {rank} parameters): "
                      "the scale (extra-binomial variation) cannot be estimated. " + _alternatives(data, reference_scope))
    if scale == "auto" and df_resid < 1 and not has_counts:
        raise Refused(f"{prov}: a fractional-logit fit through {len(points)} rate(s) without counts with no "
                      "residual degrees of freedom has no variance at all; intervals would be fiction. "
                      "Counts (numerator and denominator) or more figures are needed.")
    if scale == "binomial" or (scale == "auto" and df_resid < 1):
        fit_scale, use_t = 1.0, False
        scale_method = "fixed at 1 (binomial sampling only)"
        if df_resid < 1:
            warns.append(
                f"df_resid = 0: the curve passes exactly through the {len(points)} fitted figures, so there is no "
                "scale estimate. The scale is fixed at 1 (binomial sampling only): with "
                f"{int(w.min()):,} to {int(w.max()):,} dossiers per figure the intervals are narrow and ignore "
                "extra-binomial variation (differences between "
                "reports, periods and definitions), which here is certainly far larger. Read them as a lower limit "
                "on the uncertainty, not as the uncertainty; no prediction interval is given.")
        else:
            warns.append("Scale fixed at 1 by request (binomial sampling only): intervals ignore extra-binomial variation.")
    else:
        fit_scale, use_t = "X2", True
        scale_method = "pearson chi2 / df_resid (quasi-binomial)"
        if df_resid < 5:
            warns.append(f"Only {df_resid} residual degree(s) of freedom: the scale estimate is very uncertain "
                         "(intervals use Student t with that many degrees of freedom).")
        if family == "fractional_logit":
            warns.append("Fractional logit: robust (HC1) standard errors are not credible with a handful of "
                         "figures, so the Pearson scale is used instead; it assumes the variance is phi*p*(1-p).")
    model = sm.GLM(points["share"].to_numpy(float), X, family=sm.families.Binomial(),
                   var_weights=w, offset=off)
    with _warnings.catch_warnings():
        # An exactly identified fit "predicts perfectly" by construction; that is not separation.
        _warnings.simplefilter("ignore", PerfectSeparationWarning)
        if df_resid < 1:  # IRLS divides by df_resid = 0 at each step; the scale is fixed anyway
            _warnings.simplefilter("ignore", RuntimeWarning)
        res = model.fit(scale=fit_scale, use_t=use_t)
    if not res.converged:
        raise Refused(f"{prov}: the GLM did not converge (shares of 0% or 100%?); no estimate is given.")
    params = pd.Series(np.asarray(res.params), index=columns)
    cov = pd.DataFrame(np.asarray(res.cov_params()), index=columns, columns=columns)
    rng = np.random.default_rng(seed)
    if n_boot > 0:
        if use_t:
            draws = stats.multivariate_t(loc=params.values, shape=cov.values, df=df_resid).rvs(
                size=n_boot, random_state=rng)
            draws = np.atleast_2d(draws)
        else:
            draws = rng.multivariate_normal(params.values, cov.values, size=n_boot)
    else:
        draws = np.empty((0, len(columns)))
    if mixed:
        warns.append(f"The fit mixes {points['scope'].nunique()} scopes; the curve is that of {reference_scope}.")
    for s, d in offsets.items():
        assumptions.append(f"Assumed: {s} figures sit {d:+g} logit from {reference_scope} figures at the same date "
                           "(set by the user, not estimated).")
        if s in set(points["scope"]):
            warns.append(f"The assumed offset for {s} ({d:+g} logit), not the data, decides how its figures "
                         "enter the slope: compare the sensitivity grid over offsets.")
    if estimated:
        assumptions.append(f"Scope offsets for {', '.join(estimated)} are estimated from the data.")
    assumptions.append(f"The share rises along a logistic curve in time (logit-linear), one curve for {reference_scope}.")
    fitted = GrowthFit(data, family, reference_scope, scope_mode, offsets, estimated, params, cov,
                       float(df_resid), float(res.scale), scale_method, use_t, points, bounds,
                       pd.DataFrame(excluded, columns=["obs_id", "reason"]), draws, res, warns, assumptions,
                       level)
    for _, b in fitted.bound_checks().iterrows():
        if b["status"] == "inconsistent":
            side = "below" if b["bound"] == "lower" else "above"
            fitted.warnings.append(
                f"{b['obs_id']} ({b['bound']} bound {b['value_pct']:g}%, {b['scope']}) is inconsistent with the "
                f"fitted curve: at {b['date']:%d/%m/%Y} the curve's {100 * level:g}% band "
                f"({b['low_pct']:.1f}–{b['high_pct']:.1f}%) lies {side} the bound.")
        elif b["status"].startswith("not checked"):
            fitted.warnings.append(f"{b['obs_id']}: bound {b['status']}.")
    return fitted


# ----------------------------------------------------------------------------- sensitivity


@dataclass
class GridCell:
    """One assumption of a sensitivity grid: ``offsets`` assumed, its ``label``, and either a
    ``fit`` or the ``refusal`` message."""

    offsets: dict[str, float]
    label: str
    fit: GrowthFit | None
    refusal: str | None = None


def grid_scopes(data: GrowthData, reference_scope: str | None = None) -> tuple[str, list[str]]:
    """Return (reference scope, scopes with exact figures other than the reference)."""
    pts = data.frame[data.frame["bound"].isin(_POINT_BOUNDS)]
    if pts.empty:
        raise Refused(f"{data.province}: no exact online-rate figure to fit ({_scope_table(data.frame)}).")
    ref = reference_scope or str(pts.sort_values("t")["scope"].iloc[-1])
    return ref, [s for s in dict.fromkeys(pts["scope"]) if s != ref]


def sensitivity_grid(data: GrowthData, grid=DEFAULT_OFFSET_GRID, *, reference_scope: str | None = None,
                     fixed_offsets: dict[str, float] | None = None, **fit_kwargs) -> list[GridCell]:
    """Return one :class:`GridCell` per combination of assumed offsets.

    ``grid`` is a list of logits applied to every scope with exact figures other than the
    reference (the cross product when there are several), or a dict scope -> list.
    ``fixed_offsets`` (e.g. for scopes with bounds only) are added to every cell. A cell the
    data cannot fit carries its refusal message instead of a fit. Raises Refused when there is
    no exact figure at all.
    """
    ref, others = grid_scopes(data, reference_scope)
    if isinstance(grid, dict):
        spec = {s: [float(v) for v in vals] for s, vals in grid.items()}
    else:
        spec = {s: [float(v) for v in grid] for s in others}
    fixed = {k: v for k, v in (fixed_offsets or {}).items() if k not in spec}
    cells = []
    combos = itertools.product(*spec.values()) if spec else [()]
    for combo in combos:
        offs = {**fixed, **dict(zip(spec, combo))}
        label = (f"vs {ref}: " + ", ".join(f"{s} {d:+g} logit" for s, d in offs.items())) if offs else f"{ref} only"
        try:
            fit = fit_growth(data, offsets=offs, reference_scope=ref, **fit_kwargs)
            cells.append(GridCell(offs, label, fit))
        except Refused as exc:
            cells.append(GridCell(offs, label, None, str(exc)))
    return cells


# ----------------------------------------------------------------------------- reporting


def projection_dates(fit: GrowthFit, horizon) -> list[pd.Timestamp]:
    """Return quarter ends from the earliest fitted figure to ``horizon``, plus ``horizon``."""
    start = fit.points["date"].min()
    horizon = pd.Timestamp(horizon)
    dates = list(pd.date_range(start, horizon, freq="QE"))
    if not dates or dates[-1] != horizon:
        dates.append(horizon)
    return dates


def summarise(fit: GrowthFit, *, target_pct: float = NATIONAL_TARGET_PCT, horizon=DEFAULT_HORIZON) -> dict:
    """Return the JSON-ready summary of ``fit`` (the ``analysis growth --json`` contract):
    province, observations_used, model, coefficients, projection, time_to_target (or None)
    with time_to_target_reason, bounds, excluded, assumptions, warnings."""
    horizon = pd.Timestamp(horizon)
    last = fit.points["date"].max()
    warns = list(fit.warnings)
    proj = fit.project(projection_dates(fit, horizon))
    ttt = fit.time_to_target(target_pct)
    if ttt.date is not None:
        years_out = (ttt.date - last).days / DAYS_PER_YEAR
        if years_out > 2:
            warns.append(f"Extrapolation: the target date is {years_out:.1f} years after the latest fitted figure.")
        if ttt.high is None:
            warns.append(f"In {100 * ttt.share_never:.1f}% of bootstrap draws the slope is not positive, so the upper "
                         "limit of the time to target is unbounded (high = null).")
    interval = (f"{100 * fit.level:g}% confidence interval for the mean share of the {fit.reference_scope} scope "
                "(parametric bootstrap percentiles; delta_* = delta method cross-check); not a prediction interval "
                "for a future reported figure")
    num = lambda v: None if pd.isna(v) else round(float(v), 3)  # noqa: E731
    return {
        "province": fit.province,
        "indicator": ONLINE_RATE,
        "target_pct": float(target_pct),
        "observations_used": list(fit.points["obs_id"]),
        "model": {
            "family": ("binomial GLM, logit link, counts as var_weights" if fit.family == "binomial"
                       else "fractional logit (binomial quasi-likelihood on shares, unweighted), logit link"),
            "formula": "logit(share) = intercept + slope_per_year * years_since_origin"
                       + "".join(f" + scope[{s}]" for s in fit.estimated_scopes)
                       + (" + assumed offset" if fit.assumed_offsets else ""),
            "time_origin": fit.origin.date().isoformat(),
            "scope_mode": fit.scope_mode,
            "reference_scope": fit.reference_scope,
            "assumed_offsets": fit.assumed_offsets,
            "estimated_offsets": fit.estimated_scopes,
            "label": fit.label,
            "n_points": int(len(fit.points)),
            "df_resid": fit.df_resid,
            "scale": {"value": fit.scale, "method": fit.scale_method},
            "bounds_handling": "excluded from the point fit; checked afterwards against the fitted curve of their scope",
            "as_of_placement": fit.data.as_of_placement,
            "n_boot": int(len(fit.draws)),
            "interval": interval,
            "prediction_interval": (
                f"pred_*: approximate {100 * fit.level:g}% prediction interval for one future reported figure with "
                f"{fit.prediction_n():,.0f} dossiers (quasi-binomial variance, scale estimated)"
                if fit.scale_method.startswith("pearson") else
                "not given (pred_* null): no estimate of extra-binomial variation"),
        },
        "coefficients": fit.coefficients(),
        "observations": [
            {"obs_id": r["obs_id"], "scope": r["scope"], "bound": r["bound"], "value_pct": r["value_pct"],
             "date_placed": r["date"].date().isoformat(), "placement": r["placement"],
             "denominator": None if pd.isna(r["denominator"]) else int(r["denominator"]),
             "role": ("point fit" if r["obs_id"] in set(fit.points["obs_id"]) else
                      "bound check" if r["obs_id"] in set(fit.bounds["obs_id"]) else "excluded")}
            for _, r in fit.data.frame.iterrows()],
        "projection": [
            {"date": r["date"].date().isoformat(), "mean_pct": num(r["mean_pct"]), "low_pct": num(r["low_pct"]),
             "high_pct": num(r["high_pct"]), "delta_low_pct": num(r["delta_low_pct"]),
             "delta_high_pct": num(r["delta_high_pct"]), "pred_low_pct": num(r["pred_low_pct"]),
             "pred_high_pct": num(r["pred_high_pct"])}
            for _, r in proj.iterrows()],
        "time_to_target": ttt.to_dict(),
        "time_to_target_reason": ttt.reason,
        "bounds": [
            {"obs_id": b["obs_id"], "scope": b["scope"], "bound": b["bound"], "value_pct": b["value_pct"],
             "date": b["date"].date().isoformat(), "fitted_pct": num(b["fitted_pct"]),
             "low_pct": num(b["low_pct"]), "high_pct": num(b["high_pct"]), "status": b["status"]}
            for _, b in fit.bound_checks().iterrows()],
        "excluded": fit.excluded.to_dict("records"),
        "assumptions": list(fit.assumptions),
        "warnings": warns,
    }


def simulate_rows(b0: float, b1: float, dates, *, n: int | None = 1000, extra_sd: float = 0.0,
                  scope: str = "province_wide", scope_offset: float = 0.0, seed=0,
                  origin=None, prefix: str = "SIM") -> pd.DataFrame:
    """Return SIMULATED observation rows (columns of observations.csv) of an online rate with
    ``logit(share) = b0 + b1 * years_since_origin + scope_offset + N(0, extra_sd)``.

    ``dates`` are period ends of monthly interval figures (each from the 1st of its month), so
    they are placed at mid-month; ``origin`` defaults to 1 January of the first date's year,
    which is what :func:`prepare_frame` uses. With ``n`` the counts are binomial draws and
    numerator/denominator are given; with ``n=None`` only the true share is reported (a rate
    without counts). ``seed`` may be a numpy Generator.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    rows = []
    dates = [pd.Timestamp(d) for d in dates]
    origin = pd.Timestamp(origin) if origin is not None else pd.Timestamp(min(dates).year, 1, 1)
    for i, end in enumerate(dates):
        start = end.replace(day=1)
        mid = (start + (end - start) / 2).normalize()
        eta = b0 + b1 * _years(mid, origin) + scope_offset + (rng.normal(0, extra_sd) if extra_sd else 0.0)
        p = float(expit(eta))
        if n:
            k = int(rng.binomial(n, p))
            num, den, value = k, n, round(100 * k / n, 6)
        else:
            num, den, value = pd.NA, pd.NA, round(100 * p, 6)
        rows.append({"obs_id": f"{prefix}{i:03d}", "province": "SIMULATED", "scope": scope, "subunit": "",
                     "indicator": ONLINE_RATE, "period_type": "interval", "period_start": start,
                     "period_end": end, "value": value, "unit": "percent", "bound": "exact",
                     "numerator": num, "denominator": den, "source_id": "SIMULATED",
                     "quote": "SIMULATED", "note": "SIMULATED"})
    out = pd.DataFrame(rows)
    out["numerator"] = out["numerator"].astype("Int64")
    out["denominator"] = out["denominator"].astype("Int64")
    return out


def parse_offsets(items) -> dict[str, float]:
    """Return {scope: logit} from ``["SCOPE=LOGIT", ...]`` (``SCOPE:LOGIT`` also accepted, so a
    notebook's parameters cell can avoid a second '=' on the line, which papermill cannot parse).

    Raises ParameterError for a malformed item, an unknown scope, a repeated scope or a value
    that is not a number (decimal comma accepted).
    """
    out: dict[str, float] = {}
    for item in items or []:
        sep = "=" if isinstance(item, str) and "=" in item else ":"
        if not isinstance(item, str) or sep not in item:
            raise ParameterError("growth", "offset", f"{item!r} is not SCOPE=LOGIT (e.g. provincial_centre=-0.5)")
        s, v = (x.strip() for x in item.split(sep, 1))
        if s not in SCOPES:
            raise ParameterError("growth", "offset", f"{s!r} is not a scope; known scopes: {', '.join(SCOPES)}")
        if s in out:
            raise ParameterError("growth", "offset", f"scope {s!r} is given twice")
        try:
            val = float(v.replace(",", ".")) if v.count(",") <= 1 and "." not in v else float(v)
        except ValueError:
            raise ParameterError("growth", "offset", f"{v!r} is not a number of logits") from None
        if not np.isfinite(val):
            raise ParameterError("growth", "offset", f"{v!r} is not a finite number")
        out[s] = val
    return out
