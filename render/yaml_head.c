/*
 * yaml_head.c — a manifest's head from block YAML, by lines (see
 * yaml_head.h).
 *
 * A recursive reader over lines: a block mapping is its keys at one
 * column, a block sequence its "- " entries at one column, a value is on
 * the key's line or a deeper block on the lines below. Every rule here is
 * a subset of YAML's; whatever falls outside answers "not sure" (0), never
 * a guess, so a document this reader accepts is one the YAML reader reads
 * without an error, and the head it finds is the one that reader gives.
 */
#include "yaml_head.h"

#include <math.h>
#include <string.h>

#include "value.h"
#include "yaml_scalar.h"

#define MAX_DEPTH 64
#define MAX_KEY 1024

typedef enum role { R_OTHER, R_TOP, R_META, R_ANN } role;

/* What a value turned out to be. */
typedef enum vkind {
    V_NULL,
    V_PLAIN,
    V_SQUOTE,
    V_DQUOTE,
    V_BLOCK, /* a | or > scalar */
    V_EMPTY_MAP,
    V_EMPTY_SEQ,
    V_MAP,
    V_SEQ,
} vkind;

typedef struct sval {
    vkind k;
    const char *s; /* the scalar's text (quotes left out), plain/quoted */
    size_t n;
    rn_value *v; /* the value, when the reader builds them */
} sval;

typedef struct line {
    const char *start, *text, *eol; /* eol: its '\n' or the end */
    int indent;
} line;

typedef struct reader {
    rn_arena *a;
    /* Build the document's value, not only check it, as the YAML reader
     * does in RN_YAML_CORE, or in RN_YAML_HELM when `helm`. */
    bool build, helm;
    const char *pos, *end; /* pos: the start of the next unread line */
    int depth;
    const char *kind;
    size_t kind_n;
    vkind kind_k;
    const char *hook;
    size_t hook_n;
    vkind hook_k;
} reader;

static const char *eol_of(const reader *r, const char *p)
{
    const char *e = memchr(p, '\n', (size_t)(r->end - p));
    return e ? e : r->end;
}

/* The next line that is neither blank nor a comment (comments are free
 * everywhere outside block scalars); skipped lines are consumed. */
static bool peek(reader *r, line *l)
{
    while (r->pos < r->end) {
        const char *s = r->pos, *eol = eol_of(r, s), *t = s;
        while (t < eol && *t == ' ')
            t++;
        if (t == eol || *t == '#') {
            r->pos = eol < r->end ? eol + 1 : eol;
            continue;
        }
        *l = (line){s, t, eol, (int)(t - s)};
        return true;
    }
    return false;
}

static void consume(reader *r, const line *l)
{
    r->pos = l->eol < r->end ? l->eol + 1 : l->eol;
}

static bool is_seq_entry(const char *t, const char *eol)
{
    return t[0] == '-' && (t + 1 == eol || t[1] == ' ');
}

/* After a token: nothing, or spaces and maybe a comment. */
static bool tail_ok(const char *p, const char *eol)
{
    if (p == eol)
        return true;
    if (*p != ' ')
        return false;
    while (p < eol && *p == ' ')
        p++;
    return p == eol || *p == '#';
}

static bool is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '/' ||
           c == '-';
}

/* A plain key at t followed by ':' and a space or the end of the line;
 * returns the ':' or NULL. Keys that read as null (an error in Helm's
 * reading) are not keys here. */
static const char *key_end(const char *t, const char *eol)
{
    const char *p = t;
    if (p == eol || !is_key_char(*p) || *p == '.' || *p == '/' || *p == '-')
        return NULL;
    while (p < eol && is_key_char(*p))
        p++;
    if (p == eol || *p != ':' || (p + 1 < eol && p[1] != ' '))
        return NULL;
    size_t n = (size_t)(p - t);
    if (n > MAX_KEY ||
        (n == 4 && (!memcmp(t, "null", 4) || !memcmp(t, "Null", 4) ||
                    !memcmp(t, "NULL", 4))))
        return NULL;
    return p;
}

/* go-yaml's reading of a plain scalar; Helm cannot load .inf or .nan. */
static bool plain_is(const char *s, size_t n, rn_ys_kind want, bool *loadable)
{
    rn_yaml_scalar sc;
    rn_yaml_resolve(s, n, RN_YAML_V2, true, &sc);
    *loadable = !(sc.kind == RN_YS_FLOAT && (isinf(sc.f) || isnan(sc.f)));
    return sc.kind == want;
}

