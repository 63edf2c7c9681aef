/*
 * If (RFC 4918 §10.4, §10.1, Appendix C; RFC 9110 §8.8.3).
 *   If = 1*No-tag-list / 1*Tagged-list
 *   No-tag-list = List ; Tagged-list = Resource-Tag 1*List
 *   List = "(" 1*Condition ")"
 *   Condition = ["Not"] (State-token / "[" entity-tag "]")
 *   State-token = Coded-URL = "<" absolute-URI ">"
 *   Resource-Tag = "<" Simple-ref ">"
 * Examples from RFC 4918 §10.4.6 - §10.4.11, §7.5.1, §9.9.6 and §9.10.8.
 */
#include "unit.h"

#define U1 "urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2"
#define U2 "urn:uuid:58f202ac-22cf-11d1-b12d-002035b29092"
#define OLT "opaquelocktoken:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"

typedef struct {
    const char *name;
    const char *in;
    apr_size_t len;
    unit_gen_fn gen;
    const rwdav_limits *lim;    /* NULL: the defaults (unit_limits) */
    unit_verdict want;
    /* when want is OK: */
    const char *normalized;     /* NULL: the input itself, rewritten 0 */
    int tagged;
    int nlists;
    int nconds;                 /* over all lists */
    /* first condition of the first list, when v0 is not NULL */
    const char *v0;
    int neg0;
    int etag0;
    const char *res0;           /* resource of list 0 (tagged rows) */
} if_row;

/* one cap set, the others zero (so the defaults) */
static const rwdav_limits lim_lists2 = { .if_lists = 2 };
static const rwdav_limits lim_conds3 = { .if_conditions = 3 };
static const rwdav_limits lim_len20 = { .header_len = 20 };
/* caps an admin may set with RetryWithLimit (none by default) */
static const rwdav_limits lim_caps = { .header_len = 8192, .if_lists = 64,
                                       .if_conditions = 256 };

static const char *gen_lists(apr_pool_t *p, apr_size_t n, apr_size_t *len)
{
    return unit_repeat(p, "", "(<DAV:no-lock>)", n, " ", "", len);
}

static const char *gen_64_lists(apr_pool_t *p, apr_size_t *len)
{
    return gen_lists(p, 64, len);
}

static const char *gen_65_lists(apr_pool_t *p, apr_size_t *len)
{
    return gen_lists(p, 65, len);
}

static const char *gen_64_tagged(apr_pool_t *p, apr_size_t *len)
{
    return unit_repeat(p, "</a> ", "([\"e\"])", 64, " ", "", len);
}

static const char *gen_65_tagged(apr_pool_t *p, apr_size_t *len)
{
    return unit_repeat(p, "</a> ", "([\"e\"])", 65, " ", "", len);
}

/* 65 lists spread over tags: </r> (..) </r> (..) ... */
static const char *gen_65_tags(apr_pool_t *p, apr_size_t *len)
{
    return unit_repeat(p, "", "</r> (<DAV:no-lock>)", 65, " ", "", len);
}

static const char *gen_256_conds(apr_pool_t *p, apr_size_t *len)
{
    return unit_repeat(p, "(", "<DAV:no-lock>", 256, " ", ")", len);
}

static const char *gen_257_conds(apr_pool_t *p, apr_size_t *len)
{
    return unit_repeat(p, "(", "<DAV:no-lock>", 257, " ", ")", len);
}

/* 4 lists of 64 conditions, then the same with one more list */
static const char *gen_conds_lists(apr_pool_t *p, apr_size_t lists,
                                   apr_size_t *len)
{
    apr_size_t l1;
    const char *one = unit_repeat(p, "(", "[\"x\"]", 64, " ", ")", &l1);
    return unit_repeat(p, "", one, lists, " ", "", len);
}

static const char *gen_4x64_conds(apr_pool_t *p, apr_size_t *len)
{
    return gen_conds_lists(p, 4, len);
}

static const char *gen_5x64_conds(apr_pool_t *p, apr_size_t *len)
{
    return gen_conds_lists(p, 5, len);
}

static const char *gen_big_etag(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "([\"", 'a', "\"])", UNIT_BIG, len);
}

static const char *gen_big_ws(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "(<DAV:no-lock>", ' ', ")", UNIT_BIG, len);
}

