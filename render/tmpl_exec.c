/*
 * tmpl_exec.c — executing a parsed template: Go's text/template/exec.go.
 *
 * Values are Go values seen through interface{}. An evaluated value
 * (xval) is an rn_value plus whether Go would hold it as an interface
 * (an element read out of a map or a slice): that decides error texts
 * ("can't evaluate field x in type interface {}") and is dropped at the
 * end of each pipeline command, as Go unwraps interfaces there. A NULL
 * rn_value is Go's invalid reflect.Value ("no value"); RN_NULL is a nil
 * interface and turns into "no value" when a pipeline unwraps it.
 *
 * Go's "current node" (s.at) is tracked exactly where Go tracks it, so
 * error contexts match. Errors propagate as -1; {{break}} and
 * {{continue}} as WALK_BREAK / WALK_CONTINUE.
 */
#include "gofmt.h"
#include "tmpl_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WALK_OK = 0, WALK_BREAK = 1, WALK_CONTINUE = 2 };

static const xval INVALID = {NULL, false};

/* ---- errors ------------------------------------------------------------ */

static void location(const tnode *n, rn_buf *b, int *line_out)
{
    const ttree *tr = n->tr;
    size_t pos = (size_t)n->pos;
    if (pos > tr->text_len)
        pos = tr->text_len;
    int line = 1;
    size_t line_start = 0;
    bool multi = false;
    for (size_t i = 0; i < pos; i++) {
        if (tr->text[i] == '\n') {
            line++;
            line_start = i + 1;
            multi = true;
        }
    }
    size_t col = multi ? pos - line_start : pos;
    rn_buf_printf(b, "%s:%d:%zu", tr->parse_name, line, col);
    *line_out = line;
}

/* Set the message, cutting from the middle when it does not fit: nested
 * include errors grow from the outside in, and both the outer location and
 * the innermost cause are worth keeping. */
static void set_elided(rn_error *e, const char *msg, size_t len)
{
    const size_t max = RN_ERROR_MAX - 1;
    if (len <= max) {
        rn_error_set(e, "%s", msg);
        return;
    }
    static const char GAP[] = " ... ";
    size_t head = (max - (sizeof GAP - 1)) / 2;
    size_t tail = max - (sizeof GAP - 1) - head;
    rn_error_set(e, "%.*s%s%s", (int)head, msg, GAP, msg + len - tail);
}

static int verrorf(xstate *s, const tnode *at, const char *fmt, va_list ap)
{
    rn_error *e = s->rt->err;
    if (e->set)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_buf_puts(&b, "template: ");
    int line = 0;
    if (!at) {
        rn_buf_puts(&b, s->tmpl->name);
    } else {
        location(at, &b, &line);
        rn_buf_puts(&b, ": executing ");
        tmpl_go_quote(&b, s->tmpl->name, strlen(s->tmpl->name), -1);
        rn_buf_puts(&b, " at <");
        tn_write(&b, at);
        rn_buf_putc(&b, '>');
    }
    rn_buf_puts(&b, ": ");
    rn_buf_vprintf(&b, fmt, ap);
    set_elided(e, rn_buf_cstr(&b), b.len);
    snprintf(e->file, sizeof e->file, "%s",
             at ? at->tr->parse_name : s->tmpl->parse_name);
    e->line = line;
    rn_buf_free(&b);
    return -1;
}

