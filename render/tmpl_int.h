/*
 * tmpl_int.h — internals shared by the template engine's files: the lexer
 * (tmpl_lex.c), the parser and template set (tmpl_parse.c), the executor
 * (tmpl_exec.c) and the builtin functions (tmpl_builtins.c).
 *
 * The shapes follow Go's text/template/parse package closely (item types,
 * node types, three-token lookahead) because error messages and edge cases
 * are defined by that code; keeping the same structure keeps them equal.
 * Nothing here is part of the public API (tmpl.h).
 */
#ifndef RN_TMPL_INT_H
#define RN_TMPL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"
#include "tmpl.h"
#include "value.h"

/* ---- lexer ------------------------------------------------------------ */

/* Same order as Go's itemType: keywords sort after TK_KEYWORD. */
typedef enum tk_type {
    TK_ERROR,
    TK_BOOL,
    TK_CHAR,
    TK_CHAR_CONSTANT,
    TK_COMMENT,
    TK_COMPLEX,
    TK_ASSIGN,
    TK_DECLARE,
    TK_EOF,
    TK_FIELD,
    TK_IDENTIFIER,
    TK_LEFT_DELIM,
    TK_LEFT_PAREN,
    TK_NUMBER,
    TK_PIPE,
    TK_RAW_STRING,
    TK_RIGHT_DELIM,
    TK_RIGHT_PAREN,
    TK_SPACE,
    TK_STRING,
    TK_TEXT,
    TK_VARIABLE,
    TK_KEYWORD,
    TK_BLOCK,
    TK_BREAK,
    TK_CONTINUE,
    TK_DOT,
    TK_DEFINE,
    TK_ELSE,
    TK_END,
    TK_IF,
    TK_NIL,
    TK_RANGE,
    TK_TEMPLATE,
    TK_WITH,
} tk_type;

typedef struct tk_item {
    tk_type type;
    int pos;         /* byte offset in the input */
    const char *val; /* into the input, or an arena message for TK_ERROR */
    size_t len;
    int line; /* line at the start of the item */
} tk_item;

typedef struct tk_lexer {
    rn_arena *arena; /* for error messages */
    const char *input;
    size_t len;
    size_t pos, start;
    bool at_eof;
    int paren_depth;
    int line, start_line;
    bool inside_action;
    bool emit_comment, break_ok, continue_ok;
    tk_item item;
} tk_lexer;

void tk_lex_init(tk_lexer *l, rn_arena *a, const char *input, size_t len);
tk_item tk_next(tk_lexer *l);
/* Go's item.String(): EOF, <keyword>, "quoted" or "first ten"... */
void tk_item_string(rn_buf *out, const tk_item *it);
const char *tk_type_name(tk_type t);

/* ---- parse tree -------------------------------------------------------- */

typedef enum tn_type {
    TN_TEXT,
    TN_ACTION,
    TN_BOOL,
    TN_CHAIN,
    TN_COMMAND,
    TN_DOT,
    TN_ELSE,
    TN_END,
    TN_FIELD,
    TN_IDENTIFIER,
    TN_IF,
    TN_LIST,
    TN_NIL,
    TN_NUMBER,
    TN_PIPE,
    TN_RANGE,
    TN_STRING,
    TN_TEMPLATE,
    TN_VARIABLE,
    TN_WITH,
    TN_COMMENT,
    TN_BREAK,
    TN_CONTINUE,
} tn_type;

typedef struct tn_str {
    const char *s;
    size_t n;
} tn_str;

typedef struct tnode tnode;
typedef struct ttree ttree;

