/*
 * yaml_scalar.c — go-yaml's plain scalar resolution (resolve.go), with
 * Go's strconv.ParseInt/ParseUint/ParseFloat rules reproduced where they
 * decide the outcome, and the timestamp and base-60 checks the writer
 * needs for quoting.
 */
#include "yaml_scalar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gofmt.h"
#include "value.h"

int rn_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int need;
    uint32_t r, min;
    if (c >= 0xC2 && c <= 0xDF)
        need = 1, r = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        need = 2, r = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        need = 3, r = c & 0x07, min = 0x10000;
    else
        return 0;
    if (n < (size_t)need + 1)
        return 0;
    for (int i = 1; i <= need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        r = (r << 6) | (s[i] & 0x3F);
    }
    if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        return 0;
    *cp = r;
    return need + 1;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int digit_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* Unsigned magnitude in `base`; false on a bad digit, no digits or
 * overflow of uint64. */
static bool parse_mag(const char *s, size_t n, int base, uint64_t *out)
{
    if (n == 0)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int d = digit_val(s[i]);
        if (d >= base)
            return false;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return false;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *out = v;
    return true;
}

/* Base prefix as strconv's base 0: 0x, 0o, 0b, or a leading 0 (octal). */
static bool parse_base0(const char *s, size_t n, uint64_t *out)
{
    int base = 10;
    if (n >= 2 && s[0] == '0') {
        char p = (char)(s[1] | 0x20);
        if (p == 'x')
            base = 16, s += 2, n -= 2;
        else if (p == 'o')
            base = 8, s += 2, n -= 2;
        else if (p == 'b')
            base = 2, s += 2, n -= 2;
        else
            base = 8, s += 1, n -= 1;
    }
    return parse_mag(s, n, base, out);
}

/* strconv.ParseInt(s, 0, 64) */
static bool go_parse_int(const char *s, size_t n, int64_t *out)
{
    bool neg = false;
    if (n && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s++, n--;
    }
    uint64_t m;
    if (!parse_base0(s, n, &m))
        return false;
    if (neg) {
        if (m > (uint64_t)INT64_MAX + 1)
            return false;
        *out = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
    } else {
        if (m > (uint64_t)INT64_MAX)
            return false;
        *out = (int64_t)m;
    }
    return true;
}

/* strconv.ParseUint(s, 0, 64): no sign allowed. */
static bool go_parse_uint(const char *s, size_t n, uint64_t *out)
{
    return parse_base0(s, n, out);
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool yaml_style_float(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    if (i < n && s[i] == '.') {
        i++;
        size_t d = i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == d)
            return false;
    } else {
        size_t d = i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == d)
            return false;
        if (i < n && s[i] == '.') {
            i++;
            while (i < n && is_digit(s[i]))
                i++;
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t d = i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == d)
            return false;
    }
    return i == n;
}

/* strconv.ParseFloat on text already known to be a decimal number:
 * fails (as Go does with ErrRange) when the value overflows. */
static bool parse_decimal_float(const char *s, size_t n, double *out)
{
    char tmp[64];
    char *buf = n < sizeof tmp ? tmp : malloc(n + 1);
    if (!buf)
        abort();
    memcpy(buf, s, n);
    buf[n] = '\0';
    double f = strtod(buf, NULL);
    if (buf != tmp)
        free(buf);
    if (isinf(f))
        return false;
    *out = f;
    return true;
}

/* ---- timestamps (time.Parse with go-yaml's layouts) ---------------------- */

/* 1 or 2 digits, as time.Parse reads "1", "2", "15", "4", "5". */
static bool get_num12(const char *s, size_t n, size_t *i, int *v)
{
    if (*i >= n || !is_digit(s[*i]))
        return false;
    *v = s[(*i)++] - '0';
    if (*i < n && is_digit(s[*i]))
        *v = *v * 10 + (s[(*i)++] - '0');
    return true;
}

static bool get_num2(const char *s, size_t n, size_t *i, int *v)
{
    if (*i + 2 > n || !is_digit(s[*i]) || !is_digit(s[*i + 1]))
        return false;
    *v = (s[*i] - '0') * 10 + (s[*i + 1] - '0');
    *i += 2;
    return true;
}

