/*
 * Fuzz target: Ms-Echo tokens (rwdav_echo_issue, rwdav_echo_verify).
 *
 * Input: selector byte S, then:
 *   S & 1 == 0: a token, verified against the fixed key ECHO_KEY for
 *     "PUT /dav/a.txt" at now = 1600000000 (the defaults of
 *     tests/unit/test_echo.c). The seed corpus holds genuine tokens issued
 *     with that key, so mutations start from tokens that verify.
 *   S & 1 == 1: a round trip. The rest is split at NUL bytes into
 *     key, method, uri, rules, expiry, tamper:
 *       expiry  decimal digits, '-' first for a negative value, saturating
 *               (absent: 1700000000);
 *       tamper  two bytes: position and XOR mask of a one-byte change.
 * Properties ([MS-WDV] tokens, rwdav.h and dav/RULES.md "Ms-Echo tokens"):
 *   - verify: a known verdict; *rules set exactly for genuine tokens
 *     (OK, FOREIGN, EXPIRED), and then the rules field of the token; over
 *     RWDAV_ECHO_MAX bytes is MALFORMED; MALFORMED and FORGED do not depend
 *     on method, URI or time; a genuine token is EXPIRED exactly when now
 *     is past its expiry;
 *   - issue returns NULL exactly for bad rules, a negative expiry or a token
 *     over RWDAV_ECHO_MAX, else a token of the predicted length;
 *   - round trip: OK at now = expiry and before, with the same rules;
 *     EXPIRED after; FOREIGN for another method or URI; FORGED with another
 *     key; a token changed in one byte, cut short or lengthened is never
 *     genuine.
 */
#include "fuzz_common.h"

FUZZ_TARGET("echo");

#define ECHO_KEY "0123456789abcdef0123456789abcdef"
#define ECHO_METHOD "PUT"
#define ECHO_URI "/dav/a.txt"
#define ECHO_NOW APR_INT64_C(1600000000)
#define ECHO_EXP APR_INT64_C(1700000000)
#define ECHO_FIXED (2 + 1 + 1 + 22 + 1 + 43)   /* all but expiry and rules */

static int genuine(rwdav_echo_verdict v)
{
    return v == RWDAV_ECHO_OK || v == RWDAV_ECHO_FOREIGN
        || v == RWDAV_ECHO_EXPIRED;
}

static int rules_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == ',';
}

static rwdav_echo_verdict verify(apr_pool_t *p, const unsigned char *key,
                                 size_t keylen, const char *method,
                                 const char *uri, const char *tok, size_t len,
                                 apr_int64_t now, const char **rules)
{
    rwdav_echo_verdict v = rwdav_echo_verify(p, key, keylen, method, uri, tok,
                                             len, now, rules);
    FUZZ_ASSERT(strcmp(rwdav_echo_verdict_name(v), "unknown") != 0,
                "a known verdict");
    if (rules)
        FUZZ_ASSERT(genuine(v) ? *rules != NULL : *rules == NULL,
                    "rules are returned for genuine tokens only");
    return v;
}

static void verify_arbitrary(apr_pool_t *p, const uint8_t *d, size_t n)
{
    const unsigned char *key = (const unsigned char *)ECHO_KEY;
    size_t klen = sizeof(ECHO_KEY) - 1;
    const char *tok = (const char *)d;
    const char *rules = NULL;
    rwdav_echo_verdict v, w;

    v = verify(p, key, klen, ECHO_METHOD, ECHO_URI, tok, n, ECHO_NOW, &rules);
    if (n > RWDAV_ECHO_MAX)
        FUZZ_ASSERT(v == RWDAV_ECHO_MALFORMED, "too long is malformed");
    FUZZ_ASSERT(verify(p, key, klen, ECHO_METHOD, ECHO_URI, tok, n, ECHO_NOW,
                       NULL) == v, "the rules pointer changes nothing");

    /* another request and another time */
    w = verify(p, key, klen, "FUZZ", "/fuzz/other", tok, n, 0, NULL);
    if (!genuine(v))
        FUZZ_ASSERT(w == v, "malformed/forged whatever the request");
    else
        FUZZ_ASSERT(w == RWDAV_ECHO_FOREIGN,
                    "a genuine token names one request");

    if (genuine(v)) {
        /* "1." expiry "." rules "." ... */
        apr_int64_t expiry = 0;
        size_t i = 2, rl;
        for (; i < n && d[i] >= '0' && d[i] <= '9'; i++)
            expiry = expiry * 10 + (d[i] - '0');
        FUZZ_ASSERT(i < n && d[i] == '.', "genuine token grammar");
        rl = strlen(rules);
        FUZZ_ASSERT(i + 1 + rl < n && !memcmp(d + i + 1, rules, rl)
                    && d[i + 1 + rl] == '.', "rules are the token's");
        for (i = 0; i < rl; i++)
            FUZZ_ASSERT(rules_char((unsigned char)rules[i]),
                        "rules characters");
        if (v != RWDAV_ECHO_FOREIGN)
            FUZZ_ASSERT((v == RWDAV_ECHO_EXPIRED) == (ECHO_NOW > expiry),
                        "expired exactly when now > expiry");
    }
}

/* Next NUL-separated field, or NULL when the input is used up. */
static const char *field(apr_pool_t *p, fuzz_in *in, size_t *len)
{
    const uint8_t *z;
    size_t n;

    if (in->n == 0)
        return NULL;
    z = memchr(in->d, 0, in->n);
    n = z ? (size_t)(z - in->d) : in->n;
    *len = n;
    {
        const char *s = apr_pstrmemdup(p, (const char *)in->d, n);
        in->d += z ? n + 1 : n;
        in->n -= z ? n + 1 : n;
        return s;
    }
}

