/*
 * funcs_encoding.c — encodings, digests, regular expressions and semantic
 * versions: Sprig's b64enc/b64dec and b32enc/b32dec (Go's StdEncoding
 * rules and errors), sha1sum/sha256sum/sha512sum/adler32sum (OpenSSL
 * libcrypto), the regex* family (Go's regexp syntax and its errors,
 * rewritten for PCRE2 by goregexp.c; matches are leftmost-first, with Go's
 * rules for empty matches and for `$1`/`${name}` in replacements), and
 * semver/semverCompare (Masterminds/semver v3.5
 * constraint checking, parsed with that package's own regular
 * expressions; semver gives a *semver.Version object whose methods,
 * .Major to .Compare, templates call).
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "funcs_int.h"
#include "gofmt.h"
#include "goregexp.h"
#include "json.h"

/* --- base64 --- */

RN_FN(rn_fn_b64enc)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    char *dst = rn_arena_alloc(tmpl_arena(ctx), 4 * ((n + 2) / 3) + 1);
    int len =
        EVP_EncodeBlock((unsigned char *)dst, (const unsigned char *)s, (int)n);
    *out = rn_str_own(tmpl_arena(ctx), dst, (size_t)len);
    return 0;
}

static int b64_value(unsigned char c)
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

/* Go's base64.StdEncoding.DecodeString: '\r' and '\n' are skipped, the
 * padding is required. Returns the offset of the first bad byte, or -1. */
long rn_fn_b64_decode(rn_buf *b, const unsigned char *s, size_t n)
{
    size_t si = 0;
    for (;;) {
        int q[4] = {0, 0, 0, 0};
        int j, dlen = 4;
        for (j = 0; j < 4; j++) {
            if (si == n) {
                if (j == 0)
                    return -1;
                return (long)(si - (size_t)j);
            }
            unsigned char c = s[si++];
            int v = b64_value(c);
            if (v >= 0) {
                q[j] = v;
                continue;
            }
            if (c == '\n' || c == '\r') {
                j--;
                continue;
            }
            if (c != '=' || j < 2)
                return (long)(si - 1);
            if (j == 2) { /* "==" expected */
                while (si < n && (s[si] == '\n' || s[si] == '\r'))
                    si++;
                if (si == n)
                    return (long)n;
                if (s[si] != '=')
                    return (long)(si - 1);
                si++;
            }
            while (si < n && (s[si] == '\n' || s[si] == '\r'))
                si++;
            if (si < n)
                return (long)si; /* trailing garbage */
            dlen = j;
            break;
        }
        unsigned v = (unsigned)(q[0] << 18 | q[1] << 12 | q[2] << 6 | q[3]);
        char out3[3] = {(char)(v >> 16), (char)(v >> 8), (char)v};
        rn_buf_append(b, out3, (size_t)(dlen - 1));
        if (dlen < 4)
            return -1;
    }
}

RN_FN(rn_fn_b64dec)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    long bad = rn_fn_b64_decode(&b, (const unsigned char *)s, n);
    if (bad >= 0) {
        rn_buf_reset(&b);
        rn_buf_printf(&b, "illegal base64 data at input byte %ld", bad);
    }
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

/* --- base32 (RFC 4648 alphabet, padded: Go's base32.StdEncoding) --- */

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

RN_FN(rn_fn_b32enc)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    const unsigned char *u = (const unsigned char *)s;
    size_t olen = (n + 4) / 5 * 8;
    char *dst = rn_arena_alloc(tmpl_arena(ctx), olen + 1);
    for (size_t i = 0, o = 0; i < n; i += 5, o += 8) {
        unsigned char q[5] = {0, 0, 0, 0, 0};
        size_t k = n - i < 5 ? n - i : 5;
        memcpy(q, u + i, k);
        uint64_t v = (uint64_t)q[0] << 32 | (uint64_t)q[1] << 24 |
                     (uint64_t)q[2] << 16 | (uint64_t)q[3] << 8 | q[4];
        /* k input bytes fill ceil(8k/5) output characters */
        size_t used = (k * 8 + 4) / 5;
        for (size_t j = 0; j < 8; j++)
            dst[o + j] =
                j < used ? b32_alphabet[(v >> (35 - 5 * j)) & 31] : '=';
    }
    dst[olen] = '\0';
    *out = rn_str_own(tmpl_arena(ctx), dst, olen);
    return 0;
}

static int b32_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

/* Go's base32 decode of src (newlines already removed). Returns the offset
 * of the first bad byte (CorruptInputError), or -1. */
static long b32_decode(rn_buf *b, const unsigned char *src, size_t olen)
{
    size_t si = 0;
    bool end = false;
    while (si < olen && !end) {
        int dbuf[8] = {0};
        size_t dlen = 8, j = 0;
        while (j < 8) {
            if (si == olen) /* the padding is missing */
                return (long)(olen - j);
            unsigned char in = src[si++];
            size_t rest = olen - si;
            if (in == '=' && j >= 2 && rest < 8) {
                if (rest + j < 8 - 1) /* not enough padding */
                    return (long)olen;
                for (size_t k = 0; k < 8 - 1 - j; k++)
                    if (rest > k && src[si + k] != '=')
                        return (long)(si + k - 1);
                dlen = j;
                end = true;
                /* 1, 3 and 6 characters cannot end a quantum */
                if (dlen == 1 || dlen == 3 || dlen == 6)
                    return (long)(si - 1);
                break;
            }
            dbuf[j] = b32_value(in);
            if (dbuf[j] < 0)
                return (long)(si - 1);
            j++;
        }
        unsigned char o[5] = {
            (unsigned char)(dbuf[0] << 3 | dbuf[1] >> 2),
            (unsigned char)(dbuf[1] << 6 | dbuf[2] << 1 | dbuf[3] >> 4),
            (unsigned char)(dbuf[3] << 4 | dbuf[4] >> 1),
            (unsigned char)(dbuf[4] << 7 | dbuf[5] << 2 | dbuf[6] >> 3),
            (unsigned char)(dbuf[6] << 5 | dbuf[7]),
        };
        static const size_t bytes_for[9] = {0, 0, 1, 0, 2, 3, 0, 4, 5};
        rn_buf_append(b, (const char *)o, bytes_for[dlen]);
    }
    return -1;
}

