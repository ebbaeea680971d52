/*
 * test_tz.c — time zones (render/tz.c) against Go's time package: the
 * expected names, offsets and zone spans are what Go 1.26 (the toolchain
 * helm v3.21.4 is built with) gives for the same instants, from the
 * system's zoneinfo (Debian tzdata) and from TZif files built here byte
 * for byte as Go's LoadLocationFromTZData reads them. The span of a zone
 * is Time.ZoneBounds; Go's "zero time" ends are INT64_MIN/INT64_MAX here.
 *
 * Also the time functions through the template engine with a host whose
 * TZ is set, since that is the only way Local stops being UTC.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "funcs.h"
#include "host.h"
#include "tmpl.h"
#include "tz.h"

#define ZERO (-62135596800LL) /* Go's zero time, a ZoneBounds end */

typedef struct want {
    int64_t sec;
    const char *name;
    int32_t offset;
    int64_t start, end;
    bool dst;
} want;

static void check(const rn_tz *l, const want *w, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        rn_tz_info z = rn_tz_lookup(l, w[i].sec);
        int64_t start = z.start == INT64_MIN ? ZERO : z.start;
        int64_t end = z.end == INT64_MAX ? ZERO : z.end;
        if (strcmp(z.name, w[i].name) || z.offset != w[i].offset ||
            start != w[i].start || end != w[i].end || z.is_dst != w[i].dst) {
            print_error("%s at %lld: got {%s %d %lld %lld %d}, want {%s %d "
                        "%lld %lld %d}\n",
                        what, (long long)w[i].sec, z.name, z.offset,
                        (long long)start, (long long)end, z.is_dst, w[i].name,
                        w[i].offset, (long long)w[i].start, (long long)w[i].end,
                        w[i].dst);
            fail();
        }
    }
}

static rn_arena *arena;

/* The files, as krmfn reads them (stdio is enough here). */
static int read_file(void *arg, const char *path, size_t max,
                     unsigned char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno;
    unsigned char *buf = malloc(max + 1);
    size_t n = fread(buf, 1, max + 1, f);
    int rc = ferror(f) ? errno : n > max ? EFBIG : 0;
    fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    *data = buf;
    *len = n;
    return 0;
}

static rn_host files = {.read_file = read_file};

static const rn_tz *local(bool set, const char *tz)
{
    rn_host h = files;
    h.tz_set = set;
    h.tz = tz;
    return rn_tz_local(arena, &h);
}

static int setup(void **state)
{
    arena = rn_arena_new();
    return 0;
}

static int teardown(void **state)
{
    rn_arena_free(arena);
    return 0;
}

static const rn_tz *load(const char *name)
{
    const char *err = NULL;
    const rn_tz *l = rn_tz_load(arena, name, &files, &err);
    if (!l) {
        print_error("loading %s: %s\n", name, err);
        fail();
    }
    return l;
}

/* The last transition of a zone file: later instants use its footer. */
static int64_t last_tx(const rn_tz *l)
{
    return l->tx[l->ntx - 1].when;
}

/* A zone with DST: the spring-forward second of 2024, both sides. */
static void test_dst(void **state)
{
    const rn_tz *ny = load("America/New_York");
    static const want w[] = {
        {1710053999, "EST", -18000, 1699164000, 1710054000, false},
        {1710054000, "EDT", -14400, 1710054000, 1730613600, true},
    };
    check(ny, w, 2, "America/New_York");
    assert_string_equal(ny->name, "America/New_York");
}

/* Past the last transition the POSIX TZ footer decides. */
static void test_footer(void **state)
{
    const rn_tz *ny = load("America/New_York");
    assert_string_equal(ny->extend, "EST5EDT,M3.2.0,M11.1.0");
    assert_true(last_tx(ny) < 4118083200);
    static const want w[] = {
        {4118083200, "EDT", -14400, 4108690800, 4129250400, true},
    };
    check(ny, w, 1, "America/New_York in 2100");
}

/* Before 1970: negative transitions, Paris Mean Time's 561 s. */
static void test_pre_1970(void **state)
{
    static const want paris[] = {
        {-2000000000, "PMT", 561, -2486592561, -1855958961, false},
    };
    check(load("Europe/Paris"), paris, 1, "Europe/Paris in 1906");
    static const want ny[] = {
        {-300000000, "EDT", -14400, -305744400, -289418400, true},
    };
    check(load("America/New_York"), ny, 1, "America/New_York in 1960");
}

