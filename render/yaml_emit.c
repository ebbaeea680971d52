/*
 * yaml_emit.c — writing the value tree as YAML.
 *
 * rn_yaml_emit_helm() must print the bytes Helm's toYaml prints, so the
 * writer is a port of the parts of go-yaml v2's emitter (emitterc.go) that
 * sigs.k8s.io/yaml.Marshal reaches: block mappings and sequences, the
 * scalar analysis that decides between plain, single-quoted,
 * double-quoted and literal styles, 80-column folding of flow scalars,
 * block scalar indentation and chomping hints, and "? " keys for keys
 * that cannot be simple. The encoder's choices (encode.go) come first:
 * a string is literal when it holds a newline, plain when go-yaml would
 * read it back as a string, double-quoted otherwise; numbers go through
 * encoding/json and back, as sigs.k8s.io/yaml does; keys are sorted with
 * go-yaml's natural key order.
 *
 * rn_yaml_emit_pretty() is Helm's toYamlPretty: go-yaml v3's encoder
 * (go.yaml.in/yaml/v3, SetIndent(2)) on the value itself, with no JSON
 * round trip. Its emitter is the v2 one with these changes: no line
 * folding (best_width -1), sequences indented under their key, a tab
 * keeping a scalar from being plain or single-quoted; the encoder quotes
 * what v3 resolves to a non-string, YAML 1.1 booleans (yes/on/y...) and
 * base-60 floats, prints floats with strconv's 'g' (1e+06, .inf, .nan),
 * writes invalid UTF-8 as !!binary base64, and sorts keys with v3's
 * natural order (which differs from v2's after a digit).
 *
 * rn_yaml_emit_doc() uses the same machinery for manifests: keys in
 * insertion order, no folding, and strings quoted when either YAML 1.1 or
 * YAML 1.2 readers would take them for something else — unless the value
 * says how it was written (a reader's keep_source): then a kept source
 * text is printed verbatim, a tag before the value, and a string or key
 * in the style it had, where that style can hold it.
 */
#include "yaml.h"
#include "yaml_scalar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gofmt.h"
#include "unicode_class.h"

enum style { ST_PLAIN, ST_SINGLE, ST_DOUBLE, ST_LITERAL };

typedef struct emitter {
    rn_buf *out;
    bool helm;
    bool v3; /* toYamlPretty: go-yaml v3's encoder and emitter */
    int best_indent, best_width;
    int column, indent;
    int *indents;
    size_t nindents, capindents;
    bool whitespace, indention;
    int flow_level;
    bool root_context, sequence_context, mapping_context, simple_key_context;
} emitter;

typedef struct analysis {
    bool multiline;
    bool flow_plain_allowed, block_plain_allowed;
    bool single_quoted_allowed, block_allowed;
} analysis;

/* ---- byte classes (yamlprivateh.go) -------------------------------------- */

/* Strings handed to the emitter are NUL-terminated, so looking one or two
 * bytes ahead, as go-yaml does, stays inside the buffer. */
static bool is_printable(const unsigned char *b, size_t i)
{
    unsigned c = b[i];
    return c == 0x0A || (c >= 0x20 && c <= 0x7E) ||
           (c == 0xC2 && b[i + 1] >= 0xA0) || (c > 0xC2 && c < 0xED) ||
           (c == 0xED && b[i + 1] < 0xA0) || c == 0xEE ||
           (c == 0xEF && !(b[i + 1] == 0xBB && b[i + 2] == 0xBF) &&
            !(b[i + 1] == 0xBF && (b[i + 2] == 0xBE || b[i + 2] == 0xBF)));
}

static bool is_space(const unsigned char *b, size_t i)
{
    return b[i] == ' ';
}

static bool is_break(const unsigned char *b, size_t i)
{
    return b[i] == '\r' || b[i] == '\n' || (b[i] == 0xC2 && b[i + 1] == 0x85) ||
           (b[i] == 0xE2 && b[i + 1] == 0x80 &&
            (b[i + 2] == 0xA8 || b[i + 2] == 0xA9));
}

static bool is_blankz(const unsigned char *b, size_t i, size_t n)
{
    return i >= n || b[i] == ' ' || b[i] == '\t' || is_break(b, i) || b[i] == 0;
}

static int width(unsigned char c)
{
    if ((c & 0x80) == 0)
        return 1;
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 1;
}

/* ---- output primitives (emitterc.go) ------------------------------------- */

static void put(emitter *e, char c)
{
    rn_buf_putc(e->out, c);
    e->column++;
}

static void put_break(emitter *e)
{
    rn_buf_putc(e->out, '\n');
    e->column = 0;
}

static void write_char(emitter *e, const unsigned char *s, size_t *i)
{
    int w = width(s[*i]);
    if (w == 1)
        rn_buf_putc(e->out, (char)s[*i]);
    else
        rn_buf_append(e->out, (const char *)s + *i, (size_t)w);
    *i += (size_t)w;
    e->column++;
}

static void write_break(emitter *e, const unsigned char *s, size_t *i)
{
    if (s[*i] == '\n') {
        put_break(e);
        (*i)++;
    } else {
        write_char(e, s, i);
        e->column = 0;
    }
}

