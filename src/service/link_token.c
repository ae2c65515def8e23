/* Signed link tokens and their keys (link_token.h). */
#include "link_token.h"

#include <sodium.h>
#include <string.h>

#include "../store/store.h"
#include "../util/encode.h"
#include "../util/timeutil.h"

#define PAYLOAD_LEN 32
#define RAW_LEN     (PAYLOAD_LEN + crypto_auth_BYTES)

_Static_assert(LINK_KEY_LEN == crypto_auth_KEYBYTES, "link key size");
_Static_assert(crypto_auth_BYTES == 32, "link tag size");

static void put_be64(unsigned char *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--) {
        p[i] = (unsigned char)(u & 0xff);
        u >>= 8;
    }
}

static int64_t get_be64(const unsigned char *p)
{
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = u << 8 | p[i];
    return (int64_t)u;
}

void link_key_new(unsigned char key[LINK_KEY_LEN])
{
    crypto_auth_keygen(key);
}

enum terr link_key_load(struct store_tx *tx, const char *setting, bool create,
                        unsigned char key[LINK_KEY_LEN])
{
    size_t n = 0;
    enum terr e = store_setting_get(tx, setting, key, LINK_KEY_LEN, &n);
    if (!e && n != LINK_KEY_LEN)
        e = TERR_STORAGE;
    if (e != TERR_NOT_FOUND || !create)
        return e;
    unsigned char fresh[LINK_KEY_LEN];
    link_key_new(fresh);
    /* The write lock is held: no other server can store a key in between. */
    e = store_setting_insert(tx, setting, fresh, sizeof(fresh), time_now_ms());
    if (!e)
        memcpy(key, fresh, LINK_KEY_LEN);
    sodium_memzero(fresh, sizeof(fresh));
    return e;
}

void link_token_make(const unsigned char key[LINK_KEY_LEN], int64_t id, int64_t expires_at,
                     char out[LINK_TOKEN_MAX])
{
    _Static_assert(LINK_TOKEN_MAX > LINK_TOKEN_LEN, "token buffer");
    unsigned char raw[RAW_LEN];
    put_be64(raw, id);
    randombytes_buf(raw + 8, 16);
    put_be64(raw + 24, expires_at);
    crypto_auth(raw + PAYLOAD_LEN, raw, PAYLOAD_LEN, key);
    base64url_encode(raw, sizeof(raw), out);
}

enum terr link_token_open(const unsigned char key[LINK_KEY_LEN], const char *token, int64_t *id,
                          int64_t *expires_at)
{
    unsigned char raw[RAW_LEN];
    size_t n = strnlen(token, LINK_TOKEN_LEN + 1), got;
    if (n != LINK_TOKEN_LEN || !base64url_decode(token, n, raw, sizeof(raw), &got) ||
        got != RAW_LEN)
        return TERR_NOT_FOUND;
    /* The last character carries 2 spare bits: only the canonical spelling
     * is accepted, so one token has one text (and one stored hash). */
    char again[LINK_TOKEN_MAX];
    base64url_encode(raw, sizeof(raw), again);
    if (memcmp(again, token, LINK_TOKEN_LEN) != 0)
        return TERR_NOT_FOUND;
    if (crypto_auth_verify(raw + PAYLOAD_LEN, raw, PAYLOAD_LEN, key) != 0)
        return TERR_NOT_FOUND;
    int64_t v = get_be64(raw), exp = get_be64(raw + 24);
    if (v <= 0)
        return TERR_NOT_FOUND;
    *id = v;
    *expires_at = exp;
    return TERR_OK;
}
