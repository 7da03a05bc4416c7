"""Power first: the minimum detectable effects of the fee-discount report, their table,
curves, figure and text."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.models import power
from analysis import i18n
from analysis.i18n import _
from analysis.reports import plotting
from analysis.reports.wording import citation
from analysis.data import Dataset
from analysis.errors import Refused
from analysis.reports.discount.figures import _sim_caption
from analysis.reports.discount import absent
from analysis.reports.discount.absent import when_no_policy
from analysis.reports.narrative import Markdown

if TYPE_CHECKING:
    from analysis.reports.discount import PanelInput, PolicyInfo

#: Noise levels (logit sd) METHODS.md quotes for province-level series: low and high.
ASSUMED_PROVINCE_NOISE = (0.05, 0.10)
#: Autocorrelation assumed with them: with 0.5 the simulated MDEs (5.0 and 9.6 pp for
#: 12 + 12 months) reproduce METHODS.md's "about 5 pp ... over 8 pp".
ASSUMED_RHO = 0.5


@when_no_policy(absent.passed)
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
            rows.append({"design": design, "noise_source": _("refused: {reason}").format(reason=exc), "mde_pp": float("nan")})
            continue
        specs[design] = dict(spec.__dict__)
        variants = [(spec, _("estimated from the pre-period"))]
        if design == "its":
            variants += [(power.PowerSpec(**{**spec.__dict__, "noise_sd": sd, "rho": ASSUMED_RHO}),
                          _("assumed (project methods notes; autocorrelation {rho})").format(rho=i18n.number(ASSUMED_RHO, 2)))
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


@when_no_policy(absent.passed)
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


def _power_caption(inp: PanelInput, power_tab: pd.DataFrame, ds: Dataset, policy: PolicyInfo) -> str:
    est = power_tab.attrs["estimated"]
    return _sim_caption(inp) + _(
        "Power by simulation ({n_sims} simulated panels per point) for {pre} months before and {post} after the "
        "policy, about {monthly} dossiers a month, {discounted} of {procedures} procedures discounted ({share} of "
        "dossiers); month-to-month noise estimated from the pre-period (logit sd {sd_did} per procedure, {sd_its} "
        "province-wide). Dashed: 80% power; dotted: the 5% false-positive rate. The two panels measure different "
        "things: the left an effect on the discounted procedures only, the right on all dossiers.").format(
        n_sims=i18n.integer(int(power_tab["n_sims"].dropna().iloc[0])), pre=est["months_pre"],
        post=est["months_post"], monthly=i18n.integer(est["monthly_total"]), discounted=est["n_discounted"],
        procedures=est["n_procedures"], share=i18n.percent(100 * est["discounted_dossier_share"], 0),
        sd_did=i18n.number(est["did_noise_sd"], 3, trim=False), sd_its=i18n.number(est["its_noise_sd"], 3, trim=False),
    ) + " " + citation(ds, policy.source_ids)


@when_no_policy(absent.no_figure)
def power_figure(curves: pd.DataFrame, ds: Dataset, policy: PolicyInfo, inp: PanelInput,
                 power_tab: pd.DataFrame):
    """Return (fig, plotted frame, caption, alt text): power against effect size, one panel per
    design; None for a province with no policy (no figure)."""
    fig, axes = plotting.new_figure(1, 2, sharey=True)
    titles = {"did": _("Discounted vs other procedures (DiD)"), "its": _("Province-wide series (ITS)")}
    units = {"did": _("Effect on the discounted procedures' share (pp)"),
             "its": _("Effect on the province-wide share (pp)")}
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
            ax.annotate(_("MDE {mde} pp").format(mde=i18n.number(mde, 1)), (mde, 40), xytext=(5, 0),
                        textcoords="offset points", fontsize=9, color=colour)
        ax.set_title(titles[design], fontsize=10)
        ax.set_xlabel(units[design])
    axes[0].set_ylabel(_("Power: chance the 5% test detects the effect (%)"))
    caption = _power_caption(inp, power_tab, ds, policy)
    plotting.finish(fig, title=_("Could the data detect the discount? Power by effect size, {province}").format(
                        province=policy.province),
                    subtitle=_("The minimum detectable effect (MDE) is where power reaches 80%"),
                    caption=caption, simulated=inp.simulated)
    mdes = {d_: float(power_tab.loc[power_tab["design"] == d_, "mde_pp"].iloc[0]) for d_ in ("did", "its")}
    alt = _("Two line charts of power against effect size: the difference-in-differences reaches 80% at {did} pp, "
            "the province-wide series at {its} pp (–: design refused).").format(
        did=i18n.number(mdes["did"], 1), its=i18n.number(mdes["its"], 1))
    return fig, curves, caption, alt


def _describe_its(its_rows: pd.DataFrame, share: float) -> str:
    its_row = its_rows.iloc[0]
    need = its_row["mde_pp"] / max(share, 1e-9)
    text = _("On the province-wide series (interrupted time series) it is **{mde} pp** of the province-wide share "
             "with the noise of this panel's pre-period (sd {sd}, autocorrelation {rho}: estimated from only {months} "
             "months, so imprecise)").format(
        mde=i18n.number(its_row["mde_pp"], 1, trim=False), sd=i18n.number(its_row["noise_sd_logit"], 3, trim=False),
        rho=i18n.number(its_row["rho"], 2, trim=False), months=its_row["months_pre"])
    text += "".join(_(", {mde} pp at an assumed noise sd of {sd}").format(
        mde=i18n.number(r.mde_pp, 1, trim=False), sd=i18n.number(r.noise_sd_logit, 2, trim=False))
        for r in its_rows.iloc[1:].itertuples()) + ". "
    text += _("The discounted procedures hold {share} of dossiers, so a province-wide change of {mde} pp needs them "
              "to gain about {need} pp each").format(share=i18n.percent(100 * share, 0),
                                                     mde=i18n.number(its_row["mde_pp"], 1, trim=False),
                                                     need=i18n.number(need, 0))
    return text + (_(": more than the largest effect of any nudge in the related evidence (about 14 pp, project team's notes), "
                     "so the province-wide series cannot be expected to detect this discount.") if need > 14 else ".")


@when_no_policy(absent.nothing)
def describe_power(table: pd.DataFrame, policy: PolicyInfo, simulated: bool) -> Markdown:
    """Return Markdown stating the MDEs (or why a design was refused) before any estimate;
    nothing for a province with no policy."""
    did_row = table[(table["design"] == "did")].iloc[0]
    its_rows = table[(table["design"] == "its")]
    est = table.attrs.get("estimated", {})
    tag = _("**SIMULATED.**") + " " if simulated else ""
    share = est.get("discounted_dossier_share", float("nan"))
    parts = [tag + _("**Minimum detectable effects (80% power, 5% level).**")]
    if np.isnan(did_row["mde_pp"]):
        parts.append(_("Difference-in-differences: {reason}.").format(reason=did_row["noise_source"]))
    else:
        parts.append(_("Comparing the discounted procedures with the others (difference-in-differences), {pre} months "
                       "before and {post} after, the smallest effect these data would detect is **{mde} percentage "
                       "points** on the discounted procedures' online share.").format(
            pre=did_row["months_pre"], post=did_row["months_post"], mde=i18n.number(did_row["mde_pp"], 1, trim=False)))
    if np.isnan(its_rows.iloc[0]["mde_pp"]):
        parts.append(_("Province-wide series: {reason}.").format(reason=its_rows.iloc[0]["noise_source"]))
    else:
        parts.append(_describe_its(its_rows, share))
    return Markdown(" ".join(parts))
