/*
 * Unit test runner for dav/ (rwdav.h): one Check suite per parser family.
 * Exit status is non-zero when any test failed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

apr_pool_t *unit_pool(void)
{
    apr_pool_t *p = NULL;
    ck_assert_msg(apr_pool_create(&p, NULL) == APR_SUCCESS && p != NULL,
                  "apr_pool_create failed");
    return p;
}

void unit_limits(rwdav_limits *lim, const rwdav_limits *custom)
{
    if (custom) {
        *lim = *custom;
        return;
    }
    memset(lim, 0, sizeof(*lim));
    rwdav_limits_default(lim);
}

const char *unit_repr(apr_pool_t *p, const char *s, apr_size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const apr_size_t max = 96;
    apr_size_t i, n = len < max ? len : max;
    char *out = apr_palloc(p, n * 4 + 32);
    char *o = out;

    if (s == NULL)
        return "(null)";
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            *o++ = (char)c;
        }
        else {
            *o++ = '\\';
            *o++ = 'x';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    if (n < len)
        o += sprintf(o, "...(%lu bytes)", (unsigned long)len);
    *o = '\0';
    return out;
}

const char *unit_verdict_diff(apr_pool_t *p, const rwdav_error *err,
                              unit_verdict want, apr_size_t len)
{
    if (err == NULL) {
        if (want.status == 0)
            return NULL;
        return apr_psprintf(p, "expected %d.%d, got no error",
                            want.status, want.sub);
    }
    if (want.status == 0)
        return apr_psprintf(p, "expected no error, got %d.%d (%s, offset %lu)",
                            err->status, (int)err->sub,
                            err->reason ? err->reason : "(no reason)",
                            (unsigned long)err->offset);
    if (err->status != want.status || (int)err->sub != want.sub)
        return apr_psprintf(p, "expected %d.%d, got %d.%d (%s)",
                            want.status, want.sub, err->status,
                            (int)err->sub,
                            err->reason ? err->reason : "(no reason)");
    if (err->reason == NULL || err->reason[0] == '\0')
        return apr_psprintf(p, "%d.%d has no reason", err->status,
                            (int)err->sub);
    if (err->field == NULL
        || strcmp(err->field, rwdav_substatus_field(err->sub)) != 0)
        return apr_psprintf(p, "%d.%d: field \"%s\", expected \"%s\"",
                            err->status, (int)err->sub,
                            err->field ? err->field : "(null)",
                            rwdav_substatus_field(err->sub));
    if (len != UNIT_NO_LEN && err->offset > len)
        return apr_psprintf(p, "%d.%d: offset %lu beyond the value (%lu)",
                            err->status, (int)err->sub,
                            (unsigned long)err->offset, (unsigned long)len);
    return NULL;
}

const char *unit_repeat(apr_pool_t *p, const char *prefix, const char *unit,
                        apr_size_t n, const char *sep, const char *suffix,
                        apr_size_t *len)
{
    apr_size_t lp = strlen(prefix), lu = strlen(unit), ls = strlen(sep);
    apr_size_t lx = strlen(suffix), i;
    apr_size_t total = lp + n * lu + (n ? (n - 1) * ls : 0) + lx;
    char *buf = apr_palloc(p, total + 1), *o = buf;

    memcpy(o, prefix, lp);
    o += lp;
    for (i = 0; i < n; i++) {
        if (i) {
            memcpy(o, sep, ls);
            o += ls;
        }
        memcpy(o, unit, lu);
        o += lu;
    }
    memcpy(o, suffix, lx);
    o += lx;
    *o = '\0';
    *len = total;
    return buf;
}

const char *unit_fill(apr_pool_t *p, const char *prefix, char fill,
                      const char *suffix, apr_size_t total, apr_size_t *len)
{
    apr_size_t lp = strlen(prefix), lx = strlen(suffix);
    char *buf;

    ck_assert(total >= lp + lx);
    buf = apr_palloc(p, total + 1);
    memcpy(buf, prefix, lp);
    memset(buf + lp, fill, total - lp - lx);
    memcpy(buf + total - lx, suffix, lx);
    buf[total] = '\0';
    *len = total;
    return buf;
}

int main(void)
{
    SRunner *sr;
    int failed;

    if (apr_initialize() != APR_SUCCESS) {
        fprintf(stderr, "apr_initialize failed\n");
        return EXIT_FAILURE;
    }
    atexit(apr_terminate);

    sr = srunner_create(suite_depth());
    srunner_add_suite(sr, suite_flags());
    srunner_add_suite(sr, suite_destination());
    srunner_add_suite(sr, suite_if());
    srunner_add_suite(sr, suite_timeout());
    srunner_add_suite(sr, suite_locktoken());
    srunner_add_suite(sr, suite_body());
    srunner_add_suite(sr, suite_echo());
    srunner_add_suite(sr, suite_xmlscan());
    srunner_add_suite(sr, suite_counters());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
