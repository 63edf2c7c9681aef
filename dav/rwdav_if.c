/* If: the RFC 4918 §10.4 grammar, with the normalisations that let mod_dav
 * 2.4 read a valid header the way the RFC means it. */
#include <string.h>

#include "rwdav.h"
#include "rwdav_scan.h"

/* A span of the input replaced in the header handed to mod_dav. */
typedef struct {
    apr_size_t start, end;
    const char *with;
} if_edit;

typedef struct {
    apr_pool_t *p;
    const char *v;
    apr_size_t len, i;
    const rwdav_limits *lim;
    apr_array_header_t *edits;
    apr_array_header_t *first_conds;    /* for the first list, then NULL */
    int tagged;                 /* -1 until the first list or tag */
    apr_size_t since_tag;       /* lists since the last Resource-Tag */
    apr_size_t conds;           /* conditions so far, all lists */
    rwdav_span resource;        /* the tag of the lists that follow */
} if_scan;

static void array_on(apr_array_header_t *a, apr_pool_t *p, void *elts,
                     int n, int size)
{
    a->pool = p;
    a->elt_size = size;
    a->nelts = 0;
    a->nalloc = n;
    a->elts = elts;
}

static void *push(apr_array_header_t *a)
{
    if (a->nelts < a->nalloc)
        return a->elts + (apr_size_t)a->elt_size * a->nelts++;
    return apr_array_push(a);
}

#define IF_ERR(s, id, at) rwdav_fault((s)->p, (id), (at))

static void skip_lws(if_scan *s)
{
    apr_size_t i = s->i;    /* locals: the usual case skips nothing */
    const char *v = s->v;
    while (i < s->len && (v[i] == ' ' || v[i] == '\t'))
        i++;
    s->i = i;
}

static void edit(if_scan *s, apr_size_t start, apr_size_t end,
                 const char *with)
{
    if_edit *e;
    if (!s->edits)          /* most headers need none */
        s->edits = apr_array_make(s->p, 1, sizeof(if_edit));
    e = apr_array_push(s->edits);
    e->start = start;
    e->end = end;
    e->with = with;
}

/* "<" ... ">" with no LWS inside; returns the content span. */
static rwdav_error *angle(if_scan *s, rwdav_error_id unclosed,
                          apr_size_t *cs, apr_size_t *ce)
{
    const char *gt = memchr(s->v + s->i + 1, '>', s->len - s->i - 1);
    if (!gt)
        return IF_ERR(s, unclosed, s->i);
    *cs = s->i + 1;
    *ce = (apr_size_t)(gt - s->v);
    s->i = *ce + 1;
    return NULL;
}

/* The Resource-Tag's reference: Destination's syntax, told as If's faults
 * at their place in the header. */
static rwdav_error *tag_ref(if_scan *s, apr_size_t cs, apr_size_t ce,
                            rwdav_uri *u)
{
    apr_size_t off;
    rwdav_error_id id;
    rwdav_error *e;

    if ((id = rwdav_parse_ref(s->v + cs, ce - cs, 1, u, &off))
        != RWDAV_E_NONE)
        return IF_ERR(s, rwdav_tag_fault(id), cs + off);
    /* mod_dav keeps only the path of a tag and refuses one without it */
    if (u->scheme.p && !rwdav_scheme_port(u->scheme.p, u->scheme.len))
        return IF_ERR(s, RWDAV_E_IF_TAG_SCHEME, cs);
    if (u->scheme.p && u->host.len == 0)
        return IF_ERR(s, RWDAV_E_IF_TAG_NO_HOST,
                      u->host.p ? (apr_size_t)(u->host.p - s->v)
                                : cs + u->scheme.len + 1);
    if (u->scheme.p && u->has_userinfo)
        return IF_ERR(s, RWDAV_E_IF_TAG_USERINFO, cs + u->scheme.len + 3);
    if ((e = rwdav_path_check(s->p, RWDAV_SUB_IF, u->path.p, u->path.len,
                              NULL)) != NULL)
        /* the path is a piece of the tag: the "/" of an absent path cannot
         * fail */
        e->offset += (apr_size_t)(u->path.p - s->v);
    return e;
}

