/*
 * value.h — the one value type of librender.
 *
 * A value is what Go's text/template sees through interface{}: nil, bool,
 * int (int64, uint64), float64, complex128 (a template's complex
 * constant), string, []interface{} and map[string]interface{}, plus a
 * native function (a Go method value such as .Files.Get).
 *
 * Ownership: every rn_value lives in an rn_arena and dies with it; there is
 * no per-value free. Constructors copy the bytes they are given into the
 * arena. Scalars never change after construction. Lists and maps may be
 * changed in place, and a change is seen by every holder of the pointer, as
 * with Go maps (Sprig's set/unset/merge rely on that). Functions borrow
 * their arguments and never keep pointers to caller-owned (non-arena)
 * memory.
 *
 * Maps keep insertion order. Go maps have no order, so anything Go prints
 * in sorted key order (range, toYaml, toJson, %v) sorts on output; the
 * insertion order is kept for pass-through of user YAML.
 *
 * Missing versus nil: a NULL rn_value pointer means "no value" (Go's
 * invalid reflect.Value); RN_NULL is a present nil (Go's nil interface).
 */
#ifndef RN_VALUE_H
#define RN_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef enum rn_kind {
    RN_NULL = 0,
    RN_BOOL,
    RN_INT,   /* Go int or int64, see RN_F_INT64 */
    RN_FLOAT, /* Go float64 */
    RN_STRING,
    RN_LIST,
    RN_MAP,
    RN_FUNC,    /* native method value, see rn_native_fn */
    RN_COMPLEX, /* Go complex128: a template's complex constant (1+2i) */
} rn_kind;

/* Flags refining the Go type (for typeOf/kindOf/%T and int vs int64). */
enum {
    RN_F_INT64 = 1 << 0,   /* RN_INT: Go int64 (--set ints, Sprig math) */
    RN_F_STRLIST = 1 << 1, /* RN_LIST: Go []string (splitList, toStrings) */
    RN_F_STRMAP = 1 << 2,  /* RN_MAP: Go map[string]string (split) */
    RN_F_VALUES = 1 << 3,  /* RN_MAP: Helm's chartutil.Values (.Values) */
    RN_F_STRUCT = 1 << 4,  /* RN_MAP standing for a Go struct: a missing
                              field is an error, not nil */
    RN_F_UINT64 = 1 << 11, /* RN_INT: Go uint64 (semver's Major): u.i holds
                              the bits, read as unsigned */
    RN_F_NIL = 1 << 12,    /* RN_LIST of no items: Go's nil slice, which
                              prints as [] but encodes as JSON null and is
                              not DeepEqual to an empty one (rest of an
                              empty list, a regexFindAll without a match);
                              rn_list_push clears it */
};

/* How a scalar was written, kept by a reader asked to (see yaml.h,
 * rn_yaml_limits.keep_source) so that objects passing through print as
 * they were written. Values the renderer makes carry none of this, and the
 * Helm-compatible writer ignores it. The style and key-style fields hold
 * one of RN_STYLE_*; they are no part of the Go type. */
enum {
    RN_STYLE_NONE = 0, /* let the writer choose */
    RN_STYLE_PLAIN,
    RN_STYLE_SINGLE, /* 'single-quoted' */
    RN_STYLE_DOUBLE, /* "double-quoted" */
};
enum {
    RN_F_STYLE_SHIFT = 5, /* the scalar's own style */
    RN_F_STYLE = 3 << RN_F_STYLE_SHIFT,
    RN_F_KEY_STYLE_SHIFT = 7, /* the style of the mapping key the value
                                 was read under */
    RN_F_KEY_STYLE = 3 << RN_F_KEY_STYLE_SHIFT,
    RN_F_SRC_TEXT = 1 << 9, /* u.src: the scalar as written, tag included,
                               on one line: printed verbatim */
    RN_F_SRC_TAG = 1 << 10, /* u.src: the tag as written, printed before
                               the value */
};

typedef struct rn_value rn_value;
struct tmpl_ctx;

/* A native function bound to `self`, called by the template engine with
 * the evaluated arguments. Returns 0, or -1 after tmpl_fail(). */
typedef int (*rn_native_fn)(void *self, struct tmpl_ctx *ctx, int argc,
                            rn_value **argv, rn_value **out);

typedef struct rn_pair {
    const char *key; /* arena-owned, NUL-terminated */
    size_t keylen;
    rn_value *val;
} rn_pair;

