/*
 * Overwrite (RFC 4918 §10.6: Overwrite = "Overwrite" ":" ("T" | "F"))
 * and Translate ([MS-WDVSE] §2.2.1: "t" / "f", other values ignored).
 */
#include "unit.h"

static const char *gen_big_t(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "T", ' ', "", UNIT_BIG, len);
}

static const char *gen_big_f(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "", 'f', "", UNIT_BIG, len);
}

/* Both are one letter: a wrong value is wrong as a whole (offset 0). */
#define OV VE(RWDAV_E_OVERWRITE_VALUE, 0)
#define TV VE(RWDAV_E_TRANSLATE_VALUE, 0)

/* ---- Overwrite ---- */

typedef struct {
    const char *name;
    const char *in;
    apr_size_t len;
    unit_gen_fn gen;
    unit_verdict want;
    int overwrite;              /* when want is OK */
} ow_row;

static const ow_row ow_rows[] = {
    { "T",            IN("T"),      NULL, V_OK, 1 },
    { "F",            IN("F"),      NULL, V_OK, 0 },
    { "t",            IN("t"),      NULL, V_OK, 1 },
    { "f",            IN("f"),      NULL, V_OK, 0 },
    { "empty",        IN(""),       NULL, VE(RWDAV_E_OVERWRITE_EMPTY, 0), 0 },
    { "true",         IN("true"),   NULL, OV, 0 },
    { "false",        IN("false"),  NULL, OV, 0 },
    { "yes",          IN("yes"),    NULL, OV, 0 },
    { "Y",            IN("Y"),      NULL, OV, 0 },
    { "N",            IN("N"),      NULL, OV, 0 },
    { "1",            IN("1"),      NULL, OV, 0 },
    { "0",            IN("0"),      NULL, OV, 0 },
    { "TT",           IN("TT"),     NULL, OV, 0 },
    { "TF",           IN("TF"),     NULL, OV, 0 },
    { "merged T, T",  IN("T, T"),   NULL, OV, 0 },
    { "merged F, F",  IN("F, F"),   NULL, OV, 0 },
    { "merged T,F",   IN("T,F"),    NULL, OV, 0 },
    { "T space",      IN("T "),     NULL, OV, 0 },
    { "space F",      IN(" F"),     NULL, OV, 0 },
    { "quoted",       IN("\"T\""),  NULL, OV, 0 },
    { "NUL",          IN("\0"),     NULL, OV, 0 },
    { "T NUL",        IN("T\0"),    NULL, OV, 0 },
    { "NUL F",        IN("\0F"),    NULL, OV, 0 },
    { "high byte",    IN("\xd4"),   NULL, OV, 0 },
    { "64 KiB T+spaces", NULL, 0, gen_big_t, OV, 0 },
    { "64 KiB f",     NULL, 0, gen_big_f, OV, 0 },
};

START_TEST(test_overwrite)
{
    const ow_row *r = &ow_rows[_i];
    apr_pool_t *p = unit_pool();
    const char *in = r->in;
    apr_size_t len = r->len;
    int ow = -7;
    rwdav_error *err;

    if (r->gen)
        in = r->gen(p, &len);
    err = rwdav_overwrite_parse(p, in, len, &ow);
    CK_VERDICT(p, err, r->want, len, r->name, in, len);
    if (r->want.id == RWDAV_E_NONE)
        ck_assert_msg(ow == r->overwrite, "[%s] overwrite %d, expected %d",
                      r->name, ow, r->overwrite);
    apr_pool_destroy(p);
}
END_TEST

/* ---- Translate ---- */

typedef struct {
    const char *name;
    const char *in;
    apr_size_t len;
    unit_gen_fn gen;
    int strict;
    unit_verdict want;
    int translate;              /* when want is OK: 1, 0 or -1 (ignored) */
} tr_row;

static const tr_row tr_rows[] = {
    { "t lenient",        IN("t"),     NULL, 0, V_OK, 1 },
    { "T lenient",        IN("T"),     NULL, 0, V_OK, 1 },
    { "f lenient",        IN("f"),     NULL, 0, V_OK, 0 },
    { "F lenient",        IN("F"),     NULL, 0, V_OK, 0 },
    { "t strict",         IN("t"),     NULL, 1, V_OK, 1 },
    { "T strict",         IN("T"),     NULL, 1, V_OK, 1 },
    { "f strict",         IN("f"),     NULL, 1, V_OK, 0 },
    { "F strict",         IN("F"),     NULL, 1, V_OK, 0 },
    /* other values: ignored when lenient, 400.5 when strict */
    { "empty lenient",    IN(""),      NULL, 0, V_OK, -1 },
    { "empty strict",     IN(""),      NULL, 1, TV, 0 },
    { "true lenient",     IN("true"),  NULL, 0, V_OK, -1 },
    { "true strict",      IN("true"),  NULL, 1, TV, 0 },
    { "x lenient",        IN("x"),     NULL, 0, V_OK, -1 },
    { "x strict",         IN("x"),     NULL, 1, TV, 0 },
    { "tt lenient",       IN("tt"),    NULL, 0, V_OK, -1 },
    { "tt strict",        IN("tt"),    NULL, 1, TV, 0 },
    { "merged lenient",   IN("t, t"),  NULL, 0, V_OK, -1 },
    { "merged strict",    IN("t, t"),  NULL, 1, TV, 0 },
    { "merged T,F strict", IN("T,F"),  NULL, 1, TV, 0 },
    { "t space strict",   IN("t "),    NULL, 1, TV, 0 },
    { "NUL lenient",      IN("\0"),    NULL, 0, V_OK, -1 },
    { "NUL strict",       IN("\0"),    NULL, 1, TV, 0 },
    { "t NUL lenient",    IN("t\0"),   NULL, 0, V_OK, -1 },
    { "t NUL strict",     IN("t\0"),   NULL, 1, TV, 0 },
    { "f NUL strict",     IN("f\0"),   NULL, 1, TV, 0 },
    { "1 strict",         IN("1"),     NULL, 1, TV, 0 },
    { "64 KiB strict",    NULL, 0, gen_big_f, 1, TV, 0 },
};

START_TEST(test_translate)
{
    const tr_row *r = &tr_rows[_i];
    apr_pool_t *p = unit_pool();
    const char *in = r->in;
    apr_size_t len = r->len;
    int tr = -7;
    rwdav_error *err;

    if (r->gen)
        in = r->gen(p, &len);
    err = rwdav_translate_parse(p, in, len, r->strict, &tr);
    CK_VERDICT(p, err, r->want, len, r->name, in, len);
    if (r->want.id == RWDAV_E_NONE)
        ck_assert_msg(tr == r->translate, "[%s] translate %d, expected %d",
                      r->name, tr, r->translate);
    apr_pool_destroy(p);
}
END_TEST

Suite *suite_flags(void)
{
    Suite *s = suite_create("flags");
    TCase *tc = tcase_create("overwrite");

    tcase_add_loop_test(tc, test_overwrite, 0, NROWS(ow_rows));
    suite_add_tcase(s, tc);
    tc = tcase_create("translate");
    tcase_add_loop_test(tc, test_translate, 0, NROWS(tr_rows));
    suite_add_tcase(s, tc);
    return s;
}
