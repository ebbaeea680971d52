/*
 * yaml.c — reading YAML into the value tree.
 *
 * libfyaml tokenizes and parses (events with positions); this file builds
 * the tree, expands aliases under a node budget, applies merge keys and
 * resolves plain scalars the way the Go readers do:
 *
 *  RN_YAML_HELM  go-yaml v2's resolve() (YAML 1.1 booleans, 0x/0o/0b/0777
 *                ints, underscores) followed by sigs.k8s.io/yaml's trip
 *                through encoding/json: numbers become float64, keys
 *                become strings (float keys printed as float32, as sigs
 *                does), null keys and .inf/.nan values are errors (Helm
 *                fails to load them), duplicate keys keep the last value,
 *                merge keys apply in document order, and only the first
 *                document of a stream is read (yaml.Unmarshal stops there).
 *  RN_YAML_CORE  yaml.v3's resolve(): true/false only, ints stay int64;
 *                duplicate keys are an error; explicit keys win over
 *                merged ones.
 *
 * Before parsing, the input is checked as go-yaml's reader checks it:
 * valid UTF-8 and no control characters.
 *
 * With keep_source, each scalar also records how it was written (see
 * yaml.h): the style in its flags, and, only when the writer could not
 * print the value back the same way, the source text in the node's spare
 * word, copied from the input by the token's marks.
 */
#include "yaml.h"
#include "yaml_head.h"
#include "yaml_scalar.h"

#include <ctype.h>
#include <libfyaml.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_BYTES ((size_t)64 << 20)
#define DEFAULT_MAX_DEPTH 256
#define DEFAULT_MAX_NODES ((size_t)4 << 20)

#define TAG_PREFIX "tag:yaml.org,2002:"

typedef struct anchor {
    char *name;
    rn_value *val;
    size_t nodes; /* nodes a copy of val costs */
    size_t bytes; /* string bytes a copy of val costs */
} anchor;

typedef struct reader {
    rn_arena *a;
    const char *name;
    const char *buf; /* the input, for source text */
    size_t buf_len;
    rn_yaml_mode mode;
    bool keep_source;
    size_t max_nodes;
    size_t max_alias_bytes;
    int max_depth;
    int flow; /* depth of flow collections ([...], {...}) around */
    rn_error *err;
    struct fy_parser *fyp;
    /* First error libfyaml reported, parsed from its diagnostic text. */
    bool diag_set;
    int diag_line, diag_col;
    char diag_msg[512];
    anchor *anchors;
    size_t nanchors, capanchors;
    size_t nodes;
    size_t bytes;       /* string bytes built so far, copies included */
    size_t alias_bytes; /* of which aliases copied */
} reader;

/* ---- errors -------------------------------------------------------------- */

