/*
 * test_funcs.c — the template function library (Sprig and Helm functions)
 * exercised through the template engine: each case is a template and the
 * exact output, or the error text, that Helm v3.21 (Sprig v3.3.0) gives
 * for it. Also unit tests of the Go-compatible routines the functions are
 * built on (strconv parsing, spf13/cast, UTF-8 decoding).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "funcs.h"
#include "funcs_int.h"
#include "tmpl.h"

typedef struct fcase {
    const char *tpl;
    const char *want; /* expected output, or NULL when an error is expected */
    const char *err;  /* substring of the expected error message */
} fcase;

static const fcase strings_cases[] = {
    {"{{ upper \"abc-\303\251\" }}", "ABC-\303\211", NULL},
    {"{{ lower \"ABC-\303\211\316\243\" }}", "abc-\303\251\317\203", NULL},
    {"{{ title \"hello wORLD foo_bar x-y\" }}", "Hello WORLD Foo_bar X-Y",
     NULL},
    {"{{ untitle \"Hello World\" }}", "hello world", NULL},
    {"{{ trim \"  \\t a b \\n \" }}", "a b", NULL},
    {"{{ trimAll \"$-\" \"$-ab$c-$\" }}", "ab$c", NULL},
    {"{{ trimall \"x\" \"xxaxx\" }}", "a", NULL},
    {"{{ trimPrefix \"ab\" \"abab\" }}|{{ trimPrefix \"z\" \"ab\" }}", "ab|ab",
     NULL},
    {"{{ trimSuffix \"-x\" \"a-x-x\" }}", "a-x", NULL},
    {"{{ nospace \" a b\\tc\\n d \" }}", "abcd", NULL},
    {"{{ initials \"hello big world\" }}", "hbw", NULL},
    {"{{ swapcase \"Hello World\" }}", "hELLO wORLD", NULL},
    {"{{ trunc 3 \"abcdef\" }}|{{ trunc -2 \"abcdef\" }}|{{ trunc 10 \"abc\" "
     "}}|{{ trunc -10 \"abc\" }}|{{ trunc 0 \"abc\" }}",
     "abc|ef|abc|abc|", NULL},
    {"{{ substr 1 3 \"abcdef\" }}|{{ substr -1 2 \"abcdef\" }}|{{ substr 2 -1 "
     "\"abcdef\" }}|{{ substr 2 99 \"abcdef\" }}",
     "bc|ab|cdef|cdef", NULL},
    {"{{ substr 0 9 \"abc\" }}", "abc", NULL},
    {"{{ substr -1 9 \"abc\" }}", NULL,
     "error calling substr: runtime error: slice bounds out of range [:9] with "
     "length 3"},
    {"{{ substr 5 1 \"abcdef\" }}", NULL,
     "error calling substr: runtime error: slice bounds out of range [5:1]"},
    {"{{ substr 5 -1 \"abc\" }}", NULL,
     "error calling substr: runtime error: slice bounds out of range [5:3]"},
    {"{{ abbrev 5 \"hello world\" }}|{{ abbrev 3 \"hello world\" }}|{{ abbrev "
     "20 \"hello\" }}",
     "he...|hello world|hello", NULL},
    {"{{ abbrevboth 5 10 \"1234 5678 9123\" }}|{{ abbrevboth 0 6 "
     "\"abcdefghijkl\" }}",
     "...5678...|abc...", NULL},
    {"{{ repeat 3 \"ab\" }}|{{ repeat 0 \"x\" }}", "ababab|", NULL},
    {"{{ repeat -1 \"x\" }}", NULL,
     "error calling repeat: strings: negative Repeat count"},
    {"{{ contains \"ell\" \"hello\" }}|{{ contains \"z\" \"hello\" }}|{{ "
     "contains \"\" \"\" }}",
     "true|false|true", NULL},
    {"{{ hasPrefix \"he\" \"hello\" }}|{{ hasPrefix \"lo\" \"hello\" }}|{{ "
     "hasSuffix \"lo\" \"hello\" }}|{{ hasSuffix \"hello!\" \"hello\" }}",
     "true|false|true|false", NULL},
    {"{{ quote \"a\\\"b\" }}|{{ quote 1 nil \"x\" }}|{{ quote }}|{{ quote 1.5 "
     "true }}",
     "\"a\\\"b\"|\"1\" \"x\"||\"1.5\" \"true\"", NULL},
    {"{{ quote \"tab\\there\\nnl \303\251 \\x01\" }}",
     "\"tab\\there\\nnl \303\251 \\x01\"", NULL},
    {"{{ squote \"a'b\" }}|{{ squote 1 nil \"x\" }}|{{ squote (list 1 2) }}",
     "'a'b'|'1' 'x'|'[1 2]'", NULL},
    {"{{ cat \"a\" 1 nil \"b\" (list 1 2) }}|{{ cat }}|{{ cat nil }}",
     "a 1 b [1 2]||", NULL},
    {"{{ indent 2 \"a\\nb\\n\" }}|{{ nindent 3 \"x\" }}|{{ indent 0 \"y\" }}",
     "  a\n  b\n  |\n   x|y", NULL},
    {"{{ indent -1 \"a\" }}", NULL,
     "error calling indent: strings: negative Repeat count"},
    {"{{ replace \"a\" \"b\" \"banana\" }}|{{ replace \"\" \"-\" \"abc\" }}|{{ "
     "replace \"na\" \"\" \"banana\" }}",
     "bbnbnb|-a-b-c-|ba", NULL},
    {"{{ plural \"one\" \"many\" 1 }}|{{ plural \"one\" \"many\" 2 }}|{{ "
     "plural \"one\" \"many\" 0 }}",
     "one|many|many", NULL},
    {"{{ toString 1 }}|{{ toString 1.5 }}|{{ toString nil }}|{{ toString (list "
     "1 \"a\") }}|{{ toString true }}|{{ toString \"s\" }}|{{ typeOf (toString "
     "1) }}",
     "1|1.5|<nil>|[1 a]|true|s|string", NULL},
    {"{{ toString 1000000.0 }}|{{ toString (float64 \"1e21\") }}|{{ toString "
     "(dict \"b\" 1 \"a\" 2) }}",
     "1e+06|1e+21|map[a:2 b:1]", NULL},
    {"{{ $s := split \"/\" \"a/b/c\" }}{{ $s._0 }}{{ $s._2 }}|{{ typeOf $s "
     "}}|{{ len $s }}",
     "ac|map[string]string|3", NULL},
    {"{{ $s := split \"\" \"ab\" }}{{ $s._1 }}|{{ split \",\" \"\" }}",
     "b|map[_0:]", NULL},
    {"{{ splitList \",\" \"a,b,,c\" }}|{{ typeOf (splitList \",\" \"a\") }}|{{ "
     "splitList \"\" \"abc\" }}|{{ len (splitList \",\" \"\") }}",
     "[a b  c]|[]string|[a b c]|1", NULL},
    {"{{ $s := splitn \",\" 2 \"a,b,c\" }}{{ $s._1 }}|{{ splitn \",\" 0 "
     "\"a,b\" }}|{{ len (splitn \",\" -1 \"a,b,c\") }}",
     "b,c|map[]|3", NULL},
    {"{{ toStrings (list 1 \"a\" nil 2.5 true) }}|{{ typeOf (toStrings (list "
     "1)) }}|{{ toStrings \"x\" }}|{{ toStrings nil }}|{{ len (toStrings nil) "
     "}}",
     "[1 a 2.5 true]|[]string|[x]|[]|0", NULL},
    {"{{ join \",\" (list 1 \"a\" nil 2) }}|{{ join \"-\" (splitList \",\" "
     "\"x,y\") }}|{{ join \",\" \"abc\" }}|{{ join \",\" nil }}|{{ join \",\" "
     "5 }}",
     "1,a,2|x-y|abc||5", NULL},
    {"{{ sortAlpha (list \"b\" \"a\" \"C\" 10 2) }}|{{ sortAlpha \"x\" }}|{{ "
     "sortAlpha nil }}|{{ typeOf (sortAlpha (list \"a\")) }}",
     "[10 2 C a b]|[x]|[<nil>]|[]string", NULL},
    {"{{ base \"/a/b.txt\" }}|{{ base \"\" }}|{{ base \"/\" }}|{{ base "
     "\"a/b/\" }}|{{ dir \"/a/b/c\" }}|{{ dir \"a\" }}|{{ dir \"\" }}|{{ clean "
     "\"a//b/../c/.\" }}|{{ clean \"/../a\" }}|{{ clean \"../../a/..\" }}|{{ "
     "clean \"\" }}|{{ ext \"a/b.tar.gz\" }}|{{ ext \"a.b/c\" }}|{{ isAbs "
     "\"/x\" }}|{{ isAbs \"x\" }}",
     "b.txt|.|/|b|/a/b|.|.|a/c|/a|../..|.|.gz||true|false", NULL},
    {"{{ regexQuoteMeta \"a.b*c[d]$\" }}", "a\\.b\\*c\\[d\\]\\$", NULL},
    {"{{ upper 1 }}", NULL, "expected string; found 1"},
};

static const fcase lists_cases[] = {
    {"{{ list 1 \"a\" nil 2.5 }}|{{ typeOf (list) }}|{{ list }}|{{ tuple 1 2 "
     "}}",
     "[1 a <nil> 2.5]|[]interface {}|[]|[1 2]", NULL},
    {"{{ append (list 1 2) 3 }}|{{ push (list) \"a\" }}|{{ append (splitList "
     "\",\" \"a,b\") \"c\" | typeOf }}|{{ mustAppend (list 1) 2 }}",
     "[1 2 3]|[a]|[]interface {}|[1 2]", NULL},
    {"{{ append \"x\" 1 }}", NULL,
     "error calling append: Cannot push on type string"},
    {"{{ append nil 1 }}", NULL,
     "error calling append: runtime error: invalid memory address or nil "
     "pointer dereference"},
    {"{{ prepend (list 1 2) 0 }}|{{ mustPrepend (list) 1 }}", "[0 1 2]|[1]",
     NULL},
    {"{{ first (list 1 2 3) }}|{{ first (list) }}|{{ last (list 1 2 3) }}|{{ "
     "last (list) }}|{{ mustFirst (list \"a\") }}|{{ first (splitList \",\" "
     "\"q,r\") }}",
     "1||3||a|q", NULL},
    {"{{ first \"abc\" }}", NULL,
     "error calling first: Cannot find first on type string"},
    {"{{ mustLast 1 }}", NULL,
     "error calling mustLast: Cannot find last on type int"},
    {"{{ rest (list 1 2 3) }}|{{ rest (list) }}|{{ initial (list 1 2 3) }}|{{ "
     "initial (list) }}|{{ rest (list 1) }}",
     "[2 3]|[]|[1 2]|[]|[]", NULL},
    {"{{ reverse (list 1 2 3) }}|{{ reverse (list) }}|{{ mustReverse (list "
     "\"a\" \"b\") }}",
     "[3 2 1]|[]|[b a]", NULL},
    {"{{ uniq (list 1 2 1 \"1\" 2.0 2 nil nil) }}|{{ mustUniq (list) }}",
     "[1 2 1 2 <nil>]|[]", NULL},
    {"{{ without (list 1 2 3 2) 2 }}|{{ without (list 1 2 3) 1 3 }}|{{ without "
     "(list 1 \"1\") \"1\" }}",
     "[1 3]|[2]|[1]", NULL},
    {"{{ has 2 (list 1 2) }}|{{ has \"2\" (list 1 2) }}|{{ has 1 nil }}|{{ has "
     "nil (list nil) }}|{{ mustHas 3 (list) }}",
     "true|false|false|true|false", NULL},
    {"{{ has 1 \"abc\" }}", NULL,
     "error calling has: Cannot find has on type string"},
    {"{{ compact (list 0 1 \"\" \"a\" nil false true (list) (dict)) }}|{{ "
     "mustCompact (list) }}",
     "[1 a true]|[]", NULL},
    {"{{ slice (list 1 2 3 4) 1 3 }}|{{ slice (list 1 2 3) 1 }}|{{ slice (list "
     "1 2) }}|{{ slice (list) }}|{{ typeOf (slice (splitList \",\" \"a,b\") 1) "
     "}}",
     "[2 3]|[2 3]|[1 2]||[]string", NULL},
    {"{{ slice (list 1 2) 1 5 }}", NULL,
     "error calling slice: reflect.Value.Slice: slice index out of bounds"},
    {"{{ concat (list 1 2) (list 3) (splitList \",\" \"a,b\") }}|{{ concat "
     "}}|{{ concat (list) (list) }}",
     "[1 2 3 a b]|[]|[]", NULL},
    {"{{ concat (list 1) \"x\" }}", NULL,
     "error calling concat: Cannot concat type string as list"},
    {"{{ chunk 2 (list 1 2 3 4 5) }}|{{ chunk 3 (list 1 2 3) }}|{{ chunk 2 "
     "(list) }}",
     "[[1 2] [3 4] [5]]|[[1 2 3]]|[]", NULL},
    {"{{ until 3 }}|{{ until 0 }}|{{ until -3 }}|{{ untilStep 0 10 3 }}|{{ "
     "untilStep 10 0 -4 }}|{{ untilStep 0 10 -1 }}|{{ untilStep 0 10 0 }}",
     "[0 1 2]|[]|[0 -1 -2]|[0 3 6 9]|[10 6 2]|[]|[]", NULL},
    {"{{ seq 3 }}|{{ seq 0 }}|{{ seq -2 }}|{{ seq 2 5 }}|{{ seq 5 2 }}|{{ seq "
     "0 2 7 }}|{{ seq 7 -2 0 }}|{{ seq 7 2 0 }}|{{ seq }}|{{ seq 1 2 3 4 }}",
     "1 2 3|1 0|1 0 -1 -2|2 3 4 5|5 4 3 2|0 2 4 6|7 5 3 1|||", NULL},
    /* Sprig's float arithmetic for the number of chunks */
    {"{{ chunk -5 (list 1 2 3) }}|{{ chunk -3 (list 9) }}|{{ chunk -1 (list 1 "
     "2) }}",
     "[]|[[9]]|[]", NULL},
    {"{{ chunk -1 (list 1 2 3) }}", NULL,
     "error calling chunk: runtime error: makeslice: len out of range"},
    {"{{ chunk 0 (list) }}", NULL,
     "error calling chunk: runtime error: makeslice: len out of range"},
    /* nil slices: [] when printed, null in JSON */
    {"{{ rest (list) }}|{{ rest (list) | toJson }}|{{ initial (list) | toJson "
     "}}|{{ concat | toJson }}|{{ rest (list 1) | toJson }}|{{ append (rest "
     "(list)) 1 | toJson }}|{{ deepEqual (rest (list)) (list) }}",
     "[]|null|null|null|[]|[1]|false", NULL},
};

