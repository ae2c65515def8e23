/*
 * libFuzzer target for RFC 3339 times (src/util/timeutil.c).
 *
 * The input is a time as a client sends it (cut at its first NUL), with
 * "Z", no zone or a numeric offset.
 * Invariants: a refused time leaves the output untouched; a parsed one
 * formats as 24 bytes that parse back to the same milliseconds.  The first 8
 * input bytes are also read as a millisecond count inside the years
 * 0000..9999 (what the format can show), which must format and parse back to
 * itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util/timeutil.h"

/* Formats ms and parses it back; the text is the fixed-width form. */
static void round_trip(int64_t ms, const char *from)
{
    char iso[TIME_ISO_LEN];
    FUZZ_ASSERT(time_format_iso(ms, iso) == iso);
    FUZZ_ASSERT(strlen(iso) == 24);
    int64_t back = 0;
    bool ok = time_parse_iso(iso, &back);
    if (!ok || back != ms)
        fprintf(stderr, "'%s' is %lld ms, formats as '%s', parses back %s %lld\n", from,
                (long long)ms, iso, ok ? "as" : "NOT, left at", (long long)back);
    FUZZ_ASSERT(ok && back == ms);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';

    int64_t ms = 0x5a5a5a5a;
    if (time_parse_iso(s, &ms))
        round_trip(ms, s);
    else
        FUZZ_ASSERT(ms == 0x5a5a5a5a);

    if (size >= 8) {
        uint64_t raw;
        memcpy(&raw, data, sizeof(raw));
        int64_t t =
            TIME_MS_YEAR_0 + (int64_t)(raw % (uint64_t)(TIME_MS_YEAR_10000 - TIME_MS_YEAR_0));
        round_trip(t, "(from the input bytes)");
    }
    free(s);
    return 0;
}
