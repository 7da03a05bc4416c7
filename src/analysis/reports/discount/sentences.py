"""Tables and text of the fee-discount report: the estimates, the warnings, the SCENARIO
uplift and the evidence statement."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.models import calibration, scenarios
from analysis.data import panel as panel_mod
from analysis import i18n
from analysis.i18n import N_, _
from analysis.reports import plotting
from analysis.data import Dataset
from analysis.reports.discount import absent
from analysis.reports.discount.absent import when_no_policy
from analysis.reports.narrative import Markdown

if TYPE_CHECKING:
    from analysis.reports.discount import Estimates, PanelInput, PolicyInfo


@when_no_policy(absent.passed)
def estimate_table(est: Estimates, ds: Dataset, policy: PolicyInfo, inp: PanelInput) -> pd.DataFrame:
    """Return one row per design: effect, 95% interval, p-value, months, scope, checks (or
    the refusal); the first column says SIMULATED (with the true effect) when the panel is."""
    d, i = est.did, est.its
    rows = [] if d is None else [{"design": "DiD (main)", "effect_pp": d.effect_pp, "ci_low_pp": d.ci_low_pp,
             "ci_high_pp": d.ci_high_pp, "p_value": d.p_value, "months_pre": d.n_months_pre,
             "months_post": d.n_months_post, "scope": d.effect_scope,
             "check": "; ".join(x for x in (
                 calibration.effect_note(d),
                 _("pre-trend p = {p} ({how})").format(p=i18n.number(d.pretrend_p_value, 3, trim=False),
                                                       how=calibration.pretrend_note(d))
                 if d.pretrend_p_value is not None else "",
                 _("placebo {date}: {effect} pp, p = {p}").format(
                     date=i18n.date(pd.Timestamp(d.placebo["placebo_date"])), effect=_signed(d.placebo["effect_pp"]),
                     p=i18n.number(d.placebo["p_value"], 3, trim=False))
                 + (f" ({calibration.placebo_note(d)})" if calibration.placebo_note(d) else "")
                 if d.placebo else "") if x)}]
    if d is None:
        rows.append({"design": "DiD (main)", "check": _("refused: {reason}").format(reason=est.did_refusal)})
    if i is None:
        rows.append({"design": "ITS (secondary)", "check": _("refused: {reason}").format(reason=est.its_refusal)})
    if i is not None:
        rows.append({"design": "ITS (secondary)", "effect_pp": i.effect_pp, "ci_low_pp": i.ci_low_pp,
                     "ci_high_pp": i.ci_high_pp, "p_value": i.p_value, "months_pre": i.n_months_pre,
                     "months_post": i.n_months_post, "scope": i.effect_scope,
                     "check": _("textbook test's size {size}; calibrated critical value {crit}").format(
                         size=i18n.percent(100 * i.size_naive_test, 0),
                         crit=i18n.number(i.critical_value, 2, trim=False))})
    out = pd.DataFrame(rows)
    if inp.simulated:
        out.insert(0, "data", plotting.SIMULATED_MARK)
        truth = {"DiD (main)": inp.truth["true_effect_pp_discounted"],
                 "ITS (secondary)": inp.truth["true_effect_pp_province"]
                 + (inp.truth["true_national_effect_pp_province"] or 0)}
        out["true_effect_pp"] = out["design"].map(truth)
    return out


@when_no_policy(absent.nothing)
def warnings_markdown(est: Estimates, ds: Dataset, policy: PolicyInfo, inp: PanelInput) -> Markdown:
    """Return a Markdown list of every warning: confounding policies, then each method's
    (nothing for a province with no policy).

    The warnings are the data and model layers' own sentences (English); the heading is in
    the current language."""
    rows = inp.panel[inp.panel["province"] == policy.province]
    conf = panel_mod.confounding_policies(ds.policies, policy.province, policy.date,
                                          rows["month"].min(), rows["month"].max())
    items = (panel_mod.policy_match_warnings(ds.policies, policy.province, policy.date, rows)
             + conf + (est.did.warnings if est.did is not None else [])
             + (est.its.warnings if est.its is not None else []))
    if not items:
        return Markdown(_("No warnings."))
    return Markdown(_("**Warnings.**") + "\n\n" + "\n".join(f"- {w}" for w in items))


#: Column headers of the report's tables as the reader sees them.
HEADERS = {
    "data": N_("data"), "design": N_("design"), "effect_scope": N_("effect on"), "noise_sd_logit": N_("noise sd (logit)"),
    "rho": N_("autocorrelation"), "noise_source": N_("noise from"), "months_pre": N_("months before"),
    "months_post": N_("months after"), "mde_pp": N_("MDE (pp)"), "power_at_mde": N_("power at the MDE"),
    "size": N_("size"), "n_sims": N_("simulations"), "effect_pp": N_("effect (pp)"), "ci_low_pp": N_("95% CI low (pp)"),
    "ci_high_pp": N_("95% CI high (pp)"), "p_value": N_("p-value"), "scope": N_("scope"), "check": N_("checks"),
    "true_effect_pp": N_("true effect (pp)"), "scenario": N_("scenario"),
    "response_per_10pct": N_("assumed response (logit per 10% discount)"),
    "uplift_discounted_pp": N_("uplift, discounted procedures (pp)"),
    "uplift_province_pp": N_("uplift, province-wide (pp)"), "mde_did_pp": N_("DiD MDE (pp)"),
    "detectable_by_did": N_("detectable by DiD"), "mde_its_pp": N_("ITS MDE (pp)"),
    "detectable_by_its": N_("detectable by ITS"), "label": N_("what this is"),
}
#: What each numeric column of the report's tables means, for its rounding (reports.tables.KINDS).
TABLE_KINDS = {
    "noise_sd_logit": "logit", "rho": "ratio", "months_pre": "count", "months_post": "count", "mde_pp": "pp",
    "power_at_mde": "share", "size": "share", "n_sims": "count", "effect_pp": "pp", "ci_low_pp": "pp",
    "ci_high_pp": "pp", "p_value": "p_value", "true_effect_pp": "pp", "response_per_10pct": "logit",
    "uplift_discounted_pp": "pp", "uplift_province_pp": "pp", "mde_did_pp": "pp", "mde_its_pp": "pp",
}
#: Values of the tables' code columns as the reader sees them.
VALUES = {
    "SIMULATED": N_("SIMULATED"), "SIMULATED baseline": N_("SIMULATED baseline"), "did": N_("DiD"),
    "its": N_("ITS"), "DiD (main)": N_("DiD (main)"), "ITS (secondary)": N_("ITS (secondary)"),
    "low": N_("low"), "central": N_("central"), "high": N_("high"),
    "SCENARIO (assumed response, not an estimate)": N_("SCENARIO (assumed response, not an estimate)"),
    # The models' words for what an effect is measured on (models/did.py, its.py, power.py).
    "online share of the discounted procedures (percentage points)":
        N_("online share of the discounted procedures (percentage points)"),
    "province-wide online share, all procedures (percentage points)":
        N_("province-wide online share, all procedures (percentage points)"),
    "province-wide online share (percentage points)": N_("province-wide online share (percentage points)"),
}


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of one of the report's tables for the reader: headers and code values
    (design, data status, scenario) in the current language, numbers unchanged. The
    original keeps its codes (and its ``attrs``) for the later steps."""
    out = table.copy()
    for col in ("data", "design", "scenario", "effect_scope", "scope"):
        if col in out:
            out[col] = out[col].map(lambda v: _(VALUES[v]) if v in VALUES else v)
    return out.rename(columns={c: _(h) for c, h in HEADERS.items()})


