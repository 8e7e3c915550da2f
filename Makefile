# The two commands: `make run` serves the forum, `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Read when a recipe runs, after instance/secret_key has been made.
SECRET  = $${FORUM_SECRET_KEY:-$$(cat instance/secret_key)}

.PHONY: run test install lint typecheck db-upgrade bench bench-markdown clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres,server]'
	touch $@

install: $(BIN)/.installed

instance/secret_key: | $(BIN)/.installed
	mkdir -p instance
	umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_hex(32))' > $@

db-upgrade: install instance/secret_key
	FORUM_SECRET_KEY=$(SECRET) $(FLASK) db upgrade
	FORUM_SECRET_KEY=$(SECRET) $(FLASK) forum load-km4b --if-empty

run: db-upgrade
	@echo "KM4B Forum on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@echo "First administrator: FORUM_SECRET_KEY=\$$(cat instance/secret_key) $(FLASK) forum create-admin NAME --email ADDRESS"
	FORUM_SECRET_KEY=$(SECRET) $(FLASK) run --host $(HOST) --port $(PORT)

# The suite on SQLite; then again on PostgreSQL when FORUM_TEST_DATABASE_URL is set
# (.ci/run sets it). The browser tests need Chromium, installed here: if that fails, so does
# the run. Where Chromium cannot be installed, FORUM_SKIP_BROWSER=1 make test skips them
# (with a message; refused under CI=true).
test: install
	@if [ "$${FORUM_SKIP_BROWSER:-}" = 1 ]; then \
		echo "== browser tests skipped on request (FORUM_SKIP_BROWSER=1)"; \
	else \
		bash scripts/install-browser.sh; \
	fi
	FORUM_TEST_DATABASE_URL= $(BIN)/pytest
	@if [ -n "$$FORUM_TEST_DATABASE_URL" ]; then \
		echo "== the suite again, on $$FORUM_TEST_DATABASE_URL"; \
		$(BIN)/pytest -m "not browser"; \
	fi

# The load benchmark of bench/README.md: 100,000 posts, gunicorn, wrk (installed if missing).
bench: install
	@command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk)
	mkdir -p bench/results
	$(BIN)/python -m bench.run --json bench/results/latest.json

# Rendering time of pathological Markdown at the post size limit, against 0.5 s a post.
bench-markdown: install
	$(BIN)/python -m bench.markdown

lint: install
	$(BIN)/ruff check forum tests bench
	$(BIN)/ruff format --check forum tests bench

typecheck: install
	$(BIN)/mypy

clean:
	rm -rf $(VENV) dist build .pytest_cache .ruff_cache .mypy_cache
