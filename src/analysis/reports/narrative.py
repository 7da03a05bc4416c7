"""The notebooks' headings and explanations, from the catalogs (one notebook serves both languages).

A report notebook holds no prose of its own: each heading or explanation is a code cell
such as ``overview.text("load")``, which returns :class:`Markdown` in the language set by
the notebook's ``lang`` parameter. The English source of each text is marked ``N_()`` in
the report's module (``TEXTS``), so Babel extracts it and a translator edits the ``.po``.
"""

from __future__ import annotations

import unicodedata

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


def bullets(items) -> str:
    """Return ``items`` (sentences) as a Markdown list, one "- " line each."""
    return "\n".join("- " + s for s in items)
