"""Tables, figures and text of the fee-discount report (notebooks/03_fee_discount.ipynb).

The report answers "could we detect it?" before "did it work?": the minimum detectable
effect first, then the estimate with its interval and pre-trend check, then scenarios
of the response under an assumed range, then what the evidence can and cannot say.
With no panel (``panel_path=None``) it runs on a SIMULATED panel calibrated to the
seeds, and says so on every table and figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import did, its, panel as panel_mod, plotting, power, scenarios, simulate
from .data import Dataset
from .errors import Refused
from .params import COMMON, Param

PARAMETERS = {
    "province": Param("province", "Province whose fee discount is studied (any spelling in data/admin_units.csv)."),
    "policy_date": Param("date", "Date the discount took effect; None takes it from data/policies.csv.",
                         nullable=True),
    "discount_pct": Param("float", "Discount for online submission, percent; None takes it from data/policies.csv.",
                          nullable=True, min=0, max=100),
    "panel_path": Param("path", "Monthly procedure-level panel CSV; None simulates one (SIMULATED)."),
    "response_range": Param("floats", "Assumed change in logit(online share) per 10% discount: [low, central, high].",
                            min=-1, max=2),
    "fee_vnd": Param("float", "In-person fee of a typical discounted procedure (VND), or None.", nullable=True, min=0),
    "reference_fee_vnd": Param("float", "Fee at which response_range applies (VND), or None.", nullable=True, min=0),
    "n_sims": Param("int", "Simulated panels per power evaluation (1000 or more for a report).", min=100),
    "seed": Param("int", "Random seed of the simulated panel, the bootstrap and the power simulations."),
    **COMMON,
}

#: Noise levels (logit sd) METHODS.md quotes for province-level series: low and high.
ASSUMED_PROVINCE_NOISE = (0.05, 0.10)


@dataclass
class PolicyInfo:
    """The policy studied: province, date, discount and where each came from."""

    province: str
    date: dt.date
    discount_pct: float
    policy_name: str
    date_note: str
    discount_note: str
    source_ids: list[str]


def policy_for(ds: Dataset, province: str, policy_date=None, discount_pct=None) -> PolicyInfo:
    """Return the fee policy of ``province``: given values, else its row in policies.csv.

    A policy row counts when it is provincial for the province and names a discount or
    an incentive. When no date is given and the row has only an adoption date, that
    date is used and the note says so. When no discount rate is known anywhere, 40%
    (Nghệ An's) is used as an illustrative rate and the note says so. Raises Refused
    when no date is given and the province has no such policy in the data.
    """
    province = ds.canonical_province(province)
    pol = ds.policies[(ds.policies["level"] == "provincial") & (ds.policies["province"] == province)]
    row = pol.iloc[0] if len(pol) else None
    ids = [row["source_id"]] if row is not None else []
    if policy_date is not None:
        date, date_note = pd.Timestamp(policy_date).date(), "as given in the parameters"
    elif row is None:
        raise Refused(f"{province} has no fee policy in data/policies.csv; give policy_date")
    elif pd.notna(row["date_effective"]):
        date, date_note = row["date_effective"].date(), f"effective date in policies.csv ({row['policy_id']})"
    elif pd.notna(row["date_adopted"]):
        date = row["date_adopted"].date()
        date_note = (f"adoption date in policies.csv ({row['policy_id']}); the effective date is not known, "
                     "so the true start may be later")
    else:
        raise Refused(f"the {province} policy in data/policies.csv has no date; give policy_date")
    if discount_pct is not None:
        disc, disc_note = float(discount_pct), "as given in the parameters"
    elif row is not None and pd.notna(row["discount_pct"]):
        disc, disc_note = float(row["discount_pct"]), f"policies.csv ({row['policy_id']})"
    else:
        disc, disc_note = 40.0, ("not known for this province: 40% (Nghệ An's rate) is used as an "
                                 "illustration")
    return PolicyInfo(province=province, date=date, discount_pct=disc,
                      policy_name=row["name"] if row is not None else "(policy given by parameters)",
                      date_note=date_note, discount_note=disc_note, source_ids=ids)


@dataclass
class PanelInput:
    """The panel analysed, whether it is SIMULATED, and the simulator's truth if so."""

    panel: pd.DataFrame
    simulated: bool
    truth: dict | None
    description: str


def load_or_simulate(ds: Dataset, policy: PolicyInfo, panel_path: Path | None, seed: int) -> PanelInput:
    """Return the panel at ``panel_path`` (validated), or a SIMULATED one when it is None.

    The simulated panel uses the seeds' calibration (:mod:`analysis.simulate`) with the
    policy's province and date and a true effect of 0.2 on the logit scale. Raises
    PanelError for a bad panel file.
    """
    if panel_path is not None:
        pnl = panel_mod.read_panel(panel_path, dataset=ds)
        return PanelInput(pnl, False, None, f"Panel read from `{Path(panel_path).name}`: {len(pnl)} rows, "
                          f"{pnl['procedure'].nunique()} procedures, {pnl['month'].min()} to {pnl['month'].max()}.")
    design = simulate.PanelDesign(province=policy.province, policy_date=policy.date, effect_logit=0.2)
    pnl, truth = simulate.simulate_panel(design, seed=seed)
    return PanelInput(pnl, True, truth, (
        f"**SIMULATED panel** (no monthly procedure-level data is public): {len(pnl)} rows, "
        f"{design.n_procedures} procedures of which {design.n_discounted} discounted, "
        f"{pnl['month'].min()} to {pnl['month'].max()}, about {design.monthly_total:,} dossiers a month. "
        f"Its true effect is known: {truth['true_effect_pp_discounted']:+.2f} pp on the discounted "
        f"procedures' share ({truth['true_effect_pp_province']:+.2f} pp province-wide), plus a national "
        f"policy from {design.national_date} worth {truth['true_national_effect_pp_province']:+.2f} pp "
        "province-wide. Every number below is about this simulation, not about the province."))


def power_table(inp: PanelInput, policy: PolicyInfo, n_sims: int, seed: int) -> pd.DataFrame:
    """Return the MDE of each design: noise from the panel's pre-period, and for the ITS also
    at the assumed province noise levels of METHODS.md. A ``data`` column says SIMULATED
    when the panel is."""
    rows, specs = [], {}
    est = power.estimate_noise(inp.panel, policy.date, policy.province)
    for design in ("did", "its"):
        spec = power.spec_from_panel(inp.panel, policy.date, design, policy.province, n_sims=n_sims, seed=seed)
        specs[design] = dict(spec.__dict__)
        variants = [(spec, "estimated from the pre-period")]
        if design == "its":
            variants += [(power.PowerSpec(**{**spec.__dict__, "noise_sd": sd}), "assumed (METHODS.md)")
                         for sd in ASSUMED_PROVINCE_NOISE]
        for sp, src in variants:
            r = power.mde(sp)
            rows.append({"design": design, "effect_scope": r.effect_scope, "noise_sd_logit": sp.noise_sd,
                         "rho": sp.rho, "noise_source": src, "months_pre": sp.months_pre,
                         "months_post": sp.months_post, "mde_pp": r.mde_pp, "power_at_mde": r.power,
                         "size": r.size, "n_sims": sp.n_sims})
    out = pd.DataFrame(rows)
    out.attrs["estimated"] = est
    out.attrs["specs"] = specs
    if inp.simulated:
        out.insert(0, "data", plotting.SIMULATED_MARK)
    return out


def power_curves(power_tab: pd.DataFrame, n_sims: int, seed: int) -> pd.DataFrame:
    """Return simulated power against effect size for the first (pre-period noise) row of
    each design in ``power_tab``: effects from 0 to 2.5 x that design's MDE."""
    frames = []
    for design in ("did", "its"):
        row = power_tab[power_tab["design"] == design].iloc[0]
        spec = power.PowerSpec(**{**_spec_of(power_tab, design), "n_sims": n_sims, "seed": seed})
        top = min(2.5 * row["mde_pp"], 0.95 * (100 - 100 * spec.base_share)) if np.isfinite(row["mde_pp"]) else 20
        curve = power.power_curve(spec, np.linspace(0, top, 11))
        curve.insert(0, "design", design)
        curve["mde_pp"] = row["mde_pp"]
        frames.append(curve)
    return pd.concat(frames, ignore_index=True)


def _spec_of(power_tab: pd.DataFrame, design: str) -> dict:
    return power_tab.attrs["specs"][design]


def power_figure(curves: pd.DataFrame, ds: Dataset, policy: PolicyInfo, inp: PanelInput,
                 power_tab: pd.DataFrame):
    """Return (fig, plotted frame, caption, alt text): power against effect size, one panel per design."""
    fig, axes = plotting.new_figure(1, 2, sharey=True)
    titles = {"did": "Discounted vs other procedures (DiD)", "its": "Province-wide series (ITS)"}
    units = {"did": "Effect on the discounted procedures' share (pp)",
             "its": "Effect on the province-wide share (pp)"}
    for ax, design, colour in zip(axes, ("did", "its"), (plotting.PALETTE[0], plotting.PALETTE[3])):
        c = curves[curves["design"] == design]
        mde = float(c["mde_pp"].iloc[0])
        ax.plot(c["effect_pp"], 100 * c["power"], marker="o", color=colour)
        ax.axhline(80, color="#444444", ls="--", lw=0.8)
        ax.axhline(5, color="#999999", ls=":", lw=0.8)
        if np.isfinite(mde):
            ax.axvline(mde, color=colour, ls="--", lw=0.8)
            ax.annotate(f"MDE {mde:.1f} pp", (mde, 40), xytext=(5, 0), textcoords="offset points",
                        fontsize=9, color=colour)
        ax.set_title(titles[design], fontsize=10)
        ax.set_xlabel(units[design])
    axes[0].set_ylabel("Power: chance the 5% test detects the effect (%)")
    est = power_tab.attrs["estimated"]
    caption = (_sim_caption(inp)
               + f"Power by simulation ({int(power_tab['n_sims'].iloc[0])} simulated panels per point) for "
               f"{power_tab['months_pre'].iloc[0]} months before and {power_tab['months_post'].iloc[0]} after "
               f"the policy, about {est['monthly_total']:,} dossiers a month, {est['n_discounted']} of "
               f"{est['n_procedures']} procedures discounted ({100 * est['discounted_dossier_share']:.0f}% of "
               f"dossiers); month-to-month noise estimated from the pre-period (logit sd "
               f"{est['did_noise_sd']:.3f} per procedure, {est['its_noise_sd']:.3f} province-wide). Dashed: 80% "
               "power; dotted: the 5% false-positive rate. The two panels measure different things: the left an "
               "effect on the discounted procedures only, the right on all dossiers. " + ds.citation(policy.source_ids))
    plotting.finish(fig, title=f"Could the data detect the discount? Power by effect size, {policy.province}",
                    subtitle="The minimum detectable effect (MDE) is where power reaches 80%",
                    caption=caption, simulated=inp.simulated)
    alt = ("Two line charts of power against effect size: the difference-in-differences reaches 80% at "
           f"{float(curves.loc[curves['design'] == 'did', 'mde_pp'].iloc[0]):.1f} pp, the province-wide series at "
           f"{float(curves.loc[curves['design'] == 'its', 'mde_pp'].iloc[0]):.1f} pp.")
    return fig, curves, caption, alt


def describe_power(table: pd.DataFrame, policy: PolicyInfo, simulated: bool) -> str:
    """Return Markdown stating the MDEs before any estimate."""
    did_row = table[(table["design"] == "did")].iloc[0]
    its_row = table[(table["design"] == "its")].iloc[0]
    est = table.attrs.get("estimated", {})
    tag = "**SIMULATED.** " if simulated else ""
    share = est.get("discounted_dossier_share", float("nan"))
    return (
        f"{tag}**Minimum detectable effects (80% power, 5% level).** Comparing the discounted procedures with "
        f"the others (difference-in-differences), {did_row['months_pre']} months before and "
        f"{did_row['months_post']} after, the smallest effect these data would detect is "
        f"**{did_row['mde_pp']:.1f} percentage points** on the discounted procedures' online share. "
        f"On the province-wide series (interrupted time series) it is **{its_row['mde_pp']:.1f} pp** of the "
        f"province-wide share with the noise of this panel's pre-period, and "
        + ", ".join(f"{r.mde_pp:.1f} pp at an assumed noise sd of {r.noise_sd_logit:.2f}"
                    for r in table[(table["design"] == "its")].iloc[1:].itertuples())
        + f". The discounted procedures hold {100 * share:.0f}% of dossiers, so a province-wide change of "
        f"{its_row['mde_pp']:.1f} pp would need them to gain about {its_row['mde_pp'] / max(share, 1e-9):.0f} pp "
        "each: the province-wide series cannot detect any plausible effect of a discount on a few procedures.")


def estimates(inp: PanelInput, policy: PolicyInfo, seed: int, n_boot: int = 999):
    """Return (DiD result, ITS result or None, ITS refusal text or None)."""
    d = did.fit_did(inp.panel, policy.date, province=policy.province, n_boot=n_boot, seed=seed)
    try:
        i = its.fit_its(inp.panel, policy.date, province=policy.province, seed=seed)
        return d, i, None
    except Refused as exc:
        return d, None, str(exc)


def estimate_table(d, i, ds: Dataset, policy: PolicyInfo, inp: PanelInput) -> pd.DataFrame:
    """Return one row per design: effect, 95% interval, p-value, months, scope, checks;
    the first column says SIMULATED (with the true effect) when the panel is."""
    rows = [{"design": "DiD (main)", "effect_pp": d.effect_pp, "ci_low_pp": d.ci_low_pp,
             "ci_high_pp": d.ci_high_pp, "p_value": d.p_value, "months_pre": d.n_months_pre,
             "months_post": d.n_months_post, "scope": d.effect_scope,
             "check": f"pre-trend p = {d.pretrend_p_value:.3f}" if d.pretrend_p_value is not None else ""}]
    if i is not None:
        rows.append({"design": "ITS (secondary)", "effect_pp": i.effect_pp, "ci_low_pp": i.ci_low_pp,
                     "ci_high_pp": i.ci_high_pp, "p_value": i.p_value, "months_pre": i.n_months_pre,
                     "months_post": i.n_months_post, "scope": i.effect_scope,
                     "check": f"textbook test's size {100 * i.size_naive_test:.0f}%; calibrated critical value "
                              f"{i.critical_value:.2f}"})
    out = pd.DataFrame(rows)
    if inp.simulated:
        out.insert(0, "data", plotting.SIMULATED_MARK)
        out["true_effect_pp"] = [inp.truth["true_effect_pp_discounted"]] + (
            [inp.truth["true_effect_pp_province"] + (inp.truth["true_national_effect_pp_province"] or 0)]
            if i is not None else [])
    return out


def warnings_markdown(d, i, ds: Dataset, policy: PolicyInfo, inp: PanelInput) -> str:
    """Return a Markdown list of every warning: confounding policies, then each method's."""
    rows = inp.panel[inp.panel["province"] == policy.province]
    conf = panel_mod.confounding_policies(ds.policies, policy.province, policy.date,
                                          rows["month"].min(), rows["month"].max())
    items = conf + d.warnings + (i.warnings if i is not None else [])
    if not items:
        return "No warnings."
    return "**Warnings.**\n\n" + "\n".join(f"- {w}" for w in items)


def _sim_caption(inp: PanelInput) -> str:
    if not inp.simulated:
        return ""
    return (f"SIMULATED data from analysis.simulate (seed {inp.truth['seed']}), true effect "
            f"{inp.truth['true_effect_pp_discounted']:+.2f} pp on the discounted procedures: not an observation. ")


def event_study_figure(d, ds: Dataset, policy: PolicyInfo, inp: PanelInput):
    """Return (fig, plotted frame, caption, alt text) of the event-study coefficients in pp."""
    es = d.event_study.copy()
    fig, ax = plotting.new_figure()
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
    plotting.finish(fig, title=f"Did the online fee discount move the discounted procedures? {policy.province}",
                    subtitle="Event study: leads show pre-trends, lags the effect", caption=caption,
                    simulated=inp.simulated)
    alt = (f"Dot plot of monthly differences in online share between discounted and other procedures in "
           f"{policy.province}, from {int(es['event_month'].min())} to {int(es['event_month'].max())} months "
           f"around the policy; pooled effect {d.effect_pp:+.1f} pp.")
    return fig, es, caption, alt


def scenario_curves(d, policy: PolicyInfo, response: scenarios.ResponseRange, fee_vnd=None,
                    reference_fee_vnd=None) -> pd.DataFrame:
    """Return the scenario uptake curves at the discounted procedures' baseline share."""
    return scenarios.uptake_curves(d.baseline_share_pct / 100, response, fee_vnd=fee_vnd,
                                   reference_fee_vnd=reference_fee_vnd)


def scenario_figure(curves: pd.DataFrame, d, mde_did_pp: float, ds: Dataset, policy: PolicyInfo,
                    inp: PanelInput, response: scenarios.ResponseRange):
    """Return (fig, plotted frame, caption, alt text) of the SCENARIO uptake curves with the MDE."""
    fig, ax = plotting.new_figure()
    x = curves["discount_pct"]
    base = d.baseline_share_pct
    ax.fill_between(x, curves["share_low_pct"], curves["share_high_pct"], color=plotting.PALETTE[0], alpha=0.2,
                    label=f"assumed range ({response.low:g} to {response.high:g} logit per 10% discount)")
    ax.plot(x, curves["share_central_pct"], color=plotting.PALETTE[0],
            label=f"central assumption ({response.central:g} per 10%)")
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
               + f"Baseline: the discounted procedures' predicted share without the discount ({base:.1f}%). "
               f"Discount: {policy.discount_pct:g}% ({policy.discount_note}). " + ds.citation(policy.source_ids))
    plotting.finish(fig, title=f"SCENARIO: online uptake against the size of the discount, {policy.province}",
                    subtitle="Assumed response range; the dashed line is the smallest effect the data could detect",
                    caption=caption, simulated=inp.simulated)
    alt = ("Line with a band showing assumed online share of the discounted procedures rising with the discount, "
           f"from {base:.1f}% at no discount; a dashed line marks the detectable threshold.")
    frame = curves.copy()
    return fig, frame, caption, alt


