/*
 * krm_run.c — items in, items out. An MLflow object is rendered through
 * the chart (each in its own arena, so a thousand objects cost a thousand
 * small arenas, not one large one) and replaced by its objects; anything
 * else passes through with its content and key order unchanged. Output is
 * written as YAML text as it goes, so nothing rendered outlives its arena.
 *
 * Generated objects are told where kpt should write them: next to the
 * MLflow object's file, in a directory named after the instance
 * ("mlflow-<name>/deployment_mlflow-<name>.yaml"); objects every instance
 * shares (no instance label: the ClusterRole) go beside the MLflow file
 * and are emitted once.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "krm.h"
#include "render.h"
#include "yaml.h"

#define INSTANCE_LABEL "app.kubernetes.io/instance"

struct krm_shared {
    const char *key;   /* apiVersion/kind/namespace/name */
    rn_value *obj;     /* the object as first rendered, for comparison */
    const char *owner; /* the MLflow object that rendered it first */
    krm_shared *next;
};

int krm_load_chart(rn_arena *a, const krm_settings *s, rn_chart **out,
                   rn_error *err)
{
    if (s->chart_dir)
        return rn_chart_load_dir(a, s->chart_dir, out, err);
    return rn_chart_load_embedded(a, out, err);
}

void krm_run_init(krm_run *r, rn_arena *a, krm_results *res,
                  const rn_chart *chart, rn_buf *out, bool stream)
{
    memset(r, 0, sizeof *r);
    r->a = a;
    r->res = res;
    r->chart = chart;
    r->out = out;
    r->stream = stream;
    r->annotate = !stream;
    r->claimed_paths = rn_list_new(a, 16);
    r->claimed_dirs = rn_list_new(a, 4);
}

void krm_indent_item(rn_buf *out, const char *doc, size_t len)
{
    const char *p = doc, *end = doc + len;
    bool first = true;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        /* Empty lines stay empty: inside a block scalar two spaces more
         * than its indentation would become content. */
        if (first)
            rn_buf_append(out, "- ", 2);
        else if (n)
            rn_buf_append(out, "  ", 2);
        rn_buf_append(out, p, n);
        rn_buf_putc(out, '\n');
        first = false;
        p = nl ? nl + 1 : end;
    }
    if (first)
        rn_buf_puts(out, "- null\n");
}

static void emit_text(krm_run *r, const char *doc, size_t len)
{
    if (r->stream) {
        if (r->ndocs)
            rn_buf_puts(r->out, "---\n");
        rn_buf_append(r->out, doc, len);
    } else {
        krm_indent_item(r->out, doc, len);
    }
    r->ndocs++;
}

static void emit(krm_run *r, const rn_value *obj)
{
    rn_buf doc = RN_BUF_INIT;
    rn_yaml_emit_doc(&doc, obj);
    emit_text(r, rn_buf_cstr(&doc), doc.len);
    rn_buf_free(&doc);
}

/* An MLflow kind of another apiVersion (v1alpha1, ...). */
static bool is_other_mlflow(const rn_value *obj)
{
    const char *av = krm_str_at(obj, "apiVersion");
    const char *kind = krm_str_at(obj, "kind");
    return av && kind && strcmp(kind, KRM_MLFLOW_KIND) == 0 &&
           strncmp(av, "mlflow.opendatahub.io/", 22) == 0 &&
           !krm_is_mlflow(obj);
}

const rn_value *krm_list_items(const rn_value *obj)
{
    const char *kind = krm_str_at(obj, "kind");
    const char *av = krm_str_at(obj, "apiVersion");
    if (!kind || !av)
        return NULL;
    bool list = strcmp(kind, "List") == 0 && strcmp(av, "v1") == 0;
    bool rl = strcmp(kind, "ResourceList") == 0 &&
              strncmp(av, "config.kubernetes.io/", 21) == 0;
    const rn_value *items = list || rl ? rn_map_getz(obj, "items") : NULL;
    return items && items->kind == RN_LIST ? items : NULL;
}

