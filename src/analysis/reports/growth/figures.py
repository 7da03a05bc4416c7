"""Figures of the growth report: the fit, the sensitivity fan and the time to target."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import matplotlib.dates as mdates
import numpy as np
import pandas as pd

from analysis import i18n
from analysis.i18n import _
from analysis.models import growth
from analysis.reports.growth import words
from analysis.reports import plotting
from analysis.data import Dataset
from analysis.reports.wording import citation, format_value

if TYPE_CHECKING:
    from analysis.reports.growth import GrowthAnalysis


def _wrap(text: str, width: int = 95) -> str:
    return "\n".join(textwrap.wrap(text, width))


def _draw_observations(ax, frame: pd.DataFrame) -> None:
    """Draw each figure at its placed date, coloured by scope: a bar over its period, an arrow
    for a bound, a dotted lead-in for an 'as of' figure without a start."""
    for _i, r in frame.iterrows():
        colour = plotting.SCOPE_COLOURS[r["scope"]]
        if pd.notna(r["period_start"]):
            ax.plot([r["period_start"], r["period_end"]], [r["value_pct"]] * 2, color=colour, lw=5, alpha=0.4,
                    solid_capstyle="butt")
        else:
            ax.plot([r["period_end"] - pd.Timedelta(days=120), r["period_end"]], [r["value_pct"]] * 2,
                    color=colour, lw=2, ls=":", alpha=0.8)
        marker = "^" if r["bound"] == "lower" else ("v" if r["bound"] == "upper" else "o")
        ax.scatter([r["date"]], [r["value_pct"]], color=colour, marker=marker, s=70, zorder=4,
                   edgecolor="black", linewidth=0.6,
                   label=_("{scope} (figure)").format(scope=plotting.scope_short(r["scope"])))
        if r["bound"] in ("lower", "upper"):
            dy = 8 if r["bound"] == "lower" else -8
            ax.annotate("", xy=(r["date"], r["value_pct"] + dy), xytext=(r["date"], r["value_pct"]),
                        arrowprops=dict(arrowstyle="->", color=colour, lw=1.5))
        if len(frame) <= 6:  # beyond a handful the labels overlap; the CSV beside the figure has them
            plotting.data_label(ax, f"{format_value(r)}", (r["date"], r["value_pct"]), xytext=(6, -12),
                                textcoords="offset points")


def _axes_common(ax, target: float) -> None:
    lo, hi = ax.get_xlim()
    ax.set_xlim(lo, hi + 0.12 * (hi - lo))  # room for the labels of the latest figures
    ax.axhline(target, color="#666666", ls="--", lw=1)
    ax.annotate(_("Target {target}").format(target=i18n.percent(target)), (0.01, target),
                xycoords=("axes fraction", "data"), xytext=(0, 3), textcoords="offset points", fontsize=8,
                color="#444444")
    ax.set_ylim(0, 100)
    # Two short lines: one long line ran past the top of the axes into the subtitle.
    ax.set_ylabel(_("Online dossier rate\n(% of dossiers submitted online)"))
    ax.set_xlabel(_("Date (figures placed at the midpoint of their period, cumulative figures at their end date)"))
    plotting.date_axis(ax.xaxis)


def _curve_dates(ga: GrowthAnalysis) -> pd.DatetimeIndex:
    start = min(ga.data.frame["date"].min(), ga.data.frame["period_start"].min()
                if ga.data.frame["period_start"].notna().any() else ga.data.frame["date"].min())
    return pd.date_range(start.replace(day=1), pd.Timestamp(ga.p.horizon), freq="MS")


def _legend(ax) -> None:
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles))
    ax.legend(uniq.values(), uniq.keys(), loc="lower right", fontsize=7, framealpha=0.9)


def _assumptions(ga: GrowthAnalysis) -> str:
    return " ".join(words.assumptions(ga.data))


def _no_data_figure(ga: GrowthAnalysis, ds: Dataset, title: str):
    fig, ax = plotting.new_figure()
    reason = words.no_data(ga.province, ga.no_data)
    plotting.empty_panel(ax, reason[:1].upper() + reason[1:])
    caption = (_("No online-dossier-rate figure is recorded for this province, so no curve is fitted.") + " "
               + citation(ds, ga.sources))
    plotting.finish(fig, title=title, caption=caption, subtitle=_("No online-dossier-rate observation in the data"))
    return fig, pd.DataFrame(), caption, _("{province}: no online dossier rate in the data; nothing is modelled.").format(
        province=ga.province)


def _refusal_box(ax, ga: GrowthAnalysis) -> None:
    reason = words.refusal(ga.main_refusal, ga.data).split(" What would work instead")[0]
    reason = reason[:1].upper() + reason[1:]
    ax.text(0.45, 0.64, _wrap(_("No fitted curve.") + " " + reason, 62) + "\n\n"
            + _wrap(_("See the sensitivity fan for curves under assumed scope offsets."), 62),
            transform=ax.transAxes, ha="center", va="center", fontsize=8,
            bbox=dict(boxstyle="round", fc="white", ec="#999999"))


def _draw_main_curve(ax, ga: GrowthAnalysis, fit) -> tuple[pd.DataFrame, str]:
    """Draw the main fit's curve and bands; return (projection, what-the-lines-are sentence)."""
    proj = fit.project(_curve_dates(ga))
    colour = plotting.SCOPE_COLOURS[fit.reference_scope]
    level = i18n.percent(100 * fit.level, 0)
    ax.plot(proj["date"], proj["mean_pct"], color=colour, lw=2,
            label=_("Fitted curve: {label}").format(label=words.fit_label(fit)))
    ax.fill_between(proj["date"], proj["low_pct"], proj["high_pct"], color=colour, alpha=0.25,
                    label=_("{level} confidence band for the mean (bootstrap)").format(level=level))
    has_pred = proj["pred_low_pct"].notna().any()
    if has_pred:
        ax.fill_between(proj["date"], proj["pred_low_pct"], proj["pred_high_pct"], color=colour, alpha=0.1,
                        label=_("{level} prediction band for one future figure (approx.)").format(level=level))
    what = _("Line: fitted {scope} share (logit link); dark band: {level} confidence band for the mean (parametric "
             "bootstrap)").format(scope=words.scope_name(fit.reference_scope), level=level)
    what += (_("; light band: approximate prediction band for one future figure with the typical denominator "
               "({n}).").format(n=i18n.integer(fit.prediction_n())) if has_pred else
             _(", binomial sampling only (no scale estimate: no residual degrees of freedom), so far too narrow; no prediction band."))
    return proj, what


