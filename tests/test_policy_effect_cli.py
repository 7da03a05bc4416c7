"""``analysis policy-effect``: JSON shapes of both methods and exit 2 with a clear message
for unknown provinces, bad panels, dates outside the panel, short pre-periods, refusals
and an empty monthly history."""

import json

import pytest

from analysis.cli import main
from analysis.models import policy_sim as ps

NAMES = [f"Tỉnh {k:02d}" for k in range(30)]


@pytest.fixture(scope="module")
def panel_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("pe") / "panel.csv"
    ps.simulate(ps.SimDesign(effect=5.0, n_donors=30), seed=4, donor_names=NAMES).to_csv(path, index=False)
    return path


def run(capsys, *argv):
    code = main(["policy-effect", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_scm_json(capsys, panel_csv):
    code, out, err = run(capsys, "--province", "Nghe An", "--panel", panel_csv, "--json")
    assert code == 0, err
    r = json.loads(out)
    assert r["status"] == "estimate" and r["method"] == "scm" and r["province"] == "Nghệ An"
    assert r["policy_date"] == "2023-11" and r["group"] == "CLGQ"
    for k in ("effect", "p_value", "pre_rmspe", "post_rmspe", "ci_low", "ci_high", "smallest_p"):
        assert isinstance(r[k], float), k
    assert r["smallest_p"] == pytest.approx(1 / 31)
    assert abs(sum(d["weight"] for d in r["donors"]) - 1) < 1e-6
    assert {d["province"] for d in r["donors"]} <= set(NAMES)  # no policy province is a donor
    assert r["ci_low"] < r["effect"] < r["ci_high"]


def test_staggered_json_lists_the_province_cohort_first(capsys, panel_csv):
    code, out, err = run(capsys, "--province", "Quảng Nam", "--method", "staggered", "--panel", panel_csv, "--json")
    assert code == 0, err
    r = json.loads(out)
    assert r["status"] == "estimate" and r["method"] == "staggered"
    assert r["cohorts"][0]["provinces"] == ["Quảng Nam"]
    assert {c["cohort"] for c in r["cohorts"]} == {"2023-07", "2023-11", "2024-07"}
    assert r["ci_low"] < r["att"] < r["ci_high"] and 0 < r["p_value"] <= 1
    assert any(e["e"] < -1 for e in r["event_study"]) and any(e["e"] >= 0 for e in r["event_study"])


def test_a_province_without_a_policy_gets_the_staggered_design_but_no_synthetic_control(capsys, panel_csv):
    # The staggered design pools every policy province: choosing one with no policy of its own
    # (Tỉnh 05) changes only which cohort is listed first, not the estimate.
    code, out, err = run(capsys, "--province", "Tỉnh 05", "--method", "staggered", "--panel", panel_csv, "--json")
    assert code == 0, err
    r = json.loads(out)
    code, out, _ = run(capsys, "--province", "Quảng Nam", "--method", "staggered", "--panel", panel_csv, "--json")
    q = json.loads(out)
    assert r["status"] == "estimate" and r["att"] == q["att"] and r["ci_low"] == q["ci_low"]
    assert sorted(c["cohort"] for c in r["cohorts"]) == sorted(c["cohort"] for c in q["cohorts"])
    code, _, err = run(capsys, "--province", "Tỉnh 05", "--panel", panel_csv)
    assert code == 2 and "no online-fee policy" in err


def test_policies_file_and_policy_date(capsys, panel_csv, tmp_path):
    pol = tmp_path / "pol.csv"
    pol.write_text("province,in_force\nNghệ An,2023-11-07\nTỉnh 03,2024-02-01\n", encoding="utf-8")
    code, out, _ = run(capsys, "--province", "Nghệ An", "--panel", panel_csv, "--policies", pol, "--json")
    r = json.loads(out)
    assert code == 0 and "Tỉnh 03" not in {d["province"] for d in r["donors"]}
    # Only this file's policies count: the other 29 plus Hòa Bình, Hải Dương, Quảng Nam are donors.
    assert r["n_donors"] == 32
    code, out, _ = run(capsys, "--province", "Nghệ An", "--panel", panel_csv, "--policy-date", "2024-03-01", "--json")
    assert code == 0 and json.loads(out)["policy_month"] == "2024-03"


@pytest.mark.parametrize("argv,needle", [
    (["--province", "Atlantis"], "unknown province"),
    (["--province", "Nghệ An", "--policy-date", "2030-01-01"], "outside the panel"),
    (["--province", "Nghệ An", "--policy-date", "2022-03-01"], "at least 6"),
    (["--province", "Nghệ An", "--policy-date", "7/11/2023"], "YYYY-MM-DD"),
    (["--province", "Nghệ An", "--group", "XYZ"], "group 'XYZ'"),
])
def test_bad_requests_exit_2(capsys, panel_csv, argv, needle):
    code, _, err = run(capsys, *argv, "--panel", panel_csv)
    assert code == 2 and needle in err


def test_unparseable_panel_names_file_row_and_column(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("province,month,group,ratio\nNghệ An,2023-01,CLGQ,50\nNghệ An,2023-02,CLGQ,fifty\n",
                   encoding="utf-8")
    code, _, err = run(capsys, "--province", "Nghệ An", "--panel", bad)
    assert code == 2 and f"{bad}:3: column 'ratio'" in err and "not a number" in err


def test_poor_fit_is_refused_with_json(capsys, panel_csv, tmp_path):
    import pandas as pd
    df = pd.read_csv(panel_csv)
    df.loc[df["province"] == "Nghệ An", "ratio"] = 100.0 - (df.index[df["province"] == "Nghệ An"] % 2) * 20
    p = tmp_path / "far.csv"
    df.to_csv(p, index=False)
    code, out, err = run(capsys, "--province", "Nghệ An", "--panel", p, "--json")
    r = json.loads(out)
    assert code == 2 and r["status"] == "refused" and "poor pre-period fit" in r["reason"]


def test_empty_history_says_how_to_bring_it(capsys):
    code, out, err = run(capsys, "--province", "Nghệ An", "--json")
    r = json.loads(out)
    assert code == 2 and r["status"] == "refused"
    assert "analysis portal backfill --from 2022-01" in r["reason"] and "no monthly history" in err


def test_months_after_the_merger_are_left_out(capsys, panel_csv, tmp_path):
    import pandas as pd
    df = pd.read_csv(panel_csv)
    later = df[df["month"] == "2025-06"].assign(month="2025-07")
    later = later[later["province"] != "Hòa Bình"]  # Hòa Bình no longer exists in July 2025
    p = tmp_path / "merged.csv"
    pd.concat([df, later]).to_csv(p, index=False)
    code, out, err = run(capsys, "--province", "Nghệ An", "--method", "staggered", "--panel", p, "--json")
    r = json.loads(out)
    assert code == 0, err
    assert any("Hòa Bình" in c["provinces"] for c in r["cohorts"])  # kept: the panel stops at 2025-06


def test_bad_policies_file_names_row_and_column(capsys, panel_csv, tmp_path):
    pol = tmp_path / "pol.csv"
    pol.write_text("province,in_force\nNghệ An,7/11/2023\n", encoding="utf-8")
    code, _, err = run(capsys, "--province", "Nghệ An", "--panel", panel_csv, "--policies", pol)
    assert code == 2 and f"{pol}:2: column 'in_force'" in err