static apr_int64_t parse_expiry(const char *s)
{
    int neg = 0;
    apr_int64_t v = 0;

    if (*s == '-') {
        neg = 1;
        s++;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            continue;
        if (v > (APR_INT64_MAX - (*s - '0')) / 10) {
            v = APR_INT64_MAX;
            break;
        }
        v = v * 10 + (*s - '0');
    }
    return neg ? -v : v;
}

static size_t digits(apr_int64_t v)
{
    size_t n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

static void round_trip(apr_pool_t *p, fuzz_in *in)
{
    size_t klen = 0, l, rl, i, want_len = 0;
    const char *key = field(p, in, &klen);
    const char *method = field(p, in, &l);
    const char *uri = field(p, in, &l);
    const char *rules = field(p, in, &rl);
    const char *exps = field(p, in, &l);
    const char *tamper = field(p, in, &l);
    size_t tlen = tamper ? l : 0;
    apr_int64_t expiry = exps ? parse_expiry(exps) : ECHO_EXP;
    const unsigned char *k;
    unsigned char *k2;
    const char *tok, *got = NULL;
    char *bad;
    int ok_rules = 1, predicted;
    size_t n;

    if (!key)
        key = ECHO_KEY, klen = sizeof(ECHO_KEY) - 1;
    if (!method)
        method = ECHO_METHOD;
    if (!uri)
        uri = ECHO_URI;
    if (!rules)
        rules = "", rl = 0;
    k = (const unsigned char *)key;
    for (i = 0; i < rl; i++)
        ok_rules = ok_rules && rules_char((unsigned char)rules[i]);
    if (expiry >= 0)
        want_len = ECHO_FIXED + digits(expiry) + rl;
    predicted = ok_rules && expiry >= 0 && want_len <= RWDAV_ECHO_MAX;

    tok = rwdav_echo_issue(p, k, klen, method, uri, rules, expiry);
    FUZZ_ASSERT((tok != NULL) == predicted,
                "issue fails exactly for bad rules, expiry < 0, too long");
    if (!tok)
        return;
    n = strlen(tok);
    FUZZ_ASSERT(n == want_len, "token length");

    FUZZ_ASSERT(verify(p, k, klen, method, uri, tok, n, expiry, &got)
                == RWDAV_ECHO_OK, "round trip: OK at now = expiry");
    FUZZ_ASSERT(strcmp(got, rules) == 0, "round trip: same rules");
    FUZZ_ASSERT(verify(p, k, klen, method, uri, tok, n, APR_INT64_MIN, NULL)
                == RWDAV_ECHO_OK, "round trip: OK long before expiry");
    if (expiry < APR_INT64_MAX) {
        FUZZ_ASSERT(verify(p, k, klen, method, uri, tok, n, expiry + 1, &got)
                    == RWDAV_ECHO_EXPIRED, "round trip: EXPIRED after");
        FUZZ_ASSERT(strcmp(got, rules) == 0, "expired: same rules");
    }
    FUZZ_ASSERT(verify(p, k, klen, method, apr_pstrcat(p, uri, "x", NULL),
                       tok, n, expiry, NULL) == RWDAV_ECHO_FOREIGN,
                "round trip: FOREIGN for another URI");
    FUZZ_ASSERT(verify(p, k, klen, apr_pstrcat(p, method, "x", NULL), uri,
                       tok, n, expiry, NULL) == RWDAV_ECHO_FOREIGN,
                "round trip: FOREIGN for another method");

    /* another key: one byte flipped, or one byte instead of none */
    k2 = apr_palloc(p, klen + 1);
    memcpy(k2, k, klen);
    if (klen) {
        k2[(tamper && tlen ? (uint8_t)tamper[0] : 0) % klen] ^= 0x01;
        FUZZ_ASSERT(verify(p, k2, klen, method, uri, tok, n, expiry, NULL)
                    == RWDAV_ECHO_FORGED, "round trip: FORGED with another key");
    }
    else {
        k2[0] = 1;
        FUZZ_ASSERT(verify(p, k2, 1, method, uri, tok, n, expiry, NULL)
                    == RWDAV_ECHO_FORGED, "round trip: FORGED with a key");
    }

    /* a one-byte change, a cut, an extra byte */
    bad = apr_pstrmemdup(p, tok, n);
    {
        size_t pos = (tlen >= 1 ? (uint8_t)tamper[0] : 0) % n;
        uint8_t mask = tlen >= 2 && tamper[1] ? (uint8_t)tamper[1] : 1;
        bad[pos] = (char)(bad[pos] ^ mask);
    }
    FUZZ_ASSERT(!genuine(verify(p, k, klen, method, uri, bad, n, expiry,
                                NULL)), "a changed token is not genuine");
    FUZZ_ASSERT(verify(p, k, klen, method, uri, tok, n - 1, expiry, NULL)
                == RWDAV_ECHO_MALFORMED, "a cut token is malformed");
    bad = apr_pstrcat(p, tok, "A", NULL);
    FUZZ_ASSERT(verify(p, k, klen, method, uri, bad, n + 1, expiry, NULL)
                == RWDAV_ECHO_MALFORMED, "a longer token is malformed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    uint8_t sel = fuzz_byte(&in);
    apr_pool_t *p = fuzz_pool();

    if (sel & 1)
        round_trip(p, &in);
    else
        verify_arbitrary(p, in.d, in.n);

    apr_pool_destroy(p);
    return 0;
}
