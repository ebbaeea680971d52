/*
 * tmpl_lex.c — the template lexer: Go's text/template/parse/lex.go, state
 * for state, so token boundaries, trim markers ("{{- " and " -}}"), line
 * numbers and error texts come out the same. The parser pulls one item at
 * a time with tk_next().
 */
#include "tmpl_int.h"
#include "unicode_class.h"

#include <stdio.h>
#include <string.h>

#define EOF_RUNE (-1)

typedef enum lstate {
    L_STOP, /* an item is ready in l->item */
    L_TEXT,
    L_LEFT_DELIM,
    L_COMMENT,
    L_RIGHT_DELIM,
    L_INSIDE,
    L_SPACE,
    L_IDENTIFIER,
    L_FIELD,
    L_VARIABLE,
    L_CHAR,
    L_NUMBER,
    L_QUOTE,
    L_RAW_QUOTE,
} lstate;

static const char LEFT[] = "{{", RIGHT[] = "}}";
#define DELIM_LEN 2

/* ---- runes -------------------------------------------------------------- */

/* Go's isAlphaNumeric: '_', unicode.IsLetter or unicode.IsDigit (the
 * non-ASCII decimal digits are few and counted by their block). */
static bool is_alnum_rune(int r)
{
    if (r < 0x80)
        return r == '_' || (r >= '0' && r <= '9') ||
               ((r | 0x20) >= 'a' && (r | 0x20) <= 'z');
    if (r > 0x10FFFF)
        return false;
    return rn_unicode_is_letter((uint32_t)r) || (r >= 0x660 && r <= 0x669) ||
           (r >= 0x6F0 && r <= 0x6F9) || (r >= 0x966 && r <= 0x96F) ||
           (r >= 0xFF10 && r <= 0xFF19);
}

static bool is_space_rune(int r)
{
    return r == ' ' || r == '\t' || r == '\r' || r == '\n';
}

/* ---- cursor --------------------------------------------------------- */

static int lnext(tk_lexer *l)
{
    if (l->pos >= l->len) {
        l->at_eof = true;
        return EOF_RUNE;
    }
    unsigned char b = (unsigned char)l->input[l->pos];
    if (b < 0x80) { /* ASCII: what decoding would give, without it */
        l->pos++;
        if (b == '\n')
            l->line++;
        return b;
    }
    int w;
    int r = tq_decode((const unsigned char *)l->input + l->pos, l->len - l->pos,
                      &w);
    l->pos += (size_t)w;
    if (r == '\n')
        l->line++;
    return r;
}

static void lbackup(tk_lexer *l)
{
    if (l->at_eof || l->pos == 0)
        return;
    /* Step back over one UTF-8 sequence as decode_rune read it. */
    size_t p = l->pos - 1;
    if ((unsigned char)l->input[p] < 0x80) { /* ASCII: one byte */
        if (l->input[p] == '\n')
            l->line--;
        l->pos = p;
        return;
    }
    size_t lo = l->pos >= 4 ? l->pos - 4 : 0;
    while (p > lo && ((unsigned char)l->input[p] & 0xC0) == 0x80)
        p--;
    int w;
    tq_decode((const unsigned char *)l->input + p, l->len - p, &w);
    if (p + (size_t)w != l->pos)
        p = l->pos - 1; /* invalid sequence: one byte */
    if (l->input[p] == '\n')
        l->line--;
    l->pos = p;
}

static int lpeek(tk_lexer *l)
{
    int r = lnext(l);
    lbackup(l);
    return r;
}

static int count_nl(const char *s, size_t n)
{
    int c = 0;
    for (const char *e = s + n; (s = memchr(s, '\n', (size_t)(e - s))); s++)
        c++;
    return c;
}

static bool has_prefix(const tk_lexer *l, size_t at, const char *p, size_t pn)
{
    return at <= l->len && l->len - at >= pn &&
           memcmp(l->input + at, p, pn) == 0;
}

static lstate emit_item(tk_lexer *l, tk_item it)
{
    l->item = it;
    return L_STOP;
}

static tk_item this_item(tk_lexer *l, tk_type t)
{
    tk_item it = {t, (int)l->start, l->input + l->start, l->pos - l->start,
                  l->start_line};
    l->start = l->pos;
    l->start_line = l->line;
    return it;
}

