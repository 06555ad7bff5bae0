# Arkhiv: `make demo` runs the pipeline on scans/, `make test` runs the test suite.
# Both install what is missing first (Debian packages, then the project into .venv);
# a second run finds everything in place and goes straight to work.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := tesseract-ocr tesseract-ocr-rus tesseract-ocr-osd fonts-freefont-ttf chromium chromium-driver gcc python3-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: demo test lint deps system-deps native scans benchmarks clean

demo: deps
	$(BIN)/arkhiv run scans --out output

test: deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: deps
	$(BIN)/ruff check pipeline tests benchmarks models
	$(BIN)/ruff format --check pipeline tests benchmarks models

deps: system-deps $(STAMP) native

# The correction engine compiled with mypyc (pipeline/native.py): built once per version of
# its sources, about a minute; an unchanged source tree finds it in place.
native: system-deps $(STAMP)
	@$(BIN)/python -c 'import sys, pipeline.native as n; sys.exit(n.main())'

# Installs only the Debian packages that are missing (apt-get update once, then install).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# Rebuild the bundled sample scans with the project's own generator.
scans: deps
	$(BIN)/python -m benchmarks.make_scans --out scans

benchmarks: deps
	$(BIN)/python -m benchmarks.accuracy
	$(BIN)/python -m benchmarks.preprocess
	$(BIN)/python -m benchmarks.correction

clean:
	rm -rf output/* $(VENV) models/cache pipeline/_native
