"""Text of the growth report: the chronology, the model summary, the grid table and the
limits (Markdown and tables shown by notebooks/02_online_rate_growth.ipynb)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis import i18n
from analysis.i18n import N_, _
from analysis.models import growth
from analysis.reports.growth import words
from analysis.reports.wording import format_period, format_value

if TYPE_CHECKING:
    from analysis.reports.growth import GrowthAnalysis


def chronology_markdown(ga: GrowthAnalysis) -> str:
    """Return Markdown listing the figures in the order of their placed dates, saying where
    periods overlap and where a fall between consecutive figures is a change of scope."""
    if ga.data is None:
        return f"**{words.no_data(ga.province, ga.no_data)}**"
    f = ga.data.frame.sort_values("date").reset_index(drop=True)
    lines = [_("**{n} online-dossier-rate figure(s) for {province}, in the order of the dates they are placed "
               "at:**").format(n=len(f), province=ga.province), ""]
    for _i, r in f.iterrows():
        lines.append(_("- {period}: {value}, scope *{scope}*; placed at {date} ({placement}) {source}").format(
            period=format_period(r), value=format_value(r), scope=words.scope_name(r["scope"]),
            date=i18n.date(r["date"]), placement=_placement(str(r["placement"])),
            source=ga.source_keys[r["source_id"]]))
    notes = []
    for (_i, a), (_j, b) in zip(f.iloc[:-1].iterrows(), f.iloc[1:].iterrows()):
        notes += _pair_notes(a, b)
    if f["scope"].nunique() > 1:
        notes.append(_("The figures come from {n} scopes ({scopes}); a curve through them mixes growth with the "
                       "difference between scopes.").format(
            n=f["scope"].nunique(), scopes=", ".join(words.scope_name(s) for s in dict.fromkeys(f["scope"]))))
    if notes:
        lines += ["", *[f"- {n}" for n in notes]]
    return "\n".join(lines)


def _placement(code: str) -> str:
    """Return how a figure was placed in time in the current language (the model's own
    words in English: 'midpoint of ...', 'end date ... ('as of', start not stated)')."""
    if i18n.get_language() == "en":
        return code
    if code.startswith("midpoint of assumed"):
        return _("midpoint of an assumed year-to-date period (start not stated)")
    if code.startswith("midpoint"):
        return _("midpoint of its period")
    if code.startswith("end date"):
        return _("its end date (cumulative figure, start not stated)")
    return code


def _pair_notes(a, b) -> list[str]:
    """Return the notes about two consecutive figures: nested or overlapping periods, and a
    fall that comes with a change of scope."""
    notes = []
    a_start = a["period_start"] if pd.notna(a["period_start"]) else a["period_end"]
    b_start = b["period_start"] if pd.notna(b["period_start"]) else b["period_end"]
    a_holds_b = a_start <= b_start and b["period_end"] <= a["period_end"]
    if a_holds_b or b_start <= a_start and a["period_end"] <= b["period_end"]:
        inner, outer = (b, a) if a_holds_b else (a, b)
        notes.append(_("The period of the figure {outer} ({outer_period}) contains that of the figure {inner} "
                       "({inner_period}): the first is not a later measurement of the same thing; it covers a "
                       "longer span that includes the other's, measured on its own scope.").format(
            outer=format_value(outer), outer_period=format_period(outer), inner=format_value(inner),
            inner_period=format_period(inner)))
    elif b_start <= a["period_end"] and a_start <= b["period_end"]:
        notes.append(_("The periods of the figures {a} ({a_period}) and {b} ({b_period}) overlap: the "
                       "later-placed figure is not a later measurement of the same thing.").format(
            a=format_value(a), a_period=format_period(a), b=format_value(b), b_period=format_period(b)))
    if b["value_pct"] < a["value_pct"] and a["scope"] != b["scope"]:
        msg = (_("From {a} ({a_scope}) to {b} ({b_scope}) the figure falls, but the scope changes (and the first is "
                 "only a lower bound): this is a change of who is counted, not evidence that online use fell.")
               if a["bound"] == "lower" else
               _("From {a} ({a_scope}) to {b} ({b_scope}) the figure falls, but the scope changes: this is a change "
                 "of who is counted, not evidence that online use fell."))
        notes.append(msg.format(a=format_value(a), a_scope=words.scope_name(a["scope"]), b=format_value(b),
                                b_scope=words.scope_name(b["scope"])))
    return notes


def _fit_lines(fit: growth.GrowthFit, target: float, horizon, latest=None) -> list[str]:
    s = growth.summarise(fit, target_pct=target, horizon=horizon)
    b1 = s["coefficients"]["slope_per_year"]
    last = s["projection"][-1]
    dates = ", ".join(i18n.date(pd.Timestamp(d), short=True) for d in fit.points.sort_values("date")["date"])
    lines = [_("- Curve: **{label}**; {family}; fitted to {n} figure(s), placed at {dates}; {df} residual "
               "degree(s) of freedom; scale {scale} ({method}).").format(
                 label=words.fit_label(fit), family=words.family(fit), n=len(fit.points), dates=dates,
                 df=i18n.integer(fit.df_resid), scale=i18n.number(fit.scale, 3), method=words.scale_method(fit)),
             _("- Slope: {slope} logit per year (standard error {se}).").format(
                 slope=("+" if b1["estimate"] >= 0 else "") + i18n.number(b1["estimate"], 3, trim=False),
                 se=i18n.number(b1["se"], 3, trim=False)),
             _("- Projected {scope} share on {date}: {mean} ({low}–{high}, {level} confidence interval for the "
               "mean).").format(
                 scope=words.scope_name(fit.reference_scope), date=i18n.date(pd.Timestamp(last["date"])),
                 mean=i18n.percent(last["mean_pct"], 1), low=i18n.percent(last["low_pct"], 1),
                 high=i18n.percent(last["high_pct"], 1), level=i18n.percent(100 * fit.level, 0))]
    t = s["time_to_target"]
    # To the month: a date projected from a handful of figures is not known to the day.
    day = lambda x: i18n.date(pd.Timestamp(x), short=True) if x else _("unbounded")  # noqa: E731
    if t:
        lines.append(_("- Reaches {target} in **{date}** (interval {low} to {high}; delta method {dlow} to "
                       "{dhigh}).").format(target=i18n.percent(target), date=day(t["date"]), low=day(t["low"]),
                                           high=day(t["high"]), dlow=day(t["delta_low"]), dhigh=day(t["delta_high"])))
        if growth.already_past(fit.time_to_target(target), latest):
            lines.append("  - ⚠ " + past_note(latest))
    else:
        lines.append(_("- Time to {target}: **none** — {reason}.").format(
            target=i18n.percent(target), reason=words.no_date_reason(fit, target, s["time_to_target_reason"])))
    for w in words.warnings(fit):
        lines.append(f"  - ⚠ {w}")
    return lines


def past_note(latest) -> str:
    """Return the warning that a projected target date is already past: the data holds a newer
    figure (of ``latest``) about the province."""
    return _("This date is already past: the data holds a figure about the province from {latest}, later "
             "than the projected date, so the curve's date is not a forecast; compare it with the newer "
             "figures.").format(latest=i18n.date(pd.Timestamp(latest)))


def _asked(ga: GrowthAnalysis) -> str:
    p = ga.p
    if p.scope:
        return _("one scope ({scope})").format(scope=words.scope_name(p.scope))
    if p.offsets:
        offsets = growth.parse_offsets(p.offsets)
        return _("assumed offsets {offsets}").format(offsets=", ".join(
            _("{scope} {offset} logit").format(scope=words.scope_name(s), offset=i18n.number(d, 2))
            for s, d in offsets.items()))
    if ga.data.frame["scope"].nunique() == 1:
        return _("every figure; it has one scope")
    return _("every scope, with scope offsets estimated from the data")


def model_markdown(ga: GrowthAnalysis) -> str:
    """Return Markdown saying what was fitted (or refused, and why) under the parameters."""
    p = ga.p
    if ga.data is None:
        return _("**No model.** {reason}").format(reason=words.no_data(ga.province, ga.no_data))
    lines = [_("### Main fit ({asked})").format(asked=_asked(ga)), ""]
    if ga.main is None:
        lines += [_("**Refused.** {reason}").format(reason=words.refusal(ga.main_refusal, ga.data)), ""]
    else:
        lines += _fit_lines(ga.main, p.target_pct, p.horizon, ga.latest) + [""]
    lines += [_("### Sensitivity grid over assumed scope offsets"), ""]
    if ga.grid_note:
        lines.append(grid_note(ga))
    else:
        lines.append(_("{n} assumption(s); each curve below is labelled with the offset it assumes. The offsets are "
                       "set by the user, not estimated: the spread across them is the part of the uncertainty the "
                       "data cannot reduce.").format(n=len(ga.grid)))
        lines += ["", grid_summary(ga)]
    return "\n".join(lines)


def grid_note(ga: GrowthAnalysis) -> str:
    """Return why there is no sensitivity fan, in the current language (scopes by name)."""
    if not ga.grid_note:
        return ""
    if ga.p.scope is not None:
        return _("The main fit uses one scope ({scope}), so there are no scope offsets to vary.").format(
            scope=words.scope_name(ga.p.scope))
    if ga.grid_note.startswith("Every exact figure is on one scope"):
        return _("Every exact figure is on one scope: there are no scope offsets to vary.")
    return words.refusal(ga.grid_note, ga.data)  # the grid itself was refused


def target_dates(ga: GrowthAnalysis) -> dict:
    """Return what the grid says about the target date: ``dates`` reached under the fitted
    assumptions, ``widths`` (days) of their sampling intervals, ``never`` (label, reason)
    pairs, ``refused`` count and ``binomial_only`` (some interval is binomial sampling only)."""
    out = {"dates": [], "widths": [], "never": [], "refused": 0, "binomial_only": False}
    for c in ga.grid:
        if c.fit is None:
            out["refused"] += 1
            continue
        out["binomial_only"] |= not c.fit.scale_method.startswith("pearson")
        t = c.fit.time_to_target(ga.p.target_pct)
        if t.date is None:
            out["never"].append((words.cell_label(c), words.no_date_reason(c.fit, ga.p.target_pct, t.reason)))
            continue
        out["dates"].append(t.date)
        if t.low is not None and t.high is not None:
            out["widths"].append((t.high - t.low).days)
    return out


def grid_summary(ga: GrowthAnalysis) -> str:
    """Return one paragraph comparing the spread of the target date across the grid's
    assumptions with the width of the sampling interval within each."""
    target = i18n.percent(ga.p.target_pct)
    d = target_dates(ga)
    dates, widths = d["dates"], d["widths"]
    text = ""
    if len(dates) == 1:
        text = _("Under the one assumption, the fitted curve reaches {target} in **{first}**").format(
            target=target, first=i18n.date(dates[0], short=True))
        if widths:
            text += _(", with a sampling interval {days} days wide").format(days=i18n.integer(max(widths)))
        if d["binomial_only"]:
            text += _(" (and that interval is binomial sampling only, so too narrow)")
        text += "."
    elif dates:
        text = _("Across the assumptions, the fitted curve reaches {target} between **{first}** and **{last}** "
                 "({days} days apart)").format(target=target, first=i18n.date(min(dates), short=True),
                                               last=i18n.date(max(dates), short=True),
                                               days=i18n.integer((max(dates) - min(dates)).days))
        spread = (max(dates) - min(dates)).days
        if widths and max(widths) < spread:
            text += _(", while the sampling interval within one assumption is at most {days} days wide: the "
                      "assumption, not the data, decides the answer").format(days=i18n.integer(max(widths)))
        elif widths:
            text += _(", and the sampling interval within one assumption is up to {days} days wide, wider than "
                      "that spread").format(days=i18n.integer(max(widths)))
        if d["binomial_only"]:
            text += _(" (and that interval is binomial sampling only, so too narrow)")
        text += "."
    if d["never"]:
        text += " " + _("No date under: {items}.").format(items="; ".join(f"{lab} ({why})" for lab, why in d["never"]))
    if d["refused"]:
        text += " " + _("{n} assumption(s) could not be fitted.").format(n=d["refused"])
    return text.strip()


def grid_columns() -> dict[str, str]:
    """Return the headers of :func:`grid_table` in the current language."""
    return {"assumption": _("assumption"), "slope_logit_per_year": _("slope (logit per year)"),
            "share_at_horizon_pct": _("share at the horizon (%)"), "interval_pct": _("interval (%)"),
            "target_date": _("date the target is reached"), "target_interval": _("interval of that date"),
            "note": _("note")}


def grid_table(ga: GrowthAnalysis) -> pd.DataFrame:
    """Return one row per fit (main and grid): assumption, slope per year, projected share at
    the horizon with its interval, date the target is reached with its interval (or the reason
    there is none), and the status of each bound check; headers in the current language."""
    rows = []
    for label, fit, refusal in ga.fits:
        if fit is None:
            rows.append({"assumption": label, "slope_logit_per_year": np.nan, "share_at_horizon_pct": np.nan,
                         "interval_pct": "", "target_date": "", "target_interval": "",
                         # The reason is long and stated in full under the main fit: not cut here.
                         "note": _("refused: the reason is given above, under the main fit")})
            continue
        proj = fit.project([pd.Timestamp(ga.p.horizon)]).iloc[0]
        t = fit.time_to_target(ga.p.target_pct)
        bound_rows = fit.bounds.set_index("obs_id")
        bounds = "; ".join(f"{format_value(bound_rows.loc[b['obs_id']])}: {words.bound_status(b['status'])}"
                           for _i, b in fit.bound_checks().iterrows())
        day = lambda x, none: i18n.date(x, short=True) if x is not None else none  # noqa: E731  (to the month)
        rows.append({
            "assumption": label, "slope_logit_per_year": i18n.number(float(fit.params.iloc[1]), 3),
            "share_at_horizon_pct": i18n.number(float(proj["mean_pct"]), 1),
            "interval_pct": f"{i18n.number(proj['low_pct'], 1)}–{i18n.number(proj['high_pct'], 1)}",
            "target_date": day(t.date, _("none")),
            "target_interval": (_("{low} to {high}").format(low=day(t.low, "?"), high=day(t.high, _("unbounded")))
                                if t.date is not None else words.no_date_reason(fit, ga.p.target_pct,
                                                                                 t.reason or "")),
            "note": _("scale: {method}; bounds: {bounds}").format(method=words.scale_method(fit),
                                                                  bounds=bounds or _("none"))})
    return pd.DataFrame(rows).rename(columns=grid_columns())


LIMITS = [
    N_("Figures reported one after another are not a trajectory: a later report can cover a longer period that "
       "contains an earlier one, or count different offices. A fall between figures on different scopes says "
       "nothing about behaviour."),
    N_("A curve through figures on different scopes is only as good as the assumed offsets between scopes; the "
       "data here cannot estimate them. The fan shows how much the answer moves with that assumption."),
    N_("Intervals with the scale fixed at 1 are binomial sampling error only. They ignore extra-binomial variation "
       "(different reports, periods, definitions), which is certainly much larger; with no residual degrees of "
       "freedom the data cannot say how much larger."),
    N_("A logistic curve is an assumption, not a finding: growth may stall, jump (e.g. when centres stop accepting "
       "paper under Directive 24/CT-TTg from 1 Oct 2025) or differ by procedure."),
    N_("Bounds ('more than 44%') are not fitted; they are only checked against the curve of their scope when an "
       "offset relates that scope to the reference scope."),
    N_("The target of 80% of dossiers processed online by 2025 is that of Decision 942/QĐ-TTg; whether a given "
       "report's rate is measured the way the target is measured is not known."),
    N_("What would answer the question: monthly counts of dossiers submitted online and in total, on one scope "
       "(ideally the National Public Service Portal's own series for the province), for 12 or more months."),
]


def limits_markdown(ga: GrowthAnalysis) -> str:
    """Return the 'What this does not show' Markdown, specific to what was fitted."""
    items = [_(i) for i in LIMITS]
    if ga.data is None:
        items.insert(0, _("Nothing is modelled for {province}: {reason}").format(
            province=ga.province, reason=words.no_data(ga.province, ga.no_data)))
    return "\n".join(f"- {i}" for i in items)
