/*
 * tmpl_call.c — what template functions see of the executor: their arena,
 * failing with Go's "error calling NAME: ..." (and Helm's fail/required
 * form), Helm's include and tpl (nested executions with their own error
 * slot and Helm's include nesting limit), and Go's typed-parameter checks
 * (evalArg/validateType) for string, int and unsigned parameters and for
 * those no literal converts to (slices, structs).
 */
#include "tmpl_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INCLUDE_MAX 1000 /* Helm's recursionMaxNums */

/* An error slot for a nested execution; released with sub_error_put. */
static rn_error *sub_error_get(xroot *rt)
{
    if (rt->sub_depth == rt->nsubs) {
        if (rt->nsubs == rt->capsubs) {
            int cap = rt->capsubs ? rt->capsubs * 2 : 8;
            rn_error **p = realloc(rt->subs, sizeof *p * (size_t)cap);
            if (!p)
                abort();
            rt->subs = p;
            rt->capsubs = cap;
        }
        rt->subs[rt->nsubs] = malloc(sizeof(rn_error));
        if (!rt->subs[rt->nsubs])
            abort();
        rt->nsubs++;
    }
    rn_error *e = rt->subs[rt->sub_depth++];
    rn_error_clear(e);
    return e;
}

static void sub_error_put(xroot *rt)
{
    rt->sub_depth--;
}

/* ---- services for functions ------------------------------------------- */

rn_arena *tmpl_arena(tmpl_ctx *ctx)
{
    return ctx->st->rt->a;
}

const struct rn_host *tmpl_ctx_host(tmpl_ctx *ctx)
{
    return ctx->st->rt->host;
}

void **tmpl_ctx_cache(tmpl_ctx *ctx)
{
    return &ctx->st->rt->cache;
}

const char *tmpl_ctx_fn_name(tmpl_ctx *ctx)
{
    return ctx->fn_name;
}

static int vfail(tmpl_ctx *ctx, const char *pre, const char *post,
                 const char *fmt, va_list ap)
{
    rn_buf msg = RN_BUF_INIT;
    rn_buf_vprintf(&msg, fmt, ap);
    tmpl_ctx_errorf_at(ctx, ctx->call_node, "error calling %s: %s%s%s",
                       ctx->fn_name, pre, rn_buf_cstr(&msg), post);
    rn_buf_free(&msg);
    return -1;
}

int tmpl_fail(tmpl_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(ctx, "", "", fmt, ap);
    va_end(ap);
    return -1;
}

int tmpl_fail_raw(tmpl_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(ctx, "HELM_ERR_START", "HELM_ERR_END", fmt, ap);
    va_end(ap);
    return -1;
}

/* Run tr with its own error slot; on failure the inner message is left in
 * sub. */
static int run_sub(tmpl_ctx *ctx, tmpl_set *set, const ttree *tr, rn_value *dot,
                   rn_buf *out, rn_error *sub)
{
    xroot *rt = ctx->st->rt;
    rn_error *saved = rt->err;
    rt->err = sub;
    xval d = {dot && dot->kind != RN_NULL ? dot : NULL, false};
    int rc = tmpl_run_template(ctx->st, set, tr, d, out, 0);
    rt->err = saved;
    return rc;
}

static include_count *include_counter(xroot *rt, const char *name, size_t n)
{
    for (int i = 0; i < rt->nincs; i++)
        if (rt->incs[i].n == n && memcmp(rt->incs[i].name, name, n) == 0)
            return &rt->incs[i];
    if (rt->nincs == rt->capincs) {
        int cap = rt->capincs ? rt->capincs * 2 : 16;
        include_count *p = realloc(rt->incs, sizeof *p * (size_t)cap);
        if (!p)
            abort();
        rt->incs = p;
        rt->capincs = cap;
    }
    rt->incs[rt->nincs] = (include_count){name, n, 0};
    return &rt->incs[rt->nincs++];
}

int tmpl_ctx_include(tmpl_ctx *ctx, const char *name, rn_value *dot,
                     rn_buf *out)
{
    xroot *rt = ctx->st->rt;
    size_t n = strlen(name);
    int idx = (int)(include_counter(rt, name, n) - rt->incs);
    if (rt->incs[idx].count > INCLUDE_MAX)
        return tmpl_fail(ctx,
                         "rendering template has a nested reference name: "
                         "%s: unable to execute template",
                         name);
    if (tmpl_stack_deep(ctx->st))
        return tmpl_fail(ctx, "exceeded maximum template depth (%d)",
                         MAX_EXEC_DEPTH);
    rt->incs[idx].count++;
    const ttree *tr = tmpl_lookup(ctx->st->set, name, n);
    int rc;
    rn_error *sub = sub_error_get(rt);
    if (!tr) {
        rn_buf q = RN_BUF_INIT;
        tmpl_go_quote(&q, name, n, -1);
        rn_error_set(sub,
                     "template: no template %s associated with template "
                     "\"%s\"",
                     rn_buf_cstr(&q), ctx->st->set->name);
        rn_buf_free(&q);
        rc = -1;
    } else {
        rc = run_sub(ctx, ctx->st->set, tr, dot, out, sub);
    }
    rt->incs[idx].count--;
    if (rc < 0)
        tmpl_fail(ctx, "%s", sub->msg);
    sub_error_put(rt);
    return rc < 0 ? -1 : 0;
}

