"""The vocabulary of the National Public Service Portal's evaluation index (Decision
766/QĐ-TTg): its six groups of points, their maxima in 2026, and the other names the
same groups go by. Every code the importer meets must be listed here; an unknown code
stops the import (it would otherwise be a guess about what the portal changed)."""

from __future__ import annotations

from analysis.i18n import N_

#: Group code (as in the portal's ``groupScores``) -> (English title, maximum points in
#: 2026). Maxima from the portal's own ``radar`` and the crawler's ``maxScore`` fields
#: (responses of Sep-Oct 2026); they sum to 100. They were revised between years.
GROUPS: dict[str, tuple[str, float]] = {
    "CKMB": (N_("Transparency"), 18.0),
    "TDGQ": (N_("Processing progress"), 20.0),
    "CLGQ": (N_("Online services"), 12.0),
    "TTTT": (N_("Online payment"), 10.0),
    "MDHL": (N_("Satisfaction"), 18.0),
    "MDSH": (N_("Digitisation"), 22.0),
}

#: The code of the total row in the tidy tables (out of 100).
TOTAL = "TOTAL"
TOTAL_MAX = 100.0

#: Other names of a group, by where they appear. The crawler's processed file calls the
#: online-services group ``ONLINE``; the portal's ``groupScores`` call it ``CLGQ``.
CRAWLER_GROUP_CODES: dict[str, str] = {"CKMB": "CKMB", "TDGQ": "TDGQ", "ONLINE": "CLGQ",
                                       "TTTT": "TTTT", "MDHL": "MDHL", "MDSH": "MDSH"}

#: The national ``radar`` merges online services and online payment into one group out
#: of 22 (12 + 10). Radar code -> (the groups it covers, its maximum).
RADAR_GROUPS: dict[str, tuple[tuple[str, ...], float]] = {
    "CKMB": (("CKMB",), 18.0),
    "TDGQ": (("TDGQ",), 20.0),
    "ONLINE_SERVICE": (("CLGQ", "TTTT"), 22.0),
    "MDHL": (("MDHL",), 18.0),
    "MDSH": (("MDSH",), 22.0),
}


def group_title(code: str) -> str:
    """Return the English title of a group code, ``TOTAL`` or a radar code (the code
    itself when unknown). Translate with ``_()`` at display time."""
    if code == TOTAL:
        return N_("Total")
    if code == "ONLINE_SERVICE":
        return N_("Online services and payment")
    return GROUPS[code][0] if code in GROUPS else code
