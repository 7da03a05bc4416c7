"""``analysis portal``: the national Decision 766 index. ``import`` validates raw
responses and adds them to the tidy tables; ``fetch`` asks the portal for one and
imports it; ``scores`` prints the imported scores; ``backfill`` and ``panel``
(:mod:`analysis.commands.portal_history`) build and show the monthly history.

Exit status: 0 done; 2 bad arguments or a file that is not a known response (nothing
changed); 1 the portal cannot be reached or answered something unusable (nothing
imported; the answer is kept under data/portal/rejected/)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from analysis import config, data
from analysis.commands import portal_history
from analysis.errors import ParameterError

NAME = "portal"
HELP = ("The national Decision 766 index: import raw responses of the National Public Service "
        "Portal, fetch a new one or every month of a range, print the imported scores or the monthly panel.")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS,
                        help="data folder (default: the shipped data/)")
    common.add_argument("--json", action="store_true", help="print the result as JSON")
    imp = sub.add_parser("import", parents=[common], help="validate responses and add them to the tables")
    imp.add_argument("files", nargs="+", metavar="FILE", type=Path)
    imp.add_argument("--retrieved", type=_date, metavar="YYYY-MM-DD",
                     help="day the response was retrieved (default: from the crawler's file name)")
    imp.add_argument("--source", metavar="TEXT", help="where the file came from (provenance)")
    imp.add_argument("--time-type", choices=("year", "quarter", "month"),
                     help="period type the response was requested for (default: from the file name)")
    imp.add_argument("--year", type=int)
    imp.add_argument("--period", type=int, help="quarter (1-4) or month (1-12)")
    fetch = sub.add_parser("fetch", parents=[common], help="ask the portal for a response and import it")
    fetch.add_argument("--time-type", choices=("year", "quarter", "month"), required=True)
    fetch.add_argument("--year", type=int, required=True)
    fetch.add_argument("--period", type=int, help="quarter (1-4) or month (1-12)")
    fetch.add_argument("--base-url", default="https://dichvucong.gov.vn",
                       help="scheme and host of the portal (default https://dichvucong.gov.vn)")
    fetch.add_argument("--timeout", type=float, default=None, help=argparse.SUPPRESS)
    fetch.add_argument("--backoff", type=float, default=None, help=argparse.SUPPRESS)
    portal_history.add_arguments(sub, common)
    sc = sub.add_parser("scores", parents=[common], help="print the imported scores")
    sc.add_argument("--province", metavar="NAME")
    sc.add_argument("--snapshot", type=_date, metavar="YYYY-MM-DD", help="retrieval date of the snapshot")


def _check_period(action: str, time_type: str | None, year: int | None, period: int | None) -> None:
    if year is not None and not 2000 <= year <= 2100:
        raise ParameterError(f"portal {action}", "year", f"{year} is not a plausible year")
    if time_type in ("quarter", "month"):
        hi = 4 if time_type == "quarter" else 12
        if period is None or not 1 <= period <= hi:
            raise ParameterError(f"portal {action}", "period", f"a {time_type} needs --period 1 to {hi}")
    elif period is not None:
        raise ParameterError(f"portal {action}", "period", "only a quarter or a month takes --period")


def _print_import(result, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if result.snapshots == 0:
        print("Nothing added: every snapshot was imported before.")
    else:
        print(f"Imported {result.snapshots} snapshot(s): {result.rows_added} rows, "
              f"{result.provinces} provinces.")


def _import(args, data_dir: Path) -> int:
    from analysis.data.portal import importer

    _check_period("import", args.time_type, args.year, args.period)
    ds = data.load(data_dir)
    opts = importer.Options(retrieved=args.retrieved, source=args.source, time_type=args.time_type,
                            year=args.year, period=args.period)
    _print_import(importer.import_files(args.files, data_dir, opts, ds.province_of_portal_code), args.json)
    return 0


def _fetch(args, data_dir: Path) -> int:
    from analysis.data.portal import fetch, importer, snapshot
    from analysis.data.portal.response import PortalFormatError, parse_service_results

    _check_period("fetch", args.time_type, args.year, args.period)
    ds = data.load(data_dir)
    body = fetch.request_body(args.time_type, args.year, args.period)
    kw = {k: v for k, v in (("timeout", args.timeout), ("backoff", args.backoff)) if v is not None}
    stem = f"service-results_{args.time_type}_{args.year}" + (f"_{args.period}" if args.period else "")
    try:
        answer = fetch.post(args.base_url, body, log=lambda m: print(m, file=sys.stderr), **kw)
    except fetch.PortalUnavailable as exc:
        if exc.body:
            snapshot.keep_rejected(exc.body, str(exc), data_dir, stem)
        print(f"analysis portal fetch: {exc}", file=sys.stderr)
        return 1
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    opts = importer.Options(retrieved=now.date(), retrieved_at=now.isoformat().replace("+00:00", "Z"),
                            source=f"fetched from {answer.url} by analysis portal fetch",
                            time_type=args.time_type, year=args.year, period=args.period,
                            http_status=answer.status, origin="fetched", base_url=args.base_url)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{stem}.json"
        path.write_bytes(answer.body)
        try:
            parse_service_results(path.name, answer.body)
            result = importer.import_files([path], data_dir, opts, ds.province_of_portal_code)
        except PortalFormatError as exc:
            kept = snapshot.keep_rejected(answer.body, str(exc), data_dir, stem)
            print(f"analysis portal fetch: the portal answered something that is not the expected "
                  f"response: {exc.path}: {exc.reason} (kept in {kept}); nothing imported", file=sys.stderr)
            return 1
    _print_import(result, args.json)
    return 0


def _scores(args, data_dir: Path) -> int:
    from analysis.data.portal import query, tables

    ds = data.load(data_dir)
    province = ds.canonical_province(args.province) if args.province else None
    retrieved = args.snapshot.isoformat() if args.snapshot else None
    records = query.score_records(tables.read(data_dir), province, retrieved)
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    if not records:
        print("No imported scores" + (f" for {province}" if province else "") + ".")
    for r in records:
        groups = "  ".join(f"{g} {v['score']:.2f}/{v['max_score']:g}" for g, v in r["groups"].items())
        print(f"{r['retrieved']}  {r['period']}  {r['province']:<14} {r['total_score']:6.2f}/100  "
              f"rank {r['rank']:>2} of {r['provinces_ranked']}  {groups}")
    return 0


def run(args) -> int:
    data_dir = config.resolve_data_dir(getattr(args, "data", None))
    return {"import": _import, "fetch": _fetch, "scores": _scores, "backfill": portal_history.backfill_run,
            "panel": portal_history.panel_run}[args.action](args, data_dir)
