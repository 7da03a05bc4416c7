"""The JSON-ready summary of a growth fit (the ``analysis growth --json`` contract)."""

from __future__ import annotations

import pandas as pd

from analysis.data.observations import NATIONAL_TARGET_PCT, ONLINE_RATE
from analysis.models.growth.inputs import DAYS_PER_YEAR, DEFAULT_HORIZON
from analysis.models.growth.result import GrowthFit


def projection_dates(fit: GrowthFit, horizon) -> list[pd.Timestamp]:
    """Return quarter ends from the earliest fitted figure to ``horizon``, plus ``horizon``."""
    start = fit.points["date"].min()
    horizon = pd.Timestamp(horizon)
    dates = list(pd.date_range(start, horizon, freq="QE"))
    if not dates or dates[-1] != horizon:
        dates.append(horizon)
    return dates


def _model_block(fit: GrowthFit) -> dict:
    """Return the ``model`` part of the summary: family, formula, scope handling, scale, intervals."""
    interval = (f"{100 * fit.level:g}% confidence interval for the mean share of the {fit.reference_scope} scope "
                "(parametric bootstrap percentiles; delta_* = delta method cross-check); not a prediction interval "
                "for a future reported figure")
    return {
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
    }


def _observation_roles(fit: GrowthFit) -> list[dict]:
    """Return every figure of the province with where it was placed and its role in the fit."""
    return [
        {"obs_id": r["obs_id"], "scope": r["scope"], "bound": r["bound"], "value_pct": r["value_pct"],
         "date_placed": r["date"].date().isoformat(), "placement": r["placement"],
         "denominator": None if pd.isna(r["denominator"]) else int(r["denominator"]),
         "role": ("point fit" if r["obs_id"] in set(fit.points["obs_id"]) else
                  "bound check" if r["obs_id"] in set(fit.bounds["obs_id"]) else "excluded")}
        for _, r in fit.data.frame.iterrows()]


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
    num = lambda v: None if pd.isna(v) else round(float(v), 3)  # noqa: E731
    return {
        "province": fit.province,
        "indicator": ONLINE_RATE,
        "target_pct": float(target_pct),
        "observations_used": list(fit.points["obs_id"]),
        "model": _model_block(fit),
        "coefficients": fit.coefficients(),
        "observations": _observation_roles(fit),
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
