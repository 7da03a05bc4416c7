"""Validate the third-party crawler's processed file (``details_Provinces_DDMMYYYY.json``
of duynghiaqn/Crawler-766) and read the counts behind the points from it.

It is not the portal's own response: the crawler merged the portal's component endpoints
(``transparency``, ``dvc-progress-tree``, ``provide-online-tree``,
``formality-online-payment-tree``, ``dossier-digitized``, ``handling-satisfaction``) into
one file. Its provenance says so wherever its counts are used. Its online-services group
is called ``ONLINE`` (the portal's ``CLGQ``).
"""

from __future__ import annotations

from analysis.data.portal.groups import CRAWLER_GROUP_CODES, GROUPS
from analysis.data.portal.response import PortalFormatError, _fields, _num, parse_json

TOP_FIELDS = {"metadata", "overview", "provinces"}
METADATA_FIELDS = {"scope", "runDateStr", "timeType", "year", "period", "periodLabel", "extractedAt", "sourceUrl"}
PROVINCE_FIELDS = {"departmentId", "departmentName", "shortName", "departmentCode", "totalScore",
                   "totalMaxScore", "ratio", "scoreDelta", "groupScores", "componentIndicators", "rank"}

#: Component key -> (group code, fields besides score/maxScore/ratio/metrics it may carry).
COMPONENTS: dict[str, tuple[str, set[str]]] = {
    "TDGQ_TienDoGiaiQuyet": ("TDGQ", {"totalReceived", "totalOnTime", "totalOverdue", "avgProcessingDays"}),
    "CKMB_CongKhaiMinhBach": ("CKMB", set()),
    "MDSH_SoHoaHoSo": ("MDSH", set()),
    "ONLINE_DichVuTrucTuyen": ("CLGQ", set()),
    "TTTT_ThanhToanTrucTuyen": ("TTTT", {"totalDossierOnlinePaymentSuccess", "totalDossierFinancialObligation",
                                         "totalDossierOnlineFormalityPaymentSuccess", "totalFeeFormality"}),
    "MDHL_MucDoHaiLong": ("MDHL", {"totalPetitions", "classifiedPetitions", "totalDossiers", "averageScore"}),
}

#: Metric codes the crawler lists inside a component (each a numerator over a denominator).
METRICS: dict[str, set[str]] = {
    "CKMB": {"PUBLISH_ON_TIME", "PUBLIC_UPDATE_ON_TIME", "PUBLIC_CONTENT_FULL", "DOSSIER_SYNC"},
    "MDSH": {"ORIGINAL_RESULT_AVAILABLE", "SO_HOA_GIAY_TO_GIAI_QUYET", "REUSED_DIGITIZED_DATA",
             "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "CITIZEN_DATA_CONNECTED_DOSSIER",
             "CITIZEN_DATA_CONNECTED_FORMALITY", "ELECTRONIC_CERTIFIED_COPY"},
    "MDHL": {"PETITION_CLASSIFICATION_TTHC", "DOSSIER_RECEIVING_SATISFACTION", "PETITION_PROCESSING_ON_TIME",
             "PETITION_HANDLING_SATISFACTION", "PETITION_CLASSIFICATION_STAFF"},
}
METRIC_FIELDS = {"code", "name", "numerator", "denominator", "ratio", "score", "maxScore"}
METRIC_OPTIONAL = {"dataQualityStatus", "dataQualityMessage"}

#: Counts kept outside the metric lists: measure -> (group, numerator field, denominator field, Vietnamese name).
TOTALS = {
    "ON_TIME": ("TDGQ", "totalOnTime", "totalReceived", "Hồ sơ giải quyết đúng hạn / hồ sơ tiếp nhận"),
    "PAID_ONLINE": ("TTTT", "totalDossierOnlinePaymentSuccess", "totalDossierFinancialObligation",
                    "Hồ sơ thanh toán trực tuyến / hồ sơ có nghĩa vụ tài chính"),
    "PROCEDURES_PAID_ONLINE": ("TTTT", "totalDossierOnlineFormalityPaymentSuccess", "totalFeeFormality",
                               "TTHC có phát sinh thanh toán trực tuyến / TTHC có thu phí, lệ phí"),
}