/* What passes through but looks like it was meant to be rendered. */
static void pass_warnings(krm_run *r, const rn_value *obj)
{
    if (is_other_mlflow(obj)) {
        krm_result(r->res, KRM_WARNING, obj, "apiVersion",
                   "only " KRM_MLFLOW_API_VERSION " MLflow objects are "
                   "rendered; this one passes through unchanged");
        return;
    }
    const rn_value *items = krm_list_items(obj);
    for (size_t i = 0; items && i < items->u.list.len; i++) {
        const rn_value *it = items->u.list.items[i];
        if (krm_is_mlflow(it) || is_other_mlflow(it))
            krm_result(r->res, KRM_WARNING, obj,
                       rn_arena_printf(r->a, "items[%zu]", i),
                       "%s inside a %s is not rendered; make it an item of "
                       "its own",
                       krm_describe(r->a, it), krm_str_at(obj, "kind"));
    }
}

void krm_run_pass(krm_run *r, const rn_value *obj)
{
    pass_warnings(r, obj);
    emit(r, obj);
}

static const char *label(const rn_value *obj, const char *key)
{
    const rn_value *labels = rn_value_at(obj, "metadata.labels");
    const rn_value *v =
        labels && labels->kind == RN_MAP ? rn_map_getz(labels, key) : NULL;
    return v && v->kind == RN_STRING ? v->u.s.ptr : NULL;
}

/* ---- where generated objects go ---------------------------------------- */

static const char *source_path(const rn_value *obj)
{
    const rn_value *ann = rn_value_at(obj, "metadata.annotations");
    if (!ann || ann->kind != RN_MAP)
        return NULL;
    const rn_value *p = rn_map_getz(ann, "internal.config.kubernetes.io/path");
    if (!p || p->kind != RN_STRING)
        p = rn_map_getz(ann, "config.kubernetes.io/path");
    return p && p->kind == RN_STRING ? p->u.s.ptr : NULL;
}

/* The directory part of the MLflow object's file, with its slash. */
static const char *source_dir(rn_arena *a, const rn_value *mlflow)
{
    const char *p = source_path(mlflow);
    const char *slash = p ? strrchr(p, '/') : NULL;
    return slash ? rn_arena_strndup(a, p, (size_t)(slash - p + 1)) : "";
}

