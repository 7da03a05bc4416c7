"""Simulation studies of the difference-in-differences: recovery, coverage, size, placebo dates.

Each replication uses the full GLM and the null-imposed wild cluster score bootstrap,
but only the test at one value (the truth, or zero), which is what decides coverage
(the interval is the set of values the test does not reject) at a fraction of the cost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest

from analysis.models import did, simulate

pytestmark = pytest.mark.slow

DESIGN = simulate.PanelDesign(effect_logit=0.2)


def _replicate(design, n_reps, b0, policy_date=None, months=None, seed0=0):
    policy_date = policy_date or design.policy_date
    rejects, errors = [], []
    for s in range(n_reps):
        pnl, truth = simulate.simulate_panel(design, seed=seed0 + s)
        if months is not None:
            pnl = pnl[pnl["month"].isin(months)]
        data = did.prepare(pnl, policy_date)
        d = did._treatment_columns(data)
        X = np.column_stack([data.X_fe, d])
        fit = did.fit_binomial(data.y, data.n, X)
        W = did.webb_weights(np.random.default_rng(10_000 + s), 199, data.cluster.max() + 1)
        t = did.score_test(data.y, data.n, data.X_fe, d, b0, data.cluster, W, start=fit.params[:-1])
        rejects.append(t.p_value < 0.05)
        errors.append(did._ame_pp(fit.eta, fit.params[-1], d, data.n) - truth["true_effect_pp_discounted"])
    return np.array(rejects), np.array(errors)


def test_recovery_and_coverage_of_a_known_effect():
    rejects, errors = _replicate(DESIGN, 150, DESIGN.effect_logit)
    coverage = 1 - rejects.mean()
    assert 0.90 <= coverage <= 0.99, coverage  # nominal 95%; 150 reps: SE ~1.8 pp
    assert abs(errors.mean()) < 0.4, errors.mean()  # unbiased in pp (true effect ~4.5 pp)
    assert errors.std() < 2.0


def test_size_with_no_effect():
    rejects, _ = _replicate(replace(DESIGN, effect_logit=0.0), 150, 0.0, seed0=500)
    assert 0.01 <= rejects.mean() <= 0.10, rejects.mean()


def test_placebo_date_in_the_pre_period_shows_no_effect():
    design = replace(DESIGN, effect_logit=0.4)  # a large real effect, outside the placebo window
    months = design.months()[:12]  # 2022-11 .. 2023-10: pre-period only
    rejects, _ = _replicate(design, 100, 0.0, policy_date=dt.date(2023, 5, 1), months=months, seed0=900)
    assert rejects.mean() <= 0.10, rejects.mean()
