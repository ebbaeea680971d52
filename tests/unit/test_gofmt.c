/*
 * test_gofmt.c — Go's fmt as templates see it. Every expected string was
 * produced by Go's own fmt.Sprintf/Sprint (Go 1.26) on the same operands.
 */
/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gofmt.h"

/* Operand specs: "f:1.5" float64, "i:3" int, "I:3" int64, "s:text"
 * string, "b:true" bool, "n" nil. */
static rn_value *arg(rn_arena *a, const char *spec)
{
    switch (spec[0]) {
    case 'f':
        return rn_float(a, strtod(spec + 2, NULL));
    case 'i':
        return rn_int(a, strtoll(spec + 2, NULL, 10));
    case 'I':
        return rn_int64(a, strtoll(spec + 2, NULL, 10));
    case 's':
        return rn_strz(a, spec + 2);
    case 'b':
        return rn_bool(a, strcmp(spec + 2, "true") == 0);
    default:
        return rn_null(a);
    }
}

typedef struct printf_case {
    const char *format;
    const char *args[10];
    const char *want;
} printf_case;

static const printf_case printf_cases[] = {
    {"%v", {"f:0", NULL}, "0"},
    {"%v", {"f:1", NULL}, "1"},
    {"%v", {"f:3", NULL}, "3"},
    {"%v", {"f:-1", NULL}, "-1"},
    {"%v", {"f:0.1", NULL}, "0.1"},
    {"%v", {"f:1.5", NULL}, "1.5"},
    {"%v", {"f:100000", NULL}, "100000"},
    {"%v", {"f:1e+06", NULL}, "1e+06"},
    {"%v", {"f:1.23456789e+08", NULL}, "1.23456789e+08"},
    {"%v", {"f:1e+20", NULL}, "1e+20"},
    {"%v", {"f:1e+21", NULL}, "1e+21"},
    {"%v", {"f:0.0001", NULL}, "0.0001"},
    {"%v", {"f:1e-05", NULL}, "1e-05"},
    {"%v", {"f:0.3333333333333333", NULL}, "0.3333333333333333"},
    {"%v", {"f:1.7976931348623157e+308", NULL}, "1.7976931348623157e+308"},
    {"%v", {"f:5e-324", NULL}, "5e-324"},
    {"%v", {"f:9.007199254740992e+15", NULL}, "9.007199254740992e+15"},
    {"%v", {"f:1e+23", NULL}, "1e+23"},
    {"%v", {"f:2.5", NULL}, "2.5"},
    {"%v", {"f:0.000123", NULL}, "0.000123"},
    {"%v", {"f:-0", NULL}, "-0"},
    {"%v %v %v", {"f:+Inf", "f:-Inf", "f:NaN", NULL}, "+Inf -Inf NaN"},
    {"%e|%E|%f|%g|%G",
     {"f:1234.5678", "f:1234.5678", "f:1234.5678", "f:1234.5678", "f:1e-07",
      NULL},
     "1.234568e+03|1.234568E+03|1234.567800|1234.5678|1E-07"},
    {"%.0f %.0f %.0f %.0f",
     {"f:0.5", "f:1.5", "f:2.5", "f:-0.5", NULL},
     "0 2 2 -0"},
    {"%.2f %.1f %.3g %.10g",
     {"f:2.675", "f:0.05", "f:100", "f:0.3333333333333333", NULL},
     "2.67 0.1 100 0.3333333333"},
    {"%8.3f|%-8.3f|%08.3f|%+.2e|% f",
     {"f:3.14159", "f:3.14159", "f:-3.14159", "f:12345", "f:1", NULL},
     "   3.142|3.142   |-003.142|+1.23e+04| 1.000000"},
    {"%#g %#v %#.0f %#e",
     {"f:1", "f:1", "f:3", "f:2", NULL},
     "1.00000 1 3. 2.000000e+00"},
    {"%x %X %.3x %b",
     {"f:1.5", "f:-0.1", "f:0.3333333333333333", "f:1", NULL},
     "0x1.8p+00 -0X1.999999999999AP-04 0x1.555p-02 4503599627370496p-52"},
    {"%05v|%010v|%-6v|%+v",
     {"f:1.5", "f:-Inf", "f:NaN", "f:2", NULL},
     "001.5|      -Inf|NaN   |2"},
    {"%s %d %t %q",
     {"f:1.5", "f:1", "f:0", "f:2", NULL},
     "%!s(float64=1.5) %!d(float64=1) %!t(float64=0) %!q(float64=2)"},
    {"%v %d %5d|%-5d|%05d %+d % d",
     {"i:42", "i:-42", "i:42", "i:42", "i:-42", "i:42", "i:42", NULL},
     "42 -42    42|42   |-0042 +42  42"},
    {"%x %X %#x %o %#o %O %b %#b",
     {"i:255", "i:255", "i:255", "i:8", "i:8", "i:8", "i:5", "i:5", NULL},
     "ff FF 0xff 10 010 0o10 101 0b101"},
    {"%c%c%c %q %+q %U %#U",
     {"i:72", "i:128512", "i:1114112", "i:120", "i:9786", "i:128512", "i:97",
      NULL},
     "H\360\237\230\200\357\277\275 'x' '\\u263a' U+1F600 U+0061 'a'"},
    {"%.3d|%8.3d|%08.3d|%.0d|%6.2x|%-05d|",
     {"i:7", "i:7", "i:7", "i:0", "i:1", "i:3", NULL},
     "007|     007|     007||    01|3    |"},
    {"%v %d %x",
     {"I:9223372036854775807", "I:-9223372036854775808", "i:-1", NULL},
     "9223372036854775807 -9223372036854775808 -1"},
    {"%s %f %e %t %T %T",
     {"i:1", "i:1", "i:1", "i:1", "i:1", "I:1", NULL},
     "%!s(int=1) %!f(int=1) %!e(int=1) %!t(int=1) int int64"},
    {"%v|%s|%q|%+q|%#q|%#q",
     {"s:hi", "s:hi", "s:a\"b\012", "s:\303\251\342\230\272", "s:back`q",
      "s:raw\\", NULL},
     "hi|hi|\"a\\\"b\\n\"|\"\\u00e9\\u263a\"|\"back`q\"|`raw\\`"},
    {"%q %q %q %q",
     {"s:\001\177\377", "s:\302\240\342\200\213", "s:\357\273\277",
      "s:\360\237\230\200\342\200\250", NULL},
     "\"\\x01\\x7f\\xff\" \"\\u00a0\\u200b\" \"\\ufeff\" "
     "\"\360\237\230\200\\u2028\""},
    {"%x|%X|% x|%#x|%# x|%.1x",
     {"s:hi", "s:hi", "s:abc", "s:abc", "s:ab", "s:abc", NULL},
     "6869|6869|61 62 63|0x616263|0x61 0x62|61"},
    {"%10s|%-10s|%.2s|%5.1s|%010s|%.3s",
     {"s:abc", "s:abc", "s:\346\227\245\346\234\254\350\252\236", "s:xyz",
      "s:ab", "s:\346\227\245\346\234\254\350\252\236x", NULL},
     "       abc|abc       |\346\227\245\346\234\254|    "
     "x|00000000ab|\346\227\245\346\234\254\350\252\236"},
    {"%d %t %T %#v",
     {"s:x", "s:x", "s:x", "s:x", NULL},
     "%!d(string=x) %!t(string=x) string \"x\""},
    {"%v %t %5t|%-6t|%d %s %T",
     {"b:true", "b:false", "b:true", "b:false", "b:true", "b:false", "b:true",
      NULL},
     "true false  true|false |%!d(bool=true) %!s(bool=false) bool"},
    {"%v %s %d %T %#v %5v|",
     {"n", "n", "n", "n", "n", "n", NULL},
     "<nil> %!s(<nil>) %!d(<nil>) <nil> <nil> <nil>|"},
    {"%d %d", {"i:1", NULL}, "1 %!d(MISSING)"},
    {"%d", {"i:1", "i:2", NULL}, "1%!(EXTRA int=2)"},
    {"%d",
     {"i:1", "s:x", "n", "f:1.5", NULL},
     "1%!(EXTRA string=x, <nil>, float64=1.5)"},
    {"abc%", {NULL}, "abc%!(NOVERB)"},
    {"%!", {NULL}, "%!!(MISSING)"},
    {"%5", {NULL}, "%!(NOVERB)"},
    {"%.", {NULL}, "%!.(MISSING)"},
    {"%z", {"i:1", NULL}, "%!z(int=1)"},
    {"%*d|%-*d|%*d",
     {"i:5", "i:3", "i:5", "i:3", "i:-5", "i:3", NULL},
     "    3|3    |3    "},
    {"%*d", {"f:1.5", "i:3", NULL}, "%!(BADWIDTH)3"},
    {"%.*f|%.*f",
     {"i:2", "f:3.14159", "i:-2", "f:3.14159", NULL},
     "3.14|%!(BADPREC)3.141590"},
    {"%.*f", {"f:2", "f:3.14159", NULL}, "%!(BADPREC)3.141590"},
    {"%[2]d %[1]d", {"i:1", "i:2", NULL}, "2 1"},
    {"%[3]d", {"i:1", "i:2", NULL}, "%!d(BADINDEX)"},
    {"%[0]d|%[x]d", {"i:1", NULL}, "%!d(BADINDEX)|%!d(BADINDEX)"},
    {"%[2]*[1]d|", {"i:12", "i:5", NULL}, "   12|"},
    {"%d %[1]d %d", {"i:1", "i:2", NULL}, "1 1 2"},
    {"%%d %d%% %5%|", {"i:5", NULL}, "%d 5% %|"},
    {"%w", {"s:x", NULL}, "%!w(string=x)"},
    {"%p", {"s:x", NULL}, "%!p(string=x)"},
    {"%\303\251", {"i:1", NULL}, "%!\303\251(int=1)"},
    {"%v %v", {"s:a", NULL}, "a %!v(MISSING)"},
    {"no verbs", {"s:x", "n", NULL}, "no verbs%!(EXTRA string=x, <nil>)"},
    {"%.3v|%6.2v|", {"s:abcdef", "f:3.14159", NULL}, "abc|   3.1|"},
    {"%0*d|%#08x|%08b",
     {"i:5", "i:-3", "i:255", "i:5", NULL},
     "-0003|0x000000ff|00000101"},
    {"%1000000000d", {"i:5", NULL}, "%!(NOVERB)%!(EXTRA int=5)"},
};

