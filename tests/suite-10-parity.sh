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
# The MLflow mapping through real helm: `krmfn render --values` prints the
# values an MLflow object maps to and the `helm template` command for them;
# helm must render from them the objects `krmfn render` prints (helm's
# Release.Service, "Helm", aside: krmfn's objects say krmfn).
mapping_parity() { # name file [render flags...]
    local name=$1 f=$2 w
    shift 2
    w=$(mktemp -d)
    bin/krmfn render --values "$@" "$f" >"$w/values.yaml" &&
        bin/krmfn render "$@" "$f" >"$w/krmfn.yaml" || { rm -rf "$w"; return 1; }
    # "# MLflow NAME: helm template RELEASE CHART --namespace NS -f ..."
    local release ns
    read -r release ns < <(sed -n '1s/^# MLflow [^:]*: helm template \([^ ]*\) [^ ]* --namespace \([^ ]*\) .*/\1 \2/p' "$w/values.yaml")
    KUBECONFIG=/dev/null "$HELM" template "$release" charts/mlflow --namespace "$ns" \
        -f "$w/values.yaml" >"$w/helm.yaml" || { rm -rf "$w"; return 1; }
    python3 - "$w/helm.yaml" "$w/krmfn.yaml" <<'PY'
import difflib, sys, yaml
def load(path, helm):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    text = yaml.safe_dump_all(docs, sort_keys=True)
    if helm:
        text = text.replace("app.kubernetes.io/managed-by: Helm", "app.kubernetes.io/managed-by: krmfn")
    # krmfn render passes other objects of the file through
    return [d for d in yaml.safe_load_all(text)
            if d and (d.get("metadata", {}).get("labels") or {}).get("app.kubernetes.io/managed-by") == "krmfn"]
h, k = load(sys.argv[1], True), load(sys.argv[2], False)
if h and h == k:
    sys.exit(0)
a = yaml.safe_dump_all(h, sort_keys=True).splitlines()
b = yaml.safe_dump_all(k, sort_keys=True).splitlines()
print("\n".join(list(difflib.unified_diff(a, b, "helm", "krmfn", lineterm=""))[:40]) or "no objects")
sys.exit(1)
PY
    local r=$?
    rm -rf "$w"
    return $r
}
for f in config/samples/mlflow_v1_*.yaml; do
    grep -q '^kind: MLflow' "$f" || continue
    for flags in "" "--mode rhoai --http-route --console-link --mlflow-url https://gw.example.com"; do
        n=$((n + 1))
        # shellcheck disable=SC2086
        if out=$(mapping_parity "$f" "$f" $flags 2>&1); then
            echo "ok $n - mapping: $(basename "$f") $flags through helm gives what krmfn render gives"
        else
            echo "not ok $n - mapping: $(basename "$f") $flags through helm gives what krmfn render gives"
            printf '%s\n' "$out" | sed 's/^/# /' | head -40
            rc=1
        fi
    done
done
KRMFN=bin/krmfn tests/parity.sh | sed 's/^\(\(not \)\?ok [0-9]* - \)/\1release: /' || rc=1
if [ -x build/asan/bin/krmfn ]; then
    KRMFN=build/asan/bin/krmfn tests/parity.sh | sed 's/^\(\(not \)\?ok [0-9]* - \)/\1asan: /' || rc=1
fi
exit $rc
