/*
 * Fuzz target: Timeout (rwdav_timeout_parse).
 *
 * Input: selector byte S, [L1 L2 when S & 0x80], then the Timeout value.
 *   S & 0x80 selects custom limits (fuzz_common.h); other bits are unused.
 * Properties (dav/RULES.md "Timeout"):
 *   - errors are 400.8 with the usual invariants;
 *   - on success: 1..timeout_types values, each -1 (Infinite) or
 *     0..4294967295;
 *   - `normalized` is NUL-terminated, equal to the input when
 *     rewritten == 0;
 *   - parsing `normalized` again gives the same seconds and rewritten == 0
 *     (with header_len raised to its length: "a,b" becomes "a, b").
 */
#include "fuzz_common.h"

FUZZ_TARGET("timeout");

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    uint8_t sel = fuzz_byte(&in);
    rwdav_limits lim, l2;
    apr_pool_t *p;
    rwdav_timeout t, again;
    rwdav_error *e;
    size_t nlen;
    int i;

    fuzz_limits(&in, sel, &lim);
    p = fuzz_pool();

    e = rwdav_timeout_parse(p, (const char *)in.d, in.n, &lim, &t);
    if (e) {
        fuzz_check_error(e, RWDAV_SUB_TIMEOUT, in.n);
        FUZZ_ASSERT(e->status == 400, "Timeout refuses with 400");
        apr_pool_destroy(p);
        return 0;
    }

    FUZZ_ASSERT(t.seconds != NULL && t.seconds->nelts >= 1, "a value");
    FUZZ_ASSERT((size_t)t.seconds->nelts <= lim.timeout_types,
                "timeout_types");
    for (i = 0; i < t.seconds->nelts; i++) {
        apr_int64_t s = APR_ARRAY_IDX(t.seconds, i, apr_int64_t);
        FUZZ_ASSERT(s == -1 || (s >= 0 && s <= RWDAV_TIMEOUT_MAX),
                    "seconds within 0..4294967295 or -1");
    }
    FUZZ_ASSERT(t.normalized != NULL, "normalized is set");
    nlen = strlen(t.normalized);
    if (!t.rewritten)
        FUZZ_ASSERT(fuzz_streq_mem(t.normalized, in.d, in.n),
                    "rewritten == 0: normalized is the input");

    l2 = lim;
    if (l2.header_len < nlen)
        l2.header_len = nlen;
    e = rwdav_timeout_parse(p, t.normalized, nlen, &l2, &again);
    FUZZ_ASSERT(e == NULL, "normalized parses again");
    FUZZ_ASSERT(!again.rewritten, "normalized is stable");
    FUZZ_ASSERT(again.seconds->nelts == t.seconds->nelts,
                "normalized has as many values");
    for (i = 0; i < t.seconds->nelts; i++)
        FUZZ_ASSERT(APR_ARRAY_IDX(again.seconds, i, apr_int64_t)
                    == APR_ARRAY_IDX(t.seconds, i, apr_int64_t),
                    "normalized has the same seconds");

    apr_pool_destroy(p);
    return 0;
}
