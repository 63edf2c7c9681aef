/*
 * rwdav: WebDAV request header and body validation (RFC 4918, RFC 9110,
 * [MS-WDV], [MS-WDVSE]) for mod_retrywith.
 *
 * This library depends on APR, APR-util (apr_xml, mod_dav's XML parser) and
 * expat only; it never includes an httpd
 * header, so unit tests and fuzzers link it directly.
 *
 * Conventions:
 *  - every parser takes a pool plus pointer and length; the value need not be
 *    NUL-terminated and may contain NUL bytes;
 *  - it returns NULL on success, or an rwdav_error allocated in the pool;
 *  - outputs are allocated in the pool; nothing is logged here.
 */
#ifndef RWDAV_H
#define RWDAV_H

#include <apr_pools.h>
#include <apr_tables.h>

#ifdef __cplusplus
extern "C" {
#endif

/* IIS sub-statuses of 400 (KB 943891 names). */
typedef enum {
    RWDAV_SUB_NONE = 0,
    RWDAV_SUB_DESTINATION = 1,
    RWDAV_SUB_DEPTH = 2,
    RWDAV_SUB_IF = 3,
    RWDAV_SUB_OVERWRITE = 4,
    RWDAV_SUB_TRANSLATE = 5,
    RWDAV_SUB_BODY = 6,
    RWDAV_SUB_CONTENT_LENGTH = 7,
    RWDAV_SUB_TIMEOUT = 8,
    RWDAV_SUB_LOCK_TOKEN = 9
} rwdav_substatus;

#define RWDAV_SUB_MAX 9

/* What refused a request: one id per fault, each a row of the table in
 * rwdav_error.c that gives its stable name, status, sub-status, reason and
 * DAV: condition. An id's name appears in the log and in the response body,
 * so neither an id nor its name ever changes meaning or is reused: a new
 * fault gets a new id, appended before RWDAV_E__COUNT. dav/RULES.md lists
 * the ids each rule produces. */
typedef enum {
    RWDAV_E_NONE = 0,                   /* not an id: no such fault */
    /* Depth (400.2, 403.2) */
    RWDAV_E_DEPTH_EMPTY,
    RWDAV_E_DEPTH_VALUE,
    RWDAV_E_DEPTH_PROPFIND_ABSENT,
    RWDAV_E_DEPTH_PROPFIND_INFINITY,
    RWDAV_E_DEPTH_COPY,
    RWDAV_E_DEPTH_MOVE,
    RWDAV_E_DEPTH_LOCK,
    RWDAV_E_DEPTH_DELETE_COLLECTION,
    RWDAV_E_DEPTH_DELETE,
    /* Overwrite (400.4), Translate (400.5) */
    RWDAV_E_OVERWRITE_EMPTY,
    RWDAV_E_OVERWRITE_VALUE,
    RWDAV_E_TRANSLATE_VALUE,
    /* Destination (400.1, 502.1); the reference scanner's ids too */
    RWDAV_E_DEST_EMPTY,
    RWDAV_E_DEST_TOO_LONG,
    RWDAV_E_DEST_NOT_REFERENCE,
    RWDAV_E_DEST_NETWORK_PATH,
    RWDAV_E_DEST_BAD_ESCAPE,
    RWDAV_E_DEST_ENCODED_NUL,
    RWDAV_E_DEST_FRAGMENT,
    RWDAV_E_DEST_CHAR,
    RWDAV_E_DEST_USERINFO_CHAR,
    RWDAV_E_DEST_IP_LITERAL_CHAR,
    RWDAV_E_DEST_IP_LITERAL_UNCLOSED,
    RWDAV_E_DEST_HOST_CHAR,
    RWDAV_E_DEST_AFTER_HOST,
    RWDAV_E_DEST_PORT_NOT_NUMBER,
    RWDAV_E_DEST_PORT_RANGE,
    RWDAV_E_DEST_NUL,
    RWDAV_E_DEST_DOT_SEGMENT,
    RWDAV_E_DEST_NO_HOST,
    RWDAV_E_DEST_USERINFO,
    RWDAV_E_DEST_OTHER_SCHEME,
    RWDAV_E_DEST_OTHER_SERVER,
    /* COPY and MOVE that would destroy their source (403.1) */
    RWDAV_E_DEST_ROOT,
    RWDAV_E_DEST_PATH,
    RWDAV_E_DEST_SELF,
    RWDAV_E_DEST_PARENT,
    RWDAV_E_DEST_INSIDE,
    /* If (400.3) */
    RWDAV_E_IF_EMPTY,
    RWDAV_E_IF_TOO_LONG,
    RWDAV_E_IF_COMMA,
    RWDAV_E_IF_SYNTAX,
    RWDAV_E_IF_MIXED_TAGGING,
    RWDAV_E_IF_TAG_WITHOUT_LIST,
    RWDAV_E_IF_TOO_MANY_LISTS,
    RWDAV_E_IF_LIST_UNCLOSED,
    RWDAV_E_IF_LIST_EMPTY,
    RWDAV_E_IF_LIST_SYNTAX,
    RWDAV_E_IF_NOT_TWICE,
    RWDAV_E_IF_TOO_MANY_CONDITIONS,
    RWDAV_E_IF_TOKEN_UNCLOSED,
    RWDAV_E_IF_TOKEN_EMPTY,
    RWDAV_E_IF_TOKEN_NOT_URI,
    RWDAV_E_IF_TOKEN_OPAQUE,
    RWDAV_E_IF_ETAG_UNQUOTED,
    RWDAV_E_IF_ETAG_CHAR,
    RWDAV_E_IF_ETAG_UNCLOSED,
    RWDAV_E_IF_ETAG_BRACKET,
    RWDAV_E_IF_TAG_UNCLOSED,
    /* a Resource-Tag's reference: the Destination faults, as If's */
    RWDAV_E_IF_TAG_EMPTY,
    RWDAV_E_IF_TAG_NOT_REFERENCE,
    RWDAV_E_IF_TAG_NETWORK_PATH,
    RWDAV_E_IF_TAG_BAD_ESCAPE,
    RWDAV_E_IF_TAG_ENCODED_NUL,
    RWDAV_E_IF_TAG_FRAGMENT,
    RWDAV_E_IF_TAG_CHAR,
    RWDAV_E_IF_TAG_USERINFO_CHAR,
    RWDAV_E_IF_TAG_IP_LITERAL_CHAR,
    RWDAV_E_IF_TAG_IP_LITERAL_UNCLOSED,
    RWDAV_E_IF_TAG_HOST_CHAR,
    RWDAV_E_IF_TAG_AFTER_HOST,
    RWDAV_E_IF_TAG_PORT_NOT_NUMBER,
    RWDAV_E_IF_TAG_PORT_RANGE,
    RWDAV_E_IF_TAG_NUL,
    RWDAV_E_IF_TAG_DOT_SEGMENT,
    RWDAV_E_IF_TAG_SCHEME,
    RWDAV_E_IF_TAG_NO_HOST,
    RWDAV_E_IF_TAG_USERINFO,
    RWDAV_E_IF_REFRESH_NO_IF,
    RWDAV_E_IF_REFRESH_NO_TOKEN,
    /* Timeout (400.8) */
    RWDAV_E_TIMEOUT_EMPTY,
    RWDAV_E_TIMEOUT_TOO_LONG,
    RWDAV_E_TIMEOUT_VALUE,
    RWDAV_E_TIMEOUT_DIGITS,
    RWDAV_E_TIMEOUT_RANGE,
    RWDAV_E_TIMEOUT_SEPARATOR,
    RWDAV_E_TIMEOUT_TOO_MANY,
    RWDAV_E_TIMEOUT_NO_VALUE,
    /* Lock-Token (400.9) */
    RWDAV_E_LOCKTOKEN_EMPTY,
    RWDAV_E_LOCKTOKEN_TOO_LONG,
    RWDAV_E_LOCKTOKEN_UNCLOSED,
    RWDAV_E_LOCKTOKEN_BARE,
    RWDAV_E_LOCKTOKEN_EMPTY_URI,
    RWDAV_E_LOCKTOKEN_NOT_URI,
    RWDAV_E_LOCKTOKEN_OPAQUE,
    /* Request bodies (400.6, 413.6, 500.6) */
    RWDAV_E_BODY_TOO_LARGE,
    RWDAV_E_BODY_PROPPATCH_EMPTY,
    RWDAV_E_BODY_XML,
    RWDAV_E_BODY_NAMESPACE,
    RWDAV_E_BODY_DOCTYPE,
    RWDAV_E_BODY_PARSER,
    RWDAV_E_BODY_NO_ROOT,
    RWDAV_E_BODY_NESTING,
    RWDAV_E_BODY_PROPFIND_ROOT,
    RWDAV_E_BODY_PROPPATCH_ROOT,
    RWDAV_E_BODY_LOCKINFO_ROOT,
    RWDAV_E_BODY_PROP_TWICE,
    RWDAV_E_BODY_FORM_TWICE,
    RWDAV_E_BODY_INCLUDE_TWICE,
    RWDAV_E_BODY_PROPFIND_FORM,
    RWDAV_E_BODY_INCLUDE_ALONE,
    RWDAV_E_BODY_UPDATE_EMPTY,
    RWDAV_E_BODY_UPDATE_PROP,
    RWDAV_E_BODY_LOCKINFO_CHILD,
    RWDAV_E_BODY_LOCKINFO_PARTS,
    RWDAV_E_BODY_LOCKSCOPE_TWICE,
    RWDAV_E_BODY_LOCKTYPE_TWICE,
    RWDAV_E_BODY_OWNER_TWICE,
    RWDAV_E_BODY_LOCKSCOPE,
    RWDAV_E_BODY_LOCKTYPE,
    /* made by the glue, which sees what dav/ is not given */
    RWDAV_E_LOCKTOKEN_MISSING,
    RWDAV_E_LOCKTOKEN_NOT_FS,
    RWDAV_E_DEST_MISSING,
    RWDAV_E_DEST_UNKNOWN_SERVER,
    RWDAV_E_CL_BODY_NOT_ALLOWED,
    RWDAV_E_CL_SHORT_BODY,
    RWDAV_E_DEST_NOT_PROXIED,
    RWDAV_E_DEST_OTHER_BACKEND,
    RWDAV_E__COUNT                      /* not an id */
} rwdav_error_id;

typedef struct rwdav_error {
    int status;              /* HTTP status to answer: 400, 403, 413, 502
                                (500: no XML parser) */
    rwdav_substatus sub;     /* the rule family that refused the request */
    const char *field;       /* header name, or "request body" */
    const char *reason;      /* static, human-readable, never request data */
    apr_size_t offset;       /* byte offset of the fault within the value */
    const char *condition;   /* RFC 4918 §16 DAV: precondition, or NULL */
    rwdav_error_id id;       /* the fault (rwdav_error_id_name: its name) */
    /* What the library that found the fault said (expat's or apr_xml's
     * message): static or library text, never request bytes; or NULL. */
    const char *detail;
} rwdav_error;

/* The error of fault id from its table row; offset as dav/RULES.md says
 * for that fault. */
rwdav_error *rwdav_fault(apr_pool_t *p, rwdav_error_id id, apr_size_t offset);

/* The stable name of an id, e.g. "depth.value"; "" for RWDAV_E_NONE and
 * anything that is not an id. */
const char *rwdav_error_id_name(rwdav_error_id id);


/* "Invalid Depth Header" etc.; "" for RWDAV_SUB_NONE. */
const char *rwdav_substatus_name(rwdav_substatus sub);
/* Element name used in the DAV:error body, e.g. "invalid-depth-header". */
const char *rwdav_substatus_element(rwdav_substatus sub);
/* The header the rule family reads, e.g. "Depth"; "request body" for 400.6. */
const char *rwdav_substatus_field(rwdav_substatus sub);

/* Whether the error refuses an infinite-depth PROPFIND: IIS's 403.22,
 * "Infinite depth is denied", rather than its rule family's 400.2. */
int rwdav_error_depth_denied(const rwdav_error *e);
/* The IIS sub-status of an error as the client and the log see it:
 * "400.N" for its rule family, except the refusal of an infinite-depth
 * PROPFIND, which IIS answers "403.22" (Infinite depth is denied). */
const char *rwdav_error_substatus(const rwdav_error *e);
/* Its minor sub-status, the N of 400.N or the 22 of 403.22 (the DAV:error
 * body's errcode), and the element that names it in that body. */
int rwdav_error_minor(const rwdav_error *e);
const char *rwdav_error_element(const rwdav_error *e);
/* Its [MS-WDV] §2.2.3 Extended-error for X-MSDAVEXT_ERROR: the status
 * and the minor sub-status as digits, 400.2 -> 40002, 403.22 -> 40322. */
int rwdav_error_extended(const rwdav_error *e);

/* Caps. Every parser applies the limits it is given as they are: set them
 * all, starting from rwdav_limits_default(). */
typedef struct rwdav_limits {
    apr_size_t header_len;      /* any single header value */
    apr_size_t if_lists;        /* Lists in one If header */
    apr_size_t if_conditions;   /* Conditions in one If header, all lists */
    apr_size_t body_bytes;      /* XML request body */
    apr_size_t xml_depth;       /* element nesting in a request body */
    apr_size_t timeout_types;   /* TimeTypes in one Timeout header */
} rwdav_limits;

/* No cap of the module's own on header length and If lists: httpd's
 * LimitRequestFieldSize bounds every header, and a real client's If header
 * (svn's DELETE of a directory of locked files) holds a list per file. */
#define RWDAV_UNLIMITED              ((apr_size_t)-1)
#define RWDAV_DEFAULT_HEADER_LEN     RWDAV_UNLIMITED
#define RWDAV_DEFAULT_IF_LISTS       RWDAV_UNLIMITED
#define RWDAV_DEFAULT_IF_CONDITIONS  RWDAV_UNLIMITED
#define RWDAV_DEFAULT_BODY_BYTES     1000000
#define RWDAV_DEFAULT_XML_DEPTH      64
#define RWDAV_DEFAULT_TIMEOUT_TYPES  16

/* Sets every field to its default (RWDAV_DEFAULT_*): the glue calls it
 * once, at configuration time, before any directive changes a field. */
void rwdav_limits_default(rwdav_limits *lim);

/* Methods whose rules differ. */
typedef enum {
    RWDAV_M_OTHER = 0,
    RWDAV_M_GET, RWDAV_M_PUT, RWDAV_M_DELETE, RWDAV_M_MKCOL,
    RWDAV_M_COPY, RWDAV_M_MOVE, RWDAV_M_PROPFIND, RWDAV_M_PROPPATCH,
    RWDAV_M_LOCK, RWDAV_M_UNLOCK, RWDAV_M_OPTIONS
} rwdav_method;

/* ---- Depth (RFC 4918 §10.2, per-method rules §9) ---- */
typedef enum {
    RWDAV_DEPTH_ABSENT = -2,
    RWDAV_DEPTH_0 = 0,
    RWDAV_DEPTH_1 = 1,
    RWDAV_DEPTH_INFINITY = 3
} rwdav_depth;

/* Syntax only: "0", "1" or "infinity" (case-insensitive), nothing else. */
rwdav_error *rwdav_depth_parse(apr_pool_t *p, const char *v, apr_size_t len,
                               rwdav_depth *out);
/* Per-method rule; depth may be RWDAV_DEPTH_ABSENT. is_collection is the
 * target's type (unknown targets count as non-collections). A PROPFIND of
 * infinite depth (or without Depth) on a collection gets 403 with
 * DAV:propfind-finite-depth unless allow_infinity is set. */
rwdav_error *rwdav_depth_check(apr_pool_t *p, rwdav_method m, rwdav_depth d,
                               int is_collection, int allow_infinity);

/* ---- Overwrite (§10.6) and Translate ([MS-WDVSE] §2.2.1) ---- */
rwdav_error *rwdav_overwrite_parse(apr_pool_t *p, const char *v,
                                   apr_size_t len, int *overwrite);
/* *translate: 1 for t, 0 for f, -1 for an ignored other value (lenient). */
rwdav_error *rwdav_translate_parse(apr_pool_t *p, const char *v,
                                   apr_size_t len, int strict, int *translate);

/* ---- URI pieces (RFC 3986) shared by Destination, If and Lock-Token ---- */
/* A piece of the caller's input, not a copy: valid while the input is, and
 * not NUL-terminated. p is NULL when the piece is absent. */
typedef struct rwdav_span {
    const char *p;
    apr_size_t len;
} rwdav_span;

typedef struct rwdav_uri {
    rwdav_span scheme;    /* as sent (compare case-blind); none for a path */
    rwdav_span host;      /* as sent (compare case-blind); IPv6 keeps [] */
    rwdav_span authority; /* host[:port] as sent, without userinfo */
    int port;             /* explicit port, or 0 */
    rwdav_span path;      /* raw (still percent-encoded), "/" if empty */
    int path_absent;      /* the URI had no path at all ("http://h:1") */
    int path_escaped;     /* the path holds a pct-encoding */
    rwdav_span query;     /* raw, without '?'; none without '?' */
    int has_userinfo;
} rwdav_uri;

/* The default port of a scheme: 80 for http, 443 for https, 0 for any
 * other; case-blind, as schemes are (RFC 3986 §3.1). */
int rwdav_scheme_port(const char *s, apr_size_t n);

/* absolute-URI per RFC 3986 §4.3: scheme ":" hier-part [ "?" query ].
 * Returns 1 when valid; else 0 with *off at the fault (len when the value
 * ends too early). */
int rwdav_scan_absolute_uri(const char *v, apr_size_t len, apr_size_t *off);

/* opaquelocktoken URIs must match RFC 4918 Appendix C:
 * "opaquelocktoken:" UUID [path-absolute]. Returns 1 when the URI is valid
 * for its scheme, 0 otherwise; *has_path tells whether a path follows. */
int rwdav_locktoken_uri_ok(const char *v, apr_size_t len, int *has_path);

/* ---- Destination (§10.3, §8.3) ---- */
typedef struct rwdav_origin {
    const char *scheme;   /* "http" or "https", lower-case */
    const char *host;     /* Host the client used, no port; any case, an
                             IPv6 literal with or without its brackets */
    int port;             /* port the client addressed; 0: the scheme's
                             default; -1: the one in authority, if any */
    /* The Host header as the client sent it ("host[:port]"), or NULL: a
     * Destination whose authority is the same bytes names this server
     * without host and port being compared one by one. */
    const char *authority;
} rwdav_origin;

typedef struct rwdav_destination {
    rwdav_uri uri;
    /* NULL when the value itself is an absolute URI mod_dav accepts, else
     * one built from the origin and the path (the query dropped). */
    const char *absolute;
    int rewritten;        /* absolute is set */
} rwdav_destination;

/* Returns 400.1 for syntax, 502 (sub 1) for another scheme, host or port
 * than self's. An http(s) Destination gets the 502 only once it is known
 * to be well-formed, out->uri filled: the caller may know this server by
 * other names (rwdav_destination_names) and accept it after all. */
rwdav_error *rwdav_destination_parse(apr_pool_t *p, const char *v,
                                     apr_size_t len, const rwdav_origin *self,
                                     const rwdav_limits *lim,
                                     rwdav_destination *out);

/* Does an http(s) URI name origin o (scheme, host case-blind, port)? */
int rwdav_destination_names(const rwdav_uri *u, const rwdav_origin *o);

/* o's scheme://host[:port] followed by u's path (no query): the form
 * mod_dav 2.4 accepts, which compares only the scheme with its own. */
const char *rwdav_destination_rebase(apr_pool_t *p, const rwdav_uri *u,
                                     const rwdav_origin *o);

/* COPY and MOVE must not destroy what they copy (RFC 4918 §9.8.5, §9.9.4):
 * refused 403 (sub 1) when the Destination's path is absent (the root),
 * the source itself, a collection holding the source, or inside the source.
 * src is the request's path as httpd decoded it. Paths are compared
 * decoded, with dot-segments resolved and runs of "/" merged. */
rwdav_error *rwdav_copymove_check(apr_pool_t *p, const char *src,
                                  const rwdav_uri *dst);

/* Percent-decodes a path and refuses NUL, bad escapes and dot-segments that
 * climb above "/". Returns NULL and sets *decoded on success; with decoded
 * NULL it only checks, allocating nothing. sub says whose path it is, and
 * so which ids a fault gets: RWDAV_SUB_IF for a Resource-Tag's, Destination
 * ids for any other. The offset is within path. */
rwdav_error *rwdav_path_check(apr_pool_t *p, rwdav_substatus sub,
                              const char *path, apr_size_t len,
                              const char **decoded);

/* Does a segment of the path start with '.'? Without one, and without
 * escapes, a path cannot climb. */
int rwdav_path_has_dot_segment(const char *path, apr_size_t len);

/* ---- If (§10.4) ---- */
typedef struct rwdav_if_condition {
    int negated;
    int is_etag;
    rwdav_span value;     /* state token URI, or entity-tag with quotes */
} rwdav_if_condition;

typedef struct rwdav_if_list {
    rwdav_span resource;                /* Resource-Tag URI, if tagged */
    apr_array_header_t *conditions;     /* of rwdav_if_condition */
} rwdav_if_list;

typedef struct rwdav_if {
    int tagged;
    apr_array_header_t *lists;          /* of rwdav_if_list */
    /* The same header in the form mod_dav 2.4 parses as the RFC means it
     * (e.g. "not" spelled "Not"); NULL when the input already is. */
    const char *normalized;
    int rewritten;
    /* Room for the first list and its first conditions, so that the usual
     * header costs no allocation. lists may point here: read the struct
     * where the parser filled it, do not copy it. */
    struct {
        apr_array_header_t lists, conds;
        rwdav_if_list l[1];
        rwdav_if_condition c[2];
    } room;
} rwdav_if;

rwdav_error *rwdav_if_parse(apr_pool_t *p, const char *v, apr_size_t len,
                            const rwdav_limits *lim, rwdav_if *out);

/* A LOCK without a body refreshes a lock and must name it (RFC 4918
 * §9.10.2): the If header needs a state token that is not negated.
 * ifh may be NULL (no If header). Returns the 400.3 error or NULL. */
rwdav_error *rwdav_if_refresh_check(apr_pool_t *p, const rwdav_if *ifh);

/* ---- Timeout (§10.7) ---- */
typedef struct rwdav_timeout {
    apr_array_header_t *seconds;  /* of apr_int64_t; -1 means Infinite */
    const char *normalized;       /* canonical "Second-N, Infinite" form */
    int rewritten;
} rwdav_timeout;

#define RWDAV_TIMEOUT_MAX 4294967295LL

rwdav_error *rwdav_timeout_parse(apr_pool_t *p, const char *v, apr_size_t len,
                                 const rwdav_limits *lim, rwdav_timeout *out);

/* ---- Lock-Token (§10.5) ---- */
/* *token gets the URI without brackets. allow_bare accepts the bracketless
 * form some Windows clients send; *normalized is then "<" token ">". */
rwdav_error *rwdav_locktoken_parse(apr_pool_t *p, const char *v,
                                   apr_size_t len, const rwdav_limits *lim,
                                   int allow_bare,
                                   const char **token, const char **normalized);

/* Is a lock token (without brackets) one mod_dav_fs can parse, and so one
 * that can name one of its locks: "opaquelocktoken:" in that case, then a
 * UUID and nothing else? */
int rwdav_locktoken_is_fs(const char *token);

/* ---- Request bodies (§14, §9.1, §9.2, §9.10) ---- */
typedef enum {
    RWDAV_BODY_PROPFIND,
    RWDAV_BODY_PROPPATCH,
    RWDAV_BODY_LOCKINFO
} rwdav_body_kind;

typedef struct rwdav_body rwdav_body;

/* The parser's memory is released by a cleanup on p. */
rwdav_body *rwdav_body_create(apr_pool_t *p, rwdav_body_kind kind,
                              const rwdav_limits *lim);
/* Feed any split of the body; the verdict does not depend on the split.
 * Nothing is copied: the bytes of every feed must stay valid and unchanged
 * until rwdav_body_finish() returns (or an error is returned). */
rwdav_error *rwdav_body_feed(rwdav_body *b, const char *buf, apr_size_t len);
/* End of body. An empty body is legal for PROPFIND and LOCK only. */
rwdav_error *rwdav_body_finish(rwdav_body *b);
/* Bytes fed so far. */
apr_size_t rwdav_body_size(const rwdav_body *b);
/* Judge with apr_xml alone, without the fast scanner (call before the
 * first feed): for differential tests and benchmarks; the verdict and the
 * recorded names are the same either way. */
void rwdav_body_parser_only(rwdav_body *b);

/* What the 449 policies ask of a body, recorded only after
 * rwdav_body_collect() (call it before the first feed). */
typedef enum {
    RWDAV_FORM_NONE = 0,
    RWDAV_FORM_PROP,        /* DAV:prop: the properties are named */
    RWDAV_FORM_ALLPROP,     /* DAV:allprop, or an empty PROPFIND body */
    RWDAV_FORM_PROPNAME
} rwdav_propfind_form;

void rwdav_body_collect(rwdav_body *b);
rwdav_propfind_form rwdav_body_form(const rwdav_body *b);
/* "{namespace}local" of each property a PROPFIND names (DAV:prop), or
 * that a PROPPATCH leaves stored: DAV:set and DAV:remove applied in
 * document order, as mod_dav applies them (valid after a successful
 * rwdav_body_finish). Names are apr_xml's: a prefix starting with "xml"
 * stays in a name with no namespace ("{}xmlp:a"), a namespace name is
 * the decoded attribute value. Array of const char *. */
const apr_array_header_t *rwdav_body_props(const rwdav_body *b);
/* 1 when a lockinfo carries a DAV:owner with content: an element, or text
 * that is not all white space (an empty owner names nobody). */
int rwdav_body_has_owner(const rwdav_body *b);

/* A property name as policies write it: "{" namespace "}" local, the
 * namespace possibly empty, local an XML NCName. */
int rwdav_propname_ok(const char *s);

/* ---- Ms-Echo-Request / Ms-Echo-Reply tokens ([MS-WDV] §2.2.7-2.2.8) ----
 * Stateless: every server holding the same key verifies a token any of them
 * issued. Token grammar (all ASCII, at most RWDAV_ECHO_MAX bytes):
 *   token  = "1." expiry "." rules "." target "." mac
 *   expiry = 1*20DIGIT            ; Unix seconds after which it is stale
 *   rules  = *( ALPHA / DIGIT / "-" / "_" / "," )   ; the rules that asked
 *   target = 22base64url          ; first 16 bytes of SHA-256(method LF uri)
 *   mac    = 43base64url          ; HMAC-SHA256(key, "1." expiry "." rules
 *                                 ;   "." target), no padding
 */
#define RWDAV_ECHO_MAX 512

typedef enum {
    RWDAV_ECHO_OK = 0,
    RWDAV_ECHO_MALFORMED,   /* not the grammar above */
    RWDAV_ECHO_FORGED,      /* MAC does not verify with this key */
    RWDAV_ECHO_FOREIGN,     /* genuine, but issued for another method/URI */
    RWDAV_ECHO_EXPIRED      /* genuine and for this request, but stale */
} rwdav_echo_verdict;

void rwdav_sha256(const unsigned char *msg, apr_size_t len,
                  unsigned char out[32]);
void rwdav_hmac_sha256(const unsigned char *key, apr_size_t keylen,
                       const unsigned char *msg, apr_size_t len,
                       unsigned char out[32]);

/* rules must match the grammar above (NULL counts as ""). Returns NULL for
 * bad rules, a negative expiry, or a token over RWDAV_ECHO_MAX. */
const char *rwdav_echo_issue(apr_pool_t *p, const unsigned char *key,
                             apr_size_t keylen, const char *method,
                             const char *uri, const char *rules,
                             apr_int64_t expiry);
/* *rules (may be NULL) gets the rules of a genuine token (OK, FOREIGN,
 * EXPIRED), else NULL. The MAC is compared in constant time and checked
 * before target and expiry. */
rwdav_echo_verdict rwdav_echo_verify(apr_pool_t *p, const unsigned char *key,
                                     apr_size_t keylen, const char *method,
                                     const char *uri, const char *token,
                                     apr_size_t len, apr_int64_t now,
                                     const char **rules);
/* "ok", "malformed", "forged", "foreign", "expired" */
const char *rwdav_echo_verdict_name(rwdav_echo_verdict v);

/* ---- User-Agent family (rwdav_agent.c) ----------------------------------
 * The first product token of a User-Agent (RFC 9110 §10.1.5: product =
 * token ["/" product-version]), cut at outsz - 1 bytes; "-" when the value
 * does not start with a token. The live counters group clients by it.
 * Writes a NUL-terminated name into out (outsz >= 2); returns its length. */
apr_size_t rwdav_agent_family(const char *ua, apr_size_t len, char *out,
                              apr_size_t outsz);

/* tchar (RFC 9110 §5.6.2): the bytes of a token, such as a header name. */
int rwdav_is_tchar(unsigned char c);

/* Escapes &, <, >, " and ' for XML text and attributes, and replaces bytes
 * that are not printable ASCII by '?', so untrusted text is always safe. */
const char *rwdav_xml_escape(apr_pool_t *p, const char *s, apr_size_t len);

#ifdef __cplusplus
}
#endif
#endif /* RWDAV_H */
