/*
 * toml_parse.c — the TOML reader behind Helm's fromToml: a port of the
 * BurntSushi/toml v1.6 lexer (lex.go) and parser (parse.go) that Helm
 * links, decoding into what toml.Unmarshal puts in a
 * map[string]interface{}.
 *
 * Why a port and no library: Debian ships no C TOML library (only C++
 * ones: cpptoml, toml11, toml++), and what fromToml gives a template is
 * BurntSushi's own behaviour, not TOML's in general: its Go types
 * (int64, float64, time.Time with the zones "datetime-local", "date-local"
 * and "time-local" for local date-times, dates and times, year 0 for a
 * time of day; []interface{} for arrays, []map[string]interface{} for
 * arrays of tables), its TOML 1.1 extensions (\e and \xHH escapes,
 * newlines and a trailing comma in inline tables, seconds optional), its
 * quirks (keys it lets a table redefine) and the wording of its errors,
 * "toml: line N (last key \"k\"): ...", which fromToml hands back in an
 * "Error" key. Keeping the state machine as lex.go has it keeps the line
 * numbers and messages the same.
 *
 * Times are local to UTC, as the rest of the renderer takes Local to be
 * (BurntSushi gives local date-times the machine's offset; a container's
 * is zero).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "funcs_int.h"
#include "tmpl_int.h"
#include "tz.h"
#include "yaml_scalar.h"

/* ---- lexer ----------------------------------------------------------------
 */

typedef enum {
    IT_ERROR,
    IT_EOF,
    IT_TEXT,
    IT_STRING,
    IT_STRING_ESC,
    IT_RAW,
    IT_ML,
    IT_RAW_ML,
    IT_BOOL,
    IT_INT,
    IT_FLOAT,
    IT_DATETIME,
    IT_ARRAY,
    IT_ARRAY_END,
    IT_TABLE_START,
    IT_TABLE_END,
    IT_ATABLE_START,
    IT_ATABLE_END,
    IT_KEY_START,
    IT_KEY_END,
    IT_COMMENT_START,
    IT_ITABLE_START,
    IT_ITABLE_END,
} ityp;

typedef struct item {
    ityp typ;
    const char *val; /* into the input, or the message for IT_ERROR */
    size_t len;
    int line;
} item;

typedef struct lexer lexer;
typedef struct sfn sfn;
struct sfn {
    sfn (*f)(lexer *);
};

#define QCAP 32
#define EOF_R 0

struct lexer {
    rn_arena *a;
    const char *in;
    size_t n;
    size_t start, pos;
    int line;
    sfn state;
    item q[QCAP];
    int qhead, qlen;
    bool esc;
    size_t prevw[4];
    int nprev;
    bool at_eof;
    sfn *stack;
    size_t nstack, capstack;
    bool failed; /* an error item was queued: run no more states */
};

static const sfn S_NONE = {NULL};

static void push(lexer *lx, sfn s)
{
    if (lx->nstack == lx->capstack) {
        size_t cap = lx->capstack ? lx->capstack * 2 : 16;
        lx->stack =
            rn_arena_realloc(lx->a, lx->stack, lx->capstack * sizeof *lx->stack,
                             cap * sizeof *lx->stack);
        lx->capstack = cap;
    }
    lx->stack[lx->nstack++] = s;
}

static sfn pop(lexer *lx)
{
    if (lx->nstack == 0)
        return S_NONE; /* "BUG in lexer: no states to pop" */
    return lx->stack[--lx->nstack];
}

static void enqueue(lexer *lx, item it)
{
    if (lx->qlen == QCAP)
        return; /* only after an error item, which the parser stops at */
    lx->q[(lx->qhead + lx->qlen++) % QCAP] = it;
}

static int pos_line(const lexer *lx)
{
    return lx->line;
}

static void emit(lexer *lx, ityp t)
{
    item it = {t, lx->in + lx->start, lx->pos - lx->start, pos_line(lx)};
    if (lx->start > lx->pos) {
        it.typ = IT_ERROR;
        it.val = rn_arena_printf(lx->a, "invalid UTF-8 byte: 0x%02x",
                                 (unsigned char)lx->in[lx->pos]);
        it.len = strlen(it.val);
        lx->failed = true;
    }
    enqueue(lx, it);
    lx->start = lx->pos;
}

static void emit_trim(lexer *lx, ityp t)
{
    const char *s = lx->in + lx->start;
    size_t n = lx->pos - lx->start;
    while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
                 s[n - 1] == '\r'))
        n--;
    enqueue(lx, (item){t, s, n, pos_line(lx)});
    lx->start = lx->pos;
}

static void error_at(lexer *lx, int line, const char *msg)
{
    enqueue(lx, (item){IT_ERROR, msg, strlen(msg), line});
    lx->failed = true;
}

static sfn lx_error_prev_line(lexer *lx, const char *msg)
{
    error_at(lx, pos_line(lx) - 1, msg);
    return S_NONE;
}

static sfn lx_error(lexer *lx, const char *msg)
{
    if (lx->at_eof)
        return lx_error_prev_line(lx, msg);
    error_at(lx, pos_line(lx), msg);
    return S_NONE;
}

