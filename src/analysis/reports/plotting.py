"""The one module that styles, captions and saves figures.

Every figure of the toolkit goes through :func:`finish` (title, units, caption with
sources and caveats drawn on the figure itself, a SIMULATED mark when it shows simulated
data) and :func:`save` (PNG and SVG side by side, the plotted data as CSV, the caption and
alt text as a .txt file; repeatable bytes; nothing half-written over a good file).

Two languages: every text drawn goes through :mod:`analysis.i18n` (``_()`` for words, and
``i18n.number`` / ``i18n.date`` for the tick labels of number and date axes, which
:func:`finish` installs), so a Vietnamese figure reads ``72,35`` and ``08/2025``.

Fonts: DejaVu Sans from matplotlib's own data folder (installed with the project's pinned
matplotlib from PyPI; licence: Bitstream Vera / DejaVu, free to use and redistribute) covers
every Vietnamese precomposed letter (ệ, ộ, ữ ...). :func:`apply_style` names it with no
fallback and :func:`project_font` says which file it is, so a machine's own fonts never
change the output (``tests/test_fonts.py``). Text is NFC-normalised before drawing so NFD
input renders the same.
"""

from __future__ import annotations

import textwrap
import unicodedata
from pathlib import Path

import matplotlib
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib import font_manager
from matplotlib.ticker import FuncFormatter, ScalarFormatter

from analysis import i18n
from analysis.i18n import N_, _
from analysis.data import vn
from analysis.files import atomic_write
from analysis.reports import figure_layout

#: Okabe-Ito colour-blind-safe palette.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

#: One colour per measurement scope, the same in every figure.
SCOPE_COLOURS = {
    "province_wide": "#0072B2",
    "provincial_centre": "#E69F00",
    "national_portal": "#009E73",
    "provincial_system": "#CC79A7",
    "provincial_departments": "#D55E00",
    "localities": "#56B4E9",
    "communes": "#F0E442",
    "state_agencies": "#999999",
    "steering_committee": "#000000",
}

#: One label per scope, in English (marked): show them through :func:`scope_label`.
SCOPE_LABELS = {
    "province_wide": N_("Province-wide (all levels)"),
    "provincial_centre": N_("Provincial Public Administration Centre only"),
    "national_portal": N_("National Public Service Portal's figure"),
    "provincial_system": N_("Provincial TTHC information system"),
    "provincial_departments": N_("Provincial departments"),
    "localities": N_("District-level localities"),
    "communes": N_("Communes"),
    "state_agencies": N_("State agencies"),
    "steering_committee": N_("Project 06 steering committee"),
}

#: Short scope names for legends, where a full label would cover the data.
SCOPE_SHORT = {
    "province_wide": N_("province-wide"),
    "provincial_centre": N_("provincial centre"),
    "national_portal": N_("national portal"),
    "provincial_system": N_("provincial system"),
    "provincial_departments": N_("departments"),
    "localities": N_("localities"),
    "communes": N_("communes"),
    "state_agencies": N_("state agencies"),
    "steering_committee": N_("steering committee"),
}

FIGSIZE = (9.0, 5.6)
DPI = 150
#: The code written into data files (CSV ``data_status``): stays English like every code.
SIMULATED_MARK = "SIMULATED"
#: The reader-visible stamps, translated when drawn.
STAMPS = {"simulated": N_("SIMULATED"), "scenario": N_("SCENARIO"), "not_comparable": N_("NOT COMPARABLE")}
#: The font every figure uses (see the module docstring).
FONT = "DejaVu Sans"
#: The gid of the diagonal SIMULATED stamp (meant to lie across everything; the figure checks skip it).
STAMP_GID = "p06-stamp"


def scope_label(scope: str) -> str:
    """Return the reader's label of ``scope`` in the current language (the code if unknown)."""
    return _(SCOPE_LABELS[scope]) if scope in SCOPE_LABELS else scope


def scope_short(scope: str) -> str:
    """Return the short name of ``scope`` for legends in the current language (the code if unknown)."""
    return _(SCOPE_SHORT[scope]) if scope in SCOPE_SHORT else scope


def simulated_mark() -> str:
    """Return the SIMULATED stamp in the current language (vi: MÔ PHỎNG)."""
    return _(STAMPS["simulated"])


