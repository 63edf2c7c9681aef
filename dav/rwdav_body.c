/* Request bodies of PROPFIND, PROPPATCH and LOCK, checked chunk by chunk
 * while the glue buffers them, and judged as mod_dav will read them: the
 * fast scanner (rwdav_xmlscan.c) proves the usual bodies in one pass;
 * anything else goes to APR's XML parser, the very parser mod_dav runs
 * (apr_xml over expat, with APR's own namespace rules), so that what the
 * module passes is what mod_dav accepts, under the names mod_dav stores.
 * One small state machine checks the RFC 4918 §14 structure for both.
 * The fast path copies nothing; handed over, only feeds shorter than 8 KiB
 * are gathered (xml_chunk). */
#include <string.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_xml.h>
#include <expat.h>

#include "rwdav.h"
#include "rwdav_xmlscan.h"

#define DAV_NS "DAV:"

/* Children counted per level: the rules only ever look two levels down. */
enum { C_PROP, C_ALLPROP, C_PROPNAME, C_INCLUDE, C_SETREMOVE,
       C_LOCKSCOPE, C_LOCKTYPE, C_OWNER, C_N };

/* Where the structure check stands; reset when APR's parser takes over. */
typedef struct {
    apr_size_t depth;
    int root_seen;
    int count[C_N];
    int l2_kind;          /* which level-2 element is open, or -1 */
    int l3_ok, l3_other;  /* inside it: wanted / other elements */
    int l2_set;           /* the open level-2 element is DAV:set */
    int l3_prop;          /* the open level-3 element is DAV:prop */
    int owner_content;    /* DAV:owner holds an element or non-blank text */
} body_shape;

typedef struct {
    const char *p;
    apr_size_t n;
} body_seg;

/* One property of a PROPPATCH, set or removed, in document order. */
typedef struct {
    const char *name;
    int set;
} prop_op;

struct rwdav_body {
    apr_pool_t *p;
    rwdav_body_kind kind;
    rwdav_limits lim;
    rwdav_xs *xs;         /* the fast path, while it is in charge */
    apr_array_header_t *segs;   /* of body_seg: the feeds, for the parser */
    apr_xml_parser *apr;        /* mod_dav's parser, once it is in charge */
    XML_Parser probe;           /* expat alone: DOCTYPE and fault offsets */
    int doctype;
    apr_size_t doctype_at;
    char *pend;                 /* small feeds gathered for the parsers */
    apr_size_t pend_n;
    apr_size_t fed;
    apr_size_t at;        /* the tag of the element event being checked */
    apr_array_header_t *marks;  /* the probe's element events' offsets */
    int next_mark;              /* the walk's place in marks */
    apr_size_t last_start;      /* the probe's last start tag */
    rwdav_error *err;
    rwdav_error *shape_err;     /* the first structure fault, told at the end */
    body_shape sh;
    apr_array_header_t *ops;    /* of prop_op, once asked (PROPPATCH) */
    apr_array_header_t *props;  /* what the 449 policies need, once asked */
};

static const char *root_name[] = { "propfind", "propertyupdate", "lockinfo" };

static void fail(rwdav_body *b, rwdav_error_id id, apr_size_t at)
{
    if (!b->err)
        b->err = rwdav_fault(b->p, id, at);
}

/* A structure fault is told only once the whole body is in: a body over
 * the cap is 413 whatever its structure, on either path (the fast path
 * meets elements as they come, apr_xml's tree only at the end). It is told
 * at the tag of the element event that found it. */
static void shape_fail(rwdav_body *b, rwdav_error_id id)
{
    if (!b->shape_err)
        b->shape_err = rwdav_fault(b->p, id, b->at);
}

/* uri and local are counted strings: the fast path's point into the body. */
typedef struct {
    const char *uri, *local;
    apr_size_t ulen, llen;
} qname;

static int is_dav(const qname *q, const char *name)
{
    return q->ulen == sizeof(DAV_NS) - 1 && !memcmp(q->uri, DAV_NS, q->ulen)
        && !strncmp(q->local, name, q->llen) && !name[q->llen];
}

static const char *clark_name(rwdav_body *b, const qname *q)
{
    char *s = apr_palloc(b->p, q->ulen + q->llen + 3);
    s[0] = '{';
    if (q->ulen)            /* uri is NULL for no namespace */
        memcpy(s + 1, q->uri, q->ulen);
    s[q->ulen + 1] = '}';
    memcpy(s + q->ulen + 2, q->local, q->llen);
    s[q->ulen + q->llen + 2] = '\0';
    return s;
}

