/*
 * test_goregexp.c — Go's regexp syntax on PCRE2. Every error text and
 * match below is what Go 1.26's regexp.Compile and FindStringSubmatchIndex
 * give for the same pattern and text.
 */
/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "funcs_int.h"
#include "goregexp.h"

typedef struct err_case {
    const char *pat;
    const char *err; /* after "error parsing regexp: " */
} err_case;

static const err_case err_cases[] = {
    {"a(b", "missing closing ): `a(b`"},
    {"[a", "missing closing ]: `[a`"},
    {"a**", "invalid nested repetition operator: `**`"},
    {"a*?+", "invalid nested repetition operator: `*?+`"},
    {"x{2}{3}", "invalid nested repetition operator: `{2}{3}`"},
    {"(?i)*", "missing argument to repetition operator: `*`"},
    {"|*", "missing argument to repetition operator: `*`"},
    {"a{1001}", "invalid repeat count: `{1001}`"},
    {"(a{500}){3}", "invalid repeat count: `{3}`"},
    {"\\8", "invalid escape sequence: `\\8`"},
    {"\\x{110000}", "invalid escape sequence: `\\x{110000`"},
    {"\\p\xc3\xa9", "invalid character class range: `\\p\xc3\xa9`"},
    {"\\p{Latn}", "invalid character class range: `\\p{Latn}`"},
    {"(?P=n)", "invalid or unsupported Perl syntax: `(?P`"},
    {"(?<a-b>x)", "invalid named capture: `(?<a-b>`"},
    {"(?<=a)", "invalid named capture: `(?<=a)`"},
    {"(?i-)", "invalid or unsupported Perl syntax: `(?i-)`"},
    {"[z-a]", "invalid character class range: `z-a`"},
    {"[[:foo:]]", "invalid character class range: `[:foo:]`"},
    {"[a-\\d]", "invalid escape sequence: `\\d`"},
    {"\\", "trailing backslash at end of expression: ``"},
    {")", "unexpected ): `)`"},
    {"\xff", "invalid UTF-8: `\xff`"},
    {"\\C", "invalid escape sequence: `\\C`"},
};

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof err_cases / sizeof err_cases[0]; i++) {
        rn_arena *a = rn_arena_new();
        rn_goregexp re;
        const char *err = NULL;
        const char *pat = err_cases[i].pat;
        int rc = rn_goregexp_translate(a, pat, strlen(pat), &re, &err);
        char want[256];
        snprintf(want, sizeof want, "error parsing regexp: %s",
                 err_cases[i].err);
        if (rc != -1 || !err || strcmp(err, want) != 0)
            fail_msg("%s: got %s, want %s", pat, rc ? err : "no error", want);
        rn_arena_free(a);
    }
}

typedef struct match_case {
    const char *pat, *subject;
    const char *want; /* the groups' spans, "nomatch" when none */
} match_case;

static const match_case match_cases[] = {
    {"\\s", "\v", "nomatch"},              /* \s leaves \v out */
    {"\\v", "\n", "nomatch"},              /* \v is the vertical tab only */
    {"a$", "a\n", "nomatch"},              /* $ is the end of the text */
    {"(?m)a$", "a\n", "0-1"},              /* ... unless (?m) */
    {"[\\d-z]", "-", "0-1"},               /* \d, '-' and 'z' */
    {"(?i)k", "\xe2\x84\xaa", "0-3"},      /* the Kelvin sign folds to k */
    {"\\p{Greek}", "\xcd\x82", "nomatch"}, /* Script, not Script_Extensions */
    {"(?i)\\p{Lu}", "a", "0-1"},           /* \p folds too */
    {"(?U)a+", "aaa", "0-1"},
    {"^*a", "a", "0-1"},      /* an empty-width operand repeats */
    {"a(?i)*", "aaA", "0-2"}, /* (?i) is no operand: * repeats a */
    {"(?P<n>a)(?P<n>b)", "ab", "0-2 0-1 1-2"},
    {"\\Q.*\\E+", ".**", "0-3"},
    {"\\101\\x42\\x{43}", "ABC", "0-3"},
};

static void test_matches(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof match_cases / sizeof match_cases[0]; i++) {
        const match_case *c = &match_cases[i];
        rn_arena *a = rn_arena_new();
        const char *err = NULL;
        rn_fn_regex *re = rn_fn_regex_compile(a, c->pat, strlen(c->pat), &err);
        if (!re)
            fail_msg("%s: %s", c->pat, err);
        long ov[16];
        char got[128] = "nomatch";
        if (rn_fn_regex_exec(re, c->subject, strlen(c->subject), 0, ov)) {
            size_t n = 0;
            for (int g = 0; g <= rn_fn_regex_groups(re); g++)
                n += (size_t)snprintf(got + n, sizeof got - n, "%s%ld-%ld",
                                      g ? " " : "", ov[2 * g], ov[2 * g + 1]);
        }
        if (strcmp(got, c->want) != 0)
            fail_msg("%s on %s: got %s, want %s", c->pat, c->subject, got,
                     c->want);
        rn_fn_regex_free(re);
        rn_arena_free(a);
    }
}

/* What PCRE2 is given: every rune escaped, classes spelled out, flags
 * made local, names kept aside. */
static void test_translation(void **state)
{
    (void)state;
    static const struct {
        const char *go, *pcre;
    } cases[] = {
        {"a.b", "\\x{61}[^\\n]\\x{62}"},
        {"^\\s$", "\\A[\\x{9}-\\x{A}\\x{C}-\\x{D}\\x{20}]\\z"},
        {"(?i)ab*", "(?i:\\x{61})(?:(?i:\\x{62}))*"},
        {"(?P<n>x)|[^a]", "(\\x{78})|[^\\x{61}]"},
        {"(?m:^)x{2,}?", "(?:(?<![^\\n]))(?:\\x{78}){2,}?"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rn_arena *a = rn_arena_new();
        rn_goregexp re;
        const char *err = NULL;
        assert_int_equal(rn_goregexp_translate(a, cases[i].go,
                                               strlen(cases[i].go), &re, &err),
                         0);
        assert_string_equal(re.pcre, cases[i].pcre);
        rn_arena_free(a);
    }
    rn_arena *a = rn_arena_new();
    rn_goregexp re;
    const char *err = NULL;
    assert_int_equal(rn_goregexp_translate(a, "(a)(?<n>b)(?:c)", 15, &re, &err),
                     0);
    assert_int_equal(re.groups, 2);
    assert_null(re.names[1]);
    assert_string_equal(re.names[2], "n");
    rn_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_matches),
        cmocka_unit_test(test_translation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
