/*
 * Fuzz target: differential between rwdav_body and APR's own XML parser
 * (apr_xml over expat, the parser mod_dav runs on the same bytes).
 *
 * Input: selector byte S, [L1 L2 when S & 0x80], then the body.
 *   (S & 3) % 3      kind: 0 PROPFIND, 1 PROPPATCH, 2 LOCK (3 is PROPFIND);
 *   (S >> 2) & 31    k: 0 one feed; else two feeds cut at len * k / 32
 *                    (the scanner run only);
 *   S & 0x80         custom limits (body_bytes = L1 * 8, xml_depth = L2 & 63,
 *                    see fuzz_common.h).
 *
 * The body goes three ways:
 *   M  rwdav_body with rwdav_body_collect(), fast scanner on, split as above;
 *   P  rwdav_body with rwdav_body_collect() and rwdav_body_parser_only(),
 *      one feed;
 *   A  apr_xml_parser_create / feed / done, one feed, and when it accepts,
 *      a walk of its tree written here without anything of dav/: the
 *      RFC 4918 structure verdict, the deepest nesting, and the facts the
 *      449 policies read (PROPFIND form and DAV:prop children; PROPPATCH
 *      properties left stored after DAV:set/DAV:remove in document order;
 *      LOCK owner with an element or non-blank text). A namespace name is
 *      doc->namespaces[ns] with apr_xml_quote_string undone (&lt; &gt; &amp;
 *      &quot;), "" for APR_XML_NS_NONE; an element whose prefix starts with
 *      [Xx][Mm][Ll] is in no namespace under its full name ("{}xmlp:a"),
 *      which is what apr_xml's tree says by itself.
 *   A tiny expat pass (doctype handler only) says whether there is a DOCTYPE.
 *   S  the fast scanner alone (rwdav_xs, dav/rwdav_xmlscan.h), one feed, its
 *      events logged: every element as depth and "{ns}local", and whether
 *      non-blank text was reported while it was the innermost open element.
 *
 * Properties (the contract of dav/rwdav_body.c):
 *   1. M accepts a non-empty body => A accepts it;
 *   2. M accepts => its facts are A's facts (PROPFIND properties in document
 *      order, duplicates kept; PROPPATCH properties as a set, no name twice);
 *   3. M and P give the same verdict (status and sub-status) and, on
 *      success, the same facts;
 *   4. A accepts a non-empty body => M refuses exactly when a deliberate
 *      rule explains it: a DOCTYPE, nesting deeper than xml_depth, more than
 *      body_bytes, or the RFC 4918 structure check computed here from A's
 *      tree. When one rule alone explains it the reason says which (a
 *      DOCTYPE within body_bytes: "DOCTYPE"; nesting alone: "nesting"; size
 *      alone: 413);
 *   5. an empty body: PROPFIND accepted as allprop, LOCK accepted without
 *      owner, PROPPATCH refused (A is not asked: mod_dav parses no body);
 *   6. refusals keep the error invariants (400/413, sub-status 6, reason,
 *      field, offset within the body); within body_bytes only 400;
 *   7. what S proves by itself (rwdav_xs_finish OK) A accepts, and S
 *      reported A's elements in document order, at A's depths, under A's
 *      names, with non-blank text in exactly the elements where A holds some
 *      (its first_cdata or a child's following_cdata): the scanner names
 *      everything the way apr_xml does, not only what the policies read.
 *
 * A refusal over body_bytes may be 400 or 413 (400 for a fault the parser
 * finds under the cap, see fuzz_body.c); property 3 holds there too: both
 * paths must agree on which (corpus/xmldiff/crash-over-cap-structure-400-
 * vs-413: a structure fault under the cap was 400 on the fast path, 413 on
 * apr_xml's).
 */
#include <apr_xml.h>
#include <expat.h>

#include "fuzz_common.h"
#include "rwdav_xmlscan.h"

FUZZ_TARGET("xmldiff");

/* ---- rwdav_body runs ---- */

