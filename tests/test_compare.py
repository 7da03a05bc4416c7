"""Province comparison: comparability rules (one case per reason), lineage around the
2025 merger, derived shares, and missing data shown as missing."""

from __future__ import annotations

import csv
import math
import unicodedata

import pandas as pd
import pytest

from analysis.models import compare
from analysis import data
from analysis.data import UnknownProvinceError
from analysis.errors import Refused

T = pd.Timestamp


def row(**kw) -> pd.Series:
    """A synthetic figure: a point percent for Nghệ An, province-wide, as of 30/06/2024."""
    base = dict(obs_id="X1", province="Nghệ An", indicator="online_dossier_rate", scope="province_wide",
                subunit="", period_type="as_of", period_start=pd.NaT, period_end=T("2024-06-30"),
                value=50.0, unit="percent", bound="exact", source_id="seed001")
    base.update(kw)
    return pd.Series(base)


def codes(verdict) -> set[str]:
    return {r["code"] for r in verdict["reasons"]}


def test_the_same_figure_in_two_provinces_is_comparable(shipped):
    v = compare.pair_verdict(shipped, row(), row(obs_id="X2", province="Hòa Bình", value=60.0))
    assert v["comparable"] is True
    assert v["reasons"] == [] and v["caveats"] == []


# One case per reason code: start from a comparable pair and change one thing.
REASON_CASES = {
    "indicator_differs": ({}, dict(indicator="online_service_coverage_rate")),
    "formula_differs": (dict(indicator="full_process_share_of_online", formula="100 × a / (a + b)", basis="procedures"),
                        dict(indicator="full_process_share_of_online", formula="100 × c / (c + d)", basis="services")),
    "scope_differs": ({}, dict(scope="national_portal")),
    "subunit_differs": ({}, dict(subunit="nhóm phát triển kinh tế - xã hội")),
    "unit_differs": ({}, dict(unit="services")),
    "period_too_far": ({}, dict(period_end=T("2022-01-01"))),
    "period_type_differs": (dict(period_type="interval", period_start=T("2024-01-01"), period_end=T("2024-12-31")),
                            dict(period_type="as_of", period_start=pd.NaT, period_end=T("2024-07-01"))),
    "period_length_differs": (dict(unit="dossiers", indicator="total_dossiers", value=1000.0, period_type="interval",
                                   period_start=T("2024-01-01"), period_end=T("2024-12-31")),
                              dict(unit="dossiers", indicator="total_dossiers", value=900.0, period_type="interval",
                                   period_start=T("2024-04-01"), period_end=T("2024-09-30"))),
    "start_not_stated": (dict(unit="dossiers", indicator="total_dossiers", value=1000.0),
                         dict(unit="dossiers", indicator="total_dossiers", value=900.0)),
    "bound_differs": ({}, dict(bound="lower")),
    "province_ceased": (dict(period_end=T("2025-07-01")), dict(period_end=T("2025-07-01"))),
    "territory_changed": (dict(province="Phú Thọ", period_end=T("2025-07-31")),
                          dict(province="Hòa Bình", period_end=T("2025-06-30"))),
    "locality_reform": (dict(indicator="communes_with_admin_centre", unit="communes", scope="communes", value=130.0,
                             period_end=T("2025-07-10")),
                        dict(indicator="communes_with_admin_centre", unit="communes", scope="communes", value=20.0,
                             period_end=T("2025-06-20"))),
    "index_version_differs": (dict(indicator="index766_total", unit="points", index_version="Decision 766, 2024",
                                   snapshot_id="s1", retrieved="2024-06-30"),
                              dict(index_version="Decision 766, 2025")),
    "retrieval_differs": (dict(indicator="index766_total", unit="points", index_version="Decision 766, 2024",
                               snapshot_id="s1", retrieved="2024-06-30"),
                          dict(snapshot_id="s2", retrieved="2024-06-29")),
}


def test_every_reason_code_has_a_case():
    assert set(REASON_CASES) == set(compare.REASONS)


@pytest.mark.parametrize("code", sorted(REASON_CASES))
def test_each_reason_alone_makes_a_pair_not_comparable(shipped, code):
    a_kw, b_kw = REASON_CASES[code]
    a = row(**a_kw)
    b = row(**{"obs_id": "X2", "province": "Hòa Bình", "value": 60.0, **a_kw, **b_kw})
    v = compare.pair_verdict(shipped, a, b)
    assert v["comparable"] is False
    assert codes(v) == {code}
    text = next(r["text"] for r in v["reasons"] if r["code"] == code)
    assert text.strip() and "nan" not in text.lower()
    # the verdict is symmetric in its reasons
    assert codes(compare.pair_verdict(shipped, b, a)) == {code}


