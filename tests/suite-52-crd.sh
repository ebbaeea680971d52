#!/usr/bin/env bash
# tests/suite-52-crd.sh — the MLflow CRD (config/crd) against a real etcd +
# kube-apiserver (tests/envtest/controlplane.sh), and against the renderer.
#
#   * the CRD installs and is established; no part of spec is free-form
#     (no x-kubernetes-preserve-unknown-fields, every object has properties
#     or additionalProperties), and the embedded core/v1 schemas are what
#     hack/crd-embed.py makes of this kube-apiserver's OpenAPI;
#   * every MLflow in config/samples passes a server-side dry run, and so do
#     a name of exactly 40 characters and an object using every embedded
#     type (which the renderer renders too);
#   * one object per MLflow rule is refused with the rule's message,
#     and `krmfn render` refuses the same object at the same field path;
#   * objects with wrong types or values, and unknown fields, are refused
#     with the field path, and `krmfn render` (which checks the spec against
#     the CRD's schema compiled into it) refuses them at the same path;
#   * `kubectl get mlflow` shows Ready and Replicas from the status.
#
# TAP output; exit status 1 when a test failed. Needs python3 with PyYAML.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh

KUBECTL=${KUBECTL:-kubectl}
KRMFN=$(abs_cmd "${KRMFN:-bin/krmfn}")
CRD=config/crd/mlflow.opendatahub.io_mlflows.yaml

WORK=$(mktemp -d -t crd.XXXXXX)
export KUBECACHEDIR=$WORK/kube-cache
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT


if ! command -v "$KUBECTL" >/dev/null || ! (. tests/envtest/controlplane.sh && cp_have_tools); then
	tap_skip "MLflow CRD against a control plane" \
		"no kubectl, or etcd/kube-apiserver not built (make tools-control-plane)"
	tap_summary suite-52-crd
	exit 0
fi

# --- static: nothing free-form ------------------------------------------------
not_free_form() {
	python3 - "$CRD" <<'PY'
import sys, yaml
crd = yaml.safe_load(open(sys.argv[1]))
bad = []
for v in crd["spec"]["versions"]:
    spec = v["schema"]["openAPIV3Schema"]["properties"]["spec"]
    def walk(s, path):
        if s.get("x-kubernetes-preserve-unknown-fields"):
            bad.append(path + ": x-kubernetes-preserve-unknown-fields")
        if s.get("type") == "object" and "properties" not in s and "additionalProperties" not in s:
            bad.append(path + ": an object without properties")
        if "type" not in s and not s.get("x-kubernetes-int-or-string"):
            bad.append(path + ": no type")
        for k, sub in s.get("properties", {}).items():
            walk(sub, path + "." + k)
        for key in ("items", "additionalProperties"):
            if isinstance(s.get(key), dict):
                walk(s[key], path + "[]")
    walk(spec, v["name"] + ".spec")
if bad:
    sys.exit("\n".join(bad))
PY
}
check "CRD: no part of spec is free-form" not_free_form

# --- the Go operator's API ---------------------------------------------------------
# testdata/go-operator-api.yaml lists every field of the Go operator's
# MLflowSpec and MLflowStatus with its JSON type: each must be ours with the
# same type, except the ones it names as missing, which must be exactly the
# ones not here yet.
go_api() {
	python3 - "$CRD" testdata/go-operator-api.yaml <<'PY'
import sys, yaml
crd = yaml.safe_load(open(sys.argv[1]))
want = yaml.safe_load(open(sys.argv[2]))
root = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]
bad, missing = [], {"spec": [], "status": []}
def typ(s):
    return "integer-or-string" if s.get("x-kubernetes-int-or-string") else s.get("type")
for part in ("spec", "status"):
    props = root[part]["properties"]
    for field, t in want[part].items():
        if field not in props:
            missing[part].append(field)
        elif typ(props[field]) != t:
            bad.append("%s.%s: %s, the Go operator's is %s" % (part, field, typ(props[field]), t))
    extra = set(want["missing"][part]) ^ set(missing[part])
    if extra:
        bad.append("%s: missing %s, the fixture says %s" % (part, sorted(missing[part]), sorted(want["missing"][part])))
for field, subs in want["nested"].items():
    s = root["spec"]["properties"].get(field) or root["status"]["properties"].get(field)
    for sub in subs:
        if sub not in (s or {}).get("properties", {}):
            bad.append("%s.%s is missing" % (field, sub))
print("# not here yet: spec %s, status %s" % (", ".join(missing["spec"]), ", ".join(missing["status"])))
if bad:
    sys.exit("\n".join(bad))
PY
}
check "CRD: every field of the Go operator's MLflowSpec/MLflowStatus, same JSON types (testdata/go-operator-api.yaml)" go_api

# --- the control plane -----------------------------------------------------------
. tests/envtest/controlplane.sh
if ! cp_start >"$WORK/cp.log" 2>&1; then
	tap_not_ok "control plane starts (tests/envtest/controlplane.sh)"
	tap_diag <"$WORK/cp.log"
	tap_summary suite-52-crd
	exit 1
fi
trap 'cp_stop; cleanup' EXIT
ADMIN=("$KUBECTL" --kubeconfig "$CP_ADMIN_KUBECONFIG")

crd_ready() {
	"${ADMIN[@]}" apply --server-side -f "$CRD" >/dev/null &&
		"${ADMIN[@]}" wait --for condition=Established crd/mlflows.mlflow.opendatahub.io --timeout=60s >/dev/null
}
check "CRD installs and is established" crd_ready

