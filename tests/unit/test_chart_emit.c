/*
 * test_chart_emit.c — the embedded chart's loaded form (chart_emit.c
 * writes it at build time, chart_embedded.c hands it out) is the chart the
 * loader makes of the embedded files: the same metadata, values, schema,
 * files and template trees, node for node, and the same renders, byte for
 * byte, output and errors. Also: a directory holding the embedded files
 * gets the loaded form, any other directory its own files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "chart.h"
#include "tmpl_int.h"
#include "yaml.h"

static rn_chart *parsed_chart(rn_arena *a)
{
    rn_chart *c = NULL;
    rn_error err;
    rn_error_clear(&err);
    int rc = rn_chart_load_files(a, rn_embedded_chart, rn_embedded_chart_count,
                                 &c, &err);
    if (rc < 0)
        fail_msg("the embedded chart does not load: %s", err.msg);
    return c;
}

static void test_loaded_form_present(void **state)
{
    /* Without it every process parses the chart again (chart2c warned at
     * build time why it could not write it). */
    assert_non_null(rn_embedded_chart_loaded);
    rn_arena *a = rn_arena_new();
    rn_chart *c = NULL;
    rn_error err;
    rn_error_clear(&err);
    assert_int_equal(rn_chart_load_embedded(a, &c, &err), 0);
    assert_ptr_equal(c, rn_embedded_chart_loaded);
    rn_arena_free(a);
}

static void same_str(const char *x, size_t xn, const char *y, size_t yn)
{
    assert_int_equal(xn, yn);
    if (xn)
        assert_memory_equal(x, y, xn);
}

static void same_strz(const char *x, const char *y)
{
    if (!x || !y) {
        assert_ptr_equal(x, y);
        return;
    }
    assert_string_equal(x, y);
}

static void same_value(const rn_value *x, const rn_value *y)
{
    if (!x || !y) {
        assert_ptr_equal(x, y);
        return;
    }
    assert_int_equal(x->kind, y->kind);
    assert_int_equal(x->flags, y->flags);
    assert_true(rn_value_equal(x, y));
}

static void same_node(const tnode *x, const tnode *y);

static void same_nodes(tnode *const *x, tnode *const *y, int n)
{
    for (int i = 0; i < n; i++)
        same_node(x[i], y[i]);
}

static void same_strs(const tn_str *x, const tn_str *y, int n)
{
    for (int i = 0; i < n; i++)
        same_str(x[i].s, x[i].n, y[i].s, y[i].n);
}

