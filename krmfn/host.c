/*
 * host.c — what `krmfn template` lends a render of the machine (render's
 * host.h): the clock, the TZ and ZONEINFO environment variables and the
 * zone files, read as Go's time package reads them, so `now`, Local and
 * named zones come out as in helm.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "host.h"

/* Go's readFile: read(2) until the end; EFBIG past max. */
static int read_zone_file(void *arg, const char *path, size_t max,
                          unsigned char **data, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    int rc = buf ? 0 : ENOMEM;
    while (rc == 0) {
        if (cap - n < 4096) {
            unsigned char *nb = realloc(buf, cap * 2);
            if (!nb) {
                rc = ENOMEM;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, 4096);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            rc = errno; /* EISDIR for a directory */
        else if (r == 0)
            break;
        else if ((n += (size_t)r) > max)
            rc = EFBIG;
    }
    close(fd);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *data = buf;
    *len = n;
    return 0;
}

static int64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* time.Now: the wall clock, and Go's monotonic reading, nanoseconds since
 * the clock was set up (at least 1, as Go's startNano makes it). */
static int read_clock(void *arg, rn_clock_reading *r)
{
    const cli_clock *c = arg;
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return -1;
    r->sec = ts.tv_sec;
    r->nsec = (int32_t)ts.tv_nsec;
    r->mono = monotonic_ns() - c->start_ns + 1;
    return 0;
}

void cli_host(rn_host *h, cli_clock *clock)
{
    *h = (rn_host){0};
    clock->start_ns = monotonic_ns();
    h->now = read_clock;
    h->now_arg = clock;
    const char *tz = getenv("TZ");
    h->tz_set = tz != NULL;
    h->tz = tz;
    h->zoneinfo = getenv("ZONEINFO");
    h->read_file = read_zone_file;
}