static rwdav_error *resource_tag(if_scan *s, rwdav_span *resource)
{
    apr_size_t cs, ce;
    rwdav_uri u;
    rwdav_error *e;

    if ((e = angle(s, RWDAV_E_IF_TAG_UNCLOSED, &cs, &ce)) != NULL
        || (e = tag_ref(s, cs, ce, &u)) != NULL)
        return e;
    resource->p = s->v + cs;
    resource->len = ce - cs;
    return NULL;
}

static rwdav_error *state_token(if_scan *s, rwdav_if_condition *c)
{
    apr_size_t cs, ce, off;
    int has_path;
    rwdav_error *e;

    if ((e = angle(s, RWDAV_E_IF_TOKEN_UNCLOSED, &cs, &ce)))
        return e;
    if (!rwdav_scan_absolute_uri(s->v + cs, ce - cs, &off))
        return IF_ERR(s, ce == cs ? RWDAV_E_IF_TOKEN_EMPTY
                                  : RWDAV_E_IF_TOKEN_NOT_URI, cs + off);
    if (!rwdav_locktoken_uri_ok(s->v + cs, ce - cs, &has_path))
        return IF_ERR(s, RWDAV_E_IF_TOKEN_OPAQUE, cs);
    /* mod_dav_fs cannot parse a token with a path, nor a list holding ')';
     * neither can name one of its locks, so both become a token that
     * matches nothing, exactly as the RFC evaluates them. */
    if (has_path || memchr(s->v + cs, ')', ce - cs))
        edit(s, cs, ce, "DAV:no-lock");
    c->value.p = s->v + cs;
    c->value.len = ce - cs;
    return NULL;
}

static rwdav_error *etag(if_scan *s, rwdav_if_condition *c)
{
    apr_size_t st = ++s->i, k;
    int odd = 0;

    if (s->i + 1 < s->len && s->v[s->i] == 'W' && s->v[s->i + 1] == '/')
        s->i += 2;
    if (s->i >= s->len || s->v[s->i] != '"')
        return IF_ERR(s, RWDAV_E_IF_ETAG_UNQUOTED, s->i);
    for (k = s->i + 1; k < s->len && s->v[k] != '"'; k++) {
        if (!RWC_IS(s->v[k], RWC_ETAGC) && s->v[k] != ' ' && s->v[k] != '\t')
            return IF_ERR(s, RWDAV_E_IF_ETAG_CHAR, k);
        if (s->v[k] == ')' || s->v[k] == ']')
            odd = 1;
    }
    if (k >= s->len)
        return IF_ERR(s, RWDAV_E_IF_ETAG_UNCLOSED, s->i);
    if (k + 1 >= s->len || s->v[k + 1] != ']')
        return IF_ERR(s, RWDAV_E_IF_ETAG_BRACKET, k + 1);
    if (odd)
        edit(s, st, k + 1, "\"rw-no-match\"");
    c->value.p = s->v + st;
    c->value.len = k + 1 - st;
    s->i = k + 2;
    return NULL;
}

/* ["Not"] (State-token / "[" entity-tag "]"); open is the list's '('. */
static rwdav_error *condition(if_scan *s, rwdav_if_condition *c,
                              apr_size_t open)
{
    memset(c, 0, sizeof(*c));
    /* x | 0x20 is 'n' for 'N' and 'n' only, and so on */
    if (s->i + 3 <= s->len && (s->v[s->i] | 0x20) == 'n'
        && (s->v[s->i + 1] | 0x20) == 'o'
        && (s->v[s->i + 2] | 0x20) == 't') {
        if (memcmp(s->v + s->i, "Not", 3))
            edit(s, s->i, s->i + 3, "Not");
        c->negated = 1;
        s->i += 3;
        skip_lws(s);
        if (s->i >= s->len)
            return IF_ERR(s, RWDAV_E_IF_LIST_UNCLOSED, open);
    }
    if (s->v[s->i] == '<')
        return state_token(s, c);
    if (s->v[s->i] == '[') {
        c->is_etag = 1;
        return etag(s, c);
    }
    return IF_ERR(s, (s->v[s->i] | 0x20) == 'n' && c->negated
                     ? RWDAV_E_IF_NOT_TWICE : RWDAV_E_IF_LIST_SYNTAX, s->i);
}

