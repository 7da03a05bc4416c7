"""The national overview's numbers: the league table, moves in rank, revisions between
retrievals and the national counts, checked against scores.csv read independently."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import config, i18n
from analysis.data.portal.groups import GROUPS
from analysis.errors import Refused
from analysis.models import national
from analysis.reports.national import words

SCORES = config.DATA_DIR / "portal" / "scores.csv"


@pytest.fixture(scope="module")
def overview(shipped):
    return national.build(shipped)


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _totals(retrieved: str) -> pd.Series:
    s = pd.read_csv(SCORES, dtype={"department_code": str})
    s = s[(s["retrieved"] == retrieved) & (s["group"] == "TOTAL")]
    return s.set_index("province")


def test_league_is_the_latest_retrieval_best_first(overview):
    lg = overview.league
    assert overview.snapshot["retrieved"] == "2026-10-10"
    assert len(lg) == 34 and lg["province"].is_unique and lg["code"].str.fullmatch(r"\d\d").all()
    assert lg["rank"].is_monotonic_increasing and lg["total"].is_monotonic_decreasing
    raw = _totals("2026-10-10")
    assert (lg.set_index("province")["total"] == raw["score"]).all()
    for g in GROUPS:
        assert lg[f"{g}_ratio"].between(0, 1).all()


def test_moves_in_rank_against_the_previous_retrieval(overview):
    assert overview.previous["retrieved"] == "2026-10-02"
    prev, now = _totals("2026-10-02")["rank"], _totals("2026-10-10")["rank"]
    expected = (prev - now).rename("rank_change")
    got = overview.league.set_index("province")["rank_change"]
    assert (got == expected[got.index]).all()
    assert (got != 0).sum() == overview.revisions.iloc[-1]["rank_moves"]


def test_revisions_between_each_pair_of_retrievals(overview):
    rev = overview.revisions
    assert list(rev["retrieved_from"]) == ["2026-09-27", "2026-10-02"]
    a, b = _totals("2026-10-02")["score"], _totals("2026-10-10")["score"]
    change = (b - a[b.index])
    last = rev.iloc[-1]
    assert last["median_abs_change"] == pytest.approx(change.abs().median())
    assert last["max_abs_change"] == pytest.approx(change.abs().max())
    assert last["max_province"] == change.abs().idxmax()
    assert last["national_change"] == pytest.approx(62.59 - 61.51)


def test_the_first_retrieval_has_nothing_to_compare(shipped):
    ov = national.build(shipped, "2026-09-27")
    assert ov.previous is None and ov.revisions.empty
    assert ov.league["rank_change"].isna().all()
    assert "Only one retrieval" in words.revisions_markdown(ov)
    assert words.league_table(ov)["Move in rank"].iloc[0] == "—"


def test_an_unknown_retrieval_is_refused(shipped):
    with pytest.raises(Refused, match="2026-10-10"):
        national.build(shipped, "2020-01-01")


def test_counts_table_one_column_per_retrieval(overview):
    table = words.counts_table(overview)
    assert list(table.columns[1:]) == ["retrieved 27 Sep 2026", "retrieved 2 Oct 2026", "retrieved 10 Oct 2026"]
    assert table.iloc[0, -1] == "13,913,639"
    i18n.set_language("vi")
    assert words.counts_table(overview).iloc[0, -1] == "13.913.639"


def test_headline_names_leader_trailer_and_national_figure(overview):
    h = words.headline(overview)
    assert h.startswith("Đồng Tháp leads the 34 provinces with 68.8") and "Hà Nội trails" in h and "62.59" in h
    i18n.set_language("vi")
    h = words.headline(overview)
    assert "Đồng Tháp dẫn đầu" in h and "62,59" in h and "10/10/2026" in h
    f = words.findings(overview)
    assert f.report == "08_national_overview" and f.status == "descriptive" and f.lang == "vi"
