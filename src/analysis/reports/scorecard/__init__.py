"""Figures, tables and text of the province scorecard on the national Decision 766 index
(notebooks/05_province_scorecard.ipynb), in Vietnamese or English from one source.

Every figure says it shows index points (not rates), names the retrieval date and cites
the portal; the counts figure cites the third-party crawler whose processed file it uses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from analysis import i18n
from analysis.data.portal.details import KEY_MEASURES
from analysis.data.portal.groups import GROUPS, TOTAL, group_title
from analysis.data.portal.query import period_label
from analysis.i18n import N_, _
from analysis.models import scorecard as model
from analysis.models.scorecard import LEVEL, Scorecard
from analysis.reports import maps, narrative, plotting, wording
from analysis.reports.scorecard import absent
from analysis.reports.findings import Findings
from analysis.reports.params import COMMON, Param

PARAMETERS = {
    "province": Param("province", "Province to score (any spelling in data/admin_units.csv; one of the 34)."),
    "retrieved": Param("date", "Retrieval date of the snapshot (YYYY-MM-DD); None takes the latest.",
                       nullable=True, default=None),
    **COMMON,
}

STEM = "05_province_scorecard"

#: The notebook's headings and explanations (English source; see analysis.reports.narrative).
TEXTS = {
    "title": N_("# Province scorecard on the national index (Decision 766): {province}"),
    "load": N_("## Load inputs"),
    "model": N_("## Model"),
    "figures": N_("## Figures"),
    "limits": N_("## What this does not show"),
}


def card(ds, province: str, retrieved=None) -> Scorecard | absent.NoScore:
    """Return the scorecard of ``province`` (see :func:`analysis.models.scorecard.build`), or,
    for a unit the snapshot does not score (a province that ceased on 1 Jul 2025), the
    :class:`~analysis.reports.scorecard.absent.NoScore` every function here turns into a
    short report that says so. Raises Refused when there is no snapshot to read."""
    missing = absent.no_score(ds, province, retrieved)
    return missing if missing is not None else model.build(ds, province, retrieved)


def text(key: str, **values) -> narrative.Markdown:
    """Return the notebook's heading or explanation ``key`` (see :data:`TEXTS`) as Markdown in
    the current language. Raises KeyError for an unknown key."""
    return narrative.render(TEXTS, key, **values)
HIGHLIGHT, OTHERS, NATIONAL = plotting.PALETTE[3], "#9A9A9A", plotting.PALETTE[0]

MEASURE_TITLES = {
    "PAID_ONLINE": N_("Dossiers paid online, of those with a fee or charge"),
    "ON_TIME": N_("Dossiers settled on time, of those received"),
    "DOSSIER_RECEIVING_SATISFACTION": N_("Dossiers rated satisfied, of those received"),
}


def _local_ticks(ax) -> None:
    """Write the x tick labels with the language's decimal mark (vi 52,5; en 52.5)."""
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: i18n.number(x, 1)))


def _g(code: str) -> str:
    return _(group_title(code))


def _period(card: Scorecard) -> str:
    s = card.snapshot
    label = period_label(s["time_type"], s["year"], s["period"])
    if s["time_type"] == "year":
        return _("{year}, year to date").format(year=label)
    return label


def _retrieved(card: Scorecard, snap=None) -> str:
    return i18n.date(pd.Timestamp((snap if snap is not None else card.snapshot)["retrieved"]))


def citation(card: Scorecard) -> str:
    """Return the source sentence of the scores: the portal, its endpoint, the period, the
    retrieval date, the snapshot id and, when it came through the crawler, the crawler."""
    s = card.snapshot
    text = _("Source: National Public Service Portal (Cổng Dịch vụ công quốc gia), evaluation index under "
             "Decision 766/QĐ-TTg, {endpoint}; {period}; retrieved {date}; raw snapshot {sid}.").format(
        endpoint=s["endpoint"], period=_period(card), date=_retrieved(card), sid=s["snapshot_id"])
    if isinstance(s["upstream_repository"], str) and s["upstream_repository"]:
        text += " " + _("Retrieved and published unchanged by the public crawler {repo} (commit {commit}).").format(
            repo=s["upstream_repository"], commit=str(s["upstream_commit"])[:10])
    return text


def crawler_citation(card: Scorecard) -> str:
    """Return the source sentence of the counts: the crawler's processing, said as such."""
    d = card.counts_snapshot
    return _("Counts: the third-party crawler {repo}'s processed file (commit {commit}), which merges the "
             "portal's component endpoints; retrieved {date}; raw snapshot {sid}. Third-party processing, "
             "not the portal's own response.").format(
        repo=d["upstream_repository"] or _("(not stated)"), commit=str(d["upstream_commit"])[:10],
        date=_retrieved(card, d), sid=d["snapshot_id"])


