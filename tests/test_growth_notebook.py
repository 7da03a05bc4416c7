"""The growth report notebook: committed without outputs, parameters checked, and executed
under papermill for Nghệ An (default), a province without online-rate data, and a province
given simulated rows in a data copy (slow)."""

from __future__ import annotations

import nbformat
import pytest

from analysis import config
from analysis.reports import params
from analysis.errors import ParameterError
from test_growth import append_online_rates

NB = "02_online_rate_growth.ipynb"


def _text(nb) -> str:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if "text" in o:
                out.append(o["text"])
            for v in o.get("data", {}).values():
                if isinstance(v, str):
                    out.append(v)
    return "\n".join(out)


def test_committed_without_outputs_with_parameters_cell():
    nb = nbformat.read(config.NOTEBOOKS_DIR / NB, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == config.KERNEL_NAME
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for c in nb.cells:
        if c.cell_type == "code":
            assert not c.outputs and c.execution_count is None
            assert "def " not in c.source


def test_parameters_are_checked():
    good = dict(province="Nghe An", target_pct=80.0, scope=None, offsets=[], reference_scope=None,
                offset_grid=[0.0], as_of_placement="end", horizon="2027-12-31", n_boot=500, seed=0,
                data_dir=None, output_dir=None)
    p = params.check("02_online_rate_growth", **good)
    assert p.province == "Nghệ An" and str(p.horizon) == "2027-12-31"
    for name, bad in [("target_pct", 100.5), ("scope", "moon"), ("as_of_placement", "start"),
                      ("horizon", "2027-31-12"), ("n_boot", 10), ("offsets", "provincial_centre=0")]:
        with pytest.raises(ParameterError, match=name):
            params.check("02_online_rate_growth", **{**good, name: bad})


@pytest.mark.slow
def test_runs_for_nghe_an_default(run_notebook):
    nb, out = run_notebook(NB, n_boot=500)
    text = _text(nb)
    assert "Refused" in text and "sensitivity" in text.lower()
    assert "33.7%" in text and "change of who is counted" in text
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert len(pngs) == 3 and all("nghe-an" in p for p in pngs)
    assert all(p.with_suffix(".txt").exists() for p in out.glob("*.png"))


@pytest.mark.slow
def test_runs_for_province_without_data(run_notebook):
    nb, out = run_notebook(NB, province="Hòa Bình", n_boot=500)
    text = _text(nb)
    assert "No online-dossier-rate figure for Hòa Bình" in text or "no online-dossier-rate figure for Hòa Bình" in text
    assert "monthly counts" in text
    assert len(list(out.glob("*hoa-binh*.png"))) == 3


@pytest.mark.slow
def test_runs_for_a_province_given_rows(run_notebook, data_copy):
    append_online_rates(data_copy)
    nb, out = run_notebook(NB, province="Hòa Bình", data_dir=str(data_copy), n_boot=500)
    text = _text(nb)
    assert "Refused" not in text
    assert "Reaches" in text or "Time to" in text
    fit_csv = next(out.glob("growth_fit__*hoa-binh*.csv")).read_text(encoding="utf-8")
    assert "curve: province_wide figures only" in fit_csv
