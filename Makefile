# Rongjia: `make run` (install, migrate, demo, serve) and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
DEMO_COUNTY ?= 320115
VENDOR := src/rongjia/static/vendor
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run install python-deps npm-deps assets translations migrate demo serve test test-browser lint check clean

run: install migrate demo serve

install: python-deps npm-deps assets translations

# The stamp files make a second `make run` reuse what exists.
python-deps: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11（$(PYTHON)）"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

npm-deps: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

assets: npm-deps
	mkdir -p $(VENDOR)/tabler $(VENDOR)/htmx $(VENDOR)/echarts $(VENDOR)/axe $(VENDOR)/swagger-ui
	cp node_modules/@tabler/core/dist/css/tabler.min.css $(VENDOR)/tabler/
	cp node_modules/@tabler/core/dist/js/tabler.min.js $(VENDOR)/tabler/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/axe-core/axe.min.js $(VENDOR)/axe/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/swagger-ui/

translations: python-deps
	$(MANAGE) compile_translations

migrate: python-deps
	mkdir -p var
	$(MANAGE) migrate --noinput

demo: migrate npm-deps
	$(MANAGE) import_regions --prefix $(DEMO_COUNTY)
	$(MANAGE) seed_demo --region $(DEMO_COUNTY)

# The background worker (imports and other jobs) runs beside the web server and stops with it.
serve:
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) recover_jobs
	@echo "戎家已启动：http://127.0.0.1:8000/"
	$(MANAGE) db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

test-browser: install
	RONGJIA_REQUIRE_BROWSER=1 $(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: python-deps
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/lint-imports
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/bandit -q -r src -x src/rongjia/static --severity-level high

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
