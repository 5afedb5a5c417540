# `make run` starts the demo server; `make test` runs every test. Both install what they need.
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install run test browser translations bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Links (customer pages, alerts) point where this server listens, unless set explicitly.
PUBLIC_URL = $${FIELDSYNC_PUBLIC_URL:-http://$(HOST):$(PORT)}

run: install
	$(FLASK) init-db
	$(FLASK) demo --url "$(PUBLIC_URL)"
	FIELDSYNC_PUBLIC_URL="$(PUBLIC_URL)" $(FLASK) run --host $(HOST) --port $(PORT)

test: install browser
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -W error -n auto -p no:cacheprovider tests

# The browser tests drive Debian's Chromium; install it when we may (root with apt).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && (apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null); } \
	  || echo "chromium not installed: the browser tests will skip (fail under CI)"

translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o server/translations/messages.pot .
	$(VENV)/bin/pybabel update --no-fuzzy-matching -i server/translations/messages.pot -d server/translations
	$(VENV)/bin/pybabel compile -d server/translations

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
