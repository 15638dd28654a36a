# scp-alt — the two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

INSTALL_STAMP := node_modules/.install-stamp
# The SDK's notice that its 2027 releases need Node 22 (README, Requirements) is noise in our output.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?= true

.PHONY: help install demo test lint typecheck unit integration artifact package bench local-stack local-env moto clean

help:
	@echo "make demo      run the main job on a local AWS stack with embedded defaults (KEEP=1: leave it running)"
	@echo "make local-env scp-alt deployed on a local AWS stack, functions wired to their triggers, until Ctrl-C"
	@echo "make test      install, lint, type-check, unit and integration tests, package, artifact tests"
	@echo "make package   build the Lambda bundles and CloudFormation templates offline (assets/)"
	@echo "make artifact  run the zips of the last 'make package' with plain node on the local stack"
	@echo "make bench     run the benchmarks (npm run bench)"

$(INSTALL_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(INSTALL_STAMP)

# The local AWS stack needs moto (server mode). It ships in the development image; elsewhere it
# comes from the Python package index.
moto:
	@python3 -c 'import moto, flask' 2>/dev/null || python3 -m pip install --quiet 'moto[server]>=5.1' \
	  || { echo "moto server is required: python3 -m pip install 'moto[server]'" >&2; exit 1; }

lint: install
	npx biome check .

typecheck: install
	npx tsc --noEmit -p .

REPORTS := .test-results

unit: install
	npx vitest run --project unit --reporter=default --reporter=json --outputFile.json=$(REPORTS)/unit.json

integration: install moto
	npx vitest run --project integration --reporter=default --reporter=json --outputFile.json=$(REPORTS)/integration.json

# The packaged functions (assets/*.zip of `make package`) run with plain node against the local stack.
artifact: install moto
	npx vitest run --project artifact --reporter=default --reporter=json --outputFile.json=$(REPORTS)/artifact.json

# Project-local scratch space (ignored by git and biome); every run removes its own folder.
SCRATCH := .scratch
PROJECTS := unit integration artifact

# Every step runs even when an earlier one failed, so the summary covers every project. The run's
# temporary files (TMPDIR: Node, tsx, Python, mktemp) go to a folder of its own under $(SCRATCH)
# that is removed at the end, so nothing is left under the system temp directory.
test: lint typecheck
	@rm -rf $(REPORTS)
	@mkdir -p $(SCRATCH); tmp=$$(mktemp -d "$(CURDIR)/$(SCRATCH)/make-test-XXXXXX"); export TMPDIR=$$tmp; \
	  status=0; \
	  $(MAKE) --no-print-directory unit || status=1; \
	  $(MAKE) --no-print-directory integration || status=1; \
	  $(MAKE) --no-print-directory package || status=1; \
	  $(MAKE) --no-print-directory artifact || status=1; \
	  node scripts/test-summary.mjs $(PROJECTS:%=$(REPORTS)/%.json) || status=1; \
	  rm -rf "$$tmp"; rmdir $(SCRATCH) 2>/dev/null; exit $$status

# The functions run from the zips, as they ship. KEEP=1 leaves the environment running afterwards.
demo: install moto package
	npx tsx scripts/demo.ts $(if $(KEEP),--keep)

# node --import tsx without tsx's cache: the tsx command keeps a folder under the temp directory.
package: install
	TSX_DISABLE_CACHE=1 node --import tsx scripts/package.ts

bench: install moto package
	npm run bench

local-stack: install moto
	npm run -s local-stack

# The functions run from the zips, as they ship; `npm run -s local-env -- --from-source` skips packaging.
local-env: install moto package
	npm run -s local-env

clean:
	rm -rf assets .serverless .esbuild dist $(SCRATCH) $(REPORTS)