typedef struct {
    rwdav_error *err;
    rwdav_body *b;
} mod_run;

static mod_run run_module(apr_pool_t *p, rwdav_body_kind kind,
                          const rwdav_limits *lim, int parser_only,
                          const uint8_t *d, size_t n, size_t cut)
{
    mod_run r;

    r.b = rwdav_body_create(p, kind, lim);
    if (parser_only)
        rwdav_body_parser_only(r.b);
    rwdav_body_collect(r.b);
    r.err = NULL;
    if (cut > 0 && cut < n) {
        r.err = rwdav_body_feed(r.b, (const char *)d, cut);
        if (!r.err)
            r.err = rwdav_body_feed(r.b, (const char *)d + cut, n - cut);
    }
    else if (n > 0) {
        r.err = rwdav_body_feed(r.b, (const char *)d, n);
    }
    if (!r.err)
        r.err = rwdav_body_finish(r.b);
    return r;
}

/* ---- the facts, as computed from apr_xml's tree ---- */

typedef struct {
    int refuse;                   /* the RFC 4918 structure rules refuse */
    const char *why;              /* which one (for messages) */
    rwdav_propfind_form form;
    apr_array_header_t *props;    /* of const char *, "{ns}local" */
    int owner;
    size_t depth;                 /* deepest element, the root being 1 */
} expect;

