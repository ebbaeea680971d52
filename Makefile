# mlflow-krm — build, test and benchmark.
#
# `make test` on a fresh machine installs the Debian packages it needs,
# builds the pinned test tools into a cache outside the repository (a second
# run reuses them), builds everything, and runs every suite, including a
# separate AddressSanitizer + UndefinedBehaviorSanitizer build.

SHELL := /bin/bash
.DEFAULT_GOAL := build
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

include $(ROOT)/hack/tools.mk
include $(ROOT)/hack/curl.mk
include $(ROOT)/hack/deploy.mk
include $(ROOT)/hack/e2e.mk

CC ?= cc
DEB_PACKAGES := build-essential pkg-config cmake curl libfyaml-dev libjansson-dev \
	libcmocka-dev libpcre2-dev libssl-dev libcrypt-dev \
	clang clang-format libclang-rt-14-dev valgrind hyperfine time python3-yaml python3-pyflakes \
	postgresql iproute2 util-linux openssl chromium tzdata

PKGS := libfyaml jansson libpcre2-8 libcrypto
CSTD := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN := -Wall -Wextra -Werror -Wno-unused-parameter
OPT ?= -O2 -g
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) -Irender $(CURL_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS_ALL = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcrypt -lm
# krmfn is started once per pipeline step: a fully static binary skips the
# dynamic loader (a third of a short run) and halves the resident memory of
# a `krmfn template`. glibc warns that getaddrinfo in a static binary needs
# the host's NSS libraries: only `krmfn template --enable-dns` resolves names
# (getHostByName), and glibc then loads them as a dynamic binary would; krmfn
# opens no network connection of its own. Sanitizer
# builds cannot be static and link dynamically (KRMFN_LIBS is overridden).
KRMFN_LIBS = -static -lfyaml -ljansson -lpcre2-8 -lcrypto -lcrypt -lm -lpthread

# Quiet compiler lines unless V=1.
Q := $(if $(V),,@)

# Output directories: the normal build and the sanitizer build side by side.
B ?= build/release
BIN ?= bin

RENDER_SRC := $(sort $(wildcard render/*.c))
KRMFN_SRC := $(sort $(wildcard krmfn/*.c))
# The reconciler's modules form a library so unit tests can link them; its
# main() lives in reconciler/main.c.
RECON_SRC := $(filter-out reconciler/main.c,$(sort $(wildcard reconciler/*.c)))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))

RENDER_OBJ := $(patsubst %.c,$(B)/%.o,$(RENDER_SRC))
KRMFN_OBJ := $(patsubst %.c,$(B)/%.o,$(KRMFN_SRC))
RECON_OBJ := $(patsubst %.c,$(B)/%.o,$(RECON_SRC))
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
CHART_FILES := $(shell find charts/mlflow -type f 2>/dev/null | LC_ALL=C sort)

.PHONY: help build deps test unit unit-bins update-golden manifests bench clean fmt demo demo-live \
	fuzz

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk -F':.*## ' '{printf "  %-22s %s\n", $$1, $$2}'

build: $(BIN)/krmfn $(if $(wildcard reconciler/main.c),$(BIN)/reconciler) ## Build bin/krmfn and bin/reconciler

# --- Debian packages -------------------------------------------------------
# Installs only what is missing, so a warm machine pays one dpkg query.
deps: ## Install the Debian packages the build and the tests need
	@missing=$$(for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# --- librender and the executables ------------------------------------------
$(B)/%.o: %.c $(wildcard render/*.h krmfn/*.h reconciler/*.h) | $(B)/gen
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) -Ikrmfn -Ireconciler -c -o $@ $<

$(B)/gen:
	@mkdir -p $@

# The CRD's schema is part of the library: mlflow.c checks objects against
# it (config/crd stays the single source of the MLflow API's types). It is
# embedded as JSON, which reads ten times faster than the CRD's YAML:
# crd2json, linked against the library without it, writes that JSON.
$(B)/librender.a: $(RENDER_OBJ) $(B)/gen/crd_embed.o
	@rm -f $@
	$(Q)ar rcs $@ $^

$(B)/librender-core.a: $(RENDER_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(B)/crd2json: hack/crd2json.c $(B)/krmfn/io.o $(B)/librender-core.a
	$(Q)$(CC) $(CFLAGS_ALL) -Ikrmfn -o $@ $^ $(LDLIBS_ALL)

# The chart is compiled into the binary so the function needs no files,
# and compiled in loaded (its templates parsed, its values read) so a
# process does not parse it again: chart2c, linked against the library
# without the embedded chart, loads it and writes both as C.
$(B)/embed: hack/embed.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CSTD) $(WARN) -O1 -o $@ $<

$(B)/chart2c: hack/chart2c.c $(B)/krmfn/io.o $(B)/librender-core.a
	$(Q)$(CC) $(CFLAGS_ALL) -Ikrmfn -o $@ $^ $(LDLIBS_ALL)

$(B)/gen/chart_embed.c: $(B)/chart2c $(CHART_FILES)
	@mkdir -p $(dir $@)
	$(Q)cd charts/mlflow && $(abspath $(B)/chart2c) $(patsubst charts/mlflow/%,%,$(CHART_FILES)) > $(abspath $@).tmp
	$(Q)mv $@.tmp $@

$(B)/gen/chart_embed.o: $(B)/gen/chart_embed.c
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

CRD := config/crd/mlflow.opendatahub.io_mlflows.yaml
$(B)/gen/crd_schema.json: $(B)/crd2json $(CRD)
	@mkdir -p $(dir $@)
	$(Q)$(B)/crd2json $(CRD) v1 > $@.tmp
	$(Q)mv $@.tmp $@

$(B)/gen/crd_embed.c: $(B)/embed $(B)/gen/crd_schema.json
	$(Q)$(B)/embed -n rn_mlflow_crd_schema $(B)/gen/crd_schema.json > $@.tmp
	$(Q)mv $@.tmp $@

$(B)/gen/crd_embed.o: $(B)/gen/crd_embed.c
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BIN)/krmfn: $(KRMFN_OBJ) $(B)/gen/chart_embed.o $(B)/librender.a
	@mkdir -p $(dir $@)
	$(Q)set -o pipefail; $(CC) $(CFLAGS_ALL) -o $@ $^ $(KRMFN_LIBS) 2>&1 | \
	  { grep -vE 'statically linked applications requires at runtime|libcrypto\.a\(.*\): in function' || true; }

# The same objects linked against the shared libraries: valgrind cannot
# follow a static glibc (suite-15-valgrind runs this one).
$(B)/krmfn-dynamic: $(KRMFN_OBJ) $(B)/gen/chart_embed.o $(B)/librender.a
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

$(B)/libreconciler.a: $(RECON_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

# The reconciler's sources include the pinned libcurl's headers.
$(RECON_OBJ) $(B)/reconciler/main.o: | $(CURL_LIB)

$(BIN)/reconciler: $(B)/reconciler/main.o $(B)/libreconciler.a $(B)/gen/chart_embed.o $(B)/librender.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL) $(CURL_LIBS)

# Every unit test links both libraries; the linker keeps what it uses.
$(B)/tests/%: tests/unit/%.c $(B)/libreconciler.a $(B)/librender.a $(B)/gen/chart_embed.o | $(CURL_LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) -Ireconciler -o $@ $< $(B)/gen/chart_embed.o \
	  $(B)/libreconciler.a $(B)/librender.a $(LDLIBS_ALL) \
	  $(CURL_LIBS) -lcmocka

unit-bins: $(UNIT_BIN)

# --- tests -------------------------------------------------------------------
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

test: deps tools tools-e2e ## Install what is missing, build, run every suite
	@$(MAKE) --no-print-directory build unit-bins $(B)/krmfn-dynamic
	@$(MAKE) --no-print-directory B=build/asan BIN=build/asan/bin OPT="-O1 -g" \
	  EXTRA_CFLAGS="$(ASAN_FLAGS)" KRMFN_LIBS="$(LDLIBS_ALL)" build unit-bins
	@HELM=$(HELM) KUSTOMIZE=$(KUSTOMIZE) ETCD=$(ETCD) \
	  KUBE_APISERVER=$(KUBE_APISERVER) KUBE_CONTROLLER_MANAGER=$(KUBE_CONTROLLER_MANAGER) \
	  MLFLOW_VENV=$(MLFLOW_VENV) S3_VENV=$(S3_VENV) MLFLOW_OLD_VENV=$(MLFLOW_OLD_VENV) tests/run.sh

unit: ## Build and run the cmocka unit tests only
	@$(MAKE) --no-print-directory unit-bins
	@SUITES=unit tests/run.sh

update-golden: build ## Rewrite snapshot expectations (review the diff!)
	tests/snapshot.sh --update

# The CRD's embedded Kubernetes types come from the pinned kube-apiserver's
# OpenAPI (hack/crd-embed.py rewrites the marked blocks; suite-52 checks
# they are current).
manifests: deps tools-control-plane ## Regenerate the CRD's embedded Kubernetes schemas from the pinned kube-apiserver (review the diff!)
	ETCD=$(ETCD) KUBE_APISERVER=$(KUBE_APISERVER) tests/envtest/controlplane.sh run -- \
	  sh -c 't=$$(mktemp) && kubectl get --raw /openapi/v3/apis/networking.k8s.io/v1 >$$t && \
	    kubectl get --raw /openapi/v3/api/v1 | hack/crd-embed.py --crd $(CRD) --also $$t - ; \
	    rc=$$?; rm -f $$t; exit $$rc'

bench: deps tools build ## Measure krmfn against helm on this machine
	HELM=$(HELM) KUSTOMIZE=$(KUSTOMIZE) ETCD=$(ETCD) KUBE_APISERVER=$(KUBE_APISERVER) \
	  KUBE_CONTROLLER_MANAGER=$(KUBE_CONTROLLER_MANAGER) \
	  CURL_CFLAGS="$(CURL_CFLAGS)" CURL_LIBS="$(CURL_LIBS)" hack/bench.sh

demo: deps tools-kustomize $(BIN)/krmfn ## Render the samples without a cluster (krmfn render, kustomize)
	@KUSTOMIZE=$(KUSTOMIZE) hack/demo.sh

demo-live: deps tools tools-e2e build ## Run MLflow locally from the operator's manifests (root); prints the URLs and a token
	@KUBE_APISERVER=$(KUBE_APISERVER) ETCD=$(ETCD) KUBE_CONTROLLER_MANAGER=$(KUBE_CONTROLLER_MANAGER) \
	  MLFLOW_VENV=$(MLFLOW_VENV) S3_VENV=$(S3_VENV) MLFLOW_OLD_VENV=$(MLFLOW_OLD_VENV) E2E_LIVE=1 tests/suite-45-mlflow-e2e.sh

fuzz: deps build ## Build the libFuzzer targets and run them briefly
	$(MAKE) -f fuzz/fuzz.mk run

# Every C file of the project, for fmt and the format check in make test.
C_FILES = $(sort $(wildcard render/*.[ch] krmfn/*.[ch] reconciler/*.[ch] \
	tests/unit/*.c tests/envtest/*.c hack/*.c fuzz/*.c))

fmt: ## clang-format every C file
	clang-format -i $(C_FILES)

clean: ## Remove build outputs
	rm -rf build bin
