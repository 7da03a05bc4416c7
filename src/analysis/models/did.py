"""Procedure-level difference-in-differences and event study, with few-cluster inference.

The main design for "did the fee discount raise online uptake?" (METHODS.md): within one
province, the monthly online share of the discounted procedures is compared with that of
the other procedures, before and after the policy. The model is a binomial GLM (logit
link) of each procedure-month's online share, weighted by its dossiers
(``var_weights``, never ``freq_weights``: see METHODS.md), with procedure and month
fixed effects and a treatment term ``discounted x post``::

    logit p_jt = a_j + g_t + beta * D_jt

Month effects absorb everything common to all procedures in a month (national campaigns,
Circular 63's cut of national fees in so far as it hits all procedures alike, Tết).

Inference is clustered by procedure: the procedures, not the dossiers, are the units
that were or were not discounted, and their month-to-month shocks are correlated. With
9 discounted procedures, conventional cluster-robust standard errors over-reject, so the
p-value and the 95% interval come from a **wild cluster score bootstrap** with the null
imposed (Kline and Santos 2012; the GLM form of the restricted wild cluster bootstrap
WCR of Cameron, Gelbach and Miller 2008 and MacKinnon and Webb 2017, as in Stata's
``boottest``): the model is refitted with beta fixed at the tested value, each
procedure's efficient score for beta is multiplied by a Webb six-point weight, and the
studentized score statistic is compared with its bootstrap distribution. The interval is
the set of values not rejected at 5% (test inversion). This is the one-step linearization
of the WCR at the restricted IRLS solution, written on numpy and vectorized over draws.

The effect is reported in percentage points of the discounted procedures' online share:
the average, over their post-period months weighted by dossiers, of the predicted share
with the treatment term minus the predicted share without it (the average marginal
effect on the treated). The interval's ends are the same quantity at the restricted fits
at the interval's ends in logit units.

The event study replaces ``discounted x post`` with one term per month relative to the
policy (reference: the last pre-period month). Its lead coefficients show whether the
two groups moved in parallel before the discount. Two score-bootstrap tests are reported:
of a linear trend of the discounted procedures relative to the others across the
pre-period (the headline ``pretrend_p_value``: one parameter, so it keeps its power with
few treated clusters) and of all leads jointly (``pretrend_joint_p_value``). Pointwise event-study intervals use CR1 cluster-robust standard errors
with t(G-1) critical values (a cheaper approximation, labelled as such).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import linalg, optimize, sparse, stats
from scipy.special import expit

from analysis.errors import Refused
from analysis.data.panel import check_months, policy_months, select_province

#: Fewest pre-period months for a difference-in-differences (one reference month and
#: at least two leads to look at pre-trends).
MIN_MONTHS_PRE = 3
#: Fewest post-period months.
MIN_MONTHS_POST = 1
#: Fewest discounted and fewest other procedures: one cluster per group cannot be
#: told apart from its own shocks, whatever the bootstrap.
MIN_CLUSTERS_PER_GROUP = 2
#: Below this many discounted procedures the wild cluster bootstrap is known to be
#: unreliable (MacKinnon and Webb 2017): the result is given with a warning.
FEW_TREATED_CLUSTERS = 5

#: Webb (2014) six-point weights: +-sqrt(1/2), +-1, +-sqrt(3/2), each with probability 1/6.
WEBB_POINTS = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


def webb_weights(rng: np.random.Generator, n_boot: int, n_clusters: int) -> np.ndarray:
    """Return an (n_boot, n_clusters) array of Webb six-point weights (mean 0, variance 1)."""
    return WEBB_POINTS[rng.integers(0, 6, size=(n_boot, n_clusters))]


@dataclass
class DidData:
    """The cells of one province's panel that enter the model, and the design matrix.

    ``X`` columns: intercept, procedure dummies (first dropped), month dummies (first
    dropped), then the treatment columns named in ``treat_names``.
    """

    province: str
    cells: pd.DataFrame
    y: np.ndarray
    n: np.ndarray
    cluster: np.ndarray
    X_fe: np.ndarray
    n_months_pre: int
    n_months_post: int
    first_month: pd.Period
    last_month: pd.Period
    transition_month: pd.Period | None
    n_treated: int
    n_control: int


def prepare(panel: pd.DataFrame, policy_date, province: str | None = None) -> DidData:
    """Return the model's cells for ``province`` (None when the panel holds one).

    The transition month (the policy starts after the 1st) and months with no dossiers
    are left out. Raises Refused when the panel has too few pre- or post-period months
    (MIN_MONTHS_PRE, MIN_MONTHS_POST), fewer than MIN_CLUSTERS_PER_GROUP discounted or
    other procedures, a group whose shares are all 0% or 100% (no finite estimate), or a
    discounted procedure without months on both sides.
    """
    province, rows = select_province(panel, province)
    last_pre, transition, first_post = policy_months(policy_date)
    cells = rows[(rows["total"] > 0) & (rows["month"] != transition)].copy() if transition is not None \
        else rows[rows["total"] > 0].copy()
    cells["post"] = cells["month"] >= first_post
    pre_months = sorted(set(cells.loc[~cells["post"], "month"]))
    post_months = sorted(set(cells.loc[cells["post"], "month"]))
    n_pre, n_post = len(pre_months), len(post_months)
    check_months("difference-in-differences", MIN_MONTHS_PRE, MIN_MONTHS_POST, policy_date, province,
                 n_pre, n_post, transition,
                 "Monthly procedure-level counts for 12 or more months on each side would answer.")
    procs = cells.groupby("procedure")["discounted"].first()
    n_t, n_c = int(procs.sum()), int((~procs).sum())
    if n_t < MIN_CLUSTERS_PER_GROUP or n_c < MIN_CLUSTERS_PER_GROUP:
        raise Refused(
            f"difference-in-differences needs at least {MIN_CLUSTERS_PER_GROUP} discounted and "
            f"{MIN_CLUSTERS_PER_GROUP} other procedures (clusters); the panel for {province} has "
            f"{n_t} discounted and {n_c} other")
    for flag, group in ((True, "discounted"), (False, "other")):
        sh = cells.loc[cells["discounted"] == flag, "share"]
        if ((sh == 0) | (sh == 1)).all():
            raise Refused(f"every month of the {group} procedures in {province} has an online share of 0% or "
                          "100%: the logit model has no finite estimate (perfect separation), and the share "
                          "cannot move")
    sides = cells[cells["discounted"]].groupby("procedure")["post"].agg(["min", "max"])
    one_sided = sides[sides["min"] == sides["max"]].index.tolist()
    if one_sided:
        raise Refused(f"discounted procedure(s) {', '.join(one_sided)} have months on only one side of "
                      "the policy date; each needs months before and after")
    cells = cells.sort_values(["procedure", "month"]).reset_index(drop=True)
    proc_codes, proc_names = pd.factorize(cells["procedure"], sort=True)
    month_codes, month_vals = pd.factorize(cells["month"], sort=True)
    policy_month = pd.Period(pd.Timestamp(policy_date), freq="M")
    cells["event"] = [(m - policy_month).n for m in cells["month"]]
    N = len(cells)
    X_fe = np.zeros((N, 1 + len(proc_names) - 1 + len(month_vals) - 1))
    X_fe[:, 0] = 1.0
    rows_ = np.arange(N)
    pj = proc_codes > 0
    X_fe[rows_[pj], proc_codes[pj]] = 1.0
    mj = month_codes > 0
    X_fe[rows_[mj], len(proc_names) - 1 + month_codes[mj]] = 1.0
    return DidData(
        province=province, cells=cells, y=cells["share"].to_numpy(float), n=cells["total"].to_numpy(float),
        cluster=proc_codes, X_fe=X_fe, n_months_pre=n_pre, n_months_post=n_post,
        first_month=min(pre_months), last_month=max(post_months), transition_month=transition,
        n_treated=n_t, n_control=n_c)


# ----------------------------------------------------------------------------- fitting


def _gram(Xs, XsT, w) -> np.ndarray:
    """Return X' diag(w) X as a dense array, from sparse X and its transpose."""
    return (XsT.multiply(w) @ Xs).toarray()