static void test_sprintf_table(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof printf_cases / sizeof *printf_cases; c++) {
        const printf_case *pc = &printf_cases[c];
        rn_arena *a = rn_arena_new();
        rn_value *argv[10];
        int argc = 0;
        while (pc->args[argc])
            argv[argc] = arg(a, pc->args[argc]), argc++;
        rn_buf b = RN_BUF_INIT;
        rn_gofmt_sprintf(&b, pc->format, strlen(pc->format), argc, argv);
        if (strcmp(rn_buf_cstr(&b), pc->want) != 0)
            fail_msg("Sprintf(%s): got [%s] want [%s]", pc->format,
                     rn_buf_cstr(&b), pc->want);
        rn_buf_free(&b);
        rn_arena_free(a);
    }
}

static rn_value *sample_list(rn_arena *a)
{
    rn_value *l = rn_list_new(a, 0);
    rn_list_push(a, l, rn_float(a, 1));
    rn_list_push(a, l, rn_float(a, 2.5));
    rn_list_push(a, l, rn_strz(a, "a"));
    rn_list_push(a, l, rn_null(a));
    rn_list_push(a, l, rn_bool(a, true));
    rn_list_push(a, l, rn_list_new(a, 0));
    rn_list_push(a, l, rn_map_new(a, 0));
    return l;
}

