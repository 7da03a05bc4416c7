"""Figures of the fee-discount report: event study, province-wide series and scenarios."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.models import calibration, scenarios
from analysis import i18n
from analysis.i18n import _
from analysis.reports import plotting
from analysis.reports.wording import citation
from analysis.data import Dataset
from analysis.reports.discount import absent
from analysis.reports.discount.absent import when_no_policy

if TYPE_CHECKING:
    from analysis.reports.discount import Estimates, PanelInput, PolicyInfo


def _signed(value, decimals: int = 2) -> str:
    from analysis.reports.discount import signed

    return signed(value, decimals)


def _sim_caption(inp: PanelInput, scope: str = "discounted") -> str:
    """Return the SIMULATED preamble of a caption with the true effect on ``scope``
    ("discounted" procedures, or "province"-wide including the simulated national policy)."""
    if not inp.simulated:
        return ""
    t = inp.truth
    if scope == "province":
        truth = _("true province-wide changes {discount} pp from the discount and {national} pp from the national "
                  "policy").format(discount=_signed(t["true_effect_pp_province"]),
                                   national=_signed(t["true_national_effect_pp_province"] or 0))
    else:
        truth = _("true effect {effect} pp on the discounted procedures").format(
            effect=_signed(t["true_effect_pp_discounted"]))
    return _("{stamp} data from the project's panel simulator (seed {seed}), {truth}: not an observation.").format(
        stamp=plotting.simulated_mark(), seed=t["seed"], truth=truth) + " "


def _policy_month(policy: PolicyInfo) -> str:
    return i18n.date(pd.Timestamp(policy.date), short=True)


def _pretrend_text(d) -> str:
    if d.pretrend_p_value is None:
        return ""
    text = _("Pre-trend tests ({how}): linear trend of the discounted procedures before the policy "
             "p = {p}").format(how=calibration.pretrend_note(d), p=i18n.number(d.pretrend_p_value, 3, trim=False))
    if d.pretrend_joint_p_value is not None:
        text += _("; all {n} leads jointly p = {p}").format(n=d.pretrend_n_leads,
                                                            p=i18n.number(d.pretrend_joint_p_value, 3, trim=False))
    return text + ". "


@when_no_policy(absent.no_figure)
def event_study_figure(est: Estimates, ds: Dataset, policy: PolicyInfo, inp: PanelInput):
    """Return (fig, plotted frame, caption, alt text) of the event-study coefficients in pp;
    a blank panel with the reason (plotted frame None) when the DiD was refused; None for a
    province with no policy (no figure)."""
    d = est.did
    fig, ax = plotting.new_figure()
    title = _("Did the online fee discount move the discounted procedures? {province}").format(province=policy.province)
    if d is None:
        plotting.empty_panel(ax, _("No difference-in-differences: {reason}").format(reason=est.did_refusal))
        caption = _sim_caption(inp) + _("The procedure-level comparison was refused: {reason}").format(
            reason=est.did_refusal)
        plotting.finish(fig, title=title, caption=caption, simulated=inp.simulated)
        return fig, None, caption, _("Blank figure: the difference-in-differences was refused. {reason}").format(
            reason=est.did_refusal)
    es = d.event_study.copy()
    pre = es[es["period"] != "post"]
    post = es[es["period"] == "post"]
    for part, colour, label in ((pre, plotting.PALETTE[0], _("before the discount (leads: should be ~0)")),
                                (post, plotting.PALETTE[3], _("after the discount"))):
        ax.errorbar(part["event_month"], part["effect_pp"],
                    yerr=[part["effect_pp"] - part["ci_low_pp"], part["ci_high_pp"] - part["effect_pp"]],
                    fmt="o", color=colour, capsize=2, label=label)
    ax.axhline(0, color="#444444", lw=0.8)
    ax.axvline(0, color="#999999", ls="--", lw=0.8)
    ax.axhspan(d.ci_low_pp, d.ci_high_pp, xmin=0.5, color=plotting.PALETTE[3], alpha=0.10,
               label=_("pooled effect {effect} pp, 95% CI {low} to {high}").format(
                   effect=_signed(d.effect_pp, 1), low=_signed(d.ci_low_pp, 1), high=_signed(d.ci_high_pp, 1)))
    ax.set_xlabel((_("Months relative to the policy month ({month}, left out as partly treated)")
                   if policy.date.day != 1 else _("Months relative to the policy month ({month})")).format(
        month=_policy_month(policy)))
    ax.set_ylabel(_("Discounted minus other procedures (pp)"))
    ax.legend(loc="upper left", fontsize=8)
    caption = (_sim_caption(inp) + _(
        "Event study: binomial GLM of each procedure-month's online share with procedure and month fixed effects, "
        "{discounted} discounted vs {other} other procedures in {province}; reference month -1. Points are average "
        "marginal effects on the discounted procedures; bars are pointwise 95% intervals from CR1 cluster-robust "
        "errors with t(G-1) (an approximation); the shaded band is the pooled effect's wild cluster bootstrap "
        "interval.").format(discounted=d.n_discounted_procedures, other=d.n_other_procedures,
                            province=policy.province) + " "
        + _pretrend_text(d) + _("Policy: {name}, {date} ({note}).").format(
            name=policy.policy_name, date=i18n.date(policy.date), note=policy.date_note)
        + " " + citation(ds, policy.source_ids))
    plotting.finish(fig, title=title, subtitle=_("Event study: leads show pre-trends, lags the effect"),
                    caption=caption, simulated=inp.simulated)
    alt = _("Dot plot of monthly differences in online share between discounted and other procedures in {province}, "
            "from {first} to {last} months around the policy; pooled effect {effect} pp.").format(
        province=policy.province, first=int(es["event_month"].min()), last=int(es["event_month"].max()),
        effect=_signed(d.effect_pp, 1))
    return fig, es, caption, alt


def _national_lines(ax, ds: Dataset, policy: PolicyInfo, inp: PanelInput) -> list[str]:
    """Draw each national policy inside the panel's window; return their source ids."""
    rows = inp.panel[inp.panel["province"] == policy.province]
    cited = []
    for w in ds.policies.itertuples():
        when = w.in_force if pd.notna(w.in_force) else w.date_adopted
        if (pd.notna(when) and w.level == "national" and rows["month"].min().start_time <= when
                <= rows["month"].max().end_time):
            ax.axvline(when, color=plotting.PALETTE[4], ls="-.", label=_("national: {document} ({date})").format(
                document=w.document, date=i18n.date(when)))
            cited.append(w.source_id)
    return cited