RN_FN(rn_fn_b32dec)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    /* Go drops '\r' and '\n' first; offsets count the remaining bytes. */
    unsigned char *src = rn_arena_alloc(tmpl_arena(ctx), n + 1);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '\r' && s[i] != '\n')
            src[m++] = (unsigned char)s[i];
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    long bad = b32_decode(&b, src, m);
    if (bad >= 0) {
        rn_buf_reset(&b);
        rn_buf_printf(&b, "illegal base32 data at input byte %ld", bad);
    }
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

/* --- digests --- */

static int digest(tmpl_ctx *ctx, rn_value **argv, rn_value **out,
                  const EVP_MD *md)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    unsigned char h[EVP_MAX_MD_SIZE];
    unsigned hl = 0;
    if (EVP_Digest(s, n, h, &hl, md, NULL) != 1)
        return tmpl_fail(ctx, "digest failed");
    char *hex = rn_arena_alloc(tmpl_arena(ctx), 2 * hl + 1);
    for (unsigned i = 0; i < hl; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    *out = rn_str_own(tmpl_arena(ctx), hex, 2 * hl);
    return 0;
}

RN_FN(rn_fn_sha1sum)
{
    return digest(ctx, argv, out, EVP_sha1());
}
RN_FN(rn_fn_sha256sum)
{
    return digest(ctx, argv, out, EVP_sha256());
}
RN_FN(rn_fn_sha512sum)
{
    return digest(ctx, argv, out, EVP_sha512());
}

RN_FN(rn_fn_adler32sum)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) {
        a = (a + (unsigned char)s[i]) % 65521;
        b = (b + a) % 65521;
    }
    char buf[16];
    snprintf(buf, sizeof buf, "%u", (unsigned)((b << 16) | a));
    *out = rn_strz(tmpl_arena(ctx), buf);
    return 0;
}

/* --- regular expressions --- */

/* PCRE2 for Go's regexp: UTF-8 (invalid bytes match nothing), $ only at
 * the very end. Sprig's patterns go through goregexp.c first, which makes
 * everything else explicit; semver's own patterns are written for PCRE2
 * as they are. */
#define REGEX_OPTIONS                                                          \
    (PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY)

/* Go nests groups up to 1000 deep; the translation adds a few levels. */
#define REGEX_NEST_LIMIT 4000

struct rn_fn_regex {
    pcre2_code *code; /* freed with the regex unless shared (not owned) */
    bool owned;
    pcre2_match_data *md;
    int groups;
    const char **names; /* names[i]: group i's name or NULL; NULL: none */
};

/* A compiled pattern as a regex with match data of its own; owned says
 * whether freeing the regex frees the pattern. */
static rn_fn_regex *regex_wrap(rn_arena *a, pcre2_code *code, bool owned)
{
    rn_fn_regex *re = rn_arena_alloc(a, sizeof *re);
    re->code = code;
    re->owned = owned;
    re->md = pcre2_match_data_create_from_pattern(code, NULL);
    uint32_t cap = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &cap);
    re->groups = (int)cap;
    re->names = NULL;
    return re;
}

rn_fn_regex *rn_fn_regex_compile(rn_arena *a, const char *pat, size_t len,
                                 const char **errmsg)
{
    rn_goregexp go;
    if (rn_goregexp_translate(a, pat, len, &go, errmsg) != 0)
        return NULL;
    int ec;
    PCRE2_SIZE eo;
    pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
    if (cc)
        pcre2_set_parens_nest_limit(cc, REGEX_NEST_LIMIT);
    pcre2_code *code =
        pcre2_compile((PCRE2_SPTR)go.pcre, go.len,
                      PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec, &eo, cc);
    pcre2_compile_context_free(cc);
    if (!code) {
        /* a pattern Go takes that PCRE2 cannot build (too large) */
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        *errmsg = rn_arena_printf(a, "error parsing regexp: %s: `%.*s`",
                                  (const char *)msg, (int)len, pat);
        return NULL;
    }
    rn_fn_regex *re = regex_wrap(a, code, true);
    re->names = go.names;
    return re;
}

void rn_fn_regex_free(rn_fn_regex *re)
{
    if (!re)
        return;
    pcre2_match_data_free(re->md);
    if (re->owned)
        pcre2_code_free(re->code);
}

int rn_fn_regex_groups(const rn_fn_regex *re)
{
    return re->groups;
}

bool rn_fn_regex_exec(rn_fn_regex *re, const char *s, size_t len, size_t pos,
                      long *ovec)
{
    int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, pos, 0, re->md, NULL);
    if (rc < 0)
        return false;
    PCRE2_SIZE *v = pcre2_get_ovector_pointer(re->md);
    for (int i = 0; i <= re->groups; i++) {
        bool set = i < rc && v[2 * i] != PCRE2_UNSET;
        ovec[2 * i] = set ? (long)v[2 * i] : -1;
        ovec[2 * i + 1] = set ? (long)v[2 * i + 1] : -1;
    }
    return true;
}

/* Width of the rune at s[pos] (0 at the end), as Go advances. */
static size_t rune_width(const char *s, size_t len, size_t pos)
{
    size_t w = 0;
    if (pos < len)
        rn_fn_utf8_decode(s + pos, len - pos, &w);
    return w;
}

/* Go's allMatches: successive matches, an empty match right after the
 * previous match is dropped. Calls fn(u, ovec) for each accepted one. */
static void regex_all(rn_fn_regex *re, const char *s, size_t len, int64_t n,
                      void (*fn)(void *, const long *), void *u, long *ov)
{
    if (n < 0)
        n = (int64_t)len + 1;
    long prev_end = -1;
    size_t pos = 0;
    for (int64_t i = 0; i < n && pos <= len;) {
        if (!rn_fn_regex_exec(re, s, len, pos, ov))
            break;
        bool accept = true;
        if (ov[1] == (long)pos) {
            if (ov[0] == prev_end)
                accept = false;
            size_t w = rune_width(s, len, pos);
            pos += w ? w : len + 1 - pos;
        } else {
            pos = (size_t)ov[1];
        }
        prev_end = ov[1];
        if (accept) {
            fn(u, ov);
            i++;
        }
    }
}

typedef struct regex_use {
    tmpl_ctx *ctx;
    rn_fn_regex *re;
    const char *s;
    size_t len;
    long *ov;
    const char *err;
    rn_value *list; /* results being collected */
} regex_use;

/* Compile argv[0]; with `must` semantics the error is returned, otherwise
 * Sprig's MustCompile panic text is used. */
