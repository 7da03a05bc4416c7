"""Simulation studies of the interrupted time series: the calibrated test's size, the
textbook test's over-rejection, recovery and coverage of a known level change."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analysis.models import its

pytestmark = pytest.mark.slow


def _series(rng, rho, level, n_pre=12, n_post=12, sd=0.05):
    X = its.segmented_design(n_pre, n_post)
    e = its.ar1_errors(rng, 1, n_pre + n_post, rho, sd)[0] + rng.normal(0, 0.015, n_pre + n_post)
    return -0.5 + 0.05 * X[:, 1] + level * X[:, 2] + e


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.8])
def test_calibrated_test_keeps_its_size_where_the_textbook_test_does_not(rho):
    rng = np.random.default_rng(int(rho * 10))
    X = its.segmented_design(12, 12)
    naive_crit = stats.t.ppf(0.975, 20)
    cal, naive = [], []
    for _ in range(200):
        y = _series(rng, rho, 0.0)
        core = its._its_core(y, 12, 12, rng, 500, 0.05)
        cal.append(core["p"] < 0.05)
        naive.append(abs(core["c"] / core["se"]) > naive_crit)
    assert np.mean(cal) <= 0.10, np.mean(cal)  # measured 1%, 5%, 8.5% at rho 0, 0.5, 0.8
    if rho >= 0.5:
        assert np.mean(naive) >= 0.12, np.mean(naive)  # the trap METHODS.md describes
    del X


def test_recovery_and_coverage_of_a_level_change():
    rng = np.random.default_rng(42)
    est, covered = [], []
    for _ in range(150):
        y = _series(rng, 0.5, 0.2)
        core = its._its_core(y, 12, 12, rng, 500, 0.05)
        est.append(core["c"])
        covered.append(abs(core["c"] - 0.2) <= core["crit"] * core["se"])
    assert abs(np.mean(est) - 0.2) < 0.02
    assert np.mean(covered) >= 0.90, np.mean(covered)