/* apr_xml_quote_string undone: &lt; &gt; &amp; &quot;, left to right. */
static const char *unquote(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, strlen(s) + 1), *o = out;

    while (*s) {
        if (!strncmp(s, "&lt;", 4)) {
            *o++ = '<';
            s += 4;
        }
        else if (!strncmp(s, "&gt;", 4)) {
            *o++ = '>';
            s += 4;
        }
        else if (!strncmp(s, "&amp;", 5)) {
            *o++ = '&';
            s += 5;
        }
        else if (!strncmp(s, "&quot;", 6)) {
            *o++ = '"';
            s += 6;
        }
        else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

typedef struct {
    apr_pool_t *p;
    const apr_xml_doc *doc;
} tree;

static const char *ns_of(const tree *t, const apr_xml_elem *e)
{
    if (e->ns == APR_XML_NS_NONE)
        return "";
    FUZZ_ASSERT(e->ns >= 0 && e->ns < t->doc->namespaces->nelts,
                "apr_xml: an element's ns indexes doc->namespaces");
    return unquote(t->p, APR_XML_GET_URI_ITEM(t->doc->namespaces, e->ns));
}

static const char *clark(const tree *t, const apr_xml_elem *e)
{
    return apr_pstrcat(t->p, "{", ns_of(t, e), "}", e->name, NULL);
}

static int dav(const tree *t, const apr_xml_elem *e, const char *local)
{
    return !strcmp(e->name, local) && !strcmp(ns_of(t, e), "DAV:");
}

static int blank_text(const apr_text_header *h)
{
    const apr_text *x;
    const char *c;

    for (x = h->first; x; x = x->next)
        for (c = x->text; *c; c++)
            if (!strchr(" \t\r\n", *c))
                return 0;
    return 1;
}

/* The element after e in document order, depth kept; NULL at the end.
 * A loop, not recursion: the tree may be very deep. */
static const apr_xml_elem *next_element(const apr_xml_elem *e, size_t *depth)
{
    if (e->first_child) {
        ++*depth;
        return e->first_child;
    }
    while (e && !e->next) {
        e = e->parent;
        --*depth;
    }
    return e ? e->next : NULL;
}

/* The deepest nesting, without recursion (the tree may be very deep). */
static size_t max_depth(const apr_xml_elem *root)
{
    const apr_xml_elem *e = root;
    size_t depth = 1, most = 1;

    while (e) {
        if (depth > most)
            most = depth;
        e = next_element(e, &depth);
    }
    return most;
}

static void refuse(expect *x, const char *why)
{
    if (!x->refuse) {
        x->refuse = 1;
        x->why = why;
    }
}

/* DAV:lockscope / DAV:locktype: exactly one child element, one of those. */
static int one_of(const tree *t, const apr_xml_elem *e, const char *a,
                  const char *b)
{
    const apr_xml_elem *c = e->first_child;
    return c && !c->next && (dav(t, c, a) || (b && dav(t, c, b)));
}

/* The only DAV:prop child of e, or NULL when there is none or several. */
static const apr_xml_elem *single_prop(const tree *t, const apr_xml_elem *e)
{
    const apr_xml_elem *c, *found = NULL;
    for (c = e->first_child; c; c = c->next)
        if (dav(t, c, "prop")) {
            if (found)
                return NULL;
            found = c;
        }
    return found;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void expect_propfind(const tree *t, const apr_xml_elem *root,
                            expect *x)
{
    const apr_xml_elem *c, *prop = NULL;
    int nprop = 0, nall = 0, nname = 0, ninc = 0;

    for (c = root->first_child; c; c = c->next) {
        if (dav(t, c, "prop")) {
            nprop++;
            prop = c;
        }
        else if (dav(t, c, "allprop"))
            nall++;
        else if (dav(t, c, "propname"))
            nname++;
        else if (dav(t, c, "include"))
            ninc++;
    }
    if (nprop + nall + nname != 1)
        refuse(x, "propfind needs exactly one of prop/allprop/propname");
    if (ninc > 1)
        refuse(x, "more than one include");
    if (ninc && !nall)
        refuse(x, "include without allprop");
    x->form = nall ? RWDAV_FORM_ALLPROP : nname ? RWDAV_FORM_PROPNAME
            : nprop ? RWDAV_FORM_PROP : RWDAV_FORM_NONE;
    if (nprop == 1)
        for (c = prop->first_child; c; c = c->next)
            *(const char **)apr_array_push(x->props) = clark(t, c);
}

static void expect_proppatch(const tree *t, const apr_xml_elem *root,
                             expect *x)
{
    const apr_xml_elem *c, *prop, *q;
    /* every operation, then each name's last one decides */
    apr_array_header_t *names = apr_array_make(t->p, 4, sizeof(const char *));
    apr_array_header_t *sets = apr_array_make(t->p, 4, sizeof(int));
    int nsr = 0, i, j;

    for (c = root->first_child; c; c = c->next) {
        int set = dav(t, c, "set");
        if (!set && !dav(t, c, "remove"))
            continue;
        nsr++;
        if (!(prop = single_prop(t, c))) {
            refuse(x, "set/remove without exactly one prop");
            continue;
        }
        for (q = prop->first_child; q; q = q->next) {
            *(const char **)apr_array_push(names) = clark(t, q);
            *(int *)apr_array_push(sets) = set;
        }
    }
    if (!nsr)
        refuse(x, "propertyupdate without set/remove");
    for (i = 0; i < names->nelts; i++) {
        const char *name = APR_ARRAY_IDX(names, i, const char *);
        int last = APR_ARRAY_IDX(sets, i, int), seen = 0;
        for (j = 0; j < i; j++)
            if (!strcmp(APR_ARRAY_IDX(names, j, const char *), name))
                seen = 1;
        if (seen)
            continue;
        for (j = i + 1; j < names->nelts; j++)
            if (!strcmp(APR_ARRAY_IDX(names, j, const char *), name))
                last = APR_ARRAY_IDX(sets, j, int);
        if (last)
            *(const char **)apr_array_push(x->props) = name;
    }
    qsort(x->props->elts, (size_t)x->props->nelts, sizeof(const char *),
          cmp_str);
}

static void expect_lockinfo(const tree *t, const apr_xml_elem *root,
                            expect *x)
{
    const apr_xml_elem *c, *q;
    int nscope = 0, ntype = 0, nowner = 0;

    for (c = root->first_child; c; c = c->next) {
        if (dav(t, c, "lockscope")) {
            nscope++;
            if (!one_of(t, c, "exclusive", "shared"))
                refuse(x, "lockscope not exactly exclusive|shared");
        }
        else if (dav(t, c, "locktype")) {
            ntype++;
            if (!one_of(t, c, "write", NULL))
                refuse(x, "locktype not exactly write");
        }
        else if (dav(t, c, "owner")) {
            nowner++;
            if (c->first_child || !blank_text(&c->first_cdata))
                x->owner = 1;
            for (q = c->first_child; q; q = q->next)
                if (!blank_text(&q->following_cdata))
                    x->owner = 1;
        }
        else {
            refuse(x, "other child of lockinfo");
        }
    }
    if (nscope != 1 || ntype != 1)
        refuse(x, "lockinfo without one lockscope and one locktype");
    if (nowner > 1)
        refuse(x, "more than one owner");
}

static void compute_expect(apr_pool_t *p, const apr_xml_doc *doc,
                           rwdav_body_kind kind, expect *x)
{
    static const char *const roots[] = {
        "propfind", "propertyupdate", "lockinfo"
    };
    tree t;

    t.p = p;
    t.doc = doc;
    memset(x, 0, sizeof(*x));
    x->props = apr_array_make(p, 4, sizeof(const char *));
    FUZZ_ASSERT(doc && doc->root, "apr_xml accepted: a document with a root");
    x->depth = max_depth(doc->root);
    if (!dav(&t, doc->root, roots[kind])) {
        refuse(x, "wrong root");
        return;
    }
    switch (kind) {
    case RWDAV_BODY_PROPFIND:
        expect_propfind(&t, doc->root, x);
        break;
    case RWDAV_BODY_PROPPATCH:
        expect_proppatch(&t, doc->root, x);
        break;
    case RWDAV_BODY_LOCKINFO:
        expect_lockinfo(&t, doc->root, x);
        break;
    }
}

/* ---- the other two judges ---- */

static const apr_xml_doc *run_apr(apr_pool_t *p, const uint8_t *d, size_t n)
{
    apr_xml_parser *xp = apr_xml_parser_create(p);
    apr_xml_doc *doc = NULL;

    FUZZ_ASSERT(xp != NULL, "apr_xml_parser_create");
    if (apr_xml_parser_feed(xp, (const char *)d, n) != APR_SUCCESS)
        return NULL;
    if (apr_xml_parser_done(xp, &doc) != APR_SUCCESS)
        return NULL;
    return doc;
}

static void XMLCALL saw_doctype(void *ud, const XML_Char *name,
                                const XML_Char *sysid, const XML_Char *pubid,
                                int has_internal_subset)
{
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal_subset;
    *(int *)ud = 1;
}

static int has_doctype(const uint8_t *d, size_t n)
{
    int seen = 0;
    XML_Parser xp = XML_ParserCreate(NULL);

    FUZZ_ASSERT(xp != NULL, "XML_ParserCreate");
    XML_SetUserData(xp, &seen);
    XML_SetStartDoctypeDeclHandler(xp, saw_doctype);
    (void)XML_Parse(xp, (const char *)d, (int)n, 1);
    XML_ParserFree(xp);
    return seen;
}

/* ---- the fast scanner alone, against apr_xml's tree ---- */

typedef struct {
    size_t depth;
    const char *name;     /* "{ns}local" */
    int text;             /* non-blank text directly inside */
} elem_log;

typedef struct {
    apr_pool_t *p;
    apr_array_header_t *log;    /* of elem_log, in document order */
    apr_array_header_t *open;   /* of int: indexes into log */
} scan_log;

static int xs_on_start(void *baton, const char *uri, apr_size_t ulen,
                       const char *local, apr_size_t llen, apr_size_t at)
{
    scan_log *l = baton;
    elem_log *e = apr_array_push(l->log);

    (void)at;
    FUZZ_ASSERT(uri != NULL || ulen == 0, "scanner: no namespace is NULL, 0");
    e->depth = (size_t)l->open->nelts + 1;
    e->name = apr_psprintf(l->p, "{%.*s}%.*s", (int)ulen, uri ? uri : "",
                           (int)llen, local);
    e->text = 0;
    *(int *)apr_array_push(l->open) = l->log->nelts - 1;
    return 0;
}

static int xs_on_end(void *baton, apr_size_t at)
{
    scan_log *l = baton;

    (void)at;
    FUZZ_ASSERT(l->open->nelts > 0, "scanner: an end event closes an element");
    l->open->nelts--;
    return 0;
}

static void xs_on_text(void *baton)
{
    scan_log *l = baton;

    FUZZ_ASSERT(l->open->nelts > 0, "scanner: text inside an element");
    APR_ARRAY_IDX(l->log, APR_ARRAY_IDX(l->open, l->open->nelts - 1, int),
                  elem_log).text = 1;
}

/* The scanner's log of a document it proves alone, or NULL (bailed). */
static const apr_array_header_t *run_scanner(apr_pool_t *p, const uint8_t *d,
                                             size_t n)
{
    static const rwdav_xs_events ev = { xs_on_start, xs_on_end, xs_on_text };
    scan_log l;
    rwdav_xs *x;
    rwdav_xs_result r;

    l.p = p;
    l.log = apr_array_make(p, 16, sizeof(elem_log));
    l.open = apr_array_make(p, 16, sizeof(int));
    x = rwdav_xs_create(p, &ev, &l);
    r = rwdav_xs_feed(x, (const char *)d, n);
    FUZZ_ASSERT(r != RWDAV_XS_STOP, "scanner: STOP only when asked");
    if (r != RWDAV_XS_OK || rwdav_xs_finish(x) != RWDAV_XS_OK)
        return NULL;
    FUZZ_ASSERT(l.open->nelts == 0 && l.log->nelts > 0,
                "scanner: a proven document closed its root");
    return l.log;
}

/* Compares the scanner's log with apr_xml's tree, preorder. */
static void check_scanner(apr_pool_t *p, const apr_xml_doc *doc,
                          const apr_array_header_t *log)
{
    tree t;
    const apr_xml_elem *e = doc->root, *c;
    size_t depth = 1;
    int i = 0;

    t.p = p;
    t.doc = doc;
    while (e) {
        const elem_log *s;
        const char *name = clark(&t, e);
        int text = !blank_text(&e->first_cdata);

        for (c = e->first_child; c; c = c->next)
            if (!blank_text(&c->following_cdata))
                text = 1;
        FUZZ_ASSERT(i < log->nelts, "scanner: as many elements as apr_xml");
        s = &APR_ARRAY_IDX(log, i, elem_log);
        if (s->depth != depth || strcmp(s->name, name) || s->text != text)
            fprintf(stderr, "xmldiff: element %d: scanner %s at %lu, text %d;"
                    " apr_xml %s at %lu, text %d\n", i, s->name,
                    (unsigned long)s->depth, s->text, name,
                    (unsigned long)depth, text);
        FUZZ_ASSERT(s->depth == depth, "scanner: apr_xml's nesting");
        FUZZ_ASSERT(!strcmp(s->name, name), "scanner: apr_xml's names");
        FUZZ_ASSERT(s->text == text, "scanner: text where apr_xml has text");
        i++;
        e = next_element(e, &depth);
    }
    FUZZ_ASSERT(i == log->nelts, "scanner: as many elements as apr_xml");
}

/* ---- comparisons ---- */

static int same_verdict(const rwdav_error *a, const rwdav_error *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return a->status == b->status && a->sub == b->sub;
}

/* The properties of b, sorted for PROPPATCH (a set there). */
static apr_array_header_t *props_of(apr_pool_t *p, const rwdav_body *b,
                                    rwdav_body_kind kind)
{
    apr_array_header_t *a = apr_array_copy(p, rwdav_body_props(b));
    int i;

    for (i = 0; i < a->nelts; i++) {
        const char *s = APR_ARRAY_IDX(a, i, const char *);
        FUZZ_ASSERT(s != NULL && s[0] == '{' && strchr(s, '}') != NULL,
                    "a property is {namespace}local");
    }
    if (kind == RWDAV_BODY_PROPPATCH) {
        qsort(a->elts, (size_t)a->nelts, sizeof(const char *), cmp_str);
        for (i = 1; i < a->nelts; i++)
            FUZZ_ASSERT(strcmp(APR_ARRAY_IDX(a, i - 1, const char *),
                               APR_ARRAY_IDX(a, i, const char *)) != 0,
                        "PROPPATCH: no property stored twice");
    }
    return a;
}

static void dump_props(const char *who, const apr_array_header_t *a)
{
    int i;
    fprintf(stderr, "  %s (%d):", who, a->nelts);
    for (i = 0; i < a->nelts; i++)
        fprintf(stderr, " %s", APR_ARRAY_IDX(a, i, const char *));
    fprintf(stderr, "\n");
}

static int same_props(const apr_array_header_t *a,
                      const apr_array_header_t *b)
{
    int i;
    if (a->nelts != b->nelts)
        return 0;
    for (i = 0; i < a->nelts; i++)
        if (strcmp(APR_ARRAY_IDX(a, i, const char *),
                   APR_ARRAY_IDX(b, i, const char *)))
            return 0;
    return 1;
}

static void check_facts(apr_pool_t *p, const char *what, const rwdav_body *b,
                        rwdav_body_kind kind, rwdav_propfind_form form,
                        const apr_array_header_t *props, int owner)
{
    apr_array_header_t *got = props_of(p, b, kind);

    if (!same_props(got, props)) {
        fprintf(stderr, "xmldiff: %s: properties differ\n", what);
        dump_props("module", got);
        dump_props("expected", props);
    }
    FUZZ_ASSERT(same_props(got, props), "same properties");
    FUZZ_ASSERT(rwdav_body_form(b) == form, "same PROPFIND form");
    FUZZ_ASSERT(rwdav_body_has_owner(b) == owner, "same owner flag");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    uint8_t sel = fuzz_byte(&in);
    rwdav_body_kind kind = (rwdav_body_kind)((sel & 3) % 3);
    unsigned k = (sel >> 2) & 31;
    rwdav_limits lim;
    apr_pool_t *p;
    mod_run m, po;
    const apr_xml_doc *doc;
    const apr_array_header_t *slog;
    size_t n, cut;
    int over;

    fuzz_limits(&in, sel, &lim);
    n = in.n;
    cut = (size_t)((unsigned long long)n * k / 32);
    over = n > lim.body_bytes;
    p = fuzz_pool();

    m = run_module(p, kind, &lim, 0, in.d, n, cut);
    po = run_module(p, kind, &lim, 1, in.d, n, 0);

    if (getenv("XMLDIFF_VERBOSE")) {
        /* what each judge said, for reading a corpus */
        const apr_array_header_t *pr = rwdav_body_props(m.b);
        int i;
        fprintf(stderr, "xmldiff: kind %d, %lu bytes, cut %lu: %d.%d %s |",
                (int)kind, (unsigned long)n, (unsigned long)cut,
                m.err ? m.err->status : 0, m.err ? m.err->sub : 0,
                m.err ? m.err->reason : "accepted");
        for (i = 0; !m.err && i < pr->nelts; i++)
            fprintf(stderr, " %s", APR_ARRAY_IDX(pr, i, const char *));
        fprintf(stderr, "%s\n", !m.err && rwdav_body_has_owner(m.b)
                                ? " [owner]" : "");
    }
    if (m.err) {
        fuzz_check_error(m.err, RWDAV_SUB_BODY, n);
        FUZZ_ASSERT(m.err->status == 400 || (over && m.err->status == 413),
                    "refused with 400.6, or 413.6 over body_bytes");
    }
    if (po.err)
        fuzz_check_error(po.err, RWDAV_SUB_BODY, n);

    /* 3: the fast scanner changes nothing */
    if (!same_verdict(m.err, po.err))
        fprintf(stderr, "xmldiff: scanner %d.%d (%s), parser only %d.%d (%s)"
                "\n", m.err ? m.err->status : 0, m.err ? m.err->sub : 0,
                m.err ? m.err->reason : "accepted",
                po.err ? po.err->status : 0, po.err ? po.err->sub : 0,
                po.err ? po.err->reason : "accepted");
    FUZZ_ASSERT(same_verdict(m.err, po.err),
                "the fast scanner gives the parser's verdict");

    if (n == 0) {
        /* 5: no body at all; mod_dav parses nothing */
        if (kind == RWDAV_BODY_PROPPATCH) {
            FUZZ_ASSERT(m.err != NULL, "an empty PROPPATCH body is refused");
        }
        else {
            apr_array_header_t *none = apr_array_make(p, 1, sizeof(char *));
            FUZZ_ASSERT(m.err == NULL, "an empty PROPFIND/LOCK body is fine");
            check_facts(p, "empty", m.b, kind,
                        kind == RWDAV_BODY_PROPFIND ? RWDAV_FORM_ALLPROP
                                                    : RWDAV_FORM_NONE,
                        none, 0);
        }
        apr_pool_destroy(p);
        return 0;
    }

    doc = run_apr(p, in.d, n);
    slog = run_scanner(p, in.d, n);
    if (slog) {
        /* 7: the scanner proves only what apr_xml accepts, named alike */
        FUZZ_ASSERT(doc != NULL, "apr_xml refuses a body the scanner proves");
        check_scanner(p, doc, slog);
    }
    if (!doc) {
        /* 1 (and 4): apr_xml refuses => the module refuses */
        FUZZ_ASSERT(m.err != NULL, "apr_xml refuses a body the module "
                                   "accepts");
    }
    else {
        expect x;
        int doctype = has_doctype(in.d, n);
        int deep;

        compute_expect(p, doc, kind, &x);
        deep = x.depth > lim.xml_depth;
        if (!m.err != !(doctype || deep || over || x.refuse))
            fprintf(stderr, "xmldiff: module %s (%s); apr_xml accepts; "
                    "doctype %d, depth %lu (limit %lu), %lu bytes (limit "
                    "%lu), structure %s\n", m.err ? "refuses" : "accepts",
                    m.err ? m.err->reason : "-", doctype,
                    (unsigned long)x.depth, (unsigned long)lim.xml_depth,
                    (unsigned long)n, (unsigned long)lim.body_bytes,
                    x.refuse ? x.why : "fine");
        /* 4: a refusal of what apr_xml accepts needs a deliberate rule */
        FUZZ_ASSERT(!m.err || doctype || deep || over || x.refuse,
                    "module refuses what apr_xml accepts, no rule explains "
                    "it");
        FUZZ_ASSERT(m.err || !(doctype || deep || over || x.refuse),
                    "module accepts what a deliberate rule refuses");
        if (m.err && doctype && !over)
            FUZZ_ASSERT(m.err->id == RWDAV_E_BODY_DOCTYPE,
                        "a DOCTYPE is refused as a DOCTYPE");
        if (m.err && deep && !doctype && !over && !x.refuse)
            FUZZ_ASSERT(m.err->id == RWDAV_E_BODY_NESTING,
                        "nesting alone is refused as nesting");
        if (m.err && over && !doctype && !deep && !x.refuse)
            FUZZ_ASSERT(m.err->status == 413,
                        "a body fine but for its size is 413");
        /* 2: the facts are apr_xml's */
        if (!m.err)
            check_facts(p, "scanner", m.b, kind, kind == RWDAV_BODY_PROPFIND
                        ? x.form : RWDAV_FORM_NONE, x.props,
                        kind == RWDAV_BODY_LOCKINFO ? x.owner : 0);
    }
    /* 3: and the parser alone records the same */
    if (!m.err && !po.err)
        check_facts(p, "parser only", po.b, kind, rwdav_body_form(m.b),
                    props_of(p, m.b, kind), rwdav_body_has_owner(m.b));

    apr_pool_destroy(p);
    return 0;
}
