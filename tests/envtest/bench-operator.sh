#!/usr/bin/env bash
# tests/envtest/bench-operator.sh — how the operator does at scale on the
# local control plane: N MLflow objects (default 100) created at once.
#
# Prints: the time until every object is converged (status written for
# its generation and its Deployment there), the API requests per MLflow
# during that converge and during a quiet resync (writes and reads
# apart), and the operator's peak RSS. Exits non-zero when a target is
# missed: converge within 1.5 times the time kubectl takes to create the
# objects, at most one write per owned object (plus the status) per
# MLflow, no write at all in the quiet resync, peak RSS under 15 MB and
# within 2 MB of the idle operator's RSS (nothing kept per object beyond
# the watch caches).
#
# RECONCILER overrides bin/reconciler; N the object count.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/envtest/controlplane.sh
. tests/envtest/lib.sh

RECONCILER=${RECONCILER:-bin/reconciler}
N=${N:-300}
NS=mlflow-bench
RESYNC=5

cp_have_tools || { echo "control plane binaries missing: make tools" >&2; exit 1; }
[ -x "$RECONCILER" ] || { echo "$RECONCILER missing: make build" >&2; exit 1; }
CP_DEFER_KCM=1 cp_start || exit 1
k apply -f config/crd/mlflow.opendatahub.io_mlflows.yaml -f tests/envtest/operator-rbac.yaml >/dev/null &&
    k create namespace "$NS" >/dev/null &&
    k wait --for condition=established --timeout=30s crd/mlflows.mlflow.opendatahub.io >/dev/null ||
    exit 1

MP=$(_cp_free_port)
start_operator bench --namespace "$NS" --metrics-bind-address "127.0.0.1:$MP" --metrics-secure=false \
    --health-probe-bind-address 0 --resync-period "${RESYNC}s" --log-level warn \
    --workers "${WORKERS:-4}"
trap 'stop_operator bench TERM; cp_stop' EXIT
eventually 30 curl -fsS -o /dev/null "http://127.0.0.1:$MP/metrics" || exit 1
sleep 1
idle=$(awk '/VmRSS/ {print $2}' "/proc/$OP_PID_bench/status")
idle_anon=$(awk '/RssAnon/ {print $2}' "/proc/$OP_PID_bench/status")

requests() { # method filter: "GET" or "!GET"
    curl -fsS "http://127.0.0.1:$MP/metrics" | awk -v want="$1" '
        /^rest_client_requests_total/ {
            get = index($0, "method=\"GET\"") > 0
            if ((want == "GET") == get) s += $NF
        } END { print s + 0 }'
}

# Polled with curl, not kubectl: a kubectl start costs more CPU than the
# operator's reconciles and would slow down what is measured.
api() {
    # Not a "curl" user agent: the API server pretty-prints for that one.
    curl -fsS -A mlflow-bench --cacert "$CP_DIR/pki/ca.crt" \
        -H "Authorization: Bearer $CP_ADMIN_TOKEN" "$CP_SERVER$1"
}
# Converged: the status and its three conditions carry observedGeneration
# 1 (written once every object of the MLflow was applied), and no apply
# failed.
converged() {
    local body
    body=$(api /apis/mlflow.opendatahub.io/v1/mlflows) || return 1
    [ "$(grep -o '"observedGeneration":1[,}]' <<<"$body" | wc -l)" -eq $((4 * N)) ] &&
        ! grep -q '"reason":"ApplyFailed"' <<<"$body"
}

docs=$(for i in $(seq -w 1 "$N"); do
    printf -- '---\napiVersion: mlflow.opendatahub.io/v1\nkind: MLflow\nmetadata: {name: b%s}\nspec: {serveArtifacts: true, storage: {}}\n' "$i"
done)
g0=$(requests GET)
w0=$(requests '!GET')
t0=$(date +%s.%N)
echo "$docs" | k apply -f - >/dev/null
tc=$(date +%s.%N)
end=$((SECONDS + 120))
while ! converged; do
    sleep 0.25
    ((SECONDS < end)) || { echo "not converged after 120 s" >&2; exit 1; }
