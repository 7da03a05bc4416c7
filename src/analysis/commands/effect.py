"""``analysis effect``: estimate the effect of a policy on online uptake from a monthly panel."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

from analysis import i18n
from analysis.i18n import _
from analysis import data
from analysis.models import did, its
from analysis.data import panel, vn
from analysis.errors import ParameterError

NAME = "effect"
HELP = ("Estimate a policy's effect on the online share from a monthly procedure-level panel "
        "(difference-in-differences or interrupted time series); exit 2 on a bad panel.")


def add_arguments(parser) -> None:
    i18n.add_lang_argument(parser)
    parser.add_argument("panel", metavar="PANEL.csv", help="monthly panel: province, procedure, month, "
                        "online, total, discounted")
    parser.add_argument("--policy-date", required=True, metavar="YYYY-MM-DD",
                        help="date the policy took effect (ISO, or day first: 7/11/2023)")
    parser.add_argument("--method", choices=("did", "its"), default="did",
                        help="did: discounted vs other procedures (main design); its: province-wide "
                             "interrupted time series (secondary)")
    parser.add_argument("--province", default=None, help="province to analyse (needed when the panel "
                        "holds several)")
    parser.add_argument("--n-boot", type=int, default=999, help="wild bootstrap draws (did)")
    parser.add_argument("--n-sims", type=int, default=2000, help="calibration simulations (its)")
    parser.add_argument("--seed", type=int, default=12345, help="random seed of the bootstrap/calibration")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def json_ready(obj):
    """Return ``obj`` with NaN and infinite floats replaced by None (valid JSON everywhere)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: json_ready(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_ready(v) for v in obj]
    return obj


def sidecar_path(panel_path: Path) -> Path:
    """Return where simulate-panel writes the truth of a simulated panel."""
    return panel_path.with_name(panel_path.name + ".truth.json")


def file_sha256(path: Path) -> str:
    """Return the SHA-256 hex digest of the file at ``path``."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def simulated_truth(panel_path: Path) -> dict | None:
    """Return the truth sidecar of a simulated panel, or None for a panel without one, or
    whose sidecar records a different file (the panel was overwritten since)."""
    side = sidecar_path(panel_path)
    if not side.exists():
        return None
    try:
        truth = json.loads(side.read_text(encoding="utf-8"))
        if not isinstance(truth, dict):
            return None
        if truth.get("panel_sha256") and truth["panel_sha256"] != file_sha256(panel_path):
            return None  # a stale sidecar: the panel is no longer the simulated one
    except (OSError, ValueError):
        return None
    return truth if truth.get("simulated") else None


def estimate(args) -> dict:
    """Return the JSON-ready result of ``analysis effect`` for parsed ``args``.

    Raises PanelError (bad panel), ParameterError (bad date or option), Refused (too few
    months or procedures), UnknownProvinceError.
    """
    try:
        policy_date = vn.parse_date(args.policy_date)
    except ValueError as exc:
        raise ParameterError("effect", "--policy-date", str(exc)) from None
    if args.n_boot < 99 or args.n_sims < 200:
        raise ParameterError("effect", "--n-boot/--n-sims", "use at least 99 bootstrap draws and 200 simulations")
    ds = data.load(args.data)
    path = Path(args.panel)
    pnl = panel.read_panel(path, dataset=ds)
    province = ds.canonical_province(args.province) if args.province else None
    if args.method == "did":
        res = did.fit_did(pnl, policy_date, province=province, n_boot=args.n_boot, seed=args.seed)
        out = res.to_dict()
    else:
        res = its.fit_its(pnl, policy_date, province=province, n_sims=args.n_sims, seed=args.seed)
        out = res.to_dict()
    rows = pnl[pnl["province"] == res.province]
    first, last = rows["month"].min(), rows["month"].max()
    out["warnings"] = (panel.policy_match_warnings(ds.policies, res.province, policy_date, rows)
                       + panel.confounding_policies(ds.policies, res.province, policy_date, first, last)
                       + out["warnings"])
    out["policy_date"] = str(policy_date)
    out["window"] = [str(first), str(last)]
    truth = simulated_truth(path)
    out["simulated"] = truth is not None
    if truth is not None:
        out["warnings"].insert(0, "SIMULATED panel (see its .truth.json sidecar): not evidence about any province")
        out["truth"] = {k: truth.get(k) for k in ("true_effect_pp_discounted", "true_effect_pp_province",
                                                  "true_national_effect_pp_province", "seed")}
    return out


def run(args) -> int:
    i18n.set_language(getattr(args, "lang", i18n.DEFAULT_LANG))
    out = estimate(args)
    if args.json:
        print(json.dumps(json_ready(out), ensure_ascii=False, default=str, allow_nan=False))
        return 0
    tag = _("SIMULATED panel.") + " " if out["simulated"] else ""
    print(tag + _("{method} for {province}, policy {date}: effect {effect} pp (95% CI {low} to {high}), p = {p}; "
                  "{pre} months before, {post} after.").format(
        method=out["method"].upper(), province=out["province"], date=out["policy_date"],
        effect=i18n.signed(out["effect_pp"]), low=i18n.signed(out["ci_low_pp"]), high=i18n.signed(out["ci_high_pp"]),
        p=i18n.number(out["p_value"], 3, trim=False), pre=out["n_months_pre"], post=out["n_months_post"]))
    print(f"Scope: {out['effect_scope']}. Inference: {out['inference']}.")
    if out["method"] == "did" and out.get("route_measured_size") is not None:
        print(f"Route: {out['inference_route']} (the calibration study measured size "
              f"{100 * out['route_measured_size']:.1f}% at the nominal 5% in design "
              f"\"{out['calibration_design']}\"); the other route is in the JSON.")
    if out["method"] == "did" and out.get("pretrend_p_value") is not None:
        pt = out.get("pretrend") or {}
        size = (f" by {pt['linear']['route']}, measured size {100 * pt['linear']['measured_size']:.1f}% at the "
                "nominal 10%" if pt.get("linear") else "")
        print(f"Pre-trend tests: linear trend p = {out['pretrend_p_value']:.3f}{size}"
              + (f", all {out['pretrend_n_leads']} leads jointly p = {out['pretrend_joint_p_value']:.3f}"
                 if out.get("pretrend_joint_p_value") is not None else "") + "."
              + ("" if not pt or pt.get("verdict_allowed") else " Not calibrated for this design: no verdict."))
    if out.get("placebo"):
        pl = out["placebo"]
        print(f"Placebo date {pl['placebo_date']} (pre-period only): {pl['effect_pp']:+.2f} pp, p = {pl['p_value']:.3f}.")
    if out["method"] == "its":
        print(f"Calibrated critical value {out['critical_value']:.2f} (textbook {out['critical_value_naive']:.2f}, "
              f"whose actual size here is {100 * out['size_naive_test']:.0f}%).")
    for w in out["warnings"]:
        print(f"warning: {w}")
    return 0
