"""Figures of the fee-policies report: the policy timeline, the synthetic control (treated
against synthetic, the gap, the placebo gaps in grey) and the event study."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import i18n
from analysis.data import Dataset
from analysis.data.portal import groups as portal_groups
from analysis.i18n import N_, _
from analysis.reports import plotting
from analysis.reports.policy.inputs import PanelInput
from analysis.reports.policy.results import Results
from analysis.reports.wording import citation

NATIONAL_MONTH = "2023-12"
BASIS = {"in_force": N_("in force"), "in_force_month": N_("month only"), "date_adopted": N_("adoption date"),
         "unknown": N_("date unknown"), "given": N_("given")}


def _x(months) -> pd.DatetimeIndex:
    return pd.to_datetime([f"{m}-01" for m in months])


def _group(group: str) -> str:
    return _(portal_groups.group_title(group))


def timeline_figure(tl: pd.DataFrame, ds: Dataset):
    """Return (fig, plotted data, caption, alt text) of every policy on one time axis:
    filled markers where the in-force date is known, hollow where only the adoption month or
    the month is, a note where no date is; the national circular as a shaded span."""
    fig, ax = plotting.new_figure(figsize=(9.0, 4.8))
    prov = tl[tl["level"] == "provincial"].reset_index(drop=True)
    for i, r in prov.iterrows():
        if isinstance(r["start_month"], str):
            filled = r["basis"] == "in_force"
            ax.plot(_x([r["start_month"]]), [i], "o", ms=9, color=plotting.PALETTE[0],
                    mfc=plotting.PALETTE[0] if filled else "white")
            doc = r["document"] if not r["document"].startswith("not named") else _("instrument not named")
            ax.annotate(f"{doc} ({_(BASIS[r['basis']])})", (_x([r["start_month"]])[0], i),
                        xytext=(8, 0), textcoords="offset points", va="center", fontsize=8)
        else:
            ax.annotate(_("month not known"),
                        (_x(["2023-01"])[0], i), va="center", fontsize=8, color="#666666")
    nat = tl[tl["level"] == "national"]
    for _i, r in nat.iterrows():
        end = pd.Timestamp(r["end"]) if r["end"] else pd.Timestamp("2025-12-31")
        ax.axvspan(_x([r["start_month"]])[0], end, color="#999999", alpha=0.15, lw=0)
        ax.text(_x([r["start_month"]])[0], len(prov) - 0.4, _("{document} (national)").format(document=r["document"]),
                fontsize=8, color="#444444")
    ax.set_yticks(range(len(prov)), prov["province"])
    ax.set_ylim(-0.7, len(prov) + 0.2)
    ax.set_xlim(pd.Timestamp("2022-12-01"), pd.Timestamp("2026-01-31"))
    plotting.date_axis(ax.xaxis)
    caption = _("Start month of each online-fee policy in the toolkit's policy table. Filled: in-force date stated by the "
                "source; hollow: only the month or the adoption date is known (the analyses start there). Shaded: "
                "national Circular 63/2023/TT-BTC, in every province at once. {sources}").format(
        sources=citation(ds, tl["source_id"]))
    plotting.finish(fig, title=_("Online-fee policies by province"), caption=caption)
    alt = _("Timeline of {n} provincial online-fee policies and the national circular.").format(n=len(prov))
    return fig, tl, caption, alt


def _sim_note(inp: PanelInput) -> str:
    if not inp.simulated:
        return ""
    return _("{stamp} panel from the toolkit's province-by-month simulator with a true effect of {effect} "
             "points: not an observation. ").format(stamp=plotting.simulated_mark(), effect=i18n.signed(inp.effect, 1))


def _refused_figure(title: str, reason: str, inp: PanelInput):
    """Return (fig, None, caption, alt text) of a design the data could not support."""
    fig, ax = plotting.new_figure(figsize=(9.0, 3.6))
    plotting.empty_panel(ax, _("Refused: {reason}").format(reason=reason))
    caption = _sim_note(inp) + _("The design was refused; no estimate is shown.")
    plotting.finish(fig, title=title, caption=caption, simulated=inp.simulated)
    return fig, None, caption, _("Refused: {reason}").format(reason=reason)


def scm_figure(res: Results, inp: PanelInput, ds: Dataset):
    """Return (fig, plotted data, caption, alt text): top, the province and its synthetic
    control; bottom, the gap with every placebo gap in grey. A refused fit gives a figure
    that says why (see :func:`_refused_figure`)."""
    if res.scm["status"] != "estimate":
        return _refused_figure(_("Synthetic control: {province}").format(province=res.scm["province"]),
                               res.scm["reason"], inp)
    s, inf = res.scm_fit
    x = _x(s.months)
    fig, (top, bot) = plotting.new_figure(2, 1, figsize=(9.0, 7.2), sharex=True)
    top.plot(x, s.treated_path, color=plotting.PALETTE[0], lw=2, label=s.treated)
    top.plot(x, s.synthetic_path, color=plotting.PALETTE[1], lw=2, ls="--",
             label=_("synthetic {province}").format(province=s.treated))
    for g in inf.placebo_gaps.values():
        bot.plot(x, g, color="#BBBBBB", lw=0.8)
    bot.plot(x, s.gap, color=plotting.PALETTE[0], lw=2)
    bot.axhline(0, color="black", lw=0.8)
    for ax in (top, bot):
        ax.axvline(_x([s.policy_month])[0], color=plotting.PALETTE[3], lw=1)
        ax.axvline(_x([NATIONAL_MONTH])[0], color="#666666", lw=1, ls=":")
    top.legend(loc="upper left", fontsize=8)
    top.set_ylabel(_("{group}, % of maximum").format(group=_group(res.scm["group"])))
    bot.set_ylabel(_("gap, points"))
    plotting.date_axis(bot.xaxis)
    e = res.scm
    caption = _sim_note(inp) + _(
        "Red line: policy month ({month}); dotted: national Circular 63/2023/TT-BTC. Grey: each donor treated as a "
        "placebo. Average gap after the policy {effect} points (95% interval {low} to {high}), placebo p {p} "
        "(smallest attainable {pmin}). Index points are not the online dossier rate.").format(
        month=i18n.date(pd.Timestamp(f"{s.policy_month}-01"), short=True), effect=i18n.signed(e["effect"], 2),
        low=i18n.signed(e["ci_low"], 2) if e["ci_low"] is not None else "–",
        high=i18n.signed(e["ci_high"], 2) if e["ci_high"] is not None else "–",
        p=i18n.number(e["p_value"], 3, trim=False), pmin=i18n.number(e["smallest_p"], 3, trim=False))
    plotting.finish(fig, title=_("Synthetic control: {province}").format(province=s.treated), caption=caption,
                    simulated=inp.simulated)
    data = pd.DataFrame({"month": s.months, "treated": s.treated_path, "synthetic": s.synthetic_path, "gap": s.gap})
    alt = _("{province} and its synthetic control by month, with the gap and the placebo gaps.").format(
        province=s.treated)
    return fig, data, caption, alt


def event_study_figure(res: Results, inp: PanelInput, ds: Dataset):
    """Return (fig, plotted data, caption, alt text) of the staggered event study: effect
    by months since the policy with 95% intervals; leads are the pre-trend check. A refused
    design gives a figure that says why."""
    if res.did["status"] != "estimate":
        return _refused_figure(_("Event study: every policy province"), res.did["reason"], inp)
    es = pd.DataFrame(res.did["event_study"])
    fig, ax = plotting.new_figure()
    lead = es["e"] < 0
    for mask, colour in ((lead, "#777777"), (~lead, plotting.PALETTE[0])):
        sub = es[mask]
        ax.errorbar(sub["e"], sub["att"], yerr=[sub["att"] - sub["ci_low"], sub["ci_high"] - sub["att"]],
                    fmt="o", ms=4, color=colour, ecolor=colour, elinewidth=1)
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(-0.5, color=plotting.PALETTE[3], lw=1)
    ax.set_xlabel(_("months since the policy (−1 is the base month)"))
    ax.set_ylabel(_("effect, points of the ratio"))
    d = res.did
    caption = _sim_note(inp) + _(
        "Callaway–Sant'Anna group-time effects averaged by months since the policy, not-yet-treated provinces as "
        "controls; grey: months before the policy (pre-trend check). Bars are analytic 95% intervals, which the "
        "design study found too narrow with one or two provinces per cohort: read the pattern, not the bars. "
        "Overall {effect} points (95% interval {low} to {high} and p {p} from placebos in space).").format(
        effect=i18n.signed(d["att"], 2), p=i18n.number(d["p_value"], 3, trim=False),
        low=i18n.signed(d["ci_low"], 2) if d["ci_low"] is not None else "–",
        high=i18n.signed(d["ci_high"], 2) if d["ci_high"] is not None else "–")
    plotting.finish(fig, title=_("Event study: every policy province"), caption=caption, simulated=inp.simulated)
    alt = _("Effect by months since the policy with 95% intervals.")
    return fig, es, caption, alt
