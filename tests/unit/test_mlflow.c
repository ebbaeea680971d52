/*
 * test_mlflow.c — the MLflow object to chart values: every default,
 * derivation and rule of the design, type checks with their field paths,
 * warnings, and the options of the operator and the function.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlflow.h"
#include "yaml.h"

typedef struct run {
    rn_arena *a;
    rn_value *cr;
    rn_value *values;
    rn_value *warnings;
    const char *release;
    const char *ns;
    rn_error err;
    int rc;
} run;

static int setup(void **state)
{
    run *r = calloc(1, sizeof *r);
    r->a = rn_arena_new();
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    run *r = *state;
    rn_arena_free(r->a);
    free(r);
    return 0;
}

/* Map one object written as YAML (read as Kubernetes tools read it). */
static int map_opts(run *r, const char *yaml, const rn_mlflow_opts *o)
{
    rn_error perr;
    rn_error_clear(&perr);
    int rc = rn_yaml_parse(r->a, yaml, strlen(yaml), "mlflow.yaml",
                           RN_YAML_CORE, NULL, &r->cr, &perr);
    if (rc != 0)
        fail_msg("test input does not parse: %s", perr.msg);
    rn_error_clear(&r->err);
    r->values = r->warnings = NULL;
    r->release = r->ns = NULL;
    r->rc = rn_mlflow_values(r->a, r->cr, o, &r->values, &r->warnings,
                             &r->release, &r->ns, &r->err);
    return r->rc;
}

static int map(run *r, const char *yaml)
{
    return map_opts(r, yaml, NULL);
}

static void ok(run *r)
{
    if (r->rc != 0)
        fail_msg("unexpected error: %s", r->err.msg);
    assert_non_null(r->values);
}

/* The mapping failed on `field` with a message containing `part`. */
static void failed(run *r, const char *field, const char *part)
{
    assert_int_equal(r->rc, -1);
    assert_null(r->values);
    assert_true(r->err.set);
    assert_string_equal(r->err.field, field);
    if (!strstr(r->err.msg, part))
        fail_msg("message \"%s\" lacks \"%s\"", r->err.msg, part);
}

static const rn_value *at(run *r, const char *path)
{
    return rn_value_at(r->values, path);
}

static void str_at(run *r, const char *path, const char *want)
{
    const rn_value *v = at(r, path);
    if (!v)
        fail_msg("%s is missing", path);
    assert_int_equal(v->kind, RN_STRING);
    assert_string_equal(v->u.s.ptr, want);
}

static void int_at(run *r, const char *path, int64_t want)
{
    const rn_value *v = at(r, path);
    if (!v)
        fail_msg("%s is missing", path);
    assert_int_equal(v->kind, RN_INT);
    assert_int_equal(v->u.i, want);
}

static void bool_at(run *r, const char *path, bool want)
{
    const rn_value *v = at(r, path);
    if (!v)
        fail_msg("%s is missing", path);
    assert_int_equal(v->kind, RN_BOOL);
    assert_int_equal(v->u.b, want);
}

static void absent(run *r, const char *path)
{
    if (at(r, path))
        fail_msg("%s should not be set", path);
}

/* Some warning contains `part`. */
static void warned(run *r, const char *part)
{
    for (size_t i = 0; i < r->warnings->u.list.len; i++)
        if (strstr(r->warnings->u.list.items[i]->u.s.ptr, part))
            return;
    fail_msg("no warning mentions \"%s\"", part);
}

static void no_warnings(run *r)
{
    if (r->warnings->u.list.len)
        fail_msg("unexpected warning: %s",
                 r->warnings->u.list.items[0]->u.s.ptr);
}

/* The object named mlflow, up to its spec's fields. */
#define HEAD                                                                   \
    "apiVersion: mlflow.opendatahub.io/v1\n"                                   \
    "kind: MLflow\n"                                                           \
    "metadata:\n"                                                              \
    "  name: mlflow\n"                                                         \
    "spec:\n"
/* The smallest valid object: a claim, artifacts served. */
#define MINIMAL HEAD "  storage: {}\n  serveArtifacts: true\n"
#define SERVED HEAD "  serveArtifacts: true\n"

/* ---- defaults and names ------------------------------------------------ */

static void test_defaults(void **state)
{
    run *r = *state;
    map(r, MINIMAL);
    ok(r);
    no_warnings(r);
    assert_string_equal(r->release, "mlflow");
    assert_string_equal(r->ns, "opendatahub");
    str_at(r, "namespace", "opendatahub");
    str_at(r, "resourceSuffix", "");
    str_at(r, "tls.secretName", "mlflow-tls");
    int_at(r, "replicaCount", 1);
    str_at(r, "image.name", "quay.io/opendatahub/mlflow:master");
    absent(r, "image.imagePullPolicy");
    absent(r, "serviceAccount");
    bool_at(r, "storage.enabled", true);
    str_at(r, "storage.size", "2Gi");
    str_at(r, "storage.accessMode", "ReadWriteOnce");
    absent(r, "storage.storageClassName");
    bool_at(r, "mlflow.serveArtifacts", true);
    int_at(r, "mlflow.workers", 1);
    str_at(r, "mlflow.staticPrefix", "/mlflow");
    const rn_value *hosts = at(r, "mlflow.allowedHosts");
    assert_non_null(hosts);
    assert_int_equal(hosts->kind, RN_LIST);
    assert_int_equal(hosts->u.list.len, 1);
    assert_string_equal(hosts->u.list.items[0]->u.s.ptr, "*");
    /* The chart derives the stores: nothing the user did not set. */
    absent(r, "mlflow.backendStoreUri");
    absent(r, "mlflow.registryStoreUri");
    absent(r, "mlflow.artifactsDestination");
    absent(r, "mlflow.defaultArtifactRoot");
    absent(r, "resources");
    absent(r, "env");
    bool_at(r, "httpRoute.enabled", false);
    bool_at(r, "consoleLink.enabled", false);
}

static void test_named_instance(void **state)
{
    run *r = *state;
    map(r, "metadata: {name: team-a}\n"
           "spec: {serveArtifacts: true, storage: {}}\n");
    ok(r);
    assert_string_equal(r->release, "mlflow-team-a");
    str_at(r, "resourceSuffix", "-team-a");
    str_at(r, "tls.secretName", "mlflow-team-a-tls");
    str_at(r, "mlflow.staticPrefix", "/mlflow-team-a");
    absent(r, "serviceAccount");
}

