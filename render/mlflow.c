/*
 * mlflow.c — the MLflow object's rules, defaults and derivations, ending in
 * values for charts/mlflow (see mlflow.h).
 *
 * Three passes over the spec: check every field's type (so the chart never
 * sees a value its schema would reject with a values path the user never
 * wrote), apply the cross-field rules the CRD's CEL rules state, then build
 * the values. Errors carry the spec path; warnings are plain sentences.
 *
 * The type check has two layers. The fields the mapping reads are checked
 * here first, with messages that say more than a schema can (a quantity,
 * a DNS name, an empty string); then the whole spec is checked against the
 * CRD's own schema (openapi.h), which covers the embedded Kubernetes types
 * the mapping passes through whole (security contexts, affinity,
 * tolerations, ...) and refuses unknown fields. So nothing renders that
 * the API server would refuse for its type, and a failure leaves no half
 * output: every check runs before the values are built.
 */
#include "mlflow.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "yaml.h"

#define DEFAULT_BACKEND "sqlite:////mlflow/mlflow.db"
#define DEFAULT_ARTIFACTS "file:///mlflow/artifacts"

typedef struct mctx {
    rn_arena *a;
    const rn_value *spec; /* NULL when the object has none */
    rn_value *values;
    rn_value *warnings;
    rn_error *err;
    const char *base;   /* "mlflow" or "mlflow-<name>" */
    const char *prefix; /* "/mlflow" or "/mlflow-<name>" */
} mctx;

/* ---- reporting --------------------------------------------------------- */

static int fail_at(mctx *c, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "<field>: <message>", with the field kept apart for KRM results. */
static int fail_at(mctx *c, const char *field, const char *fmt, ...)
{
    if (c->err->set)
        return -1;
    char msg[RN_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (field[0])
        rn_error_set(c->err, "%s: %s", field, msg);
    else
        rn_error_set(c->err, "%s", msg);
    snprintf(c->err->field, sizeof c->err->field, "%s", field);
    return -1;
}

static void warn(mctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void warn(mctx *c, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rn_list_push(c->a, c->warnings, rn_strz(c->a, msg));
}

/* A short, quoted rendering of a value for "got ..." in messages. */
static const char *describe(mctx *c, const rn_value *v)
{
    return rn_openapi_describe(c->a, v);
}

/* ---- reading the spec -------------------------------------------------- */

/* A field the user set: present and not null (CEL's has()). */
static const rn_value *has(const rn_value *map, const char *key)
{
    if (!map || map->kind != RN_MAP)
        return NULL;
    const rn_value *v = rn_map_getz(map, key);
    return v && v->kind != RN_NULL ? v : NULL;
}

static const char *path2(mctx *c, const char *parent, const char *key)
{
    return rn_arena_printf(c->a, "%s.%s", parent, key);
}

static int want_kind(mctx *c, const char *path, const rn_value *v, rn_kind k)
{
    if (v->kind == k)
        return 0;
    return fail_at(c, path, "must be %s, got %s",
                   k == RN_MAP ? "an object" : "a list", describe(c, v));
}

static int want_string(mctx *c, const char *path, const rn_value *v)
{
    if (v->kind != RN_STRING)
        return fail_at(c, path, "must be a string, got %s", describe(c, v));
    if (v->u.s.len == 0)
        return fail_at(c, path, "must not be empty (omit the field instead)");
    if (strlen(v->u.s.ptr) != v->u.s.len)
        return fail_at(c, path, "must not contain NUL bytes");
    return 0;
}

static int want_bool(mctx *c, const char *path, const rn_value *v)
{
    if (v->kind == RN_BOOL)
        return 0;
    return fail_at(c, path, "must be true or false, got %s", describe(c, v));
}

static int want_int(mctx *c, const char *path, const rn_value *v, int64_t min,
                    int64_t max)
{
    if (v->kind == RN_INT && v->u.i >= min && v->u.i <= max)
        return 0;
    if (v->kind == RN_INT && v->u.i > max)
        return fail_at(c, path, "must be an integer <= %lld, got %s",
                       (long long)max, describe(c, v));
    return fail_at(c, path, "must be an integer >= %lld, got %s",
                   (long long)min, describe(c, v));
}

/* Every key of `map` is one of `known` (NULL-terminated). */
static int want_keys(mctx *c, const char *path, const rn_value *map,
                     const char *const *known)
{
    for (size_t i = 0; i < map->u.map.len; i++) {
        const char *key = map->u.map.pairs[i].key;
        size_t k = 0;
        while (known[k] && strcmp(known[k], key) != 0)
            k++;
        if (!known[k])
            return fail_at(c, path2(c, path, key), "unknown field");
    }
    return 0;
}

/* An optional string field of `map`; *out stays NULL when unset. */
static int opt_string(mctx *c, const char *path, const rn_value *map,
                      const char *key, const char **out)
{
    const rn_value *v = has(map, key);
    *out = NULL;
    if (!v)
        return 0;
    if (want_string(c, path2(c, path, key), v) < 0)
        return -1;
    *out = v->u.s.ptr;
    return 0;
}

/* DNS-1123 label (RFC 1123): lower-case alphanumerics and '-', starting
 * and ending with an alphanumeric. With `dots`, a subdomain. */
static bool is_dns_name(const char *s, size_t max, bool dots)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
        bool edge = i == 0 || i == n - 1 ||
                    (dots && (s[i - 1] == '.' || s[i + 1] == '.'));
        if (alnum)
            continue;
        if (edge || !(ch == '-' || (dots && ch == '.')))
            return false;
    }
    return true;
}

/* A Kubernetes quantity, the pattern the chart's schema uses:
 * [+-]digits[.digits](Ki|Mi|..|n|u|m|k|M|..|e[+-]digits)? */
static bool is_quantity(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    size_t digits = 0;
    while (*s >= '0' && *s <= '9')
        s++, digits++;
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9')
            s++, digits++;
    }
    if (digits == 0)
        return false;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
        return *s == '\0';
    }
    if (*s && strchr("KMGTPE", *s) && s[1] == 'i')
        return s[2] == '\0';
    if (*s && strchr("numkMGTPE", *s))
        s++;
    return *s == '\0';
}

static int want_quantity(mctx *c, const char *path, const rn_value *v)
{
    if (v->kind == RN_INT || v->kind == RN_FLOAT)
        return 0;
    if (v->kind == RN_STRING && is_quantity(v->u.s.ptr))
        return 0;
    return fail_at(c, path, "must be a quantity such as 2Gi or 500m, got %s",
                   describe(c, v));
}

/* A map whose values are all strings (labels, node selectors). */
static int want_string_map(mctx *c, const char *path, const rn_value *v)
{
    if (want_kind(c, path, v, RN_MAP) < 0)
        return -1;
    for (size_t i = 0; i < v->u.map.len; i++) {
        const rn_value *x = v->u.map.pairs[i].val;
        if (x->kind != RN_STRING)
            return fail_at(c, path2(c, path, v->u.map.pairs[i].key),
                           "must be a string, got %s", describe(c, x));
    }
    return 0;
}

/* ---- field checks ------------------------------------------------------ */

static int check_image(mctx *c, const rn_value *image)
{
    static const char *const keys[] = {"image", "imagePullPolicy", NULL};
    const char *img, *policy;
    if (want_kind(c, "spec.image", image, RN_MAP) < 0 ||
        want_keys(c, "spec.image", image, keys) < 0 ||
        opt_string(c, "spec.image", image, "image", &img) < 0 ||
        opt_string(c, "spec.image", image, "imagePullPolicy", &policy) < 0)
        return -1;
    if (policy && strcmp(policy, "Always") != 0 &&
        strcmp(policy, "IfNotPresent") != 0 && strcmp(policy, "Never") != 0)
        return fail_at(c, "spec.image.imagePullPolicy",
                       "must be Always, IfNotPresent or Never, got \"%s\"",
                       policy);
    return 0;
}

static int check_resources(mctx *c, const char *path, const rn_value *res)
{
    static const char *const keys[] = {"limits", "requests", "claims", NULL};
    static const char *const maps[] = {"limits", "requests"};
    if (want_kind(c, path, res, RN_MAP) < 0 ||
        want_keys(c, path, res, keys) < 0)
        return -1;
    for (size_t m = 0; m < 2; m++) {
        const rn_value *q = has(res, maps[m]);
        const char *qpath = path2(c, path, maps[m]);
        if (!q)
            continue;
        if (want_kind(c, qpath, q, RN_MAP) < 0)
            return -1;
        for (size_t i = 0; i < q->u.map.len; i++)
            if (want_quantity(c, path2(c, qpath, q->u.map.pairs[i].key),
                              q->u.map.pairs[i].val) < 0)
                return -1;
    }
    const rn_value *claims = has(res, "claims");
    if (claims && want_kind(c, path2(c, path, "claims"), claims, RN_LIST) < 0)
        return -1;
    return 0;
}

/* spec.storage, a core/v1 PersistentVolumeClaimSpec: the fields the
 * mapping reads; the schema checks the rest. */
