/*
 * tmpl_parse.c — the template parser: Go's text/template/parse/parse.go
 * and node.go, turned into C. Same grammar, same three-token lookahead,
 * same error texts ("template: NAME:LINE: unexpected ... in ..."), same
 * rules for {{define}}/{{block}} and variable scopes; unknown functions are
 * rejected here, as Go does at parse time.
 *
 * Errors unwind with longjmp (Go panics); every allocation is in the set's
 * arena, so nothing leaks when a parse fails.
 */
#include "tmpl_int.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#define MAX_PAREN_DEPTH 10000

/* Per-tree parse state (Go's Tree fields used while parsing). */
typedef struct pstate {
    ttree *tree;
    tk_item token[3];
    int peek_count;
    tn_str *vars;
    int nvars, capvars;
    int action_line;
    int range_depth;
    int stack_depth;
} pstate;

typedef struct treeset_ent {
    ttree *tree;
    struct treeset_ent *next;
} treeset_ent;

typedef struct parser {
    rn_arena *a;
    tmpl_set *set;
    tk_lexer lex;
    const char *parse_name;
    const char *text;
    size_t text_len;
    treeset_ent *treeset; /* Go's treeSet for this Parse call */
    uintptr_t stack_base, stack_budget;
    rn_error *err;
    jmp_buf jb;
} parser;

/* ---- errors ------------------------------------------------------------ */

