/* Request bodies of PROPFIND, PROPPATCH and LOCK: libxml2's SAX2 push
 * parser checks well-formedness chunk by chunk while the glue buffers, and a
 * small state machine checks the RFC 4918 §14 structure. No tree is built. */
#include <string.h>
#include <apr_strings.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "rwdav.h"

#define DAV_NS "DAV:"

/* Children counted per level: the rules only ever look two levels down. */
enum { C_PROP, C_ALLPROP, C_PROPNAME, C_INCLUDE, C_SETREMOVE,
       C_LOCKSCOPE, C_LOCKTYPE, C_OWNER, C_N };

struct rwdav_body {
    apr_pool_t *p;
    rwdav_body_kind kind;
    rwdav_limits lim;
    xmlParserCtxtPtr ctxt;
    apr_size_t fed;
    apr_size_t depth;
    rwdav_error *err;
    int root_seen;
    int count[C_N];
    int l2_kind;          /* which level-2 element is open, or -1 */
    int l3_ok, l3_other;  /* inside it: wanted / other elements */
    unsigned char sig[4]; /* the first bytes, for encoding detection */
    apr_size_t sig_n;
    int l2_set;           /* the open level-2 element is DAV:set */
    int l3_prop;          /* the open level-3 element is DAV:prop */
    apr_array_header_t *props;  /* what the 449 policies need, once asked */
};

static const char *root_name[] = { "propfind", "propertyupdate", "lockinfo" };

static void fail(rwdav_body *b, int status, const char *why)
{
    if (!b->err) {
        long at = b->ctxt ? xmlByteConsumed(b->ctxt) : -1;
        b->err = rwdav_error_make(b->p, status, RWDAV_SUB_BODY, why,
                                  at >= 0 ? (apr_size_t)at : b->fed);
    }
    if (b->ctxt)
        xmlStopParser(b->ctxt);
}

