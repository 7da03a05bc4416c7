"""Agreement of the fast power simulation with the full estimators (slow)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.models import did, power, simulate

pytestmark = pytest.mark.slow


def test_full_glm_bootstrap_test_has_about_the_target_power_at_the_fast_mde():
    spec = power.PowerSpec(n_sims=500, seed=11)
    m = power.mde(spec)
    design = spec.panel_design(effect_logit=m.mde_logit)
    rejects = []
    for s in range(100):
        pnl, _ = simulate.simulate_panel(design, seed=2000 + s)
        data = did.prepare(pnl, design.policy_date)
        d = did._treatment_columns(data)
        W = did.webb_weights(np.random.default_rng(s), 199, data.cluster.max() + 1)
        rejects.append(did.score_test(data.y, data.n, data.X_fe, d, 0.0, data.cluster, W).p_value < 0.05)
    assert 0.6 <= np.mean(rejects) <= 0.95, np.mean(rejects)


def test_its_mde_matches_the_methods_notes():
    # METHODS.md: about 5 pp for 10 + 12 months at logit noise sd 0.05, over 8 pp at 0.10
    low = power.mde(power.PowerSpec(design="its", months_pre=10, noise_sd=0.05, n_sims=1000))
    high = power.mde(power.PowerSpec(design="its", months_pre=10, noise_sd=0.10, n_sims=1000))
    assert 3.5 < low.mde_pp < 7.0
    assert high.mde_pp > 8.0
