/*
 * test_tmpl_lex.c — the template lexer's token streams, positions and
 * errors. Most cases are Go's own lexer tests (text/template/parse/
 * lex_test.go), written in a compact form: each item as TYPE(value),
 * separated by single spaces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tmpl_int.h"

typedef struct lex_case {
    const char *name;
    const char *input;
    const char *want;
} lex_case;

/* Lex with comments emitted (as Go's tests do) into the compact form. */
static char *lex_all(rn_arena *a, const char *input, bool positions)
{
    tk_lexer l;
    tk_lex_init(&l, a, input, strlen(input));
    l.emit_comment = true;
    rn_buf b = RN_BUF_INIT;
    for (;;) {
        tk_item it = tk_next(&l);
        if (b.len)
            rn_buf_putc(&b, ' ');
        rn_buf_puts(&b, tk_type_name(it.type));
        if (positions)
            rn_buf_printf(&b, "@%d:%d", it.pos, it.line);
        if (it.type != TK_EOF) {
            rn_buf_putc(&b, '(');
            rn_buf_append(&b, it.val, it.len);
            rn_buf_putc(&b, ')');
        }
        if (it.type == TK_EOF || it.type == TK_ERROR)
            break;
    }
    char *s = rn_arena_strdup(a, rn_buf_cstr(&b));
    rn_buf_free(&b);
    return s;
}

static void run_cases(const lex_case *cases, size_t n, bool positions)
{
    for (size_t i = 0; i < n; i++) {
        rn_arena *a = rn_arena_new();
        char *got = lex_all(a, cases[i].input, positions);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("%s:\n got  %s\n want %s", cases[i].name, got,
                     cases[i].want);
        rn_arena_free(a);
    }
}

#define RUN(cases, pos) run_cases(cases, sizeof cases / sizeof cases[0], pos)

