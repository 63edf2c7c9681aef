/* Timeout: RFC 4918 §10.7 "1#TimeType" with the list rules of RFC 9110
 * §5.6.1; written back in the exact-case form mod_dav 2.4 understands. */
#include <stdio.h>
#include <string.h>
#include <apr_strings.h>

#include "rwdav.h"
#include "rwdav_scan.h"

#define TO_ERR(why, at) rwdav_error_make(p, 400, RWDAV_SUB_TIMEOUT, (why), (at))

rwdav_error *rwdav_timeout_parse(apr_pool_t *p, const char *v, apr_size_t len,
                                 const rwdav_limits *lim, rwdav_timeout *out)
{
    rwdav_limits l = *lim;
    apr_size_t i = 0;
    char *norm;
    apr_size_t n = 0;

    rwdav_limits_default(&l);
    memset(out, 0, sizeof(*out));
    if (len == 0)
        return TO_ERR("empty Timeout header", 0);
    if (len > l.header_len)
        return TO_ERR("Timeout header too long", l.header_len);
    out->seconds = apr_array_make(p, 2, sizeof(apr_int64_t));
    /* "Second-4294967295, " is the longest element written back. */
    norm = apr_palloc(p, l.timeout_types * 20 + 1);

    while (i < len) {
        apr_size_t st;
        apr_int64_t secs;
        while (i < len && (v[i] == ' ' || v[i] == '\t'))
            i++;
        if (i < len && v[i] == ',') {          /* empty list element */
            i++;
            continue;
        }
        if (i >= len)
            break;
        st = i;
        while (i < len && v[i] != ',' && v[i] != ' ' && v[i] != '\t')
            i++;
        if (i - st > 7 && rwdav_ieq(v + st, 7, "second-")) {
            apr_size_t k;
            secs = 0;
            for (k = st + 7; k < i; k++) {
                if (!RWC_IS(v[k], RWC_DIGIT))
                    return TO_ERR("Second- must be followed by digits only", k);
                secs = secs * 10 + (v[k] - '0');
                if (secs > RWDAV_TIMEOUT_MAX)
                    return TO_ERR("timeout above 4294967295 seconds", st);
            }
        }
        else if (rwdav_ieq(v + st, i - st, "infinite")) {
            secs = -1;
        }
        else {
            return TO_ERR("expected Second-N or Infinite", st);
        }
        if ((apr_size_t)out->seconds->nelts >= l.timeout_types)
            return TO_ERR("too many Timeout values", st);
        *(apr_int64_t *)apr_array_push(out->seconds) = secs;
        if (n)
            n += (apr_size_t)sprintf(norm + n, ", ");
        n += secs < 0 ? (apr_size_t)sprintf(norm + n, "Infinite")
                      : (apr_size_t)sprintf(norm + n, "Second-%" APR_INT64_T_FMT,
                                            secs);
        /* after an element: OWS then "," or the end */
        while (i < len && (v[i] == ' ' || v[i] == '\t'))
            i++;
        if (i < len && v[i] != ',')
            return TO_ERR("Timeout values must be separated by ','", i);
    }
    if (out->seconds->nelts == 0)
        return TO_ERR("no Timeout value", 0);
    norm[n] = '\0';
    out->normalized = norm;
    out->rewritten = (n != len || memcmp(norm, v, len) != 0);
    return NULL;
}
