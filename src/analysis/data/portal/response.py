"""Validate one response of the portal's ``service-results`` endpoint and read it into
plain records. Strict on purpose: a field, group or code not listed here stops the
import with the file, the JSON path and the reason, because a changed response format
read by guessing would put wrong numbers into every scorecard.

Shape (``POST /api/v1/reporting/evaluation/service-results``)::

    {"code": "OK", "message": ..., "data": {"overview", "growthPercent", "radar": [...],
     "donuts": {"onlineDossier", "onlineProvision"}, "monthlyChart", "dossierChart",
     "evaluation": [{"departmentId", "departmentName", "departmentCode", "totalScore",
                     "ratio", "scoreDelta", "groupScores": {CKMB, TDGQ, CLGQ, TTTT, MDHL, MDSH}}]}}
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from analysis.data.portal.groups import GROUPS, RADAR_GROUPS, TOTAL_MAX
from analysis.errors import Refused

ENDPOINT = "/api/v1/reporting/evaluation/service-results"

TOP_FIELDS = {"code", "data", "message"}
DATA_FIELDS = {"overview", "growthPercent", "radar", "donuts", "evaluation", "monthlyChart", "dossierChart"}
EVALUATION_FIELDS = {"departmentId", "departmentName", "departmentCode", "totalScore", "ratio",
                     "scoreDelta", "groupScores"}
OVERVIEW_FIELDS = {"departmentName", "departmentCode", "totalScore", "totalMaxScore", "ratio"}
RADAR_FIELDS = {"code", "name", "score", "maxScore", "ratio"}
DONUT_CODES = {"onlineDossier": {"ONLINE", "OTHER"}, "onlineProvision": {"FULL", "PARTIAL", "NONE"}}
DONUT_FIELDS = {"code", "name", "value", "percent"}
MONTHLY_FIELDS = {"month", "averageScore"}
DOSSIER_CHART_FIELDS = {"month", "onTimePct", "overduePct"}

#: Rounding of the portal's two-decimal scores: a total may differ from the sum of its
#: six groups by a few hundredths.
SUM_TOLERANCE = 0.06


class PortalFormatError(Refused):
    """A file is not a response the importer knows; the message names the file, the JSON
    path and what is wrong. Ends a command with exit status 2."""

    def __init__(self, file: str, path: str, reason: str):
        self.file, self.path, self.reason = file, path, reason
        super().__init__(f"{file}: {path}: {reason}")


@dataclass(frozen=True)
class ServiceResults:
    """The validated content of one response: ``evaluation`` (one dict per province with
    ``code``, ``department_id``, ``department_name``, ``total``, ``ratio``, ``score_delta``,
    ``groups``), ``overview``, ``radar``, ``donuts``, ``monthly`` (national series)."""

    evaluation: list[dict]
    overview: dict
    growth_percent: float | None
    radar: list[dict]
    donuts: dict[str, list[dict]]
    monthly: list[dict]


def _num(file: str, path: str, v, lo: float | None = None, hi: float | None = None,
         nullable: bool = False) -> float | None:
    """Return ``v`` as a float, checked to be a finite number in [lo, hi]."""
    if v is None and nullable:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise PortalFormatError(file, path, f"expected a number, got {json.dumps(v, ensure_ascii=False)}")
    if (lo is not None and v < lo) or (hi is not None and v > hi + 1e-9):
        raise PortalFormatError(file, path, f"{v} is outside {lo} to {hi}")
    return float(v)


def _fields(file: str, path: str, obj, expected: set[str], optional: set[str] = frozenset()) -> dict:
    """Return ``obj`` checked to be an object with exactly the ``expected`` fields (and
    any of ``optional``); an unknown or missing field is named."""
    if not isinstance(obj, dict):
        raise PortalFormatError(file, path, f"expected an object, got {type(obj).__name__}")
    unknown = sorted(set(obj) - expected - optional)
    if unknown:
        raise PortalFormatError(file, path, f"unknown field(s) {', '.join(unknown)}; known: "
                                f"{', '.join(sorted(expected | optional))}")
    missing = sorted(expected - set(obj))
    if missing:
        raise PortalFormatError(file, path, f"missing field(s) {', '.join(missing)}")
    return obj


def parse_json(file: str, raw: bytes):
    """Return the decoded JSON of ``raw``; raise PortalFormatError when it is not UTF-8
    JSON (an HTML page, a truncated body)."""
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise PortalFormatError(file, "$", f"not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        head = raw[:40].decode("utf-8", "replace").strip().replace("\n", " ")
        what = "an HTML page" if head.lower().startswith(("<!doctype", "<html")) else "not valid JSON"
        raise PortalFormatError(file, "$", f"{what} ({exc.msg} at character {exc.pos}; "
                                f"starts {head[:30]!r})") from None


def _evaluation(file: str, items) -> list[dict]:
    if not isinstance(items, list) or not items:
        raise PortalFormatError(file, "$.data.evaluation", "expected a non-empty list of provinces")
    out, seen = [], set()
    for i, e in enumerate(items):
        path = f"$.data.evaluation[{i}]"
        _fields(file, path, e, EVALUATION_FIELDS)
        code = e["departmentCode"]
        if not isinstance(code, str) or not code:
            raise PortalFormatError(file, path + ".departmentCode", f"expected a code, got {code!r}")
        if code in seen:
            raise PortalFormatError(file, path + ".departmentCode", f"'{code}' appears twice")
        seen.add(code)
        groups = _fields(file, path + ".groupScores", e["groupScores"], set(GROUPS))
        scores = {g: _num(file, f"{path}.groupScores.{g}", groups[g], 0, GROUPS[g][1]) for g in GROUPS}
        total = _num(file, path + ".totalScore", e["totalScore"], 0, TOTAL_MAX)
        if abs(sum(scores.values()) - total) > SUM_TOLERANCE:
            raise PortalFormatError(file, path + ".totalScore",
                                    f"{total} differs from the sum of the six groups "
                                    f"({sum(scores.values()):.2f})")
        out.append({"code": code, "department_id": str(e["departmentId"]),
                    "department_name": str(e["departmentName"]), "total": total,
                    "ratio": _num(file, path + ".ratio", e["ratio"], 0, 100),
                    "score_delta": _num(file, path + ".scoreDelta", e["scoreDelta"], nullable=True),
                    "groups": scores})
    return out


def _known(file: str, path: str, code, known, what: str) -> None:
    """Raise PortalFormatError at ``path`` when ``code`` is not one of ``known`` (listed in
    the message): an unknown code stops the import, it is never guessed."""
    if code not in known:
        raise PortalFormatError(file, path, f"unknown {what} '{code}'; known: {', '.join(known)}")


def _radar(file: str, items) -> list[dict]:
    if not isinstance(items, list):
        raise PortalFormatError(file, "$.data.radar", "expected a list")
    out = []
    for i, r in enumerate(items):
        path = f"$.data.radar[{i}]"
        _fields(file, path, r, RADAR_FIELDS)
        _known(file, path + ".code", r["code"], RADAR_GROUPS, "group code")
        mx = RADAR_GROUPS[r["code"]][1]
        if r["maxScore"] != mx:
            raise PortalFormatError(file, path + ".maxScore", f"{r['maxScore']} for {r['code']}; "
                                    f"the importer knows the maximum {mx:g} (the index changed?)")
        out.append({"group": r["code"], "score": _num(file, path + ".score", r["score"], 0, mx),
                    "max_score": mx, "ratio": _num(file, path + ".ratio", r["ratio"], 0, 100)})
    return out


def _donuts(file: str, obj) -> dict[str, list[dict]]:
    _fields(file, "$.data.donuts", obj, set(DONUT_CODES))
    out = {}
    for name, codes in DONUT_CODES.items():
        items = obj[name]
        if not isinstance(items, list):
            raise PortalFormatError(file, f"$.data.donuts.{name}", "expected a list")
        rows = []
        for i, d in enumerate(items):
            path = f"$.data.donuts.{name}[{i}]"
            _fields(file, path, d, DONUT_FIELDS)
            _known(file, path + ".code", d["code"], sorted(codes), "code")
            v = _num(file, path + ".value", d["value"], 0)
            if v != int(v):
                raise PortalFormatError(file, path + ".value", f"{v} is not a whole count")
            rows.append({"code": d["code"], "value": int(v)})
        out[name] = rows
    return out


def _monthly(file: str, data: dict) -> list[dict]:
    """Join ``monthlyChart`` (average score) and ``dossierChart`` (on-time %) by month."""
    rows: dict[int, dict] = {}
    for key, fields, cols in (("monthlyChart", MONTHLY_FIELDS, {"averageScore": "average_score"}),
                              ("dossierChart", DOSSIER_CHART_FIELDS,
                               {"onTimePct": "on_time_pct", "overduePct": "overdue_pct"})):
        items = data[key]
        if not isinstance(items, list):
            raise PortalFormatError(file, f"$.data.{key}", "expected a list")
        for i, m in enumerate(items):
            path = f"$.data.{key}[{i}]"
            _fields(file, path, m, fields)
            try:
                month = int(m["month"])
            except (TypeError, ValueError):
                month = 0
            if not 1 <= month <= 12:
                raise PortalFormatError(file, path + ".month", f"{m['month']!r} is not a month 01 to 12")
            row = rows.setdefault(month, {"month": month})
            for src, dst in cols.items():
                hi = TOTAL_MAX if src == "averageScore" else 100
                row[dst] = _num(file, f"{path}.{src}", m[src], 0, hi, nullable=True)
    return [rows[k] for k in sorted(rows)]


def parse_service_results(file: str, raw: bytes) -> ServiceResults:
    """Return the validated content of a ``service-results`` response.

    Raises PortalFormatError (file, JSON path, reason) when ``raw`` is not JSON, ``code``
    is not ``OK``, or any field, group code or value is unknown or out of range."""
    obj = parse_json(file, raw)
    _fields(file, "$", obj, {"code", "data"}, {"message"})
    if obj["code"] != "OK":
        raise PortalFormatError(file, "$.code", f"the portal answered {obj['code']!r} "
                                f"({obj.get('message')!r}), not 'OK'")
    data = _fields(file, "$.data", obj["data"], DATA_FIELDS)
    ov = _fields(file, "$.data.overview", data["overview"], OVERVIEW_FIELDS)
    if ov["totalMaxScore"] != TOTAL_MAX:
        raise PortalFormatError(file, "$.data.overview.totalMaxScore",
                                f"{ov['totalMaxScore']}; the importer knows an index out of {TOTAL_MAX:g}")
    overview = {"total": _num(file, "$.data.overview.totalScore", ov["totalScore"], 0, TOTAL_MAX),
                "ratio": _num(file, "$.data.overview.ratio", ov["ratio"], 0, 100)}
    return ServiceResults(
        evaluation=_evaluation(file, data["evaluation"]), overview=overview,
        growth_percent=_num(file, "$.data.growthPercent", data["growthPercent"], nullable=True),
        radar=_radar(file, data["radar"]), donuts=_donuts(file, data["donuts"]),
        monthly=_monthly(file, data))