static const char *lower(rn_arena *a, const char *s)
{
    char *c = rn_arena_strdup(a, s ? s : "object");
    for (char *p = c; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return c;
}

/* metadata.<key> of `obj` as a map, made when missing. */
static rn_value *meta_map(rn_arena *a, rn_value *obj, const char *key)
{
    rn_value *meta = rn_map_getz(obj, "metadata");
    if (!meta || meta->kind != RN_MAP) {
        meta = rn_map_new(a, 2);
        rn_map_setz(a, obj, "metadata", meta);
    }
    rn_value *m = rn_map_getz(meta, key);
    if (!m || m->kind != RN_MAP) {
        m = rn_map_new(a, 4);
        rn_map_setz(a, meta, key, m);
    }
    return m;
}

static rn_value *annotations_of(rn_arena *a, rn_value *obj)
{
    return meta_map(a, obj, "annotations");
}

static rn_value *labels_of(rn_arena *a, rn_value *obj)
{
    return meta_map(a, obj, "labels");
}

static void annotate(krm_run *r, rn_arena *a, rn_value *obj,
                     const rn_value *mlflow, const char *dir,
                     const char *instance)
{
    const char *kind = lower(a, krm_str_at(obj, "kind"));
    const char *name = krm_str_at(obj, "metadata.name");
    const char *path =
        instance ? rn_arena_printf(a, "%s%s/%s_%s.yaml", dir, instance, kind,
                                   name ? name : "object")
                 : rn_arena_printf(a, "%s%s_%s.yaml", dir, kind,
                                   name ? name : "object");
    rn_list_push(r->a, r->claimed_paths, rn_strz(r->a, path));
    /* An instance's objects come one after another: its directory is
     * claimed once, not once per object. */
    const char *dir_key =
        instance ? rn_arena_printf(a, "%s%s/\t%s", dir, instance, instance)
                 : NULL;
    size_t nd = r->claimed_dirs->u.list.len;
    if (dir_key &&
        (r->claims_sorted || !nd ||
         strcmp(r->claimed_dirs->u.list.items[nd - 1]->u.s.ptr, dir_key)))
        rn_list_push(r->a, r->claimed_dirs, rn_strz(r->a, dir_key));
    r->claims_sorted = false;
    /* The mark krm_run_claims looks for; the built-in chart sets it, a
     * chart given with `chart` may not. */
    if (!label(obj, KRM_MANAGED_BY_LABEL))
        rn_map_setz(a, labels_of(a, obj), KRM_MANAGED_BY_LABEL,
                    rn_strz(a, KRM_MANAGED_BY));
    rn_value *ann = annotations_of(a, obj);
    rn_map_setz(a, ann, "config.kubernetes.io/path", rn_strz(a, path));
    rn_map_setz(a, ann, "config.kubernetes.io/index", rn_strz(a, "0"));
    rn_map_setz(a, ann, "internal.config.kubernetes.io/path", rn_strz(a, path));
    rn_map_setz(a, ann, "internal.config.kubernetes.io/index", rn_strz(a, "0"));
    /* kpt writes an object into the package its annotation names. */
    const rn_value *src = rn_value_at(mlflow, "metadata.annotations");
    const rn_value *pkg =
        src && src->kind == RN_MAP
            ? rn_map_getz(src, "internal.config.kubernetes.io/package-path")
            : NULL;
    if (pkg && pkg->kind == RN_STRING)
        rn_map_setz(a, ann, "internal.config.kubernetes.io/package-path",
                    rn_str(a, pkg->u.s.ptr, pkg->u.s.len));
}

static int cmp_value_str(const void *x, const void *y)
{
    return strcmp((*(rn_value *const *)x)->u.s.ptr,
                  (*(rn_value *const *)y)->u.s.ptr);
}

static bool list_has(const rn_value *list, const char *s)
{
    rn_value key = {.kind = RN_STRING, .u.s = {s, strlen(s)}};
    const rn_value *kp = &key;
    return bsearch(&kp, list->u.list.items, list->u.list.len,
                   sizeof(rn_value *), cmp_value_str) != NULL;
}

static void sort_claims(krm_run *r)
{
    if (r->claims_sorted)
        return;
    qsort(r->claimed_paths->u.list.items, r->claimed_paths->u.list.len,
          sizeof(rn_value *), cmp_value_str);
    qsort(r->claimed_dirs->u.list.items, r->claimed_dirs->u.list.len,
          sizeof(rn_value *), cmp_value_str);
    r->claims_sorted = true;
}

krm_claim krm_run_claims(krm_run *r, const rn_value *obj)
{
    const char *path = source_path(obj);
    if (!path)
        return KRM_CLAIM_NONE;
    sort_claims(r);
    const char *by = label(obj, KRM_MANAGED_BY_LABEL);
    bool ours = by && strcmp(by, KRM_MANAGED_BY) == 0;
    if (list_has(r->claimed_paths, path))
        return ours ? KRM_CLAIM_EARLIER : KRM_CLAIM_FILE_TAKEN;
    /* Files directly in an instance's directory, of that instance. */
    const char *inst = label(obj, INSTANCE_LABEL);
    const char *slash = strrchr(path, '/');
    if (!ours || !inst || !slash)
        return KRM_CLAIM_NONE;
    const char *key =
        rn_arena_printf(r->a, "%.*s\t%s", (int)(slash - path + 1), path, inst);
    return list_has(r->claimed_dirs, key) ? KRM_CLAIM_EARLIER : KRM_CLAIM_NONE;
}

/* ---- objects shared by instances ----------------------------------------- */

static const char *object_key(rn_arena *a, const rn_value *obj)
{
    const char *ns = krm_str_at(obj, "metadata.namespace");
    const char *name = krm_str_at(obj, "metadata.name");
    const char *av = krm_str_at(obj, "apiVersion");
    const char *kind = krm_str_at(obj, "kind");
    return rn_arena_printf(a, "%s/%s/%s/%s", av ? av : "", kind ? kind : "",
                           ns ? ns : "", name ? name : "");
}

/* True when an identical object was emitted already. A different object
 * under the same identity keeps the first and says so. Only the first of
 * each is kept (in the run's arena); TA holds the rest. */
static bool shared_seen(krm_run *r, rn_arena *ta, const rn_value *obj,
                        const rn_value *mlflow)
{
    const char *key = object_key(ta, obj);
    for (krm_shared *s = r->shared; s; s = s->next) {
        if (strcmp(s->key, key) != 0)
            continue;
        if (!rn_value_equal(s->obj, obj))
            krm_result(r->res, KRM_WARNING, mlflow, NULL,
                       "%s is rendered differently by %s; the one from %s "
                       "is kept",
                       krm_describe(r->a, obj), krm_describe(r->a, mlflow),
                       s->owner);
        return true;
    }
    krm_shared *s = rn_arena_alloc(r->a, sizeof *s);
    s->key = rn_arena_strdup(r->a, key);
    s->obj = rn_value_deepcopy(r->a, obj);
    s->owner = krm_describe(r->a, mlflow);
    s->next = r->shared;
    r->shared = s;
    return false;
}

/* ---- MLflow objects ------------------------------------------------------ */

/* Warnings start with the field they are about ("spec.storage is not
 * set: ..."); that prefix becomes the result's field.path. */
static const char *warning_field(rn_arena *a, const char *msg)
{
    if (strncmp(msg, "spec.", 5) != 0)
        return NULL;
    size_t n = strcspn(msg, " :,");
    return rn_arena_strndup(a, msg, n);
}

static void keep_mlflow(krm_run *r, rn_arena *ta, const rn_value *obj,
                        bool strip_fn)
{
    if (!strip_fn) {
        emit(r, obj);
        return;
    }
    /* Generator form: the object was the function's config; as a resource
     * it must not carry the function or local-config annotations. */
    rn_value *copy = rn_value_deepcopy(ta, obj);
    rn_value *ann = rn_value_at(copy, "metadata.annotations");
    if (ann && ann->kind == RN_MAP) {
        static const char *const drop[] = {
            "config.kubernetes.io/function",
            "config.kubernetes.io/local-config", "config.k8s.io/function",
            "config.kubernetes.io/index",
            "internal.config.kubernetes.io/index"};
        for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
            rn_map_del(ann, drop[i], strlen(drop[i]));
        for (size_t i = ann->u.map.len; i-- > 0;)
            if (strncmp(ann->u.map.pairs[i].key, KRM_ANNOTATION_PREFIX,
                        strlen(KRM_ANNOTATION_PREFIX)) == 0)
                rn_map_del(ann, ann->u.map.pairs[i].key,
                           ann->u.map.pairs[i].keylen);
        if (ann->u.map.len == 0)
            rn_map_del(rn_map_getz(copy, "metadata"), "annotations", 11);
    }
    emit(r, copy);
}

static void emit_rendered(krm_run *r, rn_arena *ta, const rn_value *objs,
                          const rn_value *mlflow)
{
    const char *dir = r->annotate ? source_dir(ta, mlflow) : "";
    for (size_t i = 0; i < objs->u.list.len; i++) {
        rn_value *o = objs->u.list.items[i];
        const char *instance = label(o, INSTANCE_LABEL);
        if (!instance && shared_seen(r, ta, o, mlflow))
            continue;
        if (r->annotate)
            annotate(r, ta, o, mlflow, dir, instance);
        emit(r, o);
    }
}

/* MLflow is cluster-scoped: its name is its identity. A second object of
 * the same name is an error (its objects would collide with the first's);
 * a namespace is ignored, and said so. */
static int check_identity(krm_run *r, const rn_value *obj)
{
    const char *ns = krm_str_at(obj, "metadata.namespace");
    if (ns && *ns)
        krm_result(r->res, KRM_WARNING, obj, "metadata.namespace",
                   "MLflow is cluster-scoped; metadata.namespace is ignored");
    const char *name = krm_str_at(obj, "metadata.name");
    if (!name)
        return 0; /* the renderer says what is missing */
    if (!r->rendered_names)
        r->rendered_names = rn_map_new(r->a, 8);
    const rn_value *first = rn_map_getz(r->rendered_names, name);
    if (first) {
        krm_result(r->res, KRM_ERROR, obj, "metadata.name",
                   "an earlier MLflow object%s%s is named \"%s\" too; "
                   "MLflow names must be unique",
                   first->u.s.len ? " in " : "", first->u.s.ptr, name);
        return -1;
    }
    const char *file = source_path(obj);
    rn_map_setz(r->a, r->rendered_names, name, rn_strz(r->a, file ? file : ""));
    return 0;
}

/* The values document of `render --values`: what `helm template` needs
 * to render the same objects from the chart. */
static int emit_values(krm_run *r, rn_arena *ta, const krm_settings *s,
                       const rn_value *obj, rn_error *err)
{
    rn_value *values, *warns;
    const char *release, *ns;
    if (rn_mlflow_values(ta, obj, &s->opts, &values, &warns, &release, &ns,
                         err) < 0)
        return -1;
    rn_buf doc = RN_BUF_INIT;
    rn_buf_printf(&doc,
                  "# MLflow %s: helm template %s %s --namespace %s -f "
                  "<this document>\n",
                  krm_str_at(obj, "metadata.name"), release,
                  s->chart_dir ? s->chart_dir : "charts/mlflow", ns);
    rn_yaml_emit_helm(&doc, values);
    rn_buf_putc(&doc, '\n');
    emit_text(r, rn_buf_cstr(&doc), doc.len);
    rn_buf_free(&doc);
    return 0;
}

int krm_run_mlflow(krm_run *r, const krm_settings *s, const rn_value *obj,
                   bool strip_fn)
{
    if (check_identity(r, obj) < 0)
        return -1;
    krm_settings mine = *s;
    if (krm_settings_from_annotations(r->a, &mine, obj, r->res) > 0)
        return -1;
    rn_arena *ta = rn_arena_new();
    rn_error err;
    rn_error_clear(&err);
    const rn_chart *chart = r->chart;
    rn_value *objs = NULL, *warns = NULL;
    int rc = 0;
    bool own_chart = mine.chart_dir != s->chart_dir;
    if (own_chart) {
        rn_chart *own = NULL;
        rc = krm_load_chart(ta, &mine, &own, &err);
        chart = rc == 0 ? own : NULL;
    }
    if (rc == 0)
        rc = r->values_only ? emit_values(r, ta, &mine, obj, &err)
                            : rn_render_mlflow(ta, chart, obj, &mine.opts,
                                               &objs, &warns, &err);
    if (rc < 0) {
        /* A chart the object's own annotation names, that failed to
         * load. */
        const char *field = err.field;
        if (own_chart && !chart)
            field = krm_settings_field(ta, obj, "chart");
        krm_result(r->res, KRM_ERROR, obj, field, "%s", err.msg);
        rn_arena_free(ta);
        return -1;
    }
    if (r->values_only) {
        rn_arena_free(ta);
        return 0;
    }
    for (size_t i = 0; warns && i < warns->u.list.len; i++) {
        const rn_value *w = warns->u.list.items[i];
        if (w->kind == RN_STRING)
            krm_result(r->res, KRM_WARNING, obj, warning_field(ta, w->u.s.ptr),
                       "%s", w->u.s.ptr);
    }
    if (mine.keep_mlflow)
        keep_mlflow(r, ta, obj, strip_fn);
    emit_rendered(r, ta, objs, obj);
    rn_arena_free(ta);
    return 0;
}