static void write_indent(emitter *e)
{
    int indent = e->indent < 0 ? 0 : e->indent;
    if (!e->indention || e->column > indent ||
        (e->column == indent && !e->whitespace))
        put_break(e);
    while (e->column < indent)
        put(e, ' ');
    e->whitespace = true;
    e->indention = true;
}

static void write_indicator(emitter *e, const char *ind, bool need_whitespace,
                            bool is_whitespace, bool is_indention)
{
    if (need_whitespace && !e->whitespace)
        put(e, ' ');
    for (const char *p = ind; *p; p++)
        put(e, *p);
    e->whitespace = is_whitespace;
    e->indention = e->indention && is_indention;
}

static void increase_indent(emitter *e, bool flow, bool indentless)
{
    if (e->nindents == e->capindents) {
        size_t cap = e->capindents ? e->capindents * 2 : 16;
        int *p = realloc(e->indents, cap * sizeof *p);
        if (!p)
            abort();
        e->indents = p;
        e->capindents = cap;
    }
    e->indents[e->nindents++] = e->indent;
    if (e->indent < 0)
        e->indent = flow ? e->best_indent : 0;
    else if (!indentless)
        e->indent += e->best_indent;
}

static void pop_indent(emitter *e)
{
    e->indent = e->indents[--e->nindents];
}

/* ---- scalars ------------------------------------------------------------- */

/* Bytes that are never an indicator, a blank or a break, and are
 * printable: a scalar made only of them (and not starting with '-' or
 * '.', which can open "---" or "...") needs none of the checks below. */
static const bool quiet[256] = {
    ['a' ... 'z'] = true, ['A' ... 'Z'] = true, ['0' ... '9'] = true,
    ['-'] = true,         ['.'] = true,         ['_'] = true,
    ['/'] = true,         ['='] = true,         ['+'] = true,
    ['('] = true,         [')'] = true,         [';'] = true,
    ['~'] = true,         ['$'] = true,         ['^'] = true,
};

/* The ASCII bytes that the analysis below looks at after the first one:
 * the flow indicators, ':' and '#', blanks, breaks, NUL and the
 * unprintable ones. */
static const bool loud_ascii[128] = {
    [0 ... 0x1F] = true, [0x7F] = true, [' '] = true, [','] = true,
    ['?'] = true,        ['['] = true,  [']'] = true, ['{'] = true,
    ['}'] = true,        [':'] = true,  ['#'] = true,
};

static void analyze(const unsigned char *v, size_t n, analysis *an, bool v3)
{
    memset(an, 0, sizeof *an);
    if (n == 0) {
        an->block_plain_allowed = true;
        an->single_quoted_allowed = true;
        return;
    }
    if (v[0] != '-' && v[0] != '.') {
        size_t i = 0;
        while (i < n && quiet[v[i]])
            i++;
        if (i == n) {
            an->flow_plain_allowed = an->block_plain_allowed = true;
            an->single_quoted_allowed = an->block_allowed = true;
            return;
        }
    }
    bool block_ind = false, flow_ind = false, line_breaks = false;
    bool special = false, leading_space = false, leading_break = false;
    bool trailing_space = false, trailing_break = false;
    bool break_space = false, space_break = false, tabs = false;
    bool previous_space = false, previous_break = false;
    bool preceded_by_ws = true;
    if (n >= 3 && ((v[0] == '-' && v[1] == '-' && v[2] == '-') ||
                   (v[0] == '.' && v[1] == '.' && v[2] == '.')))
        block_ind = flow_ind = true;
    for (size_t i = 0; i < n;) {
        unsigned char c = v[i];
        if (i > 0 && c < 0x80 && !loud_ascii[c]) {
            /* No indicator, blank or break, printable: what the checks
             * below conclude for it. */
            previous_space = previous_break = preceded_by_ws = false;
            i++;
            continue;
        }
        size_t w = (size_t)width(c);
        bool followed_by_ws = is_blankz(v, i + w, n);
        if (i == 0) {
            if (strchr("#,[]{}&*!|>'\"%@`", c) && c) {
                flow_ind = block_ind = true;
            } else if (c == '?' || c == ':') {
                flow_ind = true;
                if (followed_by_ws)
                    block_ind = true;
            } else if (c == '-' && followed_by_ws) {
                flow_ind = block_ind = true;
            }
        } else {
            if (c == ',' || c == '?' || c == '[' || c == ']' || c == '{' ||
                c == '}') {
                flow_ind = true;
            } else if (c == ':') {
                flow_ind = true;
                if (followed_by_ws)
                    block_ind = true;
            } else if (c == '#' && preceded_by_ws) {
                flow_ind = block_ind = true;
            }
        }
        if (v3 && c == '\t')
            tabs = true; /* v3: a tab is not "special" */
        else if (c < 0x80 ? c != 0x0A && (c < 0x20 || c == 0x7F)
                          : !is_printable(v, i))
            special = true;
        if (is_space(v, i)) {
            if (i == 0)
                leading_space = true;
            if (i + w == n)
                trailing_space = true;
            if (previous_break)
                break_space = true;
            previous_space = true;
            previous_break = false;
        } else if (is_break(v, i)) {
            line_breaks = true;
            if (i == 0)
                leading_break = true;
            if (i + w == n)
                trailing_break = true;
            if (previous_space)
                space_break = true;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = previous_break = false;
        }
        preceded_by_ws = is_blankz(v, i, n);
        i += w;
    }
    an->multiline = line_breaks;
    an->flow_plain_allowed = an->block_plain_allowed = true;
    an->single_quoted_allowed = an->block_allowed = true;
    if (leading_space || leading_break || trailing_space || trailing_break)
        an->flow_plain_allowed = an->block_plain_allowed = false;
    if (trailing_space)
        an->block_allowed = false;
    if (break_space)
        an->flow_plain_allowed = an->block_plain_allowed =
            an->single_quoted_allowed = false;
    if (space_break || tabs || special)
        an->flow_plain_allowed = an->block_plain_allowed =
            an->single_quoted_allowed = false;
    if (space_break || special)
        an->block_allowed = false;
    if (line_breaks)
        an->flow_plain_allowed = an->block_plain_allowed = false;
    if (flow_ind)
        an->flow_plain_allowed = false;
    if (block_ind)
        an->block_plain_allowed = false;
}

