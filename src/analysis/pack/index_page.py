"""The reviewers' page of a pack, one per language, leading with what each report found.

A page (``index.html`` in English, ``index.vi.html`` in Vietnamese: see :data:`PAGES`)
reads top to bottom as a briefing:

1. a language switch and a table of contents;
2. failed runs, if any, in a red box with their errors;
3. the findings: per report, each run's headline and sentences (read from the run's
   ``findings.json`` by the builder into the manifest), linking to the run's report;
   a run that saved none says so plainly;
4. the runs table (every run in both languages, failed ones first);
5. the figures, grouped by report, with their captions.

A page shows the runs in its own language, plus runs without a language. A report that
has no run in the page's language falls back to its runs in the other one, marked as such.

Static and self-contained (inline CSS, no scripts, no network), relative links only, and
deterministic: the same manifest gives the same bytes (no build time on the page).
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

from analysis import i18n
from analysis.i18n import N_
from analysis.pack import national_section
from analysis.pack.page_style import CSS as _CSS
from analysis.reports import findings as report_findings, param_words

#: File name of each language's page. English keeps ``index.html``, the name schedulers,
#: bookmarks and the ``latest`` link already open; the Vietnamese page sits beside it with
#: the language before the extension (still ``.html``, so any browser opens it from disk).
PAGES = {"en": "index.html", "vi": "index.vi.html"}

#: Each language's name in that language, for the switch between pages.
LANGUAGE_NAMES = {"en": "English", "vi": "Tiếng Việt"}

#: Run statuses in the runs table (translated when shown).
RUN_STATUS = {"ok": N_("succeeded"), "failed": N_("failed")}
NO_PARAMETERS = N_("notebook defaults")


_ALT_LINE = re.compile(r"\n\n(?P<label>[^\n:]{1,40}): (?P<alt>[^\n]*)\s*\Z")


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _(message: str, lang: str) -> str:
    """Return ``message`` in ``lang``, HTML-escaped (placeholders are left for ``format``).

    Named ``_`` so that Babel extracts the messages (``make messages``); on this page every
    translated text is HTML, so translating and escaping are one step."""
    return _e(i18n.gettext(message, lang))


def page_name(lang: str) -> str:
    """Return the file name of the page in ``lang``; raise ValueError for another language."""
    return PAGES[i18n.check_lang(lang)]


def read_caption(txt: Path) -> tuple[str, str]:
    """Return (caption, alt text) from a figure's .txt file written by plotting.save.

    The alt text is the last paragraph, after a short label ("Alt text: " or its
    translation). A missing file gives empty strings."""
    try:
        text = txt.read_text(encoding="utf-8")
    except OSError:
        return "", ""
    m = _ALT_LINE.search(text.rstrip("\n") + "\n")
    if not m:
        return text.strip(), ""
    return text[:m.start()].strip(), m.group("alt").strip()


def run_lang(record: dict) -> str | None:
    """Return the language of a run: its ``lang`` parameter, else its findings' language,
    else None (a run without language, shown on every page)."""
    lang = record.get("parameters", {}).get("lang") or (record.get("findings") or {}).get("lang")
    return lang if lang in i18n.LANGS else None


def report_of(record: dict) -> str:
    """Return the report a run belongs to: its notebook's file stem."""
    return Path(record["notebook"]).stem


