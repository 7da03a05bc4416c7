"""Pack runner, fast part: parameter files, grids and names, validation, locking,
publishing, cache keys and the index page. No kernel starts here (see test_pack_run.py)."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from analysis import cli, config, pack
from analysis.pack import assemble, html as pack_html, publish, manifest as pack_manifest, spec as pack_spec
from analysis.errors import ParameterError

TEST_NOTEBOOKS = Path(__file__).parent / "notebooks"
OK_SPEC = "{label: {kind: str}, n: {kind: int, min: 1, max: 1000}, figure: {kind: str}}"


def write_yaml(tmp_path: Path, body: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body).replace("@NB@", str(TEST_NOTEBOOKS)), encoding="utf-8")
    return path


def cli_pack(capsys, *args) -> tuple[int, str]:
    rc = cli.main(["pack", "--quiet", *map(str, args)])
    return rc, capsys.readouterr().err


def test_default_parameter_file_is_valid_and_names_are_unique():
    spec = pack_spec.load(config.PACKS_PARAMS_DIR / "default.yaml")
    assert spec.name == "default"
    assert spec.runs, "the default pack has runs"
    names = [r.name for r in spec.runs]
    assert len(set(names)) == len(names)
    for run in spec.runs:
        assert run.notebook.is_file() and run.notebook.parent == config.NOTEBOOKS_DIR
        for value in run.parameters.values():  # every grid value shows in the run's name
            from analysis.data import vn
            assert vn.ascii_slug(str(value)) in run.name


def test_grid_is_the_cross_product_with_canonical_names(tmp_path):
    p = write_yaml(tmp_path, f"""
        name: Thử nghiệm
        notebooks_dir: @NB@
        runs:
          - notebook: ok.ipynb
            spec: {OK_SPEC}
            grid: {{label: ["Nghệ An", b], n: [1, 2]}}
          - notebook: sleeps.ipynb
            spec: {{seconds: {{kind: float, min: 0}}}}
    """)
    spec = pack_spec.load(p)
    assert spec.name == "thu-nghiem"
    assert [r.name for r in spec.runs] == [
        "ok__label-nghe-an__n-1", "ok__label-nghe-an__n-2", "ok__label-b__n-1", "ok__label-b__n-2", "sleeps"]
    assert spec.runs[0].parameters == {"label": "Nghệ An", "n": 1}
    assert spec.runs[-1].parameters == {}  # no grid: the notebook's own defaults
    assert all(r.timeout == pack_spec.DEFAULT_TIMEOUT for r in spec.runs)


def test_list_kind_parameters_take_a_list_of_lists_in_a_grid(tmp_path):
    base = """
        notebooks_dir: @NB@
        runs:
          - notebook: ok.ipynb
            spec: {{label: {{kind: str}}, n: {{kind: int}}, figure: {{kind: str}}, tags: {{kind: strs}}}}
            grid: {{tags: {tags}}}
    """
    assert len(pack_spec.load(write_yaml(tmp_path, base.format(tags="[[x, y], [z]]"))).runs) == 2
    one = pack_spec.load(write_yaml(tmp_path, base.format(tags="[x, y]"))).runs
    assert len(one) == 1 and one[0].parameters["tags"] == ["x", "y"]


def test_timeouts_from_entry_file_and_command(tmp_path):
    p = write_yaml(tmp_path, """
        notebooks_dir: @NB@
        timeout: 50
        runs:
          - notebook: sleeps.ipynb
            spec: {seconds: {kind: float}}
            timeout: 7
          - notebook: fails.ipynb
            spec: {message: {kind: str}}
    """)
    assert [r.timeout for r in pack_spec.load(p).runs] == [7.0, 50.0]
    assert [r.timeout for r in pack_spec.load(p, timeout=3).runs] == [7.0, 3.0]


BAD_FILES = {
    "unknown parameter": ("grid: {labell: [a]}", ["ok", "labell", "unknown parameter"]),
    "wrong type": ("grid: {n: [one]}", ["ok", "'n'", "whole number"]),
    "bool is not an int": ("grid: {n: [true]}", ["ok", "'n'", "whole number"]),
    "below minimum": ("grid: {n: [0]}", ["ok", "'n'", "below the minimum"]),
    "above maximum": ("grid: {n: [5000]}", ["ok", "'n'", "above the maximum"]),
    "runner parameter in grid": ("grid: {output_dir: [x]}", ["ok", "output_dir", "set by the pack runner"]),
    "empty grid list": ("grid: {label: []}", ["ok", "label", "empty list"]),
    "duplicate runs": ("grid: {label: [a, a]}", ["ok", "grid", "both be named", "ok__label-a"]),
    "bad timeout": ("timeout: -1", ["ok", "timeout", "positive number"]),
    "unknown key": ("grdi: {label: [a]}", ["grdi", "unknown key"]),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_parameters_exit_2_before_anything_runs(tmp_path, capsys, case):
    extra, expected = BAD_FILES[case]
    p = write_yaml(tmp_path, f"""
        notebooks_dir: @NB@
        runs:
          - notebook: ok.ipynb
            spec: {OK_SPEC}
            {extra}
    """)
    out = tmp_path / "out"
    rc, err = cli_pack(capsys, "--params", p, "--out", out)
    assert rc == 2
    for text in expected:
        assert text in err
    assert not (out / "packs").exists()


@pytest.mark.parametrize("body, expected", [
    ("runs: []", ["runs", "non-empty"]),
    ("runs: [{notebook: missing.ipynb}]", ["missing", "notebook not found"]),
    ("runs: [{grid: {}}]", ["notebook", "each run needs"]),
    ("runs: [{notebook: ok.ipynb, spec: {n: {type: int}}}]", ["ok", "'n'", "needs at least 'kind'"]),
    ("runs: [{notebook: ok.ipynb, spec: 'no.such.module:SPEC'}]", ["ok", "cannot load spec"]),
    ("runs: [{notebook: ok.ipynb, spec: {n: {kind: int}}}]", ["ok", "'figure'", "not in its specification"]),
    ("runs: [{notebook: ok.ipynb}]", ["ok", "no parameter specification"]),
    ("name: '!!'\nruns: [{notebook: ok.ipynb}]", ["name", "letters or digits"]),
    ("runs: [unclosed", ["cannot read parameter file"]),
])
def test_malformed_parameter_files_are_refused(tmp_path, body, expected):
    p = write_yaml(tmp_path, "notebooks_dir: @NB@\n" + body)
    with pytest.raises(ParameterError) as err:
        pack_spec.load(p)
    for text in expected:
        assert text in str(err.value)


def test_unknown_province_is_refused_naming_the_notebook(tmp_path, capsys):
    p = write_yaml(tmp_path, """
        runs:
          - notebook: 01_data_overview.ipynb
            grid: {province: ["Nghệ An", "Atlantis"]}
    """)
    rc, err = cli_pack(capsys, "--params", p, "--out", tmp_path / "out")
    assert rc == 2
    assert "01_data_overview" in err and "'province'" in err and "Atlantis" in err


def test_missing_data_folder_and_bad_jobs_exit_2(tmp_path, capsys):
    p = write_yaml(tmp_path, f"""
        notebooks_dir: @NB@
        runs: [{{notebook: ok.ipynb, spec: {OK_SPEC}}}]
    """)
    rc, err = cli_pack(capsys, "--params", p, "--out", tmp_path / "out", "--data", tmp_path / "nope")
    assert rc == 2 and "data folder not found" in err
    rc, err = cli_pack(capsys, "--params", p, "--out", tmp_path / "out", "--jobs", 0)
    assert rc == 2 and "--jobs" in err


def test_notebook_defaults_fill_parameters_not_in_the_grid(tmp_path):
    assert pack_spec.notebook_defaults(TEST_NOTEBOOKS / "ok.ipynb") == {
        "label": "a", "n": 20, "figure": "ok_fig", "data_dir": None, "output_dir": None}
    # A default that breaks the spec is caught even though the grid does not name it.
    p = write_yaml(tmp_path, """
        notebooks_dir: @NB@
        runs:
          - notebook: ok.ipynb
            spec: {label: {kind: str}, n: {kind: int, min: 100}, figure: {kind: str}}
    """)
    with pytest.raises(ParameterError, match="'n': 20 is below the minimum"):
        pack_spec.load(p)


def test_spec_name_missing_from_the_parameters_cell_is_caught_by_papermill_inspection(tmp_path):
    p = write_yaml(tmp_path, """
        notebooks_dir: @NB@
        runs:
          - notebook: sleeps.ipynb
            spec: {seconds: {kind: float}, minutes: {kind: float}}
            grid: {minutes: 1.0}
    """)
    spec = pack_spec.load(p)  # the spec alone is consistent with the grid ...
    with pytest.raises(ParameterError) as err:  # ... but the notebook has no `minutes`
        pack_spec.cross_check(spec.runs)
    assert "sleeps" in str(err.value) and "'minutes'" in str(err.value)
    pack_spec.cross_check(pack_spec.load(config.PACKS_PARAMS_DIR / "default.yaml").runs)


def test_second_build_on_the_same_folder_is_refused_with_exit_3(tmp_path, capsys):
    p = write_yaml(tmp_path, f"""
        notebooks_dir: @NB@
        runs: [{{notebook: ok.ipynb, spec: {OK_SPEC}}}]
    """)
    out = tmp_path / "out"
    with pack.lock(out):
        rc, err = cli_pack(capsys, "--params", p, "--out", out)
        assert rc == 3
        assert "another pack build is running" in err and str(os.getpid()) in err
    assert not (out / "packs").exists()
    with pack.lock(out):  # released when the holder's block ends
        pass


def _fake_pack(root: Path, label: str) -> Path:
    d = root / f".building-{label}"
    d.mkdir(parents=True)
    (d / "manifest.json").write_text(json.dumps({"label": label}))
    return d


def test_publish_switches_links_atomically_and_keeps_one_previous_pack(tmp_path):
    out = tmp_path / "out"
    (out / "packs" / "p").mkdir(parents=True)  # a pack from the first, unversioned runner
    (out / "packs" / "p" / "manifest.json").write_text("{}")
    for label in ("one", "two", "three"):
        link = publish.publish(_fake_pack(out, label), out, "p")
        assert json.loads((out / "latest" / "manifest.json").read_text()) == {"label": label}
        assert link.is_symlink() and (out / "latest").is_symlink()
    assert sorted(p.name for p in (out / "packs").iterdir()) == ["p", "p@2", "p@3"]
    assert os.readlink(out / "packs" / "p") == "p@3"
    assert not list(out.glob(".building-*"))


def test_gather_figures_groups_kinds_and_reports_collisions(tmp_path):
    owners: dict = {}
    figures = tmp_path / "figures"
    for run in ("r1", "r2"):
        d = tmp_path / run
        d.mkdir()
        for ext in ("png", "svg", "csv", "txt"):
            (d / f"fig__x-1.{ext}").write_text(run)
        (d / f"only_{run}.png").write_text(run)
    figs, clash = assemble.gather_figures(tmp_path / "r1", figures, owners, "r1")
    assert clash is None
    assert figs[0] == {"name": "fig__x-1", "files": {k: f"figures/fig__x-1.{k}" for k in ("csv", "png", "svg", "txt")}}
    figs, clash = assemble.gather_figures(tmp_path / "r2", figures, owners, "r2")
    assert clash == "figure 'fig__x-1' also written by run 'r1'"
    assert [f["name"] for f in figs] == ["only_r2"]
    assert (figures / "fig__x-1.png").read_text() == "r1"  # never overwritten


def test_cache_key_changes_with_each_input(tmp_path):
    nb = tmp_path / "ok.ipynb"
    nb.write_bytes((TEST_NOTEBOOKS / "ok.ipynb").read_bytes())
    run = pack_spec.Run(nb, {"label": "a"}, 10.0)
    versions = pack_manifest.package_versions()
    base = pack_manifest.run_key(run, "d", "c", versions)
    assert base == pack_manifest.run_key(pack_spec.Run(nb, {"label": "a"}, 99.0), "d", "c", versions)
    assert base != pack_manifest.run_key(pack_spec.Run(nb, {"label": "b"}, 10.0), "d", "c", versions)
    assert base != pack_manifest.run_key(run, "d2", "c", versions)
    assert base != pack_manifest.run_key(run, "d", "c2", versions)
    assert base != pack_manifest.run_key(run, "d", "c", {**versions, "pandas": "0"})
    nb.write_bytes(nb.read_bytes() + b"\n")
    assert base != pack_manifest.run_key(run, "d", "c", versions)


def test_tree_hashes_cover_subfolders_and_skip_caches(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text("x")
    (tmp_path / "b.csv").write_text("y")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "c.pyc").write_text("z")
    (tmp_path / ".hidden").write_text("z")
    assert list(pack_manifest.tree_hashes(tmp_path)) == ["b.csv", "seeds/a.txt"]


def test_git_state_reports_commit_and_dirty_flag(tmp_path):
    state = pack_manifest.git_state()
    if state["commit"] is None:
        pytest.skip("git or the repository is not available here")
    assert len(state["commit"]) == 40 and isinstance(state["dirty"], bool)
    assert pack_manifest.git_state(tmp_path) == {"commit": None, "dirty": None}


def test_index_page_marks_failed_runs_and_escapes_text(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "f.txt").write_text("Caption <b>x</b>.\n\nAlt text: A bar chart.\n", encoding="utf-8")
    record = {"notebook_executed": "notebooks/r.ipynb", "html": "html/r.html", "log": "logs/r.log"}
    manifest = {"pack": "p", "params_file": "p.yaml", "data_dir": "data", "git": {"commit": "abc", "dirty": True},
                "runs": [
                    {**record, "name": "good", "notebook": "ok.ipynb", "parameters": {"label": "a"}, "status": "ok",
                     "error": None, "figures": [{"name": "f", "files": {"png": "figures/f.png", "txt": "figures/f.txt"}}]},
                    {**record, "name": "bad", "notebook": "fails.ipynb", "parameters": {}, "status": "failed",
                     "error": "ValueError: <boom>", "figures": []}]}
    page = pack_html.render(tmp_path, manifest)
    assert '<tr class="run-failed" id="run-bad">' in page and "1 failed" in page
    assert "ValueError: &lt;boom&gt;" in page and "Caption &lt;b&gt;x&lt;/b&gt;." in page
    assert '<a href="figures/f.png"><img src="figures/f.png" alt="A bar chart."></a>' in page
    assert "uncommitted changes" in page
    assert pack_html.render(tmp_path, manifest) == page


@pytest.mark.parametrize("stem, parameters", [
    ("01_data_overview", {"province": "Nghệ An"}),
    ("x", {"b": [1.5, "Hòa Bình"], "a": None, "c": ""}),
    ("ok", {}),
])
def test_run_names_follow_the_figure_naming_rule(stem, parameters):
    from analysis.reports import plotting

    assert pack_spec.run_name(stem, parameters) == plotting.figure_name(stem, parameters)


def test_light_entry_point_has_the_same_exit_statuses(tmp_path, capsys):
    from analysis.commands import pack as pack_command

    p = write_yaml(tmp_path, f"""
        notebooks_dir: @NB@
        runs: [{{notebook: ok.ipynb, spec: {OK_SPEC}, grid: {{n: -1}}}}]
    """)
    assert pack_command.main(["--quiet", "--params", str(p), "--out", str(tmp_path / "out")]) == 2
    assert "ok: parameter 'n': -1 is below the minimum" in capsys.readouterr().err
    p.write_text(p.read_text().replace("n: -1", "n: 1"))
    with pack.lock(tmp_path / "out"):
        assert pack_command.main(["--quiet", "--params", str(p), "--out", str(tmp_path / "out")]) == 3


def test_parameter_file_not_utf8_is_refused_without_traceback(tmp_path, capsys):
    p = tmp_path / "latin1.yaml"
    p.write_bytes("name: Nghệ An\nruns: []\n".encode("utf-16"))
    rc, err = cli_pack(capsys, "--params", p, "--out", tmp_path / "out")
    assert rc == 2 and "not UTF-8" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_the_cache_key_covers_the_whole_package_and_its_catalogs():
    # A change to a report module or to the Vietnamese catalog changes what a run draws, so
    # the default code tree of a build must be the analysis package, not only pack/.
    from analysis.pack import builder

    hashes = builder._Inputs.read(config.REPO_ROOT / "packs" / "default.yaml", config.DATA_DIR, builder.PACKAGE_DIR,
                                  None).code_hashes
    assert "reports/plotting.py" in hashes and "pack/builder.py" in hashes
    assert "locale/vi/LC_MESSAGES/analysis.po" in hashes
