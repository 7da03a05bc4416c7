"""Moving a data label off a curve that adjustText left running through it.

adjustText pushes labels away from the points it is given (the layout passes it the plotted
points and the curves' vertices), but its forces cancel where curves pass on both sides of
a label: on the growth fan two curves crossed the label of the point they meet at. A label
with its background box over a curve hides a stretch of data, so after adjustText
:func:`clear_of_curves` checks each data label with the figure checks' own geometry
(:mod:`analysis.reports.line_crossings`) and, when a data curve still runs through it, moves
it to the free position nearest its point: inside the axes, off every data curve,
off the other labels, texts and the legend, and off the plotted markers. A label for which no such
position exists within :data:`MAX_RADIUS_PT` stays where adjustText put it (and the
figure check reports it).
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.text import Text

from analysis.reports import line_crossings

#: How far from its point (points) a label's box may be placed, on a grid of this step (pixels).
MAX_RADIUS_PT = 40.0
STEP_PX = 3.0
#: A label keeps this far (display pixels) from a marker's centre: about a marker's radius.
MARKER_PX = 5.0


def _data_curves(ax) -> list:
    return [stroke for stroke in line_crossings.strokes(ax) if not stroke.aid]


def _markers(ax) -> np.ndarray:
    """Return the display positions of the scatter markers of ``ax`` (n x 2)."""
    pts = [c.get_offset_transform().transform(c.get_offsets()) for c in ax.collections
           if isinstance(c, PathCollection) and c.get_visible() and len(c.get_offsets())]
    return np.vstack(pts) if pts else np.empty((0, 2))


def _free(box, curves, others, markers, inside) -> bool:
    """True when ``box`` (display) lies inside ``inside``, off every curve, other box and marker."""
    if not (inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1):
        return False
    if any(line_crossings.crosses(line, box) for line in curves):
        return False
    if any(box.overlaps(other) for other in others):
        return False
    near = box.padded(MARKER_PX)
    return not ((markers[:, 0] > near.x0) & (markers[:, 0] < near.x1)
                & (markers[:, 1] > near.y0) & (markers[:, 1] < near.y1)).any()


def _candidates(box, point, dpi: float) -> np.ndarray:
    """Return display offsets (n x 2) moving ``box`` around ``point``, the placements whose
    box comes nearest to the point first (a label reads as naming the point beside it)."""
    reach = MAX_RADIUS_PT * dpi / 72.0
    steps = np.arange(-reach - box.width, reach + box.width + STEP_PX, STEP_PX)
    dx, dy = (a.ravel() for a in np.meshgrid(steps, np.arange(-reach - box.height, reach + box.height + STEP_PX, STEP_PX)))
    gap_x = np.maximum(0, np.maximum(box.x0 + dx - point[0], point[0] - (box.x1 + dx)))
    gap_y = np.maximum(0, np.maximum(box.y0 + dy - point[1], point[1] - (box.y1 + dy)))
    gap = np.hypot(gap_x, gap_y)
    keep = gap <= reach
    order = np.lexsort((np.hypot(dx, dy)[keep], gap[keep]))
    return np.column_stack([dx[keep], dy[keep]])[order]


def clear_of_curves(ax, labels: list[Text], renderer, tolerance_px: float = 1.0) -> int:
    """Move each label of ``labels`` (data labels on ``ax``) that a data curve runs through
    to the nearest free position around where it stands; return how many were moved."""
    curves = _data_curves(ax)
    if not curves:
        return 0
    dpi = ax.figure.dpi
    markers = _markers(ax)
    inside = ax.get_window_extent(renderer)
    moved = 0
    for label in labels:
        box = Text.get_window_extent(label, renderer).padded(-tolerance_px)
        if not any(line_crossings.crosses(line, box) for line in curves):
            continue
        others = [Text.get_window_extent(t, renderer) for t in ax.texts if t is not label and t.get_visible()]
        if ax.get_legend() is not None and ax.get_legend().get_visible():
            others.append(ax.get_legend().get_window_extent(renderer))
        x0, y0, _offset = label._p06_anchor  # noqa: SLF001  (the point the label names, set by data_label)
        for dx, dy in _candidates(box, ax.transData.transform((x0, y0)), dpi):
            if _free(box.translated(dx, dy), curves, others, markers, inside):
                x, y = ax.transData.transform(label.get_position())
                label.set_position(tuple(ax.transData.inverted().transform((x + dx, y + dy))))
                moved += 1
                break
    return moved
