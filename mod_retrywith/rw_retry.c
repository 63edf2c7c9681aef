/* The 449 decision: which policies apply, what the request lacks, and the
 * stateless echo that lets the retry through ([MS-WDV] §3.2.5.6: a request
 * carrying Ms-Echo-Reply never gets another 449). */
#include <apr_strings.h>

#include "httpd.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"

#include "rw_glue.h"

/* Rules that can only be judged once the XML body was read. */
static int is_body_rule(const rw_policy *pol)
{
    return pol->kind == RW_POL_PROPERTY || pol->kind == RW_POL_LOCK_OWNER
        || pol->kind == RW_POL_PROP_LIST;
}

void rw_retry_select(rw_req *q)
{
    const apr_array_header_t *all = q->conf->policies;
    const char *ua;
    int i;

    if (!all)
        return;   /* most locations: nothing to allocate per request */
    q->pols = apr_array_make(q->r->pool, all->nelts, sizeof(const rw_policy *));
    q->missing = apr_array_make(q->r->pool, 2, sizeof(rw_missing));
    ua = apr_table_get(q->r->headers_in, "User-Agent");
    for (i = 0; i < all->nelts; i++) {
        const rw_policy *pol = &APR_ARRAY_IDX(all, i, rw_policy);
        if (!(pol->methods & (AP_METHOD_BIT << q->r->method_number)))
            continue;
        if (pol->agent && ap_regexec(pol->agent, ua ? ua : "", 0, NULL, 0))
            continue;
        APR_ARRAY_PUSH(q->pols, const rw_policy *) = pol;
        q->body_rules |= is_body_rule(pol);
        q->retry_depth |= pol->kind == RW_POL_DEPTH;
    }
}

static void lacks(rw_req *q, const rw_policy *pol, int unverified)
{
    rw_missing *m = apr_array_push(q->missing);
    m->pol = pol;
    m->unverified = unverified;
}

static const rw_policy *find(const rw_req *q, rw_policy_kind kind)
{
    int i;
    for (i = 0; i < q->pols->nelts; i++) {
        const rw_policy *pol = APR_ARRAY_IDX(q->pols, i, const rw_policy *);
        if (pol->kind == kind)
            return pol;
    }
    return NULL;
}

/* The request lacks what q->missing names. A genuine retry gets a final
 * answer (the loop guard); any other request a 449 with a new echo. */
static int retry(rw_req *q)
{
    request_rec *r = q->r;
    const char *rules = "";
    apr_size_t klen;
    const unsigned char *key;
    int i;

    q->v.kind = RW_RETRY;
    if (q->echo) {
        q->v.condition = q->depth_refusal ? q->depth_refusal->condition
                                          : NULL;
        return 1;
    }
    for (i = 0; i < q->missing->nelts; i++) {
        const rw_missing *m = &APR_ARRAY_IDX(q->missing, i, rw_missing);
        rules = i ? apr_pstrcat(r->pool, rules, ",", m->pol->id, NULL)
                  : m->pol->id;
    }
    /* the rule list only informs; a huge one would not fit the token */
    if (strlen(rules) > 256)
        rules = "many";
    key = rw_policy_key(q->conf, &klen);
    q->v.deadline = apr_time_sec(r->request_time) + q->conf->echo_lifetime;
    q->v.token = rwdav_echo_issue(r->pool, key, klen, r->method,
                                  r->unparsed_uri, rules, q->v.deadline);
    return 1;
}

static rwdav_echo_verdict verify_with(const request_rec *r,
                                      const unsigned char *key,
                                      apr_size_t klen, const char *echo)
{
    return rwdav_echo_verify(r->pool, key, klen, r->method, r->unparsed_uri,
                             echo, strlen(echo),
                             apr_time_sec(r->request_time), NULL);
}

/* Ms-Echo-Reply: a retry of one of our 449s, or a bad echo. */
static int verify_echo(rw_req *q, const char *echo)
{
    request_rec *r = q->r;
    apr_size_t klen;
    const unsigned char *key = rw_policy_key(q->conf, &klen);
    rwdav_echo_verdict v = verify_with(r, key, klen, echo);

    /* During a key rotation a node still on the previous key issued it.
     * Only a MAC that fails asks the previous key: any other verdict was
     * reached with a MAC good under the current key, or a token no key
     * would read. The previous key's verdict stands, expired included. */
    if (v == RWDAV_ECHO_FORGED
        && (key = rw_policy_prev_key(q->conf, &klen)) != NULL)
        v = verify_with(r, key, klen, echo);
    if (v != RWDAV_ECHO_OK) {
        q->v.kind = RW_BAD_ECHO;
        q->v.echo = v;
        return 0;
    }
    q->echo = echo;
    return 1;
}

int rw_retry_headers(rw_req *q)
{
    request_rec *r = q->r;
    int i;

    if (!q->pols || !q->pols->nelts)
        return 0;   /* no policy here: Ms-Echo-Reply means nothing to us */
    if (q->h.echo_reply && !verify_echo(q, q->h.echo_reply))
        return 1;
    if (q->depth_refusal)   /* the Depth check's 403, retried instead */
        lacks(q, find(q, RW_POL_DEPTH), 0);
    for (i = 0; i < q->pols->nelts; i++) {
        const rw_policy *pol = APR_ARRAY_IDX(q->pols, i, const rw_policy *);
        const char *v;
        if (pol->kind != RW_POL_HEADER)
            continue;
        v = apr_table_get(r->headers_in, pol->name);
        if (!v || (pol->value && strcasecmp(v, pol->value)))
            lacks(q, pol, 0);
    }
    if (!q->missing->nelts)
        return 0;
    if (q->body_rules) {
        const char *expect = q->h.expect;
        if (!expect || strcasecmp(expect, "100-continue"))
            return 0;   /* the body comes anyway: decide with it */
        /* Decide now so the body is never sent; name what the body must
         * also hold, unchecked. */
        for (i = 0; i < q->pols->nelts; i++) {
            const rw_policy *pol = APR_ARRAY_IDX(q->pols, i, const rw_policy *);
            if (is_body_rule(pol))
                lacks(q, pol, 1);
        }
    }
    return retry(q);
}

static int has_prop(const rwdav_body *body, const char *name)
{
    const apr_array_header_t *props = rwdav_body_props(body);
    int i;
    for (i = 0; i < props->nelts; i++)
        if (!strcmp(APR_ARRAY_IDX(props, i, const char *), name))
            return 1;
    return 0;
}

int rw_retry_body(rw_req *q, const rwdav_body *body)
{
    int i;

    if (!q->pols || !q->pols->nelts)
        return 0;
    for (i = 0; q->body_rules && i < q->pols->nelts; i++) {
        const rw_policy *pol = APR_ARRAY_IDX(q->pols, i, const rw_policy *);
        switch (pol->kind) {
        case RW_POL_PROPERTY:
            if (!has_prop(body, pol->name))
                lacks(q, pol, 0);
            break;
        case RW_POL_LOCK_OWNER:
            /* an empty body refreshes a lock: there is no owner to give */
            if (rwdav_body_size(body) && !rwdav_body_has_owner(body))
                lacks(q, pol, 0);
            break;
        case RW_POL_PROP_LIST:
            if (rwdav_body_form(body) != RWDAV_FORM_PROP)
                lacks(q, pol, 0);
            break;
        default:
            break;
        }
    }
    return q->missing->nelts ? retry(q) : 0;
}
