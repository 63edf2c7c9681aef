/* The handler that runs just before mod_dav's: headers first (so a refused
 * request with Expect: 100-continue is never asked for its body), then the
 * XML body of PROPFIND, PROPPATCH and LOCK. */
#include <apr_strings.h>

#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"

#include "rw_glue.h"
#include "rw_log.h"
#include "rw_status.h"

APLOG_USE_MODULE(retrywith);

const char *(*rw_dav_provider_name)(request_rec *r);

static rwdav_method method_of(const request_rec *r)
{
    switch (r->method_number) {
    case M_GET: return RWDAV_M_GET;
    case M_PUT: return RWDAV_M_PUT;
    case M_DELETE: return RWDAV_M_DELETE;
    case M_MKCOL: return RWDAV_M_MKCOL;
    case M_COPY: return RWDAV_M_COPY;
    case M_MOVE: return RWDAV_M_MOVE;
    case M_PROPFIND: return RWDAV_M_PROPFIND;
    case M_PROPPATCH: return RWDAV_M_PROPPATCH;
    case M_LOCK: return RWDAV_M_LOCK;
    case M_UNLOCK: return RWDAV_M_UNLOCK;
    case M_OPTIONS: return RWDAV_M_OPTIONS;
    default: return RWDAV_M_OTHER;
    }
}

/* Header names are ASCII letters and '-': OR-ing 0x20 lower-cases the
 * letters and maps nothing else a name may hold onto one. lit is lower-case. */
static int name_is(const char *k, const char *lit)
{
    for (; *lit; k++, lit++)
        if ((*k | 0x20) != *lit)
            return 0;
    return *k == '\0';
}

/* Clients spell header names the usual way: one strcmp settles most, and
 * name_is the rest. */
#define NAME_IS(k, usual, lower) (!strcmp((k), (usual)) || name_is((k), (lower)))

/* Every header the checks read, in one pass over the table through its
 * public view (apr_table_elts): a request carries a handful of headers, and
 * a lookup per name would cost more than the rest of a GET's checks. The
 * first letter, folded, picks the one or two names to compare. */
