"""``analysis portal backfill`` (fetch and import the index month by month) and
``analysis portal panel`` (print or save the province-by-month panel).

Backfill exit status: 0 every month held; 1 at least one month failed (the others were
imported; the failures are listed); 2 bad arguments (nothing asked); 130 interrupted
(every month finished before is kept; run it again to continue)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from analysis.errors import ParameterError


def add_arguments(sub, common) -> None:
    """Add the ``backfill`` and ``panel`` actions to the ``portal`` subparsers."""
    from analysis.data.portal import backfill

    bf = sub.add_parser("backfill", parents=[common], help="fetch and import every month of a range")
    bf.add_argument("--from", dest="start", required=True, metavar="YYYY-MM")
    bf.add_argument("--to", dest="end", metavar="YYYY-MM", help="last month (default: the last complete month)")
    bf.add_argument("--api", choices=backfill.APIS, default="auto",
                    help="endpoint: auto (the older one before 2025-07, the current one from 2025-07)")
    bf.add_argument("--base-url", default="https://dichvucong.gov.vn",
                    help="scheme and host of the portal; the endpoints' paths are appended")
    bf.add_argument("--pace", type=float, default=backfill.PACE, metavar="SECONDS",
                    help=f"pause between two requests (default {backfill.PACE:g})")
    bf.add_argument("--timeout", type=float, default=None, help=argparse.SUPPRESS)
    bf.add_argument("--backoff", type=float, default=None, help=argparse.SUPPRESS)
    pn = sub.add_parser("panel", parents=[common], help="the province-by-month panel of the index")
    pn.add_argument("--group", metavar="G", help="TOTAL or a group code (default: all)")
    pn.add_argument("--vintage", default="latest", metavar="latest|YYYY-MM-DD",
                    help="use the retrievals made on or before this date (default: latest)")
    pn.add_argument("--out", type=Path, metavar="FILE", help="write the panel as CSV")


def _months(args) -> list[str]:
    from analysis.data.portal import backfill

    today = dt.date.today()
    this = today.strftime("%Y-%m")
    # Default: the last complete month. The month in progress is fetched only when asked
    # (--to), and is then held as it stood that day (a later run skips it).
    end = args.end or (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    for name, v in (("from", args.start), ("to", end)):
        try:
            backfill.parse_month(v)
        except ValueError as exc:
            raise ParameterError("portal backfill", name, str(exc)) from None
    if args.start < backfill.FIRST_MONTH:
        raise ParameterError("portal backfill", "from", f"the index starts in {backfill.FIRST_MONTH}")
    if end > this:
        raise ParameterError("portal backfill", "to", f"{end} is in the future (this month is {this})")
    if end < args.start:
        raise ParameterError("portal backfill", "to", f"{end} is before --from {args.start}")
    if args.pace < 0:
        raise ParameterError("portal backfill", "pace", "a pause cannot be negative")
    return backfill.months_between(args.start, end)


def _bar(total: int, quiet: bool):
    """Return (progress callback, close) with a tqdm bar on a terminal, nothing otherwise."""
    if quiet or not sys.stderr.isatty():
        return (lambda month, status: None), (lambda: None)
    from tqdm import tqdm

    bar = tqdm(total=total, unit="month", file=sys.stderr)

    def tick(month, status):
        bar.set_postfix_str(f"{month} {status}")
        bar.update(1)
    return tick, bar.close


def backfill_run(args, data_dir: Path) -> int:
    from analysis import data
    from analysis.data.portal import backfill

    months = _months(args)
    ds = data.load(data_dir)
    kw = {k: v for k, v in (("timeout", args.timeout), ("backoff", args.backoff)) if v is not None}
    kw["log"] = (lambda m: None) if args.json else (lambda m: print(m, file=sys.stderr))
    tick, close = _bar(len(months), args.json)
    try:
        out = backfill.run(data_dir, months, args.api, args.base_url,
                           (ds.province_of_portal_code, ds.admin_units), pace=args.pace, kw=kw, progress=tick)
    except KeyboardInterrupt:
        close()
        print("analysis portal backfill: interrupted; the months finished are kept, run it again to "
              "continue", file=sys.stderr)
        return 130
    close()
    if args.json:
        print(json.dumps(out.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"{out.months} month(s): {out.fetched} fetched, {out.skipped} already held, "
              f"{len(out.failed)} failed.")
        for f in out.failed:
            print(f"failed {f['month']} ({f['api']}): {f['reason']}", file=sys.stderr)
    return 1 if out.failed else 0


def panel_run(args, data_dir: Path) -> int:
    from analysis.data.portal import history

    df = history.panel(data_dir, group=args.group, vintage=args.vintage)
    if args.out:
        from analysis.files import atomic_write

        text = df.to_csv(index=False, lineterminator="\n")
        atomic_write(args.out, lambda p: p.write_text(text, encoding="utf-8"))
    if args.json:
        records = json.loads(df.to_json(orient="records", force_ascii=False))
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    if df.empty:
        summary = history.held_summary(data_dir)
        print(f"No monthly history held (year-to-date retrievals: {', '.join(summary['year_to_date']) or 'none'}). "
              "Run `analysis portal backfill --from 2022-01` to fetch it.")
        return 0
    print(f"{len(df)} rows: {df['province'].nunique()} units, months {df['month'].min()} to {df['month'].max()}"
          + (f"; written to {args.out}" if args.out else ""))
    return 0