static enum style select_style(const emitter *e, const analysis *an, size_t n,
                               enum style style)
{
    if (e->simple_key_context && an->multiline)
        style = ST_DOUBLE;
    if (style == ST_PLAIN) {
        if ((e->flow_level > 0 && !an->flow_plain_allowed) ||
            (e->flow_level == 0 && !an->block_plain_allowed))
            style = ST_SINGLE;
        if (n == 0 && (e->flow_level > 0 || e->simple_key_context))
            style = ST_SINGLE;
    }
    if (style == ST_SINGLE && !an->single_quoted_allowed)
        style = ST_DOUBLE;
    if (style == ST_LITERAL &&
        (!an->block_allowed || e->flow_level > 0 || e->simple_key_context))
        style = ST_DOUBLE;
    return style;
}

static void write_plain(emitter *e, const unsigned char *v, size_t n,
                        bool allow_breaks)
{
    if (!e->whitespace && (n > 0 || !e->v3))
        put(e, ' ');
    bool spaces = false, breaks = false;
    for (size_t i = 0; i < n;) {
        if (is_space(v, i)) {
            if (allow_breaks && !spaces && e->column > e->best_width &&
                !is_space(v, i + 1)) {
                write_indent(e);
                i += (size_t)width(v[i]);
            } else {
                write_char(e, v, &i);
            }
            spaces = true;
        } else if (is_break(v, i)) {
            if (!breaks && v[i] == '\n')
                put_break(e);
            write_break(e, v, &i);
            e->indention = true;
            breaks = true;
        } else {
            if (breaks)
                write_indent(e);
            /* A run of printable ASCII other than space goes in one
             * piece: one column per byte, nothing to decide inside. */
            size_t j = i + 1;
            while (j < n && v[j] > ' ' && v[j] < 0x7F)
                j++;
            if (v[i] > ' ' && v[i] < 0x7F) {
                rn_buf_append(e->out, (const char *)v + i, j - i);
                e->column += (int)(j - i);
                i = j;
            } else {
                write_char(e, v, &i);
            }
            e->indention = false;
            spaces = breaks = false;
        }
    }
    if (n > 0 || !e->v3)
        e->whitespace = false;
    e->indention = false;
}

static void write_single(emitter *e, const unsigned char *v, size_t n,
                         bool allow_breaks)
{
    write_indicator(e, "'", true, false, false);
    bool spaces = false, breaks = false;
    for (size_t i = 0; i < n;) {
        if (is_space(v, i)) {
            if (allow_breaks && !spaces && e->column > e->best_width && i > 0 &&
                i < n - 1 && !is_space(v, i + 1)) {
                write_indent(e);
                i += (size_t)width(v[i]);
            } else {
                write_char(e, v, &i);
            }
            spaces = true;
        } else if (is_break(v, i)) {
            if (!breaks && v[i] == '\n')
                put_break(e);
            write_break(e, v, &i);
            e->indention = true;
            breaks = true;
        } else {
            if (breaks)
                write_indent(e);
            if (v[i] == '\'')
                put(e, '\'');
            write_char(e, v, &i);
            e->indention = false;
            spaces = breaks = false;
        }
    }
    write_indicator(e, "'", false, false, false);
    e->whitespace = false;
    e->indention = false;
}

