/*
 * chart_render.c — `helm template` on a loaded chart: coalesce values,
 * validate them, build the built-in objects, run every template, split the
 * output into documents and order them as Helm does.
 */
#include <ctype.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chart.h"
#include "chart_deps.h"
#include "funcs.h"
#include "gofmt.h"
#include "json.h"
#include "schema.h"
#include "tmpl.h"
#include "yaml.h"
#include "yaml_head.h"

/* What the pinned Helm reports without a cluster (client-go v0.36). */
#define DEFAULT_KUBE_MAJOR "1"
#define DEFAULT_KUBE_MINOR "36"
#define HELM_VERSION "v3.21.4"
#define GO_VERSION "go1.26.8"

static const char *const default_api_versions[] = {
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
    NULL};

static const char *const install_order[] = {"PriorityClass",
                                            "Namespace",
                                            "NetworkPolicy",
                                            "ResourceQuota",
                                            "LimitRange",
                                            "PodSecurityPolicy",
                                            "PodDisruptionBudget",
                                            "ServiceAccount",
                                            "Secret",
                                            "SecretList",
                                            "ConfigMap",
                                            "StorageClass",
                                            "PersistentVolume",
                                            "PersistentVolumeClaim",
                                            "CustomResourceDefinition",
                                            "ClusterRole",
                                            "ClusterRoleList",
                                            "ClusterRoleBinding",
                                            "ClusterRoleBindingList",
                                            "Role",
                                            "RoleList",
                                            "RoleBinding",
                                            "RoleBindingList",
                                            "Service",
                                            "DaemonSet",
                                            "Pod",
                                            "ReplicationController",
                                            "ReplicaSet",
                                            "Deployment",
                                            "HorizontalPodAutoscaler",
                                            "StatefulSet",
                                            "Job",
                                            "CronJob",
                                            "IngressClass",
                                            "Ingress",
                                            "APIService",
                                            NULL};

static const char *const hook_events[] = {"pre-install",
                                          "post-install",
                                          "pre-delete",
                                          "post-delete",
                                          "pre-upgrade",
                                          "post-upgrade",
                                          "pre-rollback",
                                          "post-rollback",
                                          "test",
                                          "test-success",
                                          NULL};

/* ---- built-in objects --------------------------------------------------- */

/* .Values is Helm's chartutil.Values: a map with methods (AsMap, YAML,
 * Table, PathValue). Table's result is a Values too; in Go it is the same
 * map, here a second header over the same pairs. */
static rn_value *values_typed(rn_arena *a, const rn_value *m);

static rn_value *map_view(rn_arena *a, const rn_value *m)
{
    rn_value *v = rn_arena_alloc(a, sizeof *v);
    *v = *m;
    v->tname = NULL;
    v->methods = NULL;
    v->flags &= ~(unsigned)RN_F_VALUES;
    return v;
}

static int values_as_map(void *self, tmpl_ctx *ctx, int argc, rn_value **argv,
                         rn_value **out)
{
    (void)argv;
    if (tmpl_arg_count(ctx, argc, 0) < 0)
        return -1;
    *out = map_view(tmpl_arena(ctx), self);
    return 0;
}

static int values_yaml(void *self, tmpl_ctx *ctx, int argc, rn_value **argv,
                       rn_value **out)
{
    (void)argv;
    if (tmpl_arg_count(ctx, argc, 0) < 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_yaml_emit_helm(&b, self);
    rn_buf_putc(&b, '\n');
    *out = rn_str(tmpl_arena(ctx), rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return 0;
}

/* chartutil's tableLookup down a dotted path; NULL and the failing
 * element when one is missing or not a map. */
static const rn_value *table_at(const rn_value *v, const char *path,
                                const char **bad, size_t *badlen)
{
    for (;;) {
        size_t n = strcspn(path, ".");
        const rn_value *next = rn_map_get(v, path, n);
        if (!next || next->kind != RN_MAP) {
            *bad = path;
            *badlen = n;
            return NULL;
        }
        v = next;
        if (!path[n])
            return v;
        path += n + 1;
    }
}

static int values_table(void *self, tmpl_ctx *ctx, int argc, rn_value **argv,
                        rn_value **out)
{
    const char *path, *bad;
    size_t len, badlen;
    if (tmpl_arg_count(ctx, argc, 1) < 0 ||
        tmpl_arg_str(ctx, argv, 0, &path, &len) < 0)
        return -1;
    const rn_value *t = table_at(self, path, &bad, &badlen);
    if (!t)
        return tmpl_fail(ctx, "\"%.*s\" is not a table", (int)badlen, bad);
    *out = values_typed(tmpl_arena(ctx), t);
    return 0;
}

static int values_path_value(void *self, tmpl_ctx *ctx, int argc,
                             rn_value **argv, rn_value **out)
{
    const char *path, *bad;
    size_t len, badlen;
    if (tmpl_arg_count(ctx, argc, 1) < 0 ||
        tmpl_arg_str(ctx, argv, 0, &path, &len) < 0)
        return -1;
    if (len == 0)
        return tmpl_fail(ctx, "YAML path cannot be empty");
    const char *key = strrchr(path, '.');
    const rn_value *t = self;
    if (key) {
        char *head =
            rn_arena_strndup(tmpl_arena(ctx), path, (size_t)(key - path));
        t = table_at(self, head, &bad, &badlen);
        key++;
    } else {
        key = path;
    }
    rn_value *v = t ? rn_map_getz(t, key) : NULL;
    if (!v || v->kind == RN_MAP)
        return tmpl_fail(ctx, "\"%s\" is not a value", key);
    *out = v;
    return 0;
}

/* Encode writes to an io.Writer, which no template can pass: in Helm
 * every call fails. */
static int values_encode(void *self, tmpl_ctx *ctx, int argc, rn_value **argv,
                         rn_value **out)
{
    (void)self, (void)argv, (void)out;
    return tmpl_fail(ctx, "wrong number of args for Encode: want 1 got %d",
                     argc);
}

static rn_value *values_typed(rn_arena *a, const rn_value *m)
{
    rn_value *v = map_view(a, m);
    rn_value *methods = rn_map_new(a, 4);
    rn_map_setz(a, methods, "AsMap", rn_func(a, "AsMap", values_as_map, v));
    rn_map_setz(a, methods, "YAML", rn_func(a, "YAML", values_yaml, v));
    rn_map_setz(a, methods, "Table", rn_func(a, "Table", values_table, v));
    rn_map_setz(a, methods, "Encode", rn_func(a, "Encode", values_encode, v));
    rn_map_setz(a, methods, "PathValue",
                rn_func(a, "PathValue", values_path_value, v));
    rn_value_set_type(v, "chartutil.Values", methods);
    v->flags |= RN_F_VALUES;
    return v;
}

typedef struct files_obj {
    const rn_chart_file **files;
    size_t n;
} files_obj;

static const rn_chart_file *files_find(const files_obj *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->files[i]->path, name) == 0)
            return f->files[i];
    return NULL;
}

