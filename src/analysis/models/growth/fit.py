"""Fitting the growth curve: which figures enter, whether the data identify the design,
which scale, and the bootstrap draws. Every refusal names what would work instead."""

from __future__ import annotations

import warnings as _warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from analysis.data.observations import format_value
from analysis.data.schema import SCOPES
from analysis.errors import ParameterError, Refused
from analysis.models.growth.inputs import _POINT_BOUNDS, DEFAULT_N_BOOT, LEVEL, SCALE_MODES, GrowthData
from analysis.models.growth.result import GrowthFit


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


def _check_arguments(scope, offsets: dict, reference_scope, scale: str) -> None:
    """Raise ParameterError for an unknown scale mode or scope, or contradictory arguments."""
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


@dataclass
class _Selection:
    """The figures that enter the fit, those checked afterwards, and why the rest are out."""

    frame: pd.DataFrame
    points: pd.DataFrame
    bounds: pd.DataFrame
    excluded: list[dict]
    reference_scope: str
    offsets: dict[str, float]


def _select(data: GrowthData, scope, offsets: dict, reference_scope, warns: list[str]) -> _Selection:
    """Return the :class:`_Selection` for the request; raises Refused when no exact figure is
    left or the reference scope has none, ParameterError for an offset on the reference."""
    frame, excluded, prov = data.frame.copy(), [], data.province
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
    return _Selection(frame, points, bounds, excluded, reference_scope, offsets)


def _design(data: GrowthData, sel: _Selection, scope) -> tuple[list[str], np.ndarray, np.ndarray, int, list[str]]:
    """Return (columns, X, offset, df_resid, estimated scopes); raises Refused when the design
    is rank-deficient or would estimate scope offsets with no residual degrees of freedom."""
    points, prov = sel.points, data.province
    estimated = [s for s in dict.fromkeys(points["scope"]) if s != sel.reference_scope and s not in sel.offsets]
    columns = ["intercept", "slope_per_year"] + [f"scope[{s}]" for s in estimated]
    X = np.column_stack([np.ones(len(points)), points["t"].to_numpy(float)]
                        + [(points["scope"] == s).to_numpy(float) for s in estimated])
    off = points["scope"].map(lambda s: sel.offsets.get(s, 0.0)).to_numpy(float)
    rank = int(np.linalg.matrix_rank(X))
    df_resid = len(points) - rank
    if rank < X.shape[1]:
        what = ("growth over time cannot be separated from the difference between scopes"
                if estimated else "the slope is not identified (the exact figures do not span two dates)")
        raise Refused(
            f"{prov}: cannot fit one growth curve to these figures ({_scope_table(sel.frame)}): the design "
            f"[{', '.join(columns)}] has rank {rank} < {X.shape[1]} columns, so {what}. "
            + _alternatives(data, None if scope else sel.reference_scope))
    if estimated and df_resid < 1:
        raise Refused(
            f"{prov}: the scope offsets ({', '.join(estimated)}) would be estimated with no residual "
            f"degrees of freedom ({len(points)} figures, {rank} parameters): each such offset would just "
            "absorb its figure, and nothing would check it. " + _alternatives(data, sel.reference_scope))
    return columns, X, off, df_resid, estimated


def _scale(data: GrowthData, sel: _Selection, scale: str, df_resid: int, family: str, w,
           warns: list[str]) -> tuple[object, bool, str]:
    """Return (statsmodels scale argument, use_t, description) per the package docstring's
    rule; raises Refused when the requested or implied scale cannot be had."""
    prov, n_pts, has_counts = data.province, len(sel.points), family == "binomial"
    if scale == "binomial" and not has_counts:
        raise Refused(f"{prov}: a binomial scale (fixed at 1) needs counts for every fitted figure; "
                      "some give only a rate.")
    if scale == "pearson" and df_resid < 1:
        raise Refused(f"{prov}: no residual degrees of freedom ({n_pts} figures, {n_pts - df_resid} parameters): "
                      "the scale (extra-binomial variation) cannot be estimated. "
                      + _alternatives(data, sel.reference_scope))
    if scale == "auto" and df_resid < 1 and not has_counts:
        raise Refused(f"{prov}: a fractional-logit fit through {n_pts} rate(s) without counts with no "
                      "residual degrees of freedom has no variance at all; intervals would be fiction. "
                      "Counts (numerator and denominator) or more figures are needed.")
    if scale == "binomial" or (scale == "auto" and df_resid < 1):
        if df_resid < 1:
            warns.append(
                f"df_resid = 0: the curve passes exactly through the {n_pts} fitted figures, so there is no "
                "scale estimate. The scale is fixed at 1 (binomial sampling only): with "
                f"{int(w.min()):,} to {int(w.max()):,} dossiers per figure the intervals are narrow and ignore "
                "extra-binomial variation (differences between "
                "reports, periods and definitions), which here is certainly far larger. Read them as a lower limit "
                "on the uncertainty, not as the uncertainty; no prediction interval is given.")
        else:
            warns.append("Scale fixed at 1 by request (binomial sampling only): intervals ignore extra-binomial variation.")
        return 1.0, False, "fixed at 1 (binomial sampling only)"
    if df_resid < 5:
        warns.append(f"Only {df_resid} residual degree(s) of freedom: the scale estimate is very uncertain "
                     "(intervals use Student t with that many degrees of freedom).")
    if family == "fractional_logit":
        warns.append("Fractional logit: robust (HC1) standard errors are not credible with a handful of "
                     "figures, so the Pearson scale is used instead; it assumes the variance is phi*p*(1-p).")
    return "X2", True, "pearson chi2 / df_resid (quasi-binomial)"


