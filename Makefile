# The two commands a newcomer needs: `make demo` and `make test`.
# Both create .venv (with the project and its dev extras) when it is missing or stale.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench chaos clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "recallbot needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,video]'
	touch $(STAMP)

# The whole product on loopback: Motive sandbox, Slack emulator, `recallbot run --http`, a /recall
# typed in Slack and answered in its thread (sandbox time runs 120x: Motive's 12 minutes take 6 s).
demo: $(STAMP)
	$(BIN)/recallbot demo

# ruff and mypy run beside the suite (they need a core for seconds; the suite mostly waits).
test: $(STAMP)
	$(MAKE) --no-print-directory -j3 --output-sync=line lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict bot handlers

# Four workers on two cores: most tests wait on loopback servers and real processes, not on
# the CPU (measured: docs/benchmarks.md). `pytest -p no:xdist` or `-n 0` runs them in one process.
unit: $(STAMP)
	$(BIN)/pytest -n 4 --dist worksteal

bench: $(STAMP)
	$(BIN)/python bench/parse.py
	$(BIN)/python bench/motive.py
	$(BIN)/python bench/tracker.py
	$(BIN)/python bench/ack.py
	$(BIN)/python bench/ack.py --media 6
	$(BIN)/python bench/media.py
	$(BIN)/python bench/alerts.py
	$(BIN)/python bench/front.py

# Issue 9's promises at size: SIGKILLs and faults, then a 2,000-recall soak (minutes each).
chaos: $(STAMP)
	$(BIN)/python bench/chaos.py
	$(BIN)/python bench/chaos.py --soak

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