static int fail_at(reader *r, const struct fy_mark *m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(reader *r, const struct fy_mark *m, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = m ? m->line + 1 : 0;
    if (line > 0) {
        rn_error_set(r->err, "%s:%d:%d: %s", r->name, line, m->column + 1, msg);
        if (r->err && !r->err->file[0]) {
            snprintf(r->err->file, sizeof r->err->file, "%s", r->name);
            r->err->line = line;
        }
    } else {
        rn_error_set(r->err, "%s: %s", r->name, msg);
    }
    return -1;
}

/* libfyaml prints "<source>:LINE:COL: error: MESSAGE\n..."; keep the
 * first error's position and message. */
static void on_diag(struct fy_diag *diag, void *user, const char *buf,
                    size_t len)
{
    (void)diag;
    reader *r = user;
    if (r->diag_set)
        return;
    const char *end = buf + len;
    const char *tag = NULL;
    for (const char *p = buf; p + 9 <= end; p++) {
        if (memcmp(p, ": error: ", 9) == 0) {
            tag = p;
            break;
        }
    }
    if (!tag)
        return;
    /* Walk back over ":COL" and ":LINE". */
    const char *p = tag;
    int nums[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        const char *q = p;
        while (q > buf && q[-1] >= '0' && q[-1] <= '9')
            q--;
        if (q == p || q == buf || q[-1] != ':')
            return;
        nums[k] = atoi(q);
        p = q - 1;
    }
    const char *msg = tag + 9;
    const char *nl = memchr(msg, '\n', (size_t)(end - msg));
    size_t mlen = (size_t)((nl ? nl : end) - msg);
    if (mlen >= sizeof r->diag_msg)
        mlen = sizeof r->diag_msg - 1;
    memcpy(r->diag_msg, msg, mlen);
    r->diag_msg[mlen] = '\0';
    r->diag_line = nums[1];
    r->diag_col = nums[0];
    r->diag_set = true;
}

static int fail_parser(reader *r)
{
    if (r->diag_set) {
        struct fy_mark m = {0, r->diag_line - 1, r->diag_col - 1};
        return fail_at(r, &m, "%s", r->diag_msg);
    }
    return fail_at(r, NULL, "invalid YAML");
}

/* ---- input checks -------------------------------------------------------- */

/* go-yaml's reader: UTF-8 only, and only printable characters
 * (tab, LF, CR, #x20-#x7E, #x85, #xA0-#xD7FF, #xE000-#xFFFD, and above). */
static int check_input(reader *r, const char *buf, size_t len)
{
    int line = 0, col = 0;
    for (size_t i = 0; i < len;) {
        const unsigned char *s = (const unsigned char *)buf + i;
        uint32_t c;
        int w = rn_utf8_decode(s, len - i, &c);
        struct fy_mark m = {i, line, col};
        if (w <= 0)
            return fail_at(r, &m, "invalid UTF-8 byte 0x%02x", s[0]);
        bool ok = c == 0x09 || c == 0x0A || c == 0x0D ||
                  (c >= 0x20 && c <= 0x7E) || c == 0x85 ||
                  (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
                  c >= 0x10000;
        if (!ok)
            return fail_at(r, &m, "control characters are not allowed (U+%04X)",
                           c);
        if (c == '\n') {
            line++;
            col = 0;
        } else {
            col++;
        }
        i += (size_t)w;
    }
    return 0;
}

/* ---- scalars ------------------------------------------------------------- */

static const char *short_tag(const char *tag)
{
    static const char prefix[] = TAG_PREFIX;
    if (tag && strncmp(tag, prefix, sizeof prefix - 1) == 0)
        return tag + sizeof prefix - 1;
    return NULL;
}

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Go's base64.StdEncoding.DecodeString: padded, \r and \n ignored. */
static char *base64_decode(rn_arena *a, const char *s, size_t n, size_t *out)
{
    char *clean = rn_arena_alloc(a, n + 1);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '\n' && s[i] != '\r')
            clean[m++] = s[i];
    if (m % 4 != 0)
        return NULL;
    char *dst = rn_arena_alloc(a, m / 4 * 3 + 1);
    size_t k = 0;
    for (size_t i = 0; i < m; i += 4) {
        int v[4];
        int pad = 0;
        for (int j = 0; j < 4; j++) {
            char c = clean[i + j];
            if (c == '=' && i + 4 == m && j >= 2) {
                v[j] = 0;
                pad++;
            } else if (pad || (v[j] = b64val((unsigned char)c)) < 0) {
                return NULL;
            }
        }
        uint32_t x = (uint32_t)(v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3]);
        dst[k++] = (char)(x >> 16);
        if (pad < 2)
            dst[k++] = (char)(x >> 8);
        if (pad < 1)
            dst[k++] = (char)x;
    }
    *out = k;
    return dst;
}

/* encoding/json replaces invalid UTF-8 with U+FFFD. */
static rn_value *json_safe_string(rn_arena *a, const char *s, size_t n)
{
    rn_buf b = RN_BUF_INIT;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        int w = rn_utf8_decode((const unsigned char *)s + i, n - i, &c);
        if (w <= 0) {
            rn_buf_append(&b, "\xEF\xBF\xBD", 3);
            i++;
        } else {
            rn_buf_append(&b, s + i, (size_t)w);
            i += (size_t)w;
        }
    }
    rn_value *v = rn_str(a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return v;
}

static const char *kind_tag(const rn_yaml_scalar *sc)
{
    switch (sc->kind) {
    case RN_YS_NULL:
        return "null";
    case RN_YS_BOOL:
        return "bool";
    case RN_YS_INT:
    case RN_YS_UINT:
        return "int";
    case RN_YS_FLOAT:
        return "float";
    case RN_YS_TIMESTAMP:
        return "timestamp";
    default:
        return "str";
    }
}

