"""``analysis power``: the minimum detectable effect of a design, by simulation."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from analysis import data
from analysis.data import panel, vn
from analysis.models import power
from analysis.errors import ParameterError
from .effect import json_ready, simulated_truth

NAME = "power"
HELP = ("Minimum detectable effect (80 percent power, 5 percent level by default) of the did or its design, "
        "from assumed volumes and noise or from a panel's pre-period.")

#: option name -> PowerSpec field (options left unset keep the default or the panel's value)
_OPTIONS = {
    "months_pre": int, "months_post": int, "monthly_total": int, "discounted_share": float,
    "n_procedures": int, "n_discounted": int, "noise_sd": float, "rho": float, "base_share": float,
    "alpha": float, "power": float, "n_sims": int, "seed": int,
}
_FIELD = {"discounted_share": "discounted_dossier_share", "power": "target_power"}


def add_arguments(parser) -> None:
    d = power.PowerSpec()
    parser.add_argument("--design", choices=power.DESIGNS, default="did",
                        help="did: discounted vs other procedures; its: province-wide time series")
    parser.add_argument("--panel", default=None, metavar="PANEL.csv",
                        help="estimate volumes, months and noise from this panel's pre-period")
    parser.add_argument("--policy-date", default=None, metavar="YYYY-MM-DD",
                        help="policy date (required with --panel)")
    parser.add_argument("--province", default=None, help="province in the panel (when it holds several)")
    for opt, typ in _OPTIONS.items():
        default = getattr(d, _FIELD.get(opt, opt))
        parser.add_argument(f"--{opt.replace('_', '-')}", type=typ, default=None,
                            help=f"(default {default}{' or from --panel' if opt not in ('alpha', 'power', 'n_sims', 'seed') else ''})")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def spec_from_args(args) -> tuple[power.PowerSpec, str, bool]:
    """Return (spec, where the noise came from, simulated panel?) for parsed ``args``."""
    overrides = {_FIELD.get(o, o): getattr(args, o) for o in _OPTIONS if getattr(args, o) is not None}
    simulated = False
    if args.panel:
        if not args.policy_date:
            raise ParameterError("power", "--policy-date", "is required with --panel")
        try:
            date = vn.parse_date(args.policy_date)
        except ValueError as exc:
            raise ParameterError("power", "--policy-date", str(exc)) from None
        ds = data.load(args.data)
        pnl = panel.read_panel(args.panel, dataset=ds)
        province = ds.canonical_province(args.province) if args.province else None
        spec = power.spec_from_panel(pnl, date, args.design, province, **overrides)
        source = f"estimated from the pre-period of {Path(args.panel).name}"
        simulated = simulated_truth(Path(args.panel)) is not None
    else:
        spec = replace(power.PowerSpec(design=args.design), **overrides)
        source = "assumed (command-line values and defaults)"
    try:
        spec.check()
    except ValueError as exc:
        raise ParameterError("power", "options", str(exc)) from None
    return spec, source, simulated


def run(args) -> int:
    spec, source, simulated = spec_from_args(args)
    res = power.mde(spec).to_dict()
    res["noise_source"] = source
    res["simulated"] = simulated
    if args.json:
        print(json.dumps(json_ready(res), ensure_ascii=False, allow_nan=False))
        return 0
    tag = "SIMULATED panel. " if simulated else ""
    if res["mde_pp"] == float("inf"):
        print(f"{tag}{spec.design.upper()}: no effect up to 3 logit units reaches {100 * spec.target_power:.0f}% "
              "power: the design cannot detect any plausible effect.")
        return 0
    print(f"{tag}{spec.design.upper()}: minimum detectable effect {res['mde_pp']:.2f} pp "
          f"({res['effect_scope']}) at {100 * spec.target_power:.0f}% power, {100 * spec.alpha:.0f}% level; "
          f"simulated power there {res['power']:.2f}, size {res['size']:.3f} ({spec.n_sims} simulated panels).")
    print(f"Design: {spec.months_pre} months before, {spec.months_post} after, {spec.monthly_total:,} dossiers "
          f"a month, noise sd {spec.noise_sd:.3f} (logit), rho {spec.rho:.2f}, base share "
          f"{100 * spec.base_share:.1f}%; noise {source}.")
    return 0