static void write_escape(emitter *e, uint32_t v)
{
    static const char hex[] = "0123456789ABCDEF";
    put(e, '\\');
    switch (v) {
    case 0x00:
        put(e, '0');
        return;
    case 0x07:
        put(e, 'a');
        return;
    case 0x08:
        put(e, 'b');
        return;
    case 0x09:
        put(e, 't');
        return;
    case 0x0A:
        put(e, 'n');
        return;
    case 0x0B:
        put(e, 'v');
        return;
    case 0x0C:
        put(e, 'f');
        return;
    case 0x0D:
        put(e, 'r');
        return;
    case 0x1B:
        put(e, 'e');
        return;
    case 0x22:
        put(e, '"');
        return;
    case 0x5C:
        put(e, '\\');
        return;
    case 0x85:
        put(e, 'N');
        return;
    case 0xA0:
        put(e, '_');
        return;
    case 0x2028:
        put(e, 'L');
        return;
    case 0x2029:
        put(e, 'P');
        return;
    }
    int w;
    if (v <= 0xFF)
        put(e, 'x'), w = 2;
    else if (v <= 0xFFFF)
        put(e, 'u'), w = 4;
    else
        put(e, 'U'), w = 8;
    for (int k = (w - 1) * 4; k >= 0; k -= 4)
        put(e, hex[(v >> k) & 0xF]);
}

static void write_double(emitter *e, const unsigned char *v, size_t n,
                         bool allow_breaks)
{
    bool spaces = false;
    /* go-yaml's is_bom looks at the start of the value, so a value that
     * starts with a BOM has every character escaped. */
    bool bom = n >= 3 && v[0] == 0xEF && v[1] == 0xBB && v[2] == 0xBF;
    write_indicator(e, "\"", true, false, false);
    for (size_t i = 0; i < n;) {
        if (!is_printable(v, i) || bom || is_break(v, i) || v[i] == '"' ||
            v[i] == '\\') {
            uint32_t cp;
            int w = rn_utf8_decode(v + i, n - i, &cp);
            if (w <= 0)
                cp = v[i], w = 1;
            i += (size_t)w;
            write_escape(e, cp);
            spaces = false;
        } else if (is_space(v, i)) {
            if (allow_breaks && !spaces && e->column > e->best_width && i > 0 &&
                i < n - 1) {
                write_indent(e);
                if (is_space(v, i + 1))
                    put(e, '\\');
                i += (size_t)width(v[i]);
            } else {
                write_char(e, v, &i);
            }
            spaces = true;
        } else {
            write_char(e, v, &i);
            spaces = false;
        }
    }
    write_indicator(e, "\"", false, false, false);
    e->whitespace = false;
    e->indention = false;
}

static size_t prev_char(const unsigned char *v, size_t i)
{
    while (i > 0 && (v[i] & 0xC0) == 0x80)
        i--;
    return i;
}

static void write_block_hints(emitter *e, const unsigned char *v, size_t n)
{
    if (n && (is_space(v, 0) || is_break(v, 0))) {
        char hint[2] = {(char)('0' + e->best_indent), '\0'};
        write_indicator(e, hint, false, false, false);
    }
    const char *chomp = NULL;
    if (n == 0) {
        chomp = "-";
    } else {
        size_t i = prev_char(v, n - 1);
        if (!is_break(v, i))
            chomp = "-";
        else if (i == 0)
            chomp = "+";
        else if (is_break(v, prev_char(v, i - 1)))
            chomp = "+";
    }
    if (chomp)
        write_indicator(e, chomp, false, false, false);
}

static void write_literal(emitter *e, const unsigned char *v, size_t n)
{
    write_indicator(e, "|", true, false, false);
    write_block_hints(e, v, n);
    put_break(e);
    e->indention = true;
    e->whitespace = true;
    bool breaks = true;
    for (size_t i = 0; i < n;) {
        if (is_break(v, i)) {
            write_break(e, v, &i);
            e->indention = true;
            breaks = true;
        } else {
            if (breaks)
                write_indent(e);
            /* ASCII up to the next break goes in one piece. */
            size_t j = i;
            while (j < n && v[j] < 0x80 && v[j] != '\n' && v[j] != '\r')
                j++;
            if (j > i) {
                rn_buf_append(e->out, (const char *)v + i, j - i);
                e->column += (int)(j - i);
                i = j;
            } else {
                write_char(e, v, &i);
            }
            e->indention = false;
            breaks = false;
        }
    }
}

static void emit_scalar(emitter *e, const char *s, size_t n, enum style want)
{
    const unsigned char *v = (const unsigned char *)s;
    analysis an;
    analyze(v, n, &an, e->v3);
    enum style style = select_style(e, &an, n, want);
    increase_indent(e, true, false);
    bool breaks = !e->simple_key_context;
    switch (style) {
    case ST_PLAIN:
        write_plain(e, v, n, breaks);
        break;
    case ST_SINGLE:
        write_single(e, v, n, breaks);
        break;
    case ST_DOUBLE:
        write_double(e, v, n, breaks);
        break;
    case ST_LITERAL:
        write_literal(e, v, n);
        break;
    }
    pop_indent(e);
}

/* ---- what the encoder hands the emitter ---------------------------------- */

/* A string must survive a round trip: valid UTF-8 (encoding/json and
 * go-yaml replace the rest with U+FFFD). */
