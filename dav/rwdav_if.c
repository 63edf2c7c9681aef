/* If: the RFC 4918 §10.4 grammar, with the normalisations that let mod_dav
 * 2.4 read a valid header the way the RFC means it. */
#include <string.h>
#include <apr_strings.h>

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
    apr_array_header_t *edits;
    apr_array_header_t *first_conds;    /* for the first list, then NULL */
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

#define IF_ERR(s, why, at) \
    rwdav_error_make((s)->p, 400, RWDAV_SUB_IF, (why), (at))

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
static rwdav_error *angle(if_scan *s, const char *what, apr_size_t *cs,
                          apr_size_t *ce)
{
    const char *gt = memchr(s->v + s->i + 1, '>', s->len - s->i - 1);
    if (!gt)
        return IF_ERR(s, what, s->i);
    *cs = s->i + 1;
    *ce = (apr_size_t)(gt - s->v);
    s->i = *ce + 1;
    return NULL;
}

static rwdav_error *resource_tag(if_scan *s, rwdav_if_list *l)
{
    apr_size_t cs, ce, off;
    const char *why;
    rwdav_uri u;
    rwdav_error *e;

    if ((e = angle(s, "unterminated Resource-Tag", &cs, &ce)) != NULL)
        return e;
    if ((why = rwdav_parse_ref(s->v + cs, ce - cs, 1, &u, &off)))
        return IF_ERR(s, apr_pstrcat(s->p, "Resource-Tag: ", why, NULL),
                      cs + off);
    /* mod_dav keeps only the path of a tag and refuses one without it */
    if (u.scheme.p && !rwdav_scheme_port(u.scheme.p, u.scheme.len))
        return IF_ERR(s, "a Resource-Tag must be an http(s) URI or an "
                      "absolute path", cs);
    if (u.scheme.p && (u.host.len == 0 || u.has_userinfo))
        return IF_ERR(s, "Resource-Tag: an http(s) URI needs a host and "
                      "no userinfo", cs);
    if ((e = rwdav_path_check(s->p, RWDAV_SUB_IF, u.path.p, u.path.len,
                              NULL)) != NULL) {
        e->offset = cs;
        return e;
    }
    l->resource.p = s->v + cs;
    l->resource.len = ce - cs;
    return NULL;
}

static rwdav_error *state_token(if_scan *s, rwdav_if_condition *c)
{
    apr_size_t cs, ce, off;
    int has_path;
    rwdav_error *e;

    if ((e = angle(s, "unterminated state token (missing '>')", &cs, &ce)))
        return e;
    if (!rwdav_scan_absolute_uri(s->v + cs, ce - cs, &off))
        return IF_ERR(s, ce == cs ? "empty state token"
                                  : "a state token must be an absolute URI",
                      cs + off);
    if (!rwdav_locktoken_uri_ok(s->v + cs, ce - cs, &has_path))
        return IF_ERR(s, "malformed opaquelocktoken URI (RFC 4918 App. C)",
                      cs);
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
        return IF_ERR(s, "an entity-tag must be quoted", s->i);
    for (k = s->i + 1; k < s->len && s->v[k] != '"'; k++) {
        if (!RWC_IS(s->v[k], RWC_ETAGC) && s->v[k] != ' ' && s->v[k] != '\t')
            return IF_ERR(s, "character not allowed in an entity-tag", k);
        if (s->v[k] == ')' || s->v[k] == ']')
            odd = 1;
    }
    if (k >= s->len)
        return IF_ERR(s, "unterminated entity-tag", s->i);
    if (k + 1 >= s->len || s->v[k + 1] != ']')
        return IF_ERR(s, "entity-tag not closed by ']'", k + 1);
    if (odd)
        edit(s, st, k + 1, "\"rw-no-match\"");
    c->value.p = s->v + st;
    c->value.len = k + 1 - st;
    s->i = k + 2;
    return NULL;
}

static rwdav_error *list(if_scan *s, rwdav_if_list *l, apr_size_t *total,
                         apr_size_t max_conds)
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
        rwdav_if_condition *c;
        skip_lws(s);
        if (s->i >= s->len)
            return IF_ERR(s, "unclosed list (missing ')')", open);
        if (s->v[s->i] == ')') {
            if (l->conditions->nelts == 0)
                return IF_ERR(s, "empty list '()'", open);
            s->i++;
            return NULL;
        }
        if (++*total > max_conds)
            return IF_ERR(s, "too many conditions", s->i);
        c = push(l->conditions);
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
                return IF_ERR(s, "unclosed list (missing ')')", open);
        }
        if (s->v[s->i] == '<') {
            if ((e = state_token(s, c)) != NULL)
                return e;
        }
        else if (s->v[s->i] == '[') {
            c->is_etag = 1;
            if ((e = etag(s, c)) != NULL)
                return e;
        }
        else {
            return IF_ERR(s, (s->v[s->i] == 'N' || s->v[s->i] == 'n')
                             && c->negated
                             ? "'Not' may appear once per condition"
                             : "expected '<', '[', 'Not' or ')' in a list",
                          s->i);
        }
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
    return rwdav_error_make(p, 400, RWDAV_SUB_IF,
                            ifh ? "a LOCK refresh (no body) needs the lock's "
                                  "token in the If header, not negated"
                                : "a LOCK refresh (no body) needs an If header "
                                  "naming the lock", 0);
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

