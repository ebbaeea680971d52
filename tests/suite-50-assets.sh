#!/usr/bin/env bash
# tests/suite-50-assets.sh — the install assets: config/ (RBAC, manager,
# default, samples), overlays/ (openshift, odh, rhoai, kind and its test
# services), the Dockerfile and the make targets of hack/deploy.mk.
#
#   * every kustomization builds with the pinned kustomize ($KUSTOMIZE) and
#     with kubectl's built-in kustomize, to the same objects;
#   * what they build holds what it must: namespace, --mode, the params
#     (images, gateway, URL, section title) in the Deployment, no "*" in any
#     RBAC rule, RBAC covering every kind the chart renders, the hardened
#     security context, probes, no OpenShift-only object on plain Kubernetes,
#     /metrics over HTTPS with token auth (on OpenShift with the service
#     CA's certificate, scraped by the platform Prometheus);
#   * samples parse, are MLflow objects that keep the MLflow rules;
#   * the Dockerfile is checked statically (pinned bases, non-root user, no
#     shell in the runtime stages) and its runtime root filesystem is laid
#     out here and run under chroot when this machine allows it;
#   * the make targets, against a stand-in kubectl: help text, the one-line
#     no-cluster message, the layers they generate;
#   * with a real etcd + kube-apiserver (tests/envtest/controlplane.sh):
#     every build passes server-side dry run, and the operator's service
#     account can do what the operator does (including the token and access
#     reviews that guard /metrics) and no more.
#
# TAP output; exit status 1 when a test failed. Needs python3 with PyYAML.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
. tests/lib.sh

KUSTOMIZE=${KUSTOMIZE:-${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-krm/tools/kustomize-v5.8.2/kustomize}
KUSTOMIZE=$(abs_cmd "$KUSTOMIZE")
KUBECTL=${KUBECTL:-kubectl}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/assets.XXXXXX")
# kubectl's discovery cache for the throwaway control plane stays here.
export KUBECACHEDIR=$WORK/kube-cache
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT


# report CMD... — CMD prints "PASS<TAB>name" / "FAIL<TAB>name<TAB>why"
# lines (the Python checker); each becomes a TAP line.
report() {
	local st name why out rc
	out=$("$@" 2>&1)
	rc=$?
	while IFS=$'\t' read -r st name why; do
		case $st in
		PASS) tap_ok "$name" ;;
		FAIL)
			tap_not_ok "$name"
			[ -z "$why" ] || tap_diag "$why"
			;;
		*) [ -z "$st" ] || tap_diag "$st${name:+ $name}${why:+ $why}" ;;
		esac
	done <<<"$out"
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL' <<<"$out"; then
		tap_not_ok "checker ran: $*"
	fi
}

# --- the checker ---------------------------------------------------------------
cat >"$WORK/check.py" <<'PY'
"""Content checks for the install assets; prints PASS/FAIL lines."""
import base64
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

CLUSTER_SCOPED = {"Namespace", "CustomResourceDefinition", "ClusterRole",
                  "ClusterRoleBinding", "ConsoleLink"}
# Every kind the chart may render: (API group, resource, cluster-scoped).
CHART_KINDS = {
    "ServiceAccount": ("", "serviceaccounts", False),
    "Service": ("", "services", False),
    "ConfigMap": ("", "configmaps", False),
    "PersistentVolumeClaim": ("", "persistentvolumeclaims", False),
    "Deployment": ("apps", "deployments", False),
    "CronJob": ("batch", "cronjobs", False),
    "Job": ("batch", "jobs", False),
    "NetworkPolicy": ("networking.k8s.io", "networkpolicies", False),
    "HTTPRoute": ("gateway.networking.k8s.io", "httproutes", False),
    "ClusterRole": ("rbac.authorization.k8s.io", "clusterroles", True),
    "ClusterRoleBinding": ("rbac.authorization.k8s.io", "clusterrolebindings", True),
    "ConsoleLink": ("console.openshift.io", "consolelinks", True),
    "ServiceMonitor": ("monitoring.coreos.com", "servicemonitors", False),
}
# What reconciling takes: read and watch, create and patch (server-side
# apply), delete for pruning (never claims).
MANAGE_VERBS = {"get", "list", "watch", "create", "patch"}
# The platform Prometheus on OpenShift: (namespace, ServiceAccount).
PROMETHEUS = ("openshift-monitoring", "prometheus-k8s")
SPEC_FIELDS = {"image", "replicas", "resources", "serviceAccountName", "storage",
               "backendStoreUri", "backendStoreUriFrom", "registryStoreUri",
               "registryStoreUriFrom", "artifactsDestination",
               "defaultArtifactRoot", "serveArtifacts", "workers", "env",
               "envFrom", "podLabels", "podSecurityContext", "securityContext",
               "nodeSelector", "tolerations", "affinity", "artifactsServer"}


def out(ok, name, why=""):
    why = " | ".join(str(why).splitlines())
    print("%s\t%s\t%s" % ("PASS" if ok else "FAIL", name, "" if ok else why))
    return ok


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def params(path):
    kv = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                k, _, v = line.partition("=")
                kv[k] = v
    return kv


def find(docs, kind, name=None):
    for d in docs:
        if d.get("kind") == kind and (name is None or d["metadata"]["name"] == name):
            return d
    return None


def allows(rules, group, resource, verbs, names=None):
    """The verbs of `verbs` no rule grants on group/resource (for objects
    of these names; a rule limited by resourceNames covers only those)."""
    missing = set(verbs)
    for r in rules:
        if group in r.get("apiGroups", []) and resource in r.get("resources", []):
            if r.get("resourceNames") and not (names and set(names) <= set(r["resourceNames"])):
                continue
            missing -= set(r.get("verbs", []))
    return missing


def grants(rules):
    """Every (group, resource, verb, name or None) the rules grant."""
    return {(g, res, v, n) for r in rules for g in r.get("apiGroups", [])
            for res in r.get("resources", []) for v in r.get("verbs", [])
            for n in (r.get("resourceNames") or [None])}


def chart_kinds(chart):
    kinds = set()
    tdir = os.path.join(chart, "templates")
    for fn in sorted(os.listdir(tdir)):
        if fn.endswith(".yaml"):
            with open(os.path.join(tdir, fn)) as f:
                kinds.update(re.findall(r"^kind:\s*(\w+)\s*$", f.read(), re.M))
    return kinds


def chart_clusterrole_rules(chart):
    """The rules of the chart's shared ClusterRoles, "mlflow" and
    "mlflow-gc" (plain YAML there, between template actions)."""
    with open(os.path.join(chart, "templates", "clusterrole.yaml")) as f:
        text = f.read()
    rules = []
    for doc in text.split("\n---\n"):
        if "\nrules:" not in doc:
            continue
        body = doc[doc.index("\nrules:"):]
        body = "\n".join(l for l in body.splitlines() if not l.lstrip().startswith("{{"))
        rules += yaml.safe_load(body)["rules"]
    return rules


def star_free(rule):
    return all("*" not in v for key in ("apiGroups", "resources", "verbs",
                                        "resourceNames", "nonResourceURLs")
               for v in rule.get(key, []))


