/*
 * funcs_int.h — shared plumbing of the template function library
 * (funcs_*.c): Go-typed argument access, the conversions Sprig builds on
 * (strval, spf13/cast, empty), Go's UTF-8 and Unicode routines, and the
 * declarations funcs_tables.c collects into rn_funcs_sprig/rn_funcs_helm.
 * Private to render/.
 */
#ifndef RN_FUNCS_INT_H
#define RN_FUNCS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "tmpl.h"
#include "value.h"

/* --- arguments with Go parameter types --- */

/* A string argument as a NUL-terminated arena string (Go's string). */
int rn_fn_arg_str(tmpl_ctx *ctx, rn_value **argv, int i, const char **s,
                  size_t *len);
/* A Go int argument. */
int rn_fn_arg_int(tmpl_ctx *ctx, rn_value **argv, int i, int64_t *out);
/* A Go bool argument. */
int rn_fn_arg_bool(tmpl_ctx *ctx, rn_value **argv, int i, bool *out);
/* A map[string]interface{} argument; nil gives *out == NULL (a nil map). */
int rn_fn_arg_map(tmpl_ctx *ctx, rn_value **argv, int i, rn_value **out);
/* Report a value that Go could not convert to the parameter type. */
int rn_fn_fail_type(tmpl_ctx *ctx, const char *expected, const rn_value *got);

/* --- conversions --- */

/* Sprig's strval: strings as they are, anything else through fmt %v. */
const char *rn_fn_strval(rn_arena *a, const rn_value *v, size_t *len);
/* spf13/cast ToInt64 / ToFloat64 with errors swallowed (Sprig's use). */
int64_t rn_fn_cast_int64(const rn_value *v);
double rn_fn_cast_float64(const rn_value *v);
/* Go's int64(f) on amd64: truncation; NaN and overflow give INT64_MIN. */
int64_t rn_fn_float_to_int64(double f);
/* Sprig's empty(): nil, false, 0, "" and empty list/map. */
bool rn_fn_empty(const rn_value *v);
/* Slice or array in Go terms. */
static inline bool rn_fn_is_list(const rn_value *v)
{
    return v && v->kind == RN_LIST;
}
/* Sprig's strslice: a list minus its nils, each item through strval. */
rn_value *rn_fn_strslice(rn_arena *a, const rn_value *v);
/* A new []string (RN_F_STRLIST list). */
rn_value *rn_fn_strlist_new(rn_arena *a, size_t cap);
/* strconv.ParseInt(s, base, 64) / ParseFloat(s, 64); 0 on success. */
int rn_fn_parse_int(const char *s, size_t len, int base, int64_t *out);
int rn_fn_parse_float(const char *s, size_t len, double *out);

/* --- Go objects (*semver.Version, time.Time) ---
 * An object is a value of a Go struct (or pointer) type with no fields a
 * template can read: an empty RN_F_STRUCT map whose method table (see
 * rn_value_set_type) binds each method to one C struct, so that
 * `(semver "1.2.3").Compare $v` and `.Year` work as method calls, plus
 * the fixed String text fmt prints and the MarshalJSON text toJson and
 * toYaml write. Like any Go struct or non-nil pointer it is true in `if`
 * and not `empty`. */

typedef int (*rn_fn_method_fn)(tmpl_ctx *ctx, void *self, int argc,
                               rn_value **argv, rn_value **out);
typedef struct rn_fn_method {
    const char *name;
    rn_fn_method_fn fn;
} rn_fn_method;
typedef struct rn_fn_class {
    const char *type_name;       /* typeOf: "*semver.Version" */
    const char *kind_name;       /* kindOf: "ptr" */
    const rn_fn_method *methods; /* ends with {NULL} */
    /* What fmt prints for the object (its String method), and what
     * encoding/json writes for it (MarshalJSON; NULL when that fails);
     * computed once, when the object is made; json answers NULL with
     * *why set when MarshalJSON fails. NULL: no such method. */
    const char *(*string)(rn_arena *a, const void *self);
    const char *(*json)(rn_arena *a, const void *self, const char **why);
    /* What Go's == compares of a value of a comparable struct type (the
     * fields, as bytes); NULL for a pointer type, whose objects are ==
     * when they are the same object. */
    const char *(*identity)(rn_arena *a, const void *self);
} rn_fn_class;

