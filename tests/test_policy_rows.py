"""One rule for when a policy starts (data/policy_rows.py), read the same way by the
fee-discount report, the cross-province designs and the panel checks."""

import pandas as pd
import pytest

from analysis import i18n
from analysis.data import policy_rows
from analysis.models.policy_panel import policy_starts

ROW = {"province": "Tỉnh A", "level": "provincial", "name": "A cut", "name_vi": "Giảm phí A",
       "in_force": pd.NaT, "in_force_month": "", "date_adopted": pd.NaT}


@pytest.mark.parametrize("fields,basis,start", [
    ({"in_force": pd.Timestamp("2023-11-07"), "in_force_month": "2023-10",
      "date_adopted": pd.Timestamp("2023-09-01")}, "in_force", "2023-11-07"),
    ({"in_force_month": "2024-07", "date_adopted": pd.Timestamp("2024-05-02")}, "in_force_month", "2024-07-01"),
    ({"date_adopted": pd.Timestamp("2023-07-14")}, "date_adopted", "2023-07-14"),
    ({}, "unknown", None),
])
def test_the_start_is_in_force_then_its_month_then_adoption(fields, basis, start):
    row = {**ROW, **fields}
    assert policy_rows.start_basis(row) == basis
    assert policy_rows.start_date(row) == (pd.Timestamp(start) if start else None)
    month = policy_starts(pd.DataFrame([row]))["Tỉnh A"].month
    assert month == (start[:7] if start else None)  # the designs read the same start, to the month


def test_a_malformed_month_is_refused():
    with pytest.raises(ValueError, match="YYYY-MM"):
        policy_rows.start_date({**ROW, "in_force_month": "7/2024"})


def test_the_shipped_table_agrees_with_the_reports(shipped):
    from analysis.reports import discount
    qn = discount.policy_for(shipped, "Quảng Nam")
    assert str(qn.date) == "2024-07-01"
    assert isinstance(discount.policy_for(shipped, "Huế"), discount.NoPolicy)


def test_the_name_is_in_the_readers_language():
    assert policy_rows.name(ROW) == "A cut"
    i18n.set_language("vi")
    assert policy_rows.name(ROW) == "Giảm phí A" and policy_rows.name({**ROW, "name_vi": None}) == "A cut"