static int resolve_value(reader *r, struct fy_event *ev, rn_value **out,
                         bool *is_merge)
{
    struct fy_token *vt = ev->scalar.value;
    size_t len = 0;
    const char *text = vt ? fy_token_get_text(vt, &len) : "";
    if (!text)
        text = "";
    enum fy_scalar_style style = vt ? fy_token_scalar_style(vt) : FYSS_PLAIN;
    const char *tag = NULL;
    if (ev->scalar.tag) {
        size_t tl;
        const char *t = fy_token_get_text(ev->scalar.tag, &tl);
        tag = t ? rn_arena_strndup(r->a, t, tl) : NULL;
        /* The non-specific tag "!" forces a string. */
        if (tag && strcmp(tag, "!") == 0)
            tag = TAG_PREFIX "str";
    }
    /* go-yaml treats a plain, untagged "<<" key as a merge. */
    *is_merge = style == FYSS_PLAIN && !tag && len == 2 && text[0] == '<' &&
                text[1] == '<';
    const char *st = short_tag(tag);
    if (!tag && style != FYSS_PLAIN) {
        *out = rn_str(r->a, text, len);
        return 0;
    }
    if (st && strcmp(st, "binary") == 0 && r->keep_source) {
        /* Kept as written: the object passes through, undecoded. */
        *out = rn_str(r->a, text, len);
        return 0;
    }
    if (st && strcmp(st, "binary") == 0) {
        size_t n;
        char *bytes = base64_decode(r->a, text, len, &n);
        if (!bytes)
            return fail_at(r, fy_event_start_mark(ev),
                           "!!binary value contains invalid base64 data");
        *out = r->mode == RN_YAML_HELM ? json_safe_string(r->a, bytes, n)
                                       : rn_str(r->a, bytes, n);
        return 0;
    }
    bool resolvable =
        !tag || (st && (!strcmp(st, "str") || !strcmp(st, "bool") ||
                        !strcmp(st, "int") || !strcmp(st, "float") ||
                        !strcmp(st, "null") || !strcmp(st, "timestamp")));
    if (!resolvable) {
        /* Unknown tags (!foo, !!set ...) leave the text as a string. */
        *out = rn_str(r->a, text, len);
        return 0;
    }
    if (st && !strcmp(st, "str")) {
        *out = rn_str(r->a, text, len);
        return 0;
    }
    rn_yaml_scalar sc;
    rn_yaml_resolve(text, len,
                    r->mode == RN_YAML_HELM ? RN_YAML_V2 : RN_YAML_V3,
                    st == NULL || !strcmp(st, "timestamp"), &sc);
    if (st) {
        const char *rt = kind_tag(&sc);
        if (!strcmp(st, "float") && (sc.kind == RN_YS_INT)) {
            sc.kind = RN_YS_FLOAT;
            sc.f = (double)sc.i;
        } else if (strcmp(rt, st) != 0) {
            return fail_at(r, fy_event_start_mark(ev),
                           "cannot decode !!%s `%.*s` as a !!%s", rt, (int)len,
                           text, st);
        }
    }
    if (r->mode == RN_YAML_HELM && sc.kind == RN_YS_FLOAT &&
        (isinf(sc.f) || isnan(sc.f)))
        return fail_at(r, fy_event_start_mark(ev),
                       "json: unsupported value: %s (Helm cannot load "
                       ".inf or .nan values; quote it)",
                       isnan(sc.f) ? "NaN"
                       : sc.f > 0  ? "+Inf"
                                   : "-Inf");
    *out = rn_yaml_scalar_value(r->a, &sc, text, len, r->mode == RN_YAML_HELM);
    return 0;
}

/* ---- source text (keep_source) ------------------------------------------- */

/* The bytes of a token as written in the input; quoted scalars' marks
 * leave the quotes out. */
static const char *token_source(const reader *r, struct fy_token *t,
                                size_t *len)
{
    const struct fy_mark *a = t ? fy_token_start_mark(t) : NULL;
    const struct fy_mark *b = t ? fy_token_end_mark(t) : NULL;
    if (!a || !b || b->input_pos < a->input_pos) {
        *len = 0;
        return "";
    }
    *len = b->input_pos - a->input_pos;
    return r->buf + a->input_pos;
}

/* Printable ASCII only: a quoted scalar of these bytes (and no escapes)
 * comes back from the writer exactly as written. */
static bool plain_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E ||
            s[i] == '\\')
            return false;
    return true;
}

/* Does the writer print v's value as `body` reads? (Plain scalars.) */
static bool prints_as(const rn_value *v, const char *body, size_t n)
{
    char tmp[32];
    const char *want;
    switch (v->kind) {
    case RN_NULL:
        want = "null";
        break;
    case RN_BOOL:
        want = v->u.b ? "true" : "false";
        break;
    case RN_INT:
        snprintf(tmp, sizeof tmp, "%lld", (long long)v->u.i);
        want = tmp;
        break;
    case RN_STRING:
        return true;
    default:
        return false; /* floats print in Go's shortest form: keep the text */
    }
    return strlen(want) == n && memcmp(want, body, n) == 0;
}

/* A tag written with a named handle (`!e!foo`) means something only under
 * its document's %TAG line, which the output does not carry. */
static bool named_handle(const char *tag, size_t n)
{
    size_t i = 1;
    while (i < n && (isalnum((unsigned char)tag[i]) || tag[i] == '-'))
        i++;
    return n > 1 && tag[0] == '!' && i > 1 && i < n && tag[i] == '!';
}

/* Records on v how the scalar of `ev` was written: its style in the
 * flags, and its source text when the writer would print it otherwise. */
