"""``analysis compare``: the JSON contract, the readable table, and exit 2 on bad input."""

from __future__ import annotations

import json
import unicodedata

import pytest

from analysis import cli
from analysis.models import compare

MATRIX_KEYS = {"indicator", "province", "period_start", "period_end", "scope", "value", "unit", "source_id"}


def run_json(capsys, *args) -> dict:
    status = cli.main(["compare", *args, "--json"])
    out = capsys.readouterr().out
    assert status == 0
    return json.loads(out)


def test_json_contract(capsys, shipped):
    nfd = unicodedata.normalize("NFD", "Nghệ An")
    result = run_json(capsys, "--provinces", nfd, "Hoà Bình")
    assert result["provinces"] == ["Nghệ An", "Hòa Bình"]
    assert result["tolerance_days"] == compare.DEFAULT_TOLERANCE_DAYS
    for m in result["matrix"]:
        assert MATRIX_KEYS <= set(m)
        if m["status"] == compare.NO_DATA:
            assert m["value"] is None and m["source_id"] is None and m["period_end"] is None
        else:
            assert isinstance(m["value"], float) and m["source_id"] in set(shipped.sources["source_id"])
            assert len(m["period_end"]) == 10  # ISO date
    # a figure Hòa Bình does not report is null with an explicit marker, never 0
    hb_rate = [m for m in result["matrix"] if m["indicator"] == "online_dossier_rate" and m["province"] == "Hòa Bình"]
    assert len(hb_rate) == 1 and hb_rate[0]["status"] == "no data" and hb_rate[0]["value"] is None
    assert result["pairs"], "the shipped data has pairs on shared indicators"
    for p in result["pairs"]:
        assert isinstance(p["comparable"], bool)
        assert p["comparable"] == (p["reasons"] == [])
        for r in p["reasons"]:
            assert r["code"] in compare.REASONS and r["text"]
    assert result["n_comparable"] == sum(p["comparable"] for p in result["pairs"])
    assert set(result["reason_codes"]) == set(compare.REASONS)
    for d in result["derived"]:
        assert {"formula", "inputs", "scope", "period_end", "value"} <= set(d)


def test_tolerance_changes_the_verdicts(capsys):
    narrow = run_json(capsys, "--provinces", "Nghệ An", "Hòa Bình", "--tolerance-days", "30")
    wide = run_json(capsys, "--provinces", "Nghệ An", "Hòa Bình", "--tolerance-days", "3000")
    assert wide["tolerance_days"] == 3000
    assert wide["n_comparable"] > narrow["n_comparable"]
    # the pairs whose only obstacle was the period become comparable
    only_period = {(p["id_a"], p["id_b"]) for p in narrow["pairs"] if p["reason_codes"] == ["period_too_far"]}
    assert only_period
    assert only_period <= {(p["id_a"], p["id_b"]) for p in wide["pairs"] if p["comparable"]}


def test_readable_table(capsys):
    assert cli.main(["compare", "--provinces", "Nghe An", "Hoa Binh"]) == 0
    out = capsys.readouterr().out
    assert "INDICATOR MATRIX" in out and "no data" in out and "NOT COMPARABLE" in out
    assert "period_too_far" in out


def test_unknown_province_exits_2_listing_known_ones(capsys):
    assert cli.main(["compare", "--provinces", "Nghệ An", "Atlantis", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unknown province 'Atlantis'" in captured.err
    for known in ("Nghệ An", "Hòa Bình", "Vĩnh Phúc", "Phú Thọ"):
        assert known in captured.err
    assert "Traceback" not in captured.err


@pytest.mark.parametrize("args,message", [
    (["--provinces", "Nghệ An"], "at least two"),
    (["--provinces", "Nghệ An", "Nghe An"], "at least two"),
    (["--provinces", "Nghệ An", "Hòa Bình", "--tolerance-days", "-5"], "0 or more"),
])
def test_bad_requests_exit_2(capsys, args, message):
    assert cli.main(["compare", *args]) == 2
    assert message in capsys.readouterr().err


def test_bad_data_exits_2_with_the_problem(capsys, data_copy):
    path = data_copy / "observations.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("NA045,Nghệ An", "NA045,Atlantis", 1), encoding="utf-8")
    assert cli.main(["compare", "--data", str(data_copy), "--provinces", "Nghệ An", "Hòa Bình"]) == 2
    assert "observations.csv" in capsys.readouterr().err


def test_within_province_flag_adds_own_pairs(capsys):
    plain = run_json(capsys, "--provinces", "Nghệ An", "Hòa Bình")
    within = run_json(capsys, "--provinces", "Nghệ An", "Hòa Bình", "--within-province")
    assert within["within_province"] is True and plain["within_province"] is False
    own = [p for p in within["pairs"] if p["province_a"] == p["province_b"]]
    assert own and not [p for p in plain["pairs"] if p["province_a"] == p["province_b"]]
    assert any("locality_reform" in p["reason_codes"] for p in own)
