"""Laying out a figure's text so that no two pieces of text can collide.

A figure is three stacked boxes, as in Our World in Data's grapher: a header (title,
subtitle), the chart, and a footer (caption: sources, caveats). Each box's height comes
from its text wrapped to the figure's width, measured at draw time with
``Text.get_window_extent()``; the figure grows by what the header and footer need, so the
chart keeps its size however long a Vietnamese title or a caption runs. Inside the chart
box matplotlib's constrained layout engine places the axes with their tick labels, axis
labels, panel titles and legends. Data labels registered with :func:`data_label` are then
moved apart with ``adjustText`` and kept inside their axes.

:func:`lay_out` is called by :func:`analysis.reports.plotting.finish`; reports do not call
it themselves. The result is frozen (no layout engine afterwards), so what the figure
checks measure is what is saved.
"""

from __future__ import annotations

import textwrap

from adjustText import adjust_text

from analysis.reports import label_clearance, line_crossings

#: Space around and between the boxes, in inches.
PAD = 0.12
GAP = 0.10
#: Font sizes (points) of the header and footer.
TITLE_SIZE = 13
SUBTITLE_SIZE = 10
#: Legible at ~1,100 px width (the figure is 1,350 px wide at 150 dpi): about 12 px high.
CAPTION_SIZE = 8.5
#: The chart box never shrinks below this share of the figure's original height.
MIN_CHART_SHARE = 0.78
#: The light background of data labels and of any in-axes text a gridline or reference line
#: runs through (a gridline behind ``9,17`` would read as a decimal point).
LABEL_BOX = dict(boxstyle="round,pad=0.05", fc="white", ec="none", alpha=0.85)
#: Labels are drawn above lines (2) and gridlines, under markers and, at equal zorder, under
#: the axes' frame (spines are drawn after the axes' other artists): a box never hides the
#: point it names or cuts the frame.
LABEL_ZORDER = 2.5
#: Where :func:`data_label` keeps each axes' labels until :func:`lay_out` moves them.
_LABELS = "_p06_data_labels"


