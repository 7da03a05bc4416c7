"""Moving a data label off a curve that adjustText left running through it.

adjustText pushes labels away from the points it is given (the layout passes it the plotted
points and the curves' vertices), but its forces cancel where curves pass on both sides of
a label: on the growth fan two curves crossed the label of the point they meet at. A label
with its background box over a curve hides a stretch of data, so after adjustText
:func:`clear_of_curves` checks each data label with the figure checks' own geometry
(:mod:`analysis.reports.line_crossings`) and, when a data curve still runs through it, moves
it to the free position nearest its point: inside the axes, off every data curve, off the
other labels, texts and the legend, off the plotted markers, and nearer its own point than
any other marker. A label for which no such position exists within :data:`MAX_RADIUS_PT`
stays where adjustText put it (and the figure check reports it). A label moved further than
:data:`LEADER_MIN_PT` from its point gets a thin leader line to it (:func:`leader`), so the
reader still sees which point it names.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from analysis.reports import line_crossings

#: How far from its point (points) a label's box may be placed, on a grid of this step (pixels).
MAX_RADIUS_PT = 50.0
STEP_PX = 3.0
#: A moved label further than this (points) from its point gets a leader line.
LEADER_MIN_PT = 10.0


def _data_curves(ax) -> list:
    return [stroke for stroke in line_crossings.strokes(ax) if not stroke.aid]


def _markers(ax) -> list[Bbox]:
    """Return the display box of each scatter marker of ``ax`` (its size is an area in points²)."""
    scale = ax.figure.dpi / 72.0
    out = []
    for c in ax.collections:
        if isinstance(c, PathCollection) and c.get_visible() and len(c.get_offsets()):
            sizes = c.get_sizes() if len(c.get_sizes()) else [36.0]
            for i, (x, y) in enumerate(c.get_offset_transform().transform(c.get_offsets())):
                r = np.sqrt(sizes[i % len(sizes)]) / 2 * scale
                out.append(Bbox([[x - r, y - r], [x + r, y + r]]))
    return out


def _obstacles(ax, label: Text, renderer) -> list[Bbox]:
    """Return what ``label`` must not cover: the other texts (with their background boxes and
    annotation arrows), the legend and the markers."""
    out = [Bbox.union([line_crossings.footprint(t, renderer), t.get_window_extent(renderer)])
           for t in ax.texts if t is not label and t.get_visible()]
    if ax.get_legend() is not None and ax.get_legend().get_visible():
        out.append(ax.get_legend().get_window_extent(renderer))
    return out + _markers(ax)


def _free(box, curves, obstacles, inside) -> bool:
    """True when ``box`` (display) lies inside ``inside``, off every curve and obstacle."""
    if not (inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1):
        return False
    return not any(box.overlaps(o) for o in obstacles) and not any(line_crossings.crosses(c, box) for c in curves)


def _gap(box: Bbox, x: float, y: float) -> float:
    return float(np.hypot(max(0.0, box.x0 - x, x - box.x1), max(0.0, box.y0 - y, y - box.y1)))


def _nearest_is_own(box: Bbox, point, rivals: list[Bbox]) -> bool:
    """True when no other marker is nearer ``box`` than the label's own ``point``: a reader
    takes a label for the point beside it (on the fan it once sat by the wrong figure)."""
    own = _gap(box, *point)
    return all(_gap(box, m.x0 + m.width / 2, m.y0 + m.height / 2) > own for m in rivals)


def _candidates(box, point, dpi: float) -> np.ndarray:
    """Return display offsets (n x 2) moving ``box`` around ``point``, the placements whose
    box comes nearest to the point first (a label reads as naming the point beside it)."""
    reach = MAX_RADIUS_PT * dpi / 72.0
    across = np.arange(-reach - box.width, reach + box.width + STEP_PX, STEP_PX)
    up = np.arange(-reach - box.height, reach + box.height + STEP_PX, STEP_PX)
    dx, dy = (a.ravel() for a in np.meshgrid(across, up))
    gap_x = np.maximum(0, np.maximum(box.x0 + dx - point[0], point[0] - (box.x1 + dx)))
    gap_y = np.maximum(0, np.maximum(box.y0 + dy - point[1], point[1] - (box.y1 + dy)))
    gap = np.hypot(gap_x, gap_y)
    keep = gap <= reach
    order = np.lexsort((np.hypot(dx, dy)[keep], gap[keep]))
    return np.column_stack([dx[keep], dy[keep]])[order]


def clear_of_curves(ax, labels: list[Text], renderer, tolerance_px: float = 1.0) -> int:
    """Move each label of ``labels`` (data labels on ``ax``) that a data curve runs through
    to the free position nearest the point it names; return how many were moved."""
    curves = _data_curves(ax)
    if not curves:
        return 0
    dpi = ax.figure.dpi
    inside = ax.get_window_extent(renderer)
    moved = 0
    for label in labels:
        box = line_crossings.footprint(label, renderer).padded(-tolerance_px)
        if not any(line_crossings.crosses(line, box) for line in curves):
            continue
        obstacles = _obstacles(ax, label, renderer)
        x0, y0, _offset = label._p06_anchor  # noqa: SLF001  (the point the label names, set by data_label)
        point = ax.transData.transform((x0, y0))
        rivals = [m for m in _markers(ax) if not m.contains(*point)]
        for dx, dy in _candidates(box, point, dpi):
            moved_box = box.translated(dx, dy)
            if _free(moved_box, curves, obstacles, inside) and _nearest_is_own(moved_box, point, rivals):
                x, y = ax.transData.transform(label.get_position())
                label.set_position(tuple(ax.transData.inverted().transform((x + dx, y + dy))))
                if _gap(moved_box, *point) > LEADER_MIN_PT * dpi / 72.0:
                    leader(ax, point, moved_box)
                moved += 1
                break
    return moved


def leader(ax, point, box: Bbox):
    """Draw a thin grey leader from ``point`` (display pixels) to the nearest edge of the
    label ``box`` (display pixels), stopping short of both; return the annotation. It is an
    arrow patch with no text, so the figure checks do not count it as a line through text."""
    edge = (float(np.clip(point[0], box.x0, box.x1)), float(np.clip(point[1], box.y0, box.y1)))
    to_data = ax.transData.inverted().transform
    return ax.annotate("", xy=tuple(to_data(point)), xytext=tuple(to_data(edge)), zorder=2,
                       arrowprops=dict(arrowstyle="-", color="#777777", lw=0.7, shrinkA=2, shrinkB=5))
