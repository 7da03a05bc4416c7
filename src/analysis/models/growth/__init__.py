"""Growth of the online dossier rate: a logit-linear trend in time, with honest limits.

Modules: ``inputs`` (figures placed in time, offsets as text, simulated figures), ``fit``
(which figures, identification, scale, draws), ``result`` (the fitted curve, projections),
``target`` (time to a target, bound checks), ``sensitivity`` (the fan over assumed offsets),
``summary`` (the JSON contract). The names below are the public interface.

The model is ``logit(share) = b0 + b1 * t (+ scope offset)``, with ``t`` in years since
1 January of the year of the province's earliest online-rate figure, fitted as a GLM with
binomial family and logit link (statsmodels):

- **binomial, counts as var_weights** when every fitted figure states its numerator and
  denominator (proportion endog + ``var_weights=n``, never the two-column count endog with
  ``scale="X2"``, which statsmodels divides by n: see METHODS.md);
- **fractional logit** (Papke-Wooldridge: the share as endog, no weights) when any fitted
  figure is a rate without counts; the counts of the others are then not used, and the
  output says so.

Decisions (each is reported in the output's ``assumptions`` or ``warnings``):

- *Bounds.* A figure stated as "more than" / "less than" is excluded from the point fit and
  checked afterwards against the fitted curve of its scope (:meth:`GrowthFit.bound_checks`);
  it is never treated as a point. An ``approximate`` figure is treated as a point, with a
  warning.
- *Time placement.* An ``interval`` figure sits at the midpoint of its period (for a rising
  share the period's pooled share is close to the share at its midpoint). An ``as_of``
  figure, whose start is not stated, sits at its end date by default, with a warning;
  ``as_of_placement="year_to_date"`` assumes the count started on 1 January of that year and
  places it at the midpoint instead.
- *Scopes.* The curve is the curve of one *reference scope* (default: the scope of the latest
  fitted figure). Figures of another scope either get an *estimated* offset (a ``scope[...]``
  column, only when the data identify it: full column rank and at least one residual
  degree of freedom) or an *assumed* offset (a GLM offset: that scope's figures sit
  ``delta`` logits above the reference scope's at the same date). A design the data cannot
  identify raises :class:`~analysis.errors.Refused`, naming what would work instead.
- *Scale.* With residual degrees of freedom the scale is Pearson chi2 / df_resid
  (quasi-binomial; it absorbs extra-binomial variation) and intervals use Student t with
  df_resid. With none (a curve through exactly two figures) there is no scale estimate:
  for count data the scale is fixed at 1 (binomial sampling only) with a warning that this
  ignores extra-binomial variation; a fractional-logit fit with no residual degrees of
  freedom is refused (it has no variance at all).
- *Intervals.* Confidence intervals for the mean share by parametric bootstrap (draws from
  N(params, cov_params), or multivariate t with df_resid when the scale is estimated), with
  the delta method on the logit scale as a cross-check. A prediction interval for a future
  reported figure is given only when the scale is estimated.
"""

from analysis.models.growth.fit import fit_growth
from analysis.models.growth.inputs import (
    AS_OF_PLACEMENTS, DAYS_PER_YEAR, DEFAULT_HORIZON, DEFAULT_N_BOOT, DEFAULT_OFFSET_GRID, LEVEL,
    SCALE_MODES, GrowthData, _date_of, _years, parse_offsets, prepare, prepare_frame, simulate_rows)
from analysis.models.growth.result import GrowthFit, TimeToTarget
from analysis.models.growth.sensitivity import GridCell, grid_scopes, sensitivity_grid
from analysis.models.growth.summary import projection_dates, summarise
from analysis.models.growth.target import already_past

__all__ = [
    "AS_OF_PLACEMENTS", "DAYS_PER_YEAR", "already_past", "DEFAULT_HORIZON", "DEFAULT_N_BOOT", "DEFAULT_OFFSET_GRID", "LEVEL",
    "SCALE_MODES", "GridCell", "GrowthData", "GrowthFit", "TimeToTarget", "fit_growth", "grid_scopes",
    "parse_offsets", "prepare", "prepare_frame", "projection_dates", "sensitivity_grid", "simulate_rows",
    "summarise",
]
