/*
 * funcs_time.c — Sprig's date and duration functions: toDate, mustToDate,
 * date, dateInZone, htmlDate, htmlDateInZone, dateModify, mustDateModify,
 * unixEpoch, duration, durationRound, now and ago, with Go's time.Format,
 * time.Parse(InLocation), time.ParseDuration, Duration.String and time
 * zones (tz.c: the system's zoneinfo files, TZif with its POSIX footer).
 *
 * A time.Time is an object (see funcs_int.h) with the methods templates
 * use (.Year, .Format "…", .Unix, .UTC, .In, .AddDate …) and prints as
 * Go's Time.String. A time carries its *Location and, when it came from
 * the clock, Go's monotonic reading ("m=+0.001"). Render state is no
 * global and no I/O: the clock, the TZ value behind time.Local and the
 * zone files come from the execution's host (host.h; none: `now` and the
 * functions that would read the clock fail, Local is UTC and so is every
 * zone Sprig cannot load), and the zones a render loads are kept in its
 * execution (tmpl_ctx_cache).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "funcs_int.h"
#include "host.h"
#include "tz.h"

#define NS_PER_SEC 1000000000LL

/* Go's time.Time: an instant, the zone it is shown in, and the monotonic
 * clock reading a time from time.Now carries until In, UTC, Local,
 * AddDate, Round or Truncate drop it. */
typedef struct gtime {
    int64_t sec;      /* seconds since the Unix epoch */
    int32_t nsec;     /* 0 .. 999999999 */
    const rn_tz *loc; /* NULL: UTC */
    bool has_mono;    /* mono is set */
    int64_t mono;     /* nanoseconds since the process started */
} gtime;

/* Go's zero Time: January 1, year 1, 00:00:00 UTC. */
static const gtime zero_time = {-62135596800LL, 0, NULL, false, 0};

static const char *const long_months[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
static const char *const long_days[] = {"Sunday",    "Monday",   "Tuesday",
                                        "Wednesday", "Thursday", "Friday",
                                        "Saturday"};

/* --- the civil calendar (proleptic Gregorian, as Go's) --- */

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

typedef struct civil {
    int64_t year;
    int month, day, hour, min, sec, yday, wday;
} civil;

static bool is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in(int month, int64_t year)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : n[month - 1];
}

/* The zone t is shown in at its instant. */
static rn_tz_info zone_of(const gtime *t)
{
    return rn_tz_lookup(t->loc, t->sec);
}

/* The wall clock of t in its own zone. */
static civil civil_of(const gtime *t)
{
    int64_t local = t->sec + zone_of(t).offset;
    int64_t days = floor_div(local, 86400);
    int64_t secs = local - days * 86400;
    civil c;
    rn_civil_from_days(days, &c.year, &c.month, &c.day);
    c.hour = (int)(secs / 3600);
    c.min = (int)(secs / 60 % 60);
    c.sec = (int)(secs % 60);
    c.yday = (int)(days - rn_days_from_civil(c.year, 1, 1)) + 1;
    c.wday = (int)(((days + 4) % 7 + 7) % 7);
    return c;
}

/* Go's setLoc: UTC is kept as nil; the monotonic reading goes. */
static gtime set_loc(gtime t, const rn_tz *loc)
{
    t.loc = loc == &rn_tz_utc ? NULL : loc;
    t.has_mono = false;
    return t;
}

/* time.Date: out-of-range fields carry over, and a wall clock that a zone
 * transition skips or repeats resolves as Go resolves it. */
static gtime make_time(int64_t year, int64_t month, int64_t day, int64_t hour,
                       int64_t min, int64_t sec, int64_t nsec, const rn_tz *loc)
{
    int64_t m = month - 1;
    year += floor_div(m, 12);
    m -= floor_div(m, 12) * 12;
    sec += floor_div(nsec, NS_PER_SEC);
    nsec -= floor_div(nsec, NS_PER_SEC) * NS_PER_SEC;
    int64_t days = rn_days_from_civil(year, (int)m + 1, 1) + day - 1;
    int64_t unix = days * 86400 + hour * 3600 + min * 60 + sec;
    rn_tz_info z = rn_tz_lookup(loc, unix);
    if (z.offset != 0) {
        int64_t utc = unix - z.offset;
        if (utc < z.start || utc >= z.end)
            z = rn_tz_lookup(loc, utc);
        unix -= z.offset;
    }
    gtime t = {unix, (int32_t)nsec, NULL, false, 0};
    return set_loc(t, loc);
}

/* --- layouts (time/format.go) --- */

enum {
    STD_NONE,
    STD_LONG_MONTH,
    STD_MONTH,
    STD_NUM_MONTH,
    STD_ZERO_MONTH,
    STD_LONG_WEEKDAY,
    STD_WEEKDAY,
    STD_DAY,
    STD_UNDER_DAY,
    STD_ZERO_DAY,
    STD_UNDER_YEARDAY,
    STD_ZERO_YEARDAY,
    STD_HOUR,
    STD_HOUR12,
    STD_ZERO_HOUR12,
    STD_MINUTE,
    STD_ZERO_MINUTE,
    STD_SECOND,
    STD_ZERO_SECOND,
    STD_LONG_YEAR,
    STD_YEAR,
    STD_PM,
    STD_pm,
    STD_TZ,
    STD_ISO_TZ,           /* Z0700 */
    STD_ISO_SECONDS_TZ,   /* Z070000 */
    STD_ISO_SHORT_TZ,     /* Z07 */
    STD_ISO_COLON_TZ,     /* Z07:00 */
    STD_ISO_COLON_SEC_TZ, /* Z07:00:00 */
    STD_NUM_TZ,           /* -0700 */
    STD_NUM_SECONDS_TZ,   /* -070000 */
    STD_NUM_SHORT_TZ,     /* -07 */
    STD_NUM_COLON_TZ,     /* -07:00 */
    STD_NUM_COLON_SEC_TZ, /* -07:00:00 */
    STD_FRAC0,            /* .000 */
    STD_FRAC9,            /* .999 */
};

/* One layout element: literal text before it, its code, and for the
 * fractional seconds the digit count and separator. */
typedef struct chunk {
    size_t prefix; /* bytes of literal text */
    int std;       /* STD_NONE at the end */
    size_t len;    /* bytes of the element itself */
    int digits;    /* STD_FRAC*: number of digits */
    char sep;      /* STD_FRAC*: '.' or ',' */
} chunk;

static bool has(const char *s, size_t n, size_t i, const char *w)
{
    size_t k = strlen(w);
    return n >= i + k && memcmp(s + i, w, k) == 0;
}

static bool digit_at(const char *s, size_t n, size_t i)
{
    return i < n && s[i] >= '0' && s[i] <= '9';
}

static chunk found(size_t i, int std, size_t len)
{
    return (chunk){i, std, len, 0, '.'};
}

/* Go's nextStdChunk. */
static chunk next_chunk(const char *l, size_t n)
{
    static const int std0x[] = {STD_ZERO_MONTH,  STD_ZERO_DAY,
                                STD_ZERO_HOUR12, STD_ZERO_MINUTE,
                                STD_ZERO_SECOND, STD_YEAR};
    for (size_t i = 0; i < n; i++) {
        switch (l[i]) {
        case 'J':
            if (has(l, n, i, "January"))
                return found(i, STD_LONG_MONTH, 7);
            if (has(l, n, i, "Jan") &&
                !(i + 3 < n && l[i + 3] >= 'a' && l[i + 3] <= 'z'))
                return found(i, STD_MONTH, 3);
            break;
        case 'M':
            if (has(l, n, i, "Monday"))
                return found(i, STD_LONG_WEEKDAY, 6);
            if (has(l, n, i, "Mon") &&
                !(i + 3 < n && l[i + 3] >= 'a' && l[i + 3] <= 'z'))
                return found(i, STD_WEEKDAY, 3);
            if (has(l, n, i, "MST"))
                return found(i, STD_TZ, 3);
            break;
        case '0':
            if (i + 1 < n && l[i + 1] >= '1' && l[i + 1] <= '6')
                return found(i, std0x[l[i + 1] - '1'], 2);
            if (has(l, n, i, "002"))
                return found(i, STD_ZERO_YEARDAY, 3);
            break;
        case '1':
            if (has(l, n, i, "15"))
                return found(i, STD_HOUR, 2);
            return found(i, STD_NUM_MONTH, 1);
        case '2':
            if (has(l, n, i, "2006"))
                return found(i, STD_LONG_YEAR, 4);
            return found(i, STD_DAY, 1);
        case '_':
            if (i + 1 < n && l[i + 1] == '2') {
                if (has(l, n, i + 1, "2006")) /* a literal _ then 2006 */
                    return found(i + 1, STD_LONG_YEAR, 4);
                return found(i, STD_UNDER_DAY, 2);
            }
            if (has(l, n, i, "__2"))
                return found(i, STD_UNDER_YEARDAY, 3);
            break;
        case '3':
            return found(i, STD_HOUR12, 1);
        case '4':
            return found(i, STD_MINUTE, 1);
        case '5':
            return found(i, STD_SECOND, 1);
        case 'P':
            if (has(l, n, i, "PM"))
                return found(i, STD_PM, 2);
            break;
        case 'p':
            if (has(l, n, i, "pm"))
                return found(i, STD_pm, 2);
            break;
        case '-':
            if (has(l, n, i, "-070000"))
                return found(i, STD_NUM_SECONDS_TZ, 7);
            if (has(l, n, i, "-07:00:00"))
                return found(i, STD_NUM_COLON_SEC_TZ, 9);
            if (has(l, n, i, "-0700"))
                return found(i, STD_NUM_TZ, 5);
            if (has(l, n, i, "-07:00"))
                return found(i, STD_NUM_COLON_TZ, 6);
            if (has(l, n, i, "-07"))
                return found(i, STD_NUM_SHORT_TZ, 3);
            break;
        case 'Z':
            if (has(l, n, i, "Z070000"))
                return found(i, STD_ISO_SECONDS_TZ, 7);
            if (has(l, n, i, "Z07:00:00"))
                return found(i, STD_ISO_COLON_SEC_TZ, 9);
            if (has(l, n, i, "Z0700"))
                return found(i, STD_ISO_TZ, 5);
            if (has(l, n, i, "Z07:00"))
                return found(i, STD_ISO_COLON_TZ, 6);
            if (has(l, n, i, "Z07"))
                return found(i, STD_ISO_SHORT_TZ, 3);
            break;
        case '.':
        case ',':
            if (i + 1 < n && (l[i + 1] == '0' || l[i + 1] == '9')) {
                char ch = l[i + 1];
                size_t j = i + 1;
                while (j < n && l[j] == ch)
                    j++;
                if (!digit_at(l, n, j)) {
                    chunk c =
                        found(i, ch == '0' ? STD_FRAC0 : STD_FRAC9, j - i);
                    c.digits = (int)((j - (i + 1)) & 0xfff);
                    c.sep = l[i];
                    return c;
                }
            }
            break;
        }
    }
    return found(n, STD_NONE, 0);
}

