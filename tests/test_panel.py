"""Validation of monthly procedure-level panels (analysis.data.panel) and the CLI's exit 2."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import cli
from analysis.data import panel
from analysis.data import DataError

HEADER = "province,procedure,month,online,total,discounted\n"


def _rows(n_months=4, start="2023-01", procs=(("A", "true"), ("B", "false"))):
    out = []
    for proc, flag in procs:
        for m in pd.period_range(start, periods=n_months, freq="M"):
            out.append(f"Nghệ An,{proc},{m},10,40,{flag}\n")
    return out


def _write(tmp_path, text, name="panel.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def _problems(path, shipped):
    with pytest.raises(panel.PanelError) as exc:
        panel.read_panel(path, dataset=shipped)
    return exc.value.problems


class TestParseMonth:
    @pytest.mark.parametrize("text", ["2023-11", "11/2023", "11-2023", "11.2023", "2023/11", " 2023-11 "])
    def test_accepted_forms(self, text):
        assert panel.parse_month(text) == pd.Period("2023-11", "M")

    @pytest.mark.parametrize("text,why", [("11/23", "ambiguous"), ("7/11/2023", "a date, not a month"),
                                          ("2023-13", "outside 1 to 12"), ("13/2023", "outside 1 to 12"),
                                          ("Nov 2023", "not a month"), ("2023-11-07", "a date")])
    def test_refused_forms(self, text, why):
        with pytest.raises(ValueError, match=why):
            panel.parse_month(text)


class TestReadPanel:
    def test_valid_panel_is_typed_and_sorted(self, tmp_path, shipped):
        p = _write(tmp_path, HEADER + "".join(reversed(_rows())))
        df = panel.read_panel(p, dataset=shipped)
        assert list(df.columns) == [*panel.COLUMNS, "share"]
        assert len(df) == 8
        assert df["month"].iloc[0] == pd.Period("2023-01", "M")
        assert df["discounted"].dtype == bool and df["online"].dtype == "int64"
        assert df["share"].iloc[0] == pytest.approx(0.25)

    def test_vietnamese_numbers_months_alias_nfd_bom_crlf_semicolon(self, tmp_path, shipped):
        import unicodedata
        nfd = unicodedata.normalize("NFD", "Nghệ An")
        body = ("province;procedure;month;online;total;discounted\r\n"
                f"{nfd};Cấp phép;11/2023;1.234;2.000;có\r\n"
                "Nghe An;Cấp phép;12-2023;1.300;2 100;có\r\n"
                "nghệ an;Khác;2023-11;5;10;không\r\n"
                "Nghệ An;Khác;12.2023;6;10;false\r\n")
        p = _write(tmp_path, "\ufeff" + body)
        df = panel.read_panel(p, dataset=shipped)
        assert set(df["province"]) == {"Nghệ An"}
        assert df.loc[df["procedure"] == "Cấp phép", "online"].tolist() == [1234, 1300]
        assert df.loc[df["procedure"] == "Cấp phép", "total"].tolist() == [2000, 2100]
        assert df["discounted"].tolist() == [True, True, False, False]

    def test_online_above_total(self, tmp_path, shipped):
        p = _write(tmp_path, HEADER + "Nghệ An,A,2023-01,50,40,true\n")
        (prob,) = _problems(p, shipped)
        assert (prob.line, prob.column) == (2, "online") and "greater than total 40" in prob.reason

    @pytest.mark.parametrize("value,why", [("-3", "negative"), ('"1,234"', "ambiguous"), ("3.5", "not a whole"),
                                           ("", "empty")])
    def test_bad_counts(self, tmp_path, shipped, value, why):
        p = _write(tmp_path, HEADER + f"Nghệ An,A,2023-01,{value},40,true\n")
        probs = _problems(p, shipped)
        assert any(pr.column == "online" and why in pr.reason for pr in probs)

    def test_duplicate_rows(self, tmp_path, shipped):
        rows = _rows(2)
        p = _write(tmp_path, HEADER + "".join(rows) + rows[0])
        probs = _problems(p, shipped)
        assert any("duplicate row" in pr.reason and pr.line == 6 for pr in probs)

    def test_discounted_flag_must_be_constant(self, tmp_path, shipped):
        rows = _rows(3)
        rows[1] = rows[1].replace("true", "false")
        p = _write(tmp_path, HEADER + "".join(rows))
        (prob,) = _problems(p, shipped)
        assert prob.column == "discounted" and prob.line == 3 and "same in every month" in prob.reason

    def test_unknown_province(self, tmp_path, shipped):
        p = _write(tmp_path, HEADER + "Atlantis,A,2023-01,1,2,true\n")
        (prob,) = _problems(p, shipped)
        assert prob.column == "province" and "unknown province 'Atlantis'" in prob.reason

    def test_gap_inside_a_procedure_is_refused(self, tmp_path, shipped):
        rows = _rows(5)
        del rows[2]
        p = _write(tmp_path, HEADER + "".join(rows))
        (prob,) = _problems(p, shipped)
        assert "1 month(s) missing" in prob.reason and "2023-03" in prob.reason

    def test_bad_flag_and_month_reported_together(self, tmp_path, shipped):
        p = _write(tmp_path, HEADER + "Nghệ An,A,11/23,1,2,maybe\n")
        probs = _problems(p, shipped)
        assert {pr.column for pr in probs} == {"month", "discounted"}

    def test_header_problems(self, tmp_path, shipped):
        p = _write(tmp_path, "province,procedure,month,online,total,extra\nNghệ An,A,2023-01,1,2,x\n")
        probs = _problems(p, shipped)
        assert any(pr.column == "discounted" and "missing" in pr.reason for pr in probs)
        assert any(pr.column == "extra" and "unknown column" in pr.reason for pr in probs)

    def test_wrong_field_count_missing_file_empty_file_not_utf8(self, tmp_path, shipped):
        p = _write(tmp_path, HEADER + "Nghệ An,A,2023-01,1,2\n")
        assert "has 5 fields" in _problems(p, shipped)[0].reason
        assert "file not found" in _problems(tmp_path / "nope.csv", shipped)[0].reason
        assert "empty" in _problems(_write(tmp_path, "", "e.csv"), shipped)[0].reason
        assert "header but no rows" in _problems(_write(tmp_path, HEADER, "h.csv"), shipped)[0].reason
        bad = _write(tmp_path, HEADER + "Hòa Bình,A,2023-01,1,2,true\n", "latin.csv", encoding="latin-1")
        assert "not UTF-8" in _problems(bad, shipped)[0].reason

    def test_panel_error_is_a_data_error(self):
        assert issubclass(panel.PanelError, DataError)

    def test_write_then_read_round_trip(self, tmp_path, shipped):
        p = _write(tmp_path, HEADER + "".join(_rows()))
        df = panel.read_panel(p, dataset=shipped)
        out = panel.write_panel(df, tmp_path / "copy.csv")
        pd.testing.assert_frame_equal(panel.read_panel(out, dataset=shipped), df)
        assert not list(tmp_path.glob(".copy.csv.*"))  # no temp file left behind


class TestTiming:
    def test_mid_month_policy_has_transition_month(self):
        assert panel.policy_months("2023-11-07") == (pd.Period("2023-10", "M"), pd.Period("2023-11", "M"),
                                                     pd.Period("2023-12", "M"))

    def test_first_of_month_policy_has_none(self):
        assert panel.policy_months("2023-12-01") == (pd.Period("2023-11", "M"), None, pd.Period("2023-12", "M"))

    def test_circular_63_is_a_confounder_of_nghe_an(self, shipped):
        w = panel.confounding_policies(shipped.policies, "Nghệ An", "2023-11-07",
                                       pd.Period("2022-11", "M"), pd.Period("2024-11", "M"))
        assert len(w) == 1 and "Circular 63" in w[0] and "24 days after" in w[0]
        assert "Nov 2022 to Nov 2024" in w[0]

    def test_a_confounder_is_named_in_the_readers_language(self, shipped):
        from analysis import i18n
        i18n.set_language("vi")
        try:
            w = panel.confounding_policies(shipped.policies, "Nghệ An", "2023-11-07",
                                           pd.Period("2022-11", "M"), pd.Period("2024-11", "M"))
        finally:
            i18n.set_language("en")
        vi_name = shipped.policies.set_index("policy_id").loc["national_circular_63_2023", "name_vi"]
        assert vi_name in w[0] and "từ 11/2022 đến 11/2024" in w[0] and "Reduced national fees" not in w[0]

    def test_outside_window_and_other_provinces_are_not(self, shipped):
        assert panel.confounding_policies(shipped.policies, "Nghệ An", "2023-11-07",
                                          pd.Period("2023-01", "M"), pd.Period("2023-11", "M")) == []


def test_cli_bad_panel_exits_2_with_line_and_reason(tmp_path, capsys):
    p = _write(tmp_path, HEADER + "Nghệ An,A,2023-01,50,40,true\n")
    assert cli.main(["effect", str(p), "--policy-date", "2023-11-07"]) == 2
    err = capsys.readouterr().err
    assert "panel.csv:2: column 'online'" in err and "Traceback" not in err


class TestPolicyMatch:
    def _rows(self, n_discounted):
        return pd.DataFrame({"procedure": [f"p{i}" for i in range(12)],
                             "discounted": [i < n_discounted for i in range(12)]})

    def test_matching_policy_and_count_give_no_warning(self, shipped):
        assert panel.policy_match_warnings(shipped.policies, "Nghệ An", "2023-11-07", self._rows(9)) == []

    def test_count_mismatch_is_warned(self, shipped):
        (w,) = panel.policy_match_warnings(shipped.policies, "Nghệ An", "2023-11-07", self._rows(5))
        assert "covers 9 procedures but the panel marks 5" in w

    def test_unknown_date_is_warned(self, shipped):
        (w,) = panel.policy_match_warnings(shipped.policies, "Nghệ An", "2024-01-01", self._rows(9))
        assert "is dated 1 Jan 2024" in w and "40% online fee discount for 9 procedures (7 Nov 2023)" in w
        assert "na_online_fee_discount_2023" not in w  # the policy by its name, not its id

    def test_adoption_date_counts_when_no_effective_date(self, shipped):
        assert panel.policy_match_warnings(shipped.policies, "Hòa Bình", "2023-07-14", self._rows(9)) == []


def test_cli_panel_that_is_a_folder_exits_2_without_traceback(tmp_path, capsys):
    folder = tmp_path / "panel.csv"
    folder.mkdir()
    assert cli.main(["effect", str(folder), "--policy-date", "2023-11-07"]) == 2
    err = capsys.readouterr().err
    assert "panel.csv" in err and "not a file" in err and "Traceback" not in err


def test_cli_simulate_panel_out_is_a_folder_exits_2_and_leaves_nothing(tmp_path, capsys):
    folder = tmp_path / "out"
    folder.mkdir()
    assert cli.main(["simulate-panel", "--out", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and "folder" in err
    assert list(folder.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_repeated_column_is_refused_not_silently_last(tmp_path, shipped):
    p = tmp_path / "panel.csv"
    p.write_text(HEADER.rstrip("\n") + ",online\nNghệ An,A,2023-01,5,10,true,9\n", encoding="utf-8")
    with pytest.raises(panel.PanelError) as err:
        panel.read_panel(p, dataset=shipped)
    assert "panel.csv:1: column 'online': appears 2 times in the header" in str(err.value)
