"""What a report notebook shows its reader: saved figures, the "how this was run" note.

A figure is drawn once, saved by :func:`analysis.reports.plotting.save`, and shown from
the saved PNG (:func:`figure`) at the full width of the page, with the alt text that
``save`` wrote beside it, in the reader's language. Showing the saved file also closes
the figure, so matplotlib's inline backend does not draw it a second time at the end of
the cell (a second rendering that cost time and showed the figure at about 60% of its
width with the default alt text "No description has been provided for this image").

The notebook's parameters are not shown as code: :func:`run_note` writes them in words at
the end of the report (they stay in the executed notebook and in the pack's manifest).
"""

from __future__ import annotations

import base64
import html
import unicodedata
from pathlib import Path

from analysis import i18n
from analysis.i18n import N_, _
from analysis.reports import param_words
from analysis.reports.narrative import Markdown

#: The heading and lead of the note at the end of each report.
RUN_NOTE = N_("How this was run")
RUN_NOTE_LEAD = N_("This report was computed with these settings (the executed notebook and the pack's "
                   "manifest record them exactly):")


class Nothing(Markdown):
    """Empty text that a notebook shows as nothing at all: no output, not even an empty one
    (a report section that does not apply returns it for its heading, table or figure)."""

    def _ipython_display_(self) -> None:
        return None


#: What a report function returns when it has nothing to show.
NOTHING = Nothing("")


class Figure:
    """A saved figure as a notebook shows it: its PNG at full width with its alt text."""

    def __init__(self, png: Path, alt: str):
        self.png, self.alt = Path(png), alt

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png.read_bytes()).decode("ascii")
        return (f'<figure class="report-figure" style="margin:0.5em 0 1.5em 0;max-width:100%">'
                f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt, quote=True)}" '
                f'style="width:100%;height:auto;display:block"></figure>')

    def __repr__(self) -> str:  # what a plain-text front end shows instead of the image
        return self.alt


class Figures(list):
    """Several saved figures, shown one under the other."""

    def _repr_html_(self) -> str:
        return "\n".join(f._repr_html_() for f in self)

    def __repr__(self) -> str:
        return "\n".join(repr(f) for f in self)


def alt_text(txt: Path) -> str:
    """Return the alt text from a figure's .txt file written by plotting.save (its last
    paragraph, after the translated "Alt text: " label); the file name's stem when the file
    has none. Raises OSError when the file cannot be read."""
    text = unicodedata.normalize("NFC", Path(txt).read_text(encoding="utf-8")).rstrip()
    last = text.rsplit("\n\n", 1)[-1]
    label, sep, alt = last.partition(": ")
    return alt.strip() if sep and len(label) <= 40 else last.strip()


def _png_of(saved) -> Path:
    return Path(saved["png"] if isinstance(saved, dict) else saved)


def figure(saved):
    """Return the figure saved by plotting.save (its dict of paths, or its PNG path) as a
    :class:`Figure` to display, after closing every open matplotlib figure (each has been
    saved: the inline backend would otherwise draw it again). A text or other displayable
    object (the Markdown a report returns when there is no figure to draw) is returned as is.

    Raises OSError when the figure's .txt or .png file is missing."""
    import matplotlib.pyplot as plt

    plt.close("all")
    if isinstance(saved, Nothing):
        return saved
    if isinstance(saved, str):
        return Markdown(saved)
    if not isinstance(saved, dict | Path):
        return saved  # an IPython Markdown or other displayable text
    png = _png_of(saved)
    return Figure(png, alt_text(png.with_suffix(".txt")))


def saved(drawn, name: str, output_dir, *, simulated: bool = False):
    """Save the figure ``drawn`` (a report's (fig, plotted data, caption, alt text), see
    :func:`analysis.reports.plotting.save`) as ``name`` in ``output_dir`` and return it to
    display (:func:`figure`); when ``drawn`` is None (the report has no figure to draw),
    save nothing and return :data:`NOTHING`. Raises OSError when a file cannot be written."""
    import matplotlib.pyplot as plt

    from analysis.reports import plotting

    if drawn is None:
        plt.close("all")
        return NOTHING
    fig, data, caption, alt = drawn
    return figure(plotting.save(fig, name, output_dir, caption=caption, alt_text=alt, data=data,
                                simulated=simulated))


def figures(saved_list) -> Figures:
    """Return several saved figures (dicts of paths or PNG paths) as :class:`Figures`; see
    :func:`figure`."""
    return Figures(figure(s) for s in saved_list)


def run_note(p) -> Markdown:
    """Return the closing "how this was run" note: a heading and the parameters of ``p``
    (checked parameters, ``params.check``) in words in the current language, one per line,
    without the output folder."""
    lines = [f"### {_(RUN_NOTE)}", "", _(RUN_NOTE_LEAD), ""]
    lines += [f"- {name}: {value}" for name, value in param_words.items(vars(p), i18n.get_language())]
    return Markdown(unicodedata.normalize("NFC", "\n".join(lines)))