@when_no_policy(absent.nothing)
def reader_table(table: pd.DataFrame):
    """Return one of the report's tables (power, estimates, uplift; code columns) as a
    reader's table (:func:`analysis.reports.tables.table`): headers and code values in the
    current language, numbers rounded by what they mean (:data:`TABLE_KINDS`); nothing for a
    province with no policy."""
    from analysis.reports import tables

    return tables.table(table, headers=HEADERS, values=VALUES, kinds=TABLE_KINDS, name="discount")


@when_no_policy(absent.passed)
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


def _signed(value, decimals: int = 1) -> str:
    from analysis.reports.discount import signed

    return signed(value, decimals)


def _estimate_lines(policy: PolicyInfo, est: Estimates, inp: PanelInput, mde_did: float) -> list[str]:
    d = est.did
    if d is None:
        return [_("- Nothing from this panel about the discount's effect on the discounted procedures: the comparison "
                  "was refused ({reason}).").format(reason=est.did_refusal)]
    ci = dict(effect=_signed(d.effect_pp), low=_signed(d.ci_low_pp), high=_signed(d.ci_high_pp))
    if inp.simulated:
        return [_("- Nothing yet about the effect in {province}: no monthly procedure-level data is public, so every "
                  "estimate above is from a SIMULATED panel. It shows the method works (the simulated truth, {truth} "
                  "pp, against the estimate {effect} pp, 95% CI {low} to {high}), not what happened.").format(
            province=policy.province, truth=_signed(inp.truth["true_effect_pp_discounted"]), **ci)]
    significant = d.ci_low_pp > 0 or d.ci_high_pp < 0
    line = (_("- The panel shows an effect distinguishable from zero: {effect} pp (95% CI {low} to {high}) on the "
              "discounted procedures' share, against the other procedures.") if significant else
            _("- The panel shows no effect distinguishable from zero: {effect} pp (95% CI {low} to {high}) on the "
              "discounted procedures' share, against the other procedures.")).format(**ci)
    if not significant and np.isfinite(mde_did):
        line += " " + _("Effects under {mde} pp could not reliably have been detected, so this does not show that "
                        "the discount did nothing.").format(mde=i18n.number(mde_did, 1, trim=False))
    if calibration.pretrend_failed(d):
        line += " " + _("The pre-trend test fails, so the comparison itself is in doubt.")
    return [line]


