/*
 * libFuzzer target for list cursors (src/http/cursor.c).
 *
 * The input is the ?cursor= value a client sends (cut at its first NUL).  It
 * is decoded for each sort order.  Invariants: at most one sort order takes
 * it, with a positive id; a refused cursor leaves the outputs untouched; what
 * decodes re-encodes to a cursor that decodes to the same values.  The first
 * 17 input bytes are also read as (sort, key, id, buffer size) to check that
 * cursor_encode stays inside its buffer and round-trips whatever it writes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http/cursor.h"

static const enum ticket_sort sorts[] = {SORT_RISK, SORT_UPDATED, SORT_CREATED, SORT_DUE};

/* Encodes (sort, key, id) into a heap block of exactly len bytes; if it
 * fits, it must decode to the same values under sort and no other. */
static void round_trip(enum ticket_sort sort, int64_t key, int64_t id, size_t len)
{
    char *out = malloc(len);
    cursor_encode(sort, key, id, out, len);
    size_t n = strnlen(out, len);
    FUZZ_ASSERT(n < len);
    if (len >= 128)
        FUZZ_ASSERT(n > 0); /* the header promises 128 bytes are ample */
    if (n > 0 && id > 0) {
        for (size_t i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++) {
            int64_t k = -1, d = -1;
            bool ok = cursor_decode(out, sorts[i], &k, &d);
            FUZZ_ASSERT(ok == (sorts[i] == sort));
            if (ok)
                FUZZ_ASSERT(k == key && d == id);
        }
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';

    int taken = 0;
    for (size_t i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++) {
        int64_t key = 0x5a5a, id = 0x5a5a;
        if (!cursor_decode(s, sorts[i], &key, &id)) {
            FUZZ_ASSERT(key == 0x5a5a && id == 0x5a5a);
            continue;
        }
        taken++;
        FUZZ_ASSERT(id > 0);
        char again[128];
        cursor_encode(sorts[i], key, id, again, sizeof(again));
        FUZZ_ASSERT(again[0] != '\0');
        int64_t key2 = -1, id2 = -1;
        FUZZ_ASSERT(cursor_decode(again, sorts[i], &key2, &id2));
        FUZZ_ASSERT(key2 == key && id2 == id);
        /* The canonical form is a fixed point. */
        char third[128];
        cursor_encode(sorts[i], key2, id2, third, sizeof(third));
        FUZZ_ASSERT(strcmp(again, third) == 0);
    }
    FUZZ_ASSERT(taken <= 1);

    if (size >= 17) {
        int64_t key, id;
        memcpy(&key, data, sizeof(key));
        memcpy(&id, data + 8, sizeof(id));
        round_trip(sorts[data[16] % 3], key, id, (size_t)(data[16] >> 2) + 1);
        round_trip(sorts[data[16] % 3], key, id, 128);
    }
    free(s);
    return 0;
}
