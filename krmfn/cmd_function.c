/*
 * cmd_function.c — krmfn as a KRM function (KRM Functions Specification,
 * config.kubernetes.io/v1 ResourceList): a ResourceList on stdin, YAML or
 * JSON; a ResourceList on stdout, YAML, with every MLflow object replaced
 * by its rendered objects and the results. Any error result makes the
 * exit status 1; stdout is then still a valid ResourceList. Input that is
 * not a ResourceList at all gets one line on stderr and nothing on stdout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "krm.h"
#include "yaml.h"

static const char usage[] =
    "Usage: krmfn [--chart DIR] < resourcelist.yaml\n"
    "\n"
    "Run as a KRM function: read a ResourceList (config.kubernetes.io/v1,\n"
    "YAML or JSON) on stdin, replace every mlflow.opendatahub.io/v1 MLflow\n"
    "item by the objects it renders to, pass every other item through, and\n"
    "write the ResourceList with its results on stdout.\n"
    "\n"
    "functionConfig: a ConfigMap (data:) or any object with spec:, keys\n"
    "  mode              opendatahub (default) or rhoai\n"
    "  namespace         target namespace (default: the mode's)\n"
    "  mlflowImage       image when the MLflow names none ($MLFLOW_IMAGE)\n"
    "  gatewayName       parent Gateway of the HTTPRoute\n"
    "  gatewayNamespace  its namespace\n"
    "  httpRoute         \"true\": render the HTTPRoute\n"
    "  consoleLink       \"true\": render the ConsoleLink (needs mlflowUrl)\n"
    "  mlflowUrl         base URL of the gateway (https://host)\n"
    "  sectionTitle      console application menu section\n"
    "  keepMLflow        \"true\": keep the MLflow objects beside their "
    "output\n"
    "  chart             chart directory instead of the one compiled in\n"
    "\n"
    "Generator form: the functionConfig is an MLflow object itself; it\n"
    "renders itself, its settings in annotations " KRM_ANNOTATION_PREFIX
    "<key>\n"
    "(the same annotations on an MLflow item override the functionConfig).\n"
    "\n"
    "Generated objects carry config.kubernetes.io/path annotations naming\n"
    "files beside the MLflow object's: <instance>/<kind>_<name>.yaml.\n"
    "\n"
    "Exit status: 0, or 1 with an error result (stdout still holds a\n"
    "ResourceList) or when stdin is not a ResourceList.\n"
    "\n"
    "Flags:\n"
    "      --chart DIR   same as the chart key\n"
    "  -h, --help        this help\n";

typedef struct fn_args {
    const char *chart_dir;
} fn_args;

static int parse_args(int argc, char **argv, fn_args *o)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            exit(0);
        }
        if (strcmp(a, "--chart") == 0 && i + 1 < argc) {
            o->chart_dir = argv[++i];
            continue;
        }
        if (strncmp(a, "--chart=", 8) == 0) {
            o->chart_dir = a + 8;
            continue;
        }
        fprintf(stderr, "krmfn: unknown argument %s (see krmfn --help)\n", a);
        return -1;
    }
    return 0;
}

/* The alias budget grows with the input: a document without aliases has
 * at most about one node per byte, so anything far beyond that is
 * expansion. A billion-laughs document fails after a few thousand
 * copies instead of gigabytes. Items that pass through keep their
 * scalars as written. */
static rn_yaml_limits input_limits(size_t len)
{
    rn_yaml_limits lim = {.max_bytes = KRM_MAX_INPUT_BYTES,
                          .max_depth = KRM_MAX_DEPTH,
                          .max_nodes = (size_t)64 * 1024 + len,
                          .keep_source = true};
    return lim;
}

static void print_header(rn_buf *out)
{
    rn_buf_puts(out, "apiVersion: " KRM_API_VERSION "\nkind: ResourceList\n");
}

static void print_results(rn_buf *out, const krm_results *res)
{
    if (!res->list->u.list.len)
        return;
    rn_buf_puts(out, "results:\n");
    for (size_t i = 0; i < res->list->u.list.len; i++) {
        rn_buf doc = RN_BUF_INIT;
        rn_yaml_emit_doc(&doc, res->list->u.list.items[i]);
        krm_indent_item(out, rn_buf_cstr(&doc), doc.len);
        rn_buf_free(&doc);
    }
}