static int days_in(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* "2006-1-2" */
static bool ts_date(const char *s, size_t n, size_t *i)
{
    if (n < 5)
        return false;
    for (int k = 0; k < 4; k++)
        if (!is_digit(s[k]))
            return false;
    int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
               (s[3] - '0');
    *i = 4;
    int month, day;
    if (s[(*i)++] != '-' || !get_num12(s, n, i, &month) || *i >= n ||
        s[(*i)++] != '-' || !get_num12(s, n, i, &day))
        return false;
    if (month < 1 || month > 12 || day < 1 || day > days_in(year, month))
        return false;
    return true;
}

/* "15:4:5.999999999" */
static bool ts_time(const char *s, size_t n, size_t *i)
{
    int h, m, sec;
    if (!get_num12(s, n, i, &h) || *i >= n || s[(*i)++] != ':' ||
        !get_num12(s, n, i, &m) || *i >= n || s[(*i)++] != ':' ||
        !get_num12(s, n, i, &sec))
        return false;
    if (h > 23 || m > 59 || sec > 59)
        return false;
    if (*i < n && s[*i] == '.' && *i + 1 < n && is_digit(s[*i + 1])) {
        (*i)++;
        while (*i < n && is_digit(s[*i]))
            (*i)++;
    }
    return true;
}

/* "Z07:00" */
static bool ts_zone(const char *s, size_t n, size_t *i)
{
    if (*i < n && s[*i] == 'Z') {
        (*i)++;
        return true;
    }
    int hh, mm;
    if (*i >= n || (s[*i] != '+' && s[*i] != '-'))
        return false;
    (*i)++;
    if (!get_num2(s, n, i, &hh) || *i >= n || s[(*i)++] != ':' ||
        !get_num2(s, n, i, &mm))
        return false;
    return hh <= 24 && mm <= 60;
}

static bool is_timestamp(const char *s, size_t n)
{
    size_t i;
    if (!ts_date(s, n, &i))
        return false;
    if (i == n)
        return true;
    char sep = s[i++];
    if (sep == 'T' || sep == 't')
        return ts_time(s, n, &i) && ts_zone(s, n, &i) && i == n;
    if (sep == ' ')
        return ts_time(s, n, &i) && i == n;
    return false;
}

/* ---- resolve ------------------------------------------------------------- */

typedef struct word {
    const char *s;
    rn_ys_kind kind;
    bool b;
} word;

static const word v2_words[] = {
    {"y", RN_YS_BOOL, true},    {"Y", RN_YS_BOOL, true},
    {"yes", RN_YS_BOOL, true},  {"Yes", RN_YS_BOOL, true},
    {"YES", RN_YS_BOOL, true},  {"on", RN_YS_BOOL, true},
    {"On", RN_YS_BOOL, true},   {"ON", RN_YS_BOOL, true},
    {"n", RN_YS_BOOL, false},   {"N", RN_YS_BOOL, false},
    {"no", RN_YS_BOOL, false},  {"No", RN_YS_BOOL, false},
    {"NO", RN_YS_BOOL, false},  {"off", RN_YS_BOOL, false},
    {"Off", RN_YS_BOOL, false}, {"OFF", RN_YS_BOOL, false},
    {NULL, RN_YS_STR, false},
};

static const word common_words[] = {
    {"true", RN_YS_BOOL, true},   {"True", RN_YS_BOOL, true},
    {"TRUE", RN_YS_BOOL, true},   {"false", RN_YS_BOOL, false},
    {"False", RN_YS_BOOL, false}, {"FALSE", RN_YS_BOOL, false},
    {"~", RN_YS_NULL, false},     {"null", RN_YS_NULL, false},
    {"Null", RN_YS_NULL, false},  {"NULL", RN_YS_NULL, false},
    {NULL, RN_YS_STR, false},
};

static bool lookup_word(const word *w, const char *s, size_t n,
                        rn_yaml_scalar *out)
{
    for (; w->s; w++) {
        if (strlen(w->s) == n && memcmp(w->s, s, n) == 0) {
            out->kind = w->kind;
            out->b = w->b;
            return true;
        }
    }
    return false;
}

static bool lookup_special_float(const char *s, size_t n, rn_yaml_scalar *out)
{
    static const char *const nan[] = {".nan", ".NaN", ".NAN"};
    static const char *const inf[] = {".inf", ".Inf", ".INF"};
    for (int k = 0; k < 3; k++) {
        size_t l = strlen(inf[k]);
        if (n == l && !memcmp(s, nan[k], n)) {
            out->kind = RN_YS_FLOAT;
            out->f = NAN;
            return true;
        }
        if (n == l && !memcmp(s, inf[k], n)) {
            out->kind = RN_YS_FLOAT;
            out->f = INFINITY;
            return true;
        }
        if (n == l + 1 && (s[0] == '+' || s[0] == '-') &&
            !memcmp(s + 1, inf[k], l)) {
            out->kind = RN_YS_FLOAT;
            out->f = s[0] == '-' ? -INFINITY : INFINITY;
            return true;
        }
    }
    return false;
}

static bool resolve_number(const char *s, size_t n, rn_yaml_scalar *out)
{
    char tmp[128];
    char *plain = n < sizeof tmp ? tmp : malloc(n + 1);
    if (!plain)
        abort();
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '_')
            plain[m++] = s[i];
    plain[m] = '\0';
    bool ok = true;
    if (go_parse_int(plain, m, &out->i))
        out->kind = RN_YS_INT;
    else if (go_parse_uint(plain, m, &out->u))
        out->kind = RN_YS_UINT;
    else if (yaml_style_float(plain, m) &&
             parse_decimal_float(plain, m, &out->f))
        out->kind = RN_YS_FLOAT;
    else
        ok = false;
    if (plain != tmp)
        free(plain);
    return ok;
}

