"""Validate one answer of the portal's older endpoint (the 63 provinces before the 2025
merger) and match its provinces to ``admin_units.csv`` by official name.

Shape, inferred from public client code (no stored answer exists)::

    POST /jsp/rest.jsp   form field params={"type": "ref", "service": "report_tinh_766_service",
                         "p_nam": 2023, "p_thang": 11, ...}
    -> [{"ID", "TEN", "TONG_SCORE", "CKMB", "TDGQ", "CLGQ", "TTTT", "MDHL", "MDSH"}, ...]

Numbers arrive as strings. Strict like :mod:`.response`: an unknown or missing field, a
value that is not a number, a name that is not the official name of a province in force
that month, a province missing or listed twice stops the snapshot with the file, the JSON
path and the reason. What ``CLGQ`` and ``TTTT`` mean is decided in :mod:`.mapping`.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pandas as pd

from analysis.data.portal.groups import GROUPS, TOTAL_MAX
from analysis.data.portal.response import SUM_TOLERANCE, PortalFormatError, parse_json

PATH = "/jsp/rest.jsp"
SERVICE = "report_tinh_766_service"
FIELDS = {"ID", "TEN", "TONG_SCORE", *GROUPS}
#: Prefixes of an official name ("Tỉnh Nghệ An", "Thành phố Hà Nội") stripped before matching.
PREFIXES = ("Tỉnh ", "Thành phố ")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
#: The merger took effect on this month; the older endpoint's 63 units end the month before.
MERGER_MONTH = "2025-07"

#: Official names no longer in force: name -> (province in admin_units.csv, last month it
#: was in force). Thừa Thiên Huế became the centrally-run city of Huế on 1 Jan 2025.
FORMER_NAMES: dict[str, tuple[str, str]] = {"Thừa Thiên Huế": ("Huế", "2024-12")}
#: Names that came into force later: name -> first month in force.
LATER_NAMES: dict[str, str] = {"Huế": "2025-01"}


def params(year: int, month: int) -> dict:
    """Return the ``params`` object the public client sends for a month (``month`` 0 asks
    for the whole year)."""
    return {"type": "ref", "service": SERVICE, "p_nam": int(year), "p_6thang": 0, "p_quy": 0,
            "p_thang": int(month), "p_tinh_id": 0, "p_loaidonvi": 1, "loaichitieu": 0,
            "pageIndex": 1, "pageSize": 100}


def form_body(year: int, month: int) -> bytes:
    """Return the form-encoded request body for a month (``params=<JSON>``)."""
    from urllib.parse import urlencode

    return urlencode({"params": json.dumps(params(year, month), separators=(",", ":"))}).encode("ascii")


def _number(file: str, path: str, v, hi: float) -> float:
    if isinstance(v, str) and NUMBER.fullmatch(v.strip()):
        x = float(v)
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        x = float(v)
    else:
        raise PortalFormatError(file, path, f"expected a number (as text), got {json.dumps(v, ensure_ascii=False)}")
    if not 0 <= x <= hi + 1e-9:
        raise PortalFormatError(file, path, f"{x:g} is outside 0 to {hi:g}")
    return x


def official_key(name: str) -> str:
    """Return ``name`` in NFC with surrounding space and one official prefix removed."""
    text = unicodedata.normalize("NFC", name).strip()
    for p in PREFIXES:
        if text.startswith(p):
            return text[len(p):].strip()
    return text


def names_in_force(admin_units: pd.DataFrame, month: str) -> dict[str, str]:
    """Return {official name: province} for the provinces in force in ``month`` (YYYY-MM):
    before the merger the 63 (the 34 names kept plus the 29 merged away), from it the 34."""
    out = {}
    for _, r in admin_units.iterrows():
        if r.get("level", "province") != "province":
            continue
        ends = r["valid_to"] if isinstance(r["valid_to"], str) and r["valid_to"] else None
        if ends is not None and month > ends[:7]:
            continue
        name = r["province"]
        if name in LATER_NAMES and month < LATER_NAMES[name]:
            continue
        out[name] = name
    for name, (prov, last) in FORMER_NAMES.items():
        if month <= last:
            out[name] = prov
    return out


def parse_legacy(file: str, raw: bytes, month: str, names: dict[str, str]) -> list[dict]:
    """Return one record per province (``id``, ``name`` as given, ``province``, ``total``,
    ``fields`` {code: points}, ``index`` in the list) of an older-endpoint answer for
    ``month`` (YYYY-MM).

    ``names`` is :func:`names_in_force` for that month. Raises PortalFormatError (file,
    JSON path, reason) for anything the importer does not know; see the module doc."""
    obj = parse_json(file, raw)
    if not isinstance(obj, list):
        raise PortalFormatError(file, "$", f"expected a list of provinces, got {type(obj).__name__}")
    if not obj:
        raise PortalFormatError(file, "$", f"an empty list: the endpoint answered no province for {month}")
    out, seen = [], {}
    for i, e in enumerate(obj):
        path = f"$[{i}]"
        if not isinstance(e, dict):
            raise PortalFormatError(file, path, f"expected an object, got {type(e).__name__}")
        unknown, missing = sorted(set(e) - FIELDS), sorted(FIELDS - set(e))
        if unknown or missing:
            what = (f"unknown field(s) {', '.join(unknown)}" if unknown else "") + \
                   ("; " if unknown and missing else "") + (f"missing field(s) {', '.join(missing)}" if missing else "")
            raise PortalFormatError(file, path, f"{what}; known: {', '.join(sorted(FIELDS))}")
        if not isinstance(e["TEN"], str):
            raise PortalFormatError(file, path + ".TEN", f"expected a name, got {e['TEN']!r}")
        key = official_key(e["TEN"])
        if key not in names:
            raise PortalFormatError(file, path + ".TEN", f"{e['TEN']!r} is not the official name of a province "
                                    f"in force in {month} (matched exactly, never guessed)")
        prov = names[key]
        if prov in seen:
            raise PortalFormatError(file, path + ".TEN", f"{prov} appears twice (also at $[{seen[prov]}])")
        seen[prov] = i
        fields = {g: _number(file, f"{path}.{g}", e[g], max(mx for _, mx in GROUPS.values()))
                  for g in GROUPS}
        total = _number(file, path + ".TONG_SCORE", e["TONG_SCORE"], TOTAL_MAX)
        if abs(sum(fields.values()) - total) > SUM_TOLERANCE:
            raise PortalFormatError(file, path + ".TONG_SCORE", f"{total:g} differs from the sum of the "
                                    f"six groups ({sum(fields.values()):.2f})")
        out.append({"id": str(e["ID"]), "name": e["TEN"], "province": prov, "total": total, "fields": fields,
                    "index": i})
    absent = sorted(set(names.values()) - set(seen))
    if absent:
        raise PortalFormatError(file, "$", f"{len(absent)} province(s) in force in {month} missing: "
                                f"{', '.join(absent)}")
    return out
