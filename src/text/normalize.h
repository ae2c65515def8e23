/*
 * Unicode normalisation with utf8proc: NFC composition and case folding.
 * Used for the normal form of tokens and for lexicon and phrase entries, so
 * that "CAFÉ", "café" (composed) and "café" (e + combining accent) meet.
 */
#ifndef TRUCE_NORMALIZE_H
#define TRUCE_NORMALIZE_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* Appends the NFC, case-folded form of s[0..len) to out.  TERR_BAD_UTF8 when
 * s is not valid UTF-8, TERR_TOO_LARGE when out's cap is reached; out is
 * unchanged on error. */
enum terr text_fold(const char *s, size_t len, struct buf *out);

/* Appends the NFC form of s[0..len) to out (no case change); errors as above. */
enum terr text_nfc(const char *s, size_t len, struct buf *out);

/* Appends s[0..len) case-folded, compatibility forms unfolded and marks
 * dropped (NFKC without marks), and Ø, Đ, Ð, Ł and dotless i, whose stroke
 * no decomposition drops, as o, d, d, l, i: "Crème Brûlée" -> "creme
 * brulee", "Søren" -> "soren".  Letters of other scripts stay.  Errors as
 * above (NORM_APOS and NORM_STRIP are never asked together). */
enum terr text_unaccent(const char *s, size_t len, struct buf *out);

#endif
