"""The fee-discount report for a province with no policy to study (no provincial online-fee
policy in the policy table, or one with no known date): a short report that says so in the
reader's language, with nothing else shown and no figure saved, instead of a failure. And a
policy known only to the month (Quảng Nam) gets the full report from the first of that month."""

from __future__ import annotations

import datetime as dt

import matplotlib.pyplot as plt
import pytest
from IPython.core.formatters import DisplayFormatter

import reader_checks as rc
from analysis import i18n
from analysis.models import scenarios
from analysis.reports import discount as dr
from analysis.reports import figure_checks, findings, param_words, params, show, wording
from analysis.reports.discount import absent
from analysis.reports.narrative import Markdown

NB = "03_fee_discount.ipynb"


def _longest_unit(shipped) -> str:
    return max(shipped.admin_units["province"], key=lambda s: (len(s), s))


def _shown(obj) -> dict:
    """What Jupyter would show for ``obj`` (its format data; empty when it shows nothing)."""
    return DisplayFormatter().format(obj)[0]


def _run_like_the_notebook(shipped, province: str, out_dir) -> dict:
    """Call every report function the notebook calls, in its order, with its arguments;
    return {cell: what it returns} (the figures as what ``show.saved`` returns)."""
    got = {}
    policy = dr.policy_for(shipped, province, None, None)
    got["title"] = dr.text("title", policy=policy)
    got["load"], got["policy"] = dr.text("load", policy=policy), dr.policy_markdown(policy)
    inp = dr.load_or_simulate(shipped, policy, None, 1)
    got["panel"] = dr.describe_panel(inp)
    got["power_head"] = dr.text("power", policy=policy)
    power_tab = dr.power_table(inp, policy, 100, 1)
    got["power_table"] = dr.reader_table(power_tab)
    got["power_text"] = dr.describe_power(power_tab, policy, inp.simulated)
    name = lambda stem: f"{stem}__lang-{i18n.get_language()}"  # noqa: E731
    got["power_figure"] = show.saved(dr.power_figure(dr.power_curves(power_tab, 100, 1), shipped, policy, inp, power_tab),
                                     name("discount_power"), out_dir, simulated=inp.simulated)
    got["estimate_head"] = dr.text("estimate", policy=policy)
    est = dr.estimates(inp, policy, 1)
    got["estimate_table"] = dr.reader_table(dr.estimate_table(est, shipped, policy, inp))
    got["warnings"] = dr.warnings_markdown(est, shipped, policy, inp)
    got["event_study_head"] = dr.text("event_study", policy=policy)
    got["event_study"] = show.saved(dr.event_study_figure(est, shipped, policy, inp), name("discount_event_study"),
                                    out_dir, simulated=inp.simulated)
    got["its_head"] = dr.text("its", policy=policy)
    got["its"] = show.saved(dr.its_figure(est, shipped, policy, inp), name("discount_its"), out_dir,
                            simulated=inp.simulated)
    got["scenarios_head"] = dr.text("scenarios", policy=policy)
    response = scenarios.ResponseRange.from_list([0.0, 0.05, 0.15])
    curves = dr.scenario_curves(est, policy, response, None, None)
    got["scenarios"] = show.saved(dr.scenario_figure(curves, est, dr.mde_did_pp(power_tab), shipped, policy, inp, response),
                                  name("discount_scenarios"), out_dir, simulated=inp.simulated)
    uplift = dr.uplift_table(est, policy, response, power_tab, inp, None, None)
    got["uplift"] = dr.reader_table(uplift)
    got["limits_head"] = dr.text("limits", policy=policy)
    got["evidence"] = dr.evidence_statement(policy, power_tab, est, inp, uplift)
    got["findings"] = dr.findings(policy, inp, power_tab, est)
    return got


def _no_policy_units(shipped) -> list[str]:
    return ["Hà Nội", "Vĩnh Phúc", "Huế", _longest_unit(shipped)]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("which", range(4), ids=["Ha Noi", "Vinh Phuc (ceased)", "Hue (undated)", "longest name"])
