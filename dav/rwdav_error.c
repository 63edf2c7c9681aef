/* Errors as values, the sub-status names (KB 943891) and shared helpers. */
#include <string.h>
#include <apr_strings.h>

#include "rwdav.h"
#include "rwdav_scan.h"

static const struct {
    const char *name;
    const char *element;
    const char *field;
} subs[RWDAV_SUB_MAX + 1] = {
    { "", "", "" },
    { "Invalid Destination Header", "invalid-destination-header", "Destination" },
    { "Invalid Depth Header", "invalid-depth-header", "Depth" },
    { "Invalid If Header", "invalid-if-header", "If" },
    { "Invalid Overwrite Header", "invalid-overwrite-header", "Overwrite" },
    { "Invalid Translate Header", "invalid-translate-header", "Translate" },
    { "Invalid Request Body", "invalid-request-body", "request body" },
    { "Invalid Content Length", "invalid-content-length", "Content-Length" },
    { "Invalid Timeout", "invalid-timeout", "Timeout" },
    { "Invalid Lock Token", "invalid-lock-token", "Lock-Token" },
};

const char *rwdav_substatus_name(rwdav_substatus sub)
{
    return (sub >= 0 && sub <= RWDAV_SUB_MAX) ? subs[sub].name : "";
}

const char *rwdav_substatus_element(rwdav_substatus sub)
{
    return (sub >= 0 && sub <= RWDAV_SUB_MAX) ? subs[sub].element : "";
}

const char *rwdav_substatus_field(rwdav_substatus sub)
{
    return (sub >= 0 && sub <= RWDAV_SUB_MAX) ? subs[sub].field : "";
}

/* One row per fault. The names are published (log lines, response
 * bodies): never change one, never reuse one. */
typedef struct {
    const char *name;
    int status;
    rwdav_substatus sub;
    const char *reason;
    const char *condition;
} fault_row;