done
t1=$(date +%s.%N)
sleep 2 # let the echoes of the last writes arrive
g1=$(requests GET)
w1=$(requests '!GET')
objects=$(k get deployment,service,serviceaccount,networkpolicy,pvc -n "$NS" -o name | wc -l)
# Plus each instance's reference on the shared ClusterRole.
objects=$((objects + $(k get clusterrolebinding -o name | grep -c mlflow-b) + N))
rsum=$(metric "$MP" 'controller_runtime_reconcile_time_seconds_sum{controller="mlflow",result="success"}')
rcount=$(metric "$MP" 'controller_runtime_reconcile_time_seconds_count{controller="mlflow",result="success"}')

sleep $((RESYNC * 2 + 1)) # two resync periods
g2=$(requests GET)
w2=$(requests '!GET')
rss=$(awk '/VmHWM/ {print $2}' "/proc/$OP_PID_bench/status")
rss_now=$(awk '/VmRSS/ {print $2}' "/proc/$OP_PID_bench/status")
anon_now=$(awk '/^Anonymous/ {print $2}' "/proc/$OP_PID_bench/smaps_rollup")

# What libcurl and OpenSSL cost any process: one HTTPS request, built with
# the operator's libcurl (make passes CURL_CFLAGS and CURL_LIBS).
floor=0
if cc -O2 ${CURL_CFLAGS:-} -o "$CP_DIR/rss-floor" tests/envtest/rss-floor.c ${CURL_LIBS:--lcurl} 2>/dev/null; then
    floor=$(TOKEN=$CP_ADMIN_TOKEN "$CP_DIR/rss-floor" "$CP_SERVER/version" "$CP_DIR/pki/ca.crt") || floor=0
fi

conv=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
created=$(awk -v a="$t0" -v b="$tc" 'BEGIN { print b - a }')
awk -v n="$N" -v conv="$conv" -v w="$((w1 - w0))" -v g="$((g1 - g0))" \
    -v qw="$((w2 - w1))" -v qg="$((g2 - g1))" -v created="$created" -v now="$rss_now" -v anon="$anon_now" -v obj="$objects" -v rss="$rss" -v floor="$floor" -v rs="$rsum" -v rc="$rcount" -v idle="$idle" -v idle_anon="$idle_anon" 'BEGIN {
    printf "operator: %d MLflow objects created at once\n", n
    printf "  converged in            %.2f s      (target <= 1.5 x %.2f s, the time kubectl took to create them: %.2f x)\n", conv, created, conv / created
    printf "  writes per MLflow       %.2f        (at most %.2f owned objects + 1 status)\n", w / n, obj / n
    printf "  reads per MLflow        %.2f\n", g / n
    printf "  reconciles              %d, %.1f ms each on average; %.2f requests each\n", rc, rc ? 1000 * rs / rc : 0, rc ? (w + g) / rc : 0
    printf "  quiet resync x2: writes %d, reads %d\n", qw, qg
    printf "  peak RSS                %.1f MB     (target < 15 MB; now %.1f MB, %.1f MB of it heap)\n", rss / 1024, now / 1024, anon / 1024
    printf "  idle RSS                %.1f MB     (%.1f MB anonymous; peak - idle %.1f MB: target <= 2 MB)\n", idle / 1024, idle_anon / 1024, (rss - idle) / 1024
    if (floor > 0)
        printf "  of which HTTP stack     %.1f MB     (peak RSS of a process making one HTTPS request with the same libcurl)\n", floor / 1024
}'
ok=0
awk -v c="$conv" -v k="$created" 'BEGIN { exit !(c <= 1.5 * k) }' || { echo "MISSED: converge time"; ok=1; }
[ "$((w1 - w0))" -le "$((objects + N))" ] || { echo "MISSED: more than one write per object"; ok=1; }
[ "$((w2 - w1))" -eq 0 ] || { echo "MISSED: the quiet resync wrote"; ok=1; }
[ "$rss" -lt 15360 ] || { echo "MISSED: peak RSS"; ok=1; }
[ "$((rss - idle))" -le 2048 ] || { echo "MISSED: peak RSS within 2 MB of idle"; ok=1; }
exit $ok
