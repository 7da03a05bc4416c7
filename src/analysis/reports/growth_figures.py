"""Figures of the growth report: the fit, the sensitivity fan and the time to target."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import matplotlib.dates as mdates
import numpy as np
import pandas as pd

from analysis.models import growth
from analysis.reports import plotting
from analysis.data import Dataset
from analysis.data.observations import format_value
from analysis.reports.growth_text import quiet_ttt

if TYPE_CHECKING:
    from analysis.reports.growth import GrowthAnalysis


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
        t = quiet_ttt(fit.time_to_target, target)
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

