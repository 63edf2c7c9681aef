/*
 * Fuzz target: request bodies (rwdav_body_create / feed / finish, and what
 * rwdav_body_collect records).
 *
 * Input: selector byte S, [L1 L2 when S & 0x80], then the body.
 *   (S & 3) % 3      kind: 0 PROPFIND, 1 PROPPATCH, 2 LOCK (3 is PROPFIND);
 *   S & 4            rwdav_body_collect() before the first feed;
 *   (S >> 3) & 15    the split: 0..13 two feeds cut at
 *                    1 + (len - 1) * k / 14; 14 three feeds (thirds);
 *                    15 one byte per feed. Empty feeds are added between
 *                    the chunks (they must change nothing);
 *   S & 0x80         custom limits (body_bytes = L1 * 8, xml_depth = L2 & 63,
 *                    see fuzz_common.h).
 * The body is parsed four times: whole in one feed, split as above, whole
 * with collect toggled, and whole by apr_xml alone (no fast scanner).
 * Properties (dav/RULES.md "Request bodies"):
 *   - differential: the fast scanner changes nothing: apr_xml alone gives
 *     the same verdict and, on success, the same form, properties and owner
 *     flag. The fault (id, reason) may differ for a body with two faults
 *     (apr_xml's names the first XML fault, the scanner may name a
 *     structure fault first: corpus/body/diff-root-then-eof);
 *   - "the verdict does not depend on how the body is split into feeds":
 *     the split parse gives the same verdict (no error, or the same status
 *     and sub-status) as the whole one, and on success records the same
 *     form, properties and owner flag;
 *   - collecting does not change the verdict;
 *   - errors are 400.6 or 413.6 with the usual invariants; a body over
 *     body_bytes fed whole is 400 when the bytes under the cap already hold
 *     a fault expat or apr_xml reports, else 413; split, a body both malformed and
 *     over the cap may get either (corpus/body/crash-split-* found that);
 *     an empty body is refused for PROPPATCH only;
 *   - the same fault (id) is told at the same offset fed whole, split, or
 *     by apr_xml alone;
 *   - rwdav_body_size() counts every byte fed.
 */
#include <apr_xml.h>
#include <expat.h>

#include "fuzz_common.h"

FUZZ_TARGET("body");

typedef struct {
    rwdav_error *err;
    rwdav_body *b;
} run_result;

/* Feeds the chunks cut at cuts[0..ncuts-1] (increasing, within 0..n), with
 * an empty feed between chunks; stops at the first error like the module. */
static run_result run(apr_pool_t *p, rwdav_body_kind kind,
                      const rwdav_limits *lim, int collect, int xml_only,
                      const uint8_t *d, size_t n, const size_t *cuts,
                      size_t ncuts)
{
    run_result r;
    size_t at = 0, i;

    r.b = rwdav_body_create(p, kind, lim);
    if (xml_only)
        rwdav_body_parser_only(r.b);
    r.err = NULL;
    if (collect)
        rwdav_body_collect(r.b);
    for (i = 0; i <= ncuts && !r.err; i++) {
        size_t end = i < ncuts ? cuts[i] : n;
        r.err = rwdav_body_feed(r.b, (const char *)d + at, end - at);
        if (!r.err && i < ncuts)
            r.err = rwdav_body_feed(r.b, (const char *)d + end, 0);
        at = end;
    }
    if (!r.err)
        r.err = rwdav_body_finish(r.b);
    return r;
}

static int same_verdict(const rwdav_error *a, const rwdav_error *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return a->status == b->status && a->sub == b->sub;
}

/* The same fault is told at the same byte (dav/RULES.md "Offsets"). */
static int same_place(const rwdav_error *a, const rwdav_error *b)
{
    return !a || !b || a->id != b->id || a->offset == b->offset;
}

static void check_verdict(const run_result *r, rwdav_body_kind kind,
                          size_t n)
{
    if (r->err) {
        fuzz_check_error(r->err, RWDAV_SUB_BODY, n);
        FUZZ_ASSERT(r->err->status == 400 || r->err->status == 413,
                    "a body is refused with 400 or 413");
    }
    if (n == 0)
        FUZZ_ASSERT(kind == RWDAV_BODY_PROPPATCH ? r->err != NULL
                                                 : r->err == NULL,
                    "empty body: refused for PROPPATCH only");
}

/* The n bytes at d, fed without the end of the document, hold a fault for
 * the parsers rwdav_body runs when the fast path cannot prove them: a
 * DOCTYPE, expat's well-formedness, apr_xml's namespace rules. */
static void XMLCALL stop_at_doctype(void *ud, const XML_Char *name,
                                    const XML_Char *sysid,
                                    const XML_Char *pubid, int internal)
{
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)internal;
    XML_StopParser((XML_Parser)ud, XML_FALSE);
}

static int prefix_fault(apr_pool_t *p, const uint8_t *d, size_t n)
{
    XML_Parser xp = XML_ParserCreate(NULL);
    int bad;

    FUZZ_ASSERT(xp != NULL, "XML_ParserCreate");
    XML_SetUserData(xp, xp);
    XML_SetStartDoctypeDeclHandler(xp, stop_at_doctype);
    bad = XML_Parse(xp, (const char *)d, (int)n, 0) == XML_STATUS_ERROR;
    XML_ParserFree(xp);
    return bad || apr_xml_parser_feed(apr_xml_parser_create(p),
                                      (const char *)d, n) != APR_SUCCESS;
}

