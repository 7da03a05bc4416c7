"""Power before verdicts: the minimum detectable effect (MDE) of each design, by simulation.

Before asking "did the discount work?", ask "could these data have shown it?". The MDE is
the smallest true effect that the design's 5%-level test detects with 80% probability,
given the monthly volumes, the months before and after, the share of dossiers in the
discounted procedures and the month-to-month noise (logit-scale standard deviation of
the deviations from trend, with their lag-1 autocorrelation). The noise can be assumed
(METHODS.md: 0.05 to 0.10 on the logit scale for a province) or estimated from the
pre-period of a panel (:func:`estimate_noise`).

Speed: each power evaluation simulates ``n_sims`` whole panels as one array and analyses
them with fast, vectorized estimators that track the full ones closely:

- **DiD**: two-way fixed-effects OLS on the procedures' empirical logit shares. With a
  balanced panel its coefficient is the difference between the discounted and other
  procedures' mean change in logit share (post minus pre), and its cluster-robust test
  is a Welch t on the per-procedure changes. The full estimator (:mod:`analysis.models.did`) is
  a binomial GLM weighting each cell by its dossiers, with a wild cluster bootstrap; when
  extra-binomial month-to-month noise dominates binomial noise (it does at these
  volumes) the two have similar precision. The critical value is calibrated by
  simulating the same design with no effect, so the test has size 5% by construction;
  tests/test_power_stats.py checks that the full GLM test reaches roughly the target
  power at the fast MDE.
- **ITS**: exactly the test of :mod:`analysis.models.its` (OLS segmented regression on the
  logit share, critical value the worst case over the autocorrelations each series'
  residuals do not rule out), vectorized over series with one null distribution per design.

Effects are found on the logit scale (bisection with common random numbers) and reported
in percentage points at the baseline share: for the DiD, of the discounted procedures'
online share; for the ITS, of the province-wide share.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from analysis.models import its as its_mod
from analysis.errors import Refused
from analysis.models.simulate import PanelDesign, ar1, simulate_arrays

DESIGNS = ("did", "its")

#: Largest autocorrelation :func:`estimate_noise` reports (see :func:`_debiased_rho`).
RHO_CAP = 0.8


@dataclass(frozen=True)
class PowerSpec:
    """The design whose power is computed; defaults follow the seeds' calibration.

    ``noise_sd`` is the marginal sd (logit scale) of the AR(1) deviations from trend: of
    each procedure-month for the DiD, of the province-month for the ITS; ``rho`` their
    lag-1 autocorrelation. ``base_share`` is the online share the effect is added to.
    """

    design: str = "did"
    months_pre: int = 12
    months_post: int = 12
    monthly_total: int = 22_000
    discounted_dossier_share: float = 0.10
    n_procedures: int = 40
    n_discounted: int = 9
    noise_sd: float = 0.10
    rho: float = 0.5
    base_share: float = 0.40
    alpha: float = 0.05
    target_power: float = 0.80
    n_sims: int = 1000
    seed: int = 2023

    def check(self) -> None:
        """Raise Refused when the design cannot be analysed, ValueError for bad values."""
        if self.design not in DESIGNS:
            raise ValueError(f"design must be one of {DESIGNS}, got {self.design!r}")
        from analysis.models import did as did_mod
        mins = {"did": (did_mod.MIN_MONTHS_PRE, did_mod.MIN_MONTHS_POST),
                "its": (its_mod.MIN_MONTHS_PRE, its_mod.MIN_MONTHS_POST)}[self.design]
        if self.months_pre < mins[0] or self.months_post < mins[1]:
            raise Refused(f"the {self.design} design needs at least {mins[0]} months before and {mins[1]} "
                          f"after; asked for {self.months_pre} and {self.months_post}")
        if self.design == "did" and (self.n_discounted < 2 or self.n_procedures - self.n_discounted < 2):
            raise Refused("the did design needs at least 2 discounted and 2 other procedures")
        for name in ("discounted_dossier_share", "base_share", "alpha", "target_power"):
            v = getattr(self, name)
            if not 0 < v < 1:
                raise ValueError(f"{name} must be strictly between 0 and 1, got {v}")
        if self.noise_sd < 0 or not -1 < self.rho < 1 or self.monthly_total < 1 or self.n_sims < 100:
            raise ValueError("noise_sd >= 0, -1 < rho < 1, monthly_total >= 1 and n_sims >= 100 are required")

    def panel_design(self, effect_logit: float = 0.0) -> PanelDesign:
        """Return the simulator design for the DiD (no trend, no national policy: both are
        absorbed by month fixed effects, so they do not change power)."""
        return PanelDesign(
            policy_date=dt.date(2023, 12, 1), months_pre=self.months_pre, months_post=self.months_post,
            n_procedures=self.n_procedures, n_discounted=self.n_discounted,
            monthly_total=self.monthly_total, discounted_dossier_share=self.discounted_dossier_share,
            start_share=self.base_share, end_share=self.base_share, effect_logit=effect_logit,
            noise_sd=self.noise_sd, common_sd=0.0, rho=self.rho, national_date=None,
            national_effect_logit=0.0)


def empirical_logit(online: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Return log((online + 0.5) / (total - online + 0.5)): finite for 0 and total."""
    return np.log((online + 0.5) / (total - online + 0.5))


