# Symptom Explorer: `make run` to try it, `make test` to check it. Both work on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help venv install browser-deps db run import-hpo backup restore test test-fast test-postgres lint mutation bench bench-explore bench-load bench-memory serve clean

help:
	@echo "make run          set up, load the curated content and the HPO, serve on http://$(HOST):$(PORT)"
	@echo "                  (CURATED_ONLY=1 make run: the small curated demo only)"
	@echo "make import-hpo   add the full Human Phenotype Ontology data (ORPHA + DECIPHER)"
	@echo "make backup       write all content and the HPO release in use to backups/ (see README)"
	@echo "make restore FILE=backups/….jsonl.gz   load a backup on an empty, migrated database"
	@echo "make test         set up and run every test (browser tests included)"
	@echo "make mutation     mutation testing of the core modules: which lines no test guards"
	@echo "make bench        run the speed and memory benchmarks (prints figures): bench-explore, bench-load, bench-memory"
	@echo "make bench-explore  import, matching, page and autocomplete timings beside hpo3 (SQLite, PostgreSQL)"
	@echo "make bench-load   gunicorn under wrk load (needs wrk; imports the HPO into db.sqlite3 first)"
	@echo "make bench-memory  memory per worker over a bare Django worker (RSS, PSS, USS; on a copy of db.sqlite3)"
	@echo "make serve        run gunicorn with production settings (see README)"

# Django 6.1 needs Python 3.12 or newer: $(PYTHON) if given, else python3.13/3.12/python3 on PATH,
# else one installed under pyenv. Stops with a clear message if there is none.
define FIND_PYTHON
for c in python3.13 python3.12 python3 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python; do \
  p=$$(command -v $$c 2>/dev/null) || continue; \
  $$p -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
done
endef

$(VENV)/.created:
	@set -e; py="$${PYTHON:-$$($(FIND_PYTHON))}"; \
	if [ -z "$$py" ]; then \
	  echo "No Python 3.12 or newer found (Django 6.1 needs it). Install one (e.g. 'pyenv install 3.12')" >&2; \
	  echo "or name it: make run PYTHON=/path/to/python3.12" >&2; exit 1; fi; \
	echo "Using $$py ($$($$py --version))"; \
	"$$py" -m venv $(VENV); \
	$(PY) -m pip install --quiet --upgrade pip; \
	touch $@

venv: $(VENV)/.created

$(VENV)/.installed: pyproject.toml $(VENV)/.created
	$(PIP) install --quiet -e ".[hpo,server]" --group test
	@touch $@

install: $(VENV)/.installed

db: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_content curated
	$(PY) manage.py ensure_local_admin --address http://$(HOST):$(PORT)

# `make run` shows the field: the HPO is imported unless that release already is (a second run
# starts in seconds). CURATED_ONLY=1 keeps the small curated demo.
CURATED_ONLY ?=
run: db
	@if [ -z "$(CURATED_ONLY)" ]; then $(PY) manage.py import_hpo --unless-imported; fi
	@echo "Open http://$(HOST):$(PORT)/  (admin at http://$(HOST):$(PORT)/admin/, login above)"
	$(PY) manage.py runserver $(HOST):$(PORT)

import-hpo: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py import_hpo

# Backups: all content, curated and imported, with the HPO release in use (README "Backups").
backup: install
	$(PY) manage.py backup $(if $(FILE),--output $(FILE))

restore: install
	@test -n "$(FILE)" || { echo "make restore FILE=path/to/backup.jsonl.gz" >&2; exit 1; }
	$(PY) manage.py migrate --no-input
	$(PY) manage.py restore $(FILE)

# Browser tests drive Debian's Chromium (never a downloaded browser build).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; fi

test: install browser-deps
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

test-fast: install
	$(VENV)/bin/pytest -m "not browser"