def cmd_operator(label, build, ns, params_file, mode, openshift, has_ns, chart):
    docs = load(build)
    p = params(params_file)
    openshift = openshift == "1"
    t = lambda s: "%s: %s" % (label, s)

    wrong = ["%s/%s in %r" % (d["kind"], d["metadata"]["name"], d["metadata"].get("namespace"))
             for d in docs if d["kind"] not in CLUSTER_SCOPED
             and d["metadata"].get("namespace") != ns]
    out(not wrong, t("every namespaced object is in namespace " + ns), ", ".join(wrong))

    nso = [d for d in docs if d["kind"] == "Namespace"]
    if has_ns == "1":
        ok = len(nso) == 1 and nso[0]["metadata"]["name"] == ns and \
            nso[0]["metadata"].get("labels", {}).get("pod-security.kubernetes.io/enforce") == "restricted"
        out(ok, t("creates Namespace %s with Pod Security level restricted" % ns), nso)
    else:
        out(not nso, t("creates no Namespace (the platform owns %s)" % ns), nso)

    out(find(docs, "CustomResourceDefinition", "mlflows.mlflow.opendatahub.io") is not None,
        t("includes the MLflow CRD"))

    rbac = [d for d in docs if d["kind"] in ("ClusterRole", "Role")]
    bad = ["%s/%s" % (d["kind"], d["metadata"]["name"]) for d in rbac
           if not all(star_free(r) for r in d.get("rules", []))]
    out(rbac and not bad, t("no '*' in any RBAC rule"), ", ".join(bad))

    sa = find(docs, "ServiceAccount", "mlflow-operator")
    out(sa is not None, t("ServiceAccount mlflow-operator"))
    bindings = [d for d in docs if d["kind"] in ("ClusterRoleBinding", "RoleBinding")]
    bad = []
    for b in bindings:
        for s in b.get("subjects", []):
            if s.get("kind") == "ServiceAccount" and s.get("namespace") != ns and \
                    not (openshift and (s.get("namespace"), s["name"]) == PROMETHEUS
                         and b["roleRef"]["name"] == "mlflow-operator-metrics-reader"):
                bad.append("%s subject %s/%s" % (b["metadata"]["name"], s.get("namespace"), s["name"]))
        rk = b["roleRef"]["kind"]
        if find(docs, rk, b["roleRef"]["name"]) is None:
            bad.append("%s refers to missing %s %s" % (b["metadata"]["name"], rk, b["roleRef"]["name"]))
    out(bindings and not bad, t("bindings name the operator's account in %s and roles that exist" % ns),
        ", ".join(bad))

    crules = []
    for b in bindings:
        if b["kind"] == "ClusterRoleBinding" and b["roleRef"]["kind"] == "ClusterRole" and \
                any(s.get("name") == "mlflow-operator" for s in b.get("subjects", [])):
            crules += find(docs, "ClusterRole", b["roleRef"]["name"]).get("rules", [])
    # Roles bound in the operator's namespace (leader election included).
    nrules = []
    for b in bindings:
        if b["kind"] == "RoleBinding" and b["roleRef"]["kind"] == "Role" and \
                any(s.get("name") == "mlflow-operator" for s in b.get("subjects", [])):
            nrules += find(docs, "Role", b["roleRef"]["name"]).get("rules", [])

    bad = []
    for kind in sorted(chart_kinds(chart)):
        if kind not in CHART_KINDS:
            bad.append("chart kind %s unknown to this test: grant it and add it here" % kind)
            continue
        group, res, cluster = CHART_KINDS[kind]
        rules = crules if cluster else crules + nrules
        # The shared ClusterRole is the one object of its kind it writes.
        names = ["mlflow", "mlflow-gc"] if kind == "ClusterRole" else None
        miss = allows(rules, group, res, MANAGE_VERBS, names)
        if miss:
            bad.append("%s: %s" % (res, ",".join(sorted(miss))))
        # Claims (data) and migration Jobs (kept for their logs until their
        # TTL) are never pruned, so no delete there.
        if kind not in ("PersistentVolumeClaim", "Job") and \
                allows(crules + nrules, group, res, {"delete"}, names):
            bad.append("%s: delete (pruning)" % res)
    out(not bad, t("RBAC lets the operator manage every kind the chart renders"), "; ".join(bad))
    pvc_delete = not allows(crules + nrules, "", "persistentvolumeclaims", {"delete"})
    out(not pvc_delete, t("RBAC gives no delete on PersistentVolumeClaims (they hold data)"))
    wide = allows(crules, "rbac.authorization.k8s.io", "clusterroles",
                  {"get", "create", "update", "patch", "delete"}, ["cluster-admin"])
    out(wide == {"get", "create", "update", "patch", "delete"},
        t("RBAC lets the operator write no ClusterRole but mlflow and mlflow-gc"),
        "granted on any ClusterRole: %s" % sorted({"get", "create", "update", "patch", "delete"} - wide))
    # It writes with server-side apply and merge patches: update (PUT) only
    # for the Lease and the owner's finalizers (blockOwnerDeletion), and on
    # mlflow.kubeflow.org experiments, which no API serves: a permission
    # kubernetes-auth checks, held so the operator may grant it (mlflow-gc).
    upd = sorted("%s/%s" % (g, res) for g, res, v, n in grants(crules + nrules) if v == "update"
                 and res not in ("leases", "mlflows/finalizers")
                 and (g, res) != ("mlflow.kubeflow.org", "experiments"))
    out(not upd, t("RBAC grants update only on the Lease, mlflows/finalizers and MLflow "
                   "experiments (kubernetes-auth)"), ", ".join(upd))

    bad = []
    for r in chart_clusterrole_rules(chart):
        for g in r.get("apiGroups", []):
            for res in r.get("resources", []):
                miss = allows(crules, g, res, r.get("verbs", []), r.get("resourceNames"))
                if miss:
                    bad.append("%s/%s %s" % (g, res, ",".join(sorted(miss))))
    out(not bad, t("the operator holds what ClusterRoles mlflow and mlflow-gc grant (so it may "
                   "create and bind them)"),
        "; ".join(bad))

    bad = []
    for g, res, verbs in (("mlflow.opendatahub.io", "mlflows", {"get", "list", "watch"}),
                          ("mlflow.opendatahub.io", "mlflows/status", {"patch"}),
                          ("mlflow.opendatahub.io", "mlflows/finalizers", {"update"}),
                          ("", "events", {"create", "patch"})):
        miss = allows(crules, g, res, verbs)
        if miss:
            bad.append("%s %s" % (res, ",".join(sorted(miss))))
    miss = allows(nrules, "coordination.k8s.io", "leases", {"get", "create", "update"})
    if miss:
        bad.append("leases " + ",".join(sorted(miss)))
    out(not bad, t("RBAC for its API, status, events and the leader-election Lease"), "; ".join(bad))

    # --metrics-secure: a TokenReview and a SubjectAccessReview per scrape.
    crole = find(docs, "ClusterRole", "mlflow-operator") or {}
    bad = ["%s/%s create" % (g, res) for g, res in (("authentication.k8s.io", "tokenreviews"),
                                                      ("authorization.k8s.io", "subjectaccessreviews"))
           if allows(crole.get("rules", []), g, res, {"create"})]
    bad += ["a rule with '*': %s" % r for r in crole.get("rules", []) if not star_free(r)]
    out(crole and not bad, t("ClusterRole mlflow-operator grants create on tokenreviews and "
                             "subjectaccessreviews, nothing with '*'"), "; ".join(bad))
    reader = find(docs, "ClusterRole", "mlflow-operator-metrics-reader")
    out(reader is not None and reader.get("rules") == [{"nonResourceURLs": ["/metrics"], "verbs": ["get"]}],
        t("ClusterRole mlflow-operator-metrics-reader grants get on /metrics, nothing else"),
        reader and reader.get("rules"))

    view = find(docs, "ClusterRole", "mlflow-operator-mlflow-viewer")
    edit = find(docs, "ClusterRole", "mlflow-operator-mlflow-editor")
    ok = view and edit and \
        view["metadata"]["labels"].get("rbac.authorization.k8s.io/aggregate-to-view") == "true" and \
        edit["metadata"]["labels"].get("rbac.authorization.k8s.io/aggregate-to-edit") == "true" and \
        not allows(view["rules"], "mlflow.opendatahub.io", "mlflows", {"get", "list", "watch"}) and \
        all(set(r["verbs"]) <= {"get", "list", "watch"} for r in view["rules"]) and \
        not allows(edit["rules"], "mlflow.opendatahub.io", "mlflows",
                   {"get", "list", "watch", "create", "update", "patch", "delete"})
    out(bool(ok), t("aggregated MLflow viewer and editor ClusterRoles"))

    dep = find(docs, "Deployment", "mlflow-operator")
    if not out(dep is not None, t("Deployment mlflow-operator")):
        return
    pod = dep["spec"]["template"]["spec"]
    c = [x for x in pod["containers"] if x["name"] == "manager"]
    if not out(len(c) == 1, t("Deployment has the container manager")):
        return
    c = c[0]
    env = {e["name"]: e for e in c.get("env", [])}
    out(c.get("image") == p["MLFLOW_OPERATOR_IMAGE"], t("operator image from params.env"),
        "%s != %s" % (c.get("image"), p["MLFLOW_OPERATOR_IMAGE"]))
    bad = ["%s=%r (params %s=%r)" % (e, env.get(e, {}).get("value"), k, p.get(k))
           for e, k in (("MLFLOW_IMAGE", "MLFLOW_IMAGE"), ("GATEWAY_NAME", "gateway-name"),
                        ("GATEWAY_NAMESPACE", "gateway-namespace"), ("MLFLOW_URL", "mlflow-url"), ("SECTION_TITLE", "section-title"))
           if k not in p or env.get(e, {}).get("value") != p[k]]
    out(not bad, t("MLFLOW_IMAGE, GATEWAY_NAME, GATEWAY_NAMESPACE, MLFLOW_URL, SECTION_TITLE from params.env"), ", ".join(bad))
    cm = find(docs, "ConfigMap", "mlflow-operator-params")
    out(cm is not None and cm.get("data") == p, t("params ConfigMap holds params.env"),
        cm and cm.get("data"))

    args = c.get("args", [])
    modes = [a for a in args if a.startswith("--mode")]
    if mode:
        out(modes == ["--mode=" + mode], t("--mode=" + mode), args)
    else:
        out(not modes, t("no --mode (the default)"), args)
    nsenv = env.get("POD_NAMESPACE", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath")
    out("--namespace=$(POD_NAMESPACE)" in args and nsenv == "metadata.namespace",
        t("MLflow servers go to the operator's namespace (--namespace=$(POD_NAMESPACE))"), args)
    out("--leader-elect" in args and "--health-probe-bind-address=:8081" in args
        and any(a.startswith("--metrics-bind-address=") for a in args),
        t("--leader-elect, --health-probe-bind-address=:8081, --metrics-bind-address"), args)
    out("--metrics-secure=true" in args and not any(a in ("--metrics-secure=false", "--metrics-secure")
                                                    for a in args),
        t("--metrics-secure=true (HTTPS, token auth)"), args)
    certs = [a.partition("=")[2] for a in args if a.startswith("--metrics-cert-path")]
    mounts = {m["name"]: m for m in c.get("volumeMounts", [])}
    tls = [v for v in pod.get("volumes", [])
           if v.get("secret", {}).get("secretName") == "mlflow-operator-metrics-tls"]
    if openshift:
        m = mounts.get(tls[0]["name"], {}) if len(tls) == 1 else {}
        ok = len(certs) == 1 and m.get("mountPath", "").rstrip("/") == certs[0].rstrip("/") and \
            m.get("readOnly") is True and not m.get("subPath")
        out(ok, t("--metrics-cert-path is where the Secret mlflow-operator-metrics-tls is mounted, read-only"),
            "args %s, volumes %s, mounts %s" % (certs, tls, list(mounts.values())))
    else:
        out(not certs and not tls, t("no --metrics-cert-path (a self-signed certificate)"), certs or tls)
    out(c.get("command") == ["/usr/local/bin/reconciler"], t("runs /usr/local/bin/reconciler"),
        c.get("command"))
    out(pod.get("serviceAccountName") == "mlflow-operator", t("runs as ServiceAccount mlflow-operator"))

    ports = {x["name"]: x["containerPort"] for x in c.get("ports", [])}
    lp, rp = c.get("livenessProbe", {}).get("httpGet", {}), c.get("readinessProbe", {}).get("httpGet", {})
    ok = lp.get("path") == "/healthz" and rp.get("path") == "/readyz" and \
        all(ports.get(x.get("port"), x.get("port")) == 8081 for x in (lp, rp))
    out(ok, t("liveness /healthz and readiness /readyz on port 8081"), [lp, rp])

    psc, sc = pod.get("securityContext", {}), c.get("securityContext", {})
    bad = []
    if psc.get("runAsNonRoot") is not True:
        bad.append("pod runAsNonRoot")
    if psc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        bad.append("pod seccompProfile RuntimeDefault")
    if sc.get("readOnlyRootFilesystem") is not True:
        bad.append("readOnlyRootFilesystem")
    if sc.get("allowPrivilegeEscalation") is not False:
        bad.append("allowPrivilegeEscalation false")
    if sc.get("capabilities", {}).get("drop") != ["ALL"] or sc.get("capabilities", {}).get("add"):
        bad.append("capabilities drop ALL, add none")
    if sc.get("privileged") or "runAsUser" in psc or "runAsUser" in sc:
        bad.append("privileged or a fixed runAsUser (OpenShift assigns one)")
    out(not bad, t("hardened security context"), ", ".join(bad))
    res = c.get("resources", {})
    ok = res.get("requests", {}).get("cpu") and res.get("requests", {}).get("memory") and \
        res.get("limits", {}).get("cpu") and res.get("limits", {}).get("memory")
    out(bool(ok), t("cpu and memory requests and limits"), res)

    svc = find(docs, "Service", "mlflow-operator-metrics")
    labels = dep["spec"]["template"]["metadata"]["labels"]
    ok = svc is not None and svc["spec"]["selector"].items() <= labels.items() and \
        dep["spec"]["selector"]["matchLabels"].items() <= labels.items() and \
        any(x.get("targetPort") in ("metrics", ports.get("metrics")) for x in svc["spec"]["ports"])
    out(ok, t("metrics Service selects the operator pod's metrics port"))
    bind = [a.partition("=")[2] for a in args if a.startswith("--metrics-bind-address=")]
    sport = [x.get("port") for x in (svc or {}).get("spec", {}).get("ports", []) if x.get("name") == "metrics"]
    out(bind == [":8443"] and ports.get("metrics") == 8443 and sport == [8443],
        t("metrics on 8443: --metrics-bind-address, container port and Service port"),
        "bind %s, container %s, service %s" % (bind, ports.get("metrics"), sport))

    ocp = [("%s %s" % (d["apiVersion"], d["kind"])) for d in docs
           if "openshift.io" in d["apiVersion"] or d["apiVersion"].startswith("monitoring.coreos.com")]
    ann = (svc or {}).get("metadata", {}).get("annotations", {}) or {}
    if openshift:
        sm = find(docs, "ServiceMonitor", "mlflow-operator")
        ok = sm is not None and svc is not None and \
            sm["spec"]["selector"]["matchLabels"].items() <= svc["metadata"]["labels"].items() and \
            sm["spec"]["endpoints"][0]["port"] in [x["name"] for x in svc["spec"]["ports"]]
        out(ok, t("ServiceMonitor selects the metrics Service"))
        out(ann.get("service.beta.openshift.io/serving-cert-secret-name") == "mlflow-operator-metrics-tls",
            t("metrics Service asks the service CA for the certificate mlflow-operator-metrics-tls"), ann)
        ep = (sm or {}).get("spec", {}).get("endpoints", [{}])[0]
        tc = ep.get("tlsConfig", {})
        ca = tc.get("ca", {}).get("configMap", {})
        token = ep.get("bearerTokenFile") == "/var/run/secrets/kubernetes.io/serviceaccount/token" or \
            ep.get("authorization", {}).get("type", "Bearer") == "Bearer" and "credentials" in ep.get("authorization", {})
        bad = []
        if ep.get("scheme") != "https":
            bad.append("scheme %r" % ep.get("scheme"))
        if not token:
            bad.append("no bearer token")
        if ca != {"name": "openshift-service-ca.crt", "key": "service-ca.crt"}:
            bad.append("ca %r" % ca)
        if tc.get("serverName") != "mlflow-operator-metrics.%s.svc" % ns:
            bad.append("serverName %r" % tc.get("serverName"))
        if tc.get("insecureSkipVerify"):
            bad.append("insecureSkipVerify")
        out(not bad, t("ServiceMonitor: https, bearer token, service CA, serverName "
                       "mlflow-operator-metrics.%s.svc" % ns), "; ".join(bad))
        rb = [b for b in bindings if b["kind"] == "ClusterRoleBinding"
              and b["roleRef"]["name"] == "mlflow-operator-metrics-reader"
              and {"kind": "ServiceAccount", "namespace": PROMETHEUS[0], "name": PROMETHEUS[1]}
              in b.get("subjects", [])]
        out(rb, t("mlflow-operator-metrics-reader is bound to %s/%s (the platform Prometheus)" % PROMETHEUS))
    else:
        out(not ocp and not any("openshift.io" in k for k in ann),
            t("no OpenShift-only objects or annotations"), ", ".join(ocp) or ann)


def cmd_same(a, b):
    canon = lambda p: sorted(json.dumps(d, sort_keys=True) for d in load(p))
    da, db = canon(a), canon(b)
    if da == db:
        return True
    only = [json.loads(x)["kind"] + "/" + json.loads(x)["metadata"]["name"]
            for x in set(da) ^ set(db)]
    print("differ in: " + ", ".join(sorted(only)))
    return False


def mlflow_problems(d):
    """The MLflow rules, as the CRD's CEL rules judge set fields."""
    bad = []
    m, s = d.get("metadata", {}), d.get("spec") or {}
    if d.get("apiVersion") != "mlflow.opendatahub.io/v1":
        bad.append("apiVersion " + str(d.get("apiVersion")))
    if len(m.get("name", "")) > 40 or not re.match(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", m.get("name", "")):
        bad.append("metadata.name must be a DNS label of at most 40 characters")
    if "namespace" in m:
        bad.append("MLflow is cluster-scoped: no metadata.namespace")
    unknown = set(s) - SPEC_FIELDS
    if unknown:
        bad.append("unknown spec fields " + ", ".join(sorted(unknown)))
    serve = s.get("serveArtifacts") is True
    split = (s.get("artifactsServer") or {}).get("enabled") is True
    if split:
        if serve or "defaultArtifactRoot" in s:
            bad.append("serveArtifacts and defaultArtifactRoot are mutually exclusive with artifactsServer.enabled")
        if "artifactsDestination" not in s:
            bad.append("artifactsDestination must be set when artifactsServer is enabled")
        if "backendStoreUriFrom" not in s and not str(s.get("backendStoreUri", "sqlite")).split(":")[0] in (
                "postgresql", "mysql", "mssql") and not str(s.get("backendStoreUri", "")).startswith(
                ("postgresql+", "mysql+", "mssql+")):
            bad.append("artifactsServer needs a database server as backend store, not SQLite")
    if "defaultArtifactRoot" not in s and not serve and not split:
        bad.append("defaultArtifactRoot is required unless serveArtifacts is true")
    for f in ("defaultArtifactRoot", "artifactsDestination"):
        if str(s.get(f, "")).startswith("file://") and not serve and not (split and f == "artifactsDestination"):
            bad.append("a file:// %s needs serveArtifacts" % f)
    for a, b in (("backendStoreUri", "backendStoreUriFrom"), ("registryStoreUri", "registryStoreUriFrom"),
                 ("readReplicaBackendStoreUri", "readReplicaBackendStoreUriFrom")):
        if a in s and b in s:
            bad.append("%s and %s are mutually exclusive" % (a, b))
        # The shipped assets show the documented form, a SecretKeySelector.
        if b in s and not (s[b].get("name") and s[b].get("key")) or "secretKeyRef" in s.get(b, {}):
            bad.append("%s needs name and key (a SecretKeySelector, not the deprecated secretKeyRef)" % b)
    for f, schemes in (("backendStoreUri", ("sqlite://", "file://")),
                       ("registryStoreUri", ("sqlite://", "file://")),
                       ("artifactsDestination", ("file://",))):
        if str(s.get(f, "")).startswith(schemes) and "storage" not in s:
            bad.append("%s %s needs storage" % (f, s[f]))
    for f in ("replicas", "workers"):
        if f in s and (not isinstance(s[f], int) or s[f] < 1):
            bad.append("%s must be an integer >= 1" % f)
    pp = (s.get("image") or {}).get("imagePullPolicy")
    if pp is not None and pp not in ("Always", "IfNotPresent", "Never"):
        bad.append("imagePullPolicy " + pp)
    for e in s.get("env", []):
        if "name" not in e:
            bad.append("env entry without name")
    return bad


def cmd_mlflow(*files):
    ok = True
    for fn in files:
        for d in load(fn):
            if d.get("kind") != "MLflow":
                continue
            bad = mlflow_problems(d)
            ok = out(not bad, "%s: MLflow %s keeps the rules of the CRD and the renderer" % (
                os.path.basename(fn), d["metadata"].get("name")), "; ".join(bad)) and ok
    return ok


def cmd_samples(sdir):
    files = sorted(f for f in os.listdir(sdir) if f.endswith(".yaml") and f != "kustomization.yaml")
    alldocs = []
    for fn in files:
        path = os.path.join(sdir, fn)
        try:
            docs = load(path)
        except yaml.YAMLError as e:
            out(False, "samples: %s parses as YAML" % fn, e)
            continue
        bad = [i for i, d in enumerate(docs)
               if not (isinstance(d, dict) and d.get("apiVersion") and d.get("kind")
                       and d.get("metadata", {}).get("name"))]
        out(docs and not bad, "samples: %s parses; every document has apiVersion, kind, name" % fn,
            "documents %s" % bad)
        ml = [d for d in docs if d.get("kind") == "MLflow"]
        out(len(ml) == 1 and ml[0]["apiVersion"] == "mlflow.opendatahub.io/v1" or
            (not ml and all(d["kind"] == "Secret" for d in docs)),
            "samples: %s holds one mlflow.opendatahub.io/v1 MLflow (or only Secrets)" % fn)
        for d in ml:
            bad = mlflow_problems(d)
            out(not bad, "samples: %s MLflow %s keeps the rules of the CRD and the renderer" % (fn, d["metadata"]["name"]),
                "; ".join(bad))
        alldocs += [(fn, d) for d in docs]
    names = [d["metadata"]["name"] for _, d in alldocs if d["kind"] == "MLflow"]
    out(len(names) == len(set(names)), "samples: MLflow names are distinct", names)
    ml = [(fn, d.get("spec") or {}) for fn, d in alldocs if d["kind"] == "MLflow"]
    local = [fn for fn, s in ml if "storage" in s and s.get("serveArtifacts")
             and not any(k in s for k in ("backendStoreUri", "backendStoreUriFrom", "artifactsDestination"))]
    out(local, "samples: one keeps database and artifacts on local storage (a claim)")
    remote = [fn for fn, s in ml
              if s.get("backendStoreUriFrom", {}).get("name")
              and str(s.get("artifactsDestination", "")).startswith("s3://")
              and any(e.get("valueFrom", {}).get("secretKeyRef") for e in s.get("env", []))
              and "storage" not in s]
    out(remote, "samples: one uses PostgreSQL from a Secret and S3 with keys from a Secret")
    secrets = {d["metadata"]["name"] for _, d in alldocs if d["kind"] == "Secret"}
    wanted = set()
    for fn, s in ml:
        if fn in remote:
            wanted.add(s["backendStoreUriFrom"]["name"])
            wanted |= {e["valueFrom"]["secretKeyRef"]["name"] for e in s.get("env", [])
                       if e.get("valueFrom", {}).get("secretKeyRef")}
    out(wanted and wanted <= secrets, "samples: the Secrets the remote sample reads are shown",
        "missing %s" % sorted(wanted - secrets))
    minimal = [fn for fn, s in ml if len(s) <= 1]
    out(minimal, "samples: a minimal one (at most one spec field)")
    pinned = [fn for fn, s in ml
              if re.search(r"@sha256:[0-9a-f]{64}$", (s.get("image") or {}).get("image", ""))]
    out(pinned, "samples: one pins its image by digest")
    tls = [fn for fn, d in alldocs
           if d["kind"] == "Certificate" and d.get("spec", {}).get("secretName")]
    out(tls, "samples: one brings its own TLS Secret for plain Kubernetes")


def cmd_kindtls(build):
    docs = load(build)
    s = find(docs, "Secret", "mlflow-tls")
    if not out(s is not None and s.get("type") == "kubernetes.io/tls"
               and {"tls.crt", "tls.key"} <= set(s.get("data", {})),
               "kind: Secret mlflow-tls of type kubernetes.io/tls"):
        return
    d = tempfile.mkdtemp()
    crt, key = os.path.join(d, "c"), os.path.join(d, "k")
    open(crt, "wb").write(base64.b64decode(s["data"]["tls.crt"]))
    open(key, "wb").write(base64.b64decode(s["data"]["tls.key"]))
    run = lambda *a: subprocess.run(a, capture_output=True, text=True)
    san = run("openssl", "x509", "-in", crt, "-noout", "-ext", "subjectAltName").stdout
    out("DNS:mlflow.mlflow-system.svc" in san and "DNS:*.mlflow-system.svc" in san,
        "kind: certificate names mlflow.mlflow-system.svc and *.mlflow-system.svc", san)
    pub1 = run("openssl", "x509", "-in", crt, "-noout", "-pubkey").stdout
    pub2 = run("openssl", "pkey", "-in", key, "-pubout").stdout
    out(pub1 and pub1 == pub2, "kind: key matches certificate")
    r = run("openssl", "x509", "-in", crt, "-noout", "-checkend", str(365 * 86400))
    out(r.returncode == 0, "kind: certificate valid for another year at least", r.stdout)
    subj = run("openssl", "x509", "-in", crt, "-noout", "-subject").stdout
    out("NOT FOR PRODUCTION" in subj, "kind: certificate says it is example material", subj)


def cmd_dockerfile(path, ignore):
    lines = []
    with open(path) as f:
        cont = ""
        for raw in f:
            raw = raw.rstrip("\n")
            if not cont and raw.lstrip().startswith("#"):
                continue
            if raw.endswith("\\"):
                cont += raw[:-1] + " "
                continue
            if cont + raw:
                lines.append((cont + raw).strip())
            cont = ""
    args, stages, cur = {}, [], None
    for ln in lines:
        op, _, rest = ln.partition(" ")
        op = op.upper()
        if op == "ARG" and cur is None:
            k, _, v = rest.partition("=")
            args[k.strip()] = v.strip()
        elif op == "FROM":
            m = re.match(r"(\S+)(?:\s+AS\s+(\S+))?$", rest.strip(), re.I)
            cur = {"from": m.group(1), "name": m.group(2), "ops": []}
            stages.append(cur)
        elif cur is not None:
            cur["ops"].append((op, rest))
    out(stages and all(op in ("ARG", "FROM", "RUN", "COPY", "WORKDIR", "USER", "ENTRYPOINT",
                              "CMD", "LABEL", "ENV", "EXPOSE") for s in stages for op, _ in s["ops"]),
        "Dockerfile: parses into stages of known instructions")
    names = {s["name"] for s in stages if s["name"]}
    bad = []
    for s in stages:
        ref = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), "?"), s["from"])
        if ref == "scratch" or ref in names:
            continue
        if not re.search(r"@sha256:[0-9a-f]{64}$", ref) and not re.search(r":[^:/]*\d[^:/]*$", ref):
            bad.append(ref)
        if ref.endswith(":latest") or re.search(r":(stable|bookworm-slim|slim)$", ref):
            bad.append(ref)
    out(not bad, "Dockerfile: every base image is pinned (exact version tag or digest)", bad)
    build = [s for s in stages if any(op == "RUN" and "make build" in r for op, r in s["ops"])]
    out(build, "Dockerfile: binaries built from source with make build")
    byname = {s["name"]: s for s in stages if s["name"]}

    def root(s):
        while s["from"] in byname:
            s = byname[s["from"]]
        return s["from"]

    def inherited(s, op):
        found = None
        chain = []
        while True:
            chain.append(s)
            if s["from"] not in byname:
                break
            s = byname[s["from"]]
        for st in reversed(chain):
            for o, r in st["ops"]:
                if o == op:
                    found = r
        return found

    for target, binary in (("operator", "reconciler"), ("function", "krmfn")):
        s = byname.get(target)
        if not out(s is not None, "Dockerfile: target %s" % target):
            continue
        ep = inherited(s, "ENTRYPOINT")
        out(ep is not None and json.loads(ep) == ["/usr/local/bin/" + binary],
            "Dockerfile: %s starts /usr/local/bin/%s (exec form)" % (target, binary), ep)
        chain, x = [], s
        while x is not None:
            chain.append(x)
            x = byname.get(x["from"])
        runs = [r for st in chain for o, r in st["ops"] if o == "RUN"]
        out(root(s) == "scratch" and not runs,
            "Dockerfile: %s is FROM scratch with no RUN (no shell, no package manager)" % target)
        user = inherited(s, "USER")
        uid = (user or "").split(":")[0]
        out(uid.isdigit() and int(uid) != 0, "Dockerfile: %s runs as a numeric non-root USER" % target, user)
    out(stages[-1]["name"] == "operator", "Dockerfile: the default (last) target is operator")
    allowed = set()
    with open(ignore) as f:
        for ln in f:
            ln = ln.strip()
            if ln.startswith("!"):
                allowed.add(ln[1:].rstrip("/"))
    bad = []
    for s in stages:
        for op, r in s["ops"]:
            if op == "COPY" and "--from" not in r:
                for src in r.split()[:-1]:
                    parts = src.rstrip("/").split("/")
                    let_in = any("/".join(parts[:i]) in allowed for i in range(1, len(parts) + 1))
                    if not os.path.exists(src) or not let_in:
                        bad.append(src)
    out(not bad, "Dockerfile: every COPY source exists and .dockerignore lets it in", bad)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    r = globals()["cmd_" + cmd](*args)
    sys.exit(0 if r is None or r else 1)


