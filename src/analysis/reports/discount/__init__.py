"""The fee-discount report (notebooks/03_fee_discount.ipynb): parameters, the policy, the
panel and the estimates.

Power lives in :mod:`analysis.reports.discount.power`, figures in
:mod:`analysis.reports.discount.figures` and tables and text in
:mod:`analysis.reports.discount.sentences`; all are re-exported here, so the notebook calls
this one module.

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

import pandas as pd

from analysis.models import did, its, simulate
from analysis.data import panel as panel_mod
from analysis.data import Dataset
from analysis.data.policy_rows import start_basis, start_date
from analysis.errors import Refused
from analysis import i18n
from analysis.i18n import N_, _
from analysis.reports import plotting, wording
from analysis.reports.discount import absent
from analysis.reports.discount.absent import NoPolicy, when_no_policy
from analysis.reports.narrative import Markdown
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


#: Where a policy's start came from, in words (by its basis, :mod:`analysis.data.policy_rows`).
START_NOTES = {
    "in_force": N_("effective date in the project's policy table"),
    "in_force_month": N_("only the month it took effect is known from the project's policy table, so the first "
                         "day of that month is used"),
    "date_adopted": N_("adoption date in the project's policy table; the effective date is not known, so the true "
                       "start may be later"),
}


def _policy_date(row, policy_date) -> tuple[dt.date, str] | None:
    """The policy's start and a note in words on where it came from: the given date, else
    the row's start (:func:`analysis.data.policy_rows.start_date`); None when neither a
    date is given nor the row has one."""
    if policy_date is not None:
        return pd.Timestamp(policy_date).date(), _("as given in the parameters")
    start = None if row is None else start_date(row)
    if start is None:
        return None
    return start.date(), _(START_NOTES[start_basis(row)])


def policy_for(ds: Dataset, province: str, policy_date=None, discount_pct=None) -> PolicyInfo | absent.NoPolicy:
    """Return the fee policy of ``province``: given values, else its row in policies.csv.

    A policy row counts when it is provincial for the province. When no date is given, the
    row's in-force date is used, else the first day of its in-force month, else its
    adoption date, and the note says which. When no discount rate is known anywhere, 40%
    (Nghệ An's) is used as an illustrative rate and the note says so. When no date is given
    and the province has no such row, or its row has no date at all, returns the
    :class:`~analysis.reports.discount.absent.NoPolicy` that every function here the
    notebook calls turns into the short report (nothing to study), instead of raising.
    """
    province = ds.canonical_province(province)
    pol = ds.policies[(ds.policies["level"] == "provincial") & (ds.policies["province"] == province)]
    row = pol.iloc[0] if len(pol) else None
    start = _policy_date(row, policy_date)
    if start is None:
        return absent.no_policy(ds, province, row)
    date, date_note = start
    if discount_pct is not None:
        disc, disc_note = float(discount_pct), _("as given in the parameters")
    elif row is not None and pd.notna(row["discount_pct"]):
        disc, disc_note = float(row["discount_pct"]), _("the project's policy table")
    else:
        disc, disc_note = 40.0, _("not known for this province: 40% (Nghệ An's rate) is used as an illustration")
    return PolicyInfo(province=province, date=date, discount_pct=disc,
                      policy_name=wording.policy_name(row) if row is not None else _("(policy given by parameters)"),
                      date_note=date_note, discount_note=disc_note,
                      source_ids=[row["source_id"]] if row is not None else [])


@dataclass
class PanelInput:
    """The panel analysed, whether it is SIMULATED, and the simulator's truth if so."""

    panel: pd.DataFrame
    simulated: bool
    truth: dict | None
    description: str


@when_no_policy(absent.passed)
def load_or_simulate(ds: Dataset, policy: PolicyInfo, panel_path: Path | None, seed: int) -> PanelInput:
    """Return the panel at ``panel_path`` (validated), or a SIMULATED one when it is None.

    The simulated panel uses the seeds' calibration (:mod:`analysis.models.simulate`) with the
    policy's province and date and a true effect of 0.2 on the logit scale. Given a
    :class:`NoPolicy`, returns it (nothing to load). Raises PanelError for a bad panel file.
    """
    if panel_path is not None:
        pnl = panel_mod.read_panel(panel_path, dataset=ds)
        return PanelInput(pnl, False, None, _(
            "Panel read from `{file}`: {rows} rows, {procedures} procedures, {first} to {last}.").format(
            file=Path(panel_path).name, rows=i18n.integer(len(pnl)), procedures=pnl["procedure"].nunique(),
            first=_month(pnl["month"].min()), last=_month(pnl["month"].max())))
    design = simulate.PanelDesign(province=policy.province, policy_date=policy.date, effect_logit=0.2)
    pnl, truth = simulate.simulate_panel(design, seed=seed)
    return PanelInput(pnl, True, truth, _(
        "**SIMULATED panel** (no monthly procedure-level data is public): {rows} rows, {procedures} procedures of "
        "which {discounted} discounted, {first} to {last}, about {monthly} dossiers a month. Its true effect is "
        "known: {effect} pp on the discounted procedures' share ({province_effect} pp province-wide), plus a "
        "national policy from {national_date} worth {national_effect} pp province-wide. Every number below is "
        "about this simulation, not about the province.").format(
        rows=i18n.integer(len(pnl)), procedures=design.n_procedures, discounted=design.n_discounted,
        first=_month(pnl["month"].min()), last=_month(pnl["month"].max()),
        monthly=i18n.integer(design.monthly_total), effect=signed(truth["true_effect_pp_discounted"]),
        province_effect=signed(truth["true_effect_pp_province"]), national_date=i18n.date(design.national_date),
        national_effect=signed(truth["true_national_effect_pp_province"])))


@when_no_policy(absent.nothing)
def describe_panel(inp: PanelInput) -> Markdown:
    """Return the panel's description (read from a file, or SIMULATED with its truth) as
    Markdown; nothing for a province with no policy."""
    return Markdown(inp.description)


def signed(value: float, decimals: int = 2) -> str:
    """Return ``value`` with its sign and exactly ``decimals`` decimals in the current language
    (vi ``+1,23``, en ``+1.23``); NaN or None as an en dash."""
    if value is None or value != value:
        return "–"
    return ("+" if value >= 0 else "") + i18n.number(value, decimals, trim=False)


def _month(period) -> str:
    return i18n.date(period.to_timestamp(), short=True)


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


@when_no_policy(absent.passed)
def estimates(inp: PanelInput, policy: PolicyInfo, seed: int, n_boot: int = 999) -> Estimates:
    """Return both designs' results; a design the panel cannot support is recorded with its
    refusal message instead of stopping the report. The baseline share (for scenarios) is
    the DiD's predicted share of the discounted procedures without the discount, or, when
    the DiD is refused, their observed share over the last three pre-period months. Given
    a :class:`NoPolicy`, returns it."""
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



STEM = "03_fee_discount"

#: The notebook's headings and explanations (English source; see analysis.reports.narrative).
TEXTS = {
    "title": N_(
        "# Did the online fee discount raise online uptake? ({province})\n\n"
        "Nghệ An cut fees by 40% for 9 procedures submitted online from 7 Nov 2023. This report asks "
        "first whether the data *could* show an effect of that size (the minimum detectable effect), then estimates "
        "it (procedure-level difference-in-differences, with a province-level interrupted time series as a secondary "
        "check), then shows what an assumed range of responses would imply, and ends with what the evidence can and "
        "cannot say.\n\n"
        "**No monthly procedure-level data is public.** Without a procedure-level panel the report runs on a "
        "SIMULATED panel calibrated to the seeds, and every table and figure says so. Given a real panel in the "
        "documented format, it runs unchanged."),
    "load": N_("## Load inputs\n\nThe policy comes from the project's policy table unless given; the panel is validated (a "
               "bad row stops the run with file, line, column and reason) or simulated."),
    "power": N_("## Model, step 1: could these data detect an effect? (power first)\n\nMinimum detectable effects by "
                "simulation (80% power, 5% level), with volumes, months and noise taken from the panel's pre-period, "
                "and for the province-wide series also at the noise levels the project's methods notes quote."),
    "estimate": N_("## Model, step 2: the estimate\n\nMain design: discounted vs other procedures, binomial GLM with "
                   "procedure and month fixed effects, wild cluster bootstrap by procedure (Webb weights, null "
                   "imposed). Secondary: the province-wide interrupted time series with a simulation-calibrated test. "
                   "Effects are in percentage points; each row says of what."),
    "event_study": N_("## Figures\n\n### Pre-trends and the effect: event study"),
    "its": N_("### The province-wide series (secondary design)"),
    "scenarios": N_("### Scenarios (assumptions, not estimates)\n\nNo published price elasticity of channel choice "
                    "exists, so the response to the discount is an assumed range, set in the report's parameters."),
    "limits": N_("## What this does not show"),
}


def text(key: str, policy: PolicyInfo | NoPolicy | None = None, **values) -> Markdown:
    """Return the notebook's heading or explanation ``key`` (:data:`TEXTS`) as Markdown in the
    current language, the title naming ``policy``'s province. For a :class:`NoPolicy`, the
    title is the whole short report and every other heading is nothing (its section does
    not apply). Raises KeyError for an unknown key."""
    from analysis.reports import narrative

    if isinstance(policy, NoPolicy):
        return absent.text(key, policy)
    if policy is not None:
        values.setdefault("province", policy.province)
    return narrative.render(TEXTS, key, **values)


@when_no_policy(absent.nothing)
def policy_markdown(policy: PolicyInfo) -> Markdown:
    """Return one Markdown paragraph naming the policy studied, its date and discount and
    where each came from, in the current language."""
    return Markdown(_("**Policy studied:** {name}, {province}; from {date} ({date_note}); discount {discount} "
             "({discount_note}).").format(name=policy.policy_name, province=policy.province,
                                           date=i18n.date(policy.date), date_note=policy.date_note,
                                           discount=i18n.percent(policy.discount_pct),
                                           discount_note=policy.discount_note))


@when_no_policy(absent.passed)
def mde_did_pp(power_tab: pd.DataFrame) -> float:
    """Return the difference-in-differences' minimum detectable effect (pp) in ``power_tab``
    (NaN when that design was refused); a :class:`NoPolicy` passes through."""
    return float(power_tab.loc[power_tab["design"] == "did", "mde_pp"].iloc[0])


@when_no_policy(lambda rec: absent.findings(rec, STEM))
def findings(policy: PolicyInfo, inp: PanelInput, power_tab: pd.DataFrame, est: Estimates):
    """Return the :class:`~analysis.reports.findings.Findings` of the fee-discount report:
    "simulated" (the smallest detectable effect and the simulated truth against the
    estimate) on a SIMULATED panel; on a real panel "estimate" with the effect and its
    interval, or "refused" when the comparison was refused; for a :class:`NoPolicy`,
    "no_policy" with the short report's sentences."""
    from analysis.reports.findings import Findings

    mde = mde_did_pp(power_tab)
    mde_text = (_("the smallest effect the procedure-level comparison could detect is {mde} pp").format(
        mde=i18n.number(mde, 1, trim=False)) if mde == mde else _("no detectable effect could be computed"))
    d = est.did
    if inp.simulated:
        more = [] if d is None else [_("The method recovers the simulated effect: truth {truth} pp, estimate {effect} "
                                       "pp (95% CI {low} to {high}); nothing is known yet about {province}.").format(
            truth=signed(inp.truth["true_effect_pp_discounted"], 1), effect=signed(d.effect_pp, 1),
            low=signed(d.ci_low_pp, 1), high=signed(d.ci_high_pp, 1), province=policy.province)]
        return Findings(report=STEM, status="simulated", headline=_("{stamp} data; {mde}.").format(
            stamp=plotting.simulated_mark(), mde=mde_text), sentences=more)
    if d is None:
        return Findings(report=STEM, status="refused", headline=_(
            "Refused: the procedure-level comparison cannot be made on this panel ({reason}).").format(
            reason=est.did_refusal))
    return Findings(report=STEM, status="estimate", headline=_(
        "Estimate: the discount changed the discounted procedures' online share by {effect} pp (95% CI {low} to "
        "{high}) in {province}.").format(effect=signed(d.effect_pp, 1), low=signed(d.ci_low_pp, 1),
                                         high=signed(d.ci_high_pp, 1), province=policy.province),
        sentences=[_("For comparison, {mde}.").format(mde=mde_text)])


#: Settings that play no part when there is no policy to study (nothing is simulated or
#: estimated): the short report's "how this was run" note leaves them out.
UNUSED_WITHOUT_POLICY = ("panel_path", "response_range", "fee_vnd", "reference_fee_vnd", "n_sims", "seed")


def run_note(p, policy: PolicyInfo | NoPolicy) -> Markdown:
    """Return the closing "how this was run" note (:func:`analysis.reports.show.run_note`) of
    the checked parameters ``p``; for a :class:`NoPolicy`, without the settings of the
    simulation and the estimates (:data:`UNUSED_WITHOUT_POLICY`), which were not used."""
    from types import SimpleNamespace

    from analysis.reports import show

    if isinstance(policy, NoPolicy):
        p = SimpleNamespace(**{k: v for k, v in vars(p).items() if k not in UNUSED_WITHOUT_POLICY})
    return show.run_note(p)


# Re-exported so the notebook (and scripts) call one module; imported last because these
# modules refer back to the classes above.
from analysis.reports.discount.power import (  # noqa: E402,F401
    ASSUMED_PROVINCE_NOISE, ASSUMED_RHO, describe_power, power_curves, power_figure, power_table)
from analysis.reports.discount.figures import (  # noqa: E402,F401
    event_study_figure, its_figure, scenario_curves, scenario_figure)
from analysis.reports.discount.sentences import (  # noqa: E402,F401
    estimate_table, evidence_statement, readable, reader_table, uplift_table, warnings_markdown)