static const char *clean_utf8(const char *s, size_t n, rn_buf *tmp,
                              size_t *outn)
{
    size_t i = 0;
    while (i < n) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        int w = rn_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (w <= 0)
            break;
        i += (size_t)w;
    }
    if (i == n) {
        *outn = n;
        return s;
    }
    rn_buf_append(tmp, s, i);
    while (i < n) {
        uint32_t cp;
        int w = rn_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (w <= 0) {
            rn_buf_append(tmp, "\xEF\xBF\xBD", 3);
            i++;
        } else {
            rn_buf_append(tmp, s + i, (size_t)w);
            i += (size_t)w;
        }
    }
    *outn = tmp->len;
    return rn_buf_cstr(tmp);
}

static bool has_nel(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if ((unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0x85)
            return true;
    return false;
}

static bool at_nel(const char *s, size_t n, size_t i)
{
    return i + 1 < n && (unsigned char)s[i] == 0xC2 &&
           (unsigned char)s[i + 1] == 0x85;
}

/* encoding/json writes U+0085 (NEL) raw, and go-yaml reads it inside the
 * double-quoted JSON string as a line break, folding it: spaces around a
 * run of breaks vanish, one break becomes a space, k breaks become k-1
 * newlines. toYaml prints the folded string. */
static void fold_nel(const char *s, size_t n, rn_buf *out)
{
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] == ' ')
            j++;
        if (!at_nel(s, n, j)) {
            rn_buf_append(out, s + i, j > i ? j - i : 1);
            i = j > i ? j : i + 1;
            continue;
        }
        int breaks = 0;
        while (j < n && (s[j] == ' ' || at_nel(s, n, j))) {
            if (s[j] == ' ') {
                j++;
            } else {
                breaks++;
                j += 2;
            }
        }
        if (breaks == 1)
            rn_buf_putc(out, ' ');
        for (int k = 1; k < breaks; k++)
            rn_buf_putc(out, '\n');
        i = j;
    }
}

/* True when a reader would take the plain text for something other than
 * a string. */
static bool needs_quotes(const emitter *e, const char *s, size_t n)
{
    rn_yaml_scalar sc;
    rn_yaml_resolve(s, n, RN_YAML_V2, true, &sc);
    if (sc.kind != RN_YS_STR || rn_yaml_is_base60_float(s, n))
        return true;
    if (!e->helm) {
        rn_yaml_resolve(s, n, RN_YAML_V3, true, &sc);
        if (sc.kind != RN_YS_STR)
            return true;
        /* A plain "<<" key would be read as a merge. */
        if (n == 2 && s[0] == '<' && s[1] == '<')
            return true;
    }
    return false;
}

/* go-yaml v3's isOldBool: YAML 1.1 booleans that v3 reads as strings but
 * writes quoted, for YAML 1.1 readers. */
static bool is_old_bool(const char *s, size_t n)
{
    static const char *const words[] = {
        "y", "Y", "yes", "Yes", "YES", "on",  "On",  "ON",
        "n", "N", "no",  "No",  "NO",  "off", "Off", "OFF",
    };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
            return true;
    return false;
}

/* go-yaml v3's stringv: plain when resolve("", s) gives !!str and the text
 * is neither a base-60 float nor an old boolean ("<<" stays plain: v3's
 * resolve table has no hint for '<', so it never reaches the merge key). */
static bool v3_needs_quotes(const char *s, size_t n)
{
    rn_yaml_scalar sc;
    rn_yaml_resolve(s, n, RN_YAML_V3, true, &sc);
    return sc.kind != RN_YS_STR || rn_yaml_is_base60_float(s, n) ||
           is_old_bool(s, n);
}

static bool valid_utf8(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int w = rn_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (w <= 0)
            return false;
        i += (size_t)w;
    }
    return true;
}

/* v3's encodeBase64: standard base64, cut in lines of 70 characters, each
 * ending with a newline when there is more than one line. */
static void base64_lines(rn_buf *b, const char *s, size_t n)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    rn_buf enc = RN_BUF_INIT;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)u[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)u[i + 1] << 8;
        if (i + 2 < n)
            v |= u[i + 2];
        rn_buf_putc(&enc, tab[(v >> 18) & 63]);
        rn_buf_putc(&enc, tab[(v >> 12) & 63]);
        rn_buf_putc(&enc, i + 1 < n ? tab[(v >> 6) & 63] : '=');
        rn_buf_putc(&enc, i + 2 < n ? tab[v & 63] : '=');
    }
    size_t len = enc.len, lines = len / 70 + 1;
    const char *e = rn_buf_cstr(&enc);
    for (size_t i = 0; i < len; i += 70) {
        rn_buf_append(b, e + i, len - i < 70 ? len - i : 70);
        if (lines > 1)
            rn_buf_putc(b, '\n');
    }
    rn_buf_free(&enc);
}

/* A string through go-yaml v3's stringv. */
static void emit_string_v3(emitter *e, const char *s, size_t n)
{
    rn_buf bin = RN_BUF_INIT;
    enum style style;
    if (!valid_utf8(s, n)) {
        base64_lines(&bin, s, n);
        s = rn_buf_cstr(&bin);
        n = bin.len;
        write_indicator(e, "!!binary", true, false, false);
        style = memchr(s, '\n', n) ? ST_LITERAL : ST_PLAIN;
    } else if (memchr(s, '\n', n)) {
        style = ST_LITERAL;
    } else {
        style = v3_needs_quotes(s, n) ? ST_DOUBLE : ST_PLAIN;
    }
    emit_scalar(e, s, n, style);
    rn_buf_free(&bin);
}

