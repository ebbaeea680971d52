/*
 * tmpl_quote.c — Go's string and number literal rules for the template
 * engine: strconv.Quote (error messages and node printing), strconv's
 * Unquote/UnquoteChar (string and char literals), and ParseInt/ParseUint/
 * ParseFloat with base prefixes and '_' separators (number literals).
 */
#include "tmpl_int.h"
#include "unicode_class.h"

#include "utf8.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- UTF-8 ------------------------------------------------------------- */

int tq_decode(const unsigned char *s, size_t n, int *width)
{
    if (n == 0) {
        *width = 0;
        return -1;
    }
    return rn_utf8_rune(s, n, width);
}

size_t tq_encode(char *out, int r)
{
    return rn_utf8_encode(out, r);
}

/* unicode.IsPrint (strconv.IsPrint), from the shared Unicode tables. */
bool tq_is_print(int r)
{
    if (r < 0x80)
        return r >= 0x20 && r < 0x7F;
    return r <= 0x10FFFF && rn_unicode_is_print((uint32_t)r);
}

const char *tq_find(const char *s, size_t n, const char *needle, size_t nn)
{
    if (nn == 0)
        return s;
    const char *end = s + n;
    while ((size_t)(end - s) >= nn) {
        const char *p = memchr(s, needle[0], (size_t)(end - s) - nn + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, nn) == 0)
            return p;
        s = p + 1;
    }
    return NULL;
}

/* ---- strconv.Quote ----------------------------------------------------- */

static const char HEX[] = "0123456789abcdef";

void tmpl_go_quote(rn_buf *out, const char *s, size_t n, int max_runes)
{
    rn_buf_putc(out, '"');
    size_t i = 0;
    int runes = 0;
    while (i < n && (max_runes < 0 || runes < max_runes)) {
        int w;
        int r = tq_decode((const unsigned char *)s + i, n - i, &w);
        runes++;
        if (r == TQ_RUNE_ERROR && w == 1) {
            unsigned char b = (unsigned char)s[i];
            char esc[4] = {'\\', 'x', HEX[b >> 4], HEX[b & 15]};
            rn_buf_append(out, esc, 4);
            i++;
            continue;
        }
        i += (size_t)w;
        if (r == '"' || r == '\\') {
            rn_buf_putc(out, '\\');
            rn_buf_putc(out, (char)r);
            continue;
        }
        if (tq_is_print(r)) {
            char enc[4];
            rn_buf_append(out, enc, tq_encode(enc, r));
            continue;
        }
        switch (r) {
        case '\a':
            rn_buf_puts(out, "\\a");
            continue;
        case '\b':
            rn_buf_puts(out, "\\b");
            continue;
        case '\f':
            rn_buf_puts(out, "\\f");
            continue;
        case '\n':
            rn_buf_puts(out, "\\n");
            continue;
        case '\r':
            rn_buf_puts(out, "\\r");
            continue;
        case '\t':
            rn_buf_puts(out, "\\t");
            continue;
        case '\v':
            rn_buf_puts(out, "\\v");
            continue;
        default:
            break;
        }
        if (r < ' ' || r == 0x7F)
            rn_buf_printf(out, "\\x%02x", (unsigned)r);
        else if (r > 0xFFFF)
            rn_buf_printf(out, "\\U%08x", (unsigned)r);
        else
            rn_buf_printf(out, "\\u%04x", (unsigned)r);
    }
    rn_buf_putc(out, '"');
}

/* ---- strconv.UnquoteChar / Unquote ------------------------------------ */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* One character of a quoted literal at s. Returns the bytes consumed, 0 on
 * a syntax error. *r is the value; *multibyte says whether it is a rune
 * (UTF-8 encoded on output) rather than a single byte. */
