# The two commands a newcomer needs: `make run` and `make test` (see README.md).
# Everything installs into .venv from uv.lock, so every machine gets the same versions.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed-$(shell cat uv.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install chromium redis gettext run test lint format bench lock demo messages clean

install: $(STAMP)

$(STAMP): pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv sync --frozen --python $(BIN)/python
	@rm -f $(VENV)/.installed-*
	@touch $@

# The browser tests drive Debian's Chromium; Playwright never downloads a browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else echo "Browser tests need Chromium: sudo apt-get install chromium"; exit 1; fi; }

# The translation tests compile the catalogues with GNU gettext's msgfmt (as makemessages needs).
gettext:
	@command -v msgfmt >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; \
		else echo "The translation tests need GNU gettext: sudo apt-get install gettext"; exit 1; fi; }

# The worker tests start Redis servers of their own (and stop them, to test an outage).
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; \
		else echo "The worker tests need Redis: sudo apt-get install redis-server"; exit 1; fi; }

run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py demo_data
	$(BIN)/honcho --procfile Procfile.dev start

demo: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py demo_data

test: install chromium redis gettext
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python manage.py bench $(BENCH)

# Translations: collect the marked strings into locale/*/django.po (translate the new and fuzzy
# entries there), then compile the .mo files, which are committed with them.
messages: install
	$(BIN)/python manage.py makemessages -l ms -l zh_Hans --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests --ignore=static
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

lock:
	$(BIN)/uv lock

clean:
	rm -rf $(VENV) var