static int is_dav(const xmlChar *uri, const xmlChar *local, const char *name)
{
    return uri && !strcmp((const char *)uri, DAV_NS)
        && !strcmp((const char *)local, name);
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

static void record_prop(rwdav_body *b, const xmlChar *uri,
                        const xmlChar *local)
{
    *(const char **)apr_array_push(b->props) =
        apr_pstrcat(b->p, "{", uri ? (const char *)uri : "", "}",
                    (const char *)local, NULL);
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
                     const xmlChar *uri, int nns, const xmlChar **ns,
                     int nattr, int ndef, const xmlChar **attrs)
{
    rwdav_body *b = ctx;

    if (b->err)
        return;
    if (++b->depth > b->lim.xml_depth) {
        fail(b, 400, "XML nesting too deep");
        return;
    }
    if (b->depth == 1) {
        const xmlChar *enc = b->ctxt->encoding ? b->ctxt->encoding
                                               : b->ctxt->input->encoding;
        if (!encoding_ok((const char *)enc)) {
            fail(b, 400, "XML encoding not supported: use UTF-8, UTF-16, "
                         "ISO-8859-1 or US-ASCII");
            return;
        }
        b->root_seen = 1;
        if (!is_dav(uri, local, root_name[b->kind]))
            fail(b, 400, b->kind == RWDAV_BODY_PROPFIND
                 ? "the root element must be DAV:propfind"
                 : b->kind == RWDAV_BODY_PROPPATCH
                 ? "the root element must be DAV:propertyupdate"
                 : "the root element must be DAV:lockinfo");
        return;
    }
    if (b->depth == 2) {
        int k = -1;
        b->l3_ok = b->l3_other = 0;
        switch (b->kind) {
        case RWDAV_BODY_PROPFIND:
            k = is_dav(uri, local, "prop") ? C_PROP
              : is_dav(uri, local, "allprop") ? C_ALLPROP
              : is_dav(uri, local, "propname") ? C_PROPNAME
              : is_dav(uri, local, "include") ? C_INCLUDE : -1;
            break;
        case RWDAV_BODY_PROPPATCH:
            k = (is_dav(uri, local, "set") || is_dav(uri, local, "remove"))
              ? C_SETREMOVE : -1;
            break;
        case RWDAV_BODY_LOCKINFO:
            k = is_dav(uri, local, "lockscope") ? C_LOCKSCOPE
              : is_dav(uri, local, "locktype") ? C_LOCKTYPE
              : is_dav(uri, local, "owner") ? C_OWNER : -1;
            if (k < 0) {
                /* mod_dav answers 412 to any other child of lockinfo */
                fail(b, 400, "unexpected element in DAV:lockinfo");
                return;
            }
            break;
        }
        b->l2_kind = k;
        b->l2_set = is_dav(uri, local, "set");
        if (k >= 0 && ++b->count[k] > 1 && k != C_SETREMOVE)
            fail(b, 400, k == C_PROP ? "more than one DAV:prop"
                 : k == C_INCLUDE ? "more than one DAV:include"
                 : k == C_LOCKSCOPE ? "more than one DAV:lockscope"
                 : k == C_LOCKTYPE ? "more than one DAV:locktype"
                 : k == C_OWNER ? "more than one DAV:owner"
                 : "a DAV:propfind element is repeated");
        return;
    }
    if (b->depth == 4 && b->props && b->l2_set && b->l3_prop)
        record_prop(b, uri, local);
    if (b->depth == 3) {
        if (b->props && b->l2_kind == C_PROP)
            record_prop(b, uri, local);
        b->l3_prop = is_dav(uri, local, "prop");
        switch (b->l2_kind) {
        case C_SETREMOVE:
            if (b->l3_prop)
                b->l3_ok++;
            break;
        case C_LOCKSCOPE:
            if (is_dav(uri, local, "exclusive") || is_dav(uri, local, "shared"))
                b->l3_ok++;
            else
                b->l3_other++;
            break;
        case C_LOCKTYPE:
            if (is_dav(uri, local, "write"))
                b->l3_ok++;
            else
                b->l3_other++;
            break;
        default:
            break;
        }
    }
}

static void check_root_end(rwdav_body *b)
{
    int *c = b->count;
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

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
                   const xmlChar *uri)
{
    rwdav_body *b = ctx;

    if (b->err)
        return;
    if (b->depth == 2) {
        if (b->l2_kind == C_SETREMOVE && b->l3_ok != 1)
            fail(b, 400, "DAV:set and DAV:remove must hold one DAV:prop");
        else if (b->l2_kind == C_LOCKSCOPE && (b->l3_ok != 1 || b->l3_other))
            fail(b, 400, "DAV:lockscope must hold DAV:exclusive or "
                         "DAV:shared");
        else if (b->l2_kind == C_LOCKTYPE && (b->l3_ok != 1 || b->l3_other))
            fail(b, 400, "DAV:locktype must hold DAV:write");
        b->l2_kind = -1;
    }
    else if (b->depth == 1) {
        check_root_end(b);
    }
    b->depth--;
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
    b->l2_kind = -1;
    rwdav_limits_default(&b->lim);
    return b;
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

static rwdav_error *parse(rwdav_body *b, const char *buf, apr_size_t len)
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
            b->fed += len;
            fail(b, 400, "XML encoding not supported: use UTF-8, UTF-16, "
                         "ISO-8859-1 or US-ASCII");
            return b->err;
        }
    }
    b->fed += len;
    xmlParseChunk(b->ctxt, buf, (int)len, 0);
    return check_state(b);
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
    xmlParseChunk(b->ctxt, NULL, 0, 1);
    if (check_state(b))
        return b->err;
    if (!b->root_seen)
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
    if (b->fed == 0 || b->count[C_ALLPROP])
        return RWDAV_FORM_ALLPROP;
    return b->count[C_PROPNAME] ? RWDAV_FORM_PROPNAME
         : b->count[C_PROP] ? RWDAV_FORM_PROP : RWDAV_FORM_NONE;
}

const apr_array_header_t *rwdav_body_props(const rwdav_body *b)
{
    static const apr_array_header_t none = { NULL, 0, 0, 0, NULL };
    return b->props ? b->props : &none;
}

int rwdav_body_has_owner(const rwdav_body *b)
{
    return b->count[C_OWNER] > 0;
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
