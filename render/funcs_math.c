/*
 * funcs_math.c — Sprig's numbers (numeric.go and functions.go): integer
 * arithmetic on int64 after spf13/cast conversion (wrapping like Go, with
 * Go's divide-by-zero panic), conversions (int, int64, float64, atoi,
 * toDecimal), and the float functions. addf, subf, mulf and divf go
 * through shopspring/decimal in Sprig, so 0.1 + 0.2 is exactly 0.3 and
 * division rounds to 16 decimal places; a small decimal type here does
 * the same arithmetic.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "funcs_int.h"
#include "gofmt.h"

/* --- conversions --- */

RN_FN(rn_fn_atoi)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    int64_t i = 0;
    /* strconv.Atoi: base 10 only; overflow saturates, bad syntax is 0. */
    if (rn_fn_parse_int(s, n, 10, &i) != 0) {
        size_t k = (n > 0 && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
        bool digits = k < n;
        for (size_t j = k; j < n; j++)
            digits = digits && s[j] >= '0' && s[j] <= '9';
        i = !digits ? 0 : (s[0] == '-' ? INT64_MIN : INT64_MAX);
    }
    *out = rn_int(tmpl_arena(ctx), i);
    return 0;
}

RN_FN(rn_fn_int64)
{
    *out = rn_int64(tmpl_arena(ctx), rn_fn_cast_int64(argv[0]));
    return 0;
}

RN_FN(rn_fn_int)
{
    *out = rn_int(tmpl_arena(ctx), rn_fn_cast_int64(argv[0]));
    return 0;
}

RN_FN(rn_fn_float64)
{
    *out = rn_float(tmpl_arena(ctx), rn_fn_cast_float64(argv[0]));
    return 0;
}

/* strconv.ParseInt(fmt.Sprint(v), 8, 64), 0 on error. */
RN_FN(rn_fn_todecimal)
{
    rn_arena *a = tmpl_arena(ctx);
    size_t n;
    const char *s = rn_fn_strval(a, argv[0], &n);
    int64_t i = 0;
    if (rn_fn_parse_int(s, n, 8, &i) != 0)
        i = 0;
    *out = rn_int64(a, i);
    return 0;
}

/* --- int64 arithmetic (wrapping as in Go) --- */

static int64_t wrap_add(int64_t x, int64_t y)
{
    return (int64_t)((uint64_t)x + (uint64_t)y);
}

static int64_t wrap_mul(int64_t x, int64_t y)
{
    return (int64_t)((uint64_t)x * (uint64_t)y);
}

static int ret_int64(tmpl_ctx *ctx, rn_value **out, int64_t v)
{
    *out = rn_int64(tmpl_arena(ctx), v);
    return 0;
}

RN_FN(rn_fn_add1)
{
    return ret_int64(ctx, out, wrap_add(rn_fn_cast_int64(argv[0]), 1));
}

RN_FN(rn_fn_add)
{
    int64_t sum = 0;
    for (int i = 0; i < argc; i++)
        sum = wrap_add(sum, rn_fn_cast_int64(argv[i]));
    return ret_int64(ctx, out, sum);
}

RN_FN(rn_fn_sub)
{
    int64_t x = rn_fn_cast_int64(argv[0]), y = rn_fn_cast_int64(argv[1]);
    return ret_int64(ctx, out, (int64_t)((uint64_t)x - (uint64_t)y));
}

RN_FN(rn_fn_mul)
{
    int64_t p = rn_fn_cast_int64(argv[0]);
    for (int i = 1; i < argc; i++)
        p = wrap_mul(p, rn_fn_cast_int64(argv[i]));
    return ret_int64(ctx, out, p);
}

RN_FN(rn_fn_div)
{
    int64_t x = rn_fn_cast_int64(argv[0]), y = rn_fn_cast_int64(argv[1]);
    if (y == 0)
        return tmpl_fail(ctx, "runtime error: integer divide by zero");
    return ret_int64(ctx, out, (x == INT64_MIN && y == -1) ? x : x / y);
}

RN_FN(rn_fn_mod)
{
    int64_t x = rn_fn_cast_int64(argv[0]), y = rn_fn_cast_int64(argv[1]);
    if (y == 0)
        return tmpl_fail(ctx, "runtime error: integer divide by zero");
    return ret_int64(ctx, out, y == -1 ? 0 : x % y);
}