#define D RWDAV_SUB_DESTINATION
#define TAG "Resource-Tag: "
static const fault_row faults[RWDAV_E__COUNT] = {
    /* what rwdav_fault() makes of a number that is no id: a bug here */
    [RWDAV_E_NONE] = { "", 500, RWDAV_SUB_NONE, "internal error: no such "
        "fault", NULL },
    /* Depth */
    [RWDAV_E_DEPTH_EMPTY] = { "depth.empty", 400, RWDAV_SUB_DEPTH,
        "empty Depth header", NULL },
    [RWDAV_E_DEPTH_VALUE] = { "depth.value", 400, RWDAV_SUB_DEPTH,
        "Depth must be 0, 1 or infinity", NULL },
    [RWDAV_E_DEPTH_PROPFIND_ABSENT] = { "depth.propfind-absent", 403,
        RWDAV_SUB_DEPTH, "PROPFIND without Depth means infinity, which this "
        "server does not allow on a collection: send Depth: 0 or 1",
        "propfind-finite-depth" },
    [RWDAV_E_DEPTH_PROPFIND_INFINITY] = { "depth.propfind-infinity", 403,
        RWDAV_SUB_DEPTH, "PROPFIND with Depth: infinity is not allowed on a "
        "collection here: send Depth: 0 or 1", "propfind-finite-depth" },
    [RWDAV_E_DEPTH_COPY] = { "depth.copy", 400, RWDAV_SUB_DEPTH,
        "COPY allows Depth 0 or infinity only", NULL },
    [RWDAV_E_DEPTH_MOVE] = { "depth.move", 400, RWDAV_SUB_DEPTH,
        "MOVE allows Depth infinity only", NULL },
    [RWDAV_E_DEPTH_LOCK] = { "depth.lock", 400, RWDAV_SUB_DEPTH,
        "LOCK allows Depth 0 or infinity only", NULL },
    [RWDAV_E_DEPTH_DELETE_COLLECTION] = { "depth.delete-collection", 400,
        RWDAV_SUB_DEPTH, "DELETE of a collection allows Depth infinity only",
        NULL },
    [RWDAV_E_DEPTH_DELETE] = { "depth.delete", 400, RWDAV_SUB_DEPTH,
        "DELETE allows Depth 0 or infinity only", NULL },
    /* Overwrite, Translate */
    [RWDAV_E_OVERWRITE_EMPTY] = { "overwrite.empty", 400, RWDAV_SUB_OVERWRITE,
        "empty Overwrite header", NULL },
    [RWDAV_E_OVERWRITE_VALUE] = { "overwrite.value", 400, RWDAV_SUB_OVERWRITE,
        "Overwrite must be T or F", NULL },
    [RWDAV_E_TRANSLATE_VALUE] = { "translate.value", 400, RWDAV_SUB_TRANSLATE,
        "Translate must be t or f", NULL },
    /* Destination */
    [RWDAV_E_DEST_EMPTY] = { "destination.empty", 400, D,
        "empty Destination header", NULL },
    [RWDAV_E_DEST_TOO_LONG] = { "destination.too-long", 400, D,
        "Destination header too long", NULL },
    [RWDAV_E_DEST_NOT_REFERENCE] = { "destination.not-reference", 400, D,
        "neither an absolute URI nor an absolute path", NULL },
    [RWDAV_E_DEST_NETWORK_PATH] = { "destination.network-path", 400, D,
        "a network-path reference (//host) is not allowed", NULL },
    [RWDAV_E_DEST_BAD_ESCAPE] = { "destination.bad-escape", 400, D,
        "malformed percent-encoding", NULL },
    [RWDAV_E_DEST_ENCODED_NUL] = { "destination.encoded-nul", 400, D,
        "an encoded NUL (%00) is not allowed", NULL },
    [RWDAV_E_DEST_FRAGMENT] = { "destination.fragment", 400, D,
        "a fragment is not allowed", NULL },
    [RWDAV_E_DEST_CHAR] = { "destination.char", 400, D,
        "character not allowed in a URI", NULL },
    [RWDAV_E_DEST_USERINFO_CHAR] = { "destination.userinfo-char", 400, D,
        "character not allowed in the userinfo", NULL },
    [RWDAV_E_DEST_IP_LITERAL_CHAR] = { "destination.ip-literal-char", 400, D,
        "character not allowed in an IP literal", NULL },
    [RWDAV_E_DEST_IP_LITERAL_UNCLOSED] = { "destination.ip-literal-unclosed",
        400, D, "unterminated IP literal", NULL },
    [RWDAV_E_DEST_HOST_CHAR] = { "destination.host-char", 400, D,
        "character not allowed in the host", NULL },
    [RWDAV_E_DEST_AFTER_HOST] = { "destination.after-host", 400, D,
        "character not allowed after the host", NULL },
    [RWDAV_E_DEST_PORT_NOT_NUMBER] = { "destination.port-not-number", 400, D,
        "the port is not a number", NULL },
    [RWDAV_E_DEST_PORT_RANGE] = { "destination.port-range", 400, D,
        "the port is out of range", NULL },
    [RWDAV_E_DEST_NUL] = { "destination.nul", 400, D,
        "NUL byte in the path", NULL },
    [RWDAV_E_DEST_DOT_SEGMENT] = { "destination.dot-segment", 400, D,
        "a dot-segment climbs above the root", NULL },
    [RWDAV_E_DEST_NO_HOST] = { "destination.no-host", 400, D,
        "an http(s) Destination needs a host", NULL },
    [RWDAV_E_DEST_USERINFO] = { "destination.userinfo", 400, D,
        "userinfo is not allowed in Destination", NULL },
    [RWDAV_E_DEST_OTHER_SCHEME] = { "destination.other-scheme", 502, D,
        "Destination names another scheme: this server cannot copy there",
        NULL },
    [RWDAV_E_DEST_OTHER_SERVER] = { "destination.other-server", 502, D,
        "Destination names another server (scheme, host or port): this "
        "server cannot copy there", NULL },
    /* COPY and MOVE that would destroy their source */
    [RWDAV_E_DEST_ROOT] = { "destination.root", 403, D,
        "Destination has no path: it names the root collection, which holds "
        "the source", NULL },
    [RWDAV_E_DEST_PATH] = { "destination.path", 400, D,
        "malformed Destination path", NULL },
    [RWDAV_E_DEST_SELF] = { "destination.self", 403, D,
        "Destination is the source itself", NULL },
    [RWDAV_E_DEST_PARENT] = { "destination.parent", 403, D,
        "Destination is a collection that holds the source: overwriting it "
        "would delete the source", NULL },
    [RWDAV_E_DEST_INSIDE] = { "destination.inside", 403, D,
        "Destination lies inside the source", NULL },
#undef D
#define I RWDAV_SUB_IF
    /* If */
    [RWDAV_E_IF_EMPTY] = { "if.empty", 400, I, "empty If header", NULL },
    [RWDAV_E_IF_TOO_LONG] = { "if.too-long", 400, I, "If header too long",
        NULL },
    [RWDAV_E_IF_COMMA] = { "if.comma", 400, I,
        "the If header is not a list: send it once", NULL },
    [RWDAV_E_IF_SYNTAX] = { "if.syntax", 400, I, "expected '(' or '<'",
        NULL },
    [RWDAV_E_IF_MIXED_TAGGING] = { "if.mixed-tagging", 400, I,
        "tagged and untagged lists are mixed", NULL },
    [RWDAV_E_IF_TAG_WITHOUT_LIST] = { "if.tag-without-list", 400, I,
        "a Resource-Tag must be followed by a list", NULL },
    [RWDAV_E_IF_TOO_MANY_LISTS] = { "if.too-many-lists", 400, I,
        "too many lists", NULL },
    [RWDAV_E_IF_LIST_UNCLOSED] = { "if.list-unclosed", 400, I,
        "unclosed list (missing ')')", NULL },
    [RWDAV_E_IF_LIST_EMPTY] = { "if.list-empty", 400, I, "empty list '()'",
        NULL },
    [RWDAV_E_IF_LIST_SYNTAX] = { "if.list-syntax", 400, I,
        "expected '<', '[', 'Not' or ')' in a list", NULL },
    [RWDAV_E_IF_NOT_TWICE] = { "if.not-twice", 400, I,
        "'Not' may appear once per condition", NULL },
    [RWDAV_E_IF_TOO_MANY_CONDITIONS] = { "if.too-many-conditions", 400, I,
        "too many conditions", NULL },
    [RWDAV_E_IF_TOKEN_UNCLOSED] = { "if.token-unclosed", 400, I,
        "unterminated state token (missing '>')", NULL },
    [RWDAV_E_IF_TOKEN_EMPTY] = { "if.token-empty", 400, I,
        "empty state token", NULL },
    [RWDAV_E_IF_TOKEN_NOT_URI] = { "if.token-not-uri", 400, I,
        "a state token must be an absolute URI", NULL },
    [RWDAV_E_IF_TOKEN_OPAQUE] = { "if.token-opaquelocktoken", 400, I,
        "malformed opaquelocktoken URI (RFC 4918 App. C)", NULL },
    [RWDAV_E_IF_ETAG_UNQUOTED] = { "if.etag-unquoted", 400, I,
        "an entity-tag must be quoted", NULL },
    [RWDAV_E_IF_ETAG_CHAR] = { "if.etag-char", 400, I,
        "character not allowed in an entity-tag", NULL },
    [RWDAV_E_IF_ETAG_UNCLOSED] = { "if.etag-unclosed", 400, I,
        "unterminated entity-tag", NULL },
    [RWDAV_E_IF_ETAG_BRACKET] = { "if.etag-bracket", 400, I,
        "entity-tag not closed by ']'", NULL },
    [RWDAV_E_IF_TAG_UNCLOSED] = { "if.tag-unclosed", 400, I,
        "unterminated Resource-Tag", NULL },
    [RWDAV_E_IF_TAG_EMPTY] = { "if.tag-empty", 400, I, TAG "empty", NULL },
    [RWDAV_E_IF_TAG_NOT_REFERENCE] = { "if.tag-not-reference", 400, I,
        TAG "neither an absolute URI nor an absolute path", NULL },
    [RWDAV_E_IF_TAG_NETWORK_PATH] = { "if.tag-network-path", 400, I,
        TAG "a network-path reference (//host) is not allowed", NULL },
    [RWDAV_E_IF_TAG_BAD_ESCAPE] = { "if.tag-bad-escape", 400, I,
        TAG "malformed percent-encoding", NULL },
    [RWDAV_E_IF_TAG_ENCODED_NUL] = { "if.tag-encoded-nul", 400, I,
        TAG "an encoded NUL (%00) is not allowed", NULL },
    [RWDAV_E_IF_TAG_FRAGMENT] = { "if.tag-fragment", 400, I,
        TAG "a fragment is not allowed", NULL },
    [RWDAV_E_IF_TAG_CHAR] = { "if.tag-char", 400, I,
        TAG "character not allowed in a URI", NULL },
    [RWDAV_E_IF_TAG_USERINFO_CHAR] = { "if.tag-userinfo-char", 400, I,
        TAG "character not allowed in the userinfo", NULL },
    [RWDAV_E_IF_TAG_IP_LITERAL_CHAR] = { "if.tag-ip-literal-char", 400, I,
        TAG "character not allowed in an IP literal", NULL },
    [RWDAV_E_IF_TAG_IP_LITERAL_UNCLOSED] = { "if.tag-ip-literal-unclosed",
        400, I, TAG "unterminated IP literal", NULL },
    [RWDAV_E_IF_TAG_HOST_CHAR] = { "if.tag-host-char", 400, I,
        TAG "character not allowed in the host", NULL },
    [RWDAV_E_IF_TAG_AFTER_HOST] = { "if.tag-after-host", 400, I,
        TAG "character not allowed after the host", NULL },
    [RWDAV_E_IF_TAG_PORT_NOT_NUMBER] = { "if.tag-port-not-number", 400, I,
        TAG "the port is not a number", NULL },
    [RWDAV_E_IF_TAG_PORT_RANGE] = { "if.tag-port-range", 400, I,
        TAG "the port is out of range", NULL },
    [RWDAV_E_IF_TAG_NUL] = { "if.tag-nul", 400, I,
        TAG "NUL byte in the path", NULL },
    [RWDAV_E_IF_TAG_DOT_SEGMENT] = { "if.tag-dot-segment", 400, I,
        TAG "a dot-segment climbs above the root", NULL },
    [RWDAV_E_IF_TAG_SCHEME] = { "if.tag-scheme", 400, I,
        "a Resource-Tag must be an http(s) URI or an absolute path", NULL },
    [RWDAV_E_IF_TAG_NO_HOST] = { "if.tag-no-host", 400, I,
        TAG "an http(s) URI needs a host", NULL },
    [RWDAV_E_IF_TAG_USERINFO] = { "if.tag-userinfo", 400, I,
        TAG "userinfo is not allowed", NULL },
    [RWDAV_E_IF_REFRESH_NO_IF] = { "if.refresh-without-if", 400, I,
        "a LOCK refresh (no body) needs an If header naming the lock", NULL },
    [RWDAV_E_IF_REFRESH_NO_TOKEN] = { "if.refresh-without-token", 400, I,
        "a LOCK refresh (no body) needs the lock's token in the If header, "
        "not negated", NULL },
#undef I
#define T RWDAV_SUB_TIMEOUT
    /* Timeout */
    [RWDAV_E_TIMEOUT_EMPTY] = { "timeout.empty", 400, T,
        "empty Timeout header", NULL },
    [RWDAV_E_TIMEOUT_TOO_LONG] = { "timeout.too-long", 400, T,
        "Timeout header too long", NULL },
    [RWDAV_E_TIMEOUT_VALUE] = { "timeout.value", 400, T,
        "expected Second-N or Infinite", NULL },
    [RWDAV_E_TIMEOUT_DIGITS] = { "timeout.digits", 400, T,
        "Second- must be followed by digits only", NULL },
    [RWDAV_E_TIMEOUT_RANGE] = { "timeout.range", 400, T,
        "timeout above 4294967295 seconds", NULL },
    [RWDAV_E_TIMEOUT_SEPARATOR] = { "timeout.separator", 400, T,
        "Timeout values must be separated by ','", NULL },
    [RWDAV_E_TIMEOUT_TOO_MANY] = { "timeout.too-many", 400, T,
        "too many Timeout values", NULL },
    [RWDAV_E_TIMEOUT_NO_VALUE] = { "timeout.no-value", 400, T,
        "no Timeout value", NULL },
#undef T
#define L RWDAV_SUB_LOCK_TOKEN
    /* Lock-Token */
    [RWDAV_E_LOCKTOKEN_EMPTY] = { "lock-token.empty", 400, L,
        "empty Lock-Token header", NULL },
    [RWDAV_E_LOCKTOKEN_TOO_LONG] = { "lock-token.too-long", 400, L,
        "Lock-Token header too long", NULL },
    [RWDAV_E_LOCKTOKEN_UNCLOSED] = { "lock-token.unclosed", 400, L,
        "Lock-Token must end with '>'", NULL },
    [RWDAV_E_LOCKTOKEN_BARE] = { "lock-token.bare", 400, L,
        "Lock-Token must be a Coded-URL: <absolute-URI>", NULL },
    [RWDAV_E_LOCKTOKEN_EMPTY_URI] = { "lock-token.empty-uri", 400, L,
        "empty lock token '<>'", NULL },
    [RWDAV_E_LOCKTOKEN_NOT_URI] = { "lock-token.not-uri", 400, L,
        "the lock token must be an absolute URI", NULL },
    [RWDAV_E_LOCKTOKEN_OPAQUE] = { "lock-token.opaquelocktoken", 400, L,
        "malformed opaquelocktoken URI (RFC 4918 App. C)", NULL },
#define B RWDAV_SUB_BODY
    /* Request bodies */
    [RWDAV_E_BODY_TOO_LARGE] = { "body.too-large", 413, B,
        "request body too large", NULL },
    [RWDAV_E_BODY_PROPPATCH_EMPTY] = { "body.proppatch-empty", 400, B,
        "PROPPATCH needs a DAV:propertyupdate body", NULL },
    [RWDAV_E_BODY_XML] = { "body.xml", 400, B, "XML is not well-formed",
        NULL },
    [RWDAV_E_BODY_NAMESPACE] = { "body.namespace", 400, B,
        "XML is not namespace-well-formed as mod_dav reads it", NULL },
    [RWDAV_E_BODY_DOCTYPE] = { "body.doctype", 400, B,
        "a DOCTYPE is not allowed in a WebDAV request body", NULL },
    [RWDAV_E_BODY_PARSER] = { "body.parser-unavailable", 500, B,
        "XML parser unavailable", NULL },
    [RWDAV_E_BODY_NO_ROOT] = { "body.no-root", 400, B, "no root element",
        NULL },
    [RWDAV_E_BODY_NESTING] = { "body.nesting", 400, B,
        "XML nesting too deep", NULL },
    [RWDAV_E_BODY_PROPFIND_ROOT] = { "body.propfind-root", 400, B,
        "the root element must be DAV:propfind", NULL },
    [RWDAV_E_BODY_PROPPATCH_ROOT] = { "body.proppatch-root", 400, B,
        "the root element must be DAV:propertyupdate", NULL },
    [RWDAV_E_BODY_LOCKINFO_ROOT] = { "body.lockinfo-root", 400, B,
        "the root element must be DAV:lockinfo", NULL },
    [RWDAV_E_BODY_PROP_TWICE] = { "body.prop-twice", 400, B,
        "more than one DAV:prop", NULL },
    [RWDAV_E_BODY_FORM_TWICE] = { "body.propfind-repeated", 400, B,
        "a DAV:propfind element is repeated", NULL },
    [RWDAV_E_BODY_INCLUDE_TWICE] = { "body.include-twice", 400, B,
        "more than one DAV:include", NULL },
    [RWDAV_E_BODY_PROPFIND_FORM] = { "body.propfind-form", 400, B,
        "DAV:propfind needs exactly one of DAV:prop, DAV:allprop or "
        "DAV:propname", NULL },
    [RWDAV_E_BODY_INCLUDE_ALONE] = { "body.include-without-allprop", 400, B,
        "DAV:include is allowed only with DAV:allprop", NULL },
    [RWDAV_E_BODY_UPDATE_EMPTY] = { "body.propertyupdate-empty", 400, B,
        "DAV:propertyupdate needs DAV:set or DAV:remove", NULL },
    [RWDAV_E_BODY_UPDATE_PROP] = { "body.set-remove-prop", 400, B,
        "DAV:set and DAV:remove must hold one DAV:prop", NULL },
    [RWDAV_E_BODY_LOCKINFO_CHILD] = { "body.lockinfo-child", 400, B,
        "unexpected element in DAV:lockinfo", NULL },
    [RWDAV_E_BODY_LOCKINFO_PARTS] = { "body.lockinfo-parts", 400, B,
        "DAV:lockinfo needs DAV:lockscope and DAV:locktype", NULL },
    [RWDAV_E_BODY_LOCKSCOPE_TWICE] = { "body.lockscope-twice", 400, B,
        "more than one DAV:lockscope", NULL },
    [RWDAV_E_BODY_LOCKTYPE_TWICE] = { "body.locktype-twice", 400, B,
        "more than one DAV:locktype", NULL },
    [RWDAV_E_BODY_OWNER_TWICE] = { "body.owner-twice", 400, B,
        "more than one DAV:owner", NULL },
    [RWDAV_E_BODY_LOCKSCOPE] = { "body.lockscope", 400, B,
        "DAV:lockscope must hold DAV:exclusive or DAV:shared", NULL },
    [RWDAV_E_BODY_LOCKTYPE] = { "body.locktype", 400, B,
        "DAV:locktype must hold DAV:write", NULL },
#undef B
    /* made by the glue */
    [RWDAV_E_LOCKTOKEN_MISSING] = { "lock-token.missing", 400, L,
        "UNLOCK needs a Lock-Token header", NULL },
    [RWDAV_E_LOCKTOKEN_NOT_FS] = { "lock-token.not-fs", 400, L,
        "this server's lock tokens are opaquelocktoken:<UUID>: this one can "
        "name none of its locks", NULL },
#undef L
    [RWDAV_E_DEST_MISSING] = { "destination.missing", 400,
        RWDAV_SUB_DESTINATION, "COPY and MOVE need a Destination header",
        NULL },
    [RWDAV_E_DEST_UNKNOWN_SERVER] = { "destination.unknown-server", 502,
        RWDAV_SUB_DESTINATION, "Destination names a server this one does not "
        "know as itself: declare it with ServerName (ServerName https://host "
        "behind a TLS front) or ServerAlias, or name the proxy in front with "
        "RetryWithTrustedProxy so that its Forwarded or X-Forwarded-* headers "
        "count", NULL },
    [RWDAV_E_CL_BODY_NOT_ALLOWED] = { "content-length.body-not-allowed", 400,
        RWDAV_SUB_CONTENT_LENGTH, "this method takes no request body", NULL },
    [RWDAV_E_CL_SHORT_BODY] = { "content-length.short-body", 400,
        RWDAV_SUB_CONTENT_LENGTH,
        "the request body ended before its Content-Length", NULL },
    [RWDAV_E_DEST_NOT_PROXIED] = { "destination.not-proxied", 502,
        RWDAV_SUB_DESTINATION,
        "Destination names a path of this server that no ProxyPass maps to "
        "a backend: the backend cannot copy or move there", NULL },
    [RWDAV_E_DEST_OTHER_BACKEND] = { "destination.other-backend", 502,
        RWDAV_SUB_DESTINATION,
        "Destination is proxied to another backend than the source: the "
        "source's backend cannot copy or move there", NULL },
};
#undef TAG

