/*
 * test_tmpl_parse.c — the template parser: tree shapes (printed back the
 * way Go's Node.String() prints them) and parse errors. The table's
 * expected results were produced by Go's own text/template (the version
 * Helm v3.21 is built with) on the same inputs; most inputs are Go's
 * parse_test.go cases. Also: {{define}}/{{block}} and the template set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tmpl_int.h"

/* Functions the test templates may name (Go's test used the same). */
static int fn_dummy(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    *out = NULL;
    return 0;
}

static const tmpl_func_def TEST_FUNCS[] = {
    {"contains", fn_dummy, 2, 2},
    {"upper", fn_dummy, 1, 1},
    {"repeat", fn_dummy, 2, 2},
    {NULL, NULL, 0, 0},
};

typedef struct parse_case {
    const char *input;
    bool ok;
    const char *want; /* the tree as Go prints it, or the error */
} parse_case;

static const parse_case GO_CASES[] = {
    {"", true, ""},
    {"{{/*\n\n\n*/}}", true, ""},
    {" \t\n", true, " \t\n"},
    {"some text", true, "some text"},
    {"{{}}", false, "template: t:1: missing value for command"},
    {"{{.X}}", true, "{{.X}}"},
    {"{{printf}}", true, "{{printf}}"},
    {"{{$}}", true, "{{$}}"},
    {"{{with $x := 3}}{{$x 23}}{{end}}", true,
     "{{with $x := 3}}{{$x 23}}{{end}}"},
    {"{{$.I}}", true, "{{$.I}}"},
    {"{{printf `%d` 23}}", true, "{{printf `%d` 23}}"},
    {"{{.X|.Y}}", true, "{{.X | .Y}}"},
    {"{{$x := .X|.Y}}", true, "{{$x := .X | .Y}}"},
    {"{{.X (.Y .Z) (.A | .B .C) (.E)}}", true,
     "{{.X (.Y .Z) (.A | .B .C) (.E)}}"},
    {"{{(.Y .Z).Field}}", true, "{{(.Y .Z).Field}}"},
    {"{{if .X}}hello{{end}}", true, "{{if .X}}hello{{end}}"},
    {"{{if .X}}true{{else}}false{{end}}", true,
     "{{if .X}}true{{else}}false{{end}}"},
    {"{{if .X}}true{{else if .Y}}false{{end}}", true,
     "{{if .X}}true{{else}}{{if .Y}}false{{end}}{{end}}"},
    {"+{{if .X}}X{{else if .Y}}Y{{else if .Z}}Z{{end}}+", true,
     "+{{if .X}}X{{else}}{{if .Y}}Y{{else}}{{if .Z}}Z{{end}}{{end}}{{end}}+"},
    {"{{range .X}}hello{{end}}", true, "{{range .X}}hello{{end}}"},
    {"{{range .X.Y.Z}}hello{{end}}", true, "{{range .X.Y.Z}}hello{{end}}"},
    {"{{range .X}}hello{{range .Y}}goodbye{{end}}{{end}}", true,
     "{{range .X}}hello{{range .Y}}goodbye{{end}}{{end}}"},
    {"{{range .X}}true{{else}}false{{end}}", true,
     "{{range .X}}true{{else}}false{{end}}"},
    {"{{range .X|.M}}true{{else}}false{{end}}", true,
     "{{range .X | .M}}true{{else}}false{{end}}"},
    {"{{range $x := .SI}}{{.}}{{end}}", true,
     "{{range $x := .SI}}{{.}}{{end}}"},
    {"{{range $x, $y := .SI}}{{.}}{{end}}", true,
     "{{range $x, $y := .SI}}{{.}}{{end}}"},
    {"{{range .SI}}{{.}}{{break}}{{end}}", true,
     "{{range .SI}}{{.}}{{break}}{{end}}"},
    {"{{range .SI}}{{.}}{{continue}}{{end}}", true,
     "{{range .SI}}{{.}}{{continue}}{{end}}"},
    {"{{range .SI 1 -3.2i true false 'a' nil}}{{end}}", true,
     "{{range .SI 1 -3.2i true false 'a' nil}}{{end}}"},
    {"{{template `x`}}", true, "{{template \"x\"}}"},
    {"{{template `x` .Y}}", true, "{{template \"x\" .Y}}"},
    {"{{with .X}}hello{{end}}", true, "{{with .X}}hello{{end}}"},
    {"{{with .X}}hello{{else}}goodbye{{end}}", true,
     "{{with .X}}hello{{else}}goodbye{{end}}"},
    {"{{with .X}}hello{{else with .Y}}goodbye{{end}}", true,
     "{{with .X}}hello{{else}}{{with .Y}}goodbye{{end}}{{end}}"},
    {"{{with .X}}X{{else with .Y}}Y{{else with .Z}}Z{{end}}", true,
     "{{with .X}}X{{else}}{{with .Y}}Y{{else}}{{with "
     ".Z}}Z{{end}}{{end}}{{end}}"},
    {"x \r\n\t{{- 3}}", true, "x{{3}}"},
    {"{{3 -}}\n\n\ty", true, "{{3}}y"},
    {"x \r\n\t{{- 3 -}}\n\n\ty", true, "x{{3}}y"},
    {"x\n{{-  3   -}}\ny", true, "x{{3}}y"},
    {"x \r\n\t{{- /* hi */}}", true, "x"},
    {"{{/* hi */ -}}\n\n\ty", true, "y"},
    {"x \r\n\t{{- /* */ -}}\n\n\ty", true, "xy"},
    {"{{block \"foo\" .}}hello{{end}}", true, "{{template \"foo\" .}}"},
    {"{{ $x \n := \n 1 \n }}", true, "{{$x := 1}}"},
    {"{{\n}}", false, "template: t:2: missing value for command"},
    {"{{\n\"x\"\n|\nprintf\n}}", true, "{{\"x\" | printf}}"},
    {"{{/*\nhello\n*/}}", true, ""},
    {"{{-\n/*\nhello\n*/\n-}}", true, ""},
    {"{{range .SI}}{{.}}{{ continue }}{{end}}", true,
     "{{range .SI}}{{.}}{{continue}}{{end}}"},
    {"hello{{range", false, "template: t:1: unclosed action"},
    {"{{end}}", false, "template: t:1: unexpected {{end}}"},
    {"{{else}}", false, "template: t:1: unexpected {{else}}"},
    {"{{if .X}}hello{{end}}{{else}}", false,
     "template: t:1: unexpected {{else}}"},
    {"{{if .X}}1{{else}}2{{else}}3{{end}}", false,
     "template: t:1: expected end; found {{else}}"},
    {"hello{{range .x}}", false, "template: t:1: unexpected EOF"},
    {"hello{{range .x}}{{else}}", false, "template: t:1: unexpected EOF"},
    {"hello{{undefined}}", false,
     "template: t:1: function \"undefined\" not defined"},
    {"{{$x}}", false, "template: t:1: undefined variable \"$x\""},
    {"{{with $x := 4}}{{end}}{{$x}}", false,
     "template: t:1: undefined variable \"$x\""},
    {"{{template $v}}", false,
     "template: t:1: unexpected \"$v\" in template clause"},
    {"{{with $x.Y := 4}}{{end}}", false,
     "template: t:1: undefined variable \"$x\""},
    {"{{template .X}}", false,
     "template: t:1: unexpected \".X\" in template clause"},
    {"{{printf 3, 4}}", false, "template: t:1: unexpected \",\" in operand"},
    {"{{with $v, $u := 3}}{{end}}", false,
     "template: t:1: too many declarations in with"},
    {"{{range $u, $v, $w := 3}}{{end}}", false,
     "template: t:1: too many declarations in range"},
    {"{{printf (printf .).}}", false,
     "template: t:1: unexpected <.> in operand"},
    {"{{printf 3`x`}}", false, "template: t:1: unexpected \"`x`\" in operand"},
    {"{{printf `x`.}}", false, "template: t:1: unexpected <.> in operand"},
    {"{{if .X}}a{{else if .Y}}b{{end}}{{end}}", false,
     "template: t:1: unexpected {{end}}"},
    {"{{range .}}{{end}} {{break}}", false,
     "template: t:1: {{break}} outside {{range}}"},
    {"{{range .}}{{end}} {{continue}}", false,
     "template: t:1: {{continue}} outside {{range}}"},
    {"{{range .}}{{else}}{{break}}{{end}}", false,
     "template: t:1: {{break}} outside {{range}}"},
    {"{{range .}}{{else}}{{continue}}{{end}}", false,
     "template: t:1: {{continue}} outside {{range}}"},
    {"{{$x := 0}}{{$x}}", true, "{{$x := 0}}{{$x}}"},
    {"{{$x += 1}}{{$x}}", false, "template: t:1: undefined variable \"$x\""},
    {"{{$x ! 2}}{{$x}}", false, "template: t:1: undefined variable \"$x\""},
    {"{{$x % 3}}{{$x}}", false, "template: t:1: undefined variable \"$x\""},
    {"{{range $x := $y := 3}}{{end}}", false,
     "template: t:1: undefined variable \"$y\""},
    {"{{$x:=.}}{{$x!2}}", false, "template: t:1: bad character U+0021 '!'"},
    {"{{$x:=.}}{{$x+2}}", false, "template: t:1: bad character U+002B '+'"},
    {"{{$x:=.}}{{$x +2}}", true, "{{$x := .}}{{$x +2}}"},
    {"{{range $x := 0}}{{$x}}{{end}}", true, "{{range $x := 0}}{{$x}}{{end}}"},
    {"{{range $x = 0}}{{$x}}{{end}}", true, "{{range $x = 0}}{{$x}}{{end}}"},
    {"{{1.E}}", false, "template: t:1: illegal number syntax: \"1.E\""},
    {"{{0.1.E}}", false, "template: t:1: unexpected . after term \"0.1\""},
    {"{{true.E}}", false, "template: t:1: unexpected . after term \"true\""},
    {"{{'a'.any}}", false, "template: t:1: unexpected . after term \"'a'\""},
    {"{{\"hello\".guys}}", false,
     "template: t:1: unexpected . after term \"\\\"hello\\\"\""},
    {"{{..E}}", false, "template: t:1: unexpected . after term \".\""},
    {"{{nil.E}}", false, "template: t:1: unexpected . after term \"nil\""},
    {"{{12|.}}", false,
     "template: t:1: non executable command in pipeline stage 2"},
    {"{{.|12|printf}}", false,
     "template: t:1: non executable command in pipeline stage 2"},
    {"{{.|printf|\"error\"}}", false,
     "template: t:1: non executable command in pipeline stage 3"},
    {"{{12|printf|'e'}}", false,
     "template: t:1: non executable command in pipeline stage 3"},
    {"{{.|true}}", false,
     "template: t:1: non executable command in pipeline stage 2"},
    {"{{'c'|nil}}", false,
     "template: t:1: non executable command in pipeline stage 2"},
    {"{{printf \"%d\" ( ) }}", false,
     "template: t:1: missing value for parenthesized pipeline"},
    {"{{block \"foo\"}}hello{{end}}", false,
     "template: t:1: missing value for block clause"},
    {"{{ (( 1 )) }}", true, "{{((1))}}"},
    {"line1\n{{", false, "template: t:2: unclosed action"},
    {"line1\n{{define `x`}}line2\n{{", false, "template: t:3: unclosed action"},
    {"line1\n{{\"x\"\n\"y\"\n", false,
     "template: t:4: unclosed action started at t:2"},
    {"{{\n\n\n\n\n", false, "template: t:6: unclosed action started at t:1"},
    {"line1\n{{\nx\n}}", false, "template: t:3: function \"x\" not defined"},
    {"{{foo}}", false, "template: t:1: function \"foo\" not defined"},
    {"{{/*}}", false, "template: t:1: unclosed comment"},
    {"{{/*\nhello\n}}", false, "template: t:1: unclosed comment"},
    {"{{.X (1 2 3}}", false, "template: t:1: unclosed left paren"},
    {"{{.X 1 2 3 ) }}", false, "template: t:1: unexpected right paren"},
    {"{{(.X 1 2 3", false, "template: t:1: unclosed action"},
    {"{{`x`3}}", false, "template: t:1: unexpected \"3\" in operand"},
    {"{{a#}}", false, "template: t:1: bad character U+0023 '#'"},
    {"{{'a}}", false, "template: t:1: unterminated character constant"},
    {"{{\"a}}", false, "template: t:1: unterminated quoted string"},
    {"{{`a}}", false, "template: t:1: unterminated raw quoted string"},
    {"{{0xi}}", false, "template: t:1: illegal number syntax: \"0xi\""},
    {"{{define `a`}}a{{end}}{{define `a`}}b{{end}}", false,
     "template: t:1: template: multiple definition of template \"a\""},
    {"{{range .X}}", false, "template: t:1: unexpected EOF"},
    {"{{$x := 23}}{{with $x.y := 3}}{{$x 23}}{{end}}", false,
     "template: t:1: unexpected \":=\" in operand"},
    {"{{$a,$b,$c := 23}}", false,
     "template: t:1: too many declarations in command"},
    {"{{$a}}", false, "template: t:1: undefined variable \"$a\""},
    {"{{true.any}}", false, "template: t:1: unexpected . after term \"true\""},
    {"{{12|false}}", false,
     "template: t:1: non executable command in pipeline stage 2"},
    {"{{ ( ) }}", false,
     "template: t:1: missing value for parenthesized pipeline"},
    {"{{ $v := `\n` }} {{", false, "template: t:2: unclosed action"},
    {"{{range $k}}{{end}}", false, "template: t:1: undefined variable \"$k\""},
    {"{{range $k, $v}}{{end}}", false,
     "template: t:1: undefined variable \"$v\""},
    {"{{range $k,}}{{end}}", false, "template: t:1: missing value for range"},
    {"{{range $k, $v := }}{{end}}", false,
     "template: t:1: missing value for range"},
    {"{{range $k, .}}{{end}}", false,
     "template: t:1: range can only initialize variables"},
    {"{{range $k, 123 := .}}{{end}}", false,
     "template: t:1: range can only initialize variables"},
    {"{{ if 1 }}{{ define \"x\" }}{{ end }}{{ end }}", false,
     "template: t:1: unexpected <define> in command"},
    {"{{ define 3 }}{{ end }}", false,
     "template: t:1: unexpected \"3\" in define clause"},
    {"{{ define \"x\" }}", false, "template: t:1: unexpected EOF"},
    {"{{ define \"x\" }}{{ else }}{{ end }}", false,
     "template: t:1: unexpected {{else}} in define clause"},
    {"{{ template 3 }}", false,
     "template: t:1: unexpected \"3\" in template clause"},
    {"{{ break 1 }}", false, "template: t:1: unexpected \"1\" in {{break}}"},
    {"{{ range .x }}{{ define \"y\" }}{{ break }}{{ end }}{{ end }}", false,
     "template: t:1: unexpected <define> in command"},
    {"{{ \"\\q\" }}", false, "template: t:1: invalid syntax"},
    {"{{ 089 }}", false, "template: t:1: integer overflow: \"089\""},
    {"{{ 99999999999999999999 }}", false,
     "template: t:1: integer overflow: \"99999999999999999999\""},
    {"{{ 'ab' }}", false, "template: t:1: malformed character constant: 'ab'"},
    {"{{ '' }}", false, "template: t:1: invalid syntax"},
    {"{{ 1e }}", false, "template: t:1: illegal number syntax: \"1e\""},
    {"{{ 0x }}", false, "template: t:1: illegal number syntax: \"0x\""},
    {"{{ .x )}}", false, "template: t:1: unexpected right paren"},
    {"{{ (.x }}", false, "template: t:1: unclosed left paren"},
    {"{{ if }}{{ end }}", false, "template: t:1: missing value for if"},
    {"{{ if .x }}", false, "template: t:1: unexpected EOF"},
    {"{{ .x\n}}", true, "{{.x}}"},
    {"{{ \"unterminated }}", false,
     "template: t:1: unterminated quoted string"},
    {"{{ range .x }}{{ else if .y }}{{ end }}", false,
     "template: t:1: unexpected <if> in input"},
    {"a\n\nb {{ .x | 3 }}", false,
     "template: t:3: non executable command in pipeline stage 2"},
    {"{{ $x := 1 }}{{ $x = 2 }}{{ $y = 3 }}", true,
     "{{$x := 1}}{{$x = 2}}{{$y = 3}}"},
    {"{{ define \"a\" }}{{ $ }}{{ end }}{{ $x := 1 }}{{ define \"b\" }}{{ $x "
     "}}{{ end }}",
     false, "template: t:1: undefined variable \"$x\""},
    {"{{ with $x := 1 }}{{ $x }}{{ else }}{{ $x }}{{ end }}", true,
     "{{with $x := 1}}{{$x}}{{else}}{{$x}}{{end}}"},
    {"{{ if $x := 1 }}{{ end }}{{ $x }}", false,
     "template: t:1: undefined variable \"$x\""},
    {"{{ repeat 3 `x` | upper }}", true, "{{repeat 3 `x` | upper}}"},
    {"{{ (1).x }}", true, "{{(1).x}}"},
    {"{{ $.a.b }}{{ $x := . }}{{ $x.a.b }}", true,
     "{{$.a.b}}{{$x := .}}{{$x.a.b}}"},
    {"{{ contains `a` `b` | printf `%v` }}", true,
     "{{contains `a` `b` | printf `%v`}}"},
    {"{{ 0x1F }}{{ 1_000 }}{{ 0b1_0 }}{{ 'x' }}{{ 1e3 }}{{ -0 }}", true,
     "{{0x1F}}{{1_000}}{{0b1_0}}{{'x'}}{{1e3}}{{-0}}"},
    {"{{ 1__0 }}", false, "template: t:1: illegal number syntax: \"1__0\""},
    {"{{ _1 }}", false, "template: t:1: function \"_1\" not defined"},
    {"{{ 0x_1 }}", true, "{{0x_1}}"},
    {"{{ 1_ }}", false, "template: t:1: illegal number syntax: \"1_\""},
    {"{{ 1.5e+3 }}{{ 0x1.8p1 }}{{ 0x1.8 }}", false,
     "template: t:1: illegal number syntax: \"0x1.8\""},
    {"{{ \"\\u00e9\\x41\\101\\n\" }}{{ `a\\n` }}", true,
     "{{\"\\u00e9\\x41\\101\\n\"}}{{`a\\n`}}"},
    {"{{ \"\\ud800\" }}", false, "template: t:1: invalid syntax"},
    {"{{ \"\\400\" }}", false, "template: t:1: invalid syntax"},
    {"{{ '\\'' }}{{ '\\\"' }}", false, "template: t:1: invalid syntax"},
    {"{{ \"\\'\" }}", false, "template: t:1: invalid syntax"},
    {"{{ else }}x", false, "template: t:1: unexpected {{else}}"},
    {"{{ end }}x", false, "template: t:1: unexpected {{end}}"},
    {"{{ with .x }}{{ else with .y }}{{ else }}{{ end }}", true,
     "{{with .x}}{{else}}{{with .y}}{{else}}{{end}}{{end}}"},
    {"{{ if .x }}{{ else with .y }}{{ end }}", false,
     "template: t:1: unexpected <with> in input"},
    {"{{ nil }}", true, "{{nil}}"},
    {"{{ nil | printf }}", true, "{{nil | printf}}"},
    {"{{ printf nil }}", true, "{{printf nil}}"},
    {"{{ .a.b.c }}", true, "{{.a.b.c}}"},
    {"{{ $ := 1 }}", true, "{{$ := 1}}"},
    {"{{ $x, $y = .a }}", false,
     "template: t:1: too many declarations in command"},
    {"{{ range $i, $e = .a }}{{ end }}", true, "{{range $i, $e = .a}}{{end}}"},
    {"{{ block \"b\" . }}{{ $x := 1 }}{{ end }}{{ $x }}", false,
     "template: t:1: undefined variable \"$x\""},
    {"{{ block \"b\" . }}{{ break }}{{ end }}", false,
     "template: t:1: {{break}} outside {{range}}"},
    {"{{ define \"d\" }}{{ end }}{{ define \"d\" }}x{{ end }}", true, ""},
    {"{{ define \"d\" }}x{{ end }}{{ define \"d\" }}  {{ end }}", true, ""},
    {"{{ template \"x\" | printf }}", false,
     "template: t:1: unexpected \"|\" in template clause"},
    {"{{ |printf }}", false, "template: t:1: unexpected \"|\" in command"},
    {"{{ printf | }}", true, "{{printf}}"},
    {"{{ .x.y.z }}", true, "{{.x.y.z}}"},
    {"{{ (.x).y.z }}", true, "{{(.x).y.z}}"},
    {"{{ $.x }}", true, "{{$.x}}"},
    {"{{- /* c */ -}}", true, ""},
    {"{{ 3 }}{{- /* c */}}", true, "{{3}}"},
    {"{{ \"a\" }}{{/* c */ -}}   b", true, "{{\"a\"}}b"},
};