int tmpl_ctx_tpl(tmpl_ctx *ctx, const char *text, size_t len, rn_value *dot,
                 rn_buf *out)
{
    if (tmpl_stack_deep(ctx->st))
        return tmpl_fail(ctx, "exceeded maximum template depth (%d)",
                         MAX_EXEC_DEPTH);
    xroot *rt = ctx->st->rt;
    tmpl_set *ov = tmpl_set_overlay(ctx->st->set, rt->a);
    rn_error *sub = sub_error_get(rt);
    const char *what = NULL;
    size_t start = out->len;
    if (tmpl_parse(ov, ov->name, text, len, sub) < 0) {
        what = "cannot parse template";
    } else {
        const ttree *tr = tmpl_lookup(ov, ov->name, strlen(ov->name));
        if (run_sub(ctx, ov, tr, dot, out, sub) < 0)
            what = "error during tpl function execution for";
    }
    if (what) {
        rn_buf q = RN_BUF_INIT;
        tmpl_go_quote(&q, text, len, -1);
        tmpl_fail(ctx, "%s %s: %s", what, rn_buf_cstr(&q), sub->msg);
        rn_buf_free(&q);
    }
    sub_error_put(rt);
    if (what)
        return -1;
    tmpl_drop_no_value(out, start);
    return 0;
}

int tmpl_ctx_call_value(tmpl_ctx *ctx, rn_value *fn, int argc, rn_value **argv,
                        rn_value **out)
{
    tmpl_ctx sub = *ctx;
    sub.fn_name = fn->u.fn.name ? fn->u.fn.name : ctx->fn_name;
    targ_meta *meta = rn_arena_alloc(ctx->st->rt->a,
                                     sizeof *meta * (size_t)(argc ? argc : 1));
    for (int i = 0; i < argc; i++)
        meta[i] = (targ_meta){NULL, ctx->call_node, false};
    sub.argc = argc;
    sub.meta = meta;
    *out = NULL;
    return fn->u.fn.fn(fn->u.fn.self, &sub, argc, argv, out);
}

/* ---- typed parameters (Go's evalArg/validateType) ---------------------- */

static bool is_literal(const tnode *n)
{
    return n && (n->type == TN_BOOL || n->type == TN_NUMBER ||
                 n->type == TN_STRING || n->type == TN_NIL);
}

/* The checks shared by string and int parameters; 1 when the value is
 * acceptable as is. */
static int typed_arg(tmpl_ctx *ctx, rn_value **argv, int i, const char *go,
                     const char *found, rn_kind want)
{
    if (i >= ctx->argc)
        return tmpl_fail(ctx, "missing argument %d", i);
    const targ_meta *m = &ctx->meta[i];
    rn_value *v = argv[i];
    if (is_literal(m->node)) {
        if (m->node->type == TN_NIL)
            return tmpl_ctx_errorf_at(ctx, m->node, "cannot assign nil to %s",
                                      go);
        if (want == RN_STRING && m->node->type == TN_STRING)
            return 1;
        if (want == RN_INT && m->node->type == TN_NUMBER &&
            m->node->u.num.is_int)
            return 1;
        return tmpl_ctx_errorf_at(ctx, m->node, "expected %s; found %s", found,
                                  tmpl_node_text(ctx->st, m->node));
    }
    if (m->invalid)
        return tmpl_ctx_errorf_at(ctx, m->at, "invalid value; expected %s", go);
    bool ok = v->kind == want &&
              !(want == RN_INT && (v->flags & (RN_F_INT64 | RN_F_UINT64)));
    if (!ok)
        return tmpl_ctx_errorf_at(ctx, m->at,
                                  "wrong type for value; expected %s; got %s",
                                  go, tmpl_type_name(v));
    return 1;
}

int tmpl_arg_str(tmpl_ctx *ctx, rn_value **argv, int i, const char **s,
                 size_t *len)
{
    if (typed_arg(ctx, argv, i, "string", "string", RN_STRING) < 0)
        return -1;
    *s = argv[i]->u.s.ptr;
    if (len)
        *len = argv[i]->u.s.len;
    return 0;
}

int tmpl_ctx_errorf(tmpl_ctx *ctx, const char *fmt, ...)
{
    rn_buf b = RN_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    rn_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    tmpl_ctx_errorf_at(ctx, ctx->call_node, "%s", rn_buf_cstr(&b));
    rn_buf_free(&b);
    return -1;
}

