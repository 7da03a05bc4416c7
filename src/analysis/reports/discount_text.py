"""Tables and text of the fee-discount report: the estimates, the warnings, the SCENARIO
uplift and the evidence statement."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.models import scenarios
from analysis.data import panel as panel_mod
from analysis.reports import plotting
from analysis.data import Dataset

if TYPE_CHECKING:
    from analysis.reports.discount import Estimates, PanelInput, PolicyInfo


def estimate_table(est: Estimates, ds: Dataset, policy: PolicyInfo, inp: PanelInput) -> pd.DataFrame:
    """Return one row per design: effect, 95% interval, p-value, months, scope, checks (or
    the refusal); the first column says SIMULATED (with the true effect) when the panel is."""
    d, i = est.did, est.its
    rows = [] if d is None else [{"design": "DiD (main)", "effect_pp": d.effect_pp, "ci_low_pp": d.ci_low_pp,
             "ci_high_pp": d.ci_high_pp, "p_value": d.p_value, "months_pre": d.n_months_pre,
             "months_post": d.n_months_post, "scope": d.effect_scope,
             "check": "; ".join(x for x in (
                 f"pre-trend p = {d.pretrend_p_value:.3f}" if d.pretrend_p_value is not None else "",
                 (f"placebo {d.placebo['placebo_date']}: {d.placebo['effect_pp']:+.1f} pp, p = "
                  f"{d.placebo['p_value']:.3f}") if d.placebo else "") if x)}]
    if d is None:
        rows.append({"design": "DiD (main)", "check": f"refused: {est.did_refusal}"})
    if i is None:
        rows.append({"design": "ITS (secondary)", "check": f"refused: {est.its_refusal}"})
    if i is not None:
        rows.append({"design": "ITS (secondary)", "effect_pp": i.effect_pp, "ci_low_pp": i.ci_low_pp,
                     "ci_high_pp": i.ci_high_pp, "p_value": i.p_value, "months_pre": i.n_months_pre,
                     "months_post": i.n_months_post, "scope": i.effect_scope,
                     "check": f"textbook test's size {100 * i.size_naive_test:.0f}%; calibrated critical value "
                              f"{i.critical_value:.2f}"})
    out = pd.DataFrame(rows)
    if inp.simulated:
        out.insert(0, "data", plotting.SIMULATED_MARK)
        truth = {"DiD (main)": inp.truth["true_effect_pp_discounted"],
                 "ITS (secondary)": inp.truth["true_effect_pp_province"]
                 + (inp.truth["true_national_effect_pp_province"] or 0)}
        out["true_effect_pp"] = out["design"].map(truth)
    return out


def warnings_markdown(est: Estimates, ds: Dataset, policy: PolicyInfo, inp: PanelInput) -> str:
    """Return a Markdown list of every warning: confounding policies, then each method's."""
    rows = inp.panel[inp.panel["province"] == policy.province]
    conf = panel_mod.confounding_policies(ds.policies, policy.province, policy.date,
                                          rows["month"].min(), rows["month"].max())
    items = (panel_mod.policy_match_warnings(ds.policies, policy.province, policy.date, rows)
             + conf + (est.did.warnings if est.did is not None else [])
             + (est.its.warnings if est.its is not None else []))
    if not items:
        return "No warnings."
    return "**Warnings.**\n\n" + "\n".join(f"- {w}" for w in items)


def uplift_table(est: Estimates, policy: PolicyInfo, response, power_tab: pd.DataFrame, inp: PanelInput,
                 fee_vnd=None, reference_fee_vnd=None) -> pd.DataFrame:
    """Return the SCENARIO table: procedure and province-wide uplift against each design's MDE."""
    noise = power_tab.attrs["estimated"]
    mdes = [float(power_tab.loc[power_tab["design"] == d_, "mde_pp"].iloc[0]) for d_ in ("did", "its")]
    mdes = [m if np.isfinite(m) else None for m in mdes]
    t = scenarios.province_table(
        est.baseline_share_pct / 100, policy.discount_pct, response, noise["discounted_dossier_share"],
        mde_did_pp=mdes[0], mde_its_pp=mdes[1],
        fee_vnd=fee_vnd, reference_fee_vnd=reference_fee_vnd)
    if inp.simulated:
        t.insert(0, "data", plotting.SIMULATED_MARK + " baseline")
    return t


