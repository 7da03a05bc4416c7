"""The style sheet of the reviewers' pages, inlined in each page (no file to fetch).

Red marks failures; each kind of finding has its own hue (dark, so white badge text stays
readable). Every colour comes with a text label, so nothing is told by colour alone.
"""

CSS = """
body { font-family: "Noto Sans", "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 1.5em auto;
  max-width: 72em; padding: 0 1em; color: #222; line-height: 1.45; }
header { display: flex; justify-content: space-between; align-items: baseline; gap: 1em; }
h1 { margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #ddd; padding-bottom: 0.2em; margin-top: 2em; }
.lang-switch a { border: 1px solid #888; border-radius: 4px; padding: 0.2em 0.6em; text-decoration: none;
  white-space: nowrap; }
.meta { color: #555; font-size: 0.9em; }
nav.toc { background: #f6f6f6; border: 1px solid #ddd; padding: 0.5em 1em; font-size: 0.95em; }
nav.toc ul { margin: 0.2em 0; }
nav.toc ul ul { display: inline; padding-left: 0.4em; }
nav.toc ul ul li { display: inline; }
nav.toc ul ul li + li::before { content: " · "; }
nav.toc ul ul::before { content: "— "; }
.failures { border: 2px solid #b30000; background: #fde0dd; padding: 0.5em 1em; margin: 1em 0; }
.failures h2 { color: #b30000; border: none; margin-top: 0.3em; }
.failures li { margin-bottom: 0.4em; }
.error { font-family: "DejaVu Sans Mono", monospace; font-size: 0.85em; white-space: pre-wrap; }
.report { margin: 1.2em 0; }
.finding { border-left: 6px solid #999; padding: 0.3em 0.8em; margin: 0.6em 0; background: #fafafa; }
.finding p { margin: 0.3em 0; }
.finding .headline { font-size: 1.08em; font-weight: 600; }
.finding .run-label { font-size: 0.9em; color: #444; }
.finding.status-estimate { border-color: #1b7837; }
.finding.status-refused { border-color: #b35806; }
.finding.status-simulated { border-color: #762a83; }
.finding.status-not_comparable { border-color: #4d4d4d; }
.finding.status-descriptive { border-color: #2166ac; }
.finding.status-no_policy { border-color: #8c8c8c; }
.finding.status-none, .finding.status-run-failed { border-color: #b30000; background: #fff5f3; }
.badge { display: inline-block; font-size: 0.8em; font-weight: bold; padding: 0.05em 0.5em;
  border-radius: 3px; color: #fff; background: #666; margin-right: 0.4em; }
.badge.status-estimate { background: #1b7837; }
.badge.status-refused { background: #b35806; }
.badge.status-simulated { background: #762a83; }
.badge.status-not_comparable { background: #4d4d4d; }
.badge.status-descriptive { background: #2166ac; }
.badge.status-no_policy { background: #737373; }
.badge.status-none, .badge.status-run-failed { background: #b30000; }
.note { font-style: italic; color: #555; }
table { border-collapse: collapse; width: 100%; font-size: 0.88em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
.ok { color: #006d2c; font-weight: bold; }
.failed { color: #b30000; font-weight: bold; }
tr.run-failed td { background: #fde0dd; }
.thumbs { display: grid; grid-template-columns: repeat(auto-fill, minmax(15em, 1fr)); gap: 0.8em;
  align-items: start; margin: 0.5em 0 1.2em; }
figure.thumb { margin: 0; border: 1px solid #ddd; padding: 0.4em; background: #fff; }
figure.thumb img { width: 100%; height: auto; display: block; }
figcaption { font-size: 0.85em; }
figcaption summary { cursor: pointer; color: #444; }
figcaption p { white-space: pre-wrap; }
.files a { margin-right: 1em; }
code { font-size: 0.9em; }
"""