def test_period_tolerance_is_a_parameter_with_an_inclusive_edge(shipped):
    a, b = row(), row(obs_id="X2", province="Hòa Bình", period_end=T("2024-06-30") + pd.Timedelta(days=100))
    assert compare.pair_verdict(shipped, a, b, tolerance_days=100)["comparable"]
    v = compare.pair_verdict(shipped, a, b, tolerance_days=99)
    assert codes(v) == {"period_too_far"} and v["period_distance_days"] == 100
    with pytest.raises(ValueError, match="0 or more"):
        compare.pair_verdict(shipped, a, b, tolerance_days=-1)


def test_interval_distance_uses_midpoints(shipped):
    a = row(period_type="interval", period_start=T("2023-01-01"), period_end=T("2023-12-31"))
    b = row(province="Hòa Bình", period_type="interval", period_start=T("2023-06-01"), period_end=T("2023-07-31"))
    assert compare.period_distance_days(a, b) == pytest.approx(0.5, abs=1)
    assert compare.pair_verdict(shipped, a, b, tolerance_days=5)["comparable"]


def test_caveats_do_not_block(shipped):
    both_lower = compare.pair_verdict(shipped, row(bound="lower"), row(province="Hòa Bình", bound="lower"))
    assert both_lower["comparable"] and [c["code"] for c in both_lower["caveats"]] == ["both_bounds"]
    approx = compare.pair_verdict(shipped, row(bound="approximate"), row(province="Hòa Bình"))
    assert approx["comparable"] and [c["code"] for c in approx["caveats"]] == ["approximate"]


def test_a_no_data_row_cannot_be_compared(shipped):
    with pytest.raises(ValueError, match="no value"):
        compare.pair_verdict(shipped, row(value=math.nan), row(province="Hòa Bình"))


# ----------------------------------------------------------------------------- lineage


def flag_codes(ds, **kw) -> list[str]:
    return [f.code for f in compare.lineage_flags(ds, row(**kw))]


def test_hoa_binh_on_its_last_day_is_fine_and_the_next_day_is_flagged(shipped):
    assert flag_codes(shipped, province="Hòa Bình", period_end=T("2025-06-30")) == []
    flags = compare.lineage_flags(shipped, row(province="Hòa Bình", period_end=T("2025-07-01")))
    assert [f.code for f in flags] == ["province_ceased"]
    assert "Phú Thọ" in flags[0].text and "30/06/2025" in flags[0].text


def test_phu_tho_after_the_merger_includes_hoa_binh_and_vinh_phuc(shipped):
    assert flag_codes(shipped, province="Phú Thọ", period_end=T("2025-06-30")) == []
    flags = compare.lineage_flags(shipped, row(province="Phú Thọ", period_end=T("2025-07-01")))
    assert [f.code for f in flags] == ["successor_includes_merged"]
    assert "Hòa Bình" in flags[0].text and "Vĩnh Phúc" in flags[0].text
    # a period straddling the merger is flagged too
    straddle = dict(province="Phú Thọ", period_type="interval", period_start=T("2025-06-01"), period_end=T("2025-07-31"))
    assert flag_codes(shipped, **straddle) == ["successor_includes_merged"]


def test_phu_tho_after_the_merger_against_other_provinces_is_a_caveat(shipped):
    a = row(province="Phú Thọ", period_end=T("2025-08-01"))
    v = compare.pair_verdict(shipped, a, row(period_end=T("2025-08-01")))
    assert v["comparable"] and [c["code"] for c in v["caveats"]] == ["successor_includes_merged"]
    # ... but against Phú Thọ before the merger it is another territory
    before = compare.pair_verdict(shipped, a, row(province="Phú Thọ", period_end=T("2025-05-01")))
    assert codes(before) == {"territory_changed"}
    # and a Hòa Bình figure after the merger is refused twice over
    late_hb = compare.pair_verdict(shipped, a, row(province="Hòa Bình", period_end=T("2025-08-01")))
    assert codes(late_hb) == {"territory_changed", "province_ceased"}


