/*
 * test_kube_config.c — kubeconfig parsing, merging and in-cluster config,
 * and exec credential plugins (small shell scripts written by the tests).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kube_config.h"

static char tmpdir[256];

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *path_of(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static int setup(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_kube_config.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    char exec[512];
    snprintf(exec, sizeof exec, "%s/exec", tmpdir);
    return mkdir(exec, 0700);
}

static int teardown(void **state)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* "hello CA" in base64 */
#define CA_B64 "aGVsbG8gQ0E="

static const char *kc_token =
    "apiVersion: v1\n"
    "kind: Config\n"
    "current-context: dev\n"
    "clusters:\n"
    "- name: other\n"
    "  cluster: {server: https://other:1}\n"
    "- name: c1\n"
    "  cluster:\n"
    "    server: https://127.0.0.1:6443/\n"
    "    certificate-authority-data: " CA_B64 "\n"
    "contexts:\n"
    "- name: dev\n"
    "  context: {cluster: c1, user: u1, namespace: team}\n"
    "users:\n"
    "- name: u1\n"
    "  user: {token: s3cret}\n";

static void test_token_and_ca_data(void **state)
{
    write_file("kc1", kc_token);
    const char *p = path_of("kc1");
    kube_config *c = NULL;
    rn_error err;
    rn_error_clear(&err);
    assert_int_equal(kube_config_from_files(&p, 1, NULL, &c, &err), 0);
    /* The trailing slash of server is dropped so paths can be appended. */
    assert_string_equal(c->server, "https://127.0.0.1:6443");
    assert_int_equal(c->ca_len, 8);
    assert_memory_equal(c->ca_pem, "hello CA", 8);
    assert_false(c->insecure);
    assert_string_equal(c->namespace, "team");
    char *t = kube_config_token(c);
    assert_string_equal(t, "s3cret");
    free(t);
    assert_null(c->cert_pem);
    kube_config_free(c);
}

static void test_context_override(void **state)
{
    write_file("kc2", "current-context: a\n"
                      "clusters:\n"
                      "- {name: ca, cluster: {server: 'https://a'}}\n"
                      "- {name: cb, cluster: {server: 'https://b', "
                      "insecure-skip-tls-verify: true}}\n"
                      "contexts:\n"
                      "- {name: a, context: {cluster: ca}}\n"
                      "- {name: b, context: {cluster: cb}}\n");
    const char *p = path_of("kc2");
    kube_config *c = NULL;
    rn_error err;
    rn_error_clear(&err);
    assert_int_equal(kube_config_from_files(&p, 1, NULL, &c, &err), 0);
    assert_string_equal(c->server, "https://a");
    assert_false(c->insecure);
    kube_config_free(c);
    assert_int_equal(kube_config_from_files(&p, 1, "b", &c, &err), 0);
    assert_string_equal(c->server, "https://b");
    /* Only an explicit insecure-skip-tls-verify: true turns checks off. */
    assert_true(c->insecure);
    assert_null(c->token);
    kube_config_free(c);
}

static void test_relative_files(void **state)
{
    char sub[512];
    snprintf(sub, sizeof sub, "%s/sub", tmpdir);
    mkdir(sub, 0700);
    write_file("sub/ca.pem", "CAFILE");
    write_file("sub/tok", "from-file\n");
    write_file("sub/crt", "CERT");
    write_file("sub/key", "KEY");
    write_file("sub/kc", "current-context: x\n"
                         "clusters: [{name: c, cluster: {server: 'https://h', "
                         "certificate-authority: ca.pem}}]\n"
                         "contexts: [{name: x, context: {cluster: c, user: "
                         "u}}]\n"
                         "users: [{name: u, user: {tokenFile: tok, "
                         "client-certificate: crt, client-key: key}}]\n");
    const char *p = path_of("sub/kc");
    kube_config *c = NULL;
    rn_error err;
    rn_error_clear(&err);
    assert_int_equal(kube_config_from_files(&p, 1, NULL, &c, &err), 0);
    assert_memory_equal(c->ca_pem, "CAFILE", 6);
    assert_memory_equal(c->cert_pem, "CERT", 4);
    assert_memory_equal(c->key_pem, "KEY", 3);
    char *t = kube_config_token(c);
    /* The newline at the end of a token file is not part of the token. */
    assert_string_equal(t, "from-file");
    free(t);
    /* A rotated token is read again. */
    write_file("sub/tok", "rotated-token-value\n");
    t = kube_config_token(c);
    assert_string_equal(t, "rotated-token-value");
    free(t);
    kube_config_free(c);
}

