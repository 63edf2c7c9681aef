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
/* refused row against the default origin */
#define BAD(nm, v, st) \
    { nm, IN(v), NULL, O_8080, 0, st, NULL, 0, 0, NULL, NULL, 0, NULL, NULL }

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
    { "port 80: other port", IN(H8080 "/x"), NULL, O_80, 0, V502(1),
      NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
    { "port 80: port 0", IN("http://127.0.0.1:0/x"), NULL, O_80, 0, V400(1),
      NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
    { "port 80: https", IN("https://127.0.0.1/x"), NULL, O_80, 0, V502(1),
      NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
    /* https origin on 443, named host */
    { "https: path", IN("/x"), NULL, O_HTTPS, 0, V_OK,
      "https://example.com/x", 1, 1, NULL, NULL, 0, "/x", NULL },
    { "https: host case", IN("https://EXAMPLE.com/x"), NULL, O_HTTPS, 0,
      V_OK, NULL, 0, 1, "https", "EXAMPLE.com", 0, "/x", NULL },
    { "https: explicit 443", IN("https://example.com:443/x"), NULL, O_HTTPS,
      0, V_OK, NULL, 0, 1, "https", "example.com", 443, "/x", NULL },
    { "https: http scheme", IN("http://example.com/x"), NULL, O_HTTPS, 0,
      V502(1), NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
    { "https: port 8443", IN("https://example.com:8443/x"), NULL, O_HTTPS, 0,
      V502(1), NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
    { "https: other host", IN("https://www.example.com/x"), NULL, O_HTTPS, 0,
      V502(1), NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
    /* the origin's host as httpd gives it: case-blind, brackets optional */
    { "origin upper host", IN("http://example.com/x"), NULL, O_UPPER, 0,
      V_OK, NULL, 0, 1, "http", "example.com", 0, "/x", NULL },
    { "origin upper host: path", IN("/x"), NULL, O_UPPER, 0, V_OK,
      "http://Example.COM/x", 1, 1, NULL, NULL, 0, "/x", NULL },
    { "origin upper host: other", IN("http://example.org/x"), NULL, O_UPPER,
      0, V502(1), NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
    { "IPv6 origin", IN("http://[::1]:8080/x"), NULL, O_V6, 0, V_OK,
      NULL, 0, 1, "http", "[::1]", 8080, "/x", NULL },
    { "IPv6 origin without []", IN("http://[::1]:8080/x"), NULL, O_V6_BARE,
      0, V_OK, NULL, 0, 1, "http", "[::1]", 8080, "/x", NULL },
    { "IPv6 origin without []: path", IN("/x"), NULL, O_V6_BARE, 0, V_OK,
      "http://[::1]:8080/x", 1, 1, NULL, NULL, 0, "/x", NULL },
    { "IPv6 origin: other address", IN("http://[::2]:8080/x"), NULL, O_V6,
      0, V502(1), NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
    { "IPv6 origin: half brackets", IN("http://[::1:8080/x"), NULL, O_V6,
      0, V400(1), NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
    /* the port from the Host header; its bytes equal to the Destination's
     * authority name this server, the scheme still checked */
    { "Host: same bytes", IN(H8080 "/x"), NULL, O_HOST, 0, V_OK,
      NULL, 0, 1, "http", "127.0.0.1", 8080, "/x", NULL },
    { "Host: same bytes, https", IN("https://127.0.0.1:8080/x"), NULL,
      O_HOST, 0, V502(1), NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
    { "Host: other port", IN("http://127.0.0.1:8081/x"), NULL, O_HOST, 0,
      V502(1), NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
    { "Host: default port", IN("http://127.0.0.1/x"), NULL, O_HOST, 0,
      V502(1), NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
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
    { "Host without port: :8080", IN("http://example.com:8080/x"), NULL,
      O_HOST_NOPORT, 0, V502(1), NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
    { "Host without port: path", IN("/x"), NULL, O_HOST_NOPORT, 0, V_OK,
      "http://example.com/x", 1, 1, NULL, NULL, 0, "/x", NULL },
    { "Host IPv6", IN("http://[::1]:8080/x"), NULL, O_HOST_V6, 0, V_OK,
      NULL, 0, 1, "http", "[::1]", 8080, "/x", NULL },
    { "Host IPv6: no port", IN("http://[::1]/x"), NULL, O_HOST_V6, 0,
      V502(1), NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
    { "Host IPv6: path", IN("/x"), NULL, O_HOST_V6, 0, V_OK,
      "http://[::1]:8080/x", 1, 1, NULL, NULL, 0, "/x", NULL },
    /* another scheme, host or port: 502 */
    BAD("https on http", "https://127.0.0.1:8080/x", V502(1)),
    BAD("HTTPS on http", "HTTPS://127.0.0.1:8080/", V502(1)),
    BAD("ftp", "ftp://127.0.0.1:8080/x", V502(1)),
    BAD("urn", "urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2", V502(1)),
    BAD("mailto", "mailto:a@example.com", V502(1)),
    BAD("default port 80", "http://127.0.0.1/x", V502(1)),
    BAD("explicit port 80", "http://127.0.0.1:80/x", V502(1)),
    BAD("port 8081", "http://127.0.0.1:8081/x", V502(1)),
    BAD("other address", "http://127.0.0.2:8080/x", V502(1)),
    BAD("other name", "http://localhost:8080/x", V502(1)),
    BAD("IPv6 literal", "http://[::1]:8080/x", V502(1)),
    BAD("IPv4-mapped IPv6", "http://[::ffff:127.0.0.1]:8080/x", V502(1)),
    /* syntax: 400.1 */
    BAD("empty", "", V400(1)),
    BAD("relative a/b", "a/b", V400(1)),
    BAD("relative ./x", "./x", V400(1)),
    BAD("relative ../x", "../x", V400(1)),
    BAD("relative x", "x", V400(1)),
    BAD("network-path", "//127.0.0.1:8080/x", V400(1)),
    BAD("double slash", "//", V400(1)),
    BAD("colons", "::::", V400(1)),
    BAD("query only", "?x", V400(1)),
    BAD("fragment only", "#x", V400(1)),
    BAD("scheme with digit first", "1http://127.0.0.1:8080/x", V400(1)),
    BAD("fragment", "/x#frag", V400(1)),
    BAD("empty fragment", "/x#", V400(1)),
    BAD("absolute fragment", H8080 "/x#f", V400(1)),
    BAD("fragment after query", "/a?b#c", V400(1)),
    BAD("space", "/a b", V400(1)),
    BAD("tab", "/a\tb", V400(1)),
    BAD("CRLF", "/a\r\nb", V400(1)),
    BAD("dquote", "/a\"b", V400(1)),
    BAD("lt", "/a<b", V400(1)),
    BAD("gt", "/a>b", V400(1)),
    BAD("backslash", "/a\\b", V400(1)),
    BAD("caret", "/a^b", V400(1)),
    BAD("backquote", "/a`b", V400(1)),
    BAD("lbrace", "/a{b", V400(1)),
    BAD("pipe", "/a|b", V400(1)),
    BAD("rbrace", "/a}b", V400(1)),
    BAD("lbracket in path", "/a[b", V400(1)),
    BAD("DEL", "/a\x7f", V400(1)),
    BAD("control", "/a\x01", V400(1)),
    BAD("raw UTF-8", "/\xc3\xa9", V400(1)),
    BAD("space in query", "/a?b c", V400(1)),
    BAD("space in absolute", H8080 "/a b", V400(1)),
    BAD("lone percent", "/a%", V400(1)),
    BAD("one hex digit", "/a%2", V400(1)),
    BAD("non-hex zz", "/a%zz", V400(1)),
    BAD("non-hex g0", "/a%g0", V400(1)),
    BAD("non-hex 0g", "/a%0gx", V400(1)),
    BAD("bad escape in query", "/a?%zz", V400(1)),
    BAD("%00 in path", "/a%00b", V400(1)),
    BAD("%00 alone", "/%00", V400(1)),
    BAD("%00 absolute", H8080 "/%00", V400(1)),
    BAD("%00 in query", "/a?x=%00", V400(1)),
    BAD("NUL byte", "/a\0b", V400(1)),
    BAD("NUL only", "\0", V400(1)),
    BAD("trailing NUL", "/\0", V400(1)),
    BAD("NUL in absolute", H8080 "/a\0", V400(1)),
    BAD("http without authority", "http:/x", V400(1)),
    BAD("http rootless", "http:x", V400(1)),
    BAD("http scheme only", "http:", V400(1)),
    BAD("http empty authority", "http://", V400(1)),
    BAD("http empty host", "http:///x", V400(1)),
    BAD("http port no host", "http://:8080/x", V400(1)),
    BAD("userinfo", "http://user@127.0.0.1:8080/x", V400(1)),
    BAD("userinfo with password", "http://user:pw@127.0.0.1:8080/x",
        V400(1)),
    BAD("empty userinfo", "http://@127.0.0.1:8080/x", V400(1)),
    BAD("port non-numeric", "http://127.0.0.1:80a/x", V400(1)),
    BAD("port 99999", "http://127.0.0.1:99999/x", V400(1)),
    BAD("port 65536", "http://127.0.0.1:65536/x", V400(1)),
    BAD("port negative", "http://127.0.0.1:-1/x", V400(1)),
    BAD("two ports", "http://127.0.0.1:8080:80/x", V400(1)),
    BAD("port overflow", "http://127.0.0.1:18446744073709559296/x",
        V400(1)),
    BAD("unclosed IPv6", "http://[::1/x", V400(1)),
    BAD("IPv6 extra bracket", "http://[::1]]:8080/x", V400(1)),
    BAD("IPv6 unbracketed", "http://::1:8080/x", V400(1)),
    /* dot-segments climbing above "/" */
    BAD("/..", "/..", V400(1)),
    BAD("/../", "/../", V400(1)),
    BAD("/../x", "/../x", V400(1)),
    BAD("/a/../../x", "/a/../../x", V400(1)),
    BAD("/a/b/../../../x", "/a/b/../../../x", V400(1)),
    BAD("/./../x", "/./../x", V400(1)),
    BAD("encoded dots", "/%2e%2e/x", V400(1)),
    BAD("encoded dots upper", "/%2E%2E/x", V400(1)),
    BAD("half-encoded dots", "/.%2e/x", V400(1)),
    BAD("encoded dots twice", "/a/%2e%2e/%2e%2e/x", V400(1)),
    BAD("absolute above root", H8080 "/../x", V400(1)),
    BAD("above root then query", "/../x?y", V400(1)),
    /* length: header_len */
    { "header_len 32: 32 bytes", NULL, 0, gen_len32, O_8080, 32, V_OK,
      NULL, 1, 0, NULL, NULL, 0, NULL, NULL },
    { "header_len 32: 33 bytes", NULL, 0, gen_len33, O_8080, 32, V400(1),
      NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
    { "64 KiB path, header_len 8192", NULL, 0, gen_big_path, O_8080, 8192,
      V400(1), NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
    { "64 KiB absolute, header_len 8192", NULL, 0, gen_big_absolute, O_8080,
      8192, V400(1), NULL, 0, 0, NULL, NULL, 0, NULL, NULL },
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
    if (r->header_len) {
        memset(&lim, 0, sizeof(lim));       /* other caps: defaults */
        lim.header_len = r->header_len;
    }
    else {
        unit_limits(&lim, NULL);
    }
    memset(&d, 0, sizeof(d));
    err = rwdav_destination_parse(p, in, len, &origins[r->origin], &lim, &d);
    CK_VERDICT(p, err, r->want, len, r->name, in, len);
    if (r->want.status == 0) {
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
    long want;                  /* -1: valid; -2: invalid at any offset */
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
    { "bad escape",          IN("http://a/%zz"), -2 },
    { "unclosed IPv6",       IN("http://[::1/"), -2 },
    /* faults found only at the end of the value */
    { "no colon",            IN("ab"), -2 },
    { "unclosed IPv6 at end", IN("http://[::1"), -2 },
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
    else if (r->want == -2)
        ck_assert_msg(!ok && got <= r->len, "[%s] \"%s\": offset %lu, expected "
                      "invalid", r->name, unit_repr(p, r->in, r->len),
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
    rwdav_substatus sub;        /* passed in; expected back in errors */
    int ok;
    const char *decoded;        /* when ok; NULL: not compared */
} pc_row;

static const pc_row pc_rows[] = {
    { "root",              IN("/"),            RWDAV_SUB_DESTINATION, 1, "/" },
    { "plain",             IN("/a/b"),         RWDAV_SUB_DESTINATION, 1,
      "/a/b" },
    { "escape",            IN("/a%20b"),       RWDAV_SUB_DESTINATION, 1,
      "/a b" },
    { "escape upper hex",  IN("/%4A%4b"),      RWDAV_SUB_DESTINATION, 1,
      "/JK" },
    { "utf-8 escapes",     IN("/%C3%A9"),      RWDAV_SUB_IF, 1, "/\xc3\xa9" },
    { "dots inside",       IN("/a/../b"),      RWDAV_SUB_DESTINATION, 1, NULL },
    { "back to root",      IN("/a/.."),        RWDAV_SUB_DESTINATION, 1, NULL },
    { "dot",               IN("/./a"),         RWDAV_SUB_DESTINATION, 1, NULL },
    { "dots in names",     IN("/a..b/..c"),    RWDAV_SUB_DESTINATION, 1,
      "/a..b/..c" },
    { "/..",               IN("/.."),          RWDAV_SUB_DESTINATION, 0, NULL },
    { "/../x",             IN("/../x"),        RWDAV_SUB_DESTINATION, 0, NULL },
    { "/a/../../x",        IN("/a/../../x"),   RWDAV_SUB_DESTINATION, 0, NULL },
    { "/./../x",           IN("/./../x"),      RWDAV_SUB_DESTINATION, 0, NULL },
    { "trailing /../",     IN("/a/../../"),    RWDAV_SUB_DESTINATION, 0, NULL },
    { "encoded dots",      IN("/%2e%2e/x"),    RWDAV_SUB_DESTINATION, 0, NULL },
    { "encoded dots (If)", IN("/%2E%2e"),      RWDAV_SUB_IF, 0, NULL },
    { "%00",               IN("/a%00"),        RWDAV_SUB_DESTINATION, 0, NULL },
    { "%00 (If)",          IN("/a%00"),        RWDAV_SUB_IF, 0, NULL },
    { "raw NUL",           IN("/a\0b"),        RWDAV_SUB_DESTINATION, 0, NULL },
    { "lone %",            IN("/a%"),          RWDAV_SUB_DESTINATION, 0, NULL },
    { "%2",                IN("/a%2"),         RWDAV_SUB_DESTINATION, 0, NULL },
    { "%zz",               IN("/a%zz"),        RWDAV_SUB_DESTINATION, 0, NULL },
    { "%zz (Lock-Token)",  IN("/a%zz"),        RWDAV_SUB_LOCK_TOKEN, 0, NULL },
};

START_TEST(test_path_check)
{
    const pc_row *r = &pc_rows[_i];
    apr_pool_t *p = unit_pool();
    const char *dec = NULL;
    unit_verdict want = { 0, 0 };
    rwdav_error *err;

    if (!r->ok) {
        want.status = 400;
        want.sub = r->sub;
    }
    err = rwdav_path_check(p, r->sub, r->in, r->len, &dec);
    CK_VERDICT(p, err, want, r->len, r->name, r->in, r->len);
    if (r->ok && r->decoded)
        CK_STREQ(p, dec, r->decoded, "decoded", r->name);
    if (r->ok)
        ck_assert_msg(dec != NULL, "[%s] decoded not set", r->name);
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
        const char *wa = rwdav_parse_ref(in, strlen(in), allow, &a, &oa);
        const char *wb = rwdav_parse_ref_general(in, strlen(in), allow, &b,
                                                 &ob);
        ck_assert_msg((wa == NULL) == (wb == NULL)
                      && (!wa || (!strcmp(wa, wb) && oa == ob)),
                      "[%s] fast: %s at %lu, general: %s at %lu", in,
                      wa ? wa : "ok", (unsigned long)oa, wb ? wb : "ok",
                      (unsigned long)ob);
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

/* ---- rwdav_copymove_check: COPY/MOVE must not destroy their source ---- */
static const struct {
    const char *name;
    const char *src;        /* the request path, as httpd decoded it */
    const char *dest;       /* the Destination header */
    int status;             /* 0: allowed; else 403 (or 400) with sub 1 */
} cm_rows[] = {
    { "sibling", "/dav/a.txt", "http://h/dav/b.txt", 0 },
    { "into a sibling folder", "/dav/a.txt", "http://h/dav/f/a.txt", 0 },
    { "name with the source as prefix", "/dav/a", "http://h/dav/ab", 0 },
    { "folder to sibling folder", "/dav/f/", "http://h/dav/g/", 0 },
    { "folder to name with its prefix", "/dav/f/", "http://h/dav/f2/", 0 },
    { "no path", "/dav/a.txt", "http://h:8080", 403 },
    { "root", "/dav/a.txt", "http://h/", 403 },
    { "itself", "/dav/a.txt", "http://h/dav/a.txt", 403 },
    { "itself, escaped", "/dav/a b.txt", "http://h/dav/a%20b.txt", 403 },
    { "itself, dot-segments", "/dav/a.txt", "http://h/dav/x/../a.txt", 403 },
    { "itself, double slash", "/dav/a.txt", "http://h/dav//a.txt", 403 },
    { "itself, path-only", "/dav/a.txt", "/dav/./a.txt", 403 },
    { "folder itself, no slash", "/dav/f/", "http://h/dav/f", 403 },
    { "parent folder", "/dav/folder/a.txt", "http://h/dav/folder/", 403 },
    { "parent folder, no slash", "/dav/folder/a.txt", "http://h/dav/folder",
      403 },
    { "grandparent", "/dav/f/g/a.txt", "http://h/dav/", 403 },
    { "parent, escaped", "/dav/f/a.txt", "http://h/dav/%66/", 403 },
    { "inside the source", "/dav/f/", "http://h/dav/f/sub/", 403 },
    { "inside, escaped slash", "/dav/f", "http://h/dav/f%2Fx", 403 },
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
    ck_assert_msg(cm_rows[_i].status ? e && e->status == cm_rows[_i].status
                                       && e->sub == RWDAV_SUB_DESTINATION
                                     : e == NULL,
                  "[%s] expected %d, got %d (%s)", cm_rows[_i].name,
                  cm_rows[_i].status, e ? e->status : 0,
                  e ? e->reason : "allowed");
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
    tc = tcase_create("character_classes");
    tcase_add_loop_test(tc, test_ctype, 0, 256);
    tcase_add_loop_test(tc, test_all_class, 0, 14);
    suite_add_tcase(s, tc);
    tc = tcase_create("path_check");
    tcase_add_loop_test(tc, test_path_check, 0, NROWS(pc_rows));
    suite_add_tcase(s, tc);
    tc = tcase_create("copymove_check");
    tcase_add_loop_test(tc, test_copymove, 0, NROWS(cm_rows));
    suite_add_tcase(s, tc);
    tc = tcase_create("destination_names");
    tcase_add_loop_test(tc, test_destination_names, 0, NROWS(names_rows));
    suite_add_tcase(s, tc);
    return s;
}
