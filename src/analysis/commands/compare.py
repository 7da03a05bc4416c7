"""``analysis compare``: the indicator matrix of several provinces and, for each pair of
figures, whether they can be compared and, if not, why."""

from __future__ import annotations

import json
import textwrap

from analysis.models import compare
from analysis import data
from analysis.errors import ParameterError

NAME = "compare"
HELP = ("Compare provinces figure by figure: the indicator matrix, derived shares and a "
        "comparability verdict with reasons for each pair of figures.")


def add_arguments(parser) -> None:
    parser.add_argument("--provinces", nargs="+", required=True, metavar="NAME",
                        help="two or more provinces (any spelling or alias in data/admin_units.csv)")
    parser.add_argument("--tolerance-days", type=int, default=compare.DEFAULT_TOLERANCE_DAYS,
                        metavar="N",
                        help="maximum distance in days between two figures' reference dates "
                             f"(interval midpoint or 'as of' date) (default {compare.DEFAULT_TOLERANCE_DAYS})")
    parser.add_argument("--within-province", action="store_true",
                        help="also judge pairs of one province's figures over time (e.g. its localities "
                             "before the 2025 reform against its communes after)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _text_report(result: dict) -> str:
    lines = [f"Provinces: {', '.join(result['provinces'])}; period tolerance "
             f"{result['tolerance_days']} days.", "", "INDICATOR MATRIX ('no data' = not reported, not zero)"]
    current = None
    for m in result["matrix"]:
        if m["indicator"] != current:
            current = m["indicator"]
            lines.append(f"  {m['title']} [{current}]")
        if m["status"] == compare.NO_DATA:
            lines.append(f"    {m['province']:<10} — no data")
        else:
            flag = "  (lineage: " + "; ".join(f["code"] for f in m["lineage"]) + ")" if m["lineage"] else ""
            lines.append(f"    {m['province']:<10} {m['value']:>12,.6g} {m['unit']:<12} {m['bound']:<11} "
                         f"{m['scope']:<22} {m['period']:<22} [{m['source_id']} {m['obs_id']}]{flag}")
    lines += ["", "DERIVED SHARES"]
    for d in result["derived"]:
        if d["status"] == compare.NO_DATA:
            lines.append(f"  {d['province']:<10} {d['indicator']}: no data (missing "
                         f"{', '.join(d['missing_inputs']) or 'matching inputs'})")
        else:
            lines.append(f"  {d['province']:<10} {d['indicator']}: {d['value']:.4g} {d['unit']} "
                         f"({d['bound']}; {d['scope']}; {d['period']}) = {d['formula']} "
                         f"from {'+'.join(d['inputs'])}")
    n = result["n_comparable"]
    lines += ["", f"PAIRS: {len(result['pairs'])} pairs of figures, {n} comparable"]
    for p in result["pairs"]:
        verdict = "COMPARABLE" if p["comparable"] else "NOT COMPARABLE"
        lines.append(f"  {verdict}: {p['province_a']} {p['indicator_a']} ({p['id_a']}) vs "
                     f"{p['province_b']} {p['indicator_b']} ({p['id_b']})")
        for r in p["reasons"]:
            lines.append(textwrap.fill(f"{r['code']}: {r['text']}", 100, initial_indent="      - ",
                                       subsequent_indent="        "))
        for c in p["caveats"]:
            lines.append(textwrap.fill(f"caveat {c['code']}: {c['text']}", 100,
                                       initial_indent="      ~ ", subsequent_indent="        "))
    return "\n".join(lines)


def run(args) -> int:
    if args.tolerance_days < 0:
        raise ParameterError("compare", "tolerance-days", f"must be 0 or more, got {args.tolerance_days}")
    ds = data.load(args.data)
    result = compare.comparison(ds, args.provinces, args.tolerance_days, args.within_province)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(_text_report(result))
    return 0
