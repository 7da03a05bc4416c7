"""analysis.reports.growth: what the notebook shows, for each kind of parameter set (fast)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import i18n
from analysis.reports import growth as growth_report, params, wording

BASE = dict(province="Nghệ An", target_pct=80.0, scope=None, offsets=[], reference_scope=None,
            offset_grid=[-1.0, 0.0, 1.0], as_of_placement="end", horizon="2027-12-31", n_boot=300, seed=0,
            data_dir=None)


@pytest.fixture
def build(shipped, tmp_path):
    def _build(**kw):
        p = params.check("02_online_rate_growth", **{**BASE, "output_dir": str(tmp_path), **kw})
        return growth_report.build(shipped, p)
    yield _build
    plt.close("all")
    i18n.set_language(i18n.DEFAULT_LANG)  # params.check(lang=...) sets the process language


def test_default_refuses_main_fit_and_builds_labelled_grid(build, shipped):
    ga = build()
    assert ga.main is None and "rank" in ga.main_refusal
    assert [c.offsets["provincial_centre"] for c in ga.grid] == [-1.0, 0.0, 1.0]
    table = growth_report.grid_table(ga)
    assert len(table) == 1 + len(ga.grid) and table["assumption"].str.contains("logit").sum() == len(ga.grid)
    fig, data, caption, alt = growth_report.fit_figure(ga, shipped)
    assert "No curve is drawn" in caption and "Sources:" in caption and set(data["series"]) == {"figure"}
    fig, data, caption, alt = growth_report.fan_figure(ga, shipped)
    assert data["assumption"].nunique() == len(ga.grid) and "not estimated" in caption
    assert ((data[["mean_pct", "low_pct", "high_pct"]] >= 0) & (data[["mean_pct", "low_pct", "high_pct"]] <= 100)).all().all()
    fig, data, caption, alt = growth_report.time_to_target_figure(ga, shipped)
    assert len(data) == 1 + len(ga.grid) and pd.isna(data["date"].iloc[0]) and data["date"].iloc[1:].notna().all()


def test_assumed_offsets_give_a_main_curve_and_check_the_bound(build, shipped):
    ga = build(offsets=["provincial_centre:0", "province_wide=0"])
    assert ga.main is not None and ga.main.assumed_offsets == {"provincial_centre": 0.0, "province_wide": 0.0}
    assert ga.main.bound_checks()["status"].iloc[0] in ("consistent", "inconsistent")
    # the grid varies the centre only and keeps the assumed province-wide offset for the bound check
    assert all(c.offsets["province_wide"] == 0.0 for c in ga.grid)
    fig, data, caption, alt = growth_report.fit_figure(ga, shipped)
    assert any(str(s).startswith("curve:") for s in data["series"]) and "prediction band" in caption
    assert "Refused" not in growth_report.model_markdown(ga)


def test_single_scope_request_has_no_grid(build):
    ga = build(scope="provincial_centre")
    assert ga.main is None and "slope is not identified" in ga.main_refusal
    assert ga.grid == [] and "one scope" in ga.grid_note


def test_province_without_data_says_so(build, shipped):
    ga = build(province="Hòa Bình")
    assert ga.data is None and "no online-dossier-rate figure" in ga.no_data
    for fn in (growth_report.fit_figure, growth_report.fan_figure, growth_report.time_to_target_figure):
        fig, data, caption, alt = fn(ga, shipped)
        assert data.empty and "No online-dossier-rate figure" in caption
    assert "Nothing is modelled" in growth_report.limits_markdown(ga)
    assert "monthly counts" in growth_report.chronology_markdown(ga)


def test_chronology_explains_the_apparent_fall(build):
    text = growth_report.chronology_markdown(build())
    # The figures are named by value and period, never by the project's observation ids.
    assert ("The period of the figure 33.7% (67,088/198,845) (1 Jan 2023–30 Sep 2023) contains that of the "
            "figure > 44%") in text
    assert "NA051" not in text and "NA014" not in text
    assert "change of who is counted" in text and "lower bound" in text


def test_grid_summary_compares_assumptions_with_sampling(build):
    ga = build()
    text = growth_report.grid_summary(ga)
    dates = sorted(c.fit.time_to_target(80.0).date for c in ga.grid)
    assert i18n.date(dates[0], short=True) in text and i18n.date(dates[-1], short=True) in text
    assert "binomial sampling only" in text
    never = growth_report.grid_summary(build(offset_grid=[-3.0]))
    assert "No date under" in never and "not positive" in never


def test_save_all_writes_three_figures(build, shipped, tmp_path):
    files = growth_report.save_all(build(), shipped)
    assert len(files) == 3
    for png in files["png"]:
        assert png.startswith(str(tmp_path)) and (tmp_path / png).exists()
        assert (tmp_path / png).with_suffix(".txt").exists()


def test_findings_of_the_default_run_say_refused_and_give_the_date_range(build):
    ga = build()
    f = growth_report.findings(ga)
    assert f.status == "refused" and f.report == "02_online_rate_growth"
    assert "3 figures are on 3 scopes" in f.headline
    dates = sorted(c.fit.time_to_target(80.0).date for c in ga.grid)
    assert len(f.sentences) == 1
    assert i18n.date(dates[0], short=True) in f.sentences[0] and i18n.date(dates[-1], short=True) in f.sentences[0]


def test_findings_with_a_main_curve_are_an_estimate(build):
    f = growth_report.findings(build(offsets=["provincial_centre:0"]))
    assert f.status == "estimate" and "80%" in f.headline


def test_findings_without_data_are_refused(build):
    f = growth_report.findings(build(province="Hòa Bình"))
    assert f.status == "refused" and "Hòa Bình" in f.headline


def _all_text(ga, shipped) -> str:
    parts = [growth_report.chronology_markdown(ga), growth_report.model_markdown(ga),
             growth_report.limits_markdown(ga), growth_report.grid_table(ga).to_string(),
             *(growth_report.text(k, province=ga.province) for k in growth_report.TEXTS)]
    for fn in (growth_report.fit_figure, growth_report.fan_figure, growth_report.time_to_target_figure):
        fig, _data, caption, alt = fn(ga, shipped)
        parts += [caption, alt] + [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    f = growth_report.findings(ga)
    return "\n".join(parts + [f.headline, *f.sentences])


@pytest.mark.parametrize("kw", [{}, {"offsets": ["provincial_centre:-0.5"]}, {"province": "Hòa Bình"}])
def test_vietnamese_report_has_no_english_stock_phrase(build, shipped, kw):
    ga = build(lang="vi", **kw)
    text = _all_text(ga, shipped)
    found = [s for s in wording.stock_phrases() if s in text]
    assert not found, found
    assert "72,35%" in text or "Hòa Bình" in text
    assert "72.35" not in text