static sfn lx_errorf(lexer *lx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static sfn lx_errorf(lexer *lx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rn_buf b = RN_BUF_INIT;
    rn_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    const char *msg = rn_arena_strndup(lx->a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    int line = pos_line(lx);
    if (lx->at_eof && lx->pos >= 1 && lx->in[lx->pos - 1] == '\n')
        line--;
    error_at(lx, line, msg);
    return S_NONE;
}

static bool is_control(int32_t r)
{
    if (r == '\t' || r == '\r' || r == '\n')
        return false;
    return (r >= 0 && r <= 0x1f) || r == 0x7f;
}

#define RUNE_ERROR 0xFFFD

static int32_t next(lexer *lx)
{
    if (lx->at_eof)
        return EOF_R; /* "BUG in lexer: next called after EOF" */
    if (lx->pos >= lx->n) {
        lx->at_eof = true;
        return EOF_R;
    }
    if (lx->in[lx->pos] == '\n')
        lx->line++;
    lx->prevw[3] = lx->prevw[2];
    lx->prevw[2] = lx->prevw[1];
    lx->prevw[1] = lx->prevw[0];
    if (lx->nprev < 4)
        lx->nprev++;
    uint32_t cp;
    int w = rn_utf8_decode((const unsigned char *)lx->in + lx->pos,
                           lx->n - lx->pos, &cp);
    if (w <= 0) {
        lx_error(lx, rn_arena_printf(lx->a, "invalid UTF-8 byte: 0x%02x",
                                     (unsigned char)lx->in[lx->pos]));
        return RUNE_ERROR;
    }
    int32_t r = (int32_t)cp;
    if (is_control(r) ||
        (r == '\r' && (lx->n - 1 == lx->pos || lx->in[lx->pos + 1] != '\n'))) {
        error_at(lx, pos_line(lx),
                 rn_arena_printf(lx->a,
                                 "TOML files cannot contain control "
                                 "characters: '0x%02x'",
                                 (unsigned)r));
        return RUNE_ERROR;
    }
    lx->prevw[0] = (size_t)w;
    lx->pos += (size_t)w;
    return r;
}

static void ignore(lexer *lx)
{
    lx->start = lx->pos;
}

static void backup(lexer *lx)
{
    if (lx->at_eof) {
        lx->at_eof = false;
        return;
    }
    if (lx->nprev < 1)
        return; /* "BUG in lexer: backed up too far" */
    size_t w = lx->prevw[0];
    lx->prevw[0] = lx->prevw[1];
    lx->prevw[1] = lx->prevw[2];
    lx->prevw[2] = lx->prevw[3];
    lx->nprev--;
    lx->pos -= w;
    if (lx->pos < lx->n && lx->in[lx->pos] == '\n')
        lx->line--;
}

static bool accept(lexer *lx, int32_t valid)
{
    if (next(lx) == valid)
        return true;
    backup(lx);
    return false;
}

static int32_t peek(lexer *lx)
{
    int32_t r = next(lx);
    backup(lx);
    return r;
}

static bool is_ws(int32_t r)
{
    return r == '\t' || r == ' ';
}
static bool is_nl(int32_t r)
{
    return r == '\n' || r == '\r';
}
static bool is_digit(int32_t r)
{
    return r >= '0' && r <= '9';
}
static bool is_binary(int32_t r)
{
    return r == '0' || r == '1';
}
static bool is_octal(int32_t r)
{
    return r >= '0' && r <= '7';
}
static bool is_hex(int32_t r)
{
    return (r >= '0' && r <= '9') || ((r | 0x20) >= 'a' && (r | 0x20) <= 'f');
}
static bool is_bare(int32_t r)
{
    return (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') ||
           (r >= '0' && r <= '9') || r == '_' || r == '-';
}

static void skip_ws(lexer *lx)
{
    for (;;) {
        int32_t r = next(lx);
        if (is_ws(r))
            continue;
        backup(lx);
        ignore(lx);
        return;
    }
}

/* Go's %q of a rune. */
static const char *qrune(lexer *lx, int32_t r)
{
    rn_buf u = RN_BUF_INIT, q = RN_BUF_INIT;
    rn_fn_utf8_put(&u, r);
    tmpl_go_quote(&q, rn_buf_cstr(&u), u.len, -1);
    const char *s = rn_buf_cstr(&q);
    const char *out;
    if (r == '"')
        out = "'\"'";
    else if (r == '\'')
        out = "'\\''";
    else
        out = rn_arena_printf(lx->a, "'%.*s'", (int)q.len - 2, s + 1);
    rn_buf_free(&u);
    rn_buf_free(&q);
    return out;
}

/* Go's %q of a string. */
static const char *qstr(rn_arena *a, const char *s, size_t n)
{
    rn_buf q = RN_BUF_INIT;
    tmpl_go_quote(&q, s, n, -1);
    const char *out = rn_arena_strndup(a, rn_buf_cstr(&q), q.len);
    rn_buf_free(&q);
    return out;
}

static const char *current(lexer *lx)
{
    return rn_arena_strndup(lx->a, lx->in + lx->start, lx->pos - lx->start);
}

/* The states, as lex.go names them. */
#define STATE(name) static sfn name(lexer *lx)
#define TO(name) ((sfn){name})
STATE(lex_top);
STATE(lex_top_end);
STATE(lex_table_start);
STATE(lex_table_end);
STATE(lex_array_table_end);
STATE(lex_table_name_start);
STATE(lex_table_name_end);
STATE(lex_bare_name);
STATE(lex_quoted_name);
STATE(lex_key_start);
STATE(lex_key_name_start);
STATE(lex_key_end);
STATE(lex_value);
STATE(lex_array_value);
STATE(lex_array_value_end);
STATE(lex_array_end);
STATE(lex_inline_table_value);
STATE(lex_inline_table_value_end);
STATE(lex_inline_table_end);
STATE(lex_string);
STATE(lex_multiline_string);
STATE(lex_raw_string);
STATE(lex_multiline_raw_string);
STATE(lex_multiline_string_escape);
STATE(lex_string_escape);
STATE(lex_hex_escape);
STATE(lex_short_unicode_escape);
STATE(lex_long_unicode_escape);
STATE(lex_number_or_date_start);
STATE(lex_number_or_date);
STATE(lex_datetime);
STATE(lex_hex_integer);
STATE(lex_octal_integer);
STATE(lex_binary_integer);
STATE(lex_decimal_number);
STATE(lex_decimal_number_start);
STATE(lex_base_number_or_date);
STATE(lex_float);
STATE(lex_bool);
STATE(lex_comment_start);
STATE(lex_comment);

static sfn lex_skip(lexer *lx, sfn nextstate)
{
    ignore(lx);
    return nextstate;
}

STATE(lex_top)
{
    int32_t r = next(lx);
    if (is_ws(r) || is_nl(r))
        return lex_skip(lx, TO(lex_top));
    switch (r) {
    case '#':
        push(lx, TO(lex_top));
        return TO(lex_comment_start);
    case '[':
        return TO(lex_table_start);
    case EOF_R:
        if (lx->at_eof) {
            if (lx->pos > lx->start)
                return lx_errorf(lx, "unexpected EOF");
            emit(lx, IT_EOF);
            return S_NONE;
        }
    }
    backup(lx);
    push(lx, TO(lex_top_end));
    return TO(lex_key_start);
}

STATE(lex_top_end)
{
    int32_t r = next(lx);
    if (r == '#') {
        push(lx, TO(lex_top));
        return TO(lex_comment_start);
    }
    if (is_ws(r))
        return TO(lex_top_end);
    if (is_nl(r)) {
        ignore(lx);
        return TO(lex_top);
    }
    if (r == EOF_R && lx->at_eof) {
        emit(lx, IT_EOF);
        return S_NONE;
    }
    return lx_errorf(lx,
                     "expected a top-level item to end with a newline, "
                     "comment, or EOF, but got %s instead",
                     qrune(lx, r));
}

STATE(lex_table_start)
{
    if (peek(lx) == '[') {
        next(lx);
        emit(lx, IT_ATABLE_START);
        push(lx, TO(lex_array_table_end));
    } else {
        emit(lx, IT_TABLE_START);
        push(lx, TO(lex_table_end));
    }
    return TO(lex_table_name_start);
}

STATE(lex_table_end)
{
    emit(lx, IT_TABLE_END);
    return TO(lex_top_end);
}

STATE(lex_array_table_end)
{
    int32_t r = next(lx);
    if (r != ']')
        return lx_errorf(lx,
                         "expected end of table array name delimiter ']', "
                         "but got %s instead",
                         qrune(lx, r));
    emit(lx, IT_ATABLE_END);
    return TO(lex_top_end);
}

STATE(lex_table_name_start)
{
    skip_ws(lx);
    int32_t r = peek(lx);
    if (r == ']' || r == EOF_R)
        return lx_errorf(lx, "unexpected end of table name (table names "
                             "cannot be empty)");
    if (r == '.')
        return lx_errorf(lx, "unexpected table separator (table names cannot "
                             "be empty)");
    if (r == '"' || r == '\'') {
        ignore(lx);
        push(lx, TO(lex_table_name_end));
        return TO(lex_quoted_name);
    }
    push(lx, TO(lex_table_name_end));
    return TO(lex_bare_name);
}

STATE(lex_table_name_end)
{
    skip_ws(lx);
    int32_t r = next(lx);
    if (r == '.') {
        ignore(lx);
        return TO(lex_table_name_start);
    }
    if (r == ']')
        return pop(lx);
    return lx_errorf(lx,
                     "expected '.' or ']' to end table name, but got %s "
                     "instead",
                     qrune(lx, r));
}

STATE(lex_bare_name)
{
    int32_t r = next(lx);
    if (is_bare(r))
        return TO(lex_bare_name);
    backup(lx);
    emit(lx, IT_TEXT);
    return pop(lx);
}

STATE(lex_quoted_name)
{
    int32_t r = next(lx);
    if (r == '"') {
        ignore(lx);
        return TO(lex_string);
    }
    if (r == '\'') {
        ignore(lx);
        return TO(lex_raw_string);
    }
    if (is_ws(r))
        return lex_skip(lx, TO(lex_value));
    if (r == EOF_R)
        return lx_errorf(lx, "unexpected EOF; expected value");
    return lx_errorf(lx, "expected value but found %s instead", qrune(lx, r));
}

STATE(lex_key_start)
{
    skip_ws(lx);
    int32_t r = peek(lx);
    if (r == '=' || r == EOF_R)
        return lx_errorf(lx, "unexpected '=': key name appears blank");
    if (r == '.')
        return lx_errorf(lx, "unexpected '.': keys cannot start with a '.'");
    if (r == '"' || r == '\'')
        ignore(lx);
    emit(lx, IT_KEY_START);
    return TO(lex_key_name_start);
}

STATE(lex_key_name_start)
{
    skip_ws(lx);
    int32_t r = peek(lx);
    if (r == '"' || r == '\'') {
        ignore(lx);
        push(lx, TO(lex_key_end));
        return TO(lex_quoted_name);
    }
    if (r == '=' || r == EOF_R)
        return lx_errorf(lx, "unexpected '='");
    if (r == '.')
        return lx_errorf(lx, "unexpected '.'");
    push(lx, TO(lex_key_end));
    return TO(lex_bare_name);
}

STATE(lex_key_end)
{
    skip_ws(lx);
    int32_t r = next(lx);
    if (is_ws(r))
        return lex_skip(lx, TO(lex_key_end));
    if (r == EOF_R && lx->at_eof)
        return lx_errorf(lx, "unexpected EOF; expected key separator '='");
    if (r == '.') {
        ignore(lx);
        return TO(lex_key_name_start);
    }
    if (r == '=') {
        emit(lx, IT_KEY_END);
        return lex_skip(lx, TO(lex_value));
    }
    if (r == '\n')
        return lx_error_prev_line(
            lx,
            rn_arena_printf(lx->a, "expected '.' or '=', but got %s instead",
                            qrune(lx, r)));
    return lx_errorf(lx, "expected '.' or '=', but got %s instead",
                     qrune(lx, r));
}

static bool is_letter(int32_t r)
{
    return rn_fn_uni_is_letter(r);
}

STATE(lex_value)
{
    int32_t r = next(lx);
    if (is_ws(r))
        return lex_skip(lx, TO(lex_value));
    if (is_digit(r)) {
        backup(lx);
        return TO(lex_number_or_date_start);
    }
    switch (r) {
    case '[':
        ignore(lx);
        emit(lx, IT_ARRAY);
        return TO(lex_array_value);
    case '{':
        ignore(lx);
        emit(lx, IT_ITABLE_START);
        return TO(lex_inline_table_value);
    case '"':
        if (accept(lx, '"')) {
            if (accept(lx, '"')) {
                ignore(lx);
                return TO(lex_multiline_string);
            }
            backup(lx);
        }
        ignore(lx);
        return TO(lex_string);
    case '\'':
        if (accept(lx, '\'')) {
            if (accept(lx, '\'')) {
                ignore(lx);
                return TO(lex_multiline_raw_string);
            }
            backup(lx);
        }
        ignore(lx);
        return TO(lex_raw_string);
    case '.':
        return lx_errorf(lx, "floats must start with a digit, not '.'");
    case 'i':
    case 'n':
        if ((accept(lx, 'n') && accept(lx, 'f')) ||
            (accept(lx, 'a') && accept(lx, 'n'))) {
            emit(lx, IT_FLOAT);
            return pop(lx);
        }
        break;
    case '-':
    case '+':
        return TO(lex_decimal_number_start);
    }
    if (is_letter(r)) {
        backup(lx);
        return TO(lex_bool);
    }
    if (r == EOF_R && lx->at_eof)
        return lx_errorf(lx, "unexpected EOF; expected value");
    if (r == '\n')
        return lx_error_prev_line(
            lx, rn_arena_printf(lx->a, "expected value but found %s instead",
                                qrune(lx, r)));
    return lx_errorf(lx, "expected value but found %s instead", qrune(lx, r));
}

STATE(lex_array_value)
{
    int32_t r = next(lx);
    if (is_ws(r) || is_nl(r))
        return lex_skip(lx, TO(lex_array_value));
    if (r == '#') {
        push(lx, TO(lex_array_value));
        return TO(lex_comment_start);
    }
    if (r == ',')
        return lx_errorf(lx, "unexpected comma");
    if (r == ']')
        return TO(lex_array_end);
    backup(lx);
    push(lx, TO(lex_array_value_end));
    return TO(lex_value);
}

static const char *rune_or_eof(lexer *lx, int32_t r)
{
    if (r == EOF_R)
        return "end of file";
    rn_buf u = RN_BUF_INIT;
    rn_fn_utf8_put(&u, r);
    const char *s = rn_arena_printf(lx->a, "'%s'", rn_buf_cstr(&u));
    rn_buf_free(&u);
    return s;
}

STATE(lex_array_value_end)
{
    int32_t r = next(lx);
    if (is_ws(r) || is_nl(r))
        return lex_skip(lx, TO(lex_array_value_end));
    if (r == '#') {
        push(lx, TO(lex_array_value_end));
        return TO(lex_comment_start);
    }
    if (r == ',') {
        ignore(lx);
        return TO(lex_array_value);
    }
    if (r == ']')
        return TO(lex_array_end);
    return lx_errorf(lx,
                     "expected a comma (',') or array terminator (']'), but "
                     "got %s",
                     rune_or_eof(lx, r));
}

STATE(lex_array_end)
{
    ignore(lx);
    emit(lx, IT_ARRAY_END);
    return pop(lx);
}

STATE(lex_inline_table_value)
{
    int32_t r = next(lx);
    if (is_ws(r) || is_nl(r))
        return lex_skip(lx, TO(lex_inline_table_value));
    if (r == '#') {
        push(lx, TO(lex_inline_table_value));
        return TO(lex_comment_start);
    }
    if (r == ',')
        return lx_errorf(lx, "unexpected comma");
    if (r == '}')
        return TO(lex_inline_table_end);
    backup(lx);
    push(lx, TO(lex_inline_table_value_end));
    return TO(lex_key_start);
}

STATE(lex_inline_table_value_end)
{
    int32_t r = next(lx);
    if (is_ws(r) || is_nl(r))
        return lex_skip(lx, TO(lex_inline_table_value_end));
    if (r == '#') {
        push(lx, TO(lex_inline_table_value_end));
        return TO(lex_comment_start);
    }
    if (r == ',') {
        ignore(lx);
        skip_ws(lx);
        if (peek(lx) == '}')
            return TO(lex_inline_table_value_end);
        return TO(lex_inline_table_value);
    }
    if (r == '}')
        return TO(lex_inline_table_end);
    return lx_errorf(lx,
                     "expected a comma or an inline table terminator '}', but "
                     "got %s instead",
                     rune_or_eof(lx, r));
}

STATE(lex_inline_table_end)
{
    ignore(lx);
    emit(lx, IT_ITABLE_END);
    return pop(lx);
}

STATE(lex_string)
{
    int32_t r = next(lx);
    if (r == EOF_R && lx->at_eof)
        return lx_errorf(lx, "unexpected EOF; expected '\"'");
    if (is_nl(r))
        return lx_error_prev_line(lx, "strings cannot contain newlines");
    if (r == '\\') {
        push(lx, TO(lex_string));
        return TO(lex_string_escape);
    }
    if (r == '"') {
        backup(lx);
        if (lx->esc) {
            lx->esc = false;
            emit(lx, IT_STRING_ESC);
        } else {
            emit(lx, IT_STRING);
        }
        next(lx);
        ignore(lx);
        return pop(lx);
    }
    if (lx->failed)
        return S_NONE;
    return TO(lex_string);
}

static bool cur_has_suffix(lexer *lx, const char *suf)
{
    size_t n = strlen(suf), len = lx->pos - lx->start;
    return len >= n && memcmp(lx->in + lx->pos - n, suf, n) == 0;
}

STATE(lex_multiline_string)
{
    int32_t r = next(lx);
    if (r == EOF_R && lx->at_eof)
        return lx_errorf(lx, "unexpected EOF; expected '\"\"\"'");
    if (r == '\\')
        return TO(lex_multiline_string_escape);
    if (r == '"') {
        if (accept(lx, '"')) {
            if (accept(lx, '"')) {
                if (peek(lx) == '"') {
                    if (cur_has_suffix(lx, "\"\"\"\"\"") &&
                        !cur_has_suffix(lx, "\\\"\"\"\"\""))
                        return lx_errorf(lx, "unexpected '\"\"\"\"\"\"'");
                    backup(lx);
                    backup(lx);
                    return TO(lex_multiline_string);
                }
                backup(lx);
                backup(lx);
                backup(lx);
                lx->esc = false;
                emit(lx, IT_ML);
                next(lx);
                next(lx);
                next(lx);
                ignore(lx);
                return pop(lx);
            }
            backup(lx);
        }
    }
    if (lx->failed)
        return S_NONE;
    return TO(lex_multiline_string);
}

STATE(lex_raw_string)
{
    int32_t r = next(lx);
    if (r == EOF_R && lx->at_eof)
        return lx_errorf(lx, "unexpected EOF; expected \"'\"");
    if (is_nl(r))
        return lx_error_prev_line(lx, "strings cannot contain newlines");
    if (r == '\'') {
        backup(lx);
        emit(lx, IT_RAW);
        next(lx);
        ignore(lx);
        return pop(lx);
    }
    if (lx->failed)
        return S_NONE;
    return TO(lex_raw_string);
}

STATE(lex_multiline_raw_string)
{
    int32_t r = next(lx);
    if (r == EOF_R && lx->at_eof)
        return lx_errorf(lx, "unexpected EOF; expected \"'''\"");
    if (r == '\'') {
        if (accept(lx, '\'')) {
            if (accept(lx, '\'')) {
                if (peek(lx) == '\'') {
                    if (cur_has_suffix(lx, "'''''"))
                        return lx_errorf(lx, "unexpected \"''''''\"");
                    backup(lx);
                    backup(lx);
                    return TO(lex_multiline_raw_string);
                }
                backup(lx);
                backup(lx);
                backup(lx);
                emit(lx, IT_RAW_ML);
                next(lx);
                next(lx);
                next(lx);
                ignore(lx);
                return pop(lx);
            }
            backup(lx);
        }
    }
    if (lx->failed)
        return S_NONE;
    return TO(lex_multiline_raw_string);
}

STATE(lex_multiline_string_escape)
{
    if (is_nl(next(lx)))
        return TO(lex_multiline_string);
    backup(lx);
    push(lx, TO(lex_multiline_string));
    return lex_string_escape(lx);
}

STATE(lex_string_escape)
{
    lx->esc = true;
    int32_t r = next(lx);
    switch (r) {
    case 'e':
    case 'b':
    case 't':
    case 'n':
    case 'f':
    case 'r':
    case '"':
    case ' ':
    case '\t':
    case '\\':
        return pop(lx);
    case 'x':
        return TO(lex_hex_escape);
    case 'u':
        return TO(lex_short_unicode_escape);
    case 'U':
        return TO(lex_long_unicode_escape);
    }
    rn_buf u = RN_BUF_INIT;
    rn_fn_utf8_put(&u, r);
    sfn s =
        lx_error(lx, rn_arena_printf(lx->a, "invalid escape in string '\\%s'",
                                     rn_buf_cstr(&u)));
    rn_buf_free(&u);
    return s;
}

static sfn hex_escape(lexer *lx, int count, const char *what, char letter)
{
    for (int i = 0; i < count; i++) {
        int32_t r = next(lx);
        if (!is_hex(r)) {
            const char *cur = current(lx);
            return lx_errorf(lx,
                             "expected %s hexadecimal digits after '\\%c', but "
                             "got %s instead",
                             what, letter, qstr(lx->a, cur, strlen(cur)));
        }
    }
    return pop(lx);
}

STATE(lex_hex_escape)
{
    return hex_escape(lx, 2, "two", 'x');
}
STATE(lex_short_unicode_escape)
{
    return hex_escape(lx, 4, "four", 'u');
}
STATE(lex_long_unicode_escape)
{
    return hex_escape(lx, 8, "eight", 'U');
}

STATE(lex_number_or_date_start)
{
    if (next(lx) == '0')
        return TO(lex_base_number_or_date);
    return TO(lex_number_or_date);
}

STATE(lex_number_or_date)
{
    int32_t r = next(lx);
    if (is_digit(r))
        return TO(lex_number_or_date);
    switch (r) {
    case '-':
    case ':':
        return TO(lex_datetime);
    case '_':
        return TO(lex_decimal_number);
    case '.':
    case 'e':
    case 'E':
        return TO(lex_float);
    }
    backup(lx);
    emit(lx, IT_INT);
    return pop(lx);
}

STATE(lex_datetime)
{
    int32_t r = next(lx);
    if (is_digit(r))
        return TO(lex_datetime);
    switch (r) {
    case '-':
    case ':':
    case 'T':
    case 't':
    case ' ':
    case '.':
    case 'Z':
    case 'z':
    case '+':
        return TO(lex_datetime);
    }
    backup(lx);
    emit_trim(lx, IT_DATETIME);
    return pop(lx);
}

static sfn based_integer(lexer *lx, bool (*ok)(int32_t), sfn self)
{
    int32_t r = next(lx);
    if (ok(r) || r == '_')
        return self;
    backup(lx);
    emit(lx, IT_INT);
    return pop(lx);
}

STATE(lex_hex_integer)
{
    return based_integer(lx, is_hex, TO(lex_hex_integer));
}
STATE(lex_octal_integer)
{
    return based_integer(lx, is_octal, TO(lex_octal_integer));
}
STATE(lex_binary_integer)
{
    return based_integer(lx, is_binary, TO(lex_binary_integer));
}

STATE(lex_decimal_number)
{
    int32_t r = next(lx);
    if (is_digit(r))
        return TO(lex_decimal_number);
    switch (r) {
    case '.':
    case 'e':
    case 'E':
        return TO(lex_float);
    case '_':
        return TO(lex_decimal_number);
    }
    backup(lx);
    emit(lx, IT_INT);
    return pop(lx);
}

STATE(lex_decimal_number_start)
{
    int32_t r = next(lx);
    switch (r) {
    case 'i':
        if (!accept(lx, 'n') || !accept(lx, 'f'))
            return lx_errorf(lx, "invalid float: '%s'", current(lx));
        emit(lx, IT_FLOAT);
        return pop(lx);
    case 'n':
        if (!accept(lx, 'a') || !accept(lx, 'n'))
            return lx_errorf(lx, "invalid float: '%s'", current(lx));
        emit(lx, IT_FLOAT);
        return pop(lx);
    case '0': {
        int32_t p = peek(lx);
        if (p == 'b' || p == 'o' || p == 'x')
            return lx_errorf(lx,
                             "cannot use sign with non-decimal numbers: '%s%c'",
                             current(lx), (char)p);
        break;
    }
    case '.':
        return lx_errorf(lx, "floats must start with a digit, not '.'");
    }
    if (is_digit(r))
        return TO(lex_decimal_number);
    return lx_errorf(lx, "expected a digit but got %s", qrune(lx, r));
}

STATE(lex_base_number_or_date)
{
    int32_t r = next(lx);
    if (is_digit(r))
        return TO(lex_number_or_date);
    switch (r) {
    case '_':
        return TO(lex_decimal_number);
    case '.':
    case 'e':
    case 'E':
        return TO(lex_float);
    case 'b':
    case 'o':
    case 'x': {
        /* lex.go reports a missing digit and lexes on (its errorf is not
         * returned); the parser stops at the error all the same. */
        int32_t p = peek(lx);
        bool (*ok)(int32_t) = r == 'b'   ? is_binary
                              : r == 'o' ? is_octal
                                         : is_hex;
        const char *what = r == 'b'   ? "a binary"
                           : r == 'o' ? "an octal"
                                      : "a hexadecimal";
        if (!ok(p)) {
            rn_buf u = RN_BUF_INIT;
            rn_fn_utf8_put(&u, p);
            lx_errorf(lx, "not %s number: '%s%s'", what, current(lx),
                      rn_buf_cstr(&u));
            rn_buf_free(&u);
        }
        return r == 'b'   ? TO(lex_binary_integer)
               : r == 'o' ? TO(lex_octal_integer)
                          : TO(lex_hex_integer);
    }
    }
    backup(lx);
    emit(lx, IT_INT);
    return pop(lx);
}

STATE(lex_float)
{
    int32_t r = next(lx);
    if (is_digit(r))
        return TO(lex_float);
    switch (r) {
    case '_':
    case '.':
    case '-':
    case '+':
    case 'e':
    case 'E':
        return TO(lex_float);
    }
    backup(lx);
    emit(lx, IT_FLOAT);
    return pop(lx);
}

STATE(lex_bool)
{
    rn_buf rs = RN_BUF_INIT;
    rn_buf_append(&rs, "", 0);
    for (;;) {
        int32_t r = next(lx);
        if (!is_letter(r)) {
            backup(lx);
            break;
        }
        rn_fn_utf8_put(&rs, r);
    }
    const char *s = rn_buf_cstr(&rs);
    if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
        rn_buf_free(&rs);
        emit(lx, IT_BOOL);
        return pop(lx);
    }
    const char *q = qstr(lx->a, s, rs.len);
    rn_buf_free(&rs);
    return lx_errorf(lx, "expected value but found %s instead", q);
}

STATE(lex_comment_start)
{
    ignore(lx);
    emit(lx, IT_COMMENT_START);
    return TO(lex_comment);
}

STATE(lex_comment)
{
    int32_t r = next(lx);
    if (is_nl(r) || (r == EOF_R && lx->at_eof)) {
        backup(lx);
        emit(lx, IT_TEXT);
        return pop(lx);
    }
    if (lx->failed)
        return S_NONE;
    return TO(lex_comment);
}

static item next_item(lexer *lx)
{
    for (;;) {
        if (lx->qlen) {
            item it = lx->q[lx->qhead];
            lx->qhead = (lx->qhead + 1) % QCAP;
            lx->qlen--;
            return it;
        }
        if (!lx->state.f || lx->failed) /* a state machine that stopped */
            return (item){IT_ERROR, "unexpected end of input", 23, lx->line};
        lx->state = lx->state.f(lx);
    }
}

/* ---- parser ---------------------------------------------------------------
 */

/* A key: its parts. */
typedef struct key {
    const char **p;
    size_t *n;
    size_t len;
} key;

typedef struct parser {
    rn_arena *a;
    lexer *lx;
    key context;
    const char *cur_key; /* currentKey; "" when none */
    size_t cur_len;
    int pos_line;
    rn_value *mapping;
    rn_value *is_array; /* Key.String() -> true when its type is an array */
    rn_value *implicits;
    const char *err;
    jmp_buf jb;
} parser;

/* The type name that marks a list as an array of tables, which Go holds
 * as []map[string]interface{} (a plain array is []interface{}). */
static const char aot_type[] = "[]map[string]interface {}";

static bool is_aot(const rn_value *v)
{
    return v && v->kind == RN_LIST && v->tname == aot_type;
}

static key key_add(parser *p, key k, const char *s, size_t n)
{
    key r;
    r.len = k.len + 1;
    r.p = rn_arena_alloc(p->a, sizeof *r.p * r.len);
    r.n = rn_arena_alloc(p->a, sizeof *r.n * r.len);
    if (k.len) {
        memcpy(r.p, k.p, sizeof *r.p * k.len);
        memcpy(r.n, k.n, sizeof *r.n * k.len);
    }
    r.p[k.len] = s;
    r.n[k.len] = n;
    return r;
}

static key key_slice(key k, size_t from, size_t to)
{
    key r = {k.p + from, k.n + from, to - from};
    return r;
}

/* The encoder's dblQuotedReplacer, for Key.String(). */
static void dbl_quoted(rn_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            rn_buf_puts(b, "\\\"");
            i++;
            continue;
        case '\\':
            rn_buf_puts(b, "\\\\");
            i++;
            continue;
        case '\b':
            rn_buf_puts(b, "\\b");
            i++;
            continue;
        case '\t':
            rn_buf_puts(b, "\\t");
            i++;
            continue;
        case '\n':
            rn_buf_puts(b, "\\n");
            i++;
            continue;
        case '\f':
            rn_buf_puts(b, "\\f");
            i++;
            continue;
        case '\r':
            rn_buf_puts(b, "\\r");
            i++;
            continue;
        case 0x7f:
            rn_buf_puts(b, "\\u007f");
            i++;
            continue;
        }
        if (c < 0x20) {
            rn_buf_printf(b, "\\u%04x", c);
            i++;
            continue;
        }
        rn_buf_putc(b, (char)c);
        i++;
    }
}

