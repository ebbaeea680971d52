#!/usr/bin/env bash
# tests/suite-41-operator-asan.sh — the operator suite again, with the
# reconciler of the AddressSanitizer + UndefinedBehaviorSanitizer build
# (make test builds it into build/asan): every path the suite drives —
# watches, apply, leader election, the HTTPS metrics endpoint, shutdown —
# runs under the sanitizers, and a report fails the suite.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ ! -x build/asan/bin/reconciler ]; then
    echo "ok 1 - operator suite under sanitizers # SKIP build/asan/bin/reconciler missing (make test builds it)"
    exit 0
fi
# A leak or an error report ends the process with a failing status, which
# the suite's SIGTERM checks see; the report itself lands in the log.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
RECONCILER=build/asan/bin/reconciler exec tests/suite-40-operator.sh