/* sigs.k8s.io/yaml feeds encoding/json's output to go-yaml's reader,
 * which rejects DEL and U+FFFE/U+FFFF (JSON leaves them unescaped), so
 * toYaml of such a string fails. */
static bool json_trip_fails(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0x7F)
            return true;
        if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
            ((unsigned char)s[i + 2] == 0xBE ||
             (unsigned char)s[i + 2] == 0xBF))
            return true;
    }
    return false;
}

static void emit_string(emitter *e, const char *s, size_t n, unsigned kept)
{
    rn_buf tmp = RN_BUF_INIT, folded = RN_BUF_INIT;
    s = clean_utf8(s, n, &tmp, &n);
    if (e->helm && has_nel(s, n)) {
        fold_nel(s, n, &folded);
        s = rn_buf_cstr(&folded);
        n = folded.len;
    }
    enum style style;
    if (memchr(s, '\n', n))
        style = ST_LITERAL;
    else if (kept == RN_STYLE_PLAIN)
        style = ST_PLAIN; /* read back as written; quoted if it cannot be */
    else if (kept == RN_STYLE_SINGLE)
        style = ST_SINGLE;
    else if (kept == RN_STYLE_DOUBLE)
        style = ST_DOUBLE;
    else if (!needs_quotes(e, s, n))
        style = ST_PLAIN;
    else
        style = ST_DOUBLE;
    emit_scalar(e, s, n, style);
    rn_buf_free(&tmp);
    rn_buf_free(&folded);
}

/* Does the digit string (optionally signed) fit int64 or uint64, as
 * go-yaml's ParseInt/ParseUint would accept it? */
static bool fits_go_int(const char *t)
{
    bool neg = *t == '-';
    if (neg)
        t++;
    size_t n = strlen(t);
    const char *lim = neg ? "9223372036854775808" : "18446744073709551615";
    size_t ln = strlen(lim);
    return n < ln || (n == ln && strcmp(t, lim) <= 0);
}

/* A float64 as sigs.k8s.io/yaml prints it after its JSON round trip:
 * encoding/json writes it with the shortest digits, in 'f' form for
 * 1e-6 <= |f| < 1e21; go-yaml reads an integral text that fits int64 or
 * uint64 back as an int and prints those digits (2^63 comes out as
 * 9223372036854776000), and anything else as a float printed with
 * strconv's 'g'. */
static void format_float(rn_buf *b, double f, bool helm)
{
    if (isnan(f)) {
        rn_buf_puts(b, ".nan");
        return;
    }
    if (isinf(f)) {
        rn_buf_puts(b, f > 0 ? ".inf" : "-.inf");
        return;
    }
    if (helm && f == floor(f) && fabs(f) < 1e21) {
        rn_buf t = RN_BUF_INIT;
        rn_gofmt_float(&t, f, 'f', -1);
        const char *txt = rn_buf_cstr(&t);
        bool ok = fits_go_int(txt);
        if (ok)
            rn_buf_puts(b, strcmp(txt, "-0") == 0 ? "0" : txt);
        rn_buf_free(&t);
        if (ok)
            return;
    }
    rn_gofmt_float(b, f, 'g', -1);
}

static void emit_number(emitter *e, const rn_value *v)
{
    rn_buf b = RN_BUF_INIT;
    if (v->kind == RN_INT && (v->flags & RN_F_UINT64))
        rn_buf_printf(&b, "%llu", (unsigned long long)v->u.i);
    else if (v->kind == RN_INT)
        rn_buf_printf(&b, "%lld", (long long)v->u.i);
    else if (e->v3 && isfinite(v->u.f))
        rn_gofmt_float(&b, v->u.f, 'g', -1); /* v3's floatv */
    else
        format_float(&b, v->u.f, e->helm);
    emit_scalar(e, rn_buf_cstr(&b), b.len, ST_PLAIN);
    rn_buf_free(&b);
}

/* ---- go-yaml v2's key order (sorter.go), for string keys ----------------- */

static bool key_is_letter(uint32_t r)
{
    if (r < 0x80)
        return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
    return rn_unicode_is_letter(r);
}

static bool key_is_digit(uint32_t r)
{
    return r >= '0' && r <= '9';
}

/* Runes of a key (invalid bytes as U+FFFD, as []rune(s) does). */
static size_t to_runes(const char *s, size_t n, uint32_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        int w = rn_utf8_decode((const unsigned char *)s + i, n - i, &out[k]);
        if (w <= 0) {
            out[k] = 0xFFFD;
            w = 1;
        }
        i += (size_t)w;
        k++;
    }
    return k;
}

/* go-yaml's keyList.Less (v2); with `v3`, go-yaml v3's: where a letter
 * meets a non-letter right after equal digits, the letter sorts first. */