static int regex_prepare(tmpl_ctx *ctx, rn_value **argv, int subject,
                         regex_use *u)
{
    const char *pat;
    size_t plen;
    if (rn_fn_arg_str(ctx, argv, 0, &pat, &plen) != 0 ||
        rn_fn_arg_str(ctx, argv, subject, &u->s, &u->len) != 0)
        return -1;
    u->ctx = ctx;
    u->re = rn_fn_regex_compile(tmpl_arena(ctx), pat, plen, &u->err);
    if (!u->re) {
        const char *name = tmpl_ctx_fn_name(ctx);
        if (name && strncmp(name, "must", 4) == 0)
            return tmpl_fail(ctx, "%s", u->err);
        /* MustCompile's panic: the pattern as Go's quote (%#q) gives it */
        rn_buf q = RN_BUF_INIT;
        rn_value *pv = argv[0];
        rn_gofmt_sprintf(&q, "%#q", 3, 1, &pv);
        int rc =
            tmpl_fail(ctx, "regexp: Compile(%s): %s", rn_buf_cstr(&q), u->err);
        rn_buf_free(&q);
        return rc;
    }
    u->ov = rn_arena_alloc(tmpl_arena(ctx),
                           sizeof(long) * 2 * (size_t)(u->re->groups + 1));
    return 0;
}

RN_FN(rn_fn_regexmatch)
{
    const char *pat;
    size_t plen;
    regex_use u;
    if (rn_fn_arg_str(ctx, argv, 0, &pat, &plen) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &u.s, &u.len) != 0)
        return -1;
    const char *err;
    rn_fn_regex *re = rn_fn_regex_compile(tmpl_arena(ctx), pat, plen, &err);
    if (!re) {
        const char *name = tmpl_ctx_fn_name(ctx);
        if (name && strncmp(name, "must", 4) == 0)
            return tmpl_fail(ctx, "%s", err);
        *out = rn_bool(tmpl_arena(ctx), false);
        return 0;
    }
    bool m =
        pcre2_match(re->code, (PCRE2_SPTR)u.s, u.len, 0, 0, re->md, NULL) >= 0;
    rn_fn_regex_free(re);
    *out = rn_bool(tmpl_arena(ctx), m);
    return 0;
}

RN_FN(rn_fn_regexfind)
{
    regex_use u;
    if (regex_prepare(ctx, argv, 1, &u) != 0)
        return -1;
    if (rn_fn_regex_exec(u.re, u.s, u.len, 0, u.ov))
        *out =
            rn_str(tmpl_arena(ctx), u.s + u.ov[0], (size_t)(u.ov[1] - u.ov[0]));
    else
        *out = rn_str(tmpl_arena(ctx), "", 0);
    rn_fn_regex_free(u.re);
    return 0;
}

static void collect_match(void *p, const long *ov)
{
    regex_use *u = p;
    rn_list_push(
        tmpl_arena(u->ctx), u->list,
        rn_str(tmpl_arena(u->ctx), u->s + ov[0], (size_t)(ov[1] - ov[0])));
}

RN_FN(rn_fn_regexfindall)
{
    regex_use u;
    int64_t n;
    if (regex_prepare(ctx, argv, 1, &u) != 0)
        return -1;
    if (rn_fn_arg_int(ctx, argv, 2, &n) != 0) {
        rn_fn_regex_free(u.re);
        return -1;
    }
    rn_value *l = rn_fn_strlist_new(tmpl_arena(ctx), 4);
    u.list = l;
    if (n != 0)
        regex_all(u.re, u.s, u.len, n, collect_match, &u, u.ov);
    if (l->u.list.len == 0)
        l->flags |= RN_F_NIL; /* FindAllString: nil when nothing matches */
    rn_fn_regex_free(u.re);
    *out = l;
    return 0;
}

/* Go's regexp.extract: a leading name or {name} after '$'. */
static bool expand_name(const char *t, size_t tn, size_t *name_at,
                        size_t *name_len, size_t *consumed)
{
    size_t i = 0;
    bool brace = tn > 0 && t[0] == '{';
    if (brace)
        i = 1;
    size_t start = i;
    while (i < tn) {
        size_t w;
        int32_t r = rn_fn_utf8_decode(t + i, tn - i, &w);
        if (!rn_fn_uni_is_letter(r) && !rn_fn_uni_is_digit(r) && r != '_')
            break;
        i += w;
    }
    if (i == start)
        return false;
    *name_at = start;
    *name_len = i - start;
    if (brace) {
        if (i >= tn || t[i] != '}')
            return false;
        i++;
    }
    *consumed = i;
    return true;
}

/* The group a $name refers to: a number, or the first group of that name
 * that took part in the match; -1 if none. */
static int group_of(rn_fn_regex *re, const char *name, size_t n, const long *ov)
{
    long num = 0;
    for (size_t i = 0; i < n; i++) {
        if (name[i] < '0' || name[i] > '9' || num >= 100000000) {
            num = -1;
            break;
        }
        num = num * 10 + (name[i] - '0');
    }
    if (name[0] == '0' && n > 1)
        num = -1;
    if (num >= 0)
        return num <= re->groups ? (int)num : -1;
    for (int g = 1; re->names && g <= re->groups; g++)
        if (re->names[g] && strlen(re->names[g]) == n &&
            memcmp(re->names[g], name, n) == 0 && ov[2 * g] >= 0)
            return g;
    return -1;
}

/* regexp.Expand of the template into b for one match. */
static void expand(rn_buf *b, rn_fn_regex *re, const char *t, size_t tn,
                   const char *s, const long *ov)
{
    size_t i = 0;
    while (i < tn) {
        const char *d = memchr(t + i, '$', tn - i);
        if (!d)
            break;
        rn_buf_append(b, t + i, (size_t)(d - (t + i)));
        i = (size_t)(d - t) + 1;
        if (i < tn && t[i] == '$') {
            rn_buf_putc(b, '$');
            i++;
            continue;
        }
        size_t at, nl, used;
        if (!expand_name(t + i, tn - i, &at, &nl, &used)) {
            rn_buf_putc(b, '$');
            continue;
        }
        int g = group_of(re, t + i + at, nl, ov);
        if (g >= 0 && ov[2 * g] >= 0)
            rn_buf_append(b, s + ov[2 * g],
                          (size_t)(ov[2 * g + 1] - ov[2 * g]));
        i += used;
    }
    rn_buf_append(b, t + i, tn - i);
}