main()
PY

if ! python3 -c 'import yaml' 2>/dev/null; then
	tap_not_ok "python3 with PyYAML is available (Debian: python3-yaml)"
	tap_summary suite-50-assets
	exit 1
fi
PY=(python3 "$WORK/check.py")

# --- kustomize builds -------------------------------------------------------
OPERATOR_BUILDS=(config/default overlays/openshift overlays/odh overlays/rhoai overlays/kind)
OTHER_BUILDS=(config/rbac config/manager config/samples
	overlays/kind/test-services/postgres overlays/kind/test-services/seaweedfs)

build_name() { tr / _ <<<"$1"; }

have_kustomize=1
if [ ! -x "$KUSTOMIZE" ]; then
	have_kustomize=0
	tap_not_ok "pinned kustomize at $KUSTOMIZE (make tools-kustomize)"
fi
have_kubectl=1
command -v "$KUBECTL" >/dev/null 2>&1 || {
	have_kubectl=0
	tap_not_ok "kubectl is installed"
}

for dir in "${OPERATOR_BUILDS[@]}" "${OTHER_BUILDS[@]}"; do
	n=$(build_name "$dir")
	if [ "$have_kustomize" = 1 ]; then
		check "$dir builds with kustomize $("$KUSTOMIZE" version 2>/dev/null)" \
			sh -c '"$1" build "$2" >"$3"' _ "$KUSTOMIZE" "$dir" "$WORK/$n.yaml"
	fi
	if [ "$have_kubectl" = 1 ]; then
		check "$dir builds with kubectl kustomize" \
			sh -c '"$1" kustomize "$2" >"$3"' _ "$KUBECTL" "$dir" "$WORK/$n.kubectl.yaml"
	fi
	if [ -s "$WORK/$n.yaml" ] && [ -s "$WORK/$n.kubectl.yaml" ]; then
		check "$dir: kustomize and kubectl kustomize build the same objects" \
			"${PY[@]}" same "$WORK/$n.yaml" "$WORK/$n.kubectl.yaml"
	fi
	# Later checks read one build, whichever tool made it.
	[ -s "$WORK/$n.yaml" ] || cp "$WORK/$n.kubectl.yaml" "$WORK/$n.yaml" 2>/dev/null
