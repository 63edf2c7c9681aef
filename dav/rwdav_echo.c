/* Ms-Echo-Request / Ms-Echo-Reply tokens ([MS-WDV] §2.2.7-2.2.8).
 *
 * The server hands the client a token in Ms-Echo-Request and expects it back
 * in Ms-Echo-Reply. The token carries everything needed to judge it (expiry,
 * rules, a digest of the request it was issued for) under an HMAC, so no
 * state is kept and every server sharing the key accepts it:
 *   "1." expiry "." rules "." target "." mac      (grammar in rwdav.h)
 * Nothing in a token is trusted before its MAC verifies; the MAC covers the
 * token text exactly as sent, so "007" and "7" are different tokens. */
#include <string.h>
#include <apr_strings.h>

#include "rwdav.h"
#include "rwdav_scan.h"

#define ECHO_TARGET_BYTES 16
#define ECHO_TARGET_LEN 22          /* ceil(16 * 4 / 3), no padding */
#define ECHO_MAC_BYTES 32
#define ECHO_MAC_LEN 43             /* ceil(32 * 4 / 3), no padding */
#define ECHO_EXPIRY_DIGITS 20

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The parsed fields of a well-formed token. */
typedef struct {
    apr_int64_t expiry;
    apr_size_t rules_at, rules_len;
    apr_size_t signed_len;          /* "1." ... target, what the MAC covers */
    unsigned char target[ECHO_TARGET_BYTES];
    unsigned char mac[ECHO_MAC_BYTES];
} echo_parts;

static int b64url_val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

/* RFC 4648 §5 without padding; out holds (4n + 2) / 3 + 1 bytes. */
static void b64url_encode(char *out, const unsigned char *in, apr_size_t n)
{
    apr_uint32_t acc = 0;
    int bits = 0;
    apr_size_t i;

    for (i = 0; i < n; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            *out++ = b64url[(acc >> bits) & 63];
        }
    }
    if (bits)
        *out++ = b64url[(acc << (6 - bits)) & 63];
    *out = '\0';
}

/* Decodes exactly the unpadded encoding of outlen bytes. Refuses any other
 * length, a character outside the alphabet, and non-zero bits after the
 * last byte (RFC 4648 §3.5), so each value has exactly one spelling. */
