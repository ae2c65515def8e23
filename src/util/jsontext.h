/* JSON strings from stored text that may predate today's input checks. */
#ifndef TRUCE_JSONTEXT_H
#define TRUCE_JSONTEXT_H

#include <jansson.h>

/* A new JSON string for s (NULL gives ""); bytes that are not UTF-8 become
 * '?', so rendering never fails on text written before it was checked.
 * This function can't fail. */
json_t *json_text(const char *s);

/* Compact text of o with sorted keys (what the audit trail and webhook
 * records keep), as a heap string the caller frees; o is consumed.  A NULL
 * o (a failed json_pack) or an encoding failure is a bug: it aborts, naming
 * what: "cannot encode <what>". */
char *json_dump_record(json_t *o, const char *what);

/* The first key of object o that is not in names (a NULL-ended list), or
 * NULL when every key is: for the checks that refuse an undeclared field by
 * its name.  The key is borrowed from o. */
const char *json_unknown_key(const json_t *o, const char *const *names);

#endif
