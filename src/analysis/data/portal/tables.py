"""The tidy tables derived from the raw snapshots (``data/portal/*.csv``), their columns,
and the rows one snapshot adds. ``data/README.md`` documents every column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.data.portal.groups import GROUPS, TOTAL, TOTAL_MAX
from analysis.data.portal.snapshot import SUBDIR, SnapshotMeta
from analysis.errors import DataError, Problem
from analysis.files import atomic_write

#: Table name -> its columns, in file order.
COLUMNS: dict[str, list[str]] = {
    "snapshots": ["snapshot_id", "kind", "time_type", "year", "period", "retrieved", "retrieved_at",
                  "http_status", "endpoint", "origin", "source", "upstream_repository", "upstream_path",
                  "upstream_commit", "sha256", "raw_file", "api", "note"],
    "scores": ["snapshot_id", "time_type", "year", "period", "retrieved", "province", "department_code",
               "department_name", "group", "score", "max_score", "ratio", "rank", "provinces_ranked",
               "score_delta", "api", "index_version"],
    "national": ["snapshot_id", "retrieved", "group", "score", "max_score", "ratio", "growth_percent"],
    "national_counts": ["snapshot_id", "retrieved", "measure", "value"],
    "national_monthly": ["snapshot_id", "retrieved", "month", "average_score", "on_time_pct", "overdue_pct"],
    "counts": ["snapshot_id", "retrieved", "province", "department_code", "group", "measure", "name_vi",
               "numerator", "denominator"],
    "legacy_ids": ["province", "legacy_id", "legacy_name", "first_month", "snapshot_id"],
}
#: Written last: a snapshot counts as imported once its row is here, so a run killed
#: between two files leaves rows of no listed snapshot, which :func:`read` drops.
COMMIT_TABLE = "snapshots"
#: Which endpoint a snapshot came from.
APIS = ("current", "legacy")

#: The national donut codes -> measure names of national_counts.csv.
DONUT_MEASURES = {("onlineDossier", "ONLINE"): "dossiers_online", ("onlineDossier", "OTHER"): "dossiers_other",
                  ("onlineProvision", "FULL"): "services_full_process",
                  ("onlineProvision", "PARTIAL"): "services_partial",
                  ("onlineProvision", "NONE"): "services_not_online"}


@dataclass
class PortalTables:
    """Every tidy table of ``data/portal/``, one DataFrame each (empty when never imported)."""

    frames: dict[str, pd.DataFrame]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def snapshot_ids(self) -> set[str]:
        return set(self.frames["snapshots"]["snapshot_id"])


def folder(data_dir: Path) -> Path:
    return Path(data_dir) / SUBDIR


def read(data_dir: Path) -> PortalTables:
    """Return the tidy tables of ``data_dir/portal/`` (empty frames for absent files).

    Raises DataError naming the file when a table lacks a column or has one too many."""
    frames = {}
    for name, cols in COLUMNS.items():
        path = folder(data_dir) / f"{name}.csv"
        if not path.is_file():
            frames[name] = pd.DataFrame(columns=cols)
            continue
        df = pd.read_csv(path, dtype={"snapshot_id": str, "department_code": str, "period": "Int64",
                                      "http_status": "Int64"}, keep_default_na=False, na_values=[""])
        if list(df.columns) != cols:
            raise DataError([Problem(f"portal/{name}.csv", 1, None,
                                     f"columns {list(df.columns)}; expected {cols}")])
        frames[name] = df
    known = set(frames[COMMIT_TABLE]["snapshot_id"])
    for name, df in frames.items():
        if name != COMMIT_TABLE and "snapshot_id" in df.columns:
            frames[name] = df[df["snapshot_id"].isin(known)].reset_index(drop=True)
    return PortalTables(frames)


def write(data_dir: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Write every table of ``tables`` under ``data_dir/portal/``, each replaced whole, the
    snapshots table last (it is what says a snapshot was imported)."""
    for name in sorted(tables, key=lambda n: n == COMMIT_TABLE):
        df = tables[name]
        path = folder(data_dir) / f"{name}.csv"
        text = df[COLUMNS[name]].to_csv(index=False, lineterminator="\n")
        atomic_write(path, lambda p, t=text: p.write_text(t, encoding="utf-8"))


def snapshot_row(meta: SnapshotMeta, request: dict, api: str = "current", note: str = "") -> dict:
    """Return the snapshots.csv row of one snapshot (``request`` in the current API's terms:
    ``timeType``, ``year``, ``quarter``/``month``)."""
    return {"snapshot_id": meta.snapshot_id, "kind": meta.kind, "time_type": request["timeType"],
            "year": request["year"], "period": request.get("quarter", request.get("month")),
            "retrieved": meta.retrieved, "retrieved_at": meta.retrieved_at, "http_status": meta.http_status,
            "endpoint": meta.endpoint, "origin": meta.origin, "source": meta.source,
            "upstream_repository": meta.upstream_repository, "upstream_path": meta.upstream_path,
            "upstream_commit": meta.upstream_commit, "sha256": meta.sha256,
            "raw_file": f"{SUBDIR}/raw/{meta.raw_name}", "api": api, "note": note}


def rank(scores: pd.Series) -> pd.Series:
    """Return competition ranks (1 is best; ties share the best rank: 1, 2, 2, 4)."""
    return scores.rank(method="min", ascending=False).astype(int)


def score_rows(base: dict, evaluation: list[dict], province_of) -> list[dict]:
    """Return the scores.csv rows of one snapshot: per province its total and six groups,
    each with maximum, ratio (percent of the maximum) and rank among the snapshot's
    provinces. ``province_of(code)`` maps a portal department code to a province."""
    rows = []
    for e in evaluation:
        common = {**base, "province": province_of(e["code"]), "department_code": e["code"],
                  "department_name": e["department_name"], "provinces_ranked": len(evaluation)}
        rows.append({**common, "group": TOTAL, "score": e["total"], "max_score": TOTAL_MAX,
                     "ratio": e["ratio"], "score_delta": e["score_delta"]})
        for g, (_, mx) in GROUPS.items():
            rows.append({**common, "group": g, "score": e["groups"][g], "max_score": mx,
                         "ratio": round(100.0 * e["groups"][g] / mx, 2), "score_delta": None})
    df = pd.DataFrame(rows)
    df["rank"] = df.groupby("group")["score"].transform(rank)
    return df.to_dict(orient="records")
