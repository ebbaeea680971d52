/*
 * rss-floor.c — the resident memory any process pays for the operator's
 * HTTP stack: libcurl and OpenSSL, making one verified HTTPS request to
 * the API server. The
 * operator benchmark prints it beside the operator's own peak RSS, so the
 * part that is the operator's shows.
 *
 * Usage: TOKEN=… rss-floor URL CA-FILE; prints the peak RSS in KiB. (The
 * bearer token comes from the environment, not argv, which ps shows.)
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t discard(void *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

int main(int argc, char **argv)
{
    const char *token = getenv("TOKEN");
    if (argc != 3 || !token) {
        fprintf(stderr, "usage: TOKEN=... rss-floor URL CA-FILE\n");
        return 2;
    }
    char auth[512];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = curl_slist_append(NULL, auth);
    curl_easy_setopt(h, CURLOPT_URL, argv[1]);
    curl_easy_setopt(h, CURLOPT_CAINFO, argv[2]);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        fprintf(stderr, "rss-floor: %s\n", curl_easy_strerror(rc));
        return 1;
    }
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0) {
            long kb = 0;
            sscanf(line + 6, "%ld", &kb);
            printf("%ld\n", kb);
        }
    if (f)
        fclose(f);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    return 0;
}
