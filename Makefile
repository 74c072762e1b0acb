# Two entry points on a fresh machine:
#   make demo   build the sample service and list the three SDK artifacts and the manifest
#               (needs only hatch, in its own small venv: not the test environment)
#   make test   set up everything (venv, Node packages, Go modules, Centrifugo) and run all tests
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
WHEELHOUSE := $(CURDIR)/.wheelhouse
DEMO_VENV := .demo-venv
# The sample service's build environment installs this plugin from the local wheelhouse.
BUILD_ENV := PIP_FIND_LINKS=$(WHEELHOUSE) UV_FIND_LINKS=$(WHEELHOUSE) SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-1700000000}

.PHONY: demo test test-large venv wheelhouse node-tools browser centrifugo redis serve web-screenshot clean bench bench-tools

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[build,test]'
	touch $@

venv: $(VENV)/.installed

$(DEMO_VENV)/.installed:
	@echo "== installing hatch into $(DEMO_VENV) (what building a service needs)"
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --disable-pip-version-check --progress-bar on hatch
	touch $@

# The plugin's own wheel, which the sample's isolated build installs as hatch-centrifugo-sdk[build].
wheelhouse: $(DEMO_VENV)/.installed
	@echo "== building the plugin's wheel into $(WHEELHOUSE)"
	rm -rf $(WHEELHOUSE) && $(DEMO_VENV)/bin/python -m pip wheel --disable-pip-version-check --no-deps --wheel-dir $(WHEELHOUSE) .

node-tools:
	cd tests/js && npm ci --no-audit --no-fund --loglevel=error
	cd examples/web && npm ci --no-audit --no-fund --loglevel=error

# Headless Chromium for the browser test (tests/e2e/test_web_example.py): Debian's chromium, driven by
# Playwright (whose own browser download is not used). Installed when missing and apt-get can (as root);
# otherwise that test fails and says how to install it.
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  echo "installing Debian's chromium for the browser test" && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "make browser: chromium is missing and could not be installed (apt-get install chromium); the browser test will fail" >&2

centrifugo:
	@scripts/centrifugo.sh >/dev/null

# redis-server for the shared idempotency store's tests (tests/test_redis_outcomes.py and the
# reliability proof): Debian's package, installed when missing and apt-get can (as root).
redis:
	@command -v redis-server >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  echo "installing Debian's redis-server for the idempotency store tests" && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; } || \
	  echo "make redis: redis-server is missing and could not be installed (apt-get install redis-server); its tests will fail" >&2

demo: wheelhouse
	@echo "== hatch build of sample_service/ (installs its build requirements, then runs the hook)"
	@# Fresh hatch environments and installer cache: a cached plugin wheel of the same version would hide changes.
	tmp=$$(mktemp -d) && cd sample_service && rm -rf dist && \
	  $(BUILD_ENV) HATCH_DATA_DIR=$$tmp/hatch UV_CACHE_DIR=$$tmp/uv ../$(DEMO_VENV)/bin/hatch -v build; \
	  status=$$?; rm -rf $$tmp; exit $$status
	@echo && echo "SDK artifacts in sample_service/dist/sdk:" && ls -l sample_service/dist/sdk
	@echo && cat sample_service/dist/sdk/sdk-manifest.json

test: venv node-tools browser centrifugo redis
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The large property-based run (hundreds of random model sets through all three SDKs).
test-large: venv node-tools
	HYPOTHESIS_PROFILE=large $(PY) -m pytest -q tests/test_properties.py

# The sample through the same command a service uses (python -m hatch_centrifugo_sdk dev).
serve: venv centrifugo
	SAMPLE_SERVICE_DB=$(CURDIR)/.serve/sample.sqlite3 $(PY) -m hatch_centrifugo_sdk dev sample_service.app:app \
	  --project sample_service --app-dir sample_service/src --centrifugo "$$(scripts/centrifugo.sh)" --workdir .serve \
	  --allowed-origin http://localhost:5173

# Retakes examples/web/screenshot.png, the README's picture of the example page, in the browser test.
web-screenshot: venv node-tools browser centrifugo
	WEB_EXAMPLE_SCREENSHOT=$(CURDIR)/examples/web/screenshot.png $(PY) -m pytest -q tests/e2e/test_web_example.py -k typed_error

BENCH_VENV := bench/.venv
BENCH_PY := $(BENCH_VENV)/bin/python

$(BENCH_VENV)/.installed: pyproject.toml bench/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_PY) -m pip install -q --upgrade pip
	$(BENCH_PY) -m pip install -q -e '.[build,test]' -r bench/requirements.txt
	touch $@

bench-tools: $(BENCH_VENV)/.installed
	cd bench && npm ci --no-audit --no-fund --loglevel=error

# Benchmarks: tables and a plot under bench/results/. BENCH_ARGS, e.g. --sizes 10,100,1000 --repeat 3
bench: bench-tools node-tools centrifugo
	$(BENCH_PY) bench/build_bench.py $(BENCH_ARGS)
	$(BENCH_PY) bench/runtime_bench.py
	$(BENCH_PY) bench/channels_bench.py
	$(BENCH_PY) bench/timeout_bench.py

clean:
	rm -rf $(WHEELHOUSE) $(DEMO_VENV) sample_service/dist django_example/dist dist examples/web/dist