def _its_line(est: Estimates, uplift: pd.DataFrame) -> str:
    if not uplift["mde_its_pp"].notna().any():
        return _("- The province-wide series was not analysed: {reason}.").format(reason=est.its_refusal or _("no MDE"))
    detectable = uplift["detectable_by_its"].fillna(False).astype(bool)
    if not detectable.any():
        return _("- The province-wide share cannot test a discount on a few procedures: their share of dossiers times "
                 "their uplift is below the interrupted time series' MDE in every scenario shown.")
    return _("- The province-wide series could detect the uplift only in the {scenarios} scenario(s).").format(
        scenarios=", ".join(_(VALUES.get(x, x)) for x in uplift.loc[detectable, "scenario"]))


@when_no_policy(absent.nothing)
def evidence_statement(policy: PolicyInfo, power_tab: pd.DataFrame, est: Estimates, inp: PanelInput,
                       uplift: pd.DataFrame) -> Markdown:
    """Return Markdown: what the current evidence can and cannot say about the discount
    (nothing for a province with no policy)."""
    from analysis.reports.discount import mde_did_pp

    mde_did = mde_did_pp(power_tab)
    detect = uplift[uplift["detectable_by_did"] == True]["scenario"].tolist()  # noqa: E712
    lines = [_("**What the current evidence can say.**"), ""] + _estimate_lines(policy, est, inp, mde_did)
    if np.isfinite(mde_did):
        lines.append(_("- With {pre} months before and {post} after, a difference-in-differences on procedure-level "
                       "counts can detect about {mde} pp on the discounted procedures; under the assumed response "
                       "range, the {scenarios} scenario(s) reach that.").format(
            pre=int(power_tab["months_pre"].iloc[0]), post=int(power_tab["months_post"].iloc[0]),
            mde=i18n.number(mde_did, 1, trim=False),
            scenarios=", ".join(_(VALUES.get(x, x)) for x in detect) if detect else _("none")))
    lines += [
        _its_line(est, uplift),
        _("- A before/after comparison of the province also carries every other change at the same time (see the "
          "warnings: national policies inside the window)."),
        "", _("**What it cannot say, and what data would.**"), "",
        _("- Whether the discount raised uptake at all: the published figures are on different scopes and periods "
          "(see the data overview), never monthly by procedure.") if inp.simulated else
        _("- Whether the difference is the discount's alone: anything else that changed for the discounted "
          "procedures only at the same time (a new online form, a campaign) is in the estimate too."),
        _("- What would answer: monthly counts of online and total dossiers per procedure from the provincial TTHC "
          "information system, for at least 12 months before and 12 after the discount, naming the discounted "
          "procedures; with them, the toolkit runs this analysis unchanged on the real data.").format(
            date=policy.date),
        _("- Which fees a concurrent national policy (Circular 63/2023/TT-BTC from 1 Dec 2023) cut, procedure by "
          "procedure: a procedure it touched must not serve as a control.")]
    return Markdown("\n".join(lines))