def test_locality_counts_on_the_same_side_of_the_reform_are_comparable(shipped):
    kw = dict(indicator="localities_score_below_7", unit="localities", scope="localities", value=5.0)
    before = compare.pair_verdict(shipped, row(**kw, period_end=T("2025-04-30")),
                                  row(**kw, province="Hòa Bình", period_end=T("2025-05-31")))
    assert before["comparable"]
    # an interval that starts before the reform and ends after it is across the change
    across = compare.pair_verdict(
        shipped, row(**kw, period_type="interval", period_start=T("2025-06-01"), period_end=T("2025-07-31")),
        row(**kw, province="Hòa Bình", period_type="interval", period_start=T("2025-06-01"),
            period_end=T("2025-06-30")))
    assert "locality_reform" in codes(across)


def _append_rows(folder, rows: list[dict]) -> None:
    path = folder / "observations.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    with path.open("a", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header)
        for r in rows:
            w.writerow({k: r.get(k, "") for k in header})


LATE_ROWS = [
    dict(obs_id="ZZ1", province="Hoà Bình", scope="national_portal", indicator="procedures_published",
         period_type="as_of", period_end="2025-07-01", value="1900", unit="procedures", bound="exact",
         source_id="domain_notes", quote="test row"),
    dict(obs_id="ZZ2", province="Phu Tho", scope="national_portal", indicator="procedures_published",
         period_type="as_of", period_end="2025-08-01", value="2500", unit="procedures", bound="exact",
         source_id="domain_notes", quote="test row"),
    dict(obs_id="ZZ3", province="Hòa Bình", scope="national_portal", indicator="procedures_published",
         period_type="as_of", period_end="2025-06-30", value="1890", unit="procedures", bound="exact",
         source_id="domain_notes", quote="test row"),
]


def test_lineage_flags_reach_the_matrix_and_the_verdicts(data_copy):
    _append_rows(data_copy, LATE_ROWS)
    ds = data.load(data_copy)
    m = compare.indicator_matrix(ds, ["Hòa Bình", "Phú Thọ", "Nghệ An"], indicators=["procedures_published"])
    lineage = {r["obs_id"]: [f["code"] for f in r["lineage"]] for _, r in m.iterrows() if r["obs_id"]}
    assert lineage["ZZ1"] == ["province_ceased"]
    assert lineage["ZZ3"] == []
    assert lineage["ZZ2"] == ["successor_includes_merged"]
    pairs = compare.pair_verdicts(ds, ["Hòa Bình", "Phú Thọ", "Nghệ An"], 366, matrix=m,
                                  derived=compare.derive_shares(ds, ["Hòa Bình", "Nghệ An"]).iloc[:0])
    by = {frozenset((p["id_a"], p["id_b"])): p for _, p in pairs.iterrows()}
    assert set(by[frozenset(("ZZ3", "ZZ2"))]["reason_codes"]) == {"territory_changed"}
    assert "province_ceased" in by[frozenset(("ZZ1", "NA038"))]["reason_codes"]
    # Phú Thọ after the merger against Nghệ An on the same date range: comparable, with the caveat
    pt_na = by[frozenset(("ZZ2", "NA038"))]
    assert pt_na["comparable"] and [c["code"] for c in pt_na["caveats"]] == ["successor_includes_merged"]
    # Hòa Bình's last-day figure against Nghệ An's a month later: comparable
    assert by[frozenset(("ZZ3", "NA038"))]["comparable"]


# ----------------------------------------------------------------------------- matrix


def test_matrix_shows_missing_as_missing_never_zero(shipped):
    m = compare.indicator_matrix(shipped, ["Nghệ An", "Hòa Bình"])
    hb_rate = m[(m["indicator"] == "online_dossier_rate") & (m["province"] == "Hòa Bình")]
    assert len(hb_rate) == 1
    r = hb_rate.iloc[0]
    assert r["status"] == compare.NO_DATA and math.isnan(r["value"]) and pd.isna(r["source_id"])
    # every reported observation of the two provinces is in the matrix, with its source
    obs = shipped.observations[shipped.observations["province"].isin(["Nghệ An", "Hòa Bình"])]
    rep = m[m["status"] == compare.REPORTED]
    assert set(rep["obs_id"]) == set(obs["obs_id"])
    assert not (rep["value"].isna()).any() and rep["source_id"].notna().all()
    # each indicator has at least one row per province
    assert (m.groupby("indicator")["province"].nunique() == 2).all()
    table = compare.matrix_table(m)
    assert "no data" in table.set_index("indicator").loc["Online dossier rate", "Hòa Bình"]


