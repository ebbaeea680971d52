#!/usr/bin/env bash
# tests/suite-45-mlflow-e2e.sh — the real MLflow server, started from the
# manifests the operator applies, used by the real MLflow client.
#
# Everything is real and local: etcd, kube-apiserver and kube-controller-
# manager (deployments, replicasets, endpoint slices, service-account tokens,
# volume binding; tests/envtest/controlplane.sh with CP_PODS=1), bin/reconciler
# under its shipped RBAC, tests/e2e/podrunner.py as the node (pods as local
# processes in their own network and mount namespaces), MLflow and the
# Kubeflow kubernetes-auth plugin from PyPI (hack/e2e.mk), Debian's
# PostgreSQL, and moto's S3 server. The pods live on a bridge of their own
# (10.244.N.0/24, see E2E_SLOT); the API server, PostgreSQL and S3 listen on its address.
#
# Needs root (network namespaces, mounts). Prints TAP; exits non-zero when a
# test failed. CP_KEEP=1 keeps the logs (pods' logs: $CP_DIR/node/logs).
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/envtest/controlplane.sh
. tests/envtest/lib.sh

RECONCILER=${RECONCILER:-bin/reconciler}
_tools=${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-krm/tools
MLFLOW_VENV=${MLFLOW_VENV:-$(ls -d "$_tools"/mlflow-venv-* 2>/dev/null | tail -1)}
S3_VENV=${S3_VENV:-$(ls -d "$_tools"/s3-venv-* 2>/dev/null | tail -1)}
MLFLOW_OLD_VENV=${MLFLOW_OLD_VENV:-$(ls -d "$_tools"/mlflow-old-venv-* 2>/dev/null | tail -1)}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
# A run takes the first free pod network slot N (bridge mlkrmN, 10.244.N.0/24),
# held by a lock for as long as the run or anything it started lives, so runs
# side by side never touch each other's bridge or namespaces.
E2E_SLOT=
mkdir -p /run/lock 2>/dev/null
for n in $(seq 0 31); do
    exec {E2E_LOCK_FD}>"/run/lock/mlflow-krm-e2e-$n.lock" || break
    if flock -n "$E2E_LOCK_FD"; then E2E_SLOT=$n; break; fi
    exec {E2E_LOCK_FD}>&-
done
BRIDGE=mlkrm${E2E_SLOT:-0}
HOST_IP=10.244.${E2E_SLOT:-0}.1
CIDR=$HOST_IP/24
NS=opendatahub
PY=$MLFLOW_VENV/bin/python
E2E=tests/e2e

missing=()
cp_have_tools || missing+=("control plane binaries (make tools)")
[ -x "$KUBE_CONTROLLER_MANAGER" ] || missing+=("kube-controller-manager (make tools)")
[ -f "$MLFLOW_VENV/.done" ] || missing+=("the MLflow runtime (make tools-e2e)")
[ -f "$S3_VENV/.done" ] || missing+=("the S3 server (make tools-e2e)")
[ -f "$MLFLOW_OLD_VENV/.done" ] || missing+=("the older MLflow (make tools-e2e)")
[ -x "$PG_BIN/initdb" ] || missing+=("PostgreSQL (make deps)")
[ -x /usr/bin/chromium ] || missing+=("Chromium (make deps)")
[ -x "$RECONCILER" ] || missing+=("$RECONCILER (make build)")
[ "$(id -u)" = 0 ] || missing+=("root (network namespaces and mounts)")
[ -n "$E2E_SLOT" ] || missing+=("a free pod network (32 runs hold /run/lock/mlflow-krm-e2e-*.lock)")
if [ ${#missing[@]} -gt 0 ]; then
    t_notok "the end-to-end suite has what it needs" "${missing[@]}"
    exit 1
fi

# --- the network, PostgreSQL and S3 -------------------------------------------
E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mlflow-e2e.XXXXXX")
PG_PID= S3_PID= NODE_PID=
on_exit() {
    local v
    [ -n "${LIVE_PID:-}" ] && kill "$LIVE_PID" 2>/dev/null
    for v in ${!OP_PID_*}; do [ -n "${!v}" ] && kill -9 "${!v}" 2>/dev/null; done
    [ -n "$NODE_PID" ] && _cp_kill "$NODE_PID" 30
    if [ "$T_FAILS" -gt 0 ] && [ -n "${CP_DIR:-}" ]; then
        for f in "$CP_DIR"/op-*.log "$E2E_DIR"/node.log "$E2E_DIR"/node/logs/*.log; do
            [ -f "$f" ] || continue
            echo "# --- last lines of $(basename "$f")"
            tail -25 "$f" | sed 's/^/#   /'
        done
    fi
    cp_stop
    [ -n "$S3_PID" ] && _cp_kill "$S3_PID" 5
    [ -d "$E2E_DIR/pg" ] && su postgres -s /bin/sh -c "'$PG_BIN/pg_ctl' -D '$E2E_DIR/pg' -m fast -w stop" >/dev/null 2>&1
    python3 "$E2E/podrunner.py" net-down --bridge "$BRIDGE" --cidr "$CIDR"
    if [ -n "${CP_KEEP:-}" ]; then echo "# e2e files kept in $E2E_DIR" >&2; else rm -rf "$E2E_DIR"; fi
}
trap on_exit EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

python3 "$E2E/podrunner.py" net-up --bridge "$BRIDGE" --cidr "$CIDR" ||
    { t_notok "the pod network ($BRIDGE, $CIDR) is set up"; exit 1; }

free_port() { CP_DIR=$E2E_DIR _cp_free_port; }

PG_PORT=$(free_port)
PG_PASSWORD=$(openssl rand -hex 16)
start_postgres() {
    # PostgreSQL runs as its own user, in directories of its own.
    mkdir -p "$E2E_DIR/pg" "$E2E_DIR/pgrun"
    chown postgres: "$E2E_DIR/pg" "$E2E_DIR/pgrun"
    chmod o+x "$E2E_DIR"
    (umask 077 && printf '%s\n' "$PG_PASSWORD" >"$E2E_DIR/pgrun/pwfile") &&
        chown postgres: "$E2E_DIR/pgrun/pwfile"
    su postgres -s /bin/sh -c "'$PG_BIN/initdb' -D '$E2E_DIR/pg' -U postgres -A scram-sha-256 \
        --pwfile='$E2E_DIR/pgrun/pwfile' -E UTF8 --locale=C.UTF-8" >"$E2E_DIR/initdb.log" 2>&1 || return 1
    echo "host all all $HOST_IP/24 scram-sha-256" >>"$E2E_DIR/pg/pg_hba.conf"
    su postgres -s /bin/sh -c "'$PG_BIN/pg_ctl' -D '$E2E_DIR/pg' -l '$E2E_DIR/pgrun/postgres.log' -w \
        -o \"-h $HOST_IP -p $PG_PORT -k '$E2E_DIR/pgrun' -c log_connections=on\" start" >/dev/null 2>&1 ||
        return 1
    # mlflow owns the database; mlflow_reader, the read replica's role, may
    # only read what mlflow creates.
    PGPASSWORD=$PG_PASSWORD psql -h "$HOST_IP" -p "$PG_PORT" -U postgres -q -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE mlflow LOGIN PASSWORD '$PG_PASSWORD'" -c "CREATE DATABASE mlflow OWNER mlflow" \
        -c "CREATE ROLE mlflow_reader LOGIN PASSWORD '$PG_PASSWORD'" >/dev/null &&
        PGPASSWORD=$PG_PASSWORD psql -h "$HOST_IP" -p "$PG_PORT" -U mlflow -d mlflow -q -v ON_ERROR_STOP=1 \
            -c "GRANT USAGE ON SCHEMA public TO mlflow_reader" \
            -c "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO mlflow_reader" >/dev/null
}
S3_PORT=$(free_port)
start_s3() {
    "$S3_VENV/bin/moto_server" -H "$HOST_IP" -p "$S3_PORT" >"$E2E_DIR/s3.log" 2>&1 &
    S3_PID=$!
    eventually 30 curl -fsS -o /dev/null "http://$HOST_IP:$S3_PORT/" || return 1
    AWS_ACCESS_KEY_ID=e2e AWS_SECRET_ACCESS_KEY=e2e-secret "$PY" -c '
import sys, boto3
boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1").create_bucket(Bucket="mlflow-artifacts")
' "http://$HOST_IP:$S3_PORT"
}
if start_postgres; then t_ok "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') is up on $HOST_IP:$PG_PORT"; else
    t_notok "PostgreSQL starts" "$(tail -5 "$E2E_DIR"/initdb.log "$E2E_DIR"/pgrun/postgres.log 2>/dev/null)"
    exit 1
fi
if start_s3; then t_ok "the S3 server (moto $("$S3_VENV/bin/pip" show moto 2>/dev/null | awk '/^Version/{print $2}')) is up with a bucket"; else
    t_notok "the S3 server starts" "$(tail -5 "$E2E_DIR/s3.log")"
    exit 1
fi

# --- the control plane, the node, the operator ---------------------------------
CP_PODS=1 CP_ADDRESS=$HOST_IP
if ! CP_DEFER_KCM=1 cp_start; then
    t_notok "the control plane starts"
    exit 1
fi
install_rbac() {
    k kustomize config/rbac | sed "s/namespace: system\$/namespace: $NS/" |
        k apply -n "$NS" -f - >/dev/null || return 1
    eventually 30 k get serviceaccount default -n "$NS" || return 1
    CP_OPERATOR_KUBECONFIG=$CP_DIR/operator-sa.kubeconfig
    _cp_kubeconfig "$CP_OPERATOR_KUBECONFIG" mlflow-operator \
        "$(k create token mlflow-operator -n "$NS" --duration 2h)"
}
k apply -f config/crd/mlflow.opendatahub.io_mlflows.yaml \
    -f config/crd/mlflow.kubeflow.org_mlflowconfigs.yaml \
    -f tests/envtest/crds/servicemonitors.yaml >/dev/null &&
    k create namespace "$NS" >/dev/null &&
    k create namespace team-a >/dev/null && k create namespace team-b >/dev/null &&
    k create namespace team-c >/dev/null &&
    k wait --for condition=established --timeout=30s crd/mlflows.mlflow.opendatahub.io >/dev/null &&
    cp_start_controller_manager && install_rbac
if [ $? -eq 0 ]; then t_ok "CRD, namespaces, the operator's RBAC; kube-controller-manager runs"; else
    t_notok "CRD, namespaces and RBAC installed"
    echo "Bail out! nothing to test without them"
    exit 1
fi

printf '%s\n' "$CP_ADMIN_TOKEN" >"$E2E_DIR/node.token"
python3 "$E2E/podrunner.py" run --server "$CP_SERVER" --token-file "$E2E_DIR/node.token" \
    --ca "$CP_DIR/pki/ca.crt" --node node-1 --state "$E2E_DIR/node" \
    --bridge "$BRIDGE" --cidr "$CIDR" \
    --runtime "quay.io/opendatahub/mlflow:*=$MLFLOW_VENV:1001" \
    --runtime "quay.io/sclorg/postgresql-16-c9s:*=${PG_BIN%/bin}:1001" 2>"$E2E_DIR/node.log" &
NODE_PID=$!
t_check "the node registers and is Ready" eventually 30 eval '
    [ "$(jp node node-1 "{.status.conditions[?(@.type==\"Ready\")].status}")" = True ]'

# The serving certificates, as cert-manager would issue them: one CA, one
# certificate per Service name.
mkdir -p "$E2E_DIR/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -keyout "$E2E_DIR/tls/ca.key" -out "$E2E_DIR/tls/ca.crt" -subj /CN=mlflow-e2e-ca 2>/dev/null
serving_cert() { # SERVICE SECRET
    local d=$E2E_DIR/tls
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$d/$1.key" -out "$d/$1.csr" -subj "/CN=$1.$NS.svc" 2>/dev/null &&
        openssl x509 -req -in "$d/$1.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
            -days 2 -out "$d/$1.crt" 2>/dev/null \
            -extfile <(printf 'subjectAltName=DNS:%s.%s.svc,DNS:%s.%s.svc.cluster.local\n' "$1" "$NS" "$1" "$NS") &&
        k create secret tls "$2" -n "$NS" --cert "$d/$1.crt" --key "$d/$1.key" >/dev/null
}
# PostgreSQL serves TLS too, with a certificate of the same CA for its
# address: the remote instance connects with sslmode=verify-full, which only
# works when the server trusts that CA (caBundleConfigMap).
pg_tls() {
    local d=$E2E_DIR/tls
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$d/pg.key" -out "$d/pg.csr" -subj "/CN=$HOST_IP" 2>/dev/null &&
        openssl x509 -req -in "$d/pg.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
            -days 2 -out "$d/pg.crt" -extfile <(printf 'subjectAltName=IP:%s\n' "$HOST_IP") 2>/dev/null &&
        cp "$d/pg.crt" "$d/pg.key" "$E2E_DIR/pgrun/" && chown postgres "$E2E_DIR/pgrun/pg.crt" "$E2E_DIR/pgrun/pg.key" &&
        chmod 600 "$E2E_DIR/pgrun/pg.key" &&
        PGPASSWORD=$PG_PASSWORD psql -h "$HOST_IP" -p "$PG_PORT" -U postgres -q -v ON_ERROR_STOP=1 \
            -c "ALTER SYSTEM SET ssl_cert_file = '$E2E_DIR/pgrun/pg.crt'" \
            -c "ALTER SYSTEM SET ssl_key_file = '$E2E_DIR/pgrun/pg.key'" \
            -c "ALTER SYSTEM SET ssl = on" -c "ALTER SYSTEM SET log_line_prefix = 'host=%h '" \
            -c "SELECT pg_reload_conf()" >/dev/null &&
        eventually 10 eval 'PGPASSWORD=$PG_PASSWORD psql "host=$HOST_IP port=$PG_PORT user=mlflow dbname=mlflow sslmode=verify-full sslrootcert=$d/ca.crt" -Atc "select 1" >/dev/null 2>&1'
}
t_check "PostgreSQL serves TLS with a certificate of the e2e CA (verify-full from the host)" pg_tls
serving_cert mlflow mlflow-tls && serving_cert mlflow-remote mlflow-remote-tls &&
    k create configmap e2e-ca -n "$NS" --from-file "ca.crt=$E2E_DIR/tls/ca.crt" >/dev/null &&
    k create secret generic mlflow-db -n "$NS" \
        --from-literal "uri=postgresql://mlflow:$PG_PASSWORD@$HOST_IP:$PG_PORT/mlflow?sslmode=verify-full" \
        --from-literal "reader=postgresql://mlflow_reader:$PG_PASSWORD@$HOST_IP:$PG_PORT/mlflow" >/dev/null &&
    k create secret generic mlflow-s3 -n "$NS" --from-literal AWS_ACCESS_KEY_ID=e2e \
        --from-literal AWS_SECRET_ACCESS_KEY=e2e-secret --from-literal AWS_DEFAULT_REGION=us-east-1 \
        --from-literal "MLFLOW_S3_ENDPOINT_URL=http://$HOST_IP:$S3_PORT" >/dev/null
t_check "serving certificates and the database and S3 Secrets created" [ $? -eq 0 ]

HP=$(free_port)
MP=$(free_port)
# The servers' runtime has prometheus-flask-exporter: metrics on, and a
# ServiceMonitor per instance since that API is served.
export MLFLOW_METRICS=true
op_start() {
    start_operator main --namespace "$NS" \
        --health-probe-bind-address "127.0.0.1:$HP" --metrics-bind-address "127.0.0.1:$MP" \
        --metrics-secure=false
}
op_start
t_check "the operator becomes ready" eventually 30 curl -fsS "http://127.0.0.1:$HP/readyz"

# --- two MLflow servers ------------------------------------------------------------
k apply -f - >/dev/null <<'Y'
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: mlflow}
spec:
  serveArtifacts: true
  storage:
    resources: {requests: {storage: 1Gi}}
---
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: remote}
spec:
  serveArtifacts: true
  backendStoreUriFrom: {name: mlflow-db, key: uri}
  # A read-only role of the same database as the read replica: reads go
  # through it, and a write sent there would fail.
  readReplicaBackendStoreUriFrom: {name: mlflow-db, key: reader}
  artifactsDestination: s3://mlflow-artifacts/
  envFrom:
    - secretRef: {name: mlflow-s3}
  extraAllowedOrigins: ["https://app.example.com"]
  workspaceLabelSelector:
    matchLabels: {mlflow-e2e/workspace: "true"}
  podAnnotations: {mlflow-e2e/annotated: "yes"}
  serviceAccountAnnotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::123456789012:role/mlflow-e2e"}
  temporaryStorage: {sizeLimit: 512Mi}
  caBundleConfigMap: {name: e2e-ca}
Y
t_check "two MLflow objects applied (PVC + SQLite; PostgreSQL + S3)" [ $? -eq 0 ]

available() { # MLFLOW DEPLOYMENT: Available=True and the Deployment's own count agrees
    [ "$(cond "$1" Available status)" = True ] &&
        [ "$(jp deployment "$2" '{.status.readyReplicas}' -n "$NS")" = 1 ]
}
t_check "mlflow (SQLite on its claim): Available=True from the real Deployment controller" \
    eventually 240 available mlflow mlflow
t_check "remote (PostgreSQL, S3): Available=True from the real Deployment controller" \
    eventually 240 available remote mlflow-remote
if [ "$T_FAILS" -gt 0 ]; then
    echo "Bail out! the MLflow servers did not become available"
    exit 1
fi
# status.version: what the pods' init container reported, the version of
# the MLflow the server runs; kubectl shows it in the Version column.
MLFLOW_VERSION=$("$PY" -c 'from importlib import metadata; print(metadata.version("mlflow"))')
version_column() { # MLFLOW
    k get mlflow "$1" | awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "VERSION") c = i }
        NR == 2 && c { print $c }'
}
t_check "status.version is the MLflow the pods run ($MLFLOW_VERSION), shown as Version" eventually 60 eval '
    [ "$(jp mlflow mlflow "{.status.version}")" = "$MLFLOW_VERSION" ] &&
    [ "$(jp mlflow remote "{.status.version}")" = "$MLFLOW_VERSION" ] &&
    [ "$(version_column remote)" = "$MLFLOW_VERSION" ]'
t_check "the claim was bound by the volume binder" eval '
    [ "$(jp pvc mlflow-pvc "{.status.phase}" -n "$NS")" = Bound ]'

# A third, started once the first two report their version (its migration
# Job and two servers load the node): split
# serving, a tracking server and a dedicated artifacts server over their
# own PostgreSQL database and S3, the database's schema made by the
# operator's migration Job before either server starts.
PGPASSWORD=$PG_PASSWORD psql -h "$HOST_IP" -p "$PG_PORT" -U postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE split OWNER mlflow" >/dev/null &&
    k create secret generic mlflow-split-db -n "$NS" \
        --from-literal "uri=postgresql://mlflow:$PG_PASSWORD@$HOST_IP:$PG_PORT/split" >/dev/null &&
    serving_cert mlflow-split mlflow-split-tls &&
    serving_cert mlflow-artifacts-split mlflow-artifacts-split-tls &&
    k apply -f - >/dev/null <<'Y'
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: split}
spec:
  backendStoreUriFrom: {name: mlflow-split-db, key: uri}
  artifactsDestination: s3://mlflow-artifacts/split
  envFrom:
    - secretRef: {name: mlflow-s3}
  migration: {}
  artifactsServer: {enabled: true, workers: 2}
Y
t_check "split: its database, serving certificates and the MLflow with artifactsServer applied" [ $? -eq 0 ]

endpoint() { # SERVICE: the ready endpoint address of the Service (EndpointSlice)
    k get endpointslices -n "$NS" -l "kubernetes.io/service-name=$1" \
        -o 'jsonpath={.items[0].endpoints[?(@.conditions.ready==true)].addresses[0]}'
}
t_check "each Service's EndpointSlice lists its ready pod" eval '
    [ -n "$(endpoint mlflow)" ] && [ -n "$(endpoint mlflow-remote)" ] &&
    [ "$(endpoint mlflow)" != "$(endpoint mlflow-remote)" ]'

# --- users -------------------------------------------------------------------------
# alice may do everything MLflow checks in team-a; bob has a valid token
# and no MLflow permission.
k apply -f - >/dev/null <<'Y'
apiVersion: v1
kind: ServiceAccount
metadata: {name: alice, namespace: team-a}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: bob, namespace: team-a}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: mlflow-user, namespace: team-a}
rules:
  - apiGroups: [mlflow.kubeflow.org]
    resources: ["*"]
    verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-mlflow, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: mlflow-user}
subjects:
  - {kind: ServiceAccount, name: alice, namespace: team-a}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: mlflow-user, namespace: team-c}
rules:
  - apiGroups: [mlflow.kubeflow.org]
    resources: ["*"]
    verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-mlflow, namespace: team-c}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: mlflow-user}
subjects:
  - {kind: ServiceAccount, name: alice, namespace: team-a}
Y
k label namespace team-a team-b mlflow-e2e/workspace=true >/dev/null
ALICE=$(k create token alice -n team-a --duration 1h)
BOB=$(k create token bob -n team-a --duration 1h)
t_check "users alice (RBAC in team-a) and bob (none) have tokens" [ -n "$ALICE" ] && [ -n "$BOB" ]

client() { # SERVICE PREFIX PHASE [ARGS...]: the MLflow client checks (TAP)
    local svc=$1 prefix=$2 phase=$3
    shift 3
    # Bounded: the client retries a failing request for minutes by itself.
    ALICE_TOKEN=$ALICE BOB_TOKEN=$BOB MLFLOW_HTTP_REQUEST_MAX_RETRIES=2 \
        timeout -k 10 300 "$PY" "$E2E/client_check.py" \
        --url "https://$svc.$NS.svc:8443$prefix" --resolve "$svc.$NS.svc=$(endpoint "$svc")" \
        --ca "$E2E_DIR/tls/ca.crt" --workspace team-a --phase "$phase" \
        --state "$E2E_DIR/client-$svc.json" "$@"
}
client_tap() { # runs client, renumbers its TAP lines into ours
    local line
    while IFS= read -r line; do
        case $line in
        "ok "*) t_ok "${line#ok * - }" ;;
        "not ok "*) t_notok "${line#not ok * - }" ;;
        *) echo "$line" ;;
        esac
    done < <(client "$@" 2>&1)
    wait $! 2>/dev/null
    [ $? -lt 124 ] || t_notok "the client ($*) finished in time"
}

# The HTTPRoute each instance gets on OpenShift, rendered by the same
# library: the client checks that every kind of request, rewritten as the
# route says, reaches the real server.
for inst in mlflow remote; do
    k get mlflow "$inst" -o yaml | bin/krmfn render --http-route - >"$E2E_DIR/route-$inst.yaml"
done
client_tap mlflow /mlflow write --artifact-store mlflow-artifacts --route "$E2E_DIR/route-mlflow.yaml"
client_tap mlflow-remote /mlflow-remote write --artifact-store s3 \
    --s3 "http://$HOST_IP:$S3_PORT" --s3-bucket mlflow-artifacts --route "$E2E_DIR/route-remote.yaml"
ui_tap() { # SERVICE PREFIX: the UI in headless Chromium (TAP, renumbered)
    local line
    while IFS= read -r line; do
        case $line in
        "ok "*) t_ok "${line#ok * - }" ;;
        "not ok "*) t_notok "${line#not ok * - }" ;;
        *) echo "$line" ;;
        esac
    done < <(ALICE_TOKEN=$ALICE timeout -k 10 180 "$PY" "$E2E/ui_check.py" --url "https://$1.$NS.svc:8443$2" \
        --resolve "$1.$NS.svc=$(endpoint "$1")" --workspace team-a --expect-text e2e-experiment \
        --screenshot "$E2E_DIR/ui-$1.png" 2>&1)
    wait $! 2>/dev/null
    [ $? -lt 124 ] || t_notok "the UI check ($1) finished in time"
}
ui_tap mlflow /mlflow
ui_tap mlflow-remote /mlflow-remote
t_check "PostgreSQL holds the run the client logged" eval '
    PGPASSWORD=$PG_PASSWORD psql -h $HOST_IP -p $PG_PORT -U mlflow -d mlflow -Atc \
        "select count(*) from runs where name = '"'e2e-run'"'" | grep -qx 1'

# --- the Go operator's newer fields, as the real server takes them ----------------
api() { # SERVICE PREFIX WORKSPACE ORIGIN GET|POST: "<body> <status>" of a search
    local svc=$1 ip query=
    ip=$(endpoint "$svc")
    [ "$5" = GET ] && query='?max_results=1'
    curl -sS --max-time 20 --cacert "$E2E_DIR/tls/ca.crt" --resolve "$svc.$NS.svc:8443:$ip" \
        -H "Authorization: Bearer $ALICE" -H "X-MLFLOW-WORKSPACE: $3" ${4:+-H "Origin: $4"} \
        -H 'Content-Type: application/json' -X "$5" ${query:--d '{"max_results": 1}'} \
        -w ' %{http_code}' "https://$svc.$NS.svc:8443$2/api/2.0/mlflow/experiments/search$query" 2>&1
}
code_is() { # WANT ARGS...: the status api ARGS answers is WANT
    local want=$1 out
    shift
    out=$(api "$@")
    [ "${out##* }" = "$want" ] || { echo "got: $out"; return 1; }
}
# CORS: a browser on another origin may not change anything (MLflow answers
# 403 to a state-changing request from an origin it does not allow); the
# Service's own name and extraAllowedOrigins may.
R=(mlflow-remote /mlflow-remote team-a)
t_check "CORS: a POST from an unknown origin is refused (403)" \
    code_is 403 "${R[@]}" https://evil.example.com POST
t_check "CORS: a POST from an origin in extraAllowedOrigins is served" \
    code_is 200 "${R[@]}" https://app.example.com POST
t_check "CORS: a POST from the Service's own origin is served" \
    code_is 200 "${R[@]}" "https://mlflow-remote.$NS.svc:8443" POST
t_check "CORS: the same POST without an Origin (not a browser) is served" \
    code_is 200 "${R[@]}" "" POST
t_check "CORS: on the other instance, the first instance's extra origin is refused" \
    code_is 403 mlflow /mlflow team-a https://app.example.com POST
# workspaceLabelSelector: only the labelled namespace is a workspace of the
# remote instance; alice has the same RBAC in team-a and team-c.
t_check "workspaceLabelSelector: team-a (labelled) is a workspace of mlflow-remote" \
    code_is 200 mlflow-remote /mlflow-remote team-a "" GET
t_check "workspaceLabelSelector: team-c (unlabelled) is not a workspace of mlflow-remote (404)" \
    code_is 404 mlflow-remote /mlflow-remote team-c "" GET
t_check "workspaceLabelSelector: without a selector, team-c is a workspace of mlflow" \
    code_is 200 mlflow /mlflow team-c "" GET
# MLflowConfig (the CRD we ship): a workspace's own artifact bucket, read by
# the server under the ClusterRole "mlflow" (its MLflowConfig and the one
# Secret it may read), for experiments created after it.
k apply -f - >/dev/null <<'Y'
apiVersion: v1
kind: Secret
metadata: {name: mlflow-artifact-connection, namespace: team-a}
stringData: {AWS_S3_BUCKET: team-a-artifacts}
---
apiVersion: mlflow.kubeflow.org/v1
kind: MLflowConfig
metadata: {name: mlflow, namespace: team-a}
spec: {artifactRootSecret: mlflow-artifact-connection, artifactRootPath: e2e}
Y
override_location() { # a new experiment's artifact location, through the server
    local ip out
    ip=$(endpoint mlflow-remote)
    out=$(curl -sS --max-time 20 --cacert "$E2E_DIR/tls/ca.crt" \
        --resolve "mlflow-remote.$NS.svc:8443:$ip" -H "Authorization: Bearer $ALICE" \
        -H "X-MLFLOW-WORKSPACE: team-a" -H 'Content-Type: application/json' \
        -d "{\"name\": \"override-$RANDOM$RANDOM\"}" \
        "https://mlflow-remote.$NS.svc:8443/mlflow-remote/api/2.0/mlflow/experiments/create") || return 1
    local id=${out#*\"experiment_id\": \"}
    id=${id%%\"*}
    curl -sS --max-time 20 --cacert "$E2E_DIR/tls/ca.crt" \
        --resolve "mlflow-remote.$NS.svc:8443:$ip" -H "Authorization: Bearer $ALICE" \
        -H "X-MLFLOW-WORKSPACE: team-a" \
        "https://mlflow-remote.$NS.svc:8443/mlflow-remote/api/2.0/mlflow/experiments/get?experiment_id=$id"
}
t_check "caBundleConfigMap: the server reached PostgreSQL over verified TLS (sslmode=verify-full, the CA from the ConfigMap)" eval '
    grep -q "^host=$(endpoint mlflow-remote) .*connection authorized: user=mlflow database=mlflow.*SSL enabled" \
        "$E2E_DIR/pgrun/postgres.log"'
t_check "MLflowConfig: a new experiment in team-a goes to the bucket its MLflowConfig names" \
    eventually 60 eval 'override_location | grep -q "\"artifact_location\": \"s3://team-a-artifacts/e2e"'
t_check "MLflowConfig: the server could list and watch it (no permission error in its log)" eval '
    ! grep -h "Permission denied listing" "$E2E_DIR"/node/logs/*mlflow-remote*.log'
MLFLOWCONFIG_BAD=$(k apply --dry-run=server -f - 2>&1 <<'Y'
apiVersion: mlflow.kubeflow.org/v1
kind: MLflowConfig
metadata: {name: mlflow, namespace: team-b}
spec: {artifactRootSecret: mlflow-artifact-connection, artifactRootPath: ../team-a}
Y
)
t_check "MLflowConfig: a path escaping the bucket prefix is refused" \
    grep -q "artifactRootPath must not contain '..' path segments" <<<"$MLFLOWCONFIG_BAD"
# --- a dedicated artifacts server -------------------------------------------------
# split's tracking server does not serve artifacts; new experiments record
# the artifacts server's URL (status.artifactsUrl), so the client uploads
# and downloads there, with alice's token in the workspace, and the
# artifacts server keeps them in S3. Workspace team-c: no MLflowConfig
# there redirects its artifacts.
SPLIT_ROOT="https://mlflow-artifacts-split.$NS.svc:8443/mlflow-artifacts-split/api/2.0/mlflow-artifacts/artifacts"
t_check "split: Available once the tracking and the artifacts server are both ready" \
    eventually 240 eval 'available split mlflow-split &&
        [ "$(jp deployment mlflow-artifacts-split "{.status.readyReplicas}" -n "$NS")" = 1 ]'
t_check "split: status.artifactsUrl is the artifacts server's artifact API" eval '
    [ "$(jp mlflow split "{.status.artifactsUrl}")" = "$SPLIT_ROOT" ]'
t_check "split: the migration Job made the schema before any server pod started" eval '
    done_at=$(k get jobs -n "$NS" -l app.kubernetes.io/instance=mlflow-split \
        -o "jsonpath={.items[0].status.completionTime}") &&
    first=$(k get pods -n "$NS" -l app.kubernetes.io/part-of=mlflow,app.kubernetes.io/instance=mlflow-split \
        -o "jsonpath={range .items[*]}{.metadata.labels.app\.kubernetes\.io/name} {.metadata.creationTimestamp}{\"\\n\"}{end}" |
        awk "\$1 == \"mlflow\" || \$1 == \"mlflow-artifacts\" {print \$2}" | sort | head -1) &&
    [ -n "$done_at" ] && [ -n "$first" ] && [[ ! "$first" < "$done_at" ]]'
client_tap mlflow-split /mlflow-split write --workspace team-c --artifact-store s3 \
    --s3 "http://$HOST_IP:$S3_PORT" --s3-bucket mlflow-artifacts --artifacts-url "$SPLIT_ROOT" \
    --resolve "mlflow-artifacts-split.$NS.svc=$(endpoint mlflow-artifacts-split)"
t_check "split: the upload and the download went to the artifacts server (its access log)" eval '
    grep -h "\"PUT /mlflow-artifacts-split/api/2.0/mlflow-artifacts/artifacts/.*notes.txt" \
        "$E2E_DIR"/node/logs/*mlflow-artifacts-split*.log | grep -q " 200" &&
    grep -h "\"GET /mlflow-artifacts-split/api/2.0/mlflow-artifacts/artifacts/.*notes.txt" \
        "$E2E_DIR"/node/logs/*mlflow-artifacts-split*.log | grep -q " 200"'
art_code() { # TOKEN: the status the artifacts server answers a listing with
    curl -sS -o /dev/null --max-time 20 --cacert "$E2E_DIR/tls/ca.crt" -w '%{http_code}' \
        --resolve "mlflow-artifacts-split.$NS.svc:8443:$(endpoint mlflow-artifacts-split)" \
        ${1:+-H "Authorization: Bearer $1"} -H "X-MLFLOW-WORKSPACE: team-c" "$SPLIT_ROOT"
}
t_check "split: the artifacts server answers a listing without a token with 401" eval '[ "$(art_code)" = 401 ]'
t_check "split: the artifacts server answers bob (no RBAC) with 403" eval '[ "$(art_code "$BOB")" = 403 ]'
t_check "split: the artifacts server answers alice in her workspace" eval '[ "$(art_code "$ALICE")" = 200 ]'
t_check "split: the tracking server does not serve artifacts itself" eval '
    code=$(curl -sS -o /dev/null --max-time 20 --cacert "$E2E_DIR/tls/ca.crt" -w "%{http_code}" \
        --resolve "mlflow-split.$NS.svc:8443:$(endpoint mlflow-split)" -H "Authorization: Bearer $ALICE" \
        -H "X-MLFLOW-WORKSPACE: team-c" \
        "https://mlflow-split.$NS.svc:8443/mlflow-split/api/2.0/mlflow-artifacts/artifacts") &&
    [[ $code =~ ^[1-9][0-9][0-9]$ && $code != 200 ]]'
t_check "split: the artifacts pods are not endpoints of the tracking Service, nor the other way round" eval '
    [ "$(endpoint mlflow-split)" != "$(endpoint mlflow-artifacts-split)" ] &&
    [ "$(k get endpointslices -n "$NS" -l kubernetes.io/service-name=mlflow-split \
        -o "jsonpath={.items[0].endpoints[*].addresses[0]}" | wc -w)" = 1 ]'
# Deleted, the MLflow takes both servers with it (the garbage collector
# follows the owner references), which frees the node for what follows.
k delete mlflow split --wait=false >/dev/null
t_check "split deleted: both Deployments and Services are collected" eventually 120 eval '
    [ -z "$(k get deployments,services -n "$NS" -l app.kubernetes.io/instance=mlflow-split -o name)" ]'

# Prometheus metrics: served at /metrics without a token, counting the
# requests the clients above made.
metrics() { # SERVICE
    curl -sS --max-time 20 --cacert "$E2E_DIR/tls/ca.crt" --resolve "$1.$NS.svc:8443:$(endpoint "$1")" \
        "https://$1.$NS.svc:8443/metrics"
}
t_check "metrics: /metrics serves the server's Prometheus metrics, no token needed" eval '
    metrics mlflow-remote | grep -q "^mlflow_http_request_total{"'
# What Prometheus would do with the instance's ServiceMonitor: the named
# Service port, scheme and path, the certificate verified for serverName.
sm_scrape() { # INSTANCE
    local j port scheme path sname target
    j=$(k get servicemonitor "$1" -n "$NS" -o json) || return 1
    read -r port scheme path sname < <(python3 -c '
import json, sys
e = json.load(sys.stdin)["spec"]["endpoints"][0]
print(e["port"], e["scheme"], e["path"], e["tlsConfig"]["serverName"])' <<<"$j") || return 1
    target=$(k get service "$1" -n "$NS" -o "jsonpath={.spec.ports[?(@.name==\"$port\")].port}")
    [ -n "$target" ] || return 1
    curl -sS --max-time 20 --cacert "$E2E_DIR/tls/ca.crt" --resolve "$sname:$target:$(endpoint "$1")" \
        "$scheme://$sname:$target$path"
}
t_check "ServiceMonitor: the operator applies one per instance; its endpoint scrapes the server's metrics" eval '
    sm_scrape mlflow-remote | grep -q "^mlflow_http_request_total{"'
remote_pod() { k get pods -n "$NS" -l app.kubernetes.io/instance=mlflow-remote -o "jsonpath=$1"; }
# caBundleConfigMap follows its ConfigMap: a second CA added to it reaches
# the bundle file the server's libraries read, by the ca-bundle-watch
# sidecar, with no restart. (The pod's emptyDir, read where the node keeps
# it, stands in for kubectl exec cat.)
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout "$E2E_DIR/tls/ca2.key" \
    -out "$E2E_DIR/tls/ca2.crt" -subj /CN=mlflow-e2e-ca-2 2>/dev/null
bundle_pod=$(remote_pod "{.items[0].metadata.uid}")
k create configmap e2e-ca -n "$NS" --from-file "ca.crt=$E2E_DIR/tls/ca.crt" \
    --from-file "ca2.crt=$E2E_DIR/tls/ca2.crt" --dry-run=client -o yaml | k replace -f - >/dev/null
ca2_line=$(sed -n 2p "$E2E_DIR/tls/ca2.crt")
t_check "caBundleConfigMap: a CA added to the ConfigMap reaches the server's bundle, no restart" eventually 90 eval '
    grep -qF -- "$ca2_line" "$E2E_DIR/node/pods/$bundle_pod/volumes/ca-bundle/ca-bundle.crt" &&
    grep -qF -- "$(sed -n 2p "$E2E_DIR/tls/ca.crt")" "$E2E_DIR/node/pods/$bundle_pod/volumes/ca-bundle/ca-bundle.crt" &&
    [ "$(remote_pod "{.items[0].metadata.uid}")" = "$bundle_pod" ] &&
    [ "$(remote_pod "{.items[0].status.containerStatuses[?(@.name==\"mlflow\")].restartCount}")" = 0 ]'

t_check "podAnnotations reach the pod, temporaryStorage sizes its /tmp" eval '
    [ "$(remote_pod "{.items[0].metadata.annotations.mlflow-e2e/annotated}")" = yes ] &&
    [ "$(remote_pod "{.items[0].spec.volumes[?(@.name==\"tmp\")].emptyDir.sizeLimit}")" = 512Mi ]'
t_check "the read replica: the server connected to it as its read-only role, and every write above reached the primary" eval '
    [ "$(remote_pod "{.items[0].spec.containers[0].env[?(@.name==\"MLFLOW_READ_REPLICA_BACKEND_STORE_URI\")].valueFrom.secretKeyRef.key}")" = reader ] &&
    grep -q "connection authorized: user=mlflow_reader database=mlflow" "$E2E_DIR/pgrun/postgres.log"'

# --- garbage collection: mlflow gc from the operator's CronJob ------------------------
# OpenShift's service CA is in this ConfigMap in every namespace; here the
# e2e CA that signed the serving certificates stands in for it.
k create configmap openshift-service-ca.crt -n "$NS" --from-file "service-ca.crt=$E2E_DIR/tls/ca.crt" >/dev/null
k patch mlflow remote --type merge \
    -p '{"spec":{"garbageCollection":{"schedule":"0 3 * * *","olderThan":"30d"}}}' >/dev/null
t_check "garbageCollection: the operator applies the CronJob, its ServiceAccount and ClusterRoleBinding" eventually 30 eval '
    [ "$(jp cronjob mlflow-gc-remote "{.spec.schedule}" -n "$NS")" = "0 3 * * *" ] &&
    [ "$(jp serviceaccount mlflow-gc-remote "{.metadata.name}" -n "$NS")" = mlflow-gc-remote ] &&
    [ "$(jp clusterrolebinding mlflow-gc-remote "{.roleRef.name}")" = mlflow-gc ]'
role_arn() { jp serviceaccount "$1" "{.metadata.annotations.eks\.amazonaws\.com/role-arn}" -n "$NS"; }
t_check "serviceAccountAnnotations reach the server's and the gc Jobs' ServiceAccounts" eval '
    [ "$(role_arn mlflow-remote-sa)" = arn:aws:iam::123456789012:role/mlflow-e2e ] &&
    [ "$(role_arn mlflow-gc-remote)" = arn:aws:iam::123456789012:role/mlflow-e2e ]'
gc_client() { # PHASE
    client_tap mlflow-remote /mlflow-remote "$1" --state "$E2E_DIR/gc-remote.json" \
        --s3 "http://$HOST_IP:$S3_PORT" --s3-bucket mlflow-artifacts
}
# cron_run CRONJOB CONTAINER JOB [PATTERN]: a Job made from the CronJob, run
# to completion by the Job controller, whose container logged PATTERN (an
# extended regexp); else the log's end as the diagnosis.
cron_run() {
    local log="$E2E_DIR/node/logs/${NS}_$3-*_$2.log"
    k create job "$3" --from="cronjob/$1" -n "$NS" >/dev/null &&
        k wait --for=condition=complete "job/$3" -n "$NS" --timeout=180s >/dev/null &&
        { [ -z "${4:-}" ] || cat $log 2>/dev/null | grep -Eq "$4"; } && return 0
    tail -n 25 $log 2>/dev/null | sed 's/^/#   /'
    return 1
}
gc_run() { cron_run mlflow-gc-remote gc "$1"; }
# Back to the server's own artifact root in team-a (proxied, mlflow-artifacts:),
# so the gc Job deletes the artifacts through the server.
k delete mlflowconfig mlflow -n team-a >/dev/null
t_check "without team-a's MLflowConfig, new experiments store artifacts through the server again" \
    eventually 30 eval 'override_location | grep -q "\"artifact_location\": \"mlflow-artifacts:"'
gc_client gc-prepare
t_check "a Job from the gc CronJob (olderThan 30d) completes" gc_run gc-young
gc_client gc-kept
k patch mlflow remote --type json -p '[{"op":"remove","path":"/spec/garbageCollection/olderThan"}]' >/dev/null
t_check "olderThan removed: the CronJob runs gc without it" eventually 30 eval '
    ! jp cronjob mlflow-gc-remote "{.spec.jobTemplate.spec.template.spec.containers[0].args}" -n "$NS" |
    grep -q older-than'
t_check "a Job from the gc CronJob (all deleted) completes" gc_run gc-all
gc_client gc-done
t_check "the gc pods never become endpoints of the server's Service" eval '
    ips=$(k get endpointslices -n "$NS" -l kubernetes.io/service-name=mlflow-remote -o "jsonpath={.items[*].endpoints[*].addresses[*]}") &&
    gcip=$(k get pods -n "$NS" -l job-name=gc-all -o "jsonpath={.items[0].status.podIP}") &&
    [ -n "$gcip" ] && [[ " $ips " != *" $gcip "* ]]'
k patch mlflow remote --type json -p '[{"op":"remove","path":"/spec/garbageCollection"}]' >/dev/null
t_check "garbageCollection removed: the CronJob, its account, binding and the ClusterRole mlflow-gc are pruned" eventually 30 eval '
    [ -z "$(jp cronjob mlflow-gc-remote "{.metadata.name}" -n "$NS")" ] &&
    [ -z "$(jp serviceaccount mlflow-gc-remote "{.metadata.name}" -n "$NS")" ] &&
    [ -z "$(jp clusterrolebinding mlflow-gc-remote "{.metadata.name}")" ] &&
    [ -z "$(jp clusterrole mlflow-gc "{.metadata.name}")" ]'

# --- trace archival: MLflow's archival pass from the operator's CronJob -------------
# Into the S3 bucket the artifacts use, under trace-archive/; the Jobs read
# the workspaces (team-a) with their own account, bound to ClusterRole mlflow.
k patch mlflow remote --type merge -p '{"spec":{"traceArchival":{"enabled":true,
    "schedule":"0 4 * * *","location":"s3://mlflow-artifacts/trace-archive",
    "retention":"1d","maxTracesPerPass":100}}}' >/dev/null
t_check "traceArchival: the operator applies the CronJob, its ConfigMap, ServiceAccount and ClusterRoleBinding" eventually 30 eval '
    [ "$(jp cronjob mlflow-trace-archival-remote "{.spec.schedule}" -n "$NS")" = "0 4 * * *" ] &&
    jp configmap mlflow-trace-archival-remote "{.data.trace-archival\.yaml}" -n "$NS" |
        grep -q "location: \"s3://mlflow-artifacts/trace-archive\"" &&
    [ "$(role_arn mlflow-trace-archival-remote)" = arn:aws:iam::123456789012:role/mlflow-e2e ] &&
    [ "$(jp clusterrolebinding mlflow-trace-archival-remote "{.roleRef.name}")" = mlflow ]'
t_check "traceArchival: the server reads the settings too, and still never runs jobs itself" eventually 120 eval '
    [ "$(remote_pod "{.items[0].spec.containers[0].env[?(@.name==\"MLFLOW_TRACE_ARCHIVAL_CONFIG\")].value}")" = /etc/mlflow/trace-archival/trace-archival.yaml ] &&
    [ "$(remote_pod "{.items[0].spec.containers[0].env[?(@.name==\"MLFLOW_SERVER_ENABLE_JOB_EXECUTION\")].value}")" = false ] &&
    [ "$(remote_pod "{.items[*].status.containerStatuses[?(@.name==\"mlflow\")].ready}")" = true ]'
archive_client() { # PHASE
    client_tap mlflow-remote /mlflow-remote "$1" --state "$E2E_DIR/archive-remote.json" \
        --s3 "http://$HOST_IP:$S3_PORT" --s3-bucket mlflow-artifacts
}
archive_run() { cron_run mlflow-trace-archival-remote trace-archival "$1" 'archived [1-9][0-9]* trace\(s\)'; }
archive_client archive-prepare
t_check "a Job from the trace archival CronJob completes, having archived" archive_run archive-1
archive_client archive-done
k patch mlflow remote --type merge -p '{"spec":{"traceArchival":{"enabled":false}}}' >/dev/null
t_check "traceArchival disabled: the CronJob, ConfigMap, account and binding are pruned, the server no longer mounts it" eventually 120 eval '
    [ -z "$(jp cronjob mlflow-trace-archival-remote "{.metadata.name}" -n "$NS")" ] &&
    [ -z "$(jp configmap mlflow-trace-archival-remote "{.metadata.name}" -n "$NS")" ] &&
    [ -z "$(jp serviceaccount mlflow-trace-archival-remote "{.metadata.name}" -n "$NS")" ] &&
    [ -z "$(jp clusterrolebinding mlflow-trace-archival-remote "{.metadata.name}")" ] &&
    [ -z "$(jp deployment mlflow-remote "{.spec.template.spec.volumes[?(@.name==\"trace-archival-config\")].name}" -n "$NS")" ]'
t_check "remote is Available again after the server's settings changed" eventually 240 available remote mlflow-remote

# --- SQL trace rollups: on by default with a server database ----------------------
t_check "traceRollups: PostgreSQL gets the rollups CronJob (02:00 Etc/UTC), the server runs with rollups on; SQLite neither" eval '
    [ "$(jp cronjob mlflow-trace-rollups-remote "{.spec.schedule} {.spec.timeZone}" -n "$NS")" = "0 2 * * * Etc/UTC" ] &&
    [ "$(remote_pod "{.items[0].spec.containers[0].env[?(@.name==\"MLFLOW_SQL_TRACE_ROLLUPS_ENABLED\")].value}")" = true ] &&
    [ -z "$(jp cronjob mlflow-trace-rollups "{.metadata.name}" -n "$NS")" ] &&
    [ -z "$(jp deployment mlflow "{.spec.template.spec.containers[0].env[?(@.name==\"MLFLOW_SQL_TRACE_ROLLUPS_ENABLED\")].value}" -n "$NS")" ]'
rollups_run() { cron_run mlflow-trace-rollups-remote trace-rollups "$1" 'SQL trace rollup maintenance trace_metric: built='; }
t_check "a Job from the rollups CronJob completes a maintenance pass on the real database" rollups_run rollups-1
k patch mlflow remote --type merge -p '{"spec":{"traceRollups":{"enabled":false}}}' >/dev/null
t_check "traceRollups.enabled false: the CronJob is pruned, the server keeps rollups on (a database with rollups needs them)" \
    eventually 60 eval '
    [ -z "$(jp cronjob mlflow-trace-rollups-remote "{.metadata.name}" -n "$NS")" ] &&
    [ "$(jp deployment mlflow-remote "{.spec.template.spec.containers[0].env[?(@.name==\"MLFLOW_SQL_TRACE_ROLLUPS_ENABLED\")].value}" -n "$NS")" = true ]'

# --- schema migration: a database of MLflow 3.10 under the current image ---------
# The older MLflow creates its schema and an experiment with a run; an
# instance with spec.migration on that database gets the operator's Job,
# which upgrades the schema while the server is held at zero.
legacy_sql() { PGPASSWORD=$PG_PASSWORD psql -h "$HOST_IP" -p "$PG_PORT" -U mlflow -d legacy -Atc "$1"; }
OLD_VERSION=$("$MLFLOW_OLD_VENV/bin/python" -c 'from importlib import metadata; print(metadata.version("mlflow-skinny"))')
HEAD_REV=$("$PY" -c 'from mlflow.store.db.utils import _get_latest_schema_revision as h; print(h())')
legacy_db() { # [DB]: a database (default legacy) made by the older MLflow, with a run
    local db=${1:-legacy}
    PGPASSWORD=$PG_PASSWORD psql -h "$HOST_IP" -p "$PG_PORT" -U postgres -q -v ON_ERROR_STOP=1 \
        -c "CREATE DATABASE $db OWNER mlflow" >/dev/null &&
        LEGACY_URI="postgresql://mlflow:$PG_PASSWORD@$HOST_IP:$PG_PORT/$db" \
            "$MLFLOW_OLD_VENV/bin/python" - <<'PY' >"$E2E_DIR/$db-run"
import os
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
store = SqlAlchemyStore(os.environ["LEGACY_URI"], "/tmp/legacy-artifacts")
exp = store.create_experiment("legacy-experiment")
run = store.create_run(exp, user_id="e2e", start_time=0, tags=[], run_name="legacy-run")
print(run.info.run_id)
PY
}
t_check "migration: MLflow $OLD_VERSION makes a database with an experiment and a run" eval '
    legacy_db && OLD_REV=$(legacy_sql "select version_num from alembic_version") &&
    [ -n "$OLD_REV" ] && [ "$OLD_REV" != "$HEAD_REV" ]'
OLD_REV=$(legacy_sql "select version_num from alembic_version")
LEGACY_RUN=$(cat "$E2E_DIR/legacy-run")
# db_mlflow NAME URI MIGRATION: the instance's serving certificate, the
# Secret with its database URI and the MLflow on it (artifacts served, in
# S3) with that spec.migration (a flow mapping).
db_mlflow() {
    serving_cert "mlflow-$1" "mlflow-$1-tls" &&
        k create secret generic "mlflow-$1-db" -n "$NS" --from-literal "uri=$2" >/dev/null &&
        k apply -f - >/dev/null <<Y
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: $1}
spec:
  serveArtifacts: true
  backendStoreUriFrom: {name: mlflow-$1-db, key: uri}
  artifactsDestination: s3://mlflow-artifacts/$1
  envFrom:
    - secretRef: {name: mlflow-s3}
  migration: $3
Y
}
backup_claim() { # NAME: the claim mlflow-NAME-backups for its migration backups
    k apply -f - >/dev/null <<Y
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: mlflow-$1-backups, namespace: $NS}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
Y
}
jobs_of() { k get jobs -n "$NS" -l "app.kubernetes.io/instance=mlflow-$1" -o "jsonpath=$2"; }
# With a backup before the migration, into a claim of its own (pg_dump
# from the PostgreSQL image, here Debian's PostgreSQL).
backup_claim legacy
db_mlflow legacy "postgresql://mlflow:$PG_PASSWORD@$HOST_IP:$PG_PORT/legacy" \
    "{backup: {claimName: mlflow-legacy-backups, keep: 2}}"
t_check "migration: the operator holds the server at zero replicas (and suspends the rollups CronJob) while its Job runs" eventually 60 eval '
    [ -n "$(jobs_of legacy "{.items[0].metadata.name}")" ] &&
    [ "$(jp deployment mlflow-legacy "{.spec.replicas}" -n "$NS")" = 0 ] &&
    [ "$(cond legacy Available reason)" = Migrating ] &&
    [ "$(jp cronjob mlflow-trace-rollups-legacy "{.spec.suspend}" -n "$NS")" = true ]'
t_check "migration: the Job upgrades the $OLD_VERSION schema ($OLD_REV) to the current one ($HEAD_REV)" eventually 180 eval '
    [ "$(jobs_of legacy "{.items[0].status.succeeded}")" = 1 ] &&
    [ "$(legacy_sql "select version_num from alembic_version")" = "$HEAD_REV" ]'
t_check "migration: then the server runs on it: Available, Migration=True, the replicas back" eventually 240 eval '
    available legacy mlflow-legacy && [ "$(cond legacy Migration status)" = True ] &&
    [ "$(jp deployment mlflow-legacy "{.spec.replicas}" -n "$NS")" = 1 ] &&
    [ "$(jp cronjob mlflow-trace-rollups-legacy "{.spec.suspend}" -n "$NS")" != true ]'
t_check "migration: the experiment and the run of MLflow $OLD_VERSION are intact" eval '
    [ "$(legacy_sql "select name from experiments where name = '"'"'legacy-experiment'"'"'")" = legacy-experiment ] &&
    [ "$(legacy_sql "select name from runs where run_uuid = '"'"'$LEGACY_RUN'"'"'")" = legacy-run ]'
t_check "migration: the Job's pod reported the MLflow version that migrated" eval '
    pod=$(k get pods -n "$NS" -l job-name="$(jobs_of legacy "{.items[0].metadata.name}")" -o "jsonpath={.items[0].metadata.name}") &&
    [ "$(jp pod "$pod" "{.status.containerStatuses[0].state.terminated.message}" -n "$NS")" = "$MLFLOW_VERSION" ]'
t_check "migration: status.version is the version the migrated server runs" eventually 30 eval '
    [ "$(jp mlflow legacy "{.status.version}")" = "$MLFLOW_VERSION" ]'
# The backup: a pg_dump taken before the upgrade, restorable as README
# says: pg_restore into a new database gives the $OLD_VERSION schema and run.
backup_file() { # [DB]: the newest pg_dump of DB (default legacy) on its backup claim
    local db=${1:-legacy} pv dir
    pv=$(jp pvc "mlflow-$db-backups" "{.spec.volumeName}" -n "$NS") &&
        dir=$(jp pv "$pv" "{.spec.hostPath.path}") && ls "$dir/$db"-*.pgdump 2>/dev/null | tail -n 1
}
restored_sql() { PGPASSWORD=$PG_PASSWORD psql -h "$HOST_IP" -p "$PG_PORT" -U mlflow -d "${2:-legacy}_restored" -Atc "$1"; }
restore_backup() { # [DB REVISION RUN]: pg_restore as README says; the revision and the run come back
    local db=${1:-legacy} rev=${2:-$OLD_REV} run=${3:-$LEGACY_RUN} f
    f=$(backup_file "$db") && [ -n "$f" ] &&
        PGPASSWORD=$PG_PASSWORD psql -h "$HOST_IP" -p "$PG_PORT" -U postgres -q -v ON_ERROR_STOP=1 \
            -c "CREATE DATABASE ${db}_restored OWNER mlflow" >/dev/null &&
        PGPASSWORD=$PG_PASSWORD "$PG_BIN/pg_restore" -h "$HOST_IP" -p "$PG_PORT" -U mlflow --no-owner \
            -d "${db}_restored" "$f" &&
        [ "$(restored_sql "select version_num from alembic_version" "$db")" = "$rev" ] &&
        [ "$(restored_sql "select name from runs where run_uuid = '$run'" "$db")" = legacy-run ]
}
t_check "migration backup: a pg_dump of the $OLD_VERSION database is on the backup claim" eval '[ -n "$(backup_file)" ]'
t_check "migration backup: pg_restore of it gives back the schema before the upgrade ($OLD_REV) and the run" restore_backup

# A migration that fails after its backup: the database names a revision
# this MLflow does not know (as one a newer MLflow left would). The server
# stays at zero with the reason, and the backup taken first restores.
STRAY_REV=0badc0ffee00
legacy_db stray && PGPASSWORD=$PG_PASSWORD psql -h "$HOST_IP" -p "$PG_PORT" -U mlflow -d stray -q \
    -c "update alembic_version set version_num = '$STRAY_REV'" >/dev/null
STRAY_RUN=$(cat "$E2E_DIR/stray-run")
backup_claim stray
db_mlflow stray "postgresql://mlflow:$PG_PASSWORD@$HOST_IP:$PG_PORT/stray" \
    "{backup: {claimName: mlflow-stray-backups}}"
t_check "migration: a database a newer MLflow migrated is not downgraded: at zero, Migration=False saying so" \
    eventually 240 eval '
    [ "$(cond stray Migration status)" = False ] && [ "$(cond stray Migration reason)" = MigrationFailed ] &&
    cond stray Migration message | grep -q "revision $STRAY_REV, which MLflow $MLFLOW_VERSION does not know.*refusing to downgrade" &&
    [ "$(jp deployment mlflow-stray "{.spec.replicas}" -n "$NS")" = 0 ] &&
    [ "$(cond stray Available status)" != True ]'
t_check "migration: the backup taken before that failed upgrade restores (revision $STRAY_REV, the run)" \
    restore_backup stray "$STRAY_REV" "$STRAY_RUN"
k delete mlflow stray --wait=false >/dev/null

# --- a migration that fails: for good, then forced; and one that may pass ---------
# fresh: its database does not exist yet, a failure no retry mends. flaky:
# nothing listens where its database should be, a failure that may pass.
db_mlflow fresh "postgresql://mlflow:$PG_PASSWORD@$HOST_IP:$PG_PORT/fresh" "{}"
db_mlflow flaky "postgresql://mlflow:$PG_PASSWORD@$HOST_IP:$(free_port)/flaky" "{}"
force_set() { # MLFLOW: whether the force-migrate annotation is on it
    k get mlflow "$1" -o json | python3 -c 'import json, sys
a = json.load(sys.stdin)["metadata"].get("annotations") or {}
sys.exit(0 if "mlflow.opendatahub.io/force-migrate" in a else 1)'
}
t_check "migration: a database that does not exist fails the Job for good: at zero, Migration=False, the message says how to run it again" \
    eventually 120 eval '
    [ "$(cond fresh Migration status)" = False ] && [ "$(cond fresh Migration reason)" = MigrationFailed ] &&
    cond fresh Migration message | grep -q "does not exist" &&
    cond fresh Migration message | grep -q "add the annotation mlflow.opendatahub.io/force-migrate" &&
    [ "$(jp deployment mlflow-fresh "{.spec.replicas}" -n "$NS")" = 0 ]'
t_check "migration: that failure ended the Job at its first pod (podFailurePolicy), without retries" eval '
    [ "$(k get pods -n "$NS" -l job-name="$(jobs_of fresh "{.items[0].metadata.name}")" -o name | wc -l)" = 1 ] &&
    [ "$(jobs_of fresh "{.items[0].status.conditions[?(@.type==\"Failed\")].reason}")" = PodFailurePolicy ]'
PGPASSWORD=$PG_PASSWORD psql -h "$HOST_IP" -p "$PG_PORT" -U postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE fresh OWNER mlflow" >/dev/null
k annotate mlflow fresh mlflow.opendatahub.io/force-migrate= >/dev/null
t_check "migration: force-migrate (after the database was made) runs a new Job; the server runs, the annotation is cleared" \
    eventually 240 eval '
    available fresh mlflow-fresh && [ "$(cond fresh Migration status)" = True ] && ! force_set fresh &&
    [ "$(jobs_of fresh "{.items[*].status.succeeded}")" = 1 ] &&
    [ "$(PGPASSWORD=$PG_PASSWORD psql -h "$HOST_IP" -p "$PG_PORT" -U mlflow -d fresh -Atc "select version_num from alembic_version")" = "$HEAD_REV" ]'
t_check "migration: an unreachable database is a failure that may pass: Migration=Unknown, retrying after a wait" \
    eventually 240 eval '
    [ "$(cond flaky Migration status)" = Unknown ] && [ "$(cond flaky Migration reason)" = MigrationRetrying ] &&
    cond flaky Migration message | grep -q "Connection refused.*retry 1 of 5 in" &&
    [ "$(jp deployment mlflow-flaky "{.spec.replicas}" -n "$NS")" = 0 ]'
t_check "migration: after the wait the operator runs the next Job (retry 1)" eventually 90 eval '
    [ "$(jobs_of flaky "{.items[*].metadata.name}" | wc -w)" = 2 ] &&
    cond flaky Migration message | grep -q "(retry 1 of 5)\|retry 2 of 5"'
k delete mlflow flaky --wait=false >/dev/null

# --- certificate rotation: the server serves a replaced certificate -----------------
served_serial() { # SERVICE: the serial of the certificate the server presents
    openssl s_client -connect "$(endpoint "$1"):8443" -servername "$1.$NS.svc" </dev/null 2>/dev/null |
        openssl x509 -noout -serial 2>/dev/null
}
tls_digest() { # the digest the operator put on the server's pod template
    k get deployment mlflow-remote -n "$NS" \
        -o jsonpath='{.spec.template.metadata.annotations.mlflow\.opendatahub\.io/tls-digest}'
}
sha_of() { # SECRET: the digest the operator computes, worked out here
    k get secret "$1" -n "$NS" -o json | python3 -c 'import hashlib, json, sys
d = json.load(sys.stdin)["data"]
inner = json.dumps({"crt": d["tls.crt"], "key": d["tls.key"]}, sort_keys=True, separators=(",", ":"))
print(hashlib.sha256(json.dumps([hashlib.sha256(inner.encode()).hexdigest()], separators=(",", ":")).encode()).hexdigest())'
}
old_serial=$(served_serial mlflow-remote)
old_digest=$(tls_digest)
rot_pod=$(remote_pod "{.items[0].metadata.uid}")
t_check "TLS rotation: the certificate's digest is on the server's pod template" eval '
    [ -n "$old_digest" ] && [ "$old_digest" = "$(sha_of mlflow-remote-tls)" ]'
serving_cert mlflow-remote mlflow-remote-tls-next &&
    k get secret mlflow-remote-tls-next -n "$NS" -o json |
    python3 -c 'import json, sys
s = json.load(sys.stdin)
print(json.dumps({"apiVersion": "v1", "kind": "Secret", "type": s["type"], "data": s["data"],
                  "metadata": {"name": "mlflow-remote-tls", "namespace": s["metadata"]["namespace"]}}))' |
    k replace -f - >/dev/null
new_serial=$(openssl x509 -noout -serial -in "$E2E_DIR/tls/mlflow-remote.crt")
t_check "TLS rotation: after the Secret is replaced the pods roll: the old pod is gone, a new one presents the new certificate" \
    eventually 120 eval '
    [ -n "$old_serial" ] && [ "$old_serial" != "$new_serial" ] &&
    [ "$(served_serial mlflow-remote)" = "$new_serial" ] &&
    uids=$(remote_pod "{.items[*].metadata.uid}") && [ -n "$uids" ] && [[ $uids != *"$rot_pod"* ]] &&
    [ "$(tls_digest)" != "$old_digest" ] && [ "$(tls_digest)" = "$(sha_of mlflow-remote-tls)" ]'
t_check "TLS rotation: the server is ready again" eventually 60 eval '
    [ "$(remote_pod "{.items[0].status.containerStatuses[?(@.name==\"mlflow\")].ready}")" = true ]'

# --- E2E_LIVE=1 (make demo-live): keep it running for a browser -----------------
if [ "${E2E_LIVE:-}" = 1 ]; then
    (umask 077 && printf '%s\n' "$ALICE" >"$E2E_DIR/alice.token")
    m=$(endpoint mlflow)
    r=$(endpoint mlflow-remote)
    cat <<EOF
#
# MLflow is running; Ctrl-C stops everything.
#   https://mlflow.$NS.svc:8443/mlflow/                (pod address $m)
#   https://mlflow-remote.$NS.svc:8443/mlflow-remote/  (pod address $r)
# CA certificate: $E2E_DIR/tls/ca.crt
# alice's token:  $E2E_DIR/alice.token (workspace team-a)
# kubeconfig:     $CP_ADMIN_KUBECONFIG
#
# curl --cacert $E2E_DIR/tls/ca.crt --resolve mlflow.$NS.svc:8443:$m \\
#   -H "Authorization: Bearer \$(cat $E2E_DIR/alice.token)" -H "X-MLFLOW-WORKSPACE: team-a" \\
#   'https://mlflow.$NS.svc:8443/mlflow/api/2.0/mlflow/experiments/search?max_results=10'
#
# chromium --host-resolver-rules="MAP mlflow.$NS.svc $m" \\
#   --ignore-certificate-errors https://mlflow.$NS.svc:8443/mlflow/
# The server wants alice's token on every request: send it as a Bearer
# header (a header extension), or with the MLflow client:
#   MLFLOW_TRACKING_TOKEN=\$(cat $E2E_DIR/alice.token) MLFLOW_WORKSPACE=team-a \\
#   REQUESTS_CA_BUNDLE=$E2E_DIR/tls/ca.crt MLFLOW_TRACKING_URI=https://mlflow.$NS.svc:8443/mlflow ...
#   (with mlflow.$NS.svc mapped to $m in /etc/hosts)
EOF
    while :; do # wait, unlike a foreground sleep, lets the traps run at once
        sleep 3600 &
        LIVE_PID=$!
        wait "$LIVE_PID"
    done
fi

# --- restarts keep the data -----------------------------------------------------------
pod_of() { # DEPLOYMENT: the uids of its pods
    k get pods -n "$NS" -l "app.kubernetes.io/instance=$1" -o 'jsonpath={.items[*].metadata.uid}'
}
for inst in mlflow remote; do
    dep=mlflow
    [ "$inst" = mlflow ] || dep=mlflow-$inst
    old=$(pod_of "$dep")
    k delete pods -n "$NS" -l "app.kubernetes.io/instance=$dep" --wait=false >/dev/null
    t_check "$inst: a deleted pod is replaced by the ReplicaSet and becomes ready" eventually 240 eval '
        new=$(pod_of '"$dep"'); [ -n "'"$old"'" ] && [ -n "$new" ] && [ "$new" != "'"$old"'" ] &&
        available '"$inst $dep"
done
client_tap mlflow /mlflow read
client_tap mlflow-remote /mlflow-remote read

pods_before="$(pod_of mlflow) $(pod_of mlflow-remote)"
stop_operator main
t_check "the operator stops on SIGTERM" [ "$STOP_RC" = 0 ]
op_start
t_check "after the operator restarts, both stay Available and the pods are not replaced" eval '
    eventually 30 curl -fsS "http://127.0.0.1:$HP/readyz" && sleep 3 &&
    available mlflow mlflow && available remote mlflow-remote &&
    [ "$(pod_of mlflow) $(pod_of mlflow-remote)" = "$pods_before" ]'
t_check "migration: done once: after the restart the operator starts no second Job" eval '
    [ "$(jobs_of legacy "{.items[*].metadata.name}" | wc -w)" = 1 ]'
client_tap mlflow /mlflow read

echo "# mlflow-e2e: $((T_N - T_FAILS)) passed, $T_FAILS failed"
[ "$T_FAILS" -eq 0 ]
