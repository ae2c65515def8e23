/*
 * The store's escalation rules, what each ticket remembers of them, and the
 * notifications sent to staff (store.h's section for issue 5's rules, kept
 * apart so the core header stays about the desk's records).
 *
 * A rule row holds one rule in the data-file format of src/domain/rules.h
 * (spec), so the API and the data file share one parser; name and position
 * are copies kept for uniqueness and order.  Every change to the rules table
 * (insert, update, delete, replace) also sets the 'rules_version' setting to
 * a new random value in the same transaction: a process that caches the
 * parsed set compares that value to know whether its copy is current, even
 * when another process sharing the database made the change.  (It is the one
 * setting that changes; the others are set once.)
 */
#ifndef TRUCE_STORE_RULES_H
#define TRUCE_STORE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../domain/model.h"
#include "../domain/rules.h"
#include "../util/err.h"

struct store_tx;

struct rule_row {
    int64_t id;
    char *name;
    int position; /* 1..n in evaluation order */
    char *spec;   /* the rule in the file format */
    int64_t created_at;
    int64_t updated_at;
};
void rule_row_release(struct rule_row *r);
void rule_rows_free(struct rule_row *v, size_t n);

/* Inserts a rule and sets r->id; TERR_CONFLICT when the name is taken. */
enum terr store_rule_insert(struct store_tx *tx, struct rule_row *r);
enum terr store_rule_get(struct store_tx *tx, int64_t id, struct rule_row *out);
/* Writes name, position, spec and updated_at of rule r->id; TERR_NOT_FOUND
 * if unknown, TERR_CONFLICT when the new name is another rule's. */
enum terr store_rule_update(struct store_tx *tx, const struct rule_row *r);
/* Moves rule id to position (positions of the others are not touched). */
enum terr store_rule_set_position(struct store_tx *tx, int64_t id, int position);
enum terr store_rule_delete(struct store_tx *tx, int64_t id); /* TERR_NOT_FOUND if unknown */
/* Every rule in (position, id) order; caller frees with rule_rows_free. */
enum terr store_rule_list(struct store_tx *tx, struct rule_row **out, size_t *n_out);
/* Deletes every rule and inserts v[0..n) (ids set, positions as given).
 * Call inside the caller's write: it is one transaction with it. */
enum terr store_rules_replace(struct store_tx *tx, struct rule_row *v, size_t n);
/* The rules' version tag into *out: 0 when the rules table was never
 * written (it is then empty). */
enum terr store_rules_version(struct store_tx *tx, int64_t *out);

/* A ticket's records of the rules (any order); caller frees *out. */
enum terr store_rule_states_get(struct store_tx *tx, int64_t ticket_id, struct rule_state **out,
                                size_t *n_out);
/* Creates or replaces the record of rule s->rule on ticket_id. */
enum terr store_rule_state_put(struct store_tx *tx, int64_t ticket_id, const struct rule_state *s);
/* Renames a rule's records on every ticket (a rule renamed keeps its history). */
enum terr store_rule_states_rename(struct store_tx *tx, const char *from, const char *to);

/* A notice to staff: to one agent (agent_id), or to everyone of a role
 * (agent_id 0 and role set; admins also see the leads'). */
struct notification {
    int64_t id;
    int64_t agent_id;  /* 0: by role */
    enum role role;    /* read when agent_id is 0 */
    int64_t ticket_id; /* 0: none */
    char *kind;        /* "rule", "sla", "offer", ... */
    char *text;
    int64_t created_at;
    int64_t read_at; /* 0: unread */
};
void notification_release(struct notification *n);
void notifications_free(struct notification *v, size_t n);

/* What one person sees: theirs and their role's (and a lead's, for an
 * admin), newest first, ids below before_id (0: from the newest). */
struct notification_query {
    int64_t agent_id;
    enum role role;
    bool unread_only;
    int64_t before_id;
    size_t limit; /* 0: no limit */
};

enum terr store_notification_insert(struct store_tx *tx, struct notification *n); /* sets n->id */
enum terr store_notification_get(struct store_tx *tx, int64_t id, struct notification *out);
/* Caller frees with notifications_free. */
enum terr store_notification_list(struct store_tx *tx, const struct notification_query *q,
                                  struct notification **out, size_t *n_out);
/* Stamps read_at = at on an unread notification (a read one keeps its stamp). */
enum terr store_notification_mark_read(struct store_tx *tx, int64_t id, int64_t at);
/* Stamps read_at = at on every unread notification created before `before`
 * (the demo's history: old news, read long ago). */
enum terr store_notifications_read_before(struct store_tx *tx, int64_t before, int64_t at);

#endif
