/*
 * funcs_dicts.c — Sprig's dict functions (dict.go) on
 * map[string]interface{} values. Maps are shared by reference as in Go:
 * set, unset, merge and mergeOverwrite change their first argument and
 * return it. merge/mergeOverwrite follow dario.cat/mergo v1.0.1 as Sprig
 * calls it (deep merge of nested maps; merge fills only keys whose value
 * is missing or empty, mergeOverwrite replaces; a nil source value is
 * skipped by merge and copied by mergeOverwrite).
 *
 * Go's keys and values come out in random map order; here they come out
 * sorted by key, which is one of the orders Go could produce.
 */
#include <string.h>

#include "funcs_int.h"

/* Go's failed type assertion inside dig. */
static int assert_map(tmpl_ctx *ctx, const rn_value *v)
{
    return tmpl_fail(ctx,
                     "interface conversion: interface {} is %s, not "
                     "map[string]interface {}",
                     rn_fn_type_name(v));
}

RN_FN(rn_fn_dict)
{
    rn_arena *a = tmpl_arena(ctx);
    rn_value *m = rn_map_new(a, (size_t)(argc + 1) / 2);
    for (int i = 0; i < argc; i += 2) {
        size_t kl;
        const char *k = rn_fn_strval(a, argv[i], &kl);
        rn_map_set(a, m, k, kl, i + 1 < argc ? argv[i + 1] : rn_str(a, "", 0));
    }
    *out = m;
    return 0;
}

RN_FN(rn_fn_get)
{
    rn_value *m, *v = NULL;
    const char *k;
    size_t kl;
    if (rn_fn_arg_map(ctx, argv, 0, &m) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &k, &kl) != 0)
        return -1;
    if (m)
        v = rn_map_get(m, k, kl);
    *out = v ? v : rn_str(tmpl_arena(ctx), "", 0);
    return 0;
}

RN_FN(rn_fn_set)
{
    rn_value *m;
    const char *k;
    size_t kl;
    if (rn_fn_arg_map(ctx, argv, 0, &m) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &k, &kl) != 0)
        return -1;
    if (!m)
        return tmpl_fail(ctx, "assignment to entry in nil map");
    rn_map_set(tmpl_arena(ctx), m, k, kl, argv[2]);
    *out = m;
    return 0;
}

RN_FN(rn_fn_unset)
{
    rn_value *m;
    const char *k;
    size_t kl;
    if (rn_fn_arg_map(ctx, argv, 0, &m) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &k, &kl) != 0)
        return -1;
    if (!m)
        m = rn_map_new(tmpl_arena(ctx), 0);
    rn_map_del(m, k, kl);
    *out = m;
    return 0;
}

RN_FN(rn_fn_haskey)
{
    rn_value *m;
    const char *k;
    size_t kl;
    if (rn_fn_arg_map(ctx, argv, 0, &m) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &k, &kl) != 0)
        return -1;
    *out = rn_bool(tmpl_arena(ctx), m && rn_map_get(m, k, kl) != NULL);
    return 0;
}

RN_FN(rn_fn_pluck)
{
    const char *k;
    size_t kl;
    if (rn_fn_arg_str(ctx, argv, 0, &k, &kl) != 0)
        return -1;
    rn_value *l = rn_list_new(tmpl_arena(ctx), (size_t)argc);
    for (int i = 1; i < argc; i++) {
        rn_value *m, *v;
        if (rn_fn_arg_map(ctx, argv, i, &m) != 0)
            return -1;
        if (m && (v = rn_map_get(m, k, kl)) != NULL)
            rn_list_push(tmpl_arena(ctx), l, v);
    }
    *out = l;
    return 0;
}

RN_FN(rn_fn_keys)
{
    rn_arena *a = tmpl_arena(ctx);
    rn_value *l = rn_fn_strlist_new(a, 8);
    for (int i = 0; i < argc; i++) {
        rn_value *m;
        if (rn_fn_arg_map(ctx, argv, i, &m) != 0)
            return -1;
        if (!m)
            continue;
        size_t *ix = rn_map_sorted(a, m);
        for (size_t j = 0; j < m->u.map.len; j++) {
            const rn_pair *p = &m->u.map.pairs[ix[j]];
            rn_list_push(a, l, rn_str(a, p->key, p->keylen));
        }
    }
    *out = l;
    return 0;
}

RN_FN(rn_fn_values)
{
    rn_arena *a = tmpl_arena(ctx);
    rn_value *m;
    if (rn_fn_arg_map(ctx, argv, 0, &m) != 0)
        return -1;
    rn_value *l = rn_list_new(a, m ? m->u.map.len : 0);
    if (m) {
        size_t *ix = rn_map_sorted(a, m);
        for (size_t j = 0; j < m->u.map.len; j++)
            rn_list_push(a, l, m->u.map.pairs[ix[j]].val);
    }
    *out = l;
    return 0;
}

