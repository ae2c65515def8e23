/*
 * Survey links.  A link is /s/<token>, where the token is the base64url text
 * (unpadded) of 64 bytes:
 *
 *   survey id (8, big-endian) | 16 random bytes | expiry ms (8, big-endian) | tag (32)
 *
 * and the tag is crypto_auth (HMAC-SHA-512-256) of the first 32 bytes under
 * the server's survey key.  The signature lets a forged or altered link be
 * refused without a database read of anything but the key; the random bytes
 * make each link unguessable even to someone who knows the id and expiry;
 * the database keeps only the token's hash, so a link is honoured only while
 * its survey row says so (single use, see surveys.h).
 */
#ifndef TRUCE_SURVEY_TOKEN_H
#define TRUCE_SURVEY_TOKEN_H

#include <stdint.h>

#include "../util/err.h"

#define SURVEY_KEY_LEN   32 /* crypto_auth_KEYBYTES */
#define SURVEY_TOKEN_LEN 86 /* base64url of 64 bytes */
#define SURVEY_TOKEN_MAX 88 /* with the NUL, rounded up */

/* Makes a new random key into key. */
void survey_key_new(unsigned char key[SURVEY_KEY_LEN]);

/* Writes a fresh token for (survey_id, expires_at) signed with key into out.
 * Two calls never give the same token.  Cannot fail. */
void survey_token_make(const unsigned char key[SURVEY_KEY_LEN], int64_t survey_id,
                       int64_t expires_at, char out[SURVEY_TOKEN_MAX]);

/* Checks a token's form and signature under key, and reads what it carries.
 * TERR_NOT_FOUND for anything malformed, altered or signed with another key
 * (the caller answers 404 to all alike); the outputs are set only on
 * TERR_OK.  Neither the clock nor the database is looked at. */
enum terr survey_token_open(const unsigned char key[SURVEY_KEY_LEN], const char *token,
                            int64_t *survey_id, int64_t *expires_at);

#endif