static rwdav_error *if_grammar(apr_pool_t *p, const char *v, apr_size_t len,
                               const rwdav_limits *lim, rwdav_if *out)
{
    apr_size_t max_len = lim->header_len ? lim->header_len
                                         : RWDAV_DEFAULT_HEADER_LEN;
    apr_size_t max_lists = lim->if_lists ? lim->if_lists
                                         : RWDAV_DEFAULT_IF_LISTS;
    apr_size_t max_conds = lim->if_conditions ? lim->if_conditions
                                              : RWDAV_DEFAULT_IF_CONDITIONS;
    if_scan s;
    apr_size_t total = 0, since_tag = 0;
    rwdav_span resource = { NULL, 0 };
    int tagged = -1;

    rwdav_error *e;

    out->tagged = 0;
    out->lists = NULL;
    out->normalized = NULL;
    out->rewritten = 0;
    s.p = p;
    s.v = v;
    s.len = len;
    s.i = 0;
    if (len == 0)
        return IF_ERR(&s, "empty If header", 0);
    if (len > max_len)
        return IF_ERR(&s, "If header too long", max_len);
    s.edits = NULL;
    array_on(&out->room.lists, p, out->room.l, 1, sizeof(rwdav_if_list));
    array_on(&out->room.conds, p, out->room.c, 2, sizeof(rwdav_if_condition));
    out->lists = &out->room.lists;
    s.first_conds = &out->room.conds;

    for (;;) {
        skip_lws(&s);
        if (s.i >= len)
            break;
        if (v[s.i] == '<') {
            rwdav_if_list tag;
            if (tagged == 0)
                return IF_ERR(&s, "tagged and untagged lists are mixed", s.i);
            if (tagged == 1 && since_tag == 0)
                return IF_ERR(&s, "a Resource-Tag must be followed by a list",
                              s.i);
            tagged = 1;
            memset(&tag, 0, sizeof(tag));
            if ((e = resource_tag(&s, &tag)) != NULL)
                return e;
            resource = tag.resource;
            since_tag = 0;
        }
        else if (v[s.i] == '(') {
            rwdav_if_list *li;
            if (tagged == -1)
                tagged = 0;
            if ((apr_size_t)out->lists->nelts >= max_lists)
                return IF_ERR(&s, "too many lists", s.i);
            li = push(out->lists);
            li->resource = resource;
            if ((e = list(&s, li, &total, max_conds)) != NULL)
                return e;
            since_tag++;
        }
        else {
            return IF_ERR(&s, v[s.i] == ','
                          ? "the If header is not a list: send it once"
                          : "expected '(' or '<'", s.i);
        }
    }
    if (tagged == 1 && since_tag == 0)
        return IF_ERR(&s, "a Resource-Tag must be followed by a list", len);
    if (out->lists->nelts == 0)
        return IF_ERR(&s, "empty If header", 0);
    out->tagged = tagged == 1;

    if (s.edits) {
        apr_size_t at = 0, n = 0;
        int k;
        char *buf;
        if_edit *ed = (if_edit *)s.edits->elts;
        for (k = 0; k < s.edits->nelts; k++)
            n += ed[k].start - at + strlen(ed[k].with), at = ed[k].end;
        n += len - at;
        buf = apr_palloc(p, n + 1);
        for (at = 0, n = 0, k = 0; k < s.edits->nelts; k++) {
            apr_size_t w = strlen(ed[k].with);
            memcpy(buf + n, v + at, ed[k].start - at);
            n += ed[k].start - at;
            memcpy(buf + n, ed[k].with, w);
            n += w;
            at = ed[k].end;
        }
        memcpy(buf + n, v + at, len - at);
        buf[n + len - at] = '\0';
        out->normalized = buf;
        out->rewritten = 1;
    }
    return NULL;
}

rwdav_error *rwdav_if_parse(apr_pool_t *p, const char *v, apr_size_t len,
                            const rwdav_limits *lim, rwdav_if *out)
{
    if (len <= (lim->header_len ? lim->header_len : RWDAV_DEFAULT_HEADER_LEN)
        && if_plain(p, v, len, out)) {
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
