/* Timeout: RFC 4918 §10.7 "1#TimeType" with the list rules of RFC 9110
 * §5.6.1; written back in the exact-case form mod_dav 2.4 understands. */
#include <stdio.h>
#include <string.h>
#include <apr_strings.h>

#include "rwdav.h"
#include "rwdav_scan.h"

#define TO_ERR(id, at) rwdav_fault(p, (id), (at))

static void skip_ows(const char *v, apr_size_t len, apr_size_t *i)
{
    while (*i < len && (v[*i] == ' ' || v[*i] == '\t'))
        (*i)++;
}

/* One TimeType, v[st..end): *secs is -1 for Infinite. A number out of
 * range is told at its first digit. */
static rwdav_error *time_type(apr_pool_t *p, const char *v, apr_size_t st,
                              apr_size_t end, apr_int64_t *secs)
{
    apr_size_t k;

    if (rwdav_ieq(v + st, end - st, "infinite")) {
        *secs = -1;
        return NULL;
    }
    if (end - st <= 7 || !rwdav_ieq(v + st, 7, "second-"))
        return TO_ERR(RWDAV_E_TIMEOUT_VALUE, st);
    *secs = 0;
    for (k = st + 7; k < end; k++) {
        if (!RWC_IS(v[k], RWC_DIGIT))
            return TO_ERR(RWDAV_E_TIMEOUT_DIGITS, k);
        *secs = *secs * 10 + (v[k] - '0');
        if (*secs > RWDAV_TIMEOUT_MAX)
            return TO_ERR(RWDAV_E_TIMEOUT_RANGE, st + 7);
    }
    return NULL;
}

rwdav_error *rwdav_timeout_parse(apr_pool_t *p, const char *v, apr_size_t len,
                                 const rwdav_limits *lim, rwdav_timeout *out)
{
    apr_size_t i = 0, n = 0;
    rwdav_error *e;
    char *norm;

    memset(out, 0, sizeof(*out));
    if (len == 0)
        return TO_ERR(RWDAV_E_TIMEOUT_EMPTY, 0);
    if (len > lim->header_len)
        return TO_ERR(RWDAV_E_TIMEOUT_TOO_LONG, lim->header_len);
    out->seconds = apr_array_make(p, 2, sizeof(apr_int64_t));
    /* "Second-4294967295, " is the longest element written back. */
    norm = apr_palloc(p, lim->timeout_types * 20 + 1);

    while (i < len) {
        apr_size_t st;
        apr_int64_t secs = 0;
        skip_ows(v, len, &i);
        if (i < len && v[i] == ',') {          /* empty list element */
            i++;
            continue;
        }
        if (i >= len)
            break;
        st = i;
        while (i < len && v[i] != ',' && v[i] != ' ' && v[i] != '\t')
            i++;
        if ((e = time_type(p, v, st, i, &secs)) != NULL)
            return e;
        if ((apr_size_t)out->seconds->nelts >= lim->timeout_types)
            return TO_ERR(RWDAV_E_TIMEOUT_TOO_MANY, st);
        *(apr_int64_t *)apr_array_push(out->seconds) = secs;
        if (n)
            n += (apr_size_t)sprintf(norm + n, ", ");
        n += secs < 0 ? (apr_size_t)sprintf(norm + n, "Infinite")
                      : (apr_size_t)sprintf(norm + n, "Second-%" APR_INT64_T_FMT,
                                            secs);
        /* after an element: OWS then "," or the end */
        skip_ows(v, len, &i);
        if (i < len && v[i] != ',')
            return TO_ERR(RWDAV_E_TIMEOUT_SEPARATOR, i);
    }
    if (out->seconds->nelts == 0)
        return TO_ERR(RWDAV_E_TIMEOUT_NO_VALUE, 0);
    norm[n] = '\0';
    out->normalized = norm;
    out->rewritten = (n != len || memcmp(norm, v, len) != 0);
    return NULL;
}
