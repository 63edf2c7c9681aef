/* Request bodies of PROPFIND, PROPPATCH and LOCK, checked chunk by chunk
 * while the glue buffers them: well-formedness by the fast scanner
 * (rwdav_xmlscan.c) where it can prove it, else by libxml2's SAX2 push
 * parser over the whole body; the RFC 4918 §14 structure by one small state
 * machine fed by either. No tree is built and the body is not copied. */
#include <string.h>
#include <apr_strings.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "rwdav.h"
#include "rwdav_xmlscan.h"

#define DAV_NS "DAV:"

/* Children counted per level: the rules only ever look two levels down. */
enum { C_PROP, C_ALLPROP, C_PROPNAME, C_INCLUDE, C_SETREMOVE,
       C_LOCKSCOPE, C_LOCKTYPE, C_OWNER, C_N };

/* Where the structure check stands; reset when libxml2 takes over. */
typedef struct {
    apr_size_t depth;
    int root_seen;
    int count[C_N];
    int l2_kind;          /* which level-2 element is open, or -1 */
    int l3_ok, l3_other;  /* inside it: wanted / other elements */
    int l2_set;           /* the open level-2 element is DAV:set */
    int l3_prop;          /* the open level-3 element is DAV:prop */
} body_shape;

typedef struct {
    const char *p;
    apr_size_t n;
} body_seg;

struct rwdav_body {
    apr_pool_t *p;
    rwdav_body_kind kind;
    rwdav_limits lim;
    rwdav_xs *xs;         /* the fast path, while it is in charge */
    apr_array_header_t *segs;   /* of body_seg: the feeds, for libxml2 */
    xmlParserCtxtPtr ctxt;      /* libxml2, once it is in charge */
    apr_size_t fed;
    apr_size_t at;        /* where the fast path stands in the document */
    rwdav_error *err;
    body_shape sh;
    unsigned char sig[4]; /* the first bytes, for encoding detection */
    apr_size_t sig_n;
    apr_array_header_t *props;  /* what the 449 policies need, once asked */
};

static const char *root_name[] = { "propfind", "propertyupdate", "lockinfo" };

