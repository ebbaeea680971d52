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
#include "openapi.h"
#include "yaml.h"

const char cmd_function_usage[] =
    "NAME\n"
    "       krmfn - render MLflow objects into Kubernetes manifests\n"
    "\n"
    "SYNOPSIS\n"
    "       krmfn [--chart DIR] < resourcelist.yaml\n"
    "       krmfn render [FILE|DIR|-]... [OPTIONS]\n"
    "       krmfn template [NAME] [CHART] [OPTIONS]\n"
    "       krmfn --help | --version\n"
    "\n"
    "DESCRIPTION\n"
    "       Without a command, krmfn is a KRM function: it reads a\n"
    "       ResourceList (config.kubernetes.io/v1, YAML or JSON) on stdin,\n"
    "       replaces every mlflow.opendatahub.io/v1 MLflow item by the\n"
    "       objects it renders to through the built-in Helm chart, passes\n"
    "       every other item through, and writes the ResourceList with its\n"
    "       results on stdout. kustomize (exec or container transformer or\n"
    "       generator), kpt (fn eval, fn render) and Argo CD run it so.\n"
    "\n"
    "       The functionConfig is a ConfigMap (data:) or any object with\n"
    "       spec:, holding the keys below; any other top-level field is an\n"
    "       error. Generator form: the functionConfig is an MLflow object\n"
    "       itself and renders itself, its settings in annotations\n"
    "       " KRM_ANNOTATION_PREFIX "<key>; the same annotations on an\n"
    "       MLflow item override the functionConfig.\n"
    "\n"
    "       Generated objects are labelled "
    "app.kubernetes.io/managed-by: " KRM_MANAGED_BY "\n"
    "       and carry config.kubernetes.io/path annotations naming files\n"
    "       beside the MLflow object's: <instance>/<kind>_<name>.yaml. Run\n"
    "       again over its own output (a kpt package), the function drops\n"
    "       the objects it generated earlier, and only those.\n"
    "\n"
    "       MLflow is cluster-scoped: two MLflow objects of one name are an\n"
    "       error, metadata.namespace is ignored with a warning. MLflow\n"
    "       objects of another apiVersion, and inside a List item, pass\n"
    "       through with a warning.\n"
    "\n"
    "       `krmfn render --help` and `krmfn template --help` describe the\n"
    "       commands.\n"
    "\n"
    "OPTIONS\n"
    "       --chart DIR\n"
    "              chart directory instead of the built-in one (the chart\n"
    "              key of the functionConfig wins)\n"
    "\n"
    "       -h, --help\n"
    "              print this help and exit\n"
    "\n"
    "       --version\n"
    "              print the version and exit\n"
    "\n"
    "FUNCTION CONFIG\n"
    "       mode              opendatahub (default) or rhoai\n"
    "       namespace         target namespace (default: the mode's)\n"
    "       mlflowImage       image when an MLflow names none\n"
    "                         (default $MLFLOW_IMAGE, "
    "else " RN_MLFLOW_DEFAULT_IMAGE ")\n"
    "       gatewayName       parent Gateway of the HTTPRoute\n"
    "       gatewayNamespace  that Gateway's namespace\n"
    "       httpRoute         \"true\": render the HTTPRoute\n"
    "       consoleLink       \"true\": render the ConsoleLink (needs "
    "mlflowUrl)\n"
    "       metrics           \"true\": serve Prometheus metrics at "
    "/metrics\n"
    "                         (the image needs prometheus-flask-exporter)\n"
    "       serviceMonitor    \"true\": render a ServiceMonitor "
    "(needs metrics)\n"
    "       mlflowUrl         base URL of the gateway, https://host\n"
    "       sectionTitle      console application menu section (one line)\n"
    "       keepMLflow        \"true\": keep the MLflow objects beside their\n"
    "                         output\n"
    "       chart             chart directory instead of the built-in one\n"
    "\n"
    "EXIT STATUS\n"
    "       0      success (warning and info results allowed)\n"
    "       1      an error result (stdout still holds a ResourceList), or\n"
    "              stdin is not one ResourceList (one line on stderr,\n"
    "              nothing on stdout)\n"
    "\n"
    "EXAMPLES\n"
    "       kpt fn eval pkg --exec krmfn -- mode=rhoai namespace=team-a\n"
    "       kustomize build --enable-alpha-plugins --enable-exec overlay\n"
    "       krmfn render mlflow.yaml | kubectl apply -f -\n"
    "       krmfn template -n team-a --set replicaCount=2\n";

