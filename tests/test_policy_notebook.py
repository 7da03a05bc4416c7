"""The fee-policies notebook: committed clean, parameters checked, and on the shipped data
(no monthly history) it says so, shows the backfill command and labels every output
SIMULATED, in both languages."""

from __future__ import annotations

import json

import nbformat
import pytest

from analysis import config
from analysis.reports import params

NB = "07_fee_policies_across_provinces.ipynb"
STEMS = ("policy_scm__group-clgq__lang-{lang}__province-nghe-an", "policy_event_study__group-clgq__lang-{lang}")


def test_committed_without_outputs_and_with_a_parameters_cell():
    nb = nbformat.read(config.NOTEBOOKS_DIR / NB, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert len([c for c in code if "parameters" in c.metadata.get("tags", [])]) == 1
    assert nb.metadata["kernelspec"]["name"] == config.KERNEL_NAME
    assert "def " not in "".join(c.source for c in code)
    from analysis.reports.policy import report as pr
    heads = "".join(pr.TEXTS[k] for k in pr.TEXTS if f'pr.text("{k}"' in "".join(c.source for c in code))
    for h in ("## Load inputs", "## Model", "## Figures", "## What this does not show"):
        assert h in heads


def test_parameter_spec_checks_values():
    ok = dict(province="Nghe An", group="CLGQ", method="scm", seed=1, lang="en", data_dir=None, output_dir=None)
    assert params.check("07_fee_policies_across_provinces", **ok).province == "Nghệ An"
    for bad in ({"method": "ols"}, {"group": "ONLINE"}, {"province": "Atlantis"}):
        with pytest.raises(params.ParameterError):
            params.check("07_fee_policies_across_provinces", **{**ok, **bad})


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_runs_simulated_and_labels_every_output(run_notebook, lang):
    nb, out = run_notebook(NB, lang=lang)
    mark = "SIMULATED" if lang == "en" else "MÔ PHỎNG"
    for stem in STEMS:
        stem = stem.format(lang=lang)
        for ext in ("png", "svg", "csv", "txt"):
            assert (out / f"{stem}.{ext}").stat().st_size > 0
        assert (out / f"{stem}.txt").read_text(encoding="utf-8").startswith(mark)
        assert (out / f"{stem}.csv").read_text(encoding="utf-8").startswith("data_status,")
        assert "SIMULATED" in (out / f"{stem}.csv").read_text(encoding="utf-8").splitlines()[1]
    assert (out / f"policy_timeline__lang-{lang}.png").stat().st_size > 0
    text = json.dumps(nbformat.writes(nb), ensure_ascii=False)
    assert "analysis portal backfill --from 2022-01" in text
    found = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert found["status"] == "simulated" and found["lang"] == lang and mark in found["headline"]
    if lang == "vi":
        assert "Index points are not" not in text  # the limits are in Vietnamese


def test_with_a_held_history_the_report_names_the_synthetic_province(monkeypatch, shipped):
    """When a monthly history is held the same code reports estimates (not SIMULATED) and
    the findings say which provinces form the synthetic province."""
    from analysis.data.portal import history
    from analysis.models import policy_sim
    from analysis.reports.policy import report as pr

    names = [p for p in shipped.admin_units["province"] if p not in policy_sim.REAL_STARTS and p != "Huế"]
    fake = policy_sim.simulate(policy_sim.SimDesign(effect=6.0, n_donors=len(names)), seed=5, donor_names=names)
    fake = fake.drop(columns="simulated").assign(score=0.0, max_score=12.0, rank=1, endpoint="x",
                                                 index_version="v", retrieved="2026-01-01")
    monkeypatch.setattr(history, "panel", lambda data_dir, group=None, vintage=None: fake)
    inp = pr.load_panel(shipped, "CLGQ", 1)
    assert not inp.simulated and "SIMULATED" not in inp.description
    res = pr.estimate(inp, shipped.policies, "Nghệ An", "CLGQ", 1)
    found = pr.findings(res, inp, "scm")
    assert found.status == "estimate", found.headline
    top = res.scm["donors"][0]["province"]
    assert top in found.headline and "Nghệ An" in found.headline
    assert "data" not in pr.table(res, inp).columns  # no SIMULATED column on real data