size_t tq_unquote_char(const char *s, size_t n, char quote, int *r,
                       bool *multibyte)
{
    if (n == 0)
        return 0;
    unsigned char c = (unsigned char)s[0];
    *multibyte = false;
    if (c == (unsigned char)quote && (quote == '\'' || quote == '"'))
        return 0;
    if (c >= 0x80) {
        int w;
        *r = tq_decode((const unsigned char *)s, n, &w);
        *multibyte = true;
        return (size_t)w;
    }
    if (c != '\\') {
        *r = c;
        return 1;
    }
    if (n < 2)
        return 0;
    char e = s[1];
    switch (e) {
    case 'a':
        *r = '\a';
        return 2;
    case 'b':
        *r = '\b';
        return 2;
    case 'f':
        *r = '\f';
        return 2;
    case 'n':
        *r = '\n';
        return 2;
    case 'r':
        *r = '\r';
        return 2;
    case 't':
        *r = '\t';
        return 2;
    case 'v':
        *r = '\v';
        return 2;
    case '\\':
        *r = '\\';
        return 2;
    case '\'':
    case '"':
        if (e != quote)
            return 0;
        *r = e;
        return 2;
    case 'x':
    case 'u':
    case 'U': {
        size_t k = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (n < 2 + k)
            return 0;
        unsigned long v = 0;
        for (size_t i = 0; i < k; i++) {
            int h = hexval(s[2 + i]);
            if (h < 0)
                return 0;
            v = v * 16 + (unsigned)h;
        }
        if (e == 'x') {
            *r = (int)v;
            return 2 + k;
        }
        if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        *r = (int)v;
        *multibyte = true;
        return 2 + k;
    }
    default:
        break;
    }
    if (e >= '0' && e <= '7') {
        if (n < 4)
            return 0;
        int v = 0;
        for (int i = 1; i <= 3; i++) {
            char d = s[i];
            if (d < '0' || d > '7')
                return 0;
            v = v * 8 + (d - '0');
        }
        if (v > 255)
            return 0;
        *r = v;
        return 4;
    }
    return 0;
}

int tq_unquote(rn_arena *a, const char *s, size_t n, const char **out,
               size_t *outn)
{
    if (n < 2 || s[n - 1] != s[0])
        return -1;
    if (s[0] == '`') {
        char *p = rn_arena_alloc(a, n);
        size_t k = 0;
        for (size_t i = 1; i + 1 < n; i++) {
            if (s[i] == '`')
                return -1;
            if (s[i] != '\r')
                p[k++] = s[i];
        }
        p[k] = '\0';
        *out = p;
        *outn = k;
        return 0;
    }
    if (s[0] != '"')
        return -1;
    /* Escapes only shrink the text except \x.. and octal bytes, which
     * become at most three bytes (U+FFFD) for an invalid byte. */
    char *p = rn_arena_alloc(a, n * 3 + 1);
    size_t k = 0, i = 1;
    while (i + 1 < n) {
        if (s[i] == '\n')
            return -1;
        int r;
        bool mb;
        size_t used = tq_unquote_char(s + i, n - 1 - i, '"', &r, &mb);
        if (used == 0)
            return -1;
        i += used;
        if (r < 0x80 || !mb)
            p[k++] = (char)r;
        else
            k += tq_encode(p + k, r);
    }
    if (i != n - 1)
        return -1;
    p[k] = '\0';
    *out = p;
    *outn = k;
    return 0;
}

/* ---- numbers ----------------------------------------------------------- */

static char lower(char c)
{
    return (char)(c | 0x20);
}

/* strconv's underscoreOK: '_' only between digits (a base prefix counts
 * as a digit). */
