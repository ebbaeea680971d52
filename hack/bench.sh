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
RUNS=${RUNS:-15}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KUBECONFIG=/dev/null HELM_NAMESPACE=

# measure NAME CMD... -> prints "median_ms median_rss_kb"
measure() {
    local i out
    "$@" >/dev/null 2>&1 || { echo "benchmark command failed: $*" >&2; exit 1; }
    : >"$work/samples"
    for ((i = 0; i < RUNS; i++)); do
        local t0 t1
        t0=$(date +%s%N)
        /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1
        t1=$(date +%s%N)
        echo "$(( (t1 - t0) / 1000 )) $(cat "$work/rss")" >>"$work/samples"
    done
    local us rss
    us=$(cut -d' ' -f1 "$work/samples" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
    rss=$(cut -d' ' -f2 "$work/samples" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
    echo "$us $rss"
}

row() { # label helm_us helm_rss ours_us ours_rss
    awk -v l="$1" -v hu="$2" -v hr="$3" -v ou="$4" -v or="$5" 'BEGIN {
        printf "| %-34s | %9.1f ms | %7.1f MB | %8.2f ms | %6.1f MB | %6.1fx | %6.1fx |\n",
            l, hu/1000, hr/1024, ou/1000, or/1024, hu/ou, hr/or }'
}

echo "| workload                           | helm time    | helm RSS   | krmfn time  | krmfn RSS | faster | smaller |"
echo "|------------------------------------|--------------|------------|-------------|-----------|--------|---------|"
read -r hu hr <<<"$(measure "$HELM" template mlflow charts/mlflow)"
read -r ou or <<<"$(measure "$KRMFN" template mlflow charts/mlflow)"
row "template (chart defaults)" "$hu" "$hr" "$ou" "$or"

cat >"$work/values.yaml" <<'YAML'
image:
  tag: v2.0.0
storage:
  size: 20Gi
httpRoute:
  enabled: true
consoleLink:
  enabled: true
YAML
read -r hu hr <<<"$(measure "$HELM" template mlflow charts/mlflow -f "$work/values.yaml" -n team-a)"
read -r ou or <<<"$(measure "$KRMFN" template mlflow charts/mlflow -f "$work/values.yaml" -n team-a)"
row "template (route, console link)" "$hu" "$hr" "$ou" "$or"

if [ -x hack/bench-krm.sh ]; then
    KRMFN=$KRMFN RUNS=$RUNS hack/bench-krm.sh
fi
