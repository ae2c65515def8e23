/*
 * @mentions in an internal note: "@priya" names the agent whose email's
 * local part is "priya" (priya@truce.example).  Pure text, no I/O.
 *
 * A mention is "@" at the start of the text or after a character that
 * cannot be part of an email address (so "bob@example.com" mentions no one),
 * followed by one or more of A-Z a-z 0-9 . _ + -; dots and hyphens at its
 * end are punctuation ("thanks @priya." names "priya").  Names are
 * lower-cased and listed once each, in the order they first appear.
 */
#ifndef TRUCE_MENTIONS_H
#define TRUCE_MENTIONS_H

#include <stddef.h>

#define MENTION_NAME_MAX 64 /* bytes; longer names are not mentions */
#define MENTIONS_MAX     16 /* distinct names taken from one text */

/* Writes up to max distinct names mentioned in text into names; returns
 * how many.  This function can't fail. */
size_t mentions_parse(const char *text, char names[][MENTION_NAME_MAX + 1], size_t max);

#endif
