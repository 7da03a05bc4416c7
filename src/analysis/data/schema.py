"""The controlled vocabularies and the columns of every file in ``data/``.

This module is the single source of truth for what a valid data file looks like;
``data/README.md`` documents the same vocabularies for people, and a test checks that
every value listed here is documented there.
"""

from __future__ import annotations

from dataclasses import dataclass

SCOPES: dict[str, str] = {
    "province_wide": "All levels of the province: provincial departments, districts/communes, police services.",
    "provincial_centre": "Only the provincial Public Administration Centre (Trung tâm Phục vụ hành chính công tỉnh).",
    "national_portal": "The figure the National Public Service Portal (Cổng Dịch vụ công quốc gia) or the national TTHC database records for the province.",
    "provincial_system": "The province's own administrative-procedure information system (Hệ thống thông tin giải quyết TTHC tỉnh).",
    "provincial_departments": "Provincial departments and agencies (sở, ngành), counted as agencies.",
    "localities": "District-level localities (huyện, thị xã, thành phố; 20 in Nghệ An before 1 Jul 2025).",
    "communes": "Commune-level units (xã, phường) after the 2025 two-tier reform.",
    "state_agencies": "All state agencies, officials or civil servants of the province.",
    "steering_committee": "Tasks assigned to the province's Project 06 working group or steering committee.",
}

PERIOD_TYPES: dict[str, str] = {
    "interval": "The figure covers period_start to period_end, both stated by the source.",
    "as_of": "A cumulative or stock figure as of period_end; the start is not stated (period_start is blank).",
}

BOUNDS: dict[str, str] = {
    "exact": "The figure is stated as a value.",
    "lower": "The true value is above the figure ('hơn 44%', 'trên 6.700').",
    "upper": "The true value is below the figure ('dưới 10%').",
    "approximate": "A round figure the source presents as approximate.",
}

#: Units whose values are whole counts of something (must be non-negative integers).
COUNT_UNITS: dict[str, str] = {
    "dossiers": "Dossiers (hồ sơ) of administrative procedures.",
    "procedures": "Administrative procedures (thủ tục hành chính, TTHC).",
    "services": "Online public services (dịch vụ công trực tuyến).",
    "agencies": "Departments, agencies or units.",
    "localities": "District-level localities.",
    "communes": "Commune-level units.",
    "tasks": "Project 06 tasks.",
    "accounts": "Electronic identification accounts.",
    "cards": "Citizen identity cards.",
    "lookups": "Successful look-ups or authentications.",
    "records": "Records or files (e.g. residence records digitised).",
    "documents": "Documents.",
    "certificates": "Digital certificates or signatures.",
    "resolutions": "Resolutions or legal documents.",
    "notifications": "Notifications (e.g. lưu trú stay notifications).",
}

UNITS: dict[str, str] = {
    "percent": "Percent, 0 to 100.",
    "points": "Score points on the scale of the index named by the indicator.",
    "rank": "Rank position (1 is best); denominator is the number ranked.",
    "ranks": "A change in rank, in places (positive = moved up).",
    **COUNT_UNITS,
}

INDICATOR_KINDS: dict[str, str] = {
    "rate": "A share in percent.",
    "count": "A whole count.",
    "score": "A score on an index.",
    "rank": "A rank among provinces or units.",
    "rank_change": "A change of rank in places.",
}

SOURCE_KINDS: dict[str, str] = {
    "seed": "One of the five source articles shipped in data/seeds/; quotes are checked against its text.",
    "secondary": "Another public source, named with its address.",
}

POLICY_LEVELS: dict[str, str] = {
    "provincial": "Decided by a province (its People's Council or Committee).",
    "national": "Decided by the central government or a ministry; applies to every province.",
}

POLICY_INSTRUMENTS: dict[str, str] = {
    "resolution": "A resolution of a provincial People's Council (Nghị quyết HĐND).",
    "circular": "A ministry circular (Thông tư).",
    "announcement": "A cut announced by a provincial office; the legal instrument is not named by the source.",
    "unnamed": "The source names no instrument and no announcement.",
}

DATE_CONFIRMED: dict[str, str] = {
    "yes": "The in-force date is stated by the quoted source.",
    "no": "The in-force date is not confirmed: only an adoption date, a month or a year is known, or the date comes from secondary notes not checked against the instrument. `description` says which.",
}

