#!/usr/bin/env bash
# tests/suite-30-krm.sh — krmfn as users run it: the snapshot cases
# (tests/snapshot.sh), the real pinned kustomize (exec transformer and
# generator), kpt (fn eval --exec, fn render with an exec pipeline), the
# Argo CD plugin's discover and generate commands run the way
# argocd-cmp-server runs them, and hostile input. TAP output.
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tests/lib.sh
. tests/lib.sh

KRMFN=$(abs_cmd "${KRMFN:-bin/krmfn}")
KUSTOMIZE=$(abs_cmd "${KUSTOMIZE:-${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-krm/tools/kustomize-v5.8.2/kustomize}")
KPT=$(abs_cmd "${KPT:-$(command -v kpt || echo /usr/bin/kpt)}")
ROOT=$PWD
unset MLFLOW_IMAGE
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The examples and the kpt pipelines name the function `krmfn` on PATH.
mkdir -p "$work/path"
ln -s "$KRMFN" "$work/path/krmfn"
export PATH="$work/path:$PATH"

have_kustomize() { [ -x "$KUSTOMIZE" ]; }
have_kpt() { [ -x "$KPT" ]; }

# --- snapshots ---------------------------------------------------------------

snap_out=$(KRMFN=$KRMFN KUSTOMIZE=$KUSTOMIZE tests/snapshot.sh 2>&1)
while IFS= read -r line; do
    case $line in
    "ok "*) tap_ok "snapshot ${line#ok * - }" ;;
    "not ok "*) tap_not_ok "snapshot ${line#not ok * - }" ;;
    "# "*) [ "$TAP_FAIL" -gt 0 ] && printf '%s\n' "$line" ;;
    esac
done <<<"$snap_out"

# --- command line ------------------------------------------------------------

