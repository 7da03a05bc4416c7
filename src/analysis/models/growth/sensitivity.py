"""The sensitivity fan: the growth curve refitted under a grid of assumed scope offsets,
for data that cannot identify the offsets themselves."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from analysis.errors import Refused
from analysis.models.growth.fit import _scope_table, fit_growth
from analysis.models.growth.inputs import _POINT_BOUNDS, DEFAULT_OFFSET_GRID, GrowthData
from analysis.models.growth.result import GrowthFit


@dataclass
class GridCell:
    """One assumption of a sensitivity grid: ``offsets`` assumed, its ``label``, and either a
    ``fit`` or the ``refusal`` message."""

    offsets: dict[str, float]
    label: str
    fit: GrowthFit | None
    refusal: str | None = None


def grid_scopes(data: GrowthData, reference_scope: str | None = None) -> tuple[str, list[str]]:
    """Return (reference scope, scopes with exact figures other than the reference)."""
    pts = data.frame[data.frame["bound"].isin(_POINT_BOUNDS)]
    if pts.empty:
        raise Refused(f"{data.province}: no exact online-rate figure to fit ({_scope_table(data.frame)}).")
    ref = reference_scope or str(pts.sort_values("t")["scope"].iloc[-1])
    return ref, [s for s in dict.fromkeys(pts["scope"]) if s != ref]


def sensitivity_grid(data: GrowthData, grid=DEFAULT_OFFSET_GRID, *, reference_scope: str | None = None,
                     fixed_offsets: dict[str, float] | None = None, **fit_kwargs) -> list[GridCell]:
    """Return one :class:`GridCell` per combination of assumed offsets.

    ``grid`` is a list of logits applied to every scope with exact figures other than the
    reference (the cross product when there are several), or a dict scope -> list.
    ``fixed_offsets`` (e.g. for scopes with bounds only) are added to every cell. A cell the
    data cannot fit carries its refusal message instead of a fit. Raises Refused when there is
    no exact figure at all.
    """
    ref, others = grid_scopes(data, reference_scope)
    if isinstance(grid, dict):
        spec = {s: [float(v) for v in vals] for s, vals in grid.items()}
    else:
        spec = {s: [float(v) for v in grid] for s in others}
    fixed = {k: v for k, v in (fixed_offsets or {}).items() if k not in spec}
    cells = []
    combos = itertools.product(*spec.values()) if spec else [()]
    for combo in combos:
        offs = {**fixed, **dict(zip(spec, combo))}
        label = (f"vs {ref}: " + ", ".join(f"{s} {d:+g} logit" for s, d in offs.items())) if offs else f"{ref} only"
        try:
            fit = fit_growth(data, offsets=offs, reference_scope=ref, **fit_kwargs)
            cells.append(GridCell(offs, label, fit))
        except Refused as exc:
            cells.append(GridCell(offs, label, None, str(exc)))
    return cells


# ----------------------------------------------------------------------------- reporting
