/*
 * Fuzz target: Lock-Token (rwdav_locktoken_parse).
 *
 * Input: selector byte S, [L1 L2 when S & 0x80], then the Lock-Token value.
 *   S & 1 is allow_bare; S & 0x80 selects custom limits (fuzz_common.h).
 * Properties (dav/RULES.md "Lock-Token"):
 *   - errors are 400.9 with the usual invariants;
 *   - on success `normalized` is "<" token ">", and the input itself when it
 *     was bracketed; a bare token is accepted only with allow_bare;
 *   - `normalized` parses again with allow_bare = 0, to the same token and
 *     the same `normalized` (header_len raised by the two brackets a bare
 *     token gains).
 */
#include "fuzz_common.h"

FUZZ_TARGET("locktoken");

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    uint8_t sel = fuzz_byte(&in);
    int allow_bare = sel & 1;
    rwdav_limits lim, l2;
    apr_pool_t *p;
    const char *token = NULL, *norm = NULL, *token2 = NULL, *norm2 = NULL;
    rwdav_error *e;
    size_t tlen, nlen;

    fuzz_limits(&in, sel, &lim);
    p = fuzz_pool();

    e = rwdav_locktoken_parse(p, (const char *)in.d, in.n, &lim, allow_bare,
                              &token, &norm);
    if (e) {
        fuzz_check_error(e, RWDAV_SUB_LOCK_TOKEN, in.n);
        FUZZ_ASSERT(e->status == 400, "Lock-Token refuses with 400");
        apr_pool_destroy(p);
        return 0;
    }

    FUZZ_ASSERT(token != NULL && norm != NULL, "token and normalized set");
    tlen = strlen(token);
    nlen = strlen(norm);
    FUZZ_ASSERT(tlen > 0 && nlen == tlen + 2 && norm[0] == '<'
                && norm[nlen - 1] == '>' && !memcmp(norm + 1, token, tlen),
                "normalized is <token>");
    if (in.n > 0 && in.d[0] == '<')
        FUZZ_ASSERT(fuzz_streq_mem(norm, in.d, in.n),
                    "a Coded-URL is kept as is");
    else
        FUZZ_ASSERT(allow_bare && fuzz_streq_mem(token, in.d, in.n),
                    "a bare token only with allow_bare");

    l2 = lim;
    if (l2.header_len < nlen)
        l2.header_len = nlen;
    e = rwdav_locktoken_parse(p, norm, nlen, &l2, 0, &token2, &norm2);
    FUZZ_ASSERT(e == NULL, "normalized parses again without allow_bare");
    FUZZ_ASSERT(strcmp(token2, token) == 0, "same token");
    FUZZ_ASSERT(strcmp(norm2, norm) == 0, "same normalized");

    apr_pool_destroy(p);
    return 0;
}