done

# --- what the operator builds hold -----------------------------------------
# dir namespace params mode openshift has-namespace-object
while read -r dir ns params mode ocp hasns; do
	f=$WORK/$(build_name "$dir").yaml
	[ -s "$f" ] || continue
	[ "$mode" = - ] && mode=
	report "${PY[@]}" operator "$dir" "$f" "$ns" "$params" "$mode" "$ocp" "$hasns" charts/mlflow
done <<'EOF'
config/default mlflow-system config/manager/params.env - 0 1
overlays/odh opendatahub overlays/odh/params.env opendatahub 1 0
overlays/rhoai redhat-ods-applications overlays/rhoai/params.env rhoai 1 0
overlays/kind mlflow-system overlays/kind/params.env - 0 1
EOF
[ -s "$WORK/overlays_kind.yaml" ] && report "${PY[@]}" kindtls "$WORK/overlays_kind.yaml"

# The test copy of the operator's permissions (tests/envtest/operator-rbac.yaml,
# for runs without config/rbac) grants exactly what config/rbac grants it:
# the ClusterRole, the Role and the leader-election Role together.
check "tests/envtest/operator-rbac.yaml grants exactly what config/rbac grants" \
	python3 -c '
import sys, yaml
def grants(docs, kinds):
    return {(g, res, v, n) for d in docs if d and d["kind"] in kinds
            for r in d.get("rules", []) for g in r.get("apiGroups", [])
            for res in r.get("resources", []) for v in r.get("verbs", [])
            for n in (r.get("resourceNames") or [None])}
