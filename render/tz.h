/*
 * tz.h — Go's *time.Location in C: zones read from TZif files (versions 1
 * to 3, with the POSIX TZ footer that rules times after the last
 * transition), fixed zones, and the lookup of the zone in effect at an
 * instant, all ported from Go's time/zoneinfo*.go so that names, offsets
 * and the edges between them come out as Go computes them.
 *
 * Nothing here reads the environment, touches a file or keeps global
 * state: the host (host.h) reads zone files and says which TZ value
 * stands for Local. Every location lives in the arena it was loaded
 * into; NULL stands for UTC, as a nil *Location does in Go.
 */
#ifndef RN_TZ_H
#define RN_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "host.h"

typedef struct rn_tz_zone {
    const char *name; /* abbreviation: "CET", "+0530" */
    int32_t offset;   /* seconds east of UTC */
    bool is_dst;
} rn_tz_zone;

typedef struct rn_tz_trans {
    int64_t when; /* Unix seconds */
    uint8_t index;
} rn_tz_trans;

typedef struct rn_tz {
    const char *name; /* Location.String(): "Europe/Paris", "Local" */
    rn_tz_zone *zone;
    size_t nzone; /* 0: UTC */
    rn_tz_trans *tx;
    size_t ntx;
    const char *extend;      /* the TZif footer, "" when none */
    const char *ext_name[2]; /* its standard and DST abbreviations */
} rn_tz;

/* The zone in effect at an instant, and the span of it (Go's lookup). */
typedef struct rn_tz_info {
    const char *name;
    int32_t offset;
    int64_t start, end; /* [start, end) in Unix seconds; INT64_MIN/MAX */
    bool is_dst;
} rn_tz_info;

/* Go's time.UTC. */
extern const rn_tz rn_tz_utc;

rn_tz_info rn_tz_lookup(const rn_tz *l, int64_t sec);
/* Go's lookupName: the offset of the zone abbreviated `name` around the
 * pseudo-Unix time `unix` (the wall clock read as UTC). */
bool rn_tz_lookup_name(const rn_tz *l, const char *name, int64_t unix,
                       int32_t *offset);

/* The proleptic Gregorian calendar, as Go's time package counts it: days
 * since 1970-01-01 of a date (month 1..12), and the date of such a day. */
int64_t rn_days_from_civil(int64_t year, int month, int day);
void rn_civil_from_days(int64_t days, int64_t *year, int *month, int *day);

/* Go's FixedZone. */
const rn_tz *rn_tz_fixed(rn_arena *a, const char *name, int32_t offset);

/* Go's LoadLocationFromTZData. On failure returns NULL with Go's error
 * text in *err ("malformed time zone information"). */
const rn_tz *rn_tz_from_data(rn_arena *a, const char *name,
                             const unsigned char *data, size_t len,
                             const char **err);

/* Go's time.LoadLocation for any name but "Local" (which the caller maps
 * to its local zone): "" and "UTC" are UTC; then $ZONEINFO (a directory or
 * a zip, host->zoneinfo) and the system's zoneinfo directories, each file
 * read by host->read_file (no host or no reader: no zone file exists). On
 * failure returns NULL with Go's error text in *err: "unknown time zone
 * Mars/Olympus", "time: invalid location name", "is a directory". */
const rn_tz *rn_tz_load(rn_arena *a, const char *name, const rn_host *host,
                        const char **err);

/* Go's initLocal: the zone time.Local stands for when the TZ environment
 * variable is unset (host->tz_set false: /etc/localtime, named "Local")
 * or holds host->tz (":name" or "name" under the system zoneinfo,
 * "/path"; "" and what cannot be loaded give UTC). No host: UTC. Never
 * fails. */
const rn_tz *rn_tz_local(rn_arena *a, const rn_host *host);

#endif
