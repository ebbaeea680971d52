/*
 * json_check.c — the syntax check Go's json.Unmarshal runs before it
 * decodes (encoding/json's scanner), for its error messages.
 *
 * Helm's fromJson puts the error text in the result, so a chart can print
 * it: "unexpected end of JSON input", "invalid character 'x' looking for
 * beginning of value". Those words come from the scanner's state machine,
 * byte by byte, and an end of input is read as a space first (so "tru"
 * says "invalid character ' ' in literal true (expecting 'e')"). The
 * states below are the scanner's, one function each.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "unicode_class.h"
#include "utf8.h"

#define JSON_MAX_DEPTH 10000

enum { PARSE_OBJECT_KEY, PARSE_OBJECT_VALUE, PARSE_ARRAY_VALUE };

typedef struct scan scan;
typedef void (*step_fn)(scan *s, unsigned char c);

struct scan {
    rn_arena *a;
    step_fn step;
    bool end_top;
    const char *err;
    unsigned char *stack; /* parse states, JSON_MAX_DEPTH + 1 at most */
    size_t depth;
};

static bool is_space(unsigned char c)
{
    return c <= ' ' && (c == ' ' || c == '\t' || c == '\r' || c == '\n');
}

/* quoteChar: the byte as a Go-quoted rune between single quotes. */
static const char *quote_char(rn_arena *a, unsigned char c)
{
    if (c == '\'')
        return "'\\''";
    if (c == '"')
        return "'\"'";
    rn_buf b = RN_BUF_INIT;
    rn_buf_putc(&b, '\'');
    switch (c) {
    case '\a':
        rn_buf_puts(&b, "\\a");
        break;
    case '\b':
        rn_buf_puts(&b, "\\b");
        break;
    case '\f':
        rn_buf_puts(&b, "\\f");
        break;
    case '\n':
        rn_buf_puts(&b, "\\n");
        break;
    case '\r':
        rn_buf_puts(&b, "\\r");
        break;
    case '\t':
        rn_buf_puts(&b, "\\t");
        break;
    case '\v':
        rn_buf_puts(&b, "\\v");
        break;
    case '\\':
        rn_buf_puts(&b, "\\\\");
        break;
    default:
        if (rn_unicode_is_print(c))
            rn_utf8_put(&b, c);
        else if (c < 0x80)
            rn_buf_printf(&b, "\\x%02x", c);
        else
            rn_buf_printf(&b, "\\u%04x", c);
    }
    rn_buf_putc(&b, '\'');
    char *r = rn_arena_strndup(a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return r;
}

static void fail(scan *s, unsigned char c, const char *context)
{
    s->err = rn_arena_printf(s->a, "invalid character %s %s",
                             quote_char(s->a, c), context);
    s->step = NULL;
}

static void begin_value(scan *s, unsigned char c);
static void end_value(scan *s, unsigned char c);
static void end_top(scan *s, unsigned char c);
static void begin_string(scan *s, unsigned char c);
static void in_string(scan *s, unsigned char c);

static void push(scan *s, unsigned char c, unsigned char state, step_fn next)
{
    if (s->depth >= JSON_MAX_DEPTH) {
        fail(s, c, "exceeded max depth");
        return;
    }
    s->stack[s->depth++] = state;
    s->step = next;
}

static void pop(scan *s)
{
    s->depth--;
    s->step = end_value;
    if (s->depth == 0) {
        s->step = end_top;
        s->end_top = true;
    }
}

static void end_top(scan *s, unsigned char c)
{
    if (!is_space(c))
        fail(s, c, "after top-level value");
}

static void end_value(scan *s, unsigned char c)
{
    if (s->depth == 0) {
        s->step = end_top;
        s->end_top = true;
        end_top(s, c);
        return;
    }
    if (is_space(c)) {
        s->step = end_value;
        return;
    }
    unsigned char *ps = &s->stack[s->depth - 1];
    switch (*ps) {
    case PARSE_OBJECT_KEY:
        if (c == ':') {
            *ps = PARSE_OBJECT_VALUE;
            s->step = begin_value;
            return;
        }
        fail(s, c, "after object key");
        return;
    case PARSE_OBJECT_VALUE:
        if (c == ',') {
            *ps = PARSE_OBJECT_KEY;
            s->step = begin_string;
            return;
        }
        if (c == '}') {
            pop(s);
            return;
        }
        fail(s, c, "after object key:value pair");
        return;
    default:
        if (c == ',') {
            s->step = begin_value;
            return;
        }
        if (c == ']') {
            pop(s);
            return;
        }
        fail(s, c, "after array element");
    }
}

static void begin_value_or_empty(scan *s, unsigned char c)
{
    if (is_space(c))
        return;
    if (c == ']') {
        end_value(s, c);
        return;
    }
    begin_value(s, c);
}

static void begin_string_or_empty(scan *s, unsigned char c)
{
    if (is_space(c))
        return;
    if (c == '}') {
        s->stack[s->depth - 1] = PARSE_OBJECT_VALUE;
        end_value(s, c);
        return;
    }
    begin_string(s, c);
}

static void begin_string(scan *s, unsigned char c)
{
    if (is_space(c))
        return;
    if (c == '"') {
        s->step = in_string;
        return;
    }
    fail(s, c, "looking for beginning of object key string");
}

static bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F');
}