static tmpl_set *new_set(rn_arena *a)
{
    tmpl_set *s = tmpl_set_new(a);
    tmpl_set_add_funcs(s, TEST_FUNCS);
    return s;
}

static void test_go_parse_cases(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof GO_CASES / sizeof GO_CASES[0]; i++) {
        const parse_case *c = &GO_CASES[i];
        rn_arena *a = rn_arena_new();
        tmpl_set *s = new_set(a);
        rn_error err;
        rn_error_clear(&err);
        int rc = tmpl_parse(s, "t", c->input, strlen(c->input), &err);
        if (c->ok && rc < 0) {
            print_error("%zu %s: unexpected error %s\n", i, c->input, err.msg);
            bad++;
        } else if (!c->ok && rc == 0) {
            print_error("%zu %s: expected error %s\n", i, c->input, c->want);
            bad++;
        } else if (!c->ok && strcmp(err.msg, c->want) != 0) {
            print_error("%zu %s:\n got  %s\n want %s\n", i, c->input, err.msg,
                        c->want);
            bad++;
        } else if (c->ok) {
            const ttree *t = tmpl_lookup(s, "t", 1);
            rn_buf b = RN_BUF_INIT;
            tn_write(&b, t->root);
            if (strcmp(rn_buf_cstr(&b), c->want) != 0) {
                print_error("%zu %s:\n got  %s\n want %s\n", i, c->input,
                            rn_buf_cstr(&b), c->want);
                bad++;
            }
            rn_buf_free(&b);
        }
        rn_arena_free(a);
    }
    assert_int_equal(bad, 0);
}

