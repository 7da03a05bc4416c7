"""Pack runner, end to end with real kernels (slow): a batch with failures, timeouts and
dead kernels; caching; repeatability; interruption; locking; the reviewers' page in
headless Chromium. The notebooks are the tiny ones in tests/notebooks/."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from analysis import cli
from browser_tools import chromium  # noqa: F401 (a fixture, used by the browser test)

pytestmark = pytest.mark.slow

TEST_NOTEBOOKS = Path(__file__).parent / "notebooks"
OK_SPEC = "{label: {kind: str}, n: {kind: int, min: 1}, figure: {kind: str}}"


def write_yaml(path: Path, body: str) -> Path:
    path.write_text(textwrap.dedent(body).replace("@NB@", str(TEST_NOTEBOOKS)), encoding="utf-8")
    return path


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tiny_data(root: Path) -> Path:
    """A data folder for the test notebooks (they read nothing; the runner hashes it)."""
    d = root / "data"
    (d / "seeds").mkdir(parents=True)
    (d / "observations.csv").write_text("a,b\n1,2\n")
    (d / "seeds" / "s.txt").write_text("seed")
    return d


def tiny_code(root: Path) -> Path:
    """A stand-in for the package source tree, so the cache test controls 'code changed'
    (the real src/analysis may be edited while the tests run)."""
    d = root / "code"
    d.mkdir()
    (d / "module.py").write_text("X = 1\n")
    return d


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One pack of 7 runs: two good, one whose figure name collides with a good one, one
    raising, one timing out, one whose kernel dies once. Returns (exit status, pack dir)."""
    root = tmp_path_factory.mktemp("batch")
    p = write_yaml(root / "batch.yaml", f"""
        name: batch
        notebooks_dir: @NB@
        runs:
          - notebook: ok.ipynb
            spec: {OK_SPEC}
            grid: {{label: [a, "Hòa Bình"]}}
          - notebook: ok.ipynb
            spec: {OK_SPEC}
            grid: {{label: a, n: 21}}
          - notebook: fails.ipynb
            spec: {{message: {{kind: str}}}}
          - notebook: sleeps.ipynb
            spec: {{seconds: {{kind: float, min: 0}}}}
            grid: {{seconds: 30}}
            timeout: 1
          - notebook: dies.ipynb
            spec: {{marker: {{kind: str, nullable: true}}}}
            grid: {{marker: "{root / 'died-once'}"}}
    """)
    rc = cli.main(["pack", "--quiet", "--params", str(p), "--out", str(root / "out"),
                   "--data", str(tiny_data(root)), "--jobs", "2"])
    return rc, root / "out" / "latest"


def runs_by_name(pack_dir: Path) -> dict:
    return {r["name"]: r for r in read_json(pack_dir / "manifest.json")["runs"]}


def test_a_failing_notebook_does_not_stop_the_batch(batch):
    rc, pack_dir = batch
    assert rc == 1
    runs = runs_by_name(pack_dir)
    assert runs["ok__label-a"]["status"] == "ok" and runs["ok__label-hoa-binh"]["status"] == "ok"
    assert runs["fails"]["status"] == "failed"
    assert runs["fails"]["error"].startswith("ValueError: deliberate failure")
    executed = (pack_dir / runs["fails"]["notebook_executed"]).read_text(encoding="utf-8")
    assert "ValueError" in executed and "deliberate failure" in executed
    assert "deliberate failure" in (pack_dir / runs["fails"]["html"]).read_text(encoding="utf-8")
    assert "deliberate failure" in (pack_dir / runs["fails"]["log"]).read_text(encoding="utf-8")
    index = (pack_dir / "index.html").read_text(encoding="utf-8")
    assert '<tr class="run-failed" id="run-fails">' in index and "3 failed" in index
    assert read_json(pack_dir / "timings.json")["runs"]["fails"]["attempts"] == 1  # not retried


def test_timeout_and_dead_kernel_are_retried_once(batch):
    _, pack_dir = batch
    runs, timings = runs_by_name(pack_dir), read_json(pack_dir / "timings.json")["runs"]
    slow = runs["sleeps__seconds-30-0"]
    assert slow["status"] == "failed" and "timed out (attempt 2 of 2)" in slow["error"]
    assert timings["sleeps__seconds-30-0"]["attempts"] == 2
    assert timings["sleeps__seconds-30-0"]["seconds"] < 55  # stopped: two 30 s sleeps would take 60
    assert "This run failed" in (pack_dir / slow["notebook_executed"]).read_text(encoding="utf-8")
    died = next(n for n in runs if n.startswith("dies"))
    assert runs[died]["status"] == "ok" and timings[died]["attempts"] == 2
    log = (pack_dir / runs[died]["log"]).read_text(encoding="utf-8")
    assert "kernel died (attempt 1 of 2)" in log and "survived" in log


