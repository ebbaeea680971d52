#!/usr/bin/env bash
# tests/suite-40-operator.sh — bin/reconciler against a real control plane
# (etcd, kube-apiserver, kube-controller-manager's garbage collector; see
# tests/envtest/controlplane.sh), driven with kubectl and curl. The
# operator runs under real RBAC: config/rbac bound to its ServiceAccount,
# whose token it uses (tests/envtest/operator-rbac.yaml without config/rbac).
#
# Prints TAP; exits non-zero when a test failed. RECONCILER overrides the
# binary (default bin/reconciler); CP_KEEP=1 keeps the logs.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/lib.sh
. tests/envtest/controlplane.sh
. tests/envtest/lib.sh

RECONCILER=${RECONCILER:-bin/reconciler}
NS=mlflow-system
export MLFLOW_URL=https://gateway.example.com

if ! cp_have_tools; then
    echo "ok 1 - operator suite # SKIP control plane binaries missing: make tools"
    exit 0
fi
if [ ! -x "$RECONCILER" ]; then
    echo "not ok 1 - $RECONCILER exists (make build)"
    exit 1
fi
if ! CP_DEFER_KCM=1 cp_start; then
    echo "not ok 1 - the control plane starts"
    exit 1
fi
on_exit() {
    local v
    for v in ${!OP_PID_*}; do [ -n "${!v}" ] && kill -9 "${!v}" 2>/dev/null; done
    if [ "$T_FAILS" -gt 0 ] && [ -n "${CP_DIR:-}" ]; then
        for f in "$CP_DIR"/op-*.log; do
            [ -f "$f" ] || continue
            echo "# --- last lines of $(basename "$f")"
            tail -15 "$f" | sed 's/^/#   /'
        done
    fi
    cp_stop
}
trap on_exit EXIT

# The operator's permissions: the shipped config/rbac, bound to its
# ServiceAccount whose token the operator then uses (so a missing verb
# fails here); without config/rbac, the test role for the token user.
install_rbac() {
    if [ -f config/rbac/kustomization.yaml ]; then
        k kustomize config/rbac | sed "s/namespace: system\$/namespace: $NS/" |
            k apply -n "$NS" -f - >/dev/null || return 1
        local token
        token=$(k create token mlflow-operator -n "$NS" --duration 2h) || return 1
        CP_OPERATOR_KUBECONFIG=$CP_DIR/operator-sa.kubeconfig
        CP_OPERATOR_TOKEN=$token
        _cp_kubeconfig "$CP_OPERATOR_KUBECONFIG" mlflow-operator "$token"
        RBAC_FROM=config/rbac
    else
        k apply -f tests/envtest/operator-rbac.yaml >/dev/null || return 1
        RBAC_FROM=tests/envtest/operator-rbac.yaml
    fi
}
k apply -f config/crd/mlflow.opendatahub.io_mlflows.yaml \
    -f tests/envtest/crds/consolelinks.yaml >/dev/null &&
    k create namespace "$NS" >/dev/null &&
    install_rbac &&
    k wait --for condition=established --timeout=30s \
        crd/mlflows.mlflow.opendatahub.io crd/consolelinks.console.openshift.io >/dev/null
if [ $? -eq 0 ]; then t_ok "CRD, RBAC ($RBAC_FROM) and namespace installed"; else
    t_notok "CRD, RBAC and namespace installed"
    echo "Bail out! nothing to test without them"
    exit 1
fi
# Now the garbage collector starts knowing MLflow as an owner kind.
cp_start_controller_manager

HP=$(_cp_free_port)
MP=$(_cp_free_port)
start_operator main --namespace "$NS" \
    --health-probe-bind-address "127.0.0.1:$HP" --metrics-bind-address "127.0.0.1:$MP" --metrics-secure=false \
    --resync-period 3s --discovery-interval 1s