static lstate emit(tk_lexer *l, tk_type t)
{
    return emit_item(l, this_item(l, t));
}

static void ignore(tk_lexer *l)
{
    l->line += count_nl(l->input + l->start, l->pos - l->start);
    l->start = l->pos;
    l->start_line = l->line;
}

static bool accept(tk_lexer *l, const char *valid)
{
    int r = lnext(l);
    if (r > 0 && r < 0x80 && strchr(valid, r))
        return true;
    lbackup(l);
    return false;
}

static void accept_run(tk_lexer *l, const char *valid)
{
    for (;;) {
        int r = lnext(l);
        if (!(r > 0 && r < 0x80 && strchr(valid, r)))
            break;
    }
    lbackup(l);
}

static lstate errorf(tk_lexer *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static lstate errorf(tk_lexer *l, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    tk_item it = {TK_ERROR, (int)l->start, rn_arena_strdup(l->arena, buf),
                  strlen(buf), l->start_line};
    l->item = it;
    l->start = 0;
    l->pos = 0;
    l->len = 0;
    return L_STOP;
}

/* Go's %#U: U+0041 'A' (the quoted form only for printable runes). */
static void fmt_rune(char *buf, size_t n, int r)
{
    if (r == EOF_RUNE) {
        snprintf(buf, n, "U+FFFFFFFFFFFFFFFF");
        return;
    }
    if (!tq_is_print(r)) {
        snprintf(buf, n, "U+%04X", (unsigned)r);
        return;
    }
    char enc[5] = {0};
    tq_encode(enc, r);
    snprintf(buf, n, "U+%04X '%s'", (unsigned)r, enc);
}

/* ---- trim markers ---------------------------------------------------- */

static bool left_trim_marker(const tk_lexer *l, size_t at)
{
    return at + 2 <= l->len && l->input[at] == '-' &&
           is_space_rune((unsigned char)l->input[at + 1]);
}

static bool right_trim_marker(const tk_lexer *l, size_t at)
{
    return at + 2 <= l->len && is_space_rune((unsigned char)l->input[at]) &&
           l->input[at + 1] == '-';
}

static void at_right_delim(const tk_lexer *l, bool *delim, bool *trim)
{
    if (right_trim_marker(l, l->pos) &&
        has_prefix(l, l->pos + 2, RIGHT, DELIM_LEN)) {
        *delim = *trim = true;
        return;
    }
    *trim = false;
    *delim = has_prefix(l, l->pos, RIGHT, DELIM_LEN);
}

static size_t right_trim_length(const char *s, size_t n)
{
    size_t k = n;
    while (k > 0 && is_space_rune((unsigned char)s[k - 1]))
        k--;
    return n - k;
}

static size_t left_trim_length(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && is_space_rune((unsigned char)s[k]))
        k++;
    return k;
}

/* ---- states ------------------------------------------------------------ */

static lstate lex_text(tk_lexer *l)
{
    const char *hit = NULL;
    if (l->pos < l->len)
        hit = tq_find(l->input + l->pos, l->len - l->pos, LEFT, DELIM_LEN);
    if (hit) {
        size_t x = (size_t)(hit - (l->input + l->pos));
        if (x > 0) {
            l->pos += x;
            size_t trim = 0;
            if (left_trim_marker(l, l->pos + DELIM_LEN))
                trim =
                    right_trim_length(l->input + l->start, l->pos - l->start);
            l->pos -= trim;
            l->line += count_nl(l->input + l->start, l->pos - l->start);
            tk_item it = this_item(l, TK_TEXT);
            l->pos += trim;
            ignore(l);
            if (it.len > 0)
                return emit_item(l, it);
        }
        return L_LEFT_DELIM;
    }
    l->pos = l->len;
    if (l->pos > l->start) {
        l->line += count_nl(l->input + l->start, l->pos - l->start);
        return emit(l, TK_TEXT);
    }
    return emit(l, TK_EOF);
}

