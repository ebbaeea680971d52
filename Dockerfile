# syntax=docker/dockerfile:1
#
# mlflow-krm images, built from source:
#   docker build --target operator -t IMG .   # the operator (bin/reconciler)
#   docker build --target function -t IMG .   # the KRM function (bin/krmfn)
# (or `make docker-build`). The chart is compiled into both binaries.
#
# The build stage is Debian 12 at a fixed point release; the runtime stages
# are FROM scratch: the binaries, the shared libraries they link (copied
# from the build stage, so the whole image follows one pinned base), the CA
# bundle, and a non-root user. No shell, no package manager.
#
# FIPS: the binaries use the system OpenSSL (libcrypto, libssl; the
# operator's static libcurl, built from pinned source by `make`, links it
# too). For a FIPS build, use a base whose OpenSSL ships a validated
# FIPS provider (e.g. DEBIAN_IMAGE set to a UBI/RHEL-based builder) and run
# on a host in FIPS mode; nothing in the code selects algorithms itself.
#
# Pin the base by digest for releases:
#   docker build --build-arg DEBIAN_IMAGE=docker.io/library/debian:12.11-slim@sha256:... .
ARG DEBIAN_IMAGE=docker.io/library/debian:12.11-slim

FROM ${DEBIAN_IMAGE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential pkg-config ca-certificates cmake curl \
      libfyaml-dev libjansson-dev libpcre2-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile ./
COPY hack/ hack/
COPY charts/ charts/
COPY render/ render/
COPY krmfn/ krmfn/
COPY reconciler/ reconciler/
COPY config/crd/ config/crd/
RUN make build OPT="-O2" EXTRA_CFLAGS="-fstack-protector-strong" \
 && test -x bin/krmfn && test -x bin/reconciler \
 && strip bin/krmfn bin/reconciler \
 && hack/image-rootfs.sh /rootfs bin/reconciler bin/krmfn

# Both binaries; the targets below differ only in what they start.
FROM scratch AS runtime
COPY --from=build /rootfs/ /
USER 65532:65532
WORKDIR /tmp

# The KRM function: ResourceList on stdin, ResourceList on stdout.
FROM runtime AS function
LABEL org.opencontainers.image.title="mlflow-krm function" \
      org.opencontainers.image.description="KRM function rendering MLflow objects (mlflow.opendatahub.io/v1)"
ENTRYPOINT ["/usr/local/bin/krmfn"]

# The operator; the default target.
FROM runtime AS operator
LABEL org.opencontainers.image.title="mlflow-krm operator" \
      org.opencontainers.image.description="Kubernetes operator for MLflow objects (mlflow.opendatahub.io/v1)"
ENTRYPOINT ["/usr/local/bin/reconciler"]