static void test_name_rules(void **state)
{
    run *r = *state;
    /* 40 characters is the limit. */
    map(r, "metadata: {name: abcdefghij-abcdefghij-abcdefghij-abcdefg}\n"
           "spec: {serveArtifacts: true, storage: {}}\n");
    ok(r);
    assert_string_equal(r->release,
                        "mlflow-abcdefghij-abcdefghij-abcdefghij-abcdefg");
    map(r, "metadata: {name: abcdefghij-abcdefghij-abcdefghij-abcdefgh}\n"
           "spec: {serveArtifacts: true, storage: {}}\n");
    failed(r, "metadata.name",
           "at most 40 characters (the generated names "
           "must fit 63), got 41");
    map(r, "metadata: {name: Team}\nspec: {serveArtifacts: true}\n");
    failed(r, "metadata.name", "DNS label");
    map(r, "metadata: {name: a.b}\nspec: {serveArtifacts: true}\n");
    failed(r, "metadata.name", "DNS label");
    map(r, "metadata: {name: -ab}\nspec: {serveArtifacts: true}\n");
    failed(r, "metadata.name", "DNS label");
    map(r, "metadata: {}\nspec: {serveArtifacts: true}\n");
    failed(r, "metadata.name", "is required");
    map(r, "metadata: {name: 7}\nspec: {serveArtifacts: true}\n");
    failed(r, "metadata.name", "must be a string, got 7");
    map(r, "- not a map\n");
    failed(r, "", "must be a map");
}

static void test_modes_and_namespace(void **state)
{
    run *r = *state;
    rn_mlflow_opts o = {.mode = "rhoai"};
    map_opts(r, MINIMAL, &o);
    ok(r);
    assert_string_equal(r->ns, "redhat-ods-applications");
    str_at(r, "namespace", "redhat-ods-applications");

    o.namespace = "ml-platform";
    map_opts(r, MINIMAL, &o);
    ok(r);
    assert_string_equal(r->ns, "ml-platform");
    str_at(r, "namespace", "ml-platform");

    o = (rn_mlflow_opts){.mode = "", .namespace = ""};
    map_opts(r, MINIMAL, &o);
    ok(r);
    assert_string_equal(r->ns, "opendatahub");

    o = (rn_mlflow_opts){.mode = "kubeflow"};
    map_opts(r, MINIMAL, &o);
    failed(r, "", "mode must be opendatahub or rhoai, got \"kubeflow\"");

    o = (rn_mlflow_opts){.namespace = "Bad_NS"};
    map_opts(r, MINIMAL, &o);
    failed(r, "", "namespace must be a DNS label");
}

static void test_spec_shape(void **state)
{
    run *r = *state;
    map(r, "metadata: {name: mlflow}\nspec: [1]\n");
    failed(r, "spec", "must be an object, got a list");
    /* No spec at all: the CR defaults leave no artifact root. */
    map(r, "metadata: {name: mlflow}\n");
    failed(r, "spec.defaultArtifactRoot",
           "required unless spec.serveArtifacts");
    map(r, "metadata: {name: mlflow}\nspec: {}\n");
    failed(r, "spec.defaultArtifactRoot",
           "required unless spec.serveArtifacts");
}

/* A typo must not render the default: unknown fields are refused, as
 * `kubectl apply` (strict field validation) refuses them. */
static void test_unknown_field_refused(void **state)
{
    run *r = *state;
    map(r, MINIMAL "  replica: 3\n");
    failed(r, "spec.replica", "unknown field (did you mean replicas?)");
    map(r, MINIMAL "  tlsSecret: x\n");
    failed(r, "spec.tlsSecret", "unknown field");
}

/* ---- image, replicas, workers ------------------------------------------ */

static void test_image(void **state)
{
    run *r = *state;
    map(r, MINIMAL "  image: {image: 'registry.example.com/mlflow@sha256:abc',"
                   " imagePullPolicy: Always}\n");
    ok(r);
    str_at(r, "image.name", "registry.example.com/mlflow@sha256:abc");
    str_at(r, "image.imagePullPolicy", "Always");

    rn_mlflow_opts o = {.image = "quay.io/example/mlflow:v3"};
    map_opts(r, MINIMAL, &o);
    ok(r);
    str_at(r, "image.name", "quay.io/example/mlflow:v3");
    /* The object's image wins over the operator's. */
    map_opts(r, MINIMAL "  image: {image: mine:1}\n", &o);
    ok(r);
    str_at(r, "image.name", "mine:1");

    map(r, MINIMAL "  image: {imagePullPolicy: Sometimes}\n");
    failed(r, "spec.image.imagePullPolicy",
           "must be Always, IfNotPresent or Never, got \"Sometimes\"");
    map(r, MINIMAL "  image: quay.io/x:1\n");
    failed(r, "spec.image", "must be an object, got \"quay.io/x:1\"");
    map(r, MINIMAL "  image: {name: x}\n");
    failed(r, "spec.image.name", "unknown field");
    map(r, MINIMAL "  image: {image: ''}\n");
    failed(r, "spec.image.image", "must not be empty");
}

static void test_replicas(void **state)
{
    run *r = *state;
    map(r, SERVED "  replicas: 3\n  storage: {accessModes: [ReadWriteMany]}\n");
    ok(r);
    int_at(r, "replicaCount", 3);
    no_warnings(r);

    map(r, MINIMAL "  replicas: three\n");
    failed(r, "spec.replicas",
           "spec.replicas: must be an integer >= 1, got \"three\"");
    assert_string_equal(
        r->err.msg, "spec.replicas: must be an integer >= 1, got \"three\"");
    map(r, MINIMAL "  replicas: 0\n");
    failed(r, "spec.replicas", "must be an integer >= 1, got 0");
    map(r, MINIMAL "  replicas: -2\n");
    failed(r, "spec.replicas", "got -2");
    map(r, MINIMAL "  replicas: 1.5\n");
    failed(r, "spec.replicas", "got 1.5");
    map(r, MINIMAL "  replicas: '3'\n");
    failed(r, "spec.replicas", "got \"3\"");
    map(r, MINIMAL "  replicas: 2147483648\n");
    failed(r, "spec.replicas", "must be an integer <= 2147483647");
    map(r, SERVED
        "  replicas: 2147483647\n  storage: {accessModes: [ReadWriteMany]}\n");
    ok(r);
    int_at(r, "replicaCount", 2147483647);
    /* A null is an unset field. */
    map(r, MINIMAL "  replicas: null\n");
    ok(r);
    int_at(r, "replicaCount", 1);
}

static void test_replicas_on_one_node_warns(void **state)
{
    run *r = *state;
    map(r, MINIMAL "  replicas: 2\n");
    ok(r);
    warned(r, "spec.replicas is 2 but the claim is ReadWriteOnce");
    /* Without a claim nothing ties the pods to one node. */
    map(r, "metadata: {name: mlflow}\n"
           "spec: {replicas: 2, serveArtifacts: false,"
           " defaultArtifactRoot: 's3://b/a', backendStoreUri: "
           "'postgresql://db/m'}\n");
    ok(r);
    no_warnings(r);
}

static void test_workers(void **state)
{
    run *r = *state;
    map(r, MINIMAL "  workers: 4\n");
    ok(r);
    int_at(r, "mlflow.workers", 4);
    map(r, MINIMAL "  workers: 0\n");
    failed(r, "spec.workers", "must be an integer >= 1, got 0");
    map(r, MINIMAL "  workers: true\n");
    failed(r, "spec.workers", "got true");
}

/* ---- storage ------------------------------------------------------------ */