shipped = list(yaml.safe_load_all(open(sys.argv[1])))
bound = {b["roleRef"]["name"] for b in shipped if b and b["kind"] in ("ClusterRoleBinding", "RoleBinding")
         and any(s.get("name") == "mlflow-operator" for s in b.get("subjects", []))}
a = grants([d for d in shipped if d and d["metadata"]["name"] in bound], ("ClusterRole", "Role"))
b = grants(yaml.safe_load_all(open(sys.argv[2])), ("ClusterRole",))
print("only in config/rbac:", sorted(a - b, key=str), "only in the test copy:", sorted(b - a, key=str))
sys.exit(0 if a and a == b else 1)
' "$WORK/config_rbac.yaml" tests/envtest/operator-rbac.yaml

check "overlays/kind: test services run as non-root with RuntimeDefault seccomp" \
	python3 -c '
import sys, yaml
bad = []
for fn in sys.argv[1:]:
    for d in yaml.safe_load_all(open(fn)):
        if not d or d["kind"] not in ("Deployment", "Job"):
            continue
        p = d["spec"]["template"]["spec"]
        sc = p.get("securityContext", {})
        if sc.get("runAsNonRoot") is not True or sc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            bad.append(d["metadata"]["name"])
        for c in p["containers"]:
            cs = c.get("securityContext", {})
            if cs.get("allowPrivilegeEscalation") is not False or cs.get("capabilities", {}).get("drop") != ["ALL"]:
                bad.append(d["metadata"]["name"] + "/" + c["name"])
print(bad); sys.exit(1 if bad else 0)
' "$WORK/overlays_kind_test-services_postgres.yaml" "$WORK/overlays_kind_test-services_seaweedfs.yaml"

# --- samples ------------------------------------------------------------------
report "${PY[@]}" samples config/samples

KRMFN=${KRMFN:-bin/krmfn}
if [ -x "$KRMFN" ]; then
	for s in config/samples/mlflow_v1_*.yaml; do
		grep -q '^kind: MLflow' "$s" || continue
		check "samples: $(basename "$s") renders with krmfn render" \
			sh -c '"$1" render --mode opendatahub "$2" >"$3" && grep -q "^kind: Deployment" "$3"' \
			_ "$KRMFN" "$s" "$WORK/render.out"
	done
	# A sample that brings its own certificate must issue the Secret that
	# the server it renders mounts.
	sample_tls_matches() {
		"$KRMFN" render --namespace mlflow-system "$1" >"$WORK/tls.out" || return 1
		python3 -c '
import sys, yaml
issued = {d["spec"]["secretName"] for d in yaml.safe_load_all(open(sys.argv[1]))
          if d and d.get("kind") == "Certificate"}
mounted = {v["secret"]["secretName"] for d in yaml.safe_load_all(open(sys.argv[2]))
           if d and d.get("kind") == "Deployment"
           for v in d["spec"]["template"]["spec"].get("volumes", []) if "secret" in v}
print("issued", sorted(issued), "mounted", sorted(mounted))
sys.exit(0 if issued and issued == mounted else 1)' "$1" "$WORK/tls.out"
	}
	check "samples: the custom TLS sample issues the Secret its server mounts" \
		sample_tls_matches config/samples/mlflow_v1_mlflow_custom_tls.yaml
else
	tap_skip "samples render with krmfn render" "$KRMFN not built"
fi

# config/function: each functionConfig, run by krmfn over the OpenShift
# sample, gives the namespace and the optional objects its table promises.
function_config() { # file namespace route-and-link(0|1)
	python3 -c '
import sys, yaml
items = [d for d in yaml.safe_load_all(open("config/samples/mlflow_v1_mlflow.yaml")) if d]
print(yaml.safe_dump({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList",
                      "items": items, "functionConfig": yaml.safe_load(open(sys.argv[1]))}))
' "$1" >"$WORK/fnconfig.in.yaml" || return 1
	"$KRMFN" <"$WORK/fnconfig.in.yaml" >"$WORK/fnconfig.out.yaml" || { cat "$WORK/fnconfig.out.yaml"; return 1; }
	python3 -c '
import sys, yaml
rl = yaml.safe_load(open(sys.argv[1]))
items = rl["items"]
kinds = {i["kind"] for i in items}
ns = {i["metadata"]["namespace"] for i in items if i["kind"] in ("Deployment", "Service")}
extra = {"HTTPRoute", "ConsoleLink"} & kinds
errors = [r for r in rl.get("results", []) if r.get("severity") == "error"]
print(sorted(kinds), ns, errors)
want = {"HTTPRoute", "ConsoleLink"} if sys.argv[3] == "1" else set()
sys.exit(0 if ns == {sys.argv[2]} and extra == want and not errors and "Deployment" in kinds else 1)
' "$WORK/fnconfig.out.yaml" "$2" "$3"
}
if [ -x "$KRMFN" ]; then
	check "config/function/kubernetes.yaml: namespace mlflow, no route or console link" \
		function_config config/function/kubernetes.yaml mlflow 0
	check "config/function/odh.yaml: namespace opendatahub, route and console link" \
		function_config config/function/odh.yaml opendatahub 1
	check "config/function/rhoai.yaml: namespace redhat-ods-applications, route and console link" \
		function_config config/function/rhoai.yaml redhat-ods-applications 1