static int is_id(rwdav_error_id id)
{
    return id > RWDAV_E_NONE && id < RWDAV_E__COUNT;
}

const char *rwdav_error_id_name(rwdav_error_id id)
{
    return is_id(id) ? faults[id].name : "";
}

int rwdav_error_depth_denied(const rwdav_error *e)
{
    return e->id == RWDAV_E_DEPTH_PROPFIND_INFINITY
        || e->id == RWDAV_E_DEPTH_PROPFIND_ABSENT;
}

const char *rwdav_error_substatus(const rwdav_error *e)
{
    static const char *const fam[RWDAV_SUB_MAX + 1] = {
        "400", "400.1", "400.2", "400.3", "400.4", "400.5", "400.6",
        "400.7", "400.8", "400.9"
    };
    if (rwdav_error_depth_denied(e))
        return "403.22";
    return (e->sub >= 0 && e->sub <= RWDAV_SUB_MAX) ? fam[e->sub] : "400";
}

int rwdav_error_minor(const rwdav_error *e)
{
    if (rwdav_error_depth_denied(e))
        return 22;
    return (e->sub >= 0 && e->sub <= RWDAV_SUB_MAX) ? (int)e->sub : 0;
}

const char *rwdav_error_element(const rwdav_error *e)
{
    return rwdav_error_depth_denied(e) ? "infinite-depth-denied"
                                       : rwdav_substatus_element(e->sub);
}

