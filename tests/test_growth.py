"""Unit tests of analysis.models.growth and the ``analysis growth`` command (fast; simulation studies
are in test_growth_simulation.py, notebook runs in test_growth_notebook.py)."""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit, logit

from analysis import cli
from analysis.models import growth
from analysis.errors import Refused
from analysis.errors import ParameterError

MONTHS = pd.date_range("2022-01-31", periods=12, freq="QE-JAN")  # quarterly month ends over 3 years


def _data(rows: pd.DataFrame, **kw) -> growth.GrowthData:
    return growth.prepare_frame(rows, "SIMULATED", **kw)


def _sim(b0=-1.0, b1=0.8, dates=MONTHS, seed=1, **kw) -> pd.DataFrame:
    return growth.simulate_rows(b0, b1, dates, seed=seed, **kw)


def _bound_row(value: float, date: str, bound: str = "lower", scope: str = "province_wide") -> pd.DataFrame:
    end = pd.Timestamp(date)
    return pd.DataFrame([{
        "obs_id": "BOUND", "province": "SIMULATED", "scope": scope, "subunit": "", "indicator": "online_dossier_rate",
        "period_type": "interval", "period_start": end.replace(day=1), "period_end": end, "value": value,
        "unit": "percent", "bound": bound, "numerator": pd.NA, "denominator": pd.NA, "source_id": "SIMULATED",
        "quote": "SIMULATED", "note": "SIMULATED"}]).astype({"numerator": "Int64", "denominator": "Int64"})


# ----------------------------------------------------------------------------- placement


class TestPrepare:
    def test_interval_at_midpoint_as_of_at_end_with_warning(self, shipped):
        gd = growth.prepare(shipped, "Nghe An")
        f = gd.frame.set_index("obs_id")
        for oid, r in f.iterrows():
            if r["period_type"] == "interval":
                assert r["date"] == (r["period_start"] + (r["period_end"] - r["period_start"]) / 2).normalize()
            else:
                assert r["date"] == r["period_end"]
                assert any(oid in w and "end date" in w for w in gd.warnings)
        assert any("'as of'" in a for a in gd.assumptions)

    def test_year_to_date_placement_moves_as_of_figure_earlier(self, shipped):
        end = growth.prepare(shipped, "Nghệ An").frame.set_index("obs_id")
        ytd = growth.prepare(shipped, "Nghệ An", as_of_placement="year_to_date").frame.set_index("obs_id")
        as_of = end.index[end["period_type"] == "as_of"]
        assert len(as_of)
        for oid in as_of:
            e = end.loc[oid, "period_end"]
            assert ytd.loc[oid, "date"] == (pd.Timestamp(e.year, 1, 1) + (e - pd.Timestamp(e.year, 1, 1)) / 2).normalize()
            assert ytd.loc[oid, "date"] < end.loc[oid, "date"]

    def test_unknown_placement_and_no_data(self, shipped):
        with pytest.raises(ParameterError):
            growth.prepare(shipped, "Nghệ An", as_of_placement="start")
        with pytest.raises(Refused, match="no online-dossier-rate figure for Hòa Bình"):
            growth.prepare(shipped, "Hoa Binh")


# ----------------------------------------------------------------------------- identification