static void keep_form(reader *r, struct fy_event *ev, rn_value *v)
{
    struct fy_token *vt = ev->scalar.value;
    size_t blen, tlen = 0;
    const char *body = token_source(r, vt, &blen);
    const char *tag =
        ev->scalar.tag ? token_source(r, ev->scalar.tag, &tlen) : NULL;
    unsigned style;
    switch (vt ? fy_token_scalar_style(vt) : FYSS_PLAIN) {
    case FYSS_PLAIN:
        style = RN_STYLE_PLAIN;
        break;
    case FYSS_SINGLE_QUOTED:
        style = RN_STYLE_SINGLE;
        break;
    case FYSS_DOUBLE_QUOTED:
        /* In flow collections (JSON) quotes are the syntax of every
         * string, not a choice worth keeping. */
        style = r->flow ? RN_STYLE_NONE : RN_STYLE_DOUBLE;
        break;
    default: /* block scalars: the writer picks literal for them */
        style = RN_STYLE_NONE;
        break;
    }
    v->flags |= style << RN_F_STYLE_SHIFT;
    /* Text spread over lines is indented for where it stood: only a
     * one-line scalar is printed verbatim. */
    bool one_line = style != RN_STYLE_NONE && !memchr(body, '\n', blen);
    bool verbatim;
    if (tag)
        verbatim = one_line;
    else if (!one_line)
        verbatim = false;
    else if (style == RN_STYLE_PLAIN)
        verbatim = !prints_as(v, body, blen);
    else
        verbatim = !plain_ascii(body, blen);
    if (!verbatim && !tag)
        return;
    rn_buf b = RN_BUF_INIT;
    if (tag && named_handle(tag, tlen)) {
        /* The verbatim form of the resolved tag stands on its own. */
        size_t rlen;
        const char *full = fy_token_get_text(ev->scalar.tag, &rlen);
        rn_buf_printf(&b, "!<%.*s>", (int)rlen, full);
    } else if (tag) {
        rn_buf_append(&b, tag, tlen);
    }
    if (verbatim) {
        char q = style == RN_STYLE_SINGLE   ? '\''
                 : style == RN_STYLE_DOUBLE ? '"'
                                            : 0;
        if (tag && (blen || q))
            rn_buf_putc(&b, ' ');
        if (q)
            rn_buf_putc(&b, q);
        rn_buf_append(&b, body, blen);
        if (q)
            rn_buf_putc(&b, q);
    }
    v->u.src = rn_arena_strndup(r->a, rn_buf_cstr(&b), b.len);
    v->flags |= verbatim ? RN_F_SRC_TEXT : RN_F_SRC_TAG;
    r->bytes += b.len;
    rn_buf_free(&b);
}

static int resolve_scalar(reader *r, struct fy_event *ev, rn_value **out,
                          bool *is_merge)
{
    if (resolve_value(r, ev, out, is_merge))
        return -1;
    if ((*out)->kind == RN_STRING)
        r->bytes += (*out)->u.s.len;
    if (r->keep_source)
        keep_form(r, ev, *out);
    return 0;
}

/* ---- anchors ------------------------------------------------------------- */

/* Registers an anchor before its node is built (val NULL until then), so
 * an alias inside its own anchor's node is recognised. */
static size_t anchor_define(reader *r, struct fy_token *tok)
{
    size_t len;
    const char *name = fy_token_get_text(tok, &len);
    if (r->nanchors == r->capanchors) {
        size_t cap = r->capanchors ? r->capanchors * 2 : 8;
        anchor *p = realloc(r->anchors, cap * sizeof *p);
        if (!p)
            abort();
        r->anchors = p;
        r->capanchors = cap;
    }
    anchor *an = &r->anchors[r->nanchors++];
    an->name = rn_arena_strndup(r->a, name ? name : "", name ? len : 0);
    an->val = NULL;
    an->nodes = 0;
    an->bytes = 0;
    return r->nanchors - 1;
}

/* "32 MiB", "64 KiB" or "1000 bytes", for messages. */
static void size_text(char *buf, size_t n, size_t bytes)
{
    if (bytes >= ((size_t)1 << 20) && bytes % ((size_t)1 << 20) == 0)
        snprintf(buf, n, "%zu MiB", bytes >> 20);
    else if (bytes >= 1024 && bytes % 1024 == 0)
        snprintf(buf, n, "%zu KiB", bytes >> 10);
    else
        snprintf(buf, n, "%zu bytes", bytes);
}

static int expand_alias(reader *r, struct fy_event *ev, rn_value **out)
{
    size_t len;
    const char *name = fy_token_get_text(ev->alias.anchor, &len);
    const struct fy_mark *m = fy_event_start_mark(ev);
    for (size_t i = r->nanchors; i-- > 0;) {
        anchor *an = &r->anchors[i];
        if (strlen(an->name) != len || memcmp(an->name, name, len) != 0)
            continue;
        if (!an->val)
            return fail_at(r, m, "anchor '%.*s' value contains itself",
                           (int)len, name);
        /* Each alias is a full copy of its anchor's value: bound what
         * the copies add up to, in nodes and in bytes, before making
         * one, so an alias bomb fails at once instead of exhausting
         * memory. */
        if (r->nodes + an->nodes > r->max_nodes)
            return fail_at(r, m,
                           "alias *%.*s expands the document beyond %zu "
                           "nodes, which looks like an alias bomb (each "
                           "alias is a full copy of its anchor's value); "
                           "use fewer aliases",
                           (int)len, name, r->max_nodes);
        if (r->alias_bytes + an->bytes > r->max_alias_bytes) {
            char most[32], each[32];
            size_text(most, sizeof most, r->max_alias_bytes);
            size_text(each, sizeof each, an->bytes);
            return fail_at(r, m,
                           "alias *%.*s makes the aliases copy more than %s "
                           "(%s each), which looks like an alias bomb (each "
                           "alias is a full copy of its anchor's value); use "
                           "fewer aliases of large values",
                           (int)len, name, most, each);
        }
        r->nodes += an->nodes;
        r->bytes += an->bytes;
        r->alias_bytes += an->bytes;
        /* Go decodes an alias afresh each time: a copy, not a share. */
        *out = rn_value_deepcopy(r->a, an->val);
        return 0;
    }
    return fail_at(r, m, "unknown anchor '%.*s' referenced", (int)len, name);
}

