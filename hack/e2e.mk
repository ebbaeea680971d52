# The end-to-end suite's runtimes: the real MLflow server (from PyPI, with
# the Kubeflow mlflow-kubernetes-plugins that provide `--app-name
# kubernetes-auth` and the kubernetes:// workspace store) and moto's S3
# server, and an older MLflow whose schema the migration test upgrades,
# each in its own virtualenv in the tools cache, named after the
# hash of its pinned requirements file (a changed pin installs anew, an
# unchanged one is reused). Included by the top-level Makefile after
# hack/tools.mk.
#
# mlflow-kubernetes-plugins 2.1.0 requires Python >= 3.12 and MLflow
# >= 3.17, < 3.18; MLflow 3.17.2 is the newest release that satisfies it.
# Python 3.12 is what the server image runs; Debian 12 ships 3.11, so the
# interpreter comes from PYTHON312 (default: the newest pyenv 3.12, else
# python3.12 on PATH).

E2E_MK_DIR := $(dir $(lastword $(MAKEFILE_LIST)))
E2E_REQ_MLFLOW := $(E2E_MK_DIR)../tests/e2e/requirements-mlflow.txt
E2E_REQ_S3 := $(E2E_MK_DIR)../tests/e2e/requirements-s3.txt
E2E_REQ_OLD := $(E2E_MK_DIR)../tests/e2e/requirements-mlflow-old.txt

PYTHON312 ?= $(or $(lastword $(sort $(wildcard $(HOME)/.pyenv/versions/3.12.*/bin/python3.12))), \
	$(shell command -v python3.12 2>/dev/null))

_e2e_hash = $(shell sha256sum '$(1)' 2>/dev/null | cut -c1-12)
MLFLOW_VENV := $(TOOLS_DIR)/mlflow-venv-$(call _e2e_hash,$(E2E_REQ_MLFLOW))
S3_VENV := $(TOOLS_DIR)/s3-venv-$(call _e2e_hash,$(E2E_REQ_S3))
MLFLOW_OLD_VENV := $(TOOLS_DIR)/mlflow-old-venv-$(call _e2e_hash,$(E2E_REQ_OLD))

# A venv records its own path, so it is built in place; the .done marker is
# written last, and a venv without it is removed and built again.
_e2e_venv = set -eu; \
	py='$(strip $(PYTHON312))'; \
	[ -n "$$py" ] && "$$py" -c 'import sys; assert sys.version_info[:2] == (3, 12)' || \
	  { echo "the end-to-end runtimes need Python 3.12 (set PYTHON312=/path/to/python3.12)" >&2; exit 1; }; \
	d='$(@D)'; rm -rf "$$d"; mkdir -p "$$(dirname "$$d")"; \
	trap 'rm -rf "$$d"' HUP INT TERM; \
	"$$py" -m venv "$$d" || { rm -rf "$$d"; exit 1; }; \
	"$$d/bin/pip" install -q --disable-pip-version-check --no-input -r '$|' || { rm -rf "$$d"; exit 1; }; \
	touch '$@'

$(MLFLOW_VENV)/.done: | $(E2E_REQ_MLFLOW)
	@echo "installing MLflow into $(@D)"
	@$(_e2e_venv)

$(S3_VENV)/.done: | $(E2E_REQ_S3)
	@echo "installing the S3 server into $(@D)"
	@$(_e2e_venv)

$(MLFLOW_OLD_VENV)/.done: | $(E2E_REQ_OLD)
	@echo "installing the older MLflow into $(@D)"
	@$(_e2e_venv)

.PHONY: tools-e2e
tools-e2e: $(MLFLOW_VENV)/.done $(S3_VENV)/.done $(MLFLOW_OLD_VENV)/.done ## Install the pinned MLflow server, an older MLflow and the S3 server (end-to-end suite)