def uplift_table(d, policy: PolicyInfo, response, power_tab: pd.DataFrame, inp: PanelInput,
                 fee_vnd=None, reference_fee_vnd=None) -> pd.DataFrame:
    """Return the SCENARIO table: procedure and province-wide uplift against each design's MDE."""
    est = power_tab.attrs["estimated"]
    t = scenarios.province_table(
        d.baseline_share_pct / 100, policy.discount_pct, response, est["discounted_dossier_share"],
        mde_did_pp=float(power_tab.loc[power_tab["design"] == "did", "mde_pp"].iloc[0]),
        mde_its_pp=float(power_tab.loc[power_tab["design"] == "its", "mde_pp"].iloc[0]),
        fee_vnd=fee_vnd, reference_fee_vnd=reference_fee_vnd)
    if inp.simulated:
        t.insert(0, "data", plotting.SIMULATED_MARK + " baseline")
    return t


def evidence_statement(policy: PolicyInfo, power_tab: pd.DataFrame, d, inp: PanelInput,
                       uplift: pd.DataFrame) -> str:
    """Return Markdown: what the current evidence can and cannot say about the discount."""
    mde_did = float(power_tab.loc[power_tab["design"] == "did", "mde_pp"].iloc[0])
    detect = uplift[uplift["detectable_by_did"] == True]["scenario"].tolist()  # noqa: E712
    lines = ["**What the current evidence can say.**", ""]
    if inp.simulated:
        lines += [f"- Nothing yet about the effect in {policy.province}: no monthly procedure-level data is "
                  "public, so every estimate above is from a SIMULATED panel. It shows the method works (the "
                  f"simulated truth, {inp.truth['true_effect_pp_discounted']:+.1f} pp, against the estimate "
                  f"{d.effect_pp:+.1f} pp, 95% CI {d.ci_low_pp:+.1f} to {d.ci_high_pp:+.1f}), not what happened."]
    else:
        verdict = ("an effect distinguishable from zero" if d.ci_low_pp > 0 or d.ci_high_pp < 0
                   else "no effect distinguishable from zero")
        lines += [f"- The panel shows {verdict}: {d.effect_pp:+.1f} pp (95% CI {d.ci_low_pp:+.1f} to "
                  f"{d.ci_high_pp:+.1f}) on the discounted procedures' share; effects under {mde_did:.1f} pp "
                  "could not reliably have been detected, so a null result does not show the discount did nothing."]
    lines += [f"- With about {power_tab['months_pre'].iloc[0]} months each side, a difference-in-differences on "
              f"procedure-level counts can detect about {mde_did:.1f} pp on the discounted procedures; under the "
              f"assumed response range, the {', '.join(detect) if detect else 'none'} scenario(s) reach that.",
              ("- The province-wide share cannot test a discount on a few procedures: their share of dossiers "
               "times their uplift is below the interrupted time series' MDE in every scenario shown."
               if not uplift["detectable_by_its"].any() else
               "- The province-wide series could detect the uplift only in the "
               + ", ".join(uplift.loc[uplift["detectable_by_its"], "scenario"]) + " scenario(s)."),
              "- A before/after comparison of the province also carries every other change at the same time "
              "(see the warnings: national policies inside the window).",
              "", "**What it cannot say, and what data would.**", "",
              "- Whether the 40% discount raised uptake at all: the published figures are on different scopes "
              "and periods (see the data overview), never monthly by procedure.",
              "- What would answer: monthly counts of online and total dossiers per procedure from the provincial "
              "TTHC information system, for at least 12 months before and 12 after the discount, naming the 9 "
              "discounted procedures; with them, `analysis effect PANEL.csv --policy-date "
              f"{policy.date}` runs this analysis unchanged.",
              "- Which national fees Circular 63 covered, procedure by procedure: a procedure it touched must not "
              "serve as a control."]
    return "\n".join(lines)
