/*
 * Lock-Token (RFC 4918 §10.5: Lock-Token = "Lock-Token" ":" Coded-URL)
 * and the opaquelocktoken check of Appendix C:
 *   OpaqueLockToken-URI = "opaquelocktoken:" UUID [path-absolute]
 */
#include "unit.h"

#define OLT "opaquelocktoken:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
#define U1 "urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2"

typedef struct {
    const char *name;
    const char *in;
    apr_size_t len;
    unit_gen_fn gen;
    int allow_bare;
    unit_verdict want;
    const char *token;          /* when want is OK */
    apr_size_t header_len;      /* a RetryWithLimit cap; 0: none */
} lt_row;

static const char *gen_big(apr_pool_t *p, apr_size_t *len)
{
    /* a syntactically valid Coded-URL of 64 KiB */
    return unit_fill(p, "<urn:", 'a', ">", UNIT_BIG, len);
}

static const char *gen_big_bare(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "urn:", 'a', "", UNIT_BIG, len);
}

#define OK_(nm, v, bare, tok) { nm, IN(v), NULL, bare, V_OK, tok }
/* refused: the fault's id (RWDAV_E_LOCKTOKEN_ id) and offset */
#define BAD(nm, v, bare, id, off) \
    { nm, IN(v), NULL, bare, VE(RWDAV_E_LOCKTOKEN_##id, off), NULL }

static const lt_row lt_rows[] = {
    OK_("opaquelocktoken", "<" OLT ">", 0, OLT),
    OK_("opaquelocktoken, bare allowed", "<" OLT ">", 1, OLT),
    OK_("9.11.2 urn:uuid", "<" U1 ">", 0, U1),
    OK_("DAV:no-lock", "<DAV:no-lock>", 0, "DAV:no-lock"),
    OK_("http URI", "<http://example.com/locks/1>", 0,
        "http://example.com/locks/1"),
    OK_("opaquelocktoken with path", "<" OLT "/x>", 0, OLT "/x"),
    OK_("opaquelocktoken upper hex",
        "<opaquelocktoken:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6>", 0,
        "opaquelocktoken:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6"),
    OK_("bare opaquelocktoken allowed", OLT, 1, OLT),
    OK_("bare urn allowed", U1, 1, U1),
    BAD("bare opaquelocktoken refused", OLT, 0, BARE, 0),
    BAD("bare urn refused", U1, 0, BARE, 0),
    BAD("empty", "", 0, EMPTY, 0),
    BAD("empty, bare allowed", "", 1, EMPTY, 0),
    BAD("<>", "<>", 0, EMPTY_URI, 1),
    BAD("<>, bare allowed", "<>", 1, EMPTY_URI, 1),
    BAD("spaces inside", "< x >", 0, NOT_URI, 1),
    BAD("space before >", "<" U1 " >", 0, NOT_URI, 46),
    BAD("two Coded-URLs", "<a:b><c:d>", 0, NOT_URI, 4),
    BAD("merged headers", "<" U1 ">, <" U1 ">", 0, NOT_URI, 46),
    BAD("merged headers, bare allowed", "<" U1 ">, <" U1 ">", 1, NOT_URI, 46),
    BAD("relative", "</relative>", 0, NOT_URI, 1),
    BAD("relative no slash", "<relative>", 0, NOT_URI, 9),
    BAD("bare relative", "relative", 1, NOT_URI, 8),
    BAD("bare path", "/x", 1, NOT_URI, 0),
    BAD("unclosed IPv6", "<http://[::1>", 0, NOT_URI, 12),
    BAD("opaquelocktoken junk", "<opaquelocktoken:xyz>", 0, OPAQUE, 1),
    BAD("opaquelocktoken empty", "<opaquelocktoken:>", 0, OPAQUE, 1),
    BAD("opaquelocktoken short",
        "<opaquelocktoken:f81d4fae-7dec-11d0-a765-00a0c91e6bf>", 0, OPAQUE, 1),
    BAD("opaquelocktoken trailing char", "<" OLT "x>", 0, OPAQUE, 1),
    BAD("opaquelocktoken non-hex",
        "<opaquelocktoken:g81d4fae-7dec-11d0-a765-00a0c91e6bf6>", 0, OPAQUE,
        1),
    BAD("bare opaquelocktoken junk", "opaquelocktoken:xyz", 1, OPAQUE, 0),
    BAD("fragment", "<" U1 "#x>", 0, NOT_URI, 46),
    BAD("space in URI", "<DAV:no lock>", 0, NOT_URI, 7),
    BAD("trailing space", "<" U1 "> ", 0, UNCLOSED, 47),
    BAD("leading space", " <" U1 ">", 0, BARE, 0),
    BAD("unclosed", "<" U1, 0, UNCLOSED, 46),
    BAD("unopened", U1 ">", 0, BARE, 0),
    BAD("unopened, bare allowed", U1 ">", 1, NOT_URI, 45),
    BAD("unclosed, bare allowed", "<" U1, 1, UNCLOSED, 46),
    BAD("double brackets", "<<" U1 ">>", 0, NOT_URI, 1),
    BAD("junk after", "<" U1 ">x", 0, UNCLOSED, 47),
    BAD("NUL inside", "<urn:uuid:1\0>", 0, NOT_URI, 11),
    BAD("NUL after", "<" U1 ">\0", 0, UNCLOSED, 47),
    BAD("NUL alone", "\0", 1, NOT_URI, 0),
    BAD("bare with NUL", "urn:a\0", 1, NOT_URI, 5),
    BAD("bare with space", "urn:a b", 1, NOT_URI, 5),
    /* too long: at the cap */
    { "64 KiB, header_len 8192", NULL, 0, gen_big, 0,
      VE(RWDAV_E_LOCKTOKEN_TOO_LONG, 8192), NULL, 8192 },
    { "64 KiB bare, header_len 8192", NULL, 0, gen_big_bare, 1,
      VE(RWDAV_E_LOCKTOKEN_TOO_LONG, 8192), NULL, 8192 },
};

/* header-length applies to Lock-Token like to every other header: a token
 * one byte over the configured cap is refused, one at the cap is not. */
START_TEST(test_locktoken_header_len)
{
    apr_pool_t *p = unit_pool();
    rwdav_limits custom = { 0 }, lim;
    const char *token, *norm;
    char *v = apr_palloc(p, 258);
    rwdav_error *err;

    custom.header_len = 256;
    unit_limits(&lim, &custom);
    memcpy(v, "<urn:x:", 7);
    memset(v + 7, 'a', 256 - 8);
    v[255] = '>';
    err = rwdav_locktoken_parse(p, v, 256, &lim, 0, &token, &norm);
    ck_assert_msg(err == NULL, "256-byte token at a 256 cap refused");
    memmove(v + 8, v + 7, 249);
    v[7] = 'a';
    err = rwdav_locktoken_parse(p, v, 257, &lim, 0, &token, &norm);
    {
        unit_verdict want = VE(RWDAV_E_LOCKTOKEN_TOO_LONG, 256);
        CK_VERDICT(p, err, want, 257, "257 bytes at a 256 cap", v, 257);
    }
    apr_pool_destroy(p);
}
END_TEST

START_TEST(test_locktoken)
{
    const lt_row *r = &lt_rows[_i];
    apr_pool_t *p = unit_pool();
    const char *in = r->in;
    apr_size_t len = r->len;
    const char *token = NULL, *norm = NULL;
    rwdav_error *err;

    if (r->gen)
        in = r->gen(p, &len);
    rwdav_limits lim;

    unit_limits(&lim, NULL);
    if (r->header_len)
        lim.header_len = r->header_len;
    err = rwdav_locktoken_parse(p, in, len, &lim, r->allow_bare, &token, &norm);
    CK_VERDICT(p, err, r->want, len, r->name, in, len);
    if (r->want.id == RWDAV_E_NONE) {
        CK_STREQ(p, token, r->token, "token", r->name);
        CK_STREQ(p, norm, apr_pstrcat(p, "<", r->token, ">", NULL),
                 "normalized", r->name);
    }
    apr_pool_destroy(p);
}
END_TEST

/* ---- rwdav_locktoken_uri_ok ---- */

typedef struct {
    const char *name;
    const char *in;
    apr_size_t len;
    int ok;
    int has_path;               /* checked for opaquelocktoken URIs only */
} uo_row;

static const uo_row uo_rows[] = {
    { "uuid",              IN(OLT), 1, 0 },
    { "uuid path",         IN(OLT "/a/b"), 1, 1 },
    { "uuid root path",    IN(OLT "/"), 1, 1 },
    { "upper hex",
      IN("opaquelocktoken:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6"), 1, 0 },
    { "other scheme",      IN(U1), 1, -1 },
    { "DAV:no-lock",       IN("DAV:no-lock"), 1, -1 },
    { "empty uuid",        IN("opaquelocktoken:"), 0, 0 },
    { "short",
      IN("opaquelocktoken:f81d4fae-7dec-11d0-a765-00a0c91e6bf"), 0, 0 },
    { "long",              IN(OLT "0"), 0, 0 },
    { "trailing letter",   IN(OLT "x"), 0, 0 },
    { "trailing hyphen",   IN(OLT "-"), 0, 0 },
    { "query",             IN(OLT "?q"), 0, 0 },
    { "non-hex",
      IN("opaquelocktoken:g81d4fae-7dec-11d0-a765-00a0c91e6bf6"), 0, 0 },
    { "no hyphens",
      IN("opaquelocktoken:f81d4fae7dec11d0a76500a0c91e6bf6"), 0, 0 },
    { "moved hyphen",
      IN("opaquelocktoken:f81d4fae7-dec-11d0-a765-00a0c91e6bf6"), 0, 0 },
    { "braces",
      IN("opaquelocktoken:{f81d4fae-7dec-11d0-a765-00a0c91e6bf6}"), 0, 0 },
    { "NUL",               IN(OLT "\0"), 0, 0 },
    { "path not absolute (//)", IN(OLT "//a"), 0, 0 },
};

START_TEST(test_locktoken_uri_ok)
{
    const uo_row *r = &uo_rows[_i];
    apr_pool_t *p = unit_pool();
    int has_path = -5;
    int ok = rwdav_locktoken_uri_ok(r->in, r->len, &has_path);

    ck_assert_msg(ok == r->ok, "[%s] \"%s\": %d, expected %d", r->name,
                  unit_repr(p, r->in, r->len), ok, r->ok);
    if (r->ok && r->has_path >= 0)
        ck_assert_msg(has_path == r->has_path, "[%s] has_path %d, "
                      "expected %d", r->name, has_path, r->has_path);
    apr_pool_destroy(p);
}
END_TEST

/* rwdav_locktoken_is_fs: tokens mod_dav_fs can parse (the others get a
 * bare 400 from it on UNLOCK) */
static const struct { const char *in; int fs; } fs_rows[] = {
    { "opaquelocktoken:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", 1 },
    { "opaquelocktoken:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6", 1 },
    { "opaquelocktoken:f81d4fae-7dec-11d0-a765-00a0c91e6bf6/x", 0 },
    { "OpaqueLockToken:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", 0 },
    { "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", 0 },
    { "opaquelocktoken:", 0 },
    { "opaquelocktoken:f81d4fae-7dec-11d0-a765-00a0c91e6bf", 0 },
};

START_TEST(test_locktoken_is_fs)
{
    ck_assert_msg(rwdav_locktoken_is_fs(fs_rows[_i].in) == fs_rows[_i].fs,
                  "\"%s\": expected %d", fs_rows[_i].in, fs_rows[_i].fs);
}
END_TEST

Suite *suite_locktoken(void)
{
    Suite *s = suite_create("locktoken");
    TCase *tc = tcase_create("locktoken_parse");

    tcase_add_loop_test(tc, test_locktoken, 0, NROWS(lt_rows));
    tcase_add_test(tc, test_locktoken_header_len);
    suite_add_tcase(s, tc);
    tc = tcase_create("locktoken_uri_ok");
    tcase_add_loop_test(tc, test_locktoken_uri_ok, 0, NROWS(uo_rows));
    suite_add_tcase(s, tc);
    tc = tcase_create("locktoken_is_fs");
    tcase_add_loop_test(tc, test_locktoken_is_fs, 0, NROWS(fs_rows));
    suite_add_tcase(s, tc);
    return s;
}
