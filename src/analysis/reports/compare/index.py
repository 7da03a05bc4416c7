"""The province comparison on the national Decision 766 index (part of
notebooks/04_province_comparison.ipynb): the one measure on which provinces can be put
side by side, when their figures share the index, the period and the retrieval."""

from __future__ import annotations

import pandas as pd
from matplotlib.ticker import FuncFormatter

from analysis import i18n
from analysis.data import Dataset
from analysis.data.portal import tables
from analysis.data.portal.groups import GROUPS, TOTAL, TOTAL_MAX, group_title
from analysis.i18n import _
from analysis.models import compare
from analysis.reports import plotting


def index_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """Return the pairs of index figures (``kind == 'index'``)."""
    return pairs[pairs["kind"] == "index"] if len(pairs) else pairs


def _group(indicator: str) -> str:
    code = indicator.removeprefix(compare.INDEX_PREFIX)
    return TOTAL if code == "total" else code


def index_citation(ds: Dataset, snapshot_ids) -> str:
    """Return the source sentence of index figures: the portal, the endpoint, each
    snapshot's retrieval date and, where it came through it, the crawler."""
    snaps = tables.read(ds.data_dir)["snapshots"].set_index("snapshot_id")
    parts = []
    for sid in dict.fromkeys(snapshot_ids):
        s = snaps.loc[sid]
        via = (" " + _("via the public crawler {repo}").format(repo=s["upstream_repository"])
               if isinstance(s["upstream_repository"], str) and s["upstream_repository"] else "")
        parts.append(_("{endpoint}, retrieved {date}, snapshot {sid}{via}").format(
            endpoint=s["endpoint"], date=i18n.date(pd.Timestamp(s["retrieved"])), sid=sid, via=via))
    return _("Source: National Public Service Portal (Cổng Dịch vụ công quốc gia), Decision 766/QĐ-TTg index: "
             "{parts}.").format(parts="; ".join(parts))


def index_markdown(pairs: pd.DataFrame, provinces) -> str:
    """Return Markdown saying which provinces are comparable on the index, on which
    period and retrieval, or why not."""
    ip = index_pairs(pairs)
    if ip.empty:
        return _("**No figures of the national index to compare** for {provinces}: the index covers the 34 "
                 "provinces in force since 1 Jul 2025, and a province that ceased has no score.").format(
            provinces=", ".join(provinces))
    comp = ip[ip["comparable"]]
    if comp.empty:
        codes = sorted({c for cs in ip["reason_codes"] for c in cs})
        return _("**The index figures are NOT COMPARABLE**: {codes}.").format(codes=", ".join(codes))
    p = comp.iloc[0]
    return _("**Comparable on the national index**: {a} and {b}, same index, period ({period}) and retrieval; "
             "{n} pairs of figures (total and six groups). Index points, not rates.").format(
        a=p["province_a"], b=p["province_b"], period=p["period_a"], n=i18n.integer(len(comp)))