static const fcase dicts_cases[] = {
    {"{{ dict \"a\" 1 \"b\" \"x\" }}|{{ dict \"a\" }}|{{ dict }}|{{ dict 1 2 "
     "nil 3 }}|{{ typeOf (dict) }}",
     "map[a:1 b:x]|map[a:]|map[]|map[1:2 <nil>:3]|map[string]interface {}",
     NULL},
    {"{{ get (dict \"a\" 1) \"a\" }}|{{ get (dict \"a\" 1) \"b\" }}|{{ typeOf "
     "(get (dict) \"x\") }}|{{ get (dict \"n\" nil) \"n\" }}",
     "1||string|", NULL},
    {"{{ $d := dict \"a\" 1 }}{{ $_ := set $d \"b\" 2 }}{{ $d }}|{{ set (dict) "
     "\"x\" nil }}",
     "map[a:1 b:2]|map[x:<nil>]", NULL},
    {"{{ $d := dict \"a\" 1 \"b\" 2 }}{{ $_ := unset $d \"a\" }}{{ $d }}|{{ "
     "unset (dict) \"z\" }}",
     "map[b:2]|map[]", NULL},
    {"{{ hasKey (dict \"a\" nil) \"a\" }}|{{ hasKey (dict) \"a\" }}",
     "true|false", NULL},
    {"{{ pluck \"a\" (dict \"a\" 1) (dict \"b\" 2) (dict \"a\" 3) }}|{{ pluck "
     "\"a\" }}",
     "[1 3]|[]", NULL},
    {"{{ keys (dict \"b\" 1 \"a\" 2 \"c\" 3) | sortAlpha }}|{{ keys (dict "
     "\"a\" 1) (dict \"b\" 2) | sortAlpha }}|{{ keys }}|{{ typeOf (keys "
     "(dict)) }}",
     "[a b c]|[a b]|[]|[]string", NULL},
    {"{{ values (dict \"a\" 1) }}|{{ values (dict) }}", "[1]|[]", NULL},
    {"{{ pick (dict \"a\" 1 \"b\" 2 \"c\" 3) \"a\" \"c\" \"z\" }}|{{ omit "
     "(dict \"a\" 1 \"b\" 2 \"c\" 3) \"a\" \"z\" }}",
     "map[a:1 c:3]|map[b:2 c:3]", NULL},
    {"{{ merge (dict \"a\" 1 \"b\" (dict \"x\" 1)) (dict \"a\" 2 \"b\" (dict "
     "\"y\" 2) \"c\" 3) | toJson }}",
     "{\"a\":1,\"b\":{\"x\":1,\"y\":2},\"c\":3}", NULL},
    {"{{ merge (dict \"a\" \"\" \"b\" 0 \"c\" false \"d\" (list) \"e\" nil) "
     "(dict \"a\" \"A\" \"b\" 1 \"c\" true \"d\" (list 1) \"e\" \"E\") | "
     "toJson }}",
     "{\"a\":\"A\",\"b\":1,\"c\":true,\"d\":[1],\"e\":\"E\"}", NULL},
    {"{{ merge (dict \"a\" (list 1)) (dict \"a\" (list 2 3)) | toJson }}|{{ "
     "mergeOverwrite (dict \"a\" (list 1)) (dict \"a\" (list 2 3)) | toJson }}",
     "{\"a\":[1]}|{\"a\":[2,3]}", NULL},
    {"{{ mergeOverwrite (dict \"a\" 1 \"b\" (dict \"x\" 1 \"z\" 0)) (dict "
     "\"a\" 2 \"b\" (dict \"y\" 2 \"z\" 5) \"c\" 3) | toJson }}",
     "{\"a\":2,\"b\":{\"x\":1,\"y\":2,\"z\":5},\"c\":3}", NULL},
    {"{{ mergeOverwrite (dict \"a\" \"x\" \"b\" \"y\" \"c\" 1) (dict \"a\" "
     "\"\" \"b\" nil \"c\" false) | toJson }}",
     "{\"a\":\"\",\"b\":null,\"c\":false}", NULL},
    {"{{ merge (dict \"a\" \"x\") (dict \"a\" (dict \"b\" 1)) (dict \"c\" "
     "(dict)) | toJson }}|{{ mergeOverwrite (dict \"a\" \"x\") (dict \"a\" "
     "(dict \"b\" 1)) | toJson }}",
     "{\"a\":\"x\",\"c\":{}}|{\"a\":{\"b\":1}}", NULL},
    {"{{ merge (dict) (dict \"a\" nil) | toJson }}|{{ mergeOverwrite (dict) "
     "(dict \"a\" nil) | toJson }}",
     "{}|{\"a\":null}", NULL},
    {"{{ $d := dict \"a\" 1 }}{{ $_ := merge $d (dict \"b\" 2) }}{{ $d | "
     "toJson }}|{{ mustMerge (dict) (dict \"a\" 1) | toJson }}|{{ "
     "mustMergeOverwrite (dict \"a\" 1) (dict \"a\" 2) | toJson }}",
     "{\"a\":1,\"b\":2}|{\"a\":1}|{\"a\":2}", NULL},
    {"{{ $a := dict \"x\" (dict \"y\" 1) }}{{ $b := deepCopy $a }}{{ $_ := set "
     "$b.x \"y\" 2 }}{{ $a | toJson }}{{ $b | toJson }}|{{ deepCopy (list 1 "
     "(dict \"a\" 1)) }}|{{ mustDeepCopy 1 }}",
     "{\"x\":{\"y\":1}}{\"x\":{\"y\":2}}|[1 map[a:1]]|1", NULL},
    {"{{ dig \"a\" \"b\" \"def\" (dict \"a\" (dict \"b\" 1)) }}|{{ dig \"a\" "
     "\"z\" \"def\" (dict \"a\" (dict \"b\" 1)) }}|{{ dig \"a\" \"def\" (dict) "
     "}}",
     "1|def|def", NULL},
    {"{{ dig \"a\" \"b\" \"d\" (dict \"a\" 1) }}", NULL,
     "error calling dig: interface conversion: interface {} is int, not "
     "map[string]interface {}"},
    {"{{ set nil \"a\" 1 }}", NULL,
     "error calling set: assignment to entry in nil map"},
    {"{{ get (list) \"a\" }}", NULL,
     "wrong type for value; expected map[string]interface {}; got []interface "
     "{}"},
    /* map parameters as Go's evalArg checks them, at the argument */
    {"{{ mustMerge (dict) \"x\" }}", NULL,
     "at <\"x\">: can't handle \"x\" for arg of type map[string]interface {}"},
    {"{{ mustMerge (dict) nil | toJson }}", "{}", NULL},
    {"{{ deepCopy nil }}", NULL,
     "error calling deepCopy: reflect: call of reflect.Value.Type on zero "
     "Value"},
};

static const fcase math_cases[] = {
    {"{{ atoi \"42\" }}|{{ atoi \"x\" }}|{{ atoi \" 1\" }}|{{ atoi \"-7\" "
     "}}|{{ atoi \"+7\" }}|{{ atoi \"1_000\" }}|{{ atoi "
     "\"99999999999999999999\" }}|{{ typeOf (atoi \"1\") }}",
     "42|0|0|-7|7|0|9223372036854775807|int", NULL},
    {"{{ int64 \"12\" }}|{{ int64 3.9 }}|{{ int64 -3.9 }}|{{ int64 \"0x1F\" "
     "}}|{{ int64 \"017\" }}|{{ int64 \"1.0\" }}|{{ int64 \"1.5\" }}|{{ int64 "
     "true }}|{{ int64 nil }}|{{ int64 \"1_000\" }}|{{ typeOf (int64 1) }}",
     "12|3|-3|31|15|1|0|1|0|1000|int64", NULL},
    {"{{ int \"12\" }}|{{ int 2.7 }}|{{ typeOf (int \"1\") }}|{{ int \"abc\" "
     "}}|{{ int (list) }}",
     "12|2|int|0|0", NULL},
    {"{{ float64 \"1.5\" }}|{{ float64 3 }}|{{ float64 \"x\" }}|{{ float64 "
     "\"1e3\" }}|{{ float64 true }}|{{ typeOf (float64 1) }}|{{ float64 "
     "\"1_0.5\" }}|{{ float64 \" 1\" }}|{{ float64 \"inf\" }}|{{ float64 "
     "\"1e400\" }}",
     "1.5|3|0|1000|1|float64|10.5|0|+Inf|0", NULL},
    {"{{ toDecimal \"0777\" }}|{{ toDecimal 777 }}|{{ toDecimal \"8\" }}|{{ "
     "typeOf (toDecimal \"1\") }}",
     "511|511|0|int64", NULL},
    {"{{ add 1 2 3 }}|{{ add }}|{{ add 1.9 \"2\" nil }}|{{ typeOf (add 1) "
     "}}|{{ add1 5 }}|{{ add1 \"x\" }}|{{ sub 5 7 }}|{{ mul 2 3 4 }}|{{ mul 5 "
     "}}|{{ div 7 2 }}|{{ div -7 2 }}|{{ mod 7 3 }}|{{ mod -7 3 }}",
     "6|0|3|int64|6|1|-2|24|5|3|-3|1|-1", NULL},
    {"{{ div 1 0 }}", NULL,
     "error calling div: runtime error: integer divide by zero"},
    {"{{ mod 1 0 }}", NULL,
     "error calling mod: runtime error: integer divide by zero"},
    {"{{ max 1 5 3 }}|{{ min 4 2 8 }}|{{ biggest 1 \"7\" }}|{{ max 3 }}|{{ "
     "typeOf (max 1) }}",
     "5|2|7|3|int64", NULL},
    {"{{ maxf 1 2.5 }}|{{ minf 1 2.5 -0.5 }}|{{ maxf 1 }}|{{ typeOf (maxf 1) "
     "}}",
     "2.5|-0.5|1|float64", NULL},
    {"{{ addf 0.1 0.2 }}|{{ addf 1 2 }}|{{ add1f 1.5 }}|{{ subf 1 0.9 }}|{{ "
     "mulf 0.1 3 }}|{{ divf 10 3 }}|{{ divf 1 3000 }}|{{ divf 2 3 }}|{{ divf "
     "-2 3 }}|{{ addf }}|{{ typeOf (addf 1) }}|{{ mulf 1.5 }}",
     "0.3|3|2.5|0.1|0.3|3.3333333333333335|0.0003333333333333|0."
     "6666666666666667|-0.6666666666666667|0|float64|1.5",
     NULL},
    {"{{ divf 1 0 }}", NULL, "error calling divf: decimal division by 0"},
    {"{{ floor 1.7 }}|{{ ceil 1.2 }}|{{ floor \"-1.5\" }}|{{ round 3.14159 2 "
     "}}|{{ round 2.5 0 }}|{{ round -1.25 1 }}|{{ round 1.45 1 0.6 }}|{{ "
     "typeOf (ceil 1) }}",
     "1|2|-2|3.14|3|-1.3|1.4|float64", NULL},
    {"{{ divf 1e300 1e-10 }}|{{ mulf 1e200 1e200 }}|{{ subf 0.3 0.1 0.1 }}",
     "+Inf|+Inf|0.1", NULL},
};

static const fcase encoding_cases[] = {
    {"{{ b64enc \"hello\" }}|{{ b64enc \"\" }}|{{ b64dec \"aGVsbG8=\" }}|{{ "
     "b64dec \"abc\" }}|{{ b64dec \"YQ==\" }}|{{ b64dec \"YQ=\" }}|{{ b64dec "
     "\"YQ==x\" }}|{{ b64dec \"YW\\nJj\" }}|{{ b64dec \"\" }}",
     "aGVsbG8=||hello|illegal base64 data at input byte 0|a|illegal base64 "
     "data at input byte 3|illegal base64 data at input byte 4|abc|",
     NULL},
    {"{{ sha256sum \"abc\" }}|{{ sha1sum \"abc\" }}|{{ adler32sum \"abc\" }}",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad|"
     "a9993e364706816aba3e25717850c26c9cd0d89d|38600999",
     NULL},
    {"{{ sha512sum \"\" }}",
     "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5"
     "d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
     NULL},
};