static void test_storage(void **state)
{
    run *r = *state;
    map(r, "metadata: {name: mlflow}\n"
           "spec:\n"
           "  serveArtifacts: true\n"
           "  storage:\n"
           "    accessModes: [ReadWriteMany]\n"
           "    resources: {requests: {storage: 10Gi}}\n"
           "    storageClassName: gp3-csi\n");
    ok(r);
    no_warnings(r);
    bool_at(r, "storage.enabled", true);
    str_at(r, "storage.size", "10Gi");
    str_at(r, "storage.accessMode", "ReadWriteMany");
    str_at(r, "storage.storageClassName", "gp3-csi");

    /* A bare number is a byte count; the chart wants a string. */
    map(r,
        SERVED "  storage: {resources: {requests: {storage: 1073741824}}}\n");
    ok(r);
    str_at(r, "storage.size", "1073741824");

    map(r, SERVED "  storage: {resources: {requests: {storage: 10 GB}}}\n");
    failed(r, "spec.storage.resources.requests.storage",
           "must be a quantity such as 2Gi or 500m, got \"10 GB\"");
    map(r, SERVED "  storage: {accessModes: [ReadWriteSometimes]}\n");
    failed(r, "spec.storage.accessModes[0]", "got \"ReadWriteSometimes\"");
    map(r, SERVED "  storage: {accessModes: ReadWriteOnce}\n");
    failed(r, "spec.storage.accessModes", "must be a list");
    map(r, SERVED "  storage: {storageClassName: 5}\n");
    failed(r, "spec.storage.storageClassName", "must be a string, got 5");
    map(r, SERVED "  storage: {resources: {requests: {storage: 1Gi}, "
                  "claims: 3}}\n");
    failed(r, "spec.storage.resources.claims", "must be a list");
    map(r, SERVED "  storage: true\n");
    failed(r, "spec.storage", "must be an object, got true");
}

/* The whole PersistentVolumeClaimSpec, as the Go operator's API has it. */
static void test_storage_full_spec(void **state)
{
    run *r = *state;
    map(r, SERVED "  storage:\n"
                  "    accessModes: [ReadWriteOncePod, ReadWriteOnce]\n"
                  "    resources: {requests: {storage: 5Gi}, limits: {storage: "
                  "8Gi}}\n"
                  "    volumeMode: Filesystem\n"
                  "    volumeName: pv-1\n"
                  "    volumeAttributesClassName: gold\n"
                  "    selector: {matchLabels: {tier: fast}}\n"
                  "    dataSource: {kind: PersistentVolumeClaim, name: old}\n"
                  "    dataSourceRef: {kind: PersistentVolumeClaim, name: "
                  "old}\n");
    ok(r);
    no_warnings(r);
    /* Several modes go to the chart whole; the first is its accessMode. */
    str_at(r, "storage.accessMode", "ReadWriteOncePod");
    const rn_value *modes = at(r, "storage.accessModes");
    assert_non_null(modes);
    assert_int_equal(modes->u.list.len, 2);
    str_at(r, "storage.size", "5Gi");
    str_at(r, "storage.sizeLimit", "8Gi");
    str_at(r, "storage.volumeMode", "Filesystem");
    str_at(r, "storage.volumeName", "pv-1");
    str_at(r, "storage.volumeAttributesClassName", "gold");
    str_at(r, "storage.selector.matchLabels.tier", "fast");
    str_at(r, "storage.dataSource.name", "old");
    str_at(r, "storage.dataSourceRef.kind", "PersistentVolumeClaim");
    /* One mode: only accessMode. */
    map(r, SERVED "  storage: {accessModes: [ReadWriteMany]}\n");
    ok(r);
    str_at(r, "storage.accessMode", "ReadWriteMany");
    absent(r, "storage.accessModes");
    absent(r, "storage.sizeLimit");
    /* Still no field the type lacks. */
    map(r, SERVED "  storage: {volumeMode: Filesystem, size: 2Gi}\n");
    failed(r, "spec.storage.size", "unknown field");
    map(r, SERVED "  storage: {volumeMode: 3}\n");
    failed(r, "spec.storage.volumeMode", "must be a string, got 3");
    map(r, SERVED "  storage: {dataSource: {name: old}}\n");
    failed(r, "spec.storage.dataSource.kind", "");
}

static void test_pod_fields(void **state)
{
    run *r = *state;
    map(r, MINIMAL "  podAnnotations: {prometheus.io/scrape: 'true'}\n"
                   "  temporaryStorage: {sizeLimit: 2Gi}\n"
                   "  resourceClaims:\n"
                   "    - {name: gpu, resourceClaimTemplateName: gpu-t}\n"
                   "    - {name: shared, resourceClaimName: claim-1}\n"
                   "  resources: {claims: [{name: gpu}]}\n");
    ok(r);
    no_warnings(r);
    const rn_value *ann =
        rn_map_getz(at(r, "podAnnotations"), "prometheus.io/scrape");
    assert_non_null(ann);
    assert_string_equal(ann->u.s.ptr, "true");
    str_at(r, "temporaryStorage.sizeLimit", "2Gi");
    assert_int_equal(at(r, "resourceClaims")->u.list.len, 2);
    /* Unset: the chart's 1Gi. */
    map(r, MINIMAL);
    ok(r);
    absent(r, "temporaryStorage");
    absent(r, "podAnnotations");
    map(r, MINIMAL "  temporaryStorage: {sizeLimit: 1073741824}\n");
    ok(r);
    str_at(r, "temporaryStorage.sizeLimit", "1073741824");
    map(r, MINIMAL "  temporaryStorage: {sizeLimit: lots}\n");
    failed(r, "spec.temporaryStorage.sizeLimit", "must be a quantity");
    map(r, MINIMAL "  temporaryStorage: {size: 1Gi}\n");
    failed(r, "spec.temporaryStorage.size", "unknown field");
    map(r, MINIMAL "  podAnnotations: {a: 1}\n");
    failed(r, "spec.podAnnotations.a", "must be a string, got 1");
    map(r, MINIMAL "  resourceClaims: [{name: gpu}]\n");
    failed(r, "spec.resourceClaims[0]",
           "each resourceClaims entry must set exactly one non-empty value: "
           "resourceClaimName or resourceClaimTemplateName");
    map(r, MINIMAL "  resourceClaims: [{name: gpu, resourceClaimName: a, "
                   "resourceClaimTemplateName: b}]\n");
    failed(r, "spec.resourceClaims[0]", "exactly one non-empty value");
    map(r, MINIMAL "  resourceClaims: [{name: gpu, resourceClaimName: ''}]\n");
    failed(r, "spec.resourceClaims[0]", "exactly one non-empty value");
    /* Label values: 63 characters at most (the CRD's rule). */
    char buf[512];
    snprintf(buf, sizeof buf, MINIMAL "  podLabels: {tier: \"%064d\"}\n", 0);
    map(r, buf);
    failed(r, "spec.podLabels.tier",
           "label values must be 63 characters or less");
    snprintf(buf, sizeof buf, MINIMAL "  nodeSelector: {tier: \"%063d\"}\n", 0);
    map(r, buf);
    ok(r);
}

