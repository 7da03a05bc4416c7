"""Reader-visible renderings of the data in the current language: values, periods,
indicator titles, units and source citations.

The data layer keeps its English renderings (``data.observations.format_value`` and
``Dataset.citation``) for logs and JSON; every report shows these instead, built from
the same fields through :mod:`analysis.i18n`, so a Vietnamese report reads
"> 44%", "224.930 hồ sơ", "tính đến 06/08/2025" and "Nguồn: ...".
"""

from __future__ import annotations

import pandas as pd

from analysis import i18n
from analysis.data import policy_rows
from analysis.i18n import N_, _

_BOUND_PREFIX = {"exact": "", "lower": "> ", "upper": "< ", "approximate": "≈ "}

#: The units of data/schema.py, as the reader sees them after a number.
UNITS = {
    "percent": "%", "points": N_("points"), "rank": N_("rank"), "ranks": N_("ranks"), "dossiers": N_("dossiers"),
    "procedures": N_("procedures"), "services": N_("services"), "agencies": N_("agencies"),
    "localities": N_("localities"), "communes": N_("communes"), "tasks": N_("tasks"),
    "accounts": N_("accounts"), "cards": N_("cards"), "lookups": N_("lookups"), "records": N_("records"),
    "documents": N_("documents"), "certificates": N_("certificates"), "resolutions": N_("resolutions"),
    "notifications": N_("notifications"),
    "lookups per dossier": N_("lookups per dossier"),  # a derived share's unit (models/compare/derived.py)
}

#: The titles of data/indicators.csv, marked for translation (the CSV stays the English
#: source of truth; ``tests/test_i18n_reports.py`` fails when a title there is missing here).
INDICATOR_TITLES = [
    N_("Online dossier rate"), N_("Online dossiers"), N_("Total dossiers"), N_("Dossiers with results returned"),
    N_("Level-4 online dossiers (per procedure)"), N_("Level-4 online notifications (per procedure)"),
    N_("Level-3 online dossiers (per procedure)"), N_("Online rate rank"), N_("Online rate rank change"),
    N_("Departments with online rate > 80%"), N_("Departments with online rate < 60%"),
    N_("Departments with online payment > 65%"), N_("Departments with online payment < 10%"),
    N_("Departments with satisfaction > 90%"), N_("Localities with satisfaction > 90%"),
    N_("Departments with on-time rate > 99%"), N_("Localities with on-time rate > 99%"),
    N_("Departments with on-time rate < 97%"), N_("Localities with on-time rate < 97%"),
    N_("Localities scoring below 7"), N_("Locality assessment score"), N_("Procedures published"),
    N_("Procedures with e-workflow (%)"), N_("Procedures offered full-process online"),
    N_("Procedures offered partly online"), N_("Procedures handled at the provincial centre"),
    N_("Communes with an admin centre"), N_("Departments on the provincial TTHC system (%)"),
    N_("Online service coverage (%)"), N_("Online services provided"), N_("Full-process online services"),
    N_("Partial online services"), N_("Essential services deployed"), N_("Project 06 essential services deployed"),
    N_("Decision 422 essential services deployed"), N_("Essential services not deployed"),
    N_("Procedures with fees"), N_("Fee-bearing procedures with online payment enabled (%)"),
    N_("Procedures with online payments (%)"), N_("Dossiers paid online (%)"),
    N_("Procedures with an online fee discount"), N_("Online fee discount (%)"), N_("Dossier digitisation rate"),
    N_("Residence records digitised"), N_("Residence records digitised (%)"),
    N_("Residence digitisation pilot localities"), N_("e-ID accounts collected"), N_("Citizen ID cards issued"),
    N_("Health-insurance lookups by ID card"), N_("Population database lookups"),
    N_("Population database lookups per dossier (%)"), N_("Project 06 tasks assigned"),
    N_("Project 06 tasks completed"), N_("Project 06 tasks ongoing (regular)"), N_("Project 06 tasks in progress"),
    N_("Project 06 tasks not started"), N_("HĐND resolutions issued"), N_("PAPI score"), N_("PAPI rank"),
    N_("PAPI rank change"), N_("Agencies on the document system (%)"), N_("Documents processed online"),
    N_("Agencies using digital signatures (%)"), N_("Digital certificates issued"),
    N_("Officials using official e-mail (%)"),
    # The derived shares of the comparison report (models/compare/derived.py).
    N_("Full-process share of online provision (%)"), N_("Full-process online as a share of published procedures (%)"),
    N_("Online services provided per published procedure (%)"),
    N_("Procedures with online payment enabled, as a share of published procedures (%)"),
    N_("Departments with online payment above 65%, as a share of departments (%)"),
    N_("Population-database lookups per dossier received"),
]


def indicator_title(title: str) -> str:
    """Return an indicator's English ``title`` (from data/indicators.csv) in the current language."""
    return _(title)


