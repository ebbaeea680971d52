/*
 * goregexp.c — Go's regexp/syntax parser (parse.go with the Perl flags
 * regexp.Compile uses) as a translator to PCRE2; see goregexp.h.
 *
 * The parse keeps Go's structure and its order of checks, so the error
 * reported is the first one Go reports, naming the same fragment of the
 * pattern. Of Go's parse stack only what those checks need is kept: for
 * each open group, whether the top of the stack is an operand (which a
 * repetition may follow) and how deeply repetitions nest inside the
 * operands (Go refuses more than 1000 copies in all, "invalid repeat
 * count"). Each operand is written as it is parsed; a repetition wraps the
 * last one in (?:...).
 */
#include "goregexp.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

#define MAX_RUNE 0x10FFFF
#define MAX_REPEAT 1000

/* Go's parse flags that change what is written (FoldCase, OneLine
 * inverted, DotNL, NonGreedy). */
enum {
    F_FOLD = 1,      /* (?i) */
    F_MULTILINE = 2, /* (?m): ^ and $ at line ends */
    F_DOTNL = 4,     /* (?s) */
    F_UNGREEDY = 8,  /* (?U) */
};

typedef struct gframe {
    unsigned flags; /* restored at the group's ')' */
    size_t at;      /* where the group's text starts in the output */
    long nest;      /* repetition nesting of its finished operands */
} gframe;

typedef struct gparse {
    rn_arena *a;
    const char *s; /* the whole pattern */
    size_t n;
    unsigned flags;
    rn_buf out;
    gframe *fr; /* fr[0] is the pattern itself, fr[depth] the open group */
    int depth, frcap;
    /* The top of Go's stack in the open group: an operand, or not (the
     * group's start, or a '|'). */
    bool has_last;
    long last_nest;
    size_t last_at;
    int groups, namecap;
    const char **names;
    const char *err;
} gparse;

/* --- errors --- */

static int fail(gparse *p, const char *code, const char *expr, size_t len)
{
    p->err = rn_arena_printf(p->a, "error parsing regexp: %s: `%.*s`", code,
                             (int)len, expr);
    return -1;
}

static int fail_at(gparse *p, const char *code, size_t from, size_t to)
{
    return fail(p, code, p->s + from, to - from);
}

/* nextRune: the rune at s[i], or ErrInvalidUTF8 naming the rest. At the
 * end it gives RN_RUNE_ERROR and width 0, as Go's decoder does. */
static int next_rune(gparse *p, size_t i, int32_t *r, size_t *w)
{
    if (i >= p->n) {
        *r = RN_RUNE_ERROR;
        *w = 0;
        return 0;
    }
    int width;
    *r = rn_utf8_rune((const unsigned char *)p->s + i, p->n - i, &width);
    *w = (size_t)width;
    if (*r == RN_RUNE_ERROR && width == 1)
        return fail_at(p, "invalid UTF-8", i, p->n);
    return 0;
}

/* checkUTF8 over s[from, to). */
static int check_utf8(gparse *p, size_t from, size_t to)
{
    for (size_t i = from; i < to;) {
        int width;
        int32_t r =
            rn_utf8_rune((const unsigned char *)p->s + i, to - i, &width);
        if (r == RN_RUNE_ERROR && width == 1)
            return fail_at(p, "invalid UTF-8", i, to);
        i += (size_t)width;
    }
    return 0;
}

/* --- writing the PCRE2 pattern --- */

static void put_rune(rn_buf *b, int32_t r)
{
    rn_buf_printf(b, "\\x{%X}", (unsigned)r);
}

static bool is_surrogate(int32_t r)
{
    return r >= 0xD800 && r <= 0xDFFF;
}

/* A new operand starts: the previous one is finished. */
static void operand(gparse *p)
{
    gframe *f = &p->fr[p->depth];
    if (p->has_last && p->last_nest > f->nest)
        f->nest = p->last_nest;
    p->has_last = true;
    p->last_nest = 1;
    p->last_at = p->out.len;
}

static void literal(gparse *p, int32_t r)
{
    operand(p);
    if (is_surrogate(r)) { /* no UTF-8 text holds one */
        rn_buf_puts(&p->out, "(?!)");
    } else if (p->flags & F_FOLD) {
        rn_buf_puts(&p->out, "(?i:");
        put_rune(&p->out, r);
        rn_buf_putc(&p->out, ')');
    } else {
        put_rune(&p->out, r);
    }
}

static void assertion(gparse *p, const char *pcre)
{
    operand(p);
    rn_buf_puts(&p->out, pcre);
}

/* --- character classes --- */

typedef struct grange {
    int32_t lo, hi;
} grange;

