"""Checks a drawn figure's text as a reader would see it.

:func:`problems` returns what is wrong with one figure: two pieces of text whose boxes
overlap (title on subtitle, axis label on caption, a label on a tick label), text that
leaves the canvas, text too small to read at the width the report pages show a figure,
and, in a Vietnamese figure, a number written the English way (``15.4%``, ``0.09``:
Vietnamese writes ``15,4%``, ``0,09`` and groups thousands with a point, ``310.903``).
It also finds text inside the axes (data labels, annotations, notes) that a drawn line runs
through (:func:`lines_through_text`). The rule, with its reasons, is in
:mod:`analysis.reports.line_crossings`: any stroked ``Line2D`` or gridline crossing the
text's glyph box counts; a gridline or a reference line across the axes is forgiven only
when the text's own background box (at least 80% opaque) is drawn above it, and a data
curve never is (a box over a curve hides a stretch of data). A gridline under unboxed
digits counts although it is drawn below them: it shows between the glyphs and merges
with a comma (``9,17`` read ``9.17``).
``tests/test_figure_checks.py`` runs it over every figure kind of every report in both
languages (:mod:`analysis.reports.figure_gallery`) and shows that each check fails on a
planted defect.

Boxes are measured with ``Text.get_window_extent()`` on the renderer savefig uses.
Only visible, non-empty text counts; the diagonal SIMULATED stamp is meant to lie across
everything and is skipped. Boxes are shrunk by :data:`TOLERANCE_PX` on each side before
comparing, so text that merely touches (a letter's ascent box grazing the next line) is not
reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matplotlib.text import Text

from analysis.reports import figure_layout, line_crossings, plotting

#: Pixels (at the figure's dpi) each box is shrunk by before testing overlap.
TOLERANCE_PX = 1.0
#: A figure is shown at about this width on the report pages (the figure at full width)...
DISPLAY_WIDTH_PX = 1100
#: ...where text smaller than this many pixels high is not legible.
MIN_DISPLAY_PX = 10.5

#: A number a Vietnamese reader would misread, i.e. written the English way: a decimal point
#: followed by one, two or more than three digits (``15.4``, ``0.09``, ``2.106910``), a point
#: after a lone zero (``0.090``), or commas grouping thousands twice (``1,234,567``).
#: Vietnamese ``224.930`` (thousands) and ``0,090`` (decimals) pass; so do dates (01/04/2025).
ENGLISH_NUMBER = re.compile(
    r"(?<![\d.,])(?:0\.\d+|\d+\.(?:\d{1,2}|\d{4,})(?![\d.])|\d{1,3}(?:,\d{3}){2,})(?![\d])")


@dataclass(frozen=True)
class Problem:
    """One defect: what kind (``overlap``, ``outside``, ``english_number``,
    ``line_through_text`` ...) and where."""

    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


def _tick_labels(fig) -> tuple[set[int], list]:
    """Return the ids of every tick label of ``fig`` and the tick labels actually drawn (the
    ticks inside the view limits; matplotlib keeps labels for ticks it does not draw)."""
    every, drawn = set(), []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                every.update((id(tick.label1), id(tick.label2)))
            if ax.axison and ax.get_visible():
                for tick in axis._update_ticks():  # the ticks matplotlib draws
                    drawn += [t for t in (tick.label1, tick.label2) if t.get_visible()]
    return every, drawn


def _texts(fig):
    """Return every visible, non-empty Text artist of ``fig`` once (drawn tick labels, titles,
    legend entries, annotations, figure text), the stamp excepted."""
    ticks, drawn = _tick_labels(fig)
    seen, out = set(), []
    for t in list(fig.findobj(lambda a: isinstance(a, Text))) + drawn:
        if id(t) in seen or (id(t) in ticks and t not in drawn):
            continue
        seen.add(id(t))
        if (t.get_visible() and t.get_text().strip() and t.get_gid() != plotting.STAMP_GID
                and _parents_visible(t, fig)):
            out.append(t)
    return out


def _parents_visible(t, fig) -> bool:
    """False when ``t`` belongs to an invisible axes or legend (matplotlib keeps their texts)."""
    if t.axes is not None and not t.axes.get_visible():
        return False
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None and not legend.get_visible() and t in legend.get_texts():
            return False
    return True


def text_boxes(fig) -> list[tuple[str, object]]:
    """Return ``(text, bbox)`` of every visible text of ``fig`` in display pixels (the figure
    is drawn first, so tick labels are the ones a reader sees)."""
    renderer = figure_layout.renderer_of(fig)
    fig.draw(renderer)
    boxes = []
    for t in _texts(fig):
        box = t.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            boxes.append((t.get_text(), box))
    return boxes


def _shrunk(box):
    return box.x0 + TOLERANCE_PX, box.y0 + TOLERANCE_PX, box.x1 - TOLERANCE_PX, box.y1 - TOLERANCE_PX


def overlaps(fig) -> list[Problem]:
    """Return one problem per pair of text boxes of ``fig`` that overlap."""
    boxes = [(s, _shrunk(b)) for s, b in text_boxes(fig)]
    out = []
    for i, (sa, a) in enumerate(boxes):
        for sb, b in boxes[i + 1:]:
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                out.append(Problem("overlap", f"{_short(sa)!r} overlaps {_short(sb)!r}"))
    return out


def outside(fig) -> list[Problem]:
    """Return one problem per text box of ``fig`` that leaves the canvas."""
    w, h = fig.bbox.width, fig.bbox.height
    return [Problem("outside", f"{_short(s)!r} leaves the canvas")
            for s, b in text_boxes(fig)
            if b.x0 < -TOLERANCE_PX or b.y0 < -TOLERANCE_PX or b.x1 > w + TOLERANCE_PX or b.y1 > h + TOLERANCE_PX]


#: A licence's name with its version ("CC BY-SA 4.0"): a name, written the same in every
#: language, not a number.
LICENCE_VERSION = re.compile(r"\bCC(?:\s+[A-Z]{2}(?:-[A-Z]{2})*)+\s+\d+\.\d+\b")


def english_numbers(fig) -> list[Problem]:
    """Return one problem per text of a Vietnamese ``fig`` holding an English-style number
    (licence names such as "CC BY-SA 4.0" left aside)."""
    return [Problem("english_number", f"{m.group(0)!r} in {_short(s)!r}")
            for s, _b in text_boxes(fig) for m in ENGLISH_NUMBER.finditer(LICENCE_VERSION.sub("", s))]


def too_small(fig) -> list[Problem]:
    """Return one problem per text of ``fig`` whose letters, with the figure shown
    :data:`DISPLAY_WIDTH_PX` wide, are less than :data:`MIN_DISPLAY_PX` high (the font size,
    scaled from the figure's width in inches to the display width)."""
    scale = DISPLAY_WIDTH_PX / fig.get_figwidth() / 72.0  # display pixels per point
    return [Problem("too_small", f"{_short(t.get_text())!r} at {t.get_fontsize():g} pt")
            for t in _texts(fig) if t.get_fontsize() * scale < MIN_DISPLAY_PX]


def repeated_ticks(fig) -> list[Problem]:
    """Return one problem per axis of ``fig`` whose drawn tick labels repeat one text (a date
    axis with nothing on it read "Jan 1970" nine times; a rounding format can print "0 0 0")."""
    fig.draw(figure_layout.renderer_of(fig))
    out = []
    for ax in fig.axes:
        if not (ax.axison and ax.get_visible()):
            continue
        for axis in (ax.xaxis, ax.yaxis):
            labels = [t.label1.get_text() for t in axis._update_ticks() if t.label1.get_visible()]
            labels = [s for s in labels if s.strip()]
            if len(labels) != len(set(labels)):
                out.append(Problem("repeated_ticks", f"tick labels {labels}"))
    return out


def lines_through_text(fig, *, drawn: bool = False) -> list[Problem]:
    """Return one problem per in-axes text of ``fig`` (data label, annotation, note) crossed by
    a drawn line or gridline that its own background box does not hide (see
    :mod:`analysis.reports.line_crossings` for the rule). ``drawn``: the caller has just drawn
    the figure on its Agg renderer (saves a draw)."""
    renderer = figure_layout.renderer_of(fig)
    return [Problem("line_through_text", f"{_short(c.text.get_text())!r} crossed by {c.line}")
            for c in line_crossings.crossings(fig, renderer, TOLERANCE_PX, draw=not drawn)]


#: The project's own ids of sources (``seed003``, ``domain_notes``) and observations
#: (``NA014``): a reader sees a source's number and title and a figure's value and period.
PROJECT_ID = re.compile(r"\bseed ?\d{3}\b|\bdomain_notes\b|\b[A-Z]{2}\d{3}\b")


def project_ids(fig) -> list[Problem]:
    """Return one problem per text of ``fig`` naming a source or observation by its id."""
    return [Problem("project_id", f"{m.group(0)!r} in {_short(s)!r}")
            for s, _b in text_boxes(fig) for m in PROJECT_ID.finditer(s)]


def problems(fig, lang: str) -> list[Problem]:
    """Return every problem of ``fig`` drawn in ``lang`` (empty when it reads cleanly)."""
    out = overlaps(fig) + outside(fig) + too_small(fig) + repeated_ticks(fig)
    out += lines_through_text(fig, drawn=True)  # repeated_ticks has just drawn it
    out += project_ids(fig)
    if lang == "vi":
        out += english_numbers(fig)
    return out


def _short(s: str, n: int = 60) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"
