#!/usr/bin/env bash
# Template conformance (testdata/conformance): real helm against our
# engine, normal build and AddressSanitizer/UBSan build.
set -uo pipefail
cd "$(dirname "$0")/.."
rc=0
KRMFN=bin/krmfn tests/conformance.sh | sed 's/^\(\(not \)\?ok [0-9]* - \)/\1release: /' || rc=1
if [ -x build/asan/bin/krmfn ]; then
    KRMFN=build/asan/bin/krmfn tests/conformance.sh | sed 's/^\(\(not \)\?ok [0-9]* - \)/\1asan: /' || rc=1
fi
exit $rc
