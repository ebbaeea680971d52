/*
 * tz.c — time zones as Go's time package has them (see tz.h): the TZif
 * reader (LoadLocationFromTZData), LoadLocation's search of $ZONEINFO and
 * the system's zoneinfo directories, initLocal's reading of TZ, and the
 * lookup of the zone at an instant with the POSIX TZ rules (tzset) past
 * the last transition. Each function follows the Go function it names.
 * Files are read by the host (host.h), so this file does no I/O.
 */
#include "tz.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TZ_ALPHA INT64_MIN
#define TZ_OMEGA INT64_MAX
#define SECS_PER_DAY 86400
#define SECS_PER_HOUR 3600
#define MAX_FILE_SIZE (10 << 20)

const rn_tz rn_tz_utc = {"UTC", NULL, 0, NULL, 0, "", {"", ""}};

static const char *const zone_sources[] = {
    "/usr/share/zoneinfo/",
    "/usr/share/lib/zoneinfo/",
    "/usr/lib/locale/TZ/",
    "/etc/zoneinfo",
};

/* --- the calendar pieces tzset needs --- */

static bool is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in(int m, int64_t year)
{
    if (m == 2)
        return is_leap(year) ? 29 : 28;
    return 30 + ((m + (m >> 3)) & 1);
}

static int days_before(int m)
{
    return (214 * m - 211) / 7 + (m >= 3 ? -2 : 0);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t rn_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void rn_civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

/* The year and the 1-based day of the year of Unix second `sec` (UTC). */
static void year_yday(int64_t sec, int64_t *year, int *yday)
{
    int month, day;
    rn_civil_from_days(floor_div(sec, SECS_PER_DAY), year, &month, &day);
    *yday = days_before(month) + day + (is_leap(*year) && month > 2);
}

/* --- the POSIX TZ string of a TZif footer (Go's tzset) --- */

typedef struct tz_str {
    const char *s;
    size_t n;
} tz_str;

static bool tzset_name(tz_str *s, tz_str *name)
{
    if (s->n == 0)
        return false;
    if (s->s[0] != '<') {
        for (size_t i = 0; i < s->n; i++) {
            char c = s->s[i];
            if ((c >= '0' && c <= '9') || c == ',' || c == '-' || c == '+') {
                if (i < 3)
                    return false;
                *name = (tz_str){s->s, i};
                s->s += i;
                s->n -= i;
                return true;
            }
        }
        if (s->n < 3)
            return false;
        *name = *s;
        s->s += s->n;
        s->n = 0;
        return true;
    }
    for (size_t i = 0; i < s->n; i++)
        if (s->s[i] == '>') {
            *name = (tz_str){s->s + 1, i - 1};
            s->s += i + 1;
            s->n -= i + 1;
            return true;
        }
    return false;
}

static bool tzset_num(tz_str *s, int min, int max, int *num)
{
    if (s->n == 0)
        return false;
    int v = 0;
    for (size_t i = 0; i < s->n; i++) {
        char c = s->s[i];
        if (c < '0' || c > '9') {
            if (i == 0 || v < min)
                return false;
            s->s += i;
            s->n -= i;
            *num = v;
            return true;
        }
        v = v * 10 + (c - '0');
        if (v > max)
            return false;
    }
    if (v < min)
        return false;
    s->s += s->n;
    s->n = 0;
    *num = v;
    return true;
}

static bool tzset_offset(tz_str *s, int *offset)
{
    if (s->n == 0)
        return false;
    bool neg = false;
    if (s->s[0] == '+' || s->s[0] == '-') {
        neg = s->s[0] == '-';
        s->s++;
        s->n--;
    }
    int hours, mins, secs;
    if (!tzset_num(s, 0, 24 * 7, &hours))
        return false;
    int off = hours * SECS_PER_HOUR;
    if (s->n > 0 && s->s[0] == ':') {
        s->s++;
        s->n--;
        if (!tzset_num(s, 0, 59, &mins))
            return false;
        off += mins * 60;
        if (s->n > 0 && s->s[0] == ':') {
            s->s++;
            s->n--;
            if (!tzset_num(s, 0, 59, &secs))
                return false;
            off += secs;
        }
    }
    *offset = neg ? -off : off;
    return true;
}

enum { RULE_JULIAN, RULE_DOY, RULE_MONTH_WEEK_DAY };

typedef struct tz_rule {
    int kind, day, week, mon, time;
} tz_rule;

static bool tzset_rule(tz_str *s, tz_rule *r)
{
    memset(r, 0, sizeof *r);
    if (s->n == 0)
        return false;
    if (s->s[0] == 'J') {
        s->s++;
        s->n--;
        if (!tzset_num(s, 1, 365, &r->day))
            return false;
        r->kind = RULE_JULIAN;
    } else if (s->s[0] == 'M') {
        s->s++;
        s->n--;
        if (!tzset_num(s, 1, 12, &r->mon) || s->n == 0 || s->s[0] != '.')
            return false;
        s->s++;
        s->n--;
        if (!tzset_num(s, 1, 5, &r->week) || s->n == 0 || s->s[0] != '.')
            return false;
        s->s++;
        s->n--;
        if (!tzset_num(s, 0, 6, &r->day))
            return false;
        r->kind = RULE_MONTH_WEEK_DAY;
    } else {
        if (!tzset_num(s, 0, 365, &r->day))
            return false;
        r->kind = RULE_DOY;
    }
    if (s->n == 0 || s->s[0] != '/') {
        r->time = 2 * SECS_PER_HOUR;
        return true;
    }
    s->s++;
    s->n--;
    return tzset_offset(s, &r->time);
}

/* Seconds since the start of `year` at which rule r fires, in UTC. */
static int64_t tzrule_time(int64_t year, const tz_rule *r, int off)
{
    int64_t s = 0;
    switch (r->kind) {
    case RULE_JULIAN:
        s = (int64_t)(r->day - 1) * SECS_PER_DAY;
        if (is_leap(year) && r->day >= 60)
            s += SECS_PER_DAY;
        break;
    case RULE_DOY:
        s = (int64_t)r->day * SECS_PER_DAY;
        break;
    default: {
        /* Zeller's congruence for the weekday of the month's first day */
        int64_t m1 = (r->mon + 9) % 12 + 1;
        int64_t yy0 = year;
        if (r->mon <= 2)
            yy0--;
        int64_t yy1 = yy0 / 100, yy2 = yy0 % 100;
        int64_t dow =
            ((26 * m1 - 2) / 10 + 1 + yy2 + yy2 / 4 + yy1 / 4 - 2 * yy1) % 7;
        if (dow < 0)
            dow += 7;
        int64_t d = r->day - dow;
        if (d < 0)
            d += 7;
        for (int i = 1; i < r->week; i++) {
            if (d + 7 >= days_in(r->mon, year))
                break;
            d += 7;
        }
        d += days_before(r->mon);
        if (is_leap(year) && r->mon > 2)
            d++;
        s = d * SECS_PER_DAY;
        break;
    }
    }
    return s + r->time - off;
}

/* The zone the POSIX TZ string of l gives at `sec`; last_tx is the last
 * transition of the file. The names were copied out of the string when
 * the file was read (l->ext_name: the standard, then the DST one). */
static bool tzset(const rn_tz *l, int64_t last_tx, int64_t sec, rn_tz_info *out)
{
    tz_str s = {l->extend, strlen(l->extend)};
    tz_str name;
    int std_off, dst_off;
    if (!tzset_name(&s, &name) || !tzset_offset(&s, &std_off))
        return false;
    std_off = -std_off;
    if (s.n == 0 || s.s[0] == ',') {
        *out = (rn_tz_info){l->ext_name[0], std_off, last_tx, TZ_OMEGA, false};
        return true;
    }
    if (!tzset_name(&s, &name))
        return false;
    if (s.n == 0 || s.s[0] == ',') {
        dst_off = std_off + SECS_PER_HOUR;
    } else {
        if (!tzset_offset(&s, &dst_off))
            return false;
        dst_off = -dst_off;
    }
    static const char def_rules[] = ",M3.2.0,M11.1.0";
    if (s.n == 0)
        s = (tz_str){def_rules, sizeof def_rules - 1};
    if (s.s[0] != ',' && s.s[0] != ';')
        return false;
    s.s++;
    s.n--;
    tz_rule start_rule, end_rule;
    if (!tzset_rule(&s, &start_rule) || s.n == 0 || s.s[0] != ',')
        return false;
    s.s++;
    s.n--;
    if (!tzset_rule(&s, &end_rule) || s.n > 0)
        return false;

    int64_t year;
    int yday;
    year_yday(sec, &year, &yday);
    /* Go's % truncates, as C's does */
    int64_t ysec = (int64_t)(yday - 1) * SECS_PER_DAY + sec % SECS_PER_DAY;
    int64_t ystart = sec - ysec;
    int64_t start_sec = tzrule_time(year, &start_rule, std_off);
    int64_t end_sec = tzrule_time(year, &end_rule, dst_off);
    int std_i = 0, dst_i = 1;
    if (end_sec < start_sec) { /* southern hemisphere: swap the roles */
        int64_t t = start_sec;
        start_sec = end_sec;
        end_sec = t;
        int o = std_off;
        std_off = dst_off;
        dst_off = o;
        std_i = 1;
        dst_i = 0;
    }
    if (ysec < start_sec)
        *out = (rn_tz_info){l->ext_name[std_i], std_off, ystart,
                            start_sec + ystart, std_i == 1};
    else if (ysec >= end_sec)
        *out = (rn_tz_info){l->ext_name[std_i], std_off, end_sec + ystart,
                            ystart + 365 * SECS_PER_DAY, std_i == 1};
    else
        *out = (rn_tz_info){l->ext_name[dst_i], dst_off, start_sec + ystart,
                            end_sec + ystart, dst_i == 1};
    return true;
}

/* The names of a footer, NUL-terminated in the arena. */
static void ext_names(rn_arena *a, rn_tz *l)
{
    tz_str s = {l->extend, strlen(l->extend)}, n;
    int off;
    l->ext_name[0] = l->ext_name[1] = "";
    if (!tzset_name(&s, &n))
        return;
    l->ext_name[0] = rn_arena_strndup(a, n.s, n.n);
    if (!tzset_offset(&s, &off) || s.n == 0 || s.s[0] == ',' ||
        !tzset_name(&s, &n))
        return;
    l->ext_name[1] = rn_arena_strndup(a, n.s, n.n);
}

/* --- lookups --- */

static size_t lookup_first_zone(const rn_tz *l)
{
    bool used = false;
    for (size_t i = 0; i < l->ntx && !used; i++)
        used = l->tx[i].index == 0;
    if (!used)
        return 0;
    if (l->ntx > 0 && l->zone[l->tx[0].index].is_dst)
        for (int zi = (int)l->tx[0].index - 1; zi >= 0; zi--)
            if (!l->zone[zi].is_dst)
                return (size_t)zi;
    for (size_t zi = 0; zi < l->nzone; zi++)
        if (!l->zone[zi].is_dst)
            return zi;
    return 0;
}

rn_tz_info rn_tz_lookup(const rn_tz *l, int64_t sec)
{
    if (!l)
        l = &rn_tz_utc;
    if (l->nzone == 0)
        return (rn_tz_info){"UTC", 0, TZ_ALPHA, TZ_OMEGA, false};
    if (l->ntx == 0 || sec < l->tx[0].when) {
        const rn_tz_zone *z = &l->zone[lookup_first_zone(l)];
        return (rn_tz_info){z->name, z->offset, TZ_ALPHA,
                            l->ntx > 0 ? l->tx[0].when : TZ_OMEGA, z->is_dst};
    }
    int64_t end = TZ_OMEGA;
    size_t lo = 0, hi = l->ntx;
    while (hi - lo > 1) {
        size_t m = (lo + hi) / 2;
        if (sec < l->tx[m].when) {
            end = l->tx[m].when;
            hi = m;
        } else {
            lo = m;
        }
    }
    const rn_tz_zone *z = &l->zone[l->tx[lo].index];
    rn_tz_info r = {z->name, z->offset, l->tx[lo].when, end, z->is_dst};
    rn_tz_info e;
    if (lo == l->ntx - 1 && l->extend[0] && tzset(l, r.start, sec, &e))
        return e;
    return r;
}

bool rn_tz_lookup_name(const rn_tz *l, const char *name, int64_t unix,
                       int32_t *offset)
{
    if (!l)
        l = &rn_tz_utc;
    for (size_t i = 0; i < l->nzone; i++) {
        const rn_tz_zone *z = &l->zone[i];
        if (!strcmp(z->name, name)) {
            rn_tz_info r = rn_tz_lookup(l, unix - z->offset);
            if (!strcmp(r.name, z->name)) {
                *offset = r.offset;
                return true;
            }
        }
    }
    for (size_t i = 0; i < l->nzone; i++)
        if (!strcmp(l->zone[i].name, name)) {
            *offset = l->zone[i].offset;
            return true;
        }
    return false;
}

const rn_tz *rn_tz_fixed(rn_arena *a, const char *name, int32_t offset)
{
    rn_tz *l = rn_arena_alloc(a, sizeof *l);
    l->name = rn_arena_strdup(a, name);
    l->zone = rn_arena_alloc(a, sizeof *l->zone);
    l->zone[0] = (rn_tz_zone){l->name, offset, false};
    l->nzone = 1;
    l->tx = rn_arena_alloc(a, sizeof *l->tx);
    l->tx[0] = (rn_tz_trans){TZ_ALPHA, 0};
    l->ntx = 1;
    l->extend = "";
    l->ext_name[0] = l->ext_name[1] = "";
    return l;
}

/* --- TZif (Go's LoadLocationFromTZData) --- */

typedef struct dataio {
    const unsigned char *p;
    size_t n;
    bool error;
} dataio;

static const unsigned char *dread(dataio *d, size_t n)
{
    if (d->n < n) {
        d->p = NULL;
        d->n = 0;
        d->error = true;
        return NULL;
    }
    const unsigned char *p = d->p;
    d->p += n;
    d->n -= n;
    return p;
}

static bool big4(dataio *d, uint32_t *v)
{
    const unsigned char *p = dread(d, 4);
    if (!p)
        return false;
    *v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
    return true;
}

static const char err_bad_data[] = "malformed time zone information";

const rn_tz *rn_tz_from_data(rn_arena *a, const char *name,
                             const unsigned char *data, size_t len,
                             const char **err)
{
    dataio d = {data, len, false};
    const unsigned char *p = dread(&d, 4);
    *err = err_bad_data;
    if (!p || memcmp(p, "TZif", 4))
        return NULL;
    if (!(p = dread(&d, 16)))
        return NULL;
    int version = p[0] == 0 ? 1 : p[0] == '2' ? 2 : p[0] == '3' ? 3 : 0;
    if (!version)
        return NULL;
    enum { N_UTC_LOCAL, N_STD_WALL, N_LEAP, N_TIME, N_ZONE, N_CHAR };
    size_t n[6];
    for (int i = 0; i < 6; i++) {
        uint32_t v;
        if (!big4(&d, &v) || v > INT32_MAX)
            return NULL;
        n[i] = v;
    }
    bool is64 = false;
    if (version > 1) {
        /* skip the 32-bit data to the second header */
        size_t skip = n[N_TIME] * 4 + n[N_TIME] + n[N_ZONE] * 6 + n[N_CHAR] +
                      n[N_LEAP] * 8 + n[N_STD_WALL] + n[N_UTC_LOCAL] + 4 + 16;
        dread(&d, skip);
        is64 = true;
        for (int i = 0; i < 6; i++) {
            uint32_t v;
            if (!big4(&d, &v) || v > INT32_MAX)
                return NULL;
            n[i] = v;
        }
    }
    size_t size = is64 ? 8 : 4;
    const unsigned char *txtimes = dread(&d, n[N_TIME] * size);
    const unsigned char *txzones = dread(&d, n[N_TIME]);
    const unsigned char *zonedata = dread(&d, n[N_ZONE] * 6);
    const unsigned char *abbrev = dread(&d, n[N_CHAR]);
    dread(&d, n[N_LEAP] * (size + 4));
    dread(&d, n[N_STD_WALL]);
    dread(&d, n[N_UTC_LOCAL]);
    if (d.error)
        return NULL;
    rn_tz *l = rn_arena_alloc(a, sizeof *l);
    l->name = rn_arena_strdup(a, name);
    l->extend = "";
    if (d.n > 2 && d.p[0] == '\n' && d.p[d.n - 1] == '\n')
        l->extend = rn_arena_strndup(a, (const char *)d.p + 1, d.n - 2);
    size_t nzone = n[N_ZONE];
    if (nzone == 0)
        return NULL;
    l->zone = rn_arena_alloc(a, sizeof *l->zone * nzone);
    l->nzone = nzone;
    for (size_t i = 0; i < nzone; i++) {
        const unsigned char *z = zonedata + i * 6;
        uint32_t off = (uint32_t)z[0] << 24 | (uint32_t)z[1] << 16 |
                       (uint32_t)z[2] << 8 | z[3];
        l->zone[i].offset = (int32_t)off;
        l->zone[i].is_dst = z[4] != 0;
        if (z[5] >= n[N_CHAR])
            return NULL;
        l->zone[i].name = rn_arena_strndup(
            a, (const char *)abbrev + z[5],
            strnlen((const char *)abbrev + z[5], n[N_CHAR] - z[5]));
    }
    size_t ntx = n[N_TIME];
    l->tx = rn_arena_alloc(a, sizeof *l->tx * (ntx ? ntx : 1));
    for (size_t i = 0; i < ntx; i++) {
        const unsigned char *t = txtimes + i * size;
        uint64_t v = 0;
        for (size_t k = 0; k < size; k++)
            v = v << 8 | t[k];
        l->tx[i].when = is64 ? (int64_t)v : (int64_t)(int32_t)(uint32_t)v;
        if (txzones[i] >= nzone)
            return NULL;
        l->tx[i].index = txzones[i];
    }
    if (ntx == 0) {
        l->tx[0] = (rn_tz_trans){TZ_ALPHA, 0};
        ntx = 1;
    }
    l->ntx = ntx;
    ext_names(a, l);
    *err = NULL;
    return l;
}

/* --- reading zone files (through the host) --- */

/* Go's syscall.Errno text: strerror without the capital. */
static const char *errno_text(rn_arena *a, int e)
{
    char *s = rn_arena_strdup(a, strerror(e));
    if (s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z'))
        s[0] = (char)(s[0] - 'A' + 'a');
    return s;
}

/* Go's readFile, by the host: 0, ENOENT, or -1 with *err. The bytes are
 * copied into the arena. */
static int read_file(rn_arena *a, const rn_host *h, const char *path,
                     size_t max, unsigned char **data, size_t *len,
                     const char **err)
{
    if (!h || !h->read_file)
        return ENOENT; /* a hermetic render has no files */
    unsigned char *buf = NULL;
    size_t n = 0;
    int rc = h->read_file(h->read_arg, path, max, &buf, &n);
    if (rc == EFBIG) {
        *err = rn_arena_printf(a, "time: file %s is too large", path);
        return -1;
    }
    if (rc == ENOENT)
        return ENOENT;
    if (rc != 0) {
        *err = errno_text(a, rc);
        return -1;
    }
    *data = rn_arena_alloc(a, n ? n : 1);
    memcpy(*data, buf, n);
    *len = n;
    free(buf);
    return 0;
}

static unsigned get2(const unsigned char *b)
{
    return b[0] | (unsigned)b[1] << 8;
}

static uint32_t get4(const unsigned char *b)
{
    return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}

/* Go's loadTzinfoFromZip over the whole archive: stored members only. */
static int read_zip(rn_arena *a, const rn_host *h, const char *zip,
                    const char *name, unsigned char **data, size_t *len,
                    const char **err)
{
    unsigned char *z;
    size_t zn;
    int rc = read_file(a, h, zip, (size_t)1 << 30, &z, &zn, err);
    if (rc != 0)
        return rc;
    const char *corrupt = rn_arena_printf(a, "corrupt zip file %s", zip);
    *err = corrupt;
    if (zn < 22 || get4(z + zn - 22) != 0x06054b50)
        return -1;
    const unsigned char *tail = z + zn - 22;
    unsigned count = get2(tail + 10);
    uint32_t size = get4(tail + 12), off = get4(tail + 16);
    if ((uint64_t)off + size > zn)
        return -1;
    const unsigned char *b = z + off, *end = z + off + size;
    size_t nl0 = strlen(name);
    for (unsigned i = 0; i < count; i++) {
        if (end - b < 46 || get4(b) != 0x02014b50)
            break;
        unsigned meth = get2(b + 10);
        uint32_t msize = get4(b + 24);
        unsigned nl = get2(b + 28), xl = get2(b + 30), fcl = get2(b + 32);
        uint32_t moff = get4(b + 42);
        if ((size_t)(end - b) < 46 + (size_t)nl + xl + fcl)
            break;
        bool match = nl == nl0 && !memcmp(b + 46, name, nl);
        b += 46 + nl + xl + fcl;
        if (!match)
            continue;
        if (meth != 0) {
            *err = rn_arena_printf(a, "unsupported compression for %s in %s",
                                   name, zip);
            return -1;
        }
        const unsigned char *lh = z + moff;
        if ((uint64_t)moff + 30 + nl > zn || get4(lh) != 0x04034b50 ||
            get2(lh + 8) != meth || get2(lh + 26) != nl ||
            memcmp(lh + 30, name, nl))
            return -1;
        uint64_t start = (uint64_t)moff + 30 + nl + get2(lh + 28);
        if (start + msize > zn)
            return -1;
        *data = z + start;
        *len = msize;
        return 0;
    }
    return ENOENT;
}

/* Go's loadTzinfoFromDirOrZip: 0, ENOENT, or -1 with *err. */
static int read_tzinfo(rn_arena *a, const rn_host *h, const char *dir,
                       const char *name, unsigned char **data, size_t *len,
                       const char **err)
{
    size_t dn = strlen(dir);
    if (dn > 4 && !strcmp(dir + dn - 4, ".zip"))
        return read_zip(a, h, dir, name, data, len, err);
    const char *path = dn ? rn_arena_printf(a, "%s/%s", dir, name) : name;
    return read_file(a, h, path, MAX_FILE_SIZE, data, len, err);
}

/* Go's loadLocation over a list of sources. */
static const rn_tz *load_from(rn_arena *a, const rn_host *h, const char *name,
                              const char *const *sources, size_t nsources,
                              const char **err)
{
    const char *first = NULL;
    for (size_t i = 0; i < nsources; i++) {
        unsigned char *data;
        size_t len;
        const char *e = NULL;
        int rc = read_tzinfo(a, h, sources[i], name, &data, &len, &e);
        if (rc == 0) {
            const rn_tz *l = rn_tz_from_data(a, name, data, len, &e);
            if (l)
                return l;
            rc = -1; /* a malformed file: its error counts */
        }
        if (!first && rc != ENOENT)
            first = e;
    }
    *err = first ? first : rn_arena_printf(a, "unknown time zone %s", name);
    return NULL;
}

#define NSOURCES (sizeof zone_sources / sizeof *zone_sources)

const rn_tz *rn_tz_load(rn_arena *a, const char *name, const rn_host *h,
                        const char **err)
{
    if (!*name || !strcmp(name, "UTC"))
        return &rn_tz_utc;
    if (strstr(name, "..") || name[0] == '/' || name[0] == '\\') {
        *err = "time: invalid location name";
        return NULL;
    }
    const char *first = NULL;
    if (h && h->zoneinfo && *h->zoneinfo) {
        unsigned char *data;
        size_t len;
        const char *e = NULL;
        int rc = read_tzinfo(a, h, h->zoneinfo, name, &data, &len, &e);
        if (rc == 0) {
            const rn_tz *l = rn_tz_from_data(a, name, data, len, &e);
            if (l)
                return l;
            first = e;
        } else if (rc != ENOENT) {
            first = e;
        }
    }
    const rn_tz *l = load_from(a, h, name, zone_sources, NSOURCES, err);
    if (!l && first)
        *err = first;
    return l;
}

static const rn_tz *renamed(rn_arena *a, const rn_tz *l, const char *name)
{
    rn_tz *c = rn_arena_alloc(a, sizeof *c);
    *c = *l;
    c->name = rn_arena_strdup(a, name);
    return c;
}

const rn_tz *rn_tz_local(rn_arena *a, const rn_host *h)
{
    const char *err;
    const rn_tz *l;
    if (!h)
        return &rn_tz_utc;
    const char *tz = h->tz;
    if (!h->tz_set) {
        static const char *const etc[] = {"/etc"};
        if ((l = load_from(a, h, "localtime", etc, 1, &err)))
            return renamed(a, l, "Local");
    } else if (tz && *tz) {
        if (tz[0] == ':')
            tz++;
        if (tz[0] == '/') {
            static const char *const root[] = {""};
            if ((l = load_from(a, h, tz, root, 1, &err)))
                return renamed(a, l,
                               strcmp(tz, "/etc/localtime") ? tz : "Local");
        } else if (*tz && strcmp(tz, "UTC")) {
            if ((l = load_from(a, h, tz, zone_sources, NSOURCES, &err)))
                return l;
        }
    }
    return &rn_tz_utc;
}