rn_value *rn_fn_object_new(rn_arena *a, const rn_fn_class *cls, void *self);
/* The struct behind an object of class `cls`, or NULL for other values. */
void *rn_fn_object_self(const rn_value *v, const rn_fn_class *cls);
/* A time.Time (funcs_time.c): seconds since the Unix epoch, nanoseconds,
 * the zone's offset east of UTC and its name ("" for a nameless fixed
 * zone, printed as the offset). */
rn_value *rn_fn_time_new(rn_arena *a, int64_t sec, int32_t nsec, int32_t off,
                         const char *zone);
/* typeOf / kindOf names, knowing objects and chartutil.Values. */
const char *rn_fn_type_name(const rn_value *v);
const char *rn_fn_kind_name(const rn_value *v);

/* --- UTF-8 and Unicode as Go sees them --- */

/* Decode one rune at s[0..len); invalid bytes give U+FFFD, width 1. */
int32_t rn_fn_utf8_decode(const char *s, size_t len, size_t *width);
/* Append the UTF-8 form of r (invalid runes as U+FFFD). */
void rn_fn_utf8_put(rn_buf *b, int32_t r);
bool rn_fn_uni_is_space(int32_t r);
bool rn_fn_uni_is_letter(int32_t r);
bool rn_fn_uni_is_digit(int32_t r);
bool rn_fn_uni_is_upper(int32_t r);
bool rn_fn_uni_is_lower(int32_t r);
int32_t rn_fn_uni_to_upper(int32_t r);
int32_t rn_fn_uni_to_lower(int32_t r);

/* Go's base64.StdEncoding.DecodeString into b ('\r' and '\n' skipped,
 * padding required): -1, or the offset of the first bad byte, as Go's
 * "illegal base64 data at input byte N" counts it (funcs_encoding.c). */
long rn_fn_b64_decode(rn_buf *b, const unsigned char *s, size_t n);

/* Copy an rn_buf's bytes into the arena as a string value; frees buf. */
rn_value *rn_fn_buf_value(rn_arena *a, rn_buf *b);

/* --- regular expressions with Go's regexp semantics (funcs_encoding.c) */

typedef struct rn_fn_regex rn_fn_regex;
/* Compile `pat`; on error *errmsg holds an arena message, NULL returned. */
rn_fn_regex *rn_fn_regex_compile(rn_arena *a, const char *pat, size_t len,
                                 const char **errmsg);
/* Leftmost match at or after `pos`; ovec gets 2*(groups+1) offsets (-1 for
 * unset groups). Returns false when there is none. */
bool rn_fn_regex_exec(rn_fn_regex *re, const char *s, size_t len, size_t pos,
                      long *ovec);
int rn_fn_regex_groups(const rn_fn_regex *re);
void rn_fn_regex_free(rn_fn_regex *re);

/* --- the functions --- */

#define RN_FN(name)                                                            \
    int name(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)