/* ---- tree building ------------------------------------------------------- */

static int parse_node(reader *r, struct fy_event *ev, int depth, rn_value **out,
                      bool *is_merge);

static struct fy_event *next_event(reader *r)
{
    struct fy_event *ev = fy_parser_parse(r->fyp);
    if (!ev)
        fail_parser(r);
    return ev;
}

static int count_node(reader *r, struct fy_event *ev)
{
    if (++r->nodes > r->max_nodes)
        return fail_at(r, fy_event_start_mark(ev),
                       "the document has more than %zu nodes, the most "
                       "allowed; split it into smaller documents",
                       r->max_nodes);
    return 0;
}

static int check_block_scalar(reader *r, struct fy_event *vev, int col);

static int parse_sequence(reader *r, int depth, int col, rn_value *list)
{
    for (;;) {
        struct fy_event *ev = next_event(r);
        if (!ev)
            return -1;
        if (ev->type == FYET_SEQUENCE_END) {
            fy_parser_event_free(r->fyp, ev);
            return 0;
        }
        rn_value *item;
        bool merge;
        int rc = col >= 0 ? check_block_scalar(r, ev, col) : 0;
        if (rc == 0)
            rc = parse_node(r, ev, depth + 1, &item, &merge);
        fy_parser_event_free(r->fyp, ev);
        if (rc)
            return -1;
        rn_list_push(r->a, list, item);
    }
}

/* Mapping keys become strings, as sigs.k8s.io/yaml (Helm) and the
 * map[string]interface{} targets of Kubernetes tools make them. */