static void record_prop(rwdav_body *b, const qname *q)
{
    *(const char **)apr_array_push(b->props) = clark_name(b, q);
}

/* mod_dav applies DAV:set and DAV:remove in document order: a property
 * set and then removed is not stored. */
static void record_op(rwdav_body *b, const qname *q, int set)
{
    prop_op *op = apr_array_push(b->ops);
    op->name = clark_name(b, q);
    op->set = set;
}

static void root_start(rwdav_body *b, const qname *q)
{
    static const rwdav_error_id wrong[] = {
        RWDAV_E_BODY_PROPFIND_ROOT, RWDAV_E_BODY_PROPPATCH_ROOT,
        RWDAV_E_BODY_LOCKINFO_ROOT
    };

    b->sh.root_seen = 1;
    if (!is_dav(q, root_name[b->kind]))
        shape_fail(b, wrong[b->kind]);
}

/* Which child of the root q is for the rules (C_*), or -1: one they
 * ignore. */
static int child_kind(rwdav_body_kind kind, const qname *q)
{
    switch (kind) {
    case RWDAV_BODY_PROPFIND:
        return is_dav(q, "prop") ? C_PROP
             : is_dav(q, "allprop") ? C_ALLPROP
             : is_dav(q, "propname") ? C_PROPNAME
             : is_dav(q, "include") ? C_INCLUDE : -1;
    case RWDAV_BODY_PROPPATCH:
        return is_dav(q, "set") || is_dav(q, "remove") ? C_SETREMOVE : -1;
    default:
        return is_dav(q, "lockscope") ? C_LOCKSCOPE
             : is_dav(q, "locktype") ? C_LOCKTYPE
             : is_dav(q, "owner") ? C_OWNER : -1;
    }
}

/* The children of the root are counted: all but DAV:set and DAV:remove
 * are allowed once. */
static void child_start(rwdav_body *b, const qname *q)
{
    static const rwdav_error_id twice[C_N] = {
        [C_PROP] = RWDAV_E_BODY_PROP_TWICE,
        [C_ALLPROP] = RWDAV_E_BODY_FORM_TWICE,
        [C_PROPNAME] = RWDAV_E_BODY_FORM_TWICE,
        [C_INCLUDE] = RWDAV_E_BODY_INCLUDE_TWICE,
        [C_LOCKSCOPE] = RWDAV_E_BODY_LOCKSCOPE_TWICE,
        [C_LOCKTYPE] = RWDAV_E_BODY_LOCKTYPE_TWICE,
        [C_OWNER] = RWDAV_E_BODY_OWNER_TWICE,
    };
    body_shape *sh = &b->sh;
    int k = child_kind(b->kind, q);

    sh->l3_ok = sh->l3_other = 0;
    if (k < 0 && b->kind == RWDAV_BODY_LOCKINFO) {
        /* mod_dav answers 412 to any other child of lockinfo */
        shape_fail(b, RWDAV_E_BODY_LOCKINFO_CHILD);
        return;
    }
    sh->l2_kind = k;
    sh->l2_set = is_dav(q, "set");
    if (k >= 0 && ++sh->count[k] > 1 && twice[k] != RWDAV_E_NONE)
        shape_fail(b, twice[k]);
}

/* Below the root's children: what a child holds, and the names the 449
 * policies read. */
static void deep_start(rwdav_body *b, const qname *q)
{
    body_shape *sh = &b->sh;

    if (sh->l2_kind == C_OWNER)
        sh->owner_content = 1;
    if (sh->depth == 4 && b->ops && sh->l2_kind == C_SETREMOVE
        && sh->l3_prop)
        record_op(b, q, sh->l2_set);
    if (sh->depth != 3)
        return;
    if (b->props && sh->l2_kind == C_PROP)
        record_prop(b, q);
    sh->l3_prop = is_dav(q, "prop");
    switch (sh->l2_kind) {
    case C_SETREMOVE:
        if (sh->l3_prop)
            sh->l3_ok++;
        break;
    case C_LOCKSCOPE:
        if (is_dav(q, "exclusive") || is_dav(q, "shared"))
            sh->l3_ok++;
        else
            sh->l3_other++;
        break;
    case C_LOCKTYPE:
        if (is_dav(q, "write"))
            sh->l3_ok++;
        else
            sh->l3_other++;
        break;
    default:
        break;
    }
}

