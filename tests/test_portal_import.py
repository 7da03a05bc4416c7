"""``analysis portal import``: validated, all or nothing, idempotent, with the right
scores and ranks for a retrieval date the tests never saw."""

from __future__ import annotations

import copy
import json

import pandas as pd
import pytest

from analysis import cli
from analysis.data.portal import tables
from portal_fixtures import CODES, data_folder, response, snapshot_state, write


def run(*args) -> int:
    return cli.main(["portal", *map(str, args)])


def test_new_retrieval_imports_with_the_right_scores_and_ranks(tmp_path, capsys):
    d = data_folder(tmp_path)
    obj = response(seed=7)
    f = write(tmp_path / "answer.json", obj)
    assert run("import", f, "--retrieved", "2027-03-15", "--time-type", "year", "--year", "2027",
               "--data", d, "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"snapshots": 1, "rows_added": len(CODES) * 7 + 6 + 5 + 12, "provinces": len(CODES),
                   "warnings": []}
    sc = tables.read(d)["scores"]
    tot = sc[sc["group"] == "TOTAL"].set_index("department_code")
    # Ranks computed here independently: order of the totals, best first.
    order = sorted(obj["data"]["evaluation"], key=lambda e: -e["totalScore"])
    for i, e in enumerate(order, start=1):
        assert tot.loc[e["departmentCode"], "rank"] == i
        assert tot.loc[e["departmentCode"], "score"] == pytest.approx(e["totalScore"])
        assert tot.loc[e["departmentCode"], "provinces_ranked"] == len(CODES)
    assert tot.loc["H41", "province"] == "Nghệ An" and tot.loc["H44", "province"] == "Phú Thọ"
    assert set(tot["retrieved"]) == {"2027-03-15"}
    tdgq = sc[sc["group"] == "TDGQ"].set_index("department_code")
    best = max(obj["data"]["evaluation"], key=lambda e: e["groupScores"]["TDGQ"])
    assert tdgq.loc[best["departmentCode"], "rank"] == 1
    assert (tdgq["max_score"] == 20).all()


def test_scores_command_reads_back_the_import(tmp_path, capsys):
    d = data_folder(tmp_path)
    obj = response(seed=3)
    f = write(tmp_path / "answer.json", obj)
    run("import", f, "--retrieved", "2027-01-31", "--time-type", "month", "--year", "2027", "--period", "1",
        "--data", d)
    capsys.readouterr()
    assert run("scores", "--province", "nghe an", "--data", d, "--json") == 0
    recs = json.loads(capsys.readouterr().out)
    e = next(e for e in obj["data"]["evaluation"] if e["departmentCode"] == "H41")
    assert len(recs) == 1
    r = recs[0]
    assert (r["province"], r["department_code"], r["period"], r["retrieved"]) == ("Nghệ An", "H41", "2027-01", "2027-01-31")
    assert r["total_score"] == pytest.approx(e["totalScore"])
    assert r["groups"]["CLGQ"]["score"] == pytest.approx(e["groupScores"]["CLGQ"])
    assert r["groups"]["CLGQ"]["max_score"] == 12
    assert r["provinces_ranked"] == len(CODES)


def test_unknown_province_exits_2_listing_the_known(tmp_path, capsys):
    d = data_folder(tmp_path, with_portal=True)
    assert run("scores", "--province", "Atlantis", "--data", d) == 2
    err = capsys.readouterr().err
    assert "Atlantis" in err and "Nghệ An" in err and "Cà Mau" in err


