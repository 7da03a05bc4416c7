"""Sentences and tables of the national overview, in the reader's language.

Every number goes through :mod:`analysis.i18n` (vi ``62,59``, ``13.913.639``; en ``62.59``,
``13,913,639``), every date through ``i18n.date``, every group through its title: no code
(``CKMB``, ``dossiers_online``) reaches the reader.
"""

from __future__ import annotations

import pandas as pd

from analysis import i18n
from analysis.data.portal.groups import GROUPS, group_title
from analysis.data.portal.query import period_label
from analysis.i18n import N_, _
from analysis.models.national import NationalOverview
from analysis.reports import narrative, wording
from analysis.reports.findings import Findings
from analysis.reports.national import STEM

#: Reader's label of each national count (English source).
COUNT_LABELS = {
    "dossiers_online": N_("Dossiers submitted online"),
    "dossiers_other": N_("Dossiers not submitted online"),
    "services_full_process": N_("Services online for the full process"),
    "services_partial": N_("Services partly online"),
    "services_not_online": N_("Services not online"),
}


def group_name(code: str) -> str:
    """Return the title of a group code (or TOTAL, or a radar code) in the current language."""
    return _(group_title(code))


def period(ov: NationalOverview) -> str:
    """Return the period of the overview's snapshot: '2026, year to date' (or '2026-Q3')."""
    s = ov.snapshot
    label = period_label(s["time_type"], s["year"], s["period"])
    return _("{year}, year to date").format(year=label) if s["time_type"] == "year" else label


def day(value) -> str:
    """Return a retrieval date (YYYY-MM-DD text) in the reader's form."""
    return i18n.date(pd.Timestamp(value))


def citation(ov: NationalOverview) -> str:
    """Return the source sentence: the portal, its endpoint, the period, the retrieval date,
    the snapshot id and, when it came through the crawler, the crawler."""
    s = ov.snapshot
    text = _("Source: National Public Service Portal (Cổng Dịch vụ công quốc gia), evaluation index under "
             "Decision 766/QĐ-TTg, {endpoint}; {period}; retrieved {date}; raw snapshot {sid}.").format(
        endpoint=s["endpoint"], period=period(ov), date=day(s["retrieved"]), sid=s["snapshot_id"])
    if isinstance(s["upstream_repository"], str) and s["upstream_repository"]:
        text += " " + _("Retrieved and published unchanged by the public crawler {repo} (commit {commit}).").format(
            repo=s["upstream_repository"], commit=str(s["upstream_commit"])[:10])
    return text


def points_note() -> str:
    """Return the sentence every figure carries: points are not rates."""
    return _("Index points, not rates: a group's points weigh several ratios; they are not the share of "
             "dossiers submitted online.")


def headline(ov: NationalOverview) -> str:
    """Return the national finding: who leads, who trails, the national figure, the period."""
    lg = ov.league
    top, bottom = lg.iloc[0], lg.iloc[-1]
    return _("{top} leads the {n} provinces with {top_score} index points and {bottom} trails with {bottom_score}; "
             "the national figure is {national} ({period}, retrieved {date}).").format(
        top=top["province"], n=i18n.integer(len(lg)), top_score=i18n.number(top["total"]),
        bottom=bottom["province"], bottom_score=i18n.number(bottom["total"]),
        national=i18n.number(ov.national_total), period=period(ov), date=day(ov.snapshot["retrieved"]))


def _move(change) -> str:
    if pd.isna(change):
        return "—"
    if change == 0:
        return "="
    return ("▲" if change > 0 else "▼") + i18n.integer(abs(change))


def league_table(ov: NationalOverview) -> pd.DataFrame:
    """Return one readable row per province, best first: rank, province, total, the move
    in rank and the change in points since the previous retrieval, and each group's points."""
    rows = []
    for _i, r in ov.league.iterrows():
        row = {_("Rank"): i18n.integer(r["rank"]), _("Province"): r["province"],
               _("Total"): i18n.number(r["total"], 2, trim=False), _("Move in rank"): _move(r["rank_change"]),
               _("Change in points"): "—" if pd.isna(r["total_change"]) else i18n.signed(r["total_change"])}
        for g in GROUPS:
            row[group_name(g)] = i18n.number(r[g], 2, trim=False)
        rows.append(row)
    nat = {_("Rank"): "", _("Province"): _("National"), _("Total"): i18n.number(ov.national_total),
           _("Move in rank"): "", _("Change in points"): ""}
    for g in GROUPS:
        nat[group_name(g)] = i18n.number(ov.national[g]) if g in ov.national else "—"
    return pd.DataFrame([*rows, nat])