def points_note() -> str:
    """Return the sentence every scorecard figure carries: points are not rates."""
    return _("Index points, not rates: a group's points weigh several ratios; they are not the share of "
             "dossiers submitted online.")


def headline(card: Scorecard) -> str:
    """Return '{province}: {score} of 100 points, rank {rank} of {n} ({period}, retrieved {date})'."""
    t = card.total
    return _("{province}: {score} of 100 index points, rank {rank} of {n} ({period}, retrieved {date})").format(
        province=card.province, score=i18n.number(t["score"]), rank=i18n.integer(t["rank"]),
        n=i18n.integer(t["n"]), period=_period(card), date=_retrieved(card))


@absent.when_no_score(absent.table)
def groups_table(card: Scorecard) -> pd.DataFrame:
    """Return one readable row per group: points of maximum, rank, where it stands,
    the median province, the national figure (— where the portal publishes none)."""
    rows = []
    for _i, r in card.groups.iterrows():
        rows.append({
            _("Group"): _g(r["group"]),
            _("Points"): _("{score} of {max}").format(score=i18n.number(r["score"]), max=i18n.number(r["max_score"])),
            _("Rank"): _("{rank} of {n}").format(rank=i18n.integer(r["rank"]), n=i18n.integer(r["n"])),
            _("Provinces with fewer points"): i18n.percent(100 * r["below"], 0),
            _("Median province"): i18n.number(r["median"]),
            _("National"): i18n.number(r["national"]) if pd.notna(r["national"]) else "—",
        })
    return pd.DataFrame(rows)


@absent.when_no_score(lambda c: absent.figure(c, _("{province}: no score on the Decision 766 index").format(
    province=c.province)))
def total_figure(card: Scorecard):
    """Return (fig, data, caption, alt): every province's total points, best first, the
    province highlighted and the national figure as a line."""
    d = card.distribution
    tot = d[d["group"] == TOTAL].sort_values(["score", "province"], ascending=[True, True]).reset_index(drop=True)
    fig, ax = plotting.new_figure(figsize=(9.0, 9.5))
    colours = [HIGHLIGHT if p == card.province else OTHERS for p in tot["province"]]
    sizes = [70 if p == card.province else 25 for p in tot["province"]]
    # Dots, not bars: the axis does not start at zero, and a bar would claim it does.
    ax.scatter(tot["score"], range(len(tot)), c=colours, s=sizes, zorder=3)
    ax.set_yticks(range(len(tot)), tot["province"], fontsize=7.5)
    nat = card.total["national"]
    if pd.notna(nat):
        ax.axvline(nat, color=NATIONAL, ls="--", lw=1.2, label=_("National: {score}").format(score=i18n.number(nat)))
        ax.legend(loc="lower right", fontsize=8)
    ax.set_xlim(max(0.0, float(tot["score"].min()) - 3), min(100.0, float(tot["score"].max()) + 3))
    ax.set_xlabel(_("Index points (of 100)"))
    _local_ticks(ax)
    caption = " ".join([points_note(), citation(card)])
    t = card.total
    plotting.finish(fig, title=_("{province}: rank {rank} of {n} on the Decision 766 index").format(
        province=card.province, rank=i18n.integer(t["rank"]), n=i18n.integer(t["n"])),
        subtitle=_("{score} of 100 index points (not a rate); {period}; retrieved {date}").format(
            score=i18n.number(t["score"]), period=_period(card), date=_retrieved(card)), caption=caption)
    alt = _("Dot chart of the total index points of {n} provinces; {province} has {score} points, "
            "rank {rank}.").format(n=i18n.integer(len(tot)), province=card.province,
                                   score=i18n.number(card.total["score"]), rank=i18n.integer(card.total["rank"]))
    return fig, tot, caption, alt


@absent.when_no_score(lambda c: absent.figure(c, _("{province}: the six groups of the index").format(
    province=c.province)))
