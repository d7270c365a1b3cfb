# Two commands set everything up on a fresh machine: `make run` and `make test`.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
REPS    ?= 200
WORKERS ?= 2

.PHONY: run test lint format dashboard bench clean venv solara-assets notebooks

venv: $(STAMP)

$(PY):
	@PYBIN=$$(sh tools/find-python.sh) || exit 1; \
	echo "creating $(VENV) with $$PYBIN"; \
	"$$PYBIN" -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,dask,dashboard,ema]'
	@# an editable install compiles nothing: without this, a Python told not to write
	@# bytecode (PYTHONDONTWRITEBYTECODE, a read-only checkout) compiles sim/ at every
	@# start, about 0.2 s of a 10-run sweep (benchmarks/bench_sweep.py)
	$(PY) -m compileall -q sim
	@touch $(STAMP)

# the dashboard's browser files, from the npm registry into Solara's CDN cache
# (Solara would fetch them from a CDN that offline machines and CI cannot reach)
solara-assets: $(STAMP)
	@sh tools/solara-assets.sh $(VENV)

# the sweep carries parameter uncertainty: replicate i runs set i mod M of the
# calibrated Libya ensemble (docs/calibration.md); results/point_estimate/ has
# the scenario files' own values, and results/report.md shows both
ENSEMBLE ?= scenarios/ensembles/libya_2019.csv

run: $(STAMP)
	@echo "make run: using the calibrated Libya ensemble $(ENSEMBLE) (probabilities include parameter uncertainty); results/ is replaced"
	$(PY) run.py sweep scenarios/libya_2019.toml scenarios/libya_wagner_sanctions.toml \
		scenarios/libya_wagner_withdrawal.toml scenarios/libya_uae_drones_halt.toml \
		--reps $(REPS) --seed 2019 --workers $(WORKERS) --out results --ensemble $(ENSEMBLE) --force

test: $(STAMP) solara-assets
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

dashboard: $(STAMP) solara-assets
	$(VENV)/bin/solara run sim/viz/dashboard.py --host 127.0.0.1 --port 8765

# the notebooks' sources are notebooks/*.py (jupytext percent format), paired with the
# .ipynb that Jupyter opens (notebooks/jupytext.toml): bring each pair in step with
# whichever side was edited last, formatted, and kept without outputs
notebooks: $(STAMP)
	$(VENV)/bin/jupytext --sync notebooks/0*.py
	$(PY) -m ruff format notebooks/
	$(VENV)/bin/jupytext --sync notebooks/0*.py

# sweep benchmark sizes (20,000 runs take several minutes on 2 cores)
BENCH_SWEEP ?= --runs 400 --speedup-runs 1000 --memory-runs 1000 20000

bench: $(STAMP)
	$(PY) benchmarks/bench_model.py
	$(PY) benchmarks/bench_sweep.py $(BENCH_SWEEP)
	$(PY) benchmarks/bench_paired.py

clean:
	rm -rf results .pytest_cache