structural() {
	local c
	c=$("${ADMIN[@]}" get crd mlflows.mlflow.opendatahub.io \
		-o jsonpath='{.status.conditions[?(@.type=="NonStructuralSchema")].message}') || return 1
	[ -z "$c" ] || { echo "$c"; return 1; }
}
check "CRD: the schema is structural" structural

embedded_current() {
	"${ADMIN[@]}" get --raw /openapi/v3/api/v1 >"$WORK/core-v1.json" &&
		"${ADMIN[@]}" get --raw /openapi/v3/apis/networking.k8s.io/v1 >"$WORK/networking-v1.json" &&
		hack/crd-embed.py --check --crd "$CRD" --also "$WORK/networking-v1.json" "$WORK/core-v1.json"
}
check "CRD: embedded core/v1 and networking/v1 schemas match this kube-apiserver's OpenAPI (hack/crd-embed.py --check)" \
	embedded_current

# --- accepted --------------------------------------------------------------------
mlflow_docs() {
	python3 -c 'import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d.get("kind") == "MLflow"]
print(yaml.safe_dump_all(docs), end="")' "$1"
}
dry_mlflow() {
	local docs
	docs=$(mlflow_docs "$1") || return 1
	[ -n "$docs" ] || return 0
	"${ADMIN[@]}" apply --server-side --dry-run=server -f - <<<"$docs"
}
for f in config/samples/*.yaml; do
	[ "$(basename "$f")" = kustomization.yaml ] && continue
	[ -n "$(mlflow_docs "$f")" ] || continue
	check "accepted: sample $(basename "$f")" dry_mlflow "$f"
done

# mkcase NAME — the MLflow object on stdin becomes the case NAME.
mkdir -p "$WORK/cases"
mkcase() { cat >"$WORK/cases/$1.yaml"; }

mkcase name-40 <<'Y'
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd}
spec: {serveArtifacts: true, storage: {}}
Y
mkcase every-embedded-type <<'Y'
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: full}
spec:
  serveArtifacts: true
  storage: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}
  resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {nvidia.com/gpu: 1}}
  podSecurityContext:
    runAsNonRoot: true
    runAsUser: 1001
    fsGroup: 1001
    seccompProfile: {type: RuntimeDefault}
    sysctls: [{name: net.core.somaxconn, value: "1024"}]
  securityContext:
    allowPrivilegeEscalation: false
    capabilities: {drop: [ALL]}
    readOnlyRootFilesystem: true
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [amd64]}]
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 50
          podAffinityTerm:
            topologyKey: kubernetes.io/hostname
            labelSelector: {matchLabels: {app: mlflow}}
  tolerations:
    - {key: dedicated, operator: Equal, value: mlflow, effect: NoSchedule}
    - {operator: Exists, effect: NoExecute, tolerationSeconds: 300}
  env:
    - {name: A, value: a}
    - {name: B, valueFrom: {secretKeyRef: {name: s, key: k, optional: true}}}
    - {name: C, valueFrom: {configMapKeyRef: {name: c, key: k}}}
    - {name: D, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: E, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
  envFrom:
    - {prefix: S_, secretRef: {name: s}}
    - {configMapRef: {name: c, optional: true}}
  nodeSelector: {kubernetes.io/os: linux}
Y
mkcase secret-references <<'Y'
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: remote}
spec:
  serveArtifacts: true
  artifactsDestination: s3://bucket/artifacts
  backendStoreUriFrom: {name: mlflow-db, key: backend-store-uri, optional: false}
  registryStoreUriFrom: {name: mlflow-db, key: registry-store-uri}
  readReplicaBackendStoreUriFrom: {name: mlflow-db, key: read-replica-backend-store-uri}
Y
mkcase secret-reference-deprecated-form <<'Y'
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: legacy}
spec:
  serveArtifacts: true
  artifactsDestination: s3://bucket/artifacts
  backendStoreUriFrom: {secretKeyRef: {name: mlflow-db, key: uri}}
Y
# Every field the Go operator's API has that the core types above do not
# cover, in the shapes its documentation shows.
mkcase go-operator-fields <<'Y'
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: mlflow}
spec:
  serveArtifacts: true
  artifactsDestination: s3://bucket/artifacts
  backendStoreUriFrom: {name: mlflow-db-credentials, key: backend-store-uri}
  readReplicaBackendStoreUri: postgresql://reader.example.com/mlflow
  storage:
    accessModes: [ReadWriteOnce]
    resources: {requests: {storage: 10Gi}, limits: {storage: 20Gi}}
    storageClassName: fast-ssd
    volumeMode: Filesystem
    selector: {matchLabels: {tier: fast}}
    dataSource: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: nightly}
  temporaryStorage: {sizeLimit: 2Gi}
  caBundleConfigMap: {name: my-ca-bundle}
  extraAllowedOrigins: ["https://my-app.example.com", "https://jupyter.example.com:8888"]
  workspaceLabelSelector:
    matchLabels: {opendatahub.io/dashboard: "true"}
    matchExpressions: [{key: team, operator: In, values: [a, b]}]
  podAnnotations: {prometheus.io/scrape: "true"}
  resourceClaims:
    - {name: shared-gpu, resourceClaimTemplateName: shared-gpu-template}
  resources:
    claims: [{name: shared-gpu, request: gpu}]
  networkPolicyEgressRules:
    - ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]
    - ports: [{protocol: TCP, port: 443}]
      to: [{ipBlock: {cidr: 10.0.0.0/8}}]
  networkPolicyAdditionalEgressRules:
    - ports: [{protocol: TCP, port: 15432}]
  env:
    - {name: AWS_DEFAULT_REGION, value: us-east-1}
    - name: FROM_FILE
      valueFrom: {fileKeyRef: {volumeName: tmp, path: vars.env, key: FROM_FILE}}
  serviceAccountAnnotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::123456789012:role/mlflow-s3"}
  garbageCollection:
    schedule: "0 2 * * 0"
    olderThan: 7d12h
    resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {memory: 1Gi}}
  traceRollups: {enabled: true, schedule: "*/15 1-5 * JAN MON-FRI", timeZone: America/New_York,
    resources: {requests: {cpu: 100m}}}
  traceArchival:
    enabled: true
    schedule: "0 */6 * * *"
    location: "s3://mlflow-trace-archive"
    retention: "30d"
    maxTracesPerPass: 1000
    longRetentionAllowlist: ["12345"]
    resources: {requests: {cpu: 200m, memory: 512Mi}}