int rwdav_error_extended(const rwdav_error *e)
{
    return (rwdav_error_depth_denied(e) ? 40300 : 40000)
           + rwdav_error_minor(e);
}

rwdav_error *rwdav_fault(apr_pool_t *p, rwdav_error_id id, apr_size_t offset)
{
    const fault_row *f = &faults[is_id(id) ? id : RWDAV_E_NONE];
    rwdav_error *e = apr_pcalloc(p, sizeof(*e));

    e->status = f->status;
    e->sub = f->sub;
    e->field = rwdav_substatus_field(f->sub);
    e->reason = f->reason;
    e->offset = offset;
    e->condition = f->condition;
    e->id = is_id(id) ? id : RWDAV_E_NONE;
    return e;
}

void rwdav_limits_default(rwdav_limits *lim)
{
    lim->header_len = RWDAV_DEFAULT_HEADER_LEN;
    lim->if_lists = RWDAV_DEFAULT_IF_LISTS;
    lim->if_conditions = RWDAV_DEFAULT_IF_CONDITIONS;
    lim->body_bytes = RWDAV_DEFAULT_BODY_BYTES;
    lim->xml_depth = RWDAV_DEFAULT_XML_DEPTH;
    lim->timeout_types = RWDAV_DEFAULT_TIMEOUT_TYPES;
}