int tmpl_arg_count(tmpl_ctx *ctx, int argc, int want)
{
    if (argc == want)
        return 0;
    return tmpl_ctx_errorf_at(ctx,
                              ctx->pre_node ? ctx->pre_node : ctx->call_node,
                              "wrong number of args for %s: want %d got %d",
                              ctx->fn_name, want, argc);
}

int tmpl_arg_int(tmpl_ctx *ctx, rn_value **argv, int i, int64_t *out)
{
    if (typed_arg(ctx, argv, i, "int", "integer", RN_INT) < 0)
        return -1;
    const targ_meta *m = &ctx->meta[i];
    *out = is_literal(m->node) ? m->node->u.num.i : argv[i]->u.i;
    return 0;
}

int tmpl_arg_go(tmpl_ctx *ctx, rn_value **argv, int i, const char *go,
                tmpl_arg_shape shape, bool ok, int64_t *num)
{
    if (i >= ctx->argc)
        return tmpl_fail(ctx, "missing argument %d", i);
    const targ_meta *m = &ctx->meta[i];
    if (is_literal(m->node)) {
        const tnode *n = m->node;
        if (n->type == TN_NIL) {
            if (shape == TMPL_ARG_POINTER)
                return 0;
            return tmpl_ctx_errorf_at(ctx, n, "cannot assign nil to %s", go);
        }
        if (shape == TMPL_ARG_INT) {
            if (n->type == TN_NUMBER && n->u.num.is_int) {
                if (num)
                    *num = n->u.num.i;
                return 0;
            }
            return tmpl_ctx_errorf_at(ctx, n, "expected integer; found %s",
                                      tmpl_node_text(ctx->st, n));
        }
        return tmpl_ctx_errorf_at(ctx, n, "can't handle %s for arg of type %s",
                                  tmpl_node_text(ctx->st, n), go);
    }
    if (m->invalid) {
        if (shape == TMPL_ARG_POINTER)
            return 0;
        return tmpl_ctx_errorf_at(ctx, m->at, "invalid value; expected %s", go);
    }
    if (!ok)
        return tmpl_ctx_errorf_at(ctx, m->at,
                                  "wrong type for value; expected %s; got %s",
                                  go, tmpl_type_name(argv[i]));
    if (num)
        *num = argv[i]->u.i;
    return 0;
}

int tmpl_arg_typed(tmpl_ctx *ctx, rn_value **argv, int i, const char *go,
                   bool nilable, bool assignable)
{
    if (i >= ctx->argc)
        return tmpl_fail(ctx, "missing argument %d", i);
    const targ_meta *m = &ctx->meta[i];
    if (is_literal(m->node)) {
        if (m->node->type != TN_NIL)
            return tmpl_ctx_errorf_at(ctx, m->node,
                                      "can't handle %s for arg of type %s",
                                      tmpl_node_text(ctx->st, m->node), go);
        if (!nilable)
            return tmpl_ctx_errorf_at(ctx, m->node, "cannot assign nil to %s",
                                      go);
        return 0;
    }
    if (m->invalid) {
        if (!nilable)
            return tmpl_ctx_errorf_at(ctx, m->at, "invalid value; expected %s",
                                      go);
        return 0;
    }
    if (!assignable)
        return tmpl_ctx_errorf_at(ctx, m->at,
                                  "wrong type for value; expected %s; got %s",
                                  go, tmpl_type_name(argv[i]));
    return 1;
}

int tmpl_arg_uint(tmpl_ctx *ctx, rn_value **argv, int i, const char *go,
                  int bits, uint64_t *out)
{
    if (i >= ctx->argc)
        return tmpl_fail(ctx, "missing argument %d", i);
    const targ_meta *m = &ctx->meta[i];
    if (is_literal(m->node)) {
        if (m->node->type == TN_NIL)
            return tmpl_ctx_errorf_at(ctx, m->node, "cannot assign nil to %s",
                                      go);
        if (m->node->type != TN_NUMBER || !m->node->u.num.is_uint)
            return tmpl_ctx_errorf_at(ctx, m->node,
                                      "expected unsigned integer; found %s",
                                      tmpl_node_text(ctx->st, m->node));
        /* reflect's SetUint keeps the low bits of a wider constant. */
        uint64_t u = m->node->u.num.u;
        *out = bits >= 64 ? u : u & ((UINT64_C(1) << bits) - 1);
        return 0;
    }
    if (m->invalid)
        return tmpl_ctx_errorf_at(ctx, m->at, "invalid value; expected %s", go);
    /* No value the engine makes has an unsigned Go type. */
    return tmpl_ctx_errorf_at(ctx, m->at,
                              "wrong type for value; expected %s; got %s", go,
                              tmpl_type_name(argv[i]));
}
