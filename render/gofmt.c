/*
 * gofmt.c — Go's fmt and strconv number/string formatting for the value
 * tree: Sprint, Sprintln, Sprintf with Go's verbs, flags and in-band error
 * text, strconv.FormatFloat and strconv.Quote.
 *
 * The structure follows Go's fmt/print.go (argument dispatch, printValue's
 * walk through lists and maps with the verb applied to every element) and
 * fmt/format.go (padding, integers, floats), so each Go rule has one place
 * here. Float digits come from the C library: glibc prints exactly rounded
 * decimal expansions (round half to even), which is what Go's strconv
 * computes; the shortest round-tripping digits are searched by precision.
 */
#include "gofmt.h"
#include "unicode_class.h"

#include "utf8.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- UTF-8 as Go's unicode/utf8 decodes it ------------------------------ */

#define RUNE_ERROR 0xFFFD
#define MAX_RUNE 0x10FFFF

/* Decodes one rune; invalid or truncated input gives (RUNE_ERROR, 1). */
static int32_t utf8_decode(const unsigned char *s, size_t n, int *width)
{
    return rn_utf8_rune(s, n, width);
}

static bool rune_valid(int64_t r)
{
    return r >= 0 && r <= MAX_RUNE && !(r >= 0xD800 && r <= 0xDFFF);
}

/* utf8.AppendRune: invalid runes become U+FFFD. */
static void put_rune(rn_buf *b, int64_t r)
{
    rn_utf8_put(b, r);
}

static size_t rune_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; count++) {
        int w;
        utf8_decode((const unsigned char *)s + i, n - i, &w);
        i += (size_t)w;
    }
    return count;
}

/* strconv.IsPrint */
static bool rune_is_print(int32_t r)
{
    return r >= 0 && rn_unicode_is_print((uint32_t)r);
}

/* ---- strconv.Quote ------------------------------------------------------ */

static const char lowerhex[] = "0123456789abcdef";

static void quote_rune_escaped(rn_buf *b, int32_t r, char quote, bool ascii)
{
    if (r == quote || r == '\\') {
        rn_buf_putc(b, '\\');
        rn_buf_putc(b, (char)r);
        return;
    }
    if (ascii ? (r < 0x80 && rune_is_print(r)) : rune_is_print(r)) {
        put_rune(b, r);
        return;
    }
    switch (r) {
    case '\a':
        rn_buf_puts(b, "\\a");
        return;
    case '\b':
        rn_buf_puts(b, "\\b");
        return;
    case '\f':
        rn_buf_puts(b, "\\f");
        return;
    case '\n':
        rn_buf_puts(b, "\\n");
        return;
    case '\r':
        rn_buf_puts(b, "\\r");
        return;
    case '\t':
        rn_buf_puts(b, "\\t");
        return;
    case '\v':
        rn_buf_puts(b, "\\v");
        return;
    }
    if (r < ' ' || r == 0x7f) {
        rn_buf_printf(b, "\\x%c%c", lowerhex[(r >> 4) & 0xF],
                      lowerhex[r & 0xF]);
    } else {
        if (!rune_valid(r))
            r = RUNE_ERROR;
        if (r < 0x10000)
            rn_buf_printf(b, "\\u%04x", (unsigned)r);
        else
            rn_buf_printf(b, "\\U%08x", (unsigned)r);
    }
}

static void quote_string(rn_buf *b, const char *s, size_t n, bool ascii)
{
    rn_buf_putc(b, '"');
    for (size_t i = 0; i < n;) {
        /* A run of printable ASCII other than '"' and '\\' is itself. */
        size_t j = i;
        while (j < n && s[j] >= ' ' && s[j] < 0x7f && s[j] != '"' &&
               s[j] != '\\')
            j++;
        if (j > i) {
            rn_buf_append(b, s + i, j - i);
            i = j;
            continue;
        }
        int w;
        int32_t r = utf8_decode((const unsigned char *)s + i, n - i, &w);
        if (w == 1 && r == RUNE_ERROR) {
            unsigned char c = (unsigned char)s[i];
            rn_buf_printf(b, "\\x%c%c", lowerhex[c >> 4], lowerhex[c & 0xF]);
        } else {
            quote_rune_escaped(b, r, '"', ascii);
        }
        i += (size_t)w;
    }
    rn_buf_putc(b, '"');
}

void rn_gofmt_quote(rn_buf *out, const char *s, size_t n)
{
    quote_string(out, s, n, false);
}

static bool can_backquote(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        int w;
        int32_t r = utf8_decode((const unsigned char *)s + i, n - i, &w);
        i += (size_t)w;
        if (w > 1) {
            if (r == 0xFEFF)
                return false;
            continue;
        }
        if (r == RUNE_ERROR)
            return false;
        if ((r < ' ' && r != '\t') || r == '`' || r == 0x7f)
            return false;
    }
    return true;
}

/* ---- strconv.FormatFloat ------------------------------------------------ */

/* A decimal expansion: digits d[0..nd) with the decimal point before
 * position dp (value = 0.d * 10^dp); no trailing zeros; zero is nd = 0. */
typedef struct decimal {
    rn_buf d;
    int nd, dp;
} decimal;

/* Parse "d.ddde±x" as printed by %e into a decimal. */
static void decimal_from_e(decimal *dec, const char *s)
{
    rn_buf_reset(&dec->d);
    const char *e = strchr(s, 'e');
    for (const char *p = s; p < e; p++)
        if (*p >= '0' && *p <= '9')
            rn_buf_putc(&dec->d, *p);
    dec->dp = atoi(e + 1) + 1;
    dec->nd = (int)dec->d.len;
}

