/*
 * SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104) and the Ms-Echo tokens
 * ([MS-WDV] §2.2.7-2.2.8) of rwdav.h:
 *   token  = "1." expiry "." rules "." target "." mac
 *   expiry = 1*20DIGIT ; rules = *( ALPHA / DIGIT / "-" / "_" / "," )
 *   target = 22base64url ; mac = 43base64url (no padding)
 *
 * Token rows are templates, expanded at run time: "@T" becomes the target of
 * the default request, "@S"/"@L" the same target one character short/long,
 * "@N" the target with non-zero trailing bits, and "@M" the correct MAC of
 * everything before it (its '.' excluded). So a row whose grammar is wrong
 * still carries a MAC that verifies: it proves the grammar is checked, not
 * merely that the MAC fails. A row's optional `post` edits the finished
 * token (tampering after signing).
 */
#include "unit.h"

#define MEGA 1000000

/* ---- SHA-256 ---- */

typedef struct {
    const char *name;
    const char *in;
    apr_size_t len;
    unit_gen_fn gen;
    const char *hex;
} sha_row;

static const char *gen_mega_a(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "", 'a', "", MEGA, len);
}

static const char *gen_a55(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "", 'a', "", 55, len);
}

static const char *gen_a56(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "", 'a', "", 56, len);
}

static const char *gen_a63(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "", 'a', "", 63, len);
}

static const char *gen_a64(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "", 'a', "", 64, len);
}

static const char *gen_a65(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "", 'a', "", 65, len);
}