static rn_value *sample_map(rn_arena *a)
{
    rn_value *m = rn_map_new(a, 0);
    rn_value *inner = rn_list_new(a, 0);
    rn_list_push(a, inner, rn_strz(a, "x"));
    rn_list_push(a, inner, rn_float(a, 2));
    rn_map_setz(a, m, "z", rn_float(a, 1));
    rn_map_setz(a, m, "a", inner);
    rn_map_setz(a, m, "m", rn_null(a));
    rn_map_setz(a, m, "B", rn_bool(a, true));
    rn_map_setz(a, m, "", rn_strz(a, "e"));
    return m;
}

static void check1(const char *format, rn_value *v, const char *want)
{
    rn_buf b = RN_BUF_INIT;
    rn_gofmt_sprintf(&b, format, strlen(format), 1, &v);
    if (strcmp(rn_buf_cstr(&b), want) != 0)
        fail_msg("Sprintf(%s): got [%s] want [%s]", format, rn_buf_cstr(&b),
                 want);
    rn_buf_free(&b);
}

static void test_containers(void **state)
{
    (void)state;
    rn_arena *a = rn_arena_new();
    rn_value *l = sample_list(a), *m = sample_map(a);
    check1("%v", l, "[1 2.5 a <nil> true [] map[]]");
    check1("%v", m, "map[:e B:true a:[x 2] m:<nil> z:1]");
    check1("%s", l,
           "[%!s(float64=1) %!s(float64=2.5) a <nil> %!s(bool=true) [] map[]]");
    check1("%s", m,
           "map[:e B:%!s(bool=true) a:[x %!s(float64=2)] m:<nil> "
           "z:%!s(float64=1)]");
    check1("%d", m,
           "map[%!d(string=):%!d(string=e) %!d(string=B):%!d(bool=true) "
           "%!d(string=a):[%!d(string=x) %!d(float64=2)] %!d(string=m):<nil> "
           "%!d(string=z):%!d(float64=1)]");
    check1("%q", l,
           "[%!q(float64=1) %!q(float64=2.5) \"a\" <nil> %!q(bool=true) [] "
           "map[]]");
    check1("%5v", l, "[    1   2.5     a <nil>  true [] map[]]");
    check1("%5v", m,
           "map[     :    e     B: true     a:[    x     2]     m:<nil>     "
           "z:    1]");
    check1("%T", l, "[]interface {}");
    check1("%T", m, "map[string]interface {}");
    check1("%#v", l,
           "[]interface {}{1, 2.5, \"a\", interface {}(nil), true, "
           "[]interface {}{}, map[string]interface {}{}}");
    check1("%#v", m,
           "map[string]interface {}{\"\":\"e\", \"B\":true, \"a\":[]interface "
           "{}{\"x\", 2}, \"m\":interface {}(nil), \"z\":1}");
    check1("%+v", m, "map[:e B:true a:[x 2] m:<nil> z:1]");
    check1("%x", l, "[0x1p+00 0x1.4p+01 61 <nil> %!x(bool=true) [] map[]]");
    check1("%x", m,
           "map[:65 42:%!x(bool=true) 61:[78 0x1p+01] 6d:<nil> 7a:0x1p+00]");
    check1("%.1f", l, "[1.0 2.5 %!f(string=a) <nil> %!f(bool=true) [] map[]]");

    rn_value *sl = rn_list_new(a, 0);
    sl->flags |= RN_F_STRLIST;
    rn_list_push(a, sl, rn_strz(a, "a"));
    rn_list_push(a, sl, rn_strz(a, "b"));
    rn_value *sm = rn_map_new(a, 0);
    sm->flags |= RN_F_STRMAP;
    rn_map_setz(a, sm, "k", rn_strz(a, "v"));
    check1("%v", sl, "[a b]");
    check1("%v", sm, "map[k:v]");
    check1("%T", sl, "[]string");
    check1("%T", sm, "map[string]string");
    check1("%#v", sl, "[]string{\"a\", \"b\"}");

    rn_value *argv[] = {rn_int(a, 1), rn_list_new(a, 0), m, sl};
    rn_list_push(a, argv[1], rn_float(a, 1));
    rn_buf b = RN_BUF_INIT;
    rn_gofmt_sprintf(&b, "%d", 2, 4, argv);
    assert_string_equal(rn_buf_cstr(&b),
                        "1%!(EXTRA []interface {}=[1], map[string]interface "
                        "{}=map[:e B:true a:[x 2] m:<nil> z:1], []string=[a "
                        "b])");
    rn_buf_free(&b);
    rn_arena_free(a);
}

