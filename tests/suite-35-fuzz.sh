#!/usr/bin/env bash
# tests/suite-35-fuzz.sh — builds the libFuzzer targets (fuzz/fuzz.mk:
# clang, -fsanitize=fuzzer,address,undefined) and runs each briefly over
# its checked-in corpus (fuzz/corpus/<target>/). TAP output. FUZZ_RUNS and
# FUZZ_TIME bound each run (default 2000 inputs or 20 s).
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tests/lib.sh
. tests/lib.sh

RUNS=${FUZZ_RUNS:-2000}
MAX_TIME=${FUZZ_TIME:-20}
CLANG=${CLANG:-clang}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

targets=(krm tmpl http)
tap_plan $((1 + ${#targets[@]}))

if ! command -v "$CLANG" >/dev/null; then
    tap_skip "build fuzz targets" "no $CLANG"
    for t in "${targets[@]}"; do tap_skip "fuzz_$t" "no $CLANG"; done
    tap_summary suite-35-fuzz
    exit 0
fi

if make -s -j"$(nproc)" -f fuzz/fuzz.mk CLANG="$CLANG" all >"$work/build.log" 2>&1; then
    tap_ok "build fuzz targets (clang -fsanitize=fuzzer,address,undefined)"
else
    tap_not_ok "build fuzz targets (clang -fsanitize=fuzzer,address,undefined)"
    tail -25 "$work/build.log" | tap_diag
fi

for t in "${targets[@]}"; do
    bin=build/fuzz/fuzz_$t
    if [ ! -x "$bin" ]; then
        tap_not_ok "fuzz_$t: not built"
        continue
    fi
    mkdir -p "$work/$t"
    # New inputs go to a scratch directory; the checked-in corpus is read
    # only. Crash inputs land in $work too and are shown on failure.
    # A leak inside libfyaml itself is not ours to fix (fuzz/lsan.supp).
    if LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}" \
        "$bin" -runs="$RUNS" -max_total_time="$MAX_TIME" -rss_limit_mb=2048 \
        -timeout=10 -artifact_prefix="$work/$t-" "$work/$t" "fuzz/corpus/$t" \
        >"$work/$t.log" 2>&1; then
        tap_ok "fuzz_$t: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$work/$t.log")"
    else
        tap_not_ok "fuzz_$t"
        grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$work/$t.log" | head -25 | tap_diag
        for a in "$work/$t-"*; do
            [ -f "$a" ] && { echo "input $(basename "$a"):"; head -c 600 "$a" | od -c | head -20; } | tap_diag
        done
    fi
done

tap_summary suite-35-fuzz
tap_status