static void check_same_collected(const rwdav_body *a, const rwdav_body *b)
{
    const apr_array_header_t *pa = rwdav_body_props(a);
    const apr_array_header_t *pb = rwdav_body_props(b);
    int i;

    FUZZ_ASSERT(rwdav_body_form(a) == rwdav_body_form(b),
                "same PROPFIND form");
    FUZZ_ASSERT(rwdav_body_has_owner(a) == rwdav_body_has_owner(b),
                "same owner flag");
    FUZZ_ASSERT(pa->nelts == pb->nelts, "same number of properties");
    for (i = 0; i < pa->nelts; i++) {
        const char *sa = APR_ARRAY_IDX(pa, i, const char *);
        const char *sb = APR_ARRAY_IDX(pb, i, const char *);
        FUZZ_ASSERT(strcmp(sa, sb) == 0, "same properties");
        FUZZ_ASSERT(sa[0] == '{' && strchr(sa, '}') != NULL,
                    "a property is {namespace}local");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    uint8_t sel = fuzz_byte(&in);
    rwdav_body_kind kind = (rwdav_body_kind)((sel & 3) % 3);
    int collect = (sel >> 2) & 1;
    unsigned split = (sel >> 3) & 15;
    rwdav_limits lim;
    size_t cuts[4096 + 2], ncuts = 0, n, i;
    apr_pool_t *p;
    run_result whole, parts, other, xml;

    fuzz_limits(&in, sel, &lim);
    n = in.n;
    if (n >= 2) {
        if (split < 14) {
            cuts[ncuts++] = 1 + (n - 1) * split / 14;
        }
        else if (split == 14 || n > sizeof(cuts) / sizeof(cuts[0])) {
            cuts[ncuts++] = n / 3 ? n / 3 : 1;
            if (2 * n / 3 > cuts[0])
                cuts[ncuts++] = 2 * n / 3;
        }
        else {
            for (i = 1; i < n; i++)
                cuts[ncuts++] = i;
        }
    }
    p = fuzz_pool();

    whole = run(p, kind, &lim, collect, 0, in.d, n, NULL, 0);
    parts = run(p, kind, &lim, collect, 0, in.d, n, cuts, ncuts);
    other = run(p, kind, &lim, !collect, 0, in.d, n, NULL, 0);
    xml = run(p, kind, &lim, collect, 1, in.d, n, NULL, 0);

    FUZZ_ASSERT(same_verdict(whole.err, xml.err),
                "differential: the fast scanner gives apr_xml's verdict");
    FUZZ_ASSERT(same_place(whole.err, xml.err),
                "the fast scanner tells a fault where apr_xml alone does");
    FUZZ_ASSERT(same_place(whole.err, parts.err),
                "a fault is told at the same byte whatever the split");
    if (!whole.err && collect)
        check_same_collected(whole.b, xml.b);

    check_verdict(&whole, kind, n);
    check_verdict(&parts, kind, n);
    if (n > lim.body_bytes) {
        /* the first fault in byte order: 400 when the bytes under the cap
         * already hold one, else 413 */
        /* the prefix alone, fed but not finished: a truncated document is
         * no fault until the end. rwdav_body gathers small feeds for the
         * parser and hands them over only when more bytes come (at the cap,
         * say), so a fault the parser finds in the prefix shows in capped
         * only on the fast path: prefix_fault() asks expat and apr_xml */
        rwdav_body *capped = rwdav_body_create(p, kind, &lim);
        rwdav_error *cerr = rwdav_body_feed(capped, (const char *)in.d,
                                            lim.body_bytes);
        FUZZ_ASSERT(whole.err != NULL, "a body over body_bytes is refused");
        if ((cerr && cerr->status == 400)
            || prefix_fault(p, in.d, lim.body_bytes))
            FUZZ_ASSERT(whole.err->status == 400,
                        "a fault under the cap wins over 413");
        else
            FUZZ_ASSERT(whole.err->status == 413,
                        "a body fine until body_bytes is 413");
    }
    /* Small feeds are gathered before the parsers see them, so where a
     * fault shows depends on chunk boundaries; only at the cap does that
     * show: a body both malformed and too large may be 400 or 413. */
    if (n > lim.body_bytes && whole.err && parts.err)
        FUZZ_ASSERT(whole.err->sub == parts.err->sub
                    && (whole.err->status == 400 || whole.err->status == 413)
                    && (parts.err->status == 400 || parts.err->status == 413),
                    "over the cap: refused with 400.6 or 413.6 either way");
    else
        FUZZ_ASSERT(same_verdict(whole.err, parts.err),
                    "the verdict does not depend on the split");
    FUZZ_ASSERT(same_verdict(whole.err, other.err),
                "collecting does not change the verdict");
    if (!whole.err) {
        FUZZ_ASSERT(rwdav_body_size(whole.b) == n
                    && rwdav_body_size(parts.b) == n,
                    "rwdav_body_size counts every byte");
        if (collect)
            check_same_collected(whole.b, parts.b);
        if (kind == RWDAV_BODY_PROPFIND)
            FUZZ_ASSERT(rwdav_body_form(whole.b) != RWDAV_FORM_NONE,
                        "a valid PROPFIND body has a form");
        else
            FUZZ_ASSERT(rwdav_body_form(whole.b) == RWDAV_FORM_NONE,
                        "only PROPFIND has a form");
    }

    apr_pool_destroy(p);
    return 0;
}
