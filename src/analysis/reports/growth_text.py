"""Text of the growth report: the chronology, the model summary, the grid table and the
limits (Markdown and tables shown by notebooks/02_online_rate_growth.ipynb)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.models import growth
from analysis.data.observations import format_period, format_value

if TYPE_CHECKING:
    from analysis.reports.growth import GrowthAnalysis


def quiet_ttt(fn, *args, **kwargs):
    """Return ``fn(*args, **kwargs)`` (a time-to-target or summary call) without numpy's
    "invalid value encountered in scalar subtract" warning.

    Why: when more than 2.5% of the bootstrap draws never reach the target (+inf), the
    model's ``np.percentile`` interpolates between two +inf draws (inf - inf = NaN). The
    NaN already means "unbounded" (the model turns it into ``high=None``), so the answer is
    right and only the warning leaks to stderr. The proper fix is an ``np.errstate`` around
    the percentiles in ``models.growth.GrowthFit.time_to_target`` (owned by another module).
    """
    with np.errstate(invalid="ignore"):
        return fn(*args, **kwargs)


def chronology_markdown(ga: GrowthAnalysis) -> str:
    """Return Markdown listing the figures in the order of their placed dates, saying where
    periods overlap and where a fall between consecutive figures is a change of scope."""
    if ga.data is None:
        return f"**{ga.no_data}**"
    f = ga.data.frame.sort_values("date").reset_index(drop=True)
    lines = [f"**{len(f)} online-dossier-rate figure(s) for {ga.province}, in the order of the dates they "
             "are placed at:**", ""]
    for _, r in f.iterrows():
        lines.append(f"- {format_period(r)}: {format_value(r)}, scope *{r['scope']}*; placed at "
                     f"{r['date']:%d/%m/%Y} ({r['placement']}) [{r['source_id']}]")
    notes = []
    for (_, a), (_, b) in zip(f.iloc[:-1].iterrows(), f.iloc[1:].iterrows()):
        a_start = a["period_start"] if pd.notna(a["period_start"]) else a["period_end"]
        b_start = b["period_start"] if pd.notna(b["period_start"]) else b["period_end"]
        if a_start <= b_start and b["period_end"] <= a["period_end"] or b_start <= a_start and a["period_end"] <= b["period_end"]:
            inner, outer = (b, a) if a_start <= b_start and b["period_end"] <= a["period_end"] else (a, b)
            notes.append(f"The period of {outer['obs_id']} ({format_period(outer)}) contains that of {inner['obs_id']} "
                         f"({format_period(inner)}): {outer['obs_id']} is not a later measurement of the same "
                         "thing; it covers a longer span that includes the other's, measured on its own scope.")
        elif b_start <= a["period_end"] and a_start <= b["period_end"]:
            notes.append(f"The periods of {a['obs_id']} ({format_period(a)}) and {b['obs_id']} "
                         f"({format_period(b)}) overlap: the later-placed figure is not a later measurement "
                         "of the same thing.")
        if b["value_pct"] < a["value_pct"] and a["scope"] != b["scope"]:
            bound = " (and the first is only a lower bound)" if a["bound"] == "lower" else ""
            notes.append(f"From {format_value(a)} ({a['scope']}) to {format_value(b)} ({b['scope']}) the figure "
                         f"falls, but the scope changes{bound}: this is a change of who is counted, not "
                         "evidence that online use fell.")
    if f["scope"].nunique() > 1:
        notes.append(f"The figures come from {f['scope'].nunique()} scopes "
                     f"({', '.join(dict.fromkeys(f['scope']))}); a curve through them mixes growth with the "
                     "difference between scopes.")
    if notes:
        lines += ["", *[f"- {n}" for n in notes]]
    return "\n".join(lines)


def _fit_lines(fit: growth.GrowthFit, target: float, horizon) -> list[str]:
    s = quiet_ttt(growth.summarise, fit, target_pct=target, horizon=horizon)
    c = s["coefficients"]
    b1 = c["slope_per_year"]
    last = s["projection"][-1]
    lines = [f"- Curve: **{fit.label}**; {s['model']['family']}; {len(fit.points)} figure(s) "
             f"({', '.join(s['observations_used'])}), df_resid = {fit.df_resid:g}, scale {fit.scale:.3g} "
             f"({fit.scale_method}).",
             f"- Slope: {b1['estimate']:+.3f} logit per year (se {b1['se']:.3f}).",
             f"- Projected {fit.reference_scope} share on {last['date']}: {last['mean_pct']:.1f}% "
             f"({last['low_pct']:.1f}–{last['high_pct']:.1f}%, {100 * fit.level:g}% confidence interval for the mean)."]
    t = s["time_to_target"]
    if t:
        lines.append(f"- Reaches {target:g}% on **{t['date']}** (interval {t['low']} to {t['high'] or 'unbounded'}; "
                     f"delta method {t['delta_low']} to {t['delta_high']}).")
    else:
        lines.append(f"- Time to {target:g}%: **none** — {s['time_to_target_reason']}.")
    for w in s["warnings"]:
        lines.append(f"  - ⚠ {w}")
    return lines


def model_markdown(ga: GrowthAnalysis) -> str:
    """Return Markdown saying what was fitted (or refused, and why) under the parameters."""
    p = ga.p
    if ga.data is None:
        return f"**No model.** {ga.no_data}"
    asked = (f"one scope ({p.scope})" if p.scope else
             f"assumed offsets {', '.join(p.offsets)}" if p.offsets else
             "every figure; it has one scope" if ga.data.frame["scope"].nunique() == 1 else
             "every scope, with scope offsets estimated from the data")
    lines = [f"### Main fit ({asked})", ""]
    if ga.main is None:
        lines += [f"**Refused.** {ga.main_refusal}", ""]
    else:
        lines += _fit_lines(ga.main, p.target_pct, p.horizon) + [""]
    lines += ["### Sensitivity grid over assumed scope offsets", ""]
    if ga.grid_note:
        lines.append(ga.grid_note)
    else:
        lines.append(f"{len(ga.grid)} assumption(s); each curve below is labelled with the offset it assumes. "
                     "The offsets are set by the user, not estimated: the spread across them is the part of the "
                     "uncertainty the data cannot reduce.")
        lines += ["", grid_summary(ga)]
    return "\n".join(lines)


def grid_summary(ga: GrowthAnalysis) -> str:
    """Return one paragraph comparing the spread of the target date across the grid's
    assumptions with the width of the sampling interval within each."""
    target = ga.p.target_pct
    dates, widths, never, refused = [], [], [], 0
    for c in ga.grid:
        if c.fit is None:
            refused += 1
            continue
        t = quiet_ttt(c.fit.time_to_target, target)
        if t.date is None:
            never.append(f"{c.label} ({t.reason})")
            continue
        dates.append(t.date)
        if t.low is not None and t.high is not None:
            widths.append((t.high - t.low).days)
    parts = []
    if dates:
        parts.append(f"Across the assumptions, the fitted curve reaches {target:g}% between "
                     f"**{min(dates):%m/%Y}** and **{max(dates):%m/%Y}** "
                     f"({(max(dates) - min(dates)).days} days apart)")
        if widths:
            parts.append(f"while the sampling interval within one assumption is at most {max(widths)} days wide: "
                         "the assumption, not the data, decides the answer")
    if any(c.fit is not None and not c.fit.scale_method.startswith("pearson") for c in ga.grid):
        parts[-1:] = [parts[-1] + " (and that interval is binomial sampling only, so too narrow)"] if parts else []
    text = ", ".join(parts) + "." if parts else ""
    if never:
        text += f" No date under: {'; '.join(never)}."
    if refused:
        text += f" {refused} assumption(s) could not be fitted."
    return text.strip()


def grid_table(ga: GrowthAnalysis) -> pd.DataFrame:
    """Return one row per fit (main and grid): assumption, slope per year, projected share at
    the horizon with its interval, date the target is reached with its interval (or the reason
    there is none), and the status of each bound check."""
    rows = []
    for label, fit, refusal in ga.fits:
        if fit is None:
            rows.append({"assumption": label, "slope_logit_per_year": np.nan, "share_at_horizon_pct": np.nan,
                         "interval_pct": "", "target_date": "", "target_interval": "",
                         "note": (refusal or "")[:160]})
            continue
        proj = fit.project([pd.Timestamp(ga.p.horizon)]).iloc[0]
        t = quiet_ttt(fit.time_to_target, ga.p.target_pct)
        bounds = "; ".join(f"{b['obs_id']}: {b['status'][:40]}" for _, b in fit.bound_checks().iterrows())
        rows.append({
            "assumption": label, "slope_logit_per_year": round(float(fit.params.iloc[1]), 3),
            "share_at_horizon_pct": round(float(proj["mean_pct"]), 1),
            "interval_pct": f"{proj['low_pct']:.1f}–{proj['high_pct']:.1f}",
            "target_date": t.date.date().isoformat() if t.date is not None else "none",
            "target_interval": (f"{t.low.date() if t.low is not None else '?'} to "
                                f"{t.high.date() if t.high is not None else 'unbounded'}") if t.date is not None
                               else (t.reason or "")[:120],
            "note": f"scale: {fit.scale_method}; bounds: {bounds or 'none'}"})
    return pd.DataFrame(rows)


def limits_markdown(ga: GrowthAnalysis) -> str:
    """Return the 'What this does not show' Markdown, specific to what was fitted."""
    items = [
        "Figures reported one after another are not a trajectory: a later report can cover a longer period that "
        "contains an earlier one, or count different offices. A fall between figures on different scopes says "
        "nothing about behaviour.",
        "A curve through figures on different scopes is only as good as the assumed offsets between scopes; "
        "the data here cannot estimate them. The fan shows how much the answer moves with that assumption.",
        "Intervals with the scale fixed at 1 are binomial sampling error only. They ignore extra-binomial "
        "variation (different reports, periods, definitions), which is certainly much larger; with no residual "
        "degrees of freedom the data cannot say how much larger.",
        "A logistic curve is an assumption, not a finding: growth may stall, jump (e.g. when centres stop "
        "accepting paper under Directive 24/CT-TTg from 1 Oct 2025) or differ by procedure.",
        "Bounds ('more than 44%') are not fitted; they are only checked against the curve of their scope when an "
        "offset relates that scope to the reference scope.",
        "The target of Decision 942/QĐ-TTg is stated in this toolkit's domain notes as 80% of dossiers processed "
        "online by 2025; whether a given report's rate is measured the way the target is measured is not known.",
        "What would answer the question: monthly counts of dossiers submitted online and in total, on one scope "
        "(ideally the national portal's own series for the province), for 12 or more months.",
    ]
    if ga.data is None:
        items.insert(0, f"Nothing is modelled for {ga.province}: {ga.no_data}")
    return "\n".join(f"- {i}" for i in items)