/* Go's replaceAll loop. */
static int regex_replace(tmpl_ctx *ctx, rn_value **argv, rn_value **out,
                         bool literal)
{
    regex_use u;
    const char *rep;
    size_t rlen;
    if (regex_prepare(ctx, argv, 1, &u) != 0)
        return -1;
    if (rn_fn_arg_str(ctx, argv, 2, &rep, &rlen) != 0) {
        rn_fn_regex_free(u.re);
        return -1;
    }
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    size_t last = 0, pos = 0;
    while (pos <= u.len) {
        if (!rn_fn_regex_exec(u.re, u.s, u.len, pos, u.ov))
            break;
        rn_buf_append(&b, u.s + last, (size_t)u.ov[0] - last);
        if ((size_t)u.ov[1] > last || u.ov[0] == 0) {
            if (literal)
                rn_buf_append(&b, rep, rlen);
            else
                expand(&b, u.re, rep, rlen, u.s, u.ov);
        }
        last = (size_t)u.ov[1];
        size_t w = rune_width(u.s, u.len, pos);
        if (pos + w > (size_t)u.ov[1])
            pos += w;
        else if (pos + 1 > (size_t)u.ov[1])
            pos++;
        else
            pos = (size_t)u.ov[1];
    }
    rn_buf_append(&b, u.s + last, u.len - last);
    rn_fn_regex_free(u.re);
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

RN_FN(rn_fn_regexreplaceall)
{
    return regex_replace(ctx, argv, out, false);
}
RN_FN(rn_fn_regexreplaceallliteral)
{
    return regex_replace(ctx, argv, out, true);
}

typedef struct split_state {
    regex_use *u;
    rn_value *list;
    int64_t n;
    size_t beg, end;
} split_state;

static void split_match(void *p, const long *ov)
{
    split_state *st = p;
    rn_arena *a = tmpl_arena(st->u->ctx);
    if (st->n > 0 && (int64_t)st->list->u.list.len == st->n - 1)
        return;
    st->end = (size_t)ov[0];
    if (ov[1] != 0)
        rn_list_push(a, st->list,
                     rn_str(a, st->u->s + st->beg, st->end - st->beg));
    st->beg = (size_t)ov[1];
}

/* regexp.Split. */
RN_FN(rn_fn_regexsplit)
{
    regex_use u;
    int64_t n;
    if (regex_prepare(ctx, argv, 1, &u) != 0)
        return -1;
    if (rn_fn_arg_int(ctx, argv, 2, &n) != 0) {
        rn_fn_regex_free(u.re);
        return -1;
    }
    rn_arena *a = tmpl_arena(ctx);
    rn_value *l = rn_fn_strlist_new(a, 4);
    *out = l;
    if (n == 0) {
        l->flags |= RN_F_NIL; /* Split(s, 0) is nil */
        rn_fn_regex_free(u.re);
        return 0;
    }
    if (argv[0]->u.s.len > 0 && u.len == 0) {
        rn_list_push(a, l, rn_str(a, "", 0));
        rn_fn_regex_free(u.re);
        return 0;
    }
    split_state st = {&u, l, n, 0, 0};
    regex_all(u.re, u.s, u.len, n, split_match, &st, u.ov);
    if (st.end != u.len)
        rn_list_push(a, l, rn_str(a, u.s + st.beg, u.len - st.beg));
    rn_fn_regex_free(u.re);
    return 0;
}

RN_FN(rn_fn_regexquotemeta)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    for (size_t i = 0; i < n; i++) {
        if (strchr("\\.+*?()|[]{}^$", s[i]) && s[i] != '\0')
            rn_buf_putc(&b, '\\');
        rn_buf_putc(&b, s[i]);
    }
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

/* --- semantic versions (Masterminds/semver v3.5) --- */

typedef struct semver {
    uint64_t major, minor, patch;
    const char *pre, *meta; /* "" when absent */
    size_t pre_len, meta_len;
} semver;

#define SV_LOOSE                                                               \
    "v?([0-9]+)(\\.[0-9]+)?(\\.[0-9]+)?"                                       \
    "(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?"                               \
    "(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?"
#define SV_CV                                                                  \
    "v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?"               \
    "(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?"                               \
    "(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?"
#define SV_OPS "=||!=|>|<|>=|=>|<=|=<|~|~>|\\^"

/* The grammar's patterns, as Masterminds/semver compiles them once at
 * start: compiled on first use, then read-only and shared by every render
 * and thread (a compiled pattern is not written while matching; each
 * match brings its own match data). Compiling them for every semver call
 * cost more than the rest of a render's version handling. */
enum { SV_RE_VERSION, SV_RE_CONSTRAINT, SV_RE_RANGE, SV_RE_VALID, SV_RE_FIND };
static const char *const sv_patterns[] = {
    [SV_RE_VERSION] = "^" SV_LOOSE "$",
    [SV_RE_CONSTRAINT] = "^\\s*(" SV_OPS ")\\s*(" SV_CV ")\\s*$",
    [SV_RE_RANGE] = "\\s*(" SV_CV ")\\s+-\\s+(" SV_CV ")\\s*",
    [SV_RE_VALID] = "^(\\s*(" SV_OPS ")\\s*(" SV_CV
                    ")\\s*)((?:\\s+|,\\s*)(" SV_OPS ")\\s*(" SV_CV ")\\s*)*$",
    [SV_RE_FIND] = "(" SV_OPS ")\\s*(" SV_CV ")",
};
static pcre2_code *sv_codes[sizeof sv_patterns / sizeof *sv_patterns];
static pthread_once_t sv_once = PTHREAD_ONCE_INIT;

static void sv_compile(void)
{
    for (size_t i = 0; i < sizeof sv_patterns / sizeof *sv_patterns; i++) {
        int ec;
        PCRE2_SIZE eo;
        sv_codes[i] =
            pcre2_compile((PCRE2_SPTR)sv_patterns[i], PCRE2_ZERO_TERMINATED,
                          REGEX_OPTIONS, &ec, &eo, NULL);
    }
}

/* One of the patterns above, with match data of its own; NULL only when
 * PCRE2 could not compile it (out of memory). */
static rn_fn_regex *sv_regex(rn_arena *a, int which)
{
    pthread_once(&sv_once, sv_compile);
    return sv_codes[which] ? regex_wrap(a, sv_codes[which], false) : NULL;
}

static bool all_in(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(set, s[i]) || s[i] == '\0')
            return false;
    return true;
}

