# Everything a fresh machine with Python 3.11 needs, installed from this
# project's own files. `make run` and `make test` each do their own set-up.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= build

.PHONY: setup run test lint validate build clean

$(BIN)/cscip-kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/cscip-kg

# Validate the graph, write every dump to $(OUT)/, and answer the headline question.
run: setup
	$(BIN)/cscip-kg validate
	$(BIN)/cscip-kg build --out $(OUT)
	$(BIN)/cscip-kg query round1-models-fed-sfpc

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/mypy

test: setup lint
	$(BIN)/pytest

validate: setup
	$(BIN)/cscip-kg validate

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