def test_figures_are_named_by_parameters_and_collisions_fail_loudly(batch):
    _, pack_dir = batch
    runs = runs_by_name(pack_dir)
    for name, label in (("ok__label-a", "a"), ("ok__label-hoa-binh", "hoa-binh")):
        (fig,) = runs[name]["figures"]
        assert fig["name"] == f"ok_fig__label-{label}"
        assert sorted(fig["files"]) == ["csv", "png", "svg", "txt"]
        assert all((pack_dir / f).is_file() for f in fig["files"].values())
    clash = runs["ok__label-a__n-21"]
    assert clash["status"] == "failed" and "also written by run 'ok__label-a'" in clash["error"]
    # The first run's figure was kept, not overwritten by the second (n=20 vs n=21 points).
    assert "n 20" in (pack_dir / "figures" / "ok_fig__label-a.txt").read_text(encoding="utf-8")


def test_html_hides_code_and_pack_has_no_leftovers(batch):
    _, pack_dir = batch
    page = (pack_dir / "html" / "ok__label-a.html").read_text(encoding="utf-8")
    assert "default_rng" not in page  # the code cell's source is hidden ...
    assert "What this does not show" in page and "<img" in page  # ... prose and outputs are not
    assert "require.min.js" not in page and "mermaid" not in page
    out_root = pack_dir.parent
    assert not list(out_root.glob(".building-*"))
    assert not (pack_dir / "work").exists()