#define SV_NUM "0123456789"
#define SV_ALLOWED                                                             \
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-" SV_NUM

/* validatePrerelease / validateMetadata. */
static const char *sv_validate(const char *p, size_t n, bool pre)
{
    size_t i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && p[j] != '.')
            j++;
        size_t len = j - i;
        if (len == 0)
            return pre ? "invalid prerelease string"
                       : "invalid metadata string";
        if (pre && all_in(p + i, len, SV_NUM)) {
            if (len > 1 && p[i] == '0')
                return "version segment starts with 0";
        } else if (!all_in(p + i, len, SV_ALLOWED)) {
            return pre ? "invalid prerelease string"
                       : "invalid metadata string";
        }
        i = j + 1;
    }
    return NULL;
}

static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* semver.NewVersion (coercing). Returns an error message or NULL. */
static const char *sv_parse(rn_arena *a, const char *s, size_t n, semver *v)
{
    if (n > 256)
        return "version string is too long (max 256 bytes)";
    const char *err;
    rn_fn_regex *re = sv_regex(a, SV_RE_VERSION);
    long ov[2 * 10];
    bool m = re && rn_fn_regex_exec(re, s, n, 0, ov);
    rn_fn_regex_free(re);
    if (!m)
        return "invalid semantic version";
    memset(v, 0, sizeof *v);
    v->pre = v->meta = "";
    const char *e = "error parsing version segment: value out of range";
    if (!parse_u64(s + ov[2], (size_t)(ov[3] - ov[2]), &v->major))
        return e;
    if (ov[4] >= 0 &&
        !parse_u64(s + ov[4] + 1, (size_t)(ov[5] - ov[4] - 1), &v->minor))
        return e;
    if (ov[6] >= 0 &&
        !parse_u64(s + ov[6] + 1, (size_t)(ov[7] - ov[6] - 1), &v->patch))
        return e;
    if (ov[10] >= 0) {
        v->pre = s + ov[10];
        v->pre_len = (size_t)(ov[11] - ov[10]);
        if ((err = sv_validate(v->pre, v->pre_len, true)) != NULL)
            return err;
    }
    if (ov[16] >= 0) {
        v->meta = s + ov[16];
        v->meta_len = (size_t)(ov[17] - ov[16]);
        if ((err = sv_validate(v->meta, v->meta_len, false)) != NULL)
            return err;
    }
    return NULL;
}

static int cmp_u64(uint64_t x, uint64_t y)
{
    return (x > y) - (x < y);
}

static int cmp_pre_part(const char *s, size_t sn, const char *o, size_t on)
{
    if (sn == on && memcmp(s, o, sn) == 0)
        return 0;
    if (sn == 0)
        return -1;
    if (on == 0)
        return 1;
    uint64_t si = 0, oi = 0;
    bool sok = all_in(s, sn, SV_NUM) && parse_u64(s, sn, &si);
    bool ook = all_in(o, on, SV_NUM) && parse_u64(o, on, &oi);
    if (!sok && !ook) {
        int c = memcmp(s, o, sn < on ? sn : on);
        if (c == 0)
            c = sn > on ? 1 : -1;
        return c > 0 ? 1 : -1;
    }
    if (!ook)
        return -1;
    if (!sok)
        return 1;
    return si > oi ? 1 : -1;
}

static int cmp_pre(const char *s, size_t sn, const char *o, size_t on)
{
    size_t i = 0, j = 0;
    while (i <= sn || j <= on) {
        size_t ie = i, je = j;
        while (ie < sn && s[ie] != '.')
            ie++;
        while (je < on && o[je] != '.')
            je++;
        size_t sl = i <= sn ? ie - i : 0, ol = j <= on ? je - j : 0;
        int d = cmp_pre_part(s + (i <= sn ? i : sn), sl, o + (j <= on ? j : on),
                             ol);
        if (d)
            return d;
        i = ie + 1;
        j = je + 1;
    }
    return 0;
}

static int sv_compare(const semver *v, const semver *o)
{
    int d;
    if ((d = cmp_u64(v->major, o->major)) ||
        (d = cmp_u64(v->minor, o->minor)) || (d = cmp_u64(v->patch, o->patch)))
        return d;
    if (!v->pre_len && !o->pre_len)
        return 0;
    if (!v->pre_len)
        return 1;
    if (!o->pre_len)
        return -1;
    return cmp_pre(v->pre, v->pre_len, o->pre, o->pre_len);
}

typedef struct sv_con {
    char op[3];
    semver con;
    bool dirty, minor_dirty, patch_dirty;
} sv_con;

static bool is_x(const char *s, size_t n)
{
    return n == 1 && (s[0] == 'x' || s[0] == 'X' || s[0] == '*');
}

/* parseConstraint for one "op version" piece. */
static const char *sv_con_parse(rn_arena *a, const char *s, size_t n, sv_con *c)
{
    rn_fn_regex *re = sv_regex(a, SV_RE_CONSTRAINT);
    long ov[2 * 20];
    bool m = re && rn_fn_regex_exec(re, s, n, 0, ov);
    rn_fn_regex_free(re);
    if (!m)
        return rn_arena_printf(a, "improper constraint: \"%.*s\"", (int)n, s);
    memset(c, 0, sizeof *c);
    size_t ol = (size_t)(ov[3] - ov[2]);
    memcpy(c->op, s + ov[2], ol);
    const char *m3 = s + ov[6];
    size_t m3n = (size_t)(ov[7] - ov[6]);
    const char *m4 = ov[8] >= 0 ? s + ov[8] : "",
               *m5 = ov[10] >= 0 ? s + ov[10] : "";
    size_t m4n = ov[8] >= 0 ? (size_t)(ov[9] - ov[8]) : 0;
    size_t m5n = ov[10] >= 0 ? (size_t)(ov[11] - ov[10]) : 0;
    const char *m6 = ov[12] >= 0 ? s + ov[12] : "";
    int m6n = ov[12] >= 0 ? (int)(ov[13] - ov[12]) : 0;
    char *ver;
    if (is_x(m3, m3n) || m3n == 0) {
        ver = rn_arena_printf(a, "0.0.0%.*s", m6n, m6);
        c->dirty = true;
    } else if (m4n == 0 || is_x(m4 + 1, m4n - 1)) {
        ver = rn_arena_printf(a, "%.*s.0.0%.*s", (int)m3n, m3, m6n, m6);
        c->dirty = c->minor_dirty = true;
    } else if (m5n == 0 || is_x(m5 + 1, m5n - 1)) {
        ver = rn_arena_printf(a, "%.*s%.*s.0%.*s", (int)m3n, m3, (int)m4n, m4,
                              m6n, m6);
        c->dirty = c->patch_dirty = true;
    } else {
        ver = rn_arena_strndup(a, s + ov[4], (size_t)(ov[5] - ov[4]));
    }
    if (sv_parse(a, ver, strlen(ver), &c->con) != NULL)
        return "constraint parser error";
    return NULL;
}

