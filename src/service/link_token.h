/*
 * Signed links for customers: a survey link (/s/<token>, surveys.h) and a
 * case link (/c/<token>, case_link.h) carry the same kind of token, the
 * base64url text (unpadded) of 64 bytes:
 *
 *   id (8, big-endian) | 16 random bytes | expiry ms (8, big-endian) | tag (32)
 *
 * and the tag is crypto_auth (HMAC-SHA-512-256) of the first 32 bytes under
 * a key of the server's, one key per kind of link (a settings row each), so a
 * token of one kind never opens as another.  The signature lets a forged or
 * altered link be refused without a database read of anything but the key;
 * the random bytes make each link unguessable even to someone who knows the
 * id and expiry.  What a link may do beyond that (single use, expiry) is its
 * service's business.
 */
#ifndef TRUCE_LINK_TOKEN_H
#define TRUCE_LINK_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/err.h"

#define LINK_KEY_LEN   32 /* crypto_auth_KEYBYTES */
#define LINK_TOKEN_LEN 86 /* base64url of 64 bytes */
#define LINK_TOKEN_MAX 88 /* with the NUL, rounded up */

struct store_tx;

/* Makes a new random key into key. */
void link_key_new(unsigned char key[LINK_KEY_LEN]);

/* The key stored in the settings row `setting` into key: read, or (when
 * create) made and stored in this write transaction if there is none yet.
 * Without create, TERR_NOT_FOUND when no key exists; TERR_STORAGE for a row
 * of the wrong size (only this function writes it: that is damage). */
enum terr link_key_load(struct store_tx *tx, const char *setting, bool create,
                        unsigned char key[LINK_KEY_LEN]);

/* Writes a fresh token for (id, expires_at) signed with key into out.  Two
 * calls never give the same token.  Cannot fail. */
void link_token_make(const unsigned char key[LINK_KEY_LEN], int64_t id, int64_t expires_at,
                     char out[LINK_TOKEN_MAX]);

/* Checks a token's form and signature under key, and reads what it carries.
 * TERR_NOT_FOUND for anything malformed, altered or signed with another key
 * (the caller answers 404 to all alike); the outputs are set only on
 * TERR_OK.  Neither the clock nor the database is looked at. */
enum terr link_token_open(const unsigned char key[LINK_KEY_LEN], const char *token, int64_t *id,
                          int64_t *expires_at);

#endif