static lstate lex_left_delim(tk_lexer *l)
{
    l->pos += DELIM_LEN;
    bool trim = left_trim_marker(l, l->pos);
    size_t after = trim ? 2 : 0;
    if (has_prefix(l, l->pos + after, "/*", 2)) {
        l->pos += after;
        ignore(l);
        return L_COMMENT;
    }
    tk_item it = this_item(l, TK_LEFT_DELIM);
    l->inside_action = true;
    l->pos += after;
    ignore(l);
    l->paren_depth = 0;
    return emit_item(l, it);
}

static lstate lex_comment(tk_lexer *l)
{
    l->pos += 2;
    const char *end = NULL;
    if (l->pos < l->len)
        end = tq_find(l->input + l->pos, l->len - l->pos, "*/", 2);
    if (!end)
        return errorf(l, "unclosed comment");
    l->pos = (size_t)(end - l->input) + 2;
    bool delim, trim;
    at_right_delim(l, &delim, &trim);
    if (!delim)
        return errorf(l, "comment ends before closing delimiter");
    l->line += count_nl(l->input + l->start, l->pos - l->start);
    tk_item it = this_item(l, TK_COMMENT);
    if (trim)
        l->pos += 2;
    l->pos += DELIM_LEN;
    if (trim)
        l->pos += left_trim_length(l->input + l->pos, l->len - l->pos);
    ignore(l);
    if (l->emit_comment)
        return emit_item(l, it);
    return L_TEXT;
}

static lstate lex_right_delim(tk_lexer *l)
{
    bool delim, trim;
    at_right_delim(l, &delim, &trim);
    if (trim) {
        l->pos += 2;
        ignore(l);
    }
    l->pos += DELIM_LEN;
    tk_item it = this_item(l, TK_RIGHT_DELIM);
    if (trim) {
        l->pos += left_trim_length(l->input + l->pos, l->len - l->pos);
        ignore(l);
    }
    l->inside_action = false;
    return emit_item(l, it);
}

static lstate lex_inside(tk_lexer *l)
{
    bool delim, trim;
    at_right_delim(l, &delim, &trim);
    if (delim) {
        if (l->paren_depth == 0)
            return L_RIGHT_DELIM;
        return errorf(l, "unclosed left paren");
    }
    int r = lnext(l);
    if (r == EOF_RUNE)
        return errorf(l, "unclosed action");
    if (is_space_rune(r)) {
        lbackup(l); /* the space may start " -}}" */
        return L_SPACE;
    }
    switch (r) {
    case '=':
        return emit(l, TK_ASSIGN);
    case ':':
        if (lnext(l) != '=')
            return errorf(l, "expected :=");
        return emit(l, TK_DECLARE);
    case '|':
        return emit(l, TK_PIPE);
    case '"':
        return L_QUOTE;
    case '`':
        return L_RAW_QUOTE;
    case '$':
        return L_VARIABLE;
    case '\'':
        return L_CHAR;
    case '(':
        l->paren_depth++;
        return emit(l, TK_LEFT_PAREN);
    case ')':
        l->paren_depth--;
        if (l->paren_depth < 0)
            return errorf(l, "unexpected right paren");
        return emit(l, TK_RIGHT_PAREN);
    default:
        break;
    }
    if (r == '.') {
        if (l->pos < l->len) {
            char c = l->input[l->pos];
            if (c < '0' || c > '9')
                return L_FIELD;
        }
        lbackup(l);
        return L_NUMBER;
    }
    if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
        lbackup(l);
        return L_NUMBER;
    }
    if (is_alnum_rune(r)) {
        lbackup(l);
        return L_IDENTIFIER;
    }
    if (r < 0x80 && r >= 0x20 && r < 0x7F)
        return emit(l, TK_CHAR);
    char rb[32];
    fmt_rune(rb, sizeof rb, r);
    return errorf(l, "unrecognized character in action: %s", rb);
}

static lstate lex_space(tk_lexer *l)
{
    int n = 0;
    while (is_space_rune(lpeek(l))) {
        lnext(l);
        n++;
    }
    if (right_trim_marker(l, l->pos - 1) &&
        has_prefix(l, l->pos - 1 + 2, RIGHT, DELIM_LEN)) {
        lbackup(l);
        if (n == 1)
            return L_RIGHT_DELIM;
    }
    return emit(l, TK_SPACE);
}

