# tests/envtest/lib.sh — TAP output and helpers for the operator tests
# (sourced by tests/suite-40-operator.sh after controlplane.sh).

T_N=0
T_FAILS=0

t_ok() { T_N=$((T_N + 1)); echo "ok $T_N - $1"; }
t_notok() {
    T_N=$((T_N + 1))
    T_FAILS=$((T_FAILS + 1))
    echo "not ok $T_N - $1"
    shift
    local l
    for l in "$@"; do printf '#   %s\n' "$l"; done
}
t_skip() { T_N=$((T_N + 1)); echo "ok $T_N - $1 # SKIP $2"; }

# t_check NAME CMD...: one test from a command's exit status.
t_check() {
    local name=$1
    shift
    if "$@"; then t_ok "$name"; else t_notok "$name" "failed: $*"; fi
}

# eventually SECONDS CMD...: true once CMD succeeds, polling every 0.2 s.
eventually() {
    local secs=$1
    shift
    local end=$((SECONDS + secs))
    while ((SECONDS < end)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    "$@" >/dev/null 2>&1
}

# k ARGS...: kubectl as the admin.
k() { KUBECONFIG=$CP_ADMIN_KUBECONFIG kubectl "$@"; }

# jp KIND NAME JSONPATH [-n NS]: one field.
jp() {
    local kind=$1 name=$2 path=$3
    shift 3
    k get "$kind" "$name" "$@" -o "jsonpath=$path" 2>/dev/null
}

cond() { # MLFLOW TYPE FIELD: a condition's field
    jp mlflow "$1" "{.status.conditions[?(@.type==\"$2\")].$3}"
}

# start_operator NAME ARGS...: runs bin/reconciler in the background;
# its pid lands in OP_PID_<NAME>, its log in $CP_DIR/op-NAME.log.
start_operator() {
    local name=$1
    shift
    "$RECONCILER" --kubeconfig "$CP_OPERATOR_KUBECONFIG" "$@" \
        2>>"$CP_DIR/op-$name.log" &
    eval "OP_PID_$name=$!"
}

# stop_operator NAME [SIGNAL]: signal it and wait (at most 30 s); its exit
# status lands in STOP_RC. Not in a subshell: only the parent can wait.
stop_operator() {
    local pid i
    STOP_RC=
    eval "pid=\${OP_PID_$1:-}"
    [ -n "$pid" ] || return 0
    kill "-${2:-TERM}" "$pid" 2>/dev/null
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    STOP_RC=0
    wait "$pid" 2>/dev/null || STOP_RC=$?
    eval "OP_PID_$1="
}

# metric PORT SERIES: a value from the operator's /metrics (0 if absent).
metric() {
    local v
    v=$(curl -fsS --max-time 2 "http://127.0.0.1:$1/metrics" 2>/dev/null |
        grep -F "$2 " | head -1 | awk '{print $NF}')
    echo "${v:-0}"
}

# writes PORT: API writes so far (every non-GET request).
writes() {
    curl -fsS --max-time 2 "http://127.0.0.1:$1/metrics" 2>/dev/null |
        awk '/^rest_client_requests_total/ && !/method="GET"/ {s += $NF} END {print s + 0}'
}

# mlflow NAME [SPEC-YAML]: create or replace an MLflow.
mlflow_apply() {
    local name=$1 spec=${2:-"{serveArtifacts: true, storage: {}}"}
    k apply -f - >/dev/null <<Y
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: $name}
spec: $spec
Y
}

# The Deployment of MLflow NAME is marked rolled out and available, as the
# Deployment controller would after its pods became ready.
mark_ready() {
    local dep=$1 ns=$2 gen replicas
    gen=$(jp deployment "$dep" '{.metadata.generation}' -n "$ns")
    replicas=$(jp deployment "$dep" '{.spec.replicas}' -n "$ns")
    k patch deployment "$dep" -n "$ns" --subresource=status --type=merge -p \
        "{\"status\":{\"observedGeneration\":$gen,\"replicas\":$replicas,\"updatedReplicas\":$replicas,\"readyReplicas\":$replicas,\"availableReplicas\":$replicas,\"conditions\":[{\"type\":\"Available\",\"status\":\"True\",\"reason\":\"MinimumReplicasAvailable\",\"message\":\"ready\",\"lastUpdateTime\":\"2026-01-01T00:00:00Z\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}]}}" >/dev/null
}

# owner_refs KIND NAME [-n NS]: "name:controller " for each owner reference
# ("mlflow:true " for a controller reference, "mlflow: " for a plain one).
owner_refs() {
    local kind=$1 name=$2
    shift 2
    jp "$kind" "$name" '{range .metadata.ownerReferences[*]}{.name}:{.controller}{" "}{end}' "$@"
}