static const fcase regex_cases[] = {
    {"{{ regexMatch \"^[a-z]+$\" \"abc\" }}|{{ regexMatch \"^a$\" \"a\\n\" "
     "}}|{{ regexMatch \"(\" \"x\" }}|{{ regexMatch \"b\" \"abc\" }}",
     "true|false|false|true", NULL},
    {"{{ mustRegexMatch \"(\" \"x\" }}", NULL,
     "error calling mustRegexMatch: error parsing regexp: "},
    {"{{ regexFind \"[0-9]+\" \"ab12cd345\" }}|{{ regexFind \"z\" \"abc\" }}",
     "12|", NULL},
    {"{{ regexFind \"(\" \"x\" }}", NULL,
     "error calling regexFind: regexp: Compile(`(`): error parsing regexp: "
     "missing closing ): `(`"},
    {"{{ regexFind \"\\n(\" \"x\" }}", NULL,
     "error calling regexFind: regexp: Compile(\"\\n(\"): error parsing "
     "regexp: missing closing ): `\n(`"},
    {"{{ mustRegexFind \"a(?=b)\" \"ab\" }}", NULL,
     "error calling mustRegexFind: error parsing regexp: invalid or "
     "unsupported Perl syntax: `(?=`"},
    {"{{ regexMatch \"a++\" \"a\" }}|{{ regexMatch \"\\\\s\" \"\\v\" }}|{{ "
     "regexMatch \"a$\" \"a\\n\" }}|{{ regexFindAll \"[\\\\d-z]\" \"1-z\" -1 "
     "}}",
     "false|false|false|[1 - z]", NULL},
    {"{{ regexFindAll \"[0-9]+\" \"a1b22c333\" -1 }}|{{ regexFindAll "
     "\"[0-9]+\" \"a1b22c333\" 2 }}|{{ regexFindAll \"x*\" \"axxb\" -1 }}|{{ "
     "regexFindAll \"z\" \"abc\" -1 }}|{{ regexFindAll \"a\" \"aaa\" 0 }}",
     "[1 22 333]|[1 22]|[ xx ]|[]|[]", NULL},
    {"{{ regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"${1}W\" }}|{{ "
     "regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"$1W\" }}|{{ regexReplaceAll "
     "\"(?P<n>[0-9])\" \"a1b2\" \"<$n>\" }}|{{ regexReplaceAll \"x*\" \"abc\" "
     "\"-\" }}|{{ regexReplaceAll \"b\" \"abc\" \"$$\" }}|{{ regexReplaceAll "
     "\"b\" \"abc\" \"$\" }}|{{ regexReplaceAll \"b\" \"abc\" \"${\" }}|{{ "
     "regexReplaceAll \"(b)\" \"abc\" \"$2\" }}",
     "-W-xxW-|---|a<1>b<2>|-a-b-c-|a$c|a$c|a${c|ac", NULL},
    {"{{ regexReplaceAllLiteral \"a(x*)b\" \"-ab-axxb-\" \"${1}\" }}|{{ "
     "regexReplaceAll \"a|\" \"baaac\" \"X\" }}",
     "-${1}-${1}-|XbXXXcX", NULL},
    {"{{ regexSplit \"z+\" \"pizza\" -1 }}|{{ regexSplit \"z+\" \"pizza\" 1 "
     "}}|{{ regexSplit \"\" \"abc\" -1 }}|{{ regexSplit \"a\" \"banana\" 2 "
     "}}|{{ regexSplit \"x\" \"\" -1 }}|{{ regexSplit \"a\" \"a\" -1 }}|{{ len "
     "(regexSplit \"a\" \"b\" 0) }}",
     "[pi a]|[pizza]|[a b c]|[b nana]|[]|[ ]|0", NULL},
    {"{{ regexReplaceAll \"(?i)HELLO\" \"say hello\" \"bye\" }}|{{ regexMatch "
     "\"^\\\\d+$\" \"123\" }}|{{ regexFind \"\303\251+\" "
     "\"a\303\251\303\251b\" }}",
     "say bye|true|\303\251\303\251", NULL},
};

static const fcase semver_cases[] = {
    {"{{ semverCompare \">=1.2.3\" \"1.2.3\" }}|{{ semverCompare \">1.2.3\" "
     "\"1.2.3\" }}|{{ semverCompare \"^1.2\" \"1.9.0\" }}|{{ semverCompare "
     "\"^1.2\" \"2.0.0\" }}|{{ semverCompare \"~1.2\" \"1.2.9\" }}|{{ "
     "semverCompare \"~1.2\" \"1.3.0\" }}",
     "true|false|true|false|true|false", NULL},
    {"{{ semverCompare \">=1.20-0\" \"1.25.3-gke.100\" }}|{{ semverCompare "
     "\">=1.20\" \"1.25.3-gke.100\" }}|{{ semverCompare \">=1.20.0-0\" "
     "\"v1.21.0\" }}|{{ semverCompare \"1.2.x\" \"1.2.7\" }}|{{ semverCompare "
     "\"*\" \"4.0.0\" }}|{{ semverCompare \"1.0 - 2.0\" \"1.5.0\" }}|{{ "
     "semverCompare \"1.0 - 2.0\" \"2.1.0\" }}|{{ semverCompare \"<1.0 || "
     ">=3\" \"3.1\" }}|{{ semverCompare \">= 1.0, < 2\" \"1.9\" }}|{{ "
     "semverCompare \"!=1.5\" \"1.5.0\" }}|{{ semverCompare \"=1.5\" \"1.5.0\" "
     "}}|{{ semverCompare \"^0.2.3\" \"0.2.9\" }}|{{ semverCompare \"^0.2.3\" "
     "\"0.3.0\" }}|{{ semverCompare \"<=1.2\" \"1.2.9\" }}|{{ semverCompare "
     "\">1.2\" \"1.2.9\" }}|{{ semverCompare \">1.x\" \"2.0.0\" }}",
     "true|false|true|true|true|true|false|true|true|false|true|true|false|"
     "true|false|true",
     NULL},
    {"{{ semverCompare \">=1.0\" \"notaversion\" }}", NULL,
     "error calling semverCompare: invalid semantic version"},
    {"{{ semverCompare \"blah\" \"1.0.0\" }}", NULL,
     "error calling semverCompare: improper constraint: \"blah\""},
    {"{{ (semver \"1.2.3-beta.1+build\").Major }}|{{ (semver \"v2.3\").Minor "
     "}}|{{ (semver \"1.2.3-beta.1+b\").Prerelease }}|{{ (semver "
     "\"1.2.3+b.1\").Metadata }}",
     "1|3|beta.1|b.1", NULL},
    {"{{ semver \"x.y\" }}", NULL,
     "error calling semver: invalid semantic version"},
};

static const fcase types_cases[] = {
    {"{{ typeOf 1 }}|{{ typeOf 1.5 }}|{{ typeOf \"s\" }}|{{ typeOf nil }}|{{ "
     "typeOf true }}|{{ typeOf (list) }}|{{ typeOf (dict) }}|{{ typeOf (int64 "
     "1) }}",
     "int|float64|string|<nil>|bool|[]interface {}|map[string]interface "
     "{}|int64",
     NULL},
    {"{{ kindOf 1 }}|{{ kindOf 1.5 }}|{{ kindOf \"s\" }}|{{ kindOf nil }}|{{ "
     "kindOf (list) }}|{{ kindOf (dict) }}|{{ kindOf (int64 1) }}|{{ kindOf "
     "true }}",
     "int|float64|string|invalid|slice|map|int64|bool", NULL},
    {"{{ typeIs \"int\" 1 }}|{{ typeIs \"string\" 1 }}|{{ typeIsLike \"int\" 1 "
     "}}|{{ kindIs \"map\" (dict) }}|{{ kindIs \"slice\" (list) }}|{{ kindIs "
     "\"invalid\" nil }}",
     "true|false|true|true|true|true", NULL},
    {"{{ deepEqual (list 1 2) (list 1 2) }}|{{ deepEqual 1 1.0 }}|{{ deepEqual "
     "(dict \"a\" 1) (dict \"a\" 1) }}|{{ deepEqual 1 (int64 1) }}|{{ "
     "deepEqual nil nil }}",
     "true|false|true|false|true", NULL},
    {"{{ default \"d\" \"\" }}|{{ default \"d\" \"x\" }}|{{ default \"d\" 0 "
     "}}|{{ default \"d\" false }}|{{ default \"d\" (list) }}|{{ default \"d\" "
     "nil }}|{{ default \"d\" }}|{{ default \"d\" 1.5 }}|{{ \"\" | default "
     "\"p\" }}|{{ default 1 (dict) }}",
     "d|x|d|d|d|d|d|1.5|p|1", NULL},
    {"{{ empty \"\" }}|{{ empty 0 }}|{{ empty 0.0 }}|{{ empty nil }}|{{ empty "
     "(list) }}|{{ empty (dict \"a\" 1) }}|{{ empty false }}|{{ empty \"0\" }}",
     "true|true|true|true|true|false|true|false", NULL},
    {"{{ coalesce \"\" 0 nil \"x\" \"y\" }}|{{ coalesce }}|{{ coalesce \"\" "
     "nil }}|{{ coalesce 0 (list 1) }}",
     "x|||[1]", NULL},
    {"{{ all 1 \"a\" true }}|{{ all 1 \"\" }}|{{ all }}|{{ any 0 \"\" \"x\" "
     "}}|{{ any 0 \"\" }}|{{ any }}",
     "true|false|true|true|false|false", NULL},
    {"{{ ternary \"y\" \"n\" true }}|{{ ternary \"y\" \"n\" false }}|{{ true | "
     "ternary 1 2 }}",
     "y|n|1", NULL},
    {"{{ ternary \"y\" \"n\" \"true\" }}", NULL, "expected bool"},
};

static const fcase json_cases[] = {
    {"{{ toJson (dict \"b\" 1 \"a\" (list \"x\" nil true 1.5)) }}|{{ toJson "
     "\"<&>\" }}|{{ toJson nil }}|{{ toJson 1 }}",
     "{\"a\":[\"x\",null,true,1.5],\"b\":1}|\"\\u003c\\u0026\\u003e\"|null|1",
     NULL},
    {"{{ toPrettyJson (dict \"b\" 1 \"a\" (list \"x\" (dict)) \"c\" (list)) }}",
     "{\n  \"a\": [\n    \"x\",\n    {}\n  ],\n  \"b\": 1,\n  \"c\": []\n}",
     NULL},
    {"{{ mustToPrettyJson (list) }}|{{ toPrettyJson \"x\" }}", "[]|\"x\"",
     NULL},
    {"{{ toRawJson (dict \"a\" \"<b>&\\\\u003c\") }}|{{ mustToRawJson (list "
     "\"&\") }}|{{ mustToJson (dict \"a\" \"&\") }}",
     "{\"a\":\"<b>&\\\\u003c\"}|[\"&\"]|{\"a\":\"\\u0026\"}", NULL},
    {"{{ fromJson \"{\\\"a\\\":1,\\\"b\\\":[1,\\\"x\\\"]}\" | toJson }}|{{ "
     "(fromJson \"{\\\"a\\\":1}\").a | typeOf }}|{{ fromJson \"[1]\" | toJson "
     "}}|{{ fromJson \"null\" | len }}",
     "{\"a\":1,\"b\":[1,\"x\"]}|float64|{\"Error\":\"json: cannot unmarshal "
     "array into Go value of type map[string]interface {}\"}|0",
     NULL},
    {"{{ (fromJson \"{\").Error | empty }}", "false", NULL},
    {"{{ fromJsonArray \"[1,{\\\"a\\\":2}]\" | toJson }}|{{ fromJsonArray "
     "\"{}\" | toJson }}|{{ index (fromJsonArray \"[2]\") 0 | typeOf }}",
     "[1,{\"a\":2}]|[\"json: cannot unmarshal object into Go value of type "
     "[]interface {}\"]|float64",
     NULL},
    {"{{ mustFromJson \"[1,2]\" }}|{{ mustFromJson \"\\\"s\\\"\" }}|{{ "
     "mustFromJson \"3\" | typeOf }}",
     "[1 2]|s|float64", NULL},
    {"{{ mustFromJson \"{\" }}", NULL, "error calling mustFromJson: "},
    {"{{ mustToPrettyJson (float64 \"NaN\") }}", NULL,
     "error calling mustToPrettyJson: json: unsupported value: NaN"},
    {"{{ mustToRawJson (list (float64 \"-Inf\")) }}", NULL,
     "error calling mustToRawJson: json: unsupported value: -Inf"},
    {"{{ mustToJson (list 1i) }}", NULL,
     "error calling mustToJson: json: unsupported type: complex128"},
};