def test_a_province_without_a_policy_gets_a_short_report(shipped, tmp_path, which, lang):
    province = _no_policy_units(shipped)[which]
    i18n.set_language(lang)
    got = _run_like_the_notebook(shipped, province, tmp_path)
    title, found = got.pop("title"), got.pop("findings")
    # The title carries the whole short report, once; every other cell shows nothing at all.
    assert title.startswith("# ") and province in title.split("\n", 1)[0]
    assert _shown(title) and all(_shown(v) == {} for v in got.values()), [k for k, v in got.items() if _shown(v)]
    assert list(tmp_path.iterdir()) == [] and plt.get_fignums() == []  # no figure drawn or saved
    # It says what is missing, the national cuts, the report across provinces and the settings.
    policy = dr.policy_for(shipped, province)
    assert isinstance(policy, absent.NoPolicy) and title.count(absent.headline(policy)) == 1
    assert i18n.date(dt.date(2023, 12, 1)) in title
    assert f"“{findings.report_title('07_fee_policies_across_provinces')}”" in title
    assert i18n.gettext("Discount start date") in title and i18n.gettext("Online fee discount (%)") in title
    # The reviewers' page gets the same sentence under its own status.
    assert found.status == "no_policy" and found.headline == absent.headline(policy) and found.lang == lang
    assert province in found.headline and findings.save(found, tmp_path).exists()
    assert findings.read(tmp_path)["status"] == "no_policy"
    # Read as a page: no file, module or code names, no English in the Vietnamese one.
    page = "<html><body><p>" + "</p><p>".join([title, found.headline, *found.sentences]) + "</p></body></html>"
    assert rc.problems(page, lang) == {}
    if lang == "vi":
        assert not [s for s in wording.stock_phrases() if s in title + found.headline + " ".join(found.sentences)]


def test_the_undated_policy_is_named_in_the_readers_language(shipped):
    huế = dr.policy_for(shipped, "Huế")
    assert huế.reason == "undated"
    row = shipped.policies[shipped.policies["province"] == "Huế"].iloc[0]
    for lang, column in (("vi", "name_vi"), ("en", "name")):
        i18n.set_language(lang)
        assert f"“{row[column]}”" in dr.text("title", policy=huế)
    assert dr.policy_for(shipped, "Hà Nội").reason == "none"


def test_a_unit_that_ceased_says_where_its_territory_is_now(shipped):
    assert "Phú Thọ" in dr.text("title", policy=dr.policy_for(shipped, "Vĩnh Phúc"))
    assert "1 Jul 2025" not in dr.text("title", policy=dr.policy_for(shipped, "Hà Nội"))


def test_an_empty_text_still_shows_an_empty_output_but_nothing_does_not():
    """The planted defect: the headings' empty Markdown would leave an empty output (and a
    quoted '' in plain-text front ends); NOTHING leaves none."""
    assert _shown(Markdown("")) != {} and _shown(show.NOTHING) == {}
    assert show.figure(show.NOTHING) is show.NOTHING


def test_a_date_given_for_a_province_without_a_policy_studies_an_assumed_one(shipped):
    policy = dr.policy_for(shipped, "Hà Nội", dt.date(2024, 3, 1), 30.0)
    assert isinstance(policy, dr.PolicyInfo) and policy.date == dt.date(2024, 3, 1) and policy.discount_pct == 30
    assert policy.date_note == "as given in the parameters" and policy.source_ids == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_policy_known_to_the_month_starts_on_its_first_day(shipped, tmp_path, lang):
    i18n.set_language(lang)
    policy = dr.policy_for(shipped, "Quảng Nam")
    assert isinstance(policy, dr.PolicyInfo) and policy.date == dt.date(2024, 7, 1)
    assert policy.date_note == i18n.gettext(
        "only the month it took effect is known from the project's policy table, so the first day of that "
        "month is used")
    said = dr.policy_markdown(policy)
    assert i18n.date(dt.date(2024, 7, 1)) in said and policy.date_note in said
    # The full report: the simulated panel, both designs and a figure from the first of July.
    inp = dr.load_or_simulate(shipped, policy, None, 1)
    est = dr.estimates(inp, policy, 1, n_boot=99)
    assert est.did is not None and est.its is not None
    fig, plotted, caption, alt = dr.event_study_figure(est, shipped, policy, inp)
    assert "Quảng Nam" in fig._suptitle.get_text() and policy.date_note in caption
    assert figure_checks.problems(fig, lang) == []
    assert dr.findings(policy, inp, dr.power_table(inp, policy, 100, 1), est).status == "simulated"


