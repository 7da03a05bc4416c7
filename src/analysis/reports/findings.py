"""What a report concluded, in one to three sentences, for the reviewers' page.

Each report notebook ends by saving its findings (``save``) next to its figures; the pack
builder reads ``findings.json`` from each run's output folder into the manifest, and the
reviewers' page (``analysis.pack.html``) opens with them, one block per report, in the
run's language. Sentences are generated from the results by the report modules (never
written by hand), so they cannot go stale.

The file is JSON: ``{"report": STEM, "lang": "vi"|"en", "status": STATUS,
"headline": TEXT, "sentences": [TEXT, ...]}`` with ``status`` one of :data:`STATUSES`.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from analysis import i18n
from analysis.files import atomic_write

FILE_NAME = "findings.json"

#: What kind of answer a report gave; the reviewers' page marks each differently.
STATUSES = ("estimate", "refused", "simulated", "not_comparable", "descriptive")


@dataclass(frozen=True)
class Findings:
    """The conclusion of one report run: ``headline`` (one sentence) and up to two more."""

    report: str
    status: str
    headline: str
    sentences: list[str] = field(default_factory=list)
    lang: str = field(default_factory=i18n.get_language)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {STATUSES}")
        if len(self.sentences) > 2:
            raise ValueError("a finding is a headline and at most two more sentences")


def save(findings: Findings, output_dir: str | Path) -> Path:
    """Write ``findings`` as ``output_dir/findings.json`` (UTF-8, NFC, stable key order);
    return the path. Replaces the file whole (atomic write)."""
    path = Path(output_dir) / FILE_NAME
    obj = {k: (unicodedata.normalize("NFC", v) if isinstance(v, str) else
               [unicodedata.normalize("NFC", s) for s in v] if isinstance(v, list) else v)
           for k, v in asdict(findings).items()}
    text = json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    return path


def read(output_dir: str | Path) -> dict | None:
    """Return the findings saved in ``output_dir`` as a dict, or None when there are none."""
    path = Path(output_dir) / FILE_NAME
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))