static _Noreturn void perrorf(parser *p, pstate *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static _Noreturn void perrorf(parser *p, pstate *t, const char *fmt, ...)
{
    char msg[RN_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rn_error_set(p->err, "template: %s:%d: %s", p->parse_name, t->token[0].line,
                 msg);
    snprintf(p->err->file, sizeof p->err->file, "%s", p->parse_name);
    p->err->line = t->token[0].line;
    longjmp(p->jb, 1);
}

/* A short Go-quoted copy of s for messages (lives in the arena). */
static const char *quoted(parser *p, const char *s, size_t n)
{
    rn_buf b = RN_BUF_INIT;
    tmpl_go_quote(&b, s, n, -1);
    char *r = rn_arena_strndup(p->a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return r;
}

static const char *item_str(parser *p, const tk_item *it)
{
    rn_buf b = RN_BUF_INIT;
    tk_item_string(&b, it);
    char *r = rn_arena_strndup(p->a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return r;
}

static const char *node_str(parser *p, const tnode *n)
{
    rn_buf b = RN_BUF_INIT;
    tn_write(&b, n);
    char *r = rn_arena_strndup(p->a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return r;
}

static bool stack_deep(const parser *p)
{
    char here;
    uintptr_t h = (uintptr_t)&here;
    uintptr_t used = p->stack_base > h ? p->stack_base - h : h - p->stack_base;
    return used > p->stack_budget;
}

/* ---- tokens (Go's next/backup/peek) ----------------------------------- */

static tk_item tnext(parser *p, pstate *t)
{
    if (t->peek_count > 0)
        t->peek_count--;
    else
        t->token[0] = tk_next(&p->lex);
    return t->token[t->peek_count];
}

static void tbackup(pstate *t)
{
    t->peek_count++;
}

static void tbackup2(pstate *t, tk_item t1)
{
    t->token[1] = t1;
    t->peek_count = 2;
}

static void tbackup3(pstate *t, tk_item t2, tk_item t1)
{
    t->token[1] = t1;
    t->token[2] = t2;
    t->peek_count = 3;
}

static tk_item tpeek(parser *p, pstate *t)
{
    if (t->peek_count > 0)
        return t->token[t->peek_count - 1];
    t->peek_count = 1;
    t->token[0] = tk_next(&p->lex);
    return t->token[0];
}

static tk_item next_non_space(parser *p, pstate *t)
{
    tk_item it;
    do
        it = tnext(p, t);
    while (it.type == TK_SPACE);
    return it;
}

static tk_item peek_non_space(parser *p, pstate *t)
{
    tk_item it = next_non_space(p, t);
    tbackup(t);
    return it;
}

static _Noreturn void unexpected(parser *p, pstate *t, const tk_item *tok,
                                 const char *context)
{
    if (tok->type == TK_ERROR) {
        char extra[600] = "";
        if (t->action_line != 0 && t->action_line != tok->line) {
            snprintf(extra, sizeof extra, " in action started at %s:%d",
                     p->parse_name, t->action_line);
            if (tok->len >= 7 &&
                memcmp(tok->val + tok->len - 7, " action", 7) == 0)
                memmove(extra, extra + 10, strlen(extra + 10) + 1);
        }
        perrorf(p, t, "%.*s%s", (int)tok->len, tok->val, extra);
    }
    perrorf(p, t, "unexpected %s in %s", item_str(p, tok), context);
}

static tk_item expect(parser *p, pstate *t, tk_type want, const char *ctx)
{
    tk_item it = next_non_space(p, t);
    if (it.type != want)
        unexpected(p, t, &it, ctx);
    return it;
}

static tk_item expect_one_of(parser *p, pstate *t, tk_type w1, tk_type w2,
                             const char *ctx)
{
    tk_item it = next_non_space(p, t);
    if (it.type != w1 && it.type != w2)
        unexpected(p, t, &it, ctx);
    return it;
}

/* ---- nodes ------------------------------------------------------------ */

static tnode *new_node(parser *p, pstate *t, tn_type type, int pos)
{
    tnode *n = rn_arena_alloc(p->a, sizeof *n);
    n->type = type;
    n->pos = pos;
    n->tr = t->tree;
    return n;
}

#define GROW(a, arr, n, cap)                                                   \
    do {                                                                       \
        if ((n) == (cap)) {                                                    \
            int nc_ = (cap) ? (cap)*2 : 4;                                     \
            (arr) =                                                            \
                rn_arena_realloc((a), (arr), sizeof *(arr) * (size_t)(cap),    \
                                 sizeof *(arr) * (size_t)nc_);                 \
            (cap) = nc_;                                                       \
        }                                                                      \
    } while (0)

static void list_append(parser *p, tnode *list, tnode *n)
{
    GROW(p->a, list->u.list.nodes, list->u.list.n, list->u.list.cap);
    list->u.list.nodes[list->u.list.n++] = n;
}

/* Split "a.b.c" into idents (the text stays in the arena copy). */
static tn_str *split_dots(parser *p, const char *s, size_t n, int *count)
{
    int k = 1;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '.';
    tn_str *out = rn_arena_alloc(p->a, sizeof *out * (size_t)k);
    int j = 0;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            out[j].s = s + start;
            out[j].n = i - start;
            j++;
            start = i + 1;
        }
    }
    *count = k;
    return out;
}

static tnode *new_field(parser *p, pstate *t, int pos, const char *s, size_t n)
{
    tnode *f = new_node(p, t, TN_FIELD, pos);
    f->u.field.ident = split_dots(p, s + 1, n - 1, &f->u.field.n);
    return f;
}

static tnode *new_variable(parser *p, pstate *t, int pos, const char *s,
                           size_t n)
{
    tnode *v = new_node(p, t, TN_VARIABLE, pos);
    v->u.field.ident = split_dots(p, s, n, &v->u.field.n);
    return v;
}

static const char *new_number(parser *p, tnode *n, const char *text, size_t len,
                              tk_type typ);

/* ---- parse functions -------------------------------------------------- */

static tnode *parse_pipeline(parser *p, pstate *t, const char *context,
                             tk_type end);
static tnode *item_list(parser *p, pstate *t, tnode **next);
static void parse_definition(parser *p, pstate *parent);

static void push_var(parser *p, pstate *t, const char *s, size_t n)
{
    GROW(p->a, t->vars, t->nvars, t->capvars);
    t->vars[t->nvars].s = s;
    t->vars[t->nvars].n = n;
    t->nvars++;
}

static void start_parse(parser *p, pstate *t, ttree *tree)
{
    memset(t, 0, sizeof *t);
    t->tree = tree;
    push_var(p, t, "$", 1);
}

static bool has_function(const parser *p, const char *s, size_t n)
{
    return tmpl_find_func(p->set, s, n) != NULL;
}

/* Why a function is missing: "not defined", or the set's word for a name
 * it knows but does not have. */
static const char *unsupported_why(const parser *p, const char *s, size_t n)
{
    const tfuncs *f = p->set->funcs;
    for (size_t i = 0; f->unsupported && f->unsupported[i]; i++)
        if (strlen(f->unsupported[i]) == n &&
            memcmp(f->unsupported[i], s, n) == 0)
            return f->unsupported_why;
    return "not defined";
}

static tnode *use_var(parser *p, pstate *t, int pos, const char *s, size_t n)
{
    tnode *v = new_variable(p, t, pos, s, n);
    const tn_str *id = &v->u.field.ident[0];
    for (int i = 0; i < t->nvars; i++)
        if (t->vars[i].n == id->n && memcmp(t->vars[i].s, id->s, id->n) == 0)
            return v;
    perrorf(p, t, "undefined variable %s", quoted(p, id->s, id->n));
}

static tnode *term(parser *p, pstate *t)
{
    tk_item tok = next_non_space(p, t);
    tnode *n;
    switch (tok.type) {
    case TK_IDENTIFIER: {
        const tmpl_func_def *def = tmpl_find_func(p->set, tok.val, tok.len);
        if (!def)
            perrorf(p, t, "function %s %s", quoted(p, tok.val, tok.len),
                    unsupported_why(p, tok.val, tok.len));
        n = new_node(p, t, TN_IDENTIFIER, tok.pos);
        n->u.ident.s = tok.val;
        n->u.ident.n = tok.len;
        n->u.ident.def = def;
        return n;
    }
    case TK_DOT:
        return new_node(p, t, TN_DOT, tok.pos);
    case TK_NIL:
        return new_node(p, t, TN_NIL, tok.pos);
    case TK_VARIABLE:
        return use_var(p, t, tok.pos, tok.val, tok.len);
    case TK_FIELD:
        return new_field(p, t, tok.pos, tok.val, tok.len);
    case TK_BOOL:
        n = new_node(p, t, TN_BOOL, tok.pos);
        n->u.b = tok.len == 4;
        return n;
    case TK_CHAR_CONSTANT:
    case TK_COMPLEX:
    case TK_NUMBER: {
        n = new_node(p, t, TN_NUMBER, tok.pos);
        const char *e = new_number(p, n, tok.val, tok.len, tok.type);
        if (e)
            perrorf(p, t, "%s", e);
        return n;
    }
    case TK_LEFT_PAREN: {
        if (t->stack_depth >= MAX_PAREN_DEPTH || stack_deep(p))
            perrorf(p, t, "max expression depth exceeded");
        t->stack_depth++;
        n = parse_pipeline(p, t, "parenthesized pipeline", TK_RIGHT_PAREN);
        t->stack_depth--;
        return n;
    }
    case TK_STRING:
    case TK_RAW_STRING: {
        const char *s;
        size_t sn;
        if (tq_unquote(p->a, tok.val, tok.len, &s, &sn) < 0)
            perrorf(p, t, "invalid syntax");
        n = new_node(p, t, TN_STRING, tok.pos);
        n->u.str.quoted = tok.val;
        n->u.str.qn = tok.len;
        n->u.str.v = rn_str_own(p->a, s, sn);
        return n;
    }
    default:
        break;
    }
    tbackup(t);
    return NULL;
}

static tnode *operand(parser *p, pstate *t)
{
    tnode *node = term(p, t);
    if (!node)
        return NULL;
    if (tpeek(p, t).type != TK_FIELD)
        return node;
    tnode *chain = new_node(p, t, TN_CHAIN, tpeek(p, t).pos);
    chain->u.chain.node = node;
    int cap = 0;
    while (tpeek(p, t).type == TK_FIELD) {
        tk_item f = tnext(p, t);
        GROW(p->a, chain->u.chain.fields, chain->u.chain.nfields, cap);
        chain->u.chain.fields[chain->u.chain.nfields].s = f.val + 1;
        chain->u.chain.fields[chain->u.chain.nfields].n = f.len - 1;
        chain->u.chain.nfields++;
    }
    switch (node->type) {
    case TN_FIELD:
    case TN_VARIABLE: {
        /* Go rebuilds the node from the chain's text, at the chain's
         * position (the first chained field). */
        const char *s = node_str(p, chain);
        return node->type == TN_FIELD
                   ? new_field(p, t, chain->pos, s, strlen(s))
                   : new_variable(p, t, chain->pos, s, strlen(s));
    }
    case TN_BOOL:
    case TN_STRING:
    case TN_NUMBER:
    case TN_NIL:
    case TN_DOT: {
        const char *s = node_str(p, node);
        perrorf(p, t, "unexpected . after term %s", quoted(p, s, strlen(s)));
    }
    default:
        return chain;
    }
}

static tnode *command(parser *p, pstate *t)
{
    tnode *cmd = new_node(p, t, TN_COMMAND, peek_non_space(p, t).pos);
    int cap = 0;
    for (;;) {
        peek_non_space(p, t);
        tnode *op = operand(p, t);
        if (op) {
            GROW(p->a, cmd->u.cmd.args, cmd->u.cmd.nargs, cap);
            cmd->u.cmd.args[cmd->u.cmd.nargs++] = op;
        }
        tk_item tok = tnext(p, t);
        if (tok.type == TK_SPACE)
            continue;
        if (tok.type == TK_RIGHT_DELIM || tok.type == TK_RIGHT_PAREN)
            tbackup(t);
        else if (tok.type != TK_PIPE)
            unexpected(p, t, &tok, "operand");
        break;
    }
    if (cmd->u.cmd.nargs == 0)
        perrorf(p, t, "empty command");
    return cmd;
}

static void check_pipeline(parser *p, pstate *t, tnode *pipe,
                           const char *context)
{
    if (pipe->u.pipe.ncmds == 0)
        perrorf(p, t, "missing value for %s", context);
    for (int i = 1; i < pipe->u.pipe.ncmds; i++) {
        switch (pipe->u.pipe.cmds[i]->u.cmd.args[0]->type) {
        case TN_BOOL:
        case TN_DOT:
        case TN_NIL:
        case TN_NUMBER:
        case TN_STRING:
            perrorf(p, t, "non executable command in pipeline stage %d", i + 1);
        default:
            break;
        }
    }
}

static void add_decl(parser *p, pstate *t, tnode *pipe, const tk_item *v)
{
    GROW(p->a, pipe->u.pipe.decl, pipe->u.pipe.ndecl, pipe->u.pipe.capdecl);
    pipe->u.pipe.decl[pipe->u.pipe.ndecl++] =
        new_variable(p, t, v->pos, v->val, v->len);
    push_var(p, t, v->val, v->len);
}

/* Declarations at the start of a pipeline: $x := / $x = / $i, $e := . */
static void parse_decls(parser *p, pstate *t, tnode *pipe, const char *context)
{
    for (;;) {
        tk_item v = peek_non_space(p, t);
        if (v.type != TK_VARIABLE)
            return;
        tnext(p, t);
        tk_item after = tpeek(p, t);
        tk_item nx = peek_non_space(p, t);
        if (nx.type == TK_ASSIGN || nx.type == TK_DECLARE) {
            pipe->u.pipe.is_assign = nx.type == TK_ASSIGN;
            next_non_space(p, t);
            add_decl(p, t, pipe, &v);
            return;
        }
        if (nx.type == TK_CHAR && nx.len == 1 && nx.val[0] == ',') {
            next_non_space(p, t);
            add_decl(p, t, pipe, &v);
            if (strcmp(context, "range") == 0 && pipe->u.pipe.ndecl < 2) {
                tk_type k = peek_non_space(p, t).type;
                if (k == TK_VARIABLE || k == TK_RIGHT_DELIM ||
                    k == TK_RIGHT_PAREN)
                    continue;
                perrorf(p, t, "range can only initialize variables");
            }
            perrorf(p, t, "too many declarations in %s", context);
        }
        if (after.type == TK_SPACE)
            tbackup3(t, v, after);
        else
            tbackup2(t, v);
        return;
    }
}

static tnode *parse_pipeline(parser *p, pstate *t, const char *context,
                             tk_type end)
{
    tk_item first = peek_non_space(p, t);
    tnode *pipe = new_node(p, t, TN_PIPE, first.pos);
    pipe->u.pipe.line = first.line;
    parse_decls(p, t, pipe, context);
    for (;;) {
        tk_item tok = next_non_space(p, t);
        if (tok.type == end) {
            check_pipeline(p, t, pipe, context);
            return pipe;
        }
        switch (tok.type) {
        case TK_BOOL:
        case TK_CHAR_CONSTANT:
        case TK_COMPLEX:
        case TK_DOT:
        case TK_FIELD:
        case TK_IDENTIFIER:
        case TK_NUMBER:
        case TK_NIL:
        case TK_RAW_STRING:
        case TK_STRING:
        case TK_VARIABLE:
        case TK_LEFT_PAREN:
            tbackup(t);
            GROW(p->a, pipe->u.pipe.cmds, pipe->u.pipe.ncmds,
                 pipe->u.pipe.capcmds);
            pipe->u.pipe.cmds[pipe->u.pipe.ncmds++] = command(p, t);
            break;
        default:
            unexpected(p, t, &tok, context);
        }
    }
}

static tnode *if_control(parser *p, pstate *t);
static tnode *with_control(parser *p, pstate *t);

static tnode *parse_control(parser *p, pstate *t, tn_type type,
                            const char *context)
{
    int saved_vars = t->nvars;
    tnode *pipe = parse_pipeline(p, t, context, TK_RIGHT_DELIM);
    if (type == TN_RANGE)
        t->range_depth++;
    tnode *next;
    tnode *list = item_list(p, t, &next);
    if (type == TN_RANGE)
        t->range_depth--;
    tnode *else_list = NULL;
    if (next->type == TN_ELSE) {
        tk_type k = tpeek(p, t).type;
        if ((type == TN_IF && k == TK_IF) ||
            (type == TN_WITH && k == TK_WITH)) {
            /* {{else if}} / {{else with}}: a nested control whose {{end}}
             * closes both. */
            tnext(p, t);
            else_list = new_node(p, t, TN_LIST, next->pos);
            list_append(p, else_list,
                        k == TK_IF ? if_control(p, t) : with_control(p, t));
        } else {
            else_list = item_list(p, t, &next);
            if (next->type != TN_END)
                perrorf(p, t, "expected end; found %s", node_str(p, next));
        }
    }
    t->nvars = saved_vars;
    tnode *n = new_node(p, t, type, pipe->pos);
    n->u.branch.pipe = pipe;
    n->u.branch.list = list;
    n->u.branch.else_list = else_list;
    n->u.branch.line = pipe->u.pipe.line;
    return n;
}

static tnode *if_control(parser *p, pstate *t)
{
    return parse_control(p, t, TN_IF, "if");
}

static tnode *with_control(parser *p, pstate *t)
{
    return parse_control(p, t, TN_WITH, "with");
}

static tnode *break_control(parser *p, pstate *t, tn_type type,
                            const tk_item *kw)
{
    const char *what = type == TN_BREAK ? "{{break}}" : "{{continue}}";
    tk_item tok = next_non_space(p, t);
    if (tok.type != TK_RIGHT_DELIM)
        unexpected(p, t, &tok, what);
    if (t->range_depth == 0)
        perrorf(p, t, "%s outside {{range}}", what);
    tnode *n = new_node(p, t, type, kw->pos);
    n->u.line = kw->line;
    return n;
}

static tnode *else_control(parser *p, pstate *t)
{
    tk_item pk = peek_non_space(p, t);
    tnode *n;
    if (pk.type == TK_IF || pk.type == TK_WITH) {
        n = new_node(p, t, TN_ELSE, pk.pos);
        n->u.line = pk.line;
        return n;
    }
    tk_item tok = expect(p, t, TK_RIGHT_DELIM, "else");
    n = new_node(p, t, TN_ELSE, tok.pos);
    n->u.line = tok.line;
    return n;
}

static tnode *end_control(parser *p, pstate *t)
{
    return new_node(p, t, TN_END, expect(p, t, TK_RIGHT_DELIM, "end").pos);
}

static void template_name(parser *p, pstate *t, const tk_item *tok,
                          const char *context, const char **name, size_t *n)
{
    if (tok->type != TK_STRING && tok->type != TK_RAW_STRING)
        unexpected(p, t, tok, context);
    if (tq_unquote(p->a, tok->val, tok->len, name, n) < 0)
        perrorf(p, t, "invalid syntax");
}

static tnode *new_template(parser *p, pstate *t, const tk_item *tok,
                           const char *name, size_t n, tnode *pipe)
{
    tnode *tn = new_node(p, t, TN_TEMPLATE, tok->pos);
    tn->u.tmpl.name = name;
    tn->u.tmpl.n = n;
    tn->u.tmpl.pipe = pipe;
    tn->u.tmpl.line = tok->line;
    return tn;
}

static tnode *template_control(parser *p, pstate *t)
{
    const char *ctx = "template clause";
    tk_item tok = next_non_space(p, t);
    const char *name;
    size_t n;
    template_name(p, t, &tok, ctx, &name, &n);
    tnode *pipe = NULL;
    if (next_non_space(p, t).type != TK_RIGHT_DELIM) {
        tbackup(t);
        pipe = parse_pipeline(p, t, ctx, TK_RIGHT_DELIM);
    }
    return new_template(p, t, &tok, name, n, pipe);
}

static ttree *new_tree(parser *p, const char *name)
{
    ttree *tr = rn_arena_alloc(p->a, sizeof *tr);
    tr->name = name;
    tr->parse_name = p->parse_name;
    tr->text = p->text;
    tr->text_len = p->text_len;
    return tr;
}

/* Go's Tree.add: record a finished tree in this parse's tree set. */
static void tree_add(parser *p, pstate *t)
{
    ttree *tr = t->tree;
    for (treeset_ent *e = p->treeset; e; e = e->next) {
        if (strcmp(e->tree->name, tr->name) != 0)
            continue;
        if (tn_is_empty_tree(e->tree->root)) {
            e->tree = tr;
            return;
        }
        if (!tn_is_empty_tree(tr->root))
            perrorf(p, t, "template: multiple definition of template %s",
                    quoted(p, tr->name, strlen(tr->name)));
        return;
    }
    treeset_ent *e = rn_arena_alloc(p->a, sizeof *e);
    e->tree = tr;
    e->next = p->treeset;
    p->treeset = e;
}

static tnode *block_control(parser *p, pstate *t)
{
    const char *ctx = "block clause";
    tk_item tok = next_non_space(p, t);
    const char *name;
    size_t n;
    template_name(p, t, &tok, ctx, &name, &n);
    tnode *pipe = parse_pipeline(p, t, ctx, TK_RIGHT_DELIM);
    pstate bt;
    start_parse(p, &bt, new_tree(p, name));
    tnode *end;
    bt.tree->root = item_list(p, &bt, &end);
    if (end->type != TN_END)
        perrorf(p, t, "unexpected %s in %s", node_str(p, end), ctx);
    tree_add(p, &bt);
    return new_template(p, t, &tok, name, n, pipe);
}

static tnode *action(parser *p, pstate *t)
{
    tk_item tok = next_non_space(p, t);
    switch (tok.type) {
    case TK_BLOCK:
        return block_control(p, t);
    case TK_BREAK:
        return break_control(p, t, TN_BREAK, &tok);
    case TK_CONTINUE:
        return break_control(p, t, TN_CONTINUE, &tok);
    case TK_ELSE:
        return else_control(p, t);
    case TK_END:
        return end_control(p, t);
    case TK_IF:
        return if_control(p, t);
    case TK_RANGE:
        return parse_control(p, t, TN_RANGE, "range");
    case TK_TEMPLATE:
        return template_control(p, t);
    case TK_WITH:
        return with_control(p, t);
    default:
        break;
    }
    tbackup(t);
    tk_item first = tpeek(p, t);
    tnode *n = new_node(p, t, TN_ACTION, first.pos);
    n->u.action.line = first.line;
    n->u.action.pipe = parse_pipeline(p, t, "command", TK_RIGHT_DELIM);
    return n;
}

static tnode *text_or_action(parser *p, pstate *t)
{
    tk_item tok = next_non_space(p, t);
    tnode *n;
    switch (tok.type) {
    case TK_TEXT:
        n = new_node(p, t, TN_TEXT, tok.pos);
        n->u.text.s = tok.val;
        n->u.text.n = tok.len;
        return n;
    case TK_LEFT_DELIM:
        if (stack_deep(p))
            perrorf(p, t, "max expression depth exceeded");
        t->action_line = tok.line;
        n = action(p, t);
        t->action_line = 0;
        return n;
    case TK_COMMENT:
        n = new_node(p, t, TN_COMMENT, tok.pos);
        n->u.text.s = tok.val;
        n->u.text.n = tok.len;
        return n;
    default:
        unexpected(p, t, &tok, "input");
    }
}

static tnode *item_list(parser *p, pstate *t, tnode **next)
{
    tnode *list = new_node(p, t, TN_LIST, peek_non_space(p, t).pos);
    while (peek_non_space(p, t).type != TK_EOF) {
        tnode *n = text_or_action(p, t);
        if (n->type == TN_END || n->type == TN_ELSE) {
            *next = n;
            return list;
        }
        list_append(p, list, n);
    }
    perrorf(p, t, "unexpected EOF");
}

static void parse_definition(parser *p, pstate *parent)
{
    (void)parent;
    const char *ctx = "define clause";
    pstate t;
    start_parse(p, &t, new_tree(p, "definition"));
    tk_item name = expect_one_of(p, &t, TK_STRING, TK_RAW_STRING, ctx);
    const char *s;
    size_t n;
    if (tq_unquote(p->a, name.val, name.len, &s, &n) < 0)
        perrorf(p, &t, "invalid syntax");
    t.tree->name = s;
    expect(p, &t, TK_RIGHT_DELIM, ctx);
    tnode *end;
    t.tree->root = item_list(p, &t, &end);
    if (end->type != TN_END)
        perrorf(p, &t, "unexpected %s in %s", node_str(p, end), ctx);
    tree_add(p, &t);
}

/* Go's Tree.parse: the top level, where {{define}} is allowed. */
static void parse_top(parser *p, pstate *t)
{
    t->tree->root = new_node(p, t, TN_LIST, tpeek(p, t).pos);
    while (tpeek(p, t).type != TK_EOF) {
        if (tpeek(p, t).type == TK_LEFT_DELIM) {
            tk_item delim = tnext(p, t);
            if (next_non_space(p, t).type == TK_DEFINE) {
                parse_definition(p, t);
                continue;
            }
            tbackup2(t, delim);
        }
        tnode *n = text_or_action(p, t);
        if (n->type == TN_END || n->type == TN_ELSE)
            perrorf(p, t, "unexpected %s", node_str(p, n));
        list_append(p, t->tree->root, n);
    }
}

/* ---- number literals (Go's newNumber and idealConstant) -------------- */

static bool has_any(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (strchr(set, s[i]))
            return true;
    return false;
}

static const char *number_char(parser *p, tnode *n, const char *text,
                               size_t len)
{
    int r;
    bool mb;
    size_t used = tq_unquote_char(text + 1, len - 1, '\'', &r, &mb);
    if (used == 0)
        return "invalid syntax";
    if (1 + used != len - 1 || text[len - 1] != '\'')
        return rn_arena_printf(p->a, "malformed character constant: %.*s",
                               (int)len, text);
    n->u.num.i = r;
    n->u.num.u = (uint64_t)r;
    n->u.num.f = r;
    n->u.num.is_int = n->u.num.is_uint = n->u.num.is_float = true;
    n->u.num.konst = rn_int(p->a, r);
    return NULL;
}

/* Go's simplifyComplex for a complex constant with imaginary part im. */
static void set_complex(tnode *n, double re, double im)
{
    n->u.num.is_complex = true;
    n->u.num.re = re;
    n->u.num.im = im;
    n->u.num.is_float = im == 0;
    if (n->u.num.is_float) {
        n->u.num.f = re;
        n->u.num.is_int = re == (double)(int64_t)re;
        n->u.num.i = (int64_t)re;
        n->u.num.is_uint = re >= 0 && re == (double)(uint64_t)re;
        n->u.num.u = (uint64_t)re;
    }
}

/* fmt's floatToken: the longest run of what a float may hold. */
static size_t float_token(const char *s, size_t n, size_t i)
{
    const char *digits = "0123456789_", *exp = "eEpP";
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    if (i < n && s[i] == '0') {
        i++;
        if (i < n && (s[i] == 'x' || s[i] == 'X')) {
            i++;
            digits = "0123456789aAbBcCdDeEfF_";
            exp = "pP";
        }
    }
    while (i < n && strchr(digits, s[i]))
        i++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && strchr(digits, s[i]))
            i++;
    }
    if (i < n && strchr(exp, s[i])) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        while (i < n && strchr("0123456789_", s[i]))
            i++;
    }
    return i;
}