static const grange g_digit[] = {{'0', '9'}};
static const grange g_space[] = {{'\t', '\n'}, {'\f', '\r'}, {' ', ' '}};
static const grange g_word[] = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
static const grange g_alnum[] = {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}};
static const grange g_alpha[] = {{'A', 'Z'}, {'a', 'z'}};
static const grange g_ascii[] = {{0, 0x7F}};
static const grange g_blank[] = {{'\t', '\t'}, {' ', ' '}};
static const grange g_cntrl[] = {{0, 0x1F}, {0x7F, 0x7F}};
static const grange g_graph[] = {{0x21, 0x7E}};
static const grange g_lower[] = {{'a', 'z'}};
static const grange g_print[] = {{0x20, 0x7E}};
static const grange g_punct[] = {
    {0x21, 0x2F}, {0x3A, 0x40}, {0x5B, 0x60}, {0x7B, 0x7E}};
static const grange g_pspace[] = {{'\t', '\r'}, {' ', ' '}};
static const grange g_upper[] = {{'A', 'Z'}};
static const grange g_xdigit[] = {{'0', '9'}, {'A', 'F'}, {'a', 'f'}};
static const grange g_any[] = {{0, MAX_RUNE}};
/* Go's Kawi script (Unicode 15), which PCRE2 builds on Unicode 14 lack */
static const grange g_kawi[] = {
    {0x11F00, 0x11F10}, {0x11F12, 0x11F3A}, {0x11F3E, 0x11F59}};

#define GROUP(g) g, sizeof g / sizeof g[0]

typedef struct gclass {
    rn_buf b;
    bool any; /* something was added */
} gclass;

static void class_range(gclass *c, int32_t lo, int32_t hi)
{
    /* surrogates are no runes of UTF-8 text, and PCRE2 refuses them */
    if (lo <= 0xDFFF && hi >= 0xD800) {
        if (lo < 0xD800)
            class_range(c, lo, 0xD7FF);
        if (hi > 0xDFFF)
            class_range(c, 0xE000, hi);
        return;
    }
    put_rune(&c->b, lo);
    if (hi != lo) {
        rn_buf_putc(&c->b, '-');
        put_rune(&c->b, hi);
    }
    c->any = true;
}

static void class_group(gclass *c, const grange *g, size_t n, bool negate)
{
    if (!negate) {
        for (size_t i = 0; i < n; i++)
            class_range(c, g[i].lo, g[i].hi);
        return;
    }
    int32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (g[i].lo > next)
            class_range(c, next, g[i].lo - 1);
        next = g[i].hi + 1;
    }
    if (next <= MAX_RUNE)
        class_range(c, next, MAX_RUNE);
}

/* Push the finished class as an operand. */
static void class_emit(gparse *p, gclass *c, bool negate)
{
    operand(p);
    if (!c->any) {
        rn_buf_puts(&p->out, negate ? "(?s:.)" : "(?!)");
    } else {
        if (p->flags & F_FOLD)
            rn_buf_puts(&p->out, "(?i:");
        rn_buf_puts(&p->out, negate ? "[^" : "[");
        rn_buf_append(&p->out, rn_buf_cstr(&c->b), c->b.len);
        rn_buf_putc(&p->out, ']');
        if (p->flags & F_FOLD)
            rn_buf_putc(&p->out, ')');
    }
    rn_buf_free(&c->b);
}

/* Perl's \d \s \w and their negations, at s[i] (perlGroup). */
static bool perl_group(gparse *p, size_t i, gclass *c)
{
    if (i + 1 >= p->n || p->s[i] != '\\')
        return false;
    char k = p->s[i + 1];
    bool neg = k >= 'A' && k <= 'Z';
    switch (k | 0x20) {
    case 'd':
        class_group(c, GROUP(g_digit), neg);
        return true;
    case 's':
        class_group(c, GROUP(g_space), neg);
        return true;
    case 'w':
        class_group(c, GROUP(g_word), neg);
        return true;
    }
    return false;
}

static const struct {
    const char *name;
    const grange *g;
    size_t n;
} posix_groups[] = {
    {"alnum", GROUP(g_alnum)},  {"alpha", GROUP(g_alpha)},
    {"ascii", GROUP(g_ascii)},  {"blank", GROUP(g_blank)},
    {"cntrl", GROUP(g_cntrl)},  {"digit", GROUP(g_digit)},
    {"graph", GROUP(g_graph)},  {"lower", GROUP(g_lower)},
    {"print", GROUP(g_print)},  {"punct", GROUP(g_punct)},
    {"space", GROUP(g_pspace)}, {"upper", GROUP(g_upper)},
    {"word", GROUP(g_word)},    {"xdigit", GROUP(g_xdigit)},
};

/* --- Unicode classes --- */

/* The names Go 1.26's unicodeTable finds (Unicode 15.0.0), after its
 * canonicalName: a leading capital, the rest lower case, no '_', '-' or
 * ' '. Categories, then scripts (those whose name is already canonical:
 * Old_Italic and its kind are out of reach), then unicode.CategoryAliases.
 * `pcre` is what PCRE2 is given for it; sc: asks for the Script property,
 * where PCRE2's bare script names mean Script_Extensions. */
