"""Synthetic control and staggered DiD for the fee policies: agreement with independent
libraries (pysyncon, differences), recovery of a known effect, refusals, and the
placebo p-value's smallest attainable value."""

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.models import policy_panel as pp
from analysis.models import policy_sim as ps
from analysis.models import staggered as st
from analysis.models import staggered_placebo as sp
from analysis.models import synth
from analysis.models import synth_inference as si


def _wide(seed=3, **kw):
    return pp.wide(ps.simulate(ps.SimDesign(**kw), seed=seed), "CLGQ")


def _donors(w):
    return [c for c in w.columns if c.startswith("Donor")]


@pytest.mark.parametrize("seed", [3, 11])
def test_simplex_weights_agree_with_pysyncon(seed):
    from pysyncon import Synth
    w = _wide(seed, n_donors=12)
    don = _donors(w)
    pre = w.loc[w.index < "2023-11"]
    s = synth.fit(w, "Nghệ An", "2023-11", don)
    ref = Synth()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref.fit(X0=pre[don], X1=pre["Nghệ An"], Z0=pre[don], Z1=pre["Nghệ An"], custom_V=np.ones(len(pre)))
    W = np.asarray(ref.W, float)
    assert abs(s.weights.sum() - 1) < 1e-9 and (s.weights >= 0).all()
    # Ours solves the same problem at least as well, and lands on the same weights.
    assert s.pre_rmspe <= synth.rmspe(pre["Nghệ An"] - pre[don].to_numpy() @ W) + 1e-6
    assert np.abs(W - s.weights).max() < 0.03
    post = w.loc[w.index >= "2023-11"]
    assert abs((post["Nghệ An"] - post[don].to_numpy() @ W).mean() - s.effect) < 0.15


def test_synthetic_control_recovers_an_exact_mixture():
    w = _wide(5, n_donors=10)  # idiosyncratic noise makes the donors linearly independent
    don = _donors(w)
    true = np.array([0.5, 0.3, 0.2])
    w["Nghệ An"] = w[don[:3]].to_numpy() @ true + 4.0 * (w.index >= "2023-11")
    s = synth.fit(w, "Nghệ An", "2023-11", don)
    assert s.refusal is None
    assert np.allclose(s.weights[:3], true, atol=1e-4)
    assert abs(s.effect - 4.0) < 1e-3


def test_refuses_short_pre_period_poor_fit_and_few_donors():
    w = _wide(2, n_donors=10)
    don = _donors(w)
    short = synth.fit(w, "Nghệ An", w.index[3], don)
    assert short.refusal and "pre-period months" in short.refusal
    far = w.copy()
    far["Nghệ An"] = 99.0  # above every donor: outside their convex hull
    far.loc[far.index < "2023-11", "Nghệ An"] = 99.0 - np.arange((far.index < "2023-11").sum()) % 2 * 10
    poor = synth.fit(far, "Nghệ An", "2023-11", don)
    assert poor.refusal and "poor pre-period fit" in poor.refusal
    few = synth.fit(w, "Nghệ An", "2023-11", don[:2])
    assert few.refusal and "donor" in few.refusal


def test_placebo_p_value_and_its_floor():
    w = _wide(7, n_donors=19, effect=0.0)
    s = synth.fit(w, "Nghệ An", "2023-11", _donors(w))
    inf = si.infer(w, s)
    assert inf.smallest_p == pytest.approx(1 / 20)
    assert inf.smallest_p <= inf.p_value <= 1
    # The p-value is the treated ratio's rank among the 20 ratios; a large effect ranks it near the top.
    big = w.copy()
    big.loc[big.index >= "2023-11", "Nghệ An"] += 25
    s2 = synth.fit(big, "Nghệ An", "2023-11", _donors(w))
    inf2 = si.infer(big, s2)
    ratios = np.array(list(inf2.placebo_ratios.values()))
    assert len(ratios) == 19
    assert inf2.p_value == pytest.approx((1 + np.sum(ratios >= inf2.ratio)) / 20)
    assert inf2.p_value <= 0.1 < inf.p_value
    assert inf2.ci_low is not None and inf2.ci_low < s2.effect < inf2.ci_high
    assert set(inf2.leave_one_out) == {d for d, x in zip(s2.donors, s2.weights) if x > 0.01}


def test_interval_is_the_inverted_test():
    w = _wide(8, n_donors=30, effect=3.0)
    s = synth.fit(w, "Nghệ An", "2023-11", _donors(w))
    inf = si.infer(w, s, loo=False)
    ratios = np.array(list(inf.placebo_ratios.values()))
    post = s.gap[s.n_pre:]

    def p_at(d):
        r = synth.rmspe(post - d) / s.pre_rmspe
        return (1 + np.sum(ratios >= r)) / (len(ratios) + 1)
    for d in (inf.ci_low + 1e-6, inf.ci_high - 1e-6):
        assert p_at(d) > 0.05
    for d in (inf.ci_low - 0.05, inf.ci_high + 0.05):
        assert p_at(d) <= 0.05


