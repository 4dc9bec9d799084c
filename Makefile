# Everything a fresh machine with Python 3.11 needs, installed from this
# project's own files. `make run` and `make test` each do their own set-up.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= build

.PHONY: setup chromium graphviz virtuoso run test lint validate build load bench pagecost clean vendor-yasqe vendor-axe

$(BIN)/cscip-kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/cscip-kg graphviz

# The browser tests drive Debian's chromium through Playwright; Playwright's own
# browser download is never used. sudo only when not already root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium)

# Lineage diagrams are laid out by Graphviz's `dot` (Debian package graphviz), run by the server as a subprocess.
graphviz:
	@command -v dot >/dev/null || ($(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq graphviz)

# The second store the parity tests run on (tests/store/virtuoso.py starts it in a temporary folder).
virtuoso:
	@command -v virtuoso-t >/dev/null || ($(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq virtuoso-opensource)

# Refresh the vendored YASQE under src/cscip_kg/server/static/vendor/yasqe/ from npm (needs node and npm).
vendor-yasqe:
	scripts/vendor-yasqe.sh

# Refresh the axe-core copy the accessibility tests inject (tests/browser/vendor/axe-core/) from npm.
vendor-axe:
	scripts/vendor-axe.sh

# Validate the graph into $(OUT)/, answer the headline question, then serve it on
# http://127.0.0.1:8000/ (SPARQL endpoint, linked data, downloads) until Ctrl-C.
run: setup
	$(BIN)/cscip-kg build --out $(OUT)
	$(BIN)/cscip-kg query round1-models-fed-sfpc
	$(BIN)/cscip-kg serve --build $(OUT)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# Two processes, a test file to each at a time (a file's fixtures, e.g. its stores, stay in one process).
TEST_PROCESSES ?= 2
test: setup chromium virtuoso lint
	$(BIN)/pytest -n $(TEST_PROCESSES) --dist loadfile

validate: setup
	$(BIN)/cscip-kg validate

build: setup
	$(BIN)/cscip-kg build --out $(OUT)

# The bounded load test of BENCHMARKS.md (16 clients, 60 s) against a fresh build.
load: build
	$(BIN)/python bench/load.py --build $(OUT)

# The peer benchmark of BENCHMARKS.md: cscip-kg, the Oxigraph server and rdflib-endpoint on synthetic data
# at ×1 and ×100 (bench/run.py --help for scales and durations); raw figures in bench/results/bench.json.
# Then the browser load of each page type at ×1 (Debian chromium, issue 16): bench/results/browser-x1.json.
bench: setup chromium
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/run.py --scales 1 100 --rdflib-max 1
	$(BIN)/python bench/browser.py bench/data/x1

# Page cost follows the entity (issue 18): every page type's queries at ×100 within 2× their ×1 CPU time, in process.
# Generates the synthetic data under $(BENCH_DATA) when it is missing (×100: about 30 minutes; delete it to regenerate
# after data/ changes); the named queries are always this checkout's.
BENCH_DATA ?= bench/data
pagecost: setup
	test -f $(BENCH_DATA)/x1/build/manifest.json || $(BIN)/python bench/generate.py --scale 1 --out $(BENCH_DATA)/x1
	test -f $(BENCH_DATA)/x100/build/manifest.json || $(BIN)/python bench/generate.py --scale 100 --out $(BENCH_DATA)/x100
	$(BIN)/python bench/pagecost.py $(BENCH_DATA)/x1/build $(BENCH_DATA)/x100/build

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
