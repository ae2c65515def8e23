/*
 * Secrets with libsodium: random tokens, their stored hashes, and Argon2id
 * password hashes.  A token is shown once and stored only as its hash, so a
 * stolen database does not yield working credentials.
 */
#ifndef TRUCE_SECRET_H
#define TRUCE_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define SECRET_HASH_LEN   32
#define SECRET_TOKEN_MAX  96  /* "prefix_" + base64url of 32 bytes, with NUL */
#define SECRET_PWHASH_MAX 128 /* crypto_pwhash_STRBYTES */

/* Initialises libsodium; call once before any other function here. */
enum terr secret_init(void);
/* Writes "<prefix>_<43 base64url chars>" into out (SECRET_TOKEN_MAX bytes). */
void secret_token_new(const char *prefix, char out[SECRET_TOKEN_MAX]);
/* BLAKE2b-256 of a token, as stored. */
void secret_hash(const char *token, size_t len, unsigned char out[SECRET_HASH_LEN]);
/* Constant-time equality of two hashes. */
bool secret_hash_equal(const unsigned char a[SECRET_HASH_LEN],
                       const unsigned char b[SECRET_HASH_LEN]);
/* Argon2id string of a password (interactive limits); TERR_INTERNAL if out of memory. */
enum terr secret_password_hash(const char *password, char out[SECRET_PWHASH_MAX]);
/* True when password matches the stored Argon2id string. */
bool secret_password_verify(const char *stored, const char *password);
/* Spends the time a verification takes, for unknown accounts (no timing oracle). */
void secret_password_dummy_verify(const char *password);

#endif
