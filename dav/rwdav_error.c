/* Errors as values, the sub-status names (KB 943891) and shared helpers. */
#include <string.h>
#include <apr_strings.h>

#include "rwdav.h"
#include "rwdav_scan.h"

static const struct {
    const char *name;
    const char *element;
    const char *field;
} subs[RWDAV_SUB_MAX + 1] = {
    { "", "", "" },
    { "Invalid Destination Header", "invalid-destination-header", "Destination" },
    { "Invalid Depth Header", "invalid-depth-header", "Depth" },
    { "Invalid If Header", "invalid-if-header", "If" },
    { "Invalid Overwrite Header", "invalid-overwrite-header", "Overwrite" },
    { "Invalid Translate Header", "invalid-translate-header", "Translate" },
    { "Invalid Request Body", "invalid-request-body", "request body" },
    { "Invalid Content Length", "invalid-content-length", "Content-Length" },
    { "Invalid Timeout", "invalid-timeout", "Timeout" },
    { "Invalid Lock Token", "invalid-lock-token", "Lock-Token" },
};

const char *rwdav_substatus_name(rwdav_substatus sub)
{
    return (sub >= 0 && sub <= RWDAV_SUB_MAX) ? subs[sub].name : "";
}

const char *rwdav_substatus_element(rwdav_substatus sub)
{
    return (sub >= 0 && sub <= RWDAV_SUB_MAX) ? subs[sub].element : "";
}

const char *rwdav_substatus_field(rwdav_substatus sub)
{
    return (sub >= 0 && sub <= RWDAV_SUB_MAX) ? subs[sub].field : "";
}

rwdav_error *rwdav_error_make(apr_pool_t *p, int status, rwdav_substatus sub,
                              const char *reason, apr_size_t offset)
{
    rwdav_error *e = apr_pcalloc(p, sizeof(*e));
    e->status = status;
    e->sub = sub;
    e->field = rwdav_substatus_field(sub);
    e->reason = reason;
    e->offset = offset;
    return e;
}

void rwdav_limits_default(rwdav_limits *lim)
{
    if (!lim->header_len)    lim->header_len = RWDAV_DEFAULT_HEADER_LEN;
    if (!lim->if_lists)      lim->if_lists = RWDAV_DEFAULT_IF_LISTS;
    if (!lim->if_conditions) lim->if_conditions = RWDAV_DEFAULT_IF_CONDITIONS;
    if (!lim->body_bytes)    lim->body_bytes = RWDAV_DEFAULT_BODY_BYTES;
    if (!lim->xml_depth)     lim->xml_depth = RWDAV_DEFAULT_XML_DEPTH;
    if (!lim->timeout_types) lim->timeout_types = RWDAV_DEFAULT_TIMEOUT_TYPES;
}

int rwdav_hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int rwdav_ieq(const char *s, apr_size_t len, const char *lit)
{
    apr_size_t i;
    for (i = 0; i < len; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)lit[i];
        if (!b)
            return 0;
        if (a >= 'A' && a <= 'Z') a += 32;
        if (b >= 'A' && b <= 'Z') b += 32;
        if (a != b)
            return 0;
    }
    return lit[len] == '\0';
}

int rwdav_ieqn(const char *a, const char *b, apr_size_t n)
{
    apr_size_t i;
    for (i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x += 32;
        if (y >= 'A' && y <= 'Z') y += 32;
        if (x != y)
            return 0;
    }
    return 1;
}

const char *rwdav_xml_escape(apr_pool_t *p, const char *s, apr_size_t len)
{
    apr_size_t i, n = 0;
    char *out, *o;

    for (i = 0; i < len; i++) {
        switch (s[i]) {
        case '&': n += 5; break;
        case '<': case '>': n += 4; break;
        case '"': case '\'': n += 6; break;
        default: n += 1;
        }
    }
    o = out = apr_palloc(p, n + 1);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': memcpy(o, "&amp;", 5); o += 5; break;
        case '<': memcpy(o, "&lt;", 4); o += 4; break;
        case '>': memcpy(o, "&gt;", 4); o += 4; break;
        case '"': memcpy(o, "&quot;", 6); o += 6; break;
        case '\'': memcpy(o, "&apos;", 6); o += 6; break;
        default: *o++ = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
        }
    }
    *o = '\0';
    return out;
}

/* Generated from the class definitions in rwdav_scan.h. */
const unsigned short rwdav_ctype[256] = {
#define P RWC_PATH
#define R RWC_TOKEN
#define A (RWC_ALPHA | RWC_ETAGC | P | R)
#define H (RWC_ALPHA | RWC_HEX | RWC_ETAGC | P | R)
#define D (RWC_DIGIT | RWC_HEX | RWC_ETAGC | P | R)
#define S (RWC_SUB_DELIM | RWC_ETAGC | P | R)
#define E RWC_ETAGC
#define U (E | RWC_UNRESERVED_EXTRA | P | R)
    /* 0x00-0x1f: controls */
    0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,
    /* sp ! " # $ % & ' ( ) * + , - . / */
    0, S, 0, E, S, E, S, S, S, (S & ~RWC_TOKEN), S, S | RWC_SCHEME_EXTRA, S,
    U | RWC_SCHEME_EXTRA, U | RWC_SCHEME_EXTRA, E | P | RWC_TOKEN,
    /* 0-9 : ; < = > ? */
    D, D, D, D, D, D, D, D, D, D, E | P | RWC_TOKEN, S, E, S, E, E,
    /* @ A-O */
    E | P | RWC_TOKEN, H, H, H, H, H, H, A, A, A, A, A, A, A, A, A,
    /* P-Z [ \ ] ^ _ */
    A, A, A, A, A, A, A, A, A, A, A, E, E, E, E, U,
    /* ` a-o */
    E, H, H, H, H, H, H, A, A, A, A, A, A, A, A, A,
    /* p-z { | } ~ del */
    A, A, A, A, A, A, A, A, A, A, A, E, E, E, U, 0,
    /* 0x80-0xff: obs-text, valid only inside entity-tags */
    E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E,
    E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E,
    E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E,
    E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E, E,E,E,E,E,E,E,E
#undef P
#undef R
#undef U
#undef A
#undef H
#undef D
#undef S
#undef E
};
