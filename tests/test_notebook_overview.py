"""The data-overview notebook executes under papermill for every province, and refuses bad parameters."""

import papermill as pm
import pytest

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("province,slug", [("Nghệ An", "nghe-an"), ("Hoà Bình", "hoa-binh")])
def test_overview_notebook_runs_and_writes_figures(run_notebook, province, slug):
    nb, out = run_notebook("01_data_overview.ipynb", province=province)
    for stem in ("overview_online_rate_timeline", "overview_coverage"):
        for ext in ("png", "svg", "csv", "txt"):
            assert (out / f"{stem}__lang-en__province-{slug}.{ext}").stat().st_size > 0
    # papermill recorded the parameters in the executed copy
    assert nb.metadata["papermill"]["parameters"]["province"] == province
    text = (out / f"overview_online_rate_timeline__lang-en__province-{slug}.txt").read_text()
    assert "Sources:" in text


def test_overview_notebook_refuses_a_bad_parameter(run_notebook):
    with pytest.raises(pm.PapermillExecutionError, match="unknown province 'Atlantis'"):
        run_notebook("01_data_overview.ipynb", province="Atlantis")