static int check_storage(mctx *c, const rn_value *st)
{
    if (want_kind(c, "spec.storage", st, RN_MAP) < 0)
        return -1;
    const rn_value *modes = has(st, "accessModes");
    if (modes) {
        if (want_kind(c, "spec.storage.accessModes", modes, RN_LIST) < 0)
            return -1;
        for (size_t i = 0; i < modes->u.list.len; i++) {
            const rn_value *m = modes->u.list.items[i];
            const char *p =
                rn_arena_printf(c->a, "spec.storage.accessModes[%zu]", i);
            if (want_string(c, p, m) < 0)
                return -1;
            if (strcmp(m->u.s.ptr, "ReadWriteOnce") != 0 &&
                strcmp(m->u.s.ptr, "ReadOnlyMany") != 0 &&
                strcmp(m->u.s.ptr, "ReadWriteMany") != 0 &&
                strcmp(m->u.s.ptr, "ReadWriteOncePod") != 0)
                return fail_at(c, p,
                               "must be ReadWriteOnce, ReadOnlyMany, "
                               "ReadWriteMany or ReadWriteOncePod, got %s",
                               describe(c, m));
        }
    }
    const rn_value *res = has(st, "resources");
    if (res && check_resources(c, "spec.storage.resources", res) < 0)
        return -1;
    static const char *const strs[] = {"storageClassName", "volumeMode",
                                       "volumeName",
                                       "volumeAttributesClassName"};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) {
        const char *v;
        if (opt_string(c, "spec.storage", st, strs[i], &v) < 0)
            return -1;
    }
    return 0;
}

/* backendStoreUriFrom, registryStoreUriFrom, readReplicaBackendStoreUriFrom:
 * a Secret key, written as a core/v1 SecretKeySelector {name, key,
 * optional} (the Go operator's API), or in the deprecated wrapped form
 * {secretKeyRef: {name, key, optional}} objects of earlier releases use;
 * that one still renders, with a warning. */
static int check_uri_from(mctx *c, const char *path, const rn_value *from)
{
    static const char *const keys[] = {"name", "key", "optional",
                                       "secretKeyRef", NULL};
    static const char *const ref_keys[] = {"name", "key", "optional", NULL};
    if (want_kind(c, path, from, RN_MAP) < 0 ||
        want_keys(c, path, from, keys) < 0)
        return -1;
    const rn_value *ref = has(from, "secretKeyRef");
    const char *rpath = path;
    if (ref) {
        if (has(from, "name") || has(from, "key") || has(from, "optional"))
            return fail_at(c, path,
                           "set name and key, or the deprecated "
                           "secretKeyRef, not both");
        rpath = path2(c, path, "secretKeyRef");
        if (want_kind(c, rpath, ref, RN_MAP) < 0 ||
            want_keys(c, rpath, ref, ref_keys) < 0)
            return -1;
        const rn_value *n = has(ref, "name"), *k = has(ref, "key");
        warn(c,
             "%s.secretKeyRef is deprecated; write the Secret key "
             "directly: %s: {name: %s, key: %s}",
             path, path + strlen("spec."),
             n && n->kind == RN_STRING ? n->u.s.ptr : "...",
             k && k->kind == RN_STRING ? k->u.s.ptr : "...");
    } else {
        ref = from;
    }
    for (size_t i = 0; i < 2; i++) {
        const rn_value *v = has(ref, ref_keys[i]);
        if (v && v->kind != RN_STRING)
            return fail_at(c, path2(c, rpath, ref_keys[i]),
                           "must be a string, got %s", describe(c, v));
        if (!v || v->u.s.len == 0) {
            /* The CRD's rule, and its message (the Go operator's). */
            const char *f = rpath + strlen("spec.");
            return fail_at(c, rpath,
                           "%s.name and %s.key must be non-empty when %s "
                           "is set",
                           f, f, f);
        }
        if (strlen(v->u.s.ptr) != v->u.s.len)
            return fail_at(c, path2(c, rpath, ref_keys[i]),
                           "must not contain NUL bytes");
    }
    const rn_value *opt = has(ref, "optional");
    return opt ? want_bool(c, path2(c, rpath, "optional"), opt) : 0;
}

/* A {name, key, optional} or {fieldPath} style reference: every key in
 * `strings` that is present is a string, `required` is present. */
static int check_ref(mctx *c, const char *path, const rn_value *ref,
                     const char *const *keys, const char *required)
{
    if (want_kind(c, path, ref, RN_MAP) < 0 ||
        want_keys(c, path, ref, keys) < 0)
        return -1;
    for (size_t i = 0; keys[i]; i++) {
        const rn_value *v = has(ref, keys[i]);
        const char *p = path2(c, path, keys[i]);
        if (!v) {
            if (strcmp(keys[i], required) == 0)
                return fail_at(c, p, "is required");
            continue;
        }
        if (strcmp(keys[i], "optional") == 0) {
            if (want_bool(c, p, v) < 0)
                return -1;
        } else if (strcmp(keys[i], "divisor") == 0) {
            if (want_quantity(c, p, v) < 0)
                return -1;
        } else if (want_string(c, p, v) < 0) {
            return -1;
        }
    }
    return 0;
}

static int check_value_from(mctx *c, const char *path, const rn_value *vf)
{
    static const char *const keys[] = {"secretKeyRef", "configMapKeyRef",
                                       "fieldRef",     "resourceFieldRef",
                                       "fileKeyRef",   NULL};
    static const char *const file_ref[] = {"volumeName", "path", "key",
                                           "optional", NULL};
    static const char *const key_ref[] = {"name", "key", "optional", NULL};
    static const char *const field_ref[] = {"apiVersion", "fieldPath", NULL};
    static const char *const res_ref[] = {"containerName", "resource",
                                          "divisor", NULL};
    if (want_kind(c, path, vf, RN_MAP) < 0 || want_keys(c, path, vf, keys) < 0)
        return -1;
    if (vf->u.map.len != 1)
        return fail_at(c, path,
                       "must hold exactly one of secretKeyRef, "
                       "configMapKeyRef, fieldRef, resourceFieldRef, "
                       "fileKeyRef");
    const char *kind = vf->u.map.pairs[0].key;
    const rn_value *ref = vf->u.map.pairs[0].val;
    const char *p = path2(c, path, kind);
    if (strcmp(kind, "fieldRef") == 0)
        return check_ref(c, p, ref, field_ref, "fieldPath");
    if (strcmp(kind, "resourceFieldRef") == 0)
        return check_ref(c, p, ref, res_ref, "resource");
    if (strcmp(kind, "fileKeyRef") == 0) {
        for (size_t i = 0; i < 3; i++)
            if (!has(ref, file_ref[i]) && ref->kind == RN_MAP)
                return fail_at(c, path2(c, p, file_ref[i]), "is required");
        return check_ref(c, p, ref, file_ref, "key");
    }
    return check_ref(c, p, ref, key_ref, "key");
}

static int check_env(mctx *c, const rn_value *env)
{
    static const char *const keys[] = {"name", "value", "valueFrom", NULL};
    if (want_kind(c, "spec.env", env, RN_LIST) < 0)
        return -1;
    for (size_t i = 0; i < env->u.list.len; i++) {
        const rn_value *e = env->u.list.items[i];
        const char *p = rn_arena_printf(c->a, "spec.env[%zu]", i);
        const char *name;
        if (want_kind(c, p, e, RN_MAP) < 0 || want_keys(c, p, e, keys) < 0)
            return -1;
        if (!has(e, "name"))
            return fail_at(c, path2(c, p, "name"), "is required");
        if (opt_string(c, p, e, "name", &name) < 0)
            return -1;
        /* The CRD's rules, with the Go operator's messages. */
        if (strcmp(name, "MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE") == 0)
            return fail_at(c, path2(c, p, "name"),
                           "setting the %s environment variable is not "
                           "allowed",
                           name);
        if (strcmp(name, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION") == 0)
            return fail_at(c, path2(c, p, "name"),
                           "setting the %s environment variable is not "
                           "allowed; the operator manages job execution "
                           "lifecycle",
                           name);
        /* An empty value is a value: "" is what the variable holds. */
        const rn_value *v = has(e, "value");
        if (v && v->kind != RN_STRING)
            return fail_at(c, path2(c, p, "value"),
                           "must be a string, got %s (quote it)",
                           describe(c, v));
        const rn_value *vf = has(e, "valueFrom");
        if (vf && check_value_from(c, path2(c, p, "valueFrom"), vf) < 0)
            return -1;
    }
    return 0;
}

static int check_env_from(mctx *c, const rn_value *list)
{
    static const char *const keys[] = {"prefix", "secretRef", "configMapRef",
                                       NULL};
    static const char *const ref_keys[] = {"name", "optional", NULL};
    if (want_kind(c, "spec.envFrom", list, RN_LIST) < 0)
        return -1;
    for (size_t i = 0; i < list->u.list.len; i++) {
        const rn_value *e = list->u.list.items[i];
        const char *p = rn_arena_printf(c->a, "spec.envFrom[%zu]", i);
        const char *prefix;
        if (want_kind(c, p, e, RN_MAP) < 0 || want_keys(c, p, e, keys) < 0 ||
            opt_string(c, p, e, "prefix", &prefix) < 0)
            return -1;
        const rn_value *s = has(e, "secretRef");
        const rn_value *m = has(e, "configMapRef");
        if (!s == !m)
            return fail_at(c, p, "must hold one of secretRef, configMapRef");
        if (check_ref(c, path2(c, p, s ? "secretRef" : "configMapRef"),
                      s ? s : m, ref_keys, "name") < 0)
            return -1;
    }
    return 0;
}

static int check_tolerations(mctx *c, const rn_value *list)
{
    if (want_kind(c, "spec.tolerations", list, RN_LIST) < 0)
        return -1;
    for (size_t i = 0; i < list->u.list.len; i++)
        if (want_kind(c, rn_arena_printf(c->a, "spec.tolerations[%zu]", i),
                      list->u.list.items[i], RN_MAP) < 0)
            return -1;
    return 0;
}

/* Label values (podLabels, nodeSelector): strings of at most 63
 * characters, the CRD's rule and message. */
static int want_label_map(mctx *c, const char *path, const rn_value *v)
{
    if (want_string_map(c, path, v) < 0)
        return -1;
    for (size_t i = 0; i < v->u.map.len; i++)
        if (v->u.map.pairs[i].val->u.s.len > 63)
            return fail_at(c, path2(c, path, v->u.map.pairs[i].key),
                           "label values must be 63 characters or less");
    return 0;
}

static int check_tmp(mctx *c, const rn_value *t)
{
    static const char *const keys[] = {"sizeLimit", NULL};
    const rn_value *v;
    if (want_kind(c, "spec.temporaryStorage", t, RN_MAP) < 0 ||
        want_keys(c, "spec.temporaryStorage", t, keys) < 0)
        return -1;
    if ((v = has(t, "sizeLimit")))
        return want_quantity(c, "spec.temporaryStorage.sizeLimit", v);
    return 0;
}

/* One field of a standard cron schedule: comma-separated items, each "*"
 * or "?" or N or N-M (N: a number in [lo, hi], or a name where `names`
 * lists them), optionally followed by /STEP. */
static bool cron_number(const char *s, size_t n, int lo, int hi,
                        const char *const *names, int *out)
{
    if (n == 0)
        return false;
    if (names && isalpha((unsigned char)s[0])) {
        for (int i = 0; names[i]; i++)
            if (n == 3 && strncasecmp(s, names[i], 3) == 0) {
                *out = lo + i;
                return true;
            }
        return false;
    }
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]) || v > 1000)
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return v >= lo && v <= hi;
}