def gram(X, w) -> np.ndarray:
    """Return X' diag(w) X for a dense ``X`` (computed sparsely)."""
    Xs = sparse.csr_matrix(X)
    return _gram(Xs, Xs.T.tocsr(), w)


@dataclass
class GlmFit:
    """A binomial-logit GLM fit: coefficients, linear predictor (offset included), shares."""

    params: np.ndarray
    eta: np.ndarray
    mu: np.ndarray
    converged: bool


def fit_binomial(y, n, X, offset=None, start=None, tol: float = 1e-10, maxiter: int = 100) -> GlmFit:
    """Return the binomial-logit GLM fit of shares ``y`` with weights ``n`` (IRLS on numpy).

    The same model as ``sm.GLM(y, X, family=Binomial(), var_weights=n, offset=offset)``
    (tests check the coefficients agree), written out because the bootstrap interval
    refits it dozens of times: solving the normal equations with a Cholesky factor is
    far faster than statsmodels' pseudo-inverse at each step. Raises Refused when the
    design is singular (a fixed effect with no dossiers).
    """
    off = np.zeros(len(y)) if offset is None else np.asarray(offset, float)
    # fixed-effect dummies are mostly zeros: sparse products are ~30x faster here
    Xs = sparse.csr_matrix(X)
    XsT = Xs.T.tocsr()
    if start is None:
        z0 = np.log((y * n + 0.5) / (n - y * n + 0.5)) - off
        b = linalg.lstsq(_gram(Xs, XsT, n), XsT @ (z0 * n))[0]
    else:
        b = np.asarray(start, float).copy()
    converged = False
    for _ in range(maxiter):
        eta = Xs @ b + off
        mu = expit(eta)
        v = np.clip(mu * (1 - mu), 1e-12, None)
        w = n * v
        z = eta - off + (y - mu) / v
        try:
            c = linalg.cho_factor(_gram(Xs, XsT, w))
        except (linalg.LinAlgError, ValueError):  # ValueError: weights underflowed to inf/NaN
            raise Refused("the model cannot be fitted: its design is singular (a procedure or month "
                          "with no dossiers, a treatment term equal to a fixed effect, or shares of 0% or "
                          "100% throughout: perfect separation)") from None
        b_new = linalg.cho_solve(c, XsT @ (w * z))
        step = np.max(np.abs(b_new - b))
        b = b_new
        if step < tol:
            converged = True
            break
    eta = X @ b + off
    return GlmFit(params=b, eta=eta, mu=expit(eta), converged=converged)


