"""Estimates of the fee-policies report: both designs on the panel, their table, the
limits and the findings for the reviewers' page."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import i18n
from analysis.errors import Refused
from analysis.i18n import N_, _
from analysis.models import policy_effect
from analysis.reports import plotting
from analysis.reports.narrative import Markdown
from analysis.reports.policy.inputs import STEM, PanelInput


@dataclass
class Results:
    """Both designs' results (JSON-ready dicts) and their fitted objects for the figures."""

    scm: dict
    scm_fit: object  # (Synth, SynthInference | None) or None
    did: dict
    did_fit: object  # staggered.Staggered or None


def _refused(method: str, province: str, group: str, reason: str) -> dict:
    return {"status": "refused", "method": method, "province": province, "group": group, "reason": reason}


def estimate(inp: PanelInput, policies: pd.DataFrame, province: str, group: str, seed: int) -> Results:
    """Return both designs on ``inp``'s panel; a design the data cannot support is recorded
    as refused with its reason (never raised)."""
    try:
        scm, scm_fit = policy_effect.scm(inp.panel, policies, province, group)
    except Refused as exc:
        scm, scm_fit = _refused("scm", province, group, str(exc)), None
    try:
        did, did_fit = policy_effect.did(inp.panel, policies, province, group, seed=seed)
    except Refused as exc:
        did, did_fit = _refused("staggered", province, group, str(exc)), None
    return Results(scm, scm_fit, did, did_fit)


HEADERS = {"design": N_("design"), "effect": N_("effect (points of the ratio)"), "interval": N_("95% interval"),
           "p_value": N_("p-value"), "note": N_("how to read it")}


def _interval(lo, hi) -> str:
    if lo is None or hi is None:
        return _("unbounded (too few placebos)")
    return _("{low} to {high}").format(low=i18n.signed(lo, 2), high=i18n.signed(hi, 2))


def _loo(s: dict) -> str:
    """The range of the effect with each weighted donor left out, as a clause."""
    vals = [d["effect"] for d in s.get("leave_one_out", []) if d["effect"] is not None]
    if not vals:
        return ""
    return _("; leaving out one donor at a time: {low} to {high}").format(
        low=i18n.signed(min(vals), 2), high=i18n.signed(max(vals), 2))


def table(res: Results, inp: PanelInput) -> pd.DataFrame:
    """Return the estimates with their intervals, one row per design, headers and notes in
    the reader's language (SIMULATED in the first column when the panel is)."""
    rows = []
    s, d = res.scm, res.did
    if s["status"] == "estimate":
        rows.append({"design": _("synthetic control ({province})").format(province=s["province"]),
                     "effect": i18n.signed(s["effect"], 2), "interval": _interval(s["ci_low"], s["ci_high"]),
                     "p_value": i18n.number(s["p_value"], 3, trim=False),
                     "note": _("placebo in space; smallest attainable p-value {p}").format(
                         p=i18n.number(s["smallest_p"], 3, trim=False)) + _loo(s)})
    else:
        rows.append({"design": _("synthetic control ({province})").format(province=s["province"]), "effect": "–",
                     "interval": "–", "p_value": "–", "note": _("refused: {reason}").format(reason=s["reason"])})
    if d["status"] == "estimate":
        rows.append({"design": _("staggered DiD (all policy provinces)"), "effect": i18n.signed(d["att"], 2),
                     "interval": _interval(d["ci_low"], d["ci_high"]),
                     "p_value": i18n.number(d["p_value"], 3, trim=False),
                     "note": _("placebo p-value and interval ({reps} reassignments of the policy months); the "
                               "analytic interval misses its level with one or two provinces per cohort (design "
                               "study) and is not shown").format(reps=d["placebo_reps"])})
    else:
        rows.append({"design": _("staggered DiD (all policy provinces)"), "effect": "–", "interval": "–",
                     "p_value": "–", "note": _("refused: {reason}").format(reason=d["reason"])})
    out = pd.DataFrame(rows)
    if inp.simulated:
        out.insert(0, "data", plotting.simulated_mark())
    return out.rename(columns={c: _(h) for c, h in HEADERS.items()})


