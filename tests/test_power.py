"""Minimum detectable effects (analysis.models.power): contracts, monotonicity, refusals, CLI."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from analysis import cli
from analysis.models import power, simulate
from analysis.errors import Refused

FAST = power.PowerSpec(n_sims=300)


def test_to_pp_and_to_logit_are_inverse():
    assert power.to_pp(power.to_logit(5.0, 0.4), 0.4) == pytest.approx(5.0)
    assert power.to_pp(0.0, 0.3) == 0.0
    with pytest.raises(ValueError, match="outside"):
        power.to_logit(70, 0.4)


def test_mde_contract_and_power_at_mde():
    r = power.mde(FAST).to_dict()
    for key in ("design", "mde_pp", "power", "alpha", "n_sims", "size", "mde_logit", "effect_scope"):
        assert key in r
    assert r["design"] == "did" and r["alpha"] == 0.05 and r["n_sims"] == 300
    assert r["power"] >= 0.8 and 0 < r["mde_pp"] < 10
    assert r["size"] <= 0.12


@pytest.mark.parametrize("design", ["did", "its"])
def test_mde_grows_with_noise_and_shrinks_with_months(design):
    base = replace(FAST, design=design, noise_sd=0.05)
    noisy = replace(base, noise_sd=0.15)
    longer = replace(base, months_pre=24, months_post=24)
    m_base, m_noisy, m_long = (power.mde(s).mde_pp for s in (base, noisy, longer))
    assert m_noisy > 1.2 * m_base  # binomial noise also counts, so not proportional
    assert m_long < m_base


def test_did_fast_estimator_is_the_difference_of_mean_changes():
    rng = np.random.default_rng(0)
    total = np.full((1, 4, 4), 10_000)
    p = np.full((1, 4, 4), 0.4)
    p[0, :2, 2:] = 0.5  # treated procedures jump in the post period
    online = rng.binomial(total, p)
    beta, t = power.did_fast(online, total, np.array([True, True, False, False]), 2)
    assert beta[0] == pytest.approx(np.log(0.5 / 0.5) - np.log(0.4 / 0.6), abs=0.05)
    assert t[0] > 5


def test_too_few_months_or_procedures_refused():
    with pytest.raises(Refused, match="at least 6 months before"):
        power.mde(replace(FAST, design="its", months_pre=4))
    with pytest.raises(Refused, match="2 discounted"):
        power.mde(replace(FAST, n_discounted=1))
    with pytest.raises(ValueError, match="base_share"):
        power.mde(replace(FAST, base_share=1.2))


def test_estimate_noise_recovers_the_simulated_noise():
    design = simulate.PanelDesign(noise_sd=0.12, rho=0.0, months_pre=24)
    pnl, _ = simulate.simulate_panel(design, seed=5)
    est = power.estimate_noise(pnl, design.policy_date)
    assert est["did_noise_sd"] == pytest.approx(0.12, rel=0.25)
    assert est["months_pre"] == 24 and est["n_discounted"] == 9
    assert est["discounted_dossier_share"] == pytest.approx(0.10, abs=0.02)
    assert est["monthly_total"] == pytest.approx(22_000, rel=0.02)


def test_power_cli_json(capsys):
    assert cli.main(["power", "--design", "its", "--n-sims", "200", "--noise-sd", "0.05", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"design", "mde_pp", "power", "alpha", "n_sims"} <= set(out)
    assert out["design"] == "its" and out["n_sims"] == 200 and out["simulated"] is False
    assert out["spec"]["noise_sd"] == 0.05


def test_power_cli_from_panel(tmp_path, capsys):
    p = tmp_path / "p.csv"
    assert cli.main(["simulate-panel", "--out", str(p)]) == 0
    capsys.readouterr()
    assert cli.main(["power", "--panel", str(p), "--policy-date", "2023-11-07", "--n-sims", "200", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["simulated"] is True and "pre-period" in out["noise_source"]
    assert out["spec"]["months_pre"] == 12


def test_power_cli_errors(tmp_path, capsys):
    assert cli.main(["power", "--panel", str(tmp_path / "none.csv"), "--policy-date", "2023-11-07"]) == 2
    assert "file not found" in capsys.readouterr().err
    assert cli.main(["power", "--panel", str(tmp_path / "none.csv")]) == 2
    assert "--policy-date" in capsys.readouterr().err
    assert cli.main(["power", "--design", "its", "--months-pre", "3"]) == 2
    assert "at least 6 months" in capsys.readouterr().err
    assert cli.main(["power", "--rho", "1.5"]) == 2


def test_undetectable_design_reports_null_mde_in_valid_json(capsys):
    assert cli.main(["power", "--design", "its", "--noise-sd", "5", "--n-sims", "200", "--json"]) == 0
    raw = capsys.readouterr().out
    out = json.loads(raw)
    assert out["mde_pp"] is None and "NaN" not in raw and "Infinity" not in raw


def test_estimate_noise_corrects_the_autocorrelation_for_short_series():
    design = simulate.PanelDesign(noise_sd=0.12, rho=0.5, months_pre=24)
    est = [power.estimate_noise(simulate.simulate_panel(design, seed=s)[0], design.policy_date)
           for s in range(3)]
    rho = np.mean([e["did_rho"] for e in est])
    assert 0.35 < rho < 0.65, rho  # the raw residual lag-1 correlation is about 0.16 here
    assert np.mean([e["did_noise_sd"] for e in est]) == pytest.approx(0.12, rel=0.15)


@pytest.mark.parametrize("command", ["effect", "power", "simulate-panel"])
def test_help_texts_render(command, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main([command, "--help"])
    assert exc.value.code == 0
    assert command in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["--help"])


def test_did_mde_is_read_at_the_discounted_procedures_share():
    """The DiD's effect is on the discounted procedures' share, so its pp conversion uses their
    share, not the province's (the ITS uses the province's)."""
    design = simulate.PanelDesign(effect_logit=0.0)
    pnl, _ = simulate.simulate_panel(design, seed=3)
    low = pnl.copy()
    m = low["discounted"]
    low.loc[m, "online"] = low.loc[m, "online"] // 4  # discounted procedures far below the rest
    est = power.estimate_noise(low, design.policy_date)
    pre = low[(low["month"] >= "2023-08") & (low["month"] <= "2023-10")]
    d = pre[pre["discounted"]]
    expected_d = np.mean([g["online"].sum() / g["total"].sum() for _, g in d.groupby("month")])
    expected_p = np.mean([g["online"].sum() / g["total"].sum() for _, g in pre.groupby("month")])
    assert est["base_share_discounted"] == pytest.approx(expected_d)
    assert est["base_share"] == pytest.approx(expected_p)
    assert est["base_share_discounted"] < est["base_share"] - 0.1
    assert power.spec_from_panel(low, design.policy_date, "did").base_share == pytest.approx(expected_d)
    assert power.spec_from_panel(low, design.policy_date, "its").base_share == pytest.approx(expected_p)