static bool key_less_runes(const uint32_t *ar, size_t an, const uint32_t *br,
                           size_t bn, bool v3)
{
    bool digits = false;
    for (size_t i = 0; i < an && i < bn; i++) {
        if (ar[i] == br[i]) {
            digits = key_is_digit(ar[i]);
            continue;
        }
        bool al = key_is_letter(ar[i]), bl = key_is_letter(br[i]);
        if (al && bl)
            return ar[i] < br[i];
        if (al || bl)
            return v3 && digits ? al : bl;
        int64_t na = 0, nb = 0;
        if (ar[i] == '0' || br[i] == '0') {
            for (size_t j = i; j-- > 0 && key_is_digit(ar[j]);) {
                if (ar[j] != '0') {
                    na = nb = 1;
                    break;
                }
            }
        }
        size_t ai = i, bi = i;
        for (; ai < an && key_is_digit(ar[ai]); ai++)
            na = na * 10 + (int64_t)(ar[ai] - '0');
        for (; bi < bn && key_is_digit(br[bi]); bi++)
            nb = nb * 10 + (int64_t)(br[bi] - '0');
        if (na != nb)
            return na < nb;
        if (ai != bi)
            return ai < bi;
        return ar[i] < br[i];
    }
    return an < bn;
}

typedef struct sort_key {
    const rn_pair *pair;
    uint32_t *runes;
    size_t nrunes;
} sort_key;

static int sort_key_cmp(const void *x, const void *y)
{
    const sort_key *a = x, *b = y;
    if (key_less_runes(a->runes, a->nrunes, b->runes, b->nrunes, false))
        return -1;
    if (key_less_runes(b->runes, b->nrunes, a->runes, a->nrunes, false))
        return 1;
    return 0;
}

static int sort_key_cmp_v3(const void *x, const void *y)
{
    const sort_key *a = x, *b = y;
    if (key_less_runes(a->runes, a->nrunes, b->runes, b->nrunes, true))
        return -1;
    if (key_less_runes(b->runes, b->nrunes, a->runes, a->nrunes, true))
        return 1;
    return 0;
}

/* ---- nodes --------------------------------------------------------------- */

static int emit_node(emitter *e, const rn_value *v, bool root, bool seq,
                     bool map, bool simple_key);

/* A scalar's source text, on one line, as the reader kept it. */
static void write_verbatim(emitter *e, const char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return; /* a null written as nothing stays nothing */
    if (!e->whitespace)
        put(e, ' ');
    for (size_t i = 0; i < n;)
        write_char(e, (const unsigned char *)s, &i);
    e->whitespace = false;
    e->indention = false;
}

static void emit_empty(emitter *e, const char *open, const char *close)
{
    write_indicator(e, open, true, true, false);
    increase_indent(e, true, false);
    pop_indent(e);
    write_indicator(e, close, false, false, false);
}

static int emit_sequence(emitter *e, const rn_value *v)
{
    if (v->u.list.len == 0 || e->flow_level > 0) {
        emit_empty(e, "[", "]");
        return 0;
    }
    /* v2 writes a sequence under a mapping key without indenting it; v3
     * (without CompactSeqIndent) indents it. */
    increase_indent(e, false, !e->v3 && e->mapping_context && !e->indention);
    for (size_t i = 0; i < v->u.list.len; i++) {
        write_indent(e);
        write_indicator(e, "-", true, false, true);
        if (emit_node(e, v->u.list.items[i], false, true, false, false))
            return -1;
    }
    pop_indent(e);
    return 0;
}

/* yaml_emitter_check_simple_key for a string key. */
static bool simple_key_ok(const char *k, size_t n)
{
    analysis an;
    analyze((const unsigned char *)k, n, &an, false);
    return !an.multiline && n <= 128;
}

static int emit_pair(emitter *e, const rn_pair *p)
{
    rn_value null;
    memset(&null, 0, sizeof null);
    const rn_value *val = p->val ? p->val : &null;
    rn_value key;
    memset(&key, 0, sizeof key);
    key.kind = RN_STRING;
    key.u.s.ptr = p->key;
    key.u.s.len = p->keylen;
    /* The style of the key as written rides on the value. */
    key.flags = ((val->flags & RN_F_KEY_STYLE) >> RN_F_KEY_STYLE_SHIFT)
                << RN_F_STYLE_SHIFT;
    /* go-yaml also cannot read back a JSON key holding a raw NEL. */
    if (e->helm &&
        (json_trip_fails(p->key, p->keylen) || has_nel(p->key, p->keylen)))
        return -1;
    write_indent(e);
    if (simple_key_ok(p->key, p->keylen)) {
        emit_node(e, &key, false, false, true, true);
        write_indicator(e, ":", false, false, false);
    } else {
        write_indicator(e, "?", true, false, true);
        emit_node(e, &key, false, false, true, false);
        write_indent(e);
        write_indicator(e, ":", true, false, true);
    }
    return emit_node(e, val, false, false, true, false);
}

