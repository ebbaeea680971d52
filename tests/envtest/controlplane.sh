#!/usr/bin/env bash
# tests/envtest/controlplane.sh — a real Kubernetes control plane for tests:
# etcd, kube-apiserver (HTTPS, static tokens, RBAC) and kube-controller-
# manager running only the garbage collector and namespace controllers, in a
# temporary directory on free loopback ports. Nothing is faked: the binaries
# are the pinned upstream builds (see hack/tools.mk).
#
# Source it and call cp_start / cp_stop (cp_start installs an EXIT trap that
# calls cp_stop unless the caller has one), or run it directly:
#   tests/envtest/controlplane.sh run -- CMD...   control plane up, run CMD
#                                                 with KUBECONFIG set, tear down
# After cp_start:
#   CP_DIR                  the temporary directory (logs: $CP_DIR/*.log)
#   CP_SERVER               https://$CP_ADDRESS:<port>
#   CP_ADMIN_KUBECONFIG     system:masters
#   CP_OPERATOR_KUBECONFIG  user "mlflow-operator" (bind it to a role)
#   CP_OPERATOR_USER        that user name
# CP_DEFER_KCM=1: cp_start leaves kube-controller-manager to a later
# cp_start_controller_manager, e.g. after installing CRDs (its garbage
# collector learns about new kinds only every 30 s).
# CP_PODS=1: a control plane that runs pods (with tests/e2e/podrunner.py as
# the node): the ServiceAccount admission plugin on, and the controllers
# that pods need (deployment, replicaset, endpoints, service-account tokens,
# the root CA ConfigMap, volume binding). CP_ADDRESS (default 127.0.0.1)
# is the address the API server listens on and advertises, e.g. a bridge
# address that pods in their own network namespaces reach.
# Binaries come from $ETCD, $KUBE_APISERVER, $KUBE_CONTROLLER_MANAGER, or
# the tools cache when those are unset.

