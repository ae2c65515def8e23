/*
 * libFuzzer target for the JSON syntax check (util/jsoncheck.c), against
 * jansson: text the check accepts must parse as an object (jansson may still
 * refuse a number too large for a double or an int64, which is valid JSON),
 * and text jansson refuses as malformed must not be accepted.  Replies print
 * accepted text as it is, so a false "valid" would break them.
 */
#include <jansson.h>
#include <string.h>

#include "fuzz.h"
#include "util/jsoncheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    bool ok = json_object_valid(s, size);
    json_error_t je;
    json_t *v = json_loadb(s, size, 0, &je);
    if (ok) {
        FUZZ_ASSERT(v != NULL || strstr(je.text, "overflow") || strstr(je.text, "too big"));
        FUZZ_ASSERT(v == NULL || json_is_object(v));
    }
    json_decref(v);
    return 0;
}