static int b64url_decode(unsigned char *out, apr_size_t outlen,
                         const char *in, apr_size_t n)
{
    apr_uint32_t acc = 0;
    int bits = 0;
    apr_size_t i, o = 0;

    if (n != (outlen * 4 + 2) / 3)
        return 0;
    for (i = 0; i < n; i++) {
        int v = b64url_val((unsigned char)in[i]);
        if (v < 0)
            return 0;
        acc = ((acc << 6) | (apr_uint32_t)v) & 0xffffU;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    return (acc & ((1U << bits) - 1)) == 0;
}

static int rules_char(char c)
{
    return RWC_IS(c, RWC_ALPHA | RWC_DIGIT) || c == '-' || c == '_'
           || c == ',';
}

/* First 16 bytes of SHA-256(method LF uri): binds a token to one request. */
static void echo_target(apr_pool_t *p, const char *method, const char *uri,
                        unsigned char out[ECHO_TARGET_BYTES])
{
    const char *m = apr_pstrcat(p, method ? method : "", "\n",
                                uri ? uri : "", NULL);
    unsigned char h[32];

    rwdav_sha256((const unsigned char *)m, strlen(m), h);
    memcpy(out, h, ECHO_TARGET_BYTES);
}

/* Every byte is compared whatever the differences, so the time taken says
 * nothing about how much of a forged MAC was right. */
static int ct_equal(const unsigned char *a, const unsigned char *b,
                    apr_size_t n)
{
    unsigned int d = 0;
    apr_size_t i;

    for (i = 0; i < n; i++)
        d |= (unsigned int)(a[i] ^ b[i]);
    return d == 0;
}

/* The grammar of rwdav.h, left to right; rules cannot hold '.', so each
 * '.' ends exactly one field. Returns 0 for anything else. */
static int echo_parse(const char *t, apr_size_t len, echo_parts *e)
{
    apr_size_t i = 2, st;

    if (t == NULL || len > RWDAV_ECHO_MAX || len < 2
        || t[0] != '1' || t[1] != '.')
        return 0;
    e->expiry = 0;
    for (st = i; i < len && RWC_IS(t[i], RWC_DIGIT); i++) {
        int d = t[i] - '0';
        if (i - st >= ECHO_EXPIRY_DIGITS
            || e->expiry > (APR_INT64_MAX - d) / 10)
            return 0;
        e->expiry = e->expiry * 10 + d;
    }
    if (i == st || i >= len || t[i] != '.')
        return 0;
    e->rules_at = ++i;
    while (i < len && rules_char(t[i]))
        i++;
    e->rules_len = i - e->rules_at;
    if (i >= len || t[i] != '.')
        return 0;
    i++;
    /* what is left: target "." mac, both of fixed length */
    if (len - i != ECHO_TARGET_LEN + 1 + ECHO_MAC_LEN
        || t[i + ECHO_TARGET_LEN] != '.')
        return 0;
    if (!b64url_decode(e->target, ECHO_TARGET_BYTES, t + i, ECHO_TARGET_LEN))
        return 0;
    e->signed_len = i + ECHO_TARGET_LEN;
    return b64url_decode(e->mac, ECHO_MAC_BYTES, t + e->signed_len + 1,
                         ECHO_MAC_LEN);
}

const char *rwdav_echo_issue(apr_pool_t *p, const unsigned char *key,
                             apr_size_t keylen, const char *method,
                             const char *uri, const char *rules,
                             apr_int64_t expiry)
{
    unsigned char bin[ECHO_MAC_BYTES];
    char target[ECHO_TARGET_LEN + 1], mac[ECHO_MAC_LEN + 1];
    const char *s, *r;
    char *signed_part;

    if (rules == NULL)
        rules = "";
    for (s = rules; *s; s++)
        if (!rules_char(*s))
            return NULL;
    if (expiry < 0)                 /* expiry is 1*20DIGIT: no sign */
        return NULL;
    echo_target(p, method, uri, bin);
    b64url_encode(target, bin, ECHO_TARGET_BYTES);
    signed_part = apr_psprintf(p, "1.%" APR_INT64_T_FMT ".%s.%s", expiry,
                               rules, target);
    rwdav_hmac_sha256(key, keylen, (const unsigned char *)signed_part,
                      strlen(signed_part), bin);
    b64url_encode(mac, bin, ECHO_MAC_BYTES);
    r = apr_pstrcat(p, signed_part, ".", mac, NULL);
    /* a token verify would refuse is no token */
    return strlen(r) <= RWDAV_ECHO_MAX ? r : NULL;
}

rwdav_echo_verdict rwdav_echo_verify(apr_pool_t *p, const unsigned char *key,
                                     apr_size_t keylen, const char *method,
                                     const char *uri, const char *token,
                                     apr_size_t len, apr_int64_t now,
                                     const char **rules)
{
    echo_parts e;
    unsigned char want[ECHO_MAC_BYTES];

    if (rules)
        *rules = NULL;
    if (!echo_parse(token, len, &e))
        return RWDAV_ECHO_MALFORMED;
    rwdav_hmac_sha256(key, keylen, (const unsigned char *)token, e.signed_len,
                      want);
    if (!ct_equal(want, e.mac, ECHO_MAC_BYTES))
        return RWDAV_ECHO_FORGED;
    /* genuine from here on: the caller may log which rules asked */
    if (rules)
        *rules = apr_pstrmemdup(p, token + e.rules_at, e.rules_len);
    echo_target(p, method, uri, want);
    if (!ct_equal(want, e.target, ECHO_TARGET_BYTES))
        return RWDAV_ECHO_FOREIGN;
    if (now > e.expiry)
        return RWDAV_ECHO_EXPIRED;
    return RWDAV_ECHO_OK;
}

const char *rwdav_echo_verdict_name(rwdav_echo_verdict v)
{
    switch (v) {
    case RWDAV_ECHO_OK:
        return "ok";
    case RWDAV_ECHO_MALFORMED:
        return "malformed";
    case RWDAV_ECHO_FORGED:
        return "forged";
    case RWDAV_ECHO_FOREIGN:
        return "foreign";
    case RWDAV_ECHO_EXPIRED:
        return "expired";
    }
    return "unknown";
}