# help_ok [COMMAND] — man-page sections, and the function's keys in
# `krmfn --help`.
help_ok() {
    local out s
    out=$("$KRMFN" "$@" --help) || return 1
    for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES; do
        grep -qx "$s" <<<"$out" || { echo "no $s"; return 1; }
    done
    [ $# -gt 0 ] || grep -qx 'FUNCTION CONFIG' <<<"$out"
}
version_ok() { "$KRMFN" "$@" --version | grep -qE '^krmfn [0-9]+\.[0-9]+'; }
check "krmfn --help" help_ok
check "krmfn render --help" help_ok render
check "krmfn template --help" help_ok template
check "krmfn --version" version_ok
check "krmfn render --version" version_ok render
check "krmfn template --version" version_ok template
check "krmfn --chart DIR --help is the same help" bash -c 'cmp <("$0" --help) <("$0" --chart x --help)' "$KRMFN"
check "krmfn rejects an unknown flag" bash -c '! "$0" --bogus </dev/null 2>/dev/null' "$KRMFN"
check "function output is a fixed point for pass-through" bash -c '
    "$0" <testdata/krm/defaults.in.yaml >"$1/a.yaml" &&
    "$0" <"$1/a.yaml" >"$1/b.yaml" && cmp "$1/a.yaml" "$1/b.yaml"' "$KRMFN" "$work"
check "render prints nothing when one object fails" bash -c '
    out=$("$0" render testdata/snapshots/err-rules.in.yaml 2>/dev/null); rc=$?
    [ $rc -eq 1 ] && [ -z "$out" ]' "$KRMFN"
check "render reads a directory" bash -c '
    "$0" render examples/kubernetes/base >"$1/dir.yaml" &&
    grep -q "^kind: Deployment" "$1/dir.yaml" &&
    ! grep -q "name: mlflow-render" "$1/dir.yaml"' "$KRMFN" "$work"

render_symlinks() {
    local d=$work/links
    mkdir -p "$d/a"
    cp examples/kubernetes/base/mlflow.yaml "$d/a/"
    ln -s . "$d/x"
    ln -s .. "$d/a/up"
    ln -s a/mlflow.yaml "$d/same.yaml"
    (cd "$d" && timeout 5 "$KRMFN" render . >"$work/links.out" &&
        timeout 5 "$KRMFN" render --discover . >"$work/links.found") || return 1
    [ "$(grep -c '^kind: Deployment$' "$work/links.out")" = 1 ] &&
        [ "$(cat "$work/links.found")" = a/mlflow.yaml ] || return 1
    # Named on the command line and found in a directory named too.
    (cd "$d" && timeout 5 "$KRMFN" render a/mlflow.yaml a >"$work/links2.out") || return 1
    [ "$(grep -c '^kind: Deployment$' "$work/links2.out")" = 1 ]
}

render_too_many_files() {
    local d=$work/many
    mkdir -p "$d"
    (cd "$d" && for i in $(seq 0 4096); do : >"f$i.yaml"; done)
    out=$(timeout 10 "$KRMFN" render "$d" 2>&1 >/dev/null)
    [ $? = 1 ] && grep -q 'more than 4096 manifest files' <<<"$out"
}

check "render and --discover do not enter symlinked directories; a file is read once" render_symlinks
check "render refuses a tree of more than 4096 manifest files" render_too_many_files

# --- kustomize -----------------------------------------------------------------

kustomize_build() { "$KUSTOMIZE" build --enable-alpha-plugins --enable-exec "$@"; }

kz_transformer() {
    out=$(kustomize_build examples/kubernetes) || return 1
    # kustomize's namePrefix, labels and patch ran after the function.
    grep -q '^  name: team-a-mlflow$' <<<"$out" &&
        grep -q 'claimName: team-a-mlflow-pvc' <<<"$out" &&
        grep -q 'kubernetes.io/os: linux' <<<"$out" &&
        grep -q '^    team: a$' <<<"$out" &&
        ! grep -q 'config.kubernetes.io/path' <<<"$out" &&
        ! grep -q 'kind: MLflow' <<<"$out"
}

kz_generator() {
    out=$(kustomize_build examples/odh) || return 1
    grep -q '^kind: HTTPRoute' <<<"$out" &&
        grep -q '^kind: ConsoleLink' <<<"$out" &&
        grep -q 'cpu: 500m' <<<"$out" &&
        [ "$(grep -c '^kind: ClusterRole$' <<<"$out")" = 1 ] &&
        ! grep -q 'kind: MLflow' <<<"$out"
}

kz_error() {
    mkdir -p "$work/kzerr"
    cp examples/kubernetes/base/krmfn.yaml examples/kubernetes/base/kustomization.yaml "$work/kzerr/"
    printf 'apiVersion: mlflow.opendatahub.io/v1\nkind: MLflow\nmetadata:\n  name: mlflow\nspec:\n  replicas: 0\n' >"$work/kzerr/mlflow.yaml"
    if kustomize_build "$work/kzerr" >"$work/kzerr.out" 2>"$work/kzerr.err"; then
        return 1
    fi
    grep -q 'spec.replicas' "$work/kzerr.err"
}

kz_several() {
    mkdir -p "$work/kzmany"
    cp examples/kubernetes/base/krmfn.yaml "$work/kzmany/"
    for n in a b c; do
        printf 'apiVersion: mlflow.opendatahub.io/v1\nkind: MLflow\nmetadata:\n  name: team-%s\nspec:\n  serveArtifacts: true\n  storage: {}\n' "$n" >"$work/kzmany/$n.yaml"
    done
    printf 'resources: [a.yaml, b.yaml, c.yaml]\ntransformers: [krmfn.yaml]\n' >"$work/kzmany/kustomization.yaml"
    out=$(kustomize_build "$work/kzmany" 2>/dev/null) || return 1
    [ "$(grep -c '^kind: ClusterRole$' <<<"$out")" = 1 ] &&
        [ "$(grep -c '^kind: Deployment$' <<<"$out")" = 3 ]
}

# A namePrefix over the OpenShift examples: the HTTPRoute's backend is
# renamed with the Service (the bases' kustomizeconfig.yaml).
kz_prefix_route() { # example
    local d=$work/prefix-$1
    mkdir -p "$d"
    printf 'resources:\n  - %s\nnamePrefix: team-\n' "$(realpath --relative-to="$d" "examples/$1")" >"$d/kustomization.yaml"
    kustomize_build "$d" >"$d.out" || return 1
    python3 -c '
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
svcs = {d["metadata"]["name"] for d in docs if d["kind"] == "Service"}
refs = {b["name"] for d in docs if d["kind"] == "HTTPRoute"
        for r in d["spec"]["rules"] for b in r.get("backendRefs", [])}
print("services", sorted(svcs), "backendRefs", sorted(refs))
sys.exit(0 if refs and refs <= svcs and all(n.startswith("team-") for n in svcs) else 1)' "$d.out"
}

if have_kustomize; then
    check "kustomize: exec transformer, then namePrefix/labels/patches" kz_transformer
    check "kustomize: namePrefix over examples/odh renames the HTTPRoute's backend" kz_prefix_route odh
    check "kustomize: namePrefix over examples/rhoai renames the HTTPRoute's backend" kz_prefix_route rhoai
    check "kustomize: generator form" kz_generator
    check "kustomize: a broken MLflow fails the build naming the field" kz_error
    check "kustomize: several MLflow objects share one ClusterRole" kz_several
else
    for t in transformer generator error several; do
        tap_skip "kustomize: $t" "no kustomize at $KUSTOMIZE"
    done
fi

# --- kpt -------------------------------------------------------------------------

kpt_eval() {
    local d=$work/kpteval
    mkdir -p "$d"
    cp examples/kubernetes/base/mlflow.yaml "$d/"
    "$KPT" fn eval "$d" --exec "$KRMFN" -- mode=rhoai namespace=team-a >/dev/null 2>&1 || return 1
    [ -f "$d/mlflow/deployment_mlflow.yaml" ] &&
        [ -f "$d/clusterrole_mlflow.yaml" ] &&
        grep -q 'namespace: team-a' "$d/mlflow/deployment_mlflow.yaml" &&
        [ ! -f "$d/mlflow.yaml" ]
}

kpt_eval_error() {
    local d=$work/kpteval-err
    mkdir -p "$d"
    cp examples/kubernetes/base/mlflow.yaml "$d/"
    cp -r "$d" "$d.orig"
    if "$KPT" fn eval "$d" --exec "$KRMFN" -- mode=sideways >"$work/kpterr.out" 2>&1; then
        return 1
    fi
    grep -q 'data.mode' "$work/kpterr.out" && diff -r "$d.orig" "$d" >/dev/null
}

kpt_render() {
    local d=$work/kptrender
    cp -r examples/kpt "$d"
    # A user's own object beside the rendered ones, labelled like them
    # but not generated: it survives every render.
    mkdir -p "$d/mlflow"
    printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: mlflow-db\n  labels:\n    app.kubernetes.io/instance: mlflow\nstringData:\n  uri: postgresql://db/mlflow\n' >"$d/mlflow/secret_mlflow-db.yaml"
    cp "$d/mlflow/secret_mlflow-db.yaml" "$work/user-secret.yaml"
    "$KPT" fn render "$d" --allow-exec >/dev/null 2>&1 || return 1
    [ -f "$d/mlflow/deployment_mlflow.yaml" ] && [ -f "$d/mlflow.yaml" ] || return 1
    grep -q '^# The source of the rendered files' "$d/mlflow.yaml" || return 1
    # A second render changes nothing.
    cp -r "$d" "$d.1"
    "$KPT" fn render "$d" --allow-exec >/dev/null 2>&1 || return 1
    diff -r "$d.1" "$d" >/dev/null || return 1
    # An edit to the source replaces the rendered files; without storage
    # the claim's file goes away.
    sed -i 's/^  storage:$/  replicas: 2\n  storageX:/' "$d/mlflow.yaml"
    sed -i '/storageX:/,$d' "$d/mlflow.yaml"
    "$KPT" fn render "$d" --allow-exec >/dev/null 2>&1 || return 1
    grep -q 'replicas: 2' "$d/mlflow/deployment_mlflow.yaml" &&
        [ ! -f "$d/mlflow/persistentvolumeclaim_mlflow-pvc.yaml" ] &&
        cmp -s "$work/user-secret.yaml" "$d/mlflow/secret_mlflow-db.yaml"
}

if have_kpt; then
    check "kpt fn eval --exec writes files named after the MLflow" kpt_eval
    check "kpt fn eval --exec with a bad key fails and writes nothing" kpt_eval_error
    check "kpt fn render: exec pipeline, idempotent, follows edits, keeps a user's file" kpt_render
else
    for t in eval eval-error render; do tap_skip "kpt: $t" "no kpt"; done
fi

# --- Argo CD plugin ----------------------------------------------------------------

# cmp_command KEY — the flow-sequence command of plugin.yaml's `KEY:` block
# (discover's find or generate), one argument a line, with the image's
# krmfn path replaced by the one under test.
cmp_command() {
    awk -v key="$1" '
        $1 == key ":" { want = 1; next }
        want && $1 == "command:" { sub(/^[^[]*\[/, ""); sub(/\][^]]*$/, ""); print; exit }' \
        config/argocd/plugin.yaml |
        tr ',' '\n' | sed 's/^ *"//; s/" *$//' |
        sed "s#^/usr/local/bin/krmfn\$#$KRMFN#"
}

# cmp_run DIR KEY — runs the command as argocd-cmp-server does: in the
# application's directory, with the application's name and namespace.
cmp_run() {
    local dir=$1 key=$2
    local -a cmd
    mapfile -t cmd < <(cmp_command "$key")
    [ "${#cmd[@]}" -gt 0 ] || return 1
    (cd "$dir" && env ARGOCD_APP_NAME=mlflow ARGOCD_APP_NAMESPACE=team-x \
        ARGOCD_APP_SOURCE_PATH=apps/mlflow PARAM_HTTPROUTE=true \
        PARAM_GATEWAYNAME=edge PARAM_GATEWAYNAMESPACE=gw-system \
        PARAM_SECTIONTITLE="Team tools" PARAM_KEEPMLFLOW=true \
        PARAM_CONSOLELINK=true PARAM_MLFLOWURL=https://mlflow.example.com \
        ARGOCD_ENV_MODE=rhoai "${cmd[@]}")
}

argocd_discover() {
    local app=$work/argo/app empty=$work/argo/other
    mkdir -p "$app/nested" "$empty"
    cp examples/kubernetes/base/* "$app/"
    mv "$app/mlflow.yaml" "$app/nested/"
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' >"$empty/cm.yaml"
    [ "$(cmp_run "$app" find)" = nested/mlflow.yaml ] && [ -z "$(cmp_run "$empty" find)" ]
}

argocd_generate() {
    local app=$work/argo/app
    out=$(cmp_run "$app" generate) || return 1
    grep -q '^kind: HTTPRoute' <<<"$out" &&
        grep -q '^  namespace: team-x$' <<<"$out" &&
        grep -q 'section: Red Hat OpenShift AI\|^kind: Deployment' <<<"$out" &&
        ! grep -q 'name: mlflow-render' <<<"$out" &&
        ! grep -q 'kind: Kustomization' <<<"$out" &&
        grep -q 'name: edge$' <<<"$out" &&
        grep -q 'namespace: gw-system$' <<<"$out" &&
        grep -q 'section: Team tools' <<<"$out" &&
        grep -q '^kind: MLflow$' <<<"$out"
}

# Every functionConfig key but chart (a directory of the sidecar, not of
# the application) is a parameter of the plugin.
argocd_parameters() {
    local listed keys
    listed=$(sed -n 's/^      - name: //p' config/argocd/plugin.yaml | sort)
    keys=$("$KRMFN" --help | sed -n '/^FUNCTION CONFIG/,/^[A-Z]/s/^       \([a-zA-Z][a-zA-Z]*\)  .*/\1/p' |
        grep -vx chart | sort)
    [ -n "$keys" ] && [ "$listed" = "$keys" ]
}

