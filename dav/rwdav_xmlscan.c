/* Fast path of body validation: see rwdav_xmlscan.h. The subset it proves
 * is what WebDAV clients send: US-ASCII bytes, an optional XML declaration
 * (version 1.0; UTF-8, US-ASCII or ISO-8859-1), elements, attributes,
 * namespace declarations with plain absolute URIs, text, comments, the five
 * predefined entities and character references. Everything else (DOCTYPE,
 * CDATA, processing instructions, other bytes, a token cut by a feed
 * boundary, anything unusual in a namespace declaration, a prefix that
 * starts with "xml", a name with two colons) goes to apr_xml. */
#include <string.h>
#include <apr_strings.h>

#include "rwdav_scan.h"
#include "rwdav_xmlscan.h"

/* Caps of the fast path only: past them, apr_xml judges. */
#define XS_MAX_NAME   1000
#define XS_MAX_ATTRS  32
#define XS_MAX_BYTES  4000000

enum {
    X_TEXT = 0x01,      /* plain in text: Char minus < & ] > */
    X_ATTR = 0x02,      /* plain in an attribute value: minus < & " ' */
    X_NSTART = 0x04,    /* ASCII NameStartChar without ':' */
    X_NAME = 0x08,      /* ASCII NameChar without ':' */
    X_WS = 0x10,        /* S */
    X_COMMENT = 0x20    /* Char minus '-' */
};

/* Printable ASCII plus TAB, LF, CR; 0x7F and all other bytes are 0, so the
 * scanner bails on them (the DEL, control, NUL and non-ASCII rows of
 * tests/unit/test_xmlscan.c). */
static const unsigned char xs_ctype[256] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x31, 0x31, 0x00, 0x00, 0x31, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x33, 0x23, 0x21, 0x23, 0x23, 0x23, 0x20, 0x21,
    0x23, 0x23, 0x23, 0x23, 0x23, 0x0b, 0x2b, 0x23,
    0x2b, 0x2b, 0x2b, 0x2b, 0x2b, 0x2b, 0x2b, 0x2b,
    0x2b, 0x2b, 0x23, 0x23, 0x20, 0x23, 0x22, 0x23,
    0x23, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f,
    0x2f, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f,
    0x2f, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f,
    0x2f, 0x2f, 0x2f, 0x23, 0x23, 0x22, 0x23, 0x2f,
    0x23, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f,
    0x2f, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f,
    0x2f, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f, 0x2f,
    0x2f, 0x2f, 0x2f, 0x23, 0x23, 0x23, 0x23, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

#define XC(c, cls) (xs_ctype[(unsigned char)(c)] & (cls))

typedef struct {
    const char *prefix;  /* NULL for the default namespace */
    apr_size_t plen;
    const char *uri;     /* "" undeclares the default namespace */
    apr_size_t ulen;
} xs_ns;

typedef struct {
    const char *qname;
    apr_size_t qlen;
    int ns_mark;         /* bindings in force before this element */
} xs_open;

typedef struct {
    const char *qname, *val;
    apr_size_t qlen, plen, vlen;   /* plen: prefix length, 0 for none */
    int plain;                     /* the value needs no normalisation */
} xs_attr;

enum { S_PROLOG, S_CONTENT, S_EPILOG };

struct rwdav_xs {
    const rwdav_xs_events *ev;
    void *baton;
    apr_size_t base;          /* document offset of the current feed */
    int state;
    int brackets;             /* run of ']' ending the text so far */
    apr_array_header_t *open; /* of xs_open */
    apr_array_header_t *ns;   /* of xs_ns */
};

rwdav_xs *rwdav_xs_create(apr_pool_t *p, const rwdav_xs_events *ev,
                          void *baton)
{
    rwdav_xs *x = apr_pcalloc(p, sizeof(*x));
    x->ev = ev;
    x->baton = baton;
    x->open = apr_array_make(p, 8, sizeof(xs_open));
    x->ns = apr_array_make(p, 4, sizeof(xs_ns));
    return x;
}

static int lit(const char *s, apr_size_t n, const char *l, apr_size_t ln)
{
    return n == ln && !memcmp(s, l, ln);
}
#define LIT(s, n, l) lit((s), (n), (l), sizeof(l) - 1)

static void skip_ws(const char *s, apr_size_t n, apr_size_t *i)
{
    while (*i < n && XC(s[*i], X_WS))
        (*i)++;
}

/* QName: NCName [":" NCName]. Returns 0 to bail; *plen is the prefix
 * length (0 without one). */