t_check "operator becomes ready (/readyz)" eventually 30 curl -fsS "http://127.0.0.1:$HP/readyz"
t_check "/healthz answers" curl -fsS -o /dev/null "http://127.0.0.1:$HP/healthz"
# The endpoints' own HTTP server: other methods and paths are refused, and
# a client that never finishes its request holds up nobody else.
t_check "health endpoints: POST is 405, an unknown path 404, HEAD 200" eval '
    [ "$(curl -s -o /dev/null -w "%{http_code}" -X POST "http://127.0.0.1:$HP/healthz")" = 405 ] &&
    [ "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$HP/metrics")" = 404 ] &&
    [ "$(curl -s -o /dev/null -w "%{http_code}" -I "http://127.0.0.1:$HP/readyz")" = 200 ]'
raw_status() { # PORT REQUEST: the status line the endpoint answers
    local line
    exec 8<>"/dev/tcp/127.0.0.1/$1" || return 1
    printf '%b' "$2" >&8
    IFS= read -r -t 5 line <&8
    exec 8>&-
    printf '%s\n' "${line%$'\r'}"
}
t_check "health endpoints: a malformed request head is 400" eval '
    [ "$(raw_status "$HP" "GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n")" = "HTTP/1.1 400 Bad Request" ] &&
    [ "$(raw_status "$HP" "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")" = "HTTP/1.1 200 OK" ]'
exec 7<>"/dev/tcp/127.0.0.1/$HP" && printf 'GET /healthz HTTP/1.1\r\n' >&7
t_check "health endpoints: a stalled client does not block a probe" \
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$HP/healthz"
exec 7>&-

# --- create ------------------------------------------------------------------
mlflow_apply mlflow "{serveArtifacts: true, storage: {resources: {requests: {storage: 1Gi}}}}"
eventually 20 jp deployment mlflow '{.metadata.name}' -n "$NS"
bad=()
for obj in "serviceaccount mlflow-sa" "persistentvolumeclaim mlflow-pvc" \
    "service mlflow" "deployment mlflow" "networkpolicy mlflow"; do
    set -- $obj
    [ "$(owner_refs "$1" "$2" -n "$NS")" = "mlflow:true " ] || bad+=("$obj: $(owner_refs "$1" "$2" -n "$NS")")
done
for obj in "clusterrolebinding mlflow" "consolelink mlflow"; do
    set -- $obj
    [ "$(owner_refs "$1" "$2")" = "mlflow:true " ] || bad+=("$obj: $(owner_refs "$1" "$2")")
done
[ "$(owner_refs clusterrole mlflow)" = "mlflow: " ] || bad+=("clusterrole: $(owner_refs clusterrole mlflow)")
uid=$(jp mlflow mlflow '{.metadata.uid}')
[ "$(jp deployment mlflow '{.metadata.ownerReferences[0].uid}' -n "$NS")" = "$uid" ] || bad+=("owner uid")
if [ ${#bad[@]} -eq 0 ]; then t_ok "create: every object exists with the right owner references"; else t_notok "create: every object exists with the right owner references" "${bad[@]}"; fi

t_check "status: not available yet, observedGeneration 1, URL, the Service's in-cluster address" eventually 10 eval '
    [ "$(cond mlflow Available status)" = False ] &&
    [ "$(cond mlflow Available reason)" = DeploymentNotReady ] &&
    [ "$(jp mlflow mlflow "{.status.observedGeneration}")" = 1 ] &&
    [ "$(jp mlflow mlflow "{.status.url}")" = https://gateway.example.com/mlflow ] &&
    [ "$(jp mlflow mlflow "{.status.address.url}")" = "https://mlflow.$NS.svc:8443/mlflow" ]'

mark_ready mlflow "$NS"
t_check "Deployment ready -> Available=True (DeploymentReady)" eventually 10 eval '
    [ "$(cond mlflow Available status)" = True ] &&
    [ "$(cond mlflow Available reason)" = DeploymentReady ] &&
    [ "$(cond mlflow Degraded status)" = False ]'
t_check "an Event says the MLflow became ready" eventually 10 eval '
    k get events -n default --field-selector involvedObject.name=mlflow,reason=DeploymentReady -o name | has .'

# --- change ------------------------------------------------------------------
k patch mlflow mlflow --type merge -p '{"spec":{"workers":3}}' >/dev/null
t_check "spec change: Deployment updated, observedGeneration follows" eventually 15 eval '
    jp deployment mlflow "{.spec.template.spec.containers[0].args}" -n "$NS" | has -- "--workers=3" &&
    [ "$(jp mlflow mlflow "{.status.observedGeneration}")" = 2 ] &&
    [ "$(cond mlflow Available observedGeneration)" = 2 ]'

# --- repair ------------------------------------------------------------------
svc_uid=$(jp service mlflow '{.metadata.uid}' -n "$NS")
k delete service mlflow -n "$NS" >/dev/null
t_check "a deleted Service is recreated" eventually 15 eval '
    u=$(jp service mlflow "{.metadata.uid}" -n "$NS"); [ -n "$u" ] && [ "$u" != "$svc_uid" ]'
image=$(jp deployment mlflow '{.spec.template.spec.containers[0].image}' -n "$NS")
k patch deployment mlflow -n "$NS" --type json \
    -p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"example.com/other:1"}]' >/dev/null
t_check "a hand-edited Deployment is repaired" eventually 15 eval '
    [ "$(jp deployment mlflow "{.spec.template.spec.containers[0].image}" -n "$NS")" = "$image" ]'

# --- serving certificate: its digest on the pod template ---------------------
digest() { jp deployment mlflow '{.spec.template.metadata.annotations.mlflow\.opendatahub\.io/tls-digest}' -n "$NS"; }
tls_secret() { # CERT-TEXT: the Secret mlflow-tls (the data need not be a real certificate here)
    k apply -f - >/dev/null 2>&1 <<Y
apiVersion: v1
kind: Secret
metadata: {name: mlflow-tls, namespace: $NS}
type: kubernetes.io/tls
stringData: {tls.crt: "$1", tls.key: "key of $1"}
Y
}
t_check "no serving certificate Secret yet: no digest on the pod template" [ -z "$(digest)" ]
tls_secret first
t_check "a kubernetes.io/tls Secret appears: its digest goes on the pod template" eventually 15 eval '[ -n "$(digest)" ]'
d1=$(digest)
k label secret mlflow-tls -n "$NS" touched=yes >/dev/null 2>&1
sleep 2
t_check "a label on the Secret changes no digest" [ "$(digest)" = "$d1" ]
tls_secret renewed
t_check "a renewed certificate changes the digest (the pods roll)" eventually 15 eval '
    d=$(digest); [ -n "$d" ] && [ "$d" != "$d1" ]'
t_check "the certificate's key never reaches the operator's log" eval '
    ls "$CP_DIR"/op-*.log >/dev/null && ! grep -F "key of" "$CP_DIR"/op-*.log'

# --- storage -----------------------------------------------------------------
k apply -f - >/dev/null <<'Y'
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: expandable}
provisioner: example.com/none
allowVolumeExpansion: true
Y
mlflow_apply grow "{serveArtifacts: true, storage: {storageClassName: expandable, resources: {requests: {storage: 1Gi}}}}"
eventually 15 jp pvc mlflow-pvc-grow '{.metadata.name}' -n "$NS"
# Only a bound claim can grow: bind it as the volume controller would.
k patch pvc mlflow-pvc-grow -n "$NS" --subresource=status --type merge \
    -p '{"status":{"phase":"Bound","accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"}}}' >/dev/null
mlflow_apply grow "{serveArtifacts: true, storage: {storageClassName: expandable, resources: {requests: {storage: 3Gi}}}}"
t_check "a larger storage request grows the claim" eventually 15 eval '
    [ "$(jp pvc mlflow-pvc-grow "{.spec.resources.requests.storage}" -n "$NS")" = 3Gi ]'
mlflow_apply grow "{serveArtifacts: true, storage: {storageClassName: expandable, resources: {requests: {storage: 2Gi}}}}"
sleep 2
t_check "a smaller storage request leaves the claim alone" eval '
    [ "$(jp pvc mlflow-pvc-grow "{.spec.resources.requests.storage}" -n "$NS")" = 3Gi ] &&
    [ "$(cond grow Degraded status)" = False ]'
# The claim's labels and annotations follow the rendered ones: one taken
# away, one changed and the keep annotation dropped come back in one
# patch that leaves the storage request (3Gi, above the 2Gi asked) and a
# label someone else added alone.
k label pvc mlflow-pvc-grow -n "$NS" app- component=other team=data --overwrite >/dev/null
k annotate pvc mlflow-pvc-grow -n "$NS" helm.sh/resource-policy- >/dev/null
t_check "a claim's rendered labels and annotations come back, a hand-added label stays" eventually 15 eval '
    [ "$(jp pvc mlflow-pvc-grow "{.metadata.labels.app}/{.metadata.labels.component}/{.metadata.labels.team}/{.metadata.annotations.helm\.sh/resource-policy}" -n "$NS")" = mlflow/mlflow/data/keep ]'
t_check "relabelling the claim keeps its storage request" eval '
    [ "$(jp pvc mlflow-pvc-grow "{.spec.resources.requests.storage}" -n "$NS")" = 3Gi ]'
k delete mlflow grow --wait=false >/dev/null
# The claim has its MLflow object as owner: deleting the object deletes the
# claim (what the README's Uninstall section warns about).
t_check "deleting an MLflow: the garbage collector deletes its claim too" eventually 30 eval '
    [ -z "$(jp pvc mlflow-pvc-grow "{.metadata.name}" -n "$NS")" ] ||
    [ -n "$(jp pvc mlflow-pvc-grow "{.metadata.deletionTimestamp}" -n "$NS")" ]'

k patch mlflow mlflow --type json -p '[{"op":"remove","path":"/spec/storage"}]' >/dev/null
t_check "storage off: the claim is retained and reported" eventually 15 eval '
    [ "$(jp mlflow mlflow "{.status.retainedClaims[0]}")" = mlflow-pvc ] &&
    cond mlflow Degraded message | has "mlflow-pvc is retained" &&
    [ -n "$(jp pvc mlflow-pvc "{.metadata.uid}" -n "$NS")" ]'
t_check "storage off: the Deployment no longer mounts the claim" eval '
    ! jp deployment mlflow "{.spec.template.spec.volumes}" -n "$NS" | has mlflow-pvc'
t_check "storage off: the warning about pod-local data is in the status" eval '
    [ -n "$(cond mlflow Degraded message)" ]'

# --- invalid specs -----------------------------------------------------------
bad_spec="{serveArtifacts: true, backendStoreUri: 'postgresql://alice:s3cretpw@db/mlflow', backendStoreUriFrom: {name: db, key: uri}}"
out=$(mlflow_apply bad "$bad_spec" 2>&1)
t_check "an invalid spec is refused by the CRD's CEL rules" eval 'echo "$out" | has "mutually exclusive"'
k patch crd mlflows.mlflow.opendatahub.io --type json \
    -p '[{"op":"remove","path":"/spec/versions/0/schema/openAPIV3Schema/properties/spec/x-kubernetes-validations"}]' >/dev/null
eventually 10 mlflow_apply bad "$bad_spec"
t_check "without CEL: Degraded=True RenderFailed with the field path" eventually 15 eval '
    [ "$(cond bad Degraded status)" = True ] &&
    [ "$(cond bad Degraded reason)" = RenderFailed ] &&
    cond bad Degraded message | has "spec.backendStoreUri"'
t_check "without CEL: nothing is applied for the invalid spec" eval '
    [ -z "$(jp deployment mlflow-bad "{.metadata.name}" -n "$NS")" ] &&
    [ -z "$(jp serviceaccount mlflow-bad-sa "{.metadata.name}" -n "$NS")" ]'
t_check "the failure is an Event with its reason" eventually 10 eval '
    k get events -n default --field-selector involvedObject.name=bad,reason=RenderFailed -o name | has .'
# The same failure again (valid in between, then invalid the same way) is
# counted on its one Event, which keeps its name; reconciling the failure
# once more (a new generation, same message) adds nothing.
bad_uid=$(jp mlflow bad '{.metadata.uid}')
render_failed_events() { # NAME=COUNT of each RenderFailed Event about bad
    k get events -n default --field-selector "involvedObject.uid=$bad_uid,reason=RenderFailed" \
        -o jsonpath='{range .items[*]}{.metadata.name}={.count}{"\n"}{end}'
}
ev1=$(render_failed_events)
mlflow_apply bad "{serveArtifacts: true}"
eventually 15 eval '[ "$(cond bad Degraded reason)" != RenderFailed ] && [ -n "$(cond bad Degraded reason)" ]'
mlflow_apply bad "$bad_spec"
t_check "a repeated failure counts on its one Event: count 2, same name" eventually 15 eval '
    [ "$(render_failed_events)" = "${ev1%=1}=2" ] && [ "${ev1%=1}" != "$ev1" ]'
gen=$(jp mlflow bad '{.metadata.generation}')
k patch mlflow bad --type merge -p '{"spec":{"workers":2}}' >/dev/null
eventually 15 eval '[ "$(jp mlflow bad "{.status.observedGeneration}")" -gt "$gen" ]'
t_check "reconciling the same failure again adds no Event and no count" eval '
    [ "$(render_failed_events)" = "${ev1%=1}=2" ]'
# A restarted operator knows no count: its create meets the Event (409),
# reads it (with the role's verbs: create and patch) and counts on it.
stop_operator main TERM
start_operator main --namespace "$NS" \
    --health-probe-bind-address "127.0.0.1:$HP" --metrics-bind-address "127.0.0.1:$MP" --metrics-secure=false \
    --resync-period 3s --discovery-interval 1s
eventually 30 curl -fsS "http://127.0.0.1:$HP/readyz"
mlflow_apply bad "{serveArtifacts: true}"
eventually 15 eval '[ "$(cond bad Degraded reason)" = Reconciled ]'
mlflow_apply bad "$bad_spec"
t_check "after a restart the same failure counts on the same Event: count 3" eventually 15 eval '
    [ "$(render_failed_events)" = "${ev1%=1}=3" ]'
k delete mlflow bad >/dev/null
k apply -f config/crd/mlflow.opendatahub.io_mlflows.yaml >/dev/null

# --- shared ClusterRole ------------------------------------------------------
mlflow_apply two "{serveArtifacts: true}"
t_check "two MLflows share the ClusterRole, one reference each" eventually 15 eval '
    r=$(owner_refs clusterrole mlflow); [[ "$r" == *"mlflow: "* && "$r" == *"two: "* ]]'
eventually 10 jp deployment mlflow-two '{.metadata.name}' -n "$NS"
k delete mlflow two >/dev/null
t_check "deleting one: its objects are collected, the other's reference stays" eventually 30 eval '
    [ -z "$(jp deployment mlflow-two "{.metadata.name}" -n "$NS")" ] &&
    r=$(owner_refs clusterrole mlflow) && [[ "$r" == *"mlflow: "* && "$r" != *"two: "* ]]'

# --- schema migration: the Job's name fits for the longest MLflow name --------
long=m2345678901234567890123456789012345678a
mlflow_apply "$long" "{serveArtifacts: true, storage: {}, migration: {}}"
t_check "migration: a 40-character MLflow's Job is accepted (its name fits 63) and the server waits at zero" \
    eventually 20 eval '
    job=$(k get jobs -n "$NS" -l "app.kubernetes.io/instance=mlflow-$long" -o "jsonpath={.items[0].metadata.name}") &&
    [ "${#job}" -le 63 ] && [[ $job == "mlflow-migrate-$long-"* ]] &&
    [ "$(jp deployment "mlflow-$long" "{.spec.replicas}" -n "$NS")" = 0 ] &&
    [ "$(cond "$long" Migration reason)" = Migrating ]'
k delete mlflow "$long" >/dev/null

# --- optional APIs -----------------------------------------------------------
k apply -f tests/envtest/crds/httproutes.yaml >/dev/null || t_notok "the HTTPRoute CRD installs"
t_check "HTTPRoute CRD installed while running: the route appears" eventually 20 eval '
    [ "$(owner_refs httproute mlflow -n "$NS")" = "mlflow:true " ]'

# --- quiet state -------------------------------------------------------------
names=()
for i in $(seq -w 1 20); do names+=("q$i"); done
for n in "${names[@]}"; do mlflow_apply "$n" "{serveArtifacts: true}"; done
converged() {
    local gens
    gens=$(k get mlflow -o jsonpath='{range .items[*]}{.metadata.name}={.status.observedGeneration}{"\n"}{end}' | grep -c '^q[0-9]*=1$')
    [ "$gens" -eq 20 ]
}
eventually 60 converged
# Written by four workers at once, the shared ClusterRole loses no
# instance's reference, and has one field manager whatever their number.
t_check "20 MLflows at once: the ClusterRole holds every reference" eventually 10 eval '
    [ "$(owner_refs clusterrole mlflow | tr " " "\n" | grep -c "^q[0-9]*:$")" -eq 20 ]'
t_check "the shared ClusterRole has one field manager" eval '
    [ "$(jp clusterrole mlflow "{range .metadata.managedFields[*]}{.manager}/{.operation}{\"\\n\"}{end}")" = mlflow-operator/Apply ]'
snapshot() {
    k get mlflow,clusterrole,clusterrolebinding,consolelink -o jsonpath='{range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion}{"\n"}{end}'
    k get deployment,service,serviceaccount,networkpolicy,pvc,httproute -n "$NS" \
        -o jsonpath='{range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion}{"\n"}{end}'
}
# Settle: no write by anyone (the operator, or the garbage collector
# finishing earlier deletions) for two seconds.
w=$(writes "$MP")
s1=$(snapshot)
for _ in $(seq 15); do
    sleep 2
    w2=$(writes "$MP")
    s2=$(snapshot)
    [ "$w2" = "$w" ] && [ "$s2" = "$s1" ] && break
    w=$w2 s1=$s2
done
before=$(snapshot)
w0=$(writes "$MP")
r0=$(metric "$MP" 'controller_runtime_reconcile_total{controller="mlflow",result="success"}')
sleep 7 # two resync periods
after=$(snapshot)
w1=$(writes "$MP")
r1=$(metric "$MP" 'controller_runtime_reconcile_total{controller="mlflow",result="success"}')
t_check "quiet resync: 20+ MLflows reconciled again" [ "$((r1 - r0))" -ge 40 ]
if [ "$w0" = "$w1" ]; then t_ok "quiet resync: no write at all (no apply, no status)"; else t_notok "quiet resync: no write at all (no apply, no status)" "writes $w0 -> $w1"; fi
if [ "$before" = "$after" ]; then t_ok "quiet resync: no resourceVersion changed"; else
    t_notok "quiet resync: no resourceVersion changed" $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -10); fi
k delete mlflow "${names[@]}" --wait=false >/dev/null

# --- API server restart ------------------------------------------------------
cp_stop_apiserver
sleep 2
cp_start_apiserver
mlflow_apply after "{serveArtifacts: true}"
t_check "API server restarted: the operator reconnects and converges" eventually 40 eval '
    [ "$(owner_refs deployment mlflow-after -n "$NS")" = "after:true " ] &&
    [ "$(jp mlflow after "{.status.observedGeneration}")" = 1 ]'
t_check "the watch restarts are counted" eval '
    m=$(curl -fsS "http://127.0.0.1:$MP/metrics"); [[ "$m" == *"mlflow_operator_watch_restarts_total{"* ]]'
families_ok() { # what controller-runtime dashboards read, with sane values
    local m
    curl -fsS -o "$CP_DIR/scrape-main.out" "http://127.0.0.1:$MP/metrics" || return 1
    m=$(<"$CP_DIR/scrape-main.out")
    has -E '^workqueue_work_duration_seconds_bucket\{name="mlflow",le="\+Inf"\} [1-9]' <<<"$m" &&
        has -E '^controller_runtime_active_workers\{controller="mlflow"\} [0-9]' <<<"$m" &&
        has -E '^rest_client_request_duration_seconds_bucket\{verb="GET",le="\+Inf"\} [1-9]' <<<"$m" &&
        has -E '^mlflow_operator_build_info\{version="[^"]+"\} 1$' <<<"$m" &&
        awk '/^workqueue_adds_total\{name="mlflow"\} / { a = $2 }
             /^process_resident_memory_bytes / { r = $2 }
             END { exit !(a > 0 && r > 1e6) }' <<<"$m"
}
t_check "metrics: work queue, workers, request latency, process, build info" families_ok

# --- deletion ----------------------------------------------------------------
k delete mlflow mlflow >/dev/null
t_check "delete the MLflow: the garbage collector takes its objects" eventually 30 eval '
    [ -z "$(jp deployment mlflow "{.metadata.name}" -n "$NS")" ] &&
    [ -z "$(jp service mlflow "{.metadata.name}" -n "$NS")" ] &&
    [ -z "$(jp clusterrolebinding mlflow "{.metadata.name}")" ]'

# --- shutdown ----------------------------------------------------------------
stop_operator main TERM
t_check "SIGTERM: clean exit 0" [ "$STOP_RC" = 0 ]

# --- exec credential plugin, tls-server-name ----------------------------------
# A kubeconfig whose user is an exec plugin (a relative command: resolved
# against the kubeconfig's directory) that prints a token the API server
# rejects, then the operator's token once asked again after the 401; its
# cluster is dialled at 127.0.0.1 but verified as kubernetes.default.svc,
# a name of the test certificate that is not the URL's host. Then the same
# with a name the certificate does not have.
exec_kubeconfig() { # FILE TLS-SERVER-NAME
    cat >"$1" <<KC
apiVersion: v1
kind: Config
current-context: exec
clusters:
- name: exec
  cluster:
    server: $CP_SERVER
    certificate-authority: $CP_DIR/pki/ca.crt
    tls-server-name: $2
contexts:
- name: exec
  context: {cluster: exec, user: exec-plugin}
users:
- name: exec-plugin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./exec-plugin.sh
      args: [--token-file, $CP_DIR/exec-token]
      interactiveMode: Never
      provideClusterInfo: true
KC
}
printf '%s' "$CP_OPERATOR_TOKEN" >"$CP_DIR/exec-token"
cat >"$CP_DIR/exec-plugin.sh" <<'SH'
#!/bin/sh
# --token-file FILE: an ExecCredential with the token in FILE, except on
# the first run.
runs=${2%/*}/exec-runs
echo "$KUBERNETES_EXEC_INFO" >>"$runs"
token=$(cat "$2")
[ "$(wc -l <"$runs")" -gt 1 ] || token=not-a-valid-token
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\n' "$token"
SH
chmod +x "$CP_DIR/exec-plugin.sh"
exec_kubeconfig "$CP_DIR/exec.kubeconfig" kubernetes.default.svc
exec_kubeconfig "$CP_DIR/exec-wrong.kubeconfig" wrong.example
HX=$(_cp_free_port)
CP_OPERATOR_KUBECONFIG=$CP_DIR/exec.kubeconfig start_operator exec --namespace "$NS" \
    --health-probe-bind-address "127.0.0.1:$HX" --metrics-bind-address 0
t_check "exec plugin + tls-server-name: the operator authenticates and becomes ready" \
    eventually 15 curl -fsS "http://127.0.0.1:$HX/readyz"
t_check "after the 401 to its first token the plugin ran once more, no more" \
    [ "$(wc -l <"$CP_DIR/exec-runs")" -eq 2 ]
t_check "the plugin got the cluster, tls-server-name included" \
    has -F '"tls-server-name":"kubernetes.default.svc"' "$CP_DIR/exec-runs"
stop_operator exec TERM
HX=$(_cp_free_port)
CP_OPERATOR_KUBECONFIG=$CP_DIR/exec-wrong.kubeconfig start_operator execbad --namespace "$NS" \
    --health-probe-bind-address "127.0.0.1:$HX" --metrics-bind-address 0
t_check "tls-server-name wrong.example: the certificate is checked against that name" \
    eventually 10 has -E "target host ?name 'wrong\.example'" "$CP_DIR/op-execbad.log"
t_check "tls-server-name wrong.example: never ready" eval '
    ! curl -fsS --max-time 2 "http://127.0.0.1:$HX/readyz" 2>/dev/null'
stop_operator execbad TERM

# --- secure metrics ----------------------------------------------------------
# /metrics over HTTPS, for bearer tokens the API server says may get it
# (TokenReview, SubjectAccessReview). The operators here are standbys for
# a Lease someone else holds: they serve their endpoints and reconcile
# nothing.
mcert() { # DIR CN: tls.key and tls.crt for 127.0.0.1, signed by the CA
    mkdir -p "$1" && cp_sign "$1/key.new" "$1/crt.new" "$2" IP:127.0.0.1 &&
        mv "$1/key.new" "$1/tls.key" && mv "$1/crt.new" "$1/tls.crt"
}
served_cn() { # PORT: the subject of the certificate served there
    openssl s_client -connect "127.0.0.1:$1" </dev/null 2>/dev/null |
        openssl x509 -noout -subject 2>/dev/null
}
scrape() { # PORT TOKEN [curl args]: the HTTP status of a scrape
    local port=$1 token=$2
    shift 2
    curl -s -o "$CP_DIR/scrape.out" -w '%{http_code}' --max-time 10 \
        ${token:+-H "Authorization: Bearer $token"} "$@" "https://127.0.0.1:$port/metrics"
}
mcert "$CP_DIR/mcert" first-cert
reader_role=$(k get clusterrole -o name | grep -m1 'metrics-reader$')
now=$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)
{ k create serviceaccount scraper -n "$NS" && k create serviceaccount nobody -n "$NS" &&
    k create clusterrolebinding scraper-metrics --clusterrole "${reader_role#*/}" \
        --serviceaccount "$NS:scraper" &&
    k apply -f - <<LEASE; } >/dev/null
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: held-elsewhere, namespace: $NS}
spec: {holderIdentity: someone-else, leaseDurationSeconds: 3600, acquireTime: "$now", renewTime: "$now"}
LEASE
SCRAPER_TOKEN=$(k create token scraper -n "$NS" --duration 1h)
NOBODY_TOKEN=$(k create token nobody -n "$NS" --duration 1h)
SM=(--leader-elect --leader-election-id held-elsewhere --leader-election-namespace "$NS"
    --namespace "$NS" --health-probe-bind-address 0)