def groups_figure(card: Scorecard):
    """Return (fig, data, caption, alt): for each of the six groups, every province's
    points as a dot on the group's own scale (0 to its maximum), the province marked."""
    d = card.distribution
    fig, axes = plotting.new_figure(len(GROUPS), 1, figsize=(9.0, 8.5), sharex=False)
    for ax, g in zip(axes, GROUPS):
        col = d[d["group"] == g].sort_values("score")
        mx = GROUPS[g][1]
        # Ties drawn one above the other: the vertical position is the order within equal points.
        y = col.groupby("score").cumcount().to_numpy() * 0.18
        ax.scatter(col["score"], y, s=18, color=OTHERS, zorder=2)
        mine = col[col["province"] == card.province]
        ax.scatter(mine["score"], y[col["province"].to_numpy() == card.province], s=70, color=HIGHLIGHT, zorder=3)
        row = card.groups.set_index("group").loc[g]
        ax.set_xlim(0, mx)
        ax.set_ylim(-0.4, max(1.0, y.max() + 0.4))
        ax.set_yticks([])
        _local_ticks(ax)
        ax.set_title(_("{group}: {score} of {max} points, rank {rank} of {n}").format(
            group=_g(g), score=i18n.number(row["score"]), max=i18n.number(mx),
            rank=i18n.integer(row["rank"]), n=i18n.integer(row["n"])), fontsize=9, loc="left")
        if pd.notna(row["national"]):
            ax.axvline(row["national"], color=NATIONAL, ls="--", lw=1)
    axes[-1].set_xlabel(_("Index points (each group on its own scale, 0 to its maximum)"))
    caption = " ".join([points_note(), _("Grey: the other provinces; dashed: the national figure, where the portal "
                                         "publishes one (it merges online services and online payment)."),
                        citation(card)])
    plotting.finish(fig, title=_("{province}: the six groups of the index").format(province=card.province),
                    subtitle=_("Index points (not rates) among the {n} provinces; {period}; retrieved {date}").format(
                        n=i18n.integer(card.total["n"]), period=_period(card), date=_retrieved(card)),
                    caption=caption)
    alt = "; ".join(_("{group} {score} of {max}, rank {rank}").format(
        group=_g(r["group"]), score=i18n.number(r["score"]), max=i18n.number(r["max_score"]),
        rank=i18n.integer(r["rank"])) for _i, r in card.groups.iterrows() if r["group"] != TOTAL)
    return fig, d[d["group"] != TOTAL], caption, alt


@absent.when_no_score(lambda c: absent.figure(c, _("{province}: the counts behind the points").format(
    province=c.province)))
def counts_figure(card: Scorecard):
    """Return (fig, data, caption, alt): the counts behind online payment, on-time
    processing and satisfaction as percentages with Wilson intervals; when no crawler
    file of the same retrieval is imported, a panel that says so."""
    c = card.counts
    fig, ax = plotting.new_figure(figsize=(9.0, 4.8))
    if c.empty:
        msg = _("No counts for this retrieval: the counts come from the crawler's processed file, which is "
                "imported only for some retrieval dates.")
        plotting.empty_panel(ax, msg)
        plotting.finish(fig, title=_("{province}: the counts behind the points").format(province=card.province),
                        caption=" ".join([msg, citation(card)]))
        return fig, c, " ".join([msg, citation(card)]), msg
    y = np.arange(len(c))
    ax.errorbar(c["percent"], y, xerr=[c["percent"] - c["low"], c["high"] - c["percent"]], fmt="o",
                color=HIGHLIGHT, capsize=4)
    labels = [_(MEASURE_TITLES[m]) for m in c["measure"]]
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_ylim(len(c) - 0.5, -0.5)
    for yi, (_i, r) in zip(y, c.iterrows()):
        plotting.data_label(ax, _("{pct} ({num} of {den})").format(pct=i18n.percent(r["percent"], 1),
                                                        num=i18n.integer(r["numerator"]),
                                                        den=i18n.integer(r["denominator"])),
                    (r["percent"], yi), xytext=(0, 9), textcoords="offset points", ha="center", fontsize=8)
    ax.set_xlim(max(0.0, float(c["low"].min()) - 10), 100)
    ax.set_xlabel(_("Percent of dossiers (a count, not index points)"))
    _local_ticks(ax)
    caption = " ".join([
        _("Shares of dossiers (counts, not index points) behind three groups of points, with {level} Wilson "
          "intervals. The counts are the "
          "province's whole year to date, not a sample: the interval only shows how little binomial noise there "
          "is at this size; definitions and data quality matter far more.").format(level=i18n.percent(100 * LEVEL, 0)),
        crawler_citation(card)])
    plotting.finish(fig, title=_("{province}: the counts behind the points").format(province=card.province),
                    subtitle=_("{period}; retrieved {date}").format(period=_period(card), date=_retrieved(card)),
                    caption=caption)
    alt = "; ".join(_("{measure}: {pct}").format(measure=lab, pct=i18n.percent(p, 1))
                    for lab, p in zip(labels, c["percent"]))
    return fig, c, caption, alt


