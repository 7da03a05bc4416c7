"""The fee-policies report's one module for the notebook: inputs, estimates, figures and
findings, re-exported from :mod:`.inputs`, :mod:`.results` and :mod:`.figures`."""

from analysis.reports.policy.figures import event_study_figure, scm_figure, timeline_figure  # noqa: F401
from analysis.reports.policy.inputs import (  # noqa: F401
    BACKFILL, PARAMETERS, STEM, TEXTS, PanelInput, load_panel, text, timeline, timeline_table)
from analysis.reports.policy.results import Results, estimate, findings, limits, table  # noqa: F401