static int emit_mapping(emitter *e, const rn_value *v)
{
    size_t n = v->u.map.len;
    if (n == 0 || e->flow_level > 0) {
        emit_empty(e, "{", "}");
        return 0;
    }
    increase_indent(e, false, false);
    int rc = 0;
    if (!e->helm && !e->v3) {
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = emit_pair(e, &v->u.map.pairs[i]);
    } else {
        sort_key *keys = malloc(n * sizeof *keys);
        size_t total = 0;
        for (size_t i = 0; i < n; i++)
            total += v->u.map.pairs[i].keylen;
        uint32_t *runes = malloc((total + 1) * sizeof *runes);
        if (!keys || !runes)
            abort();
        uint32_t *r = runes;
        for (size_t i = 0; i < n; i++) {
            const rn_pair *p = &v->u.map.pairs[i];
            keys[i].pair = p;
            keys[i].runes = r;
            keys[i].nrunes = to_runes(p->key, p->keylen, r);
            r += keys[i].nrunes;
        }
        qsort(keys, n, sizeof *keys, e->v3 ? sort_key_cmp_v3 : sort_key_cmp);
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = emit_pair(e, keys[i].pair);
        free(runes);
        free(keys);
    }
    pop_indent(e);
    return rc;
}

static int emit_node(emitter *e, const rn_value *v, bool root, bool seq,
                     bool map, bool simple_key)
{
    e->root_context = root;
    e->sequence_context = seq;
    e->mapping_context = map;
    e->simple_key_context = simple_key;
    unsigned kept = 0;
    /* toYamlPretty's caller hands a time.Time as its RFC 3339 text, to be
     * written as v3's timev writes it: plain, unquoted. */
    if (e->v3 && v->kind == RN_STRING && (v->flags & RN_F_SRC_TEXT) &&
        v->u.src) {
        write_verbatim(e, v->u.src);
        return 0;
    }
    if (!e->helm && !e->v3 && v->kind <= RN_STRING) {
        if ((v->flags & RN_F_SRC_TEXT) && v->u.src) {
            write_verbatim(e, v->u.src);
            return 0;
        }
        if ((v->flags & RN_F_SRC_TAG) && v->u.src)
            write_indicator(e, v->u.src, true, false, false);
        kept = (v->flags & RN_F_STYLE) >> RN_F_STYLE_SHIFT;
    }
    switch (v->kind) {
    case RN_NULL:
        emit_scalar(e, "null", 4, ST_PLAIN);
        return 0;
    case RN_BOOL:
        emit_scalar(e, v->u.b ? "true" : "false", v->u.b ? 4 : 5, ST_PLAIN);
        return 0;
    case RN_INT:
    case RN_FLOAT:
        if (e->helm && v->kind == RN_FLOAT && !isfinite(v->u.f))
            return -1; /* json.Marshal refuses NaN and Inf */
        emit_number(e, v);
        return 0;
    case RN_STRING:
        if (e->helm && json_trip_fails(v->u.s.ptr, v->u.s.len))
            return -1;
        if (e->v3)
            emit_string_v3(e, v->u.s.ptr, v->u.s.len);
        else
            emit_string(e, v->u.s.ptr, v->u.s.len, kept);
        return 0;
    case RN_LIST:
        /* through JSON a nil slice is null; go-yaml writes it [] */
        if (e->helm && (v->flags & RN_F_NIL) && v->u.list.len == 0) {
            emit_scalar(e, "null", 4, ST_PLAIN);
            return 0;
        }
        return emit_sequence(e, v);
    case RN_MAP:
        return emit_mapping(e, v);
    case RN_FUNC:
    case RN_COMPLEX: /* sigs.k8s.io/yaml goes through JSON, which fails */
        return -1;
    }
    return -1;
}

/* A stream with one implicit document, as yaml.Marshal writes it. */
static int emit_document(rn_buf *out, const rn_value *v, bool helm, bool v3)
{
    emitter e;
    memset(&e, 0, sizeof e);
    e.helm = helm;
    e.v3 = v3;
    e.best_indent = 2;
    e.best_width = helm ? 80 : 0x7FFFFFFF;
    e.indent = -1;
    e.whitespace = true;
    e.indention = true;
    rn_buf tmp = RN_BUF_INIT;
    e.out = &tmp;
    rn_value null;
    memset(&null, 0, sizeof null);
    int rc = emit_node(&e, v ? v : &null, true, false, false, false);
    if (rc == 0)
        write_indent(&e);
    free(e.indents);
    if (rc == 0)
        rn_buf_append(out, rn_buf_cstr(&tmp), tmp.len);
    rn_buf_free(&tmp);
    return rc;
}

int rn_yaml_emit_helm(rn_buf *out, const rn_value *v)
{
    size_t start = out->len;
    if (emit_document(out, v, true, false))
        return -1;
    /* toYaml trims the one trailing newline. */
    if (out->len > start && out->data[out->len - 1] == '\n')
        out->data[--out->len] = '\0';
    return 0;
}

int rn_yaml_emit_pretty(rn_buf *out, const rn_value *v)
{
    size_t start = out->len;
    if (emit_document(out, v, false, true))
        return -1;
    /* toYamlPretty trims one trailing newline too. */
    if (out->len > start && out->data[out->len - 1] == '\n')
        out->data[--out->len] = '\0';
    return 0;
}

int rn_yaml_emit_doc(rn_buf *out, const rn_value *v)
{
    return emit_document(out, v, false, false);
}