static const char *const go_categories[] = {
    "C",  "Cc", "Cf", "Cn", "Co", "Cs", "L",  "Ll", "Lm", "Lo",
    "Lt", "Lu", "M",  "Mc", "Me", "Mn", "N",  "Nd", "Nl", "No",
    "P",  "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S",  "Sc",
    "Sk", "Sm", "So", "Z",  "Zl", "Zp", "Zs",
};

static const char *const go_scripts[] = {
    "Adlam",      "Ahom",        "Arabic",    "Armenian",    "Avestan",
    "Balinese",   "Bamum",       "Batak",     "Bengali",     "Bhaiksuki",
    "Bopomofo",   "Brahmi",      "Braille",   "Buginese",    "Buhid",
    "Carian",     "Chakma",      "Cham",      "Cherokee",    "Chorasmian",
    "Common",     "Coptic",      "Cuneiform", "Cypriot",     "Cyrillic",
    "Deseret",    "Devanagari",  "Dogra",     "Duployan",    "Elbasan",
    "Elymaic",    "Ethiopic",    "Georgian",  "Glagolitic",  "Gothic",
    "Grantha",    "Greek",       "Gujarati",  "Gurmukhi",    "Han",
    "Hangul",     "Hanunoo",     "Hatran",    "Hebrew",      "Hiragana",
    "Inherited",  "Javanese",    "Kaithi",    "Kannada",     "Katakana",
    "Kawi",       "Kharoshthi",  "Khmer",     "Khojki",      "Khudawadi",
    "Lao",        "Latin",       "Lepcha",    "Limbu",       "Lisu",
    "Lycian",     "Lydian",      "Mahajani",  "Makasar",     "Malayalam",
    "Mandaic",    "Manichaean",  "Marchen",   "Medefaidrin", "Miao",
    "Modi",       "Mongolian",   "Mro",       "Multani",     "Myanmar",
    "Nabataean",  "Nandinagari", "Newa",      "Nko",         "Nushu",
    "Ogham",      "Oriya",       "Osage",     "Osmanya",     "Palmyrene",
    "Phoenician", "Rejang",      "Runic",     "Samaritan",   "Saurashtra",
    "Sharada",    "Shavian",     "Siddham",   "Sinhala",     "Sogdian",
    "Soyombo",    "Sundanese",   "Syriac",    "Tagalog",     "Tagbanwa",
    "Takri",      "Tamil",       "Tangsa",    "Tangut",      "Telugu",
    "Thaana",     "Thai",        "Tibetan",   "Tifinagh",    "Tirhuta",
    "Toto",       "Ugaritic",    "Vai",       "Vithkuqi",    "Wancho",
    "Yezidi",     "Yi",
};

static const struct {
    const char *alias, *category;
} go_aliases[] = {
    {"Casedletter", "LC"},
    {"Closepunctuation", "Pe"},
    {"Cntrl", "Cc"},
    {"Combiningmark", "M"},
    {"Connectorpunctuation", "Pc"},
    {"Control", "Cc"},
    {"Currencysymbol", "Sc"},
    {"Dashpunctuation", "Pd"},
    {"Decimalnumber", "Nd"},
    {"Digit", "Nd"},
    {"Enclosingmark", "Me"},
    {"Finalpunctuation", "Pf"},
    {"Format", "Cf"},
    {"Initialpunctuation", "Pi"},
    {"Letter", "L"},
    {"Letternumber", "Nl"},
    {"Lineseparator", "Zl"},
    {"Lowercaseletter", "Ll"},
    {"Mark", "M"},
    {"Mathsymbol", "Sm"},
    {"Modifierletter", "Lm"},
    {"Modifiersymbol", "Sk"},
    {"Nonspacingmark", "Mn"},
    {"Number", "N"},
    {"Openpunctuation", "Ps"},
    {"Other", "C"},
    {"Otherletter", "Lo"},
    {"Othernumber", "No"},
    {"Otherpunctuation", "Po"},
    {"Othersymbol", "So"},
    {"Paragraphseparator", "Zp"},
    {"Privateuse", "Co"},
    {"Punct", "P"},
    {"Punctuation", "P"},
    {"Separator", "Z"},
    {"Spaceseparator", "Zs"},
    {"Spacingmark", "Mc"},
    {"Surrogate", "Cs"},
    {"Symbol", "S"},
    {"Titlecaseletter", "Lt"},
    {"Unassigned", "Cn"},
    {"Uppercaseletter", "Lu"},
};

/* canonicalName into buf (at least n + 1 bytes). */
static void canonical_name(const char *s, size_t n, char *buf)
{
    size_t o = 0;
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '_' || c == '-' || c == ' ')
            continue;
        if (first) {
            if (c >= 'a' && c <= 'z')
                c = (char)(c - 'a' + 'A');
            first = false;
        } else if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        buf[o++] = c;
    }
    buf[o] = '\0';
}

