/* The refusal: status line unchanged, the sub-status in a header and a
 * note, and a DAV:error body in mod_dav's shape. Written here (not through
 * ap_die) so that no ErrorDocument replaces the explanation. */
#include <apr_lib.h>
#include <apr_strings.h>

#include "httpd.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"

#include "rw_glue.h"

#define RW_NS "urn:mod-retrywith:error"

/* Over HTTP/2 an answer given before the body was read ends with a reset
 * of the stream, and a reset that lands while the client is still uploading
 * can make it drop the answer (curl: "Stream error in the HTTP/2 framing
 * layer"). Reading what is left of a small body first lets the stream end
 * cleanly. Never when the client waits for 100-continue. */
#define RW_H2_DRAIN_MAX (1024 * 1024)

static void h2_drain(request_rec *r)
{
    apr_bucket_brigade *bb;
    apr_off_t total = 0;
    int eos = 0;

    if (r->proto_num < 2000 || apr_table_get(r->headers_in, "Expect")
        || (!apr_table_get(r->headers_in, "Transfer-Encoding")
            && !apr_table_get(r->headers_in, "Content-Length")))
        return;
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    while (!eos && total < RW_H2_DRAIN_MAX) {
        apr_off_t n = 0;
        if (ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES,
                           APR_BLOCK_READ, HUGE_STRING_LEN) != APR_SUCCESS)
            break;
        eos = !APR_BRIGADE_EMPTY(bb)
              && APR_BUCKET_IS_EOS(APR_BRIGADE_LAST(bb));
        apr_brigade_length(bb, 1, &n);
        total += n;
        apr_brigade_cleanup(bb);
    }
}

/* [MS-WDV] §2.2.3: Windows clients (Vista and later) show the text of
 * X-MSDAVEXT_ERROR to the user: Extended-error "; " Error-string, the
 * string percent-encoded UTF-8 (our texts are ASCII). */