static int files_get(void *self, tmpl_ctx *ctx, int argc, rn_value **argv,
                     rn_value **out)
{
    const char *name;
    size_t len;
    if (tmpl_arg_count(ctx, argc, 1) < 0 ||
        tmpl_arg_str(ctx, argv, 0, &name, &len) < 0)
        return -1;
    const rn_chart_file *f = files_find(self, name);
    *out = f ? rn_str(tmpl_arena(ctx), f->data, f->len)
             : rn_str(tmpl_arena(ctx), "", 0);
    return 0;
}

static int files_lines(void *self, tmpl_ctx *ctx, int argc, rn_value **argv,
                       rn_value **out)
{
    const char *name;
    size_t len;
    if (tmpl_arg_count(ctx, argc, 1) < 0 ||
        tmpl_arg_str(ctx, argv, 0, &name, &len) < 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    const rn_chart_file *f = files_find(self, name);
    rn_value *list = rn_list_new(a, 8);
    if (!f || f->len == 0) { /* Helm: no lines in a missing or empty file */
        *out = list;
        return 0;
    }
    /* Helm drops one trailing newline, then splits on "\n". */
    const char *p = f->data, *end = f->data + f->len;
    if (end > p && end[-1] == '\n')
        end--;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) {
            rn_list_push(a, list, rn_str(a, p, (size_t)(end - p)));
            break;
        }
        rn_list_push(a, list, rn_str(a, p, (size_t)(nl - p)));
        p = nl + 1;
    }
    *out = list;
    return 0;
}

static rn_value *files_value(rn_arena *a, files_obj *f);

/* Glob matching as Helm's .Files.Glob does it (gobwas/glob with '/' as
 * separator): `*` and `?` stay within one path element, `**` crosses
 * them, `[...]` is a class, `{a,b}` alternatives, `\` escapes. */
static bool glob_match(const char *p, const char *s);

static bool glob_class(const char **pp, char c)
{
    const char *p = *pp + 1;
    bool neg = *p == '!' || *p == '^';
    if (neg)
        p++;
    bool hit = false;
    for (bool first = true; *p && (first || *p != ']'); first = false) {
        char lo = *p++;
        char hi = lo;
        if (*p == '-' && p[1] && p[1] != ']') {
            hi = p[1];
            p += 2;
        }
        if (c >= lo && c <= hi)
            hit = true;
    }
    *pp = *p == ']' ? p + 1 : p;
    return hit != neg;
}

static bool glob_alts(const char *p, const char *s)
{
    /* p points at '{': try each alternative followed by the rest. */
    const char *end = p + 1;
    int depth = 1;
    while (*end && depth) {
        if (*end == '{')
            depth++;
        else if (*end == '}')
            depth--;
        end++;
    }
    if (depth)
        return false;
    const char *rest = end;
    const char *alt = p + 1;
    for (;;) {
        const char *q = alt;
        int d = 0;
        while (q < end - 1 && !(d == 0 && *q == ',')) {
            d += *q == '{' ? 1 : *q == '}' ? -1 : 0;
            q++;
        }
        char buf[1024];
        int n = snprintf(buf, sizeof buf, "%.*s%s", (int)(q - alt), alt, rest);
        if (n > 0 && (size_t)n < sizeof buf && glob_match(buf, s))
            return true;
        if (q >= end - 1)
            return false;
        alt = q + 1;
    }
}

static bool glob_match(const char *p, const char *s)
{
    for (;;) {
        switch (*p) {
        case '\0':
            return *s == '\0';
        case '*':
            if (p[1] == '*') {
                for (const char *t = s;; t++) {
                    if (glob_match(p + 2, t))
                        return true;
                    if (!*t)
                        return false;
                }
            }
            for (const char *t = s;; t++) {
                if (glob_match(p + 1, t))
                    return true;
                if (!*t || *t == '/')
                    return false;
            }
        case '?':
            if (!*s || *s == '/')
                return false;
            p++, s++;
            break;
        case '[':
            if (!*s || !glob_class(&p, *s))
                return false;
            s++;
            break;
        case '{':
            return glob_alts(p, s);
        case '\\':
            if (p[1])
                p++;
            /* fall through */
        default:
            if (*p != *s)
                return false;
            p++, s++;
        }
    }
}