static rwdav_error *list(if_scan *s, rwdav_if_list *l)
{
    apr_size_t open = s->i++;
    rwdav_error *e;

    if (s->first_conds) {
        l->conditions = s->first_conds;
        s->first_conds = NULL;
    }
    else {
        l->conditions = apr_array_make(s->p, 2, sizeof(rwdav_if_condition));
    }
    for (;;) {
        skip_lws(s);
        if (s->i >= s->len)
            return IF_ERR(s, RWDAV_E_IF_LIST_UNCLOSED, open);
        if (s->v[s->i] == ')') {
            if (l->conditions->nelts == 0)
                return IF_ERR(s, RWDAV_E_IF_LIST_EMPTY, open);
            s->i++;
            return NULL;
        }
        if (++s->conds > s->lim->if_conditions)
            return IF_ERR(s, RWDAV_E_IF_TOO_MANY_CONDITIONS, s->i);
        if ((e = condition(s, push(l->conditions), open)) != NULL)
            return e;
    }
}

rwdav_error *rwdav_if_refresh_check(apr_pool_t *p, const rwdav_if *ifh)
{
    int i, k;

    for (i = 0; ifh && i < ifh->lists->nelts; i++) {
        const rwdav_if_list *l = &APR_ARRAY_IDX(ifh->lists, i, rwdav_if_list);
        for (k = 0; k < l->conditions->nelts; k++) {
            const rwdav_if_condition *c =
                &APR_ARRAY_IDX(l->conditions, k, rwdav_if_condition);
            if (!c->negated && !c->is_etag)
                return NULL;
        }
    }
    return rwdav_fault(p, ifh ? RWDAV_E_IF_REFRESH_NO_TOKEN
                              : RWDAV_E_IF_REFRESH_NO_IF, 0);
}

/* The usual header, "(<token>)" or "(Not <token>)" with a token of a
 * scheme and plain path bytes, in one pass: 1 with *out filled as the
 * grammar below would fill it; 0 for anything else (tags, entity-tags,
 * several conditions, "not", extra LWS, escapes, opaquelocktoken tokens
 * with a path or malformed), which the grammar then takes from the start. */
static int if_plain(apr_pool_t *p, const char *v, apr_size_t len,
                    rwdav_if *out)
{
    apr_size_t i = 1, cs;
    int negated = 0, has_path;
    rwdav_if_condition *c;

    /* the closing ">)" first: '>' is no URI byte, so the scans below stop
     * at it without a bounds check */
    if (len < 6 || v[0] != '(' || v[len - 1] != ')' || v[len - 2] != '>')
        return 0;
    if (v[1] == 'N' && v[2] == 'o' && v[3] == 't' && v[4] == ' ')
        negated = 1, i = 5;
    if (v[i] != '<' || !RWC_IS(v[i + 1], RWC_ALPHA))
        return 0;
    cs = ++i;
    do
        i++;
    while (RWC_IS(v[i], RWC_ALPHA | RWC_DIGIT | RWC_SCHEME_EXTRA));
    if (v[i] != ':' || (v[i + 1] == '/' && v[i + 2] == '/'))
        return 0;
    /* the rest up to ">)": ')' is a path byte, but mod_dav_fs cannot read
     * it in a token */
    if (!rwdav_all_class(v, i + 1, len - 2, RWC_TOKEN))
        return 0;
    i = len - 2;
    if (!rwdav_locktoken_uri_ok(v + cs, i - cs, &has_path) || has_path)
        return 0;
    array_on(&out->room.lists, p, out->room.l, 1, sizeof(rwdav_if_list));
    array_on(&out->room.conds, p, out->room.c, 2, sizeof(rwdav_if_condition));
    out->lists = &out->room.lists;
    out->room.l[0].resource.p = NULL;
    out->room.l[0].resource.len = 0;
    out->room.l[0].conditions = &out->room.conds;
    out->room.lists.nelts = 1;
    out->room.conds.nelts = 1;
    c = &out->room.c[0];
    c->negated = negated;
    c->is_etag = 0;
    c->value.p = v + cs;
    c->value.len = i - cs;
    return 1;
}

/* A Resource-Tag: the lists after it, up to the next tag, are its. */
static rwdav_error *if_tag(if_scan *s)
{
    rwdav_error *e;

    if (s->tagged == 0)
        return IF_ERR(s, RWDAV_E_IF_MIXED_TAGGING, s->i);
    if (s->tagged == 1 && s->since_tag == 0)
        return IF_ERR(s, RWDAV_E_IF_TAG_WITHOUT_LIST, s->i);
    s->tagged = 1;
    if ((e = resource_tag(s, &s->resource)) != NULL)
        return e;
    s->since_tag = 0;
    return NULL;
}

