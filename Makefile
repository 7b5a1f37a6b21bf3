# Two commands do everything on a fresh machine:
#   make demo   set up, then crawl the offline twin into output/cancernetwork/
#   make test   set up, then run the whole test suite
# Both create the virtual environment (.venv) when it is missing.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARTICLES ?= 2000

.PHONY: venv demo test bench clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

venv: $(BIN)/.installed

demo: venv
	$(BIN)/newscrawl crawl cancernetwork -a replica=$(ARTICLES)

test: venv
	$(BIN)/ruff check newscrawl tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

bench: venv
	$(BIN)/python benchmarks/crawl_bench.py
	$(BIN)/python benchmarks/aeb_bench.py
	$(BIN)/python benchmarks/replica_bench.py
	$(BIN)/python benchmarks/dedup_threshold.py
	$(BIN)/python benchmarks/incremental_bench.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
