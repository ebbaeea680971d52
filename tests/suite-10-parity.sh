#!/usr/bin/env bash
# Helm parity of the real chart (testdata/parity), first with the normal
# build of krmfn, then with the AddressSanitizer/UBSan build.
set -uo pipefail
cd "$(dirname "$0")/.."
rc=0
# The chart itself passes helm's strictest lint, with the optional objects
# switched on too.
HELM=${HELM:-${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-krm/tools/helm-v3.21.4/helm}
n=0
for args in "" "--set httpRoute.enabled=true --set consoleLink.enabled=true --set consoleLink.href=https://gw.example.com/mlflow"; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    if out=$(KUBECONFIG=/dev/null "$HELM" lint --strict charts/mlflow $args 2>&1); then
        echo "ok $n - helm lint --strict charts/mlflow $args"
    else
        echo "not ok $n - helm lint --strict charts/mlflow $args"
        printf '%s\n' "$out" | sed 's/^/# /' | head -20
        rc=1
    fi
done
KRMFN=bin/krmfn tests/parity.sh | sed 's/^\(\(not \)\?ok [0-9]* - \)/\1release: /' || rc=1
if [ -x build/asan/bin/krmfn ]; then
    KRMFN=build/asan/bin/krmfn tests/parity.sh | sed 's/^\(\(not \)\?ok [0-9]* - \)/\1asan: /' || rc=1
fi
exit $rc
