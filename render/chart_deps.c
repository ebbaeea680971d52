/*
 * chart_deps.c — subcharts as Helm 3 sees them at render time: which of a
 * chart's charts/ are enabled (Chart.yaml dependencies with their
 * `condition`, `tags` and `alias`; chartutil.processDependencyEnabled),
 * and the values each chart sees (chartutil.CoalesceValues: a chart's
 * values.yaml under the user's values, then each subchart's under the
 * table of its name, with the parent's `global` pushed down).
 */
#include <stdlib.h>
#include <string.h>

#include "chart_deps.h"
#include "funcs.h"
#include "gofmt.h"

/* ---- coalescing (chartutil/coalesce.go) -------------------------------- */

/* coalesceTablesFullKey: dst wins; with `merge` a null in dst stays. */
static void coalesce_tables(rn_arena *a, rn_value *dst, rn_value *src,
                            bool merge)
{
    size_t n = src->u.map.len;
    bool *non_nil = rn_arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++)
        non_nil[i] = src->u.map.pairs[i].val->kind != RN_NULL;
    if (!merge)
        for (size_t i = 0; i < dst->u.map.len; i++) {
            rn_pair *p = &dst->u.map.pairs[i];
            if (p->val->kind == RN_NULL)
                rn_map_set(a, src, p->key, p->keylen, p->val);
        }
    for (size_t i = 0; i < src->u.map.len; i++) {
        rn_pair *p = &src->u.map.pairs[i];
        rn_value *dv = rn_map_get(dst, p->key, p->keylen);
        bool was_non_nil = i < n && non_nil[i];
        if (dv && dv->kind == RN_NULL && was_non_nil && !merge)
            rn_map_del(dst, p->key, p->keylen);
        else if (!dv)
            rn_map_set(a, dst, p->key, p->keylen, p->val);
        else if (p->val->kind == RN_MAP && dv->kind == RN_MAP)
            coalesce_tables(a, dv, p->val, merge);
    }
}

/* coalesceValues: a chart's values.yaml under v (a null in v deletes). */
static void coalesce_values(rn_arena *a, const rn_value *defaults, rn_value *v)
{
    rn_value *vc = rn_value_deepcopy(a, defaults);
    for (size_t i = 0; i < vc->u.map.len; i++) {
        rn_pair *p = &vc->u.map.pairs[i];
        rn_value *uv = rn_map_get(v, p->key, p->keylen);
        if (!uv)
            rn_map_set(a, v, p->key, p->keylen, p->val);
        else if (uv->kind == RN_NULL)
            rn_map_del(v, p->key, p->keylen);
        else if (uv->kind == RN_MAP && p->val->kind == RN_MAP)
            coalesce_tables(a, uv, p->val, false);
    }
}

static rn_value *shallow_copy(rn_arena *a, const rn_value *m)
{
    rn_value *c = rn_map_new(a, m->u.map.len);
    for (size_t i = 0; i < m->u.map.len; i++)
        rn_map_set(a, c, m->u.map.pairs[i].key, m->u.map.pairs[i].keylen,
                   m->u.map.pairs[i].val);
    return c;
}

/* coalesceGlobals: the parent's `global` (src) into the subchart's
 * (dest); the parent wins, tables merge. A `global` that is not a table
 * on either side leaves dest as it is. */
static void coalesce_globals(rn_arena *a, rn_value *dest, const rn_value *src)
{
    rn_value *dg = rn_map_getz(dest, "global");
    const rn_value *sg = rn_map_getz(src, "global");
    if ((dg && dg->kind != RN_MAP) || (sg && sg->kind != RN_MAP))
        return;
    dg = dg ? dg : rn_map_new(a, 4);
    for (size_t i = 0; sg && i < sg->u.map.len; i++) {
        const rn_pair *p = &sg->u.map.pairs[i];
        rn_value *dv = rn_map_get(dg, p->key, p->keylen);
        if (p->val->kind == RN_MAP) {
            rn_value *vv = shallow_copy(a, p->val);
            if (dv && dv->kind != RN_MAP)
                continue;
            if (dv)
                coalesce_tables(a, vv, dv, true);
            rn_map_set(a, dg, p->key, p->keylen, vv);
        } else if (!dv || dv->kind != RN_MAP) {
            rn_map_set(a, dg, p->key, p->keylen, p->val);
        }
    }
    rn_map_setz(a, dest, "global", dg);
}

