"""The fee-discount notebook: committed clean, runs under papermill (simulated and real panels)."""

from __future__ import annotations

import json

import nbformat
import papermill as pm
import pytest

from analysis import cli, config, params

NB = "03_fee_discount.ipynb"


def test_committed_without_outputs_and_with_a_parameters_cell():
    nb = nbformat.read(config.NOTEBOOKS_DIR / NB, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert nb.metadata["kernelspec"]["name"] == config.KERNEL_NAME
    assert "def " not in "".join(c.source for c in code)
    heads = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for h in ("## Parameters", "## Load inputs", "## Model", "## Figures", "## What this does not show"):
        assert h in heads
    # the power section comes before the estimate
    assert heads.index("power first") < heads.index("the estimate")


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
    for stem in ("discount_event_study", "discount_scenarios"):
        for ext in ("png", "svg", "csv", "txt"):
            assert (out / f"{stem}__province-nghe-an.{ext}").stat().st_size > 0
        assert (out / f"{stem}__province-nghe-an.txt").read_text().startswith("SIMULATED")
        assert (out / f"{stem}__province-nghe-an.csv").read_text().startswith("data_status")
    text = json.dumps(nbformat.writes(nb))
    assert "Minimum detectable effects" in text and "SIMULATED" in text
    assert "12 months before and 12 after the discount" in text
    assert text.index("Minimum detectable effects") < text.index("DiD (main)")


@pytest.mark.slow
def test_runs_for_hoa_binh_with_its_adoption_date(run_notebook):
    nb, out = run_notebook(NB, province="Hoà Bình", n_sims=200)
    assert (out / "discount_event_study__province-hoa-binh.png").exists()
    text = json.dumps(nbformat.writes(nb))
    assert "adoption date" in text and "illustration" in text


@pytest.mark.slow
def test_runs_on_a_given_panel_without_the_simulated_label(run_notebook, tmp_path, capsys):
    panel_csv = tmp_path / "real.csv"
    assert cli.main(["simulate-panel", "--out", str(panel_csv), "--seed", "9"]) == 0
    (tmp_path / "real.csv.truth.json").unlink()  # stands in for a real export
    nb, out = run_notebook(NB, panel_path=str(panel_csv), n_sims=200)
    assert not (out / "discount_event_study__province-nghe-an.txt").read_text().startswith("SIMULATED")
    assert "Panel read from" in json.dumps(nbformat.writes(nb))


@pytest.mark.slow
def test_bad_panel_and_province_without_policy_stop_the_run(run_notebook, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("province,procedure,month,online,total,discounted\nNghệ An,A,2023-01,5,4,true\n")
    with pytest.raises(pm.PapermillExecutionError, match="greater than total"):
        run_notebook(NB, panel_path=str(bad), n_sims=200)
    with pytest.raises(pm.PapermillExecutionError, match="no fee policy"):
        run_notebook(NB, province="Vĩnh Phúc", n_sims=200)
