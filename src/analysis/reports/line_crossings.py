"""Which text inside a figure's axes a drawn line runs through.

:func:`crossings` returns each in-axes text (data labels, annotations, notes written with
``ax.text`` in data or axes coordinates) whose box a drawn line crosses: a ``Line2D`` with a
visible line style (curves of a fan, reference lines from ``axhline``/``axvline``, a period
bar drawn as a thick line), a segment of a line collection (the interval bars of
``errorbar``, ``hlines``) or a gridline matplotlib draws. Titles, tick labels, axis labels
and legend text are not in-axes text; the diagonal SIMULATED stamp is figure text and is
meant to lie across everything. Markers, filled bands, arrows and spines are not lines here.

Geometry is matplotlib's own, in display pixels on the renderer savefig uses: the text's
glyph box (``Text.get_window_extent``; for a data line, together with the text's background
box, which hides a curve passing just beside the letters) shrunk by the checks' tolerance,
widened by half the line's width, cut to the line's clip box (a curve clipped away at the
axes edge is not drawn), tested with ``Path.intersects_bbox`` against the line's
path transformed to display pixels (steps included, as drawn; a NaN breaks the line).

A crossing is accepted only when both hold:

* the line is a *reading aid*: a gridline, or a reference line across the whole axes
  (``axhline``/``axvline``, one coordinate in axes fractions). Hiding a stretch of it
  loses nothing, since its course is plain from the rest of the axes;
* the text has a background box at least :data:`OPAQUE_ALPHA` opaque that matplotlib draws
  *after* the line (draw order computed as ``draw`` does it: axes, then artists by zorder,
  ties by insertion order; a gridline is drawn with its axis). The box hides the line
  behind the letters.

A line is not drawn where an opaque patch drawn after it (a bar) covers the whole text
box, so a bar's value written on the bar is not crossed by the gridline the bar hides.

A data line (a curve, a period bar, a tick drawn with ``plot``) through a text is a defect
even under an opaque box: the box cuts the curve, so a stretch of data disappears and the
label seems to sit on a curve it does not name (the growth fan's curves vanished under the
"33.7% (67,088/198,845)" label). Such a label must be placed off the line.

The layout applies the same rule when it places text (:func:`analysis.reports.figure_layout.lay_out`):
an unboxed text a gridline or reference line runs through gets the data labels' light box,
and a data label a curve runs through is moved off it (:mod:`analysis.reports.label_clearance`).

A gridline is drawn below text (seaborn's ``axes.axisbelow``), but "below" does not save
unboxed text: a 1 px grey line running through the digits shows between the glyphs and,
at the baseline, merges with a comma's tail, so ``9,17`` reads ``9.17``. Only a box hides it.
The line's width is approximated by padding the box by half of it on every side (a butt
cap is treated as a projecting one: at most half a line width too strict).
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import SubFigure
from matplotlib.lines import Line2D
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Bbox

#: A background box at least this opaque, drawn above a line, hides it (a data label's
#: box is white at 0.85: a line behind it shows at 15% of its colour, not as a stroke).
OPAQUE_ALPHA = 0.8


@dataclass(frozen=True)
class Crossing:
    """A text artist, a description of the line that runs through it, and whether that
    line is a reading aid (gridline, reference line) that a background box may hide."""

    text: Text
    line: str
    reading_aid: bool


def draw_order(fig) -> dict[int, tuple]:
    """Return a sort key per artist id of ``fig``: a larger key is drawn later (on top).

    Follows ``Figure.draw`` and ``Axes.draw``: children sorted by zorder (a stable sort, so
    ties keep insertion order), axes and subfigures recursed into."""
    out: dict[int, tuple] = {}

    def walk(container, prefix: tuple) -> None:
        for j, art in enumerate(sorted(container.get_children(), key=attrgetter("zorder"))):
            out[id(art)] = prefix + (j,)
            if isinstance(art, (Axes, SubFigure)):
                walk(art, prefix + (j,))

    walk(fig, ())
    return out


def _every_axes(fig) -> list:
    """Return the visible axes of ``fig``, inset axes included."""
    out, todo = [], list(fig.axes)
    while todo:
        ax = todo.pop()
        if ax.get_visible():
            out.append(ax)
            todo.extend(ax.child_axes)
    return out


@dataclass(frozen=True, eq=False)
class Stroke:
    """One drawn line in display pixels: its unbroken runs of vertices, half its width, the
    box it is clipped to, the artist it is drawn with (for the draw order), what to call it,
    and whether it is a reading aid (gridline, reference line)."""

    pieces: tuple
    half_px: float
    clip: Bbox | None
    drawn_by: object
    what: str
    aid: bool


def strokes(ax) -> list[Stroke]:
    """Return each line ``ax`` draws with a visible stroke: its Line2D artists (a reference
    line across the axes is a reading aid), the segments of its line collections (the
    interval bars of ``errorbar``, ``hlines``), and the gridlines of the ticks it draws."""
    dpi = ax.figure.dpi
    aids = (ax.get_xaxis_transform(), ax.get_yaxis_transform())
    out = [_line_stroke(ln, ln, _line_name(ln), ln.get_transform() in aids, dpi)
           for ln in ax.get_lines() if _stroked(ln)]
    for coll in ax.collections:
        if isinstance(coll, LineCollection) and coll.get_visible():
            out += _collection_strokes(coll, dpi)
    if ax.axison:
        for name, axis in (("an x", ax.xaxis), ("a y", ax.yaxis)):
            if axis.get_visible():
                out += [_line_stroke(tick.gridline, axis, f"{name} gridline", True, dpi)
                        for tick in axis._update_ticks()  # noqa: SLF001  (the ticks matplotlib draws)
                        if _stroked(tick.gridline)]
    return [s for s in out if s.pieces]


def _line_stroke(line: Line2D, drawn_by, what: str, aid: bool, dpi: float) -> Stroke:
    xy = line.get_transform().transform(line.get_path().vertices)
    return Stroke(tuple(_drawn_pieces(xy)), line.get_linewidth() * dpi / 72.0 / 2, _clip_of(line), drawn_by,
                  what, aid)


def _collection_strokes(coll: LineCollection, dpi: float) -> list[Stroke]:
    """Return one stroke per segment of ``coll`` drawn with a visible width and colour."""
    widths, colours = coll.get_linewidths(), coll.get_edgecolors()
    if not len(widths) or not len(colours):
        return []
    out = []
    for i, path in enumerate(coll.get_paths()):
        width, colour = widths[i % len(widths)], colours[i % len(colours)]
        if width > 0 and colour[3] > 0:
            xy = coll.get_transform().transform(path.vertices)
            out.append(Stroke(tuple(_drawn_pieces(xy)), width * dpi / 72.0 / 2, _clip_of(coll), coll,
                              _line_name(coll), False))
    return out


def _clip_of(artist) -> Bbox | None:
    return artist.get_clip_box() if artist.get_clip_on() else None


def _stroked(line: Line2D) -> bool:
    return (line.get_visible() and line.get_linestyle() not in ("None", "none", "", " ")
            and line.get_linewidth() > 0 and len(line.get_xydata()) > 1
            and mcolors.to_rgba(line.get_color(), line.get_alpha())[3] > 0)


def _line_name(artist) -> str:
    label = artist.get_label()
    return f"the line {label!r}" if label and not label.startswith("_") else "a drawn line"


def _in_axes_texts(ax) -> list[Text]:
    return [t for t in ax.texts if t.get_visible() and t.get_text().strip()]


def _hidden_by_box(text: Text, line_drawn_by, order: dict) -> bool:
    """True when ``text`` has an opaque-enough background box drawn after the line."""
    patch = text.get_bbox_patch()
    return (patch is not None and patch.get_visible() and patch.get_facecolor()[3] >= OPAQUE_ALPHA
            and order.get(id(text), ()) > order.get(id(line_drawn_by), ()))


def _opaque_patches(every, renderer, order) -> list[tuple[tuple, Bbox]]:
    """Return ``(draw key, display box)`` of each opaque patch of the axes ``every`` (a bar)."""
    return [(order.get(id(p), ()), p.get_window_extent(renderer)) for ax in every for p in ax.patches
            if p.get_visible() and p.get_fill() and p.get_facecolor()[3] >= OPAQUE_ALPHA]


def _under_a_patch(box: Bbox, line_key: tuple, covers) -> bool:
    """True when an opaque patch drawn after the line covers the whole of ``box``: the line
    does not show there (a gridline behind a bar and the bar's value written on it)."""
    return any(key > line_key and cover.x0 <= box.x0 and box.x1 <= cover.x1 and cover.y0 <= box.y0
               and box.y1 <= cover.y1 for key, cover in covers)


def footprint(text: Text, renderer) -> Bbox:
    """Return what ``text`` covers in display pixels: its background box when it has a
    visible one (which hides a curve passing just beside the letters), else its glyph box."""
    patch = text.get_bbox_patch()
    glyphs = Text.get_window_extent(text, renderer)
    if patch is None or not patch.get_visible():
        return glyphs
    text.update_bbox_position_size(renderer)  # the box follows a text moved since the last draw
    return Bbox.union([glyphs, patch.get_window_extent(renderer)])


def crosses(stroke: Stroke, box: Bbox) -> bool:
    """True when ``stroke``, as drawn, runs through ``box`` (display pixels)."""
    box = box.padded(stroke.half_px)
    if stroke.clip is not None:
        box = Bbox.intersection(box, stroke.clip)
        if box is None or box.width <= 0 or box.height <= 0:
            return False
    return any(Path(piece).intersects_bbox(box, filled=False) for piece in stroke.pieces)


def _drawn_pieces(xy: np.ndarray) -> list[np.ndarray]:
    """Return the runs of ``xy`` (n x 2) between non-finite points, each of two points or more:
    matplotlib draws no line across a NaN (``Path.intersects_bbox`` would join the runs)."""
    runs = np.split(xy, np.flatnonzero(~np.isfinite(xy).all(axis=1)))
    runs = [run[np.isfinite(run).all(axis=1)] for run in runs]  # each run but the first starts at its NaN
    return [run for run in runs if len(run) > 1]


def crossings(fig, renderer, tolerance_px: float = 1.0, *, draw: bool = True) -> list[Crossing]:
    """Return every in-axes text of ``fig`` that a drawn line runs through and that no
    opaque background box of its own protects (the rule: see the module docstring), one per
    text and kind of line. Text boxes are shrunk by ``tolerance_px`` on each side first, so a
    line grazing a box's edge does not count. Unless ``draw`` is false (the layout, which
    has placed everything itself), the figure is drawn with ``renderer`` first (pass the Agg
    renderer savefig uses), so positions are those savefig writes."""
    if draw:
        fig.draw(renderer)
    order = draw_order(fig)
    every = _every_axes(fig)
    lines = [stroke for ax in every for stroke in strokes(ax)]
    covers = _opaque_patches(every, renderer, order)
    out = []
    for ax in every:
        for text in _in_axes_texts(ax):
            glyphs = Text.get_window_extent(text, renderer).padded(-tolerance_px)
            if glyphs.width <= 0 or glyphs.height <= 0:
                continue
            covered = footprint(text, renderer).padded(-tolerance_px)
            for line in lines:
                box = glyphs if line.aid else covered
                if (crosses(line, box) and not (line.aid and _hidden_by_box(text, line.drawn_by, order))
                        and not _under_a_patch(box, order.get(id(line.drawn_by), ()), covers)):
                    out.append(Crossing(text, line.what, line.aid))
    return list(dict.fromkeys(out))  # one per text and kind of line (ten gridlines: once)