struct rn_value {
    rn_kind kind;
    unsigned flags;
    /* Helm's objects are Go named types with methods (.Files.Get,
     * .Capabilities.APIVersions.Has, KubeVersion's String). When set,
     * `tname` is the Go type name (typeOf), and `methods` an RN_MAP from
     * method name to an RN_FUNC — or, for "String", to the RN_STRING that
     * fmt prints for the value. Field access looks at methods first, as Go
     * does. Both are NULL for plain values. */
    const char *tname;
    struct rn_value *methods;
    union {
        /* Scalars: the value, and in the third word (free for them) the
         * source text a reader kept (RN_F_SRC_TEXT, RN_F_SRC_TAG), so
         * keeping it costs no node any space. */
        struct {
            union {
                bool b;
                int64_t i;
                double f;
                struct {
                    double re, im;
                } c; /* RN_COMPLEX */
                struct {
                    const char *ptr; /* arena-owned, NUL-terminated */
                    size_t len;
                } s;
            };
            const char *src; /* arena-owned, NUL-terminated, or NULL */
        };
        struct {
            rn_value **items;
            size_t len, cap;
        } list;
        struct {
            rn_pair *pairs;
            size_t len, cap;
        } map;
        struct {
            rn_native_fn fn;
            void *self;
            const char *name; /* for error messages */
        } fn;
    } u;
};

/* Constructors. */
rn_value *rn_null(rn_arena *a);
rn_value *rn_bool(rn_arena *a, bool b);
rn_value *rn_int(rn_arena *a, int64_t i);     /* Go int */
rn_value *rn_int64(rn_arena *a, int64_t i);   /* Go int64 */
rn_value *rn_uint64(rn_arena *a, uint64_t u); /* Go uint64 */
rn_value *rn_float(rn_arena *a, double f);
rn_value *rn_complex(rn_arena *a, double re, double im); /* complex128 */
rn_value *rn_str(rn_arena *a, const char *s, size_t len);
rn_value *rn_strz(rn_arena *a, const char *s);
/* Wraps bytes already in the arena without copying. */
rn_value *rn_str_own(rn_arena *a, const char *arena_s, size_t len);
rn_value *rn_list_new(rn_arena *a, size_t cap_hint);
rn_value *rn_map_new(rn_arena *a, size_t cap_hint);
rn_value *rn_func(rn_arena *a, const char *name, rn_native_fn fn, void *self);

/* Give v a Go type name and a method table (see struct rn_value). */
void rn_value_set_type(rn_value *v, const char *tname, rn_value *methods);
/* The method `name` of v, or NULL. */
rn_value *rn_value_method(const rn_value *v, const char *name, size_t len);

/* Lists. */
void rn_list_push(rn_arena *a, rn_value *list, rn_value *item);

/* Maps. Lookups return NULL when the key is absent. */
rn_value *rn_map_get(const rn_value *map, const char *key, size_t keylen);
/* Inline, so that the length of a literal key is known at compile time. */
static inline rn_value *rn_map_getz(const rn_value *map, const char *key)
{
    return rn_map_get(map, key, __builtin_strlen(key));
}
/* Replace in place (keeps the position) or append. The key is copied. */
void rn_map_set(rn_arena *a, rn_value *map, const char *key, size_t keylen,
                rn_value *val);
static inline void rn_map_setz(rn_arena *a, rn_value *map, const char *key,
                               rn_value *val)
{
    rn_map_set(a, map, key, __builtin_strlen(key), val);
}
bool rn_map_del(rn_value *map, const char *key, size_t keylen);
/* Indexes of the pairs in Go's sorted key order (byte-wise), arena array. */
size_t *rn_map_sorted(rn_arena *a, const rn_value *map);

/* Follow a dotted path of map keys ("spec.storage.size"); NULL if absent. */
rn_value *rn_value_at(const rn_value *root, const char *dotted);

rn_value *rn_value_deepcopy(rn_arena *a, const rn_value *v);
/* Go's reflect.DeepEqual on these types (int 1 != float 1.0). */
bool rn_value_equal(const rn_value *x, const rn_value *y);

/* Go's truthiness (text/template `if`): false, 0, nil, "" and empty
 * list/map are false. A NULL pointer is false. */
bool rn_value_truthy(const rn_value *v);

/* Go type names: kindOf ("string","int","int64","float64","bool","slice",
 * "map","invalid","func") and typeOf ("string","[]interface {}",
 * "map[string]interface {}","<nil>" ...). */
const char *rn_value_kind_name(const rn_value *v);
const char *rn_value_type_name(const rn_value *v);

#endif
