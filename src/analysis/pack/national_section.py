"""The nation first on the reviewers' page: the national finding (who leads and trails,
the national figure, a small map) and the league table of the provinces, each row linking
to that province's scorecard, in place of one paragraph per scorecard.

:func:`render` reads the national overview's run (``08_national_overview``) from the
manifest: its findings, its map of the total, and the league table it saved as the data
of its ``national_league`` figure (CSV). A pack without that run, or whose run saved no
league table, gets no section, and the page shows every report's findings as before.

The section's blocks carry the ids the page's table of contents links to
(``findings-08_national_overview``, ``findings-05_province_scorecard``), so no link dies
when the scorecards' paragraphs are replaced.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from analysis import i18n
from analysis.data.portal.groups import GROUPS, TOTAL_MAX, group_title
from analysis.i18n import N_
from analysis.reports import findings as report_findings

#: The maps' palette (``analysis.reports.maps.CMAP``), named here rather than imported: the
#: maps module imports pyplot, and a pack runner that imported pyplot before it forks its
#: kernel factory gives the kernels the wrong backend (no figures in the HTML).
CMAP = "cividis"

NATIONAL = "08_national_overview"
SCORECARD = "05_province_scorecard"
LEAGUE_FIGURE = "national_league"
MAP_FIGURE = "national_map__group-total"

TEXT = {
    "league": N_("The provinces, best first"),
    "league_note": N_("Index points (not rates). Each cell is shaded by its share of the group's maximum (lighter: "
                      "nearer the maximum). Follow a province's name to its scorecard."),
    "rank": N_("Rank"),
    "province": N_("Province"),
    "total": N_("Total"),
    "move": N_("Move in rank"),
    "report": N_("full national report"),
    "map_alt": N_("Map of the provinces' total index points"),
    "no_scorecard": N_("no scorecard in this pack"),
}

#: The section's own styles (the shared style sheet stays untouched).
STYLE = """<style>
.nation { margin: 1em 0; }
.nation .nation-head { display: flex; gap: 1.2em; align-items: flex-start; flex-wrap: wrap; }
.nation .nation-head .finding { flex: 1 1 24em; }
.nation figure.nation-map { margin: 0; border: none; padding: 0; flex: 0 0 15em; }
.nation figure.nation-map img { width: 15em; }
table.league td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.league td.move { text-align: center; }
</style>"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _t(key: str, lang: str) -> str:
    return _e(i18n.gettext(TEXT[key], lang))


def _run_of(runs: list[dict], stem: str, lang: str) -> dict | None:
    """Return the run of report ``stem`` in ``lang`` (else in any language), or None."""
    mine = [r for r in runs if Path(r["notebook"]).stem == stem]
    own = [r for r in mine if r.get("parameters", {}).get("lang") == lang]
    return (own or mine or [None])[0]


def _figure(record: dict, prefix: str) -> dict | None:
    return next((f for f in record.get("figures", []) if f["name"].startswith(prefix)), None)


def read_league(pack_dir: Path, record: dict) -> pd.DataFrame | None:
    """Return the league table the national run saved (its league figure's CSV), or None
    when the run saved none or the file cannot be read."""
    fig = _figure(record, LEAGUE_FIGURE)
    if fig is None or "csv" not in fig["files"]:
        return None
    try:
        return pd.read_csv(Path(pack_dir) / fig["files"]["csv"], dtype={"code": str})
    except (OSError, ValueError):
        return None


def _scorecards(runs: list[dict], lang: str) -> dict[str, dict]:
    """Return each province's scorecard run, preferring the page's language."""
    out: dict[str, dict] = {}
    for r in runs:
        if Path(r["notebook"]).stem != SCORECARD:
            continue
        prov = r.get("parameters", {}).get("province")
        if prov and (prov not in out or r.get("parameters", {}).get("lang") == lang):
            out[prov] = r
    return out