static bool cron_field(const char *f, size_t n, int lo, int hi,
                       const char *const *names)
{
    size_t i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && f[j] != ',')
            j++;
        const char *item = f + i;
        size_t len = j - i, range = len;
        const char *slash = memchr(item, '/', len);
        if (slash) {
            int step;
            range = (size_t)(slash - item);
            if (!cron_number(slash + 1, len - range - 1, 1, 1000, NULL, &step))
                return false;
        }
        int a, b;
        const char *dash = memchr(item, '-', range);
        if (range == 1 && (item[0] == '*' || item[0] == '?'))
            ;
        else if (dash) {
            if (!cron_number(item, (size_t)(dash - item), lo, hi, names, &a) ||
                !cron_number(dash + 1, range - (size_t)(dash - item) - 1, lo,
                             hi, names, &b) ||
                a > b)
                return false;
        } else if (!cron_number(item, range, lo, hi, names, &a))
            return false;
        i = j + 1;
    }
    return true;
}

/* A CronJob schedule as Kubernetes parses it: five fields (minute, hour,
 * day of month, month, day of week) or a descriptor such as @daily. */
static const char *cron_problem(const char *s)
{
    static const char *const months[] = {"jan", "feb", "mar", "apr", "may",
                                         "jun", "jul", "aug", "sep", "oct",
                                         "nov", "dec", NULL};
    static const char *const days[] = {"sun", "mon", "tue", "wed",
                                       "thu", "fri", "sat", NULL};
    static const struct {
        int lo, hi;
        const char *const *names;
    } fields[5] = {{0, 59, NULL},
                   {0, 23, NULL},
                   {1, 31, NULL},
                   {1, 12, months},
                   {0, 6, days}};
    static const char *const descriptors[] = {
        "@yearly", "@annually", "@monthly", "@weekly",
        "@daily",  "@midnight", "@hourly",  NULL};
    if (strncmp(s, "TZ=", 3) == 0 || strncmp(s, "CRON_TZ=", 8) == 0)
        return "must not name a time zone (TZ=, CRON_TZ=): the schedule "
               "runs in the kube-controller-manager's zone";
    if (s[0] == '@') {
        for (int i = 0; descriptors[i]; i++)
            if (strcmp(s, descriptors[i]) == 0)
                return NULL;
        if (strncmp(s, "@every ", 7) == 0 && s[7])
            return NULL;
        return "is not a cron descriptor (@yearly, @monthly, @weekly, "
               "@daily, @hourly, @every DURATION)";
    }
    const char *p = s;
    for (int f = 0; f < 5; f++) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *start = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (p == start)
            return "needs five fields: minute hour day-of-month month "
                   "day-of-week, e.g. \"0 2 * * 0\"";
        if (!cron_field(start, (size_t)(p - start), fields[f].lo, fields[f].hi,
                        fields[f].names))
            return f == 0   ? "has a bad minute field (0-59)"
                   : f == 1 ? "has a bad hour field (0-23)"
                   : f == 2 ? "has a bad day-of-month field (1-31)"
                   : f == 3 ? "has a bad month field (1-12 or JAN-DEC)"
                            : "has a bad day-of-week field (0-6 or SUN-SAT)";
    }
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p)
        return "needs five fields: minute hour day-of-month month "
               "day-of-week, e.g. \"0 2 * * 0\"";
    return NULL;
}

/* #d#h#m#s, each part optional but in that order, each number possibly
 * with a fraction; not empty (mlflow gc --older-than). */
static bool is_gc_age(const char *s)
{
    static const char units[] = "dhms";
    int next = 0;
    if (!*s)
        return false;
    while (*s) {
        const char *d = s;
        while (isdigit((unsigned char)*s))
            s++;
        if (s == d)
            return false;
        if (*s == '.') {
            const char *f = ++s;
            while (isdigit((unsigned char)*s))
                s++;
            if (s == f)
                return false;
        }
        const char *u = *s ? strchr(units + next, *s) : NULL;
        if (!u)
            return false;
        next = (int)(u - units) + 1;
        s++;
    }
    return true;
}

static int check_backup(mctx *c, const rn_value *b)
{
    static const char *const keys[] = {"keep", "claimName", "image", NULL};
    const char *P = "spec.migration.backup", *claim, *image;
    const rn_value *v;
    if (want_kind(c, P, b, RN_MAP) < 0 || want_keys(c, P, b, keys) < 0 ||
        opt_string(c, P, b, "claimName", &claim) < 0 ||
        opt_string(c, P, b, "image", &image) < 0)
        return -1;
    if ((v = has(b, "keep")) &&
        want_int(c, "spec.migration.backup.keep", v, 1, 100) < 0)
        return -1;
    if (claim && !is_dns_name(claim, 253, true))
        return fail_at(c, "spec.migration.backup.claimName",
                       "must be a DNS subdomain (a claim's name), got \"%s\"",
                       claim);
    if (!claim && !has(c->spec, "storage"))
        return fail_at(c, P,
                       "migration.backup needs a claim for the backups: "
                       "storage, or migration.backup.claimName");
    return 0;
}

static int check_migration(mctx *c, const rn_value *m)
{
    static const char *const keys[] = {"mode", "ttlSecondsAfterFinished",
                                       "backup", NULL};
    const char *mode;
    const rn_value *v;
    if (want_kind(c, "spec.migration", m, RN_MAP) < 0 ||
        want_keys(c, "spec.migration", m, keys) < 0 ||
        opt_string(c, "spec.migration", m, "mode", &mode) < 0)
        return -1;
    if (mode && strcmp(mode, "Automatic") != 0 && strcmp(mode, "Always") != 0)
        return fail_at(c, "spec.migration.mode",
                       "must be Automatic or Always, got \"%s\"", mode);
    if ((v = has(m, "ttlSecondsAfterFinished")) &&
        want_int(c, "spec.migration.ttlSecondsAfterFinished", v, 3600,
                 INT32_MAX) < 0)
        return -1;
    if ((v = has(m, "backup")) && check_backup(c, v) < 0)
        return -1;
    return 0;
}

static int check_gc(mctx *c, const rn_value *gc)
{
    static const char *const keys[] = {"schedule", "olderThan", "resources",
                                       NULL};
    const char *schedule, *age, *why;
    const rn_value *v;
    if (want_kind(c, "spec.garbageCollection", gc, RN_MAP) < 0 ||
        want_keys(c, "spec.garbageCollection", gc, keys) < 0 ||
        opt_string(c, "spec.garbageCollection", gc, "schedule", &schedule) <
            0 ||
        opt_string(c, "spec.garbageCollection", gc, "olderThan", &age) < 0)
        return -1;
    if (!schedule || !*schedule)
        return fail_at(c, "spec.garbageCollection.schedule",
                       "is required: a cron schedule, e.g. \"0 2 * * 0\"");
    if ((why = cron_problem(schedule)))
        return fail_at(c, "spec.garbageCollection.schedule", "%s, got \"%s\"",
                       why, schedule);
    if (age && !is_gc_age(age))
        return fail_at(c, "spec.garbageCollection.olderThan",
                       "must be #d#h#m#s (e.g. \"30d\", \"7d12h\"), got \"%s\"",
                       age);
    if ((v = has(gc, "resources")) &&
        check_resources(c, "spec.garbageCollection.resources", v) < 0)
        return -1;
    return 0;
}

/* <n>m, <n>h or <n>d, n without a leading zero, at most 32 characters
 * (MLflow's trace archival retention). */