static int files_glob(void *self, tmpl_ctx *ctx, int argc, rn_value **argv,
                      rn_value **out)
{
    const char *pattern;
    size_t len;
    if (tmpl_arg_count(ctx, argc, 1) < 0 ||
        tmpl_arg_str(ctx, argv, 0, &pattern, &len) < 0)
        return -1;
    files_obj *src = self;
    rn_arena *a = tmpl_arena(ctx);
    files_obj *sub = rn_arena_alloc(a, sizeof *sub);
    sub->files = rn_arena_alloc(a, sizeof *sub->files * (src->n + 1));
    for (size_t i = 0; i < src->n; i++)
        if (glob_match(pattern, src->files[i]->path))
            sub->files[sub->n++] = src->files[i];
    *out = files_value(a, sub);
    return 0;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int files_as(tmpl_ctx *ctx, files_obj *f, bool secret, rn_value **out)
{
    rn_arena *a = tmpl_arena(ctx);
    if (f->n == 0) {
        *out = rn_str(a, "", 0);
        return 0;
    }
    rn_value *m = rn_map_new(a, f->n);
    for (size_t i = 0; i < f->n; i++) {
        rn_value *v = rn_str(a, f->files[i]->data, f->files[i]->len);
        if (secret) {
            size_t n = f->files[i]->len;
            char *enc = rn_arena_alloc(a, 4 * ((n + 2) / 3) + 1);
            int el = EVP_EncodeBlock((unsigned char *)enc,
                                     (const unsigned char *)f->files[i]->data,
                                     (int)n);
            v = rn_str_own(a, enc, (size_t)el);
        }
        rn_map_setz(a, m, base_name(f->files[i]->path), v);
    }
    rn_buf b = RN_BUF_INIT;
    rn_yaml_emit_helm(&b, m);
    *out = rn_str(a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return 0;
}

static int files_as_config(void *self, tmpl_ctx *ctx, int argc, rn_value **argv,
                           rn_value **out)
{
    return files_as(ctx, self, false, out);
}

static int files_as_secrets(void *self, tmpl_ctx *ctx, int argc,
                            rn_value **argv, rn_value **out)
{
    return files_as(ctx, self, true, out);
}

/* Helm's Files is a map from path to contents with methods; ranging over
 * it visits the paths. */
static rn_value *files_value(rn_arena *a, files_obj *f)
{
    rn_value *methods = rn_map_new(a, 6);
    rn_map_setz(a, methods, "Get", rn_func(a, "Get", files_get, f));
    rn_map_setz(a, methods, "GetBytes", rn_func(a, "GetBytes", files_get, f));
    rn_map_setz(a, methods, "Lines", rn_func(a, "Lines", files_lines, f));
    rn_map_setz(a, methods, "Glob", rn_func(a, "Glob", files_glob, f));
    rn_map_setz(a, methods, "AsConfig",
                rn_func(a, "AsConfig", files_as_config, f));
    rn_map_setz(a, methods, "AsSecrets",
                rn_func(a, "AsSecrets", files_as_secrets, f));
    rn_value *m = rn_map_new(a, f->n);
    for (size_t i = 0; i < f->n; i++)
        rn_map_setz(a, m, f->files[i]->path,
                    rn_str(a, f->files[i]->data, f->files[i]->len));
    rn_value_set_type(m, "engine.files", methods);
    return m;
}

static bool is_chart_file(const char *path)
{
    static const char *const special[] = {"Chart.yaml",
                                          "Chart.lock",
                                          "values.yaml",
                                          "values.schema.json",
                                          "requirements.yaml",
                                          "requirements.lock",
                                          NULL};
    for (size_t i = 0; special[i]; i++)
        if (strcmp(path, special[i]) == 0)
            return false;
    return strncmp(path, "templates/", 10) != 0 &&
           strncmp(path, "charts/", 7) != 0;
}

static rn_value *make_files(rn_arena *a, const rn_chart *c)
{
    files_obj *f = rn_arena_alloc(a, sizeof *f);
    f->files = rn_arena_alloc(a, sizeof *f->files * (c->nfiles + 1));
    for (size_t i = 0; i < c->nfiles; i++)
        if (is_chart_file(c->files[i].path))
            f->files[f->n++] = &c->files[i];
    return files_value(a, f);
}

static int api_has(void *self, tmpl_ctx *ctx, int argc, rn_value **argv,
                   rn_value **out)
{
    const char *want;
    size_t len;
    if (tmpl_arg_count(ctx, argc, 1) < 0 ||
        tmpl_arg_str(ctx, argv, 0, &want, &len) < 0)
        return -1;
    const rn_value *list = self;
    bool found = false;
    for (size_t i = 0; i < list->u.list.len && !found; i++) {
        const rn_value *v = list->u.list.items[i];
        found = v->u.s.len == len && memcmp(v->u.s.ptr, want, len) == 0;
    }
    *out = rn_bool(tmpl_arena(ctx), found);
    return 0;
}

static rn_value *make_capabilities(rn_arena *a, const rn_release *rel)
{
    rn_value *caps = rn_map_new(a, 3);
    rn_value *kv = rn_map_new(a, 4);
    const char *major = DEFAULT_KUBE_MAJOR, *minor = DEFAULT_KUBE_MINOR;
    char *version = rn_arena_printf(a, "v%s.%s.0", major, minor);
    if (rel->kube_version) {
        /* "1.30" / "v1.30.2": Helm keeps major and minor as given. */
        const char *s = rel->kube_version + (rel->kube_version[0] == 'v');
        const char *dot = strchr(s, '.');
        major = dot ? rn_arena_strndup(a, s, (size_t)(dot - s)) : s;
        const char *m = dot ? dot + 1 : "0";
        size_t ml = strcspn(m, ".");
        minor = rn_arena_strndup(a, m, ml);
        const char *patch = m[ml] == '.' ? m + ml + 1 : "0";
        version = rn_arena_printf(a, "v%s.%s.%s", major, minor, patch);
    }
    rn_map_setz(a, kv, "Version", rn_strz(a, version));
    rn_map_setz(a, kv, "Major", rn_strz(a, major));
    rn_map_setz(a, kv, "Minor", rn_strz(a, minor));
    rn_value *kv_methods = rn_map_new(a, 2);
    rn_map_setz(a, kv_methods, "String", rn_strz(a, version));
    rn_map_setz(a, kv_methods, "GitVersion", rn_strz(a, version));
    rn_value_set_type(kv, "chartutil.KubeVersion", kv_methods);
    kv->flags |= RN_F_STRUCT;
    rn_map_setz(a, caps, "KubeVersion", kv);

    rn_value *list = rn_list_new(a, 64);
    for (size_t i = 0; default_api_versions[i]; i++)
        rn_list_push(a, list, rn_strz(a, default_api_versions[i]));
    for (size_t i = 0; i < rel->n_api_versions; i++)
        rn_list_push(a, list, rn_strz(a, rel->api_versions[i]));
    rn_value *api_methods = rn_map_new(a, 1);
    rn_map_setz(a, api_methods, "Has", rn_func(a, "Has", api_has, list));
    rn_value_set_type(list, "chartutil.VersionSet", api_methods);
    list->flags |= RN_F_STRLIST;
    rn_map_setz(a, caps, "APIVersions", list);

    rn_value *hv = rn_map_new(a, 4);
    rn_map_setz(a, hv, "Version", rn_strz(a, HELM_VERSION));
    rn_map_setz(a, hv, "GitCommit", rn_strz(a, ""));
    rn_map_setz(a, hv, "GitTreeState", rn_strz(a, "clean"));
    rn_map_setz(a, hv, "GoVersion", rn_strz(a, GO_VERSION));
    rn_value *hv_methods = rn_map_new(a, 1);
    rn_map_setz(a, hv_methods, "String",
                rn_strz(a, "{" HELM_VERSION "  clean " GO_VERSION "}"));
    rn_value_set_type(hv, "version.BuildInfo", hv_methods);
    hv->flags |= RN_F_STRUCT;
    rn_map_setz(a, caps, "HelmVersion", hv);
    rn_value_set_type(caps, "*chartutil.Capabilities", NULL);
    caps->flags |= RN_F_STRUCT;
    return caps;
}

/* Chart.yaml's kubeVersion against .Capabilities.KubeVersion, as Helm
 * checks it before rendering. */
static int check_kube_version(rn_arena *a, const rn_chart *c,
                              const rn_release *rel, const rn_value *caps,
                              rn_error *err)
{
    if (!rel->kube_version && c->default_kube_ok)
        return 0;
    const rn_value *want = rn_map_getz(c->metadata, "kubeVersion");
    if (!want || want->kind != RN_STRING || want->u.s.len == 0)
        return 0;
    const rn_value *kv = rn_map_getz(caps, "KubeVersion");
    const char *have = rn_map_getz(kv, "Version")->u.s.ptr;
    if (rn_semver_satisfies(a, want->u.s.ptr, have))
        return 0;
    return rn_error_set(err,
                        "chart requires kubeVersion: %s which is "
                        "incompatible with Kubernetes %s",
                        want->u.s.ptr, have);
}

static rn_value *make_release(rn_arena *a, const rn_release *rel)
{
    rn_value *r = rn_map_new(a, 6);
    rn_map_setz(a, r, "Name", rn_strz(a, rel->name));
    rn_map_setz(a, r, "Namespace", rn_strz(a, rel->namespace));
    rn_map_setz(a, r, "IsUpgrade", rn_bool(a, rel->is_upgrade));
    rn_map_setz(a, r, "IsInstall", rn_bool(a, !rel->is_upgrade));
    rn_map_setz(a, r, "Revision", rn_int(a, 1));
    rn_map_setz(a, r, "Service",
                rn_strz(a, rel->service ? rel->service : "Helm"));
    return r;
}

/* .Chart is Helm's `struct { chart.Metadata; IsRoot bool }`: Go field
 * names, zero values for what Chart.yaml leaves out (nil slices and maps
 * that print as [] and map[] but marshal as null). encoding/json writes
 * the struct with its own names, in field order, empty fields left out;
 * that text is the value's MarshalJSON. */

/* A Go nil slice or map of the given type. */
static rn_value *go_nil(rn_arena *a, rn_value *empty, const char *tname)
{
    rn_value *methods = rn_map_new(a, 1);
    rn_map_setz(a, methods, "MarshalJSON", rn_strz(a, "null"));
    rn_value_set_type(empty, tname, methods);
    if (empty->kind == RN_LIST)
        empty->flags |= RN_F_NIL;
    return empty;
}

static void set_marshal_json(rn_arena *a, rn_value *v, const char *tname,
                             rn_buf *json)
{
    rn_value *methods = rn_map_new(a, 1);
    rn_map_setz(a, methods, "MarshalJSON",
                rn_str(a, rn_buf_cstr(json), json->len));
    rn_value_set_type(v, tname, methods);
    v->flags |= RN_F_STRUCT;
}

/* `"key":value` for a non-empty field (omitempty). */
static void json_field(rn_buf *b, const char *key, const rn_value *v)
{
    bool empty = !v || v->kind == RN_NULL ||
                 (v->kind == RN_STRING && v->u.s.len == 0) ||
                 (v->kind == RN_BOOL && !v->u.b) ||
                 (v->kind == RN_LIST && v->u.list.len == 0) ||
                 (v->kind == RN_MAP && v->u.map.len == 0);
    if (empty)
        return;
    rn_buf_putc(b, b->len > 1 ? ',' : '{');
    rn_buf_printf(b, "\"%s\":", key);
    rn_json_emit_go(b, v, NULL);
}

static rn_value *go_string(rn_arena *a, const rn_value *v, bool sanitized)
{
    rn_value *s = rn_chart_string(a, v, sanitized);
    return s ? s : rn_str(a, "", 0);
}

static rn_value *string_list(rn_arena *a, const rn_value *v)
{
    rn_value *l = rn_list_new(a, v && v->kind == RN_LIST ? v->u.list.len : 0);
    l->flags |= RN_F_STRLIST;
    if (!v || v->kind != RN_LIST || v->u.list.len == 0)
        return go_nil(a, l, "[]string");
    for (size_t i = 0; i < v->u.list.len; i++)
        rn_list_push(a, l, go_string(a, v->u.list.items[i], true));
    return l;
}

static rn_value *maintainer(rn_arena *a, const rn_value *v)
{
    static const char *const f[][2] = {
        {"name", "Name"}, {"email", "Email"}, {"url", "URL"}};
    rn_value *m = rn_map_new(a, 3);
    rn_buf json = RN_BUF_INIT;
    rn_buf_append(&json, "", 0);
    for (size_t i = 0; i < 3; i++) {
        rn_value *s = go_string(
            a, v && v->kind == RN_MAP ? rn_map_getz(v, f[i][0]) : NULL, true);
        rn_map_setz(a, m, f[i][1], s);
        json_field(&json, f[i][0], s);
    }
    if (json.len == 0)
        rn_buf_putc(&json, '{');
    rn_buf_putc(&json, '}');
    set_marshal_json(a, m, "*chart.Maintainer", &json);
    rn_buf_free(&json);
    return m;
}

static rn_value *maintainers(rn_arena *a, const rn_value *v)
{
    rn_value *l = rn_list_new(a, v && v->kind == RN_LIST ? v->u.list.len : 0);
    if (!v || v->kind != RN_LIST || v->u.list.len == 0)
        return go_nil(a, l, "[]*chart.Maintainer");
    for (size_t i = 0; i < v->u.list.len; i++)
        rn_list_push(a, l, maintainer(a, v->u.list.items[i]));
    rn_value_set_type(l, "[]*chart.Maintainer", NULL);
    return l;
}

static rn_value *annotations(rn_arena *a, const rn_value *v)
{
    rn_value *m = rn_map_new(a, v && v->kind == RN_MAP ? v->u.map.len : 0);
    m->flags |= RN_F_STRMAP;
    if (!v || v->kind != RN_MAP || v->u.map.len == 0)
        return go_nil(a, m, "map[string]string");
    for (size_t i = 0; i < v->u.map.len; i++)
        rn_map_set(a, m, v->u.map.pairs[i].key, v->u.map.pairs[i].keylen,
                   go_string(a, v->u.map.pairs[i].val, false));
    return m;
}

/* A *chart.Dependency: Go field names; name and repository are always
 * marshalled, the rest only when set. */
static rn_value *dependency(rn_arena *a, const rn_value *v)
{
    static const struct {
        const char *go, *json;
        char kind; /* s string, l []string, b bool, v []interface{} */
        bool always;
    } f[] = {{"Name", "name", 's', true},
             {"Version", "version", 's', false},
             {"Repository", "repository", 's', true},
             {"Condition", "condition", 's', false},
             {"Tags", "tags", 'l', false},
             {"Enabled", "enabled", 'b', false},
             {"ImportValues", "import-values", 'v', false},
             {"Alias", "alias", 's', false}};
    rn_value *m = rn_map_new(a, 8);
    rn_buf json = RN_BUF_INIT;
    rn_buf_append(&json, "", 0);
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        const rn_value *raw = rn_map_getz(v, f[i].json);
        rn_value *x;
        if (f[i].kind == 's')
            x = go_string(a, raw, true);
        else if (f[i].kind == 'l')
            x = string_list(a, raw);
        else if (f[i].kind == 'b')
            x = rn_bool(a, raw && rn_value_truthy(raw));
        else
            x = raw && raw->kind == RN_LIST
                    ? rn_value_deepcopy(a, raw)
                    : go_nil(a, rn_list_new(a, 0), "[]interface {}");
        rn_map_setz(a, m, f[i].go, x);
        if (f[i].always) {
            rn_buf_putc(&json, json.len ? ',' : '{');
            rn_buf_printf(&json, "\"%s\":", f[i].json);
            rn_json_emit_go(&json, x, NULL);
        } else {
            json_field(&json, f[i].json, x);
        }
    }
    rn_buf_putc(&json, '}');
    set_marshal_json(a, m, "*chart.Dependency", &json);
    rn_buf_free(&json);
    return m;
}

static rn_value *dependencies(rn_arena *a, const rn_value *reqs)
{
    rn_value *l = rn_list_new(a, reqs ? reqs->u.list.len : 0);
    if (!reqs || reqs->u.list.len == 0)
        return go_nil(a, l, "[]*chart.Dependency");
    for (size_t i = 0; i < reqs->u.list.len; i++)
        rn_list_push(a, l, dependency(a, reqs->u.list.items[i]));
    rn_value_set_type(l, "[]*chart.Dependency", NULL);
    return l;
}

/* .Chart of one chart of the tree: its name is the alias its parent
 * gives it; Dependencies are the Chart.yaml ones still enabled. */
static rn_value *make_chart(rn_arena *a, const rn_chart *c, const char *name,
                            bool is_root, const rn_value *reqs)
{
    /* Field order of chart.Metadata: Go name, JSON name, kind. */
    static const struct {
        const char *go, *json;
        char kind; /* s string, l []string, m maintainers, a annotations,
                      b bool, d dependencies */
    } fields[] = {{"Name", "name", 's'},
                  {"Home", "home", 's'},
                  {"Sources", "sources", 'l'},
                  {"Version", "version", 's'},
                  {"Description", "description", 's'},
                  {"Keywords", "keywords", 'l'},
                  {"Maintainers", "maintainers", 'm'},
                  {"Icon", "icon", 's'},
                  {"APIVersion", "apiVersion", 's'},
                  {"Condition", "condition", 's'},
                  {"Tags", "tags", 's'},
                  {"AppVersion", "appVersion", 's'},
                  {"Deprecated", "deprecated", 'b'},
                  {"Annotations", "annotations", 'a'},
                  {"KubeVersion", "kubeVersion", 's'},
                  {"Dependencies", "dependencies", 'd'},
                  {"Type", "type", 's'}};
    size_t nf = sizeof fields / sizeof fields[0];
    rn_value *md = rn_map_new(a, nf);
    rn_buf json = RN_BUF_INIT;
    rn_buf_append(&json, "", 0);
    for (size_t i = 0; i < nf; i++) {
        const rn_value *raw = rn_map_getz(c->metadata, fields[i].json);
        rn_value *v;
        switch (fields[i].kind) {
        case 's':
            v = go_string(a, raw, true);
            break;
        case 'l':
            v = string_list(a, raw);
            break;
        case 'm':
            v = maintainers(a, raw);
            break;
        case 'a':
            v = annotations(a, raw);
            break;
        case 'b':
            v = rn_bool(a, raw && rn_value_truthy(raw));
            break;
        default:
            v = dependencies(a, reqs);
        }
        if (i == 0 && name)
            v = rn_strz(a, name);
        rn_map_setz(a, md, fields[i].go, v);
        json_field(&json, fields[i].json, v);
    }
    if (json.len == 0)
        rn_buf_putc(&json, '{');
    rn_value *top = rn_map_new(a, nf + 2);
    for (size_t i = 0; i < md->u.map.len; i++)
        rn_map_set(a, top, md->u.map.pairs[i].key, md->u.map.pairs[i].keylen,
                   md->u.map.pairs[i].val);
    rn_map_setz(a, top, "Metadata", md);
    rn_map_setz(a, top, "IsRoot", rn_bool(a, is_root));
    rn_buf top_json = RN_BUF_INIT;
    if (is_root)
        rn_buf_printf(&top_json, "%s%s\"IsRoot\":true}", rn_buf_cstr(&json),
                      json.len > 1 ? "," : "");
    else
        rn_buf_printf(&top_json, "%s}", json.len ? rn_buf_cstr(&json) : "{");
    rn_buf_putc(&json, '}');
    set_marshal_json(a, md, "chart.Metadata", &json);
    set_marshal_json(a, top, "struct { chart.Metadata; IsRoot bool }",
                     &top_json);
    rn_buf_free(&json);
    rn_buf_free(&top_json);
    return top;
}

/* ---- templates ---------------------------------------------------------- */

typedef struct tpl {
    const char *name; /* "<chart>/templates/x.yaml" */
    const rn_chart_file *file;
    int depth;
    rn_value *top;    /* the built-in objects it runs with */
    const char *base; /* .Template.BasePath */
} tpl;

/* Helm parses deepest paths first, and within a depth in reverse byte
 * order, so that of two equal {{define}}s the one in the alphabetically
 * first file wins. */
static int by_parse_order(const void *x, const void *y)
{
    const tpl *a = x, *b = y;
    if (a->depth != b->depth)
        return b->depth - a->depth;
    return -strcmp(a->name, b->name);
}

static int count_slashes(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '/';
    return n;
}

typedef struct rendered_file {
    const char *name;
    char *text;
    size_t len;
} rendered_file;

static int by_name(const void *x, const void *y)
{
    return strcmp(((const rendered_file *)x)->name,
                  ((const rendered_file *)y)->name);
}

static bool is_template(const char *path)
{
    /* Helm's default ignore rule: dotfiles in templates/. */
    return strncmp(path, "templates/", 10) == 0 && base_name(path)[0] != '.';
}

/* Parses tpls (sorted here into Helm's parse order) into one set. */
static int compile_set(rn_arena *a, tpl *tpls, size_t n, tmpl_set **out,
                       rn_error *err)
{
    if (n)
        qsort(tpls, n, sizeof *tpls, by_parse_order);
    tmpl_set *set = tmpl_set_new(a);
    tmpl_set_add_funcs(set, rn_funcs_sprig);
    tmpl_set_add_funcs(set, rn_funcs_helm);
    tmpl_set_unsupported_funcs(set, rn_funcs_unsupported,
                               "exists in Helm but is not supported by krmfn");
    for (size_t i = 0; i < n; i++)
        if (tmpl_parse(set, tpls[i].name, tpls[i].file->data, tpls[i].file->len,
                       err) < 0)
            return -1;
    *out = set;
    return 0;
}

int rn_chart_compile(rn_arena *a, rn_chart *c, rn_error *err)
{
    tpl *tpls = rn_arena_alloc(a, sizeof *tpls * (c->nfiles + 1));
    size_t n = 0;
    for (size_t i = 0; i < c->nfiles; i++) {
        const char *p = c->files[i].path;
        if (!is_template(p))
            continue;
        tpls[n].name = rn_arena_printf(a, "%s/%s", c->name, p);
        tpls[n].file = &c->files[i];
        tpls[n].depth = count_slashes(tpls[n].name);
        n++;
    }
    if (compile_set(a, tpls, n, &c->templates, err) < 0)
        return -1;
    c->template_names = rn_arena_alloc(a, sizeof *c->template_names * (n + 1));
    for (size_t i = 0; i < n; i++)
        c->template_names[i] = tpls[i].name;
    c->ntemplates = n;
    const rn_value *want = rn_map_getz(c->metadata, "kubeVersion");
    c->default_kube_ok =
        !want || want->kind != RN_STRING || want->u.s.len == 0 ||
        rn_semver_satisfies(a, want->u.s.ptr,
                            "v" DEFAULT_KUBE_MAJOR "." DEFAULT_KUBE_MINOR ".0");
    return 0;
}

/* Executes every template but the partials, in parse order (which
 * decides whose error is reported); the outputs sorted by name. */
static int run_templates(rn_arena *a, tmpl_set *set, const tpl *tpls, size_t n,
                         const struct rn_host *host, rendered_file **out,
                         size_t *nout, rn_error *err)
{
    rendered_file *files = rn_arena_alloc(a, sizeof *files * (n + 1));
    size_t nf = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = tpls[i].name;
        if (base_name(name)[0] == '_')
            continue;
        rn_value *t = rn_map_new(a, 2);
        rn_map_setz(a, t, "Name", rn_strz(a, name));
        rn_map_setz(a, t, "BasePath", rn_strz(a, tpls[i].base));
        rn_map_setz(a, tpls[i].top, "Template", t);
        rn_buf buf = RN_BUF_INIT;
        int rc = tmpl_execute_host(set, a, host, name, tpls[i].top, &buf, err);
        files[nf].name = name;
        files[nf].text = rn_arena_strndup(a, rn_buf_cstr(&buf), buf.len);
        files[nf].len = buf.len;
        rn_buf_free(&buf);
        if (rc < 0)
            return -1;
        nf++;
    }
    qsort(files, nf, sizeof *files, by_name);
    *out = files;
    *nout = nf;
    return 0;
}

