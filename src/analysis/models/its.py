"""Province-level interrupted time series with a simulation-calibrated test (secondary design).

The province's monthly online share (all procedures together) is modelled on the logit
scale by segmented regression::

    logit s_t = a + b t + c post_t + d (t - t0) post_t + e_t

where ``c`` is the level change at the first post-period month and ``d`` the change of
slope. Short series with autocorrelated errors make the textbook OLS test over-reject
badly (METHODS.md: 72% rejections of a true null at the nominal 5% level), so the
critical value of the t-statistic of ``c`` is calibrated by simulation: errors are drawn
as a stationary AR(1) with the residual standard deviation and the (small-sample bias
corrected) lag-1 autocorrelation of this series, the same regression is run on each
simulated series, and the 95th percentile of |t| replaces 1.96. The report gives both
the calibrated critical value and the actual size of the textbook test under the
simulated null, so a reader sees how much the naive test would mislead.

The effect is a change in the province-wide share (all procedures), not in the
discounted procedures' share: a discount on a few procedures moves it by their share of
dossiers times their uplift (see :mod:`analysis.models.scenarios`). Anything else that changed
at the same time, notably Circular 63/2023/TT-BTC three weeks after Nghệ An's discount,
is in the estimate too: the ITS cannot separate them, which is why it is secondary.

Placebo dates in the pre-period (the same analysis with a fake break, pre-period months
only) are reported as a check: their estimates show how large an "effect" the series
makes by itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from analysis import i18n
from analysis.errors import Refused
from analysis.i18n import _
from analysis.data.panel import check_months, policy_months, select_province

#: Fewest months before the policy: with fewer, the pre-trend and the autocorrelation
#: cannot both be estimated.
MIN_MONTHS_PRE = 6
#: Fewest months after the policy (level and slope change need at least 3 points).
MIN_MONTHS_POST = 3
#: Months each side of a placebo break, inside the pre-period.
PLACEBO_MIN_SIDE = 4
#: Largest autocorrelation used in calibration (near 1 the series is a random walk and a
#: trend regression cannot calibrate anything).
RHO_MAX = 0.95


def province_series(panel: pd.DataFrame, province: str | None = None) -> tuple[str, pd.DataFrame]:
    """Return (province, monthly frame) with month, online, total and share summed over procedures.

    Raises Refused when a month has no dossiers at all or a share of 0% or 100%, or
    procedures enter or leave the panel part-way (the province total would change
    composition, not behaviour).
    """
    province, rows = select_province(panel, province)
    span = rows.groupby("procedure")["month"].agg(["min", "max"])
    if span["min"].nunique() > 1 or span["max"].nunique() > 1:
        raise Refused(f"procedures in the {province} panel cover different months; a province-wide "
                      "series would mix a change of composition with a change of behaviour. Give every "
                      "procedure the same months (rows with total 0 where there were none)")
    g = rows.groupby("month", sort=True)[["online", "total"]].sum().reset_index()
    if (g["total"] == 0).any():
        bad = ", ".join(str(m) for m in g.loc[g["total"] == 0, "month"])
        raise Refused(f"no dossiers at all in {bad}: the province share is undefined there")
    g["share"] = g["online"] / g["total"]
    edge = g[(g["online"] == 0) | (g["online"] == g["total"])]
    if not edge.empty:
        bad = ", ".join(f"{m} ({100 * s_:.0f}%)" for m, s_ in zip(edge["month"], edge["share"]))
        raise Refused(f"the province-wide online share of {province} is 0% or 100% in {bad}: its logit is "
                      "infinite, so the segmented regression on the logit share cannot use that month")
    return province, g


def segmented_design(n_pre: int, n_post: int, gap: int = 0) -> np.ndarray:
    """Return the (n_pre + n_post, 4) design: intercept, time, post, time since policy x post.

    Time is in calendar months, centred on the first post-period month (t0 = 0), so the
    intercept and the level change are read at that month. ``gap`` months left out
    between the last pre-period month and the first post-period month (the transition
    month of a policy starting after the 1st) keep their place on the time axis: without
    them the pre-period trend would be extrapolated one month short and the level change
    would absorb a month of trend.
    """
    t = np.concatenate([np.arange(n_pre, dtype=float) - n_pre - gap, np.arange(n_post, dtype=float)])
    post = (t >= 0).astype(float)
    return np.column_stack([np.ones_like(t), t, post, t * post])


def ols_t(Y: np.ndarray, X: np.ndarray, col: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (coefficient, naive OLS standard error, residuals) of column ``col`` for each row of ``Y``.

    ``Y`` is (n_series, T): vectorized over series, one projection for all.
    """
    XtX_inv = np.linalg.inv(X.T @ X)
    B = Y @ (X @ XtX_inv)  # (S, k)
    R = Y - B @ X.T
    df = X.shape[0] - X.shape[1]
    s2 = (R ** 2).sum(axis=1) / df
    se = np.sqrt(s2 * XtX_inv[col, col])
    return B[:, col], se, R