Y
# Switched off, trace archival needs none of its other fields (the Go
# operator's `kubectl patch ... {"traceArchival":{"enabled":false}}`).
mkcase trace-archival-disabled <<'Y'
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: mlflow}
spec:
  serveArtifacts: true
  artifactsDestination: s3://bucket/artifacts
  backendStoreUriFrom: {name: mlflow-db-credentials, key: backend-store-uri}
  traceArchival: {enabled: false}
Y
# The Go operator's dedicated artifacts server, as its tests write it: no
# defaultArtifactRoot, a remote metadata store, its own replicas, workers,
# resources and claims.
mkcase artifacts-server <<'Y'
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: mlflow}
spec:
  backendStoreUri: postgresql://db.example.com/mlflow
  registryStoreUri: postgresql://registry.example.com/mlflow
  readReplicaBackendStoreUri: postgresql://reader.example.com/mlflow
  artifactsDestination: s3://bucket/artifacts
  envFrom:
    - secretRef: {name: s3-and-metadata-credentials}
  artifactsServer:
    enabled: true
    replicas: 2
    workers: 4
    resources: {requests: {cpu: 500m}, claims: [{name: artifact-gpu, request: gpu}]}
    resourceClaims:
      - {name: artifact-gpu, resourceClaimTemplateName: artifact-gpu-template}
Y
# File artifacts behind two artifacts server replicas on a ReadWriteMany claim.
mkcase artifacts-server-rwx <<'Y'
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: mlflow}
spec:
  backendStoreUriFrom: {name: remote-db-credentials, key: backend-uri}
  artifactsDestination: file:///mlflow/artifacts
  storage: {accessModes: [ReadWriteMany], resources: {requests: {storage: 1Gi}}}
  artifactsServer: {enabled: true, replicas: 2}
Y
renders() { "$KRMFN" render "$1" >/dev/null; }
for n in name-40 every-embedded-type secret-references secret-reference-deprecated-form go-operator-fields trace-archival-disabled artifacts-server artifacts-server-rwx; do
	check "accepted: $n" "${ADMIN[@]}" apply --server-side --dry-run=server -f "$WORK/cases/$n.yaml"
	check "renders: $n" renders "$WORK/cases/$n.yaml"
done

# accepted_case NAME: what the Go operator's CRD takes, ours takes and renders.
accepted_case() {
	check "accepted (as by the Go operator's CRD): $1" "${ADMIN[@]}" apply --server-side --dry-run=server -f "$WORK/cases/$1.yaml"
	check "renders: $1" renders "$WORK/cases/$1.yaml"
}

# --- refused ---------------------------------------------------------------------
# refused NAME WANT RENDER_PATH — the apiserver refuses the case and says
# WANT; with RENDER_PATH (not "-"), `krmfn render` refuses it too, naming
# that field path.
refused_by_apiserver() { # file want
	local out
	if out=$("${ADMIN[@]}" create --dry-run=server -f "$1" 2>&1); then
		echo "accepted: $out"
		return 1
	fi
	grep -F -- "$2" <<<"$out" >/dev/null || { printf 'refused, but without "%s":\n%s\n' "$2" "$out"; return 1; }
}
refused_by_render() { # file path
	local out rc
	out=$("$KRMFN" render "$1" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 1 ] || { printf 'krmfn render exit %d, want 1:\n%s\n' "$rc" "$out"; return 1; }
	grep -F -- "$2: " <<<"$out" >/dev/null || { printf 'refused, but not at %s:\n%s\n' "$2" "$out"; return 1; }
}
refused() {
	local name=$1 want=$2 rpath=$3 f=$WORK/cases/$1.yaml
	check "refused by the apiserver: $name" refused_by_apiserver "$f" "$want"
	[ "$rpath" = - ] || check "refused by krmfn render too: $name" refused_by_render "$f" "$rpath"
}

# spec_case NAME SPEC — an MLflow "bad" with the given flow-style spec.
spec_case() {
	printf 'apiVersion: mlflow.opendatahub.io/v1\nkind: MLflow\nmetadata: {name: bad}\nspec: %s\n' "$2" |
		mkcase "$1"
}
PG='backendStoreUri: "postgresql://db/mlflow"'
SECRET='{name: db, key: uri}'
LEGACY='{secretKeyRef: {name: db, key: uri}}'

