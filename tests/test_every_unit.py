"""Every unit in data/admin_units.csv gets a report: a unit with no figure in the data gets
figures that say so, never a failure (the overview of Vĩnh Phúc once stopped with "Axis
limits cannot be NaN or Inf")."""

import matplotlib.pyplot as plt
import pytest

from analysis import i18n
from analysis.reports import figure_checks, growth, overview, params

#: Units with no observation at all, among them the longest name in the file.
NO_DATA_UNITS = ["Vĩnh Phúc", "Bà Rịa - Vũng Tàu", "Hà Giang"]


def _growth(shipped, province, lang):
    p = params.check("02_online_rate_growth", lang=lang, province=province, target_pct=80.0, scope=None,
                     offsets=[], reference_scope=None, offset_grid=[0.0], as_of_placement="end",
                     horizon="2027-12-31", n_boot=200, seed=0, data_dir=str(shipped.data_dir), output_dir=None)
    return growth.build(shipped, p)


def _failures(shipped, draw) -> list[str]:
    """Return "unit: error" for every unit of admin_units.csv on which ``draw(unit)`` fails."""
    failed = []
    for province in shipped.admin_units["province"]:
        try:
            draw(province)
        except Exception as exc:  # noqa: BLE001  (the test names every unit that fails, and why)
            failed.append(f"{province}: {type(exc).__name__}: {exc}")
        plt.close("all")
    return failed


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("province", NO_DATA_UNITS)
def test_a_unit_without_data_gets_figures_that_say_so(shipped, province, lang):
    i18n.set_language(lang)
    assert (shipped.observations["province"] == province).sum() == 0
    figs = [overview.coverage_figure(shipped, province), overview.timeline_figure(shipped, province)]
    ga = _growth(shipped, province, lang)
    figs += [growth.fit_figure(ga, shipped), growth.fan_figure(ga, shipped), growth.time_to_target_figure(ga, shipped)]
    for fig, _data, caption, alt in figs:
        assert province in fig._suptitle.get_text() and caption and alt
        assert figure_checks.problems(fig, lang) == []
    assert overview.findings(shipped, province).headline


@pytest.mark.slow
def test_every_unit_draws_its_overview_and_growth_figures(shipped):
    def draw(province):
        overview.coverage_figure(shipped, province)
        overview.timeline_figure(shipped, province)
        growth.fit_figure(_growth(shipped, province, "en"), shipped)

    assert _failures(shipped, draw) == []


@pytest.mark.slow
@pytest.mark.parametrize("notebook", ["01_data_overview.ipynb", "02_online_rate_growth.ipynb"])
def test_the_notebooks_run_for_a_unit_without_data(run_notebook, shipped, notebook):
    extra = {"n_boot": 200} if notebook.startswith("02") else {}
    nb, out = run_notebook(notebook, province="Bà Rịa - Vũng Tàu", lang="vi", **extra)
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs and all("ba-ria-vung-tau" in name for name in pngs)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_province_the_index_does_not_score_gets_a_short_scorecard(shipped, lang):
    from analysis.reports import scorecard
    i18n.set_language(lang)
    card = scorecard.card(shipped, "Hòa Bình")  # merged into Phú Thọ on 1 Jul 2025: no score since
    said = scorecard.intro_markdown(card)
    assert "Phú Thọ" in said and said in scorecard.findings(card).headline
    assert said in scorecard.groups_table(card).iloc[0, 0]
    for make in (scorecard.total_figure, scorecard.groups_figure, scorecard.counts_figure):
        fig, _data, caption, alt = make(card)
        assert "Hòa Bình" in fig._suptitle.get_text() and alt == said and said in caption
        assert figure_checks.problems(fig, lang) == []
    # A province the index scores still gets its full scorecard.
    assert hasattr(scorecard.card(shipped, "Phú Thọ"), "groups")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_unit_gets_a_fee_discount_report_or_its_short_one(shipped, lang):
    from analysis.reports import discount
    i18n.set_language(lang)
    full = set()
    for province in shipped.admin_units["province"]:
        policy = discount.policy_for(shipped, province)  # never raises: a NoPolicy is the short report
        assert province in discount.text("title", policy=policy).split("\n", 1)[0]
        if isinstance(policy, discount.PolicyInfo):
            full.add(province)
    prov = shipped.policies[shipped.policies["level"] == "provincial"]
    dated = prov[["in_force", "date_adopted"]].notna().any(axis=1) | (prov["in_force_month"].fillna("") != "")
    assert full == set(prov.loc[dated, "province"])  # the short report for every other unit


@pytest.mark.slow
def test_the_scorecard_notebook_runs_for_a_province_without_a_score(run_notebook, shipped):
    _nb, out = run_notebook("05_province_scorecard.ipynb", province="Bà Rịa - Vũng Tàu", lang="vi")
    assert len(list(out.glob("scorecard_*__lang-vi__province-ba-ria-vung-tau.png"))) == 4  # total, groups, counts, locator map


@pytest.mark.slow
def test_every_unit_gets_its_index_history_and_policy_figures(shipped):
    """Notebooks 06 and 07 take any unit: one with no score, no history or no fee policy gets
    figures that say so (the staggered design pools the policy provinces whatever the unit)."""
    from analysis.reports.history import figures as hf, series
    from analysis.reports.policy import report as pr

    inp = pr.load_panel(shipped, "CLGQ", 2023)

    def draw(province):
        hist = series.load(str(shipped.data_dir), province)
        for make in (hf.groups_figure, hf.rank_figure, hf.pair_figure):
            make(hist)
        res = pr.estimate(inp, shipped.policies, province, "CLGQ", 2023)
        pr.scm_figure(res, inp, shipped)
        assert res.did["status"] == "estimate", res.did.get("reason")

    assert _failures(shipped, draw) == []


@pytest.mark.slow
@pytest.mark.parametrize("notebook", ["06_index_history.ipynb", "07_fee_policies_across_provinces.ipynb"])
def test_the_history_and_policy_notebooks_read_clean_for_a_unit_without_data(run_notebook, shipped, notebook, tmp_path):
    import reader_checks as rc
    from analysis.pack import html as pack_html

    run_notebook(notebook, province="Vĩnh Phúc", lang="vi")  # ceased 1 Jul 2025: no score, no policy
    page = pack_html.export_notebook(tmp_path / notebook, tmp_path / "report.html", notebook, lang="vi")
    text = page.read_text("utf-8")
    assert rc.problems(text, "vi") == {} and "Vĩnh Phúc" in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_province_without_a_fee_policy_gets_the_pooled_design_and_a_refused_synthetic_control(shipped, lang):
    from analysis.reports import wording
    from analysis.reports.policy import report as pr

    i18n.set_language(lang)
    inp = pr.load_panel(shipped, "CLGQ", 2023)
    res = pr.estimate(inp, shipped.policies, "Hà Nội", "CLGQ", 2023)
    assert res.scm["status"] == "refused" and "Hà Nội" in res.scm["reason"]
    assert res.did["status"] == "estimate"
    assert res.did["att"] == pr.estimate(inp, shipped.policies, "Nghệ An", "CLGQ", 2023).did["att"]
    said = pr.table(res, inp).to_string()
    for make in (pr.scm_figure, pr.event_study_figure):
        fig, _data, caption, alt = make(res, inp, shipped)
        assert figure_checks.problems(fig, lang) == []
        said += caption + alt
    if lang == "vi":
        assert [w for w in wording.stock_phrases() if w in said] == []
