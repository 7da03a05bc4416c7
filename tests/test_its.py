"""Interrupted time series (analysis.models.its): fitting, refusals, placebos and the CLI contract."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from analysis import cli
from analysis.models import its, simulate
from analysis.errors import Refused

DESIGN = simulate.PanelDesign(effect_logit=0.0, national_effect_logit=0.0)


def test_segmented_design_is_centred_on_the_first_post_month():
    X = its.segmented_design(3, 2)
    np.testing.assert_array_equal(X[:, 1], [-3, -2, -1, 0, 1])
    np.testing.assert_array_equal(X[:, 2], [0, 0, 0, 1, 1])
    np.testing.assert_array_equal(X[:, 3], [0, 0, 0, 0, 1])


def test_ols_t_recovers_an_exact_level_change():
    X = its.segmented_design(8, 6)
    y = 0.1 + 0.02 * X[:, 1] + 0.3 * X[:, 2] + np.random.default_rng(0).normal(0, 1e-4, len(X))
    b, se, _ = its.ols_t(y[None, :], X)
    assert b[0] == pytest.approx(0.3, abs=1e-3) and se[0] < 1e-3


def test_fit_on_simulated_panel():
    pnl, _ = simulate.simulate_panel(DESIGN, seed=4)
    res = its.fit_its(pnl, DESIGN.policy_date, n_sims=500)
    assert res.ci_low_pp < res.effect_pp < res.ci_high_pp
    assert res.n_months_pre == 12 and res.n_months_post == 12
    assert res.critical_value >= res.critical_value_naive * 0.9
    assert 0 <= res.size_naive_test <= 1 and 0 < res.p_value <= 1
    assert [p["placebo_month"] for p in res.placebos] == ["2023-03", "2023-04", "2023-05", "2023-06", "2023-07"]
    assert any("province-wide share" in w for w in res.warnings)
    assert len(res.series) == 24 and set(res.series["period"]) == {"pre", "post"}


def test_short_series_is_refused():
    pnl, _ = simulate.simulate_panel(replace(DESIGN, months_pre=5), seed=1)
    with pytest.raises(Refused, match="at least 6 months before .* has 5 before"):
        its.fit_its(pnl, DESIGN.policy_date)
    pnl, _ = simulate.simulate_panel(replace(DESIGN, months_post=2), seed=1)
    with pytest.raises(Refused, match="3 after"):
        its.fit_its(pnl, DESIGN.policy_date)


def test_procedures_with_different_spans_are_refused():
    pnl, _ = simulate.simulate_panel(DESIGN, seed=1)
    first = pnl["month"].min()
    cut = pnl[~((pnl["procedure"] == "SIM other 01") & (pnl["month"] == first))]
    with pytest.raises(Refused, match="different months"):
        its.fit_its(cut, DESIGN.policy_date)


def test_rho_sets_keep_the_true_value_usually():
    X = its.segmented_design(12, 12)
    grid, rhos, ts = its.null_distribution(X, np.random.default_rng(0), 500)
    k = int(np.argmin(abs(grid - 0.5)))
    observed = rhos[k, :200]  # residual correlations of series whose true rho is grid[k]
    keep = its.rho_sets(observed, rhos)
    assert 0.4 < keep[:, k].mean() < 0.6  # a 50% set
    crit = its.set_critical_values(observed, rhos, ts)
    assert (crit >= np.quantile(ts[k], 0.95) - 1e-9)[keep[:, k]].all()


def test_effect_cli_its_json_contract(tmp_path, capsys):
    out = tmp_path / "p.csv"
    assert cli.main(["simulate-panel", "--out", str(out), "--seed", "2"]) == 0
    capsys.readouterr()
    assert cli.main(["effect", str(out), "--policy-date", "2023-11-07", "--method", "its", "--n-sims", "500",
                     "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    for key in ("method", "effect_pp", "ci_low_pp", "ci_high_pp", "p_value", "n_months_pre", "n_months_post",
                "warnings", "critical_value", "size_naive_test", "placebos", "simulated"):
        assert key in res
    assert res["method"] == "its" and res["simulated"] is True
    assert any("Circular 63" in w for w in res["warnings"])


def test_effect_cli_its_refuses_short_panel(tmp_path, capsys):
    out = tmp_path / "p.csv"
    assert cli.main(["simulate-panel", "--out", str(out), "--months-post", "2"]) == 0
    capsys.readouterr()
    assert cli.main(["effect", str(out), "--policy-date", "2023-11-07", "--method", "its"]) == 2
    assert "3 after" in capsys.readouterr().err


def test_transition_month_left_out_keeps_calendar_time():
    """With the policy on the 7th the transition month is dropped; the pre-period trend must
    still be extrapolated over the two calendar months to the first post month. A noise-free
    panel with a steady trend and no effect must give a level change of zero."""
    quiet = replace(DESIGN, noise_sd=1e-9, common_sd=1e-9, procedure_sd=0.0, monthly_total=10 ** 9)
    assert quiet.trend_per_month() > 0.05  # the bias would be one month of trend
    pnl, truth = simulate.simulate_panel(quiet, seed=1)
    res = its.fit_its(pnl, quiet.policy_date, n_sims=200, placebos=False)
    assert truth["true_effect_pp_province"] == 0.0
    assert abs(res.level_change_logit) < 1e-3
    assert abs(res.slope_change_logit) < 1e-3
    assert abs(res.effect_pp) < 0.05
    # the design's time column counts calendar months from the first post month (2023-12)
    X = its.segmented_design(12, 12, gap=1)
    assert X[11, 1] == -2 and X[12, 1] == 0


def test_a_month_at_100_percent_is_refused_not_clipped():
    pnl, _ = simulate.simulate_panel(DESIGN, seed=1)
    full = pnl.copy()
    m = full["month"] == full["month"].max()
    full.loc[m, "online"] = full.loc[m, "total"]
    with pytest.raises(Refused, match="0% or 100% in 2024-11"):
        its.fit_its(full, DESIGN.policy_date, n_sims=200, placebos=False)