static void decimal_trim(decimal *dec)
{
    const char *d = rn_buf_cstr(&dec->d);
    while (dec->nd > 0 && d[dec->nd - 1] == '0')
        dec->nd--;
    if (dec->nd == 0)
        dec->dp = 0;
}

/* Print |f| with n significant digits ("%.*e"), into a temporary. */
static char *sprint_e(double f, int n)
{
    int len = snprintf(NULL, 0, "%.*e", n - 1, f);
    char *s = malloc((size_t)len + 1);
    if (!s)
        abort();
    snprintf(s, (size_t)len + 1, "%.*e", n - 1, f);
    return s;
}

/* Adds delta (+1/-1) in the last place of the digit string "d.ddd";
 * returns false when that would change the digit count or exponent. */
static bool nudge_last_digit(char *s, int delta)
{
    char *e = strchr(s, 'e');
    char *p = e - 1;
    for (; p >= s; p--) {
        if (*p == '.')
            continue;
        int v = *p - '0' + delta;
        if (v >= 0 && v <= 9) {
            *p = (char)('0' + v);
            return !(p == s && v == 0);
        }
        *p = delta > 0 ? '0' : '9';
    }
    return false;
}

/* Shortest digits that read back as f, closest to f among the shortest,
 * as Go's strconv does for precision -1. */
static bool reads_back(const char *s, double f, bool single)
{
    double g = strtod(s, NULL);
    return single ? (float)g == (float)f : g == f;
}

static void decimal_shortest(decimal *dec, double f, bool single)
{
    if (f == 0) {
        rn_buf_reset(&dec->d);
        dec->nd = dec->dp = 0;
        return;
    }
    int max = single ? 9 : 17;
    for (int n = 1; n <= max; n++) {
        char *s = sprint_e(f, n);
        bool ok = reads_back(s, f, single);
        /* The correctly rounded candidate can miss while a neighbour
         * hits, where the rounding interval is lopsided (powers of 2). */
        for (int delta = -1; !ok && delta <= 1; delta += 2) {
            char *t = strdup(s);
            if (!t)
                abort();
            if (nudge_last_digit(t, delta) && reads_back(t, f, single)) {
                free(s);
                s = t;
                ok = true;
            } else {
                free(t);
            }
        }
        if (ok || n == max) {
            decimal_from_e(dec, s);
            free(s);
            decimal_trim(dec);
            return;
        }
        free(s);
    }
}

static void decimal_sig(decimal *dec, double f, int n)
{
    char *s = sprint_e(f, n);
    decimal_from_e(dec, s);
    free(s);
    if (f == 0)
        dec->nd = 0;
    decimal_trim(dec);
}

/* Rounded to prec digits after the decimal point ("%.*f"). */
static void decimal_fixed(decimal *dec, double f, int prec)
{
    int len = snprintf(NULL, 0, "%.*f", prec, f);
    char *s = malloc((size_t)len + 1);
    if (!s)
        abort();
    snprintf(s, (size_t)len + 1, "%.*f", prec, f);
    rn_buf_reset(&dec->d);
    const char *dot = strchr(s, '.');
    int intlen = dot ? (int)(dot - s) : len;
    const char *p = s;
    int dp = intlen;
    /* Skip leading zeros of the whole digit string. */
    while (*p == '0' || *p == '.') {
        if (*p == '0')
            dp--;
        p++;
    }
    if (!*p) {
        dec->nd = dec->dp = 0;
        free(s);
        return;
    }
    for (; *p; p++)
        if (*p != '.')
            rn_buf_putc(&dec->d, *p);
    dec->nd = (int)dec->d.len;
    dec->dp = dp;
    free(s);
    decimal_trim(dec);
}

static char digit_at(const decimal *dec, int i)
{
    return (i >= 0 && i < dec->nd) ? rn_buf_cstr(&dec->d)[i] : '0';
}

/* %e: -d.ddddde±dd */
static void fmt_e(rn_buf *b, bool neg, const decimal *dec, int prec, char fmt)
{
    if (neg)
        rn_buf_putc(b, '-');
    rn_buf_putc(b, dec->nd ? digit_at(dec, 0) : '0');
    if (prec > 0) {
        rn_buf_putc(b, '.');
        for (int i = 1; i <= prec; i++)
            rn_buf_putc(b, digit_at(dec, i));
    }
    rn_buf_putc(b, fmt);
    int exp = dec->nd ? dec->dp - 1 : 0;
    rn_buf_putc(b, exp < 0 ? '-' : '+');
    if (exp < 0)
        exp = -exp;
    rn_buf_printf(b, "%02d", exp);
}

/* %f: -ddddddd.ddddd */
static void fmt_f(rn_buf *b, bool neg, const decimal *dec, int prec)
{
    if (neg)
        rn_buf_putc(b, '-');
    if (dec->dp > 0) {
        for (int i = 0; i < dec->dp; i++)
            rn_buf_putc(b, digit_at(dec, i));
    } else {
        rn_buf_putc(b, '0');
    }
    if (prec > 0) {
        rn_buf_putc(b, '.');
        for (int i = 1; i <= prec; i++)
            rn_buf_putc(b, digit_at(dec, dec->dp + i - 1));
    }
}

/* %b: -ddddp±ddd, the exact binary mantissa and exponent. */
static void fmt_b(rn_buf *b, bool neg, uint64_t mant, int exp)
{
    rn_buf_printf(b, "%s%llup%s%d", neg ? "-" : "", (unsigned long long)mant,
                  exp - 52 >= 0 ? "+" : "", exp - 52);
}