def test_the_order_of_dates_is_kept(shipped):
    """In-force date before month before adoption date (Nghệ An has a date and a month)."""
    assert dr.policy_for(shipped, "Nghệ An").date == dt.date(2023, 11, 7)
    hb = dr.policy_for(shipped, "Hòa Bình")
    assert hb.date == dt.date(2023, 7, 14) and "adoption date" in hb.date_note


def test_the_settings_note_of_the_short_report_leaves_out_what_was_not_used(shipped):
    p = params.check("03_fee_discount", province="Hà Nội", policy_date=None, discount_pct=None, panel_path=None,
                     response_range=[0.0, 0.05, 0.15], fee_vnd=None, reference_fee_vnd=None, n_sims=100, seed=1,
                     lang="en", data_dir=None, output_dir=None)
    short, full = dr.run_note(p, dr.policy_for(shipped, "Hà Nội")), dr.run_note(p, dr.policy_for(shipped, "Nghệ An"))
    for name in dr.UNUSED_WITHOUT_POLICY:
        assert param_words.label(name) in full and param_words.label(name) not in short
    for name in ("province", "policy_date", "discount_pct"):  # the settings the short report talks about
        assert param_words.label(name) in short
    assert short.startswith(full.split("\n", 1)[0])  # the same heading


def test_the_rendered_report_leaves_out_cells_that_show_nothing(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from analysis.pack import html as pack_html

    shown = new_code_cell("x", outputs=[new_output("display_data", data={"text/markdown": "# Tiêu đề"})])
    quiet = [new_code_cell("y = 1"), new_code_cell("z", outputs=[new_output("stream", name="stderr", text="w")])]
    nb = new_notebook(cells=[shown, *quiet], metadata={"kernelspec": {"name": "python3", "display_name": "P",
                                                                      "language": "python"}})
    nbformat.write(nb, tmp_path / "a.ipynb")
    page = pack_html.export_notebook(tmp_path / "a.ipynb", tmp_path / "a.html", "a", lang="vi").read_text("utf-8")
    assert page.count('<div class="jp-Cell ') == 1 and "jp-mod-noOutputs" not in page.split("<body")[1]


@pytest.mark.slow
def test_the_notebook_runs_for_a_province_without_a_policy(run_notebook, shipped, tmp_path):
    from analysis.pack import html as pack_html

    province = _longest_unit(shipped)
    nb, out = run_notebook(NB, province=province, lang="vi", n_sims=100)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type in ("error", "stream")]
    assert len(outputs) == 2  # the short report under its title, and the "how this was run" note
    assert not list(out.glob("*.png")) and findings.read(out)["status"] == "no_policy"
    page = pack_html.export_notebook(tmp_path / NB, tmp_path / "report.html", NB, lang="vi").read_text("utf-8")
    found = rc.problems(page, "vi")
    assert not found, "\n".join(f"{check}: {hit}" for check, hits in found.items() for hit in hits)
    i18n.set_language("vi")
    assert f"<title>{i18n.gettext(absent.TITLE).format(province=province)[2:]}</title>" in page
    assert i18n.gettext(show.RUN_NOTE) in page and page.count('<div class="jp-Cell ') == 2  # no empty gaps