/* ---- documents ---------------------------------------------------------- */

static bool is_go_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

static void trim(const char **s, size_t *len)
{
    while (*len && is_go_space(**s))
        (*s)++, (*len)--;
    while (*len && is_go_space((*s)[*len - 1]))
        (*len)--;
}

/* Helm splits on the regexp `(?:^|\s*\n)---\s*`: a "---" at the very
 * start or right after a newline (whatever follows it on the line). */
static size_t split_docs(rn_arena *a, const char *s, size_t len,
                         const char ***docs, size_t **lens)
{
    size_t cap = 8, n = 0;
    *docs = rn_arena_alloc(a, sizeof **docs * cap);
    *lens = rn_arena_alloc(a, sizeof **lens * cap);
    size_t beg = 0, i = 0;
    for (;;) {
        size_t mstart = 0, mend = 0;
        bool found = false;
        if (i == 0 && len >= 3 && memcmp(s, "---", 3) == 0) {
            found = true;
            mstart = 0;
            mend = 3;
        } else {
            for (size_t k = i; k + 3 < len + 0 && !found; k++) {
                if (s[k] == '\n' && k + 4 <= len &&
                    memcmp(s + k + 1, "---", 3) == 0) {
                    size_t st = k;
                    while (st > i && is_go_space(s[st - 1]))
                        st--;
                    mstart = st;
                    mend = k + 4;
                    found = true;
                }
            }
        }
        if (!found)
            break;
        while (mend < len && is_go_space(s[mend]))
            mend++;
        if (n + 1 >= cap) {
            *docs = rn_arena_realloc(a, *docs, sizeof **docs * cap,
                                     sizeof **docs * cap * 2);
            *lens = rn_arena_realloc(a, *lens, sizeof **lens * cap,
                                     sizeof **lens * cap * 2);
            cap *= 2;
        }
        (*docs)[n] = s + beg;
        (*lens)[n] = mstart - beg;
        n++;
        beg = i = mend;
    }
    (*docs)[n] = s + beg;
    (*lens)[n] = len - beg;
    return n + 1;
}

