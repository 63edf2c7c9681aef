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
    rwdav_limits_default(lim);
    if (!custom)
        return;
#define UNIT_CAP(f) if (custom->f) lim->f = custom->f
    UNIT_CAP(header_len);
    UNIT_CAP(if_lists);
    UNIT_CAP(if_conditions);
    UNIT_CAP(body_bytes);
    UNIT_CAP(xml_depth);
    UNIT_CAP(timeout_types);
#undef UNIT_CAP
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

static const char *err_repr(apr_pool_t *p, const rwdav_error *e)
{
    return apr_psprintf(p, "%s (%d.%d \"%s\", offset %lu)",
                        e->id ? rwdav_error_id_name(e->id) : "no id",
                        e->status, (int)e->sub,
                        e->reason ? e->reason : "(no reason)",
                        (unsigned long)e->offset);
}

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

const char *unit_verdict_diff(apr_pool_t *p, const rwdav_error *err,
                              unit_verdict want, apr_size_t len)
{
    const char *wname = rwdav_error_id_name(want.id);
    const rwdav_error *row;

    if (err == NULL)
        return want.id == RWDAV_E_NONE ? NULL
             : apr_psprintf(p, "expected %s at %lu, got no error", wname,
                            (unsigned long)want.offset);
    if (want.id == RWDAV_E_NONE)
        return apr_psprintf(p, "expected no error, got %s",
                            err_repr(p, err));
    if (err->id != want.id || err->offset != want.offset)
        return apr_psprintf(p, "expected %s at %lu, got %s", wname,
                            (unsigned long)want.offset, err_repr(p, err));
    row = rwdav_fault(p, want.id, 0);
    if (err->status != row->status || err->sub != row->sub
        || !same_str(err->reason, row->reason)
        || !same_str(err->condition, row->condition))
        return apr_psprintf(p, "%s is not its table row %s", err_repr(p, err),
                            err_repr(p, row));
    if (err->reason == NULL || err->reason[0] == '\0')
        return apr_psprintf(p, "%s has no reason", wname);
    if (err->field == NULL
        || strcmp(err->field, rwdav_substatus_field(err->sub)) != 0)
        return apr_psprintf(p, "%s: field \"%s\", expected \"%s\"", wname,
                            err->field ? err->field : "(null)",
                            rwdav_substatus_field(err->sub));
    if (len != UNIT_NO_LEN && err->offset > len)
        return apr_psprintf(p, "%s: offset %lu beyond the value (%lu)", wname,
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
    srunner_add_suite(sr, suite_lab());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
