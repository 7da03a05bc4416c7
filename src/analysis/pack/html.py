"""HTML a reviewer reads: the reviewers' pages of a pack and each run's code-hidden report.

* :func:`write_pages` writes one reviewers' page per language (``index.html`` English,
  ``index.vi.html`` Vietnamese; built by :mod:`analysis.pack.index_page`).
* :func:`export_notebook` renders an executed notebook as HTML with all code hidden.

Everything here works offline: no scripts or styles are fetched from a CDN, links are
relative, and the same inputs give the same bytes (no build time on any page).
"""

from __future__ import annotations

from pathlib import Path

from analysis import i18n
from analysis.pack.index_page import PAGES, page_name, read_caption, render

__all__ = ["PAGES", "export_notebook", "notebook_exporter", "page_name", "read_caption", "render", "write_pages"]

#: The JupyterLab HTML template without the parts that load JavaScript from a CDN:
#: require.js and mermaid.js (the report notebooks use neither), MathJax (their prose has
#: no formulas; a reader offline would otherwise wait on it and get a console error) and
#: the widget manager (no widgets either). The reports then open with no network at all.
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
"""
_TEMPLATE_NAME = "pack_report.html.j2"


def write_pages(pack_dir: Path, manifest: dict) -> list[Path]:
    """Write the reviewers' page of ``pack_dir`` in every language of ``i18n.LANGS``
    (file names in :data:`PAGES`); return their paths.

    Plain writes: the builder writes into the pack's temporary folder, which is published
    whole, so a reader never sees half a page (and the files keep the usual permissions)."""
    paths = []
    for lang in i18n.LANGS:
        path = Path(pack_dir) / page_name(lang)
        path.write_text(render(pack_dir, manifest, lang), encoding="utf-8")
        paths.append(path)
    return paths


def notebook_exporter(lang: str = "en"):
    """Return an nbconvert ``HTMLExporter`` that hides all code (inputs and prompts; outputs,
    prose and errors are kept), loads nothing from the network, and sets ``<html lang>``.

    Build one per worker and reuse it: creating it loads the Jinja templates. Raises
    ValueError for a language not in ``i18n.LANGS``."""
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                        language_code=i18n.check_lang(lang), mathjax_url="", require_js_url="",
                        extra_loaders=[jinja2.DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
                        template_file=_TEMPLATE_NAME)


def _report_heading(nb) -> str | None:
    """Return the report's own title (its first level-1 Markdown heading, as the notebook
    displayed it in the reader's language), or None when it shows none."""
    for cell in nb.cells:
        texts = [cell.source] if cell.cell_type == "markdown" else [
            out.get("data", {}).get("text/markdown", "") for out in cell.get("outputs", [])]
        for text in texts:
            text = "".join(text) if isinstance(text, list) else text
            if text.startswith("# "):
                return text[2:].split("\n", 1)[0].strip()
    return None


def export_notebook(executed: Path, html_out: Path, title: str, lang: str | None = None, exporter=None) -> Path:
    """Write the executed notebook ``executed`` to ``html_out`` as code-hidden HTML titled by
    the report's own heading (``title``, the run's name, when it shows none); return ``html_out``.

    ``lang`` is the report's language (default: the notebook's ``lang`` parameter as
    papermill recorded it, else English). Cell ids are renumbered so the same run gives the
    same bytes (papermill gives the cells it inserts random ids, which the HTML prints).
    What a cell wrote to stderr (library warnings) is left out; errors stay. A code cell
    that shows nothing is left out too: with its code hidden it would only leave an empty
    gap (a short report, such as the fee discount's for a province with no policy, skips
    most of its sections).
    Raises what nbformat raises for an unreadable notebook."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
        # Warnings a library prints (stderr) are for the run's log, not for the reader.
        if "outputs" in cell:
            cell["outputs"] = [o for o in cell["outputs"] if not (o.get("output_type") == "stream"
                                                                  and o.get("name") == "stderr")]
    nb.cells = [c for c in nb.cells if c.cell_type != "code" or c.get("outputs")]
    if lang is None:
        lang = nb.metadata.get("papermill", {}).get("parameters", {}).get("lang")
        lang = lang if lang in i18n.LANGS else "en"
    exporter = exporter or notebook_exporter(lang)
    exporter.language_code = lang
    title = _report_heading(nb) or title
    body, _resources = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    Path(html_out).write_text(body, encoding="utf-8")
    return Path(html_out)