static const fcase yaml_cases[] = {
    {"{{ toYaml (dict \"b\" (list 1 2) \"a\" \"x\") }}|{{ toYaml nil }}|{{ "
     "toYaml \"\" }}|{{ toYaml (list) }}",
     "a: x\nb:\n- 1\n- 2|null|\"\"|[]", NULL},
    {"{{ fromYaml \"a: 1\\nb: [x, y]\\nc: yes\" | toJson }}|{{ fromYaml \"- "
     "a\" | toJson }}|{{ fromYaml \"x\" | toJson }}|{{ fromYaml \"\" | toJson "
     "}}|{{ fromYaml \"a: 1\\n---\\nb: 2\" | toJson }}",
     "{\"a\":1,\"b\":[\"x\",true],\"c\":true}|{\"Error\":\"error unmarshaling "
     "JSON: while decoding JSON: json: cannot unmarshal array into Go value of "
     "type map[string]interface {}\"}|{\"Error\":\"error unmarshaling JSON: "
     "while decoding JSON: json: cannot unmarshal string into Go value of type "
     "map[string]interface {}\"}|{}|{\"a\":1}",
     NULL},
    {"{{ (fromYaml \"a: [\").Error | empty }}", "false", NULL},
    {"{{ fromYamlArray \"- 1\\n- b\" | toJson }}|{{ fromYamlArray \"a: 1\" | "
     "toJson }}|{{ fromYamlArray \"\" | toJson }}",
     "[1,\"b\"]|[\"error unmarshaling JSON: while decoding JSON: json: cannot "
     "unmarshal object into Go value of type []interface {}\"]|[]",
     NULL},
};

static const fcase helm_cases[] = {
    {"{{ required \"need x\" \"v\" }}|{{ required \"m\" 0 }}|{{ required \"m\" "
     "false }}|{{ required \"m\" (list) }}",
     "v|0|false|[]", NULL},
    {"{{ required \"value x is required\" nil }}", NULL,
     "execution error at (x/templates/t.yaml:1:3): value x is required"},
    {"{{ required \"empty string\" \"\" }}", NULL,
     "execution error at (x/templates/t.yaml:1:3): empty string"},
    {"{{ fail \"custom failure\" }}", NULL,
     "execution error at (x/templates/t.yaml:1:3): custom failure"},
    {"{{ lookup \"v1\" \"Secret\" \"ns\" \"name\" | toJson }}|{{ lookup \"v1\" "
     "\"Pod\" \"\" \"\" | len }}",
     "{}|0", NULL},
};

static const fcase args_cases[] = {
    {"{{ $x := 1 }}{{ upper $x }}", NULL,
     "wrong type for value; expected string; got int"},
    {"{{ upper .Values.missing }}", NULL,
     "wrong type for value; expected string; got interface {}"},
    {"{{ .Values.missing | upper }}", NULL, "invalid value; expected string"},
    {"{{ $n := add 1 2 }}{{ trunc $n \"abcdef\" }}", NULL,
     "wrong type for value; expected int; got int64"},
    {"{{ $n := int 2 }}{{ trunc $n \"abcdef\" }}|{{ trunc (len \"ab\") \"xyz\" "
     "}}",
     "ab|xy", NULL},
    {"{{ $f := float64 2 }}{{ repeat $f \"x\" }}", NULL,
     "wrong type for value; expected int; got float64"},
    {"{{ $m := split \",\" \"a,b\" }}{{ get $m \"_0\" }}", NULL,
     "wrong type for value; expected map[string]interface {}; got "
     "map[string]string"},
    {"{{ hasKey .Values \"x\" }}|{{ get .Values \"nope\" }}|{{ pluck \"a\" "
     ".Values }}",
     "false||[]", NULL},
    {"{{ default \"x\" .Values.missing }}|{{ .Values.missing | default \"y\" "
     "}}|{{ empty .Values.missing }}|{{ coalesce .Values.a .Values.b \"z\" "
     "}}|{{ kindOf .Values.missing }}|{{ typeOf .Values.missing }}",
     "x|y|true|z|invalid|<nil>", NULL},
    {"{{ required \"need .Values.x\" .Values.x }}", NULL,
     "execution error at (x/templates/t.yaml:1:3): need .Values.x"},
    {"{{ toString .Values.missing }}|{{ quote .Values.missing }}|{{ squote "
     ".Values.missing }}|{{ cat .Values.missing \"a\" }}|{{ toJson "
     ".Values.missing }}|{{ toYaml .Values.missing }}|{{ int .Values.missing "
     "}}|{{ list .Values.missing }}",
     "<nil>|||a|null|null|0|[<nil>]", NULL},
    {"{{ ternary 1 2 .Values.missing }}", NULL, "expected bool"},
    {"{{ keys .Values }}|{{ merge .Values (dict \"a\" 1) | toJson }}",
     "[]|{\"a\":1}", NULL},
    {"{{ (first (list (dict \"a\" 1))).a }}|{{ last (list) | kindOf }}",
     "1|invalid", NULL},
    {"{{ set (dict) 1 2 }}", NULL, "expected string; found 1"},
    {"{{ dict \"a\" 1 | keys | first }}|{{ typeOf (first (splitList \",\" "
     "\"a\")) }}",
     "a|string", NULL},
};

static const fcase unicode_cases[] = {
    {"{{ title \"\303\251lan vital \303\261and\303\272\" }}|{{ upper "
     "\"stra\303\237e \307\205\" }}|{{ lower \"\316\221\316\222\316\223 "
     "\304\260\" }}|{{ quote \"\303\251\\u00a0\\u200b\" }}|{{ trunc 2 "
     "\"\303\251\" }}|{{ substr 0 1 \"\303\251a\" | len }}",
     "\303\211lan Vital \303\221and\303\272|STRA\303\237E "
     "\307\204|\316\261\316\262\316\263 "
     "i|\"\303\251\\u00a0\\u200b\"|\303\251|1",
     NULL},
    {"{{ trim \"\\u00a0 x \\u3000\" }}|{{ trimAll \"\303\251\" "
     "\"\303\251a\303\251\" }}|{{ nospace \"a\\u00a0b\" }}|{{ initials "
     "\"\303\251lan vital\" }}|{{ splitList \"\" \"a\303\251\" }}|{{ replace "
     "\"\" \"-\" \"\303\251\" }}|{{ untitle \"\303\211lan\" }}",
     "x|a|a\303\202b|\303\203v|[a \303\251]|-\303\251-|\303\251lan", NULL},
    {"{{ regexFindAll \".\" \"a\303\251b\" -1 }}|{{ regexReplaceAll "
     "\"(?P<x>\303\251)\" \"a\303\251b\" \"[${x}]\" }}|{{ regexSplit "
     "\"\303\251\" \"a\303\251b\303\251c\" -1 }}|{{ regexMatch \"^\\\\w+$\" "
     "\"\303\251\" }}|{{ regexMatch \"^\\\\s$\" \"\\u00a0\" }}|{{ regexFind "
     "\"[[:alpha:]]+\" \"ab1\" }}",
     "[a \303\251 b]|a[\303\251]b|[a b c]|false|false|ab", NULL},
    {"{{ regexReplaceAll \"$\" \"ab\\n\" \"X\" }}|{{ regexReplaceAll \"(?m)$\" "
     "\"a\\nb\" \"X\" }}|{{ regexReplaceAll \"^\" \"ab\" \"X\" }}|{{ "
     "regexReplaceAll \"\\\\b\" \"ab cd\" \"|\" }}|{{ regexFindAll \"a*?\" "
     "\"baaa\" -1 }}|{{ regexReplaceAll \"a(b)?\" \"ac ab\" \"<$1>\" }}",
     "ab\nX|aX\nbX|Xab||ab| |cd||[    ]|<>c <b>", NULL},
    {"{{ regexReplaceAll \"(a)(b)\" \"ab\" \"$2$1$0$10$1x${1}x$$1\" }}|{{ "
     "regexReplaceAll \"(?P<first>\\\\w+) (?P<last>\\\\w+)\" \"Jane Doe\" "
     "\"${last}, ${first}\" }}",
     "baabax$1|Doe, Jane", NULL},
};

static const fcase more_cases[] = {
    {"{{ abbrevboth 10 10 \"1234567890abcdefghij\" }}|{{ abbrevboth 3 10 "
     "\"abcdefghijklmnop\" }}|{{ abbrev 4 \"abcdefg\" }}|{{ abbrev 7 "
     "\"abcdefg\" }}",
     "...abcd...|abcdefg...|a...|abcdefg", NULL},
    {"{{ indent 2 \"\" }}|{{ nindent 2 \"\" }}|{{ indent 2 \"a\\r\\nb\" }}",
     "  |\n  |  a\015\n  b", NULL},
    {"{{ sortAlpha (list \"\303\251\" \"e\" \"z\" \"B\") }}|{{ uniq (list "
     "(list 1) (list 1) (dict) (dict)) }}|{{ without (list (dict \"a\" 1) 2) "
     "(dict \"a\" 1) }}",
     "[B e z \303\251]|[[1] map[]]|[2]", NULL},
    {"{{ toPrettyJson (dict \"a\" (dict \"b\" (list 1 (list)))) }}",
     "{\n  \"a\": {\n    \"b\": [\n      1,\n      []\n    ]\n  }\n}", NULL},
    {"{{ toRawJson \"\\u2028<\" }}|{{ toJson \"\\u2028\\t\\u0001\" }}|{{ "
     "toPrettyJson \"a\\\\\\\"b\" }}",
     "\"\\u2028<\"|\"\\u2028\\t\\u0001\"|\"a\\\\\\\"b\"", NULL},
    {"{{ mul 4611686018427387904 4 }}|{{ add 9223372036854775807 1 }}|{{ div "
     "-9223372036854775808 -1 }}|{{ mod -9223372036854775808 -1 }}|{{ sub "
     "-9223372036854775808 1 }}",
     "0|-9223372036854775808|-9223372036854775808|0|9223372036854775807", NULL},
    {"{{ int64 \"9223372036854775808\" }}|{{ int64 1e19 }}|{{ int (float64 "
     "\"nan\") }}|{{ atoi \"-9223372036854775809\" }}",
     "0|-9223372036854775808|-9223372036854775808|-9223372036854775808", NULL},
    {"{{ round 1.005 2 }}|{{ round 0.5 0 }}|{{ round -0.5 0 }}|{{ round "
     "123.456 -1 }}|{{ round 2.675 2 }}|{{ floor \"x\" }}|{{ ceil nil }}",
     "1|1|-1|120|2.68|0|0", NULL},
    {"{{ addf 1e-7 0 }}|{{ mulf 0.1 0.1 }}|{{ divf 1 7 }}|{{ divf 22 7 1000 "
     "}}|{{ subf 0 0.1 }}|{{ divf 0.5 -2 }}|{{ divf -1 3 }}|{{ addf \"1.5\" 2 "
     "}}|{{ mulf 123456789.123 1000 }}|{{ divf 1 1e20 }}|{{ divf 5e-17 1 }}|{{ "
     "divf 15e-17 1 }}",
     "1e-07|0.01|0.1428571428571429|0.0031428571428571|-0.1|-0.25|-0."
     "3333333333333333|3.5|1.23456789123e+11|0|1e-16|2e-16",
     NULL},
    {"{{ maxf 0 -0.0 | printf \"%v\" }}|{{ minf 1 (float64 \"nan\") }}|{{ maxf "
     "(float64 \"-inf\") (float64 \"nan\") }}",
     "0|NaN|NaN", NULL},
    {"{{ seq 1 0 1 }}|{{ seq 1 1 }}|{{ seq -1 -3 }}|{{ until 1 }}",
     "|1|-1 -2 -3|[0]", NULL},
    {"{{ b64enc \"\\u00ff\\u0001\" }}|{{ b64dec \"/w==\" | len }}|{{ b64dec "
     "\"YWJj\\r\\nZGVm\" }}|{{ b64dec \"Y=Q=\" }}|{{ b64dec \"YQ=\\n=\" }}|{{ "
     "b64dec \"=\" }}|{{ b64dec \"YQ\" }}",
     "w78B|1|abcdef|illegal base64 data at input byte 1|a|illegal base64 data "
     "at input byte 0|illegal base64 data at input byte 0",
     NULL},
    {"{{ semverCompare \"~0.0\" \"0.0.5\" }}|{{ semverCompare \"^0.0.3\" "
     "\"0.0.3\" }}|{{ semverCompare \"^0.0.3\" \"0.0.4\" }}|{{ semverCompare "
     "\"~1\" \"1.9.9\" }}|{{ semverCompare \">=1.2.3-alpha\" \"1.2.3-beta\" "
     "}}|{{ semverCompare \">=1.2.3-beta.2\" \"1.2.3-beta.11\" }}|{{ "
     "semverCompare \">1.0.0-alpha\" \"1.0.0-alpha.1\" }}|{{ semverCompare "
     "\"<1.0.0-rc.1\" \"1.0.0-rc.1.1\" }}|{{ semverCompare \"1.2.3\" "
     "\"1.2.3+build\" }}|{{ semverCompare \"!=1.2.x\" \"1.2.5\" }}|{{ "
     "semverCompare \"!=1.x\" \"2.0.0\" }}|{{ semverCompare \"<= 1.2.x\" "
     "\"1.2.99\" }}|{{ semverCompare \"1.x || 3.x\" \"2.5.0\" }}|{{ "
     "semverCompare \">=1.18.0-0 <1.19.0-0\" \"1.18.3\" }}|{{ semverCompare "
     "\"=v1.2.3\" \"1.2.3\" }}|{{ semverCompare \"1.2 - 1.4.5\" \"1.4.6\" }}",
     "true|true|false|true|true|true|true|false|true|false|true|true|false|"
     "true|true|false",
     NULL},
    {"{{ semverCompare \">=01.0\" \"1.0.0\" }}", "true", NULL},
    {"{{ semverCompare \">=1.0\" \"1.0.0-01\" }}", NULL,
     "error calling semverCompare: version segment starts with 0"},
    {"{{ semverCompare \">=1.0\" \"1.0.0.0\" }}", NULL,
     "error calling semverCompare: invalid semantic version"},
    {"{{ semverCompare \"\" \"1.0.0\" }}", NULL,
     "error calling semverCompare: improper constraint: \"\""},
    {"{{ semverCompare \">=1.0 <=\" \"1.0.0\" }}", NULL,
     "error calling semverCompare: improper constraint: \">=1.0 <=\""},
    {"{{ dict \"a\" 1 | toYaml }}|{{ fromYaml \"a: 1.5\" | toJson }}|{{ "
     "fromYaml \"a: 0o17\\nb: 1_000\\nc: on\" | toJson }}|{{ (fromYaml \"a: "
     "1\").a | typeOf }}",
     "a: 1|{\"a\":1.5}|{\"a\":15,\"b\":1000,\"c\":true}|float64", NULL},
    {"{{ $l := splitList \",\" \"b,a\" }}{{ $_ := sortAlpha $l }}{{ $l }}|{{ "
     "$k := list \"b\" \"a\" }}{{ $_ := sortAlpha $k }}{{ $k }}",
     "[a b]|[b a]", NULL},
    {"{{ $d := dict \"a\" (dict \"b\" 1) }}{{ $m := merge (dict) $d }}{{ $_ := "
     "set $m.a \"c\" 2 }}{{ $d | toJson }}",
     "{\"a\":{\"b\":1,\"c\":2}}", NULL},
};