/* funcs_strings.c */
RN_FN(rn_fn_abbrev);
RN_FN(rn_fn_abbrevboth);
RN_FN(rn_fn_trunc);
RN_FN(rn_fn_trim);
RN_FN(rn_fn_hello);
RN_FN(rn_fn_upper);
RN_FN(rn_fn_lower);
RN_FN(rn_fn_title);
RN_FN(rn_fn_untitle);
RN_FN(rn_fn_substr);
RN_FN(rn_fn_repeat);
RN_FN(rn_fn_trimall);
RN_FN(rn_fn_trimsuffix);
RN_FN(rn_fn_trimprefix);
RN_FN(rn_fn_nospace);
RN_FN(rn_fn_initials);
RN_FN(rn_fn_swapcase);
RN_FN(rn_fn_contains);
RN_FN(rn_fn_hasprefix);
RN_FN(rn_fn_hassuffix);
RN_FN(rn_fn_quote);
RN_FN(rn_fn_squote);
RN_FN(rn_fn_cat);
RN_FN(rn_fn_indent);
RN_FN(rn_fn_nindent);
RN_FN(rn_fn_replace);
RN_FN(rn_fn_plural);
RN_FN(rn_fn_tostring);
RN_FN(rn_fn_split);
RN_FN(rn_fn_splitlist);
RN_FN(rn_fn_splitn);
RN_FN(rn_fn_tostrings);
RN_FN(rn_fn_join);
RN_FN(rn_fn_sortalpha);
RN_FN(rn_fn_path_base);
RN_FN(rn_fn_path_dir);
RN_FN(rn_fn_path_clean);
RN_FN(rn_fn_path_ext);
RN_FN(rn_fn_path_isabs);

/* funcs_words.c */
RN_FN(rn_fn_wrap);
RN_FN(rn_fn_wrapwith);
RN_FN(rn_fn_camelcase);
RN_FN(rn_fn_snakecase);
RN_FN(rn_fn_kebabcase);

/* funcs_time.c */
RN_FN(rn_fn_todate);
RN_FN(rn_fn_musttodate);
RN_FN(rn_fn_date);
RN_FN(rn_fn_dateinzone);
RN_FN(rn_fn_htmldate);
RN_FN(rn_fn_htmldateinzone);
RN_FN(rn_fn_datemodify);
RN_FN(rn_fn_mustdatemodify);
RN_FN(rn_fn_unixepoch);
RN_FN(rn_fn_duration);
RN_FN(rn_fn_durationround);
RN_FN(rn_fn_now);
RN_FN(rn_fn_ago);

/* funcs_url.c */
RN_FN(rn_fn_urlparse);
RN_FN(rn_fn_urljoin);

/* funcs_lists.c */
RN_FN(rn_fn_list);
RN_FN(rn_fn_push);
RN_FN(rn_fn_prepend);
RN_FN(rn_fn_first);
RN_FN(rn_fn_rest);
RN_FN(rn_fn_last);
RN_FN(rn_fn_initial);
RN_FN(rn_fn_reverse);
RN_FN(rn_fn_uniq);
RN_FN(rn_fn_without);
RN_FN(rn_fn_has);
RN_FN(rn_fn_compact);
RN_FN(rn_fn_slice);
RN_FN(rn_fn_concat);
RN_FN(rn_fn_chunk);
RN_FN(rn_fn_until);
RN_FN(rn_fn_untilstep);
RN_FN(rn_fn_seq);

/* funcs_dicts.c */
RN_FN(rn_fn_dict);
RN_FN(rn_fn_get);
RN_FN(rn_fn_set);
RN_FN(rn_fn_unset);
RN_FN(rn_fn_haskey);
RN_FN(rn_fn_pluck);
RN_FN(rn_fn_keys);
RN_FN(rn_fn_pick);
RN_FN(rn_fn_omit);
RN_FN(rn_fn_merge);
RN_FN(rn_fn_mergeoverwrite);
RN_FN(rn_fn_values);
RN_FN(rn_fn_deepcopy);
RN_FN(rn_fn_dig);

/* funcs_math.c */
RN_FN(rn_fn_atoi);
RN_FN(rn_fn_int64);
RN_FN(rn_fn_int);
RN_FN(rn_fn_float64);
RN_FN(rn_fn_todecimal);
RN_FN(rn_fn_add1);
RN_FN(rn_fn_add);
RN_FN(rn_fn_sub);
RN_FN(rn_fn_div);
RN_FN(rn_fn_mod);
RN_FN(rn_fn_mul);
RN_FN(rn_fn_add1f);
RN_FN(rn_fn_addf);
RN_FN(rn_fn_subf);
RN_FN(rn_fn_divf);
RN_FN(rn_fn_mulf);
RN_FN(rn_fn_max);
RN_FN(rn_fn_min);
RN_FN(rn_fn_maxf);
RN_FN(rn_fn_minf);
RN_FN(rn_fn_ceil);
RN_FN(rn_fn_floor);
RN_FN(rn_fn_round);