# The MLflow rules, one broken at a time.
spec_case root-required "{$PG}"
refused root-required "defaultArtifactRoot must be set when neither serveArtifacts nor artifactsServer is enabled" spec.defaultArtifactRoot
spec_case file-root-needs-serve "{$PG, defaultArtifactRoot: \"file:///mlflow/artifacts\", storage: {}}"
refused file-root-needs-serve "serveArtifacts or artifactsServer must be enabled when defaultArtifactRoot uses file-based storage (file:// prefix)" spec.defaultArtifactRoot
spec_case file-destination-needs-serve "{$PG, defaultArtifactRoot: \"s3://bucket/a\", artifactsDestination: \"file:///mlflow/artifacts\", storage: {}}"
refused file-destination-needs-serve "serveArtifacts or artifactsServer must be enabled when artifactsDestination uses file-based storage (file:// prefix)" spec.artifactsDestination
spec_case backend-exclusive "{serveArtifacts: true, storage: {}, $PG, backendStoreUriFrom: $SECRET}"
refused backend-exclusive "backendStoreUri and backendStoreUriFrom are mutually exclusive" spec.backendStoreUriFrom
spec_case registry-exclusive "{serveArtifacts: true, storage: {}, registryStoreUri: \"postgresql://db/reg\", registryStoreUriFrom: $SECRET}"
refused registry-exclusive "registryStoreUri and registryStoreUriFrom are mutually exclusive" spec.registryStoreUriFrom
spec_case replica-exclusive "{serveArtifacts: true, storage: {}, readReplicaBackendStoreUri: \"postgresql://reader/mlflow\", readReplicaBackendStoreUriFrom: $SECRET}"
refused replica-exclusive "readReplicaBackendStoreUri and readReplicaBackendStoreUriFrom are mutually exclusive" spec.readReplicaBackendStoreUriFrom
# garbageCollection: a schedule is required, olderThan is #d#h#m#s.
spec_case gc-no-schedule "{serveArtifacts: true, storage: {}, garbageCollection: {olderThan: 30d}}"
refused gc-no-schedule "spec.garbageCollection.schedule: Required value" spec.garbageCollection.schedule
spec_case gc-bad-age "{serveArtifacts: true, storage: {}, garbageCollection: {schedule: \"@daily\", olderThan: 2h3d}}"
refused gc-bad-age "spec.garbageCollection.olderThan: Invalid value" spec.garbageCollection.olderThan
# traceArchival: the Go operator's rules and messages (location and
# retention required when enabled, a file:// location needs storage, the
# retention <n>m|h|d); enabled defaults to false and schedule to every
# 6 hours, as there.
TA='serveArtifacts: true, artifactsDestination: "s3://bucket/a", '"$PG"
spec_case ta-no-location "{$TA, traceArchival: {enabled: true, schedule: \"@daily\", retention: 30d}}"
refused ta-no-location "traceArchival.location is required when traceArchival.enabled is true" spec.traceArchival.location
spec_case ta-no-retention "{$TA, traceArchival: {enabled: true, schedule: \"@daily\", location: \"s3://archive\"}}"
refused ta-no-retention "traceArchival.retention is required when traceArchival.enabled is true" spec.traceArchival.retention
spec_case ta-no-schedule "{$TA, traceArchival: {enabled: true, location: \"s3://archive\", retention: 30d}}"
accepted_case ta-no-schedule
check "ta-no-schedule: the CronJob runs every 6 hours (the default)" eval '
	"$KRMFN" render "$WORK/cases/ta-no-schedule.yaml" | has -xF "  schedule: 0 */6 * * *"'
spec_case ta-retention-0d "{$TA, traceArchival: {enabled: true, location: \"s3://archive\", retention: 0d}}"
accepted_case ta-retention-0d
for r in 30days 1s 12345678901234567d; do
	spec_case "ta-retention-$r" "{$TA, traceArchival: {enabled: true, schedule: \"@daily\", location: \"s3://archive\", retention: $r}}"
	refused "ta-retention-$r" spec.traceArchival.retention spec.traceArchival.retention
done
spec_case ta-file-needs-storage "{$TA, traceArchival: {enabled: true, schedule: \"@daily\", location: \"file:///mlflow/traces\", retention: 30d}}"
refused ta-file-needs-storage "storage must be configured when traceArchival.location uses file-based storage" spec.traceArchival.location
spec_case ta-no-enabled "{$TA, traceArchival: {schedule: \"@daily\"}}"
accepted_case ta-no-enabled
check "ta-no-enabled: no archival CronJob (enabled defaults to false)" eval '
	! "$KRMFN" render "$WORK/cases/ta-no-enabled.yaml" | has "name: mlflow-trace-archival"'