@when_no_policy(absent.no_figure)
def its_figure(est: Estimates, ds: Dataset, policy: PolicyInfo, inp: PanelInput):
    """Return (fig, plotted frame or None, caption, alt text) of the province-wide series with
    the segmented fit and its no-change counterfactual; a blank panel with the reason when
    the series was refused; None for a province with no policy (no figure)."""
    i, refusal = est.its, est.its_refusal
    fig, ax = plotting.new_figure()
    title = _("Province-wide online share around the discount, {province}").format(province=policy.province)
    if i is None:
        plotting.empty_panel(ax, _("No interrupted time series: {reason}").format(reason=refusal))
        caption = _sim_caption(inp, "province") + _("The province-wide series could not be analysed: {reason}").format(
            reason=refusal)
        plotting.finish(fig, title=title, caption=caption, simulated=inp.simulated)
        return fig, None, caption, _("Blank figure: the time series was refused. {reason}").format(reason=refusal or "")
    sr = i.series.copy()
    x = sr["month"].dt.to_timestamp()
    ax.plot(x, 100 * sr["share"], "o", color=plotting.PALETTE[0], label=_("observed monthly share"))
    for period in ("pre", "post"):
        m = sr["period"] == period
        ax.plot(x[m], 100 * sr.loc[m, "fitted_share"], color=plotting.PALETTE[0],
                label=_("segmented fit") if period == "pre" else None)
    post = sr["period"] == "post"
    ax.plot(x[post], 100 * sr.loc[post, "counterfactual_share"], ls="--", color="#444444",
            label=_("pre-period trend continued (no change)"))
    ax.axvline(pd.Timestamp(policy.date), color=plotting.PALETTE[3], ls=":",
               label=_("discount {date}").format(date=i18n.date(policy.date)))
    cited = list(policy.source_ids) + _national_lines(ax, ds, policy, inp)
    ax.set_xlabel(_("Month"))
    ax.set_ylabel(_("Online share of all dossiers, province-wide (%)"))
    plotting.date_axis(ax.xaxis)
    ax.legend(loc="upper left", fontsize=8)
    caption = (_sim_caption(inp, "province") + _(
        "Interrupted time series (secondary design): segmented OLS on the monthly logit share of all procedures; "
        "level change at the first post month {effect} pp (95% CI {low} to {high}, p = {p}) with a critical value "
        "calibrated by simulation ({crit}; the textbook {naive} would reject a true null {size} of the time here). "
        "It measures every change at that date, including national policies, not the discount alone.").format(
        effect=_signed(i.effect_pp), low=_signed(i.ci_low_pp), high=_signed(i.ci_high_pp),
        p=i18n.number(i.p_value, 3, trim=False), crit=i18n.number(i.critical_value, 2, trim=False),
        naive=i18n.number(i.critical_value_naive, 2, trim=False), size=i18n.percent(100 * i.size_naive_test, 0))
        + " " + citation(ds, cited))
    plotting.finish(fig, title=title,
                    subtitle=_("Secondary design: everything that changed at once, not the discount alone"),
                    caption=caption, simulated=inp.simulated)
    alt = _("Monthly province-wide online share of {province} with a segmented trend; the level change at the "
            "discount is {effect} pp.").format(province=policy.province, effect=_signed(i.effect_pp, 1))
    plotted = sr.assign(month=sr["month"].astype(str))
    return fig, plotted, caption, alt


