#!/usr/bin/env bash
# Template conformance (testdata/conformance): real helm against our
# engine, normal build and AddressSanitizer/UBSan build; and one line for
# the cases' coverage: every function Helm templates can call is defined
# and called by some case (tests/conformance-coverage.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
rc=0
KRMFN=bin/krmfn tests/conformance.sh | sed 's/^\(\(not \)\?ok [0-9]* - \)/\1release: /' || rc=1
if [ -x build/asan/bin/krmfn ]; then
    KRMFN=build/asan/bin/krmfn tests/conformance.sh | sed 's/^\(\(not \)\?ok [0-9]* - \)/\1asan: /' || rc=1
fi
if out=$(KRMFN=bin/krmfn tests/conformance-coverage.sh 2>&1); then
    echo "ok - conformance coverage: $out"
else
    echo "not ok - conformance coverage: Helm functions krmfn lacks or no case checks"
    printf '%s\n' "$out" | sed 's/^/# /'
    rc=1
fi
exit $rc