def _cluster_sums(values: np.ndarray, cluster: np.ndarray, n_clusters: int) -> np.ndarray:
    """Return per-cluster sums of the rows of ``values`` (N, k) as (G, k)."""
    out = np.zeros((n_clusters, values.shape[1]))
    np.add.at(out, cluster, values)
    return out


def _cr1(X, n, y, mu, cluster):
    """Return the CR1 cluster-robust covariance of a GLM fit (sandwich, factor G/(G-1))."""
    G = int(cluster.max()) + 1
    H = gram(X, n * mu * (1 - mu))
    Hinv = linalg.cho_solve(linalg.cho_factor(H), np.eye(len(H)))
    Sg = _cluster_sums((n * (y - mu))[:, None] * X, cluster, G)
    return G / (G - 1) * Hinv @ (Sg.T @ Sg) @ Hinv


@dataclass
class ScoreTest:
    """A null-imposed wild cluster score bootstrap test of ``H0: beta = b0``."""

    p_value: float
    statistic: float
    mu: np.ndarray  # fitted shares of the restricted model
    eta: np.ndarray  # its linear predictor (offset included)


def score_test(y, n, X_nuisance, X_test, b0, cluster, weights, start=None) -> ScoreTest:
    """Return the wild cluster score bootstrap test of ``beta = b0`` for the columns ``X_test``.

    The model is refitted with beta fixed at ``b0`` (an offset); each observation's
    score n_i (y_i - mu_i) x_i is projected off the nuisance directions (the efficient
    score), summed by cluster, and the statistic (|t| for one column, a quadratic form
    for several) is compared with its distribution when the cluster scores are
    multiplied by the rows of ``weights`` (n_boot, G). ``start`` is an optional starting
    value of the nuisance coefficients. Returns the p-value (with the observed
    statistic counted among the draws), the statistic and the restricted fit's shares.
    """
    b0 = np.atleast_1d(np.asarray(b0, float))
    X_test = X_test.reshape(len(y), -1)
    off = X_test @ b0
    fit = fit_binomial(y, n, X_nuisance, offset=off, start=start)
    eta, mu = fit.eta, fit.mu
    w = n * mu * (1 - mu)
    H = gram(np.column_stack([X_nuisance, X_test]), w)
    p_n = X_nuisance.shape[1]
    proj = linalg.lstsq(H[:p_n, :p_n], H[:p_n, p_n:])[0]
    A = X_test - sparse.csr_matrix(X_nuisance) @ proj
    G = weights.shape[1]
    Sg = _cluster_sums((n * (y - mu))[:, None] * A, cluster, G)  # (G, k)
    S = Sg.sum(0)
    if Sg.shape[1] == 1:
        s = Sg[:, 0]
        stat = abs(S[0]) / np.sqrt((s ** 2).sum())
        boot = np.abs(weights @ s) / np.sqrt((weights ** 2) @ (s ** 2))
    else:
        omega = Sg.T @ Sg
        stat = float(S @ np.linalg.solve(omega, S))
        Sb = weights @ Sg  # (B, k)
        om_b = np.einsum("bg,gi,gj->bij", weights ** 2, Sg, Sg)
        boot = np.einsum("bi,bi->b", Sb, np.linalg.solve(om_b, Sb[..., None])[..., 0])
    p = float((np.sum(boot >= stat - 1e-12) + 1) / (len(boot) + 1))
    return ScoreTest(p_value=p, statistic=float(stat), mu=mu, eta=eta)


