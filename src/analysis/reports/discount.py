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

from analysis.models import calibration, did, its, power, scenarios, simulate
from analysis.data import panel as panel_mod
from analysis.reports import plotting
from analysis.data import Dataset
from analysis.errors import Refused
from analysis.reports.params import COMMON, Param

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
#: Autocorrelation assumed with them: with 0.5 the simulated MDEs (5.0 and 9.6 pp for
#: 12 + 12 months) reproduce METHODS.md's "about 5 pp ... over 8 pp".
ASSUMED_RHO = 0.5


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

    The simulated panel uses the seeds' calibration (:mod:`analysis.models.simulate`) with the
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
    when the panel is; a design the panel is too short for gets a row saying why (mde_pp
    NaN). Raises Refused when the pre-period is too short to estimate any noise."""
    rows, specs = [], {}
    est = power.estimate_noise(inp.panel, policy.date, policy.province)
    for design in ("did", "its"):
        try:
            spec = power.spec_from_panel(inp.panel, policy.date, design, policy.province, n_sims=n_sims, seed=seed)
            spec.check()
        except Refused as exc:
            rows.append({"design": design, "noise_source": f"refused: {exc}", "mde_pp": float("nan")})
            continue
        specs[design] = dict(spec.__dict__)
        variants = [(spec, "estimated from the pre-period")]
        if design == "its":
            variants += [(power.PowerSpec(**{**spec.__dict__, "noise_sd": sd, "rho": ASSUMED_RHO}),
                          f"assumed (METHODS.md; autocorrelation {ASSUMED_RHO})")
                         for sd in ASSUMED_PROVINCE_NOISE]
        for sp, src in variants:
            r = power.mde(sp)
            rows.append({"design": design, "effect_scope": r.effect_scope, "noise_sd_logit": sp.noise_sd,
                         "rho": sp.rho, "noise_source": src, "months_pre": sp.months_pre,
                         "months_post": sp.months_post, "mde_pp": r.mde_pp, "power_at_mde": r.power,
                         "size": r.size, "n_sims": sp.n_sims})
    out = pd.DataFrame(rows)
    for col in ("months_pre", "months_post", "n_sims"):
        if col in out:
            out[col] = out[col].astype("Int64")
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
        if design not in power_tab.attrs["specs"]:
            continue
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
        if c.empty:
            reason = power_tab.loc[power_tab["design"] == design, "noise_source"].iloc[0]
            plotting.empty_panel(ax, f"{titles[design]}: {reason}")
            continue
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
               + f"Power by simulation ({int(power_tab['n_sims'].dropna().iloc[0])} simulated panels per point) for "
               f"{est['months_pre']} months before and {est['months_post']} after "
               f"the policy, about {est['monthly_total']:,} dossiers a month, {est['n_discounted']} of "
               f"{est['n_procedures']} procedures discounted ({100 * est['discounted_dossier_share']:.0f}% of "
               f"dossiers); month-to-month noise estimated from the pre-period (logit sd "
               f"{est['did_noise_sd']:.3f} per procedure, {est['its_noise_sd']:.3f} province-wide). Dashed: 80% "
               "power; dotted: the 5% false-positive rate. The two panels measure different things: the left an "
               "effect on the discounted procedures only, the right on all dossiers. " + ds.citation(policy.source_ids))
    plotting.finish(fig, title=f"Could the data detect the discount? Power by effect size, {policy.province}",
                    subtitle="The minimum detectable effect (MDE) is where power reaches 80%",
                    caption=caption, simulated=inp.simulated)
    mdes = {d_: float(power_tab.loc[power_tab["design"] == d_, "mde_pp"].iloc[0]) for d_ in ("did", "its")}
    alt = ("Two line charts of power against effect size: the difference-in-differences reaches 80% at "
           f"{mdes['did']:.1f} pp, the province-wide series at {mdes['its']:.1f} pp (nan: design refused).")
    return fig, curves, caption, alt


def describe_power(table: pd.DataFrame, policy: PolicyInfo, simulated: bool) -> str:
    """Return Markdown stating the MDEs (or why a design was refused) before any estimate."""
    did_row = table[(table["design"] == "did")].iloc[0]
    its_rows = table[(table["design"] == "its")]
    its_row = its_rows.iloc[0]
    est = table.attrs.get("estimated", {})
    tag = "**SIMULATED.** " if simulated else ""
    share = est.get("discounted_dossier_share", float("nan"))
    parts = [f"{tag}**Minimum detectable effects (80% power, 5% level).**"]
    if np.isnan(did_row["mde_pp"]):
        parts.append(f"Difference-in-differences: {did_row['noise_source']}.")
    else:
        parts.append(f"Comparing the discounted procedures with the others (difference-in-differences), "
                     f"{did_row['months_pre']} months before and {did_row['months_post']} after, the smallest "
                     f"effect these data would detect is **{did_row['mde_pp']:.1f} percentage points** on the "
                     "discounted procedures' online share.")
    if np.isnan(its_row["mde_pp"]):
        parts.append(f"Province-wide series: {its_row['noise_source']}.")
    else:
        need = its_row["mde_pp"] / max(share, 1e-9)
        parts.append(
            f"On the province-wide series (interrupted time series) it is **{its_row['mde_pp']:.1f} pp** of the "
            f"province-wide share with the noise of this panel's pre-period (sd {its_row['noise_sd_logit']:.3f}, "
            f"autocorrelation {its_row['rho']:.2f}: estimated from only {its_row['months_pre']} months, so "
            "imprecise)"
            + "".join(f", {r.mde_pp:.1f} pp at an assumed noise sd of {r.noise_sd_logit:.2f}"
                      for r in its_rows.iloc[1:].itertuples()) + ". "
            f"The discounted procedures hold {100 * share:.0f}% of dossiers, so a province-wide change of "
            f"{its_row['mde_pp']:.1f} pp needs them to gain about {need:.0f} pp each"
            + (": more than the largest effect of any nudge in the related evidence (about 14 pp, DOMAIN.md), "
               "so the province-wide series cannot be expected to detect this discount."
               if need > 14 else "."))
    return " ".join(parts)


@dataclass
class Estimates:
    """Both designs' results, or the reason each was refused."""

    did: did.DidResult | None
    did_refusal: str | None
    its: its.ItsResult | None
    its_refusal: str | None
    baseline_share_pct: float

    @property
    def any(self) -> bool:
        return self.did is not None or self.its is not None


