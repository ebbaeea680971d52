/*
 * host.h — what a render may borrow from the machine it runs on: the
 * clock, the local time zone and the zone files, as Go's time package
 * reads them.
 *
 * librender does no I/O and keeps no global state: a render sees the
 * clock, time.Local and the zoneinfo files only through this struct,
 * filled in by the program that starts the render (krmfn reads the clock
 * with clock_gettime, TZ/ZONEINFO with getenv, zone files with read(2)).
 * A render given no host (NULL) is hermetic: `now`, `ago` and the other
 * clock readers fail, Local is UTC and every other zone is unknown (UTC,
 * as Sprig falls back to), and getHostByName resolves nothing.
 */
#ifndef RN_HOST_H
#define RN_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rn_arena;

/* One reading of the clock. */
typedef struct rn_clock_reading {
    int64_t sec;  /* wall clock: seconds since the Unix epoch */
    int32_t nsec; /* 0 .. 999999999 */
    /* Go's monotonic reading: nanoseconds since the process started
     * (at least 1), printed by Time.String as "m=+0.000123456"; -1 when the
     * host has none (the time then prints without it). */
    int64_t mono;
} rn_clock_reading;

typedef struct rn_host {
    /* Reads the clock; returns 0, or -1 when it cannot. NULL: no clock. */
    int (*now)(void *arg, rn_clock_reading *out);
    void *now_arg;
    /* The TZ environment variable (Go's time.Local): tz_set false when it
     * is unset (Local is then /etc/localtime), else its value ("" is UTC,
     * ":Asia/Kolkata", "/path/to/tzfile", "Europe/Paris"). */
    bool tz_set;
    const char *tz;
    /* The ZONEINFO environment variable: a directory or a .zip of zone
     * files tried before the system's for named zones; NULL when unset. */
    const char *zoneinfo;
    /* Reads a whole file, as Go's time package reads a zone file: 0 with
     * the bytes in a malloc'd *data the caller frees, or an errno: ENOENT
     * when there is none, EFBIG when it is larger than max, another for a
     * file that cannot be read (EISDIR). NULL: no zone file exists, every
     * zone but UTC is unknown. */
    int (*read_file)(void *arg, const char *path, size_t max,
                     unsigned char **data, size_t *len);
    void *read_arg;
    /* getHostByName with `--enable-dns`: the addresses `name` resolves to
     * (arena strings, *n of them; none when it does not resolve). NULL:
     * getHostByName gives "", as Helm's engine makes it without the flag. */
    void (*resolve_host)(void *arg, struct rn_arena *a, const char *name,
                         const char ***addrs, size_t *n);
    void *resolve_arg;
} rn_host;

#endif
