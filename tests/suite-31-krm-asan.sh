#!/usr/bin/env bash
# tests/suite-31-krm-asan.sh — the function suite again, with the krmfn of
# the AddressSanitizer + UndefinedBehaviorSanitizer build (make test builds
# it into build/asan): every snapshot case, the kustomize, kpt and Argo CD
# pipelines and the hostile inputs run under the sanitizers. A report makes
# krmfn exit non-zero (or print to stderr where a case expects an error),
# so the case fails.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ ! -x build/asan/bin/krmfn ]; then
    echo "ok 1 - function suite under sanitizers # SKIP build/asan/bin/krmfn missing (make test builds it)"
    exit 0
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=86}
KRMFN=build/asan/bin/krmfn exec tests/suite-30-krm.sh