/* Go's lexTests. */
static const lex_case GO_CASES[] = {
    {"empty", "", "EOF"},
    {"spaces", " \t\n", "text( \t\n) EOF"},
    {"text", "now is the time", "text(now is the time) EOF"},
    {"text with comment", "hello-{{/* this is a comment */}}-world",
     "text(hello-) comment(/* this is a comment */) text(-world) EOF"},
    {"punctuation", "{{,@% }}",
     "leftDelim({{) char(,) char(@) char(%) space( ) rightDelim(}}) EOF"},
    {"parens", "{{((3))}}",
     "leftDelim({{) leftParen(() leftParen(() number(3) rightParen()) "
     "rightParen()) rightDelim(}}) EOF"},
    {"empty action", "{{}}", "leftDelim({{) rightDelim(}}) EOF"},
    {"for", "{{for}}", "leftDelim({{) identifier(for) rightDelim(}}) EOF"},
    {"block", "{{block \"foo\" .}}",
     "leftDelim({{) block(block) space( ) string(\"foo\") space( ) dot(.) "
     "rightDelim(}}) EOF"},
    {"quote", "{{\"abc \\n\\t\\\" \"}}",
     "leftDelim({{) string(\"abc \\n\\t\\\" \") rightDelim(}}) EOF"},
    {"raw quote", "{{`abc\\n\\t\\\" `}}",
     "leftDelim({{) rawString(`abc\\n\\t\\\" `) rightDelim(}}) EOF"},
    {"raw quote with newline", "{{`now is{{\n}}the time`}}",
     "leftDelim({{) rawString(`now is{{\n}}the time`) rightDelim(}}) EOF"},
    {"numbers",
     "{{1 02 0x14 0X14 -7.2i 1e3 1E3 +1.2e-4 4.2i 1+2i 1_2 0x1.e_fp4 "
     "0X1.E_FP4}}",
     "leftDelim({{) number(1) space( ) number(02) space( ) number(0x14) "
     "space( ) number(0X14) space( ) number(-7.2i) space( ) number(1e3) "
     "space( ) number(1E3) space( ) number(+1.2e-4) space( ) number(4.2i) "
     "space( ) complex(1+2i) space( ) number(1_2) space( ) "
     "number(0x1.e_fp4) space( ) number(0X1.E_FP4) rightDelim(}}) EOF"},
    {"characters", "{{'a' '\\n' '\\'' '\\\\' '\\u00FF' '\\xFF' '本'}}",
     "leftDelim({{) charconst('a') space( ) charconst('\\n') space( ) "
     "charconst('\\'') space( ) charconst('\\\\') space( ) "
     "charconst('\\u00FF') space( ) charconst('\\xFF') space( ) "
     "charconst('本') rightDelim(}}) EOF"},
    {"bools", "{{true false}}",
     "leftDelim({{) bool(true) space( ) bool(false) rightDelim(}}) EOF"},
    {"dot", "{{.}}", "leftDelim({{) dot(.) rightDelim(}}) EOF"},
    {"nil", "{{nil}}", "leftDelim({{) nil(nil) rightDelim(}}) EOF"},
    {"dots", "{{.x . .2 .x.y.z}}",
     "leftDelim({{) field(.x) space( ) dot(.) space( ) number(.2) space( ) "
     "field(.x) field(.y) field(.z) rightDelim(}}) EOF"},
    {"keywords", "{{range if else end with}}",
     "leftDelim({{) range(range) space( ) if(if) space( ) else(else) "
     "space( ) end(end) space( ) with(with) rightDelim(}}) EOF"},
    {"variables", "{{$c := printf $ $hello $23 $ $var.Field .Method}}",
     "leftDelim({{) variable($c) space( ) declare(:=) space( ) "
     "identifier(printf) space( ) variable($) space( ) variable($hello) "
     "space( ) variable($23) space( ) variable($) space( ) variable($var) "
     "field(.Field) space( ) field(.Method) rightDelim(}}) EOF"},
    {"variable invocation", "{{$x 23}}",
     "leftDelim({{) variable($x) space( ) number(23) rightDelim(}}) EOF"},
    {"pipeline", "intro {{echo hi 1.2 |noargs|args 1 \"hi\"}} outro",
     "text(intro ) leftDelim({{) identifier(echo) space( ) identifier(hi) "
     "space( ) number(1.2) space( ) pipe(|) identifier(noargs) pipe(|) "
     "identifier(args) space( ) number(1) space( ) string(\"hi\") "
     "rightDelim(}}) text( outro) EOF"},
    {"declaration", "{{$v := 3}}",
     "leftDelim({{) variable($v) space( ) declare(:=) space( ) number(3) "
     "rightDelim(}}) EOF"},
    {"2 declarations", "{{$v , $w := 3}}",
     "leftDelim({{) variable($v) space( ) char(,) space( ) variable($w) "
     "space( ) declare(:=) space( ) number(3) rightDelim(}}) EOF"},
    {"field of parenthesized expression", "{{(.X).Y}}",
     "leftDelim({{) leftParen(() field(.X) rightParen()) field(.Y) "
     "rightDelim(}}) EOF"},
    {"trimming spaces before and after", "hello- {{- 3 -}} -world",
     "text(hello-) leftDelim({{) number(3) rightDelim(}}) text(-world) "
     "EOF"},
    {"trimming spaces before and after comment",
     "hello- {{- /* hello */ -}} -world",
     "text(hello-) comment(/* hello */) text(-world) EOF"},
    {"badchar", "#{{\x01}}",
     "text(#) leftDelim({{) error(unrecognized character in action: "
     "U+0001)"},
    {"unclosed action", "{{", "leftDelim({{) error(unclosed action)"},
    {"EOF in action", "{{range",
     "leftDelim({{) range(range) error(unclosed action)"},
    {"unclosed quote", "{{\"\n\"}}",
     "leftDelim({{) error(unterminated quoted string)"},
    {"unclosed raw quote", "{{`xx}}",
     "leftDelim({{) error(unterminated raw quoted string)"},
    {"unclosed char constant", "{{'\n}}",
     "leftDelim({{) error(unterminated character constant)"},
    {"bad number", "{{3k}}", "leftDelim({{) error(bad number syntax: \"3k\")"},
    {"unclosed paren", "{{(3}}",
     "leftDelim({{) leftParen(() number(3) error(unclosed left paren)"},
    {"extra right paren", "{{3)}}",
     "leftDelim({{) number(3) error(unexpected right paren)"},
    {"long pipeline deadlock", "{{|||||}}",
     "leftDelim({{) pipe(|) pipe(|) pipe(|) pipe(|) pipe(|) rightDelim(}}) "
     "EOF"},
    {"text with bad comment", "hello-{{/*/}}-world",
     "text(hello-) error(unclosed comment)"},
    {"text with comment close separated from delim", "hello-{{/* */ }}-world",
     "text(hello-) error(comment ends before closing delimiter)"},
    {"unmatched right delimiter", "hello-{.}}-world",
     "text(hello-{.}}-world) EOF"},
};