static bool is_retention(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 16 || !strchr("mhd", s[n - 1]))
        return false;
    for (size_t i = 0; i + 1 < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static int check_trace_archival(mctx *c, const rn_value *ta)
{
    static const char *const keys[] = {
        "enabled",          "schedule",
        "location",         "retention",
        "maxTracesPerPass", "longRetentionAllowlist",
        "resources",        NULL};
    static const char *const required[] = {"location", "retention"};
    const char *P = "spec.traceArchival", *schedule, *location, *retention,
               *why;
    const rn_value *v, *on;
    if (want_kind(c, P, ta, RN_MAP) < 0 || want_keys(c, P, ta, keys) < 0 ||
        opt_string(c, P, ta, "schedule", &schedule) < 0 ||
        opt_string(c, P, ta, "location", &location) < 0 ||
        opt_string(c, P, ta, "retention", &retention) < 0)
        return -1;
    /* enabled defaults to false and schedule to every 6 hours (the CRD's
     * defaults, the Go operator's). */
    if ((on = has(ta, "enabled")) &&
        want_bool(c, "spec.traceArchival.enabled", on) < 0)
        return -1;
    bool enabled = on && on->u.b;
    const char *set[] = {location, retention};
    for (size_t i = 0; enabled && i < 2; i++)
        if (!set[i])
            return fail_at(c, path2(c, P, required[i]),
                           "traceArchival.%s is required when "
                           "traceArchival.enabled is true",
                           required[i]);
    if (schedule && (why = cron_problem(schedule)))
        return fail_at(c, "spec.traceArchival.schedule", "%s, got \"%s\"", why,
                       schedule);
    if (retention && !is_retention(retention))
        return fail_at(c, "spec.traceArchival.retention",
                       "must be <n>m, <n>h or <n>d (e.g. \"30d\", \"12h\"), "
                       "at most 16 characters, got \"%s\"",
                       retention);
    if (enabled && location && strncmp(location, "file://", 7) == 0 &&
        !has(c->spec, "storage"))
        return fail_at(c, "spec.traceArchival.location",
                       "storage must be configured when traceArchival.location "
                       "uses file-based storage (file:// prefix)");
    /* mlflow-trace-archival<suffix>: "mlflow" + 15 + suffix, 52 at most. */
    if (enabled && strlen(c->base) + 15 > 52)
        return fail_at(c, "metadata.name",
                       "with traceArchival enabled metadata.name is at most "
                       "30 characters, so that the CronJob "
                       "mlflow-trace-archival-<name> fits in 52");
    if ((v = has(ta, "maxTracesPerPass")) &&
        want_int(c, "spec.traceArchival.maxTracesPerPass", v, 1, INT32_MAX) < 0)
        return -1;
    if ((v = has(ta, "longRetentionAllowlist"))) {
        if (want_kind(c, "spec.traceArchival.longRetentionAllowlist", v,
                      RN_LIST) < 0)
            return -1;
        for (size_t i = 0; i < v->u.list.len; i++) {
            const rn_value *id = v->u.list.items[i];
            const char *p = rn_arena_printf(
                c->a, "spec.traceArchival.longRetentionAllowlist[%zu]", i);
            if (want_string(c, p, id) < 0)
                return -1;
        }
    }
    if ((v = has(ta, "resources")) &&
        check_resources(c, "spec.traceArchival.resources", v) < 0)
        return -1;
    return 0;
}

static int check_trace_rollups(mctx *c, const rn_value *tr)
{
    static const char *const keys[] = {"enabled", "schedule", "timeZone",
                                       "resources", NULL};
    const char *P = "spec.traceRollups", *schedule, *zone, *why;
    const rn_value *v;
    if (want_kind(c, P, tr, RN_MAP) < 0 || want_keys(c, P, tr, keys) < 0 ||
        opt_string(c, P, tr, "schedule", &schedule) < 0 ||
        opt_string(c, P, tr, "timeZone", &zone) < 0)
        return -1;
    if ((v = has(tr, "enabled")) &&
        want_bool(c, "spec.traceRollups.enabled", v) < 0)
        return -1;
    /* Switched off, the timing is not used, so it cannot be wrong. */
    bool off = v && !v->u.b;
    if (!off && schedule && (why = cron_problem(schedule)))
        return fail_at(c, "spec.traceRollups.schedule", "%s, got \"%s\"", why,
                       schedule);
    if (!off && zone &&
        (zone[0] == '/' || strstr(zone, "..") ||
         strspn(zone, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      "0123456789/_+-") != strlen(zone)))
        return fail_at(c, "spec.traceRollups.timeZone",
                       "must be a time zone name (e.g. \"Etc/UTC\", "
                       "\"America/New_York\"), got \"%s\"",
                       zone);
    if ((v = has(tr, "resources")) &&
        check_resources(c, "spec.traceRollups.resources", v) < 0)
        return -1;
    return 0;
}

/* extraAllowedOrigins: at most 64 origins, scheme://host[:port] (or a
 * pattern with '*', which the server matches as a glob). */
static int check_origins(mctx *c, const rn_value *list)
{
    if (want_kind(c, "spec.extraAllowedOrigins", list, RN_LIST) < 0)
        return -1;
    if (list->u.list.len > 64)
        return fail_at(c, "spec.extraAllowedOrigins",
                       "must have at most 64 items, got %zu", list->u.list.len);
    for (size_t i = 0; i < list->u.list.len; i++) {
        const rn_value *o = list->u.list.items[i];
        const char *p =
            rn_arena_printf(c->a, "spec.extraAllowedOrigins[%zu]", i);
        if (want_string(c, p, o) < 0)
            return -1;
        const char *sep = strstr(o->u.s.ptr, "://");
        if (strcmp(o->u.s.ptr, "*") != 0 &&
            (!sep || sep == o->u.s.ptr || !sep[3] || strchr(sep + 3, '/') ||
             strchr(o->u.s.ptr, ',') || strchr(o->u.s.ptr, ' ')))
            return fail_at(c, p,
                           "must be an origin, scheme://host[:port] "
                           "(no path, no comma), got %s",
                           describe(c, o));
    }
    return 0;
}

/* A label key: [prefix/]name, the prefix a DNS subdomain, the name at
 * most 63 of [A-Za-z0-9-_.] starting and ending with an alphanumeric. */
static bool is_label_name(const char *s, size_t n, bool empty_ok)
{
    if (n == 0)
        return empty_ok;
    if (n > 63)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                     (ch >= '0' && ch <= '9');
        if (!alnum && ((i == 0 || i == n - 1) || !strchr("-_.", ch)))
            return false;
    }
    return true;
}

static bool is_label_key(mctx *c, const char *k)
{
    const char *slash = strchr(k, '/');
    if (!slash)
        return is_label_name(k, strlen(k), false);
    const char *prefix = rn_arena_printf(c->a, "%.*s", (int)(slash - k), k);
    return is_dns_name(prefix, 253, true) &&
           is_label_name(slash + 1, strlen(slash + 1), false);
}

/* A meta/v1 LabelSelector the workspace provider can take as a string. */
static int check_selector(mctx *c, const char *path, const rn_value *sel)
{
    if (want_kind(c, path, sel, RN_MAP) < 0)
        return -1;
    const rn_value *ml = has(sel, "matchLabels");
    const char *mpath = path2(c, path, "matchLabels");
    if (ml && want_string_map(c, mpath, ml) < 0)
        return -1;
    for (size_t i = 0; ml && i < ml->u.map.len; i++) {
        const char *k = ml->u.map.pairs[i].key;
        const rn_value *v = ml->u.map.pairs[i].val;
        if (!is_label_key(c, k))
            return fail_at(c, path2(c, mpath, k), "is not a valid label key");
        if (!is_label_name(v->u.s.ptr, v->u.s.len, true))
            return fail_at(c, path2(c, mpath, k),
                           "is not a valid label value, got %s",
                           describe(c, v));
    }
    const rn_value *me = has(sel, "matchExpressions");
    if (me && want_kind(c, path2(c, path, "matchExpressions"), me, RN_LIST) < 0)
        return -1;
    for (size_t i = 0; me && i < me->u.list.len; i++) {
        const rn_value *e = me->u.list.items[i];
        const char *p =
            rn_arena_printf(c->a, "%s.matchExpressions[%zu]", path, i);
        const char *key, *op;
        if (want_kind(c, p, e, RN_MAP) < 0 ||
            opt_string(c, p, e, "key", &key) < 0 ||
            opt_string(c, p, e, "operator", &op) < 0)
            return -1;
        if (!key || !is_label_key(c, key))
            return fail_at(c, path2(c, p, "key"),
                           key ? "is not a valid label key" : "is required");
        if (!op)
            return fail_at(c, path2(c, p, "operator"), "is required");
        bool set = strcmp(op, "In") == 0 || strcmp(op, "NotIn") == 0;
        if (!set && strcmp(op, "Exists") != 0 &&
            strcmp(op, "DoesNotExist") != 0)
            return fail_at(c, path2(c, p, "operator"),
                           "must be In, NotIn, Exists or DoesNotExist, got "
                           "\"%s\"",
                           op);
        const rn_value *vals = has(e, "values");
        size_t n = vals && vals->kind == RN_LIST ? vals->u.list.len : 0;
        if (vals && want_kind(c, path2(c, p, "values"), vals, RN_LIST) < 0)
            return -1;
        if (set && n == 0)
            return fail_at(c, path2(c, p, "values"),
                           "must be non-empty when operator is %s", op);
        if (!set && n > 0)
            return fail_at(c, path2(c, p, "values"),
                           "must be empty when operator is %s", op);
        for (size_t j = 0; j < n; j++) {
            const rn_value *v = vals->u.list.items[j];
            const char *vp = rn_arena_printf(c->a, "%s.values[%zu]", p, j);
            if (v->kind != RN_STRING)
                return fail_at(c, vp, "must be a string, got %s",
                               describe(c, v));
            if (!is_label_name(v->u.s.ptr, v->u.s.len, true))
                return fail_at(c, vp, "is not a valid label value, got %s",
                               describe(c, v));
        }
    }
    return 0;
}

/* resourceClaims (FIELD: "resourceClaims" or "artifactsServer.
 * resourceClaims"): each names exactly one of resourceClaimName and
 * resourceClaimTemplateName (the CRD's rule and message). */