def fit_figure(ga: GrowthAnalysis, ds: Dataset):
    """Return (fig, plotted_data, caption, alt_text): the figures by scope with the main fitted
    curve of the reference scope, its confidence band (and prediction band when the scale is
    estimated); when the main fit is refused, the figures and the reason instead of a curve.
    The plotted data (CSV) keeps the model's English labels: it is data, not reading."""
    title = (_("{province}: online dossier rate and the fitted growth curve").format(province=ga.province)
             if ga.main is not None else
             _("{province}: online dossier rate; no growth curve (model refused)").format(province=ga.province))
    if ga.data is None:
        return _no_data_figure(ga, ds, _("{province}: online dossier rate; no figure to fit").format(
            province=ga.province))
    fig, ax = plotting.new_figure()
    frame = ga.data.frame
    _draw_observations(ax, frame)
    fit = ga.main
    plotted = frame[["obs_id", "scope", "bound", "value_pct", "date", "placement", "source_id"]].assign(series="figure")
    if fit is None:
        _refusal_box(ax, ga)
        subtitle = _("Refused: the data cannot identify this model (no curve is drawn)")
        what = _("No curve is drawn because the model was refused (see the box).")
    else:
        proj, what = _draw_main_curve(ax, ga, fit)
        plotted = pd.concat([plotted, proj.assign(series=f"curve: {fit.label}")], ignore_index=True)
        subtitle = _("Assumption: {label}; scale {method}").format(label=words.fit_label(fit),
                                                                    method=words.scale_method(fit))
    _axes_common(ax, ga.p.target_pct)
    _legend(ax)
    caption = " ".join([what, _("Points: reported figures, coloured by scope (who is counted); ▲ = lower bound, not "
                                "fitted. Bars: the period each figure covers; dotted: cumulative figure whose start "
                                "is not stated."), _assumptions(ga), citation(ds, ga.sources)])
    alt = (_("{province}: {n} online-rate figures by scope with a fitted curve ({label}).").format(
        province=ga.province, n=len(frame), label=words.fit_label(fit)) if fit else
        _("{province}: {n} online-rate figures by scope; the growth model was refused.").format(
            province=ga.province, n=len(frame)))
    plotting.finish(fig, title=title, caption=caption, subtitle=subtitle)
    return fig, plotted, caption, alt


