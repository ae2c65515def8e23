/* Hex and unpadded base64url (RFC 4648 §5) codecs for tokens and cursors. */
#ifndef TRUCE_ENCODE_H
#define TRUCE_ENCODE_H

#include <stdbool.h>
#include <stddef.h>

/* Writes 2n hex digits and a NUL into out (2n+1 bytes). */
void hex_encode(const unsigned char *in, size_t n, char *out);

/* Size of the base64url text for n bytes, without the NUL. */
size_t base64url_len(size_t n);
/* Writes base64url_len(n) characters and a NUL into out. */
void base64url_encode(const unsigned char *in, size_t n, char *out);
/* Decodes into out (at most cap bytes); false on a bad character or overflow. */
bool base64url_decode(const char *in, size_t n, unsigned char *out, size_t cap, size_t *out_len);

#endif