static void test_value(void **state)
{
    (void)state;
    rn_arena *a = rn_arena_new();
    rn_buf b = RN_BUF_INIT;
    rn_gofmt_value(&b, NULL);
    assert_string_equal(rn_buf_cstr(&b), "<no value>");
    rn_buf_reset(&b);
    rn_gofmt_value(&b, rn_null(a));
    assert_string_equal(rn_buf_cstr(&b), "<nil>");
    rn_buf_reset(&b);
    rn_gofmt_value(&b, rn_float(a, 1000000));
    assert_string_equal(rn_buf_cstr(&b), "1e+06");
    rn_buf_reset(&b);
    rn_gofmt_value(&b, rn_float(a, 123456));
    assert_string_equal(rn_buf_cstr(&b), "123456");
    rn_buf_reset(&b);
    rn_gofmt_value(&b, rn_int(a, 1000000));
    assert_string_equal(rn_buf_cstr(&b), "1000000");
    rn_buf_reset(&b);
    rn_gofmt_value(&b, sample_map(a));
    assert_string_equal(rn_buf_cstr(&b), "map[:e B:true a:[x 2] m:<nil> z:1]");
    rn_buf_reset(&b);
    rn_gofmt_value(&b, rn_strz(a, "%d"));
    assert_string_equal(rn_buf_cstr(&b), "%d");
    rn_buf_free(&b);
    rn_arena_free(a);
}

static void sprint(rn_arena *a, bool ln, const char *want, int argc, ...)
{
    rn_value *argv[16];
    va_list ap;
    va_start(ap, argc);
    for (int i = 0; i < argc; i++)
        argv[i] = arg(a, va_arg(ap, const char *));
    va_end(ap);
    rn_buf b = RN_BUF_INIT;
    if (ln)
        rn_gofmt_sprintln(&b, argc, argv);
    else
        rn_gofmt_sprint(&b, argc, argv);
    assert_string_equal(rn_buf_cstr(&b), want);
    rn_buf_free(&b);
}

