/*
 * libFuzzer target for the JSON syntax check (util/jsoncheck.c), against
 * jansson, both ways: text the check accepts must parse as an object
 * (jansson may still refuse a number too large for a double or an int64,
 * which is valid JSON), and an object jansson parses, nested no deeper than
 * the check allows, must be accepted.  Replies print accepted text as it is,
 * so a false "valid" would break them, and a false "invalid" would hide a
 * stored analysis.
 */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "util/jsoncheck.h"

/* Nesting depth of v: 0 for a scalar, 1 for an empty object or array. */
static int depth(const json_t *v)
{
    int d = 0;
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)(uintptr_t)v, k, x)
        {
            int dx = depth(x);
            d = dx > d ? dx : d;
        }
        return d + 1;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            int dx = depth(x);
            d = dx > d ? dx : d;
        }
        return d + 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    bool ok = json_object_valid(s, size);
    json_error_t je;
    json_t *v = json_loadb(s, size, 0, &je);
    if (ok) {
        FUZZ_ASSERT(v != NULL || strstr(je.text, "overflow") || strstr(je.text, "too big"));
        FUZZ_ASSERT(v == NULL || json_is_object(v));
    } else if (v && json_is_object(v) && memchr(s, '\0', size) == NULL) {
        FUZZ_ASSERT(depth(v) > JSONCHECK_MAX_DEPTH);
    }
    json_decref(v);
    return 0;
}