static int check_claims(mctx *c, const char *field, const rn_value *list)
{
    if (want_kind(c, path2(c, "spec", field), list, RN_LIST) < 0)
        return -1;
    for (size_t i = 0; i < list->u.list.len; i++) {
        const rn_value *e = list->u.list.items[i];
        const char *p = rn_arena_printf(c->a, "spec.%s[%zu]", field, i);
        if (want_kind(c, p, e, RN_MAP) < 0)
            return -1;
        const rn_value *a = has(e, "resourceClaimName");
        const rn_value *b = has(e, "resourceClaimTemplateName");
        bool ha = a && a->kind == RN_STRING && a->u.s.len;
        bool hb = b && b->kind == RN_STRING && b->u.s.len;
        if (ha == hb)
            return fail_at(c, p,
                           "each %s entry must set exactly one non-empty "
                           "value: resourceClaimName or "
                           "resourceClaimTemplateName",
                           field);
    }
    return 0;
}

/* replicas, workers and resources of a server: the spec's own (AT
 * "spec") or spec.artifactsServer's. */
static int check_scaling(mctx *c, const char *at, const rn_value *o)
{
    const rn_value *v;
    if ((v = has(o, "replicas")) &&
        want_int(c, path2(c, at, "replicas"), v, 1, INT32_MAX) < 0)
        return -1;
    if ((v = has(o, "workers")) &&
        want_int(c, path2(c, at, "workers"), v, 1, INT32_MAX) < 0)
        return -1;
    if ((v = has(o, "resources")) &&
        check_resources(c, path2(c, at, "resources"), v) < 0)
        return -1;
    return 0;
}

/* spec.artifactsServer: the shapes the mapping reads (check_rules judges
 * it against the rest of the spec). */
static int check_artifacts_server(mctx *c, const rn_value *as)
{
    static const char *const keys[] = {"enabled",   "replicas",       "workers",
                                       "resources", "resourceClaims", NULL};
    const rn_value *v;
    if (want_kind(c, "spec.artifactsServer", as, RN_MAP) < 0 ||
        want_keys(c, "spec.artifactsServer", as, keys) < 0)
        return -1;
    if ((v = has(as, "enabled")) &&
        want_bool(c, "spec.artifactsServer.enabled", v) < 0)
        return -1;
    if (check_scaling(c, "spec.artifactsServer", as) < 0)
        return -1;
    if ((v = has(as, "resourceClaims")) &&
        check_claims(c, "artifactsServer.resourceClaims", v) < 0)
        return -1;
    return 0;
}

/* networkPolicy(Additional)EgressRules: at most 32, each with a port or a
 * destination (the CRD's rule and message). */
static int check_egress(mctx *c, const char *field, const rn_value *list)
{
    const char *path = path2(c, "spec", field);
    if (want_kind(c, path, list, RN_LIST) < 0)
        return -1;
    if (list->u.list.len > 32)
        return fail_at(c, path, "must have at most 32 items, got %zu",
                       list->u.list.len);
    for (size_t i = 0; i < list->u.list.len; i++) {
        const rn_value *r = list->u.list.items[i];
        const char *p = rn_arena_printf(c->a, "%s[%zu]", path, i);
        if (want_kind(c, p, r, RN_MAP) < 0)
            return -1;
        const rn_value *ports = has(r, "ports"), *to = has(r, "to");
        bool hp = ports && ports->kind == RN_LIST && ports->u.list.len;
        bool ht = to && to->kind == RN_LIST && to->u.list.len;
        if (!hp && !ht)
            return fail_at(c, p,
                           "each %s entry must specify at least one port or "
                           "one destination",
                           field);
    }
    return 0;
}

/* The type of every spec field the mapping reads; unknown fields are left
 * to the schema (check_schema). */
static int check_spec(mctx *c)
{
    static const char *const uris[] = {
        "backendStoreUri", "registryStoreUri", "readReplicaBackendStoreUri",
        "artifactsDestination", "defaultArtifactRoot"};
    static const char *const maps[] = {"podSecurityContext", "securityContext",
                                       "affinity"};
    const rn_value *s = c->spec, *v;
    if (!s)
        return 0;
    if ((v = has(s, "image")) && check_image(c, v) < 0)
        return -1;
    if (check_scaling(c, "spec", s) < 0)
        return -1;
    if ((v = has(s, "serviceAccountName"))) {
        if (want_string(c, "spec.serviceAccountName", v) < 0)
            return -1;
        if (!is_dns_name(v->u.s.ptr, 253, true))
            return fail_at(c, "spec.serviceAccountName",
                           "must be a DNS subdomain (lower-case letters, "
                           "digits, '-' and '.'), got %s",
                           describe(c, v));
    }
    if ((v = has(s, "storage")) && check_storage(c, v) < 0)
        return -1;
    for (size_t i = 0; i < sizeof uris / sizeof *uris; i++)
        if ((v = has(s, uris[i])) &&
            want_string(c, path2(c, "spec", uris[i]), v) < 0)
            return -1;
    if ((v = has(s, "backendStoreUriFrom")) &&
        check_uri_from(c, "spec.backendStoreUriFrom", v) < 0)
        return -1;
    if ((v = has(s, "registryStoreUriFrom")) &&
        check_uri_from(c, "spec.registryStoreUriFrom", v) < 0)
        return -1;
    if ((v = has(s, "readReplicaBackendStoreUriFrom")) &&
        check_uri_from(c, "spec.readReplicaBackendStoreUriFrom", v) < 0)
        return -1;
    if ((v = has(s, "serveArtifacts")) &&
        want_bool(c, "spec.serveArtifacts", v) < 0)
        return -1;
    if ((v = has(s, "env")) && check_env(c, v) < 0)
        return -1;
    if ((v = has(s, "envFrom")) && check_env_from(c, v) < 0)
        return -1;
    if ((v = has(s, "podLabels")) && want_label_map(c, "spec.podLabels", v) < 0)
        return -1;
    if ((v = has(s, "nodeSelector")) &&
        want_label_map(c, "spec.nodeSelector", v) < 0)
        return -1;
    if ((v = has(s, "podAnnotations")) &&
        want_string_map(c, "spec.podAnnotations", v) < 0)
        return -1;
    if ((v = has(s, "serviceAccountAnnotations")) &&
        want_string_map(c, "spec.serviceAccountAnnotations", v) < 0)
        return -1;
    if ((v = has(s, "temporaryStorage")) && check_tmp(c, v) < 0)
        return -1;
    if ((v = has(s, "extraAllowedOrigins")) && check_origins(c, v) < 0)
        return -1;
    if ((v = has(s, "workspaceLabelSelector")) &&
        check_selector(c, "spec.workspaceLabelSelector", v) < 0)
        return -1;
    if ((v = has(s, "resourceClaims")) &&
        check_claims(c, "resourceClaims", v) < 0)
        return -1;
    if ((v = has(s, "caBundleConfigMap"))) {
        static const char *const keys[] = {"name", NULL};
        const char *name;
        if (want_kind(c, "spec.caBundleConfigMap", v, RN_MAP) < 0 ||
            want_keys(c, "spec.caBundleConfigMap", v, keys) < 0 ||
            opt_string(c, "spec.caBundleConfigMap", v, "name", &name) < 0)
            return -1;
        if (!name)
            return fail_at(c, "spec.caBundleConfigMap.name", "is required");
        if (!is_dns_name(name, 253, true))
            return fail_at(c, "spec.caBundleConfigMap.name",
                           "must be a DNS subdomain (a ConfigMap's name), "
                           "got \"%s\"",
                           name);
    }
    if ((v = has(s, "garbageCollection")) && check_gc(c, v) < 0)
        return -1;
    if ((v = has(s, "traceArchival")) && check_trace_archival(c, v) < 0)
        return -1;
    if ((v = has(s, "traceRollups")) && check_trace_rollups(c, v) < 0)
        return -1;
    if ((v = has(s, "migration")) && check_migration(c, v) < 0)
        return -1;
    if ((v = has(s, "artifactsServer")) && check_artifacts_server(c, v) < 0)
        return -1;
    if ((v = has(s, "networkPolicyEgressRules")) &&
        check_egress(c, "networkPolicyEgressRules", v) < 0)
        return -1;
    if ((v = has(s, "networkPolicyAdditionalEgressRules")) &&
        check_egress(c, "networkPolicyAdditionalEgressRules", v) < 0)
        return -1;
    if ((v = has(s, "tolerations")) && check_tolerations(c, v) < 0)
        return -1;
    for (size_t i = 0; i < 3; i++)
        if ((v = has(s, maps[i])) &&
            want_kind(c, path2(c, "spec", maps[i]), v, RN_MAP) < 0)
            return -1;
    return 0;
}

/* ---- the CRD's schema -------------------------------------------------- */

/* Compiled once per process (pthread_once: the reconciler's workers render
 * concurrently) and never changed or freed afterwards. */
static struct {
    pthread_once_t once;
    rn_arena *arena;
    const rn_openapi *spec;
    rn_error err;
} crd_schema = {.once = PTHREAD_ONCE_INIT};

static void compile_crd_schema(void)
{
    rn_error *err = &crd_schema.err;
    rn_arena *a = crd_schema.arena = rn_arena_new();
    rn_value *schema;
    rn_openapi *root;
    if (rn_json_parse(a, rn_mlflow_crd_schema, rn_mlflow_crd_schema_len,
                      "the MLflow CRD's schema", false, &schema, err) < 0)
        return;
    if (rn_openapi_compile(a, schema, &root, err) < 0)
        return;
    crd_schema.spec = rn_openapi_property(root, "spec");
    if (!crd_schema.spec)
        rn_error_set(err, "the MLflow CRD's schema has no spec");
}

const rn_openapi *rn_mlflow_spec_schema(rn_error *err)
{
    pthread_once(&crd_schema.once, compile_crd_schema);
    if (!crd_schema.spec && err)
        rn_error_set(err, "%s", crd_schema.err.msg);
    return crd_schema.spec;
}