def test_a_province_without_data_is_all_missing(shipped):
    m = compare.indicator_matrix(shipped, ["Nghệ An", "Phú Thọ"])
    pt = m[m["province"] == "Phú Thọ"]
    assert len(pt) == m["indicator"].nunique()
    assert (pt["status"] == compare.NO_DATA).all() and pt["value"].isna().all()
    # No reported figure to pair: only the national index puts them side by side.
    pairs = compare.pair_verdicts(shipped, ["Nghệ An", "Phú Thọ"])
    assert set(pairs["kind"]) == {"index"}


def test_provinces_resolve_from_nfd_and_aliases(shipped):
    nfd = unicodedata.normalize("NFD", "Nghệ An")
    assert compare.resolve_provinces(shipped, [nfd, "Hoà Bình"]) == ["Nghệ An", "Hòa Bình"]


def test_bad_province_lists_are_refused(shipped):
    with pytest.raises(UnknownProvinceError) as exc:
        compare.resolve_provinces(shipped, ["Nghệ An", "Atlantis"])
    assert "Phú Thọ" in str(exc.value)
    with pytest.raises(Refused, match="at least two"):
        compare.resolve_provinces(shipped, ["Nghệ An", "Nghe An"])
    with pytest.raises(KeyError, match="unknown indicator"):
        compare.indicator_matrix(shipped, ["Nghệ An", "Hòa Bình"], indicators=["no_such_thing"])


def test_named_indicators_exist_in_the_data_dictionary(shipped):
    known = set(shipped.indicators["indicator"])
    derived = {f.family for f in compare.FORMULAS}
    for members in compare.RELATED_GROUPS.values():
        assert set(members) <= known | derived
    for f in compare.FORMULAS:
        assert set(f.inputs) <= known


# ----------------------------------------------------------------------------- derived shares


def _value(ds, obs_id) -> float:
    return float(ds.observations.set_index("obs_id").loc[obs_id, "value"])


def _derived(ds, provinces=("Nghệ An", "Hòa Bình")):
    d = compare.derive_shares(ds, list(provinces))
    return {(r["province"], r["indicator"], r["formula"]): r for _, r in d.iterrows()}


def test_full_process_share_records_formula_inputs_scope_and_period(shipped):
    d = compare.derive_shares(shipped, ["Nghệ An", "Hòa Bình"])
    na = d[(d["province"] == "Nghệ An") & (d["indicator"] == "full_process_share_of_online")].iloc[0]
    obs = shipped.observations.set_index("obs_id")
    full_id, part_id = na["inputs"]
    assert obs.loc[full_id, "indicator"] == "procedures_full_online"
    assert obs.loc[part_id, "indicator"] == "procedures_partial_online"
    full, part = _value(shipped, full_id), _value(shipped, part_id)
    assert na["value"] == pytest.approx(100 * full / (full + part))
    assert "procedures_full_online" in na["formula"] and na["basis"] == "procedures"
    assert na["scope"] == obs.loc[full_id, "scope"]
    assert na["period_end"] == obs.loc[full_id, "period_end"] and na["period_type"] == "as_of"
    assert na["bound"] == "exact" and na["caveats"] == []


def test_derived_coverage_agrees_with_the_stated_rate(shipped):
    """Two routes to one number: 1298/1880 recomputed equals Hòa Bình's stated 69.04%."""
    d = compare.derive_shares(shipped, ["Nghệ An", "Hòa Bình"])
    hb = d[(d["province"] == "Hòa Bình") & (d["indicator"] == "online_service_coverage")].iloc[0]
    stated = shipped.observations[(shipped.observations["province"] == "Hòa Bình")
                                  & (shipped.observations["indicator"] == "online_service_coverage_rate")]
    assert hb["value"] == pytest.approx(float(stated["value"].iloc[0]), abs=0.01)


def test_mixed_scope_and_approximate_inputs_are_recorded(shipped):
    d = compare.derive_shares(shipped, ["Nghệ An", "Hòa Bình"])
    pub = d[(d["province"] == "Hòa Bình") & (d["indicator"] == "full_process_share_of_published")].iloc[0]
    assert "+" in pub["scope"] and [c["code"] for c in pub["caveats"]] == ["mixed_scope_inputs"]
    look = d[(d["province"] == "Hòa Bình") & (d["indicator"] == "lookups_per_dossier")].iloc[0]
    num, den = (_value(shipped, i) for i in look["inputs"])
    assert look["value"] == pytest.approx(num / den)
    assert look["bound"] == "approximate"  # the 300,000 dossiers are a round figure


