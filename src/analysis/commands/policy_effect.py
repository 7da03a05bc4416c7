"""``analysis policy-effect``: the effect of provincial online-fee policies on the
province-by-month index, by synthetic control for one province or staggered DiD for all."""

from __future__ import annotations

import json
import sys

from analysis import data
from analysis.errors import ParameterError, Refused, UnknownProvinceError

NAME = "policy-effect"
HELP = ("Effect of provincial online-fee policies on a group of the monthly index: synthetic "
        "control for one province (scm) or staggered difference-in-differences for all (staggered).")
BACKFILL = "analysis portal backfill --from 2022-01"


def add_arguments(parser) -> None:
    parser.add_argument("--province", required=True, metavar="NAME",
                        help="province analysed (scm) or reported first (staggered); any alias in data/admin_units.csv")
    parser.add_argument("--policy-date", metavar="YYYY-MM-DD", default=None,
                        help="start of the province's policy (default: from the policies table)")
    parser.add_argument("--group", default="CLGQ", metavar="G",
                        help="index group whose ratio to its maximum is the outcome, or TOTAL (default CLGQ, online services)")
    parser.add_argument("--method", choices=("scm", "staggered"), default="scm")
    parser.add_argument("--panel", metavar="FILE", default=None,
                        help="CSV with province, month (YYYY-MM), group, ratio (0-100), as 'portal panel --out' "
                             "writes (default: the imported monthly history)")
    parser.add_argument("--policies", metavar="FILE", default=None,
                        help="CSV with at least province and in_force (YYYY-MM-DD) (default: data/policies.csv)")
    parser.add_argument("--vintage", metavar="V", default="latest",
                        help="vintage of the imported history: latest (default) or a retrieval date YYYY-MM-DD")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _canonical(ds, name: str, panel) -> str:
    """The province's spelling in admin_units.csv; a name only the panel knows (a simulated
    panel's) is kept. Raises UnknownProvinceError otherwise."""
    try:
        return ds.canonical_province(name)
    except UnknownProvinceError:
        if name in set(panel["province"]):
            return name
        raise


def _panel(args, data_dir):
    from analysis.models.policy_panel import read_panel
    if args.panel:
        return read_panel(args.panel)
    from analysis.data.portal import history
    p = history.panel(data_dir, group=args.group, vintage=args.vintage)
    if p.empty:
        raise Refused(f"no monthly history of the index is held in {data_dir}; bring it with: {BACKFILL}")
    return p


def _refuse(args, exc: Refused, extra: dict | None = None) -> int:
    if args.json:
        print(json.dumps({"status": "refused", "method": args.method, "province": args.province,
                          "group": args.group, "reason": str(exc), **(extra or {})}, ensure_ascii=False, indent=2))
    print(f"analysis {NAME}: {exc}", file=sys.stderr)
    return 2


def _fmt(x) -> str:
    return "unbounded" if x is None else f"{x:+.2f}"


def _text(res: dict) -> str:
    if res["method"] == "scm":
        lines = [f"Synthetic control for {res['province']}, group {res['group']}, policy month {res['policy_month']} "
                 f"({res['policy_basis']}).", f"Effect (average post-period gap): {res['effect']:+.2f} points of the ratio, "
                 f"{100 * res['level']:.0f}% interval {_fmt(res['ci_low'])} to {_fmt(res['ci_high'])}; placebo p = {res['p_value']:.3f} "
                 f"(smallest attainable {res['smallest_p']:.3f}); pre-period RMSPE {res['pre_rmspe']:.2f}.",
                 "Synthetic " + res["province"] + ": " + ", ".join(f"{d['province']} {d['weight']:.2f}" for d in res["donors"])]
    else:
        lines = [f"Staggered DiD, group {res['group']}, {res['n_provinces']} provinces: ATT {res['att']:+.2f} points "
                 f"({100 * res['level']:.0f}% interval {_fmt(res['ci_low'])} to {_fmt(res['ci_high'])} and p = "
                 f"{res['p_value']:.3f} from {res['placebo_reps']} placebo reassignments)."]
        lines += [f"  cohort {c['cohort']}: {', '.join(c['provinces'])}: {c['att']:+.2f}" for c in res["cohorts"]]
    lines += [f"Note: {n}" for n in res.get("notes", [])]
    lines.append("Index points are not the online dossier rate; the index's version and maxima changed between years.")
    return "\n".join(lines)


def run(args) -> int:
    from analysis.models import policy_effect
    from analysis.models.policy_panel import read_policies
    ds = data.load(args.data)
    if args.policy_date:
        import datetime as dt
        try:
            dt.date.fromisoformat(args.policy_date)
        except ValueError:
            raise ParameterError(NAME, "policy-date", f"'{args.policy_date}' is not a date YYYY-MM-DD") from None
    policies = read_policies(args.policies) if args.policies else ds.policies
    try:
        panel = _panel(args, ds.data_dir)
    except Refused as exc:
        return _refuse(args, exc, {"command": BACKFILL} if not args.panel else None)
    province = _canonical(ds, args.province, panel)
    panel = panel.assign(province=[_try(ds, p) for p in panel["province"]])
    try:
        if args.method == "scm":
            res, _ = policy_effect.scm(panel, policies, province, args.group, args.policy_date)
        else:
            res, _ = policy_effect.did(panel, policies, province, args.group, args.policy_date)
    except Refused as exc:
        return _refuse(args, exc)
    if res["status"] == "refused":
        return _refuse(args, Refused(res["reason"]), {k: v for k, v in res.items() if k not in ("reason", "status")})
    print(json.dumps(res, ensure_ascii=False, indent=2) if args.json else _text(res))
    return 0


def _try(ds, name: str) -> str:
    try:
        return ds.canonical_province(name)
    except UnknownProvinceError:
        return name