static bool sv_less(const semver *v, const semver *c)
{
    return sv_compare(v, c) < 0;
}

/* The check functions of constraints.go (their error texts unused). */
static bool sv_check(const sv_con *c, const semver *v, bool include_pre)
{
    const char *op = c->op;
    const semver *k = &c->con;
    if (v->pre_len && !include_pre)
        return false;
    if (!strcmp(op, "!=")) {
        if (c->dirty) {
            if (k->major != v->major)
                return true;
            if (k->minor != v->minor && !c->minor_dirty)
                return true;
            if (c->minor_dirty)
                return false;
            if (k->patch != v->patch && !c->patch_dirty)
                return true;
            if (c->patch_dirty) {
                if (v->pre_len || k->pre_len)
                    return cmp_pre(v->pre, v->pre_len, k->pre, k->pre_len) != 0;
                return false;
            }
        }
        return sv_compare(v, k) != 0;
    }
    if (!strcmp(op, ">")) {
        if (!c->dirty)
            return sv_compare(v, k) == 1;
        if (v->major != k->major)
            return v->major > k->major;
        if (c->minor_dirty)
            return false;
        if (c->patch_dirty)
            return v->minor > k->minor;
        return sv_compare(v, k) == 1;
    }
    if (!strcmp(op, "<"))
        return sv_compare(v, k) < 0;
    if (!strcmp(op, ">=") || !strcmp(op, "=>"))
        return sv_compare(v, k) >= 0;
    if (!strcmp(op, "<=") || !strcmp(op, "=<")) {
        if (!c->dirty)
            return sv_compare(v, k) <= 0;
        if (v->major > k->major)
            return false;
        if (v->major == k->major && v->minor > k->minor && !c->minor_dirty)
            return false;
        return true;
    }
    bool tilde = !strcmp(op, "~") || !strcmp(op, "~>");
    if (tilde || ((!strcmp(op, "") || !strcmp(op, "=")) && c->dirty)) {
        if (sv_less(v, k))
            return false;
        if (k->major == 0 && k->minor == 0 && k->patch == 0 &&
            !c->minor_dirty && !c->patch_dirty)
            return true;
        if (v->major != k->major)
            return false;
        return !(v->minor != k->minor && !c->minor_dirty);
    }
    if (!strcmp(op, "") || !strcmp(op, "="))
        return sv_compare(v, k) == 0;
    /* ^ */
    if (sv_less(v, k))
        return false;
    if (k->major > 0 || c->minor_dirty)
        return v->major == k->major;
    if (v->major > 0)
        return false;
    if (k->minor > 0 || c->patch_dirty)
        return v->minor == k->minor;
    if (v->minor > 0)
        return false;
    return k->patch == v->patch;
}