struct tnode {
    tn_type type;
    int pos;
    ttree *tr;
    union {
        struct { /* TEXT, COMMENT */
            const char *s;
            size_t n;
        } text;
        struct { /* ACTION; IF, RANGE, WITH use branch */
            tnode *pipe;
            int line;
        } action;
        bool b;  /* BOOL */
        struct { /* CHAIN: (pipe).A.B */
            tnode *node;
            tn_str *fields;
            int nfields;
        } chain;
        struct { /* COMMAND */
            tnode **args;
            int nargs;
        } cmd;
        struct { /* FIELD (.A.B: idents A,B); VARIABLE ($x.A: $x, A) */
            tn_str *ident;
            int n;
        } field;
        struct { /* IDENTIFIER: a function name */
            const char *s;
            size_t n;
            const tmpl_func_def *def;
        } ident;
        struct { /* NUMBER */
            const char *text;
            size_t n;
            bool is_int, is_uint, is_float, is_complex;
            int64_t i;
            uint64_t u;
            double f;
            rn_value *konst;       /* the ideal constant, NULL if it fails */
            const char *konst_err; /* why it fails (overflow, complex) */
        } num;
        struct { /* PIPE */
            bool is_assign;
            int line;
            tnode **decl; /* VARIABLE nodes */
            int ndecl, capdecl;
            tnode **cmds;
            int ncmds, capcmds;
        } pipe;
        struct { /* IF, RANGE, WITH */
            tnode *pipe;
            tnode *list;
            tnode *else_list; /* NULL when absent */
            int line;
        } branch;
        struct { /* LIST */
            tnode **nodes;
            int n, cap;
        } list;
        struct { /* STRING */
            const char *quoted;
            size_t qn;
            rn_value *v;
        } str;
        struct { /* TEMPLATE */
            const char *name;
            size_t n;
            tnode *pipe; /* may be NULL */
            int line;
        } tmpl;
        int line; /* BREAK, CONTINUE, ELSE */
    } u;
};

/* One named template: a file's top level or a {{define}}. */
struct ttree {
    const char *name;
    const char *parse_name; /* the file it was parsed from */
    const char *text;       /* that file's whole text (for line:col) */
    size_t text_len;
    tnode *root; /* a LIST */
};

/* Go's Node.String(), for error contexts. */
void tn_write(rn_buf *out, const tnode *n);
/* true when the tree holds only space text and comments (Go's
 * parse.IsEmptyTree). */
bool tn_is_empty_tree(const tnode *n);

/* ---- Go literal rules (tmpl_quote.c) --------------------------------- */

#define TQ_RUNE_ERROR 0xFFFD
/* One UTF-8 rune; an invalid byte is U+FFFD with width 1; -1 at the end. */
int tq_decode(const unsigned char *s, size_t n, int *width);
size_t tq_encode(char *out, int r);
bool tq_is_print(int r); /* unicode.IsPrint */
/* memmem: the first occurrence of needle in s, or NULL. */
const char *tq_find(const char *s, size_t n, const char *needle, size_t nn);
/* strconv.Quote / Go's %q for a byte string; with max_runes >= 0 only the
 * first max_runes runes are quoted (%.10q). */
void tmpl_go_quote(rn_buf *out, const char *s, size_t n, int max_runes);
/* strconv.UnquoteChar: bytes consumed, 0 on a syntax error. */
size_t tq_unquote_char(const char *s, size_t n, char quote, int *r,
                       bool *multibyte);
/* strconv.Unquote of a "..." or `...` literal into the arena. */
int tq_unquote(rn_arena *a, const char *s, size_t n, const char **out,
               size_t *outn);
/* strconv.ParseUint/ParseInt(s, 0, 64) and ParseFloat(s, 64). */
bool tq_parse_uint(const char *s, size_t n, uint64_t *out);
bool tq_parse_int(const char *s, size_t n, int64_t *out);
bool tq_parse_float(const char *s, size_t n, double *out);

/* ---- string-keyed hash table (arena-backed) -------------------------- */

typedef struct tmap_ent {
    const char *key;
    size_t keylen;
    uint64_t hash;
    void *val;
} tmap_ent;

typedef struct tmap {
    tmap_ent *ents;
    size_t cap, len;
} tmap;

void *tmap_get(const tmap *m, const char *key, size_t keylen);
void tmap_put(rn_arena *a, tmap *m, const char *key, size_t keylen, void *val);

/* ---- template set --------------------------------------------------- */

typedef struct tfuncs {
    tmap map;                       /* name -> const tmpl_func_def* */
    const char *const *unsupported; /* see tmpl_set_unsupported_funcs */
    const char *unsupported_why;
} tfuncs;

struct tmpl_set {
    rn_arena *arena;
    tfuncs *funcs;    /* shared with overlay sets made by tpl */
    tmap tmpls;       /* name -> ttree* */
    tmpl_set *parent; /* tpl's clone: look here when absent locally */
    const char *name; /* the root template's name: "gotpl" as in Helm */
};

/* Template lookup through the overlay chain. */
ttree *tmpl_lookup(const tmpl_set *s, const char *name, size_t n);
/* An overlay of s: new definitions land in the overlay only (tpl's
 * Clone()). */
