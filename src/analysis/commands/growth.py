"""``analysis growth``: fit the online-rate growth curve of a province and say when it reaches a target.

Default (no --scope, no --offset): every exact figure of the province, scopes other than the
reference scope getting an estimated offset. Where the data cannot identify those offsets
(Nghệ An: one exact figure per scope) the command exits 2 and names the alternatives:
``--scope SCOPE`` (a fit on one scope) or ``--offset SCOPE=LOGIT`` (an assumed offset, to be
repeated over a range of values as a sensitivity analysis).
"""

from __future__ import annotations

import json
import re
import sys


from analysis import data, i18n
from analysis.i18n import _
from analysis.models import growth
from analysis.data.observations import NATIONAL_TARGET_PCT
from analysis.errors import ParameterError, Refused
from analysis.data.schema import SCOPES
from analysis.data.vn import parse_date

NAME = "growth"
HELP = ("Fit the online-dossier-rate growth curve of a province (binomial/fractional logit GLM) with "
        "intervals, and the date it reaches a target; refuses what the data cannot identify.")


def add_arguments(parser) -> None:
    parser.add_argument("--province", required=True, help="province name (any spelling or alias in admin_units.csv)")
    parser.add_argument("--target", type=float, default=NATIONAL_TARGET_PCT,
                        help="target online share in percent (default 80: Decision 942/QĐ-TTg)")
    parser.add_argument("--scope", default=None, choices=list(SCOPES), metavar="SCOPE",
                        help=f"fit only the figures of this scope ({', '.join(SCOPES)})")
    parser.add_argument("--offset", action="append", default=[], metavar="SCOPE=LOGIT",
                        help="assume that SCOPE's figures sit LOGIT logits above the reference scope's at the "
                             "same date (repeatable); a sensitivity assumption, not an estimate")
    parser.add_argument("--reference-scope", default=None, choices=list(SCOPES), metavar="SCOPE",
                        help="the scope whose curve is reported (default: scope of the latest exact figure)")
    parser.add_argument("--as-of-placement", default="end", choices=list(growth.AS_OF_PLACEMENTS),
                        help="where an 'as of' figure without a start date is placed (default: its end date)")
    parser.add_argument("--scale", default="auto", choices=list(growth.SCALE_MODES),
                        help="auto: Pearson chi2/df_resid when df_resid >= 1, else 1 for count data (binomial "
                             "sampling only, with a warning); pearson: always estimate (refuse when df_resid = 0)")
    parser.add_argument("--horizon", default=growth.DEFAULT_HORIZON.isoformat(), metavar="YYYY-MM-DD",
                        help=f"last projection date (default {growth.DEFAULT_HORIZON.isoformat()})")
    parser.add_argument("--boot", type=int, default=growth.DEFAULT_N_BOOT, help="parametric bootstrap draws")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the bootstrap")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object instead of a summary (also on refusal: status, reason, "
                             "alternatives; exit 2)")
    i18n.add_lang_argument(parser)


def _check(args):
    if not 0 < args.target < 100:
        raise ParameterError("growth", "--target", f"{args.target:g} is not a percentage strictly between 0 and 100")
    if args.boot < 200:
        raise ParameterError("growth", "--boot", f"{args.boot} draws are too few for 95% percentiles (use 200 or more)")
    try:
        horizon = parse_date(args.horizon)
    except ValueError as exc:
        raise ParameterError("growth", "--horizon", str(exc)) from None
    return horizon, growth.parse_offsets(args.offset)


_ALTERNATIVES = " What would work instead: "


def refusal_json(exc: Refused, province: str) -> dict:
    """Return the JSON object printed under ``--json`` when the model is refused:
    ``status`` ("refused"), ``province``, ``reason`` (the refusal without its list of
    alternatives) and ``alternatives`` (each option the refusal names, as a list; empty
    when it names none)."""
    text = str(exc)
    reason, _sep, alts = text.partition(_ALTERNATIVES)
    items = [a.strip().rstrip(";.").strip() for a in re.split(r"\(([a-z])\) ", alts)[2::2]] if alts else []
    return {"status": "refused", "province": province, "reason": reason.strip(), "alternatives": items}


def run(args) -> int:
    i18n.set_language(getattr(args, "lang", i18n.DEFAULT_LANG))
    horizon, offsets = _check(args)
    ds = data.load(args.data)
    try:
        gd = growth.prepare(ds, args.province, as_of_placement=args.as_of_placement)
        if horizon <= gd.frame["date"].max().date():
            raise ParameterError("growth", "--horizon", f"{horizon.isoformat()} is not after the latest figure "
                                 f"({gd.frame['date'].max():%Y-%m-%d}); a projection needs a later date")
        fit = growth.fit_growth(gd, scope=args.scope, offsets=offsets, reference_scope=args.reference_scope,
                                scale=args.scale, n_boot=args.boot, seed=args.seed)
    except Refused as exc:
        if not args.json:
            raise
        # A script asked for JSON: it gets JSON on stdout, the message on stderr, and exit 2.
        print(json.dumps(refusal_json(exc, ds.canonical_province(args.province)), ensure_ascii=False, indent=2))
        print(f"analysis growth: {exc}", file=sys.stderr)
        return 2
    out = growth.summarise(fit, target_pct=args.target, horizon=horizon)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(format_summary(out))
    return 0


def format_summary(out: dict) -> str:
    """Return a readable text summary of the JSON result of :func:`growth.summarise`."""
    m = out["model"]
    lines = [_("{province}: online dossier rate, {family}").format(province=out["province"], family=m["family"]),
             f"  curve of scope {m['reference_scope']} ({m['label']}); origin {m['time_origin']}, "
             f"{m['n_points']} figure(s), df_resid {m['df_resid']:g}, scale {m['scale']['value']:.4g} "
             f"({m['scale']['method']})",
             f"  figures in the fit: {', '.join(out['observations_used'])}", "  coefficients (logit scale):"]
    for k, v in out["coefficients"].items():
        lines.append(f"    {k:28s} {v['estimate']:+.4f}  (se {v['se']:.4f})")
    lines.append(f"  projection ({m['interval']}):")
    proj = out["projection"]
    step = max(1, len(proj) // 8)
    for i in sorted(set(range(0, len(proj), step)) | {len(proj) - 1}):
        p = proj[i]
        lines.append(f"    {p['date']}  {p['mean_pct']:6.2f}%  [{p['low_pct']:.2f}, {p['high_pct']:.2f}]")
    t = out["time_to_target"]
    if t:
        high = t["high"] or _("unbounded")
        lines.append("  " + _("reaches {target} on {date} (95% interval {low} to {high}; delta method {dlow} to "
                              "{dhigh})").format(target=i18n.percent(out["target_pct"]), date=t["date"], low=t["low"],
                                                 high=high, dlow=t["delta_low"], dhigh=t["delta_high"]))
    else:
        lines.append("  " + _("time to {target}: none ({reason})").format(target=i18n.percent(out["target_pct"]),
                                                                          reason=out["time_to_target_reason"]))
    for b in out["bounds"]:
        lines.append(f"  bound {b['obs_id']} ({b['bound']} {b['value_pct']:g}%, {b['scope']}): {b['status']}")
    lines.append("  assumptions:")
    lines += [f"    - {a}" for a in out["assumptions"]]
    lines.append("  warnings:")
    lines += [f"    - {w}" for w in out["warnings"]]
    return "\n".join(lines)