static bool at_terminator(tk_lexer *l)
{
    int r = lpeek(l);
    if (is_space_rune(r))
        return true;
    switch (r) {
    case EOF_RUNE:
    case '.':
    case ',':
    case '|':
    case ':':
    case ')':
    case '(':
        return true;
    default:
        break;
    }
    return has_prefix(l, l->pos, RIGHT, DELIM_LEN);
}

static const struct {
    const char *word;
    tk_type type;
} KEYWORDS[] = {
    {".", TK_DOT},
    {"block", TK_BLOCK},
    {"break", TK_BREAK},
    {"continue", TK_CONTINUE},
    {"define", TK_DEFINE},
    {"else", TK_ELSE},
    {"end", TK_END},
    {"if", TK_IF},
    {"range", TK_RANGE},
    {"nil", TK_NIL},
    {"template", TK_TEMPLATE},
    {"with", TK_WITH},
};

static tk_type keyword(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof KEYWORDS / sizeof KEYWORDS[0]; i++)
        if (strlen(KEYWORDS[i].word) == n &&
            memcmp(KEYWORDS[i].word, s, n) == 0)
            return KEYWORDS[i].type;
    return TK_ERROR;
}

static lstate bad_char(tk_lexer *l, int r)
{
    char rb[32];
    fmt_rune(rb, sizeof rb, r);
    return errorf(l, "bad character %s", rb);
}

static lstate lex_identifier(tk_lexer *l)
{
    int r;
    while (is_alnum_rune(r = lnext(l)))
        ;
    lbackup(l);
    const char *w = l->input + l->start;
    size_t n = l->pos - l->start;
    if (!at_terminator(l))
        return bad_char(l, r);
    tk_type k = keyword(w, n);
    if (k > TK_KEYWORD) {
        if ((k == TK_BREAK && !l->break_ok) ||
            (k == TK_CONTINUE && !l->continue_ok))
            return emit(l, TK_IDENTIFIER);
        return emit(l, k);
    }
    if (w[0] == '.')
        return emit(l, TK_FIELD);
    if ((n == 4 && memcmp(w, "true", 4) == 0) ||
        (n == 5 && memcmp(w, "false", 5) == 0))
        return emit(l, TK_BOOL);
    return emit(l, TK_IDENTIFIER);
}

static lstate lex_field_or_variable(tk_lexer *l, tk_type t)
{
    if (at_terminator(l))
        return emit(l, t == TK_VARIABLE ? TK_VARIABLE : TK_DOT);
    int r;
    while (is_alnum_rune(r = lnext(l)))
        ;
    lbackup(l);
    if (!at_terminator(l))
        return bad_char(l, r);
    return emit(l, t);
}

static lstate lex_variable(tk_lexer *l)
{
    if (at_terminator(l))
        return emit(l, TK_VARIABLE);
    return lex_field_or_variable(l, TK_VARIABLE);
}

/* Char constants and quoted strings: the closing quote, or an error at a
 * newline or the end of input. Syntax is checked by the parser. */
static lstate lex_quoted(tk_lexer *l, int quote, tk_type t, const char *err)
{
    for (;;) {
        int r = lnext(l);
        if (r == '\\') {
            r = lnext(l);
            if (r != EOF_RUNE && r != '\n')
                continue;
            return errorf(l, "%s", err);
        }
        if (r == EOF_RUNE || r == '\n')
            return errorf(l, "%s", err);
        if (r == quote)
            break;
    }
    return emit(l, t);
}

static lstate lex_raw_quote(tk_lexer *l)
{
    for (;;) {
        int r = lnext(l);
        if (r == EOF_RUNE)
            return errorf(l, "unterminated raw quoted string");
        if (r == '`')
            break;
    }
    return emit(l, TK_RAW_STRING);
}

static bool scan_number(tk_lexer *l)
{
    accept(l, "+-");
    const char *digits = "0123456789_";
    if (accept(l, "0")) {
        if (accept(l, "xX"))
            digits = "0123456789abcdefABCDEF_";
        else if (accept(l, "oO"))
            digits = "01234567_";
        else if (accept(l, "bB"))
            digits = "01_";
    }
    accept_run(l, digits);
    if (accept(l, "."))
        accept_run(l, digits);
    size_t nd = strlen(digits);
    if (nd == 11 && accept(l, "eE")) {
        accept(l, "+-");
        accept_run(l, "0123456789_");
    }
    if (nd == 23 && accept(l, "pP")) {
        accept(l, "+-");
        accept_run(l, "0123456789_");
    }
    accept(l, "i");
    if (is_alnum_rune(lpeek(l))) {
        lnext(l);
        return false;
    }
    return true;
}

