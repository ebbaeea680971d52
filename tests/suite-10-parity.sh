#!/usr/bin/env bash
# Helm parity of the real chart (testdata/parity), first with the normal
# build of krmfn, then with the AddressSanitizer/UBSan build.
set -uo pipefail
cd "$(dirname "$0")/.."
rc=0
KRMFN=bin/krmfn tests/parity.sh | sed 's/^\(\(not \)\?ok [0-9]* - \)/\1release: /' || rc=1
if [ -x build/asan/bin/krmfn ]; then
    KRMFN=build/asan/bin/krmfn tests/parity.sh | sed 's/^\(\(not \)\?ok [0-9]* - \)/\1asan: /' || rc=1
fi
exit $rc
