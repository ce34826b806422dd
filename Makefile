# Fieldapp: every command the project knows. `make run` and `make test` set everything up.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_HOME ?= demo-home
DEMO_PASS ?= demo-passphrase-2026

.PHONY: run test test-windows lint bench setup debian translations clean demo build

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

debian:
	@./scripts/setup_debian.sh

# axe-core (npm), injected by the dashboard's browser tests into Debian's Chromium.
node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent
	touch $@

setup: debian $(STAMP) node_modules/axe-core/axe.min.js
	@$(BIN)/python -m ui.i18n --build-only >/dev/null

run: setup
	@FIELDAPP_PASSPHRASE=$(DEMO_PASS) $(BIN)/python -m fieldapp.rundemo --home $(DEMO_HOME)

# The frozen app is built and its self-test run first, so the suite's summary is the last line.
test: setup
	$(MAKE) --no-print-directory build
	QT_QPA_PLATFORM=offscreen dist/fieldapp/fieldapp --selftest
	$(MAKE) --no-print-directory test-windows
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider

# The Windows bundle and its installer, built and tested under Wine (docs/windows-build.md);
# downloads, wheels and the Wine prefix are cached in .cache/windows.
test-windows: setup
	$(BIN)/python scripts/windows/winbuild.py

# The frozen desktop app (PyInstaller onedir) in dist/fieldapp/.
build: setup
	$(BIN)/pyinstaller build.spec --noconfirm --log-level WARN

lint: setup
	$(BIN)/ruff check fieldapp ui sync tests bench
	$(BIN)/mypy

bench: build
	$(BIN)/python bench/run.py

translations: setup
	$(BIN)/python -m ui.i18n

clean:
	rm -rf $(VENV) build dist $(DEMO_HOME) bench/work .cache/windows