RN_FN(rn_fn_max)
{
    int64_t m = rn_fn_cast_int64(argv[0]);
    for (int i = 1; i < argc; i++) {
        int64_t v = rn_fn_cast_int64(argv[i]);
        if (v > m)
            m = v;
    }
    return ret_int64(ctx, out, m);
}

RN_FN(rn_fn_min)
{
    int64_t m = rn_fn_cast_int64(argv[0]);
    for (int i = 1; i < argc; i++) {
        int64_t v = rn_fn_cast_int64(argv[i]);
        if (v < m)
            m = v;
    }
    return ret_int64(ctx, out, m);
}

/* --- float64 --- */

/* math.Max / math.Min, with Go's NaN and signed-zero rules. */
static double go_max(double x, double y)
{
    if (isinf(x) && x > 0)
        return x;
    if (isinf(y) && y > 0)
        return y;
    if (isnan(x) || isnan(y))
        return NAN;
    if (x == 0 && x == y)
        return signbit(x) ? y : x;
    return x > y ? x : y;
}

static double go_min(double x, double y)
{
    if (isinf(x) && x < 0)
        return x;
    if (isinf(y) && y < 0)
        return y;
    if (isnan(x) || isnan(y))
        return NAN;
    if (x == 0 && x == y)
        return signbit(x) ? x : y;
    return x < y ? x : y;
}

static int ret_float(tmpl_ctx *ctx, rn_value **out, double f)
{
    *out = rn_float(tmpl_arena(ctx), f);
    return 0;
}

RN_FN(rn_fn_maxf)
{
    double m = rn_fn_cast_float64(argv[0]);
    for (int i = 1; i < argc; i++)
        m = go_max(m, rn_fn_cast_float64(argv[i]));
    return ret_float(ctx, out, m);
}

RN_FN(rn_fn_minf)
{
    double m = rn_fn_cast_float64(argv[0]);
    for (int i = 1; i < argc; i++)
        m = go_min(m, rn_fn_cast_float64(argv[i]));
    return ret_float(ctx, out, m);
}

RN_FN(rn_fn_ceil)
{
    return ret_float(ctx, out, ceil(rn_fn_cast_float64(argv[0])));
}
RN_FN(rn_fn_floor)
{
    return ret_float(ctx, out, floor(rn_fn_cast_float64(argv[0])));
}

/* A float64 parameter: text/template takes floats (and number literals). */
static int arg_float(tmpl_ctx *ctx, rn_value **argv, int i, double *f)
{
    if (argv[i]->kind == RN_FLOAT)
        *f = argv[i]->u.f;
    else if (argv[i]->kind == RN_INT)
        *f = (double)argv[i]->u.i;
    else
        return rn_fn_fail_type(ctx, "float64", argv[i]);
    return 0;
}

RN_FN(rn_fn_round)
{
    int64_t places;
    double round_on = .5;
    if (rn_fn_arg_int(ctx, argv, 1, &places) != 0)
        return -1;
    if (argc > 2 && arg_float(ctx, argv, 2, &round_on) != 0)
        return -1;
    double val = rn_fn_cast_float64(argv[0]);
    double pw = pow(10, (double)places);
    double digit = pw * val, ip;
    double frac = modf(digit, &ip);
    double r = frac >= round_on ? ceil(digit) : floor(digit);
    return ret_float(ctx, out, r / pw);
}

/* --- shopspring/decimal arithmetic ---
 * A decimal is sign * digits * 10^exp with digits most significant first. */

typedef struct dec {
    bool neg;
    int exp;
    size_t n;
    unsigned char *d; /* values 0..9 */
} dec;

static void dec_trim(dec *x)
{
    size_t z = 0;
    while (z + 1 < x->n && x->d[z] == 0)
        z++;
    memmove(x->d, x->d + z, x->n - z);
    x->n -= z;
    if (x->n == 1 && x->d[0] == 0)
        x->neg = false;
}

