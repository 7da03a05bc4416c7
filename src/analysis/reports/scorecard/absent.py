"""The short scorecard of a unit the national index does not score (a province that ceased
on 1 Jul 2025, merged into another): every table, figure and sentence of the scorecard
report says so, and names where its territory is scored now, instead of failing.

:func:`no_score` builds the record; :func:`when_no_score` lets each function of
:mod:`analysis.reports.scorecard` hand such a record to its short counterpart here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from analysis import i18n
from analysis.data import Dataset
from analysis.data.portal import query, tables
from analysis.i18n import _
from analysis.reports import plotting
from analysis.reports.findings import Findings


@dataclass(frozen=True)
class NoScore:
    """A unit with no score in the snapshot retrieved on ``retrieved``; ``successor`` is the
    province its territory belongs to since 1 Jul 2025 (empty when none is recorded)."""

    province: str
    retrieved: str
    successor: str
    snapshot_id: str


def no_score(ds: Dataset, province: str, retrieved=None) -> NoScore | None:
    """Return the :class:`NoScore` of ``province`` when the chosen snapshot has no score for
    it, or None when it has one. Raises Refused as the scorecard model does when there is no
    snapshot (none imported, none retrieved that day)."""
    name = ds.canonical_province(province)
    if retrieved is not None and not isinstance(retrieved, str):
        retrieved = retrieved.isoformat()
    t = tables.read(ds.data_dir)
    snap = query.pick_snapshot(t, retrieved)
    scores = t["scores"]
    if name in set(scores.loc[scores["snapshot_id"] == snap["snapshot_id"], "province"]):
        return None
    successor = ds.admin_units.set_index("province").loc[name, "successor"]
    return NoScore(name, str(snap["retrieved"]), str(successor or ""), str(snap["snapshot_id"]))


def sentence(card: NoScore) -> str:
    """Return the one sentence the short scorecard says, in the current language."""
    when = i18n.date(pd.Timestamp(card.retrieved))
    if card.successor:
        return _("{province} has no score on the national index retrieved {date}: since 1 Jul 2025 its territory "
                 "is part of {successor}, which is scored instead (see the scorecard of {successor}).").format(
            province=card.province, date=when, successor=card.successor)
    return _("{province} has no score on the national index retrieved {date}.").format(
        province=card.province, date=when)


def citation(card: NoScore) -> str:
    """Return the source line of the short scorecard."""
    return _("Source: National Public Service Portal, Decision 766 index; retrieved {date} (snapshot {id}).").format(
        date=i18n.date(pd.Timestamp(card.retrieved)), id=card.snapshot_id[:12])


def figure(card: NoScore, title: str):
    """Return (fig, data, caption, alt) of a figure that says the unit has no score."""
    fig, ax = plotting.new_figure()
    msg = sentence(card)
    plotting.empty_panel(ax, msg)
    caption = " ".join([msg, citation(card)])
    plotting.finish(fig, title=title, subtitle=_("No score on the national index"), caption=caption)
    return fig, pd.DataFrame({"province": [card.province], "retrieved": [card.retrieved], "score": [None]}), caption, msg


def markdown(card: NoScore) -> str:
    """Return the short report's text (for every Markdown cell of the scorecard)."""
    return sentence(card)


def table(card: NoScore) -> pd.DataFrame:
    """Return the groups table of a unit with no score: one row that says so."""
    return pd.DataFrame({_("Note"): [sentence(card)]})


def findings(card: NoScore, stem: str) -> Findings:
    """Return the findings of the short scorecard."""
    return Findings(report=stem, status="descriptive", headline=sentence(card))


def when_no_score(short):
    """Decorate a scorecard function so that, given a :class:`NoScore`, it returns
    ``short(card)`` instead."""
    def wrap(fn):
        @functools.wraps(fn)
        def run(card, *args, **kwargs):
            return short(card) if isinstance(card, NoScore) else fn(card, *args, **kwargs)
        return run
    return wrap
