"""The national overview on the Decision 766 index (notebooks/08_national_overview.ipynb):
a league table of the 34 provinces, maps of the total and each group, what the portal
revised between retrievals of the same period, and the national counts, in Vietnamese or
English from one source.

``words`` holds the sentences and tables, ``figures`` the league heatmap, the maps and the
revisions chart; the numbers come from :mod:`analysis.models.national`.
"""

from __future__ import annotations

from analysis.i18n import N_
from analysis.reports import narrative
from analysis.reports.params import COMMON, Param

STEM = "08_national_overview"

PARAMETERS = {
    "snapshot": Param("date", "Retrieval date of the snapshot (YYYY-MM-DD); None takes the latest.",
                      nullable=True, default=None),
    **COMMON,
}

#: The notebook's headings and explanations (English source; see analysis.reports.narrative).
TEXTS = {
    "title": N_("# The nation on the Decision 766 index\n\n"
                "All 34 provinces at a glance: who leads and who trails, in which groups, and where they are."),
    "load": N_("## Load inputs"),
    "model": N_("## Model"),
    "league": N_("### The league table"),
    "revisions": N_("### What moved between retrievals of the same period"),
    "counts": N_("### National counts"),
    "figures": N_("## Figures"),
    "maps": N_("### Maps of the total and of each group"),
    "limits": N_("## What this does not show"),
}


def text(key: str, **values) -> narrative.Markdown:
    """Return the notebook's heading or explanation ``key`` (see :data:`TEXTS`) as Markdown in
    the current language. Raises KeyError for an unknown key."""
    return narrative.render(TEXTS, key, **values)
