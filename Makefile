# clicktrail: the one entry point. `make serve` and `make test` work on a fresh machine.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ASSETS := clicktrail/web/assets

.PHONY: serve test lint format bench install clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

# The console's styles and scripts (Pico CSS, Chart.js) come from npm with the committed
# lockfile (ADR 0085); npm ci runs again whenever the lockfile is newer than node_modules.
$(ASSETS)/node_modules/.package-lock.json: $(ASSETS)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(ASSETS) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.package-lock.json; \
	else echo "npm not found: the console will be served without its styles and charts"; fi

install: $(STAMP) $(ASSETS)/node_modules/.package-lock.json

serve: install
	@mkdir -p var
	$(BIN)/clicktrail serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy clicktrail tests bench
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/pytest -n 2

bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk (Debian package) for the load benchmarks"; \
		apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) var .mypy_cache .pytest_cache .ruff_cache $(ASSETS)/node_modules test-artifacts