typedef struct fn_args {
    const char *chart_dir;
} fn_args;

static int parse_args(int argc, char **argv, fn_args *o)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(cmd_function_usage, stdout);
            exit(0);
        }
        if (strcmp(a, "--version") == 0) {
            printf("krmfn %s\n", KRMFN_VERSION);
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

/* An item of the input against what this run generated: an earlier
 * rendering is dropped, a user's object kept. */
static bool keep_item(krm_run *run, const rn_value *it)
{
    switch (krm_run_claims(run, it)) {
    case KRM_CLAIM_EARLIER:
        krm_result(run->res, KRM_INFO, it, NULL,
                   "an earlier rendering (managed-by " KRM_MANAGED_BY
                   "), replaced by this run's output");
        return false;
    case KRM_CLAIM_FILE_TAKEN:
        krm_result(run->res, KRM_WARNING, it, NULL,
                   "kept, but a rendered object is written to the same file; "
                   "move this object to another file");
        return true;
    case KRM_CLAIM_NONE:
        break;
    }
    return true;
}

/* Output is written to the sink in pieces of about this size. */
#define SINK_CHUNK (64 * 1024)

/* Hands what `out` holds to the sink once it is a piece's worth (or at
 * all, with `all`), so the ResourceList is never whole in memory. */
static void flush_out(krm_run *run, rn_buf *out, bool all)
{
    if (!run->sink || out->len == 0 || (!all && out->len < SINK_CHUNK))
        return;
    if (!run->sink_failed &&
        fwrite(out->data, 1, out->len, run->sink) != out->len)
        run->sink_failed = true;
    run->flushed += out->len;
    rn_buf_reset(out);
}

/* Rendered output waiting for its place: an MLflow object's objects are
 * written in the second pass. With a sink they wait in a temporary file
 * (memory stays flat however many objects there are), read back in the
 * order they were written; without one, or when no temporary file can be
 * made, in memory. */
typedef struct spool {
    FILE *f;
    bool full;   /* a write fell short: later items stay in memory */
    rn_buf *mem; /* per item, when there is no file */
    size_t *len; /* per item, bytes in the file */
} spool;

static void spool_put(spool *sp, size_t i, rn_buf *doc)
{
    if (doc->len == 0) /* nothing rendered: an error result */
        return;
    if (sp->f && !sp->full) {
        if (fwrite(doc->data, 1, doc->len, sp->f) == doc->len) {
            sp->len[i] = doc->len;
            rn_buf_reset(doc);
            return;
        }
        /* The bytes that did go in sit after every earlier item's, where
         * reading never reaches. */
        sp->full = true;
    }
    rn_buf_append(&sp->mem[i], doc->data, doc->len);
    rn_buf_reset(doc);
}

/* Appends item i's output to `out`; false when it has none. */
static bool spool_take(spool *sp, size_t i, rn_buf *out)
{
    if (sp->mem[i].len) {
        rn_buf_append(out, sp->mem[i].data, sp->mem[i].len);
        rn_buf_free(&sp->mem[i]);
        return true;
    }
    rn_buf_free(&sp->mem[i]);
    if (!sp->len[i])
        return false;
    char chunk[16 * 1024];
    for (size_t left = sp->len[i]; left;) {
        size_t n =
            fread(chunk, 1, left < sizeof chunk ? left : sizeof chunk, sp->f);
        if (n == 0)
            break; /* cannot happen short of a failing disk */
        rn_buf_append(out, chunk, n);
        left -= n;
    }
    return true;
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
    spool sp = {
        .f = NULL,
        .mem = rn_arena_alloc(run->a, (n + 1) * sizeof *sp.mem),
        .len = rn_arena_alloc(run->a, (n + 1) * sizeof *sp.len),
    };
    /* A spool only pays when something is rendered. */
    if (run->sink && render)
        sp.f = tmpfile();
    rn_buf doc = RN_BUF_INIT;
    run->out = &doc;
    bool config_is_item = false;
    for (size_t i = 0; render && i < n; i++) {
        const rn_value *it = items->u.list.items[i];
        if (!krm_is_mlflow(it))
            continue;
        bool self = is_config(it, fncfg);
        config_is_item |= self;
        krm_run_mlflow(run, s, it, self);
        spool_put(&sp, i, &doc);
    }
    /* Generator form: the config is the MLflow object to render, unless
     * the orchestrator listed it among the items too (kustomize does,
     * marked local-config). */
    if (render && krm_is_mlflow(fncfg) && !config_is_item) {
        krm_run_mlflow(run, s, fncfg, true);
        spool_put(&sp, n, &doc);
    }
    rn_buf_free(&doc);
    run->out = main_out;
    if (sp.f && fflush(sp.f) == 0)
        rewind(sp.f);
    for (size_t i = 0; i <= n; i++) {
        const rn_value *it = i < n ? items->u.list.items[i] : NULL;
        bool done = spool_take(&sp, i, main_out);
        if (!done && it && !(render && krm_is_mlflow(it))) {
            if (it->kind != RN_MAP)
                krm_result(run->res, KRM_ERROR, NULL,
                           rn_arena_printf(run->a, "items[%zu]", i),
                           "items[%zu] is not an object but %s", i,
                           rn_openapi_describe(run->a, it));
            if (it->kind == RN_MAP && render && !keep_item(run, it)) {
                /* an earlier rendering: dropped */
            } else {
                krm_run_pass(run, it);
            }
        }
        flush_out(run, main_out, false);
    }
    if (sp.f)
        fclose(sp.f);
}

static int process(rn_arena *a, const rn_value *root, const char *chart_dir,
                   rn_buf *out, FILE *sink, bool *sink_failed, FILE *errf)
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
        /* The chart named by --chart rather than the config has no
         * field. */
        bool from_config = s.chart_dir != chart_dir;
        krm_result(&res, KRM_ERROR,
                   fncfg && fncfg->kind == RN_MAP ? fncfg : NULL,
                   from_config ? krm_settings_field(a, fncfg, "chart") : NULL,
                   "%s", err.msg);
        bad = 1;
    }
    print_header(out);
    rn_buf_puts(out, "items:\n");
    size_t items_at = out->len;
    krm_run run;
    krm_run_init(&run, a, &res, chart, out, false);
    run.sink = sink;
    /* With a broken config nothing is rendered: every item passes. */
    run_items(&run, &s, rn_map_getz(root, "items"), fncfg, bad == 0);
    if (run.flushed == 0 && out->len == items_at) {
        out->len -= 1;
        rn_buf_puts(out, " []\n");
    }
    if (sink_failed)
        *sink_failed = run.sink_failed;
    return finish(out, &res, errf);
}