/* The spec against the CRD's schema: what the API server would refuse for
 * its type, and unknown fields. */
static int check_schema(mctx *c)
{
    if (!c->spec)
        return 0;
    rn_error why;
    rn_error_clear(&why);
    const rn_openapi *s = rn_mlflow_spec_schema(&why);
    if (!s)
        return fail_at(c, "", "the MLflow CRD built into this program: %s",
                       why.msg);
    return rn_openapi_validate(c->a, s, c->spec, "spec", c->err);
}

/* ---- rules ------------------------------------------------------------- */

static const char *str_of(const rn_value *spec, const char *key)
{
    const rn_value *v = has(spec, key);
    return v ? v->u.s.ptr : NULL;
}

static bool starts(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A URI on the pod's own files: sqlite:// or file://. */
static bool local_uri(const char *s)
{
    return starts(s, "sqlite://") || starts(s, "file://");
}

static bool artifacts_server_on(const rn_value *spec)
{
    const rn_value *on = has(has(spec, "artifactsServer"), "enabled");
    return on && on->u.b;
}

/* The first access mode of spec.storage is ReadWriteMany. */
static bool storage_rwx(const rn_value *spec)
{
    const rn_value *modes = has(has(spec, "storage"), "accessModes");
    const rn_value *first = modes && modes->kind == RN_LIST && modes->u.list.len
                                ? modes->u.list.items[0]
                                : NULL;
    return first && first->kind == RN_STRING &&
           strcmp(first->u.s.ptr, "ReadWriteMany") == 0;
}

/* The rules of a dedicated artifacts server (the CRD's, and its
 * messages): it replaces the tracking server's artifact serving and
 * shares its stores, so those must be database servers. */
static int check_split(mctx *c, bool serve, bool storage)
{
    const rn_value *s = c->spec;
    const char *backend = str_of(s, "backendStoreUri");
    const char *dest = str_of(s, "artifactsDestination");
    const rn_value *replicas = has(has(s, "artifactsServer"), "replicas");
    if (serve)
        return fail_at(c, "spec.serveArtifacts",
                       "serveArtifacts and artifactsServer.enabled are "
                       "mutually exclusive (the artifacts server serves "
                       "them)");
    if (has(s, "defaultArtifactRoot"))
        return fail_at(c, "spec.defaultArtifactRoot",
                       "defaultArtifactRoot and artifactsServer.enabled are "
                       "mutually exclusive (the artifact root is the "
                       "artifacts server's)");
    if (!dest)
        return fail_at(c, "spec.artifactsDestination",
                       "artifactsDestination must be set when "
                       "artifactsServer is enabled");
    if (!has(s, "backendStoreUriFrom") &&
        (!backend || starts(backend, "sqlite")))
        return fail_at(
            c, backend ? "spec.backendStoreUri" : "spec.artifactsServer",
            "artifactsServer cannot be enabled with an inline "
            "SQLite backendStoreUri (both servers share it): set "
            "backendStoreUri or backendStoreUriFrom to a database "
            "server");
    static const char *const shared[] = {"registryStoreUri",
                                         "readReplicaBackendStoreUri"};
    for (size_t i = 0; i < 2; i++)
        if (starts(str_of(s, shared[i]), "sqlite"))
            return fail_at(c, path2(c, "spec", shared[i]),
                           "artifactsServer cannot be enabled with an inline "
                           "SQLite %s (both servers share it)",
                           shared[i]);
    if (starts(dest, "file://") && replicas && replicas->u.i > 1 &&
        (!storage || !storage_rwx(s)))
        return fail_at(c, "spec.artifactsServer.replicas",
                       "multiple artifact server replicas with a "
                       "file-based artifactsDestination require storage with "
                       "ReadWriteMany as its first access mode");
    return 0;
}

/* The CRD's CEL rules; they judge the fields the user set. */
static int check_rules(mctx *c)
{
    const rn_value *s = c->spec;
    const rn_value *serve_v = has(s, "serveArtifacts");
    bool serve = serve_v && serve_v->u.b;
    bool storage = has(s, "storage") != NULL;
    const char *backend = str_of(s, "backendStoreUri");
    const char *registry = str_of(s, "registryStoreUri");
    const char *replica = str_of(s, "readReplicaBackendStoreUri");
    const char *dest = str_of(s, "artifactsDestination");
    const char *root = str_of(s, "defaultArtifactRoot");
    bool split = artifacts_server_on(s);

    if (backend && has(s, "backendStoreUriFrom"))
        return fail_at(c, "spec.backendStoreUriFrom",
                       "spec.backendStoreUri and spec.backendStoreUriFrom "
                       "are mutually exclusive; set only one");
    if (registry && has(s, "registryStoreUriFrom"))
        return fail_at(c, "spec.registryStoreUriFrom",
                       "spec.registryStoreUri and spec.registryStoreUriFrom "
                       "are mutually exclusive; set only one");
    if (replica && has(s, "readReplicaBackendStoreUriFrom"))
        return fail_at(c, "spec.readReplicaBackendStoreUriFrom",
                       "spec.readReplicaBackendStoreUri and "
                       "spec.readReplicaBackendStoreUriFrom are mutually "
                       "exclusive; set only one");
    if (split && check_split(c, serve, storage) < 0)
        return -1;
    if (!serve && !root && !split)
        return fail_at(c, "spec.defaultArtifactRoot",
                       "is required unless spec.serveArtifacts is true "
                       "(clients then write artifacts there directly)");
    if (!serve && starts(root, "file://"))
        return fail_at(c, "spec.defaultArtifactRoot",
                       "a file:// artifact root needs spec.serveArtifacts: "
                       "true (clients cannot reach the server's files)");
    if (!serve && !split && starts(dest, "file://"))
        return fail_at(c, "spec.artifactsDestination",
                       "a file:// destination needs spec.serveArtifacts: true "
                       "or spec.artifactsServer.enabled");
    if (has(s, "migration") &&
        (starts(backend, "file://") || starts(registry, "file://")))
        return fail_at(c, "spec.migration",
                       "mlflow db upgrade needs SQL stores (sqlite://, "
                       "postgresql://, mysql://, mssql://), not file://");
    if (!storage && local_uri(backend))
        return fail_at(c, "spec.backendStoreUri",
                       "a sqlite:// or file:// URI needs spec.storage (the "
                       "data would die with the pod)");
    if (!storage && local_uri(registry))
        return fail_at(c, "spec.registryStoreUri",
                       "a sqlite:// or file:// URI needs spec.storage (the "
                       "data would die with the pod)");
    if (!storage && local_uri(replica))
        return fail_at(c, "spec.readReplicaBackendStoreUri",
                       "a sqlite:// or file:// URI needs spec.storage (the "
                       "data would die with the pod)");
    if (!storage && starts(dest, "file://"))
        return fail_at(c, "spec.artifactsDestination",
                       "a file:// destination needs spec.storage (the "
                       "artifacts would die with the pod)");
    return 0;
}

/* Things that render but that the user should hear about. */
static void add_warnings(mctx *c)
{
    const rn_value *s = c->spec;
    const rn_value *serve_v = has(s, "serveArtifacts");
    bool serve = serve_v && serve_v->u.b;
    const rn_value *st = has(s, "storage");
    if (!st && !has(s, "backendStoreUri") && !has(s, "backendStoreUriFrom"))
        warn(c,
             "spec.storage is not set: the tracking database defaults "
             "to " DEFAULT_BACKEND " inside the pod and is lost with it; set "
             "spec.storage or spec.backendStoreUriFrom");
    if (!st && serve && !has(s, "artifactsDestination"))
        warn(c, "spec.storage is not set: served artifacts default "
                "to " DEFAULT_ARTIFACTS
                " inside the pod and are lost with it; set "
                "spec.storage or spec.artifactsDestination");
    if (!serve && !artifacts_server_on(s) && has(s, "artifactsDestination"))
        warn(c, "spec.artifactsDestination is ignored unless "
                "spec.serveArtifacts or spec.artifactsServer.enabled is "
                "true");
    const rn_value *replicas = has(s, "replicas");
    const rn_value *modes = st ? has(st, "accessModes") : NULL;
    const char *mode = modes && modes->u.list.len
                           ? modes->u.list.items[0]->u.s.ptr
                           : "ReadWriteOnce";
    if (st && replicas && replicas->u.i > 1 && strcmp(mode, "ReadWriteMany"))
        warn(c,
             "spec.replicas is %lld but the claim is %s: every pod must "
             "run on one node (use ReadWriteMany)",
             (long long)replicas->u.i, mode);
}

/* ---- values ------------------------------------------------------------ */

/* The map at `key` of `parent`, created when missing. */
static rn_value *vmap(mctx *c, rn_value *parent, const char *key)
{
    rn_value *m = rn_map_getz(parent, key);
    if (!m) {
        m = rn_map_new(c->a, 4);
        rn_map_setz(c->a, parent, key, m);
    }
    return m;
}

static void vstr(mctx *c, rn_value *map, const char *key, const char *s)
{
    rn_map_setz(c->a, map, key, rn_strz(c->a, s));
}

/* Copy spec.<key> to values <map>.<vkey> when the user set it. */
/* map[vkey] = a copy of from[key], when from has it. */
static void vcopy_from(mctx *c, rn_value *map, const char *vkey,
                       const rn_value *from, const char *key)
{
    const rn_value *v = has(from, key);
    if (v)
        rn_map_setz(c->a, map, vkey, rn_value_deepcopy(c->a, v));
}

static void vcopy(mctx *c, rn_value *map, const char *vkey, const char *key)
{
    vcopy_from(c, map, vkey, c->spec, key);
}

/* parent[key] gets the fields of `from` named in keys (NULL-terminated)
 * that the user set; nothing when `from` is NULL. */
static rn_value *vfields(mctx *c, rn_value *parent, const char *key,
                         const rn_value *from, const char *const *keys)
{
    if (!from)
        return NULL;
    rn_value *g = vmap(c, parent, key);
    for (; *keys; keys++)
        vcopy_from(c, g, *keys, from, *keys);
    return g;
}

/* A spec object that switches a chart part on: as vfields, and
 * enabled: true. */
static void venabled(mctx *c, rn_value *parent, const char *key,
                     const rn_value *from, const char *const *keys)
{
    rn_value *g = vfields(c, parent, key, from, keys);
    if (g)
        rn_map_setz(c->a, g, "enabled", rn_bool(c->a, true));
}

static const char *str_or(const char *s, const char *dflt)
{
    return s && *s ? s : dflt;
}

static void values_image(mctx *c, const rn_mlflow_opts *o)
{
    const rn_value *image = has(c->spec, "image");
    const char *name = str_of(image, "image");
    const char *policy = str_of(image, "imagePullPolicy");
    rn_value *m = vmap(c, c->values, "image");
    vstr(c, m, "name", str_or(name, str_or(o->image, RN_MLFLOW_DEFAULT_IMAGE)));
    if (policy)
        vstr(c, m, "imagePullPolicy", policy);
}

/* A quantity as the chart's string; a bare number in YAML is a count. */
static const char *quantity_str(mctx *c, const rn_value *q)
{
    if (q->kind == RN_INT)
        return rn_arena_printf(c->a, "%lld", (long long)q->u.i);
    if (q->kind == RN_FLOAT)
        return rn_arena_printf(c->a, "%.17g", q->u.f);
    return q->u.s.ptr;
}

static void values_storage(mctx *c)
{
    static const char *const passed[] = {
        "accessModes",  "volumeMode",
        "volumeName",   "volumeAttributesClassName",
        "selector",     "dataSource",
        "dataSourceRef"};
    const rn_value *st = has(c->spec, "storage");
    rn_value *m = vmap(c, c->values, "storage");
    rn_map_setz(c->a, m, "enabled", rn_bool(c->a, st != NULL));
    if (!st)
        return;
    const rn_value *size = rn_value_at(st, "resources.requests.storage");
    const rn_value *limit = rn_value_at(st, "resources.limits.storage");
    const char *cls = str_of(st, "storageClassName");
    vstr(c, m, "size", size ? quantity_str(c, size) : "2Gi");
    if (limit)
        vstr(c, m, "sizeLimit", quantity_str(c, limit));
    if (cls)
        vstr(c, m, "storageClassName", cls);
    /* One mode is the chart's accessMode; several, its accessModes. */
    const rn_value *modes = has(st, "accessModes");
    size_t nmodes = modes ? modes->u.list.len : 0;
    vstr(c, m, "accessMode",
         nmodes ? modes->u.list.items[0]->u.s.ptr : "ReadWriteOnce");
    for (size_t i = nmodes > 1 ? 0 : 1; i < sizeof passed / sizeof *passed;
         i++) {
        const rn_value *v = has(st, passed[i]);
        if (v)
            rn_map_setz(c->a, m, passed[i], rn_value_deepcopy(c->a, v));
    }
}

/* A LabelSelector as the label-selector string the Kubernetes API (and so
 * the workspace provider) reads: "k=v,k in (a,b),k notin (c),k,!k". */
static const char *selector_string(mctx *c, const rn_value *sel)
{
    rn_buf b = RN_BUF_INIT;
    const rn_value *ml = has(sel, "matchLabels");
    const rn_value *me = has(sel, "matchExpressions");
    for (size_t i = 0; ml && i < ml->u.map.len; i++)
        rn_buf_printf(&b, "%s%s=%s", b.len ? "," : "", ml->u.map.pairs[i].key,
                      ml->u.map.pairs[i].val->u.s.ptr);
    for (size_t i = 0; me && i < me->u.list.len; i++) {
        const rn_value *e = me->u.list.items[i];
        const char *key = str_of(e, "key"), *op = str_of(e, "operator");
        const rn_value *vals = has(e, "values");
        if (b.len)
            rn_buf_puts(&b, ",");
        if (strcmp(op, "Exists") == 0) {
            rn_buf_puts(&b, key);
            continue;
        }
        if (strcmp(op, "DoesNotExist") == 0) {
            rn_buf_printf(&b, "!%s", key);
            continue;
        }
        rn_buf_printf(&b, "%s %s (", key,
                      strcmp(op, "In") == 0 ? "in" : "notin");
        for (size_t j = 0; j < vals->u.list.len; j++)
            rn_buf_printf(&b, "%s%s", j ? "," : "",
                          vals->u.list.items[j]->u.s.ptr);
        rn_buf_puts(&b, ")");
    }
    const char *out = rn_strz(c->a, b.data ? b.data : "")->u.s.ptr;
    rn_buf_free(&b);
    return out;
}

/* A Secret key reference of the spec as the chart's EnvVarSource:
 * {secretKeyRef: {name, key[, optional]}}, from either form. */
static void vsecret(mctx *c, rn_value *map, const char *key)
{
    const rn_value *from = has(c->spec, key);
    if (!from)
        return;
    const rn_value *ref = has(from, "secretKeyRef");
    rn_value *sel = rn_map_new(c->a, 3);
    static const char *const keys[] = {"name", "key", "optional"};
    for (size_t i = 0; i < 3; i++) {
        const rn_value *v = has(ref ? ref : from, keys[i]);
        if (v)
            rn_map_setz(c->a, sel, keys[i], rn_value_deepcopy(c->a, v));
    }
    rn_value *src = rn_map_new(c->a, 1);
    rn_map_setz(c->a, src, "secretKeyRef", sel);
    rn_map_setz(c->a, map, key, src);
}

static void values_mlflow(mctx *c)
{
    static const char *const copied[] = {
        "backendStoreUri", "registryStoreUri", "readReplicaBackendStoreUri",
        "artifactsDestination", "defaultArtifactRoot"};
    static const char *const secrets[] = {"backendStoreUriFrom",
                                          "registryStoreUriFrom",
                                          "readReplicaBackendStoreUriFrom"};
    const rn_value *serve = has(c->spec, "serveArtifacts");
    const rn_value *workers = has(c->spec, "workers");
    rn_value *m = vmap(c, c->values, "mlflow");
    for (size_t i = 0; i < sizeof copied / sizeof *copied; i++)
        vcopy(c, m, copied[i], copied[i]);
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
        vsecret(c, m, secrets[i]);
    rn_map_setz(c->a, m, "serveArtifacts", rn_bool(c->a, serve && serve->u.b));
    rn_map_setz(c->a, m, "workers", rn_int(c->a, workers ? workers->u.i : 1));
    /* Behind the gateway the route checks hosts; each instance is served
     * under its own path. */
    rn_value *hosts = rn_list_new(c->a, 1);
    rn_list_push(c->a, hosts, rn_strz(c->a, "*"));
    rn_map_setz(c->a, m, "allowedHosts", hosts);
    vstr(c, m, "staticPrefix", c->prefix);
    const rn_value *sel = has(c->spec, "workspaceLabelSelector");
    if (sel)
        vstr(c, m, "workspaceLabelSelector", selector_string(c, sel));
}

/* The origin (scheme://host[:port]) of an absolute URL, or NULL. */
static const char *origin_of(mctx *c, const char *url)
{
    const char *sep = url ? strstr(url, "://") : NULL;
    if (!sep || sep == url || !sep[3])
        return NULL;
    size_t n = (size_t)(sep + 3 - url) + strcspn(sep + 3, "/?#");
    return rn_arena_printf(c->a, "%.*s", (int)n, url);
}

/* CORS: the chart allows the Service's own names; the operator and the
 * function add the gateway's URL, then the user's extraAllowedOrigins. */
static void values_origins(mctx *c, const rn_mlflow_opts *o)
{
    rn_value *list = rn_list_new(c->a, 2);
    const char *gw = origin_of(c, o->mlflow_url);
    if (gw)
        rn_list_push(c->a, list, rn_strz(c->a, gw));
    const rn_value *extra = has(c->spec, "extraAllowedOrigins");
    for (size_t i = 0; extra && i < extra->u.list.len; i++)
        rn_list_push(c->a, list,
                     rn_value_deepcopy(c->a, extra->u.list.items[i]));
    if (list->u.list.len)
        rn_map_setz(c->a, vmap(c, c->values, "mlflow"), "corsAllowedOrigins",
                    list);
}

/* spec.artifactsServer: its replicas and workers, its own resources and
 * claims; with the gateway's URL and the route, the artifact root clients
 * reach through the gateway (else the chart's in-cluster URL). */
static void values_artifacts_server(mctx *c, const rn_mlflow_opts *o)
{
    static const char *const keys[] = {"workers", "resources", "resourceClaims",
                                       NULL};
    const rn_value *as = has(c->spec, "artifactsServer");
    if (!artifacts_server_on(c->spec))
        return;
    rn_value *g = vfields(c, c->values, "artifactsServer", as, keys);
    rn_map_setz(c->a, g, "enabled", rn_bool(c->a, true));
    vcopy_from(c, g, "replicaCount", as, "replicas");
    const char *url = o->mlflow_url;
    if (!o->http_route || !url || !*url)
        return;
    size_t n = strlen(url);
    while (n && url[n - 1] == '/')
        n--;
    vstr(c, g, "artifactRoot",
         rn_arena_printf(c->a,
                         "%.*s/mlflow-artifacts%s/api/2.0/mlflow-artifacts/"
                         "artifacts",
                         (int)n, url, c->prefix + strlen("/mlflow")));
}

static int values_route_and_link(mctx *c, const rn_mlflow_opts *o, bool rhoai)
{
    rn_value *r = vmap(c, c->values, "httpRoute");
    rn_map_setz(c->a, r, "enabled", rn_bool(c->a, o->http_route));
    if (o->gateway_name && *o->gateway_name)
        vstr(c, r, "gatewayName", o->gateway_name);
    if (o->gateway_namespace && *o->gateway_namespace)
        vstr(c, r, "gatewayNamespace", o->gateway_namespace);

    if (o->tls_rollout)
        rn_map_setz(c->a, vmap(c, c->values, "tls"), "watchSeconds",
                    rn_int(c->a, 0));

    if (o->metrics) { /* the chart's defaults are off */
        rn_value *metrics = vmap(c, c->values, "metrics");
        rn_map_setz(c->a, metrics, "enabled", rn_bool(c->a, true));
        if (o->service_monitor)
            rn_map_setz(c->a, vmap(c, metrics, "serviceMonitor"), "enabled",
                        rn_bool(c->a, true));
    } else if (o->service_monitor)
        warn(c, "no ServiceMonitor: metrics are off, there is no /metrics "
                "to scrape");

    rn_value *l = vmap(c, c->values, "consoleLink");
    bool link = o->console_link;
    const char *url = o->mlflow_url;
    if (link && !(url && *url)) {
        warn(c, "no MLflow URL is configured (mlflowUrl, MLFLOW_URL): the "
                "ConsoleLink is not rendered");
        link = false;
    }
    rn_map_setz(c->a, l, "enabled", rn_bool(c->a, link));
    if (!link)
        return 0;
    if (!starts(url, "https://") || !url[8])
        return fail_at(c, "", "mlflowUrl must be an https:// URL, got \"%s\"",
                       url);
    size_t n = strlen(url);
    while (n > 8 && url[n - 1] == '/')
        n--;
    vstr(c, l, "href", rn_arena_printf(c->a, "%.*s%s", (int)n, url, c->prefix));
    vstr(c, l, "sectionTitle",
         str_or(o->section_title,
                rhoai ? "Red Hat OpenShift AI" : "Open Data Hub"));
    vstr(c, l, "text", "MLflow");
    return 0;
}

static void build_values(mctx *c, const rn_mlflow_opts *o, const char *ns,
                         const char *name)
{
    static const char *const passed[] = {"resources",
                                         "resourceClaims",
                                         "env",
                                         "envFrom",
                                         "podLabels",
                                         "podAnnotations",
                                         "podSecurityContext",
                                         "securityContext",
                                         "nodeSelector",
                                         "tolerations",
                                         "affinity"};
    rn_value *v = c->values;
    bool plain = strcmp(name, "mlflow") == 0;
    const rn_value *replicas = has(c->spec, "replicas");
    const char *sa = str_of(c->spec, "serviceAccountName");

    vstr(c, v, "namespace", ns);
    vstr(c, v, "resourceSuffix",
         plain ? "" : rn_arena_printf(c->a, "-%s", name));
    /* One serving certificate per Service: the service CA would otherwise
     * rewrite one Secret for two Services. */
    vstr(c, vmap(c, v, "tls"), "secretName",
         rn_arena_printf(c->a, "%s-tls", c->base));
    rn_map_setz(c->a, v, "replicaCount",
                rn_int(c->a, replicas ? replicas->u.i : 1));
    values_image(c, o);
    /* Only an explicit name: the chart derives mlflow[-<name>]-sa and
     * labels an explicitly named (shareable) account differently. */
    if (sa)
        vstr(c, vmap(c, v, "serviceAccount"), "name", sa);
    if (has(c->spec, "serviceAccountAnnotations"))
        vcopy(c, vmap(c, v, "serviceAccount"), "annotations",
              "serviceAccountAnnotations");
    values_storage(c);
    values_mlflow(c);
    for (size_t i = 0; i < sizeof passed / sizeof *passed; i++)
        vcopy(c, v, passed[i], passed[i]);
    const rn_value *tmp = rn_value_at(c->spec, "temporaryStorage.sizeLimit");
    if (tmp && tmp->kind != RN_NULL)
        vstr(c, vmap(c, v, "temporaryStorage"), "sizeLimit",
             quantity_str(c, tmp));
    const char *ca = str_of(has(c->spec, "caBundleConfigMap"), "name");
    if (ca)
        vstr(c, vmap(c, v, "caBundle"), "configMapName", ca);
    vcopy(c, vmap(c, v, "networkPolicy"), "egress", "networkPolicyEgressRules");
    vcopy(c, vmap(c, v, "networkPolicy"), "additionalEgress",
          "networkPolicyAdditionalEgressRules");
    static const char *const mig[] = {"mode", "ttlSecondsAfterFinished", NULL};
    static const char *const gc[] = {"schedule", "olderThan", "resources",
                                     NULL};
    static const char *const bkk[] = {"keep", "claimName", "image", NULL};
    static const char *const trk[] = {"enabled", "schedule", "timeZone",
                                      "resources", NULL};
    static const char *const tak[] = {"schedule",
                                      "location",
                                      "retention",
                                      "maxTracesPerPass",
                                      "longRetentionAllowlist",
                                      "resources",
                                      NULL};
    const rn_value *mg = has(c->spec, "migration");
    venabled(c, v, "migration", mg, mig);
    if (mg)
        venabled(c, vmap(c, v, "migration"), "backup", has(mg, "backup"), bkk);
    venabled(c, v, "garbageCollection", has(c->spec, "garbageCollection"), gc);
    vfields(c, v, "traceRollups", has(c->spec, "traceRollups"), trk);
    const rn_value *ta = has(c->spec, "traceArchival");
    const rn_value *ta_on = has(ta, "enabled");
    if (ta_on && ta_on->u.b) {
        venabled(c, v, "traceArchival", ta, tak);
        if (!has(ta, "schedule"))
            vstr(c, vmap(c, v, "traceArchival"), "schedule", "0 */6 * * *");
    }
    values_artifacts_server(c, o);
    values_origins(c, o);
}

/* ---- entry ------------------------------------------------------------- */

static int check_name(mctx *c, const rn_value *cr, const char **name)
{
    const rn_value *v = has(has(cr, "metadata"), "name");
    if (!v)
        return fail_at(c, "metadata.name", "is required");
    if (want_string(c, "metadata.name", v) < 0)
        return -1;
    if (v->u.s.len > RN_MLFLOW_MAX_NAME)
        return fail_at(c, "metadata.name",
                       "must be at most %d characters (the generated names "
                       "must fit 63), got %zu",
                       RN_MLFLOW_MAX_NAME, v->u.s.len);
    if (!is_dns_name(v->u.s.ptr, RN_MLFLOW_MAX_NAME, false))
        return fail_at(c, "metadata.name",
                       "must be a DNS label (lower-case letters, digits and "
                       "'-', starting and ending with a letter or digit), "
                       "got %s",
                       describe(c, v));
    *name = v->u.s.ptr;
    return 0;
}

/* The target namespace: the explicit one, else the mode's. */
static int pick_namespace(mctx *c, const rn_mlflow_opts *o, const char **ns,
                          bool *rhoai)
{
    const char *mode = str_or(o->mode, "opendatahub");
    *rhoai = strcmp(mode, "rhoai") == 0;
    if (!*rhoai && strcmp(mode, "opendatahub") != 0)
        return fail_at(c, "", "mode must be opendatahub or rhoai, got \"%s\"",
                       mode);
    *ns = str_or(o->namespace,
                 *rhoai ? "redhat-ods-applications" : "opendatahub");
    if (!is_dns_name(*ns, 63, false))
        return fail_at(c, "", "namespace must be a DNS label, got \"%s\"", *ns);
    return 0;
}

int rn_mlflow_values(rn_arena *a, const rn_value *cr, const rn_mlflow_opts *o,
                     rn_value **values, rn_value **warnings,
                     const char **release, const char **namespace,
                     rn_error *err)
{
    static const rn_mlflow_opts none = {0};
    rn_error scratch;
    if (!err) {
        rn_error_clear(&scratch);
        err = &scratch;
    }
    if (!o)
        o = &none;
    *values = NULL;
    mctx c = {.a = a, .err = err, .warnings = rn_list_new(a, 2)};
    const char *name = NULL, *ns = NULL;
    bool rhoai = false;
    if (!cr || cr->kind != RN_MAP)
        return fail_at(&c, "", "an MLflow object must be a map");
    if (check_name(&c, cr, &name) < 0 || pick_namespace(&c, o, &ns, &rhoai) < 0)
        return -1;
    const rn_value *spec = has(cr, "spec");
    if (spec && want_kind(&c, "spec", spec, RN_MAP) < 0)
        return -1;
    c.spec = spec;
    bool plain = strcmp(name, "mlflow") == 0;
    c.base = plain ? "mlflow" : rn_arena_printf(a, "mlflow-%s", name);
    c.prefix = rn_arena_printf(a, "/%s", c.base);
    if (check_spec(&c) < 0 || check_schema(&c) < 0 || check_rules(&c) < 0)
        return -1;
    add_warnings(&c);
    c.values = rn_map_new(a, 24);
    build_values(&c, o, ns, name);
    if (values_route_and_link(&c, o, rhoai) < 0)
        return -1;
    *values = c.values;
    if (warnings)
        *warnings = c.warnings;
    if (release)
        *release = c.base;
    if (namespace)
        *namespace = ns;
    return 0;
}
