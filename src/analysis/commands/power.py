"""``analysis power``: the minimum detectable effect of a design, by simulation."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from analysis import i18n
from analysis.i18n import _
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
    i18n.add_lang_argument(parser)
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
    i18n.set_language(getattr(args, "lang", i18n.DEFAULT_LANG))
    spec, source, simulated = spec_from_args(args)
    res = power.mde(spec).to_dict()
    res["noise_source"] = source
    res["simulated"] = simulated
    if args.json:
        print(json.dumps(json_ready(res), ensure_ascii=False, allow_nan=False))
        return 0
    tag = _("SIMULATED panel.") + " " if simulated else ""
    power_pct = i18n.percent(100 * spec.target_power, 0)
    if res["mde_pp"] == float("inf"):
        print(tag + _("{design}: no effect up to 3 logit units reaches {power} power: the design cannot detect any "
                      "plausible effect.").format(design=spec.design.upper(), power=power_pct))
        return 0
    print(tag + _("{design}: minimum detectable effect {mde} pp ({scope}) at {power} power, {level} level; simulated "
                  "power there {at}, size {size} ({n} simulated panels).").format(
        design=spec.design.upper(), mde=i18n.number(res["mde_pp"], 2, trim=False), scope=res["effect_scope"],
        power=power_pct, level=i18n.percent(100 * spec.alpha, 0), at=i18n.number(res["power"], 2, trim=False),
        size=i18n.number(res["size"], 3, trim=False), n=i18n.integer(spec.n_sims)))
    print(_("Design: {pre} months before, {post} after, {monthly} dossiers a month, noise sd {sd} (logit), rho {rho}, "
            "base share {base}; noise {source}.").format(
        pre=spec.months_pre, post=spec.months_post, monthly=i18n.integer(spec.monthly_total),
        sd=i18n.number(spec.noise_sd, 3, trim=False), rho=i18n.number(spec.rho, 2, trim=False),
        base=i18n.percent(100 * spec.base_share, 1, trim=False), source=source))
    return 0