/* Every field the parser sets, per node type. */
static void same_node(const tnode *x, const tnode *y)
{
    if (!x || !y) {
        assert_ptr_equal(x, y);
        return;
    }
    assert_int_equal(x->type, y->type);
    assert_int_equal(x->pos, y->pos);
    same_strz(x->tr->name, y->tr->name);
    switch (x->type) {
    case TN_TEXT:
    case TN_COMMENT:
        same_str(x->u.text.s, x->u.text.n, y->u.text.s, y->u.text.n);
        break;
    case TN_ACTION:
        assert_int_equal(x->u.action.line, y->u.action.line);
        same_node(x->u.action.pipe, y->u.action.pipe);
        break;
    case TN_BOOL:
        assert_int_equal(x->u.b, y->u.b);
        break;
    case TN_CHAIN:
        same_node(x->u.chain.node, y->u.chain.node);
        assert_int_equal(x->u.chain.nfields, y->u.chain.nfields);
        same_strs(x->u.chain.fields, y->u.chain.fields, x->u.chain.nfields);
        break;
    case TN_COMMAND:
        assert_int_equal(x->u.cmd.nargs, y->u.cmd.nargs);
        same_nodes(x->u.cmd.args, y->u.cmd.args, x->u.cmd.nargs);
        break;
    case TN_FIELD:
    case TN_VARIABLE:
        assert_int_equal(x->u.field.n, y->u.field.n);
        same_strs(x->u.field.ident, y->u.field.ident, x->u.field.n);
        break;
    case TN_IDENTIFIER:
        same_str(x->u.ident.s, x->u.ident.n, y->u.ident.s, y->u.ident.n);
        assert_ptr_equal(x->u.ident.def, y->u.ident.def);
        break;
    case TN_IF:
    case TN_RANGE:
    case TN_WITH:
        assert_int_equal(x->u.branch.line, y->u.branch.line);
        same_node(x->u.branch.pipe, y->u.branch.pipe);
        same_node(x->u.branch.list, y->u.branch.list);
        same_node(x->u.branch.else_list, y->u.branch.else_list);
        break;
    case TN_LIST:
        assert_int_equal(x->u.list.n, y->u.list.n);
        same_nodes(x->u.list.nodes, y->u.list.nodes, x->u.list.n);
        break;
    case TN_NUMBER:
        same_str(x->u.num.text, x->u.num.n, y->u.num.text, y->u.num.n);
        assert_int_equal(x->u.num.is_int, y->u.num.is_int);
        assert_int_equal(x->u.num.is_uint, y->u.num.is_uint);
        assert_int_equal(x->u.num.is_float, y->u.num.is_float);
        assert_int_equal(x->u.num.is_complex, y->u.num.is_complex);
        assert_int_equal(x->u.num.i, y->u.num.i);
        assert_int_equal(x->u.num.u, y->u.num.u);
        assert_memory_equal(&x->u.num.f, &y->u.num.f, sizeof(double));
        assert_memory_equal(&x->u.num.re, &y->u.num.re, sizeof(double));
        assert_memory_equal(&x->u.num.im, &y->u.num.im, sizeof(double));
        same_value(x->u.num.konst, y->u.num.konst);
        same_strz(x->u.num.konst_err, y->u.num.konst_err);
        break;
    case TN_PIPE:
        assert_int_equal(x->u.pipe.is_assign, y->u.pipe.is_assign);
        assert_int_equal(x->u.pipe.line, y->u.pipe.line);
        assert_int_equal(x->u.pipe.ndecl, y->u.pipe.ndecl);
        assert_int_equal(x->u.pipe.ncmds, y->u.pipe.ncmds);
        same_nodes(x->u.pipe.decl, y->u.pipe.decl, x->u.pipe.ndecl);
        same_nodes(x->u.pipe.cmds, y->u.pipe.cmds, x->u.pipe.ncmds);
        break;
    case TN_STRING:
        same_str(x->u.str.quoted, x->u.str.qn, y->u.str.quoted, y->u.str.qn);
        same_value(x->u.str.v, y->u.str.v);
        break;
    case TN_TEMPLATE:
        same_str(x->u.tmpl.name, x->u.tmpl.n, y->u.tmpl.name, y->u.tmpl.n);
        assert_int_equal(x->u.tmpl.line, y->u.tmpl.line);
        same_node(x->u.tmpl.pipe, y->u.tmpl.pipe);
        break;
    case TN_ELSE:
    case TN_BREAK:
    case TN_CONTINUE:
        assert_int_equal(x->u.line, y->u.line);
        break;
    default:
        break;
    }
}

static void test_same_chart(void **state)
{
    rn_arena *a = rn_arena_new();
    const rn_chart *p = parsed_chart(a);
    const rn_chart *l = rn_embedded_chart_loaded;
    assert_non_null(l);
    assert_string_equal(p->name, l->name);
    same_value(p->metadata, l->metadata);
    same_value(p->values, l->values);
    same_value(p->schema, l->schema);
    assert_int_equal(p->nfiles, l->nfiles);
    for (size_t i = 0; i < p->nfiles; i++) {
        assert_string_equal(p->files[i].path, l->files[i].path);
        same_str(p->files[i].data, p->files[i].len, l->files[i].data,
                 l->files[i].len);
    }
    assert_int_equal(p->default_kube_ok, l->default_kube_ok);
    assert_int_equal(p->ntemplates, l->ntemplates);
    for (size_t i = 0; i < p->ntemplates; i++)
        assert_string_equal(p->template_names[i], l->template_names[i]);
    /* Every named template (files and {{define}}s), both ways. */
    const tmap *pm = &p->templates->tmpls, *lm = &l->templates->tmpls;
    assert_int_equal(pm->len, lm->len);
    for (size_t i = 0; i < pm->cap; i++) {
        const tmap_ent *e = &pm->ents[i];
        if (!e->key)
            continue;
        const ttree *pt = e->val;
        const ttree *lt = tmpl_lookup(l->templates, e->key, e->keylen);
        assert_non_null(lt);
        same_strz(pt->name, lt->name);
        same_strz(pt->parse_name, lt->parse_name);
        same_str(pt->text, pt->text_len, lt->text, lt->text_len);
        same_node(pt->root, lt->root);
    }
    /* The function table. */
    const tmap *pf = &p->templates->funcs->map;
    assert_int_equal(pf->len, l->templates->funcs->map.len);
    for (size_t i = 0; i < pf->cap; i++)
        if (pf->ents[i].key)
            assert_ptr_equal(tmpl_find_func(l->templates, pf->ents[i].key,
                                            pf->ents[i].keylen),
                             pf->ents[i].val);
    assert_ptr_equal(p->templates->funcs->unsupported,
                     l->templates->funcs->unsupported);
    same_strz(p->templates->funcs->unsupported_why,
              l->templates->funcs->unsupported_why);
    rn_arena_free(a);
}