SMP=$(_cp_free_port)
start_operator sm "${SM[@]}" --metrics-bind-address "127.0.0.1:$SMP" \
    --metrics-cert-path "$CP_DIR/mcert"
eventually 15 served_cn "$SMP"
CA=(--cacert "$CP_DIR/pki/ca.crt")
t_check "secure metrics: the token of a reader gets them, TLS verified" eval '
    [ "$(scrape "$SMP" "$SCRAPER_TOKEN" "${CA[@]}")" = 200 ] &&
    has -F "mlflow_operator_leader 0" "$CP_DIR/scrape.out"'
t_check "secure metrics: no token is 401, a forged one 401" eval '
    [ "$(scrape "$SMP" "" "${CA[@]}")" = 401 ] &&
    [ "$(scrape "$SMP" "not.a.token" "${CA[@]}")" = 401 ]'
t_check "secure metrics: a token without the reader role is 403" \
    [ "$(scrape "$SMP" "$NOBODY_TOKEN" "${CA[@]}")" = 403 ]
reviews() { # the reviews the operator posted, from its own metrics
    scrape "$SMP" "$SCRAPER_TOKEN" "${CA[@]}" >/dev/null &&
        awk '/^rest_client_requests_total\{code="201",method="POST"\}/ { print $2 }' \
            "$CP_DIR/scrape.out"
}
r1=$(reviews)
r2=$(reviews)
t_check "secure metrics: answers are cached (a repeated scrape posts no review)" \
    eval '[ -n "$r1" ] && [ "$r1" = "$r2" ]'
