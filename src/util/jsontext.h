/* JSON strings from stored text that may predate today's input checks. */
#ifndef TRUCE_JSONTEXT_H
#define TRUCE_JSONTEXT_H

#include <jansson.h>

/* A new JSON string for s (NULL gives ""); bytes that are not UTF-8 become
 * '?', so rendering never fails on text written before it was checked.
 * This function can't fail. */
json_t *json_text(const char *s);

#endif
