/*
 * The fast body scanner (dav/rwdav_xmlscan.c): what it proves by itself and
 * what it hands to apr_xml. A row either completes on the fast path with
 * exactly the listed element events, or bails; it never refuses (the
 * verdicts themselves are test_body.c's, run with and without the scanner).
 * Each row is also fed in two at every byte: a cut inside a token may bail,
 * but a completed scan always reports the same events.
 */
#include "unit.h"
#include "rwdav_xmlscan.h"

typedef struct {
    const char *name;
    const char *in;
    const char *events;   /* NULL: the scanner must bail */
} xs_row;

#define D "xmlns:D=\"DAV:\""

static const xs_row xs_rows[] = {
    /* what clients send: proven here */
    { "minimal", "<D:propfind " D "/>", "<{DAV:}propfind >" },
    { "decl utf-8", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<D:propfind " D "><D:allprop/></D:propfind>\n",
      "<{DAV:}propfind <{DAV:}allprop > >" },
    { "decl single quotes, standalone",
      "<?xml version='1.0' encoding='US-ASCII' standalone='no' ?>"
      "<a xmlns='DAV:'/>", "<{DAV:}a >" },
    { "decl iso-8859-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>",
      "<{}a >" },
    { "default ns and undeclaring it",
      "<propfind xmlns=\"DAV:\"><prop><x xmlns=\"\"/><y/></prop></propfind>",
      "<{DAV:}propfind <{DAV:}prop <{}x > <{DAV:}y > > >" },
    { "prefix scope ends with its element",
      "<a xmlns:p=\"urn:1\"><p:b xmlns:p=\"urn:2\"/><p:c/></a>",
      "<{}a <{urn:2}b > <{urn:1}c > >" },
    { "text, references, comments",
      "<!-- pre --><a>x &lt;&gt;&amp;&apos;&quot; &#65;&#x41;&#x10FFFF; "
      "]] > ]>]<!-- in - side --></a> <!-- post -->\r\n",
      "<{}a >" },
    { "attributes", "<a b=\"1\" c='\"' d=\"&amp;&#9;\" e = \"\t\" xml:lang=\"en\" "
      "xmlns:p=\"http://h.example:8080/p?q=1;r\" p:b=\"2\"/>", "<{}a >" },
    { "same local name, different namespaces",
      "<a xmlns:p=\"urn:1\" xmlns:q=\"urn:2\" p:x=\"1\" q:x=\"2\"/>",
      "<{}a >" },
    { "names with . - _ digits", "<_a.b-c9 xmlns=\"urn:x\"></_a.b-c9 >",
      "<{urn:x}_a.b-c9 >" },

    /* handed to apr_xml */
    { "empty", "", NULL },
    { "whitespace only", "  \n", NULL },
    { "no root end", "<a>", NULL },
    { "text after root", "<a/>x", NULL },
    { "second root", "<a/><b/>", NULL },
    { "text before root", "x<a/>", NULL },
    { "DOCTYPE", "<!DOCTYPE a><a/>", NULL },
    { "CDATA", "<a><![CDATA[x]]></a>", NULL },
    { "processing instruction", "<a><?pi x?></a>", NULL },
    { "PI before root", "<?pi?><a/>", NULL },
    { "decl not first", " <?xml version=\"1.0\"?><a/>", NULL },
    { "decl version 1.1", "<?xml version=\"1.1\"?><a/>", NULL },
    { "decl UTF-16 label", "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>",
      NULL },
    { "decl without version", "<?xml encoding=\"utf-8\"?><a/>", NULL },
    { "decl attributes unseparated",
      "<?xml version=\"1.0\"encoding=\"utf-8\"?><a/>", NULL },
    { "non-ASCII text", "<a>\xc3\xa9</a>", NULL },
    { "DEL byte", "<a>\x7f</a>", NULL },
    { "control byte", "<a>\x01</a>", NULL },
    { "NUL byte", "<a>\0</a>", NULL },
    { "]]> in text", "<a>]]></a>", NULL },
    { "]]> across a reference", "<a>]]&amp;></a>", "<{}a >" },
    { "unknown entity", "<a>&nbsp;</a>", NULL },
    { "bad char reference", "<a>&#xD800;</a>", NULL },
    { "char reference to NUL", "<a>&#0;</a>", NULL },
    { "char reference too long", "<a>&#x0000000041;</a>", NULL },
    { "uppercase X reference", "<a>&#X41;</a>", NULL },
    { "-- in a comment", "<a><!-- a -- b --></a>", NULL },
    { "comment ending --->", "<a><!-- a ---></a>", NULL },
    { "mismatched end tag", "<a></b>", NULL },
    { "end tag with another prefix", "<p:a xmlns:p=\"urn:1\" xmlns:q=\"urn:1\">"
      "</q:a>", NULL },
    { "undeclared element prefix", "<p:a/>", NULL },
    { "undeclared attribute prefix", "<a p:b=\"1\"/>", NULL },
    { "xml prefix on an element", "<xml:a/>", NULL },
    { "xmlns prefix on an element", "<xmlns:a/>", NULL },
    { "duplicate attribute", "<a b=\"1\" b=\"2\"/>", NULL },
    { "duplicate expanded attribute",
      "<a xmlns:p=\"urn:1\" xmlns:q=\"urn:1\" p:x=\"1\" q:x=\"2\"/>", NULL },
    { "duplicate declaration", "<a xmlns:p=\"urn:1\" xmlns:p=\"urn:2\"/>",
      NULL },
    { "empty prefixed namespace", "<a xmlns:p=\"\"/>", NULL },
    { "relative namespace", "<a xmlns=\"rel/x\"/>", NULL },
    { "namespace with a space", "<a xmlns=\"urn:a b\"/>", NULL },
    { "namespace with percent", "<a xmlns=\"urn:a%20b\"/>", NULL },
    { "namespace with fragment", "<a xmlns=\"http://h/#f\"/>", NULL },
    { "namespace IP literal", "<a xmlns=\"http://[::1]/\"/>", NULL },
    { "namespace empty port", "<a xmlns=\"http://h:/\"/>", NULL },
    { "namespace empty host", "<a xmlns=\"http:///x\"/>", NULL },
    { "namespace with a reference", "<a xmlns=\"urn:&amp;\"/>", NULL },
    { "namespace with a tab", "<a xmlns=\"urn:a\tb\"/>", NULL },
    { "xml namespace declared", "<a xmlns:xml=\""
      "http://www.w3.org/XML/1998/namespace\"/>", NULL },
    { "xml namespace as default", "<a xmlns=\""
      "http://www.w3.org/XML/1998/namespace\"/>", NULL },
    { "xmlns namespace bound", "<a xmlns:p=\"http://www.w3.org/2000/xmlns/\"/>",
      NULL },
    { "xmlns prefix declared", "<a xmlns:xmlns=\"urn:1\"/>", NULL },
    { "attribute without space", "<a b=\"1\"c=\"2\"/>", NULL },
    { "attribute without value", "<a b/>", NULL },
    { "unquoted attribute", "<a b=1/>", NULL },
    { "< in attribute", "<a b=\"<\"/>", NULL },
    { "two colons", "<a:b:c xmlns:a=\"urn:1\"/>", NULL },
    { "colon first", "<:a/>", NULL },
    { "colon last", "<a: xmlns:a=\"urn:1\"/>", NULL },
    { "digit first", "<1a/>", NULL },
    { "local part digit first", "<p:1a xmlns:p=\"urn:1\"/>", NULL },
};

