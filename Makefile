# Two commands do everything on a fresh machine:
#   make demo   set up, then crawl the offline twin into output/cancernetwork/
#   make test   set up, then run the whole test suite
# Both create the virtual environment (.venv) when it is missing.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARTICLES ?= 2000

.PHONY: venv demo test bench clean constraints constraints-upgrade

# Installs the exact versions CI tested (constraints.txt); a package the constraints do not
# name yet (one just added to pyproject.toml) resolves freely until `make constraints`.
$(BIN)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
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
	$(BIN)/python benchmarks/realpages_bench.py
	$(BIN)/python benchmarks/replica_bench.py
	$(BIN)/python benchmarks/dedup_threshold.py
	$(BIN)/python benchmarks/incremental_bench.py

# constraints.txt from a fresh environment: `make constraints` keeps every pinned version and
# adds what pyproject.toml gained; `make constraints-upgrade` re-resolves everything to the
# newest versions the bounds allow (then run the tests and the benchmarks: README "Dependencies").
CONSTRAINTS_VENV := $(shell mktemp -u /tmp/newscrawl-constraints.XXXXXX)

constraints:
	$(MAKE) --no-print-directory _freeze PIN='-c constraints.txt'

constraints-upgrade:
	$(MAKE) --no-print-directory _freeze PIN=

_freeze:
	$(PYTHON) -m venv $(CONSTRAINTS_VENV)
	$(CONSTRAINTS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CONSTRAINTS_VENV)/bin/python -m pip install --quiet $(PIN) -e '.[test]'
	{ echo '# Exact versions CI tested; regenerate with `make constraints` (README "Dependencies").'; \
	  $(CONSTRAINTS_VENV)/bin/python -m pip freeze --exclude-editable; } > constraints.txt.tmp
	mv constraints.txt.tmp constraints.txt
	rm -rf $(CONSTRAINTS_VENV)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