/* pick/omit: argv[1..] are the key strings. */
static bool key_listed(tmpl_ctx *ctx, int argc, rn_value **argv,
                       const rn_pair *p)
{
    (void)ctx;
    for (int i = 1; i < argc; i++)
        if (argv[i]->u.s.len == p->keylen &&
            memcmp(argv[i]->u.s.ptr, p->key, p->keylen) == 0)
            return true;
    return false;
}

static int pick_omit(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out,
                     bool keep_listed)
{
    rn_arena *a = tmpl_arena(ctx);
    rn_value *m;
    if (rn_fn_arg_map(ctx, argv, 0, &m) != 0)
        return -1;
    for (int i = 1; i < argc; i++) {
        const char *s;
        if (rn_fn_arg_str(ctx, argv, i, &s, NULL) != 0)
            return -1;
    }
    rn_value *r = rn_map_new(a, 4);
    for (size_t j = 0; m && j < m->u.map.len; j++) {
        const rn_pair *p = &m->u.map.pairs[j];
        if (key_listed(ctx, argc, argv, p) == keep_listed)
            rn_map_set(a, r, p->key, p->keylen, p->val);
    }
    *out = r;
    return 0;
}

RN_FN(rn_fn_pick)
{
    return pick_omit(ctx, argc, argv, out, true);
}
RN_FN(rn_fn_omit)
{
    return pick_omit(ctx, argc, argv, out, false);
}

/* mergo's deepMerge for two map[string]interface{} values. */
static void deep_merge(rn_arena *a, rn_value *dst, const rn_value *src,
                       bool overwrite)
{
    for (size_t i = 0; i < src->u.map.len; i++) {
        const rn_pair *p = &src->u.map.pairs[i];
        rn_value *sv = p->val, *dv = rn_map_get(dst, p->key, p->keylen);
        if (sv->kind == RN_NULL) {
            if (overwrite)
                rn_map_set(a, dst, p->key, p->keylen, sv);
            continue;
        }
        if (sv->kind == RN_MAP && dv && dv->kind == RN_MAP)
            deep_merge(a, dv, sv, overwrite);
        if (dv && !rn_fn_empty(dv)) {
            if (sv->kind == RN_LIST) {
                /* mergo's slice branch: only an overwrite replaces it */
                if (overwrite)
                    rn_map_set(a, dst, p->key, p->keylen, sv);
                continue;
            }
            if (sv->kind == RN_MAP && dv->kind == RN_MAP)
                continue;
        }
        if (overwrite || !dv || rn_fn_empty(dv))
            rn_map_set(a, dst, p->key, p->keylen, sv);
    }
}

static int do_merge(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out,
                    bool overwrite)
{
    rn_arena *a = tmpl_arena(ctx);
    rn_value *dst;
    if (rn_fn_arg_map(ctx, argv, 0, &dst) != 0)
        return -1;
    for (int i = 1; i < argc; i++) {
        rn_value *src;
        if (rn_fn_arg_map(ctx, argv, i, &src) != 0)
            return -1;
        if (!src)
            continue;
        if (!dst)
            dst = rn_map_new(a, src->u.map.len);
        deep_merge(a, dst, src, overwrite);
    }
    *out = dst ? dst : rn_map_new(a, 0);
    return 0;
}

RN_FN(rn_fn_merge)
{
    return do_merge(ctx, argc, argv, out, false);
}
RN_FN(rn_fn_mergeoverwrite)
{
    return do_merge(ctx, argc, argv, out, true);
}

RN_FN(rn_fn_deepcopy)
{
    /* copystructure asks reflect for the type of a nil it could not
     * copy, which panics (no "deepCopy error:" prefix: not its error) */
    if (argv[0]->kind == RN_NULL)
        return tmpl_fail(ctx,
                         "reflect: call of reflect.Value.Type on zero Value");
    *out = rn_value_deepcopy(tmpl_arena(ctx), argv[0]);
    return 0;
}

/* dig "a" "b" default dict: follow keys, default when one is missing. */
RN_FN(rn_fn_dig)
{
    if (argc < 3)
        return tmpl_fail(ctx, "dig needs at least three arguments");
    rn_value *m = argv[argc - 1];
    /* a type assertion: chartutil.Values is not map[string]interface{} */
    if (m->kind != RN_MAP || (m->flags & (RN_F_STRMAP | RN_F_VALUES)))
        return assert_map(ctx, m);
    for (int i = 0; i < argc - 2; i++)
        if (argv[i]->kind != RN_STRING)
            return tmpl_fail(ctx,
                             "interface conversion: interface {} is %s, "
                             "not string",
                             rn_fn_type_name(argv[i]));
    for (int i = 0; i < argc - 2; i++) {
        rn_value *step = rn_map_get(m, argv[i]->u.s.ptr, argv[i]->u.s.len);
        if (!step) {
            *out = argv[argc - 2];
            return 0;
        }
        if (i == argc - 3) {
            *out = step;
            return 0;
        }
        if (step->kind != RN_MAP || (step->flags & RN_F_STRMAP))
            return assert_map(ctx, step);
        m = step;
    }
    return 0;
}