typedef struct {
    apr_pool_t *p;
    const char *events;
} xs_log;

static int on_start(void *baton, const char *uri, apr_size_t ulen,
                    const char *local, apr_size_t llen, apr_size_t at)
{
    xs_log *l = baton;
    l->events = apr_psprintf(l->p, "%s%s<{%.*s}%.*s", l->events,
                             *l->events ? " " : "", (int)ulen,
                             uri ? uri : "", (int)llen, local);
    return 0;
}

static int on_end(void *baton, apr_size_t at)
{
    xs_log *l = baton;
    l->events = apr_pstrcat(l->p, l->events, " >", NULL);
    return 0;
}

static const rwdav_xs_events log_events = { on_start, on_end, NULL };

/* NULL when the scan bailed, else the events */
static const char *scan(apr_pool_t *p, const char *in, apr_size_t len,
                        apr_size_t split)
{
    xs_log l = { p, "" };
    rwdav_xs *x = rwdav_xs_create(p, &log_events, &l);

    if (rwdav_xs_feed(x, in, split) != RWDAV_XS_OK
        || rwdav_xs_feed(x, in + split, len - split) != RWDAV_XS_OK
        || rwdav_xs_finish(x) != RWDAV_XS_OK)
        return NULL;
    return l.events;
}

START_TEST(test_xmlscan)
{
    const xs_row *r = &xs_rows[_i];
    apr_pool_t *p = unit_pool();
    /* "NUL byte" holds one: the length is the literal's */
    apr_size_t len = strlen(r->in) + (!strcmp(r->name, "NUL byte") ? 5 : 0);
    const char *got = scan(p, r->in, len, len), *cut;
    apr_size_t k;

    if (r->events)
        ck_assert_msg(got && !strcmp(got, r->events),
                      "[%s] events %s, expected %s", r->name,
                      got ? got : "(bailed)", r->events);
    else
        ck_assert_msg(got == NULL, "[%s] proven (%s), expected to bail",
                      r->name, got);
    for (k = 0; k <= len; k++) {
        cut = scan(p, r->in, len, k);
        ck_assert_msg(cut == NULL || (got && !strcmp(cut, got)),
                      "[%s] cut at %lu: %s, whole: %s", r->name,
                      (unsigned long)k, cut, got ? got : "(bailed)");
    }
    apr_pool_destroy(p);
}
END_TEST

/* A structure fault stops the scan where the callback said so. */
static int stop_at_second(void *baton, const char *uri, apr_size_t ulen,
                          const char *local, apr_size_t llen, apr_size_t at)
{
    int *n = baton;
    return ++*n == 2;
}

static int no_stop(void *baton, apr_size_t at)
{
    return 0;
}

START_TEST(test_xmlscan_stop)
{
    static const rwdav_xs_events ev = { stop_at_second, no_stop, NULL };
    apr_pool_t *p = unit_pool();
    int n = 0;
    rwdav_xs *x = rwdav_xs_create(p, &ev, &n);
    ck_assert_int_eq(rwdav_xs_feed(x, "<a><b/><c/></a>", 15), RWDAV_XS_STOP);
    ck_assert_int_eq(n, 2);
    apr_pool_destroy(p);
}
END_TEST

Suite *suite_xmlscan(void)
{
    Suite *s = suite_create("xmlscan");
    TCase *tc = tcase_create("scan");
    tcase_add_loop_test(tc, test_xmlscan, 0, NROWS(xs_rows));
    tcase_add_test(tc, test_xmlscan_stop);
    suite_add_tcase(s, tc);
    return s;
}