spec_case ta-max-zero "{$TA, traceArchival: {enabled: true, schedule: \"@daily\", location: \"s3://archive\", retention: 30d, maxTracesPerPass: 0}}"
refused ta-max-zero spec.traceArchival.maxTracesPerPass spec.traceArchival.maxTracesPerPass
spec_case ta-allowlist-name "{$TA, traceArchival: {enabled: true, schedule: \"@daily\", location: \"s3://archive\", retention: 30d, longRetentionAllowlist: [exp-a]}}"
accepted_case ta-allowlist-name
# artifactsServer: the Go operator's rules and messages.
AS="$PG"', artifactsDestination: "s3://bucket/a"'
spec_case as-serve "{$AS, serveArtifacts: true, artifactsServer: {enabled: true}}"
refused as-serve "serveArtifacts and artifactsServer.enabled are mutually exclusive" spec.serveArtifacts
spec_case as-root "{$AS, defaultArtifactRoot: \"s3://bucket/root\", artifactsServer: {enabled: true}}"
refused as-root "defaultArtifactRoot and artifactsServer.enabled are mutually exclusive" spec.defaultArtifactRoot
spec_case as-no-destination "{$PG, artifactsServer: {enabled: true}}"
refused as-no-destination "artifactsDestination must be set when artifactsServer is enabled" spec.artifactsDestination
spec_case as-sqlite "{backendStoreUri: \"sqlite:////mlflow/mlflow.db\", storage: {}, artifactsDestination: \"s3://bucket/a\", artifactsServer: {enabled: true}}"
refused as-sqlite "artifactsServer cannot be enabled with an inline SQLite" spec.backendStoreUri
spec_case as-default-sqlite "{storage: {}, artifactsDestination: \"s3://bucket/a\", artifactsServer: {enabled: true}}"
refused as-default-sqlite "artifactsServer cannot be enabled with an inline SQLite" spec.artifactsServer
spec_case as-replica-sqlite "{$AS, storage: {}, readReplicaBackendStoreUri: \"sqlite:////mlflow/r.db\", artifactsServer: {enabled: true}}"
refused as-replica-sqlite "artifactsServer cannot be enabled with an inline SQLite" spec.readReplicaBackendStoreUri
spec_case as-replicas-zero "{$AS, artifactsServer: {enabled: true, replicas: 0}}"
refused as-replicas-zero spec.artifactsServer.replicas spec.artifactsServer.replicas
spec_case as-rwo "{$PG, artifactsDestination: \"file:///mlflow/artifacts\", storage: {accessModes: [ReadWriteOnce]}, artifactsServer: {enabled: true, replicas: 2}}"
refused as-rwo "multiple artifact server replicas" spec.artifactsServer.replicas
spec_case as-rwx-second "{$PG, artifactsDestination: \"file:///mlflow/artifacts\", storage: {accessModes: [ReadWriteOnce, ReadWriteMany]}, artifactsServer: {enabled: true, replicas: 2}}"
refused as-rwx-second "require storage with ReadWriteMany as its first access mode" spec.artifactsServer.replicas
spec_case as-claim-both "{$AS, artifactsServer: {enabled: true, resourceClaims: [{name: g, resourceClaimName: a, resourceClaimTemplateName: b}]}}"
refused as-claim-both "each artifactsServer.resourceClaims entry must set exactly one non-empty value" "spec.artifactsServer.resourceClaims[0]"
spec_case as-claim-none "{$AS, artifactsServer: {enabled: true, resourceClaims: [{name: g}]}}"
refused as-claim-none "each artifactsServer.resourceClaims entry must set exactly one non-empty value" "spec.artifactsServer.resourceClaims[0]"
spec_case as-no-enabled "{$AS, serveArtifacts: true, artifactsServer: {replicas: 2}}"
accepted_case as-no-enabled
check "as-no-enabled: no artifacts server (enabled defaults to false)" eval '
	! "$KRMFN" render "$WORK/cases/as-no-enabled.yaml" | has "name: mlflow-artifacts"'
# traceRollups: its schedule is a cron schedule (when it is used).
spec_case rollups-bad-schedule "{$TA, traceRollups: {schedule: \"0 2 * *\"}}"
check "refused by krmfn render (cron syntax, which the schema does not check): rollups-bad-schedule" \
	refused_by_render "$WORK/cases/rollups-bad-schedule.yaml" spec.traceRollups.schedule
spec_case rollups-enabled-string "{$TA, traceRollups: {enabled: \"yes\"}}"
refused rollups-enabled-string spec.traceRollups.enabled spec.traceRollups.enabled
# migration.backup: a claim to keep the backups on, keep 1..100.
spec_case backup-no-claim "{$TA, migration: {backup: {keep: 3}}}"
refused backup-no-claim "migration.backup needs a claim for the backups" spec.migration.backup
spec_case backup-keep-zero "{$TA, migration: {backup: {claimName: backups, keep: 0}}}"
refused backup-keep-zero spec.migration.backup.keep spec.migration.backup.keep
spec_case backup-unknown-field "{$TA, migration: {backup: {claimName: backups, size: 2Gi}}}"
refused backup-unknown-field 'unknown field "spec.migration.backup.size"' spec.migration.backup.size
mkcase ta-name-31 <<'Y'
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: aaaaaaaaaabbbbbbbbbbccccccccccd}
spec:
  serveArtifacts: true
  artifactsDestination: s3://bucket/a
  backendStoreUri: postgresql://db/mlflow
  traceArchival: {enabled: true, schedule: "@daily", location: "s3://archive", retention: 30d}
Y
refused ta-name-31 "with traceArchival enabled metadata.name is at most 30 characters" metadata.name
# The Secret references: a SecretKeySelector with a name and a key (the Go
# operator's rule and message), or the deprecated wrapper alone.
for f in backendStoreUriFrom registryStoreUriFrom readReplicaBackendStoreUriFrom; do
	spec_case "$f-empty-name" "{serveArtifacts: true, storage: {}, $f: {name: \"\", key: uri}}"
	refused "$f-empty-name" "$f.name and $f.key must be non-empty when $f is set" "spec.$f"
	spec_case "$f-no-key" "{serveArtifacts: true, storage: {}, $f: {name: db}}"
	refused "$f-no-key" "$f.name and $f.key must be non-empty when $f is set" "spec.$f"
	spec_case "$f-both-forms" "{serveArtifacts: true, storage: {}, $f: {name: db, key: uri, secretKeyRef: {name: db, key: uri}}}"
	refused "$f-both-forms" "set name and key, or the deprecated secretKeyRef, not both" "spec.$f"
