#include "survey_token.h"

#include <sodium.h>
#include <string.h>

#include "../util/encode.h"

#define PAYLOAD_LEN 32
#define RAW_LEN     (PAYLOAD_LEN + crypto_auth_BYTES)

_Static_assert(SURVEY_KEY_LEN == crypto_auth_KEYBYTES, "survey key size");
_Static_assert(crypto_auth_BYTES == 32, "survey tag size");

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

void survey_key_new(unsigned char key[SURVEY_KEY_LEN])
{
    crypto_auth_keygen(key);
}

void survey_token_make(const unsigned char key[SURVEY_KEY_LEN], int64_t survey_id,
                       int64_t expires_at, char out[SURVEY_TOKEN_MAX])
{
    _Static_assert(SURVEY_TOKEN_MAX > SURVEY_TOKEN_LEN, "token buffer");
    unsigned char raw[RAW_LEN];
    put_be64(raw, survey_id);
    randombytes_buf(raw + 8, 16);
    put_be64(raw + 24, expires_at);
    crypto_auth(raw + PAYLOAD_LEN, raw, PAYLOAD_LEN, key);
    base64url_encode(raw, sizeof(raw), out);
}

enum terr survey_token_open(const unsigned char key[SURVEY_KEY_LEN], const char *token,
                            int64_t *survey_id, int64_t *expires_at)
{
    unsigned char raw[RAW_LEN];
    size_t n = strnlen(token, SURVEY_TOKEN_LEN + 1), got;
    if (n != SURVEY_TOKEN_LEN || !base64url_decode(token, n, raw, sizeof(raw), &got) ||
        got != RAW_LEN)
        return TERR_NOT_FOUND;
    /* The last character carries 2 spare bits: only the canonical spelling
     * is accepted, so one token has one text (and one stored hash). */
    char again[SURVEY_TOKEN_MAX];
    base64url_encode(raw, sizeof(raw), again);
    if (memcmp(again, token, SURVEY_TOKEN_LEN) != 0)
        return TERR_NOT_FOUND;
    if (crypto_auth_verify(raw + PAYLOAD_LEN, raw, PAYLOAD_LEN, key) != 0)
        return TERR_NOT_FOUND;
    int64_t id = get_be64(raw), exp = get_be64(raw + 24);
    if (id <= 0)
        return TERR_NOT_FOUND;
    *survey_id = id;
    *expires_at = exp;
    return TERR_OK;
}
