"""Figures of the fee-discount report: event study, province-wide series and scenarios."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.models import scenarios
from analysis.reports import plotting
from analysis.data import Dataset

if TYPE_CHECKING:
    from analysis.reports.discount import Estimates, PanelInput, PolicyInfo


def _sim_caption(inp: PanelInput, scope: str = "discounted") -> str:
    """Return the SIMULATED preamble of a caption with the true effect on ``scope``
    ("discounted" procedures, or "province"-wide including the simulated national policy)."""
    if not inp.simulated:
        return ""
    t = inp.truth
    if scope == "province":
        truth = (f"true province-wide changes {t['true_effect_pp_province']:+.2f} pp from the discount and "
                 f"{t['true_national_effect_pp_province'] or 0:+.2f} pp from the national policy")
    else:
        truth = f"true effect {t['true_effect_pp_discounted']:+.2f} pp on the discounted procedures"
    return f"SIMULATED data from analysis.models.simulate (seed {t['seed']}), {truth}: not an observation. "


def event_study_figure(est: Estimates, ds: Dataset, policy: PolicyInfo, inp: PanelInput):
    """Return (fig, plotted frame, caption, alt text) of the event-study coefficients in pp;
    a blank panel with the reason (plotted frame None) when the DiD was refused."""
    d = est.did
    fig, ax = plotting.new_figure()
    title = f"Did the online fee discount move the discounted procedures? {policy.province}"
    if d is None:
        plotting.empty_panel(ax, f"No difference-in-differences: {est.did_refusal}")
        caption = _sim_caption(inp) + f"The procedure-level comparison was refused: {est.did_refusal}"
        plotting.finish(fig, title=title, caption=caption, simulated=inp.simulated)
        return fig, None, caption, f"Blank figure: the difference-in-differences was refused. {est.did_refusal}"
    es = d.event_study.copy()
    pre = es[es["period"] != "post"]
    post = es[es["period"] == "post"]
    for part, colour, label in ((pre, plotting.PALETTE[0], "before the discount (leads: should be ~0)"),
                                (post, plotting.PALETTE[3], "after the discount")):
        ax.errorbar(part["event_month"], part["effect_pp"],
                    yerr=[part["effect_pp"] - part["ci_low_pp"], part["ci_high_pp"] - part["effect_pp"]],
                    fmt="o", color=colour, capsize=2, label=label)
    ax.axhline(0, color="#444444", lw=0.8)
    ax.axvline(0, color="#999999", ls="--", lw=0.8)
    ax.axhspan(d.ci_low_pp, d.ci_high_pp, xmin=0.5, color=plotting.PALETTE[3], alpha=0.10,
               label=f"pooled effect {d.effect_pp:+.1f} pp, 95% CI {d.ci_low_pp:+.1f} to {d.ci_high_pp:+.1f}")
    ax.set_xlabel(f"Months relative to the policy month ({pd.Period(policy.date, 'M')}, left out as partly treated)"
                  if policy.date.day != 1 else f"Months relative to the policy month ({pd.Period(policy.date, 'M')})")
    ax.set_ylabel("Discounted minus other procedures (pp)")
    ax.legend(loc="upper left", fontsize=8)
    pre_txt = (f"Pre-trend tests (wild bootstrap): linear trend of the discounted procedures before the "
               f"policy p = {d.pretrend_p_value:.3f}"
               + (f"; all {d.pretrend_n_leads} leads jointly p = {d.pretrend_joint_p_value:.3f}"
                  if d.pretrend_joint_p_value is not None else "") + ". "
               if d.pretrend_p_value is not None else "")
    caption = (_sim_caption(inp)
               + f"Event study: binomial GLM of each procedure-month's online share with procedure and month "
               f"fixed effects, {d.n_discounted_procedures} discounted vs {d.n_other_procedures} other procedures "
               f"in {policy.province}; reference month -1. Points are average marginal effects on the discounted "
               "procedures; bars are pointwise 95% intervals from CR1 cluster-robust errors with t(G-1) (an "
               "approximation); the shaded band is the pooled effect's wild cluster bootstrap interval. "
               f"{pre_txt}Policy: {policy.policy_name}, {policy.date} ({policy.date_note}). "
               + ds.citation(policy.source_ids))
    plotting.finish(fig, title=title,
                    subtitle="Event study: leads show pre-trends, lags the effect", caption=caption,
                    simulated=inp.simulated)
    alt = (f"Dot plot of monthly differences in online share between discounted and other procedures in "
           f"{policy.province}, from {int(es['event_month'].min())} to {int(es['event_month'].max())} months "
           f"around the policy; pooled effect {d.effect_pp:+.1f} pp.")
    return fig, es, caption, alt


def its_figure(est: Estimates, ds: Dataset, policy: PolicyInfo, inp: PanelInput):
    """Return (fig, plotted frame or None, caption, alt text) of the province-wide series with
    the segmented fit and its no-change counterfactual; a blank panel with the reason when
    the series was refused."""
    i, refusal = est.its, est.its_refusal
    fig, ax = plotting.new_figure()
    if i is None:
        plotting.empty_panel(ax, f"No interrupted time series: {refusal}")
        caption = _sim_caption(inp, "province") + f"The province-wide series could not be analysed: {refusal}"
        plotting.finish(fig, title=f"Province-wide online share around the discount, {policy.province}",
                        caption=caption, simulated=inp.simulated)
        return fig, None, caption, "Blank figure: the time series was refused. " + (refusal or "")
    sr = i.series.copy()
    x = sr["month"].dt.to_timestamp()
    ax.plot(x, 100 * sr["share"], "o", color=plotting.PALETTE[0], label="observed monthly share")
    for period in ("pre", "post"):
        m = sr["period"] == period
        ax.plot(x[m], 100 * sr.loc[m, "fitted_share"], color=plotting.PALETTE[0],
                label="segmented fit" if period == "pre" else None)
    post = sr["period"] == "post"
    ax.plot(x[post], 100 * sr.loc[post, "counterfactual_share"], ls="--", color="#444444",
            label="pre-period trend continued (no change)")
    ax.axvline(pd.Timestamp(policy.date), color=plotting.PALETTE[3], ls=":", label=f"discount {policy.date}")
    rows = inp.panel[inp.panel["province"] == policy.province]
    cited = list(policy.source_ids)
    for w in ds.policies.itertuples():
        when = w.date_effective if pd.notna(w.date_effective) else w.date_adopted
        if (pd.notna(when) and w.level == "national" and rows["month"].min().start_time <= when
                <= rows["month"].max().end_time):
            ax.axvline(when, color=plotting.PALETTE[4], ls="-.", label=f"national: {w.document} ({when.date()})")
            cited.append(w.source_id)
    ax.set_xlabel("Month")
    ax.set_ylabel("Online share of all dossiers, province-wide (%)")
    ax.legend(loc="upper left", fontsize=8)
    caption = (_sim_caption(inp, "province")
               + f"Interrupted time series (secondary design): segmented OLS on the monthly logit share of all "
               f"procedures; level change at the first post month {i.effect_pp:+.2f} pp (95% CI "
               f"{i.ci_low_pp:+.2f} to {i.ci_high_pp:+.2f}, p = {i.p_value:.3f}) with a critical value "
               f"calibrated by simulation ({i.critical_value:.2f}; the textbook {i.critical_value_naive:.2f} would "
               f"reject a true null {100 * i.size_naive_test:.0f}% of the time here). It measures every change at "
               "that date, including national policies, not the discount alone. " + ds.citation(cited))
    plotting.finish(fig, title=f"Province-wide online share around the discount, {policy.province}",
                    subtitle="Secondary design: everything that changed at once, not the discount alone",
                    caption=caption, simulated=inp.simulated)
    alt = (f"Monthly province-wide online share of {policy.province} with a segmented trend; the level change "
           f"at the discount is {i.effect_pp:+.1f} pp.")
    plotted = sr.assign(month=sr["month"].astype(str))
    return fig, plotted, caption, alt


def scenario_curves(est: Estimates, policy: PolicyInfo, response: scenarios.ResponseRange, fee_vnd=None,
                    reference_fee_vnd=None) -> pd.DataFrame:
    """Return the scenario uptake curves at the discounted procedures' baseline share."""
    return scenarios.uptake_curves(est.baseline_share_pct / 100, response, fee_vnd=fee_vnd,
                                   reference_fee_vnd=reference_fee_vnd)