def limits(res: Results, inp: PanelInput) -> Markdown:
    """Return what the estimates do not show, as a Markdown list in the reader's language."""
    items = [
        _("Index points are not the online dossier rate: the group scores how a province's services are rated "
          "on the national portal, not the share of dossiers filed online."),
        _("The index's version and its group maxima changed between years; a ratio to the maximum of the year "
          "is used, but a change of method shows up as a change in every province at once (differenced out) "
          "or, if the revision treated provinces differently, as an effect that is not the policy's."),
        _("Other provincial programmes at the same time (Project 06 campaigns, one-stop centre reforms, "
          "targets in provincial plans) are not in the policies table; an effect is the policy's only if "
          "nothing else changed in the province at that month."),
        _("Huế's policy has no known month and is left out; Hòa Bình's and Hải Dương's start at their adoption "
          "month because their in-force dates were not found."),
    ]
    if inp.simulated:
        items.insert(0, _("{stamp}: no monthly history is held, so the estimates above are about a simulated "
                          "effect of {effect} points; they say nothing about any province.").format(
            stamp=plotting.simulated_mark(), effect=i18n.signed(inp.effect, 1)))
    return Markdown("\n".join(f"- {t}" for t in items))


def _lead(res: Results, method: str) -> tuple[str, str]:
    """The lead sentence and status of the findings."""
    if method == "scm":
        s = res.scm
        if s["status"] != "estimate":
            return _("Synthetic control for {province} refused: {reason}.").format(
                province=s["province"], reason=s["reason"]), "refused"
        donors = ", ".join(d["province"] for d in s["donors"][:3])
        return _("Synthetic control: {province}'s policy changed the group's ratio by {effect} points (95% interval "
                 "{interval}; placebo p {p}); the synthetic {province} is mostly {donors}.").format(
            province=s["province"], effect=i18n.signed(s["effect"], 1), interval=_interval(s["ci_low"], s["ci_high"]),
            p=i18n.number(s["p_value"], 3, trim=False), donors=donors), "estimate"
    d = res.did
    if d["status"] != "estimate":
        return _("Staggered DiD refused: {reason}.").format(reason=d["reason"]), "refused"
    return _("Staggered DiD over {n} policy provinces: {effect} points (interval {interval}; placebo p {p}).").format(
        n=sum(len(c["provinces"]) for c in d["cohorts"]), effect=i18n.signed(d["att"], 1),
        interval=_interval(d["ci_low"], d["ci_high"]), p=i18n.number(d["p_value"], 3, trim=False)), "estimate"


def findings(res: Results, inp: PanelInput, method: str):
    """Return the report's :class:`~analysis.reports.findings.Findings`: "simulated" on a
    SIMULATED panel (the estimate against the known effect), else the leading design's
    estimate or refusal."""
    from analysis.reports.findings import Findings

    if inp.simulated:
        return Findings(report=STEM, status="simulated", headline=_(
            "{stamp} data: no monthly history of the index is held (run {command}); the designs ran on a simulated "
            "panel with a true effect of {effect} points.").format(
            stamp=plotting.simulated_mark(), command="analysis portal backfill --from 2022-01",
            effect=i18n.signed(inp.effect, 1)), sentences=[_sim_sentence(res, inp)])
    lead, status = _lead(res, method)
    return Findings(report=STEM, status=status, headline=lead,
                    sentences=[_("Index points are not the online dossier rate.")])


def _sim_sentence(res: Results, inp: PanelInput) -> str:
    """What each design estimated on the SIMULATED panel, against the known truth."""
    parts = []
    for key, name, value in (("scm", _("synthetic control"), "effect"), ("did", _("staggered DiD"), "att")):
        r = getattr(res, key)
        if r["status"] == "estimate":
            parts.append(_("{design} {effect} (95% interval {interval})").format(
                design=name, effect=i18n.signed(r[value], 1), interval=_interval(r["ci_low"], r["ci_high"])))
        else:
            parts.append(_("{design} refused").format(design=name))
    return _("On the {stamp} panel (true effect {truth}): {estimates}.").format(
        stamp=plotting.simulated_mark(), truth=i18n.signed(inp.effect, 1), estimates="; ".join(parts))
