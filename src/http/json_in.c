#include "json_in.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../util/utf8.h"

static const char *json_kind(const json_t *v)
{
    return json_is_array(v)     ? "an array"
           : json_is_string(v)  ? "a string"
           : json_is_number(v)  ? "a number"
           : json_is_boolean(v) ? "true or false"
                                : "null";
}

enum terr json_parse_body(const char *data, size_t len, json_t **out, struct terr_info *ei)
{
    /* A byte-order mark is not JSON, but RFC 8259 lets a parser ignore one
     * (and the editors that write it are common); truce analyze does too. */
    const char *body = data;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        data += 3, len -= 3;
    /* The first fault is named: bytes that are not UTF-8, or a NUL (which
     * utf8_valid() refuses too, but which is UTF-8: JSON cannot hold it). */
    const char *nul = memchr(data, '\0', len);
    if (!utf8_valid(data, nul ? (size_t)(nul - data) : len))
        return terr_set(ei, TERR_BAD_UTF8, NULL, "the body is not valid UTF-8");
    if (nul) /* bytes counted from 1, as editors count columns */
        return terr_set(ei, TERR_BAD_JSON, NULL,
                        "the body has a NUL byte at byte %zu: JSON text cannot hold one",
                        (size_t)(nul - body) + 1);
    size_t i = 0;
    while (i < len && strchr(" \t\r\n", data[i]))
        i++;
    if (i == len)
        return terr_set(ei, TERR_BAD_JSON, NULL, "the body is empty: a JSON object is expected");
    json_error_t jerr;
    json_t *v = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!v) {
        /* jansson names its flag; say what the text holds instead. */
        if (strstr(jerr.text, "\\u0000"))
            return terr_set(ei, TERR_BAD_JSON, NULL,
                            "a string holds \\u0000 (line %d column %d): text cannot contain "
                            "NUL characters",
                            jerr.line, jerr.column);
        return terr_set(ei, TERR_BAD_JSON, NULL, "malformed JSON at line %d column %d: %s",
                        jerr.line, jerr.column, jerr.text);
    }
    if (!json_is_object(v)) {
        terr_set(ei, TERR_BAD_JSON, NULL, "the body is %s: it must be a JSON object", json_kind(v));
        json_decref(v);
        return TERR_BAD_JSON;
    }
    *out = v;
    return TERR_OK;
}

static const char *type_name(enum jtype t)
{
    switch (t) {
    case JT_STRING:
        return "a string";
    case JT_STRING_NULL:
    case JT_LINE_NULL:
        return "a string or null";
    case JT_LINE:
        return "a string";
    case JT_INT:
        return "an integer";
    case JT_INT_NULL:
        return "an integer or null";
    case JT_BOOL:
        return "true or false";
    case JT_STRINGS:
        return "an array of strings";
    case JT_OBJECT:
        return "an object";
    case JT_OBJECTS:
        return "an array of objects";
    case JT_DECIMAL:
        return "a number or a string holding one";
    }
    return "?";
}

static enum terr check_obj(const json_t *obj, const struct jfield *fields, const char *prefix,
                           struct terr_info *ei);

/* A name or a subject is shown on one line (a list row, a mail header): a
 * line break, a control character or a direction override has no place in
 * it.  item: v is an item of the array at path. */
static enum terr check_line(const json_t *v, const char *path, bool item, struct terr_info *ei)
{
    unsigned cp;
    const char *kind;
    size_t at = utf8_line_fault(json_string_value(v), json_string_length(v), &cp, &kind);
    if (!at)
        return TERR_OK;
    return terr_set(ei, TERR_INVALID, path,
                    "%s'%s' must be one line of text: it has %s (U+%04X) at character %zu",
                    item ? "an item of " : "", path, kind, cp, at);
}