def fan_figure(ga: GrowthAnalysis, ds: Dataset):
    """Return (fig, plotted_data, caption, alt_text): one reference-scope curve (with its band)
    per assumed scope offset of the sensitivity grid, each labelled with its assumption."""
    title = _("{province}: how the growth curve depends on the assumed offset between scopes").format(
        province=ga.province)
    if ga.data is None:
        return _no_data_figure(ga, ds, title)
    fig, ax = plotting.new_figure()
    cells = [c for c in ga.grid if c.fit is not None]
    frames = []
    if not cells:
        from analysis.reports.growth.sentences import grid_note
        note = grid_note(ga) or _("Every assumption of the grid was refused.")
        plotting.empty_panel(ax, note)
        subtitle = _("No sensitivity fan for these figures")
        caption = _("No sensitivity fan: {note}").format(note=note)
    else:
        _draw_observations(ax, ga.data.frame)
        dates = _curve_dates(ga)
        cmap = plotting.PALETTE if len(cells) <= len(plotting.PALETTE) else None
        for i, c in enumerate(cells):
            colour = cmap[i] if cmap else plotting.sns.color_palette("cividis", len(cells))[i]
            proj = c.fit.project(dates)
            ax.plot(proj["date"], proj["mean_pct"], color=colour, lw=1.6, label=words.legend_label(c.fit))
            ax.fill_between(proj["date"], proj["low_pct"], proj["high_pct"], color=colour, alpha=0.2)
            frames.append(proj.assign(assumption=c.label))
        subtitle = _("Each line assumes a different offset (logits) relative to {scope}").format(
            scope=plotting.scope_label(cells[0].fit.reference_scope))
        _axes_common(ax, ga.p.target_pct)
        _legend(ax)
        caption = _("Each curve is the fitted share of the reference scope under one assumed offset: the logit by "
                    "which the other scope's figures sit above the reference scope's at the same date (negative = "
                    "below). The offsets are set by the user, not estimated; the data cannot tell them apart. Thin "
                    "bands: binomial sampling only where no residual degrees of freedom are left (far too narrow); "
                    "the spread between curves is the dominant uncertainty.")
    refused = [c for c in ga.grid if c.fit is None]
    if refused:
        caption += " " + _("{n} assumption(s) could not be fitted.").format(n=len(refused))
    caption += " " + _assumptions(ga) + " " + citation(ds, ga.sources)
    plotted = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    alt = (_("{province}: {n} fitted curves under assumed scope offsets {labels}.").format(
        province=ga.province, n=len(cells), labels=", ".join(words.cell_label(c) for c in cells)) if cells else
        _("{province}: no sensitivity fan.").format(province=ga.province))
    plotting.finish(fig, title=title, caption=caption, subtitle=subtitle)
    return fig, plotted, caption, alt