/* fmt's convertFloat for the tokens the lexer lets through (a binary
 * exponent comes only with a hex mantissa, which strconv reads). */
static const char *convert_float(parser *p, const char *s, size_t n,
                                 double *out)
{
    int rc = tq_parse_float_err(s, n, out);
    if (rc)
        return rn_arena_printf(
            p->a, "strconv.ParseFloat: parsing %s: %s", quoted(p, s, n),
            rc == TQ_RANGE ? "value out of range" : "invalid syntax");
    return NULL;
}

/* "re±imi" as fmt.Sscan reads a complex128. */
static const char *number_complex(parser *p, tnode *n, const char *text,
                                  size_t len)
{
    static const char bad[] = "syntax error scanning complex number";
    size_t i = 0;
    bool parens = i < len && text[i] == '(';
    if (parens)
        i++;
    size_t r0 = i;
    i = float_token(text, len, i);
    size_t r1 = i;
    if (i >= len || (text[i] != '+' && text[i] != '-'))
        return bad;
    size_t m0 = i++;
    i = float_token(text, len, i);
    size_t m1 = i;
    if (i >= len || text[i] != 'i')
        return bad;
    i++;
    if (parens && (i >= len || text[i] != ')'))
        return bad;
    double re, im;
    const char *e = convert_float(p, text + r0, r1 - r0, &re);
    if (!e)
        e = convert_float(p, text + m0, m1 - m0, &im);
    if (e)
        return e;
    set_complex(n, re, im);
    return NULL;
}