static const char *tree_of(tmpl_set *s, const char *name)
{
    static char buf[4096];
    const ttree *t = tmpl_lookup(s, name, strlen(name));
    if (!t)
        return NULL;
    rn_buf b = RN_BUF_INIT;
    tn_write(&b, t->root);
    snprintf(buf, sizeof buf, "%s", rn_buf_cstr(&b));
    rn_buf_free(&b);
    return buf;
}

/* Go's TestBlock: a block is a define plus a template call. */
static void test_block(void **state)
{
    (void)state;
    rn_arena *a = rn_arena_new();
    tmpl_set *s = new_set(a);
    rn_error err;
    rn_error_clear(&err);
    const char *in = "a{{block \"inner\" .}}bar{{.}}baz{{end}}b";
    assert_int_equal(tmpl_parse(s, "outer", in, strlen(in), &err), 0);
    assert_string_equal(tree_of(s, "outer"), "a{{template \"inner\" .}}b");
    assert_string_equal(tree_of(s, "inner"), "bar{{.}}baz");
    rn_arena_free(a);
}

/* Each define lands in the set; the file itself is a template too. */
static void test_defines_in_set(void **state)
{
    (void)state;
    rn_arena *a = rn_arena_new();
    tmpl_set *s = new_set(a);
    rn_error err;
    rn_error_clear(&err);
    const char *in = "{{define \"x\"}}X{{end}}\n{{ define `y` }}Y{{ end }}";
    assert_int_equal(tmpl_parse(s, "f.tpl", in, strlen(in), &err), 0);
    assert_true(tmpl_has(s, "f.tpl"));
    assert_true(tmpl_has(s, "x"));
    assert_true(tmpl_has(s, "y"));
    assert_false(tmpl_has(s, "z"));
    assert_string_equal(tree_of(s, "f.tpl"), "\n");
    assert_string_equal(tree_of(s, "y"), "Y");
    rn_arena_free(a);
}

