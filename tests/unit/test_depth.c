/*
 * Depth (RULES.md "Depth", RFC 4918 §10.2 and the per-method rules of §9).
 *   Depth = "Depth" ":" ("0" | "1" | "infinity")
 */
#include "unit.h"

/* ---- rwdav_depth_parse ---- */

typedef struct {
    const char *name;
    const char *in;
    apr_size_t len;
    unit_gen_fn gen;
    unit_verdict want;
    rwdav_depth depth;          /* when want is OK */
} depth_row;

static const char *gen_big_zero(apr_pool_t *p, apr_size_t *len)
{
    /* "0" followed by 64 KiB - 1 zeros: far beyond header_len */
    return unit_fill(p, "", '0', "", UNIT_BIG, len);
}

static const char *gen_big_infinity(apr_pool_t *p, apr_size_t *len)
{
    /* 64 KiB of spaces ending in "infinity" */
    return unit_fill(p, "", ' ', "infinity", UNIT_BIG, len);
}

/* Depth is one token: a wrong one is wrong as a whole (offset 0). */
#define DV VE(RWDAV_E_DEPTH_VALUE, 0)

static const depth_row depth_rows[] = {
    /* the three values of §10.2, case-insensitive (RFC 5234 strings) */
    { "zero",            IN("0"),        NULL, V_OK, RWDAV_DEPTH_0 },
    { "one",             IN("1"),        NULL, V_OK, RWDAV_DEPTH_1 },
    { "infinity",        IN("infinity"), NULL, V_OK, RWDAV_DEPTH_INFINITY },
    { "Infinity",        IN("Infinity"), NULL, V_OK, RWDAV_DEPTH_INFINITY },
    { "INFINITY",        IN("INFINITY"), NULL, V_OK, RWDAV_DEPTH_INFINITY },
    { "iNfInItY",        IN("iNfInItY"), NULL, V_OK, RWDAV_DEPTH_INFINITY },
    /* everything else */
    { "empty",           IN(""),         NULL, VE(RWDAV_E_DEPTH_EMPTY, 0), 0 },
    { "two",             IN("2"),        NULL, DV, 0 },
    { "minus one",       IN("-1"),       NULL, DV, 0 },
    { "plus one",        IN("+1"),       NULL, DV, 0 },
    { "leading zero 01", IN("01"),       NULL, DV, 0 },
    { "double zero",     IN("00"),       NULL, DV, 0 },
    { "decimal",         IN("1.0"),      NULL, DV, 0 },
    { "infinite",        IN("infinite"), NULL, DV, 0 },
    { "infinit",         IN("infinit"),  NULL, DV, 0 },
    { "infinityy",       IN("infinityy"), NULL, DV, 0 },
    { "inf",             IN("inf"),      NULL, DV, 0 },
    { "trailing space",  IN("0 "),       NULL, DV, 0 },
    { "leading space",   IN(" 0"),       NULL, DV, 0 },
    { "trailing tab",    IN("1\t"),      NULL, DV, 0 },
    { "1,noroot",        IN("1,noroot"), NULL, DV, 0 },
    { "1, noroot",       IN("1, noroot"), NULL, DV, 0 },
    { "infinity,noroot", IN("infinity,noroot"), NULL, DV, 0 },
    { "merged 0, 0",     IN("0, 0"),     NULL, DV, 0 },
    { "merged 1, 1",     IN("1, 1"),     NULL, DV, 0 },
    { "merged inf",      IN("infinity, infinity"), NULL, DV, 0 },
    { "merged 0,1",      IN("0,1"),      NULL, DV, 0 },
    { "NUL alone",       IN("\0"),       NULL, DV, 0 },
    { "0 then NUL",      IN("0\0"),      NULL, DV, 0 },
    { "NUL then 1",      IN("\0" "1"),   NULL, DV, 0 },
    { "NUL in infinity", IN("infin\0ity"), NULL, DV, 0 },
    { "infinity NUL",    IN("infinity\0"), NULL, DV, 0 },
    { "dotless i",       IN("\xc4\xb1nfinity"), NULL, DV, 0 },
    { "fullwidth 0",     IN("\xef\xbc\x90"), NULL, DV, 0 },
    { "quoted",          IN("\"0\""),    NULL, DV, 0 },
    { "0x0",             IN("0x0"),      NULL, DV, 0 },
    { "64 KiB zeros",    NULL, 0, gen_big_zero,     DV, 0 },
    { "64 KiB spaces+infinity", NULL, 0, gen_big_infinity, DV, 0 },
};

