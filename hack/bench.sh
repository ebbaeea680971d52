#!/usr/bin/env bash
# hack/bench.sh — krmfn against helm, measured side by side in one run.
#
# For each workload both commands run RUNS times (after one warm-up); the
# table shows the median wall time and the median peak RSS (GNU time's
# maximum resident set size), and the ratios helm/krmfn.
set -euo pipefail
cd "$(dirname "$0")/.."
HELM=${HELM:?set HELM to the pinned helm binary}
KRMFN=${KRMFN:-bin/krmfn}
. hack/bench-lib.sh

echo "| workload                               | helm time    | helm RSS   | krmfn time  | krmfn RSS | faster | smaller |"
echo "|----------------------------------------|--------------|------------|-------------|-----------|--------|---------|"
read -r hu hr <<<"$(measure "$HELM" template mlflow charts/mlflow)"
read -r ou or <<<"$(measure "$KRMFN" template mlflow charts/mlflow)"
row "template (chart defaults)" "$hu" "$hr" "$ou" "$or"
export BENCH_TARGETS=$work/targets
: >"$BENCH_TARGETS"
template_targets() { # label helm_us helm_rss ours_us ours_rss
    target "krmfn template $1 faster than helm" "$(awk -v a="$2" -v b="$4" 'BEGIN{print a/b}')" ">=" 40 x
    target "krmfn template $1 peak RSS below helm's" "$(awk -v a="$3" -v b="$5" 'BEGIN{print a/b}')" ">=" 20 x
}
template_targets "(chart defaults)" "$hu" "$hr" "$ou" "$or"

cat >"$work/values.yaml" <<'YAML'
image:
  tag: v2.0.0
storage:
  size: 20Gi
httpRoute:
  enabled: true
consoleLink:
  enabled: true
  href: https://gateway.apps.example.com/mlflow
YAML
read -r hu hr <<<"$(measure "$HELM" template mlflow charts/mlflow -f "$work/values.yaml" -n team-a)"
read -r ou or <<<"$(measure "$KRMFN" template mlflow charts/mlflow -f "$work/values.yaml" -n team-a)"
row "template (route, console link)" "$hu" "$hr" "$ou" "$or"
template_targets "(route, console link)" "$hu" "$hr" "$ou" "$or"

# The sample MLflow object (config/samples/mlflow_v1_mlflow.yaml): the
# values it maps to (krmfn render --values), rendered by each.
"$KRMFN" render --values config/samples/mlflow_v1_mlflow.yaml >"$work/sample.yaml"
read -r hu hr <<<"$(measure "$HELM" template mlflow charts/mlflow -f "$work/sample.yaml" -n opendatahub)"
read -r ou or <<<"$(measure "$KRMFN" template mlflow charts/mlflow -f "$work/sample.yaml" -n opendatahub)"
row "template (the sample MLflow's values)" "$hu" "$hr" "$ou" "$or"
template_targets "(the sample MLflow's values)" "$hu" "$hr" "$ou" "$or"

# The function adds its own rows.
KRMFN=$KRMFN RUNS=$RUNS hack/bench-krm.sh

echo
echo "Targets:"
cat "$BENCH_TARGETS"

# The operator on a local control plane (needs ETCD, KUBE_APISERVER and
# KUBE_CONTROLLER_MANAGER); it prints its own block and says MISSED for a
# target it does not reach.
if [ -n "${KUBE_APISERVER:-}" ] && [ -x bin/reconciler ]; then
    echo
    tests/envtest/bench-operator.sh || echo "(operator: a target was missed, see above)"
fi