/* decimal.NewFromFloat: the shortest decimal that reads back as f. */
static int dec_from_float(rn_arena *a, double f, dec *x)
{
    if (isnan(f) || isinf(f))
        return -1;
    char buf[40];
    int p;
    for (p = 1; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, f);
        if (strtod(buf, NULL) == f)
            break;
    }
    const char *s = buf;
    x->neg = *s == '-';
    if (*s == '-')
        s++;
    x->d = rn_arena_alloc(a, 20);
    x->n = 0;
    for (; *s && *s != 'e'; s++)
        if (*s != '.')
            x->d[x->n++] = (unsigned char)(*s - '0');
    x->exp = atoi(s + 1) - (int)(x->n - 1);
    dec_trim(x);
    return 0;
}

/* Digits of x scaled to exponent e (e <= x->exp), n digits long. */
static unsigned char *dec_scaled(rn_arena *a, const dec *x, int e, size_t n)
{
    unsigned char *d = rn_arena_alloc(a, n);
    size_t len = x->n + (size_t)(x->exp - e);
    memcpy(d + (n - len), x->d, x->n);
    return d;
}

static int mag_cmp(const unsigned char *x, const unsigned char *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* r = x + y or x - y (x >= y) on equal-length digit strings; r has n+1. */
static void mag_add(unsigned char *r, const unsigned char *x,
                    const unsigned char *y, size_t n, bool subtract)
{
    int carry = 0;
    for (size_t i = n; i > 0; i--) {
        int v = subtract ? x[i - 1] - y[i - 1] - carry
                         : x[i - 1] + y[i - 1] + carry;
        carry = subtract ? v < 0 : v > 9;
        r[i] = (unsigned char)(subtract ? (v + 10) % 10 : v % 10);
    }
    r[0] = (unsigned char)(subtract ? 0 : carry);
}

static dec dec_add(rn_arena *a, const dec *x, const dec *y, bool sub)
{
    int e = x->exp < y->exp ? x->exp : y->exp;
    size_t lx = x->n + (size_t)(x->exp - e), ly = y->n + (size_t)(y->exp - e);
    size_t n = lx > ly ? lx : ly;
    unsigned char *dx = dec_scaled(a, x, e, n), *dy = dec_scaled(a, y, e, n);
    bool ny = sub ? !y->neg : y->neg;
    dec r = {x->neg, e, n + 1, rn_arena_alloc(a, n + 1)};
    if (x->neg == ny) {
        mag_add(r.d, dx, dy, n, false);
    } else if (mag_cmp(dx, dy, n) >= 0) {
        mag_add(r.d, dx, dy, n, true);
    } else {
        mag_add(r.d, dy, dx, n, true);
        r.neg = ny;
    }
    dec_trim(&r);
    return r;
}

static dec dec_mul(rn_arena *a, const dec *x, const dec *y)
{
    size_t n = x->n + y->n;
    int *acc = rn_arena_alloc(a, n * sizeof(int));
    for (size_t i = 0; i < x->n; i++)
        for (size_t j = 0; j < y->n; j++)
            acc[i + j + 1] += x->d[i] * y->d[j];
    dec r = {x->neg != y->neg, x->exp + y->exp, n, rn_arena_alloc(a, n)};
    int carry = 0;
    for (size_t k = n; k > 0; k--) {
        int v = acc[k - 1] + carry;
        r.d[k - 1] = (unsigned char)(v % 10);
        carry = v / 10;
    }
    dec_trim(&r);
    return r;
}

/* rem -= den * q as long as rem >= den (rem and den have equal length). */
static int long_div_step(unsigned char *rem, const unsigned char *den, size_t n)
{
    int q = 0;
    while (mag_cmp(rem, den, n) >= 0) {
        mag_add(rem - 1, rem, den, n, true);
        q++;
    }
    return q;
}

/* decimal.Div: the quotient rounded half away from zero to 16 places. */
static dec dec_div(rn_arena *a, const dec *x, const dec *y)
{
    enum { PREC = 16 };
    /* N / D with N = x.digits * 10^(x.exp - y.exp + PREC), D = y.digits. */
    int shift = x->exp - y->exp + PREC;
    size_t nn = x->n + (size_t)(shift > 0 ? shift : 0);
    size_t dn = y->n + (size_t)(shift < 0 ? -shift : 0);
    unsigned char *num = rn_arena_alloc(a, nn), *den = rn_arena_alloc(a, dn);
    memcpy(num, x->d, x->n);
    memcpy(den, y->d, y->n);
    /* rem holds one guard digit (rem[0]) in front of the window. */
    size_t w = dn + 1;
    unsigned char *rem = rn_arena_alloc(a, w + 1), *d1 = rn_arena_alloc(a, w);
    memcpy(d1 + 1, den, dn);
    dec q = {x->neg != y->neg, -PREC, nn + 1, rn_arena_alloc(a, nn + 1)};
    for (size_t i = 0; i < nn; i++) {
        memmove(rem + 1, rem + 2, w - 1);
        rem[w] = num[i];
        q.d[i] = (unsigned char)long_div_step(rem + 1, d1, w);
    }
    /* Round: compare 2*rem with den. */
    unsigned char *twice = rn_arena_alloc(a, w + 1);
    mag_add(twice, rem + 1, rem + 1, w, false);
    unsigned char *d2 = rn_arena_alloc(a, w + 1);
    memcpy(d2 + 1, d1, w);
    q.n = nn;
    if (mag_cmp(twice, d2, w + 1) >= 0) {
        dec one = {q.neg, -PREC, 1, rn_arena_alloc(a, 1)};
        one.d[0] = 1;
        dec_trim(&q);
        return dec_add(a, &q, &one, false);
    }
    dec_trim(&q);
    return q;
}

/* Decimal.Float64: the nearest float64. */
static double dec_to_float(rn_arena *a, const dec *x)
{
    char *s = rn_arena_alloc(a, x->n + 32);
    size_t k = 0;
    if (x->neg)
        s[k++] = '-';
    for (size_t i = 0; i < x->n; i++)
        s[k++] = (char)('0' + x->d[i]);
    snprintf(s + k, 24, "e%d", x->exp);
    return strtod(s, NULL);
}

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV };

