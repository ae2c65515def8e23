/*
 * Request bodies are described by field tables (name, type, required,
 * limits).  json_check walks a body against its table and rejects the first
 * problem with the field's dotted name: an undeclared field, a missing
 * required one, a wrong type, an over-long value (lwan's JSON_OBJ_DESCR_PRIM,
 * Kore's validators).
 */
#ifndef TRUCE_JSON_IN_H
#define TRUCE_JSON_IN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "../util/err.h"

enum jtype {
    JT_STRING,      /* max: bytes */
    JT_STRING_NULL, /* a string or null */
    JT_LINE,        /* one line of text (utf8_line_fault): a name, a subject; max: bytes */
    JT_LINE_NULL,   /* one line of text or null */
    JT_INT,         /* min..max */
    JT_INT_NULL,    /* an integer or null */
    JT_BOOL,
    JT_STRINGS, /* array of one-line strings; max: items, item_max: bytes per item */
    JT_OBJECT,  /* described by sub */
    JT_OBJECTS, /* array of objects described by sub (NULL: the handler checks them); max: items */
    JT_DECIMAL, /* a number, or a string (max: bytes) holding one: money ("80.00") */
};

struct jfield {
    const char *name;
    enum jtype type;
    bool required;
    long long min, max;
    size_t item_max;
    const struct jfield *sub; /* for JT_OBJECT; ends with a {NULL} row */
};

/* Parses a request body into a JSON object: TERR_BAD_UTF8 for invalid UTF-8,
 * TERR_BAD_JSON for anything else that is not one JSON object. */
enum terr json_parse_body(const char *data, size_t len, json_t **out, struct terr_info *ei);

/* Checks obj against fields (a table ending with a {NULL} row). */
enum terr json_check(const json_t *obj, const struct jfield *fields, struct terr_info *ei);

/* Accessors for a checked body: absent (or null, for the _NULL types) gives the default. */
const char *json_str(const json_t *obj, const char *name, const char *dflt);
long long json_int(const json_t *obj, const char *name, long long dflt);
bool json_bool(const json_t *obj, const char *name, bool dflt);
bool json_has(const json_t *obj, const char *name);
/* A JT_DECIMAL field as text into out (n bytes): a string as it is, an
 * integer in decimal, a real with up to 15 significant digits ("80.5";
 * "1e+20" for what no amount is).  False when absent or null, or when the
 * text does not fit (the caller then refuses it like any bad number). */
bool json_decimal(const json_t *obj, const char *name, char *out, size_t n);

#endif
