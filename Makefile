# SPP 2298 site. `make run` and `make test` are the two commands a newcomer needs; `make help` lists all.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "} {printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required (found %s); set PYTHON=..." % sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV): install python3-venv (Debian/Ubuntu: apt-get install python3-venv)"; exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

.PHONY: venv
venv: $(STAMP) ## Create .venv and install the project with its dev tools

.PHONY: migrate
migrate: venv ## Apply database migrations
	$(PY) manage.py migrate --noinput

.PHONY: seed
seed: migrate ## Load the demo content (idempotent) and ensure a local admin account
	$(PY) manage.py seed_demo
	$(PY) manage.py ensure_admin --url http://$(HOST):$(PORT)/admin/ $(if $(filter run,$(MAKECMDGOALS)),>/dev/null)

.PHONY: admin-password
admin-password: venv ## Set a new password for the local admin account (manage.py changepassword admin)
	$(PY) manage.py changepassword admin
	@rm -f var/local-admin-password.txt

.PHONY: messages
messages: venv ## Compile the translations (locale/*/LC_MESSAGES/django.po → .mo; msgfmt, else polib)
	$(PY) manage.py compile_translations

# Every directory and file that is not the site's own source, for makemessages.
MESSAGES_IGNORE := -i .venv -i .tools -i var -i tests -i bench -i node_modules -i static -i test-artifacts

.PHONY: messages-extract
messages-extract: venv ## Update locale/de/LC_MESSAGES/django.po with the strings marked in the code and templates
	$(PY) manage.py makemessages -l de --add-location file --no-obsolete $(MESSAGES_IGNORE)

.PHONY: run
run: seed messages ## Set up and serve on http://127.0.0.1:8000 (PORT=8080, HOST=0.0.0.0 choose the address)
	@# The admin account and password last, right above "Serving on", where they are not missed.
	@$(PY) manage.py ensure_admin --url http://$(HOST):$(PORT)/admin/
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

.PHONY: serve
serve: venv messages ## Serve the site as in production (DEBUG off, gunicorn, WhiteNoise) on http://127.0.0.1:8000
	HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

.PHONY: bench
bench: venv messages ## Load-test make serve on its own larger data set (var/bench/), cached and not; ~10 min
	$(PY) -m bench.run

.PHONY: lint
lint: venv ## Ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: fmt
fmt: venv ## Format and auto-fix with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

.PHONY: check
check: venv ## Django system checks and the missing-migrations check
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

.PHONY: backup
backup: venv ## Write the database and every uploaded file into one archive in var/backups/ (with SHA-256 sums)
	$(PY) manage.py backup

.PHONY: restore
restore: venv ## Restore FILE=var/backups/spp-….tar into an empty database and storage (FORCE=1 replaces them)
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/spp-YYYYmmdd-HHMMSS.tar [FORCE=1]"; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(if $(filter 1,$(FORCE)),--force)

TOOLS := .tools
VNU   := $(TOOLS)/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: tools
tools: ## Install the Nu HTML checker (vnu.jar) from npm for the HTML tests (skipped without npm)
	@if [ -f $(VNU) ]; then :; \
	elif command -v npm >/dev/null; then \
	  npm install --prefix $(TOOLS) --no-audit --no-fund --ignore-scripts --loglevel=error vnu-jar@26.9.27; \
	else echo "npm not found: the Nu HTML checker tests will be skipped (install Node.js and npm to run them)"; fi

.PHONY: test
test: lint check tools messages ## Lint, checks and the whole test suite (browser and HTML-validity tests included)
	$(VENV)/bin/pytest

.PHONY: audit
audit: seed messages ## Lighthouse scores for the home and an event page (mobile and desktop)
	scripts/audit.sh

.PHONY: audit-security
audit-security: seed messages ## MDN HTTP Observatory and wapiti against `make serve` on loopback (TLS, self-signed)
	scripts/audit-security.sh

.PHONY: audit-deps
audit-deps: venv ## pip-audit: known vulnerabilities in the installed dependencies (needs the advisory service)
	scripts/audit-deps.sh

.PHONY: clean
clean: ## Remove the virtualenv and local data (SQLite database, uploaded media)
	rm -rf $(VENV) var .pytest_cache $(TOOLS) test-artifacts
