# Pinned test tools: helm, kustomize, etcd, kube-apiserver and
# kube-controller-manager, built from their Go modules (Go module proxy only)
# into a per-user cache outside the repository.
#
# Included by the top-level Makefile; also usable on its own:
#   make -f hack/tools.mk tools
#
# Every binary lives in a directory named after its version, and each one is
# a plain file target with no prerequisites: once built it is reused by every
# later make (and by other checkouts) until the pinned version changes.
# Binaries are built under a temporary name and renamed into place, so an
# interrupted build never leaves a half-written binary behind.

TOOLS_MK_DIR := $(dir $(lastword $(MAKEFILE_LIST)))
_tools_prev_default_goal := $(.DEFAULT_GOAL)
_tools_standalone := $(if $(filter 1,$(words $(MAKEFILE_LIST))),yes)

TOOLS_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/mlflow-krm/tools

# Pinned versions. etcd and kube must match the go.mod of their tools module
# (hack/tools/etcd, hack/tools/kube): bump the version here, then run
# `make tools-update-mods` and check in the regenerated go.mod/go.sum.
HELM_VERSION      := v3.21.4
# v5.8.3 declares `go 1.27.0` and cannot be built with Go 1.26.
KUSTOMIZE_VERSION := v5.8.2
ETCD_VERSION      := v3.6.16
KUBE_VERSION      := v1.36.3

HELM                    := $(TOOLS_DIR)/helm-$(HELM_VERSION)/helm
KUSTOMIZE               := $(TOOLS_DIR)/kustomize-$(KUSTOMIZE_VERSION)/kustomize
ETCD                    := $(TOOLS_DIR)/etcd-$(ETCD_VERSION)/etcd
KUBE_APISERVER          := $(TOOLS_DIR)/kube-$(KUBE_VERSION)/kube-apiserver
KUBE_CONTROLLER_MANAGER := $(TOOLS_DIR)/kube-$(KUBE_VERSION)/kube-controller-manager

TOOLS_BINARIES := $(HELM) $(KUSTOMIZE) $(ETCD) $(KUBE_APISERVER) $(KUBE_CONTROLLER_MANAGER)

GO ?= go
# Static binaries; no go.work from a parent directory; the tools modules'
# checked-in go.mod/go.sum are used as they are and never rewritten.
TOOLS_GO := env CGO_ENABLED=0 GOWORK=off GOFLAGS=-mod=readonly $(GO)

_tools_kube_mod := $(TOOLS_MK_DIR)tools/kube
_tools_etcd_mod := $(TOOLS_MK_DIR)tools/etcd

# helm: release builds stamp the version, and the Kubernetes version that
# `helm template` reports in .Capabilities.KubeVersion (and that lint checks
# deprecations against). Helm derives the latter from the minor of the
# k8s.io/client-go it requires (v0.36.x -> 1.36); unstamped it would be 1.20.
_tools_helm_ldflags = -s -w \
	-X helm.sh/helm/v3/internal/version.version=$(HELM_VERSION) \
	-X helm.sh/helm/v3/internal/version.gitTreeState=clean \
	-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 \
	-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$$minor \
	-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 \
	-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$$minor

_tools_kustomize_ldflags := -s -w \
	-X sigs.k8s.io/kustomize/api/provenance.version=$(KUSTOMIZE_VERSION)

# Same stamps, tags and flags as kubernetes' own hack/lib/golang.sh (minus
# the build date and commit, which would make the binaries differ per build).
_tools_kube_major_minor := $(subst ., ,$(patsubst v%,%,$(KUBE_VERSION)))
_tools_kube_ldflags := -s -w $(foreach p,k8s.io/client-go/pkg/version k8s.io/component-base/version, \
	-X $(p).gitVersion=$(KUBE_VERSION) \
	-X $(p).gitMajor=$(word 1,$(_tools_kube_major_minor)) \
	-X $(p).gitMinor=$(word 2,$(_tools_kube_major_minor)) \
	-X $(p).gitTreeState=clean)
_tools_kube_tags := selinux,notest,grpcnotrace

# etcd's version is a constant in go.etcd.io/etcd/api/v3/version.
_tools_etcd_ldflags := -s -w

# Shell prologue for the recipes below: a temporary path next to the target,
# removed on any exit (signals included); `mv` over the target is atomic on
# the same filesystem.
_tools_tmp = set -eu; \
	command -v '$(GO)' >/dev/null 2>&1 || { echo "building $(@F) needs Go ($(GO) not found): install Go 1.26 or set GO=/path/to/go" >&2; exit 1; }; \
	mkdir -p '$(@D)'; tmp='$(abspath $(@D))/.tmp-$(@F).'$$$$; \
	trap 'rm -rf "$$tmp"' EXIT; trap 'exit 130' HUP INT TERM;

