"""The province-comparison report's figures, tables and text."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from analysis.models import compare
from analysis.reports import compare as compare_report, params, wording
from analysis.reports.compare import index as compare_index
from analysis import config, i18n

PROVINCES = ["Nghệ An", "Hòa Bình"]

#: The notebook's section headings in each language, in their order.
HEADINGS = {
    "en": ("## Load inputs", "## Model", "## Figures", "## What this does not show"),
    "vi": ("## Nạp dữ liệu đầu vào", "## Mô hình", "## Biểu đồ",
           "## Những điều báo cáo này không cho thấy"),
}


def test_parameters_are_checked(shipped):
    p = params.check("04_province_comparison", provinces=["Nghe An", "Hoà Bình"], tolerance_days=200,
                     data_dir=None, output_dir=None)
    assert p.provinces == PROVINCES and p.tolerance_days == 200
    with pytest.raises(params.ParameterError, match="tolerance_days"):
        params.check("04_province_comparison", provinces=PROVINCES, tolerance_days=-1, data_dir=None, output_dir=None)
    with pytest.raises(params.ParameterError, match="unknown province"):
        params.check("04_province_comparison", provinces=["Atlantis"], tolerance_days=1, data_dir=None, output_dir=None)


def test_nothing_comparable_gives_one_figure_of_closest_pairs_marked(shipped):
    pairs = compare.pair_verdicts(shipped, PROVINCES, 0)
    assert not pairs["comparable"].any()  # the shipped seeds: no two provinces' figures share a date
    figs = compare_report.pair_figures(shipped, pairs, PROVINCES, 0)
    assert len(figs) == 1
    f = figs[0]
    assert f["name"].startswith("compare_closest_pairs")
    titles = [ax.get_title(loc="left") for ax in f["fig"].axes]
    assert titles and all(t.startswith("NOT COMPARABLE") for t in titles)
    assert len(titles) == min(compare_report.CLOSEST_PAIRS, len(pairs))
    assert "NOTHING IS STRICTLY COMPARABLE" in f["caption"] and "Sources:" in f["caption"]
    assert not f["data"]["comparable"].any()
    md = compare_report.summary_markdown(shipped, PROVINCES, pairs, 0)
    assert "Nothing in the data is strictly comparable" in md


def test_comparable_pairs_get_one_figure_per_indicator(shipped):
    pairs = compare.pair_verdicts(shipped, PROVINCES, 3000)
    comp = pairs[pairs["comparable"]]
    assert len(comp)
    figs = compare_report.pair_figures(shipped, pairs, PROVINCES, 3000)
    assert len(figs) == comp["indicator_a"].nunique()
    for f in figs:
        assert f["data"]["comparable"].all()
        assert all(ax.get_title(loc="left").endswith("comparable") for ax in f["fig"].axes)


def test_no_pair_at_all_says_so(shipped):
    names = ["Vĩnh Phúc", "Hà Giang"]  # ceased in 2025, no figure and no index score
    pairs = compare.pair_verdicts(shipped, names, 366)
    figs = compare_report.pair_figures(shipped, pairs, names, 366)
    assert len(figs) == 1 and "no pair of figures" in figs[0]["alt"]
    assert "nothing to put side by side" in compare_report.summary_markdown(shipped, names, pairs, 366)
    assert compare_index.index_figure(shipped, pairs, names) is None
    assert "No figures of the national index" in compare_index.index_markdown(pairs, names)


def test_nghe_an_and_phu_tho_side_by_side_on_the_index(shipped):
    names = ["Nghệ An", "Phú Thọ"]
    pairs = compare.pair_verdicts(shipped, names, 366)
    # No reported figure pairs: the observation figures say so, the index figure compares.
    figs = compare_report.pair_figures(shipped, pairs, names, 366)
    assert "no pair of figures" in figs[0]["alt"]
    fig, data, caption, alt = compare_index.index_figure(shipped, pairs, names)
    assert set(data["province"]) == set(names) and len(data) == 14
    assert "National Public Service Portal" in caption and "retrieved 10 Oct 2026" in caption
    assert "duynghiaqn/Crawler-766" in caption and "not the online dossier rate" in caption
    assert "Nghệ An Total 61.82 of 100" in alt
    assert "7 comparable" in compare_report.summary_markdown(shipped, names, pairs, 366)
    assert "Comparable on the national index" in compare_index.index_markdown(pairs, names)


def test_provision_table_uses_the_reported_counts_and_labels_scope(shipped):
    tab = compare_report.provision_table(shipped, PROVINCES + ["Phú Thọ"])
    obs = shipped.observations
    for prov, ind, col in (("Nghệ An", "procedures_full_online", "full"),
                           ("Hòa Bình", "online_services_partial", "partial"),
                           ("Hòa Bình", "procedures_published", "published")):
        want = obs[(obs["province"] == prov) & (obs["indicator"] == ind)]
        got = tab[(tab["province"] == prov) & (tab["scope"] == want["scope"].iloc[0])][col]
        assert float(got.dropna().iloc[0]) == float(want["value"].iloc[0])
    assert set(tab[tab["province"] == "Hòa Bình"]["counted"]) == {"services"}
    pt = tab[tab["province"] == "Phú Thọ"]
    assert list(pt["status"]) == [compare.NO_DATA] and pt["full"].isna().all()
    fig, data, caption, alt = compare_report.provision_figure(shipped, PROVINCES)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert any("Provincial TTHC information system" in lab for lab in labels)
    assert any("national TTHC database" in lab for lab in labels)
    keys = [wording.source_key(shipped, s) for s in ("seed002", "seed003")]
    assert all(f'{k} "' in caption for k in keys) and "seed00" not in caption


def test_payment_table_records_how_each_percentage_was_made(shipped):
    tab = compare_report.payment_table(shipped, PROVINCES)
    na = tab[(tab["province"] == "Nghệ An") & (tab["indicator"] == "departments_online_payment_above_65pct")].iloc[0]
    obs = shipped.observations.set_index("obs_id").loc[na["obs_id"]]
    assert na["percent"] == pytest.approx(100 * obs["value"] / obs["denominator"])
    assert "/ 13" in na["formula"] or f"/ {int(obs['denominator'])}" in na["formula"]
    hb = tab[tab["province"] == "Hòa Bình"]
    assert set(hb[hb["status"] == compare.REPORTED]["formula"]) == {"as reported"}
    der = hb[hb["status"] == compare.DERIVED].iloc[0]
    assert der["formula"].startswith("online_payment_enabled_rate × procedures_with_fees")
    assert "+" in der["scope"]
    fig, data, caption, alt = compare_report.payment_figure(shipped, PROVINCES)
    assert "NOT COMPARABLE" in caption


def test_lineage_text_names_the_merger(shipped):
    md = compare_report.lineage_markdown(shipped, ["Hòa Bình", "Phú Thọ", "Nghệ An"])
    assert "Hòa Bình** ceased to exist after 30 Jun 2025" in md
    assert "Phú Thọ** absorbed" in md and "Vĩnh Phúc" in md
    assert "Counts across the reform are flagged and not compared" in md
    assert "locality_reform" not in md and "province_ceased" not in md  # flags in words, not codes


def test_notebook_is_committed_without_outputs_and_is_thin(monkeypatch):
    nb = nbformat.read(config.NOTEBOOKS_DIR / "04_province_comparison.ipynb", as_version=4)
    assert nb.metadata["kernelspec"]["name"] == config.KERNEL_NAME
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    assert all("def " not in c.source for c in code)
    assert not [c for c in nb.cells if c.cell_type == "markdown"]  # no prose outside the catalog
    # Headings come from the package in the run's language (compare_report.text), in the notebook's order.
    src = "".join(c.source for c in code)
    keys = [k for k in compare_report.TEXTS if f'compare_report.text("{k}"' in src]
    assert keys == list(compare_report.TEXTS)  # every text is shown, in the catalog's order
    # the parameters in words at the end (show.run_note: no build folder), never `p` itself
    assert code[-1].source == "show.run_note(p)" and not [c for c in code if c.source.splitlines()[-1:] == ["p"]]
    for lang, heads in HEADINGS.items():
        monkeypatch.setattr(i18n, "_current", lang)
        shown = "".join(compare_report.text(k) for k in keys)
        positions = [shown.index(h) for h in heads]
        assert positions == sorted(positions), (lang, positions)
    assert set(params.spec_for("04_province_comparison")) == {"provinces", "tolerance_days", "lang", "data_dir", "output_dir"}


def test_derived_table_is_readable(shipped):
    t = compare_report.derived_table(compare.derive_shares(shipped, PROVINCES))
    assert isinstance(t, pd.DataFrame)
    missing = t[t["value"] == "no data"]
    assert len(missing) and missing["inputs"].str.startswith("missing:").all()


def test_within_province_table_keeps_changes_over_time(shipped):
    t = compare_report.within_province_table(shipped, PROVINCES, 366)
    assert len(t) and set(t["verdict"]) <= {"comparable", "NOT COMPARABLE"}
    assert t["reasons"].str.contains("locality_reform").any()
    # different procedures on one date are not a change over time
    assert not (t["reasons"] == "subunit_differs").any()
    assert t["figure A"].str.contains("> 44%").any() or t["figure B"].str.contains("> 44%").any()


def test_every_reason_code_has_a_translatable_text():
    assert set(compare_report.REASON_TEXTS) == set(compare.REASONS)


def test_vietnamese_reasons_and_texts_carry_no_english_stock_phrase(shipped, monkeypatch):
    import re

    from analysis.reports import wording
    monkeypatch.setattr(i18n, "_current", "vi")
    pairs = compare.pair_verdicts(shipped, PROVINCES, 366)
    summary = compare_report.summary_markdown(shipped, PROVINCES, pairs, 366)
    table = compare_report.not_comparable_table(pairs)
    assert len(table) and (table["why"].str.len() > 0).all()
    assert compare_report.reason_text("scope_differs") in " ".join(table["why"]) + summary
    text = "\n".join([summary, *table["why"], *(compare_report.text(k) for k in compare_report.TEXTS)])
    text = re.sub(r"`[^`]*`", "", text)  # codes stay English
    found = [s for s in wording.stock_phrases() if s in text]
    assert not found, found
    monkeypatch.setattr(i18n, "_current", "en")  # English keeps the model's specific sentences
    assert list(compare_report.not_comparable_table(pairs)["why"]) == list(compare.not_comparable_table(pairs)["why"])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_findings_name_the_commonest_reason_in_words_not_as_a_code(shipped, lang):
    from analysis import i18n
    from analysis.models import compare as compare_model
    from analysis.reports.compare import index as compare_index

    pairs = compare_model.pair_verdicts(shipped, ["Nghệ An", "Hòa Bình"], 366)
    i18n.set_language(lang)
    text = " ".join(compare_index.findings(pairs, ["Nghệ An", "Hòa Bình"]).sentences)
    assert not any(code in text for code in compare_model.REASONS), text
    assert ".." not in text