def scenario_figure(curves: pd.DataFrame, est: Estimates, mde_did_pp: float, ds: Dataset, policy: PolicyInfo,
                    inp: PanelInput, response: scenarios.ResponseRange):
    """Return (fig, plotted frame, caption, alt text) of the SCENARIO uptake curves with the MDE."""
    fig, ax = plotting.new_figure()
    x = curves["discount_pct"]
    base = est.baseline_share_pct
    ax.fill_between(x, curves["share_low_pct"], curves["share_high_pct"], color=plotting.PALETTE[0], alpha=0.2,
                    label=f"assumed range ({response.low:g} to {response.high:g} logit per 10% discount)")
    ax.plot(x, curves["share_central_pct"], color=plotting.PALETTE[0],
            label=f"central assumption ({response.central:g} per 10%)")
    if np.isfinite(mde_did_pp):
        ax.axhline(base + mde_did_pp, color=plotting.PALETTE[3], ls="--",
                   label=f"baseline + minimum detectable effect ({mde_did_pp:.1f} pp)")
    ax.axhline(base, color="#444444", lw=0.8, label=f"baseline share {base:.1f}%")
    ax.axvline(policy.discount_pct, color="#999999", ls=":", label=f"{policy.discount_pct:g}% discount")
    ax.set_xlabel("Discount for online submission (% of the in-person fee)")
    ax.set_ylabel("Online share of the discounted procedures (%)")
    ax.legend(loc="upper left", fontsize=8)
    caption = ("SCENARIO, not an estimate: no published price elasticity of channel choice exists (DOMAIN.md), so "
               "the response is an assumed change in logit(online share) per 10 points of discount. "
               + _sim_caption(inp)
               + f"Baseline: the discounted procedures' share without the discount ({base:.1f}%; the DiD's "
               "prediction, or their last three pre-period months when the DiD was refused). "
               f"Discount: {policy.discount_pct:g}% ({policy.discount_note}). " + ds.citation(policy.source_ids))
    plotting.finish(fig, title=f"SCENARIO: online uptake against the size of the discount, {policy.province}",
                    subtitle="Assumed response range; the dashed line is the smallest effect the data could detect",
                    caption=caption, simulated=inp.simulated)
    alt = ("Line with a band showing assumed online share of the discounted procedures rising with the discount, "
           f"from {base:.1f}% at no discount; a dashed line marks the detectable threshold.")
    frame = curves.copy()
    return fig, frame, caption, alt
