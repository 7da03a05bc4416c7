"""Figures of the index-history report. Each returns (fig, data, caption, alt); with no
monthly history held, the first (:func:`groups_figure`) is a small panel that says so and
what is held instead, and the others return None (nothing to draw, nothing saved), so a
reviewer sees one such panel, not three.
Every figure says it shows index points, marks the merger of 1 Jul 2025 and cites the
endpoints (by host) and retrieval dates it used."""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd

from analysis import i18n
from analysis.data.portal import history
from analysis.data.portal.groups import GROUPS, TOTAL, group_title
from analysis.i18n import _
from analysis.reports import plotting
from analysis.reports.history.series import PAIR, SPREAD, History, bands, pair_series, partner_series

MINE, BAND, MEDIAN = plotting.PALETTE[3], "#CCCCCC", plotting.PALETTE[0]
MERGER = pd.Timestamp(f"{history.MERGER_MONTH}-01")


def citation(h: History) -> str:
    """Return the source sentence: the portal's Decision 766 index, the hosts answered, the
    retrieval dates, and that each month is shown from its latest retrieval."""
    return _("Source: National Public Service Portal (Cổng Dịch vụ công quốc gia), Decision 766/QĐ-TTg index, "
             "monthly answers of its older endpoint (before July 2025) and current API, from {hosts}; retrieved "
             "{dates}; each month from its latest retrieval.").format(
        hosts=", ".join(h.hosts) or "—", dates=", ".join(i18n.date(pd.Timestamp(v)) for v in h.held["vintages"]))


def _notes(h: History) -> str:
    return " ".join([_("Index points, not rates. The dotted line marks the merger of 1 Jul 2025: no series runs "
                       "across it."), citation(h)])


def _empty(h: History, title: str):
    """Return the figure of a report with no monthly history held: what is held instead (the
    year-to-date retrievals, which are not months) and where the series comes from. The
    command that fetches the months is for the researcher, in the report's text."""
    fig, ax = plotting.new_figure(figsize=(9.0, 2.6))
    ytd = h.held["year_to_date"]
    years = ", ".join(dict.fromkeys(str(v)[:4] for v in ytd)) or "—"
    msg = _("No monthly series of the index is held for this report; only {n} year-to-date retrieval(s) of "
            "{year}, which are not months.").format(n=i18n.integer(len(ytd)), year=years)
    plotting.empty_panel(ax, msg)
    source = _("Source: National Public Service Portal (Cổng Dịch vụ công quốc gia), Decision 766/QĐ-TTg index; "
               "year-to-date retrievals of {dates}. The portal publishes the index month by month; the report's "
               "text says how to fetch it.").format(
        dates=", ".join(i18n.date(pd.Timestamp(v)) for v in ytd) or "—")
    plotting.finish(fig, title=title, caption=source)
    return fig, None, " ".join([msg, source]), msg


def _merger(ax) -> None:
    ax.axvline(MERGER, color="#555555", ls=":", lw=1)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=6))
    plotting.date_axis(ax.xaxis)


def _segments(months, values):
    """Yield (x, y) runs of consecutive months on one side of the merger: a missing month
    or the merger breaks the line, so nothing is drawn across a gap or the break."""
    s = pd.Series(list(values), index=pd.PeriodIndex(list(months), freq="M")).sort_index()
    if s.empty:
        return
    full = s.reindex(pd.period_range(s.index.min(), s.index.max(), freq="M"))
    for before in (True, False):
        part = full[(full.index < pd.Period(history.MERGER_MONTH, "M")) == before]
        if part.notna().any():
            yield part.index.to_timestamp(), part.to_numpy(dtype=float)


def _line(ax, months, values, label=None, **kw) -> None:
    for i, (x, y) in enumerate(_segments(months, values)):
        ax.plot(x, y, label=label if i == 0 else None, **kw)