t_check "secure metrics: plain HTTP gets a 400 that says to use HTTPS" eval '
    [ "$(curl -s -o "$CP_DIR/plain.out" -w "%{http_code}" --max-time 3 \
        -H "Authorization: Bearer $SCRAPER_TOKEN" "http://127.0.0.1:$SMP/metrics")" = 400 ] &&
    has -F "HTTP request to an HTTPS server" "$CP_DIR/plain.out"'
mcert "$CP_DIR/mcert" rotated-cert
t_check "secure metrics: a rotated certificate is served without a restart" \
    eventually 10 eval 'served_cn "$SMP" | has -F rotated-cert'
t_check "secure metrics: and verified against the CA" \
    [ "$(scrape "$SMP" "$SCRAPER_TOKEN" "${CA[@]}")" = 200 ]
stop_operator sm TERM
SMP=$(_cp_free_port)
start_operator ss "${SM[@]}" --metrics-bind-address "127.0.0.1:$SMP"
eventually 15 served_cn "$SMP"
t_check "secure metrics without --metrics-cert-path: a self-signed certificate" eval '
    served_cn "$SMP" | has -F mlflow-operator-metrics &&
    [ "$(scrape "$SMP" "$SCRAPER_TOKEN" "${CA[@]}")" = 000 ] &&
    [ "$(scrape "$SMP" "$SCRAPER_TOKEN" -k)" = 200 ]'
stop_operator ss TERM
"$RECONCILER" --kubeconfig "$CP_OPERATOR_KUBECONFIG" --namespace "$NS" \
    --health-probe-bind-address 0 --metrics-bind-address "127.0.0.1:$(_cp_free_port)" \
    --metrics-cert-path "$CP_DIR/no-such-dir" >/dev/null 2>"$CP_DIR/certerr.log"
rc=$?
t_check "a missing metrics certificate: exit 1, the file named" eval '
    [ "$rc" = 1 ] && has -F "$CP_DIR/no-such-dir/tls.crt" "$CP_DIR/certerr.log"'

# --- leader election ---------------------------------------------------------
LE=(--leader-elect --leader-election-namespace "$NS" --lease-duration 4s
    --renew-deadline 3s --retry-period 1s --namespace "$NS" --resync-period 30s
    --discovery-interval 5s --metrics-bind-address 0)
HA=$(_cp_free_port)
HB=$(_cp_free_port)
POD_NAME=op-a start_operator a "${LE[@]}" --health-probe-bind-address "127.0.0.1:$HA"
sleep 1
POD_NAME=op-b start_operator b "${LE[@]}" --health-probe-bind-address "127.0.0.1:$HB"
holder() { jp lease mlflow-operator-lock '{.spec.holderIdentity}' -n "$NS"; }
eventually 15 eval '[ -n "$(holder)" ]'
h=$(holder)
case $h in op-a_*) leader=a standby=b ;; op-b_*) leader=b standby=a ;; *) leader= ;; esac
t_check "leader election: one of two replicas holds the lease" [ -n "$leader" ]
mlflow_apply le1 "{serveArtifacts: true}"
eventually 20 jp deployment mlflow-le1 '{.metadata.name}' -n "$NS"
t_check "leader election: only the leader reconciles" eval '
    grep -q "\"mlflow\":\"le1\"" "$CP_DIR/op-$leader.log" &&
    ! grep -q "\"mlflow\":\"le1\"" "$CP_DIR/op-$standby.log"'