static void test_ca_bundle(void **state)
{
    run *r = *state;
    map(r, MINIMAL "  caBundleConfigMap: {name: my-ca}\n");
    ok(r);
    str_at(r, "caBundle.configMapName", "my-ca");
    map(r, MINIMAL);
    ok(r);
    absent(r, "caBundle");
    map(r, MINIMAL "  caBundleConfigMap: {}\n");
    failed(r, "spec.caBundleConfigMap.name", "is required");
    map(r, MINIMAL "  caBundleConfigMap: {name: My_CA}\n");
    failed(r, "spec.caBundleConfigMap.name", "must be a DNS subdomain");
    map(r, MINIMAL "  caBundleConfigMap: {name: ca, key: x}\n");
    failed(r, "spec.caBundleConfigMap.key", "unknown field");
}

static void test_env_rules(void **state)
{
    run *r = *state;
    map(r, MINIMAL "  env: [{name: MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE, "
                   "value: 'true'}]\n");
    failed(r, "spec.env[0].name",
           "setting the MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE environment "
           "variable is not allowed");
    map(r, MINIMAL "  env: [{name: A, value: a}, {name: "
                   "MLFLOW_SERVER_ENABLE_JOB_EXECUTION, value: 'true'}]\n");
    failed(r, "spec.env[1].name",
           "setting the MLFLOW_SERVER_ENABLE_JOB_EXECUTION environment "
           "variable is not allowed; the operator manages job execution "
           "lifecycle");
    /* fileKeyRef, the fifth EnvVarSource. */
    map(r, MINIMAL "  env: [{name: F, valueFrom: {fileKeyRef: {volumeName: "
                   "tmp, path: e.env, key: F, optional: true}}}]\n");
    ok(r);
    const rn_value *path =
        rn_value_at(at(r, "env")->u.list.items[0], "valueFrom.fileKeyRef.path");
    assert_non_null(path);
    assert_string_equal(path->u.s.ptr, "e.env");
    map(r, MINIMAL "  env: [{name: F, valueFrom: {fileKeyRef: {volumeName: "
                   "tmp, key: F}}}]\n");
    failed(r, "spec.env[0].valueFrom.fileKeyRef.path", "is required");
}

/* spec.artifactsServer: its fields reach the chart's artifactsServer;
 * the gateway's artifact API URL only with the route; the rules. */
static void test_artifacts_server(void **state)
{
    run *r = *state;
    const char *split =
        "metadata: {name: dev}\n"
        "spec:\n"
        "  backendStoreUriFrom: {name: db, key: uri}\n"
        "  artifactsDestination: s3://bucket/a\n"
        "  artifactsServer: {enabled: true, replicas: 3, workers: 2,\n"
        "    resources: {requests: {cpu: 500m}}}\n";
    map(r, split);
    ok(r);
    no_warnings(r);
    bool_at(r, "artifactsServer.enabled", true);
    int_at(r, "artifactsServer.replicaCount", 3);
    int_at(r, "artifactsServer.workers", 2);
    str_at(r, "artifactsServer.resources.requests.cpu", "500m");
    bool_at(r, "mlflow.serveArtifacts", false);
    absent(r, "artifactsServer.artifactRoot");
    rn_mlflow_opts o = {.mlflow_url = "https://gw.example.com/base/"};
    map_opts(r, split, &o);
    ok(r);
    absent(r, "artifactsServer.artifactRoot"); /* no route: not reachable */
    o.http_route = true;
    map_opts(r, split, &o);
    ok(r);
    str_at(r, "artifactsServer.artifactRoot",
           "https://gw.example.com/base/mlflow-artifacts-dev/api/2.0/"
           "mlflow-artifacts/artifacts");
    /* Switched off: nothing reaches the chart. */
    map(r, MINIMAL "  artifactsServer: {enabled: false, replicas: 2}\n");
    ok(r);
    absent(r, "artifactsServer");
    map(r, "metadata: {name: dev}\n"
           "spec: {backendStoreUri: 'mysql://db/m', storage: {},\n"
           "  artifactsDestination: 'file:///mlflow/a',\n"
           "  artifactsServer: {enabled: true, replicas: 2}}\n");
    failed(r, "spec.artifactsServer.replicas",
           "multiple artifact server replicas with a file-based "
           "artifactsDestination require storage with ReadWriteMany as its "
           "first access mode");
    map(r, "metadata: {name: dev}\n"
           "spec: {backendStoreUri: 'mysql://db/m',\n"
           "  storage: {accessModes: [ReadWriteOnce, ReadWriteMany]},\n"
           "  artifactsDestination: 'file:///mlflow/a',\n"
           "  artifactsServer: {enabled: true, replicas: 2}}\n");
    failed(r, "spec.artifactsServer.replicas", "as its first access mode");
    map(r, "metadata: {name: dev}\n"
           "spec: {backendStoreUri: 'mysql://db/m',\n"
           "  storage: {accessModes: [ReadWriteMany]},\n"
           "  artifactsDestination: 'file:///mlflow/a',\n"
           "  artifactsServer: {enabled: true, replicas: 2}}\n");
    ok(r);
    map(r, "metadata: {name: dev}\n"
           "spec: {backendStoreUri: 'mysql://db/m', serveArtifacts: true,\n"
           "  artifactsDestination: 's3://b/a',\n"
           "  artifactsServer: {enabled: true}}\n");
    failed(r, "spec.serveArtifacts",
           "serveArtifacts and artifactsServer.enabled are mutually exclusive");
    map(r, "metadata: {name: dev}\n"
           "spec: {backendStoreUri: 'mysql://db/m',\n"
           "  artifactsServer: {enabled: true}}\n");
    failed(r, "spec.artifactsDestination",
           "artifactsDestination must be set when artifactsServer is enabled");
    map(r, "metadata: {name: dev}\n"
           "spec: {backendStoreUri: 'mysql://db/m',\n"
           "  registryStoreUri: 'sqlite:////mlflow/r.db', storage: {},\n"
           "  artifactsDestination: 's3://b/a',\n"
           "  artifactsServer: {enabled: true}}\n");
    failed(r, "spec.registryStoreUri",
           "artifactsServer cannot be enabled with an inline SQLite "
           "registryStoreUri");
    map(r, "metadata: {name: dev}\n"
           "spec: {backendStoreUri: 'mysql://db/m',\n"
           "  artifactsDestination: 's3://b/a',\n"
           "  artifactsServer: {enabled: true, workers: 0}}\n");
    failed(r, "spec.artifactsServer.workers", "");
}

