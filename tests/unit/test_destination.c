/*
 * Destination (RFC 4918 §10.3, §8.3; RFC 3986; RFC 9110 §4.2) and the URI
 * helpers it shares with If and Lock-Token: rwdav_scan_absolute_uri and
 * rwdav_path_check.
 *   Destination = "Destination" ":" Simple-ref
 *   Simple-ref  = absolute-URI | ( path-absolute [ "?" query ] )
 */
#include "unit.h"
#include "rwdav_scan.h"

/* The origins a row can be checked against. */
enum { O_8080 = 0, O_80, O_HTTPS, O_UPPER, O_V6, O_V6_BARE, O_HOST,
       O_HOST_NOPORT, O_HOST_V6 };

/* The origin's host comes from httpd as it is: any case, an IPv6 literal
 * with or without brackets. The O_HOST ones give the port as the Host
 * header the glue passes on (port -1). */
static const rwdav_origin origins[] = {
    { "http", "127.0.0.1", 8080, NULL },
    { "http", "127.0.0.1", 80, NULL },
    { "https", "example.com", 443, NULL },
    { "http", "Example.COM", 0, NULL },
    { "http", "[::1]", 8080, NULL },
    { "http", "::1", 8080, NULL },
    { "http", "127.0.0.1", -1, "127.0.0.1:8080" },
    { "http", "example.com", -1, "Example.com" },
    { "http", "::1", -1, "[::1]:8080" },
};

typedef struct {
    const char *name;
    const char *in;
    apr_size_t len;
    unit_gen_fn gen;
    int origin;
    apr_size_t header_len;      /* 0: the defaults */
    unit_verdict want;
    /* when want is OK: */
    const char *absolute;       /* NULL: the input goes as it is */
    int rewritten;
    int check_uri;              /* compare the rwdav_uri fields below */
    const char *scheme;         /* NULL: must be NULL (path-absolute) */
    const char *host;           /* NULL: not compared */
    int port;
    const char *path;
    const char *query;          /* NULL: must be NULL */
} dest_row;

static const char *gen_len32(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "/", 'a', "", 32, len);
}

static const char *gen_len33(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "/", 'a', "", 33, len);
}

static const char *gen_big_path(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "/", 'a', "", UNIT_BIG, len);
}

static const char *gen_big_absolute(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "http://127.0.0.1:8080/", 'b', "", UNIT_BIG, len);
}

#define H8080 "http://127.0.0.1:8080"

/* valid row, path-absolute input */
#define PATH_OK(nm, v, abs, pth, qry) \
    { nm, IN(v), NULL, O_8080, 0, V_OK, abs, 1, 1, NULL, NULL, 0, pth, qry }
/* refused row against the default origin: the fault's id (RWDAV_E_DEST_
 * id) and offset */