def _ame_pp(eta, beta, d, n) -> float:
    """Return 100 x the dossier-weighted mean over cells with d == 1 of expit(eta) - expit(eta - beta)."""
    m = d == 1
    return 100 * float(np.sum((expit(eta[m]) - expit(eta[m] - beta)) * n[m]) / np.sum(n[m]))


@dataclass
class DidResult:
    """The difference-in-differences estimate and its inference; :meth:`to_dict` for JSON."""

    method: str
    province: str
    effect_pp: float
    ci_low_pp: float
    ci_high_pp: float
    p_value: float
    beta_logit: float
    ci_low_logit: float
    ci_high_logit: float
    se_cr1_logit: float
    p_value_cr1: float
    n_months_pre: int
    n_months_post: int
    n_discounted_procedures: int
    n_other_procedures: int
    n_boot: int
    pretrend_p_value: float | None
    pretrend_joint_p_value: float | None
    pretrend_n_leads: int
    baseline_share_pct: float
    effect_scope: str = "online share of the discounted procedures (percentage points)"
    inference: str = ("wild cluster score bootstrap by procedure, null imposed, Webb weights; "
                      "interval by test inversion")
    warnings: list[str] = field(default_factory=list)
    placebo: dict | None = None
    event_study: pd.DataFrame | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        es = d.pop("event_study")
        if es is not None:
            d["event_study"] = es.to_dict(orient="records")
        return d


def _treatment_columns(data: DidData):
    c = data.cells
    d = (c["discounted"] & c["post"]).to_numpy(float)
    return d


def _event_columns(data: DidData, ref: int):
    """Return (matrix of discounted x event-time dummies, their event times, is_lead)."""
    c = data.cells
    events = sorted(e for e in set(c["event"]) if e != ref)
    cols = np.column_stack([((c["event"] == e) & c["discounted"]).to_numpy(float) for e in events])
    keep = cols.sum(0) > 0
    events = [e for e, k in zip(events, keep) if k]
    return cols[:, keep], np.array(events), np.array([e < ref for e in events]) if events else np.array([], bool)