/* %x: -0x1.yyyyp±dd, hexadecimal mantissa and binary exponent. */
static void fmt_x(rn_buf *b, int prec, char fmt, bool neg, uint64_t mant,
                  int exp)
{
    if (mant == 0)
        exp = 0;
    mant <<= 60 - 52;
    while (mant != 0 && (mant & (1ULL << 60)) == 0) {
        mant <<= 1;
        exp--;
    }
    if (prec >= 0 && prec < 15) {
        unsigned shift = (unsigned)prec * 4;
        uint64_t extra = (mant << shift) & ((1ULL << 60) - 1);
        mant >>= 60 - shift;
        if ((extra | (mant & 1)) > (1ULL << 59))
            mant++;
        mant <<= 60 - shift;
        if (mant & (1ULL << 61)) {
            mant >>= 1;
            exp++;
        }
    }
    const char *hex = fmt == 'X' ? "0123456789ABCDEF" : lowerhex;
    if (neg)
        rn_buf_putc(b, '-');
    rn_buf_putc(b, '0');
    rn_buf_putc(b, fmt);
    rn_buf_putc(b, (char)('0' + ((mant >> 60) & 1)));
    mant <<= 4;
    if (prec < 0 && mant != 0) {
        rn_buf_putc(b, '.');
        for (; mant != 0; mant <<= 4)
            rn_buf_putc(b, hex[(mant >> 60) & 15]);
    } else if (prec > 0) {
        rn_buf_putc(b, '.');
        for (int i = 0; i < prec; i++, mant <<= 4)
            rn_buf_putc(b, hex[(mant >> 60) & 15]);
    }
    rn_buf_putc(b, fmt == 'X' ? 'P' : 'p');
    rn_buf_putc(b, exp < 0 ? '-' : '+');
    rn_buf_printf(b, "%02d", exp < 0 ? -exp : exp);
}

static void format_float_bits(rn_buf *b, double f, char fmt, int prec)
{
    uint64_t bits;
    memcpy(&bits, &f, sizeof bits);
    bool neg = bits >> 63;
    int exp = (int)((bits >> 52) & 0x7FF);
    uint64_t mant = bits & ((1ULL << 52) - 1);
    if (exp == 0)
        exp++;
    else
        mant |= 1ULL << 52;
    exp -= 1023;
    if (fmt == 'b')
        fmt_b(b, neg, mant, exp);
    else
        fmt_x(b, prec, fmt, neg, mant, exp);
}

static void format_float(rn_buf *out, double f, char fmt, int prec,
                         bool single);

void rn_gofmt_float(rn_buf *out, double f, char fmt, int prec)
{
    format_float(out, f, fmt, prec, false);
}

void rn_gofmt_float32(rn_buf *out, float f, char fmt, int prec)
{
    format_float(out, (double)f, fmt, prec, true);
}

static void format_float(rn_buf *out, double f, char fmt, int prec, bool single)
{
    if (isnan(f)) {
        rn_buf_puts(out, "NaN");
        return;
    }
    if (isinf(f)) {
        rn_buf_puts(out, f > 0 ? "+Inf" : "-Inf");
        return;
    }
    if (fmt == 'b' || fmt == 'x' || fmt == 'X') {
        format_float_bits(out, f, fmt, prec);
        return;
    }
    bool neg = signbit(f);
    double af = fabs(f);
    decimal dec = {RN_BUF_INIT, 0, 0};
    bool shortest = prec < 0;
    if (shortest) {
        decimal_shortest(&dec, af, single);
        if (fmt == 'e' || fmt == 'E')
            prec = dec.nd > 1 ? dec.nd - 1 : 0;
        else if (fmt == 'f')
            prec = dec.nd - dec.dp > 0 ? dec.nd - dec.dp : 0;
        else
            prec = dec.nd;
    } else if (fmt == 'e' || fmt == 'E') {
        decimal_sig(&dec, af, prec + 1);
    } else if (fmt == 'f') {
        decimal_fixed(&dec, af, prec);
    } else {
        if (prec == 0)
            prec = 1;
        decimal_sig(&dec, af, prec);
    }

    switch (fmt) {
    case 'e':
    case 'E':
        fmt_e(out, neg, &dec, prec, fmt);
        break;
    case 'f':
        fmt_f(out, neg, &dec, prec);
        break;
    default: { /* 'g', 'G' */
        int eprec = prec;
        if (eprec > dec.nd && dec.nd >= dec.dp)
            eprec = dec.nd;
        if (shortest)
            eprec = 6;
        int exp = dec.dp - 1;
        if (exp < -4 || exp >= eprec) {
            if (prec > dec.nd)
                prec = dec.nd;
            fmt_e(out, neg, &dec, prec - 1, fmt == 'G' ? 'E' : 'e');
        } else {
            if (prec > dec.dp)
                prec = dec.nd;
            fmt_f(out, neg, &dec, prec - dec.dp > 0 ? prec - dec.dp : 0);
        }
        break;
    }
    }
    rn_buf_free(&dec.d);
}

/* ---- the printer (fmt/print.go and fmt/format.go) ------------------------ */

typedef struct pp {
    rn_buf *out;
    bool wid_present, prec_present;
    bool minus, plus, sharp, space, zero;
    bool plus_v, sharp_v; /* %+v and %#v */
    int wid, prec;
} pp;

