"""Turn one validated older-endpoint answer into rows of the tidy tables: scores (total,
and the groups whose meaning and maximum are known, see :mod:`.mapping`), the snapshot
row with the reason for any refused group, and the endpoint's unit IDs once learned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from analysis.data.portal import legacy, mapping, tables
from analysis.data.portal import snapshot as snap
from analysis.data.portal.groups import GROUPS, TOTAL, TOTAL_MAX
from analysis.data.portal.response import PortalFormatError

KIND = "legacy_report"


@dataclass
class Context:
    """What matching needs beyond the file: the admin units, the tables already held and
    the IDs learned earlier in the same import."""

    admin_units: pd.DataFrame
    held: tables.PortalTables
    learned: dict[str, str] = field(default_factory=dict)

    def known_id(self, province: str) -> str | None:
        if province in self.learned:
            return self.learned[province]
        ids = self.held["legacy_ids"]
        hit = ids.loc[ids["province"] == province, "legacy_id"]
        return str(hit.iloc[0]) if len(hit) else None

    def current_month(self, year: int, month: int) -> dict[str, dict[str, float]]:
        """Return {province: {group: points}} of the latest current-API answer for the month."""
        sc = self.held["scores"]
        sc = sc[(sc["api"] == "current") & (sc["time_type"] == "month") & (sc["year"] == year)
                & (sc["period"] == month)]
        if sc.empty:
            return {}
        sc = sc[sc["retrieved"] == sc["retrieved"].max()]
        return {p: dict(zip(g["group"], g["score"])) for p, g in sc.groupby("province")}


def _period(name: str, opts) -> tuple[int, int]:
    """Return (year, month; 0 for the whole year) from the import options."""
    if opts.year is None or opts.time_type not in ("month", "year"):
        raise PortalFormatError(name, "$", "an older-endpoint answer needs --time-type month (or year) and --year")
    month = int(opts.period or 0) if opts.time_type == "month" else 0
    if opts.time_type == "month" and not 1 <= month <= 12:
        raise PortalFormatError(name, "$", "a month needs --period 1 to 12")
    if month == 0 and int(opts.year) == 2025:
        raise PortalFormatError(name, "$", "the whole year 2025 spans the merger of 1 Jul 2025; ask month by month")
    return int(opts.year), month


def _meta(path, raw: bytes, year: int, month: int, opts) -> snap.SnapshotMeta:
    digest = snap.sha256(raw)
    retrieved = opts.retrieved
    if retrieved is None:
        raise PortalFormatError(path.name, "$", "the retrieval date is not known: pass --retrieved YYYY-MM-DD")
    return snap.SnapshotMeta(
        snapshot_id=digest[:16], sha256=digest, kind=KIND, endpoint=opts.base_url.rstrip("/") + legacy.PATH,
        method="POST", request_body={"params": legacy.params(year, month)}, retrieved=retrieved.isoformat(),
        retrieved_at=opts.retrieved_at or retrieved.isoformat(), http_status=opts.http_status,
        origin=opts.origin, source=opts.source or "not stated", original_name=path.name)


def _scores(base: dict, records: list[dict], chosen: dict[str, str] | None, maxima: dict | None) -> list[dict]:
    rows = []
    for r in records:
        common = {**base, "province": r["province"], "department_code": r["id"], "department_name": r["name"],
                  "provinces_ranked": len(records), "score_delta": None}
        rows.append({**common, "group": TOTAL, "score": r["total"], "max_score": TOTAL_MAX,
                     "ratio": round(100.0 * r["total"] / TOTAL_MAX, 2)})
        if maxima is None:
            continue
        fields = {g: g for g in GROUPS if g not in ("CLGQ", "TTTT")} | \
                 ({chosen[f]: f for f in ("CLGQ", "TTTT")} if chosen else {})
        for g in GROUPS:
            if g in fields:
                v = r["fields"][fields[g]]
                rows.append({**common, "group": g, "score": v, "max_score": maxima[g],
                             "ratio": round(100.0 * v / maxima[g], 2)})
    df = pd.DataFrame(rows)
    df["rank"] = df.groupby("group")["score"].transform(tables.rank)
    return df.to_dict(orient="records")


def _ids(name: str, records: list[dict], month: str, sid: str, ctx: Context) -> list[dict]:
    new = []
    for i, r in enumerate(records):
        known = ctx.known_id(r["province"])
        if known is None:
            ctx.learned[r["province"]] = r["id"]
            new.append({"province": r["province"], "legacy_id": r["id"], "legacy_name": r["name"],
                        "first_month": month, "snapshot_id": sid})
        elif known != r["id"]:
            raise PortalFormatError(name, f"$[{i}].ID", f"{r['province']} has ID {r['id']!r} here and "
                                    f"{known!r} in an earlier answer; the importer does not guess which holds")
    return new


def prepare(path, raw: bytes, opts, ctx: Context) -> tuple[snap.SnapshotMeta, dict, dict, list[str]]:
    """Return (metadata, snapshots row, rows per table, warnings) of one older-endpoint answer.

    Raises PortalFormatError (file, JSON path, reason) when it cannot be imported whole;
    a refused group is a warning and a note on the snapshot, not an error."""
    name = path.name
    year, month = _period(name, opts)
    label = f"{year}-{month:02d}" if month else f"{year}-12"
    records = legacy.parse_legacy(name, raw, label, legacy.names_in_force(ctx.admin_units, label))
    meta = _meta(path, raw, year, month, opts)
    if dt.date.fromisoformat(meta.retrieved).year < year:
        raise PortalFormatError(name, "$", f"retrieved {meta.retrieved}, before the year {year} it reports")
    chosen, why = mapping.decide(records, year, ctx.current_month(year, month) if month else None, name)
    maxima = mapping.MAXIMA.get(year)
    refused = maxima is None or chosen is None
    note = f"groups refused: {why}" if refused else f"CLGQ/TTTT: {why}"
    body = {"timeType": "month" if month else "year", "year": year} | ({"month": month} if month else {})
    base = {"snapshot_id": meta.snapshot_id, "time_type": body["timeType"], "year": year,
            "period": month or None, "retrieved": meta.retrieved, "api": "legacy",
            "index_version": mapping.index_version(year)}
    rows = {"scores": _scores(base, records, chosen, maxima),
            "legacy_ids": _ids(name, records, label, meta.snapshot_id, ctx)}
    srow = tables.snapshot_row(meta, body, api="legacy", note=note)
    return meta, srow, rows, ([f"{name}: {note}"] if refused else [])