/* A later file redefines a template; a blank redefinition does not
 * replace a real one (Go's associate). */
static void test_redefinition_across_files(void **state)
{
    (void)state;
    rn_arena *a = rn_arena_new();
    tmpl_set *s = new_set(a);
    rn_error err;
    rn_error_clear(&err);
    const char *f1 = "{{define \"x\"}}one{{end}}{{define \"y\"}}Y{{end}}";
    const char *f2 = "{{define \"x\"}}two{{end}}{{define \"y\"}} \n{{end}}";
    assert_int_equal(tmpl_parse(s, "a", f1, strlen(f1), &err), 0);
    assert_int_equal(tmpl_parse(s, "b", f2, strlen(f2), &err), 0);
    assert_string_equal(tree_of(s, "x"), "two");
    assert_string_equal(tree_of(s, "y"), "Y");
    rn_arena_free(a);
}

/* The caller's text may go away after parsing. */
static void test_text_is_copied(void **state)
{
    (void)state;
    rn_arena *a = rn_arena_new();
    tmpl_set *s = new_set(a);
    rn_error err;
    rn_error_clear(&err);
    char text[] = "hello {{ \"w\" }}";
    assert_int_equal(tmpl_parse(s, "t", text, strlen(text), &err), 0);
    memset(text, 'z', sizeof text - 1);
    assert_string_equal(tree_of(s, "t"), "hello {{\"w\"}}");
    rn_arena_free(a);
}