def test_cache_hits_and_misses_and_repeatable_outputs(tmp_path, monkeypatch):
    """Two executions from the same inputs give byte-identical figures, manifest, HTML and
    index; an unchanged rerun is served from the cache; each input kind invalidates it."""
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    shutil.copy(TEST_NOTEBOOKS / "ok.ipynb", nb_dir / "ok.ipynb")
    data, code, out = tiny_data(tmp_path), tiny_code(tmp_path), tmp_path / "out"
    params = tmp_path / "p.yaml"

    def write_params(labels: str) -> None:
        params.write_text(f"name: c\nnotebooks_dir: {nb_dir}\nruns:\n  - notebook: ok.ipynb\n"
                          f"    spec: {OK_SPEC}\n    grid: {{label: {labels}}}\n", encoding="utf-8")

    def build(**kw):
        from analysis import pack
        return pack.build(params, out, data, jobs=2, code_dir=code, progress=False, **kw)

    def snapshot() -> dict:
        d = out / "latest"
        files = ["manifest.json", "index.html", *sorted(f"figures/{p.name}" for p in (d / "figures").iterdir()),
                 *sorted(f"html/{p.name}" for p in (d / "html").iterdir())]
        return {f: sha(d / f) for f in files}

    def executed(result) -> set:
        return {n for n, t in result.timings["runs"].items() if not t["cached"]}

    write_params("[a, b]")
    first = build()
    assert executed(first) == {"ok__label-a", "ok__label-b"} and not first.failed
    snap = snapshot()
    again = build(use_cache=False)
    assert executed(again) == {"ok__label-a", "ok__label-b"}
    assert snapshot() == snap  # repeatable: same bytes from a fresh execution
    assert set(read_json(out / "latest" / "timings.json")["runs"]) == {"ok__label-a", "ok__label-b"}

    from analysis.pack import spec as pack_spec

    real_load = pack_spec.load
    with monkeypatch.context() as m:  # unchanged inputs: the run list is not even re-validated
        m.setattr(pack_spec, "load", lambda *a, **k: pytest.fail("validated again"))
        warm = build()
    assert pack_spec.load is real_load
    assert executed(warm) == set()
    assert snapshot() == snap
    assert [r["status"] for r in warm.records] == ["ok", "ok"]

    write_params("[a, c]")  # parameters: only the new run executes
    assert executed(build()) == {"ok__label-c"}
    (data / "observations.csv").write_text("a,b\n1,3\n")  # data
    assert executed(build()) == {"ok__label-a", "ok__label-c"}
    (data / "seeds" / "s.txt").write_text("another seed")  # data, in a subfolder
    write_params("[a]")
    assert executed(build()) == {"ok__label-a"}
    (code / "module.py").write_text("X = 2\n")  # package code
    assert executed(build()) == {"ok__label-a"}
    nb = read_json(nb_dir / "ok.ipynb")  # the notebook
    nb["cells"][0]["source"] = "# Test: changed title\n"
    (nb_dir / "ok.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    result = build()
    assert executed(result) == {"ok__label-a"} and not result.failed
    assert executed(build()) == set()


def test_spec_names_missing_from_the_notebook_stop_the_build_before_any_run(tmp_path, capsys):
    p = write_yaml(tmp_path / "p.yaml", """
        notebooks_dir: @NB@
        runs:
          - notebook: sleeps.ipynb
            spec: {seconds: {kind: float}, minutes: {kind: float}}
            grid: {minutes: 1.0}
    """)
    out = tmp_path / "out"
    rc = cli.main(["pack", "--quiet", "--params", str(p), "--out", str(out), "--data", str(tiny_data(tmp_path))])
    assert rc == 2
    assert "sleeps: parameter 'minutes': in the specification but not in the notebook's parameters cell" \
        in capsys.readouterr().err
    assert not (out / "packs").exists() and not list(out.glob(".building-*"))


def _pack_process(params: Path, out: Path, data: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "analysis.cli", "pack", "--quiet", "--params", str(params),
                             "--out", str(out), "--data", str(data)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)


def _wait_for_kernel_work(out: Path, proc: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for log in out.glob(".building-*/logs/*.log"):
            if "Executing Cell" in log.read_text(encoding="utf-8", errors="replace"):
                return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    pytest.fail("the pack never started executing")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_interrupted_build_leaves_the_last_good_pack_and_no_temporary_folder(tmp_path, capsys, signum):
    from analysis import pack
    from analysis.pack import publish

    out, data = tmp_path / "out", tiny_data(tmp_path)
    good = out / ".building-good"
    (good / "figures").mkdir(parents=True)
    (good / "manifest.json").write_text('{"good": true}')
    publish.publish(good, out, "i")  # the last good pack
    before = {p.relative_to(out).as_posix(): (os.readlink(p) if p.is_symlink() else None)
              for p in out.rglob("*")}
    params = write_yaml(tmp_path / "p.yaml", """
        name: i
        notebooks_dir: @NB@
        runs:
          - notebook: sleeps.ipynb
            spec: {seconds: {kind: float, min: 0}}
            grid: {seconds: [60, 61]}
    """)
    proc = _pack_process(params, out, data)
    try:
        _wait_for_kernel_work(out, proc)
        if signum == signal.SIGTERM:  # meanwhile a second build on the same folder is refused
            rc = cli.main(["pack", "--quiet", "--params", str(params), "--out", str(out), "--data", str(data)])
            assert rc == 3 and "another pack build is running" in capsys.readouterr().err
        started = time.monotonic()
        if signum == signal.SIGINT:  # Ctrl-C: the whole foreground process group gets it
            os.killpg(proc.pid, signum)
        else:  # kill PID / a scheduler stopping the job
            proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "previous pack is unchanged" in err
    assert time.monotonic() - started < 30
    after = {p.relative_to(out).as_posix(): (os.readlink(p) if p.is_symlink() else None)
             for p in out.rglob("*")}
    after.pop(".pack.lock")  # the (released) lock file stays, by design
    assert after == before  # nothing added, removed or relinked
    assert read_json(out / "latest" / "manifest.json") == {"good": True}


# --- the reviewers' pages in a real browser (helpers in browser_tools.py) ---------------

def test_reviewers_pages_load_in_chromium(batch, chromium):
    """Both languages' pages of a pack with failures: every image loads, every link
    resolves, no console error, nothing fetched from the network, failed runs marked."""
    import unicodedata

    from browser_tools import dead_links, load_page

    _, latest = batch
    pack_dir = latest.resolve()
    manifest_figs = [f for r in read_json(pack_dir / "manifest.json")["runs"] for f in r["figures"]]
    for lang, name in (("en", "index.html"), ("vi", "index.vi.html")):
        page = load_page(chromium, pack_dir / name)
        assert page["lang"] == lang
        # The test notebooks have no lang parameter: every run shows on both pages.
        assert len(page["images"]) == len(manifest_figs) >= 2
        assert [src for src, complete, width in page["images"] if not (complete and width > 0)] == []
        assert page["links"], "the index links to the runs"
        assert dead_links(page, pack_dir / name, pack_dir) == []
        assert set(page["failed"]) == {"run-fails", "run-sleeps__seconds-30-0", "run-ok__label-a__n-21"}
        assert [u for u in page["requests"] if not u.startswith("file:")] == []
        assert page["errors"] == []
        assert page["text"] == unicodedata.normalize("NFC", page["text"])
        assert ("Các lần chạy" in page["text"]) == (lang == "vi")  # the page's own language


def test_national_section_in_chromium(tmp_path, chromium):
    """Both pages of a pack with the national overview and 34 scorecards: the nation is the
    first section after the failed runs, its map loads, every league row's link opens that
    province's scorecard, no dead link, no console error, nothing fetched from the network."""
    import re

    from analysis.pack import html as pack_html
    from browser_tools import dead_links, load_page
    from national_pack_fixture import NATIONAL_HEADLINE, make_national_pack

    pack_dir, manifest = make_national_pack(tmp_path)
    pack_html.write_pages(pack_dir, manifest)
    for lang, name in (("en", "index.html"), ("vi", "index.vi.html")):
        page = load_page(chromium, pack_dir / name)
        assert page["lang"] == lang
        ids = page["ids"]
        assert ids.index("failed") < ids.index("findings-08_national_overview") < ids.index("findings")
        text = page["text"]
        assert text.index(NATIONAL_HEADLINE[lang]) < text.index("Nghệ An")
        maps = [img for img in page["images"] if "national_map" in img[0]]
        assert maps and all(complete and width > 0 for _src, complete, width in maps)
        cards = {raw for raw, _resolved in page["links"] if re.match(f"html/05_province_scorecard__lang-{lang}__", raw)}
        assert len(cards) == 34  # one scorecard per province, in the page's language
        assert dead_links(page, pack_dir / name, pack_dir) == []
        assert "SCORECARD PARAGRAPH" not in text
        assert [u for u in page["requests"] if not u.startswith("file:")] == []
        assert page["errors"] == []
