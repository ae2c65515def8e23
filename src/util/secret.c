#include "secret.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "encode.h"

enum terr secret_init(void)
{
    return sodium_init() < 0 ? TERR_INTERNAL : TERR_OK;
}

void secret_token_new(const char *prefix, char out[SECRET_TOKEN_MAX])
{
    unsigned char raw[32];
    char text[64];
    randombytes_buf(raw, sizeof(raw));
    base64url_encode(raw, sizeof(raw), text);
    snprintf(out, SECRET_TOKEN_MAX, "%s_%s", prefix, text);
    sodium_memzero(raw, sizeof(raw));
}

void secret_hash(const char *token, size_t len, unsigned char out[SECRET_HASH_LEN])
{
    crypto_generichash(out, SECRET_HASH_LEN, (const unsigned char *)token, len, NULL, 0);
}

bool secret_hash_equal(const unsigned char a[SECRET_HASH_LEN],
                       const unsigned char b[SECRET_HASH_LEN])
{
    return sodium_memcmp(a, b, SECRET_HASH_LEN) == 0;
}

enum terr secret_password_hash(const char *password, char out[SECRET_PWHASH_MAX])
{
    _Static_assert(SECRET_PWHASH_MAX >= crypto_pwhash_STRBYTES, "pwhash buffer too small");
    if (crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13))
        return TERR_INTERNAL;
    return TERR_OK;
}

bool secret_password_verify(const char *stored, const char *password)
{
    return stored && crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
}

static char dummy_hash[SECRET_PWHASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    if (secret_password_hash("truce-dummy-password", dummy_hash))
        dummy_hash[0] = '\0';
}

void secret_password_dummy_verify(const char *password)
{
    pthread_once(&dummy_once, make_dummy);
    if (dummy_hash[0] && crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
        return; /* the result is meaningless; only the time spent matters */
}