class TestRefusals:
    def test_nghe_an_mixed_scopes_refused_naming_alternatives(self, shipped):
        gd = growth.prepare(shipped, "Nghệ An")
        with pytest.raises(Refused) as exc:
            growth.fit_growth(gd)
        msg = str(exc.value)
        assert "rank" in msg and "--scope" in msg and "--offset" in msg

    def test_one_point_per_scope_is_rank_deficient(self):
        rows = pd.concat([_sim(dates=MONTHS[:1], scope="provincial_centre", prefix="A"),
                          _sim(dates=MONTHS[-1:], scope="national_portal", prefix="B")])
        with pytest.raises(Refused, match="rank 2 < 3"):
            growth.fit_growth(_data(rows))

    def test_estimated_offset_without_residual_df_refused(self):
        rows = pd.concat([_sim(dates=MONTHS[:2], scope="provincial_centre", prefix="A"),
                          _sim(dates=MONTHS[-1:], scope="national_portal", prefix="B")])
        with pytest.raises(Refused, match="no residual"):
            growth.fit_growth(_data(rows))

    def test_identified_mixed_design_estimates_offset(self):
        rows = pd.concat([_sim(dates=MONTHS[::2], scope="provincial_centre", scope_offset=0.5, prefix="A"),
                          _sim(dates=MONTHS[1::2], scope="national_portal", prefix="B", seed=2)])
        fit = growth.fit_growth(_data(rows), n_boot=0)
        assert fit.scope_mode == "estimated_offsets"
        assert list(fit.params.index) == ["intercept", "slope_per_year", "scope[provincial_centre]"]
        assert fit.df_resid == len(rows) - 3

    def test_single_scope_needs_two_dates(self):
        rows = _sim(dates=MONTHS[:1])
        with pytest.raises(Refused, match="slope is not identified"):
            growth.fit_growth(_data(rows))

    def test_only_bounds_refused(self):
        with pytest.raises(Refused, match="no exact"):
            growth.fit_growth(_data(_bound_row(44, "2023-02-15")))

    def test_scope_without_figures_refused(self, shipped):
        with pytest.raises(Refused, match="no online-rate figure on scope 'communes'"):
            growth.fit_growth(growth.prepare(shipped, "Nghệ An"), scope="communes")

    def test_bad_arguments(self, shipped):
        gd = growth.prepare(shipped, "Nghệ An")
        with pytest.raises(ParameterError, match="reference scope"):
            growth.fit_growth(gd, offsets={"national_portal": 0.3})
        with pytest.raises(ParameterError, match="either"):
            growth.fit_growth(gd, scope="national_portal", offsets={"provincial_centre": 0.0})
        with pytest.raises(ParameterError, match="not a scope"):
            growth.fit_growth(gd, offsets={"moon": 0.0})
        with pytest.raises(ParameterError, match="reference_scope"):
            growth.fit_growth(gd, scope="national_portal", reference_scope="provincial_centre")
        with pytest.raises(ParameterError, match="scale"):
            growth.fit_growth(gd, scale="robust")


# ----------------------------------------------------------------------------- scale


class TestScale:
    def test_count_and_proportion_forms_agree_and_scale_is_pearson_over_df(self):
        rows = _sim(extra_sd=0.2, n=3000, seed=5)
        fit = growth.fit_growth(_data(rows), n_boot=0)
        pts = fit.points
        y, n = pts["numerator"].astype(float).to_numpy(), pts["denominator"].astype(float).to_numpy()
        X = np.column_stack([np.ones(len(pts)), pts["t"].to_numpy(float)])
        mu = expit(X @ fit.params.values)
        x2 = np.sum(n * (y / n - mu) ** 2 / (mu * (1 - mu)))
        assert fit.scale == pytest.approx(x2 / fit.df_resid, rel=1e-6)
        # Two-column count endog with that scale: same estimates and standard errors.
        counts = sm.GLM(np.column_stack([y, n - y]), X, family=sm.families.Binomial()).fit(scale=fit.scale)
        np.testing.assert_allclose(counts.params, fit.params.values, rtol=1e-6)
        np.testing.assert_allclose(counts.bse, np.sqrt(np.diag(fit.cov.values)), rtol=1e-6)
        # The statsmodels trap: two-column endog with scale="X2" divides by n. We must not match it.
        trap = sm.GLM(np.column_stack([y, n - y]), X, family=sm.families.Binomial()).fit(scale="X2")
        assert trap.scale == pytest.approx(fit.scale / n[0], rel=1e-6)
        assert fit.scale > 10 * trap.scale

    def test_zero_df_with_counts_fixes_scale_at_one_and_warns(self):
        fit = growth.fit_growth(_data(_sim(dates=MONTHS[[0, -1]])), n_boot=500)
        assert fit.df_resid == 0 and fit.scale == 1.0 and not fit.use_t
        assert any("df_resid = 0" in w and "extra-binomial" in w for w in fit.warnings)
        assert fit.project([MONTHS[-1]])["pred_low_pct"].isna().all()  # no prediction interval

    def test_zero_df_pearson_refused(self):
        with pytest.raises(Refused, match="degrees of freedom"):
            growth.fit_growth(_data(_sim(dates=MONTHS[[0, -1]])), scale="pearson")

    def test_zero_df_without_counts_refused(self):
        with pytest.raises(Refused, match="no variance"):
            growth.fit_growth(_data(_sim(dates=MONTHS[[0, -1]], n=None)))

    def test_rates_without_counts_give_fractional_logit(self):
        rows = pd.concat([_sim(dates=MONTHS[:6], prefix="A"), _sim(dates=MONTHS[6:], n=None, prefix="B")])
        fit = growth.fit_growth(_data(rows), n_boot=0)
        assert fit.family == "fractional_logit"
        assert any("counts are not used" in w for w in fit.warnings)
        with pytest.raises(Refused, match="binomial scale"):
            growth.fit_growth(_data(rows), scale="binomial")


