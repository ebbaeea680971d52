/*
 * json_parse.c — RFC 8259 JSON straight into the value tree.
 *
 * A recursive-descent reader with Go's encoding/json rules where they
 * differ from a lenient reader: strict number grammar, invalid UTF-8 in
 * strings becomes U+FFFD, a repeated key keeps its last value, nesting is
 * bounded (10000 levels, as Go). Keys keep their order, which matters when
 * krmfn passes JSON input through. It replaces a general-purpose library
 * here because chart loading parses values.schema.json on every run and
 * that parse was a fifth of a short `krmfn template`.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "utf8.h"
#include "yaml_scalar.h"

#define JSON_MAX_DEPTH 10000

typedef struct jp {
    rn_arena *a;
    const char *s, *p, *end;
    const char *name;
    bool helm;
    int depth;
    rn_error *err;
    rn_buf scratch;
} jp;

static int jfail(jp *j, const char *what)
{
    int line = 1, col = 1;
    for (const char *q = j->s; q < j->p && q < j->end; q++) {
        if (*q == '\n')
            line++, col = 1;
        else
            col++;
    }
    if (j->p >= j->end)
        return rn_error_set(j->err, "%s:%d:%d: unexpected end of JSON input",
                            j->name, line, col);
    return rn_error_set(j->err, "%s:%d:%d: %s near '%c'", j->name, line, col,
                        what, *j->p);
}

static void skip_ws(jp *j)
{
    while (j->p < j->end &&
           (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static int parse_escape(jp *j, rn_buf *b)
{
    if (j->p >= j->end)
        return jfail(j, "unterminated escape");
    char c = *j->p++;
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit = strchr(from, c);
    if (c && hit) {
        rn_buf_putc(b, to[hit - from]);
        return 0;
    }
    unsigned cp, lo;
    if (c != 'u' || j->end - j->p < 4 || hex4(j->p, &cp) < 0) {
        j->p--;
        return jfail(j, "invalid escape in string");
    }
    j->p += 4;
    if (cp >= 0xD800 && cp < 0xDC00) {
        /* A surrogate pair; a lone half becomes U+FFFD, as in Go. */
        if (j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u' &&
            hex4(j->p + 2, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
            j->p += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else {
            cp = 0xFFFD;
        }
    } else if (cp >= 0xDC00 && cp < 0xE000) {
        cp = 0xFFFD;
    }
    rn_utf8_put(b, cp);
    return 0;
}

/* A string (after its opening quote) into j->scratch. */
static int parse_string_raw(jp *j)
{
    rn_buf_reset(&j->scratch);
    for (;;) {
        const char *run = j->p;
        while (j->p < j->end && *j->p != '"' && *j->p != '\\' &&
               (unsigned char)*j->p >= 0x20 && (unsigned char)*j->p < 0x80)
            j->p++;
        rn_buf_append(&j->scratch, run, (size_t)(j->p - run));
        if (j->p >= j->end)
            return jfail(j, "unterminated string");
        unsigned char c = (unsigned char)*j->p;
        if (c == '"') {
            j->p++;
            return 0;
        }
        if (c == '\\') {
            j->p++;
            if (parse_escape(j, &j->scratch) < 0)
                return -1;
            continue;
        }
        if (c < 0x20)
            return jfail(j, "invalid control character in string");
        uint32_t cp;
        int n = rn_utf8_decode((const unsigned char *)j->p,
                               (size_t)(j->end - j->p), &cp);
        if (n <= 0) { /* invalid UTF-8: Go substitutes U+FFFD */
            rn_utf8_put(&j->scratch, 0xFFFD);
            j->p++;
        } else {
            rn_buf_append(&j->scratch, j->p, (size_t)n);
            j->p += n;
        }
    }
}

