"""The province comparison's figures of provision and payment, and the helpers its
figures share (part of notebooks/04_province_comparison.ipynb, see reports.compare)."""

from __future__ import annotations

import textwrap

import pandas as pd

from analysis import i18n
from analysis.data import Dataset
from analysis.i18n import N_, _
from analysis.models import compare
from analysis.reports import plotting, wording

_PROVISION_PARTIAL = {"procedures_partial_online": "procedures", "online_services_partial": "services"}
#: What a provision row counts, in the reader's words.
_COUNTED = {"procedures": N_("procedures"), "services": N_("services")}
_PROVISION_FULL = {"procedures_full_online": "procedures", "online_services_full_process": "services"}
_PAYMENT = compare.RELATED_GROUPS["online payment (capability vs use vs agencies passing a threshold)"]


#: Reasons in a few words, for panel titles (the full sentence is in the caption).
REASON_SHORT = {
    "indicator_differs": N_("different definitions"), "formula_differs": N_("different formulas"),
    "scope_differs": N_("different scopes"), "subunit_differs": N_("different sub-units"),
    "unit_differs": N_("different units"), "period_too_far": N_("dates too far apart"),
    "period_type_differs": N_("interval vs 'as of'"), "period_length_differs": N_("periods of different length"),
    "start_not_stated": N_("start not stated"), "bound_differs": N_("bound vs point"),
}


def indicator_name(ds: Dataset, code: str) -> str:
    """Return the reader's name of indicator or derived share ``code`` (the catalog's title)."""
    meta = ds.indicators.set_index("indicator")
    if code in meta.index:
        return wording.indicator_title(meta.loc[code, "title"])
    titles = {f.family: f.title for f in compare.FORMULAS}
    return _(titles[code]) if code in titles else code


def province_colours(provinces) -> dict[str, str]:
    """Return one palette colour per province, in the order given."""
    return {p: plotting.PALETTE[i % len(plotting.PALETTE)] for i, p in enumerate(provinces)}


def _fmt(v: float) -> str:
    """Return a figure in the current language's number format ('no data' when missing)."""
    if pd.isna(v):
        return _("no data")
    if float(v) == int(v):
        return i18n.integer(v)
    return i18n.number(v, 4 if abs(v) < 10 else 2)


_BOUND_MARK = {"lower": "> ", "upper": "< ", "approximate": "≈ ", "indeterminate": "? "}


def _scopes(scope: str) -> str:
    """Return a scope, or two joined with '+', in the reader's words."""
    return " + ".join(plotting.scope_short(s) for s in str(scope).split("+"))


def _period_words(period: str) -> str:
    """Return a period label of the comparison model ('as of 31/12/2023', or an interval) in the
    reader's language."""
    text = str(period)
    return _("as of {date}").format(date=text[6:]) if text.startswith("as of ") else text


def _label(value, unit, bound, period, scope) -> str:
    u = "%" if unit == "percent" else f" {wording.unit_label(unit)}"
    return f"{_BOUND_MARK.get(bound, '')}{_fmt(value)}{u}\n{_period_words(period)}; {_scopes(scope)}"


# ----------------------------------------------------------------------------- provision


