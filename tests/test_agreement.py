"""Two independent routes to one number: the DiD estimators against maintained libraries.

- the binomial-logit DiD coefficient and its average marginal effect against statsmodels'
  GLM and pyfixest's ``feglm`` (logit, fixed effects, on the dossier-level 0/1 data);
- the linear-probability variant's coefficient and CR1 standard error against pyfixest's
  ``feols`` (weights, clustered by procedure);
- its restricted wild cluster bootstrap p-value against wildboottest's, with every
  Rademacher sign vector enumerated on both sides so that the two must agree exactly
  (up to ties at the observed statistic);
- the randomization test's observed statistic against the wild score bootstrap's.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit

from analysis.models import did, linear, randomization as ri

POLICY = dt.date(2023, 6, 1)


def small_panel(seed: int, n_proc: int = 10, n_treated: int = 3, volume: int = 40, effect: float = 0.3):
    """Return a small procedure-month panel (10 months, 5 before the policy), written here."""
    rng = np.random.default_rng(seed)
    months = pd.period_range("2023-01", periods=10, freq="M")
    treated = np.zeros(n_proc, bool)
    treated[rng.choice(n_proc, n_treated, replace=False)] = True
    post = (months >= pd.Period("2023-06", "M")).astype(float)
    eta = (rng.normal(-0.5, 0.5, n_proc)[:, None] + 0.03 * np.arange(10)[None, :]
           + rng.normal(0, 0.15, (n_proc, 10)) + effect * treated[:, None] * post[None, :])
    total = rng.poisson(volume, (n_proc, 10)) + 1
    online = rng.binomial(total, expit(eta))
    frame = pd.DataFrame({"province": "Test", "procedure": np.repeat([f"P{j}" for j in range(n_proc)], 10),
                          "month": np.tile(np.asarray(months), n_proc), "online": online.ravel(),
                          "total": total.ravel(), "discounted": np.repeat(treated, 10)})
    frame["share"] = frame["online"] / frame["total"]
    return frame


@pytest.fixture(scope="module")
def prepared():
    data = did.prepare(small_panel(3), POLICY)
    return data, did._treatment_columns(data)


def test_logit_did_matches_statsmodels_glm(prepared):
    data, d = prepared
    X = np.column_stack([data.X_fe, d])
    ours = did.fit_binomial(data.y, data.n, X)
    ref = sm.GLM(data.y, X, family=sm.families.Binomial(), var_weights=data.n).fit(tol=1e-12)
    assert abs(ours.params[-1] - ref.params[-1]) < 1e-8
    m = d == 1
    eta = X @ ref.params
    ame_ref = 100 * np.sum((expit(eta[m]) - expit(eta[m] - ref.params[-1])) * data.n[m]) / data.n[m].sum()
    assert abs(did._ame_pp(ours.eta, ours.params[-1], d, data.n) - ame_ref) < 1e-6


def test_logit_did_matches_pyfixest_feglm(prepared):
    pf = pytest.importorskip("pyfixest")
    data, d = prepared
    c = data.cells.assign(d=d)
    # dossier level: one 0/1 row per dossier (feglm takes no frequency weights)
    rows = c.loc[c.index.repeat(c["total"].astype(int))].copy()
    k = rows.groupby(level=0).cumcount()
    rows["y"] = (k < rows["online"]).astype(float)
    rows["month"] = rows["month"].astype(str)
    fit = pf.feglm("y ~ d | procedure + month", data=rows.reset_index(drop=True), family="logit",
                   iwls_tol=1e-12, iwls_maxiter=100)
    ours = did.fit_binomial(data.y, data.n, np.column_stack([data.X_fe, d]))
    assert abs(float(fit.coef()["d"]) - ours.params[-1]) < 1e-6


def test_linear_probability_variant_matches_pyfixest_feols(prepared):
    pf = pytest.importorskip("pyfixest")
    data, d = prepared
    res = linear.fit_linear(data.y, data.n, data.X_fe, d, data.cluster, n_boot=99)
    c = data.cells.assign(d=d, month=data.cells["month"].astype(str))
    fit = pf.feols("share ~ d | procedure + month", data=c, weights="total", vcov={"CRV1": "procedure"},
                   ssc=pf.ssc(k_adj=False, G_adj=True))
    assert abs(float(fit.coef()["d"]) - res.coef) < 1e-10
    N, k = len(data.y), data.X_fe.shape[1] + 1
    assert abs(float(fit.se()["d"]) - res.se_cr1 * np.sqrt((N - k) / (N - 1))) < 1e-10


def test_wild_bootstrap_p_value_matches_wildboottest(prepared):
    wbt = pytest.importorskip("wildboottest.wildboottest")
    data, d = prepared
    G = int(data.cluster.max()) + 1
    res = linear.fit_linear(data.y, data.n, data.X_fe, d, data.cluster, n_boot=2 ** G, weights="rademacher")
    assert res.enumerated and res.n_boot == 2 ** G
    s = np.sqrt(data.n)  # weighted least squares as OLS on sqrt-weighted data
    X = pd.DataFrame(np.column_stack([data.X_fe, d]) * s[:, None],
                     columns=[f"fe{i}" for i in range(data.X_fe.shape[1])] + ["d"])
    model = sm.OLS(data.y * s, X)
    out = wbt.wildboottest(model, B=2 ** G + 1, cluster=data.cluster, param="d", weights_type="rademacher",
                           impose_null=True, bootstrap_type="11", seed=1, show=False)
    theirs = float(np.asarray(out["p-value"]).ravel()[0])
    # both enumerate all 2^G sign vectors: the p-values differ only by the draws tied with
    # the observed statistic (the all-ones vector and its negative), counted by us, not by them
    assert abs(res.p_value - theirs) <= 2 / 2 ** G + 1e-9, (res.p_value, theirs)
    assert 0 < theirs < 1


def test_randomization_statistic_is_the_score_bootstrap_statistic(prepared):
    data, d = prepared
    procs = data.cells.groupby("procedure", sort=True)["discounted"].first().to_numpy(bool)
    A = ri.assignments(procs, np.random.default_rng(0))
    post = data.cells["post"].to_numpy(float)
    r = ri.run_test(data.y, data.n, data.X_fe, post, data.cluster, procs, A)
    W = did.webb_weights(np.random.default_rng(0), 99, int(data.cluster.max()) + 1)
    s = did.score_test(data.y, data.n, data.X_fe, d, 0.0, data.cluster, W)
    assert abs(r.statistic - s.statistic) < 1e-7 * max(1.0, s.statistic)