int rn_deps_coalesce(rn_arena *a, const rn_dep *d, rn_value *dest,
                     rn_error *err)
{
    coalesce_values(a, d->chart->values, dest);
    for (size_t i = 0; i < d->ndeps; i++) {
        const rn_dep *sub = d->deps[i];
        rn_value *dv = rn_map_getz(dest, sub->name);
        if (!dv) {
            dv = rn_map_new(a, 4);
            rn_map_setz(a, dest, sub->name, dv);
        } else if (dv->kind != RN_MAP) {
            rn_buf b = RN_BUF_INIT;
            rn_gofmt_sprintf(&b, "type mismatch on %s: %t", 23, 2,
                             (rn_value *[]){rn_strz(a, sub->name), dv});
            rn_error_set(err, "%s", rn_buf_cstr(&b));
            rn_buf_free(&b);
            return -1;
        }
        coalesce_globals(a, dv, dest);
        if (rn_deps_coalesce(a, sub, dv, err) < 0)
            return -1;
    }
    return 0;
}

/* ---- which subcharts (chartutil/dependencies.go) ------------------------ */

static const char *str_field(const rn_value *m, const char *key)
{
    const rn_value *v = m && m->kind == RN_MAP ? rn_map_getz(m, key) : NULL;
    return v && v->kind == RN_STRING ? v->u.s.ptr : "";
}

static rn_dep *new_dep(rn_arena *a, const rn_chart *c, const char *name,
                       const char *parent_path)
{
    rn_dep *d = rn_arena_alloc(a, sizeof *d);
    memset(d, 0, sizeof *d);
    d->chart = c;
    d->name = name;
    d->fullpath = parent_path
                      ? rn_arena_printf(a, "%s/charts/%s", parent_path, name)
                      : name;
    return d;
}

static void add_child(rn_arena *a, rn_dep *d, rn_dep *child)
{
    d->deps = rn_arena_realloc(a, d->deps, sizeof *d->deps * d->ndeps,
                               sizeof *d->deps * (d->ndeps + 1));
    d->deps[d->ndeps++] = child;
}

/* A chart without Chart.yaml dependencies keeps every chart in charts/,
 * and Helm does not look further down. */
static void plain_tree(rn_arena *a, rn_dep *d)
{
    for (size_t i = 0; i < d->chart->ndeps; i++) {
        const rn_chart *c = d->chart->deps[i];
        rn_dep *child = new_dep(a, c, c->name, d->fullpath);
        plain_tree(a, child);
        add_child(a, d, child);
    }
}

static bool compatible(rn_arena *a, const char *constraint, const char *ver)
{
    return *constraint && rn_semver_satisfies(a, constraint, ver);
}

/* Values.PathValue: a value that is not a table, or NULL. */
static const rn_value *path_value(const rn_value *v, const char *path)
{
    const char *p = path;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (!v || v->kind != RN_MAP)
            return NULL;
        v = rn_map_get(v, p, n);
        if (!dot)
            return v && v->kind != RN_MAP ? v : NULL;
        p = dot + 1;
    }
}

/* Tags, then conditions (the first condition path that holds a bool
 * decides); a dependency without either stays enabled. */
static bool enabled(rn_arena *a, const rn_value *req, const rn_value *cvals,
                    const char *path)
{
    bool on = true;
    const rn_value *tags = rn_map_getz(cvals, "tags");
    const rn_value *want = rn_map_getz(req, "tags");
    if (tags && tags->kind == RN_MAP && want && want->kind == RN_LIST) {
        bool has_true = false, has_false = false;
        for (size_t i = 0; i < want->u.list.len; i++) {
            const rn_value *t = want->u.list.items[i];
            const rn_value *b =
                t->kind == RN_STRING ? rn_map_getz(tags, t->u.s.ptr) : NULL;
            if (b && b->kind == RN_BOOL)
                *(b->u.b ? &has_true : &has_false) = true;
        }
        on = has_true || !has_false;
    }
    char *conds = rn_arena_strdup(a, str_field(req, "condition"));
    for (char *save, *c = strtok_r(conds, ",", &save); c;
         c = strtok_r(NULL, ",", &save)) {
        while (*c == ' ' || *c == '\t' || *c == '\n')
            c++;
        size_t l = strlen(c);
        while (l && (c[l - 1] == ' ' || c[l - 1] == '\t' || c[l - 1] == '\n'))
            c[--l] = 0;
        if (!l)
            continue;
        const rn_value *v =
            path_value(cvals, rn_arena_printf(a, "%s%s", path, c));
        if (v && v->kind == RN_BOOL) {
            on = v->u.b;
            break;
        }
    }
    return on;
}

