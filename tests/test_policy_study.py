"""The design study of the fee-policy designs: its arithmetic, and a small seeded run in
which the placebo routes keep their level and the estimators recover a known effect."""

import pandas as pd
import pytest

from analysis.models import policy_study as ps
from analysis.models.policy_sim import SimDesign


def test_summarise_counts_rejections_coverage_and_refusals():
    null = pd.DataFrame({"effect_true": 0.0, "scm_refused": [False, False, True, False],
                         "scm_p": [0.02, 0.5, None, 0.3], "scm_smallest_p": 1 / 41,
                         "stg_p": [0.01, 0.2, 0.03, 0.9], "stg_p_placebo": [0.1, 0.2, 0.3, 0.04]})
    eff = pd.DataFrame({"effect_true": 3.0, "scm_refused": [False, False],
                        "scm_effect": [2.0, 5.0], "scm_p": [0.01, 0.2],
                        "scm_ci_low": [1.0, None], "scm_ci_high": [2.5, None],
                        "stg_att": [3.5, 2.5], "stg_p": [0.01, 0.01], "stg_p_placebo": [0.2, 0.01],
                        "stg_ci_low": [2.0, 2.6], "stg_ci_high": [4.0, 2.9]})
    s = ps.summarise(null, eff)
    assert s["scm_refused"] == pytest.approx(1 / 6)
    assert s["scm_size"] == pytest.approx(1 / 3)           # refused panel left out
    assert s["scm_coverage"] == pytest.approx(0.5)         # unbounded interval covers
    assert s["scm_bias"] == pytest.approx(0.5)
    assert s["stg_size"] == pytest.approx(0.5) and s["stg_size_placebo"] == pytest.approx(0.25)
    assert s["stg_coverage"] == pytest.approx(0.5) and s["stg_bias"] == pytest.approx(0.0)
    assert ps.keeps_level(0.06, 300, 0.05) and not ps.keeps_level(0.12, 300, 0.05)


@pytest.mark.slow
def test_small_study_placebo_routes_keep_level_and_recover_the_effect():
    # 60 null + 60 effect panels: a 5% rate has Monte Carlo se 2.8 pt, so the limit is 10.6%.
    res = ps.run(SimDesign(n_donors=30), n_null=60, n_effect=60, effect=4.0, seed0=7, placebo_reps=39)
    assert res["scm_refused"] < 0.2
    assert ps.keeps_level(res["scm_size"], 60, 0.05)
    assert ps.keeps_level(res["stg_size_placebo"], 60, 0.05)
    assert ps.keeps_level(1 - res["scm_coverage"], 60, 0.05)
    assert ps.keeps_level(1 - res["stg_coverage_placebo"], 60, 0.05)
    assert abs(res["stg_bias"]) < 0.5 and abs(res["scm_bias"]) < 1.5
    assert res["stg_power_placebo"] > 3 * res["stg_size_placebo"] + 0.1
    assert res["scm_power"] > res["scm_size"]