static void test_sprint(void **state)
{
    (void)state;
    rn_arena *a = rn_arena_new();
    sprint(a, false, "ab", 2, "s:a", "s:b");
    sprint(a, false, "1 2", 2, "i:1", "i:2");
    sprint(a, false, "a1 2bc3.5 <nil> <nil>", 8, "s:a", "i:1", "i:2", "s:b",
           "s:c", "f:3.5", "n", "n");
    sprint(a, false, "<nil>x<nil>", 3, "n", "s:x", "n");
    sprint(a, false, "", 0);
    sprint(a, true, "a 1 <nil>\n", 3, "s:a", "i:1", "n");
    sprint(a, true, "\n", 0);

    rn_value *argv[] = {rn_float(a, 1), rn_bool(a, true), rn_list_new(a, 0),
                        rn_map_new(a, 0)};
    rn_list_push(a, argv[2], rn_float(a, 1));
    rn_map_setz(a, argv[3], "a", rn_null(a));
    rn_buf b = RN_BUF_INIT;
    rn_gofmt_sprint(&b, 4, argv);
    assert_string_equal(rn_buf_cstr(&b), "1 true [1] map[a:<nil>]");
    rn_buf_free(&b);
    rn_arena_free(a);
}

static void float_is(double f, char fmt, int prec, const char *want)
{
    rn_buf b = RN_BUF_INIT;
    rn_gofmt_float(&b, f, fmt, prec);
    if (strcmp(rn_buf_cstr(&b), want) != 0)
        fail_msg("FormatFloat(%.17g,%c,%d): got [%s] want [%s]", f, fmt, prec,
                 rn_buf_cstr(&b), want);
    rn_buf_free(&b);
}

static void test_format_float(void **state)
{
    (void)state;
    /* strconv.FormatFloat(f, fmt, prec, 64) */
    float_is(1e21, 'g', -1, "1e+21");
    float_is(1e20, 'f', -1, "100000000000000000000");
    float_is(0.000001, 'g', -1, "1e-06");
    float_is(0.1 + 0.2, 'g', -1, "0.30000000000000004");
    float_is(5e-324, 'g', -1, "5e-324");
    float_is(1.7976931348623157e308, 'g', -1, "1.7976931348623157e+308");
    float_is(2.5, 'f', 0, "2");
    float_is(3.5, 'f', 0, "4");
    float_is(1.005, 'f', 2, "1.00");
    float_is(123456789, 'e', 3, "1.235e+08");
    float_is(123456789, 'E', -1, "1.23456789E+08");
    float_is(100, 'g', 3, "100");
    float_is(1, 'g', 3, "1");
    float_is(1234, 'g', 3, "1.23e+03");
    float_is(0.0001234, 'G', 2, "0.00012");
    float_is(0, 'e', -1, "0e+00");
    float_is(-0.0, 'g', -1, "-0");
    float_is(INFINITY, 'g', -1, "+Inf");
    float_is(-INFINITY, 'f', 2, "-Inf");
    float_is(NAN, 'e', 3, "NaN");
    float_is(1e-7, 'f', -1, "0.0000001");
    float_is(1.5, 'b', -1, "6755399441055744p-52");
    float_is(1.5, 'x', -1, "0x1.8p+00");
    float_is(1.0 / 3, 'x', 3, "0x1.555p-02");
    float_is(1e100, 'f', 0,
             "10000000000000000159028911097599180468360808563945281389781327"
             "557747838772170381060813469985856815104");
}

static void test_long_precision(void **state)
{
    (void)state;
    rn_arena *a = rn_arena_new();
    rn_value *v = rn_float(a, 0.1);
    rn_buf b = RN_BUF_INIT;
    rn_gofmt_sprintf(&b, "%.60f", 5, 1, &v);
    assert_string_equal(
        rn_buf_cstr(&b),
        "0.100000000000000005551115123125782702118158340454101562500000");
    rn_buf_reset(&b);
    /* The width applies to the value inside the bad-verb text. */
    rn_gofmt_sprintf(&b, "%3000d", 6, 1, &v);
    assert_int_equal(b.len, 3013);
    assert_memory_equal(b.data, "%!d(float64=   ", 15);
    assert_string_equal(b.data + 3009, "0.1)");
    rn_buf_free(&b);
    rn_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sprintf_table),
        cmocka_unit_test(test_containers),
        cmocka_unit_test(test_value),
        cmocka_unit_test(test_sprint),
        cmocka_unit_test(test_format_float),
        cmocka_unit_test(test_long_precision),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