def _draws(params: pd.Series, cov: pd.DataFrame, use_t: bool, df_resid: int, n_boot: int, seed: int) -> np.ndarray:
    """Return ``n_boot`` parameter draws: multivariate t with df_resid when the scale is
    estimated, normal otherwise (an empty array for ``n_boot`` 0)."""
    rng = np.random.default_rng(seed)
    if n_boot <= 0:
        return np.empty((0, len(params)))
    if use_t:
        draws = stats.multivariate_t(loc=params.values, shape=cov.values, df=df_resid).rvs(
            size=n_boot, random_state=rng)
        return np.atleast_2d(draws)
    return rng.multivariate_normal(params.values, cov.values, size=n_boot)


def _record_assumptions(sel: _Selection, estimated: list[str], warns: list[str], assumptions: list[str]) -> None:
    """Append what the fit assumed (offsets set by the user, estimated offsets, the curve's form)."""
    points, ref = sel.points, sel.reference_scope
    if points["scope"].nunique() > 1:
        warns.append(f"The fit mixes {points['scope'].nunique()} scopes; the curve is that of {ref}.")
    for s, d in sel.offsets.items():
        assumptions.append(f"Assumed: {s} figures sit {d:+g} logit from {ref} figures at the same date "
                           "(set by the user, not estimated).")
        if s in set(points["scope"]):
            warns.append(f"The assumed offset for {s} ({d:+g} logit), not the data, decides how its figures "
                         "enter the slope: compare the sensitivity grid over offsets.")
    if estimated:
        assumptions.append(f"Scope offsets for {', '.join(estimated)} are estimated from the data.")
    assumptions.append(f"The share rises along a logistic curve in time (logit-linear), one curve for {ref}.")


def _bound_warnings(fitted: GrowthFit, level: float) -> None:
    """Append a warning for every bound figure the fitted curve contradicts or cannot check."""
    for _, b in fitted.bound_checks().iterrows():
        if b["status"] == "inconsistent":
            side = "below" if b["bound"] == "lower" else "above"
            fitted.warnings.append(
                f"{b['obs_id']} ({b['bound']} bound {b['value_pct']:g}%, {b['scope']}) is inconsistent with the "
                f"fitted curve: at {b['date']:%d/%m/%Y} the curve's {100 * level:g}% band "
                f"({b['low_pct']:.1f}–{b['high_pct']:.1f}%) lies {side} the bound.")
        elif b["status"].startswith("not checked"):
            fitted.warnings.append(f"{b['obs_id']}: bound {b['status']}.")


def fit_growth(data: GrowthData, *, scope: str | None = None, offsets: dict[str, float] | None = None,
               reference_scope: str | None = None, scale: str = "auto", n_boot: int = DEFAULT_N_BOOT,
               seed: int = 0, level: float = LEVEL) -> GrowthFit:
    """Return the fitted growth curve of ``data`` (see the package docstring).

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
    _check_arguments(scope, offsets, reference_scope, scale)
    warns, assumptions = list(data.warnings), list(data.assumptions)
    sel = _select(data, scope, offsets, reference_scope, warns)
    columns, X, off, df_resid, estimated = _design(data, sel, scope)
    points = sel.points
    mixed = points["scope"].nunique() > 1
    scope_mode = ("single_scope" if not mixed else
                  "estimated_offsets" if estimated and not sel.offsets else
                  "assumed_offsets" if not estimated else "mixed_offsets")
    has_counts = points["denominator"].notna().all()
    family = "binomial" if has_counts else "fractional_logit"
    if not has_counts and points["denominator"].notna().any():
        warns.append("Some fitted figures give counts and some only a rate: all are fitted as rates "
                     "(fractional logit, unweighted); the counts are not used as weights.")
    w = points["denominator"].astype(float).to_numpy() if has_counts else None
    fit_scale, use_t, scale_method = _scale(data, sel, scale, df_resid, family, w, warns)
    model = sm.GLM(points["share"].to_numpy(float), X, family=sm.families.Binomial(), var_weights=w, offset=off)
    with _warnings.catch_warnings():
        # An exactly identified fit "predicts perfectly" by construction; that is not separation.
        _warnings.simplefilter("ignore", PerfectSeparationWarning)
        if df_resid < 1:  # IRLS divides by df_resid = 0 at each step; the scale is fixed anyway
            _warnings.simplefilter("ignore", RuntimeWarning)
        res = model.fit(scale=fit_scale, use_t=use_t)
    if not res.converged:
        raise Refused(f"{data.province}: the GLM did not converge (shares of 0% or 100%?); no estimate is given.")
    params = pd.Series(np.asarray(res.params), index=columns)
    cov = pd.DataFrame(np.asarray(res.cov_params()), index=columns, columns=columns)
    draws = _draws(params, cov, use_t, df_resid, n_boot, seed)
    _record_assumptions(sel, estimated, warns, assumptions)
    fitted = GrowthFit(data, family, sel.reference_scope, scope_mode, sel.offsets, estimated, params, cov,
                       float(df_resid), float(res.scale), scale_method, use_t, points, sel.bounds,
                       pd.DataFrame(sel.excluded, columns=["obs_id", "reason"]), draws, res, warns, assumptions,
                       level)
    _bound_warnings(fitted, level)
    return fitted