static const char *key_string(parser *p, key k)
{
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    for (size_t i = 0; i < k.len; i++) {
        if (i)
            rn_buf_putc(&b, '.');
        const char *s = k.p[i];
        size_t n = k.n[i];
        if (n == 0) {
            rn_buf_puts(&b, "\"\"");
            continue;
        }
        bool bare = true;
        for (size_t j = 0; j < n; j++)
            if (!is_bare((unsigned char)s[j]))
                bare = false;
        if (bare) {
            rn_buf_append(&b, s, n);
        } else {
            rn_buf_putc(&b, '"');
            dbl_quoted(&b, s, n);
            rn_buf_putc(&b, '"');
        }
    }
    const char *out = rn_arena_strndup(p->a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return out;
}

/* p.current(): the full name of the key being parsed ("" for none; an
 * empty quoted key counts as none, as len(p.currentKey) == 0 does). */
static const char *current_key(parser *p)
{
    const char *ctx = key_string(p, p->context);
    if (p->cur_len == 0)
        return ctx;
    if (p->context.len == 0)
        return rn_arena_strndup(p->a, p->cur_key, p->cur_len);
    return rn_arena_printf(p->a, "%s.%.*s", ctx, (int)p->cur_len, p->cur_key);
}

static _Noreturn void fail_line(parser *p, int line, const char *msg)
{
    const char *last = current_key(p);
    if (last[0] == '\0')
        p->err = rn_arena_printf(p->a, "toml: line %d: %s", line, msg);
    else
        p->err = rn_arena_printf(p->a, "toml: line %d (last key %s): %s", line,
                                 qstr(p->a, last, strlen(last)), msg);
    longjmp(p->jb, 1);
}

static _Noreturn void failf(parser *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static _Noreturn void failf(parser *p, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rn_buf b = RN_BUF_INIT;
    rn_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    const char *msg = rn_arena_strndup(p->a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    fail_line(p, line, msg);
}

static item pnext(parser *p)
{
    item it = next_item(p->lx);
    if (it.typ == IT_ERROR)
        fail_line(p, it.line, rn_arena_strndup(p->a, it.val, it.len));
    return it;
}

static item pnext_pos(parser *p)
{
    item it = pnext(p);
    p->pos_line = it.line;
    return it;
}

static void set_cur(parser *p, const char *s, size_t n)
{
    p->cur_key = n ? s : "";
    p->cur_len = n;
}

static bool implicit_has(parser *p, key k)
{
    const char *s = key_string(p, k);
    return rn_map_getz(p->implicits, s) != NULL;
}

static void implicit_add(parser *p, key k)
{
    rn_map_setz(p->a, p->implicits, key_string(p, k), rn_bool(p->a, true));
}

static void implicit_del(parser *p, key k)
{
    const char *s = key_string(p, k);
    rn_map_del(p->implicits, s, strlen(s));
}

static bool key_is_array(parser *p, key k)
{
    const rn_value *v = rn_map_getz(p->is_array, key_string(p, k));
    return v && v->u.b;
}

/* setType: only whether the key is an array matters here. */
static void set_type(parser *p, const char *k, size_t kn, bool array)
{
    key kc = p->context;
    if (k && kn)
        kc = key_add(p, kc, k, kn);
    const char *s = kc.len ? key_string(p, kc) : "\"\"";
    rn_map_setz(p->a, p->is_array, s, rn_bool(p->a, array));
}

static void add_context(parser *p, key k, bool array);

/* setValue(key, value) in the current context. */
static void set_value(parser *p, const char *k, size_t kn, rn_value *value)
{
    rn_value *hash = p->mapping;
    key kc = {NULL, NULL, 0};
    for (size_t i = 0; i < p->context.len; i++) {
        kc = key_add(p, kc, p->context.p[i], p->context.n[i]);
        rn_value *t = rn_map_get(hash, p->context.p[i], p->context.n[i]);
        if (!t)
            failf(p, p->pos_line,
                  "BUG: Context for key '%s' has not been "
                  "established.",
                  key_string(p, kc));
        if (is_aot(t))
            hash = t->u.list.items[t->u.list.len - 1];
        else if (t->kind == RN_MAP)
            hash = t;
        else
            failf(p, p->pos_line, "Key '%s' has already been defined.",
                  key_string(p, kc));
    }
    kc = key_add(p, kc, k, kn);
    if (rn_map_get(hash, k, kn)) {
        if (key_is_array(p, kc)) {
            if (!implicit_has(p, kc))
                failf(p, p->pos_line, "Key '%s' has already been defined.",
                      key_string(p, kc));
            implicit_del(p, kc);
            rn_map_set(p->a, hash, k, kn, value);
            return;
        }
        if (implicit_has(p, kc)) {
            implicit_del(p, kc);
            return;
        }
        failf(p, p->pos_line, "Key '%s' has already been defined.",
              key_string(p, kc));
    }
    rn_map_set(p->a, hash, k, kn, value);
}

static void add_context(parser *p, key k, bool array)
{
    rn_value *hash = p->mapping;
    key kc = {NULL, NULL, 0};
    for (size_t i = 0; i + 1 < k.len; i++) {
        const char *s = k.p[i];
        size_t n = k.n[i];
        rn_value *t = rn_map_get(hash, s, n);
        kc = key_add(p, kc, s, n);
        if (!t) {
            implicit_add(p, kc);
            t = rn_map_new(p->a, 4);
            rn_map_set(p->a, hash, s, n, t);
        }
        if (is_aot(t))
            hash = t->u.list.items[t->u.list.len - 1];
        else if (t->kind == RN_MAP)
            hash = t;
        else
            failf(p, p->pos_line, "Key '%s' was already created as a hash.",
                  key_string(p, kc));
    }
    p->context = kc;
    const char *last = k.p[k.len - 1];
    size_t lastn = k.n[k.len - 1];
    if (array) {
        rn_value *t = rn_map_get(hash, last, lastn);
        if (!t) {
            t = rn_list_new(p->a, 4);
            t->tname = aot_type;
            rn_map_set(p->a, hash, last, lastn, t);
        }
        if (!is_aot(t))
            failf(p, p->pos_line,
                  "Key '%s' was already created and cannot be used as an "
                  "array.",
                  key_string(p, k));
        rn_list_push(p->a, t, rn_map_new(p->a, 4));
    } else {
        set_value(p, last, lastn, rn_map_new(p->a, 4));
    }
    p->context = key_add(p, p->context, last, lastn);
}

static void add_implicit_context(parser *p, key k)
{
    implicit_add(p, k);
    add_context(p, k, false);
}

/* ---- values ---------------------------------------------------------------
 */

static rn_value *value(parser *p, item it, bool parent_is_array);

static const char *strip_first_newline(const char *s, size_t *n)
{
    if (*n > 0 && s[0] == '\n') {
        (*n)--;
        return s + 1;
    }
    if (*n > 1 && s[0] == '\r' && s[1] == '\n') {
        *n -= 2;
        return s + 2;
    }
    return s;
}

/* stripEscapedNewlines: a backslash followed by white space holding a
 * newline drops all of it. */
static const char *strip_escaped_newlines(parser *p, const char *s, size_t *np)
{
    size_t n = *np;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    size_t i = 0;
    for (;;) {
        const char *bs = i < n ? memchr(s + i, '\\', n - i) : NULL;
        if (!bs) {
            rn_buf_append(&b, s, n);
            break;
        }
        i = (size_t)(bs - s);
        if (n > i + 1 && s[i + 1] == '\\') {
            i += 2;
            continue;
        }
        size_t j = i + 1;
        while (j < n &&
               (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n'))
            j++;
        if (j == i + 1) {
            i++;
            continue;
        }
        if (!memchr(s + i, '\n', j - i)) {
            i++;
            continue;
        }
        rn_buf_append(&b, s, i);
        s += j;
        n -= j;
        i = 0;
    }
    const char *out = rn_arena_strndup(p->a, rn_buf_cstr(&b), b.len);
    *np = b.len;
    rn_buf_free(&b);
    return out;
}

/* The rune of an escape's hex digits, or -1 when it is no valid rune. */
static int32_t escape_rune(const char *hex, size_t n)
{
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = hex[i];
        v = v * 16 + (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    if ((v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
        return -1;
    return (int32_t)v;
}

static const char *replace_escapes(parser *p, item it, const char *s,
                                   size_t *np)
{
    size_t n = *np;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    for (size_t i = 0; i < n;) {
        if (s[i] != '\\') {
            rn_buf_putc(&b, s[i]);
            i++;
            continue;
        }
        char c = i + 1 < n ? s[i + 1] : '\0';
        const char *map = NULL;
        switch (c) {
        case ' ':
        case '\t':
            rn_buf_free(&b);
            failf(p, it.line, "invalid escape: '\\%c'", c);
        case 'b':
            map = "\b";
            break;
        case 't':
            map = "\t";
            break;
        case 'n':
            map = "\n";
            break;
        case 'f':
            map = "\f";
            break;
        case 'r':
            map = "\r";
            break;
        case 'e':
            map = "\x1b";
            break;
        case '"':
            map = "\"";
            break;
        case '\\':
            map = "\\";
            break;
        case 'x':
        case 'u':
        case 'U': {
            size_t k = c == 'x' ? 2 : c == 'u' ? 4 : 8;
            if (i + 2 + k > n) {
                rn_buf_free(&b);
                failf(p, it.line, "BUG: Escape sequence at end of string.");
            }
            int32_t r = escape_rune(s + i + 2, k);
            if (r < 0) {
                rn_buf_free(&b);
                failf(p, it.line,
                      "Escaped character '\\u%.*s' is not valid UTF-8.", (int)k,
                      s + i + 2);
            }
            rn_fn_utf8_put(&b, r);
            i += 2 + k;
            continue;
        }
        default:
            rn_buf_free(&b);
            failf(p, it.line,
                  "BUG: Expected valid escape code after \\, but got %s.",
                  qstr(p->a, &c, 1));
        }
        rn_buf_puts(&b, map);
        i += 2;
    }
    const char *out = rn_arena_strndup(p->a, rn_buf_cstr(&b), b.len);
    *np = b.len;
    rn_buf_free(&b);
    return out;
}

/* The string an item stands for (also for quoted keys). */
static rn_value *string_value(parser *p, item it)
{
    const char *s = it.val;
    size_t n = it.len;
    switch (it.typ) {
    case IT_STRING:
    case IT_RAW:
        break;
    case IT_STRING_ESC:
        s = replace_escapes(p, it, s, &n);
        break;
    case IT_ML:
        s = strip_first_newline(s, &n);
        s = strip_escaped_newlines(p, s, &n);
        s = replace_escapes(p, it, s, &n);
        break;
    case IT_RAW_ML:
        s = strip_first_newline(s, &n);
        break;
    default:
        return NULL;
    }
    return rn_str(p->a, s, n);
}

static void key_string_of(parser *p, item it, const char **s, size_t *n)
{
    if (it.typ == IT_TEXT) {
        *s = it.val;
        *n = it.len;
        return;
    }
    rn_value *v = string_value(p, it);
    if (!v)
        failf(p, it.line, "BUG: Unexpected key type: %d", (int)it.typ);
    *s = v->u.s.ptr;
    *n = v->u.s.len;
}

/* numUnderscoresOK */
static bool underscores_ok(const char *s, size_t n)
{
    static const char *const special[] = {"nan", "+nan", "-nan",
                                          "inf", "-inf", "+inf"};
    for (size_t i = 0; i < 6; i++)
        if (strlen(special[i]) == n && memcmp(special[i], s, n) == 0)
            return true;
    bool ok = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_' && !ok)
            return false;
        ok = is_hex((unsigned char)s[i]);
    }
    return ok;
}

/* numHasLeadingZero */
static bool leading_zero(const char *s, size_t n)
{
    if (n > 1 && s[0] == '0' && !(s[1] == 'b' || s[1] == 'o' || s[1] == 'x'))
        return true;
    if (n > 2 && (s[0] == '-' || s[0] == '+') && s[1] == '0')
        return true;
    return false;
}

static const char *item_q(parser *p, item it)
{
    return qstr(p->a, it.val, it.len);
}

static rn_value *value_integer(parser *p, item it)
{
    if (!underscores_ok(it.val, it.len))
        failf(p, it.line,
              "Invalid integer %s: underscores must be surrounded by digits",
              item_q(p, it));
    if (leading_zero(it.val, it.len))
        failf(p, it.line, "Invalid integer %s: cannot have leading zeroes",
              item_q(p, it));
    /* strconv.ParseInt(s, 0, 64): sign, 0x/0o/0b, underscores. */
    const char *s = it.val;
    size_t n = it.len, i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    int base = 10;
    if (i + 1 < n && s[i] == '0' &&
        (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b')) {
        base = s[i + 1] == 'x' ? 16 : s[i + 1] == 'o' ? 8 : 2;
        i += 2;
    }
    uint64_t v = 0;
    bool range = false, digits = false;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '_')
            continue;
        int d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
        if (d < 0 || d >= base)
            failf(p, it.line, "BUG: Expected integer value, but got '%.*s'.",
                  (int)it.len, it.val);
        digits = true;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            range = true;
        else
            v = v * (uint64_t)base + (uint64_t)d;
    }
    if (!digits)
        failf(p, it.line, "BUG: Expected integer value, but got '%.*s'.",
              (int)it.len, it.val);
    if (range || v > (neg ? (uint64_t)1 << 63 : ((uint64_t)1 << 63) - 1))
        failf(p, it.line, "%.*s is out of range for int64", (int)it.len,
              it.val);
    int64_t r = neg ? (int64_t)(0 - v) : (int64_t)v;
    return rn_int64(p->a, r);
}

static rn_value *value_float(parser *p, item it)
{
    const char *s = it.val;
    size_t n = it.len;
    /* strings.FieldsFunc on '.', 'e', 'E' */
    bool first = true;
    for (size_t i = 0; i < n;) {
        while (i < n && (s[i] == '.' || s[i] == 'e' || s[i] == 'E'))
            i++;
        if (i >= n)
            break;
        size_t j = i;
        while (j < n && !(s[j] == '.' || s[j] == 'e' || s[j] == 'E'))
            j++;
        if (!underscores_ok(s + i, j - i))
            failf(p, it.line,
                  "Invalid float %s: underscores must be surrounded by digits",
                  item_q(p, it));
        if (first && leading_zero(s + i, j - i))
            failf(p, it.line, "Invalid float %s: cannot have leading zeroes",
                  item_q(p, it));
        first = false;
        i = j;
    }
    bool period = false;
    for (size_t i = 0; i < n; i++) {
        if (period && !is_digit((unsigned char)s[i]))
            failf(p, it.line,
                  "Invalid float %s: '.' must be followed by one or more "
                  "digits",
                  item_q(p, it));
        period = s[i] == '.';
    }
    if (period)
        failf(p, it.line,
              "Invalid float %s: '.' must be followed by one or more digits",
              item_q(p, it));
    char *val = rn_arena_alloc(p->a, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '_')
            val[k++] = s[i];
    val[k] = '\0';
    bool signbit = false;
    if (strcmp(val, "+nan") == 0 || strcmp(val, "-nan") == 0) {
        signbit = val[0] == '-';
        val = "nan";
    }
    double f;
    if (strcmp(val, "nan") == 0) {
        f = NAN;
    } else if (strcmp(val, "inf") == 0 || strcmp(val, "+inf") == 0) {
        f = INFINITY;
    } else if (strcmp(val, "-inf") == 0) {
        f = -INFINITY;
    } else {
        /* strconv.ParseFloat's decimal syntax: digits, one '.', an
         * exponent; what the lexer lets through can still be malformed. */
        const char *q = val;
        bool ok = true;
        if (*q == '+' || *q == '-')
            q++;
        size_t dig = 0;
        while (is_digit((unsigned char)*q))
            q++, dig++;
        if (*q == '.') {
            q++;
            while (is_digit((unsigned char)*q))
                q++, dig++;
        }
        if (dig == 0)
            ok = false;
        if (ok && (*q == 'e' || *q == 'E')) {
            q++;
            if (*q == '+' || *q == '-')
                q++;
            if (!is_digit((unsigned char)*q))
                ok = false;
            while (is_digit((unsigned char)*q))
                q++;
        }
        if (*q != '\0')
            ok = false;
        if (!ok)
            failf(p, it.line, "Invalid float value: %s", item_q(p, it));
        errno = 0;
        f = strtod(val, NULL);
        if (isinf(f))
            failf(p, it.line, "%.*s is out of range for float64", (int)it.len,
                  it.val);
    }
    if (signbit)
        f = copysign(f, -1.0);
    return rn_float(p->a, f);
}

/* ---- datetimes: Go's time.ParseInLocation on BurntSushi's layouts ---- */

enum { L_YEAR, L_MON, L_DAY, L_HOUR, L_MIN, L_SEC, L_FRAC, L_TZ, L_LIT };

typedef struct dt_layout {
    const char *text; /* for missingLeadingZero */
    const char *zone; /* NULL: time.Local (offset given) */
    int elems[16];
} dt_layout;

#define LIT(c) (L_LIT | ((c) << 8))
static const dt_layout layouts[] = {
    {"2006-01-02T15:04:05.999999999Z07:00",
     NULL,
     {L_YEAR, LIT('-'), L_MON, LIT('-'), L_DAY, LIT('T'), L_HOUR, LIT(':'),
      L_MIN, LIT(':'), L_SEC, L_FRAC, L_TZ, -1}},
    {"2006-01-02T15:04:05.999999999",
     "datetime-local",
     {L_YEAR, LIT('-'), L_MON, LIT('-'), L_DAY, LIT('T'), L_HOUR, LIT(':'),
      L_MIN, LIT(':'), L_SEC, L_FRAC, -1}},
    {"2006-01-02",
     "date-local",
     {L_YEAR, LIT('-'), L_MON, LIT('-'), L_DAY, -1}},
    {"15:04:05.999999999",
     "time-local",
     {L_HOUR, LIT(':'), L_MIN, LIT(':'), L_SEC, L_FRAC, -1}},
    {"2006-01-02T15:04Z07:00",
     NULL,
     {L_YEAR, LIT('-'), L_MON, LIT('-'), L_DAY, LIT('T'), L_HOUR, LIT(':'),
      L_MIN, L_TZ, -1}},
    {"2006-01-02T15:04",
     "datetime-local",
     {L_YEAR, LIT('-'), L_MON, LIT('-'), L_DAY, LIT('T'), L_HOUR, LIT(':'),
      L_MIN, -1}},
    {"15:04", "time-local", {L_HOUR, LIT(':'), L_MIN, -1}},
};

static bool dig(const char *s, size_t n, size_t i)
{
    return i < n && is_digit((unsigned char)s[i]);
}

/* getnum */
static bool getnum(const char *s, size_t n, size_t *i, bool fixed, int *out)
{
    if (!dig(s, n, *i))
        return false;
    if (!dig(s, n, *i + 1)) {
        if (fixed)
            return false;
        *out = s[*i] - '0';
        *i += 1;
        return true;
    }
    *out = (s[*i] - '0') * 10 + (s[*i + 1] - '0');
    *i += 2;
    return true;
}

static bool leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int month_days(int m, int64_t y)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

static rn_value *parse_layout(parser *p, const dt_layout *l, const char *s,
                              size_t n)
{
    int year = 0, mon = 1, day = 1, hour = 0, min = 0, sec = 0, nsec = 0;
    int off = 0;
    bool utc = false, have_tz = false;
    size_t i = 0;
    for (int k = 0; l->elems[k] >= 0; k++) {
        int e = l->elems[k];
        switch (e & 0xff) {
        case L_LIT:
            if (i >= n || s[i] != (char)(e >> 8))
                return NULL;
            i++;
            break;
        case L_YEAR:
            if (n - i < 4)
                return NULL;
            for (int j = 0; j < 4; j++)
                if (!dig(s, n, i + (size_t)j))
                    return NULL;
            year = (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 +
                   (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
            i += 4;
            break;
        case L_MON:
            if (!getnum(s, n, &i, true, &mon) || mon < 1 || mon > 12)
                return NULL;
            break;
        case L_DAY:
            if (!getnum(s, n, &i, true, &day) || day > 31)
                return NULL;
            break;
        case L_HOUR:
            if (!getnum(s, n, &i, false, &hour) || hour >= 24)
                return NULL;
            break;
        case L_MIN:
            if (!getnum(s, n, &i, true, &min) || min >= 60)
                return NULL;
            break;
        case L_SEC:
            if (!getnum(s, n, &i, true, &sec) || sec >= 60)
                return NULL;
            break;
        case L_FRAC: {
            if (n - i < 2 || s[i] != '.' || !dig(s, n, i + 1))
                break; /* omitted */
            size_t j = 0;
            while (dig(s, n, i + j + 1))
                j++;
            size_t nb = 1 + j;
            size_t use = nb > 10 ? 10 : nb;
            int64_t ns = 0;
            for (size_t q = 1; q < use; q++)
                ns = ns * 10 + (s[i + q] - '0');
            for (size_t q = use; q < 10; q++)
                ns *= 10;
            nsec = (int)ns;
            i += nb;
            break;
        }
        case L_TZ:
            have_tz = true;
            if (i < n && s[i] == 'Z') {
                utc = true;
                i++;
                break;
            }
            if (n - i < 6 || s[i + 3] != ':' || (s[i] != '+' && s[i] != '-'))
                return NULL;
            {
                size_t h = i + 1, m = i + 4;
                int hh, mm;
                if (!getnum(s, n, &h, true, &hh) ||
                    !getnum(s, n, &m, true, &mm))
                    return NULL;
                if (hh > 24 || mm > 60)
                    return NULL;
                off = (hh * 60 + mm) * 60;
                if (s[i] == '-')
                    off = -off;
            }
            i += 6;
            break;
        }
    }
    if (i != n)
        return NULL;
    if (day < 1 || day > month_days(mon, year))
        return NULL;
    int64_t secs = rn_days_from_civil(year, mon, day) * 86400 + hour * 3600 +
                   min * 60 + sec;
    const char *zone = l->zone;
    if (have_tz) {
        secs -= off;
        /* Local is UTC: a zero offset is Local ("UTC"), others a
         * nameless fixed zone. */
        zone = utc || off == 0 ? "UTC" : "";
    }
    return rn_fn_time_new(p->a, secs, nsec, have_tz ? off : 0, zone);
}

static bool missing_leading_zero(const char *d, size_t n, const char *l)
{
    for (size_t i = 0; l[i]; i++) {
        char c = l[i];
        if (c == '.' || c == 'Z')
            return false;
        if ((c < '0' || c > '9') && (i >= n || d[i] != c))
            return true;
    }
    return false;
}

static rn_value *value_datetime(parser *p, item it)
{
    char *v = rn_arena_strndup(p->a, it.val, it.len);
    for (size_t i = 0; i < it.len; i++) {
        if (v[i] == 'z')
            v[i] = 'Z';
        else if (v[i] == 't' || v[i] == ' ')
            v[i] = 'T';
    }
    for (size_t k = 0; k < sizeof layouts / sizeof *layouts; k++) {
        rn_value *t = parse_layout(p, &layouts[k], v, it.len);
        if (t) {
            if (missing_leading_zero(v, it.len, layouts[k].text))
                break;
            return t;
        }
    }
    failf(p, it.line, "invalid datetime: %s", qstr(p->a, v, it.len));
}

static void expect_text(parser *p)
{
    item it = pnext(p);
    if (it.typ != IT_TEXT)
        failf(p, it.line, "BUG: Expected 'Text' but got another item.");
}

static rn_value *value_array(parser *p, item it)
{
    set_type(p, p->cur_key, p->cur_len, true);
    rn_value *arr = rn_list_new(p->a, 2);
    for (it = pnext(p); it.typ != IT_ARRAY_END; it = pnext(p)) {
        if (it.typ == IT_COMMENT_START) {
            expect_text(p);
            continue;
        }
        rn_list_push(p->a, arr, value(p, it, true));
    }
    return arr;
}

/* Read the parts of a key up to `end` (IT_KEY_END, IT_TABLE_END ...). */
static key read_key(parser *p, item first, ityp end)
{
    key k = {NULL, NULL, 0};
    item it = first;
    for (; it.typ != end && it.typ != IT_EOF; it = pnext(p)) {
        const char *s;
        size_t n;
        key_string_of(p, it, &s, &n);
        k = key_add(p, k, s, n);
    }
    if (it.typ != end)
        failf(p, it.line, "BUG: Expected the end of a key.");
    return k;
}

static rn_value *value_inline_table(parser *p, item it, bool parent_is_array)
{
    (void)it;
    rn_value *top = rn_map_new(p->a, 4);
    key outer_ctx = p->context;
    const char *outer_key = p->cur_key;
    size_t outer_len = p->cur_len;
    p->context = key_add(p, p->context, p->cur_key, p->cur_len);
    key prev_ctx = p->context;
    set_cur(p, NULL, 0);
    implicit_add(p, p->context);
    add_context(p, p->context, parent_is_array);
    for (item k = pnext(p); k.typ != IT_ITABLE_END; k = pnext(p)) {
        if (k.typ == IT_COMMENT_START) {
            expect_text(p);
            continue;
        }
        key name = read_key(p, pnext_pos(p), IT_KEY_END);
        set_cur(p, name.p[name.len - 1], name.n[name.len - 1]);
        key ctx = key_slice(name, 0, name.len - 1);
        for (size_t i = 0; i < ctx.len; i++) {
            key c = p->context;
            c = key_add(p, c, ctx.p[i], ctx.n[i]);
            add_implicit_context(p, c);
        }
        item vi = pnext(p);
        rn_value *val = value(p, vi, false);
        set_value(p, p->cur_key, p->cur_len, val);
        set_type(p, p->cur_key, p->cur_len,
                 val->kind == RN_LIST && vi.typ == IT_ARRAY);
        rn_value *hash = top;
        for (size_t i = 0; i < ctx.len; i++) {
            rn_value *h = rn_map_get(hash, ctx.p[i], ctx.n[i]);
            if (!h) {
                h = rn_map_new(p->a, 4);
                rn_map_set(p->a, hash, ctx.p[i], ctx.n[i], h);
            }
            if (h->kind != RN_MAP || h->tname) {
                const char *cs = key_string(p, p->context);
                failf(p, p->pos_line, "%s is not a table",
                      qstr(p->a, cs, strlen(cs)));
            }
            hash = h;
        }
        rn_map_set(p->a, hash, p->cur_key, p->cur_len, val);
        p->context = prev_ctx;
    }
    p->context = outer_ctx;
    p->cur_key = outer_key;
    p->cur_len = outer_len;
    return top;
}

static rn_value *value(parser *p, item it, bool parent_is_array)
{
    switch (it.typ) {
    case IT_STRING:
    case IT_STRING_ESC:
    case IT_ML:
    case IT_RAW:
    case IT_RAW_ML:
        return string_value(p, it);
    case IT_INT:
        return value_integer(p, it);
    case IT_FLOAT:
        return value_float(p, it);
    case IT_BOOL:
        return rn_bool(p->a, it.len == 4);
    case IT_DATETIME:
        return value_datetime(p, it);
    case IT_ARRAY:
        return value_array(p, it);
    case IT_ITABLE_START:
        return value_inline_table(p, it, parent_is_array);
    default:
        failf(p, it.line, "BUG: Unexpected value type: %d", (int)it.typ);
    }
}

static void top_level(parser *p, item it)
{
    switch (it.typ) {
    case IT_COMMENT_START:
        expect_text(p);
        return;
    case IT_TABLE_START:
    case IT_ATABLE_START: {
        bool array = it.typ == IT_ATABLE_START;
        key k = read_key(p, pnext_pos(p), array ? IT_ATABLE_END : IT_TABLE_END);
        add_context(p, k, array);
        set_type(p, NULL, 0, false);
        return;
    }
    case IT_KEY_START: {
        key outer = p->context;
        key name = read_key(p, pnext_pos(p), IT_KEY_END);
        set_cur(p, name.p[name.len - 1], name.n[name.len - 1]);
        key ctx = key_slice(name, 0, name.len - 1);
        for (size_t i = 0; i < ctx.len; i++) {
            key c = key_add(p, p->context, ctx.p[i], ctx.n[i]);
            add_implicit_context(p, c);
        }
        item vi = pnext(p);
        rn_value *val = value(p, vi, false);
        set_value(p, p->cur_key, p->cur_len, val);
        set_type(p, p->cur_key, p->cur_len, vi.typ == IT_ARRAY);
        p->context = outer;
        set_cur(p, NULL, 0);
        return;
    }
    default:
        failf(p, it.line, "BUG: Unexpected type at top level: %d", (int)it.typ);
    }
}

rn_value *rn_toml_parse(rn_arena *a, const char *data, size_t len,
                        const char **err)
{
    if (len >= 2 && ((data[0] == '\xff' && data[1] == '\xfe') ||
                     (data[0] == '\xfe' && data[1] == '\xff'))) {
        data += 2;
        len -= 2;
    } else if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
        data += 3;
        len -= 3;
    }
    if (memchr(data, '\0', len < 6 ? len : 6)) {
        *err = "toml: line 1: files cannot contain NULL bytes; probably using "
               "UTF-16; TOML files must be UTF-8";
        return NULL;
    }
    lexer *lx = rn_arena_alloc(a, sizeof *lx);
    lx->a = a;
    lx->in = data;
    lx->n = len;
    lx->line = 1;
    lx->state = TO(lex_top);
    parser *p = rn_arena_alloc(a, sizeof *p);
    p->a = a;
    p->lx = lx;
    p->cur_key = "";
    p->mapping = rn_map_new(a, 8);
    p->is_array = rn_map_new(a, 8);
    p->implicits = rn_map_new(a, 8);
    if (setjmp(p->jb)) {
        *err = p->err;
        return NULL;
    }
    for (;;) {
        item it = pnext(p);
        if (it.typ == IT_EOF)
            break;
        top_level(p, it);
    }
    *err = NULL;
    return p->mapping;
}
