# The two commands a newcomer needs: `make demo` and `make test`. Everything else is a part of them, but for
# `make shell` (run your own ansible commands on this checkout) and `make galaxy-import` (Galaxy's upload check).
# Each one sets itself up: a virtual environment in .venv and a copy of the collection under .build/
# (ansible-test needs a real ansible_collections/commsops/sessions/ path).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
BUILD := $(CURDIR)/.build
COLLECTIONS := $(BUILD)/collections
COPY := $(COLLECTIONS)/ansible_collections/commsops/sessions
PYVER = $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
ANSIBLE_TEST = cd $(COPY) && $(BIN)/ansible-test
export PATH := $(BIN):$(PATH)
export ANSIBLE_NOCOLOR := 1
export NO_COLOR := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: test demo shell dev-collections bench docs ee core-matrix galaxy-import venv copy sanity units integration lint \
	docs-lint changelog-lint pytest build clean

# make test runs each stage as a make of its own (tests/utils/run_stages.py): it says which stage runs, and at the
# end how long each took. The copy is then made once, by the stage `copy`, not by every stage that needs it.
TEST_STAGES := venv copy sanity units integration lint ee core-matrix pytest
NEEDS_COPY = $(if $(STAGED),,copy)
# pytest-xdist workers for the pytest stage: auto is one per CPU.
PYTEST_WORKERS ?= auto
PYTEST_LOG = $(BUILD)/pytest.log
# Prism (npm ci of tests/prism/package-lock.json) for the contract tests, installed there once by the first test
# that needs it (tests/utils/prism.py), and its patched copies of the API documents in $(PRISM_DIR)-specs.
PRISM_DIR = $(BUILD)/prism

test:
	@$(PYTHON) tests/utils/run_stages.py --make "$(MAKE)" --summary $(PYTEST_LOG) $(TEST_STAGES)

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@echo "== setting up $(VENV) with $(PYTHON)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements-dev.txt 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true
	$(BIN)/python -c "import ansible, requests, pytest, jsonschema"
	$(BIN)/python tests/utils/seed_get_pip.py
	touch $@

# A fresh copy of what git sees (tracked, and untracked but not ignored), .git included because
# ansible-test lists files with git.
copy: venv
	rm -rf $(COLLECTIONS)
	mkdir -p $(COPY)
	git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - | tar -xf - -C $(COPY)
	cp -a .git $(COPY)/.git

sanity: $(NEEDS_COPY)
	@echo "== ansible-test sanity"
	$(BIN)/python tests/utils/seed_get_pip.py
	$(ANSIBLE_TEST) sanity --python $(PYVER) --color no

units: $(NEEDS_COPY)
	@echo "== ansible-test units"
	$(ANSIBLE_TEST) units --python $(PYVER) --color no

integration: $(NEEDS_COPY)
	@echo "== ansible-test integration (against the emulator)"
	@if [ -d $(COPY)/tests/integration/targets ]; then \
		cd $(COPY) && $(BIN)/python tests/utils/with_emulator.py \
			--integration-config tests/integration/integration_config.yml -- \
			$(BIN)/ansible-test integration --python $(PYVER) --color no; \
	else echo "no integration targets yet"; fi

lint: $(NEEDS_COPY) docs-lint changelog-lint
	@echo "== ansible-lint (production profile)"
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) $(BIN)/ansible-lint --offline

docs-lint: venv
	@echo "== antsibull-docs lint-collection-docs"
	$(BIN)/antsibull-docs lint-collection-docs --plugin-docs .

changelog-lint: venv
	@echo "== antsibull-changelog lint"
	$(BIN)/antsibull-changelog lint