/* funcs_random.c */
RN_FN(rn_fn_randalpha);
RN_FN(rn_fn_randalphanum);
RN_FN(rn_fn_randnumeric);
RN_FN(rn_fn_randascii);
RN_FN(rn_fn_randbytes);
RN_FN(rn_fn_randint);
RN_FN(rn_fn_uuidv4);
RN_FN(rn_fn_shuffle);
RN_FN(rn_fn_gethostbyname);
RN_FN(rn_fn_toyamlpretty);

/* funcs_encoding.c */
RN_FN(rn_fn_b64enc);
RN_FN(rn_fn_b64dec);
RN_FN(rn_fn_b32enc);
RN_FN(rn_fn_b32dec);
RN_FN(rn_fn_sha1sum);
RN_FN(rn_fn_sha256sum);
RN_FN(rn_fn_sha512sum);
RN_FN(rn_fn_adler32sum);
RN_FN(rn_fn_regexmatch);
RN_FN(rn_fn_regexfindall);
RN_FN(rn_fn_regexfind);
RN_FN(rn_fn_regexreplaceall);
RN_FN(rn_fn_regexreplaceallliteral);
RN_FN(rn_fn_regexsplit);
RN_FN(rn_fn_regexquotemeta);
RN_FN(rn_fn_semver);
RN_FN(rn_fn_semvercompare);

/* funcs_types.c */
RN_FN(rn_fn_typeof);
RN_FN(rn_fn_typeis);
RN_FN(rn_fn_typeislike);
RN_FN(rn_fn_kindof);
RN_FN(rn_fn_kindis);
RN_FN(rn_fn_deepequal);
RN_FN(rn_fn_default);
RN_FN(rn_fn_empty_fn);
RN_FN(rn_fn_coalesce);
RN_FN(rn_fn_all);
RN_FN(rn_fn_any);
RN_FN(rn_fn_ternary);

/* funcs_helm.c */
RN_FN(rn_fn_tojson);
RN_FN(rn_fn_mustfromjson);
RN_FN(rn_fn_toprettyjson);
RN_FN(rn_fn_torawjson);
RN_FN(rn_fn_toyaml);
RN_FN(rn_fn_fromyaml);
RN_FN(rn_fn_fromyamlarray);
RN_FN(rn_fn_fromjson);
RN_FN(rn_fn_fromjsonarray);
RN_FN(rn_fn_required);
RN_FN(rn_fn_fail);
RN_FN(rn_fn_lookup);

/* funcs_toml.c */
RN_FN(rn_fn_totoml);
RN_FN(rn_fn_fromtoml);

/* toml_parse.c: BurntSushi/toml's Unmarshal into map[string]interface{};
 * NULL with *err set to its message ("toml: line N ...") on failure. */
rn_value *rn_toml_parse(rn_arena *a, const char *data, size_t len,
                        const char **err);

/* funcs_crypto.c */
RN_FN(rn_fn_bcrypt);
RN_FN(rn_fn_htpasswd);
RN_FN(rn_fn_derivepassword);
RN_FN(rn_fn_genprivatekey);
RN_FN(rn_fn_buildcustomcert);
RN_FN(rn_fn_genca);
RN_FN(rn_fn_gencawithkey);
RN_FN(rn_fn_genselfsignedcert);
RN_FN(rn_fn_genselfsignedcertwithkey);
RN_FN(rn_fn_gensignedcert);
RN_FN(rn_fn_gensignedcertwithkey);
RN_FN(rn_fn_encryptaes);
RN_FN(rn_fn_decryptaes);

#endif
