/* Rules, rule states and notifications: record helpers and backend dispatch (store_rules.h). */
#include "store_rules_int.h"

#include <stdlib.h>
#include <string.h>

void rule_row_release(struct rule_row *r)
{
    if (!r)
        return;
    free(r->name);
    free(r->spec);
    memset(r, 0, sizeof(*r));
}

void rule_rows_free(struct rule_row *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        rule_row_release(&v[i]);
    free(v);
}

void notification_release(struct notification *n)
{
    if (!n)
        return;
    free(n->kind);
    free(n->text);
    memset(n, 0, sizeof(*n));
}

void notifications_free(struct notification *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        notification_release(&v[i]);
    free(v);
}

#define ROPS(tx) ((tx)->st->ops->rules)

enum terr store_rule_insert(struct store_tx *tx, struct rule_row *r)
{
    return ROPS(tx)->rule_insert(tx->conn, r);
}
enum terr store_rule_get(struct store_tx *tx, int64_t id, struct rule_row *out)
{
    return ROPS(tx)->rule_get(tx->conn, id, out);
}
enum terr store_rule_update(struct store_tx *tx, const struct rule_row *r)
{
    return ROPS(tx)->rule_update(tx->conn, r);
}
enum terr store_rule_set_position(struct store_tx *tx, int64_t id, int position)
{
    return ROPS(tx)->rule_set_position(tx->conn, id, position);
}
enum terr store_rule_delete(struct store_tx *tx, int64_t id)
{
    return ROPS(tx)->rule_delete(tx->conn, id);
}
enum terr store_rule_list(struct store_tx *tx, struct rule_row **out, size_t *n_out)
{
    return ROPS(tx)->rule_list(tx->conn, out, n_out);
}
enum terr store_rules_replace(struct store_tx *tx, struct rule_row *v, size_t n)
{
    return ROPS(tx)->rules_replace(tx->conn, v, n);
}
enum terr store_rules_version(struct store_tx *tx, int64_t *out)
{
    return ROPS(tx)->rules_version(tx->conn, out);
}
enum terr store_rule_states_get(struct store_tx *tx, int64_t ticket_id, struct rule_state **out,
                                size_t *n_out)
{
    return ROPS(tx)->rule_states_get(tx->conn, ticket_id, out, n_out);
}
enum terr store_rule_state_put(struct store_tx *tx, int64_t ticket_id, const struct rule_state *s)
{
    return ROPS(tx)->rule_state_put(tx->conn, ticket_id, s);
}
enum terr store_rule_states_rename(struct store_tx *tx, const char *from, const char *to)
{
    return ROPS(tx)->rule_states_rename(tx->conn, from, to);
}
enum terr store_notification_insert(struct store_tx *tx, struct notification *n)
{
    return ROPS(tx)->notification_insert(tx->conn, n);
}
enum terr store_notification_get(struct store_tx *tx, int64_t id, struct notification *out)
{
    return ROPS(tx)->notification_get(tx->conn, id, out);
}
enum terr store_notification_list(struct store_tx *tx, const struct notification_query *q,
                                  struct notification **out, size_t *n_out)
{
    return ROPS(tx)->notification_list(tx->conn, q, out, n_out);
}
enum terr store_notification_mark_read(struct store_tx *tx, int64_t id, int64_t at)
{
    return ROPS(tx)->notification_mark_read(tx->conn, id, at);
}
enum terr store_notifications_read_before(struct store_tx *tx, int64_t before, int64_t at)
{
    return ROPS(tx)->notifications_read_before(tx->conn, before, at);
}