static size_t kind_rank(const char *kind)
{
    for (size_t i = 0; install_order[i]; i++)
        if (strcmp(install_order[i], kind) == 0)
            return i;
    return (size_t)-1;
}

typedef struct entry {
    rn_manifest m;
    size_t seq;
} entry;

static int by_kind(const void *x, const void *y)
{
    const entry *a = x, *b = y;
    size_t ra = kind_rank(a->m.kind), rb = kind_rank(b->m.kind);
    if (ra == (size_t)-1 && rb == (size_t)-1) {
        int c = strcmp(a->m.kind, b->m.kind);
        if (c)
            return c;
    } else if (ra != rb) {
        return ra < rb ? -1 : 1;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* A field Helm decodes into a Go string: sigs.k8s.io/yaml turns any
 * scalar into its string form, so only a list or a map is refused. */
static bool stringish(const rn_value *v)
{
    return !v || (v->kind != RN_LIST && v->kind != RN_MAP);
}

/* SimpleHead: apiVersion, kind, metadata.name and annotations must have
 * the Go types Helm decodes them into. */
static int read_head(rn_arena *a, const char *file, const char *doc, size_t len,
                     rn_yaml_mode mode, rn_value **obj, const char **kind,
                     const char **hook, rn_error *err)
{
    rn_value *v;
    rn_error perr;
    rn_error_clear(&perr);
    rn_yaml_head head;
    /* Without the objects, the head is enough, and most documents give
     * it without the YAML parser. */
    if (mode == RN_YAML_HELM && rn_yaml_head_read(a, doc, len, &head)) {
        *obj = NULL;
        *kind = head.kind;
        *hook = head.hook;
        return 0;
    }
    /* The objects: block YAML as charts render it is built without the
     * YAML parser too (rn_yaml_parse with no limits). A head the fast
     * reader was not sure of goes to the YAML parser directly. */
    static const rn_yaml_limits parser = {0};
    if (rn_yaml_parse(a, doc, len, file, mode,
                      mode == RN_YAML_HELM ? &parser : NULL, &v, &perr) < 0)
        return rn_error_set(err, "YAML parse error on %s: %s", file, perr.msg);
    *obj = v;
    *kind = "";
    *hook = NULL;
    if (v->kind == RN_NULL)
        return 0;
    if (v->kind != RN_MAP)
        return rn_error_set(err,
                            "YAML parse error on %s: a manifest must be a "
                            "mapping, got %s",
                            file, rn_value_kind_name(v));
    static const char *const str_fields[] = {"apiVersion", "kind"};
    for (size_t i = 0; i < 2; i++) {
        rn_value *f = rn_map_getz(v, str_fields[i]);
        if (!stringish(f))
            return rn_error_set(err,
                                "YAML parse error on %s: %s must be a "
                                "string",
                                file, str_fields[i]);
    }
    rn_value *k = rn_map_getz(v, "kind");
    if (k && k->kind == RN_STRING) {
        *kind = k->u.s.ptr;
    } else if (k && k->kind != RN_NULL) {
        rn_buf b = RN_BUF_INIT;
        rn_gofmt_value(&b, k);
        *kind = rn_arena_strdup(a, rn_buf_cstr(&b));
        rn_buf_free(&b);
    }
    rn_value *md = rn_map_getz(v, "metadata");
    if (!md || md->kind == RN_NULL)
        return 0;
    if (md->kind != RN_MAP)
        return rn_error_set(err,
                            "YAML parse error on %s: metadata must be "
                            "a mapping",
                            file);
    rn_value *name = rn_map_getz(md, "name");
    if (!stringish(name))
        return rn_error_set(err,
                            "YAML parse error on %s: metadata.name "
                            "must be a string",
                            file);
    rn_value *ann = rn_map_getz(md, "annotations");
    if (!ann || ann->kind == RN_NULL)
        return 0;
    if (ann->kind != RN_MAP)
        return rn_error_set(err,
                            "YAML parse error on %s: "
                            "metadata.annotations must be a mapping",
                            file);
    for (size_t i = 0; i < ann->u.map.len; i++) {
        rn_value *x = ann->u.map.pairs[i].val;
        if (!stringish(x))
            return rn_error_set(err,
                                "YAML parse error on %s: annotation %s "
                                "must be a string",
                                file, ann->u.map.pairs[i].key);
    }
    rn_value *h = rn_map_getz(ann, "helm.sh/hook");
    if (h)
        *hook = h->kind == RN_STRING ? h->u.s.ptr : "";
    return 0;
}

static bool known_hook(rn_arena *a, const char *types)
{
    char *copy = rn_arena_strdup(a, types);
    for (char *save, *t = strtok_r(copy, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        while (is_go_space(*t))
            t++;
        size_t l = strlen(t);
        while (l && is_go_space(t[l - 1]))
            t[--l] = 0;
        for (char *p = t; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        bool ok = false;
        for (size_t i = 0; hook_events[i] && !ok; i++)
            ok = strcmp(hook_events[i], t) == 0;
        if (!ok)
            return false;
    }
    return true;
}

typedef struct sorted {
    entry *items;
    size_t n, cap;
} sorted;

static void push(rn_arena *a, sorted *s, rn_manifest m)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        s->items = rn_arena_realloc(a, s->items, sizeof *s->items * s->cap,
                                    sizeof *s->items * cap);
        s->cap = cap;
    }
    s->items[s->n].m = m;
    s->items[s->n].seq = s->n;
    s->n++;
}

static int sort_manifests(rn_arena *a, rendered_file *files, size_t nf,
                          rn_yaml_mode mode, rn_rendered *out, rn_error *err)
{
    sorted generic = {0}, hooks = {0};
    for (size_t i = 0; i < nf; i++) {
        const char *name = files[i].name;
        size_t nl = strlen(name);
        if (nl >= 9 && strcmp(name + nl - 9, "NOTES.txt") == 0)
            continue;
        const char *s = files[i].text;
        size_t len = files[i].len;
        trim(&s, &len);
        if (len == 0)
            continue;
        const char **docs;
        size_t *lens;
        size_t nd = split_docs(a, s, len, &docs, &lens);
        for (size_t d = 0; d < nd; d++) {
            if (lens[d] == 0)
                continue;
            const char *doc = docs[d];
            size_t dl = lens[d];
            trim(&doc, &dl);
            const char *kind, *hook;
            rn_value *obj;
            if (read_head(a, name, doc, dl, mode, &obj, &kind, &hook, err) < 0)
                return -1;
            rn_manifest m = {name, rn_arena_strndup(a, doc, dl), kind,
                             mode == RN_YAML_CORE ? obj : NULL};
            if (!hook)
                push(a, &generic, m);
            else if (known_hook(a, hook))
                push(a, &hooks, m);
        }
    }
    if (generic.n)
        qsort(generic.items, generic.n, sizeof *generic.items, by_kind);
    if (hooks.n)
        qsort(hooks.items, hooks.n, sizeof *hooks.items, by_kind);
    out->len = generic.n + hooks.n;
    out->n_hooks = hooks.n;
    out->items = rn_arena_alloc(a, sizeof *out->items * (out->len + 1));
    for (size_t i = 0; i < generic.n; i++)
        out->items[i] = generic.items[i].m;
    for (size_t i = 0; i < hooks.n; i++)
        out->items[generic.n + i] = hooks.items[i].m;
    return 0;
}

static bool has_manifest_ext(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot && (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0 ||
                   strcmp(dot, ".json") == 0);
}

/* chart.CRDObjects: crds/ files with a manifest extension. */
static void collect_crds(rn_arena *a, const rn_chart *c, const char *fullpath,
                         rn_rendered *out)
{
    for (size_t i = 0; i < c->nfiles; i++) {
        const rn_chart_file *f = &c->files[i];
        if (strncmp(f->path, "crds/", 5) != 0 || !has_manifest_ext(f->path))
            continue;
        out->crds =
            rn_arena_realloc(a, out->crds, sizeof *out->crds * out->n_crds,
                             sizeof *out->crds * (out->n_crds + 1));
        out->crds[out->n_crds++] =
            (rn_manifest){rn_arena_printf(a, "%s/%s", fullpath, f->path),
                          rn_arena_strndup(a, f->data, f->len),
                          "CustomResourceDefinition", NULL};
    }
}

/* The templates of a chart tree, each with the objects of its chart. */
typedef struct tree {
    rn_arena *a;
    rn_value *release, *caps;
    tpl *tpls;
    size_t n, cap;
} tree;

static void add_tpl(tree *t, tpl x)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        t->tpls = rn_arena_realloc(t->a, t->tpls, sizeof *t->tpls * t->cap,
                                   sizeof *t->tpls * cap);
        t->cap = cap;
    }
    t->tpls[t->n++] = x;
}