static void test_origins_and_workspaces(void **state)
{
    run *r = *state;
    rn_mlflow_opts o = {.mlflow_url = "https://gw.example.com/some/path"};
    map_opts(r,
             MINIMAL "  extraAllowedOrigins: ['https://app.example.com', "
                     "'https://*.example.org:8443']\n"
                     "  workspaceLabelSelector:\n"
                     "    matchLabels: {mlflow: enabled, "
                     "example.com/team: a}\n"
                     "    matchExpressions:\n"
                     "      - {key: stage, operator: In, values: [dev, qa]}\n"
                     "      - {key: stage, operator: NotIn, values: [prod]}\n"
                     "      - {key: owner, operator: Exists}\n"
                     "      - {key: legacy, operator: DoesNotExist}\n",
             &o);
    ok(r);
    /* The gateway's origin (no path), then the user's. */
    const rn_value *origins = at(r, "mlflow.corsAllowedOrigins");
    assert_non_null(origins);
    assert_int_equal(origins->u.list.len, 3);
    assert_string_equal(origins->u.list.items[0]->u.s.ptr,
                        "https://gw.example.com");
    assert_string_equal(origins->u.list.items[2]->u.s.ptr,
                        "https://*.example.org:8443");
    str_at(r, "mlflow.workspaceLabelSelector",
           "mlflow=enabled,example.com/team=a,stage in (dev,qa),"
           "stage notin (prod),owner,!legacy");
    /* No gateway, no extras: the chart's own defaults only. */
    map(r, MINIMAL);
    ok(r);
    absent(r, "mlflow.corsAllowedOrigins");
    absent(r, "mlflow.workspaceLabelSelector");

    map(r, MINIMAL "  extraAllowedOrigins: ['https://a.example.com/path']\n");
    failed(r, "spec.extraAllowedOrigins[0]", "must be an origin");
    map(r, MINIMAL "  extraAllowedOrigins: ['a.example.com']\n");
    failed(r, "spec.extraAllowedOrigins[0]", "must be an origin");
    map(r, MINIMAL "  extraAllowedOrigins: ['https://a,https://b']\n");
    failed(r, "spec.extraAllowedOrigins[0]", "no comma");
    map(r, MINIMAL "  workspaceLabelSelector: {matchExpressions: [{key: a, "
                   "operator: In}]}\n");
    failed(r, "spec.workspaceLabelSelector.matchExpressions[0].values",
           "must be non-empty when operator is In");
    map(r, MINIMAL "  workspaceLabelSelector: {matchExpressions: [{key: a, "
                   "operator: Exists, values: [x]}]}\n");
    failed(r, "spec.workspaceLabelSelector.matchExpressions[0].values",
           "must be empty when operator is Exists");
    map(r, MINIMAL "  workspaceLabelSelector: {matchExpressions: [{key: a, "
                   "operator: Near}]}\n");
    failed(r, "spec.workspaceLabelSelector.matchExpressions[0].operator",
           "must be In, NotIn, Exists or DoesNotExist");
    /* Nothing that would change the selector's meaning gets through. */
    map(r, MINIMAL "  workspaceLabelSelector: {matchLabels: {a: 'b,c=d'}}\n");
    failed(r, "spec.workspaceLabelSelector.matchLabels.a",
           "is not a valid label value");
    map(r, MINIMAL "  workspaceLabelSelector: {matchLabels: {'a b': c}}\n");
    failed(r, "spec.workspaceLabelSelector.matchLabels.a b",
           "is not a valid label key");
    map(r, MINIMAL "  workspaceLabelSelector: {matchExpressions: [{key: a, "
                   "operator: In, values: ['x)']}]}\n");
    failed(r, "spec.workspaceLabelSelector.matchExpressions[0].values[0]",
           "is not a valid label value");
}

static void test_egress_rules(void **state)
{
    run *r = *state;
    map(r, MINIMAL "  networkPolicyEgressRules:\n"
                   "    - ports: [{protocol: UDP, port: 53}]\n"
                   "    - to: [{ipBlock: {cidr: 10.0.0.0/8}}]\n"
                   "  networkPolicyAdditionalEgressRules:\n"
                   "    - ports: [{protocol: TCP, port: 15432}]\n");
    ok(r);
    assert_int_equal(at(r, "networkPolicy.egress")->u.list.len, 2);
    assert_int_equal(at(r, "networkPolicy.additionalEgress")->u.list.len, 1);
    map(r, MINIMAL "  networkPolicyAdditionalEgressRules: [{ports: []}]\n");
    failed(r, "spec.networkPolicyAdditionalEgressRules[0]",
           "each networkPolicyAdditionalEgressRules entry must specify at "
           "least one port or one destination");
    map(r, MINIMAL "  networkPolicyEgressRules: [{}]\n");
    failed(r, "spec.networkPolicyEgressRules[0]",
           "each networkPolicyEgressRules entry must specify");
    char buf[2048] = MINIMAL "  networkPolicyEgressRules:\n";
    for (int i = 0; i < 33; i++)
        strcat(buf, "    - ports: [{port: 1}]\n");
    map(r, buf);
    failed(r, "spec.networkPolicyEgressRules", "at most 32 items, got 33");
    map(r, MINIMAL "  networkPolicyEgressRules: [{ports: [{port: 1, "
                   "protocol: QUIC}]}]\n");
    failed(r, "spec.networkPolicyEgressRules[0].ports[0].protocol", "");
}

static void test_no_storage(void **state)
{
    run *r = *state;
    map(r, "metadata: {name: mlflow}\n"
           "spec:\n"
           "  backendStoreUri: postgresql://db.example.com/mlflow\n"
           "  serveArtifacts: true\n"
           "  artifactsDestination: s3://bucket/artifacts\n");
    ok(r);
    no_warnings(r);
    bool_at(r, "storage.enabled", false);
    absent(r, "storage.size");
    str_at(r, "mlflow.backendStoreUri", "postgresql://db.example.com/mlflow");
    str_at(r, "mlflow.artifactsDestination", "s3://bucket/artifacts");
}

/* Only the defaults put data on pod-local files: render, but warn. */
static void test_pod_local_defaults_warn(void **state)
{
    run *r = *state;
    map(r, "metadata: {name: mlflow}\nspec: {serveArtifacts: true}\n");
    ok(r);
    bool_at(r, "storage.enabled", false);
    assert_int_equal(r->warnings->u.list.len, 2);
    warned(r, "the tracking database defaults to sqlite:////mlflow/mlflow.db "
              "inside the pod");
    warned(r, "served artifacts default to file:///mlflow/artifacts inside "
              "the pod");

    map(r, "metadata: {name: mlflow}\n"
           "spec: {serveArtifacts: false, defaultArtifactRoot: 's3://b/r'}\n");
    ok(r);
    assert_int_equal(r->warnings->u.list.len, 1);
    warned(r, "tracking database defaults");

    /* A database from a Secret is not pod-local. */
    map(r, "metadata: {name: mlflow}\n"
           "spec:\n"
           "  serveArtifacts: false\n"
           "  defaultArtifactRoot: s3://b/r\n"
           "  backendStoreUriFrom: {name: db, key: uri}\n");
    ok(r);
    no_warnings(r);
}

/* ---- the rules ---------------------------------------------------------- */