# ----------------------------------------------------------------------------- bounds


class TestBounds:
    def test_lower_bound_is_not_a_point(self):
        base = _sim(seed=3)
        fits = [growth.fit_growth(_data(pd.concat([base, _bound_row(v, "2023-06-30")])), n_boot=1000)
                for v in (1.0, 99.0)]
        for fit in fits:
            assert "BOUND" not in set(fit.points["obs_id"])
            assert "BOUND" in set(fit.bounds["obs_id"])
        np.testing.assert_allclose(fits[0].params.values, fits[1].params.values)
        status = [f.bound_checks().set_index("obs_id").loc["BOUND", "status"] for f in fits]
        assert status == ["consistent", "inconsistent"]
        assert any("BOUND" in w and "inconsistent" in w for w in fits[1].warnings)

    def test_upper_bound_checked_the_other_way(self):
        base = _sim(seed=3)
        checks = [growth.fit_growth(_data(pd.concat([base, _bound_row(v, "2023-06-30", "upper")])), n_boot=500)
                  .bound_checks()["status"].iloc[0] for v in (1.0, 99.0)]
        assert checks == ["inconsistent", "consistent"]

    def test_bound_of_unrelated_scope_not_checked(self, shipped):
        fit = growth.fit_growth(growth.prepare(shipped, "Nghệ An"), offsets={"provincial_centre": 0.0}, n_boot=500)
        b = fit.bound_checks()
        assert (b["bound"] == "lower").all() and b["status"].str.startswith("not checked").all()
        fit2 = growth.fit_growth(growth.prepare(shipped, "Nghệ An"),
                                 offsets={"provincial_centre": 0.0, "province_wide": 0.0}, n_boot=500)
        assert fit2.bound_checks()["status"].isin(["consistent", "inconsistent"]).all()


# ----------------------------------------------------------------------------- projection, target


class TestProjection:
    @pytest.mark.parametrize("b1", [3.0, -3.0])
    def test_projection_stays_within_0_100(self, b1):
        rows = _sim(b0=0.0, b1=b1, extra_sd=0.3, seed=4)
        fit = growth.fit_growth(_data(rows), n_boot=2000)
        proj = fit.project(pd.date_range("2020-01-01", "2045-01-01", freq="YS"))
        vals = proj.drop(columns="date").to_numpy(float)
        vals = vals[np.isfinite(vals)]
        assert vals.min() >= 0 and vals.max() <= 100
        assert (proj["low_pct"] <= proj["mean_pct"] + 1e-9).all() and (proj["mean_pct"] <= proj["high_pct"] + 1e-9).all()

    def test_delta_band_is_statsmodels_confidence_interval_for_the_mean(self):
        # get_prediction(...).summary_frame() is a CI for the mean: our delta_* columns must equal it,
        # and the prediction interval (a future figure) must be wider.
        fit = growth.fit_growth(_data(_sim(extra_sd=0.2, n=3000, seed=2)), n_boot=2000)
        dates = pd.to_datetime(["2023-06-30", "2025-01-01"])
        proj = fit.project(dates)
        X = np.column_stack([np.ones(2), [growth._years(d, fit.origin) for d in dates]])
        sf = fit.result.get_prediction(X, offset=np.zeros(2)).summary_frame(alpha=0.05)
        np.testing.assert_allclose(proj["delta_low_pct"], 100 * sf["mean_ci_lower"], rtol=1e-6)
        np.testing.assert_allclose(proj["delta_high_pct"], 100 * sf["mean_ci_upper"], rtol=1e-6)
        assert (proj["pred_low_pct"] < proj["low_pct"]).all() and (proj["pred_high_pct"] > proj["high_pct"]).all()

    def test_time_to_target_formula(self):
        fit = growth.fit_growth(_data(_sim(b0=-2.0, b1=0.6, seed=6)), n_boot=2000)
        t = fit.time_to_target(80.0)
        b0, b1 = fit.params.iloc[0], fit.params.iloc[1]
        expected = fit.origin + pd.Timedelta(days=(logit(0.8) - b0) / b1 * growth.DAYS_PER_YEAR)
        assert abs((t.date - expected.normalize()).days) <= 1
        assert t.low <= t.date <= t.high and t.delta_low <= t.date <= t.delta_high
        # The fitted curve at the date is the target.
        assert fit.project([t.date])["mean_pct"].iloc[0] == pytest.approx(80.0, abs=0.1)

    def test_time_to_target_none_when_slope_not_positive(self):
        fit = growth.fit_growth(_data(_sim(b0=0.5, b1=-0.5, seed=7)), n_boot=500)
        t = fit.time_to_target(80.0)
        assert t.date is None and "not positive" in t.reason and t.to_dict() is None

    def test_time_to_target_none_when_already_passed(self):
        fit = growth.fit_growth(_data(_sim(b0=1.0, b1=0.8, seed=8)), n_boot=500)
        t = fit.time_to_target(60.0)
        assert t.date is None and "already passed" in t.reason