static int plain(const char *t, const char *eol, sval *v)
{
    char c = *t;
    if (strchr("-?:,[]{}#&*!|>'\"%@`", c) &&
        !(c == '-' && t + 1 < eol && t[1] != ' '))
        return 0;
    if (eol - t >= 3 && (!memcmp(t, "---", 3) || !memcmp(t, "...", 3)))
        return 0;
    const char *p = t;
    while (p < eol) {
        if (*p == ':' && (p + 1 == eol || p[1] == ' '))
            return 0;
        if (*p == ' ' && p + 1 < eol && p[1] == '#')
            break;
        p++;
    }
    while (p > t && p[-1] == ' ')
        p--;
    *v = (sval){V_PLAIN, t, (size_t)(p - t), NULL};
    if (c == '.' || c == '+' || c == '-') {
        bool loadable;
        plain_is(t, v->n, RN_YS_STR, &loadable);
        if (!loadable)
            return 0;
    }
    return 1;
}

/* A plain scalar's value as the YAML reader gives it: yaml.v3's resolve
 * (RN_YAML_CORE), or go-yaml v2's and then Helm's JSON trip
 * (RN_YAML_HELM). */
static rn_value *plain_value(rn_arena *a, const char *s, size_t n, bool helm)
{
    rn_yaml_scalar sc;
    rn_yaml_resolve(s, n, helm ? RN_YAML_V2 : RN_YAML_V3, true, &sc);
    return rn_yaml_scalar_value(a, &sc, s, n, helm);
}

static int quoted(const char *t, const char *eol, sval *v)
{
    char q = *t;
    const char *p = t + 1;
    for (; p < eol; p++) {
        if (q == '"' && *p == '\\')
            return 0;
        if (*p == q) {
            if (q == '\'' && p + 1 < eol && p[1] == '\'') {
                p++;
                continue;
            }
            break;
        }
    }
    if (p == eol || !tail_ok(p + 1, eol))
        return 0;
    *v = (sval){q == '"' ? V_DQUOTE : V_SQUOTE, t + 1, (size_t)(p - t - 1),
                NULL};
    return 1;
}

/* A | or > scalar: the header at t (its line consumed), then the lines
 * indented deeper than `parent`, at the first one's indentation. */
static int block_scalar(reader *r, const char *t, const char *eol, int parent,
                        sval *v)
{
    const char *p = t + 1;
    char chomp = 0;
    if (p < eol && (*p == '-' || *p == '+'))
        chomp = *p++;
    if (!tail_ok(p, eol))
        return 0;
    /* Built: literal scalars only; folded ones go to the YAML reader. */
    if (r->build && *t == '>')
        return 0;
    rn_buf text = RN_BUF_INIT;
    size_t kept = 0; /* text's length up to its last content line */
    int content = -1;
    while (r->pos < r->end) {
        const char *s = r->pos, *e = eol_of(r, s), *q = s;
        while (q < e && *q == ' ')
            q++;
        int k = (int)(q - s);
        if (q == e) {
            /* A blank line before the first content line may not be
             * indented (YAML limits its spaces). */
            if (content < 0 && k > 0) {
                rn_buf_free(&text);
                return 0;
            }
            /* Spaces past the indentation are content: not built here. */
            if (r->build && content >= 0 && k > content) {
                rn_buf_free(&text);
                return 0;
            }
            if (r->build)
                rn_buf_putc(&text, '\n');
        } else if (content < 0) {
            if (k <= parent)
                break;
            content = k;
        } else if (k < content) {
            break;
        }
        if (r->build && e == r->end) { /* no line break after it */
            rn_buf_free(&text);
            return 0;
        }
        if (r->build && q != e) {
            rn_buf_append(&text, s + content, (size_t)(e - s - content));
            rn_buf_putc(&text, '\n');
            kept = text.len;
        }
        r->pos = e < r->end ? e + 1 : e;
    }
    *v = (sval){V_BLOCK, NULL, 0, NULL};
    if (r->build) {
        /* No content line: not built here. Clip keeps one line break,
         * strip none, keep all. */
        if (content < 0) {
            rn_buf_free(&text);
            return 0;
        }
        size_t n = chomp == '+' ? text.len : chomp == '-' ? kept - 1 : kept;
        v->v = rn_str(r->a, rn_buf_cstr(&text), n);
        rn_buf_free(&text);
    }
    return 1;
}

static int map_block(reader *r, int col, const char *first, const char *eol,
                     role ro, rn_value **out);
static int seq_block(reader *r, int col, rn_value **out);

