/*
 * Fuzz target: Overwrite and Translate (rwdav_overwrite_parse,
 * rwdav_translate_parse).
 *
 * Input: selector byte S, then the header value. S & 1 is the strict flag of
 * the first Translate parse; the other mode is parsed as well.
 * Properties (dav/RULES.md "Overwrite", "Translate"):
 *   - Overwrite: only a single T/F (any case); 1 for T, 0 for F; else 400.4;
 *   - Translate: t -> 1, f -> 0 (any case); any other value is -1 without an
 *     error when lenient, 400.5 when strict; both modes agree on t/f.
 */
#include "fuzz_common.h"

FUZZ_TARGET("flags");

/* 1 for t/T, 0 for f/F, -1 otherwise */
static int letter(const uint8_t *v, size_t n)
{
    if (n != 1)
        return -1;
    if (v[0] == 't' || v[0] == 'T')
        return 1;
    if (v[0] == 'f' || v[0] == 'F')
        return 0;
    return -1;
}

static void check_translate(apr_pool_t *p, const uint8_t *v, size_t n,
                            int strict, int want)
{
    int t = 42;
    rwdav_error *e = rwdav_translate_parse(p, (const char *)v, n, strict, &t);

    if (want >= 0) {
        FUZZ_ASSERT(e == NULL, "Translate t/f refused");
        FUZZ_ASSERT(t == want, "Translate value");
        return;
    }
    FUZZ_ASSERT(t == -1, "Translate: other values give -1");
    if (!strict) {
        FUZZ_ASSERT(e == NULL, "lenient Translate ignores other values");
        return;
    }
    FUZZ_ASSERT(e != NULL, "strict Translate accepted another value");
    fuzz_check_error(e, RWDAV_SUB_TRANSLATE, n);
    FUZZ_ASSERT(e->status == 400, "Translate refuses with 400");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    uint8_t sel = fuzz_byte(&in);
    int strict = sel & 1;
    int want = letter(in.d, in.n);
    apr_pool_t *p = fuzz_pool();
    int ow = 42;
    rwdav_error *e;

    e = rwdav_overwrite_parse(p, (const char *)in.d, in.n, &ow);
    if (want >= 0) {
        FUZZ_ASSERT(e == NULL, "Overwrite T/F refused");
        FUZZ_ASSERT(ow == want, "Overwrite value");
    }
    else {
        FUZZ_ASSERT(e != NULL, "Overwrite accepted something else than T/F");
        fuzz_check_error(e, RWDAV_SUB_OVERWRITE, in.n);
        FUZZ_ASSERT(e->status == 400, "Overwrite refuses with 400");
    }

    check_translate(p, in.d, in.n, strict, want);
    check_translate(p, in.d, in.n, !strict, want);

    apr_pool_destroy(p);
    return 0;
}
