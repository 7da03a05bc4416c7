"""Difference-in-differences (analysis.models.did): fitting, agreement with statsmodels, refusals, JSON."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
import statsmodels.api as sm

from analysis import cli
from analysis.models import did, simulate
from analysis.errors import Refused

DESIGN = simulate.PanelDesign(effect_logit=0.2)


@pytest.fixture(scope="module")
def sim():
    return simulate.simulate_panel(DESIGN, seed=7)


def test_irls_agrees_with_statsmodels_glm(sim):
    pnl, _ = sim
    data = did.prepare(pnl, DESIGN.policy_date)
    X = np.column_stack([data.X_fe, did._treatment_columns(data)])
    ours = did.fit_binomial(data.y, data.n, X)
    ref = sm.GLM(data.y, X, family=sm.families.Binomial(), var_weights=data.n).fit()
    assert ours.converged
    np.testing.assert_allclose(ours.params, ref.params, rtol=1e-6, atol=1e-8)


def test_offset_fit_agrees_with_statsmodels(sim):
    pnl, _ = sim
    data = did.prepare(pnl, DESIGN.policy_date)
    off = 0.3 * did._treatment_columns(data)
    ours = did.fit_binomial(data.y, data.n, data.X_fe, offset=off)
    ref = sm.GLM(data.y, data.X_fe, family=sm.families.Binomial(), var_weights=data.n, offset=off).fit()
    np.testing.assert_allclose(ours.params, ref.params, rtol=1e-6, atol=1e-8)


# statsmodels warns that cluster covariances are "not fully supported with var_weights";
# the agreement asserted here is the check that they are right for this model.
@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.SpecificationWarning")
def test_cr1_matches_statsmodels_cluster_covariance(sim):
    pnl, _ = sim
    data = did.prepare(pnl, DESIGN.policy_date)
    X = np.column_stack([data.X_fe, did._treatment_columns(data)])
    fit = did.fit_binomial(data.y, data.n, X)
    V = did._cr1(X, data.n, data.y, fit.mu, data.cluster)
    ref = sm.GLM(data.y, X, family=sm.families.Binomial(), var_weights=data.n).fit(
        cov_type="cluster", cov_kwds={"groups": data.cluster, "use_correction": False})
    G = data.cluster.max() + 1
    assert np.sqrt(V[-1, -1]) == pytest.approx(np.sqrt(ref.cov_params()[-1, -1] * G / (G - 1)), rel=1e-4)


def test_estimate_lands_near_the_truth_and_interval_is_ordered(sim):
    pnl, truth = sim
    res = did.fit_did(pnl, DESIGN.policy_date, n_boot=399)
    assert res.ci_low_pp < res.effect_pp < res.ci_high_pp
    assert res.ci_low_logit < res.beta_logit < res.ci_high_logit
    assert abs(res.effect_pp - truth["true_effect_pp_discounted"]) < 2.5
    assert res.n_months_pre == 12 and res.n_months_post == 12  # transition month 2023-11 left out
    assert res.n_discounted_procedures == 9 and res.n_other_procedures == 31
    es = res.event_study
    assert "2023-11" not in set(es["month"])
    assert (es["period"] == "pre").sum() == res.pretrend_n_leads == 11
    assert 0 < res.pretrend_p_value <= 1


def test_webb_weights_have_six_points_mean_zero_variance_one():
    w = did.webb_weights(np.random.default_rng(0), 20000, 5)
    assert len(np.unique(np.round(w, 6))) == 6
    assert abs(w.mean()) < 0.02 and abs((w ** 2).mean() - 1) < 0.02


def test_score_test_rejects_far_from_estimate_and_not_at_it(sim):
    pnl, _ = sim
    data = did.prepare(pnl, DESIGN.policy_date)
    d = did._treatment_columns(data)
    X = np.column_stack([data.X_fe, d])
    beta = did.fit_binomial(data.y, data.n, X).params[-1]
    W = did.webb_weights(np.random.default_rng(1), 399, data.cluster.max() + 1)
    at = did.score_test(data.y, data.n, data.X_fe, d, beta, data.cluster, W)
    far = did.score_test(data.y, data.n, data.X_fe, d, beta + 1.0, data.cluster, W)
    assert at.p_value > 0.5 and far.p_value < 0.01


def test_pretrend_is_flagged_when_treated_procedures_diverge_before(sim):
    pnl, _ = sim
    bad = pnl.copy()
    # discounted procedures' online counts drift up through the pre-period only
    months = sorted(bad["month"].unique())
    k = {m: i for i, m in enumerate(months)}
    pre = bad["discounted"] & (bad["month"] < months[12])
    factor = 1 + 0.03 * bad.loc[pre, "month"].map(k)
    bad.loc[pre, "online"] = np.minimum((bad.loc[pre, "online"] * factor).round().astype(int), bad.loc[pre, "total"])
    bad["share"] = bad["online"] / bad["total"]
    res = did.fit_did(bad, DESIGN.policy_date, n_boot=399)
    assert res.pretrend_p_value < 0.05
    assert any("pre-trend" in w for w in res.warnings)


def test_too_few_pre_months_is_refused():
    pnl, _ = simulate.simulate_panel(replace(DESIGN, months_pre=2), seed=1)
    with pytest.raises(Refused, match="at least 3 months before .* has 2 before"):
        did.fit_did(pnl, DESIGN.policy_date)


def test_too_few_discounted_procedures_is_refused():
    pnl, _ = simulate.simulate_panel(replace(DESIGN, n_discounted=1), seed=1)
    with pytest.raises(Refused, match="1 discounted"):
        did.fit_did(pnl, DESIGN.policy_date)


def test_few_treated_clusters_warns():
    pnl, _ = simulate.simulate_panel(replace(DESIGN, n_discounted=3), seed=1)
    res = did.fit_did(pnl, DESIGN.policy_date, n_boot=199, event_study=False)
    assert any("unreliable" in w for w in res.warnings)


def test_several_provinces_need_a_name(sim):
    pnl, _ = sim
    two = pnl.copy()
    other = pnl.copy()
    other["province"] = "Hòa Bình"
    import pandas as pd
    both = pd.concat([two, other])
    with pytest.raises(Refused, match="name one with --province"):
        did.fit_did(both, DESIGN.policy_date)
    assert did.fit_did(both, DESIGN.policy_date, province="Hòa Bình", n_boot=199,
                       event_study=False).province == "Hòa Bình"


@pytest.fixture(scope="module")
def panel_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("p") / "panel.csv"
    assert cli.main(["simulate-panel", "--out", str(out), "--seed", "3", "--effect-pp", "5"]) == 0
    return out


def test_effect_cli_json_contract(panel_file, capsys):
    capsys.readouterr()
    assert cli.main(["effect", str(panel_file), "--policy-date", "2023-11-07", "--n-boot", "199", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("method", "effect_pp", "ci_low_pp", "ci_high_pp", "p_value", "n_months_pre", "n_months_post",
                "warnings", "pretrend_p_value", "simulated", "truth", "event_study", "placebo"):
        assert key in out
    assert out["method"] == "did" and out["simulated"] is True
    assert out["ci_low_pp"] < out["effect_pp"] < out["ci_high_pp"]
    assert any("Circular 63" in w for w in out["warnings"])
    assert any("SIMULATED" in w for w in out["warnings"])
    assert out["truth"]["true_effect_pp_discounted"] == pytest.approx(5, abs=1.5)


def test_simulate_panel_cli_writes_valid_panel_and_sidecar(panel_file, shipped):
    from analysis.data import panel
    pnl = panel.read_panel(panel_file, dataset=shipped)
    truth = json.loads((panel_file.parent / "panel.csv.truth.json").read_text())
    assert truth["simulated"] is True and truth["seed"] == 3
    assert len(pnl) == 40 * 25


def test_effect_cli_refuses_short_panel(tmp_path, capsys):
    out = tmp_path / "short.csv"
    assert cli.main(["simulate-panel", "--out", str(out), "--months-pre", "2"]) == 0
    capsys.readouterr()
    assert cli.main(["effect", str(out), "--policy-date", "2023-11-07"]) == 2
    err = capsys.readouterr().err
    assert "at least 3 months before" in err and "Traceback" not in err


def test_effect_cli_bad_date_and_unknown_province(panel_file, capsys):
    assert cli.main(["effect", str(panel_file), "--policy-date", "11/25/2023"]) == 2
    assert "not a valid date" in capsys.readouterr().err
    assert cli.main(["effect", str(panel_file), "--policy-date", "2023-11-07", "--province", "Atlantis"]) == 2
    assert "unknown province" in capsys.readouterr().err


def test_simulate_panel_cli_unknown_province_exits_2(tmp_path, capsys):
    assert cli.main(["simulate-panel", "--out", str(tmp_path / "x.csv"), "--province", "Atlantis"]) == 2
    assert not (tmp_path / "x.csv").exists()


def test_placebo_uses_the_pre_period_only_and_is_reported(sim):
    pnl, _ = sim
    res = did.fit_did(pnl, DESIGN.policy_date, n_boot=199, event_study=False)
    pl = res.placebo
    assert pl["placebo_date"] == "2023-05-01"
    assert pl["n_months_before"] == 6 and pl["n_months_after"] == 6
    assert abs(pl["effect_pp"]) < abs(res.effect_pp)  # the real effect (+0.2 logit) is not in it
    short, _ = simulate.simulate_panel(replace(DESIGN, months_pre=4), seed=1)
    assert did.placebo(short, DESIGN.policy_date) is None


def test_shares_all_100_percent_are_refused_not_a_traceback(sim, tmp_path, capsys):
    pnl, _ = sim
    full = pnl.copy()
    full["online"] = full["total"]
    full["share"] = 1.0
    with pytest.raises(Refused, match="0% or 100%"):
        did.fit_did(full, DESIGN.policy_date, n_boot=99)
    from analysis.data import panel
    path = tmp_path / "all_online.csv"
    panel.write_panel(full, path)
    assert cli.main(["effect", str(path), "--policy-date", "2023-11-07", "--n-boot", "99"]) == 2
    err = capsys.readouterr().err
    assert "0% or 100%" in err and "Traceback" not in err


def test_one_procedure_always_online_still_fits(sim):
    """A procedure at 100% online every month (a fully online service) has an infinite fixed
    effect but carries no information on the effect; the estimate must still be given."""
    pnl, _ = sim
    one = pnl.copy()
    m = one["procedure"] == "SIM other 05"
    one.loc[m, "online"] = one.loc[m, "total"]
    one["share"] = one["online"] / one["total"]
    res = did.fit_did(one, DESIGN.policy_date, n_boot=99, event_study=False, placebo_check=False)
    assert np.isfinite(res.effect_pp) and res.ci_low_pp < res.effect_pp < res.ci_high_pp


def test_a_panel_overwritten_after_simulation_is_not_labelled_simulated(tmp_path, capsys):
    out = tmp_path / "panel.csv"
    assert cli.main(["simulate-panel", "--out", str(out), "--seed", "4"]) == 0
    capsys.readouterr()
    args = ["effect", str(out), "--policy-date", "2023-11-07", "--method", "its", "--n-sims", "200", "--json"]
    assert cli.main(args) == 0
    assert json.loads(capsys.readouterr().out)["simulated"] is True
    # the researcher replaces the file with their own panel; the old sidecar stays behind
    text = out.read_text(encoding="utf-8").splitlines(keepends=True)
    head, first = text[0], text[1].split(",")
    first[3] = str(int(first[3]) - 1)  # one dossier fewer online: a different file
    out.write_text(head + ",".join(first) + "".join(text[2:]), encoding="utf-8")
    assert cli.main(args) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["simulated"] is False and "truth" not in res
    assert not any("SIMULATED" in w for w in res["warnings"])
