"""The notebooks' headings and explanations, from the catalogs (one notebook serves both languages).

A report notebook holds no prose of its own: each heading or explanation is a code cell
such as ``overview.text("load")``, which returns :class:`Markdown` in the language set by
the notebook's ``lang`` parameter. The English source of each text is marked ``N_()`` in
the report's module (``TEXTS``), so Babel extracts it and a translator edits the ``.po``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

from analysis.i18n import _


class Markdown(str):
    """Text that Jupyter displays as Markdown (a ``str``, so tests and scripts read it as text)."""

    def _repr_markdown_(self) -> str:
        return str(self)


def render(texts: dict[str, str], key: str, **values) -> Markdown:
    """Return ``texts[key]`` translated into the current language, with ``values`` filled in
    (``str.format``), NFC-normalised, as :class:`Markdown`. Raises KeyError for an unknown key."""
    text = _(texts[key])
    if values:
        text = text.format(**values)
    return Markdown(unicodedata.normalize("NFC", text))


def parameters(p) -> Markdown:
    """Return the run's parameters as a Markdown list, one ``name = value`` per line.

    ``output_dir`` is left out (in a pack it is a temporary build folder, which says nothing
    to a reader and would make identical runs differ) and ``data_dir`` is shown by its
    folder name, "data" for the shipped data; every other value as Python would write it."""
    from analysis import config

    lines = []
    for name, value in vars(p).items():
        if name == "output_dir":
            continue
        if name == "data_dir":
            shown = "data" if value is None or Path(value) == config.DATA_DIR else Path(value).name
        elif isinstance(value, dt.date):
            shown = value.isoformat()
        elif isinstance(value, Path):
            shown = value.name
        else:
            shown = repr(value)
        lines.append(f"- `{name} = {shown}`")
    return Markdown(unicodedata.normalize("NFC", "\n".join(lines)))
