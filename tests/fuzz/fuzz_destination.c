/*
 * Fuzz target: Destination (rwdav_destination_parse).
 *
 * Input: selector byte S, [L1 L2 when S & 0x80], then the Destination value.
 *   S & 7 picks the origin (the server as the client addressed it) from
 *   origins[] below; S & 0x80 selects custom limits (fuzz_common.h).
 * Properties (dav/RULES.md "Destination"):
 *   - errors are 400.1 or 502 (sub 1) with their usual invariants;
 *   - on success `absolute` is NULL when rewritten == 0 (the input goes to
 *     mod_dav as it is), and an absolute URI of the origin ("scheme://")
 *     otherwise;
 *   - a parsed scheme is the origin's (anything else is a 502);
 *   - rwdav_parse_ref's fast path for plain references and the general
 *     scanner give the same verdict, offset and parts (both kinds of ref);
 *   - what goes to mod_dav (`absolute`, or the input) is itself a valid
 *     Destination for the same origin, taken as is (rewritten == 0): what
 *     the module hands mod_dav must be what it would accept. (Checked with
 *     header_len raised to the length of `absolute`, which may be longer
 *     than the input.)
 */
#include <strings.h>

#include "fuzz_common.h"
#include "rwdav_scan.h"

FUZZ_TARGET("destination");

static const struct {
    rwdav_origin o;
} origins[8] = {
    /* port -1: the port is the Host header's, given as authority */
    { { "http", "127.0.0.1", -1, "127.0.0.1:8080" } },
    { { "http", "127.0.0.1", 80, NULL } },
    { { "https", "example.com", 443, NULL } },
    { { "http", "Example.COM", -1, "example.com" } },
    { { "https", "example.com", 8443, NULL } },
    { { "http", "[::1]", -1, "[::1]:8080" } },
    /* httpd's host as it comes: the parser matches it case-blind and with
     * or without an IPv6 literal's brackets */
    { { "http", "::1", 0, NULL } },
    { { "https", "[2001:db8::1]", 0, NULL } },
};

static int same_span(rwdav_span a, rwdav_span b)
{
    return a.len == b.len && (a.p == NULL) == (b.p == NULL)
           && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* The fast path for plain references and the general scanner agree on the
 * verdict, the offset and every part, for both kinds of reference. */
static void same_as_general(const char *v, size_t n)
{
    int allow;
    for (allow = 0; allow <= 1; allow++) {
        rwdav_uri a, b;
        apr_size_t oa, ob;
        rwdav_error_id wa = rwdav_parse_ref(v, n, allow, &a, &oa);
        rwdav_error_id wb = rwdav_parse_ref_general(v, n, allow, &b, &ob);
        FUZZ_ASSERT(wa == wb && (!wa || oa == ob),
                    "fast path and general scan give the same verdict");
        FUZZ_ASSERT(!wa || rwdav_tag_fault(wa) != wa,
                    "a reference fault is a Resource-Tag's too");
        if (wa == RWDAV_E_NONE)
            FUZZ_ASSERT(same_span(a.scheme, b.scheme)
                        && same_span(a.host, b.host)
                        && same_span(a.authority, b.authority)
                        && same_span(a.path, b.path)
                        && same_span(a.query, b.query) && a.port == b.port
                        && a.has_userinfo == b.has_userinfo
                        && a.path_escaped == b.path_escaped,
                        "fast path and general scan give the same parts");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    uint8_t sel = fuzz_byte(&in);
    rwdav_limits lim;
    const rwdav_origin *o;
    apr_pool_t *p;
    rwdav_destination out, again;
    rwdav_error *e;
    const char *abs;
    size_t slen;

    fuzz_limits(&in, sel, &lim);
    o = &origins[sel & 7].o;
    p = fuzz_pool();
    same_as_general((const char *)in.d, in.n);

    e = rwdav_destination_parse(p, (const char *)in.d, in.n, o, &lim, &out);
    if (e) {
        fuzz_check_error(e, RWDAV_SUB_DESTINATION, in.n);
        FUZZ_ASSERT(e->status == 400 || e->status == 502,
                    "Destination refuses with 400 or 502");
        apr_pool_destroy(p);
        return 0;
    }

    FUZZ_ASSERT(out.uri.path.p != NULL && out.uri.path.len > 0
                && out.uri.path.p[0] == '/', "path starts with /");
    if (!out.rewritten) {
        FUZZ_ASSERT(out.absolute == NULL,
                    "rewritten == 0: the input goes as it is");
        FUZZ_ASSERT(out.uri.scheme.p != NULL, "a path-absolute is rewritten");
        abs = (const char *)in.d;
        slen = in.n;
    }
    else {
        size_t sl = strlen(o->scheme);
        FUZZ_ASSERT(out.absolute != NULL, "rewritten == 1: absolute is set");
        abs = out.absolute;
        slen = strlen(out.absolute);
        FUZZ_ASSERT(!fuzz_streq_mem(out.absolute, in.d, in.n),
                    "rewritten == 1: absolute differs from the input");
        FUZZ_ASSERT(slen > sl + 3 && strncmp(out.absolute, o->scheme, sl) == 0
                    && strncmp(out.absolute + sl, "://", 3) == 0,
                    "rewritten absolute starts with the origin's scheme");
    }
    if (out.uri.scheme.p)
        FUZZ_ASSERT(out.uri.scheme.len == strlen(o->scheme)
                    && strncasecmp(out.uri.scheme.p, o->scheme,
                                   out.uri.scheme.len) == 0,
                    "accepted scheme is the origin's");

    {
        rwdav_limits l2 = lim;
        if (l2.header_len < slen)
            l2.header_len = slen;
        e = rwdav_destination_parse(p, abs, slen, o, &l2, &again);
        FUZZ_ASSERT(e == NULL, "absolute is a valid Destination");
        FUZZ_ASSERT(!again.rewritten && again.absolute == NULL,
                    "absolute is taken as is");
    }

    apr_pool_destroy(p);
    return 0;
}
