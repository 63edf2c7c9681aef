/* SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for the Ms-Echo tokens.
 *
 * Why it is here: APR 1.x has MD5 and SHA-1 (apr_md5.h, apr_sha1.h) but no
 * SHA-256, and the module must not depend on OpenSSL (nor on whatever TLS
 * library httpd happens to be linked with). The tokens need no speed, only a
 * correct, portable MAC, so this is the plain textbook algorithm: words are
 * read and written byte by byte in big-endian order (no alignment or
 * host-endianness assumption), and nothing is allocated. */
#include <string.h>

#include "rwdav.h"

#define SHA256_BLOCK 64
#define SHA256_LEN 32

typedef struct {
    apr_uint32_t h[8];
    apr_uint64_t bytes;                 /* message length so far */
    unsigned char buf[SHA256_BLOCK];
    apr_size_t used;                    /* bytes waiting in buf */
} sha256_ctx;

/* FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube
 * roots of the first 64 primes. */
static const apr_uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

/* The masks keep the results right where apr_uint32_t is wider than 32. */
#define ROTR(x, n) ((((x) >> (n)) | ((x) << (32 - (n)))) & 0xffffffffU)
#define CH(x, y, z) (((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z) (((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))

static apr_uint32_t load_be32(const unsigned char *b)
{
    return ((apr_uint32_t)b[0] << 24) | ((apr_uint32_t)b[1] << 16)
           | ((apr_uint32_t)b[2] << 8) | (apr_uint32_t)b[3];
}

static void store_be32(unsigned char *b, apr_uint32_t v)
{
    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
}

/* A memset() of a buffer that is never read again may be dropped by the
 * compiler; writes through a volatile pointer may not. */
static void wipe(void *v, apr_size_t n)
{
    volatile unsigned char *b = v;
    while (n--)
        *b++ = 0;
}

static void sha256_init(sha256_ctx *c)
{
    /* §5.3.3: fractional parts of the square roots of the first 8 primes */
    static const apr_uint32_t h0[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
    };
    memcpy(c->h, h0, sizeof(h0));
    c->bytes = 0;
    c->used = 0;
}

/* §6.2.2: one 512-bit block. */
static void sha256_block(sha256_ctx *c, const unsigned char *blk)
{
    apr_uint32_t w[64], s[8], t1, t2;
    int i;

    for (i = 0; i < 16; i++)
        w[i] = load_be32(blk + 4 * i);
    for (i = 16; i < 64; i++)
        w[i] = (SSIG1(w[i - 2]) + w[i - 7] + SSIG0(w[i - 15]) + w[i - 16])
               & 0xffffffffU;
    memcpy(s, c->h, sizeof(s));
    for (i = 0; i < 64; i++) {
        t1 = s[7] + BSIG1(s[4]) + CH(s[4], s[5], s[6]) + K[i] + w[i];
        t2 = BSIG0(s[0]) + MAJ(s[0], s[1], s[2]);
        s[7] = s[6];
        s[6] = s[5];
        s[5] = s[4];
        s[4] = (s[3] + t1) & 0xffffffffU;
        s[3] = s[2];
        s[2] = s[1];
        s[1] = s[0];
        s[0] = (t1 + t2) & 0xffffffffU;
    }
    for (i = 0; i < 8; i++)
        c->h[i] = (c->h[i] + s[i]) & 0xffffffffU;
}

static void sha256_update(sha256_ctx *c, const unsigned char *m,
                          apr_size_t len)
{
    c->bytes += len;
    if (c->used) {
        apr_size_t take = SHA256_BLOCK - c->used;
        if (take > len)
            take = len;
        memcpy(c->buf + c->used, m, take);
        c->used += take;
        m += take;
        len -= take;
        if (c->used < SHA256_BLOCK)
            return;
        sha256_block(c, c->buf);
        c->used = 0;
    }
    for (; len >= SHA256_BLOCK; m += SHA256_BLOCK, len -= SHA256_BLOCK)
        sha256_block(c, m);
    if (len) {
        memcpy(c->buf, m, len);
        c->used = len;
    }
}

/* §5.1.1: a 1 bit, zeros to 56 mod 64, then the bit length big-endian. */
static void sha256_final(sha256_ctx *c, unsigned char out[SHA256_LEN])
{
    apr_uint64_t bits = c->bytes * 8;
    int i;

    c->buf[c->used++] = 0x80;
    if (c->used > SHA256_BLOCK - 8) {
        memset(c->buf + c->used, 0, SHA256_BLOCK - c->used);
        sha256_block(c, c->buf);
        c->used = 0;
    }
    memset(c->buf + c->used, 0, SHA256_BLOCK - 8 - c->used);
    for (i = 0; i < 8; i++)
        c->buf[SHA256_BLOCK - 1 - i] = (unsigned char)(bits >> (8 * i));
    sha256_block(c, c->buf);
    for (i = 0; i < 8; i++)
        store_be32(out + 4 * i, c->h[i]);
    wipe(c, sizeof(*c));                /* leaves no key material behind */
}

void rwdav_sha256(const unsigned char *msg, apr_size_t len,
                  unsigned char out[32])
{
    sha256_ctx c;

    sha256_init(&c);
    if (len)
        sha256_update(&c, msg, len);
    sha256_final(&c, out);
}

/* RFC 2104: H((K ^ opad) || H((K ^ ipad) || text)), K zero-padded to the
 * block size; a key longer than a block is replaced by its hash (§2). */
void rwdav_hmac_sha256(const unsigned char *key, apr_size_t keylen,
                       const unsigned char *msg, apr_size_t len,
                       unsigned char out[32])
{
    unsigned char k[SHA256_BLOCK], pad[SHA256_BLOCK], inner[SHA256_LEN];
    sha256_ctx c;
    int i;

    memset(k, 0, sizeof(k));
    if (keylen > SHA256_BLOCK)
        rwdav_sha256(key, keylen, k);
    else if (keylen)
        memcpy(k, key, keylen);

    for (i = 0; i < SHA256_BLOCK; i++)
        pad[i] = (unsigned char)(k[i] ^ 0x36);
    sha256_init(&c);
    sha256_update(&c, pad, SHA256_BLOCK);
    if (len)
        sha256_update(&c, msg, len);
    sha256_final(&c, inner);

    for (i = 0; i < SHA256_BLOCK; i++)
        pad[i] = (unsigned char)(k[i] ^ 0x5c);
    sha256_init(&c);
    sha256_update(&c, pad, SHA256_BLOCK);
    sha256_update(&c, inner, SHA256_LEN);
    sha256_final(&c, out);

    wipe(k, sizeof(k));
    wipe(pad, sizeof(pad));
    wipe(inner, sizeof(inner));
}