static void fail(rwdav_body *b, int status, const char *why)
{
    if (!b->err) {
        long at = b->ctxt ? xmlByteConsumed(b->ctxt) : (long)b->at;
        b->err = rwdav_error_make(b->p, status, RWDAV_SUB_BODY, why,
                                  at >= 0 ? (apr_size_t)at : b->fed);
    }
    if (b->ctxt)
        xmlStopParser(b->ctxt);
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

static int encoding_ok(const char *enc)
{
    static const char *ok[] = { "UTF-8", "UTF-16", "UTF-16LE", "UTF-16BE",
                                "ISO-8859-1", "US-ASCII", NULL };
    int i;
    if (!enc)
        return 1;
    for (i = 0; ok[i]; i++)
        if (!strcasecmp(enc, ok[i]))
            return 1;
    return 0;
}

static void record_prop(rwdav_body *b, const qname *q)
{
    char *s = apr_palloc(b->p, q->ulen + q->llen + 3);
    s[0] = '{';
    if (q->ulen)            /* uri is NULL for no namespace */
        memcpy(s + 1, q->uri, q->ulen);
    s[q->ulen + 1] = '}';
    memcpy(s + q->ulen + 2, q->local, q->llen);
    s[q->ulen + q->llen + 2] = '\0';
    *(const char **)apr_array_push(b->props) = s;
}

/* The structure check, one element at a time. */
static void elem_start(rwdav_body *b, const qname *q)
{
    body_shape *sh = &b->sh;

    if (++sh->depth > b->lim.xml_depth) {
        fail(b, 400, "XML nesting too deep");
        return;
    }
    if (sh->depth == 1) {
        sh->root_seen = 1;
        if (!is_dav(q, root_name[b->kind]))
            fail(b, 400, b->kind == RWDAV_BODY_PROPFIND
                 ? "the root element must be DAV:propfind"
                 : b->kind == RWDAV_BODY_PROPPATCH
                 ? "the root element must be DAV:propertyupdate"
                 : "the root element must be DAV:lockinfo");
        return;
    }
    if (sh->depth == 2) {
        int k = -1;
        sh->l3_ok = sh->l3_other = 0;
        switch (b->kind) {
        case RWDAV_BODY_PROPFIND:
            k = is_dav(q, "prop") ? C_PROP
              : is_dav(q, "allprop") ? C_ALLPROP
              : is_dav(q, "propname") ? C_PROPNAME
              : is_dav(q, "include") ? C_INCLUDE : -1;
            break;
        case RWDAV_BODY_PROPPATCH:
            k = (is_dav(q, "set") || is_dav(q, "remove")) ? C_SETREMOVE : -1;
            break;
        case RWDAV_BODY_LOCKINFO:
            k = is_dav(q, "lockscope") ? C_LOCKSCOPE
              : is_dav(q, "locktype") ? C_LOCKTYPE
              : is_dav(q, "owner") ? C_OWNER : -1;
            if (k < 0) {
                /* mod_dav answers 412 to any other child of lockinfo */
                fail(b, 400, "unexpected element in DAV:lockinfo");
                return;
            }
            break;
        }
        sh->l2_kind = k;
        sh->l2_set = is_dav(q, "set");
        if (k >= 0 && ++sh->count[k] > 1 && k != C_SETREMOVE)
            fail(b, 400, k == C_PROP ? "more than one DAV:prop"
                 : k == C_INCLUDE ? "more than one DAV:include"
                 : k == C_LOCKSCOPE ? "more than one DAV:lockscope"
                 : k == C_LOCKTYPE ? "more than one DAV:locktype"
                 : k == C_OWNER ? "more than one DAV:owner"
                 : "a DAV:propfind element is repeated");
        return;
    }
    if (sh->depth == 4 && b->props && sh->l2_set && sh->l3_prop)
        record_prop(b, q);
    if (sh->depth == 3) {
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
}

static void check_root_end(rwdav_body *b)
{
    int *c = b->sh.count;
    switch (b->kind) {
    case RWDAV_BODY_PROPFIND:
        if (c[C_PROP] + c[C_ALLPROP] + c[C_PROPNAME] != 1)
            fail(b, 400, "DAV:propfind needs exactly one of DAV:prop, "
                         "DAV:allprop or DAV:propname");
        else if (c[C_INCLUDE] && !c[C_ALLPROP])
            fail(b, 400, "DAV:include is allowed only with DAV:allprop");
        break;
    case RWDAV_BODY_PROPPATCH:
        if (!c[C_SETREMOVE])
            fail(b, 400, "DAV:propertyupdate needs DAV:set or DAV:remove");
        break;
    case RWDAV_BODY_LOCKINFO:
        if (c[C_LOCKSCOPE] != 1 || c[C_LOCKTYPE] != 1)
            fail(b, 400, "DAV:lockinfo needs DAV:lockscope and DAV:locktype");
        break;
    }
}

static void elem_end(rwdav_body *b)
{
    body_shape *sh = &b->sh;

    if (sh->depth == 2) {
        if (sh->l2_kind == C_SETREMOVE && sh->l3_ok != 1)
            fail(b, 400, "DAV:set and DAV:remove must hold one DAV:prop");
        else if (sh->l2_kind == C_LOCKSCOPE
                 && (sh->l3_ok != 1 || sh->l3_other))
            fail(b, 400, "DAV:lockscope must hold DAV:exclusive or "
                         "DAV:shared");
        else if (sh->l2_kind == C_LOCKTYPE
                 && (sh->l3_ok != 1 || sh->l3_other))
            fail(b, 400, "DAV:locktype must hold DAV:write");
        sh->l2_kind = -1;
    }
    else if (sh->depth == 1) {
        check_root_end(b);
    }
    sh->depth--;
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

static const rwdav_xs_events xs_events = { xs_start, xs_end };

/* ---- libxml2's ---- */
static rwdav_error *check_state(rwdav_body *b);

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
                     const xmlChar *uri, int nns, const xmlChar **ns,
                     int nattr, int ndef, const xmlChar **attrs)
{
    rwdav_body *b = ctx;
    qname q;

    if (b->err)
        return;
    /* libxml2 goes on after a namespace error; the first fault must win
     * whatever the chunks, so it is taken now. */
    if (check_state(b))
        return;
    if (b->sh.depth == 0) {
        const xmlChar *enc = b->ctxt->encoding ? b->ctxt->encoding
                                               : b->ctxt->input->encoding;
        if (!encoding_ok((const char *)enc)) {
            fail(b, 400, "XML encoding not supported: use UTF-8, UTF-16, "
                         "ISO-8859-1 or US-ASCII");
            return;
        }
    }
    q.uri = (const char *)uri;
    q.ulen = uri ? strlen(q.uri) : 0;
    q.local = (const char *)local;
    q.llen = strlen(q.local);
    elem_start(b, &q);
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
                   const xmlChar *uri)
{
    rwdav_body *b = ctx;
    if (!b->err && !check_state(b))
        elem_end(b);
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *eid,
                       const xmlChar *sid)
{
    fail(ctx, 400, "a DOCTYPE is not allowed in a WebDAV request body");
}

static void on_entity(void *ctx, const xmlChar *name, int type,
                      const xmlChar *pid, const xmlChar *sid, xmlChar *content)
{
    fail(ctx, 400, "entity declarations are not allowed");
}

static void on_error(void *ctx, xmlErrorPtr e)
{
    /* Recorded by the state check after each chunk; nothing is printed. */
}

/* Only what the rules need: no tree, no text, no entity handling. */
static const xmlSAXHandler sax = {
    .internalSubset = on_doctype,
    .externalSubset = on_doctype,
    .entityDecl = on_entity,
    .initialized = XML_SAX2_MAGIC,
    .startElementNs = on_start,
    .endElementNs = on_end,
    .serror = on_error,
};

static apr_status_t body_cleanup(void *data)
{
    rwdav_body *b = data;
    if (b->ctxt) {
        if (b->ctxt->myDoc)
            xmlFreeDoc(b->ctxt->myDoc);
        xmlFreeParserCtxt(b->ctxt);
        b->ctxt = NULL;
    }
    return APR_SUCCESS;
}

void rwdav_init(void)
{
    /* never paired with xmlCleanupParser: other modules share libxml2 */
    xmlInitParser();
}

rwdav_body *rwdav_body_create(apr_pool_t *p, rwdav_body_kind kind,
                              const rwdav_limits *lim)
{
    rwdav_body *b = apr_pcalloc(p, sizeof(*b));
    b->p = p;
    b->kind = kind;
    b->lim = *lim;
    b->sh.l2_kind = -1;
    rwdav_limits_default(&b->lim);
    b->xs = rwdav_xs_create(p, &xs_events, b);
    b->segs = apr_array_make(p, 2, sizeof(body_seg));
    return b;
}

void rwdav_body_libxml2_only(rwdav_body *b)
{
    b->xs = NULL;
}

static rwdav_error *check_state(rwdav_body *b)
{
    if (!b->err && b->ctxt && !b->ctxt->wellFormed)
        fail(b, 400, apr_psprintf(b->p, "XML is not well-formed "
                                  "(libxml2 error %d)", b->ctxt->errNo));
    if (!b->err && b->ctxt && !b->ctxt->nsWellFormed)
        fail(b, 400, apr_psprintf(b->p, "XML is not namespace-well-formed "
                                  "(libxml2 error %d)", b->ctxt->errNo));
    return b->err;
}

/* Encodings libxml2 detects from the first bytes without a declaration
 * but expat (mod_dav's parser) does not read: UCS-4 and EBCDIC. */
static int odd_signature(const unsigned char *s, apr_size_t n)
{
    static const unsigned char sig[][4] = {
        { 0, 0, 0, 0x3C }, { 0x3C, 0, 0, 0 }, { 0, 0, 0x3C, 0 },
        { 0, 0x3C, 0, 0 }, { 0x4C, 0x6F, 0xA7, 0x94 },
        { 0, 0, 0xFE, 0xFF }, { 0xFF, 0xFE, 0, 0 } };
    apr_size_t i;
    if (n < 4)
        return 0;
    for (i = 0; i < sizeof(sig) / sizeof(sig[0]); i++)
        if (!memcmp(s, sig[i], 4))
            return 1;
    return 0;
}

static rwdav_error *xml_chunk(rwdav_body *b, const char *buf, apr_size_t len)
{
    if (!b->ctxt) {
        /* libxml2 copies the handler, so one constant serves every thread */
        b->ctxt = xmlCreatePushParserCtxt((xmlSAXHandler *)&sax, b, NULL, 0,
                                          NULL);
        if (!b->ctxt) {
            b->err = rwdav_error_make(b->p, 500, RWDAV_SUB_BODY,
                                      "XML parser unavailable", 0);
            return b->err;
        }
        apr_pool_cleanup_register(b->p, b, body_cleanup,
                                  apr_pool_cleanup_null);
        xmlCtxtUseOptions(b->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR
                                   | XML_PARSE_NOWARNING);
    }
    if (b->sig_n < 4) {
        apr_size_t k;
        for (k = 0; k < len && b->sig_n < 4; k++)
            b->sig[b->sig_n++] = (unsigned char)buf[k];
        if (b->sig_n == 4 && odd_signature(b->sig, 4)) {
            fail(b, 400, "XML encoding not supported: use UTF-8, UTF-16, "
                         "ISO-8859-1 or US-ASCII");
            return b->err;
        }
    }
    xmlParseChunk(b->ctxt, buf, (int)len, 0);
    return check_state(b);
}

/* The fast path gave up: libxml2 judges the whole body from its start. */
static rwdav_error *hand_over(rwdav_body *b)
{
    int k;

    b->xs = NULL;
    memset(&b->sh, 0, sizeof(b->sh));
    b->sh.l2_kind = -1;
    if (b->props)
        b->props->nelts = 0;
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
    b->fed += len - fit;
    b->err = rwdav_error_make(b->p, 413, RWDAV_SUB_BODY,
                              "request body too large", b->lim.body_bytes);
    return b->err;
}

rwdav_error *rwdav_body_finish(rwdav_body *b)
{
    if (b->err)
        return b->err;
    if (b->fed == 0) {
        if (b->kind == RWDAV_BODY_PROPPATCH)
            b->err = rwdav_error_make(b->p, 400, RWDAV_SUB_BODY,
                                      "PROPPATCH needs a DAV:propertyupdate "
                                      "body", 0);
        return b->err;
    }
    if (b->xs) {
        /* the structure was checked as each element closed */
        if (rwdav_xs_finish(b->xs) == RWDAV_XS_OK)
            return b->err;
        if (hand_over(b))
            return b->err;
    }
    xmlParseChunk(b->ctxt, NULL, 0, 1);
    if (check_state(b))
        return b->err;
    if (!b->sh.root_seen)
        fail(b, 400, "no root element");
    return b->err;
}

apr_size_t rwdav_body_size(const rwdav_body *b)
{
    return b->fed;
}

void rwdav_body_collect(rwdav_body *b)
{
    b->props = apr_array_make(b->p, 4, sizeof(const char *));
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
    return b->sh.count[C_OWNER] > 0;
}

int rwdav_propname_ok(const char *s)
{
    const char *close;

    if (!s || s[0] != '{' || !(close = strchr(s + 1, '}')) || !close[1])
        return 0;
    for (; s < close; s++)
        if ((unsigned char)*s < 0x21 || (unsigned char)*s >= 0x7f)
            return 0;
    return xmlValidateNCName((const xmlChar *)close + 1, 0) == 0;
}
