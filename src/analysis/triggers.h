/*
 * Conflict triggers: phrases (and a few rules) that signal a customer about
 * to leave, sue, go public, ask for a manager, or who is contacting again,
 * shouting, swearing, insulting, in a hurry or in danger.
 *
 * Phrase lists are data, one file per kind under data/triggers/
 * (<kind>.txt, format described at the top of each file).  A phrase inside
 * a negation's scope ("I'm not going to sue") or inside quotation marks does
 * not fire, unless the phrase itself carries the negation ("never again",
 * "won't be back").  Inflections meet through stemming.
 */
#ifndef TRUCE_TRIGGERS_H
#define TRUCE_TRIGGERS_H

#include <stddef.h>

#include "analysis/analysis.h"

struct stemmer;
struct tokens;
struct trigger_set;

/* Loads every data/triggers/<kind>.txt under dir (a missing file is an
 * error: the set would be silently weaker).  Phrases are stemmed with s
 * (borrowed during the call only).  NULL on error, with the file and line
 * in err.  Free with triggers_free(). */
struct trigger_set *triggers_load(const char *dir, struct stemmer *s, char *err, size_t errlen);
void triggers_free(struct trigger_set *ts);

/* Finds the triggers in the message text[0..len), already tokenized,
 * stemmed and negation-marked in t.  Stores up to max of them in out, in
 * order of start, one per span and kind; returns how many were stored. */
size_t triggers_find(const struct trigger_set *ts, const char *text, size_t len,
                     const struct tokens *t, struct trigger *out, size_t max);

#endif