class TestGrid:
    def test_grid_labels_each_assumption_and_slope_moves_with_offset(self, shipped):
        gd = growth.prepare(shipped, "Nghệ An")
        cells = growth.sensitivity_grid(gd, [-1.0, 0.0, 1.0], n_boot=300)
        assert [c.offsets for c in cells] == [{"provincial_centre": v} for v in (-1.0, 0.0, 1.0)]
        assert all("provincial_centre" in c.label and c.fit is not None for c in cells)
        slopes = [c.fit.params["slope_per_year"] for c in cells]
        assert slopes == sorted(slopes)  # a higher assumed centre offset means a lower portal-equivalent start

    def test_grid_records_refusals(self):
        rows = pd.concat([_sim(dates=MONTHS[:1], n=None, scope="provincial_centre", prefix="A"),
                          _sim(dates=MONTHS[-1:], n=None, scope="national_portal", prefix="B")])
        cells = growth.sensitivity_grid(_data(rows), [0.0], n_boot=0)
        assert cells[0].fit is None and "no variance" in cells[0].refusal


class TestParseOffsets:
    def test_parses(self):
        assert growth.parse_offsets(["provincial_centre=-0.5", "province_wide = 1,5"]) == {
            "provincial_centre": -0.5, "province_wide": 1.5}
        assert growth.parse_offsets(["provincial_centre:-0.5"]) == {"provincial_centre": -0.5}

    @pytest.mark.parametrize("bad,match", [(["provincial_centre"], "SCOPE=LOGIT"), (["moon=1"], "not a scope"),
                                           (["provincial_centre=x"], "not a number"),
                                           (["provincial_centre=1", "provincial_centre=2"], "twice"),
                                           (["provincial_centre=nan"], "finite")])
    def test_rejects(self, bad, match):
        with pytest.raises(ParameterError, match=match):
            growth.parse_offsets(bad)


# ----------------------------------------------------------------------------- command


def _run(argv, capsys):
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


