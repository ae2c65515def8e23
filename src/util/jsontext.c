#include "jsontext.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "utf8.h"

json_t *json_text(const char *s)
{
    json_t *v = json_string(s ? s : "");
    if (v)
        return v;
    size_t n = strlen(s) + 1;
    char *clean = xmalloc(n);
    utf8_sanitize(s, clean, n);
    v = json_string(clean);
    free(clean);
    if (!v)
        BUG("cannot make a JSON string");
    return v;
}

char *json_dump_record(json_t *o, const char *what)
{
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    if (!text)
        BUG("cannot encode %s", what);
    char *copy = xstrdup(text); /* jansson's allocator may not be ours */
    free(text);
    return copy;
}

const char *json_unknown_key(const json_t *o, const char *const *names)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)(uintptr_t)o, key, v)
    {
        size_t k = 0;
        while (names[k] && strcmp(names[k], key) != 0)
            k++;
        if (!names[k])
            return key;
    }
    return NULL;
}