fi

# --- Dockerfile -----------------------------------------------------------------
report "${PY[@]}" dockerfile Dockerfile .dockerignore

# The build stage sees only what .dockerignore lets in and the Dockerfile
# copies: `make build` must find every file it reads there (make -n stops
# at a prerequisite that is missing).
docker_context_builds() {
	local d=$WORK/context src
	rm -rf "$d" && mkdir -p "$d" || return 1
	for src in $(sed -n 's/^COPY \([^-][^ ]*\) .*/\1/p' Dockerfile); do
		grep -qx "!${src%/}/\?" .dockerignore || { echo ".dockerignore keeps $src out"; return 1; }
		mkdir -p "$d/$(dirname "${src%/}")" && cp -r "${src%/}" "$d/$(dirname "${src%/}")/" || return 1
	done
	make -n -C "$d" build B=build/context BIN=build/context/bin >/dev/null
}
check "Dockerfile: the build stage's files are all make build needs" docker_context_builds

# The runtime root filesystem, laid out as the Dockerfile does, then run.
rootfs_check() {
	local r=$WORK/rootfs
	hack/image-rootfs.sh "$r" "$@" || return 1
	if [ -e "$r/bin/sh" ] || [ -e "$r/usr/bin/sh" ] || [ -e "$r/bin/bash" ]; then
		echo "a shell is in the image"
		return 1
	fi
	local b missing=0
	for b in "$@"; do
		b=/usr/local/bin/$(basename "$b")
		if chroot "$r" "$b" --version >/dev/null 2>&1 || [ $? -ne 127 ]; then :; else
			echo "$b does not start inside the image root (exit 127: loader or library missing)"
			missing=1
		fi
	done
	[ "$missing" = 0 ] || return 1
	# The chart compiled into krmfn renders inside the image root.
	if [ -x "$r/usr/local/bin/krmfn" ]; then
		chroot --userspec=65532:65532 "$r" /usr/local/bin/krmfn template >"$WORK/chroot.out" ||
			{ echo "krmfn template failed inside the image root"; return 1; }
		grep -q '^kind: Deployment' "$WORK/chroot.out" ||
			{ echo "no Deployment rendered inside the image root"; return 1; }
	fi
}
bins=()
for b in bin/reconciler bin/krmfn; do [ -x "$b" ] && bins+=("$b"); done
if [ "$(id -u)" != 0 ] || ! command -v chroot >/dev/null; then
	tap_skip "image root filesystem runs the binaries (chroot)" "needs root for chroot"
elif [ ${#bins[@]} -eq 0 ]; then
	tap_skip "image root filesystem runs the binaries (chroot)" "bin/ not built"
else
	check "image root filesystem (hack/image-rootfs.sh) runs ${bins[*]} as uid 65532 without a shell" \
		rootfs_check "${bins[@]}"
fi

# examples/container as kustomize runs it: `docker run` of the function
# image with the ResourceList on stdin. The stand-in docker runs krmfn
# inside the image's root filesystem laid out above, as the image's user.
container_example() {
	local r=$WORK/rootfs d=$WORK/docker-path
	[ -x "$r/usr/local/bin/krmfn" ] || { echo "no image root with krmfn"; return 1; }
	mkdir -p "$d"
	cat >"$d/docker" <<SH
#!/bin/sh
echo "\$*" >>"$WORK/docker.log"
[ "\$1" = run ] || exit 1
for a; do image=\$a; done
[ "\$image" = quay.io/opendatahub/mlflow-krm-function:latest ] || { echo "unexpected image \$image" >&2; exit 1; }
exec chroot --userspec=65532:65532 "$r" /usr/local/bin/krmfn
SH
	chmod +x "$d/docker"
	rm -f "$WORK/docker.log"
	PATH="$d:$PATH" "$KUSTOMIZE" build --enable-alpha-plugins examples/container >"$WORK/container.yaml" || return 1
	grep -q -- '--network none' "$WORK/docker.log" || { echo "docker run without --network none:"; cat "$WORK/docker.log"; return 1; }
	python3 -c '
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
kinds = {d["kind"] for d in docs}
ns = {d["metadata"].get("namespace") for d in docs if d["kind"] == "Deployment"}
print(sorted(kinds), ns)
sys.exit(0 if {"Deployment", "Service", "HTTPRoute"} <= kinds and "MLflow" not in kinds
         and ns == {"redhat-ods-applications"} else 1)' "$WORK/container.yaml"
}
if [ -x "$WORK/rootfs/usr/local/bin/krmfn" ]; then
	check "examples/container: kustomize runs the function image (stand-in docker over the image root)" \
		container_example
else
	tap_skip "examples/container through the function image" "no image root filesystem (needs root for chroot)"
fi

# --- make targets, against a stand-in kubectl ---------------------------------
FAKE=$WORK/fake
mkdir -p "$FAKE"
cat >"$FAKE/kubectl" <<EOF
#!/usr/bin/env bash
# Records its arguments; answers cluster-info per FAKE_CLUSTER; passes
# kustomize to the real kubectl; saves what apply/delete read from stdin.
echo "kubectl \$*" >>"$FAKE/log"
case \$1 in
cluster-info) [ "\${FAKE_CLUSTER:-1}" = 1 ] ;;
kustomize) exec "$(command -v "$KUBECTL")" "\$@" ;;
get) case "\$*" in *gateways*) printf '*.apps.example.com\ndata-science-gateway.apps.example.com\n' ;; esac ;;
apply | delete) case "\$*" in *"-f -"*) cat >"$FAKE/stdin.\$((\$(ls "$FAKE" | grep -c '^stdin') + 1))" ;; esac ;;
esac
EOF
chmod +x "$FAKE/kubectl"
cat >"$FAKE/Makefile" <<EOF
# hack/deploy.mk as the top Makefile includes it, with a stub build.
SHELL := /bin/bash
BIN := bin
KUSTOMIZE := $KUSTOMIZE
build:
	@true
include $ROOT/hack/deploy.mk
EOF
fake_make() { # args... — make in the repository with the stand-in kubectl
	rm -f "$FAKE"/stdin.* "$FAKE/log"
	make --no-print-directory -s -f "$FAKE/Makefile" KUBECTL="$FAKE/kubectl" \
		DEPLOY_DIR="$WORK/deploy" "$@"
}

for t in run install uninstall deploy undeploy deploy-to-platform deploy-kind undeploy-kind \
	docker-build docker-push docker-buildx; do
	check "make $t has help text" grep -qE "^$t:.*## [A-Z]" hack/deploy.mk
done
no_cluster() { # target — fails with exactly one line of its own
	local out
	if out=$(FAKE_CLUSTER=0 fake_make "$1" 2>&1); then
		echo "succeeded without a cluster"
		return 1
	fi
	out=$(grep -vE '^make(\[[0-9]+\])?: \*\*\*' <<<"$out")
	[ "$(grep -c . <<<"$out")" = 1 ] && grep -q 'no Kubernetes cluster' <<<"$out" ||
		{ echo "$out"; return 1; }
	! grep -qE 'apply|delete' "$FAKE/log" || { echo "touched the cluster"; return 1; }
}
for t in run install uninstall deploy undeploy deploy-to-platform deploy-kind undeploy-kind; do
	check "make $t without a cluster: says so in one line and fails" no_cluster "$t"
done

# applied N — the Nth YAML stream the stand-in kubectl read.
applied() { cat "$FAKE/stdin.$1" 2>/dev/null; }

deploy_default() {
	fake_make deploy IMG=registry.example.com/op:v9 || return 1
	applied 1 | has 'image: registry.example.com/op:v9' || { echo "IMG not in the Deployment"; return 1; }
	applied 1 | has '^kind: CustomResourceDefinition' || { echo "no CRD applied"; return 1; }
	grep -q 'apply --server-side -f -' "$FAKE/log" || { echo "not server-side apply"; return 1; }
	grep -q 'rollout status deployment/mlflow-operator' "$FAKE/log" || { echo "does not wait for the rollout"; return 1; }
}
check "make deploy IMG=…: applies config/default with that image, server-side, waits for the rollout" deploy_default

undeploy() { # namespace make-args...
	local ns=$1
	shift
	fake_make undeploy "$@" || return 1
	applied 1 | has '^kind: Deployment' || { echo "the Deployment is not deleted"; return 1; }
	applied 1 | has "^  namespace: $ns\$" || { echo "not the objects in $ns"; return 1; }
	! applied 1 | has -E '^kind: (CustomResourceDefinition|Namespace)$' ||
		{ echo "deletes the CRD or the namespace"; return 1; }
}
check "make undeploy: deletes the operator, keeps the CRD and the namespace" undeploy mlflow-system
check "make undeploy OVERLAY=overlays/odh: the same for Open Data Hub" undeploy opendatahub OVERLAY=overlays/odh

install_crd() {
	fake_make install || return 1
	grep -q 'apply --server-side -f config/crd/' "$FAKE/log" || { cat "$FAKE/log"; return 1; }
}
check "make install: applies config/crd server-side" install_crd

