"""What a report concluded, in one to three sentences, for the reviewers' page.

Each report notebook ends by saving its findings (``save``) next to its figures; the pack
builder reads ``findings.json`` from each run's output folder into the manifest, and the
reviewers' page (``analysis.pack.index_page``) opens with them, one block per report, in the
run's language. Sentences are generated from the results by the report modules (never
written by hand), so they cannot go stale.

The file is JSON: ``{"report": STEM, "lang": "vi"|"en", "status": STATUS,
"headline": TEXT, "sentences": [TEXT, ...]}`` with ``status`` one of :data:`STATUSES`.
:func:`read` checks a file against this contract, so a page never shows half a finding.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from analysis import i18n
from analysis.files import atomic_write
from analysis.i18n import N_

FILE_NAME = "findings.json"

#: What kind of answer a report gave; the reviewers' page marks each differently.
STATUSES = ("estimate", "refused", "simulated", "not_comparable", "descriptive", "no_policy")

#: The label the reviewers' page puts on each kind of answer (translated when shown).
#: SIMULATED and NOT COMPARABLE are the stamps the figures carry, in the same words.
STATUS_LABELS = {
    "estimate": N_("Estimate"),
    "refused": N_("Refused"),
    "simulated": N_("SIMULATED"),
    "not_comparable": N_("NOT COMPARABLE"),
    "descriptive": N_("Descriptive"),
    # A report about a policy run for a province that has none to study (a short report).
    "no_policy": N_("No policy"),
}

#: Reader-facing names of the report notebooks, by file stem (translated when shown).
#: A notebook missing here is shown under its file stem.
REPORT_TITLES = {
    "01_data_overview": N_("Data overview: what the sources report"),
    "02_online_rate_growth": N_("Growth of the online dossier rate"),
    "03_fee_discount": N_("Fee discount for online dossiers"),
    "04_province_comparison": N_("Comparing provinces"),
    "05_province_scorecard": N_("Province scorecard on the Decision 766 index"),
    "06_index_history": N_("The Decision 766 index month by month"),
    "07_fee_policies_across_provinces": N_("Online-fee policies across provinces"),
    "08_national_overview": N_("The nation on the Decision 766 index"),
}

#: Largest number of sentences after the headline.
MAX_SENTENCES = 2


class FindingsError(ValueError):
    """Raised when a findings file or object breaks the contract; the message says how."""


@dataclass(frozen=True)
class Findings:
    """The conclusion of one report run: ``headline`` (one sentence) and up to two more.

    Raises ValueError (a :class:`FindingsError`) for an unknown status, an empty headline,
    a language not in ``i18n.LANGS`` or more than two further sentences."""

    report: str
    status: str
    headline: str
    sentences: list[str] = field(default_factory=list)
    lang: str = field(default_factory=i18n.get_language)

    def __post_init__(self):
        problem = _problem(asdict(self))
        if problem:
            raise FindingsError(problem)


def _problem(obj) -> str | None:
    """Return what is wrong with ``obj`` as a findings record, or None if nothing is."""
    if not isinstance(obj, dict):
        return "not a JSON object"
    for key in ("report", "status", "headline", "lang"):
        if not isinstance(obj.get(key), str) or not obj[key].strip():
            return f"'{key}' is missing or not a non-empty string"
    if obj["status"] not in STATUSES:
        return f"status {obj['status']!r} is not one of {STATUSES}"
    if obj["lang"] not in i18n.LANGS:
        return f"lang {obj['lang']!r} is not one of {i18n.LANGS}"
    sentences = obj.get("sentences", [])
    if not isinstance(sentences, list) or not all(isinstance(s, str) and s.strip() for s in sentences):
        return "'sentences' is not a list of non-empty strings"
    if len(sentences) > MAX_SENTENCES:
        return "a finding is a headline and at most two more sentences"
    return None


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


def save(findings: Findings, output_dir: str | Path) -> Path:
    """Write ``findings`` as ``output_dir/findings.json`` (UTF-8, NFC, stable key order);
    return the path. Replaces the file whole (atomic write)."""
    path = Path(output_dir) / FILE_NAME
    obj = {k: _nfc(v) for k, v in asdict(findings).items()}
    text = json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    return path


def read(output_dir: str | Path) -> dict | None:
    """Return the findings saved in ``output_dir`` as a dict (keys as in the module
    docstring, ``sentences`` always present), or None when there is no findings file.

    Raises FindingsError (naming the file) when the file is not valid JSON or breaks the
    contract."""
    path = Path(output_dir) / FILE_NAME
    if not path.is_file():
        return None
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise FindingsError(f"{path.name}: unreadable: {exc}") from None
    problem = _problem(obj)
    if problem:
        raise FindingsError(f"{path.name}: {problem}")
    return {"report": obj["report"], "lang": obj["lang"], "status": obj["status"],
            "headline": _nfc(obj["headline"]), "sentences": _nfc(obj.get("sentences", []))}


def status_label(status: str, lang: str | None = None) -> str:
    """Return the reader's label for a findings ``status`` in ``lang`` (default: current)."""
    return i18n.gettext(STATUS_LABELS[status], lang) if status in STATUS_LABELS else status


def report_title(stem: str, lang: str | None = None) -> str:
    """Return the reader-facing title of the report notebook ``stem`` in ``lang``; the
    stem itself for a notebook without a registered title."""
    return i18n.gettext(REPORT_TITLES[stem], lang) if stem in REPORT_TITLES else stem