static int key_string(reader *r, struct fy_event *ev, rn_value *k,
                      const char **key, size_t *keylen)
{
    rn_buf b = RN_BUF_INIT;
    if (r->keep_source && ev->type == FYET_SCALAR && k->kind != RN_STRING) {
        /* A key that passes through keeps its text: 1.0 stays "1.0". */
        size_t n = 0;
        const char *t =
            ev->scalar.value ? fy_token_get_text(ev->scalar.value, &n) : NULL;
        if (t && n) {
            *key = rn_arena_strndup(r->a, t, n);
            *keylen = n;
            return 0;
        }
    }
    switch (k->kind) {
    case RN_STRING:
        *key = k->u.s.ptr;
        *keylen = k->u.s.len;
        return 0;
    case RN_BOOL:
        rn_buf_puts(&b, k->u.b ? "true" : "false");
        break;
    case RN_INT:
        rn_buf_printf(&b, "%lld", (long long)k->u.i);
        break;
    case RN_FLOAT:
        rn_yaml_key_float(&b, k->u.f, r->mode == RN_YAML_HELM);
        break;
    case RN_NULL:
        if (r->mode == RN_YAML_HELM) {
            rn_buf_free(&b);
            return fail_at(r, fy_event_start_mark(ev),
                           "unsupported map key of type: <nil> (a null "
                           "key; quote it to make it a string)");
        }
        rn_buf_puts(&b, "null");
        break;
    default:
        rn_buf_free(&b);
        return fail_at(r, fy_event_start_mark(ev),
                       "invalid map key: a %s cannot be a mapping key",
                       k->kind == RN_LIST ? "sequence" : "mapping");
    }
    *keylen = b.len;
    *key = rn_arena_strndup(r->a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return 0;
}

/* Keys already set in the current mapping, with their lines, to report
 * duplicates (CORE) and to let explicit keys win over merged ones. */
typedef struct keyset {
    size_t *lines; /* parallel to the map's pairs; 0 = came from a merge */
    size_t cap;
} keyset;

static void keyset_note(keyset *ks, size_t idx, size_t line)
{
    if (idx >= ks->cap) {
        size_t cap = ks->cap ? ks->cap * 2 : 8;
        while (cap <= idx)
            cap *= 2;
        size_t *p = realloc(ks->lines, cap * sizeof *p);
        if (!p)
            abort();
        memset(p + ks->cap, 0, (cap - ks->cap) * sizeof *p);
        ks->lines = p;
        ks->cap = cap;
    }
    ks->lines[idx] = line;
}

static long pair_index(const rn_value *map, const char *key, size_t keylen)
{
    for (size_t i = 0; i < map->u.map.len; i++)
        if (map->u.map.pairs[i].keylen == keylen &&
            memcmp(map->u.map.pairs[i].key, key, keylen) == 0)
            return (long)i;
    return -1;
}

static void merge_one(reader *r, rn_value *map, keyset *ks, const rn_value *src)
{
    for (size_t i = 0; i < src->u.map.len; i++) {
        const rn_pair *p = &src->u.map.pairs[i];
        long at = pair_index(map, p->key, p->keylen);
        /* v2 applies merges in order, overriding; v3 lets keys that are
         * written out in the mapping win. */
        if (at >= 0 && r->mode == RN_YAML_CORE && ks->lines[at] != 0)
            continue;
        rn_map_set(r->a, map, p->key, p->keylen, p->val);
        if (at < 0)
            keyset_note(ks, map->u.map.len - 1, 0);
    }
}

static int apply_merge(reader *r, struct fy_event *ev, rn_value *map,
                       keyset *ks, const rn_value *v)
{
    static const char want[] =
        "map merge requires map or sequence of maps as the value";
    if (v->kind == RN_MAP) {
        merge_one(r, map, ks, v);
        return 0;
    }
    if (v->kind != RN_LIST)
        return fail_at(r, fy_event_start_mark(ev), want);
    for (size_t i = 0; i < v->u.list.len; i++)
        if (v->u.list.items[i]->kind != RN_MAP)
            return fail_at(r, fy_event_start_mark(ev), want);
    /* Earlier maps in the list take precedence: apply them last. */
    for (size_t i = v->u.list.len; i-- > 0;)
        merge_one(r, map, ks, v->u.list.items[i]);
    return 0;
}

/* A block scalar under a key (or a sequence's "-") at column `col` holds
 * only lines indented deeper than it; a line at the key's column or left of it
 * ends the scalar (YAML 1.2, 8.1.1.1). libfyaml is lenient here: it may take
 * such lines into the scalar (with text it did not fully write), where go-yaml
 * and Kubernetes' readers refuse the document. So do we. */
static int check_block_scalar(reader *r, struct fy_event *vev, int col)
{
    struct fy_token *t = vev->type == FYET_SCALAR ? vev->scalar.value : NULL;
    enum fy_scalar_style st = t ? fy_token_scalar_style(t) : FYSS_PLAIN;
    if (st != FYSS_LITERAL && st != FYSS_FOLDED)
        return 0;
    const struct fy_mark *m = fy_token_start_mark(t);
    const struct fy_mark *e = fy_token_end_mark(t);
    if (!m || !e)
        return 0;
    /* libfyaml's scalar starts at its first content line (or at the
     * header, when it starts there). */
    const char *b = r->buf;
    size_t n = r->buf_len, p = m->input_pos;
    if (m->column != 0) {
        while (p < n && b[p] != '\n')
            p++;
        p++;
    }
    while (p < n) {
        int ind = 0;
        while (p < n && b[p] == ' ')
            p++, ind++;
        if (p >= n)
            return 0;
        if (b[p] == '\n' || b[p] == '\r' || b[p] == '\t') {
            while (p < n && b[p] != '\n')
                p++;
            p++;
            continue; /* a blank line */
        }
        /* Deeper, or not taken in: the scalar ended before the line's
         * first character (a kept final break may reach its start). */
        if (ind > col || e->input_pos <= p)
            return 0;
        return fail_at(r, m,
                       "a block scalar's line is not indented more than "
                       "its key or \"-\" (column %d); indent the scalar's "
                       "lines",
                       col + 1);
    }
    return 0;
}

static int parse_mapping_entry(reader *r, struct fy_event *kev, int depth,
                               rn_value *map, keyset *ks)
{
    rn_value *k, *v;
    bool merge;
    const struct fy_mark *km = fy_event_start_mark(kev);
    size_t line = km ? (size_t)km->line + 1 : 1;
    if (parse_node(r, kev, depth + 1, &k, &merge))
        return -1;
    struct fy_event *vev = next_event(r);
    if (!vev)
        return -1;
    bool vmerge;
    int rc = km ? check_block_scalar(r, vev, km->column) : 0;
    if (rc == 0)
        rc = parse_node(r, vev, depth + 1, &v, &vmerge);
    if (rc == 0 && merge)
        rc = apply_merge(r, vev, map, ks, v);
    fy_parser_event_free(r->fyp, vev);
    if (rc || merge)
        return rc;
    const char *key = NULL;
    size_t keylen = 0;
    if (key_string(r, kev, k, &key, &keylen))
        return -1;
    /* The key's style rides on its value: pairs have no room for it. A
     * tag on the key is not kept, so neither is its style: `!!str 1`
     * must come out quoted, not as the number 1. */
    if (r->keep_source) {
        bool tagged = (k->flags & RN_F_SRC_TAG) ||
                      ((k->flags & RN_F_SRC_TEXT) && k->u.src[0] == '!');
        unsigned ks = tagged ? RN_STYLE_NONE
                             : (k->flags & RN_F_STYLE) >> RN_F_STYLE_SHIFT;
        v->flags =
            (v->flags & ~(unsigned)RN_F_KEY_STYLE) | ks << RN_F_KEY_STYLE_SHIFT;
    }
    long at = pair_index(map, key, keylen);
    if (at >= 0 && r->mode == RN_YAML_CORE && ks->lines[at] != 0)
        return fail_at(r, km,
                       "mapping key \"%.*s\" already defined at line %zu",
                       (int)keylen, key, ks->lines[at]);
    rn_map_set(r->a, map, key, keylen, v);
    keyset_note(ks, at >= 0 ? (size_t)at : map->u.map.len - 1, line);
    return 0;
}

static int parse_mapping(reader *r, int depth, rn_value *map)
{
    keyset ks = {NULL, 0};
    int rc = 0;
    for (;;) {
        struct fy_event *ev = next_event(r);
        if (!ev) {
            rc = -1;
            break;
        }
        if (ev->type == FYET_MAPPING_END) {
            fy_parser_event_free(r->fyp, ev);
            break;
        }
        rc = parse_mapping_entry(r, ev, depth, map, &ks);
        fy_parser_event_free(r->fyp, ev);
        if (rc)
            break;
    }
    free(ks.lines);
    return rc;
}

static int parse_node(reader *r, struct fy_event *ev, int depth, rn_value **out,
                      bool *is_merge)
{
    *is_merge = false;
    bool collection =
        ev->type == FYET_SEQUENCE_START || ev->type == FYET_MAPPING_START;
    if (collection && depth > r->max_depth)
        return fail_at(r, fy_event_start_mark(ev),
                       "nesting deeper than %d levels, the most allowed; "
                       "flatten the structure",
                       r->max_depth);
    if (ev->type == FYET_ALIAS)
        return expand_alias(r, ev, out);
    size_t before = r->nodes, bytes_before = r->bytes;
    if (count_node(r, ev))
        return -1;
    struct fy_token *anchor_tok = NULL;
    if (ev->type == FYET_SCALAR)
        anchor_tok = ev->scalar.anchor;
    else if (ev->type == FYET_SEQUENCE_START)
        anchor_tok = ev->sequence_start.anchor;
    else if (ev->type == FYET_MAPPING_START)
        anchor_tok = ev->mapping_start.anchor;
    size_t slot = anchor_tok ? anchor_define(r, anchor_tok) : 0;
    int rc;
    int flow = collection && fy_event_get_node_style(ev) == FYNS_FLOW;
    r->flow += flow;
    switch (ev->type) {
    case FYET_SCALAR:
        rc = resolve_scalar(r, ev, out, is_merge);
        break;
    case FYET_SEQUENCE_START:
        *out = rn_list_new(r->a, 0);
        /* A block sequence's entries: at the column of its first "-". */
        const struct fy_mark *sm = fy_event_start_mark(ev);
        rc = parse_sequence(r, depth, sm ? sm->column : -1, *out);
        break;
    case FYET_MAPPING_START:
        *out = rn_map_new(r->a, 0);
        rc = parse_mapping(r, depth, *out);
        break;
    default:
        return fail_at(r, fy_event_start_mark(ev), "unexpected %s event",
                       fy_event_type_get_text(ev->type));
    }
    r->flow -= flow;
    if (rc == 0 && anchor_tok) {
        r->anchors[slot].val = *out;
        r->anchors[slot].nodes = r->nodes - before;
        r->anchors[slot].bytes = r->bytes - bytes_before;
    }
    return rc;
}

/* ---- documents ----------------------------------------------------------- */

/* Reads one document after its DOCUMENT_START; *out is RN_NULL when the
 * document is empty. */
static int parse_document(reader *r, rn_value **out)
{
    struct fy_event *ev = next_event(r);
    if (!ev)
        return -1;
    int rc = 0;
    if (ev->type == FYET_DOCUMENT_END) {
        *out = rn_null(r->a);
    } else {
        bool merge;
        rc = parse_node(r, ev, 1, out, &merge);
        if (rc == 0) {
            fy_parser_event_free(r->fyp, ev);
            ev = next_event(r);
            if (!ev)
                return -1;
            if (ev->type != FYET_DOCUMENT_END)
                rc = fail_at(r, fy_event_start_mark(ev),
                             "unexpected content after the document");
        }
    }
    fy_parser_event_free(r->fyp, ev);
    return rc;
}

static int reader_open(reader *r, const char *buf, size_t len,
                       struct fy_diag **diagp)
{
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = on_diag;
    dc.user = r;
    dc.level = FYET_ERROR;
    dc.colorize = false;
    *diagp = fy_diag_create(&dc);
    if (!*diagp)
        return fail_at(r, NULL, "cannot create a YAML parser");
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | FYPCF_ALLOW_DUPLICATE_KEYS |
                FYPCF_DISABLE_DEPTH_LIMIT |
                (r->mode == RN_YAML_HELM ? FYPCF_DEFAULT_VERSION_1_1
                                         : FYPCF_DEFAULT_VERSION_1_2);
    cfg.diag = *diagp;
    r->fyp = fy_parser_create(&cfg);
    if (!r->fyp || fy_parser_set_string(r->fyp, buf, len) != 0)
        return fail_at(r, NULL, "cannot create a YAML parser");
    return 0;
}

static void reader_close(reader *r, struct fy_diag *diag)
{
    if (r->fyp)
        fy_parser_destroy(r->fyp);
    if (diag)
        fy_diag_destroy(diag);
    free(r->anchors);
}

static void reader_init(reader *r, rn_arena *a, const char *name,
                        rn_yaml_mode mode, const rn_yaml_limits *lim,
                        rn_error *err)
{
    memset(r, 0, sizeof *r);
    r->a = a;
    r->name = name ? name : "<input>";
    r->mode = mode;
    r->err = err;
    r->max_depth =
        lim && lim->max_depth > 0 ? lim->max_depth : DEFAULT_MAX_DEPTH;
    r->max_nodes = lim && lim->max_nodes ? lim->max_nodes : DEFAULT_MAX_NODES;
    r->max_alias_bytes = lim ? lim->max_alias_bytes : 0;
    r->keep_source = lim && lim->keep_source;
}

/* Reads documents into `docs` (stop_after_first: only the first). */
static int read_stream(reader *r, const char *buf, size_t len,
                       const rn_yaml_limits *lim, bool stop_after_first,
                       rn_value *docs)
{
    size_t max_bytes =
        lim && lim->max_bytes ? lim->max_bytes : DEFAULT_MAX_BYTES;
    if (len > max_bytes)
        return fail_at(r, NULL,
                       "the input is %zu bytes, more than the %zu allowed; "
                       "split it into smaller files",
                       len, max_bytes);
    if (!r->max_alias_bytes)
        r->max_alias_bytes = max_bytes;
    r->buf = buf;
    r->buf_len = len;
    if (check_input(r, buf, len))
        return -1;
    struct fy_diag *diag = NULL;
    int rc = reader_open(r, buf, len, &diag);
    while (rc == 0) {
        struct fy_event *ev = next_event(r);
        if (!ev) {
            rc = -1;
            break;
        }
        enum fy_event_type t = ev->type;
        fy_parser_event_free(r->fyp, ev);
        if (t == FYET_STREAM_END)
            break;
        if (t != FYET_DOCUMENT_START)
            continue;
        rn_value *doc;
        rc = parse_document(r, &doc);
        if (rc == 0)
            rn_list_push(r->a, docs, doc);
        /* Anchors do not cross documents. */
        r->nanchors = 0;
        if (stop_after_first)
            break;
    }
    reader_close(r, diag);
    return rc;
}

int rn_yaml_parse(rn_arena *a, const char *buf, size_t len, const char *name,
                  rn_yaml_mode mode, const rn_yaml_limits *lim, rn_value **out,
                  rn_error *err)
{
    /* Plain block YAML (most values files and manifests) is read without
     * libfyaml. Within the default limits: no more nodes than bytes, a
     * depth of at most 64, no aliases. */
    if (!lim && len <= DEFAULT_MAX_BYTES && len <= DEFAULT_MAX_NODES &&
        rn_yaml_fast_parse(a, buf, len, mode, out))
        return 0;
    reader r;
    reader_init(&r, a, name, mode, lim, err);
    rn_value *docs = rn_list_new(a, 2);
    /* go-yaml's Unmarshal (Helm) reads the first document and ignores the
     * rest; Kubernetes readers of a single object insist on one. */
    if (read_stream(&r, buf, len, lim, mode == RN_YAML_HELM, docs))
        return -1;
    if (docs->u.list.len > 1) {
        rn_error_set(err,
                     "%s: expected one YAML document, found %zu; remove "
                     "the extra documents (each `---` line starts one)",
                     r.name, docs->u.list.len);
        return -1;
    }
    *out = docs->u.list.len ? docs->u.list.items[0] : rn_null(a);
    return 0;
}

int rn_yaml_parse_stream(rn_arena *a, const char *buf, size_t len,
                         const char *name, rn_yaml_mode mode,
                         const rn_yaml_limits *lim, rn_value **out,
                         rn_error *err)
{
    reader r;
    reader_init(&r, a, name, mode, lim, err);
    rn_value *docs = rn_list_new(a, 4);
    if (read_stream(&r, buf, len, lim, false, docs))
        return -1;
    *out = docs;
    return 0;
}