def test_same_snapshot_twice_adds_nothing_and_says_so(tmp_path, capsys):
    d = data_folder(tmp_path)
    f = write(tmp_path / "a.json", response())
    args = ("import", f, "--retrieved", "2027-02-01", "--time-type", "year", "--year", "2027", "--data", d, "--json")
    assert run(*args) == 0
    before = snapshot_state(d)
    capsys.readouterr()
    assert run(*args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["snapshots"] == 0 and out["rows_added"] == 0
    assert any("already imported" in w for w in out["warnings"])
    assert snapshot_state(d) == before


def _mutations():
    def renamed_field(o):
        e = o["data"]["evaluation"][0]
        e["totalPoints"] = e.pop("totalScore")
    def unknown_group(o):
        o["data"]["evaluation"][2]["groupScores"]["ONLINE"] = o["data"]["evaluation"][2]["groupScores"].pop("CLGQ")
    def unknown_radar(o):
        o["data"]["radar"][2]["code"] = "ONLINE_PAYMENT"
    def changed_max(o):
        o["data"]["radar"][0]["maxScore"] = 20
    def code_not_ok(o):
        o["code"] = "ERROR"
    def unknown_department(o):
        o["data"]["evaluation"][1]["departmentCode"] = "H99"
    def over_max(o):
        o["data"]["evaluation"][0]["groupScores"]["TTTT"] = 10.5
    def bad_total(o):
        o["data"]["evaluation"][0]["totalScore"] += 3
    def extra_top(o):
        o["data"]["newThing"] = 1
    return {"renamed field": (renamed_field, "totalScore"), "unknown group": (unknown_group, "ONLINE"),
            "unknown radar code": (unknown_radar, "ONLINE_PAYMENT"), "changed maximum": (changed_max, "maxScore"),
            "code not OK": (code_not_ok, "ERROR"), "unknown department": (unknown_department, "H99"),
            "score over its maximum": (over_max, "TTTT"), "total differs from groups": (bad_total, "sum"),
            "unknown data field": (extra_top, "newThing")}


@pytest.mark.parametrize("name", list(_mutations()))
def test_bad_snapshot_exits_2_naming_file_and_problem_and_changes_nothing(tmp_path, capsys, name):
    d = data_folder(tmp_path, with_portal=True)
    before = snapshot_state(d)
    mutate, needle = _mutations()[name]
    good = write(tmp_path / "good.json", response(seed=1))
    bad_obj = copy.deepcopy(response(seed=2))
    mutate(bad_obj)
    bad = write(tmp_path / "bad.json", bad_obj)
    # The good file comes first: all or nothing means it is not imported either.
    assert run("import", good, bad, "--retrieved", "2027-05-05", "--time-type", "year", "--year", "2027",
               "--data", d) == 2
    err = capsys.readouterr().err
    assert "bad.json" in err and needle in err
    assert snapshot_state(d) == before


@pytest.mark.parametrize("text,needle", [("<!DOCTYPE html><html><body>Bảo trì</body></html>", "HTML"),
                                         ('{"code": "OK", "data": {"overview": {', "not valid JSON"),
                                         ("", "not valid JSON")])
def test_not_json_exits_2(tmp_path, capsys, text, needle):
    d = data_folder(tmp_path)
    f = tmp_path / "page.json"
    f.write_text(text, encoding="utf-8")
    assert run("import", f, "--retrieved", "2027-05-05", "--time-type", "year", "--year", "2027", "--data", d) == 2
    err = capsys.readouterr().err
    assert "page.json" in err and needle in err
    assert not (d / "portal").exists()


def test_period_and_retrieval_must_be_known(tmp_path, capsys):
    d = data_folder(tmp_path)
    f = write(tmp_path / "answer.json", response())
    assert run("import", f, "--retrieved", "2027-05-05", "--data", d) == 2
    assert "--time-type" in capsys.readouterr().err
    assert run("import", f, "--time-type", "year", "--year", "2027", "--data", d) == 2
    assert "--retrieved" in capsys.readouterr().err
    assert run("import", f, "--time-type", "quarter", "--year", "2027", "--retrieved", "2027-05-05",
               "--data", d) == 2
    assert "--period" in capsys.readouterr().err
    assert not (d / "portal").exists()


def test_raw_snapshot_is_stored_unchanged_with_its_metadata(tmp_path):
    d = data_folder(tmp_path)
    f = write(tmp_path / "answer.json", response(seed=5))
    raw = f.read_bytes()
    run("import", f, "--retrieved", "2027-04-01", "--time-type", "quarter", "--year", "2027", "--period", "1",
        "--source", "test harness", "--data", d)
    snaps = tables.read(d)["snapshots"]
    assert len(snaps) == 1
    s = snaps.iloc[0]
    assert (d / s["raw_file"]).read_bytes() == raw
    meta = json.loads((d / s["raw_file"]).with_suffix(".meta.json").read_text())
    assert meta["sha256"] == s["sha256"] and meta["source"] == "test harness"
    assert meta["request_body"] == {"timeType": "quarter", "year": 2027, "quarter": 1,
                                    "departmentType": "ADMINISTRATIVE_UNIT"}
    assert meta["retrieved"] == "2027-04-01" and meta["kind"] == "service_results"
    assert s["period"] == 1 and s["time_type"] == "quarter"
    nat = tables.read(d)["national_counts"].set_index("measure")["value"]
    assert nat["dossiers_online"] == 900 and nat["services_not_online"] == 2


def test_shipped_tables_match_a_fresh_import_of_the_shared_responses(tmp_path):
    from pathlib import Path
    src = Path(__file__).resolve().parents[1].parent / "shared" / "portal-766"
    if not src.is_dir():
        pytest.skip("../shared/portal-766 is absent: the real responses are not on this machine")
    d = data_folder(tmp_path)
    files = sorted(src.glob("raw_*.json")) + [src / "details_Provinces_10102026.json"]
    assert run("import", *files, "--data", d) == 0
    from analysis import config
    for name in tables.COLUMNS:
        assert (d / "portal" / f"{name}.csv").read_bytes() == (config.DATA_DIR / "portal" / f"{name}.csv").read_bytes(), name
    sc = tables.read(d)["scores"]
    na = sc[(sc["province"] == "Nghệ An") & (sc["group"] == "TOTAL")].set_index("retrieved")
    assert na.loc["2026-10-02", "score"] == 59.42 and na.loc["2026-10-10", "score"] == 61.82
    assert na.loc["2026-10-10", "rank"] == 21
    # The department's name changed between retrievals for the same code; the code decides.
    qn = sc[(sc["department_code"] == "H49") & (sc["group"] == "TOTAL")]
    assert set(qn["province"]) == {"Quảng Ninh"}
    counts = tables.read(d)["counts"]
    paid = counts[(counts["province"] == "Nghệ An") & (counts["measure"] == "PAID_ONLINE")].iloc[0]
    assert 0 < paid["numerator"] <= paid["denominator"]
    snaps = tables.read(d)["snapshots"].set_index("kind")
    assert snaps.loc["crawler_details", "upstream_repository"] == "duynghiaqn/Crawler-766"
