"""Older-endpoint answers (TEST DATA written here): strict validation, names matched
exactly, the CLGQ/TTTT reading decided from evidence only, and the monthly panel."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

import pandas as pd
import pytest

from analysis import config
from analysis.data.portal import history, importer, legacy, mapping, tables
from analysis.data.portal.response import PortalFormatError
from portal_fixtures import data_folder
from portal_history_fixtures import admin_units, current_answer, legacy_answer


def load(d, obj, month: str, retrieved="2026-11-01", name=None):
    y, m = map(int, month.split("-"))
    path = d.parent / (name or f"legacy_{month}_{retrieved}.json")
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    opts = importer.Options(retrieved=dt.date.fromisoformat(retrieved), time_type="month", year=y, period=m)
    from analysis import data
    return importer.import_files([path], d, opts, data.load(d).province_of_portal_code)


def scores(d, group=None):
    sc = tables.read(d)["scores"]
    return sc if group is None else sc[sc["group"] == group].set_index("province")


def field(answer, prov_prefix, f):
    return float(next(e[f] for e in answer if e["TEN"].endswith(prov_prefix)))


@pytest.mark.parametrize("swapped", [False, True])
def test_the_reading_follows_the_value_above_ten_points(tmp_path, swapped):
    d = data_folder(tmp_path)
    ans = legacy_answer("2024-03", swapped=swapped)
    load(d, ans, "2024-03")
    clgq = scores(d, "CLGQ")
    sent_as = "TTTT" if swapped else "CLGQ"
    assert clgq.loc["Nghệ An", "score"] == field(ans, "Nghệ An", sent_as)
    assert clgq["score"].max() == 11.0 and clgq.loc["Nghệ An", "max_score"] == 12
    note = tables.read(d)["snapshots"]["note"].iloc[0]
    assert ("swapped" if swapped else "same") in note and "above 10 points" in note
    assert scores(d, "TOTAL").loc["Hòa Bình", "index_version"] == "766-2024"
    assert len(scores(d, "TOTAL")) == 63


def test_groups_are_refused_when_no_evidence_settles_the_reading(tmp_path):
    d = data_folder(tmp_path)
    ans = legacy_answer("2024-04")
    for e in ans:  # no value above 10: both readings fit
        e["CLGQ"] = "9.00"
        e["TONG_SCORE"] = f"{sum(float(e[g]) for g in mapping.MAXIMA[2024]):.2f}"
    res = load(d, ans, "2024-04")
    assert any("both readings fit" in w for w in res.warnings)
    groups = set(scores(d)["group"])
    assert groups == {"TOTAL", "CKMB", "TDGQ", "MDHL", "MDSH"}
    assert "refused" in tables.read(d)["snapshots"]["note"].iloc[0]


def test_a_month_answered_by_both_endpoints_settles_the_reading(tmp_path):
    d = data_folder(tmp_path)
    cur = current_answer("2024-05")
    for e in cur["data"]["evaluation"]:  # online services at or below 10: the maxima cannot tell
        e["groupScores"]["CLGQ"] = min(e["groupScores"]["CLGQ"], 9.9)
        e["totalScore"] = e["ratio"] = round(sum(e["groupScores"].values()), 2)
    from analysis.data.portal import fetch  # noqa: F401 - same import path as the CLI
    path = d.parent / "current_2024-05.json"
    path.write_text(json.dumps(cur), encoding="utf-8")
    from analysis import data
    ds = data.load(d)
    importer.import_files([path], d, importer.Options(retrieved=dt.date(2026, 11, 1), time_type="month",
                                                      year=2024, period=5), ds.province_of_portal_code)
    held = scores(d, "CLGQ")
    ans = legacy_answer("2024-05")
    names = legacy.names_in_force(admin_units(), "2024-05")
    for e in ans:
        prov = names[legacy.official_key(e["TEN"])]
        if prov in held.index:  # send the current API's figures, swapped, all at or below 10
            e["TTTT"] = f"{held.loc[prov, 'score']:.2f}"
            e["CLGQ"] = f"{scores(d, 'TTTT').loc[prov, 'score']:.2f}"
        else:
            e["CLGQ"] = "5.00"
        e["TONG_SCORE"] = f"{sum(float(e[g]) for g in mapping.MAXIMA[2024]):.2f}"
    assert max(float(e["TTTT"]) for e in ans) <= 10 and max(float(e["CLGQ"]) for e in ans) <= 10
    load(d, ans, "2024-05")
    sc = tables.read(d)["scores"]
    old = sc[(sc["api"] == "legacy") & (sc["group"] == "CLGQ")].set_index("province")
    assert old.loc["Nghệ An", "score"] == held.loc["Nghệ An", "score"]
    assert "agreement with the current API" in tables.read(d)["snapshots"]["note"].iloc[-1]


def test_year_without_known_maxima_imports_the_total_only(tmp_path):
    d = data_folder(tmp_path)
    res = load(d, legacy_answer("2023-11"), "2023-11")
    assert set(scores(d)["group"]) == {"TOTAL"}
    assert any("maxima of index year 2023 are not known" in w for w in res.warnings)


def test_names_match_exactly_with_the_names_in_force(tmp_path):
    d = data_folder(tmp_path)
    ans = legacy_answer("2024-06")
    assert any(e["TEN"] == "Tỉnh Thừa Thiên Huế" for e in ans)
    for e in ans:  # NFD text is the same name
        e["TEN"] = unicodedata.normalize("NFD", e["TEN"])
    load(d, ans, "2024-06")
    assert scores(d, "TOTAL").loc["Huế", "department_name"] == unicodedata.normalize("NFD", "Tỉnh Thừa Thiên Huế")
    ids = tables.read(d)["legacy_ids"].set_index("province")
    assert len(ids) == 63 and ids.loc["Huế", "first_month"] == "2024-06"
    # In 2025 the name in force is Huế: the old one stops the month.
    late = legacy_answer("2024-06")
    with pytest.raises(PortalFormatError, match="Thừa Thiên Huế.*not the official name.*2025-02"):
        load(d, late, "2025-02")
    fuzzy = legacy_answer("2024-07")
    fuzzy[0]["TEN"] = fuzzy[0]["TEN"].replace("An Giang", "An  Giang")
    with pytest.raises(PortalFormatError, match=r"\$\[0\]\.TEN.*never guessed"):
        load(d, fuzzy, "2024-07")


def test_an_id_that_changes_stops_the_month(tmp_path):
    d = data_folder(tmp_path)
    load(d, legacy_answer("2024-01"), "2024-01")
    ans = legacy_answer("2024-02")
    ans[5]["ID"] = "999"
    before = (d / "portal" / "scores.csv").read_bytes()
    with pytest.raises(PortalFormatError, match=r"\$\[5\]\.ID.*does not guess"):
        load(d, ans, "2024-02")
    assert (d / "portal" / "scores.csv").read_bytes() == before


def test_both_fields_above_ten_fit_neither_reading(tmp_path):
    d = data_folder(tmp_path)
    ans = legacy_answer("2024-08")
    ans[1]["TTTT"] = "10.50"
    ans[1]["TONG_SCORE"] = f"{sum(float(ans[1][g]) for g in mapping.MAXIMA[2024]):.2f}"
    with pytest.raises(PortalFormatError, match="neither reading"):
        load(d, ans, "2024-08")


def test_the_shipped_data_gives_an_empty_panel_with_its_columns():
    p = history.panel(config.DATA_DIR)
    assert p.empty and list(p.columns) == history.COLUMNS
    assert history.revisions(config.DATA_DIR).empty
    s = history.held_summary(config.DATA_DIR)
    assert s["months"] == 0 and s["year_to_date"] == ["2026-09-27", "2026-10-02", "2026-10-10"]


def test_panel_vintages_revisions_and_the_merger_break(tmp_path):
    d = data_folder(tmp_path)
    load(d, legacy_answer("2024-09"), "2024-09", retrieved="2026-01-05")
    load(d, legacy_answer("2024-09", shift=0.5), "2024-09", retrieved="2026-02-05")
    load(d, legacy_answer("2025-06"), "2025-06", retrieved="2026-02-05")
    cur = d.parent / "cur.json"
    cur.write_text(json.dumps(current_answer("2025-07")), encoding="utf-8")
    from analysis import data
    importer.import_files([cur], d, importer.Options(retrieved=dt.date(2026, 2, 5), time_type="month", year=2025,
                                                     period=7), data.load(d).province_of_portal_code)
    latest = history.panel(d, group="CKMB")
    early = history.panel(d, group="CKMB", vintage="2026-01-31")
    key = (latest["province"] == "Nghệ An") & (latest["month"] == "2024-09")
    assert list(latest.columns) == history.COLUMNS
    assert not latest.duplicated(["province", "month", "group"]).any()
    assert latest.loc[key, "retrieved"].item() == "2026-02-05"
    assert set(early["month"]) == {"2024-09"} and early["retrieved"].eq("2026-01-05").all()
    rev = history.revisions(d, group="CKMB")
    assert len(rev) > 0 and (rev["change"].abs() <= 0.5 + 1e-9).all() and set(rev["month"]) == {"2024-09"}
    total = history.panel(d, group="TOTAL")
    assert "Hòa Bình" in set(total.loc[total["month"] == "2025-06", "province"])
    assert total[total["month"] == "2025-06"]["province"].nunique() == 63
    assert total[total["month"] == "2025-07"]["province"].nunique() == 34
    assert "Hòa Bình" not in set(total.loc[total["month"] == "2025-07", "province"])
    lin = history.lineage(admin_units())
    assert set(lin.loc[lin["province"] == "Phú Thọ", "predecessor"]) == {"Phú Thọ", "Hòa Bình", "Vĩnh Phúc"}
    assert len(lin) == 63 and lin["province"].nunique() == 34
    with pytest.raises(Exception, match="neither 'latest' nor a date"):
        history.panel(d, vintage="yesterday")
    assert isinstance(total, pd.DataFrame)


def test_panel_command_prints_records_and_writes_the_file(tmp_path, capsys):
    from analysis import cli
    d = data_folder(tmp_path)
    load(d, legacy_answer("2024-10"), "2024-10")
    out = tmp_path / "panel.csv"
    capsys.readouterr()
    assert cli.main(["portal", "panel", "--data", str(d), "--group", "TOTAL", "--out", str(out), "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 63 and list(records[0]) == history.COLUMNS
    assert {r["month"] for r in records} == {"2024-10"} and {r["endpoint"] for r in records} == {"legacy"}
    assert pd.read_csv(out)["province"].nunique() == 63
    assert cli.main(["portal", "panel", "--data", str(d), "--group", "XYZ"]) == 2
    assert cli.main(["portal", "panel", "--data", str(d), "--vintage", "2024-13-01"]) == 2