void rn_yaml_resolve(const char *s, size_t n, rn_yaml_schema schema,
                     bool try_timestamp, rn_yaml_scalar *out)
{
    memset(out, 0, sizeof *out);
    out->kind = RN_YS_STR;
    if (n == 0) {
        out->kind = RN_YS_NULL;
        return;
    }
    char c = s[0];
    char hint = 0;
    if (c == '+' || c == '-')
        hint = 'S';
    else if (is_digit(c))
        hint = 'D';
    else if (strchr("yYnNtTfFoO~", c) && c)
        hint = 'M';
    else if (c == '.')
        hint = '.';
    if (!hint)
        return;
    /* The words and special floats are at most 5 bytes long. */
    if (n <= 5 && lookup_word(common_words, s, n, out))
        return;
    if (n <= 5 && schema == RN_YAML_V2 && lookup_word(v2_words, s, n, out))
        return;
    if (n <= 5 && lookup_special_float(s, n, out))
        return;
    switch (hint) {
    case 'M':
        return;
    case '.':
        if (yaml_style_float(s, n) && parse_decimal_float(s, n, &out->f))
            out->kind = RN_YS_FLOAT;
        return;
    default:
        if (try_timestamp && is_timestamp(s, n)) {
            out->kind = RN_YS_TIMESTAMP;
            return;
        }
        resolve_number(s, n, out);
        return;
    }
}

/* ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
bool rn_yaml_is_base60_float(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    if (i >= n || !is_digit(s[i]))
        return false;
    i++;
    while (i < n && (is_digit(s[i]) || s[i] == '_'))
        i++;
    int groups = 0;
    while (i < n && s[i] == ':') {
        i++;
        /* [0-5]?[0-9]: one or two digits, the first of two at most 5. */
        if (i >= n || !is_digit(s[i]))
            return false;
        if (i + 1 < n && is_digit(s[i + 1])) {
            if (s[i] > '5')
                return false;
            i += 2;
        } else {
            i++;
        }
        groups++;
    }
    if (!groups)
        return false;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && (is_digit(s[i]) || s[i] == '_'))
            i++;
    }
    return i == n;
}

void rn_yaml_key_float(rn_buf *b, double f, bool helm)
{
    if (helm) {
        float g = (float)f;
        if (isnan(g)) {
            rn_buf_puts(b, ".nan");
            return;
        }
        if (isinf(g)) {
            rn_buf_puts(b, g > 0 ? ".inf" : "-.inf");
            return;
        }
        rn_gofmt_float32(b, g, 'g', -1);
        return;
    }
    rn_gofmt_float(b, f, 'g', -1);
}

rn_value *rn_yaml_scalar_value(rn_arena *a, const rn_yaml_scalar *sc,
                               const char *text, size_t len, bool helm)
{
    switch (sc->kind) {
    case RN_YS_NULL:
        return rn_null(a);
    case RN_YS_BOOL:
        return rn_bool(a, sc->b);
    case RN_YS_INT:
        return helm ? rn_float(a, (double)sc->i) : rn_int64(a, sc->i);
    case RN_YS_UINT:
        return rn_float(a, (double)sc->u);
    case RN_YS_FLOAT:
        return rn_float(a, sc->f);
    default:
        return rn_str(a, text, len);
    }
}