static bool in_list(const char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

/* Under (?i) Go adds to a Unicode class the runes that fold into it
 * (unicode.FoldCategory, FoldScript); PCRE2's caseless matching leaves
 * \p alone. The small fold tables are these (Unicode 15.0.0); those of
 * Lu and Ll (hundreds of ranges) are taken as all cased letters, a few
 * caseless letters more than Go's. A negated class gets no fold runes. */
static const struct {
    const char *name;
    const char *pcre; /* what is added */
} fold_extra[] = {
    {"L", "\\x{345}"},
    {"Lu", "\\p{L&}\\x{345}"},
    {"Ll", "\\p{L&}\\x{345}"},
    {"Lt", "\\x{1C4}\\x{1C6}\\x{1C7}\\x{1C9}\\x{1CA}\\x{1CC}\\x{1F1}\\x{1F3}"
           "\\x{1F80}-\\x{1F87}\\x{1F90}-\\x{1F97}\\x{1FA0}-\\x{1FA7}"
           "\\x{1FB3}\\x{1FC3}\\x{1FF3}"},
    {"M", "\\x{399}\\x{3B9}\\x{1FBE}"},
    {"Mn", "\\x{399}\\x{3B9}\\x{1FBE}"},
    {"sc:Common", "\\x{39C}\\x{3BC}"},
    {"sc:Greek", "\\x{B5}\\x{345}"},
    {"sc:Inherited", "\\x{399}\\x{3B9}\\x{1FBE}"},
};

/* \p{name} (a PCRE2 property) into the class, with its fold runes. */
static void class_property(gclass *c, const char *name, bool negate, bool fold)
{
    rn_buf_printf(&c->b, "\\%c{%s}", negate ? 'P' : 'p', name);
    c->any = true;
    for (size_t i = 0;
         fold && !negate && i < sizeof fold_extra / sizeof fold_extra[0]; i++)
        if (strcmp(fold_extra[i].name, name) == 0)
            rn_buf_puts(&c->b, fold_extra[i].pcre);
}

static void class_category(gclass *c, const char *cat, bool negate, bool fold)
{
    class_property(c, strcmp(cat, "LC") == 0 ? "L&" : cat, negate, fold);
}

/* unicodeTable(name) into the class; false when Go knows no such table. */
static bool class_unicode(gclass *c, const char *name, size_t n, bool negate,
                          bool fold)
{
    char buf[64];
    if (n >= sizeof buf)
        return false;
    canonical_name(name, n, buf);
    if (strcmp(buf, "Any") == 0) {
        class_group(c, GROUP(g_any), negate);
    } else if (strcmp(buf, "Assigned") == 0) {
        class_category(c, "Cn", !negate, false);
    } else if (strcmp(buf, "Ascii") == 0) {
        class_group(c, GROUP(g_ascii), negate);
    } else if (strcmp(buf, "Lc") == 0) {
        class_category(c, "LC", negate, fold);
    } else if (in_list(go_categories,
                       sizeof go_categories / sizeof go_categories[0], buf)) {
        class_category(c, buf, negate, fold);
    } else if (strcmp(buf, "Kawi") == 0) {
        class_group(c, GROUP(g_kawi), negate);
    } else if (in_list(go_scripts, sizeof go_scripts / sizeof go_scripts[0],
                       buf)) {
        char sc[80];
        snprintf(sc, sizeof sc, "sc:%s", buf);
        class_property(c, sc, negate, fold);
    } else {
        for (size_t i = 0; i < sizeof go_aliases / sizeof go_aliases[0]; i++)
            if (strcmp(go_aliases[i].alias, buf) == 0) {
                class_category(c, go_aliases[i].category, negate, fold);
                return true;
            }
        return false;
    }
    return true;
}

/* parseUnicodeClass at s[*i] (a backslash): 1 when it was one (added to
 * c, *i moved past it), 0 when s[*i] is no \p or \P, -1 on error. With
 * `negated` the set is added as it is and whether to negate it is left
 * to the caller (which then negates the fold runes too). */
static int unicode_class(gparse *p, size_t *i, gclass *c, bool *negated)
{
    size_t s = *i;
    if (s + 1 >= p->n || p->s[s] != '\\' ||
        (p->s[s + 1] != 'p' && p->s[s + 1] != 'P'))
        return 0;
    bool negate = p->s[s + 1] == 'P';
    int32_t r;
    size_t w;
    if (next_rune(p, s + 2, &r, &w) != 0)
        return -1;
    size_t t = s + 2 + w, name, name_end;
    if (r != '{') {
        name = s + 2;
        name_end = t;
    } else {
        const char *end = memchr(p->s + s, '}', p->n - s);
        if (!end) {
            if (check_utf8(p, s, p->n) != 0)
                return -1;
            return fail_at(p, "invalid character class range", s, p->n);
        }
        name = s + 3;
        name_end = (size_t)(end - p->s);
        t = name_end + 1;
        if (check_utf8(p, name, name_end) != 0)
            return -1;
    }
    if (name < name_end && p->s[name] == '^') {
        negate = !negate;
        name++;
    }
    if (negated) {
        *negated = negate;
        negate = false;
    }
    if (!class_unicode(c, p->s + name, name_end - name, negate,
                       (p->flags & F_FOLD) != 0))
        return fail_at(p, "invalid character class range", s, t);
    *i = t;
    return 1;
}

/* --- escapes --- */

static bool is_alnum(int32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
           (c >= 'a' && c <= 'z');
}

static int unhex(int32_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* parseEscape at s[*i] (a backslash): the rune, *i moved past it. */
static int escape(gparse *p, size_t *i, int32_t *out)
{
    size_t s = *i, t = s + 1, w;
    int32_t c;
    if (t >= p->n) {
        p->err = "error parsing regexp: trailing backslash at end of "
                 "expression: ``";
        return -1;
    }
    if (next_rune(p, t, &c, &w) != 0)
        return -1;
    t += w;
    switch (c) {
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
        /* a single non-zero digit is a backreference: not supported */
        if (t >= p->n || p->s[t] < '0' || p->s[t] > '7')
            break;
        /* fall through */
    case '0': {
        int32_t r = c - '0';
        for (int k = 1; k < 3 && t < p->n && p->s[t] >= '0' && p->s[t] <= '7';
             k++)
            r = r * 8 + (p->s[t++] - '0');
        *out = r;
        *i = t;
        return 0;
    }
    case 'x': {
        if (t >= p->n)
            break;
        if (next_rune(p, t, &c, &w) != 0)
            return -1;
        t += w;
        if (c == '{') {
            int nhex = 0;
            int32_t r = 0;
            for (;;) {
                if (t >= p->n)
                    return fail_at(p, "invalid escape sequence", s, t);
                if (next_rune(p, t, &c, &w) != 0)
                    return -1;
                t += w;
                if (c == '}')
                    break;
                int v = unhex(c);
                if (v < 0)
                    return fail_at(p, "invalid escape sequence", s, t);
                r = r * 16 + v;
                if (r > MAX_RUNE)
                    return fail_at(p, "invalid escape sequence", s, t);
                nhex++;
            }
            if (nhex == 0)
                return fail_at(p, "invalid escape sequence", s, t);
            *out = r;
            *i = t;
            return 0;
        }
        int x = unhex(c);
        if (next_rune(p, t, &c, &w) != 0)
            return -1;
        t += w;
        int y = unhex(c);
        if (x < 0 || y < 0)
            break;
        *out = x * 16 + y;
        *i = t;
        return 0;
    }
    case 'a':
        *out = '\a';
        *i = t;
        return 0;
    case 'f':
        *out = '\f';
        *i = t;
        return 0;
    case 'n':
        *out = '\n';
        *i = t;
        return 0;
    case 'r':
        *out = '\r';
        *i = t;
        return 0;
    case 't':
        *out = '\t';
        *i = t;
        return 0;
    case 'v':
        *out = '\v';
        *i = t;
        return 0;
    default:
        /* escaped punctuation is itself (\_ too) */
        if (c < 0x80 && !is_alnum(c)) {
            *out = c;
            *i = t;
            return 0;
        }
    }
    return fail_at(p, "invalid escape sequence", s, t);
}

/* parseClassChar: a rune or an escape inside a class starting at `whole`. */
static int class_char(gparse *p, size_t *i, size_t whole, int32_t *r)
{
    if (*i >= p->n)
        return fail_at(p, "missing closing ]", whole, p->n);
    if (p->s[*i] == '\\')
        return escape(p, i, r);
    size_t w;
    if (next_rune(p, *i, r, &w) != 0)
        return -1;
    *i += w;
    return 0;
}

/* parseClass at s[*i] ('['). */
static int parse_class(gparse *p, size_t *i)
{
    size_t whole = *i, t = *i + 1;
    bool negate = false;
    gclass c = {RN_BUF_INIT, false};
    rn_buf_append(&c.b, "", 0);
    if (t < p->n && p->s[t] == '^') {
        negate = true;
        t++;
    }
    int rc = 0;
    for (bool first = true; t >= p->n || p->s[t] != ']' || first;
         first = false) {
        /* POSIX [:alnum:] and the like */
        if (p->n - t > 2 && p->s[t] == '[' && p->s[t + 1] == ':') {
            const char *end = NULL;
            for (size_t k = t + 2; k + 1 < p->n && !end; k++)
                if (p->s[k] == ':' && p->s[k + 1] == ']')
                    end = p->s + k;
            if (end) {
                size_t name_end = (size_t)(end - p->s) + 2;
                size_t from = t + 2;
                bool neg = from < name_end - 2 && p->s[from] == '^';
                if (neg)
                    from++;
                size_t len = name_end - 2 - from;
                size_t g = 0, ng = sizeof posix_groups / sizeof posix_groups[0];
                while (g < ng &&
                       !(strlen(posix_groups[g].name) == len &&
                         memcmp(posix_groups[g].name, p->s + from, len) == 0))
                    g++;
                if (g == ng) {
                    rc = fail_at(p, "invalid character class range", t,
                                 name_end);
                    break;
                }
                class_group(&c, posix_groups[g].g, posix_groups[g].n, neg);
                t = name_end;
                continue;
            }
        }
        int u = unicode_class(p, &t, &c, NULL);
        if (u < 0) {
            rc = -1;
            break;
        }
        if (u > 0)
            continue;
        if (perl_group(p, t, &c)) {
            t += 2;
            continue;
        }
        size_t rng = t;
        int32_t lo, hi;
        if (class_char(p, &t, whole, &lo) != 0) {
            rc = -1;
            break;
        }
        hi = lo;
        /* [a-] is a and -, so look for the closing ] */
        if (p->n - t >= 2 && p->s[t] == '-' && p->s[t + 1] != ']') {
            t++;
            if (class_char(p, &t, whole, &hi) != 0) {
                rc = -1;
                break;
            }
            if (hi < lo) {
                rc = fail_at(p, "invalid character class range", rng, t);
                break;
            }
        }
        class_range(&c, lo, hi);
    }
    if (rc != 0) {
        rn_buf_free(&c.b);
        return -1;
    }
    *i = t + 1;
    class_emit(p, &c, negate);
    return 0;
}

/* --- groups and repetition --- */

static void open_group(gparse *p, bool capture, const char *name,
                       unsigned flags_at_open)
{
    if (p->has_last) { /* the operand before the group is finished */
        gframe *f = &p->fr[p->depth];
        if (p->last_nest > f->nest)
            f->nest = p->last_nest;
    }
    if (p->depth + 1 >= p->frcap) {
        int ncap = p->frcap * 2;
        p->fr = rn_arena_realloc(p->a, p->fr, sizeof *p->fr * (size_t)p->frcap,
                                 sizeof *p->fr * (size_t)ncap);
        p->frcap = ncap;
    }
    gframe *f = &p->fr[++p->depth];
    f->flags = flags_at_open;
    f->at = p->out.len;
    f->nest = 1;
    p->has_last = false;
    if (capture) {
        p->groups++;
        if (p->groups >= p->namecap) {
            int ncap = p->namecap * 2;
            p->names = rn_arena_realloc(p->a, p->names,
                                        sizeof *p->names * (size_t)p->namecap,
                                        sizeof *p->names * (size_t)ncap);
            p->namecap = ncap;
        }
        p->names[p->groups] = name;
        rn_buf_putc(&p->out, '(');
    } else {
        rn_buf_puts(&p->out, "(?:");
    }
}

/* parseRightParen */
static int close_group(gparse *p)
{
    if (p->depth == 0)
        return fail(p, "unexpected )", p->s, p->n);
    gframe *f = &p->fr[p->depth--];
    long nest = f->nest;
    if (p->has_last && p->last_nest > nest)
        nest = p->last_nest;
    rn_buf_putc(&p->out, ')');
    p->flags = f->flags;
    p->has_last = true;
    p->last_nest = nest;
    p->last_at = f->at;
    return 0;
}

/* Insert `text` into the output at `at`. */
static void insert(rn_buf *b, size_t at, const char *text)
{
    size_t n = strlen(text);
    rn_buf_grow(b, n);
    memmove(b->data + at + n, b->data + at, b->len - at);
    memcpy(b->data + at, text, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* p.repeat: op is '*', '+', '?' or '{' (min, max; max -1 for no upper
 * bound); `before` is where the operator starts, *after where it ends
 * (moved past a lazy '?'); `last` is where the previous operator started
 * when the token before this one was one too, else SIZE_MAX. */
static int repeat(gparse *p, char op, int min, int max, size_t before,
                  size_t *after, size_t last)
{
    bool lazy = (p->flags & F_UNGREEDY) != 0;
    if (*after < p->n && p->s[*after] == '?') {
        (*after)++;
        lazy = !lazy;
    }
    if (last != SIZE_MAX)
        return fail_at(p, "invalid nested repetition operator", last, *after);
    if (!p->has_last)
        return fail_at(p, "missing argument to repetition operator", before,
                       *after);
    /* repeatIsValid: the copies a {n,m} makes of what it repeats, inner
     * {n,m} multiplied in, may not pass 1000 (an inner x{0} is none). */
    long nest = p->last_nest;
    if (op == '{') {
        int m = max < 0 ? min : max;
        nest = max == 0 ? 1 : (m > 0 ? m : 1) * nest;
        if ((min >= 2 || max >= 2) && nest > MAX_REPEAT)
            return fail_at(p, "invalid repeat count", before, *after);
    }
    insert(&p->out, p->last_at, "(?:");
    rn_buf_putc(&p->out, ')');
    if (op == '{') {
        if (max == min)
            rn_buf_printf(&p->out, "{%d}", min);
        else if (max < 0)
            rn_buf_printf(&p->out, "{%d,}", min);
        else
            rn_buf_printf(&p->out, "{%d,%d}", min, max);
    } else {
        rn_buf_putc(&p->out, op);
    }
    if (lazy)
        rn_buf_putc(&p->out, '?');
    p->last_nest = nest;
    return 0;
}

/* parseInt: a decimal without leading zeros; -1 when it grows too big. */
static bool parse_int(gparse *p, size_t *i, int *out)
{
    size_t t = *i;
    if (t >= p->n || p->s[t] < '0' || p->s[t] > '9')
        return false;
    if (p->n - t >= 2 && p->s[t] == '0' && p->s[t + 1] >= '0' &&
        p->s[t + 1] <= '9')
        return false;
    int n = 0;
    for (; t < p->n && p->s[t] >= '0' && p->s[t] <= '9'; t++) {
        if (n >= 100000000) {
            n = -1;
            while (t < p->n && p->s[t] >= '0' && p->s[t] <= '9')
                t++;
            break;
        }
        n = n * 10 + (p->s[t] - '0');
    }
    *out = n;
    *i = t;
    return true;
}

/* parseRepeat at s[*i] ('{'): {n}, {n,} or {n,m}; false when it is none
 * of them (then '{' is a literal). */
static bool parse_repeat(gparse *p, size_t *i, int *min, int *max)
{
    size_t t = *i + 1;
    if (!parse_int(p, &t, min) || t >= p->n)
        return false;
    if (p->s[t] != ',') {
        *max = *min;
    } else {
        t++;
        if (t >= p->n)
            return false;
        if (p->s[t] == '}') {
            *max = -1;
        } else {
            if (!parse_int(p, &t, max))
                return false;
            if (*max < 0)
                *min = -1;
        }
    }
    if (t >= p->n || p->s[t] != '}')
        return false;
    *i = t + 1;
    return true;
}

/* parsePerlFlags at s[*i] ("(?"): flags, a non-capturing group, or a
 * named capture. */
static int perl_flags(gparse *p, size_t *i)
{
    size_t s = *i, rest = p->n - s;
    bool with_p = rest > 4 && p->s[s + 2] == 'P' && p->s[s + 3] == '<';
    bool with_name = rest > 3 && p->s[s + 2] == '<';
    if (with_p || with_name) {
        size_t start = s + (with_p ? 4 : 3);
        const char *gt = memchr(p->s + s, '>', rest);
        if (!gt) {
            if (check_utf8(p, s, p->n) != 0)
                return -1;
            return fail_at(p, "invalid named capture", s, p->n);
        }
        size_t end = (size_t)(gt - p->s);
        if (check_utf8(p, start, end) != 0)
            return -1;
        bool ok = end > start;
        for (size_t k = start; k < end && ok; k++)
            ok = p->s[k] == '_' || is_alnum((unsigned char)p->s[k]);
        if (!ok)
            return fail_at(p, "invalid named capture", s, end + 1);
        open_group(p, true, rn_arena_strndup(p->a, p->s + start, end - start),
                   p->flags);
        *i = end + 1;
        return 0;
    }
    unsigned flags = p->flags;
    bool negate = false, saw = false;
    size_t t = s + 2;
    while (t < p->n) {
        int32_t c;
        size_t w;
        if (next_rune(p, t, &c, &w) != 0)
            return -1;
        t += w;
        unsigned bit = 0;
        switch (c) {
        case 'i':
            bit = F_FOLD;
            break;
        case 'm':
            bit = F_MULTILINE;
            break;
        case 's':
            bit = F_DOTNL;
            break;
        case 'U':
            bit = F_UNGREEDY;
            break;
        case '-':
            if (negate)
                goto bad;
            negate = true;
            saw = false;
            continue;
        case ':':
        case ')':
            if (negate && !saw)
                goto bad;
            if (c == ':')
                open_group(p, false, NULL, p->flags);
            p->flags = flags;
            *i = t;
            return 0;
        default:
            goto bad;
        }
        flags = negate ? flags & ~bit : flags | bit;
        saw = true;
    }
bad:
    return fail_at(p, "invalid or unsupported Perl syntax", s, t);
}

/* The backslash forms of the main loop, at s[*i]. */
static int backslash(gparse *p, size_t *i)
{
    size_t s = *i;
    if (s + 1 < p->n) {
        switch (p->s[s + 1]) {
        case 'A':
            assertion(p, "\\A");
            *i = s + 2;
            return 0;
        case 'b':
            assertion(p, "\\b");
            *i = s + 2;
            return 0;
        case 'B':
            assertion(p, "\\B");
            *i = s + 2;
            return 0;
        case 'C': /* any byte: not supported */
            return fail_at(p, "invalid escape sequence", s, s + 2);
        case 'Q': { /* \Q...\E: literals */
            size_t from = s + 2, to = p->n, next = p->n;
            for (size_t k = from; k + 1 < p->n; k++)
                if (p->s[k] == '\\' && p->s[k + 1] == 'E') {
                    to = k;
                    next = k + 2;
                    break;
                }
            for (size_t k = from; k < to;) {
                int width;
                int32_t r = rn_utf8_rune((const unsigned char *)p->s + k,
                                         to - k, &width);
                if (r == RN_RUNE_ERROR && width == 1)
                    return fail_at(p, "invalid UTF-8", k, to);
                literal(p, r);
                k += (size_t)width;
            }
            *i = next;
            return 0;
        }
        case 'z':
            assertion(p, "\\z");
            *i = s + 2;
            return 0;
        }
    }
    gclass c = {RN_BUF_INIT, false};
    rn_buf_append(&c.b, "", 0);
    bool negated = false;
    int u = unicode_class(p, i, &c, &negated);
    if (u == 0 && perl_group(p, s, &c)) {
        *i = s + 2;
        u = 1;
    }
    if (u != 0) {
        if (u > 0)
            class_emit(p, &c, negated);
        else
            rn_buf_free(&c.b);
        return u > 0 ? 0 : -1;
    }
    rn_buf_free(&c.b);
    int32_t r;
    if (escape(p, i, &r) != 0)
        return -1;
    literal(p, r);
    return 0;
}

/* One token of Go's parse loop at s[*i]; *repeat_at is where it started
 * when it was a repetition operator. */
static int token(gparse *p, size_t *i, size_t last, size_t *repeat_at)
{
    size_t t = *i;
    switch (p->s[t]) {
    case '(':
        if (t + 1 < p->n && p->s[t + 1] == '?')
            return perl_flags(p, i);
        open_group(p, true, NULL, p->flags);
        *i = t + 1;
        return 0;
    case '|':
        if (p->has_last) {
            gframe *f = &p->fr[p->depth];
            if (p->last_nest > f->nest)
                f->nest = p->last_nest;
        }
        p->has_last = false;
        rn_buf_putc(&p->out, '|');
        *i = t + 1;
        return 0;
    case ')':
        *i = t + 1;
        return close_group(p);
    case '^':
        assertion(p, (p->flags & F_MULTILINE) ? "(?<![^\\n])" : "\\A");
        *i = t + 1;
        return 0;
    case '$':
        assertion(p, (p->flags & F_MULTILINE) ? "(?![^\\n])" : "\\z");
        *i = t + 1;
        return 0;
    case '.':
        assertion(p, (p->flags & F_DOTNL) ? "(?s:.)" : "[^\\n]");
        *i = t + 1;
        return 0;
    case '[':
        return parse_class(p, i);
    case '*':
    case '+':
    case '?': {
        size_t after = t + 1;
        if (repeat(p, p->s[t], 0, 0, t, &after, last) != 0)
            return -1;
        *repeat_at = t;
        *i = after;
        return 0;
    }
    case '{': {
        int min, max;
        size_t after = t;
        if (!parse_repeat(p, &after, &min, &max)) {
            literal(p, '{');
            *i = t + 1;
            return 0;
        }
        if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT ||
            (max >= 0 && min > max))
            return fail_at(p, "invalid repeat count", t, after);
        if (repeat(p, '{', min, max, t, &after, last) != 0)
            return -1;
        *repeat_at = t;
        *i = after;
        return 0;
    }
    case '\\':
        return backslash(p, i);
    default: {
        int32_t r;
        size_t w;
        if (next_rune(p, t, &r, &w) != 0)
            return -1;
        literal(p, r);
        *i = t + w;
        return 0;
    }
    }
}

int rn_goregexp_translate(rn_arena *a, const char *pat, size_t len,
                          rn_goregexp *out, const char **err)
{
    gparse p;
    memset(&p, 0, sizeof p);
    p.a = a;
    p.s = pat;
    p.n = len;
    p.frcap = 8;
    p.fr = rn_arena_alloc(a, sizeof *p.fr * (size_t)p.frcap);
    p.fr[0] = (gframe){0, 0, 1};
    p.namecap = 8;
    p.names = rn_arena_alloc(a, sizeof *p.names * (size_t)p.namecap);
    p.names[0] = NULL;
    rn_buf_append(&p.out, "", 0);
    size_t i = 0, last = SIZE_MAX;
    int rc = 0;
    while (i < len && rc == 0) {
        size_t repeat_at = SIZE_MAX;
        rc = token(&p, &i, last, &repeat_at);
        last = repeat_at;
    }
    if (rc == 0 && p.depth != 0)
        rc = fail(&p, "missing closing )", pat, len);
    if (rc != 0) {
        rn_buf_free(&p.out);
        *err = p.err;
        return -1;
    }
    out->len = p.out.len;
    out->pcre = rn_arena_strndup(a, rn_buf_cstr(&p.out), p.out.len);
    rn_buf_free(&p.out);
    out->groups = p.groups;
    out->names = p.names;
    return 0;
}