/* A value on the line after its key or "- " (the line consumed). */
static int inline_value(reader *r, const char *t, const char *eol, int parent,
                        sval *v)
{
    if (*t == '"' || *t == '\'')
        return quoted(t, eol, v);
    if (*t == '|' || *t == '>')
        return block_scalar(r, t, eol, parent, v);
    if (*t == '{' || *t == '[') {
        if (eol - t < 2 || t[1] != (*t == '{' ? '}' : ']') ||
            !tail_ok(t + 2, eol))
            return 0;
        *v = (sval){*t == '{' ? V_EMPTY_MAP : V_EMPTY_SEQ, NULL, 0, NULL};
        if (r->build)
            v->v = *t == '{' ? rn_map_new(r->a, 0) : rn_list_new(r->a, 0);
        return 1;
    }
    return plain(t, eol, v);
}

/* The value of a key (at column `col`) or of a "- " entry with nothing
 * after it on its line: a deeper block, a sequence at the key's own column
 * (`same_col_seq`), or null. */
static int nested(reader *r, int col, bool same_col_seq, role ro, sval *v)
{
    line l;
    *v = (sval){V_NULL, NULL, 0, NULL};
    if (!peek(r, &l))
        return 1;
    bool entry = is_seq_entry(l.text, l.eol);
    if (l.indent > col || (same_col_seq && l.indent == col && entry)) {
        if (entry) {
            v->k = V_SEQ;
            return seq_block(r, l.indent, &v->v);
        }
        v->k = V_MAP;
        return map_block(r, l.indent, NULL, NULL, ro, &v->v);
    }
    return 1;
}

/* The value of a scalar or an empty value (built ones have theirs). */
static rn_value *value_of(reader *r, const sval *v);

static bool is_collection(vkind k)
{
    return k == V_MAP || k == V_SEQ || k == V_EMPTY_MAP || k == V_EMPTY_SEQ;
}

/* A string scalar: quoted, or plain reading as a string. */
static bool is_string(const sval *v)
{
    bool loadable;
    return v->k == V_SQUOTE || v->k == V_DQUOTE ||
           (v->k == V_PLAIN && plain_is(v->s, v->n, RN_YS_STR, &loadable));
}

enum { K_API = 1, K_KIND = 2, K_META = 4, K_NAME = 8, K_ANN = 16, K_HOOK = 32 };

static int head_key(role ro, const char *k, size_t n)
{
#define IS(s) (n == sizeof s - 1 && memcmp(k, s, n) == 0)
    switch (ro) {
    case R_TOP:
        return IS("apiVersion") ? K_API
               : IS("kind")     ? K_KIND
               : IS("metadata") ? K_META
                                : 0;
    case R_META:
        return IS("name") ? K_NAME : IS("annotations") ? K_ANN : 0;
    case R_ANN:
        return IS("helm.sh/hook") ? K_HOOK : 0;
    default:
        return 0;
    }
#undef IS
}

/* The rules Helm's SimpleHead puts on the head's fields. */
static int check_head(reader *r, role ro, int which, const sval *v)
{
    if (ro == R_ANN && (is_collection(v->k) || (which && !is_string(v))))
        return 0;
    switch (which) {
    case K_API:
    case K_NAME:
        return !is_collection(v->k);
    case K_KIND:
        if (!is_string(v))
            return 0;
        r->kind = v->s;
        r->kind_n = v->n;
        r->kind_k = v->k;
        return 1;
    case K_META:
        return v->k == V_MAP || v->k == V_EMPTY_MAP;
    case K_ANN:
        return v->k == V_MAP || v->k == V_EMPTY_MAP || v->k == V_NULL;
    case K_HOOK:
        r->hook = v->s;
        r->hook_n = v->n;
        r->hook_k = v->k;
        return 1;
    default:
        return 1;
    }
}

static role child_role(int which)
{
    return which == K_META ? R_META : which == K_ANN ? R_ANN : R_OTHER;
}

/* A block mapping with its keys at column `col`; its first key may sit on
 * a line already consumed ("- key: value"), at `first`. */
static int map_block(reader *r, int col, const char *first, const char *eol,
                     role ro, rn_value **out)
{
    if (++r->depth > MAX_DEPTH)
        return 0;
    int seen = 0;
    rn_value *map = r->build ? rn_map_new(r->a, 4) : NULL;
    for (;;) {
        const char *t = first;
        if (t) {
            first = NULL;
        } else {
            line l;
            if (!peek(r, &l) || l.indent < col)
                break;
            if (l.indent > col || is_seq_entry(l.text, l.eol))
                return 0;
            consume(r, &l);
            t = l.text;
            eol = l.eol;
        }
        const char *colon = key_end(t, eol);
        if (!colon)
            return 0;
        size_t kn = (size_t)(colon - t);
        /* Built: a key that reads as a string, and only once (a
         * duplicated key is the YAML reader's error to give). */
        if (map) {
            rn_yaml_scalar ks;
            rn_yaml_resolve(t, kn, r->helm ? RN_YAML_V2 : RN_YAML_V3, true,
                            &ks);
            if (ks.kind != RN_YS_STR || rn_map_get(map, t, kn))
                return 0;
        }
        int which = head_key(ro, t, kn);
        if (which & seen)
            return 0;
        seen |= which;
        const char *p = colon + 1;
        while (p < eol && *p == ' ')
            p++;
        sval v;
        int ok = p == eol || *p == '#'
                     ? nested(r, col, true, child_role(which), &v)
                     : inline_value(r, p, eol, col, &v);
        if (!ok || !check_head(r, ro, which, &v))
            return 0;
        if (map)
            rn_map_set(r->a, map, t, kn, value_of(r, &v));
    }
    r->depth--;
    if (out)
        *out = map;
    return 1;
}