/* Errors name the file (the parse name), also inside a define. */
static void test_error_location(void **state)
{
    (void)state;
    rn_arena *a = rn_arena_new();
    tmpl_set *s = new_set(a);
    rn_error err;
    rn_error_clear(&err);
    const char *in = "line1\n{{ define \"d\" }}\nline3 {{ nope }}{{ end }}";
    assert_int_equal(
        tmpl_parse(s, "mlflow/templates/_helpers.tpl", in, strlen(in), &err),
        -1);
    assert_string_equal(err.msg,
                        "template: mlflow/templates/_helpers.tpl:3: function "
                        "\"nope\" not defined");
    assert_string_equal(err.file, "mlflow/templates/_helpers.tpl");
    assert_int_equal(err.line, 3);
    rn_arena_free(a);
}

/* Sprig and Helm tables are added later and override by name. */
static void test_function_tables(void **state)
{
    (void)state;
    rn_arena *a = rn_arena_new();
    tmpl_set *s = tmpl_set_new(a);
    rn_error err;
    rn_error_clear(&err);
    const char *in = "{{ upper \"x\" }}";
    assert_int_equal(tmpl_parse(s, "t", in, strlen(in), &err), -1);
    assert_string_equal(err.msg, "template: t:1: function \"upper\" not "
                                 "defined");
    tmpl_set_add_funcs(s, TEST_FUNCS);
    rn_error_clear(&err);
    assert_int_equal(tmpl_parse(s, "t", in, strlen(in), &err), 0);
    /* include and tpl are always there, as in Helm. */
    const char *h = "{{ include \"a\" . }}{{ tpl \"b\" . }}";
    assert_int_equal(tmpl_parse(s, "h", h, strlen(h), &err), 0);
    const tmpl_func_def *d = tmpl_find_func(s, "upper", 5);
    assert_non_null(d);
    assert_ptr_equal(d->fn, fn_dummy);
    rn_arena_free(a);
}