static void test_rule_default_artifact_root(void **state)
{
    run *r = *state;
    map(r, HEAD "  storage: {}\n  serveArtifacts: false\n");
    failed(r, "spec.defaultArtifactRoot",
           "is required unless spec.serveArtifacts is true");
    map(r, "metadata: {name: mlflow}\n"
           "spec: {storage: {}, defaultArtifactRoot: 's3://bucket/root'}\n");
    ok(r);
    bool_at(r, "mlflow.serveArtifacts", false);
    str_at(r, "mlflow.defaultArtifactRoot", "s3://bucket/root");
    /* A destination only matters when the server serves artifacts. */
    map(r, "metadata: {name: mlflow}\n"
           "spec: {storage: {}, defaultArtifactRoot: 's3://bucket/root',"
           " artifactsDestination: 's3://bucket/served'}\n");
    ok(r);
    warned(r, "spec.artifactsDestination is ignored unless "
              "spec.serveArtifacts or spec.artifactsServer.enabled is true");
    /* With serving on, a root is optional and passed when set. */
    map(r, MINIMAL "  defaultArtifactRoot: mlflow-artifacts:/\n");
    ok(r);
    str_at(r, "mlflow.defaultArtifactRoot", "mlflow-artifacts:/");
}

static void test_rule_file_artifacts_need_serving(void **state)
{
    run *r = *state;
    map(r, "metadata: {name: mlflow}\n"
           "spec: {storage: {}, defaultArtifactRoot: 'file:///mlflow/a'}\n");
    failed(r, "spec.defaultArtifactRoot",
           "a file:// artifact root needs spec.serveArtifacts: true");
    map(r, "metadata: {name: mlflow}\n"
           "spec: {storage: {}, defaultArtifactRoot: 's3://b/r',"
           " artifactsDestination: 'file:///mlflow/a'}\n");
    failed(r, "spec.artifactsDestination",
           "a file:// destination needs spec.serveArtifacts: true");
    map(r, MINIMAL "  defaultArtifactRoot: file:///mlflow/a\n"
                   "  artifactsDestination: file:///mlflow/b\n");
    ok(r);
    str_at(r, "mlflow.artifactsDestination", "file:///mlflow/b");
}

static void test_rule_backend_exclusive(void **state)
{
    run *r = *state;
    map(r, MINIMAL "  backendStoreUri: postgresql://db/m\n"
                   "  backendStoreUriFrom: {name: db, key: uri}\n");
    failed(r, "spec.backendStoreUriFrom",
           "spec.backendStoreUri and spec.backendStoreUriFrom are mutually "
           "exclusive");
    map(r, MINIMAL "  registryStoreUri: postgresql://db/r\n"
                   "  registryStoreUriFrom: {name: db, key: r}\n");
    failed(r, "spec.registryStoreUriFrom",
           "spec.registryStoreUri and spec.registryStoreUriFrom are mutually "
           "exclusive");
    map(r, MINIMAL "  readReplicaBackendStoreUri: postgresql://reader/m\n"
                   "  readReplicaBackendStoreUriFrom: {name: db, key: r}\n");
    failed(r, "spec.readReplicaBackendStoreUriFrom",
           "spec.readReplicaBackendStoreUri and "
           "spec.readReplicaBackendStoreUriFrom are mutually exclusive");
    /* A null is not a value. */
    map(r, MINIMAL "  backendStoreUri: null\n"
                   "  backendStoreUriFrom: {name: db, key: uri}\n");
    ok(r);
    absent(r, "mlflow.backendStoreUri");
}

static void test_rule_local_stores_need_storage(void **state)
{
    run *r = *state;
    const char *head = "metadata: {name: mlflow}\n"
                       "spec:\n"
                       "  serveArtifacts: true\n"
                       "  artifactsDestination: s3://b/a\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%s  backendStoreUri: sqlite:////mlflow/m.db\n",
             head);
    map(r, buf);
    failed(r, "spec.backendStoreUri",
           "a sqlite:// or file:// URI needs spec.storage");
    snprintf(buf, sizeof buf, "%s  backendStoreUri: file:///mlflow/runs\n",
             head);
    map(r, buf);
    failed(r, "spec.backendStoreUri", "needs spec.storage");
    snprintf(buf, sizeof buf,
             "%s  backendStoreUri: postgresql://db/m\n"
             "  registryStoreUri: sqlite:////mlflow/r.db\n",
             head);
    map(r, buf);
    failed(r, "spec.registryStoreUri", "needs spec.storage");
    snprintf(buf, sizeof buf,
             "%s  backendStoreUri: postgresql://db/m\n"
             "  readReplicaBackendStoreUri: sqlite:////mlflow/m.db\n",
             head);
    map(r, buf);
    failed(r, "spec.readReplicaBackendStoreUri", "needs spec.storage");
    map(r, "metadata: {name: mlflow}\n"
           "spec: {serveArtifacts: true, backendStoreUri: 'postgresql://db/m',"
           " artifactsDestination: 'file:///mlflow/a'}\n");
    failed(r, "spec.artifactsDestination",
           "a file:// destination needs spec.storage");
    /* With storage all of them are fine. */
    map(r, MINIMAL "  backendStoreUri: sqlite:////mlflow/m.db\n"
                   "  registryStoreUri: file:///mlflow/registry\n"
                   "  artifactsDestination: file:///mlflow/a\n");
    ok(r);
    no_warnings(r);
    str_at(r, "mlflow.registryStoreUri", "file:///mlflow/registry");
}

/* The chart's EnvVarSource for a spec's Secret reference: {secretKeyRef:
 * <the selector>}. */
static void secret_at(run *r, const char *path, const char *want_yaml)
{
    rn_value *want;
    rn_error perr;
    rn_error_clear(&perr);
    if (rn_yaml_parse(r->a, want_yaml, strlen(want_yaml), "want.yaml",
                      RN_YAML_CORE, NULL, &want, &perr) != 0)
        fail_msg("expectation does not parse: %s", perr.msg);
    const rn_value *got = at(r, path);
    if (!got)
        fail_msg("%s is missing", path);
    if (!rn_value_equal(got, want))
        fail_msg("%s is not %s", path, want_yaml);
}

