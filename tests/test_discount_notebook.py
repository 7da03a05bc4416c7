"""The fee-discount notebook: committed clean, runs under papermill (simulated and real panels)."""

from __future__ import annotations

import json

import numpy as np

import nbformat
import papermill as pm
import pytest

from analysis import cli, config
from analysis.reports import params

NB = "03_fee_discount.ipynb"


def test_committed_without_outputs_and_with_a_parameters_cell():
    nb = nbformat.read(config.NOTEBOOKS_DIR / NB, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert nb.metadata["kernelspec"]["name"] == config.KERNEL_NAME
    assert "def " not in "".join(c.source for c in code)
    # Headings come from the package in the run's language (dr.text), in the notebook's order.
    from analysis.reports import discount as dr
    src = "".join(c.source for c in code)
    keys = [k for k in dr.TEXTS if f'dr.text("{k}"' in src]
    heads = "".join(dr.TEXTS[k] for k in keys)
    for h in ("## Load inputs", "## Model", "## Figures", "## What this does not show"):
        assert h in heads
    assert code[-1].source == "dr.run_note(p, policy)"  # the parameters in words, at the end
    # the power section comes before the estimate
    assert heads.index("power first") < heads.index("the estimate")
    assert not [c for c in nb.cells if c.cell_type == "markdown"]  # no prose outside the catalog


def test_parameter_spec_checks_values():
    ok = dict(province="Nghe An", policy_date=None, discount_pct=None, panel_path=None,
              response_range=[0.0, 0.05, 0.15], fee_vnd=None, reference_fee_vnd=None, n_sims=200, seed=1,
              data_dir=None, output_dir=None)
    assert params.check("03_fee_discount", **ok).province == "Nghệ An"
    with pytest.raises(params.ParameterError, match="discount_pct"):
        params.check("03_fee_discount", **{**ok, "discount_pct": 140.0})
    with pytest.raises(params.ParameterError, match="n_sims"):
        params.check("03_fee_discount", **{**ok, "n_sims": 10})


@pytest.mark.slow
def test_runs_simulated_for_nghe_an_and_labels_everything(run_notebook):
    nb, out = run_notebook(NB, n_sims=200)
    for stem in ("discount_power", "discount_event_study", "discount_its", "discount_scenarios"):
        for ext in ("png", "svg", "csv", "txt"):
            assert (out / f"{stem}__lang-en__province-nghe-an.{ext}").stat().st_size > 0
        assert (out / f"{stem}__lang-en__province-nghe-an.txt").read_text().startswith("SIMULATED")
        assert (out / f"{stem}__lang-en__province-nghe-an.csv").read_text().startswith("data_status")
    text = json.dumps(nbformat.writes(nb))
    assert "Minimum detectable effects" in text and "SIMULATED" in text
    assert "12 months before and 12 after the discount" in text
    assert text.index("Minimum detectable effects") < text.index("DiD (main)")


@pytest.mark.slow
def test_runs_for_hoa_binh_with_its_adoption_date(run_notebook):
    nb, out = run_notebook(NB, province="Hoà Bình", n_sims=200)
    assert (out / "discount_event_study__lang-en__province-hoa-binh.png").exists()
    text = json.dumps(nbformat.writes(nb))
    assert "adoption date" in text and "illustration" in text


@pytest.mark.slow
def test_runs_on_a_given_panel_without_the_simulated_label(run_notebook, tmp_path, capsys):
    panel_csv = tmp_path / "real.csv"
    # 4 months before the policy: enough for the DiD, too few for the time series
    assert cli.main(["simulate-panel", "--out", str(panel_csv), "--seed", "9", "--months-pre", "4"]) == 0
    (tmp_path / "real.csv.truth.json").unlink()  # stands in for a real export
    nb, out = run_notebook(NB, panel_path=str(panel_csv), n_sims=200)
    assert not (out / "discount_event_study__lang-en__province-nghe-an.txt").read_text().startswith("SIMULATED")
    text = json.dumps(nbformat.writes(nb))
    assert "Panel read from" in text
    assert "refused: an interrupted time series" in text
    assert "The province-wide series was not analysed" in text
    its_caption = (out / "discount_its__lang-en__province-nghe-an.txt").read_text()
    assert "could not be analysed" in its_caption


@pytest.mark.slow
def test_bad_panel_stops_the_run(run_notebook, tmp_path):
    # (A province without a policy gets a short report instead: tests/test_discount_absent.py.)
    bad = tmp_path / "bad.csv"
    bad.write_text("province,procedure,month,online,total,discounted\nNghệ An,A,2023-01,5,4,true\n")
    with pytest.raises(pm.PapermillExecutionError, match="greater than total"):
        run_notebook(NB, panel_path=str(bad), n_sims=200)
    short = tmp_path / "short.csv"
    assert cli.main(["simulate-panel", "--out", str(short), "--months-pre", "2"]) == 0
    with pytest.raises(pm.PapermillExecutionError, match="at least 3 are needed"):
        run_notebook(NB, panel_path=str(short), n_sims=200)


class TestPolicyFor:
    def test_nghe_an_from_policies_csv(self, shipped):
        from analysis.reports import discount as dr
        p = dr.policy_for(shipped, "Nghe An")
        assert str(p.date) == "2023-11-07" and p.discount_pct == 40 and p.source_ids == ["seed004"]

    def test_hoa_binh_uses_adoption_date_and_says_so(self, shipped):
        from analysis.reports import discount as dr
        p = dr.policy_for(shipped, "Hòa Bình")
        assert str(p.date) == "2023-07-14" and "adoption date" in p.date_note
        assert "illustration" in p.discount_note

    def test_given_values_win(self, shipped):
        import datetime as dt
        from analysis.reports import discount as dr
        p = dr.policy_for(shipped, "Nghệ An", dt.date(2024, 1, 1), 25.0)
        assert str(p.date) == "2024-01-01" and p.discount_pct == 25

    def test_province_without_policy_gets_the_short_report(self, shipped):
        from analysis.reports import discount as dr
        p = dr.policy_for(shipped, "Vĩnh Phúc")
        assert isinstance(p, dr.NoPolicy) and p.province == "Vĩnh Phúc" and p.reason == "none"


def test_its_figure_explains_a_refusal(shipped, tmp_path):
    import matplotlib.pyplot as plt
    from analysis.reports import discount as dr
    from analysis.models import simulate
    policy = dr.policy_for(shipped, "Nghệ An")
    pnl, truth = simulate.simulate_panel(simulate.PanelDesign(months_pre=4), seed=1)
    inp = dr.PanelInput(pnl, True, truth, "")
    est = dr.Estimates(did=None, did_refusal="too few months", its=None, its_refusal="too few months",
                       baseline_share_pct=40.0)
    fig, plotted, caption, alt = dr.its_figure(est, shipped, policy, inp)
    assert plotted is None and caption.startswith("SIMULATED") and "too few months" in caption
    plt.close(fig)
    fig, plotted, caption, alt = dr.event_study_figure(est, shipped, policy, inp)
    assert plotted is None and caption.startswith("SIMULATED") and "too few months" in caption
    plt.close(fig)


def test_report_pipeline_survives_a_refused_did(shipped):
    """One discounted procedure: the DiD is refused, and every later step says so instead of failing."""
    import matplotlib.pyplot as plt
    from analysis.reports import discount as dr
    from analysis.models import scenarios, simulate
    policy = dr.policy_for(shipped, "Nghệ An")
    pnl, _ = simulate.simulate_panel(simulate.PanelDesign(n_discounted=1), seed=3)
    inp = dr.PanelInput(pnl, False, None, "test panel")
    tab = dr.power_table(inp, policy, 100, 1)
    assert np.isnan(tab.loc[tab["design"] == "did", "mde_pp"].iloc[0])
    assert "refused" in tab.loc[tab["design"] == "did", "noise_source"].iloc[0]
    assert "Difference-in-differences: refused" in dr.describe_power(tab, policy, False)
    est = dr.estimates(inp, policy, 1, n_boot=99)
    assert est.did is None and "1 discounted" in est.did_refusal and est.its is not None
    assert 0 < est.baseline_share_pct < 100
    table = dr.estimate_table(est, shipped, policy, inp)
    assert table["check"].str.contains("refused").any()
    response = scenarios.ResponseRange()
    for fig, *_ in (dr.event_study_figure(est, shipped, policy, inp),
                    dr.power_figure(dr.power_curves(tab, 100, 1), shipped, policy, inp, tab),
                    dr.scenario_figure(dr.scenario_curves(est, policy, response), est, float("nan"), shipped,
                                       policy, inp, response)):
        plt.close(fig)
    uplift = dr.uplift_table(est, policy, response, tab, inp)
    assert uplift["detectable_by_did"].isna().all()
    text = dr.evidence_statement(policy, tab, est, inp, uplift)
    assert "comparison was refused" in text


def _rendered(nb) -> str:
    """Return the text a reader of the executed notebook sees: every output's text and markdown."""
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            out.append(o.get("text", ""))
            out += [v for k, v in o.get("data", {}).items() if k in ("text/markdown", "text/plain")]  # not HTML markup
    return "\n".join(out)


@pytest.mark.slow
def test_runs_in_vietnamese_and_labels_everything_mo_phong(run_notebook):
    from analysis.reports import wording
    nb, out = run_notebook(NB, n_sims=200, lang="vi")
    for stem in ("discount_power", "discount_event_study", "discount_its", "discount_scenarios"):
        assert (out / f"{stem}__lang-vi__province-nghe-an.txt").read_text(encoding="utf-8").startswith("MÔ PHỎNG")
        assert not (out / f"{stem}__lang-en__province-nghe-an.png").exists()
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert findings["lang"] == "vi" and findings["status"] == "simulated" and "MÔ PHỎNG" in findings["headline"]
    text = _rendered(nb)
    assert "Hiệu ứng nhỏ nhất phát hiện được" in text and "## Những điều báo cáo này không cho thấy" in text
    # The warnings list and refusals come from the model layer in English (see README); every
    # text of the report itself is Vietnamese.
    text = text.split("**Cảnh báo.**")[0] + text.split("**Điều bằng chứng hiện có nói được.**")[-1]
    found = [s for s in wording.stock_phrases() if s in text]
    assert not found, found