/* A field chain's node sits at its second element (Go's operand()),
 * which is what execution errors report as the column. */
static void test_field_position(void **state)
{
    (void)state;
    rn_arena *a = rn_arena_new();
    tmpl_set *s = new_set(a);
    rn_error err;
    rn_error_clear(&err);
    const char *in = "a: {{ .Values.x.y }}";
    assert_int_equal(tmpl_parse(s, "t", in, strlen(in), &err), 0);
    const ttree *t = tmpl_lookup(s, "t", 1);
    const tnode *action = t->root->u.list.nodes[1];
    assert_int_equal(action->type, TN_ACTION);
    const tnode *field = action->u.action.pipe->u.pipe.cmds[0]->u.cmd.args[0];
    assert_int_equal(field->type, TN_FIELD);
    assert_int_equal(field->u.field.n, 3);
    assert_int_equal(field->pos, 13);
    rn_arena_free(a);
}

/* Numbers carry Go's flags and the constant they evaluate to. */
static void test_number_constants(void **state)
{
    (void)state;
    rn_arena *a = rn_arena_new();
    tmpl_set *s = new_set(a);
    rn_error err;
    rn_error_clear(&err);
    const char *in = "{{ 1 }}{{ 1.0 }}{{ 0x10 }}{{ 'a' }}{{ 1e3 }}"
                     "{{ 18446744073709551615 }}{{ 0x1p4 }}{{ -0 }}";
    assert_int_equal(tmpl_parse(s, "t", in, strlen(in), &err), 0);
    const ttree *t = tmpl_lookup(s, "t", 1);
    struct {
        rn_kind kind;
        double v;
    } want[] = {{RN_INT, 1},      {RN_FLOAT, 1}, {RN_INT, 16},   {RN_INT, 97},
                {RN_FLOAT, 1000}, {RN_NULL, 0},  {RN_FLOAT, 16}, {RN_INT, 0}};
    assert_int_equal(t->root->u.list.n, 8);
    for (int i = 0; i < 8; i++) {
        const tnode *act = t->root->u.list.nodes[i];
        const tnode *num = act->u.action.pipe->u.pipe.cmds[0]->u.cmd.args[0];
        assert_int_equal(num->type, TN_NUMBER);
        rn_value *k = num->u.num.konst;
        if (want[i].kind == RN_NULL) {
            assert_null(k);
            assert_string_equal(num->u.num.konst_err,
                                "18446744073709551615 overflows int");
            assert_true(num->u.num.is_uint);
            continue;
        }
        assert_non_null(k);
        assert_int_equal(k->kind, want[i].kind);
        if (k->kind == RN_INT)
            assert_int_equal(k->u.i, (int64_t)want[i].v);
        else
            assert_true(k->u.f == want[i].v);
    }
    rn_arena_free(a);
}

