"""The vocabulary of comparability: reason codes, caveats, related definitions, and the
dates and units the rules depend on. Every other module of this package reads these."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


#: Default maximum distance in days between two figures' reference dates (interval
#: midpoints, or 'as of' dates) for them to count as the same period: one year (366 days
#: so that a leap year's 31 Dec to 31 Dec still counts).
DEFAULT_TOLERANCE_DAYS = 366

#: Two input figures of one derived share may be at most this many days apart ('as of'
#: stocks reported in the same article a few days apart).
MAX_INPUT_GAP_DAYS = 31

#: Start of the two-tier local government (Law 72/2025/QH15) and of the 34-province map
#: (Resolution 202/2025/QH15): district-level localities ceased to exist on this date.
REFORM_DATE = pd.Timestamp("2025-07-01")

#: Units and scopes that count local-government units, whose number changes with the reform.
LOCAL_UNIT_UNITS = frozenset({"localities", "communes"})

#: Units of flows: their value accumulates with the length of the period, so a figure
#: whose start is not stated, or that covers a longer period, is not comparable.
FLOW_UNITS = frozenset({"dossiers", "notifications", "lookups", "documents", "resolutions"})

#: Marker in the ``status`` column for a province without a figure.
NO_DATA = "no data"
REPORTED = "reported"
DERIVED = "derived"

#: Every reason two figures are not comparable, by code. Each has a test case.
REASONS: dict[str, str] = {
    "indicator_differs": "The figures measure related but different things (different definitions).",
    "formula_differs": "The derived figures are computed by different formulas or from different kinds of input.",
    "scope_differs": "The figures count different things or places (measurement scope).",
    "subunit_differs": "The figures are about different sub-units (a task group, a procedure, a locality) or one is about a sub-unit and the other about the whole.",
    "unit_differs": "The figures are in different units.",
    "period_too_far": "The figures' reference dates are further apart than the tolerance.",
    "period_type_differs": "One figure covers a stated interval, the other is an 'as of' figure whose start is not stated.",
    "period_length_differs": "The figures are counts over periods of different length.",
    "start_not_stated": "A count that accumulates over time ('as of' a date) has no stated start, so its period is unknown.",
    "bound_differs": "One figure is a bound ('more than', 'less than') and the other a point, or the bound of a derived share is unknown.",
    "province_ceased": "A figure is dated after its province ceased to exist.",
    "territory_changed": "A successor province's figure after a merger includes the merged provinces, so it is not the same territory as the other figure.",
    "index_version_differs": "Index figures of different years: the index's groups and maxima were revised between years.",
    "retrieval_differs": "Index figures to date retrieved on different days (different snapshots): a year-to-date figure moves daily.",
    "locality_reform": "Counts of local-government units on either side of the 1 Jul 2025 reform (districts abolished, communes merged) count different units.",
}

#: Flags that do not block a comparison but must be shown with it.
CAVEATS: dict[str, str] = {
    "both_bounds": "Both figures are bounds of the same direction: neither can be said to be larger.",
    "approximate": "At least one figure is a round number the source presents as approximate.",
    "successor_includes_merged": "A successor province's figure after a merger covers the merged provinces too.",
    "mixed_scope_inputs": "A derived share divides figures from two different scopes.",
    "undated_stock": "An 'as of' figure's reference date was assigned by convention (see the observation's note).",
}

#: Related definitions: indicators that researchers are tempted to compare with each other
#: but that measure different things. Pairs across provinces within a group are shown
#: (and are never comparable because the indicator differs).
RELATED_GROUPS: dict[str, tuple[str, ...]] = {
    "online share (dossiers submitted online vs services offered online)": (
        "online_dossier_rate", "online_service_coverage_rate", "procedures_e_process_rate"),
    "full-process online provision (procedures vs services)": (
        "procedures_full_online", "online_services_full_process"),
    "partial online provision (procedures vs services)": (
        "procedures_partial_online", "online_services_partial"),
    "online payment (capability vs use vs agencies passing a threshold)": (
        "online_payment_enabled_rate", "procedures_with_online_payment_rate",
        "online_payment_dossier_rate", "departments_online_payment_above_65pct",
        "departments_online_payment_below_10pct"),
    "essential services deployed (53 vs 25 vs 28 listed)": (
        "essential_services_deployed", "essential_services_deployed_project06",
        "essential_services_deployed_decision422"),
    "online payment, derived (share of published procedures payable online vs share of departments above 65%)": (
        "online_payment_coverage_of_published", "departments_online_payment_above_65pct_share"),
    "online provision, derived (services per procedure vs full-process per procedure)": (
        "online_service_coverage", "full_process_share_of_published"),
    "local-government units counted (district-level localities before 1 Jul 2025 vs communes after)": (
        "localities_satisfaction_above_90pct", "localities_on_time_above_99pct",
        "localities_on_time_below_97pct", "localities_score_below_7",
        "residence_digitisation_pilot_localities", "communes_with_admin_centre"),
}



@dataclass(frozen=True)
class Flag:
    """A reason code with its human text."""

    code: str
    text: str

    def as_dict(self) -> dict:
        return {"code": self.code, "text": self.text}