#: The measures a scorecard shows with binomial intervals, and the group each belongs to.
KEY_MEASURES = {"PAID_ONLINE": "TTTT", "ON_TIME": "TDGQ", "DOSSIER_RECEIVING_SATISFACTION": "MDHL"}


def is_details(obj) -> bool:
    """True when a decoded JSON object has the crawler's processed-file shape."""
    return isinstance(obj, dict) and "metadata" in obj and "provinces" in obj


def _count(file: str, path: str, v) -> int:
    x = _num(file, path, v, 0)
    if x != int(x):
        raise PortalFormatError(file, path, f"{x} is not a whole count")
    return int(x)


def _pair(file, path, num, den) -> tuple[int, int] | None:
    if num is None or den is None:
        return None
    n, d = _count(file, path + ".numerator", num), _count(file, path + ".denominator", den)
    if n > d:
        raise PortalFormatError(file, path, f"numerator {n} is greater than denominator {d}")
    return n, d


def _component_counts(file: str, path: str, key: str, comp: dict) -> list[dict]:
    group, extra = COMPONENTS[key]
    _fields(file, path, comp, {"score", "maxScore", "ratio"}, extra | {"metrics"})
    if comp["maxScore"] != GROUPS[group][1]:
        raise PortalFormatError(file, path + ".maxScore", f"{comp['maxScore']}; the importer knows "
                                f"the maximum {GROUPS[group][1]:g} for {group}")
    rows = []
    for measure, (g, num, den, name) in TOTALS.items():
        if g == group:
            pair = _pair(file, f"{path}.{num}", comp.get(num), comp.get(den))
            if pair:
                rows.append({"group": group, "measure": measure, "name_vi": name,
                             "numerator": pair[0], "denominator": pair[1]})
    for i, m in enumerate(comp.get("metrics", [])):
        mpath = f"{path}.metrics[{i}]"
        _fields(file, mpath, m, METRIC_FIELDS, METRIC_OPTIONAL)
        if m["code"] not in METRICS.get(group, set()):
            raise PortalFormatError(file, mpath + ".code", f"unknown metric code '{m['code']}' in {group}; "
                                    f"known: {', '.join(sorted(METRICS.get(group, set())))}")
        pair = _pair(file, mpath, m["numerator"], m["denominator"])
        if pair:
            rows.append({"group": group, "measure": m["code"], "name_vi": str(m["name"]),
                         "numerator": pair[0], "denominator": pair[1]})
    return rows


def parse_details(file: str, raw: bytes) -> dict:
    """Return ``{"metadata": {...}, "provinces": [{"code", "department_name", "counts": [...]}]}``
    from the crawler's processed file.

    Raises PortalFormatError (file, JSON path, reason) for an unknown field, component,
    group or metric code, a count that is not a whole number, or a numerator above its
    denominator."""
    obj = parse_json(file, raw)
    _fields(file, "$", obj, TOP_FIELDS)
    meta = _fields(file, "$.metadata", obj["metadata"], METADATA_FIELDS)
    provinces = obj["provinces"]
    if not isinstance(provinces, list) or not provinces:
        raise PortalFormatError(file, "$.provinces", "expected a non-empty list")
    out = []
    for i, p in enumerate(provinces):
        path = f"$.provinces[{i}]"
        _fields(file, path, p, PROVINCE_FIELDS)
        unknown = sorted(set(p["groupScores"]) - set(CRAWLER_GROUP_CODES))
        if unknown:
            raise PortalFormatError(file, path + ".groupScores", f"unknown group code(s) {', '.join(unknown)}; "
                                    f"known: {', '.join(CRAWLER_GROUP_CODES)}")
        comps = p["componentIndicators"]
        bad = sorted(set(comps) - set(COMPONENTS)) if isinstance(comps, dict) else ["(not an object)"]
        if bad:
            raise PortalFormatError(file, path + ".componentIndicators",
                                    f"unknown component(s) {', '.join(bad)}; known: {', '.join(COMPONENTS)}")
        counts = [c for key, comp in comps.items()
                  for c in _component_counts(file, f"{path}.componentIndicators.{key}", key, comp)]
        out.append({"code": str(p["departmentCode"]), "department_name": str(p["departmentName"]),
                    "counts": counts})
    return {"metadata": meta, "provinces": out}