static lstate bad_number(tk_lexer *l)
{
    rn_buf q = RN_BUF_INIT;
    tmpl_go_quote(&q, l->input + l->start, l->pos - l->start, -1);
    lstate st = errorf(l, "bad number syntax: %s", rn_buf_cstr(&q));
    rn_buf_free(&q);
    return st;
}

static lstate lex_number(tk_lexer *l)
{
    if (!scan_number(l))
        return bad_number(l);
    int sign = lpeek(l);
    if (sign == '+' || sign == '-') {
        if (!scan_number(l) || l->input[l->pos - 1] != 'i')
            return bad_number(l);
        return emit(l, TK_COMPLEX);
    }
    return emit(l, TK_NUMBER);
}

static lstate step(tk_lexer *l, lstate st)
{
    switch (st) {
    case L_TEXT:
        return lex_text(l);
    case L_LEFT_DELIM:
        return lex_left_delim(l);
    case L_COMMENT:
        return lex_comment(l);
    case L_RIGHT_DELIM:
        return lex_right_delim(l);
    case L_INSIDE:
        return lex_inside(l);
    case L_SPACE:
        return lex_space(l);
    case L_IDENTIFIER:
        return lex_identifier(l);
    case L_FIELD:
        return lex_field_or_variable(l, TK_FIELD);
    case L_VARIABLE:
        return lex_variable(l);
    case L_CHAR:
        return lex_quoted(l, '\'', TK_CHAR_CONSTANT,
                          "unterminated character constant");
    case L_NUMBER:
        return lex_number(l);
    case L_QUOTE:
        return lex_quoted(l, '"', TK_STRING, "unterminated quoted string");
    case L_RAW_QUOTE:
        return lex_raw_quote(l);
    case L_STOP:
        break;
    }
    return L_STOP;
}

/* ---- API ------------------------------------------------------------- */

void tk_lex_init(tk_lexer *l, rn_arena *a, const char *input, size_t len)
{
    memset(l, 0, sizeof *l);
    l->arena = a;
    l->input = input;
    l->len = len;
    l->line = l->start_line = 1;
    l->break_ok = l->continue_ok = true;
}

tk_item tk_next(tk_lexer *l)
{
    tk_item eof = {TK_EOF, (int)l->pos, "EOF", 3, l->start_line};
    l->item = eof;
    lstate st = l->inside_action ? L_INSIDE : L_TEXT;
    while (st != L_STOP)
        st = step(l, st);
    return l->item;
}

static const char *const TYPE_NAMES[] = {
    "error",     "bool",     "char",  "charconst", "comment",    "complex",
    "assign",    "declare",  "EOF",   "field",     "identifier", "leftDelim",
    "leftParen", "number",   "pipe",  "rawString", "rightDelim", "rightParen",
    "space",     "string",   "text",  "variable",  "keyword",    "block",
    "break",     "continue", "dot",   "define",    "else",       "end",
    "if",        "nil",      "range", "template",  "with",
};

const char *tk_type_name(tk_type t)
{
    if ((size_t)t < sizeof TYPE_NAMES / sizeof TYPE_NAMES[0])
        return TYPE_NAMES[t];
    return "?";
}

void tk_item_string(rn_buf *out, const tk_item *it)
{
    if (it->type == TK_EOF) {
        rn_buf_puts(out, "EOF");
    } else if (it->type == TK_ERROR) {
        rn_buf_append(out, it->val, it->len);
    } else if (it->type > TK_KEYWORD) {
        rn_buf_putc(out, '<');
        rn_buf_append(out, it->val, it->len);
        rn_buf_putc(out, '>');
    } else if (it->len > 10) {
        tmpl_go_quote(out, it->val, it->len, 10);
        rn_buf_puts(out, "...");
    } else {
        tmpl_go_quote(out, it->val, it->len, -1);
    }
}
