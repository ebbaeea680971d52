/*
 * test_kube_config.c — kubeconfig parsing, merging and in-cluster config.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
    return 0;
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
    write_file("m1", "clusters: [{name: c, cluster: {server: 'https://first'}}]\n"
                     "users: [{name: u, user: {token: t1}}]\n");
    write_file("m2", "current-context: ctx\n"
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
    assert_non_null(strstr(err.msg, "exec"));

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
    assert_int_equal(kube_config_in_cluster(path_of("sa"), NULL, NULL, &c, &err),
                     -1);
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
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