static int parse_number(jp *j, rn_value **out)
{
    const char *start = j->p;
    bool is_int = true;
    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p < j->end && *j->p == '0') {
        j->p++;
    } else if (j->p < j->end && *j->p >= '1' && *j->p <= '9') {
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    } else {
        return jfail(j, "invalid number");
    }
    if (j->p < j->end && *j->p == '.') {
        is_int = false;
        j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9')
            return jfail(j, "invalid number");
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        is_int = false;
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9')
            return jfail(j, "invalid number");
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    char num[512];
    size_t n = (size_t)(j->p - start);
    if (n >= sizeof num)
        return jfail(j, "number too long");
    memcpy(num, start, n);
    num[n] = '\0';
    if (is_int && !j->helm) {
        errno = 0;
        long long v = strtoll(num, NULL, 10);
        if (errno == 0) {
            *out = rn_int64(j->a, v);
            return 0;
        }
    }
    *out = rn_float(j->a, strtod(num, NULL));
    return 0;
}

static int parse_value(jp *j, rn_value **out);

static int parse_object(jp *j, rn_value **out)
{
    rn_value *m = rn_map_new(j->a, 4);
    j->p++;
    skip_ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
        *out = m;
        return 0;
    }
    for (;;) {
        skip_ws(j);
        if (j->p >= j->end || *j->p != '"')
            return jfail(j, "string (an object key) expected");
        j->p++;
        if (parse_string_raw(j) < 0)
            return -1;
        char *key =
            rn_arena_strndup(j->a, rn_buf_cstr(&j->scratch), j->scratch.len);
        size_t keylen = j->scratch.len;
        skip_ws(j);
        if (j->p >= j->end || *j->p != ':')
            return jfail(j, "':' expected after an object key");
        j->p++;
        rn_value *v;
        if (parse_value(j, &v) < 0)
            return -1;
        rn_map_set(j->a, m, key, keylen, v);
        skip_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            *out = m;
            return 0;
        }
        return jfail(j, "',' or '}' expected in an object");
    }
}

static int parse_array(jp *j, rn_value **out)
{
    rn_value *l = rn_list_new(j->a, 4);
    j->p++;
    skip_ws(j);
    if (j->p < j->end && *j->p == ']') {
        j->p++;
        *out = l;
        return 0;
    }
    for (;;) {
        rn_value *v;
        if (parse_value(j, &v) < 0)
            return -1;
        rn_list_push(j->a, l, v);
        skip_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == ']') {
            j->p++;
            *out = l;
            return 0;
        }
        return jfail(j, "',' or ']' expected in an array");
    }
}

static bool literal(jp *j, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
        return false;
    j->p += n;
    return true;
}

static int parse_value(jp *j, rn_value **out)
{
    skip_ws(j);
    if (j->p >= j->end)
        return jfail(j, "value expected");
    if (++j->depth > JSON_MAX_DEPTH)
        return jfail(j, "exceeded max depth");
    int rc = 0;
    switch (*j->p) {
    case '{':
        rc = parse_object(j, out);
        break;
    case '[':
        rc = parse_array(j, out);
        break;
    case '"':
        j->p++;
        rc = parse_string_raw(j);
        if (rc == 0)
            *out = rn_str(j->a, rn_buf_cstr(&j->scratch), j->scratch.len);
        break;
    case 't':
    case 'f':
    case 'n':
        if (literal(j, "true"))
            *out = rn_bool(j->a, true);
        else if (literal(j, "false"))
            *out = rn_bool(j->a, false);
        else if (literal(j, "null"))
            *out = rn_null(j->a);
        else
            rc = jfail(j, "invalid literal");
        break;
    default:
        rc = parse_number(j, out);
    }
    j->depth--;
    return rc;
}

int rn_json_parse(rn_arena *a, const char *buf, size_t len, const char *name,
                  bool helm_numbers, rn_value **out, rn_error *err)
{
    jp j = {a, buf, buf,        buf + len, name ? name : "<json>", helm_numbers,
            0, err, RN_BUF_INIT};
    rn_value *v = NULL;
    int rc = parse_value(&j, &v);
    if (rc == 0) {
        skip_ws(&j);
        if (j.p < j.end)
            rc = jfail(&j, "invalid character after the top-level value");
    }
    rn_buf_free(&j.scratch);
    if (rc < 0)
        return -1;
    *out = v;
    return 0;
}