def lag1(R: np.ndarray) -> np.ndarray:
    """Return the lag-1 autocorrelation of each row of ``R`` (residuals, mean ~0)."""
    num = (R[:, 1:] * R[:, :-1]).sum(axis=1)
    den = (R ** 2).sum(axis=1)
    return num / np.where(den > 0, den, 1)


def ar1_errors(rng: np.random.Generator, n_sims: int, T: int, rho: float, sd: float = 1.0) -> np.ndarray:
    """Return (n_sims, T) stationary AR(1) series with marginal sd ``sd``."""
    e = rng.standard_normal((n_sims, T))
    out = np.empty_like(e)
    out[:, 0] = e[:, 0]
    k = np.sqrt(1 - rho ** 2)
    for t in range(1, T):
        out[:, t] = rho * out[:, t - 1] + k * e[:, t]
    return sd * out


def null_distribution(X: np.ndarray, rng: np.random.Generator, n_sims: int,
                      col: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (rho grid, lag-1 residual correlations, |t| of column ``col``) under the null.

    For each autocorrelation on a grid from 0 to RHO_MAX, ``n_sims`` AR(1) error series
    are run through the design ``X``; both arrays are (len(grid), n_sims). The |t| does
    not depend on the errors' scale or on the trend, so these are all the null needs.
    """
    grid = np.linspace(0.0, RHO_MAX, 20)
    # errors run over every calendar month of the design, left-out months included
    t = X[:, 1].astype(int)
    pos = t - t.min()
    rhos, ts = [], []
    for r in grid:
        b, se, R = ols_t(ar1_errors(rng, n_sims, int(pos[-1]) + 1, r)[:, pos], X, col)
        rhos.append(lag1(R))
        ts.append(np.abs(b / se))
    return grid, np.array(rhos), np.array(ts)


#: Width of the set of autocorrelations the calibration takes the worst case over. In
#: simulations of 12 + 12 months (300 series each, tests/test_its_stats.py) a 50% set
#: gave sizes of 2%, 4%, 3% and 5% at true autocorrelations 0, 0.3, 0.5 and 0.8; a
#: point estimate gave 2%, -, 11% and 12%; a 90% set 0%, -, 2% and 3% (needlessly wide).
CONF_RHO = 0.50


def rho_sets(rho_raw: np.ndarray, rhos: np.ndarray, conf_rho: float = CONF_RHO) -> np.ndarray:
    """Return a (len(rho_raw), len(grid)) bool array: which grid autocorrelations each
    observed residual correlation does not rule out.

    A grid value is kept when the observed value lies within the central ``conf_rho``
    of the residual correlations simulated at it (``rhos``: grid x draws); when none is,
    the nearest is kept.
    """
    tail = (1 - conf_rho) / 2
    lo_q, hi_q = np.quantile(rhos, tail, axis=1), np.quantile(rhos, 1 - tail, axis=1)
    r = rho_raw[:, None]
    keep = (r >= lo_q[None, :]) & (r <= hi_q[None, :])
    dist = np.minimum(np.abs(r - lo_q[None, :]), np.abs(r - hi_q[None, :]))
    none = ~keep.any(axis=1)
    keep[none, np.argmin(dist[none], axis=1)] = True
    return keep


def set_critical_values(rho_raw: np.ndarray, rhos: np.ndarray, ts: np.ndarray,
                        alpha: float = 0.05, conf_rho: float = CONF_RHO) -> np.ndarray:
    """Return, per observed residual correlation, the calibrated critical value of |t|:
    the largest (1 - alpha) quantile of the null |t| over its set of autocorrelations."""
    crits = np.quantile(ts, 1 - alpha, axis=1)
    keep = rho_sets(rho_raw, rhos, conf_rho)
    return np.where(keep, crits[None, :], -np.inf).max(axis=1)


@dataclass
class ItsResult:
    """The interrupted-time-series estimate; :meth:`to_dict` gives the JSON contract."""

    method: str
    province: str
    effect_pp: float
    ci_low_pp: float
    ci_high_pp: float
    p_value: float
    level_change_logit: float
    slope_change_logit: float
    se_naive_logit: float
    critical_value: float
    critical_value_naive: float
    size_naive_test: float
    size_calibrated_test: float
    rho: float
    rho_raw: float
    rho_set: tuple[float, float]
    residual_sd_logit: float
    n_months_pre: int
    n_months_post: int
    n_sims: int
    effect_scope: str = "province-wide online share, all procedures (percentage points)"
    inference: str = ("OLS segmented regression on the logit share; critical value calibrated by "
                      "simulating AR(1) errors, worst case over the autocorrelations the residuals "
                      "do not rule out")
    placebos: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    series: pd.DataFrame | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        s = d.pop("series")
        if s is not None:
            d["series"] = [{**r, "month": str(r["month"])} for r in s.to_dict(orient="records")]
        return d


def _its_core(y, n_pre, n_post, rng, n_sims, alpha, conf_rho=CONF_RHO, gap=0):
    """Fit and calibrate one series; returns a dict of the pieces.

    The error autocorrelation of a 24-month series is poorly known, and a test calibrated
    at a point estimate of it still over-rejects (about 11% at a true 0.5 in our
    simulations). So the critical value is the largest over every autocorrelation that
    the observed residual correlation does not rule out (a ``conf_rho`` set, from where
    it falls in each simulated distribution; see CONF_RHO), and the p-value the largest
    p-value over that set: a little conservative when the autocorrelation is low, close
    to nominal when it is high.
    """
    X = segmented_design(n_pre, n_post, gap)
    b, se, R = ols_t(y[None, :], X)
    B = y @ (X @ np.linalg.inv(X.T @ X))
    rho_raw = float(lag1(R)[0])
    grid, rhos, ts = null_distribution(X, rng, n_sims)
    in_set = rho_sets(np.array([rho_raw]), rhos, conf_rho)[0]
    crits = np.quantile(ts, 1 - alpha, axis=1)
    t_obs = abs(b[0] / se[0])
    pvals = (np.sum(ts >= t_obs, axis=1) + 1) / (ts.shape[1] + 1)
    mean_rho = np.maximum.accumulate(rhos.mean(axis=1))
    rho_point = float(np.interp(rho_raw, mean_rho, grid)) if rho_raw > mean_rho[0] else 0.0
    from scipy import stats
    naive = stats.t.ppf(1 - alpha / 2, X.shape[0] - X.shape[1])
    k = int(np.argmin(abs(grid - rho_point)))
    return {
        "X": X, "B": B, "c": float(b[0]), "se": float(se[0]), "crit": float(crits[in_set].max()),
        "p": float(pvals[in_set].max()), "naive_size": float(np.mean(ts[k] > naive)),
        "rho": rho_point, "rho_raw": rho_raw, "rho_set": (float(grid[in_set].min()), float(grid[in_set].max())),
        "resid": R[0], "size_at_rho": float(np.mean(ts[k] > crits[in_set].max())),
    }


def fit_its(panel: pd.DataFrame, policy_date, *, province: str | None = None, n_sims: int = 2000,
            seed: int = 12345, alpha: float = 0.05, placebos: bool = True) -> ItsResult:
    """Return the interrupted-time-series estimate for ``province`` in ``panel``.

    The transition month (policy after the 1st) is left out, keeping its place on the
    time axis (the pre-period trend runs on to the first post month). ``effect_pp`` is the level
    change at the first post-period month, in percentage points of the province-wide
    share: the fitted share there minus the fitted share without the level change; the
    interval is the same at the logit estimate -/+ calibrated critical value x naive SE.
    Raises Refused with fewer than MIN_MONTHS_PRE months before or MIN_MONTHS_POST after.
    """
    from scipy import stats
    province, g = province_series(panel, province)
    last_pre, transition, first_post = policy_months(policy_date)
    series = g[g["month"] != transition] if transition is not None else g
    pre = series[series["month"] <= last_pre]
    post = series[series["month"] >= first_post]
    n_pre, n_post = len(pre), len(post)
    check_months("an interrupted time series", MIN_MONTHS_PRE, MIN_MONTHS_POST, policy_date, province,
                 n_pre, n_post, transition,
                 "Even with 12 months each side the test is unreliable without calibration; "
                 "monthly counts for 12 or more months on each side would answer.")
    rng = np.random.default_rng(seed)
    series = pd.concat([pre, post])
    y = logit(series["share"].clip(1e-6, 1 - 1e-6).to_numpy())
    core = _its_core(y, n_pre, n_post, rng, n_sims, alpha, gap=(first_post - last_pre).n - 1)
    X, B, c, se, crit = core["X"], core["B"], core["c"], core["se"], core["crit"]
    a = B[0]  # fitted logit at t0 without the level change (slope change is 0 at t0)
    effect_pp = 100 * float(expit(a + c) - expit(a))
    lo_pp = 100 * float(expit(a + c - crit * se) - expit(a))
    hi_pp = 100 * float(expit(a + c + crit * se) - expit(a))
    fitted = X @ B
    out = series[["month", "online", "total", "share"]].copy()
    out["fitted_share"] = expit(fitted)
    out["counterfactual_share"] = expit(fitted - X[:, 2] * c - X[:, 3] * B[3])
    out["period"] = np.where(X[:, 2] == 1, "post", "pre")
    res = ItsResult(
        method="its", province=province, effect_pp=effect_pp, ci_low_pp=lo_pp, ci_high_pp=hi_pp,
        p_value=core["p"], level_change_logit=c, slope_change_logit=float(B[3]), se_naive_logit=se,
        critical_value=crit, critical_value_naive=float(stats.t.ppf(1 - alpha / 2, len(y) - 4)),
        size_naive_test=core["naive_size"], size_calibrated_test=core["size_at_rho"], rho=core["rho"],
        rho_raw=core["rho_raw"], rho_set=core["rho_set"],
        residual_sd_logit=float(np.sqrt((core["resid"] ** 2).sum() / (len(y) - 4))),
        n_months_pre=n_pre, n_months_post=n_post, n_sims=n_sims, series=out.reset_index(drop=True))
    if res.size_naive_test > 2 * alpha:
        res.warnings.append(_("the textbook OLS test would reject a true null {size} of the time at the "
                              "nominal {level} level here (autocorrelation {rho}); the calibrated critical "
                              "value is {crit} instead of {naive}").format(
            size=i18n.percent(100 * res.size_naive_test, 0), level=i18n.percent(100 * alpha, 0),
            rho=i18n.number(res.rho, 2, trim=False), crit=i18n.number(crit, 2, trim=False),
            naive=i18n.number(res.critical_value_naive, 2, trim=False)))
    res.warnings.append(_("the interrupted time series measures every change at the policy date in the "
                          "province-wide share, not the discount alone"))
    if placebos:
        res.placebos = placebo_dates(pre, rng, n_sims=min(n_sims, 1000), alpha=alpha)
    return res


def placebo_dates(pre: pd.DataFrame, rng: np.random.Generator, *, n_sims: int = 2000,
                  alpha: float = 0.05) -> list[dict]:
    """Return one calibrated ITS per fake break inside the pre-period frame ``pre``.

    Breaks are placed so that each side has at least PLACEBO_MIN_SIDE months; an empty
    list when the pre-period is too short. Each record: placebo month, level change in
    logit units, p-value, and whether the calibrated test rejects.
    """
    y = logit(pre["share"].clip(1e-6, 1 - 1e-6).to_numpy())
    months = list(pre["month"])
    out = []
    for k in range(PLACEBO_MIN_SIDE, len(y) - PLACEBO_MIN_SIDE + 1):
        core = _its_core(y, k, len(y) - k, rng, n_sims, alpha)
        out.append({"placebo_month": str(months[k]), "level_change_logit": core["c"],
                    "p_value": core["p"], "rejects": bool(core["p"] < alpha)})
    return out
