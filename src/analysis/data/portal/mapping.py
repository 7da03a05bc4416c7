"""What the older endpoint's ``CLGQ`` and ``TTTT`` fields mean, decided from evidence the
importer can check, never from a label.

The current API (and the shipped data) use ``CLGQ`` for online services (12 points) and
``TTTT`` for online payment (10 points). One public client of the older endpoint labels
them the other way round. The rule, applied to each snapshot on its own:

1. The group maxima of the index year must be known (:data:`MAXIMA`); otherwise the six
   group rows are refused and only the total is imported.
2. Maximum evidence: a value above 10 points cannot be online payment. If some ``TTTT``
   is above 10 (and no ``CLGQ`` is), the fields are swapped; if some ``CLGQ`` is above 10
   (and no ``TTTT`` is), they mean what the current API means. Both above 10: the answer
   fits neither reading and the snapshot stops.
3. Agreement evidence: when the current API answered the same month, the two answers must
   agree on the provinces both list: the reading under which every ``CLGQ``/``TTTT`` pair
   matches (within 0.01 points) is the one, if exactly one does.
4. The reading is taken when at least one kind of evidence settles it and none contradicts
   it. Otherwise ``CLGQ`` and ``TTTT`` rows are refused with the reason, and the total and
   the four other groups are imported.
"""

from __future__ import annotations

from analysis.data.portal.response import PortalFormatError

#: Index year -> group maxima, where a source states them. 2024: the domain notes
#: (shared/DOMAIN.md, from the decision's published scoring); 2026: the portal's own radar
#: and the crawler's maxScore fields. Other years: not known, so their groups are refused.
MAXIMA: dict[int, dict[str, float]] = {
    2024: {"CKMB": 18.0, "TDGQ": 20.0, "CLGQ": 12.0, "TTTT": 10.0, "MDHL": 18.0, "MDSH": 22.0},
    2026: {"CKMB": 18.0, "TDGQ": 20.0, "CLGQ": 12.0, "TTTT": 10.0, "MDHL": 18.0, "MDSH": 22.0},
}
SAME = {"CLGQ": "CLGQ", "TTTT": "TTTT"}
SWAPPED = {"CLGQ": "TTTT", "TTTT": "CLGQ"}
TOLERANCE = 0.011


def index_version(year: int) -> str:
    """Return the label of the index rules a year's figures follow ('766-2024'): maxima were
    revised between years, so a figure is comparable only within one version."""
    return f"766-{int(year)}"


def _by_maxima(records: list[dict], mx: dict[str, float]) -> dict | None:
    over = {f: [r for r in records if r["fields"][f] > min(mx["CLGQ"], mx["TTTT"]) + 1e-9]
            for f in ("CLGQ", "TTTT")}
    if over["CLGQ"] and over["TTTT"]:
        a, b = over["CLGQ"][0], over["TTTT"][0]
        raise PortalFormatError("", f"$[{a['index']}].CLGQ, $[{b['index']}].TTTT",
                                f"CLGQ ({a['province']}) and TTTT ({b['province']}) both exceed "
                                f"{min(mx['CLGQ'], mx['TTTT']):g} points: neither reading of the two fields fits")
    if over["TTTT"]:
        return SWAPPED
    if over["CLGQ"]:
        return SAME
    return None


def _by_agreement(records: list[dict], current: dict[str, dict[str, float]]) -> tuple[dict | None, str]:
    pairs = [(r["fields"], current[r["province"]]) for r in records if r["province"] in current]
    if not pairs:
        return None, ""

    def fits(m):
        return all(abs(f[k] - c[m[k]]) <= TOLERANCE for f, c in pairs for k in ("CLGQ", "TTTT"))

    same, swapped = fits(SAME), fits(SWAPPED)
    if same != swapped:
        return (SAME if same else SWAPPED), ""
    if same:
        return None, "the current API's answer for the same month fits both readings"
    return None, ("the current API's answer for the same month matches neither reading "
                  "(the portal may have revised the month between the two retrievals)")


def decide(records: list[dict], year: int, current: dict[str, dict[str, float]] | None = None,
           file: str = "") -> tuple[dict[str, str] | None, str]:
    """Return (mapping {older field: group code} or None, why) for one snapshot's records
    (from :func:`.legacy.parse_legacy`). ``current`` holds the current API's group points
    per province for the same month, when imported. None means refuse CLGQ and TTTT.

    Raises PortalFormatError when a group exceeds its maximum under every reading."""
    mx = MAXIMA.get(int(year))
    if mx is None:
        return None, (f"the group maxima of index year {year} are not known to the importer "
                      f"(known: {', '.join(map(str, MAXIMA))}); only the total is imported")
    for r in records:
        for g in ("CKMB", "TDGQ", "MDHL", "MDSH"):
            if r["fields"][g] > mx[g] + 1e-9:
                raise PortalFormatError(file, f"$[{r['index']}].{g}",
                                        f"{r['fields'][g]:g} is above the group's maximum {mx[g]:g}")
        for f in ("CLGQ", "TTTT"):
            if r["fields"][f] > max(mx["CLGQ"], mx["TTTT"]) + 1e-9:
                raise PortalFormatError(file, f"$[{r['index']}].{f}", f"{r['fields'][f]:g} is above both "
                                        f"maxima it could have ({mx['CLGQ']:g}, {mx['TTTT']:g})")
    try:
        by_max = _by_maxima(records, mx)
    except PortalFormatError as exc:
        raise PortalFormatError(file, exc.path, exc.reason) from None
    by_agree, why = _by_agreement(records, current or {})
    if by_max and by_agree and by_max != by_agree:
        return None, ("the maxima and the current API's answer for the same month point to different "
                      "readings of CLGQ and TTTT; both refused")
    found = by_max or by_agree
    if found:
        how = "a value above 10 points" if by_max else "agreement with the current API for the same month"
        return found, f"{'swapped' if found is SWAPPED else 'same'} reading, settled by {how}"
    return None, ("no CLGQ or TTTT value is above 10 points and " + (why or "no answer of the current API for "
                  "the same month is held") + "; both readings fit, so CLGQ and TTTT are refused")