static void clear_flags(pp *p)
{
    rn_buf *out = p->out;
    memset(p, 0, sizeof *p);
    p->out = out;
}

static void write_padding(pp *p, long n)
{
    char c = (p->zero && !p->minus) ? '0' : ' ';
    for (; n > 0; n--)
        rn_buf_putc(p->out, c);
}

/* Pads to the width, counted in runes. */
static void pad(pp *p, const char *s, size_t n)
{
    if (!p->wid_present || p->wid == 0) {
        rn_buf_append(p->out, s, n);
        return;
    }
    long width = p->wid - (long)rune_count(s, n);
    if (!p->minus) {
        write_padding(p, width);
        rn_buf_append(p->out, s, n);
    } else {
        rn_buf_append(p->out, s, n);
        write_padding(p, width);
    }
}

static void pad_z(pp *p, const char *s)
{
    pad(p, s, strlen(s));
}

static void pad_buf(pp *p, rn_buf *b)
{
    pad(p, rn_buf_cstr(b), b->len);
}

static void fmt_boolean(pp *p, bool v)
{
    pad_z(p, v ? "true" : "false");
}

/* f.truncateString: at most prec runes. */
static size_t truncate_len(const pp *p, const char *s, size_t n)
{
    if (!p->prec_present)
        return n;
    long left = p->prec;
    for (size_t i = 0; i < n;) {
        if (--left < 0)
            return i;
        int w;
        utf8_decode((const unsigned char *)s + i, n - i, &w);
        i += (size_t)w;
    }
    return n;
}

static void fmt_s(pp *p, const char *s, size_t n)
{
    pad(p, s, truncate_len(p, s, n));
}

static void fmt_sx(pp *p, const char *s, size_t n, const char *digits)
{
    size_t length = n;
    if (p->prec_present && (size_t)p->prec < length)
        length = (size_t)p->prec;
    long width = 2 * (long)length;
    if (width > 0) {
        if (p->space) {
            if (p->sharp)
                width *= 2;
            width += (long)length - 1;
        } else if (p->sharp) {
            width += 2;
        }
    } else {
        if (p->wid_present)
            write_padding(p, p->wid);
        return;
    }
    if (p->wid_present && p->wid > width && !p->minus)
        write_padding(p, p->wid - width);
    rn_buf *b = p->out;
    if (p->sharp) {
        rn_buf_putc(b, '0');
        rn_buf_putc(b, digits[16]);
    }
    for (size_t i = 0; i < length; i++) {
        if (p->space && i > 0) {
            rn_buf_putc(b, ' ');
            if (p->sharp) {
                rn_buf_putc(b, '0');
                rn_buf_putc(b, digits[16]);
            }
        }
        unsigned char c = (unsigned char)s[i];
        rn_buf_putc(b, digits[c >> 4]);
        rn_buf_putc(b, digits[c & 0xF]);
    }
    if (p->wid_present && p->wid > width && p->minus)
        write_padding(p, p->wid - width);
}

static void fmt_q(pp *p, const char *s, size_t n)
{
    n = truncate_len(p, s, n);
    rn_buf q = RN_BUF_INIT;
    if (p->sharp && can_backquote(s, n)) {
        rn_buf_putc(&q, '`');
        rn_buf_append(&q, s, n);
        rn_buf_putc(&q, '`');
    } else {
        quote_string(&q, s, n, p->plus);
    }
    pad_buf(p, &q);
    rn_buf_free(&q);
}

static const char ldigits[] = "0123456789abcdefx";
static const char udigits[] = "0123456789ABCDEFX";

/* f.fmtInteger: signed/unsigned in base 2, 8, 10 or 16. */
static void fmt_integer(pp *p, uint64_t u, int base, bool is_signed, int verb,
                        const char *digits)
{
    bool negative = is_signed && (int64_t)u < 0;
    if (negative)
        u = -u;
    size_t size = 68;
    if (p->wid_present || p->prec_present)
        size += 3 + (size_t)p->wid + (size_t)p->prec;
    char *buf = malloc(size);
    if (!buf)
        abort();
    long prec = 0;
    if (p->prec_present) {
        prec = p->prec;
        if (prec == 0 && u == 0) {
            bool old = p->zero;
            p->zero = false;
            write_padding(p, p->wid);
            p->zero = old;
            free(buf);
            return;
        }
    } else if (p->zero && !p->minus && p->wid_present) {
        prec = p->wid;
        if (negative || p->plus || p->space)
            prec--;
    }
    size_t i = size;
    switch (base) {
    case 10:
        for (; u >= 10; u /= 10)
            buf[--i] = (char)('0' + u % 10);
        break;
    case 16:
        for (; u >= 16; u >>= 4)
            buf[--i] = digits[u & 0xF];
        break;
    case 8:
        for (; u >= 8; u >>= 3)
            buf[--i] = (char)('0' + (u & 7));
        break;
    default:
        for (; u >= 2; u >>= 1)
            buf[--i] = (char)('0' + (u & 1));
        break;
    }
    buf[--i] = digits[u];
    while (i > 0 && prec > (long)(size - i))
        buf[--i] = '0';
    if (p->sharp) {
        if (base == 2) {
            buf[--i] = 'b';
            buf[--i] = '0';
        } else if (base == 8) {
            if (buf[i] != '0')
                buf[--i] = '0';
        } else if (base == 16) {
            buf[--i] = digits[16];
            buf[--i] = '0';
        }
    }
    if (verb == 'O') {
        buf[--i] = 'o';
        buf[--i] = '0';
    }
    if (negative)
        buf[--i] = '-';
    else if (p->plus)
        buf[--i] = '+';
    else if (p->space)
        buf[--i] = ' ';
    bool old = p->zero;
    p->zero = false;
    pad(p, buf + i, size - i);
    p->zero = old;
    free(buf);
}