/* \uXXXX: four hex digits, one state each. */
static void esc_u_digit(scan *s, unsigned char c, step_fn next)
{
    if (is_hex(c)) {
        s->step = next;
        return;
    }
    fail(s, c, "in \\u hexadecimal character escape");
}

static void in_string_esc_u123(scan *s, unsigned char c)
{
    esc_u_digit(s, c, in_string);
}

static void in_string_esc_u12(scan *s, unsigned char c)
{
    esc_u_digit(s, c, in_string_esc_u123);
}

static void in_string_esc_u4(scan *s, unsigned char c)
{
    esc_u_digit(s, c, in_string_esc_u12);
}

static void in_string_esc_u(scan *s, unsigned char c)
{
    esc_u_digit(s, c, in_string_esc_u4);
}

static void in_string_esc(scan *s, unsigned char c)
{
    if (c && strchr("bfnrt\\/\"", c)) {
        s->step = in_string;
        return;
    }
    if (c == 'u') {
        s->step = in_string_esc_u;
        return;
    }
    fail(s, c, "in string escape code");
}

static void in_string(scan *s, unsigned char c)
{
    if (c == '"')
        s->step = end_value;
    else if (c == '\\')
        s->step = in_string_esc;
    else if (c < 0x20)
        fail(s, c, "in string literal");
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static void state_e0(scan *s, unsigned char c)
{
    if (!is_digit(c))
        end_value(s, c);
}

static void state_esign(scan *s, unsigned char c)
{
    if (is_digit(c)) {
        s->step = state_e0;
        return;
    }
    fail(s, c, "in exponent of numeric literal");
}

static void state_e(scan *s, unsigned char c)
{
    if (c == '+' || c == '-') {
        s->step = state_esign;
        return;
    }
    state_esign(s, c);
}

static void state_dot0(scan *s, unsigned char c)
{
    if (is_digit(c))
        return;
    if (c == 'e' || c == 'E') {
        s->step = state_e;
        return;
    }
    end_value(s, c);
}

static void state_dot(scan *s, unsigned char c)
{
    if (is_digit(c)) {
        s->step = state_dot0;
        return;
    }
    fail(s, c, "after decimal point in numeric literal");
}

static void state0(scan *s, unsigned char c)
{
    if (c == '.') {
        s->step = state_dot;
        return;
    }
    if (c == 'e' || c == 'E') {
        s->step = state_e;
        return;
    }
    end_value(s, c);
}

static void state1(scan *s, unsigned char c)
{
    if (is_digit(c)) {
        s->step = state1;
        return;
    }
    state0(s, c);
}

static void state_neg(scan *s, unsigned char c)
{
    if (c == '0') {
        s->step = state0;
        return;
    }
    if (c >= '1' && c <= '9') {
        s->step = state1;
        return;
    }
    fail(s, c, "in numeric literal");
}

/* Literals: the rest of "true", "false" or "null", one byte a step. */
typedef struct literal {
    const char *word;
    size_t at;
} literal;

static literal *lit_of(scan *s);

static void in_literal(scan *s, unsigned char c)
{
    literal *l = lit_of(s);
    char want = l->word[l->at];
    if (c == (unsigned char)want) {
        l->at++;
        if (!l->word[l->at])
            s->step = end_value;
        return;
    }
    char ctx[64];
    snprintf(ctx, sizeof ctx, "in literal %s (expecting '%c')", l->word, want);
    fail(s, c, rn_arena_strdup(s->a, ctx));
}

static void begin_value(scan *s, unsigned char c)
{
    if (is_space(c))
        return;
    switch (c) {
    case '{':
        push(s, c, PARSE_OBJECT_KEY, begin_string_or_empty);
        return;
    case '[':
        push(s, c, PARSE_ARRAY_VALUE, begin_value_or_empty);
        return;
    case '"':
        s->step = in_string;
        return;
    case '-':
        s->step = state_neg;
        return;
    case '0':
        s->step = state0;
        return;
    case 't':
    case 'f':
    case 'n': {
        literal *l = lit_of(s);
        l->word = c == 't' ? "true" : c == 'f' ? "false" : "null";
        l->at = 1;
        s->step = in_literal;
        return;
    }
    }
    if (c >= '1' && c <= '9') {
        s->step = state1;
        return;
    }
    fail(s, c, "looking for beginning of value");
}

/* One literal is open at a time; it lives beside the scanner. */
typedef struct scan_lit {
    scan s;
    literal lit;
} scan_lit;

static literal *lit_of(scan *s)
{
    return &((scan_lit *)s)->lit;
}

const char *rn_json_check(rn_arena *a, const char *buf, size_t len)
{
    scan_lit sl = {0};
    scan *s = &sl.s;
    s->a = a;
    s->step = begin_value;
    /* The parse stack grows with the input: one byte per open bracket. */
    size_t cap = len < JSON_MAX_DEPTH ? len + 1 : JSON_MAX_DEPTH + 1;
    s->stack = rn_arena_alloc(a, cap);
    for (size_t i = 0; i < len; i++) {
        s->step(s, (unsigned char)buf[i]);
        if (s->err)
            return s->err;
    }
    /* eof(): the end reads as a space. */
    if (s->end_top)
        return NULL;
    s->step(s, ' ');
    if (s->err)
        return s->err;
    if (s->end_top)
        return NULL;
    return "unexpected end of JSON input";
}