/* valid, normalized == input */
#define OK_(nm, v, tg, nl, nc) \
    { nm, IN(v), NULL, NULL, V_OK, NULL, tg, nl, nc, NULL, 0, 0, NULL }
/* valid, with the first condition checked */
#define OKV(nm, v, tg, nl, nc, v0, neg, etag, res) \
    { nm, IN(v), NULL, NULL, V_OK, NULL, tg, nl, nc, v0, neg, etag, res }
/* valid, rewritten to norm */
#define NORM(nm, v, norm, tg, nl, nc) \
    { nm, IN(v), NULL, NULL, V_OK, norm, tg, nl, nc, NULL, 0, 0, NULL }
/* refused 400.3 */
#define BAD(nm, v) \
    { nm, IN(v), NULL, NULL, V400(3), NULL, 0, 0, 0, NULL, 0, 0, NULL }
#define GEN(nm, g, want, tg, nl, nc) \
    { nm, NULL, 0, g, NULL, want, NULL, tg, nl, nc, NULL, 0, 0, NULL }
#define GENCAP(nm, g, want, tg, nl, nc) \
    { nm, NULL, 0, g, &lim_caps, want, NULL, tg, nl, nc, NULL, 0, 0, NULL }

static const if_row if_rows[] = {
    /* RFC 4918 examples. Those of §10.4.6 and §10.4.9 quote entity-tags
     * with spaces: valid under RFC 2616's quoted-string, which RFC 4918
     * refers to, so RULES.md accepts SP/HT inside the quotes. */
    OK_("10.4.6 as printed (SP in etag)",
        "(<" U1 "> [\"I am an ETag\"]) ([\"I am another ETag\"])", 0, 2, 3),
    OK_("10.4.9 as printed (SP in etag)",
        "</resource1> (<" U1 "> [W/\"A weak ETag\"]) ([\"strong ETag\"])",
        1, 2, 3),
    OKV("10.4.6 state token and etags",
        "(<" U1 "> [\"I-am-an-ETag\"]) ([\"I-am-another-ETag\"])",
        0, 2, 3, U1, 0, 0, NULL),
    OKV("token and etag", "(<" U1 "> [\"I-am-an-ETag\"])",
        0, 1, 2, U1, 0, 0, NULL),
    OKV("two etag lists", "([\"I-am-an-ETag\"]) ([\"I-am-another-ETag\"])",
        0, 2, 2, "\"I-am-an-ETag\"", 0, 1, NULL),
    OKV("10.4.7 Not", "(Not <" U1 "> <" U2 ">)",
        0, 1, 2, U1, 1, 0, NULL),
    OKV("10.4.8 Not DAV:no-lock", "(<" U1 ">) (Not <DAV:no-lock>)",
        0, 2, 2, U1, 0, 0, NULL),
    OKV("10.4.9 tagged weak etag",
        "</resource1> (<" U1 "> [W/\"A-weak-ETag\"]) ([\"strong-ETag\"])",
        1, 2, 3, U1, 0, 0, "/resource1"),
    OKV("10.4.10 collection tag",
        "<http://www.example.com/specs/> (<" U1 ">)",
        1, 1, 1, U1, 0, 0, "http://www.example.com/specs/"),
    OKV("DAV:no-lock", "(<DAV:no-lock>)", 0, 1, 1, "DAV:no-lock", 0, 0, NULL),
    OKV("opaquelocktoken", "(<" OLT ">)", 0, 1, 1, OLT, 0, 0, NULL),
    OKV("7.5.1 tagged lock token",
        "<http://www.example.com/users/f/fielding/index.html> "
        "(<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>)",
        1, 1, 1, "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", 0, 0,
        "http://www.example.com/users/f/fielding/index.html"),
    OK_("9.10.8 refresh", "(<urn:uuid:e71d4fae-5dec-22d6-fea5-00a0c91e6be4>)",
        0, 1, 1),
    /* more valid forms */
    OK_("two tags",
        "<http://a.example/x> (<DAV:no-lock>) <http://a.example/y> ([\"e\"])",
        1, 2, 2),
    OK_("tag with two lists", "</a> (<DAV:no-lock>) ([\"x\"])", 1, 2, 2),
    OK_("spaces inside parens", "( <DAV:no-lock> )", 0, 1, 1),
    OK_("tabs inside parens", "(\t<DAV:no-lock>\t)", 0, 1, 1),
    OK_("spaces between lists", "(<DAV:no-lock>)  \t (<DAV:no-lock>)",
        0, 2, 2),
    OK_("lists without space", "(<DAV:no-lock>)([\"x\"])", 0, 2, 2),
    OK_("tag without space", "</a>(<DAV:no-lock>)", 1, 1, 1),
    OK_("conditions without space", "(<DAV:no-lock>[\"x\"])", 0, 1, 2),
    OK_("Not without space", "(Not<DAV:no-lock>)", 0, 1, 1),
    OK_("Not then tab", "(Not\t<DAV:no-lock>)", 0, 1, 1),
    OK_("Not etag", "(Not [\"x\"])", 0, 1, 1),
    OKV("weak etag", "([W/\"x\"])", 0, 1, 1, "W/\"x\"", 0, 1, NULL),
    OKV("empty etag", "([\"\"])", 0, 1, 1, "\"\"", 0, 1, NULL),
    OK_("obs-text etag", "([\"a\x80\xff\"])", 0, 1, 1),
    OK_("comma inside etag", "([\"a,b\"])", 0, 1, 1),
    OK_("comma inside URI", "(<http://a.example/b,c>)", 0, 1, 1),
    OK_("http state token", "(<http://example.com/lock/1>)", 0, 1, 1),
    OK_("urn not a uuid", "(<urn:uuid:not-a-uuid>)", 0, 1, 1),
    OK_("opaquelocktoken upper hex",
        "(<opaquelocktoken:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6>)", 0, 1, 1),
    OK_("tag with query", "</a/b?x=1> (<DAV:no-lock>)", 1, 1, 1),
    OK_("tag other host", "<http://other.example:9/x> ([\"e\"])", 1, 1, 1),
    OK_("tag without path", "<http://example.com> (<DAV:no-lock>)", 1, 1, 1),
    /* mod_dav keeps only the path of a tag: one without an http(s) path
     * cannot name a resource here (RULES.md) */
    BAD("tag urn (absolute-URI)", "<urn:x:y> (<DAV:no-lock>)"),
    OK_("tag dots inside", "</a/../b> (<DAV:no-lock>)", 1, 1, 1),
    OK_("two same lists", "(<DAV:no-lock>) (<DAV:no-lock>)", 0, 2, 2),
    OK_("two same conditions", "(<DAV:no-lock> <DAV:no-lock>)", 0, 1, 2),
    /* normalization for mod_dav */
    NORM("not lower", "(not <DAV:no-lock>)", "(Not <DAV:no-lock>)", 0, 1, 1),
    NORM("NOT upper", "(NOT <DAV:no-lock>)", "(Not <DAV:no-lock>)", 0, 1, 1),
    NORM("nOt etag", "(nOt [\"x\"])", "(Not [\"x\"])", 0, 1, 1),
    NORM("not twice", "(not <DAV:no-lock>) (not [\"x\"])",
         "(Not <DAV:no-lock>) (Not [\"x\"])", 0, 2, 2),
    NORM("not tagged", "</a> (not <DAV:no-lock>)", "</a> (Not <DAV:no-lock>)",
         1, 1, 1),
    NORM("opaquelocktoken path", "(<" OLT "/x/y>)", "(<DAV:no-lock>)",
         0, 1, 1),
    NORM("opaquelocktoken root path", "(<" OLT "/>)", "(<DAV:no-lock>)",
         0, 1, 1),
    NORM("Not opaquelocktoken path", "(Not <" OLT "/x>)",
         "(Not <DAV:no-lock>)", 0, 1, 1),
    NORM("etag with )", "([\"a)b\"])", "([\"rw-no-match\"])", 0, 1, 1),
    NORM("etag with ]", "([\"a]b\"])", "([\"rw-no-match\"])", 0, 1, 1),
    NORM("second condition etag with )", "(<DAV:no-lock> [\"x)\"])",
         "(<DAV:no-lock> [\"rw-no-match\"])", 0, 1, 2),
    NORM("not and etag with )", "(not [\"a)\"])", "(Not [\"rw-no-match\"])",
         0, 1, 1),
    /* refused */
    BAD("empty", ""),
    BAD("space", " "),
    BAD("tab", "\t"),
    BAD("empty list", "()"),
    BAD("blank list", "( )"),
    BAD("empty list after list", "(<DAV:no-lock>) ()"),
    BAD("mixed untagged then tagged", "(<DAV:no-lock>) </a> (<DAV:no-lock>)"),
    BAD("tag alone", "</a>"),
    BAD("tag without list at end", "</a> (<DAV:no-lock>) </b>"),
    BAD("two tags in a row", "</a> </b> (<DAV:no-lock>)"),
    BAD("unclosed (", "(<DAV:no-lock>"),
    BAD("no (", "<DAV:no-lock>)"),
    BAD("nested ((", "((<DAV:no-lock>))"),
    BAD("extra )", "(<DAV:no-lock>))"),
    BAD("unclosed <", "(<DAV:no-lock)"),
    BAD("unclosed [", "([\"x\")"),
    BAD("unclosed [ at end", "([\"x\"]"),
    BAD("unclosed quote", "([\"x)"),
    BAD("unopened quote", "([x\"])"),
    BAD("lone <", "(<)"),
    BAD("lone [", "([)"),
    BAD("merged lists", "(<DAV:no-lock>), (<DAV:no-lock>)"),
    BAD("merged lists no space", "(<DAV:no-lock>),(<DAV:no-lock>)"),
    BAD("merged tagged", "</a> (<DAV:no-lock>), </b> (<DAV:no-lock>)"),
    BAD("comma between conditions", "(<DAV:no-lock>, <DAV:no-lock>)"),
    BAD("leading comma", ", (<DAV:no-lock>)"),
    BAD("not absolute no-lock", "(<no-lock>)"),
    BAD("relative token", "(</relative>)"),
    BAD("empty token", "(<>)"),
    BAD("token without scheme", "(<abc>)"),
    BAD("token unclosed IPv6", "(<http://[::1>)"),
    BAD("space in token", "(<a b>)"),
    BAD("fragment in token", "(<DAV:no-lock#f>)"),
    BAD("opaquelocktoken junk", "(<opaquelocktoken:xyz>)"),
    BAD("opaquelocktoken empty", "(<opaquelocktoken:>)"),
    BAD("opaquelocktoken short",
        "(<opaquelocktoken:f81d4fae-7dec-11d0-a765-00a0c91e6bf>)"),
    BAD("opaquelocktoken trailing char", "(<" OLT "x>)"),
    BAD("opaquelocktoken no hyphens",
        "(<opaquelocktoken:f81d4fae7dec11d0a76500a0c91e6bf6>)"),
    BAD("opaquelocktoken non-hex",
        "(<opaquelocktoken:g81d4fae-7dec-11d0-a765-00a0c91e6bf6>)"),
    BAD("opaquelocktoken moved hyphen",
        "(<opaquelocktoken:f81d4fae7-dec-11d0-a765-00a0c91e6bf6>)"),
    BAD("unquoted etag", "([abc])"),
    BAD("lower-case w/", "([w/\"abc\"])"),
    BAD("weak unquoted", "([W/abc])"),
    BAD("quote inside etag", "([\"a\"b\"])"),
    OK_("space inside etag (RFC 2616 quoted-string)", "([\"a b\"])", 0, 1, 1),
    BAD("control in etag", "([\"a\x01\"])"),
    BAD("DEL in etag", "([\"a\x7f\"])"),
    BAD("two etags in one bracket", "([\"a\" \"b\"])"),
    BAD("space after [", "([ \"x\"])"),
    BAD("space before ]", "([\"x\" ])"),
    BAD("space after <", "(< DAV:no-lock>)"),
    BAD("space before >", "(<DAV:no-lock >)"),
    BAD("spaces in <>", "(< DAV:no-lock >)"),
    BAD("Not Not", "(Not Not <DAV:no-lock>)"),
    BAD("not Not", "(not Not <DAV:no-lock>)"),
    BAD("Not alone", "(Not)"),
    BAD("Nott", "(Nott <DAV:no-lock>)"),
    BAD("No", "(No <DAV:no-lock>)"),
    BAD("Not after condition", "(<DAV:no-lock> Not)"),
    BAD("Not outside list", "Not (<DAV:no-lock>)"),
    BAD("etag outside list", "(<DAV:no-lock>) [\"x\"]"),
    BAD("token outside list", "(<DAV:no-lock>) <DAV:no-lock>"),
    BAD("junk after", "(<DAV:no-lock>) x"),
    BAD("junk before", "x (<DAV:no-lock>)"),
    BAD("tag above root", "</../x> (<DAV:no-lock>)"),
    BAD("tag encoded above root", "</%2e%2e/x> (<DAV:no-lock>)"),
    BAD("tag bad escape", "</a%zz> (<DAV:no-lock>)"),
    BAD("tag %00", "</a%00> (<DAV:no-lock>)"),
    BAD("tag %00 in query", "</a?%00> (<DAV:no-lock>)"),
    BAD("tag fragment", "</a#f> (<DAV:no-lock>)"),
    BAD("tag relative", "<a/b> (<DAV:no-lock>)"),
    BAD("tag space", "< /a> (<DAV:no-lock>)"),
    BAD("tag empty", "<> (<DAV:no-lock>)"),
    BAD("NUL alone", "\0"),
    BAD("NUL after", "(<DAV:no-lock>)\0"),
    BAD("NUL in etag", "([\"a\0b\"])"),
    BAD("NUL in token", "(<DAV:no\0-lock>)"),
    BAD("NUL between lists", "(<DAV:no-lock>)\0(<DAV:no-lock>)"),
    /* limits */
    GENCAP("64 lists", gen_64_lists, V_OK, 0, 64, 64),
    GENCAP("65 lists", gen_65_lists, V400(3), 0, 0, 0),
    GENCAP("64 lists on one tag", gen_64_tagged, V_OK, 1, 64, 64),
    GENCAP("65 lists on one tag", gen_65_tagged, V400(3), 0, 0, 0),
    GENCAP("65 tagged lists", gen_65_tags, V400(3), 0, 0, 0),
    GENCAP("256 conditions", gen_256_conds, V_OK, 0, 1, 256),
    GENCAP("257 conditions", gen_257_conds, V400(3), 0, 0, 0),
    GENCAP("4 lists x 64 conditions", gen_4x64_conds, V_OK, 0, 4, 256),
    GENCAP("5 lists x 64 conditions", gen_5x64_conds, V400(3), 0, 0, 0),
    GENCAP("64 KiB etag", gen_big_etag, V400(3), 0, 0, 0),
    GENCAP("64 KiB whitespace", gen_big_ws, V400(3), 0, 0, 0),
    /* no caps by default: svn deletes a directory of locked files with a
     * list per file, as long as LimitRequestFieldSize lets it */
    GEN("65 lists, no cap by default", gen_65_lists, V_OK, 0, 65, 65),
    GEN("65 tagged lists, no cap by default", gen_65_tags, V_OK, 1, 65, 65),
    GEN("257 conditions, no cap by default", gen_257_conds, V_OK, 0, 1, 257),
    GEN("64 KiB etag, no cap by default", gen_big_etag, V_OK, 0, 1, 1),
    { "if_lists 2: 2 lists", IN("(<DAV:no-lock>) ([\"x\"])"), NULL,
      &lim_lists2, V_OK, NULL, 0, 2, 2, NULL, 0, 0, NULL },
    { "if_lists 2: 3 lists", IN("(<DAV:no-lock>) ([\"x\"]) ([\"y\"])"), NULL,
      &lim_lists2, V400(3), NULL, 0, 0, 0, NULL, 0, 0, NULL },
    { "if_conditions 3: 3", IN("(<DAV:no-lock> [\"x\"]) ([\"y\"])"), NULL,
      &lim_conds3, V_OK, NULL, 0, 2, 3, NULL, 0, 0, NULL },
    { "if_conditions 3: 4", IN("(<DAV:no-lock> [\"x\"]) ([\"y\"] [\"z\"])"),
      NULL, &lim_conds3, V400(3), NULL, 0, 0, 0, NULL, 0, 0, NULL },
    { "header_len 20: 20 bytes", IN("([\"aaaaaaaaaaaaaa\"])"), NULL,
      &lim_len20, V_OK, NULL, 0, 1, 1, NULL, 0, 0, NULL },
    { "header_len 20: 21 bytes", IN("([\"aaaaaaaaaaaaaaa\"])"), NULL,
      &lim_len20, V400(3), NULL, 0, 0, 0, NULL, 0, 0, NULL },
};