START_TEST(test_depth_parse)
{
    const depth_row *r = &depth_rows[_i];
    apr_pool_t *p = unit_pool();
    const char *in = r->in;
    apr_size_t len = r->len;
    rwdav_depth d = (rwdav_depth)-99;
    rwdav_error *err;

    if (r->gen)
        in = r->gen(p, &len);
    err = rwdav_depth_parse(p, in, len, &d);
    CK_VERDICT(p, err, r->want, len, r->name, in, len);
    if (r->want.id == RWDAV_E_NONE)
        ck_assert_msg(d == r->depth, "[%s] depth %d, expected %d",
                      r->name, (int)d, (int)r->depth);
    apr_pool_destroy(p);
}
END_TEST

/* ---- rwdav_depth_check ---- */

typedef struct {
    const char *name;
    rwdav_method m;
    rwdav_depth d;
    int is_collection;
    int allow_infinity;
    unit_verdict want;
    const char *condition;      /* expected err->condition, or NULL */
} check_row;

#define D0   RWDAV_DEPTH_0
#define D1   RWDAV_DEPTH_1
#define DINF RWDAV_DEPTH_INFINITY
#define DABS RWDAV_DEPTH_ABSENT
#define FINITE "propfind-finite-depth"
/* rwdav_depth_check is given no value: its faults are at offset 0 */
#define X(id) VE(RWDAV_E_DEPTH_##id, 0)

