#!/usr/bin/env bash
# tests/suite-05-format.sh — every C file is as clang-format (with the
# checked-in .clang-format) writes it: one check per directory, naming the
# files that differ. `make fmt` rewrites them.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then
    echo "not ok 1 - clang-format is installed (make deps)"
    exit 1
fi
n=0 fails=0
for dir in render krmfn reconciler tests/unit tests/envtest hack fuzz; do
    bad=()
    for f in "$dir"/*.[ch]; do
        [ -f "$f" ] || continue
        clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
    done
    n=$((n + 1))
    if [ ${#bad[@]} -eq 0 ]; then
        echo "ok $n - $dir: C files formatted"
    else
        fails=$((fails + 1))
        echo "not ok $n - $dir: C files formatted"
        printf '#   not as clang-format writes it: %s (make fmt)\n' "${bad[@]}"
    fi
done
echo "1..$n"
[ "$fails" -eq 0 ]