/* rewriteRange: "a - b" becomes ">= a, <= b ". */
static char *sv_rewrite_range(rn_arena *a, const char *s, size_t n)
{
    rn_fn_regex *re = sv_regex(a, SV_RE_RANGE);
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    long ov[2 * 24];
    size_t pos = 0;
    while (re && pos <= n && rn_fn_regex_exec(re, s, n, pos, ov)) {
        rn_buf_append(&b, s + pos, (size_t)ov[0] - pos);
        rn_buf_printf(&b, ">= %.*s, <= %.*s ", (int)(ov[3] - ov[2]), s + ov[2],
                      (int)(ov[23] - ov[22]), s + ov[22]);
        pos = (size_t)ov[1] > pos ? (size_t)ov[1] : pos + 1;
    }
    if (pos < n)
        rn_buf_append(&b, s + pos, n - pos);
    rn_fn_regex_free(re);
    char *r = rn_arena_strndup(a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return r;
}

/* NewConstraint(c).Check(v); returns an error message or NULL. */
static const char *sv_constraint_check(rn_arena *a, const char *cs, size_t cn,
                                       const semver *v, bool *ok)
{
    if (cn > 512)
        return "constraint string is too long (max 512 bytes)";
    char *c = sv_rewrite_range(a, cs, cn);
    rn_fn_regex *valid = sv_regex(a, SV_RE_VALID);
    rn_fn_regex *find = sv_regex(a, SV_RE_FIND);
    long ov[2 * 40];
    const char *res = NULL;
    int groups = 1;
    for (const char *p = c; *p; p++)
        groups += p[0] == '|' && p[1] == '|' ? (p++, 1) : 0;
    if (groups > 32)
        res = "too many constraint groups (max 32)";
    *ok = false;
    const char *start = c;
    bool any = false;
    for (int g = 0; g < groups && !res; g++) {
        const char *end = strstr(start, "||");
        size_t len = end ? (size_t)(end - start) : strlen(start);
        if (!rn_fn_regex_exec(valid, start, len, 0, ov)) {
            res = rn_arena_printf(a, "improper constraint: \"%.*s\"", (int)len,
                                  start);
            break;
        }
        sv_con cons[64];
        int nc = 0;
        bool has_pre = false;
        size_t pos = 0;
        while (nc < 64 && pos <= len &&
               rn_fn_regex_exec(find, start, len, pos, ov)) {
            if ((res = sv_con_parse(a, start + ov[0], (size_t)(ov[1] - ov[0]),
                                    &cons[nc])) != NULL)
                break;
            has_pre = has_pre || cons[nc].con.pre_len;
            nc++;
            pos = (size_t)ov[1] > pos ? (size_t)ov[1] : pos + 1;
        }
        if (!res && nc == 0) {
            res = sv_con_parse(a, start, len, &cons[0]);
            nc = 1;
        }
        if (res)
            break;
        bool joy = true;
        for (int i = 0; i < nc && joy; i++)
            joy = sv_check(&cons[i], v, has_pre);
        any = any || joy;
        start = end ? end + 2 : start + len;
    }
    rn_fn_regex_free(valid);
    rn_fn_regex_free(find);
    *ok = any;
    return res;
}

bool rn_semver_valid(rn_arena *a, const char *version)
{
    semver v;
    return sv_parse(a, version, strlen(version), &v) == NULL;
}

bool rn_semver_satisfies(rn_arena *a, const char *constraint,
                         const char *version)
{
    semver v;
    bool ok = false;
    if (sv_parse(a, version, strlen(version), &v) != NULL)
        return false;
    if (sv_constraint_check(a, constraint, strlen(constraint), &v, &ok) != NULL)
        return false;
    return ok;
}

RN_FN(rn_fn_semvercompare)
{
    const char *c, *vs;
    size_t cn, vn;
    if (rn_fn_arg_str(ctx, argv, 0, &c, &cn) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &vs, &vn) != 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    semver v;
    bool ok = false;
    /* Sprig parses the constraint first, so its error wins. */
    semver dummy = {0, 0, 0, "", "", 0, 0};
    const char *err = sv_constraint_check(a, c, cn, &dummy, &ok);
    if (!err)
        err = sv_parse(a, vs, vn, &v);
    if (err)
        return tmpl_fail(ctx, "%s", err);
    sv_constraint_check(a, c, cn, &v, &ok);
    *out = rn_bool(a, ok);
    return 0;
}

/* --- *semver.Version objects --- */

typedef struct sv_obj {
    semver v;
    const char *orig;
    size_t orig_len;
} sv_obj;

static const rn_fn_class sv_ptr_class, sv_val_class;

/* Version.String(): no "v", missing parts as 0. */
static char *sv_string(rn_arena *a, const semver *v)
{
    return rn_arena_printf(
        a, "%llu.%llu.%llu%s%.*s%s%.*s", (unsigned long long)v->major,
        (unsigned long long)v->minor, (unsigned long long)v->patch,
        v->pre_len ? "-" : "", (int)v->pre_len, v->pre, v->meta_len ? "+" : "",
        (int)v->meta_len, v->meta);
}

static rn_value *sv_new(rn_arena *a, const rn_fn_class *cls, const semver *v,
                        const char *orig, size_t orig_len)
{
    sv_obj *o = rn_arena_alloc(a, sizeof *o);
    o->v = *v;
    o->orig = orig;
    o->orig_len = orig_len;
    return rn_fn_object_new(a, cls, o);
}

static int sv_no_args(tmpl_ctx *ctx, int argc)
{
    return tmpl_arg_count(ctx, argc, 0);
}

static int sv_str_m(tmpl_ctx *ctx, void *self, int argc, rn_value **argv,
                    rn_value **out)
{
    if (sv_no_args(ctx, argc) != 0)
        return -1;
    *out = rn_strz(tmpl_arena(ctx), sv_string(tmpl_arena(ctx), self));
    return 0;
}

static int sv_original_m(tmpl_ctx *ctx, void *self, int argc, rn_value **argv,
                         rn_value **out)
{
    sv_obj *o = self;
    if (sv_no_args(ctx, argc) != 0)
        return -1;
    *out = rn_str(tmpl_arena(ctx), o->orig, o->orig_len);
    return 0;
}

/* Major/Minor/Patch give uint64. */
#define SV_FIELD(fname, expr)                                                  \
    static int fname(tmpl_ctx *ctx, void *self, int argc, rn_value **argv,     \
                     rn_value **out)                                           \
    {                                                                          \
        sv_obj *o = self;                                                      \
        rn_arena *a = tmpl_arena(ctx);                                         \
        if (sv_no_args(ctx, argc) != 0)                                        \
            return -1;                                                         \
        *out = (expr);                                                         \
        return 0;                                                              \
    }
SV_FIELD(sv_major_m, rn_uint64(a, o->v.major))
SV_FIELD(sv_minor_m, rn_uint64(a, o->v.minor))
SV_FIELD(sv_patch_m, rn_uint64(a, o->v.patch))
SV_FIELD(sv_pre_m, rn_str(a, o->v.pre, o->v.pre_len))
SV_FIELD(sv_meta_m, rn_str(a, o->v.meta, o->v.meta_len))

/* A derived Version keeps the original's "v" prefix in its Original. */
static rn_value *sv_derived(rn_arena *a, const sv_obj *o, const semver *next)
{
    bool v = o->orig_len > 0 && o->orig[0] == 'v';
    char *orig = rn_arena_printf(a, "%s%s", v ? "v" : "", sv_string(a, next));
    return sv_new(a, &sv_val_class, next, orig, strlen(orig));
}

static int sv_inc(tmpl_ctx *ctx, void *self, int argc, rn_value **out,
                  int which)
{
    const sv_obj *o = self;
    if (sv_no_args(ctx, argc) != 0)
        return -1;
    semver n = o->v;
    n.meta = "";
    n.meta_len = 0;
    bool had_pre = n.pre_len > 0;
    n.pre = "";
    n.pre_len = 0;
    static const char *what[] = {"patch", "minor", "major"};
    uint64_t *part = which == 0 ? &n.patch : which == 1 ? &n.minor : &n.major;
    if (which == 0 && had_pre) {
        *out = sv_derived(tmpl_arena(ctx), o, &n);
        return 0;
    }
    if (*part == UINT64_MAX)
        return tmpl_fail(ctx, "%s version increment would overflow uint64",
                         what[which]);
    (*part)++;
    if (which >= 1)
        n.patch = 0;
    if (which == 2)
        n.minor = 0;
    *out = sv_derived(tmpl_arena(ctx), o, &n);
    return 0;
}

static int sv_incpatch_m(tmpl_ctx *ctx, void *self, int argc, rn_value **argv,
                         rn_value **out)
{
    return sv_inc(ctx, self, argc, out, 0);
}
static int sv_incminor_m(tmpl_ctx *ctx, void *self, int argc, rn_value **argv,
                         rn_value **out)
{
    return sv_inc(ctx, self, argc, out, 1);
}
static int sv_incmajor_m(tmpl_ctx *ctx, void *self, int argc, rn_value **argv,
                         rn_value **out)
{
    return sv_inc(ctx, self, argc, out, 2);
}

static int sv_set(tmpl_ctx *ctx, void *self, int argc, rn_value **argv,
                  rn_value **out, bool pre)
{
    const sv_obj *o = self;
    const char *s;
    size_t n;
    if (tmpl_arg_count(ctx, argc, 1) != 0 ||
        rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    const char *err = n ? sv_validate(s, n, pre) : NULL;
    if (err)
        return tmpl_fail(ctx, "%s", err);
    semver next = o->v;
    if (pre) {
        next.pre = s;
        next.pre_len = n;
    } else {
        next.meta = s;
        next.meta_len = n;
    }
    *out = sv_derived(tmpl_arena(ctx), o, &next);
    return 0;
}

static int sv_setpre_m(tmpl_ctx *ctx, void *self, int argc, rn_value **argv,
                       rn_value **out)
{
    return sv_set(ctx, self, argc, argv, out, true);
}
static int sv_setmeta_m(tmpl_ctx *ctx, void *self, int argc, rn_value **argv,
                        rn_value **out)
{
    return sv_set(ctx, self, argc, argv, out, false);
}

/* The *Version argument of Compare & co.; *o is NULL for nil. */
static int sv_other(tmpl_ctx *ctx, int argc, rn_value **argv, const sv_obj **o)
{
    if (tmpl_arg_count(ctx, argc, 1) != 0)
        return -1;
    *o = rn_fn_object_self(argv[0], &sv_ptr_class);
    return tmpl_arg_go(ctx, argv, 0, "*semver.Version", TMPL_ARG_POINTER,
                       *o != NULL, NULL);
}

/* Compare-based methods; `op` picks the relation. */
static int sv_cmp(tmpl_ctx *ctx, void *self, int argc, rn_value **argv,
                  rn_value **out, char op)
{
    const sv_obj *v = self, *o = NULL;
    if (sv_other(ctx, argc, argv, &o) != 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    if (!o && op == '=') {
        *out = rn_bool(a, false);
        return 0;
    }
    if (!o)
        return tmpl_fail(ctx, "runtime error: invalid memory address or nil "
                              "pointer dereference");
    int d = sv_compare(&v->v, &o->v);
    switch (op) {
    case 'c':
        *out = rn_int(a, d);
        break;
    case '<':
        *out = rn_bool(a, d < 0);
        break;
    case 'l':
        *out = rn_bool(a, d <= 0);
        break;
    case '>':
        *out = rn_bool(a, d > 0);
        break;
    case 'g':
        *out = rn_bool(a, d >= 0);
        break;
    default:
        *out = rn_bool(a, d == 0);
        break;
    }
    return 0;
}

#define SV_CMP(fname, op)                                                      \
    static int fname(tmpl_ctx *ctx, void *self, int argc, rn_value **argv,     \
                     rn_value **out)                                           \
    {                                                                          \
        return sv_cmp(ctx, self, argc, argv, out, op);                         \
    }
SV_CMP(sv_compare_m, 'c')
SV_CMP(sv_lt_m, '<')
SV_CMP(sv_le_m, 'l')
SV_CMP(sv_gt_m, '>')
SV_CMP(sv_ge_m, 'g')
SV_CMP(sv_eq_m, '=')

/* The methods of Version (value receivers) ... */
#define SV_VALUE_METHODS                                                       \
    {"String", sv_str_m}, {"Major", sv_major_m}, {"Minor", sv_minor_m},        \
        {"Patch", sv_patch_m}, {"Prerelease", sv_pre_m},                       \
        {"Metadata", sv_meta_m}, {"IncPatch", sv_incpatch_m},                  \
        {"IncMinor", sv_incminor_m}, {"IncMajor", sv_incmajor_m},              \
        {"SetPrerelease", sv_setpre_m}, {"Value", sv_str_m},                   \
    {                                                                          \
        "SetMetadata", sv_setmeta_m                                            \
    }

static const rn_fn_method sv_val_methods[] = {SV_VALUE_METHODS, {NULL, NULL}};
/* ... and of *Version, which adds the pointer-receiver ones. */
static const rn_fn_method sv_ptr_methods[] = {
    SV_VALUE_METHODS,
    {"Original", sv_original_m},
    {"Compare", sv_compare_m},
    {"LessThan", sv_lt_m},
    {"LessThanEqual", sv_le_m},
    {"GreaterThan", sv_gt_m},
    {"GreaterThanEqual", sv_ge_m},
    {"Equal", sv_eq_m},
    {NULL, NULL},
};

/* fmt prints a Version through String; encoding/json writes it as the
 * JSON string of String (MarshalJSON), for both Version and *Version. */
static const char *sv_string_cb(rn_arena *a, const void *self)
{
    return sv_string(a, &((const sv_obj *)self)->v);
}

static const char *sv_json_cb(rn_arena *a, const void *self, const char **why)
{
    (void)why; /* a version always marshals */
    rn_buf b = RN_BUF_INIT;
    rn_json_emit_go(&b, rn_strz(a, sv_string_cb(a, self)), NULL);
    char *s = rn_arena_strndup(a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return s;
}

/* A Version's fields, for eq on two semver.Version values. */
static const char *sv_identity_cb(rn_arena *a, const void *self)
{
    const sv_obj *o = self;
    return rn_arena_printf(
        a, "%llu %llu %llu %zu:%.*s %zu:%.*s %.*s",
        (unsigned long long)o->v.major, (unsigned long long)o->v.minor,
        (unsigned long long)o->v.patch, o->v.pre_len, (int)o->v.pre_len,
        o->v.pre, o->v.meta_len, (int)o->v.meta_len, o->v.meta,
        (int)o->orig_len, o->orig);
}

static const rn_fn_class sv_ptr_class = {
    "*semver.Version", "ptr", sv_ptr_methods, sv_string_cb, sv_json_cb, NULL};
static const rn_fn_class sv_val_class = {"semver.Version", "struct",
                                         sv_val_methods,   sv_string_cb,
                                         sv_json_cb,       sv_identity_cb};

/* semver returns a *semver.Version: an object whose methods (.Major,
 * .Compare $other, .String ...) templates call. */
RN_FN(rn_fn_semver)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    semver v;
    const char *err = sv_parse(a, s, n, &v);
    if (err)
        return tmpl_fail(ctx, "%s", err);
    *out = sv_new(a, &sv_ptr_class, &v, s, n);
    return 0;
}