static void fmt_unicode(pp *p, uint64_t u)
{
    rn_buf b = RN_BUF_INIT;
    long prec = 4;
    if (p->prec_present && p->prec > 4)
        prec = p->prec;
    char hex[20];
    int n = snprintf(hex, sizeof hex, "%llX", (unsigned long long)u);
    rn_buf_puts(&b, "U+");
    for (long z = prec - n; z > 0; z--)
        rn_buf_putc(&b, '0');
    rn_buf_append(&b, hex, (size_t)n);
    if (p->sharp && u <= MAX_RUNE && rune_is_print((int32_t)u)) {
        rn_buf_puts(&b, " '");
        put_rune(&b, (int64_t)u);
        rn_buf_putc(&b, '\'');
    }
    bool old = p->zero;
    p->zero = false;
    pad_buf(p, &b);
    p->zero = old;
    rn_buf_free(&b);
}

static void fmt_c(pp *p, uint64_t c)
{
    rn_buf b = RN_BUF_INIT;
    put_rune(&b, c > MAX_RUNE ? RUNE_ERROR : (int64_t)c);
    pad_buf(p, &b);
    rn_buf_free(&b);
}

static void fmt_qc(pp *p, uint64_t c)
{
    int32_t r =
        (c > MAX_RUNE || !rune_valid((int64_t)c)) ? RUNE_ERROR : (int32_t)c;
    rn_buf b = RN_BUF_INIT;
    rn_buf_putc(&b, '\'');
    quote_rune_escaped(&b, r, '\'', p->plus);
    rn_buf_putc(&b, '\'');
    pad_buf(p, &b);
    rn_buf_free(&b);
}

/* f.fmtFloat: sign, NaN/Inf, the # flag and zero padding. */
static void fmt_float(pp *p, double v, int verb, int prec)
{
    if (p->prec_present)
        prec = p->prec;
    rn_buf num = RN_BUF_INIT;
    rn_buf_putc(&num, '+');
    rn_gofmt_float(&num, v, (char)verb, prec);
    char *s = num.data;
    size_t n = num.len;
    if (s[1] == '-' || s[1] == '+') {
        s++;
        n--;
    }
    if (p->space && s[0] == '+' && !p->plus)
        s[0] = ' ';
    if (s[1] == 'I' || s[1] == 'N') {
        bool old = p->zero;
        p->zero = false;
        if (s[1] == 'N' && !p->space && !p->plus) {
            s++;
            n--;
        }
        pad(p, s, n);
        p->zero = old;
        rn_buf_free(&num);
        return;
    }
    rn_buf fixed = RN_BUF_INIT;
    if (p->sharp && verb != 'b') {
        int digits = 0;
        if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x')
            digits = prec == -1 ? 6 : prec;
        const char *tail = "";
        size_t body = n;
        bool has_point = false, nonzero = false;
        for (size_t i = 1; i < n; i++) {
            char c = s[i];
            if (c == '.') {
                has_point = true;
            } else if (c == 'p' || c == 'P' ||
                       ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
                tail = s + i;
                body = i;
                break;
            } else {
                if (c != '0')
                    nonzero = true;
                if (nonzero)
                    digits--;
            }
        }
        rn_buf_append(&fixed, s, body);
        if (!has_point) {
            if (body == 2 && s[1] == '0')
                digits--;
            rn_buf_putc(&fixed, '.');
        }
        for (; digits > 0; digits--)
            rn_buf_putc(&fixed, '0');
        rn_buf_puts(&fixed, tail);
        s = fixed.data;
        n = fixed.len;
    }
    if (p->plus || s[0] != '+') {
        if (p->zero && !p->minus && p->wid_present && (size_t)p->wid > n) {
            rn_buf_putc(p->out, s[0]);
            write_padding(p, p->wid - (long)n);
            rn_buf_append(p->out, s + 1, n - 1);
        } else {
            pad(p, s, n);
        }
    } else {
        pad(p, s + 1, n - 1);
    }
    rn_buf_free(&fixed);
    rn_buf_free(&num);
}

/* ---- dispatch by type (pp.printArg / pp.printValue) --------------------- */

static void print_value(pp *p, const rn_value *v, int verb, int depth);

static void print_type(pp *p, const rn_value *v)
{
    rn_buf_puts(p->out, rn_value_type_name(v));
}

/* %!verb(type=value) */
static void bad_verb(pp *p, const rn_value *v, int verb)
{
    rn_buf_puts(p->out, "%!");
    put_rune(p->out, verb);
    rn_buf_putc(p->out, '(');
    if (v && v->kind != RN_NULL) {
        print_type(p, v);
        rn_buf_putc(p->out, '=');
        print_value(p, v, 'v', 0);
    } else {
        rn_buf_puts(p->out, "<nil>");
    }
    rn_buf_putc(p->out, ')');
}

static void print_bool(pp *p, const rn_value *v, int verb)
{
    if (verb == 't' || verb == 'v')
        fmt_boolean(p, v->u.b);
    else
        bad_verb(p, v, verb);
}