/* Go's appendInt: zero-padded to width, with a leading '-'. */
static void put_int(rn_buf *b, int64_t x, int width)
{
    char tmp[32];
    int n;
    if (x < 0)
        n = snprintf(tmp, sizeof tmp, "-%0*llu", width,
                     (unsigned long long)(-(uint64_t)x));
    else
        n = snprintf(tmp, sizeof tmp, "%0*llu", width, (unsigned long long)x);
    rn_buf_append(b, tmp, (size_t)n);
}

static void put_nano(rn_buf *b, int nsec, const chunk *c)
{
    bool trim = c->std == STD_FRAC9;
    if (trim && (c->digits == 0 || nsec == 0))
        return;
    char d[16];
    snprintf(d, sizeof d, "%09d", nsec);
    int n = c->digits < 9 ? c->digits : 9;
    if (trim)
        while (n > 0 && d[n - 1] == '0')
            n--;
    if (trim && n == 0)
        return;
    rn_buf_putc(b, c->sep);
    rn_buf_append(b, d, (size_t)n);
    /* Go pads beyond nine digits with nothing: appendInt wrote nine */
}

static void put_zone(rn_buf *b, int std, int32_t offset)
{
    bool iso = std >= STD_ISO_TZ && std <= STD_ISO_COLON_SEC_TZ;
    if (offset == 0 && iso) {
        rn_buf_putc(b, 'Z');
        return;
    }
    int32_t zone = offset / 60, abs_off = offset;
    if (zone < 0) {
        rn_buf_putc(b, '-');
        zone = -zone;
        abs_off = -abs_off;
    } else {
        rn_buf_putc(b, '+');
    }
    put_int(b, zone / 60, 2);
    bool colon = std == STD_ISO_COLON_TZ || std == STD_NUM_COLON_TZ ||
                 std == STD_ISO_COLON_SEC_TZ || std == STD_NUM_COLON_SEC_TZ;
    if (colon)
        rn_buf_putc(b, ':');
    if (std != STD_NUM_SHORT_TZ && std != STD_ISO_SHORT_TZ)
        put_int(b, zone % 60, 2);
    if (std == STD_ISO_SECONDS_TZ || std == STD_NUM_SECONDS_TZ ||
        std == STD_NUM_COLON_SEC_TZ || std == STD_ISO_COLON_SEC_TZ) {
        if (colon)
            rn_buf_putc(b, ':');
        put_int(b, abs_off % 60, 2);
    }
}

static void put_hour12(rn_buf *b, int hour, int width)
{
    int hr = hour % 12;
    put_int(b, hr == 0 ? 12 : hr, width);
}

static void format_elem(rn_buf *b, const gtime *t, const civil *c,
                        const rn_tz_info *z, const chunk *ch)
{
    switch (ch->std) {
    case STD_YEAR:
        put_int(b, (c->year < 0 ? -c->year : c->year) % 100, 2);
        break;
    case STD_LONG_YEAR:
        put_int(b, c->year, 4);
        break;
    case STD_MONTH:
        rn_buf_append(b, long_months[c->month - 1], 3);
        break;
    case STD_LONG_MONTH:
        rn_buf_puts(b, long_months[c->month - 1]);
        break;
    case STD_NUM_MONTH:
    case STD_ZERO_MONTH:
        put_int(b, c->month, ch->std == STD_ZERO_MONTH ? 2 : 0);
        break;
    case STD_WEEKDAY:
        rn_buf_append(b, long_days[c->wday], 3);
        break;
    case STD_LONG_WEEKDAY:
        rn_buf_puts(b, long_days[c->wday]);
        break;
    case STD_DAY:
    case STD_ZERO_DAY:
        put_int(b, c->day, ch->std == STD_ZERO_DAY ? 2 : 0);
        break;
    case STD_UNDER_DAY:
        if (c->day < 10)
            rn_buf_putc(b, ' ');
        put_int(b, c->day, 0);
        break;
    case STD_UNDER_YEARDAY:
        if (c->yday < 100)
            rn_buf_puts(b, c->yday < 10 ? "  " : " ");
        put_int(b, c->yday, 0);
        break;
    case STD_ZERO_YEARDAY:
        put_int(b, c->yday, 3);
        break;
    case STD_HOUR:
        put_int(b, c->hour, 2);
        break;
    case STD_HOUR12:
    case STD_ZERO_HOUR12:
        put_hour12(b, c->hour, ch->std == STD_ZERO_HOUR12 ? 2 : 0);
        break;
    case STD_MINUTE:
    case STD_ZERO_MINUTE:
        put_int(b, c->min, ch->std == STD_ZERO_MINUTE ? 2 : 0);
        break;
    case STD_SECOND:
    case STD_ZERO_SECOND:
        put_int(b, c->sec, ch->std == STD_ZERO_SECOND ? 2 : 0);
        break;
    case STD_PM:
        rn_buf_puts(b, c->hour >= 12 ? "PM" : "AM");
        break;
    case STD_pm:
        rn_buf_puts(b, c->hour >= 12 ? "pm" : "am");
        break;
    case STD_TZ:
        if (z->name[0]) {
            rn_buf_puts(b, z->name);
        } else { /* a nameless zone prints as -0700 */
            int32_t m = z->offset / 60;
            rn_buf_putc(b, m < 0 ? '-' : '+');
            m = m < 0 ? -m : m;
            put_int(b, m / 60, 2);
            put_int(b, m % 60, 2);
        }
        break;
    case STD_FRAC0:
    case STD_FRAC9:
        put_nano(b, t->nsec, ch);
        break;
    default:
        put_zone(b, ch->std, z->offset);
        break;
    }
}

/* Go's Time.Format. */
static void time_format(rn_buf *b, const gtime *t, const char *l, size_t n)
{
    civil c = civil_of(t);
    rn_tz_info z = zone_of(t);
    while (n > 0) {
        chunk ch = next_chunk(l, n);
        rn_buf_append(b, l, ch.prefix);
        if (ch.std == STD_NONE)
            break;
        format_elem(b, t, &c, &z, &ch);
        l += ch.prefix + ch.len;
        n -= ch.prefix + ch.len;
    }
}

/* --- parsing (time.Parse) --- */

/* Go's time.quote: ASCII as is (with \" and \\), other bytes as \xNN. */
static void go_quote(rn_buf *b, const char *s, size_t n)
{
    rn_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || c < ' ') {
            rn_buf_printf(b, "\\x%02x", c);
            continue;
        }
        if (c == '"' || c == '\\')
            rn_buf_putc(b, '\\');
        rn_buf_putc(b, (char)c);
    }
    rn_buf_putc(b, '"');
}

typedef struct pstate {
    const char *v; /* the rest of the value */
    size_t n;
} pstate;

static void adv(pstate *p, size_t k)
{
    p->v += k;
    p->n -= k;
}

/* getnum: one or two digits (fixed: exactly two). */
static bool getnum(pstate *p, bool fixed, int64_t *out)
{
    if (!digit_at(p->v, p->n, 0))
        return false;
    if (!digit_at(p->v, p->n, 1)) {
        if (fixed)
            return false;
        *out = p->v[0] - '0';
        adv(p, 1);
        return true;
    }
    *out = (p->v[0] - '0') * 10 + (p->v[1] - '0');
    adv(p, 2);
    return true;
}

