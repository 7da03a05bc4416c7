"""Tables, figures and text of the growth report (notebooks/02_online_rate_growth.ipynb).

:func:`build` runs everything the notebook shows and never raises for a request the data
cannot support: a refusal is kept as a message, and every figure and text function then
says what was refused and why (a province without online-rate figures gets figures that
say so instead of a crash). Bad parameters still raise ParameterError.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import matplotlib.dates as mdates
import numpy as np
import pandas as pd

from analysis.models import growth
from analysis.reports import plotting
from analysis.data import Dataset
from analysis.errors import Refused
from analysis.data.observations import NATIONAL_TARGET_PCT, ONLINE_RATE, format_period, format_value
from analysis.reports.params import COMMON, Param
from analysis.data.schema import SCOPES

PARAMETERS = {
    "province": Param("province", "Province to model (any spelling in data/admin_units.csv)."),
    "target_pct": Param("float", "Target online share in percent (80: Decision 942/QĐ-TTg).", min=1.0, max=99.0),
    "scope": Param("str", "Fit only this scope's figures; None uses every scope.", nullable=True,
                   choices=tuple(SCOPES)),
    "offsets": Param("strs", "Assumed scope offsets for the main fit, as 'SCOPE:LOGIT' or 'SCOPE=LOGIT' (logits above the "
                             "reference scope at the same date); [] for none."),
    "reference_scope": Param("str", "Scope whose curve is reported; None: scope of the latest exact figure.",
                             nullable=True, choices=tuple(SCOPES)),
    "offset_grid": Param("floats", "Assumed offsets (logits) of the sensitivity fan, applied to each "
                                   "non-reference scope with exact figures.", min=-5.0, max=5.0),
    "as_of_placement": Param("str", "Where an 'as of' figure without a start date is placed.",
                             choices=tuple(growth.AS_OF_PLACEMENTS)),
    "horizon": Param("date", "Last date of the projection (YYYY-MM-DD)."),
    "n_boot": Param("int", "Parametric bootstrap draws.", min=200, max=100000),
    "seed": Param("int", "Random seed of the bootstrap.", min=0),
    **COMMON,
}

STEM = "02_online_rate_growth"


@dataclass
class GrowthAnalysis:
    """Everything the growth report shows for one province and parameter set.

    ``data`` is None when the province has no online-rate figure (``no_data`` says so);
    ``main`` is the fit asked for by ``scope``/``offsets`` or None with ``main_refusal``;
    ``grid`` holds the sensitivity fan over assumed offsets (empty with ``grid_note`` when
    there is nothing to vary).
    """

    province: str
    p: object
    data: growth.GrowthData | None = None
    no_data: str | None = None
    main: growth.GrowthFit | None = None
    main_refusal: str | None = None
    grid: list[growth.GridCell] = field(default_factory=list)
    grid_note: str | None = None
    sources: list[str] = field(default_factory=list)

    @property
    def fits(self) -> list[tuple[str, growth.GrowthFit | None, str | None]]:
        """Return (label, fit or None, refusal) for the main fit and every grid cell."""
        out = []
        if self.data is not None:
            out.append(("main fit: " + (self.main.label if self.main else "refused"), self.main, self.main_refusal))
        out += [(c.label, c.fit, c.refusal) for c in self.grid]
        return out


def build(ds: Dataset, p) -> GrowthAnalysis:
    """Return the :class:`GrowthAnalysis` for the checked parameters ``p`` (from params.check).

    Raises ParameterError for malformed offsets; never raises Refused (refusals are kept).
    """
    offsets = growth.parse_offsets(p.offsets)
    ga = GrowthAnalysis(ds.canonical_province(p.province), p)
    try:
        ga.data = growth.prepare(ds, ga.province, as_of_placement=p.as_of_placement)
    except Refused as exc:
        ga.no_data = str(exc)
        ga.sources = list(ds.observations.loc[ds.observations["province"] == ga.province, "source_id"])
        return ga
    ga.sources = list(ga.data.frame["source_id"])
    kw = dict(n_boot=p.n_boot, seed=p.seed)
    try:
        ga.main = growth.fit_growth(ga.data, scope=p.scope, offsets=offsets, reference_scope=p.reference_scope, **kw)
    except Refused as exc:
        ga.main_refusal = str(exc)
    if p.scope is not None:
        ga.grid_note = f"The main fit uses one scope ({p.scope}), so there are no scope offsets to vary."
        return ga
    try:
        ref, others = growth.grid_scopes(ga.data, p.reference_scope)
    except Refused as exc:
        ga.grid_note = str(exc)
        return ga
    if not others:
        ga.grid_note = f"Every exact figure is on one scope ({ref}): there are no scope offsets to vary."
        return ga
    fixed = {k: v for k, v in offsets.items() if k not in others}
    ga.grid = growth.sensitivity_grid(ga.data, list(p.offset_grid), reference_scope=ref, fixed_offsets=fixed, **kw)
    return ga


# ----------------------------------------------------------------------------- text


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
    s = growth.summarise(fit, target_pct=target, horizon=horizon)
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
        t = c.fit.time_to_target(target)
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
        t = fit.time_to_target(ga.p.target_pct)
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


# ----------------------------------------------------------------------------- figures


def _wrap(text: str, width: int = 95) -> str:
    return "\n".join(textwrap.wrap(text, width))


def _draw_observations(ax, frame: pd.DataFrame) -> None:
    """Draw each figure at its placed date, coloured by scope: a bar over its period, an arrow
    for a bound, a dotted lead-in for an 'as of' figure without a start."""
    for _, r in frame.iterrows():
        colour = plotting.SCOPE_COLOURS[r["scope"]]
        if pd.notna(r["period_start"]):
            ax.plot([r["period_start"], r["period_end"]], [r["value_pct"]] * 2, color=colour, lw=5, alpha=0.4,
                    solid_capstyle="butt")
        else:
            ax.plot([r["period_end"] - pd.Timedelta(days=120), r["period_end"]], [r["value_pct"]] * 2,
                    color=colour, lw=2, ls=":", alpha=0.8)
        marker = "^" if r["bound"] == "lower" else ("v" if r["bound"] == "upper" else "o")
        ax.scatter([r["date"]], [r["value_pct"]], color=colour, marker=marker, s=70, zorder=4,
                   edgecolor="black", linewidth=0.6, label=f"{plotting.SCOPE_LABELS[r['scope']]} (figure)")
        if r["bound"] in ("lower", "upper"):
            dy = 8 if r["bound"] == "lower" else -8
            ax.annotate("", xy=(r["date"], r["value_pct"] + dy), xytext=(r["date"], r["value_pct"]),
                        arrowprops=dict(arrowstyle="->", color=colour, lw=1.5))
        if len(frame) <= 6:  # beyond a handful the labels overlap; the CSV beside the figure has them
            ax.annotate(f"{format_value(r)}", (r["date"], r["value_pct"]), xytext=(6, -12),
                        textcoords="offset points", fontsize=8)


def _axes_common(ax, target: float) -> None:
    lo, hi = ax.get_xlim()
    ax.set_xlim(lo, hi + 0.12 * (hi - lo))  # room for the labels of the latest figures
    ax.axhline(target, color="#666666", ls="--", lw=1)
    ax.annotate(f"Target {target:g}%", (0.01, target), xycoords=("axes fraction", "data"), xytext=(0, 3),
                textcoords="offset points", fontsize=8, color="#444444")
    ax.set_ylim(0, 100)
    ax.set_ylabel("Online dossier rate (% of dossiers submitted online)")
    ax.set_xlabel("Date (figures placed at the midpoint of their period, 'as of' figures as stated)")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))


def _curve_dates(ga: GrowthAnalysis) -> pd.DatetimeIndex:
    start = min(ga.data.frame["date"].min(), ga.data.frame["period_start"].min()
                if ga.data.frame["period_start"].notna().any() else ga.data.frame["date"].min())
    return pd.date_range(start.replace(day=1), pd.Timestamp(ga.p.horizon), freq="MS")


def _legend(ax) -> None:
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles))
    ax.legend(uniq.values(), uniq.keys(), loc="lower right", fontsize=7, framealpha=0.9)


def _no_data_figure(ga: GrowthAnalysis, ds: Dataset, title: str):
    fig, ax = plotting.new_figure()
    plotting.empty_panel(ax, ga.no_data[:1].upper() + ga.no_data[1:])
    caption = ("No online-dossier-rate figure is recorded for this province, so no curve is fitted. "
               + ds.citation(ga.sources))
    plotting.finish(fig, title=title, caption=caption, subtitle="No online-dossier-rate observation in the data")
    return fig, pd.DataFrame(), caption, f"{ga.province}: no online dossier rate in the data; nothing is modelled."


def fit_figure(ga: GrowthAnalysis, ds: Dataset):
    """Return (fig, plotted_data, caption, alt_text): the figures by scope with the main fitted
    curve of the reference scope, its confidence band (and prediction band when the scale is
    estimated); when the main fit is refused, the figures and the reason instead of a curve."""
    title = f"{ga.province}: online dossier rate and the fitted growth curve"
    if ga.data is None:
        return _no_data_figure(ga, ds, title)
    fig, ax = plotting.new_figure()
    frame = ga.data.frame
    _draw_observations(ax, frame)
    fit = ga.main
    plotted = frame[["obs_id", "scope", "bound", "value_pct", "date", "placement", "source_id"]].assign(series="figure")
    if fit is None:
        reason = ga.main_refusal.split(" What would work instead")[0]
        ax.text(0.45, 0.64, _wrap("No fitted curve. " + reason, 62) + "\n\nSee the sensitivity fan for curves "
                "under assumed scope offsets.", transform=ax.transAxes, ha="center", va="center", fontsize=8,
                bbox=dict(boxstyle="round", fc="white", ec="#999999"))
        subtitle = "Refused: the data cannot identify this model (no curve is drawn)"
        what = "No curve is drawn because the model was refused (see the box). "
    else:
        dates = _curve_dates(ga)
        proj = fit.project(dates)
        colour = plotting.SCOPE_COLOURS[fit.reference_scope]
        ax.plot(proj["date"], proj["mean_pct"], color=colour, lw=2, label=f"Fitted curve: {fit.label}")
        ax.fill_between(proj["date"], proj["low_pct"], proj["high_pct"], color=colour, alpha=0.25,
                        label=f"{100 * fit.level:g}% confidence band for the mean (bootstrap)")
        if proj["pred_low_pct"].notna().any():
            ax.fill_between(proj["date"], proj["pred_low_pct"], proj["pred_high_pct"], color=colour, alpha=0.1,
                            label=f"{100 * fit.level:g}% prediction band for one future figure (approx.)")
        plotted = pd.concat([plotted, proj.assign(series=f"curve: {fit.label}")], ignore_index=True)
        subtitle = f"Assumption: {fit.label}; scale {fit.scale_method}"
        what = (f"Line: fitted {fit.reference_scope} share ({fit.family.replace('_', ' ')} GLM, logit link); "
                f"dark band: {100 * fit.level:g}% confidence band for the mean (parametric bootstrap)"
                + ("; light band: approximate prediction band for one future figure with the typical "
                   f"denominator ({fit.prediction_n():,.0f})" if proj["pred_low_pct"].notna().any() else
                   ", binomial sampling only (no scale estimate: df_resid = 0), so far too narrow; no prediction "
                   "band") + ". ")
    _axes_common(ax, ga.p.target_pct)
    _legend(ax)
    caption = (what + "Points: reported figures, coloured by scope (who is counted); ▲ = lower bound, not fitted. "
               "Bars: the period each figure covers; dotted: 'as of' figure whose start is not stated. "
               + " ".join(ga.data.assumptions) + " " + ds.citation(ga.sources))
    alt = (f"{ga.province}: {len(frame)} online-rate figures by scope"
           + (f" with a fitted curve ({fit.label})" if fit else "; the growth model was refused") + ".")
    plotting.finish(fig, title=title, caption=caption, subtitle=subtitle)
    return fig, plotted, caption, alt


def fan_figure(ga: GrowthAnalysis, ds: Dataset):
    """Return (fig, plotted_data, caption, alt_text): one reference-scope curve (with its band)
    per assumed scope offset of the sensitivity grid, each labelled with its assumption."""
    title = f"{ga.province}: how the growth curve depends on the assumed offset between scopes"
    if ga.data is None:
        return _no_data_figure(ga, ds, title)
    fig, ax = plotting.new_figure()
    cells = [c for c in ga.grid if c.fit is not None]
    frames = []
    if not cells:
        plotting.empty_panel(ax, ga.grid_note or "Every assumption of the grid was refused: "
                             + "; ".join(c.refusal for c in ga.grid)[:300])
        subtitle = "No sensitivity fan for these figures"
    else:
        _draw_observations(ax, ga.data.frame)
        dates = _curve_dates(ga)
        cmap = plotting.PALETTE if len(cells) <= len(plotting.PALETTE) else None
        for i, c in enumerate(cells):
            colour = cmap[i] if cmap else plotting.sns.color_palette("cividis", len(cells))[i]
            proj = c.fit.project(dates)
            ax.plot(proj["date"], proj["mean_pct"], color=colour, lw=1.6, label=c.label)
            ax.fill_between(proj["date"], proj["low_pct"], proj["high_pct"], color=colour, alpha=0.2)
            frames.append(proj.assign(assumption=c.label))
        subtitle = f"Each line assumes a different offset (logits) relative to {cells[0].fit.reference_scope}"
        _axes_common(ax, ga.p.target_pct)
        _legend(ax)
    refused = [c for c in ga.grid if c.fit is None]
    caption = (f"No sensitivity fan: {ga.grid_note or 'every assumption of the grid was refused.'} " if not cells else
               "Each curve is the fitted share of the reference scope under one assumed offset: the logit by which "
               "the other scope's figures sit above the reference scope's at the same date (negative = below). The "
               "offsets are set by the user, not estimated; the data cannot tell them apart. Thin bands: binomial "
               "sampling only where df_resid = 0 (far too narrow); the spread between curves is the dominant "
               "uncertainty. ") + (
                 (f"{len(refused)} assumption(s) could not be fitted. " if refused else "")
                 + " ".join(ga.data.assumptions) + " " + ds.citation(ga.sources))
    plotted = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    alt = (f"{ga.province}: {len(cells)} fitted curves under assumed scope offsets "
           + ", ".join(c.label for c in cells) + ".") if cells else f"{ga.province}: no sensitivity fan."
    plotting.finish(fig, title=title, caption=caption, subtitle=subtitle)
    return fig, plotted, caption, alt


def time_to_target_figure(ga: GrowthAnalysis, ds: Dataset):
    """Return (fig, plotted_data, caption, alt_text): for the main fit and each assumption of
    the grid, the bootstrap distribution of the date the curve reaches the target, with its
    point estimate and interval, or the reason there is no such date."""
    target = ga.p.target_pct
    title = f"{ga.province}: when the fitted curve reaches {target:g}%, under each assumption"
    if ga.data is None:
        return _no_data_figure(ga, ds, title)
    fits = ga.fits
    fig, ax = plotting.new_figure(figsize=(9.0, max(plotting.FIGSIZE[1], 0.55 * len(fits) + 3.0)))
    rows = []
    labels = []
    positions = []
    for i, (label, fit, refusal) in enumerate(fits):
        labels.append(textwrap.shorten(label, 60))
        positions.append(i)
        if fit is None:
            ax.text(0.01, i, textwrap.shorten("refused: " + (refusal or ""), 110), transform=ax.get_yaxis_transform(),
                    fontsize=7, va="center", color="#555555")
            rows.append({"assumption": label, "date": None, "low": None, "high": None, "note": "refused"})
            continue
        t = fit.time_to_target(target)
        if t.date is None:
            ax.text(0.01, i, textwrap.shorten("no date: " + t.reason, 110), transform=ax.get_yaxis_transform(),
                    fontsize=7, va="center", color="#555555")
            rows.append({"assumption": label, "date": None, "low": None, "high": None, "note": t.reason})
            continue
        finite = t.draws[np.isfinite(t.draws)]
        as_num = mdates.date2num([growth._date_of(x, fit.origin) for x in np.percentile(finite, np.linspace(0.5, 99.5, 200))])
        if np.ptp(as_num) > 0:
            parts = ax.violinplot([as_num], positions=[i], orientation="horizontal", showextrema=False, widths=0.8)
            for b in parts["bodies"]:
                b.set_facecolor(plotting.PALETTE[0])
                b.set_alpha(0.35)
        hi = t.high if t.high is not None else pd.Timestamp(ga.p.horizon)
        ax.plot([t.low, hi], [i, i], color="black", lw=1.5)
        ax.scatter([t.date], [i], color="black", zorder=3, s=25)
        rows.append({"assumption": label, "date": t.date, "low": t.low, "high": t.high,
                     "note": f"{100 * t.share_never:.1f}% of draws never reach the target"})
    ax.set_yticks(positions, labels, fontsize=7)
    ax.set_ylim(-0.7, len(fits) - 0.3)
    ax.invert_yaxis()
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    ax.set_xlabel(f"Date the fitted reference-scope share reaches {target:g}%")
    caption = ("One row per fit: the main fit asked for (refused when the data cannot identify it) and each "
               "assumed scope offset of the sensitivity grid. The distribution within a row is parametric-bootstrap "
               "sampling uncertainty only (binomial only where df_resid = 0); the differences between rows come "
               "from assumptions the data cannot check. t* = (logit(target) - intercept) / slope; no date when the "
               "slope is not positive or the curve passed the target before the latest figure. "
               + " ".join(ga.data.assumptions) + " " + ds.citation(ga.sources))
    plotting.finish(fig, title=title, caption=caption,
                    subtitle="Shape: bootstrap distribution; dot and line: estimate and 95% interval")
    fig.subplots_adjust(left=0.34)
    plotted = pd.DataFrame(rows)
    alt = f"{ga.province}: date the fitted curve reaches {target:g}% under {len(fits)} fits: " + "; ".join(
        f"{r['assumption']}: {r['date'].date() if r['date'] is not None else 'none'}" for r in rows) + "."
    return fig, plotted, caption, alt


def figure_params(ga: GrowthAnalysis) -> dict:
    """Return the parameters that name this run's figures (province, target, scope, offsets, placement)."""
    p = ga.p
    out = {"province": ga.province, "target": f"{p.target_pct:g}", "asof": p.as_of_placement}
    if p.scope:
        out["scope"] = p.scope
    if p.offsets:
        out["offsets"] = "_".join(p.offsets)
    return out


def save_all(ga: GrowthAnalysis, ds: Dataset) -> pd.DataFrame:
    """Draw and save the three figures of the report to ``p.output_dir``; return the list of
    files written (one row per figure)."""
    out = []
    for stem, fn in (("growth_fit", fit_figure), ("growth_fan", fan_figure),
                     ("growth_time_to_target", time_to_target_figure)):
        fig, plotted, caption, alt = fn(ga, ds)
        paths = plotting.save(fig, plotting.figure_name(stem, figure_params(ga)), ga.p.output_dir,
                              caption=caption, alt_text=alt, data=plotted if len(plotted) else None)
        out.append({"figure": stem, "png": str(paths["png"])})
    return pd.DataFrame(out)