/* The results, then the exit status; error lines to `errf`. */
static int finish(rn_buf *out, const krm_results *res, FILE *errf)
{
    print_results(out, res);
    krm_results_print(res, errf, "krmfn", false);
    return res->errors ? 1 : 0;
}

/* A ResourceList the YAML reader refused (an alias bomb, a duplicate
 * key, bad UTF-8, too deep): nothing can be passed through, so the
 * output is an empty list with the reason. */
static int unreadable(rn_arena *a, const rn_error *err, rn_buf *out, FILE *errf)
{
    krm_results res;
    krm_results_init(&res, a);
    krm_result(&res, KRM_ERROR, NULL, NULL, "cannot read the ResourceList: %s",
               err->msg);
    print_header(out);
    rn_buf_puts(out, "items: []\n");
    return finish(out, &res, errf);
}

/* Whether `needle` occurs in the first `len` bytes (which may hold NULs). */
static bool memmem_str(const char *buf, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (buf[i] == needle[0] && memcmp(buf + i, needle, n) == 0)
            return true;
    return false;
}

/* NULL when `root` is a ResourceList, else why not. */
static const char *not_a_resource_list(const rn_value *root)
{
    if (!root || root->kind != RN_MAP)
        return "stdin is not a ResourceList (expected a YAML or JSON object)";
    const char *kind = krm_str_at(root, "kind");
    const char *av = krm_str_at(root, "apiVersion");
    if (!kind || strcmp(kind, "ResourceList") != 0)
        return "stdin is not a ResourceList (kind is not ResourceList)";
    if (!av || strncmp(av, "config.kubernetes.io/", 21) != 0)
        return "stdin is not a ResourceList (apiVersion is not "
               "config.kubernetes.io/v1)";
    const rn_value *items = rn_map_getz(root, "items");
    if (items && items->kind != RN_LIST && items->kind != RN_NULL)
        return "stdin is not a ResourceList (items is not a list)";
    return NULL;
}

/* The generator's own MLflow object, as kustomize also puts it in the
 * items: same name, carrying the function annotation. */
static bool is_config(const rn_value *item, const rn_value *fncfg)
{
    if (!krm_is_mlflow(fncfg))
        return false;
    const char *a = krm_str_at(item, "metadata.name");
    const char *b = krm_str_at(fncfg, "metadata.name");
    const rn_value *ann = rn_value_at(item, "metadata.annotations");
    return a && b && strcmp(a, b) == 0 && ann && ann->kind == RN_MAP &&
           rn_map_getz(ann, "config.kubernetes.io/function");
}

/* Two passes: render every MLflow object first, so that the second can
 * drop an earlier rendering of them from the input (kpt keeps generated
 * files in the package), then write the items in their order with each
 * MLflow object's output in its place. */
static void run_items(krm_run *run, const krm_settings *s,
                      const rn_value *items, const rn_value *fncfg, bool render)
{
    size_t n = items && items->kind == RN_LIST ? items->u.list.len : 0;
    rn_buf *main_out = run->out;
    rn_buf *rendered = rn_arena_alloc(run->a, (n + 1) * sizeof *rendered);
    bool config_is_item = false;
    for (size_t i = 0; render && i < n; i++) {
        const rn_value *it = items->u.list.items[i];
        if (!krm_is_mlflow(it))
            continue;
        bool self = is_config(it, fncfg);
        config_is_item |= self;
        run->out = &rendered[i];
        krm_run_mlflow(run, s, it, self);
    }
    /* Generator form: the config is the MLflow object to render, unless
     * the orchestrator listed it among the items too (kustomize does,
     * marked local-config). */
    if (render && krm_is_mlflow(fncfg) && !config_is_item) {
        run->out = &rendered[n];
        krm_run_mlflow(run, s, fncfg, true);
    }
    run->out = main_out;
    for (size_t i = 0; i <= n; i++) {
        const rn_value *it = i < n ? items->u.list.items[i] : NULL;
        if (rendered[i].len) {
            rn_buf_append(main_out, rendered[i].data, rendered[i].len);
            rn_buf_free(&rendered[i]);
            continue;
        }
        if (!it || (render && krm_is_mlflow(it)))
            continue;
        if (it->kind != RN_MAP)
            krm_result(run->res, KRM_ERROR, NULL,
                       rn_arena_printf(run->a, "items[%zu]", i),
                       "items[%zu] is not an object but %s", i,
                       rn_value_kind_name(it));
        else if (render && krm_run_claims(run, it))
            continue;
        krm_run_pass(run, it);
    }
}