def did_fast(online: np.ndarray, total: np.ndarray, treated: np.ndarray, n_pre: int):
    """Return (beta, Welch t) of the two-way FE OLS DiD for each panel in (S, J, M) arrays."""
    L = empirical_logit(online, total)
    d = L[:, :, n_pre:].mean(axis=2) - L[:, :, :n_pre].mean(axis=2)  # (S, J)
    dt_, dc = d[:, treated], d[:, ~treated]
    beta = dt_.mean(axis=1) - dc.mean(axis=1)
    se = np.sqrt(dt_.var(axis=1, ddof=1) / dt_.shape[1] + dc.var(axis=1, ddof=1) / dc.shape[1])
    return beta, beta / se


def _simulate_did(spec: PowerSpec, effect_logit: float, rng) -> tuple[np.ndarray, np.ndarray]:
    sim = simulate_arrays(spec.panel_design(), spec.n_sims, rng, effect_logit=effect_logit)
    return did_fast(sim.online, sim.total, sim.treated, spec.months_pre)


def _simulate_its(spec: PowerSpec, effect_logit: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """Return (|t| of the level change, residual lag-1 correlations) for simulated series."""
    T = spec.months_pre + spec.months_post
    X = its_mod.segmented_design(spec.months_pre, spec.months_post)
    eta = logit(spec.base_share) + ar1(rng, (spec.n_sims, T), spec.noise_sd, spec.rho) + effect_logit * X[:, 2]
    total = rng.poisson(spec.monthly_total, size=(spec.n_sims, T))
    online = rng.binomial(total, expit(eta))
    b, se, R = its_mod.ols_t(empirical_logit(online, total), X)
    return np.abs(b / se), its_mod.lag1(R)


class _Tester:
    """Rejection rates of one design's test at any effect, with common random numbers."""

    def __init__(self, spec: PowerSpec):
        spec.check()
        self.spec = spec
        ss = np.random.SeedSequence(spec.seed)
        self.null_seed, self.alt_seed, self.cal_seed = ss.spawn(3)
        if spec.design == "did":
            _, t0 = _simulate_did(spec, 0.0, np.random.default_rng(self.null_seed))
            self.crit = float(np.quantile(np.abs(t0), 1 - spec.alpha))
        else:
            X = its_mod.segmented_design(spec.months_pre, spec.months_post)
            _, self.rhos, self.ts = its_mod.null_distribution(X, np.random.default_rng(self.cal_seed),
                                                              max(spec.n_sims, 500))
            self.crit = float("nan")

    def reject(self, effect_logit: float) -> np.ndarray:
        """Return a bool array: which simulated panels the test rejects at ``effect_logit``."""
        rng = np.random.default_rng(self.alt_seed)
        if self.spec.design == "did":
            _, t = _simulate_did(self.spec, effect_logit, rng)
            return np.abs(t) > self.crit
        t_abs, rho_raw = _simulate_its(self.spec, effect_logit, rng)
        crit = its_mod.set_critical_values(rho_raw, self.rhos, self.ts, self.spec.alpha)
        return t_abs > crit

    def power(self, effect_logit: float) -> float:
        return float(self.reject(effect_logit).mean())


def to_pp(effect_logit: float, base_share: float) -> float:
    """Return the effect in percentage points at ``base_share``: 100 (expit(logit(b) + e) - b)."""
    return 100 * float(expit(logit(base_share) + effect_logit) - base_share)


def to_logit(effect_pp: float, base_share: float) -> float:
    """Return the logit-scale effect that adds ``effect_pp`` percentage points to ``base_share``.

    Raises ValueError when base + effect leaves (0, 100).
    """
    new = base_share + effect_pp / 100
    if not 0 < new < 1:
        raise ValueError(f"{100 * base_share:.1f}% + {effect_pp:.1f} pp is outside 0-100%")
    return float(logit(new) - logit(base_share))


@dataclass
class PowerResult:
    """The MDE of one design; :meth:`to_dict` gives the JSON contract."""

    design: str
    mde_pp: float
    mde_logit: float
    power: float
    alpha: float
    n_sims: int
    size: float
    effect_scope: str
    spec: dict

    def to_dict(self) -> dict:
        return asdict(self)


def mde(spec: PowerSpec, *, max_logit: float = 3.0, tol: float = 0.002) -> PowerResult:
    """Return the minimum detectable effect of ``spec`` (smallest effect with power >= target).

    Bisection on the logit effect with common random numbers; ``power`` is the simulated
    power at the returned MDE and ``size`` the rejection rate with no effect. When even
    ``max_logit`` is not detectable, mde_pp is reported as infinite. Raises Refused when
    the design has too few months or procedures (see :meth:`PowerSpec.check`).
    """
    tester = _Tester(spec)
    size = tester.power(0.0)
    lo, hi = 0.0, 0.05
    while tester.power(hi) < spec.target_power:
        lo, hi = hi, hi * 2
        if hi > max_logit:
            return _result(spec, float("inf"), float("inf"), float("nan"), size)
    while hi - lo > tol:
        mid = (lo + hi) / 2
        if tester.power(mid) >= spec.target_power:
            hi = mid
        else:
            lo = mid
    return _result(spec, to_pp(hi, spec.base_share), hi, tester.power(hi), size)


def _result(spec, mde_pp, mde_logit, power, size) -> PowerResult:
    scope = ("online share of the discounted procedures (percentage points)" if spec.design == "did"
             else "province-wide online share (percentage points)")
    return PowerResult(design=spec.design, mde_pp=mde_pp, mde_logit=mde_logit, power=power,
                       alpha=spec.alpha, n_sims=spec.n_sims, size=size, effect_scope=scope, spec=asdict(spec))


def power_curve(spec: PowerSpec, effects_pp) -> pd.DataFrame:
    """Return a frame of effect_pp, effect_logit and simulated power, one row per effect."""
    tester = _Tester(spec)
    rows = []
    for e in effects_pp:
        lg = to_logit(float(e), spec.base_share)
        rows.append({"effect_pp": float(e), "effect_logit": lg, "power": tester.power(lg)})
    return pd.DataFrame(rows)


def _two_way_demean(E: np.ndarray) -> np.ndarray:
    """Remove row and column means of the last two axes (procedure and month fixed effects)."""
    return E - E.mean(-1, keepdims=True) - E.mean(-2, keepdims=True) + E.mean((-1, -2), keepdims=True)


def _detrend(E: np.ndarray) -> np.ndarray:
    """Return residuals of a linear trend along the last axis."""
    t = np.arange(E.shape[-1], dtype=float)
    X = np.column_stack([np.ones_like(t), t])
    H = X @ np.linalg.pinv(X)
    return E - E @ H.T


def _ratio_lag1(R: np.ndarray, white_var: float = 0.0) -> float:
    """Return the lag-1 autocovariance of residuals ``R`` over their variance net of
    ``white_var`` (binomial noise: uncorrelated, so it adds variance, not autocovariance)."""
    cov = float((R[..., 1:] * R[..., :-1]).mean())
    var = float((R ** 2).mean()) - white_var
    return cov / var if var > 0 else 0.0


def _debiased_rho(observed: float, shape: tuple, demean, rng, n_sims: int = 200) -> tuple[float, float]:
    """Return (rho, kept) for residual series whose lag-1 ratio is ``observed``.

    Short residual series understate autocorrelation and variance (fixed effects and
    trends take part of them away). ``rho`` is the AR(1) autocorrelation whose series, put
    through the same ``demean``, give ``observed`` on average (indirect inference on a
    grid 0..0.9; negative values map to 0); ``kept`` is the share of the AR(1) variance
    the demeaning leaves at that rho, to scale a variance estimate back up.
    """
    grid = np.linspace(0.0, 0.9, 19)
    means, kept = [], []
    for r in grid:
        E = ar1(rng, (n_sims, *shape), 1.0, r)
        R = demean(E)
        axes = tuple(range(1, R.ndim))
        v = (R ** 2).mean(axis=axes)
        means.append(float(((R[..., 1:] * R[..., :-1]).mean(axis=axes) / v).mean()))
        kept.append(float(v.mean()))
    means = np.maximum.accumulate(np.array(means))
    rho = 0.0 if observed <= means[0] else float(np.interp(observed, means, grid))
    # Near 0.9 the mapping is flat (a short demeaned series cannot tell 0.8 from 0.95) and
    # the variance correction explodes, so the estimate is capped.
    rho = min(rho, RHO_CAP)
    return rho, float(np.interp(rho, grid, kept))


def _procedure_noise(pre: pd.DataFrame, rng) -> tuple[float, float]:
    """Return (sd, lag-1 autocorrelation) of the procedure-level extra-binomial logit noise
    of the pre-period rows ``pre`` (see :func:`estimate_noise`)."""
    L = pre.pivot_table(index="procedure", columns="month", values="share")
    Ntab = pre.pivot_table(index="procedure", columns="month", values="total")
    Y = pre.pivot_table(index="procedure", columns="month", values="online")
    Lg = empirical_logit(Y.to_numpy(float), Ntab.to_numpy(float))
    ok = ~np.isnan(Lg).any(axis=1)
    Lg, Nn, Ll = Lg[ok], Ntab.to_numpy(float)[ok], L.to_numpy(float)[ok]
    J, M = Lg.shape
    R = Lg - Lg.mean(axis=1, keepdims=True) - Lg.mean(axis=0, keepdims=True) + Lg.mean()
    p = np.clip(Ll, 0.01, 0.99)
    var_binom = np.mean(1 / (Nn * p * (1 - p)))
    white = var_binom * (J - 1) * (M - 1) / (J * M)  # binomial variance left after demeaning
    proc_rho, kept = _debiased_rho(_ratio_lag1(R, white), (J, M), _two_way_demean, rng) if M > 2 else (0.0, 1.0)
    return float(np.sqrt(max(float((R ** 2).mean()) - white, 0.0) / kept)), proc_rho


def _province_noise(pre: pd.DataFrame, rng) -> tuple[pd.DataFrame, float, float]:
    """Return (monthly province totals, sd, lag-1 autocorrelation) of the detrended
    province logit share's extra-binomial noise in the pre-period (see :func:`estimate_noise`)."""
    g = pre.groupby("month")[["online", "total"]].sum()
    y = empirical_logit(g["online"].to_numpy(float), g["total"].to_numpy(float))
    t = np.arange(len(y), dtype=float)
    X = np.column_stack([np.ones_like(t), t])
    resid = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    share = g["online"] / g["total"]
    vb = float(np.mean(1 / (g["total"] * share * (1 - share))))
    white_p = vb * (len(y) - 2) / len(y)
    its_rho, kept_p = (_debiased_rho(_ratio_lag1(resid[None, :], white_p), (len(y),), _detrend, rng)
                       if len(y) > 3 else (0.0, 1.0))
    return g, float(np.sqrt(max(float((resid ** 2).mean()) - white_p, 0.0) / kept_p)), its_rho


def estimate_noise(panel: pd.DataFrame, policy_date, province: str | None = None) -> dict:
    """Return the design and noise of a panel's pre-period, as PowerSpec keyword values.

    Procedure level (for the DiD): the sd of the two-way-demeaned empirical logit shares
    (degrees-of-freedom corrected), minus the average binomial variance, and their lag-1
    correlation. Province level (for the ITS): the same from the detrended province
    logit share. Autocorrelations are those of the extra-binomial part (residual
    autocovariance over the variance net of binomial noise), corrected by simulation for the
    bias that fixed effects or a trend put on short series (:func:`_debiased_rho`). Also
    returns volumes, months, the discounted procedures' share of dossiers, and the online
    share over the last three pre-period months of the province (``base_share``, where the
    ITS effect is read) and of the discounted procedures (``base_share_discounted``, where
    the DiD effect is read). Raises
    Refused when the pre-period has fewer than 3 months.
    """
    from analysis.data.panel import policy_months, select_province
    province, rows = select_province(panel, province)
    last_pre, transition, first_post = policy_months(policy_date)
    pre = rows[(rows["month"] <= last_pre) & (rows["total"] > 0)]
    months_pre = pre["month"].nunique()
    months_post = rows.loc[rows["month"] >= first_post, "month"].nunique()
    if months_pre < 3:
        raise Refused(f"the panel for {province} has {months_pre} months before the policy; at least 3 "
                      "are needed to estimate month-to-month noise")
    rng = np.random.default_rng(0)  # one stream: the procedure level draws first, then the province
    proc_sd, proc_rho = _procedure_noise(pre, rng)
    g, its_sd, its_rho = _province_noise(pre, rng)
    share = g["online"] / g["total"]
    procs = rows.groupby("procedure")["discounted"].first()
    vol = rows.groupby("discounted")["total"].sum()
    # the DiD's effect is on the discounted procedures' share: its MDE is read at their share
    gd = pre[pre["discounted"]].groupby("month")[["online", "total"]].sum()
    share_d = (gd["online"] / gd["total"]).iloc[-3:].mean() if len(gd) else float(share.iloc[-3:].mean())
    return {
        "province": province,
        "months_pre": int(months_pre),
        "months_post": int(months_post),
        "monthly_total": int(round(g["total"].mean())),
        "n_procedures": int(len(procs)),
        "n_discounted": int(procs.sum()),
        "discounted_dossier_share": float(vol.get(True, 0) / vol.sum()),
        "base_share": float(share.iloc[-3:].mean()),
        "base_share_discounted": float(share_d),
        "did_noise_sd": proc_sd,
        "did_rho": proc_rho,
        "its_noise_sd": its_sd,
        "its_rho": its_rho,
    }


def spec_from_panel(panel: pd.DataFrame, policy_date, design: str, province: str | None = None,
                    **overrides) -> PowerSpec:
    """Return a PowerSpec whose volumes, months and noise come from the panel's pre-period
    (:func:`estimate_noise`); ``overrides`` replace any field."""
    est = estimate_noise(panel, policy_date, province)
    spec = PowerSpec(design=design, months_pre=est["months_pre"], months_post=max(est["months_post"], 1),
                     monthly_total=est["monthly_total"], n_procedures=est["n_procedures"],
                     n_discounted=max(est["n_discounted"], 1),
                     discounted_dossier_share=min(max(est["discounted_dossier_share"], 1e-3), 0.999),
                     noise_sd=est[f"{design}_noise_sd"], rho=max(est[f"{design}_rho"], 0.0),
                     base_share=est["base_share_discounted" if design == "did" else "base_share"])
    return replace(spec, **overrides)
