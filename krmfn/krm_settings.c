/*
 * krm_settings.c — what krmfn is told to do, from wherever it is told:
 * a functionConfig (ConfigMap `data:` or an object's `spec:`), the
 * krmfn.mlflow.opendatahub.io/<key> annotations of an MLflow object (the
 * generator form, and per-object overrides), and the flags of
 * `krmfn render`. One table of keys, one check per key, so every source
 * accepts and rejects the same things and a rejection names the key.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krm.h"
#include "openapi.h"

typedef enum check {
    CK_MODE,
    CK_LABEL,     /* DNS-1123 label: namespaces */
    CK_SUBDOMAIN, /* DNS-1123 subdomain: object names */
    CK_IMAGE,
    CK_URL,
    CK_TEXT,
    CK_BOOL,
    CK_PATH,
} check;

typedef struct key_def {
    const char *key;
    check ck;
} key_def;

static const key_def keys[] = {
    {"mode", CK_MODE},
    {"namespace", CK_LABEL},
    {"mlflowImage", CK_IMAGE},
    {"gatewayName", CK_SUBDOMAIN},
    {"gatewayNamespace", CK_LABEL},
    {"httpRoute", CK_BOOL},
    {"consoleLink", CK_BOOL},
    {"metrics", CK_BOOL},
    {"serviceMonitor", CK_BOOL},
    {"mlflowUrl", CK_URL},
    {"sectionTitle", CK_TEXT},
    {"keepMLflow", CK_BOOL},
    {"chart", CK_PATH},
};

void krm_settings_defaults(krm_settings *s)
{
    memset(s, 0, sizeof *s);
    /* Objects the function renders say so in app.kubernetes.io/managed-by;
     * the operator's say mlflow-operator. */
    s->opts.managed_by = KRM_MANAGED_BY;
    const char *img = getenv("MLFLOW_IMAGE");
    if (img && *img)
        s->opts.image = img;
}

static const key_def *find_key(const char *key)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(keys[i].key, key) == 0)
            return &keys[i];
    return NULL;
}

static void known_keys(char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof keys / sizeof keys[0] && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
                              keys[i].key);
}

/* Go's strconv.ParseBool, which is what kyaml-based functions accept. */
static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t i = 0; i < 6; i++) {
        if (strcmp(s, yes[i]) == 0)
            return *out = true, 0;
        if (strcmp(s, no[i]) == 0)
            return *out = false, 0;
    }
    return -1;
}

static bool dns_label(const char *s, size_t n)
{
    if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
              s[i] == '-'))
            return false;
    return true;
}

static bool dns_subdomain(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 253)
        return false;
    for (const char *p = s;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (!dns_label(p, len))
            return false;
        if (!dot)
            return true;
        p = dot + 1;
    }
}

/* No whitespace and no control characters: an image reference, a URL or
 * a path is one token. */
static bool one_token(const char *s)
{
    if (!*s)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return false;
    return true;
}

static bool no_controls(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < ' ' || *p == 0x7f)
            return false;
    return true;
}

static int bad(char *why, size_t whylen, const char *fmt, const char *val)
    __attribute__((format(printf, 3, 0)));

static int bad(char *why, size_t whylen, const char *fmt, const char *val)
{
    snprintf(why, whylen, fmt, val);
    return -1;
}

