"""Words of the index-history report (notebooks/06_index_history.ipynb): headings, what
history is held (and the command that brings the rest), revisions, limits, findings."""

from __future__ import annotations

import pandas as pd

from analysis import i18n
from analysis.data.portal.groups import TOTAL, group_title
from analysis.i18n import N_, _
from analysis.reports import narrative, show
from analysis.reports.narrative import Markdown
from analysis.reports.findings import Findings
from analysis.reports.history.series import History, pair_series
from analysis.reports.params import COMMON, Param

STEM = "06_index_history"
BACKFILL = "analysis portal backfill --from 2022-01"
#: Reader-facing names of the two endpoints (the panel's ``endpoint`` codes).
ENDPOINTS = {"current": N_("current API"), "legacy": N_("older endpoint")}

PARAMETERS = {
    "province": Param("province", "Province whose monthly history to show (any spelling in "
                      "data/admin_units.csv; one of the 34, or one of the 63 before the merger)."),
    **COMMON,
}

TEXTS = {
    "title": N_("# The Decision 766 index month by month: {province}\n\n"
                "How the province's index points moved month by month against all provinces, how a month was "
                "revised between retrievals, and where the 2025 merger breaks the series."),
    "load": N_("## Load inputs"),
    "model": N_("## Model"),
    "figures": N_("## Figures"),
    "limits": N_("## What this does not show"),
}


def text(key: str, **values) -> narrative.Markdown:
    """Return the notebook's heading ``key`` (see :data:`TEXTS`) as Markdown in the current
    language. Raises KeyError for an unknown key."""
    return narrative.render(TEXTS, key, **values)


def month(label: str) -> str:
    """Return a month 'YYYY-MM' in the reader's language (vi 06/2025, en Jun 2025)."""
    return i18n.month(label)


def _dates(values) -> str:
    return ", ".join(i18n.date(pd.Timestamp(v)) for v in values)


def held_markdown(h: History) -> str:
    """Return Markdown saying how much monthly history is held, and, when none or little,
    the commands that fetch the rest."""
    s = h.held
    ytd = _dates(s["year_to_date"]) or _("none")
    if not h.has_history:
        return "\n\n".join([
            _("**No monthly history of the index is held in the data this report was built from.** They hold "
              "{n} year-to-date retrieval(s) of {year} ({dates}): the same period retrieved on different days, "
              "which is not a monthly series and is never differenced into one.").format(
                n=i18n.integer(len(s["year_to_date"])), dates=ytd,
                year=", ".join(dict.fromkeys(str(v)[:4] for v in s["year_to_date"])) or "—"),
            _("To fetch every month the portal still serves (the 63 provinces before July 2025 from its older "
              "endpoint, the 34 after from the current one), run, with an internet connection:"),
            f"```\n{BACKFILL}\nmake pack\n```"])
    by = "; ".join(f"{_(ENDPOINTS.get(e, e))}: {i18n.integer(n)}" for e, n in sorted(s["by_endpoint"].items()))
    return _("**Held: {n} month(s) of the index, {first} to {last}** (months by endpoint: {by}); retrieved on "
             "{vintages}. Each month is shown from its latest retrieval. Missing months can be fetched with `{cmd}`."
             ).format(n=i18n.integer(s["months"]), first=month(s["first"]), last=month(s["last"]), by=by,
                      vintages=_dates(s["vintages"]), cmd=BACKFILL)


def lineage_markdown(h: History) -> str:
    """Return Markdown on the merger: the province's partners before 1 Jul 2025, if any."""
    if not h.partners:
        return _("**{province}** was not merged under Resolution 202/2025/QH15; its series still breaks in July "
                 "2025, when the older endpoint's 63 units end and the current one's 34 begin.").format(
            province=h.province)
    into = h.successor or h.province
    return _("**{into} since 1 Jul 2025 holds {units}** (Resolution 202/2025/QH15). Before that month each was "
             "scored on its own; their series are shown side by side, never summed or averaged, and the "
             "enlarged province's series starts in July 2025.").format(
        into=into, units=", ".join(sorted({h.province, *h.partners})))


def revisions_markdown(h: History):
    """Return the Markdown (to display) listing the province's monthly figures revised between
    retrievals; nothing at all (``show.NOTHING``) when no month is held, since then nothing
    could have been revised."""
    r = h.revisions
    if not h.has_history:
        return show.NOTHING
    if r.empty:
        return Markdown(_("No monthly figure of {province} changed between retrievals (or each month was retrieved "
                 "once).").format(province=h.province))
    lines = [_("**Figures of {province} revised between retrievals** (index points):").format(province=h.province), ""]
    for _i, x in r.head(12).iterrows():
        lines.append("- " + _("{month}, {group}: {before} (retrieved {d1}) then {after} (retrieved {d2})").format(
            month=month(x["month"]), group=_(group_title(x["group"])), before=i18n.number(x["score_before"]),
            d1=i18n.date(pd.Timestamp(x["retrieved_before"])), after=i18n.number(x["score_after"]),
            d2=i18n.date(pd.Timestamp(x["retrieved_after"]))))
    if len(r) > 12:
        lines.append("- " + _("and {n} more").format(n=i18n.integer(len(r) - 12)))
    return Markdown("\n".join(lines))


def limits_markdown() -> str:
    """Return the Markdown of what the report does not show."""
    return narrative.bullets((
        _("Index points are not the online dossier rate."),
        _("Whether a month's figure covers that month alone or the year to date is not documented by the portal; "
          "the figures are shown as the portal gave them, never differenced."),
        _("The groups' maxima were revised between index years; points are compared within one index version."),
        _("The merger of 1 Jul 2025 is a break: no series runs across it."),
        _("The older endpoint's online-services and online-payment fields are imported only where the data "
          "settle which is which; elsewhere those two groups are missing on purpose."),
    ))


def _latest(h: History) -> pd.Series | None:
    p = h.panel[(h.panel["province"] == h.province) & (h.panel["group"] == TOTAL)]
    return p.sort_values("month").iloc[-1] if len(p) else None


def findings(h: History) -> Findings:
    """Return the report's findings: how much history is held and, when any, the
    province's latest month and the Nghệ An–Hòa Bình months in common."""
    last = _latest(h)
    if last is None:
        head = _("{province}: no monthly history of the index is held; {n} year-to-date retrieval(s).").format(
            province=h.province, n=i18n.integer(len(h.held["year_to_date"])))
        return Findings(report=STEM, status="descriptive", headline=head, sentences=[
            _("Run {cmd}, then make pack, to fetch every month the portal still serves.").format(cmd=BACKFILL)])
    head = _("{province}: {score} of 100 index points in {month}, rank {rank}; {months} month(s) held.").format(
        province=h.province, score=i18n.number(last["score"]), month=month(last["month"]),
        rank=i18n.integer(last["rank"]), months=i18n.integer(h.held["months"]))
    common = len(pair_series(h))
    sentences = [_("Nghệ An and Hòa Bình were scored on the same index in {n} month(s) before July 2025.").format(
        n=i18n.integer(common)), _("Index points, not rates; each month from its latest retrieval.")]
    return Findings(report=STEM, status="descriptive", headline=head, sentences=sentences)