/* The structure check, one element at a time. */
static void elem_start(rwdav_body *b, const qname *q)
{
    if (++b->sh.depth > b->lim.xml_depth)
        shape_fail(b, RWDAV_E_BODY_NESTING);
    else if (b->sh.depth == 1)
        root_start(b, q);
    else if (b->sh.depth == 2)
        child_start(b, q);
    else
        deep_start(b, q);
}

static void check_root_end(rwdav_body *b)
{
    int *c = b->sh.count;
    switch (b->kind) {
    case RWDAV_BODY_PROPFIND:
        if (c[C_PROP] + c[C_ALLPROP] + c[C_PROPNAME] != 1)
            shape_fail(b, RWDAV_E_BODY_PROPFIND_FORM);
        else if (c[C_INCLUDE] && !c[C_ALLPROP])
            shape_fail(b, RWDAV_E_BODY_INCLUDE_ALONE);
        break;
    case RWDAV_BODY_PROPPATCH:
        if (!c[C_SETREMOVE])
            shape_fail(b, RWDAV_E_BODY_UPDATE_EMPTY);
        break;
    case RWDAV_BODY_LOCKINFO:
        if (c[C_LOCKSCOPE] != 1 || c[C_LOCKTYPE] != 1)
            shape_fail(b, RWDAV_E_BODY_LOCKINFO_PARTS);
        break;
    }
}

static void elem_end(rwdav_body *b)
{
    body_shape *sh = &b->sh;

    if (sh->depth == 2) {
        if (sh->l2_kind == C_SETREMOVE && sh->l3_ok != 1)
            shape_fail(b, RWDAV_E_BODY_UPDATE_PROP);
        else if (sh->l2_kind == C_LOCKSCOPE
                 && (sh->l3_ok != 1 || sh->l3_other))
            shape_fail(b, RWDAV_E_BODY_LOCKSCOPE);
        else if (sh->l2_kind == C_LOCKTYPE
                 && (sh->l3_ok != 1 || sh->l3_other))
            shape_fail(b, RWDAV_E_BODY_LOCKTYPE);
        sh->l2_kind = -1;
    }
    else if (sh->depth == 1) {
        check_root_end(b);
    }
    sh->depth--;
}

/* Character data inside DAV:owner gives it content (RFC 4918 §14.17: who
 * holds the lock); blank text does not. */
static void text_seen(rwdav_body *b)
{
    if (b->sh.depth >= 2 && b->sh.l2_kind == C_OWNER)
        b->sh.owner_content = 1;
}

/* ---- the fast path's events ---- */
static int xs_start(void *baton, const char *uri, apr_size_t ulen,
                    const char *local, apr_size_t llen, apr_size_t at)
{
    rwdav_body *b = baton;
    qname q = { uri, local, ulen, llen };
    b->at = at;
    elem_start(b, &q);
    return b->err != NULL;
}

static int xs_end(void *baton, apr_size_t at)
{
    rwdav_body *b = baton;
    b->at = at;
    elem_end(b);
    return b->err != NULL;
}

static void xs_text(void *baton)
{
    text_seen(baton);
}

static const rwdav_xs_events xs_events = { xs_start, xs_end, xs_text };

/* ---- mod_dav's parser: APR's apr_xml over expat ---- */

/* expat on its own, created as apr_xml creates it (no namespace
 * processing), sees what apr_xml does not report: a DOCTYPE, and the byte
 * where a document stops being well-formed. Before the root it hands its
 * default handler each markup token (in UTF-8, whatever the body's
 * encoding), "<!DOCTYPE" too: the probe stops there, where the DOCTYPE
 * starts (a DOCTYPE handler would come only at its '[' or '>'). The
 * handler is unset at the root: a DOCTYPE can only come before it. */
static void XMLCALL on_prolog(void *ud, const XML_Char *s, int len)
{
    rwdav_body *b = ud;
    if (len >= 9 && !memcmp(s, "<!DOCTYPE", 9)) {
        b->doctype = 1;
        b->doctype_at = (apr_size_t)XML_GetCurrentByteIndex(b->probe);
        XML_StopParser(b->probe, XML_FALSE);
    }
}

/* apr_xml's tree keeps no offsets: the probe notes where each element
 * event is, in document order, for the walk to tell a structure fault at
 * its tag. expat puts the end of an empty element after its tag; the fast
 * path, at the tag. */