static int xerrorf(xstate *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int xerrorf(xstate *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verrorf(s, s->node, fmt, ap);
    va_end(ap);
    return -1;
}

int tmpl_ctx_errorf_at(tmpl_ctx *ctx, const tnode *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verrorf(ctx->st, at, fmt, ap);
    va_end(ap);
    return -1;
}

const char *tmpl_node_text(xstate *s, const tnode *n)
{
    rn_buf b = RN_BUF_INIT;
    tn_write(&b, n);
    char *r = rn_arena_strndup(s->rt->a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return r;
}

/* fmt's %v of a value, for messages. */
static const char *value_text(xstate *s, const rn_value *v)
{
    rn_buf b = RN_BUF_INIT;
    rn_gofmt_value(&b, v);
    char *r = rn_arena_strndup(s->rt->a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return r;
}

bool tmpl_stack_deep(const xstate *s)
{
    char here;
    uintptr_t h = (uintptr_t)&here;
    uintptr_t b = s->rt->stack_base;
    return (b > h ? b - h : h - b) > s->rt->stack_budget;
}

/* ---- values ------------------------------------------------------------ */

const char *tmpl_type_name(const rn_value *v)
{
    if (!v || v->kind == RN_NULL)
        return "interface {}";
    return rn_value_type_name(v);
}

bool tmpl_truth(const rn_value *v)
{
    if (v && v->kind == RN_FUNC)
        return true;
    return rn_value_truthy(v);
}

/* Go unwraps interface{} after each pipeline command: a nil interface
 * becomes no value. */
static xval unwrap(xval x)
{
    x.iface = false;
    if (x.v && x.v->kind == RN_NULL)
        x.v = NULL;
    return x;
}

static rn_value *arg_value(xstate *s, xval x)
{
    return x.v ? x.v : s->rt->nil;
}

/* ---- variables ---------------------------------------------------------- */

static void push_var(xstate *s, const char *name, size_t n, xval v)
{
    xroot *rt = s->rt;
    if (rt->nvars == rt->capvars) {
        int cap = rt->capvars ? rt->capvars * 2 : 32;
        xvar *p = realloc(rt->vars, sizeof *p * (size_t)cap);
        if (!p)
            abort();
        rt->vars = p;
        rt->capvars = cap;
    }
    rt->vars[rt->nvars++] = (xvar){name, n, v};
}

static int find_var(xstate *s, const tn_str *name)
{
    for (int i = s->rt->nvars - 1; i >= s->var_base; i--) {
        const xvar *v = &s->rt->vars[i];
        if (v->n == name->n && memcmp(v->name, name->s, name->n) == 0)
            return i;
    }
    return -1;
}

static int var_value(xstate *s, const tn_str *name, xval *out)
{
    int i = find_var(s, name);
    if (i < 0)
        return xerrorf(s, "undefined variable: %.*s", (int)name->n, name->s);
    *out = s->rt->vars[i].val;
    return 0;
}

static int set_var(xstate *s, const tn_str *name, xval v)
{
    int i = find_var(s, name);
    if (i < 0)
        return xerrorf(s, "undefined variable: %.*s", (int)name->n, name->s);
    s->rt->vars[i].val = v;
    return 0;
}

static void set_top_var(xstate *s, int n, xval v)
{
    s->rt->vars[s->rt->nvars - n].val = v;
}

/* ---- evaluation ----------------------------------------------------- */

static int eval_pipeline(xstate *s, xval dot, const tnode *pipe, xval *out);
static int eval_arg(xstate *s, xval dot, const tnode *n, xval *out);
static int walk(xstate *s, xval dot, const tnode *node);

static int not_a_function(xstate *s, tnode *const *args, int nargs,
                          const xval *final)
{
    if (nargs > 1 || final)
        return xerrorf(s, "can't give argument to non-function %s",
                       tmpl_node_text(s, args[0]));
    return 0;
}

static int ideal_constant(xstate *s, const tnode *n, xval *out)
{
    s->node = n;
    if (!n->u.num.konst)
        return xerrorf(s, "%s",
                       n->u.num.konst_err ? n->u.num.konst_err : "bad number");
    *out = (xval){n->u.num.konst, false};
    return 0;
}

/* A call of a template function (def) or of a method value (fnv). */
typedef struct callee {
    const tmpl_func_def *def;
    rn_value *fnv;
    const char *name;
} callee;

static int check_arg_count(xstate *s, const tmpl_func_def *def,
                           const char *name, int nargs, int num_in)
{
    if (def->max_args < 0 || def->max_args != def->min_args) {
        if (num_in < def->min_args)
            return xerrorf(s,
                           "wrong number of args for %s: want at least %d "
                           "got %d",
                           name, def->min_args, nargs);
        if (def->max_args >= 0 && num_in > def->max_args)
            return xerrorf(s, "wrong number of args for %s: want %d got %d",
                           name, def->max_args, num_in);
        return 0;
    }
    if (num_in != def->max_args)
        return xerrorf(s, "wrong number of args for %s: want %d got %d", name,
                       def->max_args, num_in);
    return 0;
}

/* Builtin and/or: evaluate left to right, stop at the deciding value. */
static int eval_and_or(xstate *s, xval dot, bool is_or, tnode *const *args,
                       int nargs, const xval *final, xval *out)
{
    xval v = INVALID;
    for (int i = 0; i < nargs; i++) {
        if (eval_arg(s, dot, args[i], &v) < 0)
            return -1;
        if (tmpl_truth(v.v) == is_or) {
            *out = v;
            return 0;
        }
    }
    if (final)
        v = *final;
    *out = v;
    return 0;
}

static int invoke(xstate *s, const callee *c, const tnode *node,
                  const tnode *pre, int argc, rn_value **argv,
                  const targ_meta *meta, xval *out)
{
    tmpl_ctx ctx = {s, c->name, node, argc, meta, pre};
    rn_value *res = NULL;
    int rc = c->def
                 ? c->def->fn(&ctx, argc, argv, &res)
                 : c->fnv->u.fn.fn(c->fnv->u.fn.self, &ctx, argc, argv, &res);
    if (rc < 0) {
        if (!s->rt->err->set) {
            s->node = node;
            xerrorf(s, "error calling %s: failed", c->name);
        }
        return -1;
    }
    *out = (xval){res, false};
    return 0;
}

/* Go's evalCall: args[0] is the function's own node; `node` is where
 * errors from the call itself are reported. */
static int eval_call(xstate *s, xval dot, const callee *c, const tnode *node,
                     tnode *const *args, int nargs, const xval *final,
                     xval *out)
{
    if (args) {
        args++;
        nargs--;
    } else {
        nargs = 0;
    }
    int num_in = nargs + (final ? 1 : 0);
    const tnode *pre = s->node;
    if (c->def) {
        if (check_arg_count(s, c->def, c->name, nargs, num_in) < 0)
            return -1;
        if (tmpl_is_builtin(c->def) &&
            (c->def->fn == tmpl_builtin_and || c->def->fn == tmpl_builtin_or))
            return eval_and_or(s, dot, c->def->fn == tmpl_builtin_or, args,
                               nargs, final, out);
    }
    rn_value *small_argv[8];
    targ_meta small_meta[8];
    rn_value **argv = small_argv;
    targ_meta *meta = small_meta;
    if (num_in > 8) {
        argv = rn_arena_alloc(s->rt->a, sizeof *argv * (size_t)num_in);
        meta = rn_arena_alloc(s->rt->a, sizeof *meta * (size_t)num_in);
    }
    for (int i = 0; i < nargs; i++) {
        xval v;
        if (eval_arg(s, dot, args[i], &v) < 0)
            return -1;
        argv[i] = arg_value(s, v);
        meta[i] = (targ_meta){args[i], s->node, v.v == NULL};
    }
    if (final) {
        argv[nargs] = arg_value(s, *final);
        meta[nargs] = (targ_meta){NULL, s->node, final->v == NULL};
    }
    return invoke(s, c, node, pre, num_in, argv, meta, out);
}

static int eval_function(xstate *s, xval dot, const tnode *ident,
                         const tnode *cmd, tnode *const *args, int nargs,
                         const xval *final, xval *out)
{
    s->node = ident;
    /* The parser found the definition by this name: its own NUL-ended
     * copy of it. */
    const tmpl_func_def *def = ident->u.ident.def;
    char name[128];
    if (!def || !def->name)
        snprintf(name, sizeof name, "%.*s", (int)ident->u.ident.n,
                 ident->u.ident.s);
    callee c = {def, NULL, def && def->name ? def->name : name};
    return eval_call(s, dot, &c, cmd, args, nargs, final, out);
}

/* Go's evalField on one name: map keys (missingkey=zero), method values. */
static int eval_field(xstate *s, xval dot, const tn_str *name,
                      const tnode *node, tnode *const *args, int nargs,
                      const xval *final, xval recv, xval *out)
{
    if (!recv.v) {
        *out = INVALID;
        return 0;
    }
    const char *typ = recv.iface ? "interface {}" : tmpl_type_name(recv.v);
    if (recv.v->kind == RN_NULL)
        return xerrorf(s, "nil pointer evaluating %s.%.*s", typ, (int)name->n,
                       name->s);
    /* Go looks for a method of the receiver's type before a map key. */
    rn_value *m = rn_value_method(recv.v, name->s, name->n);
    if (m && m->kind == RN_FUNC) {
        char fname[128];
        snprintf(fname, sizeof fname, "%.*s", (int)name->n, name->s);
        callee c = {NULL, m, fname};
        return eval_call(s, dot, &c, node, args, nargs, final, out);
    }
    if (m) { /* a method whose result is fixed, such as String */
        if ((args && nargs > 1) || final)
            return xerrorf(s, "wrong number of args for %.*s: want 0 got %d",
                           (int)name->n, name->s,
                           (args ? nargs - 1 : 0) + (final ? 1 : 0));
        *out = (xval){m, false};
        return 0;
    }
    if (recv.v->kind == RN_MAP) {
        rn_value *v = rn_map_get(recv.v, name->s, name->n);
        /* A Go struct has no zero value for a field it does not have. */
        if (!v && (recv.v->flags & RN_F_STRUCT))
            return xerrorf(s, "can't evaluate field %.*s in type %s",
                           (int)name->n, name->s, typ);
        if (v && v->kind == RN_FUNC) {
            char fname[128];
            snprintf(fname, sizeof fname, "%.*s", (int)name->n, name->s);
            callee c = {NULL, v, fname};
            return eval_call(s, dot, &c, node, args, nargs, final, out);
        }
        if ((args && nargs > 1) || final)
            return xerrorf(s, "%.*s is not a method but has arguments",
                           (int)name->n, name->s);
        bool strmap = recv.v->flags & RN_F_STRMAP;
        if (!v)
            v = strmap ? rn_str(s->rt->a, "", 0) : s->rt->nil;
        *out = (xval){v, !strmap};
        return 0;
    }
    return xerrorf(s, "can't evaluate field %.*s in type %s", (int)name->n,
                   name->s, typ);
}

static int eval_field_chain(xstate *s, xval dot, xval recv, const tnode *node,
                            const tn_str *ident, int n, tnode *const *args,
                            int nargs, const xval *final, xval *out)
{
    for (int i = 0; i < n - 1; i++)
        if (eval_field(s, dot, &ident[i], node, NULL, 0, NULL, recv, &recv) < 0)
            return -1;
    return eval_field(s, dot, &ident[n - 1], node, args, nargs, final, recv,
                      out);
}

static int eval_field_node(xstate *s, xval dot, const tnode *f,
                           tnode *const *args, int nargs, const xval *final,
                           xval *out)
{
    s->node = f;
    return eval_field_chain(s, dot, dot, f, f->u.field.ident, f->u.field.n,
                            args, nargs, final, out);
}

static int eval_chain_node(xstate *s, xval dot, const tnode *c,
                           tnode *const *args, int nargs, const xval *final,
                           xval *out)
{
    s->node = c;
    if (c->u.chain.node->type == TN_NIL)
        return xerrorf(s, "indirection through explicit nil in %s",
                       tmpl_node_text(s, c));
    xval recv;
    if (eval_arg(s, dot, c->u.chain.node, &recv) < 0)
        return -1;
    return eval_field_chain(s, dot, recv, c, c->u.chain.fields,
                            c->u.chain.nfields, args, nargs, final, out);
}

static int eval_variable_node(xstate *s, xval dot, const tnode *v,
                              tnode *const *args, int nargs, const xval *final,
                              xval *out)
{
    s->node = v;
    xval val;
    if (var_value(s, &v->u.field.ident[0], &val) < 0)
        return -1;
    if (v->u.field.n == 1) {
        if (args && not_a_function(s, args, nargs, final) < 0)
            return -1;
        *out = val;
        return 0;
    }
    return eval_field_chain(s, dot, val, v, v->u.field.ident + 1,
                            v->u.field.n - 1, args, nargs, final, out);
}

/* Go's evalArg for an interface{} (or reflect.Value) parameter. */
static int eval_arg(xstate *s, xval dot, const tnode *n, xval *out)
{
    s->node = n;
    tnode *const self[1] = {(tnode *)n};
    switch (n->type) {
    case TN_DOT:
        *out = dot;
        return 0;
    case TN_NIL:
        *out = (xval){s->rt->nil, true};
        return 0;
    case TN_FIELD:
        return eval_field_node(s, dot, n, self, 1, NULL, out);
    case TN_VARIABLE:
        return eval_variable_node(s, dot, n, NULL, 0, NULL, out);
    case TN_PIPE:
        return eval_pipeline(s, dot, n, out);
    case TN_IDENTIFIER:
        return eval_function(s, dot, n, n, NULL, 0, NULL, out);
    case TN_CHAIN:
        return eval_chain_node(s, dot, n, NULL, 0, NULL, out);
    case TN_BOOL:
        *out = (xval){rn_bool(s->rt->a, n->u.b), false};
        return 0;
    case TN_NUMBER:
        return ideal_constant(s, n, out);
    case TN_STRING:
        *out = (xval){n->u.str.v, false};
        return 0;
    default:
        return xerrorf(s,
                       "can't handle assignment of %s to empty interface "
                       "argument",
                       tmpl_node_text(s, n));
    }
}

static int eval_command(xstate *s, xval dot, const tnode *cmd,
                        const xval *final, xval *out)
{
    tnode *const *args = cmd->u.cmd.args;
    int nargs = cmd->u.cmd.nargs;
    const tnode *first = args[0];
    switch (first->type) {
    case TN_FIELD:
        return eval_field_node(s, dot, first, args, nargs, final, out);
    case TN_CHAIN:
        return eval_chain_node(s, dot, first, args, nargs, final, out);
    case TN_IDENTIFIER:
        return eval_function(s, dot, first, cmd, args, nargs, final, out);
    case TN_PIPE:
        if (not_a_function(s, args, nargs, final) < 0)
            return -1;
        return eval_pipeline(s, dot, first, out);
    case TN_VARIABLE:
        return eval_variable_node(s, dot, first, args, nargs, final, out);
    default:
        break;
    }
    s->node = first;
    if (not_a_function(s, args, nargs, final) < 0)
        return -1;
    switch (first->type) {
    case TN_BOOL:
        *out = (xval){rn_bool(s->rt->a, first->u.b), false};
        return 0;
    case TN_DOT:
        *out = dot;
        return 0;
    case TN_NIL:
        return xerrorf(s, "nil is not a command");
    case TN_NUMBER:
        return ideal_constant(s, first, out);
    case TN_STRING:
        *out = (xval){first->u.str.v, false};
        return 0;
    default:
        return xerrorf(s, "can't evaluate command %s",
                       tmpl_node_text(s, first));
    }
}

static int eval_pipeline(xstate *s, xval dot, const tnode *pipe, xval *out)
{
    if (!pipe) {
        *out = INVALID;
        return 0;
    }
    s->node = pipe;
    xval value = INVALID;
    for (int i = 0; i < pipe->u.pipe.ncmds; i++) {
        if (eval_command(s, dot, pipe->u.pipe.cmds[i], i ? &value : NULL,
                         &value) < 0)
            return -1;
        value = unwrap(value);
    }
    for (int i = 0; i < pipe->u.pipe.ndecl; i++) {
        const tn_str *name = &pipe->u.pipe.decl[i]->u.field.ident[0];
        if (pipe->u.pipe.is_assign) {
            if (set_var(s, name, value) < 0)
                return -1;
        } else {
            push_var(s, name->s, name->n, value);
        }
    }
    *out = value;
    return 0;
}

/* ---- walking ---------------------------------------------------------- */

static int walk_if_with(xstate *s, xval dot, const tnode *n)
{
    int mark = s->rt->nvars;
    xval val;
    int rc = eval_pipeline(s, dot, n->u.branch.pipe, &val);
    if (rc == 0) {
        if (tmpl_truth(val.v))
            rc = walk(s, n->type == TN_WITH ? val : dot, n->u.branch.list);
        else if (n->u.branch.else_list)
            rc = walk(s, dot, n->u.branch.else_list);
    }
    s->rt->nvars = mark;
    return rc;
}

/* One pass of a range body; mark is where the body's variables start. */
static int range_iteration(xstate *s, const tnode *r, int mark, xval index,
                           xval elem)
{
    const tnode *pipe = r->u.branch.pipe;
    int nd = pipe->u.pipe.ndecl;
    if (nd > 0) {
        const tn_str *v0 = &pipe->u.pipe.decl[0]->u.field.ident[0];
        if (pipe->u.pipe.is_assign) {
            if (set_var(s, v0, nd > 1 ? index : elem) < 0)
                return -1;
        } else {
            set_top_var(s, 1, elem);
        }
    }
    if (nd > 1) {
        const tn_str *v1 = &pipe->u.pipe.decl[1]->u.field.ident[0];
        if (pipe->u.pipe.is_assign) {
            if (set_var(s, v1, elem) < 0)
                return -1;
        } else {
            set_top_var(s, 2, index);
        }
    }
    int rc = walk(s, elem, r->u.branch.list);
    s->rt->nvars = mark;
    return rc == WALK_CONTINUE ? WALK_OK : rc;
}

/* Returns 1 when the value ran the body at least once, 0 when the else
 * branch should run, -1 on error. */
static int range_value(xstate *s, const tnode *r, xval val, int mark)
{
    rn_value *v = val.v;
    int nd = r->u.branch.pipe->u.pipe.ndecl;
    rn_arena *a = s->rt->a;
    int rc = 0;
    switch (v->kind) {
    case RN_INT: {
        if (nd > 1)
            return xerrorf(s,
                           "can't use %s to iterate over more than one "
                           "variable",
                           value_text(s, v));
        bool i64 = v->flags & RN_F_INT64, u64 = v->flags & RN_F_UINT64;
        for (int64_t i = 0; i < v->u.i && rc == 0; i++)
            rc = range_iteration(s, r, mark, INVALID,
                                 (xval){u64   ? rn_uint64(a, (uint64_t)i)
                                        : i64 ? rn_int64(a, i)
                                              : rn_int(a, i),
                                        false});
        return rc < 0 ? -1 : v->u.i > 0;
    }
    case RN_LIST: {
        size_t len = v->u.list.len;
        rn_value **items = v->u.list.items;
        bool iface = !(v->flags & RN_F_STRLIST);
        for (size_t i = 0; i < len && rc == 0; i++)
            rc = range_iteration(s, r, mark,
                                 (xval){rn_int(a, (int64_t)i), false},
                                 (xval){items[i], iface});
        return rc < 0 ? -1 : len > 0;
    }
    case RN_MAP: {
        /* Go sorts a snapshot of the keys before the first pass. */
        size_t len = v->u.map.len;
        size_t *order = rn_map_sorted(a, v);
        rn_pair *pairs = rn_arena_alloc(a, sizeof *pairs * (len ? len : 1));
        for (size_t i = 0; i < len; i++)
            pairs[i] = v->u.map.pairs[order[i]];
        bool iface = !(v->flags & RN_F_STRMAP);
        for (size_t i = 0; i < len && rc == 0; i++)
            rc = range_iteration(
                s, r, mark,
                (xval){rn_str_own(a, pairs[i].key, pairs[i].keylen), false},
                (xval){pairs[i].val, iface});
        return rc < 0 ? -1 : len > 0;
    }
    default:
        return xerrorf(s, "range can't iterate over %s", value_text(s, v));
    }
}

static int walk_range(xstate *s, xval dot, const tnode *r)
{
    s->node = r;
    int mark0 = s->rt->nvars;
    xval val;
    int rc = eval_pipeline(s, dot, r->u.branch.pipe, &val);
    if (rc == 0) {
        int ran = val.v ? range_value(s, r, val, s->rt->nvars) : 0;
        if (ran < 0)
            rc = -1;
        else if (!ran && r->u.branch.else_list)
            rc = walk(s, dot, r->u.branch.else_list);
    }
    s->rt->nvars = mark0;
    /* A {{break}} ends this range; a {{continue}} from the else branch
     * belongs to an enclosing range. */
    if (rc < 0)
        return -1;
    return rc == WALK_BREAK ? WALK_OK : rc;
}

/* Run tree tr as a fresh template invocation (no variables but $). */
int tmpl_run_template(xstate *parent, tmpl_set *set, const ttree *tr, xval dot,
                      rn_buf *out, int depth)
{
    xstate ns = {parent->rt, set, tr, out, NULL, parent->rt->nvars, depth};
    push_var(&ns, "$", 1, dot);
    int rc = walk(&ns, dot, tr->root);
    parent->rt->nvars = ns.var_base;
    return rc < 0 ? -1 : 0;
}

static int walk_template(xstate *s, xval dot, const tnode *t)
{
    s->node = t;
    const ttree *tr = tmpl_lookup(s->set, t->u.tmpl.name, t->u.tmpl.n);
    if (!tr) {
        rn_buf q = RN_BUF_INIT;
        tmpl_go_quote(&q, t->u.tmpl.name, t->u.tmpl.n, -1);
        xerrorf(s, "template %s not defined", rn_buf_cstr(&q));
        rn_buf_free(&q);
        return -1;
    }
    if (s->depth >= MAX_EXEC_DEPTH || tmpl_stack_deep(s))
        return xerrorf(s, "exceeded maximum template depth (%d)",
                       MAX_EXEC_DEPTH);
    xval nd;
    if (eval_pipeline(s, dot, t->u.tmpl.pipe, &nd) < 0)
        return -1;
    return tmpl_run_template(s, s->set, tr, nd, s->out, s->depth + 1);
}

static int print_value(xstate *s, const tnode *n, xval v)
{
    s->node = n;
    if (v.v && v.v->kind == RN_FUNC)
        return xerrorf(s, "can't print %s of type %s", tmpl_node_text(s, n),
                       tmpl_type_name(v.v));
    rn_gofmt_value(s->out, v.v);
    return 0;
}

static int walk(xstate *s, xval dot, const tnode *node)
{
    s->node = node;
    switch (node->type) {
    case TN_ACTION: {
        xval val;
        if (eval_pipeline(s, dot, node->u.action.pipe, &val) < 0)
            return -1;
        if (node->u.action.pipe->u.pipe.ndecl == 0)
            return print_value(s, node, val);
        return 0;
    }
    case TN_BREAK:
        return WALK_BREAK;
    case TN_CONTINUE:
        return WALK_CONTINUE;
    case TN_COMMENT:
        return 0;
    case TN_IF:
    case TN_WITH:
        return walk_if_with(s, dot, node);
    case TN_LIST:
        for (int i = 0; i < node->u.list.n; i++) {
            int rc = walk(s, dot, node->u.list.nodes[i]);
            if (rc != 0)
                return rc;
        }
        return 0;
    case TN_RANGE:
        return walk_range(s, dot, node);
    case TN_TEMPLATE:
        return walk_template(s, dot, node);
    case TN_TEXT:
        rn_buf_append(s->out, node->u.text.s, node->u.text.n);
        return 0;
    default:
        return xerrorf(s, "unknown node: %s", tmpl_node_text(s, node));
    }
}

/* ---- entry points ----------------------------------------------------- */

/* Helm: strings.ReplaceAll(output, "<no value>", "") from `from` on. */
void tmpl_drop_no_value(rn_buf *out, size_t from)
{
    static const char NV[] = "<no value>";
    const size_t nvlen = sizeof NV - 1;
    if (!out->data || out->len <= from)
        return;
    char *w = out->data + from;
    const char *r = w, *end = out->data + out->len;
    const char *hit;
    bool any = false;
    while ((hit = tq_find(r, (size_t)(end - r), NV, nvlen))) {
        size_t k = (size_t)(hit - r);
        memmove(w, r, k);
        w += k;
        r = hit + nvlen;
        any = true;
    }
    if (!any)
        return;
    size_t k = (size_t)(end - r);
    memmove(w, r, k);
    w += k;
    out->len = (size_t)(w - out->data);
    out->data[out->len] = '\0';
}

/* Helm's cleanupExecError: a message wrapped by `fail`/`required`
 * (tmpl_fail_raw) is shown as "execution error at (LOCATION): MESSAGE". */
static void helm_cleanup(rn_error *e)
{
    static const char START[] = "HELM_ERR_START", END[] = "HELM_ERR_END";
    const char *m = e->msg;
    const char *t1 = strstr(m, ": ");
    if (!t1)
        return;
    const char *t2 = strstr(t1 + 2, ": ");
    if (!t2)
        return;
    const char *rest = t2 + 2;
    const char *s = strstr(rest, START);
    if (!s)
        return;
    s += sizeof START - 1;
    const char *last = NULL;
    for (const char *p = s; (p = strstr(p, END)); p++)
        last = p;
    if (!last)
        return;
    char buf[RN_ERROR_MAX];
    snprintf(buf, sizeof buf, "execution error at (%.*s): %.*s",
             (int)(t2 - (t1 + 2)), t1 + 2, (int)(last - s), s);
    snprintf(e->msg, sizeof e->msg, "%s", buf);
}

static void root_init(xroot *rt, rn_arena *a, rn_error *err)
{
    memset(rt, 0, sizeof *rt);
    rt->a = a;
    rt->err = err;
    rt->nil = rn_null(a);
    char here;
    rt->stack_base = (uintptr_t)&here;
    rt->stack_budget = tmpl_stack_budget();
}

static void root_free(xroot *rt)
{
    free(rt->vars);
    free(rt->incs);
    for (int i = 0; i < rt->nsubs; i++)
        free(rt->subs[i]);
    free(rt->subs);
}

int tmpl_execute(tmpl_set *s, const char *name, rn_value *data, rn_buf *out,
                 rn_error *err)
{
    return tmpl_execute_in(s, s->arena, name, data, out, err);
}

int tmpl_execute_in(tmpl_set *s, rn_arena *a, const char *name, rn_value *data,
                    rn_buf *out, rn_error *err)
{
    return tmpl_execute_host(s, a, NULL, name, data, out, err);
}

int tmpl_execute_host(tmpl_set *s, rn_arena *a, const struct rn_host *host,
                      const char *name, rn_value *data, rn_buf *out,
                      rn_error *err)
{
    const ttree *tr = tmpl_lookup(s, name, strlen(name));
    if (!tr) {
        rn_buf q = RN_BUF_INIT;
        tmpl_go_quote(&q, name, strlen(name), -1);
        rn_error_set(err,
                     "template: no template %s associated with template "
                     "\"%s\"",
                     rn_buf_cstr(&q), s->name);
        rn_buf_free(&q);
        return -1;
    }
    xroot rt;
    root_init(&rt, a, err);
    rt.host = host;
    xstate top = {&rt, s, tr, out, NULL, 0, 0};
    xval dot = {data && data->kind != RN_NULL ? data : NULL, false};
    size_t start = out->len;
    int rc = tmpl_run_template(&top, s, tr, dot, out, 0);
    root_free(&rt);
    if (rc < 0) {
        helm_cleanup(err);
        return -1;
    }
    tmpl_drop_no_value(out, start);
    return 0;
}