static void test_merge_first_wins(void **state)
{
    /* kubectl's merge: current-context from the first file that sets it;
     * for each name the first file that defines it wins. */
    write_file("m1",
               "clusters: [{name: c, cluster: {server: 'https://first'}}]\n"
               "users: [{name: u, user: {token: t1}}]\n");
    write_file("m2",
               "current-context: ctx\n"
               "clusters: [{name: c, cluster: {server: 'https://second'}}]\n"
               "contexts: [{name: ctx, context: {cluster: c, user: u}}]\n"
               "users: [{name: u, user: {token: t2}}]\n");
    kube_config_env env = {0};
    char list[1100];
    snprintf(list, sizeof list, "%s:/nonexistent/kc:%s", path_of("m1"),
             path_of("m2"));
    env.kubeconfig_env = list;
    kube_config *c = NULL;
    rn_error err;
    rn_error_clear(&err);
    assert_int_equal(kube_config_load(&env, &c, &err), 0);
    assert_string_equal(c->server, "https://first");
    assert_string_equal(c->token, "t1");
    kube_config_free(c);
}

static void test_errors(void **state)
{
    write_file("e1", "current-context: nope\ncontexts: []\n");
    const char *p = path_of("e1");
    kube_config *c = NULL;
    rn_error err;
    rn_error_clear(&err);
    assert_int_equal(kube_config_from_files(&p, 1, NULL, &c, &err), -1);
    assert_non_null(strstr(err.msg, "context \"nope\" not found"));

    write_file("e2", "current-context: x\n"
                     "clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                     "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
                     "users: [{name: u, user: {exec: {command: aws}}}]\n");
    p = path_of("e2");
    rn_error_clear(&err);
    assert_int_equal(kube_config_from_files(&p, 1, NULL, &c, &err), -1);
    /* An exec plugin needs an apiVersion, as in client-go. */
    assert_non_null(strstr(err.msg, "user \"u\": exec apiVersion \"\" is "
                                    "not supported"));

    write_file("e3", "current-context: x\n"
                     "clusters: [{name: c, cluster: {server: 'https://h', "
                     "certificate-authority-data: '!!notbase64'}}]\n"
                     "contexts: [{name: x, context: {cluster: c}}]\n");
    p = path_of("e3");
    rn_error_clear(&err);
    assert_int_equal(kube_config_from_files(&p, 1, NULL, &c, &err), -1);
    assert_non_null(strstr(err.msg, "base64"));

    kube_config_env env = {0};
    rn_error_clear(&err);
    assert_int_equal(kube_config_load(&env, &c, &err), -1);
    assert_non_null(strstr(err.msg, "no Kubernetes configuration"));
}

static void make_sa_dir(void)
{
    char sa[512];
    snprintf(sa, sizeof sa, "%s/sa", tmpdir);
    mkdir(sa, 0700);
    write_file("sa/token", "sa-token-1");
    write_file("sa/ca.crt", "CLUSTER CA");
    write_file("sa/namespace", "opendatahub\n");
}

static void test_in_cluster(void **state)
{
    make_sa_dir();
    kube_config *c = NULL;
    rn_error err;
    rn_error_clear(&err);
    assert_int_equal(
        kube_config_in_cluster(path_of("sa"), "10.0.0.1", "443", &c, &err), 0);
    assert_string_equal(c->server, "https://10.0.0.1:443");
    assert_string_equal(c->namespace, "opendatahub");
    assert_memory_equal(c->ca_pem, "CLUSTER CA", 10);
    char *t = kube_config_token(c);
    assert_string_equal(t, "sa-token-1");
    free(t);
    /* The kubelet rotates the projected token: the new one is used. */
    write_file("sa/token", "sa-token-2-longer");
    t = kube_config_token(c);
    assert_string_equal(t, "sa-token-2-longer");
    free(t);
    kube_config_free(c);

    /* IPv6 service host is bracketed in the URL. */
    assert_int_equal(
        kube_config_in_cluster(path_of("sa"), "fd00::1", "6443", &c, &err), 0);
    assert_string_equal(c->server, "https://[fd00::1]:6443");
    kube_config_free(c);

    rn_error_clear(&err);
    assert_int_equal(
        kube_config_in_cluster(path_of("sa"), NULL, NULL, &c, &err), -1);
    assert_non_null(strstr(err.msg, "KUBERNETES_SERVICE_HOST"));
}