done
spec_case selector-unknown-field "{serveArtifacts: true, storage: {}, backendStoreUriFrom: {name: db, key: uri, namespace: other}}"
refused selector-unknown-field 'unknown field "spec.backendStoreUriFrom.namespace"' spec.backendStoreUriFrom.namespace
for scheme in sqlite file; do
	spec_case "$scheme-backend-needs-storage" "{serveArtifacts: true, artifactsDestination: \"s3://bucket/a\", backendStoreUri: \"$scheme:////mlflow/db\"}"
	refused "$scheme-backend-needs-storage" "storage must be configured when using file-based backend store (sqlite:// or file:// prefix)" spec.backendStoreUri
	spec_case "$scheme-replica-needs-storage" "{serveArtifacts: true, artifactsDestination: \"s3://bucket/a\", $PG, readReplicaBackendStoreUri: \"$scheme:////mlflow/db\"}"
	refused "$scheme-replica-needs-storage" "storage must be configured when using a file-based read-replica backend store (sqlite:// prefix)" spec.readReplicaBackendStoreUri
	spec_case "$scheme-registry-needs-storage" "{serveArtifacts: true, artifactsDestination: \"s3://bucket/a\", $PG, registryStoreUri: \"$scheme:////mlflow/reg\"}"
	refused "$scheme-registry-needs-storage" "storage must be configured when using file-based registry store (sqlite:// or file:// prefix)" spec.registryStoreUri
done
spec_case file-destination-needs-storage "{serveArtifacts: true, $PG, artifactsDestination: \"file:///mlflow/artifacts\"}"
refused file-destination-needs-storage "storage must be configured when artifactsDestination uses file-based storage (file:// prefix)" spec.artifactsDestination
mkcase name-41 <<'Y'
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: aaaaaaaaaabbbbbbbbbbccccccccccddddddddddx}
spec: {serveArtifacts: true, storage: {}}
Y
refused name-41 "MLflow resource name must be at most 40 characters" metadata.name
mkcase name-not-dns-label <<'Y'
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: team.mlflow}
spec: {serveArtifacts: true, storage: {}}
Y
refused name-not-dns-label "metadata.name must be a DNS label" metadata.name

# Wrong types and values: the apiserver names the field, and so does the
# renderer, for its own fields and the embedded core/v1 types alike.
OK='serveArtifacts: true, storage: {}'
spec_case replicas-string "{$OK, replicas: two}"
refused replicas-string spec.replicas spec.replicas
spec_case replicas-zero "{$OK, replicas: 0}"
refused replicas-zero spec.replicas spec.replicas
spec_case workers-zero "{$OK, workers: 0}"
refused workers-zero spec.workers spec.workers
spec_case pull-policy-sometimes "{$OK, image: {imagePullPolicy: Sometimes}}"
refused pull-policy-sometimes spec.image.imagePullPolicy spec.image.imagePullPolicy
spec_case run-as-user-string "{$OK, podSecurityContext: {runAsUser: root}}"
refused run-as-user-string spec.podSecurityContext.runAsUser spec.podSecurityContext.runAsUser
spec_case capabilities-string "{$OK, securityContext: {capabilities: ALL}}"
refused capabilities-string spec.securityContext.capabilities spec.securityContext.capabilities
spec_case seccomp-type-bogus "{$OK, securityContext: {seccompProfile: {type: Bogus}}}"
refused seccomp-type-bogus spec.securityContext.seccompProfile.type spec.securityContext.seccompProfile.type
spec_case node-affinity-number "{$OK, affinity: {nodeAffinity: 5}}"
refused node-affinity-number spec.affinity.nodeAffinity spec.affinity.nodeAffinity
spec_case node-selector-operator-bogus "{$OK, affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: k, operator: Near}]}]}}}}"
NS_OP=spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator
refused node-selector-operator-bogus "$NS_OP: Unsupported value" "$NS_OP"
spec_case secret-key-ref-number "{$OK, env: [{name: A, valueFrom: {secretKeyRef: 3}}]}"
refused secret-key-ref-number "spec.env[0].valueFrom.secretKeyRef" "spec.env[0].valueFrom.secretKeyRef"
spec_case value-from-two-sources "{$OK, env: [{name: A, valueFrom: {secretKeyRef: {name: s, key: k}, fieldRef: {fieldPath: metadata.name}}}]}"
refused value-from-two-sources "valueFrom must hold exactly one of" "spec.env[0].valueFrom"
spec_case env-from-no-source "{$OK, envFrom: [{prefix: X_}]}"
# The API server takes it (as the Go operator's CRD), the pod would not:
# the renderer says so first, at the field.
check "accepted by the apiserver: env-from-no-source" "${ADMIN[@]}" apply --server-side --dry-run=server -f "$WORK/cases/env-from-no-source.yaml"
check "refused by krmfn render (a pod needs one source): env-from-no-source" \
	refused_by_render "$WORK/cases/env-from-no-source.yaml" "spec.envFrom[0]"
spec_case toleration-operator-bogus "{$OK, tolerations: [{key: k, operator: Bogus}]}"
refused toleration-operator-bogus spec.tolerations[0].operator spec.tolerations[0].operator
spec_case toleration-effect-bogus "{$OK, tolerations: [{key: k, effect: Sometimes}]}"
refused toleration-effect-bogus spec.tolerations[0].effect spec.tolerations[0].effect
spec_case storage-size-not-quantity "{serveArtifacts: true, storage: {resources: {requests: {storage: lots}}}}"
refused storage-size-not-quantity spec.storage.resources.requests.storage spec.storage.resources.requests.storage
spec_case cpu-not-quantity "{$OK, resources: {limits: {cpu: lots}}}"
refused cpu-not-quantity spec.resources.limits.cpu spec.resources.limits.cpu
spec_case sysctl-without-value "{$OK, podSecurityContext: {sysctls: [{name: net.core.somaxconn}]}}"
refused sysctl-without-value "spec.podSecurityContext.sysctls[0].value: Required value" "spec.podSecurityContext.sysctls[0].value"
spec_case seccomp-without-type "{$OK, securityContext: {seccompProfile: {}}}"
refused seccomp-without-type "spec.securityContext.seccompProfile.type: Required value" spec.securityContext.seccompProfile.type
spec_case toleration-seconds-string "{$OK, tolerations: [{operator: Exists, tolerationSeconds: soon}]}"
refused toleration-seconds-string "spec.tolerations[0].tolerationSeconds" "spec.tolerations[0].tolerationSeconds"
spec_case value-from-field-path-number "{$OK, env: [{name: A, valueFrom: {fieldRef: {fieldPath: metadata.name, apiVersion: 1}}}]}"
refused value-from-field-path-number "spec.env[0].valueFrom.fieldRef.apiVersion" "spec.env[0].valueFrom.fieldRef.apiVersion"
spec_case pod-labels-number "{$OK, podLabels: {tier: 3}}"
refused pod-labels-number "spec.podLabels.tier" "spec.podLabels.tier"