static void test_go_lex_cases(void **state)
{
    (void)state;
    RUN(GO_CASES, false);
}

/* Go's lexPosTests: byte positions and line numbers. */
static const lex_case POS_CASES[] = {
    {"empty", "", "EOF@0:1"},
    {"punctuation", "{{,@%#}}",
     "leftDelim@0:1({{) char@2:1(,) char@3:1(@) char@4:1(%) char@5:1(#) "
     "rightDelim@6:1(}}) EOF@8:1"},
    {"sample", "0123{{hello}}xyz",
     "text@0:1(0123) leftDelim@4:1({{) identifier@6:1(hello) "
     "rightDelim@11:1(}}) text@13:1(xyz) EOF@16:1"},
    {"trimafter", "{{x -}}\n{{y}}",
     "leftDelim@0:1({{) identifier@2:1(x) rightDelim@5:1(}}) "
     "leftDelim@8:2({{) identifier@10:2(y) rightDelim@11:2(}}) EOF@13:2"},
    {"trimbefore", "{{x}}\n{{- y}}",
     "leftDelim@0:1({{) identifier@2:1(x) rightDelim@3:1(}}) "
     "leftDelim@6:2({{) identifier@10:2(y) rightDelim@11:2(}}) EOF@13:2"},
    {"longcomment", "{{/*\n*/}}\n{{undefinedFunction \"test\"}}",
     "comment@2:1(/*\n*/) text@9:2(\n) leftDelim@10:3({{) "
     "identifier@12:3(undefinedFunction) space@29:3( ) "
     "string@30:3(\"test\") rightDelim@36:3(}}) EOF@38:3"},
};

static void test_positions(void **state)
{
    (void)state;
    RUN(POS_CASES, true);
}

/* Trim markers need the space: "{{-3}}" is the number -3. */
static const lex_case TRIM_CASES[] = {
    {"minus number", "a {{-3}} b",
     "text(a ) leftDelim({{) number(-3) rightDelim(}}) text( b) EOF"},
    {"trim tab and newline", "a\t\n{{-\t3\n-}}\t\nb",
     "text(a) leftDelim({{) number(3) rightDelim(}}) text(b) EOF"},
    {"trim all space", " \r\n {{- 3 -}} \r\n ",
     "leftDelim({{) number(3) rightDelim(}}) EOF"},
    {"no trim without space", "a {{3-}} b",
     "text(a ) leftDelim({{) error(bad number syntax: \"3-\")"},
    {"right trim only", "a {{ 3 -}}  b",
     "text(a ) leftDelim({{) space( ) number(3) rightDelim(}}) text(b) "
     "EOF"},
    {"two spaces before trim", "{{3  -}}x",
     "leftDelim({{) number(3) space( ) rightDelim(}}) text(x) EOF"},
    {"comment trims both sides", "x  {{- /* c */ -}}  y",
     "text(x) comment(/* c */) text(y) EOF"},
    {"comment needs delim", "{{ /* c */ }}",
     "leftDelim({{) space( ) char(/) char(*) space( ) identifier(c) "
     "space( ) char(*) char(/) space( ) rightDelim(}}) EOF"},
};

static void test_trim_markers(void **state)
{
    (void)state;
    RUN(TRIM_CASES, false);
}

