/*
 * Fuzz target: If (rwdav_if_parse, rwdav_if_refresh_check).
 *
 * Input: selector byte S, [L1 L2 when S & 0x80], then the If value.
 *   S & 0x80 selects custom limits (fuzz_common.h); other bits are unused.
 * Properties (dav/RULES.md "If"):
 *   - errors are 400.3 with the usual invariants;
 *   - on success: at least one list, at most if_lists lists and
 *     if_conditions conditions, every list non-empty, Resource-Tags on every
 *     list exactly when tagged, entity-tags quoted;
 *   - condition values are pieces of the input (spans into it);
 *   - `normalized` is NULL when rewritten == 0; when rewritten == 1 it is a
 *     NUL-terminated string that differs from the input and parses again,
 *     to the same lists and conditions, with rewritten == 0 (normalising is
 *     idempotent; header_len is raised to its length, which may exceed the
 *     input's);
 *   - rwdav_if_refresh_check succeeds exactly when some condition is a
 *     state token that is not negated, and always refuses a NULL header;
 *   - the one-pass path for "(<token>)" / "(Not <token>)" and the general
 *     grammar (rwdav_if_parse_general) agree on the verdict, the offset, the
 *     rewrite and every list and condition.
 */
#include "fuzz_common.h"
#include "rwdav_scan.h"

FUZZ_TARGET("if");

static void check_shape(const rwdav_if *h, const rwdav_limits *lim,
                        const char *base, size_t blen, int *has_lock)
{
    int i, k;
    size_t total = 0;

    FUZZ_ASSERT(h->lists != NULL && h->lists->nelts >= 1, "at least a list");
    FUZZ_ASSERT((size_t)h->lists->nelts <= lim->if_lists, "if_lists");
    *has_lock = 0;
    for (i = 0; i < h->lists->nelts; i++) {
        const rwdav_if_list *l = &APR_ARRAY_IDX(h->lists, i, rwdav_if_list);
        FUZZ_ASSERT(l->conditions != NULL && l->conditions->nelts >= 1,
                    "no empty list");
        FUZZ_ASSERT(h->tagged ? l->resource.p != NULL : l->resource.p == NULL,
                    "Resource-Tag exactly on tagged lists");
        total += (size_t)l->conditions->nelts;
        for (k = 0; k < l->conditions->nelts; k++) {
            const rwdav_if_condition *c =
                &APR_ARRAY_IDX(l->conditions, k, rwdav_if_condition);
            const char *v = c->value.p;
            size_t n = c->value.len;
            FUZZ_ASSERT(v != NULL && n > 0 && v >= base && v + n <= base + blen,
                        "condition value: a piece of the input");
            if (c->is_etag)
                FUZZ_ASSERT(n >= 2 && v[n - 1] == '"'
                            && (v[0] == '"'
                                || (n >= 4 && !strncmp(v, "W/\"", 3))),
                            "entity-tag is quoted");
            else if (!c->negated)
                *has_lock = 1;
        }
    }
    FUZZ_ASSERT(total <= lim->if_conditions, "if_conditions");
}

static int same_lists(const rwdav_if *a, const rwdav_if *b)
{
    int i, k;

    if (a->tagged != b->tagged || a->lists->nelts != b->lists->nelts)
        return 0;
    for (i = 0; i < a->lists->nelts; i++) {
        const rwdav_if_list *la = &APR_ARRAY_IDX(a->lists, i, rwdav_if_list);
        const rwdav_if_list *lb = &APR_ARRAY_IDX(b->lists, i, rwdav_if_list);
        if (la->conditions->nelts != lb->conditions->nelts)
            return 0;
        if ((la->resource.p == NULL) != (lb->resource.p == NULL)
            || la->resource.len != lb->resource.len
            || (la->resource.p && memcmp(la->resource.p, lb->resource.p,
                                         la->resource.len)))
            return 0;
        for (k = 0; k < la->conditions->nelts; k++) {
            const rwdav_if_condition *ca =
                &APR_ARRAY_IDX(la->conditions, k, rwdav_if_condition);
            const rwdav_if_condition *cb =
                &APR_ARRAY_IDX(lb->conditions, k, rwdav_if_condition);
            if (ca->negated != cb->negated || ca->is_etag != cb->is_etag)
                return 0;
        }
    }
    return 1;
}