static void test_store_uris(void **state)
{
    run *r = *state;
    /* The Go operator's form: a SecretKeySelector written directly. */
    map(r, MINIMAL "  backendStoreUriFrom: {name: db, key: uri, optional: "
                   "false}\n"
                   "  registryStoreUri: postgresql://db/registry\n");
    ok(r);
    no_warnings(r);
    secret_at(r, "mlflow.backendStoreUriFrom",
              "secretKeyRef: {name: db, key: uri, optional: false}");
    absent(r, "mlflow.backendStoreUri");
    str_at(r, "mlflow.registryStoreUri", "postgresql://db/registry");
    /* The registry follows the backend in the chart: nothing set here. */
    map(r, MINIMAL "  backendStoreUriFrom: {name: db, key: uri}\n");
    ok(r);
    absent(r, "mlflow.registryStoreUri");
    absent(r, "mlflow.registryStoreUriFrom");
    absent(r, "mlflow.readReplicaBackendStoreUriFrom");
    /* All three references, each to its own value. */
    map(r, MINIMAL "  backendStoreUriFrom: {name: db, key: uri}\n"
                   "  registryStoreUriFrom: {name: reg, key: r}\n"
                   "  readReplicaBackendStoreUriFrom: {name: db, key: ro}\n");
    ok(r);
    secret_at(r, "mlflow.registryStoreUriFrom",
              "secretKeyRef: {name: reg, key: r}");
    secret_at(r, "mlflow.readReplicaBackendStoreUriFrom",
              "secretKeyRef: {name: db, key: ro}");
    map(r, MINIMAL "  readReplicaBackendStoreUri: postgresql://reader/m\n");
    ok(r);
    str_at(r, "mlflow.readReplicaBackendStoreUri", "postgresql://reader/m");

    /* The deprecated wrapped form of earlier releases still maps to the
     * same values, with a warning that names the field. */
    map(r, MINIMAL "  backendStoreUriFrom:\n"
                   "    secretKeyRef: {name: db, key: uri, optional: false}\n");
    ok(r);
    secret_at(r, "mlflow.backendStoreUriFrom",
              "secretKeyRef: {name: db, key: uri, optional: false}");
    assert_int_equal(r->warnings->u.list.len, 1);
    warned(r, "spec.backendStoreUriFrom.secretKeyRef is deprecated");
    map(r, MINIMAL "  registryStoreUriFrom: {secretKeyRef: {name: db}}\n");
    failed(r, "spec.registryStoreUriFrom.secretKeyRef",
           "registryStoreUriFrom.secretKeyRef.name and "
           "registryStoreUriFrom.secretKeyRef.key must be non-empty");

    /* Both forms at once, or half a selector: refused at the field, with
     * the CRD rule's message. */
    map(r, MINIMAL "  backendStoreUriFrom: {name: db, key: uri, "
                   "secretKeyRef: {name: db, key: uri}}\n");
    failed(r, "spec.backendStoreUriFrom",
           "set name and key, or the deprecated secretKeyRef, not both");
    map(r, MINIMAL "  backendStoreUriFrom: {name: db}\n");
    failed(r, "spec.backendStoreUriFrom",
           "backendStoreUriFrom.name and backendStoreUriFrom.key must be "
           "non-empty when backendStoreUriFrom is set");
    map(r, MINIMAL "  registryStoreUriFrom: {name: '', key: uri}\n");
    failed(r, "spec.registryStoreUriFrom",
           "registryStoreUriFrom.name and registryStoreUriFrom.key must be "
           "non-empty when registryStoreUriFrom is set");
    map(r, MINIMAL "  readReplicaBackendStoreUriFrom: {}\n");
    failed(r, "spec.readReplicaBackendStoreUriFrom", "must be non-empty");
    map(r, MINIMAL "  backendStoreUriFrom: {name: db, key: 7}\n");
    failed(r, "spec.backendStoreUriFrom.key", "must be a string, got 7");
    map(r, MINIMAL
        "  backendStoreUriFrom: {configMapKeyRef: {name: c, key: k}}\n");
    failed(r, "spec.backendStoreUriFrom.configMapKeyRef", "unknown field");
    map(r, MINIMAL "  registryStoreUriFrom: {name: db, key: k, "
                   "optional: 'no'}\n");
    failed(r, "spec.registryStoreUriFrom.optional",
           "must be true or false, got \"no\"");
    map(r, MINIMAL "  registryStoreUriFrom: {secretKeyRef: {name: db, key: k, "
                   "optional: 'no'}}\n");
    failed(r, "spec.registryStoreUriFrom.secretKeyRef.optional",
           "must be true or false, got \"no\"");
    map(r, MINIMAL "  backendStoreUri: ''\n");
    failed(r, "spec.backendStoreUri", "must not be empty");
    map(r, MINIMAL "  artifactsDestination: 42\n");
    failed(r, "spec.artifactsDestination", "must be a string, got 42");
}

static void test_serve_artifacts_type(void **state)
{
    run *r = *state;
    /* YAML 1.2 core: yes is a string, not a bool. */
    map(r, "metadata: {name: mlflow}\nspec: {serveArtifacts: yes}\n");
    failed(r, "spec.serveArtifacts", "must be true or false, got \"yes\"");
}

/* ---- pass-through fields ------------------------------------------------- */

static void test_pass_through(void **state)
{
    run *r = *state;
    static const char *const fields[][2] = {
        {"resources", "resources"},
        {"env", "env"},
        {"envFrom", "envFrom"},
        {"podLabels", "podLabels"},
        {"podSecurityContext", "podSecurityContext"},
        {"securityContext", "securityContext"},
        {"nodeSelector", "nodeSelector"},
        {"tolerations", "tolerations"},
        {"affinity", "affinity"},
    };
    map(r, MINIMAL
        "  resources:\n"
        "    requests: {cpu: 500m, memory: 4Gi, nvidia.com/gpu: 1}\n"
        "    limits: {cpu: '2', memory: 8Gi, nvidia.com/gpu: 1}\n"
        "  env:\n"
        "    - {name: PLAIN, value: 'yes'}\n"
        "    - {name: EMPTY, value: ''}\n"
        "    - {name: NOVALUE}\n"
        "    - name: S\n"
        "      valueFrom: {secretKeyRef: {name: s, key: k, optional: true}}\n"
        "    - name: C\n"
        "      valueFrom: {configMapKeyRef: {name: c, key: k}}\n"
        "    - name: F\n"
        "      valueFrom: {fieldRef: {apiVersion: v1, fieldPath: "
        "metadata.name}}\n"
        "    - name: R\n"
        "      valueFrom: {resourceFieldRef: {containerName: mlflow,"
        " resource: limits.memory, divisor: 1Mi}}\n"
        "  envFrom:\n"
        "    - secretRef: {name: aws}\n"
        "    - {prefix: APP_, configMapRef: {name: app, optional: true}}\n"
        "  podLabels: {team: ml, 'example.com/tier': gold}\n"
        "  podSecurityContext: {runAsUser: 1001, fsGroup: 1001}\n"
        "  securityContext: {readOnlyRootFilesystem: true}\n"
        "  nodeSelector: {kubernetes.io/os: linux}\n"
        "  tolerations:\n"
        "    - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}\n"
        "  affinity:\n"
        "    nodeAffinity:\n"
        "      requiredDuringSchedulingIgnoredDuringExecution:\n"
        "        nodeSelectorTerms:\n"
        "          - matchExpressions:\n"
        "              - {key: zone, operator: In, values: [a, b]}\n");
    ok(r);
    no_warnings(r);
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        char spec_path[64];
        snprintf(spec_path, sizeof spec_path, "spec.%s", fields[i][0]);
        const rn_value *want = rn_value_at(r->cr, spec_path);
        const rn_value *got = at(r, fields[i][1]);
        if (!got || !rn_value_equal(want, got))
            fail_msg("%s is not passed through whole", fields[i][0]);
        /* A copy: changing the values never changes the object. */
        assert_ptr_not_equal(want, got);
    }
}