static int resolve(rn_arena *a, rn_dep *d, const rn_value *v, const char *path,
                   rn_error *err)
{
    const rn_value *reqs = rn_map_getz(d->chart->metadata, "dependencies");
    if (!reqs || reqs->kind != RN_LIST) {
        plain_tree(a, d);
        return 0;
    }
    const rn_chart *parent = d->chart;
    size_t nreq = reqs->u.list.len;
    rn_value **req = rn_arena_alloc(a, sizeof *req * (nreq + 1));
    /* Charts in charts/ that no dependency names come first. */
    for (size_t i = 0; i < parent->ndeps; i++) {
        const rn_chart *c = parent->deps[i];
        bool listed = false;
        for (size_t r = 0; r < nreq && !listed; r++)
            listed = strcmp(str_field(reqs->u.list.items[r], "name"),
                            c->name) == 0 &&
                     compatible(a, str_field(reqs->u.list.items[r], "version"),
                                str_field(c->metadata, "version"));
        if (!listed)
            add_child(a, d, new_dep(a, c, c->name, d->fullpath));
    }
    for (size_t r = 0; r < nreq; r++) {
        req[r] = rn_value_deepcopy(a, reqs->u.list.items[r]);
        const char *name = str_field(req[r], "name"),
                   *alias = str_field(req[r], "alias");
        for (size_t i = 0; i < parent->ndeps; i++) {
            const rn_chart *c = parent->deps[i];
            if (strcmp(c->name, name) != 0 ||
                !compatible(a, str_field(req[r], "version"),
                            str_field(c->metadata, "version")))
                continue;
            add_child(a, d, new_dep(a, c, *alias ? alias : name, d->fullpath));
            break;
        }
        if (*alias)
            rn_map_setz(a, req[r], "name", rn_strz(a, alias));
        rn_map_setz(a, req[r], "enabled", rn_bool(a, true));
    }
    rn_value *cvals = rn_value_deepcopy(a, v);
    if (rn_deps_coalesce(a, d, cvals, err) < 0)
        return -1;
    /* Disabled dependencies leave by name, with every chart so named. */
    rn_value *kept = rn_list_new(a, nreq);
    rn_value *off = rn_map_new(a, 4);
    for (size_t r = 0; r < nreq; r++) {
        if (enabled(a, req[r], cvals, path))
            continue;
        rn_map_setz(a, off, str_field(req[r], "name"), rn_bool(a, true));
    }
    for (size_t r = 0; r < nreq; r++)
        if (!rn_map_getz(off, str_field(req[r], "name")))
            rn_list_push(a, kept, req[r]);
    size_t n = 0;
    for (size_t i = 0; i < d->ndeps; i++)
        if (!rn_map_getz(off, d->deps[i]->name))
            d->deps[n++] = d->deps[i];
    d->ndeps = n;
    for (size_t i = 0; i < d->ndeps; i++) {
        const char *sub = rn_arena_printf(a, "%s%s.", path, d->deps[i]->name);
        if (resolve(a, d->deps[i], cvals, sub, err) < 0)
            return -1;
    }
    d->requirements = kept;
    return 0;
}

/* action.CheckDependencies: every dependency must be in charts/ (by
 * name); import-values are refused rather than ignored. */
static int check_present(const rn_chart *c, rn_error *err)
{
    const rn_value *reqs = rn_map_getz(c->metadata, "dependencies");
    if (!reqs || reqs->kind != RN_LIST)
        return 0;
    rn_buf missing = RN_BUF_INIT;
    for (size_t r = 0; r < reqs->u.list.len; r++) {
        const rn_value *req = reqs->u.list.items[r];
        const rn_value *iv = rn_map_getz(req, "import-values");
        if (iv && iv->kind == RN_LIST && iv->u.list.len) {
            rn_buf_free(&missing);
            return rn_error_set(err,
                                "Chart.yaml: dependency %s: import-values "
                                "are not supported by krmfn",
                                str_field(req, "name"));
        }
        bool found = false;
        for (size_t i = 0; i < c->ndeps && !found; i++)
            found = strcmp(c->deps[i]->name, str_field(req, "name")) == 0;
        if (!found)
            rn_buf_printf(&missing, "%s%s", missing.len ? ", " : "",
                          str_field(req, "name"));
    }
    if (missing.len == 0)
        return 0;
    rn_error_set(err,
                 "An error occurred while checking for chart dependencies. "
                 "You may need to run `helm dependency build` to fetch "
                 "missing dependencies: found in Chart.yaml, but missing in "
                 "charts/ directory: %s",
                 rn_buf_cstr(&missing));
    rn_buf_free(&missing);
    return -1;
}

int rn_deps_resolve(rn_arena *a, const rn_chart *root, const rn_value *user,
                    rn_dep **out, rn_error *err)
{
    if (check_present(root, err) < 0)
        return -1;
    rn_dep *d = new_dep(a, root, root->name, NULL);
    d->is_root = true;
    if (resolve(a, d, user, "", err) < 0)
        return -1;
    *out = d;
    return 0;
}
