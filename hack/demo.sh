#!/usr/bin/env bash
# hack/demo.sh — the main job, without a cluster: MLflow objects in,
# Kubernetes manifests out, once through `krmfn render` and once through a
# kustomize pipeline that runs krmfn as a KRM function.
set -euo pipefail
cd "$(dirname "$0")/.."
KRMFN=${KRMFN:-bin/krmfn}
KUSTOMIZE=${KUSTOMIZE:?set KUSTOMIZE to the pinned kustomize}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

summary() { # FILE: one line per kind, with the object names
    awk '/^kind: /{kind=$2} /^  name: / && kind {names[kind]=names[kind] " " $2; kind=""}
         END {for (k in names) printf "    %-22s%s\n", k, names[k]}' "$1" | sort
}

echo "== krmfn render: each sample in config/samples"
for f in config/samples/mlflow_*.yaml; do
    if "$KRMFN" render "$f" >"$out/render.yaml" 2>"$out/err"; then
        echo "  $f -> $(grep -c '^kind: ' "$out/render.yaml") objects"
        summary "$out/render.yaml"
    else
        echo "  $f: not rendered: $(head -1 "$out/err")"
    fi
done

echo
echo "== kustomize build --enable-alpha-plugins --enable-exec: the same samples"
echo "   (a kustomization over config/samples with krmfn as its exec"
echo "    transformer; Secrets and cert-manager objects pass through)"
mkdir "$out/pipeline"
cp config/samples/mlflow_*.yaml "$out/pipeline/"
{
    echo 'apiVersion: kustomize.config.k8s.io/v1beta1'
    echo 'kind: Kustomization'
    echo 'resources:'
    for f in "$out"/pipeline/mlflow_*.yaml; do echo "  - $(basename "$f")"; done
    echo 'transformers:'
    echo '  - krmfn.yaml'
} >"$out/pipeline/kustomization.yaml"
cat >"$out/pipeline/krmfn.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: mlflow-render
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: krmfn
data:
  namespace: mlflow-system
YAML
PATH="$PWD/$(dirname "$KRMFN"):$PATH" "$KUSTOMIZE" build --enable-alpha-plugins \
    --enable-exec "$out/pipeline" >"$out/kustomize.yaml"
echo "  $(grep -c '^kind: ' "$out/kustomize.yaml") objects"
summary "$out/kustomize.yaml"

echo
echo "== a rule broken on purpose: backendStoreUri and backendStoreUriFrom both set"
cat >"$out/bad.yaml" <<'YAML'
apiVersion: mlflow.opendatahub.io/v1
kind: MLflow
metadata:
  name: broken
spec:
  serveArtifacts: true
  backendStoreUri: postgresql://db/mlflow
  backendStoreUriFrom: {name: db, key: uri}
YAML
if "$KRMFN" render "$out/bad.yaml" >"$out/bad.out" 2>"$out/bad.err"; then
    echo "  unexpected: the broken object rendered" >&2
    exit 1
fi
echo "  exit status non-zero, nothing on stdout ($(wc -c <"$out/bad.out") bytes); the error:"
sed 's/^/    /' "$out/bad.err"