def provision_table(ds: Dataset, provinces) -> pd.DataFrame:
    """Return one row per (province, scope, date) of online service provision: counts of
    full-process, partial and online-but-split-not-stated services or procedures, the
    procedures published in the national TTHC database, what is counted, obs_ids and
    sources. A province without any such figure gets one row with status 'no data'."""
    names = compare.resolve_provinces(ds, provinces)
    obs = ds.observations[ds.observations["province"].isin(names) & (ds.observations["subunit"] == "")]
    wanted = [*_PROVISION_FULL, *_PROVISION_PARTIAL, "online_services_provided", "procedures_published"]
    obs = obs[obs["indicator"].isin(wanted)]
    rows = []
    for p in names:
        po = obs[obs["province"] == p]
        if po.empty:
            rows.append({"province": p, "status": compare.NO_DATA, "scope": None, "period_end": pd.NaT,
                         "counted": None, "full": float("nan"), "partial": float("nan"),
                         "online_unsplit": float("nan"), "published": float("nan"),
                         "obs_ids": "", "source_id": ""})
            continue
        for (scope, end), g in po.groupby(["scope", "period_end"], sort=True):
            val = {i: float(g.loc[g["indicator"] == i, "value"].iloc[0]) for i in g["indicator"]}
            full = next((val[i] for i in _PROVISION_FULL if i in val), float("nan"))
            partial = next((val[i] for i in _PROVISION_PARTIAL if i in val), float("nan"))
            counted = next((_PROVISION_FULL[i] for i in _PROVISION_FULL if i in val),
                           next((_PROVISION_PARTIAL[i] for i in _PROVISION_PARTIAL if i in val),
                                "services" if "online_services_provided" in val else "procedures"))
            provided = val.get("online_services_provided", float("nan"))
            unsplit = provided if pd.isna(full) and pd.isna(partial) else float("nan")
            rows.append({"province": p, "status": compare.REPORTED, "scope": scope, "period_end": end,
                         "counted": counted, "full": full, "partial": partial, "online_unsplit": unsplit,
                         "published": val.get("procedures_published", float("nan")),
                         "obs_ids": "+".join(g["obs_id"]), "source_id": "+".join(dict.fromkeys(g["source_id"]))})
    return pd.DataFrame(rows)


def _provision_row(ax, y: int, r) -> None:
    """Draw one provision row: stacked full/partial/unsplit bars, the full-process share, the
    published-procedures tick."""
    left = 0.0
    for col, colour, name, hatch in (("full", "#009E73", _("Full-process (toàn trình)"), None),
                                     ("partial", "#E69F00", _("Partial (một phần)"), None),
                                     ("online_unsplit", "#BBBBBB", _("Online, full/partial\nsplit not stated"), "//")):
        v = r[col]
        if pd.notna(v):
            ax.barh(y, v, left=left, color=colour, hatch=hatch, edgecolor="white", label=name, height=0.6)
            ax.text(left + v / 2, y, _fmt(v), ha="center", va="center", fontsize=8)
            left += v
    if pd.notna(r["full"]) and pd.notna(r["partial"]):
        share = 100 * r["full"] / (r["full"] + r["partial"])
        ax.text(0, y - 0.34, " " + _("full-process {share} of online provision ({full} of {total})").format(
            share=i18n.percent(share, 1), full=_fmt(r["full"]), total=_fmt(r["full"] + r["partial"])),
            fontsize=7.5, va="bottom")
    if pd.notna(r["published"]):
        ax.plot([r["published"]] * 2, [y - 0.4, y + 0.4], color="black", lw=2,
                label=_("Procedures published\n(national TTHC database)"))
        # The y axis runs downwards: "bottom" puts the text above the tick's end ("top" ran it
        # down along the tick).
        ax.text(r["published"], y - 0.42, " " + _("{n} published").format(n=_fmt(r["published"])),
                fontsize=7.5, va="bottom")
    if left == 0 and pd.notna(r["published"]):
        ax.text(0, y + 0.25, "  " + _("online provision not reported on this scope"), fontsize=7.5, color="#444444")


