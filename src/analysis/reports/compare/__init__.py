"""Figures, tables and text of the province-comparison report
(notebooks/04_province_comparison.ipynb).

Every figure here shows what can be compared side by side and marks everything else NOT
COMPARABLE with its reasons; when no pair of figures is strictly comparable, the figure
says so and shows the closest pairs, never a faked comparison.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import i18n
from analysis.i18n import N_, _
from analysis.models import compare
from analysis.reports import narrative, plotting, wording
from analysis.data import Dataset
from analysis.reports.compare.measures import (  # noqa: F401  (re-exported for the notebook and tests)
    REASON_SHORT, _BOUND_MARK, _fmt, _label, _period_words, indicator_name, payment_figure, payment_table,
    province_colours, provision_figure, provision_table)
from analysis.reports.params import COMMON, Param

PARAMETERS = {
    "provinces": Param("provinces", "Two or more provinces to compare (any spelling or alias in data/admin_units.csv)."),
    "tolerance_days": Param("int", "Maximum distance in days between two figures' reference dates "
                                   "(interval midpoint or 'as of' date) for the same period.", min=0, max=3660),
    **COMMON,
}

#: How many of the closest not-comparable pairs to draw when nothing is comparable.
CLOSEST_PAIRS = 6

#: The notebook's headings and explanations (English source; see analysis.reports.narrative).
TEXTS = {
    "title": N_(
        "# Comparing provinces without comparing apples with oranges\n\n"
        "The sources report each province in different years, on different scopes (the national TTHC database, "
        "the provincial TTHC system, the provincial centre) and with different definitions (services offered "
        "online vs dossiers submitted online; full-process vs partial services). This report puts side by side "
        "only what is comparable, and shows everything else as NOT COMPARABLE, with the reason. Hòa Bình ceased "
        "to exist as a province on 1 Jul 2025 (merged into Phú Thọ); figures that cross that line are flagged."),
    "load": N_("## Load inputs\n\nEvery table goes through the validating loader: a bad row stops the run with "
               "file, row, column and reason."),
    "matrix": N_("## The indicator matrix\n\nEvery figure each province reports, per indicator, with its scope "
                 "and period. A dash (—) means the sources give no figure: missing, not zero. ⚑ marks a figure "
                 "with an administrative-lineage flag."),
    "derived": N_("## Model: derived shares\n\nShares computed from two or three reported figures of one province. "
                  "Each records its formula, its input observations, and the scope and period of the result; a share "
                  "that divides figures from two scopes is flagged. A province without the inputs shows a dash."),
    "pairs": N_("## Model: which pairs of figures are comparable\n\nEach pair of figures from different provinces on "
                "the same indicator (or on related definitions) is checked for the same indicator, scope, sub-unit, "
                "unit, definition (formula), bound type, period type and reference dates within the tolerance, and "
                "for administrative lineage."),
    "figures": N_("## Figures\n\n### Comparable indicators (or, if none, the closest pairs marked NOT COMPARABLE)"),
    "provision": N_("### Online service provision: full-process vs partial, with its scope"),
    "payment": N_("### Online payment"),
    "index": N_("### The national index (Decision 766)\n\nThe one measure that scores every province the same way. "
                "Figures of two provinces are comparable when they share the index, the period and the retrieval."),
    "not_comparable": N_("### What cannot be compared, and why\n\nOne row per pair of figures that cannot be "
                         "compared, with the reasons in words."),
    "within": N_("### Within each province, over time\n\nThe same checks on a province against itself: the same "
                 "indicator at two dates, and counts of local-government units across the 1 Jul 2025 reform "
                 "(district-level localities before, communes after). A change of scope or of the units counted is "
                 "not a change of behaviour."),
    "limits": N_("## What this does not show"),
}

#: The reasons of ``compare.REASONS`` for the reader, by code (the model keeps its English
#: for logs and JSON; ``tests/test_compare_report.py`` fails when a code is missing here).
REASON_TEXTS = {
    "indicator_differs": N_("The figures measure related but different things (different definitions)."),
    "formula_differs": N_("The derived figures are computed by different formulas or from different kinds of "
                          "input."),
    "scope_differs": N_("The figures count different things or places (measurement scope)."),
    "subunit_differs": N_("The figures are about different sub-units (a task group, a procedure, a locality) or one "
                          "is about a sub-unit and the other about the whole."),
    "unit_differs": N_("The figures are in different units."),
    "period_too_far": N_("The figures' reference dates are further apart than the tolerance."),
    "period_type_differs": N_("One figure covers a stated interval, the other is an 'as of' figure whose start is "
                              "not stated."),
    "period_length_differs": N_("The figures are counts over periods of different length."),
    "start_not_stated": N_("A count that accumulates over time ('as of' a date) has no stated start, so its period "
                           "is unknown."),
    "bound_differs": N_("One figure is a bound ('more than', 'less than') and the other a point, or the bound of a "
                        "derived share is unknown."),
    "province_ceased": N_("A figure is dated after its province ceased to exist."),
    "territory_changed": N_("A successor province's figure after a merger includes the merged provinces, so it is "
                            "not the same territory as the other figure."),
    "index_version_differs": N_("Index figures of different years: the index's groups and maxima were revised "
                                "between years."),
    "retrieval_differs": N_("Index figures to date retrieved on different days (different snapshots): a "
                            "year-to-date figure moves daily."),
    "locality_reform": N_("Counts of local-government units on either side of the 1 Jul 2025 reform (districts "
                          "abolished, communes merged) count different units."),
}


def text(key: str, **values) -> narrative.Markdown:
    """Return the notebook's heading or explanation ``key`` (see :data:`TEXTS`) as Markdown in
    the current language. Raises KeyError for an unknown key."""
    return narrative.render(TEXTS, key, **values)


def reason_text(code: str) -> str:
    """Return the reason ``code`` of ``compare.REASONS`` in words in the current language
    (the model's English when the code has no entry in :data:`REASON_TEXTS`)."""
    return _(REASON_TEXTS[code]) if code in REASON_TEXTS else compare.REASONS[code]


def not_comparable_table(pairs: pd.DataFrame) -> pd.DataFrame:
    """Return ``compare.not_comparable_table(pairs)`` with the reasons in words (column 'why')
    in the current language; figures and reason codes as the model writes them.

    In English the model's own sentences stay (they name the pair's scopes, units and dates);
    in another language each code's general reason from :data:`REASON_TEXTS` replaces them."""
    table = compare.not_comparable_table(pairs)
    if i18n.get_language() != "en":
        bad = pairs[~pairs["comparable"]]
        table["why"] = [" ".join(reason_text(c) for c in codes) for codes in bad["reason_codes"]]
    return table



# ----------------------------------------------------------------------------- text


def summary_markdown(ds: Dataset, provinces, pairs: pd.DataFrame, tolerance_days: int) -> str:
    """Return Markdown saying how many pairs of figures are comparable and, when none are,
    that the report will not fake a comparison, and what data would make one possible."""
    names = compare.resolve_provinces(ds, provinces)
    n, k = len(pairs), int(pairs["comparable"].sum()) if len(pairs) else 0
    head = _("**{provinces}**: {n} pair(s) of figures on the same or a related indicator (reported, derived "
             "and the national index), **{k} comparable** at a period tolerance of {days} days.").format(
        provinces=", ".join(names), n=i18n.integer(n), k=i18n.integer(k), days=i18n.integer(tolerance_days))
    if n == 0:
        return head + "\n\n" + _("The sources report no indicator, or related definition, for more than one of "
                                  "these provinces: there is nothing to put side by side. To compare them, the data "
                                  "would need the same indicator, on the same scope, for the same period, for each "
                                  "province.")
    lines = [head, ""]
    if k:
        comp = pairs[pairs["comparable"]]
        lines.append(_("Comparable pairs:"))
        for _i, p in comp.iterrows():
            lines.append("- " + _("{indicator}: {a} {va} ({pa}) vs {b} {vb} ({pb}), scope *{scope}*.").format(
                indicator=wording.indicator_words(ds, p["indicator_a"]), a=p["province_a"], va=_fmt(p["value_a"]),
                pa=p["period_a"], b=p["province_b"], vb=_fmt(p["value_b"]), pb=p["period_b"],
                scope=plotting.scope_label(p["scope_a"])))
    else:
        lines.append(_("**Nothing in the data is strictly comparable across these provinces.** The figures below "
                       "show the closest pairs, each marked NOT COMPARABLE with its reasons; they are not a "
                       "comparison. A comparison would need the same indicator, on the same scope and definition, "
                       "for periods no more than {days} days apart, from each province.").format(
            days=i18n.integer(tolerance_days)))
    codes = pd.Series([c for cs in pairs["reason_codes"] for c in cs]).value_counts()
    if len(codes):
        lines += ["", _("Why pairs are not comparable (number of pairs per reason):"), ""]
        lines += [f"- {reason_text(c)} ({i18n.integer(n_)})" for c, n_ in codes.items()]
    return "\n".join(lines)


def lineage_markdown(ds: Dataset, provinces) -> str:
    """Return Markdown on the administrative lineage of the provinces: which ceased to exist
    (and into what), which absorbed others, and which figures carry a lineage flag."""
    names = compare.resolve_provinces(ds, provinces)
    admin = ds.admin_units.set_index("province")
    lines = []
    for p in names:
        a = admin.loc[p]
        obs = ds.observations[ds.observations["province"] == p]
        last = (_("; its figures in the data end {date}").format(date=i18n.date(obs["period_end"].max()))
                if len(obs) else _("; the data hold no figure for it"))
        if pd.notna(a["valid_to"]):
            lines.append("- " + _("**{province}** ceased to exist after {date} (merged into {successor}){last}. A "
                                  "figure dated later is flagged and is not compared.").format(
                province=p, date=i18n.date(a["valid_to"]), successor=a["successor"] or _("no named successor"),
                last=last))
        preds = compare.predecessors(ds, p)
        if preds:
            lines.append("- " + _("**{province}** absorbed {merged} after {date}: its later figures cover a larger "
                                  "territory, and are not compared with the merged provinces or with {province} "
                                  "before{last}.").format(
                province=p, merged=", ".join(q for q, _d in preds), date=i18n.date(max(t for _q, t in preds)),
                last=last))
        local = obs[obs["unit"].isin(compare.LOCAL_UNIT_UNITS) | obs["scope"].isin(compare.LOCAL_UNIT_UNITS)]
        if len(local):
            before = int((local["period_end"] < compare.REFORM_DATE).sum())
            lines.append("- " + _("**{province}**: {n} figure(s) count local-government units ({before} before and "
                                  "{after} after the 1 Jul 2025 reform). Counts across the reform are flagged "
                                  "and not compared (e.g. 20 district-level localities before, 130 communes after "
                                  "in Nghệ An).").format(province=p, n=i18n.integer(len(local)),
                                                         before=i18n.integer(before),
                                                         after=i18n.integer(len(local) - before)))
        if not lines or not lines[-1].startswith(f"- **{p}**"):
            lines.append("- " + _("**{province}**: no change of boundaries recorded in the list of administrative units{last}.").format(
                province=p, last=last))
    return "\n".join(lines)


# ----------------------------------------------------------------------------- pair figures


def _pick_closest(pairs: pd.DataFrame, k: int) -> pd.DataFrame:
    """Return up to ``k`` pairs, one per (kind, indicator pair), fewest reasons first."""
    if pairs.empty:
        return pairs
    key = pairs.apply(lambda p: (p["kind"], *sorted([p["indicator_a"], p["indicator_b"]])), axis=1)
    return pairs.loc[~key.duplicated()].head(k)


def _dumbbell(ds: Dataset, chosen: pd.DataFrame, colours: dict, title: str, subtitle: str,
              caption_head: str):
    n = max(1, len(chosen))
    fig, axes = plotting.new_figure(n, 1, figsize=(10, 2.1 * n + 3.2), squeeze=False)
    for ax, (_i, p) in zip(axes[:, 0], chosen.iterrows()):
        comparable = bool(p["comparable"])
        xa, xb = p["value_a"], p["value_b"]
        same_unit = p["unit_a"] == p["unit_b"]
        ax.plot([xa, xb], [0, 0], color=colours[p["province_a"]] if comparable else "#999999",
                ls="-" if comparable else ":", lw=2, zorder=1)
        for x, prov, unit, bound, period, scope, dy in (
                (xa, p["province_a"], p["unit_a"], p["bound_a"], p["period_a"], p["scope_a"], 1),
                (xb, p["province_b"], p["unit_b"], p["bound_b"], p["period_b"], p["scope_b"], -1)):
            marker = {"lower": ">", "upper": "<"}.get(bound, "o")
            ax.scatter([x], [0], s=90, color=colours[prov], marker=marker, zorder=3, label=prov)
            plotting.data_label(ax, f"{prov}: {_label(x, unit, bound, period, scope)}", (x, 0),
                        xytext=(0, 14 * dy), textcoords="offset points", ha="center",
                        va="bottom" if dy > 0 else "top", fontsize=7.5)
        ax.set_yticks([])
        ax.set_ylim(-1.6, 1.6)
        lo, hi = min(xa, xb), max(xa, xb)
        pad = (hi - lo) * 0.35 or abs(hi) * 0.3 or 1.0
        ax.set_xlim(lo - pad, hi + pad)
        ind = _pair_name(ds, p)
        kind = _(" (derived)") if p["kind"] == "derived" else ""
        if comparable:
            ax.set_title(_("{indicator}{kind}: comparable").format(indicator=ind, kind=kind), fontsize=9, loc="left",
                         color="#009E73")
        else:
            ax.set_title(_("NOT COMPARABLE — {indicator}{kind}: {codes}").format(
                indicator=ind, kind=kind, codes="; ".join(_(REASON_SHORT.get(c, c)) for c in p["reason_codes"])),
                fontsize=9, loc="left", color="#D55E00")
        unit_text = (("%" if p["unit_a"] == "percent" else wording.unit_label(p["unit_a"])) if same_unit
                     else _("{a} ({pa}) / {b} ({pb}): different units").format(
                         a=wording.unit_label(p["unit_a"]), pa=p["province_a"], b=wording.unit_label(p["unit_b"]),
                         pb=p["province_b"]))
        ax.set_xlabel(_("Value ({unit})").format(unit=unit_text), fontsize=8)
    srcs = list(chosen["source_a"]) + list(chosen["source_b"])
    srcs = [s for ss in srcs for s in str(ss).split("+")]
    caption = caption_head + " " + wording.citation(ds, srcs)
    plotting.finish(fig, title=title, subtitle=subtitle, caption=caption)
    data = chosen.drop(columns=["reasons", "caveats"]).assign(
        reason_codes=chosen["reason_codes"].map(";".join),
        reasons=chosen["reasons"].map(lambda rs: " ".join(r["text"] for r in rs)))
    return fig, data, caption


def pair_figures(ds: Dataset, pairs: pd.DataFrame, provinces, tolerance_days: int) -> list[dict]:
    """Return the pair figures as a list of {name, fig, data, caption, alt}.

    One dumbbell figure per indicator (or derived share) with at least one comparable
    pair; when there is none, one figure of the closest pairs (fewest reasons, then
    nearest periods), each marked NOT COMPARABLE with its reason codes; when there is no
    pair at all, a figure that says so.
    """
    names = compare.resolve_provinces(ds, provinces)
    colours = province_colours(names)
    out = []
    # Index figures have their own figure (reports.compare.index), with the portal's citation.
    pairs = pairs[pairs["kind"] != "index"] if len(pairs) else pairs
    comp = pairs[pairs["comparable"]] if len(pairs) else pairs
    if len(comp):
        for ind, grp in comp.groupby("indicator_a", sort=False):
            title = _("{indicator}: figures that can be compared across provinces").format(
                indicator=indicator_name(ds, ind))
            gaps = ", ".join(i18n.integer(d) for d in grp["period_distance_days"])
            cap = _("Comparable pairs of '{indicator}': same indicator, scope, definition, unit and bound type, "
                    "reference dates within the chosen tolerance of {days} days (here {gaps} days apart). Labels "
                    "give each figure's period and scope; a difference between two figures mixes province and time "
                    "when their dates differ. Caveats (not blocking): {caveats}.").format(
                indicator=indicator_name(ds, ind), days=i18n.integer(tolerance_days), gaps=gaps,
                caveats="; ".join(sorted({c['text'] for cs in grp['caveats'] for c in cs})) or _("none"))
            fig, data, caption = _dumbbell(ds, grp, colours, title, _(
                "{n} comparable pair(s); tolerance {days} days").format(
                n=i18n.integer(len(grp)), days=i18n.integer(tolerance_days)), cap)
            alt = _("Dumbbell chart of {indicator}: {pairs}.").format(indicator=indicator_name(ds, ind), pairs="; ".join(
                _("{a} {va} ({pa}) vs {b} {vb} ({pb})").format(
                    a=p["province_a"], va=_fmt(p["value_a"]), pa=_period_words(p["period_a"]), b=p["province_b"],
                    vb=_fmt(p["value_b"]), pb=_period_words(p["period_b"])) for _i, p in grp.iterrows()))
            out.append({"name": plotting.figure_name(f"compare_pair_{ind}", _fig_params(names, tolerance_days)),
                        "fig": fig, "data": data, "caption": caption, "alt": alt})
        return out
    fig_params = _fig_params(names, tolerance_days)
    if pairs.empty:
        fig, ax = plotting.new_figure()
        msg = _("No indicator or related definition is reported for more than one of {provinces}: "
                "there is no pair of figures to compare.").format(provinces=", ".join(names))
        plotting.empty_panel(ax, msg)
        caption = msg + " " + wording.citation(ds, ds.observations[ds.observations["province"].isin(names)]["source_id"])
        plotting.finish(fig, title=_("Nothing to compare"), caption=caption)
        return [{"name": plotting.figure_name("compare_pairs_none", fig_params), "fig": fig,
                 "data": pairs, "caption": caption, "alt": msg}]
    chosen = _pick_closest(pairs, CLOSEST_PAIRS)
    codes = dict.fromkeys(c for cs in chosen["reason_codes"] for c in cs)
    cap = _("NOTHING IS STRICTLY COMPARABLE: these are the closest pairs (fewest reasons, nearest periods), each "
            "marked NOT COMPARABLE with its reasons; the dotted grey line joins figures that must not be read "
            "as a comparison. Reasons: {codes} ▶ = lower bound.").format(
        codes=" ".join(f"{_(REASON_SHORT.get(c, c))}: {reason_text(c)}" for c in codes))
    fig, data, caption = _dumbbell(ds, chosen, colours,
                                   _("No strictly comparable figures: {provinces}").format(provinces=" vs ".join(names)),
                                   _("Closest pairs, all NOT COMPARABLE (tolerance {days} days)").format(
                                       days=i18n.integer(tolerance_days)), cap)
    alt = "; ".join(_("NOT COMPARABLE {indicator}: {a} {va} vs {b} {vb} ({reasons})").format(
        indicator=_pair_name(ds, p), a=p["province_a"], va=_fmt(p["value_a"]), b=p["province_b"],
        vb=_fmt(p["value_b"]), reasons="; ".join(_(REASON_SHORT.get(c, c)) for c in p["reason_codes"]))
        for _i, p in chosen.iterrows())
    return [{"name": plotting.figure_name("compare_closest_pairs", fig_params), "fig": fig, "data": data,
             "caption": caption, "alt": alt}]


def _pair_name(ds: Dataset, p) -> str:
    """Return the indicator(s) of a pair in words: one name, or 'A vs B'."""
    a = indicator_name(ds, p["indicator_a"])
    return a if p["indicator_a"] == p["indicator_b"] else _("{a} vs {b}").format(
        a=a, b=indicator_name(ds, p["indicator_b"]))


def _fig_params(names, tolerance_days) -> dict:
    """Return the parameters a comparison figure's file name carries (the language too:
    both languages of one run never write the same file)."""
    return {"provinces": "-".join(names), "tol": tolerance_days, "lang": i18n.get_language()}


def save_figures(figures: list[dict], output_dir) -> list[Path]:
    """Save every figure of :func:`pair_figures` with plotting.save; return the PNG paths."""
    return [plotting.save(f["fig"], f["name"], output_dir, caption=f["caption"], alt_text=f["alt"],
                          data=f["data"])["png"] for f in figures]


def derived_table(derived: pd.DataFrame) -> pd.DataFrame:
    """Return the derived shares as a readable table (value, formula, inputs, scope, period),
    'no data' rows naming the missing inputs."""
    out = derived.copy()
    out["value"] = out.apply(lambda r: "no data" if r["status"] == compare.NO_DATA
                             else f"{_BOUND_MARK.get(r['bound'], '')}{r['value']:.4g} {r['unit']}", axis=1)
    out["inputs"] = out.apply(lambda r: "+".join(r["inputs"]) if r["inputs"]
                              else "missing: " + ", ".join(r["missing_inputs"]), axis=1)
    out["caveats"] = out["caveats"].map(lambda cs: " ".join(c["text"] for c in cs))
    return out[["indicator", "province", "value", "formula", "inputs", "scope", "period", "source_id", "caveats"]]


def within_province_pairs(ds: Dataset, provinces, tolerance_days: int) -> pd.DataFrame:
    """Return the pairs of one province's own figures over time that the report judges: the
    same indicator at two dates, or unit counts across the 2025 reform (rows of pair_verdicts)."""
    pairs = compare.pair_verdicts(ds, provinces, tolerance_days, within_province=True)
    same = pairs["province_a"] == pairs["province_b"]
    # Figures about two different procedures or localities of one date are not a change over time.
    only_subunit = pairs["reason_codes"].map(lambda c: c == ["subunit_differs"])
    return pairs[same & ~only_subunit & ((pairs["indicator_a"] == pairs["indicator_b"])
                                         | pairs["reason_codes"].map(lambda c: "locality_reform" in c))]


def within_province_table(ds: Dataset, provinces, tolerance_days: int) -> pd.DataFrame:
    """Return the verdicts on pairs of one province's own figures over time: the same
    indicator at two dates, or local-government unit counts across the 2025 reform. One
    row per pair with 'verdict', the two figures and the reasons (empty when comparable)."""
    own = within_province_pairs(ds, provinces, tolerance_days)
    table = not_comparable_table(own.assign(comparable=False))
    table.insert(0, "verdict", ["comparable" if ok else "NOT COMPARABLE" for ok in own["comparable"]])
    return table


def what_this_does_not_show() -> str:
    """Return the Markdown of the report's limits, and what data would answer more."""
    return narrative.bullets((
        _("A pair marked comparable shares indicator, scope, definition, unit and bound type, and its reference "
          "dates are within the tolerance. It is still two numbers from news articles or the portal, without "
          "sampling error or an interval: a difference between them is a description, not an estimate of an effect."),
        _("Nothing here adjusts for province size, population or the mix of procedures; counts of dossiers or "
          "services reflect size as much as uptake."),
        _("'As of' stock figures whose date a source does not state were dated by convention (see the note on "
          "each figure in the project's data); the period distance uses that date."),
        _("Derived shares divide figures the sources report separately; where their scopes differ (the provincial "
          "system vs the national TTHC database) the result is flagged and is not a measured share."),
        _("On the national Decision 766 index, points are not rates, a year-to-date figure moves with the day it is "
          "retrieved, and the groups and maxima change between years: only figures of the same index, period and "
          "retrieval are compared."),
        _("What would make the provinces comparable on their own reports: the same indicator (e.g. the online "
          "dossier rate as published by the National Public Service Portal) for each province for the same month "
          "or quarter, and figures for Phú Thọ after 1 Jul 2025 split by former province."),
    ))