/* Sprig's execDecimalOp: first operand, then each of the rest. */
static int decimal_op(tmpl_ctx *ctx, rn_value *first, int argc, rn_value **argv,
                      int op, rn_value **out)
{
    rn_arena *a = tmpl_arena(ctx);
    dec acc, y;
    double f = rn_fn_cast_float64(first);
    if (dec_from_float(a, f, &acc) != 0)
        goto bad;
    for (int i = 0; i < argc; i++) {
        f = rn_fn_cast_float64(argv[i]);
        if (dec_from_float(a, f, &y) != 0)
            goto bad;
        switch (op) {
        case OP_ADD:
            acc = dec_add(a, &acc, &y, false);
            break;
        case OP_SUB:
            acc = dec_add(a, &acc, &y, true);
            break;
        case OP_MUL:
            acc = dec_mul(a, &acc, &y);
            break;
        default:
            if (y.n == 1 && y.d[0] == 0)
                return tmpl_fail(ctx, "decimal division by 0");
            acc = dec_div(a, &acc, &y);
        }
    }
    return ret_float(ctx, out, dec_to_float(a, &acc));
bad : {
    rn_buf b = RN_BUF_INIT;
    rn_value *fv = rn_float(a, f);
    rn_gofmt_value(&b, fv);
    tmpl_fail(ctx, "Cannot create a Decimal from %s", rn_buf_cstr(&b));
    rn_buf_free(&b);
    return -1;
}
}

RN_FN(rn_fn_add1f)
{
    rn_value *one = rn_int(tmpl_arena(ctx), 1);
    return decimal_op(ctx, argv[0], 1, &one, OP_ADD, out);
}

RN_FN(rn_fn_addf)
{
    return decimal_op(ctx, rn_float(tmpl_arena(ctx), 0), argc, argv, OP_ADD,
                      out);
}

RN_FN(rn_fn_subf)
{
    return decimal_op(ctx, argv[0], argc - 1, argv + 1, OP_SUB, out);
}
RN_FN(rn_fn_mulf)
{
    return decimal_op(ctx, argv[0], argc - 1, argv + 1, OP_MUL, out);
}
RN_FN(rn_fn_divf)
{
    return decimal_op(ctx, argv[0], argc - 1, argv + 1, OP_DIV, out);
}