static enum terr check_value(const json_t *v, const struct jfield *f, const char *path,
                             struct terr_info *ei)
{
    bool ok;
    switch (f->type) {
    case JT_STRING_NULL:
    case JT_LINE_NULL:
        if (json_is_null(v))
            return TERR_OK;
        /* fall through */
    case JT_STRING:
    case JT_LINE:
        if (!json_is_string(v))
            break;
        if (f->max && json_string_length(v) > (size_t)f->max)
            return terr_set(ei, TERR_TOO_LONG, path, "'%s' is over %lld bytes", path, f->max);
        if (f->type == JT_STRING || f->type == JT_STRING_NULL)
            return TERR_OK;
        return check_line(v, path, false, ei);
    case JT_INT_NULL:
        if (json_is_null(v))
            return TERR_OK;
        /* fall through */
    case JT_INT:
        if (!json_is_integer(v))
            break;
        if (json_integer_value(v) < f->min || json_integer_value(v) > f->max)
            return terr_set(ei, TERR_INVALID, path, "'%s' must be between %lld and %lld", path,
                            f->min, f->max);
        return TERR_OK;
    case JT_BOOL:
        if (!json_is_boolean(v))
            break;
        return TERR_OK;
    case JT_STRINGS: {
        if (!json_is_array(v))
            break;
        if (f->max && json_array_size(v) > (size_t)f->max)
            return terr_set(ei, TERR_TOO_LONG, path, "'%s' has more than %lld items", path, f->max);
        size_t i;
        const json_t *item;
        ok = true;
        json_array_foreach(v, i, item)
        {
            if (!json_is_string(item)) {
                ok = false;
                break;
            }
            if (f->item_max && json_string_length(item) > f->item_max)
                return terr_set(ei, TERR_TOO_LONG, path, "an item of '%s' is over %zu bytes", path,
                                f->item_max);
            enum terr e = check_line(item, path, true, ei);
            if (e)
                return e;
        }
        if (!ok)
            break;
        return TERR_OK;
    }
    case JT_OBJECT:
        if (!json_is_object(v))
            break;
        return check_obj(v, f->sub, path, ei);
    case JT_OBJECTS: {
        if (!json_is_array(v))
            break;
        if (f->max && json_array_size(v) > (size_t)f->max)
            return terr_set(ei, TERR_TOO_LONG, path, "'%s' has more than %lld items", path, f->max);
        size_t i;
        const json_t *item;
        json_array_foreach(v, i, item)
        {
            char at[160];
            snprintf(at, sizeof(at), "%s[%zu]", path, i);
            if (!json_is_object(item))
                return terr_set(ei, TERR_WRONG_TYPE, at, "'%s' must be an object", at);
            enum terr e = f->sub ? check_obj(item, f->sub, at, ei) : TERR_OK;
            if (e)
                return e;
        }
        return TERR_OK;
    }
    case JT_DECIMAL:
        if (json_is_number(v))
            return TERR_OK;
        if (!json_is_string(v))
            break;
        if (f->max && json_string_length(v) > (size_t)f->max)
            return terr_set(ei, TERR_TOO_LONG, path, "'%s' is over %lld bytes", path, f->max);
        return TERR_OK;
    }
    return terr_set(ei, TERR_WRONG_TYPE, path, "'%s' must be %s", path, type_name(f->type));
}

static enum terr check_obj(const json_t *obj, const struct jfield *fields, const char *prefix,
                           struct terr_info *ei)
{
    char path[128];
    const char *key;
    const json_t *v;
    /* Undeclared fields first: a typo should not read as "missing". */
    json_object_foreach((json_t *)(uintptr_t)obj, key, v)
    {
        const struct jfield *f = fields;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        if (!f->name) {
            snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", key);
            return terr_set(ei, TERR_UNKNOWN_FIELD, path, "unknown field '%s'", path);
        }
    }
    for (const struct jfield *f = fields; f->name; f++) {
        snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", f->name);
        v = json_object_get(obj, f->name);
        if (!v) {
            if (f->required)
                return terr_set(ei, TERR_MISSING_FIELD, path, "'%s' is required", path);
            continue;
        }
        enum terr e = check_value(v, f, path, ei);
        if (e)
            return e;
    }
    return TERR_OK;
}

enum terr json_check(const json_t *obj, const struct jfield *fields, struct terr_info *ei)
{
    return check_obj(obj, fields, "", ei);
}

const char *json_str(const json_t *obj, const char *name, const char *dflt)
{
    const json_t *v = json_object_get(obj, name);
    return json_is_string(v) ? json_string_value(v) : dflt;
}

long long json_int(const json_t *obj, const char *name, long long dflt)
{
    const json_t *v = json_object_get(obj, name);
    return json_is_integer(v) ? json_integer_value(v) : dflt;
}

bool json_bool(const json_t *obj, const char *name, bool dflt)
{
    const json_t *v = json_object_get(obj, name);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

bool json_has(const json_t *obj, const char *name)
{
    return json_object_get(obj, name) != NULL;
}

bool json_decimal(const json_t *obj, const char *name, char *out, size_t n)
{
    const json_t *v = json_object_get(obj, name);
    int w;
    if (json_is_string(v))
        w = snprintf(out, n, "%s", json_string_value(v));
    else if (json_is_integer(v))
        w = snprintf(out, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        /* 15 digits give back the decimal that was written: 0.1, not 0.1000000000000000055. */
        w = snprintf(out, n, "%.15g", json_real_value(v));
    else
        return false;
    return w >= 0 && (size_t)w < n;
}