/* A set that sees s's templates and adds its own, allocated from a (tpl
 * parses into one per call, in the execution's arena). */
tmpl_set *tmpl_set_overlay(tmpl_set *s, rn_arena *a);
const tmpl_func_def *tmpl_find_func(const tmpl_set *s, const char *name,
                                    size_t n);
/* Add a parsed tree to the set (Go's associate: a definition that is only
 * space does not replace an existing one). */
void tmpl_set_associate(tmpl_set *s, ttree *tr);

/* ---- execution ------------------------------------------------------ */

/* C stack the parser and executor may use before they report "max
 * expression depth exceeded" / "exceeded maximum template depth": Go grows
 * goroutine stacks, C cannot, so deep recursion is cut off here instead of
 * crashing. Three quarters of RLIMIT_STACK (threads get that size by
 * default with glibc), at most 64 MiB; 6 MiB when the limit is unknown. */
uintptr_t tmpl_stack_budget(void);

/* Go's maxExecDepth for nested {{template}} calls. */
#define MAX_EXEC_DEPTH 100000

/* An evaluated value: NULL is Go's invalid reflect.Value (no value);
 * iface says Go holds it as an interface{} (read out of a map or slice),
 * which changes error texts and is dropped when a pipeline unwraps it. */
typedef struct xval {
    rn_value *v;
    bool iface;
} xval;

typedef struct xvar {
    const char *name;
    size_t n;
    xval val;
} xvar;

typedef struct include_count {
    const char *name;
    size_t n;
    int count;
} include_count;

/* State shared by one tmpl_execute call and everything it runs. */
typedef struct xroot {
    rn_arena *a;
    rn_error *err; /* where the running execution reports */
    rn_value *nil;
    xvar *vars;
    int nvars, capvars;
    include_count *incs;
    int nincs, capincs;
    rn_error **subs; /* error slots for nested include/tpl, by depth */
    int nsubs, capsubs, sub_depth;
    uintptr_t stack_base, stack_budget;
    const struct tmpl_host *host; /* NULL: none */
} xroot;

/* One executing template (Go's state). */
typedef struct xstate xstate;
struct xstate {
    xroot *rt;
    tmpl_set *set;
    const ttree *tmpl;
    rn_buf *out;
    const tnode *node;
    int var_base;
    int depth;
};

/* Executor services shared with tmpl_call.c. */
bool tmpl_stack_deep(const xstate *s);
/* Run tr as a fresh template invocation: no variables but $. */
int tmpl_run_template(xstate *parent, tmpl_set *set, const ttree *tr, xval dot,
                      rn_buf *out, int depth);
/* Helm: strings.ReplaceAll(output, "<no value>", "") from `from` on. */
void tmpl_drop_no_value(rn_buf *out, size_t from);
const char *tmpl_node_text(xstate *s, const tnode *n);

/* What the executor knows about one evaluated argument, so typed
 * parameter checks can give Go's messages. */
typedef struct targ_meta {
    const tnode *node; /* the argument node; NULL for the piped value */
    const tnode *at;   /* Go's "current node" after evaluating it */
    bool invalid;      /* Go's invalid reflect.Value (no value) */
} targ_meta;

struct tmpl_ctx {
    xstate *st;
    const char *fn_name;
    const tnode *call_node; /* error context for "error calling" */
    int argc;
    const targ_meta *meta;
};

/* Builtin table (Go's builtins plus Helm's include and tpl). */
extern const tmpl_func_def tmpl_builtin_funcs[];
bool tmpl_is_builtin(const tmpl_func_def *def);
int tmpl_builtin_and(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out);
int tmpl_builtin_or(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out);
int tmpl_builtin_call(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out);

/* Executor services used by the builtins. */
bool tmpl_truth(const rn_value *v);
/* Record an execution error at the call's node (Go's s.errorf after
 * s.at(node)), without the "error calling" prefix. */
int tmpl_ctx_errorf_at(tmpl_ctx *ctx, const tnode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Call a native method value (RN_FUNC) or a template function value on
 * behalf of the `call` builtin. */
int tmpl_ctx_call_value(tmpl_ctx *ctx, rn_value *fn, int argc, rn_value **argv,
                        rn_value **out);
/* Go's type name for error messages: "interface {}" for a nil. */
const char *tmpl_type_name(const rn_value *v);

#endif
