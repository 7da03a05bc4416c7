"""The growth report (notebooks/02_online_rate_growth.ipynb): parameters, the analysis and saving.

The text lives in :mod:`analysis.reports.growth_text` and the figures in
:mod:`analysis.reports.growth_figures`; both are re-exported here, so a notebook calls
``growth_report.fit_figure(...)`` on this one module.

:func:`build` runs everything the notebook shows and never raises for a request the data
cannot support: a refusal is kept as a message, and every figure and text function then
says what was refused and why (a province without online-rate figures gets figures that
say so instead of a crash). Bad parameters still raise ParameterError.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis.models import growth
from analysis.reports import plotting
from analysis.data import Dataset
from analysis.errors import Refused
from analysis.reports.params import COMMON, Param
from analysis.data.schema import SCOPES
from analysis.reports.growth_text import (  # noqa: F401  (re-exported for the notebook)
    chronology_markdown, grid_summary, grid_table, limits_markdown, model_markdown)
from analysis.reports.growth_figures import (  # noqa: F401  (re-exported for the notebook)
    fan_figure, fit_figure, time_to_target_figure)

PARAMETERS = {
    "province": Param("province", "Province to model (any spelling in data/admin_units.csv)."),
    "target_pct": Param("float", "Target online share in percent (80: Decision 942/QĐ-TTg).", min=1.0, max=99.0),
    "scope": Param("str", "Fit only this scope's figures; None uses every scope.", nullable=True,
                   choices=tuple(SCOPES)),
    "offsets": Param("strs", "Assumed scope offsets for the main fit, as 'SCOPE:LOGIT' or 'SCOPE=LOGIT' (logits above the "
                             "reference scope at the same date); [] for none."),
    "reference_scope": Param("str", "Scope whose curve is reported; None: scope of the latest exact figure.",
                             nullable=True, choices=tuple(SCOPES)),
    "offset_grid": Param("floats", "Assumed offsets (logits) of the sensitivity fan, applied to each "
                                   "non-reference scope with exact figures.", min=-5.0, max=5.0),
    "as_of_placement": Param("str", "Where an 'as of' figure without a start date is placed.",
                             choices=tuple(growth.AS_OF_PLACEMENTS)),
    "horizon": Param("date", "Last date of the projection (YYYY-MM-DD)."),
    "n_boot": Param("int", "Parametric bootstrap draws.", min=200, max=100000),
    "seed": Param("int", "Random seed of the bootstrap.", min=0),
    **COMMON,
}

STEM = "02_online_rate_growth"


@dataclass
class GrowthAnalysis:
    """Everything the growth report shows for one province and parameter set.

    ``data`` is None when the province has no online-rate figure (``no_data`` says so);
    ``main`` is the fit asked for by ``scope``/``offsets`` or None with ``main_refusal``;
    ``grid`` holds the sensitivity fan over assumed offsets (empty with ``grid_note`` when
    there is nothing to vary).
    """

    province: str
    p: object
    data: growth.GrowthData | None = None
    no_data: str | None = None
    main: growth.GrowthFit | None = None
    main_refusal: str | None = None
    grid: list[growth.GridCell] = field(default_factory=list)
    grid_note: str | None = None
    sources: list[str] = field(default_factory=list)

    @property
    def fits(self) -> list[tuple[str, growth.GrowthFit | None, str | None]]:
        """Return (label, fit or None, refusal) for the main fit and every grid cell."""
        out = []
        if self.data is not None:
            out.append(("main fit: " + (self.main.label if self.main else "refused"), self.main, self.main_refusal))
        out += [(c.label, c.fit, c.refusal) for c in self.grid]
        return out


def build(ds: Dataset, p) -> GrowthAnalysis:
    """Return the :class:`GrowthAnalysis` for the checked parameters ``p`` (from params.check).

    Raises ParameterError for malformed offsets; never raises Refused (refusals are kept).
    """
    offsets = growth.parse_offsets(p.offsets)
    ga = GrowthAnalysis(ds.canonical_province(p.province), p)
    try:
        ga.data = growth.prepare(ds, ga.province, as_of_placement=p.as_of_placement)
    except Refused as exc:
        ga.no_data = str(exc)
        ga.sources = list(ds.observations.loc[ds.observations["province"] == ga.province, "source_id"])
        return ga
    ga.sources = list(ga.data.frame["source_id"])
    kw = dict(n_boot=p.n_boot, seed=p.seed)
    try:
        ga.main = growth.fit_growth(ga.data, scope=p.scope, offsets=offsets, reference_scope=p.reference_scope, **kw)
    except Refused as exc:
        ga.main_refusal = str(exc)
    if p.scope is not None:
        ga.grid_note = f"The main fit uses one scope ({p.scope}), so there are no scope offsets to vary."
        return ga
    try:
        ref, others = growth.grid_scopes(ga.data, p.reference_scope)
    except Refused as exc:
        ga.grid_note = str(exc)
        return ga
    if not others:
        ga.grid_note = f"Every exact figure is on one scope ({ref}): there are no scope offsets to vary."
        return ga
    fixed = {k: v for k, v in offsets.items() if k not in others}
    ga.grid = growth.sensitivity_grid(ga.data, list(p.offset_grid), reference_scope=ref, fixed_offsets=fixed, **kw)
    return ga



def figure_params(ga: GrowthAnalysis) -> dict:
    """Return the parameters that name this run's figures (province, target, scope, offsets, placement)."""
    p = ga.p
    out = {"province": ga.province, "target": f"{p.target_pct:g}", "asof": p.as_of_placement}
    if p.scope:
        out["scope"] = p.scope
    if p.offsets:
        out["offsets"] = "_".join(p.offsets)
    return out


def save_all(ga: GrowthAnalysis, ds: Dataset) -> pd.DataFrame:
    """Draw and save the three figures of the report to ``p.output_dir``; return the list of
    files written (one row per figure)."""
    out = []
    for stem, fn in (("growth_fit", fit_figure), ("growth_fan", fan_figure),
                     ("growth_time_to_target", time_to_target_figure)):
        fig, plotted, caption, alt = fn(ga, ds)
        paths = plotting.save(fig, plotting.figure_name(stem, figure_params(ga)), ga.p.output_dir,
                              caption=caption, alt_text=alt, data=plotted if len(plotted) else None)
        out.append({"figure": stem, "png": str(paths["png"])})
    return pd.DataFrame(out)