static void test_load_order(void **state)
{
    make_sa_dir();
    write_file("flag", kc_token);
    kube_config_env env = {0};
    env.sa_dir = path_of("sa");
    env.service_host = "10.1.1.1";
    env.service_port = "443";
    kube_config *c = NULL;
    rn_error err;
    rn_error_clear(&err);
    /* In-cluster when nothing names a kubeconfig. */
    assert_int_equal(kube_config_load(&env, &c, &err), 0);
    assert_string_equal(c->source, "in-cluster");
    kube_config_free(c);
    /* --kubeconfig wins over everything. */
    env.kubeconfig_flag = path_of("flag");
    assert_int_equal(kube_config_load(&env, &c, &err), 0);
    assert_string_equal(c->server, "https://127.0.0.1:6443");
    kube_config_free(c);
}

static void test_base64(void **state)
{
    char *out;
    size_t n;
    assert_int_equal(kube_base64_decode("aGVs\nbG8=", 9, &out, &n), 0);
    assert_int_equal(n, 5);
    assert_string_equal(out, "hello");
    free(out);
    assert_int_equal(kube_base64_decode("aGk=", 4, &out, &n), 0);
    assert_int_equal(n, 2);
    free(out);
    assert_int_equal(kube_base64_decode("", 0, &out, &n), 0);
    assert_int_equal(n, 0);
    free(out);
    assert_int_equal(kube_base64_decode("abc", 3, &out, &n), -1);
    assert_int_equal(kube_base64_decode("ab!d", 4, &out, &n), -1);
}

/* ---- exec credential plugins ----------------------------------------- */

static void write_script(const char *name, const char *body)
{
    char text[4096];
    snprintf(text, sizeof text, "#!/bin/sh\n%s", body);
    write_file(name, text);
    assert_int_equal(chmod(path_of(name), 0755), 0);
}

/* The env entry every plugin here gets: DIR, the exec/ directory. */
#define ENV_DIR "      env: [{name: DIR, value: '@DIR@'}]\n"

/* Writes exec/<name>: a kubeconfig whose user "ci" has the exec mapping
 * `exec` (lines indented six spaces; @DIR@ stands for the exec/
 * directory). Returns its path. */
static const char *write_exec_kc(const char *name, const char *exec)
{
    char dir[512], body[4096], text[8192], rel[256];
    snprintf(dir, sizeof dir, "%s/exec", tmpdir);
    size_t n = 0;
    for (const char *e = exec; *e && n + strlen(dir) < sizeof body - 1;) {
        if (strncmp(e, "@DIR@", 5) == 0) {
            n += (size_t)snprintf(body + n, sizeof body - n, "%s", dir);
            e += 5;
        } else {
            body[n++] = *e++;
        }
    }
    body[n] = '\0';
    snprintf(text, sizeof text,
             "current-context: x\n"
             "clusters:\n"
             "- name: c\n"
             "  cluster:\n"
             "    server: https://127.0.0.1:6443\n"
             "    certificate-authority-data: " CA_B64 "\n"
             "    tls-server-name: kubernetes.default.svc\n"
             "contexts: [{name: x, context: {cluster: c, user: ci}}]\n"
             "users:\n"
             "- name: ci\n"
             "  user:\n"
             "    exec:\n"
             "%s",
             body);
    snprintf(rel, sizeof rel, "exec/%s", name);
    write_file(rel, text);
    return path_of(rel);
}

static kube_config *load_ok(const char *path)
{
    kube_config *c = NULL;
    rn_error err;
    rn_error_clear(&err);
    int rc = kube_config_from_files(&path, 1, NULL, &c, &err);
    if (rc != 0)
        fail_msg("load %s: %s", path, err.msg);
    return c;
}