static void same_as_general(apr_pool_t *p, const char *v, size_t n,
                            const rwdav_limits *lim, const rwdav_error *ea,
                            const rwdav_if *a)
{
    rwdav_if b;
    const rwdav_error *eb = rwdav_if_parse_general(p, v, n, lim, &b);
    int i, k;

    FUZZ_ASSERT((ea == NULL) == (eb == NULL),
                "fast path and general grammar give the same verdict");
    if (ea) {
        FUZZ_ASSERT(ea->offset == eb->offset && ea->id == eb->id,
                    "fast path and general grammar refuse alike");
        return;
    }
    FUZZ_ASSERT(a->rewritten == b.rewritten && same_lists(a, &b)
                && (!a->normalized || !strcmp(a->normalized, b.normalized)),
                "fast path and general grammar give the same lists");
    for (i = 0; i < a->lists->nelts; i++) {
        const rwdav_if_list *la = &APR_ARRAY_IDX(a->lists, i, rwdav_if_list);
        const rwdav_if_list *lb = &APR_ARRAY_IDX(b.lists, i, rwdav_if_list);
        for (k = 0; k < la->conditions->nelts; k++) {
            const rwdav_if_condition *ca =
                &APR_ARRAY_IDX(la->conditions, k, rwdav_if_condition);
            const rwdav_if_condition *cb =
                &APR_ARRAY_IDX(lb->conditions, k, rwdav_if_condition);
            FUZZ_ASSERT(ca->value.p == cb->value.p
                        && ca->value.len == cb->value.len,
                        "fast path and general grammar: same condition spans");
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    uint8_t sel = fuzz_byte(&in);
    rwdav_limits lim, l2;
    apr_pool_t *p;
    rwdav_if h, again;
    rwdav_error *e;
    int has_lock;
    size_t nlen = 0;

    fuzz_limits(&in, sel, &lim);
    p = fuzz_pool();

    /* no If header: a LOCK refresh is always refused */
    e = rwdav_if_refresh_check(p, NULL);
    FUZZ_ASSERT(e != NULL, "refresh without If is refused");
    fuzz_check_error(e, RWDAV_SUB_IF, (size_t)-1);

    e = rwdav_if_parse(p, (const char *)in.d, in.n, &lim, &h);
    same_as_general(p, (const char *)in.d, in.n, &lim, e, &h);
    if (e) {
        fuzz_check_error(e, RWDAV_SUB_IF, in.n);
        FUZZ_ASSERT(e->status == 400, "If refuses with 400");
        apr_pool_destroy(p);
        return 0;
    }

    check_shape(&h, &lim, (const char *)in.d, in.n, &has_lock);
    if (!h.rewritten) {
        FUZZ_ASSERT(h.normalized == NULL,
                    "rewritten == 0: no normalized copy");
    }
    else {
        FUZZ_ASSERT(h.normalized != NULL, "rewritten == 1: normalized set");
        nlen = strlen(h.normalized);   /* up to the NUL: ASan checks it */
        FUZZ_ASSERT(!fuzz_streq_mem(h.normalized, in.d, in.n),
                    "rewritten == 1: normalized differs from the input");
    }

    e = rwdav_if_refresh_check(p, &h);
    if (has_lock)
        FUZZ_ASSERT(e == NULL, "refresh with a non-negated state token");
    else {
        FUZZ_ASSERT(e != NULL, "refresh without a non-negated state token");
        fuzz_check_error(e, RWDAV_SUB_IF, (size_t)-1);
    }

    /* normalising again changes nothing */
    if (h.rewritten) {
        l2 = lim;
        if (l2.header_len < nlen)
            l2.header_len = nlen;
        e = rwdav_if_parse(p, h.normalized, nlen, &l2, &again);
        FUZZ_ASSERT(e == NULL, "normalized parses again");
        FUZZ_ASSERT(!again.rewritten && again.normalized == NULL,
                    "normalized is stable");
        FUZZ_ASSERT(same_lists(&h, &again), "normalized has the same lists");
    }

    apr_pool_destroy(p);
    return 0;
}