# Mutation testing (README "Tests"): mutmut changes the core modules (pyproject's tool.mutmut)
# one small edit at a time and runs the fast tests covering each edit, on SQLite, niced (the
# machine may be shared); bench/mutation.py runs it and prints the one-line score. Survivors are
# listed in mutants/survivors.txt (`$(VENV)/bin/mutmut show NAME`), the run's output is in
# mutants/run.log. It runs and counts 300 of the ~4,600 mutants drawn at random (seeded), about
# 15 minutes on two idle cores; MUTATION_SAMPLE= (empty) runs them all (about 4 CPU hours).
MUTATION_JOBS ?= 2
MUTATION_TEST_SECONDS ?= 20
MUTATION_SAMPLE ?= 300
mutation: install
	rm -rf mutants && mkdir mutants
	@echo "mutmut: $(MUTATION_JOBS) workers, output in mutants/run.log"
	@env -u DATABASE_URL PYTHONHASHSEED=0 nice -n 10 $(PY) bench/mutation.py run \
	    --jobs $(MUTATION_JOBS) --test-seconds $(MUTATION_TEST_SECONDS) \
	    $(if $(MUTATION_SAMPLE),--sample $(MUTATION_SAMPLE)) > mutants/run.log 2>&1 \
	  || { tail -c 3000 mutants/run.log; echo "mutmut failed (above)" >&2; exit 1; }
	@$(PY) bench/mutation.py report

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Benchmarks (see README "Speed"). bench-explore builds its own throwaway databases and installs
# hpo3, its peer, into bench/.hpo3 (never into the venv: hpo3's module is also called pyhpo).
# The PostgreSQL run happens when a server answers on BENCH_PG_URL.
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432
BENCH_ARGS ?=
bench-explore: install
	$(PY) bench/explore.py --database sqlite $(BENCH_ARGS)
	@if $(PY) -c 'import sys, psycopg; psycopg.connect(sys.argv[1] + "/postgres", connect_timeout=3).close()' \
	    $(BENCH_PG_URL) 2>/dev/null; then \
	  $(PY) bench/explore.py --database postgres --pg-url $(BENCH_PG_URL) $(BENCH_ARGS); \
	else echo "== PostgreSQL explore run skipped: nothing answered on $(BENCH_PG_URL)"; fi

# bench-load runs on SQLite (db.sqlite3), then on PostgreSQL (database BENCH_LOAD_PG_DB, made and
# loaded here if missing) when a server answers on BENCH_PG_URL; about six minutes each.
# BENCH_LOAD_ARGS e.g. "--seconds 30 --editor-seconds 120" (see bench/load.py).
BENCH_LOAD_PG_DB ?= symptom_explorer_load
BENCH_LOAD_ARGS ?=
bench-load: install
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py import_hpo --unless-imported
	$(PY) bench/load.py $(BENCH_LOAD_ARGS)
	@if $(PY) -c 'import sys, psycopg; psycopg.connect(sys.argv[1] + "/postgres", connect_timeout=3).close()' \
	    $(BENCH_PG_URL) 2>/dev/null; then \
	  psql $(BENCH_PG_URL)/postgres -qc 'create database $(BENCH_LOAD_PG_DB)' 2>/dev/null || true; \
	  export DATABASE_URL=$(BENCH_PG_URL)/$(BENCH_LOAD_PG_DB); \
	  $(PY) manage.py migrate --no-input -v0 && $(PY) manage.py load_content curated -v0 && \
	  $(PY) manage.py import_hpo --unless-imported && $(PY) bench/load.py $(BENCH_LOAD_ARGS); \
	else echo "== PostgreSQL load run skipped: nothing answered on $(BENCH_PG_URL)"; fi

# bench-memory forks workers from a master as gunicorn --preload does and measures each one
# (DATABASE_URL=postgres://… to run it on PostgreSQL).
bench-memory: import-hpo
	$(PY) bench/memory.py

bench: bench-explore bench-load bench-memory

# Production-style serving: gunicorn, DEBUG off, static files compressed and fingerprinted by
# WhiteNoise. Needs SECRET_KEY and ALLOWED_HOSTS (and usually DATABASE_URL, REDIS_URL) set.
WORKERS ?= $(shell echo $$(( $$(nproc) * 2 + 1 )))
serve: install
	@test -n "$$SECRET_KEY" || { echo "make serve needs SECRET_KEY (and ALLOWED_HOSTS) in the environment" >&2; exit 1; }
	DJANGO_DEBUG=false $(PY) manage.py collectstatic --no-input -v0
	DJANGO_DEBUG=false $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=false $(PY) manage.py build_indexes
	DJANGO_DEBUG=false $(VENV)/bin/gunicorn explorer.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
	  --preload --access-logfile - --max-requests 20000 --max-requests-jitter 10000

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
