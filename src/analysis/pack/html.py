"""The reviewers' page of a pack: ``index.html`` linking every run and figure.

Self-contained (inline CSS, no scripts, no network), relative links only, and
deterministic: the same manifest gives the same bytes (no build time on the page; times
are in ``timings.json``).
"""

from __future__ import annotations

import html
from pathlib import Path

_CSS = """
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
.ok { color: #006d2c; font-weight: bold; }
.failed { color: #b30000; font-weight: bold; }
tr.run-failed td { background: #fde0dd; }
figure { margin: 1.5em 0; border-top: 1px solid #ddd; padding-top: 1em; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.9em; white-space: pre-wrap; }
.files a { margin-right: 1em; }
code { font-size: 0.9em; }
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def read_caption(txt: Path) -> tuple[str, str]:
    """Return (caption, alt text) from a figure's .txt file written by plotting.save."""
    try:
        text = txt.read_text(encoding="utf-8")
    except OSError:
        return "", ""
    caption, _, alt = text.partition("\n\nAlt text: ")
    return caption.strip(), alt.strip()


def render(pack_dir: Path, manifest: dict) -> str:
    """Return the HTML of the index page of the pack in ``pack_dir`` described by ``manifest``."""
    runs = manifest["runs"]
    n_failed = sum(r["status"] != "ok" for r in runs)
    git = manifest.get("git", {})
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Figure pack {_e(manifest['pack'])}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Figure pack <code>{_e(manifest['pack'])}</code></h1>",
        f"<p>{len(runs)} runs: {len(runs) - n_failed} succeeded, "
        f'<span class="{"failed" if n_failed else "ok"}">{n_failed} failed</span>. '
        f"Parameter file <code>{_e(manifest['params_file'])}</code>; data <code>{_e(manifest['data_dir'])}</code>; "
        f"git commit <code>{_e(git.get('commit') or 'unknown')}</code>"
        f"{' (with uncommitted changes)' if git.get('dirty') else ''}.</p>",
        '<p class="files"><a href="manifest.json">manifest.json</a> (parameters, input hashes, versions) '
        '<a href="timings.json">timings.json</a> (durations)</p>',
        "<h2>Runs</h2>",
        "<table><thead><tr><th>run</th><th>notebook</th><th>parameters</th><th>status</th>"
        "<th>report</th><th>figures</th></tr></thead><tbody>",
    ]
    for r in runs:
        params = ", ".join(f"{k} = {v}" for k, v in sorted(r["parameters"].items())) or "(notebook defaults)"
        status = f'<span class="{_e(r["status"])}">{_e(r["status"])}</span>'
        if r.get("error"):
            status += f"<br>{_e(r['error'])}"
        links = (f'<a href="{_e(r["html"])}">HTML</a> <a href="{_e(r["notebook_executed"])}">ipynb</a> '
                 f'<a href="{_e(r["log"])}">log</a>')
        out.append(f'<tr class="run-{_e(r["status"])}" id="run-{_e(r["name"])}"><td><a href="#fig-{_e(r["name"])}">'
                   f'{_e(r["name"])}</a></td><td>{_e(r["notebook"])}</td><td>{_e(params)}</td>'
                   f'<td>{status}</td><td class="files">{links}</td><td>{len(r["figures"])}</td></tr>')
    out.append("</tbody></table>")
    out.append("<h2>Figures</h2>")
    for r in runs:
        out.append(f'<h3 id="fig-{_e(r["name"])}">{_e(r["name"])} '
                   f'<span class="{_e(r["status"])}">({_e(r["status"])})</span></h3>')
        if not r["figures"]:
            out.append("<p>No figures from this run.</p>")
        for fig in r["figures"]:
            caption, alt = read_caption(pack_dir / fig["files"].get("txt", "")) if "txt" in fig["files"] else ("", "")
            img = fig["files"].get("png") or fig["files"].get("svg")
            out.append("<figure>")
            if img:
                out.append(f'<img src="{_e(img)}" alt="{_e(alt or fig["name"])}">')
            files = " ".join(f'<a href="{_e(p)}">{_e(k.upper())}</a>' for k, p in sorted(fig["files"].items()))
            out.append(f'<figcaption><strong>{_e(fig["name"])}</strong>\n{_e(caption)}</figcaption>'
                       f'<p class="files">{files}</p></figure>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"
