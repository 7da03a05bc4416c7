"""The one module that styles, captions and saves figures.

Every figure of the toolkit goes through :func:`finish` (title, units, caption with
sources and caveats drawn on the figure itself, a SIMULATED mark when it shows simulated
data) and :func:`save` (PNG and SVG side by side, the plotted data as CSV, the caption and
alt text as a .txt file; repeatable bytes; nothing half-written over a good file).

Fonts: DejaVu Sans, shipped with matplotlib, covers the Vietnamese precomposed letters
(ệ, ộ, ữ ...); text is NFC-normalised before drawing so NFD input renders the same.
"""

from __future__ import annotations

import textwrap
import unicodedata
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from analysis.data import vn
from analysis.files import atomic_write

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

SCOPE_LABELS = {
    "province_wide": "Province-wide (all levels)",
    "provincial_centre": "Provincial Public Administration Centre only",
    "national_portal": "National Public Service Portal's figure",
    "provincial_system": "Provincial TTHC information system",
    "provincial_departments": "Provincial departments",
    "localities": "District-level localities",
    "communes": "Communes",
    "state_agencies": "State agencies",
    "steering_committee": "Project 06 steering committee",
}

FIGSIZE = (9.0, 5.6)
DPI = 150
SIMULATED_MARK = "SIMULATED"


def apply_style() -> None:
    """Set the house style: seaborn whitegrid, DejaVu Sans, fixed size, repeatable SVG."""
    sns.set_theme(style="whitegrid", palette=PALETTE, font="DejaVu Sans")
    matplotlib.rcParams.update({
        "figure.figsize": FIGSIZE,
        "figure.dpi": 100,
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


def finish(fig, *, title: str, caption: str, subtitle: str | None = None,
           simulated: bool = False, caption_width: int = 130) -> None:
    """Draw the title, optional subtitle and the caption (sources, caveats) on ``fig``.

    When ``simulated`` is true the title starts with "SIMULATED" and a large diagonal
    SIMULATED mark is drawn across the figure, so a cropped copy still says so.
    """
    if simulated and not title.startswith(SIMULATED_MARK):
        title = f"{SIMULATED_MARK}: {title}"
    lines = textwrap.wrap(_t(caption), caption_width)
    bottom = min(0.45, 0.04 + 0.028 * len(lines))
    fig.subplots_adjust(bottom=bottom + 0.08, top=0.86 if subtitle else 0.9)
    fig.suptitle(_t(title), x=0.02, ha="left", fontsize=13, fontweight="bold")
    if subtitle:
        fig.text(0.02, 0.915, _t(subtitle), ha="left", va="bottom", fontsize=10, color="#444444")
    fig.text(0.02, 0.015, "\n".join(lines), ha="left", va="bottom", fontsize=7.5, color="#333333")
    if simulated:
        fig.text(0.5, 0.5, SIMULATED_MARK, fontsize=64, color="#D55E00", alpha=0.18,
                 ha="center", va="center", rotation=25, fontweight="bold", zorder=100)


def empty_panel(ax, message: str) -> None:
    """Blank ``ax`` and write ``message`` in it: used when the data cannot answer."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, "\n".join(textwrap.wrap(_t(message), 70)), ha="center", va="center",
            fontsize=11, color="#444444", transform=ax.transAxes)


def figure_name(stem: str, params: dict | None = None) -> str:
    """Return a stable file stem: ``stem`` then each parameter as key-value, ASCII only.

    ``figure_name("timeline", {"province": "Nghệ An"})`` is "timeline__province-nghe-an",
    so runs over a grid of parameters never overwrite each other.
    """
    parts = [vn.ascii_slug(stem).replace("-", "_")]
    for k, v in sorted((params or {}).items()):
        parts.append(f"{vn.ascii_slug(str(k))}-{vn.ascii_slug(str(v)) or 'none'}")
    return "__".join(parts)


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
        frame = data.copy()
        if simulated:
            frame.insert(0, "data_status", SIMULATED_MARK)
        atomic_write(paths["csv"], lambda p: frame.to_csv(p, index=False, lineterminator="\n"))
    else:
        paths.pop("csv")
    prefix = f"{SIMULATED_MARK}. " if simulated else ""
    text = f"{prefix}{_t(caption)}\n\nAlt text: {prefix}{_t(alt_text)}\n"
    atomic_write(paths["txt"], lambda p: p.write_text(text, encoding="utf-8"))
    return paths