static bool getnum3(pstate *p, bool fixed, int64_t *out)
{
    int i = 0;
    int64_t x = 0;
    for (; i < 3 && digit_at(p->v, p->n, (size_t)i); i++)
        x = x * 10 + (p->v[i] - '0');
    if (i == 0 || (fixed && i != 3))
        return false;
    *out = x;
    adv(p, (size_t)i);
    return true;
}

/* Case-insensitive (ASCII letters only) table lookup. */
static bool lookup(pstate *p, const char *const *tab, int ntab, size_t len,
                   int *out)
{
    for (int i = 0; i < ntab; i++) {
        size_t k = len ? len : strlen(tab[i]);
        if (p->n < k)
            continue;
        bool ok = true;
        for (size_t j = 0; j < k && ok; j++) {
            unsigned char c1 = (unsigned char)p->v[j],
                          c2 = (unsigned char)tab[i][j];
            if (c1 != c2) {
                c1 |= 0x20;
                c2 |= 0x20;
                ok = c1 == c2 && c1 >= 'a' && c1 <= 'z';
            }
        }
        if (ok) {
            *out = i;
            adv(p, k);
            return true;
        }
    }
    return false;
}

/* Go's atoi on a whole string (optional sign, digits only). */
static bool go_atoi(const char *s, size_t n, int64_t *out)
{
    bool neg = false;
    if (n > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s++;
        n--;
    }
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        if (x > (1ULL << 63) / 10)
            return false;
        x = x * 10 + (uint64_t)(s[i] - '0');
        if (x > (1ULL << 63))
            return false;
    }
    *out = neg ? -(int64_t)x : (int64_t)x;
    return true;
}

/* parseNanoseconds: value[0] is the separator, value[1..nbytes) digits. */
static bool parse_nanos(const char *v, size_t nbytes, int64_t *ns,
                        const char **range_err)
{
    if (v[0] != '.' && v[0] != ',')
        return false;
    if (nbytes > 10)
        nbytes = 10;
    if (!go_atoi(v + 1, nbytes - 1, ns))
        return false;
    if (*ns < 0) {
        *range_err = "fractional second";
        return true;
    }
    for (size_t i = 0; i < 10 - nbytes; i++)
        *ns *= 10;
    return true;
}

/* parseSignedOffset: "+3", "-07"; 0 when bad. */
static size_t signed_offset(const char *v, size_t n)
{
    if (n == 0 || (v[0] != '-' && v[0] != '+'))
        return 0;
    size_t i = 1;
    uint64_t x = 0;
    while (i < n && v[i] >= '0' && v[i] <= '9') {
        if (x > (1ULL << 63) / 10)
            return 0;
        x = x * 10 + (uint64_t)(v[i] - '0');
        i++;
    }
    if (i == 1 || x > 23)
        return 0;
    return i;
}

/* parseTimeZone: the length of a zone abbreviation at v, or 0. */
static size_t zone_len(const char *v, size_t n)
{
    if (n < 3)
        return 0;
    if (n >= 4 && (!memcmp(v, "ChST", 4) || !memcmp(v, "MeST", 4)))
        return 4;
    if (!memcmp(v, "GMT", 3))
        return 3 + (n > 3 ? signed_offset(v + 3, n - 3) : 0);
    if (v[0] == '+' || v[0] == '-')
        return signed_offset(v, n);
    size_t up = 0;
    while (up < 6 && up < n && v[up] >= 'A' && v[up] <= 'Z')
        up++;
    switch (up) {
    case 5:
        return v[4] == 'T' ? 5 : 0;
    case 4:
        return v[3] == 'T' || !memcmp(v, "WITA", 4) ? 4 : 0;
    case 3:
        return 3;
    }
    return 0;
}

/* The fields time.Parse collects. */
typedef struct pfields {
    int64_t year, month, day, yday, hour, min, sec, nsec;
    bool am, pm, utc;
    int64_t zone_off; /* -1: none */
    const char *zone_name;
    size_t zone_name_len;
} pfields;

/* A numeric zone offset ("-07:00" & co.). */
static bool parse_offset(pstate *p, int std, pfields *f, const char **range_err)
{
    char sign;
    char hh[2], mm[2] = {'0', '0'}, ss[2] = {'0', '0'};
    if (std == STD_ISO_COLON_TZ || std == STD_NUM_COLON_TZ) {
        if (p->n < 6 || p->v[3] != ':')
            return false;
        memcpy(mm, p->v + 4, 2);
        memcpy(hh, p->v + 1, 2);
        sign = p->v[0];
        adv(p, 6);
    } else if (std == STD_NUM_SHORT_TZ || std == STD_ISO_SHORT_TZ) {
        if (p->n < 3)
            return false;
        memcpy(hh, p->v + 1, 2);
        sign = p->v[0];
        adv(p, 3);
    } else if (std == STD_ISO_COLON_SEC_TZ || std == STD_NUM_COLON_SEC_TZ) {
        if (p->n < 9 || p->v[3] != ':' || p->v[6] != ':')
            return false;
        memcpy(hh, p->v + 1, 2);
        memcpy(mm, p->v + 4, 2);
        memcpy(ss, p->v + 7, 2);
        sign = p->v[0];
        adv(p, 9);
    } else if (std == STD_ISO_SECONDS_TZ || std == STD_NUM_SECONDS_TZ) {
        if (p->n < 7)
            return false;
        memcpy(hh, p->v + 1, 2);
        memcpy(mm, p->v + 3, 2);
        memcpy(ss, p->v + 5, 2);
        sign = p->v[0];
        adv(p, 7);
    } else {
        if (p->n < 5)
            return false;
        memcpy(hh, p->v + 1, 2);
        memcpy(mm, p->v + 3, 2);
        sign = p->v[0];
        adv(p, 5);
    }
    int64_t hr, mn, sc;
    pstate h = {hh, 2}, m = {mm, 2}, s = {ss, 2};
    if (!getnum(&h, true, &hr) || !getnum(&m, true, &mn) ||
        !getnum(&s, true, &sc))
        return false;
    if (hr > 24)
        *range_err = "time zone offset hour";
    if (mn > 60)
        *range_err = "time zone offset minute";
    if (sc > 60)
        *range_err = "time zone offset second";
    f->zone_off = (hr * 60 + mn) * 60 + sc;
    if (sign == '-')
        f->zone_off = -f->zone_off;
    else if (sign != '+')
        return false;
    return true;
}

/* Seconds with an unexpected fraction: "05" against "05.123". */
static bool parse_seconds(pstate *p, const char *layout, size_t ln, bool zero,
                          pfields *f, const char **range_err)
{
    if (!getnum(p, zero, &f->sec))
        return false;
    if (f->sec < 0 || f->sec >= 60) {
        *range_err = "second";
        return true;
    }
    if (p->n >= 2 && (p->v[0] == '.' || p->v[0] == ',') &&
        digit_at(p->v, p->n, 1)) {
        chunk next = next_chunk(layout, ln);
        if (next.std == STD_FRAC0 || next.std == STD_FRAC9)
            return true;
        size_t k = 2;
        while (k < p->n && digit_at(p->v, p->n, k))
            k++;
        bool ok = parse_nanos(p->v, k, &f->nsec, range_err);
        adv(p, k);
        return ok;
    }
    return true;
}