static char *read_text(const char *name)
{
    FILE *f = fopen(path_of(name), "r");
    if (!f)
        return NULL;
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static int count_lines(const char *name)
{
    const char *t = read_text(name);
    int n = 0;
    for (; t && *t; t++)
        n += *t == '\n';
    return n;
}

/* Prints token "tok-N" (N: this run's number), with the expiry $EXP. */
static const char *counting_plugin =
    "echo run >>\"$DIR/runs\"\n"
    "n=$(wc -l <\"$DIR/runs\")\n"
    "echo 'some progress noise' >&2\n"
    "cat <<EOF\n"
    "{\"apiVersion\": \"client.authentication.k8s.io/v1\", \"kind\": "
    "\"ExecCredential\",\n"
    " \"status\": {\"token\": \"tok-$n\"$EXP}}\n"
    "EOF\n";

static void test_exec_token_args_env(void **state)
{
    write_script("exec/plug.sh",
                 "printf '%s\\n' \"$#\" \"$1\" \"$2\" \"$FOO\" "
                 "\"$KUBERNETES_EXEC_INFO\" >\"$DIR/seen\"\n"
                 "cat >\"$DIR/stdin\"\n"
                 "echo 'progress noise' >&2\n"
                 "echo '{\"apiVersion\":\"client.authentication.k8s.io/"
                 "v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":"
                 "\"exec-token-1\"}}'\n");
    /* A relative command with a slash is relative to the kubeconfig. */
    const char *p = write_exec_kc(
        "kc-args", "      command: ./plug.sh\n"
                   "      apiVersion: client.authentication.k8s.io/v1\n"
                   "      interactiveMode: Never\n"
                   "      provideClusterInfo: true\n"
                   "      args: [--flag, two words]\n"
                   "      env: [{name: DIR, value: '@DIR@'}, "
                   "{name: FOO, value: bar baz}]\n");
    kube_config *c = load_ok(p);
    assert_non_null(c->exec);
    assert_string_equal(c->tls_server_name, "kubernetes.default.svc");
    char want[600];
    snprintf(want, sizeof want, "%s/exec/./plug.sh", tmpdir);
    assert_string_equal(c->exec->command, want);

    char *t = kube_config_token(c);
    assert_non_null(t);
    assert_string_equal(t, "exec-token-1");
    free(t);

    /* argc, the two args, FOO, then the ExecCredential request. */
    char *seen = read_text("exec/seen");
    assert_non_null(seen);
    char *info = strchr(seen, '{');
    assert_non_null(info);
    const char *head = "2\n--flag\ntwo words\nbar baz\n";
    assert_int_equal(info - seen, strlen(head));
    assert_memory_equal(seen, head, strlen(head));
    json_error_t je;
    json_t *req = json_loads(info, 0, &je);
    assert_non_null(req);
    assert_string_equal(json_string_value(json_object_get(req, "kind")),
                        "ExecCredential");
    assert_string_equal(json_string_value(json_object_get(req, "apiVersion")),
                        "client.authentication.k8s.io/v1");
    json_t *spec = json_object_get(req, "spec");
    assert_true(json_is_false(json_object_get(spec, "interactive")));
    json_t *cl = json_object_get(spec, "cluster");
    assert_string_equal(json_string_value(json_object_get(cl, "server")),
                        "https://127.0.0.1:6443");
    assert_string_equal(
        json_string_value(json_object_get(cl, "certificate-authority-data")),
        CA_B64);
    assert_string_equal(
        json_string_value(json_object_get(cl, "tls-server-name")),
        "kubernetes.default.svc");
    /* omitempty, as client-go: false is left out. */
    assert_null(json_object_get(cl, "insecure-skip-tls-verify"));
    json_decref(req);
    /* stdin is /dev/null: the plugin read nothing and did not hang. */
    assert_string_equal(read_text("exec/stdin"), "");
    kube_config_free(c);
}

static void test_exec_cluster_info_off_and_path(void **state)
{
    /* A bare command name is looked up in $PATH; without
     * provideClusterInfo the request has no cluster. */
    char bin[600], path[2048];
    snprintf(bin, sizeof bin, "%s/exec/bin", tmpdir);
    mkdir(bin, 0700);
    write_script("exec/bin/kc-test-plugin",
                 "printf '%s' \"$KUBERNETES_EXEC_INFO\" >\"$DIR/seen2\"\n"
                 "echo '{\"apiVersion\":\"client.authentication.k8s.io/"
                 "v1beta1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":"
                 "\"from-path\"}}'\n");
    const char *old = getenv("PATH");
    char *saved = old ? strdup(old) : NULL;
    snprintf(path, sizeof path, "/nonexistent:relative/dir:%s:%s", bin,
             old ? old : "");
    setenv("PATH", path, 1);
    const char *p = write_exec_kc(
        "kc-path", "      command: kc-test-plugin\n"
                   "      apiVersion: client.authentication.k8s.io/v1beta1\n"
                   "      provideClusterInfo: false\n" ENV_DIR);
    kube_config *c = load_ok(p);
    char *t = kube_config_token(c);
    if (saved) {
        setenv("PATH", saved, 1);
        free(saved);
    }
    assert_non_null(t);
    assert_string_equal(t, "from-path");
    free(t);
    assert_string_equal(read_text("exec/seen2"),
                        "{\"apiVersion\":\"client.authentication.k8s.io/"
                        "v1beta1\",\"kind\":\"ExecCredential\",\"spec\":{"
                        "\"interactive\":false}}");
    kube_config_free(c);

    /* Not in PATH: the install hint is in the message. */
    p = write_exec_kc("kc-nopath",
                      "      command: kc-no-such-plugin\n"
                      "      apiVersion: client.authentication.k8s.io/v1\n"
                      "      interactiveMode: IfAvailable\n"
                      "      installHint: install it with apt\n");
    c = load_ok(p);
    kube_credential k;
    rn_error err;
    rn_error_clear(&err);
    assert_int_equal(kube_config_credential(c, &k, &err), -1);
    assert_non_null(strstr(err.msg, "user \"ci\": exec credential plugin "
                                    "kc-no-such-plugin: not found in $PATH; "
                                    "install it with apt"));
    kube_config_free(c);
}

static void test_exec_cache_and_expiry(void **state)
{
    write_script("exec/count.sh", counting_plugin);
    /* Expired: every call runs the plugin again. */
    unlink(path_of("exec/runs"));
    const char *p = write_exec_kc(
        "kc-expired", "      command: ./count.sh\n"
                      "      apiVersion: client.authentication.k8s.io/v1\n"
                      "      interactiveMode: Never\n"
                      "      env:\n"
                      "      - {name: DIR, value: '@DIR@'}\n"
                      "      - {name: EXP, value: ', \"expirationTimestamp\": "
                      "\"2001-02-03T04:05:06Z\"'}\n");
    kube_config *c = load_ok(p);
    char *t = kube_config_token(c);
    assert_string_equal(t, "tok-1");
    free(t);
    t = kube_config_token(c);
    assert_string_equal(t, "tok-2");
    free(t);
    assert_int_equal(count_lines("exec/runs"), 2);
    kube_config_free(c);

    /* Valid for a long time (with a fraction and an offset): cached. */
    unlink(path_of("exec/runs"));
    p = write_exec_kc("kc-valid",
                      "      command: ./count.sh\n"
                      "      apiVersion: client.authentication.k8s.io/v1\n"
                      "      interactiveMode: Never\n"
                      "      env:\n"
                      "      - {name: DIR, value: '@DIR@'}\n"
                      "      - {name: EXP, value: ', \"expirationTimestamp\": "
                      "\"2999-02-03T04:05:06.5+02:00\"'}\n");
    c = load_ok(p);
    kube_credential k1, k2;
    rn_error err;
    rn_error_clear(&err);
    assert_int_equal(kube_config_credential(c, &k1, &err), 0);
    assert_int_equal(kube_config_credential(c, &k2, &err), 0);
    assert_string_equal(k1.token, "tok-1");
    assert_string_equal(k2.token, "tok-1");
    assert_int_equal(k1.serial, k2.serial);
    assert_int_equal(count_lines("exec/runs"), 1);
    /* A 401 with it: the next call runs the plugin again, once. */
    assert_true(kube_config_reject(c, k1.serial));
    kube_credential k3;
    assert_int_equal(kube_config_credential(c, &k3, &err), 0);
    assert_string_equal(k3.token, "tok-2");
    assert_int_not_equal(k3.serial, k1.serial);
    /* A 401 for the old one again (another worker's): the newer credential
     * stays. */
    assert_true(kube_config_reject(c, k2.serial));
    kube_credential k4;
    assert_int_equal(kube_config_credential(c, &k4, &err), 0);
    assert_string_equal(k4.token, "tok-2");
    assert_int_equal(count_lines("exec/runs"), 2);
    kube_credential_free(&k1);
    kube_credential_free(&k2);
    kube_credential_free(&k3);
    kube_credential_free(&k4);
    assert_null(k1.token);
    kube_config_free(c);

    /* A config without a plugin has nothing to refresh. */
    write_file("kc-static", kc_token);
    c = load_ok(path_of("kc-static"));
    assert_false(kube_config_reject(c, 0));
    kube_config_free(c);
}

typedef struct race {
    kube_config *c;
    char token[64];
} race;

static void *race_main(void *arg)
{
    race *r = arg;
    kube_credential k;
    rn_error err;
    rn_error_clear(&err);
    if (kube_config_credential(r->c, &k, &err) == 0) {
        snprintf(r->token, sizeof r->token, "%s", k.token);
        kube_credential_free(&k);
    }
    return NULL;
}

static void test_exec_concurrent_callers_share_one_run(void **state)
{
    /* Slow, then the counting plugin: four workers asking at once wait for
     * one run. */
    char body[2048];
    snprintf(body, sizeof body, "sleep 0.3\n%s", counting_plugin);
    write_script("exec/slow.sh", body);
    unlink(path_of("exec/runs"));
    const char *p = write_exec_kc(
        "kc-race", "      command: ./slow.sh\n"
                   "      apiVersion: client.authentication.k8s.io/v1\n"
                   "      interactiveMode: Never\n" ENV_DIR);
    kube_config *c = load_ok(p);
    race r[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        r[i].c = c;
        r[i].token[0] = '\0';
        assert_int_equal(pthread_create(&th[i], NULL, race_main, &r[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_string_equal(r[i].token, "tok-1");
    }
    assert_int_equal(count_lines("exec/runs"), 1);
    kube_config_free(c);
}

/* The error of the first credential from a kubeconfig whose plugin is
 * `script`. */
static const char *exec_error(const char *script, int timeout_ms)
{
    static rn_error err;
    write_script("exec/fail.sh", script);
    const char *p = write_exec_kc(
        "kc-fail", "      command: ./fail.sh\n"
                   "      apiVersion: client.authentication.k8s.io/v1\n"
                   "      interactiveMode: Never\n");
    kube_config *c = load_ok(p);
    c->exec->timeout_ms = timeout_ms;
    kube_credential k;
    rn_error_clear(&err);
    int rc = kube_config_credential(c, &k, &err);
    if (rc == 0)
        kube_credential_free(&k);
    /* kube_config_token says "no token" the same way. */
    char *t = rc == 0 ? NULL : kube_config_token(c);
    kube_config_free(c);
    if (rc == 0 || t) {
        free(t);
        fail_msg("the plugin was expected to fail:\n%s", script);
    }
    return err.msg;
}

/* True once `pid` is gone or a zombie, within a second. */
static bool process_gone(int pid)
{
    char path[64], stat[256];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    for (int i = 0; i < 100; i++) {
        FILE *f = fopen(path, "r");
        if (!f)
            return true;
        size_t n = fread(stat, 1, sizeof stat - 1, f);
        fclose(f);
        stat[n] = '\0';
        const char *st = strrchr(stat, ')');
        if (st && st[1] == ' ' && st[2] == 'Z')
            return true;
        usleep(10000);
    }
    return false;
}

static void assert_names_plugin(const char *msg)
{
    char want[700];
    snprintf(want, sizeof want,
             "exec/kc-fail: user \"ci\": exec credential plugin "
             "%s/exec/./fail.sh: ",
             tmpdir);
    if (!strstr(msg, want))
        fail_msg("\"%s\" does not start with \"%s\"", msg, want);
}

static void test_exec_failures(void **state)
{
    const char *m = exec_error("echo 'first line' >&2\n"
                               "echo '   error: access denied for profile "
                               "x   ' >&2\n"
                               "exit 3\n",
                               0);
    assert_names_plugin(m);
    assert_non_null(strstr(m, "exited with status 3: error: access denied "
                              "for profile x"));
    assert_null(strstr(m, "first line"));
    assert_null(strstr(m, "x   "));

    /* Only the last line, cut at 200 bytes. */
    m = exec_error("printf 'x%.0s' $(seq 300) >&2\nexit 1\n", 0);
    const char *xs = strstr(m, ": xxx");
    assert_non_null(xs);
    assert_int_equal(strlen(xs + 2), 200);

    /* Garbage on stdout: no word of it in the message. */
    m = exec_error("echo 'token=SECRETVALUE not json'\n", 0);
    assert_names_plugin(m);
    assert_non_null(strstr(m, "printed something that is not an "
                              "ExecCredential (invalid JSON at line 1"));
    assert_null(strstr(m, "SECRETVALUE"));

    m = exec_error("echo '{\"kind\":\"Status\",\"status\":{\"token\":"
                   "\"SECRETVALUE\"}}'\n",
                   0);
    assert_non_null(strstr(m, "not an ExecCredential (kind Status)"));
    assert_null(strstr(m, "SECRETVALUE"));

    m = exec_error("echo '{\"apiVersion\":\"client.authentication.k8s.io/"
                   "v1beta1\",\"kind\":\"ExecCredential\",\"status\":{"
                   "\"token\":\"SECRETVALUE\"}}'\n",
                   0);
    assert_non_null(strstr(m, "printed apiVersion client.authentication."
                              "k8s.io/v1beta1, but the kubeconfig asks for "
                              "client.authentication.k8s.io/v1"));
    assert_null(strstr(m, "SECRETVALUE"));

    m = exec_error("echo '{\"apiVersion\":\"client.authentication.k8s.io/"
                   "v1\",\"kind\":\"ExecCredential\",\"status\":{}}'\n",
                   0);
    assert_non_null(strstr(m, "with neither status.token nor"));

    m = exec_error("echo '{\"apiVersion\":\"client.authentication.k8s.io/"
                   "v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":"
                   "\"SECRETVALUE\",\"expirationTimestamp\":\"tomorrow\"}}'\n",
                   0);
    assert_non_null(strstr(m, "status.expirationTimestamp tomorrow, which "
                              "is not an RFC 3339 time"));
    assert_null(strstr(m, "SECRETVALUE"));

    m = exec_error("exit 0\n", 0);
    assert_non_null(strstr(m, "printed nothing"));

    /* Too much output: killed, not buffered without end. */
    m = exec_error("head -c 3000000 /dev/zero | tr '\\0' a\n", 0);
    assert_non_null(strstr(m, "printed more than 1048576 bytes and was "
                              "killed"));

    /* Hangs: killed at the deadline, with whatever it said last, and so
     * is what it started. */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    m = exec_error("echo 'waiting for browser login' >&2\n"
                   "sleep 10 &\necho $! >\"$0.sleeper\"\nwait\n",
                   300);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_non_null(strstr(m, "did not finish within 0.300 s and was killed: "
                              "waiting for browser login"));
    assert_true(t1.tv_sec - t0.tv_sec < 3);
    const char *sleeper = read_text("exec/fail.sh.sleeper");
    assert_non_null(sleeper);
    assert_true(atoi(sleeper) > 0);
    assert_true(process_gone(atoi(sleeper)));

    m = exec_error("kill -9 $$\n", 0);
    assert_non_null(strstr(m, "was killed by signal 9"));
}

static void test_exec_client_certificate(void **state)
{
    write_script("exec/cert.sh",
                 "printf '%s' '{\"apiVersion\":\"client.authentication.k8s.io/"
                 "v1\",\"kind\":\"ExecCredential\",\"status\":{"
                 "\"clientCertificateData\":\"-----BEGIN CERTIFICATE-----\\n"
                 "CERT\\n\",\"clientKeyData\":\"KEYDATA\"}}'\n");
    const char *p = write_exec_kc(
        "kc-cert", "      command: ./cert.sh\n"
                   "      apiVersion: client.authentication.k8s.io/v1\n"
                   "      interactiveMode: Never\n");
    kube_config *c = load_ok(p);
    kube_credential k;
    rn_error err;
    rn_error_clear(&err);
    assert_int_equal(kube_config_credential(c, &k, &err), 0);
    assert_null(k.token);
    assert_int_equal(k.cert_len, 33);
    assert_memory_equal(k.cert_pem, "-----BEGIN CERTIFICATE-----\nCERT\n", 33);
    assert_int_equal(k.key_len, 7);
    assert_string_equal(k.key_pem, "KEYDATA");
    assert_int_equal(k.serial, 1);
    kube_credential_free(&k);
    kube_config_free(c);
}

static void test_exec_config_checks(void **state)
{
    static const struct {
        const char *exec, *want;
    } cases[] = {
        {"      command: x\n"
         "      apiVersion: client.authentication.k8s.io/v1\n",
         "exec with client.authentication.k8s.io/v1 needs interactiveMode"},
        {"      command: x\n"
         "      apiVersion: client.authentication.k8s.io/v1\n"
         "      interactiveMode: Always\n",
         "interactiveMode Always, but the operator has no terminal"},
        {"      command: x\n"
         "      apiVersion: client.authentication.k8s.io/v1beta1\n"
         "      interactiveMode: Sometimes\n",
         "interactiveMode \"Sometimes\" is not Never, IfAvailable or Always"},
        {"      command: x\n"
         "      apiVersion: client.authentication.k8s.io/v1alpha1\n",
         "exec apiVersion \"client.authentication.k8s.io/v1alpha1\" is not "
         "supported"},
        {"      apiVersion: client.authentication.k8s.io/v1beta1\n",
         "user \"ci\": exec needs a command"},
        {"      command: x\n"
         "      apiVersion: client.authentication.k8s.io/v1beta1\n"
         "      args: {a: b}\n",
         "exec args must be a list of strings"},
        {"      command: x\n"
         "      apiVersion: client.authentication.k8s.io/v1beta1\n"
         "      env: FOO=bar\n",
         "exec env must be a list of {name, value}"},
        {"      command: x\n"
         "      apiVersion: client.authentication.k8s.io/v1beta1\n"
         "      env: [{value: bar}]\n",
         "exec env must be a list of {name, value}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *p = write_exec_kc("kc-check", cases[i].exec);
        kube_config *c = NULL;
        rn_error err;
        rn_error_clear(&err);
        assert_int_equal(kube_config_from_files(&p, 1, NULL, &c, &err), -1);
        if (!strstr(err.msg, cases[i].want))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg,
                     cases[i].want);
    }

    /* Null and empty lists are no arguments. */
    kube_config *c = load_ok(write_exec_kc(
        "kc-null", "      command: x\n"
                   "      apiVersion: client.authentication.k8s.io/v1beta1\n"
                   "      args:\n"
                   "      env: []\n"));
    assert_null(c->exec->args[0]);
    assert_null(c->exec->env[0]);
    kube_config_free(c);

    /* A static token next to the plugin wins, as in client-go. */
    write_file("kc-both",
               "current-context: x\n"
               "clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
               "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
               "users: [{name: u, user: {token: static-tok, exec: {command: "
               "/bin/false, apiVersion: client.authentication.k8s.io/"
               "v1beta1}}}]\n");
    c = load_ok(path_of("kc-both"));
    assert_null(c->exec);
    char *t = kube_config_token(c);
    assert_string_equal(t, "static-tok");
    free(t);
    kube_config_free(c);
}

static void test_auth_provider_refused(void **state)
{
    write_file("kc-ap",
               "current-context: x\n"
               "clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
               "contexts: [{name: x, context: {cluster: c, user: gke}}]\n"
               "users: [{name: gke, user: {auth-provider: {name: gcp, "
               "config: {access-token: abc}}}}]\n");
    const char *p = path_of("kc-ap");
    kube_config *c = NULL;
    rn_error err;
    rn_error_clear(&err);
    assert_int_equal(kube_config_from_files(&p, 1, NULL, &c, &err), -1);
    assert_non_null(strstr(err.msg, "user \"gke\" uses the \"gcp\" "
                                    "auth-provider, which is not supported"));
    assert_non_null(strstr(err.msg, "use an exec credential plugin"));
    assert_null(strstr(err.msg, "abc"));
    assert_null(c);
}

static void test_tls_server_name(void **state)
{
    write_file("kc-tsn",
               "current-context: x\n"
               "clusters:\n"
               "- {name: c, cluster: {server: 'https://10.0.0.1:443', "
               "tls-server-name: api.internal.example}}\n"
               "- {name: d, cluster: {server: 'https://10.0.0.1:443', "
               "tls-server-name: ''}}\n"
               "contexts:\n"
               "- {name: x, context: {cluster: c}}\n"
               "- {name: y, context: {cluster: d}}\n");
    const char *p = path_of("kc-tsn");
    kube_config *c = load_ok(p);
    assert_string_equal(c->tls_server_name, "api.internal.example");
    assert_string_equal(c->server, "https://10.0.0.1:443");
    kube_config_free(c);
    rn_error err;
    rn_error_clear(&err);
    assert_int_equal(kube_config_from_files(&p, 1, "y", &c, &err), 0);
    assert_null(c->tls_server_name);
    kube_config_free(c);
    write_file("kc1", kc_token);
    c = load_ok(path_of("kc1"));
    assert_null(c->tls_server_name);
    assert_null(c->exec);
    kube_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_and_ca_data),
        cmocka_unit_test(test_context_override),
        cmocka_unit_test(test_relative_files),
        cmocka_unit_test(test_merge_first_wins),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_in_cluster),
        cmocka_unit_test(test_load_order),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_exec_token_args_env),
        cmocka_unit_test(test_exec_cluster_info_off_and_path),
        cmocka_unit_test(test_exec_cache_and_expiry),
        cmocka_unit_test(test_exec_concurrent_callers_share_one_run),
        cmocka_unit_test(test_exec_failures),
        cmocka_unit_test(test_exec_client_certificate),
        cmocka_unit_test(test_exec_config_checks),
        cmocka_unit_test(test_auth_provider_refused),
        cmocka_unit_test(test_tls_server_name),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