/* engine.recAllTpls: a chart's .Values is its parent's table of its name
 * (empty when that is no table); .Subcharts holds its children's objects.
 * A library chart contributes its partials only. */
static rn_value *chart_top(tree *t, const rn_dep *d, const rn_value *values)
{
    rn_arena *a = t->a;
    const rn_chart *c = d->chart;
    rn_value *top = rn_map_new(a, 8);
    rn_map_setz(a, top, "Values", values_typed(a, values));
    rn_map_setz(a, top, "Release", t->release);
    rn_map_setz(a, top, "Chart",
                make_chart(a, c, d->name, d->is_root, d->requirements));
    rn_map_setz(a, top, "Capabilities", t->caps);
    rn_map_setz(a, top, "Files", make_files(a, c));
    rn_value *subs = rn_map_new(a, d->ndeps);
    rn_map_setz(a, top, "Subcharts", subs);
    for (size_t i = 0; i < d->ndeps; i++) {
        const rn_value *cv = rn_map_getz(values, d->deps[i]->name);
        if (!cv || cv->kind != RN_MAP)
            cv = rn_map_new(a, 0);
        rn_map_setz(a, subs, d->deps[i]->name, chart_top(t, d->deps[i], cv));
    }
    const rn_value *type = rn_map_getz(c->metadata, "type");
    bool library = type && type->kind == RN_STRING &&
                   strcasecmp(type->u.s.ptr, "library") == 0;
    const char *base = rn_arena_printf(a, "%s/templates", d->fullpath);
    for (size_t i = 0; i < c->nfiles; i++) {
        const char *p = c->files[i].path;
        if (!is_template(p) || (library && base_name(p)[0] != '_'))
            continue;
        const char *name = rn_arena_printf(a, "%s/%s", d->fullpath, p);
        add_tpl(t, (tpl){name, &c->files[i], count_slashes(name), top, base});
    }
    return top;
}