static const lex_case MORE_CASES[] = {
    {"assign", "{{$x = 1}}",
     "leftDelim({{) variable($x) space( ) assign(=) space( ) number(1) "
     "rightDelim(}}) EOF"},
    {"bad declare", "{{$x :1}}",
     "leftDelim({{) variable($x) space( ) error(expected :=)"},
    {"break and continue", "{{break}}{{continue}}",
     "leftDelim({{) break(break) rightDelim(}}) leftDelim({{) "
     "continue(continue) rightDelim(}}) EOF"},
    {"keywords template define", "{{define template}}",
     "leftDelim({{) define(define) space( ) template(template) "
     "rightDelim(}}) EOF"},
    {"bad field char", "{{.a#}}",
     "leftDelim({{) error(bad character U+0023 '#')"},
    {"bad variable char", "{{$a#}}",
     "leftDelim({{) error(bad character U+0023 '#')"},
    {"unicode letters", "{{.café $ñ}}",
     "leftDelim({{) field(.café) space( ) variable($ñ) rightDelim(}}) EOF"},
    {"unicode symbol", "{{€}}",
     "leftDelim({{) error(unrecognized character in action: U+20AC '€')"},
    {"number kinds", "{{0o17 0b101 1_000 .5 0x1p-2 089}}",
     "leftDelim({{) number(0o17) space( ) number(0b101) space( ) "
     "number(1_000) space( ) number(.5) space( ) number(0x1p-2) space( ) "
     "number(089) rightDelim(}}) EOF"},
    {"number then field", "{{1.x}}",
     "leftDelim({{) error(bad number syntax: \"1.x\")"},
    {"field chain after paren", "{{(x).a.b}}",
     "leftDelim({{) leftParen(() identifier(x) rightParen()) field(.a) "
     "field(.b) rightDelim(}}) EOF"},
    {"dollar dot", "{{$.a}}",
     "leftDelim({{) variable($) field(.a) rightDelim(}}) EOF"},
    {"newline inside action", "{{\n.a\n}}",
     "leftDelim({{) space(\n) field(.a) space(\n) rightDelim(}}) EOF"},
    {"escaped quote", "{{\"a\\\"b\"}}",
     "leftDelim({{) string(\"a\\\"b\") rightDelim(}}) EOF"},
    {"text braces", "a { b } c }}", "text(a { b } c }}) EOF"},
    {"comment without text", "{{/**/}}", "comment(/**/) EOF"},
    {"unclosed comment at end", "{{/* x", "error(unclosed comment)"},
};

static void test_more_cases(void **state)
{
    (void)state;
    RUN(MORE_CASES, false);
}

static void test_comment_skipped_by_default(void **state)
{
    (void)state;
    rn_arena *a = rn_arena_new();
    tk_lexer l;
    const char *in = "a{{/* c */}}b";
    tk_lex_init(&l, a, in, strlen(in));
    tk_item it = tk_next(&l);
    assert_int_equal(it.type, TK_TEXT);
    it = tk_next(&l);
    assert_int_equal(it.type, TK_TEXT);
    assert_int_equal(it.len, 1);
    assert_int_equal(it.val[0], 'b');
    assert_int_equal(tk_next(&l).type, TK_EOF);
    rn_arena_free(a);
}

static void test_break_as_identifier(void **state)
{
    (void)state;
    rn_arena *a = rn_arena_new();
    tk_lexer l;
    const char *in = "{{break}}";
    tk_lex_init(&l, a, in, strlen(in));
    l.break_ok = false;
    tk_next(&l);
    assert_int_equal(tk_next(&l).type, TK_IDENTIFIER);
    rn_arena_free(a);
}

static void test_item_string(void **state)
{
    (void)state;
    rn_arena *a = rn_arena_new();
    struct {
        const char *in;
        int skip;
        const char *want;
    } cases[] = {
        {"{{ \"}}", 1, "unterminated quoted string"},
        {"{{range}}", 1, "<range>"},
        {"{{abcdefghijklmnop}}", 1, "\"abcdefghij\"..."},
        {"{{\"é\"}}", 1, "\"\\\"é\\\"\""},
        {"x", 0, "\"x\""},
        {"", 0, "EOF"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tk_lexer l;
        tk_lex_init(&l, a, cases[i].in, strlen(cases[i].in));
        tk_item it = tk_next(&l);
        for (int k = 0; k < cases[i].skip; k++)
            it = tk_next(&l);
        if (it.type == TK_SPACE)
            it = tk_next(&l);
        rn_buf b = RN_BUF_INIT;
        tk_item_string(&b, &it);
        assert_string_equal(rn_buf_cstr(&b), cases[i].want);
        rn_buf_free(&b);
    }
    rn_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_go_lex_cases),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_trim_markers),
        cmocka_unit_test(test_more_cases),
        cmocka_unit_test(test_comment_skipped_by_default),
        cmocka_unit_test(test_break_as_identifier),
        cmocka_unit_test(test_item_string),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