static const sha_row sha_rows[] = {
    /* FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional") */
    { "empty", IN(""), NULL,
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { "abc", IN("abc"), NULL,
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { "448 bits",
      IN("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"), NULL,
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    { "896 bits",
      IN("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
         "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"), NULL,
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
    { "one million a", NULL, 0, gen_mega_a,
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
    /* padding boundaries: the length field fits in the last block up to
     * 55 bytes, needs one more block from 56 on */
    { "55 a", NULL, 0, gen_a55,
      "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
    { "56 a", NULL, 0, gen_a56,
      "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
    { "63 a", NULL, 0, gen_a63,
      "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
    { "64 a", NULL, 0, gen_a64,
      "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
    { "65 a", NULL, 0, gen_a65,
      "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
};

static const char *hex32(apr_pool_t *p, const unsigned char d[32])
{
    static const char hx[] = "0123456789abcdef";
    char *s = apr_palloc(p, 65);
    int i;

    for (i = 0; i < 32; i++) {
        s[2 * i] = hx[d[i] >> 4];
        s[2 * i + 1] = hx[d[i] & 15];
    }
    s[64] = '\0';
    return s;
}

START_TEST(test_sha256)
{
    const sha_row *r = &sha_rows[_i];
    apr_pool_t *p = unit_pool();
    const char *in = r->in;
    apr_size_t len = r->len;
    unsigned char d[32];

    if (r->gen)
        in = r->gen(p, &len);
    rwdav_sha256((const unsigned char *)in, len, d);
    CK_STREQ(p, hex32(p, d), r->hex, "digest", r->name);
    apr_pool_destroy(p);
}
END_TEST

/* ---- HMAC-SHA256 ---- */

typedef struct {
    const char *name;
    /* key: key/keylen, or when keyfill_n is set, keyfill_n bytes keyfill */
    const char *key;
    apr_size_t keylen;
    unsigned char keyfill;
    apr_size_t keyfill_n;
    /* data: the same two ways */
    const char *data;
    apr_size_t datalen;
    unsigned char datafill;
    apr_size_t datafill_n;
    const char *hex;
} hmac_row;

#define KEY(lit) .key = (lit), .keylen = sizeof(lit) - 1
#define DATA(lit) .data = (lit), .datalen = sizeof(lit) - 1

static const hmac_row hmac_rows[] = {
    /* RFC 4231 §4 */
    { "RFC 4231 case 1", .keyfill = 0x0b, .keyfill_n = 20, DATA("Hi There"),
      .hex = "b0344c61d8db38535ca8afceaf0bf12b"
             "881dc200c9833da726e9376c2e32cff7" },
    { "RFC 4231 case 2", KEY("Jefe"), DATA("what do ya want for nothing?"),
      .hex = "5bdcc146bf60754e6a042426089575c7"
             "5a003f089d2739839dec58b964ec3843" },
    { "RFC 4231 case 3", .keyfill = 0xaa, .keyfill_n = 20,
      .datafill = 0xdd, .datafill_n = 50,
      .hex = "773ea91e36800e46854db8ebd09181a7"
             "2959098b3ef8c122d9635514ced565fe" },
    { "RFC 4231 case 4",
      KEY("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
          "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"),
      .datafill = 0xcd, .datafill_n = 50,
      .hex = "82558a389a443c0ea4cc819899f2083a"
             "85f0faa3e578f8077a2e3ff46729665b" },
    { "RFC 4231 case 6 (131-byte key)", .keyfill = 0xaa, .keyfill_n = 131,
      DATA("Test Using Larger Than Block-Size Key - Hash Key First"),
      .hex = "60e431591ee0b67f0d8a26aacbf5b77f"
             "8e0bc6213728c5140546040f0ee37f54" },
    { "RFC 4231 case 7 (131-byte key)", .keyfill = 0xaa, .keyfill_n = 131,
      DATA("This is a test using a larger than block-size key and a larger "
           "than block-size data. The key needs to be hashed before being "
           "used by the HMAC algorithm."),
      .hex = "9b09ffa71b942fcb27635fbcd5b0e944"
             "bfdc63644f0713938a7f51535c3a35e2" },
    /* block-size boundary: 64 bytes used as is, 65 hashed first */
    { "64-byte key", .keyfill = 'k', .keyfill_n = 64, DATA("x"),
      .hex = "f91c4c403625fb06910ef93999265bbd"
             "2d62baeaec6ff36455498cc124fe3e66" },
    { "65-byte key", .keyfill = 'k', .keyfill_n = 65, DATA("x"),
      .hex = "75092ca3ee2b307470c227697b42b3e6"
             "5376aa3bae98fb5a1f7b7536daa9588a" },
    { "empty key and data", KEY(""), DATA(""),
      .hex = "b613679a0814d9ec772f95d778c35fc5"
             "ff1697c493715653c6c712144292c5ad" },
};

static const unsigned char *row_bytes(apr_pool_t *p, const char *lit,
                                      apr_size_t litlen, unsigned char fill,
                                      apr_size_t fill_n, apr_size_t *len)
{
    unsigned char *b;

    if (fill_n == 0) {
        *len = litlen;
        return (const unsigned char *)lit;
    }
    b = apr_palloc(p, fill_n);
    memset(b, fill, fill_n);
    *len = fill_n;
    return b;
}

START_TEST(test_hmac_sha256)
{
    const hmac_row *r = &hmac_rows[_i];
    apr_pool_t *p = unit_pool();
    apr_size_t klen, dlen;
    const unsigned char *k = row_bytes(p, r->key, r->keylen, r->keyfill,
                                       r->keyfill_n, &klen);
    const unsigned char *d = row_bytes(p, r->data, r->datalen, r->datafill,
                                       r->datafill_n, &dlen);
    unsigned char mac[32];

    rwdav_hmac_sha256(k, klen, d, dlen, mac);
    CK_STREQ(p, hex32(p, mac), r->hex, "HMAC", r->name);
    apr_pool_destroy(p);
}
END_TEST

/* ---- Ms-Echo tokens ---- */

/* The defaults every row runs with unless it says otherwise. */
#define EK "0123456789abcdef0123456789abcdef"
#define EMETHOD "PUT"
#define EURI "/dav/a.txt"
#define ENOW APR_INT64_C(1600000000)
#define EEXP APR_INT64_C(1700000000)

/* "1." "1700000000" "." rules "." 22 "." 43: a token is EFIXED + rules */
#define EFIXED (2 + 10 + 1 + 1 + 22 + 1 + 43)

/* An encoder independent of the one under test: 3 bytes to 4 characters. */
static const char *b64url(apr_pool_t *p, const unsigned char *d, apr_size_t n)
{
    static const char a[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *s = apr_palloc(p, n / 3 * 4 + 4), *o = s;
    apr_size_t i;

    for (i = 0; i + 3 <= n; i += 3) {
        unsigned long v = ((unsigned long)d[i] << 16)
                          | ((unsigned long)d[i + 1] << 8) | d[i + 2];
        *o++ = a[(v >> 18) & 63];
        *o++ = a[(v >> 12) & 63];
        *o++ = a[(v >> 6) & 63];
        *o++ = a[v & 63];
    }
    if (n - i == 1) {
        *o++ = a[d[i] >> 2];
        *o++ = a[(d[i] & 3) << 4];
    }
    else if (n - i == 2) {
        *o++ = a[d[i] >> 2];
        *o++ = a[((d[i] & 3) << 4) | (d[i + 1] >> 4)];
        *o++ = a[(d[i + 1] & 15) << 2];
    }
    *o = '\0';
    return s;
}

static const char *target_of(apr_pool_t *p, const char *method,
                             const char *uri)
{
    const char *m = apr_pstrcat(p, method, "\n", uri, NULL);
    unsigned char d[32];

    rwdav_sha256((const unsigned char *)m, strlen(m), d);
    return b64url(p, d, 16);
}

static const char *mac_of(apr_pool_t *p, const char *s, apr_size_t n)
{
    unsigned char d[32];

    rwdav_hmac_sha256((const unsigned char *)EK, sizeof(EK) - 1,
                      (const unsigned char *)s, n, d);
    return b64url(p, d, 32);
}

/* The base64url character whose value is that of c with bit 0 flipped. */
static char b64_flip(char c)
{
    static const char a[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    return a[(strchr(a, c) - a) ^ 1];
}

/* Expands the placeholders of a template (see the top of the file). */
static const char *expand(apr_pool_t *p, const char *in, apr_size_t len,
                          apr_size_t *outlen)
{
    const char *t = target_of(p, EMETHOD, EURI);
    char *out = apr_palloc(p, len * 2 + 64 * (len / 2 + 1));
    apr_size_t i, n = 0;

    for (i = 0; i < len; i++) {
        const char *add = NULL;
        apr_size_t addlen = 0;
        if (in[i] == '@' && i + 1 < len) {
            switch (in[i + 1]) {
            case 'T': add = t; addlen = 22; break;
            case 'S': add = t; addlen = 21; break;
            case 'L': add = apr_pstrcat(p, t, "A", NULL); addlen = 23; break;
            case 'N':
                add = apr_pstrmemdup(p, t, 22);
                ((char *)add)[21] = b64_flip(t[21]);
                addlen = 22;
                break;
            case 'M':
                add = mac_of(p, out, n && out[n - 1] == '.' ? n - 1 : n);
                addlen = 43;
                break;
            }
        }
        if (add) {
            memcpy(out + n, add, addlen);
            n += addlen;
            i++;
        }
        else {
            out[n++] = in[i];
        }
    }
    out[n] = '\0';
    *outlen = n;
    return out;
}

/* Edits a finished token: tampering after signing. */
typedef const char *(*echo_post_fn)(apr_pool_t *p, const char *tok,
                                    apr_size_t *len);

static char *tok_copy(apr_pool_t *p, const char *tok, apr_size_t len,
                      apr_size_t extra)
{
    char *s = apr_palloc(p, len + extra + 1);
    memcpy(s, tok, len);
    s[len] = '\0';
    return s;
}

static const char *post_mac_first(apr_pool_t *p, const char *tok,
                                  apr_size_t *len)
{
    char *s = tok_copy(p, tok, *len, 0);
    s[*len - 43] = b64_flip(s[*len - 43]);
    return s;
}

static const char *post_mac_middle(apr_pool_t *p, const char *tok,
                                   apr_size_t *len)
{
    char *s = tok_copy(p, tok, *len, 0);
    s[*len - 20] = b64_flip(s[*len - 20]);
    return s;
}

/* The last character holds 2 bits of MAC and 4 zero bits: flipping bit 4
 * changes the MAC, flipping bit 0 only makes the encoding non-canonical. */
static const char *post_mac_last(apr_pool_t *p, const char *tok,
                                 apr_size_t *len)
{
    static const char a[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *s = tok_copy(p, tok, *len, 0);
    s[*len - 1] = a[(strchr(a, s[*len - 1]) - a) ^ 16];
    return s;
}

static const char *post_mac_noncanon(apr_pool_t *p, const char *tok,
                                     apr_size_t *len)
{
    char *s = tok_copy(p, tok, *len, 0);
    s[*len - 1] = b64_flip(s[*len - 1]);
    return s;
}

static const char *post_mac_set(apr_pool_t *p, const char *tok,
                                apr_size_t *len, apr_size_t from_end, char c)
{
    char *s = tok_copy(p, tok, *len, 0);
    s[*len - from_end] = c;
    return s;
}

static const char *post_mac_pad(apr_pool_t *p, const char *tok,
                                apr_size_t *len)
{
    return post_mac_set(p, tok, len, 1, '=');
}

static const char *post_mac_plus(apr_pool_t *p, const char *tok,
                                 apr_size_t *len)
{
    return post_mac_set(p, tok, len, 10, '+');
}

static const char *post_mac_slash(apr_pool_t *p, const char *tok,
                                  apr_size_t *len)
{
    return post_mac_set(p, tok, len, 10, '/');
}

static const char *post_append(apr_pool_t *p, const char *tok,
                               apr_size_t *len, const char *what,
                               apr_size_t n)
{
    char *s = tok_copy(p, tok, *len, n);
    memcpy(s + *len, what, n);
    *len += n;
    s[*len] = '\0';
    return s;
}

static const char *post_mac_pad_append(apr_pool_t *p, const char *tok,
                                       apr_size_t *len)
{
    return post_append(p, tok, len, "=", 1);
}

static const char *post_mac_long(apr_pool_t *p, const char *tok,
                                 apr_size_t *len)
{
    return post_append(p, tok, len, "A", 1);
}

static const char *post_mac_short(apr_pool_t *p, const char *tok,
                                  apr_size_t *len)
{
    (*len)--;
    return tok_copy(p, tok, *len, 0);
}

static const char *post_nul(apr_pool_t *p, const char *tok, apr_size_t *len)
{
    return post_append(p, tok, len, "", 1);
}

/* "1.1700000000..." -> "1.1700000001...": a later expiry, same MAC */
static const char *post_expiry_digit(apr_pool_t *p, const char *tok,
                                     apr_size_t *len)
{
    char *s = tok_copy(p, tok, *len, 0);
    s[11] = '1';
    return s;
}

/* "1.1700000000..." -> "1.01700000000...": the same value, other text */
static const char *post_expiry_zero(apr_pool_t *p, const char *tok,
                                    apr_size_t *len)
{
    char *s = tok_copy(p, tok, *len, 1);
    memmove(s + 3, s + 2, *len - 2);
    s[2] = '0';
    (*len)++;
    s[*len] = '\0';
    return s;
}

/* the first rules character (at 13) replaced */
static const char *post_rules(apr_pool_t *p, const char *tok,
                              apr_size_t *len)
{
    char *s = tok_copy(p, tok, *len, 0);
    s[13] = s[13] == 'x' ? 'y' : 'x';
    return s;
}

static const char *post_target(apr_pool_t *p, const char *tok,
                               apr_size_t *len)
{
    char *s = tok_copy(p, tok, *len, 0);
    s[*len - 44 - 22] = b64_flip(s[*len - 44 - 22]);
    return s;
}

/* Template of 451 bytes with rules 'r'... that expands to 512 or 513. */
static const char *gen_max(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "1.1700000000.", 'r', ".@T.@M",
                     RWDAV_ECHO_MAX - 20 - 41, len);
}

static const char *gen_max1(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, "1.1700000000.", 'r', ".@T.@M",
                     RWDAV_ECHO_MAX + 1 - 20 - 41, len);
}

typedef struct {
    const char *name;
    const char *in;             /* template */
    apr_size_t len;
    unit_gen_fn gen;            /* or a generated template */
    echo_post_fn post;
    const char *key;            /* NULL: EK */
    const char *method;         /* NULL: EMETHOD */
    const char *uri;            /* NULL: EURI */
    apr_int64_t now;            /* 0: ENOW (use NOW0 for 0) */
    rwdav_echo_verdict want;
    const char *rules;          /* expected *rules; NULL: none */
    apr_size_t rules_len;       /* when rules is "=r": that many 'r' */
} echo_row;

#define NOW0 APR_INT64_C(-9)    /* stands for now = 0 */
#define GOOD "1.1700000000.r1.@T.@M"

#define E_OK(nm, t, r) \
    { nm, IN(t), .want = RWDAV_ECHO_OK, .rules = (r) }
#define E_BAD(nm, t) \
    { nm, IN(t), .want = RWDAV_ECHO_MALFORMED }
#define E_POST(nm, t, fn, w, r) \
    { nm, IN(t), .post = (fn), .want = (w), .rules = (r) }

static const echo_row echo_rows[] = {
    /* genuine, for this request, in time */
    E_OK("ok", GOOD, "r1"),
    E_OK("empty rules", "1.1700000000..@T.@M", ""),
    E_OK("all rules characters",
         "1.1700000000.azAZ09-_,xyz,a-b_c.@T.@M", "azAZ09-_,xyz,a-b_c"),
    E_OK("rules of commas", "1.1700000000.,,.@T.@M", ",,"),
    E_OK("expiry with leading zeros (20 digits)",
         "1.00000000001700000000.r.@T.@M", "r"),
    E_OK("expiry INT64_MAX", "1.9223372036854775807.r.@T.@M", "r"),
    { "one-digit expiry", IN("1.9.r.@T.@M"), .now = 9,
      .want = RWDAV_ECHO_OK, .rules = "r" },
    { "expiry 0, now 0", IN("1.0.r.@T.@M"), .now = NOW0,
      .want = RWDAV_ECHO_OK, .rules = "r" },
    { "now = expiry", IN(GOOD), .now = EEXP, .want = RWDAV_ECHO_OK,
      .rules = "r1" },
    { "now = expiry = INT64_MAX", IN("1.9223372036854775807.r.@T.@M"),
      .now = APR_INT64_MAX, .want = RWDAV_ECHO_OK, .rules = "r" },
    { "now long before", IN(GOOD), .now = APR_INT64_MIN,
      .want = RWDAV_ECHO_OK, .rules = "r1" },
    { "512 bytes", .gen = gen_max, .want = RWDAV_ECHO_OK, .rules = "=r",
      .rules_len = RWDAV_ECHO_MAX - EFIXED },

    /* expired */
    { "now = expiry + 1", IN(GOOD), .now = EEXP + 1,
      .want = RWDAV_ECHO_EXPIRED, .rules = "r1" },
    { "now much later", IN(GOOD), .now = APR_INT64_MAX,
      .want = RWDAV_ECHO_EXPIRED, .rules = "r1" },
    { "expiry 0, now 1", IN("1.0.r.@T.@M"), .now = 1,
      .want = RWDAV_ECHO_EXPIRED, .rules = "r" },

    /* foreign: another request, same key */
    { "other method", IN(GOOD), .method = "GET",
      .want = RWDAV_ECHO_FOREIGN, .rules = "r1" },
    { "method case", IN(GOOD), .method = "put",
      .want = RWDAV_ECHO_FOREIGN, .rules = "r1" },
    { "other URI", IN(GOOD), .uri = "/dav/b.txt",
      .want = RWDAV_ECHO_FOREIGN, .rules = "r1" },
    { "URI case", IN(GOOD), .uri = "/DAV/a.txt",
      .want = RWDAV_ECHO_FOREIGN, .rules = "r1" },
    { "URI with a query", IN(GOOD), .uri = "/dav/a.txt?x",
      .want = RWDAV_ECHO_FOREIGN, .rules = "r1" },
    { "LF moved between method and URI", IN(GOOD), .method = "PUT\n/dav",
      .uri = "/a.txt", .want = RWDAV_ECHO_FOREIGN, .rules = "r1" },
    { "foreign before expired", IN(GOOD), .uri = "/dav/b.txt",
      .now = EEXP + 1, .want = RWDAV_ECHO_FOREIGN, .rules = "r1" },

    /* forged */
    E_POST("mac: first character flipped", GOOD, post_mac_first,
           RWDAV_ECHO_FORGED, NULL),
    E_POST("mac: middle character flipped", GOOD, post_mac_middle,
           RWDAV_ECHO_FORGED, NULL),
    E_POST("mac: last character's data bits", GOOD, post_mac_last,
           RWDAV_ECHO_FORGED, NULL),
    { "another key", IN(GOOD), .key = "0123456789abcdef0123456789abcdeF",
      .want = RWDAV_ECHO_FORGED },
    { "a shorter key", IN(GOOD), .key = "0123456789abcdef0123456789abcde",
      .want = RWDAV_ECHO_FORGED },
    { "empty key", IN(GOOD), .key = "", .want = RWDAV_ECHO_FORGED },
    E_POST("expiry digits changed", GOOD, post_expiry_digit,
           RWDAV_ECHO_FORGED, NULL),
    E_POST("expiry zero-padded after signing", GOOD, post_expiry_zero,
           RWDAV_ECHO_FORGED, NULL),
    E_POST("rules changed", GOOD, post_rules, RWDAV_ECHO_FORGED, NULL),
    E_POST("target changed", GOOD, post_target, RWDAV_ECHO_FORGED, NULL),
    { "forged before foreign", IN(GOOD), .post = post_mac_first,
      .uri = "/dav/b.txt", .want = RWDAV_ECHO_FORGED },
    { "forged before expired", IN(GOOD), .post = post_mac_first,
      .now = APR_INT64_MAX, .want = RWDAV_ECHO_FORGED },
    E_POST("a well-formed MAC of nothing",
           "1.1700000000.r1.@T.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
           NULL, RWDAV_ECHO_FORGED, NULL),

    /* malformed, though most carry a MAC that verifies */
    E_BAD("empty", ""),
    E_BAD("1.", "1."),
    E_BAD("version 2", "2.1700000000.r1.@T.@M"),
    E_BAD("version 11", "11.1700000000.r1.@T.@M"),
    E_BAD("version 01", "01.1700000000.r1.@T.@M"),
    E_BAD("version only digit", "1"),
    E_BAD("no version", "1700000000.r1.@T.@M"),
    E_BAD("no expiry", "1..r1.@T.@M"),
    E_BAD("no rules field", "1.1700000000.@T.@M"),
    E_BAD("no target", "1.1700000000.r1.@M"),
    E_BAD("no mac", "1.1700000000.r1.@T"),
    E_BAD("no mac, trailing dot", "1.1700000000.r1.@T."),
    E_BAD("empty target", "1.1700000000.r1..@M"),
    E_BAD("extra empty field", "1.1700000000.r1..@T.@M"),
    E_BAD("extra field at the end", "1.1700000000.r1.@T.@M.x"),
    E_BAD("trailing dot", "1.1700000000.r1.@T.@M."),
    E_BAD("non-digit expiry", "1.17000000x0.r1.@T.@M"),
    E_BAD("negative expiry", "1.-1.r1.@T.@M"),
    E_BAD("plus expiry", "1.+1700000000.r1.@T.@M"),
    E_BAD("hex expiry", "1.0x6553f100.r1.@T.@M"),
    E_BAD("space before expiry", "1. 1700000000.r1.@T.@M"),
    E_BAD("fullwidth digit", "1.\xef\xbc\x91.r1.@T.@M"),
    E_BAD("21-digit expiry", "1.000000000001700000000.r1.@T.@M"),
    E_BAD("expiry INT64_MAX + 1", "1.9223372036854775808.r.@T.@M"),
    E_BAD("20 nines", "1.99999999999999999999.r.@T.@M"),
    E_BAD("rules: space", "1.1700000000.r 1.@T.@M"),
    E_BAD("rules: tab", "1.1700000000.r\t1.@T.@M"),
    E_BAD("rules: ;", "1.1700000000.r;1.@T.@M"),
    E_BAD("rules: /", "1.1700000000.r/1.@T.@M"),
    E_BAD("rules: =", "1.1700000000.r=1.@T.@M"),
    E_BAD("rules: %", "1.1700000000.r%2C1.@T.@M"),
    E_BAD("rules: +", "1.1700000000.r+1.@T.@M"),
    E_BAD("rules: ~", "1.1700000000.r~1.@T.@M"),
    E_BAD("rules: byte 0x80", "1.1700000000.r\x80" ".@T.@M"),
    E_BAD("rules: UTF-8", "1.1700000000.r\xc3\xa9.@T.@M"),
    E_BAD("target of 21", "1.1700000000.r1.@S.@M"),
    E_BAD("target of 23", "1.1700000000.r1.@L.@M"),
    E_BAD("target non-canonical", "1.1700000000.r1.@N.@M"),
    E_BAD("target padded", "1.1700000000.r1.@T==.@M"),
    E_BAD("target with +", "1.1700000000.r1.AAAAAAAAAAAAAAAAAAAA+A.@M"),
    E_BAD("target with /", "1.1700000000.r1.AAAAAAAAAAAAAAAAAAAA/A.@M"),
    E_BAD("target with space", "1.1700000000.r1.AAAAAAAAAAAAAAAAAAAA A.@M"),
    E_POST("mac padded in place", GOOD, post_mac_pad,
           RWDAV_ECHO_MALFORMED, NULL),
    E_POST("mac padded (44)", GOOD, post_mac_pad_append,
           RWDAV_ECHO_MALFORMED, NULL),
    E_POST("mac with +", GOOD, post_mac_plus, RWDAV_ECHO_MALFORMED, NULL),
    E_POST("mac with /", GOOD, post_mac_slash, RWDAV_ECHO_MALFORMED, NULL),
    E_POST("mac of 42", GOOD, post_mac_short, RWDAV_ECHO_MALFORMED, NULL),
    E_POST("mac of 44", GOOD, post_mac_long, RWDAV_ECHO_MALFORMED, NULL),
    E_POST("mac non-canonical", GOOD, post_mac_noncanon,
           RWDAV_ECHO_MALFORMED, NULL),
    E_POST("NUL after the token", GOOD, post_nul, RWDAV_ECHO_MALFORMED, NULL),
    E_BAD("NUL in expiry", "1.17\0" "00000000.r1.@T.@M"),
    E_BAD("NUL in rules", "1.1700000000.r\0" "1.@T.@M"),
    E_BAD("NUL before", "\0" GOOD),
    E_BAD("leading space", " " GOOD),
    E_BAD("trailing space", GOOD " "),
    E_BAD("quoted", "\"" GOOD "\""),
    { "513 bytes", .gen = gen_max1, .want = RWDAV_ECHO_MALFORMED },
};

START_TEST(test_echo_verify)
{
    const echo_row *r = &echo_rows[_i];
    apr_pool_t *p = unit_pool();
    const char *key = r->key ? r->key : EK;
    const char *tpl = r->in, *tok, *rules = "(unset)", *want_rules;
    apr_size_t tlen = r->len, len;
    apr_int64_t now = r->now == 0 ? ENOW : r->now == NOW0 ? 0 : r->now;
    rwdav_echo_verdict v;

    if (r->gen)
        tpl = r->gen(p, &tlen);
    tok = expand(p, tpl, tlen, &len);
    if (r->post)
        tok = r->post(p, tok, &len);
    v = rwdav_echo_verify(p, (const unsigned char *)key, strlen(key),
                          r->method ? r->method : EMETHOD,
                          r->uri ? r->uri : EURI, tok, len, now, &rules);
    ck_assert_msg(v == r->want, "[%s] token \"%s\": %s, expected %s",
                  r->name, unit_repr(p, tok, len),
                  rwdav_echo_verdict_name(v),
                  rwdav_echo_verdict_name(r->want));
    want_rules = r->rules;
    if (want_rules && strcmp(want_rules, "=r") == 0) {
        apr_size_t n;
        want_rules = unit_fill(p, "", 'r', "", r->rules_len, &n);
    }
    CK_STREQ(p, rules, want_rules, "rules", r->name);
    /* rules may be NULL */
    v = rwdav_echo_verify(p, (const unsigned char *)key, strlen(key),
                          r->method ? r->method : EMETHOD,
                          r->uri ? r->uri : EURI, tok, len, now, NULL);
    ck_assert_msg(v == r->want, "[%s] without rules: %s", r->name,
                  rwdav_echo_verdict_name(v));
    apr_pool_destroy(p);
}
END_TEST

START_TEST(test_echo_verify_null)
{
    apr_pool_t *p = unit_pool();
    const char *rules = "(unset)";

    ck_assert(rwdav_echo_verify(p, (const unsigned char *)EK, sizeof(EK) - 1,
                                EMETHOD, EURI, NULL, 0, ENOW, &rules)
              == RWDAV_ECHO_MALFORMED);
    ck_assert(rules == NULL);
    apr_pool_destroy(p);
}
END_TEST

/* issue, then verify: the rules come back and the token is the one the
 * grammar describes, byte for byte (checked with the test's own encoder) */
typedef struct {
    const char *name;
    const char *rules;          /* NULL allowed: counts as "" */
    const char *method;
    const char *uri;
    apr_int64_t expiry;
} issue_row;

static const issue_row issue_rows[] = {
    { "plain", "r1", "PUT", "/dav/a.txt", EEXP },
    { "NULL rules", NULL, "PUT", "/dav/a.txt", EEXP },
    { "empty rules", "", "LOCK", "/dav/", EEXP },
    { "all rules characters", "azAZ09-_,", "PROPPATCH", "/x%20y", EEXP },
    { "expiry 0", "r", "GET", "/", 0 },
    { "expiry INT64_MAX", "r", "MOVE", "/a", APR_INT64_MAX },
    { "empty method and URI", "r", "", "", 12345 },
    { "long URI", "r", "PUT",
      "/dav/a/very/long/path/that/takes/more/than/one/sha256/block/to/hash"
      "/because/it/is/longer/than/sixty/four/bytes.txt", EEXP },
};

START_TEST(test_echo_issue)
{
    const issue_row *r = &issue_rows[_i];
    apr_pool_t *p = unit_pool();
    const unsigned char *k = (const unsigned char *)EK;
    const char *tok, *again, *rules = NULL, *want, *sig;
    const char *rr = r->rules ? r->rules : "";
    rwdav_echo_verdict v;

    tok = rwdav_echo_issue(p, k, sizeof(EK) - 1, r->method, r->uri, r->rules,
                           r->expiry);
    ck_assert_msg(tok != NULL, "[%s] not issued", r->name);
    sig = apr_psprintf(p, "1.%" APR_INT64_T_FMT ".%s.%s", r->expiry, rr,
                       target_of(p, r->method, r->uri));
    want = apr_pstrcat(p, sig, ".", mac_of(p, sig, strlen(sig)), NULL);
    CK_STREQ(p, tok, want, "token", r->name);

    v = rwdav_echo_verify(p, k, sizeof(EK) - 1, r->method, r->uri, tok,
                          strlen(tok), r->expiry, &rules);
    ck_assert_msg(v == RWDAV_ECHO_OK, "[%s] %s", r->name,
                  rwdav_echo_verdict_name(v));
    CK_STREQ(p, rules, rr, "rules", r->name);
    if (r->expiry < APR_INT64_MAX) {
        v = rwdav_echo_verify(p, k, sizeof(EK) - 1, r->method, r->uri, tok,
                              strlen(tok), r->expiry + 1, NULL);
        ck_assert_msg(v == RWDAV_ECHO_EXPIRED, "[%s] at expiry + 1: %s",
                      r->name, rwdav_echo_verdict_name(v));
    }
    /* stateless: any server with the key issues the very same token */
    again = rwdav_echo_issue(p, k, sizeof(EK) - 1, r->method, r->uri,
                             r->rules, r->expiry);
    CK_STREQ(p, again, tok, "second issue", r->name);
    apr_pool_destroy(p);
}
END_TEST

/* Computed independently (Python hashlib/hmac/base64). */
START_TEST(test_echo_known_answer)
{
    apr_pool_t *p = unit_pool();
    const char *tok = rwdav_echo_issue(p, (const unsigned char *)EK,
                                       sizeof(EK) - 1, "PUT", "/dav/a.txt",
                                       "r1,big-file_x", EEXP);

    CK_STREQ(p, tok, "1.1700000000.r1,big-file_x.yYulvLmerJB32oEjLTpGaQ."
             "F5jLfHdIW6tcAVEM7D9YaZPmo_x0AurdFfXc8BHQXRc", "token",
             "known answer");
    apr_pool_destroy(p);
}
END_TEST

typedef struct {
    const char *name;
    const char *rules;
    apr_size_t fill;            /* when set: rules of that many 'r' */
    apr_int64_t expiry;
} refuse_row;

static const refuse_row refuse_rows[] = {
    { "dot", "a.b", 0, EEXP },
    { "space", "a b", 0, EEXP },
    { "tab", "a\tb", 0, EEXP },
    { "slash", "a/b", 0, EEXP },
    { "equals", "a=b", 0, EEXP },
    { "plus", "a+b", 0, EEXP },
    { "semicolon", "a;b", 0, EEXP },
    { "CR LF", "a\r\nb", 0, EEXP },
    { "quote", "\"a\"", 0, EEXP },
    { "UTF-8", "\xc3\xa9", 0, EEXP },
    { "byte 0xff", "\xff", 0, EEXP },
    { "token over RWDAV_ECHO_MAX", NULL, RWDAV_ECHO_MAX - EFIXED + 1, EEXP },
    { "negative expiry", "r", 0, -1 },
    { "INT64_MIN expiry", "r", 0, APR_INT64_MIN },
};

START_TEST(test_echo_issue_refuses)
{
    const refuse_row *r = &refuse_rows[_i];
    apr_pool_t *p = unit_pool();
    const char *rules = r->rules, *tok;
    apr_size_t n;

    if (r->fill)
        rules = unit_fill(p, "", 'r', "", r->fill, &n);
    tok = rwdav_echo_issue(p, (const unsigned char *)EK, sizeof(EK) - 1,
                           EMETHOD, EURI, rules, r->expiry);
    ck_assert_msg(tok == NULL, "[%s] issued \"%s\"", r->name,
                  tok ? unit_repr(p, tok, strlen(tok)) : "");
    apr_pool_destroy(p);
}
END_TEST

/* The longest rules that still fit: RWDAV_ECHO_MAX exactly. */
START_TEST(test_echo_issue_max)
{
    apr_pool_t *p = unit_pool();
    apr_size_t n;
    const char *rules = unit_fill(p, "", 'r', "", RWDAV_ECHO_MAX - EFIXED, &n);
    const char *tok = rwdav_echo_issue(p, (const unsigned char *)EK,
                                       sizeof(EK) - 1, EMETHOD, EURI, rules,
                                       EEXP);

    ck_assert_msg(tok != NULL && strlen(tok) == RWDAV_ECHO_MAX,
                  "expected a token of %d bytes", RWDAV_ECHO_MAX);
    ck_assert(rwdav_echo_verify(p, (const unsigned char *)EK, sizeof(EK) - 1,
                                EMETHOD, EURI, tok, strlen(tok), EEXP, NULL)
              == RWDAV_ECHO_OK);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(test_echo_verdict_names)
{
    static const struct {
        rwdav_echo_verdict v;
        const char *name;
    } names[] = {
        { RWDAV_ECHO_OK, "ok" },
        { RWDAV_ECHO_MALFORMED, "malformed" },
        { RWDAV_ECHO_FORGED, "forged" },
        { RWDAV_ECHO_FOREIGN, "foreign" },
        { RWDAV_ECHO_EXPIRED, "expired" },
    };
    apr_pool_t *p = unit_pool();
    int i;

    for (i = 0; i < NROWS(names); i++)
        CK_STREQ(p, rwdav_echo_verdict_name(names[i].v), names[i].name,
                 "name", names[i].name);
    apr_pool_destroy(p);
}
END_TEST

Suite *suite_echo(void)
{
    Suite *s = suite_create("echo");
    TCase *tc = tcase_create("sha256");

    tcase_add_loop_test(tc, test_sha256, 0, NROWS(sha_rows));
    tcase_add_loop_test(tc, test_hmac_sha256, 0, NROWS(hmac_rows));
    suite_add_tcase(s, tc);
    tc = tcase_create("echo_verify");
    tcase_add_loop_test(tc, test_echo_verify, 0, NROWS(echo_rows));
    tcase_add_test(tc, test_echo_verify_null);
    suite_add_tcase(s, tc);
    tc = tcase_create("echo_issue");
    tcase_add_loop_test(tc, test_echo_issue, 0, NROWS(issue_rows));
    tcase_add_test(tc, test_echo_known_answer);
    tcase_add_loop_test(tc, test_echo_issue_refuses, 0, NROWS(refuse_rows));
    tcase_add_test(tc, test_echo_issue_max);
    tcase_add_test(tc, test_echo_verdict_names);
    suite_add_tcase(s, tc);
    return s;
}