def locator_figure(card: Scorecard, layer):
    """Return (fig, caption, alt): a small map of the 34 provinces with ``card``'s province
    highlighted and both archipelagos (save it with ``maps.save``). Raises KeyError when
    the province is not in the boundary ``layer``."""
    if isinstance(card, absent.NoScore):
        # A unit that ceased on 1 Jul 2025 is not on the 34-province map: show where its
        # territory is scored now.
        fig, _ax = maps.locator(layer, card.successor or card.province)
        where = absent.sentence(card)
        title = card.successor or card.province
    else:
        fig, _ax = maps.locator(layer, card.province)
        merged = _(" and ").join(card.predecessors)
        where = (_("Since 1 Jul 2025, including the former {merged}.").format(merged=merged) if merged
                 else _("Not merged in 2025."))
        title = card.province
    caption = " ".join([where, maps.boundary_credit()])
    maps.finish(fig, title=title, caption=caption, caption_width=62)
    alt = _("Map of Vietnam's 34 provinces with {province} highlighted; the Hoàng Sa and Trường Sa archipelagos "
            "in an inset.").format(province=title)
    return fig, caption, alt


@absent.when_no_score(absent.markdown)
def intro_markdown(card: Scorecard) -> str:
    """Return the opening Markdown: what the index is, and the headline for this province."""
    return "\n\n".join([
        _("The National Public Service Portal (Cổng Dịch vụ công quốc gia) scores every province on the "
          "Decision 766/QĐ-TTg index: six groups of points (transparency 18, processing progress 20, online "
          "services 12, online payment 10, satisfaction 18, digitisation 22; 100 in all). It is the one source "
          "that measures all 34 provinces the same way."),
        "**" + headline(card) + "**",
        lineage_markdown(card),
    ])


@absent.when_no_score(lambda c: "")
def history_markdown(card: Scorecard) -> str:
    """Return Markdown listing the province's total and rank at each retrieval of the period."""
    lines = [_("**The same period, retrieved on different days** (a year-to-date figure moves):"), ""]
    for _i, r in card.history.iterrows():
        lines.append("- " + _("retrieved {date}: {score} points, rank {rank} of {n}").format(
            date=i18n.date(pd.Timestamp(r["retrieved"])), score=i18n.number(r["score"]),
            rank=i18n.integer(r["rank"]), n=i18n.integer(r["provinces_ranked"])))
    return "\n".join(lines)


def lineage_markdown(card: Scorecard) -> str:
    """Return Markdown on the province's territory: merged provinces since 1 Jul 2025, if any."""
    if card.predecessors:
        return _("**{province} since 1 Jul 2025 includes the former {merged}** (Resolution 202/2025/QH15). Its "
                 "index points cover the enlarged province and are not comparable with figures of {province} or "
                 "of {merged} before the merger.").format(province=card.province,
                                                          merged=_(" and ").join(card.predecessors))
    return _("**{province}** was not merged under Resolution 202/2025/QH15: the territory is the same before and "
             "after 1 Jul 2025.").format(province=card.province)


def limits_markdown() -> str:
    """Return the Markdown of what the scorecard does not show."""
    return narrative.bullets((
        *wording.index_caveats(),
        _("The index's groups and maxima have changed between years (2024: 18, 20, 12, 10, 18, 22): points of "
          "different years are not one series."),
        _("The counts are third-party processing of the portal's component endpoints; the binomial intervals "
          "describe sampling noise only, which at these sizes is negligible."),
        _("The meaning of the portal's scoreDelta field is not documented; it is stored but not shown."),
    ))


@absent.when_no_score(lambda c: absent.findings(c, STEM))
def findings(card: Scorecard) -> Findings:
    """Return the scorecard's findings: the headline and the strongest and weakest group by rank."""
    g = card.groups[card.groups["group"] != TOTAL]
    best, worst = g.loc[g["rank"].idxmin()], g.loc[g["rank"].idxmax()]
    sentences = [_("Best group by rank: {best} ({brank} of {n}); weakest: {worst} ({wrank} of {n}).").format(
        best=_g(best["group"]), brank=i18n.integer(best["rank"]), worst=_g(worst["group"]),
        wrank=i18n.integer(worst["rank"]), n=i18n.integer(best["n"])), points_note()]
    return Findings(report=STEM, status="descriptive", headline=headline(card) + ".", sentences=sentences)


def measure_keys() -> list[str]:
    """Return the measures the counts figure shows, in order."""
    return list(KEY_MEASURES)
