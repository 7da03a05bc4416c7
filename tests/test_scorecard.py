"""The scorecard model: ranks and distribution positions, the national figure, Wilson
intervals (agreement with an independent formula, coverage by simulation), refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from analysis import cli, data
from analysis.errors import Refused
from analysis.models import scorecard
from portal_fixtures import data_folder, response, write


@pytest.fixture(scope="module")
def shipped():
    return data.load()


def _wilson_by_hand(k, n, level=0.95):
    # Wilson (1927): centre (p + z²/2n)/(1 + z²/n), half-width z/(1+z²/n)·sqrt(p(1-p)/n + z²/4n²).
    z = stats.norm.ppf(0.5 + level / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


@pytest.mark.parametrize("k,n", [(0, 10), (3, 10), (10, 10), (291204, 332654), (1, 1000)])
def test_wilson_agrees_with_the_formula(k, n):
    lo, hi = scorecard.wilson([k], [n])
    elo, ehi = _wilson_by_hand(k, n)
    assert lo[0] == pytest.approx(elo, abs=1e-9) and hi[0] == pytest.approx(ehi, abs=1e-9)


def test_wilson_coverage_by_simulation():
    rng = np.random.default_rng(2026)
    for p, n in ((0.9, 200), (0.5, 50), (0.97, 1000)):
        k = rng.binomial(n, p, size=4000)
        lo, hi = scorecard.wilson(k, np.full_like(k, n))
        cover = np.mean((lo <= 100 * p) & (100 * p <= hi))
        assert 0.93 <= cover <= 0.97, (p, n, cover)


def test_wilson_refuses_impossible_counts():
    with pytest.raises(ValueError):
        scorecard.wilson([5], [4])
    with pytest.raises(ValueError):
        scorecard.wilson([0], [0])


def test_ranks_positions_and_national_on_a_written_snapshot(tmp_path):
    d = data_folder(tmp_path)
    obj = response(seed=21)
    f = write(tmp_path / "r.json", obj)
    assert cli.main(["portal", "import", str(f), "--retrieved", "2027-06-30", "--time-type", "year",
                     "--year", "2027", "--data", str(d)]) == 0
    card = scorecard.build(data.load(d), "Nghe An")
    ev = {e["departmentCode"]: e for e in obj["data"]["evaluation"]}
    mine = ev["H41"]
    totals = sorted((e["totalScore"] for e in ev.values()), reverse=True)
    t = card.total
    assert t["score"] == pytest.approx(mine["totalScore"])
    assert t["rank"] == totals.index(mine["totalScore"]) + 1 and t["n"] == len(ev)
    assert t["below"] == pytest.approx(sum(x < mine["totalScore"] for x in totals) / (len(ev) - 1))
    assert t["median"] == pytest.approx(np.median(totals))
    assert t["national"] == pytest.approx(obj["data"]["overview"]["totalScore"])
    g = card.groups.set_index("group")
    assert g.loc["CKMB", "national"] == pytest.approx(10.0)  # the radar's CKMB
    assert math.isnan(g.loc["CLGQ", "national"]) and math.isnan(g.loc["TTTT", "national"])  # merged in the radar
    assert card.counts.empty and card.counts_snapshot is None  # no crawler file for that day
    assert list(card.history["retrieved"]) == ["2027-06-30"]


def test_shipped_nghe_an_counts_and_history(shipped):
    card = scorecard.build(shipped, "Nghệ An")
    assert card.snapshot["retrieved"] == "2026-10-10"
    assert card.total["score"] == pytest.approx(61.82) and card.total["rank"] == 21
    assert list(card.history["score"]) == [59.43, 59.42, 61.82]
    assert list(card.counts["measure"]) == ["PAID_ONLINE", "ON_TIME", "DOSSIER_RECEIVING_SATISFACTION"]
    assert ((card.counts["low"] < card.counts["percent"]) & (card.counts["percent"] < card.counts["high"])).all()
    older = scorecard.build(shipped, "Nghệ An", "2026-10-02")
    assert older.total["score"] == pytest.approx(59.42) and older.counts.empty


def test_phu_tho_carries_its_lineage_and_hoa_binh_is_refused(shipped):
    assert set(scorecard.build(shipped, "Phú Thọ").predecessors) == {"Hòa Bình", "Vĩnh Phúc"}
    with pytest.raises(Refused, match="part of Phú Thọ"):
        scorecard.build(shipped, "Hòa Bình")
    with pytest.raises(Refused, match="2026-09-27"):
        scorecard.build(shipped, "Nghệ An", "2025-01-01")


def test_no_snapshot_is_refused_with_what_to_run(tmp_path):
    d = data_folder(tmp_path)
    with pytest.raises(Refused, match="analysis portal import"):
        scorecard.build(data.load(d), "Nghệ An")