ADMIN_LEVELS: dict[str, str] = {
    "province": "A province or centrally-run city (tỉnh, thành phố trực thuộc trung ương).",
}

VOCABULARIES: dict[str, dict[str, str]] = {
    "scope": SCOPES,
    "period_type": PERIOD_TYPES,
    "bound": BOUNDS,
    "unit": UNITS,
    "kind (indicators)": INDICATOR_KINDS,
    "kind (sources)": SOURCE_KINDS,
    "level (policies)": POLICY_LEVELS,
    "instrument (policies)": POLICY_INSTRUMENTS,
    "date_confirmed (policies)": DATE_CONFIRMED,
    "level (admin_units)": ADMIN_LEVELS,
}


@dataclass(frozen=True)
class Field:
    """One column of a data file.

    ``kind`` is how the text is parsed: ``text`` (NFC-normalised string), ``int``
    (non-negative whole number, Vietnamese grouping allowed), ``number`` (float,
    decimal comma allowed), ``date`` (ISO or day-first), ``province`` (a name or alias
    from admin_units.csv, returned in its canonical NFC spelling).
    """

    name: str
    kind: str = "text"
    required: bool = True
    vocab: tuple[str, ...] | None = None
    unique: bool = False


def _v(d: dict[str, str]) -> tuple[str, ...]:
    return tuple(d)


TABLES: dict[str, tuple[Field, ...]] = {
    "admin_units": (
        Field("province", unique=True),
        Field("aliases", required=False),
        Field("level", vocab=_v(ADMIN_LEVELS)),
        Field("valid_from", "date", required=False),
        Field("valid_to", "date", required=False),
        Field("successor", required=False),  # checked against the names once read
        # Codes: format and uniqueness among filled cells checked by checks._admin_code_rules.
        Field("official_code", required=False),
        Field("code_before_2025", required=False),
        Field("portal_code", required=False),
        Field("source_id"),
        Field("note", required=False),
    ),
    "sources": (
        Field("source_id", unique=True),
        Field("kind", vocab=_v(SOURCE_KINDS)),
        Field("file", required=False),
        Field("title"),
        Field("publisher"),
        Field("publication_date", "date", required=False),
        Field("url", required=False),
        Field("documents_cited", required=False),
        Field("note", required=False),
        Field("title_en"),  # the title in English, for English readers (``title`` is Vietnamese)
    ),
    "indicators": (
        Field("indicator", unique=True),
        Field("unit", vocab=_v(UNITS)),
        Field("kind", vocab=_v(INDICATOR_KINDS)),
        Field("title"),
        Field("definition"),
    ),
    "observations": (
        Field("obs_id", unique=True),
        Field("province", "province"),
        Field("scope", vocab=_v(SCOPES)),
        Field("subunit", required=False),
        Field("indicator"),
        Field("period_type", vocab=_v(PERIOD_TYPES)),
        Field("period_start", "date", required=False),
        Field("period_end", "date"),
        Field("value", "number"),
        Field("unit", vocab=_v(UNITS)),
        Field("bound", vocab=_v(BOUNDS)),
        Field("numerator", "int", required=False),
        Field("denominator", "int", required=False),
        Field("source_id"),
        Field("quote"),
        Field("note", required=False),
    ),
    "policies": (
        Field("policy_id", unique=True),
        Field("level", vocab=_v(POLICY_LEVELS)),
        Field("province", "province", required=False),
        Field("name"),
        Field("instrument", vocab=_v(POLICY_INSTRUMENTS)),
        Field("document"),
        Field("date_adopted", "date", required=False),
        Field("in_force", "date", required=False),
        # YYYY-MM; format and agreement with in_force checked by checks._policy_rules.
        Field("in_force_month", required=False),
        Field("date_end", "date", required=False),
        Field("date_confirmed", vocab=_v(DATE_CONFIRMED)),
        Field("cuts"),
        Field("procedures", required=False),
        Field("procedures_covered", "int", required=False),
        Field("discount_pct", "number", required=False),
        Field("description"),
        Field("source_id"),
        Field("url", required=False),
        Field("quote"),
        Field("name_vi"),  # the name in Vietnamese, for Vietnamese readers (``name`` is English)
    ),
}

#: The order in which tables are read: provinces first, since other tables refer to them.
LOAD_ORDER = ("admin_units", "sources", "indicators", "observations", "policies")
