"""The data-overview report's tables, figures and text."""

import unicodedata

import pandas as pd
import pytest

from analysis import data
from analysis.reports import overview


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
    assert "15/01/2023–15/02/2023" in set(rate["period"])
    assert any(v.startswith("72.35% (224,930/310,903)") for v in rate["value"])
    assert any(p.startswith("as of 06/08/2025") for p in rate["period"])


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
        assert f"[{sid}]" in caption
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
        assert f"[{sid}]" in caption
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