int rwdav_hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int rwdav_ieq(const char *s, apr_size_t len, const char *lit)
{
    apr_size_t i;
    for (i = 0; i < len; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)lit[i];
        if (!b)
            return 0;
        if (a >= 'A' && a <= 'Z') a += 32;
        if (b >= 'A' && b <= 'Z') b += 32;
        if (a != b)
            return 0;
    }
    return lit[len] == '\0';
}

int rwdav_ieqn(const char *a, const char *b, apr_size_t n)
{
    apr_size_t i;
    for (i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x += 32;
        if (y >= 'A' && y <= 'Z') y += 32;
        if (x != y)
            return 0;
    }
    return 1;
}

const char *rwdav_xml_escape(apr_pool_t *p, const char *s, apr_size_t len)
{
    apr_size_t i, n = 0;
    char *out, *o;

    for (i = 0; i < len; i++) {
        switch (s[i]) {
        case '&': n += 5; break;
        case '<': case '>': n += 4; break;
        case '"': case '\'': n += 6; break;
        default: n += 1;
        }
    }
    o = out = apr_palloc(p, n + 1);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': memcpy(o, "&amp;", 5); o += 5; break;
        case '<': memcpy(o, "&lt;", 4); o += 4; break;
        case '>': memcpy(o, "&gt;", 4); o += 4; break;
        case '"': memcpy(o, "&quot;", 6); o += 6; break;
        case '\'': memcpy(o, "&apos;", 6); o += 6; break;
        default: *o++ = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
        }
    }
    *o = '\0';
    return out;
}