def indicator_words(ds, code: str) -> str:
    """Return indicator ``code`` as a reader reads it in the current language: its title from
    the data's indicator table, or for a national index figure (``index766_GROUP``) the
    index and the group's title; the code itself when neither knows it."""
    titles = ds.indicators.set_index("indicator")["title"]
    if code in titles.index:
        return indicator_title(titles[code])
    if code.startswith("index766_"):
        from analysis.data.portal.groups import TOTAL, group_title

        group = code.removeprefix("index766_")
        return _("National index (Decision 766): {group}").format(
            group=_(group_title(TOTAL if group == "total" else group)))
    return code


def unit_label(unit: str) -> str:
    """Return ``unit`` as shown after a number ("%" or a translated word; the code if unknown)."""
    return _(UNITS[unit]) if unit in UNITS and unit != "percent" else UNITS.get(unit, unit)


def format_value(row) -> str:
    """Return an observation's value with its bound, unit and counts in the current
    language: en '> 44%', '72.35% (224,930/310,903)'; vi '72,35% (224.930/310.903)'."""
    v = float(row["value"])
    num = i18n.number(v, 2) if abs(v) >= 0.01 or v == 0 else i18n.number(v, 3)
    unit = "%" if row["unit"] == "percent" else f" {unit_label(row['unit'])}"
    frac = ""
    if pd.notna(row.get("denominator")):
        if pd.notna(row.get("numerator")):
            frac = f" ({i18n.integer(row['numerator'])}/{i18n.integer(row['denominator'])})"
        else:
            frac = " " + _("(of {total})").format(total=i18n.integer(row["denominator"]))
    return f"{_BOUND_PREFIX[row['bound']]}{num}{unit}{frac}"


def format_period(row) -> str:
    """Return an observation's period: '15/01/2023–15/02/2023' (vi) or 'as of 6 Aug 2025' (en)."""
    end = i18n.date(row["period_end"])
    if row["period_type"] == "as_of" or pd.isna(row["period_start"]):
        return _("as of {date}").format(date=end)
    return f"{i18n.date(row['period_start'])}–{end}"


def figure_ref(row) -> str:
    """Return how a report names one figure to a reader: its value and its period
    ("33,7% (67.088/198.845), 01/01/2023–30/09/2023"), never the project's observation id."""
    return f"{format_value(row)}, {format_period(row)}"


def source_title(source) -> str:
    """Return a source's title for the current reader: the Vietnamese title (as published, or
    the curators' description when the source has none), or its English ``title_en``."""
    return source["title"] if i18n.get_language() == "vi" else source["title_en"]


def policy_name(policy) -> str:
    """Return a policy's name (a row of policies.csv) in the current language."""
    return policy_rows.name(policy)


def source_key(ds, source_id) -> str:
    """Return how a report refers to a source in running text and lists: its number in the
    project's list of sources, in brackets ("[3]"), the same number :func:`citation` puts
    before the source's title. A reader never sees the project's source ids (``seed003``).
    Raises KeyError for a source id not in ``ds.sources``."""
    ids = list(ds.sources["source_id"])
    if source_id not in ids:
        raise KeyError(f"unknown source '{source_id}'")
    return f"[{ids.index(source_id) + 1}]"


def citation(ds, source_ids) -> str:
    """Return the 'Sources: ...' sentence for ``source_ids`` (each once, in order) in the
    current language: each source's number (:func:`source_key`), title in the reader's
    language, date, publisher and link; titles and publishers stay as published."""
    parts = []
    srcs = ds.sources.set_index("source_id")
    for sid in dict.fromkeys(source_ids):
        s = srcs.loc[sid]
        date = s["publication_date"]
        bits = [i18n.date(date) if pd.notna(date) else _("date not stated")]
        # A secondary source's title already says who compiled it; its publisher is English notes.
        if s["kind"] == "seed" and not s["publisher"].startswith("not stated"):
            bits.insert(0, s["publisher"])
        if s["documents_cited"]:
            bits.append(_("citing {documents}").format(documents=s["documents_cited"]))
        if str(s["url"]).startswith(("http://", "https://")):  # not the project's own file paths
            bits.append(s["url"])
        parts.append(f"{source_key(ds, sid)} \"{source_title(s)}\" ({'; '.join(bits)})")
    if not parts:
        return _("Sources: none.")
    return _("Sources: {sources}.").format(sources="; ".join(parts))


def stock_phrases() -> list[str]:
    """Return English phrases that must never appear in a Vietnamese output (tests use them)."""
    return ["Source", "National target", "SIMULATED", "SCENARIO", "Online dossier rate", "as of", "Caveat",
            "Alt text", "refused", "Refused", "confidence", "Province-wide", "Target", "Power", "scope",
            "What this does not show", "Load inputs", "figure(s)"]


def index_caveats() -> list[str]:
    """Return, in the current language, the two caveats every report on the Decision 766
    index states: points are not a rate, and a year-to-date figure moves with its retrieval."""
    return [
        _("Index points are not the online dossier rate: each group weighs several ratios set by Decision "
          "766/QĐ-TTg, so a point more is not a percentage point more of anything."),
        _("A year-to-date figure moves every day it is retrieved: two retrievals of the same year differ, and "
          "a rank can change with no change in the province's own work."),
    ]