/* Half-hour offsets: IST since 1945 (the footer, no DST), +0630 in
 * wartime. */
static void test_kolkata(void **state)
{
    static const want w[] = {
        {1700000000, "IST", 19800, -764145000, ZERO, false},
        {-880000000, "+0630", 23400, -891581400, -872058600, true},
    };
    check(load("Asia/Kolkata"), w, 2, "Asia/Kolkata");
}

/* Lord Howe Island: +10:30, and DST of half an hour (+11), southern
 * hemisphere (the footer's rules swap), also past the last transition. */
static void test_lord_howe(void **state)
{
    const rn_tz *l = load("Australia/Lord_Howe");
    assert_string_equal(l->extend, "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
    assert_true(last_tx(l) < 4102444800);
    static const want w[] = {
        {1704067200, "+11", 39600, 1696087800, 1712415600, true},
        {1719792000, "+1030", 37800, 1712415600, 1728142200, false},
        {4102444800, "+11", 39600, 4102444800, 4110447600, true},
        {4118083200, "+1030", 37800, 4110447600, 4126174200, false},
    };
    check(l, w, 4, "Australia/Lord_Howe");
}

/* LoadLocation's names and errors. */
static void test_load(void **state)
{
    const char *err = NULL;
    assert_ptr_equal(rn_tz_load(arena, "", &files, &err), &rn_tz_utc);
    assert_ptr_equal(rn_tz_load(arena, "UTC", &files, &err), &rn_tz_utc);
    assert_null(rn_tz_load(arena, "Mars/Olympus", &files, &err));
    assert_string_equal(err, "unknown time zone Mars/Olympus");
    assert_null(rn_tz_load(arena, "../etc/passwd", &files, &err));
    assert_string_equal(err, "time: invalid location name");
    assert_null(rn_tz_load(arena, "/etc/localtime", &files, &err));
    assert_string_equal(err, "time: invalid location name");
    assert_null(rn_tz_load(arena, "America", &files, &err));
    assert_string_equal(err, "is a directory");
    /* without a host, or a reader, no zone file exists */
    assert_null(rn_tz_load(arena, "Asia/Kolkata", NULL, &err));
    assert_string_equal(err, "unknown time zone Asia/Kolkata");
    assert_ptr_equal(rn_tz_local(arena, NULL), &rn_tz_utc);
    /* $ZONEINFO first: a directory without the zone falls through */
    rn_host h = files;
    h.zoneinfo = "/nonexistent";
    const rn_tz *l = rn_tz_load(arena, "Asia/Kolkata", &h, &err);
    assert_non_null(l);
    h.zoneinfo = "/usr/share/zoneinfo/Asia";
    l = rn_tz_load(arena, "Kolkata", &h, &err);
    assert_non_null(l);
    assert_string_equal(l->name, "Kolkata");
    assert_string_equal(rn_tz_lookup(l, 0).name, "IST");
}

/* initLocal: which zone TZ names. */
static void test_local(void **state)
{
    assert_ptr_equal(local(true, ""), &rn_tz_utc);
    assert_ptr_equal(local(true, "UTC"), &rn_tz_utc);
    assert_ptr_equal(local(true, "Nowhere/Zone"), &rn_tz_utc);
    assert_ptr_equal(local(true, ":"), &rn_tz_utc);
    const rn_tz *l = local(true, ":Asia/Kolkata");
    assert_string_equal(l->name, "Asia/Kolkata");
    l = local(true, "/usr/share/zoneinfo/Asia/Kolkata");
    assert_string_equal(l->name, "/usr/share/zoneinfo/Asia/Kolkata");
    assert_string_equal(rn_tz_lookup(l, 0).name, "IST");
    l = local(false, NULL);
    assert_true(l == &rn_tz_utc || !strcmp(l->name, "Local"));
}

static void test_fixed(void **state)
{
    const rn_tz *l = rn_tz_fixed(arena, "", -34200);
    static const want w[] = {{-1099511627776LL, "", -34200, ZERO, ZERO, false}};
    check(l, w, 1, "FixedZone");
    check(&rn_tz_utc, (const want[]){{5, "UTC", 0, ZERO, ZERO, false}}, 1,
          "UTC");
    check(NULL, (const want[]){{5, "UTC", 0, ZERO, ZERO, false}}, 1, "nil");
}

/* --- TZif files built here, as Go's test would build them --- */

typedef struct zn {
    int32_t off;
    bool dst;
    unsigned char abbr;
} zn;

static void put4(rn_buf *b, uint32_t v)
{
    for (int i = 3; i >= 0; i--)
        rn_buf_putc(b, (char)(v >> (8 * i)));
}

/* version 0 builds a v1 file (32-bit times, no footer). */
static void build(rn_buf *b, char version, const int64_t *times,
                  const unsigned char *idx, size_t ntx, const zn *zones,
                  size_t nz, const char *chars, size_t nchars,
                  const char *footer)
{
    for (int part = version ? 0 : 1; part < 2; part++) {
        bool counts = version == 0 || part == 1;
        rn_buf_append(b, "TZif", 4);
        rn_buf_putc(b, version);
        for (int i = 0; i < 15; i++)
            rn_buf_putc(b, 0);
        uint32_t c[6] = {
            0, 0, 0, (uint32_t)ntx, (uint32_t)nz, (uint32_t)nchars};
        for (int i = 0; i < 6; i++)
            put4(b, counts ? c[i] : 0);
    }
    for (size_t i = 0; i < ntx; i++) {
        if (version) {
            put4(b, (uint32_t)((uint64_t)times[i] >> 32));
        }
        put4(b, (uint32_t)(uint64_t)times[i]);
    }
    rn_buf_append(b, (const char *)idx, ntx);
    for (size_t i = 0; i < nz; i++) {
        put4(b, (uint32_t)zones[i].off);
        rn_buf_putc(b, zones[i].dst);
        rn_buf_putc(b, (char)zones[i].abbr);
    }
    rn_buf_append(b, chars, nchars);
    if (version) {
        rn_buf_putc(b, '\n');
        rn_buf_puts(b, footer);
        rn_buf_putc(b, '\n');
    }
}

static const rn_tz *from(const rn_buf *b, const char **err)
{
    return rn_tz_from_data(arena, "test", (const unsigned char *)b->data,
                           b->len, err);
}

#define BUILD(b, v, times, idx, zones, chars, footer)                          \
    build(b, v, times, idx, sizeof idx, zones, sizeof zones / sizeof *zones,   \
          chars, sizeof chars - 1, footer)

static void test_tzif(void **state)
{
    const char *err;
    rn_buf b = RN_BUF_INIT;

    /* a southern-hemisphere footer with /0 times */
    {
        static const int64_t t[] = {0};
        static const unsigned char i[] = {0};
        static const zn z[] = {{-10800, false, 0}};
        BUILD(&b, '2', t, i, z, "-03\0", "<-03>3<-02>,M10.1.0/0,M2.3.0/0");
        static const want w[] = {
            {-86400, "-03", -10800, ZERO, 0, false},
            {1000, "-02", -7200, 0, 3895200, true},
            {1700000000, "-02", -7200, 1696129200, 1704067200, true},
            {1710000000, "-03", -10800, 1708221600, 1728183600, false},
            {1740000000, "-03", -10800, 1739671200, 1759633200, false},
            {4102444800, "-02", -7200, 4102444800, 4106858400, true},
            {4120000000, "-03", -10800, 4106858400, 4126215600, false},
        };
        check(from(&b, &err), w, sizeof w / sizeof *w, "south");
        rn_buf_reset(&b);
    }
    /* Julian (J60: never Feb 29) and zero-based day-of-year rules */
    {
        static const int64_t t[] = {100};
        static const unsigned char i[] = {0};
        static const zn z[] = {{3600, false, 0}};
        BUILD(&b, '3', t, i, z, "AAA\0", "AAA-1BBB,J60/1,300/3:30");
        static const want w[] = {
            {50, "AAA", 3600, ZERO, 100, false},
            {1000, "AAA", 3600, 0, 5097600, false},
            {951782400, "AAA", 3600, 946684800, 951868800, false},
            {951868800, "BBB", 7200, 951868800, 972610200, true},
            {983491200, "BBB", 7200, 983404800, 1004232600, true},
            {1700000000, "AAA", 3600, 1698456600, 1704067200, false},
            {1709251200, "BBB", 7200, 1709251200, 1729992600, true},
            {-1000000000, "AAA", 3600, ZERO, 100, false},
        };
        check(from(&b, &err), w, sizeof w / sizeof *w, "julian");
        rn_buf_reset(&b);
    }
    /* a footer without DST, at a quarter hour */
    {
        static const int64_t t[] = {-100};
        static const unsigned char i[] = {0};
        static const zn z[] = {{20700, false, 0}};
        BUILD(&b, '2', t, i, z, "+0545\0", "<+0545>-5:45");
        static const want w[] = {
            {-200, "+0545", 20700, ZERO, -100, false},
            {4102444800, "+0545", 20700, -100, ZERO, false},
        };
        check(from(&b, &err), w, 2, "nodst");
        rn_buf_reset(&b);
    }
    /* version 1: 32-bit times, no footer */
    {
        static const int64_t t[] = {-2000000000, 100000};
        static const unsigned char i[] = {1, 0};
        static const zn z[] = {{3600, false, 0}, {7200, true, 4}};
        BUILD(&b, 0, t, i, z, "ONE\0TWO\0", "");
        static const want w[] = {
            {-3000000000, "ONE", 3600, ZERO, -2000000000, false},
            {-2000000000, "TWO", 7200, -2000000000, 100000, true},
            {2000000000, "ONE", 3600, 100000, ZERO, false},
        };
        check(from(&b, &err), w, 3, "v1");
        rn_buf_reset(&b);
    }
    /* before the first transition: the first standard zone before the
     * one it goes to (lookupFirstZone) */
    {
        static const int64_t t[] = {10, 20, 30};
        static const unsigned char i[] = {2, 1, 0};
        static const zn z[] = {{100, true, 0}, {200, false, 2}, {300, true, 4}};
        BUILD(&b, '2', t, i, z, "A\0B\0C\0", "");
        static const want w[] = {
            {0, "B", 200, ZERO, 10, false},
            {15, "C", 300, 10, 20, true},
            {35, "A", 100, 30, ZERO, true},
        };
        check(from(&b, &err), w, 3, "first zone");
        rn_buf_reset(&b);
    }
    /* no transitions; a footer Go cannot read is ignored; EST5EDT's
     * default rules */
    {
        static const unsigned char i[1] = {0};
        static const zn z[] = {{-3600, false, 0}};
        build(&b, '2', NULL, i, 0, z, 1, "N", 2, "");
        check(from(&b, &err),
              (const want[]){{0, "N", -3600, ZERO, ZERO, false}}, 1,
              "no transitions");
        rn_buf_reset(&b);
        static const int64_t t[] = {0};
        static const zn x[] = {{3600, false, 0}};
        build(&b, '2', t, i, 1, x, 1, "X1", 3, "X1,");
        check(from(&b, &err), (const want[]){{100, "X1", 3600, 0, ZERO, false}},
              1, "bad footer");
        rn_buf_reset(&b);
        static const zn e[] = {{-18000, false, 0}, {-14400, true, 4}};
        build(&b, '2', t, i, 1, e, 2, "EST\0EDT", 8, "EST5EDT");
        static const want w[] = {
            {1710053999, "EST", -18000, 1704067200, 1710054000, false},
            {1710054000, "EDT", -14400, 1710054000, 1730613600, true},
        };
        check(from(&b, &err), w, 2, "default rules");
        rn_buf_reset(&b);
    }
    /* malformed files */
    {
        static const int64_t t[] = {10};
        static const unsigned char i[] = {1};
        static const zn z[] = {{100, false, 0}, {200, true, 9}};
        BUILD(&b, '2', t, i, z, "A\0B\0", "");
        assert_null(from(&b, &err));
        assert_string_equal(err, "malformed time zone information");
        rn_buf_reset(&b);
        static const unsigned char j[] = {5};
        static const zn y[] = {{100, false, 0}};
        BUILD(&b, '2', t, j, y, "A\0", "");
        assert_null(from(&b, &err));
        b.len = 30;
        assert_null(from(&b, &err));
        assert_null(rn_tz_from_data(arena, "x", (const unsigned char *)"TZif",
                                    4, &err));
        assert_string_equal(err, "malformed time zone information");
    }
    rn_buf_free(&b);
}

/* $ZONEINFO as a zip of stored members (Go's lib/time/zoneinfo.zip) */

static rn_buf zip_bytes;

static int read_mem(void *arg, const char *path, size_t max,
                    unsigned char **data, size_t *len)
{
    if (strcmp(path, "mem.zip"))
        return read_file(arg, path, max, data, len);
    *data = malloc(zip_bytes.len);
    memcpy(*data, zip_bytes.data, zip_bytes.len);
    *len = zip_bytes.len;
    return 0;
}

static void put2le(rn_buf *b, unsigned v)
{
    rn_buf_putc(b, (char)(v & 0xff));
    rn_buf_putc(b, (char)(v >> 8));
}

static void put4le(rn_buf *b, uint32_t v)
{
    put2le(b, v & 0xffff);
    put2le(b, v >> 16);
}

/* One member `name` holding data, stored (meth 0) or not. */
static void build_zip(rn_buf *z, const char *name, const rn_buf *data,
                      unsigned meth)
{
    size_t nl = strlen(name);
    put4le(z, 0x04034b50);
    put2le(z, 20);
    put2le(z, 0);
    put2le(z, meth);
    for (int i = 0; i < 16; i++) /* time, date, crc, sizes: unread */
        rn_buf_putc(z, 0);
    put2le(z, (unsigned)nl);
    put2le(z, 0);
    rn_buf_append(z, name, nl);
    rn_buf_append(z, data->data, data->len);
    uint32_t cd = (uint32_t)z->len;
    put4le(z, 0x02014b50);
    put2le(z, 20);
    put2le(z, 20);
    put2le(z, 0);
    put2le(z, meth);
    put4le(z, 0);
    put4le(z, 0);
    put4le(z, (uint32_t)data->len);
    put4le(z, (uint32_t)data->len);
    put2le(z, (unsigned)nl);
    put2le(z, 0);
    put2le(z, 0);
    put2le(z, 0);
    put2le(z, 0);
    put4le(z, 0);
    put4le(z, 0); /* the local header's offset */
    rn_buf_append(z, name, nl);
    uint32_t cdlen = (uint32_t)z->len - cd;
    put4le(z, 0x06054b50);
    put2le(z, 0);
    put2le(z, 0);
    put2le(z, 1);
    put2le(z, 1);
    put4le(z, cdlen);
    put4le(z, cd);
    put2le(z, 0);
}

static void test_zoneinfo_zip(void **state)
{
    rn_buf tzif = RN_BUF_INIT;
    static const int64_t t[] = {0};
    static const unsigned char i[] = {0};
    static const zn z[] = {{20700, false, 0}};
    BUILD(&tzif, '2', t, i, z, "ZIP\0", "ZIP-5:45");
    rn_host h = {.read_file = read_mem, .zoneinfo = "mem.zip"};
    const char *err;
    build_zip(&zip_bytes, "Only/InZip", &tzif, 0);
    const rn_tz *l = rn_tz_load(arena, "Only/InZip", &h, &err);
    assert_non_null(l);
    assert_string_equal(rn_tz_lookup(l, 100).name, "ZIP");
    /* a zone not in the zip comes from the system's files */
    assert_non_null(rn_tz_load(arena, "Asia/Kolkata", &h, &err));
    assert_null(rn_tz_load(arena, "Not/There", &h, &err));
    assert_string_equal(err, "unknown time zone Not/There");
    rn_buf_reset(&zip_bytes);
    build_zip(&zip_bytes, "Only/InZip", &tzif, 8);
    assert_null(rn_tz_load(arena, "Only/InZip", &h, &err));
    assert_string_equal(err,
                        "unsupported compression for Only/InZip in mem.zip");
    rn_buf_reset(&zip_bytes);
    rn_buf_append(&zip_bytes, "PK", 2);
    assert_null(rn_tz_load(arena, "Only/InZip", &h, &err));
    assert_string_equal(err, "corrupt zip file mem.zip");
    rn_buf_free(&zip_bytes);
    rn_buf_free(&tzif);
}

/* --- through the template engine, with TZ set --- */

/* The clock: the reading arg points to, or Go's example one. */
static int fixed_clock(void *arg, rn_clock_reading *r)
{
    *r = arg ? *(const rn_clock_reading *)arg
             : (rn_clock_reading){1700000000, 5, 1234};
    return 0;
}

static const rn_clock_reading *clock_reading;

static const char *render_tz(const char *tz, const char *tpl)
{
    static char result[RN_ERROR_MAX + 16];
    rn_arena *a = rn_arena_new();
    tmpl_set *s = tmpl_set_new(a);
    tmpl_set_add_funcs(s, rn_funcs_sprig);
    rn_error err;
    rn_error_clear(&err);
    rn_host host = files;
    host.now = fixed_clock;
    host.now_arg = (void *)clock_reading;
    host.tz_set = tz != NULL;
    host.tz = tz;
    rn_buf out = RN_BUF_INIT;
    int rc = tmpl_parse(s, "t", tpl, strlen(tpl), &err);
    if (rc == 0)
        rc = tmpl_execute_host(s, a, &host, "t", NULL, &out, &err);
    snprintf(result, sizeof result, "%s",
             rc == 0 ? rn_buf_cstr(&out) : err.msg);
    rn_buf_free(&out);
    rn_arena_free(a);
    return result;
}

static void test_local_templates(void **state)
{
    /* generated against helm v3.21.4 with TZ=Asia/Kolkata */
    assert_string_equal(
        render_tz("Asia/Kolkata",
                  "{{ date \"2006-01-02 15:04 MST\" 0 }}|{{ (toDate "
                  "\"2006-01-02\" \"2024-02-29\").String }}|{{ (toDate "
                  "\"2006-01-02 15:04 MST\" \"2024-02-29 10:00 IST\").Unix "
                  "}}|{{ (toDate \"2006-01-02 -0700\" \"2024-02-29 "
                  "+0530\").Location }}|{{ (toDate \"2006-01-02 -0700\" "
                  "\"2024-02-29 +0100\").Location }}|{{ htmlDate 1700000000 "
                  "}}|{{ (toDate \"2006\" \"2020\").UTC }}"),
        "1970-01-01 05:30 IST|2024-02-29 00:00:00 +0530 IST|1709181000|"
        "Asia/Kolkata||2023-11-15|2019-12-31 18:30:00 +0000 UTC");
    /* Lord Howe's half-hour DST through AddDate across its change */
    assert_string_equal(
        render_tz(":Australia/Lord_Howe",
                  "{{ $t := toDate \"2006-01-02 15:04\" \"2024-04-06 12:00\" "
                  "}}{{ $t }}|{{ $t.AddDate 0 0 1 }}|{{ $t.IsDST }}|{{ "
                  "($t.AddDate 0 0 1).IsDST }}"),
        "2024-04-06 12:00:00 +1100 +11|2024-04-07 12:00:00 +1030 +1030|"
        "true|false");
    /* TZ="" is UTC */
    assert_string_equal(render_tz("", "{{ date \"15:04 MST\" 3600 }}"),
                        "01:00 UTC");
}

/* now and ago at a known instant: what Time.String prints of the
 * monotonic reading, what Add and the zone changes do to it, and ago's
 * rounding, as Go computes them. */
static void test_clock(void **state)
{
    clock_reading = NULL;
    assert_string_equal(
        render_tz("Asia/Kolkata",
                  "{{ now }}|{{ now.UTC }}|{{ dateModify \"-1ms\" now }}|{{ "
                  "now.Unix }}|{{ ago (now.Add -5400499999999) }}|{{ ago "
                  "(now.Add -5400500000000) }}|{{ ago 1699996400 }}|{{ ago "
                  "(now.Add 1500000000) }}|{{ ago (now.UTC.Add -1) }}"),
        "2023-11-15 03:43:20.000000005 +0530 IST m=+0.000001234|2023-11-14 "
        "22:13:20.000000005 +0000 UTC|2023-11-15 03:43:19.999000005 +0530 "
        "IST m=-0.000998766|1700000000|1h30m0s|1h30m1s|1h0m0s|-2s|0s");
    static const rn_clock_reading late = {4000000000, 999999999,
                                          2000000000123456789};
    clock_reading = &late;
    assert_string_equal(render_tz("", "{{ now }}|{{ now.Add 1 }}"),
                        "2096-10-02 07:06:40.999999999 +0000 UTC "
                        "m=+2000000000.123456789|2096-10-02 07:06:41 +0000 "
                        "UTC m=+2000000000.123456790");
    /* past 2157 Go keeps no monotonic reading; -1: the host has none */
    static const rn_clock_reading far = {6000000000, 0, 42};
    clock_reading = &far;
    assert_string_equal(render_tz("", "{{ now }}"),
                        "2160-02-18 10:40:00 +0000 UTC");
    static const rn_clock_reading none = {0, 0, -1};
    clock_reading = &none;
    assert_string_equal(render_tz("", "{{ now }}|{{ ago now }}"),
                        "1970-01-01 00:00:00 +0000 UTC|0s");
    clock_reading = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dst, setup, teardown),
        cmocka_unit_test_setup_teardown(test_footer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pre_1970, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kolkata, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lord_howe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_local, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fixed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tzif, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zoneinfo_zip, setup, teardown),
        cmocka_unit_test(test_local_templates),
        cmocka_unit_test(test_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