/* `helm template` of chart c with the values in YAML (or none), or the
 * error, as text. */
static char *render(const rn_chart *c, const char *yaml)
{
    rn_arena *a = rn_arena_new();
    rn_error err;
    rn_error_clear(&err);
    rn_value *user = NULL;
    if (yaml && rn_yaml_parse(a, yaml, strlen(yaml), "values.yaml",
                              RN_YAML_HELM, NULL, &user, &err) < 0)
        fail_msg("bad test values: %s", err.msg);
    rn_release rel = {.name = "mlflow", .namespace = "team-a"};
    rn_rendered r;
    rn_buf out = RN_BUF_INIT;
    if (rn_chart_render(a, c, &rel, user, &r, &err) < 0)
        rn_buf_printf(&out, "Error: %s\n", err.msg);
    else
        rn_chart_print(&out, &r);
    rn_arena_free(a);
    size_t n;
    return rn_buf_take(&out, &n);
}

static const char *const VALUES[] = {
    NULL,
    "httpRoute: {enabled: true}\n"
    "consoleLink: {enabled: true, href: https://gw.example.com/mlflow}\n"
    "storage: {enabled: true, size: 20Gi}\n"
    "image: {tag: v2.0.0}\n",
    /* A failing render: the same message either way. */
    "consoleLink: {enabled: true}\n",
    "replicaCount: not-a-number\n",
};

static void test_same_renders(void **state)
{
    rn_arena *a = rn_arena_new();
    const rn_chart *p = parsed_chart(a);
    for (size_t i = 0; i < sizeof VALUES / sizeof *VALUES; i++) {
        char *want = render(p, VALUES[i]);
        char *got = render(rn_embedded_chart_loaded, VALUES[i]);
        assert_true(strlen(want) > 0);
        assert_string_equal(got, want);
        free(want);
        free(got);
    }
    rn_arena_free(a);
}

/* The embedded files written under dir, plus `extra` when set. */
static void write_chart(const char *dir, const char *extra)
{
    for (size_t i = 0; i < rn_embedded_chart_count; i++) {
        const rn_chart_file *f = &rn_embedded_chart[i];
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, f->path);
        for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
            *s = '\0';
            mkdir(path, 0700);
            *s = '/';
        }
        FILE *out = fopen(path, "wb");
        assert_non_null(out);
        assert_int_equal(fwrite(f->data, 1, f->len, out), f->len);
        fclose(out);
    }
    if (extra) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, extra);
        FILE *out = fopen(path, "wb");
        assert_non_null(out);
        fputs("x\n", out);
        fclose(out);
    }
}

static void remove_tree(const char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_directory(void **state)
{
    char same[] = "/tmp/chart-emit-XXXXXX", other[] = "/tmp/chart-emit-XXXXXX";
    assert_non_null(mkdtemp(same));
    assert_non_null(mkdtemp(other));
    write_chart(same, NULL);
    write_chart(other, "extra.txt");
    rn_arena *a = rn_arena_new();
    rn_error err;
    rn_error_clear(&err);
    rn_chart *c1 = NULL, *c2 = NULL;
    assert_int_equal(rn_chart_load_dir(a, same, &c1, &err), 0);
    assert_ptr_equal(c1, rn_embedded_chart_loaded);
    assert_int_equal(rn_chart_load_dir(a, other, &c2, &err), 0);
    assert_ptr_not_equal(c2, rn_embedded_chart_loaded);
    assert_int_equal(c2->nfiles, rn_embedded_chart_count + 1);
    for (size_t i = 0; i < sizeof VALUES / sizeof *VALUES; i++) {
        char *want = render(c2, VALUES[i]);
        char *got = render(c1, VALUES[i]);
        assert_string_equal(got, want);
        free(want);
        free(got);
    }
    rn_arena_free(a);
    remove_tree(same);
    remove_tree(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loaded_form_present),
        cmocka_unit_test(test_same_chart),
        cmocka_unit_test(test_same_renders),
        cmocka_unit_test(test_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
