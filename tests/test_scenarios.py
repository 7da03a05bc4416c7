"""Scenario curves and the procedure-to-province translation (analysis.models.scenarios)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.models import scenarios

R = scenarios.ResponseRange(0.0, 0.05, 0.15)


def test_curves_start_at_the_baseline_and_are_ordered():
    c = scenarios.uptake_curves(0.4, R)
    assert c["discount_pct"].tolist()[0] == 0 and c["discount_pct"].tolist()[-1] == 100
    assert np.allclose(c.loc[0, ["share_low_pct", "share_central_pct", "share_high_pct"]], 40)
    assert (c["share_low_pct"] <= c["share_central_pct"]).all()
    assert (c["share_central_pct"] <= c["share_high_pct"]).all()
    assert np.all(np.diff(c["share_high_pct"]) > 0)
    assert (c["scenario"] == scenarios.LABEL).all() and "not an estimate" in scenarios.LABEL


def test_semi_elasticity_is_per_ten_points_of_discount():
    c = scenarios.uptake_curves(0.5, R, discounts=[40])
    # logit(0.5) = 0; 40% discount at 0.05 per 10% -> logit 0.2
    assert c["share_central_pct"].iloc[0] == pytest.approx(100 / (1 + np.exp(-0.2)))


def test_fee_scales_the_response():
    small = scenarios.uptake_curves(0.4, R, discounts=[40], fee_vnd=20_000, reference_fee_vnd=100_000)
    big = scenarios.uptake_curves(0.4, R, discounts=[40], fee_vnd=200_000, reference_fee_vnd=100_000)
    assert small["uplift_high_pp"].iloc[0] < big["uplift_high_pp"].iloc[0]
    # 0.15 logit per 10 points x 4 x (20,000 / 100,000) = 0.12 logit added to logit(0.4)
    expected = 100 / (1 + np.exp(-(np.log(0.4 / 0.6) + 0.12)))
    assert small["share_high_pct"].iloc[0] == pytest.approx(expected)
    assert small["uplift_high_pp"].iloc[0] == pytest.approx(expected - 40)
    with pytest.raises(ValueError, match="both"):
        scenarios.uptake_curves(0.4, R, fee_vnd=20_000)


def test_province_uplift_is_share_times_uplift_and_compared_with_mdes():
    t = scenarios.province_table(0.4, 40, R, 0.1, mde_did_pp=3.0, mde_its_pp=5.0)
    assert t["uplift_province_pp"].tolist() == pytest.approx((0.1 * t["uplift_discounted_pp"]).tolist())
    assert t["detectable_by_did"].tolist() == [False, True, True]
    assert not t["detectable_by_its"].any()
    assert (t["label"] == scenarios.LABEL).all()


@pytest.mark.parametrize("bad", [dict(base_share=0.0), dict(base_share=1.0)])
def test_bad_base_share(bad):
    with pytest.raises(ValueError, match="base_share"):
        scenarios.uptake_curves(response=R, **bad)


def test_bad_range_discount_and_share():
    with pytest.raises(ValueError, match="low <= central <= high"):
        scenarios.ResponseRange(0.2, 0.1, 0.3)
    with pytest.raises(ValueError, match=r"\[low, central, high\]"):
        scenarios.ResponseRange.from_list([0.1, 0.2])
    with pytest.raises(ValueError, match="0 to 100"):
        scenarios.uptake_curves(0.4, R, discounts=[120])
    with pytest.raises(ValueError, match="discounted_dossier_share"):
        scenarios.province_table(0.4, 40, R, 1.5)
