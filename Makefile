# The two commands a newcomer needs: `make demo` and `make test`.
# Both create .venv (with the project and its dev extras) when it is missing or stale.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "recallbot needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# What recallbot understood from a few phrases a safety manager might type (read in Chicago time).
DEMO_PHRASES := \
	"truck 42 yesterday 3pm 2 min front only" \
	"trailer 88 last friday 6:10 pm 2 min rear" \
	"unit 77 2h ago inside" \
	"pull 1207 yesterday 3:00-3:02pm everything except driver" \
	"Harsh braking - Vehicle 42 - yesterday 03:01 PM CST" \
	"truck 42 yesterday 3pm 10 min" \
	"truck 42 tomorrow 9am"

demo: $(STAMP)
	@printf '%s\n' $(DEMO_PHRASES) | $(BIN)/recallbot parse --jsonl --explain --tz America/Chicago

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict bot handlers

unit: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/parse.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