static void msdavext_error(request_rec *r, int code, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = apr_palloc(r->pool, 3 * strlen(text) + 1), *o = out;

    for (; *text; text++) {
        unsigned char c = (unsigned char)*text;
        if (apr_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            *o++ = (char)c;
        }
        else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    apr_table_setn(r->err_headers_out, "X-MSDAVEXT_ERROR",
                   apr_psprintf(r->pool, "%d; %s", code, out));
}

/* Every answer of the module: status, mod_dav's DAV:error content type and
 * the opening of the body. Headers must be set before. */
static void begin_error(request_rec *r, int status, const char *status_line)
{
    h2_drain(r);
    r->status = status;
    r->status_line = status_line;
    ap_set_content_type_ex(r, "text/xml; charset=\"utf-8\"", 1);
    ap_rputs("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
             "<D:error xmlns:D=\"DAV:\" xmlns:m=\"http://apache.org/dav/xmlns\""
             " xmlns:R=\"" RW_NS "\">\n", r);
}

/* R:<family> names the rule that refused (rule: its stable id, RULES.md)
 * and where in the value; m:human-readable says why, for people. */
static int refusal(request_rec *r, const rwdav_error *e)
{
    const char *sub = rwdav_error_substatus(e);
    const char *why = e->detail ? apr_pstrcat(r->pool, e->reason, " (",
                                              e->detail, ")", NULL)
                                : e->reason;
    const char *reason = rwdav_xml_escape(r->pool, why, strlen(why));

    apr_table_setn(r->err_headers_out, "Retrywith-Substatus", sub);
    msdavext_error(r, rwdav_error_extended(e), why);
    begin_error(r, e->status, ap_get_status_line(e->status));
    if (e->condition)
        ap_rvputs(r, "<D:", e->condition, "/>\n", NULL);
    ap_rprintf(r, "<R:%s substatus=\"%s\" rule=\"%s\" field=\"%s\" offset=\"%"
               APR_SIZE_T_FMT "\"/>\n"
               "<m:human-readable errcode=\"%d\">\n%s\n</m:human-readable>\n"
               "</D:error>\n",
               rwdav_error_element(e), sub, rwdav_error_id_name(e->id),
               e->field, e->offset, rwdav_error_minor(e), reason);
    return DONE;
}

/* ---- 449 Retry With ---------------------------------------------------- */

/* Per kind: the Retrywith-Missing "kind" token and the MS-RetryWith label. */
static const struct {
    const char *token;
    const char *label;
} kinds[] = {
    [RW_POL_HEADER] = { "header", "Header" },
    [RW_POL_PROPERTY] = { "property", "Property" },
    [RW_POL_LOCK_OWNER] = { "lockinfo", "Lock-Owner" },
    [RW_POL_DEPTH] = { "header", "Header" },
    [RW_POL_PROP_LIST] = { "propfind", "Prop-List" },
};

/* What the item asks for: the header's value, "1" for Depth. */
static const char *item_value(const rw_policy *pol)
{
    return pol->kind == RW_POL_DEPTH ? "1" : pol->value;
}

/* RFC 8941 sf-string: the config only holds printable ASCII. */
static const char *sf_string(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, 2 * strlen(s) + 3), *o = out;
    *o++ = '"';
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            *o++ = '\\';
        *o++ = *s;
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

/* "Required-" label ": " name [ ": " value ] */
static const char *ms_line(apr_pool_t *p, const rw_policy *pol)
{
    const char *v = item_value(pol);
    return apr_pstrcat(p, "Required-", kinds[pol->kind].label, ": ",
                       pol->name, v ? ": " : "", v ? v : "", NULL);
}

static const char *human_item(apr_pool_t *p, const rw_missing *m)
{
    const rw_policy *pol = m->pol;
    const char *v = item_value(pol), *s;
    switch (pol->kind) {
    case RW_POL_PROPERTY:
        s = apr_pstrcat(p, "the property ", pol->name, NULL);
        break;
    case RW_POL_LOCK_OWNER:
        s = "a DAV:owner element in the lockinfo";
        break;
    case RW_POL_PROP_LIST:
        s = "an explicit DAV:prop list instead of allprop or propname";
        break;
    default:
        s = apr_pstrcat(p, "the header ", pol->name, v ? ": " : "",
                        v ? v : "", NULL);
    }
    if (m->unverified)
        s = apr_pstrcat(p, s, " (not checked yet)", NULL);
    if (pol->text)
        s = apr_pstrcat(p, s, " (", pol->text, ")", NULL);
    return s;
}

/* One R:missing element of the 449's body. */
static void missing_element(request_rec *r, const rw_missing *m)
{
    const char *v = item_value(m->pol);

    ap_rprintf(r, "<R:missing kind=\"%s\" name=\"%s\"%s%s%s%s>",
               kinds[m->pol->kind].token,
               rwdav_xml_escape(r->pool, m->pol->name, strlen(m->pol->name)),
               v ? " value=\"" : "",
               v ? rwdav_xml_escape(r->pool, v, strlen(v)) : "",
               v ? "\"" : "",
               m->unverified ? " unverified=\"true\"" : "");
    if (m->pol->text)
        ap_rputs(rwdav_xml_escape(r->pool, m->pol->text,
                                  strlen(m->pol->text)), r);
    ap_rputs("</R:missing>\n", r);
}

/* The 449 names what is missing in three forms: Retrywith-Missing (RFC
 * 8941 list) for programs, MS-RetryWith lines as [MS-WDV] writes them,
 * and the body for people. Without a token it is the final 403 of a
 * retry that still lacks something. */
static int retry_with(request_rec *r, const apr_array_header_t *missing,
                      const char *token, const char *condition)
{
    const char *list = NULL, *human = NULL;
    int i;

    for (i = 0; i < missing->nelts; i++) {
        const rw_missing *m = &APR_ARRAY_IDX(missing, i, rw_missing);
        const char *v = item_value(m->pol);
        const char *item = apr_pstrcat(r->pool, sf_string(r->pool, m->pol->name),
                                       ";kind=", kinds[m->pol->kind].token,
                                       v ? ";value=" : "",
                                       v ? sf_string(r->pool, v) : "",
                                       m->unverified ? ";unverified" : "",
                                       NULL);
        list = list ? apr_pstrcat(r->pool, list, ", ", item, NULL) : item;
        human = human ? apr_pstrcat(r->pool, human, "; ",
                                    human_item(r->pool, m), NULL)
                      : human_item(r->pool, m);
        apr_table_addn(r->err_headers_out, "MS-RetryWith",
                       ms_line(r->pool, m->pol));
    }
    apr_table_setn(r->err_headers_out, "Retrywith-Missing", list);
    msdavext_error(r, token ? 44900 : 40300,
                   apr_pstrcat(r->pool, token ? "Retry with: " : "Still "
                               "lacking: ", human, NULL));
    if (token)
        apr_table_setn(r->err_headers_out, "Ms-Echo-Request", token);
    human = apr_pstrcat(r->pool, token ? "Retry this request with the header "
                                         "Ms-Echo-Reply set to the value of "
                                         "Ms-Echo-Request, and add: "
                                       : "This retry still lacks: ",
                        human, NULL);

    /* httpd 2.4 has no text for 449 and would send "500 Internal Server
     * Error" on HTTP/1.1 without status_line */
    begin_error(r, token ? 449 : HTTP_FORBIDDEN,
                token ? "449 Retry With" : ap_get_status_line(HTTP_FORBIDDEN));
    if (condition)
        ap_rvputs(r, "<D:", condition, "/>\n", NULL);
    ap_rprintf(r, "<R:retry-with final=\"%s\">\n", token ? "false" : "true");
    for (i = 0; i < missing->nelts; i++)
        missing_element(r, &APR_ARRAY_IDX(missing, i, rw_missing));
    ap_rprintf(r, "</R:retry-with>\n<m:human-readable errcode=\"449\">\n%s\n"
               "</m:human-readable>\n</D:error>\n",
               rwdav_xml_escape(r->pool, human, strlen(human)));
    return DONE;
}

const char *rw_echo_reason(rwdav_echo_verdict v)
{
    static const char *const why[] = {
        "",
        "Ms-Echo-Reply is not a value this server issued",
        "Ms-Echo-Reply was not issued by this server (or its farm)",
        "Ms-Echo-Reply was issued for another request (method or URI)",
        "Ms-Echo-Reply has expired: send the request again without it"
    };
    return why[v];
}

static int bad_echo(request_rec *r, rwdav_echo_verdict v)
{
    const char *name = rwdav_echo_verdict_name(v);

    apr_table_setn(r->err_headers_out, "Retrywith-Echo", name);
    msdavext_error(r, 40000, rw_echo_reason(v));
    begin_error(r, HTTP_BAD_REQUEST, ap_get_status_line(HTTP_BAD_REQUEST));
    ap_rprintf(r, "<R:invalid-echo-reply verdict=\"%s\"/>\n"
               "<m:human-readable errcode=\"449\">\n%s\n</m:human-readable>\n"
               "</D:error>\n", name, rw_echo_reason(v));
    return DONE;
}

int rw_answer(const rw_req *q)
{
    switch (q->v.kind) {
    case RW_REFUSE:
        return refusal(q->r, q->v.err);
    case RW_RETRY:
        return retry_with(q->r, q->missing, q->v.token, q->v.condition);
    case RW_BAD_ECHO:
        return bad_echo(q->r, q->v.echo);
    case RW_FAILED:
        return q->v.status;
    default:
        return DECLINED;
    }
}