def provision_figure(ds: Dataset, provinces):
    """Return (fig, data, caption, alt): the composition of online service provision
    (full-process vs partial) per province and date, one bar per scope, with the
    procedures published in the national TTHC database as a tick; 'no data' rows say so."""
    names = compare.resolve_provinces(ds, provinces)
    tab = provision_table(ds, names)
    fig, ax = plotting.new_figure(figsize=(10, 1.1 * len(tab) + 3))
    labels = []
    for y, (_i, r) in enumerate(tab.iterrows()):
        if r["status"] == compare.NO_DATA:
            labels.append(_("{province}\n(no data)").format(province=r["province"]))
            ax.text(0, y, "  " + _("no figure on online service provision in the data (missing, not zero)"),
                    va="center", fontsize=8, color="#444444")
            continue
        scope_label = (_("national TTHC database / national portal") if r["scope"] == "national_portal"
                       else plotting.scope_label(r["scope"]))
        labels.append(_("{province} · as of {date}\n{scope}\n(counts {counted})").format(
            province=r["province"], date=i18n.date(r["period_end"]), scope=scope_label, counted=_(_COUNTED[r["counted"]])))
        _provision_row(ax, y, r)
    ax.set_yticks(range(len(tab)), labels, fontsize=7.5)
    ax.set_ylim(len(tab) - 0.4, -0.6)
    ax.set_xlabel(_("Number of online services or procedures (see each row: what is counted)"))
    h, lab = ax.get_legend_handles_labels()
    uniq = dict(zip(lab, h))
    if uniq:
        ax.legend(uniq.values(), uniq.keys(), fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_xlim(0, max(1.0, tab[["full", "published"]].max().max(), (tab["full"].fillna(0)
                + tab["partial"].fillna(0) + tab["online_unsplit"].fillna(0)).max()) * 1.25)
    srcs = [s for ss in tab["source_id"] for s in ss.split("+") if s]
    caption = _("Composition of online service provision, per province, date and scope. Bars on the provincial "
                "TTHC information system and on the national TTHC database/portal count different things and "
                "are not one series; some rows count procedures (TTHC), others online services. 'As of' dates "
                "of undated stock figures are set by convention (see each observation's note). Provinces and "
                "years differ: the bars are not a comparison.") + " " + (wording.citation(ds, srcs) if srcs else _("Sources: none."))
    alt = "; ".join(_("{province}, {scope}, {month}: full-process {full}, partial {partial}, online without split "
                      "{unsplit}, published {published}").format(
        province=r["province"], scope=plotting.scope_label(r["scope"]), month=i18n.date(r["period_end"], short=True),
        full=_fmt(r["full"]), partial=_fmt(r["partial"]), unsplit=_fmt(r["online_unsplit"]),
        published=_fmt(r["published"]))
        if r["status"] != compare.NO_DATA else _("{province}: no data").format(province=r["province"])
        for _i, r in tab.iterrows())
    plotting.finish(fig, title=_("Online service provision: full-process vs partial, by province, date and scope"),
                    subtitle=_("Each bar is one scope on one date; procedures and services are different counts"),
                    caption=caption)
    return fig, tab, caption, _("Stacked bars of online service provision.") + " " + alt


# ----------------------------------------------------------------------------- payment


def payment_table(ds: Dataset, provinces) -> pd.DataFrame:
    """Return every online-payment figure of the provinces as a percentage with its
    definition: rates as reported; counts of departments with a stated denominator as
    100 × count / denominator (``formula`` recorded). 'no data' row for a province without any."""
    names = compare.resolve_provinces(ds, provinces)
    obs = ds.observations
    meta = ds.indicators.set_index("indicator")
    rows = []
    for p in names:
        po = obs[(obs["province"] == p) & obs["indicator"].isin(_PAYMENT)]
        if po.empty:
            rows.append({"province": p, "status": compare.NO_DATA, "indicator": None, "title": None,
                         "percent": float("nan"), "formula": None, "bound": None, "scope": None,
                         "period": compare.NO_DATA, "obs_id": None, "source_id": None})
            continue
        for _i, r in po.iterrows():
            if r["unit"] == "percent":
                pct, formula = float(r["value"]), "as reported"
            elif pd.notna(r["denominator"]):
                pct = 100.0 * float(r["value"]) / float(r["denominator"])
                formula = f"100 × {int(r['value'])} / {int(r['denominator'])} departments"
            else:
                continue
            rows.append({"province": p, "status": compare.REPORTED, "indicator": r["indicator"],
                         "title": meta.loc[r["indicator"], "title"], "percent": pct, "formula": formula,
                         "bound": r["bound"], "scope": r["scope"], "period": wording.format_period(r),
                         "obs_id": r["obs_id"], "source_id": r["source_id"]})
        # The derived coverage (share of all published procedures payable online), formula recorded.
        der = compare.derive_shares(ds, names)
        der = der[(der["province"] == p) & (der["indicator"] == "online_payment_coverage_of_published")
                  & (der["status"] == compare.DERIVED)]
        for _i, d in der.iterrows():
            rows.append({"province": p, "status": compare.DERIVED, "indicator": d["indicator"],
                         "title": d["title"], "percent": float(d["value"]),
                         "formula": d["formula"], "bound": d["bound"], "scope": d["scope"],
                         "period": _period_words(d["period"]), "obs_id": "+".join(d["inputs"]), "source_id": d["source_id"]})
    return pd.DataFrame(rows)


def payment_figure(ds: Dataset, provinces):
    """Return (fig, data, caption, alt): every online-payment figure as a percentage, one row
    per figure, labelled with its definition, scope and period; the rows are different
    definitions and are not compared (the caption says so)."""
    names = compare.resolve_provinces(ds, provinces)
    tab = payment_table(ds, names)
    colours = province_colours(names)
    fig, ax = plotting.new_figure(figsize=(10, 0.75 * len(tab) + 3))
    labels = []
    for y, (_i, r) in enumerate(tab.iterrows()):
        if r["status"] == compare.NO_DATA:
            labels.append(_("{province}: no online-payment figure").format(province=r["province"]))
            ax.text(1, y, _("no data (missing, not zero)"), va="center", fontsize=8, color="#444444")
            continue
        title = wording.indicator_title(r["title"]) if r["status"] != compare.DERIVED else _(
            "{title} (derived)").format(title=wording.indicator_title(r["title"]))
        labels.append("\n".join(textwrap.wrap(f"{r['province']}: {title}", 48))
                      + f"\n{_scopes(r['scope'])}; {r['period']}")
        ax.scatter([r["percent"]], [y], color=colours[r["province"]], s=70, zorder=3, label=r["province"])
        plotting.data_label(ax, i18n.percent(r["percent"], 1),
                    (r["percent"], y), xytext=(6, 6), textcoords="offset points", fontsize=7.5)
    ax.set_yticks(range(len(tab)), labels, fontsize=7)
    ax.set_ylim(len(tab) - 0.5, -0.7)
    ax.set_xlim(0, 105)
    ax.set_xlabel(_("Percent (each row has its own definition: procedures, dossiers or departments)"))
    h, lab = ax.get_legend_handles_labels()
    uniq = dict(zip(lab, h))
    if uniq:
        ax.legend(uniq.values(), uniq.keys(), fontsize=8, loc="best")
    srcs = [s for ss in tab["source_id"] if isinstance(ss, str) for s in ss.split("+")]
    caption = _("Online payment: every figure in the data, each with its own definition: the share of fee-bearing "
                "procedures where online payment is enabled (capability), of procedures with at least one online "
                "payment (use), of dossiers paid online, or of departments passing a threshold (65% or 10%). "
                "These are different quantities for different provinces and periods: NOT COMPARABLE across "
                "provinces. Rows marked (derived) are computed from reported figures with the formula in the data file; a "
                "derived row whose scope joins two scopes with '+' divides figures from both.") + " " + \
        (wording.citation(ds, srcs) if srcs else _("Sources: none."))
    alt = "; ".join(f"{r['province']} {wording.indicator_title(r['title'])} {i18n.percent(r['percent'], 1)} "
                    f"({r['period']})" if r["status"] != compare.NO_DATA
                    else _("{province}: no data").format(province=r["province"]) for _i, r in tab.iterrows())
    plotting.finish(fig, title=_("Online payment: what each province reports (different definitions)"),
                    subtitle=_("Rows are different measures; not a comparison"), caption=caption)
    return fig, tab, caption, _("Dot chart of online-payment figures.") + " " + alt
