# Every target sets up .venv/ on first use, so a fresh machine needs only python3.
# `make help` lists the targets (each documented by its `##` comment).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KERNEL := p06-analysis
PARAMS ?= packs/default.yaml
JOBS ?=

.DEFAULT_GOAL := help
.PHONY: help setup lock test test-fast pack lab validate benchmark strip messages clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

LOCK := requirements.lock

# Exact versions from the lock file first (so next year's pack draws with this year's
# matplotlib and pandas), then the package itself without letting pip pick new versions.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/python -m pip install --quiet -r $(LOCK) 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/python -m pip install --quiet --no-deps -e . 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/python -c "import analysis, pandas, statsmodels, papermill, pandera"
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (p06-analysis)"
	touch $(STAMP)

setup: $(STAMP) ## Create .venv/ and install the package, its tools and the Jupyter kernel

lock: $(STAMP) ## Regenerate requirements.lock (exact versions) from pyproject.toml and its dev extra
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file $(LOCK) pyproject.toml

test: $(STAMP) ## Run the whole test suite (data, units, statistics by simulation, notebooks)
	$(BIN)/python -m pytest -n 2 -q

test-fast: $(STAMP) ## Run the tests without the slow simulation and notebook ones
	$(BIN)/python -m pytest -q -m "not slow"

validate: $(STAMP) ## Check the shipped data/ (exit 2 with file, row, column and reason on a problem)
	$(BIN)/analysis validate

pack: $(STAMP) ## Build the default figure pack under figures/ from the shipped data
	$(BIN)/analysis pack --params $(PARAMS) $(if $(JOBS),--jobs $(JOBS))

lab: $(STAMP) ## Open JupyterLab on the notebooks
	$(BIN)/jupyter lab --notebook-dir=notebooks

benchmark: $(STAMP) ## Run the benchmarks in benchmarks/ (results printed and written to benchmarks/results/)
	$(BIN)/python benchmarks/run_all.py

strip: $(STAMP) ## Strip outputs from the notebooks before committing
	$(BIN)/nbstripout notebooks/*.ipynb

messages: $(STAMP) ## Extract marked messages into the .pot and merge them into the Vietnamese .po
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output \
		--project vn-online-services-analysis -o src/analysis/locale/analysis.pot .
	$(BIN)/pybabel update -D analysis -i src/analysis/locale/analysis.pot -d src/analysis/locale --no-fuzzy-matching --ignore-obsolete -w 100

clean: ## Remove the environment and generated figure packs
	rm -rf $(VENV) figures/packs figures/latest figures/scratch figures/.building-* figures/.pack.lock