argocd_component() {
    have_kustomize || return 0
    local d=$work/argo/install
    mkdir -p "$d"
    cp -r config/argocd "$d/argocd"
    printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: argocd-repo-server\nspec:\n  template:\n    spec:\n      containers:\n      - name: argocd-repo-server\n        image: quay.io/argoproj/argocd:v3.0.0\n      volumes:\n      - name: var-files\n        emptyDir: {}\n      - name: plugins\n        emptyDir: {}\n' >"$d/repo-server.yaml"
    printf 'resources: [repo-server.yaml]\ncomponents: [argocd]\n' >"$d/kustomization.yaml"
    out=$("$KUSTOMIZE" build "$d") || return 1
    grep -q 'name: mlflow-krm$' <<<"$out" &&
        grep -q 'argocd-cmp-server' <<<"$out" &&
        grep -q 'name: mlflow-krm-cmp' <<<"$out" &&
        grep -q 'kind: ConfigManagementPlugin' <<<"$out"
}

check "argocd: plugin discover finds MLflow objects, ignores others" argocd_discover
check "argocd: plugin generate renders with parameters and app namespace" argocd_generate
check "argocd: plugin parameters are the functionConfig keys" argocd_parameters
check "argocd: sidecar component builds on a repo-server Deployment" argocd_component