@when_no_policy(absent.passed)
def scenario_curves(est: Estimates, policy: PolicyInfo, response: scenarios.ResponseRange, fee_vnd=None,
                    reference_fee_vnd=None) -> pd.DataFrame:
    """Return the scenario uptake curves at the discounted procedures' baseline share."""
    return scenarios.uptake_curves(est.baseline_share_pct / 100, response, fee_vnd=fee_vnd,
                                   reference_fee_vnd=reference_fee_vnd)


@when_no_policy(absent.no_figure)
def scenario_figure(curves: pd.DataFrame, est: Estimates, mde_did_pp: float, ds: Dataset, policy: PolicyInfo,
                    inp: PanelInput, response: scenarios.ResponseRange):
    """Return (fig, plotted frame, caption, alt text) of the SCENARIO uptake curves with the MDE;
    None for a province with no policy (no figure)."""
    fig, ax = plotting.new_figure()
    x = curves["discount_pct"]
    base = est.baseline_share_pct
    num = lambda v, d=2: i18n.number(v, d)  # noqa: E731
    ax.fill_between(x, curves["share_low_pct"], curves["share_high_pct"], color=plotting.PALETTE[0], alpha=0.2,
                    label=_("assumed range ({low} to {high} logit per 10% discount)").format(
                        low=num(response.low), high=num(response.high)))
    ax.plot(x, curves["share_central_pct"], color=plotting.PALETTE[0],
            label=_("central assumption ({central} per 10%)").format(central=num(response.central)))
    if np.isfinite(mde_did_pp):
        ax.axhline(base + mde_did_pp, color=plotting.PALETTE[3], ls="--",
                   label=_("baseline + minimum detectable effect ({mde} pp)").format(mde=num(mde_did_pp, 1)))
    ax.axhline(base, color="#444444", lw=0.8, label=_("baseline share {share}").format(share=i18n.percent(base, 1)))
    ax.axvline(policy.discount_pct, color="#999999", ls=":",
               label=_("{discount} discount").format(discount=i18n.percent(policy.discount_pct)))
    ax.set_xlabel(_("Discount for online submission (% of the in-person fee)"))
    ax.set_ylabel(_("Online share of the discounted procedures (%)"))
    ax.legend(loc="upper left", fontsize=8)
    caption = (_("{stamp}, not an estimate: no published price elasticity of channel choice exists (project team's notes), so "
                 "the response is an assumed change in logit(online share) per 10 points of discount.").format(
                   stamp=_(plotting.STAMPS["scenario"])) + " " + _sim_caption(inp)
               + _("Baseline: the discounted procedures' share without the discount ({share}; the DiD's prediction, "
                   "or their last three pre-period months when the DiD was refused). Discount: {discount} "
                   "({note}).").format(share=i18n.percent(base, 1), discount=i18n.percent(policy.discount_pct),
                                       note=policy.discount_note)
               + " " + citation(ds, policy.source_ids))
    plotting.finish(fig, title=_("{stamp}: online uptake against the size of the discount, {province}").format(
                        stamp=_(plotting.STAMPS["scenario"]), province=policy.province),
                    subtitle=_("Assumed response range; the dashed line is the smallest effect the data could detect"),
                    caption=caption, simulated=inp.simulated)
    alt = _("Line with a band showing assumed online share of the discounted procedures rising with the discount, "
            "from {share} at no discount; a dashed line marks the detectable threshold.").format(
        share=i18n.percent(base, 1))
    return fig, curves.copy(), caption, alt