static int seq_block(reader *r, int col, rn_value **out)
{
    if (++r->depth > MAX_DEPTH)
        return 0;
    rn_value *list = r->build ? rn_list_new(r->a, 4) : NULL;
    line l;
    while (peek(r, &l) && l.indent >= col) {
        if (l.indent > col)
            return 0;
        if (!is_seq_entry(l.text, l.eol))
            break;
        consume(r, &l);
        const char *p = l.text + 1;
        while (p < l.eol && *p == ' ')
            p++;
        sval v = {V_NULL, NULL, 0, NULL};
        int ok;
        if (p == l.eol || *p == '#') {
            ok = nested(r, col, false, R_OTHER, &v);
        } else if (is_seq_entry(p, l.eol)) {
            ok = 0;
        } else if (key_end(p, l.eol)) {
            v.k = V_MAP;
            ok = map_block(r, (int)(p - l.start), p, l.eol, R_OTHER, &v.v);
        } else {
            ok = inline_value(r, p, l.eol, col, &v);
        }
        if (!ok)
            return 0;
        if (list)
            rn_list_push(r->a, list, value_of(r, &v));
    }
    r->depth--;
    if (out)
        *out = list;
    return 1;
}

static const char *unquote(rn_arena *a, const char *s, size_t n, vkind k)
{
    char *out = rn_arena_alloc(a, n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        out[j++] = s[i];
        if (k == V_SQUOTE && s[i] == '\'')
            i++; /* '' is one quote */
    }
    out[j] = '\0';
    return out;
}

static rn_value *value_of(reader *r, const sval *v)
{
    switch (v->k) {
    case V_PLAIN:
        return plain_value(r->a, v->s, v->n, r->helm);
    case V_SQUOTE:
    case V_DQUOTE:
        return rn_strz(r->a, unquote(r->a, v->s, v->n, v->k));
    case V_NULL:
        return rn_null(r->a);
    default:
        return v->v;
    }
}

int rn_yaml_head_read(rn_arena *a, const char *doc, size_t len, rn_yaml_head *h)
{
    for (size_t i = 0; i < len; i++)
        if ((doc[i] < 0x20 && doc[i] != '\n') || doc[i] > 0x7E)
            return 0;
    reader r = {.a = a, .pos = doc, .end = doc + len};
    line l;
    if (!peek(&r, &l) || l.indent != 0 ||
        !map_block(&r, 0, NULL, NULL, R_TOP, NULL) || peek(&r, &l))
        return 0;
    h->kind = r.kind ? unquote(a, r.kind, r.kind_n, r.kind_k) : "";
    h->hook = r.hook ? unquote(a, r.hook, r.hook_n, r.hook_k) : NULL;
    return 1;
}

int rn_yaml_fast_parse(rn_arena *a, const char *doc, size_t len,
                       rn_yaml_mode mode, rn_value **out)
{
    for (size_t i = 0; i < len; i++)
        if ((doc[i] < 0x20 && doc[i] != '\n') || doc[i] > 0x7E)
            return 0;
    /* A document marker or directive line: the YAML reader's. */
    for (const char *p = doc; p < doc + len;) {
        if (*p == '%' || (doc + len - p >= 3 &&
                          (!memcmp(p, "---", 3) || !memcmp(p, "...", 3))))
            return 0;
        const char *nl = memchr(p, '\n', (size_t)(doc + len - p));
        p = nl ? nl + 1 : doc + len;
    }
    reader r = {.a = a,
                .build = true,
                .helm = mode == RN_YAML_HELM,
                .pos = doc,
                .end = doc + len};
    line l;
    rn_value *v = NULL;
    if (!peek(&r, &l) || l.indent != 0 ||
        !map_block(&r, 0, NULL, NULL, R_OTHER, &v) || peek(&r, &l) || !v)
        return 0;
    *out = v;
    return 1;
}