/* Generated against Helm v3.21.4 (the cases of the functions added
 * last: words, dates, URLs, TOML). */
static const fcase words_cases[] = {
    {"{{ b32enc \"hello\" }}|{{ b32enc \"\" }}|{{ b32enc \"a\" }}|{{ b32enc "
     "\"ab\" }}|{{ b32enc \"abc\" }}|{{ b32enc \"abcd\" }}|{{ b32enc \"abcde\" "
     "}}|{{ b32enc \"abcdef\\xff\" }}",
     "NBSWY3DP||ME======|MFRA====|MFRGG===|MFRGGZA=|MFRGGZDF|MFRGGZDFM37Q====",
     NULL},
    {"{{ b32dec \"NBSWY3DP\" }}|{{ b32dec \"1\" }}|{{ b32dec \"NBSWY3D\" }}|{{ "
     "b32dec \"NB======\" }}|{{ b32dec \"NBSWY3DP====\" }}|{{ b32dec \"\" "
     "}}|{{ b32dec \"ME======\" }}|{{ b32dec \"MFRA====\" }}|{{ b32dec "
     "\"MFRGG===\" }}|{{ b32dec \"MFRGGZA=\" }}",
     "hello|illegal base32 data at input byte 0|illegal base32 data at input "
     "byte 0|h|illegal base32 data at input byte 8||a|ab|abc|abcd",
     NULL},
    {"{{ b32dec \"MFRA===\" }}|{{ b32dec \"MFRA=====\" }}|{{ b32dec "
     "\"MFR=====\" }}|{{ b32dec \"M=======\" }}|{{ b32dec \"MFRA==x=\" }}|{{ "
     "b32dec \"MFRGGZDFMZ======\" }}|{{ b32dec \"mfra====\" }}|{{ b32dec "
     "\"MF\\r\\nRA====\" }}|{{ b32dec \"ME======ME======\" }}",
     "illegal base32 data at input byte 7|ab|illegal base32 data at input byte "
     "3|illegal base32 data at input byte 1|illegal base32 data at input byte "
     "5|abcdef|illegal base32 data at input byte 0|ab|illegal base32 data at "
     "input byte 2",
     NULL},
    {"{{ wrap 10 \"the quick brown fox jumps over the lazy dog\" }}",
     "the quick\nbrown fox\njumps over\nthe lazy\ndog", NULL},
    {"{{ wrapWith 5 \"\\t\" \"Hello World\" }}|{{ wrap 0 \"a b c\" }}|{{ wrap "
     "3 \"abcdefgh ij\" }}|{{ wrapWith 3 \"|\" \"abcdefgh ij\" }}|{{ wrap 5 \" "
     " lead  spaces   here \" }}|{{ wrap 100 \"x y\" }}|{{ wrap -1 \"ab cd\" "
     "}}|{{ wrap 4 \"\" }}",
     "Hello\tWorld|a\nb\nc|abcdefgh\nij|abc|def|gh|ij|lead \nspaces\nhere |x "
     "y|ab\ncd|",
     NULL},
    {"{{ wrapWith 4 \"\" \"aaaaaaaa bb\" }}|{{ wrap 2 \"a  b  c\" }}|{{ wrap 5 "
     "\"h\303\251llo w\303\266rld\" }}",
     "aaaa\naaaa\nbb|a \nb \nc|h\303\251llo\nw\303\266rld", NULL},
    {"{{ snakecase \"FirstName\" }}|{{ camelcase \"first_name\" }}|{{ "
     "kebabcase \"FirstName\" }}|{{ snakecase \"HTTPServer\" }}|{{ camelcase "
     "\"http_server-x\" }}|{{ kebabcase \"some thing Else\" }}",
     "first_name|FirstName|first-name|http_server|HttpServerX|some-thing-else",
     NULL},
    {"{{ snakecase \"NoHTTPS\" }}|{{ snakecase \"GO_PATH\" }}|{{ snakecase "
     "\"GO PATH\" }}|{{ snakecase \"GO-PATH\" }}|{{ snakecase \"http2xx\" "
     "}}|{{ snakecase \"HTTP20xOK\" }}|{{ snakecase \"Duration2m3s\" }}|{{ "
     "snakecase \"Bld4Floor3rd\" }}",
     "no_https|go_path|go_path|go_path|http_2xx|http_20x_ok|duration_2m3s|bld4_"
     "floor_3rd",
     NULL},
    {"{{ snakecase \"\" }}|{{ snakecase \"a\" }}|{{ snakecase \"A\" }}|{{ "
     "snakecase \"_a__b_\" }}|{{ snakecase \"a.b,c\" }}|{{ snakecase \"aB.Cd\" "
     "}}|{{ snakecase \"x-Y z\" }}|{{ snakecase \"\303\200bcD\303\251f\" }}|{{ "
     "snakecase \"a1b2C3\" }}|{{ snakecase \"ABC123def\" }}|{{ snakecase "
     "\"--\" }}|{{ snakecase \"a$b\" }}|{{ snakecase \"a$$B\" }}",
     "|a|a|_a__b_|a.b,c|a_b.cd|x_y_z|\303\240bc_d\303\251f|a_1b2_c3|abc_123def|"
     "__|a_$_b|a_$$_b",
     NULL},
    {"{{ camelcase \"some_words\" }}|{{ camelcase \"http_server\" }}|{{ "
     "camelcase \"no_https\" }}|{{ camelcase \"_complex__case_\" }}|{{ "
     "camelcase \"some words\" }}|{{ camelcase \"GOLANG_IS_GREAT\" }}|{{ "
     "camelcase \"__\" }}|{{ camelcase \"\" }}|{{ camelcase \"a\" }}|{{ "
     "camelcase \"_\" }}|{{ camelcase \"ABC\" }}|{{ camelcase \"aBC_dEF\" "
     "}}|{{ camelcase \"x y\" }}",
     "SomeWords|HttpServer|NoHttps|_Complex_Case_|SomeWords|GolangIsGreat|___||"
     "A|__|Abc|ABCDEF|XY",
     NULL},
    {"{{ kebabcase \"HTTPServer\" }}|{{ kebabcase \"GO PATH\" }}|{{ kebabcase "
     "\"some--thing\" }}|{{ kebabcase \"a   b\" }}|{{ kebabcase "
     "\"\303\251\303\211\303\251\" }}|{{ kebabcase \"123\" }}|{{ kebabcase "
     "\"a123\" }}|{{ kebabcase \"A123B\" }}|{{ kebabcase \"A1b\" }}",
     "http-server|go-path|some--thing|a---b|\303\251-\303\251\303\251|123|a123|"
     "a123-b|a-1b",
     NULL},
    {"{{ (semver \"1.2.3\").Compare (semver \"1.3.0\") }}|{{ (semver "
     "\"v2.0.0\").LessThan (semver \"1.0.0\") }}|{{ (semver \"1.2\").String "
     "}}|{{ (semver \"1.2.3\").Major }}|{{ (semver \"1.2.3-a.1+m\").Prerelease "
     "}}|{{ (semver \"1.2.3-a.1+m\").Metadata }}|{{ (semver \"v1.2\").Original "
     "}}",
     "-1|false|1.2.0|1|a.1|m|v1.2", NULL},
    {"{{ (semver \"1.2.3\").Equal (semver \"1.2.3+x\") }}|{{ (semver "
     "\"1.0.0-a\").GreaterThan (semver \"1.0.0-b\") }}|{{ (semver "
     "\"1.0.0\").GreaterThanEqual (semver \"1.0.0\") }}|{{ (semver "
     "\"1.0.0\").LessThanEqual (semver \"0.9\") }}|{{ (semver \"1.0.0\").Equal "
     "nil }}",
     "true|false|true|false|false", NULL},
    {"{{ typeOf (semver \"1.2.3\") }}|{{ kindOf (semver \"1.2.3\") }}|{{ "
     "typeOf (semver \"1.2.3\").IncMajor }}|{{ kindOf (semver "
     "\"1.2.3\").IncMajor }}|{{ typeIsLike \"semver.Version\" (semver \"1\") "
     "}}",
     "*semver.Version|ptr|semver.Version|struct|true", NULL},
    {"{{ typeOf (semver \"1.2.3\").Major }}|{{ (semver "
     "\"18446744073709551615.0.0\").Major }}|{{ eq (semver \"1.2.3\").Major 1 "
     "}}|{{ lt -1 (semver \"1.2.3\").Patch }}|{{ printf \"%#v %q\" (semver "
     "\"1.2.3\").Minor (semver \"1.2.3\") }}|{{ (semver \"v1.2.3\").Value }}",
     "uint64|18446744073709551615|true|true|0x2 \"1.2.3\"|1.2.3", NULL},
    {"{{ (semver \"1.0.0\").Compare \"1.0.0\" }}", NULL,
     "can't handle \"1.0.0\" for arg of type *semver.Version"},
    {"{{ (semver \"1.0.0\").Compare nil }}", NULL,
     "error calling Compare: runtime error: invalid memory address or nil "
     "pointer dereference"},
    {"{{ ((semver \"1.2.3\").SetPrerelease \"01\").String }}", NULL,
     "error calling SetPrerelease: version segment starts with 0"},
    {"{{ dig \"a\" \"none\" .Values }}", NULL,
     "error calling dig: interface conversion: interface {} is "
     "chartutil.Values, not map[string]interface {}"},
    {"{{ dig \"a\" \"none\" (dict \"a\" 1) }}|{{ typeOf .Values }}|{{ kindOf "
     ".Values }}|{{ typeIs \"map[string]interface {}\" .Values }}|{{ get "
     ".Values \"x\" }}|{{ hasKey .Values \"x\" }}|{{ typeOf (deepCopy .Values) "
     "}}",
     "1|chartutil.Values|map|false||false|chartutil.Values", NULL},
};

