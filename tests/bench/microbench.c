/*
 * Parser microbenchmarks over dav/ (rwdav.h): nanoseconds per call and MB/s
 * for each header parser and the body validator, at sizes from tens of
 * bytes to 64 KiB (headers) and 1 MiB (bodies). The last column divides the
 * cost per byte at each size by the cost per byte at the size the series
 * starts from (or the first size above 1 KiB): a parser linear in its input
 * keeps it near 1 however large the input grows.
 *
 *   tests/bench/microbench.sh [min-ms-per-point]
 *
 * Every call parses into a pool cleared after it, as the module does per
 * request; every input is checked to be accepted first, so the figures are
 * for the full parse, never for an early refusal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "rwdav.h"

typedef rwdav_error *(*parse_fn)(apr_pool_t *p, const char *v,
                                 apr_size_t len, int variant);

static rwdav_limits big;   /* room for the largest inputs */
static double min_ns = 200e6;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ---- the parsers, one signature ---- */
static rwdav_error *p_depth(apr_pool_t *p, const char *v, apr_size_t n, int x)
{
    rwdav_depth d;
    return rwdav_depth_parse(p, v, n, &d);
}

static rwdav_error *p_overwrite(apr_pool_t *p, const char *v, apr_size_t n,
                                int x)
{
    int o;
    return rwdav_overwrite_parse(p, v, n, &o);
}

static const rwdav_origin origin = { "http", "127.0.0.1", 8080 };

static rwdav_error *p_destination(apr_pool_t *p, const char *v, apr_size_t n,
                                  int x)
{
    rwdav_destination d;
    return rwdav_destination_parse(p, v, n, &origin, &big, &d);
}

static rwdav_error *p_if(apr_pool_t *p, const char *v, apr_size_t n, int x)
{
    rwdav_if i;
    return rwdav_if_parse(p, v, n, &big, &i);
}

static rwdav_error *p_timeout(apr_pool_t *p, const char *v, apr_size_t n,
                              int x)
{
    rwdav_timeout t;
    return rwdav_timeout_parse(p, v, n, &big, &t);
}

static rwdav_error *p_locktoken(apr_pool_t *p, const char *v, apr_size_t n,
                                int x)
{
    const char *tok, *norm;
    return rwdav_locktoken_parse(p, v, n, &big, 0, &tok, &norm);
}

/* variant 0: the fast path; 1: apr_xml alone */
static rwdav_error *p_body(apr_pool_t *p, const char *v, apr_size_t n, int x)
{
    rwdav_body *b = rwdav_body_create(p, RWDAV_BODY_PROPFIND, &big);
    rwdav_error *e;
    if (x)
        rwdav_body_parser_only(b);
    if ((e = rwdav_body_feed(b, v, n)) != NULL)
        return e;
    return rwdav_body_finish(b);
}

/* ---- inputs of about n bytes ---- */
static char *grow(apr_pool_t *p, const char *head, const char *unit,
                  const char *sep, const char *tail, apr_size_t n)
{
    apr_size_t hl = strlen(head), ul = strlen(unit), sl = strlen(sep);
    apr_size_t tl = strlen(tail), k = 0, at;
    apr_size_t count = n > hl + tl + ul ? (n - hl - tl) / (ul + sl) : 1;
    char *s = apr_palloc(p, hl + count * (ul + sl) + tl + 1);

    memcpy(s, head, hl);
    at = hl;
    for (k = 0; k < count; k++) {
        if (k) {
            memcpy(s + at, sep, sl);
            at += sl;
        }
        memcpy(s + at, unit, ul);
        at += ul;
    }
    memcpy(s + at, tail, tl);
    s[at + tl] = '\0';
    return s;
}

typedef struct {
    const char *name;
    parse_fn fn;
    int variant;
    const char *head, *unit, *sep, *tail;
    apr_size_t max;
} series;

#define T "opaquelocktoken:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
#define PROP "<D:getetag/>"

static const series all[] = {
    { "Depth", p_depth, 0, "", "infinity", "", "", 8 },
    { "Overwrite", p_overwrite, 0, "", "T", "", "", 1 },
    { "Destination", p_destination, 0, "http://127.0.0.1:8080/dav",
      "/segment", "", "", 65536 },
    { "If (tagged lists)", p_if, 0, "", "<http://127.0.0.1:8080/dav/a> (<"
      T "> [\"etag\"])", " ", "", 65536 },
    { "If (one long list)", p_if, 0, "(", "Not <" T ">", " ", ")", 65536 },
    { "Timeout", p_timeout, 0, "", "Second-3600", ", ", "", 65536 },
    { "Lock-Token", p_locktoken, 0, "<" T, "/seg", "", ">", 65536 },
    { "PROPFIND body", p_body, 0,
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\">"
      "<D:prop>", PROP, "", "</D:prop></D:propfind>", 1048576 },
    { "PROPFIND body, apr_xml alone", p_body, 1,
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\">"
      "<D:prop>", PROP, "", "</D:prop></D:propfind>", 1048576 },
};

int main(int argc, char **argv)
{
    apr_pool_t *root, *gen, *p;
    size_t s;

    if (argc > 1)
        min_ns = atof(argv[1]) * 1e6;
    apr_initialize();
    apr_pool_create(&root, NULL);
    apr_pool_create(&gen, root);
    apr_pool_create(&p, root);
    big.header_len = 1 << 20;
    big.if_lists = big.if_conditions = 100000;
    big.timeout_types = 100000;
    big.body_bytes = 4 << 20;
    big.xml_depth = 64;

    printf("%-30s %9s %12s %9s %12s\n", "parser", "bytes", "ns/call",
           "MB/s", "ns/B vs ref");
    for (s = 0; s < sizeof(all) / sizeof(all[0]); s++) {
        const series *sr = &all[s];
        apr_size_t n;
        double ref = 0;
        apr_size_t last = 0;
        for (n = 32; ; n *= 4) {
            apr_size_t want = n > sr->max ? sr->max : n, len;
            const char *in = grow(gen, sr->head, sr->unit, sr->sep, sr->tail,
                                  want);
            double t0, t, per;
            long iters = 0;
            rwdav_error *e;

            len = strlen(in);
            if (len == last) {      /* the unit is longer than this size */
                if (want == sr->max)
                    break;
                continue;
            }
            last = len;
            if ((e = sr->fn(p, in, len, sr->variant)) != NULL) {
                fprintf(stderr, "%s: %lu-byte input refused: %s\n", sr->name,
                        (unsigned long)len, e->reason);
                return 1;
            }
            apr_pool_clear(p);
            t0 = now_ns();
            do {
                int k;
                for (k = 0; k < 64; k++) {
                    sr->fn(p, in, len, sr->variant);
                    apr_pool_clear(p);
                }
                iters += 64;
                t = now_ns() - t0;
            } while (t < min_ns);
            per = t / iters;
            if (!ref && (len >= 1024 || want == sr->max))
                ref = per / len;
            printf("%-30s %9lu %12.1f %9.1f %12s\n", sr->name,
                   (unsigned long)len, per, len / per * 1e3,
                   ref ? apr_psprintf(gen, "%.2f", per / len / ref) : "-");
            if (want == sr->max)
                break;
        }
        apr_pool_clear(gen);
    }
    apr_pool_destroy(root);
    apr_terminate();
    return 0;
}