def index_figure(ds: Dataset, pairs: pd.DataFrame, provinces):
    """Return (fig, data, caption, alt) of the comparable index figures (each group as a
    share of its maximum, one dot per province), or None when no index pair is comparable."""
    comp = index_pairs(pairs)
    comp = comp[comp["comparable"]] if len(comp) else comp
    if comp.empty:
        return None
    rows = []
    for _i, p in comp.iterrows():
        g = _group(p["indicator_a"])
        mx = TOTAL_MAX if g == TOTAL else GROUPS[g][1]
        for side in ("a", "b"):
            rows.append({"group": g, "province": p[f"province_{side}"], "points": p[f"value_{side}"],
                         "max_score": mx, "period": p[f"period_{side}"],
                         "snapshot_id": p[f"id_{side}"].split(":")[0]})
    data = pd.DataFrame(rows).drop_duplicates(["group", "province"])
    order = [g for g in (TOTAL, *GROUPS) if g in set(data["group"])]
    names = list(dict.fromkeys(data["province"]))
    fig, ax = plotting.new_figure(figsize=(9.0, 6.0))
    for k, prov in enumerate(names):
        d = data[data["province"] == prov].set_index("group").loc[order]
        ys = [order.index(g) + (k - (len(names) - 1) / 2) * 0.18 for g in d.index]
        ax.scatter(100 * d["points"] / d["max_score"], ys, s=60, color=plotting.PALETTE[k % 8], label=prov, zorder=3)
        for y, (g, r) in zip(ys, d.iterrows()):
            plotting.data_label(ax, _("{score} of {max}").format(score=i18n.number(r["points"]), max=i18n.number(r["max_score"])),
                        (100 * r["points"] / r["max_score"], y), xytext=(6, -3), textcoords="offset points", fontsize=7)
    ax.set_yticks(range(len(order)), [_(group_title(g)) for g in order])
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: i18n.number(x, 0)))
    ax.set_xlabel(_("Points as a share of each group's maximum (%; index points, not rates)"))
    ax.legend(fontsize=8, loc="lower left")
    snaps = tables.read(ds.data_dir)["snapshots"].set_index("snapshot_id")
    day = snaps.loc[data["snapshot_id"].iloc[0], "retrieved"]
    retrieved = _("Index points (not rates); {period}; one retrieval, {date}").format(
        period=data["period"].iloc[0], date=i18n.date(pd.Timestamp(day)))
    caption = " ".join([
        _("Comparable: the same index (Decision 766, same year's groups and maxima), the same period and the same "
          "retrieval. Index points are not the online dossier rate; a year-to-date figure moves daily, so figures "
          "of different retrievals are not compared."),
        index_citation(ds, data["snapshot_id"])])
    plotting.finish(fig, title=_("Comparable on the national index: {provinces}").format(
        provinces=_(" and ").join(names)), subtitle=retrieved, caption=caption)
    alt = "; ".join(_("{province} {group} {score} of {max}").format(
        province=r["province"], group=_(group_title(r["group"])), score=i18n.number(r["points"]),
        max=i18n.number(r["max_score"])) for _i, r in data.iterrows())
    return fig, data, caption, alt


def save_index_figure(ds: Dataset, pairs: pd.DataFrame, provinces, output_dir):
    """Save the index figure with plotting.save and return its paths, or return the
    Markdown that says why there is none (so a notebook cell shows one or the other)."""
    made = index_figure(ds, pairs, provinces)
    if made is None:
        from IPython.display import Markdown
        return Markdown(index_markdown(pairs, provinces))
    fig, data, caption, alt = made
    name = plotting.figure_name("compare_index766", {"provinces": "-".join(provinces),
                                                      "lang": i18n.get_language()})
    return plotting.save(fig, name, output_dir, caption=caption, alt_text=alt, data=data)


def findings(pairs: pd.DataFrame, provinces):
    """Return the comparison report's findings: what is comparable on the national index
    (with the totals), and how many pairs of reported figures are not comparable and why."""
    from analysis.reports.findings import Findings

    ip = index_pairs(pairs)
    comp = ip[ip["comparable"]] if len(ip) else ip
    other = pairs[pairs["kind"] != "index"] if len(pairs) else pairs
    sentences = []
    if len(other):
        bad = other[~other["comparable"]]
        codes = pd.Series([c for cs in bad["reason_codes"] for c in cs]).value_counts()
        sentences.append(_("{bad} of {n} pairs of reported figures are NOT COMPARABLE; most often: {code}.").format(
            bad=i18n.integer(len(bad)), n=i18n.integer(len(other)),
            code=_reason_words(codes.index[0]) if len(codes) else "—"))
    names = _(" and ").join(provinces)
    total = comp[comp["indicator_a"] == compare.INDEX_PREFIX + "total"] if len(comp) else comp
    if len(total):
        t = total.iloc[0]
        head = _("{provinces}: comparable on the national index ({period}): {a} {va} and {b} {vb} of 100 "
                 "index points.").format(provinces=names, period=t["period_a"], a=t["province_a"],
                                         va=i18n.number(t["value_a"]), b=t["province_b"], vb=i18n.number(t["value_b"]))
        return Findings(report="04_province_comparison", status="descriptive", headline=head, sentences=sentences[:2])
    n_ok = int(other["comparable"].sum()) if len(other) else 0
    head = _("{provinces}: {k} comparable pairs of figures; nothing on the national index.").format(
        provinces=names, k=i18n.integer(n_ok))
    return Findings(report="04_province_comparison", status="descriptive" if n_ok else "not_comparable",
                    headline=head, sentences=sentences[:2])


def _reason_words(code: str) -> str:
    """Return a reason code in words in the current language (the reviewers' page shows it)."""
    from analysis.reports.compare import reason_text  # lazy: compare imports this module

    words = reason_text(code).rstrip(".")
    return words[:1].lower() + words[1:]  # it follows a colon inside a sentence
