"""``analysis simulate-panel``: write a SIMULATED monthly panel with a known effect."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from analysis import i18n
from analysis.i18n import _
from analysis import data
from analysis.data import panel, vn
from analysis.models import power, simulate
from analysis.errors import ParameterError
from analysis.files import atomic_write
from .effect import file_sha256, sidecar_path

NAME = "simulate-panel"
HELP = ("Write a SIMULATED monthly procedure-level panel calibrated to the seeds, with a known "
        "effect (stated on stdout and in FILE.truth.json).")


def add_arguments(parser) -> None:
    i18n.add_lang_argument(parser)
    d = simulate.PanelDesign()
    parser.add_argument("--out", required=True, metavar="FILE", help="panel CSV to write (atomically)")
    eff = parser.add_mutually_exclusive_group()
    eff.add_argument("--effect-logit", type=float, default=None,
                     help="true effect on the logit of the discounted procedures' share (default 0.2)")
    eff.add_argument("--effect-pp", type=float, default=None,
                     help="true effect in percentage points at the discounted procedures' expected share "
                          "in the policy month (converted to logit units)")
    parser.add_argument("--province", default=d.province, help="province name written in the panel")
    parser.add_argument("--policy-date", default=str(d.policy_date), help="discount start (YYYY-MM-DD)")
    parser.add_argument("--months-pre", type=int, default=d.months_pre)
    parser.add_argument("--months-post", type=int, default=d.months_post)
    parser.add_argument("--monthly-total", type=int, default=d.monthly_total)
    parser.add_argument("--n-procedures", type=int, default=d.n_procedures)
    parser.add_argument("--n-discounted", type=int, default=d.n_discounted)
    parser.add_argument("--discounted-share", type=float, default=d.discounted_dossier_share,
                        help="share of dossiers in the discounted procedures")
    parser.add_argument("--noise-sd", type=float, default=d.noise_sd, help="procedure-month logit noise sd")
    parser.add_argument("--rho", type=float, default=d.rho, help="lag-1 autocorrelation of the noise")
    parser.add_argument("--national-effect-logit", type=float, default=d.national_effect_logit,
                        help="effect of the national policy of 2023-12-01 on every procedure (logit)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the truth as JSON")


def design_from_args(args) -> simulate.PanelDesign:
    """Return the simulator design of the parsed ``args``; ParameterError for bad values."""
    try:
        policy_date = vn.parse_date(args.policy_date)
    except ValueError as exc:
        raise ParameterError("simulate-panel", "--policy-date", str(exc)) from None
    province = data.load(args.data).canonical_province(args.province)
    try:
        d = simulate.PanelDesign(
            province=province, policy_date=policy_date, months_pre=args.months_pre,
            months_post=args.months_post, monthly_total=args.monthly_total,
            n_procedures=args.n_procedures, n_discounted=args.n_discounted,
            discounted_dossier_share=args.discounted_share, noise_sd=args.noise_sd, rho=args.rho,
            national_effect_logit=args.national_effect_logit)
    except ValueError as exc:
        raise ParameterError("simulate-panel", "design", str(exc)) from None
    if args.effect_pp is not None:
        base = d.share_at(panel.policy_months(policy_date)[2])
        try:
            eff = power.to_logit(args.effect_pp, base)
        except ValueError as exc:
            raise ParameterError("simulate-panel", "--effect-pp", str(exc)) from None
    else:
        eff = 0.2 if args.effect_logit is None else args.effect_logit
    return replace(d, effect_logit=eff)


def run(args) -> int:
    i18n.set_language(getattr(args, "lang", i18n.DEFAULT_LANG))
    design = design_from_args(args)
    out = Path(args.out)
    if out.is_dir():
        raise ParameterError("simulate-panel", "--out", f"{out} is a folder; give a file name, e.g. {out / 'panel.csv'}")
    frame, truth = simulate.simulate_panel(design, seed=args.seed)
    side = sidecar_path(out)
    truth = {**truth, "panel_file": out.name}
    try:
        panel.write_panel(frame, out)
        truth["panel_sha256"] = file_sha256(out)
        atomic_write(side, lambda p: p.write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n",
                                                   encoding="utf-8"))
    except OSError as exc:
        raise ParameterError("simulate-panel", "--out", f"cannot write {out} ({exc.filename}: "
                                                        f"{exc.strerror or exc})") from None
    if args.json:
        print(json.dumps({**truth, "out": str(out), "truth_file": str(side)}, ensure_ascii=False))
    else:
        print(_("SIMULATED panel written to {out} ({rows} rows, {procedures} procedures, {months} months); truth in "
                "{side}.").format(out=out, rows=i18n.integer(len(frame)), procedures=frame["procedure"].nunique(),
                                  months=frame["month"].nunique(), side=side))
        print(_("True effect: {logit} on the logit scale = {pp} pp on the discounted procedures' share, {province} pp "
                "province-wide (national policy: {national} pp province-wide).").format(
            logit=i18n.signed(truth["true_effect_logit"], 3), pp=i18n.signed(truth["true_effect_pp_discounted"]),
            province=i18n.signed(truth["true_effect_pp_province"]),
            national=i18n.signed(truth["true_national_effect_pp_province"] or 0)))
    return 0
