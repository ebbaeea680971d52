/*
 * tmpl.h — Go text/template, in C, as Helm runs it.
 *
 * A tmpl_set is Go's *template.Template with its associated templates: each
 * parsed file adds one named template plus every {{define}} it holds (a
 * later definition of the same name replaces the earlier, as in Helm where
 * files are parsed in sorted order). Executing a template walks its tree
 * with Go's semantics: truthiness, range over sorted map keys, variables
 * scoped per control structure, `and`/`or` short-circuiting, errors for
 * nil pointer evaluation and wrong argument types, missingkey=zero (a
 * missing map key is nil and prints as nothing, because Helm replaces
 * "<no value>" with "").
 *
 * Functions are looked up in the set's function table (builtins, Sprig,
 * Helm's own); an unknown function is a parse error naming it with
 * file:line:col, as in Go.
 *
 * All memory comes from the set's arena.
 */
#ifndef RN_TMPL_H
#define RN_TMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"
#include "value.h"

typedef struct tmpl_set tmpl_set;
typedef struct tmpl_ctx tmpl_ctx;

/* A template function. argv[i] is never NULL (a missing value is passed as
 * RN_NULL). On success store the result in *out (NULL means "no value")
 * and return 0; on failure return tmpl_fail(ctx, ...). */
typedef int (*tmpl_fn)(tmpl_ctx *ctx, int argc, rn_value **argv,
                       rn_value **out);

typedef struct tmpl_func_def {
    const char *name;
    tmpl_fn fn;
    int min_args;
    int max_args; /* -1: variadic */
} tmpl_func_def;

tmpl_set *tmpl_set_new(rn_arena *a);
/* Add a table of functions (terminated by a {NULL} entry); later tables
 * override earlier names. The builtins are always present. */
void tmpl_set_add_funcs(tmpl_set *s, const tmpl_func_def *defs);
/* Parse `text` as the template called `name` (the file path for Helm, e.g.
 * "mlflow/templates/deployment.yaml"). Errors look like Go's:
 * "template: mlflow/templates/x.yaml:3: unexpected \"}\" in operand". */
int tmpl_parse(tmpl_set *s, const char *name, const char *text, size_t len,
               rn_error *err);

/* Names (NULL-terminated, borrowed) of functions the set's users know
 * from elsewhere — Helm's — that the set does not have: a call to one is a
 * parse error "function \"now\" <why>" instead of Go's "not defined". */
void tmpl_set_unsupported_funcs(tmpl_set *s, const char *const *names,
                                const char *why);

bool tmpl_has(const tmpl_set *s, const char *name);

/* Execute template `name` with dot = data, appending to out. Errors look
 * like Go's: "template: mlflow/templates/x.yaml:7:12: executing
 * \"mlflow/templates/x.yaml\" at <.Values.x.y>: nil pointer evaluating
 * interface {}.y". On error out may hold partial output; callers discard
 * it. */
int tmpl_execute(tmpl_set *s, const char *name, rn_value *data, rn_buf *out,
                 rn_error *err);

/* The same, with everything the execution builds allocated from `a`
 * instead of the set's arena: a set parsed once can then serve many
 * renders, each with an arena of its own. The set is only read. */
int tmpl_execute_in(tmpl_set *s, rn_arena *a, const char *name, rn_value *data,
                    rn_buf *out, rn_error *err);

/* The same again, lending the execution the machine's clock and local
 * time zone (host.h; NULL is a hermetic execution). */
struct rn_host;
int tmpl_execute_host(tmpl_set *s, rn_arena *a, const struct rn_host *host,
                      const char *name, rn_value *data, rn_buf *out,
                      rn_error *err);

/* --- for function implementations --- */

/* The host the execution was given, or NULL. */
const struct rn_host *tmpl_ctx_host(tmpl_ctx *ctx);
/* One pointer that lives as long as the execution (include and tpl share
 * it), NULL at the start: the time functions keep the zones they loaded
 * there, so a render reads each zone file once. */
void **tmpl_ctx_cache(tmpl_ctx *ctx);

rn_arena *tmpl_arena(tmpl_ctx *ctx);
/* Record an error "error calling <fn>: <message>" and return -1. */
int tmpl_fail(tmpl_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Like tmpl_fail but the message is used as is (Helm's `fail` and
 * `required` print their own text). */
int tmpl_fail_raw(tmpl_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Execute a named template (Helm's include) / parse and execute text in
 * the current set (Helm's tpl) with the given dot; result in *out. */
int tmpl_ctx_include(tmpl_ctx *ctx, const char *name, rn_value *dot,
                     rn_buf *out);
int tmpl_ctx_tpl(tmpl_ctx *ctx, const char *text, size_t len, rn_value *dot,
                 rn_buf *out);
/* Name of the function being called (for messages). */
const char *tmpl_ctx_fn_name(tmpl_ctx *ctx);

/* Argument helpers for functions with Go-typed parameters: fail with
 * text/template's message ("wrong type for value; expected string; got
 * int") when the argument has another type. */
int tmpl_arg_str(tmpl_ctx *ctx, rn_value **argv, int i, const char **s,
                 size_t *len);
int tmpl_arg_int(tmpl_ctx *ctx, rn_value **argv, int i, int64_t *out);
/* Record an execution error at the call as Go's s.errorf reports it,
 * without the "error calling" prefix (a method whose signature templates
 * cannot call). */
int tmpl_ctx_errorf(tmpl_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A parameter of a Go type the function checks itself: a struct
 * (time.Time), a pointer (*semver.Version: nil is fine) or a named
 * integer (time.Duration: an integer constant is fine, and *num gets the
 * value). `ok` says whether argv[i] is of that type. Fails as Go's
 * evalArg does, at the argument: "can't handle \"x\" for arg of type
 * time.Time", "cannot assign nil to time.Time", "expected integer; found
 * 1.5", "wrong type for value; expected time.Duration; got int64". */
typedef enum tmpl_arg_shape {
    TMPL_ARG_STRUCT,
    TMPL_ARG_POINTER,
    TMPL_ARG_INT,
} tmpl_arg_shape;
int tmpl_arg_go(tmpl_ctx *ctx, rn_value **argv, int i, const char *go,
                tmpl_arg_shape shape, bool ok, int64_t *num);
/* A parameter of a Go type that no literal converts to (a slice, a struct),
 * called `go` in messages: `assignable` says whether the value argv[i] has
 * that type; `nilable` whether the type has a nil (slices, maps), which a
 * nil literal or a missing value then gives. Returns 1 for a value, 0 for
 * Go's nil, -1 after Go's error ("can't handle \"x\" for arg of type
 * []interface {}", "wrong type for value; expected ...; got ..."). */
int tmpl_arg_typed(tmpl_ctx *ctx, rn_value **argv, int i, const char *go,
                   bool nilable, bool assignable);
/* A Go unsigned integer parameter of `bits` bits (uint32 ...): only a
 * literal non-negative integer converts, as in Go, reduced modulo 2^bits
 * as reflect's SetUint stores it. */
int tmpl_arg_uint(tmpl_ctx *ctx, rn_value **argv, int i, const char *go,
                  int bits, uint64_t *out);
/* Go's check of a method's argument count: when argc != want, fail with
 * "wrong number of args for NAME: want W got N" (no "error calling"
 * prefix, as Go reports it for method values such as .Files.Get). */
int tmpl_arg_count(tmpl_ctx *ctx, int argc, int want);

#endif