/* One element of the layout against the value. */
static bool parse_elem(pstate *p, const chunk *ch, const char *rest, size_t rn,
                       pfields *f, const char **range_err)
{
    int idx;
    switch (ch->std) {
    case STD_YEAR:
        if (p->n < 2 || !go_atoi(p->v, 2, &f->year))
            return false;
        adv(p, 2);
        f->year += f->year >= 69 ? 1900 : 2000;
        return true;
    case STD_LONG_YEAR:
        if (p->n < 4 || !digit_at(p->v, p->n, 0) || !go_atoi(p->v, 4, &f->year))
            return false;
        adv(p, 4);
        return true;
    case STD_MONTH:
    case STD_LONG_MONTH:
        if (!lookup(p, long_months, 12, ch->std == STD_MONTH ? 3 : 0, &idx))
            return false;
        f->month = idx + 1;
        return true;
    case STD_NUM_MONTH:
    case STD_ZERO_MONTH:
        if (!getnum(p, ch->std == STD_ZERO_MONTH, &f->month))
            return false;
        if (f->month <= 0 || f->month > 12)
            *range_err = "month";
        return true;
    case STD_WEEKDAY:
    case STD_LONG_WEEKDAY:
        return lookup(p, long_days, 7, ch->std == STD_WEEKDAY ? 3 : 0, &idx);
    case STD_DAY:
    case STD_UNDER_DAY:
    case STD_ZERO_DAY:
        if (ch->std == STD_UNDER_DAY && p->n > 0 && p->v[0] == ' ')
            adv(p, 1);
        return getnum(p, ch->std == STD_ZERO_DAY, &f->day);
    case STD_UNDER_YEARDAY:
    case STD_ZERO_YEARDAY:
        for (int i = 0; i < 2; i++)
            if (ch->std == STD_UNDER_YEARDAY && p->n > 0 && p->v[0] == ' ')
                adv(p, 1);
        return getnum3(p, ch->std == STD_ZERO_YEARDAY, &f->yday);
    case STD_HOUR:
        if (!getnum(p, false, &f->hour))
            return false;
        if (f->hour < 0 || f->hour >= 24)
            *range_err = "hour";
        return true;
    case STD_HOUR12:
    case STD_ZERO_HOUR12:
        if (!getnum(p, ch->std == STD_ZERO_HOUR12, &f->hour))
            return false;
        if (f->hour < 0 || f->hour > 12)
            *range_err = "hour";
        return true;
    case STD_MINUTE:
    case STD_ZERO_MINUTE:
        if (!getnum(p, ch->std == STD_ZERO_MINUTE, &f->min))
            return false;
        if (f->min < 0 || f->min >= 60)
            *range_err = "minute";
        return true;
    case STD_SECOND:
    case STD_ZERO_SECOND:
        return parse_seconds(p, rest, rn, ch->std == STD_ZERO_SECOND, f,
                             range_err);
    case STD_PM:
    case STD_pm: {
        if (p->n < 2)
            return false;
        bool up = ch->std == STD_PM;
        bool pm = !memcmp(p->v, up ? "PM" : "pm", 2);
        bool am = !memcmp(p->v, up ? "AM" : "am", 2);
        adv(p, 2);
        f->pm |= pm;
        f->am |= am;
        return pm || am;
    }
    case STD_TZ: {
        if (p->n >= 3 && !memcmp(p->v, "UTC", 3)) {
            f->utc = true;
            adv(p, 3);
            return true;
        }
        size_t k = zone_len(p->v, p->n);
        if (k == 0)
            return false;
        f->zone_name = p->v;
        f->zone_name_len = k;
        adv(p, k);
        return true;
    }
    case STD_FRAC0: {
        size_t nd = 1 + (size_t)ch->digits;
        if (p->n < nd)
            return false;
        bool ok = parse_nanos(p->v, nd, &f->nsec, range_err);
        adv(p, nd);
        return ok;
    }
    case STD_FRAC9: {
        if (p->n < 2 || (p->v[0] != '.' && p->v[0] != ',') ||
            !digit_at(p->v, p->n, 1))
            return true; /* the fraction is optional */
        size_t i = 0;
        while (i + 1 < p->n && digit_at(p->v, p->n, i + 1))
            i++;
        bool ok = parse_nanos(p->v, 1 + i, &f->nsec, range_err);
        adv(p, 1 + i);
        return ok;
    }
    default:
        if (ch->std >= STD_ISO_TZ && ch->std <= STD_ISO_COLON_SEC_TZ &&
            p->n >= 1 && p->v[0] == 'Z') {
            adv(p, 1);
            f->utc = true;
            return true;
        }
        return parse_offset(p, ch->std, f, range_err);
    }
}

/* Go's skip: literal layout text; a space matches any run of spaces. */
static bool skip_prefix(pstate *p, const char *pre, size_t n)
{
    while (n > 0) {
        if (pre[0] == ' ') {
            if (p->n > 0 && p->v[0] != ' ')
                return false;
            while (n > 0 && pre[0] == ' ') {
                pre++;
                n--;
            }
            while (p->n > 0 && p->v[0] == ' ')
                adv(p, 1);
            continue;
        }
        if (p->n == 0 || p->v[0] != pre[0])
            return false;
        pre++;
        n--;
        adv(p, 1);
    }
    return true;
}

/* ParseError.Error(). */
static void parse_error(rn_buf *e, const char *layout, size_t ln,
                        const char *value, size_t vn, const char *lelem,
                        size_t len_l, const char *velem, size_t len_v,
                        const char *message)
{
    rn_buf_puts(e, "parsing time ");
    go_quote(e, value, vn);
    if (message) {
        rn_buf_puts(e, message);
        return;
    }
    rn_buf_puts(e, " as ");
    go_quote(e, layout, ln);
    rn_buf_puts(e, ": cannot parse ");
    go_quote(e, velem, len_v);
    rn_buf_puts(e, " as ");
    go_quote(e, lelem, len_l);
}

/* Turn the parsed fields into a time (Go's parse, after the loop). */
static bool parse_finish(rn_arena *a, pfields *f, const rn_tz *local,
                         gtime *out, const char **msg)
{
    if (f->pm && f->hour < 12)
        f->hour += 12;
    else if (f->am && f->hour == 12)
        f->hour = 0;
    if (f->yday >= 0) {
        int64_t d = 0, m = 0;
        if (is_leap(f->year)) {
            if (f->yday == 31 + 29) {
                m = 2;
                d = 29;
            } else if (f->yday > 31 + 29) {
                f->yday--;
            }
        }
        if (f->yday < 1 || f->yday > 365) {
            *msg = ": day-of-year out of range";
            return false;
        }
        if (m == 0) {
            static const int before[] = {0,   31,  59,  90,  120, 151, 181,
                                         212, 243, 273, 304, 334, 365};
            m = (f->yday - 1) / 31 + 1;
            if (before[m] < f->yday)
                m++;
            d = f->yday - before[m - 1];
        }
        if (f->month >= 0 && f->month != m) {
            *msg = ": day-of-year does not match month";
            return false;
        }
        f->month = m;
        if (f->day >= 0 && f->day != d) {
            *msg = ": day-of-year does not match day";
            return false;
        }
        f->day = d;
    } else {
        if (f->month < 0)
            f->month = 1;
        if (f->day < 0)
            f->day = 1;
    }
    if (f->day < 1 || f->day > days_in((int)f->month, f->year)) {
        *msg = ": day out of range";
        return false;
    }
    if (f->utc) { /* "Z" or "UTC" */
        *out = make_time(f->year, f->month, f->day, f->hour, f->min, f->sec,
                         f->nsec, NULL);
        return true;
    }
    gtime t = make_time(f->year, f->month, f->day, f->hour, f->min, f->sec,
                        f->nsec, NULL);
    const char *name = f->zone_name
                           ? rn_arena_strndup(a, f->zone_name, f->zone_name_len)
                           : NULL;
    if (f->zone_off != -1) {
        t.sec -= f->zone_off;
        /* the local zone, when it has that offset (and name) then */
        rn_tz_info z = rn_tz_lookup(local, t.sec);
        if (z.offset == f->zone_off && (!name || !strcmp(z.name, name))) {
            *out = set_loc(t, local);
            return true;
        }
        *out =
            set_loc(t, rn_tz_fixed(a, name ? name : "", (int32_t)f->zone_off));
        return true;
    }
    if (name) {
        int32_t off;
        if (rn_tz_lookup_name(local, name, t.sec, &off)) {
            t.sec -= off;
            *out = set_loc(t, local);
            return true;
        }
        int64_t o = 0; /* a zone name alone: offset unknown, but GMT+h */
        if (f->zone_name_len > 3 && !memcmp(name, "GMT", 3) &&
            go_atoi(name + 3, f->zone_name_len - 3, &o))
            o *= 3600;
        *out = set_loc(t, rn_tz_fixed(a, name, (int32_t)o));
        return true;
    }
    /* the default location */
    *out = make_time(f->year, f->month, f->day, f->hour, f->min, f->sec,
                     f->nsec, local);
    return true;
}

/* Go's time.ParseInLocation(layout, value, local). On failure returns
 * false with Go's error text in e. */
static bool time_parse(rn_arena *a, const char *layout, size_t ln,
                       const char *value, size_t vn, const rn_tz *local,
                       gtime *out, rn_buf *e)
{
    pstate p = {value, vn};
    const char *l = layout;
    size_t n = ln;
    pfields f = {0, -1, -1, -1, 0, 0, 0, 0, false, false, false, -1, NULL, 0};
    for (;;) {
        chunk ch = next_chunk(l, n);
        const char *elem = l + ch.prefix;
        if (!skip_prefix(&p, l, ch.prefix)) {
            parse_error(e, layout, ln, value, vn, l, ch.prefix, p.v, p.n, NULL);
            return false;
        }
        if (ch.std == STD_NONE) {
            if (p.n == 0)
                break;
            rn_buf extra = RN_BUF_INIT;
            rn_buf_puts(&extra, ": extra text: ");
            go_quote(&extra, p.v, p.n);
            parse_error(e, layout, ln, value, vn, NULL, 0, NULL, 0,
                        rn_buf_cstr(&extra));
            rn_buf_free(&extra);
            return false;
        }
        l = elem + ch.len;
        n -= ch.prefix + ch.len;
        pstate hold = p;
        const char *range_err = NULL;
        bool ok = parse_elem(&p, &ch, l, n, &f, &range_err);
        if (range_err) {
            char msg[64];
            snprintf(msg, sizeof msg, ": %s out of range", range_err);
            parse_error(e, layout, ln, value, vn, NULL, 0, NULL, 0, msg);
            return false;
        }
        if (!ok) {
            parse_error(e, layout, ln, value, vn, elem, ch.len, hold.v, hold.n,
                        NULL);
            return false;
        }
    }
    const char *msg = NULL;
    if (!parse_finish(a, &f, local, out, &msg)) {
        parse_error(e, layout, ln, value, vn, NULL, 0, NULL, 0, msg);
        return false;
    }
    return true;
}