/* ValidateAgainstSchema: every chart's schema against its values. */
static int validate_tree(rn_arena *a, const rn_dep *d, const rn_value *vals,
                         rn_error *err)
{
    if (rn_schema_validate(a, d->chart->schema, vals, err) < 0)
        return -1;
    for (size_t i = 0; i < d->ndeps; i++) {
        const rn_value *cv = rn_map_getz(vals, d->deps[i]->name);
        if (cv && cv->kind == RN_MAP &&
            validate_tree(a, d->deps[i], cv, err) < 0)
            return -1;
    }
    return 0;
}

static void collect_tree_crds(rn_arena *a, const rn_dep *d, rn_rendered *out)
{
    collect_crds(a, d->chart, d->fullpath, out);
    for (size_t i = 0; i < d->ndeps; i++)
        collect_tree_crds(a, d->deps[i], out);
}

int rn_chart_render(rn_arena *a, const rn_chart *c, const rn_release *rel,
                    const rn_value *user, rn_rendered *out, rn_error *err)
{
    out->crds = NULL;
    out->n_crds = 0;
    rn_value *vals = user ? rn_value_deepcopy(a, user) : rn_map_new(a, 8);
    if (vals->kind != RN_MAP)
        return rn_error_set(err, "values must be a mapping");
    rn_dep *root;
    if (rn_deps_resolve(a, c, vals, &root, err) < 0 ||
        rn_deps_coalesce(a, root, vals, err) < 0 ||
        validate_tree(a, root, vals, err) < 0)
        return -1;
    tree t = {.a = a, .release = make_release(a, rel)};
    t.caps = make_capabilities(a, rel);
    if (check_kube_version(a, c, rel, t.caps, err) < 0)
        return -1;
    chart_top(&t, root, vals);
    /* A chart without subcharts was parsed once, at load. */
    tmpl_set *set = c->templates;
    if (set) {
        if (t.n)
            qsort(t.tpls, t.n, sizeof *t.tpls, by_parse_order);
    } else if (compile_set(a, t.tpls, t.n, &set, err) < 0) {
        return -1;
    }
    rendered_file *files;
    size_t nf;
    if (run_templates(a, set, t.tpls, t.n, rel->host, &files, &nf, err) < 0)
        return -1;
    if (rel->include_crds)
        collect_tree_crds(a, root, out);
    /* Whoever wants the objects gets them read as Kubernetes reads them
     * (YAML 1.2), and that one parse also checks the document. */
    return sort_manifests(a, files, nf,
                          rel->parse_objects ? RN_YAML_CORE : RN_YAML_HELM, out,
                          err);
}

/* "---\n# Source: <source>\n<content>\n", appended (no printf: the
 * content is the whole rendered document). */
static void print_item(rn_buf *out, const char *source, const char *content)
{
    rn_buf_puts(out, "---\n# Source: ");
    rn_buf_puts(out, source);
    rn_buf_putc(out, '\n');
    rn_buf_puts(out, content);
    rn_buf_putc(out, '\n');
}

void rn_chart_print(rn_buf *out, const rn_rendered *r)
{
    size_t generic = r->len - r->n_hooks, start = out->len;
    for (size_t i = 0; i < r->n_crds; i++)
        print_item(out, r->crds[i].source, r->crds[i].content);
    for (size_t i = 0; i < generic; i++)
        print_item(out, r->items[i].source, r->items[i].content);
    /* Helm prints strings.TrimSpace of the release manifest, then '\n'. */
    while (out->len > start && is_go_space(out->data[out->len - 1]))
        out->len--;
    rn_buf_putc(out, '\n');
    for (size_t i = generic; i < r->len; i++)
        print_item(out, r->items[i].source, r->items[i].content);
}