static int check_value(const key_def *k, const char *v, char *why,
                       size_t whylen)
{
    switch (k->ck) {
    case CK_MODE:
        if (strcmp(v, "opendatahub") && strcmp(v, "rhoai"))
            return bad(why, whylen,
                       "unknown mode \"%s\" (want opendatahub or rhoai)", v);
        return 0;
    case CK_LABEL:
        if (!dns_label(v, strlen(v)))
            return bad(why, whylen,
                       "\"%s\" is not a valid namespace name (lowercase "
                       "letters, digits and '-', at most 63 characters)",
                       v);
        return 0;
    case CK_SUBDOMAIN:
        if (!dns_subdomain(v))
            return bad(why, whylen,
                       "\"%s\" is not a valid object name (a DNS-1123 "
                       "subdomain)",
                       v);
        return 0;
    case CK_IMAGE:
    case CK_PATH:
        if (!one_token(v))
            return bad(why, whylen,
                       "\"%s\" must be one word without spaces or "
                       "control characters",
                       v);
        return 0;
    case CK_URL:
        /* The console opens it from an https page, and the chart links
         * nothing else. */
        if (!one_token(v) || strncmp(v, "https://", 8) != 0 || !v[8])
            return bad(why, whylen, "\"%s\" is not an https:// URL", v);
        return 0;
    case CK_TEXT:
        if (!no_controls(v))
            return bad(why, whylen,
                       "\"%s\" must be one line without control "
                       "characters",
                       v);
        return 0;
    case CK_BOOL: {
        bool b;
        if (parse_bool(v, &b) < 0)
            return bad(why, whylen,
                       "\"%s\" is not a boolean (want \"true\" or "
                       "\"false\")",
                       v);
        return 0;
    }
    }
    return 0;
}

static void store(rn_arena *a, krm_settings *s, const key_def *k, const char *v)
{
    const char *c = rn_arena_strdup(a, v);
    bool b = false;
    if (k->ck == CK_BOOL)
        parse_bool(v, &b);
    if (strcmp(k->key, "mode") == 0)
        s->opts.mode = c;
    else if (strcmp(k->key, "namespace") == 0)
        s->opts.namespace = c;
    else if (strcmp(k->key, "mlflowImage") == 0)
        s->opts.image = c;
    else if (strcmp(k->key, "gatewayName") == 0)
        s->opts.gateway_name = c;
    else if (strcmp(k->key, "gatewayNamespace") == 0)
        s->opts.gateway_namespace = c;
    else if (strcmp(k->key, "httpRoute") == 0)
        s->opts.http_route = b;
    else if (strcmp(k->key, "consoleLink") == 0)
        s->opts.console_link = b;
    else if (strcmp(k->key, "metrics") == 0)
        s->opts.metrics = b;
    else if (strcmp(k->key, "serviceMonitor") == 0)
        s->opts.service_monitor = b;
    else if (strcmp(k->key, "mlflowUrl") == 0)
        s->opts.mlflow_url = c;
    else if (strcmp(k->key, "sectionTitle") == 0)
        s->opts.section_title = c;
    else if (strcmp(k->key, "keepMLflow") == 0)
        s->keep_mlflow = b;
    else if (strcmp(k->key, "chart") == 0)
        s->chart_dir = c;
}

int krm_settings_set(rn_arena *a, krm_settings *s, const char *key,
                     const rn_value *val, char *why, size_t whylen)
{
    const key_def *k = find_key(key);
    if (!k) {
        char list[512];
        known_keys(list, sizeof list);
        snprintf(why, whylen, "unknown key \"%s\" (known keys: %s)", key, list);
        return -1;
    }
    /* An empty or null value leaves the default in place, as an unset
     * ConfigMap key would. */
    if (!val || val->kind == RN_NULL)
        return 0;
    const char *v;
    if (val->kind == RN_STRING)
        v = val->u.s.ptr;
    else if (val->kind == RN_BOOL && k->ck == CK_BOOL)
        v = val->u.b ? "true" : "false";
    else {
        snprintf(why, whylen, "must be a string%s, got %s",
                 k->ck == CK_BOOL ? " or a boolean" : "",
                 rn_openapi_describe(a, val));
        return -1;
    }
    if (strlen(v) != (val->kind == RN_STRING ? val->u.s.len : strlen(v))) {
        snprintf(why, whylen, "holds a NUL character");
        return -1;
    }
    if (*v == '\0' && k->ck != CK_BOOL)
        return 0;
    if (check_value(k, v, why, whylen) < 0)
        return -1;
    store(a, s, k, v);
    return 0;
}

/* Every key of `map` through krm_settings_set; problems are results on
 * `obj` at "<where>.<key>". */
