# isacc: `make run` to try it, `make test` for everything CI runs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The Bahasa Indonesia catalogue, compiled from its .po (the .mo is not kept in git).
PO     := isacc/translations/id/LC_MESSAGES/messages.po
MO     := $(PO:.po=.mo)

.PHONY: run test test-sqlite test-postgresql lint browser install clean translations translations-extract \
        mutation

install: $(STAMP) $(MO)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

$(MO): $(PO) $(STAMP)
	$(BIN)/pybabel -q compile -d isacc/translations

translations: $(MO)

# After marking new strings: refresh the template and the catalogue, then translate the new
# entries in $(PO) (tests/test_i18n.py fails while one is missing).
translations-extract: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k say -o isacc/translations/messages.pot \
	  --no-location --project isacc --copyright-holder isacc .
	$(BIN)/pybabel -q update -i isacc/translations/messages.pot -d isacc/translations \
	  --no-fuzzy-matching --ignore-obsolete

run: install
	$(BIN)/python -m isacc.devserver

# Playwright cannot download its own browser here: use Debian's Chromium.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: install browser lint test-sqlite test-postgresql

test-sqlite: install
	ISACC_TEST_DB=sqlite $(BIN)/python -m pytest

test-postgresql: install
	ISACC_TEST_DB=postgresql $(BIN)/python -m pytest

# Mutation testing of the guarded modules (.ci/mutation/*.toml), each against its own tests:
# prints each module's score and its surviving mutants. Slow (tens of minutes), so it is not
# part of `make test`; the README's Reliability section records its scores.
mutation: install
	nice -n 10 $(BIN)/python .ci/mutation/run.py -j 2

lint: install
	$(BIN)/ruff check isacc jobs tests bench app.py

clean:
	rm -rf $(VENV) instance/*.sqlite3 .pytest_cache