def groups_figure(h: History):
    """Return the province's total and six groups by month against the median unit and
    the spread (10th to 90th percentile) of all units scored that month."""
    title = _("{province}: the index month by month, against all provinces").format(province=h.province)
    if not h.has_history:
        return _empty(h, title)
    codes = [TOTAL, *GROUPS]
    fig, axes = plotting.new_figure(4, 2, figsize=(10.0, 10.5), sharex=True)
    rows = []
    for ax, g in zip(axes.flat, codes):
        b = bands(h, g)
        rows.append(b.assign(group=g))
        ax.set_title(_(group_title(g)), fontsize=9, loc="left")
        if b.empty:
            plotting.empty_panel(ax, _("not imported (see the snapshot notes)"))
            continue
        for (x, lo), (_x2, hi) in zip(_segments(b["month"], b["low"]), _segments(b["month"], b["high"])):
            ax.fill_between(x, lo, hi, color=BAND, lw=0)
        _line(ax, b["month"], b["median"], color=MEDIAN, lw=1.2)
        _line(ax, b["month"], b["score"], color=MINE, lw=1.8, marker="o", ms=2.5)
        _merger(ax)
    axes.flat[-1].set_axis_off()
    caption = " ".join([_("Orange: {province}; blue: the median unit; grey band: {lo}th to {hi}th percentile of the "
                          "units scored that month (63 before July 2025, 34 after).").format(
        province=h.province, lo=int(100 * SPREAD[0]), hi=int(100 * SPREAD[1])), _notes(h)])
    plotting.finish(fig, title=title, subtitle=_("Index points (each group on its own scale)"), caption=caption)
    alt = _("Small multiples of the total and six groups by month for {province} against the median and spread "
            "of all units.").format(province=h.province)
    return fig, pd.concat(rows, ignore_index=True), caption, alt


def rank_figure(h: History):
    """Return the province's rank on the total by month and, before the merger, the ranks
    of its merger partners, each its own line; None when no monthly history is held."""
    title = _("{province}: rank on the total by month").format(province=h.province)
    if not h.has_history:
        return None  # groups_figure says so, once
    fig, ax = plotting.new_figure(figsize=(9.0, 5.0))
    mine = bands(h, TOTAL).dropna(subset=["rank"])
    _line(ax, mine["month"], mine["rank"], color=MINE, lw=2, marker="o", ms=3, label=h.province)
    part = partner_series(h)
    for i, (name, g) in enumerate(part[part["province"] != h.province].groupby("province")):
        _line(ax, g["month"], g["rank"], lw=1.2, color=plotting.PALETTE[(i + 4) % len(plotting.PALETTE)],
              label=_("{name} (before the merger)").format(name=name))
    ax.invert_yaxis()
    ax.set_ylabel(_("Rank (1 = most points)"))
    _merger(ax)
    ax.legend(fontsize=8, loc="best")
    caption = " ".join([_("Ranks among 63 units before July 2025 and 34 after: a rank in one period is not "
                          "comparable with a rank in the other."), _notes(h)])
    plotting.finish(fig, title=title, caption=caption)
    data = pd.concat([mine.assign(province=h.province)[["province", "month", "rank"]], part[["province", "month",
                                                                                                "rank"]]])
    return fig, data.drop_duplicates(), caption, _("Line chart of the rank of {province} by month.").format(
        province=h.province)


def pair_figure(h: History):
    """Return Nghệ An and Hòa Bình's totals on the months both were scored under the same
    index version before July 2025: the seeds' comparison on a common measure; None when
    no monthly history is held."""
    title = _("{a} and {b}: the same index, the same months").format(a=PAIR[0], b=PAIR[1])
    pair = pair_series(h)
    if pair.empty:
        if not h.has_history:
            return None  # groups_figure says so, once
        fig, ax = plotting.new_figure(figsize=(9.0, 2.6))
        msg = _("No month before July 2025 with both provinces scored is held.")
        plotting.empty_panel(ax, msg)
        plotting.finish(fig, title=title, caption=msg)
        return fig, pair, msg, msg
    fig, ax = plotting.new_figure(figsize=(9.0, 5.0))
    # One line per index version: points of two versions are not one series.
    for i, (_v, part) in enumerate(pair.groupby("index_version", sort=True)):
        for name, colour in zip(PAIR, (MINE, MEDIAN)):
            _line(ax, part["month"], part[name], color=colour, lw=1.8, marker="o", ms=3,
                  label=name if i == 0 else None)
    ax.set_ylabel(_("Index points (of 100)"))
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=6))
    plotting.date_axis(ax.xaxis)
    ax.legend(fontsize=8)
    caption = " ".join([_("Totals on the months both provinces were scored, under one index version per month "
                          "({versions}); Hòa Bình ceased to exist on 1 Jul 2025.").format(
        versions=", ".join(sorted(set(pair["index_version"])))),
                        _("Index points, not rates; a line is broken where the index version changes."),
                        citation(h)])
    plotting.finish(fig, title=title, subtitle=_("{n} month(s) in common").format(n=i18n.integer(len(pair))),
                    caption=caption)
    return fig, pair, caption, _("Two lines: the monthly totals of {a} and {b}.").format(a=PAIR[0], b=PAIR[1])