/* --- durations --- */

/* Go's Duration.String(). */
static void duration_string(rn_buf *b, int64_t d)
{
    char buf[40];
    int w = (int)sizeof buf;
    uint64_t u = (uint64_t)d;
    bool neg = d < 0;
    if (neg)
        u = -u;
    int prec = 9;
    buf[--w] = 's';
    if (u < (uint64_t)NS_PER_SEC) {
        w--;
        if (u == 0) {
            buf[w] = '0';
            rn_buf_append(b, buf + w, sizeof buf - (size_t)w);
            return;
        }
        if (u < 1000) {
            prec = 0;
            buf[w] = 'n';
        } else if (u < 1000000) {
            prec = 3;
            w--;
            memcpy(buf + w, "\xc2\xb5", 2); /* µ */
        } else {
            prec = 6;
            buf[w] = 'm';
        }
    }
    /* the fraction, without trailing zeros */
    bool print = false;
    for (int i = 0; i < prec; i++) {
        int digit = (int)(u % 10);
        print = print || digit != 0;
        if (print)
            buf[--w] = (char)('0' + digit);
        u /= 10;
    }
    if (print)
        buf[--w] = '.';
    if (prec != 9) { /* below a second: one number and its unit */
        do {
            buf[--w] = (char)('0' + u % 10);
            u /= 10;
        } while (u > 0);
    } else {
        uint64_t parts[3] = {u % 60, u / 60 % 60, u / 3600};
        const char units[3] = {0, 'm', 'h'};
        for (int k = 0; k < 3; k++) {
            if (k > 0 && (k == 1 ? u / 60 : u / 3600) == 0)
                break;
            if (k > 0)
                buf[--w] = units[k];
            uint64_t v = parts[k];
            do {
                buf[--w] = (char)('0' + v % 10);
                v /= 10;
            } while (v > 0);
        }
    }
    if (neg)
        buf[--w] = '-';
    rn_buf_append(b, buf + w, sizeof buf - (size_t)w);
}

static const struct {
    const char *name;
    uint64_t ns;
} dur_units[] = {
    {"ns", 1},
    {"us", 1000},
    {"\xc2\xb5s", 1000}, /* U+00B5 micro sign */
    {"\xce\xbcs", 1000}, /* U+03BC Greek mu */
    {"ms", 1000000},
    {"s", 1000000000ULL},
    {"m", 60000000000ULL},
    {"h", 3600000000000ULL},
};

static bool dur_error(rn_buf *e, const char *what, const char *s, size_t n)
{
    rn_buf_printf(e, "time: %s ", what);
    go_quote(e, s, n);
    return false;
}

/* One "<number>[.<fraction>]<unit>" term of a duration. */
static bool dur_term(pstate *p, uint64_t *v, rn_buf *e, const char *orig,
                     size_t on)
{
    if (!(p->v[0] == '.' || (p->v[0] >= '0' && p->v[0] <= '9')))
        return dur_error(e, "invalid duration", orig, on);
    uint64_t x = 0, f = 0;
    double scale = 1;
    size_t i = 0;
    for (; i < p->n && p->v[i] >= '0' && p->v[i] <= '9'; i++) {
        if (x > (1ULL << 63) / 10)
            return dur_error(e, "invalid duration", orig, on);
        x = x * 10 + (uint64_t)(p->v[i] - '0');
        if (x > (1ULL << 63))
            return dur_error(e, "invalid duration", orig, on);
    }
    bool pre = i > 0, post = false;
    adv(p, i);
    if (p->n > 0 && p->v[0] == '.') {
        adv(p, 1);
        bool over = false;
        for (i = 0; i < p->n && p->v[i] >= '0' && p->v[i] <= '9'; i++) {
            if (over)
                continue;
            uint64_t y = f * 10 + (uint64_t)(p->v[i] - '0');
            if (f > ((1ULL << 63) - 1) / 10 || y > (1ULL << 63)) {
                over = true;
                continue;
            }
            f = y;
            scale *= 10;
        }
        post = i > 0;
        adv(p, i);
    }
    if (!pre && !post)
        return dur_error(e, "invalid duration", orig, on);
    for (i = 0;
         i < p->n && p->v[i] != '.' && !(p->v[i] >= '0' && p->v[i] <= '9'); i++)
        ;
    if (i == 0)
        return dur_error(e, "missing unit in duration", orig, on);
    uint64_t unit = 0;
    for (size_t k = 0; k < sizeof dur_units / sizeof *dur_units; k++)
        if (strlen(dur_units[k].name) == i &&
            !memcmp(dur_units[k].name, p->v, i))
            unit = dur_units[k].ns;
    if (!unit) {
        rn_buf_puts(e, "time: unknown unit ");
        go_quote(e, p->v, i);
        rn_buf_puts(e, " in duration ");
        go_quote(e, orig, on);
        return false;
    }
    adv(p, i);
    if (x > (1ULL << 63) / unit)
        return dur_error(e, "invalid duration", orig, on);
    x *= unit;
    if (f > 0) {
        x += (uint64_t)((double)f * ((double)unit / scale));
        if (x > (1ULL << 63))
            return dur_error(e, "invalid duration", orig, on);
    }
    *v = x;
    return true;
}

/* Go's time.ParseDuration. */
static bool parse_duration(const char *s, size_t n, int64_t *out, rn_buf *e)
{
    pstate p = {s, n};
    bool neg = false;
    if (p.n > 0 && (p.v[0] == '-' || p.v[0] == '+')) {
        neg = p.v[0] == '-';
        adv(&p, 1);
    }
    if (p.n == 1 && p.v[0] == '0') {
        *out = 0;
        return true;
    }
    if (p.n == 0)
        return dur_error(e, "invalid duration", s, n);
    uint64_t d = 0;
    while (p.n > 0) {
        uint64_t v;
        if (!dur_term(&p, &v, e, s, n))
            return false;
        d += v;
        if (d > (1ULL << 63))
            return dur_error(e, "invalid duration", s, n);
    }
    if (neg) {
        *out = (int64_t)-d;
        return true;
    }
    if (d > (1ULL << 63) - 1)
        return dur_error(e, "invalid duration", s, n);
    *out = (int64_t)d;
    return true;
}

/* --- the zones of a render --- */

typedef struct zone_ent {
    const char *name;
    const rn_tz *loc; /* NULL: not loadable, see err */
    const char *err;
    struct zone_ent *next;
} zone_ent;

/* What an execution keeps of time zones (in tmpl_ctx_cache). */
typedef struct time_cache {
    const rn_tz *local; /* NULL until first asked for */
    zone_ent *zones;
} time_cache;

static time_cache *cache_of(tmpl_ctx *ctx)
{
    void **slot = tmpl_ctx_cache(ctx);
    if (!*slot)
        *slot = rn_arena_alloc(tmpl_arena(ctx), sizeof(time_cache));
    return *slot;
}

/* time.Local: Go's rules over the host's TZ; UTC without a host. */
static const rn_tz *local_zone(tmpl_ctx *ctx)
{
    time_cache *c = cache_of(ctx);
    if (!c->local) {
        c->local = rn_tz_local(tmpl_arena(ctx), tmpl_ctx_host(ctx));
    }
    return c->local;
}

/* time.LoadLocation; NULL with Go's error text in *err on failure. */
static const rn_tz *load_location(tmpl_ctx *ctx, const char *name,
                                  const char **err)
{
    if (!strcmp(name, "Local"))
        return local_zone(ctx);
    time_cache *c = cache_of(ctx);
    for (zone_ent *e = c->zones; e; e = e->next)
        if (!strcmp(e->name, name)) {
            *err = e->err;
            return e->loc;
        }
    rn_arena *a = tmpl_arena(ctx);
    zone_ent *e = rn_arena_alloc(a, sizeof *e);
    e->name = rn_arena_strdup(a, name);
    e->loc = rn_tz_load(a, name, tmpl_ctx_host(ctx), &e->err);
    e->next = c->zones;
    c->zones = e;
    *err = e->err;
    return e->loc;
}

/* --- time.Time objects --- */

static const rn_fn_class time_class, location_class;

