/*
 * krm_results.c — the results list of a KRM function (severity, message,
 * resourceRef, field.path, file), as kpt and kustomize read it, and the
 * small object accessors results need.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krm.h"

void krm_results_init(krm_results *r, rn_arena *a)
{
    r->a = a;
    r->list = rn_list_new(a, 4);
    r->errors = r->warnings = 0;
}

const char *krm_str_at(const rn_value *obj, const char *dotted)
{
    const rn_value *v =
        obj && obj->kind == RN_MAP ? rn_value_at(obj, dotted) : NULL;
    return v && v->kind == RN_STRING ? v->u.s.ptr : NULL;
}

bool krm_is_mlflow(const rn_value *obj)
{
    const char *av = krm_str_at(obj, "apiVersion");
    const char *kind = krm_str_at(obj, "kind");
    return av && kind && strcmp(av, KRM_MLFLOW_API_VERSION) == 0 &&
           strcmp(kind, KRM_MLFLOW_KIND) == 0;
}

const char *krm_describe(rn_arena *a, const rn_value *obj)
{
    const char *kind = krm_str_at(obj, "kind");
    const char *name = krm_str_at(obj, "metadata.name");
    if (!kind)
        kind = "object";
    return name ? rn_arena_printf(a, "%s/%s", kind, name)
                : rn_arena_strdup(a, kind);
}

/* Annotations are not dotted paths ("config.kubernetes.io/path" holds
 * dots), so they are looked up in the annotations map itself. */
static const rn_value *annotation(const rn_value *obj, const char *key)
{
    const rn_value *ann = obj && obj->kind == RN_MAP
                              ? rn_value_at(obj, "metadata.annotations")
                              : NULL;
    return ann && ann->kind == RN_MAP ? rn_map_getz(ann, key) : NULL;
}

static void put_str(rn_arena *a, rn_value *map, const char *key, const char *s)
{
    if (s && *s)
        rn_map_setz(a, map, key, rn_strz(a, s));
}

static rn_value *resource_ref(rn_arena *a, const rn_value *obj)
{
    rn_value *ref = rn_map_new(a, 4);
    put_str(a, ref, "apiVersion", krm_str_at(obj, "apiVersion"));
    put_str(a, ref, "kind", krm_str_at(obj, "kind"));
    put_str(a, ref, "name", krm_str_at(obj, "metadata.name"));
    put_str(a, ref, "namespace", krm_str_at(obj, "metadata.namespace"));
    return ref->u.map.len ? ref : NULL;
}

/* kpt names the file an object came from in two annotations (the legacy
 * one and the internal one); either will do. */
static rn_value *file_ref(rn_arena *a, const rn_value *obj)
{
    const rn_value *path =
        annotation(obj, "internal.config.kubernetes.io/path");
    const rn_value *index =
        annotation(obj, "internal.config.kubernetes.io/index");
    if (!path || path->kind != RN_STRING) {
        path = annotation(obj, "config.kubernetes.io/path");
        index = annotation(obj, "config.kubernetes.io/index");
    }
    if (!path || path->kind != RN_STRING || !path->u.s.len)
        return NULL;
    rn_value *f = rn_map_new(a, 2);
    rn_map_setz(a, f, "path", rn_str(a, path->u.s.ptr, path->u.s.len));
    if (index && index->kind == RN_STRING) {
        char *end;
        long n = strtol(index->u.s.ptr, &end, 10);
        if (*index->u.s.ptr && !*end && n > 0)
            rn_map_setz(a, f, "index", rn_int(a, n));
    } else if (index && index->kind == RN_INT && index->u.i > 0) {
        rn_map_setz(a, f, "index", rn_int(a, index->u.i));
    }
    return f;
}

static const char *severity_name(krm_severity sev)
{
    return sev == KRM_ERROR ? "error" : sev == KRM_WARNING ? "warning" : "info";
}

/* The renderer's messages start with the field ("spec.replicas: must be
 * at least 1", "spec.storage is not set: ..."); kpt and kustomize print
 * field.path before the message, so the field would be said twice. */
static const char *without_field(const char *msg, const char *field)
{
    size_t n = field ? strlen(field) : 0;
    if (!n || strncmp(msg, field, n) != 0)
        return msg;
    if (msg[n] == ':' && msg[n + 1] == ' ')
        return msg + n + 2;
    if (msg[n] == ' ' && msg[n + 1])
        return msg + n + 1;
    return msg;
}

void krm_result(krm_results *r, krm_severity sev, const rn_value *obj,
                const char *field, const char *fmt, ...)
{
    char msg[RN_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rn_arena *a = r->a;
    rn_value *m = rn_map_new(a, 5);
    rn_map_setz(a, m, "message", rn_strz(a, without_field(msg, field)));
    rn_map_setz(a, m, "severity", rn_strz(a, severity_name(sev)));
    rn_value *ref = obj ? resource_ref(a, obj) : NULL;
    if (ref)
        rn_map_setz(a, m, "resourceRef", ref);
    if (field && *field) {
        rn_value *f = rn_map_new(a, 1);
        rn_map_setz(a, f, "path", rn_strz(a, field));
        rn_map_setz(a, m, "field", f);
    }
    rn_value *file = obj ? file_ref(a, obj) : NULL;
    if (file)
        rn_map_setz(a, m, "file", file);
    rn_list_push(a, r->list, m);
    if (sev == KRM_ERROR)
        r->errors++;
    else if (sev == KRM_WARNING)
        r->warnings++;
}

void krm_print_line(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (*p == '\n' || *p == '\r' || *p == '\t')
            fputc(' ', f);
        else if (*p < ' ' || *p == 0x7f) /* no terminal escapes */
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
    fputc('\n', f);
}

void krm_results_print(const krm_results *r, FILE *f, const char *prefix,
                       bool warnings)
{
    if (!f)
        return;
    for (size_t i = 0; i < r->list->u.list.len; i++) {
        const rn_value *m = r->list->u.list.items[i];
        const char *sev = krm_str_at(m, "severity");
        bool err = sev && strcmp(sev, "error") == 0;
        if (!err && !(warnings && sev && strcmp(sev, "warning") == 0))
            continue;
        const char *kind = krm_str_at(m, "resourceRef.kind");
        const char *name = krm_str_at(m, "resourceRef.name");
        const char *file = krm_str_at(m, "file.path");
        const char *field = krm_str_at(m, "field.path");
        fprintf(f, "%s: %s", prefix, err ? "" : "warning: ");
        if (file)
            fprintf(f, "%s: ", file);
        if (kind)
            fprintf(f, "%s%s%s: ", kind, name ? "/" : "", name ? name : "");
        if (field)
            fprintf(f, "%s: ", field);
        krm_print_line(f, krm_str_at(m, "message"));
    }
}