platform() { # odh|rhoai namespace mode
	fake_make deploy-to-platform PLATFORM="$1" IMG=registry.example.com/op:p >/dev/null || return 1
	grep -q "get gateways.gateway.networking.k8s.io data-science-gateway -n openshift-ingress" "$FAKE/log" ||
		{ echo "does not read the gateway"; return 1; }
	local s
	s=$(applied 1)
	grep -q 'value: https://data-science-gateway.apps.example.com' <<<"$s" ||
		{ echo "mlflow-url not from the gateway's hostname"; return 1; }
	grep -q "namespace: $2\$" <<<"$s" && grep -q -- "- --mode=$3" <<<"$s" &&
		grep -q 'image: registry.example.com/op:p' <<<"$s" || { echo "namespace, mode or image wrong"; return 1; }
	grep -q -- "-n $2 rollout status deployment/mlflow-operator" "$FAKE/log" ||
		{ echo "does not wait for the rollout in $2"; return 1; }
}
check "make deploy-to-platform PLATFORM=odh: mlflow-url from the gateway, namespace opendatahub" \
	platform odh opendatahub opendatahub
check "make deploy-to-platform PLATFORM=rhoai: namespace redhat-ods-applications, --mode=rhoai" \
	platform rhoai redhat-ods-applications rhoai
platform_gateway() {
	fake_make deploy-to-platform PLATFORM=odh IMG=registry.example.com/op:p \
		ODH_GATEWAY_NAME=gw ODH_GATEWAY_NAMESPACE=gw-ns >/dev/null || return 1
	grep -q "get gateways.gateway.networking.k8s.io gw -n gw-ns" "$FAKE/log" ||
		{ echo "does not read gw-ns/gw"; return 1; }
	applied 1 | python3 -c '
import sys, yaml
dep = [d for d in yaml.safe_load_all(sys.stdin) if d and d["kind"] == "Deployment"][0]
env = {e["name"]: e.get("value") for e in dep["spec"]["template"]["spec"]["containers"][0]["env"]}
print(env)
sys.exit(0 if (env.get("GATEWAY_NAME"), env.get("GATEWAY_NAMESPACE")) == ("gw", "gw-ns") else 1)'
}
check "make deploy-to-platform ODH_GATEWAY_NAME/ODH_GATEWAY_NAMESPACE reach the operator's env" platform_gateway
fails() { ! "$@" >/dev/null 2>&1; }
check "make deploy-to-platform PLATFORM=other fails" fails fake_make deploy-to-platform PLATFORM=other

kind_case() { # BACKEND REGISTRY ARTIFACTS expect-postgres expect-s3
	fake_make deploy-kind BACKEND_STORE="$1" REGISTRY_STORE="$2" ARTIFACT_STORAGE="$3" >/dev/null || return 1
	local f=$WORK/deploy/kind/mlflow.yaml
	[ -s "$f" ] || { echo "no MLflow written"; return 1; }
	if "${PY[@]}" mlflow "$f" | grep -v '^PASS'; then return 1; fi
	local pg=0 s3=0
	cat "$FAKE"/stdin.* | has '^  name: mlflow-postgres$' && pg=1
	cat "$FAKE"/stdin.* | has '^  name: mlflow-seaweedfs$' && s3=1
	[ "$pg$s3" = "$4$5" ] || { echo "test services postgres=$pg s3=$s3, expected $4 $5"; return 1; }
	cat "$FAKE"/stdin.* | has '^  name: mlflow-tls$' || { echo "overlays/kind not applied"; return 1; }
	grep -q "apply --server-side -f $f" "$FAKE/log" || { echo "MLflow not applied"; return 1; }
	cp "$f" "$WORK/kind-$1-$2-$3.yaml"
}
while read -r b r a pg s3; do
	check "make deploy-kind BACKEND_STORE=$b REGISTRY_STORE=$r ARTIFACT_STORAGE=$a: a valid MLflow, the test services it needs" \
		kind_case "$b" "$r" "$a" "$pg" "$s3"
done <<'CASES'
sqlite sqlite file 0 0
postgres postgres s3 1 1
postgres sqlite file 1 0
sqlite postgres s3 1 1
CASES
check "make deploy-kind BACKEND_STORE=mysql fails" fails fake_make deploy-kind BACKEND_STORE=mysql

no_container_tool() {
	local out
	out=$(fake_make docker-build CONTAINER_TOOL=no-such-container-tool 2>&1) && return 1
	grep -q 'not found' <<<"$out" || { echo "$out"; return 1; }
}
check "make docker-build without the container tool: says so and fails" no_container_tool

# A container tool whose engine is down, and one without buildx: one line
# each, before any build starts.
engine_down() { # target
	local out bin=$WORK/down-tool
	printf '#!/bin/sh\necho "$*" >>"%s.log"\nexit 1\n' "$bin" >"$bin"
	chmod +x "$bin"
	rm -f "$bin.log"
	out=$(fake_make "$1" CONTAINER_TOOL="$bin" 2>&1) && return 1
	out=$(grep -vE '^make(\[[0-9]+\])?: \*\*\*' <<<"$out")
	[ "$(grep -c . <<<"$out")" = 1 ] && grep -q 'cannot reach its engine' <<<"$out" || { echo "$out"; return 1; }
	! grep -qv '^info$' "$bin.log" || { echo "ran more than info:"; cat "$bin.log"; return 1; }
}
check "make docker-build with the engine down: one line, nothing built" engine_down docker-build
check "make docker-buildx with the engine down: one line, nothing built" engine_down docker-buildx
no_buildx() {
	local out bin=$WORK/nobuildx-tool
	printf '#!/bin/sh\ncase "$1" in info) exit 0 ;; esac\necho "$*" >>"%s.log"\nexit 1\n' "$bin" >"$bin"
	chmod +x "$bin"
	rm -f "$bin.log"
	out=$(fake_make docker-buildx CONTAINER_TOOL="$bin" 2>&1) && return 1
	out=$(grep -vE '^make(\[[0-9]+\])?: \*\*\*' <<<"$out")
	[ "$(grep -c . <<<"$out")" = 1 ] && grep -q 'no buildx plugin' <<<"$out" || { echo "$out"; return 1; }
	[ "$(cat "$bin.log")" = "buildx version" ] || { echo "ran:"; cat "$bin.log"; return 1; }
}
check "make docker-buildx without buildx: one line, nothing built" no_buildx

# --- a real control plane ------------------------------------------------------
# Stand-ins for the CRDs of kinds the builds or the operator use that a
# bare kube-apiserver does not serve: same group, version, kind and scope,
# any content. gateway.networking.k8s.io is a protected group: its CRDs
# carry the approval annotation, as Gateway API's own do.
stand_in_crd() { # group kind plural scope
	local ann=
	case $1 in *.k8s.io) ann="  annotations: {api-approved.kubernetes.io: \"https://github.com/kubernetes-sigs/gateway-api\"}" ;; esac
	cat <<YAML
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: $3.$1
$ann
spec:
  group: $1
  names: {kind: $2, listKind: $2List, plural: $3, singular: $(tr A-Z a-z <<<"$2")}
  scope: $4
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
---
YAML
}
stand_in_crds() {
	stand_in_crd gateway.networking.k8s.io HTTPRoute httproutes Namespaced
	stand_in_crd console.openshift.io ConsoleLink consolelinks Cluster
	stand_in_crd monitoring.coreos.com ServiceMonitor servicemonitors Namespaced
}

# chart_role_rules NAME: the rules of the chart's ClusterRole NAME, as
# plain YAML (the lines after its "rules:" up to the next template action).
chart_role_rules() {
	awk -v n="$1" '$0 == "  name: " n { f = 1 } f && /^rules:/ { r = 1; next }
		r && /^\{\{/ { exit } r' charts/mlflow/templates/clusterrole.yaml
}

# One object of every kind the operator manages, to apply as its service
# account: the RBAC must let each through, including creating and binding
# the ClusterRole mlflow (Kubernetes allows that only to an account that
# holds what the role grants).
operator_objects() {
	local ns=$1
	cat <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: mlflow}
rules:
$(chart_role_rules mlflow)
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: mlflow-probe}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: mlflow}
subjects: [{kind: ServiceAccount, name: mlflow-probe-sa, namespace: $ns}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: mlflow-probe-sa, namespace: $ns}
---
apiVersion: v1
kind: Service
metadata: {name: mlflow-probe, namespace: $ns}
spec:
  selector: {app: mlflow-probe}
  ports: [{name: https, port: 8443}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: mlflow-pvc-probe, namespace: $ns}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: mlflow-probe, namespace: $ns}
spec:
  selector: {matchLabels: {app: mlflow-probe}}
  template:
    metadata: {labels: {app: mlflow-probe}}
    spec:
      containers: [{name: mlflow, image: quay.io/opendatahub/mlflow:master}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: mlflow-probe, namespace: $ns}
spec:
  podSelector: {matchLabels: {app: mlflow-probe}}
  policyTypes: [Ingress]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: mlflow-probe, namespace: $ns}
spec: {}
---
apiVersion: console.openshift.io/v1
kind: ConsoleLink
metadata: {name: mlflow-probe}
spec: {}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: mlflow-probe, namespace: $ns}
spec: {}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: mlflow-gc-probe, namespace: $ns}
spec:
  schedule: "0 2 * * 0"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: gc, image: quay.io/opendatahub/mlflow:master}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: mlflow-migrate-probe, namespace: $ns}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: quay.io/opendatahub/mlflow:master}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: mlflow-gc}