static const fcase time_cases[] = {
    {"{{ dateInZone \"2006-01-02T15:04:05Z07:00\" 0 \"UTC\" }}|{{ dateInZone "
     "\"Jan 2, 2006\" 1700000000 \"UTC\" }}|{{ dateInZone \"2006-01-02 15:04\" "
     "(toDate \"2006-01-02\" \"2024-02-29\") \"UTC\" }}",
     "1970-01-01T00:00:00Z|Nov 14, 2023|2024-02-29 00:00", NULL},
    {"{{ duration 95 }}|{{ duration \"3600\" }}|{{ duration 0 }}|{{ duration "
     "(int64 95) }}|{{ duration \"-1\" }}|{{ duration \"x\" }}|{{ duration "
     "(int64 9999999999) }}|{{ duration \"100000\" }}",
     "0s|1h0m0s|0s|1m35s|-1s|0s|-2346317h47m54.709551616s|27h46m40s", NULL},
    {"{{ mustToDate \"2006-01-02\" \"2024-02-30\" }}", NULL,
     "error calling mustToDate: parsing time \"2024-02-30\": day out of range"},
    {"{{ mustToDate \"2006-01-02\" \"2024-13-01\" }}", NULL,
     "error calling mustToDate: parsing time \"2024-13-01\": month out of "
     "range"},
    {"{{ mustToDate \"2006-01-02\" \"x2024-13-01\" }}", NULL,
     "error calling mustToDate: parsing time \"x2024-13-01\" as "
     "\"2006-01-02\": cannot parse \"x2024-13-01\" as \"2006\""},
    {"{{ mustToDate \"2006-01-02\" \"2024-01-01 extra\" }}", NULL,
     "error calling mustToDate: parsing time \"2024-01-01 extra\": extra text: "
     "\" extra\""},
    {"{{ mustToDate \"2006-01-02 15:04\" \"2024-01-01 25:00\" }}", NULL,
     "error calling mustToDate: parsing time \"2024-01-01 25:00\": hour out of "
     "range"},
    {"{{ mustToDate \"Mon Jan 2 2006\" \"Tue Feb 3 2009\" }}|{{ mustToDate "
     "\"Monday, January 2 2006 3:04PM\" \"friday, MARCH 13 2020 12:30am\" "
     "}}|{{ mustToDate \"002 2006\" \"060 2024\" }}|{{ mustToDate \"__2 2006\" "
     "\" 60 2023\" }}",
     NULL,
     "error calling mustToDate: parsing time \"friday, MARCH 13 2020 12:30am\" "
     "as \"Monday, January 2 2006 3:04PM\": cannot parse \"am\" as \"PM\""},
    {"{{ mustToDate \"002 2006\" \"400 2024\" }}", NULL,
     "error calling mustToDate: parsing time \"400 2024\": day-of-year out of "
     "range"},
    {"{{ mustToDate \"2006-01-02 \303\251\" \"2024-01-01 x\\u00e8\" }}", NULL,
     "error calling mustToDate: parsing time \"2024-01-01 x\\xc3\\xa8\" as "
     "\"2006-01-02 \\xc3\\xa9\": cannot parse \"x\\xc3\\xa8\" as \" "
     "\\xc3\\xa9\""},
    {"{{ (toDate \"2006-01-02\" \"2024-02-29\").Year }}|{{ (toDate "
     "\"2006-01-02\" \"2024-02-29\").Month }}|{{ (toDate \"2006-01-02\" "
     "\"2024-02-29\").Weekday }}|{{ (toDate \"2006-01-02\" "
     "\"2024-02-29\").YearDay }}|{{ (toDate \"2006-01-02\" "
     "\"2024-02-29\").Unix }}|{{ (toDate \"2006-01-02\" \"2024-02-29\").IsZero "
     "}}|{{ (toDate \"2006\" \"x\").IsZero }}",
     "2024|February|Thursday|60|1709164800|false|true", NULL},
    {"{{ ((toDate \"2006-01-02\" \"2024-02-29\").AddDate 0 1 1).String }}|{{ "
     "((toDate \"2006-01-02\" \"2024-01-31\").AddDate 0 1 0).String }}|{{ "
     "((toDate \"2006-01-02\" \"2024-02-29\").Format \"Monday 02/01/06 3:04:05 "
     "PM .000 ,999 __2 002 Z07:00 -07 MST\") }}",
     "2024-03-30 00:00:00 +0000 UTC|2024-03-02 00:00:00 +0000 UTC|Thursday "
     "29/02/24 12:00:00 AM .000   60 060 Z +00 UTC",
     NULL},
    {"{{ (dateModify \"1.5h\" (toDate \"2006-01-02\" \"2024-02-29\")).String "
     "}}|{{ (dateModify \"bad\" (toDate \"2006-01-02\" \"2024-02-29\")).String "
     "}}|{{ (dateModify \"-90m30s\" (toDate \"2006-01-02\" "
     "\"2024-02-29\")).String }}|{{ unixEpoch (toDate \"2006-01-02\" "
     "\"2024-02-29\") }}",
     "2024-02-29 01:30:00 +0000 UTC|2024-02-29 00:00:00 +0000 UTC|2024-02-28 "
     "22:29:30 +0000 UTC|1709164800",
     NULL},
    {"{{ mustDateModify \"bad\" (toDate \"2006-01-02\" \"2024-02-29\") }}",
     NULL, "error calling mustDateModify: time: invalid duration \"bad\""},
    {"{{ mustDateModify \"1x\" (toDate \"2006-01-02\" \"2024-02-29\") }}", NULL,
     "error calling mustDateModify: time: unknown unit \"x\" in duration "
     "\"1x\""},
    {"{{ mustDateModify \"\" (toDate \"2006-01-02\" \"2024-02-29\") }}", NULL,
     "error calling mustDateModify: time: invalid duration \"\""},
    {"{{ mustDateModify \".h\" (toDate \"2006-01-02\" \"2024-02-29\") }}", NULL,
     "error calling mustDateModify: time: invalid duration \".h\""},
    {"{{ htmlDate 86400 }}|{{ htmlDateInZone (int64 -1) \"UTC\" }}|{{ date "
     "\"2006\" (toDate \"2006\" \"1999\") }}|{{ htmlDate (toDate \"2006-01-02 "
     "-0700\" \"2024-02-29 -0900\") }}|{{ date \"MST -0700\" (toDate "
     "\"2006-01-02 -0700\" \"2024-02-29 -0900\") }}",
     "1970-01-02|1969-12-31|1999|2024-02-29|UTC +0000", NULL},
    {"{{ durationRound \"2h30m\" }}|{{ durationRound \"3600s\" }}|{{ "
     "durationRound \"1h0m1s\" }}|{{ durationRound (int64 1000000000) }}|{{ "
     "durationRound 5 }}|{{ durationRound \"-400d\" }}|{{ durationRound "
     "\"-9000h\" }}|{{ durationRound \"800h\" }}|{{ durationRound \"1.5us\" "
     "}}|{{ durationRound \"2s\" }}",
     "2h|60m|1h|0s|0s|0s|1y|1mo|0s|2s", NULL},
    {"{{ (toDate \"2006-01-02 15:04:05.000000000\" \"2024-02-29 "
     "10:11:12.000001500\").String }}|{{ (toDate \"2006-01-02 15:04:05\" "
     "\"0001-01-01 00:00:00\").String }}|{{ (toDate \"2006-01-02\" "
     "\"1600-02-29\").Weekday }}|{{ (toDate \"2006-01-02 -0700\" \"2024-02-29 "
     "-0930\").String }}",
     "2024-02-29 10:11:12.0000015 +0000 UTC|0001-01-01 00:00:00 +0000 "
     "UTC|Tuesday|2024-02-29 00:00:00 -0930 -0930",
     NULL},
    {"{{ (toDate \"2006-01-02 15:04 MST\" \"2024-02-29 10:11 ChST\").String "
     "}}|{{ (toDate \"2006-01-02 15:04 MST\" \"2024-02-29 10:11 UTC\").String "
     "}}|{{ (toDate \"2006-01-02 15:04 -0700 MST\" \"2024-02-29 10:11 +0000 "
     "GMT\").String }}|{{ (toDate \"2006-01-02 15:04 -0700 MST\" \"2024-02-29 "
     "10:11 +0100 CET\").String }}",
     "2024-02-29 10:11:00 +0000 ChST|2024-02-29 10:11:00 +0000 UTC|2024-02-29 "
     "10:11:00 +0000 GMT|2024-02-29 10:11:00 +0100 CET",
     NULL},
    {"{{ typeOf (toDate \"2006\" \"2020\") }}|{{ kindOf (toDate \"2006\" "
     "\"2020\") }}",
     "time.Time|struct", NULL},
    {"{{ (toDate \"2006-01-02\" \"2024-02-29\").String }}|{{ (toDate "
     "\"2006-01-02\" \"bad\").String }}|{{ (toDate "
     "\"2006-01-02T15:04:05Z07:00\" \"2024-02-29T10:11:12+05:30\").String "
     "}}|{{ (toDate \"2006-01-02 15:04:05 MST\" \"2024-02-29 10:11:12 "
     "PST\").String }}",
     "2024-02-29 00:00:00 +0000 UTC|0001-01-01 00:00:00 +0000 UTC|2024-02-29 "
     "10:11:12 +0530 +0530|2024-02-29 10:11:12 +0000 PST",
     NULL},
    {"{{ (toDate \"2006-01-02T15:04:05.999999999Z07:00\" "
     "\"2024-02-29T10:11:12.123Z\").String }}|{{ (toDate \"Jan _2 "
     "15:04:05.000\" \"Feb  3 01:02:03.456\").String }}|{{ (toDate "
     "\"2006-01-02 15:04:05\" \"2024-01-02 03:04:05.5\").String }}|{{ (toDate "
     "\"02 Jan 06 15:04 -0700\" \"29 Feb 24 10:11 -0000\").String }}",
     "2024-02-29 10:11:12.123 +0000 UTC|0000-02-03 01:02:03.456 +0000 "
     "UTC|2024-01-02 03:04:05.5 +0000 UTC|2024-02-29 10:11:00 +0000 UTC",
     NULL},
    {"{{ (mustToDate \"Mon Jan 2 2006\" \"Tue Feb 3 2009\").String }}|{{ "
     "(mustToDate \"Monday, January 2 2006 3:04PM\" \"friday, MARCH 13 2020 "
     "12:30PM\").String }}|{{ (mustToDate \"002 2006\" \"060 2024\").String "
     "}}|{{ (mustToDate \"__2 2006\" \" 60 2023\").String }}",
     "2009-02-03 00:00:00 +0000 UTC|2020-03-13 12:30:00 +0000 UTC|2024-02-29 "
     "00:00:00 +0000 UTC|2023-03-01 00:00:00 +0000 UTC",
     NULL},
    {"{{ (mustToDate \"2006-01-02 15:04:05.000\" \"2024-01-01 "
     "10:11:12.1\").String }}",
     NULL,
     "error calling mustToDate: parsing time \"2024-01-01 10:11:12.1\" as "
     "\"2006-01-02 15:04:05.000\": cannot parse \".1\" as \".000\""},
    {"{{ (mustToDate \"2006-01-02 15:04:05\" \"2024-01-01 10:11:60\").String "
     "}}",
     NULL,
     "error calling mustToDate: parsing time \"2024-01-01 10:11:60\": second "
     "out of range"},
    {"{{ (mustToDate \"2006-01-02 3PM\" \"2024-01-01 12AM\").String }}|{{ "
     "(mustToDate \"2006-01-02 3PM\" \"2024-01-01 12PM\").String }}|{{ "
     "(mustToDate \"Jan 2006\" \"jan 2024\").String }}|{{ (mustToDate \"Jan "
     "2006\" \"Janu 2024\").String }}",
     NULL,
     "error calling mustToDate: parsing time \"Janu 2024\" as \"Jan 2006\": "
     "cannot parse \"u 2024\" as \" \""},
    {"{{ (mustToDate \"2006-01-02 -0700\" \"2024-01-01 +2500\").String }}",
     NULL,
     "error calling mustToDate: parsing time \"2024-01-01 +2500\": time zone "
     "offset hour out of range"},
    {"{{ (mustToDate \"2006-01-02 MST\" \"2024-01-01 AB\").String }}", NULL,
     "error calling mustToDate: parsing time \"2024-01-01 AB\" as \"2006-01-02 "
     "MST\": cannot parse \"AB\" as \"MST\""},
    {"{{ (mustToDate \"2006-01-02 MST\" \"2024-01-01 ABCDE\").String }}|{{ "
     "(mustToDate \"2006-01-02 MST\" \"2024-01-01 ABCT\").String }}|{{ "
     "(mustToDate \"2006-01-02 MST\" \"2024-01-01 +05\").String }}|{{ "
     "(mustToDate \"2006-01-02 MST\" \"2024-01-01 GMT\").String }}|{{ "
     "(mustToDate \"2006-01-02 MST\" \"2024-01-01 GMT-11\").String }}",
     NULL,
     "error calling mustToDate: parsing time \"2024-01-01 ABCDE\" as "
     "\"2006-01-02 MST\": cannot parse \"ABCDE\" as \"MST\""},
    {"{{ (mustToDate \"2006-01-02 MST\" \"2024-01-01 WITA\").String }}|{{ "
     "(mustToDate \"Jan _2\" \"Feb  9\").String }}|{{ (mustToDate \"Jan _2\" "
     "\"Feb 19\").String }}|{{ (mustToDate \"2006-1-2\" \"2024-1-2\").String "
     "}}|{{ (mustToDate \"_2006\" \"_2024\").String }}",
     "2024-01-01 00:00:00 +0000 WITA|0000-02-09 00:00:00 +0000 UTC|0000-02-19 "
     "00:00:00 +0000 UTC|2024-01-02 00:00:00 +0000 UTC|2024-01-01 00:00:00 "
     "+0000 UTC",
     NULL},
    {"{{ (mustToDate \"2006 .999\" \"2024 .5\").String }}|{{ (mustToDate "
     "\"2006 .999\" \"2024\").String }}",
     "2024-01-01 00:00:00.5 +0000 UTC|2024-01-01 00:00:00 +0000 UTC", NULL},
    {"{{ (mustToDate \"2006-01-02 15:04:05 -0700\" \"2024-06-01 12:00:00 "
     "+0000\").Format \"Jan _2 MST Z0700 Z07 -07:00:00 Z070000 .000000000000 "
     ".9\" }}",
     "Jun  1 UTC Z Z +00:00:00 Z .000000000 ", NULL},
    {"{{ ((mustToDate \"2006-01-02\" \"2024-06-01\").Add 1500000000).String "
     "}}|{{ ((mustToDate \"2006-01-02\" \"2024-06-01\").Add -1).String }}|{{ "
     "(mustToDate \"2006-01-02\" \"2024-06-01\").UTC.String }}|{{ (mustToDate "
     "\"2006-01-02\" \"2024-06-01\").UnixNano }}|{{ (mustToDate \"2006\" "
     "\"2024\").Equal (mustToDate \"2006\" \"2024\") }}",
     "2024-06-01 00:00:01.5 +0000 UTC|2024-05-31 23:59:59.999999999 +0000 "
     "UTC|2024-06-01 00:00:00 +0000 UTC|1717200000000000000|true",
     NULL},
};

