/*
 * tmpl_node.c — parse tree nodes printed back as template text (Go's
 * Node.String()), which is what execution errors show as their context
 * ("at <.Values.x.y>"), and Go's test for a template that holds nothing
 * but space and comments.
 */
#include "tmpl_int.h"

#include <string.h>

static void write_idents(rn_buf *out, const tn_str *id, int n, bool lead)
{
    for (int i = 0; i < n; i++) {
        if (lead || i > 0)
            rn_buf_putc(out, '.');
        rn_buf_append(out, id[i].s, id[i].n);
    }
}

static void write_pipe(rn_buf *out, const tnode *p)
{
    if (p->u.pipe.ndecl > 0) {
        for (int i = 0; i < p->u.pipe.ndecl; i++) {
            if (i > 0)
                rn_buf_puts(out, ", ");
            tn_write(out, p->u.pipe.decl[i]);
        }
        rn_buf_puts(out, p->u.pipe.is_assign ? " = " : " := ");
    }
    for (int i = 0; i < p->u.pipe.ncmds; i++) {
        if (i > 0)
            rn_buf_puts(out, " | ");
        tn_write(out, p->u.pipe.cmds[i]);
    }
}

static void write_branch(rn_buf *out, const tnode *n, const char *name)
{
    rn_buf_puts(out, "{{");
    rn_buf_puts(out, name);
    rn_buf_putc(out, ' ');
    write_pipe(out, n->u.branch.pipe);
    rn_buf_puts(out, "}}");
    tn_write(out, n->u.branch.list);
    if (n->u.branch.else_list) {
        rn_buf_puts(out, "{{else}}");
        tn_write(out, n->u.branch.else_list);
    }
    rn_buf_puts(out, "{{end}}");
}

void tn_write(rn_buf *out, const tnode *n)
{
    switch (n->type) {
    case TN_TEXT:
        rn_buf_append(out, n->u.text.s, n->u.text.n);
        break;
    case TN_COMMENT:
        rn_buf_puts(out, "{{");
        rn_buf_append(out, n->u.text.s, n->u.text.n);
        rn_buf_puts(out, "}}");
        break;
    case TN_ACTION:
        rn_buf_puts(out, "{{");
        write_pipe(out, n->u.action.pipe);
        rn_buf_puts(out, "}}");
        break;
    case TN_BOOL:
        rn_buf_puts(out, n->u.b ? "true" : "false");
        break;
    case TN_CHAIN:
        if (n->u.chain.node->type == TN_PIPE) {
            rn_buf_putc(out, '(');
            write_pipe(out, n->u.chain.node);
            rn_buf_putc(out, ')');
        } else {
            tn_write(out, n->u.chain.node);
        }
        write_idents(out, n->u.chain.fields, n->u.chain.nfields, true);
        break;
    case TN_COMMAND:
        for (int i = 0; i < n->u.cmd.nargs; i++) {
            const tnode *a = n->u.cmd.args[i];
            if (i > 0)
                rn_buf_putc(out, ' ');
            if (a->type == TN_PIPE) {
                rn_buf_putc(out, '(');
                write_pipe(out, a);
                rn_buf_putc(out, ')');
            } else {
                tn_write(out, a);
            }
        }
        break;
    case TN_DOT:
        rn_buf_putc(out, '.');
        break;
    case TN_ELSE:
        rn_buf_puts(out, "{{else}}");
        break;
    case TN_END:
        rn_buf_puts(out, "{{end}}");
        break;
    case TN_FIELD:
        write_idents(out, n->u.field.ident, n->u.field.n, true);
        break;
    case TN_VARIABLE:
        write_idents(out, n->u.field.ident, n->u.field.n, false);
        break;
    case TN_IDENTIFIER:
        rn_buf_append(out, n->u.ident.s, n->u.ident.n);
        break;
    case TN_IF:
        write_branch(out, n, "if");
        break;
    case TN_RANGE:
        write_branch(out, n, "range");
        break;
    case TN_WITH:
        write_branch(out, n, "with");
        break;
    case TN_LIST:
        for (int i = 0; i < n->u.list.n; i++)
            tn_write(out, n->u.list.nodes[i]);
        break;
    case TN_NIL:
        rn_buf_puts(out, "nil");
        break;
    case TN_NUMBER:
        rn_buf_append(out, n->u.num.text, n->u.num.n);
        break;
    case TN_PIPE:
        write_pipe(out, n);
        break;
    case TN_STRING:
        rn_buf_append(out, n->u.str.quoted, n->u.str.qn);
        break;
    case TN_TEMPLATE:
        rn_buf_puts(out, "{{template ");
        tmpl_go_quote(out, n->u.tmpl.name, n->u.tmpl.n, -1);
        if (n->u.tmpl.pipe) {
            rn_buf_putc(out, ' ');
            write_pipe(out, n->u.tmpl.pipe);
        }
        rn_buf_puts(out, "}}");
        break;
    case TN_BREAK:
        rn_buf_puts(out, "{{break}}");
        break;
    case TN_CONTINUE:
        rn_buf_puts(out, "{{continue}}");
        break;
    }
}

static bool is_space_text(const char *s, size_t n)
{
    /* bytes.TrimSpace: ASCII white space (and U+0085, U+00A0). */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || (c >= '\t' && c <= '\r'))
            continue;
        if (c == 0xC2 && i + 1 < n &&
            ((unsigned char)s[i + 1] == 0x85 ||
             (unsigned char)s[i + 1] == 0xA0)) {
            i++;
            continue;
        }
        return false;
    }
    return true;
}

bool tn_is_empty_tree(const tnode *n)
{
    if (!n)
        return true;
    switch (n->type) {
    case TN_COMMENT:
        return true;
    case TN_LIST:
        for (int i = 0; i < n->u.list.n; i++)
            if (!tn_is_empty_tree(n->u.list.nodes[i]))
                return false;
        return true;
    case TN_TEXT:
        return is_space_text(n->u.text.s, n->u.text.n);
    default:
        return false;
    }
}
