/* Inside the store: the backend's operations on rules and notifications (store_rules.h). */
#ifndef TRUCE_STORE_RULES_INT_H
#define TRUCE_STORE_RULES_INT_H

#include "store_int.h"
#include "store_rules.h"

struct store_rules_ops {
    enum terr (*rule_insert)(struct store_conn *c, struct rule_row *r);
    enum terr (*rule_get)(struct store_conn *c, int64_t id, struct rule_row *out);
    enum terr (*rule_update)(struct store_conn *c, const struct rule_row *r);
    enum terr (*rule_set_position)(struct store_conn *c, int64_t id, int position);
    enum terr (*rule_delete)(struct store_conn *c, int64_t id);
    enum terr (*rule_list)(struct store_conn *c, struct rule_row **out, size_t *n_out);
    enum terr (*rules_replace)(struct store_conn *c, struct rule_row *v, size_t n);
    enum terr (*rules_version)(struct store_conn *c, int64_t *out);
    enum terr (*rule_states_get)(struct store_conn *c, int64_t ticket_id, struct rule_state **out,
                                 size_t *n_out);
    enum terr (*rule_state_put)(struct store_conn *c, int64_t ticket_id,
                                const struct rule_state *s);
    enum terr (*rule_states_rename)(struct store_conn *c, const char *from, const char *to);
    enum terr (*notification_insert)(struct store_conn *c, struct notification *n);
    enum terr (*notification_get)(struct store_conn *c, int64_t id, struct notification *out);
    enum terr (*notification_list)(struct store_conn *c, const struct notification_query *q,
                                   struct notification **out, size_t *n_out);
    enum terr (*notification_mark_read)(struct store_conn *c, int64_t id, int64_t at);
    enum terr (*notifications_read_before)(struct store_conn *c, int64_t before, int64_t at);
};

extern const struct store_rules_ops sqlite_rules_ops;

#endif
