"""Figures of the national overview: the league table as a heatmap, a map of the total and
of each group (through :mod:`analysis.reports.maps`, so the archipelagos are always on
them), and the revisions between the last two retrievals of the period.

Each function returns (fig, data, caption, alt); the notebook saves maps with
``maps.save`` (which checks the archipelagos and the boundary credit) and the rest with
``plotting.save``.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib as mpl
import numpy as np
import pandas as pd

from analysis import i18n
from analysis.data.portal.groups import GROUPS, TOTAL, TOTAL_MAX
from analysis.i18n import _
from analysis.models.national import NationalOverview
from analysis.reports import maps, plotting
from analysis.reports.national import words

#: The map of each column: TOTAL and the six groups, in the order the notebook draws them.
MAP_COLUMNS = (TOTAL, *GROUPS)


def _text_colour(ratio: float) -> str:
    """Return black on the light end of cividis, white on the dark end."""
    return "#111111" if ratio >= 0.55 else "#FFFFFF"


def league_figure(ov: NationalOverview):
    """Return (fig, data, caption, alt): the 34 provinces best first, one row each, the
    total and the six groups as cells coloured by their share of the group's maximum and
    labelled with the points, the move in rank at the right, the national figure last."""
    lg = ov.league
    cols = [TOTAL, *GROUPS]
    maxima = {TOTAL: TOTAL_MAX, **{g: GROUPS[g][1] for g in GROUPS}}
    points = np.array([[r["total"] if c == TOTAL else r[c] for c in cols] for _i, r in lg.iterrows()])
    ratio = points / np.array([maxima[c] for c in cols])
    fig, ax = plotting.new_figure(figsize=(9.0, 11.5))
    cmap = mpl.colormaps[maps.CMAP]
    ax.imshow(ratio, cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for i in range(len(lg)):
        for j in range(len(cols)):
            ax.text(j, i, i18n.number(points[i, j], 2, trim=False), ha="center", va="center", fontsize=6.5,
                    color=_text_colour(ratio[i, j]))
        ax.text(len(cols) - 0.35, i, words._move(lg.iloc[i]["rank_change"]), ha="left", va="center", fontsize=7)
    nat = [ov.national.get(c) for c in cols]
    ax.set_yticks(range(len(lg)), [f"{i18n.integer(r['rank'])}. {r['province']}" for _i, r in lg.iterrows()],
                  fontsize=7)
    heads = ["\n".join([*textwrap.wrap(words.group_name(c), 12), _("(of {max})").format(max=i18n.number(maxima[c]))])
             for c in cols]
    ax.set_xticks(range(len(cols)), heads, fontsize=7)
    ax.xaxis.tick_top()
    ax.set_xlim(-0.5, len(cols) + 0.4)
    ax.grid(False)
    nat_text = "   ".join(f"{words.group_name(c)} {i18n.number(v)}" for c, v in zip(cols, nat) if v is not None)
    since = (_("▲▼: move in rank since {date}").format(date=words.day(ov.previous["retrieved"]))
             if ov.previous is not None else _("no earlier retrieval of the period: no moves"))
    ax.set_xlabel(_("National: {figures}. {since}").format(figures=nat_text, since=since), fontsize=7.5)
    caption = " ".join([words.points_note(), _("Colour: points as a share of the group's maximum (0 to 100%, the "
                        "same scale in every column); numbers: the points."), words.citation(ov)])
    subtitle = _("Index points (not rates); {period}; retrieved {date}").format(
        period=words.period(ov), date=words.day(ov.snapshot["retrieved"]))
    plotting.finish(fig, title=_("The 34 provinces on the Decision 766 index"), subtitle=subtitle, caption=caption)
    data = lg[["rank", "province", "code", "total", *GROUPS, "previous_rank", "rank_change", "total_change"]]
    alt = _("Table of the {n} provinces by rank with their total and group points; {headline}").format(
        n=i18n.integer(len(lg)), headline=words.headline(ov))
    return fig, data, caption, alt


def _scale(values: pd.Series) -> tuple[float, float]:
    """Return a colour range spanning ``values``, widened to whole points."""
    return float(math.floor(values.min())), float(math.ceil(values.max()))


def map_figure(ov: NationalOverview, layer, column: str = TOTAL):
    """Return (fig, data, caption, alt): the provinces' points in ``column`` (TOTAL or a
    group code) on the map, coloured on the range the provinces span."""
    lg = ov.league
    key = "total" if column == TOTAL else column
    values = lg.set_index("province")[key]
    vmin, vmax = _scale(values)
    mx = TOTAL_MAX if column == TOTAL else GROUPS[column][1]
    fig, _ax = maps.choropleth(layer, values, vmin=vmin, vmax=vmax,
                               legend=_("Index points (of {max})").format(max=i18n.number(mx)))
    best, worst = values.idxmax(), values.idxmin()
    caption = " ".join([words.points_note(), _("Colours span the provinces' range ({low} to {high} points), not 0 "
                                               "to the maximum.").format(low=i18n.number(vmin), high=i18n.number(vmax)),
                        words.citation(ov), maps.boundary_credit()])
    name = words.group_name(column)
    maps.finish(fig, title=_("{group}: where the provinces stand").format(group=name),
                    subtitle=_("Index points of {max} (not rates); {period}; retrieved {date}").format(
                        max=i18n.number(mx), period=words.period(ov), date=words.day(ov.snapshot["retrieved"])),
                    caption=caption)
    alt = _("Map of Vietnam's 34 provinces coloured by {group} points, with the Hoàng Sa and Trường Sa "
            "archipelagos in an inset; most: {best} ({bscore}), least: {worst} ({wscore}).").format(
        group=name, best=best, bscore=i18n.number(values[best]), worst=worst, wscore=i18n.number(values[worst]))
    data = lg[["province", "code", key]].rename(columns={key: "points"})
    return fig, data, caption, alt


def revision_figure(ov: NationalOverview):
    """Return (fig, data, caption, alt): each province's total at the previous and at this
    retrieval, largest revision first; a panel saying so when only one retrieval is held."""
    fig, ax = plotting.new_figure(figsize=(9.0, 9.5))
    title = _("What the portal revised between two retrievals of the same period")
    if ov.previous is None:
        msg = _("Only one retrieval of this period is held: nothing to compare.")
        plotting.empty_panel(ax, msg)
        plotting.finish(fig, title=title, caption=" ".join([msg, words.citation(ov)]))
        return fig, None, " ".join([msg, words.citation(ov)]), msg
    lg = ov.league.assign(previous_total=ov.league["total"] - ov.league["total_change"])
    lg = lg.reindex(lg["total_change"].abs().sort_values(ascending=True, kind="stable").index).reset_index(drop=True)
    y = np.arange(len(lg))
    ax.hlines(y, lg["previous_total"], lg["total"], color="#9A9A9A", lw=1.5, zorder=1)
    ax.scatter(lg["previous_total"], y, s=18, color="#9A9A9A", zorder=2,
               label=_("retrieved {date}").format(date=words.day(ov.previous["retrieved"])))
    ax.scatter(lg["total"], y, s=24, color=plotting.PALETTE[0], zorder=3,
               label=_("retrieved {date}").format(date=words.day(ov.snapshot["retrieved"])))
    ax.set_yticks(y, [f"{p} ({i18n.signed(c)})" for p, c in zip(lg["province"], lg["total_change"])], fontsize=7)
    ax.set_xlabel(_("Total index points (of 100)"))
    ax.legend(loc="lower left", fontsize=8, labelspacing=0.9)
    caption = " ".join([words.points_note(), _("The same period retrieved on two days: the portal recomputes a "
                                               "year-to-date figure as dossiers are settled and rated."),
                        words.citation(ov)])
    plotting.finish(fig, title=title, subtitle=_("{period}; retrieved {a} and {b}").format(
        period=words.period(ov), a=words.day(ov.previous["retrieved"]), b=words.day(ov.snapshot["retrieved"])),
        caption=caption)
    alt = words.revisions_markdown(ov).replace("\n- ", " ").replace("\n", " ")
    return fig, lg[["province", "previous_total", "total", "total_change"]], caption, alt