static void XMLCALL on_start(void *ud, const XML_Char *name,
                             const XML_Char **atts)
{
    rwdav_body *b = ud;
    XML_SetDefaultHandlerExpand(b->probe, NULL);
    b->last_start = (apr_size_t)XML_GetCurrentByteIndex(b->probe);
    *(apr_size_t *)apr_array_push(b->marks) = b->last_start;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    rwdav_body *b = ud;
    *(apr_size_t *)apr_array_push(b->marks) =
        XML_GetCurrentByteCount(b->probe)
        ? (apr_size_t)XML_GetCurrentByteIndex(b->probe) : b->last_start;
}

static apr_size_t next_mark(rwdav_body *b)
{
    return b->next_mark < b->marks->nelts
           ? APR_ARRAY_IDX(b->marks, b->next_mark++, apr_size_t) : b->fed;
}

static apr_status_t probe_cleanup(void *data)
{
    rwdav_body *b = data;
    if (b->probe) {
        XML_ParserFree(b->probe);
        b->probe = NULL;
    }
    return APR_SUCCESS;
}

static rwdav_error *probe_feed(rwdav_body *b, const char *buf,
                               apr_size_t len, int final)
{
    if (XML_Parse(b->probe, buf, (int)len, final) != XML_STATUS_ERROR)
        return NULL;
    if (b->doctype) {
        fail(b, RWDAV_E_BODY_DOCTYPE, b->doctype_at);
    }
    else if (!b->err) {
        fail(b, RWDAV_E_BODY_XML,
             (apr_size_t)XML_GetCurrentByteIndex(b->probe));
        b->err->detail = XML_ErrorString(XML_GetErrorCode(b->probe));
    }
    return b->err;
}

/* apr_xml's verdict: besides expat's, its namespace rules (an undeclared
 * prefix, xmlns:p=""). It does not say where: offset 0. Its message is
 * its own text (and expat's), never the body's. */
static rwdav_error *apr_verdict(rwdav_body *b)
{
    char msg[200];
    apr_xml_parser_geterror(b->apr, msg, sizeof(msg));
    if (!b->err) {
        fail(b, RWDAV_E_BODY_NAMESPACE, 0);
        b->err->detail = apr_pstrdup(b->p, msg);
    }
    return b->err;
}

static rwdav_error *xml_feed(rwdav_body *b, const char *buf, apr_size_t len)
{
    if (!b->apr) {
        b->probe = XML_ParserCreate(NULL);
        if (!b->probe) {
            fail(b, RWDAV_E_BODY_PARSER, 0);
            return b->err;
        }
        apr_pool_cleanup_register(b->p, b, probe_cleanup,
                                  apr_pool_cleanup_null);
        XML_SetUserData(b->probe, b);
        XML_SetDefaultHandlerExpand(b->probe, on_prolog);
        XML_SetElementHandler(b->probe, on_start, on_end);
        b->marks = apr_array_make(b->p, 16, sizeof(apr_size_t));
        b->apr = apr_xml_parser_create(b->p);
    }
    if (probe_feed(b, buf, len, 0))
        return b->err;
    if (apr_xml_parser_feed(b->apr, buf, len) != APR_SUCCESS)
        return apr_verdict(b);
    return NULL;
}

/* expat parses a token cut by a feed boundary again from its start at
 * every feed: a body that trickles in byte by byte would cost the square
 * of its length. Small feeds are gathered into runs of XML_RUN bytes. */
#define XML_RUN 8192

static rwdav_error *xml_flush(rwdav_body *b)
{
    apr_size_t n = b->pend_n;
    b->pend_n = 0;
    return n ? xml_feed(b, b->pend, n) : b->err;
}

static rwdav_error *xml_chunk(rwdav_body *b, const char *buf, apr_size_t len)
{
    if (b->pend_n + len > XML_RUN && xml_flush(b))
        return b->err;
    if (len >= XML_RUN)
        return xml_feed(b, buf, len);
    if (!b->pend)
        b->pend = apr_palloc(b->p, XML_RUN);
    memcpy(b->pend + b->pend_n, buf, len);
    b->pend_n += len;
    return NULL;
}

/* Does text hold anything but XML white space? */
static int has_content(const apr_text_header *h)
{
    const apr_text *t;
    const char *c;
    for (t = h->first; t; t = t->next)
        for (c = t->text; *c; c++)
            if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r')
                return 1;
    return 0;
}

/* apr_xml keeps a namespace name as it will write it back (apr_xml_quote_
 * string); the name itself, as a client means it, is that text unquoted. */