def renderer_of(fig):
    """Return a renderer to measure text with (the Agg canvas's own, as savefig uses)."""
    canvas = fig.canvas
    if not hasattr(canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        canvas = FigureCanvasAgg(fig)
    return canvas.get_renderer()


def wrap_to_width(fig, text: str, width_px: float, renderer, **props) -> str:
    """Return ``text`` wrapped so that every line, drawn with ``props`` (fontsize,
    fontweight), is at most ``width_px`` wide, measured with ``renderer``. Existing line
    breaks are kept."""
    probe = fig.text(0, 0, "", **props)
    try:
        def width(s: str) -> float:
            probe.set_text(s)
            return probe.get_window_extent(renderer).width

        out = []
        for para in text.split("\n"):
            if not para.strip() or width(para) <= width_px:
                out.append(para)
                continue
            chars = max(10, int(len(para) * width_px / width(para)))
            lines = textwrap.wrap(para, chars)
            while chars > 10 and any(width(line) > width_px for line in lines):
                chars -= 2
                lines = textwrap.wrap(para, chars)
            out.extend(_balanced(para, lines, width, width_px))
        return "\n".join(out)
    finally:
        probe.remove()


def _balanced(para: str, lines: list[str], width, width_px: float) -> list[str]:
    """Return ``para`` on as many lines as ``lines`` but of even length (no last line holding
    one word), when such lines fit ``width_px``; else ``lines``."""
    n = len(lines)
    for chars in range(-(-len(para) // n), len(para) + 1):
        even = textwrap.wrap(para, chars)
        if len(even) <= n:
            return even if all(width(line) <= width_px for line in even) else lines
    return lines


def data_label(ax, text: str, xy, **kwargs):
    """Write ``text`` next to the point ``xy`` (data coordinates, dates allowed) on ``ax`` as a
    data label and return the Text.

    The label gets a light background (a gridline behind ``9,17`` no longer reads as a
    decimal point) and is moved by :func:`lay_out` off the other labels, the plotted points
    and curves, and kept inside the axes. ``xytext`` (an offset in points, as for
    ``annotate``; default 6 points right) is where adjustText starts from."""
    offset = kwargs.pop("xytext", (6, 0))
    for key in ("textcoords", "arrowprops"):
        kwargs.pop(key, None)
    kwargs.setdefault("fontsize", 8)
    kwargs.setdefault("va", "center")
    kwargs.setdefault("ha", "left" if offset[0] > 0 else ("right" if offset[0] < 0 else "center"))
    kwargs.setdefault("zorder", LABEL_ZORDER)
    kwargs.setdefault("bbox", dict(LABEL_BOX))
    x, y = ax.xaxis.convert_units(xy[0]), ax.yaxis.convert_units(xy[1])
    label = ax.text(x, y, text, **kwargs)
    label._p06_anchor = (x, y, offset)  # noqa: SLF001  (read by _spread_labels once the axes are placed)
    getattr(ax, _LABELS, None) or setattr(ax, _LABELS, [])
    getattr(ax, _LABELS).append(label)
    return label


def _block(fig, renderer, width_px, pieces):
    """Wrap each (text, props) of ``pieces`` to ``width_px``; return the wrapped texts and
    the block's height in inches (with gaps between pieces)."""
    dpi = fig.dpi
    out, height = [], 0.0
    for text, props in pieces:
        wrapped = wrap_to_width(fig, text, width_px, renderer, **props)
        probe = fig.text(0, 0, wrapped, **props)
        h = probe.get_window_extent(renderer).height / dpi
        probe.remove()
        out.append((wrapped, props, h))
        height += h + (GAP if height else 0.0)
    return out, height


def wrap_axis_labels(fig, renderer) -> bool:
    """Wrap an axis label or a panel title longer than its axes onto lines that fit (measured);
    return True when any text changed (the layout must then be run again)."""
    changed = False
    for ax in fig.axes:
        box = ax.get_window_extent(renderer)
        titles = [(t, max(box.width, 150)) for t in (ax.title, ax._left_title, ax._right_title)]  # noqa: SLF001
        for text, room in titles + [(ax.xaxis.label, max(box.width, 150)), (ax.yaxis.label, max(box.height, 150))]:
            old = text.get_text()
            if old:
                new = wrap_to_width(fig, old, room, renderer, fontsize=text.get_fontsize(),
                                    fontweight=text.get_fontweight())
                if new != old:
                    text.set_text(new)
                    changed = True
    return changed


def lay_out(fig, *, title: str, subtitle: str | None, caption: str) -> None:
    """Stack header (``title``, ``subtitle``), chart and footer (``caption``) on ``fig``.

    The figure grows by the header's and footer's measured heights; the axes are placed in
    the chart box by constrained layout (room for tick labels, axis labels, legends and
    panel titles), data labels are moved apart, and the layout is then frozen."""
    renderer = renderer_of(fig)
    width_in, height_in = fig.get_size_inches()
    width_px = (width_in - 2 * PAD) * fig.dpi
    head_props = [(title, dict(fontsize=TITLE_SIZE, fontweight="bold"))]
    if subtitle:
        head_props.append((subtitle, dict(fontsize=SUBTITLE_SIZE, color="#444444")))
    head, head_h = _block(fig, renderer, width_px, head_props)
    foot, foot_h = _block(fig, renderer, width_px, [(caption, dict(fontsize=CAPTION_SIZE, color="#333333"))])
    chart_h = max(height_in * MIN_CHART_SHARE, height_in - 1.2)
    total = PAD + head_h + GAP + chart_h + GAP + foot_h + PAD
    fig.set_size_inches(width_in, total, forward=False)
    y = total - PAD
    for i, (text, props, h) in enumerate(head):
        if i == 0:
            art = fig.suptitle(text, x=PAD / width_in, y=y / total, ha="left", va="top", **props)
        else:
            art = fig.text(PAD / width_in, y / total, text, ha="left", va="top", **props)
        art.set_in_layout(False)
        y -= h + GAP
    fig.text(PAD / width_in, PAD / total, foot[0][0], ha="left", va="bottom", **foot[0][1]).set_in_layout(False)
    bottom = (PAD + foot_h + GAP) / total
    top = (total - PAD - head_h - GAP) / total
    fig.set_layout_engine("constrained", rect=(0.0, bottom, 1.0, top - bottom), h_pad=0.06, w_pad=0.06)
    fig.get_layout_engine().execute(fig)
    if wrap_axis_labels(fig, renderer):
        fig.get_layout_engine().execute(fig)
    _spread_labels(fig, renderer)
    box_crossed_texts(fig, renderer)
    fig.set_layout_engine("none")


def box_crossed_texts(fig, renderer) -> int:
    """Give each in-axes text of ``fig`` without a background box, that a gridline or a
    reference line runs through, the data labels' light box (:data:`LABEL_BOX`, drawn above
    the line and under the frame, :data:`LABEL_ZORDER`); return how many texts got one. A
    data curve through a text is not boxed away: the box would cut the curve (the label has
    to be placed off it)."""
    boxed = {id(c.text): c.text for c in line_crossings.crossings(fig, renderer, draw=False)
             if c.reading_aid and c.text.get_bbox_patch() is None}
    for text in boxed.values():
        text.set_bbox(dict(LABEL_BOX))
        text.set_zorder(min(text.get_zorder(), LABEL_ZORDER))  # a text at the edge would cut the frame
    return len(boxed)


def _plotted_points(ax):
    """Return x and y (data coordinates) of the points and line vertices drawn on ``ax``,
    with lines densified so a label is kept off a curve between its vertices too."""
    import numpy as np
    from matplotlib.collections import PathCollection
    from matplotlib.lines import Line2D
    xs, ys = [], []
    for art in ax.get_children():
        if isinstance(art, Line2D) and art.get_visible() and art.get_transform() == ax.transData:
            xy = np.asarray(art.get_xydata(), dtype=float)
            if len(xy) > 1:
                t = np.linspace(0, len(xy) - 1, 120)
                xy = np.column_stack([np.interp(t, np.arange(len(xy)), xy[:, k]) for k in (0, 1)])
        elif isinstance(art, PathCollection) and art.get_visible():
            xy = np.asarray(art.get_offsets(), dtype=float)
        else:
            continue
        xy = xy[np.isfinite(xy).all(axis=1)] if len(xy) else xy
        xs.extend(xy[:, 0]) if len(xy) else None
        ys.extend(xy[:, 1]) if len(xy) else None
    return xs, ys


def _spread_labels(fig, renderer) -> None:
    """Move each axes' data labels off each other and off the plotted points and curves, and
    keep them inside the axes (adjustText); then move any label a curve still runs through
    to a free place nearby (:func:`analysis.reports.label_clearance.clear_of_curves`)."""
    for ax in fig.axes:
        labels = getattr(ax, _LABELS, None)
        if labels:
            _apply_offsets(ax, labels)
            xs, ys = _plotted_points(ax)
            adjust_text(labels, x=xs or None, y=ys or None, ax=ax, ensure_inside_axes=True,
                        expand=(1.1, 1.3), iter_lim=400)
            label_clearance.clear_of_curves(ax, labels, renderer)


def _apply_offsets(ax, labels) -> None:
    """Move each label by its offset in points, now that the axes have their final place."""
    to_display, to_data = ax.transData, ax.transData.inverted()
    scale = ax.figure.dpi / 72.0
    for label in labels:
        x, y, (dx, dy) = label._p06_anchor
        px, py = to_display.transform((x, y))
        label.set_position(tuple(to_data.transform((px + dx * scale, py + dy * scale))))