static const check_row check_rows[] = {
    /* PROPFIND: every value; infinity (or no Depth) on a collection is 403
     * DAV:propfind-finite-depth unless allowed (§9.1) */
    { "PROPFIND 0 res",        RWDAV_M_PROPFIND, D0,   0, 0, V_OK, NULL },
    { "PROPFIND 1 res",        RWDAV_M_PROPFIND, D1,   0, 0, V_OK, NULL },
    { "PROPFIND inf res",      RWDAV_M_PROPFIND, DINF, 0, 0, V_OK, NULL },
    { "PROPFIND absent res",   RWDAV_M_PROPFIND, DABS, 0, 0, V_OK, NULL },
    { "PROPFIND 0 coll",       RWDAV_M_PROPFIND, D0,   1, 0, V_OK, NULL },
    { "PROPFIND 1 coll",       RWDAV_M_PROPFIND, D1,   1, 0, V_OK, NULL },
    { "PROPFIND inf coll",     RWDAV_M_PROPFIND, DINF, 1, 0,
      X(PROPFIND_INFINITY), FINITE },
    { "PROPFIND absent coll",  RWDAV_M_PROPFIND, DABS, 1, 0,
      X(PROPFIND_ABSENT), FINITE },
    { "PROPFIND inf coll allowed",    RWDAV_M_PROPFIND, DINF, 1, 1, V_OK, NULL },
    { "PROPFIND absent coll allowed", RWDAV_M_PROPFIND, DABS, 1, 1, V_OK, NULL },
    { "PROPFIND 1 coll allowed",      RWDAV_M_PROPFIND, D1,   1, 1, V_OK, NULL },
    /* COPY: 0 or infinity (§9.8.3); 1 refused on any target */
    { "COPY 0 res",            RWDAV_M_COPY, D0,   0, 0, V_OK, NULL },
    { "COPY 0 coll",           RWDAV_M_COPY, D0,   1, 0, V_OK, NULL },
    { "COPY inf coll",         RWDAV_M_COPY, DINF, 1, 0, V_OK, NULL },
    { "COPY absent coll",      RWDAV_M_COPY, DABS, 1, 0, V_OK, NULL },
    { "COPY 1 coll",           RWDAV_M_COPY, D1,   1, 0, X(COPY), NULL },
    { "COPY 1 res",            RWDAV_M_COPY, D1,   0, 0, X(COPY), NULL },
    { "COPY 1 coll allow_inf", RWDAV_M_COPY, D1,   1, 1, X(COPY), NULL },
    /* MOVE: infinity only (§9.9.2) */
    { "MOVE inf coll",         RWDAV_M_MOVE, DINF, 1, 0, V_OK, NULL },
    { "MOVE inf res",          RWDAV_M_MOVE, DINF, 0, 0, V_OK, NULL },
    { "MOVE absent coll",      RWDAV_M_MOVE, DABS, 1, 0, V_OK, NULL },
    { "MOVE absent res",       RWDAV_M_MOVE, DABS, 0, 0, V_OK, NULL },
    { "MOVE 0 coll",           RWDAV_M_MOVE, D0,   1, 0, X(MOVE), NULL },
    { "MOVE 0 res",            RWDAV_M_MOVE, D0,   0, 0, X(MOVE), NULL },
    { "MOVE 1 coll",           RWDAV_M_MOVE, D1,   1, 0, X(MOVE), NULL },
    { "MOVE 1 res",            RWDAV_M_MOVE, D1,   0, 0, X(MOVE), NULL },
    /* LOCK: 0 or infinity (§9.10.3) */
    { "LOCK 0 coll",           RWDAV_M_LOCK, D0,   1, 0, V_OK, NULL },
    { "LOCK 0 res",            RWDAV_M_LOCK, D0,   0, 0, V_OK, NULL },
    { "LOCK inf coll",         RWDAV_M_LOCK, DINF, 1, 0, V_OK, NULL },
    { "LOCK absent res",       RWDAV_M_LOCK, DABS, 0, 0, V_OK, NULL },
    { "LOCK 1 coll",           RWDAV_M_LOCK, D1,   1, 0, X(LOCK), NULL },
    { "LOCK 1 res",            RWDAV_M_LOCK, D1,   0, 0, X(LOCK), NULL },
    /* DELETE: collection infinity only (§9.6.1); non-collection 0 or inf */
    { "DELETE inf coll",       RWDAV_M_DELETE, DINF, 1, 0, V_OK, NULL },
    { "DELETE absent coll",    RWDAV_M_DELETE, DABS, 1, 0, V_OK, NULL },
    { "DELETE 0 coll",         RWDAV_M_DELETE, D0,   1, 0,
      X(DELETE_COLLECTION), NULL },
    { "DELETE 1 coll",         RWDAV_M_DELETE, D1,   1, 0,
      X(DELETE_COLLECTION), NULL },
    { "DELETE 0 res",          RWDAV_M_DELETE, D0,   0, 0, V_OK, NULL },
    { "DELETE inf res",        RWDAV_M_DELETE, DINF, 0, 0, V_OK, NULL },
    { "DELETE absent res",     RWDAV_M_DELETE, DABS, 0, 0, V_OK, NULL },
    { "DELETE 1 res",          RWDAV_M_DELETE, D1,   0, 0, X(DELETE), NULL },
    /* methods without a Depth rule: never checked */
    { "GET 1 coll",            RWDAV_M_GET,      D1,   1, 0, V_OK, NULL },
    { "PUT 1 res",             RWDAV_M_PUT,      D1,   0, 0, V_OK, NULL },
    { "MKCOL 1 coll",          RWDAV_M_MKCOL,    D1,   1, 0, V_OK, NULL },
    { "MKCOL 0 res",           RWDAV_M_MKCOL,    D0,   0, 0, V_OK, NULL },
    { "PROPPATCH inf coll",    RWDAV_M_PROPPATCH, DINF, 1, 0, V_OK, NULL },
    { "PROPPATCH 1 coll",      RWDAV_M_PROPPATCH, D1,  1, 0, V_OK, NULL },
    { "UNLOCK 1 coll",         RWDAV_M_UNLOCK,   D1,   1, 0, V_OK, NULL },
    { "OPTIONS inf coll",      RWDAV_M_OPTIONS,  DINF, 1, 0, V_OK, NULL },
    { "OTHER 1 coll",          RWDAV_M_OTHER,    D1,   1, 0, V_OK, NULL },
    { "OTHER absent coll",     RWDAV_M_OTHER,    DABS, 1, 0, V_OK, NULL },
};