static bool underscore_ok(const char *s, size_t n)
{
    char saw = '^';
    size_t i = 0;
    if (n >= 1 && (s[0] == '-' || s[0] == '+'))
        s++, n--;
    bool hex = false;
    if (n >= 2 && s[0] == '0' &&
        (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
        i = 2;
        saw = '0';
        hex = lower(s[1]) == 'x';
    }
    for (; i < n; i++) {
        char c = s[i];
        if ((c >= '0' && c <= '9') ||
            (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
            saw = '0';
            continue;
        }
        if (c == '_') {
            if (saw != '0')
                return false;
            saw = '_';
            continue;
        }
        if (saw == '_')
            return false;
        saw = '!';
    }
    return saw != '_';
}

bool tq_parse_uint(const char *s0, size_t n0, uint64_t *out)
{
    const char *s = s0;
    size_t n = n0;
    if (n == 0)
        return false;
    unsigned base = 10;
    if (s[0] == '0') {
        if (n >= 3 && lower(s[1]) == 'b')
            base = 2, s += 2, n -= 2;
        else if (n >= 3 && lower(s[1]) == 'o')
            base = 8, s += 2, n -= 2;
        else if (n >= 3 && lower(s[1]) == 'x')
            base = 16, s += 2, n -= 2;
        else
            base = 8, s += 1, n -= 1;
    }
    uint64_t v = 0;
    bool underscores = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        unsigned d;
        if (c == '_') {
            underscores = true;
            continue;
        }
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (lower(c) >= 'a' && lower(c) <= 'z')
            d = (unsigned)(lower(c) - 'a' + 10);
        else
            return false;
        if (d >= base)
            return false;
        if (v > (UINT64_MAX - d) / base)
            return false; /* range error */
        v = v * base + d;
    }
    if (underscores && !underscore_ok(s0, n0))
        return false;
    *out = v;
    return true;
}

bool tq_parse_int(const char *s, size_t n, int64_t *out)
{
    if (n == 0)
        return false;
    bool neg = false;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        s++, n--;
    }
    uint64_t u;
    if (!tq_parse_uint(s, n, &u))
        return false;
    if (!neg && u > (uint64_t)INT64_MAX)
        return false;
    if (neg && u > (uint64_t)INT64_MAX + 1)
        return false;
    *out = neg ? (int64_t)(0 - u) : (int64_t)u;
    return true;
}

/* Digits (with '_') of the given kind; returns how many digits. */
static size_t digit_run(const char *s, size_t n, size_t *i, bool hex)
{
    size_t d = 0;
    while (*i < n) {
        char c = s[*i];
        if ((c >= '0' && c <= '9') ||
            (hex && lower(c) >= 'a' && lower(c) <= 'f'))
            d++;
        else if (c != '_')
            break;
        (*i)++;
    }
    return d;
}

int tq_parse_float_err(const char *s, size_t n, double *out)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    bool hex = n - i >= 2 && s[i] == '0' && lower(s[i + 1]) == 'x';
    if (hex)
        i += 2;
    size_t mant = digit_run(s, n, &i, hex);
    if (i < n && s[i] == '.') {
        i++;
        mant += digit_run(s, n, &i, hex);
    }
    if (mant == 0)
        return TQ_SYNTAX;
    char e = hex ? 'p' : 'e';
    bool has_exp = false;
    if (i < n && lower(s[i]) == e) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (digit_run(s, n, &i, false) == 0)
            return TQ_SYNTAX;
        has_exp = true;
    }
    if (i != n || (hex && !has_exp))
        return TQ_SYNTAX;
    if (memchr(s, '_', n) && !underscore_ok(s, n))
        return TQ_SYNTAX;
    char buf[128];
    char *tmp = n < sizeof buf ? buf : malloc(n + 1);
    if (!tmp)
        return TQ_SYNTAX;
    size_t k = 0;
    for (size_t j = 0; j < n; j++)
        if (s[j] != '_')
            tmp[k++] = s[j];
    tmp[k] = '\0';
    errno = 0;
    char *end;
    double v = strtod(tmp, &end);
    int rc = *end != '\0'                                           ? TQ_SYNTAX
             : errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL) ? TQ_RANGE
                                                                    : 0;
    if (tmp != buf)
        free(tmp);
    if (rc == 0)
        *out = v;
    return rc;
}

bool tq_parse_float(const char *s, size_t n, double *out)
{
    return tq_parse_float_err(s, n, out) == 0;
}
