"""The data-overview report's tables, figures and text."""

import unicodedata

import pandas as pd
import pytest

from analysis import data, i18n
from analysis.reports import overview, wording


def test_indicator_table_has_one_row_per_observation(shipped):
    for prov in shipped.provinces_with_data():
        table = overview.indicator_table(shipped, prov)
        n = (shipped.observations["province"] == prov).sum()
        assert len(table) == n
        assert {"indicator", "scope", "period", "value", "source"} <= set(table.columns)


def test_lower_bound_and_period_are_formatted(shipped):
    table = overview.indicator_table(shipped, "Nghệ An")
    rate = table[table["indicator"] == shipped.indicator_meta("online_dossier_rate")["title"]]
    assert "> 44%" in set(rate["value"])
    assert "15 Jan 2023–15 Feb 2023" in set(rate["period"])
    assert any(v.startswith("72.35% (224,930/310,903)") for v in rate["value"])
    assert any(p.startswith("as of 6 Aug 2025") for p in rate["period"])


def test_vietnamese_table_follows_vietnamese_conventions(shipped, monkeypatch):
    monkeypatch.setattr(i18n, "_current", "vi")
    table = overview.indicator_table(shipped, "Nghệ An")
    rate = table[table["chỉ tiêu"] == "Tỷ lệ hồ sơ trực tuyến"]
    assert "15/01/2023–15/02/2023" in set(rate["kỳ"])
    assert any(v.startswith("72,35% (224.930/310.903)") for v in rate["giá trị"])
    assert any(p.startswith("tính đến 06/08/2025") for p in rate["kỳ"])
    assert "Toàn tỉnh (mọi cấp)" in set(rate["phạm vi"])
    assert "Ngày cuối kỳ báo cáo" not in table.columns


def test_timeline_plots_only_online_rates_with_bounds_as_arrows(shipped):
    fig, plotted, caption, alt = overview.timeline_figure(shipped, "Nghệ An")
    assert set(plotted["obs_id"]) == set(overview.online_rate_observations(shipped, "Nghệ An")["obs_id"])
    ax = fig.axes[0]
    markers = [c.get_paths()[0].vertices.round(2).tolist() for c in ax.collections]
    assert len(markers) == len(plotted)
    # the lower bound is drawn with an arrow annotation, not only a point
    assert any(getattr(t, "arrow_patch", None) is not None for t in ax.texts)
    # no line joins points of different scopes: every line has a single y value
    for line in ax.get_lines():
        ys = set(line.get_ydata())
        assert len(ys) == 1
    for sid in plotted["source_id"].unique():
        assert wording.source_key(shipped, sid) in caption
    assert "not one time series" in caption


def test_province_without_online_rates_says_so(shipped):
    fig, plotted, caption, alt = overview.timeline_figure(shipped, "Hòa Bình")
    assert plotted.empty
    text = overview.describe_online_rates(shipped, "Hòa Bình")
    assert "No online-dossier-rate figure" in text and "would need" in text
    assert "no online dossier rate" in alt


def test_describe_flags_mixed_scopes(shipped):
    text = overview.describe_online_rates(shipped, unicodedata.normalize("NFD", "Nghệ An"))
    assert "different scopes" in text
    # chronological by end of period: the 44% (Feb 2023) before the 33.7% (Jan-Sep 2023)
    assert text.index("> 44%") < text.index("33.7%") < text.index("72.35%")


def test_unknown_province_raises(shipped):
    with pytest.raises(data.UnknownProvinceError, match="known provinces"):
        overview.indicator_table(shipped, "Atlantis")


def test_coverage_summary_counts_match(shipped):
    cov = overview.coverage_summary(shipped)
    assert cov["n"].sum() == len(shipped.observations)
    assert (cov["first"] <= cov["last"]).all()


def test_coverage_figure_cites_every_source(shipped):
    fig, plotted, caption, alt = overview.coverage_figure(shipped, "Nghệ An")
    for sid in plotted["source_id"].unique():
        assert wording.source_key(shipped, sid) in caption
    assert isinstance(plotted["period_end"].iloc[0], pd.Timestamp)


@pytest.mark.parametrize("value,unit,bound,expected", [
    (44.0, "percent", "lower", "> 44%"),
    (0.004, "percent", "exact", "0.004%"),
    (1443007.0, "accounts", "exact", "1,443,007 accounts"),
    (4.5, "points", "exact", "4.5 points"),
])
def test_format_value(value, unit, bound, expected):
    row = pd.Series({"value": value, "unit": unit, "bound": bound, "numerator": pd.NA, "denominator": pd.NA})
    assert overview.format_value(row) == expected


def test_vietnamese_overview_has_no_english_stock_phrase(shipped, monkeypatch):
    import matplotlib.pyplot as plt
    monkeypatch.setattr(i18n, "_current", "vi")
    parts = []
    for prov in ("Nghệ An", "Hòa Bình"):
        parts += [overview.describe_online_rates(shipped, prov), overview.coverage_table(shipped).to_string(),
                  *(overview.text(k, province=prov) for k in overview.TEXTS)]
        for fn in (overview.timeline_figure, overview.coverage_figure):
            fig, _data, caption, alt = fn(shipped, prov)
            parts += [caption, alt] + [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
            plt.close(fig)
        f = overview.findings(shipped, prov)
        parts += [f.headline, *f.sentences]
    text = "\n".join(parts)
    found = [s for s in wording.stock_phrases() if s in text]
    assert not found, found
    assert "72,35%" in text and "72.35" not in text


def test_findings_count_the_rates_and_their_scopes(shipped):
    f = overview.findings(shipped, "Nghệ An")
    assert f.status == "descriptive" and "3 online dossier rates" in f.headline and "3 scope" in f.headline
    assert "72.35%" in f.sentences[0]
    f = overview.findings(shipped, "Hòa Bình")
    assert "none of them an online dossier rate" in f.headline and f.sentences == []

def test_a_province_with_no_figure_gets_an_empty_table_not_an_error():
    # Phú Thọ (since 1 Jul 2025) has index scores but no reported figure in observations.csv.
    from analysis import data as data_mod, i18n

    ds = data_mod.load()
    assert ds.observations[ds.observations["province"] == "Phú Thọ"].empty
    i18n.set_language("en")
    table = overview.indicator_table(ds, "Phú Thọ")
    assert table.empty and list(table.columns) == list(overview.indicator_table(ds, "Nghệ An").columns)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_related_indicators_are_named_by_their_titles_not_their_codes(shipped, lang):
    i18n.set_language(lang)
    text = overview.describe_online_rates(shipped, "Hòa Bình")  # no online rate, related indicators
    assert "online_payment_dossier_rate" not in text and "`" not in text
    title = shipped.indicator_meta("online_payment_dossier_rate")["title"]
    assert wording.indicator_title(title) in text
    i18n.set_language("en")
