/*
 * Timeout (RFC 4918 §10.7; list syntax of RFC 9110 §5.6.1).
 *   TimeOut = "Timeout" ":" 1#TimeType
 *   TimeType = ("Second-" DAVTimeOutVal | "Infinite")
 *   DAVTimeOutVal = 1*DIGIT   (at most 2^32 - 1)
 */
#include "unit.h"

#define INF (-1)

typedef struct {
    const char *name;
    const char *in;
    apr_size_t len;
    unit_gen_fn gen;
    const rwdav_limits *lim;    /* NULL: the defaults (unit_limits) */
    unit_verdict want;
    /* when want is OK: */
    const char *normalized;     /* NULL: the input itself, rewritten 0 */
    int nsecs;
    apr_int64_t secs[4];        /* the first min(nsecs, 4) values */
} to_row;

static const rwdav_limits lim_len8k = { .header_len = 8192 };
static const rwdav_limits lim_types2 = { .timeout_types = 2 };
static const rwdav_limits lim_len12 = { .header_len = 12 };

static const char *gen_types(apr_pool_t *p, apr_size_t n, apr_size_t *len)
{
    return unit_repeat(p, "", "Second-1", n, ", ", "", len);
}

static const char *gen_16(apr_pool_t *p, apr_size_t *len)
{
    return gen_types(p, 16, len);
}

static const char *gen_17(apr_pool_t *p, apr_size_t *len)
{
    return gen_types(p, 17, len);
}

static const char *gen_big(apr_pool_t *p, apr_size_t *len)
{
    /* Second-000...0600: valid but for its length */
    return unit_fill(p, "Second-", '0', "600", UNIT_BIG, len);
}

static const char *gen_big_commas(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "Infinite", ',', "", UNIT_BIG, len);
}

#define OK_(nm, v, n, ...) \
    { nm, IN(v), NULL, NULL, V_OK, NULL, n, { __VA_ARGS__ } }
#define NORM(nm, v, norm, n, ...) \
    { nm, IN(v), NULL, NULL, V_OK, norm, n, { __VA_ARGS__ } }
