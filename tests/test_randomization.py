"""Randomization inference over which procedures were discounted, and the pre-period tests on it.

Panels come from a small generator written here (procedures exchangeable: the discounted
set is drawn at random), so the randomization tests' exactness can be checked by
simulation: under no effect their rejection rate must match the nominal level.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.models import did, pretrend, randomization as ri
from tests.test_agreement import POLICY, small_panel


def test_small_designs_are_enumerated_with_the_observed_assignment_first():
    treated = np.array([0, 1, 0, 0, 1, 0], bool)
    A = ri.assignments(treated, np.random.default_rng(0))
    assert A.exact and A.n_possible == math.comb(6, 2) == len(A.Z)
    assert (A.Z[0] == treated).all()
    assert (A.Z.sum(1) == 2).all()
    assert len({tuple(r) for r in A.Z}) == len(A.Z)  # every assignment once


def test_large_designs_are_sampled():
    treated = np.zeros(30, bool)
    treated[:9] = True
    A = ri.assignments(treated, np.random.default_rng(0), n_sampled=500)
    assert not A.exact and A.n_possible == math.comb(30, 9) and A.Z.shape == (501, 30)
    assert (A.Z[0] == treated).all() and (A.Z.sum(1) == 9).all()
    # sampled uniformly: each procedure is treated in about 9/30 of the draws
    assert np.allclose(A.Z[1:].mean(0), 0.3, atol=0.08)


def test_exact_p_value_counts_the_observed_assignment():
    stats_ = np.array([2.0, 1.0, 3.0, 2.0, 0.5])
    assert ri.p_value(stats_, exact=True) == pytest.approx(3 / 5)


def test_joint_statistic_is_the_score_bootstrap_quadratic_form():
    data = did.prepare(small_panel(5, n_proc=12), POLICY)
    c = data.cells
    procs = c.groupby("procedure", sort=True)["discounted"].first().to_numpy(bool)
    F = np.column_stack([c["post"].to_numpy(float), (c["event"] * c["post"]).to_numpy(float)])
    A = ri.assignments(procs, np.random.default_rng(0))
    r = ri.run_test(data.y, data.n, data.X_fe, F, data.cluster, procs, A)
    W = did.webb_weights(np.random.default_rng(0), 99, int(data.cluster.max()) + 1)
    s = did.score_test(data.y, data.n, data.X_fe, F * c["discounted"].to_numpy(float)[:, None], [0.0, 0.0],
                       data.cluster, W)
    assert r.statistic == pytest.approx(s.statistic, rel=1e-6)


def test_effect_interval_holds_the_estimate_and_agrees_with_the_p_value():
    data = did.prepare(small_panel(11, n_proc=12, n_treated=4, volume=200, effect=0.4), POLICY)
    d = did._treatment_columns(data)
    X = np.column_stack([data.X_fe, d])
    fit = did.fit_binomial(data.y, data.n, X)
    se = float(np.sqrt(did._cr1(X, data.n, data.y, fit.mu, data.cluster)[-1, -1]))
    e = ri.effect(data, d, fit.params[-1], se, np.random.default_rng(0))
    assert e.exact and e.n_possible == math.comb(12, 4)
    assert e.ci_low_logit < fit.params[-1] < e.ci_high_logit
    assert (e.p_value < 0.05) == (e.ci_low_logit > 0)
    assert 0.0 < e.ci_low_logit and e.ci_high_logit < 1.5  # a 0.4 effect at these volumes is found


def test_a_diverging_pre_trend_is_detected():
    frame = small_panel(2, n_proc=14, n_treated=5, volume=300, effect=0.0)
    months = sorted(frame["month"].unique())
    k = frame["month"].map({m: i for i, m in enumerate(months)})
    # the discounted procedures gain 0.06 logit a month before the policy: a real pre-trend
    from scipy.special import expit, logit
    p = expit(logit(frame["share"].clip(0.01, 0.99)) + 0.06 * k * frame["discounted"])
    frame["online"] = np.round(p * frame["total"]).astype(int)
    frame["share"] = frame["online"] / frame["total"]
    data = did.prepare(frame, POLICY)
    res = pretrend.pre_period_tests(data, np.random.default_rng(0))
    assert res.linear_p_value < 0.05, res


@pytest.mark.slow
def test_pre_period_tests_keep_their_level_under_no_pre_trend():
    """Exact by construction when the discounted set is random: 200 null panels, AR-free."""
    lin, joint, plc = [], [], []
    for s in range(200):
        data = did.prepare(small_panel(1000 + s, n_proc=12, n_treated=3, effect=0.0), POLICY)
        res = pretrend.pre_period_tests(data, np.random.default_rng(s))
        lin.append(res.linear_p_value < 0.10)
        joint.append(res.joint_p_value < 0.10)
    # nominal 10%; 200 panels: Monte Carlo SE 2.1 pp. The exact test's discreteness
    # (220 assignments) only lowers its size.
    assert 0.04 <= np.mean(lin) <= 0.15, np.mean(lin)
    assert 0.04 <= np.mean(joint) <= 0.15, np.mean(joint)


@pytest.mark.slow
def test_effect_test_keeps_its_level_and_finds_an_effect():
    null, alt = [], []
    for s in range(150):
        for effect, out in ((0.0, null), (0.5, alt)):
            data = did.prepare(small_panel(5000 + s, n_proc=12, n_treated=3, volume=200, effect=effect), POLICY)
            procs = data.cells.groupby("procedure", sort=True)["discounted"].first().to_numpy(bool)
            A = ri.assignments(procs, np.random.default_rng(s))
            out.append(ri.run_test(data.y, data.n, data.X_fe, data.cells["post"].to_numpy(float), data.cluster,
                                   procs, A).p_value < 0.05)
    assert 0.01 <= np.mean(null) <= 0.10, np.mean(null)  # nominal 5%; SE 1.8 pp
    assert np.mean(alt) > 0.5, np.mean(alt)