# Fails unless the tools module $(1) requires module $(2) at version $(3).
_tools_check_mod = have=$$($(TOOLS_GO) -C '$(1)' list -m -f '{{.Version}}' $(2)); \
	if [ "$$have" != '$(3)' ]; then \
		echo "$(1)/go.mod has $(2) $$have, tools.mk pins $(3): run 'make tools-update-mods'" >&2; \
		exit 1; fi;

# helm and kustomize carry no replace directives: `go install module@version`
# builds them straight from the module proxy (run from the target directory,
# so no go.mod around it takes part).
$(HELM):
	@echo "building helm $(HELM_VERSION)"
	@$(_tools_tmp) cd '$(@D)'; \
	gomod=$$($(TOOLS_GO) mod download -json helm.sh/helm/v3@$(HELM_VERSION) | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$$/\1/p'); \
	minor=$$(sed -n 's/^[[:space:]]*k8s\.io\/client-go v0\.\([0-9][0-9]*\)\..*/\1/p' "$$gomod"); \
	[ -n "$$minor" ] || { echo "cannot find helm's k8s.io/client-go version" >&2; exit 1; }; \
	GOBIN="$$tmp" $(TOOLS_GO) install -trimpath -ldflags "$(_tools_helm_ldflags)" \
		helm.sh/helm/v3/cmd/helm@$(HELM_VERSION); \
	mv -f "$$tmp/helm" '$@'

$(KUSTOMIZE):
	@echo "building kustomize $(KUSTOMIZE_VERSION)"
	@$(_tools_tmp) cd '$(@D)'; \
	GOBIN="$$tmp" $(TOOLS_GO) install -trimpath -ldflags '$(_tools_kustomize_ldflags)' \
		sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION); \
	mv -f "$$tmp/kustomize" '$@'

# go.etcd.io/etcd/server/v3 replaces its sibling modules (../api, ../pkg, ...)
# and k8s.io/kubernetes replaces all of its k8s.io/* staging modules
# (./staging/src/...), so `go install ...@version` refuses both. Each is built
# from a small tools module instead (hack/tools/etcd, hack/tools/kube) that
# requires the upstream module and, for kubernetes, pins every staging module
# to its published v0.<minor>.<patch> release. Their go.mod/go.sum are
# generated by hack/tools/update-mod.sh and checked in.
$(ETCD):
	@echo "building etcd $(ETCD_VERSION)"
	@$(_tools_tmp) $(call _tools_check_mod,$(_tools_etcd_mod),go.etcd.io/etcd/server/v3,$(ETCD_VERSION)) \
	$(TOOLS_GO) -C '$(_tools_etcd_mod)' build -trimpath -ldflags '$(_tools_etcd_ldflags)' \
		-o "$$tmp" go.etcd.io/etcd/server/v3; \
	mv -f "$$tmp" '$@'

$(KUBE_APISERVER) $(KUBE_CONTROLLER_MANAGER):
	@echo "building $(@F) $(KUBE_VERSION)"
	@$(_tools_tmp) $(call _tools_check_mod,$(_tools_kube_mod),k8s.io/kubernetes,$(KUBE_VERSION)) \
	$(TOOLS_GO) -C '$(_tools_kube_mod)' build -trimpath -tags '$(_tools_kube_tags)' \
		-ldflags '$(_tools_kube_ldflags)' -o "$$tmp" k8s.io/kubernetes/cmd/$(@F); \
	mv -f "$$tmp" '$@'

.PHONY: tools tools-helm tools-kustomize tools-control-plane tools-versions tools-update-mods

tools: $(TOOLS_BINARIES) ## Build the pinned test tools into the cache (TOOLS_DIR)

tools-helm: $(HELM) ## Build the pinned helm only

tools-kustomize: $(KUSTOMIZE) ## Build the pinned kustomize only

tools-control-plane: $(ETCD) $(KUBE_APISERVER) $(KUBE_CONTROLLER_MANAGER) ## Build etcd, kube-apiserver, kube-controller-manager

tools-versions: $(TOOLS_BINARIES) ## Print each pinned tool's path and version
	@echo "$(HELM)"; '$(HELM)' version
	@echo "$(KUSTOMIZE)"; '$(KUSTOMIZE)' version
	@echo "$(ETCD)"; '$(ETCD)' --version
	@echo "$(KUBE_APISERVER)"; '$(KUBE_APISERVER)' --version
	@echo "$(KUBE_CONTROLLER_MANAGER)"; '$(KUBE_CONTROLLER_MANAGER)' --version

tools-update-mods: ## Regenerate hack/tools/{etcd,kube}/go.mod and go.sum from the pins
	'$(TOOLS_MK_DIR)tools/update-mod.sh' etcd $(ETCD_VERSION)
	'$(TOOLS_MK_DIR)tools/update-mod.sh' kube $(KUBE_VERSION)

# The rules above must not become the including Makefile's default goal.
.DEFAULT_GOAL := $(or $(_tools_prev_default_goal),$(if $(_tools_standalone),tools))