static const char *ns_name(apr_pool_t *p, const char *quoted)
{
    static const struct { const char *ent; char c; } q[] = {
        { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' }
    };
    char *out, *o;
    const char *s;
    int k;

    if (!strchr(quoted, '&'))
        return quoted;
    out = o = apr_palloc(p, strlen(quoted) + 1);
    for (s = quoted; *s;) {
        for (k = 0; k < 4; k++) {
            apr_size_t n = strlen(q[k].ent);
            if (!strncmp(s, q[k].ent, n)) {
                *o++ = q[k].c;
                s += n;
                break;
            }
        }
        if (k == 4)
            *o++ = *s++;
    }
    *o = '\0';
    return out;
}

/* The tree apr_xml built, in document order, through the same structure
 * check as the fast path. Depth is bounded by xml_depth: elem_start fails
 * past it. */
static void walk(rwdav_body *b, const char **uris, const apr_xml_elem *e)
{
    const apr_xml_elem *c;
    qname q;

    q.uri = e->ns >= 0 ? uris[e->ns] : NULL;
    q.ulen = q.uri ? strlen(q.uri) : 0;
    q.local = e->name;
    q.llen = strlen(e->name);
    b->at = next_mark(b);
    elem_start(b, &q);
    if (b->shape_err)
        return;
    if (has_content(&e->first_cdata))
        text_seen(b);
    for (c = e->first_child; c && !b->shape_err; c = c->next) {
        walk(b, uris, c);
        if (!b->shape_err && has_content(&c->following_cdata))
            text_seen(b);
    }
    if (!b->shape_err) {
        b->at = next_mark(b);
        elem_end(b);
    }
}

static rwdav_error *xml_finish(rwdav_body *b)
{
    apr_xml_doc *doc = NULL;
    const char **uris;
    int k;

    if (xml_flush(b) || probe_feed(b, NULL, 0, 1))
        return b->err;
    if (apr_xml_parser_done(b->apr, &doc) != APR_SUCCESS)
        return apr_verdict(b);
    if (!doc || !doc->root) {
        fail(b, RWDAV_E_BODY_NO_ROOT, b->fed);
        return b->err;
    }
    uris = apr_palloc(b->p, sizeof(*uris) * (doc->namespaces->nelts + 1));
    for (k = 0; k < doc->namespaces->nelts; k++) {
        const char *u = APR_XML_GET_URI_ITEM(doc->namespaces, k);
        uris[k] = *u ? ns_name(b->p, u) : NULL;
    }
    walk(b, uris, doc->root);
    return NULL;
}

rwdav_body *rwdav_body_create(apr_pool_t *p, rwdav_body_kind kind,
                              const rwdav_limits *lim)
{
    rwdav_body *b = apr_pcalloc(p, sizeof(*b));
    b->p = p;
    b->kind = kind;
    b->lim = *lim;
    b->sh.l2_kind = -1;
    b->xs = rwdav_xs_create(p, &xs_events, b);
    b->segs = apr_array_make(p, 2, sizeof(body_seg));
    return b;
}

void rwdav_body_parser_only(rwdav_body *b)
{
    b->xs = NULL;
}

/* The fast path gave up: mod_dav's parser judges the whole body from its
 * start. */
static rwdav_error *hand_over(rwdav_body *b)
{
    int k;

    b->xs = NULL;
    b->shape_err = NULL;
    memset(&b->sh, 0, sizeof(b->sh));
    b->sh.l2_kind = -1;
    if (b->props)
        b->props->nelts = 0;
    if (b->ops)
        b->ops->nelts = 0;
    for (k = 0; k < b->segs->nelts && !b->err; k++) {
        const body_seg *sg = &APR_ARRAY_IDX(b->segs, k, body_seg);
        xml_chunk(b, sg->p, sg->n);
    }
    return b->err;
}

static rwdav_error *parse(rwdav_body *b, const char *buf, apr_size_t len)
{
    body_seg *sg;

    b->fed += len;
    if (!b->xs)
        return xml_chunk(b, buf, len);
    sg = apr_array_push(b->segs);
    sg->p = buf;
    sg->n = len;
    switch (rwdav_xs_feed(b->xs, buf, len)) {
    case RWDAV_XS_OK:
        return NULL;
    case RWDAV_XS_STOP:
        return b->err;
    default:
        return hand_over(b);
    }
}

rwdav_error *rwdav_body_feed(rwdav_body *b, const char *buf, apr_size_t len)
{
    apr_size_t fit;

    if (b->err || len == 0)
        return b->err;
    fit = b->lim.body_bytes - b->fed;
    if (len <= fit)
        return parse(b, buf, len);
    /* The bytes under the cap are judged first, so that the verdict is the
     * first fault in byte order whatever the split: 400 for a body that
     * went wrong before the cap, 413 for one that was fine until it. */
    if (fit && parse(b, buf, fit))
        return b->err;
    if (!b->xs && xml_flush(b))
        return b->err;
    b->fed += len - fit;
    b->err = rwdav_fault(b->p, RWDAV_E_BODY_TOO_LARGE, b->lim.body_bytes);
    return b->err;
}

/* What a PROPPATCH leaves stored: each name's last operation wins. Read
 * from the end, so that a body of many properties costs one hash lookup
 * each; props keeps document order. */
static void settle_ops(rwdav_body *b)
{
    apr_hash_t *seen = apr_hash_make(b->p);
    const char **names;
    int i, n;

    for (i = b->ops->nelts - 1; i >= 0; i--) {
        const prop_op *op = &APR_ARRAY_IDX(b->ops, i, prop_op);
        if (apr_hash_get(seen, op->name, APR_HASH_KEY_STRING))
            continue;
        apr_hash_set(seen, op->name, APR_HASH_KEY_STRING, op);
        if (op->set)
            *(const char **)apr_array_push(b->props) = op->name;
    }
    names = (const char **)b->props->elts;
    for (i = 0, n = b->props->nelts; i < n / 2; i++) {
        const char *t = names[i];
        names[i] = names[n - 1 - i];
        names[n - 1 - i] = t;
    }
}

rwdav_error *rwdav_body_finish(rwdav_body *b)
{
    if (b->err)
        return b->err;
    if (b->fed == 0) {
        if (b->kind == RWDAV_BODY_PROPPATCH)
            b->err = rwdav_fault(b->p, RWDAV_E_BODY_PROPPATCH_EMPTY, 0);
        return b->err;
    }
    if (b->xs && rwdav_xs_finish(b->xs) != RWDAV_XS_OK && hand_over(b))
        return b->err;
    /* the fast path checked the structure as each element closed */
    if (!b->xs && xml_finish(b))
        return b->err;
    b->err = b->shape_err;
    if (!b->sh.root_seen)
        fail(b, RWDAV_E_BODY_NO_ROOT, b->fed);
    if (!b->err && b->ops)
        settle_ops(b);
    return b->err;
}

apr_size_t rwdav_body_size(const rwdav_body *b)
{
    return b->fed;
}

void rwdav_body_collect(rwdav_body *b)
{
    b->props = apr_array_make(b->p, 4, sizeof(const char *));
    if (b->kind == RWDAV_BODY_PROPPATCH)
        b->ops = apr_array_make(b->p, 4, sizeof(prop_op));
}

rwdav_propfind_form rwdav_body_form(const rwdav_body *b)
{
    if (b->kind != RWDAV_BODY_PROPFIND)
        return RWDAV_FORM_NONE;
    if (b->fed == 0 || b->sh.count[C_ALLPROP])
        return RWDAV_FORM_ALLPROP;
    return b->sh.count[C_PROPNAME] ? RWDAV_FORM_PROPNAME
         : b->sh.count[C_PROP] ? RWDAV_FORM_PROP : RWDAV_FORM_NONE;
}

const apr_array_header_t *rwdav_body_props(const rwdav_body *b)
{
    static const apr_array_header_t none = { NULL, 0, 0, 0, NULL };
    return b->props ? b->props : &none;
}

int rwdav_body_has_owner(const rwdav_body *b)
{
    return b->sh.count[C_OWNER] > 0 && b->sh.owner_content;
}

int rwdav_propname_ok(const char *s)
{
    const char *close;

    if (!s || s[0] != '{' || !(close = strchr(s + 1, '}')) || !close[1])
        return 0;
    for (; s < close; s++)
        if ((unsigned char)*s < 0x21 || (unsigned char)*s >= 0x7f)
            return 0;
    /* an ASCII NCName: the names policies are written with */
    for (s = close + 1; *s; s++) {
        int c = (unsigned char)*s;
        int start = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                    || c == '_';
        if (!start && (s == close + 1
                       || !((c >= '0' && c <= '9') || c == '-' || c == '.')))
            return 0;
    }
    return 1;
}