static int qname(const char *s, apr_size_t n, apr_size_t *i, apr_size_t *plen)
{
    apr_size_t st = *i, colon = 0;

    if (*i >= n || !XC(s[*i], X_NSTART))
        return 0;
    for ((*i)++; *i < n; (*i)++) {
        if (XC(s[*i], X_NAME))
            continue;
        if (s[*i] != ':' || colon)
            break;
        colon = *i;
        if (*i + 1 >= n || !XC(s[*i + 1], X_NSTART))
            return 0;
    }
    if (*i >= n || *i - st > XS_MAX_NAME)
        return 0;
    *plen = colon ? colon - st : 0;
    return 1;
}

static int valid_char(unsigned long c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
        || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* At '&': a predefined entity or a character reference of a valid Char.
 * *blank tells whether it stands for XML white space. */
static int reference(const char *s, apr_size_t n, apr_size_t *i, int *blank)
{
    apr_size_t j = *i + 1, st;
    unsigned long v = 0;

    if (j < n && s[j] == '#') {
        int hex = ++j < n && s[j] == 'x';
        j += hex;
        for (st = j; j < n && j - st <= 8; j++) {
            int d = rwdav_hexval((unsigned char)s[j]);
            if (d < 0 || (!hex && d > 9))
                break;
            v = v * (hex ? 16 : 10) + (unsigned long)d;
        }
        if (j == st || j >= n || s[j] != ';' || j - st > 8 || !valid_char(v))
            return 0;
        *i = j + 1;
        *blank = v == 0x20 || v == 0x9 || v == 0xA || v == 0xD;
        return 1;
    }
    for (st = j; j < n && j - st < 5 && s[j] != ';'; j++)
        ;
    if (j >= n || s[j] != ';')
        return 0;
    if (!LIT(s + st, j - st, "lt") && !LIT(s + st, j - st, "gt")
        && !LIT(s + st, j - st, "amp") && !LIT(s + st, j - st, "apos")
        && !LIT(s + st, j - st, "quot"))
        return 0;
    *i = j + 1;
    *blank = 0;
    return 1;
}

/* At "<!--". Comment ::= '<!--' ((Char - '-') | ('-' (Char - '-')))* '-->' */
static int comment(const char *s, apr_size_t n, apr_size_t *i)
{
    apr_size_t j = *i + 4;

    for (;;) {
        while (j < n && XC(s[j], X_COMMENT))
            j++;
        if (j + 1 >= n || s[j] != '-')
            return 0;
        if (s[j + 1] != '-') {
            j++;
            continue;
        }
        if (j + 2 >= n || s[j + 2] != '>')
            return 0;
        *i = j + 3;
        return 1;
    }
}

/* A namespace name that apr_xml keeps as it is (nothing to quote) and that is
 * absolute: scheme ":" [ "//" reg-name [ ":" port ] ] *( pchar / "/" /
 * "?" ), without percent-encoding, fragments or IP literals. */
static int plain_uri(const char *s, apr_size_t n)
{
    apr_size_t i = 1;

    if (!n || !RWC_IS(s[0], RWC_ALPHA))
        return 0;
    for (; i < n && s[i] != ':'; i++)
        if (!RWC_IS(s[i], RWC_ALPHA | RWC_DIGIT | RWC_SCHEME_EXTRA))
            return 0;
    if (i >= n)
        return 0;
    i++;
    if (i + 1 < n && s[i] == '/' && s[i + 1] == '/') {
        apr_size_t hs = i += 2, ps;
        while (i < n && RWC_IS(s[i], RWC_UNRESERVED))
            i++;
        if (i == hs)
            return 0;
        if (i < n && s[i] == ':') {
            for (ps = ++i; i < n && RWC_IS(s[i], RWC_DIGIT); i++)
                ;
            if (i == ps || i - ps > 5)
                return 0;
        }
        if (i < n && s[i] != '/' && s[i] != '?')
            return 0;
    }
    /* pchar without percent-encoding, "/" and "?"; no "'" either: the
     * scanner need only prove what clients send, and apr_xml judges the
     * rest */
    for (; i < n; i++)
        if (!((RWC_IS(s[i], RWC_PATH) && s[i] != '\'') || s[i] == '?'))
            return 0;
    return 1;
}

static int reserved_ns(const char *s, apr_size_t n)
{
    return LIT(s, n, "http://www.w3.org/XML/1998/namespace")
        || LIT(s, n, "http://www.w3.org/2000/xmlns/");
}

/* The innermost binding of a prefix (NULL, 0: the default namespace). */
static const xs_ns *lookup(const rwdav_xs *x, const char *prefix,
                           apr_size_t plen)
{
    int k;
    for (k = x->ns->nelts - 1; k >= 0; k--) {
        const xs_ns *b = &APR_ARRAY_IDX(x->ns, k, xs_ns);
        if (prefix ? (b->prefix && lit(b->prefix, b->plen, prefix, plen))
                   : !b->prefix)
            return b;
    }
    return NULL;
}

/* Namespace declarations among the attributes: pushed, or 0 to bail. */
static int declare(rwdav_xs *x, const xs_attr *a, int na)
{
    int k;
    for (k = 0; k < na; k++) {
        xs_ns *b;
        int dflt = LIT(a[k].qname, a[k].qlen, "xmlns");
        if (!dflt && !(a[k].plen == 5 && !memcmp(a[k].qname, "xmlns", 5)))
            continue;
        if (!a[k].plain || (a[k].vlen && !plain_uri(a[k].val, a[k].vlen))
            || reserved_ns(a[k].val, a[k].vlen))
            return 0;
        b = apr_array_push(x->ns);
        b->uri = a[k].val;
        b->ulen = a[k].vlen;
        if (dflt) {
            b->prefix = NULL;
            b->plen = 0;
            continue;
        }
        b->prefix = a[k].qname + 6;
        b->plen = a[k].qlen - 6;
        if (!b->ulen || LIT(b->prefix, b->plen, "xml")
            || LIT(b->prefix, b->plen, "xmlns"))
            return 0;
    }
    return 1;
}

/* The namespace of a prefixed attribute, or NULL (bail). */
static const xs_ns *attr_ns(const rwdav_xs *x, const xs_attr *a)
{
    static const xs_ns xml = { "xml", 3,
                               "http://www.w3.org/XML/1998/namespace", 36 };
    if (LIT(a->qname, a->plen, "xml"))
        return &xml;
    return lookup(x, a->qname, a->plen);
}

/* No attribute twice, by qualified or by expanded name. */
static int attrs_unique(const rwdav_xs *x, const xs_attr *a, int na)
{
    int k, m;
    for (k = 0; k < na; k++) {
        const xs_ns *bk = NULL;
        int is_decl = a[k].plen == 5 && !memcmp(a[k].qname, "xmlns", 5);
        if (a[k].plen && !is_decl && !(bk = attr_ns(x, &a[k])))
            return 0;
        for (m = k + 1; m < na; m++) {
            const xs_ns *bm;
            if (lit(a[k].qname, a[k].qlen, a[m].qname, a[m].qlen))
                return 0;
            if (!bk || !a[m].plen
                || (a[m].plen == 5 && !memcmp(a[m].qname, "xmlns", 5)))
                continue;
            if (!(bm = attr_ns(x, &a[m])))
                return 0;
            if (lit(bk->uri, bk->ulen, bm->uri, bm->ulen)
                && lit(a[k].qname + a[k].plen + 1, a[k].qlen - a[k].plen - 1,
                       a[m].qname + a[m].plen + 1, a[m].qlen - a[m].plen - 1))
                return 0;
        }
    }
    return 1;
}

/* Eq (S? "=" S?) and the quote that opens a value: 1 with *j after it,
 * 0 for anything else. */
static int eq_quote(const char *s, apr_size_t n, apr_size_t *j, char *quote)
{
    skip_ws(s, n, j);
    if (*j >= n || s[*j] != '=')
        return 0;
    (*j)++;
    skip_ws(s, n, j);
    if (*j >= n || (s[*j] != '"' && s[*j] != '\''))
        return 0;
    *quote = s[(*j)++];
    return 1;
}

/* At an attribute's name: Name Eq AttValue. 0 for what apr_xml judges. */
static int attribute(const char *s, apr_size_t n, apr_size_t *pj, xs_attr *a)
{
    apr_size_t j = *pj, vs;
    char quote;
    int blank;

    a->qname = s + j;
    if (!qname(s, n, &j, &a->plen))
        return 0;
    a->qlen = (apr_size_t)(s + j - a->qname);
    if (!eq_quote(s, n, &j, &quote))
        return 0;
    a->plain = 1;
    for (vs = j;;) {
        while (j < n && XC(s[j], X_ATTR))
            j++;
        if (j >= n)
            return 0;
        if (s[j] == quote)
            break;
        if (s[j] == '"' || s[j] == '\'') {
            j++;
            continue;
        }
        a->plain = 0;
        if (s[j] == '\t' || s[j] == '\n' || s[j] == '\r')
            j++;
        else if (s[j] != '&' || !reference(s, n, &j, &blank))
            return 0;
    }
    a->val = s + vs;
    a->vlen = j - vs;
    *pj = j + 1;
    return 1;
}

/* At '<' + NameStartChar: the start tag, its namespaces, its event (at the
 * '<', where apr_xml's expat puts it too). */
static rwdav_xs_result start_tag(rwdav_xs *x, const char *s, apr_size_t n,
                                 apr_size_t *i, int *empty)
{
    xs_attr a[XS_MAX_ATTRS];
    int na = 0, mark = x->ns->nelts;
    apr_size_t j = *i + 1, qs = j, ql, pl, at;
    const xs_ns *b;
    xs_open *o;

    if (!qname(s, n, &j, &pl))
        return RWDAV_XS_BAIL;
    ql = j - qs;
    for (;;) {
        apr_size_t ws = j;
        skip_ws(s, n, &j);
        if (j >= n)
            return RWDAV_XS_BAIL;
        if (s[j] == '>' || (s[j] == '/' && j + 1 < n && s[j + 1] == '>'))
            break;
        if (j == ws || na == XS_MAX_ATTRS || !attribute(s, n, &j, &a[na]))
            return RWDAV_XS_BAIL;
        na++;
    }
    *empty = s[j] == '/';
    j += *empty ? 2 : 1;

    if (!declare(x, a, na) || !attrs_unique(x, a, na))
        return RWDAV_XS_BAIL;
    if (pl) {
        /* apr_xml puts a prefix that starts with "xml" (any case) in no
         * namespace, keeping it in the name: left to apr_xml to name */
        if (pl >= 3 && (s[qs] | 0x20) == 'x' && (s[qs + 1] | 0x20) == 'm'
            && (s[qs + 2] | 0x20) == 'l')
            return RWDAV_XS_BAIL;
        if (!(b = lookup(x, s + qs, pl)))
            return RWDAV_XS_BAIL;
    }
    else {
        b = lookup(x, NULL, 0);
    }
    o = apr_array_push(x->open);
    o->qname = s + qs;
    o->qlen = ql;
    o->ns_mark = mark;
    at = x->base + *i;
    *i = j;
    if (x->ev->start(x->baton, b && b->ulen ? b->uri : NULL,
                     b ? b->ulen : 0, s + qs + (pl ? pl + 1 : 0),
                     pl ? ql - pl - 1 : ql, at))
        return RWDAV_XS_STOP;
    return RWDAV_XS_OK;
}

static rwdav_xs_result close_element(rwdav_xs *x, apr_size_t at)
{
    xs_open *o = &APR_ARRAY_IDX(x->open, x->open->nelts - 1, xs_open);
    x->ns->nelts = o->ns_mark;
    x->open->nelts--;
    if (!x->open->nelts)
        x->state = S_EPILOG;
    return x->ev->end(x->baton, at) ? RWDAV_XS_STOP : RWDAV_XS_OK;
}

/* At "</". */
static rwdav_xs_result end_tag(rwdav_xs *x, const char *s, apr_size_t n,
                               apr_size_t *i)
{
    const xs_open *o = &APR_ARRAY_IDX(x->open, x->open->nelts - 1, xs_open);
    apr_size_t j = *i + 2, at;

    if (j + o->qlen > n || memcmp(s + j, o->qname, o->qlen))
        return RWDAV_XS_BAIL;
    j += o->qlen;
    skip_ws(s, n, &j);
    if (j >= n || s[j] != '>')
        return RWDAV_XS_BAIL;
    at = x->base + *i;
    *i = j + 1;
    return close_element(x, at);
}

/* At offset 0, "<?xml" S: VersionInfo EncodingDecl? SDDecl? S? "?>". */
static int xml_decl(const char *s, apr_size_t n, apr_size_t *i)
{
    static const char *const names[] = { "version", "encoding", "standalone" };
    apr_size_t j = 5;
    int k;

    for (k = 0; k < 3; k++) {
        apr_size_t ws = j, nl = strlen(names[k]), vs;
        char quote;
        skip_ws(s, n, &j);
        if (j + nl > n || memcmp(s + j, names[k], nl) || j == ws) {
            if (k == 0)
                return 0;
            j = ws;
            continue;
        }
        j += nl;
        if (!eq_quote(s, n, &j, &quote))
            return 0;
        for (vs = j; j < n && s[j] != quote; j++)
            ;
        if (j >= n)
            return 0;
        if (k == 0 ? !LIT(s + vs, j - vs, "1.0")
            : k == 1 ? !(rwdav_ieq(s + vs, j - vs, "utf-8")
                         || rwdav_ieq(s + vs, j - vs, "us-ascii")
                         || rwdav_ieq(s + vs, j - vs, "iso-8859-1"))
            : !(LIT(s + vs, j - vs, "yes") || LIT(s + vs, j - vs, "no")))
            return 0;
        j++;
    }
    skip_ws(s, n, &j);
    if (j + 1 >= n || s[j] != '?' || s[j + 1] != '>')
        return 0;
    *i = j + 2;
    return 1;
}

static int all_blank(const char *s, apr_size_t n)
{
    apr_size_t k;
    for (k = 0; k < n; k++)
        if (!XC(s[k], X_WS))
            return 0;
    return 1;
}

/* Markup outside the root element: whitespace and comments only. */
static rwdav_xs_result misc(rwdav_xs *x, const char *s, apr_size_t n,
                            apr_size_t *i)
{
    apr_size_t tag;
    int empty = 0;
    rwdav_xs_result r;

    skip_ws(s, n, i);
    if (*i >= n)
        return RWDAV_XS_OK;
    if (s[*i] != '<' || *i + 1 >= n)
        return RWDAV_XS_BAIL;
    if (s[*i + 1] == '!') {
        if (*i + 3 < n && s[*i + 2] == '-' && s[*i + 3] == '-'
            && comment(s, n, i))
            return RWDAV_XS_OK;
        return RWDAV_XS_BAIL;
    }
    if (x->state == S_EPILOG || !XC(s[*i + 1], X_NSTART))
        return RWDAV_XS_BAIL;
    tag = x->base + *i;
    if ((r = start_tag(x, s, n, i, &empty)) != RWDAV_XS_OK)
        return r;
    x->state = S_CONTENT;
    return empty ? close_element(x, tag) : RWDAV_XS_OK;
}

/* Inside the root: text, references, and markup. */
static rwdav_xs_result content(rwdav_xs *x, const char *s, apr_size_t n,
                               apr_size_t *i)
{
    apr_size_t st = *i, tag;
    int empty = 0, blank;
    rwdav_xs_result r;

    while (*i < n && XC(s[*i], X_TEXT))
        (*i)++;
    if (*i > st) {
        x->brackets = 0;
        if (x->ev->text && !all_blank(s + st, *i - st))
            x->ev->text(x->baton);
    }
    if (*i >= n)
        return RWDAV_XS_OK;
    switch (s[*i]) {
    case ']':
        x->brackets++;
        (*i)++;
        if (x->ev->text)
            x->ev->text(x->baton);
        return RWDAV_XS_OK;
    case '>':
        if (x->brackets >= 2)
            return RWDAV_XS_BAIL;      /* "]]>" in text */
        x->brackets = 0;
        (*i)++;
        if (x->ev->text)
            x->ev->text(x->baton);
        return RWDAV_XS_OK;
    case '&':
        x->brackets = 0;
        if (!reference(s, n, i, &blank))
            return RWDAV_XS_BAIL;
        if (!blank && x->ev->text)
            x->ev->text(x->baton);
        return RWDAV_XS_OK;
    case '<':
        break;
    default:
        return RWDAV_XS_BAIL;
    }
    x->brackets = 0;
    if (*i + 1 >= n)
        return RWDAV_XS_BAIL;
    if (s[*i + 1] == '/')
        return end_tag(x, s, n, i);
    if (s[*i + 1] == '!') {
        if (*i + 3 < n && s[*i + 2] == '-' && s[*i + 3] == '-'
            && comment(s, n, i))
            return RWDAV_XS_OK;
        return RWDAV_XS_BAIL;          /* CDATA and the like */
    }
    if (!XC(s[*i + 1], X_NSTART))
        return RWDAV_XS_BAIL;          /* processing instructions */
    tag = x->base + *i;
    if ((r = start_tag(x, s, n, i, &empty)) != RWDAV_XS_OK)
        return r;
    return empty ? close_element(x, tag) : RWDAV_XS_OK;
}

rwdav_xs_result rwdav_xs_feed(rwdav_xs *x, const char *s, apr_size_t n)
{
    apr_size_t i = 0;
    rwdav_xs_result r = RWDAV_XS_OK;

    if (x->base + n > XS_MAX_BYTES)
        return RWDAV_XS_BAIL;
    if (x->base == 0 && n >= 6 && !memcmp(s, "<?xml", 5)
        && XC(s[5], X_WS) && !xml_decl(s, n, &i))
        return RWDAV_XS_BAIL;
    while (i < n && r == RWDAV_XS_OK)
        r = x->state == S_CONTENT ? content(x, s, n, &i)
                                  : misc(x, s, n, &i);
    x->base += n;
    return r;
}

rwdav_xs_result rwdav_xs_finish(rwdav_xs *x)
{
    return x->state == S_EPILOG ? RWDAV_XS_OK : RWDAV_XS_BAIL;
}