START_TEST(test_depth_check)
{
    const check_row *r = &check_rows[_i];
    apr_pool_t *p = unit_pool();
    rwdav_error *err;

    err = rwdav_depth_check(p, r->m, r->d, r->is_collection,
                            r->allow_infinity);
    CK_VERDICT(p, err, r->want, UNIT_NO_LEN, r->name, "", 0);
    if (r->condition)
        CK_STREQ(p, err->condition, r->condition, "condition", r->name);
    apr_pool_destroy(p);
}
END_TEST

/* The handler skips rwdav_depth_check when a request has no Depth header,
 * except for PROPFIND: every other method, on any target and either way
 * of RetryWithDepthInfinity, takes the default. */
START_TEST(test_depth_absent_is_propfinds_only)
{
    rwdav_method m = (rwdav_method)_i;
    apr_pool_t *p = unit_pool();
    int coll, allow;

    for (coll = 0; coll <= 1; coll++)
        for (allow = 0; allow <= 1; allow++) {
            rwdav_error *e = rwdav_depth_check(p, m, DABS, coll, allow);
            if (m != RWDAV_M_PROPFIND)
                ck_assert_msg(e == NULL, "method %d, collection %d, "
                              "infinity allowed %d: no Depth refused", m,
                              coll, allow);
        }
    apr_pool_destroy(p);
}
END_TEST

/* ---- how a refusal is named: IIS's 403.22 for the infinite-depth
 * PROPFIND only, every other fault its family's 400.N ---- */

typedef struct {
    rwdav_error_id id;
    int denied;
    const char *substatus;
    int minor;                  /* the body's errcode */
    const char *element;        /* the body's R: element */
    int extended;               /* X-MSDAVEXT_ERROR's Extended-error */
} name_row;

static const name_row name_rows[] = {
    { RWDAV_E_DEPTH_PROPFIND_INFINITY, 1, "403.22", 22,
      "infinite-depth-denied", 40322 },
    { RWDAV_E_DEPTH_PROPFIND_ABSENT, 1, "403.22", 22,
      "infinite-depth-denied", 40322 },
    { RWDAV_E_DEPTH_VALUE, 0, "400.2", 2, "invalid-depth-header", 40002 },
    { RWDAV_E_DEPTH_COPY, 0, "400.2", 2, "invalid-depth-header", 40002 },
    { RWDAV_E_DEST_BAD_ESCAPE, 0, "400.1", 1, "invalid-destination-header",
      40001 },
    { RWDAV_E_IF_SYNTAX, 0, "400.3", 3, "invalid-if-header", 40003 },
    { RWDAV_E_TRANSLATE_VALUE, 0, "400.5", 5, "invalid-translate-header",
      40005 },
    { RWDAV_E_BODY_TOO_LARGE, 0, "400.6", 6, "invalid-request-body", 40006 },
    { RWDAV_E_TIMEOUT_VALUE, 0, "400.8", 8, "invalid-timeout", 40008 },
};

START_TEST(test_refusal_names)
{
    const name_row *row = &name_rows[_i];
    apr_pool_t *p = unit_pool();
    rwdav_error *e = rwdav_fault(p, row->id, 0);

    ck_assert_int_eq(rwdav_error_depth_denied(e), row->denied);
    ck_assert_str_eq(rwdav_error_substatus(e), row->substatus);
    ck_assert_int_eq(rwdav_error_minor(e), row->minor);
    ck_assert_str_eq(rwdav_error_element(e), row->element);
    ck_assert_int_eq(rwdav_error_extended(e), row->extended);
    apr_pool_destroy(p);
}
END_TEST

Suite *suite_depth(void)
{
    Suite *s = suite_create("depth");
    TCase *tc = tcase_create("depth_parse");

    tcase_add_loop_test(tc, test_depth_parse, 0, NROWS(depth_rows));
    suite_add_tcase(s, tc);
    tc = tcase_create("depth_check");
    tcase_add_loop_test(tc, test_depth_check, 0, NROWS(check_rows));
    tcase_add_loop_test(tc, test_depth_absent_is_propfinds_only,
                        RWDAV_M_OTHER, RWDAV_M_OPTIONS + 1);
    suite_add_tcase(s, tc);
    tc = tcase_create("refusal_names");
    tcase_add_loop_test(tc, test_refusal_names, 0, NROWS(name_rows));
    suite_add_tcase(s, tc);
    return s;
}