/* The one document of stdin. kpt and kustomize write exactly one
 * ResourceList; a second one is refused rather than merged or dropped.
 * Empty documents ("---" at the end) do not count. */
static int parse_one(rn_arena *a, const char *buf, size_t len,
                     const rn_yaml_limits *lim, rn_value **root, rn_error *err)
{
    rn_value *docs;
    if (rn_yaml_parse_stream(a, buf, len, "stdin", RN_YAML_CORE, lim, &docs,
                             err) < 0)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < docs->u.list.len; i++)
        if (docs->u.list.items[i]->kind != RN_NULL && n++ == 0)
            *root = docs->u.list.items[i];
    if (n > 1) {
        rn_error_set(err,
                     "stdin holds %zu YAML documents; a KRM function reads "
                     "one ResourceList",
                     n);
        return -1;
    }
    return 0;
}

int krm_function(const char *buf, size_t len, const char *chart_dir,
                 rn_buf *out, FILE *sink, bool *sink_failed, FILE *errf)
{
    rn_arena *a = rn_arena_new();
    rn_error err;
    rn_error_clear(&err);
    rn_value *root = NULL;
    rn_yaml_limits lim = krm_input_limits(len, true);
    int rc;
    if (parse_one(a, buf, len, &lim, &root, &err) < 0) {
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
            rc = process(a, root, chart_dir, out, sink, sink_failed, errf);
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
    bool sink_failed = false;
    int rc = krm_function(buf, len, args.chart_dir, &out, stdout, &sink_failed,
                          stderr);
    free(buf);
    if (sink_failed ||
        (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) ||
        fflush(stdout) != 0) {
        fprintf(stderr, "krmfn: writing stdout: %s\n", strerror(errno));
        rc = 1;
    }
    rn_buf_free(&out);
    return rc;
}