def _cell(points: float, maximum: float, lang: str) -> str:
    import matplotlib as mpl  # here, not at import: see CMAP

    ratio = max(0.0, min(1.0, points / maximum))
    colour = mpl.colors.to_hex(mpl.colormaps[CMAP](ratio))
    ink = "#111" if ratio >= 0.55 else "#fff"
    return (f'<td class="num" style="background:{colour};color:{ink}">'
            f"{_e(i18n.number(points, 2, lang, trim=False))}</td>")


def _move(change, lang: str) -> str:
    if pd.isna(change):
        return "—"
    if change == 0:
        return "="
    return ("▲" if change > 0 else "▼") + i18n.integer(abs(change), lang)


def _league_rows(league: pd.DataFrame, cards: dict[str, dict], lang: str) -> list[str]:
    rows = []
    for _i, r in league.iterrows():
        card = cards.get(r["province"])
        name = (f'<a href="{_e(card["html"])}">{_e(r["province"])}</a>' if card else
                f'{_e(r["province"])} <span class="note">({_t("no_scorecard", lang)})</span>')
        cells = [_cell(r["total"], TOTAL_MAX, lang), *(_cell(r[g], GROUPS[g][1], lang) for g in GROUPS)]
        rows.append(f'<tr id="province-{_e(r["code"])}"><td class="num">{_e(i18n.integer(r["rank"], lang))}</td>'
                    f"<td>{name}</td>{''.join(cells)}<td class=\"move\">{_move(r['rank_change'], lang)}</td></tr>")
    return rows


def _league(league: pd.DataFrame, runs: list[dict], lang: str) -> list[str]:
    heads = [_t("rank", lang), _t("province", lang), _t("total", lang),
             *(_e(i18n.gettext(group_title(g), lang)) for g in GROUPS), _t("move", lang)]
    return [f'<section class="report" id="findings-{SCORECARD}">',
            f"<h3>{_t('league', lang)}</h3>", f'<p class="note">{_t("league_note", lang)}</p>',
            '<table class="league"><thead><tr>' + "".join(f"<th>{h}</th>" for h in heads) + "</tr></thead><tbody>",
            *_league_rows(league, _scorecards(runs, lang), lang), "</tbody></table>", "</section>"]


def _head(pack_dir: Path, record: dict, lang: str) -> list[str]:
    """Return the national finding beside the small map of the total."""
    f = record.get("findings") or {}
    status = _e(f.get("status", "descriptive"))
    badge = _e(report_findings.status_label(f.get("status", "descriptive"), lang))
    own = f.get("lang")
    lang_attr = f' lang="{_e(own)}"' if own and own != lang else ""  # a fallback in the other language
    block = [f'<div class="finding status-{status}"{lang_attr}>',
             f'<p class="headline"><span class="badge status-{status}">{badge}</span>{_e(f.get("headline", ""))}</p>',
             *(f"<p>{_e(s)}</p>" for s in f.get("sentences", [])),
             f'<p class="run-label"><a href="{_e(record["html"])}">{_t("report", lang)}</a></p>', "</div>"]
    fig = _figure(record, MAP_FIGURE)
    if fig and "png" in fig["files"]:
        block += ['<figure class="nation-map">', f'<a href="{_e(fig["files"]["png"])}">'
                  f'<img src="{_e(fig["files"]["png"])}" alt="{_t("map_alt", lang)}"></a>', "</figure>"]
    return ['<div class="nation-head">', *block, "</div>"]


def render(pack_dir: Path, runs: list[dict], lang: str) -> tuple[list[str], set[str]]:
    """Return (the section's HTML lines, the reports whose findings it replaces) for the
    page in ``lang``; ([], set()) when the pack has no usable national overview."""
    record = _run_of(runs, NATIONAL, lang)
    if record is None or record["status"] != "ok" or not record.get("findings"):
        return [], set()
    league = read_league(pack_dir, record)
    if league is None:
        return [], set()
    title = _e(report_findings.report_title(NATIONAL, lang))
    parts = [STYLE, f'<section class="nation" id="findings-{NATIONAL}">', f"<h2 id=\"nation\">{title}</h2>",
             *_head(pack_dir, record, lang), *_league(league, runs, lang), "</section>"]
    return parts, {NATIONAL, SCORECARD}
