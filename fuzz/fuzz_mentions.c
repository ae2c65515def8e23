/*
 * libFuzzer target for @mentions in notes (src/domain/mentions.c).
 *
 * The input, up to its first NUL, is a note.  The names go into a heap block
 * of exactly `max` entries (max from the first byte, 0 to 4, or
 * MENTIONS_MAX), so ASan sees a write past it.  Invariants: at most max
 * names; each is 1 to MENTION_NAME_MAX bytes of a-z 0-9 . _ + -, neither
 * ending in '.' or '-', lower case; no name twice; each appears in the note
 * (ignoring case) right after an '@'.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "domain/mentions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t max = size && data[0] < 5 ? data[0] : MENTIONS_MAX;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    char(*names)[MENTION_NAME_MAX + 1] = malloc((max ? max : 1) * sizeof(*names));
    size_t n = mentions_parse(text, names, max);
    FUZZ_ASSERT(n <= max);
    for (size_t i = 0; i < n; i++) {
        size_t len = strnlen(names[i], MENTION_NAME_MAX + 1);
        FUZZ_ASSERT(len >= 1 && len <= MENTION_NAME_MAX);
        FUZZ_ASSERT(strspn(names[i], "abcdefghijklmnopqrstuvwxyz0123456789._+-") == len);
        FUZZ_ASSERT(names[i][len - 1] != '.' && names[i][len - 1] != '-');
        for (size_t k = 0; k < i; k++)
            FUZZ_ASSERT(strcmp(names[i], names[k]) != 0);
        bool found = false;
        for (const char *p = strchr(text, '@'); p && !found; p = strchr(p + 1, '@'))
            found = strncasecmp(p + 1, names[i], len) == 0;
        FUZZ_ASSERT(found);
    }
    free(names);
    free(text);
    return 0;
}