static const fcase url_cases[] = {
    {"{{ (urlParse \"https://u:p@host:8443/path/x?q=1#frag\").host }}|{{ "
     "(urlParse \"https://host/path\").scheme }}|{{ urlJoin (dict \"scheme\" "
     "\"https\" \"host\" \"h\" \"path\" \"/p\" \"query\" \"a=b\") }}|{{ "
     "(urlParse \"https://u:p@host/x\").userinfo }}",
     "host:8443|https|https://h/p?a=b|u:p", NULL},
    {"{{ urlParse \"https://u:p@host:8443/path/x?q=1#frag\" }}",
     "map[fragment:frag host:host:8443 hostname:host opaque: path:/path/x "
     "query:q=1 scheme:https userinfo:u:p]",
     NULL},
    {"{{ urlParse \"HTTP://[fe80::1%25en0]:80/a%20b?x#a%20b\" }}",
     "map[fragment:a b host:[fe80::1%en0]:80 hostname:fe80::1%en0 opaque: "
     "path:/a b query:x scheme:http userinfo:]",
     NULL},
    {"{{ urlParse \"mailto:joe@example.com\" }}|{{ urlParse \"/rel/path?x=1\" "
     "}}|{{ urlParse \"rel\" }}|{{ urlParse \"\" }}|{{ urlParse \"*\" }}|{{ "
     "urlParse \"http://h?\" }}|{{ urlParse \"file:///etc/x\" }}|{{ urlParse "
     "\"//h/p\" }}|{{ urlParse \"///p\" }}",
     "map[fragment: host: hostname: opaque:joe@example.com path: query: "
     "scheme:mailto userinfo:]|map[fragment: host: hostname: opaque: "
     "path:/rel/path query:x=1 scheme: userinfo:]|map[fragment: host: "
     "hostname: opaque: path:rel query: scheme: userinfo:]|map[fragment: host: "
     "hostname: opaque: path: query: scheme: userinfo:]|map[fragment: host: "
     "hostname: opaque: path:* query: scheme: userinfo:]|map[fragment: host:h "
     "hostname:h opaque: path: query: scheme:http userinfo:]|map[fragment: "
     "host: hostname: opaque: path:/etc/x query: scheme:file "
     "userinfo:]|map[fragment: host:h hostname:h opaque: path:/p query: "
     "scheme: userinfo:]|map[fragment: host: hostname: opaque: path:///p "
     "query: scheme: userinfo:]",
     NULL},
    {"{{ urlParse \"http://u%40x:p%3Aw@h/\" }}|{{ urlParse \"http://user@h/\" "
     "}}|{{ urlParse \"http://a@b@c/\" }}|{{ urlParse "
     "\"postgres://h1:5432,h2:5433/db\" }}|{{ urlParse \"http://h:/\" }}",
     "map[fragment: host:h hostname:h opaque: path:/ query: scheme:http "
     "userinfo:u%40x:p%3Aw]|map[fragment: host:h hostname:h opaque: path:/ "
     "query: scheme:http userinfo:user]|map[fragment: host:c hostname:c "
     "opaque: path:/ query: scheme:http userinfo:a%40b]|map[fragment: "
     "host:h1:5432,h2:5433 hostname:h1:5432,h2 opaque: path:/db query: "
     "scheme:postgres userinfo:]|map[fragment: host:h: hostname:h opaque: "
     "path:/ query: scheme:http userinfo:]",
     NULL},
    {"{{ urlParse \"a:b/c\" }}",
     "map[fragment: host: hostname: opaque:b/c path: query: scheme:a "
     "userinfo:]",
     NULL},
    {"{{ urlParse \":x\" }}", NULL,
     "error calling urlParse: unable to parse url: parse \":x\": missing "
     "protocol scheme"},
    {"{{ urlParse \"http://h:8x/\" }}", NULL,
     "error calling urlParse: unable to parse url: parse \"http://h:8x/\": "
     "invalid port \":8x\" after host"},
    {"{{ urlParse \"http://h1:1:2/\" }}", NULL,
     "error calling urlParse: unable to parse url: parse \"http://h1:1:2/\": "
     "invalid port \":1:2\" after host"},
    {"{{ urlParse \"http://[::1/\" }}", NULL,
     "error calling urlParse: unable to parse url: parse \"http://[::1/\": "
     "missing ']' in host"},
    {"{{ urlParse \"http://a[::1]/\" }}", NULL,
     "error calling urlParse: unable to parse url: parse \"http://a[::1]/\": "
     "invalid IP-literal"},
    {"{{ urlParse \"http://[1.2.3.4]/\" }}", NULL,
     "error calling urlParse: unable to parse url: parse "
     "\"http://[1.2.3.4]/\": invalid IP-literal"},
    {"{{ urlParse \"http://[zz]/\" }}", NULL,
     "error calling urlParse: unable to parse url: parse \"http://[zz]/\": "
     "invalid host: ParseAddr(\"zz\"): unable to parse IP"},
    {"{{ urlParse \"http://h/%zz\" }}", NULL,
     "error calling urlParse: unable to parse url: parse \"http://h/%zz\": "
     "invalid URL escape \"%zz\""},
    {"{{ urlParse \"http://h/#%zz\" }}", NULL,
     "error calling urlParse: unable to parse url: parse \"http://h/#%zz\": "
     "invalid URL escape \"%zz\""},
    {"{{ urlParse \"http://h%41/\" }}", NULL,
     "error calling urlParse: unable to parse url: parse \"http://h%41/\": "
     "invalid URL escape \"%41\""},
    {"{{ urlParse \"http://h h/\" }}", NULL,
     "error calling urlParse: unable to parse url: parse \"http://h h/\": "
     "invalid character \" \" in host name"},
    {"{{ urlParse \"http://u s@h/\" }}", NULL,
     "error calling urlParse: unable to parse url: parse \"http://u s@h/\": "
     "net/url: invalid userinfo"},
    {"{{ urlParse \"http://h/\\x01\" }}", NULL,
     "error calling urlParse: unable to parse url: parse \"http://h/\\x01\": "
     "net/url: invalid control character in URL"},
    {"{{ urlParse \"1http://x\" }}|{{ urlParse \"a b:c\" }}|{{ urlParse "
     "\"http://h/a?b?c\" }}|{{ urlParse \"http://h/a??\" }}|{{ urlParse "
     "\"http://%C3%A9/\" }}",
     NULL,
     "error calling urlParse: unable to parse url: parse \"1http://x\": first "
     "path segment in URL cannot contain colon"},
    {"{{ urlJoin (dict \"scheme\" \"https\" \"host\" \"h\" \"path\" \"p q?\" "
     "\"query\" \"a=b\" \"fragment\" \"f g#\" \"userinfo\" \"u@x:p w\") }}|{{ "
     "urlJoin (dict) }}|{{ urlJoin (dict \"path\" \"a:b/c\") }}|{{ urlJoin "
     "(dict \"scheme\" \"mailto\" \"opaque\" \"x@y\") }}|{{ urlJoin (dict "
     "\"host\" \"h\") }}|{{ urlJoin (dict \"scheme\" \"file\" \"path\" \"/x\") "
     "}}|{{ urlJoin (dict \"userinfo\" \"u\") }}|{{ urlJoin (dict \"path\" "
     "\"*\") }}|{{ urlJoin (dict \"host\" \"\303\251\") }}",
     NULL,
     "error calling urlJoin: unable to parse userinfo in dict: parse "
     "\"proto://u@x:p w@host\": net/url: invalid userinfo"},
    {"{{ urlJoin (dict \"scheme\" 1) }}", NULL,
     "error calling urlJoin: unable to parse scheme key, must be of type "
     "string, but int found"},
    {"{{ urlJoin (dict \"userinfo\" \"a/b\") }}", "", NULL},
    {"{{ urlJoin (dict \"userinfo\" \"%zz\") }}", NULL,
     "error calling urlJoin: unable to parse userinfo in dict: parse "
     "\"proto://%zz@host\": invalid URL escape \"%zz\""},
    {"{{ urlJoin nil }}", "", NULL},
};

/* toYamlPretty: yaml.v3, lists indented under their key, 'g' floats,
 * v3's quoting; toYaml of the same value for contrast. */
static const fcase yamlpretty_cases[] = {
    {"{{ dict \"a\" (list 1 (dict \"b\" 2.5)) \"c\" 1000000.0 | toYamlPretty "
     "}}",
     "a:\n  - 1\n  - b: 2.5\nc: 1e+06", NULL},
    {"{{ dict \"a\" (list 1 (dict \"b\" 2.5)) \"c\" 1000000.0 | toYaml }}",
     "a:\n- 1\n- b: 2.5\nc: 1000000", NULL},
    {"{{ list \"yes\" \"a: b\" \"\" \"<<\" \"a\\tb\\nc\" | toYamlPretty }}",
     "- \"yes\"\n- 'a: b'\n- \"\"\n- <<\n- |-\n  a\tb\n  c", NULL},
    {"{{ dict \"a1b\" 1 \"a1_\" 2 | toYamlPretty }}|{{ dict \"a1b\" 1 "
     "\"a1_\" 2 | toYaml }}",
     "a1b: 1\na1_: 2|a1_: 2\na1b: 1", NULL},
    {"{{ toYamlPretty (b64dec \"/w==\") }}", "!!binary /w==", NULL},
    {"{{ toYamlPretty (semver \"1.2.3\") }}", NULL,
     "toYamlPretty of a *semver.Version is not supported by krmfn"},
};

static const fcase toml_cases[] = {
    {"{{ $m := fromToml \"a = 0x10\\nb.c = 'x'\\n[[t]]\\n\" }}{{ $m.a }} "
     "{{ typeOf $m.a }} {{ $m.b.c }} {{ typeOf $m.t }}",
     "16 int64 x []map[string]interface {}", NULL},
    {"{{ (fromToml \"a = 1\\na = 2\").Error }}",
     "toml: line 2 (last key \"a\"): Key 'a' has already been defined.", NULL},
    {"{{ (fromToml \"d = 1979-05-27\").d }}",
     "1979-05-27 00:00:00 +0000 date-local", NULL},

    {"{{ toToml nil }}", NULL,
     "error calling toToml: reflect: call of reflect.Value.Type on zero Value"},
    {"{{ toToml \"x\" }}|{{ toToml (list 1 \"a\") }}|{{ toToml (list (dict "
     "\"a\" 1)) }}|{{ toToml (dict \"a\" (list 1 nil)) }}|{{ toToml 1.5 }}|{{ "
     "toToml 3 }}|{{ toToml true }}|{{ toToml (list) }}|{{ toToml (dict) }}",
     "\"x\"|[1, \"a\"]|toml: top-level values must be Go maps or structs|toml: "
     "cannot encode array with nil element|1.5|3|true|[]|",
     NULL},
    {"{{ toToml (dict \"a\" (list (dict \"b\" 1) (dict \"c\" (dict \"d\" 2 "
     "\"e\" (list (dict \"f\" 1))))) \"z\" 1 \"y\" (dict \"x\" (dict \"w\" 1)) "
     "\"v\" (list (list 1 2) (dict \"a\" 1)) \"k y\" \"\303\251\\\"\\n\" \"\" "
     "1.5 \"f\" 1e20 \"g\" 100000000.0 \"h\" (list) \"i\" (dict)) }}",
     "\"\" = 1.5\nf = 1e+20\ng = 1e+08\nh = []\n\"k y\" = "
     "\"\303\251\\\"\\n\"\nv = [[1, 2], {a = 1}]\nz = 1\n\n[[a]]\n  b = "
     "1\n\n[[a]]\n  [a.c]\n    d = 2\n\n    [[a.c.e]]\n      f = "
     "1\n\n[i]\n\n[y]\n  [y.x]\n    w = 1\n",
     NULL},
    {"{{ toToml (dict \"a\" (list (dict \"b\" nil \"c\" 1))) }}|{{ toToml "
     "(dict \"a\" (list (list 1 nil))) }}|{{ toToml (dict \"a\" (list (dict "
     "\"x\" (list nil)))) }}|{{ toToml (dict \"n\" nil \"m\" 1) }}",
     "[[a]]\n  c = 1\n|toml: cannot encode array with nil element|toml: cannot "
     "encode array with nil element|m = 1\n",
     NULL},
    {"{{ toToml (dict \"s\" \"\\x01\\x7f\\b\\t\\f\\r\\\\\" \"a.b\" (dict \"c "
     "d\" (dict \"e\" 1)) \"t\" (list (dict \"q\" (dict \"r\" 1) \"p\" 2) "
     "(dict \"s\" (list 1 2))) \"u\" 1.0 \"w\" -0.0 \"x\" 1e-7 \"y\" "
     "123456789.0) }}",
     "s = \"\\u0001\\u007f\\b\\t\\f\\r\\\\\"\nu = 1.0\nw = -0.0\nx = 1e-07\ny "
     "= 1.23456789e+08\n\n[\"a.b\"]\n  [\"a.b\".\"c d\"]\n    e = 1\n\n[[t]]\n "
     " p = 2\n  [t.q]\n    r = 1\n\n[[t]]\n  s = [1, 2]\n",
     NULL},
    {"{{ toToml (dict \"a\" (dict \"b\" (dict \"c\" (dict \"d\" 1))) \"e\" 1) "
     "}}|{{ toToml (dict \"m\" (list (dict) (dict \"a\" (dict \"b\" (list "
     "(dict \"c\" 1)))))) }}|{{ toToml (dict \"inl\" (list (dict \"a\" (dict "
     "\"b\" 1) \"c\" 2 \"d\" (list (dict \"x\" 1))))) }}",
     "e = 1\n\n[a]\n  [a.b]\n    [a.b.c]\n      d = 1\n|[[m]]\n\n[[m]]\n  "
     "[m.a]\n\n    [[m.a.b]]\n      c = 1\n|[[inl]]\n  c = 2\n  [inl.a]\n    b "
     "= 1\n\n  [[inl.d]]\n    x = 1\n",
     NULL},
};