def evidence_statement(policy: PolicyInfo, power_tab: pd.DataFrame, est: Estimates, inp: PanelInput,
                       uplift: pd.DataFrame) -> str:
    """Return Markdown: what the current evidence can and cannot say about the discount."""
    d = est.did
    mde_did = float(power_tab.loc[power_tab["design"] == "did", "mde_pp"].iloc[0])
    detect = uplift[uplift["detectable_by_did"] == True]["scenario"].tolist()  # noqa: E712
    lines = ["**What the current evidence can say.**", ""]
    if d is None:
        lines += [f"- Nothing from this panel about the discount's effect on the discounted procedures: the "
                  f"comparison was refused ({est.did_refusal})."]
    elif inp.simulated:
        lines += [f"- Nothing yet about the effect in {policy.province}: no monthly procedure-level data is "
                  "public, so every estimate above is from a SIMULATED panel. It shows the method works (the "
                  f"simulated truth, {inp.truth['true_effect_pp_discounted']:+.1f} pp, against the estimate "
                  f"{d.effect_pp:+.1f} pp, 95% CI {d.ci_low_pp:+.1f} to {d.ci_high_pp:+.1f}), not what happened."]
    else:
        significant = d.ci_low_pp > 0 or d.ci_high_pp < 0
        verdict = "an effect distinguishable from zero" if significant else "no effect distinguishable from zero"
        line = (f"- The panel shows {verdict}: {d.effect_pp:+.1f} pp (95% CI {d.ci_low_pp:+.1f} to "
                f"{d.ci_high_pp:+.1f}) on the discounted procedures' share, against the other procedures.")
        if not significant and np.isfinite(mde_did):
            line += (f" Effects under {mde_did:.1f} pp could not reliably have been detected, so this does not "
                     "show that the discount did nothing.")
        if d.pretrend_p_value is not None and d.pretrend_p_value < 0.10:
            line += " The pre-trend test fails, so the comparison itself is in doubt."
        lines.append(line)
    if np.isfinite(mde_did):
        lines += [f"- With {int(power_tab['months_pre'].iloc[0])} months before and "
                  f"{int(power_tab['months_post'].iloc[0])} after, a difference-in-differences on procedure-level "
                  f"counts can detect about {mde_did:.1f} pp on the discounted procedures; under the assumed "
                  f"response range, the {', '.join(detect) if detect else 'none'} scenario(s) reach that."]
    its_mde_known = uplift["mde_its_pp"].notna().any()
    lines += [
              ("- The province-wide series was not analysed: " + (est.its_refusal or "no MDE") + "."
               if not its_mde_known else
               "- The province-wide share cannot test a discount on a few procedures: their share of dossiers "
               "times their uplift is below the interrupted time series' MDE in every scenario shown."
               if not uplift["detectable_by_its"].fillna(False).any() else
               "- The province-wide series could detect the uplift only in the "
               + ", ".join(uplift.loc[uplift["detectable_by_its"].fillna(False).astype(bool), "scenario"])
               + " scenario(s)."),
              "- A before/after comparison of the province also carries every other change at the same time "
              "(see the warnings: national policies inside the window).",
              "", "**What it cannot say, and what data would.**", "",
              ("- Whether the discount raised uptake at all: the published figures are on different scopes "
               "and periods (see the data overview), never monthly by procedure."
               if inp.simulated else
               "- Whether the difference is the discount's alone: anything else that changed for the discounted "
               "procedures only at the same time (a new online form, a campaign) is in the estimate too."),
              "- What would answer: monthly counts of online and total dossiers per procedure from the provincial "
              "TTHC information system, for at least 12 months before and 12 after the discount, naming the "
              "discounted procedures; with them, `analysis effect PANEL.csv --policy-date "
              f"{policy.date}` runs this analysis unchanged.",
              "- Which fees a concurrent national policy (Circular 63/2023/TT-BTC from 1 Dec 2023) cut, procedure "
              "by procedure: a procedure it touched must not serve as a control."]
    return "\n".join(lines)