stop_operator "$leader" KILL >/dev/null
t_check "leader killed: the standby takes the lease within its duration" eventually 12 eval '
    case $(holder) in op-${standby}_*) true ;; *) false ;; esac'
mlflow_apply le2 "{serveArtifacts: true}"
t_check "the new leader reconciles" eventually 20 eval '
    [ "$(owner_refs deployment mlflow-le2 -n "$NS")" = "le2:true " ]'
stop_operator "$standby" TERM
t_check "SIGTERM on the leader: exit 0 and the lease is handed back" eval '
    [ "$STOP_RC" = 0 ] && [ -z "$(holder)" ]'

# --- credentials -------------------------------------------------------------
logs=$(cat "$CP_DIR"/op-*.log)
not_json=$(echo "$logs" | grep -v '^{"ts":"[^"]*","level":"\(debug\|info\|warn\|error\)","msg":".*}$')
if [ -z "$not_json" ]; then t_ok "logs are JSON lines with ts, level and msg"; else
    t_notok "logs are JSON lines with ts, level and msg" "$(echo "$not_json" | head -3)"; fi
leaks=()
echo "$logs" | has -F "$CP_OPERATOR_TOKEN" && leaks+=("the operator's token is in a log")
echo "$logs" | has -F "$SCRAPER_TOKEN" && leaks+=("a scraper's token is in a log")
echo "$logs" | has -F s3cretpw && leaks+=("a database password is in a log")
k get events -n default -o yaml | has -F s3cretpw && leaks+=("a database password is in an Event")
if [ ${#leaks[@]} -eq 0 ]; then t_ok "no credential in logs, Events or conditions"; else t_notok "no credential in logs, Events or conditions" "${leaks[@]}"; fi
# Under the sanitizer build (suite-41) a report goes to stderr, the log.
t_check "no sanitizer report in any operator log" eval '
    ! has -E "ERROR: (Address|Leak)Sanitizer|runtime error:" "$CP_DIR"/op-*.log'

echo "1..$T_N"
[ "$T_FAILS" -eq 0 ]
