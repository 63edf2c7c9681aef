/*
 * Fuzz target: Destination (rwdav_destination_parse).
 *
 * Input: selector byte S, [L1 L2 when S & 0x80], then the Destination value.
 *   S & 7 picks the origin (the server as the client addressed it) from
 *   origins[] below; S & 0x80 selects custom limits (fuzz_common.h).
 * Properties (dav/RULES.md "Destination"):
 *   - errors are 400.1 or 502 (sub 1) with their usual invariants;
 *   - on success `absolute` is the input itself when rewritten == 0, and an
 *     absolute URI of the origin ("scheme://") otherwise;
 *   - a parsed scheme is the origin's (anything else is a 502);
 *   - `absolute` is itself a valid Destination for the same origin, taken
 *     as is (rewritten == 0): what the module hands mod_dav must be what it
 *     would accept. (Checked with header_len raised to the length of
 *     `absolute`, which may be longer than the input; skipped for the one
 *     origin whose IPv6 host comes without brackets, see origins[].)
 */
#include "fuzz_common.h"

FUZZ_TARGET("destination");

static const struct {
    rwdav_origin o;
    int round_trip;
} origins[8] = {
    { { "http", "127.0.0.1", 8080 }, 1 },
    { { "http", "127.0.0.1", 80 }, 1 },
    { { "https", "example.com", 443 }, 1 },
    { { "http", "example.com", 0 }, 1 },
    { { "https", "example.com", 8443 }, 1 },
    { { "http", "[::1]", 8080 }, 1 },
    /* r->hostname keeps the brackets in httpd; the parser still brackets a
     * bare IPv6 host when it builds `absolute`, but the result then names
     * "[::1]", which is not "::1": no round trip for this one. */
    { { "http", "::1", 0 }, 0 },
    { { "https", "[2001:db8::1]", 0 }, 1 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    uint8_t sel = fuzz_byte(&in);
    rwdav_limits lim;
    const rwdav_origin *o;
    int round_trip;
    apr_pool_t *p;
    rwdav_destination out, again;
    rwdav_error *e;
    size_t slen;

    fuzz_limits(&in, sel, &lim);
    o = &origins[sel & 7].o;
    round_trip = origins[sel & 7].round_trip;
    p = fuzz_pool();

    e = rwdav_destination_parse(p, (const char *)in.d, in.n, o, &lim, &out);
    if (e) {
        fuzz_check_error(e, RWDAV_SUB_DESTINATION, in.n);
        FUZZ_ASSERT(e->status == 400 || e->status == 502,
                    "Destination refuses with 400 or 502");
        apr_pool_destroy(p);
        return 0;
    }

    FUZZ_ASSERT(out.absolute != NULL, "absolute is set");
    FUZZ_ASSERT(out.uri.path != NULL && out.uri.path[0] == '/',
                "path starts with /");
    slen = strlen(out.absolute);
    if (!out.rewritten) {
        FUZZ_ASSERT(fuzz_streq_mem(out.absolute, in.d, in.n),
                    "rewritten == 0: absolute is the input");
        FUZZ_ASSERT(out.uri.scheme != NULL, "a path-absolute is rewritten");
    }
    else {
        size_t sl = strlen(o->scheme);
        FUZZ_ASSERT(!fuzz_streq_mem(out.absolute, in.d, in.n),
                    "rewritten == 1: absolute differs from the input");
        FUZZ_ASSERT(slen > sl + 3 && strncmp(out.absolute, o->scheme, sl) == 0
                    && strncmp(out.absolute + sl, "://", 3) == 0,
                    "rewritten absolute starts with the origin's scheme");
    }
    if (out.uri.scheme)
        FUZZ_ASSERT(strcmp(out.uri.scheme, o->scheme) == 0,
                    "accepted scheme is the origin's");

    if (round_trip) {
        rwdav_limits l2 = lim;
        rwdav_limits_default(&l2);
        if (l2.header_len < slen)
            l2.header_len = slen;
        e = rwdav_destination_parse(p, out.absolute, slen, o, &l2, &again);
        FUZZ_ASSERT(e == NULL, "absolute is a valid Destination");
        FUZZ_ASSERT(!again.rewritten, "absolute is taken as is");
        FUZZ_ASSERT(strcmp(again.absolute, out.absolute) == 0,
                    "absolute is stable");
    }

    apr_pool_destroy(p);
    return 0;
}
