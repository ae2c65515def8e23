/*
 * The ticket's life as pure rules: which status changes are allowed, what a
 * new message does to the ticket, and the limits on what people may write.
 */
#ifndef TRUCE_TICKET_RULES_H
#define TRUCE_TICKET_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"
#include "model.h"

/* Limits on fields, in bytes of UTF-8. */
#define LIMIT_SUBJECT  500
#define LIMIT_BODY     (256 * 1024)
#define LIMIT_NAME     200
#define LIMIT_EMAIL    254
#define LIMIT_TAG      64
#define LIMIT_TAGS     32
#define LIMIT_CATEGORY 100
#define LIMIT_PASSWORD 1024
#define LIMIT_SKILL    64
#define LIMIT_SKILLS   32
#define PASSWORD_MIN   10

/* An agent's languages (routing.h): BCP 47 tags, the longest common form. */
#define LIMIT_LANGUAGE  35
#define LIMIT_LANGUAGES 32

/* Moves t to status `to`.  A closed ticket is final (TERR_CONFLICT); reaching
 * resolved stamps resolved_at, leaving it clears the stamp.  On error t is
 * unchanged. */
enum terr ticket_set_status(struct ticket *t, enum ticket_status to, int64_t now,
                            struct terr_info *ei);

/* What a new message does to its ticket: an agent's first public reply stamps
 * first_response_at and opens a new ticket; a customer writing on a pending or
 * resolved ticket reopens it.  A closed ticket takes no message (TERR_CONFLICT);
 * a customer cannot write an internal note (TERR_INVALID). */
enum terr ticket_note_message(struct ticket *t, enum author_kind author, bool internal, int64_t now,
                              struct terr_info *ei);

/* A plausible address: one '@', something on each side, a dot in the domain,
 * no spaces or control characters. */
bool email_plausible(const char *s);

/* True when s has nothing but spaces, tabs and line breaks. */
bool text_blank(const char *s);

/* How text_check judges a text field. */
#define TEXT_REQUIRED  0x1u /* NULL is "'field' is required" (else NULL passes) */
#define TEXT_NOT_BLANK 0x2u /* nothing but spaces and line breaks is "'field' is empty" */

/* A text field of a service's input: valid UTF-8, at most max bytes, and
 * what `how` asks; the error names field. */
enum terr text_check(const char *s, const char *field, size_t max, unsigned how,
                     struct terr_info *ei);

/* Tags and skills: 1..limit bytes of letters, digits, '-', '_', ':' or '.';
 * letters of any script, but no invisible or direction-changing characters.
 * s must be valid UTF-8. */
bool label_valid(const char *s, size_t limit);

#endif