rules:
$(chart_role_rules mlflow-gc)
YAML
}

# An Event about a cluster-scoped MLflow object: it lives in "default".
probe_event() {
	cat <<'YAML'
apiVersion: v1
kind: Event
metadata: {name: mlflow-probe.1, namespace: default}
involvedObject: {apiVersion: mlflow.opendatahub.io/v1, kind: MLflow, name: probe}
reason: Probe
message: the operator may write Events about MLflow objects
type: Normal
YAML
}

# Only the MLflow documents of a file (the custom TLS sample also holds
# cert-manager objects).
mlflow_docs() {
	python3 -c 'import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "MLflow"]
print(yaml.safe_dump_all(docs), end="")' "$1"
}

controlplane_suite() {
	. tests/envtest/controlplane.sh
	if ! cp_start >"$WORK/cp.log" 2>&1; then
		tap_not_ok "control plane starts (tests/envtest/controlplane.sh)"
		tap_diag <"$WORK/cp.log"
		return
	fi
	# cp_start replaced the EXIT trap; keep both clean-ups.
	trap 'cp_stop; cleanup' EXIT
	ADMIN=("$KUBECTL" --kubeconfig "$CP_ADMIN_KUBECONFIG")
	test_crds() {
		stand_in_crds | "${ADMIN[@]}" apply -f - >/dev/null &&
			"${ADMIN[@]}" wait --for condition=Established crd --all --timeout=60s >/dev/null
	}
	check "control plane: test CRDs (HTTPRoute, ConsoleLink, ServiceMonitor) installed" test_crds
	local ns
	for ns in opendatahub redhat-ods-applications mlflow-system; do
		"${ADMIN[@]}" create namespace "$ns" >/dev/null 2>&1
	done

	local dir f
	for dir in "${OPERATOR_BUILDS[@]}" "${OTHER_BUILDS[@]}"; do
		# config/samples needs the MLflow CRD, installed below.
		case $dir in config/rbac | config/manager | config/samples) continue ;; esac
		f=$WORK/$(build_name "$dir").yaml
		[ -s "$f" ] || continue
		check "control plane: $dir passes server-side dry run" \
			"${ADMIN[@]}" apply --server-side --dry-run=server -f "$f"
	done

	# The CRD for real, then the samples and deploy-kind's objects against it.
	crd_ready() {
		local crd
		for crd in config/crd/*.yaml; do
			[ "$(basename "$crd")" = kustomization.yaml ] && continue
			"${ADMIN[@]}" apply --server-side -f "$crd" >/dev/null || return 1
		done
		"${ADMIN[@]}" wait --for condition=Established crd/mlflows.mlflow.opendatahub.io --timeout=60s >/dev/null
	}
	check "control plane: the MLflow CRD installs and is established" crd_ready
	check "control plane: config/samples passes server-side dry run" \
		"${ADMIN[@]}" apply --server-side --dry-run=server -f "$WORK/config_samples.yaml"
	dry_mlflow() { mlflow_docs "$1" | "${ADMIN[@]}" apply --server-side --dry-run=server -f -; }
	for f in config/samples/*.yaml; do
		grep -q '^kind: MLflow' "$f" || continue
		check "control plane: sample $(basename "$f") accepted by the apiserver" dry_mlflow "$f"
	done
	for f in "$WORK"/kind-*.yaml; do
		[ -s "$f" ] || continue
		check "control plane: deploy-kind's MLflow ($(basename "$f" .yaml)) accepted by the apiserver" dry_mlflow "$f"
	done

	# config/default for real, then act as its service account.
	check "control plane: config/default applies" \
		"${ADMIN[@]}" apply --server-side -f "$WORK/config_default.yaml"
	AS=("${ADMIN[@]}" --as=system:serviceaccount:mlflow-system:mlflow-operator
		--as-group=system:serviceaccounts --as-group=system:serviceaccounts:mlflow-system
		--as-group=system:authenticated)
	as_operator_apply() {
		"${AS[@]}" apply --server-side --field-manager=mlflow-operator -f - <<<"$1"
	}
	check "control plane: as the operator's account, one object of every kind it manages applies" \
		as_operator_apply "$(operator_objects mlflow-system)"
	check "control plane: as the operator's account, an Event about an MLflow object is created" \
		as_operator_apply "$(probe_event)"
	as_operator_lease() {
		printf '%s\n' 'apiVersion: coordination.k8s.io/v1' 'kind: Lease' \
			'metadata: {name: mlflow-operator-probe, namespace: mlflow-system}' \
			'spec: {holderIdentity: probe, leaseDurationSeconds: 15}' |
			"${AS[@]}" create -f - >/dev/null &&
			"${AS[@]}" -n mlflow-system get lease mlflow-operator-probe -o json |
			sed 's/"holderIdentity": "probe"/"holderIdentity": ""/' |
				"${AS[@]}" replace -f -
	}
	check "control plane: as the operator's account, a leader-election Lease is created, read and released" \
		as_operator_lease
	as_operator_status() {
		printf '%s\n' 'apiVersion: mlflow.opendatahub.io/v1' 'kind: MLflow' \
			'metadata: {name: probe}' 'spec: {serveArtifacts: true}' |
			"${ADMIN[@]}" apply --server-side -f - >/dev/null || return 1
		"${AS[@]}" get mlflows.mlflow.opendatahub.io -o name >/dev/null &&
			"${AS[@]}" patch mlflows.mlflow.opendatahub.io probe --subresource=status \
				--type=merge -p '{"status":{"observedGeneration":1}}'
	}
	check "control plane: as the operator's account, MLflow objects are listed and their status written" \
		as_operator_status
	# --metrics-secure: the operator reviews a scraper's token, then asks
	# whether that user may get /metrics. A service account bound to
	# mlflow-operator-metrics-reader may; one without the binding may not.
	as_operator_reviews() {
		local sa out
		for sa in mlflow-probe-scraper mlflow-probe-stranger; do
			"${ADMIN[@]}" -n mlflow-system create serviceaccount "$sa" >/dev/null || return 1
		done
		"${ADMIN[@]}" create clusterrolebinding mlflow-probe-scraper \
			--clusterrole=mlflow-operator-metrics-reader \
			--serviceaccount=mlflow-system:mlflow-probe-scraper >/dev/null || return 1
		for sa in mlflow-probe-scraper mlflow-probe-stranger; do
			out=$("${ADMIN[@]}" -n mlflow-system create token "$sa") || return 1
			printf '%s\n' "$out" >"$WORK/token.$sa"
		done
		python3 - "$WORK" "${AS[@]}" <<'REVIEW'
import json, subprocess, sys
work, kubectl = sys.argv[1], sys.argv[2:]

def create(obj):
    r = subprocess.run(kubectl + ["create", "--validate=false", "-o", "json", "-f", "-"], input=json.dumps(obj),
                       capture_output=True, text=True)
    if r.returncode:
        sys.exit("create %s as the operator: %s" % (obj["kind"], r.stderr.strip()))
    return json.loads(r.stdout)["status"]

for sa, want in (("mlflow-probe-scraper", True), ("mlflow-probe-stranger", False)):
    token = open("%s/token.%s" % (work, sa)).read().strip()
    tr = create({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview",
                 "spec": {"token": token}})
    user = tr.get("user", {})
    if not tr.get("authenticated") or user.get("username") != "system:serviceaccount:mlflow-system:" + sa:
        sys.exit("TokenReview of %s: %s" % (sa, tr))
    sar = create({"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
                  "spec": {"user": user["username"], "groups": user.get("groups", []),
                           "uid": user.get("uid", ""),
                           "nonResourceAttributes": {"path": "/metrics", "verb": "get"}}})
    if bool(sar.get("allowed")) != want:
        sys.exit("SubjectAccessReview of get /metrics for %s: %s (want allowed=%s)" % (sa, sar, want))
bad = create({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview",
              "spec": {"token": "not-a-token"}})
if bad.get("authenticated"):
    sys.exit("TokenReview accepted a made-up token: %s" % bad)
REVIEW
	}
	check "control plane: as the operator's account, TokenReview and SubjectAccessReview of /metrics scrapers (reader allowed, others not)" \
		as_operator_reviews
	local deny
	while read -r deny; do
		# shellcheck disable=SC2086
		check "control plane: the operator's account may not $deny" \
			bash -c '[ "$("${@:2}" auth can-i $1 2>/dev/null)" = no ]' _ "$deny" "${AS[@]}"
	done <<'DENY'
delete persistentvolumeclaims -n mlflow-system
get secrets -n mlflow-system
create deployments -n kube-system
create pods -n mlflow-system
update mlflows.mlflow.opendatahub.io
update customresourcedefinitions
escalate clusterroles
bind clusterroles
delete namespaces
DENY
	cp_stop
	trap cleanup EXIT
}

if [ "$have_kubectl" = 1 ] && [ -f tests/envtest/controlplane.sh ] &&
	(. tests/envtest/controlplane.sh && cp_have_tools); then
	controlplane_suite
else
	tap_skip "control plane: server-side dry run of every build" \
		"etcd/kube-apiserver not built (make tools-control-plane) or no tests/envtest/controlplane.sh"
fi

tap_summary suite-50-assets
tap_status