/* refused: the fault's id (RWDAV_E_TIMEOUT_ id) and offset */
#define BAD(nm, v, id, off) \
    { nm, IN(v), NULL, NULL, VE(RWDAV_E_TIMEOUT_##id, off), NULL, 0, { 0 } }

static const to_row to_rows[] = {
    OK_("Second-600", "Second-600", 1, 600),
    OK_("Infinite", "Infinite", 1, INF),
    OK_("10.7 example", "Infinite, Second-4100000000", 2,
        INF, 4100000000LL),
    OK_("Second-0", "Second-0", 1, 0),
    OK_("max", "Second-4294967295", 1, 4294967295LL),
    OK_("merged repeats", "Second-5, Second-5", 2, 5, 5),
    OK_("three", "Second-1, Infinite, Second-2", 3, 1, INF, 2),
    /* canonical spelling, ", " separator, no leading zeros */
    NORM("lower case", "second-60, infinite", "Second-60, Infinite", 2,
         60, INF),
    NORM("upper case", "SECOND-60", "Second-60", 1, 60),
    NORM("INFINITE", "INFINITE", "Infinite", 1, INF),
    NORM("leading zeros", "Second-007", "Second-7", 1, 7),
    NORM("zeros only", "Second-000", "Second-0", 1, 0),
    NORM("leading zeros at max", "Second-0004294967295", "Second-4294967295",
         1, 4294967295LL),
    NORM("empty elements", ", Second-5 ,,", "Second-5", 1, 5),
    NORM("no space after comma", "Second-5,Infinite", "Second-5, Infinite",
         2, 5, INF),
    NORM("OWS around comma", "Second-5 ,\tInfinite", "Second-5, Infinite",
         2, 5, INF),
    NORM("empty in the middle", "Infinite, , Second-9",
         "Infinite, Second-9", 2, INF, 9),
    /* refused */
    BAD("empty", "", EMPTY, 0),
    BAD("space", " ", NO_VALUE, 0),
    BAD("comma", ",", NO_VALUE, 0),
    BAD("commas", ", ,", NO_VALUE, 0),
    BAD("Second- no digits", "Second-", VALUE, 0),
    BAD("Second-x", "Second-x", DIGITS, 7),
    BAD("negative", "Second--1", DIGITS, 7),
    BAD("plus", "Second-+1", DIGITS, 7),
    BAD("space after dash", "Second- 5", VALUE, 0),
    BAD("space before dash", "Second -5", VALUE, 0),
    BAD("unit suffix", "Second-5s", DIGITS, 8),
    BAD("no dash", "Second5", VALUE, 0),
    BAD("Seconds-", "Seconds-5", VALUE, 0),
    BAD("Infinity", "Infinity", VALUE, 0),
    BAD("Infinite5", "Infinite5", VALUE, 0),
    BAD("Infinite-", "Infinite-", VALUE, 0),
    BAD("decimal", "Second-1.5", DIGITS, 8),
    BAD("hex", "Second-0x10", DIGITS, 8),
    BAD("bare number", "5", VALUE, 0),
    BAD("missing comma", "Second-5 Infinite", SEPARATOR, 9),
    BAD("missing comma 2", "Infinite Infinite", SEPARATOR, 9),
    BAD("semicolon", "Second-5; Infinite", DIGITS, 8),
    BAD("2^32", "Second-4294967296", RANGE, 7),
    BAD("2^32 with zeros", "Second-0004294967296", RANGE, 7),
    BAD("2^63", "Second-9223372036854775808", RANGE, 7),
    BAD("2^64-1", "Second-18446744073709551615", RANGE, 7),
    BAD("2^64", "Second-18446744073709551616", RANGE, 7),
    BAD("2^64+600", "Second-18446744073709552216", RANGE, 7),
    BAD("huge", "Second-99999999999999999999999999999999", RANGE, 7),
    BAD("bad element after good", "Second-5, Second-x", DIGITS, 17),
    BAD("NUL", "\0", VALUE, 0),
    BAD("NUL after", "Second-5\0", DIGITS, 8),
    BAD("NUL inside", "Second-\0" "5", DIGITS, 7),
    BAD("NUL between", "Second-5,\0Infinite", VALUE, 9),
    BAD("fullwidth digit", "Second-\xef\xbc\x95", DIGITS, 7),
    /* limits */
    { "16 types", NULL, 0, gen_16, NULL, V_OK, NULL, 16, { 1, 1, 1, 1 } },
    /* the 17th value, at 16 * strlen("Second-1, ") */
    { "17 types", NULL, 0, gen_17, NULL, VE(RWDAV_E_TIMEOUT_TOO_MANY, 160),
      NULL, 0, { 0 } },
    /* too long: at the cap */
    { "64 KiB, header_len 8192", NULL, 0, gen_big, &lim_len8k,
      VE(RWDAV_E_TIMEOUT_TOO_LONG, 8192), NULL, 0, { 0 } },
    { "64 KiB commas, header_len 8192", NULL, 0, gen_big_commas, &lim_len8k,
      VE(RWDAV_E_TIMEOUT_TOO_LONG, 8192), NULL, 0, { 0 } },
    { "timeout_types 2: 2", IN("Second-1, Infinite"), NULL, &lim_types2,
      V_OK, NULL, 2, { 1, INF } },
    { "timeout_types 2: 3", IN("Second-1, Infinite, Second-2"), NULL,
      &lim_types2, VE(RWDAV_E_TIMEOUT_TOO_MANY, 20), NULL, 0, { 0 } },
    { "timeout_types 2: empty elements do not count",
      IN("Second-1, , Second-2"), NULL, &lim_types2, V_OK,
      "Second-1, Second-2", 2, { 1, 2 } },
    { "header_len 12: 12 bytes", IN("Second-12345"), NULL, &lim_len12,
      V_OK, NULL, 1, { 12345 } },
    { "header_len 12: 13 bytes", IN("Second-123456"), NULL, &lim_len12,
      VE(RWDAV_E_TIMEOUT_TOO_LONG, 12), NULL, 0, { 0 } },
};

START_TEST(test_timeout)
{
    const to_row *r = &to_rows[_i];
    apr_pool_t *p = unit_pool();
    const char *in = r->in;
    apr_size_t len = r->len;
    rwdav_limits lim;
    rwdav_timeout out;
    rwdav_error *err;

    if (r->gen)
        in = r->gen(p, &len);
    unit_limits(&lim, r->lim);
    memset(&out, 0, sizeof(out));
    err = rwdav_timeout_parse(p, in, len, &lim, &out);
    CK_VERDICT(p, err, r->want, len, r->name, in, len);
    if (r->want.id == RWDAV_E_NONE) {
        int i;
        const char *norm = r->normalized ? r->normalized
                                         : apr_pstrmemdup(p, in, len);

        CK_STREQ(p, out.normalized, norm, "normalized", r->name);
        ck_assert_msg(out.rewritten == (r->normalized != NULL),
                      "[%s] rewritten %d, expected %d", r->name,
                      out.rewritten, r->normalized != NULL);
        ck_assert_msg(out.seconds != NULL && out.seconds->nelts == r->nsecs,
                      "[%s] %d values, expected %d", r->name,
                      out.seconds ? out.seconds->nelts : -1, r->nsecs);
        for (i = 0; i < r->nsecs && i < 4; i++) {
            apr_int64_t got = APR_ARRAY_IDX(out.seconds, i, apr_int64_t);
            ck_assert_msg(got == r->secs[i], "[%s] value %d: %lld, "
                          "expected %lld", r->name, i, (long long)got,
                          (long long)r->secs[i]);
        }
    }
    apr_pool_destroy(p);
}
END_TEST

Suite *suite_timeout(void)
{
    Suite *s = suite_create("timeout");
    TCase *tc = tcase_create("timeout_parse");

    tcase_add_loop_test(tc, test_timeout, 0, NROWS(to_rows));
    suite_add_tcase(s, tc);
    return s;
}