static void print_int(pp *p, const rn_value *v, int verb)
{
    uint64_t u = (uint64_t)v->u.i;
    bool sig = !(v->flags & RN_F_UINT64);
    switch (verb) {
    case 'v':
        if (p->sharp_v && !sig) { /* Go's fmt0x64: %#v of a uint is hex */
            bool old = p->sharp;
            p->sharp = true;
            fmt_integer(p, u, 16, false, 'v', ldigits);
            p->sharp = old;
            break;
        }
        fmt_integer(p, u, 10, sig, verb, ldigits);
        break;
    case 'd':
        fmt_integer(p, u, 10, sig, verb, ldigits);
        break;
    case 'b':
        fmt_integer(p, u, 2, sig, verb, ldigits);
        break;
    case 'o':
    case 'O':
        fmt_integer(p, u, 8, sig, verb, ldigits);
        break;
    case 'x':
        fmt_integer(p, u, 16, sig, verb, ldigits);
        break;
    case 'X':
        fmt_integer(p, u, 16, sig, verb, udigits);
        break;
    case 'c':
        fmt_c(p, u);
        break;
    case 'q':
        fmt_qc(p, u);
        break;
    case 'U':
        fmt_unicode(p, u);
        break;
    default:
        bad_verb(p, v, verb);
    }
}

static void print_float(pp *p, const rn_value *v, int verb)
{
    switch (verb) {
    case 'v':
        fmt_float(p, v->u.f, 'g', -1);
        break;
    case 'b':
    case 'g':
    case 'G':
    case 'x':
    case 'X':
        fmt_float(p, v->u.f, verb, -1);
        break;
    case 'f':
    case 'e':
    case 'E':
        fmt_float(p, v->u.f, verb, 6);
        break;
    case 'F':
        fmt_float(p, v->u.f, 'f', 6);
        break;
    default:
        bad_verb(p, v, verb);
    }
}

/* Go's fmtComplex: "(re+imi)", each part as a float64 with the verb, the
 * imaginary one always signed. */
static void print_complex(pp *p, const rn_value *v, int verb)
{
    if (!strchr("vbgGxXfFeE", verb)) {
        bad_verb(p, v, verb);
        return;
    }
    rn_value part;
    memset(&part, 0, sizeof part);
    part.kind = RN_FLOAT;
    bool old_plus = p->plus;
    rn_buf_putc(p->out, '(');
    part.u.f = v->u.c.re;
    print_float(p, &part, verb);
    p->plus = true;
    part.u.f = v->u.c.im;
    print_float(p, &part, verb);
    rn_buf_puts(p->out, "i)");
    p->plus = old_plus;
}

static void print_string(pp *p, const rn_value *v, int verb)
{
    const char *s = v->u.s.ptr;
    size_t n = v->u.s.len;
    switch (verb) {
    case 'v':
        if (p->sharp_v)
            fmt_q(p, s, n);
        else
            fmt_s(p, s, n);
        break;
    case 's':
        fmt_s(p, s, n);
        break;
    case 'x':
        fmt_sx(p, s, n, ldigits);
        break;
    case 'X':
        fmt_sx(p, s, n, udigits);
        break;
    case 'q':
        fmt_q(p, s, n);
        break;
    default:
        bad_verb(p, v, verb);
    }
}

/* A native function prints as a pointer would; there is no stable address
 * to show, so it is printed as a null one. */
static void print_func(pp *p, const rn_value *v, int verb)
{
    switch (verb) {
    case 'v':
        if (p->sharp_v) {
            rn_buf_putc(p->out, '(');
            print_type(p, v);
            rn_buf_puts(p->out, ")(nil)");
        } else {
            pad_z(p, "<nil>");
        }
        break;
    case 'p':
        fmt_integer(p, 0, 16, false, 'v', ldigits);
        break;
    case 'b':
    case 'o':
    case 'd':
    case 'x':
    case 'X': {
        bool sharp = p->sharp;
        p->sharp = verb != 'd';
        fmt_integer(p, 0,
                    verb == 'b'   ? 2
                    : verb == 'o' ? 8
                    : verb == 'd' ? 10
                                  : 16,
                    false, verb, verb == 'X' ? udigits : ldigits);
        p->sharp = sharp;
        break;
    }
    default:
        bad_verb(p, v, verb);
    }
}

/* An element of a list or map: an interface{} that may hold nil. */
static void print_elem(pp *p, const rn_value *e, int verb, int depth)
{
    if (!e || e->kind == RN_NULL) {
        rn_buf_puts(p->out, p->sharp_v ? "interface {}(nil)" : "<nil>");
        return;
    }
    print_value(p, e, verb, depth);
}

static void print_list(pp *p, const rn_value *v, int verb, int depth)
{
    if (p->sharp_v) {
        print_type(p, v);
        if (v->flags & RN_F_NIL) {
            rn_buf_puts(p->out, "(nil)");
            return;
        }
        rn_buf_putc(p->out, '{');
    } else {
        rn_buf_putc(p->out, '[');
    }
    for (size_t i = 0; i < v->u.list.len; i++) {
        if (i > 0)
            rn_buf_puts(p->out, p->sharp_v ? ", " : " ");
        print_elem(p, v->u.list.items[i], verb, depth + 1);
    }
    rn_buf_putc(p->out, p->sharp_v ? '}' : ']');
}

