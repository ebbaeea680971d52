#!/usr/bin/env bash
# hack/bench-krm.sh — krmfn as a KRM function, measured (called by
# hack/bench.sh; prints markdown table rows in its format):
#
#  * ResourceLists of 10, 100, 1000 and 10000 MLflow objects through
#    `krmfn`: median wall time, peak RSS and the cost per object (flat
#    when the cost is linear);
#  * one MLflow object through `kustomize build` with krmfn as an exec
#    function, against kustomize's built-in helmCharts inflation with the
#    real helm of the same chart (same release name, namespace and
#    storage/artifact settings): the ratio is the end-to-end speed-up.
set -euo pipefail
cd "$(dirname "$0")/.."
KRMFN=$(realpath "${KRMFN:-bin/krmfn}")
HELM=${HELM:?set HELM to the pinned helm binary}
KUSTOMIZE=${KUSTOMIZE:?set KUSTOMIZE to the pinned kustomize binary}
. hack/bench-lib.sh

# --- N MLflow objects in one ResourceList -------------------------------------
# N = 10, 100, 1000, 10000 (KRM_OBJECTS overrides the list): the cost per
# object should stay flat and the peak RSS should not grow with N (each
# object's memory is released once its output is written).
resource_list() { # n
    printf 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n'
    for ((i = 0; i < $1; i++)); do
        printf -- '- apiVersion: mlflow.opendatahub.io/v1\n  kind: MLflow\n  metadata:\n    name: team-%d\n  spec:\n    serveArtifacts: true\n    storage: {}\n' "$i"
    done
    printf 'functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n  data: {httpRoute: "true"}\n'
}
for n in ${KRM_OBJECTS:-10 100 1000 10000}; do
    resource_list "$n" >"$work/rl.yaml"
    # The 10000-object list takes seconds a run: fewer runs of it.
    runs=$RUNS
    [ "$n" -lt 10000 ] || runs=3
    read -r ou or <<<"$(STDIN=$work/rl.yaml RUNS=$runs measure "$KRMFN")"
    awk -v l="krm: $n MLflow objects" -v ou="$ou" -v or="$or" -v n="$n" 'BEGIN {
        printf "| %-38s | %12s | %10s | %8.2f ms | %6.1f MB | %6s | %7s |\n", l, "-", "-", ou/1000, or/1024, "-", "-"
        printf "| %-38s | %12s | %10s | %8.3f ms | %9s | %6s | %7s |\n", "krm: per MLflow object (N=" n ")", "-", "-", ou/1000/n, "-", "-", "-" }'
    [ "$n" != 1000 ] || target "krmfn: 1000 MLflow objects in one ResourceList" "$(awk -v u="$ou" 'BEGIN{print u/1000}')" "<" 200 " ms"
    [ "$n" != 1000 ] || target "krmfn: peak RSS with 1000 MLflow objects (output streamed)" "$(awk -v r="$or" 'BEGIN{print r/1024}')" "<" 8 " MB"
done

# --- one MLflow through kustomize: exec function vs helmCharts + helm --------
mkdir -p "$work/fn" "$work/helm/charts" "$work/path"
ln -s "$KRMFN" "$work/path/krmfn"
cat >"$work/fn/mlflow.yaml" <<'YAML'
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata:
  name: mlflow
spec:
  serveArtifacts: true
  storage: {}
YAML
cat >"$work/fn/krmfn.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: render
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: krmfn
data: {}
YAML
printf 'resources: [mlflow.yaml]\ntransformers: [krmfn.yaml]\n' >"$work/fn/kustomization.yaml"
cp -r charts/mlflow "$work/helm/charts/mlflow"
cat >"$work/helm/kustomization.yaml" <<'YAML'
helmCharts:
  - name: mlflow
    releaseName: mlflow
    namespace: opendatahub
    valuesInline:
      storage:
        enabled: true
      mlflow:
        serveArtifacts: true
YAML
export PATH="$work/path:$PATH"
read -r hu hr <<<"$(measure "$KUSTOMIZE" build --enable-helm --helm-command "$HELM" "$work/helm")"
read -r ou or <<<"$(measure "$KUSTOMIZE" build --enable-alpha-plugins --enable-exec "$work/fn")"
row "kustomize build: helmCharts vs krmfn" "$hu" "$hr" "$ou" "$or"
target "kustomize build with krmfn faster than with helmCharts" "$(awk -v a="$hu" -v b="$ou" 'BEGIN{print a/b}')" ">=" 6 x
