"""Every validation rule has a violating file that fails, with file, line and column named.

Each test breaks one cell of a copy of the shipped data and checks the problem reported;
the shipped data itself must be valid.
"""

from __future__ import annotations

import csv
import unicodedata

import pandas as pd
import pytest

from analysis import cli, data


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path, rows, *, delimiter=",", encoding="utf-8", newline="\n"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter, lineterminator=newline).writerows(rows)


def set_cell(folder, table, obs_line, column, value):
    """Set ``column`` of the record on file line ``obs_line`` (2 = first data row)."""
    path = folder / f"{table}.csv"
    rows = read_rows(path)
    rows[obs_line - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def line_of(folder, table, key_col, key):
    rows = read_rows(folder / f"{table}.csv")
    col = rows[0].index(key_col)
    return next(i + 1 for i, r in enumerate(rows) if i and r[col] == key)


def problems_at(folder, file, line, column):
    return [p for p in data.validate(folder) if p.file == file and p.line == line and p.column == column]


def obs_line(folder, obs_id):
    return line_of(folder, "observations", "obs_id", obs_id)


def find_obs(shipped, **where):
    obs = shipped.observations
    mask = pd.Series(True, index=obs.index)
    for k, v in where.items():
        mask &= obs[k] == v
    return obs[mask].iloc[0]["obs_id"]


def test_shipped_data_is_valid(shipped):
    assert data.validate() == []
    assert len(shipped.observations) > 60
    assert set(shipped.provinces_with_data()) == {"Nghệ An", "Hòa Bình"}


def test_shipped_data_holds_the_headline_figures(shipped):
    obs = shipped.observations
    rates = obs[(obs["province"] == "Nghệ An") & (obs["indicator"] == "online_dossier_rate")]
    got = {(r.scope, r.value, r.bound) for r in rates.itertuples()}
    assert ("province_wide", 44.0, "lower") in got
    assert ("provincial_centre", 33.7, "exact") in got
    assert ("national_portal", 72.35, "exact") in got
    centre = rates[rates["scope"] == "provincial_centre"].iloc[0]
    assert (centre["numerator"], centre["denominator"]) == (67088, 198845)
    assert centre["period_start"] == pd.Timestamp("2023-01-01")
    assert centre["period_end"] == pd.Timestamp("2023-09-30")


# ---------------------------------------------------------------- rules, one test each


@pytest.mark.parametrize("column,value,reason", [
    ("value", "abc", "not a number"),
    ("period_end", "2023-13-45", "not a valid date"),
    ("period_end", "11/25/2023", "day first"),
    ("numerator", "-4", "negative"),
    ("numerator", "4.5", "not a whole number"),
    ("denominator", "310,903", "ambiguous"),
])
def test_types(data_copy, shipped, column, value, reason):
    line = obs_line(data_copy, "NA001")
    set_cell(data_copy, "observations", line, column, value)
    found = problems_at(data_copy, "observations.csv", line, column)
    assert found and reason in found[0].reason


@pytest.mark.parametrize("column,value", [
    ("scope", "provincewide"), ("bound", "more_than"), ("period_type", "monthly"), ("unit", "percentage"),
])
def test_vocabularies(data_copy, column, value):
    line = obs_line(data_copy, "NA001")
    set_cell(data_copy, "observations", line, column, value)
    found = problems_at(data_copy, "observations.csv", line, column)
    assert found and "is not one of" in found[0].reason


def test_percent_in_0_100(data_copy, shipped):
    oid = find_obs(shipped, indicator="online_dossier_rate", scope="province_wide")
    line = obs_line(data_copy, oid)
    set_cell(data_copy, "observations", line, "value", "144")
    found = problems_at(data_copy, "observations.csv", line, "value")
    assert found and "outside 0 to 100" in found[0].reason


def test_counts_are_non_negative_integers(data_copy, shipped):
    oid = find_obs(shipped, indicator="eid_accounts") if "eid_accounts" in set(shipped.observations.indicator) \
        else shipped.observations[shipped.observations.unit == "accounts"].iloc[0]["obs_id"]
    line = obs_line(data_copy, oid)
    set_cell(data_copy, "observations", line, "value", "12,5")
    found = problems_at(data_copy, "observations.csv", line, "value")
    assert found and "whole number" in found[0].reason


def test_numerator_not_above_denominator(data_copy):
    line = obs_line(data_copy, "NA001")  # 4 of 13 departments
    set_cell(data_copy, "observations", line, "numerator", "14")
    set_cell(data_copy, "observations", line, "value", "14")
    found = problems_at(data_copy, "observations.csv", line, "numerator")
    assert found and "greater than the denominator" in found[0].reason


def test_value_consistent_with_numerator_over_denominator(data_copy, shipped):
    oid = find_obs(shipped, indicator="online_dossier_rate", scope="provincial_centre")
    line = obs_line(data_copy, oid)
    set_cell(data_copy, "observations", line, "value", "35.7")
    found = problems_at(data_copy, "observations.csv", line, "value")
    assert found and "does not match" in found[0].reason
    # within rounding of the stated decimals is fine: 67088/198845 = 33.738...
    set_cell(data_copy, "observations", line, "value", "33.74")
    assert problems_at(data_copy, "observations.csv", line, "value") == []


def test_count_value_equals_numerator(data_copy):
    line = obs_line(data_copy, "NA001")
    set_cell(data_copy, "observations", line, "value", "5")
    found = problems_at(data_copy, "observations.csv", line, "value")
    assert found and "differs from the numerator" in found[0].reason


def test_period_start_not_after_end(data_copy, shipped):
    oid = find_obs(shipped, indicator="online_dossier_rate", scope="provincial_centre")
    line = obs_line(data_copy, oid)
    set_cell(data_copy, "observations", line, "period_start", "2023-12-01")
    found = problems_at(data_copy, "observations.csv", line, "period_start")
    assert found and "after period_end" in found[0].reason


def test_interval_needs_a_start_and_as_of_has_none(data_copy, shipped):
    oid = find_obs(shipped, indicator="online_dossier_rate", scope="provincial_centre")
    line = obs_line(data_copy, oid)
    set_cell(data_copy, "observations", line, "period_start", "")
    assert problems_at(data_copy, "observations.csv", line, "period_start")
    oid2 = find_obs(shipped, indicator="online_dossier_rate", scope="national_portal")
    line2 = obs_line(data_copy, oid2)
    set_cell(data_copy, "observations", line2, "period_start", "2025-01-01")
    assert problems_at(data_copy, "observations.csv", line2, "period_start")


def test_unique_obs_id(data_copy):
    line = obs_line(data_copy, "NA002")
    set_cell(data_copy, "observations", line, "obs_id", "NA001")
    found = problems_at(data_copy, "observations.csv", line, "obs_id")
    assert found and "duplicate" in found[0].reason


def test_source_id_must_be_known(data_copy):
    line = obs_line(data_copy, "NA001")
    set_cell(data_copy, "observations", line, "source_id", "seed999")
    found = problems_at(data_copy, "observations.csv", line, "source_id")
    assert found and "seed999" in found[0].reason


def test_province_must_be_known(data_copy):
    line = obs_line(data_copy, "NA001")
    set_cell(data_copy, "observations", line, "province", "Nghệ Tĩnh")
    found = problems_at(data_copy, "observations.csv", line, "province")
    assert found and "unknown province" in found[0].reason and "Nghệ An" in found[0].reason


def test_indicator_must_be_defined_and_unit_must_match(data_copy):
    line = obs_line(data_copy, "NA001")
    set_cell(data_copy, "observations", line, "indicator", "online_rate_typo")
    found = problems_at(data_copy, "observations.csv", line, "indicator")
    assert found and "not defined in indicators.csv" in found[0].reason
    data_copy2 = data_copy
    set_cell(data_copy2, "observations", line, "indicator", "departments_online_rate_above_80pct")
    set_cell(data_copy2, "observations", line, "unit", "localities")
    found = problems_at(data_copy2, "observations.csv", line, "unit")
    assert found and "differs from the unit" in found[0].reason


def test_quote_present(data_copy):
    line = obs_line(data_copy, "NA001")
    set_cell(data_copy, "observations", line, "quote", "")
    found = problems_at(data_copy, "observations.csv", line, "quote")
    assert found and "required" in found[0].reason


def test_quote_found_in_seed(data_copy):
    line = obs_line(data_copy, "NA001")
    set_cell(data_copy, "observations", line, "quote", "Có 5/13 sở, ngành đã thực hiện tiếp nhận hồ sơ trực tuyến.")
    found = problems_at(data_copy, "observations.csv", line, "quote")
    assert found and "not found in the text of seed" in found[0].reason


def test_quote_matches_seed_stored_in_nfd(shipped, data_copy):
    """Seed 002 is stored decomposed (NFD); its quotes (NFC) must still be found."""
    raw = (data_copy / "seeds").glob("002_*.txt")
    text = next(raw).read_text(encoding="utf-8")
    assert not unicodedata.is_normalized("NFC", text)
    assert any(shipped.observations["source_id"] == "seed002")
    assert data.validate(data_copy) == []


def test_policy_and_admin_rules(data_copy):
    line = line_of(data_copy, "policies", "policy_id", "na_online_fee_discount_2023")
    set_cell(data_copy, "policies", line, "discount_pct", "140")
    assert problems_at(data_copy, "policies.csv", line, "discount_pct")
    line = line_of(data_copy, "admin_units", "province", "Hòa Bình")
    set_cell(data_copy, "admin_units", line, "successor", "Phú Yên Mới")
    assert problems_at(data_copy, "admin_units.csv", line, "successor")



@pytest.mark.parametrize("column,value", [
    ("in_force_month", "2023-12"),      # not the month of in_force 2023-11-07
    ("in_force_month", "Nov 2023"),     # not YYYY-MM
    ("in_force", "2023-01-02"),         # fine alone, but see the month rule
    ("date_confirmed", "maybe"),        # not in the vocabulary
    ("url", "www.example.org/x"),       # not an http(s) address
    ("instrument", "decree"),           # not in the vocabulary
])
def test_policy_date_and_source_rules(data_copy, column, value):
    line = line_of(data_copy, "policies", "policy_id", "na_online_fee_discount_2023")
    set_cell(data_copy, "policies", line, column, value)
    assert problems_at(data_copy, "policies.csv", line, column if column != "in_force" else "in_force_month")


def test_confirmed_date_needs_an_in_force_day(data_copy):
    line = line_of(data_copy, "policies", "policy_id", "hb_resolution_267_2023")
    set_cell(data_copy, "policies", line, "date_confirmed", "yes")
    assert problems_at(data_copy, "policies.csv", line, "date_confirmed")
    set_cell(data_copy, "policies", line, "date_confirmed", "no")
    set_cell(data_copy, "policies", line, "in_force", "2023-07-01")  # before adoption 2023-07-14
    assert problems_at(data_copy, "policies.csv", line, "in_force")

# ---------------------------------------------------------------- whole-file problems


def test_empty_file(data_copy):
    (data_copy / "observations.csv").write_text("", encoding="utf-8")
    found = [p for p in data.validate(data_copy) if p.file == "observations.csv"]
    assert found and "empty" in found[0].reason


def test_missing_file(data_copy):
    (data_copy / "sources.csv").unlink()
    found = [p for p in data.validate(data_copy) if p.file == "sources.csv"]
    assert found and "not found" in found[0].reason


def test_missing_column(data_copy):
    rows = read_rows(data_copy / "observations.csv")
    i = rows[0].index("bound")
    write_rows(data_copy / "observations.csv", [r[:i] + r[i + 1:] for r in rows])
    found = problems_at(data_copy, "observations.csv", 1, "bound")
    assert found and "missing" in found[0].reason


def test_wrong_number_of_fields(data_copy):
    path = data_copy / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.append("NA999,Nghệ An,province_wide\n")
    path.write_text("".join(lines), encoding="utf-8")
    found = [p for p in data.validate(data_copy) if p.file == "observations.csv" and p.line == len(lines)]
    assert found and "fields" in found[0].reason


def test_undecodable_encoding_names_the_line(data_copy):
    path = data_copy / "observations.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("utf-16"))
    found = [p for p in data.validate(data_copy) if p.file == "observations.csv"]
    assert found and "not UTF-8" in found[0].reason
    # a Windows-1258-style byte in the middle: the line is named
    raw = text.encode("utf-8").split(b"\n")
    raw[5] = raw[5].replace("ệ".encode(), b"\xd2")
    path.write_bytes(b"\n".join(raw))
    found = [p for p in data.validate(data_copy) if p.file == "observations.csv"]
    assert found[0].line == 6


def test_load_raises_with_all_problems(data_copy):
    set_cell(data_copy, "observations", 2, "value", "abc")
    set_cell(data_copy, "observations", 3, "scope", "nowhere")
    with pytest.raises(data.DataError) as exc:
        data.load(data_copy)
    assert len(exc.value.problems) >= 2
    assert "observations.csv:2: column 'value'" in str(exc.value)


# ---------------------------------------------------------------- normalisation


def test_spreadsheet_export_loads_identically(data_copy, shipped):
    """BOM + CRLF + ';' delimiter + decimal commas + Vietnamese thousands + day-first dates + NFD."""
    path = data_copy / "observations.csv"
    rows = read_rows(path)
    h = rows[0]
    for r in rows[1:]:
        r[h.index("value")] = r[h.index("value")].replace(".", ",")
        for col in ("numerator", "denominator"):
            if r[h.index(col)]:
                r[h.index(col)] = f"{int(r[h.index(col)]):,}".replace(",", ".")
        for col in ("period_start", "period_end"):
            if r[h.index(col)]:
                y, m, d = r[h.index(col)].split("-")
                r[h.index(col)] = f"{int(d)}/{int(m)}/{y}"
        r[h.index("province")] = unicodedata.normalize("NFD", r[h.index("province")])
        r[h.index("quote")] = unicodedata.normalize("NFD", r[h.index("quote")])
    # percent rows get a trailing % like a spreadsheet would show
    for r in rows[1:]:
        if r[h.index("unit")] == "percent":
            r[h.index("value")] += "%"
    write_rows(path, rows, delimiter=";", encoding="utf-8-sig", newline="\r\n")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    # the shipped values have no "x.yyy" decimals, so nothing here is ambiguous
    loaded = data.load(data_copy)
    pd.testing.assert_frame_equal(loaded.observations, shipped.observations)


def test_ambiguous_value_is_refused_not_guessed(data_copy):
    line = obs_line(data_copy, "NA001")
    set_cell(data_copy, "observations", line, "value", "1.234")
    found = problems_at(data_copy, "observations.csv", line, "value")
    assert found and "ambiguous" in found[0].reason


def test_nfd_and_alias_province_names_load_as_canonical(data_copy):
    line = obs_line(data_copy, "NA001")
    set_cell(data_copy, "observations", line, "province", unicodedata.normalize("NFD", "Nghệ An"))
    rows = read_rows(data_copy / "observations.csv")
    hb = next(i + 1 for i, r in enumerate(rows) if r[1] == "Hòa Bình")
    set_cell(data_copy, "observations", hb, "province", "Hoà Bình")  # old-style tone placement
    ds = data.load(data_copy)
    assert set(ds.observations["province"]) == {"Nghệ An", "Hòa Bình"}
    assert ds.canonical_province(unicodedata.normalize("NFD", "hòa bình")) == "Hòa Bình"


# ---------------------------------------------------------------- the command


def test_cli_validate_ok(capsys):
    assert cli.main(["validate"]) == 0
    assert "valid" in capsys.readouterr().out


def test_cli_validate_reports_file_line_column_and_exits_2(data_copy, capsys):
    line = obs_line(data_copy, "NA001")
    set_cell(data_copy, "observations", line, "value", "abc")
    (data_copy / "policies.csv").write_text("", encoding="utf-8")
    assert cli.main(["validate", "--data", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert f"observations.csv:{line}: column 'value': 'abc' is not a number" in err
    assert "policies.csv: file is empty" in err
    assert "Traceback" not in err


def test_cli_validate_as_a_process_has_no_traceback(data_copy):
    import subprocess
    import sys
    (data_copy / "observations.csv").write_bytes(b"\xff\xfe\x00garbage")
    res = subprocess.run([sys.executable, "-m", "analysis.cli", "validate", "--data", str(data_copy)],
                         capture_output=True, text=True)
    assert res.returncode == 2
    assert "observations.csv" in res.stderr and "Traceback" not in res.stderr


def test_data_folder_that_is_missing_or_a_file_gives_one_clear_line(tmp_path, capsys):
    from analysis import cli
    f = tmp_path / "observations.csv"
    f.write_text("x\n", encoding="utf-8")
    assert cli.main(["validate", "--data", str(f)]) == 2
    err = capsys.readouterr().err
    assert "is a file, not a data folder" in err and "admin_units.csv" not in err
    assert cli.main(["validate", "--data", str(tmp_path / "nope")]) == 2
    assert "data folder not found" in capsys.readouterr().err
    assert cli.main(["growth", "--data", str(f), "--province", "Nghệ An"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_repeated_column_is_refused(data_copy):
    rows = read_rows(data_copy / "observations.csv")
    i = rows[0].index("value")
    write_rows(data_copy / "observations.csv", [r + [r[i]] for r in rows])
    found = problems_at(data_copy, "observations.csv", 1, "value")
    assert found and "appears 2 times" in found[0].reason