def fit_did(panel: pd.DataFrame, policy_date, *, province: str | None = None, n_boot: int = 999,
            seed: int = 12345, alpha: float = 0.05, event_study: bool = True,
            placebo_check: bool = True) -> DidResult:
    """Return the difference-in-differences estimate for ``province`` in ``panel``.

    ``n_boot`` Webb bootstrap draws (seeded by ``seed``) give the p-value of "no effect"
    and the (1 - alpha) interval by test inversion; with ``event_study`` the lead/lag
    coefficients and the pre-trend tests are added, with ``placebo_check`` the test at a
    fake date inside the pre-period (:func:`placebo`). Raises Refused as
    :func:`prepare` does.
    """
    data = prepare(panel, policy_date, province)
    y, n, cl, Xf = data.y, data.n, data.cluster, data.X_fe
    G = int(cl.max()) + 1
    rng = np.random.default_rng(seed)
    W = webb_weights(rng, n_boot, G)
    d = _treatment_columns(data)
    X = np.column_stack([Xf, d])
    full = fit_binomial(y, n, X)
    beta = float(full.params[-1])
    eta, mu = full.eta, full.mu
    V = _cr1(X, n, y, mu, cl)
    se = float(np.sqrt(V[-1, -1]))
    p_cr1 = float(2 * stats.t.sf(abs(beta) / se, G - 1)) if se > 0 else float("nan")
    effect_pp = _ame_pp(eta, beta, d, n)

    def pval(b):
        return score_test(y, n, Xf, d, b, cl, W, start=full.params[:-1])

    p0 = pval(0.0).p_value

    def bound(direction):
        step = max(se, 1e-3)
        x_in, x_out = beta, beta + direction * 2 * step
        for _ in range(30):
            if pval(x_out).p_value < alpha:
                break
            x_in, x_out = x_out, x_out + direction * step * 2
        else:  # pragma: no cover - a flat p-value curve: no finite interval
            return float(direction * np.inf), float(direction * np.inf)
        f = lambda b: pval(b).p_value - alpha  # noqa: E731
        if f(x_in) < 0:  # the estimate itself is rejected (odd, bootstrap noise): keep it
            x = x_in
        else:
            x = optimize.brentq(f, min(x_in, x_out), max(x_in, x_out), xtol=max(se, 1e-3) / 200)
        t = pval(x)
        return x, _ame_pp(t.eta, x, d, n)

    lo_logit, lo_pp = bound(-1.0)
    hi_logit, hi_pp = bound(+1.0)
    c = data.cells
    tp = (c["discounted"] & c["post"]).to_numpy()
    baseline = 100 * float(np.sum(expit(eta[tp] - beta) * n[tp]) / np.sum(n[tp]))

    warnings = []
    if data.n_treated < FEW_TREATED_CLUSTERS:
        warnings.append(f"only {data.n_treated} discounted procedures: the wild cluster bootstrap is "
                        f"unreliable with fewer than {FEW_TREATED_CLUSTERS} treated clusters "
                        "(MacKinnon and Webb 2017); read the interval as indicative")
    es_frame, pre_p, joint_p, n_leads = None, None, None, 0
    if event_study:
        es_frame, pre_p, joint_p, n_leads = _event_study(data, W, alpha)
        if pre_p is not None and pre_p < 0.10:
            warnings.append(f"pre-trend test p = {pre_p:.3f} (linear trend of the discounted procedures "
                            "relative to the others before the policy): the two groups were "
                            "not moving in parallel before the policy; the difference-in-differences "
                            "estimate is doubtful")
    placebo_res = placebo(panel, policy_date, province=data.province, n_boot=n_boot, seed=seed) \
        if placebo_check else None
    if placebo_res is not None and placebo_res["rejects"]:
        warnings.append(f"the placebo date {placebo_res['placebo_date']} inside the pre-period shows an "
                        f"'effect' (p = {placebo_res['p_value']:.3f}): the groups' difference moves without "
                        "any policy, so the estimate may not be the discount's")
    return DidResult(
        placebo=placebo_res,
        method="did", province=data.province, effect_pp=effect_pp, ci_low_pp=lo_pp, ci_high_pp=hi_pp,
        p_value=p0, beta_logit=beta, ci_low_logit=lo_logit, ci_high_logit=hi_logit, se_cr1_logit=se,
        p_value_cr1=p_cr1, n_months_pre=data.n_months_pre, n_months_post=data.n_months_post,
        n_discounted_procedures=data.n_treated, n_other_procedures=data.n_control, n_boot=n_boot,
        pretrend_p_value=pre_p, pretrend_joint_p_value=joint_p, pretrend_n_leads=n_leads, baseline_share_pct=baseline,
        warnings=warnings, event_study=es_frame)


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
    n_leads = int(is_lead.sum())
    joint_p = None
    if 0 < n_leads < G - 1:
        lags = E[:, ~is_lead]
        Xn = np.column_stack([Xf, lags])
        start = np.concatenate([fit.params[:Xf.shape[1]], b[~is_lead]])
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
    return frame, trend_p, joint_p, n_leads


def placebo(panel: pd.DataFrame, policy_date, *, province: str | None = None, n_boot: int = 999,
            seed: int = 12345) -> dict | None:
    """Return the same test at a fake policy date in the middle of the pre-period.

    Only pre-period months are used (the real policy cannot leak in); the fake date is
    the 1st of the month that splits them in half. Returns a dict with placebo_date,
    effect_pp, beta_logit, p_value and rejects (at 5%), or None when the pre-period has
    fewer than MIN_MONTHS_PRE + 2 months (too short to split).
    """
    province, rows = select_province(panel, province)
    last_pre = policy_months(policy_date)[0]
    pre = rows[rows["month"] <= last_pre]
    months = sorted(set(pre["month"]))
    if len(months) < MIN_MONTHS_PRE + 2:
        return None
    fake = months[max(MIN_MONTHS_PRE, len(months) // 2)]
    data = prepare(pre, fake.start_time.date(), province)
    d = _treatment_columns(data)
    X = np.column_stack([data.X_fe, d])
    fit = fit_binomial(data.y, data.n, X)
    W = webb_weights(np.random.default_rng(seed), n_boot, int(data.cluster.max()) + 1)
    p = score_test(data.y, data.n, data.X_fe, d, 0.0, data.cluster, W, start=fit.params[:-1]).p_value
    return {"placebo_date": str(fake.start_time.date()), "effect_pp": _ame_pp(fit.eta, fit.params[-1], d, data.n),
            "beta_logit": float(fit.params[-1]), "p_value": p, "rejects": bool(p < 0.05),
            "n_months_before": data.n_months_pre, "n_months_after": data.n_months_post}