# Unknown fields: kubectl's strict field validation refuses them, and so
# does the renderer (a typo must not render the default silently).
spec_case replicas-typo "{$OK, replica: 3}"
refused replicas-typo 'unknown field "spec.replica"' spec.replica
spec_case storage-unknown-field "{serveArtifacts: true, storage: {size: 2Gi}}"
refused storage-unknown-field 'unknown field "spec.storage.size"' spec.storage.size
spec_case seccomp-unknown-field "{$OK, securityContext: {seccompProfile: {type: RuntimeDefault, profile: x}}}"
refused seccomp-unknown-field 'unknown field "spec.securityContext.seccompProfile.profile"' spec.securityContext.seccompProfile.profile

# The Go operator's rules on its newer fields, with its messages.
spec_case env-security-middleware "{$OK, env: [{name: MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE, value: \"true\"}]}"
refused env-security-middleware "setting the MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE environment variable is not allowed" "spec.env[0].name"
spec_case env-job-execution "{$OK, env: [{name: A, value: a}, {name: MLFLOW_SERVER_ENABLE_JOB_EXECUTION, value: \"true\"}]}"
refused env-job-execution "setting the MLFLOW_SERVER_ENABLE_JOB_EXECUTION environment variable is not allowed; the operator manages job execution lifecycle" "spec.env[1].name"
spec_case egress-empty-rule "{$OK, networkPolicyEgressRules: [{ports: []}]}"
refused egress-empty-rule "each networkPolicyEgressRules entry must specify at least one port or one destination" "spec.networkPolicyEgressRules[0]"
spec_case additional-egress-empty-rule "{$OK, networkPolicyAdditionalEgressRules: [{}]}"
refused additional-egress-empty-rule "each networkPolicyAdditionalEgressRules entry must specify at least one port or one destination" "spec.networkPolicyAdditionalEgressRules[0]"
spec_case egress-bad-protocol "{$OK, networkPolicyEgressRules: [{ports: [{protocol: QUIC, port: 443}]}]}"
refused egress-bad-protocol "spec.networkPolicyEgressRules[0].ports[0].protocol" "spec.networkPolicyEgressRules[0].ports[0].protocol"
spec_case resource-claim-both "{$OK, resourceClaims: [{name: g, resourceClaimName: a, resourceClaimTemplateName: b}]}"
refused resource-claim-both "each resourceClaims entry must set exactly one non-empty value: resourceClaimName or resourceClaimTemplateName" "spec.resourceClaims[0]"
spec_case resource-claim-neither "{$OK, resourceClaims: [{name: g}]}"
refused resource-claim-neither "each resourceClaims entry must set exactly one non-empty value" "spec.resourceClaims[0]"
spec_case pod-label-64 "{$OK, podLabels: {tier: \"$(printf '%064d' 0)\"}}"
refused pod-label-64 "label values must be 63 characters or less" spec.podLabels.tier
spec_case node-selector-64 "{$OK, nodeSelector: {tier: \"$(printf '%064d' 0)\"}}"
refused node-selector-64 "label values must be 63 characters or less" spec.nodeSelector.tier
spec_case origins-65 "{$OK, extraAllowedOrigins: [$(for i in $(seq 65); do printf '"https://o%d.example.com",' "$i"; done)]}"
refused origins-65 "spec.extraAllowedOrigins: Too many: 65: must have at most 64 items" spec.extraAllowedOrigins
spec_case tmp-not-quantity "{$OK, temporaryStorage: {sizeLimit: lots}}"
refused tmp-not-quantity spec.temporaryStorage.sizeLimit spec.temporaryStorage.sizeLimit
spec_case selector-bad-operator "{$OK, workspaceLabelSelector: {matchExpressions: [{key: a, operator: Near}]}}"
# A LabelSelector's operator is a free string to the API server; the
# renderer refuses what the workspace provider could not read.
check "refused by krmfn render (the API server takes any operator): selector-bad-operator" \
	refused_by_render "$WORK/cases/selector-bad-operator.yaml" "spec.workspaceLabelSelector.matchExpressions[0].operator"
spec_case file-key-ref-no-path "{$OK, env: [{name: F, valueFrom: {fileKeyRef: {volumeName: tmp, key: F}}}]}"
refused file-key-ref-no-path "spec.env[0].valueFrom.fileKeyRef.path: Required value" "spec.env[0].valueFrom.fileKeyRef.path"
spec_case storage-volume-mode-number "{serveArtifacts: true, storage: {volumeMode: 3}}"
refused storage-volume-mode-number spec.storage.volumeMode spec.storage.volumeMode

