/*
 * Private to src/text: the normalisation step the tokenizer shares with
 * text_fold(), with the tokenizer's extra rules switched on by flags.
 */
#ifndef TRUCE_TEXT_INT_H
#define TRUCE_TEXT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define NORM_FOLD  0x1u /* Unicode case folding (NFC is always applied) */
#define NORM_APOS  0x2u /* U+2018, U+2019, U+02BC become "'" */
#define NORM_ELONG 0x4u /* a letter repeated 3+ times is cut to two */
#define NORM_STRIP 0x8u /* compatibility forms unfolded (NFKC), marks dropped */

/* Appends the normal form of s[0..len), which the caller has validated as
 * UTF-8, to out.  Sets *elongated (when not NULL) if NORM_ELONG cut a run.
 * TERR_TOO_LARGE when out's cap is reached (out unchanged).  Allocates only
 * for inputs longer than a few hundred code points. */
enum terr text_norm_valid(const char *s, size_t len, unsigned flags, struct buf *out,
                          bool *elongated);

#endif