static int pair_cmp(const void *a, const void *b)
{
    const rn_pair *x = *(const rn_pair *const *)a;
    const rn_pair *y = *(const rn_pair *const *)b;
    size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
    int c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    return (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

static void print_map(pp *p, const rn_value *v, int verb, int depth)
{
    if (p->sharp_v) {
        print_type(p, v);
        rn_buf_putc(p->out, '{');
    } else {
        rn_buf_puts(p->out, "map[");
    }
    size_t n = v->u.map.len;
    const rn_pair **sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        abort();
    for (size_t i = 0; i < n; i++)
        sorted[i] = &v->u.map.pairs[i];
    qsort(sorted, n, sizeof *sorted, pair_cmp);
    for (size_t i = 0; i < n; i++) {
        const rn_pair *pr = sorted[i];
        if (i > 0)
            rn_buf_puts(p->out, p->sharp_v ? ", " : " ");
        rn_value key;
        memset(&key, 0, sizeof key);
        key.kind = RN_STRING;
        key.u.s.ptr = pr->key;
        key.u.s.len = pr->keylen;
        print_value(p, &key, verb, depth + 1);
        rn_buf_putc(p->out, ':');
        print_elem(p, pr->val, verb, depth + 1);
    }
    free(sorted);
    rn_buf_putc(p->out, p->sharp_v ? '}' : ']');
}

static void print_value(pp *p, const rn_value *v, int verb, int depth)
{
    /* A value with a String method prints through it for the verbs of
     * strings (Go's handleMethods), not for %#v. */
    const rn_value *str = rn_value_method(v, "String", 6);
    if (str && str->kind == RN_STRING && strchr("vsxXq", verb) &&
        !(verb == 'v' && p->sharp_v)) {
        print_string(p, str, verb);
        return;
    }
    switch (v->kind) {
    case RN_NULL:
        rn_buf_puts(p->out, "<nil>");
        break;
    case RN_BOOL:
        print_bool(p, v, verb);
        break;
    case RN_INT:
        print_int(p, v, verb);
        break;
    case RN_FLOAT:
        print_float(p, v, verb);
        break;
    case RN_COMPLEX:
        print_complex(p, v, verb);
        break;
    case RN_STRING:
        print_string(p, v, verb);
        break;
    case RN_LIST:
        print_list(p, v, verb, depth);
        break;
    case RN_MAP:
        print_map(p, v, verb, depth);
        break;
    case RN_FUNC:
        print_func(p, v, verb);
        break;
    }
}

static void print_arg(pp *p, const rn_value *v, int verb)
{
    if (!v || v->kind == RN_NULL) {
        if (verb == 'T' || verb == 'v')
            pad_z(p, "<nil>");
        else
            bad_verb(p, NULL, verb);
        return;
    }
    if (verb == 'T') {
        const char *t = rn_value_type_name(v);
        fmt_s(p, t, strlen(t));
        return;
    }
    if (verb == 'w') {
        /* Sprintf cannot wrap errors: %w is a bad verb for every value. */
        bad_verb(p, v, verb);
        return;
    }
    if (verb == 'p' && v->kind != RN_FUNC && v->kind != RN_LIST &&
        v->kind != RN_MAP) {
        bad_verb(p, v, verb);
        return;
    }
    if (verb == 'p') {
        /* No stable address to print; see print_func. */
        fmt_integer(p, 0, 16, false, 'v', ldigits);
        return;
    }
    print_value(p, v, verb, 0);
}

void rn_gofmt_value(rn_buf *out, const rn_value *v)
{
    if (!v) {
        rn_buf_puts(out, "<no value>");
        return;
    }
    pp p;
    memset(&p, 0, sizeof p);
    p.out = out;
    print_arg(&p, v, 'v');
}

static bool is_string(const rn_value *v)
{
    return v && v->kind == RN_STRING;
}

void rn_gofmt_sprint(rn_buf *out, int argc, rn_value **argv)
{
    pp p;
    memset(&p, 0, sizeof p);
    p.out = out;
    bool prev_string = false;
    for (int i = 0; i < argc; i++) {
        bool str = is_string(argv[i]);
        if (i > 0 && !str && !prev_string)
            rn_buf_putc(out, ' ');
        print_arg(&p, argv[i], 'v');
        prev_string = str;
    }
}

void rn_gofmt_sprintln(rn_buf *out, int argc, rn_value **argv)
{
    pp p;
    memset(&p, 0, sizeof p);
    p.out = out;
    for (int i = 0; i < argc; i++) {
        if (i > 0)
            rn_buf_putc(out, ' ');
        print_arg(&p, argv[i], 'v');
    }
    rn_buf_putc(out, '\n');
}

/* ---- Sprintf (pp.doPrintf) ---------------------------------------------- */

#define TOO_LARGE 1000000

static bool parse_num(const char *s, size_t start, size_t end, int *num,
                      size_t *newi)
{
    *num = 0;
    bool isnum = false;
    size_t i = start;
    if (start >= end) {
        *newi = end;
        return false;
    }
    for (; i < end && s[i] >= '0' && s[i] <= '9'; i++) {
        if (*num > TOO_LARGE || *num < -TOO_LARGE) {
            *num = 0;
            *newi = end;
            return false;
        }
        *num = *num * 10 + (s[i] - '0');
        isnum = true;
    }
    *newi = i;
    return isnum;
}

/* intFromArg: only Go integer types give a width or precision. */
static bool int_from_arg(int argc, rn_value **argv, int *argnum, int *num)
{
    *num = 0;
    bool ok = false;
    if (*argnum < argc) {
        const rn_value *v = argv[*argnum];
        if (v && v->kind == RN_INT) {
            *num = (int)v->u.i;
            ok = (int64_t)*num == v->u.i;
            if (!ok)
                *num = 0;
        }
        (*argnum)++;
        if (*num > TOO_LARGE || *num < -TOO_LARGE) {
            *num = 0;
            ok = false;
        }
    }
    return ok;
}

typedef struct fmt_state {
    const char *format;
    size_t end;
    int argc;
    rn_value **argv;
    int argnum;
    bool reordered, good_argnum;
} fmt_state;

/* parseArgNumber: "[n]" at format[i]. */
static size_t arg_number(fmt_state *st, size_t i, bool *found)
{
    *found = false;
    if (i >= st->end || st->format[i] != '[')
        return i;
    st->reordered = true;
    const char *f = st->format + i;
    size_t len = st->end - i;
    size_t wid = 1;
    bool ok = false;
    int index = 0;
    if (len >= 3) {
        for (size_t j = 1; j < len; j++) {
            if (f[j] == ']') {
                int w;
                size_t newi;
                bool isnum = parse_num(f, 1, j, &w, &newi);
                wid = j + 1;
                if (isnum && newi == j) {
                    ok = true;
                    index = w - 1;
                }
                break;
            }
        }
    }
    if (ok && index >= 0 && index < st->argc) {
        st->argnum = index;
        *found = true;
        return i + wid;
    }
    st->good_argnum = false;
    *found = ok;
    return i + wid;
}

static void set_v_flags(pp *p)
{
    p->sharp_v = p->sharp;
    p->sharp = false;
    p->plus_v = p->plus;
    p->plus = false;
}

/* Parses flags, index, width and precision after a '%'; returns the index
 * of the verb, or end. */
static size_t parse_spec(pp *p, fmt_state *st, size_t i, bool *after_index)
{
    const char *f = st->format;
    for (; i < st->end; i++) {
        char c = f[i];
        if (c == '#')
            p->sharp = true;
        else if (c == '0')
            p->zero = true;
        else if (c == '+')
            p->plus = true;
        else if (c == '-')
            p->minus = true;
        else if (c == ' ')
            p->space = true;
        else
            break;
    }
    i = arg_number(st, i, after_index);
    if (i < st->end && f[i] == '*') {
        i++;
        p->wid_present = int_from_arg(st->argc, st->argv, &st->argnum, &p->wid);
        if (!p->wid_present)
            rn_buf_puts(p->out, "%!(BADWIDTH)");
        if (p->wid < 0) {
            p->wid = -p->wid;
            p->minus = true;
            p->zero = false;
        }
        *after_index = false;
    } else {
        p->wid_present = parse_num(f, i, st->end, &p->wid, &i);
        if (*after_index && p->wid_present)
            st->good_argnum = false;
    }
    if (i + 1 < st->end && f[i] == '.') {
        i++;
        if (*after_index)
            st->good_argnum = false;
        i = arg_number(st, i, after_index);
        if (i < st->end && f[i] == '*') {
            i++;
            p->prec_present =
                int_from_arg(st->argc, st->argv, &st->argnum, &p->prec);
            if (p->prec < 0) {
                p->prec = 0;
                p->prec_present = false;
            }
            if (!p->prec_present)
                rn_buf_puts(p->out, "%!(BADPREC)");
            *after_index = false;
        } else {
            p->prec_present = parse_num(f, i, st->end, &p->prec, &i);
            if (!p->prec_present) {
                p->prec = 0;
                p->prec_present = true;
            }
        }
    }
    if (!*after_index)
        i = arg_number(st, i, after_index);
    return i;
}

static void print_extra(pp *p, fmt_state *st)
{
    clear_flags(p);
    rn_buf_puts(p->out, "%!(EXTRA ");
    for (int i = st->argnum; i < st->argc; i++) {
        if (i > st->argnum)
            rn_buf_puts(p->out, ", ");
        const rn_value *v = st->argv[i];
        if (!v || v->kind == RN_NULL) {
            rn_buf_puts(p->out, "<nil>");
        } else {
            print_type(p, v);
            rn_buf_putc(p->out, '=');
            print_arg(p, v, 'v');
        }
    }
    rn_buf_putc(p->out, ')');
}

void rn_gofmt_sprintf(rn_buf *out, const char *format, size_t flen, int argc,
                      rn_value **argv)
{
    pp p;
    memset(&p, 0, sizeof p);
    p.out = out;
    fmt_state st = {format, flen, argc, argv, 0, false, true};
    size_t i = 0;
    while (i < flen) {
        st.good_argnum = true;
        size_t lasti = i;
        while (i < flen && format[i] != '%')
            i++;
        if (i > lasti)
            rn_buf_append(out, format + lasti, i - lasti);
        if (i >= flen)
            break;
        i++;
        clear_flags(&p);
        bool after_index = false;
        i = parse_spec(&p, &st, i, &after_index);
        if (i >= flen) {
            rn_buf_puts(out, "%!(NOVERB)");
            break;
        }
        int w;
        int32_t verb =
            utf8_decode((const unsigned char *)format + i, flen - i, &w);
        i += (size_t)w;
        if (verb == '%') {
            rn_buf_putc(out, '%');
        } else if (!st.good_argnum) {
            rn_buf_puts(out, "%!");
            put_rune(out, verb);
            rn_buf_puts(out, "(BADINDEX)");
        } else if (st.argnum >= argc) {
            rn_buf_puts(out, "%!");
            put_rune(out, verb);
            rn_buf_puts(out, "(MISSING)");
        } else {
            if (verb == 'v' || verb == 'w')
                set_v_flags(&p);
            print_arg(&p, argv[st.argnum], verb);
            st.argnum++;
        }
    }
    if (!st.reordered && st.argnum < argc)
        print_extra(&p, &st);
}
