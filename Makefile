# The two commands of the README are `make book` and `make test`; everything else is a helper.
# The virtual environment is (re)installed only when requirements.lock or pyproject.toml is newer
# than the stamp file, so once installed both commands work with the network cut.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Quiet, CPU-only TensorFlow for every process started from here (see companion/tf.py).
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg

.PHONY: help venv book test lint doctest unit notebooks build-check site-check pdf execute serve lab lock chromium clean

help:
	@echo "make book   - create the environment if needed, execute every notebook, write _build/html and its PDF"
	@echo "make test   - create the environment if needed, lint and types, unit tests, doctests, -W book build, strict nbval (two BLAS kernels), browser check"
	@echo "make serve  - serve _build/html on http://127.0.0.1:8000"
	@echo "make lab    - open the notebooks in JupyterLab from the book's environment"
	@echo "make pdf    - the whole book as one PDF, _build/pdf/book.pdf (offline, printed by chromium)"
	@echo "make execute - re-execute every notebook in place (refresh committed outputs)"
	@echo "make lock   - re-resolve requirements.lock from pyproject.toml (needs the network)"

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Notebooks are executed through Jupyter Book's cache (_build/.jupyter_cache): the first build executes
# every one, a repeated build re-executes only those whose code changed.
book: $(STAMP)
	$(BIN)/jupyter-book build . --path-output . --all
	@# the PDF behind the download menu's link, where chromium exists (make chromium installs it on Debian)
	@if command -v chromium >/dev/null 2>&1; then $(MAKE) --no-print-directory pdf; \
	else echo "make book: no chromium, so no PDF (the download menu's PDF link needs make chromium pdf)"; fi

# Every test the project has, in the order a failure is cheapest to see.
test: lint unit doctest build-check notebooks site-check

# Seconds, not minutes: style, imports, pyupgrade and bugbear (ruff), then the package's types (mypy).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Every `>>>` example in the package's docstrings is run and must print what it shows.
doctest: $(STAMP)
	$(BIN)/python -m pytest companion --doctest-modules -q

unit: $(STAMP)
	$(BIN)/python -m pytest tests -q --ignore=tests/site -n 2

# Strict nbval: every output of every notebook in the table of contents must reproduce, once under
# this machine's own BLAS kernel and once under a forced other one with NumPy's SIMD dispatch off
# (on x86-64 Linux), so an output that depends on the CPU fails here, not on a reader's machine.
notebooks: $(STAMP)
	$(BIN)/python tools/nbval_passes.py

# Warnings are errors; -n reports every broken reference. The site is built from the committed
# outputs (execution off): strict nbval is what proves they reproduce.
build-check: $(STAMP)
	$(BIN)/python tools/book_config.py off _build/config-committed-outputs.yml
	$(BIN)/jupyter-book build . --path-output . --config _build/config-committed-outputs.yml \
		--all -W -n --keep-going

site-check: $(STAMP) chromium
	BOOK_SITE_TESTS=1 $(BIN)/python -m pytest tests/site -q

# The whole book as one PDF: the single-page HTML build of the committed outputs, printed offline by
# Debian's chromium (tools/make_pdf.py). Copied into the site as book.pdf, which its download menu links.
pdf: $(STAMP) chromium
	$(BIN)/python tools/make_pdf.py --out _build/pdf/book.pdf $(if $(wildcard _build/html),--site _build/html)

# Debian's chromium for the browser check, with a CJK font so the article's Chinese comments render.
chromium:
	@dpkg -s chromium fonts-wqy-microhei >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium and a CJK font for the browser check"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium fonts-wqy-microhei >/dev/null; }

execute: $(STAMP)
	for nb in $$($(BIN)/python tools/toc_notebooks.py); do \
		$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.record_timing=False $$nb || exit 1; \
	done

serve:
	$(BIN)/python -m http.server --directory _build/html --bind 127.0.0.1 8000

lab: $(STAMP)
	$(BIN)/jupyter lab chapters

lock:
	uv pip compile pyproject.toml requirements-build.in --extra test --universal --python-version 3.10 \
		--no-header --annotation-style line -o requirements.lock

clean:
	rm -rf _build