static int process(rn_arena *a, const rn_value *root, const char *chart_dir,
                   rn_buf *out, FILE *errf)
{
    krm_results res;
    krm_results_init(&res, a);
    const rn_value *fncfg = rn_map_getz(root, "functionConfig");
    krm_settings s;
    krm_settings_defaults(&s);
    size_t bad = krm_settings_from_config(a, &s, fncfg, &res);
    if (chart_dir && !s.chart_dir)
        s.chart_dir = chart_dir;
    rn_chart *chart = NULL;
    rn_error err;
    rn_error_clear(&err);
    if (!bad && krm_load_chart(a, &s, &chart, &err) < 0) {
        krm_result(&res, KRM_ERROR,
                   fncfg && fncfg->kind == RN_MAP ? fncfg : NULL, "chart", "%s",
                   err.msg);
        bad = 1;
    }
    print_header(out);
    rn_buf_puts(out, "items:\n");
    size_t items_at = out->len;
    krm_run run;
    krm_run_init(&run, a, &res, chart, out, false);
    /* With a broken config nothing is rendered: every item passes. */
    run_items(&run, &s, rn_map_getz(root, "items"), fncfg, bad == 0);
    if (out->len == items_at) {
        out->len -= 1;
        rn_buf_puts(out, " []\n");
    }
    return finish(out, &res, errf);
}

int krm_function(const char *buf, size_t len, const char *chart_dir,
                 rn_buf *out, FILE *errf)
{
    rn_arena *a = rn_arena_new();
    rn_error err;
    rn_error_clear(&err);
    rn_value *root = NULL;
    rn_yaml_limits lim = input_limits(len);
    int rc;
    if (rn_yaml_parse(a, buf, len, "stdin", RN_YAML_CORE, &lim, &root, &err) <
        0) {
        /* Input that names itself a ResourceList gets a result; anything
         * else is not for us. */
        if (memmem_str(buf, len, "ResourceList"))
            rc = unreadable(a, &err, out, errf);
        else {
            if (errf) {
                fputs("krmfn: stdin is not a ResourceList: ", errf);
                krm_print_line(errf, err.msg);
            }
            rc = 1;
        }
    } else {
        const char *why = not_a_resource_list(root);
        if (why) {
            if (errf)
                fprintf(errf, "krmfn: %s\n", why);
            rc = 1;
        } else {
            rc = process(a, root, chart_dir, out, errf);
        }
    }
    rn_arena_free(a);
    return rc;
}

int cmd_function(int argc, char **argv)
{
    fn_args args = {0};
    if (parse_args(argc, argv, &args) < 0)
        return 1;
    size_t len = 0;
    char *buf = cli_read_file("-", KRM_MAX_INPUT_BYTES, &len);
    if (!buf) {
        if (errno == EFBIG)
            fprintf(stderr, "krmfn: stdin is larger than %zu MiB\n",
                    KRM_MAX_INPUT_BYTES >> 20);
        else
            fprintf(stderr, "krmfn: reading stdin: %s\n", strerror(errno));
        return 1;
    }
    rn_buf out = RN_BUF_INIT;
    int rc = krm_function(buf, len, args.chart_dir, &out, stderr);
    free(buf);
    if (out.len && (fwrite(out.data, 1, out.len, stdout) != out.len ||
                    fflush(stdout) != 0)) {
        fprintf(stderr, "krmfn: writing stdout: %s\n", strerror(errno));
        rc = 1;
    }
    rn_buf_free(&out);
    return rc;
}