def _ttt_row(ax, i: int, label: str, fit, refusal, ga: GrowthAnalysis) -> dict:
    """Draw one row of the time-to-target figure; return its plotted record."""
    target = ga.p.target_pct
    # Three lines at most, on a light background (the row's gridline ran through the text).
    note = lambda text: ax.text(0.01, i, "\n".join(textwrap.wrap(textwrap.shorten(text, 330), 110)),  # noqa: E731
                                transform=ax.get_yaxis_transform(), fontsize=7, va="center", color="#555555",
                                bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.9))
    if fit is None:
        # The reason is long and given in full with the main fit; a shortened one read as cut off.
        note(_("refused: no curve, so no date (the reason is given with the main fit)"))
        return {"assumption": label, "date": None, "low": None, "high": None, "note": "refused"}
    t = fit.time_to_target(target)
    if t.date is None:
        note(_("no date: {reason}").format(reason=words.no_date_reason(fit, target, t.reason)))
        return {"assumption": label, "date": None, "low": None, "high": None, "note": t.reason}
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
    return {"assumption": label, "date": t.date, "low": t.low, "high": t.high,
            "note": f"{100 * t.share_never:.1f}% of draws never reach the target"}


def _latest_line(ax, ga: GrowthAnalysis, rows: list[dict]) -> None:
    """Mark the newest figure in the data about the province when a projected date falls
    before it: those dates are already past, and the figure says so."""
    past = [r for r in rows if r["date"] is not None and ga.latest is not None and r["date"] <= ga.latest]
    if past:
        ax.axvline(ga.latest, color=plotting.PALETTE[3], ls="--", lw=1.2,
                   label=_("newest figure in the data ({date}): earlier dates are already past").format(
                       date=i18n.date(ga.latest)))
        ax.legend(loc="lower right", fontsize=7.5)


def time_to_target_figure(ga: GrowthAnalysis, ds: Dataset):
    """Return (fig, plotted_data, caption, alt_text): for the main fit and each assumption of
    the grid, the bootstrap distribution of the date the curve reaches the target, with its
    point estimate and interval, or the reason there is no such date."""
    target = ga.p.target_pct
    title = _("{province}: when the fitted curve reaches {target}, under each assumption").format(
        province=ga.province, target=i18n.percent(target))
    if ga.data is None:
        return _no_data_figure(ga, ds, title)
    fits = ga.fits
    fig, ax = plotting.new_figure(figsize=(9.0, max(plotting.FIGSIZE[1], 0.55 * len(fits) + 3.0)))
    rows = [_ttt_row(ax, i, label, fit, refusal, ga) for i, (label, fit, refusal) in enumerate(fits)]
    ax.set_yticks(range(len(fits)), [textwrap.shorten(label, 60) for label, _f, _r in fits], fontsize=7)
    ax.set_ylim(-0.7, len(fits) - 0.3)
    ax.invert_yaxis()
    ax.xaxis_date()
    plotting.date_axis(ax.xaxis)
    ax.set_xlabel(_("Date the fitted reference-scope share reaches {target}").format(target=i18n.percent(target)))
    _latest_line(ax, ga, rows)
    if all(r["date"] is None for r in rows):  # no date to place: no date axis (it read "Jan 1970" nine times)
        ax.set_xticks([])
        ax.set_xlabel(_("No fit reaches a date for {target}: see each row").format(target=i18n.percent(target)))
    caption = " ".join([_(
        "One row per fit: the main fit asked for (refused when the data cannot identify it) and each assumed scope "
        "offset of the sensitivity grid. The distribution within a row is parametric-bootstrap sampling uncertainty "
        "only (binomial only where no residual degrees of freedom are left); the differences between rows come "
        "from assumptions the data cannot check. t* = (logit(target) - intercept) / slope; no date when the slope is not positive or the "
        "curve passed the target before the latest figure."), _assumptions(ga), citation(ds, ga.sources)])
    plotting.finish(fig, title=title, caption=caption,
                    subtitle=_("Shape: bootstrap distribution; dot and line: estimate and 95% interval"))
    plotted = pd.DataFrame(rows)
    alt = _("{province}: date the fitted curve reaches {target} under {n} fits: {items}.").format(
        province=ga.province, target=i18n.percent(target), n=len(fits), items="; ".join(
            f"{r['assumption']}: {i18n.date(r['date']) if r['date'] is not None else _('none')}" for r in rows))
    return fig, plotted, caption, alt