#define BAD(nm, v, id, off) \
    { nm, IN(v), NULL, O_8080, 0, VE(RWDAV_E_DEST_##id, off), NULL, 0, 0, \
      NULL, NULL, 0, NULL, NULL }
/* refused row against another origin */
#define BADO(nm, v, o, id, off) \
    { nm, IN(v), NULL, o, 0, VE(RWDAV_E_DEST_##id, off), NULL, 0, 0, NULL, \
      NULL, 0, NULL, NULL }

static const dest_row dest_rows[] = {
    /* path-absolute: rewritten to an absolute URI of the origin */
    PATH_OK("path", "/dav/file.txt", H8080 "/dav/file.txt", "/dav/file.txt",
            NULL),
    PATH_OK("root", "/", H8080 "/", "/", NULL),
    PATH_OK("query dropped", "/dav/file.txt?x=1", H8080 "/dav/file.txt",
            "/dav/file.txt", "x=1"),
    PATH_OK("empty query", "/a?", H8080 "/a", "/a", ""),
    PATH_OK("query with / and ?", "/a?b/c?d", H8080 "/a", "/a", "b/c?d"),
    PATH_OK("escape kept", "/a%20b", H8080 "/a%20b", "/a%20b", NULL),
    PATH_OK("utf-8 escapes", "/a%C3%A9", H8080 "/a%C3%A9", "/a%C3%A9", NULL),
    PATH_OK("all pchar", "/a:b@c!$&'()*+,;=-._~",
            H8080 "/a:b@c!$&'()*+,;=-._~", "/a:b@c!$&'()*+,;=-._~", NULL),
    PATH_OK("empty segment", "/a//b", H8080 "/a//b", "/a//b", NULL),
    /* dot-segments that stay inside the root are allowed (kept raw) */
    PATH_OK("dots inside", "/a/./b/../c", H8080 "/a/./b/../c",
            "/a/./b/../c", NULL),
    PATH_OK("back to root", "/a/..", H8080 "/a/..", "/a/..", NULL),
    PATH_OK("down up down", "/a/b/../../c", H8080 "/a/b/../../c",
            "/a/b/../../c", NULL),
    PATH_OK("single dot", "/./x", H8080 "/./x", "/./x", NULL),
    PATH_OK("three dots", "/.../x", H8080 "/.../x", "/.../x", NULL),
    PATH_OK("dots in names", "/..a/b..", H8080 "/..a/b..", "/..a/b..", NULL),
    PATH_OK("encoded dots inside", "/a/%2e%2e", H8080 "/a/%2e%2e",
            "/a/%2e%2e", NULL),
    /* absolute URIs of the origin */
    { "absolute", IN(H8080 "/dav/file.txt"), NULL, O_8080, 0, V_OK,
      NULL, 0, 1, "http", "127.0.0.1", 8080, "/dav/file.txt", NULL },
    { "absolute upper scheme", IN("HTTP://127.0.0.1:8080/a"), NULL, O_8080,
      0, V_OK, NULL, 0, 1, "HTTP", "127.0.0.1", 8080, "/a", NULL },
    { "absolute no path", IN(H8080), NULL, O_8080, 0, V_OK,
      NULL, 0, 1, "http", "127.0.0.1", 8080, "/", NULL },
    { "absolute slash", IN(H8080 "/"), NULL, O_8080, 0, V_OK,
      NULL, 0, 1, "http", "127.0.0.1", 8080, "/", NULL },
    { "absolute query dropped", IN(H8080 "/a?b=c"), NULL, O_8080, 0, V_OK,
      H8080 "/a", 1, 1, "http", "127.0.0.1", 8080, "/a", "b=c" },
    { "absolute dots inside", IN(H8080 "/a/../b"), NULL, O_8080, 0, V_OK,
      NULL, 0, 1, "http", "127.0.0.1", 8080, "/a/../b", NULL },
    /* default port elision: origin on port 80 */
    { "port 80: path", IN("/x"), NULL, O_80, 0, V_OK,
      "http://127.0.0.1/x", 1, 1, NULL, NULL, 0, "/x", NULL },
    { "port 80: path+query", IN("/x?q"), NULL, O_80, 0, V_OK,
      "http://127.0.0.1/x", 1, 1, NULL, NULL, 0, "/x", "q" },
    { "port 80: no port", IN("http://127.0.0.1/x"), NULL, O_80, 0, V_OK,
      NULL, 0, 1, "http", "127.0.0.1", 0, "/x", NULL },
    { "port 80: explicit 80", IN("http://127.0.0.1:80/x"), NULL, O_80, 0,
      V_OK, NULL, 0, 1, "http", "127.0.0.1", 80, "/x", NULL },
    BADO("port 80: other port", H8080 "/x", O_80, OTHER_SERVER, 7),
    /* ":" alone is the default port (RFC 3986 §3.2.3) */
    { "port 80: empty port", IN("http://127.0.0.1:/x"), NULL, O_80, 0, V_OK,
      NULL, 0, 1, "http", "127.0.0.1", 0, "/x", NULL },
    BADO("port 80: port 0", "http://127.0.0.1:0/x", O_80, PORT_RANGE, 17),
    BADO("port 80: https", "https://127.0.0.1/x", O_80, OTHER_SERVER, 8),
    /* https origin on 443, named host */
    { "https: path", IN("/x"), NULL, O_HTTPS, 0, V_OK,
      "https://example.com/x", 1, 1, NULL, NULL, 0, "/x", NULL },
    { "https: host case", IN("https://EXAMPLE.com/x"), NULL, O_HTTPS, 0,
      V_OK, NULL, 0, 1, "https", "EXAMPLE.com", 0, "/x", NULL },
    { "https: explicit 443", IN("https://example.com:443/x"), NULL, O_HTTPS,
      0, V_OK, NULL, 0, 1, "https", "example.com", 443, "/x", NULL },
    BADO("https: http scheme", "http://example.com/x", O_HTTPS,
         OTHER_SERVER, 7),
    BADO("https: port 8443", "https://example.com:8443/x", O_HTTPS,
         OTHER_SERVER, 8),
    BADO("https: other host", "https://www.example.com/x", O_HTTPS,
         OTHER_SERVER, 8),
    /* the origin's host as httpd gives it: case-blind, brackets optional */
    { "origin upper host", IN("http://example.com/x"), NULL, O_UPPER, 0,
      V_OK, NULL, 0, 1, "http", "example.com", 0, "/x", NULL },
    { "origin upper host: path", IN("/x"), NULL, O_UPPER, 0, V_OK,
      "http://Example.COM/x", 1, 1, NULL, NULL, 0, "/x", NULL },
    BADO("origin upper host: other", "http://example.org/x", O_UPPER,
         OTHER_SERVER, 7),
    { "IPv6 origin", IN("http://[::1]:8080/x"), NULL, O_V6, 0, V_OK,
      NULL, 0, 1, "http", "[::1]", 8080, "/x", NULL },
    { "IPv6 origin without []", IN("http://[::1]:8080/x"), NULL, O_V6_BARE,
      0, V_OK, NULL, 0, 1, "http", "[::1]", 8080, "/x", NULL },
    { "IPv6 origin without []: path", IN("/x"), NULL, O_V6_BARE, 0, V_OK,
      "http://[::1]:8080/x", 1, 1, NULL, NULL, 0, "/x", NULL },
    BADO("IPv6 origin: other address", "http://[::2]:8080/x", O_V6,
         OTHER_SERVER, 7),
    BADO("IPv6 origin: half brackets", "http://[::1:8080/x", O_V6,
         IP_LITERAL_UNCLOSED, 16),
    /* the port from the Host header; its bytes equal to the Destination's
     * authority name this server, the scheme still checked */
    { "Host: same bytes", IN(H8080 "/x"), NULL, O_HOST, 0, V_OK,
      NULL, 0, 1, "http", "127.0.0.1", 8080, "/x", NULL },
    BADO("Host: same bytes, https", "https://127.0.0.1:8080/x", O_HOST,
         OTHER_SERVER, 8),
    BADO("Host: other port", "http://127.0.0.1:8081/x", O_HOST,
         OTHER_SERVER, 7),
    BADO("Host: default port", "http://127.0.0.1/x", O_HOST, OTHER_SERVER, 7),
    { "Host: other bytes, same port", IN("http://127.0.0.1:08080/x"), NULL,
      O_HOST, 0, V_OK, NULL, 0, 1, "http", "127.0.0.1", 8080, "/x", NULL },
    { "Host: path", IN("/x"), NULL, O_HOST, 0, V_OK,
      H8080 "/x", 1, 1, NULL, NULL, 0, "/x", NULL },
    { "Host without port: other case", IN("http://EXAMPLE.COM/x"), NULL,
      O_HOST_NOPORT, 0, V_OK, NULL, 0, 1, "http", "EXAMPLE.COM", 0, "/x",
      NULL },
    { "Host without port: :80", IN("http://example.com:80/x"), NULL,
      O_HOST_NOPORT, 0, V_OK, NULL, 0, 1, "http", "example.com", 80, "/x",
      NULL },
    BADO("Host without port: :8080", "http://example.com:8080/x",
         O_HOST_NOPORT, OTHER_SERVER, 7),
    { "Host without port: path", IN("/x"), NULL, O_HOST_NOPORT, 0, V_OK,
      "http://example.com/x", 1, 1, NULL, NULL, 0, "/x", NULL },
    { "Host IPv6", IN("http://[::1]:8080/x"), NULL, O_HOST_V6, 0, V_OK,
      NULL, 0, 1, "http", "[::1]", 8080, "/x", NULL },
    BADO("Host IPv6: no port", "http://[::1]/x", O_HOST_V6, OTHER_SERVER, 7),
    { "Host IPv6: path", IN("/x"), NULL, O_HOST_V6, 0, V_OK,
      "http://[::1]:8080/x", 1, 1, NULL, NULL, 0, "/x", NULL },
    /* another scheme, host or port: 502 */
    BAD("https on http", "https://127.0.0.1:8080/x", OTHER_SERVER, 8),
    BAD("HTTPS on http", "HTTPS://127.0.0.1:8080/", OTHER_SERVER, 8),
    BAD("ftp", "ftp://127.0.0.1:8080/x", OTHER_SCHEME, 0),
    BAD("urn", "urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2",
        OTHER_SCHEME, 0),
    BAD("mailto", "mailto:a@example.com", OTHER_SCHEME, 0),
    BAD("default port 80", "http://127.0.0.1/x", OTHER_SERVER, 7),
    BAD("explicit port 80", "http://127.0.0.1:80/x", OTHER_SERVER, 7),
    BAD("port 8081", "http://127.0.0.1:8081/x", OTHER_SERVER, 7),
    BAD("other address", "http://127.0.0.2:8080/x", OTHER_SERVER, 7),
    BAD("other name", "http://localhost:8080/x", OTHER_SERVER, 7),
    BAD("IPv6 literal", "http://[::1]:8080/x", OTHER_SERVER, 7),
    BAD("IPv4-mapped IPv6", "http://[::ffff:127.0.0.1]:8080/x",
        OTHER_SERVER, 7),
    /* syntax: 400.1 */
    BAD("empty", "", EMPTY, 0),
    BAD("relative a/b", "a/b", NOT_REFERENCE, 1),
    BAD("relative ./x", "./x", NOT_REFERENCE, 0),
    BAD("relative ../x", "../x", NOT_REFERENCE, 0),
    BAD("relative x", "x", NOT_REFERENCE, 1),
    BAD("network-path", "//127.0.0.1:8080/x", NETWORK_PATH, 1),
    BAD("double slash", "//", NETWORK_PATH, 1),
    BAD("colons", "::::", NOT_REFERENCE, 0),
    BAD("query only", "?x", NOT_REFERENCE, 0),
    BAD("fragment only", "#x", NOT_REFERENCE, 0),
    BAD("scheme with digit first", "1http://127.0.0.1:8080/x",
        NOT_REFERENCE, 0),
    BAD("fragment", "/x#frag", FRAGMENT, 2),
    BAD("empty fragment", "/x#", FRAGMENT, 2),
    BAD("absolute fragment", H8080 "/x#f", FRAGMENT, 23),
    BAD("fragment after query", "/a?b#c", FRAGMENT, 4),
    BAD("space", "/a b", CHAR, 2),
    BAD("tab", "/a\tb", CHAR, 2),
    BAD("CRLF", "/a\r\nb", CHAR, 2),
    BAD("dquote", "/a\"b", CHAR, 2),
    BAD("lt", "/a<b", CHAR, 2),
    BAD("gt", "/a>b", CHAR, 2),
    BAD("backslash", "/a\\b", CHAR, 2),
    BAD("caret", "/a^b", CHAR, 2),
    BAD("backquote", "/a`b", CHAR, 2),
    BAD("lbrace", "/a{b", CHAR, 2),
    BAD("pipe", "/a|b", CHAR, 2),
    BAD("rbrace", "/a}b", CHAR, 2),
    BAD("lbracket in path", "/a[b", CHAR, 2),
    BAD("DEL", "/a\x7f", CHAR, 2),
    BAD("control", "/a\x01", CHAR, 2),
    BAD("raw UTF-8", "/\xc3\xa9", CHAR, 1),
    BAD("space in query", "/a?b c", CHAR, 4),
    BAD("space in absolute", H8080 "/a b", CHAR, 23),
    BAD("lone percent", "/a%", BAD_ESCAPE, 2),
    BAD("one hex digit", "/a%2", BAD_ESCAPE, 2),
    BAD("non-hex zz", "/a%zz", BAD_ESCAPE, 2),
    BAD("non-hex g0", "/a%g0", BAD_ESCAPE, 2),
    BAD("non-hex 0g", "/a%0gx", BAD_ESCAPE, 2),
    BAD("bad escape in query", "/a?%zz", BAD_ESCAPE, 3),
    BAD("%00 in path", "/a%00b", ENCODED_NUL, 2),
    BAD("%00 alone", "/%00", ENCODED_NUL, 1),
    BAD("%00 absolute", H8080 "/%00", ENCODED_NUL, 22),
    BAD("%00 in query", "/a?x=%00", ENCODED_NUL, 5),
    BAD("NUL byte", "/a\0b", CHAR, 2),
    BAD("NUL only", "\0", NOT_REFERENCE, 0),
    BAD("trailing NUL", "/\0", CHAR, 1),
    BAD("NUL in absolute", H8080 "/a\0", CHAR, 23),
    BAD("http without authority", "http:/x", NO_HOST, 5),
    BAD("http rootless", "http:x", NO_HOST, 5),
    BAD("http scheme only", "http:", NO_HOST, 5),
    BAD("http empty authority", "http://", NO_HOST, 7),
    BAD("http empty host", "http:///x", NO_HOST, 7),
    BAD("http port no host", "http://:8080/x", NO_HOST, 7),
    BAD("userinfo", "http://user@127.0.0.1:8080/x", USERINFO, 7),
    BAD("userinfo with password", "http://user:pw@127.0.0.1:8080/x",
        USERINFO, 7),
    BAD("empty userinfo", "http://@127.0.0.1:8080/x", USERINFO, 7),
    BAD("port non-numeric", "http://127.0.0.1:80a/x", PORT_NOT_NUMBER, 19),
    BAD("port 99999", "http://127.0.0.1:99999/x", PORT_RANGE, 17),
    BAD("port 65536", "http://127.0.0.1:65536/x", PORT_RANGE, 17),
    BAD("port negative", "http://127.0.0.1:-1/x", PORT_NOT_NUMBER, 17),
    BAD("two ports", "http://127.0.0.1:8080:80/x", PORT_NOT_NUMBER, 21),
    BAD("port overflow", "http://127.0.0.1:18446744073709559296/x",
        PORT_RANGE, 17),
    BAD("unclosed IPv6", "http://[::1/x", IP_LITERAL_UNCLOSED, 11),
    BAD("IPv6 extra bracket", "http://[::1]]:8080/x", AFTER_HOST, 12),
    BAD("IPv6 unbracketed", "http://::1:8080/x", PORT_NOT_NUMBER, 8),
    /* the parts of an authority the one-pass scan leaves to the general
     * one: userinfo, IP literals, escapes and other bytes in the host */
    BAD("userinfo with an escape", "http://a%20b:pw@127.0.0.1:8080/x",
        USERINFO, 7),
    BAD("bad userinfo byte", "http://a[b@127.0.0.1:8080/x", USERINFO_CHAR, 8),
    BAD("two @", "http://a@b@127.0.0.1:8080/x", USERINFO_CHAR, 8),
    BAD("IPv6 zone escape", "http://[::1%25eth0]:8080/x", IP_LITERAL_CHAR,
        11),
    BAD("space in IP literal", "http://[::1 ]:8080/x", IP_LITERAL_CHAR, 11),
    BAD("unclosed IPv6 at end", "http://[::1", IP_LITERAL_UNCLOSED, 11),
    BAD("junk after IP literal", "http://[::1]x/y", AFTER_HOST, 12),
    BAD("IP literal, bad port", "http://[::1]:80a/x", PORT_NOT_NUMBER, 15),
    /* an IP literal is checked for its bytes only: IPvFuture, or nothing
     * between the brackets, is well-formed and names no host here */
    BAD("IPvFuture", "http://[v1.x]:8080/x", OTHER_SERVER, 7),
    BAD("empty IP literal", "http://[]:8080/x", OTHER_SERVER, 7),
    BAD("bad host byte", "http://h^st:8080/x", HOST_CHAR, 8),
    BAD("bad escape in host", "http://h%zz:8080/x", HOST_CHAR, 8),
    BAD("escape in host", "http://127.0.0.%31:8080/x", OTHER_SERVER, 7),
    BAD("port 0 with zeros", "http://127.0.0.1:00000/x", PORT_RANGE, 17),
    /* dot-segments climbing above "/" */
    BAD("/..", "/..", DOT_SEGMENT, 1),
    BAD("/../", "/../", DOT_SEGMENT, 1),
    BAD("/../x", "/../x", DOT_SEGMENT, 1),
    BAD("/a/../../x", "/a/../../x", DOT_SEGMENT, 6),
    BAD("/a/b/../../../x", "/a/b/../../../x", DOT_SEGMENT, 11),
    BAD("/./../x", "/./../x", DOT_SEGMENT, 3),
    BAD("encoded dots", "/%2e%2e/x", DOT_SEGMENT, 1),
    BAD("encoded dots upper", "/%2E%2E/x", DOT_SEGMENT, 1),
    BAD("half-encoded dots", "/.%2e/x", DOT_SEGMENT, 1),
    BAD("encoded dots twice", "/a/%2e%2e/%2e%2e/x", DOT_SEGMENT, 10),
    BAD("absolute above root", H8080 "/../x", DOT_SEGMENT, 22),
    BAD("above root then query", "/../x?y", DOT_SEGMENT, 1),
    /* length: header_len */
    { "header_len 32: 32 bytes", NULL, 0, gen_len32, O_8080, 32, V_OK,
      NULL, 1, 0, NULL, NULL, 0, NULL, NULL },
    { "header_len 32: 33 bytes", NULL, 0, gen_len33, O_8080, 32,
      VE(RWDAV_E_DEST_TOO_LONG, 32), NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
    { "64 KiB path, header_len 8192", NULL, 0, gen_big_path, O_8080, 8192,
      VE(RWDAV_E_DEST_TOO_LONG, 8192), NULL, 0, 0, NULL, NULL, 0, NULL,
      NULL },
    { "64 KiB absolute, header_len 8192", NULL, 0, gen_big_absolute, O_8080,
      8192, VE(RWDAV_E_DEST_TOO_LONG, 8192), NULL, 0, 0, NULL, NULL, 0,
      NULL, NULL },
    /* no cap of the module's own by default: LimitRequestFieldSize is */
    { "64 KiB absolute, no cap by default", NULL, 0, gen_big_absolute,
      O_8080, 0, V_OK, NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
};

START_TEST(test_destination)
{
    const dest_row *r = &dest_rows[_i];
    apr_pool_t *p = unit_pool();
    const char *in = r->in;
    apr_size_t len = r->len;
    rwdav_limits lim;
    rwdav_destination d;
    rwdav_error *err;

    if (r->gen)
        in = r->gen(p, &len);
    unit_limits(&lim, NULL);
    if (r->header_len)
        lim.header_len = r->header_len;
    memset(&d, 0, sizeof(d));
    err = rwdav_destination_parse(p, in, len, &origins[r->origin], &lim, &d);
    CK_VERDICT(p, err, r->want, len, r->name, in, len);
    if (r->want.id == RWDAV_E_NONE) {
        /* absolute is NULL when the value itself goes to mod_dav */
        const char *abs = r->absolute;
        if (abs == NULL && r->gen && r->rewritten)
            abs = apr_pstrcat(p, "http://127.0.0.1:8080", in, NULL);
        CK_STREQ(p, d.absolute, abs, "absolute", r->name);
        ck_assert_msg(d.rewritten == r->rewritten,
                      "[%s] rewritten %d, expected %d", r->name, d.rewritten,
                      r->rewritten);
        if (r->check_uri) {
            CK_SPANEQ(p, d.uri.scheme, r->scheme, "uri.scheme", r->name);
            if (r->host)
                CK_SPANEQ(p, d.uri.host, r->host, "uri.host", r->name);
            ck_assert_msg(d.uri.port == r->port, "[%s] uri.port %d, "
                          "expected %d", r->name, d.uri.port, r->port);
            CK_SPANEQ(p, d.uri.path, r->path, "uri.path", r->name);
            CK_SPANEQ(p, d.uri.query, r->query, "uri.query", r->name);
            ck_assert_msg(d.uri.has_userinfo == 0,
                          "[%s] has_userinfo set", r->name);
        }
    }
    apr_pool_destroy(p);
}
END_TEST

/* ---- rwdav_scan_absolute_uri: 1, or 0 with the offset of the fault ---- */

typedef struct {
    const char *name;
    const char *in;
    apr_size_t len;
    long want;                  /* -1: valid; else the fault's offset */
} scan_row;

static const scan_row scan_rows[] = {
    { "http",                IN("http://a/b"), -1 },
    { "http query",          IN("http://a/b?c=d"), -1 },
    { "http port",           IN("http://a:8080/b"), -1 },
    { "IPv6",                IN("http://[::1]:8080/"), -1 },
    { "urn",                 IN("urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2"),
      -1 },
    { "DAV:no-lock",         IN("DAV:no-lock"), -1 },
    { "mailto",              IN("mailto:a@b.example"), -1 },
    { "empty hier-part",     IN("a:"), -1 },
    { "scheme chars",        IN("x+y.z-w:q"), -1 },
    { "escape",              IN("http://a/%41"), -1 },
    { "fragment",            IN("http://a/b#f"), 10 },
    { "space",               IN("http://a/b c"), 10 },
    { "lt",                  IN("a:b<c"), 3 },
    { "dquote",              IN("a:\"b"), 2 },
    { "NUL",                 IN("http://a/b\0c"), 10 },
    { "high byte",           IN("urn:a\x80"), 5 },
    { "path-absolute",       IN("/x"), 0 },
    { "digit first",         IN("1a:b"), 0 },
    { "space in scheme",     IN("a b:c"), 1 },
    { "bad escape",          IN("http://a/%zz"), 9 },
    { "unclosed IPv6",       IN("http://[::1/"), 11 },
    /* faults found only at the end of the value: there */
    { "no colon",            IN("ab"), 2 },
    { "unclosed IPv6 at end", IN("http://[::1"), 11 },
};

START_TEST(test_scan_absolute_uri)
{
    const scan_row *r = &scan_rows[_i];
    apr_pool_t *p = unit_pool();
    apr_size_t got = 0;
    int ok = rwdav_scan_absolute_uri(r->in, r->len, &got);

    if (r->want == -1)
        ck_assert_msg(ok, "[%s] \"%s\": offset %lu, expected "
                      "valid", r->name, unit_repr(p, r->in, r->len),
                      (unsigned long)got);
    else
        ck_assert_msg(!ok && got == (apr_size_t)r->want, "[%s] \"%s\": offset %lu, "
                      "expected %ld", r->name, unit_repr(p, r->in, r->len),
                      (unsigned long)got, r->want);
    apr_pool_destroy(p);
}
END_TEST

/* ---- rwdav_path_check ---- */

typedef struct {
    const char *name;
    const char *in;
    apr_size_t len;
    rwdav_substatus sub;        /* passed in: whose path it is */
    unit_verdict want;
    const char *decoded;        /* when valid; NULL: not compared */
} pc_row;

#define PC_D(id, off) VE(RWDAV_E_DEST_##id, off)
#define PC_I(id, off) VE(RWDAV_E_IF_TAG_##id, off)

static const pc_row pc_rows[] = {
    { "root",              IN("/"),        RWDAV_SUB_DESTINATION, V_OK, "/" },
    { "plain",             IN("/a/b"),     RWDAV_SUB_DESTINATION, V_OK,
      "/a/b" },
    { "escape",            IN("/a%20b"),   RWDAV_SUB_DESTINATION, V_OK,
      "/a b" },
    { "escape upper hex",  IN("/%4A%4b"),  RWDAV_SUB_DESTINATION, V_OK,
      "/JK" },
    { "utf-8 escapes",     IN("/%C3%A9"),  RWDAV_SUB_IF, V_OK, "/\xc3\xa9" },
    { "dots inside",       IN("/a/../b"),  RWDAV_SUB_DESTINATION, V_OK, NULL },
    { "back to root",      IN("/a/.."),    RWDAV_SUB_DESTINATION, V_OK, NULL },
    { "dot",               IN("/./a"),     RWDAV_SUB_DESTINATION, V_OK, NULL },
    { "dots in names",     IN("/a..b/..c"), RWDAV_SUB_DESTINATION, V_OK,
      "/a..b/..c" },
    /* a ".." that climbs: where its segment starts */
    { "/..",               IN("/.."),      RWDAV_SUB_DESTINATION,
      PC_D(DOT_SEGMENT, 1), NULL },
    { "/../x",             IN("/../x"),    RWDAV_SUB_DESTINATION,
      PC_D(DOT_SEGMENT, 1), NULL },
    { "/a/../../x",        IN("/a/../../x"), RWDAV_SUB_DESTINATION,
      PC_D(DOT_SEGMENT, 6), NULL },
    { "/./../x",           IN("/./../x"),  RWDAV_SUB_DESTINATION,
      PC_D(DOT_SEGMENT, 3), NULL },
    { "trailing /../",     IN("/a/../../"), RWDAV_SUB_DESTINATION,
      PC_D(DOT_SEGMENT, 6), NULL },
    { "encoded dots",      IN("/%2e%2e/x"), RWDAV_SUB_DESTINATION,
      PC_D(DOT_SEGMENT, 1), NULL },
    { "encoded slash, then dots", IN("/a%2f..%2f..%2fx"),
      RWDAV_SUB_DESTINATION, PC_D(DOT_SEGMENT, 10), NULL },
    { "encoded dots (If)", IN("/%2E%2e"),  RWDAV_SUB_IF,
      PC_I(DOT_SEGMENT, 1), NULL },
    /* escapes and NUL: at the byte */
    { "%00",               IN("/a%00"),    RWDAV_SUB_DESTINATION,
      PC_D(ENCODED_NUL, 2), NULL },
    { "%00 (If)",          IN("/a%00"),    RWDAV_SUB_IF,
      PC_I(ENCODED_NUL, 2), NULL },
    { "raw NUL",           IN("/a\0b"),    RWDAV_SUB_DESTINATION,
      PC_D(NUL, 2), NULL },
    { "raw NUL (If)",      IN("/a\0b"),    RWDAV_SUB_IF, PC_I(NUL, 2), NULL },
    { "lone %",            IN("/a%"),      RWDAV_SUB_DESTINATION,
      PC_D(BAD_ESCAPE, 2), NULL },
    { "%2",                IN("/a%2"),     RWDAV_SUB_DESTINATION,
      PC_D(BAD_ESCAPE, 2), NULL },
    { "%zz",               IN("/a%zz"),    RWDAV_SUB_DESTINATION,
      PC_D(BAD_ESCAPE, 2), NULL },
    { "%zz (If)",          IN("/a%zz"),    RWDAV_SUB_IF,
      PC_I(BAD_ESCAPE, 2), NULL },
    /* the ids of a family other than If's are Destination's */
    { "%zz (Lock-Token)",  IN("/a%zz"),    RWDAV_SUB_LOCK_TOKEN,
      PC_D(BAD_ESCAPE, 2), NULL },
};

START_TEST(test_path_check)
{
    const pc_row *r = &pc_rows[_i];
    apr_pool_t *p = unit_pool();
    const char *dec = NULL;
    rwdav_error *err;

    err = rwdav_path_check(p, r->sub, r->in, r->len, &dec);
    CK_VERDICT(p, err, r->want, r->len, r->name, r->in, r->len);
    if (r->want.id == RWDAV_E_NONE && r->decoded)
        CK_STREQ(p, dec, r->decoded, "decoded", r->name);
    if (r->want.id == RWDAV_E_NONE)
        ck_assert_msg(dec != NULL, "[%s] decoded not set", r->name);
    /* checking alone (decoded NULL) gives the same verdict */
    err = rwdav_path_check(p, r->sub, r->in, r->len, NULL);
    CK_VERDICT(p, err, r->want, r->len, r->name, r->in, r->len);
    apr_pool_destroy(p);
}
END_TEST

/* ---- rwdav_parse_ref: its fast path against the general scanner ----
 * On the edges the fast path treats apart: the "http"/"https" prefix, and
 * a port with five bytes left to read (no bound check per digit). The fuzz
 * target checks the same on any input. */

static const char *const fast_rows[] = {
    "http://h:1/x", "http://h:12/x", "http://h:123/x", "http://h:1234/x",
    "http://h:12345/x", "http://h:65535/x", "http://h:65536/x",
    "http://h:99999/x", "http://h:00080/x", "http://h:00000/x",
    "http://h:0/x", "http://h:123456/x", "http://h:12345", "http://h:1234",
    "http://h:12345?", "http://h:1234x/", "http://h:/x", "http://h:12a45/x",
    "http://h:65535", "http://h:65536", "http://h:000001/x",
    "https://h:8443/x", "https:/x", "httpsx://h/x", "http+s://h/x",
    "HTTP://h/x", "httP://h/x", "http:", "https:", "http:x", "http",
    "https", "httpss://h/", "http5://h/", "http://", "https://h",
};

static int same_span(rwdav_span a, rwdav_span b)
{
    return a.len == b.len && a.p == b.p;
}

START_TEST(test_fast_ref)
{
    const char *in = fast_rows[_i];
    int allow;

    for (allow = 0; allow <= 1; allow++) {
        rwdav_uri a, b;
        apr_size_t oa = 7, ob = 9;
        rwdav_error_id wa = rwdav_parse_ref(in, strlen(in), allow, &a, &oa);
        rwdav_error_id wb = rwdav_parse_ref_general(in, strlen(in), allow,
                                                    &b, &ob);
        ck_assert_msg(wa == wb && (!wa || oa == ob),
                      "[%s] fast: %s at %lu, general: %s at %lu", in,
                      wa ? rwdav_error_id_name(wa) : "ok", (unsigned long)oa,
                      wb ? rwdav_error_id_name(wb) : "ok", (unsigned long)ob);
        if (!wa)
            ck_assert_msg(same_span(a.scheme, b.scheme)
                          && same_span(a.host, b.host)
                          && same_span(a.authority, b.authority)
                          && same_span(a.path, b.path)
                          && same_span(a.query, b.query) && a.port == b.port
                          && a.has_userinfo == b.has_userinfo
                          && a.path_escaped == b.path_escaped,
                          "[%s] fast and general parts differ", in);
    }
}
END_TEST

/* ---- rwdav_tag_fault: a Resource-Tag's faults are Destination's ----
 * Each Destination reference fault has its If twin, "destination.x" and
 * "if.tag-x", with the same reason after "Resource-Tag: " (but where the
 * Destination's names the header or the scheme rule). */
START_TEST(test_tag_fault)
{
    rwdav_error_id id = (rwdav_error_id)_i, tag = rwdav_tag_fault(id);
    apr_pool_t *p = unit_pool();
    const char *name = rwdav_error_id_name(id);

    if (tag != id) {
        rwdav_error *d = rwdav_fault(p, id, 0), *t = rwdav_fault(p, tag, 0);
        ck_assert_msg(!strncmp(name, "destination.", 12)
                      && !strncmp(rwdav_error_id_name(tag), "if.tag-", 7)
                      && !strcmp(name + 12, rwdav_error_id_name(tag) + 7),
                      "%s is %s as a tag", name, rwdav_error_id_name(tag));
        ck_assert_msg(t->status == 400 && t->sub == RWDAV_SUB_IF
                      && !strncmp(t->reason, "Resource-Tag: ", 14)
                      && (!strcmp(t->reason + 14, d->reason)
                          || id == RWDAV_E_DEST_EMPTY
                          || id == RWDAV_E_DEST_NO_HOST
                          || id == RWDAV_E_DEST_USERINFO),
                      "%s: \"%s\" as \"%s\"", name, d->reason, t->reason);
    }
    apr_pool_destroy(p);
}
END_TEST

/* ---- the character classes the scanners share (rwdav_scan.h) ----
 * Each bit of rwdav_ctype against its definition in RFC 3986 §2-3,
 * RFC 9110 §8.8.3 (etagc) and the union kept as a bit of its own. */

static int in(const char *set, int c)
{
    return c != 0 && strchr(set, c) != NULL;
}

START_TEST(test_ctype)
{
    int c = _i;
    int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    int digit = c >= '0' && c <= '9';
    int unreserved = alpha || digit || in("-._~", c);
    int sub = in("!$&'()*+,;=", c);
    int path = unreserved || sub || in(":@/", c);
    const struct { unsigned bit; int want; const char *name; } bits[] = {
        { RWC_ALPHA, alpha, "ALPHA" },
        { RWC_DIGIT, digit, "DIGIT" },
        { RWC_UNRESERVED_EXTRA, in("-._~", c), "UNRESERVED_EXTRA" },
        { RWC_SUB_DELIM, sub, "SUB_DELIM" },
        { RWC_HEX, digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'),
          "HEX" },
        { RWC_ETAGC, c == 0x21 || (c >= 0x23 && c <= 0x7e) || c >= 0x80,
          "ETAGC" },
        { RWC_SCHEME_EXTRA, in("+-.", c), "SCHEME_EXTRA" },
        { RWC_PATH, path, "PATH" },
        { RWC_TOKEN, path && c != ')', "TOKEN" },
    };
    apr_size_t k;

    for (k = 0; k < sizeof(bits) / sizeof(bits[0]); k++)
        ck_assert_msg(!RWC_IS(c, bits[k].bit) == !bits[k].want,
                      "byte 0x%02x: class %s is %d, should be %d", c,
                      bits[k].name, !!RWC_IS(c, bits[k].bit), bits[k].want);
}
END_TEST

/* rwdav_all_class on every length up to 13 (the four-at-a-time loop and
 * the bytes after it) with the one bad byte at every place. */
START_TEST(test_all_class)
{
    char buf[16];
    apr_size_t len = (apr_size_t)_i, bad;

    memset(buf, 'a', sizeof(buf));
    ck_assert_msg(rwdav_all_class(buf, 0, len, RWC_PATH),
                  "%lu plain bytes", (unsigned long)len);
    ck_assert_msg(rwdav_all_class(buf, 1, len + 1, RWC_PATH),
                  "%lu plain bytes from 1", (unsigned long)len);
    for (bad = 0; bad < len; bad++) {
        buf[bad] = ' ';
        ck_assert_msg(!rwdav_all_class(buf, 0, len, RWC_PATH),
                      "length %lu, space at %lu not seen", (unsigned long)len,
                      (unsigned long)bad);
        buf[bad] = ')';
        ck_assert_msg(rwdav_all_class(buf, 0, len, RWC_PATH)
                      && !rwdav_all_class(buf, 0, len, RWC_TOKEN),
                      "length %lu, ')' at %lu", (unsigned long)len,
                      (unsigned long)bad);
        buf[bad] = 'a';
    }
    /* a bad byte just outside the range is not read as inside */
    buf[len + 1] = ' ';
    ck_assert(rwdav_all_class(buf, 1, len + 1, RWC_PATH));
    buf[0] = ' ';
    ck_assert(rwdav_all_class(buf, 1, len + 1, RWC_PATH));
}
END_TEST

/* ---- rwdav_copymove_check: COPY/MOVE must not destroy their source ----
 * It compares whole paths: its faults are at offset 0. */
#define CM(id) VE(RWDAV_E_DEST_##id, 0)

static const struct {
    const char *name;
    const char *src;        /* the request path, as httpd decoded it */
    const char *dest;       /* the Destination header */
    unit_verdict want;
} cm_rows[] = {
    { "sibling", "/dav/a.txt", "http://h/dav/b.txt", V_OK },
    { "into a sibling folder", "/dav/a.txt", "http://h/dav/f/a.txt", V_OK },
    { "name with the source as prefix", "/dav/a", "http://h/dav/ab", V_OK },
    { "folder to sibling folder", "/dav/f/", "http://h/dav/g/", V_OK },
    { "folder to name with its prefix", "/dav/f/", "http://h/dav/f2/", V_OK },
    { "no path", "/dav/a.txt", "http://h:8080", CM(ROOT) },
    { "root", "/dav/a.txt", "http://h/", CM(PARENT) },
    { "itself", "/dav/a.txt", "http://h/dav/a.txt", CM(SELF) },
    { "itself, escaped", "/dav/a b.txt", "http://h/dav/a%20b.txt", CM(SELF) },
    { "itself, dot-segments", "/dav/a.txt", "http://h/dav/x/../a.txt",
      CM(SELF) },
    { "itself, double slash", "/dav/a.txt", "http://h/dav//a.txt", CM(SELF) },
    { "itself, path-only", "/dav/a.txt", "/dav/./a.txt", CM(SELF) },
    { "folder itself, no slash", "/dav/f/", "http://h/dav/f", CM(SELF) },
    { "parent folder", "/dav/folder/a.txt", "http://h/dav/folder/",
      CM(PARENT) },
    { "parent folder, no slash", "/dav/folder/a.txt", "http://h/dav/folder",
      CM(PARENT) },
    { "grandparent", "/dav/f/g/a.txt", "http://h/dav/", CM(PARENT) },
    { "parent, escaped", "/dav/f/a.txt", "http://h/dav/%66/", CM(PARENT) },
    { "inside the source", "/dav/f/", "http://h/dav/f/sub/", CM(INSIDE) },
    { "inside, escaped slash", "/dav/f", "http://h/dav/f%2Fx", CM(INSIDE) },
};

START_TEST(test_copymove)
{
    apr_pool_t *p = unit_pool();
    rwdav_origin o = { "http", "h", 0, NULL };
    rwdav_limits lim;
    rwdav_destination d;
    rwdav_error *e;

    unit_limits(&lim, NULL);
    e = rwdav_destination_parse(p, cm_rows[_i].dest, strlen(cm_rows[_i].dest),
                                &o, &lim, &d);
    ck_assert_msg(e == NULL || e->status == 502, "[%s] Destination refused",
                  cm_rows[_i].name);
    e = rwdav_copymove_check(p, cm_rows[_i].src, &d.uri);
    CK_VERDICT(p, e, cm_rows[_i].want, UNIT_NO_LEN, cm_rows[_i].name,
               cm_rows[_i].dest, strlen(cm_rows[_i].dest));
    apr_pool_destroy(p);
}
END_TEST

/* A Destination that rwdav_destination_parse did not check: its path may
 * not decode. */
START_TEST(test_copymove_unchecked_path)
{
    apr_pool_t *p = unit_pool();
    rwdav_uri u;
    unit_verdict want = CM(PATH);

    memset(&u, 0, sizeof(u));
    u.path.p = "/a%zz";
    u.path.len = 5;
    CK_VERDICT(p, rwdav_copymove_check(p, "/b", &u), want, UNIT_NO_LEN,
               "bad escape", u.path.p, u.path.len);
    apr_pool_destroy(p);
}
END_TEST

/* ---- rwdav_destination_names: is this origin one of the server's? ---- */
static const struct {
    const char *name;
    const char *dest;
    rwdav_origin o;
    int names;
} names_rows[] = {
    { "same", "https://pub.example/d/x", { "https", "pub.example", 0, NULL },
      1 },
    { "explicit default port", "https://pub.example:443/x",
      { "https", "pub.example", 0, NULL }, 1 },
    { "host case", "https://PUB.example/x", { "https", "pub.Example", 443,
      NULL }, 1 },
    { "other scheme", "http://pub.example/x", { "https", "pub.example", 0,
      NULL }, 0 },
    { "other port", "https://pub.example:8443/x",
      { "https", "pub.example", 0, NULL }, 0 },
    { "origin port", "https://pub.example:8443/x",
      { "https", "pub.example", 8443, NULL }, 1 },
    { "authority with port", "https://pub.example:8443/x",
      { "https", "pub.example", -1, "pub.example:8443" }, 1 },
    { "authority without port", "https://pub.example/x",
      { "https", "pub.example", -1, "pub.example" }, 1 },
    { "other host", "https://evil.example/x", { "https", "pub.example", 0,
      NULL }, 0 },
    { "IPv6", "http://[::1]:8080/x", { "http", "::1", 8080, NULL }, 1 },
    { "path-only names nothing", "/x", { "http", "h", 0, NULL }, 0 },
};

START_TEST(test_destination_names)
{
    apr_pool_t *p = unit_pool();
    rwdav_origin self = { "http", "self.invalid", 1, NULL };
    rwdav_limits lim;
    rwdav_destination d;
    rwdav_error *e;

    unit_limits(&lim, NULL);
    e = rwdav_destination_parse(p, names_rows[_i].dest,
                                strlen(names_rows[_i].dest), &self, &lim, &d);
    ck_assert_msg(e == NULL || e->status == 502, "[%s] Destination refused",
                  names_rows[_i].name);
    ck_assert_msg(rwdav_destination_names(&d.uri, &names_rows[_i].o)
                  == names_rows[_i].names, "[%s] expected %d",
                  names_rows[_i].name, names_rows[_i].names);
    apr_pool_destroy(p);
}
END_TEST

Suite *suite_destination(void)
{
    Suite *s = suite_create("destination");
    TCase *tc = tcase_create("destination_parse");

    tcase_add_loop_test(tc, test_destination, 0, NROWS(dest_rows));
    suite_add_tcase(s, tc);
    tc = tcase_create("scan_absolute_uri");
    tcase_add_loop_test(tc, test_scan_absolute_uri, 0, NROWS(scan_rows));
    suite_add_tcase(s, tc);
    tc = tcase_create("parse_ref_fast");
    tcase_add_loop_test(tc, test_fast_ref, 0, NROWS(fast_rows));
    suite_add_tcase(s, tc);
    tc = tcase_create("tag_fault");
    tcase_add_loop_test(tc, test_tag_fault, RWDAV_E_NONE + 1, RWDAV_E__COUNT);
    suite_add_tcase(s, tc);
    tc = tcase_create("character_classes");
    tcase_add_loop_test(tc, test_ctype, 0, 256);
    tcase_add_loop_test(tc, test_all_class, 0, 14);
    suite_add_tcase(s, tc);
    tc = tcase_create("path_check");
    tcase_add_loop_test(tc, test_path_check, 0, NROWS(pc_rows));
    suite_add_tcase(s, tc);
    tc = tcase_create("copymove_check");
    tcase_add_loop_test(tc, test_copymove, 0, NROWS(cm_rows));
    tcase_add_test(tc, test_copymove_unchecked_path);
    suite_add_tcase(s, tc);
    tc = tcase_create("destination_names");
    tcase_add_loop_test(tc, test_destination_names, 0, NROWS(names_rows));
    suite_add_tcase(s, tc);
    return s;
}