def estimates(inp: PanelInput, policy: PolicyInfo, seed: int, n_boot: int = 999) -> Estimates:
    """Return both designs' results; a design the panel cannot support is recorded with its
    refusal message instead of stopping the report. The baseline share (for scenarios) is
    the DiD's predicted share of the discounted procedures without the discount, or, when
    the DiD is refused, their observed share over the last three pre-period months."""
    out = {}
    for name, fit in (("did", lambda: did.fit_did(inp.panel, policy.date, province=policy.province,
                                                  n_boot=n_boot, seed=seed)),
                      ("its", lambda: its.fit_its(inp.panel, policy.date, province=policy.province, seed=seed))):
        try:
            out[name], out[f"{name}_refusal"] = fit(), None
        except Refused as exc:
            out[name], out[f"{name}_refusal"] = None, str(exc)
    if out["did"] is not None:
        base = out["did"].baseline_share_pct
    else:
        rows = inp.panel[(inp.panel["province"] == policy.province) & inp.panel["discounted"]]
        last_pre = panel_mod.policy_months(policy.date)[0]
        pre = rows[rows["month"] <= last_pre]
        pre = pre[pre["month"] > last_pre - 3]
        base = 100 * pre["online"].sum() / max(pre["total"].sum(), 1) if len(pre) else 40.0
    return Estimates(baseline_share_pct=float(base), **out)


def estimate_table(est: Estimates, ds: Dataset, policy: PolicyInfo, inp: PanelInput) -> pd.DataFrame:
    """Return one row per design: effect, 95% interval, p-value, months, scope, checks (or
    the refusal); the first column says SIMULATED (with the true effect) when the panel is."""
    d, i = est.did, est.its
    rows = [] if d is None else [{"design": "DiD (main)", "effect_pp": d.effect_pp, "ci_low_pp": d.ci_low_pp,
             "ci_high_pp": d.ci_high_pp, "p_value": d.p_value, "months_pre": d.n_months_pre,
             "months_post": d.n_months_post, "scope": d.effect_scope,
             "check": "; ".join(x for x in (
                 calibration.effect_note(d),
                 f"pre-trend p = {d.pretrend_p_value:.3f} ({calibration.pretrend_note(d)})"
                 if d.pretrend_p_value is not None else "",
                 (f"placebo {d.placebo['placebo_date']}: {d.placebo['effect_pp']:+.1f} pp, p = "
                  f"{d.placebo['p_value']:.3f} ({calibration.placebo_note(d)})") if d.placebo else "") if x)}]
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
    pre_txt = (f"Pre-trend tests ({calibration.pretrend_note(d)}): linear trend of the discounted procedures before the "
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
        if calibration.pretrend_failed(d):
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