# The project's own checks (build artifact, Galaxy's importer, AWX and EE files, the emulator, the reliability
# suite), in parallel (pytest-xdist; tests that share a directory carry the same xdist_group and run on one
# worker). Last: make test repeats pytest's "N passed" line (saved in $(PYTEST_LOG)) as its closing line.
pytest: venv
	@echo "== pytest: project checks, $(PYTEST_WORKERS) workers"
	@mkdir -p $(BUILD)
	@{ GALAXY_IMPORTER_VENV=$(BUILD)/importer-venv RULEBOOK_VENV=$(BUILD)/rulebook-venv PRISM_DIR=$(PRISM_DIR) $(BIN)/python -m pytest -q -p no:cacheprovider \
		-n $(PYTEST_WORKERS) --dist loadgroup $(wildcard tests/project tests/emulator tests/suite tests/eda); \
		echo $$? > $(BUILD)/.pytest-rc; } | tee $(PYTEST_LOG); exit $$(cat $(BUILD)/.pytest-rc)

# Galaxy's own import check (galaxy-importer, in its venv .build/importer-venv) on the tarball of this checkout;
# make test runs it as tests/project/test_galaxy_importer.py.
galaxy-import: venv
	@echo "== galaxy-importer on the built tarball, as Galaxy runs it on upload"
	GALAXY_IMPORTER_VENV=$(BUILD)/importer-venv $(BIN)/python tests/utils/galaxy_import.py

build: venv
	$(BIN)/ansible-galaxy collection build --output-path $(BUILD)/dist --force

demo: venv
	@echo "== installing the collection into $(BUILD)/demo"
	ANSIBLE_COLLECTIONS_PATH=$(BUILD)/demo $(BIN)/ansible-galaxy collection install . -p $(BUILD)/demo --force >/dev/null
	@echo "== running playbooks/demo.yml against the emulator (no account, no network)"
	ANSIBLE_COLLECTIONS_PATH=$(BUILD)/demo ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_DISPLAY_SKIPPED_HOSTS=false \
		ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
		$(BIN)/python tests/utils/with_emulator.py -- $(BIN)/ansible-playbook playbooks/demo.yml

# Run the collection from this checkout: dev-collections links it where ansible looks, and prints the line to
# export; shell starts a bash with .venv activated and that ANSIBLE_COLLECTIONS_PATH (exit to leave).
DEV := $(BUILD)/dev
dev-collections:
	@rm -rf $(DEV)/ansible_collections/commsops/sessions
	@mkdir -p $(DEV)/ansible_collections/commsops
	@ln -s $(CURDIR) $(DEV)/ansible_collections/commsops/sessions
	@echo "== this checkout is linked as $(DEV)/ansible_collections/commsops/sessions (edits count at once); use it with:"
	@echo "export ANSIBLE_COLLECTIONS_PATH=$(DEV)"

shell: venv dev-collections
	@printf '%s\n' '[ -f ~/.bashrc ] && . ~/.bashrc' '. $(BIN)/activate' 'export ANSIBLE_COLLECTIONS_PATH=$(DEV)' \
		'unset ANSIBLE_NOCOLOR NO_COLOR MAKEFLAGS MAKELEVEL MFLAGS' > $(DEV)/shellrc
	@echo "== a shell with $(VENV) active and ANSIBLE_COLLECTIONS_PATH=$(DEV); try: ansible-doc commsops.sessions.room_session_action; exit to leave"
	@bash --rcfile $(DEV)/shellrc -i

bench: venv
	$(BIN)/python benchmarks/run.py

# Execution environment: the build context in .build/ee (and the image, where podman or docker works).
ee: venv
	$(BIN)/python tests/utils/make_ee.py

# Units and integration on the other supported ansible-core lines (2.17, 2.18, and 2.20, 2.21 where a
# Python 3.12+ is present), each in a cached venv under .build/core-<version>; sanity and lint run once, above.
core-matrix: venv
	$(BIN)/python tests/utils/core_matrix.py --build $(BUILD)

# The documentation site (antsibull-docs + Sphinx) into .build/docs/html; make test builds it too,
# with warnings as errors, and looks at two pages in headless Chromium (tests/project/test_docs_site.py).
docs: venv
	@echo "== documentation site (antsibull-docs + Sphinx) into .build/docs/html"
	$(BIN)/python tests/utils/build_docs.py

clean:
	rm -rf $(BUILD) $(VENV) tests/output context