static size_t apply_map(rn_arena *a, krm_settings *s, const rn_value *map,
                        const rn_value *obj, const char *where,
                        krm_results *res)
{
    size_t nerr = 0;
    for (size_t i = 0; i < map->u.map.len; i++) {
        const rn_pair *p = &map->u.map.pairs[i];
        char why[1024];
        if (krm_settings_set(a, s, p->key, p->val, why, sizeof why) < 0) {
            const char *field = rn_arena_printf(a, "%s.%s", where, p->key);
            krm_result(res, KRM_ERROR, obj, field, "%s", why);
            nerr++;
        }
    }
    return nerr;
}

size_t krm_settings_from_annotations(rn_arena *a, krm_settings *s,
                                     const rn_value *obj, krm_results *res)
{
    const rn_value *ann = rn_value_at(obj, "metadata.annotations");
    if (!ann || ann->kind != RN_MAP)
        return 0;
    size_t plen = strlen(KRM_ANNOTATION_PREFIX), nerr = 0;
    for (size_t i = 0; i < ann->u.map.len; i++) {
        const rn_pair *p = &ann->u.map.pairs[i];
        if (strncmp(p->key, KRM_ANNOTATION_PREFIX, plen) != 0)
            continue;
        char why[1024];
        if (krm_settings_set(a, s, p->key + plen, p->val, why, sizeof why) <
            0) {
            const char *field =
                rn_arena_printf(a, "metadata.annotations[%s]", p->key);
            krm_result(res, KRM_ERROR, obj, field, "%s", why);
            nerr++;
        }
    }
    return nerr;
}

/* A misspelt `data:` or `spec:` would otherwise run with the defaults
 * and succeed. */
static size_t unknown_fields(const rn_value *fncfg, const char *where,
                             krm_results *res)
{
    size_t nerr = 0;
    for (size_t i = 0; i < fncfg->u.map.len; i++) {
        const char *k = fncfg->u.map.pairs[i].key;
        if (strcmp(k, "apiVersion") && strcmp(k, "kind") &&
            strcmp(k, "metadata") && strcmp(k, where)) {
            krm_result(res, KRM_ERROR, fncfg, k,
                       "unknown field \"%s\" in the functionConfig (%s "
                       "takes apiVersion, kind, metadata and %s)",
                       k,
                       strcmp(where, "data") ? "an object with spec"
                                             : "a ConfigMap",
                       where);
            nerr++;
        }
    }
    return nerr;
}

/* Where a functionConfig holds its keys: "data" of a v1 ConfigMap, else
 * "spec". */
static const char *config_section(const rn_value *fncfg)
{
    const char *kind = krm_str_at(fncfg, "kind");
    const char *av = krm_str_at(fncfg, "apiVersion");
    bool cm =
        kind && av && strcmp(kind, "ConfigMap") == 0 && strcmp(av, "v1") == 0;
    return cm ? "data" : "spec";
}

const char *krm_settings_field(rn_arena *a, const rn_value *fncfg,
                               const char *key)
{
    if (!fncfg || fncfg->kind != RN_MAP)
        return NULL;
    if (krm_is_mlflow(fncfg))
        return rn_arena_printf(a, "metadata.annotations[%s%s]",
                               KRM_ANNOTATION_PREFIX, key);
    return rn_arena_printf(a, "%s.%s", config_section(fncfg), key);
}

size_t krm_settings_from_config(rn_arena *a, krm_settings *s,
                                const rn_value *fncfg, krm_results *res)
{
    if (!fncfg || fncfg->kind == RN_NULL)
        return 0;
    if (fncfg->kind != RN_MAP) {
        krm_result(res, KRM_ERROR, NULL, "functionConfig",
                   "functionConfig must be an object, got %s",
                   rn_openapi_describe(a, fncfg));
        return 1;
    }
    if (krm_is_mlflow(fncfg))
        return krm_settings_from_annotations(a, s, fncfg, res);
    const char *where = config_section(fncfg);
    size_t nerr = unknown_fields(fncfg, where, res);
    const rn_value *map = rn_map_getz(fncfg, where);
    if (!map || map->kind == RN_NULL)
        return nerr;
    if (map->kind != RN_MAP) {
        krm_result(res, KRM_ERROR, fncfg, where, "must be a mapping, got %s",
                   rn_openapi_describe(a, map));
        return nerr + 1;
    }
    return nerr + apply_map(a, s, map, fncfg, where, res);
}