/* Complex constants: the parts fmt.Sscan reads, Go's flags for one whose
 * imaginary part is zero, and the errors of the parts it cannot read. */
static void test_complex_constants(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        double re, im;
        bool is_int, is_float;
        int64_t i;
    } ok[] = {
        {"{{ 1i }}", 0, 1, false, false, 0},
        {"{{ 2+0i }}", 2, 0, true, true, 2},
        {"{{ 2.5-0i }}", 2.5, -0.0, false, true, 0},
        {"{{ -1-2.5i }}", -1, -2.5, false, false, 0},
        {"{{ 0x1p4+0x1p-2i }}", 16, 0.25, false, false, 0},
        {"{{ 1_0+1e3i }}", 10, 1000, false, false, 0},
        {"{{ 0i }}", 0, 0, true, true, 0},
    };
    for (size_t c = 0; c < sizeof ok / sizeof *ok; c++) {
        rn_arena *a = rn_arena_new();
        tmpl_set *s = new_set(a);
        rn_error err;
        rn_error_clear(&err);
        assert_int_equal(tmpl_parse(s, "t", ok[c].in, strlen(ok[c].in), &err),
                         0);
        const ttree *t = tmpl_lookup(s, "t", 1);
        const tnode *act = t->root->u.list.nodes[0];
        const tnode *num = act->u.action.pipe->u.pipe.cmds[0]->u.cmd.args[0];
        assert_true(num->u.num.is_complex);
        assert_int_equal(num->u.num.is_int, ok[c].is_int);
        assert_int_equal(num->u.num.is_float, ok[c].is_float);
        if (ok[c].is_int)
            assert_int_equal(num->u.num.i, ok[c].i);
        const rn_value *k = num->u.num.konst;
        assert_non_null(k); /* always the complex128, as Go's idealConstant */
        assert_int_equal(k->kind, RN_COMPLEX);
        assert_true(k->u.c.re == ok[c].re && k->u.c.im == ok[c].im);
        rn_arena_free(a);
    }
    static const struct {
        const char *in, *err;
    } bad[] = {
        {"{{ 0o7+1i }}", "template: t:1: syntax error scanning complex number"},
        {"{{ 0b1+1i }}", "template: t:1: syntax error scanning complex number"},
        {"{{ 1+0x10i }}", "template: t:1: strconv.ParseFloat: parsing "
                          "\"+0x10\": invalid syntax"},
        {"{{ 1e400+1i }}", "template: t:1: strconv.ParseFloat: parsing "
                           "\"1e400\": value out of range"},
        {"{{ 1__0+1i }}", "template: t:1: strconv.ParseFloat: parsing "
                          "\"1__0\": invalid syntax"},
    };
    for (size_t c = 0; c < sizeof bad / sizeof *bad; c++) {
        rn_arena *a = rn_arena_new();
        tmpl_set *s = new_set(a);
        rn_error err;
        rn_error_clear(&err);
        assert_int_equal(tmpl_parse(s, "t", bad[c].in, strlen(bad[c].in), &err),
                         -1);
        assert_string_equal(err.msg, bad[c].err);
        rn_arena_free(a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_go_parse_cases),
        cmocka_unit_test(test_block),
        cmocka_unit_test(test_defines_in_set),
        cmocka_unit_test(test_redefinition_across_files),
        cmocka_unit_test(test_text_is_copied),
        cmocka_unit_test(test_error_location),
        cmocka_unit_test(test_function_tables),
        cmocka_unit_test(test_field_position),
        cmocka_unit_test(test_number_constants),
        cmocka_unit_test(test_complex_constants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