def test_missing_inputs_give_a_no_data_row(shipped):
    d = compare.derive_shares(shipped, ["Nghệ An", "Hòa Bình"])
    na = d[(d["province"] == "Nghệ An") & (d["indicator"] == "lookups_per_dossier")].iloc[0]
    assert na["status"] == compare.NO_DATA and math.isnan(na["value"])
    assert "population_db_lookups" in na["missing_inputs"]


def test_inputs_from_different_dates_are_not_combined(data_copy):
    path = data_copy / "observations.csv"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    i = next(k for k, ln in enumerate(lines) if ln.startswith("HB014,"))
    assert ",2023-12-31," in lines[i]
    lines[i] = lines[i].replace(",2023-12-31,", ",2024-06-30,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    d = compare.derive_shares(data.load(data_copy), ["Nghệ An", "Hòa Bình"])
    hb = d[(d["province"] == "Hòa Bình") & (d["indicator"] == "full_process_share_of_online")]
    assert list(hb["status"]) == [compare.NO_DATA]


@pytest.mark.parametrize("bounds,roles,expected", [
    (["exact", "exact"], ["num", "den"], "exact"),
    (["approximate", "exact"], ["num", "den"], "approximate"),
    (["lower", "exact"], ["num", "den"], "lower"),
    (["exact", "lower"], ["num", "den"], "upper"),
    (["lower", "lower"], ["num", "den"], "indeterminate"),
    (["lower", "approximate"], ["num", "den"], "indeterminate"),
])
def test_bounds_propagate_through_ratios(bounds, roles, expected):
    assert compare._ratio_bound(bounds, roles) == expected


def test_derived_shares_inherit_the_comparability_checks(shipped):
    pairs = compare.pair_verdicts(shipped, ["Nghệ An", "Hòa Bình"])
    der = pairs[(pairs["kind"] == "derived") & (pairs["indicator_a"] == "full_process_share_of_online")]
    assert len(der) == 1
    # Nghệ An counts procedures (2025), Hòa Bình online services (2023)
    assert set(der.iloc[0]["reason_codes"]) >= {"formula_differs", "period_too_far"}
    # an indeterminate bound blocks a derived comparison
    a = row(indicator="lookups_per_dossier", unit="lookups per dossier", bound="indeterminate",
            formula="population_db_lookups / total_dossiers")
    b = row(province="Hòa Bình", indicator="lookups_per_dossier", unit="lookups per dossier",
            bound="indeterminate", formula="population_db_lookups / total_dossiers")
    assert codes(compare.pair_verdict(shipped, a, b)) == {"bound_differs"}


def test_pairs_are_across_provinces_and_sorted_comparable_first(shipped):
    pairs = compare.pair_verdicts(shipped, ["Nghệ An", "Hòa Bình"], tolerance_days=3660)
    assert (pairs["province_a"] != pairs["province_b"]).all()
    assert pairs["comparable"].any()
    first_bad = pairs["comparable"].tolist().index(False)
    assert pairs["comparable"].iloc[:first_bad].all() and not pairs["comparable"].iloc[first_bad:].any()
    assert all((len(c) == 0) == ok for c, ok in zip(pairs["reason_codes"], pairs["comparable"]))


def test_widening_the_tolerance_only_removes_period_reasons(shipped):
    narrow = compare.pair_verdicts(shipped, ["Nghệ An", "Hòa Bình"], tolerance_days=0)
    wide = compare.pair_verdicts(shipped, ["Nghệ An", "Hòa Bình"], tolerance_days=100000)
    key = lambda p: (p["kind"], p["id_a"], p["id_b"])  # noqa: E731
    w = {key(p): set(p["reason_codes"]) for _, p in wide.iterrows()}
    for _, p in narrow.iterrows():
        assert set(p["reason_codes"]) - {"period_too_far"} == w[key(p)]
    assert "period_too_far" not in {c for cs in wide["reason_codes"] for c in cs}


def test_within_province_pairs_flag_the_locality_reform(shipped):
    pairs = compare.pair_verdicts(shipped, ["Nghệ An", "Hòa Bình"], within_province=True)
    across = pairs[pairs["province_a"] != pairs["province_b"]]
    own = pairs[pairs["province_a"] == pairs["province_b"]]
    assert len(own) and len(across) == len(compare.pair_verdicts(shipped, ["Nghệ An", "Hòa Bình"]))
    obs = shipped.observations.set_index("obs_id")
    reform = own[own["reason_codes"].map(lambda c: "locality_reform" in c)]
    assert len(reform)
    for _, p in reform.iterrows():
        ends = sorted([obs.loc[p["id_a"], "period_end"], obs.loc[p["id_b"], "period_end"]])
        assert ends[0] < compare.REFORM_DATE <= ends[1]
        assert {obs.loc[p["id_a"], "unit"], obs.loc[p["id_b"], "unit"]} & compare.LOCAL_UNIT_UNITS
    # Nghệ An's online-rate figures on three scopes are never comparable with each other
    rates = own[(own["indicator_a"] == "online_dossier_rate") & (own["indicator_b"] == "online_dossier_rate")]
    assert len(rates) == 3 and all("scope_differs" in c for c in rates["reason_codes"])


def test_format_figure_shows_bounds_and_missing():
    assert compare.format_figure(44.0, "percent", "lower") == "> 44%"
    assert compare.format_figure(224930.0, "dossiers", "exact") == "224,930 dossiers"
    assert compare.format_figure(math.nan, "percent", None) == compare.NO_DATA


def test_a_zero_total_gives_no_share(data_copy):
    path = data_copy / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for k, ln in enumerate(lines):
        for oid, val in (("HB013", "1098"), ("HB014", "771")):
            if ln.startswith(f"{oid},"):
                assert f",2023-12-31,{val},services," in ln
                lines[k] = ln.replace(f",2023-12-31,{val},services,", ",2023-12-31,0,services,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    d = compare.derive_shares(data.load(data_copy), ["Nghệ An", "Hòa Bình"])
    hb = d[(d["province"] == "Hòa Bình") & (d["indicator"] == "full_process_share_of_online")]
    assert list(hb["status"]) == [compare.NO_DATA] and hb["value"].isna().all()


# ----------------------------------------------------------------------------- the national index


def test_nghe_an_and_phu_tho_are_comparable_on_the_2026_index(shipped):
    pairs = compare.pair_verdicts(shipped, ["Nghệ An", "Phú Thọ"])
    idx = pairs[pairs["kind"] == "index"]
    assert len(idx) == 7 and idx["comparable"].all()  # the total and six groups
    total = idx[idx["indicator_a"] == "index766_total"].iloc[0]
    assert {total["value_a"], total["value_b"]} == {61.82, 62.18}
    assert total["period_a"] == total["period_b"] and total["id_a"].split(":")[0] == total["id_b"].split(":")[0]
    # Phú Thọ's figure covers the merged territory: shown as a caveat, not hidden.
    assert {c["code"] for c in total["caveats"]} == {"successor_includes_merged"}


def test_phu_tho_index_against_pre_merger_hoa_binh_is_territory_changed(shipped):
    fig = compare.index_figures(shipped, ["Phú Thọ"])
    pt = fig[fig["indicator"] == "index766_total"].iloc[0]
    hb = shipped.observations[shipped.observations["province"] == "Hòa Bình"].iloc[0]
    v = compare.pair_verdict(shipped, pt, hb)
    assert not v["comparable"] and "territory_changed" in codes(v)


def test_two_retrievals_of_one_year_are_not_comparable(shipped):
    fig = compare.index_figures(shipped, ["Nghệ An"], latest_only=False)
    tot = fig[fig["indicator"] == "index766_total"].sort_values("retrieved")
    assert list(tot["retrieved"]) == ["2026-09-27", "2026-10-02", "2026-10-10"]
    v = compare.pair_verdict(shipped, tot.iloc[1], tot.iloc[2])
    assert codes(v) == {"retrieval_differs"}
    assert compare.pair_verdict(shipped, tot.iloc[2], tot.iloc[2])["comparable"]


def test_index_figures_are_points_on_the_portal_scope(shipped):
    fig = compare.index_figures(shipped, ["Nghệ An"])
    assert set(fig["unit"]) == {"points"} and set(fig["scope"]) == {"national_portal"}
    assert (fig["period_start"] == T("2026-01-01")).all() and (fig["period_end"] == T("2026-10-10")).all()
    assert fig["source_id"].str.startswith(compare.SOURCE_PREFIX).all()
    assert compare.index_figures(shipped, ["Hòa Bình"]).empty  # ceased: no score