/* Where Sprig would read the clock, a render without a host fails
 * instead (see funcs_time.c); without one it can load no zone file either,
 * and a zone it cannot load is UTC, as in Sprig. */
static const fcase purity_cases[] = {
    {"{{ dateInZone \"2006\" \"x\" \"UTC\" }}", NULL,
     "error calling dateInZone: the current time is not available: this "
     "render was given no clock"},
    {"{{ date \"2006\" 1.5 }}", NULL,
     "error calling date: the current time is not available"},
    {"{{ now }}", NULL, "error calling now: the current time is not available"},
    {"{{ ago 0 }}", NULL,
     "error calling ago: the current time is not available"},
    {"{{ ago \"x\" }}", NULL,
     "error calling ago: the current time is not available"},
    {"{{ dateInZone \"2006-01-02T15 MST\" 0 \"Europe/Paris\" }}|{{ "
     "dateInZone \"15 MST\" 0 \"Mars/Olympus\" }}|{{ dateInZone \"15 MST\" 0 "
     "\"../x\" }}",
     "1970-01-01T00 UTC|00 UTC|00 UTC", NULL},
    {"{{ durationRound (toDate \"2006\" \"2020\") }}", NULL,
     "error calling durationRound: the current time is not available"},
    {"{{ date_in_zone \"2006\" 0 \"Local\" }}|{{ date \"2006\" 0 }}",
     "1970|1970", NULL},
    /* No resolver lent: Helm's engine without --enable-dns. */
    {"[{{ getHostByName \"localhost\" }}]", "[]", NULL},
};

/* Render one template the way Helm would name it; returns 0 or -1. */
static int render(const char *tpl, rn_buf *out, rn_error *err)
{
    rn_arena *a = rn_arena_new();
    tmpl_set *s = tmpl_set_new(a);
    tmpl_set_add_funcs(s, rn_funcs_sprig);
    tmpl_set_add_funcs(s, rn_funcs_helm);
    rn_error_clear(err);
    const char *name = "x/templates/t.yaml";
    int rc = tmpl_parse(s, name, tpl, strlen(tpl), err);
    if (rc == 0) {
        rn_value *values = rn_map_new(a, 1);
        rn_value *vals = rn_map_new(a, 0);
        vals->flags |= RN_F_VALUES; /* Helm's .Values is chartutil.Values */
        rn_map_setz(a, values, "Values", vals);
        rc = tmpl_execute(s, name, values, out, err);
    }
    rn_arena_free(a);
    return rc;
}

static void run_cases(const fcase *cases, size_t n)
{
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        const fcase *c = &cases[i];
        rn_buf out = RN_BUF_INIT;
        rn_error err;
        int rc = render(c->tpl, &out, &err);
        if (c->want) {
            if (rc != 0) {
                print_error("%s\n  unexpected error: %s\n", c->tpl, err.msg);
                failures++;
            } else if (strcmp(rn_buf_cstr(&out), c->want) != 0) {
                print_error("%s\n  got:  \"%s\"\n  want: \"%s\"\n", c->tpl,
                            rn_buf_cstr(&out), c->want);
                failures++;
            }
        } else if (rc == 0) {
            print_error("%s\n  rendered \"%s\", want error containing "
                        "\"%s\"\n",
                        c->tpl, rn_buf_cstr(&out), c->err);
            failures++;
        } else if (!strstr(err.msg, c->err)) {
            print_error("%s\n  error: %s\n  want substring: %s\n", c->tpl,
                        err.msg, c->err);
            failures++;
        }
        rn_buf_free(&out);
    }
    assert_int_equal(failures, 0);
}

#define CASES(group)                                                           \
    static void test_##group(void **state)                                     \
    {                                                                          \
        (void)state;                                                           \
        run_cases(group##_cases, sizeof group##_cases / sizeof(fcase));        \
    }

CASES(strings)
CASES(lists)
CASES(dicts)
CASES(math)
CASES(encoding)
CASES(regex)
CASES(semver)
CASES(types)
CASES(json)
CASES(yaml)
CASES(helm)
CASES(args)
CASES(unicode)
CASES(more)
CASES(words)
CASES(time)
CASES(url)
CASES(toml)
CASES(yamlpretty)
CASES(purity)

/* Functions Helm leaves out, and those that ask the network or are not
 * written yet, are unknown: using one is a parse error naming it. */
static void test_unknown_functions(void **state)
{
    (void)state;
    const char *names[] = {"randSeededNumeric", "env", "expandenv",
                           "include_not_a_func"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char tpl[64];
        snprintf(tpl, sizeof tpl, "{{ %s }}", names[i]);
        rn_buf out = RN_BUF_INIT;
        rn_error err;
        assert_int_equal(render(tpl, &out, &err), -1);
        char want[96];
        snprintf(want, sizeof want, "function \"%s\" not defined", names[i]);
        assert_non_null(strstr(err.msg, want));
        rn_buf_free(&out);
    }
}

/* Every table entry is well formed and Helm's names are all present. */
static void test_tables(void **state)
{
    (void)state;
    size_t n = 0;
    for (const tmpl_func_def *d = rn_funcs_sprig; d->name; d++, n++) {
        assert_non_null(d->fn);
        assert_true(d->max_args == -1 || d->max_args >= d->min_args);
    }
    assert_true(n > 150);
    const char *helm[] = {"toYaml",   "fromYaml", "fromYamlArray",
                          "toJson",   "fromJson", "fromJsonArray",
                          "required", "fail",     "lookup"};
    for (size_t i = 0; i < sizeof helm / sizeof *helm; i++) {
        bool found = false;
        for (const tmpl_func_def *d = rn_funcs_helm; d->name; d++)
            found = found || strcmp(d->name, helm[i]) == 0;
        assert_true(found);
    }
}

/* strconv.ParseInt(s, 0, 64) and (s, 10, 64). */
static void test_parse_int(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int base;
        int rc;
        int64_t v;
    } t[] = {
        {"0", 0, 0, 0},
        {"-12", 0, 0, -12},
        {"+7", 0, 0, 7},
        {"0x1F", 0, 0, 31},
        {"0X1f", 0, 0, 31},
        {"017", 0, 0, 15},
        {"0o17", 0, 0, 15},
        {"0b101", 0, 0, 5},
        {"1_000", 0, 0, 1000},
        {"0x_1F", 0, 0, 31},
        {"0_17", 0, 0, 15},
        {"_1", 0, -1, 0},
        {"1__0", 0, -1, 0},
        {"1_", 0, -1, 0},
        {"0x", 0, -1, 0},
        {"", 0, -1, 0},
        {"-", 0, -1, 0},
        {"08", 0, -1, 0},
        {" 1", 0, -1, 0},
        {"1_000", 10, -1, 0},
        {"017", 10, 0, 17},
        {"9223372036854775807", 10, 0, INT64_MAX},
        {"-9223372036854775808", 10, 0, INT64_MIN},
        {"9223372036854775808", 10, -1, 0},
        {"777", 8, 0, 511},
        {"8", 8, -1, 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        int64_t v = 0;
        int rc = rn_fn_parse_int(t[i].s, strlen(t[i].s), t[i].base, &v);
        if (rc != t[i].rc || (rc == 0 && v != t[i].v))
            fail_msg("ParseInt(%s, %d): rc %d v %lld", t[i].s, t[i].base, rc,
                     (long long)v);
    }
}

/* strconv.ParseFloat(s, 64). */
static void test_parse_float(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int rc;
        double v;
    } t[] = {
        {"1.5", 0, 1.5},     {"-2", 0, -2},    {"1e3", 0, 1000},
        {".5", 0, 0.5},      {"5.", 0, 5},     {"1_0.5", 0, 10.5},
        {"0x1p-2", 0, 0.25}, {"1E+2", 0, 100}, {"1e", -1, 0},
        {"", -1, 0},         {" 1", -1, 0},    {"1 ", -1, 0},
        {"abc", -1, 0},      {"0x1", -1, 0},   {"1e400", -1, 0},
        {"_1", -1, 0},       {".", -1, 0},     {"+.5e-1", 0, 0.05},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        double v = 0;
        int rc = rn_fn_parse_float(t[i].s, strlen(t[i].s), &v);
        if (rc != t[i].rc || (rc == 0 && v != t[i].v))
            fail_msg("ParseFloat(%s): rc %d v %g", t[i].s, rc, v);
    }
    double v;
    assert_int_equal(rn_fn_parse_float("Inf", 3, &v), 0);
    assert_true(v > 1e308);
    assert_int_equal(rn_fn_parse_float("-infinity", 9, &v), 0);
    assert_true(v < -1e308);
    assert_int_equal(rn_fn_parse_float("nan", 3, &v), 0);
    assert_true(v != v);
    assert_int_equal(rn_fn_parse_float("+nan", 4, &v), -1);
}

/* spf13/cast ToInt64 / ToFloat64 as Sprig uses them (errors give 0). */
static void test_cast(void **state)
{
    (void)state;
    rn_arena *a = rn_arena_new();
    assert_int_equal(rn_fn_cast_int64(rn_float(a, 3.9)), 3);
    assert_int_equal(rn_fn_cast_int64(rn_float(a, -3.9)), -3);
    assert_int_equal(rn_fn_cast_int64(rn_float(a, 1e300)), INT64_MIN);
    assert_int_equal(rn_fn_cast_int64(rn_strz(a, "12.000")), 12);
    assert_int_equal(rn_fn_cast_int64(rn_strz(a, "12.50")), 0);
    assert_int_equal(rn_fn_cast_int64(rn_strz(a, "0x10")), 16);
    assert_int_equal(rn_fn_cast_int64(rn_bool(a, true)), 1);
    assert_int_equal(rn_fn_cast_int64(rn_null(a)), 0);
    assert_int_equal(rn_fn_cast_int64(rn_list_new(a, 0)), 0);
    assert_true(rn_fn_cast_float64(rn_strz(a, "2.5")) == 2.5);
    assert_true(rn_fn_cast_float64(rn_int(a, 7)) == 7.0);
    assert_true(rn_fn_cast_float64(rn_strz(a, "x")) == 0.0);
    rn_arena_free(a);
}

/* utf8.DecodeRuneInString: invalid input is U+FFFD with width 1. */
static void test_utf8(void **state)
{
    (void)state;
    size_t w;
    assert_int_equal(rn_fn_utf8_decode("\303\251", 2, &w), 0xE9);
    assert_int_equal(w, 2);
    assert_int_equal(rn_fn_utf8_decode("\342\202\254", 3, &w), 0x20AC);
    assert_int_equal(w, 3);
    assert_int_equal(rn_fn_utf8_decode("\360\237\230\200", 4, &w), 0x1F600);
    assert_int_equal(w, 4);
    assert_int_equal(rn_fn_utf8_decode("\303", 1, &w), 0xFFFD);
    assert_int_equal(w, 1);
    assert_int_equal(rn_fn_utf8_decode("\300\200", 2, &w),
                     0xFFFD); /* overlong */
    assert_int_equal(w, 1);
    assert_int_equal(rn_fn_utf8_decode("\355\240\200", 3, &w), 0xFFFD);
    assert_int_equal(w, 1); /* surrogate */
    assert_true(rn_fn_uni_is_space(0x3000));
    assert_false(rn_fn_uni_is_space(0x200B));
    assert_int_equal(rn_fn_uni_to_upper(0x3C2), 0x3A3);
    assert_int_equal(rn_fn_uni_to_lower(0x130), 'i');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_dicts),
        cmocka_unit_test(test_math),
        cmocka_unit_test(test_encoding),
        cmocka_unit_test(test_regex),
        cmocka_unit_test(test_semver),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_yaml),
        cmocka_unit_test(test_helm),
        cmocka_unit_test(test_args),
        cmocka_unit_test(test_unicode),
        cmocka_unit_test(test_more),
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_toml),
        cmocka_unit_test(test_yamlpretty),
        cmocka_unit_test(test_purity),
        cmocka_unit_test(test_unknown_functions),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_parse_int),
        cmocka_unit_test(test_parse_float),
        cmocka_unit_test(test_cast),
        cmocka_unit_test(test_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
