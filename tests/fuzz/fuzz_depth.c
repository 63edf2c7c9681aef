/*
 * Fuzz target: Depth (rwdav_depth_parse, rwdav_depth_check).
 *
 * Input: selector byte S, then the Depth value.
 *   S % 48 picks the combination checked first: method = S % 12 (the
 *   rwdav_method values), is_collection = (S / 12) & 1,
 *   allow_infinity = (S / 24) & 1. After it every other combination is
 *   checked too (there are only 48), with the parsed depth and with an
 *   absent Depth.
 * Properties (dav/RULES.md "Depth"):
 *   - parse succeeds exactly for "0", "1" and ASCII-case-insensitive
 *     "infinity", with the matching value;
 *   - rwdav_depth_check agrees with the per-method table of RULES.md
 *     (status, sub-status 2, DAV:propfind-finite-depth on the 403).
 */
#include "fuzz_common.h"

FUZZ_TARGET("depth");

#define N_METHODS 12   /* RWDAV_M_OTHER .. RWDAV_M_OPTIONS */

static int is_infinity(const uint8_t *v, size_t n)
{
    static const char lit[] = "infinity";
    size_t i;

    if (n != sizeof(lit) - 1)
        return 0;
    for (i = 0; i < n; i++) {
        uint8_t c = v[i];
        if (c >= 'A' && c <= 'Z')
            c = (uint8_t)(c + 32);
        if (c != (uint8_t)lit[i])
            return 0;
    }
    return 1;
}

/* The table of RULES.md: 0 (allowed), 400 or 403. */
static int expected_status(rwdav_method m, rwdav_depth d, int coll, int allow)
{
    int inf = d == RWDAV_DEPTH_ABSENT || d == RWDAV_DEPTH_INFINITY;

    switch (m) {
    case RWDAV_M_PROPFIND:
        return inf && coll && !allow ? 403 : 0;
    case RWDAV_M_COPY:
    case RWDAV_M_LOCK:
        return d == RWDAV_DEPTH_1 ? 400 : 0;
    case RWDAV_M_MOVE:
        return inf ? 0 : 400;
    case RWDAV_M_DELETE:
        if (coll)
            return inf ? 0 : 400;
        return d == RWDAV_DEPTH_1 ? 400 : 0;
    default:
        return 0;
    }
}

static void check_one(apr_pool_t *p, int combo, rwdav_depth d)
{
    rwdav_method m = (rwdav_method)(combo % N_METHODS);
    int coll = (combo / N_METHODS) & 1;
    int allow = (combo / (2 * N_METHODS)) & 1;
    rwdav_error *e = rwdav_depth_check(p, m, d, coll, allow);
    int want = expected_status(m, d, coll, allow);

    if (want == 0) {
        FUZZ_ASSERT(e == NULL, "depth_check refused an allowed depth");
        return;
    }
    FUZZ_ASSERT(e != NULL, "depth_check allowed a refused depth");
    fuzz_check_error(e, RWDAV_SUB_DEPTH, (size_t)-1);
    FUZZ_ASSERT(e->status == want, "depth_check status");
    if (want == 403)
        FUZZ_ASSERT(e->condition != NULL
                    && strcmp(e->condition, "propfind-finite-depth") == 0,
                    "403 names DAV:propfind-finite-depth");
    else
        FUZZ_ASSERT(e->condition == NULL, "400 has no DAV: condition");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    uint8_t sel = fuzz_byte(&in);
    int first = sel % (4 * N_METHODS), k;
    apr_pool_t *p = fuzz_pool();
    rwdav_depth d = RWDAV_DEPTH_ABSENT;
    rwdav_error *e;
    int want_ok;
    rwdav_depth want = RWDAV_DEPTH_ABSENT;

    if (in.n == 1 && (in.d[0] == '0' || in.d[0] == '1')) {
        want_ok = 1;
        want = in.d[0] == '0' ? RWDAV_DEPTH_0 : RWDAV_DEPTH_1;
    }
    else {
        want_ok = is_infinity(in.d, in.n);
        want = RWDAV_DEPTH_INFINITY;
    }

    e = rwdav_depth_parse(p, (const char *)in.d, in.n, &d);
    if (e) {
        FUZZ_ASSERT(!want_ok, "depth_parse refused a valid Depth");
        fuzz_check_error(e, RWDAV_SUB_DEPTH, in.n);
        FUZZ_ASSERT(e->status == 400, "depth_parse refuses with 400");
    }
    else {
        FUZZ_ASSERT(want_ok, "depth_parse accepted an invalid Depth");
        FUZZ_ASSERT(d == want, "depth_parse value");
        check_one(p, first, d);
        for (k = 0; k < 4 * N_METHODS; k++)
            check_one(p, k, d);
    }
    /* an absent Depth, whatever the value was */
    check_one(p, first, RWDAV_DEPTH_ABSENT);
    for (k = 0; k < 4 * N_METHODS; k++)
        check_one(p, k, RWDAV_DEPTH_ABSENT);

    apr_pool_destroy(p);
    return 0;
}