def _differences_gt(w, cohorts, control):
    from differences import ATTgt
    idx = {m: i for i, m in enumerate(w.index)}
    long = w.stack().rename("y").reset_index()
    long.columns = ["month", "province", "y"]
    long["t"] = long["month"].map(idx)
    long["cohort"] = long["province"].map(lambda p: idx.get(cohorts.get(p), np.nan) if cohorts.get(p) else np.nan)
    long["id"] = long["province"].astype("category").cat.codes
    att = ATTgt(data=long.set_index(["id", "t"])[["y", "cohort"]], cohort_column="cohort", base_period="universal")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        att.fit("y", control_group=control, progress_bar=False)
    res = att.results()
    res.columns = [c[-1] for c in res.columns]
    res = res.reset_index()
    res["cohort"] = [w.index[int(c)] for c in res["cohort"]]
    res["month"] = [w.index[int(t)] for t in res["time"]]
    return res, att


@pytest.mark.parametrize("control", ["never_treated", "not_yet_treated"])
def test_group_time_effects_agree_with_differences(control):
    w = _wide(4, n_donors=25, effect=2.0)
    ours = st.estimate(w, ps.REAL_STARTS, control=control)
    ref, att = _differences_gt(w, ps.REAL_STARTS, control)
    m = ours.gt.merge(ref, on=["cohort", "month"], suffixes=("", "_ref"))
    m = m[m["e"] != -1]
    assert len(m) == len(ours.gt)
    assert np.allclose(m["att"], m["ATT"], atol=1e-8)
    # Standard errors: both from influence functions; agree to a few percent.
    rel = (m["se"] / m["std_error"]).to_numpy()
    assert np.nanmax(np.abs(rel - 1)) < 0.1
    simple = att.aggregate("simple")
    simple.columns = [c[-1] for c in simple.columns]
    assert ours.att == pytest.approx(float(simple["ATT"].iloc[0]), abs=1e-8)
    assert ours.se == pytest.approx(float(simple["std_error"].iloc[0]), rel=0.05)
    ev = att.aggregate("event")
    ev.columns = [c[-1] for c in ev.columns]
    ev = ev.reset_index().rename(columns={"relative_period": "e"})
    me = ours.event_study.merge(ev, on="e")
    assert len(me) == len(ours.event_study)
    assert np.allclose(me["att"], me["ATT"], atol=1e-8)
    assert np.nanmax(np.abs(me["se"] / me["std_error"] - 1)) < 0.05


def test_staggered_recovers_a_known_effect_and_flat_leads():
    w = _wide(9, n_donors=40, effect=4.0, noise_sd=0.3, factor_sd=0.0, trend_sd=0.0)
    r = st.estimate(w, ps.REAL_STARTS)
    assert abs(r.att - 4.0) < 0.5
    leads = r.event_study[r.event_study["e"] < -1]
    assert leads["att"].abs().max() < 1.0
    assert set(r.cohorts) == {"2023-07", "2023-11", "2024-07"}


def test_placebo_p_of_staggered_design_is_a_rank():
    w = _wide(10, n_donors=20, effect=0.0)
    r = st.estimate(w, ps.REAL_STARTS)
    p = sp.placebo_p(w, ps.REAL_STARTS, r.att, reps=39, seed=1)
    assert p in {k / 40 for k in range(1, 41)}
    p_big = sp.placebo_p(w, ps.REAL_STARTS, 50.0, reps=39, seed=1)
    assert p_big == pytest.approx(1 / 40)


def test_policy_starts_from_the_shipped_table(shipped):
    starts = pp.policy_starts(shipped.policies)
    assert starts["Nghệ An"].month == "2023-11" and starts["Nghệ An"].basis == "in_force"
    assert starts["Hòa Bình"].month == "2023-07" and starts["Hòa Bình"].basis == "date_adopted"
    assert starts["Quảng Nam"].month == "2024-07" and starts["Quảng Nam"].basis == "in_force_month"
    assert starts["Huế"].month is None
    d = pp.donors(["Nghệ An", "Huế", "Quảng Nam", "Lào Cai"], starts, "Nghệ An", "2025-06")
    assert d == ["Lào Cai"]
    # A policy after the window does not exclude a donor.
    assert "Quảng Nam" in pp.donors(["Quảng Nam"], starts, "Nghệ An", "2024-06")


def test_check_panel_names_row_and_column():
    df = pd.DataFrame({"province": ["A", "B", "C"], "month": ["2024-01", "2024-13", "2024-02"],
                       "group": ["g"] * 3, "ratio": [50, 10, "x"]})
    probs = pp.check_panel(df, "p.csv")
    assert {(p.line, p.column) for p in probs} == {(3, "month"), (4, "ratio")}
    assert pp.check_panel(df.drop(columns="ratio"))[0].column == "ratio"


def test_staggered_placebo_interval_inverts_the_test():
    w = _wide(12, n_donors=30, effect=4.0)
    r = st.estimate(w, ps.REAL_STARTS)
    a, b = sp.placebo_stats(w, ps.REAL_STARTS, reps=99, seed=2)
    lo, hi = sp.interval(r.att, a, b, 0.95)
    assert lo < r.att < hi
    assert sp.p_values(r.att, a, b, [lo + 1e-3, hi - 1e-3]).min() > 0.05
    assert sp.p_values(r.att, a, b, [lo - 0.05, hi + 0.05]).max() <= 0.05
    # The shortcut (a - d b) equals recomputing each reassignment on Y - d D.
    d = 1.7
    D = sp._treatment(w, ps.REAL_STARTS)
    a2, _b2 = sp.placebo_stats(w - d * D, ps.REAL_STARTS, reps=99, seed=2)
    assert np.allclose(a2, a - d * b, atol=1e-9)
    assert sp.p_values(r.att, a, b, [0.0])[0] == pytest.approx(sp.placebo_p(w, ps.REAL_STARTS, r.att, reps=99, seed=2))