# --- hostile input -------------------------------------------------------------------

# fast CMD... — runs under a 5 s budget (no address-space limit: the
# sanitizer build reserves terabytes of it); the peak RSS, in KB, goes to
# $work/rss when GNU time is there.
fast() {
    if [ -x /usr/bin/time ]; then
        timeout 5 /usr/bin/time -f '%M' -o "$work/rss" "$@"
    else
        echo 0 >"$work/rss"
        timeout 5 "$@"
    fi
}

billion_laughs() {
    local s e
    s=$(date +%s%N)
    fast "$KRMFN" <testdata/krm/err-billion-laughs.in.yaml >"$work/bomb.out" 2>/dev/null
    rc=$?
    e=$(date +%s%N)
    [ $rc = 1 ] && grep -q 'alias bomb' "$work/bomb.out" &&
        grep -q '^kind: ResourceList' "$work/bomb.out" &&
        [ $(((e - s) / 1000000)) -lt 1000 ] && [ "$(tail -1 "$work/rss")" -lt 262144 ]
}

big_input() {
    head -c $((40 << 20)) /dev/zero | tr '\0' 'a' >"$work/big"
    fast "$KRMFN" <"$work/big" >"$work/big.out" 2>"$work/big.err"
    [ $? = 1 ] && [ ! -s "$work/big.out" ] && grep -q 'larger than' "$work/big.err"
}

