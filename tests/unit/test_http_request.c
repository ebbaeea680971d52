/*
 * test_http_request.c — the request heads the operator's endpoints
 * accept, and the ones they answer 400.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http_request.h"

static int parse(const char *head, http_request *r)
{
    return http_request_parse(head, strlen(head), r);
}

static void test_probe_and_scrape(void **state)
{
    http_request r;
    assert_int_equal(parse("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", &r), 0);
    assert_string_equal(r.method, "GET");
    assert_string_equal(r.path, "/healthz");
    assert_false(r.has_authorization);
    assert_string_equal(r.authorization, "");

    /* Prometheus: a query, the header in another case, blanks around the
     * value, bare LF line ends. */
    assert_int_equal(parse("HEAD /metrics?x=1&y HTTP/1.0\n"
                           "Accept: text/plain\n"
                           "authorization: \t Bearer abc.def \t\n\n",
                           &r),
                     0);
    assert_string_equal(r.method, "HEAD");
    assert_string_equal(r.path, "/metrics");
    assert_true(r.has_authorization);
    assert_string_equal(r.authorization, "Bearer abc.def");
}

static void test_head_cut_short(void **state)
{
    http_request r;
    /* What came is read: the last line without its end is not. */
    assert_int_equal(parse("GET /readyz HTTP/1.1\r\nAuthoriz", &r), 0);
    assert_string_equal(r.path, "/readyz");
    assert_false(r.has_authorization);
    assert_int_equal(parse("GET /readyz HTTP/1.1", &r), -1);
    assert_int_equal(parse("", &r), -1);
}

static void test_malformed(void **state)
{
    static const char *const bad[] = {
        "\r\n\r\n",
        "GET\r\n\r\n",
        "GET /x\r\n\r\n",
        "GET /x HTTP/2.0\r\n\r\n",
        "GET /x HTTP/1.1 extra\r\n\r\n",
        "GET  /x HTTP/1.1\r\n\r\n",        /* two spaces */
        "GET x HTTP/1.1\r\n\r\n",          /* not a path */
        "GET http://h/x HTTP/1.1\r\n\r\n", /* absolute form */
        "G3T /x HTTP/1.1\r\n\r\n",
        "LONGMETHOD /x HTTP/1.1\r\n\r\n",
        "GET /a\tb HTTP/1.1\r\n\r\n",
        "GET /x HTTP/1.1\r\nNo colon here\r\n\r\n",
        "GET /x HTTP/1.1\r\n: no name\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost : x\r\n\r\n", /* blank before colon */
        "GET /x HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
        "GET /x HTTP/1.1\r\nAuthorization: Bearer a\r\n"
        "Authorization: Bearer b\r\n\r\n",
        "GET /x HTTP/1.1\r\nAuthorization: Bearer a\x01"
        "b\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        http_request r;
        if (parse(bad[i], &r) != -1)
            fail_msg("accepted: \"%s\"", bad[i]);
    }
}

static void test_limits(void **state)
{
    char head[HTTP_AUTHZ_MAX + 64];
    http_request r;
    /* A path of exactly the limit; one byte more is refused, not cut. */
    char path[HTTP_PATH_MAX + 2];
    memset(path, 'a', sizeof path);
    path[0] = '/';
    path[HTTP_PATH_MAX] = '\0';
    snprintf(head, sizeof head, "GET %s HTTP/1.1\r\n\r\n", path);
    assert_int_equal(parse(head, &r), 0);
    assert_int_equal(strlen(r.path), HTTP_PATH_MAX);
    path[HTTP_PATH_MAX] = 'a';
    path[HTTP_PATH_MAX + 1] = '\0';
    snprintf(head, sizeof head, "GET %s HTTP/1.1\r\n\r\n", path);
    assert_int_equal(parse(head, &r), -1);
    /* The query does not count against the path. */
    snprintf(head, sizeof head, "GET /m?%s HTTP/1.1\r\n\r\n", path + 1);
    assert_int_equal(parse(head, &r), 0);
    assert_string_equal(r.path, "/m");

    /* An Authorization value of exactly the limit, then one byte more. */
    size_t pre = strlen("GET / HTTP/1.1\r\nAuthorization: ");
    memcpy(head, "GET / HTTP/1.1\r\nAuthorization: ", pre);
    memset(head + pre, 't', HTTP_AUTHZ_MAX);
    memcpy(head + pre + HTTP_AUTHZ_MAX, "\r\n\r\n", 5);
    assert_int_equal(parse(head, &r), 0);
    assert_int_equal(strlen(r.authorization), HTTP_AUTHZ_MAX);
    memset(head + pre, 't', HTTP_AUTHZ_MAX + 1);
    memcpy(head + pre + HTTP_AUTHZ_MAX + 1, "\r\n\r\n", 5);
    assert_int_equal(parse(head, &r), -1);
}

static void test_no_nul_needed(void **state)
{
    /* The length bounds the parse: bytes after it are not read. */
    const char head[] = "GET /healthz HTTP/1.1\r\n\r\nGARBAGE";
    http_request r;
    assert_int_equal(http_request_parse(head, sizeof head - 1 - 7, &r), 0);
    assert_string_equal(r.path, "/healthz");
    /* A NUL inside the head is a control byte like any other. */
    const char nul[] = "GET /a\0b HTTP/1.1\r\n\r\n";
    assert_int_equal(http_request_parse(nul, sizeof nul - 1, &r), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_and_scrape),
        cmocka_unit_test(test_head_cut_short),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_no_nul_needed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