static void ideal_constant(parser *p, tnode *n)
{
    const char *s = n->u.num.text;
    size_t len = n->u.num.n;
    bool hex_int = len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
                   !has_any(s, len, "pP");
    if (n->u.num.is_complex)
        n->u.num.konst = rn_complex(p->a, n->u.num.re, n->u.num.im);
    else if (n->u.num.is_float && !hex_int && s[0] != '\'' &&
             has_any(s, len, ".eEpP"))
        n->u.num.konst = rn_float(p->a, n->u.num.f);
    else if (n->u.num.is_int)
        n->u.num.konst = rn_int(p->a, n->u.num.i);
    else if (n->u.num.is_uint)
        n->u.num.konst_err =
            rn_arena_printf(p->a, "%.*s overflows int", (int)len, s);
}

static const char *new_number(parser *p, tnode *n, const char *text, size_t len,
                              tk_type typ)
{
    n->u.num.text = text;
    n->u.num.n = len;
    if (typ == TK_CHAR_CONSTANT)
        return number_char(p, n, text, len);
    if (typ == TK_COMPLEX) {
        const char *e = number_complex(p, n, text, len);
        if (!e)
            ideal_constant(p, n);
        return e;
    }
    double f;
    if (len > 0 && text[len - 1] == 'i' && tq_parse_float(text, len - 1, &f)) {
        set_complex(n, 0, f);
        ideal_constant(p, n);
        return NULL;
    }
    uint64_t u;
    int64_t i;
    if (tq_parse_uint(text, len, &u)) {
        n->u.num.is_uint = true;
        n->u.num.u = u;
    }
    if (tq_parse_int(text, len, &i)) {
        n->u.num.is_int = true;
        n->u.num.i = i;
        if (i == 0) {
            n->u.num.is_uint = true;
            n->u.num.u = 0;
        }
    }
    if (n->u.num.is_int) {
        n->u.num.is_float = true;
        n->u.num.f = (double)n->u.num.i;
    } else if (n->u.num.is_uint) {
        n->u.num.is_float = true;
        n->u.num.f = (double)n->u.num.u;
    } else if (tq_parse_float(text, len, &f)) {
        if (!has_any(text, len, ".eEpP"))
            return rn_arena_printf(p->a, "integer overflow: %s",
                                   quoted(p, text, len));
        n->u.num.is_float = true;
        n->u.num.f = f;
        if (f >= -9223372036854775808.0 && f < 9223372036854775808.0 &&
            (double)(int64_t)f == f) {
            n->u.num.is_int = true;
            n->u.num.i = (int64_t)f;
        }
        if (f >= 0 && f < 18446744073709551616.0 && (double)(uint64_t)f == f) {
            n->u.num.is_uint = true;
            n->u.num.u = (uint64_t)f;
        }
    }
    if (!n->u.num.is_int && !n->u.num.is_uint && !n->u.num.is_float)
        return rn_arena_printf(p->a, "illegal number syntax: %s",
                               quoted(p, text, len));
    ideal_constant(p, n);
    return NULL;
}

static int run_parse(parser *p, const char *name)
{
    pstate top;
    if (setjmp(p->jb))
        return -1;
    char here;
    p->stack_base = (uintptr_t)&here;
    p->stack_budget = tmpl_stack_budget();
    start_parse(p, &top, new_tree(p, name));
    bool has_break = has_function(p, "break", 5);
    bool has_continue = has_function(p, "continue", 8);
    p->lex.break_ok = !has_break;
    p->lex.continue_ok = !has_continue;
    parse_top(p, &top);
    tree_add(p, &top);
    return 0;
}

int tmpl_parse(tmpl_set *s, const char *name, const char *text, size_t len,
               rn_error *err)
{
    parser *p = rn_arena_alloc(s->arena, sizeof *p);
    p->a = s->arena;
    p->set = s;
    p->err = err;
    p->parse_name = rn_arena_strdup(s->arena, name);
    p->text = rn_arena_strndup(s->arena, text, len);
    p->text_len = len;
    tk_lex_init(&p->lex, s->arena, p->text, len);
    if (run_parse(p, p->parse_name) < 0)
        return -1;
    for (treeset_ent *e = p->treeset; e; e = e->next)
        tmpl_set_associate(s, e->tree);
    return 0;
}
