#!/usr/bin/env bash
# tests/run.sh — runs every suite and prints one closing line.
#
# Suites speak TAP ("ok N - name" / "not ok N - name"): the cmocka unit
# binaries (normal and sanitizer builds, CMOCKA_MESSAGE_OUTPUT=TAP) and every
# executable tests/suite-*.sh in name order. The closing line counts them
# all: "N passed, N failed". SUITES=unit runs the unit tests only; a suite
# that runs longer than SUITE_TIMEOUT seconds (default 1200) fails.
set -uo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp -d)/tap.log
trap 'rm -rf "$(dirname "$log")"' EXIT
suite_failures=0
SUITE_TIMEOUT=${SUITE_TIMEOUT:-1200}

run_suite() { # name, command...
    local name=$1
    shift
    echo "# suite: $name"
    local out rc start
    start=$SECONDS
    # The output goes to a file, not a pipe: a process the suite left
    # behind cannot hold the runner up. timeout ends a suite that hangs,
    # with the processes it started (its process group).
    timeout -k 30 "$SUITE_TIMEOUT" "$@" >"$log.suite" 2>&1
    rc=$?
    [ "$rc" -eq 124 ] && echo "not ok - $name did not finish in $SUITE_TIMEOUT s" >>"$log.suite"
    out=$(cat "$log.suite")
    # Show failures with the diagnostics that follow them (a few lines
    # each), and the suites' own summary comments.
    printf '%s\n' "$out" | tee -a "$log" | awk '
        /^not ok/ { print; shown = 0; infail = 1; next }
        /^ok /    { infail = 0; next }
        /^# .*(passed|failed)/ { print; next }
        /^# / && infail && shown < 25 { print; shown++ }'
    local oks fails
    oks=$(printf '%s\n' "$out" | grep -cE '^ok ' || true)
    fails=$(printf '%s\n' "$out" | grep -cE '^not ok ' || true)
    echo "# $name: $oks passed, $fails failed (exit $rc, $((SECONDS - start)) s)"
    if [ "$rc" -ne 0 ] && [ "$fails" -eq 0 ]; then
        # A suite that died without saying which test failed still fails.
        printf '%s\n' "$out" | tail -20
        echo "not ok - $name exited with status $rc" | tee -a "$log"
    fi
    [ "$rc" -eq 0 ] || suite_failures=$((suite_failures + 1))
}

export CMOCKA_MESSAGE_OUTPUT=TAP
for build in build/release build/asan; do
    [ -d "$build/tests" ] || continue
    for t in "$build"/tests/test_*; do
        [ -x "$t" ] || continue
        run_suite "$(basename "$build")/$(basename "$t")" "$t"
    done
done

if [ "${SUITES:-all}" != unit ]; then
    for s in tests/suite-*.sh; do
        [ -x "$s" ] || continue
        run_suite "$(basename "$s" .sh)" "$s"
    done
fi

passed=$(grep -cE '^ok ' "$log" || true)
failed=$(grep -cE '^not ok ' "$log" || true)
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$suite_failures" -eq 0 ]