/* rwdav_if_refresh_check: a bodiless LOCK must name the lock it refreshes */
static const struct {
    const char *name;
    const char *in;         /* If header, or NULL for none */
    int ok;
} refresh_rows[] = {
    { "no If", NULL, 0 },
    { "token", "(<opaquelocktoken:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>)", 1 },
    { "tagged token", "</a> (<urn:x:y>)", 1 },
    { "negated only", "(Not <DAV:no-lock>)", 0 },
    { "etag only", "([\"x\"])", 0 },
    { "token in second list", "([\"x\"]) (<urn:x:y>)", 1 },
    { "negated and etag", "(Not <urn:x:y> [\"x\"])", 0 },
};

START_TEST(test_if_refresh)
{
    apr_pool_t *p = unit_pool();
    rwdav_limits lim;
    rwdav_if ifh;
    rwdav_error *e;

    unit_limits(&lim, NULL);
    if (refresh_rows[_i].in) {
        e = rwdav_if_parse(p, refresh_rows[_i].in, strlen(refresh_rows[_i].in),
                           &lim, &ifh);
        ck_assert_msg(e == NULL, "[%s] does not parse", refresh_rows[_i].name);
    }
    e = rwdav_if_refresh_check(p, refresh_rows[_i].in ? &ifh : NULL);
    if (refresh_rows[_i].ok)
        ck_assert_msg(e == NULL, "[%s] refused", refresh_rows[_i].name);
    else
        ck_assert_msg(e && e->status == 400 && e->sub == RWDAV_SUB_IF,
                      "[%s] not refused with 400.3", refresh_rows[_i].name);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(test_if)
{
    const if_row *r = &if_rows[_i];
    apr_pool_t *p = unit_pool();
    const char *in = r->in;
    apr_size_t len = r->len;
    rwdav_limits lim;
    rwdav_if out;
    rwdav_error *err;

    if (r->gen)
        in = r->gen(p, &len);
    unit_limits(&lim, r->lim);
    memset(&out, 0, sizeof(out));
    err = rwdav_if_parse(p, in, len, &lim, &out);
    CK_VERDICT(p, err, r->want, len, r->name, in, len);
    if (r->want.status == 0) {
        int i, nconds = 0;
        /* NULL: the input is already what mod_dav reads */
        CK_STREQ(p, out.normalized, r->normalized, "normalized", r->name);
        ck_assert_msg(out.rewritten == (r->normalized != NULL),
                      "[%s] rewritten %d, expected %d", r->name,
                      out.rewritten, r->normalized != NULL);
        ck_assert_msg(out.tagged == r->tagged, "[%s] tagged %d, expected %d",
                      r->name, out.tagged, r->tagged);
        ck_assert_msg(out.lists != NULL && out.lists->nelts == r->nlists,
                      "[%s] %d lists, expected %d", r->name,
                      out.lists ? out.lists->nelts : -1, r->nlists);
        for (i = 0; i < out.lists->nelts; i++) {
            const rwdav_if_list *l = &APR_ARRAY_IDX(out.lists, i,
                                                    rwdav_if_list);
            ck_assert_msg(l->conditions != NULL && l->conditions->nelts > 0,
                          "[%s] list %d has no condition", r->name, i);
            ck_assert_msg((l->resource.p != NULL) == (r->tagged != 0),
                          "[%s] list %d: resource %s", r->name, i,
                          l->resource.p ? "set" : "(null)");
            nconds += l->conditions->nelts;
        }
        ck_assert_msg(nconds == r->nconds, "[%s] %d conditions, expected %d",
                      r->name, nconds, r->nconds);
        if (r->v0) {
            const rwdav_if_list *l = &APR_ARRAY_IDX(out.lists, 0,
                                                    rwdav_if_list);
            const rwdav_if_condition *c =
                &APR_ARRAY_IDX(l->conditions, 0, rwdav_if_condition);
            CK_SPANEQ(p, c->value, r->v0, "first condition", r->name);
            ck_assert_msg(c->negated == r->neg0, "[%s] negated %d, "
                          "expected %d", r->name, c->negated, r->neg0);
            ck_assert_msg(c->is_etag == r->etag0, "[%s] is_etag %d, "
                          "expected %d", r->name, c->is_etag, r->etag0);
            CK_SPANEQ(p, l->resource, r->res0, "resource", r->name);
        }
    }
    apr_pool_destroy(p);
}
END_TEST

Suite *suite_if(void)
{
    Suite *s = suite_create("if");
    TCase *tc = tcase_create("if_parse");

    tcase_add_loop_test(tc, test_if, 0, NROWS(if_rows));
    tcase_add_loop_test(tc, test_if_refresh, 0, NROWS(refresh_rows));
    suite_add_tcase(s, tc);
    return s;
}