_cp_tools=${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-krm/tools
: "${ETCD:=$_cp_tools/etcd-v3.6.16/etcd}"
: "${KUBE_APISERVER:=$_cp_tools/kube-v1.36.3/kube-apiserver}"
: "${KUBE_CONTROLLER_MANAGER:=$_cp_tools/kube-v1.36.3/kube-controller-manager}"
CP_OPERATOR_USER=mlflow-operator
: "${CP_ADDRESS:=127.0.0.1}"

cp_have_tools() {
    [ -x "$ETCD" ] && [ -x "$KUBE_APISERVER" ]
}

# A loopback TCP port nobody listens on and that we have not handed out,
# below the kernel's ephemeral range: a port in that range may be the local
# end of some client's connection, and then nothing can listen on it. The
# ports handed out are kept in $CP_DIR/ports, as callers run this in a
# command substitution.
_cp_free_port() {
    local p low=32768 used=${CP_DIR:+$CP_DIR/ports}
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
    ((low > 11000)) || low=32768
    while :; do
        p=$((10000 + RANDOM % (low - 10000)))
        [ -n "$used" ] && grep -qx "$p" "$used" 2>/dev/null && continue
        if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
            [ -n "$used" ] && echo "$p" >>"$used"
            echo "$p"
            return
        fi
    done
}

# cp_sign KEY CRT CN SAN: a P-256 key and a certificate for the
# subjectAltName SAN (e.g. IP:127.0.0.1), signed by the control plane's CA
# ($CP_DIR/pki/ca.crt).
cp_sign() {
    local d=$CP_DIR/pki
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$1" -out "$2.csr" -subj "/CN=$3" 2>/dev/null &&
        openssl x509 -req -in "$2.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
            -CAcreateserial -days 2 -out "$2" \
            -extfile <(printf 'subjectAltName=%s\n' "$4") 2>/dev/null
}

_cp_certs() {
    local d=$CP_DIR/pki
    mkdir -p "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$d/ca.key" -out "$d/ca.crt" -days 2 -subj /CN=envtest-ca \
        2>/dev/null || return 1
    cp_sign "$d/server.key" "$d/server.crt" kube-apiserver \
        "IP:127.0.0.1,IP:$CP_ADDRESS,IP:10.0.0.1,DNS:localhost,DNS:kubernetes.default.svc" || return 1
    openssl genrsa -out "$d/sa.key" 2048 2>/dev/null || return 1
    openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null || return 1
    CP_ADMIN_TOKEN=$(openssl rand -hex 24)
    CP_OPERATOR_TOKEN=$(openssl rand -hex 24)
    {
        echo "$CP_ADMIN_TOKEN,envtest-admin,envtest-admin,\"system:masters\""
        echo "$CP_OPERATOR_TOKEN,$CP_OPERATOR_USER,$CP_OPERATOR_USER-uid"
    } >"$d/tokens.csv"
}

_cp_kubeconfig() { # file user token
    cat >"$1" <<KC
apiVersion: v1
kind: Config
current-context: envtest
clusters:
- name: envtest
  cluster:
    server: $CP_SERVER
    certificate-authority: $CP_DIR/pki/ca.crt
contexts:
- name: envtest
  context: {cluster: envtest, user: $2}
users:
- name: $2
  user:
    token: $3
KC
}

_cp_wait_http() { # url seconds pid [curl args...]: up, or pid gone
    local url=$1 secs=$2 pid=$3
    shift 3
    local i
    for ((i = 0; i < secs * 10; i++)); do
        if curl -fsS -o /dev/null --max-time 2 "$@" "$url" 2>/dev/null; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

cp_start_etcd() {
    "$ETCD" --name envtest --data-dir "$CP_DIR/etcd" \
        --listen-client-urls "http://127.0.0.1:$CP_ETCD_PORT" \
        --advertise-client-urls "http://127.0.0.1:$CP_ETCD_PORT" \
        --listen-peer-urls "http://127.0.0.1:$CP_ETCD_PEER_PORT" \
        --initial-advertise-peer-urls "http://127.0.0.1:$CP_ETCD_PEER_PORT" \
        --initial-cluster "envtest=http://127.0.0.1:$CP_ETCD_PEER_PORT" \
        --unsafe-no-fsync --log-level warn \
        >>"$CP_DIR/etcd.log" 2>&1 &
    CP_ETCD_PID=$!
    _cp_wait_http "http://127.0.0.1:$CP_ETCD_PORT/health" 30 "$CP_ETCD_PID" ||
        { echo "etcd did not start; see $CP_DIR/etcd.log" >&2
          tail -5 "$CP_DIR/etcd.log" >&2; return 1; }
}

cp_start_apiserver() {
    local pki=$CP_DIR/pki
    "$KUBE_APISERVER" \
        --etcd-servers "http://127.0.0.1:$CP_ETCD_PORT" \
        --bind-address "$CP_ADDRESS" --advertise-address "$CP_ADDRESS" \
        --secure-port "$CP_PORT" --cert-dir "$CP_DIR/cert" \
        --tls-cert-file "$pki/server.crt" --tls-private-key-file "$pki/server.key" \
        --client-ca-file "$pki/ca.crt" \
        --token-auth-file "$pki/tokens.csv" \
        --authorization-mode RBAC \
        --service-account-issuer https://kubernetes.default.svc \
        --service-account-key-file "$pki/sa.pub" \
        --service-account-signing-key-file "$pki/sa.key" \
        --service-cluster-ip-range 10.0.0.0/16 \
        --allow-privileged=true \
        $([ -n "${CP_PODS:-}" ] || echo --disable-admission-plugins ServiceAccount) \
        >>"$CP_DIR/kube-apiserver.log" 2>&1 &
    CP_APISERVER_PID=$!
    _cp_wait_http "$CP_SERVER/readyz" 90 "$CP_APISERVER_PID" --cacert "$pki/ca.crt" \
        -H "Authorization: Bearer $CP_ADMIN_TOKEN" ||
        { echo "kube-apiserver did not become ready; see $CP_DIR/kube-apiserver.log" >&2
          tail -20 "$CP_DIR/kube-apiserver.log" >&2; return 1; }
}

# TERM, then KILL after `secs` seconds; reaps the process.
_cp_kill() { # pid secs
    local pid=$1 secs=$2 i
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
    for ((i = 0; i < secs * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

cp_stop_apiserver() {
    _cp_kill "${CP_APISERVER_PID:-}" 10
    CP_APISERVER_PID=
}

cp_start_controller_manager() {
    [ -x "$KUBE_CONTROLLER_MANAGER" ] || return 0
    local ctrls=garbage-collector-controller,namespace-controller pods=()
    if [ -n "${CP_PODS:-}" ]; then
        ctrls+=,deployment-controller,replicaset-controller,job-controller
        ctrls+=,endpoints-controller,endpointslice-controller
        ctrls+=,serviceaccount-controller,serviceaccount-token-controller
        ctrls+=,root-ca-certificate-publisher-controller
        ctrls+=,persistentvolume-binder-controller
        pods=(--service-account-private-key-file "$CP_DIR/pki/sa.key"
            --root-ca-file "$CP_DIR/pki/ca.crt")
    fi
    "$KUBE_CONTROLLER_MANAGER" \
        --kubeconfig "$CP_ADMIN_KUBECONFIG" \
        --controllers "$ctrls" "${pods[@]}" \
        --leader-elect=false --secure-port 0 \
        --use-service-account-credentials=false \
        >>"$CP_DIR/kube-controller-manager.log" 2>&1 &
    CP_KCM_PID=$!
}

cp_start() {
    cp_have_tools || { echo "control plane binaries missing (run make tools)" >&2; return 1; }
    CP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/envtest.XXXXXX")
    # A caller's own EXIT trap stays (it calls cp_stop itself); replacing it
    # would leave whatever else it stops running.
    [ -n "$(trap -p EXIT)" ] || trap cp_stop EXIT
    # A signal ends the script through exit, so the EXIT trap tears down.
    trap 'exit 143' TERM
    trap 'exit 130' INT
    _cp_certs || { echo "cannot make certificates" >&2; return 1; }
    CP_ADMIN_KUBECONFIG=$CP_DIR/admin.kubeconfig
    CP_OPERATOR_KUBECONFIG=$CP_DIR/operator.kubeconfig
    # A port can still be taken between the check and the bind: then the
    # server exits at once and gets other ports, up to three times.
    local try
    for try in 1 2 3; do
        CP_ETCD_PORT=$(_cp_free_port)
        CP_ETCD_PEER_PORT=$(_cp_free_port)
        cp_start_etcd 2>>"$CP_DIR/start.log" && break
        _cp_kill "$CP_ETCD_PID" 5
        [ "$try" = 3 ] && { cat "$CP_DIR/start.log" >&2; return 1; }
    done
    for try in 1 2 3; do
        CP_PORT=$(_cp_free_port)
        CP_SERVER=https://$CP_ADDRESS:$CP_PORT
        _cp_kubeconfig "$CP_ADMIN_KUBECONFIG" envtest-admin "$CP_ADMIN_TOKEN"
        _cp_kubeconfig "$CP_OPERATOR_KUBECONFIG" "$CP_OPERATOR_USER" "$CP_OPERATOR_TOKEN"
        cp_start_apiserver 2>>"$CP_DIR/start.log" && break
        _cp_kill "$CP_APISERVER_PID" 10
        [ "$try" = 3 ] && { cat "$CP_DIR/start.log" >&2; return 1; }
    done
    [ -n "${CP_DEFER_KCM:-}" ] || cp_start_controller_manager
}

# Clients first: the API server's graceful shutdown waits on etcd.
cp_stop() {
    _cp_kill "${CP_KCM_PID:-}" 5
    _cp_kill "${CP_APISERVER_PID:-}" 10
    _cp_kill "${CP_ETCD_PID:-}" 5
    CP_KCM_PID= CP_APISERVER_PID= CP_ETCD_PID=
    if [ -n "${CP_DIR:-}" ] && [ -d "$CP_DIR" ]; then
        if [ -n "${CP_KEEP:-}" ]; then
            echo "# control plane files kept in $CP_DIR" >&2
        else
            rm -rf "$CP_DIR"
        fi
    fi
    CP_DIR=
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    case ${1:-} in
    run)
        shift
        [ "${1:-}" = -- ] && shift
        cp_start || exit 1
        export CP_DIR CP_SERVER CP_ADMIN_KUBECONFIG CP_OPERATOR_KUBECONFIG CP_OPERATOR_USER
        KUBECONFIG=$CP_ADMIN_KUBECONFIG "$@"
        ;;
    *)
        echo "usage: $0 run -- COMMAND..." >&2
        exit 2
        ;;
    esac
fi
