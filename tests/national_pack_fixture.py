"""The hand-made pack of pack_fixture.py with a national overview and the 34 scorecards
added (no kernels): the national runs' findings, map and league table (the CSV the
notebook saves, from the shipped index data), one scorecard run per province and language."""

from __future__ import annotations

import json
from pathlib import Path

from analysis import data
from analysis.models import national
from pack_fixture import make_pack, png

NATIONAL_HEADLINE = {
    "en": "Đồng Tháp leads the 34 provinces with 68.8 index points and Hà Nội trails with 55.23; "
          "the national figure is 62.59 (2026, year to date, retrieved 10 Oct 2026).",
    "vi": "Đồng Tháp dẫn đầu 34 tỉnh, thành phố với 68,8 điểm chỉ số, Hà Nội đứng cuối với 55,23 điểm; "
          "điểm cả nước là 62,59 (năm 2026, lũy kế từ đầu năm, lấy ngày 10/10/2026).",
}


def _record(pack: Path, name: str, stem: str, params: dict, findings: dict | None, figures: list) -> dict:
    (pack / "html" / f"{name}.html").write_text(f"<!DOCTYPE html><html><body>{name}</body></html>", encoding="utf-8")
    (pack / "notebooks" / f"{name}.ipynb").write_text("{}", encoding="utf-8")
    (pack / "logs" / f"{name}.log").write_text(f"run {name}\n", encoding="utf-8")
    return {"name": name, "notebook": f"{stem}.ipynb", "notebook_path": f"notebooks/{stem}.ipynb",
            "parameters": params, "timeout": 900.0, "spec_names": sorted(params), "status": "ok", "error": None,
            "cache_key": "0" * 64, "notebook_executed": f"notebooks/{name}.ipynb", "html": f"html/{name}.html",
            "log": f"logs/{name}.log", "figures": figures, "findings": findings}


def _national_figures(pack: Path, lang: str, league) -> list:
    figs = []
    for stem in ("national_league", "national_map__group-total"):
        fig = f"{stem}__lang-{lang}"
        files = {k: f"figures/{fig}.{k}" for k in ("png", "csv", "txt")}
        (pack / files["png"]).write_bytes(png(30, 36))
        league.to_csv(pack / files["csv"], index=False)
        (pack / files["txt"]).write_text(f"{fig}\n\nAlt text: {fig}\n", encoding="utf-8")
        figs.append({"name": fig, "files": files})
    return figs


def make_national_pack(root: Path, *, with_nation: bool = True) -> tuple[Path, dict]:
    """Return (pack folder, manifest) of the fixture pack plus, for each language, the
    national overview (when ``with_nation``) and 34 scorecard runs."""
    pack, manifest = make_pack(root)
    ov = national.build(data.load())
    league = ov.league[["rank", "province", "code", "total", "CKMB", "TDGQ", "CLGQ", "TTTT", "MDHL", "MDSH",
                        "previous_rank", "rank_change", "total_change"]]
    runs = manifest["runs"]
    for lang in ("vi", "en"):
        if with_nation:
            f = {"report": "08_national_overview", "lang": lang, "status": "descriptive",
                 "headline": NATIONAL_HEADLINE[lang], "sentences": []}
            runs.append(_record(pack, f"08_national_overview__lang-{lang}", "08_national_overview", {"lang": lang},
                                f, _national_figures(pack, lang, league)))
        for prov in league["province"]:
            slug = "sc-" + str(league.set_index("province").loc[prov, "code"])
            f = {"report": "05_province_scorecard", "lang": lang, "status": "descriptive",
                 "headline": f"SCORECARD PARAGRAPH {prov} {lang}", "sentences": []}
            runs.append(_record(pack, f"05_province_scorecard__lang-{lang}__province-{slug}", "05_province_scorecard",
                                {"province": prov, "lang": lang}, f, []))
    (pack / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return pack, manifest
