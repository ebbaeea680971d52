#!/usr/bin/env bash
# Helm parity on charts in the style of widely used public charts
# (testdata/charts/<chart>/chart, rendered with each value set in
# testdata/charts/<chart>/cases), first with the normal build of krmfn,
# then with the AddressSanitizer/UBSan build. KRMFN=path runs that build
# only. The cases are tests/parity.sh cases: args, values.yaml, release,
# expect-error and stderr.
#
#   tests/suite-12-charts.sh [CHART_PATTERN [CASE_PATTERN...]]
set -uo pipefail
cd "$(dirname "$0")/.."
rc=0
chart_pat=${1:-}
shift || true
if [ -n "${KRMFN:-}" ]; then
    builds=("$KRMFN")
else
    builds=(bin/krmfn)
    [ -x build/asan/bin/krmfn ] && builds+=(build/asan/bin/krmfn)
fi
for krmfn in "${builds[@]}"; do
    tag=release
    case $krmfn in *asan*) tag=asan ;; esac
    for dir in testdata/charts/*/; do
        chart=$(basename "$dir")
        [[ -z $chart_pat || $chart =~ $chart_pat ]] || continue
        KRMFN=$krmfn CHART=$dir/chart CASES_DIR=$dir/cases SUITE=charts/$chart \
            tests/parity.sh "$@" | sed "s/^\(\(not \)\?ok [0-9]* - \)/\1$tag: /" || rc=1
    done
done
exit $rc