def project_font() -> str:
    """Return the path of the font file figures are drawn with (matplotlib's own DejaVu Sans).

    Raises ValueError when matplotlib would fall back to another font."""
    return font_manager.findfont(font_manager.FontProperties(family=FONT), fallback_to_default=False)


def apply_style() -> None:
    """Set the house style: seaborn whitegrid, DejaVu Sans, fixed size, repeatable SVG."""
    sns.set_theme(style="whitegrid", palette=PALETTE, font=FONT)
    matplotlib.rcParams.update({
        "font.family": [FONT],  # no fallback list: a missing glyph warns instead of borrowing a machine font
        "figure.figsize": FIGSIZE,
        "figure.dpi": DPI,  # text is measured and laid out at the resolution it is saved at
        "savefig.dpi": DPI,
        "svg.hashsalt": "p06-analysis",  # fixed ids in SVG output: byte-identical reruns
        "svg.fonttype": "path",  # glyphs as paths: diacritics render without the font
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.labelsize": 10,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "legend.fontsize": 8,
        "legend.title_fontsize": 9,
        "font.size": 10,
    })


def _t(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def new_figure(nrows: int = 1, ncols: int = 1, **kwargs):
    """Return (fig, ax) in the house style, with room at the bottom for the caption."""
    apply_style()
    kwargs.setdefault("figsize", FIGSIZE)
    return plt.subplots(nrows, ncols, **kwargs)


def _number_tick(value, _pos) -> str:
    return i18n.number(value, 2)


def _date_tick(value, _pos) -> str:
    return i18n.date(mdates.num2date(value), short=True)


def localise_axes(fig) -> None:
    """Give every plain number axis of ``fig`` the language's decimal mark and thousands
    separator (vi ``2,5`` / ``1.000``), leaving date and categorical axes alone."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(FuncFormatter(_number_tick))


def date_axis(axis) -> None:
    """Label the ticks of a date ``axis`` (``ax.xaxis``) as months in the language: vi
    ``08/2025``, en ``Aug 2025``."""
    axis.set_major_formatter(FuncFormatter(_date_tick))


def finish(fig, *, title: str, caption: str, subtitle: str | None = None,
           simulated: bool = False, caption_width: int | None = None) -> None:
    """Draw the title, optional subtitle and the caption (sources, caveats) on ``fig``,
    localise its number axes (:func:`localise_axes`) and lay the figure out so that no two
    pieces of text collide (:func:`analysis.reports.figure_layout.lay_out`: header and
    footer boxes sized by their measured text, axes placed by constrained layout, data
    labels from :func:`data_label` moved apart).

    When ``simulated`` is true the title starts with the SIMULATED stamp (in the current
    language) and a large diagonal stamp is drawn across the figure, so a cropped copy
    still says so. ``caption_width`` is ignored (kept for old callers): text is wrapped by
    its measured width.
    """
    mark = simulated_mark()
    localise_axes(fig)
    if simulated and not title.startswith(mark):
        title = _("{stamp}: {title}").format(stamp=mark, title=title)
    figure_layout.lay_out(fig, title=_t(title), subtitle=_t(subtitle) if subtitle else None, caption=_t(caption))
    if simulated:
        fig.text(0.5, 0.5, mark, fontsize=64, color="#D55E00", alpha=0.18, gid=STAMP_GID,
                 ha="center", va="center", rotation=25, fontweight="bold", zorder=100)


def data_label(ax, text: str, xy, **kwargs):
    """Write a data label ``text`` at ``xy`` on ``ax`` (kept apart from the others and inside
    the axes when the figure is finished); return the annotation. See
    :func:`analysis.reports.figure_layout.data_label`."""
    return figure_layout.data_label(ax, _t(text), xy, **kwargs)


def wrap_axis_labels(fig) -> None:
    """Wrap each axis label of ``fig`` that is longer than its axes (kept for callers that
    lay out a figure without :func:`finish`; :func:`finish` measures and wraps itself)."""
    renderer = figure_layout.renderer_of(fig)
    figure_layout.wrap_axis_labels(fig, renderer)


def empty_panel(ax, message: str) -> None:
    """Blank ``ax`` and write ``message`` in it: used when the data cannot answer."""
    ax.set_axis_off()
    text = _t(message)
    n = len(textwrap.wrap(text, 70))
    # Lines of even length (no last line holding one word), at most 70 characters.
    width = next((w for w in range(max(1, -(-len(text) // max(n, 1))), 71) if len(textwrap.wrap(text, w)) <= n), 70)
    ax.text(0.5, 0.5, "\n".join(textwrap.wrap(text, width)), ha="center", va="center",
            fontsize=11, color="#444444", transform=ax.transAxes)


def figure_name(stem: str, params: dict | None = None) -> str:
    """Return a stable file stem: ``stem`` then each parameter as key-value, ASCII only.

    ``figure_name("timeline", {"province": "Nghệ An", "lang": "vi"})`` is
    "timeline__lang-vi__province-nghe-an", so runs over a grid of parameters (the
    language included: report notebooks pass ``lang``) never overwrite each other.
    """
    parts = [vn.ascii_slug(stem).replace("-", "_")]
    for k, v in sorted((params or {}).items()):
        parts.append(f"{vn.ascii_slug(str(k))}-{vn.ascii_slug(str(v)) or 'none'}")
    return "__".join(parts)


#: Significant digits kept in the plotted-data CSV, at each column's typical magnitude: the
#: sources report three or four (72.35%, 224,930); 15.384615384615385 claimed sixteen.
CSV_SIGNIFICANT = 4


def rounded(frame: pd.DataFrame, significant: int = CSV_SIGNIFICANT) -> pd.DataFrame:
    """Return a copy of ``frame`` with each float column rounded to ``significant`` digits at
    the column's median magnitude (15.384615384615385 in a column of percentages -> 15.38;
    counts and text untouched)."""
    import numpy as np
    out = frame.copy()
    for col in out.columns:
        if not pd.api.types.is_float_dtype(out[col]):
            continue
        vals = out[col].to_numpy(dtype=float)
        nonzero = np.abs(vals[np.isfinite(vals) & (vals != 0)])
        if nonzero.size:
            magnitude = int(np.floor(np.log10(np.median(nonzero))))
            out[col] = out[col].round(int(np.clip(significant - 1 - magnitude, 0, 10)))
    return out


class SavedFigure(dict):
    """The paths :func:`save` wrote, by kind (png, svg, csv, txt).

    A dict, shown in a notebook as one short line naming the files rather than as
    absolute paths (which in a pack point into its temporary build folder).
    """

    def __repr__(self) -> str:
        png = self.get("png")
        stem = png.stem if png is not None else "?"
        return f"saved figure {stem} ({', '.join('.' + k for k in self)})"

    def _repr_markdown_(self) -> str:
        return f"*{self!r}*"


def save(fig, name: str, out_dir: str | Path, *, caption: str, alt_text: str,
         data: pd.DataFrame | None = None, simulated: bool = False) -> dict[str, Path]:
    """Save ``fig`` as ``name``.png and .svg in ``out_dir`` with its data and caption.

    Writes ``name``.csv (the plotted data, if given; its first column says SIMULATED
    when ``simulated``) and ``name``.txt (caption, then alt text). Returns the paths by
    kind (a :class:`SavedFigure`). Output is byte-identical for identical inputs (no dates in metadata, fixed
    SVG hash salt). The figure stays open so a notebook shows it; scripts close it.
    """
    out = Path(out_dir)
    paths = SavedFigure((k, out / f"{name}.{k}") for k in ("png", "svg", "csv", "txt"))
    atomic_write(paths["png"], lambda p: fig.savefig(p, format="png", metadata={"Software": None}))
    atomic_write(paths["svg"], lambda p: fig.savefig(p, format="svg", metadata={"Date": None, "Creator": None}))
    if data is not None:
        frame = rounded(data)
        if simulated:
            frame.insert(0, "data_status", SIMULATED_MARK)
        atomic_write(paths["csv"], lambda p: frame.to_csv(p, index=False, lineterminator="\n"))
    else:
        paths.pop("csv")
    prefix = f"{simulated_mark()}. " if simulated else ""
    text = _t(_("{caption}\n\nAlt text: {alt}").format(caption=prefix + caption, alt=prefix + alt_text)) + "\n"
    atomic_write(paths["txt"], lambda p: p.write_text(text, encoding="utf-8"))
    return paths