static void find_headers(const request_rec *r, rw_headers *h)
{
    const apr_array_header_t *arr = apr_table_elts(r->headers_in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    memset(h, 0, sizeof(*h));
    for (i = 0; i < arr->nelts; i++) {
        const char *k = e[i].key, **slot = NULL;
        switch (k[0] | 0x20) {
        case 'c':
            slot = NAME_IS(k, "Content-Length", "content-length")
                 ? &h->content_length : NULL;
            break;
        case 'd':
            slot = NAME_IS(k, "Depth", "depth") ? &h->depth
                 : NAME_IS(k, "Destination", "destination") ? &h->destination
                 : NULL;
            break;
        case 'e':
            slot = NAME_IS(k, "Expect", "expect") ? &h->expect : NULL;
            break;
        case 'h':
            slot = NAME_IS(k, "Host", "host") ? &h->host : NULL;
            break;
        case 'i':
            slot = NAME_IS(k, "If", "if") ? &h->ifh : NULL;
            break;
        case 'l':
            slot = NAME_IS(k, "Lock-Token", "lock-token") ? &h->lock_token
                 : NULL;
            break;
        case 'm':
            slot = NAME_IS(k, "Ms-Echo-Reply", "ms-echo-reply")
                 ? &h->echo_reply : NULL;
            break;
        case 'o':
            slot = NAME_IS(k, "Overwrite", "overwrite") ? &h->overwrite : NULL;
            break;
        case 't':
            slot = NAME_IS(k, "Timeout", "timeout") ? &h->timeout
                 : NAME_IS(k, "Translate", "translate") ? &h->translate
                 : NAME_IS(k, "Transfer-Encoding", "transfer-encoding")
                 ? &h->transfer_encoding : NULL;
            break;
        default:
            break;
        }
        if (slot && !*slot)
            *slot = e[i].val;
    }
}

/* This server as the client addressed it: what a Destination must match.
 * The Destination parser compares hosts case-blind and with or without an
 * IPv6 literal's brackets, and reads the port from the Host header only
 * when it needs it. */
static void origin_of(request_rec *r, const char *hh, rwdav_origin *o)
{
    o->scheme = ap_http_scheme(r);
    o->host = r->hostname ? r->hostname : "";
    o->authority = NULL;
    if (r->parsed_uri.hostname) {
        /* absolute-form: the request line names the server, not Host */
        o->port = r->parsed_uri.port_str ? r->parsed_uri.port : 0;
    }
    else if (hh) {
        o->port = -1;
        o->authority = hh;
    }
    else {
        o->port = ap_get_server_port(r);
    }
}

/* Does u name the backend that serves r (the URL mod_proxy forwards r
 * to)? A client may have learnt it from the backend's own hrefs. */
static int names_backend(request_rec *r, const rwdav_uri *u)
{
    const char *url = rw_proxy_backend(r);
    apr_uri_t b;
    rwdav_origin o;

    if (!url || apr_uri_parse(r->pool, url, &b) != APR_SUCCESS
        || !b.scheme || !b.hostname)
        return 0;
    o.scheme = b.scheme;
    o.host = b.hostname;
    o.port = b.port_str ? b.port : 0;
    o.authority = NULL;
    return rwdav_destination_names(u, &o);
}

/* Behind mod_proxy a Destination must name this server (its Host or
 * another of its origins: mod_dav's same-scheme leniency is mod_dav's
 * only) at a path some ProxyPass maps, and the backend gets the URL it
 * knows; one naming the backend itself passes as it is. */
static rwdav_error *judge_proxied_destination(rw_req *q, const char *v,
                                              rwdav_destination *dest,
                                              rwdav_error *e)
{
    request_rec *r = q->r;
    const char *mapped;
    int same = 0;

    if (e && e->id != RWDAV_E_DEST_OTHER_SERVER)
        return e;
    if (e && !rw_origin_known(r, q->conf, &dest->uri))
        return names_backend(r, &dest->uri) ? NULL
               : rwdav_fault(r->pool, RWDAV_E_DEST_UNKNOWN_SERVER, e->offset);
    if ((e = rwdav_copymove_check(r->pool, r->uri, &dest->uri)) != NULL)
        return e;
    mapped = rw_proxy_map(r, &dest->uri, &same);
    if (!mapped || !same)
        return rwdav_fault(r->pool, mapped ? RWDAV_E_DEST_OTHER_BACKEND
                                           : RWDAV_E_DEST_NOT_PROXIED,
                           (apr_size_t)(dest->uri.path.p - v));
    apr_table_setn(r->headers_in, "Destination", mapped);
    return NULL;
}

/* A well-formed Destination that names another scheme, host or port than
 * the Host the client used is still this server when it names one of the
 * server's other origins; and mod_dav itself compares only the scheme, so
 * one with the request's scheme is accepted as mod_dav would (unless
 * RetryWithStrictAuthority). Then COPY and MOVE must not destroy their
 * source. The value mod_dav gets names this server in the form it
 * accepts. */
static rwdav_error *judge_destination(rw_req *q, const char *v)
{
    request_rec *r = q->r;
    rwdav_origin o;
    rwdav_destination dest;
    rwdav_error *e;
    const char *absolute;

    origin_of(r, q->h.host, &o);
    e = rwdav_destination_parse(r->pool, v, strlen(v), &o, &q->lim, &dest);
    if (q->proxied)
        return judge_proxied_destination(q, v, &dest, e);
    absolute = dest.absolute;
    if (e && e->id == RWDAV_E_DEST_OTHER_SERVER) {
        const rwdav_span *sc = &dest.uri.scheme;
        int same_scheme = rwdav_scheme_port(sc->p, sc->len)
                          == rwdav_scheme_port(o.scheme, strlen(o.scheme));
        /* the leniency first: it needs no look at the other origins */
        if ((same_scheme && !q->conf->strict_authority)
            || rw_origin_known(r, q->conf, &dest.uri)) {
            e = NULL;
            if (!same_scheme || dest.uri.query.p)
                absolute = rwdav_destination_rebase(r->pool, &dest.uri, &o);
        }
        else {
            /* the reason then says what to configure */
            e = rwdav_fault(r->pool, RWDAV_E_DEST_UNKNOWN_SERVER, e->offset);
        }
    }
    if (!e)
        e = rwdav_copymove_check(r->pool, r->uri, &dest.uri);
    if (!e && absolute)
        apr_table_setn(r->headers_in, "Destination", absolute);
    return e;
}

/* Each judge_ below checks one header where its method reads it, and
 * returns the fault (with *at the value at fault) or NULL. Some hand
 * mod_dav the header in the form it parses as the RFC means it. */

static rwdav_error *judge_lock_token(rw_req *q, const char **at)
{
    request_rec *r = q->r;
    const char *v = q->h.lock_token, *token, *norm;
    rwdav_error *e;

    if (q->m != RWDAV_M_UNLOCK)
        return NULL;
    if (!v)
        return rwdav_fault(r->pool, RWDAV_E_LOCKTOKEN_MISSING, 0);
    *at = v;
    e = rwdav_locktoken_parse(r->pool, v, strlen(v), &q->lim,
                              q->conf->bare_lock_token, &token, &norm);
    if (!e && q->fs && !rwdav_locktoken_is_fs(token))
        e = rwdav_fault(r->pool, RWDAV_E_LOCKTOKEN_NOT_FS, 1);
    if (!e && strcmp(norm, v))
        apr_table_setn(r->headers_in, "Lock-Token", norm);
    return e;
}

/* Without a Depth header, PROPFIND's depth is the only one to check: the
 * others' default, infinity, is always theirs to take (RFC 4918 §9.6.1,
 * §9.8.3, §9.9.2, §9.10.3; the unit tests hold rwdav_depth_check to that).
 * A PROPFIND's 403 for infinite depth is kept for a depth policy, which
 * asks for a retry instead. */
static rwdav_error *judge_depth(rw_req *q, const char **at)
{
    request_rec *r = q->r;
    const char *v = q->h.depth;
    rwdav_depth d = RWDAV_DEPTH_ABSENT;
    rwdav_error *e;

    if (q->m != RWDAV_M_PROPFIND
        && (!v || (q->m != RWDAV_M_COPY && q->m != RWDAV_M_MOVE
                   && q->m != RWDAV_M_LOCK && q->m != RWDAV_M_DELETE)))
        return NULL;
    *at = v;
    if (v && (e = rwdav_depth_parse(r->pool, v, strlen(v), &d)) != NULL)
        return e;
    e = rwdav_depth_check(r->pool, q->m, d, r->finfo.filetype == APR_DIR,
                          q->conf->depth_infinity);
    if (e && e->condition && q->retry_depth) {
        q->depth_refusal = e;
        return NULL;
    }
    return e;
}

static rwdav_error *judge_copy_move(rw_req *q, const char **at)
{
    request_rec *r = q->r;
    const char *v = q->h.destination;
    rwdav_error *e;
    int ow;

    if (q->m != RWDAV_M_COPY && q->m != RWDAV_M_MOVE)
        return NULL;
    if (!v)
        return rwdav_fault(r->pool, RWDAV_E_DEST_MISSING, 0);
    *at = v;
    if ((e = judge_destination(q, v)) != NULL)
        return e;
    *at = v = q->h.overwrite;
    return v ? rwdav_overwrite_parse(r->pool, v, strlen(v), &ow) : NULL;
}

static rwdav_error *judge_timeout(rw_req *q, const char **at)
{
    request_rec *r = q->r;
    const char *v = q->h.timeout;
    rwdav_timeout t;
    rwdav_error *e;

    if (q->m != RWDAV_M_LOCK || !v)
        return NULL;
    *at = v;
    e = rwdav_timeout_parse(r->pool, v, strlen(v), &q->lim, &t);
    if (!e && t.rewritten)
        apr_table_setn(r->headers_in, "Timeout", t.normalized);
    return e;
}

/* Behind mod_proxy, the tagged URIs of an If header that name this server
 * (as a Destination would) are handed to the backend as the URLs it
 * knows; the rest of the header goes as the client wrote it. Returns the
 * new value, or NULL when no tag names this server. */
static const char *proxied_if(rw_req *q, const char *v)
{
    request_rec *r = q->r;
    const char *out = NULL, *from = v;
    rwdav_origin o;
    int i;

    origin_of(r, q->h.host, &o);
    for (i = 0; q->ifh.tagged && i < q->ifh.lists->nelts; i++) {
        const rwdav_span *tag = &APR_ARRAY_IDX(q->ifh.lists, i,
                                               rwdav_if_list).resource;
        rwdav_destination d;
        rwdav_error *e = rwdav_destination_parse(r->pool, tag->p, tag->len,
                                                 &o, &q->lim, &d);
        const char *mapped;
        if (e && !(e->id == RWDAV_E_DEST_OTHER_SERVER
                   && rw_origin_known(r, q->conf, &d.uri)))
            continue;
        if (!(mapped = rw_proxy_map(r, &d.uri, NULL)))
            continue;
        out = apr_pstrcat(r->pool, out ? out : "",
                          apr_pstrmemdup(r->pool, from,
                                         (apr_size_t)(tag->p - from)),
                          mapped, NULL);
        from = tag->p + tag->len;
    }
    return out ? apr_pstrcat(r->pool, out, from, NULL) : NULL;
}

static rwdav_error *judge_if(rw_req *q, const char **at)
{
    request_rec *r = q->r;
    const char *v = q->h.ifh;
    rwdav_error *e;

    if (!v)
        return NULL;
    *at = v;
    if ((e = rwdav_if_parse(r->pool, v, strlen(v), &q->lim, &q->ifh)))
        return e;
    q->has_if = 1;
    if (q->proxied && (v = proxied_if(q, v)) != NULL)
        apr_table_setn(r->headers_in, "If", v);
    else if (q->ifh.rewritten)
        apr_table_setn(r->headers_in, "If", q->ifh.normalized);
    return NULL;
}

static rwdav_error *judge_translate(rw_req *q, const char **at)
{
    const char *v = q->h.translate;
    int tr;

    if (!v)
        return NULL;
    *at = v;
    return rwdav_translate_parse(q->r->pool, v, strlen(v),
                                 q->conf->strict_translate, &tr);
}

/* Verdict setters: the decision is made once, and nothing is written. */
static int refuse(rw_req *q, const rwdav_error *e, const char *value)
{
    q->v.kind = RW_REFUSE;
    q->v.err = e;
    q->v.value = value;
    return 1;
}

static int failed(rw_req *q, int status)
{
    q->v.kind = RW_FAILED;
    q->v.status = status;
    return 1;
}

/* The headers, in a fixed order: the first fault decides. Headers come
 * before the body, so a refused request with Expect: 100-continue is
 * never asked for its body. */
static int judge_headers(rw_req *q)
{
    const char *at = NULL;
    rwdav_error *e;

    if (!(e = judge_lock_token(q, &at))
        && !(e = judge_depth(q, &at))
        && !(e = judge_copy_move(q, &at))
        && !(e = judge_timeout(q, &at))
        && !(e = judge_if(q, &at)))
        e = judge_translate(q, &at);
    return e ? refuse(q, e, at) : 0;
}

/* mod_dav_fs reads no body for DELETE, COPY, MOVE and UNLOCK (400.7 for
 * one); other providers may (svn sends its lock tokens in a DELETE
 * body). */
static int judge_no_body(rw_req *q)
{
    request_rec *r = q->r;
    const char *cl = q->h.content_length;
    int present = 0, rc;

    if (!q->fs)
        return 0;
    /* httpd has already refused a malformed Content-Length: it is all
     * digits, and "00" is an empty body too */
    if (cl && cl[strspn(cl, "0")] != '\0')
        present = 1;
    else if (q->h.transfer_encoding && (rc = rw_body_present(r, &present)))
        return failed(q, rc);
    if (!present)
        return 0;
    return refuse(q, rwdav_fault(r->pool, RWDAV_E_CL_BODY_NOT_ALLOWED, 0), cl);
}

/* The XML body of PROPFIND, PROPPATCH and LOCK, read whole, judged by
 * mod_dav's own parser and kept for mod_dav (*body set when it passed). */
static int judge_xml_body(rw_req *q, rwdav_body_kind kind, rwdav_body **body)
{
    request_rec *r = q->r;
    const char *cl = q->h.content_length;
    apr_size_t xml_limit = ap_get_limit_xml_body(r);
    rwdav_error *e;
    int rc;

    /* mod_dav refuses beyond LimitXMLRequestBody; never accept more. */
    if (xml_limit && xml_limit < q->lim.body_bytes)
        q->lim.body_bytes = xml_limit;
    if (cl) {
        apr_off_t n;
        if (apr_strtoff(&n, cl, NULL, 10) == APR_SUCCESS
            && n > (apr_off_t)q->lim.body_bytes)
            return refuse(q, rwdav_fault(r->pool, RWDAV_E_BODY_TOO_LARGE,
                                         q->lim.body_bytes), cl);
    }
    if ((rc = rw_body_take(r, kind, &q->lim, q->body_rules, body, &e)) != OK)
        return failed(q, rc);
    /* a LOCK without a body refreshes a lock, which the If header names */
    if (!e && kind == RWDAV_BODY_LOCKINFO && rwdav_body_size(*body) == 0)
        e = rwdav_if_refresh_check(r->pool, q->has_if ? &q->ifh : NULL);
    return e ? refuse(q, e, NULL) : 0;
}

/* 400.7 and the body: methods without one, then the XML methods; the
 * bodies of the others are mod_dav's or the handler's. */
static int judge_body(rw_req *q, rwdav_body **body)
{
    switch (q->m) {
    case RWDAV_M_UNLOCK: case RWDAV_M_DELETE:
    case RWDAV_M_COPY: case RWDAV_M_MOVE:
        return judge_no_body(q);
    case RWDAV_M_PROPFIND:
        return judge_xml_body(q, RWDAV_BODY_PROPFIND, body);
    case RWDAV_M_PROPPATCH:
        return judge_xml_body(q, RWDAV_BODY_PROPPATCH, body);
    case RWDAV_M_LOCK:
        return judge_xml_body(q, RWDAV_BODY_LOCKINFO, body);
    default:
        return 0;
    }
}

/* Headers, then the policies that read headers, then the body, then the
 * policies that read it: the first to decide ends the judging. Without a
 * decision the request passes (q->v is RW_PASS). */
static void decide(rw_req *q)
{
    rwdav_body *body = NULL;

    if (q->conf->policies)
        rw_retry_select(q);
    if (judge_headers(q) || rw_retry_headers(q) || judge_body(q, &body))
        return;
    if (body)
        rw_retry_body(q, body);
}

/* Is the request in a location the module checks? mod_dav_fs leaves GET
 * and HEAD to the default handler; they still get the checks that apply
 * to them where DAV is on. Without the provider lookup (httpd before
 * 2.4.21) every provider counts as mod_dav_fs. Another provider
 * (mod_dav_svn, ...) is checked only where the admin says RetryWith On. */
static int applies(request_rec *r, const rw_dir_conf *conf, int *fs,
                   int *proxied)
{
    const char *provider;
    int dav;

    if (r->main || conf->mode == RW_MODE_OFF)
        return 0;
    /* a backend behind mod_proxy is checked where the admin says so, by
     * RFC 4918 alone: mod_dav_fs's own rules are not its */
    *proxied = rw_proxied(r);
    if (*proxied) {
        *fs = 0;
        return conf->mode == RW_MODE_ON;
    }
    dav = r->handler && r->handler[0] == 'd'
          && !strcmp(r->handler, "dav-handler");
    provider = rw_dav_provider_name ? rw_dav_provider_name(r) : NULL;
    if (!dav && (r->method_number != M_GET || !provider))
        return 0;
    *fs = !rw_dav_provider_name
          || (provider && !strcmp(provider, "filesystem"));
    return *fs || conf->mode == RW_MODE_ON;
}

int rw_handler(request_rec *r)
{
    const rw_dir_conf *conf = ap_get_module_config(r->per_dir_config,
                                                   &retrywith_module);
    rw_req q;
    int fs, proxied, rc;

    if (!applies(r, conf, &fs, &proxied))
        return DECLINED;
    memset(&q.v, 0, sizeof(q.v));          /* RW_PASS */
    q.r = r;
    q.conf = conf;
    q.m = method_of(r);
    q.fs = fs;
    q.proxied = proxied;
    q.echo = NULL;
    find_headers(r, &q.h);
    /* A GET's only rules are If and Translate: most have neither. */
    if (q.m != RWDAV_M_GET || conf->policies || q.h.ifh || q.h.translate) {
        q.lim = conf->lim;
        q.has_if = 0;
        q.pols = NULL;
        q.retry_depth = 0;
        q.body_rules = 0;
        q.missing = NULL;
        q.depth_refusal = NULL;
        decide(&q);
    }
    rc = rw_answer(&q);
    rw_record(&q);
    return rc;
}