class TestCommand:
    def test_json_contract(self, capsys):
        code, out, _ = _run(["growth", "--province", "Nghệ An", "--offset", "provincial_centre=0", "--boot", "500",
                             "--json"], capsys)
        assert code == 0
        res = json.loads(out)
        for key in ("province", "observations_used", "model", "coefficients", "projection", "time_to_target",
                    "warnings"):
            assert key in res
        assert res["province"] == "Nghệ An"
        assert set(res["observations_used"]) <= {"NA014", "NA045", "NA051"}
        assert "NA014" not in res["observations_used"]  # the lower bound is not a point
        for v in res["coefficients"].values():
            assert set(v) == {"estimate", "se"}
        assert res["projection"] and all({"date", "mean_pct", "low_pct", "high_pct"} <= set(p) for p in res["projection"])
        assert all(0 <= p[k] <= 100 for p in res["projection"] for k in ("mean_pct", "low_pct", "high_pct"))
        ttt = res["time_to_target"]
        assert (ttt is None and res["time_to_target_reason"]) or {"date", "low", "high"} <= set(ttt)
        assert all(isinstance(w, str) for w in res["warnings"])
        assert any("df_resid = 0" in w for w in res["warnings"])
        assert res["model"]["assumed_offsets"] == {"provincial_centre": 0.0}

    def test_default_for_nghe_an_exits_2_naming_alternatives(self, capsys):
        code, out, err = _run(["growth", "--province", "Nghệ An"], capsys)
        assert code == 2 and out == ""
        assert "--scope" in err and "--offset" in err and "Traceback" not in err

    def test_refusal_under_json_prints_a_json_object_and_exits_2(self, capsys):
        code, out, err = _run(["growth", "--province", "Nghệ An", "--json"], capsys)
        assert code == 2 and "Traceback" not in err
        res = json.loads(out)
        assert res["status"] == "refused" and res["province"] == "Nghệ An"
        assert res["reason"] and "What would work instead" not in res["reason"]
        assert len(res["alternatives"]) == 3
        assert "--scope" in res["alternatives"][0] and "--offset" in res["alternatives"][1]

    def test_text_summary(self, capsys):
        code, out, _ = _run(["growth", "--province", "Nghe An", "--offset", "provincial_centre=0.5", "--boot", "300"],
                            capsys)
        assert code == 0 and "Nghệ An" in out and "warnings:" in out and "logit" in out

    @pytest.mark.parametrize("argv,match", [
        (["--province", "Atlantis"], "unknown province"),
        (["--province", "Hòa Bình"], "no online-dossier-rate figure"),
        (["--province", "Nghệ An", "--target", "120"], "--target"),
        (["--province", "Nghệ An", "--horizon", "31/02/2027"], "--horizon"),
        (["--province", "Nghệ An", "--horizon", "2024-01-01"], "not after the latest"),
        (["--province", "Nghệ An", "--offset", "provincial_centre"], "SCOPE=LOGIT"),
        (["--province", "Nghệ An", "--scope", "provincial_centre"], "rank"),
        (["--province", "Nghệ An", "--boot", "10"], "--boot"),
    ])
    def test_bad_input_exits_2(self, argv, match, capsys):
        code, out, err = _run(["growth", *argv], capsys)
        assert code == 2 and match in err and "Traceback" not in err

    def test_unknown_scope_choice_rejected_by_parser(self, capsys):
        with pytest.raises(SystemExit) as exc:
            cli.main(["growth", "--province", "Nghệ An", "--scope", "moon"])
        assert exc.value.code == 2


def append_online_rates(data_dir, province="Hòa Bình", seed=11, n_months=10) -> list[str]:
    """Append simulated monthly online-rate rows for ``province`` to observations.csv in
    ``data_dir`` (a copy); return their obs_ids. Values are written as the validator expects."""
    rows = growth.simulate_rows(-0.8, 0.9, pd.date_range("2023-01-31", periods=n_months, freq="ME"), n=4000,
                                seed=seed, prefix="HBSIM")
    path = data_dir / "observations.csv"
    with path.open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    with path.open("a", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        for _, r in rows.iterrows():
            rec = {**r.to_dict(), "province": province, "scope": "province_wide", "source_id": "domain_notes",
                   "quote": "SIMULATED test row", "note": "SIMULATED test row, not data",
                   "period_start": r["period_start"].date().isoformat(),
                   "period_end": r["period_end"].date().isoformat(),
                   "value": f"{100 * r['numerator'] / r['denominator']:.2f}"}
            w.writerow([rec.get(c, "") for c in header])
    return list(rows["obs_id"])


def test_any_province_with_rows_works_without_code_change(data_copy, capsys):
    ids = append_online_rates(data_copy)
    code, out, err = _run(["growth", "--province", "Hoa Binh", "--data", str(data_copy), "--boot", "500", "--json"],
                          capsys)
    assert code == 0, err
    res = json.loads(out)
    assert res["province"] == "Hòa Bình" and res["observations_used"] == ids
    assert res["model"]["scope_mode"] == "single_scope" and res["model"]["df_resid"] == len(ids) - 2
    assert res["model"]["scale"]["method"].startswith("pearson")
    assert all(p["pred_low_pct"] is not None for p in res["projection"])
    assert res["coefficients"]["slope_per_year"]["estimate"] > 0


def test_never_reached_draws_leave_stderr_clean(data_copy, capsys):
    """Three monthly figures: many bootstrap slopes never reach 80%, so the upper bound of the
    target date is unbounded; that must not leak numpy's 'invalid value' warning."""
    import warnings
    append_online_rates(data_copy, seed=1, n_months=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        code, out, err = _run(["growth", "--province", "Hòa Bình", "--data", str(data_copy), "--boot", "300"],
                              capsys)
    assert code == 0, err
    assert err == "" and "unbounded" in out
