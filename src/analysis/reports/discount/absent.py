"""The short fee-discount report of a province with no policy to study: no provincial
online-fee policy in the project's policy table, or one with no known start date, and no
start date given in the report's settings. Instead of failing, the report says so in the
reader's language, says why the national fee cuts cannot stand in for a provincial policy,
points to the report that compares provinces, and says how to study an assumed policy.

:func:`no_policy` builds the record (:class:`NoPolicy`); :func:`when_no_policy` lets each
function of :mod:`analysis.reports.discount` the notebook calls hand such a record to its
short counterpart here: the record passes through the steps that compute, and the steps
that show something show nothing (:data:`analysis.reports.show.NOTHING`), except the title,
which carries the short report, and the findings.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from analysis import i18n
from analysis.data import Dataset
from analysis.data.policy_rows import start_date
from analysis.i18n import N_, _
from analysis.reports import param_words, wording
from analysis.reports.findings import Findings, report_title
from analysis.reports.narrative import Markdown
from analysis.reports.show import NOTHING

#: Why there is nothing to study: no provincial row, or a row with no date at all.
REASONS = ("none", "undated")

#: The short report's title (the first line a reader and the reviewers' page see).
TITLE = N_("# Online fee discount in {province}: no policy to study")

#: The report whose title the short report points to (it compares provinces).
ACROSS_PROVINCES = "07_fee_policies_across_provinces"


@dataclass(frozen=True)
class NoPolicy:
    """A province with no fee policy this report can study.

    ``reason`` is "none" (no provincial row in the policy table) or "undated" (a row with
    no in-force date, month or adoption date); ``policy_names`` is that row's (English,
    Vietnamese) name when undated; ``national`` holds the national rows as (English name,
    Vietnamese name, start date); ``successor`` is the province a unit that ceased on 1 Jul
    2025 belongs to now (empty otherwise). ``simulated`` is False: nothing is simulated for
    it (the notebook reads the flag where it would read a panel's)."""

    province: str
    reason: str
    policy_names: tuple[str, str] | None
    national: tuple[tuple[str, str, pd.Timestamp], ...]
    successor: str = ""
    simulated: bool = False


def no_policy(ds: Dataset, province: str, row=None) -> NoPolicy:
    """Return the :class:`NoPolicy` of ``province`` (canonical name): reason "undated" when
    ``row`` (its provincial policy row) is given, "none" otherwise; with the national rows
    of the policy table that have a start date, earliest first."""
    national = []
    for _i, r in ds.policies[ds.policies["level"] == "national"].iterrows():
        start = start_date(r)
        if start is not None:
            national.append((str(r["name"]), str(r["name_vi"]), start))
    names = None if row is None else (str(row["name"]), str(row["name_vi"]))
    units = ds.admin_units.set_index("province")
    successor = units.loc[province, "successor"] if province in units.index else ""
    return NoPolicy(province=province, reason="undated" if row is not None else "none", policy_names=names,
                    national=tuple(sorted(national, key=lambda n: n[2])),
                    successor=successor if isinstance(successor, str) else "")


def headline(rec: NoPolicy) -> str:
    """Return the short report's first sentence in the current language: what is missing."""
    if rec.reason == "undated":
        policy = wording.policy_name({"name": rec.policy_names[0], "name_vi": rec.policy_names[1]})
        return _("{province}'s online-fee policy (“{policy}”) has no known start date in the project's policy "
                 "table, so this report cannot place it in time and has no effect to estimate.").format(
            province=rec.province, policy=policy)
    return _("{province} has no provincial online-fee policy in the project's policy table (no provincial "
             "decision lowering fees or charges for dossiers submitted online), so this report has no effect to "
             "estimate.").format(province=rec.province)


def successor_sentence(rec: NoPolicy) -> str:
    """Return where a unit that ceased on 1 Jul 2025 belongs now (empty for the others)."""
    if not rec.successor:
        return ""
    return _("Since 1 Jul 2025 its territory is part of {successor}.").format(successor=rec.successor)


def national_sentence(rec: NoPolicy) -> str:
    """Return why the national fee cuts cannot be studied in one province (empty when the
    policy table has no dated national row)."""
    if not rec.national:
        return ""
    cuts = "; ".join(_("{policy}, in force from {date}").format(
        policy=vi if i18n.get_language() == "vi" else en, date=i18n.date(start)) for en, vi, start in rec.national)
    return _("Within {province} alone, the effect of the national fee cuts cannot be told apart from the trend "
             "over time, because they took effect in every province on the same day: {cuts}.").format(
        cuts=cuts, province=rec.province)


def across_sentence() -> str:
    """Return the pointer to the report that compares provinces, by its title."""
    return _("Provincial policies are compared across provinces, where the national cuts cancel out, in the "
             "report “{title}”.").format(title=report_title(ACROSS_PROVINCES))


def how_to_sentence(rec: NoPolicy) -> str:
    """Return how to study an assumed policy: the two settings, by the words the closing
    "how this was run" note uses for them."""
    return _("To study an assumed policy in {province}, rerun this report with a start date and a discount in its "
             "settings (“{date}” and “{discount}”). Without monthly counts of online and total dossiers for each "
             "procedure, it then runs on simulated data and marks every result as such.").format(
        province=rec.province, date=param_words.label("policy_date"), discount=param_words.label("discount_pct"))


def markdown(rec: NoPolicy) -> Markdown:
    """Return the short report (title and three paragraphs) as Markdown in the current language."""
    first = "**" + headline(rec) + "**" + (" " + successor_sentence(rec) if rec.successor else "")
    paras = [_(TITLE).format(province=rec.province), first,
             " ".join(s for s in (national_sentence(rec), across_sentence()) if s), how_to_sentence(rec)]
    return Markdown("\n\n".join(paras))


def text(key: str, rec: NoPolicy) -> Markdown:
    """Return the notebook's text ``key`` for a province with no policy: the short report
    for the title, nothing for every other heading (their sections do not apply)."""
    return markdown(rec) if key == "title" else NOTHING


def findings(rec: NoPolicy, stem: str) -> Findings:
    """Return the findings of the short report (status "no_policy"): the headline, then the
    national cuts and the pointer to the report that compares provinces."""
    more = [s for s in (national_sentence(rec), across_sentence()) if s]
    return Findings(report=stem, status="no_policy", headline=headline(rec), sentences=more)


def passed(rec: NoPolicy) -> NoPolicy:
    """The record itself: a computing step hands it on to the next."""
    return rec


def nothing(rec: NoPolicy) -> Markdown:
    """Nothing to show: a showing step (heading, table, text) of a section that does not apply."""
    return NOTHING


def no_figure(rec: NoPolicy) -> None:
    """No figure: ``show.saved`` then saves and shows nothing."""
    return None


def when_no_policy(short):
    """Decorate a report function so that, when any of its arguments is a :class:`NoPolicy`,
    it returns ``short(record)`` instead of running."""
    def wrap(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            rec = next((a for a in (*args, *kwargs.values()) if isinstance(a, NoPolicy)), None)
            return fn(*args, **kwargs) if rec is None else short(rec)
        return run
    return wrap