/* A list: the last Resource-Tag's, if any. */
static rwdav_error *if_list(if_scan *s, rwdav_if *out)
{
    rwdav_if_list *li;
    rwdav_error *e;

    if (s->tagged == -1)
        s->tagged = 0;
    if ((apr_size_t)out->lists->nelts >= s->lim->if_lists)
        return IF_ERR(s, RWDAV_E_IF_TOO_MANY_LISTS, s->i);
    li = push(out->lists);
    li->resource = s->resource;
    if ((e = list(s, li)) != NULL)
        return e;
    s->since_tag++;
    return NULL;
}

/* The header mod_dav gets: the input with the edits applied, in order. */
static const char *if_rewrite(apr_pool_t *p, const char *v, apr_size_t len,
                              const apr_array_header_t *edits)
{
    const if_edit *ed = (const if_edit *)edits->elts;
    apr_size_t at = 0, n = 0;
    char *buf;
    int k;

    for (k = 0; k < edits->nelts; k++)
        n += ed[k].start - at + strlen(ed[k].with), at = ed[k].end;
    n += len - at;
    buf = apr_palloc(p, n + 1);
    for (at = 0, n = 0, k = 0; k < edits->nelts; k++) {
        apr_size_t w = strlen(ed[k].with);
        memcpy(buf + n, v + at, ed[k].start - at);
        n += ed[k].start - at;
        memcpy(buf + n, ed[k].with, w);
        n += w;
        at = ed[k].end;
    }
    memcpy(buf + n, v + at, len - at);
    buf[n + len - at] = '\0';
    return buf;
}

static void if_start(if_scan *s, apr_pool_t *p, const char *v,
                     apr_size_t len, const rwdav_limits *lim, rwdav_if *out)
{
    memset(s, 0, sizeof(*s));
    s->p = p;
    s->v = v;
    s->len = len;
    s->lim = lim;
    s->tagged = -1;
    out->tagged = 0;
    out->normalized = NULL;
    out->rewritten = 0;
    array_on(&out->room.lists, p, out->room.l, 1, sizeof(rwdav_if_list));
    array_on(&out->room.conds, p, out->room.c, 2, sizeof(rwdav_if_condition));
    out->lists = &out->room.lists;
    s->first_conds = &out->room.conds;
}

static rwdav_error *if_grammar(apr_pool_t *p, const char *v, apr_size_t len,
                               const rwdav_limits *lim, rwdav_if *out)
{
    if_scan s;
    rwdav_error *e;

    if_start(&s, p, v, len, lim, out);
    if (len == 0)
        return IF_ERR(&s, RWDAV_E_IF_EMPTY, 0);
    if (len > lim->header_len)
        return IF_ERR(&s, RWDAV_E_IF_TOO_LONG, lim->header_len);
    for (;;) {
        skip_lws(&s);
        if (s.i >= len)
            break;
        if (v[s.i] == '<')
            e = if_tag(&s);
        else if (v[s.i] == '(')
            e = if_list(&s, out);
        else
            e = IF_ERR(&s, v[s.i] == ',' ? RWDAV_E_IF_COMMA
                                         : RWDAV_E_IF_SYNTAX, s.i);
        if (e)
            return e;
    }
    if (s.tagged == 1 && s.since_tag == 0)
        return IF_ERR(&s, RWDAV_E_IF_TAG_WITHOUT_LIST, len);
    if (out->lists->nelts == 0)
        return IF_ERR(&s, RWDAV_E_IF_EMPTY, 0);
    out->tagged = s.tagged == 1;
    if (s.edits) {
        out->normalized = if_rewrite(p, v, len, s.edits);
        out->rewritten = 1;
    }
    return NULL;
}

rwdav_error *rwdav_if_parse(apr_pool_t *p, const char *v, apr_size_t len,
                            const rwdav_limits *lim, rwdav_if *out)
{
    if (len <= lim->header_len && if_plain(p, v, len, out)) {
        out->tagged = 0;
        out->normalized = NULL;
        out->rewritten = 0;
        return NULL;
    }
    return if_grammar(p, v, len, lim, out);
}

rwdav_error *rwdav_if_parse_general(apr_pool_t *p, const char *v,
                                    apr_size_t len, const rwdav_limits *lim,
                                    rwdav_if *out)
{
    return if_grammar(p, v, len, lim, out);
}
