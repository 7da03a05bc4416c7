"""The event study, the pre-trend tests and the placebo date of the difference-in-differences.

See :mod:`analysis.models.did` for the tests' design.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit

from analysis.data.panel import policy_months, select_province
from analysis.models.did_data import MIN_MONTHS_PRE, DidData, _event_columns, _treatment_columns, prepare
from analysis.models.glm import _ame_pp, _cr1, fit_binomial
from analysis.models.wild import score_test, webb_weights


def _event_study(data: DidData, W, alpha):
    """Return (event-study frame, linear pre-trend p-value, joint p-value of all leads, number
    of leads); p-values are None when there are too few pre-period months or clusters."""
    y, n, cl, Xf = data.y, data.n, data.cluster, data.X_fe
    c = data.cells
    ref = int(c.loc[~c["post"], "event"].max())
    E, events, is_lead = _event_columns(data, ref)
    X = np.column_stack([Xf, E])
    fit = fit_binomial(y, n, X)
    k = E.shape[1]
    b = np.asarray(fit.params[-k:])
    eta = fit.eta
    V = _cr1(X, n, y, expit(eta), cl)
    se = np.sqrt(np.diag(V)[-k:])
    G = int(cl.max()) + 1
    crit = stats.t.ppf(1 - alpha / 2, G - 1)
    rows = []
    for i, e in enumerate(events):
        m = (c["event"] == e).to_numpy() & c["discounted"].to_numpy()
        eta_m, n_m = eta[m], n[m]
        base = eta_m - b[i]

        def pp(beta_):
            return 100 * float(np.sum((expit(base + beta_) - expit(base)) * n_m) / np.sum(n_m))

        rows.append({"event_month": int(e), "month": str(c.loc[m, "month"].iloc[0]),
                     "period": "pre" if is_lead[i] else "post",
                     "coef_logit": float(b[i]), "se_logit": float(se[i]),
                     "effect_pp": pp(b[i]), "ci_low_pp": pp(b[i] - crit * se[i]),
                     "ci_high_pp": pp(b[i] + crit * se[i])})
    ref_month = c.loc[c["event"] == ref, "month"].iloc[0]
    rows.append({"event_month": ref, "month": str(ref_month), "period": "reference",
                 "coef_logit": 0.0, "se_logit": 0.0, "effect_pp": 0.0, "ci_low_pp": 0.0, "ci_high_pp": 0.0})
    frame = pd.DataFrame(rows).sort_values("event_month").reset_index(drop=True)
    start = np.concatenate([fit.params[:Xf.shape[1]], b[~is_lead]])
    trend_p, joint_p, n_leads = pretrend_bootstrap(data, W, start=start)
    return frame, trend_p, joint_p, n_leads


def pretrend_bootstrap(data: DidData, W, start=None):
    """Return (linear pre-trend p-value, joint p-value of all leads, number of leads) by the
    wild score bootstrap with weights ``W``; p-values are None when there are too few
    pre-period months or clusters. ``start``: starting values of the joint test's nuisance
    fit (fixed effects, then the lags), e.g. from the event-study fit."""
    y, n, cl, Xf = data.y, data.n, data.cluster, data.X_fe
    c = data.cells
    ref = int(c.loc[~c["post"], "event"].max())
    E, events, is_lead = _event_columns(data, ref)
    G = int(cl.max()) + 1
    n_leads = int(is_lead.sum())
    joint_p = None
    if 0 < n_leads < G - 1:
        Xn = np.column_stack([Xf, E[:, ~is_lead]])
        joint_p = score_test(y, n, Xn, E[:, is_lead], np.zeros(n_leads), cl, W, start=start).p_value
    # A joint test of many leads has little power with few treated clusters (its
    # covariance is estimated from a handful of procedures), so the headline pre-trend
    # test is of one parameter: a linear trend of the discounted procedures, relative to
    # the others, across the pre-period months.
    trend_p = None
    if n_leads >= 1:
        slope = ((c["discounted"] & ~c["post"]).to_numpy(float) * (c["event"].to_numpy(float) - ref))
        d = _treatment_columns(data)
        trend_p = score_test(y, n, np.column_stack([Xf, d]), slope, 0.0, cl, W).p_value
    return trend_p, joint_p, n_leads


def placebo_data(panel: pd.DataFrame, policy_date, province: str | None = None):
    """Return (fake date, prepared pre-period cells split at it), or None when the
    pre-period has fewer than MIN_MONTHS_PRE + 2 months (too short to split).

    Only pre-period months are used (the real policy cannot leak in); the fake date is
    the 1st of the month that splits them in half.
    """
    province, rows = select_province(panel, province)
    last_pre = policy_months(policy_date)[0]
    pre = rows[rows["month"] <= last_pre]
    months = sorted(set(pre["month"]))
    if len(months) < MIN_MONTHS_PRE + 2:
        return None
    fake = months[max(MIN_MONTHS_PRE, len(months) // 2)]
    return fake, prepare(pre, fake.start_time.date(), province)


def placebo(panel: pd.DataFrame, policy_date, *, province: str | None = None, n_boot: int = 999,
            seed: int = 12345) -> dict | None:
    """Return the same test at a fake policy date in the middle of the pre-period (:func:`placebo_data`).

    Returns a dict with placebo_date, effect_pp, beta_logit, p_value and rejects (at 5%),
    or None when the pre-period is too short to split.
    """
    split = placebo_data(panel, policy_date, province)
    if split is None:
        return None
    fake, data = split
    d = _treatment_columns(data)
    X = np.column_stack([data.X_fe, d])
    fit = fit_binomial(data.y, data.n, X)
    W = webb_weights(np.random.default_rng(seed), n_boot, int(data.cluster.max()) + 1)
    p = score_test(data.y, data.n, data.X_fe, d, 0.0, data.cluster, W, start=fit.params[:-1]).p_value
    return {"placebo_date": str(fake.start_time.date()), "effect_pp": _ame_pp(fit.eta, fit.params[-1], d, data.n),
            "beta_logit": float(fit.params[-1]), "p_value": p, "rejects": bool(p < 0.05),
            "n_months_before": data.n_months_pre, "n_months_after": data.n_months_post}