def league_markdown(ov: NationalOverview) -> str:
    """Return the Markdown that introduces the league table: the headline and how to read it."""
    prev = ov.previous
    since = (_("Moves are since the retrieval of {date} of the same period.").format(date=day(prev["retrieved"]))
             if prev is not None else _("No earlier retrieval of the same period is held, so no moves are shown."))
    return "\n\n".join(["**" + headline(ov) + "**", points_note() + " " + since,
                        _("The national row is the portal's own figure; it publishes none for online services and "
                          "online payment separately (its radar merges them), shown as —.")])


def revisions_markdown(ov: NationalOverview) -> str:
    """Return Markdown on how much the portal revised the period between retrievals."""
    if ov.revisions.empty:
        return _("Only one retrieval of this period is held: nothing to compare.")
    lines = [_("The portal recomputes a year-to-date figure every day, so the same period retrieved on two days "
               "differs:"), ""]
    for _i, r in ov.revisions.iterrows():
        lines.append("- " + _("from {a} to {b}: half the provinces' totals moved by less than {median} points, the "
                              "most by {change} ({province}); {moves} of {n} provinces changed rank; the national figure "
                              "moved {national}.").format(
            a=day(r["retrieved_from"]), b=day(r["retrieved_to"]), median=i18n.number(r["median_abs_change"]),
            province=r["max_province"], change=i18n.signed(r["max_change"]), moves=i18n.integer(r["rank_moves"]),
            n=i18n.integer(r["provinces"]),
            national="—" if pd.isna(r["national_change"]) else i18n.signed(r["national_change"])))
    return "\n".join(lines)


def counts_table(ov: NationalOverview) -> pd.DataFrame:
    """Return the national counts: one row per measure, one column per retrieval date."""
    c = ov.counts
    if c.empty:
        return pd.DataFrame({_("Measure"): [_("No national counts are held for this period.")]})
    wide = c.pivot_table(index="measure", columns="retrieved", values="value", aggfunc="first")
    out = pd.DataFrame({_("Measure"): [_(COUNT_LABELS[m]) for m in COUNT_LABELS if m in wide.index]})
    for when in sorted(wide.columns):
        col = _("retrieved {date}").format(date=day(when))
        out[col] = [i18n.integer(wide.loc[m, when]) if pd.notna(wide.loc[m, when]) else "—"
                    for m in COUNT_LABELS if m in wide.index]
    return out


def counts_markdown(ov: NationalOverview) -> str:
    """Return Markdown on the counts: what they are, and the online share at the latest retrieval."""
    c = ov.counts[ov.counts["retrieved"] == ov.snapshot["retrieved"]].set_index("measure")["value"]
    text = _("The portal's national counts for the same period, as published on each retrieval day (counts, not "
             "index points; the portal does not define them further).")
    if {"dossiers_online", "dossiers_other"} <= set(c.index):
        share = 100 * c["dossiers_online"] / (c["dossiers_online"] + c["dossiers_other"])
        text += " " + _("On {date}, {share} of the dossiers it counts were submitted online.").format(
            date=day(ov.snapshot["retrieved"]), share=i18n.percent(share, 1))
    return text


def limits_markdown() -> str:
    """Return the Markdown of what the national overview does not show."""
    return narrative.bullets((
        *wording.index_caveats(),
        _("A rank says nothing about how far apart provinces are: neighbours in the table are often a fraction "
          "of a point apart, well within what the portal revises between retrievals."),
        _("The maps colour each group on the range the provinces span, not on 0 to the maximum: equal colours in "
          "two maps are not equal points."),
        _("Provinces merged on 1 Jul 2025 are scored as the enlarged province: no figure here compares with a "
          "province before the merger."),
        _("The national counts are the portal's own, undefined beyond their labels; they are not checked "
          "against the provinces' reports."),
    ))


def findings(ov: NationalOverview) -> Findings:
    """Return the overview's findings: the headline, the widest and narrowest group spread."""
    lg = ov.league
    spread = {g: float(lg[f"{g}_ratio"].max() - lg[f"{g}_ratio"].min()) for g in GROUPS}
    wide, narrow = max(spread, key=spread.get), min(spread, key=spread.get)
    sentences = [_("Provinces differ most in {wide} (a spread of {wspread} of its maximum between the best and the "
                   "worst) and least in {narrow} ({nspread}).").format(
        wide=group_name(wide), wspread=i18n.percent(100 * spread[wide], 0), narrow=group_name(narrow),
        nspread=i18n.percent(100 * spread[narrow], 0)), points_note()]
    return Findings(report=STEM, status="descriptive", headline=headline(ov), sentences=sentences)