static void test_env_errors(void **state)
{
    run *r = *state;
    map(r, MINIMAL "  env: [{name: A, value: 1}]\n");
    failed(r, "spec.env[0].value", "must be a string, got 1 (quote it)");
    map(r, MINIMAL "  env: [{name: A}, {value: x}]\n");
    failed(r, "spec.env[1].name", "is required");
    map(r,
        MINIMAL "  env: [{name: A, valueFrom: {secretKeyRef: {name: s, key: k},"
                " configMapKeyRef: {name: c, key: k}}}]\n");
    failed(r, "spec.env[0].valueFrom", "exactly one of");
    map(r, MINIMAL "  env: [{name: A, valueFrom: {fieldRef: {}}}]\n");
    failed(r, "spec.env[0].valueFrom.fieldRef.fieldPath", "is required");
    map(r, MINIMAL
        "  env: [{name: A, valueFrom: {resourceFieldRef: {resource: limits.cpu,"
        " divisor: lots}}}]\n");
    failed(r, "spec.env[0].valueFrom.resourceFieldRef.divisor", "quantity");
    map(r, MINIMAL "  env: [{name: A, valueFrom: {vaultRef: {}}}]\n");
    failed(r, "spec.env[0].valueFrom.vaultRef", "unknown field");
    map(r, MINIMAL "  env: {A: b}\n");
    failed(r, "spec.env", "must be a list, got an object");
    map(r, MINIMAL "  envFrom: [{prefix: X_}]\n");
    failed(r, "spec.envFrom[0]", "must hold one of secretRef, configMapRef");
    map(r, MINIMAL "  envFrom: [{secretRef: {}}]\n");
    failed(r, "spec.envFrom[0].secretRef.name", "is required");
}

static void test_map_and_list_errors(void **state)
{
    run *r = *state;
    map(r, MINIMAL "  podLabels: {version: 2}\n");
    failed(r, "spec.podLabels.version", "must be a string, got 2");
    map(r, MINIMAL "  nodeSelector: {gpu: true}\n");
    failed(r, "spec.nodeSelector.gpu", "must be a string, got true");
    map(r, MINIMAL "  tolerations: [NoSchedule]\n");
    failed(r, "spec.tolerations[0]", "must be an object");
    map(r, MINIMAL "  affinity: []\n");
    failed(r, "spec.affinity", "must be an object, got a list");
    map(r, MINIMAL "  podSecurityContext: runAsNonRoot\n");
    failed(r, "spec.podSecurityContext", "must be an object");
    map(r, MINIMAL "  resources: {requests: {cpu: lots}}\n");
    failed(r, "spec.resources.requests.cpu", "must be a quantity");
    map(r, MINIMAL "  resources: {request: {cpu: 1}}\n");
    failed(r, "spec.resources.request", "unknown field");
}

static void test_service_account(void **state)
{
    run *r = *state;
    map(r, MINIMAL "  serviceAccountName: shared-mlflow\n");
    ok(r);
    str_at(r, "serviceAccount.name", "shared-mlflow");
    map(r, MINIMAL "  serviceAccountName: Shared\n");
    failed(r, "spec.serviceAccountName", "DNS subdomain");
}

/* ---- options of the operator and the function ---------------------------- */

static void test_route_and_console_link(void **state)
{
    run *r = *state;
    rn_mlflow_opts o = {.http_route = true,
                        .console_link = true,
                        .gateway_name = "gw",
                        .gateway_namespace = "gateways",
                        .mlflow_url =
                            "https://data-science-gateway.apps.example.com/"};
    map_opts(r,
             "metadata: {name: team-a}\n"
             "spec: {serveArtifacts: true, storage: {}}\n",
             &o);
    ok(r);
    bool_at(r, "httpRoute.enabled", true);
    str_at(r, "httpRoute.gatewayName", "gw");
    str_at(r, "httpRoute.gatewayNamespace", "gateways");
    bool_at(r, "consoleLink.enabled", true);
    str_at(r, "consoleLink.href",
           "https://data-science-gateway.apps.example.com/mlflow-team-a");
    str_at(r, "consoleLink.sectionTitle", "Open Data Hub");
    str_at(r, "consoleLink.text", "MLflow");

    o.mode = "rhoai";
    o.gateway_name = o.gateway_namespace = NULL;
    map_opts(r, MINIMAL, &o);
    ok(r);
    absent(r, "httpRoute.gatewayName");
    str_at(r, "consoleLink.href",
           "https://data-science-gateway.apps.example.com/mlflow");
    str_at(r, "consoleLink.sectionTitle", "Red Hat OpenShift AI");
    o.section_title = "My Tools";
    map_opts(r, MINIMAL, &o);
    ok(r);
    str_at(r, "consoleLink.sectionTitle", "My Tools");
}

static void test_console_link_needs_url(void **state)
{
    run *r = *state;
    rn_mlflow_opts o = {.console_link = true};
    map_opts(r, MINIMAL, &o);
    ok(r);
    bool_at(r, "consoleLink.enabled", false);
    absent(r, "consoleLink.href");
    warned(r, "the ConsoleLink is not rendered");

    o.mlflow_url = "http://insecure.example.com";
    map_opts(r, MINIMAL, &o);
    failed(r, "", "mlflowUrl must be an https:// URL");
}

static void test_out_pointers_optional(void **state)
{
    run *r = *state;
    rn_value *cr, *values;
    rn_error perr;
    rn_error_clear(&perr);
    const char *yaml = MINIMAL;
    assert_int_equal(rn_yaml_parse(r->a, yaml, strlen(yaml), "x", RN_YAML_CORE,
                                   NULL, &cr, &perr),
                     0);
    assert_int_equal(
        rn_mlflow_values(r->a, cr, NULL, &values, NULL, NULL, NULL, NULL), 0);
    assert_non_null(values);
    /* A failure without an error struct still fails. */
    const char *bad = "metadata: {name: mlflow}\n";
    assert_int_equal(rn_yaml_parse(r->a, bad, strlen(bad), "x", RN_YAML_CORE,
                                   NULL, &cr, &perr),
                     0);
    assert_int_equal(
        rn_mlflow_values(r->a, cr, NULL, &values, NULL, NULL, NULL, NULL), -1);
    assert_null(values);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_defaults),
        T(test_named_instance),
        T(test_name_rules),
        T(test_modes_and_namespace),
        T(test_spec_shape),
        T(test_unknown_field_refused),
        T(test_image),
        T(test_replicas),
        T(test_replicas_on_one_node_warns),
        T(test_workers),
        T(test_storage),
        T(test_storage_full_spec),
        T(test_pod_fields),
        T(test_ca_bundle),
        T(test_env_rules),
        T(test_origins_and_workspaces),
        T(test_egress_rules),
        T(test_no_storage),
        T(test_pod_local_defaults_warn),
        T(test_rule_default_artifact_root),
        T(test_artifacts_server),
        T(test_rule_file_artifacts_need_serving),
        T(test_rule_backend_exclusive),
        T(test_rule_local_stores_need_storage),
        T(test_store_uris),
        T(test_serve_artifacts_type),
        T(test_pass_through),
        T(test_env_errors),
        T(test_map_and_list_errors),
        T(test_service_account),
        T(test_route_and_console_link),
        T(test_console_link_needs_url),
        T(test_out_pointers_optional),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