static char *time_string(rn_arena *a, const gtime *t)
{
    static const char layout[] = "2006-01-02 15:04:05.999999999 -0700 MST";
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    time_format(&b, t, layout, sizeof layout - 1);
    if (t->has_mono) { /* " m=±ddd.nnnnnnnnn" */
        uint64_t m2 = (uint64_t)t->mono;
        char sign = '+';
        if (t->mono < 0) {
            sign = '-';
            m2 = -m2;
        }
        uint64_t m1 = m2 / NS_PER_SEC;
        m2 %= NS_PER_SEC;
        uint64_t m0 = m1 / NS_PER_SEC;
        m1 %= NS_PER_SEC;
        rn_buf_printf(&b, " m=%c", sign);
        if (m0 != 0)
            rn_buf_printf(&b, "%llu%09llu", (unsigned long long)m0,
                          (unsigned long long)m1);
        else
            rn_buf_printf(&b, "%llu", (unsigned long long)m1);
        rn_buf_printf(&b, ".%09llu", (unsigned long long)m2);
    }
    char *s = rn_arena_strndup(a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return s;
}

static const char *time_string_cb(rn_arena *a, const void *self)
{
    return time_string(a, self);
}

/* Time.MarshalJSON: RFC 3339 with nanoseconds, NULL (an error) for a
 * year outside 0..9999 or a zone hour outside 0..23. */
static const char *time_json_cb(rn_arena *a, const void *self, const char **why)
{
    static const char layout[] = "2006-01-02T15:04:05.999999999Z07:00";
    rn_buf b = RN_BUF_INIT;
    rn_buf_putc(&b, '"');
    time_format(&b, self, layout, sizeof layout - 1);
    const char *s = rn_buf_cstr(&b) + 1;
    size_t n = b.len - 1;
    bool ok = n > 4 && s[4] == '-';
    if (!ok)
        *why = "Time.MarshalJSON: year outside of range [0,9999]";
    if (ok && s[n - 1] != 'Z') {
        char c = s[n - 6];
        int hh = (s[n - 5] - '0') * 10 + (s[n - 4] - '0');
        ok = !(c >= '0' && c <= '9') && hh < 24;
        if (!ok)
            *why = "Time.MarshalJSON: timezone hour outside of range [0,23]";
    }
    rn_buf_putc(&b, '"');
    char *r = ok ? rn_arena_strndup(a, rn_buf_cstr(&b), b.len) : NULL;
    rn_buf_free(&b);
    return r;
}

static rn_value *time_value(rn_arena *a, gtime t)
{
    gtime *p = rn_arena_alloc(a, sizeof *p);
    *p = t;
    return rn_fn_object_new(a, &time_class, p);
}

/* A time.Time at a fixed offset named `zone` ("UTC" at offset 0 is UTC),
 * for the readers of other formats (fromToml). */
rn_value *rn_fn_time_new(rn_arena *a, int64_t sec, int32_t nsec, int32_t off,
                         const char *zone)
{
    gtime t = {sec, nsec, NULL, false, 0};
    if (strcmp(zone, "UTC") != 0 || off != 0)
        t.loc = rn_tz_fixed(a, zone, off);
    return time_value(a, t);
}

/* Wall seconds of Go's packed monotonic form: 1885 .. 2157. */
static bool mono_fits(int64_t sec)
{
    static const int64_t wall_base = -2713910400LL; /* 1885-01-01 UTC */
    return sec - wall_base >= 0 && sec - wall_base <= (1LL << 33) - 1;
}

/* Time.Add: the monotonic reading moves too, unless it overflows. */
static gtime time_add(gtime t, int64_t ns)
{
    int64_t s = ns / NS_PER_SEC;
    int32_t nsec = t.nsec + (int32_t)(ns % NS_PER_SEC);
    if (nsec >= NS_PER_SEC) {
        s++;
        nsec -= NS_PER_SEC;
    } else if (nsec < 0) {
        s--;
        nsec += NS_PER_SEC;
    }
    t.nsec = nsec;
    t.sec = (int64_t)((uint64_t)t.sec + (uint64_t)s);
    if (t.has_mono) {
        int64_t te = (int64_t)((uint64_t)t.mono + (uint64_t)ns);
        if (!mono_fits(t.sec) || (ns < 0 && te > t.mono) ||
            (ns > 0 && te < t.mono))
            t.has_mono = false;
        else
            t.mono = te;
    }
    return t;
}

/* Time.Sub: t - u in nanoseconds, saturated to the int64 range. */
static int64_t time_sub(const gtime *t, const gtime *u)
{
    if (t->has_mono && u->has_mono) {
        int64_t d = (int64_t)((uint64_t)t->mono - (uint64_t)u->mono);
        if (d < 0 && t->mono > u->mono)
            return INT64_MAX;
        if (d > 0 && t->mono < u->mono)
            return INT64_MIN;
        return d;
    }
    __int128 d = ((__int128)t->sec - u->sec) * NS_PER_SEC + (t->nsec - u->nsec);
    if (d > INT64_MAX)
        return INT64_MAX;
    if (d < INT64_MIN)
        return INT64_MIN;
    return (int64_t)d;
}

/* -1, 0 or +1 (Time.Compare; the monotonic readings when both have one). */
static int time_cmp(const gtime *t, const gtime *u)
{
    if (t->has_mono && u->has_mono)
        return (t->mono > u->mono) - (t->mono < u->mono);
    if (t->sec != u->sec)
        return (t->sec > u->sec) - (t->sec < u->sec);
    return (t->nsec > u->nsec) - (t->nsec < u->nsec);
}

/* A time.Duration: an int64 that prints as "1h2m3s". */
static rn_value *duration_value(rn_arena *a, int64_t d)
{
    rn_buf b = RN_BUF_INIT;
    duration_string(&b, d);
    rn_value *m = rn_map_new(a, 1);
    rn_map_setz(a, m, "String", rn_fn_buf_value(a, &b));
    rn_value *v = rn_int64(a, d);
    rn_value_set_type(v, "time.Duration", m);
    return v;
}

/* A time.Time parameter. */
static int time_arg(tmpl_ctx *ctx, rn_value **argv, int i, gtime *out)
{
    const gtime *t = rn_fn_object_self(argv[i], &time_class);
    if (tmpl_arg_go(ctx, argv, i, "time.Time", TMPL_ARG_STRUCT, t != NULL,
                    NULL) != 0)
        return -1;
    *out = *t;
    return 0;
}

/* A time.Duration parameter: an integer constant or a Duration. */
static int duration_arg(tmpl_ctx *ctx, rn_value **argv, int i, int64_t *out)
{
    const rn_value *v = argv[i];
    bool ok =
        v->kind == RN_INT && v->tname && !strcmp(v->tname, "time.Duration");
    return tmpl_arg_go(ctx, argv, i, "time.Duration", TMPL_ARG_INT, ok, out);
}

#define TM_METHOD(fname)                                                       \
    static int fname(tmpl_ctx *ctx, void *self, int argc, rn_value **argv,     \
                     rn_value **out)

TM_METHOD(tm_format)
{
    const char *l;
    size_t n;
    if (tmpl_arg_count(ctx, argc, 1) != 0 ||
        rn_fn_arg_str(ctx, argv, 0, &l, &n))
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    time_format(&b, self, l, n);
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

/* Methods giving one number or name of the time. */
static int tm_field(tmpl_ctx *ctx, const gtime *t, int argc, rn_value **out,
                    char which)
{
    if (tmpl_arg_count(ctx, argc, 0) != 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    civil c = civil_of(t);
    switch (which) {
    case 'Y':
        *out = rn_int(a, c.year);
        break;
    case 'M': /* time.Month prints as its name */
        *out = rn_strz(a, long_months[c.month - 1]);
        break;
    case 'D':
        *out = rn_int(a, c.day);
        break;
    case 'h':
        *out = rn_int(a, c.hour);
        break;
    case 'm':
        *out = rn_int(a, c.min);
        break;
    case 's':
        *out = rn_int(a, c.sec);
        break;
    case 'n':
        *out = rn_int(a, t->nsec);
        break;
    case 'y':
        *out = rn_int(a, c.yday);
        break;
    case 'w': /* time.Weekday prints as its name */
        *out = rn_strz(a, long_days[c.wday]);
        break;
    case 'U':
        *out = rn_int64(a, t->sec);
        break;
    case 'L':
        *out = rn_int64(a, t->sec * 1000 + t->nsec / 1000000);
        break;
    case 'C':
        *out = rn_int64(a, t->sec * 1000000 + t->nsec / 1000);
        break;
    case 'N':
        *out = rn_int64(
            a, (int64_t)((uint64_t)t->sec * NS_PER_SEC + (uint64_t)t->nsec));
        break;
    case 'z':
        *out = rn_bool(a, t->sec == zero_time.sec && t->nsec == 0);
        break;
    case 'd':
        *out = rn_bool(a, zone_of(t).is_dst);
        break;
    case 'u':
        *out = time_value(a, set_loc(*t, NULL));
        break;
    case 'l':
        *out = time_value(a, set_loc(*t, local_zone(ctx)));
        break;
    default: { /* 'o': Location(), UTC for nil */
        const rn_tz *l = t->loc ? t->loc : &rn_tz_utc;
        *out = rn_fn_object_new(a, &location_class, (void *)l);
        break;
    }
    }
    return 0;
}

#define TM_FIELD(fname, which)                                                 \
    TM_METHOD(fname)                                                           \
    {                                                                          \
        return tm_field(ctx, self, argc, out, which);                          \
    }
TM_FIELD(tm_year, 'Y')
TM_FIELD(tm_month, 'M')
TM_FIELD(tm_day, 'D')
TM_FIELD(tm_hour, 'h')
TM_FIELD(tm_minute, 'm')
TM_FIELD(tm_second, 's')
TM_FIELD(tm_nanosecond, 'n')
TM_FIELD(tm_yearday, 'y')
TM_FIELD(tm_weekday, 'w')
TM_FIELD(tm_unix, 'U')
TM_FIELD(tm_unixmilli, 'L')
TM_FIELD(tm_unixmicro, 'C')
TM_FIELD(tm_unixnano, 'N')
TM_FIELD(tm_iszero, 'z')
TM_FIELD(tm_isdst, 'd')
TM_FIELD(tm_utc, 'u')
TM_FIELD(tm_local, 'l')
TM_FIELD(tm_location, 'o')

/* Equal, Before, After and Compare. */
static int tm_cmp(tmpl_ctx *ctx, const gtime *t, int argc, rn_value **argv,
                  rn_value **out, char op)
{
    gtime o = zero_time;
    if (tmpl_arg_count(ctx, argc, 1) != 0 || time_arg(ctx, argv, 0, &o) != 0)
        return -1;
    int d = time_cmp(t, &o);
    rn_arena *a = tmpl_arena(ctx);
    *out = op == 'c'   ? rn_int(a, d)
           : op == '<' ? rn_bool(a, d < 0)
           : op == '>' ? rn_bool(a, d > 0)
                       : rn_bool(a, d == 0);
    return 0;
}

#define TM_CMP(fname, op)                                                      \
    TM_METHOD(fname)                                                           \
    {                                                                          \
        return tm_cmp(ctx, self, argc, argv, out, op);                         \
    }
TM_CMP(tm_equal, '=')
TM_CMP(tm_before, '<')
TM_CMP(tm_after, '>')
TM_CMP(tm_compare, 'c')

TM_METHOD(tm_sub)
{
    gtime o = zero_time;
    if (tmpl_arg_count(ctx, argc, 1) != 0 || time_arg(ctx, argv, 0, &o) != 0)
        return -1;
    *out = duration_value(tmpl_arena(ctx), time_sub(self, &o));
    return 0;
}

TM_METHOD(tm_adddate)
{
    const gtime *t = self;
    int64_t y, m, d;
    if (tmpl_arg_count(ctx, argc, 3) != 0 || rn_fn_arg_int(ctx, argv, 0, &y) ||
        rn_fn_arg_int(ctx, argv, 1, &m) || rn_fn_arg_int(ctx, argv, 2, &d))
        return -1;
    civil c = civil_of(t);
    *out = time_value(tmpl_arena(ctx),
                      make_time(c.year + y, c.month + m, c.day + d, c.hour,
                                c.min, c.sec, t->nsec, t->loc));
    return 0;
}

TM_METHOD(tm_add)
{
    int64_t d = 0;
    if (tmpl_arg_count(ctx, argc, 1) != 0 || duration_arg(ctx, argv, 0, &d))
        return -1;
    *out = time_value(tmpl_arena(ctx), time_add(*(gtime *)self, d));
    return 0;
}

/* Round and Truncate: to a multiple of d since year 1. */
static int tm_round_trunc(tmpl_ctx *ctx, const gtime *t, int argc,
                          rn_value **argv, rn_value **out, bool round)
{
    int64_t d = 0;
    if (tmpl_arg_count(ctx, argc, 1) != 0 || duration_arg(ctx, argv, 0, &d))
        return -1;
    gtime r = *t;
    r.has_mono = false;
    if (d > 0) {
        __int128 ns =
            ((__int128)r.sec - zero_time.sec) * NS_PER_SEC + (__int128)r.nsec;
        __int128 rem = ns % d;
        if (rem < 0)
            rem += d;
        int64_t rr = (int64_t)rem;
        if (!round || (uint64_t)rr + (uint64_t)rr < (uint64_t)d)
            r = time_add(r, -rr);
        else
            r = time_add(r, d - rr);
    }
    *out = time_value(tmpl_arena(ctx), r);
    return 0;
}

TM_METHOD(tm_round)
{
    return tm_round_trunc(ctx, self, argc, argv, out, true);
}

TM_METHOD(tm_truncate)
{
    return tm_round_trunc(ctx, self, argc, argv, out, false);
}

TM_METHOD(tm_in)
{
    if (tmpl_arg_count(ctx, argc, 1) != 0)
        return -1;
    const rn_tz *l = rn_fn_object_self(argv[0], &location_class);
    if (tmpl_arg_go(ctx, argv, 0, "*time.Location", TMPL_ARG_POINTER, l,
                    NULL) != 0)
        return -1;
    if (!l)
        return tmpl_fail(ctx, "time: missing Location in call to Time.In");
    *out = time_value(tmpl_arena(ctx), set_loc(*(gtime *)self, l));
    return 0;
}

/* Methods text/template cannot call: more results than (value, error). */
static int tm_results(tmpl_ctx *ctx, int argc, int want, int nout,
                      const char *second)
{
    if (tmpl_arg_count(ctx, argc, want) != 0)
        return -1;
    const char *name = tmpl_ctx_fn_name(ctx);
    if (nout == 2)
        return tmpl_ctx_errorf(ctx,
                               "invalid function signature for %s: second "
                               "return value should be error; is %s",
                               name, second);
    return tmpl_ctx_errorf(ctx,
                           "function %s has %d return values; should be "
                           "1 or 2",
                           name, nout);
}

TM_METHOD(tm_zone)
{
    return tm_results(ctx, argc, 0, 2, "int");
}

TM_METHOD(tm_zonebounds)
{
    return tm_results(ctx, argc, 0, 2, "time.Time");
}

TM_METHOD(tm_isoweek)
{
    return tm_results(ctx, argc, 0, 2, "int");
}

TM_METHOD(tm_date3)
{
    return tm_results(ctx, argc, 0, 3, NULL);
}

static const rn_fn_method time_methods[] = {
    {"Format", tm_format},
    {"Year", tm_year},
    {"Month", tm_month},
    {"Day", tm_day},
    {"Hour", tm_hour},
    {"Minute", tm_minute},
    {"Second", tm_second},
    {"Nanosecond", tm_nanosecond},
    {"YearDay", tm_yearday},
    {"Weekday", tm_weekday},
    {"Unix", tm_unix},
    {"UnixMilli", tm_unixmilli},
    {"UnixMicro", tm_unixmicro},
    {"UnixNano", tm_unixnano},
    {"IsZero", tm_iszero},
    {"IsDST", tm_isdst},
    {"UTC", tm_utc},
    {"Local", tm_local},
    {"In", tm_in},
    {"Location", tm_location},
    {"Equal", tm_equal},
    {"Before", tm_before},
    {"After", tm_after},
    {"Compare", tm_compare},
    {"Sub", tm_sub},
    {"AddDate", tm_adddate},
    {"Add", tm_add},
    {"Round", tm_round},
    {"Truncate", tm_truncate},
    {"Zone", tm_zone},
    {"ZoneBounds", tm_zonebounds},
    {"ISOWeek", tm_isoweek},
    {"Date", tm_date3},
    {"Clock", tm_date3},
    {NULL, NULL},
};

/* time.Time's fields for eq: the instant, the monotonic reading and the
 * *Location (the same pointer in Go: UTC, Local, or one of the unnamed
 * whole-hour zones FixedZone keeps). */
static const char *time_identity_cb(rn_arena *a, const void *self)
{
    const gtime *t = self;
    const rn_tz *l = t->loc;
    const char *loc;
    if (!l)
        loc = "UTC";
    else if (l->ntx == 1 && l->tx[0].when == INT64_MIN && l->nzone == 1 &&
             !l->name[0] && l->zone[0].offset % 3600 == 0 &&
             l->zone[0].offset >= -12 * 3600 && l->zone[0].offset <= 14 * 3600)
        loc = rn_arena_printf(a, "fixed%d", (int)l->zone[0].offset);
    else
        loc = rn_arena_printf(a, "%p", (const void *)l);
    return rn_arena_printf(a, "%lld %d %d %lld %s", (long long)t->sec,
                           (int)t->nsec, t->has_mono,
                           (long long)(t->has_mono ? t->mono : 0), loc);
}

static const rn_fn_class time_class = {"time.Time",  "struct",
                                       time_methods, time_string_cb,
                                       time_json_cb, time_identity_cb};

/* *time.Location (from .Location): prints its name, marshals as {}. */
static const char *location_string_cb(rn_arena *a, const void *self)
{
    return ((const rn_tz *)self)->name;
}

static const char *location_json_cb(rn_arena *a, const void *self,
                                    const char **why)
{
    return "{}";
}

static const rn_fn_method location_methods[] = {{NULL, NULL}};

static const rn_fn_class location_class = {"*time.Location", "ptr",
                                           location_methods, location_string_cb,
                                           location_json_cb, NULL};

/* --- the clock --- */

/* time.Now, from the host's clock: in Local, with the monotonic reading.
 * Fails when the render was given no clock. */
static int clock_now(tmpl_ctx *ctx, gtime *t)
{
    const rn_host *h = tmpl_ctx_host(ctx);
    rn_clock_reading r;
    if (!h || !h->now || h->now(h->now_arg, &r) != 0)
        return tmpl_fail(ctx, "the current time is not available: this "
                              "render was given no clock");
    const rn_tz *l = local_zone(ctx);
    *t = (gtime){r.sec, r.nsec, l == &rn_tz_utc ? NULL : l, false, 0};
    if (r.mono >= 0 && mono_fits(r.sec)) {
        t->has_mono = true;
        t->mono = r.mono;
    }
    return 0;
}

/* time.Since: through the monotonic readings when t has one. */
static int since(tmpl_ctx *ctx, const gtime *t, int64_t *d)
{
    gtime now;
    if (clock_now(ctx, &now) != 0)
        return -1;
    if (!t->has_mono)
        now.has_mono = false;
    *d = time_sub(&now, t);
    return 0;
}

/* Duration.Round(time.Second). */
static int64_t round_second(int64_t d)
{
    const int64_t m = NS_PER_SEC;
    int64_t r = d % m;
    if (d < 0) {
        r = -r;
        if ((uint64_t)r + (uint64_t)r < (uint64_t)m)
            return d + r;
        int64_t d1 = (int64_t)((uint64_t)d - (uint64_t)m + (uint64_t)r);
        return d1 < d ? d1 : INT64_MIN;
    }
    if ((uint64_t)r + (uint64_t)r < (uint64_t)m)
        return d - r;
    int64_t d1 = (int64_t)((uint64_t)d + (uint64_t)m - (uint64_t)r);
    return d1 > d ? d1 : INT64_MAX;
}

/* A plain int64 (Sprig's type switches do not take time.Duration). */
static bool is_int64(const rn_value *v)
{
    return v->kind == RN_INT && (v->flags & RN_F_INT64) && !v->tname;
}

/* --- the Sprig functions --- */

static int parse_fn(tmpl_ctx *ctx, rn_value **argv, rn_value **out, bool must)
{
    const char *l, *s;
    size_t ln, sn;
    if (rn_fn_arg_str(ctx, argv, 0, &l, &ln) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &s, &sn) != 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    rn_buf e = RN_BUF_INIT;
    gtime t = zero_time;
    if (!time_parse(a, l, ln, s, sn, local_zone(ctx), &t, &e)) {
        if (must) {
            int rc = tmpl_fail(ctx, "%s", rn_buf_cstr(&e));
            rn_buf_free(&e);
            return rc;
        }
        t = zero_time;
    }
    rn_buf_free(&e);
    *out = time_value(a, t);
    return 0;
}

RN_FN(rn_fn_todate)
{
    return parse_fn(ctx, argv, out, false);
}

RN_FN(rn_fn_musttodate)
{
    return parse_fn(ctx, argv, out, true);
}

/* dateInZone's date: a time, or Unix seconds as an int or int64 (in
 * Local, as time.Unix gives them); anything else is the current time. */
static int date_arg(tmpl_ctx *ctx, rn_value *v, gtime *t)
{
    const gtime *p = rn_fn_object_self(v, &time_class);
    if (p) {
        *t = *p;
        return 0;
    }
    if (v->kind == RN_INT && !v->tname) {
        *t = set_loc((gtime){v->u.i, 0, NULL, false, 0}, local_zone(ctx));
        return 0;
    }
    return clock_now(ctx, t); /* anything else: Sprig's time.Now() */
}

/* Sprig's dateInZone: a zone time.LoadLocation cannot load is UTC. */
static int date_in_zone(tmpl_ctx *ctx, const char *l, size_t ln, rn_value *date,
                        const char *zone, rn_value **out)
{
    gtime t = zero_time;
    if (date_arg(ctx, date, &t) != 0)
        return -1;
    const char *err;
    const rn_tz *loc = load_location(ctx, zone, &err);
    t = set_loc(t, loc ? loc : NULL);
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    time_format(&b, &t, l, ln);
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

RN_FN(rn_fn_date)
{
    const char *l;
    size_t ln;
    if (rn_fn_arg_str(ctx, argv, 0, &l, &ln) != 0)
        return -1;
    return date_in_zone(ctx, l, ln, argv[1], "Local", out);
}

RN_FN(rn_fn_dateinzone)
{
    const char *l, *z;
    size_t ln;
    if (rn_fn_arg_str(ctx, argv, 0, &l, &ln) != 0 ||
        rn_fn_arg_str(ctx, argv, 2, &z, NULL) != 0)
        return -1;
    return date_in_zone(ctx, l, ln, argv[1], z, out);
}

RN_FN(rn_fn_htmldate)
{
    return date_in_zone(ctx, "2006-01-02", 10, argv[0], "Local", out);
}

RN_FN(rn_fn_htmldateinzone)
{
    const char *z;
    if (rn_fn_arg_str(ctx, argv, 1, &z, NULL) != 0)
        return -1;
    return date_in_zone(ctx, "2006-01-02", 10, argv[0], z, out);
}

static int modify(tmpl_ctx *ctx, rn_value **argv, rn_value **out, bool must)
{
    const char *s;
    size_t n;
    gtime t = zero_time;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0 ||
        time_arg(ctx, argv, 1, &t) != 0)
        return -1;
    rn_buf e = RN_BUF_INIT;
    int64_t d;
    bool ok = parse_duration(s, n, &d, &e);
    if (!ok && must) {
        int rc = tmpl_fail(ctx, "%s", rn_buf_cstr(&e));
        rn_buf_free(&e);
        return rc;
    }
    rn_buf_free(&e);
    *out = time_value(tmpl_arena(ctx), ok ? time_add(t, d) : t);
    return 0;
}

RN_FN(rn_fn_datemodify)
{
    return modify(ctx, argv, out, false);
}

RN_FN(rn_fn_mustdatemodify)
{
    return modify(ctx, argv, out, true);
}

RN_FN(rn_fn_unixepoch)
{
    gtime t = zero_time;
    if (time_arg(ctx, argv, 0, &t) != 0)
        return -1;
    *out = rn_strz(tmpl_arena(ctx),
                   rn_arena_printf(tmpl_arena(ctx), "%lld", (long long)t.sec));
    return 0;
}

/* duration: seconds as a string or an int64 (an int gives 0, as in
 * Sprig's type switch); the product wraps like Go's int64. */
RN_FN(rn_fn_duration)
{
    rn_value *v = argv[0];
    int64_t n = 0;
    if (v->kind == RN_STRING) {
        if (rn_fn_parse_int(v->u.s.ptr, v->u.s.len, 10, &n) != 0)
            n = 0;
    } else if (is_int64(v)) {
        n = v->u.i;
    }
    rn_buf b = RN_BUF_INIT;
    duration_string(&b, (int64_t)((uint64_t)n * (uint64_t)NS_PER_SEC));
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

/* durationRound: the largest whole unit of a duration ("2h", "3mo"). */
RN_FN(rn_fn_durationround)
{
    rn_value *v = argv[0];
    int64_t d = 0;
    if (v->kind == RN_STRING) {
        rn_buf e = RN_BUF_INIT;
        if (!parse_duration(v->u.s.ptr, v->u.s.len, &d, &e))
            d = 0;
        rn_buf_free(&e);
    } else if (is_int64(v)) {
        d = v->u.i;
    } else if (rn_fn_object_self(v, &time_class)) {
        if (since(ctx, rn_fn_object_self(v, &time_class), &d) != 0)
            return -1;
    }
    uint64_t u = (uint64_t)d;
    if (d < 0)
        u = -u;
    static const struct {
        uint64_t ns;
        const char *unit;
    } steps[] = {
        {3600000000000ULL * 24 * 365, "y"},
        {3600000000000ULL * 24 * 30, "mo"},
        {3600000000000ULL * 24, "d"},
        {3600000000000ULL, "h"},
        {60000000000ULL, "m"},
        {1000000000ULL, "s"},
    };
    const char *r = "0s";
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (u > steps[i].ns) {
            r = rn_arena_printf(tmpl_arena(ctx), "%llu%s",
                                (unsigned long long)(u / steps[i].ns),
                                steps[i].unit);
            break;
        }
    *out = rn_strz(tmpl_arena(ctx), r);
    return 0;
}

/* now: time.Now, printing with its monotonic reading ("m=+0.0012"). */
RN_FN(rn_fn_now)
{
    gtime t;
    if (clock_now(ctx, &t) != 0)
        return -1;
    *out = time_value(tmpl_arena(ctx), t);
    return 0;
}

/* ago: time.Since(date).Round(time.Second) of a time or Unix seconds (an
 * int or int64); anything else is now, so "0s". */
RN_FN(rn_fn_ago)
{
    rn_value *v = argv[0];
    const gtime *p = rn_fn_object_self(v, &time_class);
    gtime t;
    if (p)
        t = *p;
    else if (v->kind == RN_INT && !v->tname)
        t = (gtime){v->u.i, 0, NULL, false, 0};
    else if (clock_now(ctx, &t) != 0)
        return -1;
    int64_t d;
    if (since(ctx, &t, &d) != 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    duration_string(&b, round_second(d));
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}