/* Generated from the class definitions in rwdav_scan.h. */
const unsigned short rwdav_ctype[256] = {
#define P RWC_PATH
#define R RWC_TOKEN
#define A (RWC_ALPHA | RWC_ETAGC | P | R)
#define H (RWC_ALPHA | RWC_HEX | RWC_ETAGC | P | R)
#define D (RWC_DIGIT | RWC_HEX | RWC_ETAGC | P | R)
#define S (RWC_SUB_DELIM | RWC_ETAGC | P | R)
#define E RWC_ETAGC
#define U (E | RWC_UNRESERVED_EXTRA | P | R)
    /* 0x00-0x1f: controls */
    0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,
    /* sp ! " # $ % & ' ( ) * + , - . / */
    0, S, 0, E, S, E, S, S, S, (S & ~RWC_TOKEN), S, S | RWC_SCHEME_EXTRA, S,
    U | RWC_SCHEME_EXTRA, U | RWC_SCHEME_EXTRA, E | P | RWC_TOKEN,
    /* 0-9 : ; < = > ? */
    D, D, D, D, D, D, D, D, D, D, E | P | RWC_TOKEN, S, E, S, E, E,
    /* @ A-O */
    E | P | RWC_TOKEN, H, H, H, H, H, H, A, A, A, A, A, A, A, A, A,
    /* P-Z [ \ ] ^ _ */
    A, A, A, A, A, A, A, A, A, A, A, E, E, E, E, U,
    /* ` a-o */
    E, H, H, H, H, H, H, A, A, A, A, A, A, A, A, A,
    /* p-z { | } ~ del */
    A, A, A, A, A, A, A, A, A, A, A, E, E, E, U, 0,
    /* 0x80-0xff: obs-text, valid only inside entity-tags */
    E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E,
    E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E,
    E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E,
    E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E
#undef P
#undef R
#undef U
#undef A
#undef H
#undef D
#undef S
#undef E
};