# --- printer columns ---------------------------------------------------------------
columns() {
	"${ADMIN[@]}" apply --server-side -f - >/dev/null <<'Y' || return 1
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata: {name: columns}
spec: {serveArtifacts: true, storage: {}, replicas: 2}
Y
	"${ADMIN[@]}" patch mlflows.mlflow.opendatahub.io columns --subresource=status --type=merge -p \
		'{"status":{"observedGeneration":1,"replicas":2,"readyReplicas":1,"url":"https://gw.example/mlflow-columns",
		  "conditions":[{"type":"Available","status":"False","reason":"MinimumReplicasUnavailable","observedGeneration":1,
		                 "lastTransitionTime":"2026-01-01T00:00:00Z","message":"1 of 2 ready"},
		                {"type":"Progressing","status":"True","reason":"DeploymentProgressing","observedGeneration":1,
		                 "lastTransitionTime":"2026-01-01T00:00:00Z","message":"1 of 2 ready"}],
		  "address":{"url":"https://mlflow-columns.opendatahub.svc:8443/mlflow-columns"},"version":"3.17.2"}}' >/dev/null || return 1
	local out
	out=$("${ADMIN[@]}" get mlflow columns) || return 1
	printf '%s\n' "$out"
	python3 - "$out" <<'PY'
import sys
head, row = [l.split() for l in sys.argv[1].splitlines()[:2]]
got = dict(zip(head, row))
want = {"NAME": "columns", "READY": "1", "REPLICAS": "2", "AVAILABLE": "False", "PROGRESSING": "True",
        "VERSION": "3.17.2", "URL": "https://gw.example/mlflow-columns"}
bad = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
if bad or "AGE" not in head:
    sys.exit("columns (got, want): %s; header %s" % (bad, head))
PY
}
check "printer columns: kubectl get mlflow shows Ready, Replicas, Available, Progressing, Version and URL from the status (and takes status.address and status.version)" columns
wide_reason() {
	local out
	out=$("${ADMIN[@]}" get mlflow columns -o wide) || return 1
	printf '%s\n' "$out"
	awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "REASON") c = i }
		NR == 2 && c && $c == "MinimumReplicasUnavailable" { ok = 1 }
		END { exit !ok }' <<<"$out"
}
check "printer columns: -o wide adds the Available condition's reason" wide_reason

# --- MLflowConfig (mlflow.kubeflow.org): the Go operator's shape and rules ------------
MCRD=config/crd/mlflow.kubeflow.org_mlflowconfigs.yaml
mcrd_ready() {
	"${ADMIN[@]}" apply --server-side -f "$MCRD" >/dev/null &&
		"${ADMIN[@]}" wait --for condition=Established crd/mlflowconfigs.mlflow.kubeflow.org --timeout=60s >/dev/null &&
		"${ADMIN[@]}" create namespace team-x >/dev/null
}
check "MLflowConfig CRD installs and is established" mcrd_ready
mconfig() { # NAME SPEC: a server-side dry run of an MLflowConfig in team-x
	"${ADMIN[@]}" apply --server-side --dry-run=server -f - 2>&1 <<Y
apiVersion: mlflow.kubeflow.org/v1
kind: MLflowConfig
metadata: {name: $1, namespace: team-x}
spec: $2
Y
}
check "MLflowConfig accepted: every field of the Go operator's MLflowConfigSpec" mconfig mlflow \
	"{artifactRootSecret: mlflow-artifact-connection, artifactRootPath: experiments/a, archiveRootSecret: mlflow-archive-secret, archiveRootPath: traces/a, traceArchivalRetention: 30d}"
check "MLflowConfig accepted: empty paths and an empty spec" eval 'mconfig mlflow "{artifactRootSecret: mlflow-artifact-connection, artifactRootPath: \"\"}" && mconfig mlflow "{}"'
mrefused() { # WANT NAME SPEC
	local out
	out=$(mconfig "$2" "$3") && { echo "accepted: $3"; return 1; }
	grep -qF -- "$1" <<<"$out" || { echo "$out"; return 1; }
}
while IFS='|' read -r want name spec; do
	check "MLflowConfig refused: $want" mrefused "$want" "$name" "$spec"
done <<'CASES'
MLflowConfig resource name must be 'mlflow'|other|{}
artifactRootSecret is required when artifactRootPath is set|mlflow|{artifactRootPath: a}
archiveRootSecret is required when archiveRootPath is set|mlflow|{archiveRootPath: a}
artifactRootSecret must be 'mlflow-artifact-connection'|mlflow|{artifactRootSecret: ds-team-secret}
archiveRootSecret must be 'mlflow-archive-secret'|mlflow|{archiveRootSecret: other}
artifactRootPath must be relative|mlflow|{artifactRootSecret: mlflow-artifact-connection, artifactRootPath: /abs}
artifactRootPath must not contain '..' path segments|mlflow|{artifactRootSecret: mlflow-artifact-connection, artifactRootPath: a/../b}
archiveRootPath must be relative|mlflow|{archiveRootSecret: mlflow-archive-secret, archiveRootPath: /abs}
archiveRootPath must not contain '..' path segments|mlflow|{archiveRootSecret: mlflow-archive-secret, archiveRootPath: ..}
spec.traceArchivalRetention|mlflow|{traceArchivalRetention: 0d}
CASES
check "MLflowConfig refused: a path over 512 characters" mrefused "spec.artifactRootPath: Too long" mlflow \
	"{artifactRootSecret: mlflow-artifact-connection, artifactRootPath: $(printf 'a%.0s' {1..513})}"
check "MLflowConfig refused: an object without spec" eval '
	out=$("${ADMIN[@]}" apply --server-side --dry-run=server -f - 2>&1 <<Y
apiVersion: mlflow.kubeflow.org/v1
kind: MLflowConfig
metadata: {name: mlflow, namespace: team-x}
Y
) ; [ $? -ne 0 ] && grep -q "spec: Required value" <<<"$out" || { echo "$out"; false; }'

cp_stop
trap cleanup EXIT
tap_summary suite-52-crd
tap_status