deep_input() {
    { printf 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: '
      head -c 200000 /dev/zero | tr '\0' '['; head -c 200000 /dev/zero | tr '\0' ']'; } >"$work/deep"
    fast "$KRMFN" <"$work/deep" >"$work/deep.out" 2>/dev/null
    [ $? = 1 ] && grep -q 'nesting deeper' "$work/deep.out"
}

many_aliases_in_render() {
    fast "$KRMFN" render testdata/krm/err-billion-laughs.in.yaml >/dev/null 2>&1
    [ $? = 1 ]
}

not_a_list() {
    local err
    err=$(printf '\x00\x01binary' | fast "$KRMFN" 2>&1 >/dev/null)
    [ $? = 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ]
}

values_stay_data() {
    command -v python3 >/dev/null && python3 -c 'import yaml' 2>/dev/null || return 0
    "$KRMFN" <testdata/krm/hostile-values.in.yaml >"$work/hv.yaml" || return 1
    python3 - "$work/hv.yaml" testdata/krm/hostile-values.in.yaml <<'PY'
import sys, yaml
out = yaml.safe_load(open(sys.argv[1]))
src = yaml.safe_load(open(sys.argv[2]))
dep = [i for i in out["items"] if i["kind"] == "Deployment"]
assert len(dep) == 1, "one Deployment"
env = {e["name"]: e.get("value") for e in dep[0]["spec"]["template"]["spec"]["containers"][0]["env"]}
for e in src["items"][0]["spec"]["env"]:
    assert env[e["name"]] == e["value"], e["name"]
labels = dep[0]["spec"]["template"]["metadata"]["labels"]
for k, v in src["items"][0]["spec"]["podLabels"].items():
    assert labels[k] == v, k
assert [i["kind"] for i in out["items"]].count("Secret") == 0
PY
}

check "billion laughs: an error result in under a second and 256 MiB" billion_laughs
check "input over 32 MiB: refused on stderr" big_input
check "200000-deep nesting: an error result, no crash" deep_input
check "render: alias bomb refused" many_aliases_in_render
check "binary garbage: one line on stderr" not_a_list
check "newlines, ---, quotes and {{ }} in values stay data" values_stay_data

tap_summary suite-30-krm
tap_status