def _by_report(runs: list[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for r in runs:
        groups.setdefault(report_of(r), []).append(r)
    return groups


def _shown(runs: list[dict], lang: str) -> tuple[list[dict], bool]:
    """Return (the runs of one report to show on the ``lang`` page, whether they are a
    fallback in another language because the report has none in ``lang``)."""
    mine = [r for r in runs if run_lang(r) in (lang, None)]
    return (mine, False) if mine else (runs, True)


def _params_text(record: dict, lang: str) -> str:
    """Return the run's parameters other than ``lang`` in words in ``lang`` (escaped):
    "Tỉnh: Nghệ An", not ``province: Nghệ An``; unset (None or empty) ones left out."""
    items = [(label, value) for label, value in param_words.items(
        {k: v for k, v in record["parameters"].items() if k != "lang"}, lang, skip_unset=True)]
    return _e("; ".join(f"{label}: {value}" for label, value in items)) if items else _(NO_PARAMETERS, lang)


def _href(record: dict, anchor: str, shown: set[str]) -> str:
    """Return the link to ``anchor`` of ``record``: on this page when the page shows the
    run (``shown`` names), else on the page of the run's own language."""
    if record["name"] in shown or run_lang(record) is None:
        return f"#{anchor}"
    return f"{page_name(run_lang(record))}#{anchor}"


#: Every text of the page, marked for the catalog here (Babel does not look inside
#: f-strings) and looked up per language by :func:`_texts`.
TEXT = {
    "title": N_("Moving public services online in Vietnamese provinces: reports and figures"),
    "pack": N_("Figure pack {name}"),
    "caption": N_("Caption and files"),
    "summary": N_("Runs: {n} ({ok} succeeded, {failed})."),
    "n_failed": N_("{n} failed"),
    "provenance": N_("Parameter file {params}; data {data}; git commit {commit}{dirty}."),
    "dirty": N_(" (with uncommitted changes)"),
    "unknown": N_("unknown"),
    "contents": N_("Contents"),
    "failed_runs": N_("Failed runs"),
    "findings": N_("What the reports found"),
    "findings_note": N_("Each summary is generated from the run’s results; follow the link for the full report."),
    "runs": N_("Runs"),
    "figures": N_("Figures"),
    "figures_link": N_("figures"),
    "manifest_note": N_("(parameters, input hashes, versions)"),
    "timings_note": N_("(durations)"),
    "failures_title": N_("Failed runs: {n}"),
    "failures_note": N_("Their reports are incomplete; the error and the log say why."),
    "no_error": N_("no error message recorded"),
    "log": N_("log"),
    "report": N_("report"),
    "fallback": N_("Not built in this language; shown in the language it was built in."),
    "failed_after": N_("This run failed after saving these findings: {error}"),
    "no_findings": N_("no findings"),
    "none_failed": N_("No findings: this run failed before saving them."),
    "none_broken": N_("No findings: the saved findings could not be read."),
    "none_older": N_("No findings: this notebook does not save them; open its report to read what it shows."),
    "no_figures": N_("No figures from this run."),
    "head_run": N_("Run"),
    "head_report": N_("Report"),
    "head_lang": N_("Language"),
    "head_params": N_("Parameters"),
    "head_status": N_("Status"),
    "head_files": N_("Files"),
    "head_figures": N_("Figures"),
}


def _texts(lang: str) -> dict[str, str]:
    """Return every page text in ``lang``, HTML-escaped (placeholders kept for ``format``),
    plus the run statuses under ``status-ok`` / ``status-failed``."""
    t = {key: _(msg, lang) for key, msg in TEXT.items()}
    t.update({f"status-{key}": _(msg, lang) for key, msg in RUN_STATUS.items()})
    return t


def _status(record: dict, t: dict) -> str:
    return t.get(f"status-{record['status']}", _e(record["status"]))


def _header(manifest: dict, lang: str, t: dict) -> list[str]:
    runs = manifest["runs"]
    n_failed = sum(r["status"] != "ok" for r in runs)
    git = manifest.get("git", {})
    other = [code for code in i18n.LANGS if code != lang]
    switch = " ".join(f'<a href="{_e(page_name(code))}" hreflang="{code}" lang="{code}">'
                      f"{_e(LANGUAGE_NAMES[code])}</a>" for code in other)
    failed = t["n_failed"].format(n=i18n.integer(n_failed, lang))
    summary = t["summary"].format(n=i18n.integer(len(runs), lang), ok=i18n.integer(len(runs) - n_failed, lang),
                                  failed=f'<span class="{"failed" if n_failed else "ok"}">{failed}</span>')
    commit = _e(git["commit"]) if git.get("commit") else t["unknown"]
    provenance = t["provenance"].format(
        params=f"<code>{_e(manifest['params_file'])}</code>", data=f"<code>{_e(manifest['data_dir'])}</code>",
        commit=f"<code>{commit}</code>", dirty=t["dirty"] if git.get("dirty") else "")
    name = _e(manifest["pack"])
    return [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{t['title']}</title>",
        *(f'<link rel="alternate" hreflang="{code}" href="{_e(page_name(code))}">' for code in other),
        f"<style>{_CSS}</style></head><body>",
        f'<header><h1>{t["title"]}</h1>'
        f'<p class="lang-switch">{switch}</p></header>',
        f'<p class="meta">{t["pack"].format(name=name)}. {summary} {provenance}</p>',
    ]


def _toc(reports: dict[str, list[dict]], lang: str, t: dict, has_failures: bool) -> list[str]:
    def sub(prefix: str) -> str:
        return "<ul>" + "".join(f'<li><a href="#{prefix}-{_e(stem)}">{_e(report_findings.report_title(stem, lang))}'
                                "</a></li>" for stem in reports) + "</ul>"

    items = [f'<li><a href="#failed" class="failed">{t["failed_runs"]}</a></li>'] if has_failures else []
    items += [f'<li><a href="#findings">{t["findings"]}</a>{sub("findings")}</li>',
              f'<li><a href="#runs">{t["runs"]}</a></li>',
              f'<li><a href="#figures">{t["figures"]}</a>{sub("report")}</li>',
              f'<li><a href="manifest.json">manifest.json</a> {t["manifest_note"]}; '
              f'<a href="timings.json">timings.json</a> {t["timings_note"]}</li>']
    return [f'<nav class="toc" aria-label="{t["contents"]}"><strong>{t["contents"]}</strong>',
            "<ul>", *items, "</ul></nav>"]


def _failures(runs: list[dict], lang: str, t: dict) -> list[str]:
    failed = [r for r in runs if r["status"] != "ok"]
    if not failed:
        return []
    title = t["failures_title"].format(n=i18n.integer(len(failed), lang))
    out = ['<section class="failures" id="failed">', f"<h2>{title}</h2>", f"<p>{t['failures_note']}</p>", "<ul>"]
    for r in failed:
        error = _e(r["error"]) if r.get("error") else t["no_error"]
        out.append(f'<li><a href="#run-{_e(r["name"])}"><strong>{_e(r["name"])}</strong></a> '
                   f'<a href="{_e(r["log"])}">{t["log"]}</a> <a href="{_e(r["html"])}">{t["report"]}</a>'
                   f'<div class="error">{error}</div></li>')
    return out + ["</ul>", "</section>"]


def _finding(record: dict, lang: str, t: dict, shown: set[str]) -> list[str]:
    """Return the HTML block of one run's findings (or of their absence)."""
    f = record.get("findings")
    label = (f'<p class="run-label">{_params_text(record, lang)} — <a href="{_e(record["html"])}">{t["report"]}</a>'
             f' · <a href="{_href(record, "fig-" + record["name"], shown)}">{t["figures_link"]}</a></p>')
    if f:
        own = run_lang(record)
        lang_attr = f' lang="{own}"' if own and own != lang else ""
        badge, status = _e(report_findings.status_label(f["status"], lang)), _e(f["status"])
        out = [f'<div class="finding status-{status}"{lang_attr}>',
               f'<p class="headline"><span class="badge status-{status}">{badge}</span>{_e(f["headline"])}</p>',
               *(f"<p>{_e(s)}</p>" for s in f.get("sentences", []))]
        if record["status"] != "ok":
            out.append(f'<p class="failed">{t["failed_after"].format(error=_e(record.get("error") or ""))}</p>')
        return out + [label, "</div>"]
    if record["status"] != "ok":
        kind, text, detail = "run-failed", t["none_failed"], record.get("error") or ""
    elif record.get("findings_error"):
        kind, text, detail = "none", t["none_broken"], record["findings_error"]
    else:
        kind, text, detail = "none", t["none_older"], ""
    return [f'<div class="finding status-{kind}">',
            f'<p class="headline"><span class="badge status-{kind}">{t["no_findings"]}</span>{text}</p>',
            f'<div class="error">{_e(detail)}</div>' if detail else "", label, "</div>"]


def _findings(reports: dict[str, list[dict]], lang: str, t: dict, shown: set[str]) -> list[str]:
    out = [f'<h2 id="findings">{t["findings"]}</h2>', f'<p class="note">{t["findings_note"]}</p>']
    for stem, runs in reports.items():
        mine, fallback = _shown(runs, lang)
        out.append(f'<section class="report" id="findings-{_e(stem)}">'
                   f"<h3>{_e(report_findings.report_title(stem, lang))}</h3>")
        if fallback:
            out.append(f'<p class="note">{t["fallback"]}</p>')
        for r in mine:
            out += _finding(r, lang, t, shown)
        out.append("</section>")
    return out


def _runs_table(runs: list[dict], lang: str, t: dict, shown: set[str]) -> list[str]:
    heads = ("head_run", "head_report", "head_lang", "head_params", "head_status", "head_files", "head_figures")
    out = [f'<h2 id="runs">{t["runs"]}</h2>',
           "<table><thead><tr>" + "".join(f"<th>{t[h]}</th>" for h in heads) + "</tr></thead><tbody>"]
    for r in sorted(runs, key=lambda r: r["status"] == "ok"):  # failed first, otherwise file order
        status = _e(r["status"])
        cell = f'<span class="{status}">{_status(r, t)}</span>'
        if r.get("error"):
            cell += f'<div class="error">{_e(r["error"])}</div>'
        own = run_lang(r)
        files = (f'<a href="{_e(r["html"])}">HTML</a> <a href="{_e(r["notebook_executed"])}">ipynb</a> '
                 f'<a href="{_e(r["log"])}">{t["log"]}</a>')
        out.append(f'<tr class="run-{status}" id="run-{_e(r["name"])}">'
                   f'<td><a href="{_href(r, "fig-" + r["name"], shown)}">{_e(r["name"])}</a></td>'
                   f'<td>{_e(report_findings.report_title(report_of(r), lang))}</td>'
                   f'<td>{_e(LANGUAGE_NAMES[own]) if own else "–"}</td><td>{_params_text(r, lang)}</td>'
                   f'<td>{cell}</td><td class="files">{files}</td><td>{i18n.integer(len(r["figures"]), lang)}</td></tr>')
    out.append("</tbody></table>")
    return out


def _figures(pack_dir: Path, reports: dict[str, list[dict]], lang: str, t: dict) -> list[str]:
    out = [f'<h2 id="figures">{t["figures"]}</h2>']
    for stem, runs in reports.items():
        mine, fallback = _shown(runs, lang)
        out.append(f'<section class="report" id="report-{_e(stem)}">'
                   f"<h3>{_e(report_findings.report_title(stem, lang))}</h3>")
        if fallback:
            out.append(f'<p class="note">{t["fallback"]}</p>')
        for r in mine:
            out.append(f'<h4 id="fig-{_e(r["name"])}"><a href="{_e(r["html"])}">{_params_text(r, lang)}</a> '
                       f'<span class="{_e(r["status"])}">({_status(r, t)})</span></h4>')
            if not r["figures"]:
                out.append(f"<p>{t['no_figures']}</p>")
            else:
                out += ['<div class="thumbs">', *(line for fig in r["figures"] for line in _figure(pack_dir, fig, t)),
                        "</div>"]
        out.append("</section>")
    return out


def _figure(pack_dir: Path, fig: dict, t: dict) -> list[str]:
    """Return one figure as a thumbnail that opens the full-size image, with its caption
    (already drawn in the image) and files folded away beneath, so it reads once."""
    files = fig["files"]
    caption, alt = read_caption(pack_dir / files["txt"]) if "txt" in files else ("", "")
    img = files.get("png") or files.get("svg")
    out = ['<figure class="thumb">']
    if img:
        out.append(f'<a href="{_e(img)}"><img src="{_e(img)}" alt="{_e(alt or caption or fig["name"])}"></a>')
    links = " ".join(f'<a href="{_e(p)}">{_e(k.upper())}</a>' for k, p in sorted(files.items()))
    out.append(f'<figcaption><details><summary>{t["caption"]}</summary><p>{_e(caption)}</p>'
               f'<p class="files">{links}</p></details></figcaption></figure>')
    return out


def render(pack_dir: Path, manifest: dict, lang: str = "en") -> str:
    """Return the HTML of the reviewers' page in ``lang`` for the pack in ``pack_dir``
    described by ``manifest`` (its run records may carry ``findings``).

    The text is NFC. Raises ValueError for a language not in ``i18n.LANGS``."""
    i18n.check_lang(lang)
    runs = manifest["runs"]
    reports = _by_report(runs)
    shown = {r["name"] for group in reports.values() for r in _shown(group, lang)[0]}
    t = _texts(lang)
    # The nation first (league table, map), in place of the reports it covers.
    nation, covered = national_section.render(pack_dir, runs, lang)
    rest = {stem: group for stem, group in reports.items() if stem not in covered}
    parts = [*_header(manifest, lang, t), *_toc(reports, lang, t, any(r["status"] != "ok" for r in runs)),
             *_failures(runs, lang, t), *nation, *_findings(rest, lang, t, shown), *_runs_table(runs, lang, t, shown),
             *_figures(pack_dir, reports, lang, t), "</body></html>"]
    # NFC: text from findings, captions and parameters may arrive decomposed (NFD), which
    # some fonts draw with detached diacritics and which searches do not match.
    return unicodedata.normalize("NFC", "\n".join(parts) + "\n")
