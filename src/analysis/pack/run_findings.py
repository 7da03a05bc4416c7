"""Carrying each run's findings from its output folder into the pack's manifest.

A report notebook saves ``findings.json`` in its output folder (``reports/findings.py``).
The builder calls :func:`take` on that folder before gathering the run's figures (so the
file is not mistaken for a figure, nor collides with other runs' findings), and puts the
returned fields in the run's manifest record; a run reused from the previous pack keeps
its fields through :func:`carried`. The reviewers' pages read them from the manifest.
"""

from __future__ import annotations

from pathlib import Path

from analysis.reports import findings as report_findings


def take(run_dir: Path) -> dict:
    """Return the manifest fields for the findings a run saved in ``run_dir``:
    ``{"findings": dict or None}``, plus ``"findings_error"`` (the reason) when the file
    breaks the contract. Removes the file. Never raises for a bad or missing file: the
    page shows a run without readable findings as such."""
    try:
        fields = {"findings": report_findings.read(run_dir)}
    except report_findings.FindingsError as exc:
        fields = {"findings": None, "findings_error": str(exc)}
    (Path(run_dir) / report_findings.FILE_NAME).unlink(missing_ok=True)
    return fields


def carried(record: dict) -> dict:
    """Return the findings fields of ``record``, a run reused from the previous manifest."""
    fields = {"findings": record.get("findings")}
    if record.get("findings_error"):
        fields["findings_error"] = record["findings_error"]
    return fields
