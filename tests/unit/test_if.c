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
/* refused: the fault's id (RWDAV_E_IF_ id) and offset */
#define IE(id, off) VE(RWDAV_E_IF_##id, off)
#define BAD(nm, v, id, off) \
    { nm, IN(v), NULL, NULL, IE(id, off), NULL, 0, 0, 0, NULL, 0, 0, NULL }
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
    BAD("tag urn (absolute-URI)", "<urn:x:y> (<DAV:no-lock>)", TAG_SCHEME, 1),
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
    BAD("empty", "", EMPTY, 0),
    BAD("space", " ", EMPTY, 0),
    BAD("tab", "\t", EMPTY, 0),
    BAD("empty list", "()", LIST_EMPTY, 0),
    BAD("blank list", "( )", LIST_EMPTY, 0),
    BAD("empty list after list", "(<DAV:no-lock>) ()", LIST_EMPTY, 16),
    BAD("mixed untagged then tagged", "(<DAV:no-lock>) </a> (<DAV:no-lock>)",
        MIXED_TAGGING, 16),
    BAD("tag alone", "</a>", TAG_WITHOUT_LIST, 4),
    BAD("tag without list at end", "</a> (<DAV:no-lock>) </b>",
        TAG_WITHOUT_LIST, 25),
    BAD("two tags in a row", "</a> </b> (<DAV:no-lock>)", TAG_WITHOUT_LIST, 5),
    BAD("unclosed (", "(<DAV:no-lock>", LIST_UNCLOSED, 0),
    BAD("no (", "<DAV:no-lock>)", TAG_SCHEME, 1),
    BAD("nested ((", "((<DAV:no-lock>))", LIST_SYNTAX, 1),
    BAD("extra )", "(<DAV:no-lock>))", SYNTAX, 15),
    BAD("unclosed <", "(<DAV:no-lock)", TOKEN_UNCLOSED, 1),
    BAD("unclosed [", "([\"x\")", ETAG_BRACKET, 5),
    BAD("unclosed [ at end", "([\"x\"]", LIST_UNCLOSED, 0),
    BAD("unclosed quote", "([\"x)", ETAG_UNCLOSED, 2),
    BAD("unopened quote", "([x\"])", ETAG_UNQUOTED, 2),
    BAD("lone <", "(<)", TOKEN_UNCLOSED, 1),
    BAD("lone [", "([)", ETAG_UNQUOTED, 2),
    BAD("merged lists", "(<DAV:no-lock>), (<DAV:no-lock>)", COMMA, 15),
    BAD("merged lists no space", "(<DAV:no-lock>),(<DAV:no-lock>)", COMMA, 15),
    BAD("merged tagged", "</a> (<DAV:no-lock>), </b> (<DAV:no-lock>)",
        COMMA, 20),
    BAD("comma between conditions", "(<DAV:no-lock>, <DAV:no-lock>)",
        LIST_SYNTAX, 14),
    BAD("leading comma", ", (<DAV:no-lock>)", COMMA, 0),
    BAD("not absolute no-lock", "(<no-lock>)", TOKEN_NOT_URI, 9),
    BAD("relative token", "(</relative>)", TOKEN_NOT_URI, 2),
    BAD("empty token", "(<>)", TOKEN_EMPTY, 2),
    BAD("token without scheme", "(<abc>)", TOKEN_NOT_URI, 5),
    BAD("token unclosed IPv6", "(<http://[::1>)", TOKEN_NOT_URI, 13),
    BAD("space in token", "(<a b>)", TOKEN_NOT_URI, 3),
    BAD("fragment in token", "(<DAV:no-lock#f>)", TOKEN_NOT_URI, 13),
    BAD("opaquelocktoken junk", "(<opaquelocktoken:xyz>)", TOKEN_OPAQUE, 2),
    BAD("opaquelocktoken empty", "(<opaquelocktoken:>)", TOKEN_OPAQUE, 2),
    BAD("opaquelocktoken short",
        "(<opaquelocktoken:f81d4fae-7dec-11d0-a765-00a0c91e6bf>)",
        TOKEN_OPAQUE, 2),
    BAD("opaquelocktoken trailing char", "(<" OLT "x>)", TOKEN_OPAQUE, 2),
    BAD("opaquelocktoken no hyphens",
        "(<opaquelocktoken:f81d4fae7dec11d0a76500a0c91e6bf6>)",
        TOKEN_OPAQUE, 2),
    BAD("opaquelocktoken non-hex",
        "(<opaquelocktoken:g81d4fae-7dec-11d0-a765-00a0c91e6bf6>)",
        TOKEN_OPAQUE, 2),
    BAD("opaquelocktoken moved hyphen",
        "(<opaquelocktoken:f81d4fae7-dec-11d0-a765-00a0c91e6bf6>)",
        TOKEN_OPAQUE, 2),
    BAD("unquoted etag", "([abc])", ETAG_UNQUOTED, 2),
    BAD("lower-case w/", "([w/\"abc\"])", ETAG_UNQUOTED, 2),
    BAD("weak unquoted", "([W/abc])", ETAG_UNQUOTED, 4),
    BAD("quote inside etag", "([\"a\"b\"])", ETAG_BRACKET, 5),
    OK_("space inside etag (RFC 2616 quoted-string)", "([\"a b\"])", 0, 1, 1),
    BAD("control in etag", "([\"a\x01\"])", ETAG_CHAR, 4),
    BAD("DEL in etag", "([\"a\x7f\"])", ETAG_CHAR, 4),
    BAD("two etags in one bracket", "([\"a\" \"b\"])", ETAG_BRACKET, 5),
    BAD("space after [", "([ \"x\"])", ETAG_UNQUOTED, 2),
    BAD("space before ]", "([\"x\" ])", ETAG_BRACKET, 5),
    BAD("space after <", "(< DAV:no-lock>)", TOKEN_NOT_URI, 2),
    BAD("space before >", "(<DAV:no-lock >)", TOKEN_NOT_URI, 13),
    BAD("spaces in <>", "(< DAV:no-lock >)", TOKEN_NOT_URI, 2),
    BAD("Not Not", "(Not Not <DAV:no-lock>)", NOT_TWICE, 5),
    BAD("not Not", "(not Not <DAV:no-lock>)", NOT_TWICE, 5),
    BAD("Not alone", "(Not)", LIST_SYNTAX, 4),
    BAD("Not at the end", "(Not ", LIST_UNCLOSED, 0),
    BAD("Nott", "(Nott <DAV:no-lock>)", LIST_SYNTAX, 4),
    BAD("No", "(No <DAV:no-lock>)", LIST_SYNTAX, 1),
    BAD("Not after condition", "(<DAV:no-lock> Not)", LIST_SYNTAX, 18),
    BAD("Not outside list", "Not (<DAV:no-lock>)", SYNTAX, 0),
    BAD("etag outside list", "(<DAV:no-lock>) [\"x\"]", SYNTAX, 16),
    BAD("token outside list", "(<DAV:no-lock>) <DAV:no-lock>",
        MIXED_TAGGING, 16),
    BAD("junk after", "(<DAV:no-lock>) x", SYNTAX, 16),
    BAD("junk before", "x (<DAV:no-lock>)", SYNTAX, 0),
    BAD("tag above root", "</../x> (<DAV:no-lock>)", TAG_DOT_SEGMENT, 2),
    BAD("tag encoded above root", "</%2e%2e/x> (<DAV:no-lock>)",
        TAG_DOT_SEGMENT, 2),
    BAD("tag bad escape", "</a%zz> (<DAV:no-lock>)", TAG_BAD_ESCAPE, 3),
    BAD("tag %00", "</a%00> (<DAV:no-lock>)", TAG_ENCODED_NUL, 3),
    BAD("tag %00 in query", "</a?%00> (<DAV:no-lock>)", TAG_ENCODED_NUL, 4),
    BAD("tag fragment", "</a#f> (<DAV:no-lock>)", TAG_FRAGMENT, 3),
    BAD("tag relative", "<a/b> (<DAV:no-lock>)", TAG_NOT_REFERENCE, 2),
    BAD("tag space", "< /a> (<DAV:no-lock>)", TAG_NOT_REFERENCE, 1),
    BAD("tag empty", "<> (<DAV:no-lock>)", TAG_EMPTY, 1),
    /* a tag's faults are Destination's, told as If's at their place */
    BAD("tag network-path", "<//h/a> (<DAV:no-lock>)", TAG_NETWORK_PATH, 2),
    BAD("tag without host", "<http:///a> (<DAV:no-lock>)", TAG_NO_HOST, 8),
    BAD("tag without authority", "<http:x> (<DAV:no-lock>)", TAG_NO_HOST, 6),
    BAD("tag userinfo", "<http://u@h/a> (<DAV:no-lock>)", TAG_USERINFO, 8),
    BAD("tag port range", "<http://h:99999/a> (<DAV:no-lock>)",
        TAG_PORT_RANGE, 10),
    BAD("tag unclosed IPv6", "<http://[::1/a> (<DAV:no-lock>)",
        TAG_IP_LITERAL_UNCLOSED, 12),
    BAD("tag host byte", "<http://h^/a> (<DAV:no-lock>)", TAG_HOST_CHAR, 9),
    BAD("NUL alone", "\0", SYNTAX, 0),
    BAD("NUL after", "(<DAV:no-lock>)\0", SYNTAX, 15),
    BAD("NUL in etag", "([\"a\0b\"])", ETAG_CHAR, 4),
    BAD("NUL in token", "(<DAV:no\0-lock>)", TOKEN_NOT_URI, 8),
    BAD("NUL between lists", "(<DAV:no-lock>)\0(<DAV:no-lock>)", SYNTAX, 15),
    /* limits */
    GENCAP("64 lists", gen_64_lists, V_OK, 0, 64, 64),
    GENCAP("65 lists", gen_65_lists, IE(TOO_MANY_LISTS, 1024), 0, 0, 0),
    GENCAP("64 lists on one tag", gen_64_tagged, V_OK, 1, 64, 64),
    /* the list or condition past the cap: where it starts */
    GENCAP("65 lists on one tag", gen_65_tagged, IE(TOO_MANY_LISTS, 517),
           0, 0, 0),
    GENCAP("65 tagged lists", gen_65_tags, IE(TOO_MANY_LISTS, 1349), 0, 0,
           0),
    GENCAP("256 conditions", gen_256_conds, V_OK, 0, 1, 256),
    GENCAP("257 conditions", gen_257_conds, IE(TOO_MANY_CONDITIONS, 3585),
           0, 0, 0),
    GENCAP("4 lists x 64 conditions", gen_4x64_conds, V_OK, 0, 4, 256),
    GENCAP("5 lists x 64 conditions", gen_5x64_conds,
           IE(TOO_MANY_CONDITIONS, 1545), 0, 0, 0),
    /* too long: at the cap */
    GENCAP("64 KiB etag", gen_big_etag, IE(TOO_LONG, 8192), 0, 0, 0),
    GENCAP("64 KiB whitespace", gen_big_ws, IE(TOO_LONG, 8192), 0, 0, 0),
    /* no caps by default: svn deletes a directory of locked files with a
     * list per file, as long as LimitRequestFieldSize lets it */
    GEN("65 lists, no cap by default", gen_65_lists, V_OK, 0, 65, 65),
    GEN("65 tagged lists, no cap by default", gen_65_tags, V_OK, 1, 65, 65),
    GEN("257 conditions, no cap by default", gen_257_conds, V_OK, 0, 1, 257),
    GEN("64 KiB etag, no cap by default", gen_big_etag, V_OK, 0, 1, 1),
    { "if_lists 2: 2 lists", IN("(<DAV:no-lock>) ([\"x\"])"), NULL,
      &lim_lists2, V_OK, NULL, 0, 2, 2, NULL, 0, 0, NULL },
    { "if_lists 2: 3 lists", IN("(<DAV:no-lock>) ([\"x\"]) ([\"y\"])"), NULL,
      &lim_lists2, IE(TOO_MANY_LISTS, 24), NULL, 0, 0, 0, NULL, 0, 0, NULL },
    { "if_conditions 3: 3", IN("(<DAV:no-lock> [\"x\"]) ([\"y\"])"), NULL,
      &lim_conds3, V_OK, NULL, 0, 2, 3, NULL, 0, 0, NULL },
    { "if_conditions 3: 4", IN("(<DAV:no-lock> [\"x\"]) ([\"y\"] [\"z\"])"),
      NULL, &lim_conds3, IE(TOO_MANY_CONDITIONS, 29), NULL, 0, 0, 0, NULL, 0,
      0, NULL },
    { "header_len 20: 20 bytes", IN("([\"aaaaaaaaaaaaaa\"])"), NULL,
      &lim_len20, V_OK, NULL, 0, 1, 1, NULL, 0, 0, NULL },
    { "header_len 20: 21 bytes", IN("([\"aaaaaaaaaaaaaaa\"])"), NULL,
      &lim_len20, IE(TOO_LONG, 20), NULL, 0, 0, 0, NULL, 0, 0, NULL },
};

/* rwdav_if_refresh_check: a bodiless LOCK must name the lock it refreshes */
static const struct {
    const char *name;
    const char *in;         /* If header, or NULL for none */
    unit_verdict want;      /* a whole-header fault: offset 0 */
} refresh_rows[] = {
    { "no If", NULL, IE(REFRESH_NO_IF, 0) },
    { "token", "(<opaquelocktoken:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>)",
      V_OK },
    { "tagged token", "</a> (<urn:x:y>)", V_OK },
    { "negated only", "(Not <DAV:no-lock>)", IE(REFRESH_NO_TOKEN, 0) },
    { "etag only", "([\"x\"])", IE(REFRESH_NO_TOKEN, 0) },
    { "token in second list", "([\"x\"]) (<urn:x:y>)", V_OK },
    { "negated and etag", "(Not <urn:x:y> [\"x\"])", IE(REFRESH_NO_TOKEN, 0) },
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
    CK_VERDICT(p, e, refresh_rows[_i].want, UNIT_NO_LEN,
               refresh_rows[_i].name, "", 0);
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
    if (r->want.id == RWDAV_E_NONE) {
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
